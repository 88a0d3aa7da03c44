"""Failed-login counting per account and per client address, in the database.

Counters live in a table (not in process memory) so every worker sees the same numbers.
A counter covers a fixed window that starts at the first failure; the window ends it. Each attempt
is counted before its password is checked (`reserve`), and given back when it succeeds (`release`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from app.accounts.models import LoginThrottle
from app.config import Settings
from app.db import UTCDateTime

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Decision:
    """Refuse with 429 for `retry_after` seconds, or go on after waiting `delay` seconds."""

    refused: bool
    retry_after: int
    delay: float


def decide(
    settings: Settings,
    now: datetime,
    account: tuple[int, datetime] | None,
    address: tuple[int, datetime] | None,
) -> Decision:
    """The pure rule: counters (failures, window start) in, decision out."""
    window = timedelta(minutes=settings.login_window_minutes)

    def live(counter: tuple[int, datetime] | None) -> int:
        return counter[0] if counter and now - counter[1] < window else 0

    waits = [
        (counter[1] + window - now).total_seconds()
        for counter, limit in (
            (account, settings.login_max_failures_account),
            (address, settings.login_max_failures_address),
        )
        if counter and live(counter) >= limit
    ]
    if waits:
        return Decision(True, int(max(waits)) + 1, 0.0)
    # An address is shared by many people (an office behind one NAT), so it slows later.
    failures = max(live(account), live(address) // 3)
    if failures < settings.login_slow_after:
        return Decision(False, 0, 0.0)
    delay = settings.login_delay_seconds * 2 ** (failures - settings.login_slow_after)
    return Decision(False, 0, min(delay, settings.login_delay_max_seconds))


def _counter(session: Session, scope: str, key: str) -> tuple[int, datetime] | None:
    row = session.exec(
        select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    ).first()
    return (row.failures, row.window_start) if row else None


def check(
    session: Session, settings: Settings, now: datetime, email: str, address: str
) -> Decision:
    return decide(
        settings, now, _counter(session, ACCOUNT, email), _counter(session, ADDRESS, address)
    )


def reserve(session: Session, settings: Settings, now: datetime, email: str, address: str) -> bool:
    """Count this attempt as a failure before its password is checked, unless the account or the
    address is at its limit (then False, and the caller rolls the half-made reservation back).

    One conditional upsert per counter (`… ON CONFLICT DO UPDATE … WHERE failures < limit
    RETURNING`, a new window once the old one ended): the database decides, so parallel attempts
    cannot all pass the limit between a check and a count. A success gives it back (`release`).
    """
    cutoff = now - timedelta(minutes=settings.login_window_minutes)
    table: Any = LoginThrottle.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    expired = table.c.window_start < bindparam("cutoff", cutoff, type_=UTCDateTime)
    for scope, key, limit in (
        (ACCOUNT, email, settings.login_max_failures_account),
        (ADDRESS, address, settings.login_max_failures_address),
    ):
        stmt = insert(table).values(
            scope=scope, key=key, failures=1, window_start=now, last_failure_at=now
        )
        upsert = stmt.on_conflict_do_update(
            index_elements=["scope", "key"],
            set_={
                "failures": case((expired, 1), else_=table.c.failures + 1),
                "window_start": case(
                    (expired, stmt.excluded.window_start), else_=table.c.window_start
                ),
                "last_failure_at": stmt.excluded.last_failure_at,
            },
            where=expired | (table.c.failures < limit),
        )
        if session.execute(upsert.returning(table.c.failures)).first() is None:
            return False
    return True


def release(session: Session, email: str, address: str) -> None:
    """The attempt succeeded: the account's failures are forgotten, the address's reserved one
    is given back (the address keeps its earlier failures)."""
    clear_account(session, email)
    session.execute(
        update(LoginThrottle)
        .where(
            LoginThrottle.scope == ADDRESS,  # type: ignore[arg-type]
            LoginThrottle.key == address,  # type: ignore[arg-type]
            LoginThrottle.failures > 0,  # type: ignore[arg-type]
        )
        .values(failures=LoginThrottle.failures - 1)
    )


def clear_account(session: Session, email: str) -> None:
    """A successful login forgets the account's failures (the address keeps its count)."""
    session.execute(
        delete(LoginThrottle).where(LoginThrottle.scope == ACCOUNT, LoginThrottle.key == email)  # type: ignore[arg-type]
    )
