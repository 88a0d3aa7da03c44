"""The department-content JSON API: calls (office), submissions and their workflow, versions and
attachments; who may use what, and that one department never reaches another's work."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.briefings.models import Briefing, BriefingInvitee, BriefingStatus
from app.config import Settings
from app.content import service
from app.content.models import (
    Attachment,
    CallStatus,
    ContentCall,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from app.orgs.models import Organisation
from app.timeutil import LOCAL_TZ, utcnow
from tests.conftest import make_settings
from tests.factories import (
    PASSWORD,
    PNG_1PX,
    make_briefing,
    make_call,
    make_org,
    make_submission,
    make_user,
    pdf_bytes,
)
from tests.support import PROBLEM, problem

CALLS = "/api/v1/calls"
SUBS = "/api/v1/submissions"
HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = "application/pdf"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """The usual test settings; a test may change some with indirect parametrization."""
    return make_settings(database_url, tmp_path, **getattr(request, "param", {}))


class Person:
    """One signed-in person in their own client; changes carry the CSRF header."""

    def __init__(self, client: TestClient, headers: dict[str, str], user: User | None) -> None:
        self.client = client
        self.headers = headers
        self.user = user

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def send(self, method: str, url: str, **kw: Any) -> Any:
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.send("POST", url, **kw)

    def patch(self, url: str, **kw: Any) -> Any:
        return self.send("PATCH", url, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.send("DELETE", url, **kw)


SignIn = Callable[..., Person]


@pytest.fixture
def sign_in(app: Any, db: Session) -> Iterator[SignIn]:
    """sign_in(role, org=None): a person of that role (of `org` for a department); None for
    the anonymous visitor (with the CSRF token of the anonymous session)."""
    clients: list[TestClient] = []

    def make(role: Role | None, org: Organisation | None = None) -> Person:
        c = TestClient(app, base_url="http://testserver", follow_redirects=False)
        clients.append(c)
        csrf = c.get("/api/v1/session").json()["csrf_token"]
        if role is None:
            return Person(c, {"X-CSRF-Token": csrf}, None)
        user = make_user(db, role=role, org=org) if org else make_user(db, role=role)
        r = c.post(
            "/api/v1/session",
            json={"email": user.email, "password": PASSWORD},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 200, r.text
        return Person(c, {"X-CSRF-Token": c.get("/api/v1/session").json()["csrf_token"]}, user)

    yield make
    for c in clients:
        c.close()


@dataclass
class World:
    """Departments A and B asked for content for one briefing, C not asked; A has a draft."""

    a: Organisation
    b: Organisation
    c: Organisation
    briefing: Briefing
    call: ContentCall
    sub: Submission
    office: Person
    dept_a: Person
    dept_b: Person


@pytest.fixture
def world(db: Session, sign_in: SignIn) -> World:
    a, b, c = make_org(db), make_org(db), make_org(db)
    briefing = make_briefing(db, days_ahead=10)
    call = make_call(db, briefing=briefing, orgs=[a, b])
    sub = make_submission(db, call, a)
    return World(
        a=a,
        b=b,
        c=c,
        briefing=briefing,
        call=call,
        sub=sub,
        office=sign_in(Role.PRESS_OFFICE),
        dept_a=sign_in(Role.DEPARTMENT, a),
        dept_b=sign_in(Role.DEPARTMENT, b),
    )


def utc(iso: str) -> datetime:
    value = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    assert value.utcoffset() == timedelta(0), iso
    return value


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


def pdf_part(name: str = "Đề cương.pdf", data: bytes | None = None) -> tuple[str, Any]:
    return ("files", (name, pdf_bytes() if data is None else data, PDF))


def upload(person: Person, sub_id: int | None, *parts: tuple[str, Any]) -> Any:
    return person.post(f"{SUBS}/{sub_id}/attachments", files=list(parts))


def org_ids(*orgs_ids: int | None) -> list[int]:
    """Organisation ids as the API lists them (sorted)."""
    return sorted(i for i in orgs_ids if i is not None)


def stored_files(settings: Settings) -> list[str]:
    """Everything in the upload folder, hidden temporary files included."""
    folder = Path(settings.upload_dir)
    return sorted(os.listdir(folder)) if folder.exists() else []


def attachment_rows(db: Session) -> list[Attachment]:
    db.expire_all()
    return list(db.exec(select(Attachment)).all())


def revision(person: Person, sub_id: int | None) -> int:
    r = person.get(f"{SUBS}/{sub_id}")
    assert r.status_code == 200, r.text
    value: int = r.json()["revision"]
    return value


def invite(db: Session, briefing: Briefing, *orgs: Organisation) -> None:
    for org in orgs:
        assert briefing.id is not None and org.id is not None
        db.add(BriefingInvitee(briefing_id=briefing.id, organisation_id=org.id))
    db.commit()


# --- Calls: the office asks for content ---------------------------------------------------------


def test_the_office_opens_a_call_for_the_invited_organisations_by_default(
    db: Session, sign_in: SignIn
) -> None:
    office = sign_in(Role.PRESS_OFFICE)
    a, b = make_org(db), make_org(db)
    briefing = make_briefing(db, days_ahead=12)
    invite(db, briefing, a, b)

    r = office.post(CALLS, json={"briefing_id": briefing.id})

    assert r.status_code == 201, r.text
    body = r.json()
    assert body["briefing_id"] == briefing.id
    assert body["briefing_title"] == briefing.title_vi
    assert body["organisation_ids"] == org_ids(a.id, b.id)
    assert body["status"] == "open" and body["closed_at"] is None
    assert body["instructions"] == ""
    assert utc(body["deadline"]) == service.default_deadline(db, briefing)
    assert utc(body["briefing_starts_at"]) == briefing.starts_at
    stored = db.get(ContentCall, body["id"])
    assert stored is not None and stored.deadline == service.default_deadline(db, briefing)
    assert service.recipients(db, body["id"]) == org_ids(a.id, b.id)

    again = office.post(CALLS, json={"briefing_id": briefing.id})
    problem(again, 409)


def test_the_office_chooses_organisations_deadline_and_instructions(
    db: Session, sign_in: SignIn
) -> None:
    spokesperson = sign_in(Role.SPOKESPERSON)
    a, c = make_org(db), make_org(db)
    briefing = make_briefing(db, days_ahead=12)
    invite(db, briefing, a)
    due = (briefing.starts_at - timedelta(days=2)).astimezone(LOCAL_TZ).replace(hour=16, minute=30)

    r = spokesperson.post(
        CALLS,
        json={
            "briefing_id": briefing.id,
            "organisation_ids": [c.id],
            "deadline": due.isoformat(),  # +07:00
            "instructions": "Gửi đề cương và số liệu.",
        },
    )

    assert r.status_code == 201, r.text
    body = r.json()
    assert body["organisation_ids"] == [c.id]
    assert utc(body["deadline"]) == due
    assert body["instructions"] == "Gửi đề cương và số liệu."


def test_a_call_in_english_shows_the_english_title(db: Session, sign_in: SignIn) -> None:
    office = sign_in(Role.PRESS_OFFICE)
    briefing = make_briefing(db, title_en="Monthly press conference")
    call = make_call(db, briefing=briefing, orgs=[make_org(db)])
    r = office.get(f"{CALLS}/{call.id}", headers={"Accept-Language": "en"})
    assert r.json()["briefing_title"] == "Monthly press conference"


def test_a_call_refuses_a_naive_deadline_and_bad_values(db: Session, sign_in: SignIn) -> None:
    office = sign_in(Role.PRESS_OFFICE)
    a = make_org(db)
    briefing = make_briefing(db, days_ahead=12)
    naive = (briefing.starts_at - timedelta(days=2)).astimezone(LOCAL_TZ).replace(tzinfo=None)

    body = problem(
        office.post(
            CALLS,
            json={
                "briefing_id": briefing.id,
                "organisation_ids": [a.id],
                "deadline": naive.isoformat(),
            },
        ),
        422,
    )
    assert "deadline" in body["errors"]

    late = (briefing.starts_at + timedelta(hours=1)).isoformat()
    body = problem(
        office.post(
            CALLS, json={"briefing_id": briefing.id, "organisation_ids": [a.id], "deadline": late}
        ),
        422,
    )
    assert set(body["errors"]) == {"deadline"}  # the service's deadline_day, named as sent

    # No organisations: none given and none invited.
    body = problem(office.post(CALLS, json={"briefing_id": briefing.id}), 422)
    assert set(body["errors"]) == {"organisation_ids"}
    body = problem(
        office.post(CALLS, json={"briefing_id": briefing.id, "organisation_ids": [999999]}), 422
    )
    assert set(body["errors"]) == {"organisation_ids"}

    cancelled = make_briefing(db, status=BriefingStatus.CANCELLED)
    body = problem(
        office.post(CALLS, json={"briefing_id": cancelled.id, "organisation_ids": [a.id]}), 422
    )
    assert set(body["errors"]) == {"organisation_ids"}

    problem(office.post(CALLS, json={"briefing_id": 999999}), 404)
    assert db.exec(select(ContentCall)).all() == []


def test_the_office_updates_a_call_only_in_the_fields_sent(world: World, db: Session) -> None:
    w = world
    url = f"{CALLS}/{w.call.id}"
    before = w.office.get(url).json()

    r = w.office.patch(url, json={"instructions": "Thêm phần hỏi đáp."})
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["instructions"] == "Thêm phần hỏi đáp."
    assert after["organisation_ids"] == before["organisation_ids"] == org_ids(w.a.id, w.b.id)
    assert after["deadline"] == before["deadline"]

    due = (w.briefing.starts_at - timedelta(days=1)).astimezone(UTC).replace(microsecond=0)
    r = w.office.patch(
        url, json={"deadline": due.isoformat(), "organisation_ids": [w.a.id, w.c.id]}
    )
    assert r.status_code == 200, r.text
    assert utc(r.json()["deadline"]) == due
    assert r.json()["organisation_ids"] == org_ids(w.a.id, w.c.id)
    assert r.json()["instructions"] == "Thêm phần hỏi đáp."

    # null: back to the defaults (the briefing's deadline; its invited organisations)
    invite(db, w.briefing, w.a, w.b)
    r = w.office.patch(url, json={"deadline": None, "organisation_ids": None})
    assert r.status_code == 200, r.text
    assert utc(r.json()["deadline"]) == service.default_deadline(db, w.briefing)
    assert r.json()["organisation_ids"] == org_ids(w.a.id, w.b.id)

    # A has started its content: it cannot be taken off the call.
    body = problem(w.office.patch(url, json={"organisation_ids": [w.b.id]}), 422)
    assert set(body["errors"]) == {"organisation_ids"}
    body = problem(w.office.patch(url, json={"deadline": "2030-01-01T17:00:00"}), 422)
    assert "deadline" in body["errors"]
    problem(w.office.patch(f"{CALLS}/999999", json={"instructions": "x"}), 404)


def test_the_office_closes_and_reopens_a_call(world: World, db: Session) -> None:
    w = world
    other = make_call(db, orgs=[w.b])

    r = w.office.post(f"{CALLS}/{other.id}/close")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["closed_at"] is not None
    # A closed call takes no new content.
    problem(w.dept_b.post(SUBS, json={"call_id": other.id}), 409)

    r = w.office.post(f"{CALLS}/{other.id}/reopen")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "open" and r.json()["closed_at"] is None
    assert w.dept_b.post(SUBS, json={"call_id": other.id}).status_code == 201
    problem(w.office.post(f"{CALLS}/999999/close"), 404)


def test_calls_list_what_each_side_may_see_with_filters(
    world: World, db: Session, sign_in: SignIn
) -> None:
    w = world
    only_b = make_call(db, orgs=[w.b], deadline_in=timedelta(days=5))
    closed = make_call(db, orgs=[w.a], deadline_in=timedelta(days=1), status=CallStatus.CLOSED)
    dept_c = sign_in(Role.DEPARTMENT, w.c)

    def listed(person: Person, **params: Any) -> list[int]:
        r = person.get(CALLS, params=params)
        assert r.status_code == 200, r.text
        return ids(r.json())

    # the latest deadline first
    assert listed(w.office) == [only_b.id, w.call.id, closed.id]
    assert listed(w.dept_a) == [w.call.id, closed.id]
    assert listed(w.dept_b) == [only_b.id, w.call.id]
    assert listed(dept_c) == []
    assert listed(w.office, open="true") == [only_b.id, w.call.id]
    assert listed(w.office, open="false") == [closed.id]
    assert listed(w.dept_a, open="false") == [closed.id]
    assert listed(w.office, briefing_id=w.briefing.id) == [w.call.id]
    assert listed(w.dept_a, briefing_id=only_b.briefing_id) == []
    problem(w.office.get(CALLS, params={"open": "maybe"}), 422)

    item = w.dept_a.get(CALLS).json()[0]
    assert set(item) == {
        "id",
        "briefing_id",
        "briefing_title",
        "briefing_starts_at",
        "deadline",
        "instructions",
        "status",
        "organisation_ids",
        "created_at",
        "closed_at",
    }
    assert item["deadline"].endswith(("Z", "+00:00"))


def test_a_department_reads_only_calls_sent_to_it(world: World, db: Session) -> None:
    w = world
    only_a = make_call(db, orgs=[w.a])

    r = w.dept_a.get(f"{CALLS}/{only_a.id}")
    assert r.status_code == 200, r.text
    assert r.json()["organisation_ids"] == [w.a.id]
    problem(w.dept_b.get(f"{CALLS}/{only_a.id}"), 404)
    assert w.office.get(f"{CALLS}/{only_a.id}").status_code == 200
    problem(w.office.get(f"{CALLS}/999999"), 404)
    # B cannot start content for a call not sent to it either.
    problem(w.dept_b.post(SUBS, json={"call_id": only_a.id}), 404)
    assert db.exec(select(Submission).where(Submission.call_id == only_a.id)).all() == []


# --- Who may use what -------------------------------------------------------------------------


OFFICE, DEPT, STAFF = "office", "department", "staff"


def _routes(w: World, att_id: int) -> list[tuple[str, str, dict[str, Any], str]]:
    """Every route: (method, url, request arguments, who may use it)."""
    sub = f"{SUBS}/{w.sub.id}"
    return [
        ("GET", CALLS, {}, STAFF),
        ("GET", f"{CALLS}/{w.call.id}", {}, STAFF),
        ("POST", CALLS, {"json": {"briefing_id": w.briefing.id}}, OFFICE),
        ("PATCH", f"{CALLS}/{w.call.id}", {"json": {"instructions": "Đổi"}}, OFFICE),
        ("POST", f"{CALLS}/{w.call.id}/close", {}, OFFICE),
        ("POST", f"{CALLS}/{w.call.id}/reopen", {}, OFFICE),
        ("GET", SUBS, {}, STAFF),
        ("GET", sub, {}, STAFF),
        ("POST", SUBS, {"json": {"call_id": w.call.id}}, DEPT),
        ("PATCH", sub, {"json": {"revision": 1, "title": "Đổi"}}, DEPT),
        ("POST", f"{sub}/actions/withdraw", {"json": {}}, STAFF),
        ("GET", f"{sub}/versions", {}, STAFF),
        ("POST", f"{sub}/attachments", {"files": [pdf_part()]}, DEPT),
        ("GET", f"{sub}/attachments/{att_id}", {}, STAFF),
        ("DELETE", f"{sub}/attachments/{att_id}", {}, DEPT),
    ]


def _unchanged(db: Session, w: World, att_id: int) -> None:
    db.expire_all()
    call = db.get(ContentCall, w.call.id)
    assert call is not None and call.instructions != "Đổi" and call.status == CallStatus.OPEN
    sub = db.get(Submission, w.sub.id)
    assert sub is not None and sub.status == SubmissionStatus.DRAFT and sub.title != "Đổi"
    assert [a.id for a in attachment_rows(db)] == [att_id]
    assert attachment_rows(db)[0].removed_at is None
    assert db.exec(select(Submission)).all() == [sub]


@pytest.fixture
def att_id(world: World) -> int:
    r = upload(world.dept_a, world.sub.id, pdf_part())
    assert r.status_code == 201, r.text
    value: int = r.json()[0]["id"]
    return value


def test_the_anonymous_get_401_problems_everywhere(
    world: World, db: Session, sign_in: SignIn, att_id: int
) -> None:
    anonymous = sign_in(None)
    for method, url, kw, _who in _routes(world, att_id):
        r = anonymous.send(method, url, **kw)
        problem(r, 401)
        assert r.headers["content-type"] == PROBLEM
    _unchanged(db, world, att_id)


@pytest.mark.parametrize("role", [Role.JOURNALIST, Role.ADMIN])
def test_journalists_and_admins_get_403_everywhere(
    world: World, db: Session, sign_in: SignIn, att_id: int, role: Role
) -> None:
    person = sign_in(role)
    for method, url, kw, _who in _routes(world, att_id):
        problem(person.send(method, url, **kw), 403)
    _unchanged(db, world, att_id)


def test_departments_cannot_manage_calls_and_the_office_cannot_write_content(
    world: World, db: Session, sign_in: SignIn, att_id: int
) -> None:
    """As on the pages: calls are the office's; starting, saving, submitting content and its
    files are the departments' (the office reads, downloads and returns or accepts)."""
    w = world
    spokesperson = sign_in(Role.SPOKESPERSON)
    for method, url, kw, who in _routes(w, att_id):
        if who == OFFICE:
            problem(w.dept_a.send(method, url, **kw), 403)
        if who == DEPT:
            for person in (w.office, spokesperson):
                body = problem(person.send(method, url, **kw), 403)
                assert body["detail"]
    _unchanged(db, w, att_id)


def test_changes_without_the_csrf_token_are_refused(world: World, db: Session, att_id: int) -> None:
    w = world
    for method, url, kw, who in _routes(w, att_id):
        if method == "GET":
            continue
        person = w.office if who == OFFICE else w.dept_a
        r = person.client.request(method, url, **kw)
        problem(r, 403)
        r = person.client.request(method, url, headers={"X-CSRF-Token": "x" * 43}, **kw)
        problem(r, 403)
    _unchanged(db, w, att_id)


def test_another_department_gets_404_on_every_route_of_a_submission(
    world: World, db: Session, settings: Settings, att_id: int
) -> None:
    w = world
    sub = f"{SUBS}/{w.sub.id}"
    rev = revision(w.dept_a, w.sub.id)
    files_before = stored_files(settings)

    problem(w.dept_b.get(sub), 404)
    problem(w.dept_b.patch(sub, json={"revision": rev, "title": "Đổi"}), 404)
    problem(w.dept_b.patch(sub, json={"revision": rev, "submit": True}), 404)
    for action in ("withdraw", "reopen", "return", "accept"):
        problem(w.dept_b.post(f"{sub}/actions/{action}", json={"comment": "x"}), 404)
    problem(w.dept_b.get(f"{sub}/versions"), 404)
    problem(upload(w.dept_b, w.sub.id, pdf_part()), 404)
    problem(w.dept_b.get(f"{sub}/attachments/{att_id}"), 404)
    problem(w.dept_b.delete(f"{sub}/attachments/{att_id}"), 404)
    assert w.dept_b.get(SUBS).json() == []
    assert w.dept_b.get(SUBS, params={"call_id": w.call.id}).json() == []

    # B's own submission in the URL does not open A's file either.
    mine = w.dept_b.post(SUBS, json={"call_id": w.call.id}).json()
    problem(w.dept_b.get(f"{SUBS}/{mine['id']}/attachments/{att_id}"), 404)
    problem(w.dept_b.delete(f"{SUBS}/{mine['id']}/attachments/{att_id}"), 404)

    _unchanged_except_b(db, w, att_id)
    assert stored_files(settings) == files_before
    # ... while the office sees A's submission, its file and its versions.
    assert w.office.get(sub).status_code == 200
    assert w.office.get(f"{sub}/attachments/{att_id}").status_code == 200
    assert w.office.get(f"{sub}/versions").status_code == 200


def _unchanged_except_b(db: Session, w: World, att_id: int) -> None:
    db.expire_all()
    sub = db.get(Submission, w.sub.id)
    assert sub is not None and sub.status == SubmissionStatus.DRAFT and sub.title != "Đổi"
    assert [(a.id, a.removed_at) for a in attachment_rows(db)] == [(att_id, None)]


# --- Submissions: the department's work ---------------------------------------------------------


def test_a_department_starts_its_draft_once(world: World, db: Session, sign_in: SignIn) -> None:
    w = world
    r = w.dept_b.post(SUBS, json={"call_id": w.call.id})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "draft"
    assert (body["call_id"], body["briefing_id"], body["organisation_id"]) == (
        w.call.id,
        w.briefing.id,
        w.b.id,
    )
    assert body["attachments"] == [] and body["versions"] == 0
    # A colleague starting again gets the same draft.
    colleague = sign_in(Role.DEPARTMENT, w.b)
    again = colleague.post(SUBS, json={"call_id": w.call.id})
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    problem(w.dept_b.post(SUBS, json={"call_id": 999999}), 404)
    problem(w.dept_b.post(SUBS, json={}), 422)


def test_submissions_list_what_each_side_may_see_with_filters(world: World, db: Session) -> None:
    w = world
    other = make_call(db, orgs=[w.a, w.b])
    b_sub = make_submission(db, w.call, w.b, status=SubmissionStatus.SUBMITTED)
    a_other = make_submission(db, other, w.a)

    def listed(person: Person, **params: Any) -> set[int]:
        r = person.get(SUBS, params=params)
        assert r.status_code == 200, r.text
        return set(ids(r.json()))

    assert listed(w.office) == {w.sub.id, b_sub.id, a_other.id}
    assert listed(w.dept_a) == {w.sub.id, a_other.id}
    assert listed(w.dept_b) == {b_sub.id}
    assert listed(w.office, call_id=w.call.id) == {w.sub.id, b_sub.id}
    assert listed(w.office, status="submitted") == {b_sub.id}
    assert listed(w.dept_a, status="submitted") == set()
    assert listed(w.dept_a, call_id=w.call.id, status="draft") == {w.sub.id}
    problem(w.office.get(SUBS, params={"status": "lost"}), 422)

    body = w.office.get(f"{SUBS}/{b_sub.id}").json()
    assert body["briefing_id"] == w.briefing.id and body["organisation_id"] == w.b.id
    assert w.dept_a.get(SUBS).json()[0]["briefing_id"] in {w.briefing.id, other.briefing_id}
    problem(w.office.get(f"{SUBS}/999999"), 404)


def test_a_department_saves_its_draft_with_the_revision_it_read(world: World, db: Session) -> None:
    w = world
    url = f"{SUBS}/{w.sub.id}"
    rev = revision(w.dept_a, w.sub.id)

    r = w.dept_a.patch(
        url,
        json={
            "revision": rev,
            "title": "  Tiến độ cầu Cửa Lục 3  ",
            "qa": [
                {"question": "Khi nào thông xe?", "answer": "Quý IV."},
                {"question": "", "answer": ""},
            ],
            "contact_email": "dau.moi@example.vn",
        },
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["title"] == "Tiến độ cầu Cửa Lục 3"
    assert body["qa"] == [{"question": "Khi nào thông xe?", "answer": "Quý IV."}]
    assert body["talking_points"] == w.sub.talking_points  # not sent: kept
    assert body["contact_email"] == "dau.moi@example.vn"
    assert body["status"] == "draft" and body["versions"] == 0
    assert body["revision"] > rev
    assert w.dept_a.get(f"{url}/versions").json() == []

    # A save from a page read before that one is refused, nothing overwritten.
    stale = problem(w.dept_a.patch(url, json={"revision": rev, "title": "Cũ"}), 409)
    assert stale["detail"]
    db.expire_all()
    stored = db.get(Submission, w.sub.id)
    assert stored is not None and stored.title == "Tiến độ cầu Cửa Lục 3"

    body = problem(
        w.dept_a.patch(url, json={"revision": body["revision"], "contact_email": "không"}), 422
    )
    assert set(body["errors"]) == {"contact_email"}
    body = problem(w.dept_a.patch(url, json={"title": "Không có revision"}), 422)
    assert "revision" in body["errors"]
    body = problem(
        w.dept_a.patch(url, json={"revision": rev, "qa": [{"answer": "Không có câu hỏi"}]}), 422
    )
    assert any(key.startswith("qa") for key in body["errors"])


def test_submitting_keeps_a_version_and_marks_it_late_after_the_deadline(
    world: World, db: Session, att_id: int
) -> None:
    w = world
    url = f"{SUBS}/{w.sub.id}"
    w.call.deadline = utcnow() - timedelta(hours=1)
    db.add(w.call)
    db.commit()

    r = w.dept_a.patch(
        url,
        json={"revision": revision(w.dept_a, w.sub.id), "summary": "Tóm tắt", "submit": True},
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["versions"], body["late"]) == ("submitted", 1, True)
    assert body["submitted_at"] is not None
    [version] = w.dept_a.get(f"{url}/versions").json()
    assert version["number"] == 1 and version["late"] is True
    assert utc(version["submitted_at"]) == utc(body["submitted_at"])
    content = version["content"]
    assert content["summary"] == "Tóm tắt" and content["title"] == w.sub.title
    [listed] = content["attachments"]
    assert listed["id"] == att_id and listed["filename"] == "Đề cương.pdf"
    assert listed["url"] == f"http://testserver{url}/attachments/{att_id}"
    assert w.office.get(f"{url}/versions").json() == [version]

    # Submitted: no more saving until it is returned.
    problem(w.dept_a.patch(url, json={"revision": body["revision"], "title": "x"}), 409)


def test_submitting_needs_the_required_fields(world: World, db: Session) -> None:
    w = world
    sub = make_submission(db, w.call, w.b, title="", talking_points="", contact_name="")
    body = problem(
        w.dept_b.patch(
            f"{SUBS}/{sub.id}", json={"revision": revision(w.dept_b, sub.id), "submit": True}
        ),
        422,
    )
    assert set(body["errors"]) == {"title", "talking_points", "contact_name"}
    assert db.exec(select(SubmissionVersion)).all() == []


def test_the_workflow_through_the_actions(world: World, db: Session) -> None:
    w = world
    url = f"{SUBS}/{w.sub.id}"

    def act(person: Person, action: str, **body: Any) -> Any:
        return person.post(f"{url}/actions/{action}", json=body)

    r = act(w.dept_a, "withdraw", revision=revision(w.dept_a, w.sub.id))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn"
    stale = r.json()["revision"] - 1
    problem(act(w.dept_a, "reopen", revision=stale), 409)
    assert act(w.dept_a, "reopen").json()["status"] == "draft"

    rev = revision(w.dept_a, w.sub.id)
    assert w.dept_a.patch(url, json={"revision": rev, "submit": True}).status_code == 200

    # The office's steps are not the department's: 409 from the workflow, nothing changes.
    problem(act(w.dept_a, "accept"), 409)
    problem(act(w.dept_a, "return", comment="Tự trả lại"), 409)
    # ... and the department's are not the office's.
    problem(act(w.office, "withdraw"), 409)
    problem(w.office.patch(url, json={"revision": revision(w.office, w.sub.id)}), 403)

    body = problem(act(w.office, "return"), 422)
    assert set(body["errors"]) == {"comment"}
    r = act(w.office, "return", comment="Bổ sung số liệu quý III.")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "returned"
    assert w.dept_a.get(url).json()["office_comment"] == "Bổ sung số liệu quý III."

    rev = revision(w.dept_a, w.sub.id)
    r = w.dept_a.patch(url, json={"revision": rev, "key_figures": "12%", "submit": True})
    assert r.json()["versions"] == 2
    r = act(w.office, "accept", revision=r.json()["revision"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted"

    # Accepted content is locked.
    rev = r.json()["revision"]
    locked = problem(w.dept_a.patch(url, json={"revision": rev, "title": "Sửa"}), 409)
    assert locked["detail"]
    problem(act(w.dept_a, "withdraw"), 409)
    problem(upload(w.dept_a, w.sub.id, pdf_part()), 409)

    body = problem(act(w.office, "include"), 422)
    assert "action" in body["errors"]
    assert [v["number"] for v in w.office.get(f"{url}/versions").json()] == [1, 2]
    db.expire_all()
    stored = db.get(Submission, w.sub.id)
    assert stored is not None and stored.status == SubmissionStatus.ACCEPTED


def test_a_closed_call_takes_no_submission_and_no_new_start(world: World, db: Session) -> None:
    w = world
    url = f"{SUBS}/{w.sub.id}"
    assert w.office.post(f"{CALLS}/{w.call.id}/close").status_code == 200
    rev = revision(w.dept_a, w.sub.id)
    body = problem(w.dept_a.patch(url, json={"revision": rev, "submit": True}), 409)
    assert body["detail"]
    # Saving the draft is still possible; sending it is not.
    assert w.dept_a.patch(url, json={"revision": rev, "title": "Bản nháp"}).status_code == 200
    assert w.dept_a.post(f"{url}/actions/withdraw").status_code == 200  # no body needed
    problem(w.dept_a.post(f"{url}/actions/reopen", json={}), 409)
    assert db.exec(select(SubmissionVersion)).all() == []


def test_a_cancelled_briefing_takes_no_more_content(world: World, db: Session) -> None:
    w = world
    rev = revision(w.dept_a, w.sub.id)
    w.briefing.status = BriefingStatus.CANCELLED
    db.add(w.briefing)
    db.commit()
    problem(w.dept_a.patch(f"{SUBS}/{w.sub.id}", json={"revision": rev, "submit": True}), 409)
    problem(w.dept_b.post(SUBS, json={"call_id": w.call.id}), 409)


# --- Attachments --------------------------------------------------------------------------------


def test_a_department_uploads_a_file_and_downloads_the_same_bytes(
    world: World, db: Session, settings: Settings
) -> None:
    w = world
    data = pdf_bytes()
    rev = revision(w.dept_a, w.sub.id)

    r = upload(w.dept_a, w.sub.id, pdf_part("../../Đề cương họp báo.pdf", data))

    assert r.status_code == 201, r.text
    [att] = r.json()
    assert att["filename"] == "Đề cương họp báo.pdf"
    assert att["content_type"] == PDF and att["size"] == len(data)
    url = f"{SUBS}/{w.sub.id}/attachments/{att['id']}"
    assert att["url"] == f"http://testserver{url}"
    sub = w.dept_a.get(f"{SUBS}/{w.sub.id}").json()
    assert sub["attachments"] == [att]
    # Files do not clash with the text of an open form: its revision stays valid.
    assert sub["revision"] == rev
    [row] = attachment_rows(db)
    assert stored_files(settings) == [row.stored_name]

    for person in (w.dept_a, w.office):
        r = person.get(url)
        assert r.status_code == 200
        assert r.content == data
        assert r.headers["content-type"] == PDF
        assert r.headers["content-disposition"].startswith('attachment; filename="')
        assert (
            "filename*=UTF-8''%C4%90%E1%BB%81%20c%C6%B0%C6%A1ng" in r.headers["content-disposition"]
        )
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["content-security-policy"] == "sandbox"
    problem(w.office.get(f"{SUBS}/{w.sub.id}/attachments/999999"), 404)


def test_one_request_can_carry_several_files(world: World, db: Session, settings: Settings) -> None:
    w = world
    r = upload(
        w.dept_a,
        w.sub.id,
        pdf_part("de-cuong.pdf"),
        ("files", ("bieu-do.png", PNG_1PX, "image/png")),
    )
    assert r.status_code == 201, r.text
    assert [(a["filename"], a["content_type"]) for a in r.json()] == [
        ("de-cuong.pdf", PDF),
        ("bieu-do.png", "image/png"),
    ]
    assert len(attachment_rows(db)) == 2 and len(stored_files(settings)) == 2
    png = w.dept_a.get(r.json()[1]["url"])
    assert png.content == PNG_1PX and png.headers["content-type"] == "image/png"
    assert png.headers["content-disposition"].startswith("attachment;")


def test_an_html_page_named_pdf_is_refused_and_nothing_kept(
    world: World, db: Session, settings: Settings
) -> None:
    w = world
    body = problem(upload(w.dept_a, w.sub.id, pdf_part("bao-cao.pdf", HTML_PAGE)), 415)
    assert "bao-cao.pdf" in body["detail"]
    # With a good file before it: all or nothing.
    problem(upload(w.dept_a, w.sub.id, pdf_part("tot.pdf"), pdf_part("xau.pdf", HTML_PAGE)), 415)
    body = problem(
        upload(w.dept_a, w.sub.id, ("files", ("trang.html", HTML_PAGE, "text/html"))), 415
    )
    assert attachment_rows(db) == []
    assert stored_files(settings) == []


def test_an_upload_without_files_is_422(world: World, db: Session) -> None:
    w = world
    body = problem(w.dept_a.post(f"{SUBS}/{w.sub.id}/attachments", data={"x": "y"}), 422)
    assert set(body["errors"]) == {"files"}
    body = problem(w.dept_a.post(f"{SUBS}/{w.sub.id}/attachments", json={}), 422)
    assert attachment_rows(db) == []


@pytest.mark.parametrize(
    "settings", [{"upload_max_bytes": 2048, "upload_max_files": 2}], indirect=True
)
def test_a_file_over_the_cap_is_413_with_the_limit_and_nothing_kept(
    world: World, db: Session, settings: Settings
) -> None:
    w = world
    assert settings.upload_max_bytes == 2048
    small = b"%PDF-1.4\n" + b"0" * (2048 - 9)  # exactly at the cap: accepted
    body = problem(
        upload(w.dept_a, w.sub.id, pdf_part("nho.pdf", small), pdf_part("lon.pdf", small + b"0")),
        413,
    )
    assert "2 KB" in body["detail"] and "lon.pdf" in body["detail"]
    assert attachment_rows(db) == []
    assert stored_files(settings) == []

    body = problem(
        upload(w.dept_a, w.sub.id, *(pdf_part(f"{i}.pdf", small) for i in range(3))), 422
    )
    assert "2" in body["errors"]["files"]
    assert attachment_rows(db) == [] and stored_files(settings) == []

    r = upload(w.dept_a, w.sub.id, pdf_part("nho.pdf", small))
    assert r.status_code == 201, r.text
    assert len(stored_files(settings)) == 1


def test_a_department_removes_a_file_from_its_draft(
    world: World, db: Session, settings: Settings, att_id: int
) -> None:
    w = world
    url = f"{SUBS}/{w.sub.id}/attachments/{att_id}"
    other = w.dept_b.post(SUBS, json={"call_id": w.call.id}).json()

    # The office reading B's submission cannot reach A's file through it.
    problem(w.office.get(f"{SUBS}/{other['id']}/attachments/{att_id}"), 404)

    r = w.dept_a.delete(url)
    assert r.status_code == 204 and r.content == b""
    assert w.dept_a.get(f"{SUBS}/{w.sub.id}").json()["attachments"] == []
    problem(w.dept_a.delete(url), 404)
    [row] = attachment_rows(db)
    assert row.removed_at is not None
    # The stored file stays for the versions that may list it.
    assert stored_files(settings) == [row.stored_name]
    assert w.dept_a.get(url).status_code == 200


def test_files_cannot_change_once_submitted(world: World, db: Session, att_id: int) -> None:
    w = world
    rev = revision(w.dept_a, w.sub.id)
    assert w.dept_a.patch(f"{SUBS}/{w.sub.id}", json={"revision": rev, "submit": True}).is_success
    problem(upload(w.dept_a, w.sub.id, pdf_part()), 409)
    problem(w.dept_a.delete(f"{SUBS}/{w.sub.id}/attachments/{att_id}"), 409)
    assert [(a.id, a.removed_at) for a in attachment_rows(db)] == [(att_id, None)]
