"""Browser test of media monitoring (issue 19): a recorded feed of a Vietnamese outlet, read by
the watcher from a real server on loopback, yields an item that matches "ha long"; the office
marks it false, opens a sudden matter of Art. 7(6) from it, drafts the correction request from
the matter, the spokesperson publishes it, the office records the outlet's correction, and both
the monitoring digest and figure 6 of the Decree 244 report count it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from app.annual.figures import compute
from app.law.rulesets import current
from app.monitoring import service as monitoring
from app.monitoring import watcher
from app.monitoring.models import MonitoringSource, PressItem
from app.orgs.models import OrgKind
from app.statements.models import Statement
from app.timeutil import local_today, to_local, utcnow
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in
from tests.browser.test_statements import act
from tests.factories import make_org
from tests.monitoring.server import FeedServer, start
from tests.statements.helpers import SYSTEM, World

pytestmark = pytest.mark.browser
FALSE_TITLE = "Thông tin sai sự thật về sự cố tàu du lịch trên vịnh Hạ Long"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    yield from start()


def test_a_false_report_found_in_a_feed_is_corrected_and_counted(
    page: Page,
    live_server: LiveServer,
    new_context: Callable[..., BrowserContext],
    feeds: FeedServer,
) -> None:
    with live_server.session() as db:
        w = World(db)
        agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Thử nghiệm Quảng Ninh")
        db.add(
            MonitoringSource(
                name="Báo Thử nghiệm – Thời sự",
                feed_url=feeds.serve_file("/rss", "baoquangninh.rss"),
                organisation_id=agency.id,
            )
        )
        db.commit()
        monitoring.add_rule(
            db, actor=SYSTEM, data=monitoring.RuleInput(name="Hạ Long", all_of="ha long")
        )
        editor_email, spokesperson_email = w.editor_user.email, w.spokesperson_user.email
        person_id = w.person.id
    result = watcher.run_once(live_server.app.state.engine, live_server.settings)
    assert result.new_items == 2

    # The office finds the item and marks it false.
    sign_in(page, editor_email)
    page.goto("/office/monitoring")
    page.get_by_role("link", name=FALSE_TITLE).click()
    expect(page.locator("h1")).to_have_text(FALSE_TITLE)
    page.locator("#f-tone").select_option("false")
    page.locator("#f-importance").select_option("high")
    act(page, "#assess button[type=submit]", "/assess")
    expect(page.locator(".role-line .tone")).to_have_text("Sai sự thật, xuyên tạc")

    # It opens a sudden matter of Art. 7(6); the press agency and the article come from the item.
    page.locator("#f-escalate-kind").select_option("art7_6")
    expect(page.locator("#escalate #f-agency_id")).to_have_value(str(agency.id))
    act(page, "#escalate button[type=submit]", "/escalate")
    expect(page.locator("#correction")).to_contain_text(FALSE_TITLE)

    # From the matter, the correction request is drafted with the article and the grounds.
    page.locator("a.draft-correction").click()
    expect(page.locator("#f-article_title")).to_have_value(FALSE_TITLE)
    expect(page.locator("#f-body")).to_contain_text("khoản 6 Điều 7 Nghị định 244/2026/NĐ-CP")
    page.locator("#f-spokesperson_id").select_option(str(person_id))
    act(page, "main form button[name=intent][value=save] >> nth=-1", "/office/statements/new")
    with live_server.session() as db:
        statement_id = db.exec(select(Statement)).one().id
        matter_id = db.exec(select(PressItem.matter_id).where(PressItem.title == FALSE_TITLE)).one()
    act(page, "#step-submit button[type=submit]", "/submit")

    # The spokesperson approves and publishes it.
    sp = new_context(base_url=live_server.url).new_page()
    sign_in(sp, spokesperson_email)
    sp.goto(f"/office/statements/{statement_id}")
    act(sp, "#step-approve button[type=submit]", "/approve")
    act(sp, "#step-publish button[type=submit]", "/publish")
    act(sp, "form.confirm-form button[type=submit]", "/publish")

    # The office records the outlet's correction on the matter.
    page.goto(f"/office/incidents/{matter_id}")
    expect(page.locator("#correction")).to_contain_text("Đã ban hành")
    # A moment just past, whatever the time of day the suite runs at (not in the future).
    published = to_local(utcnow() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#f-correction_published_at").fill(published)
    page.locator("#f-correction_url").fill("https://baothu.example.vn/cai-chinh-3302.html")
    act(page, "#correction button[type=submit]", "/correction")

    # The digest says what was done, and figure 6 counts it.
    page.goto("/office/monitoring/digest?period=week")
    false_section = page.locator(".digest-false")
    expect(false_section).to_contain_text(FALSE_TITLE)
    expect(false_section).to_contain_text("cơ quan báo chí đã đăng cải chính")
    with live_server.session() as db:
        today = local_today()
        six = next(
            f
            for f in compute(db, current(), today - timedelta(days=30), today)
            if f.spec.number == 6
        )
        assert [i.id for i in six.done] == [matter_id]
