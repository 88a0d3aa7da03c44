"""How a question counts: the one classification behind every figure about questions.

The office's figures page (`/office/questions/figures`), the compliance dashboard and its exports
(`/reports`, `/api/v1/reports/summary`) and figure 3 of the yearly report all count questions
through `question_keys`, so that the same words always mean the same numbers:

- received: every question received in the period (by its receipt, in local days);
- answered: an approved answer (not a refusal), and of those, on time (at or before the due date
  in force, holding answers included) or late;
- refused: an approved refusal on a legal ground, by ground (`<rule set>:<point>`: the same letter
  means different things under each law);
- replied: answered or refused (the press agency was told, which figure 3 of the yearly report
  counts as an answer under Decree 244/2026 Art. 4(3));
- overdue: still open after its due date now; open: still open and not yet due;
- merged (into another question, counted there) and declined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.law.rulesets import ruleset_at
from app.questions.models import OPEN, Answer, AnswerKind, AnswerStatus, Question, QuestionStatus

RECEIVED = "questions.received"
ANSWERED = "questions.answered"
ON_TIME = "questions.on_time"
LATE = "questions.late"
REFUSED = "questions.refused"
REPLIED = "questions.replied"
OVERDUE = "questions.overdue"
OPEN_KEY = "questions.open"
MERGED = "questions.merged"
DECLINED = "questions.declined"


def question_keys(
    status: QuestionStatus,
    answered_at: datetime | None,
    due_at: datetime | None,
    ground: str | None,
    now: datetime,
) -> frozenset[str]:
    """The keys a question counts under (see the module's description)."""
    late = False
    if status == QuestionStatus.ANSWERED:
        late = not (due_at is None or (answered_at is not None and answered_at <= due_at))
    elif status in OPEN:
        late = due_at is not None and due_at < now
    return _keys(status, late, ground if status == QuestionStatus.REFUSED else None)


@lru_cache(maxsize=1024)
def _keys(status: QuestionStatus, late: bool, ground: str | None) -> frozenset[str]:
    """The keys of a question from what decides them (a few sets, shared by every question)."""
    keys = {RECEIVED}
    if status == QuestionStatus.ANSWERED:
        keys |= {ANSWERED, REPLIED, LATE if late else ON_TIME}
    elif status == QuestionStatus.REFUSED:
        keys |= {REFUSED, REPLIED, f"{REFUSED}.{ground or 'other'}"}
    elif status in OPEN:
        keys.add(OVERDUE if late else OPEN_KEY)
    elif status == QuestionStatus.MERGED:
        keys.add(MERGED)
    elif status == QuestionStatus.DECLINED:
        keys.add(DECLINED)
    return frozenset(keys)


@dataclass(frozen=True)
class Counted:
    """A question as the figures see it."""

    id: int
    lead_org_id: int | None
    received_at: datetime
    keys: frozenset[str]
    hours: float | None  # from receipt to the approved answer (answered questions only)


def counted(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    organisation_id: int | None = None,
) -> list[Counted]:
    """The questions received in [start, end), classified; only light columns are read. With
    `organisation_id`, only those it leads."""
    refusal = (
        select(Answer.question_id, Answer.refusal_ground)
        .where(Answer.kind == AnswerKind.REFUSAL, Answer.status == AnswerStatus.APPROVED)
        .subquery()
    )
    query = (
        sa_select(
            col(Question.id),
            col(Question.lead_org_id),
            col(Question.status),
            col(Question.received_at),
            col(Question.answered_at),
            col(Question.due_at),
            refusal.c.refusal_ground,
        )
        .outerjoin(refusal, refusal.c.question_id == Question.id)
        .where(col(Question.received_at) >= start, col(Question.received_at) < end)
        .order_by(col(Question.received_at), col(Question.id))
    )
    if organisation_id is not None:
        query = query.where(col(Question.lead_org_id) == organisation_id)
    seen: set[int] = set()
    out = []
    for qid, org, status, received, answered, due, ground in session.execute(query).all():
        if qid in seen:  # two approved refusals cannot happen; count a question once regardless
            continue
        seen.add(qid)
        if ground and answered:  # a ground is one of the law of the refusal's date: say which
            ground = f"{ruleset_at(answered).code}:{ground}"
        keys = question_keys(QuestionStatus(status), answered, due, ground, now)
        hours = (
            (answered - received).total_seconds() / 3600 if answered and ANSWERED in keys else None
        )
        out.append(Counted(qid, org, received, keys, hours))
    return out
