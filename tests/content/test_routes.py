"""The department-content pages as people use them (HTML over HTTP): the office's call and
completeness board, the department's calls and submission form, uploads and downloads, who may
see what, the office's review with version differences, the agenda builder, and escaping.

Every test runs on SQLite and on PostgreSQL. What was stored is read back after `expire_all()`,
so a change made in memory but never committed cannot pass.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import AgendaItem, Briefing, BriefingInvitee
from app.config import Settings
from app.content import agenda
from app.content.models import (
    Attachment,
    CallRecipient,
    CallStatus,
    ContentCall,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from app.holidays.service import work_calendar
from app.main import create_app
from app.orgs.models import Organisation
from app.timeutil import LOCAL_TZ, local_today, to_local
from tests.conftest import WebClient, make_settings, page_text
from tests.factories import (
    PNG_1PX,
    make_briefing,
    make_call,
    make_org,
    make_submission,
    pdf_bytes,
)
from tests.support import signed_in

S = SubmissionStatus
ACTOR = Actor.system("test")
HTMX = {"HX-Request": "true"}
SCRIPT = "<script>alert(1)</script>"
PDF = "application/pdf"
# A tiny file that `filetype` recognises as a PDF (for the app with a 4 KB cap).
SMALL_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)

NewWeb = Callable[[], WebClient]


# --- Helpers ---------------------------------------------------------------------------------


def browser(new_web: NewWeb, db: Session, role: Role, **over: Any) -> WebClient:
    web = new_web()
    signed_in(web, db, role, **over)
    return web


@pytest.fixture
def office(web: WebClient, db: Session) -> WebClient:
    signed_in(web, db, Role.PRESS_OFFICE)
    return web


def local_at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=LOCAL_TZ).astimezone(UTC)


def tag(html: str, element_id: str) -> str:
    """The opening tag of the form control with this id."""
    found = re.findall(rf'<(?:input|select|textarea)[^>]*\bid="{element_id}"[^>]*>', html)
    assert len(found) == 1, found
    return found[0]


def value_of(html: str, element_id: str) -> str:
    """What an input or textarea holds, unescaped."""
    opening = tag(html, element_id)
    if opening.startswith("<textarea"):
        found = re.search(rf'<textarea[^>]*\bid="{element_id}"[^>]*>(.*?)</textarea>', html, re.S)
        assert found is not None
        return htmllib.unescape(found.group(1))
    found = re.search(r'\bvalue="([^"]*)"', opening)
    return htmllib.unescape(found.group(1)) if found else ""


def error_text(html: str, element_id: str) -> str:
    """The error message shown beside a field (id="<field>-error")."""
    found = re.search(rf'<p class="error-text" id="{element_id}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no error beside {element_id}"
    return page_text(found.group(1)).strip()


def hidden(html: str, name: str) -> str:
    found = re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)">', html)
    assert found, name
    return found[0]


def fresh(db: Session, model: Any, ident: Any) -> Any:
    db.expire_all()
    row = db.get(model, ident)
    assert row is not None
    return row


def attachments_of(db: Session, submission_id: int | None) -> list[Attachment]:
    db.expire_all()
    return list(
        db.exec(
            select(Attachment)
            .where(Attachment.submission_id == submission_id)
            .order_by(col(Attachment.id))
        ).all()
    )


def stored_files(settings: Settings) -> list[str]:
    """Every entry of the upload folder, hidden temporary `.part` files included."""
    folder = Path(settings.upload_dir)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def audit_count(db: Session, action: str | None = None) -> int:
    db.expire_all()
    query = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.exec(query).one()


def upload(web: WebClient, sub_id: int | None, *files: tuple[str, bytes, str], **kw: Any) -> Any:
    return web.client.post(
        f"/submissions/{sub_id}/attachments",
        data={"csrf_token": web.csrf()},
        files=[("files", f) for f in files],
        **kw,
    )


def content_form(revision: Any, intent: str = "save", **over: Any) -> dict[str, Any]:
    """The department's form, filled in as a person would."""
    form: dict[str, Any] = {
        "revision": str(revision),
        "title": "Tiến độ giải ngân vốn đầu tư công quý II",
        "summary": "Tóm tắt tình hình giải ngân.",
        "talking_points": "- Giải ngân đạt 62%\n- Ba dự án chậm tiến độ",
        "key_figures": "62%; 1.240 tỷ đồng",
        "qa_question": ["Vì sao ba dự án chậm?", ""],
        "qa_answer": ["Do vướng giải phóng mặt bằng.", ""],
        "contact_name": "Nguyễn Thị Lan",
        "contact_phone": "0203 3835 111",
        "contact_email": "lan@example.vn",
        "intent": intent,
    }
    form.update(over)
    return form


def board_rows(html: str) -> dict[int, tuple[set[str], str]]:
    """The completeness board's rows: organisation id → (row classes, row HTML)."""
    table = re.search(r'<table class="table board">(.*?)</table>', html, re.S)
    assert table is not None, "no board on the page"
    rows = re.findall(r'<tr class="([^"]*)" data-org="(\d+)">(.*?)</tr>', table.group(1), re.S)
    return {int(org): (set(classes.split()), body) for classes, org, body in rows}


def compare_block(html: str) -> str:
    found = re.search(r'<div id="compare">(.*?)</div>', html, re.S)
    assert found is not None, "no #compare on the page"
    return found.group(1)


def diff_lines(block: str, op: str) -> list[str]:
    return [
        htmllib.unescape(t).strip()
        for t in re.findall(rf'<span class="diff-{op}">(.*?)</span>', block, re.S)
    ]


# --- The people and their work ----------------------------------------------------------------


@dataclass
class World:
    """Two departments asked for content by the same call; A has a draft with a file."""

    org_a: Organisation
    org_b: Organisation
    call: ContentCall
    call_a_only: ContentCall
    dept_a: WebClient
    dept_b: WebClient
    sub_a: Submission
    sub_b: Submission
    att_a: Attachment
    att_b: Attachment


@pytest.fixture
def world(db: Session, new_web: NewWeb) -> World:
    org_a = make_org(db, name_vi="Sở Tài chính thử")
    org_b = make_org(db, name_vi="Sở Xây dựng thử")
    call = make_call(db, orgs=[org_a, org_b])
    call_a_only = make_call(db, orgs=[org_a])
    dept_a = browser(new_web, db, Role.DEPARTMENT, org=org_a)
    dept_b = browser(new_web, db, Role.DEPARTMENT, org=org_b)
    sub_a = make_submission(db, call, org_a, title="Nội dung của Sở Tài chính")
    sub_b = make_submission(db, call, org_b, title="Nội dung của Sở Xây dựng")
    assert upload(dept_a, sub_a.id, ("bao-cao-a.pdf", pdf_bytes("A"), PDF)).status_code == 303
    assert upload(dept_b, sub_b.id, ("bao-cao-b.pdf", pdf_bytes("B"), PDF)).status_code == 303
    (att_a,) = attachments_of(db, sub_a.id)
    (att_b,) = attachments_of(db, sub_b.id)
    return World(org_a, org_b, call, call_a_only, dept_a, dept_b, sub_a, sub_b, att_a, att_b)


@pytest.fixture
def small_app(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """The application with a 4 KB cap per uploaded file."""
    application = create_app(make_settings(database_url, tmp_path, upload_max_bytes=4096))
    yield application
    application.state.engine.dispose()


@dataclass
class Small:
    db: Session
    settings: Settings
    web: WebClient
    sub: Submission


@pytest.fixture
def small(small_app: Any) -> Iterator[Small]:
    with (
        Session(small_app.state.engine, expire_on_commit=False) as session,
        TestClient(small_app, base_url="http://testserver", follow_redirects=False) as client,
    ):
        org = make_org(session)
        call = make_call(session, orgs=[org])
        sub = make_submission(session, call, org)
        web = WebClient(client)
        signed_in(web, session, Role.DEPARTMENT, org=org)
        yield Small(session, small_app.state.settings, web, sub)


# --- The office: the call for content ---------------------------------------------------------


def test_call_form_checks_the_briefings_invited_organisations(
    office: WebClient, db: Session
) -> None:
    invited_1, invited_2, other = make_org(db), make_org(db), make_org(db)
    briefing = make_briefing(db)
    db.add_all(
        BriefingInvitee(briefing_id=briefing.id or 0, organisation_id=o.id or 0)
        for o in (invited_1, invited_2)
    )
    db.commit()

    r = office.get(f"/office/briefings/{briefing.id}/content")

    assert r.status_code == 200
    checked = set(map(int, re.findall(r'name="organisation_ids" value="(\d+)" checked', r.text)))
    assert checked == {invited_1.id, invited_2.id}
    assert f'name="organisation_ids" value="{other.id}"' in r.text
    assert "table board" not in r.text  # no call yet, no board


def test_call_form_prefills_the_briefings_own_content_deadline(
    office: WebClient, db: Session
) -> None:
    day = local_today() + timedelta(days=6)
    briefing = make_briefing(db, days_ahead=12, content_deadline=local_at(day, 11, 30))

    r = office.get(f"/office/briefings/{briefing.id}/content")

    assert value_of(r.text, "f-deadline_day") == day.isoformat()
    assert value_of(r.text, "f-deadline_time") == "11:30"


def test_call_form_prefills_the_kinds_working_days_before_the_briefing_at_five_pm(
    office: WebClient, db: Session
) -> None:
    briefing = make_briefing(db, days_ahead=20)
    starts = to_local(briefing.starts_at).date()
    expected = work_calendar(db).previous_working_day(starts - timedelta(days=3))

    r = office.get(f"/office/briefings/{briefing.id}/content")

    assert value_of(r.text, "f-deadline_day") == expected.isoformat()
    assert value_of(r.text, "f-deadline_time") == "17:00"


def call_post(briefing: Briefing, orgs: list[Organisation], **over: Any) -> dict[str, Any]:
    day = to_local(briefing.starts_at).date() - timedelta(days=2)
    form: dict[str, Any] = {
        "deadline_day": day.isoformat(),
        "deadline_time": "16:30",
        "instructions": "Gửi số liệu giải ngân và câu hỏi dự kiến.",
        "organisation_ids": [str(o.id) for o in orgs],
    }
    form.update(over)
    return form


def test_call_without_a_date_comes_back_with_the_message_beside_the_date_and_stores_nothing(
    office: WebClient, db: Session
) -> None:
    a, b = make_org(db), make_org(db)
    briefing = make_briefing(db)

    r = office.post(
        f"/office/briefings/{briefing.id}/content", call_post(briefing, [a], deadline_day="")
    )

    assert r.status_code == 422
    assert "Hãy nhập ngày." in error_text(r.text, "f-deadline_day")
    assert 'aria-invalid="true"' in tag(r.text, "f-deadline_day")
    # The rest of the form is as typed.
    assert value_of(r.text, "f-deadline_time") == "16:30"
    assert value_of(r.text, "f-instructions") == "Gửi số liệu giải ngân và câu hỏi dự kiến."
    assert f'name="organisation_ids" value="{a.id}" checked' in r.text
    assert f'name="organisation_ids" value="{b.id}" checked' not in r.text
    db.expire_all()
    assert db.exec(select(ContentCall)).all() == []
    assert db.exec(select(CallRecipient)).all() == []
    assert audit_count(db, "content_call.opened") == 0


def test_sending_the_call_stores_it_with_its_organisations_and_an_audit_row(
    office: WebClient, db: Session
) -> None:
    a, b, c = make_org(db), make_org(db), make_org(db)
    briefing = make_briefing(db)
    form = call_post(briefing, [a, b])

    r = office.post(f"/office/briefings/{briefing.id}/content", form)

    assert r.status_code == 303
    assert r.headers["location"] == f"/office/briefings/{briefing.id}/content"
    db.expire_all()
    (call,) = db.exec(select(ContentCall)).all()
    assert call.briefing_id == briefing.id
    assert call.status == CallStatus.OPEN
    day = to_local(briefing.starts_at).date() - timedelta(days=2)
    assert call.deadline == local_at(day, 16, 30)
    assert call.instructions == "Gửi số liệu giải ngân và câu hỏi dự kiến."
    recipients = db.exec(select(CallRecipient.organisation_id)).all()
    assert sorted(recipients) == sorted([a.id, b.id])
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "content_call.opened")).all()
    assert [e.object_id for e in events] == [str(call.id)]
    # The page now has the board with the two organisations asked, not the third.
    page = office.get(f"/office/briefings/{briefing.id}/content").text
    assert set(board_rows(page)) == {a.id, b.id}
    assert c.id not in board_rows(page)


# --- The office: the completeness board -------------------------------------------------------


def test_board_shows_each_organisations_state_and_the_late_tag(
    office: WebClient, db: Session
) -> None:
    orgs = {
        name: make_org(db)
        for name in ("nothing", "draft", "submitted", "late", "returned", "accepted", "included")
    }
    call = make_call(db, orgs=list(orgs.values()))
    for name, status in (
        ("draft", S.DRAFT),
        ("submitted", S.SUBMITTED),
        ("returned", S.RETURNED),
        ("accepted", S.ACCEPTED),
        ("included", S.INCLUDED),
    ):
        make_submission(db, call, orgs[name], status=status, versions=1)
    make_submission(db, call, orgs["late"], status=S.SUBMITTED, versions=1, late=True)

    rows = board_rows(office.get(f"/office/briefings/{call.briefing_id}/content").text)

    for name, org in orgs.items():
        classes, body = rows[org.id]
        state = "submitted" if name == "late" else name
        assert f"board-row--{state}" in classes, (name, classes)
        assert not any(c.startswith("board-row--") and c != f"board-row--{state}" for c in classes)
        assert ("Gửi muộn" in page_text(body)) == (name == "late"), name
    assert "Chưa có gì" in page_text(rows[orgs["nothing"].id][1])


def test_board_marks_organisations_with_nothing_sent_after_the_deadline_as_overdue(
    office: WebClient, db: Session
) -> None:
    nothing, draft, sent = make_org(db), make_org(db), make_org(db)
    passed = make_call(db, orgs=[nothing, draft, sent], deadline_in=timedelta(hours=-2))
    make_submission(db, passed, draft)
    make_submission(db, passed, sent, status=S.SUBMITTED, versions=1)
    still_open = make_call(db, orgs=[nothing, draft], deadline_in=timedelta(days=2))
    make_submission(db, still_open, draft)

    rows = board_rows(office.get(f"/office/briefings/{passed.briefing_id}/content").text)
    overdue = {org for org, (classes, _) in rows.items() if "board-row--overdue" in classes}
    assert overdue == {nothing.id, draft.id}
    assert "Chưa gửi khi đã quá hạn" in page_text(rows[nothing.id][1])

    rows = board_rows(office.get(f"/office/briefings/{still_open.briefing_id}/content").text)
    assert not any("board-row--overdue" in classes for classes, _ in rows.values())


# --- Closing and reopening a call --------------------------------------------------------------


def test_closed_call_refuses_the_departments_submit_and_keeps_its_text_until_reopened(
    office: WebClient, db: Session, new_web: NewWeb
) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, title="", talking_points="", contact_name="")
    dept = browser(new_web, db, Role.DEPARTMENT, org=org)
    revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")

    closed = office.post(f"/office/calls/{call.id}/close")
    assert closed.status_code == 303
    assert fresh(db, ContentCall, call.id).status == CallStatus.CLOSED

    typed = content_form(revision, "submit", title="Đề cương gửi sau khi đóng")
    r = dept.post(f"/submissions/{sub.id}/edit", typed)

    assert r.status_code == 409
    assert "Bộ phận báo chí đã đóng đề nghị này" in page_text(r.text)
    assert value_of(r.text, "f-title") == "Đề cương gửi sau khi đóng"
    assert value_of(r.text, "f-talking_points") == typed["talking_points"]
    assert value_of(r.text, "f-contact_name") == "Nguyễn Thị Lan"
    assert value_of(r.text, "qa-q-1") == "Vì sao ba dự án chậm?"
    stored = fresh(db, Submission, sub.id)
    assert stored.status == S.DRAFT
    assert stored.title == ""
    assert stored.versions == 0

    reopened = office.post(f"/office/calls/{call.id}/reopen")
    assert reopened.status_code == 303
    assert fresh(db, ContentCall, call.id).status == CallStatus.OPEN
    typed["revision"] = hidden(r.text, "revision")
    again = dept.post(f"/submissions/{sub.id}/edit", typed)
    assert again.status_code == 303
    assert again.headers["location"] == f"/submissions/{sub.id}"
    stored = fresh(db, Submission, sub.id)
    assert (stored.status, stored.title, stored.versions) == (
        S.SUBMITTED,
        "Đề cương gửi sau khi đóng",
        1,
    )


def test_a_closed_call_cannot_be_started(office: WebClient, db: Session, new_web: NewWeb) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    dept = browser(new_web, db, Role.DEPARTMENT, org=org)
    assert office.post(f"/office/calls/{call.id}/close").status_code == 303

    r = dept.post(f"/dept/calls/{call.id}/start")

    assert r.status_code == 409
    db.expire_all()
    assert db.exec(select(Submission)).all() == []


# --- The department: its calls and starting a submission ---------------------------------------


def test_department_sees_only_the_calls_sent_to_its_organisation(
    db: Session, new_web: NewWeb
) -> None:
    mine, theirs = make_org(db), make_org(db)
    b_mine = make_briefing(db, title_vi="Họp báo gửi cho chúng tôi")
    b_theirs = make_briefing(db, title_vi="Họp báo gửi cho sở khác")
    call_mine = make_call(db, briefing=b_mine, orgs=[mine])
    call_theirs = make_call(db, briefing=b_theirs, orgs=[theirs])
    dept = browser(new_web, db, Role.DEPARTMENT, org=mine)

    r = dept.get("/dept/calls")

    assert r.status_code == 200
    assert f'data-call="{call_mine.id}"' in r.text
    assert f'data-call="{call_theirs.id}"' not in r.text
    assert "Họp báo gửi cho chúng tôi" in page_text(r.text)
    assert "Họp báo gửi cho sở khác" not in page_text(r.text)
    assert f'action="/dept/calls/{call_mine.id}/start"' in r.text


def test_starting_twice_opens_the_same_draft(db: Session, new_web: NewWeb) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    dept = browser(new_web, db, Role.DEPARTMENT, org=org)

    first = dept.post(f"/dept/calls/{call.id}/start")

    assert first.status_code == 303
    db.expire_all()
    (sub,) = db.exec(select(Submission)).all()
    assert (sub.call_id, sub.organisation_id, sub.status) == (call.id, org.id, S.DRAFT)
    assert first.headers["location"] == f"/submissions/{sub.id}/edit"

    second = dept.post(f"/dept/calls/{call.id}/start")

    assert second.status_code == 303
    assert second.headers["location"] == f"/submissions/{sub.id}/edit"
    db.expire_all()
    assert len(db.exec(select(Submission)).all()) == 1
    assert dept.get(f"/submissions/{sub.id}/edit").status_code == 200


# --- The department's form ---------------------------------------------------------------------


@pytest.fixture
def draft(db: Session, new_web: NewWeb) -> tuple[WebClient, Submission]:
    """A department signed in, with an empty draft for an open call."""
    org = make_org(db, name_vi="Sở Kế hoạch thử")
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, title="", talking_points="", contact_name="")
    return browser(new_web, db, Role.DEPARTMENT, org=org), sub


def test_saving_a_draft_keeps_the_text_and_stays_a_draft(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft
    revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")

    r = dept.post(
        f"/submissions/{sub.id}/edit",
        content_form(revision, "save", title="Bản nháp số 1", talking_points=""),
    )

    assert r.status_code == 303
    assert r.headers["location"] == f"/submissions/{sub.id}/edit"
    stored = fresh(db, Submission, sub.id)
    assert (stored.status, stored.title, stored.versions) == (S.DRAFT, "Bản nháp số 1", 0)
    assert stored.summary == "Tóm tắt tình hình giải ngân."
    page = dept.get(f"/submissions/{sub.id}/edit").text
    assert value_of(page, "f-title") == "Bản nháp số 1"
    assert hidden(page, "revision") == str(stored.revision)


def test_submitting_without_title_points_or_contact_shows_each_message_and_keeps_the_text(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft
    revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")
    typed = content_form(revision, "submit", title=" ", talking_points="", contact_name="")

    r = dept.post(f"/submissions/{sub.id}/edit", typed)

    assert r.status_code == 422
    assert "Nhập tiêu đề." in error_text(r.text, "f-title")
    assert "Soạn đề cương thông tin trước khi gửi." in error_text(r.text, "f-talking_points")
    assert "Nêu tên người mà bộ phận báo chí có thể liên hệ." in error_text(
        r.text, "f-contact_name"
    )
    assert value_of(r.text, "f-summary") == "Tóm tắt tình hình giải ngân."
    assert value_of(r.text, "f-key_figures") == "62%; 1.240 tỷ đồng"
    assert value_of(r.text, "f-contact_email") == "lan@example.vn"
    assert value_of(r.text, "qa-q-1") == "Vì sao ba dự án chậm?"
    assert value_of(r.text, "qa-a-1") == "Do vướng giải phóng mặt bằng."
    stored = fresh(db, Submission, sub.id)
    assert (stored.status, stored.summary, stored.versions) == (S.DRAFT, "", 0)


def test_questions_and_answers_are_stored_as_pairs_in_order_skipping_empty_rows(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft
    revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")
    form = content_form(
        revision,
        "save",
        qa_question=["Câu hỏi một?", "", "Câu hỏi ba?", ""],
        qa_answer=["Trả lời một.", "", "", ""],
    )

    assert dept.post(f"/submissions/{sub.id}/edit", form).status_code == 303

    assert fresh(db, Submission, sub.id).qa == [
        {"question": "Câu hỏi một?", "answer": "Trả lời một."},
        {"question": "Câu hỏi ba?", "answer": ""},
    ]
    page = dept.get(f"/submissions/{sub.id}/edit").text
    assert (value_of(page, "qa-q-1"), value_of(page, "qa-a-1")) == ("Câu hỏi một?", "Trả lời một.")
    assert (value_of(page, "qa-q-2"), value_of(page, "qa-a-2")) == ("Câu hỏi ba?", "")
    assert value_of(page, "qa-q-3") == ""  # an empty row to add one more


def test_an_answer_without_its_question_is_refused_beside_that_row(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft
    revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")
    form = content_form(
        revision, "save", qa_question=["Câu hỏi một?", ""], qa_answer=["Một.", "Trả lời mồ côi."]
    )

    r = dept.post(f"/submissions/{sub.id}/edit", form)

    assert r.status_code == 422
    row = re.search(r'<div class="qa-row field--error" id="f-qa_1">(.*?)</div>', r.text, re.S)
    assert row is not None
    assert "Trả lời mồ côi." in htmllib.unescape(row.group(1))
    assert fresh(db, Submission, sub.id).qa == []


def test_submitting_after_the_deadline_marks_the_submission_late(
    db: Session, new_web: NewWeb
) -> None:
    late_org, on_time_org = make_org(db), make_org(db)
    passed = make_call(db, orgs=[late_org], deadline_in=timedelta(hours=-1))
    open_call = make_call(db, orgs=[on_time_org])
    late_sub = make_submission(db, passed, late_org)
    on_time_sub = make_submission(db, open_call, on_time_org)

    for org, sub in ((late_org, late_sub), (on_time_org, on_time_sub)):
        dept = browser(new_web, db, Role.DEPARTMENT, org=org)
        revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")
        r = dept.post(f"/submissions/{sub.id}/edit", content_form(revision, "submit"))
        assert r.status_code == 303, r.text
        page = dept.get(f"/submissions/{sub.id}")
        assert page.status_code == 200
        is_late = sub is late_sub
        assert fresh(db, Submission, sub.id).late is is_late
        assert ('<span class="tag tag--late">Gửi muộn</span>' in page.text) is is_late


def test_second_save_of_the_same_draft_is_refused_and_gives_the_typed_text_back(
    db: Session, new_web: NewWeb
) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, title="Bản đầu")
    first = browser(new_web, db, Role.DEPARTMENT, org=org)
    second = browser(new_web, db, Role.DEPARTMENT, org=org)
    rev_first = hidden(first.get(f"/submissions/{sub.id}/edit").text, "revision")
    rev_second = hidden(second.get(f"/submissions/{sub.id}/edit").text, "revision")
    assert rev_first == rev_second

    r1 = first.post(
        f"/submissions/{sub.id}/edit",
        content_form(rev_first, title="Tiêu đề của người thứ nhất", talking_points="- Ý A"),
    )
    assert r1.status_code == 303

    r2 = second.post(
        f"/submissions/{sub.id}/edit",
        content_form(rev_second, title="Tiêu đề của người thứ hai", talking_points="- Ý B"),
    )

    assert r2.status_code == 409
    assert "Người khác đã thay đổi nội dung này trong lúc bạn đang sửa." in page_text(r2.text)
    assert value_of(r2.text, "f-title") == "Tiêu đề của người thứ hai"
    assert value_of(r2.text, "f-talking_points") == "- Ý B"
    stored = fresh(db, Submission, sub.id)
    assert (stored.title, stored.talking_points) == ("Tiêu đề của người thứ nhất", "- Ý A")
    # The form now carries the current revision, so saving again on purpose works.
    assert hidden(r2.text, "revision") == str(stored.revision) != rev_second


# --- Uploads -------------------------------------------------------------------------------------


def test_two_files_uploaded_at_once_are_both_stored(
    draft: tuple[WebClient, Submission], db: Session, settings: Settings
) -> None:
    dept, sub = draft
    pdf = pdf_bytes("Báo cáo giải ngân")

    r = upload(dept, sub.id, ("bao-cao.pdf", pdf, PDF), ("anh.png", PNG_1PX, "image/png"))

    assert r.status_code == 303
    assert r.headers["location"] == f"/submissions/{sub.id}/edit#files"
    rows = attachments_of(db, sub.id)
    assert [(a.filename, a.content_type, a.size) for a in rows] == [
        ("bao-cao.pdf", PDF, len(pdf)),
        ("anh.png", "image/png", len(PNG_1PX)),
    ]
    assert stored_files(settings) == sorted(a.stored_name for a in rows)
    folder = Path(settings.upload_dir)
    assert (folder / rows[0].stored_name).read_bytes() == pdf
    assert (folder / rows[1].stored_name).read_bytes() == PNG_1PX
    page = dept.get(f"/submissions/{sub.id}/edit").text
    assert "bao-cao.pdf" in page and "anh.png" in page


def test_file_over_the_cap_is_refused_with_the_limit_and_nothing_is_kept(small: Small) -> None:
    big = SMALL_PDF + b"0" * 5000

    r = upload(small.web, small.sub.id, ("lon.pdf", big, PDF))

    assert r.status_code == 413
    assert "4 KB" in error_text_files(r.text)
    assert "lon.pdf" in error_text_files(r.text)
    assert stored_files(small.settings) == []
    assert attachments_of(small.db, small.sub.id) == []
    # A file within the cap is fine on the same app.
    ok = upload(small.web, small.sub.id, ("nho.pdf", SMALL_PDF, PDF))
    assert ok.status_code == 303
    assert len(attachments_of(small.db, small.sub.id)) == 1


def test_file_over_the_cap_by_htmx_answers_the_files_fragment_with_413(small: Small) -> None:
    big = SMALL_PDF + b"0" * 5000

    r = upload(small.web, small.sub.id, ("lon.pdf", big, PDF), headers=HTMX)

    assert r.status_code == 413
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<section class="panel" id="files">')
    assert "4 KB" in error_text_files(r.text)
    assert stored_files(small.settings) == []
    assert attachments_of(small.db, small.sub.id) == []


def error_text_files(html: str) -> str:
    found = re.search(r'<p class="error-text" role="alert">(.*?)</p>', html, re.S)
    assert found is not None, "no message beside the file field"
    return page_text(found.group(1)).strip()


@pytest.mark.parametrize(
    ("name", "content", "ctype"),
    [
        ("bao-cao.pdf", HTML_PAGE, PDF),
        ("bao-cao.html", HTML_PAGE, "text/html"),
        ("logo.svg", SVG, "image/svg+xml"),
        ("logo.png", SVG, "image/png"),
        ("report.pdf", ELF, PDF),
    ],
    ids=["html-named-pdf", "html", "svg", "svg-named-png", "elf-named-pdf"],
)
def test_a_file_that_is_not_what_is_accepted_is_refused_and_nothing_is_kept(
    draft: tuple[WebClient, Submission],
    db: Session,
    settings: Settings,
    name: str,
    content: bytes,
    ctype: str,
) -> None:
    dept, sub = draft
    events = audit_count(db)

    r = upload(dept, sub.id, (name, content, ctype))

    assert r.status_code == 415
    assert name in error_text_files(r.text)
    assert stored_files(settings) == []
    assert attachments_of(db, sub.id) == []
    assert audit_count(db) == events


def test_a_batch_with_one_bad_file_keeps_none_of_them(
    draft: tuple[WebClient, Submission], db: Session, settings: Settings
) -> None:
    dept, sub = draft

    r = upload(
        dept,
        sub.id,
        ("tot.pdf", pdf_bytes("Tệp tốt"), PDF),
        ("anh.png", PNG_1PX, "image/png"),
        ("xau.pdf", HTML_PAGE, PDF),
    )

    assert r.status_code == 415
    assert "xau.pdf" in error_text_files(r.text)
    assert stored_files(settings) == []
    assert attachments_of(db, sub.id) == []


def test_refused_upload_by_htmx_answers_the_files_fragment_with_415(
    draft: tuple[WebClient, Submission], db: Session, settings: Settings
) -> None:
    dept, sub = draft

    r = upload(dept, sub.id, ("bao-cao.pdf", HTML_PAGE, PDF), headers=HTMX)

    assert r.status_code == 415
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<section class="panel" id="files">')
    assert "bao-cao.pdf" in error_text_files(r.text)
    assert stored_files(settings) == []


def test_upload_by_htmx_answers_the_files_fragment_with_the_new_file(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft

    r = upload(dept, sub.id, ("moi.pdf", pdf_bytes(), PDF), headers=HTMX)

    assert r.status_code == 200
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<section class="panel" id="files">')
    (att,) = attachments_of(db, sub.id)
    assert f'href="/submissions/{sub.id}/files/{att.id}"' in r.text
    assert "moi.pdf" in r.text


def raw_multipart(token: str, parts: list[tuple[str, bytes]], *, close: bool = True) -> bytes:
    """A multipart body built by hand (names exactly as given, bytes and all)."""
    body = b"--XYZ\r\n" + b'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
    body += token.encode() + b"\r\n"
    for filename, content in parts:
        body += b"--XYZ\r\n"
        body += b'Content-Disposition: form-data; name="files"; filename="'
        body += filename.encode() + b'"\r\n'
        body += b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n"
    if close:
        body += b"--XYZ--\r\n"
    return body


@pytest.mark.parametrize("cut", [0, 200], ids=["no-closing-boundary", "cut-inside-the-file"])
def test_a_truncated_upload_is_refused_and_nothing_is_kept(
    draft: tuple[WebClient, Submission], db: Session, settings: Settings, cut: int
) -> None:
    dept, sub = draft
    token = dept.csrf()
    body = raw_multipart(token, [("cat-ngang.pdf", pdf_bytes())], close=False)
    body = body[: len(body) - cut]  # the connection dropped before the end

    r = dept.client.post(
        f"/submissions/{sub.id}/attachments",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=XYZ", "x-csrf-token": token},
    )

    assert 400 <= r.status_code < 500, r.status_code
    assert stored_files(settings) == []
    assert attachments_of(db, sub.id) == []


def test_a_batch_cut_off_after_its_first_file_keeps_none_of_them(
    draft: tuple[WebClient, Submission], db: Session, settings: Settings
) -> None:
    dept, sub = draft
    token = dept.csrf()
    body = raw_multipart(
        token, [("tron-ven.pdf", pdf_bytes("Tệp 1")), ("cat-ngang.pdf", pdf_bytes())], close=False
    )
    body = body[: len(body) - 200]  # the second file never arrived whole

    r = dept.client.post(
        f"/submissions/{sub.id}/attachments",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=XYZ", "x-csrf-token": token},
    )

    assert 400 <= r.status_code < 500, r.status_code
    assert stored_files(settings) == []
    assert attachments_of(db, sub.id) == []


def test_a_file_name_with_folders_and_control_characters_is_stored_cleaned(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft
    token = dept.csrf()
    body = raw_multipart(token, [("../../etc/\x07passwd.pdf", pdf_bytes())])

    r = dept.client.post(
        f"/submissions/{sub.id}/attachments",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=XYZ"},
    )

    assert r.status_code == 303, r.text
    (att,) = attachments_of(db, sub.id)
    assert att.filename == "passwd.pdf"
    page = dept.get(f"/submissions/{sub.id}/edit").text
    link = re.search(rf'<a href="/submissions/{sub.id}/files/{att.id}" download>(.*?)</a>', page)
    assert link is not None and link.group(1) == "passwd.pdf"
    assert ".." not in link.group(1) and "\x07" not in page
    download = dept.get(f"/submissions/{sub.id}/files/{att.id}")
    assert 'filename="passwd.pdf"' in download.headers["content-disposition"]


def test_a_very_long_file_name_is_shown_shortened_with_its_extension(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft
    long_name = "b" * 296 + ".pdf"

    assert upload(dept, sub.id, (long_name, pdf_bytes(), PDF)).status_code == 303

    (att,) = attachments_of(db, sub.id)
    assert att.filename.endswith(".pdf")
    assert len(att.filename) <= 120
    assert att.filename.startswith("bbbb")
    page = dept.get(f"/submissions/{sub.id}/edit").text
    assert f">{att.filename}</a>" in page
    assert long_name not in page


def test_removing_a_file_takes_it_off_the_draft(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft
    assert upload(dept, sub.id, ("bo.pdf", pdf_bytes(), PDF)).status_code == 303
    (att,) = attachments_of(db, sub.id)

    r = dept.post(f"/submissions/{sub.id}/files/{att.id}/remove")

    assert r.status_code == 303
    (att,) = attachments_of(db, sub.id)
    assert att.removed_at is not None
    assert f"/files/{att.id}" not in dept.get(f"/submissions/{sub.id}/edit").text


# --- Downloads -----------------------------------------------------------------------------------


def test_download_sends_the_same_bytes_as_an_attachment_that_is_never_sniffed(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    dept, sub = draft
    pdf = pdf_bytes("Tải xuống")
    assert upload(dept, sub.id, ("Báo cáo đầy đủ.pdf", pdf, PDF)).status_code == 303
    (att,) = attachments_of(db, sub.id)

    r = dept.get(f"/submissions/{sub.id}/files/{att.id}")

    assert r.status_code == 200
    assert r.content == pdf
    assert r.headers["content-type"].startswith(PDF)
    assert r.headers["content-disposition"].startswith("attachment")
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in r.headers["content-disposition"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in r.headers["content-security-policy"]


def test_an_attachment_of_another_submission_is_not_found_under_this_submission(
    world: World, db: Session, new_web: NewWeb
) -> None:
    office = browser(new_web, db, Role.PRESS_OFFICE)
    assert office.get(f"/submissions/{world.sub_b.id}/files/{world.att_b.id}").status_code == 200

    r = office.get(f"/submissions/{world.sub_a.id}/files/{world.att_b.id}")

    assert r.status_code == 404
    assert r.content != pdf_bytes("B")


# --- Who may see what ----------------------------------------------------------------------------

SUBMISSION_ROUTES = [
    ("GET", "/submissions/{sub}"),
    ("GET", "/submissions/{sub}/edit"),
    ("POST", "/submissions/{sub}/edit"),
    ("POST", "/submissions/{sub}/attachments"),
    ("GET", "/submissions/{sub}/files/{att}"),
    ("POST", "/submissions/{sub}/files/{att}/remove"),
    ("POST", "/submissions/{sub}/actions/withdraw"),
    ("POST", "/dept/calls/{call_a_only}/start"),
]
ROUTE_IDS = [f"{m} {p}" for m, p in SUBMISSION_ROUTES]


def send(web: WebClient, w: World, method: str, pattern: str) -> Any:
    """Send the route's request against department A's work, as a real form would."""
    url = pattern.format(sub=w.sub_a.id, att=w.att_a.id, call_a_only=w.call_a_only.id)
    if method == "GET":
        return web.get(url)
    if url.endswith("/attachments"):
        return upload(web, w.sub_a.id, ("cua-b.pdf", pdf_bytes("B"), PDF))
    if url.endswith("/edit"):
        return web.post(url, content_form(w.sub_a.revision, "submit", title="Sửa trộm"))
    return web.post(url, {"revision": str(w.sub_a.revision)})


def state_of_a(db: Session, w: World, settings: Settings) -> dict[str, Any]:
    db.expire_all()
    sub = db.get(Submission, w.sub_a.id)
    assert sub is not None
    return {
        "submission": (
            sub.status,
            sub.title,
            sub.talking_points,
            sub.revision,
            sub.versions,
            sub.updated_at,
        ),
        "files": [(a.id, a.filename, a.removed_at) for a in attachments_of(db, w.sub_a.id)],
        "submissions": db.exec(select(func.count()).select_from(Submission)).one(),
        "audit": audit_count(db),
        "stored": stored_files(settings),
    }


@pytest.mark.parametrize(("method", "pattern"), SUBMISSION_ROUTES, ids=ROUTE_IDS)
def test_another_department_gets_not_found_and_changes_nothing(
    world: World, db: Session, settings: Settings, method: str, pattern: str
) -> None:
    before = state_of_a(db, world, settings)

    r = send(world.dept_b, world, method, pattern)

    assert r.status_code == 404, r.text
    assert "Nội dung của Sở Tài chính" not in r.text
    assert r.content != pdf_bytes("A")
    assert state_of_a(db, world, settings) == before


@pytest.mark.parametrize(("method", "pattern"), SUBMISSION_ROUTES, ids=ROUTE_IDS)
def test_the_department_itself_reaches_every_route(
    world: World, db: Session, method: str, pattern: str
) -> None:
    """The other half of the isolation test: the same requests work for their owner."""
    r = send(world.dept_a, world, method, pattern)

    assert r.status_code in (200, 303), r.text


@pytest.mark.parametrize("role", [Role.PRESS_OFFICE, Role.SPOKESPERSON])
def test_the_office_reads_every_departments_submission_and_files(
    world: World, db: Session, new_web: NewWeb, role: Role
) -> None:
    office = browser(new_web, db, role)

    for sub, att, title, content in (
        (world.sub_a, world.att_a, "Nội dung của Sở Tài chính", pdf_bytes("A")),
        (world.sub_b, world.att_b, "Nội dung của Sở Xây dựng", pdf_bytes("B")),
    ):
        page = office.get(f"/submissions/{sub.id}")
        assert page.status_code == 200
        assert title in page_text(page.text)
        file = office.get(f"/submissions/{sub.id}/files/{att.id}")
        assert file.status_code == 200
        assert file.content == content


@pytest.mark.parametrize("role", [Role.JOURNALIST, Role.ADMIN])
@pytest.mark.parametrize(("method", "pattern"), SUBMISSION_ROUTES, ids=ROUTE_IDS)
def test_journalists_and_admins_are_refused_every_submission_route(
    world: World,
    db: Session,
    settings: Settings,
    new_web: NewWeb,
    role: Role,
    method: str,
    pattern: str,
) -> None:
    other = browser(new_web, db, role)
    before = state_of_a(db, world, settings)

    r = send(other, world, method, pattern)

    assert r.status_code == 403, r.text
    assert state_of_a(db, world, settings) == before


@pytest.mark.parametrize(("method", "pattern"), SUBMISSION_ROUTES, ids=ROUTE_IDS)
def test_the_anonymous_are_sent_to_sign_in(
    world: World, db: Session, settings: Settings, new_web: NewWeb, method: str, pattern: str
) -> None:
    before = state_of_a(db, world, settings)

    r = send(new_web(), world, method, pattern)

    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")
    assert state_of_a(db, world, settings) == before


# --- The office's review -------------------------------------------------------------------------


@pytest.fixture
def submitted(db: Session, new_web: NewWeb) -> tuple[WebClient, WebClient, Submission]:
    """(office, department, a submission sent to the office once)."""
    org = make_org(db)
    call = make_call(db, orgs=[org])
    sub = make_submission(
        db,
        call,
        org,
        title="Đề cương lần đầu",
        talking_points="- Dòng giữ nguyên\n- Dòng cũ",
    )
    dept = browser(new_web, db, Role.DEPARTMENT, org=org)
    revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")
    form = content_form(
        revision, "submit", title="Đề cương lần đầu", talking_points=sub.talking_points
    )
    assert dept.post(f"/submissions/{sub.id}/edit", form).status_code == 303
    office = browser(new_web, db, Role.PRESS_OFFICE)
    return office, dept, fresh(db, Submission, sub.id)


def test_returning_without_a_comment_shows_the_message_beside_the_comment(
    submitted: tuple[WebClient, WebClient, Submission], db: Session
) -> None:
    office, _, sub = submitted

    r = office.post(
        f"/submissions/{sub.id}/actions/return", {"comment": "  ", "revision": sub.revision}
    )

    assert r.status_code == 422
    assert "Nêu rõ đơn vị cần chỉnh sửa gì." in error_text(r.text, "f-comment")
    assert fresh(db, Submission, sub.id).status == S.SUBMITTED


def test_returned_submission_shows_the_office_comment_on_the_departments_form(
    submitted: tuple[WebClient, WebClient, Submission], db: Session
) -> None:
    office, dept, sub = submitted
    comment = "Bổ sung số liệu quý I để so sánh."

    r = office.post(
        f"/submissions/{sub.id}/actions/return", {"comment": comment, "revision": sub.revision}
    )

    assert r.status_code == 303
    stored = fresh(db, Submission, sub.id)
    assert (stored.status, stored.office_comment) == (S.RETURNED, comment)
    page = dept.get(f"/submissions/{sub.id}/edit")
    assert page.status_code == 200
    shown = re.search(r'<p class="prewrap return-comment">(.*?)</p>', page.text, re.S)
    assert shown is not None and shown.group(1) == comment


def test_a_department_cannot_accept_its_own_submission(
    submitted: tuple[WebClient, WebClient, Submission], db: Session
) -> None:
    _, dept, sub = submitted

    r = dept.post(f"/submissions/{sub.id}/actions/accept", {"revision": sub.revision})

    assert r.status_code == 409
    assert fresh(db, Submission, sub.id).status == S.SUBMITTED


def test_the_office_cannot_withdraw_a_departments_submission(
    submitted: tuple[WebClient, WebClient, Submission], db: Session
) -> None:
    office, _, sub = submitted

    r = office.post(f"/submissions/{sub.id}/actions/withdraw", {"revision": sub.revision})

    assert r.status_code == 409
    assert fresh(db, Submission, sub.id).status == S.SUBMITTED


@pytest.mark.parametrize("action", ["explode", "include", "submit"])
def test_an_unknown_action_is_not_found(
    submitted: tuple[WebClient, WebClient, Submission], db: Session, action: str
) -> None:
    office, _, sub = submitted

    r = office.post(f"/submissions/{sub.id}/actions/{action}", {"revision": sub.revision})

    assert r.status_code == 404
    assert fresh(db, Submission, sub.id).status == S.SUBMITTED


def test_accepting_locks_the_submission(
    submitted: tuple[WebClient, WebClient, Submission], db: Session
) -> None:
    office, dept, sub = submitted

    assert (
        office.post(f"/submissions/{sub.id}/actions/accept", {"revision": sub.revision}).status_code
        == 303
    )

    assert fresh(db, Submission, sub.id).status == S.ACCEPTED
    edit = dept.get(f"/submissions/{sub.id}/edit")
    assert edit.status_code == 303
    assert edit.headers["location"] == f"/submissions/{sub.id}"


def resubmit(
    office: WebClient, dept: WebClient, db: Session, sub: Submission, talking_points: str
) -> None:
    """The office returns the submission and the department sends a second version."""
    r = office.post(
        f"/submissions/{sub.id}/actions/return",
        {"comment": "Sửa dòng cuối.", "revision": sub.revision},
    )
    assert r.status_code == 303
    revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")
    form = content_form(revision, "submit", title="Đề cương lần đầu", talking_points=talking_points)
    assert dept.post(f"/submissions/{sub.id}/edit", form).status_code == 303
    assert fresh(db, Submission, sub.id).versions == 2


def test_the_submission_page_shows_what_changed_between_two_versions(
    submitted: tuple[WebClient, WebClient, Submission], db: Session
) -> None:
    office, dept, sub = submitted
    resubmit(office, dept, db, sub, "- Dòng giữ nguyên\n- Dòng mới")

    r = office.get(f"/submissions/{sub.id}", params={"a": 1, "b": 2})

    assert r.status_code == 200
    assert "<html" in r.text
    block = compare_block(r.text)
    assert "- Dòng mới" in diff_lines(block, "added")[0]
    assert "- Dòng cũ" in diff_lines(block, "removed")[0]
    assert all("Dòng giữ nguyên" not in line for line in diff_lines(block, "added"))
    assert all("Dòng giữ nguyên" not in line for line in diff_lines(block, "removed"))


def test_comparing_versions_by_htmx_answers_only_the_compare_fragment(
    submitted: tuple[WebClient, WebClient, Submission], db: Session
) -> None:
    office, dept, sub = submitted
    resubmit(office, dept, db, sub, "- Dòng giữ nguyên\n- Dòng mới")

    r = office.get(f"/submissions/{sub.id}", params={"a": 1, "b": 2}, headers=HTMX)

    assert r.status_code == 200
    assert "<html" not in r.text
    assert r.text.strip().startswith('<div id="compare">')
    assert r.text.strip().endswith("</div>")
    assert "Dòng mới" in " ".join(diff_lines(r.text, "added"))
    assert "Dòng cũ" in " ".join(diff_lines(r.text, "removed"))
    assert 'id="versions"' not in r.text


# --- The agenda builder --------------------------------------------------------------------------


def agenda_url(briefing_id: int, tail: str = "") -> str:
    return f"/office/briefings/{briefing_id}/agenda{tail}"


def agenda_titles(db: Session, briefing_id: int) -> list[str]:
    db.expire_all()
    return [i.title for i in briefings.agenda(db, briefing_id)]


def test_office_adds_a_typed_item_to_the_agenda(office: WebClient, db: Session) -> None:
    briefing = make_briefing(db)
    assert office.get(agenda_url(briefing.id or 0)).status_code == 200

    r = office.post(
        agenda_url(briefing.id or 0),
        {"title": "Khai mạc", "presenter": "Người phát ngôn", "minutes": "10"},
    )

    assert r.status_code == 303
    assert r.headers["location"] == agenda_url(briefing.id or 0)
    (item,) = briefings.agenda(db, briefing.id or 0)
    assert (item.title, item.presenter, item.minutes, item.submission_id) == (
        "Khai mạc",
        "Người phát ngôn",
        10,
        None,
    )
    page = office.get(agenda_url(briefing.id or 0)).text
    assert value_of(page, f"f-title-{item.id}") == "Khai mạc"


def test_adding_accepted_content_includes_it_with_the_organisation_as_presenter(
    office: WebClient, db: Session
) -> None:
    org = make_org(db, name_vi="Sở Giao thông Vận tải thử")
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, title="Cầu Cửa Lục 3", status=S.ACCEPTED, versions=1)
    page = office.get(agenda_url(call.briefing_id)).text
    assert f'name="submission_id" value="{sub.id}"' in page

    r = office.post(agenda_url(call.briefing_id), {"submission_id": str(sub.id), "minutes": ""})

    assert r.status_code == 303
    (item,) = briefings.agenda(db, call.briefing_id)
    assert (item.title, item.presenter, item.submission_id) == (
        "Cầu Cửa Lục 3",
        "Sở Giao thông Vận tải thử",
        sub.id,
    )
    assert fresh(db, Submission, sub.id).status == S.INCLUDED
    page = office.get(agenda_url(call.briefing_id)).text
    assert f'name="submission_id" value="{sub.id}"' not in page  # no longer waiting


def test_content_not_yet_accepted_cannot_be_added_to_the_agenda(
    office: WebClient, db: Session
) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, status=S.SUBMITTED, versions=1)

    r = office.post(agenda_url(call.briefing_id), {"submission_id": str(sub.id)})

    assert r.status_code == 409
    assert agenda_titles(db, call.briefing_id) == []
    assert fresh(db, Submission, sub.id).status == S.SUBMITTED


def test_content_of_another_briefing_cannot_be_added_to_this_agenda(
    office: WebClient, db: Session
) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, status=S.ACCEPTED, versions=1)
    elsewhere = make_briefing(db)

    r = office.post(agenda_url(elsewhere.id or 0), {"submission_id": str(sub.id)})

    assert r.status_code == 404
    assert agenda_titles(db, elsewhere.id or 0) == []
    assert fresh(db, Submission, sub.id).status == S.ACCEPTED


@pytest.mark.parametrize("minutes", ["abc", "0", "601"])
def test_invalid_minutes_are_refused_beside_the_minutes(
    office: WebClient, db: Session, minutes: str
) -> None:
    briefing = make_briefing(db)

    r = office.post(
        agenda_url(briefing.id or 0),
        {"title": "Hỏi đáp", "presenter": "", "minutes": minutes},
    )

    assert r.status_code == 422
    assert "Nhập số phút là số nguyên từ 1 đến 600." in error_text(r.text, "f-minutes")
    assert value_of(r.text, "f-title") == "Hỏi đáp"
    assert agenda_titles(db, briefing.id or 0) == []


@pytest.fixture
def three_items(db: Session) -> tuple[Briefing, list[AgendaItem]]:
    briefing = make_briefing(db)
    items = [
        agenda.add(db, actor=ACTOR, briefing_id=briefing.id or 0, title=t, minutes=10)
        for t in ("Một", "Hai", "Ba")
    ]
    return briefing, items


def test_moving_an_item_without_javascript_redirects_to_the_new_order(
    office: WebClient, db: Session, three_items: tuple[Briefing, list[AgendaItem]]
) -> None:
    briefing, (_, _, third) = three_items

    r = office.post(agenda_url(briefing.id or 0, f"/{third.id}/move"), {"to": "0"})

    assert r.status_code == 303
    assert r.headers["location"] == agenda_url(briefing.id or 0)
    assert agenda_titles(db, briefing.id or 0) == ["Ba", "Một", "Hai"]
    page = office.get(agenda_url(briefing.id or 0)).text
    shown = re.findall(r'data-item="(\d+)"', page)
    assert shown[0] == str(third.id)


def test_moving_an_item_by_htmx_answers_the_agenda_fragment(
    office: WebClient, db: Session, three_items: tuple[Briefing, list[AgendaItem]]
) -> None:
    briefing, (first, second, third) = three_items

    r = office.post(agenda_url(briefing.id or 0, f"/{first.id}/move"), {"to": "2"}, headers=HTMX)

    assert r.status_code == 200
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<div id="agenda"')
    assert re.findall(r'data-item="(\d+)"', r.text) == [
        str(second.id),
        str(third.id),
        str(first.id),
    ]
    assert agenda_titles(db, briefing.id or 0) == ["Hai", "Ba", "Một"]


def test_removing_an_item_from_content_puts_the_content_back_to_accepted(
    office: WebClient, db: Session
) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, status=S.ACCEPTED, versions=1)
    assert (
        office.post(agenda_url(call.briefing_id), {"submission_id": str(sub.id)}).status_code == 303
    )
    (item,) = briefings.agenda(db, call.briefing_id)
    assert fresh(db, Submission, sub.id).status == S.INCLUDED

    r = office.post(agenda_url(call.briefing_id, f"/{item.id}/remove"))

    assert r.status_code == 303
    assert agenda_titles(db, call.briefing_id) == []
    assert fresh(db, Submission, sub.id).status == S.ACCEPTED
    page = office.get(agenda_url(call.briefing_id)).text
    assert f'name="submission_id" value="{sub.id}"' in page  # waiting again


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JOURNALIST])
def test_departments_and_journalists_are_refused_every_agenda_route(
    db: Session, new_web: NewWeb, role: Role
) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, status=S.ACCEPTED, versions=1)
    bid = call.briefing_id
    item = agenda.add(db, actor=ACTOR, briefing_id=bid, title="Khai mạc", minutes=5)
    other = agenda.add(db, actor=ACTOR, briefing_id=bid, title="Bế mạc", minutes=5)
    visitor = browser(new_web, db, role, **({"org": org} if role == Role.DEPARTMENT else {}))

    answers = [
        visitor.get(agenda_url(bid)),
        visitor.post(agenda_url(bid), {"title": "Chen ngang", "minutes": "5"}),
        visitor.post(agenda_url(bid), {"submission_id": str(sub.id)}),
        visitor.post(agenda_url(bid, f"/{item.id}"), {"title": "Đổi tên", "minutes": "5"}),
        visitor.post(agenda_url(bid, f"/{other.id}/move"), {"to": "0"}),
        visitor.post(agenda_url(bid, f"/{item.id}/remove")),
    ]

    assert [a.status_code for a in answers] == [403] * 6
    assert agenda_titles(db, bid) == ["Khai mạc", "Bế mạc"]
    assert fresh(db, Submission, sub.id).status == S.ACCEPTED


# --- Escaping --------------------------------------------------------------------------------------


def test_script_typed_anywhere_is_never_sent_back_unescaped(db: Session, new_web: NewWeb) -> None:
    org_a = make_org(db)
    org_b = make_org(db)
    call = make_call(db, orgs=[org_a, org_b], instructions=SCRIPT)
    sub = make_submission(db, call, org_a, title="", talking_points="", contact_name="")
    dept = browser(new_web, db, Role.DEPARTMENT, org=org_a)
    office = browser(new_web, db, Role.PRESS_OFFICE)
    revision = hidden(dept.get(f"/submissions/{sub.id}/edit").text, "revision")
    form = content_form(
        revision,
        "submit",
        title=SCRIPT,
        summary=SCRIPT,
        talking_points=f"- {SCRIPT}\n\n{SCRIPT}",
        key_figures=SCRIPT,
        qa_question=[SCRIPT],
        qa_answer=[SCRIPT],
        contact_name=SCRIPT,
        contact_phone=SCRIPT,
        contact_email=f"a@b.vn{SCRIPT}",
    )
    assert dept.post(f"/submissions/{sub.id}/edit", form).status_code == 303
    assert fresh(db, Submission, sub.id).title == SCRIPT
    # Back to the department with a comment containing the script too, so the form shows again.
    assert (
        office.post(
            f"/submissions/{sub.id}/actions/return",
            {"comment": SCRIPT, "revision": fresh(db, Submission, sub.id).revision},
        ).status_code
        == 303
    )
    assert upload(dept, sub.id, (f"{SCRIPT}.pdf", pdf_bytes(), PDF)).status_code == 303
    # A file row named with the raw script (as if stored by another path): the templates escape.
    (uploaded,) = attachments_of(db, sub.id)
    db.add(
        Attachment(
            submission_id=sub.id or 0,
            filename=f"{SCRIPT}.pdf",
            stored_name="0" * 32,
            content_type=PDF,
            size=1,
            sha256="0" * 64,
        )
    )
    # Another organisation's accepted content with the script, waiting for the agenda.
    make_submission(db, call, org_b, title=SCRIPT, status=S.ACCEPTED, versions=1)
    agenda.add(db, actor=ACTOR, briefing_id=call.briefing_id, title=SCRIPT, presenter=SCRIPT)

    pages = {
        "submission (department)": dept.get(f"/submissions/{sub.id}"),
        "submission (office)": office.get(f"/submissions/{sub.id}"),
        "edit": dept.get(f"/submissions/{sub.id}/edit"),
        "board": office.get(f"/office/briefings/{call.briefing_id}/content"),
        "agenda": office.get(agenda_url(call.briefing_id)),
        "calls": dept.get("/dept/calls"),
    }

    for name, r in pages.items():
        assert r.status_code == 200, name
        assert "<script>alert(1)" not in r.text, name
    assert "&lt;script&gt;alert(1)" in pages["submission (office)"].text
    assert "&lt;script&gt;alert(1)" in pages["board"].text
    assert "&lt;script&gt;alert(1)" in pages["agenda"].text
    assert value_of(pages["edit"].text, "f-title") == SCRIPT
    assert value_of(pages["edit"].text, "qa-a-1") == SCRIPT
    assert "<" not in uploaded.filename and ">" not in uploaded.filename


# --- Every button offered works ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PRESS_OFFICE, S.SUBMITTED),
        (Role.SPOKESPERSON, S.ACCEPTED),
        (Role.PRESS_OFFICE, S.INCLUDED),
        (Role.DEPARTMENT, S.DRAFT),
        (Role.DEPARTMENT, S.SUBMITTED),
        (Role.DEPARTMENT, S.RETURNED),
        (Role.DEPARTMENT, S.WITHDRAWN),
        (Role.DEPARTMENT, S.ACCEPTED),
    ],
)
def test_every_action_button_on_the_submission_page_does_what_it_says(
    new_web: NewWeb, db: Session, role: Role, status: SubmissionStatus
) -> None:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, status=status, versions=1)
    person = (
        browser(new_web, db, role, org=org)
        if role == Role.DEPARTMENT
        else browser(new_web, db, role)
    )
    page = person.get(f"/submissions/{sub.id}").text
    actions = re.findall(rf'action="/submissions/{sub.id}/actions/(\w+)"', page)
    for action in actions:
        db.expire_all()
        current = db.get(Submission, sub.id)
        assert current is not None
        r = person.post(
            f"/submissions/{sub.id}/actions/{action}",
            {"comment": "Bổ sung số liệu.", "revision": str(current.revision)},
        )
        assert r.status_code == 303, (action, r.status_code)
        db.expire_all()
        current = db.get(Submission, sub.id)
        assert current is not None and current.status != status, action
        # Put it back for the next button of the same page.
        current.status = status
        db.add(current)
        db.commit()
    if status == S.INCLUDED:
        assert actions == []  # taken off the agenda from the agenda page, not here


# --- One form: the text and the files chosen with it ---------------------------------------------


def test_text_and_files_are_submitted_with_one_press_and_the_version_lists_the_file(
    small: Small,
) -> None:
    form = {
        "csrf_token": small.web.csrf(),
        "revision": str(small.sub.revision),
        "title": "Tiến độ dự án đường bao biển",
        "talking_points": "- Đạt 70% khối lượng",
        "contact_name": "Cán bộ đầu mối",
        "intent": "submit",
    }
    r = small.web.client.post(
        f"/submissions/{small.sub.id}/edit",
        data=form,
        files=[("files", ("Báo cáo tiến độ.pdf", pdf_bytes("tiến độ")[:4000], "application/pdf"))],
    )
    assert r.status_code == 303, r.text
    small.db.expire_all()
    sub = small.db.get(Submission, small.sub.id)
    assert sub is not None and sub.status == S.SUBMITTED
    assert [a.filename for a in attachments_of(small.db, sub.id)] == ["Báo cáo tiến độ.pdf"]
    (version,) = small.db.exec(
        select(SubmissionVersion).where(SubmissionVersion.submission_id == sub.id)
    ).all()
    assert "Báo cáo tiến độ.pdf" in str(version.content)  # the version lists the file sent


@pytest.mark.parametrize(
    ("file", "status"),
    [
        (("lon.pdf", b"%PDF-1.4\n" + b"0" * 8000, "application/pdf"), 413),
        (("baocao.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf"), 415),
    ],
    ids=["too-large", "disguised"],
)
def test_a_refused_file_gives_the_typed_text_back_and_keeps_nothing(
    small: Small, file: tuple[str, bytes, str], status: int
) -> None:
    typed = "Nội dung dài đã gõ, không được mất"
    form = {
        "csrf_token": small.web.csrf(),
        "revision": str(small.sub.revision),
        "title": typed,
        "talking_points": "- Điểm mới",
        "contact_name": "Cán bộ đầu mối",
        "intent": "save",
    }
    r = small.web.client.post(
        f"/submissions/{small.sub.id}/edit", data=form, files=[("files", file)]
    )
    assert r.status_code == status
    assert f'value="{typed}"' in r.text
    assert "choose the files again" in r.text or "chọn lại tệp" in r.text
    assert attachments_of(small.db, small.sub.id) == []
    assert stored_files(small.settings) == []
    small.db.expire_all()
    assert small.db.get(Submission, small.sub.id).title != typed  # type: ignore[union-attr]


def test_the_form_takes_a_file_larger_than_an_ordinary_request(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    """MAX_REQUEST_BYTES (1 MB) bounds ordinary forms; a form that carries files takes files of
    up to UPLOAD_MAX_BYTES like the attachment routes."""
    web, sub = draft
    big = pdf_bytes("báo cáo") + b"%" + b"0" * (1_500_000)
    r = web.client.post(
        f"/submissions/{sub.id}/edit",
        data={
            "csrf_token": web.csrf(),
            "revision": str(sub.revision),
            "title": "Báo cáo dài",
            "talking_points": "- Xem tệp",
            "contact_name": "Cán bộ đầu mối",
            "intent": "save",
        },
        files=[("files", ("Báo cáo dài.pdf", big, "application/pdf"))],
    )
    assert r.status_code == 303, r.text[:300]
    assert [a.size for a in attachments_of(db, sub.id)] == [len(big)]


def test_after_sending_the_page_says_it_was_sent_before_offering_to_withdraw(
    draft: tuple[WebClient, Submission], db: Session
) -> None:
    web, sub = draft
    form = {
        "revision": str(sub.revision),
        "title": "Kết quả thu ngân sách",
        "talking_points": "- Đạt 30% dự toán",
        "contact_name": "Cán bộ đầu mối",
        "intent": "submit",
    }
    assert web.post(f"/submissions/{sub.id}/edit", form).status_code == 303
    page = web.get(f"/submissions/{sub.id}").text
    sent = page.find("Đã gửi bộ phận giúp việc người phát ngôn lúc")
    withdraw = page.find('id="action-withdraw"')
    assert 0 < sent < withdraw  # the first box says it was sent, the offer to withdraw comes after
    assert "Rút lại nội dung?" in page
