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
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import event, text
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.elements import TextClause
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


# --- The generation of all data ---------------------------------------------------------------
# Every transaction that writes anything increments the one row of `data_generation` just before
# it commits, in the same transaction: signed-in pages kept by a worker (`app.staffcache`) are
# valid only while it has not moved. Found by the writes themselves, not by marks in services, so
# that no use case can forget it: objects flushed or about to be, and INSERT/UPDATE/DELETE
# statements run through a session. Writes of rows no page shows are left out: a session's last
# use (written once a minute by reading pages) and the session rows of signing in and out.
DATA_CHANGED = "data_changed"
QUIET_TABLES = frozenset({"user_session"})
_READING = re.compile(r"\s*(?:SELECT|WITH|PRAGMA|SET|SHOW|EXPLAIN)\b", re.IGNORECASE)

_COUNT_CHANGE = text(
    "INSERT INTO data_generation (id, value) VALUES (1, 1)"
    " ON CONFLICT (id) DO UPDATE SET value = data_generation.value + 1"
)


def _loud(objects: Iterable[Any]) -> bool:
    return any(getattr(obj, "__tablename__", None) not in QUIET_TABLES for obj in objects)


def _note_flush(session: OrmSession, _context: Any) -> None:
    # In after_flush the three collections still hold what was just written.
    if _loud(chain(session.new, session.dirty, session.deleted)):
        session.info[DATA_CHANGED] = True


def _note_statement(state: ORMExecuteState) -> None:
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(statement, "table", None)
        if getattr(table, "name", None) not in QUIET_TABLES:
            state.session.info[DATA_CHANGED] = True
    elif isinstance(statement, TextClause) and not _READING.match(statement.text):
        state.session.info[DATA_CHANGED] = True


def _count_change(session: OrmSession) -> None:
    # Everything is written first and the count last, so that every transaction takes the row's
    # lock after all its others (on PostgreSQL, two writers can't wait for each other).
    session.flush()
    if session.info.get(DATA_CHANGED) or session.info.get(PUBLIC_CHANGED):
        session.execute(_COUNT_CHANGE)


def _forget_change(session: OrmSession, *_args: Any) -> None:
    session.info.pop(DATA_CHANGED, None)


event.listen(OrmSession, "after_flush", _note_flush)
event.listen(OrmSession, "do_orm_execute", _note_statement)
event.listen(OrmSession, "before_commit", _count_change)
event.listen(OrmSession, "after_commit", _forget_change)
event.listen(OrmSession, "after_rollback", _forget_change)


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
