"""Browser test of a written question: a journalist sends it before a briefing, the office routes
it to a department, the department drafts the answer, another office member approves it, and it
appears in the journalist's tracker and on the briefing's public Q&A."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from app.accounts.models import Role
from app.orgs.models import OrgKind
from app.questions.models import Question, QuestionStatus
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in
from tests.factories import make_briefing, make_org, make_user

pytestmark = pytest.mark.browser
QUESTION = "Khi nào hoàn thành tuyến đường ven sông Hạ Long – Cẩm Phả?"
ANSWER = "Dự kiến hoàn thành trong quý II năm 2027 theo kế hoạch đã phê duyệt."


def test_written_question_routed_answered_approved_and_published(
    page: Page, live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    with live_server.session() as db:
        roads = make_org(db, name_vi="Sở Xây dựng")
        agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Thử nghiệm")
        briefing = make_briefing(db, days_ahead=7, announced=True, title_vi="Họp báo tháng 12")
        journalist = make_user(db, Role.JOURNALIST, org=agency, press_card_number="BTN-1")
        drafter_office = make_user(db, Role.PRESS_OFFICE)
        approver = make_user(db, Role.SPOKESPERSON)
        focal = make_user(db, Role.DEPARTMENT, org=roads)
        ids = (briefing.id, roads.id, journalist.email, drafter_office.email)
        approver_email, focal_email = approver.email, focal.email
    briefing_id, roads_id, journalist_email, office_email = ids

    # The journalist sends the question online for the coming briefing.
    jpage = new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    sign_in(jpage, journalist_email)
    jpage.goto(f"/questions/new?briefing_id={briefing_id}")
    jpage.locator("#f-text").fill(QUESTION)
    jpage.locator("main form button[type=submit]").last.click()
    expect(jpage.locator("body")).to_contain_text(QUESTION)
    with live_server.session() as db:
        question = db.exec(select(Question)).one()
        assert question.briefing_id == briefing_id and question.due_at is not None
        question_id = question.id

    # The office routes it to Sở Xây dựng.
    sign_in(page, office_email)
    page.goto("/office/questions")
    page.locator(f'a[href="/office/questions/{question_id}"]').first.click()
    expect(page.locator(".question-text")).to_have_text(QUESTION)
    page.locator("#f-assign-lead_org_id").select_option(str(roads_id))
    page.locator("#step-assign button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Đã giao xử lý câu hỏi")

    # The department drafts the answer and marks it public.
    dept = new_context(base_url=live_server.url).new_page()
    sign_in(dept, focal_email)
    dept.goto("/dept/questions")
    dept.locator(f'a[href="/dept/questions/{question_id}"]').click()
    dept.locator("#f-answer-text").fill(ANSWER)
    dept.locator("#f-answer-public").check()
    dept.get_by_role("button", name="Gửi câu trả lời để duyệt").click()
    expect(dept.locator(".flash")).to_contain_text("Đã gửi câu trả lời")

    # Another person (the spokesperson) approves it.
    spokesperson = new_context(base_url=live_server.url).new_page()
    sign_in(spokesperson, approver_email)
    spokesperson.goto(f"/office/questions/{question_id}")
    spokesperson.get_by_role("button", name="Duyệt câu trả lời").click()
    expect(spokesperson.locator(".flash")).to_contain_text("Đã duyệt câu trả lời")
    with live_server.session() as db:
        done = db.get(Question, question_id)
        assert done is not None and done.status == QuestionStatus.ANSWERED

    # The journalist's tracker shows the answer; the public page shows the Q&A.
    jpage.goto("/questions")
    card = jpage.locator(f"#q-{question_id}")
    expect(card).to_contain_text("Đã trả lời")
    expect(card).to_contain_text("Sở Xây dựng")
    jpage.goto(f"/questions/{question_id}")
    expect(jpage.locator("body")).to_contain_text(ANSWER)

    public = new_context(base_url=live_server.url).new_page()
    public.goto(f"/briefings/{briefing_id}")
    qa = public.locator("#questions-and-answers")
    expect(qa).to_contain_text(QUESTION)
    expect(qa).to_contain_text(ANSWER)
    assert re.search(r"Báo Thử nghiệm", qa.inner_text())
