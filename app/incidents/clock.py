"""The clock of a sudden matter: its due time, the verdict and the time left, as pure functions.

The rule (Decree 244/2026 Art. 7(3), (4); Decree 09/2017 Art. 6(3)(a)): initial information at
the latest `hours` after the clock started. On time when the first information came at or before
the due time, to the minute as stored; late when it came after, or when none has come and the due
time has passed. A kind without `hours` has no time limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from app.i18n import N_, Msg


class Verdict(StrEnum):
    ON_TIME = "on_time"  # informed at or before the due time
    LATE = "late"  # informed after it, or nothing yet and the due time has passed
    RUNNING = "running"  # nothing yet, the due time still ahead
    INFORMED = "informed"  # no time limit; information given
    WAITING = "waiting"  # no time limit; nothing yet


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.ON_TIME: N_("Informed on time"),
    Verdict.LATE: N_("Late"),
    Verdict.RUNNING: N_("Clock running"),
    Verdict.INFORMED: N_("Informed"),
    Verdict.WAITING: N_("No information yet"),
}

SOON_HOURS = 6  # the office and the spokesperson are told when this much time is left


def due_at(clock_started_at: datetime, hours: int | None) -> datetime | None:
    """When initial information is due; None for a kind without a time limit."""
    return clock_started_at + timedelta(hours=hours) if hours is not None else None


def verdict(due: datetime | None, first_info_at: datetime | None, now: datetime) -> Verdict:
    if due is None:
        return Verdict.INFORMED if first_info_at is not None else Verdict.WAITING
    if first_info_at is not None:
        return Verdict.ON_TIME if first_info_at <= due else Verdict.LATE
    return Verdict.LATE if now > due else Verdict.RUNNING


def on_time(due: datetime | None, first_info_at: datetime | None) -> bool:
    """Informed at or before the due time (a matter without a time limit is never counted)."""
    return due is not None and first_info_at is not None and first_info_at <= due


def clock_text(due: datetime, at: datetime) -> Msg:
    """The time left before `due`, or how late `at` is, in whole minutes: text that needs no
    JavaScript ("còn 5 giờ 12 phút", "quá hạn 2 giờ")."""
    seconds = (due - at).total_seconds()
    if seconds >= 0:
        hours, minutes = divmod(int(seconds // 60), 60)
        if hours and minutes:
            return Msg("%(h)s h %(m)s min left", {"h": hours, "m": minutes})
        if hours:
            return Msg("%(h)s h left", {"h": hours})
        return Msg("%(m)s min left", {"m": minutes})
    total = int(-seconds // 60)
    hours, minutes = divmod(total, 60)
    if hours >= 48:
        return Msg("late by %(d)s d %(h)s h", {"d": hours // 24, "h": hours % 24})
    if hours and minutes:
        return Msg("late by %(h)s h %(m)s min", {"h": hours, "m": minutes})
    if hours:
        return Msg("late by %(h)s h", {"h": hours})
    return Msg("late by %(m)s min", {"m": max(minutes, 1)})
