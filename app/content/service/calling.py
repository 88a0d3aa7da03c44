"""Calls for content: the office asks organisations for content before a briefing, with a
deadline and a note; changes who is asked or the deadline; closes the call or opens it again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.content.models import CallRecipient, CallStatus, ContentCall, Submission
from app.content.service.scope import department_org, get_call, recipients
from app.errors import Conflict, ValidationFailed
from app.forms import check_text
from app.holidays.service import work_calendar
from app.i18n import Msg
from app.notifications import triggers
from app.orgs import service as orgs
from app.timeutil import to_local, utcnow
from app.uow import use_case

ASKED_ALREADY = Msg("Content has already been requested for this briefing.")
CLOSED = Msg("The press office has closed this call; it takes no more content.")
OVER = Msg("This briefing has been held or cancelled; it no longer takes content.")


def call_for_briefing(session: Session, briefing_id: int) -> ContentCall | None:
    return session.exec(select(ContentCall).where(ContentCall.briefing_id == briefing_id)).first()


@dataclass
class CallRow:
    """A call with its briefing and, for a department, its own submission."""

    call: ContentCall
    briefing: Briefing
    submission: Submission | None = None
    organisation_ids: list[int] = field(default_factory=list)


def calls(
    session: Session, *, actor: Actor, open_only: bool = False, briefing_id: int | None = None
) -> list[CallRow]:
    """Calls the actor may see; a department's open calls come with its submission, the latest
    deadline first."""
    query = select(ContentCall, Briefing).join(
        Briefing, col(Briefing.id) == ContentCall.briefing_id
    )
    org = department_org(actor)
    if not actor.is_office:
        if org is None:
            return []
        query = query.join(CallRecipient, col(CallRecipient.call_id) == ContentCall.id).where(
            CallRecipient.organisation_id == org
        )
    if open_only:
        query = query.where(ContentCall.status == CallStatus.OPEN).where(
            col(Briefing.status).in_([s.value for s in SCHEDULED])
        )
    if briefing_id is not None:
        query = query.where(ContentCall.briefing_id == briefing_id)
    rows = [
        CallRow(c, b) for c, b in session.exec(query.order_by(col(ContentCall.deadline).desc()))
    ]
    ids = [r.call.id for r in rows]
    if not ids:
        return rows
    by_call: dict[int, list[int]] = {}
    for rec in session.exec(select(CallRecipient).where(col(CallRecipient.call_id).in_(ids))):
        by_call.setdefault(rec.call_id, []).append(rec.organisation_id)
    mine: dict[int, Submission] = {}
    if org is not None:
        for sub in session.exec(
            select(Submission)
            .where(col(Submission.call_id).in_(ids))
            .where(Submission.organisation_id == org)
        ):
            mine[sub.call_id] = sub
    for r in rows:
        r.organisation_ids = sorted(by_call.get(r.call.id or 0, []))
        r.submission = mine.get(r.call.id or 0)
    return rows


def call_row(session: Session, call: ContentCall) -> CallRow:
    """One call with its briefing and the organisations asked."""
    assert call.id is not None
    return CallRow(
        call,
        briefings.get(session, call.briefing_id),
        organisation_ids=recipients(session, call.id),
    )


def default_deadline(session: Session, briefing: Briefing) -> datetime:
    """The briefing's content deadline, or its kind's number of working days before it."""
    if briefing.content_deadline:
        return briefing.content_deadline
    kind = briefings.get_kind(session, briefing.kind_id)
    day = briefings.default_deadline(
        work_calendar(session), to_local(briefing.starts_at).date(), kind.content_days_before
    )
    return briefings.local_datetime(day, briefings.DEADLINE_TIME)


@dataclass
class CallInput:
    """The call form: organisations, the local deadline, the instruction note."""

    organisation_ids: list[int]
    deadline_day: date | None
    deadline_time: time | None
    instructions: str = ""


def _validate_call(session: Session, briefing: Briefing, data: CallInput) -> datetime:
    errors: dict[str, Msg] = {}
    known = {o.id for o in orgs.list_organisations(session)}
    data.organisation_ids = sorted(set(data.organisation_ids))
    if not data.organisation_ids:
        errors["organisation_ids"] = Msg("Choose at least one organisation to ask for content.")
    elif any(i not in known for i in data.organisation_ids):
        errors["organisation_ids"] = Msg("Choose organisations from the list.")
    data.instructions = check_text(data.instructions, "instructions", 4000, errors)
    deadline = utcnow()
    if data.deadline_day is None:
        errors["deadline_day"] = Msg("Enter the date.")
    if data.deadline_time is None:
        errors["deadline_time"] = Msg("Enter the time, e.g. 17:00.")
    if data.deadline_day and data.deadline_time:
        deadline = briefings.local_datetime(data.deadline_day, data.deadline_time)
        if deadline > briefing.starts_at:
            errors["deadline_day"] = Msg("Content must be due before the briefing starts.")
    if briefing.status not in SCHEDULED:
        errors["organisation_ids"] = OVER
    if errors:
        raise ValidationFailed(errors)
    return deadline


def _set_recipients(session: Session, call_id: int, ids: list[int]) -> None:
    session.execute(delete(CallRecipient).where(col(CallRecipient.call_id) == call_id))
    session.add_all(CallRecipient(call_id=call_id, organisation_id=i) for i in ids)


@use_case
def open_call(session: Session, *, actor: Actor, briefing_id: int, data: CallInput) -> ContentCall:
    """Ask organisations for content before a briefing (one call per briefing)."""
    briefing = briefings.get(session, briefing_id)
    if call_for_briefing(session, briefing_id) is not None:
        raise Conflict(ASKED_ALREADY)
    deadline = _validate_call(session, briefing, data)
    call = ContentCall(
        briefing_id=briefing_id,
        deadline=deadline,
        instructions=data.instructions,
        created_by=actor.user_id,
    )
    session.add(call)
    try:
        session.flush()
    except IntegrityError as exc:  # opened at the same moment by someone else
        raise Conflict(ASKED_ALREADY) from exc
    assert call.id is not None
    _set_recipients(session, call.id, data.organisation_ids)
    triggers.call_opened(session, call, briefing, data.organisation_ids)
    audit.record(
        session,
        actor,
        "content_call.opened",
        call,
        f"{briefing.title_vi}: {len(data.organisation_ids)} organisations, due {to_local(deadline):%d/%m/%Y %H:%M}",
    )
    return call


@use_case
def update_call(session: Session, *, actor: Actor, call_id: int, data: CallInput) -> ContentCall:
    """Change who is asked, the deadline or the note; organisations that already sent content
    stay on the call."""
    call = get_call(session, call_id, actor=actor)
    briefing = briefings.get(session, call.briefing_id)
    deadline = _validate_call(session, briefing, data)
    started = set(
        session.exec(select(Submission.organisation_id).where(Submission.call_id == call_id)).all()
    )
    if started - set(data.organisation_ids):
        raise ValidationFailed(
            {
                "organisation_ids": Msg(
                    "An organisation that has already started its content cannot be removed from the call."
                )
            }
        )
    call.deadline = deadline
    call.instructions = data.instructions
    session.add(call)
    _set_recipients(session, call_id, data.organisation_ids)
    if call.status == CallStatus.OPEN:  # organisations added to the call are told
        triggers.call_opened(session, call, briefing, data.organisation_ids)
    audit.record(session, actor, "content_call.updated", call, briefing.title_vi)
    return call


@use_case
def set_call_status(
    session: Session, *, actor: Actor, call_id: int, status: CallStatus
) -> ContentCall:
    """Close a call (no more submissions, even late ones) or open it again."""
    call = get_call(session, call_id, actor=actor)
    if call.status == status:
        return call
    call.status = status
    call.closed_at = utcnow() if status == CallStatus.CLOSED else None
    session.add(call)
    if status == CallStatus.OPEN:  # those added while it was closed are told now (once)
        triggers.call_opened(
            session, call, briefings.get(session, call.briefing_id), recipients(session, call_id)
        )
    audit.record(
        session,
        actor,
        f"content_call.{'closed' if status == CallStatus.CLOSED else 'reopened'}",
        call,
    )
    return call


def check_takes_content(session: Session, call: ContentCall) -> None:
    """Content is taken while the call is open and the briefing is still going ahead."""
    if call.status != CallStatus.OPEN:
        raise Conflict(CLOSED)
    briefing = session.get(Briefing, call.briefing_id)
    if briefing is None or briefing.status not in SCHEDULED:
        raise Conflict(OVER)
