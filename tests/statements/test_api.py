"""The official statements JSON API: the public reads what is published (list with filters, search
and keyset pages; detail with history, translations and files), the embargo holds everywhere
until its time; the office drafts, edits, reviews, schedules, publishes, corrects and withdraws
with the service's rules (a second person approves; a published edition is never edited).

Every test runs on SQLite and on PostgreSQL. Clients ask for English (Accept-Language: en), so
messages are the message ids. What was stored is read back after `expire_all()`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.statements import service
from app.statements.models import (
    Edition,
    EditionFile,
    EditionState,
    Statement,
    StatementFile,
    StatementKind,
    Topic,
)
from app.timeutil import local_today, to_local, utcnow
from tests.factories import PASSWORD, make_org, make_user
from tests.statements.helpers import World, make_spokesperson, soon
from tests.support import ok, problem

API = "/api/v1/statements"
SCRIPT = '<script>alert("x")</script> & <b>đậm</b>'


# --- People and helpers -----------------------------------------------------------------------


class Person:
    """One person (or the anonymous visitor) in their own client; changes carry the CSRF header.
    Every request asks for English."""

    def __init__(self, client: TestClient, csrf: str, user: User | None) -> None:
        self.client = client
        self.headers = {"Accept-Language": "en", "X-CSRF-Token": csrf}
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


SignIn = Callable[[User | None], Person]


@pytest.fixture
def sign_in(app: Any) -> Iterator[SignIn]:
    """sign_in(user): that user signed in through the API; sign_in(None): anonymous."""
    clients: list[TestClient] = []

    def make(user: User | None) -> Person:
        c = TestClient(app, base_url="http://testserver", follow_redirects=False)
        clients.append(c)
        csrf = c.get("/api/v1/session").json()["csrf_token"]
        if user is not None:
            r = c.post(
                "/api/v1/session",
                json={"email": user.email, "password": PASSWORD},
                headers={"X-CSRF-Token": csrf},
            )
            assert r.status_code == 200, r.text
            csrf = c.get("/api/v1/session").json()["csrf_token"]
        return Person(c, csrf, user)

    yield make
    for c in clients:
        c.close()


@dataclass
class People:
    w: World
    editor: Person  # press office, no right to approve
    spokesperson: Person
    approver: Person  # press office with the right to approve
    department: Person
    journalist: Person
    anonymous: Person


@pytest.fixture
def p(db: Session, sign_in: SignIn) -> People:
    w = World(db)
    return People(
        w=w,
        editor=sign_in(w.editor_user),
        spokesperson=sign_in(w.spokesperson_user),
        approver=sign_in(w.approver_user),
        department=sign_in(make_user(db, Role.DEPARTMENT)),
        journalist=sign_in(make_user(db, Role.JOURNALIST, press_card_number="NB-1")),
        anonymous=sign_in(None),
    )


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


def utc(iso: str | None) -> datetime:
    assert iso is not None
    value = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    assert value.utcoffset() == timedelta(0), iso
    return value


def draft_body(w: World, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "press_release",
        "organisation_id": w.org.id,
        "spokesperson_id": w.person.id,
        "title": "Thông cáo về lễ hội Hạ Long",
        "summary": "Lễ hội mở cửa.",
        "body": "Lễ hội **mở cửa** từ thứ Bảy.",
    }
    body.update(over)
    return body


def created(person: Person, w: World, **over: Any) -> dict[str, Any]:
    return dict(ok(person.post(API, json=draft_body(w, **over)), 201))


def act(person: Person, statement_id: int, action: str, **body: Any) -> Any:
    return person.post(f"{API}/{statement_id}/{action}", json=body)


def published_via_api(p: People, **over: Any) -> dict[str, Any]:
    """Drafted by the editor, approved by the spokesperson, published now: through the API."""
    st = created(p.editor, p.w, **over)
    ok(act(p.editor, st["id"], "submit"))
    ok(act(p.spokesperson, st["id"], "approve"))
    return dict(ok(act(p.spokesperson, st["id"], "publish")))


def stored(db: Session, model: Any, row_id: int) -> Any:
    db.expire_all()
    row = db.get(model, row_id)
    assert row is not None
    return row


def audit_count(db: Session) -> int:
    db.expire_all()
    return len(db.exec(select(AuditEvent)).all())


def move_to_past(db: Session, st: Statement, minutes: int = 5) -> None:
    """The embargo ends: the scheduled edition's time (and the date of issue) is now past."""
    db.expire_all()
    ed = db.exec(select(Edition).where(Edition.statement_id == st.id)).one()
    past = utcnow() - timedelta(minutes=minutes)
    ed.publish_at = past
    row = db.get(Statement, st.id)
    assert row is not None
    row.first_published_at = past
    db.add_all([ed, row])
    db.commit()


def attach(db: Session, st: Statement, filename: str = "thong-cao.pdf") -> StatementFile:
    """A file carried by the statement's current edition (stored directly: uploads are not the
    API's business)."""
    ed = service.public_edition(db, st.id or 0) or service.working_edition(db, st.id or 0)
    assert ed is not None
    f = StatementFile(
        statement_id=st.id or 0,
        filename=filename,
        stored_name=hashlib.sha256(filename.encode()).hexdigest()[:32],
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
    )
    db.add(f)
    db.flush()
    db.add(EditionFile(edition_id=ed.id or 0, file_id=f.id or 0))
    db.commit()
    return f


# --- Who may use what -----------------------------------------------------------------------------


def _office_requests(statement_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    base = f"{API}/{statement_id}"
    return [
        ("GET", f"{base}/draft", {}),
        ("POST", API, {"title": "x"}),
        ("PUT", f"{base}/draft", {"revision": 0, "title": "x"}),
        ("PUT", f"{base}/translations/en", {"title": "x", "body": "y"}),
        *[
            ("POST", f"{base}/{action}", {"reason": "x"})
            for action in (
                "submit",
                "return",
                "approve",
                "publish",
                "unschedule",
                "new-edition",
                "withdraw",
            )
        ],
    ]


def test_office_routes_refuse_the_anonymous_departments_and_journalists(
    p: People, db: Session
) -> None:
    st = p.w.issued()
    before = audit_count(db)
    for method, url, body in _office_requests(st.id or 0):
        kw = {"json": body} if method != "GET" else {}
        problem(p.anonymous.send(method, url, **kw), 401)
        for person in (p.department, p.journalist):
            problem(person.send(method, url, **kw), 403)
    assert audit_count(db) == before
    assert len(db.exec(select(Statement)).all()) == 1


def test_everyone_reads_the_public_routes(p: People) -> None:
    st = p.w.issued()
    for person in (p.anonymous, p.journalist, p.department, p.editor):
        assert ids(ok(person.get(API))) == [st.id]
        assert ok(person.get(f"{API}/{st.id}"))["id"] == st.id


def test_the_office_reads_the_draft_the_public_gets_404(p: People) -> None:
    st = p.w.draft()
    for person in (p.anonymous, p.journalist, p.editor, p.spokesperson):
        problem(person.get(f"{API}/{st.id}"), 404)
        assert ok(person.get(API)) == []
    for person in (p.editor, p.spokesperson, p.approver):
        body = ok(person.get(f"{API}/{st.id}/draft"))
        assert body["state"] == "draft" and body["number"] is None
    problem(p.editor.get(f"{API}/999999/draft"), 404)
    problem(p.anonymous.get(f"{API}/999999"), 404)


# --- Reading ------------------------------------------------------------------------------------


def test_list_has_published_statements_newest_first_and_withdrawn_ones_marked(
    p: People, db: Session
) -> None:
    first = p.w.issued(title="Thông cáo thứ nhất")
    second = p.w.issued(title="Thông cáo thứ hai")
    p.w.draft(title="Bản nháp")
    p.w.issued(title="Thông cáo chưa đến giờ", at=soon())
    service.withdraw(
        db, actor=p.w.spokesperson, statement_id=first.id or 0, reason="Số liệu sai, đã thay."
    )
    body = ok(p.anonymous.get(API))
    assert ids(body) == [second.id, first.id]
    old = body[1]
    assert old["withdrawn"] is True and old["withdrawn_reason"] == "Số liệu sai, đã thay."
    assert utc(old["withdrawn_at"]) <= utcnow()
    new = body[0]
    assert new["withdrawn"] is False and new["withdrawn_reason"] == ""
    assert new["number"] == "2/TCBC-UBND" and new["kind"] == "press_release"
    assert new["kind_label"] == "Press release"
    assert new["organisation"]["name_vi"] == "UBND tỉnh Quảng Ninh"
    assert new["title"] == "Thông cáo thứ hai" and new["language"] == "vi"
    assert new["edition"] == 1 and new["url"] == f"/statements/{second.id}"
    assert utc(new["first_published_at"]) == utc(new["updated_at"])


def test_list_filters_by_kind_topic_organisation_language_and_dates(p: People, db: Session) -> None:
    w = p.w
    tourism = db.exec(select(Topic).where(Topic.code == "du-lich")).one()
    other_org = make_org(db, kind="department", name_vi="Sở Du lịch", name_en="Tourism Dept")
    other_speaker = make_spokesperson(db, other_org, full_name="Trần Thị Du Lịch")
    a = w.issued(title="Du lịch hè", topic_ids=[tourism.id], translations={"en": "Summer"})
    b = w.issued(kind=StatementKind.OFFICIAL_STATEMENT, title="Phát ngôn về đất đai")
    c = w.issued(organisation_id=other_org.id, spokesperson_id=other_speaker.id, title="Sở Du lịch")
    assert ids(ok(p.anonymous.get(API, params={"kind": "official_statement"}))) == [b.id]
    assert ids(ok(p.anonymous.get(API, params={"topic": "du-lich"}))) == [a.id]
    assert ok(p.anonymous.get(API, params={"topic": "khong-co"})) == []
    assert ids(ok(p.anonymous.get(API, params={"organisation_id": other_org.id}))) == [c.id]
    english = ok(p.anonymous.get(API, params={"lang": "en"}))
    assert ids(english) == [a.id]
    assert english[0]["title"] == "Summer" and english[0]["language"] == "en"
    assert english[0]["languages"] == ["en"] and english[0]["topics"] == ["du-lich"]
    assert ok(p.anonymous.get(API, params={"lang": "zh"})) == []
    today = local_today().isoformat()
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    assert len(ok(p.anonymous.get(API, params={"from": today, "to": today}))) == 3
    assert ok(p.anonymous.get(API, params={"to": yesterday})) == []
    assert "from" in problem(p.anonymous.get(API, params={"from": "9999-12-31"}), 422)["errors"]
    problem(p.anonymous.get(API, params={"kind": "rumour"}), 422)


def test_pages_follow_the_keyset_cursor(p: People) -> None:
    made = [p.w.issued(title=f"Thông cáo số {i}").id for i in range(5)]
    newest_first = list(reversed(made))
    r = p.anonymous.get(API, params={"limit": 2, "kind": "press_release"})
    seen = ids(ok(r))
    pages = 1
    while "link" in r.headers:
        link = r.headers["link"]
        assert link.endswith('>; rel="next"') and "kind=press_release" in link
        r = p.anonymous.get(link[1 : link.index(">")])
        seen += ids(ok(r))
        pages += 1
    assert seen == newest_first and pages == 3
    problem(p.anonymous.get(API, params={"before": "yesterday"}), 422)
    problem(p.anonymous.get(API, params={"limit": 101}), 422)
    problem(p.anonymous.get(API, params={"limit": 0}), 422)
    assert len(ok(p.anonymous.get(API, params={"limit": 100}))) == 5


def test_detail_shows_the_visible_edition_with_history_translations_and_files(
    p: People, db: Session
) -> None:
    w = p.w
    tourism = db.exec(select(Topic).where(Topic.code == "du-lich")).one()
    st = w.issued(topic_ids=[tourism.id], translations={"en": "Typhoon No. 3"})
    f = attach(db, st)
    w.correct(st, major=True, note="Cập nhật số liệu thiệt hại", topic_ids=[tourism.id])
    body = ok(p.anonymous.get(f"{API}/{st.id}"))
    assert body["number"] == "1/TCBC-UBND" and body["edition"] == 2
    assert body["spokesperson"]["full_name"] == "Nguyễn Văn Phát Ngôn"
    assert body["spokesperson"]["role"] == "spokesperson"
    assert body["title"] == w.input().title and body["language"] == "vi"
    assert body["body"].endswith("Đã cập nhật.")
    assert "<strong>yêu cầu</strong>" in body["body_html"]
    assert body["topics"] == ["du-lich"]
    assert body["topic_refs"] == [
        {"code": "du-lich", "name": "Tourism", "name_vi": "Du lịch", "name_en": "Tourism"}
    ]
    assert [(n["edition"], n["change_kind"], n["note"]) for n in body["change_notes"]] == [
        (2, "major", "Cập nhật số liệu thiệt hại"),
        (1, "first", ""),
    ]
    assert body["translations"] == [{"language": "en", "title": "Typhoon No. 3", "outdated": True}]
    assert body["files"] == [
        {
            "id": f.id,
            "filename": "thong-cao.pdf",
            "content_type": "application/pdf",
            "size": 1234,
            "sha256": "0" * 64,
            "url": f"/statements/{st.id}/files/{f.id}",
        }
    ]
    assert utc(body["first_published_at"]) < utc(body["updated_at"])
    english = ok(p.anonymous.get(f"{API}/{st.id}", params={"lang": "en"}))
    assert english["title"] == "Typhoon No. 3" and english["language"] == "en"
    assert english["body"] == "Typhoon No. 3: text." and english["outdated"] is True
    assert english["kind_label"] == "Press release"
    missing = ok(p.anonymous.get(f"{API}/{st.id}", params={"lang": "ko"}))
    assert missing["language"] == "vi" and missing["title"] == w.input().title


def test_script_in_the_title_is_plain_json_text_and_escaped_in_body_html(p: People) -> None:
    st = p.w.issued(title=SCRIPT, body=f"Nội dung {SCRIPT}")
    body = ok(p.anonymous.get(f"{API}/{st.id}"))
    assert body["title"] == SCRIPT
    assert body["body"] == f"Nội dung {SCRIPT}"
    assert "<script>" not in body["body_html"] and "&lt;script&gt;" in body["body_html"]
    assert "<b>" not in body["body_html"]
    assert ok(p.anonymous.get(API))[0]["title"] == SCRIPT


# --- The embargo ----------------------------------------------------------------------------------


def test_a_scheduled_statement_is_nowhere_until_its_time(p: People, db: Session) -> None:
    st = p.w.issued(title="Bão Đà Nẵng: lệnh cấm biển", at=soon())
    for person in (p.anonymous, p.journalist, p.editor, p.spokesperson):
        assert ok(person.get(API)) == []
        assert ok(person.get(API, params={"q": "cam bien"})) == []
        problem(person.get(f"{API}/{st.id}"), 404)
    office = ok(p.editor.get(f"{API}/{st.id}/draft"))
    assert office["state"] == "scheduled" and office["number"] is None  # given at publication
    move_to_past(db, st)
    listed = ok(p.anonymous.get(API))  # the embargo ended: the public read records it at once
    assert ids(listed) == [st.id] and listed[0]["number"] == "1/TCBC-UBND"
    assert ids(ok(p.anonymous.get(API, params={"q": "cam bien"}))) == [st.id]
    assert ok(p.anonymous.get(f"{API}/{st.id}"))["title"] == "Bão Đà Nẵng: lệnh cấm biển"


def test_schedule_and_unschedule_through_the_api(p: People, db: Session) -> None:
    st = created(p.editor, p.w)
    ok(act(p.editor, st["id"], "submit"))
    ok(act(p.spokesperson, st["id"], "approve"))
    at = (utcnow() + timedelta(hours=2)).astimezone(to_local(utcnow()).tzinfo)
    body = ok(act(p.spokesperson, st["id"], "publish", publish_at=at.isoformat()))
    assert body["state"] == "scheduled" and utc(body["publish_at"]) == at
    assert body["steps"] == ["unschedule"]
    problem(p.anonymous.get(f"{API}/{st['id']}"), 404)
    body = ok(act(p.spokesperson, st["id"], "unschedule", revision=body["revision"]))
    assert body["state"] == "approved" and body["publish_at"] is None
    problem(p.anonymous.get(f"{API}/{st['id']}"), 404)
    actions = [
        e.action
        for e in db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        if e.action.startswith("statement.")
    ]
    assert actions[-2:] == ["statement.scheduled", "statement.unscheduled"]


def test_a_past_or_naive_publish_at_is_422_and_nothing_changes(p: People, db: Session) -> None:
    st = created(p.editor, p.w)
    ok(act(p.editor, st["id"], "submit"))
    ok(act(p.spokesperson, st["id"], "approve"))
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    body = problem(act(p.spokesperson, st["id"], "publish", publish_at=past), 422)
    assert "publish_at" in body["errors"]
    naive = (datetime.now() + timedelta(days=1)).replace(tzinfo=None).isoformat()
    body = problem(act(p.spokesperson, st["id"], "publish", publish_at=naive), 422)
    assert "publish_at" in body["errors"]
    row = stored(db, Statement, st["id"])
    assert row.number is None and row.first_published_at is None
    assert ok(p.editor.get(f"{API}/{st['id']}/draft"))["state"] == "approved"


# --- Drafting and the workflow --------------------------------------------------------------------


def test_the_office_creates_edits_and_publishes_a_statement(p: People, db: Session) -> None:
    tourism = db.exec(select(Topic).where(Topic.code == "du-lich")).one()
    st = created(p.editor, p.w, topic_ids=[tourism.id])
    assert st["state"] == "draft" and st["edition"] == 1 and st["steps"] == ["submit"]
    assert st["topic_ids"] == [tourism.id] and st["created_by"] == p.w.editor_user.id
    assert st["body_html"] == "<p>Lễ hội <strong>mở cửa</strong> từ thứ Bảy.</p>\n"
    sid = st["id"]
    edited = ok(
        p.editor.put(
            f"{API}/{sid}/draft",
            json=draft_body(p.w, title="Thông cáo (sửa)", revision=st["revision"]),
        )
    )
    assert edited["title"] == "Thông cáo (sửa)" and edited["revision"] > st["revision"]
    assert edited["topic_ids"] == []  # a PUT replaces the whole edition
    stale = problem(
        p.editor.put(f"{API}/{sid}/draft", json=draft_body(p.w, revision=st["revision"])), 409
    )
    assert "changed this while you were editing" in stale["detail"]
    assert stored(db, Edition, _edition_id(db, sid)).title == "Thông cáo (sửa)"
    problem(p.editor.put(f"{API}/{sid}/draft", json=draft_body(p.w)), 422)  # no revision
    translated = ok(
        p.editor.put(
            f"{API}/{sid}/translations/en",
            json={"title": "Ha Long festival", "summary": "", "body": "Open from Saturday."},
        )
    )
    assert [(t["language"], t["source_number"]) for t in translated["translations"]] == [("en", 1)]
    problem(p.editor.put(f"{API}/{sid}/translations/xx", json={"title": "x", "body": "y"}), 422)
    ok(act(p.editor, sid, "submit"))
    problem(act(p.editor, sid, "publish"), 409)  # not approved yet
    approved = ok(act(p.approver, sid, "approve"))
    assert approved["state"] == "approved" and approved["approved_by"] == p.w.approver_user.id
    returned = ok(act(p.editor, sid, "return"))
    assert returned["state"] == "draft" and returned["approved_by"] is None
    ok(act(p.editor, sid, "submit"))
    ok(act(p.approver, sid, "approve"))
    done = ok(act(p.approver, sid, "publish"))
    assert done["state"] == "published" and done["number"] == "1/TCBC-UBND"
    assert done["steps"] == [] and done["first_published_at"] is not None
    public = ok(p.anonymous.get(f"{API}/{sid}"))
    assert public["title"] == "Thông cáo (sửa)" and public["languages"] == ["en"]
    problem(act(p.approver, sid, "publish"), 409)  # once


def _edition_id(db: Session, statement_id: int) -> int:
    db.expire_all()
    ed = db.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .order_by(col(Edition.number).desc())
    ).first()
    assert ed is not None and ed.id is not None
    return ed.id


def test_create_with_missing_fields_is_422_with_the_field_errors(p: People, db: Session) -> None:
    body = problem(p.editor.post(API, json={}), 422)
    assert {"title", "body", "kind", "organisation_id"} <= set(body["errors"])
    assert body["errors"]["title"] == "Enter the title."
    body = problem(p.editor.post(API, json=draft_body(p.w, kind="rumour")), 422)
    assert "kind" in body["errors"]
    body = problem(p.editor.post(API, json=draft_body(p.w, title="Bell\x00")), 422)
    assert "title" in body["errors"]
    body = problem(p.editor.post(API, json=draft_body(p.w, spokesperson_id=999999)), 422)
    assert "spokesperson_id" in body["errors"]
    assert db.exec(select(Statement)).all() == []


def test_approving_ones_own_statement_through_the_api_is_403(p: People, db: Session) -> None:
    st = created(p.approver, p.w)
    ok(act(p.approver, st["id"], "submit"))
    body = problem(act(p.approver, st["id"], "approve"), 403)
    assert "another person must approve" in body["detail"]
    problem(act(p.editor, st["id"], "approve"), 403)  # an editor without the right
    assert stored(db, Edition, _edition_id(db, st["id"])).state == EditionState.SUBMITTED
    assert ok(act(p.spokesperson, st["id"], "approve"))["state"] == "approved"


def test_editing_a_published_edition_is_409_and_changes_nothing(p: People, db: Session) -> None:
    st = published_via_api(p)
    sid = st["id"]
    before = stored(db, Edition, _edition_id(db, sid))
    title, revision, events = before.title, before.revision, audit_count(db)
    body = problem(
        p.editor.put(
            f"{API}/{sid}/draft",
            json=draft_body(p.w, title="Sửa lén", revision=st["revision"]),
        ),
        409,
    )
    assert "published edition is never edited" in body["detail"]
    assert "new edition" in body["detail"]
    body = problem(
        p.editor.put(f"{API}/{sid}/translations/en", json={"title": "x", "body": "y"}), 409
    )
    assert "never edited" in body["detail"]
    after = stored(db, Edition, before.id)
    assert (after.title, after.revision) == (title, revision)
    assert audit_count(db) == events
    assert ok(p.anonymous.get(f"{API}/{sid}"))["title"] == title


def test_a_new_edition_needs_its_change_note_and_keeps_the_number(p: People, db: Session) -> None:
    st = published_via_api(p)
    sid = st["id"]
    second = ok(act(p.editor, sid, "new-edition"))
    assert second["edition"] == 2 and second["state"] == "draft"
    assert second["number"] == "1/TCBC-UBND" and second["title"] == st["title"]
    problem(act(p.editor, sid, "new-edition"), 409)  # one being prepared already
    body = problem(
        p.editor.put(f"{API}/{sid}/draft", json=draft_body(p.w, revision=second["revision"])),
        422,
    )
    assert {"change_kind", "change_note"} <= set(body["errors"])
    saved = ok(
        p.editor.put(
            f"{API}/{sid}/draft",
            json=draft_body(
                p.w,
                title="Thông cáo (cập nhật)",
                revision=second["revision"],
                change_kind="minor",
                change_note="Sửa lỗi chính tả",
            ),
        )
    )
    assert saved["change_kind"] == "minor"
    # the public still reads the first edition while the second is prepared
    assert ok(p.anonymous.get(f"{API}/{sid}"))["edition"] == 1
    ok(act(p.editor, sid, "submit"))
    ok(act(p.spokesperson, sid, "approve"))
    ok(act(p.spokesperson, sid, "publish"))
    public = ok(p.anonymous.get(f"{API}/{sid}"))
    assert public["edition"] == 2 and public["number"] == "1/TCBC-UBND"
    assert public["title"] == "Thông cáo (cập nhật)"
    assert public["change_notes"][0]["note"] == "Sửa lỗi chính tả"


def test_withdrawal_needs_the_right_and_a_reason(p: People, db: Session) -> None:
    st = published_via_api(p)
    sid = st["id"]
    problem(act(p.editor, sid, "withdraw", reason="Sai"), 403)
    body = problem(act(p.spokesperson, sid, "withdraw", reason="   "), 422)
    assert "reason" in body["errors"]
    done = ok(act(p.approver, sid, "withdraw", reason="Thông tin đã được thay thế."))
    assert done["withdrawn_reason"] == "Thông tin đã được thay thế."
    public = ok(p.anonymous.get(f"{API}/{sid}"))
    assert public["withdrawn"] is True
    assert public["withdrawn_reason"] == "Thông tin đã được thay thế."
    problem(act(p.approver, sid, "withdraw", reason="Lần nữa"), 409)
    problem(act(p.editor, sid, "new-edition"), 409)


def test_an_unknown_action_is_422_and_a_missing_statement_404(p: People) -> None:
    problem(act(p.editor, 1, "announce"), 422)
    problem(act(p.editor, 999999, "submit"), 404)


# --- Search ---------------------------------------------------------------------------------------


def test_search_folds_vietnamese_on_both_databases(p: People) -> None:
    st = p.w.issued(title="Cơn bão số 3 đổ bộ Đà Nẵng", translations={"en": "Typhoon landfall"})
    p.w.issued(title="Lễ hội Hạ Long")
    p.w.draft(title="Bản nháp về Đà Nẵng")
    for q in ("da nang", "Đà Nẵng", "ĐÀ NẴNG", "dA   NaNg!", "bao so 3", "typhoon", "1/TCBC"):
        assert ids(ok(p.anonymous.get(API, params={"q": q}))) == [st.id], q
    assert ok(p.anonymous.get(API, params={"q": "da nang ha long"})) == []
    assert ok(p.anonymous.get(API, params={"q": "hanoi"})) == []


@pytest.mark.parametrize(
    "q", ["a" * 1000, "x" + " Đà" * 333, "!!! ,,, ??? ... «»", '"', "*", "NOT", "AND OR"]
)
def test_odd_queries_answer_200_with_no_results(p: People, q: str) -> None:
    p.w.issued(title="Cơn bão số 3 đổ bộ Đà Nẵng")
    assert ok(p.anonymous.get(API, params={"q": q})) == []


def test_the_issue_time_shown_is_utc(p: People) -> None:
    st = p.w.issued()
    body = ok(p.anonymous.get(f"{API}/{st.id}"))
    assert utc(body["first_published_at"]).tzinfo is not None
    assert abs(utc(body["first_published_at"]) - utcnow()) < timedelta(minutes=5)
