"""Browser test of a press release: an office editor drafts it with an English translation, the
spokesperson approves and publishes it, a journalist finds it by searching without diacritics and
opens the English version; a correction then shows the update notice on the Vietnamese page and
marks the English version outdated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from app.accounts.models import Role
from app.orgs.models import OrgKind
from app.statements import service
from app.statements.models import Statement
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in
from tests.factories import make_org, make_user
from tests.statements.helpers import make_spokesperson

pytestmark = pytest.mark.browser
TITLE = "Thông cáo báo chí về khai trương tuyến du lịch Đà Nẵng – Hạ Long"
TITLE_EN = "Press release on the opening of the Da Nang – Ha Long tourist route"


def act(page: Page, selector: str, path_end: str) -> None:
    """Press a button that posts, and wait until the server has answered (the change is
    committed) before anyone goes on: boosted forms do not navigate."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(path_end)
    ) as answer:
        page.locator(selector).click()
    assert answer.value.status in (200, 204, 303), answer.value.status


def test_press_release_drafted_translated_approved_found_and_corrected(
    page: Page, live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    with live_server.session() as db:
        service.seed_reference(db)
        org = make_org(db, kind=OrgKind.PEOPLES_COMMITTEE, name_vi="UBND tỉnh Quảng Ninh")
        person = make_spokesperson(db, org, full_name="Người phát ngôn thử nghiệm")
        editor = make_user(db, Role.PRESS_OFFICE)
        spokesperson = make_user(db, Role.SPOKESPERSON)
        agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Thử nghiệm")
        journalist = make_user(db, Role.JOURNALIST, org=agency, press_card_number="BTN-9")
        org_id, person_id = org.id, person.id
        emails = (editor.email, spokesperson.email, journalist.email)
    editor_email, spokesperson_email, journalist_email = emails

    # The editor drafts the press release.
    sign_in(page, editor_email)
    page.goto("/office/statements/new")
    page.locator("#f-kind").select_option("press_release")
    # the organisation's change reloads the choices of spokesperson (HTMX): only those in force
    with page.expect_response(lambda r: r.url.endswith("/office/statements/new")):
        page.locator("#f-organisation_id").select_option(str(org_id))
    expect(page.locator(f"#f-spokesperson_id option[value='{person_id}']")).to_have_count(1)
    page.locator("#f-spokesperson_id").select_option(str(person_id))
    page.locator("#f-title").fill(TITLE)
    page.locator("#f-summary").fill("Tuyến du lịch mới nối Đà Nẵng với vịnh Hạ Long.")
    page.locator("#f-body").fill("Từ tháng sau, **tuyến bay du lịch** Đà Nẵng – Hạ Long khai thác.")
    act(page, "main form button[name=intent][value=save] >> nth=-1", "/office/statements/new")
    expect(page.locator("h1")).to_contain_text(TITLE)
    with live_server.session() as db:
        statement_id = db.exec(select(Statement)).one().id

    # … with its English translation, and submits it for review.
    page.goto(f"/office/statements/{statement_id}/translations/en")
    page.locator("#f-title").fill(TITLE_EN)
    page.locator("#f-body").fill("From next month the **Da Nang – Ha Long** tourist flights start.")
    act(page, "main form button[type=submit] >> nth=-1", "/translations/en")
    expect(page).to_have_url(f"{live_server.url}/office/statements/{statement_id}")
    act(page, "#step-submit button[type=submit]", "/submit")

    # The spokesperson approves and publishes it.
    sp = new_context(base_url=live_server.url).new_page()
    sign_in(sp, spokesperson_email)
    sp.goto(f"/office/statements/{statement_id}")
    act(sp, "#step-approve button[type=submit]", "/approve")
    act(sp, "#step-publish button[type=submit]", "/publish")
    # Publishing goes through a page that says what follows and shows the public page as it will
    # look, in Vietnamese and in English; nothing is public until the second button.
    expect(sp.locator("h1")).to_have_text("Công bố thông tin này ngay?")
    expect(sp.locator('article.preview[lang="vi"]')).to_contain_text(TITLE)
    expect(sp.locator('article.preview[lang="en"]')).to_contain_text(TITLE_EN)
    act(sp, "form.confirm-form button[type=submit]", "/publish")
    expect(sp.locator("body")).to_contain_text("1/TCBC-UBND")

    # A journalist, on a phone, searches without diacritics and opens the English version.
    jp = new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    sign_in(jp, journalist_email)
    jp.goto("/statements")
    jp.locator("#filter-q").fill("da nang ha long")
    jp.locator("#filter-q").press("Enter")
    result = jp.locator(f'a[href="/statements/{statement_id}"]').first
    expect(result).to_have_text(TITLE)
    result.click()
    expect(jp.locator("h1")).to_contain_text(TITLE)
    jp.locator(f'a[href="/statements/{statement_id}/en"][hreflang=en]').first.click()
    expect(jp.locator("h1")).to_contain_text(TITLE_EN)
    expect(jp.locator("#outdated-notice")).to_have_count(0)

    # A correction (major change) by the editor, approved by the spokesperson.
    page.goto(f"/office/statements/{statement_id}")
    act(page, "#step-new-edition button[type=submit]", "/new-edition")
    page.goto(f"/office/statements/{statement_id}/edit")
    page.locator("#f-body").fill(
        "Từ ngày 15 tháng sau, tuyến bay du lịch Đà Nẵng – Hạ Long khai thác."
    )
    page.locator("input[name=change_kind][value=major]").check()
    page.locator("#f-change_note").fill("Sửa ngày khai thác tuyến bay.")
    act(page, "main form button[name=intent][value=save] >> nth=-1", "/edit")
    page.goto(f"/office/statements/{statement_id}")
    act(page, "#step-submit button[type=submit]", "/submit")
    sp.goto(f"/office/statements/{statement_id}")
    act(sp, "#step-approve button[type=submit]", "/approve")
    act(sp, "#step-publish button[type=submit]", "/publish")
    expect(sp.locator("#what-happens")).to_contain_text("người đăng ký được báo lại")
    act(sp, "form.confirm-form button[type=submit]", "/publish")

    jp.goto(f"/statements/{statement_id}")
    expect(jp.locator("#update-notice")).to_contain_text("Sửa ngày khai thác tuyến bay.")
    expect(jp.locator("main")).to_contain_text("Từ ngày 15 tháng sau")
    jp.goto(f"/statements/{statement_id}/en")
    expect(jp.locator("#outdated-notice")).to_be_visible()
    expect(jp.locator("h1")).to_contain_text(TITLE_EN)
