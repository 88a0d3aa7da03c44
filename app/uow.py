"""The unit of work: one use case, one transaction, owned by the service.

    @use_case
    def approve(session: Session, *, actor: Actor, question_id: int) -> Question: ...

A use case's changes are committed when it returns and rolled back when anything in it raises
(the error then goes on to the route, which shows it: routes never commit or roll back). A use case
called inside another joins the outer one's transaction, so the pair commits once. Hooks run by
the scheduler and the sender are wrapped the same way by their runner (`unit_of_work`) and never
commit themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import event, text
from sqlmodel import Session

P = ParamSpec("P")
R = TypeVar("R")
_DEPTH = "unit_of_work_depth"


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit when the outermost block ends normally; roll back when it raises."""
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def use_case(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Run the service function in a unit of work on its session (the first argument)."""

    @functools.wraps(fn)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work(session):
            return fn(session, *args, **kwargs)

    return run


PUBLIC_CHANGED = "public_changed"


# One statement on both databases (SQLite 3.24+ and PostgreSQL know ON CONFLICT): the row is
# there after migrating, but a test database emptied between tests may have lost it.
_COUNT_PUBLIC_CHANGE = text(
    "INSERT INTO public_generation (id, value) VALUES (1, 1)"
    " ON CONFLICT (id) DO UPDATE SET value = public_generation.value + 1"
)


def mark_public_change(session: Session) -> None:
    """What this transaction commits changes public pages (a statement, a briefing on the home
    page): it also increments the generation of public pages, which every worker compares with
    the one its cached pages were rendered at (see `statements.cache`)."""
    session.info[PUBLIC_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _count_public_change(session: Session) -> None:
    if session.info.get(PUBLIC_CHANGED):
        session.execute(_COUNT_PUBLIC_CHANGE)


class _DryRun(Exception):
    """Raised to roll a dry run back."""


def dry_run(session: Session, fn: Callable[[], object]) -> None:
    """Run `fn` (use cases on `session`) as it would run, then roll everything back: for a page
    that asks "are you sure?" only once the change is known to be possible. Errors of `fn` go to
    the caller, as from the real run; nothing it wrote is kept, nor its mark on the page cache."""
    try:
        with unit_of_work(session):
            fn()
            raise _DryRun
    except _DryRun:
        pass
    finally:
        session.info.pop(PUBLIC_CHANGED, None)
