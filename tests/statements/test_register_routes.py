"""The spokesperson register as the office keeps it (HTML over HTTP), and the administrator's
pages for approvers and translation languages: who may use them, adding with errors beside the
fields, ending a period with its reason, the signed document (one PDF or image, replaced, never
shown inline), the approval right toggled, languages enabled, disabled and added, all audited.

Every test runs on SQLite and on PostgreSQL. Pages are read in English (the message ids).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.statements import service
from app.statements.models import (
    Spokesperson,
    SpokespersonRole,
    StatementApprover,
    StatementLanguage,
)
from app.timeutil import local_today
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, PNG_1PX, make_org, make_user
from tests.statements.helpers import World, make_spokesperson

NewWeb = Callable[[], WebClient]
SCRIPT = "<script>alert(1)</script>"
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def text_of(html: str) -> str:
    return htmllib.unescape(page_text(html))


def signed_in(new_web: NewWeb, user: User) -> WebClient:
    web = new_web()
    web.client.cookies.set("pd_lang", "en")
    assert web.login(user.email, PASSWORD).status_code == 303
    return web


def error_text(html: str, element_id: str) -> str:
    found = re.search(rf'<p class="error-text" id="{element_id}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no error beside {element_id}"
    return text_of(found.group(1)).replace("Error:", "").strip()


def value_of(html: str, element_id: str) -> str:
    found = re.search(rf'<textarea[^>]*\bid="{element_id}"[^>]*>(.*?)</textarea>', html, re.S)
    if found:
        return htmllib.unescape(found.group(1))
    opening = re.search(rf'<input[^>]*\bid="{element_id}"[^>]*>', html)
    assert opening is not None, element_id
    value = re.search(r'\bvalue="([^"]*)"', opening.group(0))
    return htmllib.unescape(value.group(1)) if value else ""


def options(html: str, element_id: str) -> list[str]:
    block = re.search(rf'<select[^>]*\bid="{element_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block is not None, element_id
    return [v for v in re.findall(r'<option value="([^"]*)"', block.group(1)) if v]


def audit_count(db: Session, action: str) -> int:
    db.expire_all()
    return db.exec(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    ).one()


def fresh(db: Session, model: Any, ident: Any) -> Any:
    db.expire_all()
    row = db.get(model, ident)
    assert row is not None
    return row


def upload(web: WebClient, url: str, *files: tuple[str, bytes, str]) -> Any:
    return web.client.post(
        url, data={"csrf_token": web.csrf()}, files=[("files", f) for f in files]
    )


def person_card(html: str, person_id: int | None) -> str:
    found = re.search(rf'<article[^>]*id="person-{person_id}">(.*?)</article>', html, re.S)
    assert found is not None, person_id
    return text_of(found.group(1))


class People:
    def __init__(self, db: Session, new_web: NewWeb) -> None:
        self.w = World(db)
        self.office = signed_in(new_web, self.w.editor_user)
        self.admin_user = make_user(db, Role.ADMIN)
        self.admin = signed_in(new_web, self.admin_user)
        self.department = signed_in(new_web, make_user(db, Role.DEPARTMENT))
        self.journalist = signed_in(new_web, make_user(db, Role.JOURNALIST))
        self.anonymous = new_web()


@pytest.fixture
def p(db: Session, new_web: NewWeb) -> People:
    return People(db, new_web)


# --- Who may use the pages -----------------------------------------------------------------------


def test_the_register_is_for_the_office_and_its_settings_for_the_administrator(
    p: People, db: Session
) -> None:
    pid = p.w.person.id
    office_pages = ["/office/spokespersons", "/office/spokespersons/new"]
    admin_pages = ["/admin/statement-approvers", "/admin/languages"]
    for url in office_pages:
        assert p.office.get(url).status_code == 200, url
        assert p.admin.get(url).status_code == 403, url
    for url in admin_pages:
        assert p.admin.get(url).status_code == 200, url
        assert p.office.get(url).status_code == 403, url
    for url in office_pages + admin_pages:
        assert p.department.get(url).status_code == 403, url
        assert p.journalist.get(url).status_code == 403, url
        r = p.anonymous.get(url)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), url
    posts = [
        f"/office/spokespersons/{pid}/end",
        "/office/spokespersons/new",
        f"/admin/statement-approvers/{p.w.editor_user.id}",
        "/admin/languages",
    ]
    for url in posts:
        for web in (p.department, p.journalist):
            assert (
                web.post(url, {"reason": "x", "intent": "disable", "code": "en"}).status_code == 403
            )
    assert p.department.get(f"/office/spokespersons/{pid}/document").status_code == 403
    assert fresh(db, Spokesperson, pid).valid_to is None
    assert fresh(db, StatementLanguage, "en").enabled


# --- The register --------------------------------------------------------------------------------


def test_the_register_shows_each_organisation_with_current_and_past_people(
    p: People, db: Session
) -> None:
    yesterday = local_today() - timedelta(days=1)
    past = make_spokesperson(
        db, p.w.org, full_name="Trần Văn Cũ", valid_to=yesterday, ended_reason="Nghỉ hưu"
    )
    later = make_spokesperson(
        db, p.w.org, full_name="Lê Thị Sau", valid_from=local_today() + timedelta(days=10)
    )
    dept = make_org(db, kind="department", name_en="Department of Health")
    head = make_spokesperson(db, dept, role=SpokespersonRole.HEAD, full_name="Giám đốc Sở Y tế")
    r = p.office.get("/office/spokespersons")
    assert r.status_code == 200
    page = text_of(r.text)
    assert "Quang Ninh Provincial People's Committee" in page and "Department of Health" in page
    assert "Nguyễn Văn Phát Ngôn" in person_card(r.text, p.w.person.id)
    assert "Head of the organisation" in person_card(r.text, head.id)
    assert "Nghỉ hưu" in person_card(r.text, past.id)
    assert "1 earlier period" in page and "From a later date" in page
    assert later.full_name in person_card(r.text, later.id)


def test_adding_with_errors_beside_the_fields_then_adding(p: People, db: Session) -> None:
    form = {
        "organisation_id": str(p.w.org.id),
        "role": "authorised",
        "full_name": SCRIPT,
        "title": "",
        "email": "khong-phai-email",
        "matter": "",
        "valid_from": local_today().isoformat(),
        "valid_to": "",
        "user_id": "",
    }
    r = p.office.post("/office/spokespersons/new", form)
    assert r.status_code == 422
    assert "describe it" in error_text(r.text, "f-matter")
    assert "enter its end date" in error_text(r.text, "f-valid_to")
    assert error_text(r.text, "f-title") == "Enter the title (position)."
    assert "name@" in error_text(r.text, "f-email")
    assert value_of(r.text, "f-full_name") == SCRIPT
    assert "&lt;script&gt;" in r.text and "<script>alert" not in r.text
    r = p.office.post("/office/spokespersons/new", form | {"valid_to": "31/02/2026"})
    assert r.status_code == 422
    assert error_text(r.text, "f-valid_to") == "Enter a date, for example 01/01/2026."
    r = p.office.post("/office/spokespersons/new", form | {"user_id": "987654"})
    assert r.status_code == 422
    assert error_text(r.text, "f-user_id") == "Choose the account from the list."
    assert db.exec(select(func.count()).select_from(Spokesperson)).one() == 1

    account = make_user(db, Role.SPOKESPERSON, full_name="Tài khoản Phát ngôn")
    head = make_spokesperson(db, p.w.org, role=SpokespersonRole.HEAD, full_name="Chủ tịch (demo)")
    page = p.office.get("/office/spokespersons/new").text
    assert str(account.id) in options(page, "f-user_id")
    assert str(head.id) in options(page, "f-authorised_by_id")
    end = local_today() + timedelta(days=30)
    form |= {
        "authorised_by_id": str(head.id),
        "full_name": "Phạm Thị Ủy Quyền",
        "title": "Phó Chánh Văn phòng",
        "email": "uyquyen@quangninh.gov.vn",
        "matter": "Thông tin về bão số 3",
        "valid_to": end.isoformat(),
        "user_id": str(account.id),
    }
    r = p.office.post("/office/spokespersons/new", form)
    assert r.status_code == 303
    person = db.exec(select(Spokesperson).where(Spokesperson.full_name == form["full_name"])).one()
    assert person.role == SpokespersonRole.AUTHORISED and person.valid_to == end
    assert person.user_id == account.id and person.matter == "Thông tin về bão số 3"
    assert person.authorised_by_id == head.id and person.posted_at is not None
    assert audit_count(db, "spokesperson.added") == 1
    card = person_card(p.office.get("/office/spokespersons").text, person.id)
    assert "Authorised to speak" in card and "Thông tin về bão số 3" in card
    # …and may now be chosen for a statement of the organisation.
    page = p.office.get("/office/statements/new").text
    assert str(person.id) in options(page, "f-spokesperson_id")


def test_ending_a_period_needs_a_reason_and_stops_the_person_being_offered(
    p: People, db: Session
) -> None:
    pid = p.w.person.id
    url = f"/office/spokespersons/{pid}/end"
    yesterday = local_today() - timedelta(days=1)
    r = p.office.post(url, {"last_day": yesterday.isoformat(), "reason": ""})
    assert r.status_code == 422
    assert error_text(r.text, f"f-person-{pid}-reason") == "Give the reason."
    r = p.office.post(url, {"last_day": "", "reason": "Chuyển công tác"})
    assert r.status_code == 422
    assert "Enter the last day" in error_text(r.text, f"f-person-{pid}-last_day")
    assert value_of(r.text, f"f-person-{pid}-reason") == "Chuyển công tác"
    r = p.office.post(url, {"last_day": "2019-01-01", "reason": "Chuyển công tác"})
    assert r.status_code == 422
    assert "before the start date" in error_text(r.text, f"f-person-{pid}-last_day")
    assert fresh(db, Spokesperson, pid).valid_to is None

    r = p.office.post(url, {"last_day": yesterday.isoformat(), "reason": "Chuyển công tác"})
    assert r.status_code == 303
    person = fresh(db, Spokesperson, pid)
    assert person.valid_to == yesterday and person.ended_reason == "Chuyển công tác"
    assert audit_count(db, "spokesperson.ended") == 1
    assert "Chuyển công tác" in person_card(p.office.get("/office/spokespersons").text, pid)
    page = p.office.get("/office/statements/new").text
    assert str(pid) not in options(page, "f-spokesperson_id")


def test_the_signed_document_is_one_pdf_or_image_replaced_and_downloaded(
    p: People, db: Session, app: Any
) -> None:
    pid = p.w.person.id
    url = f"/office/spokespersons/{pid}/attachments"
    folder: Path = app.state.settings.upload_dir
    r = upload(p.office, url, ("quyet-dinh.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf"))
    assert r.status_code == 415
    assert "is not a PDF file" in error_text(r.text, f"f-person-{pid}-files")
    r = upload(p.office, url, ("quyet-dinh.docx", b"PK\x03\x04", "application/octet-stream"))
    assert r.status_code == 415
    assert "PDF, JPEG or PNG" in error_text(r.text, f"f-person-{pid}-files")
    r = upload(p.office, url, ("", b"", "application/octet-stream"))
    assert r.status_code == 422
    assert fresh(db, Spokesperson, pid).document_stored_name is None
    assert not folder.exists() or list(folder.iterdir()) == []

    r = upload(p.office, url, ("Quyết định bổ nhiệm.pdf", PDF, "application/pdf"))
    assert r.status_code == 303
    first = fresh(db, Spokesperson, pid)
    assert first.document_filename == "Quyết định bổ nhiệm.pdf" and first.document_size == len(PDF)
    old_name = first.document_stored_name
    card = person_card(p.office.get("/office/spokespersons").text, pid)
    assert "Quyết định bổ nhiệm.pdf" in card
    r = p.office.get(f"/office/spokespersons/{pid}/document")
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["x-content-type-options"] == "nosniff"

    r = upload(p.office, url, ("ban-chup.png", PNG_1PX, "image/png"))
    assert r.status_code == 303
    second = fresh(db, Spokesperson, pid)
    assert second.document_filename == "ban-chup.png" and second.document_stored_name != old_name
    assert [f.name for f in folder.iterdir()] == [second.document_stored_name]
    assert audit_count(db, "spokesperson.document") == 2
    other = make_spokesperson(db, p.w.org, full_name="Không có giấy")
    assert p.office.get(f"/office/spokespersons/{other.id}/document").status_code == 404


# --- The administrator ---------------------------------------------------------------------------


def test_the_administrator_gives_and_takes_the_right_to_approve(p: People, db: Session) -> None:
    editor = p.w.editor_user
    r = p.admin.get("/admin/statement-approvers")
    row = re.search(rf'data-id="{editor.id}">(.*?)</tr>', r.text, re.S)
    assert row is not None and "Give the right" in text_of(row.group(1))
    assert f'data-id="{p.w.spokesperson_user.id}"' not in r.text  # has it by office

    r = p.admin.post(f"/admin/statement-approvers/{editor.id}", {"granted": "1"})
    assert r.status_code == 303
    db.expire_all()
    assert db.get(StatementApprover, editor.id) is not None
    assert audit_count(db, "statement.approver_granted") == 1
    row = re.search(
        rf'data-id="{editor.id}">(.*?)</tr>', p.admin.get(r.headers["location"]).text, re.S
    )
    assert row is not None and "Take the right away" in text_of(row.group(1))

    r = p.admin.post(f"/admin/statement-approvers/{editor.id}", {"granted": "0"})
    assert r.status_code == 303
    db.expire_all()
    assert db.get(StatementApprover, editor.id) is None
    assert audit_count(db, "statement.approver_revoked") == 1
    r = p.admin.post(f"/admin/statement-approvers/{p.admin_user.id}", {"granted": "1"})
    assert r.status_code == 404


def test_the_administrator_enables_disables_and_adds_languages(p: People, db: Session) -> None:
    r = p.admin.post("/admin/languages", {"intent": "disable", "code": "en"})
    assert r.status_code == 303
    assert not fresh(db, StatementLanguage, "en").enabled
    assert audit_count(db, "statement.language_disabled") == 1
    st = p.w.draft()
    assert 'data-lang="en"' not in p.office.get(f"/office/statements/{st.id}").text
    r = p.admin.post("/admin/languages", {"intent": "enable", "code": "en"})
    assert r.status_code == 303
    assert fresh(db, StatementLanguage, "en").enabled
    assert audit_count(db, "statement.language_enabled") == 1

    r = p.admin.post("/admin/languages", {"intent": "disable", "code": "vi"})
    assert r.status_code == 409
    assert "Vietnamese cannot be disabled" in text_of(r.text)
    assert fresh(db, StatementLanguage, "vi").enabled
    assert p.admin.post("/admin/languages", {"intent": "disable", "code": "xx"}).status_code == 404

    form = {"intent": "add", "code": "русский", "name": SCRIPT, "name_vi": ""}
    r = p.admin.post("/admin/languages", form)
    assert r.status_code == 422
    assert "BCP 47" in error_text(r.text, "f-code")
    assert error_text(r.text, "f-name_vi") == "Enter the name in Vietnamese."
    assert value_of(r.text, "f-name") == SCRIPT and "<script>alert" not in r.text
    r = p.admin.post("/admin/languages", form | {"code": "EN", "name": "English", "name_vi": "Anh"})
    assert r.status_code == 422
    assert error_text(r.text, "f-code") == "This language is already in the list."
    r = p.admin.post(
        "/admin/languages",
        {"intent": "add", "code": "ru", "name": "Русский", "name_vi": "Tiếng Nga"},
    )
    assert r.status_code == 303
    ru = fresh(db, StatementLanguage, "ru")
    assert ru.enabled and ru.name == "Русский"
    assert ru.position > fresh(db, StatementLanguage, "ko").position
    assert audit_count(db, "statement.language_added") == 1
    assert "Русский" in text_of(p.admin.get("/admin/languages").text)
    assert 'data-lang="ru"' in p.office.get(f"/office/statements/{st.id}").text
    assert [x.code for x in service.translation_languages(db)][-1] == "ru"
