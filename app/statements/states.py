"""Which step is allowed from which state of an edition (a small table), and the steps taken on a
statement as a whole.

draft → submitted for review → approved → scheduled (embargoed until a time) or published;
submitted or approved → back to draft (to change it); scheduled → approved (taken back before its
time). A published edition never changes: a change makes the next edition.

The statement's own steps (start a new edition, discard the one being prepared, withdraw, record
the press agency's response) depend on the statement rather than on one edition's state: the
service decides when they are offered (`service.offered`), and `service.take_step` takes both kinds.
"""

from __future__ import annotations

from enum import StrEnum

from app.i18n import N_
from app.statements.models import EditionState as E
from app.workflow import Workflow


class Step(StrEnum):
    """The steps of an edition: the table below."""

    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"


class StatementStep(StrEnum):
    """The steps on the statement as a whole (rules in the service)."""

    NEW_EDITION = "new-edition"
    DISCARD = "discard"
    WITHDRAW = "withdraw"
    COMPLIANCE = "compliance"


AnyStep = Step | StatementStep

STEP_LABELS: dict[Step, str] = {
    Step.SUBMIT: N_("Submit for review"),
    Step.RETURN: N_("Return to draft"),
    Step.APPROVE: N_("Approve"),
    Step.PUBLISH: N_("Publish now"),
    Step.SCHEDULE: N_("Schedule"),
    Step.UNSCHEDULE: N_("Cancel the schedule"),
}

WORKFLOW: Workflow[E, Step] = Workflow(
    transitions={
        (E.DRAFT, Step.SUBMIT): E.SUBMITTED,
        (E.SUBMITTED, Step.RETURN): E.DRAFT,
        (E.APPROVED, Step.RETURN): E.DRAFT,
        (E.SUBMITTED, Step.APPROVE): E.APPROVED,
        (E.APPROVED, Step.PUBLISH): E.PUBLISHED,
        (E.APPROVED, Step.SCHEDULE): E.SCHEDULED,
        (E.SCHEDULED, Step.UNSCHEDULE): E.APPROVED,
    },
    labels=STEP_LABELS,
    done={
        Step.SUBMIT: N_("The edition has been submitted for review."),
        Step.RETURN: N_("The edition is back in draft."),
        Step.APPROVE: N_("The edition has been approved: it can now be published or scheduled."),
        Step.PUBLISH: N_("The statement has been published."),
        Step.SCHEDULE: N_("The edition has been scheduled."),
        Step.UNSCHEDULE: N_(
            "The schedule has been cancelled: the edition is approved and not public."
        ),
    },
)
TRANSITIONS = WORKFLOW.transitions

# What is said once a step on the statement as a whole is done.
STATEMENT_DONE: dict[StatementStep, str] = {
    StatementStep.NEW_EDITION: N_(
        "A new edition has been started. Change it, then describe the change."
    ),
    StatementStep.DISCARD: N_("The edition being prepared has been discarded."),
    StatementStep.WITHDRAW: N_(
        "The statement has been withdrawn. Its page stays, with the reason."
    ),
    StatementStep.COMPLIANCE: N_("The press agency's response has been recorded."),
}


def next_state(state: E, step: Step) -> E | None:
    """The state after `step`, or None when the step is not possible now."""
    return WORKFLOW.next(state, step)


def allowed_steps(state: E) -> list[Step]:
    return WORKFLOW.allowed(state)


def parse_step(value: str) -> AnyStep | None:
    """The step named in a path ("submit", "new-edition"…), or None for an unknown name."""
    known: dict[str, AnyStep] = {s.value: s for s in (*Step, *StatementStep)}
    return known.get(value)


def done(step: AnyStep) -> str:
    """The message id said once `step` is done."""
    return WORKFLOW.done[step] if isinstance(step, Step) else STATEMENT_DONE[step]
