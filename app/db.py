"""Engine, per-request sessions and the column types every area shares."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Hashable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, String, event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

# Stable constraint names, so that Alembic migrations are the same on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases; naive values are refused.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so UTC is stored
    and the zone is put back on read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC values")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EnumText(TypeDecorator[Any]):
    """A `StrEnum` stored as plain text (no database enum type), read back as the enum."""

    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum], length: int = 32) -> None:
        super().__init__(length=length)
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        # The members by value first (a dict lookup; calling the enum costs ten times more, on
        # every cell of every list), the enum itself for anything else (it raises as before).
        member = self.enum_cls._value2member_map_.get(value)
        return member if member is not None else self.enum_cls(value)


SQLITE_POOL_SIZE = 40


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        # As many kept connections as the worker has threads (anyio's 40), so that a busy worker
        # never opens and closes one per request: opening one and setting its pragmas was a
        # third of the work of /healthz at 32 connections (py-spy). SQLite connections are cheap
        # to keep; the overflow only covers the scheduler's and watcher's own threads.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 15},
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=10,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # SQLite's lower() (and so ILIKE) folds ASCII only; "đường" must find "Đường".
            dbapi_conn.create_function(
                "lower", 1, lambda v: v.lower() if isinstance(v, str) else v, deterministic=True
            )

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request, closed at the end; services own their transactions (`app.uow`).

    Made and closed on the event loop: making a session touches no database, and closing one that
    never began a transaction (an anonymous page from the cache, a health probe of the app) has
    nothing to give back; only a session holding a connection is closed in a worker thread, since
    returning the connection rolls it back, which may wait on the database."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]

T = TypeVar("T")
_MEMO = "pressdesk.memo"


def memo(session: Session, key: Hashable, build: Callable[[], T]) -> T:
    """`build()` once per session for reference data a page reads several times (the names of
    the organisations, for one): kept in the session until it writes anything, commits or rolls
    back, so a use case never reads a value older than its own changes. Callers must not change
    what they get (it is shared)."""
    found: dict[Hashable, Any] = session.info.setdefault(_MEMO, {})
    if key not in found:
        found[key] = build()
    value: T = found[key]
    return value


def forget(session: OrmSession, *args: Any) -> None:
    """Drop what `memo` kept for this session (done on every write, commit and rollback)."""
    session.info.pop(_MEMO, None)


def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        forget(state.session)


for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(OrmSession, _name, forget)
event.listen(OrmSession, "do_orm_execute", _forget_on_write)


# Tables made by hand in migrations that no model describes: SQLite's full-text index of statement
# editions with the shadow tables FTS5 keeps for it, and the GIN expression index on PostgreSQL.
# Alembic's comparison (autogenerate and tests/test_migrations.py) leaves them alone.
UNMODELLED_PREFIXES = ("statement_fts",)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if type_ == "table" and reflected and (name or "").startswith(UNMODELLED_PREFIXES):
        return False
    return not (type_ == "index" and name == "ix_statement_edition_search")
