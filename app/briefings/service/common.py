"""What the briefing use cases share: local times, the content deadline, field checks, the
version check and the invited organisations of one briefing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete
from sqlmodel import Session, col

from app.briefings.models import BriefingInvitee
from app.errors import Conflict
from app.holidays.service import WorkCalendar
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.timeutil import LOCAL_TZ

ALL_KINDS = tuple(k.value for k in OrgKind)
DEADLINE_TIME = time(17, 0)  # department content is due at the end of the working day
STALE = Msg(
    "Someone else changed this briefing while you were editing it. Your changes were not saved: "
    "reload the page to see the current version."
)


def local_datetime(day: date, at: time) -> datetime:
    """The UTC moment of a local (Asia/Ho_Chi_Minh) day and time."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC)


def deadline_at(day: date | None) -> datetime | None:
    """The moment content is due on `day` (the end of the working day)."""
    return local_datetime(day, DEADLINE_TIME) if day else None


def default_deadline(calendar: WorkCalendar, day: date, days_before: int) -> date:
    """The working day `days_before` days before the briefing (or the day itself for 0)."""
    return calendar.previous_working_day(day - timedelta(days=days_before))


def check_url(url: str, errors: dict[str, Msg], name: str = "online_url") -> str:
    url = url.strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            errors[name] = Msg("Enter a full web address starting with https://")
    return url


def check_orgs(session: Session, ids: list[int], errors: dict[str, Msg], name: str) -> list[int]:
    known = {o.id for o in orgs.list_organisations(session)}
    if any(i not in known for i in ids):
        errors[name] = Msg("Choose organisations from the list.")
    return sorted(set(ids))


def check_version(current: int, expected: int | None) -> None:
    """A form or a client that read an older version is refused (409)."""
    if expected is not None and expected != current:
        raise Conflict(STALE)


def set_invitees(session: Session, briefing_id: int, ids: list[int]) -> None:
    session.execute(delete(BriefingInvitee).where(col(BriefingInvitee.briefing_id) == briefing_id))
    session.add_all(BriefingInvitee(briefing_id=briefing_id, organisation_id=i) for i in ids)
