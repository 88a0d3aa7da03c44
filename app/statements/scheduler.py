"""The background task that records the publication of scheduled statements.

Pages never wait for it (an edition is public from its `publish_at`, see `service`); it turns
"scheduled" into "published" and writes the audit entry. Every worker may run it: the conditional
UPDATE in `service.publish_due` lets exactly one of them record each edition.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine
from sqlmodel import Session

from app.statements import service

log = logging.getLogger(__name__)


def run_once(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return service.publish_due(session)


async def run(engine: Engine, interval_seconds: int) -> None:
    while True:
        try:
            done = await asyncio.to_thread(run_once, engine)
            if done:
                log.info("scheduled statement editions published: %s", done)
        except Exception:  # the database may be away for a moment: try again next time
            log.exception("publishing scheduled statements failed")
        await asyncio.sleep(interval_seconds)
