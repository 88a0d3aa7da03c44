"""The agenda builder: items typed by the office or taken from accepted submissions, with a
presenter and minutes each, kept in order."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import AgendaItem
from app.content.models import ContentCall, Submission, SubmissionStatus
from app.content.service.scope import get_submission, party_of
from app.content.states import WORKFLOW, Step
from app.errors import Conflict, NotFound, ValidationFailed
from app.forms import check_text
from app.i18n import Msg
from app.orgs import service as orgs
from app.timeutil import utcnow
from app.uow import use_case


def items(session: Session, briefing_id: int) -> list[AgendaItem]:
    return briefings.agenda(session, briefing_id)


def _validate(
    title: str, presenter: str, minutes: int | None, minutes_raw: str = ""
) -> tuple[str, str]:
    errors: dict[str, Msg] = {}
    title = check_text(title, "title", 500, errors, Msg("Enter the agenda item."))
    presenter = check_text(presenter, "presenter", 200, errors)
    if (minutes_raw.strip() and minutes is None) or (
        minutes is not None and not 1 <= minutes <= 600
    ):
        errors["minutes"] = Msg("Enter the minutes as a whole number from 1 to 600.")
    if errors:
        raise ValidationFailed(errors)
    return title, presenter


def _renumber(rows: list[AgendaItem]) -> None:
    for i, row in enumerate(rows):
        row.position = i


@use_case
def add(
    session: Session,
    *,
    actor: Actor,
    briefing_id: int,
    title: str = "",
    presenter: str = "",
    minutes: int | None = None,
    minutes_raw: str = "",
    submission_id: int | None = None,
) -> AgendaItem:
    """Add an item at the end: typed, or from an accepted submission of this briefing's call."""
    briefing = briefings.get(session, briefing_id)
    sub: Submission | None = None
    if submission_id is not None:
        sub = get_submission(session, submission_id, actor=actor)
        call = session.get(ContentCall, sub.call_id)
        if call is None or call.briefing_id != briefing_id:
            raise NotFound()
        target = WORKFLOW.next(sub.status, Step.INCLUDE, party_of(actor))
        if target is None:
            raise Conflict(Msg("Only accepted content can be added to the agenda."))
        title = title.strip() or sub.title
        presenter = presenter.strip() or orgs.get(session, sub.organisation_id).name_vi
    title, presenter = _validate(title, presenter, minutes, minutes_raw)
    rows = items(session, briefing_id)
    item = AgendaItem(
        briefing_id=briefing.id or 0,
        title=title,
        presenter=presenter,
        minutes=minutes,
        position=len(rows),
        submission_id=submission_id,
    )
    session.add(item)
    if sub is not None:
        sub.status = SubmissionStatus.INCLUDED
        sub.updated_at = utcnow()
        session.add(sub)
    audit.record(session, actor, "agenda_item.added", item, title)
    return item


def _get(session: Session, briefing_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.briefing_id != briefing_id:
        raise NotFound()
    return item


@use_case
def update(
    session: Session,
    *,
    actor: Actor,
    briefing_id: int,
    item_id: int,
    title: str,
    presenter: str,
    minutes: int | None,
    minutes_raw: str = "",
) -> AgendaItem:
    item = _get(session, briefing_id, item_id)
    item.title, item.presenter = _validate(title, presenter, minutes, minutes_raw)
    item.minutes = minutes
    session.add(item)
    audit.record(session, actor, "agenda_item.updated", item, item.title)
    return item


@use_case
def move(session: Session, *, actor: Actor, briefing_id: int, item_id: int, to: int) -> None:
    """Put an item at position `to` (0-based, clamped) and renumber the others."""
    rows = items(session, briefing_id)
    item = _get(session, briefing_id, item_id)
    rows = [r for r in rows if r.id != item.id]
    rows.insert(max(0, min(to, len(rows))), item)
    _renumber(rows)
    session.add_all(rows)
    audit.record(session, actor, "agenda_item.moved", item, f"{item.title} → {item.position + 1}")


@use_case
def remove(session: Session, *, actor: Actor, briefing_id: int, item_id: int) -> None:
    """Take an item off the agenda; content it came from goes back to "accepted"."""
    item = _get(session, briefing_id, item_id)
    if item.submission_id is not None:
        sub = session.get(Submission, item.submission_id)
        if sub is not None and sub.status == SubmissionStatus.INCLUDED:
            sub.status = SubmissionStatus.ACCEPTED
            sub.updated_at = utcnow()
            session.add(sub)
    audit.record(session, actor, "agenda_item.removed", item, item.title)
    session.delete(item)
    session.flush()
    rows = [r for r in items(session, briefing_id) if r.id != item_id]
    _renumber(rows)
    session.add_all(rows)


def total_minutes(rows: list[AgendaItem]) -> int:
    return sum(r.minutes or 0 for r in rows)


def accepted_not_in_agenda(session: Session, briefing_id: int) -> list[Submission]:
    """Accepted content of this briefing that is not on the agenda yet."""
    return list(
        session.exec(
            select(Submission)
            .join(ContentCall, col(ContentCall.id) == Submission.call_id)
            .where(ContentCall.briefing_id == briefing_id)
            .where(Submission.status == SubmissionStatus.ACCEPTED)
            .order_by(col(Submission.submitted_at))
        ).all()
    )
