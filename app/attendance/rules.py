"""When a journalist may register to attend, and what a registration holds (pure, no database)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.attendance.models import AttendanceSettings, Mode
from app.briefings.models import Briefing, BriefingStatus
from app.forms import text_problem
from app.i18n import Msg
from app.timeutil import format_datetime

DEFAULT_CLOSING = timedelta(hours=2)  # before the start, unless the office sets another time
MAX_CREW = 10
CREW_NAME_MAX = 120
MAX_CAPACITY = 10_000
REASON_MAX = 1000
OPEN_STATUSES = frozenset({BriefingStatus.ANNOUNCED, BriefingStatus.POSTPONED})

NOT_ANNOUNCED = Msg("This briefing is not open for registration.")
CANCELLED = Msg("This briefing has been cancelled.")
STARTED = Msg("This briefing has already started or taken place.")
CLOSED = Msg("Registration closed at %(time)s.")
FULL = Msg(
    "The room is full: no seat is left for people attending in person. You can still register "
    "to follow it online."
)


def closing_time(briefing: Briefing, settings: AttendanceSettings | None) -> datetime:
    """When registration closes: the office's time, else `DEFAULT_CLOSING` before the start."""
    if settings is not None and settings.closes_at is not None:
        return settings.closes_at
    return briefing.starts_at - DEFAULT_CLOSING


def why_closed(
    briefing: Briefing, settings: AttendanceSettings | None, now: datetime
) -> Msg | None:
    """Why nobody may register, change or cancel now (None: open)."""
    if briefing.status == BriefingStatus.CANCELLED:
        return CANCELLED
    if briefing.announced_at is None or briefing.status not in OPEN_STATUSES:
        return NOT_ANNOUNCED if briefing.starts_at > now else STARTED
    if briefing.starts_at <= now:
        return STARTED
    closes = closing_time(briefing, settings)
    if now >= closes:
        return Msg(CLOSED.text, {"time": format_datetime(closes)})
    return None


def seats_left(settings: AttendanceSettings | None) -> int | None:
    """Seats still free in the room (None: no limit)."""
    if settings is None or settings.capacity is None:
        return None
    return max(settings.capacity - settings.seats_taken, 0)


def seats_for(mode: Mode, crew: list[str]) -> int:
    """What a registration takes of the room: the journalist and their crew, in person only."""
    return 1 + len(crew) if mode == Mode.IN_PERSON else 0


def parse_crew(text: str, errors: dict[str, Msg]) -> list[str]:
    """One name per line: blank lines dropped, spaces tidied, at most `MAX_CREW` names of at
    most `CREW_NAME_MAX` characters each, no name twice."""
    names: list[str] = []
    for line in text.splitlines():
        name = " ".join(line.split())
        if not name:
            continue
        if len(name) > CREW_NAME_MAX:
            errors["crew"] = Msg(
                "Each name may have at most %(n)s characters.", {"n": CREW_NAME_MAX}
            )
            return names
        if problem := text_problem(name, name=True):
            errors["crew"] = problem
            return names
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    if len(names) > MAX_CREW:
        errors["crew"] = Msg("List at most %(n)s crew members.", {"n": MAX_CREW})
    return names
