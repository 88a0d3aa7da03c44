"""Recurrence rules without a database: month ends, last weekdays, Tết, rule checks."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.briefings.models import HolidayPolicy
from app.briefings.recurrence import (
    RuleForm,
    build_rule,
    check_rule,
    count_problem,
    describe,
    occurrences,
    parse_rule_form,
)
from app.holidays.service import WorkCalendar

CAL = WorkCalendar(days_off={}, worked=frozenset())


def dates(
    rule: str,
    start: date,
    end: date,
    policy: HolidayPolicy = HolidayPolicy.KEEP,
    calendar: WorkCalendar = CAL,
    until: date | None = None,
) -> list[date]:
    found = occurrences(
        rule,
        start,
        time(15),
        window_start=start,
        window_end=end,
        until=until,
        policy=policy,
        calendar=calendar,
    )
    return [o.day for o in found]


def test_31st_of_the_month_skips_shorter_months_as_rfc_5545_says() -> None:
    got = dates("FREQ=MONTHLY;BYMONTHDAY=31", date(2027, 1, 1), date(2027, 12, 31))
    assert [d.month for d in got] == [1, 3, 5, 7, 8, 10, 12]


def test_last_day_of_the_month_gives_every_month() -> None:
    got = dates("FREQ=MONTHLY;BYMONTHDAY=-1", date(2027, 1, 1), date(2027, 6, 30))
    assert got == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 30),
    ]


def test_last_thursday_of_each_month() -> None:
    got = dates("FREQ=MONTHLY;BYDAY=-1TH", date(2027, 1, 1), date(2027, 4, 30))
    assert got == [date(2027, 1, 28), date(2027, 2, 25), date(2027, 3, 25), date(2027, 4, 29)]
    assert all(d.weekday() == 3 for d in got)


def test_weekly_friday_at_0830() -> None:
    found = occurrences(
        "FREQ=WEEKLY;BYDAY=FR",
        date(2026, 12, 1),
        time(8, 30),
        window_start=date(2026, 12, 1),
        window_end=date(2026, 12, 31),
        until=None,
        policy=HolidayPolicy.KEEP,
        calendar=CAL,
    )
    assert [o.day.day for o in found] == [4, 11, 18, 25]


def test_series_across_tet_moves_to_the_next_working_day() -> None:
    # Tết 2027: 4-10 February are public holidays (Lunar New Year on Saturday 6 February).
    calendar = WorkCalendar(days_off={}, worked=frozenset())
    found = occurrences(
        "FREQ=WEEKLY;BYDAY=FR",
        date(2027, 1, 29),
        time(8, 30),
        window_start=date(2027, 1, 29),
        window_end=date(2027, 2, 19),
        until=None,
        policy=HolidayPolicy.NEXT_WORKING_DAY,
        calendar=calendar,
    )
    assert [(o.original, o.day) for o in found] == [
        (date(2027, 1, 29), date(2027, 1, 29)),
        (date(2027, 2, 5), date(2027, 2, 11)),  # Friday of Tết → Thursday 11 Feb, first working day
        (date(2027, 2, 12), date(2027, 2, 12)),
        (date(2027, 2, 19), date(2027, 2, 19)),
    ]
    assert found[1].holiday and found[1].moved


def test_series_across_tet_can_skip_instead() -> None:
    got = dates("FREQ=WEEKLY;BYDAY=FR", date(2027, 1, 29), date(2027, 2, 19), HolidayPolicy.SKIP)
    assert got == [date(2027, 1, 29), date(2027, 2, 12), date(2027, 2, 19)]


def test_a_move_onto_an_existing_date_does_not_double_it() -> None:
    # Daily series over Tết: every holiday moves to 11 Feb, which is already in the series once.
    got = dates("FREQ=DAILY", date(2027, 2, 3), date(2027, 2, 12), HolidayPolicy.NEXT_WORKING_DAY)
    assert got == [date(2027, 2, 3), date(2027, 2, 11), date(2027, 2, 12)]


def test_admin_days_off_and_worked_days_count() -> None:
    calendar = WorkCalendar(
        days_off={date(2027, 3, 5): "Nghỉ bù"}, worked=frozenset({date(2027, 2, 5)})
    )
    got = dates(
        "FREQ=WEEKLY;BYDAY=FR",
        date(2027, 2, 5),
        date(2027, 3, 12),
        HolidayPolicy.NEXT_WORKING_DAY,
        calendar,
    )
    assert date(2027, 2, 5) in got  # declared a working day although Tết
    assert (
        date(2027, 3, 8) in got and date(2027, 3, 5) not in got
    )  # moved past the added day off and the weekend


def test_until_ends_the_series() -> None:
    got = dates(
        "FREQ=WEEKLY;BYDAY=MO", date(2027, 3, 1), date(2027, 12, 31), until=date(2027, 3, 15)
    )
    assert got == [date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 15)]


@pytest.mark.parametrize(
    ("form", "rule"),
    [
        (RuleForm("weekly", weekday="FR"), "FREQ=WEEKLY;BYDAY=FR"),
        (RuleForm("monthly_weekday", weekday="TH", ordinal=-1), "FREQ=MONTHLY;BYDAY=-1TH"),
        (
            RuleForm("monthly_weekday", weekday="TU", ordinal=1, interval=2),
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU",
        ),
        (RuleForm("monthly_day", monthday=31), "FREQ=MONTHLY;BYMONTHDAY=31"),
        (
            RuleForm("custom", custom="rrule:freq=yearly;bymonth=6;bymonthday=21"),
            "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=21",
        ),
    ],
)
def test_form_choices_build_the_rule_and_read_back(form: RuleForm, rule: str) -> None:
    assert build_rule(form) == rule
    assert build_rule(parse_rule_form(rule)) == rule


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "FREQ=HOURLY",
        "FREQ=MINUTELY;INTERVAL=5",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=MONTHLY;UNTIL=20271231T000000Z",
        "nonsense",
    ],
)
def test_unusable_rules_are_refused_with_a_message(rule: str) -> None:
    assert check_rule(rule) is not None


def test_rule_giving_no_dates_or_thousands_is_refused() -> None:
    assert count_problem(0, 12) is not None
    none = dates("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", date(2027, 1, 1), date(2027, 12, 31))
    assert none == []
    many = occurrences(
        "FREQ=DAILY;INTERVAL=1",
        date(2027, 1, 1),
        time(9),
        window_start=date(2027, 1, 1),
        window_end=date(2028, 12, 31),
        until=None,
        policy=HolidayPolicy.KEEP,
        calendar=CAL,
    )
    assert count_problem(len(many), 24) is not None
    assert count_problem(52, 12) is None


def test_rules_are_described_for_people_in_both_languages() -> None:
    assert (
        describe("FREQ=MONTHLY;BYDAY=-1TH", time(15), "vi")
        == "Hằng tháng vào thứ Năm cuối cùng, lúc 15:00"
    )
    assert (
        describe("FREQ=MONTHLY;BYDAY=-1TH", time(15), "en")
        == "Every month on the last Thursday, at 15:00"
    )
    assert describe("FREQ=WEEKLY;BYDAY=FR", time(8, 30), "vi") == "Hằng tuần vào thứ Sáu, lúc 08:30"
