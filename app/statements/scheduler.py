"""The background task that records the publication of scheduled statements.

It turns "scheduled" into "published", gives a first edition its number (see
`service.workflow`) and writes the audit entry. Public pages never wait for it (they run
`service.catch_up` themselves), but announcements to subscribers do, so it wakes at the end of the
next embargo rather than only every `interval_seconds`. Every worker may run it: the conditional
UPDATE in `service.publish_due` lets exactly one of them record each edition.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine
from sqlmodel import Session

from app.statements import service
from app.timeutil import utcnow

log = logging.getLogger(__name__)


def run_once(engine: Engine, numbers_file: str = "") -> tuple[list[int], float | None]:
    """Record what is due; then the seconds until the next embargo ends (None: none waiting)."""
    with Session(engine) as session:
        done = service.publish_due(session, numbers_file=numbers_file)
        now = utcnow()
        following = service.next_public_change(session, now)
    return done, (following - now).total_seconds() if following is not None else None


async def run(engine: Engine, interval_seconds: int, numbers_file: str = "") -> None:
    while True:
        wait: float = interval_seconds
        try:
            done, following = await asyncio.to_thread(run_once, engine, numbers_file)
            if done:
                log.info("scheduled statement editions published: %s", done)
            if following is not None:
                wait = min(wait, max(following, 0.0) + 0.5)
        except Exception:  # the database may be away for a moment: try again next time
            log.exception("publishing scheduled statements failed")
        await asyncio.sleep(wait)
