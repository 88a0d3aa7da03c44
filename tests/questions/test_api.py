"""The journalists'-questions JSON API: the press-agency registry, verifying journalists, asking
(one record for a repeat, 429 for a flood), recording, triage and routing, answers with
second-person approval, refusals and holding answers, the rules as data; who may use what, and
that nobody reaches a question that is not theirs to see.

Every test runs on SQLite and on PostgreSQL. Clients ask for English (Accept-Language: en), so
labels and messages are the message ids. What was stored is read back after `expire_all()`.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role, User, UserStatus
from app.audit.models import AuditEvent
from app.holidays.service import work_calendar
from app.main import create_app
from app.orgs.models import MediaKind, MediaScope, Organisation, OrganisationName, OrgKind
from app.questions import deadlines
from app.questions.deadlines import grounds_on, load_rules
from app.questions.models import (
    Answer,
    AnswerStatus,
    Question,
    QuestionStatus,
    QuestionTransfer,
)
from app.timeutil import LOCAL_TZ, local_today, utcnow
from tests.conftest import make_settings
from tests.factories import PASSWORD, make_briefing, make_org, make_user
from tests.orgs.test_api import assert_problem

Q = "/api/v1/questions"
AGENCIES = "/api/v1/press-agencies"
JOURNALISTS = "/api/v1/journalists"
JSON = "application/json"
SCRIPT = '<script>alert("x")</script> & <b>đậm</b>'
_texts = itertools.count(1)


# --- People and helpers -----------------------------------------------------------------------


class Person:
    """One person (or the anonymous visitor) in their own client; changes carry the CSRF header.
    Every request asks for English."""

    def __init__(self, client: TestClient, headers: dict[str, str], user: User | None) -> None:
        self.client = client
        self.headers = {"Accept-Language": "en", **headers}
        self.user = user

    def send(self, method: str, url: str, **kw: Any) -> Any:
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kw)

    def get(self, url: str, **kw: Any) -> Any:
        return self.send("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.send("POST", url, **kw)

    def put(self, url: str, **kw: Any) -> Any:
        return self.send("PUT", url, **kw)

    def patch(self, url: str, **kw: Any) -> Any:
        return self.send("PATCH", url, **kw)


SignIn = Callable[..., Person]


def _signed_in(client: TestClient, user: User | None) -> Person:
    csrf = client.get("/api/v1/session").json()["csrf_token"]
    if user is None:
        return Person(client, {"X-CSRF-Token": csrf}, None)
    r = client.post(
        "/api/v1/session",
        json={"email": user.email, "password": PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    return Person(
        client, {"X-CSRF-Token": client.get("/api/v1/session").json()["csrf_token"]}, user
    )


@pytest.fixture
def sign_in(app: Any, db: Session) -> Iterator[SignIn]:
    """sign_in(role, org=None, **user fields): a signed-in person; sign_in(None): anonymous."""
    clients: list[TestClient] = []

    def make(role: Role | None, org: Organisation | None = None, **over: Any) -> Person:
        c = TestClient(app, base_url="http://testserver", follow_redirects=False)
        clients.append(c)
        if role is None:
            return _signed_in(c, None)
        user = make_user(db, role=role, org=org, **over) if org else make_user(db, role, **over)
        return _signed_in(c, user)

    yield make
    for c in clients:
        c.close()


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    org_c: Organisation
    agency: Organisation
    office: Person
    office2: Person
    spokesperson: Person
    dept_a: Person
    dept_b: Person
    journalist: Person
    journalist2: Person
    anonymous: Person


@pytest.fixture
def w(db: Session, sign_in: SignIn) -> World:
    org_a = make_org(db, name_vi="Sở Xây dựng", name_en="Department of Construction")
    org_b = make_org(db, name_vi="Sở Giao thông", name_en="Department of Transport")
    org_c = make_org(db, name_vi="Sở Y tế", name_en="Department of Health")
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Nhân Dân", name_en="Nhan Dan")
    return World(
        org_a=org_a,
        org_b=org_b,
        org_c=org_c,
        agency=agency,
        office=sign_in(Role.PRESS_OFFICE),
        office2=sign_in(Role.PRESS_OFFICE),
        spokesperson=sign_in(Role.SPOKESPERSON),
        dept_a=sign_in(Role.DEPARTMENT, org_a),
        dept_b=sign_in(Role.DEPARTMENT, org_b),
        journalist=sign_in(Role.JOURNALIST, agency, press_card_number="NB-001"),
        journalist2=sign_in(Role.JOURNALIST),
        anonymous=sign_in(None),
    )


def new_text() -> str:
    return f"Câu hỏi {next(_texts)}: vì sao dự án đường vành đai chậm tiến độ?"


def utc(iso: str | None) -> datetime:
    assert iso is not None
    value = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    assert value.utcoffset() == timedelta(0), iso
    return value


def ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(JSON)
    return r.json()


def ask(person: Person, text: str | None = None, **over: Any) -> Any:
    return person.post(Q, json={"text": text or new_text(), **over})


def asked(person: Person, text: str | None = None, **over: Any) -> dict[str, Any]:
    return dict(ok(ask(person, text, **over), 201))


def step(person: Person, question_id: int, name: str, **body: Any) -> Any:
    return person.post(f"{Q}/{question_id}/steps/{name}", json=body)


def assigned(
    w: World, lead: Organisation | None = None, support: tuple[Organisation, ...] = ()
) -> dict[str, Any]:
    """A question of `w.journalist`, assigned by the office to `lead` (default A)."""
    q = asked(w.journalist)
    body = {"lead_org_id": (lead or w.org_a).id, "support_ids": [o.id for o in support]}
    return dict(ok(step(w.office, q["id"], "assign", **body)))


def put_draft(person: Person, question_id: int, revision: int = 0, **over: Any) -> Any:
    body = {"revision": revision, "text": "Dự án chậm do giải phóng mặt bằng; sẽ xong quý III."}
    body.update(over)
    return person.put(f"{Q}/{question_id}/answer", json=body)


def approve(person: Person, question_id: int, **body: Any) -> Any:
    return person.post(f"{Q}/{question_id}/answer/approve", json=body)


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


def stored(db: Session, model: Any, row_id: int) -> Any:
    db.expire_all()
    row = db.get(model, row_id)
    assert row is not None
    return row


def rows(db: Session, model: Any) -> list[Any]:
    db.expire_all()
    return list(db.exec(select(model)).all())


def audit_actions(db: Session) -> list[str]:
    db.expire_all()
    return [e.action for e in db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()]


# --- The rules as data ------------------------------------------------------------------------


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_anyone_reads_the_refusal_grounds_with_their_citations(w: World) -> None:
    body = ok(w.anonymous.get("/api/v1/refusal-grounds"))
    assert [g["code"] for g in body] == ["a", "b", "c"]
    first = body[0]
    grounds = grounds_on(local_today())
    assert first["label"] == first["label_en"] == grounds["a"].label_en
    assert first["label_vi"] == grounds["a"].label_vi
    assert first["citation"] == "Press Law 2025 Art. 31(2)(a)"
    assert first["ruleset"] == "decree244-2026"
    vi = ok(w.anonymous.get("/api/v1/refusal-grounds", headers={"Accept-Language": "vi"}))
    assert vi[0]["label"] == grounds["a"].label_vi
    assert vi[0]["citation"] == "Điểm a khoản 2 Điều 31 Luật Báo chí 2025"
    old = ok(w.anonymous.get("/api/v1/refusal-grounds?on=2026-06-30"))
    assert [g["code"] for g in old] == ["a", "b", "c", "d"]
    assert old[3]["citation"] == "Press Law 2016 Art. 38(2)(d)"
    assert old[3]["ruleset"] == "decree09-2017"
    assert_problem(w.anonymous.get("/api/v1/refusal-grounds?on=2016-01-01"), 422)


def test_anyone_reads_the_service_levels_with_their_sources(w: World) -> None:
    body = {lv["code"]: lv for lv in ok(w.anonymous.get("/api/v1/service-levels"))}
    assert set(body) == {"briefing", "online", "written", "email", "phone", "incident"}
    assert body["incident"]["hours"] == 24 and body["incident"]["working_days"] is None
    assert body["online"]["working_days"] == 5 and body["online"]["hours"] is None
    assert body["online"]["label"] == load_rules().levels["online"].label_en
    assert "09/2017" in body["incident"]["source"]


# --- Press agencies -------------------------------------------------------------------------------


def test_anyone_lists_the_press_agencies_and_only_them(w: World, db: Session) -> None:
    tv = make_org(
        db,
        kind=OrgKind.PRESS_AGENCY,
        code="QTV",
        name_vi="Đài Phát thanh và Truyền hình",
        name_en="Radio and Television",
        media_kind=MediaKind.TELEVISION,
        media_scope=MediaScope.LOCAL,
    )
    retired = make_org(db, kind=OrgKind.PRESS_AGENCY, valid_to=local_today() - timedelta(days=1))

    body = ok(w.anonymous.get(AGENCIES))

    listed = {a["id"]: a for a in body}
    assert w.journalist2.user is not None
    # Press agencies only (no departments), and none retired.
    assert set(listed) == {w.agency.id, tv.id, w.journalist2.user.organisation_id}
    assert retired.id not in listed
    assert listed[tv.id] == {
        "id": tv.id,
        "code": "QTV",
        "name_vi": "Đài Phát thanh và Truyền hình",
        "name_en": "Radio and Television",
        "media_kind": "television",
        "media_scope": "local",
        "valid_from": "2020-01-01",
        "valid_to": None,
    }
    assert listed[w.agency.id]["media_kind"] is None
    assert ok(w.anonymous.get(f"{AGENCIES}/{tv.id}")) == listed[tv.id]
    assert ok(w.anonymous.get(f"{AGENCIES}/{retired.id}"))["valid_to"] is not None
    assert_problem(w.anonymous.get(f"{AGENCIES}/{w.org_a.id}"), 404)  # a department
    assert_problem(w.anonymous.get(f"{AGENCIES}/999999"), 404)


def test_the_office_adds_a_press_agency_with_its_media(w: World, db: Session) -> None:
    r = w.office.post(
        AGENCIES,
        json={
            "code": "tt-online",
            "name_vi": "Báo Tuổi Trẻ Online",
            "name_en": "Tuoi Tre Online",
            "media_kind": "online",
            "media_scope": "central",
        },
    )

    body = ok(r, 201)
    assert body["code"] == "TT-ONLINE"
    assert (body["media_kind"], body["media_scope"]) == ("online", "central")
    assert body["valid_from"] == local_today().isoformat()
    org = stored(db, Organisation, body["id"])
    assert org.kind == OrgKind.PRESS_AGENCY
    assert (org.media_kind, org.media_scope) == (MediaKind.ONLINE, MediaScope.CENTRAL)
    assert "organisation.created" in audit_actions(db)
    assert body["id"] in ids(ok(w.anonymous.get(AGENCIES)))
    # The new agency is one a journalist may belong to, and the office may record questions from.
    assert body["id"] in ids(ok(w.journalist.get(AGENCIES)))


def test_adding_a_press_agency_refuses_bad_values(w: World, db: Session) -> None:
    before = len(rows(db, Organisation))
    valid = {
        "code": "NEW",
        "name_vi": "Báo Mới",
        "name_en": "New Paper",
        "media_kind": "newspaper",
        "media_scope": "local",
    }
    body = assert_problem(w.office.post(AGENCIES, json={**valid, "code": w.agency.code}), 422)
    assert set(body["errors"]) == {"code"}
    assert body["errors"]["code"] == "Another organisation already uses this code."
    body = assert_problem(w.office.post(AGENCIES, json={**valid, "name_vi": " "}), 422)
    assert set(body["errors"]) == {"name_vi"}
    body = assert_problem(w.office.post(AGENCIES, json={**valid, "media_kind": "magazine"}), 422)
    assert "media_kind" in body["errors"]
    body = assert_problem(w.office.post(AGENCIES, json={"code": "X"}), 422)
    assert {"name_vi", "name_en", "media_kind", "media_scope"} <= set(body["errors"])
    assert len(rows(db, Organisation)) == before


def test_the_office_sets_an_agencys_media_and_renames_it(w: World, db: Session) -> None:
    url = f"{AGENCIES}/{w.agency.id}"
    # An agency without a kind of media must be given both.
    body = assert_problem(w.office.patch(url, json={"media_kind": "newspaper"}), 422)
    assert set(body["errors"]) == {"media_scope"}

    body = ok(w.spokesperson.patch(url, json={"media_kind": "newspaper", "media_scope": "central"}))
    assert (body["media_kind"], body["media_scope"]) == ("newspaper", "central")
    assert body["name_vi"] == "Báo Nhân Dân" and body["code"] == w.agency.code

    body = ok(w.office.patch(url, json={"name_vi": "Báo Nhân Dân điện tử", "media_kind": "online"}))
    assert body["name_vi"] == "Báo Nhân Dân điện tử" and body["name_en"] == "Nhan Dan"
    assert (body["media_kind"], body["media_scope"]) == ("online", "central")
    org = stored(db, Organisation, w.agency.id or 0)
    assert org.media_kind == MediaKind.ONLINE
    names = db.exec(
        select(OrganisationName).where(OrganisationName.organisation_id == w.agency.id)
    ).all()
    assert {n.name_vi for n in names} == {"Báo Nhân Dân", "Báo Nhân Dân điện tử"}  # history kept
    assert "organisation.updated" in audit_actions(db)

    assert_problem(w.office.patch(url, json={"media_scope": "galactic"}), 422)
    assert_problem(w.office.patch(f"{AGENCIES}/{w.org_a.id}", json={"code": "X"}), 404)
    assert_problem(w.office.patch(f"{AGENCIES}/999999", json={"code": "X"}), 404)


def test_only_the_office_changes_the_registry(w: World, db: Session, sign_in: SignIn) -> None:
    admin = sign_in(Role.ADMIN)
    body = {
        "code": "NOPE",
        "name_vi": "Báo",
        "name_en": "Paper",
        "media_kind": "radio",
        "media_scope": "local",
    }
    url = f"{AGENCIES}/{w.agency.id}"
    assert_problem(w.anonymous.post(AGENCIES, json=body), 401)
    assert_problem(w.anonymous.patch(url, json={"code": "NOPE"}), 401)
    for person in (admin, w.dept_a, w.journalist):
        assert_problem(person.post(AGENCIES, json=body), 403)
        assert_problem(person.patch(url, json={"code": "NOPE"}), 403)
    assert stored(db, Organisation, w.agency.id or 0).code != "NOPE"
    # Without the CSRF header even the office is refused.
    r = w.office.client.post(AGENCIES, json=body)
    assert_problem(r, 403)


# --- Journalists ------------------------------------------------------------------------------------


def test_the_office_lists_journalists_waiting_first_and_by_status(w: World, db: Session) -> None:
    pending = make_user(
        db,
        Role.JOURNALIST,
        org=w.agency,
        full_name="Zô Chờ",
        status=UserStatus.PENDING,
        press_card_number="PC-123",
    )
    rejected = make_user(
        db, Role.JOURNALIST, status=UserStatus.REJECTED, status_reason="Thẻ đã hết hạn."
    )

    body = ok(w.office.get(JOURNALISTS))

    assert body[0]["id"] == pending.id and body[1]["id"] == rejected.id
    assert w.journalist.user is not None and w.dept_a.user is not None
    assert w.journalist.user.id in ids(body)
    assert w.dept_a.user.id not in ids(body)  # journalists only
    first = body[0]
    assert first == {
        "id": pending.id,
        "full_name": "Zô Chờ",
        "email": pending.email,
        "agency_id": w.agency.id,
        "press_card_number": "PC-123",
        "status": "pending",
        "status_reason": None,
        "registered_at": first["registered_at"],
        "agency_name_given": None,
        "press_card_expires_on": None,
    }
    utc(first["registered_at"])
    assert ids(ok(w.office.get(JOURNALISTS, params={"status": "pending"}))) == [pending.id]
    rejected_list = ok(w.office.get(JOURNALISTS, params={"status": "rejected"}))
    assert rejected_list[0]["status_reason"] == "Thẻ đã hết hạn."
    assert_problem(w.office.get(JOURNALISTS, params={"status": "nobody"}), 422)

    assert ok(w.spokesperson.get(f"{JOURNALISTS}/{pending.id}"))["email"] == pending.email
    assert_problem(w.office.get(f"{JOURNALISTS}/{w.dept_a.user.id}"), 404)
    assert_problem(w.office.get(f"{JOURNALISTS}/999999"), 404)


def test_the_office_verifies_a_journalist_who_can_then_ask(
    w: World, db: Session, sign_in: SignIn
) -> None:
    waiting = sign_in(Role.JOURNALIST, w.agency, status=UserStatus.PENDING)
    assert waiting.user is not None
    assert_problem(ask(waiting), 403)  # not yet verified

    body = ok(w.office.post(f"{JOURNALISTS}/{waiting.user.id}/verify"))

    assert body["status"] == "active" and body["status_reason"] is None
    assert stored(db, User, waiting.user.id or 0).status == UserStatus.ACTIVE
    assert "journalist.verified" in audit_actions(db)
    asked(waiting)


def test_rejecting_a_journalist_needs_a_reason_they_see(w: World, db: Session) -> None:
    pending = make_user(db, Role.JOURNALIST, status=UserStatus.PENDING)
    url = f"{JOURNALISTS}/{pending.id}/reject"

    body = assert_problem(w.office.post(url, json={"reason": "  "}), 422)
    assert body["errors"] == {"reason": "Give the reason, so the journalist knows what to correct."}
    assert_problem(w.office.post(url, json={"reason": "x" * 501}), 422)
    assert stored(db, User, pending.id or 0).status == UserStatus.PENDING

    body = ok(w.office.post(url, json={"reason": "Số thẻ nhà báo không khớp."}))
    assert body["status"] == "rejected"
    assert body["status_reason"] == "Số thẻ nhà báo không khớp."
    assert stored(db, User, pending.id or 0).status_reason == "Số thẻ nhà báo không khớp."

    disabled = make_user(db, Role.JOURNALIST, status=UserStatus.DISABLED)
    assert_problem(w.office.post(f"{JOURNALISTS}/{disabled.id}/verify"), 409)
    assert w.dept_a.user is not None
    assert_problem(w.office.post(f"{JOURNALISTS}/{w.dept_a.user.id}/verify"), 404)


def test_only_the_office_manages_journalists(w: World, db: Session, sign_in: SignIn) -> None:
    pending = make_user(db, Role.JOURNALIST, status=UserStatus.PENDING)
    admin = sign_in(Role.ADMIN)
    assert_problem(w.anonymous.get(JOURNALISTS), 401)
    assert_problem(w.anonymous.post(f"{JOURNALISTS}/{pending.id}/verify"), 401)
    for person in (admin, w.dept_a, w.journalist):
        assert_problem(person.get(JOURNALISTS), 403)
        assert_problem(person.get(f"{JOURNALISTS}/{pending.id}"), 403)
        assert_problem(person.post(f"{JOURNALISTS}/{pending.id}/verify"), 403)
        assert_problem(person.post(f"{JOURNALISTS}/{pending.id}/reject", json={"reason": "x"}), 403)
    assert stored(db, User, pending.id or 0).status == UserStatus.PENDING


# --- Asking ---------------------------------------------------------------------------------------------


def test_a_journalist_asks_and_gets_the_due_date_at_once(w: World, db: Session) -> None:
    briefing = make_briefing(db, days_ahead=10, announced=True)

    r = ask(
        w.journalist,
        "  Tiến độ giải ngân vốn đầu tư công?  ",
        topic="Đầu tư công",
        language="en",
        briefing_id=briefing.id,
    )

    body = ok(r, 201)
    assert body["text"] == "Tiến độ giải ngân vốn đầu tư công?"
    assert (body["topic"], body["language"]) == ("Đầu tư công", "en")
    assert (body["status"], body["channel"]) == ("new", "online")
    assert body["briefing_id"] == briefing.id
    assert w.journalist.user is not None
    assert body["journalist_id"] == w.journalist.user.id
    assert body["agency_id"] == w.agency.id
    received = utc(body["received_at"])
    assert utcnow() - timedelta(minutes=1) < received <= utcnow()
    level = load_rules().levels["online"]
    assert utc(body["due_at"]) == deadlines.due_at(level, received, work_calendar(db))
    assert body["due_basis"] == "online"
    assert body["due_basis_label"] == level.label_en
    assert body["overdue"] is False
    assert body["lead_org"] is None and body["supporting_orgs"] == []
    assert body["answers"] == [] and body["transfers"] == [] and body["steps"] == []
    assert "dedupe_key" not in body and "recorded_by" not in body
    row = stored(db, Question, body["id"])
    assert row.text == body["text"] and row.revision == body["revision"]

    # In Vietnamese the label is the Vietnamese one.
    vi = ok(w.journalist.get(f"{Q}/{body['id']}", headers={"Accept-Language": "vi"}))
    assert vi["due_basis_label"] == level.label_vi


def test_a_question_posted_twice_in_a_row_is_one_record(w: World, db: Session) -> None:
    text = new_text()
    first = ok(ask(w.journalist, text), 201)

    again = ok(ask(w.journalist, "  " + text.upper() + " "), 200)  # same words, other case

    assert again["id"] == first["id"]
    # The same words typed with decomposed accents (NFD) are the same question too.
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert ok(ask(w.journalist, decomposed), 200)["id"] == first["id"]
    assert len(rows(db, Question)) == 1
    assert audit_actions(db).count("question.asked") == 1
    # The same text from another journalist is their own question.
    other = ok(ask(w.journalist2, text), 201)
    assert other["id"] != first["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n  "}, "text"),
        ({"text": "x" * 20000}, "text"),
        ({"text": "Câu hỏi?", "language": "xx"}, "language"),
        ({"text": "Câu hỏi?", "topic": "t" * 201}, "topic"),
        ({"text": "Câu hỏi?", "briefing_id": 999999}, "briefing_id"),
    ],
    ids=["empty", "blank", "20000-characters", "unknown-language", "long-topic", "no-briefing"],
)
def test_a_question_with_a_bad_value_is_refused_and_nothing_stored(
    w: World, db: Session, body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(w.journalist.post(Q, json=body), 422)
    assert set(problem["errors"]) == {field}
    assert problem["errors"][field]
    assert rows(db, Question) == []


def test_the_error_messages_are_those_of_the_service(w: World) -> None:
    problem = assert_problem(ask(w.journalist, "x" * 20000), 422)
    assert problem["errors"]["text"] == (
        "A question may have at most 5000 characters; this one has 20000."
    )
    problem = assert_problem(ask(w.journalist, "Câu hỏi?", language="klingon"), 422)
    assert problem["errors"]["language"] == "Choose a language from the list."
    problem = assert_problem(w.journalist.post(Q, json={"topic": "no text"}), 422)
    assert "text" in problem["errors"]  # a missing field is refused before the service


def test_a_briefing_not_announced_is_refused(w: World, db: Session) -> None:
    planned = make_briefing(db, days_ahead=5)  # not announced
    problem = assert_problem(ask(w.journalist, briefing_id=planned.id), 422)
    assert set(problem["errors"]) == {"briefing_id"}


def test_a_flood_of_questions_is_refused_with_429(database_url: str, tmp_path: Path) -> None:
    app = create_app(make_settings(database_url, tmp_path, question_rate_limit=3))
    try:
        with Session(app.state.engine, expire_on_commit=False) as db:
            user = make_user(db, Role.JOURNALIST)
            with TestClient(app, base_url="http://testserver") as client:
                person = _signed_in(client, user)
                first = new_text()
                for text in (first, new_text(), new_text()):
                    ok(ask(person, text), 201)

                r = ask(person)

                body = assert_problem(r, 429)
                assert int(r.headers["Retry-After"]) == 10 * 60
                assert "3 questions in the last 10 minutes" in body["detail"]
                # Sending the same question again still gives it back.
                assert ok(ask(person, first), 200)["text"] == first
            assert len(rows(db, Question)) == 3
    finally:
        app.state.engine.dispose()


def test_html_in_a_question_comes_back_verbatim_in_json(w: World, db: Session) -> None:
    body = asked(w.journalist, SCRIPT, topic="<i>topic</i>")
    assert body["text"] == SCRIPT and body["topic"] == "<i>topic</i>"
    r = w.office.get(f"{Q}/{body['id']}")
    assert r.headers["content-type"] == JSON
    assert ok(r)["text"] == SCRIPT
    listed = ok(w.office.get(Q))
    assert listed[0]["text"] == SCRIPT
    assert stored(db, Question, body["id"]).text == SCRIPT


# --- Recording by the office ------------------------------------------------------------------------


def test_the_office_records_a_phone_question(w: World, db: Session) -> None:
    received = datetime.now(LOCAL_TZ).replace(microsecond=0) - timedelta(hours=2)

    r = w.office.post(
        f"{Q}/recorded",
        json={
            "text": "Khi nào thông xe cầu mới?",
            "channel": "phone",
            "asker_name": "Trần Văn Bình",
            "agency_name": "Báo Tuổi Trẻ",
            "received_at": received.isoformat(),  # +07:00
            "incident": True,
        },
    )

    body = ok(r, 201)
    assert (body["channel"], body["status"]) == ("phone", "new")
    assert body["asker_name"] == "Trần Văn Bình" and body["agency_name"] == "Báo Tuổi Trẻ"
    assert body["journalist_id"] is None
    assert utc(body["received_at"]) == received
    assert utc(body["due_at"]) == received + timedelta(hours=24)
    assert body["due_basis"] == "incident"
    assert body["due_basis_label"] == "Information on an incident: within 24 hours"
    assert body["steps"] == ["accept", "merge", "decline", "assign"]
    row = stored(db, Question, body["id"])
    assert w.office.user is not None and row.recorded_by == w.office.user.id


def test_recording_refuses_missing_and_bad_values(w: World, db: Session) -> None:
    body = assert_problem(w.office.post(f"{Q}/recorded", json={"text": ""}), 422)
    assert {"text", "channel", "asker_name", "agency_name"} <= set(body["errors"])
    body = assert_problem(
        w.office.post(
            f"{Q}/recorded",
            json={"text": "Câu hỏi?", "channel": "pigeon", "asker_name": "A", "agency_name": "B"},
        ),
        422,
    )
    assert "channel" in body["errors"]
    naive = datetime.now().replace(microsecond=0).isoformat()
    body = assert_problem(
        w.office.post(
            f"{Q}/recorded",
            json={
                "text": "Câu hỏi?",
                "channel": "email",
                "asker_name": "A",
                "agency_id": w.org_a.id,  # not a press agency
                "received_at": naive,
            },
        ),
        422,
    )
    assert "received_at" in body["errors"]
    assert rows(db, Question) == []


# --- Who sees what -----------------------------------------------------------------------------------


def test_every_role_gets_only_what_it_may(w: World, db: Session, sign_in: SignIn) -> None:
    q = assigned(w)
    url = f"{Q}/{q['id']}"
    admin = sign_in(Role.ADMIN)
    pending = sign_in(Role.JOURNALIST, status=UserStatus.PENDING)

    # The anonymous visitor: 401 everywhere.
    assert_problem(w.anonymous.get(Q), 401)
    assert_problem(w.anonymous.get(url), 401)
    assert_problem(ask(w.anonymous), 401)
    assert_problem(w.anonymous.post(f"{Q}/recorded", json={"text": "x"}), 401)
    assert_problem(step(w.anonymous, q["id"], "transfer", to_org_id=w.org_b.id), 401)
    assert_problem(put_draft(w.anonymous, q["id"]), 401)
    assert_problem(approve(w.anonymous, q["id"]), 401)

    # Only a verified journalist asks.
    for person in (w.office, w.spokesperson, w.dept_a, admin, pending):
        assert_problem(ask(person), 403)
    # Only the office records, takes steps and approves.
    for person in (w.dept_a, w.journalist, admin):
        assert_problem(
            person.post(
                f"{Q}/recorded",
                json={"text": "x", "channel": "phone", "asker_name": "A", "agency_name": "B"},
            ),
            403,
        )
        assert_problem(step(person, q["id"], "transfer", to_org_id=w.org_b.id), 403)
        assert_problem(approve(person, q["id"]), 403)
    # Only the office and the departments draft.
    for person in (w.journalist, admin):
        assert_problem(put_draft(person, q["id"]), 403)
    # The pending journalist reads nothing; the administrator sees no question.
    assert_problem(pending.get(Q), 403)
    assert ok(admin.get(Q)) == []
    assert_problem(admin.get(url), 404)

    row = stored(db, Question, q["id"])
    assert (row.status, row.lead_org_id) == (QuestionStatus.ASSIGNED, w.org_a.id)
    assert rows(db, Answer) == []
    assert len(rows(db, Question)) == 1


def test_a_department_sees_what_it_leads_or_supports_and_nothing_else(
    w: World, sign_in: SignIn
) -> None:
    led_by_a = assigned(w, w.org_a, support=(w.org_b,))
    only_a = assigned(w, w.org_a)
    led_by_c = assigned(w, w.org_c)
    dept_c = sign_in(Role.DEPARTMENT, w.org_c)

    assert ids(ok(w.dept_a.get(Q))) == [only_a["id"], led_by_a["id"]]
    assert ids(ok(w.dept_b.get(Q))) == [led_by_a["id"]]
    assert ids(ok(dept_c.get(Q))) == [led_by_c["id"]]

    # Department B supports one question of A's: it reads it, but the other is 404.
    detail = ok(w.dept_b.get(f"{Q}/{led_by_a['id']}"))
    assert detail["lead_org"]["id"] == w.org_a.id
    assert detail["lead_org"]["name_en"] == "Department of Construction"
    assert [o["id"] for o in detail["supporting_orgs"]] == [w.org_b.id]
    assert detail["steps"] == []
    assert_problem(w.dept_b.get(f"{Q}/{only_a['id']}"), 404)
    assert_problem(put_draft(w.dept_b, only_a["id"]), 404)
    assert_problem(dept_c.get(f"{Q}/{led_by_a['id']}"), 404)
    assert_problem(w.dept_a.get(f"{Q}/999999"), 404)


def test_a_journalist_sees_only_their_own_questions(w: World) -> None:
    mine = asked(w.journalist)
    theirs = asked(w.journalist2)

    assert ids(ok(w.journalist.get(Q))) == [mine["id"]]
    assert ids(ok(w.journalist2.get(Q))) == [theirs["id"]]
    assert ok(w.journalist.get(f"{Q}/{mine['id']}"))["id"] == mine["id"]
    assert_problem(w.journalist.get(f"{Q}/{theirs['id']}"), 404)
    assert_problem(w.journalist2.get(f"{Q}/{mine['id']}"), 404)
    assert_problem(w.journalist.get(f"{Q}/999999"), 404)
    # The office sees both, newest first.
    assert ids(ok(w.office.get(Q))) == [theirs["id"], mine["id"]]


def test_the_office_filters_the_list(w: World, db: Session) -> None:
    briefing = make_briefing(db, days_ahead=10, announced=True)
    for_briefing = asked(w.journalist, briefing_id=briefing.id)
    led_by_b = assigned(w, w.org_b)
    late = ok(
        w.office.post(
            f"{Q}/recorded",
            json={
                "text": "Câu hỏi cũ chưa trả lời?",
                "channel": "written",
                "asker_name": "Lê Thị Hoa",
                "agency_name": "Báo Lao Động",
                "received_at": (utcnow() - timedelta(days=30)).isoformat(),
            },
        ),
        201,
    )
    assert late["overdue"] is True

    def listed(**params: Any) -> list[int]:
        return ids(ok(w.office.get(Q, params=params)))

    assert listed() == [led_by_b["id"], for_briefing["id"], late["id"]]
    assert listed(status="assigned") == [led_by_b["id"]]
    assert listed(status="new") == [for_briefing["id"], late["id"]]
    assert listed(overdue="true") == [late["id"]]
    assert listed(briefing_id=briefing.id) == [for_briefing["id"]]
    assert listed(organisation_id=w.org_b.id) == [led_by_b["id"]]
    assert listed(q="cũ chưa") == [late["id"]]
    assert_problem(w.office.get(Q, params={"status": "lost"}), 422)
    assert_problem(w.office.get(Q, params={"overdue": "maybe"}), 422)
    # The journalist's own list narrows the same way.
    assert ids(ok(w.journalist.get(Q, params={"briefing_id": briefing.id}))) == [for_briefing["id"]]
    assert ok(w.journalist.get(Q, params={"overdue": "true"})) == []


# --- Triage and routing ---------------------------------------------------------------------------


def test_the_office_accepts_assigns_and_the_steps_follow_the_table(w: World, db: Session) -> None:
    q = asked(w.journalist)
    assert ok(w.office.get(f"{Q}/{q['id']}"))["steps"] == ["accept", "merge", "decline", "assign"]

    accepted = ok(step(w.office, q["id"], "accept", revision=q["revision"]))
    assert accepted["status"] == "accepted"
    assert accepted["due_at"] == q["due_at"]  # not an incident: the date stays
    assert accepted["steps"] == ["merge", "decline", "assign"]
    assert_problem(step(w.office, q["id"], "accept"), 409)  # once

    due_on = local_today() + timedelta(days=3)
    body = ok(
        step(
            w.spokesperson,
            q["id"],
            "assign",
            lead_org_id=w.org_a.id,
            support_ids=[w.org_b.id, w.org_a.id],
            due_on=due_on.isoformat(),
            revision=accepted["revision"],
        )
    )
    assert body["status"] == "assigned"
    assert body["lead_org"]["id"] == w.org_a.id and body["lead_org_id"] == w.org_a.id
    assert [o["id"] for o in body["supporting_orgs"]] == [w.org_b.id]  # not the lead twice
    assert utc(body["due_at"]) == deadlines.end_of_day(due_on)
    assert body["due_basis"] == "office"
    assert body["due_basis_label"] == "Date set by the press office"
    assert body["steps"] == ["transfer"]
    assert stored(db, Question, q["id"]).lead_org_id == w.org_a.id

    # Steps the status no longer allows, and a step that does not exist.
    assert_problem(step(w.office, q["id"], "decline", reason="Không thuộc thẩm quyền."), 409)
    assert_problem(step(w.office, q["id"], "answer"), 422)
    assert_problem(step(w.office, 999999, "accept"), 404)


def test_accepting_as_an_incident_puts_it_on_the_24_hour_rule(w: World) -> None:
    q = asked(w.journalist)
    body = ok(step(w.office, q["id"], "accept", incident=True))
    assert body["incident"] is True and body["due_basis"] == "incident"
    assert utc(body["due_at"]) == utc(body["received_at"]) + timedelta(hours=24)


def test_accept_needs_no_body(w: World) -> None:
    q = asked(w.journalist)
    r = w.office.post(f"{Q}/{q['id']}/steps/accept")
    assert ok(r)["status"] == "accepted"


def test_assigning_refuses_bad_organisations_and_dates(w: World, db: Session) -> None:
    q = asked(w.journalist)
    body = assert_problem(step(w.office, q["id"], "assign"), 422)
    assert set(body["errors"]) == {"lead_org_id"}
    body = assert_problem(step(w.office, q["id"], "assign", lead_org_id=w.agency.id), 422)
    assert set(body["errors"]) == {"lead_org_id"}
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    body = assert_problem(
        step(w.office, q["id"], "assign", lead_org_id=w.org_a.id, due_on=yesterday), 422
    )
    assert set(body["errors"]) == {"due_on"}
    body = assert_problem(
        step(w.office, q["id"], "assign", lead_org_id=w.org_a.id, due_on="soon"), 422
    )
    assert "due_on" in body["errors"]
    assert stored(db, Question, q["id"]).status == QuestionStatus.NEW


def test_merging_and_declining(w: World, db: Session) -> None:
    kept = asked(w.journalist)
    same = asked(w.journalist2)
    off_topic = asked(w.journalist2)

    body = assert_problem(step(w.office, same["id"], "merge"), 422)
    assert set(body["errors"]) == {"into_id"}
    body = ok(step(w.office, same["id"], "merge", into_id=kept["id"]))
    assert body["status"] == "merged" and body["merged_into_id"] == kept["id"]

    body = assert_problem(step(w.office, off_topic["id"], "decline", reason=" "), 422)
    assert body["errors"] == {"reason": "Say why the question is declined."}
    body = ok(step(w.office, off_topic["id"], "decline", reason="<b>Ngoài thẩm quyền</b>"))
    assert body["status"] == "declined" and body["status_reason"] == "<b>Ngoài thẩm quyền</b>"
    assert body["steps"] == []

    # The journalist sees why, and that theirs was merged.
    mine = ok(w.journalist2.get(f"{Q}/{off_topic['id']}"))
    assert mine["status_reason"] == "<b>Ngoài thẩm quyền</b>"
    assert ok(w.journalist2.get(f"{Q}/{same['id']}"))["merged_into_id"] == kept["id"]


def test_a_transfer_keeps_the_due_date_and_moves_the_question(w: World, db: Session) -> None:
    q = assigned(w, w.org_a)
    assert_problem(put_draft(w.dept_b, q["id"]), 404)

    body = ok(
        step(
            w.office,
            q["id"],
            "transfer",
            to_org_id=w.org_b.id,
            reason="Thuộc lĩnh vực giao thông.",
            revision=q["revision"],
        )
    )

    assert body["due_at"] == q["due_at"] and body["due_basis"] == q["due_basis"]
    assert body["status"] == "assigned" and body["lead_org"]["id"] == w.org_b.id
    assert len(body["transfers"]) == 1
    move = body["transfers"][0]
    assert (move["from_org_id"], move["to_org_id"]) == (w.org_a.id, w.org_b.id)
    assert move["reason"] == "Thuộc lĩnh vực giao thông."
    assert w.office.user is not None and move["by_user_id"] == w.office.user.id
    utc(move["at"])
    assert stored(db, Question, q["id"]).due_at == utc(q["due_at"])
    assert len(rows(db, QuestionTransfer)) == 1

    # The new lead sees and drafts; the old one no longer finds it; the journalist sees no moves.
    assert ok(w.dept_b.get(f"{Q}/{q['id']}"))["transfers"][0]["to_org_id"] == w.org_b.id
    assert_problem(w.dept_a.get(f"{Q}/{q['id']}"), 404)
    ok(put_draft(w.dept_b, q["id"]))
    mine = ok(w.journalist.get(f"{Q}/{q['id']}"))
    assert mine["lead_org"]["id"] == w.org_b.id and mine["transfers"] == []

    # To the organisation already leading, to a press agency, or a question not assigned: refused.
    body = assert_problem(step(w.office, q["id"], "transfer", to_org_id=w.org_b.id), 422)
    assert set(body["errors"]) == {"to_org_id"}
    assert_problem(step(w.office, q["id"], "transfer", to_org_id=w.agency.id), 422)
    new = asked(w.journalist)
    assert_problem(step(w.office, new["id"], "transfer", to_org_id=w.org_b.id), 409)


def test_an_answer_rewritten_after_a_transfer_is_the_new_leads(w: World) -> None:
    q = assigned(w, w.org_a)
    first = ok(put_draft(w.dept_a, q["id"], text="Bản nháp của Sở Xây dựng."))
    ok(step(w.office, q["id"], "transfer", to_org_id=w.org_b.id))
    ok(put_draft(w.dept_b, q["id"], revision=first["revision"], text="Sở Giao thông trả lời."))
    ok(approve(w.office, q["id"]))

    [answer] = ok(w.journalist.get(f"{Q}/{q['id']}"))["answers"]

    assert answer["text"] == "Sở Giao thông trả lời."
    assert answer["organisation_id"] == w.org_b.id


def test_a_step_on_a_stale_revision_is_refused(w: World, db: Session) -> None:
    q = asked(w.journalist)
    ok(step(w.office, q["id"], "accept", revision=q["revision"]))

    r = step(w.office2, q["id"], "decline", reason="Trùng lặp.", revision=q["revision"])

    body = assert_problem(r, 409)
    assert "Someone else changed this" in body["detail"]
    assert stored(db, Question, q["id"]).status == QuestionStatus.ACCEPTED


# --- Answers and approval --------------------------------------------------------------------------


def test_the_lead_department_drafts_and_another_person_approves(w: World, db: Session) -> None:
    q = assigned(w, w.org_a, support=(w.org_b,))

    draft = ok(put_draft(w.dept_a, q["id"], public=True))

    assert (draft["kind"], draft["status"], draft["public"]) == ("answer", "draft", True)
    assert draft["organisation_id"] == w.org_a.id
    assert w.dept_a.user is not None and draft["drafted_by"] == w.dept_a.user.id
    assert draft["revision"] >= 1
    # The supporting department reads the draft but cannot write it; the journalist sees nothing.
    seen = ok(w.dept_b.get(f"{Q}/{q['id']}"))
    assert [a["id"] for a in seen["answers"]] == [draft["id"]]
    assert_problem(put_draft(w.dept_b, q["id"], revision=draft["revision"]), 403)
    assert ok(w.journalist.get(f"{Q}/{q['id']}"))["answers"] == []

    approved = ok(approve(w.office, q["id"], revision=draft["revision"]))

    assert approved["status"] == "approved" and approved["id"] == draft["id"]
    assert w.office.user is not None and approved["approved_by"] == w.office.user.id
    utc(approved["approved_at"])
    question = ok(w.journalist.get(f"{Q}/{q['id']}"))
    assert question["status"] == "answered" and question["answered_at"] is not None
    assert question["overdue"] is False
    [answer] = question["answers"]
    assert answer["text"] == draft["text"] and answer["status"] == "approved"
    # Who in the office drafted and approved is not the journalist's business.
    assert answer["drafted_by"] is None and answer["approved_by"] is None
    assert stored(db, Answer, draft["id"]).status == AnswerStatus.APPROVED
    assert "answer.approved" in audit_actions(db)
    # Nothing left to approve.
    assert_problem(approve(w.office2, q["id"]), 409)


def test_the_drafter_or_last_editor_cannot_approve(w: World, db: Session) -> None:
    q = assigned(w)
    draft = ok(put_draft(w.office, q["id"]))

    body = assert_problem(approve(w.office, q["id"]), 403)
    assert body["detail"] == "You drafted or edited this answer: another person must approve it."

    edited = ok(put_draft(w.office2, q["id"], revision=draft["revision"], text="Bản sửa."))
    assert edited["edited_by"] == (w.office2.user.id if w.office2.user else None)
    assert_problem(approve(w.office2, q["id"]), 403)
    assert_problem(approve(w.office, q["id"]), 403)  # still the drafter
    assert stored(db, Answer, draft["id"]).status == AnswerStatus.DRAFT

    assert ok(approve(w.spokesperson, q["id"]))["status"] == "approved"


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_a_refusal_is_approved_by_the_spokesperson_only(w: World, db: Session) -> None:
    q = assigned(w)
    draft = ok(
        put_draft(
            w.dept_a,
            q["id"],
            kind="refusal",
            refusal_ground="b",
            text="Vụ án đang được điều tra.",
            public=True,
        )
    )
    assert draft["public"] is False  # a refusal is never public
    assert draft["refusal_ground_label"] == grounds_on(local_today())["b"].label_en
    assert draft["refusal_citation"] == "Press Law 2025 Art. 31(2)(b)"

    body = assert_problem(approve(w.office, q["id"]), 403)
    assert body["detail"] == "Only the spokesperson may approve a refusal."
    assert stored(db, Question, q["id"]).status == QuestionStatus.ASSIGNED

    approved = ok(approve(w.spokesperson, q["id"]))

    assert approved["kind"] == "refusal" and approved["status"] == "approved"
    question = ok(w.journalist.get(f"{Q}/{q['id']}"))
    assert question["status"] == "refused"
    assert question["answers"][0]["refusal_citation"] == draft["refusal_citation"]


def test_an_approved_holding_answer_moves_the_due_date(w: World, db: Session) -> None:
    q = assigned(w)
    promised = local_today() + timedelta(days=12)
    draft = ok(
        put_draft(
            w.dept_a,
            q["id"],
            kind="holding",
            text="Chúng tôi đang tổng hợp số liệu.",
            new_due_on=promised.isoformat(),
        )
    )
    assert utc(draft["new_due_at"]) == deadlines.end_of_day(promised)
    assert ok(w.office.get(f"{Q}/{q['id']}"))["due_at"] == q["due_at"]  # not before approval

    ok(approve(w.office, q["id"]))

    body = ok(w.journalist.get(f"{Q}/{q['id']}"))
    assert utc(body["due_at"]) == deadlines.end_of_day(promised)
    assert body["due_at"] != q["due_at"]
    assert body["due_basis"] == "holding"
    assert body["due_basis_label"] == "New date promised in a holding answer"
    assert body["status"] == "assigned"  # still to be answered
    assert [a["kind"] for a in body["answers"]] == ["holding"]
    assert stored(db, Question, q["id"]).due_at == deadlines.end_of_day(promised)
    # The lead department can then draft the real answer.
    ok(put_draft(w.dept_a, q["id"], revision=0))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 20001}, "text"),
        ({"kind": "refusal", "refusal_ground": "z"}, "refusal_ground"),
        ({"kind": "holding"}, "new_due_on"),
        ({"kind": "holding", "new_due_on": local_today().isoformat()}, "new_due_on"),
        ({"kind": "holding", "new_due_on": "2000-01-01"}, "new_due_on"),
    ],
    ids=[
        "empty",
        "20001-characters",
        "unknown-ground",
        "holding-without-date",
        "holding-today",
        "holding-past",
    ],
)
def test_a_draft_with_a_bad_value_is_refused(
    w: World, db: Session, body: dict[str, Any], field: str
) -> None:
    q = assigned(w)
    problem = assert_problem(put_draft(w.dept_a, q["id"], **body), 422)
    assert set(problem["errors"]) == {field}
    assert rows(db, Answer) == []


def test_an_answer_of_20000_characters_is_kept_whole(w: World, db: Session) -> None:
    q = assigned(w)
    text = "đ" * 20000
    draft = ok(put_draft(w.dept_a, q["id"], text=text))
    assert len(draft["text"]) == 20000 and stored(db, Answer, draft["id"]).text == text


def test_unknown_answer_kind_and_missing_revision_are_refused(w: World) -> None:
    q = assigned(w)
    assert_problem(put_draft(w.dept_a, q["id"], kind="maybe"), 422)
    body = assert_problem(w.dept_a.put(f"{Q}/{q['id']}/answer", json={"text": "x"}), 422)
    assert "revision" in body["errors"]


def test_a_question_not_assigned_cannot_be_answered(w: World) -> None:
    q = asked(w.journalist)
    assert_problem(put_draft(w.office, q["id"]), 409)
    assert_problem(approve(w.office, q["id"]), 409)


def test_saving_or_approving_a_stale_draft_is_refused(w: World, db: Session) -> None:
    q = assigned(w)
    first = ok(put_draft(w.dept_a, q["id"], text="Bản đầu."))

    # Someone else, still believing there is no draft, saves: refused, the first text stays.
    body = assert_problem(put_draft(w.office, q["id"], revision=0, text="Bản khác."), 409)
    assert "Someone else changed this" in body["detail"]
    assert stored(db, Answer, first["id"]).text == "Bản đầu."

    second = ok(put_draft(w.dept_a, q["id"], revision=first["revision"], text="Bản hai."))
    assert second["revision"] > first["revision"] and second["id"] == first["id"]
    assert_problem(put_draft(w.dept_a, q["id"], revision=first["revision"], text="Cũ."), 409)

    assert_problem(approve(w.office, q["id"], revision=first["revision"]), 409)
    assert stored(db, Answer, first["id"]).status == AnswerStatus.DRAFT
    assert ok(approve(w.office, q["id"], revision=second["revision"]))["text"] == "Bản hai."


def test_html_in_an_answer_comes_back_verbatim_in_json(w: World) -> None:
    q = assigned(w)
    ok(put_draft(w.dept_a, q["id"], text=SCRIPT))
    ok(approve(w.office, q["id"]))
    r = w.journalist.get(f"{Q}/{q['id']}")
    assert r.headers["content-type"] == JSON
    assert ok(r)["answers"][0]["text"] == SCRIPT


def test_datetimes_are_utc(w: World) -> None:
    q = assigned(w)
    ok(put_draft(w.dept_a, q["id"]))
    ok(approve(w.office, q["id"]))
    body = ok(w.office.get(f"{Q}/{q['id']}"))
    for name in ("received_at", "due_at", "answered_at", "updated_at"):
        assert utc(body[name]).tzinfo is not None
    for name in ("approved_at", "created_at", "updated_at"):
        assert utc(body["answers"][0][name]).tzinfo is not None
    assert utc(body["due_at"]) > datetime.now(UTC)
