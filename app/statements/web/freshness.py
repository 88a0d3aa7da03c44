"""A dependency of every public route of statements (pages, feeds, the public API): ended
embargoes are recorded before the route reads, so a statement is public, with its number, from
the minute of its embargo even when the background task has not run yet
(`service.catch_up`). Cached pages do not reach it: they expire at the end of the next embargo
(`service.next_public_change`), and the first request after that does."""

from __future__ import annotations

from fastapi import Request

from app.db import SessionDep
from app.statements import service


def caught_up(request: Request, session: SessionDep) -> None:
    service.catch_up(session, request.app.state.settings.statement_numbers_file)
