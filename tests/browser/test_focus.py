"""Where the keyboard focus goes, as a screen reader user finds it (static/js/app.js).

After a form comes back with errors, focus is on the error summary and the title starts with
"Lỗi: " (whole pages through hx-boost and parts of a page swapped by HTMX alike); after a
navigation through hx-boost, focus is on the new page's main heading, not left on <body>.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in
from tests.factories import make_briefing, make_user

pytestmark = [pytest.mark.browser, pytest.mark.clock("2026-12-04T10:00+07:00")]

FOCUSED_TAG = "document.activeElement.tagName"
FOCUSED_TEXT = "document.activeElement.textContent.trim()"


def test_a_failed_form_puts_focus_on_the_error_summary_and_says_error_in_the_title(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.session() as session:
        user = make_user(session, Role.JOURNALIST)
    sign_in(page, user.email, "not-the-right-password-1")

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Có lỗi cần sửa")
    expect(page).to_have_title(re.compile(r"^Lỗi: Đăng nhập · "))
    # The next Tab goes on into the form, where the problem is.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Địa chỉ email")).to_be_focused()

    # In English the title says so in English.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Sign in · "))  # a new page, no error yet
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("still-not-the-right-one")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in · "))
    expect(page.locator(".error-summary")).to_be_focused()


def test_errors_in_a_swapped_part_of_the_page_take_focus_and_the_title_then_give_them_back(
    page: Page, live_server: LiveServer
) -> None:
    """The agenda is sent with hx-post and only #agenda is swapped (no new <title> comes)."""
    with live_server.session() as session:
        office = make_user(session, Role.PRESS_OFFICE)
        briefing = make_briefing(session, announced=True)
    sign_in(page, office.email)
    page.goto(f"/office/briefings/{briefing.id}/agenda")
    expect(page).to_have_title(re.compile(r"^Chương trình: "))
    form = page.locator("form", has=page.get_by_label("Nội dung chương trình"))

    form.get_by_role("button", name="Thêm").click()  # nothing typed

    summary = page.locator("#agenda .error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Lỗi: Chương trình: "))

    page.get_by_label("Nội dung chương trình").fill("Thông tin về tình hình kinh tế")
    page.locator("form", has=page.get_by_label("Nội dung chương trình")).get_by_role(
        "button", name="Thêm"
    ).click()
    expect(page.locator(".agenda-item")).to_have_count(1)
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Chương trình: "))  # the error is gone: so is "Lỗi"


def test_a_boosted_navigation_puts_focus_on_the_new_pages_heading(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/")
    assert page.evaluate("typeof window.htmx") == "object"
    page.get_by_role("banner").get_by_role("link", name="Thông cáo, phát ngôn").click()

    expect(page).to_have_url(f"{live_server.url}/statements")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_focused()
    assert page.evaluate(FOCUSED_TAG) == "H1"
    # A keyboard user goes on from the heading into the page's content, not from the top.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")

    page.get_by_role("banner").get_by_role("link", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_focused()


def contrast(page: Page, selector: str) -> float:
    """The contrast ratio of an element's text on its background, as computed now (WCAG)."""
    ratio: float = page.evaluate(
        """(selector) => {
      const el = document.querySelector(selector);
      const style = getComputedStyle(el);
      const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
      const lum = c => {
        const [r, g, b] = rgb(c).map(v => v / 255).map(
          v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    }""",
        selector,
    )
    return ratio


def test_the_header_sign_in_button_stays_readable_under_the_pointer(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/")
    button = ".site-header a.button--small"
    assert contrast(page, button) >= 4.5
    page.hover(button)
    assert contrast(page, button) >= 4.5, "the hovered sign-in button is hard to read"
