"""The holiday calendar admin page: Vietnam's public holidays (Tết included), the days the
administrator adds or removes, and what that does to a recurring series once regenerated."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

import holidays
import pytest
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing, BriefingKind, BriefingSeries, HolidayPolicy
from app.briefings.recurrence import RuleForm
from app.holidays.models import CalendarDay
from app.timeutil import local_today, to_local
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_kind, make_user

ACTOR = Actor.system("test")
PAGE = "/admin/holidays"
NON_ADMIN_ROLES = [Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.DEPARTMENT, Role.JOURNALIST]


def sign_in(web: WebClient, db: Session, role: Role = Role.ADMIN) -> WebClient:
    user = make_user(db, role=role)
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return web


@pytest.fixture
def admin(web: WebClient, db: Session) -> WebClient:
    return sign_in(web, db)


def tag(html: str, element_id: str) -> str:
    found = re.findall(rf'<(?:input|select|textarea)[^>]*\bid="{element_id}"[^>]*>', html)
    assert len(found) == 1, found
    return found[0]


def rows(html: str) -> list[str]:
    """The rows of the holiday table, as visible text."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [page_text(r).strip() for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def stored(db: Session) -> list[CalendarDay]:
    db.expire_all()
    return list(db.exec(select(CalendarDay)).all())


def ordinary_tuesday(after: date) -> date:
    """The first Tuesday after `after` whose Tuesday and Wednesday are ordinary working days."""
    day = after + timedelta(days=(1 - after.weekday()) % 7)
    while True:
        national = holidays.country_holidays("VN", years=day.year)
        if day not in national and day + timedelta(days=1) not in national:
            return day
        day += timedelta(days=7)


# --- The list ---------------------------------------------------------------------------------


def test_admin_sees_tet_from_the_national_calendar(admin: WebClient, db: Session) -> None:
    r = admin.get(PAGE, params={"year": 2027})

    assert r.status_code == 200
    assert "<h1>Ngày nghỉ lễ năm 2027</h1>" in r.text
    listed = rows(r.text)
    assert "06/02/2027 Tết Nguyên Đán Lịch nghỉ lễ quốc gia" in listed
    assert "02/09/2027 Quốc khánh Lịch nghỉ lễ quốc gia" in listed
    days = [date(int(r[6:10]), int(r[3:5]), int(r[0:2])) for r in listed]
    assert days == sorted(days) and all(d.year == 2027 for d in days)
    assert set(days) >= {date(2027, 2, d) for d in range(4, 11)}  # 29 Tết to the 5th day
    assert 'href="?year=2026"' in r.text and 'href="?year=2028"' in r.text


def test_list_is_in_english_in_the_english_interface(admin: WebClient, db: Session) -> None:
    admin.client.cookies.set("pd_lang", "en")
    r = admin.get(PAGE, params={"year": 2027})
    assert "<h1>Holidays in 2027</h1>" in r.text
    assert "06/02/2027 Lunar New Year National calendar" in rows(r.text)


def test_without_a_year_the_list_is_of_this_year(admin: WebClient, db: Session) -> None:
    year = local_today().year
    for params in ({}, {"year": "1492"}):
        r = admin.get(PAGE, params=params)
        assert f"<h1>Ngày nghỉ lễ năm {year}</h1>" in r.text
        assert f"01/01/{year} Tết Dương lịch Lịch nghỉ lễ quốc gia" in rows(r.text)


# --- Adding and removing ----------------------------------------------------------------------


def test_adding_a_day_off_shows_it_in_the_calendar(admin: WebClient, db: Session) -> None:
    day = date(2027, 2, 12)  # the Friday after Tết

    r = admin.post(
        PAGE,
        {
            "day": day.isoformat(),
            "name_vi": "Nghỉ sau Tết",
            "name_en": "Tet bridge day",
            "kind": "off",
        },
    )

    assert r.status_code == 303
    assert r.headers["location"] == f"{PAGE}?year=2027"
    page = admin.get(r.headers["location"])
    text = page_text(page.text)
    assert "Đã thêm ngày 12/02/2027 vào lịch." in text
    assert "12/02/2027 Nghỉ sau Tết Ngày nghỉ bổ sung" in rows(page.text)
    assert "Các ngày đã thêm" in text and "12/02/2027 · Nghỉ sau Tết · ngày nghỉ" in text
    [row] = stored(db)
    assert (row.day, row.is_day_off, row.name_en) == (day, True, "Tet bridge day")
    assert f'action="/admin/holidays/{row.id}/delete"' in page.text
    admin.client.cookies.set("pd_lang", "en")
    assert "12/02/2027 Tet bridge day Added day off" in rows(admin.get(r.headers["location"]).text)
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "calendar_day.added")).all()
    assert [e.object_id for e in events] == [str(row.id)]


def test_adding_a_worked_day_marks_it_as_worked(admin: WebClient, db: Session) -> None:
    saturday = date(2027, 2, 20)
    r = admin.post(
        PAGE, {"day": "20/02/2027", "name_vi": "Làm bù Tết", "name_en": "", "kind": "worked"}
    )
    assert r.status_code == 303
    page = admin.get(r.headers["location"]).text
    assert f"{dmy(saturday)} Làm bù Tết Ngày làm việc bù" in rows(page)
    assert "20/02/2027 · Làm bù Tết · ngày làm việc" in page_text(page)
    assert stored(db)[0].is_day_off is False


def test_adding_a_date_already_in_the_list_shows_the_error_beside_the_date(
    admin: WebClient, db: Session
) -> None:
    form = {"day": "2027-02-12", "name_vi": "Nghỉ sau Tết", "name_en": "", "kind": "off"}
    assert admin.post(PAGE, form).status_code == 303

    r = admin.post(PAGE, form | {"name_vi": "Ngày nghỉ khác"})

    assert r.status_code == 422
    assert 'aria-invalid="true"' in tag(r.text, "f-day")
    assert 'value="2027-02-12"' in tag(r.text, "f-day")
    error = re.search(r'<p class="error-text" id="f-day-error">(.*?)</p>', r.text, re.S)
    assert error is not None and "Ngày này đã có trong danh sách." in error.group(1)
    assert 'value="Ngày nghỉ khác"' in tag(r.text, "f-name_vi")
    assert "aria-invalid" not in tag(r.text, "f-name_vi")
    assert [d.name_vi for d in stored(db)] == ["Nghỉ sau Tết"]


def test_adding_without_a_date_or_a_name_marks_both_fields(admin: WebClient, db: Session) -> None:
    r = admin.post(PAGE, {"day": "31/02/2027", "name_vi": " ", "name_en": "", "kind": "off"})
    assert r.status_code == 422
    assert 'aria-invalid="true"' in tag(r.text, "f-day")
    assert 'aria-invalid="true"' in tag(r.text, "f-name_vi")
    text = page_text(r.text)
    assert "Hãy nhập ngày." in text and "Hãy nhập tên tiếng Việt." in text
    assert stored(db) == []


def test_a_refused_date_is_shown_with_the_list_of_its_year(admin: WebClient, db: Session) -> None:
    year = local_today().year + 2
    form = {"day": f"{year}-06-15", "name_vi": "Nghỉ", "name_en": "", "kind": "off"}
    assert admin.post(PAGE, form).status_code == 303

    r = admin.post(PAGE, form)

    assert r.status_code == 422
    assert f"<h1>Ngày nghỉ lễ năm {year}</h1>" in r.text
    assert f"15/06/{year} Nghỉ Ngày nghỉ bổ sung" in rows(r.text)


def test_removing_a_day_takes_it_off_the_calendar(admin: WebClient, db: Session) -> None:
    admin.post(PAGE, {"day": "2027-02-12", "name_vi": "Nghỉ sau Tết", "name_en": "", "kind": "off"})
    [row] = stored(db)
    row_id = row.id

    r = admin.post(f"{PAGE}/{row_id}/delete")

    assert r.status_code == 303
    assert "Đã xóa ngày này khỏi lịch." in page_text(admin.get(r.headers["location"]).text)
    assert stored(db) == []
    page = admin.get(PAGE, params={"year": 2027}).text
    assert not any(line.startswith("12/02/2027") for line in rows(page))
    assert "Các ngày đã thêm" not in page_text(page)
    assert admin.post(f"{PAGE}/{row_id}/delete").status_code == 404


def test_names_are_escaped(admin: WebClient, db: Session) -> None:
    evil = "<script>alert(1)</script>"
    admin.post(PAGE, {"day": "2027-03-03", "name_vi": evil, "name_en": evil, "kind": "off"})
    html = admin.get(PAGE, params={"year": 2027}).text
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- What a day off does to a series ----------------------------------------------------------


def weekly_series(db: Session) -> BriefingSeries:
    kind: BriefingKind = make_kind(db, "weekly_information")
    series, _ = briefings.create_series(
        db,
        actor=ACTOR,
        data=briefings.SeriesInput(
            kind_id=kind.id,
            title_vi="Thông tin báo chí tuần {week}/{year}",
            rule=RuleForm("weekly", weekday="TU"),
            dtstart=local_today() + timedelta(days=1),
            start_time=time(8, 30),
            duration_minutes=60,
            holiday_policy=HolidayPolicy.NEXT_WORKING_DAY,
            venue="Phòng họp số 2",
        ),
        horizon_months=12,
    )
    return series


def occurrence(db: Session, series: BriefingSeries, original: date) -> Briefing:
    db.expire_all()
    return next(
        b for b in briefings.series_briefings(db, series.id or 0) if b.original_date == original
    )


def test_a_day_off_moves_a_weekly_occurrence_once_the_series_is_regenerated(
    admin: WebClient, new_web: Any, db: Session
) -> None:
    series = weekly_series(db)
    tuesday = ordinary_tuesday(local_today() + timedelta(days=14))
    wednesday = tuesday + timedelta(days=1)
    assert to_local(occurrence(db, series, tuesday).starts_at).date() == tuesday
    office = sign_in(new_web(), db, Role.PRESS_OFFICE)

    added = admin.post(
        PAGE,
        {"day": tuesday.isoformat(), "name_vi": "Nghỉ lễ của tỉnh", "name_en": "", "kind": "off"},
    )
    assert added.status_code == 303
    assert "Các lịch định kỳ chỉ được điều chỉnh khi tạo lại lịch." in page_text(
        admin.get(added.headers["location"]).text
    )
    assert to_local(occurrence(db, series, tuesday).starts_at).date() == tuesday  # not yet

    r = office.post("/office/briefing-series/extend")

    assert r.status_code == 303
    assert "Đã tạo lịch cho 12 tháng tới" in page_text(office.get(r.headers["location"]).text)
    moved = occurrence(db, series, tuesday)
    assert to_local(moved.starts_at).date() == wednesday
    assert to_local(moved.starts_at).strftime("%H:%M") == "08:30"
    page = page_text(office.get(f"/office/briefing-series/{series.id}").text)
    assert f"{dmy(wednesday)} 08:30 (chuyển từ ngày {dmy(tuesday)})" in page
    month = office.get("/office/briefings", params={"month": wednesday.strftime("%Y-%m")}).text
    assert "Nghỉ lễ của tỉnh" in page_text(month)

    # Taking the day off back and regenerating puts the briefing back on its Tuesday.
    [row] = stored(db)
    assert admin.post(f"{PAGE}/{row.id}/delete").status_code == 303
    assert office.post("/office/briefing-series/extend").status_code == 303
    assert to_local(occurrence(db, series, tuesday).starts_at).date() == tuesday


def test_a_worked_day_is_not_shown_as_a_holiday_in_the_office_calendar(
    admin: WebClient, new_web: Any, db: Session
) -> None:
    assert (
        admin.post(
            PAGE, {"day": "2027-02-10", "name_vi": "Đi làm sớm", "name_en": "", "kind": "worked"}
        ).status_code
        == 303
    )
    office = sign_in(new_web(), db, Role.PRESS_OFFICE)
    html = office.get("/office/briefings", params={"month": "2027-02"}).text
    cells = [c.split("</td>")[0] for c in html.split('<td class="day')[1:]]
    tenth = next(c for c in cells if '>10<span class="visually-hidden">/2</span>' in c)
    ninth = next(c for c in cells if '>9<span class="visually-hidden">/2</span>' in c)
    assert "day--holiday" not in tenth
    assert "day--holiday" in ninth


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_ADMIN_ROLES, ids=lambda r: r.value)
def test_other_roles_cannot_see_or_change_the_holidays(
    web: WebClient, db: Session, role: Role
) -> None:
    row = CalendarDay(day=date(2027, 2, 12), name_vi="Nghỉ sau Tết")
    db.add(row)
    db.commit()
    sign_in(web, db, role)

    r = web.get(PAGE, params={"year": 2027})
    assert r.status_code == 403
    assert "Nghỉ sau Tết" not in r.text
    form = {"day": "2027-03-03", "name_vi": "Nghỉ", "name_en": "", "kind": "off"}
    assert web.post(PAGE, form).status_code == 403
    assert web.post(f"{PAGE}/{row.id}/delete").status_code == 403
    assert [d.day for d in stored(db)] == [date(2027, 2, 12)]


def test_anonymous_visitor_is_sent_to_sign_in(web: WebClient, db: Session) -> None:
    r = web.get(PAGE, params={"year": 2027})
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fadmin%2Fholidays%3Fyear%3D2027"
    r = web.post(PAGE, {"day": "2027-03-03", "name_vi": "Nghỉ", "name_en": "", "kind": "off"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert stored(db) == []


def test_form_without_the_csrf_token_is_refused(admin: WebClient, db: Session) -> None:
    form = {"day": "2027-03-03", "name_vi": "Nghỉ", "name_en": "", "kind": "off"}
    assert admin.post(PAGE, form, csrf=False).status_code == 403
    assert stored(db) == []
