"""Uploaded files: checked by content and extension, capped in size, kept under a random name
with their SHA-256 (never in `static/`), and only ever served as downloads.

They live in a `Store` (`store.py`): the local folder `UPLOAD_DIR` (`local.py`, the default) or
an S3-compatible object store (`s3.py`, `STORAGE_URL=s3://bucket/prefix`). The application has
one, `app.state.store`, made by `store_for(settings)`; nothing outside this package builds a
path or a key from a stored name.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.config import Settings
from app.storage.files import (
    ACCEPT_ATTR,
    ALLOWED,
    CHUNK,
    STORED,
    check_stored_name,
    clean_filename,
    content_disposition,
    download_headers,
    extension,
)
from app.storage.local import LocalStore
from app.storage.store import Entry, PendingFile, Store, storing

__all__ = [
    "ACCEPT_ATTR",
    "ALLOWED",
    "CHUNK",
    "STORED",
    "Entry",
    "LocalStore",
    "PendingFile",
    "Store",
    "check_stored_name",
    "clean_filename",
    "content_disposition",
    "download_headers",
    "extension",
    "make_store",
    "store_for",
    "storing",
]

_made: dict[tuple[str, ...], Store] = {}
_lock = threading.Lock()


def _key(settings: Settings) -> tuple[str, ...]:
    return (
        settings.storage_url,
        str(settings.upload_dir),
        settings.s3_endpoint_url,
        settings.s3_access_key_id,
        settings.s3_secret_access_key,
        settings.s3_region,
    )


def make_store(settings: Settings) -> Store:
    """A new store for the settings: `STORAGE_URL` empty is `UPLOAD_DIR`, `file:///path` a
    folder, `s3://bucket/prefix` an object store."""
    url = settings.storage_url.strip()
    if url.startswith("s3://"):
        from app.storage.s3 import S3Store  # boto3 is loaded only by those who use it

        return S3Store(
            url,
            endpoint_url=settings.s3_endpoint_url,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            region=settings.s3_region,
        )
    if url.startswith("file://") and urlsplit(url).path:
        return LocalStore(Path(unquote(urlsplit(url).path)))
    return LocalStore(settings.upload_dir)


def store_for(settings: Settings) -> Store:
    """The one store of these settings, made on first use (an S3 client is costly to make)."""
    key = _key(settings)
    with _lock:
        store = _made.get(key)
        if store is None:
            store = _made[key] = make_store(settings)
    return store
