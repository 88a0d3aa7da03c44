"""Browser test of the briefing calendar: the office plans a monthly series, announces and
postpones one occurrence, and a journalist sees the change on the public pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from app.accounts.models import Role
from app.audit.service import Actor
from app.briefings import service
from app.briefings.models import Briefing
from app.timeutil import to_local
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in
from tests.factories import make_org, make_user

pytestmark = pytest.mark.browser


# Friday 4 December 2026: a monthly series from tomorrow on, last Thursday of the month, generated
# to the end of the twelfth month ahead, has 13 briefings (31/12/2026 to 30/12/2027).
@pytest.mark.clock("2026-12-04T09:00+07:00")
def test_office_postpones_a_series_occurrence_and_a_journalist_sees_it(
    page: Page, live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    with live_server.session() as db:
        service.seed_kinds(db, actor=Actor.system("test"))
        department = make_org(db, name_vi="Sở Y tế")
        office = make_user(db, Role.PRESS_OFFICE)
        journalist = make_user(db, Role.JOURNALIST, press_card_number="TTX-1")
        department_id, office_email, journalist_email = (
            department.id,
            office.email,
            journalist.email,
        )

    sign_in(page, office_email)
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    page.get_by_role("link", name="Lịch họp báo").first.click()
    page.get_by_role("link", name="Thêm lịch định kỳ").click()
    expect(page.get_by_role("heading", name="Thêm lịch định kỳ")).to_be_visible()
    # The kind's defaults fill the form: monthly, last Thursday, 15:00; the preview shows dates.
    expect(page.locator("#series-preview")).to_contain_text(
        "Hằng tháng vào thứ Năm cuối cùng, lúc 15:00"
    )
    page.get_by_label("Sở Y tế").check()
    page.get_by_role("button", name="Tạo lịch định kỳ").click()
    expect(page).to_have_url(re.compile(r"/office/briefing-series/\d+$"))
    expect(page.locator(".flash")).to_contain_text("Đã tạo lịch định kỳ với 13 buổi họp báo")

    with live_server.session() as db:
        first = db.exec(select(Briefing).order_by(Briefing.starts_at)).first()
        assert first is not None and first.series_id is not None
        assert service.invitee_ids(db, first.id or 0) == [department_id]
        first_id, old_day = first.id, to_local(first.starts_at).date()
    assert old_day == date(2026, 12, 31)
    new_day = old_day + timedelta(days=7)

    page.locator(f'a[href="/office/briefings/{first_id}"]').first.click()
    expect(page).to_have_url(f"{live_server.url}/office/briefings/{first_id}")
    page.get_by_role("button", name="Thông báo buổi họp báo", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Đã thông báo buổi họp báo")

    page.locator("#f-postpone-day").fill(new_day.isoformat())
    page.locator("#f-postpone-start").fill("16:00")
    page.locator("#f-postpone-end").fill("17:30")
    page.locator("#f-postpone-reason").fill("Trùng lịch làm việc của lãnh đạo tỉnh")
    page.get_by_role("button", name="Dời lịch buổi họp báo", exact=True).click()
    # Announced: a page says what the public will see and who is told, before anything changes.
    expect(page.locator("h1")).to_have_text("Dời lịch buổi họp báo này?")
    expect(page.locator("#what-happens")).to_contain_text(f"{new_day:%d/%m/%Y} 16:00")
    page.get_by_role("button", name="Đồng ý, dời lịch buổi họp báo").click()
    expect(page.locator(".flash")).to_contain_text("Đã dời lịch buổi họp báo")

    journalist_page = new_context(base_url=live_server.url).new_page()
    sign_in(journalist_page, journalist_email)
    journalist_page.goto("/briefings")
    card = journalist_page.locator(".briefing-card").filter(has_text="Đã dời lịch")
    expect(card).to_contain_text("Trùng lịch làm việc của lãnh đạo tỉnh")
    expect(card).to_contain_text(f"{new_day:%d/%m/%Y} 16:00")
    card.get_by_role("link").click()
    expect(journalist_page).to_have_url(f"{live_server.url}/briefings/{first_id}")
    notice = journalist_page.locator(".notice")
    expect(notice).to_contain_text(f"Thời gian mới: {new_day:%d/%m/%Y} 16:00.")
    expect(notice).to_contain_text("Trùng lịch làm việc của lãnh đạo tỉnh")
    changes = journalist_page.locator(".changes")
    expect(changes).to_contain_text(f"từ {old_day:%d/%m/%Y} 15:00 sang {new_day:%d/%m/%Y} 16:00")
    # The planned occurrences of the series are not public.
    with live_server.session() as db:
        planned = db.exec(select(Briefing).where(Briefing.id != first_id)).first()
        assert planned is not None
    assert journalist_page.goto(f"/briefings/{planned.id}").status == 404


def test_department_and_journalist_cannot_open_the_office_calendar(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.session() as db:
        department = make_user(db, Role.DEPARTMENT)
        email = department.email
    sign_in(page, email)
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    expect(page.get_by_role("link", name="Lịch họp báo")).to_have_count(0)
    response = page.goto("/office/briefings")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bạn không có quyền truy cập trang này"
    )


@pytest.mark.clock("2026-12-04T09:00+07:00")
def test_a_series_that_clashes_is_shown_clashing_before_it_is_saved(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.session() as db:
        service.seed_kinds(db, actor=Actor.system("test"))
        office_email = make_user(db, Role.PRESS_OFFICE).email

    sign_in(page, office_email)
    page.goto("/office/briefing-series/new")
    page.get_by_role("button", name="Tạo lịch định kỳ").click()  # the kind's monthly series
    expect(page.locator(".flash")).to_contain_text("Đã tạo lịch định kỳ với 13 buổi họp báo")

    # The same series again: the preview lists the 13 clashes while the form is being filled.
    page.goto("/office/briefing-series/new")
    clashes = page.locator("#f-clashes")
    expect(clashes).to_contain_text("13 chỗ trùng lịch")
    expect(clashes.locator("li")).to_have_count(13)
    expect(clashes.locator("li").first).to_contain_text("trùng giờ với một buổi họp báo cùng loại")
    # Saving asks first; the series is created only on "save anyway".
    page.get_by_role("button", name="Tạo lịch định kỳ").click()
    expect(page.locator(".error-summary")).to_contain_text("trùng lịch")
    with live_server.session() as db:
        assert len(db.exec(select(Briefing)).all()) == 13
    page.get_by_role("button", name="Vẫn lưu chuỗi dù trùng lịch").click()
    expect(page.locator(".flash")).to_contain_text("Đã tạo lịch định kỳ với 13 buổi họp báo")
    with live_server.session() as db:
        assert len(db.exec(select(Briefing)).all()) == 26
