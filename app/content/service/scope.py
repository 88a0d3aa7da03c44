"""Who sees what: the office (the press office, the spokesperson, or a system process acting for
them) sees everything; a department sees calls sent to its organisation and its own submissions
only, anything else is "not found" (so ids of other organisations' work reveal nothing)."""

from __future__ import annotations

from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.service import Actor
from app.content.models import CallRecipient, ContentCall, Submission
from app.errors import NotFound
from app.workflow import Party


def department_org(actor: Actor) -> int | None:
    """The organisation a department's focal officer acts for (None for anyone else)."""
    return actor.organisation_id if actor.role == Role.DEPARTMENT.value else None


def party_of(actor: Actor) -> Party:
    """The side of the submission workflow the actor takes steps for."""
    return Party.OFFICE if actor.is_office else Party.DEPARTMENT


def recipients(session: Session, call_id: int) -> list[int]:
    rows = session.exec(
        select(CallRecipient.organisation_id).where(CallRecipient.call_id == call_id)
    )
    return sorted(rows.all())


def get_call(session: Session, call_id: int, *, actor: Actor) -> ContentCall:
    """A call the actor may see (a department: only one sent to its organisation)."""
    call = session.get(ContentCall, call_id)
    if call is None:
        raise NotFound()
    org = department_org(actor)
    if not actor.is_office and (org is None or org not in recipients(session, call_id)):
        raise NotFound()
    return call


def get_submission(session: Session, submission_id: int, *, actor: Actor) -> Submission:
    """A submission the actor may see; another organisation's is "not found"."""
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise NotFound()
    if not actor.is_office and (
        department_org(actor) is None or sub.organisation_id != actor.organisation_id
    ):
        raise NotFound()
    return sub


def call_of(session: Session, sub: Submission) -> ContentCall:
    """The call a submission answers (the submission is one the actor may already see)."""
    call = session.get(ContentCall, sub.call_id)
    assert call is not None
    return call
