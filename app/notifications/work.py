"""Notices of work waiting for someone (the inbox's events, see `app.inbox`): a question to
triage and content sent, for the office; an answer or statement awaiting approval, for those who
may approve it (never its own writers); a statement returned, for its writers; the office's
reminder, for a department. Called by the services inside their transaction, like `triggers`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import OFFICE_ROLES, Role, User, UserStatus
from app.briefings.models import Briefing
from app.config import Settings
from app.content.models import CallRecipient, CallStatus, ContentCall, Submission, SubmissionStatus
from app.notifications.models import Notice, NoticeKind
from app.notifications.service import department_users, notify
from app.orgs import service as orgs
from app.questions.models import Answer, AnswerKind, Question
from app.statements.models import Edition, StatementApprover
from app.timeutil import format_datetime


def _short(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _active(
    session: Session, roles: Iterable[Role], ids: Iterable[int] | None = None
) -> list[User]:
    query = select(User).where(
        col(User.role).in_([r.value for r in roles]), User.status == UserStatus.ACTIVE
    )
    if ids is not None:
        query = query.where(col(User.id).in_(list(ids)))
    return list(session.exec(query).all())


def _org_name(session: Session, org_id: int | None) -> str:
    if org_id is None:
        return ""
    try:
        return orgs.get(session, org_id).name_vi
    except Exception:  # a retired or unknown body: the notice still goes
        return ""


def question_received(session: Session, q: Question) -> None:
    """A question to triage: the press office, once."""
    notify(
        session,
        _active(session, [Role.PRESS_OFFICE]),
        NoticeKind.QUESTION_RECEIVED,
        params={"text": _short(q.text), "asker": q.agency_name or q.asker_name or "—"},
        link=f"/office/questions/{q.id}",
        dedupe=f"question:{q.id}:received",
    )


def content_submitted(session: Session, sub: Submission, briefing: Briefing) -> None:
    """A department sent (or sent again) its content: the press office."""
    notify(
        session,
        _active(session, [Role.PRESS_OFFICE]),
        NoticeKind.CONTENT_SUBMITTED,
        params={
            "organisation": _org_name(session, sub.organisation_id),
            "briefing": briefing.title_vi,
        },
        link=f"/submissions/{sub.id}",
        dedupe=f"submission:{sub.id}:{sub.submitted_at.isoformat() if sub.submitted_at else ''}",
    )


def answer_drafted(session: Session, answer: Answer, q: Question) -> None:
    """A drafted answer awaits approval: whoever may approve it (a refusal: the spokesperson),
    not its writers; once per draft."""
    roles = [Role.SPOKESPERSON] if answer.kind == AnswerKind.REFUSAL else list(OFFICE_ROLES)
    writers = {answer.drafted_by, answer.edited_by}
    notify(
        session,
        [u for u in _active(session, roles) if u.id not in writers],
        NoticeKind.ANSWER_DRAFTED,
        params={
            "organisation": _org_name(session, answer.organisation_id),
            "text": _short(q.text),
        },
        link=f"/office/questions/{q.id}",
        dedupe=f"answer:{answer.id}:drafted:{answer.kind}",
    )


def statement_submitted(session: Session, ed: Edition, writers: set[int]) -> None:
    """An edition submitted for review: the spokesperson and the editors given the right, not
    its writers; again at each submission."""
    granted = session.exec(select(StatementApprover.user_id)).all()
    people = _active(session, [Role.SPOKESPERSON]) + _active(session, [Role.PRESS_OFFICE], granted)
    notify(
        session,
        [u for u in people if u.id not in writers],
        NoticeKind.STATEMENT_SUBMITTED,
        params={"title": _short(ed.title)},
        link=f"/office/statements/{ed.statement_id}",
        dedupe=f"edition:{ed.id}:submitted:{ed.submitted_at.isoformat() if ed.submitted_at else ''}",
    )


def statement_returned(session: Session, ed: Edition, by_user_id: int | None) -> None:
    """An edition sent back to draft: the people who wrote it (not the one who returned it)."""
    writers = {ed.created_by, ed.edited_by} - {None, by_user_id}
    notify(
        session,
        _active(session, OFFICE_ROLES, [w for w in writers if w is not None]),
        NoticeKind.STATEMENT_RETURNED,
        params={"title": _short(ed.title)},
        link=f"/office/statements/{ed.statement_id}",
    )


def office_reminder(
    session: Session, org_id: int, *, what: str, link: str, dedupe: str
) -> list[Notice] | None:
    """The office reminds a department: None when it has no active account, [] when it was
    already reminded of this (the dedupe key holds the day)."""
    people = department_users(session, [org_id])
    if not people:
        return None
    return notify(
        session,
        people,
        NoticeKind.OFFICE_REMINDER,
        params={"what": what},
        link=link,
        dedupe=dedupe,
    )


def content_late(session: Session, settings: Settings, now: datetime) -> int:
    """A hook of the sender: once a call's deadline has passed (in the last week) with content
    missing, the press office is told, once per call and deadline."""
    sent = (
        select(Submission.id)
        .where(col(Submission.call_id) == col(CallRecipient.call_id))
        .where(col(Submission.organisation_id) == col(CallRecipient.organisation_id))
        .where(col(Submission.submitted_at).is_not(None))
        .where(Submission.status != SubmissionStatus.WITHDRAWN)
        .exists()
    )
    rows = session.exec(
        select(ContentCall, func.count())
        .join(CallRecipient, col(CallRecipient.call_id) == col(ContentCall.id))
        .where(ContentCall.status == CallStatus.OPEN)
        .where(
            col(ContentCall.deadline) <= now, col(ContentCall.deadline) > now - timedelta(days=7)
        )
        .where(~sent)
        .group_by(col(ContentCall.id))
    ).all()
    told = 0
    office = _active(session, [Role.PRESS_OFFICE]) if rows else []
    for call, missing in rows:
        briefing = session.get(Briefing, call.briefing_id)
        if briefing is None:
            continue
        told += len(
            notify(
                session,
                office,
                NoticeKind.CONTENT_LATE,
                params={
                    "count": missing,
                    "briefing": briefing.title_vi,
                    "deadline": format_datetime(call.deadline),
                },
                link=f"/office/briefings/{briefing.id}/content",
                dedupe=f"call:{call.id}:late:{call.deadline.isoformat()}",
            )
        )
    return told
