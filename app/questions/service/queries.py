"""Reading questions: the lists an actor may see (with the office's filters), a question's
answers, drafts and transfers, the published Q&A of a briefing, and the figures per organisation.
Who sees what is `common.get`'s rule, applied to lists here."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from app.accounts.models import Role
from app.audit.service import Actor
from app.questions import figures as question_figures
from app.questions.models import (
    OPEN,
    Answer,
    AnswerKind,
    AnswerStatus,
    Question,
    QuestionTransfer,
)
from app.questions.service.common import assigned_to, department_org, get
from app.timeutil import utcnow


@dataclass
class Filters:
    status: str = ""
    overdue: bool = False
    briefing_id: int | None = None
    organisation_id: int | None = None
    q: str = ""


def _listing_query(actor: Actor, f: Filters) -> SelectOfScalar[Question] | None:
    """The questions the actor may see narrowed by `f`, in the list's order; None: none."""
    query = select(Question)
    if not actor.is_office:
        org = department_org(actor)
        if org is not None:
            query = query.where(assigned_to(org))  # type: ignore[arg-type]
        elif actor.role == Role.JOURNALIST.value and actor.user_id is not None:
            query = query.where(Question.journalist_id == actor.user_id)
        else:
            return None
    if f.status:
        query = query.where(Question.status == f.status)
    if f.overdue:
        query = query.where(col(Question.status).in_([s.value for s in OPEN])).where(
            col(Question.due_at) < utcnow()
        )
    if f.briefing_id is not None:
        query = query.where(Question.briefing_id == f.briefing_id)
    if f.organisation_id is not None:
        query = query.where(Question.lead_org_id == f.organisation_id)
    if f.q.strip():
        query = query.where(col(Question.text).icontains(f.q.strip()[:200], autoescape=True))
    order = col(Question.due_at) if f.overdue else col(Question.received_at).desc()
    return query.order_by(order, col(Question.id).desc())


def listing(
    session: Session,
    *,
    actor: Actor,
    filters: Filters | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[Question]:
    """Questions the actor may see, newest first, narrowed by `filters`."""
    query = _listing_query(actor, filters or Filters())
    if query is None:
        return []
    return list(session.exec(query.offset(offset).limit(limit)).all())


def count_listing(
    session: Session, *, actor: Actor, filters: Filters | None = None, cap: int | None = None
) -> int:
    """How many questions `listing` has for these filters (counting at most `cap`), in SQL."""
    query = _listing_query(actor, filters or Filters())
    if query is None:
        return 0
    ids = query.with_only_columns(col(Question.id))
    if cap is not None:
        ids = ids.limit(cap)
    return int(session.execute(sa_select(func.count()).select_from(ids.subquery())).scalar_one())


def answers(session: Session, question_id: int, *, actor: Actor) -> list[Answer]:
    """The answers of a question the actor may see; a journalist sees approved ones only."""
    get(session, question_id, actor=actor)
    query = select(Answer).where(Answer.question_id == question_id)
    if actor.role == Role.JOURNALIST.value:
        query = query.where(Answer.status == AnswerStatus.APPROVED)
    return list(session.exec(query.order_by(col(Answer.created_at), col(Answer.id))).all())


def latest_answers(session: Session, question_ids: list[int]) -> dict[int, Answer]:
    """The last approved answer of each question (for trackers and lists), in one query."""
    out: dict[int, Answer] = {}
    if not question_ids:
        return out
    rows = session.exec(
        select(Answer)
        .where(col(Answer.question_id).in_(question_ids))
        .where(Answer.status == AnswerStatus.APPROVED)
        .order_by(col(Answer.approved_at), col(Answer.id))
    )
    for a in rows:
        out[a.question_id] = a
    return out


def draft_of(session: Session, question_id: int) -> Answer | None:
    return session.exec(
        select(Answer).where(Answer.question_id == question_id, Answer.status == AnswerStatus.DRAFT)
    ).first()


def transfers(session: Session, question_id: int) -> list[QuestionTransfer]:
    return list(
        session.exec(
            select(QuestionTransfer)
            .where(QuestionTransfer.question_id == question_id)
            .order_by(col(QuestionTransfer.at))
        ).all()
    )


def _public_query() -> Select[Question, Answer]:
    """Approved, public answers (not refusals or holding answers) of briefing questions."""
    return (
        select(Question, Answer)
        .join(Answer, col(Answer.question_id) == Question.id)
        .where(col(Question.briefing_id).is_not(None))
        .where(Answer.status == AnswerStatus.APPROVED, col(Answer.public).is_(True))
        .where(Answer.kind == AnswerKind.ANSWER)
    )


def public_pairs(session: Session, question_id: int) -> list[tuple[Question, Answer]]:
    return list(session.exec(_public_query().where(Question.id == question_id)).all())


def public_qa(session: Session, briefing_id: int) -> list[tuple[Question, Answer]]:
    """Questions of a briefing with an approved answer marked public, in the order asked."""
    rows = session.exec(
        _public_query()
        .where(Question.briefing_id == briefing_id)
        .order_by(col(Question.received_at), col(Question.id))
    )
    return list(rows.all())


# --- Figures ------------------------------------------------------------------------------------


@dataclass
class OrgFigures:
    """One lead organisation's line of the figures page, counted by `app.questions.figures` like
    the reports: answered excludes refusals, on time is of the answered."""

    organisation_id: int
    received: int = 0
    answered: int = 0
    on_time: int = 0
    refused: int = 0
    overdue: int = 0
    hours_to_answer: list[float] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours_to_answer) if self.hours_to_answer else None


def figures(session: Session, first: date, last: date) -> list[OrgFigures]:
    """Per lead organisation, for questions received in [first, last] (local days): received,
    answered, answered on time, refused, overdue now, and the median time to answer."""
    from app.briefings.service import local_datetime

    start = local_datetime(first, datetime.min.time())
    end = local_datetime(last + timedelta(days=1), datetime.min.time())
    out: dict[int, OrgFigures] = {}
    for q in question_figures.counted(session, start, end, utcnow()):
        if q.lead_org_id is None:
            continue
        f = out.setdefault(q.lead_org_id, OrgFigures(q.lead_org_id))
        f.received += 1
        f.answered += question_figures.ANSWERED in q.keys
        f.on_time += question_figures.ON_TIME in q.keys
        f.refused += question_figures.REFUSED in q.keys
        f.overdue += question_figures.OVERDUE in q.keys
        if q.hours is not None:
            f.hours_to_answer.append(q.hours)
    return sorted(out.values(), key=lambda f: -f.received)
