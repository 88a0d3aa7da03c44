"""Browser test (issue 18, item 2): a visitor switches the interface to English and reads the
English title of a translated statement on the home page and in the newsroom, the Vietnamese one
of an untranslated statement marked "Vietnamese only", and the statement itself in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

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


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_visitor_switches_language_on_a_shared_page_and_another_site_cannot(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, javascript: bool
) -> None:
    """The newsroom is the same bytes for every visitor (no token on it, no cookie given), yet its
    language switch works, with JavaScript and without; a page of another site posting the same
    form is refused (the browser's Sec-Fetch-Site / Origin say where it comes from)."""
    with live_server.session() as db:
        World(db).issued(title="Thông cáo dùng chung", translations={"en": "Shared release"})
    context = new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    context.request.get("/statements")  # someone's visit fills the cache of shared pages
    answer = page.goto("/statements")
    assert answer is not None and answer.headers["x-cache"] == "hit"
    assert answer.headers["cache-control"].startswith("public")
    assert "set-cookie" not in answer.headers and context.cookies() == []

    # Another site's page with the same form, posting to this site.
    evil = "http://evil.test/switch.html"
    form = (
        f'<form method="post" action="{live_server.url}/language">'
        '<input type="hidden" name="next" value="/statements">'
        '<button name="lang" value="en">Go</button></form>'
    )
    page.route(evil, lambda route: route.fulfill(body=form, content_type="text/html"))
    page.goto(evil)
    with page.expect_response(f"{live_server.url}/language") as refused:
        page.get_by_role("button", name="Go").click()
    assert refused.value.status == 403
    assert not [c for c in context.cookies() if c["name"] == "pd_lang"]

    page.goto("/statements")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    with page.expect_response(f"{live_server.url}/language") as switched:
        page.locator("form.lang-switch button[value='en']").click()
    assert switched.value.status == 303
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/statements")
    expect(page.locator(".statement-card h2 a").first).to_have_text("Shared release")
    context.close()
