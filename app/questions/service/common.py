"""What the use cases of questions share: who may act, which questions an actor may see, the
step a question takes along the table of `states`, and the limits of intake."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit.service import Actor
from app.briefings.models import Briefing, BriefingStatus
from app.briefings.states import SCHEDULED
from app.errors import STALE, Conflict, Forbidden, NotFound
from app.i18n import Msg
from app.orgs.models import OrgKind
from app.questions import states
from app.questions.models import Question, QuestionStatus, QuestionSupport
from app.questions.states import Step
from app.timeutil import utcnow

MAX_TEXT = 5000
LANGUAGES = {
    "vi": "Tiếng Việt",
    "en": "English",
    "zh": "中文",
    "fr": "Français",
    "ja": "日本語",
    "ko": "한국어",
    "ru": "Русский",
}
HELD = frozenset({BriefingStatus.HELD, BriefingStatus.RECORD_PUBLISHED})
LIVE_BEFORE = timedelta(hours=1)  # a briefing takes questions from the room from an hour before
LIVE_AFTER = timedelta(hours=1)  # … until an hour after its planned end
ANSWERING_ORGS = (OrgKind.PEOPLES_COMMITTEE, OrgKind.DEPARTMENT, OrgKind.COMMUNE, OrgKind.OTHER)
NOT_NOW = Msg("This step is not possible in the question's current state.")


def department_org(actor: Actor) -> int | None:
    """The organisation of a department's focal officer (None for anyone else)."""
    return actor.organisation_id if actor.role == Role.DEPARTMENT.value else None


def office_only(actor: Actor) -> None:
    if not actor.is_office:
        raise Forbidden()


def supporting(session: Session, question_id: int) -> list[int]:
    rows = session.exec(
        select(QuestionSupport.organisation_id).where(QuestionSupport.question_id == question_id)
    )
    return sorted(rows.all())


def assigned_to(org_id: int) -> object:
    """The condition "led or supported by `org_id`" on questions."""
    supported = select(QuestionSupport.question_id).where(QuestionSupport.organisation_id == org_id)
    return or_(col(Question.lead_org_id) == org_id, col(Question.id).in_(supported))


def get(session: Session, question_id: int, *, actor: Actor) -> Question:
    """A question the actor may see, else NotFound."""
    q = session.get(Question, question_id)
    if q is None:
        raise NotFound()
    if actor.is_office:
        return q
    org = department_org(actor)
    if org is not None and (q.lead_org_id == org or org in supporting(session, question_id)):
        return q
    if actor.role == Role.JOURNALIST.value and q.journalist_id == actor.user_id:
        return q
    raise NotFound()


def check_revision(q: Question, expected: int | None) -> None:
    if expected is not None and expected != q.revision:
        raise Conflict(STALE)


def next_status(q: Question, step: Step) -> QuestionStatus:
    """The status after `step`; 409 when the question's status does not allow it."""
    target = states.next_status(q.status, step)
    if target is None:
        raise Conflict(NOT_NOW)
    return target


def is_live(briefing: Briefing, now: datetime | None = None) -> bool:
    """The briefing takes questions from the room now (from an hour before to an hour after)."""
    now = now or utcnow()
    return (
        briefing.status in SCHEDULED
        and briefing.starts_at - LIVE_BEFORE <= now <= briefing.ends_at + LIVE_AFTER
    )
