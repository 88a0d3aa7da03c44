"""Taking a statement along its workflow from a page or the API (`take_step`), and what can be
done with it now (`offered`), both read from the table in `states` and the rules of the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.audit.service import Actor
from app.errors import ValidationFailed
from app.i18n import Msg
from app.statements.models import (
    ISSUED,
    Compliance,
    Edition,
    EditionState,
    Statement,
    StatementKind,
)
from app.statements.service.editions import discard, new_edition, set_compliance, withdraw
from app.statements.service.reading import current_edition, editions
from app.statements.service.reference import may_approve
from app.statements.service.workflow import (
    approve,
    publish,
    return_to_draft,
    submit,
    unschedule,
)
from app.statements.states import WORKFLOW, AnyStep, StatementStep, Step
from app.uow import use_case

COMPLIANCE_VALUES = frozenset(c.value for c in Compliance)


@dataclass(frozen=True)
class StepData:
    """What a step needs besides the statement: the edition's `revision` as the page or request
    saw it (409 if it changed since), the time the edition becomes public (required to schedule;
    "publish" with a time schedules too), the `reason` of a withdrawal, the press agency's
    response (`compliance`, a `Compliance` value) and the numbering patterns' file."""

    revision: int | None = None
    publish_at: datetime | None = None
    reason: str = ""
    compliance: str = ""
    numbers_file: str = ""


# --- What can be done now ---------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """What can be done with a statement now: `steps` its current edition's state allows (the
    table), `statement_steps` on the statement as a whole, whether the press agency's response may
    be recorded, and whether the actor may approve (the page says so beside the approval)."""

    working: Edition | None  # the edition being prepared
    current: Edition | None  # the one the steps concern: being prepared, else the newest
    steps: list[Step]
    statement_steps: list[StatementStep]
    compliance: bool
    may_approve: bool


def offered(
    session: Session,
    st: Statement,
    *,
    actor: Actor | None = None,
    eds: list[Edition] | None = None,
) -> Offer:
    """The steps offered for a statement (`eds`, its editions in order, when already read)."""
    eds = eds if eds is not None else editions(session, st.id or 0)
    working = next((e for e in eds if e.state not in ISSUED), None)
    latest = eds[-1] if eds else None
    current = working or latest
    extra: list[StatementStep] = []
    if working is not None:
        extra.append(StatementStep.DISCARD)
    elif latest is not None and latest.state == EditionState.PUBLISHED and not st.withdrawn_at:
        extra.append(StatementStep.NEW_EDITION)
    issued = st.first_published_at is not None
    if issued and st.withdrawn_at is None:
        extra.append(StatementStep.WITHDRAW)
    return Offer(
        working=working,
        current=current,
        steps=WORKFLOW.allowed(current.state) if current else [],
        statement_steps=extra,
        compliance=issued and st.kind == StatementKind.CORRECTION_REQUEST,
        may_approve=actor is not None and may_approve(session, actor),
    )


# --- Taking a step ----------------------------------------------------------------------------

StepUseCase = Callable[[Session, Actor, int, StepData], Edition | None]


def _submit(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    return submit(session, actor=actor, statement_id=sid, expected_revision=data.revision)


def _return(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    return return_to_draft(session, actor=actor, statement_id=sid, expected_revision=data.revision)


def _approve(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    return approve(session, actor=actor, statement_id=sid, expected_revision=data.revision)


def _publish(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    return publish(
        session,
        actor=actor,
        statement_id=sid,
        at=data.publish_at,
        expected_revision=data.revision,
        numbers_file=data.numbers_file,
    )


def _schedule(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    if data.publish_at is None:
        raise ValidationFailed(
            {
                "publish_at": Msg(
                    "Enter the date and the time it becomes public, for example 26/11/2026 and 08:00."
                )
            }
        )
    return _publish(session, actor, sid, data)


def _unschedule(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    return unschedule(session, actor=actor, statement_id=sid, expected_revision=data.revision)


def _new_edition(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    return new_edition(session, actor=actor, statement_id=sid)


def _discard(session: Session, actor: Actor, sid: int, data: StepData) -> Edition | None:
    kept = discard(session, actor=actor, statement_id=sid)
    return current_edition(session, sid) if kept is not None else None


def _withdraw(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    withdraw(session, actor=actor, statement_id=sid, reason=data.reason)
    return current_edition(session, sid)


def _compliance(session: Session, actor: Actor, sid: int, data: StepData) -> Edition:
    if data.compliance not in COMPLIANCE_VALUES:
        raise ValidationFailed({"compliance": Msg("Choose what the press agency did.")})
    set_compliance(session, actor=actor, statement_id=sid, compliance=Compliance(data.compliance))
    return current_edition(session, sid)


STEPS: dict[AnyStep, StepUseCase] = {
    Step.SUBMIT: _submit,
    Step.RETURN: _return,
    Step.APPROVE: _approve,
    Step.PUBLISH: _publish,
    Step.SCHEDULE: _schedule,
    Step.UNSCHEDULE: _unschedule,
    StatementStep.NEW_EDITION: _new_edition,
    StatementStep.DISCARD: _discard,
    StatementStep.WITHDRAW: _withdraw,
    StatementStep.COMPLIANCE: _compliance,
}


@use_case
def take_step(
    session: Session, *, actor: Actor, id: int, step: AnyStep, data: StepData | None = None
) -> Edition | None:
    """Take a step on a statement: one of its edition's (a step the state does not allow, or a
    stale revision, is 409; approving one's own edition is 403) or one on the statement as a
    whole. Returns the edition the statement now shows the office (being prepared, else the
    newest), or None when discarding its first edition removed the statement."""
    return STEPS[step](session, actor, id, data or StepData())
