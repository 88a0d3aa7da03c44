"""The numbers of statements: one yearly series per kind, written as the province's patterns say
(`data/numbers.toml`, or another file in the settings)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.statements.models import StatementCounter, StatementKind

NUMBERS_FILE = Path(__file__).resolve().parent.parent / "data" / "numbers.toml"


@lru_cache(maxsize=4)
def number_patterns(path: str = "") -> dict[StatementKind, str]:
    with open(path or NUMBERS_FILE, "rb") as fh:
        data = tomllib.load(fh)
    return {kind: str(data[kind.value]["pattern"]) for kind in StatementKind}


def format_number(kind: StatementKind, n: int, year: int, path: str = "") -> str:
    return number_patterns(path)[kind].format(n=n, year=year)


def next_seq(session: Session, kind: StatementKind, year: int) -> int:
    """The next number of the kind's series for the year, atomic on both databases: an UPDATE …
    RETURNING holds the row until the publication's transaction commits, so two publications never
    get the same number (no commit of its own: a publication that fails gives its number back)."""
    bumped = session.execute(
        sql_update(StatementCounter)
        .where(col(StatementCounter.kind) == kind, col(StatementCounter.year) == year)
        .values(last=StatementCounter.last + 1)
        .returning(col(StatementCounter.last))
    ).scalar_one_or_none()
    if bumped is not None:
        return int(bumped)
    try:
        with session.begin_nested():
            session.add(StatementCounter(kind=kind, year=year, last=1))
        return 1
    except IntegrityError:  # another transaction started the year's series meanwhile
        return next_seq(session, kind, year)
