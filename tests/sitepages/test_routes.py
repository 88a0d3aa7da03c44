"""The site's official identity (issue 18, item 8), on both databases: the footer of every page
shows the agency's details as the environment sets them and the legal basis of the rule set in
force; the accessibility statement and the privacy notice exist in both languages and the
administrator edits them, with the change audited and bad input sent back beside the field."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.config import Settings
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_user

IDENTITY = {
    "SITE_AGENCY": "Văn phòng Ủy ban nhân dân tỉnh Quảng Ninh",
    "SITE_AGENCY_EN": "Office of the Quang Ninh Provincial People's Committee",
    "SITE_ADDRESS": "Trụ sở Liên cơ quan số 3, phường Hồng Gai, tỉnh Quảng Ninh",
    "SITE_PHONE": "0203 000 0000",
    "SITE_EMAIL": "vanphong@example.gov.vn",
    "SITE_RESPONSIBLE": "Chánh Văn phòng UBND tỉnh",
}


def footer(html: str) -> str:
    found = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)
    assert found is not None
    return found.group()


@pytest.fixture
def identity_from_env(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's settings read again with the identity in the environment, as in production."""
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    fields = app.state.settings.model_dump(exclude={key.lower() for key in IDENTITY})
    app.state.settings = Settings(_env_file=None, **fields)  # type: ignore[call-arg]


@pytest.mark.usefixtures("identity_from_env")
def test_the_footer_shows_the_agency_set_in_the_environment_on_every_kind_of_page(
    db: Session, web: WebClient
) -> None:
    for path in ("/", "/statements", "/briefings", "/login", "/accessibility", "/privacy"):
        text = page_text(footer(web.get(path).text))
        for key in ("SITE_AGENCY", "SITE_ADDRESS", "SITE_PHONE", "SITE_EMAIL", "SITE_RESPONSIBLE"):
            assert IDENTITY[key] in text, (path, key)
        assert "Nghị định 244/2026/NĐ-CP" in text or "244/2026" in text, path
    html = footer(web.get("/").text)
    assert 'href="tel:02030000000"' in html and 'href="mailto:vanphong@example.gov.vn"' in html
    assert 'href="/accessibility"' in html and 'href="/privacy"' in html
    assert web.post("/language", {"lang": "en", "next": "/"}).status_code == 303
    english = html_lib.unescape(page_text(footer(web.get("/").text)))
    assert IDENTITY["SITE_AGENCY_EN"] in english and "Accessibility statement" in english


def test_without_settings_the_footer_names_the_peoples_committee(
    db: Session, web: WebClient
) -> None:
    text = page_text(footer(web.get("/").text))
    assert "Ủy ban nhân dân tỉnh Quảng Ninh" in text
    assert "Điện thoại" not in text  # nothing is made up


def test_the_statement_and_the_notice_read_in_both_languages(db: Session, web: WebClient) -> None:
    vi = web.get("/accessibility")
    assert vi.status_code == 200
    assert "<h1>Tuyên bố về khả năng tiếp cận</h1>" in vi.text and "WCAG 2.1" in vi.text
    assert "<h1>Thông báo về xử lý dữ liệu cá nhân</h1>" in web.get("/privacy").text
    web.post("/language", {"lang": "en", "next": "/"})
    en = web.get("/accessibility").text
    assert "<h1>Accessibility statement</h1>" in en and '<article lang="en">' in en
    assert "<h1>Privacy notice</h1>" in web.get("/privacy").text


def test_the_administrator_edits_a_page_and_the_change_is_audited(
    db: Session, web: WebClient
) -> None:
    admin = make_user(db, Role.ADMIN)
    assert web.login(admin.email, PASSWORD).status_code == 303
    listing = web.get("/admin/pages").text
    assert 'href="/admin/pages/privacy/en"' in listing
    form = web.get("/admin/pages/privacy/vi").text
    assert 'value="Thông báo về xử lý dữ liệu cá nhân"' in form  # the shipped text to start from

    bad = web.post("/admin/pages/privacy/vi", {"title": "", "body": "Nội dung"})
    assert bad.status_code == 422
    assert "Nhập tiêu đề trang." in page_text(bad.text)
    assert ">Nội dung</textarea>" in bad.text  # nothing typed is lost

    body = "Văn phòng chỉ thu thập **họ tên** và thư điện tử.\n\n<script>alert(1)</script>"
    r = web.post("/admin/pages/privacy/vi", {"title": "Chính sách dữ liệu", "body": body})
    assert r.status_code == 303 and r.headers["location"] == "/admin/pages"
    page = web.get("/privacy").text
    assert "<h1>Chính sách dữ liệu</h1>" in page and "<strong>họ tên</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Cập nhật lần cuối" in page_text(page)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "site_page.edited")).one()
    assert event.actor_user_id == admin.id and "Chính sách dữ liệu" in event.summary
    # The English page is its own: still the shipped text.
    web.post("/language", {"lang": "en", "next": "/"})
    assert "<h1>Privacy notice</h1>" in web.get("/privacy").text


@pytest.mark.parametrize("role", [Role.PRESS_OFFICE, Role.DEPARTMENT, Role.JOURNALIST])
def test_only_the_administrator_edits_pages(db: Session, web: WebClient, role: Role) -> None:
    user = make_user(db, role)
    web.login(user.email, PASSWORD)
    assert web.get("/admin/pages/privacy/vi").status_code in (403, 404)
    r = web.post("/admin/pages/privacy/vi", {"title": "X", "body": "Y"})
    assert r.status_code in (403, 404)
    assert "<h1>Thông báo về xử lý dữ liệu cá nhân</h1>" in web.get("/privacy").text


def test_unknown_pages_and_languages_are_404(db: Session, web: WebClient) -> None:
    admin = make_user(db, Role.ADMIN)
    web.login(admin.email, PASSWORD)
    assert web.get("/admin/pages/terms/vi").status_code == 404
    assert web.get("/admin/pages/privacy/fr").status_code == 404
    assert web.post("/admin/pages/privacy/fr", {"title": "X", "body": "Y"}).status_code == 404
