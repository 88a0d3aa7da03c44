"""The background e-mail sender: every `mail_send_interval_seconds`, in each worker.

`run_once` is also what `pressdesk send-mail` runs (cron). It first calls the `BEFORE_SEND` hooks,
which write messages into the outbox (statements announced to subscribers, daily digests,
reminders), then sends what is due. Several workers may run it at the same moment: the hooks must
be safe to run concurrently (a unique key or a conditional UPDATE), and `outbox.send_due` claims
each message for exactly one sender.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings
from app.notifications import outbox
from app.timeutil import utcnow
from app.uow import unit_of_work

log = logging.getLogger(__name__)

# Called in order with a fresh session, the settings and the time of the run, each in its own unit
# of work: committed when the hook returns, rolled back if it raises (the error is logged and the
# other hooks and the sending still run). Hooks never commit. Register at import time:
# `scheduler.BEFORE_SEND.append(my_hook)`.
BEFORE_SEND: list[Callable[[Session, Settings, datetime], object]] = []


def run_once(
    engine: Engine, settings: Settings, *, now: datetime | None = None
) -> outbox.SendResult:
    """Run the hooks, then send the due messages (nothing is sent when SMTP is not configured;
    the hooks run anyway, since notices in the app do not need e-mail)."""
    started = now or utcnow()
    for hook in list(BEFORE_SEND):
        with Session(engine, expire_on_commit=False) as session:
            try:
                with unit_of_work(session):
                    hook(session, settings, started)
            except Exception:  # one broken hook must not stop the others or the sending
                log.exception("outbox hook %s failed", getattr(hook, "__qualname__", hook))
    # Without a given time, "now" is taken again: what the hooks just queued is due.
    return outbox.send_due(engine, settings, now=now)


async def run(engine: Engine, settings: Settings) -> None:
    while True:
        try:
            await asyncio.to_thread(run_once, engine, settings)  # `send_due` logs the counts
        except Exception:  # the database may be away for a moment: try again next time
            log.exception("sending e-mail failed")
        await asyncio.sleep(settings.mail_send_interval_seconds)


def _register_defaults() -> None:
    """Reminders first (they write notices), then the e-mails for notices (at once for those
    written outside a request, and the daily digests)."""
    from app.accounts import journalists
    from app.monitoring import mailing
    from app.notifications import announcements, service, triggers, work

    # Then the statements announced to subscribers, then their digests.
    hooks = (
        triggers.reminders,
        triggers.matter_reminders,
        work.content_late,
        journalists.press_card_reminders,
        service.mail_notices,
        mailing.mail_digests,
    )
    for hook in (*hooks, *announcements.HOOKS):
        if hook not in BEFORE_SEND:
            BEFORE_SEND.append(hook)


_register_defaults()
