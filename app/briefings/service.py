"""Use cases for briefings: kinds, one-off briefings, series and their occurrences, the
lifecycle (announce, postpone, cancel, hold, record), conflicts and compliance facts."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import recurrence
from app.briefings.compliance import Fact
from app.briefings.models import (
    AgendaItem,
    Briefing,
    BriefingChange,
    BriefingInvitee,
    BriefingKind,
    BriefingSeries,
    BriefingStatus,
    ChangeKind,
    HolidayPolicy,
    SeriesInvitee,
)
from app.briefings.states import (
    EDITABLE,
    FOLLOWS_SERIES,
    SCHEDULED,
    TIME_EDITABLE,
    Action,
    next_status,
)
from app.errors import Conflict, NotFound, ValidationFailed
from app.forms import check_text as _check_text
from app.holidays.service import WorkCalendar, work_calendar
from app.i18n import Msg
from app.notifications import triggers
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.timeutil import LOCAL_TZ, local_today, to_local, utcnow

ALL_KINDS = tuple(k.value for k in OrgKind)
ACTION_CHANGES = {
    Action.ANNOUNCE: ChangeKind.ANNOUNCED,
    Action.POSTPONE: ChangeKind.POSTPONED,
    Action.CANCEL: ChangeKind.CANCELLED,
    Action.HOLD: ChangeKind.HELD,
    Action.PUBLISH_RECORD: ChangeKind.RECORD_PUBLISHED,
}
KINDS_FILE = Path(__file__).resolve().parent / "data" / "kinds.toml"
DEADLINE_TIME = time(17, 0)  # department content is due at the end of the working day
STALE = Msg(
    "Someone else changed this briefing while you were editing it. Your changes were not saved: "
    "reload the page to see the current version."
)
SERIES_CHANGED = "Lịch định kỳ đã thay đổi / The recurring schedule changed"


# --- Reading ---------------------------------------------------------------------------------


def kinds(session: Session) -> list[BriefingKind]:
    return list(
        session.exec(
            select(BriefingKind).order_by(col(BriefingKind.position), col(BriefingKind.id))
        ).all()
    )


def get_kind(session: Session, kind_id: int) -> BriefingKind:
    kind = session.get(BriefingKind, kind_id)
    if kind is None:
        raise NotFound()
    return kind


def kind_by_code(session: Session, code: str) -> BriefingKind | None:
    return session.exec(select(BriefingKind).where(BriefingKind.code == code)).first()


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


def conflicts(
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    chair: str,
    venue: str,
    exclude_id: int | None = None,
) -> list[Briefing]:
    """Scheduled briefings overlapping this time with the same chair or the same venue."""
    chair_key, venue_key = _key(chair), _key(venue)
    if not chair_key and not venue_key:
        return []
    query = select(Briefing).where(
        col(Briefing.starts_at) < ends_at,
        col(Briefing.ends_at) > starts_at,
        col(Briefing.status).in_([s.value for s in SCHEDULED]),
    )
    if exclude_id:
        query = query.where(Briefing.id != exclude_id)
    found = session.exec(query.order_by(col(Briefing.starts_at))).all()
    return [
        b
        for b in found
        if (chair_key and _key(b.chair) == chair_key) or (venue_key and _key(b.venue) == venue_key)
    ]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


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


# --- Input and validation --------------------------------------------------------------------


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC)


def _check_url(url: str, errors: dict[str, Msg], name: str = "online_url") -> str:
    url = url.strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            errors[name] = Msg("Enter a full web address starting with https://")
    return url


def _check_orgs(session: Session, ids: list[int], errors: dict[str, Msg], name: str) -> list[int]:
    known = {o.id for o in orgs.list_organisations(session)}
    if any(i not in known for i in ids):
        errors[name] = Msg("Choose organisations from the list.")
    return sorted(set(ids))


@dataclass
class BriefingInput:
    """The fields of the briefing form (times are local, Asia/Ho_Chi_Minh)."""

    kind_id: int | None
    title_vi: str
    day: date | None
    start: time | None
    end: time | None
    title_en: str = ""
    venue: str = ""
    online_url: str = ""
    chair: str = ""
    organiser_org_id: int | None = None
    invitee_ids: list[int] = field(default_factory=list)
    content_deadline: date | None = None
    notes: str = ""


def _validate(
    session: Session, data: BriefingInput, *, check_past: bool
) -> tuple[datetime, datetime]:
    errors: dict[str, Msg] = {}
    if data.kind_id is None or session.get(BriefingKind, data.kind_id) is None:
        errors["kind_id"] = Msg("Choose the kind of briefing.")
    data.title_vi = _check_text(data.title_vi, "title_vi", 255, errors, Msg("Enter the title."))
    data.title_en = _check_text(data.title_en, "title_en", 255, errors)
    data.venue = _check_text(data.venue, "venue", 255, errors)
    data.chair = _check_text(data.chair, "chair", 200, errors)
    data.notes = _check_text(data.notes, "notes", 4000, errors)
    data.online_url = _check_url(data.online_url, errors)
    if (
        data.organiser_org_id is not None
        and orgs.get_active(session, data.organiser_org_id, ALL_KINDS) is None
    ):
        errors["organiser_org_id"] = Msg("Choose organisations from the list.")
    data.invitee_ids = _check_orgs(session, data.invitee_ids, errors, "invitee_ids")
    starts = ends = utcnow()
    if data.day is None:
        errors["day"] = Msg("Enter the date.")
    if data.start is None:
        errors["start"] = Msg("Enter the starting time, e.g. 15:00.")
    if data.end is None:
        errors["end"] = Msg("Enter the finishing time, e.g. 16:30.")
    if data.day and data.start and data.end:
        starts, ends = local_datetime(data.day, data.start), local_datetime(data.day, data.end)
        if ends <= starts:
            errors["end"] = Msg("The briefing must finish after it starts.")
        elif check_past and starts < utcnow():
            errors["day"] = Msg(
                "This time has already passed. Choose a date and time in the future."
            )
    if data.content_deadline and data.day and data.content_deadline > data.day:
        errors["content_deadline"] = Msg(
            "Content must be due on or before the day of the briefing."
        )
    if errors:
        raise ValidationFailed(errors)
    return starts, ends


def _set_invitees(session: Session, briefing_id: int, ids: list[int]) -> None:
    session.execute(delete(BriefingInvitee).where(col(BriefingInvitee.briefing_id) == briefing_id))
    session.add_all(BriefingInvitee(briefing_id=briefing_id, organisation_id=i) for i in ids)


def _deadline(day: date | None) -> datetime | None:
    return local_datetime(day, DEADLINE_TIME) if day else None


def default_deadline(calendar: WorkCalendar, day: date, days_before: int) -> date:
    """The working day `days_before` days before the briefing (or the day itself for 0)."""
    return calendar.previous_working_day(day - timedelta(days=days_before))


def create(session: Session, *, actor: Actor, data: BriefingInput) -> Briefing:
    """A one-off briefing (thematic, incident, or any kind outside a series)."""
    starts, ends = _validate(session, data, check_past=True)
    assert data.kind_id is not None
    kind = get_kind(session, data.kind_id)
    deadline = data.content_deadline
    if deadline is None and data.day:
        deadline = default_deadline(work_calendar(session), data.day, kind.content_days_before)
    briefing = Briefing(
        kind_id=data.kind_id,
        title_vi=data.title_vi,
        title_en=data.title_en,
        starts_at=starts,
        ends_at=ends,
        venue=data.venue,
        online_url=data.online_url,
        chair=data.chair,
        organiser_org_id=data.organiser_org_id,
        content_deadline=_deadline(deadline),
        notes=data.notes,
    )
    session.add(briefing)
    session.flush()
    assert briefing.id is not None
    _set_invitees(session, briefing.id, data.invitee_ids)
    audit.record(
        session,
        actor,
        "briefing.created",
        briefing,
        f"{data.title_vi} ({to_local(starts):%d/%m/%Y %H:%M})",
    )
    session.commit()
    return briefing


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise Conflict(STALE)


def update(
    session: Session,
    *,
    actor: Actor,
    briefing_id: int,
    data: BriefingInput,
    expected_sequence: int | None,
) -> Briefing:
    """Edit this briefing only. An occurrence edited by hand keeps its edits when the series is
    regenerated. After announcement the time changes only by postponing (public reason)."""
    briefing = get(session, briefing_id)
    _check_version(briefing.sequence, expected_sequence)
    if briefing.status not in EDITABLE:
        raise Conflict(Msg("A briefing that has been held or cancelled can no longer be edited."))
    starts, ends = _validate(session, data, check_past=False)
    errors: dict[str, Msg] = {}
    if (starts, ends) != (briefing.starts_at, briefing.ends_at):
        if briefing.status not in TIME_EDITABLE:
            errors["day"] = Msg(
                "This briefing has been announced: change its time with “Postpone”, which tells the public why."
            )
        elif starts < utcnow():
            errors["day"] = Msg(
                "This time has already passed. Choose a date and time in the future."
            )
    if errors:
        raise ValidationFailed(errors)
    assert data.kind_id is not None
    deadline = data.content_deadline
    if deadline is None and data.day:
        kind = get_kind(session, data.kind_id)
        deadline = default_deadline(work_calendar(session), data.day, kind.content_days_before)
    # Assign only after the queries above, so the row is written (and versioned) once.
    briefing.kind_id = data.kind_id
    for name in (
        "title_vi",
        "title_en",
        "venue",
        "online_url",
        "chair",
        "organiser_org_id",
        "notes",
    ):
        setattr(briefing, name, getattr(data, name))
    briefing.starts_at, briefing.ends_at = starts, ends
    briefing.content_deadline = _deadline(deadline)
    briefing.detached = briefing.series_id is not None
    briefing.updated_at = utcnow()
    session.add(briefing)
    _set_invitees(session, briefing_id, data.invitee_ids)
    if briefing.is_public:
        session.add(BriefingChange(briefing_id=briefing_id, change=ChangeKind.UPDATED))
        triggers.briefing_changed(session, briefing, "updated")
    audit.record(session, actor, "briefing.updated", briefing, briefing.title_vi)
    session.commit()
    return briefing


@dataclass
class TransitionInput:
    action: Action
    reason: str = ""
    new_day: date | None = None
    new_start: time | None = None
    new_end: time | None = None
    record_summary: str = ""
    record_url: str = ""


def transition(
    session: Session,
    *,
    actor: Actor,
    briefing_id: int,
    data: TransitionInput,
    expected_sequence: int | None,
) -> Briefing:
    """Move a briefing along its lifecycle; every change after announcement is shown publicly."""
    briefing = get(session, briefing_id)
    _check_version(briefing.sequence, expected_sequence)
    target = next_status(briefing.status, data.action)
    if target is None:
        raise Conflict(Msg("This action is not possible in the briefing's current state."))
    errors: dict[str, Msg] = {}
    now = utcnow()
    reason = _check_text(data.reason, "reason", 1000, errors)
    change = BriefingChange(
        briefing_id=briefing_id, change=ACTION_CHANGES[data.action], reason=reason
    )
    if data.action == Action.ANNOUNCE and briefing.starts_at < now:
        errors["action"] = Msg("A briefing in the past cannot be announced.")
    if data.action in (Action.POSTPONE, Action.CANCEL) and briefing.is_public and not reason:
        errors["reason"] = Msg("Give the public reason.")
    if data.action == Action.POSTPONE:
        if not (data.new_day and data.new_start and data.new_end):
            errors["new_day"] = Msg("Enter the new date, starting and finishing time.")
        else:
            starts, ends = (
                local_datetime(data.new_day, data.new_start),
                local_datetime(data.new_day, data.new_end),
            )
            if ends <= starts:
                errors["new_end"] = Msg("The briefing must finish after it starts.")
            elif starts < now:
                errors["new_day"] = Msg(
                    "This time has already passed. Choose a date and time in the future."
                )
            elif starts == briefing.starts_at and ends == briefing.ends_at:
                errors["new_day"] = Msg("Choose a time different from the current one.")
            else:
                change.old_starts_at, change.new_starts_at = briefing.starts_at, starts
                briefing.starts_at, briefing.ends_at = starts, ends
                briefing.detached = briefing.series_id is not None
    if data.action == Action.HOLD and briefing.starts_at > now:
        errors["action"] = Msg("A briefing can be marked as held only once it has started.")
    if data.action == Action.PUBLISH_RECORD:
        briefing.record_summary = _check_text(data.record_summary, "record_summary", 10000, errors)
        briefing.record_url = _check_url(data.record_url, errors, "record_url")
        if not briefing.record_summary and not briefing.record_url:
            errors["record_summary"] = Msg("Give a summary or a link to the transcript or video.")
    if errors:
        session.rollback()
        raise ValidationFailed(errors)
    briefing.status = target
    briefing.status_reason = (
        reason if data.action in (Action.POSTPONE, Action.CANCEL) else briefing.status_reason
    )
    if data.action == Action.ANNOUNCE:
        briefing.announced_at = now
    briefing.updated_at = now
    session.add(briefing)
    if briefing.is_public:
        session.add(change)
    if data.action in (Action.POSTPONE, Action.CANCEL):
        triggers.briefing_changed(
            session, briefing, "postponed" if data.action == Action.POSTPONE else "cancelled"
        )
    audit.record(
        session,
        actor,
        f"briefing.{data.action.value}",
        briefing,
        f"{briefing.title_vi}: {target.value} {reason}".strip(),
    )
    session.commit()
    return briefing


# --- Series ----------------------------------------------------------------------------------


@dataclass
class SeriesInput:
    kind_id: int | None
    title_vi: str
    rule: recurrence.RuleForm
    dtstart: date | None
    start_time: time | None
    duration_minutes: int | None
    title_en: str = ""
    until: date | None = None
    holiday_policy: HolidayPolicy = HolidayPolicy.NEXT_WORKING_DAY
    venue: str = ""
    online_url: str = ""
    chair: str = ""
    organiser_org_id: int | None = None
    invitee_ids: list[int] = field(default_factory=list)
    content_days_before: int | None = 3
    notes: str = ""


def _validate_series(
    session: Session, data: SeriesInput, horizon_months: int, *, check_past: bool
) -> tuple[str, list[recurrence.Occurrence]]:
    errors: dict[str, Msg] = {}
    if data.kind_id is None or session.get(BriefingKind, data.kind_id) is None:
        errors["kind_id"] = Msg("Choose the kind of briefing.")
    data.title_vi = _check_text(data.title_vi, "title_vi", 255, errors, Msg("Enter the title."))
    data.title_en = _check_text(data.title_en, "title_en", 255, errors)
    data.venue = _check_text(data.venue, "venue", 255, errors)
    data.chair = _check_text(data.chair, "chair", 200, errors)
    data.notes = _check_text(data.notes, "notes", 4000, errors)
    data.online_url = _check_url(data.online_url, errors)
    data.invitee_ids = _check_orgs(session, data.invitee_ids, errors, "invitee_ids")
    if data.start_time is None:
        errors["start_time"] = Msg("Enter the starting time, e.g. 15:00.")
    if data.duration_minutes is None or not 15 <= data.duration_minutes <= 600:
        errors["duration_minutes"] = Msg("Give the length in minutes, from 15 to 600.")
    if data.content_days_before is None or not 0 <= data.content_days_before <= 60:
        errors["content_days_before"] = Msg("Give a number of days from 0 to 60.")
    today = local_today()
    if data.dtstart is None:
        errors["dtstart"] = Msg("Enter the first date.")
    elif check_past and data.dtstart < today:
        errors["dtstart"] = Msg("The first date has passed. Choose today or a later date.")
    if data.until and data.dtstart and data.until < data.dtstart:
        errors["until"] = Msg("The last date must be after the first date.")
    rule = recurrence.build_rule(data.rule)
    problem = recurrence.check_rule(rule)
    if problem:
        errors["rule"] = problem
    if errors:
        raise ValidationFailed(errors)
    assert data.dtstart is not None and data.start_time is not None
    found = _occurrences(
        session,
        rule,
        data.dtstart,
        data.start_time,
        data.until,
        data.holiday_policy,
        max(today, data.dtstart),
        horizon_months,
    )
    # Too many is judged on the rule's own dates (holidays skipped would hide a runaway rule).
    raw = recurrence.count_dates(
        rule,
        data.dtstart,
        data.start_time,
        window_start=max(today, data.dtstart),
        window_end=_horizon_end(today, horizon_months),
        until=data.until,
    )
    problem = recurrence.count_problem(
        len(found) if raw <= recurrence.MAX_OCCURRENCES else raw, horizon_months
    )
    if problem:
        raise ValidationFailed({"rule": problem})
    return rule, found


def _horizon_end(start: date, months: int) -> date:
    """The last day of the month `months` months after `start`'s (so at least `months` ahead)."""
    year, month = divmod(start.month + months, 12)
    return date(start.year + year, month + 1, 1) - timedelta(days=1)


def _occurrences(
    session: Session,
    rule: str,
    dtstart: date,
    at: time,
    until: date | None,
    policy: HolidayPolicy,
    window_start: date,
    horizon_months: int,
) -> list[recurrence.Occurrence]:
    return recurrence.occurrences(
        rule,
        dtstart,
        at,
        window_start=window_start,
        window_end=_horizon_end(local_today(), horizon_months),
        until=until,
        policy=policy,
        calendar=work_calendar(session),
    )


def preview(
    session: Session, data: SeriesInput, horizon_months: int, count: int = 6
) -> list[recurrence.Occurrence]:
    """The next dates a series form's rule gives (the form's preview), whatever the other
    fields say; raises ValidationFailed on "rule" when it gives none or far too many."""
    rule = recurrence.build_rule(data.rule)
    problem = recurrence.check_rule(rule)
    if problem:
        raise ValidationFailed({"rule": problem})
    if data.dtstart is None:
        return []
    at = data.start_time or time(0)
    today = local_today()
    found = _occurrences(
        session,
        rule,
        data.dtstart,
        at,
        data.until,
        data.holiday_policy,
        max(today, data.dtstart),
        horizon_months,
    )
    raw = recurrence.count_dates(
        rule,
        data.dtstart,
        at,
        window_start=max(today, data.dtstart),
        window_end=_horizon_end(today, horizon_months),
        until=data.until,
    )
    problem = recurrence.count_problem(
        len(found) if raw <= recurrence.MAX_OCCURRENCES else raw, horizon_months
    )
    if problem:
        raise ValidationFailed({"rule": problem})
    return found[:count]


def render_title(pattern: str, day: date) -> str:
    values = {
        "month": f"{day.month:02d}",
        "year": str(day.year),
        "week": f"{day.isocalendar().week:02d}",
        "date": day.strftime("%d/%m/%Y"),
    }
    out = pattern
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def _apply_series(
    series: BriefingSeries, briefing: Briefing, occ: recurrence.Occurrence, calendar: WorkCalendar
) -> bool:
    """Make an occurrence follow its series; True if anything changed."""
    starts = local_datetime(occ.day, series.start_time)
    wanted = {
        "kind_id": series.kind_id,
        "title_vi": render_title(series.title_vi, occ.day),
        "title_en": render_title(series.title_en, occ.day),
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=series.duration_minutes),
        "venue": series.venue,
        "online_url": series.online_url,
        "chair": series.chair,
        "organiser_org_id": series.organiser_org_id,
        "notes": series.notes,
        "content_deadline": _deadline(
            default_deadline(calendar, occ.day, series.content_days_before)
        ),
    }
    changed = False
    for name, value in wanted.items():
        if getattr(briefing, name) != value:
            setattr(briefing, name, value)
            changed = True
    return changed


@dataclass
class Regenerated:
    created: int = 0
    updated: int = 0
    removed: int = 0
    cancelled: int = 0


def regenerate(session: Session, series: BriefingSeries, horizon_months: int) -> Regenerated:
    """Bring the series' future occurrences in line with its rule and fields (no commit).

    Occurrences edited by hand, and those already postponed, held or cancelled, are left as
    they are. Occurrences the rule no longer gives are deleted, or cancelled if announced.
    """
    assert series.id is not None
    today = local_today()
    now = utcnow()
    calendar = work_calendar(session)
    window_start = max(today, series.dtstart)
    found = recurrence.occurrences(
        series.rrule,
        series.dtstart,
        series.start_time,
        window_start=window_start,
        window_end=_horizon_end(today, horizon_months),
        until=series.until,
        policy=series.holiday_policy,
        calendar=calendar,
    )
    mine = [b for b in series_briefings(session, series.id) if b.original_date]
    existing = {b.original_date: b for b in mine if b.starts_at >= now}
    # Already started (e.g. earlier today): left as it is, and never made a second time.
    started = {b.original_date for b in mine if b.starts_at < now}
    invitees = series_invitee_ids(session, series.id)
    result = Regenerated()
    for occ in found:
        if occ.original in started:
            continue
        briefing = existing.pop(occ.original, None)
        if briefing is None:
            if local_datetime(occ.day, series.start_time) < now:
                continue  # today's date whose time has already passed
            briefing = Briefing(
                series_id=series.id,
                original_date=occ.original,
                kind_id=series.kind_id,
                title_vi="",
                starts_at=now,
                ends_at=now,
            )
            _apply_series(series, briefing, occ, calendar)
            session.add(briefing)
            session.flush()
            assert briefing.id is not None
            _set_invitees(session, briefing.id, invitees)
            result.created += 1
        elif not briefing.detached and briefing.status in FOLLOWS_SERIES:
            assert briefing.id is not None
            old_start = briefing.starts_at
            if _apply_series(series, briefing, occ, calendar):
                briefing.updated_at = now
                session.add(briefing)
                if briefing.is_public:
                    session.add(
                        BriefingChange(
                            briefing_id=briefing.id,
                            change=ChangeKind.UPDATED,
                            old_starts_at=old_start if old_start != briefing.starts_at else None,
                            new_starts_at=briefing.starts_at
                            if old_start != briefing.starts_at
                            else None,
                        )
                    )
                result.updated += 1
            assert briefing.id is not None
            _set_invitees(session, briefing.id, invitees)
    for briefing in existing.values():
        if briefing.detached or briefing.status not in FOLLOWS_SERIES:
            continue
        if briefing.original_date and briefing.original_date < today:
            # Its rule date has passed (a holiday occurrence moved to a later working day): the
            # window above starts today, so not finding it does not mean the rule dropped it.
            continue
        assert briefing.id is not None
        if briefing.is_public:
            briefing.status = BriefingStatus.CANCELLED
            briefing.status_reason = SERIES_CHANGED
            briefing.updated_at = now
            session.add(briefing)
            session.add(
                BriefingChange(
                    briefing_id=briefing.id, change=ChangeKind.CANCELLED, reason=SERIES_CHANGED
                )
            )
            result.cancelled += 1
        else:
            for table in (BriefingInvitee, AgendaItem):
                session.execute(delete(table).where(col(table.briefing_id) == briefing.id))
            session.delete(briefing)
            result.removed += 1
    series.generated_until = _horizon_end(today, horizon_months)
    session.add(series)
    return result


def _fill_series(series: BriefingSeries, data: SeriesInput, rule: str) -> None:
    assert (
        data.kind_id is not None
        and data.dtstart
        and data.start_time
        and data.duration_minutes is not None
    )
    series.kind_id = data.kind_id
    series.title_vi, series.title_en = data.title_vi, data.title_en
    series.rrule, series.dtstart, series.until = rule, data.dtstart, data.until
    series.start_time, series.duration_minutes = data.start_time, data.duration_minutes
    series.holiday_policy = data.holiday_policy
    series.venue, series.online_url, series.chair = data.venue, data.online_url, data.chair
    series.organiser_org_id = data.organiser_org_id
    series.content_days_before = (
        data.content_days_before if data.content_days_before is not None else 3
    )
    series.notes = data.notes
    series.updated_at = utcnow()


def _set_series_invitees(session: Session, series_id: int, ids: list[int]) -> None:
    session.execute(delete(SeriesInvitee).where(col(SeriesInvitee.series_id) == series_id))
    session.add_all(SeriesInvitee(series_id=series_id, organisation_id=i) for i in ids)


def create_series(
    session: Session, *, actor: Actor, data: SeriesInput, horizon_months: int
) -> tuple[BriefingSeries, Regenerated]:
    """A recurring briefing; its occurrences are generated up to the horizon."""
    rule, _found = _validate_series(session, data, horizon_months, check_past=True)
    series = BriefingSeries(
        kind_id=0,
        title_vi="",
        rrule="",
        dtstart=local_today(),
        start_time=time(0),
        duration_minutes=0,
    )
    _fill_series(series, data, rule)
    session.add(series)
    session.flush()
    assert series.id is not None
    _set_series_invitees(session, series.id, data.invitee_ids)
    result = regenerate(session, series, horizon_months)
    audit.record(
        session,
        actor,
        "briefing_series.created",
        series,
        f"{series.title_vi}: {rule} from {series.dtstart:%d/%m/%Y}; {result.created} briefings",
    )
    session.commit()
    return series, result


def update_series(
    session: Session,
    *,
    actor: Actor,
    series_id: int,
    data: SeriesInput,
    expected_sequence: int | None,
    horizon_months: int,
) -> tuple[BriefingSeries, Regenerated]:
    """Edit the whole series: its future occurrences follow, except those edited by hand."""
    series = get_series(session, series_id)
    _check_version(series.sequence, expected_sequence)
    rule, _found = _validate_series(session, data, horizon_months, check_past=False)
    _fill_series(series, data, rule)
    session.add(series)
    _set_series_invitees(session, series_id, data.invitee_ids)
    result = regenerate(session, series, horizon_months)
    audit.record(
        session,
        actor,
        "briefing_series.updated",
        series,
        f"{series.title_vi}: {rule}; +{result.created} ~{result.updated} -{result.removed} x{result.cancelled}",
    )
    session.commit()
    return series, result


def edit_following(
    session: Session,
    *,
    actor: Actor,
    briefing_id: int,
    data: SeriesInput,
    expected_sequence: int | None,
    horizon_months: int,
) -> tuple[BriefingSeries, Regenerated]:
    """ "This and following": the series ends before this occurrence and a new series, with the
    changes, continues from it. Occurrences keep their calendar UIDs; edited ones stay as they are."""
    briefing = get(session, briefing_id)
    _check_version(briefing.sequence, expected_sequence)
    if briefing.series_id is None or briefing.original_date is None:
        raise Conflict(Msg("This briefing is not part of a series."))
    old = get_series(session, briefing.series_id)
    split = briefing.original_date
    first = min(b.original_date or split for b in series_briefings(session, old.id or 0))
    if split <= max(old.dtstart, first):  # the first occurrence: the whole series changes
        data.dtstart = old.dtstart
        return update_series(
            session,
            actor=actor,
            series_id=old.id or 0,
            data=data,
            expected_sequence=None,
            horizon_months=horizon_months,
        )
    data.dtstart = split
    rule, _found = _validate_series(session, data, horizon_months, check_past=False)
    new = BriefingSeries(
        kind_id=0, title_vi="", rrule="", dtstart=split, start_time=time(0), duration_minutes=0
    )
    _fill_series(new, data, rule)
    session.add(new)
    session.flush()
    assert new.id is not None
    _set_series_invitees(session, new.id, data.invitee_ids)
    old.until = split - timedelta(days=1)
    old.updated_at = utcnow()
    session.add(old)
    for moving in series_briefings(session, old.id or 0, from_day=split):
        moving.series_id = new.id
        session.add(moving)
    session.flush()
    result = regenerate(session, new, horizon_months)
    audit.record(
        session,
        actor,
        "briefing_series.split",
        new,
        f"series {old.id} ends {old.until:%d/%m/%Y}; series {new.id} from {split:%d/%m/%Y}: {rule}",
    )
    session.commit()
    return new, result


def extend_all(session: Session, *, actor: Actor, horizon_months: int) -> Regenerated:
    """Keep every running series generated to the horizon (for a daily cron or the CLI)."""
    total = Regenerated()
    today = local_today()
    for series in series_list(session):
        if series.until and series.until < today:
            continue
        result = regenerate(session, series, horizon_months)
        for name in ("created", "updated", "removed", "cancelled"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
    audit.record(
        session,
        actor,
        "briefing_series.extended",
        None,
        f"+{total.created} ~{total.updated} -{total.removed} x{total.cancelled}",
        object_type="briefing_series",
    )
    session.commit()
    return total


# --- Compliance and seeding ------------------------------------------------------------------


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


def seed_kinds(session: Session, *, actor: Actor, path: Path = KINDS_FILE) -> int:
    """Load the kinds of briefing in the data file that are not there yet (matched by code)."""
    added = 0
    for item in tomllib.loads(path.read_text(encoding="utf-8"))["kind"]:
        if kind_by_code(session, item["code"]):
            continue
        chair_org = orgs.get_by_code(session, item.get("chair_org", ""))
        organiser = orgs.get_by_code(session, item.get("organiser_org", ""))
        kind = BriefingKind(
            code=item["code"],
            position=item.get("position", 0),
            name_vi=item["name_vi"],
            name_en=item["name_en"],
            title_pattern_vi=item["title_pattern_vi"],
            title_pattern_en=item["title_pattern_en"],
            chair=item.get("chair", ""),
            chair_org_id=chair_org.id if chair_org else None,
            organiser_org_id=organiser.id if organiser else None,
            duration_minutes=item["duration_minutes"],
            venue=item.get("venue", ""),
            content_days_before=item["content_days_before"],
        )
        session.add(kind)
        audit.record(session, actor, "briefing_kind.created", kind, f"{kind.code} (seed)")
        added += 1
    session.commit()
    return added
