"""Orphans in the upload folder: what a crash or a killed upload leaves behind.

An upload is received as `.<name>.part`, renamed to `<name>` and its row committed (see
`storage.storing`). A server killed in between leaves a `.part` file, or (rarely) a stored file
whose row was never committed. Both are removed once they are older than an hour (an upload in
progress, or a rename waiting for its commit, is never touched); a file that has a row is never
removed, nor any file whose name is not one of ours. Run at start-up by each worker and by
`pressdesk sweep-uploads`.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.timeutil import utcnow

log = logging.getLogger(__name__)
MIN_AGE = timedelta(hours=1)
STORED = re.compile(r"[0-9a-f]{32}")
PART = re.compile(r"\.[0-9a-f]{32}\.part")


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


def orphans(directory: Path, names: set[str], now: datetime | None = None) -> list[Path]:
    """The files of `directory` to remove: our `.part` files and our stored files without a
    row, older than `MIN_AGE`."""
    if not directory.is_dir():
        return []
    cutoff = (now or utcnow()).timestamp() - MIN_AGE.total_seconds()
    found = []
    for path in sorted(directory.iterdir()):
        ours = PART.fullmatch(path.name) or (STORED.fullmatch(path.name) and path.name not in names)
        if ours and path.is_file() and path.stat().st_mtime < cutoff:
            found.append(path)
    return found


def sweep(engine: Engine, directory: Path, *, dry_run: bool = False) -> list[Path]:
    """Remove (or with `dry_run`, only list) the orphans of `directory`."""
    if not directory.is_dir():
        return []
    with Session(engine) as session:
        names = referenced(session)
    found = orphans(directory, names)
    if not dry_run:
        for path in found:
            path.unlink(missing_ok=True)
            log.info("removed orphan upload %s", path.name)
    return found
