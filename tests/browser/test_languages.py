"""Browser test (issue 18, item 2): a visitor switches the interface to English and reads the
English title of a translated statement on the home page and in the newsroom, the Vietnamese one
of an untranslated statement marked "Vietnamese only", and the statement itself in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.statements.helpers import World

pytestmark = pytest.mark.browser


def test_an_english_reader_reads_english_titles_on_the_home_page_and_the_newsroom(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.session() as db:
        w = World(db)
        both = w.issued(
            title="Thông cáo về mùa du lịch biển", translations={"en": "Beach season release"}
        )
        only = w.issued(title="Thông báo lịch cắt điện khu vực Cẩm Phả")
        both_id, only_id = both.id, only.id

    page.goto("/")
    expect(page.locator(f".latest-statements li[data-id='{both_id}'] a").first).to_have_text(
        "Thông cáo về mùa du lịch biển"
    )
    page.locator("form.lang-switch button[value='en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto("/")
    first = page.locator(f".latest-statements li[data-id='{both_id}'] a").first
    expect(first).to_have_text("Beach season release")
    expect(page.locator(f".latest-statements li[data-id='{only_id}']")).to_contain_text(
        "Vietnamese only"
    )

    page.goto("/statements")
    card = page.locator(".statement-card", has=page.locator(f"a[href='/statements/{both_id}/en']"))
    expect(card.locator("h2 a")).to_have_text("Beach season release")
    expect(card).not_to_contain_text("Thông cáo về mùa du lịch biển")
    plain = page.locator(".statement-card", has=page.locator(f"a[href='/statements/{only_id}']"))
    expect(plain).to_contain_text("Vietnamese only")

    card.locator("h2 a").click()
    expect(page.locator("h1")).to_have_text("Beach season release")
    expect(page.locator("article.statement")).to_have_attribute("lang", "en")
