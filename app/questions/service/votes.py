"""Up-votes in the live briefing: a verified journalist backs other journalists' questions that
the moderator has let into the queue (once each, taken back at will, never their own, only while
the briefing takes questions from the room), and sees that queue with its counts and where their
own questions stand. Votes only inform the moderator: the order of the queue stays theirs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Role, User, UserStatus
from app.audit import service as audit
from app.audit.service import Actor
from app.briefings.models import Briefing
from app.errors import Conflict, Forbidden, NotFound
from app.i18n import Msg
from app.questions.models import LiveState, Question, QuestionStatus, QuestionVote
from app.questions.service.common import is_live
from app.questions.service.live import live_queue
from app.uow import use_case

# What journalists see of the room's queue: the question being answered and those allowed.
PUBLIC_STATES = frozenset({LiveState.CURRENT, LiveState.ALLOWED})
NOT_LIVE = Msg("This briefing is not taking questions from the room now.")
OWN = Msg("You cannot vote for your own question.")
NOT_WAITING = Msg("This question is no longer waiting in the queue, so it cannot be voted for.")


@dataclass(frozen=True)
class PublicQueue:
    """The queue as journalists see it: the question answered now, then those allowed in the
    moderator's order, the votes of each, and which ones this journalist voted for."""

    current: Question | None
    waiting: list[Question]
    votes: dict[int, int]
    voted: frozenset[int]

    def position(self, question_id: int | None) -> int | None:
        """1 for the next question to be put to the spokesperson; None when not waiting."""
        for i, q in enumerate(self.waiting, start=1):
            if q.id == question_id:
                return i
        return None


def vote_counts(session: Session, question_ids: Iterable[int | None]) -> dict[int, int]:
    """The number of votes of each question (absent: none)."""
    wanted = {i for i in question_ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(
        select(QuestionVote.question_id, func.count())
        .where(col(QuestionVote.question_id).in_(wanted))
        .group_by(col(QuestionVote.question_id))
    ).all()
    return {question_id: int(n) for question_id, n in rows}


def public_queue(session: Session, briefing_id: int, *, user_id: int | None) -> PublicQueue:
    queue = [q for q in live_queue(session, briefing_id) if q.live_state in PUBLIC_STATES]
    ids = [q.id for q in queue if q.id is not None]
    voted: set[int] = set()
    if user_id is not None and ids:
        voted = set(
            session.exec(
                select(QuestionVote.question_id).where(
                    QuestionVote.user_id == user_id, col(QuestionVote.question_id).in_(ids)
                )
            ).all()
        )
    return PublicQueue(
        current=next((q for q in queue if q.live_state == LiveState.CURRENT), None),
        waiting=[q for q in queue if q.live_state == LiveState.ALLOWED],
        votes=vote_counts(session, ids),
        voted=frozenset(voted),
    )


def votes_fingerprint(session: Session, briefing_id: int) -> str:
    """Changes whenever a vote on the briefing's questions is given or taken back (ids only grow,
    so a vote taken back and another given differ)."""
    count, top, total = session.exec(
        select(func.count(), func.max(QuestionVote.id), func.sum(QuestionVote.id))
        .join(Question, col(Question.id) == col(QuestionVote.question_id))
        .where(Question.briefing_id == briefing_id)
    ).one()
    return f"{count}-{top or 0}-{total or 0}"


def _voter(session: Session, actor: Actor) -> int:
    """The id of a verified journalist (the route's rule says so too); else Forbidden."""
    if actor.role != Role.JOURNALIST.value or actor.user_id is None:
        raise Forbidden()
    user = session.get(User, actor.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        raise Forbidden()
    return actor.user_id


@use_case
def vote(
    session: Session, *, actor: Actor, briefing_id: int, question_id: int, up: bool = True
) -> bool:
    """Vote for a question waiting in the queue (`up`), or take the vote back. True when this
    changed something: voting twice keeps one vote, taking back a vote not given does nothing."""
    user_id = _voter(session, actor)
    briefing = session.get(Briefing, briefing_id)
    if briefing is None or not briefing.is_public:
        raise NotFound()
    q = session.get(Question, question_id)
    # Others' questions are seen only once the moderator lets them in: anything else is unknown.
    if q is None or q.briefing_id != briefing_id:
        raise NotFound()
    own = q.journalist_id == user_id
    if not own and q.live_state not in PUBLIC_STATES:
        raise NotFound()
    if not is_live(briefing):
        raise Conflict(NOT_LIVE)
    if own:
        raise Conflict(OWN)
    if q.live_state != LiveState.ALLOWED or q.status in (
        QuestionStatus.MERGED,
        QuestionStatus.DECLINED,
    ):
        raise Conflict(NOT_WAITING)
    existing = session.exec(
        select(QuestionVote).where(
            QuestionVote.question_id == question_id, QuestionVote.user_id == user_id
        )
    ).first()
    if up == (existing is not None):
        return False
    if existing is not None:
        session.delete(existing)
        audit.record(session, actor, "question.unvoted", q)
        return True
    session.add(QuestionVote(question_id=question_id, user_id=user_id))
    try:
        with session.begin_nested():  # a savepoint: a double tap racing itself keeps one vote
            session.flush()
    except IntegrityError:
        return False
    audit.record(session, actor, "question.voted", q)
    return True
