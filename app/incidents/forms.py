"""Reading the matter forms: typed strings to the services' inputs (pure; validation of the
values themselves is the service's). A value typed but unreadable is named in `unreadable`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.forms import parse_date, parse_int, parse_time
from app.i18n import Msg
from app.incidents.service import CorrectionInput, MatterInput
from app.timeutil import LOCAL_TZ, to_local

MATTER_FIELDS = (
    "kind",
    "title",
    "summary",
    "clock_started_at",
    "agency_id",
    "article_title",
    "article_url",
    "article_published_on",
    "revision",
)
CORRECTION_FIELDS = ("correction_expected_by", "correction_published_at", "correction_url")
UNREADABLE_MOMENT = Msg("Enter a date and a time, e.g. 04/12/2026 10:00.")
UNREADABLE_DATE = Msg("Enter a date, e.g. 04/12/2026.")


def parse_moment(value: str | None) -> datetime | None:
    """A local date and time from <input type=datetime-local> (2026-12-04T10:00) or typed as
    04/12/2026 10:00; the UTC moment, or None if unreadable."""
    text = (value or "").strip().replace("T", " ")
    day_part, _, time_part = text.partition(" ")
    day, at = parse_date(day_part), parse_time(time_part[:5] if len(time_part) > 5 else time_part)
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC)


def moment_value(value: datetime | None) -> str:
    """A stored moment as <input type=datetime-local> shows it (local time)."""
    return to_local(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def _moment(form: dict[str, Any], name: str, unreadable: dict[str, Msg]) -> datetime | None:
    raw = str(form.get(name) or "").strip()
    found = parse_moment(raw)
    if raw and found is None:
        unreadable[name] = UNREADABLE_MOMENT
    return found


def _date(form: dict[str, Any], name: str, unreadable: dict[str, Msg]) -> Any:
    raw = str(form.get(name) or "").strip()
    found = parse_date(raw)
    if raw and found is None:
        unreadable[name] = UNREADABLE_DATE
    return found


def read_matter(form: dict[str, Any]) -> MatterInput:
    """The matter form (strings, `organisation_ids` a list of ids) as the service's input."""
    unreadable: dict[str, Msg] = {}
    return MatterInput(
        kind=str(form.get("kind") or "").strip(),
        title=str(form.get("title") or ""),
        summary=str(form.get("summary") or ""),
        clock_started_at=_moment(form, "clock_started_at", unreadable),
        organisation_ids=list(form.get("organisation_ids") or []),
        agency_id=parse_int(str(form.get("agency_id") or "")),
        article_title=str(form.get("article_title") or ""),
        article_url=str(form.get("article_url") or ""),
        article_published_on=_date(form, "article_published_on", unreadable),
        unreadable=unreadable,
    )


def read_correction(form: dict[str, Any]) -> CorrectionInput:
    unreadable: dict[str, Msg] = {}
    return CorrectionInput(
        expected_by=_date(form, "correction_expected_by", unreadable),
        published_at=_moment(form, "correction_published_at", unreadable),
        url=str(form.get("correction_url") or ""),
        unreadable=unreadable,
    )
