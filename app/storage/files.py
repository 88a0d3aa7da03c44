"""What every store does the same way: names cleaned, content checked against the extension,
size capped while hashing, random stored names, and the headers of a download."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from typing import BinaryIO

import filetype

from app.errors import FileTooLarge, UnsupportedFile
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
STORED = re.compile(r"[0-9a-f]{32}")  # a stored file's name (`new_name`)
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


def check_name(name: str) -> tuple[str, str]:
    """The cleaned name and its extension; 415 when the extension is not an accepted type."""
    filename = clean_filename(name)
    ext = extension(filename)
    if ext not in ALLOWED:
        raise UnsupportedFile(
            Msg(
                "“%(name)s” is not an accepted type. Send PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), JPEG or PNG files.",
                {"name": filename},
            )
        )
    return filename, ext


def copy_checked(
    source: BinaryIO, out: BinaryIO, *, filename: str, ext: str, max_bytes: int
) -> tuple[int, str, str]:
    """Copy an upload into `out`, counting and hashing it; (size, SHA-256, content type), or
    413 when it grows past `max_bytes` and 415 when its content is not what its extension says.
    The caller removes what was written when this raises."""
    digest = hashlib.sha256()
    size = 0
    head = b""
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
    return size, digest.hexdigest(), content_type


def new_name() -> str:
    """A stored file's name: 32 random hex digits, never the uploader's."""
    return secrets.token_hex(16)


def check_stored_name(stored_name: str) -> str:
    """The name, if it is one of ours (hex); anything else (a path, the uploader's name) is a
    ValueError before it comes near a folder or a bucket."""
    if not STORED.fullmatch(stored_name):
        raise ValueError("not a stored file name")
    return stored_name


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
