"""Due dates of journalists' questions without a database: working days on the Vietnamese
calendar (weekends, Tết, 30/4–1/5, 2/9, the admin's days off and worked days), the local day as
opposed to the UTC day, the 24-hour incident rule, and the rule set held as data.

Tết 2027 in the `holidays` package (VN): Thu 4/2 to Wed 10/2/2027. 30/4/2027 is a Friday,
1/5 a Saturday observed on Monday 3/5; 2/9/2027 is a Thursday with Friday 3/9 off as well.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.holidays.service import WorkCalendar
from app.questions.deadlines import (
    END_OF_DAY,
    add_working_days,
    due_at,
    end_of_day,
    ground_of,
    grounds_on,
    level_for,
    load_rules,
)
from app.questions.models import Channel
from app.timeutil import LOCAL_TZ

CAL = WorkCalendar(days_off={}, worked=frozenset())


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """A moment given in Vietnamese local time, as the aware UTC value the app stores."""
    return datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ).astimezone(UTC)


def due_local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


def five_days(received: datetime, calendar: WorkCalendar = CAL) -> datetime:
    return due_at(load_rules().levels["online"], received, calendar)


# --- end_of_day ---------------------------------------------------------------------------------


def test_end_of_day_is_17_00_local_time_which_is_10_00_utc() -> None:
    got = end_of_day(date(2026, 3, 9))
    assert got == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert got.tzinfo is not None
    assert got.astimezone(LOCAL_TZ).time() == END_OF_DAY == time(17, 0)


# --- Weekends ------------------------------------------------------------------------------------


def test_five_working_days_from_a_monday_fall_on_the_next_monday_at_17_00() -> None:
    assert due_local(five_days(local(2026, 3, 2))) == datetime(2026, 3, 9, 17, 0)


def test_five_working_days_from_a_friday_skip_the_weekend() -> None:
    assert due_local(five_days(local(2026, 3, 6))) == datetime(2026, 3, 13, 17, 0)


def test_one_working_day_from_a_friday_is_the_monday_not_the_saturday() -> None:
    got = add_working_days(CAL, local(2026, 3, 6, 9), 1)
    assert due_local(got) == datetime(2026, 3, 9, 17, 0)


def test_a_question_received_on_a_saturday_counts_from_the_monday() -> None:
    assert due_local(five_days(local(2026, 3, 7, 11))) == datetime(2026, 3, 13, 17, 0)
    assert due_local(add_working_days(CAL, local(2026, 3, 7, 11), 1)) == datetime(2026, 3, 9, 17, 0)


def test_a_question_received_on_a_sunday_evening_counts_from_the_monday() -> None:
    assert due_local(add_working_days(CAL, local(2026, 3, 8, 22), 1)) == datetime(2026, 3, 9, 17, 0)


# --- Public holidays ------------------------------------------------------------------------------


def test_the_package_gives_tet_2027_as_4_to_10_february() -> None:
    tet = [date(2027, 2, d) for d in range(4, 11)]
    assert all(CAL.is_holiday(d) for d in tet)
    assert not CAL.is_holiday(date(2027, 2, 3))
    assert not CAL.is_holiday(date(2027, 2, 11))


def test_tet_2027_is_skipped_from_the_day_before_it() -> None:
    # Wed 3/2; Tết Thu 4/2–Wed 10/2; then Thu 11, Fri 12, Mon 15, Tue 16, Wed 17.
    assert due_local(five_days(local(2027, 2, 3, 16))) == datetime(2027, 2, 17, 17, 0)


def test_one_working_day_before_tet_2027_lands_after_it() -> None:
    assert due_local(add_working_days(CAL, local(2027, 2, 3), 1)) == datetime(2027, 2, 11, 17, 0)


def test_a_question_received_during_tet_counts_from_the_first_day_back() -> None:
    # Lunar New Year's Day itself (Sat 6/2/2027) and a weekday of Tết (Tue 9/2/2027).
    assert due_local(five_days(local(2027, 2, 6))) == datetime(2027, 2, 17, 17, 0)
    assert due_local(five_days(local(2027, 2, 9))) == datetime(2027, 2, 17, 17, 0)


def test_30_april_and_1_may_2026_are_skipped() -> None:
    # Wed 29/4/2026; Thu 30/4 and Fri 1/5 off; Mon 4 … Fri 8/5.
    assert due_local(five_days(local(2026, 4, 29))) == datetime(2026, 5, 8, 17, 0)


def test_1_may_2027_on_a_saturday_is_observed_on_the_monday() -> None:
    # Thu 29/4/2027; Fri 30/4 off, Sat 1/5, Sun, Mon 3/5 observed; Tue 4 … Mon 10/5.
    assert due_local(five_days(local(2027, 4, 29))) == datetime(2027, 5, 10, 17, 0)
    assert due_local(add_working_days(CAL, local(2027, 4, 29), 1)) == datetime(2027, 5, 4, 17, 0)


def test_national_day_2027_and_the_day_after_are_skipped() -> None:
    # Wed 1/9/2027; Thu 2/9 and Fri 3/9 off; Mon 6 … Fri 10/9.
    assert due_local(five_days(local(2027, 9, 1))) == datetime(2027, 9, 10, 17, 0)


def test_a_question_received_on_national_day_counts_from_the_next_working_day() -> None:
    assert due_local(five_days(local(2027, 9, 2, 9))) == datetime(2027, 9, 10, 17, 0)


def test_national_day_2026_with_its_substituted_day_off_is_skipped() -> None:
    # Fri 28/8/2026; Mon 31/8 (substituted), Tue 1/9, Wed 2/9 off; Thu 3 … Wed 9/9.
    assert due_local(five_days(local(2026, 8, 28))) == datetime(2026, 9, 9, 17, 0)


# --- The admin's calendar -------------------------------------------------------------------------


def test_a_day_off_added_by_the_admin_is_skipped() -> None:
    calendar = WorkCalendar(days_off={date(2026, 3, 10): "Nghỉ bù"}, worked=frozenset())
    assert due_local(five_days(local(2026, 3, 6), calendar)) == datetime(2026, 3, 16, 17, 0)


def test_a_worked_saturday_counts_as_a_working_day() -> None:
    calendar = WorkCalendar(days_off={}, worked=frozenset({date(2026, 3, 7)}))
    assert due_local(add_working_days(calendar, local(2026, 3, 6), 1)) == datetime(
        2026, 3, 7, 17, 0
    )
    assert due_local(five_days(local(2026, 3, 6), calendar)) == datetime(2026, 3, 12, 17, 0)


def test_a_worked_day_overrides_a_public_holiday() -> None:
    calendar = WorkCalendar(days_off={}, worked=frozenset({date(2026, 4, 30)}))
    assert due_local(add_working_days(calendar, local(2026, 4, 29), 1)) == datetime(
        2026, 4, 30, 17, 0
    )


# --- The local day, not the UTC day ------------------------------------------------------------------


def test_late_evening_local_time_counts_from_that_local_day() -> None:
    received = local(2026, 3, 2, 23, 30)  # Monday 23:30 local = Monday 16:30 UTC
    assert received.date() == date(2026, 3, 2)
    assert due_local(five_days(received)) == datetime(2026, 3, 9, 17, 0)


def test_early_morning_local_time_is_already_the_next_day_though_utc_is_not() -> None:
    received = local(2026, 3, 3, 6, 30)  # Tuesday 06:30 local = Monday 23:30 UTC
    assert received.date() == date(2026, 3, 2)  # the UTC day is still Monday
    assert due_local(five_days(received)) == datetime(2026, 3, 10, 17, 0)


def test_friday_morning_local_before_7_is_thursday_in_utc_but_counts_as_friday() -> None:
    received = local(2026, 3, 6, 6, 0)  # Friday 06:00 local = Thursday 23:00 UTC
    assert received.date() == date(2026, 3, 5)
    assert due_local(add_working_days(CAL, received, 1)) == datetime(2026, 3, 9, 17, 0)


def test_saturday_just_after_midnight_local_counts_from_saturday_not_the_utc_friday() -> None:
    # With Saturday 7/3 worked, counting from the UTC Friday would make Saturday the first day.
    calendar = WorkCalendar(days_off={}, worked=frozenset({date(2026, 3, 7)}))
    received = local(2026, 3, 7, 0, 30)  # Saturday 00:30 local = Friday 17:30 UTC
    assert received.date() == date(2026, 3, 6)
    assert due_local(add_working_days(calendar, received, 1)) == datetime(2026, 3, 9, 17, 0)


# --- The incident rule ---------------------------------------------------------------------------------


def test_incident_questions_are_due_24_clock_hours_later_even_over_a_weekend() -> None:
    rules = load_rules()
    level = level_for(rules, Channel.EMAIL.value, incident=True)
    assert level.code == "incident"
    received = local(2026, 3, 6, 15, 20)  # Friday afternoon
    got = due_at(level, received, CAL)
    assert got == received + timedelta(hours=24)
    assert due_local(got) == datetime(2026, 3, 7, 15, 20)  # Saturday, not Monday


def test_incident_questions_are_due_24_hours_later_even_during_tet() -> None:
    level = load_rules().levels["incident"]
    received = local(2027, 2, 5, 9)
    assert due_local(due_at(level, received, CAL)) == datetime(2027, 2, 6, 9, 0)


def test_without_the_incident_flag_the_channel_level_applies() -> None:
    rules = load_rules()
    for channel in Channel:
        assert level_for(rules, channel.value, incident=False).code == channel.value


# --- The rule set ----------------------------------------------------------------------------------------


def test_the_four_grounds_of_press_law_2016_art_38_2_apply_to_30_june_2026() -> None:
    grounds = grounds_on(date(2026, 6, 30))
    assert sorted(grounds) == ["a", "b", "c", "d"]
    for code, ground in grounds.items():
        assert ground.code == code
        assert ground.citation("vi") == f"Điểm {code} khoản 2 Điều 38 Luật Báo chí 2016"
        assert ground.label("vi") and ground.label("en") != ground.label("vi")
    assert "draft" in grounds["d"].label("en").lower()


def test_the_three_grounds_of_press_law_2025_art_31_2_apply_from_1_july_2026() -> None:
    grounds = grounds_on(date(2026, 7, 1))
    assert sorted(grounds) == ["a", "b", "c"]
    assert grounds["b"].citation("en") == "Press Law 2025 Art. 31(2)(b)"
    assert "secret" in grounds["a"].label("en").lower()
    assert "investigation" in grounds["b"].label("en").lower()
    assert "inspection" in grounds["c"].label("en").lower()


def test_a_refusal_keeps_the_words_of_the_law_of_the_day_it_was_approved() -> None:
    before = ground_of("c", datetime(2026, 6, 30, 16, 59, tzinfo=UTC))  # 23:59 in Hanoi
    after = ground_of("c", datetime(2026, 6, 30, 17, 0, tzinfo=UTC))  # 00:00 on 1 July
    assert before is not None and after is not None
    assert before.citation("vi") == "Điểm c khoản 2 Điều 38 Luật Báo chí 2016"
    assert after.citation("vi") == "Điểm c khoản 2 Điều 31 Luật Báo chí 2025"
    assert ground_of("d", datetime(2026, 7, 2, tzinfo=UTC)) is None  # no point (d) any more
    assert ground_of("", None) is None


def test_every_channel_has_a_five_working_day_level_with_its_source() -> None:
    levels = load_rules().levels
    for channel in Channel:
        level = levels[channel.value]
        assert level.working_days == 5
        assert level.hours is None
        assert level.source
        assert level.label("vi") and level.label("en")


def test_the_incident_level_is_24_hours_citing_decree_09_2017() -> None:
    level = load_rules().levels["incident"]
    assert level.hours == 24
    assert level.working_days is None
    assert "09/2017" in level.source


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        (local(2026, 3, 2), 0, datetime(2026, 3, 2, 17, 0)),
        (local(2026, 3, 2), 1, datetime(2026, 3, 3, 17, 0)),
        (local(2026, 3, 2), 10, datetime(2026, 3, 16, 17, 0)),
        (local(2026, 12, 31), 1, datetime(2027, 1, 4, 17, 0)),  # New Year's Day, weekend
    ],
)
def test_add_working_days_counts_whole_working_days_after_the_local_day(
    received: datetime, days: int, expected: datetime
) -> None:
    assert due_local(add_working_days(CAL, received, days)) == expected
