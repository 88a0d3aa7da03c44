"""Uploaded files in a folder on the server (`UPLOAD_DIR`, the default): `<name>` for a stored
file, `.<name>.part` while it waits for its row. The folder is outside `static/`; files are only
ever sent as downloads."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from fastapi.responses import FileResponse
from starlette.responses import Response

from app.errors import NotFound
from app.storage.files import STORED, check_name, check_stored_name, copy_checked, new_name
from app.storage.files import download_headers as _download_headers
from app.storage.store import Entry, PendingFile, Store

PART = re.compile(r"\.([0-9a-f]{32})\.part")


class LocalStore(Store):
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.location = str(self.directory)

    def path(self, stored_name: str) -> Path:
        """Where a stored file lives; the name is ours (hex), never the uploader's."""
        return self.directory / check_stored_name(stored_name)

    def _temp(self, stored_name: str) -> Path:
        return self.directory / f".{check_stored_name(stored_name)}.part"

    def receive(self, source: BinaryIO, name: str, *, max_bytes: int) -> PendingFile:
        filename, ext = check_name(name)
        self.directory.mkdir(parents=True, exist_ok=True)
        stored_name = new_name()
        temp = self._temp(stored_name)
        try:
            with temp.open("xb") as out:
                size, sha256, content_type = copy_checked(
                    source, out, filename=filename, ext=ext, max_bytes=max_bytes
                )
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return PendingFile(self, stored_name, filename, content_type, size, sha256)

    def make_final(self, stored_name: str) -> None:
        os.replace(self._temp(stored_name), self.path(stored_name))

    def discard(self, stored_name: str) -> None:
        for path in (self._temp(stored_name), self.path(stored_name)):
            path.unlink(missing_ok=True)

    def delete(self, stored_name: str) -> None:
        self.path(stored_name).unlink(missing_ok=True)

    def exists(self, stored_name: str) -> bool:
        return self.path(stored_name).is_file()

    def open(self, stored_name: str) -> BinaryIO:
        return self.path(stored_name).open("rb")

    def download(self, stored_name: str, *, filename: str, content_type: str) -> Response:
        path = self.path(stored_name)
        if not path.is_file():
            raise NotFound()
        return FileResponse(path, media_type=content_type, headers=_download_headers(filename))

    def entries(self) -> Iterator[Entry]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.iterdir()):
            part = PART.fullmatch(path.name)
            if not (part or STORED.fullmatch(path.name)) or not path.is_file():
                continue
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            name = part.group(1) if part else path.name
            yield Entry(name, bool(part), modified, str(path))

    def remove(self, entry: Entry) -> None:
        Path(entry.location).unlink(missing_ok=True)

    def ready(self) -> bool:
        """A file can be created (the folder too, as the first upload would) and removed."""
        return folder_writable(self.directory)


def folder_writable(folder: Path) -> bool:
    """A file can be created (the folder too) and removed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".readyz-", dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError:
        return False
    return True
