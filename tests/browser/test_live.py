"""Browser test of the live briefing: a journalist sends a question from a phone in the room,
the moderator's screen (already open) shows it within seconds without being reloaded, the
moderator shortens it, allows it and presses "Next question", and the room's display shows it.

Elements are found by their ids, classes and data attributes (the texts are translated later).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.accounts.models import Role
from app.orgs.models import OrgKind
from app.timeutil import utcnow
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import PHONE, assert_no_horizontal_scroll, sign_in, watch_console
from tests.factories import make_briefing, make_org, make_user

pytestmark = pytest.mark.browser

QUESTION = "Xin hỏi: tiến độ giải phóng mặt bằng cao tốc Vân Đồn – Móng Cái đến nay ra sao ạ?"
SHORTENED = "Tiến độ giải phóng mặt bằng cao tốc Vân Đồn – Móng Cái?"
SECOND = "Giá vé tham quan vịnh Hạ Long năm tới có tăng không?"
SEEN_WITHIN = 6000  # ms: the moderator's queue polls every 2 seconds


def test_a_question_sent_from_a_phone_reaches_the_moderator_and_the_room_display(
    page: Page, live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    with live_server.session() as db:
        agency = make_org(
            db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Quảng Ninh", name_en="Quang Ninh Newspaper"
        )
        now = utcnow()
        briefing = make_briefing(
            db,
            announced=True,
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(minutes=85),
        )
        office = make_user(db, Role.PRESS_OFFICE)
        journalist = make_user(
            db, Role.JOURNALIST, org=agency, full_name="Nguyễn Văn An", press_card_number="QN-1"
        )
        briefing_id, office_email, journalist_email = briefing.id, office.email, journalist.email
    moderator_url = f"/office/briefings/{briefing_id}/live"
    problems = watch_console(page)

    # The moderator opens the live screen; nothing is waiting yet.
    sign_in(page, office_email)
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    page.goto(moderator_url)
    queue = page.locator("#live-queue")
    expect(queue.locator(".live-item")).to_have_count(0)
    page.evaluate("window.__marker = 1")  # gone if the page were loaded again

    # The room's display, on the room's computer (nobody signed in): waiting.
    display = new_context(base_url=live_server.url).new_page()
    display.goto(f"/briefings/{briefing_id}/display")
    expect(display.locator(".display-waiting")).to_be_visible()
    expect(display.locator(".site-header")).to_have_count(0)
    display.evaluate("window.__marker = 1")

    # A journalist in the room sends a question from a phone.
    phone = new_context(base_url=live_server.url, viewport=PHONE).new_page()
    sign_in(phone, journalist_email)
    expect(phone).to_have_url(f"{live_server.url}/dashboard")
    phone.goto(f"/briefings/{briefing_id}/live")
    phone.locator("#f-text").fill(QUESTION)
    phone.locator("#live-send").click()
    expect(phone.locator("#live-ask .live-notice")).to_be_visible()
    expect(phone.locator("#f-text")).to_have_value("")
    mine = phone.locator("#live-mine .live-mine-item")
    expect(mine).to_have_count(1)
    expect(mine.first).to_have_attribute("data-state", "pending")

    # Within seconds the moderator's open page shows it, waiting, without a reload.
    pending = queue.locator(".live-group--pending .live-item")
    expect(pending).to_contain_text(QUESTION, timeout=SEEN_WITHIN)
    expect(pending).to_contain_text("Nguyễn Văn An")
    expect(pending).to_contain_text("Báo Quảng Ninh")
    assert page.evaluate("window.__marker") == 1

    # The moderator starts shortening the wording; a second question arrives meanwhile, and
    # the refresh that brings it leaves the text being typed alone.
    item = pending.filter(has_text=QUESTION)
    wording = item.locator("textarea[name=text]")
    wording.fill(SHORTENED)
    phone.locator("#f-text").fill(SECOND)
    phone.locator("#live-send").click()
    expect(queue.locator(".live-group--pending .live-item")).to_have_count(2, timeout=SEEN_WITHIN)
    item = queue.locator(".live-item").filter(has_text=QUESTION)
    expect(item.locator("textarea[name=text]")).to_have_value(SHORTENED)

    # Allow it with the shorter wording; the original stays visible to the moderator.
    item.locator("button.live-allow").click()
    allowed = queue.locator(".live-group--allowed .live-item")
    expect(allowed).to_have_count(1)
    expect(allowed.locator(".live-text")).to_have_text(SHORTENED)
    expect(allowed.locator(".live-original")).to_contain_text(QUESTION)

    # "Next question": it is now being answered, on every screen.
    page.locator("#live-next").click()
    current = queue.locator(".live-group--current .live-item")
    expect(current.locator(".live-text")).to_have_text(SHORTENED)
    expect(queue.locator(".live-group--allowed .live-item")).to_have_count(0)
    expect(display.locator(".display-question")).to_have_text(SHORTENED, timeout=SEEN_WITHIN)
    expect(display.locator(".display-agency")).to_have_text("Báo Quảng Ninh")
    expect(display.locator(".display-question")).not_to_contain_text(SECOND)
    expect(phone.locator("#live-mine [data-state=current]")).to_contain_text(
        SHORTENED, timeout=SEEN_WITHIN
    )
    assert page.evaluate("window.__marker") == 1
    assert display.evaluate("window.__marker") == 1

    # Pressing it again with nothing allowed: the question is answered, the display waits.
    page.locator("#live-next").click()
    expect(queue.locator(".live-group--answered .live-item")).to_contain_text(SHORTENED)
    expect(display.locator(".display-waiting")).to_be_visible(timeout=SEEN_WITHIN)
    assert page.evaluate("window.__marker") == 1
    assert problems == []


# --- The moderator's screen on a phone, and the room's display with its QR code -------------------

LONG_AGENCY = "Trung tâm Truyền thông và Văn hóa đặc khu Vân Đồn – Cô Tô (Quảng Ninh)"
LONG_WORD = "https://baoquangninh.vn/" + "tien-do-giai-phong-mat-bang-" * 6  # one unbroken word


def _seed_queue(live_server: LiveServer) -> tuple[int, str, str]:
    """A live briefing whose queue holds a question in every state, with long names and an
    unbroken long word; the office's and a journalist's e-mail."""
    from app.audit.service import Actor
    from app.questions import service
    from app.questions.service import QuestionInput

    with live_server.session() as db:
        agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi=LONG_AGENCY, name_en=LONG_AGENCY)
        now = utcnow()
        briefing = make_briefing(
            db,
            announced=True,
            title_vi="Họp báo thường kỳ Ủy ban nhân dân tỉnh Quảng Ninh quý IV năm 2026",
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(minutes=85),
        )
        office = make_user(db, Role.PRESS_OFFICE)
        journalists = [
            make_user(
                db,
                Role.JOURNALIST,
                org=agency,
                full_name=f"Phóng viên Nguyễn Thị Minh Khai {i}",
                press_card_number=f"QN-{i}",
            )
            for i in range(3)
        ]
        questions = []
        for i, j in enumerate(journalists * 2):
            actor = Actor(j.id, j.email, j.role.value, j.organisation_id, None)
            q, _ = service.ask(
                db,
                actor=actor,
                data=QuestionInput(
                    text=f"Câu hỏi số {i}: {QUESTION} {LONG_WORD if i == 1 else ''}",
                    briefing_id=briefing.id,
                ),
                rate_limit=50,
                rate_window_minutes=10,
            )
            questions.append((q, actor))
        moderator = Actor(office.id, office.email, office.role.value, None, None)
        bid = briefing.id or 0
        for q, _actor in questions[:4]:
            service.allow(db, actor=moderator, briefing_id=bid, question_id=q.id or 0)
        service.next_question(db, actor=moderator, briefing_id=bid)  # #0 is answered now
        service.dismiss(db, actor=moderator, briefing_id=bid, question_id=questions[4][0].id or 0)
        # Votes from the other journalists on the allowed questions #1 and #2.
        for q, _ in questions[1:3]:
            for _q, voter in questions[:3]:
                if voter.user_id != q.journalist_id:
                    service.vote(db, actor=voter, briefing_id=bid, question_id=q.id or 0)
        return bid, office.email, journalists[0].email


def test_the_moderator_screen_fits_a_phone_screen_with_votes_beside_the_questions(
    browser: Browser, live_server: LiveServer
) -> None:
    briefing_id, office_email, _journalist = _seed_queue(live_server)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        problems = watch_console(page)
        sign_in(page, office_email)
        expect(page).to_have_url(f"{live_server.url}/dashboard")
        page.goto(f"/office/briefings/{briefing_id}/live")
        page.reload()  # a full layout of the page, as a phone loads it
        queue = page.locator("#live-queue")
        expect(queue.locator(".live-group--current .live-item")).to_have_count(1)
        expect(queue.locator(".live-group--allowed .live-item")).to_have_count(3)
        expect(queue.locator(".live-votes[data-votes='2']")).to_have_count(2)
        assert_no_horizontal_scroll(page)
        assert problems == []
    finally:
        context.close()


def test_the_room_display_shows_a_qr_code_of_the_phone_page_and_the_next_question(
    page: Page, live_server: LiveServer
) -> None:
    briefing_id, _office, _journalist = _seed_queue(live_server)
    problems = watch_console(page)
    page.goto(f"/briefings/{briefing_id}/display")
    qr = page.locator(".display-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 100 and abs(box["width"] - box["height"]) < 2
    expect(qr.locator("path")).to_have_count(2)  # the white quiet zone and the dark modules
    address = f"{live_server.settings.public_base_url}/briefings/{briefing_id}/live"
    expect(page.locator(".display-address")).to_have_text(address.split("://", 1)[1])
    # What a phone's camera reads: the code as the screen shows it, decoded by a real decoder.
    shot = Image.open(io.BytesIO(qr.screenshot()))
    assert [b.text for b in zxingcpp.read_barcodes(shot)] == [address]
    expect(page.locator(".display-question")).to_contain_text("Câu hỏi số 0")
    expect(page.locator(".display-next-text")).to_contain_text("Câu hỏi số 1")
    assert problems == []
