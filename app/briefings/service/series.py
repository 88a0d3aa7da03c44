"""Recurring briefings: a series' rule (RFC 5545, holidays skipped or moved), the occurrences it
generates up to the horizon, editing the whole series or "this and following", and keeping every
running series generated (the daily job)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import clashes, recurrence
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
from app.briefings.service.catalog import render_title
from app.briefings.service.common import (
    check_orgs,
    check_url,
    check_version,
    deadline_at,
    default_deadline,
    local_datetime,
    set_invitees,
)
from app.briefings.service.queries import (
    get,
    get_series,
    series_briefings,
    series_invitee_ids,
    series_list,
)
from app.briefings.states import FOLLOWS_SERIES
from app.errors import Conflict, ValidationFailed
from app.forms import check_text
from app.holidays.service import WorkCalendar, work_calendar
from app.i18n import Msg
from app.timeutil import LOCAL_TZ, local_today, to_local, utcnow
from app.uow import mark_public_change, use_case

SERIES_CHANGED = "Lịch định kỳ đã thay đổi / The recurring schedule changed"


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
    accept_clashes: str = ""  # the token of the clashes the person saw and accepted


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


def _dates(
    session: Session, rule: str, data: SeriesInput, at: time, horizon_months: int
) -> list[recurrence.Occurrence]:
    """The dates `rule` gives from the form's first date to the horizon; ValidationFailed on
    "rule" when they are far too many. Too many is judged on the rule's own dates (holidays
    skipped would hide a runaway rule)."""
    assert data.dtstart is not None
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
    return found


def _validate_series(
    session: Session, data: SeriesInput, horizon_months: int, *, check_past: bool
) -> tuple[str, list[recurrence.Occurrence]]:
    errors: dict[str, Msg] = {}
    if data.kind_id is None or session.get(BriefingKind, data.kind_id) is None:
        errors["kind_id"] = Msg("Choose the kind of briefing.")
    data.title_vi = check_text(data.title_vi, "title_vi", 255, errors, Msg("Enter the title."))
    data.title_en = check_text(data.title_en, "title_en", 255, errors)
    data.venue = check_text(data.venue, "venue", 255, errors)
    data.chair = check_text(data.chair, "chair", 200, errors)
    data.notes = check_text(data.notes, "notes", 4000, errors)
    data.online_url = check_url(data.online_url, errors)
    data.invitee_ids = check_orgs(session, data.invitee_ids, errors, "invitee_ids")
    if data.start_time is None:
        errors["start_time"] = Msg("Enter the starting time, e.g. 15:00.")
    if data.duration_minutes is None or not 15 <= data.duration_minutes <= 600:
        errors["duration_minutes"] = Msg("Give the length in minutes, from 15 to 600.")
    if data.content_days_before is None or not 0 <= data.content_days_before <= 60:
        errors["content_days_before"] = Msg("Give a number of days from 0 to 60.")
    if data.dtstart is None:
        errors["dtstart"] = Msg("Enter the first date.")
    elif check_past and data.dtstart < local_today():
        errors["dtstart"] = Msg("The first date has passed. Choose today or a later date.")
    if data.until and data.dtstart and data.until < data.dtstart:
        errors["until"] = Msg("The last date must be after the first date.")
    rule = recurrence.build_rule(data.rule)
    problem = recurrence.check_rule(rule)
    if problem:
        errors["rule"] = problem
    if errors:
        raise ValidationFailed(errors)
    assert data.start_time is not None
    return rule, _dates(session, rule, data, data.start_time, horizon_months)


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
    return _dates(session, rule, data, data.start_time or time(0), horizon_months)[:count]


# --- Clashes with the calendar -------------------------------------------------------------------


def _freq(rule: str) -> tuple[str, int]:
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    interval = parts.get("INTERVAL", "1")
    return parts.get("FREQ", ""), int(interval) if interval.isdigit() else 1


def _clashes(
    session: Session,
    data: SeriesInput,
    rule: str,
    found: list[recurrence.Occurrence],
    series_id: int | None,
) -> list[clashes.Clash]:
    """The occurrences' clashes with the briefings already planned (not the series' own, which
    saving replaces) and within the series."""
    if not found or data.start_time is None or data.duration_minutes is None:
        return []
    length = timedelta(minutes=data.duration_minutes)
    slots = []
    for o in found:
        start = datetime.combine(o.day, data.start_time, LOCAL_TZ)
        slots.append(clashes.Slot(start, start + length, data.kind_id, data.chair, data.venue))
    first = datetime.combine(found[0].day, time(0), LOCAL_TZ)
    last = datetime.combine(found[-1].day + timedelta(days=1), time(0), LOCAL_TZ)
    query = select(Briefing).where(
        col(Briefing.starts_at) >= first,
        col(Briefing.starts_at) < last,
        Briefing.status != BriefingStatus.CANCELLED,
    )
    if series_id is not None:
        query = query.where(
            or_(col(Briefing.series_id).is_(None), col(Briefing.series_id) != series_id)
        )
    calendar = [
        clashes.Slot(
            to_local(b.starts_at),
            to_local(b.ends_at),
            b.kind_id,
            b.chair,
            b.venue,
            b.id,
            b.title_vi,
        )
        for b in session.exec(query).all()
    ]
    freq, interval = _freq(rule)
    return clashes.find(slots, calendar, freq, interval)


def series_clashes(
    session: Session, data: SeriesInput, horizon_months: int, *, series_id: int | None = None
) -> list[clashes.Clash]:
    """What saving this form would clash with (the form's preview); [] while it is not valid."""
    try:
        rule, found = _validate_series(session, data, horizon_months, check_past=False)
    except ValidationFailed:
        return []
    return _clashes(session, data, rule, found, series_id)


def _check_clashes(
    session: Session,
    data: SeriesInput,
    rule: str,
    found: list[recurrence.Occurrence],
    series_id: int | None,
) -> None:
    """Saving with clashes needs them accepted, as they were shown (the token of that list)."""
    found_clashes = _clashes(session, data, rule, found, series_id)
    if found_clashes and data.accept_clashes != clashes.token(found_clashes):
        raise ValidationFailed(
            {
                "clashes": Msg(
                    "%(n)s of the briefings this series would make clash with the calendar: see the list, then change the series or save it anyway.",
                    {"n": len({c.day for c in found_clashes})},
                )
            }
        )


# --- Generating the occurrences ----------------------------------------------------------------


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
        "content_deadline": deadline_at(
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
    """Bring the series' future occurrences in line with its rule and fields (in the caller's
    unit of work).

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
            set_invitees(session, briefing.id, invitees)
            result.created += 1
        elif not briefing.detached and briefing.status in FOLLOWS_SERIES:
            assert briefing.id is not None
            old_start = briefing.starts_at
            if _apply_series(series, briefing, occ, calendar):
                briefing.updated_at = now
                session.add(briefing)
                if briefing.is_public:
                    moved = old_start != briefing.starts_at
                    session.add(
                        BriefingChange(
                            briefing_id=briefing.id,
                            change=ChangeKind.UPDATED,
                            old_starts_at=old_start if moved else None,
                            new_starts_at=briefing.starts_at if moved else None,
                        )
                    )
                result.updated += 1
            set_invitees(session, briefing.id, invitees)
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
    if result.updated or result.cancelled:  # announced briefings may have changed (home page)
        mark_public_change(session)
    return result


# --- Use cases ---------------------------------------------------------------------------------


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


def _new_series(dtstart: date) -> BriefingSeries:
    return BriefingSeries(
        kind_id=0, title_vi="", rrule="", dtstart=dtstart, start_time=time(0), duration_minutes=0
    )


@use_case
def create_series(
    session: Session, *, actor: Actor, data: SeriesInput, horizon_months: int
) -> tuple[BriefingSeries, Regenerated]:
    """A recurring briefing; its occurrences are generated up to the horizon."""
    rule, found = _validate_series(session, data, horizon_months, check_past=True)
    _check_clashes(session, data, rule, found, None)
    series = _new_series(local_today())
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
    return series, result


@use_case
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
    check_version(series.sequence, expected_sequence)
    rule, found = _validate_series(session, data, horizon_months, check_past=False)
    _check_clashes(session, data, rule, found, series_id)
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
    return series, result


@use_case
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
    check_version(briefing.sequence, expected_sequence)
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
    rule, found = _validate_series(session, data, horizon_months, check_past=False)
    _check_clashes(session, data, rule, found, old.id)
    new = _new_series(split)
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
    return new, result


@use_case
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
    return total
