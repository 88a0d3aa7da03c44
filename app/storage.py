"""Uploaded files: checked by content and extension, capped in size, kept outside `static/`
under a random name with their SHA-256, and only ever served as downloads.

A file is first written to a temporary name in the upload folder and only renamed to its final
name once the database row is about to commit; a failure anywhere removes it, so an interrupted
upload leaves neither a half file nor a row behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from sqlmodel import Session

from app.errors import FileTooLarge, UnsupportedFile, ValidationFailed
from app.i18n import Msg, human_size

CHUNK = 1024 * 1024
# extension → (the type `filetype` must find in the content, the type the download is sent as)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "jpg": ("jpg", "image/jpeg"),
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
}
ACCEPT_ATTR = ",".join(f".{ext}" for ext in ALLOWED)
MAX_NAME = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]+')
# Invisible characters: controls (C1 included), format characters (direction overrides such as
# U+202E, which make "anhgnp.exe" read as "anhexe.png", zero-width spaces), lone surrogates and
# line or paragraph separators.
_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def clean_filename(name: str) -> str:
    """A file name safe to show and to offer for download: no folders, no control, invisible or
    reserved characters, at most 120 characters with the extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE)
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("", name)
    name = " ".join(name.split()).rstrip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip(" .")  # no hidden files, no names made only of dots
    ext = ext[:10]
    room = MAX_NAME - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(" .")
    if not stem:
        stem = "tep-dinh-kem"
    return f"{stem}.{ext}" if ext else stem


def extension(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


@dataclass
class PendingFile:
    """A received file under its temporary name, not yet part of the store."""

    directory: Path
    temp: Path
    stored_name: str
    filename: str
    content_type: str
    size: int
    sha256: str

    @property
    def final(self) -> Path:
        return self.directory / self.stored_name

    def keep(self) -> None:
        """Move the file to its final name (call just before the database commits)."""
        os.replace(self.temp, self.final)

    def discard(self) -> None:
        """Remove the file, whichever name it has now."""
        for path in (self.temp, self.final):
            path.unlink(missing_ok=True)


def receive(source: BinaryIO, name: str, *, directory: Path, max_bytes: int) -> PendingFile:
    """Copy one upload into the store's folder under a temporary name, hashing and counting it;
    refuse it (413, 415) when too large or when its content is not what its extension says."""
    filename = clean_filename(name)
    ext = extension(filename)
    if ext not in ALLOWED:
        raise UnsupportedFile(
            Msg(
                "“%(name)s” is not an accepted type. Send PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), JPEG or PNG files.",
                {"name": filename},
            )
        )
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    temp = directory / f".{stored_name}.part"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with temp.open("xb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLarge(
                        Msg(
                            "“%(name)s” is larger than %(size)s, the most a file may be.",
                            {"name": filename, "size": human_size(max_bytes)},
                        )
                    )
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        found = filetype.guess_extension(head) if head else None
        expected, content_type = ALLOWED[ext]
        if found != expected:
            raise UnsupportedFile(
                Msg(
                    "The content of “%(name)s” is not a %(type)s file. Only PDF, DOCX, XLSX, PPTX, JPEG and PNG files are accepted.",
                    {"name": filename, "type": ext.upper()},
                )
            )
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return PendingFile(
        directory, temp, stored_name, filename, content_type, size, digest.hexdigest()
    )


@contextmanager
def storing(
    session: Session,
    files: list[tuple[str, BinaryIO]],
    *,
    directory: Path,
    max_bytes: int,
    max_files: int,
) -> Iterator[list[PendingFile]]:
    """Receive several files at once, all or nothing. The caller adds its rows (and audit
    entries) for the files it is given; on leaving, the files take their final names and the
    session commits. A refused or broken file, or any failure of the caller, keeps none of them:
    no file on disk, no row."""
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
            pending.append(receive(fp, name, directory=directory, max_bytes=max_bytes))
        yield pending
        session.flush()
        for p in pending:
            p.keep()
        session.commit()
    except BaseException:
        session.rollback()
        for p in pending:
            p.discard()
        raise


def path_of(directory: Path, stored_name: str) -> Path:
    """Where a stored file lives; the name is ours (hex), never the uploader's."""
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise ValueError("not a stored file name")
    return directory / stored_name


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    from urllib.parse import quote

    ascii_name = (
        unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode()
        .replace('"', "")
        .replace("\\", "")
    ) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_headers(filename: str) -> dict[str, str]:
    """Never shown inline: an attachment, not sniffed, and sandboxed if a browser tried."""
    return {
        "Content-Disposition": content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
    }
