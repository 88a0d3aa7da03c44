"""Reading briefings: one briefing, lists for the calendar and the public pages, the calendar
feeds' fingerprint, conflicts of chair or venue, series and their occurrences, compliance facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.briefings.compliance import Fact
from app.briefings.models import (
    AgendaItem,
    Briefing,
    BriefingChange,
    BriefingInvitee,
    BriefingSeries,
    BriefingStatus,
    SeriesInvitee,
)
from app.briefings.service.catalog import kinds
from app.briefings.service.common import local_datetime
from app.briefings.states import SCHEDULED
from app.errors import NotFound
from app.timeutil import to_local, utcnow


def get(session: Session, briefing_id: int) -> Briefing:
    briefing = session.get(Briefing, briefing_id)
    if briefing is None:
        raise NotFound()
    return briefing


def get_public(session: Session, briefing_id: int) -> Briefing:
    """A briefing journalists and the public may see: announced at some point (else 404)."""
    briefing = session.get(Briefing, briefing_id)
    if briefing is None or not briefing.is_public:
        raise NotFound()
    return briefing


def invitee_ids(session: Session, briefing_id: int) -> list[int]:
    rows = session.exec(
        select(BriefingInvitee.organisation_id).where(BriefingInvitee.briefing_id == briefing_id)
    )
    return list(rows.all())


def invitees_of(session: Session, briefing_ids: list[int]) -> dict[int, list[int]]:
    """Invited organisations of many briefings in one query (for lists)."""
    out: dict[int, list[int]] = {i: [] for i in briefing_ids}
    if briefing_ids:
        rows = session.exec(
            select(BriefingInvitee).where(col(BriefingInvitee.briefing_id).in_(briefing_ids))
        )
        for row in rows:
            out[row.briefing_id].append(row.organisation_id)
    return {k: sorted(v) for k, v in out.items()}


def series_invitee_ids(session: Session, series_id: int) -> list[int]:
    rows = session.exec(
        select(SeriesInvitee.organisation_id).where(SeriesInvitee.series_id == series_id)
    )
    return list(rows.all())


def agenda(session: Session, briefing_id: int) -> list[AgendaItem]:
    query = (
        select(AgendaItem)
        .where(AgendaItem.briefing_id == briefing_id)
        .order_by(col(AgendaItem.position))
    )
    return list(session.exec(query).all())


def changes(session: Session, briefing_id: int) -> list[BriefingChange]:
    query = (
        select(BriefingChange)
        .where(BriefingChange.briefing_id == briefing_id)
        .order_by(col(BriefingChange.at))
    )
    return list(session.exec(query).all())


def between(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    public_only: bool = False,
    kind_id: int | None = None,
    statuses: frozenset[BriefingStatus] | None = None,
) -> list[Briefing]:
    """Briefings that start in [start, end), in time order."""
    query = select(Briefing).where(col(Briefing.starts_at) >= start, col(Briefing.starts_at) < end)
    if public_only:
        query = query.where(col(Briefing.announced_at).is_not(None))
    if kind_id:
        query = query.where(Briefing.kind_id == kind_id)
    if statuses:
        query = query.where(col(Briefing.status).in_([s.value for s in statuses]))
    return list(session.exec(query.order_by(col(Briefing.starts_at), col(Briefing.id))).all())


def invited(
    session: Session, organisation_id: int, start: datetime, end: datetime
) -> list[Briefing]:
    """Scheduled briefings an organisation is invited to, in [start, end)."""
    query = (
        select(Briefing)
        .join(BriefingInvitee, col(BriefingInvitee.briefing_id) == col(Briefing.id))
        .where(BriefingInvitee.organisation_id == organisation_id)
        .where(col(Briefing.starts_at) >= start, col(Briefing.starts_at) < end)
        .where(col(Briefing.status).in_([s.value for s in SCHEDULED]))
    )
    return list(session.exec(query.order_by(col(Briefing.starts_at))).all())


def public_list(
    session: Session,
    *,
    upcoming: bool,
    kind_id: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Briefing], int]:
    """Announced briefings: upcoming (soonest first) or past (latest first), and how many in all."""
    now = utcnow()
    query = select(Briefing).where(col(Briefing.announced_at).is_not(None))
    query = (
        query.where(col(Briefing.ends_at) >= now)
        if upcoming
        else query.where(col(Briefing.ends_at) < now)
    )
    if kind_id:
        query = query.where(Briefing.kind_id == kind_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = col(Briefing.starts_at).asc() if upcoming else col(Briefing.starts_at).desc()
    rows = session.exec(query.order_by(order, col(Briefing.id)).limit(limit).offset(offset)).all()
    return list(rows), int(total)


def public_feed(session: Session, kind_id: int | None = None) -> list[Briefing]:
    """Everything a calendar subscriber should see: every briefing ever announced."""
    query = select(Briefing).where(col(Briefing.announced_at).is_not(None))
    if kind_id:
        query = query.where(Briefing.kind_id == kind_id)
    return list(session.exec(query.order_by(col(Briefing.starts_at), col(Briefing.id))).all())


def feed_fingerprint(
    session: Session, kind_id: int | None = None
) -> tuple[int, datetime | None, int]:
    """(count, latest change, sum of sequences) of a feed: cheap to compute, changes with any edit."""
    query = select(
        func.count(), func.max(Briefing.updated_at), func.coalesce(func.sum(Briefing.sequence), 0)
    )
    query = query.where(col(Briefing.announced_at).is_not(None))
    if kind_id:
        query = query.where(Briefing.kind_id == kind_id)
    count, latest, total = session.exec(query).one()
    if isinstance(latest, str):  # SQLite returns the aggregate as text, without the column type
        latest = datetime.fromisoformat(latest).replace(tzinfo=UTC)
    return int(count), latest, int(total)


# --- Conflicts of chair or venue ---------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _same_chair_or_venue(chair: str, venue: str, other: Briefing) -> bool:
    """The same chair or the same venue as `other` (case and spacing aside)."""
    return bool(
        (_key(chair) and _key(chair) == _key(other.chair))
        or (_key(venue) and _key(venue) == _key(other.venue))
    )


def conflicts(
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    chair: str,
    venue: str,
    exclude_id: int | None = None,
) -> list[Briefing]:
    """Scheduled briefings overlapping this time with the same chair or the same venue."""
    if not _key(chair) and not _key(venue):
        return []
    query = select(Briefing).where(
        col(Briefing.starts_at) < ends_at,
        col(Briefing.ends_at) > starts_at,
        col(Briefing.status).in_([s.value for s in SCHEDULED]),
    )
    if exclude_id:
        query = query.where(Briefing.id != exclude_id)
    found = session.exec(query.order_by(col(Briefing.starts_at))).all()
    return [b for b in found if _same_chair_or_venue(chair, venue, b)]


def conflicting_ids(briefings: list[Briefing]) -> set[int]:
    """Briefings of a list that overlap another one with the same chair or venue."""
    out: set[int] = set()
    live = [b for b in briefings if b.status in SCHEDULED]
    for i, a in enumerate(live):
        for b in live[i + 1 :]:
            if (
                a.starts_at < b.ends_at
                and b.starts_at < a.ends_at
                and _same_chair_or_venue(a.chair, a.venue, b)
            ):
                out.update({a.id or 0, b.id or 0})
    return out


# --- Series ------------------------------------------------------------------------------------


def series_list(session: Session) -> list[BriefingSeries]:
    return list(session.exec(select(BriefingSeries).order_by(col(BriefingSeries.dtstart))).all())


def get_series(session: Session, series_id: int) -> BriefingSeries:
    series = session.get(BriefingSeries, series_id)
    if series is None:
        raise NotFound()
    return series


def series_briefings(
    session: Session, series_id: int, *, from_day: date | None = None
) -> list[Briefing]:
    query = select(Briefing).where(Briefing.series_id == series_id)
    if from_day:
        query = query.where(col(Briefing.original_date) >= from_day)
    return list(session.exec(query.order_by(col(Briefing.starts_at))).all())


# --- Compliance --------------------------------------------------------------------------------


def compliance_facts(session: Session, first: date, last: date) -> list[Fact]:
    """What compliance counts: each briefing's kind, local day and status, in [first, last]."""
    start, end = local_datetime(first, time.min), local_datetime(last + timedelta(days=1), time.min)
    codes = {k.id: k.code for k in kinds(session)}
    rows = session.exec(
        select(Briefing.kind_id, Briefing.starts_at, Briefing.status).where(
            col(Briefing.starts_at) >= start, col(Briefing.starts_at) < end
        )
    ).all()
    return [
        Fact(codes.get(kind_id, ""), to_local(starts).date(), BriefingStatus(status))
        for kind_id, starts, status in rows
    ]
