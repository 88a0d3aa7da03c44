"""Orphans in the store of uploads: what a crash or a killed upload leaves behind.

An upload is received under a temporary name (the folder's `.<name>.part`, the bucket's
`<prefix>/tmp/<name>`), made final as `<name>` and its row committed (see `storage.storing`). A
server killed in between leaves a temporary file, or (rarely) a stored file whose row was never
committed. Both are removed once they are older than an hour (an upload in progress, or a file
waiting for its commit, is never touched); a file that has a row is never removed, nor anything
whose name is not one of ours. Run at start-up by each worker and by `pressdesk sweep-uploads`,
the same for the local folder and for an object store.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.storage import Entry, Store
from app.timeutil import utcnow

log = logging.getLogger(__name__)
MIN_AGE = timedelta(hours=1)


def referenced(session: Session) -> set[str]:
    """Every stored file name that a row refers to."""
    from app.content.models import Attachment
    from app.monitoring.models import PressItem, PressItemAnswerFile
    from app.questions.models import AnswerFile
    from app.statements.models import Spokesperson, StatementFile

    names: set[str] = set()
    for column in (
        Attachment.stored_name,
        AnswerFile.stored_name,
        StatementFile.stored_name,
        PressItem.stored_name,
        PressItemAnswerFile.stored_name,
        Spokesperson.document_stored_name,
    ):
        names |= {n for n in session.exec(select(column).where(col(column).is_not(None))) if n}
    return names


def orphans(store: Store, names: set[str], now: datetime | None = None) -> list[Entry]:
    """What to remove from `store`: our temporary files and our stored files without a row,
    older than `MIN_AGE`."""
    return _old_orphans(list(store.entries()), names, now)


def _old_orphans(entries: list[Entry], names: set[str], now: datetime | None) -> list[Entry]:
    cutoff = (now or utcnow()) - MIN_AGE
    return [e for e in entries if (e.temp or e.name not in names) and e.modified < cutoff]


def sweep(engine: Engine, store: Store, *, dry_run: bool = False) -> list[str]:
    """Remove (or with `dry_run`, only list) the orphans of `store`; where each one was."""
    entries = list(store.entries())
    if not entries:  # an empty store: no need for the database
        return []
    with Session(engine) as session:
        names = referenced(session)
    found = _old_orphans(entries, names, None)
    if not dry_run:
        for entry in found:
            store.remove(entry)
            log.info("removed orphan upload %s", entry.location)
    return [e.location for e in found]
