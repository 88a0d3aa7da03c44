"""The clock of a sudden matter as pure functions: due time, verdict at the minute, the text of
the time left or late (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.i18n import Msg
from app.incidents.clock import Verdict, clock_text, due_at, on_time, verdict
from app.incidents.forms import moment_value, parse_moment, read_correction, read_matter

START = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 10:00 in Hạ Long
DUE = START + timedelta(hours=24)


def test_a_24_hour_kind_is_due_a_day_later_and_a_kind_without_hours_has_no_limit() -> None:
    assert due_at(START, 24) == DUE
    assert due_at(START, None) is None


def test_first_information_at_the_due_minute_is_on_time_a_minute_after_is_late() -> None:
    now = DUE + timedelta(days=1)
    assert verdict(DUE - timedelta(minutes=1), None, now) == Verdict.LATE
    assert verdict(DUE, DUE - timedelta(minutes=1), now) == Verdict.ON_TIME
    assert verdict(DUE, DUE, now) == Verdict.ON_TIME
    assert verdict(DUE, DUE + timedelta(minutes=1), now) == Verdict.LATE
    assert on_time(DUE, DUE) and not on_time(DUE, DUE + timedelta(minutes=1))
    assert not on_time(None, DUE)  # without a time limit a matter is never counted on time


def test_without_information_the_clock_runs_until_the_due_time_then_it_is_late() -> None:
    assert verdict(DUE, None, DUE) == Verdict.RUNNING
    assert verdict(DUE, None, DUE + timedelta(seconds=1)) == Verdict.LATE
    assert verdict(None, None, DUE) == Verdict.WAITING
    assert verdict(None, START, DUE) == Verdict.INFORMED


def test_the_clock_reads_as_text_in_hours_and_minutes() -> None:
    assert clock_text(DUE, DUE - timedelta(hours=5, minutes=12, seconds=30)) == Msg(
        "%(h)s h %(m)s min left", {"h": 5, "m": 12}
    )
    assert clock_text(DUE, DUE - timedelta(hours=3)) == Msg("%(h)s h left", {"h": 3})
    assert clock_text(DUE, DUE - timedelta(minutes=7)) == Msg("%(m)s min left", {"m": 7})
    assert clock_text(DUE, DUE + timedelta(hours=2)) == Msg("late by %(h)s h", {"h": 2})
    assert clock_text(DUE, DUE + timedelta(hours=2, minutes=5)) == Msg(
        "late by %(h)s h %(m)s min", {"h": 2, "m": 5}
    )
    assert clock_text(DUE, DUE + timedelta(seconds=20)) == Msg("late by %(m)s min", {"m": 1})
    assert clock_text(DUE, DUE + timedelta(days=3, hours=4)) == Msg(
        "late by %(d)s d %(h)s h", {"d": 3, "h": 4}
    )


def test_the_form_reads_local_date_and_time_and_names_what_it_cannot_read() -> None:
    assert parse_moment("2026-12-02T10:00") == START
    assert parse_moment("02/12/2026 10:00") == START
    assert parse_moment("2026-12-02T10:00:00") == START
    assert parse_moment("hôm qua") is None and parse_moment("") is None
    assert moment_value(START) == "2026-12-02T10:00"
    data = read_matter({"clock_started_at": "32/13/2026 10:00", "article_published_on": "x"})
    assert set(data.unreadable) == {"clock_started_at", "article_published_on"}
    assert read_matter({"clock_started_at": ""}).unreadable == {}
    assert set(read_correction({"correction_published_at": "soon"}).unreadable) == {
        "correction_published_at"
    }
