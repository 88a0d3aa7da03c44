"""What the public sees, and when that changes.

An edition is visible from its `publish_at` until the next edition replaces it: a time
comparison (`visible_condition`) used by every public query. One exception: a statement's first
edition under embargo is public only once `publish_due` has marked it published, because that is
when the statement gets its number (public numbers never skip an embargoed one). Public pages run
`workflow.catch_up` first, which records the ended embargoes, so the embargo still ends on
time. A transaction that changes a public page marks the session (`mark_public_change`), so that
the cache of public pages is invalidated when it commits (see `statements.cache`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from app import uow
from app.errors import NotFound
from app.statements.models import Edition, EditionState, Statement
from app.timeutil import utcnow


def mark_public_change(session: Session) -> None:
    """What this transaction commits changes public pages: the cache is invalidated on commit."""
    uow.mark_public_change(session)


def public_state() -> ColumnElement[bool]:
    """Published, or a later edition under embargo (its statement has its number already). A
    first edition under embargo waits for `publish_due`, which numbers it."""
    return or_(
        col(Edition.state) == EditionState.PUBLISHED,
        and_(col(Edition.state) == EditionState.SCHEDULED, col(Edition.number) > 1),
    )


def anything_due(session: Session, now: datetime) -> bool:
    """An embargo has ended and is not recorded yet (one indexed query)."""
    return (
        session.exec(
            select(Edition.id)
            .where(Edition.state == EditionState.SCHEDULED, col(Edition.publish_at) <= now)
            .limit(1)
        ).first()
        is not None
    )


def visible_condition(now: datetime) -> ColumnElement[bool]:
    """An edition that the public sees at `now`: issued, its time come, not yet superseded."""
    return and_(
        public_state(),
        col(Edition.publish_at) <= now,
        or_(col(Edition.superseded_at).is_(None), col(Edition.superseded_at) > now),
    )


def public_edition(
    session: Session, statement_id: int, now: datetime | None = None
) -> Edition | None:
    return session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(visible_condition(now or utcnow()))
    ).first()


def public_statement(
    session: Session, statement_id: int, now: datetime
) -> tuple[Statement, Edition]:
    """A statement as the public sees it at `now` with its visible edition (404 before its
    publication, under embargo too)."""
    ed = public_edition(session, statement_id, now)
    st = session.get(Statement, statement_id) if ed is not None else None
    if ed is None or st is None or st.first_published_at is None:
        raise NotFound()
    return st, ed


def public_history(
    session: Session, statement_id: int, now: datetime | None = None
) -> list[Edition]:
    """The editions the public may see in the history: every issued one whose time has come."""
    now = now or utcnow()
    return list(
        session.exec(
            select(Edition)
            .where(Edition.statement_id == statement_id)
            .where(public_state())
            .where(col(Edition.publish_at) <= now)
            .order_by(col(Edition.number).desc())
        ).all()
    )


def next_public_change(session: Session, now: datetime | None = None) -> datetime | None:
    """The next moment a public page changes by itself (an embargo ends): caches expire then."""
    now = now or utcnow()
    publish = session.exec(
        select(func.min(Edition.publish_at)).where(
            Edition.state == EditionState.SCHEDULED, col(Edition.publish_at) > now
        )
    ).one()
    return publish


def last_public_change(session: Session, now: datetime | None = None) -> datetime | None:
    """The last moment before `now` that the public pages changed: an edition became public or a
    statement was withdrawn. Their Last-Modified, so that what is not public yet (an embargo
    being scheduled, a draft) never moves it."""
    now = now or utcnow()
    published = session.exec(
        select(func.max(Edition.publish_at)).where(public_state(), col(Edition.publish_at) <= now)
    ).one()
    withdrawn = session.exec(
        select(func.max(Statement.withdrawn_at)).where(col(Statement.withdrawn_at) <= now)
    ).one()
    times = [t for t in (published, withdrawn) if t is not None]
    return max(times) if times else None
