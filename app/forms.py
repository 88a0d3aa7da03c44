"""Small helpers for reading HTML form values; validation itself lives in the services."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit


def parse_date(value: str | None) -> date | None:
    """A date from <input type=date> (YYYY-MM-DD) or typed as DD/MM/YYYY; None if unreadable."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


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
