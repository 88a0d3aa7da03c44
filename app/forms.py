"""Small helpers for reading HTML form values; validation itself lives in the services."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from urllib.parse import urlsplit

from app.i18n import Msg

# Control characters other than tab and line breaks: PostgreSQL refuses NUL, XML feeds all of
# them, and none belongs in text a person typed.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_date(value: str | None) -> date | None:
    """A date from <input type=date> (YYYY-MM-DD) or typed as DD/MM/YYYY; None if unreadable."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def parse_time(value: str | None) -> time | None:
    """A time from <input type=time> (HH:MM) or typed as 8h30 / 8:30; None if unreadable."""
    value = (value or "").strip().lower().replace("h", ":").replace(".", ":")
    if value.endswith(":"):
        value += "00"
    try:
        hours, minutes = (int(p) for p in value.split(":")[:2])
        return time(hours, minutes)
    except ValueError:
        return None


def parse_month(value: str | None, default: date) -> date:
    """The first day of a month given as YYYY-MM, or of `default`'s month."""
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        return default.replace(day=1)


def parse_ids(values: list[str] | None) -> list[int]:
    return sorted({int(v) for v in values or [] if v.strip().isdigit() and len(v.strip()) < 12})


def parse_int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def safe_next(target: str | None, default: str = "/dashboard") -> str:
    """Only local paths are followed after sign-in or a language switch (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def check_text(
    value: str, name: str, limit: int, errors: dict[str, Msg], required: Msg | None = None
) -> str:
    """Trim a text field; note in `errors` when it is missing (if required) or too long."""
    value = value.strip()
    if required and not value:
        errors[name] = required
    elif len(value) > limit:
        errors[name] = Msg("Use at most %(n)s characters.", {"n": limit})
    return value
