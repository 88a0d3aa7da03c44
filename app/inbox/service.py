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
from app.statements.service.workflow import authors
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

Finder = Callable[[Session, Actor, datetime, int], tuple[list[Item], int]]


def _names(session: Session) -> dict[int, str]:
    return {o.id: o.name_vi for o in orgs.list_organisations(session, include_retired=True)}


def _short(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --- The office ---------------------------------------------------------------------------------


def questions_new(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    where = col(Question.status).in_([Q.NEW.value, Q.ACCEPTED.value])
    total = session.exec(select(func.count()).select_from(Question).where(where)).one()
    rows = session.execute(
        sa_select(
            col(Question.id),
            col(Question.text),
            col(Question.received_at),
            col(Question.due_at),
            col(Question.agency_name),
            col(Question.status),
        )
        .where(where)
        .order_by(col(Question.received_at))
        .limit(limit)
    ).all()
    items = [
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
    return items, total


def content_submitted(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    where = col(Submission.status) == Sub.SUBMITTED
    total = session.exec(select(func.count()).select_from(Submission).where(where)).one()
    rows = session.execute(
        sa_select(
            col(Submission.id),
            col(Submission.title),
            col(Submission.submitted_at),
            col(Submission.updated_at),
            col(Submission.organisation_id),
            col(Briefing.title_vi),
        )
        .join(ContentCall, col(ContentCall.id) == col(col(Submission.call_id)))
        .join(Briefing, col(Briefing.id) == col(ContentCall.briefing_id))
        .where(where)
        .order_by(col(Submission.submitted_at))
        .limit(limit)
    ).all()
    names = _names(session) if rows else {}
    items = [
        Item(
            title or briefing_title,
            f"/submissions/{sid}",
            submitted or updated,
            organisation=names.get(org, ""),
        )
        for sid, title, submitted, updated, org, briefing_title in rows
    ]
    return items, total


def content_late(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    """Each organisation asked by an open call whose deadline has passed, that has sent nothing."""
    sent = (
        select(Submission.id)
        .where(col(Submission.call_id) == col(CallRecipient.call_id))
        .where(col(Submission.organisation_id) == col(CallRecipient.organisation_id))
        .where(col(Submission.status).in_([s.value for s in SENT]))
        .exists()
    )
    query = (
        select(CallRecipient, ContentCall, Briefing)
        .join(ContentCall, col(ContentCall.id) == col(CallRecipient.call_id))
        .join(Briefing, col(Briefing.id) == col(ContentCall.briefing_id))
        .where(ContentCall.status == CallStatus.OPEN, col(ContentCall.deadline) < now)
        .where(~sent)
    )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(ContentCall.deadline)).limit(limit)).all()
    names = _names(session) if rows else {}
    items = [
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
    return items, total


def questions_overdue(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    where = (col(Question.status) == Q.ASSIGNED, col(Question.due_at) < now)
    total = session.exec(select(func.count()).select_from(Question).where(*where)).one()
    rows = session.execute(
        sa_select(
            col(Question.id),
            col(Question.text),
            col(Question.received_at),
            col(Question.due_at),
            col(Question.lead_org_id),
        )
        .where(*where)
        .order_by(col(Question.due_at))
        .limit(limit)
    ).all()
    names = _names(session) if rows else {}
    items = [
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
    return items, total


def statements_returned(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    """Editions sent back to draft after a review: waiting for their authors to change them."""
    where = (Edition.state == EditionState.DRAFT, col(Edition.submitted_at).is_not(None))
    total = session.exec(select(func.count()).select_from(Edition).where(*where)).one()
    rows = session.exec(
        select(Edition.title, Edition.statement_id, Edition.updated_at)
        .where(*where)
        .order_by(col(Edition.updated_at))
        .limit(limit)
    ).all()
    items = [Item(title, f"/office/statements/{sid}", at) for title, sid, at in rows]
    return items, total


# --- Approvers ----------------------------------------------------------------------------------


def answers_to_approve(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
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
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Answer.submitted_at)).limit(limit)).all()
    names = _names(session) if rows else {}
    items = [
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
    return items, total


def statements_to_approve(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    """Editions submitted for review, for those who may approve, but not their own."""
    if not may_approve(session, actor):
        return [], 0
    rows = session.exec(
        select(Edition)
        .where(Edition.state == EditionState.SUBMITTED)
        .order_by(col(Edition.submitted_at))
    ).all()
    mine = [e for e in rows if actor.user_id is None or actor.user_id not in authors(session, e)]
    items = [
        Item(e.title, f"/office/statements/{e.statement_id}", e.submitted_at or e.updated_at)
        for e in mine[:limit]
    ]
    return items, len(mine)


# --- Departments --------------------------------------------------------------------------------


def calls_open(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    """Open calls to the department's organisation that it has not answered yet."""
    sent = (
        select(Submission.id)
        .where(col(Submission.call_id) == col(ContentCall.id))
        .where(Submission.organisation_id == actor.organisation_id)
        .where(col(Submission.status).in_([s.value for s in SENT]))
        .exists()
    )
    query = (
        select(ContentCall, Briefing)
        .join(CallRecipient, col(CallRecipient.call_id) == col(ContentCall.id))
        .join(Briefing, col(Briefing.id) == col(ContentCall.briefing_id))
        .where(CallRecipient.organisation_id == actor.organisation_id)
        .where(ContentCall.status == CallStatus.OPEN)
        .where(~sent)
    )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(ContentCall.deadline)).limit(limit)).all()
    items = [Item(b.title_vi, "/dept/calls", c.created_at, c.deadline) for c, b in rows]
    return items, total


def content_returned(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    where = (
        Submission.status == Sub.RETURNED,
        Submission.organisation_id == actor.organisation_id,
    )
    total = session.exec(select(func.count()).select_from(Submission).where(*where)).one()
    rows = session.exec(
        select(Submission, ContentCall, Briefing)
        .join(ContentCall, col(ContentCall.id) == col(Submission.call_id))
        .join(Briefing, col(Briefing.id) == col(ContentCall.briefing_id))
        .where(*where)
        .order_by(col(Submission.updated_at))
        .limit(limit)
    ).all()
    items = [
        Item(s.title or b.title_vi, f"/submissions/{s.id}/edit", s.updated_at, c.deadline)
        for s, c, b in rows
    ]
    return items, total


def questions_assigned(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    where = (Question.status == Q.ASSIGNED, Question.lead_org_id == actor.organisation_id)
    total = session.exec(select(func.count()).select_from(Question).where(*where)).one()
    rows = session.exec(
        select(Question).where(*where).order_by(col(Question.due_at)).limit(limit)
    ).all()
    items = [Item(_short(q.text), f"/dept/questions/{q.id}", q.updated_at, q.due_at) for q in rows]
    return items, total


# --- Journalists ---------------------------------------------------------------------------------


def replies(
    session: Session, actor: Actor, now: datetime, limit: int = SHOWN
) -> tuple[list[Item], int]:
    """Approved answers to the journalist's own questions, for two weeks."""
    where = (
        Question.journalist_id == actor.user_id,
        Answer.status == AnswerStatus.APPROVED,
        col(Answer.approved_at) >= now - REPLIES_FOR,
    )
    query = (
        select(Answer, Question)
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(*where)
    )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Answer.approved_at).desc()).limit(limit)).all()
    items = [
        Item(_short(q.text), f"/questions/{q.id}", a.approved_at or a.updated_at) for a, q in rows
    ]
    return items, total


# --- Who sees what -------------------------------------------------------------------------------

OFFICE_WORK: tuple[tuple[str, Finder], ...] = (
    ("questions_new", questions_new),
    ("content_submitted", content_submitted),
    ("content_late", content_late),
    ("questions_overdue", questions_overdue),
    ("statements_returned", statements_returned),
)
APPROVALS: tuple[tuple[str, Finder], ...] = (
    ("answers_to_approve", answers_to_approve),
    ("statements_to_approve", statements_to_approve),
)
DEPARTMENT_WORK: tuple[tuple[str, Finder], ...] = (
    ("calls_open", calls_open),
    ("content_returned", content_returned),
    ("questions_assigned", questions_assigned),
)
JOURNALIST_WORK: tuple[tuple[str, Finder], ...] = (("replies", replies),)


def finders_for(actor: Actor) -> tuple[tuple[str, Finder], ...]:
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


def sections_for(
    session: Session, actor: Actor, now: datetime | None = None, limit: int = SHOWN
) -> list[Section]:
    now = now or utcnow()
    found = []
    for key, finder in finders_for(actor):
        items, total = finder(session, actor, now, limit)
        found.append(Section(key, LABELS[key], items, total))
    return found


def count_for(session: Session, actor: Actor, now: datetime | None = None) -> int:
    """The header's count: the totals only, no rows read."""
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
