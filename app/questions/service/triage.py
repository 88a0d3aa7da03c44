"""Triage and routing, by the office: accept (perhaps as an incident, on the 24-hour rule),
merge into an earlier question, decline with a reason, assign to the organisation that answers
(and supporting ones), and transfer to another lead organisation keeping the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col

from app.audit import service as audit
from app.audit.service import Actor
from app.errors import NotFound, ValidationFailed
from app.forms import check_text
from app.i18n import Msg
from app.notifications import triggers
from app.orgs import service as orgs
from app.questions import deadlines, states
from app.questions.models import (
    LiveState,
    Question,
    QuestionStatus,
    QuestionSupport,
    QuestionTransfer,
)
from app.questions.service.common import (
    ANSWERING_ORGS,
    check_revision,
    get,
    next_status,
    office_only,
)
from app.questions.service.intake import _open_matter, set_due
from app.questions.states import Step
from app.timeutil import to_local, utcnow
from app.uow import use_case


@use_case
def accept(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    incident: bool | None = None,
    expected_revision: int | None = None,
) -> Question:
    """Take a question up; marking it an incident puts it on the 24-hour rule."""
    office_only(actor)
    q = get(session, question_id, actor=actor)
    check_revision(q, expected_revision)
    q.status = next_status(q, Step.ACCEPT)
    if incident is not None and incident != q.incident:
        q.incident = incident
        set_due(session, q)
    q.updated_at = utcnow()
    session.add(q)
    audit.record(session, actor, "question.accepted", q)
    if q.incident:
        _open_matter(session, actor, q)
    return q


@use_case
def merge(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    into_id: int,
    expected_revision: int | None = None,
) -> Question:
    """The same question as an earlier one: answered there; the asker is told which."""
    office_only(actor)
    q = get(session, question_id, actor=actor)
    check_revision(q, expected_revision)
    target = session.get(Question, into_id)
    if target is None or target.id == q.id:
        raise ValidationFailed({"into_id": Msg("Choose another question to merge into.")})
    if target.status in (QuestionStatus.MERGED, QuestionStatus.DECLINED):
        raise ValidationFailed(
            {"into_id": Msg("That question was itself merged or declined; choose the one kept.")}
        )
    q.status = next_status(q, Step.MERGE)
    q.merged_into_id = target.id
    if q.live_state in (LiveState.PENDING, LiveState.ALLOWED):
        q.live_state = LiveState.DISMISSED
    q.updated_at = utcnow()
    session.add(q)
    triggers.question_outcome(session, q, "merged")
    audit.record(session, actor, "question.merged", q, f"into #{target.id}")
    return q


@use_case
def decline(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    reason: str,
    expected_revision: int | None = None,
) -> Question:
    office_only(actor)
    q = get(session, question_id, actor=actor)
    check_revision(q, expected_revision)
    errors: dict[str, Msg] = {}
    reason = check_text(reason, "reason", 2000, errors, Msg("Say why the question is declined."))
    if errors:
        raise ValidationFailed(errors)
    q.status = next_status(q, Step.DECLINE)
    q.status_reason = reason
    if q.live_state in (LiveState.PENDING, LiveState.ALLOWED):
        q.live_state = LiveState.DISMISSED
    q.updated_at = utcnow()
    session.add(q)
    audit.record(session, actor, "question.declined", q, reason)
    return q


def _check_org(session: Session, org_id: int | None, errors: dict[str, Msg], name: str) -> None:
    if (
        org_id is None
        or orgs.get_active(session, org_id, tuple(k.value for k in ANSWERING_ORGS)) is None
    ):
        errors[name] = Msg("Choose an organisation from the list.")


@use_case
def assign(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    lead_org_id: int | None,
    support_ids: list[int] | None = None,
    due_on: date | None = None,
    expected_revision: int | None = None,
) -> Question:
    """Route a question to the organisation that answers it (and supporting ones). The due date
    comes from the rules unless the office sets an earlier or later working day."""
    office_only(actor)
    q = get(session, question_id, actor=actor)
    check_revision(q, expected_revision)
    errors: dict[str, Msg] = {}
    _check_org(session, lead_org_id, errors, "lead_org_id")
    support = sorted(set(support_ids or []) - {lead_org_id or 0})
    for org_id in support:
        _check_org(session, org_id, errors, "support_ids")
    if due_on is not None and due_on < to_local(utcnow()).date():
        errors["due_on"] = Msg("The due date cannot be in the past.")
    if errors:
        raise ValidationFailed(errors)
    q.status = next_status(q, Step.ASSIGN)
    q.lead_org_id = lead_org_id
    if due_on is not None:
        q.due_at = deadlines.end_of_day(due_on)
        q.due_basis = "office"
    q.updated_at = utcnow()
    session.add(q)
    session.execute(delete(QuestionSupport).where(col(QuestionSupport.question_id) == q.id))
    session.add_all(QuestionSupport(question_id=q.id or 0, organisation_id=i) for i in support)
    triggers.question_assigned(session, q)
    audit.record(session, actor, "question.assigned", q, f"lead {lead_org_id}, support {support}")
    return q


@use_case
def transfer(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    to_org_id: int | None,
    reason: str = "",
    expected_revision: int | None = None,
) -> Question:
    """Move a question to another lead organisation; the due date stays (the clock keeps
    running from when it was received)."""
    office_only(actor)
    q = get(session, question_id, actor=actor)
    check_revision(q, expected_revision)
    errors: dict[str, Msg] = {}
    _check_org(session, to_org_id, errors, "to_org_id")
    if to_org_id is not None and to_org_id == q.lead_org_id:
        errors["to_org_id"] = Msg("The question is already with this organisation.")
    reason = check_text(reason, "reason", 1000, errors)
    if errors:
        raise ValidationFailed(errors)
    q.status = next_status(q, Step.TRANSFER)
    assert to_org_id is not None
    session.add(
        QuestionTransfer(
            question_id=q.id or 0,
            from_org_id=q.lead_org_id,
            to_org_id=to_org_id,
            by_user_id=actor.user_id,
            reason=reason,
        )
    )
    q.lead_org_id = to_org_id
    q.updated_at = utcnow()
    session.add(q)
    session.execute(
        delete(QuestionSupport).where(
            col(QuestionSupport.question_id) == q.id,
            col(QuestionSupport.organisation_id) == to_org_id,
        )
    )
    triggers.question_assigned(session, q)
    audit.record(session, actor, "question.transferred", q, f"to {to_org_id}: {reason}")
    return q


# --- One entry for every triage step (the question page and the API) ------------------------------


@dataclass
class StepData:
    """The fields a triage step may carry; each step reads its own."""

    revision: int | None = None
    incident: bool | None = None  # accept
    into_id: int | None = None  # merge
    reason: str = ""  # decline, transfer
    lead_org_id: int | None = None  # assign
    support_ids: list[int] = field(default_factory=list)
    due_on: date | None = None
    to_org_id: int | None = None  # transfer


def offered(actor: Actor, q: Question) -> list[states.Step]:
    """The triage steps offered to `actor` on question `q` (the office only)."""
    return states.triage_steps(q.status) if actor.is_office else []


_STEPS: dict[states.Step, Callable[[Session, Actor, int, StepData], Question]] = {
    states.Step.ACCEPT: lambda s, a, i, d: accept(
        s, actor=a, question_id=i, incident=d.incident, expected_revision=d.revision
    ),
    states.Step.MERGE: lambda s, a, i, d: merge(
        s, actor=a, question_id=i, into_id=d.into_id or 0, expected_revision=d.revision
    ),
    states.Step.DECLINE: lambda s, a, i, d: decline(
        s, actor=a, question_id=i, reason=d.reason, expected_revision=d.revision
    ),
    states.Step.ASSIGN: lambda s, a, i, d: assign(
        s,
        actor=a,
        question_id=i,
        lead_org_id=d.lead_org_id,
        support_ids=d.support_ids,
        due_on=d.due_on,
        expected_revision=d.revision,
    ),
    states.Step.TRANSFER: lambda s, a, i, d: transfer(
        s,
        actor=a,
        question_id=i,
        to_org_id=d.to_org_id,
        reason=d.reason,
        expected_revision=d.revision,
    ),
}


def take_step(
    session: Session, *, actor: Actor, question_id: int, step: str, data: StepData | None = None
) -> Question:
    """Take a triage step by name: one that is not a triage step is "not found"; one the
    question's status does not allow, or a stale revision, is 409; fields in error are 422."""
    try:
        chosen = states.Step(step)
    except ValueError:
        raise NotFound() from None
    if chosen not in _STEPS:
        raise NotFound()
    return _STEPS[chosen](session, actor, question_id, data or StepData())
