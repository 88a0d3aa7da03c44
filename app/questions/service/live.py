"""The live briefing: the queue of questions sent from the room, in the moderator's order, and
what the moderator does with it (allow, with the wording edited; dismiss; move; "next
question"), and the fingerprint that lets each screen poll cheaply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import Msg
from app.questions.models import LiveState, Question, QuestionStatus
from app.questions.service.common import LIVE_AFTER, LIVE_BEFORE, get, is_live, office_only
from app.questions.service.intake import QuestionInput, validate
from app.timeutil import utcnow
from app.uow import use_case


def live_queue(session: Session, briefing_id: int) -> list[Question]:
    """The questions of a briefing sent from the room, in the moderator's order."""
    return list(
        session.exec(
            select(Question)
            .where(Question.briefing_id == briefing_id)
            .where(col(Question.live_state).is_not(None))
            .order_by(col(Question.live_position), col(Question.id))
        ).all()
    )


def next_live_change(session: Session, now: datetime) -> datetime | None:
    """The next moment an announced briefing starts or stops taking questions from the room (a
    public page that shows the live briefing changes then)."""
    opening = session.exec(
        select(func.min(Briefing.starts_at)).where(
            col(Briefing.status).in_(SCHEDULED),
            col(Briefing.announced_at).is_not(None),
            col(Briefing.starts_at) > now + LIVE_BEFORE,
        )
    ).one()
    closing = session.exec(
        select(func.min(Briefing.ends_at)).where(
            col(Briefing.status).in_(SCHEDULED),
            col(Briefing.announced_at).is_not(None),
            col(Briefing.ends_at) > now - LIVE_AFTER,
        )
    ).one()
    times = [t - LIVE_BEFORE for t in (opening,) if t] + [t + LIVE_AFTER for t in (closing,) if t]
    return min(times) if times else None


def live_briefings(session: Session, *, public_only: bool) -> list[Briefing]:
    """The briefings taking questions from the room now (`is_live`), soonest first; with
    `public_only`, only those journalists may see (announced)."""
    now = utcnow()
    query = select(Briefing).where(
        col(Briefing.status).in_(SCHEDULED),
        col(Briefing.starts_at) <= now + LIVE_BEFORE,
        col(Briefing.ends_at) >= now - LIVE_AFTER,
    )
    if public_only:
        query = query.where(col(Briefing.announced_at).is_not(None))
    rows = session.exec(query.order_by(col(Briefing.starts_at), col(Briefing.id))).all()
    return [b for b in rows if is_live(b, now)]


def current(session: Session, briefing_id: int) -> Question | None:
    return session.exec(
        select(Question).where(
            Question.briefing_id == briefing_id, Question.live_state == LiveState.CURRENT
        )
    ).first()


def live_fingerprint(session: Session, briefing_id: int) -> str:
    """Changes whenever the live queue changes (for cheap polling with ETags)."""
    count, latest, total = session.exec(
        select(func.count(), func.max(Question.updated_at), func.sum(Question.revision)).where(
            Question.briefing_id == briefing_id, col(Question.live_state).is_not(None)
        )
    ).one()
    return f"{count}-{latest.isoformat() if latest else ''}-{total or 0}"


def _live(session: Session, actor: Actor, question_id: int, briefing_id: int) -> Question:
    office_only(actor)
    q = get(session, question_id, actor=actor)
    if q.briefing_id != briefing_id or q.live_state is None:
        raise NotFound()
    return q


@use_case
def allow(
    session: Session, *, actor: Actor, briefing_id: int, question_id: int, text: str | None = None
) -> Question:
    """Let a question be asked, with its wording edited by the moderator if need be."""
    q = _live(session, actor, question_id, briefing_id)
    if q.live_state not in (LiveState.PENDING, LiveState.ALLOWED, LiveState.DISMISSED):
        raise Conflict(Msg("This question has already been put to the spokesperson."))
    if q.status in (QuestionStatus.MERGED, QuestionStatus.DECLINED):
        raise Conflict(Msg("This question was merged or declined; it is not put in the room."))
    if text is not None and text.strip() != q.text:
        errors: dict[str, Msg] = {}
        data = QuestionInput(text=text)
        try:
            validate(session, data)
        except ValidationFailed as exc:
            errors = exc.errors
        if errors:
            raise ValidationFailed(errors)
        q.original_text = q.original_text or q.text
        q.text = data.text
    q.live_state = LiveState.ALLOWED
    q.updated_at = utcnow()
    session.add(q)
    audit.record(session, actor, "question.allowed", q)
    return q


@use_case
def dismiss(session: Session, *, actor: Actor, briefing_id: int, question_id: int) -> Question:
    q = _live(session, actor, question_id, briefing_id)
    if q.live_state in (LiveState.CURRENT, LiveState.ANSWERED):
        raise Conflict(Msg("This question has already been put to the spokesperson."))
    q.live_state = LiveState.DISMISSED
    q.updated_at = utcnow()
    session.add(q)
    audit.record(session, actor, "question.dismissed", q)
    return q


@use_case
def move(session: Session, *, actor: Actor, briefing_id: int, question_id: int, to: int) -> None:
    """Put a question at position `to` (0-based) of the queue."""
    q = _live(session, actor, question_id, briefing_id)
    queue = [x for x in live_queue(session, briefing_id) if x.id != q.id]
    queue.insert(max(0, min(to, len(queue))), q)
    for i, row in enumerate(queue, start=1):
        if row.live_position != i:
            row.live_position = i
            row.updated_at = utcnow()
            session.add(row)
    audit.record(session, actor, "question.moved", q, f"→ {to + 1}")


@use_case
def next_question(
    session: Session, *, actor: Actor, briefing_id: int, expected_current: int | None = None
) -> Question | None:
    """The current question is done; the first allowed one in order becomes current.

    `expected_current` is the current question the moderator's screen showed (0 for none): when
    it is given and no longer current, the press was already taken (a double click, a second
    screen) and nothing moves, so that no question is skipped."""
    office_only(actor)
    now = utcnow()
    done = current(session, briefing_id)
    if expected_current is not None and expected_current != (done.id if done else 0):
        raise Conflict(
            Msg("The current question had already changed: look at the queue and press again.")
        )
    if done is not None:
        done.live_state = LiveState.ANSWERED
        done.updated_at = now
        session.add(done)
    following = next(
        (q for q in live_queue(session, briefing_id) if q.live_state == LiveState.ALLOWED), None
    )
    if following is not None:
        following.live_state = LiveState.CURRENT
        following.updated_at = now
        session.add(following)
    audit.record(
        session,
        actor,
        "briefing.next_question",
        briefing_id,
        f"#{following.id}" if following else "none",
        object_type="briefing",
    )
    return following
