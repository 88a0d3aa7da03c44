"""The office's statement pages as people use them (HTML over HTTP): who may use them, the list,
drafting (the spokesperson select follows the register, errors beside the fields, escaping),
the workflow steps and their refusals (403 for approving one's own edition, 409 for a stale
form, 422 for a time in the past), new editions with change notes, translations marked outdated,
files (all or nothing), withdrawal and the audit trail.

Every test runs on SQLite and on PostgreSQL. Pages are read in English (the message ids).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.statements import service
from app.statements.models import (
    ChangeKind,
    Compliance,
    Edition,
    EditionFile,
    EditionState,
    EditionTranslation,
    Statement,
    StatementFile,
    StatementKind,
    StatementQuestion,
)
from app.timeutil import LOCAL_TZ, local_today, to_local, utcnow
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, PNG_1PX, make_org, make_user
from tests.statements.helpers import SYSTEM, World, make_spokesperson
from tests.support import html

NewWeb = Callable[[], WebClient]
SCRIPT = "<script>alert(1)</script>"
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


# --- Helpers ---------------------------------------------------------------------------------


def text_of(html: str) -> str:
    return htmllib.unescape(page_text(html))


def signed_in(new_web: NewWeb, user: User) -> WebClient:
    web = new_web()
    web.client.cookies.set("pd_lang", "en")
    assert web.login(user.email, PASSWORD).status_code == 303
    return web


def form_of(html: str, action: str) -> str:
    found = re.search(
        rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S
    )
    assert found is not None, f"no form posting to {action}"
    return found.group(1)


def hidden_in(html: str, action: str, name: str = "revision") -> str:
    found = re.search(
        rf'<input type="hidden" name="{name}" value="([^"]*)">', form_of(html, action)
    )
    assert found is not None, name
    return found.group(1)


def value_of(html: str, element_id: str) -> str:
    found = re.search(rf'<textarea[^>]*\bid="{element_id}"[^>]*>(.*?)</textarea>', html, re.S)
    if found:
        return htmllib.unescape(found.group(1))
    opening = re.search(rf'<input[^>]*\bid="{element_id}"[^>]*>', html)
    assert opening is not None, element_id
    value = re.search(r'\bvalue="([^"]*)"', opening.group(0))
    return htmllib.unescape(value.group(1)) if value else ""


def error_text(html: str, element_id: str) -> str:
    found = re.search(rf'<p class="error-text" id="{element_id}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no error beside {element_id}"
    return text_of(found.group(1)).replace("Error:", "").strip()


def options(html: str, element_id: str) -> list[str]:
    block = re.search(rf'<select[^>]*\bid="{element_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block is not None, element_id
    return [v for v in re.findall(r'<option value="([^"]*)"', block.group(1)) if v]


def audit_count(db: Session, action: str) -> int:
    db.expire_all()
    return db.exec(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    ).one()


def editions_of(db: Session, statement_id: int | None) -> list[Edition]:
    db.expire_all()
    return list(
        db.exec(
            select(Edition)
            .where(Edition.statement_id == statement_id)
            .order_by(col(Edition.number))
        ).all()
    )


def count(db: Session, model: Any) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


def local_at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=LOCAL_TZ).astimezone(UTC)


def new_form(w: World, **over: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "kind": "press_release",
        "organisation_id": str(w.org.id),
        "spokesperson_id": str(w.person.id),
        "title": "Thông cáo về lễ hội Carnaval Hạ Long",
        "summary": "Lịch tổ chức lễ hội.",
        "body": "Lễ hội diễn ra **ngày 30/4**.",
    }
    form.update(over)
    return form


def upload(web: WebClient, url: str, *files: tuple[str, bytes, str]) -> Any:
    return web.client.post(
        url, data={"csrf_token": web.csrf()}, files=[("files", f) for f in files]
    )


class Office:
    """The world with a browser for each person: the editor, the spokesperson, and an editor
    without the right to approve."""

    def __init__(self, db: Session, new_web: NewWeb) -> None:
        self.w = World(db)
        self.editor = signed_in(new_web, self.w.editor_user)
        self.spokesperson = signed_in(new_web, self.w.spokesperson_user)
        self.approver = signed_in(new_web, self.w.approver_user)
        self.other_editor = signed_in(new_web, make_user(db, Role.PRESS_OFFICE))


@pytest.fixture
def o(db: Session, new_web: NewWeb) -> Office:
    return Office(db, new_web)


def submitted(o: Office) -> Statement:
    st = o.w.draft()
    service.submit(o.w.db, actor=o.w.editor, statement_id=st.id or 0)
    return st


def approved(o: Office) -> Statement:
    st = submitted(o)
    service.approve(o.w.db, actor=o.w.spokesperson, statement_id=st.id or 0)
    return st


# --- Who may use the pages -----------------------------------------------------------------------


def test_only_the_office_may_use_the_statement_pages(
    o: Office, db: Session, new_web: NewWeb
) -> None:
    st = o.w.draft()
    sid = st.id
    department = signed_in(new_web, make_user(db, Role.DEPARTMENT))
    journalist = signed_in(new_web, make_user(db, Role.JOURNALIST))
    anonymous = new_web()
    pages = [
        "/office/statements",
        "/office/statements/new",
        f"/office/statements/{sid}",
        f"/office/statements/{sid}/edit",
        f"/office/statements/{sid}/translations/en",
    ]
    for url in pages:
        assert o.editor.get(url).status_code == 200, url
        assert o.spokesperson.get(url).status_code == 200, url
        assert department.get(url).status_code == 403, url
        assert journalist.get(url).status_code == 403, url
        r = anonymous.get(url)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), url
    for web in (department, journalist):
        assert web.post(f"/office/statements/{sid}/submit").status_code == 403
        assert web.post("/office/statements/new", new_form(o.w)).status_code == 403
    r = anonymous.post(f"/office/statements/{sid}/submit")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert editions_of(db, sid)[0].state == EditionState.DRAFT
    assert count(db, Statement) == 1


def test_a_form_without_the_csrf_token_is_refused(o: Office, db: Session) -> None:
    st = o.w.draft()
    r = o.editor.post(f"/office/statements/{st.id}/submit", {}, csrf=False)
    assert r.status_code == 403
    assert editions_of(db, st.id)[0].state == EditionState.DRAFT
    r = o.editor.get(f"/office/statements/{st.id}")
    assert 'name="csrf_token"' in form_of(r.text, f"/office/statements/{st.id}/submit")


# --- The list ------------------------------------------------------------------------------------


def test_list_shows_fifty_statements_a_page_the_last_changed_first_with_their_latest_edition(
    o: Office, db: Session
) -> None:
    corrected = o.w.issued(title="Thông cáo gốc")
    o.w.correct(corrected, title="Thông cáo đã đính chính")
    drafts = [o.w.draft(title=f"Dự thảo số {n}") for n in range(1, 56)]

    r = o.editor.get("/office/statements")
    ids = [int(i) for i in re.findall(r'<tr class="statement-row" data-id="(\d+)">', r.text)]
    assert ids == [d.id for d in reversed(drafts)][:50]
    assert "56 statements" in text_of(r.text) and "Page 1 of 2" in text_of(r.text)
    second = o.editor.get("/office/statements?page=2")
    ids = [int(i) for i in re.findall(r'<tr class="statement-row" data-id="(\d+)">', second.text)]
    assert ids == [*[d.id for d in reversed(drafts)][50:], corrected.id]
    row = text_of(re.search(rf'data-id="{corrected.id}">(.*?)</tr>', second.text, re.S).group(1))  # type: ignore[union-attr]
    assert "Thông cáo đã đính chính" in row and "(edition 2)" in row and "Thông cáo gốc" not in row


def test_list_shows_number_kind_title_state_schedule_and_withdrawal(o: Office, db: Session) -> None:
    published = o.w.issued(title="Thông cáo đã công bố")
    at = datetime.combine(local_today() + timedelta(days=2), time(9, 15), tzinfo=LOCAL_TZ)
    scheduled = o.w.issued(title="Thông cáo chờ giờ", at=at.astimezone(UTC))
    gone = o.w.issued(title="Thông cáo đã rút")
    service.withdraw(db, actor=o.w.spokesperson, statement_id=gone.id or 0, reason="Nhầm số liệu")
    o.w.draft(title="Bản nháp mới", kind=StatementKind.OFFICIAL_STATEMENT)

    r = o.editor.get("/office/statements")
    assert r.status_code == 200
    page = text_of(r.text)
    assert "4 statements" in page
    row = text_of(re.search(rf'data-id="{published.id}">(.*?)</tr>', r.text, re.S).group(1))  # type: ignore[union-attr]
    assert "1/TCBC-UBND" in row and "Thông cáo đã công bố" in row and "Published" in row
    assert "Press release" in row
    row = text_of(re.search(rf'data-id="{scheduled.id}">(.*?)</tr>', r.text, re.S).group(1))  # type: ignore[union-attr]
    assert "Scheduled" in row and at.strftime("%d/%m/%Y 09:15") in row
    assert "Number given at publication" in row and "/TCBC-UBND" not in row  # no gap to betray it
    row = text_of(re.search(rf'data-id="{gone.id}">(.*?)</tr>', r.text, re.S).group(1))  # type: ignore[union-attr]
    assert "Withdrawn" in row
    assert "Bản nháp mới" in page and "Official statement" in page
    assert "2/TCBC-UBND" in page  # the statement issued after the embargoed one
    assert 'href="/office/statements/new"' in r.text


# --- Drafting ------------------------------------------------------------------------------------


def test_spokesperson_select_offers_only_people_valid_for_the_organisation_today(
    o: Office, db: Session
) -> None:
    w = o.w
    yesterday = local_today() - timedelta(days=1)
    ended = make_spokesperson(db, w.org, full_name="Người đã thôi", valid_to=yesterday)
    authorised = make_spokesperson(
        db, w.org, full_name="Người được ủy quyền", role="authorised", valid_to=local_today()
    )
    dept = make_org(db, kind="department", name_en="Department of Tourism")
    dept_head = make_spokesperson(db, dept, role="head", full_name="Giám đốc Sở Du lịch")

    r = o.editor.get("/office/statements/new")
    assert r.status_code == 200
    offered = options(r.text, "f-spokesperson_id")
    assert str(w.person.id) in offered and str(authorised.id) in offered
    assert str(ended.id) not in offered and str(dept_head.id) not in offered

    # With JavaScript: the organisation changes, only the select comes back.
    form = new_form(w, organisation_id=str(dept.id), intent="refresh", title=SCRIPT)
    r = o.editor.post("/office/statements/new", form, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text and 'id="spokesperson-field"' in r.text
    assert options(r.text, "f-spokesperson_id") == [str(dept_head.id)]
    # Without it: the "refresh the choices" button gives the whole form back, text kept.
    r = o.editor.post("/office/statements/new", form)
    assert r.status_code == 200 and "<html" in r.text
    assert options(r.text, "f-spokesperson_id") == [str(dept_head.id)]
    assert value_of(r.text, "f-title") == SCRIPT
    assert count(db, Statement) == 0


def test_someone_whose_period_ended_is_refused_beside_the_field(o: Office, db: Session) -> None:
    ended = make_spokesperson(
        db, o.w.org, full_name="Người đã thôi", valid_to=local_today() - timedelta(days=1)
    )
    r = o.editor.post("/office/statements/new", new_form(o.w, spokesperson_id=str(ended.id)))
    assert r.status_code == 422
    assert "Choose someone in the register" in error_text(r.text, "f-spokesperson_id")
    assert count(db, Statement) == 0


def test_drafting_errors_are_beside_the_fields_with_everything_typed_kept_and_escaped(
    o: Office, db: Session
) -> None:
    form = new_form(
        o.w,
        kind="",
        title=SCRIPT,
        summary=SCRIPT,
        body="",
        article_url="javascript:alert(1)",
        question_ids="12, abc",
    )
    r = o.editor.post("/office/statements/new", form)
    assert r.status_code == 422
    assert "Enter question numbers separated by commas" in error_text(r.text, "f-question_ids")
    form["question_ids"] = ""
    r = o.editor.post("/office/statements/new", form)
    assert r.status_code == 422
    assert error_text(r.text, "f-kind") == "Choose the kind of statement."
    assert error_text(r.text, "f-body") == "Write the text of the statement."
    assert "https://" in error_text(r.text, "f-article_url")
    assert value_of(r.text, "f-title") == SCRIPT and value_of(r.text, "f-summary") == SCRIPT
    assert "&lt;script&gt;" in r.text and "<script>alert" not in r.text
    assert count(db, Statement) == 0


def test_questions_and_organisations_must_exist(o: Office, db: Session) -> None:
    r = o.editor.post("/office/statements/new", new_form(o.w, question_ids="#999"))
    assert r.status_code == 422
    assert "999" in error_text(r.text, "f-question_ids")
    r = o.editor.client.post(
        "/office/statements/new",
        data={**new_form(o.w), "related_org_ids": ["424242"], "csrf_token": o.editor.csrf()},
    )
    assert r.status_code == 422
    assert error_text(r.text, "f-related_org_ids") == "Choose organisations from the list."
    assert count(db, StatementQuestion) == 0 and count(db, Statement) == 0


def test_a_new_statement_is_a_draft_with_its_topics_and_is_audited(o: Office, db: Session) -> None:
    topic = service.topics(db)[2]
    dept = make_org(db, kind="department", name_en="Department of Tourism")
    r = o.editor.client.post(
        "/office/statements/new",
        data={
            **new_form(o.w, title=f"Lễ hội {SCRIPT}"),
            "topic_ids": [str(topic.id)],
            "related_org_ids": [str(dept.id)],
            "csrf_token": o.editor.csrf(),
        },
    )
    assert r.status_code == 303
    st = db.exec(select(Statement)).one()
    assert r.headers["location"] == f"/office/statements/{st.id}"
    assert service.topic_ids(db, st.id or 0) == [topic.id]
    assert service.related_org_ids(db, st.id or 0) == [dept.id]
    assert audit_count(db, "statement.created") == 1

    r = o.editor.get(f"/office/statements/{st.id}")
    page = text_of(r.text)
    assert "Draft" in page and "Number given at publication" in page and topic.name_en in page
    assert "Department of Tourism" in page
    assert "<strong>ngày 30/4</strong>" in r.text  # the Markdown, rendered
    assert "&lt;script&gt;" in r.text and "<script>alert" not in r.text
    assert f'action="/office/statements/{st.id}/submit"' in r.text
    assert f'href="/office/statements/{st.id}/edit"' in r.text
    assert f'action="/office/statements/{st.id}/approve"' not in r.text


def test_a_correction_request_names_the_agency_and_the_article(o: Office, db: Session) -> None:
    form = new_form(o.w, kind="correction_request")
    r = o.editor.post("/office/statements/new", form)
    assert r.status_code == 422
    assert "press agency" in error_text(r.text, "f-target_agency_id")
    assert error_text(r.text, "f-article_title") == "Enter the article concerned."
    agency = make_org(db, kind="press_agency", name_en="Quang Ninh Newspaper")
    form |= {
        "target_agency_id": str(agency.id),
        "article_title": "Bài viết sai sự thật",
        "article_url": "https://baoquangninh.vn/bai-viet",
    }
    r = o.editor.post("/office/statements/new", form)
    assert r.status_code == 303
    st = db.exec(select(Statement)).one()
    assert st.compliance == Compliance.PENDING
    page = text_of(o.editor.get(r.headers["location"]).text)
    assert "Quang Ninh Newspaper" in page and "Bài viết sai sự thật" in page


# --- The workflow --------------------------------------------------------------------------------


def test_submit_then_approve_by_a_second_person_then_publish(o: Office, db: Session) -> None:
    # Drafted by the editor who has the right to approve: they still may not approve it.
    st = service.create(db, actor=o.w.approver, data=o.w.input())
    base = f"/office/statements/{st.id}"
    page = o.approver.get(base).text
    r = o.approver.post(base + "/submit", {"revision": hidden_in(page, base + "/submit")})
    assert r.status_code == 303 and r.headers["location"] == base
    assert "submitted for review" in text_of(o.approver.get(base).text)

    page = o.approver.get(base).text
    r = o.approver.post(base + "/approve", {"revision": hidden_in(page, base + "/approve")})
    assert r.status_code == 403
    assert "You wrote or edited this edition: another person must approve it." in text_of(r.text)
    r = o.editor.post(base + "/approve", {"revision": hidden_in(page, base + "/approve")})
    assert r.status_code == 403
    assert "Only the spokesperson or an editor given the right" in text_of(r.text)
    assert editions_of(db, st.id)[0].state == EditionState.SUBMITTED

    r = o.spokesperson.post(base + "/approve", {"revision": hidden_in(page, base + "/approve")})
    assert r.status_code == 303
    page = o.spokesperson.get(base).text
    assert "approved by" in text_of(page)
    revision = hidden_in(page, base + "/publish")
    r = o.spokesperson.post(base + "/publish", {"revision": revision})
    assert r.status_code == 200  # asked first, with the public page as it will look
    confirm = text_of(r.text)
    assert "Publish this statement now?" in confirm and "gets its number" in confirm
    assert editions_of(db, st.id)[0].title in confirm
    assert editions_of(db, st.id)[0].state == EditionState.APPROVED
    assert audit_count(db, "statement.published") == 0
    r = o.spokesperson.post(base + "/publish", {"revision": revision, "confirm": "1"})
    assert r.status_code == 303
    page = o.spokesperson.get(base).text
    assert "The statement has been published." in text_of(page)
    assert "1/TCBC-UBND" in text_of(page) and "Public now: edition 1" in text_of(page)
    for action in ("submitted", "approved", "published"):
        assert audit_count(db, f"statement.{action}") == 1, action


def test_publishing_asks_first_and_shows_the_public_page_in_each_language(
    o: Office, db: Session
) -> None:
    st = o.w.draft(title="Thông cáo về lễ hội Carnaval Hạ Long", body="Nội dung **chính**.")
    service.save_translation(
        db,
        actor=o.w.editor,
        statement_id=st.id or 0,
        language="en",
        title="Ha Long Carnival notice",
        summary="",
        body="The **main** text.",
    )
    service.submit(db, actor=o.w.editor, statement_id=st.id or 0)
    service.approve(db, actor=o.w.spokesperson, statement_id=st.id or 0)
    r = o.spokesperson.post(f"/office/statements/{st.id}/publish")
    assert r.status_code == 200
    previews = html(r.text).all("article.preview")
    assert [a.get("lang") for a in previews] == ["vi", "en"]
    assert "Thông cáo về lễ hội Carnaval Hạ Long" in previews[0].text_content()
    assert "<strong>main</strong>" in r.text  # rendered as the public page renders it
    assert "Ha Long Carnival notice" in previews[1].text_content()
    assert html(r.text).attrs('form.confirm-form input[name="confirm"]', "value") == ["1"]
    assert editions_of(db, st.id)[0].state == EditionState.APPROVED


def test_an_editor_given_the_right_approves_and_a_stale_page_is_409(o: Office, db: Session) -> None:
    st = submitted(o)
    base = f"/office/statements/{st.id}"
    page = o.approver.get(base).text
    stale = hidden_in(page, base + "/approve")
    # The editor changes the text while the approver reads the old one.
    service.update(db, actor=o.w.editor, statement_id=st.id or 0, data=o.w.input(title="Mới"))
    service.submit(db, actor=o.w.editor, statement_id=st.id or 0)
    r = o.approver.post(base + "/approve", {"revision": stale})
    assert r.status_code == 409
    assert "Someone else changed this while you were editing it" in text_of(r.text)
    assert editions_of(db, st.id)[0].state == EditionState.SUBMITTED
    page = o.approver.get(base).text
    r = o.approver.post(base + "/approve", {"revision": hidden_in(page, base + "/approve")})
    assert r.status_code == 303
    assert editions_of(db, st.id)[0].approved_by == o.w.approver_user.id


def test_a_step_the_state_does_not_allow_is_409_and_an_unknown_one_404(
    o: Office, db: Session
) -> None:
    st = o.w.draft()
    base = f"/office/statements/{st.id}"
    r = o.spokesperson.post(base + "/publish")
    assert r.status_code == 409
    assert "not possible in the edition's current state" in text_of(r.text)
    assert o.editor.post(base + "/explode").status_code == 404
    assert o.editor.post("/office/statements/99999/submit").status_code == 404
    assert editions_of(db, st.id)[0].state == EditionState.DRAFT


def test_return_to_draft_cancels_the_approval(o: Office, db: Session) -> None:
    st = approved(o)
    r = o.editor.post(f"/office/statements/{st.id}/return")
    assert r.status_code == 303
    ed = editions_of(db, st.id)[0]
    assert ed.state == EditionState.DRAFT and ed.approved_by is None
    assert audit_count(db, "statement.returned") == 1


def test_scheduling_in_the_past_is_refused_beside_the_time_and_nothing_changes(
    o: Office, db: Session
) -> None:
    st = approved(o)
    base = f"/office/statements/{st.id}"
    before = editions_of(db, st.id)[0]
    past = to_local(utcnow() - timedelta(hours=2))
    form = {"day": past.date().isoformat(), "time": past.strftime("%H:%M")}
    r = o.spokesperson.post(base + "/schedule", form)
    assert r.status_code == 422
    assert "choose a time in the future" in error_text(r.text, "f-schedule-publish_at")
    assert value_of(r.text, "f-schedule-day") == form["day"]
    r = o.spokesperson.post(base + "/schedule", {"day": "31/02/2026", "time": "8h"})
    assert r.status_code == 422
    assert "Enter the date and the time" in error_text(r.text, "f-schedule-publish_at")
    after = editions_of(db, st.id)[0]
    assert after.state == EditionState.APPROVED and after.publish_at is None
    assert after.revision == before.revision
    db.refresh(st)
    assert st.number is None
    assert audit_count(db, "statement.scheduled") == 0


def test_scheduling_in_the_future_shows_scheduled_in_local_time_and_can_be_cancelled(
    o: Office, db: Session
) -> None:
    st = approved(o)
    base = f"/office/statements/{st.id}"
    day = local_today() + timedelta(days=3)
    form = {"day": day.isoformat(), "time": "08:30"}
    r = o.spokesperson.post(base + "/schedule", form)
    assert r.status_code == 200
    assert f"{day.strftime('%d/%m/%Y')} 08:30" in text_of(r.text)  # when it becomes public
    assert editions_of(db, st.id)[0].state == EditionState.APPROVED
    r = o.spokesperson.post(base + "/schedule", form | {"confirm": "1"})
    assert r.status_code == 303
    ed = editions_of(db, st.id)[0]
    assert ed.state == EditionState.SCHEDULED and ed.publish_at == local_at(day, 8, 30)
    page = text_of(o.spokesperson.get(base).text)
    assert "Scheduled" in page and f"{day.strftime('%d/%m/%Y')} 08:30" in page
    assert "Not public yet." in page
    assert audit_count(db, "statement.scheduled") == 1

    page = o.spokesperson.get(base).text
    r = o.spokesperson.post(
        base + "/unschedule", {"revision": hidden_in(page, base + "/unschedule")}
    )
    assert r.status_code == 303
    ed = editions_of(db, st.id)[0]
    assert ed.state == EditionState.APPROVED and ed.publish_at is None
    assert audit_count(db, "statement.unscheduled") == 1


def test_publishing_needs_a_spokesperson_valid_on_the_day(o: Office, db: Session) -> None:
    st = approved(o)
    person = o.w.person
    person.valid_to = local_today() - timedelta(days=1)
    db.add(person)
    db.commit()
    r = o.spokesperson.post(f"/office/statements/{st.id}/publish")
    assert r.status_code == 422
    assert "may not speak for the organisation" in text_of(r.text)
    assert editions_of(db, st.id)[0].state == EditionState.APPROVED


# --- Editing and new editions --------------------------------------------------------------------


def test_editing_saves_the_draft_and_a_stale_form_is_409_with_the_text_kept(
    o: Office, db: Session
) -> None:
    st = o.w.draft()
    url = f"/office/statements/{st.id}/edit"
    page = o.editor.get(url).text
    assert value_of(page, "f-title") == st_title(db, st)
    form = new_form(o.w, title="Tiêu đề mới", revision=hidden_in(page, url))
    r = o.editor.post(url, form)
    assert r.status_code == 303
    assert editions_of(db, st.id)[0].title == "Tiêu đề mới"

    # The form of before that save is now stale.
    form["title"] = "Tiêu đề của người thứ hai"
    r = o.other_editor.post(url, form)
    assert r.status_code == 409
    assert "Someone else changed this" in text_of(r.text)
    assert value_of(r.text, "f-title") == "Tiêu đề của người thứ hai"
    assert editions_of(db, st.id)[0].title == "Tiêu đề mới"
    # Sending it again on purpose (the revision was renewed) goes through.
    form["revision"] = hidden_in(r.text, url)
    assert o.other_editor.post(url, form).status_code == 303
    assert editions_of(db, st.id)[0].title == "Tiêu đề của người thứ hai"
    assert audit_count(db, "statement.edited") == 2


def st_title(db: Session, st: Statement) -> str:
    return editions_of(db, st.id)[0].title


def test_a_published_edition_cannot_be_edited_the_page_offers_a_new_edition(
    o: Office, db: Session
) -> None:
    st = o.w.issued()
    base = f"/office/statements/{st.id}"
    r = o.editor.get(base + "/edit")
    assert r.status_code == 303 and r.headers["location"] == base
    page = o.editor.get(base).text
    assert "A published edition is never changed" in text_of(page)
    assert f'href="{base}/edit"' not in page
    assert f'action="{base}/new-edition"' in page
    r = o.editor.post(base + "/edit", new_form(o.w, title="Sửa trộm", revision="0"))
    assert r.status_code == 409
    assert "start a new edition" in text_of(r.text)
    assert value_of(r.text, "f-title") == "Sửa trộm"
    assert [e.title for e in editions_of(db, st.id)] != ["Sửa trộm"]


def test_a_new_edition_needs_a_change_note_and_stores_major_or_minor(
    o: Office, db: Session
) -> None:
    st = o.w.issued()
    base = f"/office/statements/{st.id}"
    r = o.editor.post(base + "/new-edition")
    assert r.status_code == 303 and r.headers["location"] == base + "/edit"
    assert audit_count(db, "statement.new_edition") == 1
    page = o.editor.get(base + "/edit").text
    assert 'name="change_kind"' in page and 'id="f-kind"' not in page
    form = new_form(o.w, change_kind="", change_note="", revision=hidden_in(page, base + "/edit"))
    r = o.editor.post(base + "/edit", form)
    assert r.status_code == 422
    assert "major change or a minor one" in error_text(r.text, "f-change_kind")
    assert error_text(r.text, "f-change_note") == "Describe the change for readers."
    form |= {"change_kind": "minor", "change_note": "Sửa lỗi chính tả", "title": "Đã sửa"}
    r = o.editor.post(base + "/edit", form)
    assert r.status_code == 303
    eds = editions_of(db, st.id)
    assert [e.number for e in eds] == [1, 2]
    assert eds[1].change_kind == ChangeKind.MINOR and eds[1].change_note == "Sửa lỗi chính tả"
    assert eds[1].title == "Đã sửa" and eds[0].state == EditionState.PUBLISHED
    page = text_of(o.editor.get(base).text)
    assert "Minor: Sửa lỗi chính tả" in page and "Public now: edition 1" in page


def test_discarding_a_first_edition_removes_the_statement(o: Office, db: Session) -> None:
    st = o.w.draft()
    r = o.editor.post(f"/office/statements/{st.id}/discard")
    assert r.status_code == 200 and "it is deleted entirely" in text_of(r.text)
    assert count(db, Statement) == 1  # only asked
    r = o.editor.post(f"/office/statements/{st.id}/discard", {"confirm": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/office/statements"
    assert count(db, Statement) == 0
    assert audit_count(db, "statement.discarded") == 1


# --- Translations ----------------------------------------------------------------------------------


def test_a_translation_records_its_edition_and_is_outdated_after_a_major_edition(
    o: Office, db: Session
) -> None:
    st = o.w.draft()
    base = f"/office/statements/{st.id}"
    r = o.editor.post(base + "/translations/en", {"title": "", "summary": "", "body": SCRIPT})
    assert r.status_code == 422
    assert error_text(r.text, "f-title") == "Enter the title."
    assert value_of(r.text, "f-body") == SCRIPT and "<script>alert" not in r.text
    r = o.editor.post(
        base + "/translations/en",
        {"title": "Carnival", "summary": "", "body": "The festival is on 30 April."},
    )
    assert r.status_code == 303
    db.expire_all()
    t = db.exec(select(EditionTranslation)).one()
    assert t.source_number == 1 and t.language == "en"
    assert audit_count(db, "statement.translated") == 1

    service.submit(db, actor=o.w.editor, statement_id=st.id or 0)
    service.approve(db, actor=o.w.spokesperson, statement_id=st.id or 0)
    service.publish(db, actor=o.w.spokesperson, statement_id=st.id or 0)
    o.editor.post(base + "/new-edition")  # major unless said otherwise

    def en_row() -> str:
        page = o.editor.get(base).text
        found = re.search(r'data-lang="en">(.*?)</tr>', page, re.S)
        assert found is not None
        return text_of(found.group(1))

    assert "Carnival" in en_row() and "Outdated" in en_row() and "edition 1" in en_row()
    page = o.editor.get(base + "/translations/en").text
    assert "made from edition 1" in text_of(page)
    assert value_of(page, "f-title") == "Carnival"
    r = o.editor.post(
        base + "/translations/en",
        {"title": "Carnival (updated)", "summary": "", "body": "Now on 1 May."},
    )
    assert r.status_code == 303
    assert "Outdated" not in en_row() and "edition 2" in en_row()


def test_unknown_or_disabled_languages_have_no_translation_page(o: Office, db: Session) -> None:
    st = o.w.draft()
    base = f"/office/statements/{st.id}"
    assert o.editor.get(base + "/translations/xx").status_code == 404
    assert o.editor.get(base + "/translations/vi").status_code == 404
    service.set_language_enabled(db, actor=SYSTEM, code="fr", enabled=False)
    assert o.editor.get(base + "/translations/fr").status_code == 404
    assert 'data-lang="fr"' not in o.editor.get(base).text
    r = o.editor.post(base + "/translations/fr", {"title": "x", "body": "y"})
    assert r.status_code == 404


def test_a_translation_can_be_removed_from_the_draft(o: Office, db: Session) -> None:
    st = o.w.draft()
    base = f"/office/statements/{st.id}"
    o.editor.post(base + "/translations/en", {"title": "T", "summary": "", "body": "B"})
    r = o.editor.post(base + "/translations/en/remove")
    assert r.status_code == 303
    assert count(db, EditionTranslation) == 0
    assert o.editor.post(base + "/translations/en/remove").status_code == 404


# --- Files ---------------------------------------------------------------------------------------


def test_a_disguised_file_is_415_and_nothing_is_stored(o: Office, db: Session, app: Any) -> None:
    st = o.w.draft()
    base = f"/office/statements/{st.id}"
    r = upload(
        o.editor,
        base + "/attachments",
        ("ok.pdf", PDF, "application/pdf"),
        ("bao-cao.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    )
    assert r.status_code == 415
    assert "is not a PDF file" in error_text(r.text, "f-files")
    assert count(db, StatementFile) == 0 and count(db, EditionFile) == 0
    folder: Path = app.state.settings.upload_dir
    assert not folder.exists() or list(folder.iterdir()) == []


def test_files_are_attached_listed_downloaded_and_removed(o: Office, db: Session, app: Any) -> None:
    st = o.w.draft()
    base = f"/office/statements/{st.id}"
    r = upload(
        o.editor,
        base + "/attachments",
        ("Thông cáo.pdf", PDF, "application/pdf"),
        ("ảnh.png", PNG_1PX, "image/png"),
    )
    assert r.status_code == 303
    rows = list(db.exec(select(StatementFile).order_by(col(StatementFile.id))).all())
    assert [f.filename for f in rows] == ["Thông cáo.pdf", "ảnh.png"]
    assert audit_count(db, "statement.file_added") == 2
    page = o.editor.get(base).text
    assert "Thông cáo.pdf" in text_of(page) and "ảnh.png" in text_of(page)
    r = o.editor.get(f"{base}/files/{rows[0].id}")
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["x-content-type-options"] == "nosniff"
    other = o.w.draft()
    assert o.editor.get(f"/office/statements/{other.id}/files/{rows[0].id}").status_code == 404

    removed = rows[1].stored_name
    r = o.editor.post(f"{base}/files/{rows[1].id}/remove")
    assert r.status_code == 303
    assert "ảnh.png" not in text_of(o.editor.get(base).text)
    assert count(db, StatementFile) == 1
    assert not (app.state.settings.upload_dir / removed).exists()


def test_files_of_a_published_edition_cannot_change(o: Office, db: Session) -> None:
    st = o.w.issued()
    base = f"/office/statements/{st.id}"
    assert f'action="{base}/attachments"' not in o.editor.get(base).text
    r = upload(o.editor, base + "/attachments", ("a.pdf", PDF, "application/pdf"))
    assert r.status_code == 409
    assert "start a new edition first" in text_of(r.text)
    assert count(db, StatementFile) == 0


# --- Withdrawal and compliance ---------------------------------------------------------------------


def test_withdrawing_needs_a_reason_and_is_audited(o: Office, db: Session) -> None:
    st = o.w.issued()
    base = f"/office/statements/{st.id}"
    r = o.spokesperson.post(base + "/withdraw", {"reason": "  "})
    assert r.status_code == 422
    assert "Give the reason" in error_text(r.text, "f-withdraw-reason")
    r = o.other_editor.post(base + "/withdraw", {"reason": "Sai"})
    assert r.status_code == 403
    reason = {"reason": f"Số liệu sai {SCRIPT}"}
    r = o.spokesperson.post(base + "/withdraw", reason)
    assert r.status_code == 200 and "Số liệu sai" in text_of(r.text)
    assert "<script>alert" not in r.text  # the reason, escaped on the page that asks
    db.refresh(st)
    assert st.withdrawn_at is None
    r = o.spokesperson.post(base + "/withdraw", reason | {"confirm": "1"})
    assert r.status_code == 303
    db.refresh(st)
    assert st.withdrawn_at is not None
    page = o.spokesperson.get(base).text
    assert "Withdrawn" in text_of(page) and "Số liệu sai" in text_of(page)
    assert "<script>alert" not in page
    assert f'action="{base}/new-edition"' not in page
    assert audit_count(db, "statement.withdrawn") == 1


def test_the_press_agencys_response_to_a_correction_request_is_recorded(
    o: Office, db: Session
) -> None:
    agency = make_org(db, kind="press_agency")
    st = o.w.issued(
        kind=StatementKind.CORRECTION_REQUEST, target_agency_id=agency.id, article_title="Bài"
    )
    base = f"/office/statements/{st.id}"
    assert o.editor.post(base + "/compliance", {"compliance": "maybe"}).status_code == 422
    r = o.editor.post(base + "/compliance", {"compliance": "complied"})
    assert r.status_code == 303
    db.refresh(st)
    assert st.compliance == Compliance.COMPLIED
    assert "Published by the press agency" in text_of(o.editor.get(base).text)
    assert audit_count(db, "statement.compliance") == 1


# --- One form: the edition's text and the files chosen with it ------------------------------------


def test_a_new_statement_is_saved_with_the_files_chosen_in_its_form(o: Office, db: Session) -> None:
    data = new_form(o.w, title="Thông cáo kèm tài liệu") | {"csrf_token": o.editor.csrf()}
    r = o.editor.client.post(
        "/office/statements/new",
        data=data,
        files=[("files", ("Phụ lục.pdf", PDF, "application/pdf"))],
    )
    assert r.status_code == 303, r.text
    (st,) = db.exec(select(Statement)).all()
    files = service.edition_files(db, editions_of(db, st.id)[0].id or 0)
    assert [f.filename for f in files] == ["Phụ lục.pdf"]


def test_a_refused_file_gives_the_typed_edition_back_and_keeps_nothing(
    o: Office, db: Session, app: Any
) -> None:
    st = o.w.draft()
    url = f"/office/statements/{st.id}/edit"
    page = o.editor.get(url).text
    form = new_form(o.w, title="Tiêu đề đã gõ lại", revision=hidden_in(page, url))
    r = o.editor.client.post(
        url,
        data=form | {"csrf_token": o.editor.csrf()},
        files=[("files", ("phuluc.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf"))],
    )
    assert r.status_code == 415
    assert value_of(r.text, "f-title") == "Tiêu đề đã gõ lại"
    assert "choose the files again" in text_of(r.text)
    assert editions_of(db, st.id)[0].title != "Tiêu đề đã gõ lại"
    assert count(db, StatementFile) == 0
    upload_dir = app.state.settings.upload_dir
    assert not upload_dir.exists() or not any(upload_dir.iterdir())
