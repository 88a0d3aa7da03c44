"""The briefing pages: the office calendar, the briefing and series forms, lifecycle actions,
compliance, the public pages and the dashboards, as people see them (HTML over HTTP).

The application uses today's real date, so every date here is built from `local_today()`.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit.service import Actor
from app.briefings import service
from app.briefings.models import (
    Briefing,
    BriefingInvitee,
    BriefingKind,
    BriefingSeries,
    BriefingStatus,
    HolidayPolicy,
)
from app.briefings.recurrence import RuleForm
from app.briefings.states import Step
from app.orgs import service as orgs_service
from app.orgs.models import Organisation
from app.timeutil import LOCAL_TZ, local_today, to_local
from tests.conftest import WebClient, page_text
from tests.factories import make_briefing, make_org, make_user
from tests.support import signed_in

ACTOR = Actor.system("test")
CALENDAR = "/office/briefings"
NEW = "/office/briefings/new"
SERIES_NEW = "/office/briefing-series/new"
PREVIEW = "/office/briefing-series/preview"
HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
S = BriefingStatus


# --- Helpers ---------------------------------------------------------------------------------


@pytest.fixture
def office(web: WebClient, db: Session) -> WebClient:
    signed_in(web, db, Role.PRESS_OFFICE)
    return web


@pytest.fixture
def kinds(db: Session) -> dict[str, BriefingKind]:
    """The real kinds of briefing and organisations, with their defaults (chair, venue...)."""
    orgs_service.seed(db, actor=ACTOR)
    service.seed_kinds(db, actor=ACTOR)
    return {k.code: k for k in service.kinds(db)}


def local_at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=LOCAL_TZ).astimezone(UTC)


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def stamp(value: datetime) -> str:
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def reload(db: Session, briefing_id: int | None) -> Briefing:
    db.expire_all()
    found = db.get(Briefing, briefing_id)
    assert found is not None
    return found


def tag(html: str, element_id: str) -> str:
    """The opening tag of the form control with this id."""
    found = re.findall(rf'<(?:input|select|textarea)[^>]*\bid="{element_id}"[^>]*>', html)
    assert len(found) == 1, found
    return found[0]


def error_text(html: str, element_id: str) -> str:
    """The error message shown beside a field (id="<field>-error")."""
    found = re.search(rf'<p class="error-text" id="{element_id}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no error beside {element_id}"
    return page_text(found.group(1)).strip()


def hidden(html: str, name: str) -> str:
    found = re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)">', html)
    assert found, name
    return found[0]


def day_cell(html: str, day: date) -> str:
    """The month grid's cell for one day."""
    marker = f'>{day.day}<span class="visually-hidden">/{day.month}</span>'
    cells = [c.split("</td>")[0] for c in html.split('<td class="day')[1:] if marker in c]
    assert len(cells) == 1, day
    return cells[0]


def flashes(web: WebClient, url: str) -> str:
    """The visible text of the page a redirect leads to (its flash messages included)."""
    r = web.get(url)
    assert r.status_code == 200, r.text
    return page_text(r.text)


def briefing_form(kind: BriefingKind, **over: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "kind_id": str(kind.id),
        "title_vi": "Họp báo về dự án cầu Cửa Lục 3",
        "title_en": "Press conference on the Cua Luc 3 bridge",
        "day": (local_today() + timedelta(days=14)).isoformat(),
        "start": "15:00",
        "end": "16:30",
        "venue": "Hội trường UBND tỉnh",
        "online_url": "",
        "chair": "Phó Chủ tịch UBND tỉnh",
        "organiser_org_id": "",
        "content_deadline": "",
        "notes": "Phóng viên đăng ký trước 12:00.",
        "sequence": "",
    }
    form.update(over)
    return form


def series_form(kind: BriefingKind, **over: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "kind_id": str(kind.id),
        "title_vi": "Họp báo thường kỳ tháng {month}/{year}",
        "title_en": "",
        "pattern": "monthly_weekday",
        "weekday": "TH",
        "ordinal": "-1",
        "monthday": "1",
        "interval": "1",
        "custom": "",
        "dtstart": (local_today() + timedelta(days=1)).isoformat(),
        "until": "",
        "start_time": "15:00",
        "duration_minutes": "120",
        "holiday_policy": "keep",
        "venue": "Hội trường UBND tỉnh Quảng Ninh",
        "online_url": "",
        "chair": "Người phát ngôn UBND tỉnh",
        "organiser_org_id": "",
        "content_days_before": "5",
        "notes": "",
        "sequence": "",
        "invitee_ids": [],
    }
    form.update(over)
    return form


def last_thursdays(start: date, n: int) -> list[date]:
    """The last Thursdays of the months from `start` on (the monthly press conference)."""
    out: list[date] = []
    year, month = start.year, start.month
    while len(out) < n:
        last = date(year, month, calendar.monthrange(year, month)[1])
        thursday = last - timedelta(days=(last.weekday() - 3) % 7)
        if thursday >= start:
            out.append(thursday)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def make_series(
    db: Session, kind: BriefingKind, **over: Any
) -> tuple[BriefingSeries, list[Briefing]]:
    """A monthly series on the last Thursday at 15:00 from tomorrow, through the service."""
    data = service.SeriesInput(
        kind_id=kind.id,
        title_vi=over.pop("title_vi", "Họp báo thường kỳ tháng {month}/{year}"),
        rule=over.pop("rule", RuleForm("monthly_weekday", weekday="TH", ordinal=-1)),
        dtstart=local_today() + timedelta(days=1),
        start_time=time(15),
        duration_minutes=120,
        holiday_policy=over.pop("holiday_policy", HolidayPolicy.KEEP),
        venue="Hội trường UBND tỉnh Quảng Ninh",
        chair="Người phát ngôn UBND tỉnh",
        **over,
    )
    series, _ = service.create_series(db, actor=ACTOR, data=data, horizon_months=12)
    return series, service.series_briefings(db, series.id or 0)


def invite(db: Session, briefing: Briefing, *organisations: Organisation) -> None:
    """Invite organisations to a briefing (the office form's checkboxes, through the service)."""
    start, end = to_local(briefing.starts_at), to_local(briefing.ends_at)
    service.update(
        db,
        actor=ACTOR,
        briefing_id=briefing.id or 0,
        data=service.BriefingInput(
            kind_id=briefing.kind_id,
            title_vi=briefing.title_vi,
            day=start.date(),
            start=start.time(),
            end=end.time(),
            venue=briefing.venue,
            chair=briefing.chair,
            invitee_ids=[o.id or 0 for o in organisations],
        ),
        expected_sequence=None,
    )


def act(web: WebClient, briefing: Briefing, action: str, **form: str) -> Any:
    return web.post(f"/office/briefings/{briefing.id}/actions/{action}", form)


# --- The office calendar ---------------------------------------------------------------------


def test_month_grid_shows_this_months_briefings_on_their_local_day_with_time(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    today = local_today()
    # 06:30 in Hà Nội is 23:30 UTC the day before: the grid must use the local day.
    early = make_briefing(
        db,
        title_vi="Họp báo sớm",
        starts_at=local_at(today, 6, 30),
        ends_at=local_at(today, 8),
    )
    assert early.starts_at.astimezone(UTC).date() == today - timedelta(days=1)

    r = office.get(CALENDAR)

    assert r.status_code == 200
    assert "<html" in r.text
    assert f"Tháng {today:%m/%Y}" in page_text(r.text)
    cell = day_cell(r.text, today)
    assert f'href="/office/briefings/{early.id}"' in cell
    assert "06:30 Họp báo sớm" in page_text(cell)
    assert "Họp báo sớm" not in day_cell(r.text, today - timedelta(days=1))


def test_month_grid_names_the_public_holiday(office: WebClient, db: Session) -> None:
    r = office.get(CALENDAR, params={"month": "2027-02"})

    assert r.status_code == 200
    assert "Tháng 02/2027" in page_text(r.text)
    tet = day_cell(r.text, date(2027, 2, 6))
    assert "day--holiday" in tet
    assert '<p class="holiday">Tết Nguyên Đán</p>' in tet
    assert "day--holiday" not in day_cell(r.text, date(2027, 2, 17))
    # In English the holiday has its English name.
    office.client.cookies.set("pd_lang", "en")
    english = office.get(CALENDAR, params={"month": "2027-02"}).text
    assert "Lunar New Year" in page_text(day_cell(english, date(2027, 2, 6)))


def test_month_grid_tags_planned_postponed_and_cancelled_briefings(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    day = local_today() + timedelta(days=10)
    planned = make_briefing(db, days_ahead=10, hour=8, title_vi="Buổi dự kiến")
    announced = make_briefing(db, days_ahead=10, hour=10, announced=True, title_vi="Buổi công bố")
    postponed = make_briefing(
        db, days_ahead=10, hour=13, announced=True, status=S.POSTPONED, title_vi="Buổi dời"
    )
    cancelled = make_briefing(
        db, days_ahead=10, hour=16, announced=True, status=S.CANCELLED, title_vi="Buổi hủy"
    )

    html = office.get(CALENDAR, params={"month": day.strftime("%Y-%m")}).text
    items = {
        b.id: page_text(item)
        for b in (planned, announced, postponed, cancelled)
        for item in re.findall(r'<li class="item[^"]*">(.*?)</li>', day_cell(html, day), re.S)
        if f'href="/office/briefings/{b.id}"' in item
    }

    assert "08:00 Buổi dự kiến" in items[planned.id] and "Dự kiến" in items[planned.id]
    assert "Buổi công bố" in items[announced.id]
    assert not re.search(r"Dự kiến|Đã dời lịch|Đã hủy", items[announced.id])
    assert "Đã dời lịch" in items[postponed.id]
    assert "Đã hủy" in items[cancelled.id]


def test_two_overlapping_briefings_with_the_same_chair_are_tagged_as_conflicts(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    day = local_today() + timedelta(days=9)
    a = make_briefing(db, days_ahead=9, hour=9, chair="Phó Chủ tịch Nguyễn Văn A", venue="Phòng 1")
    b = make_briefing(
        db, days_ahead=9, hour=10, chair="  phó chủ tịch nguyễn văn a ", venue="Phòng 2"
    )
    other = make_briefing(db, days_ahead=9, hour=14, chair="Phó Chủ tịch Nguyễn Văn A")

    month = day.strftime("%Y-%m")
    html = office.get(CALENDAR, params={"month": month}).text
    items = re.findall(r'<li class="item[^"]*">.*?</li>', day_cell(html, day), re.S)
    tagged = {
        i: "Trùng lịch" in next(x for x in items if f'/office/briefings/{i}"' in x)
        for i in (a.id, b.id, other.id)
    }
    assert tagged == {a.id: True, b.id: True, other.id: False}

    listed = office.get(CALENDAR, params={"month": month, "view": "list"}).text
    rows = {
        i: next(
            r for r in re.findall(r"<tr>.*?</tr>", listed, re.S) if f'/office/briefings/{i}"' in r
        )
        for i in (a.id, b.id, other.id)
    }
    assert "Trùng lịch" in rows[a.id] and "Trùng lịch" in rows[b.id]
    assert "Trùng lịch" not in rows[other.id]


def test_list_view_lists_the_months_briefings_in_time_order(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    day = local_today() + timedelta(days=40)
    month = day.strftime("%Y-%m")
    later = make_briefing(db, days_ahead=40, hour=16, title_vi="Buổi chiều", venue="Phòng B")
    earlier = make_briefing(db, days_ahead=40, hour=8, title_vi="Buổi sáng", venue="Phòng A")
    make_briefing(db, days_ahead=100, title_vi="Tháng khác")

    r = office.get(CALENDAR, params={"month": month, "view": "list"})

    assert r.status_code == 200
    assert '<table class="month">' not in r.text
    text = page_text(r.text)
    assert f"{dmy(day)} 08:00–09:30 Buổi sáng Họp báo thường kỳ UBND tỉnh Phòng A Dự kiến" in text
    assert text.index("Buổi sáng") < text.index("Buổi chiều")
    assert f'href="/office/briefings/{later.id}"' in r.text
    assert f'href="/office/briefings/{earlier.id}"' in r.text
    assert "Tháng khác" not in text


def test_list_view_of_an_empty_month_says_so(office: WebClient, db: Session) -> None:
    r = office.get(CALENDAR, params={"month": "2031-03", "view": "list"})
    assert "Không có buổi họp báo nào trong tháng." in page_text(r.text)


def test_month_navigation_by_htmx_returns_only_the_calendar(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    day = local_today() + timedelta(days=45)
    b = make_briefing(db, days_ahead=45, announced=True, title_vi="Buổi tháng sau")
    month = day.strftime("%Y-%m")

    fragment = office.get(CALENDAR, params={"month": month}, headers=HTMX)

    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<section id="calendar"')
    assert f'href="/office/briefings/{b.id}"' in fragment.text
    assert 'id="editor"' not in fragment.text
    first = day.replace(day=1)
    prev_month = (first - timedelta(days=1)).strftime("%Y-%m")
    next_month = (first + timedelta(days=32)).strftime("%Y-%m")
    assert f'hx-get="/office/briefings?month={prev_month}&amp;view=month"' in fragment.text
    assert f'hx-get="/office/briefings?month={next_month}&amp;view=month"' in fragment.text

    for headers in ({}, BOOSTED):
        page = office.get(CALENDAR, params={"month": month}, headers=headers)
        assert "<html" in page.text and 'id="editor"' in page.text and 'id="calendar"' in page.text


@pytest.mark.parametrize("view", ["month", "list"])
def test_month_navigation_by_htmx_shows_planned_briefings_with_their_tag(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind], view: str
) -> None:
    day = local_today() + timedelta(days=45)
    b = make_briefing(db, days_ahead=45, title_vi="Buổi dự kiến tháng sau")

    r = office.get(CALENDAR, params={"month": day.strftime("%Y-%m"), "view": view}, headers=HTMX)

    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="calendar"')
    assert f'href="/office/briefings/{b.id}"' in r.text
    assert "Dự kiến" in page_text(r.text)


# --- New briefing ----------------------------------------------------------------------------


def test_new_briefing_form_starts_from_the_kinds_defaults(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    day = local_today() + timedelta(days=20)
    regular = kinds["regular_conference"]

    r = office.get(NEW, params={"date": day.isoformat()})

    assert r.status_code == 200
    assert "<html" in r.text
    assert f'value="{day.isoformat()}"' in tag(r.text, "f-day")
    title = f"Họp báo thường kỳ UBND tỉnh tháng {day:%m}/{day.year}"
    assert f'value="{title}"' in tag(r.text, "f-title_vi")
    assert 'value="Hội trường UBND tỉnh Quảng Ninh"' in tag(r.text, "f-venue")
    assert 'value="Người phát ngôn UBND tỉnh"' in tag(r.text, "f-chair")
    assert 'value="15:00"' in tag(r.text, "f-start")
    assert 'value="17:00"' in tag(r.text, "f-end")  # the kind lasts 120 minutes
    assert f'<option value="{regular.id}" selected>' in r.text
    assert f'<option value="{regular.organiser_org_id}" selected>' in r.text

    weekly = kinds["weekly_information"]
    r = office.get(NEW, params={"date": day.isoformat(), "kind": str(weekly.id)})
    week = day.isocalendar().week
    assert f'value="Hội nghị thông tin báo chí tuần {week:02d}/{day.year}"' in tag(
        r.text, "f-title_vi"
    )
    assert 'value="16:00"' in tag(r.text, "f-end")
    assert 'value="Phòng họp Ban Tuyên giáo và Dân vận Tỉnh ủy"' in tag(r.text, "f-venue")


def test_new_briefing_form_by_htmx_is_only_the_editor(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    day = local_today() + timedelta(days=3)
    r = office.get(NEW, params={"date": day.isoformat()}, headers=HTMX)
    assert r.status_code == 200
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<section class="panel" id="briefing-form">')
    assert 'hx-post="/office/briefings/new"' in r.text
    assert f'value="{day.isoformat()}"' in tag(r.text, "f-day")


def test_new_briefing_ending_before_it_starts_shows_the_error_beside_the_end(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    form = briefing_form(kinds["thematic_conference"], start="15:00", end="14:00")

    r = office.post(NEW, form)

    assert r.status_code == 422
    assert "<html" in r.text
    assert error_text(r.text, "f-end") == "Lỗi: Giờ kết thúc phải sau giờ bắt đầu."
    assert 'aria-invalid="true"' in tag(r.text, "f-end")
    assert 'value="14:00"' in tag(r.text, "f-end")
    assert 'href="#f-end"' in r.text
    for field in ("f-title_vi", "f-venue", "f-chair", "f-start", "f-day"):
        assert "aria-invalid" not in tag(r.text, field), field
    assert 'value="Họp báo về dự án cầu Cửa Lục 3"' in tag(r.text, "f-title_vi")
    assert 'value="Hội trường UBND tỉnh"' in tag(r.text, "f-venue")
    assert 'value="Phó Chủ tịch UBND tỉnh"' in tag(r.text, "f-chair")
    assert "Phóng viên đăng ký trước 12:00." in r.text
    assert db.exec(select(Briefing)).all() == []


def test_new_briefing_errors_by_htmx_come_back_as_the_editor_only(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    r = office.post(NEW, briefing_form(kinds["thematic_conference"], end="14:00"), headers=HTMX)
    assert r.status_code == 422
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<section class="panel" id="briefing-form">')
    assert 'aria-invalid="true"' in tag(r.text, "f-end")


def test_new_briefing_in_the_past_is_refused_beside_the_date(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    yesterday = (local_today() - timedelta(days=1)).isoformat()

    r = office.post(NEW, briefing_form(kinds["thematic_conference"], day=yesterday))

    assert r.status_code == 422
    assert "Thời gian này đã qua. Hãy chọn ngày giờ trong tương lai." in error_text(r.text, "f-day")
    assert 'aria-invalid="true"' in tag(r.text, "f-day")
    assert f'value="{yesterday}"' in tag(r.text, "f-day")
    assert db.exec(select(Briefing)).all() == []


def test_new_briefing_is_planned_with_its_invitees(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    health = make_org(db, name_vi="Sở Y tế Thử")
    transport = make_org(db, name_vi="Sở Giao thông Thử")
    make_org(db, name_vi="Sở Không Mời")
    form = briefing_form(
        kinds["thematic_conference"], invitee_ids=[str(health.id), str(transport.id)]
    )

    r = office.post(NEW, form)

    assert r.status_code == 303
    stored = db.exec(select(Briefing)).one()
    assert r.headers["location"] == f"/office/briefings/{stored.id}"
    assert stored.status == S.PLANNED and stored.announced_at is None
    assert to_local(stored.starts_at).strftime("%H:%M") == "15:00"
    assert sorted(service.invitee_ids(db, stored.id or 0)) == sorted(
        [health.id or 0, transport.id or 0]
    )

    text = flashes(office, r.headers["location"])
    assert "Đã lên lịch buổi họp báo. Hãy thông báo khi có thể công khai." in text
    assert "Lưu ý" not in text
    assert "Sở Y tế Thử; Sở Giao thông Thử" in text or "Sở Giao thông Thử; Sở Y tế Thử" in text
    assert "Sở Không Mời" not in text
    assert "<h1>Họp báo về dự án cầu Cửa Lục 3</h1>" in office.get(r.headers["location"]).text


def test_new_briefing_by_htmx_sends_the_browser_to_its_page(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    r = office.post(NEW, briefing_form(kinds["thematic_conference"]), headers=HTMX)

    stored = db.exec(select(Briefing)).one()
    assert r.status_code == 204
    assert r.headers["hx-redirect"] == f"/office/briefings/{stored.id}"


def test_new_briefing_at_the_same_venue_and_time_warns_of_the_conflict(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    other = make_briefing(
        db,
        days_ahead=14,
        hour=16,
        title_vi="Hội nghị giao ban đã có",
        venue="hội trường UBND  tỉnh",
        chair="Người khác",
    )

    r = office.post(NEW, briefing_form(kinds["thematic_conference"]))  # 15:00–16:30

    assert r.status_code == 303
    page = office.get(r.headers["location"])
    text = page_text(page.text)
    assert (
        f"Lưu ý: “Hội nghị giao ban đã có” lúc {stamp(other.starts_at)} có cùng người chủ trì"
        " hoặc địa điểm vào thời gian trùng nhau." in text
    )
    assert "flash--warning" in page.text
    assert f'href="/office/briefings/{other.id}"' in page.text  # the conflict notice links to it
    assert len(db.exec(select(Briefing)).all()) == 2  # a warning, not a refusal


# --- Editing ---------------------------------------------------------------------------------


def test_edit_form_carries_the_version_and_saves_the_changes(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=12, title_vi="Tên cũ")
    before = b.sequence
    url = f"/office/briefings/{b.id}/edit"

    form_page = office.get(url)

    assert form_page.status_code == 200
    assert hidden(form_page.text, "sequence") == str(b.sequence)
    assert 'value="Tên cũ"' in tag(form_page.text, "f-title_vi")
    assert f'action="{url}"' in form_page.text
    day = (local_today() + timedelta(days=13)).isoformat()
    r = office.post(
        url,
        briefing_form(
            kinds["regular_conference"],
            title_vi="Tên mới",
            day=day,
            start="09:00",
            end="11:00",
            sequence=hidden(form_page.text, "sequence"),
        ),
    )

    assert r.status_code == 303 and r.headers["location"] == f"/office/briefings/{b.id}"
    assert "Đã lưu buổi họp báo." in flashes(office, r.headers["location"])
    stored = reload(db, b.id)
    assert stored.title_vi == "Tên mới"
    assert to_local(stored.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day} 09:00"
    assert stored.sequence > before


def test_edit_with_a_stale_version_is_refused_and_changes_nothing(
    office: WebClient, new_web: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=12, title_vi="Bản gốc")
    url = f"/office/briefings/{b.id}/edit"
    mine = office.get(url).text
    colleague = new_web()
    signed_in(colleague, db, Role.SPOKESPERSON)
    theirs = colleague.get(url).text
    saved = colleague.post(
        url,
        briefing_form(
            kinds["regular_conference"],
            title_vi="Sửa bởi đồng nghiệp",
            day=to_local(b.starts_at).date().isoformat(),
            sequence=hidden(theirs, "sequence"),
        ),
    )
    assert saved.status_code == 303

    r = office.post(
        url,
        briefing_form(
            kinds["regular_conference"],
            title_vi="Sửa bởi tôi",
            day=to_local(b.starts_at).date().isoformat(),
            sequence=hidden(mine, "sequence"),
        ),
    )

    assert r.status_code == 409
    assert "Người khác đã thay đổi buổi họp báo này trong lúc bạn đang sửa." in page_text(r.text)
    assert reload(db, b.id).title_vi == "Sửa bởi đồng nghiệp"


def test_editing_one_occurrence_of_a_series_marks_it_as_edited_by_hand(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    series, occurrences = make_series(db, kinds["regular_conference"])
    target = occurrences[1]
    day = to_local(target.starts_at).date()
    url = f"/office/briefings/{target.id}/edit"
    form_page = office.get(url).text
    assert "Buổi họp báo này thuộc một lịch định kỳ." in page_text(form_page)
    assert f'href="/office/briefings/{target.id}/edit?scope=following"' in form_page

    r = office.post(
        url,
        briefing_form(
            kinds["regular_conference"],
            title_vi="Họp báo thường kỳ (chuyên đề du lịch)",
            day=day.isoformat(),
            start="15:00",
            end="17:00",
            sequence=hidden(form_page, "sequence"),
        ),
    )

    assert r.status_code == 303
    detail = page_text(office.get(f"/office/briefings/{target.id}").text)
    assert "đã sửa riêng" in detail
    assert "đã sửa riêng" not in page_text(
        office.get(f"/office/briefings/{occurrences[2].id}").text
    )
    assert reload(db, target.id).detached
    series_page = office.get(f"/office/briefing-series/{series.id}").text
    row = next(x for x in re.findall(r"<tr>.*?</tr>", series_page, re.S) if f'/{target.id}"' in x)
    assert "Họp báo thường kỳ (chuyên đề du lịch)" in row and "đã sửa riêng" in row


def test_the_time_of_an_announced_briefing_cannot_be_changed_in_the_form(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=12, announced=True, title_vi="Đã thông báo")
    before = (b.starts_at, b.sequence)
    url = f"/office/briefings/{b.id}/edit"
    form_page = office.get(url).text
    assert "Để đổi thời gian, hãy dùng “Dời lịch”" in page_text(form_page)

    r = office.post(
        url,
        briefing_form(
            kinds["regular_conference"],
            title_vi="Đã thông báo",
            day=(local_today() + timedelta(days=15)).isoformat(),
            sequence=hidden(form_page, "sequence"),
        ),
    )

    assert r.status_code == 422
    assert "Buổi họp báo đã được thông báo: hãy đổi thời gian bằng “Dời lịch”" in error_text(
        r.text, "f-day"
    )
    assert 'aria-invalid="true"' in tag(r.text, "f-day")
    stored = reload(db, b.id)
    assert (stored.starts_at, stored.sequence) == before


def test_editing_the_details_of_an_announced_briefing_is_shown_publicly(
    office: WebClient, new_web: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=12, announced=True, title_vi="Đã thông báo")
    day = to_local(b.starts_at).date().isoformat()
    url = f"/office/briefings/{b.id}/edit"
    form_page = office.get(url).text

    r = office.post(
        url,
        briefing_form(
            kinds["regular_conference"],
            title_vi="Đã thông báo",
            day=day,
            venue="Hội trường mới",
            sequence=hidden(form_page, "sequence"),
        ),
    )

    assert r.status_code == 303
    text = page_text(new_web().get(f"/briefings/{b.id}").text)
    assert "Hội trường mới" in text
    assert "Đã thay đổi thông tin" in text


def test_choosing_an_unknown_organisation_is_refused(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    r = office.post(NEW, briefing_form(kinds["thematic_conference"], invitee_ids=["999999"]))
    assert r.status_code == 422
    fieldset = r.text[r.text.index('id="f-invitee_ids"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "Hãy chọn cơ quan, đơn vị trong danh sách." in page_text(fieldset)
    assert db.exec(select(Briefing)).all() == []


# --- Lifecycle actions -----------------------------------------------------------------------


def test_announcing_makes_the_public_page_appear(
    office: WebClient, new_web: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=8, title_vi="Họp báo sắp công bố")
    public = new_web()
    assert public.get(f"/briefings/{b.id}").status_code == 404
    detail = office.get(f"/office/briefings/{b.id}").text
    assert f'action="/office/briefings/{b.id}/actions/announce"' in detail

    r = office.post(
        f"/office/briefings/{b.id}/actions/announce", {"sequence": hidden(detail, "sequence")}
    )

    assert r.status_code == 303 and r.headers["location"] == f"/office/briefings/{b.id}"
    text = flashes(office, r.headers["location"])
    assert "Đã thông báo buổi họp báo" in text
    page = public.get(f"/briefings/{b.id}")
    assert page.status_code == 200
    assert "<h1>Họp báo sắp công bố</h1>" in page.text
    assert reload(db, b.id).status == S.ANNOUNCED


def test_an_action_on_a_stale_page_is_refused(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=8)
    page = office.get(f"/office/briefings/{b.id}").text
    stale = hidden(page, "sequence")
    assert act(office, b, "cancel", sequence=stale, reason="").status_code == 303

    r = act(office, b, "announce", sequence=stale)

    assert r.status_code == 409
    assert "Người khác đã thay đổi buổi họp báo này" in page_text(r.text)
    stored = reload(db, b.id)
    assert stored.status == S.CANCELLED and stored.announced_at is None


def test_an_action_the_status_does_not_allow_is_refused(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=8)
    page = office.get(f"/office/briefings/{b.id}").text
    assert f'action="/office/briefings/{b.id}/actions/postpone"' not in page

    r = act(
        office,
        b,
        "postpone",
        new_day=(local_today() + timedelta(days=9)).isoformat(),
        new_start="09:00",
        new_end="10:00",
        reason="Lý do",
    )

    assert r.status_code == 409
    assert "Không thể thực hiện thao tác này ở trạng thái hiện tại" in page_text(r.text)
    assert reload(db, b.id).status == S.PLANNED


def test_postponing_without_a_reason_shows_the_error_on_the_page(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=8, announced=True)
    starts = b.starts_at
    new_day = (local_today() + timedelta(days=9)).isoformat()

    r = act(office, b, "postpone", new_day=new_day, new_start="09:00", new_end="10:30", reason="")

    assert r.status_code == 422
    assert "<html" in r.text
    assert "Hãy nêu lý do công khai." in error_text(r.text, "f-postpone-reason")
    assert 'aria-invalid="true"' in tag(r.text, "f-postpone-reason")
    assert f'value="{new_day}"' in tag(r.text, "f-postpone-day")
    assert 'value="09:00"' in tag(r.text, "f-postpone-start")
    stored = reload(db, b.id)
    assert stored.status == S.ANNOUNCED and stored.starts_at == starts


def test_postponing_with_a_reason_shows_the_change_publicly(
    office: WebClient, new_web: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=8, announced=True, title_vi="Họp báo quý")
    old_time = stamp(b.starts_at)
    new_day = local_today() + timedelta(days=11)
    reason = "Lãnh đạo tỉnh đi công tác đột xuất"

    fields = {
        "new_day": new_day.isoformat(),
        "new_start": "09:00",
        "new_end": "10:30",
        "reason": reason,
    }
    r = act(office, b, "postpone", **fields)
    assert r.status_code == 200  # announced: asked first, saying what the public sees
    asked = page_text(r.text)
    assert "Dời lịch buổi họp báo này?" in asked and f"{dmy(new_day)} 09:00" in asked
    assert stamp(reload(db, b.id).starts_at) == old_time  # nothing changed yet

    r = act(office, b, "postpone", **fields, confirm="1")
    assert r.status_code == 303
    assert "Đã dời lịch buổi họp báo" in flashes(office, r.headers["location"])
    public = new_web()
    text = page_text(public.get(f"/briefings/{b.id}").text)
    new_time = f"{dmy(new_day)} 09:00"
    assert "Đã dời lịch" in text
    assert f"Thời gian mới: {new_time}." in text
    assert reason in text
    assert f"từ {old_time} sang {new_time}" in text
    assert to_local(reload(db, b.id).starts_at).strftime("%d/%m/%Y %H:%M") == new_time
    listed = page_text(public.get("/briefings").text)
    assert "Đã dời lịch" in listed and reason in listed


def test_cancelling_shows_the_cancellation_publicly(
    office: WebClient, new_web: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=8, announced=True)

    r = act(office, b, "cancel", reason="Ảnh hưởng của bão số 3")
    assert r.status_code == 200
    assert "Hủy buổi họp báo này?" in page_text(r.text)
    assert reload(db, b.id).status == S.ANNOUNCED

    r = act(office, b, "cancel", reason="Ảnh hưởng của bão số 3", confirm="1")
    assert r.status_code == 303
    assert "Đã hủy buổi họp báo." in flashes(office, r.headers["location"])
    text = page_text(new_web().get(f"/briefings/{b.id}").text)
    assert "Đã hủy" in text and "Ảnh hưởng của bão số 3" in text
    assert reload(db, b.id).status == S.CANCELLED


def test_cancelling_says_who_will_be_told_before_it_is_done(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    org = make_org(db, name_vi="Sở Du lịch")
    b = make_briefing(db, days_ahead=8, announced=True)
    db.add(BriefingInvitee(briefing_id=b.id, organisation_id=org.id))
    db.commit()
    make_user(db, Role.DEPARTMENT, org=org)
    make_user(db, Role.DEPARTMENT, org=org)
    r = act(office, b, "cancel", reason="Bão")
    assert "2 cán bộ đầu mối của các đơn vị được mời và 0 phóng viên" in page_text(r.text)
    planned = make_briefing(db, days_ahead=9)  # not announced: nobody outside knows of it
    assert act(office, planned, "cancel", reason="").status_code == 303


def test_marking_as_held_before_the_start_is_refused(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=8, announced=True)

    r = act(office, b, "hold")

    assert r.status_code == 422
    held_card = r.text[r.text.index('id="action-hold"') :]
    held_card = held_card[: held_card.index("</section>")]
    assert "Chỉ ghi nhận đã tổ chức khi buổi họp báo đã bắt đầu." in page_text(held_card)
    assert "Có lỗi cần sửa" in page_text(r.text)
    assert reload(db, b.id).status == S.ANNOUNCED


def test_holding_then_publishing_the_record_shows_it_publicly(
    office: WebClient, new_web: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=-1, announced=True, title_vi="Họp báo hôm qua")

    assert act(office, b, "hold").status_code == 303
    r = act(
        office,
        b,
        "publish_record",
        record_summary="Đã trả lời 12 câu hỏi của phóng viên.",
        record_url="https://quangninh.gov.vn/hop-bao",
    )

    assert r.status_code == 303
    assert "Đã công bố kết quả buổi họp báo." in flashes(office, r.headers["location"])
    page = new_web().get(f"/briefings/{b.id}")
    text = page_text(page.text)
    assert "Kết quả buổi họp báo" in text
    assert "Đã trả lời 12 câu hỏi của phóng viên." in text
    assert 'href="https://quangninh.gov.vn/hop-bao"' in page.text
    assert reload(db, b.id).status == S.RECORD_PUBLISHED


def test_publishing_an_empty_record_shows_the_error_beside_the_summary(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=-1, announced=True, status=S.HELD)
    r = act(office, b, "publish_record", record_summary="", record_url="")
    assert r.status_code == 422
    assert error_text(r.text, "f-record-summary") == (
        "Lỗi: Hãy nhập tóm tắt hoặc đường dẫn đến bản ghi, video."
    )
    assert reload(db, b.id).status == S.HELD


# --- Series ----------------------------------------------------------------------------------


def test_new_series_form_starts_from_the_kinds_defaults(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    weekly = kinds["weekly_information"]

    r = office.get(SERIES_NEW, params={"kind": str(weekly.id)})

    assert r.status_code == 200
    assert f'<option value="{weekly.id}" selected>' in r.text
    assert 'value="Hội nghị thông tin báo chí tuần {week}/{year}"' in tag(r.text, "f-title_vi")
    assert 'value="60"' in tag(r.text, "f-duration_minutes")
    assert 'value="Phòng họp Ban Tuyên giáo và Dân vận Tỉnh ủy"' in tag(r.text, "f-venue")
    assert 'value="Lãnh đạo Ban Tuyên giáo và Dân vận Tỉnh ủy"' in tag(r.text, "f-chair")
    assert 'value="2"' in tag(r.text, "f-content_days_before")
    tomorrow = local_today() + timedelta(days=1)
    assert f'value="{tomorrow.isoformat()}"' in tag(r.text, "f-dtstart")
    assert 'action="/office/briefing-series/new"' in r.text


def test_preview_by_htmx_describes_the_rule_and_lists_the_next_dates(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    form = series_form(kinds["regular_conference"])

    r = office.get(PREVIEW, params=form, headers=HTMX)

    assert r.status_code == 200
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<div id="series-preview"')
    assert 'id="series-form"' not in r.text
    text = page_text(r.text)
    assert "Hằng tháng vào thứ Năm cuối cùng, lúc 15:00" in text
    expected = [dmy(d) for d in last_thursdays(local_today() + timedelta(days=1), 6)]
    assert re.findall(r"<li>(\d\d/\d\d/\d{4})", r.text) == expected


def test_preview_of_a_bad_custom_rule_shows_why(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    form = series_form(kinds["regular_conference"], pattern="custom", custom="FREQ=SOMETIMES")

    r = office.get(PREVIEW, params=form, headers=HTMX)

    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="series-preview"')
    assert "Quy tắc phải lặp lại hằng ngày, hằng tuần, hằng tháng hoặc hằng năm" in page_text(
        r.text
    )
    assert "<li>" not in r.text


def test_preview_moves_a_date_off_a_public_holiday(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    # Every year on 2 September (National Day): moved to the next working day.
    tomorrow = local_today() + timedelta(days=1)
    year = tomorrow.year if date(tomorrow.year, 9, 2) >= tomorrow else tomorrow.year + 1
    form = series_form(
        kinds["regular_conference"],
        pattern="custom",
        custom="FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=2",
        holiday_policy="next_working_day",
    )
    office.client.cookies.set("pd_lang", "en")

    r = office.get(PREVIEW, params=form, headers=HTMX)

    text = page_text(r.text)
    assert f"moved from 02/09/{year}, a public holiday" in text


def test_preview_without_javascript_shows_the_whole_form_with_the_dates(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    # The <noscript> button submits the form by GET to the preview address.
    form = series_form(kinds["regular_conference"], venue="Phòng họp tầng 3")

    r = office.get(PREVIEW, params=form)

    assert r.status_code == 200
    assert "<html" in r.text and 'id="series-form"' in r.text
    assert "Hằng tháng vào thứ Năm cuối cùng, lúc 15:00" in page_text(r.text)
    assert 'value="Phòng họp tầng 3"' in tag(r.text, "f-venue")
    assert 'action="/office/briefing-series/new"' in r.text


def test_preview_without_javascript_keeps_editing_the_same_series(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    kind = kinds["regular_conference"]
    series, _ = make_series(db, kind)
    page = office.get(f"/office/briefing-series/{series.id}").text
    form = series_form(
        kind,
        start_time="09:00",
        sequence=hidden(page, "sequence"),
        series_ref=hidden(page, "series_ref"),
    )

    r = office.get(PREVIEW, params=form)  # as the browser sends it, the hidden fields included

    assert r.status_code == 200
    assert f'action="/office/briefing-series/{series.id}"' in r.text
    assert 'action="/office/briefing-series/new"' not in r.text


def test_preview_shows_the_dates_while_the_title_is_still_empty(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    form = series_form(kinds["regular_conference"], title_vi="")

    r = office.get(PREVIEW, params=form, headers=HTMX)

    assert r.status_code == 200
    assert "Hằng tháng vào thứ Năm cuối cùng, lúc 15:00" in page_text(r.text)


def test_creating_a_series_plans_its_occurrences(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    invited = make_org(db, name_vi="Sở Du lịch Thử")
    form = series_form(kinds["regular_conference"], invitee_ids=[str(invited.id)])

    r = office.post(SERIES_NEW, form)

    assert r.status_code == 303, r.text
    series = db.exec(select(BriefingSeries)).one()
    assert r.headers["location"] == f"/office/briefing-series/{series.id}"
    assert series.rrule == "FREQ=MONTHLY;BYDAY=-1TH"
    occurrences = service.series_briefings(db, series.id or 0)
    dates = last_thursdays(local_today() + timedelta(days=1), len(occurrences))
    assert [to_local(b.starts_at).date() for b in occurrences] == dates
    assert len(occurrences) >= 12
    assert all(service.invitee_ids(db, b.id or 0) == [invited.id] for b in occurrences)

    page = office.get(r.headers["location"])
    text = page_text(page.text)
    assert f"Đã tạo lịch định kỳ với {len(occurrences)} buổi họp báo." in text
    assert "Các buổi của lịch định kỳ này" in text
    first = occurrences[0]
    assert f'href="/office/briefings/{first.id}"' in page.text
    assert f"{stamp(first.starts_at)} Họp báo thường kỳ tháng {dates[0]:%m}/{dates[0].year}" in text
    assert hidden(page.text, "sequence") == str(series.sequence)


def test_creating_a_series_with_a_bad_rule_shows_the_error_beside_the_rule(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    form = series_form(
        kinds["regular_conference"], pattern="custom", custom="FREQ=DAILY;BYHOUR=9,15"
    )

    r = office.post(SERIES_NEW, form)

    assert r.status_code == 422
    assert "Quy tắc này tạo ra hơn 400 buổi trong 12 tháng tới." in error_text(r.text, "f-rule")
    assert 'href="#f-rule"' in r.text
    assert 'value="FREQ=DAILY;BYHOUR=9,15"' in tag(r.text, "f-custom")
    assert '<option value="custom" selected>' in r.text
    assert db.exec(select(BriefingSeries)).all() == []
    assert db.exec(select(Briefing)).all() == []


def test_creating_a_series_whose_rule_gives_no_date_says_so(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    start = local_today() + timedelta(days=1)
    form = series_form(
        kinds["regular_conference"],
        pattern="monthly_day",
        monthday="31",
        dtstart=date(start.year + 1, 2, 1).isoformat(),
        until=date(start.year + 1, 2, 28).isoformat(),
    )
    r = office.post(SERIES_NEW, form)
    assert r.status_code == 422
    assert "Quy tắc này không tạo ra buổi nào" in error_text(r.text, "f-rule")


def test_editing_a_series_with_a_stale_version_is_refused(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    kind = kinds["regular_conference"]
    series, _ = make_series(db, kind)
    url = f"/office/briefing-series/{series.id}"
    old = hidden(office.get(url).text, "sequence")

    first = office.post(url, series_form(kind, start_time="14:00", sequence=old))
    assert first.status_code == 303
    assert "Đã lưu lịch định kỳ" in flashes(office, url)
    second = office.post(url, series_form(kind, start_time="08:00", sequence=old))

    assert second.status_code == 409
    assert "Người khác đã thay đổi" in page_text(second.text)
    db.expire_all()
    assert db.get(BriefingSeries, series.id).start_time == time(14)  # type: ignore[union-attr]
    assert {
        to_local(b.starts_at).strftime("%H:%M")
        for b in service.series_briefings(db, series.id or 0)
    } == {"14:00"}


def test_this_and_following_starts_a_new_series(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    kind = kinds["regular_conference"]
    series, occurrences = make_series(db, kind)
    split = occurrences[2]
    split_day = to_local(split.starts_at).date()

    form_page = office.get(f"/office/briefings/{split.id}/edit", params={"scope": "following"})

    assert form_page.status_code == 200
    text = page_text(form_page.text)
    assert "Thay đổi buổi này và các buổi sau" in text
    assert f"Lịch định kỳ hiện tại sẽ kết thúc trước ngày {dmy(split_day)}" in text
    assert f'action="/office/briefings/{split.id}/edit-following"' in form_page.text
    assert 'value="Họp báo thường kỳ tháng {month}/{year}"' in tag(form_page.text, "f-title_vi")

    r = office.post(
        f"/office/briefings/{split.id}/edit-following",
        series_form(kind, start_time="09:00", sequence=hidden(form_page.text, "sequence")),
    )

    assert r.status_code == 303
    db.expire_all()
    new = db.exec(select(BriefingSeries).where(BriefingSeries.id != series.id)).one()
    assert r.headers["location"] == f"/office/briefing-series/{new.id}"
    assert "Đã thay đổi buổi này và các buổi sau." in flashes(office, r.headers["location"])
    old = db.get(BriefingSeries, series.id)
    assert old is not None and old.until == split_day - timedelta(days=1)
    assert new.dtstart == split_day
    before = service.series_briefings(db, series.id or 0)
    after = service.series_briefings(db, new.id or 0)
    assert [b.id for b in before] == [occurrences[0].id, occurrences[1].id]
    assert {to_local(b.starts_at).strftime("%H:%M") for b in before} == {"15:00"}
    assert after[0].id == split.id
    assert {to_local(b.starts_at).strftime("%H:%M") for b in after} == {"09:00"}


def test_generating_ahead_reports_the_horizon(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    make_series(db, kinds["regular_conference"])
    listed = office.get("/office/briefing-series").text
    assert 'action="/office/briefing-series/extend"' in listed
    assert "Hằng tháng vào thứ Năm cuối cùng, lúc 15:00" in page_text(listed)

    r = office.post("/office/briefing-series/extend")

    assert r.status_code == 303 and r.headers["location"] == "/office/briefing-series"
    assert "Đã tạo lịch cho 12 tháng tới: thêm 0 buổi họp báo." in flashes(
        office, "/office/briefing-series"
    )


# --- Compliance ------------------------------------------------------------------------------


def compliance_state(html: str, label: str, period: str) -> str:
    sections = html.split('<section class="compliance-rule">')[1:]
    section = next(s for s in sections if f"<h2>{label}</h2>" in s)
    found = re.search(
        rf'<tr class="state--(\w+)">\s*<th scope="row"[^>]*>{re.escape(period)}</th>', section
    )
    assert found is not None, (label, period)
    return found.group(1)


LAW = "Họp báo của UBND tỉnh (tối thiểu theo quy định)"
MONTHLY = "Họp báo thường kỳ hằng tháng (kế hoạch của tỉnh)"
GIAO_BAN = "Hội nghị giao ban báo chí hằng tháng (kế hoạch của tỉnh)"
WEEKLY = "Hội nghị thông tin báo chí hằng tuần (kế hoạch của tỉnh)"


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_compliance_page_shows_the_rules_with_their_citation_and_states(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    year = 2027
    make_briefing(
        db,
        kind=kinds["regular_conference"],
        starts_at=local_at(date(year, 2, 25), 15),
        ends_at=local_at(date(year, 2, 25), 17),
    )

    r = office.get("/office/compliance", params={"year": year})

    assert r.status_code == 200
    text = page_text(r.text)
    assert f"Tình hình thực hiện năm {year}" in text
    assert "Nghị định 244/2026/NĐ-CP, điểm b khoản 2 Điều 6" in text
    assert "Nghị định 09/2017/NĐ-CP" not in text
    for label in (LAW, MONTHLY, GIAO_BAN, WEEKLY):
        assert f"<h2>{label}</h2>" in r.text
    assert compliance_state(r.text, MONTHLY, f"02/{year}") == "scheduled"
    assert compliance_state(r.text, MONTHLY, f"03/{year}") == "at_risk"
    assert compliance_state(r.text, LAW, f"Q1/{year}") == "scheduled"
    assert compliance_state(r.text, LAW, f"Q2/{year}") == "at_risk"
    assert "Đã lên lịch" in text and "Chưa có lịch để đáp ứng" in text


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_compliance_page_of_2026_says_which_rules_applied_where(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    text = page_text(office.get("/office/compliance", params={"year": 2026}).text)
    assert (
        "01/01/2026 – 30/06/2026: Nghị định 09/2017/NĐ-CP và kế hoạch của tỉnh Quảng Ninh" in text
    )
    assert (
        "01/07/2026 – 31/12/2026: Nghị định 244/2026/NĐ-CP và kế hoạch của tỉnh Quảng Ninh" in text
    )
    assert "Nghị định 09/2017/NĐ-CP, Điều 5" in text
    assert "Nghị định 244/2026/NĐ-CP, điểm b khoản 2 Điều 6" in text


def test_compliance_page_counts_a_held_conference_as_met(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    today = local_today()
    make_briefing(db, kind=kinds["regular_conference"], days_ahead=0, hour=0, status=S.HELD)
    r = office.get("/office/compliance", params={"year": today.year})
    assert compliance_state(r.text, MONTHLY, f"{today:%m}/{today.year}") == "met"
    quarter = (today.month - 1) // 3 + 1
    assert compliance_state(r.text, LAW, f"Q{quarter}/{today.year}") == "met"
    assert "Đạt" in page_text(r.text)


def test_dashboard_warns_when_nothing_is_scheduled_and_stops_when_it_is(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    today = local_today()
    month = f"{today:%m}/{today.year}"
    quarter = f"Q{(today.month - 1) // 3 + 1}/{today.year}"

    text = page_text(office.get("/dashboard").text)

    assert "Lịch họp báo chưa đáp ứng các quy định sau:" in text
    for label, period in ((LAW, quarter), (MONTHLY, month), (GIAO_BAN, month), (WEEKLY, month)):
        assert f"{label} · {period}: lịch chưa đủ để đáp ứng" in text, label

    # A regular press conference held this month meets the monthly plan and the legal minimum.
    make_briefing(db, kind=kinds["regular_conference"], days_ahead=0, hour=0, status=S.HELD)
    # A giao ban planned later this month (or today) schedules that rule.
    last = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    make_briefing(
        db,
        kind=kinds["monthly_giao_ban"],
        starts_at=local_at(last, 23),
        ends_at=local_at(last, 23, 30),
    )

    text = page_text(office.get("/dashboard").text)

    assert f"{MONTHLY} · {month}:" not in text
    assert f"{LAW} · {quarter}:" not in text
    assert f"{GIAO_BAN} · {month}:" not in text
    assert f"{WEEKLY} · {month}: lịch chưa đủ để đáp ứng" in text  # still nothing weekly
    assert "Lịch họp báo chưa đáp ứng các quy định sau:" in text


# --- Public pages ----------------------------------------------------------------------------


def test_public_list_shows_only_announced_briefings_soonest_first(
    client: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    later = make_briefing(db, days_ahead=10, announced=True, title_vi="Họp báo ngày mười")
    sooner = make_briefing(db, days_ahead=3, announced=True, title_vi="Họp báo ngày ba")
    planned = make_briefing(db, days_ahead=5, title_vi="Họp báo còn dự kiến")
    held = make_briefing(
        db, days_ahead=-5, announced=True, status=S.HELD, title_vi="Họp báo đã tổ chức"
    )
    recorded = make_briefing(
        db,
        days_ahead=-3,
        announced=True,
        status=S.RECORD_PUBLISHED,
        record_summary="Tóm tắt",
        title_vi="Họp báo có kết quả",
    )
    make_briefing(db, days_ahead=-4, title_vi="Họp báo cũ không công bố", status=S.CANCELLED)

    r = client.get("/briefings")

    assert r.status_code == 200
    text = page_text(r.text)
    assert "Họp báo còn dự kiến" not in text and "Họp báo cũ không công bố" not in text
    assert f'href="/briefings/{planned.id}"' not in r.text
    upcoming, past = r.text.split("<h2>Đã diễn ra</h2>")
    assert upcoming.index("Họp báo ngày ba") < upcoming.index("Họp báo ngày mười")
    assert (
        f'href="/briefings/{sooner.id}"' in upcoming and f'href="/briefings/{later.id}"' in upcoming
    )
    cards = {
        b.id: page_text(
            next(
                c
                for c in re.findall(r"<li class=\"briefing-card.*?</li>", past, re.S)
                if f'/briefings/{b.id}"' in c
            )
        )
        for b in (held, recorded)
    }
    assert "Đã có kết quả" in cards[recorded.id]
    assert "Đã có kết quả" not in cards[held.id]
    assert past.index("Họp báo có kết quả") < past.index("Họp báo đã tổ chức")  # latest first


def test_public_list_filters_by_kind(
    client: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    make_briefing(db, days_ahead=3, announced=True, title_vi="Họp báo tháng")
    make_briefing(
        db,
        kind=kinds["weekly_information"],
        days_ahead=4,
        announced=True,
        title_vi="Thông tin tuần",
    )

    r = client.get("/briefings", params={"kind": "weekly_information"})

    text = page_text(r.text)
    assert "Thông tin tuần" in text and "Họp báo tháng" not in text
    assert '<option value="weekly_information" selected>' in r.text
    # The subscribe buttons of the chosen kind are open.
    assert 'href="#subscribe-weekly_information"' in r.text
    assert '<details id="subscribe-weekly_information" open>' in r.text


def test_public_list_filter_by_htmx_returns_only_the_results(
    client: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    make_briefing(db, days_ahead=3, announced=True, title_vi="Họp báo tháng")
    make_briefing(
        db,
        kind=kinds["weekly_information"],
        days_ahead=4,
        announced=True,
        title_vi="Thông tin tuần",
    )

    r = client.get("/briefings", params={"kind": "weekly_information"}, headers=HTMX)

    assert r.status_code == 200
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<div id="results">')
    assert "Thông tin tuần" in r.text and "Họp báo tháng" not in r.text


def test_public_list_filter_by_htmx_with_no_result_returns_only_the_results(
    client: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    make_briefing(db, days_ahead=3, announced=True, title_vi="Họp báo tháng")
    r = client.get("/briefings", params={"kind": "weekly_information"}, headers=HTMX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="results">')
    assert "Họp báo tháng" not in r.text


def test_public_list_says_so_when_nothing_is_announced(
    client: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    make_briefing(db, days_ahead=3)
    text = page_text(client.get("/briefings").text)
    assert "Chưa có buổi họp báo nào được thông báo." in text


def test_public_page_exists_only_once_announced_and_shows_the_details(
    client: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    health = make_org(db, name_vi="Sở Y tế Thử")
    tourism = make_org(db, name_vi="Sở Du lịch Thử")
    b = make_briefing(
        db,
        days_ahead=6,
        title_vi="Họp báo về mùa du lịch",
        venue="Hội trường A",
        chair="Người phát ngôn UBND tỉnh",
    )
    invite(db, b, health, tourism)

    assert client.get(f"/briefings/{b.id}").status_code == 404
    service.transition(
        db,
        actor=ACTOR,
        briefing_id=b.id or 0,
        data=service.TransitionInput(Step.ANNOUNCE),
        expected_sequence=None,
    )
    r = client.get(f"/briefings/{b.id}")

    assert r.status_code == 200
    text = page_text(r.text)
    assert "<h1>Họp báo về mùa du lịch</h1>" in r.text
    when = f"{stamp(b.starts_at)}–16:30"
    assert when in text and "giờ Việt Nam" in text
    assert "Hội trường A" in text and "Người phát ngôn UBND tỉnh" in text
    assert "Các cơ quan, đơn vị dự" in text
    assert "Sở Y tế Thử" in text and "Sở Du lịch Thử" in text
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Thêm vào lịch của tôi</a>', r.text)
    assert link is not None and link.group(1) == f"/briefings/{b.id}.ics"
    assert f'href="/office/briefings/{b.id}"' not in r.text  # not for the public


def test_unknown_briefing_is_404(client: Any, db: Session) -> None:
    r = client.get("/briefings/999999")
    assert r.status_code == 404
    assert "Không tìm thấy trang" in r.text


def test_titles_are_escaped_everywhere(
    office: WebClient, new_web: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    evil = "<script>alert(1)</script>"
    b = make_briefing(db, days_ahead=2, announced=True, title_vi=evil, venue=evil, notes=evil)
    day = to_local(b.starts_at).date()
    public = new_web()

    pages = [
        public.get("/briefings").text,
        public.get(f"/briefings/{b.id}").text,
        office.get(CALENDAR, params={"month": day.strftime("%Y-%m")}).text,
        office.get(CALENDAR, params={"month": day.strftime("%Y-%m"), "view": "list"}).text,
        office.get(f"/office/briefings/{b.id}").text,
        office.get(f"/office/briefings/{b.id}/edit").text,
    ]
    for html in pages:
        assert evil not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    # The conflict warning names the other briefing: escaped too.
    r = office.post(
        NEW,
        briefing_form(
            kinds["thematic_conference"],
            day=day.isoformat(),
            start=to_local(b.starts_at).strftime("%H:%M"),
            end=to_local(b.ends_at).strftime("%H:%M"),
            venue=evil,
        ),
    )
    assert r.status_code == 303
    warned = office.get(r.headers["location"]).text
    assert "Lưu ý: “&lt;script&gt;alert(1)&lt;/script&gt;”" in warned
    assert evil not in warned


# --- Dashboards ------------------------------------------------------------------------------


def test_journalist_dashboard_lists_announced_upcoming_briefings(
    web: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    announced = make_briefing(db, days_ahead=4, announced=True, title_vi="Họp báo công bố")
    make_briefing(db, days_ahead=5, title_vi="Họp báo nội bộ")
    make_briefing(db, days_ahead=-4, announced=True, status=S.HELD, title_vi="Họp báo đã qua")
    signed_in(web, db, Role.JOURNALIST, press_card_number="A-123")

    r = web.get("/dashboard")

    assert 'data-dashboard="journalist"' in r.text
    text = page_text(r.text)
    assert "Họp báo công bố" in text
    assert f'href="/briefings/{announced.id}"' in r.text
    assert "Họp báo nội bộ" not in text and "Họp báo đã qua" not in text


def test_department_dashboard_lists_only_the_briefings_its_organisation_is_invited_to(
    web: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    mine = make_org(db, name_vi="Sở Của Tôi")
    theirs = make_org(db, name_vi="Sở Khác")
    invited = make_briefing(db, days_ahead=6, announced=True, title_vi="Mời sở tôi")
    other = make_briefing(db, days_ahead=7, announced=True, title_vi="Mời sở khác")
    nobody = make_briefing(db, days_ahead=8, announced=True, title_vi="Không mời ai")
    invite(db, invited, mine)
    invite(db, other, theirs)
    signed_in(web, db, Role.DEPARTMENT, org=mine)

    r = web.get("/dashboard")

    assert 'data-dashboard="department"' in r.text
    text = page_text(r.text)
    assert "Các buổi họp báo đơn vị được mời" in text
    assert "Mời sở tôi" in text
    assert "Mời sở khác" not in text and "Không mời ai" not in text
    assert nobody.title_vi not in text


def test_department_dashboard_says_so_when_not_invited(
    web: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    make_briefing(db, days_ahead=6, announced=True, title_vi="Mời sở khác")
    signed_in(web, db, Role.DEPARTMENT)
    text = page_text(web.get("/dashboard").text)
    assert "Mời sở khác" not in text
    assert "Đơn vị bạn chưa được mời dự buổi họp báo nào trong hai tháng tới." in text


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT, Role.JOURNALIST, Role.ADMIN], ids=lambda r: r.value
)
def test_other_roles_cannot_see_or_change_the_office_calendar(
    web: WebClient, db: Session, kinds: dict[str, BriefingKind], role: Role
) -> None:
    b = make_briefing(db, days_ahead=6, title_vi="Họp báo nội bộ")
    signed_in(web, db, role, **({"press_card_number": "B-1"} if role == Role.JOURNALIST else {}))

    for url in (CALENDAR, f"/office/briefings/{b.id}", NEW, SERIES_NEW, "/office/compliance"):
        r = web.get(url)
        assert r.status_code == 403, url
        assert "Họp báo nội bộ" not in r.text
    assert web.post(NEW, briefing_form(kinds["thematic_conference"])).status_code == 403
    assert act(web, b, "announce").status_code == 403
    assert web.post(SERIES_NEW, series_form(kinds["regular_conference"])).status_code == 403
    assert web.post("/office/briefing-series/extend").status_code == 403

    assert len(db.exec(select(Briefing)).all()) == 1
    assert reload(db, b.id).status == S.PLANNED
    assert db.exec(select(BriefingSeries)).all() == []


@pytest.mark.parametrize(
    "url", [CALENDAR, f"{CALENDAR}?month=2027-02", NEW, "/office/compliance", SERIES_NEW]
)
def test_anonymous_visitor_is_sent_to_sign_in(web: WebClient, url: str) -> None:
    r = web.get(url)
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next={quote(url, safe='')}"


def test_anonymous_post_changes_nothing(
    web: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=6)
    for r in (web.post(NEW, briefing_form(kinds["thematic_conference"])), act(web, b, "announce")):
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert len(db.exec(select(Briefing)).all()) == 1
    assert reload(db, b.id).status == S.PLANNED
    assert db.exec(select(Briefing).where(col(Briefing.announced_at).is_not(None))).all() == []


def test_spokesperson_may_use_the_office_calendar(
    web: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    signed_in(web, db, Role.SPOKESPERSON)
    assert web.get(CALENDAR).status_code == 200
    assert web.post(NEW, briefing_form(kinds["thematic_conference"])).status_code == 303


def test_nothing_leaks_before_announcement(
    client: Any, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    b = make_briefing(db, days_ahead=3, title_vi="Bí mật")
    assert "Bí mật" not in client.get("/").text
    assert "Bí mật" not in client.get("/briefings").text
    assert client.get(f"/briefings/{b.id}").status_code == 404
