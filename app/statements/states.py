"""Which step is allowed from which state of an edition (a small table).

draft → submitted for review → approved → scheduled (embargoed until a time) or published;
submitted or approved → back to draft (to change it); scheduled → approved (taken back before its
time). A published edition never changes: a change makes the next edition.
"""

from __future__ import annotations

from enum import StrEnum

from app.i18n import N_
from app.statements.models import EditionState as E


class Step(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"


STEP_LABELS: dict[Step, str] = {
    Step.SUBMIT: N_("Submit for review"),
    Step.RETURN: N_("Return to draft"),
    Step.APPROVE: N_("Approve"),
    Step.PUBLISH: N_("Publish now"),
    Step.SCHEDULE: N_("Schedule"),
    Step.UNSCHEDULE: N_("Cancel the schedule"),
}

TRANSITIONS: dict[tuple[E, Step], E] = {
    (E.DRAFT, Step.SUBMIT): E.SUBMITTED,
    (E.SUBMITTED, Step.RETURN): E.DRAFT,
    (E.APPROVED, Step.RETURN): E.DRAFT,
    (E.SUBMITTED, Step.APPROVE): E.APPROVED,
    (E.APPROVED, Step.PUBLISH): E.PUBLISHED,
    (E.APPROVED, Step.SCHEDULE): E.SCHEDULED,
    (E.SCHEDULED, Step.UNSCHEDULE): E.APPROVED,
}


def next_state(state: E, step: Step) -> E | None:
    """The state after `step`, or None when the step is not possible now."""
    return TRANSITIONS.get((state, step))


def allowed_steps(state: E) -> list[Step]:
    return [step for (s, step) in TRANSITIONS if s == state]
