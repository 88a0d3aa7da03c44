"""What waits for each person: the inbox (`/inbox`, the dashboard, the count in the header).

One function per kind of waiting work, each a query of the records themselves (never a copy that
could drift): the office's new questions, submitted content, late content, overdue questions and
statements returned to draft; the approvers' answers, refusals and statements awaiting approval;
a department's open calls, returned content and assigned questions; a journalist's replies. What
a person sees is decided by `sections_for` from their role and rights, the same rule for the
page, the dashboard and the count. A row leaves the inbox when the work is done (its record
changes state), not when it is read.

The office reminds a department of missing content or an unanswered question (`remind`): a
notice and e-mail under the department's preferences, audited, once a day per item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit import service as audit
from app.audit.service import Actor
from app.briefings.models import Briefing
from app.content.models import CallRecipient, CallStatus, ContentCall, Submission
from app.content.models import SubmissionStatus as Sub
from app.errors import Conflict, Forbidden, NotFound
from app.i18n import N_, Msg
from app.notifications import work as notices
from app.orgs import service as orgs
from app.questions.models import Answer, AnswerKind, AnswerStatus, Question
from app.questions.models import QuestionStatus as Q
from app.statements.models import Edition, EditionState
from app.statements.service.reference import may_approve
from app.statements.service.workflow import authors_of
from app.timeutil import local_today, utcnow
from app.uow import use_case

SHOWN = 20  # rows per section; the count says how many there are in all
REPLIES_FOR = timedelta(days=14)  # a journalist sees replies this long
SENT = (Sub.SUBMITTED, Sub.ACCEPTED, Sub.INCLUDED)  # content the office has


@dataclass(frozen=True)
class Item:
    title: str  # the record's own words (a question, a briefing's or statement's title)
    link: str  # where the work is done
    since: datetime  # waiting since
    due: datetime | None = None
    organisation: str = ""
    note: str = ""  # msgid: a detail (a refusal, for the spokesperson only)
    remind: str | None = None  # "call:<id>:<org>" / "question:<id>": the office may remind


@dataclass
class Section:
    key: str
    label: str  # msgid
    items: list[Item] = field(default_factory=list)
    total: int = 0


LABELS = {
    "questions_new": N_("New questions to triage"),
    "content_submitted": N_("Content sent by departments"),
    "content_late": N_("Content past its deadline"),
    "questions_overdue": N_("Questions past their due date"),
    "statements_returned": N_("Statements returned to draft"),
    "answers_to_approve": N_("Answers awaiting your approval"),
    "statements_to_approve": N_("Statements awaiting your approval"),
    "calls_open": N_("Content asked of your organisation"),
    "content_returned": N_("Content returned for changes"),
    "questions_assigned": N_("Questions for your organisation"),
    "replies": N_("Replies to your questions"),
}


def _names(session: Session) -> dict[int, str]:
    return {o.id: o.name_vi for o in orgs.list_organisations(session, include_retired=True)}


def _short(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# Each kind of waiting work is two functions: its count (a `SELECT count(*)`, the totals of all
# the kinds a person sees read in one query) and its rows (only read when there are some).

Count = Callable[[Actor, datetime], Any]
Rows = Callable[[Session, Actor, datetime, int], list[Item]]


def _count_of(query: Any) -> Any:
    return select(func.count()).select_from(query.subquery())


# --- The office ---------------------------------------------------------------------------------


def _questions_new_where() -> Any:
    return col(Question.status).in_([Q.NEW.value, Q.ACCEPTED.value])


def questions_new_count(actor: Actor, now: datetime) -> Any:
    return select(func.count()).select_from(Question).where(_questions_new_where())


def questions_new(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    rows = session.execute(
        sa_select(
            col(Question.id),
            col(Question.text),
            col(Question.received_at),
            col(Question.due_at),
            col(Question.agency_name),
            col(Question.status),
        )
        .where(_questions_new_where())
        .order_by(col(Question.received_at))
        .limit(limit)
    ).all()
    return [
        Item(
            _short(text),
            f"/office/questions/{qid}",
            received,
            due,
            agency,
            N_("Accepted, to assign") if status == Q.ACCEPTED else "",
        )
        for qid, text, received, due, agency, status in rows
    ]


def content_submitted_count(actor: Actor, now: datetime) -> Any:
    return select(func.count()).select_from(Submission).where(Submission.status == Sub.SUBMITTED)


def content_submitted(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    rows = session.execute(
        sa_select(
            col(Submission.id),
            col(Submission.title),
            col(Submission.submitted_at),
            col(Submission.updated_at),
            col(Submission.organisation_id),
            col(Briefing.title_vi),
        )
        .join(ContentCall, col(ContentCall.id) == col(Submission.call_id))
        .join(Briefing, col(Briefing.id) == col(ContentCall.briefing_id))
        .where(col(Submission.status) == Sub.SUBMITTED)
        .order_by(col(Submission.submitted_at))
        .limit(limit)
    ).all()
    names = _names(session) if rows else {}
    return [
        Item(
            title or briefing_title,
            f"/submissions/{sid}",
            submitted or updated,
            organisation=names.get(org, ""),
        )
        for sid, title, submitted, updated, org, briefing_title in rows
    ]


def _content_late_query(now: datetime) -> Any:
    """Each organisation asked by an open call whose deadline has passed, that has sent nothing."""
    sent = (
        select(Submission.id)
        .where(col(Submission.call_id) == col(CallRecipient.call_id))
        .where(col(Submission.organisation_id) == col(CallRecipient.organisation_id))
        .where(col(Submission.status).in_([s.value for s in SENT]))
        .exists()
    )
    return (
        select(CallRecipient, ContentCall, Briefing)
        .join(ContentCall, col(ContentCall.id) == col(CallRecipient.call_id))
        .join(Briefing, col(Briefing.id) == col(ContentCall.briefing_id))
        .where(ContentCall.status == CallStatus.OPEN, col(ContentCall.deadline) < now)
        .where(~sent)
    )


def content_late_count(actor: Actor, now: datetime) -> Any:
    return _count_of(_content_late_query(now))


def content_late(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    query = _content_late_query(now)
    rows = session.exec(query.order_by(col(ContentCall.deadline)).limit(limit)).all()
    names = _names(session) if rows else {}
    return [
        Item(
            b.title_vi,
            f"/office/briefings/{b.id}/content",
            c.deadline,
            c.deadline,
            names.get(r.organisation_id, ""),
            remind=f"call:{c.id}:{r.organisation_id}",
        )
        for r, c, b in rows
    ]


def _questions_overdue_where(now: datetime) -> tuple[Any, ...]:
    return (col(Question.status) == Q.ASSIGNED, col(Question.due_at) < now)


def questions_overdue_count(actor: Actor, now: datetime) -> Any:
    return select(func.count()).select_from(Question).where(*_questions_overdue_where(now))


def questions_overdue(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    rows = session.execute(
        sa_select(
            col(Question.id),
            col(Question.text),
            col(Question.received_at),
            col(Question.due_at),
            col(Question.lead_org_id),
        )
        .where(*_questions_overdue_where(now))
        .order_by(col(Question.due_at))
        .limit(limit)
    ).all()
    names = _names(session) if rows else {}
    return [
        Item(
            _short(text),
            f"/office/questions/{qid}",
            due or received,
            due,
            names.get(lead or 0, ""),
            remind=f"question:{qid}",
        )
        for qid, text, received, due, lead in rows
    ]


def _statements_returned_where() -> tuple[Any, ...]:
    """Editions sent back to draft after a review: waiting for their authors to change them."""
    return (Edition.state == EditionState.DRAFT, col(Edition.submitted_at).is_not(None))


def statements_returned_count(actor: Actor, now: datetime) -> Any:
    return select(func.count()).select_from(Edition).where(*_statements_returned_where())


def statements_returned(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    rows = session.exec(
        select(Edition.title, Edition.statement_id, Edition.updated_at)
        .where(*_statements_returned_where())
        .order_by(col(Edition.updated_at))
        .limit(limit)
    ).all()
    return [Item(title, f"/office/statements/{sid}", at) for title, sid, at in rows]


# --- Approvers ----------------------------------------------------------------------------------


def _answers_to_approve_query(actor: Actor) -> Any:
    """Drafted answers of assigned questions that this person may approve: not one they drafted
    or edited; refusals for the spokesperson only."""
    query = (
        select(Answer, Question)
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(Answer.status == AnswerStatus.DRAFT, Question.status == Q.ASSIGNED)
        .where(col(Answer.submitted_at).is_not(None))
    )
    if actor.user_id is not None:
        for column in (Answer.drafted_by, Answer.edited_by):
            query = query.where((col(column).is_(None)) | (col(column) != actor.user_id))
    if actor.role != Role.SPOKESPERSON.value:
        query = query.where(Answer.kind != AnswerKind.REFUSAL)
    return query


def answers_to_approve_count(actor: Actor, now: datetime) -> Any:
    return _count_of(_answers_to_approve_query(actor))


def answers_to_approve(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    query = _answers_to_approve_query(actor)
    rows = session.exec(query.order_by(col(Answer.submitted_at)).limit(limit)).all()
    names = _names(session) if rows else {}
    return [
        Item(
            _short(q.text),
            f"/office/questions/{q.id}",
            a.submitted_at or a.updated_at,
            q.due_at,
            names.get(a.organisation_id or 0, ""),
            {AnswerKind.REFUSAL: N_("Refusal"), AnswerKind.HOLDING: N_("Holding answer")}.get(
                a.kind, ""
            ),
        )
        for a, q in rows
    ]


def statements_to_approve(session: Session, actor: Actor, now: datetime) -> list[Item]:
    """Editions submitted for review, for those who may approve, but not their own: all of them
    (whether one is this person's own is not a query), so counted with its rows."""
    if not may_approve(session, actor):
        return []
    rows = session.exec(
        select(Edition)
        .where(Edition.state == EditionState.SUBMITTED)
        .order_by(col(Edition.submitted_at))
    ).all()
    wrote = authors_of(session, list(rows)) if actor.user_id is not None else {}
    return [
        Item(e.title, f"/office/statements/{e.statement_id}", e.submitted_at or e.updated_at)
        for e in rows
        if actor.user_id not in wrote.get(e.id or 0, set())
    ]


# --- Departments --------------------------------------------------------------------------------


def _calls_open_query(actor: Actor) -> Any:
    """Open calls to the department's organisation that it has not answered yet."""
    sent = (
        select(Submission.id)
        .where(col(Submission.call_id) == col(ContentCall.id))
        .where(Submission.organisation_id == actor.organisation_id)
        .where(col(Submission.status).in_([s.value for s in SENT]))
        .exists()
    )
    return (
        select(ContentCall, Briefing)
        .join(CallRecipient, col(CallRecipient.call_id) == col(ContentCall.id))
        .join(Briefing, col(Briefing.id) == col(ContentCall.briefing_id))
        .where(CallRecipient.organisation_id == actor.organisation_id)
        .where(ContentCall.status == CallStatus.OPEN)
        .where(~sent)
    )


def calls_open_count(actor: Actor, now: datetime) -> Any:
    return _count_of(_calls_open_query(actor))


def calls_open(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    query = _calls_open_query(actor)
    rows = session.exec(query.order_by(col(ContentCall.deadline)).limit(limit)).all()
    return [Item(b.title_vi, "/dept/calls", c.created_at, c.deadline) for c, b in rows]


def _content_returned_where(actor: Actor) -> tuple[Any, ...]:
    return (
        Submission.status == Sub.RETURNED,
        Submission.organisation_id == actor.organisation_id,
    )


def content_returned_count(actor: Actor, now: datetime) -> Any:
    return select(func.count()).select_from(Submission).where(*_content_returned_where(actor))


def content_returned(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    rows = session.exec(
        select(Submission, ContentCall, Briefing)
        .join(ContentCall, col(ContentCall.id) == col(Submission.call_id))
        .join(Briefing, col(Briefing.id) == col(ContentCall.briefing_id))
        .where(*_content_returned_where(actor))
        .order_by(col(Submission.updated_at))
        .limit(limit)
    ).all()
    return [
        Item(s.title or b.title_vi, f"/submissions/{s.id}/edit", s.updated_at, c.deadline)
        for s, c, b in rows
    ]


def _questions_assigned_where(actor: Actor) -> tuple[Any, ...]:
    return (Question.status == Q.ASSIGNED, Question.lead_org_id == actor.organisation_id)


def questions_assigned_count(actor: Actor, now: datetime) -> Any:
    return select(func.count()).select_from(Question).where(*_questions_assigned_where(actor))


def questions_assigned(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    rows = session.exec(
        select(Question)
        .where(*_questions_assigned_where(actor))
        .order_by(col(Question.due_at))
        .limit(limit)
    ).all()
    return [Item(_short(q.text), f"/dept/questions/{q.id}", q.updated_at, q.due_at) for q in rows]


# --- Journalists ---------------------------------------------------------------------------------


def _replies_query(actor: Actor, now: datetime) -> Any:
    """Approved answers to the journalist's own questions, for two weeks."""
    return (
        select(Answer, Question)
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(
            Question.journalist_id == actor.user_id,
            Answer.status == AnswerStatus.APPROVED,
            col(Answer.approved_at) >= now - REPLIES_FOR,
        )
    )


def replies_count(actor: Actor, now: datetime) -> Any:
    return _count_of(_replies_query(actor, now))


def replies(session: Session, actor: Actor, now: datetime, limit: int) -> list[Item]:
    query = _replies_query(actor, now)
    rows = session.exec(query.order_by(col(Answer.approved_at).desc()).limit(limit)).all()
    return [
        Item(_short(q.text), f"/questions/{q.id}", a.approved_at or a.updated_at) for a, q in rows
    ]


# --- Who sees what -------------------------------------------------------------------------------

# key -> (its count, its rows); statements to approve are counted with their rows (None).
KINDS: dict[str, tuple[Count | None, Any]] = {
    "questions_new": (questions_new_count, questions_new),
    "content_submitted": (content_submitted_count, content_submitted),
    "content_late": (content_late_count, content_late),
    "questions_overdue": (questions_overdue_count, questions_overdue),
    "statements_returned": (statements_returned_count, statements_returned),
    "answers_to_approve": (answers_to_approve_count, answers_to_approve),
    "statements_to_approve": (None, statements_to_approve),
    "calls_open": (calls_open_count, calls_open),
    "content_returned": (content_returned_count, content_returned),
    "questions_assigned": (questions_assigned_count, questions_assigned),
    "replies": (replies_count, replies),
}
OFFICE_WORK = (
    "questions_new",
    "content_submitted",
    "content_late",
    "questions_overdue",
    "statements_returned",
)
APPROVALS = ("answers_to_approve", "statements_to_approve")
DEPARTMENT_WORK = ("calls_open", "content_returned", "questions_assigned")
JOURNALIST_WORK = ("replies",)


def kinds_for(actor: Actor) -> tuple[str, ...]:
    """The one rule of who sees which kinds of waiting work."""
    if actor.role == Role.SPOKESPERSON.value:
        return APPROVALS
    if actor.role == Role.PRESS_OFFICE.value:
        return APPROVALS + OFFICE_WORK
    if actor.role == Role.DEPARTMENT.value and actor.organisation_id is not None:
        return DEPARTMENT_WORK
    if actor.role == Role.JOURNALIST.value and actor.user_id is not None:
        return JOURNALIST_WORK
    return ()


def _totals(session: Session, actor: Actor, now: datetime, keys: tuple[str, ...]) -> dict[str, int]:
    """The counts of `keys` that are queries, in one query."""
    counted = [k for k in keys if KINDS[k][0] is not None]
    if not counted:
        return {}
    queries = [KINDS[k][0](actor, now).scalar_subquery() for k in counted]  # type: ignore[misc]
    found = session.execute(sa_select(*queries)).one()
    return {k: int(n) for k, n in zip(counted, found, strict=True)}


def sections_for(
    session: Session, actor: Actor, now: datetime | None = None, limit: int = SHOWN
) -> list[Section]:
    now = now or utcnow()
    keys = kinds_for(actor)
    totals = _totals(session, actor, now, keys)
    found = []
    for key in keys:
        rows = KINDS[key][1]
        if key in totals:
            total = totals[key]
            items = rows(session, actor, now, limit) if total and limit else []
        else:
            items = rows(session, actor, now)
            total, items = len(items), items[:limit]
        found.append(Section(key, LABELS[key], items, total))
    return found


def count_for(session: Session, actor: Actor, now: datetime | None = None) -> int:
    """The header's count: the totals only, no rows read (but the statements to approve)."""
    return sum(s.total for s in sections_for(session, actor, now, limit=0))


# --- Reminders -----------------------------------------------------------------------------------


@use_case
def remind(session: Session, *, actor: Actor, target: str) -> bool:
    """The office reminds a department of content it has not sent (`call:<id>:<org>`) or a
    question it has not answered (`question:<id>`). False when already reminded today."""
    if not actor.is_office:
        raise Forbidden(Msg("Only the spokesperson's office sends reminders."))
    parts = target.split(":")
    today = local_today().isoformat()
    if parts[0] == "call" and len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        call = session.get(ContentCall, int(parts[1]))
        org_id = int(parts[2])
        if call is None or session.get(CallRecipient, (call.id, org_id)) is None:
            raise NotFound()
        if call.status != CallStatus.OPEN:
            raise Conflict(Msg("This call is closed: there is nothing to remind."))
        briefing = session.get(Briefing, call.briefing_id)
        assert briefing is not None
        sent = notices.office_reminder(
            session,
            org_id,
            what=briefing.title_vi,
            link="/dept/calls",
            dedupe=f"remind:call:{call.id}:org:{org_id}:{today}",
        )
        summary = f"content for call #{call.id} of organisation #{org_id}"
        obj: object = call
    elif parts[0] == "question" and len(parts) == 2 and parts[1].isdigit():
        q = session.get(Question, int(parts[1]))
        if q is None:
            raise NotFound()
        if q.status != Q.ASSIGNED or q.lead_org_id is None:
            raise Conflict(Msg("This question is not waiting for an organisation's answer."))
        sent = notices.office_reminder(
            session,
            q.lead_org_id,
            what=_short(q.text, 120),
            link=f"/dept/questions/{q.id}",
            dedupe=f"remind:question:{q.id}:{today}",
        )
        summary = f"answer to question #{q.id} by organisation #{q.lead_org_id}"
        obj = q
    else:
        raise NotFound()
    if sent is None:
        raise Conflict(Msg("This organisation has no active account to remind."))
    if sent:
        audit.record(session, actor, "inbox.reminded", obj, summary)
    return bool(sent)
