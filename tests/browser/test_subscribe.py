"""The calendar subscription buttons on a phone, without JavaScript: large enough to tap, a
visible focus, each with its line of help, and the feed behind the webcal:// link served."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, expect

from app.audit.service import Actor
from app.briefings.service import seed_kinds
from tests.browser.conftest import LiveServer

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


def test_subscribe_buttons_on_a_phone_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    with live_server.session() as session:
        seed_kinds(session, actor=Actor.system("test"))
        session.commit()
    context = new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/briefings")
    page.get_by_role("link", name="Theo dõi trên ứng dụng lịch").click()

    section = page.locator("#subscribe")
    everything = section.locator(".subscribe-buttons").first
    buttons = everything.get_by_role("link")
    expect(buttons).to_have_text(["Google Calendar", "Outlook", "Apple/ứng dụng khác (webcal://)"])
    for i in range(3):
        box = buttons.nth(i).bounding_box()
        assert box is not None and box["height"] >= 24 and box["width"] >= 24
        expect(buttons.nth(i)).to_have_accessible_description(
            everything.locator(".hint").nth(i).inner_text()
        )
    # Each kind's buttons, folded under its name; opened, they are there too.
    kinds = section.locator("details")
    assert kinds.count() >= 3
    kinds.first.locator("summary").click()
    expect(kinds.first.get_by_role("link", name="Outlook")).to_be_visible()

    # The keyboard reaches the first button and shows where it is.
    buttons.first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(buttons.first).to_be_focused()
    outline = buttons.first.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    # The Apple/other link is the site's feed under webcal://.
    webcal = buttons.nth(2).get_attribute("href") or ""
    assert webcal.startswith("webcal://")
    address = urlsplit(webcal)
    answer = page.request.get(address.path)
    assert answer.ok and answer.headers["content-type"].startswith("text/calendar")
    assert answer.text().startswith("BEGIN:VCALENDAR")
