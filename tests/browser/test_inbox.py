"""Browser test of the inbox: a journalist's question appears in the office's "Việc chờ tôi",
the office routes it from there, the department drafts the answer, and the question then waits in
the spokesperson's inbox, counted in the header, with a notice under the bell."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from app.accounts.models import Role
from app.orgs.models import OrgKind
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in
from tests.factories import make_briefing, make_org, make_user

pytestmark = pytest.mark.browser
QUESTION = "Bao giờ khánh thành Trung tâm Hội nghị tỉnh?"
ANSWER = "Dự kiến khánh thành trong tháng 3 năm 2027."


def test_a_question_waits_for_the_office_then_for_the_spokesperson_with_a_notice(
    page: Page, live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    with live_server.session() as db:
        dept_org = make_org(db, name_vi="Sở Văn hóa và Thể thao")
        agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Thử nghiệm")
        briefing = make_briefing(db, days_ahead=7, announced=True, title_vi="Họp báo tháng 12")
        people = (
            make_user(db, Role.JOURNALIST, org=agency, press_card_number="BTN-2").email,
            make_user(db, Role.PRESS_OFFICE).email,
            make_user(db, Role.SPOKESPERSON).email,
            make_user(db, Role.DEPARTMENT, org=dept_org).email,
        )
        briefing_id, org_id = briefing.id, dept_org.id
    journalist_email, office_email, spokesperson_email, focal_email = people

    jpage = new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    sign_in(jpage, journalist_email)
    jpage.goto(f"/questions/new?briefing_id={briefing_id}")
    jpage.locator("#f-text").fill(QUESTION)
    jpage.locator("main form button[type=submit]").last.click()
    expect(jpage.locator("body")).to_contain_text(QUESTION)

    # The office: the header counts it, the inbox lists it and leads to the question.
    sign_in(page, office_email)
    page.goto("/dashboard")
    expect(page.locator(".inbox-link .bell-count")).to_have_text("1")
    page.locator(".inbox-link").click()
    new = page.locator('[data-inbox="questions_new"]')
    expect(new).to_contain_text("Câu hỏi mới cần phân loại")
    new.get_by_role("link", name=QUESTION).click()
    page.locator("#f-assign-lead_org_id").select_option(str(org_id))
    page.locator("#step-assign button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Đã giao xử lý câu hỏi")
    page.goto("/inbox")
    expect(page.locator('[data-inbox="questions_new"]')).to_have_count(0)

    # The department finds it in its inbox and drafts the answer.
    dept = new_context(base_url=live_server.url).new_page()
    sign_in(dept, focal_email)
    dept.goto("/inbox")
    dept.locator('[data-inbox="questions_assigned"]').get_by_role("link", name=QUESTION).click()
    dept.locator("#f-answer-text").fill(ANSWER)
    dept.get_by_role("button", name="Gửi câu trả lời để duyệt").click()
    expect(dept.locator(".flash")).to_contain_text("Đã gửi câu trả lời")

    # The spokesperson: counted in the header, listed as awaiting approval, told under the bell.
    spokesperson = new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    ).new_page()
    sign_in(spokesperson, spokesperson_email)
    spokesperson.goto("/dashboard")
    expect(spokesperson.locator(".inbox-link .bell-count")).to_have_text("1")
    approvals = spokesperson.locator('[data-dashboard="inbox"] [data-inbox="answers_to_approve"]')
    expect(approvals).to_contain_text("Câu trả lời chờ bạn duyệt")
    expect(approvals).to_contain_text("Sở Văn hóa và Thể thao")
    expect(spokesperson.locator(".bell .bell-count")).to_have_text("1")
    spokesperson.goto("/notices")
    expect(spokesperson.locator(".notice-list")).to_contain_text("đang chờ duyệt")
    spokesperson.goto("/inbox")
    spokesperson.locator('[data-inbox="answers_to_approve"]').get_by_role(
        "link", name=QUESTION
    ).click()
    spokesperson.get_by_role("button", name="Duyệt câu trả lời").click()
    expect(spokesperson.locator(".flash")).to_contain_text("Đã duyệt câu trả lời")
    spokesperson.goto("/inbox")
    expect(spokesperson.locator(".empty")).to_contain_text("Không có việc nào đang chờ bạn")
