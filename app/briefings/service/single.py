"""One briefing: planning it, editing it, and taking it along its lifecycle (`take_step`:
announce, postpone, cancel, hold, publish the record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings.models import (
    Briefing,
    BriefingChange,
    BriefingKind,
    BriefingStatus,
    ChangeKind,
)
from app.briefings.service.catalog import get_kind
from app.briefings.service.common import (
    ALL_KINDS,
    check_orgs,
    check_url,
    check_version,
    deadline_at,
    default_deadline,
    local_datetime,
    set_invitees,
)
from app.briefings.service.queries import get
from app.briefings.states import EDITABLE, TIME_EDITABLE, WORKFLOW, Step
from app.errors import Conflict, ValidationFailed
from app.forms import check_text
from app.holidays.service import work_calendar
from app.i18n import Msg
from app.notifications import triggers
from app.orgs import service as orgs
from app.timeutil import to_local, utcnow
from app.uow import mark_public_change, use_case

PASSED = Msg("This time has already passed. Choose a date and time in the future.")


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
    data.title_vi = check_text(data.title_vi, "title_vi", 255, errors, Msg("Enter the title."))
    data.title_en = check_text(data.title_en, "title_en", 255, errors)
    data.venue = check_text(data.venue, "venue", 255, errors)
    data.chair = check_text(data.chair, "chair", 200, errors)
    data.notes = check_text(data.notes, "notes", 4000, errors)
    data.online_url = check_url(data.online_url, errors)
    if (
        data.organiser_org_id is not None
        and orgs.get_active(session, data.organiser_org_id, ALL_KINDS) is None
    ):
        errors["organiser_org_id"] = Msg("Choose organisations from the list.")
    data.invitee_ids = check_orgs(session, data.invitee_ids, errors, "invitee_ids")
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
            errors["day"] = PASSED
    if data.content_deadline and data.day and data.content_deadline > data.day:
        errors["content_deadline"] = Msg(
            "Content must be due on or before the day of the briefing."
        )
    if errors:
        raise ValidationFailed(errors)
    return starts, ends


@use_case
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
        content_deadline=deadline_at(deadline),
        notes=data.notes,
    )
    session.add(briefing)
    session.flush()
    assert briefing.id is not None
    set_invitees(session, briefing.id, data.invitee_ids)
    audit.record(
        session,
        actor,
        "briefing.created",
        briefing,
        f"{data.title_vi} ({to_local(starts):%d/%m/%Y %H:%M})",
    )
    return briefing


@use_case
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
    check_version(briefing.sequence, expected_sequence)
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
            errors["day"] = PASSED
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
    briefing.content_deadline = deadline_at(deadline)
    briefing.detached = briefing.series_id is not None
    briefing.updated_at = utcnow()
    session.add(briefing)
    set_invitees(session, briefing_id, data.invitee_ids)
    if briefing.is_public:
        session.add(BriefingChange(briefing_id=briefing_id, change=ChangeKind.UPDATED))
        triggers.briefing_changed(session, briefing, "updated")
    audit.record(session, actor, "briefing.updated", briefing, briefing.title_vi)
    if briefing.announced_at is not None:
        mark_public_change(session)
    return briefing


# --- The lifecycle -----------------------------------------------------------------------------


@dataclass(kw_only=True)
class StepInput:
    """What a step carries: the public reason (postpone, cancel), the new local day and times
    (postpone), the record (publish_record); and the `sequence` the form or the client read."""

    reason: str = ""
    new_day: date | None = None
    new_start: time | None = None
    new_end: time | None = None
    record_summary: str = ""
    record_url: str = ""
    expected_sequence: int | None = None


@dataclass
class TransitionInput(StepInput):
    """A step with what it carries, as `transition` takes them: `TransitionInput(Step.CANCEL,
    reason=…)`."""

    step: Step


# What each step checks and changes beyond the table: (briefing, input, its public change,
# errors found, now). A step that finds errors leaves nothing changed (the use case rolls back).
StepRule = Callable[[Briefing, StepInput, BriefingChange, dict[str, Msg], datetime], None]


def _public_reason(briefing: Briefing, change: BriefingChange, errors: dict[str, Msg]) -> None:
    if briefing.is_public and not change.reason:
        errors["reason"] = Msg("Give the public reason.")
    briefing.status_reason = change.reason


def _announce(
    b: Briefing, data: StepInput, change: BriefingChange, errors: dict[str, Msg], now: datetime
) -> None:
    if b.starts_at < now:
        errors["action"] = Msg("A briefing in the past cannot be announced.")
    b.announced_at = now


def _postpone(
    b: Briefing, data: StepInput, change: BriefingChange, errors: dict[str, Msg], now: datetime
) -> None:
    _public_reason(b, change, errors)
    if not (data.new_day and data.new_start and data.new_end):
        errors["new_day"] = Msg("Enter the new date, starting and finishing time.")
        return
    starts = local_datetime(data.new_day, data.new_start)
    ends = local_datetime(data.new_day, data.new_end)
    if ends <= starts:
        errors["new_end"] = Msg("The briefing must finish after it starts.")
    elif starts < now:
        errors["new_day"] = PASSED
    elif starts == b.starts_at and ends == b.ends_at:
        errors["new_day"] = Msg("Choose a time different from the current one.")
    else:
        change.old_starts_at, change.new_starts_at = b.starts_at, starts
        b.starts_at, b.ends_at = starts, ends
        b.detached = b.series_id is not None


def _cancel(
    b: Briefing, data: StepInput, change: BriefingChange, errors: dict[str, Msg], now: datetime
) -> None:
    _public_reason(b, change, errors)


def _hold(
    b: Briefing, data: StepInput, change: BriefingChange, errors: dict[str, Msg], now: datetime
) -> None:
    if b.starts_at > now:
        errors["action"] = Msg("A briefing can be marked as held only once it has started.")


def _publish_record(
    b: Briefing, data: StepInput, change: BriefingChange, errors: dict[str, Msg], now: datetime
) -> None:
    b.record_summary = check_text(data.record_summary, "record_summary", 10000, errors)
    b.record_url = check_url(data.record_url, errors, "record_url")
    if not b.record_summary and not b.record_url:
        errors["record_summary"] = Msg("Give a summary or a link to the transcript or video.")


STEPS: dict[Step, tuple[StepRule, ChangeKind]] = {
    Step.ANNOUNCE: (_announce, ChangeKind.ANNOUNCED),
    Step.POSTPONE: (_postpone, ChangeKind.POSTPONED),
    Step.CANCEL: (_cancel, ChangeKind.CANCELLED),
    Step.HOLD: (_hold, ChangeKind.HELD),
    Step.PUBLISH_RECORD: (_publish_record, ChangeKind.RECORD_PUBLISHED),
}
# Steps the invited organisations and the journalists who asked questions are told of.
TOLD = {Step.POSTPONE: "postponed", Step.CANCEL: "cancelled"}


@use_case
def take_step(
    session: Session, *, actor: Actor, id: int, step: Step, data: StepInput | None = None
) -> Briefing:
    """Move a briefing along its lifecycle: a step its status does not allow is 409, a stale
    sequence is 409; every change after announcement is shown publicly."""
    data = data or StepInput()
    briefing = get(session, id)
    check_version(briefing.sequence, data.expected_sequence)
    target = WORKFLOW.next(briefing.status, step)
    if target is None:
        raise Conflict(Msg("This action is not possible in the briefing's current state."))
    rule, change_kind = STEPS[step]
    errors: dict[str, Msg] = {}
    now = utcnow()
    reason = check_text(data.reason, "reason", 1000, errors)
    change = BriefingChange(briefing_id=id, change=change_kind, reason=reason)
    rule(briefing, data, change, errors, now)
    if errors:
        raise ValidationFailed(errors)
    briefing.status = target
    briefing.updated_at = now
    session.add(briefing)
    if briefing.is_public:
        session.add(change)
    if step in TOLD:
        triggers.briefing_changed(session, briefing, TOLD[step])
    if briefing.announced_at is not None:  # the home page lists announced briefings
        mark_public_change(session)
    audit.record(
        session,
        actor,
        f"briefing.{step.value}",
        briefing,
        f"{briefing.title_vi}: {target.value} {reason}".strip(),
    )
    return briefing


def transition(
    session: Session,
    *,
    actor: Actor,
    briefing_id: int,
    data: TransitionInput,
    expected_sequence: int | None,
) -> Briefing:
    """`take_step` with the step inside its input (the demo data and the notification tests)."""
    data = replace(data, expected_sequence=expected_sequence)
    return take_step(session, actor=actor, id=briefing_id, step=data.step, data=data)


ANNOUNCE_AT_ONCE = 26  # at most this many in one "announce the next N" (half a year of weeks)


@use_case
def announce_next(session: Session, *, actor: Actor, series_id: int, count: int) -> list[Briefing]:
    """Announce the next `count` planned briefings of a series, in one transaction (all or
    none), each exactly as announcing it alone would (its public change, audit and notices)."""
    if not 1 <= count <= ANNOUNCE_AT_ONCE:
        raise ValidationFailed(
            {"count": Msg("Announce from 1 to %(n)s briefings at once.", {"n": ANNOUNCE_AT_ONCE})}
        )
    now = utcnow()
    waiting = session.exec(
        select(Briefing)
        .where(Briefing.series_id == series_id, Briefing.status == BriefingStatus.PLANNED)
        .where(col(Briefing.starts_at) > now)
        .order_by(col(Briefing.starts_at))
        .limit(count)
    ).all()
    if not waiting:
        raise Conflict(Msg("No planned briefing of this series is waiting to be announced."))
    return [take_step(session, actor=actor, id=b.id or 0, step=Step.ANNOUNCE) for b in waiting]
