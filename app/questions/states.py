"""Which triage and answering step is allowed from which question status (a small table).

new → accepted → assigned (→ transferred, keeping the clock) → answered or refused by an
approved answer; new or accepted → merged into an earlier question, or declined with a reason.
A holding answer leaves the question assigned with a new due date.
"""

from __future__ import annotations

from enum import StrEnum

from app.i18n import N_
from app.questions.models import QuestionStatus as S


class Step(StrEnum):
    ACCEPT = "accept"
    MERGE = "merge"
    DECLINE = "decline"
    ASSIGN = "assign"
    TRANSFER = "transfer"
    ANSWER = "answer"  # an approved answer
    REFUSE = "refuse"  # an approved refusal


STEP_LABELS: dict[Step, str] = {
    Step.ACCEPT: N_("Accept"),
    Step.MERGE: N_("Merge into an earlier question"),
    Step.DECLINE: N_("Decline"),
    Step.ASSIGN: N_("Assign"),
    Step.TRANSFER: N_("Transfer"),
    Step.ANSWER: N_("Answer"),
    Step.REFUSE: N_("Refuse"),
}

TRANSITIONS: dict[tuple[S, Step], S] = {
    (S.NEW, Step.ACCEPT): S.ACCEPTED,
    (S.NEW, Step.MERGE): S.MERGED,
    (S.ACCEPTED, Step.MERGE): S.MERGED,
    (S.NEW, Step.DECLINE): S.DECLINED,
    (S.ACCEPTED, Step.DECLINE): S.DECLINED,
    (S.NEW, Step.ASSIGN): S.ASSIGNED,
    (S.ACCEPTED, Step.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, Step.TRANSFER): S.ASSIGNED,
    (S.ASSIGNED, Step.ANSWER): S.ANSWERED,
    (S.ASSIGNED, Step.REFUSE): S.REFUSED,
}


def next_status(status: S, step: Step) -> S | None:
    """The status after `step`, or None when the step is not possible now."""
    return TRANSITIONS.get((status, step))


def allowed_steps(status: S) -> list[Step]:
    return [step for (s, step) in TRANSITIONS if s == status]


# The office's triage steps, taken on the question page and through the API; answering and
# refusing happen by approving a drafted answer.
TRIAGE: tuple[Step, ...] = (Step.ACCEPT, Step.MERGE, Step.DECLINE, Step.ASSIGN, Step.TRANSFER)


def triage_steps(status: S) -> list[Step]:
    """The triage steps a question in `status` can take now, in the table's order."""
    return [step for step in allowed_steps(status) if step in TRIAGE]
