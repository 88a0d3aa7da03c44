"""Time helpers: store UTC (timezone-aware), show Asia/Ho_Chi_Minh."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Every reading of the clock in the application goes through `utcnow`, so that the test suite can
# run the whole application as if on another day (`set_clock`); in production this stays zero.
_offset = timedelta(0)


def utcnow() -> datetime:
    return datetime.now(UTC) + _offset


def local_today() -> date:
    return to_local(utcnow()).date()


def set_clock(moment: datetime | None) -> None:
    """Make the clock read `moment` now and run on from there; None: the real clock again."""
    global _offset
    _offset = timedelta(0) if moment is None else moment - datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Within the block the clock reads `moment` and runs on; then it is as it was (tests)."""
    global _offset
    before = _offset
    set_clock(moment)
    try:
        yield
    finally:
        _offset = before


def to_local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ)


def format_datetime(value: datetime | None) -> str:
    """Vietnamese style, the same in both languages: 26/11/2026 14:05."""
    if value is None:
        return ""
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_time(value: datetime | None) -> str:
    return to_local(value).strftime("%H:%M") if value else ""
