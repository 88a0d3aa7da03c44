"""What a killed upload leaves in the upload folder is swept, at start-up and by
`pressdesk sweep-uploads`: old `.part` files and old stored files without a row go; a file with a
row, an upload in progress and anything not ours stay."""

from __future__ import annotations

import os
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import cli
from app.config import get_settings
from app.statements import service
from app.storage import LocalStore
from tests.factories import pdf_bytes
from tests.statements.helpers import World

HOUR = 3600


def aged(path: Path, seconds: float, data: bytes = b"x") -> Path:
    path.write_bytes(data)
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


@pytest.fixture
def folder(app: Any, db: Session) -> dict[str, Path]:
    """The upload folder with a statement's file (a row), and what crashes leave."""
    settings = app.state.settings
    w = World(db)
    st = w.draft()
    (row,) = service.add_files(
        db,
        actor=w.editor,
        statement_id=st.id or 0,
        files=[("phu-luc.pdf", BytesIO(pdf_bytes()))],
        store=LocalStore(settings.upload_dir),
        max_bytes=settings.upload_max_bytes,
        max_files=settings.upload_max_files,
    )
    up: Path = settings.upload_dir
    kept = up / row.stored_name
    then = time.time() - 3 * HOUR
    os.utime(kept, (then, then))  # old, but it has its row
    return {
        "kept": kept,
        "old_part": aged(up / f".{'a' * 32}.part", 2 * HOUR),
        "young_part": aged(up / f".{'b' * 32}.part", 60),  # an upload in progress
        "old_orphan": aged(up / ("c" * 32), 2 * HOUR),  # renamed, its row never committed
        "young_orphan": aged(up / ("d" * 32), 60),  # its commit may still be coming
        "not_ours": aged(up / "README.txt", 5 * HOUR),
    }


def left(folder: dict[str, Path]) -> set[str]:
    return {name for name, path in folder.items() if path.exists()}


def test_sweep_uploads_removes_only_old_orphans_and_says_so(
    folder: dict[str, Path],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(folder["kept"].parent))
    get_settings.cache_clear()
    try:
        assert cli.main(["sweep-uploads", "--dry-run"]) == 0
        dry = capsys.readouterr().out
        assert "Would remove 2 orphan file(s)" in dry
        assert left(folder) == set(folder)  # a dry run removes nothing

        assert cli.main(["sweep-uploads"]) == 0
        out = capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    assert "Removed 2 orphan file(s)" in out
    assert folder["old_part"].name in out and folder["old_orphan"].name in out
    assert left(folder) == {"kept", "young_part", "young_orphan", "not_ours"}


def test_a_worker_sweeps_at_start_up(folder: dict[str, Path], app: Any) -> None:
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
    assert left(folder) == {"kept", "young_part", "young_orphan", "not_ours"}
