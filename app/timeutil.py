"""Time helpers: store UTC (timezone-aware), show Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


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
