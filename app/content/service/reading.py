"""Reading submissions: lists the actor may see, their current files, kept versions, and the
working copy as a version keeps it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.audit.service import Actor
from app.content.models import (
    Attachment,
    ContentCall,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from app.content.service.scope import department_org

CONTENT_FIELDS = (
    "title",
    "summary",
    "talking_points",
    "key_figures",
    "qa",
    "contact_name",
    "contact_phone",
    "contact_email",
)
# Accepted content, on the agenda or not: what the briefing pack holds.
IN_PACK = (SubmissionStatus.ACCEPTED, SubmissionStatus.INCLUDED)


def submissions(
    session: Session, *, actor: Actor, call_id: int | None = None, status: str | None = None
) -> list[Submission]:
    query = select(Submission)
    if not actor.is_office:
        org = department_org(actor)
        if org is None:
            return []
        query = query.where(Submission.organisation_id == org)
    if call_id is not None:
        query = query.where(Submission.call_id == call_id)
    if status:
        query = query.where(Submission.status == status)
    return list(session.exec(query.order_by(col(Submission.updated_at).desc())).all())


def accepted(session: Session, call: ContentCall | None) -> list[Submission]:
    """A call's accepted content (on the agenda or not), in the order it was sent."""
    if call is None:
        return []
    return list(
        session.exec(
            select(Submission)
            .where(Submission.call_id == call.id)
            .where(col(Submission.status).in_([s.value for s in IN_PACK]))
            .order_by(col(Submission.submitted_at), col(Submission.id))
        ).all()
    )


def briefing_ids(session: Session, call_ids: set[int]) -> dict[int, int]:
    """The briefing of each of these calls."""
    if not call_ids:
        return {}
    rows = session.exec(
        select(ContentCall.id, ContentCall.briefing_id).where(col(ContentCall.id).in_(call_ids))
    )
    return {call_id: briefing_id for call_id, briefing_id in rows if call_id}


def attachments(
    session: Session, submission_ids: list[int], *, include_removed: bool = False
) -> dict[int, list[Attachment]]:
    out: dict[int, list[Attachment]] = {i: [] for i in submission_ids}
    if not submission_ids:
        return out
    query = select(Attachment).where(col(Attachment.submission_id).in_(submission_ids))
    if not include_removed:
        query = query.where(col(Attachment.removed_at).is_(None))
    for a in session.exec(query.order_by(col(Attachment.id))):
        out[a.submission_id].append(a)
    return out


def versions(session: Session, submission_id: int) -> list[SubmissionVersion]:
    return list(
        session.exec(
            select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission_id)
            .order_by(col(SubmissionVersion.number))
        ).all()
    )


def snapshot(session: Session, sub: Submission) -> dict[str, Any]:
    """The working copy as a version keeps it (text fields and the list of files)."""
    files = attachments(session, [sub.id or 0])[sub.id or 0]
    content: dict[str, Any] = {name: getattr(sub, name) for name in CONTENT_FIELDS}
    content["qa"] = [dict(p) for p in sub.qa]
    content["attachments"] = [
        {"id": a.id, "filename": a.filename, "size": a.size, "sha256": a.sha256} for a in files
    ]
    return content
