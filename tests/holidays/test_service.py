"""The working calendar on the database: Vietnamese public holidays (Tết included) from the
`holidays` package, plus the days off and worked days the administrator adds."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.errors import NotFound, ValidationFailed
from app.holidays import service
from app.holidays.models import CalendarDay

ACTOR = Actor.system("test")
TET_2027 = [date(2027, 2, d) for d in range(4, 11)]  # 29 Tết to the 5th day, Thursday–Wednesday


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {k: v.render("en") for k, v in exc.value.errors.items()}


def events(db: Session, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
    return list(db.exec(query).all())


def add(
    db: Session,
    day: date | None,
    name_vi: str = "Nghỉ bù",
    name_en: str = "",
    *,
    is_day_off: bool = True,
) -> CalendarDay:
    return service.add_day(
        db, actor=ACTOR, day=day, name_vi=name_vi, name_en=name_en, is_day_off=is_day_off
    )


def test_the_package_knows_tet_2027() -> None:
    # The dates every other test relies on; if the package changes them, these tests say so.
    vn = holidays.country_holidays("VN", years=2027)
    assert all(d in vn for d in TET_2027)


def test_without_overrides_weekends_and_tet_are_not_working_days(db: Session) -> None:
    calendar = service.work_calendar(db)

    assert calendar.is_working_day(date(2027, 3, 10))  # an ordinary Wednesday
    assert not calendar.is_working_day(date(2027, 3, 13))  # Saturday
    assert not calendar.is_holiday(date(2027, 3, 13))  # a weekend is not a holiday
    assert all(calendar.is_holiday(d) and not calendar.is_working_day(d) for d in TET_2027)
    assert calendar.holiday_name(date(2027, 2, 6)) is not None
    assert calendar.next_working_day(date(2027, 2, 4)) == date(2027, 2, 11)
    assert calendar.previous_working_day(date(2027, 2, 10)) == date(2027, 2, 3)
    assert calendar.next_working_day(date(2027, 3, 10)) == date(2027, 3, 10)


def test_an_added_day_off_is_not_worked_and_is_skipped(db: Session) -> None:
    wednesday = date(2027, 3, 10)
    add(db, wednesday, name_vi="Nghỉ bù Giỗ Tổ", name_en="Bridge day")

    calendar = service.work_calendar(db)

    assert not calendar.is_working_day(wednesday)
    assert calendar.is_holiday(wednesday)
    assert calendar.holiday_name(wednesday) == "Nghỉ bù Giỗ Tổ"
    assert calendar.next_working_day(wednesday) == date(2027, 3, 11)
    assert calendar.previous_working_day(wednesday) == date(2027, 3, 9)
    assert calendar.is_working_day(date(2027, 3, 11))


def test_a_worked_day_makes_a_tet_day_or_a_saturday_working(db: Session) -> None:
    add(db, date(2027, 2, 10), name_vi="Làm việc bù", is_day_off=False)
    add(db, date(2027, 2, 13), name_vi="Làm bù thứ Bảy", is_day_off=False)

    calendar = service.work_calendar(db)

    assert calendar.is_working_day(date(2027, 2, 10))
    assert not calendar.is_holiday(date(2027, 2, 10))
    assert calendar.holiday_name(date(2027, 2, 10)) is None
    assert calendar.next_working_day(date(2027, 2, 4)) == date(2027, 2, 10)
    assert calendar.is_working_day(date(2027, 2, 13))  # a Saturday
    assert not calendar.is_working_day(date(2027, 2, 9))  # the rest of Tết is still off


def test_add_day_stores_the_row_and_audits_it(db: Session) -> None:
    row = add(db, date(2027, 3, 10), name_vi="  Nghỉ bù  ", name_en=" Bridge day ")

    [stored] = service.list_overrides(db)
    assert stored.id == row.id
    assert (stored.day, stored.name_vi, stored.name_en, stored.is_day_off) == (
        date(2027, 3, 10),
        "Nghỉ bù",
        "Bridge day",
        True,
    )
    [event] = events(db, "calendar_day.added")
    assert event.object_type == "calendar_day" and event.object_id == str(row.id)
    assert "10/03/2027" in event.summary and "off" in event.summary


def test_add_day_refuses_a_date_already_in_the_list(db: Session) -> None:
    add(db, date(2027, 3, 10))
    with pytest.raises(ValidationFailed) as exc:
        add(db, date(2027, 3, 10), name_vi="Lần nữa", is_day_off=False)
    assert errors_of(exc) == {"day": "This date is already in the list."}
    assert len(service.list_overrides(db)) == 1
    assert len(events(db, "calendar_day.added")) == 1


@pytest.mark.parametrize(
    ("day", "name_vi", "name_en", "expected"),
    [
        (None, "Nghỉ bù", "", {"day": "Enter the date."}),
        (date(2027, 3, 10), "   ", "", {"name_vi": "Enter the Vietnamese name."}),
        (date(2027, 3, 10), "N" * 201, "", {"name_vi": "Use at most 200 characters."}),
        (date(2027, 3, 10), "Nghỉ", "E" * 201, {"name_en": "Use at most 200 characters."}),
        (None, "", "", {"day": "Enter the date.", "name_vi": "Enter the Vietnamese name."}),
    ],
)
def test_add_day_refuses_bad_input(
    db: Session, day: date | None, name_vi: str, name_en: str, expected: dict[str, str]
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add(db, day, name_vi=name_vi, name_en=name_en)
    assert errors_of(exc) == expected
    assert service.list_overrides(db) == []
    assert events(db, "calendar_day.added") == []


def test_remove_day_gives_the_day_back_and_audits_it(db: Session) -> None:
    row = add(db, date(2027, 3, 10))
    assert not service.work_calendar(db).is_working_day(date(2027, 3, 10))

    service.remove_day(db, actor=ACTOR, day_id=row.id or 0)

    assert service.list_overrides(db) == []
    assert service.work_calendar(db).is_working_day(date(2027, 3, 10))
    [event] = events(db, "calendar_day.removed")
    assert event.object_id == str(row.id) and "10/03/2027" in event.summary


def test_remove_day_of_an_unknown_id_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        service.remove_day(db, actor=ACTOR, day_id=999)
    assert events(db, "calendar_day.removed") == []


def test_list_overrides_is_in_date_order(db: Session) -> None:
    for day in (date(2027, 5, 2), date(2027, 1, 2), date(2027, 3, 2)):
        add(db, day, name_vi=f"Ngày {day:%d/%m}")
    assert [r.day for r in service.list_overrides(db)] == [
        date(2027, 1, 2),
        date(2027, 3, 2),
        date(2027, 5, 2),
    ]


def test_holidays_in_lists_national_and_added_days_in_order(db: Session) -> None:
    add(db, date(2027, 3, 10), name_vi="Nghỉ bù", name_en="Bridge day")
    add(db, date(2027, 2, 10), name_vi="Làm việc bù", name_en="Worked day", is_day_off=False)
    add(db, date(2028, 3, 10), name_vi="Năm sau")

    listed = service.holidays_in(db, 2027)

    by_day = {d: (name, source) for d, name, source in listed}
    assert [d for d, _, _ in listed] == sorted(by_day)
    assert all(d.year == 2027 for d in by_day)
    assert by_day[date(2027, 3, 10)] == ("Nghỉ bù", "added")
    assert by_day[date(2027, 2, 10)] == ("Làm việc bù", "worked")  # the override wins
    for d in TET_2027[:-1]:
        assert by_day[d][1] == "national"
    assert by_day[date(2027, 9, 2)][1] == "national"
    assert by_day[date(2027, 1, 1)][1] == "national"

    english = {d: name for d, name, _ in service.holidays_in(db, 2027, locale="en")}
    assert english[date(2027, 3, 10)] == "Bridge day"
    assert "Lunar New Year" in english[date(2027, 2, 6)]
    assert english[date(2027, 2, 6)] != by_day[date(2027, 2, 6)][0]  # Vietnamese names in vi


def test_holidays_in_falls_back_to_the_vietnamese_name(db: Session) -> None:
    add(db, date(2027, 3, 10), name_vi="Nghỉ bù", name_en="")
    english = {d: name for d, name, _ in service.holidays_in(db, 2027, locale="en")}
    assert english[date(2027, 3, 10)] == "Nghỉ bù"


def test_next_working_day_across_tet_2028_and_a_weekend(db: Session) -> None:
    vn = holidays.country_holidays("VN", years=2028)
    tet = sorted(d for d, name in vn.items() if "Lunar New Year" in name)
    calendar = service.work_calendar(db)

    after = calendar.next_working_day(tet[0])

    assert after > tet[-1] and after.weekday() < 5 and after not in vn
    day = tet[-1] + timedelta(days=1)
    while day < after:
        assert day.weekday() >= 5 or day in vn
        day += timedelta(days=1)
