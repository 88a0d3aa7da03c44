"""Series without surprises: which occurrences of a series being created or changed clash with
briefings already in the calendar, and which fall twice in one period after a holiday move.

Pure functions over plain values (no database), so the rule is tested on its own; the service
(`service.series.series_clashes`) feeds them the occurrences and the briefings around them.

A clash is an overlap in time, on the same local day, with a briefing that is not cancelled and is
not one of the series' own, that shares its kind, its chair or its venue (names compared without
case or surrounding spaces). "Twice in one period": two occurrences in the same ISO week of a
weekly series, or the same month of a monthly one (a holiday move can push one into the next
period, "tuần 01/2027" twice).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from app.i18n import N_

SAME_KIND = "kind"
SAME_CHAIR = "chair"
SAME_VENUE = "venue"
SAME_PERIOD = "period"

REASONS = {
    SAME_KIND: N_("another briefing of the same kind at the same time"),
    SAME_CHAIR: N_("the same chair at another briefing at the same time"),
    SAME_VENUE: N_("the same venue taken by another briefing at the same time"),
    SAME_PERIOD: N_("a second briefing of this series in the same period (moved by a holiday)"),
}


@dataclass(frozen=True)
class Slot:
    """A briefing in time: an occurrence to be made, or one in the calendar."""

    starts_at: datetime  # local, timezone-aware
    ends_at: datetime
    kind_id: int | None
    chair: str = ""
    venue: str = ""
    briefing_id: int | None = None  # existing briefings only
    title: str = ""


@dataclass(frozen=True)
class Clash:
    day: date  # the occurrence's (local) day
    reason: str  # a key of REASONS
    other_id: int | None = None  # the existing briefing it clashes with
    other_title: str = ""
    other_starts_at: datetime | None = None


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def overlaps(a: Slot, b: Slot) -> bool:
    """On the same local day, and their times overlap (touching ends do not)."""
    return (
        a.starts_at.date() == b.starts_at.date()
        and a.starts_at < b.ends_at
        and b.starts_at < a.ends_at
    )


def period_of(day: date, freq: str) -> tuple[int, int] | None:
    """The period a series holds one briefing in: (ISO year, week) or (year, month)."""
    if freq == "WEEKLY":
        iso = day.isocalendar()
        return iso[0], iso[1]
    if freq == "MONTHLY":
        return day.year, day.month
    return None


def find(
    occurrences: list[Slot], calendar: list[Slot], freq: str, interval: int = 1
) -> list[Clash]:
    """Every clash of the occurrences, in their order: with the calendar, then within the series
    (two in one period, for a series held every week or every month)."""
    found: list[Clash] = []
    for occ in occurrences:
        for other in calendar:
            if not overlaps(occ, other):
                continue
            reason = (
                SAME_KIND
                if occ.kind_id is not None and occ.kind_id == other.kind_id
                else SAME_CHAIR
                if _same(occ.chair, other.chair)
                else SAME_VENUE
                if _same(occ.venue, other.venue)
                else None
            )
            if reason is not None:
                found.append(
                    Clash(
                        occ.starts_at.date(),
                        reason,
                        other.briefing_id,
                        other.title,
                        other.starts_at,
                    )
                )
    if interval == 1:
        seen: dict[tuple[int, int], date] = {}
        for occ in occurrences:
            period = period_of(occ.starts_at.date(), freq)
            if period is None:
                continue
            if period in seen:
                found.append(Clash(occ.starts_at.date(), SAME_PERIOD, None, "", None))
            else:
                seen[period] = occ.starts_at.date()
    return sorted(found, key=lambda c: (c.day, c.reason))


def token(clashes: list[Clash]) -> str:
    """What the person saw and accepted: saving with clashes needs the token of the same list,
    so a form changed after the preview (other clashes) is shown again, never saved unseen."""
    text = "|".join(f"{c.day.isoformat()}:{c.reason}:{c.other_id or ''}" for c in clashes)
    return hashlib.sha256(text.encode()).hexdigest()[:32] if clashes else ""
