"""The store of uploaded files, whatever holds them: what each kind must do, the file waiting
for its row, and `storing`, which keeps several files and their rows all or nothing.

A file is received under a temporary name (the local folder's `.<name>.part`, the bucket's
`<prefix>/tmp/<name>`) and made final only just before the database row commits; a failure
anywhere removes it, so an interrupted upload leaves neither a half file nor a row behind (and
what a killed process leaves under a temporary name is swept, see `app.sweep`).
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlmodel import Session
from starlette.responses import Response

from app.errors import ValidationFailed
from app.i18n import Msg

log = logging.getLogger(__name__)


@dataclass
class PendingFile:
    """A received file under its temporary name, not yet part of the store."""

    store: Store
    stored_name: str
    filename: str
    content_type: str
    size: int
    sha256: str

    def keep(self) -> None:
        """Give the file its final name (call just before the database commits)."""
        self.store.make_final(self.stored_name)

    def discard(self) -> None:
        """Remove the file, whichever name it has now."""
        self.store.discard(self.stored_name)


@dataclass(frozen=True)
class Entry:
    """Something the store holds under one of our names: a file waiting for its row (`temp`)
    or a stored file, when it was last written, and where (for messages)."""

    name: str
    temp: bool
    modified: datetime  # UTC, aware
    location: str


class Store(abc.ABC):
    """Where uploaded files live. Names are ours (`files.new_name`), checked before use."""

    location: str  # the folder or the s3:// address, for messages

    @abc.abstractmethod
    def receive(self, source: BinaryIO, name: str, *, max_bytes: int) -> PendingFile:
        """Take one upload under a temporary name, hashing and counting it; refuse it (413,
        415) when too large or when its content is not what its extension says, leaving
        nothing behind."""

    @abc.abstractmethod
    def make_final(self, stored_name: str) -> None:
        """Move a received file from its temporary name to its final one."""

    @abc.abstractmethod
    def discard(self, stored_name: str) -> None:
        """Remove a received file under either name; nothing there is not an error."""

    @abc.abstractmethod
    def delete(self, stored_name: str) -> None:
        """Remove a stored file (its row is gone for good); nothing there is not an error."""

    def forget(self, stored_name: str) -> None:
        """Delete a stored file whose row was just removed for good (after the commit), never
        failing the request that did it: a file left behind has no row, so the sweep takes it."""
        try:
            self.delete(stored_name)
        except Exception:
            log.exception("could not remove %s from %s", stored_name, self.location)

    @abc.abstractmethod
    def exists(self, stored_name: str) -> bool:
        """Whether a stored file is there under its final name."""

    @abc.abstractmethod
    def open(self, stored_name: str) -> BinaryIO:
        """The stored file to read (the caller closes it); FileNotFoundError when missing."""

    @abc.abstractmethod
    def download(self, stored_name: str, *, filename: str, content_type: str) -> Response:
        """The stored file as a download (`files.download_headers`: an attachment, never
        shown inline), streamed; NotFound when missing."""

    @abc.abstractmethod
    def entries(self) -> Iterator[Entry]:
        """What the store holds under our names, temporary ones included (for the sweep)."""

    @abc.abstractmethod
    def remove(self, entry: Entry) -> None:
        """Remove what `entries` listed."""

    @abc.abstractmethod
    def ready(self) -> bool:
        """Whether a file can be written and removed now (readiness), answered quickly."""


@contextmanager
def storing(
    session: Session,
    files: list[tuple[str, BinaryIO]],
    *,
    store: Store,
    max_bytes: int,
    max_files: int,
) -> Iterator[list[PendingFile]]:
    """Receive several files at once, all or nothing. The caller adds its rows (and audit
    entries) for the files it is given; on leaving, the files take their final names and the
    session commits. A refused or broken file, or any failure of the caller, keeps none of them:
    no file in the store (under either name), no row."""
    files = [(name, fp) for name, fp in files if name]
    if not files:
        raise ValidationFailed({"files": Msg("Choose one or more files to upload.")})
    if len(files) > max_files:
        raise ValidationFailed(
            {"files": Msg("Send at most %(n)s files at once.", {"n": max_files})}
        )
    pending: list[PendingFile] = []
    try:
        for name, fp in files:
            pending.append(store.receive(fp, name, max_bytes=max_bytes))
        yield pending
        session.flush()
        for p in pending:
            p.keep()
        session.commit()
    except BaseException:
        session.rollback()
        for p in pending:
            try:
                p.discard()
            except Exception:  # the store away: the sweep removes it later; keep the first error
                log.exception("could not remove %s from %s", p.stored_name, store.location)
        raise
