"""The liveness check (/healthz), the readiness check (/readyz) and the 503 page when the
database is unreachable."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.main import create_app
from app.storage import LocalStore
from tests.conftest import Backend, make_settings


def test_healthz_reports_app_and_database(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


UNREACHABLE = {
    "sqlite": lambda tmp: f"sqlite:///{tmp}/no/such/folder/pressdesk.db",
    "postgresql": lambda tmp: "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2",
}


def _down_client(backend_name: str, tmp_path: Path) -> TestClient:
    settings = make_settings(UNREACHABLE[backend_name](tmp_path), tmp_path)
    return TestClient(create_app(settings), follow_redirects=False, raise_server_exceptions=False)


def test_healthz_is_503_when_database_is_unreachable(backend, tmp_path: Path) -> None:
    with _down_client(backend.name, tmp_path) as down:
        r = down.get("/healthz")
    assert r.status_code == 503
    assert r.json()["database"] == "unavailable"


def test_readyz_names_the_database_when_it_is_unreachable(backend, tmp_path: Path) -> None:
    with _down_client(backend.name, tmp_path) as down:
        r = down.get("/readyz")
    assert r.status_code == 503
    assert r.json() == {
        "status": "unavailable",
        "database": "failed",
        "uploads": "ok",
    }


def test_database_outage_gives_503_page_without_trace(backend, tmp_path: Path) -> None:
    with _down_client(backend.name, tmp_path) as down:
        csrf = down.get("/login").cookies.get("pd_csrf")
        r = down.post("/login", data={"email": "a@b.vn", "password": "x" * 12, "csrf_token": csrf})
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("text/html")
    assert "Dịch vụ tạm thời gián đoạn" in r.text
    assert "Traceback" not in r.text and "OperationalError" not in r.text
    assert r.headers["retry-after"] == "30"
    with _down_client(backend.name, tmp_path) as down:
        down.cookies.set("pd_lang", "en")
        csrf = down.get("/login").cookies.get("pd_csrf")
        english = down.post(
            "/login", data={"email": "a@b.vn", "password": "x" * 12, "csrf_token": csrf}
        )
    assert english.status_code == 503
    assert "The service is temporarily unavailable" in english.text


# --- Readiness: can this worker write what a request writes? -------------------------------------

LOCK_TABLE = "alembic_version"  # the table /readyz writes to (and rolls back)


@contextmanager
def database_write_locked(backend: Backend) -> Iterator[None]:
    """Another connection holds the write lock: SQLite's exclusive lock on the file, or a
    PostgreSQL lock on the table the readiness check writes."""
    if backend.name == "sqlite":
        other = sqlite3.connect(backend.file, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            yield
        finally:
            other.rollback()
            other.close()
        return
    engine = create_engine(backend.url)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text(f"LOCK TABLE {LOCK_TABLE} IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()


def test_readyz_is_200_when_database_and_uploads_can_be_written(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "uploads": "ok"}
    assert r.headers["cache-control"] == "no-store"
    assert "set-cookie" not in r.headers


def test_readyz_is_503_within_two_seconds_while_the_database_is_write_locked(
    client: TestClient, backend: Backend
) -> None:
    with database_write_locked(backend):
        started = time.monotonic()
        r = client.get("/readyz")
        elapsed = time.monotonic() - started
        if backend.name == "sqlite":
            # The liveness answer only reads: it stays 200, which is why /readyz exists.
            assert client.get("/healthz").status_code == 200
    assert r.status_code == 503
    assert elapsed < 2.0
    assert r.json() == {
        "status": "unavailable",
        "database": "failed",
        "uploads": "ok",
    }
    assert r.headers["cache-control"] == "no-store"
    assert client.get("/readyz").status_code == 200  # ready again once the lock is gone


def _unwritable_folder(tmp_path: Path, how: str) -> Path:
    """A folder the worker cannot write into. chmod does not stop root (the tests may run as
    root), so the other ways need no permission: a file where the folder should be, or a
    folder under a file."""
    if how == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker if how == "a file in the way" else blocker / "missing"


@pytest.mark.parametrize("how", ["read-only folder", "a file in the way", "under a file"])
def test_readyz_is_503_naming_the_folder_that_cannot_be_written(
    app: FastAPI, client: TestClient, tmp_path: Path, how: str
) -> None:
    part = "uploads"
    blocked = _unwritable_folder(tmp_path, how)
    app.state.store = LocalStore(blocked)  # the store of uploads, here the local folder
    try:
        r = client.get("/readyz")
    finally:
        if how == "read-only folder":
            blocked.chmod(0o700)
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable" and body[part] == "failed"
    assert {k: v for k, v in body.items() if k not in ("status", part)} == {
        k: "ok" for k in ("database", "uploads") if k != part
    }
    assert str(tmp_path) not in r.text  # names the part, never a path
    assert client.get("/healthz").status_code == 200


def test_readyz_leaves_nothing_behind(app: FastAPI, client: TestClient) -> None:
    settings = app.state.settings
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    before = {p: sorted(p.iterdir()) for p in (settings.upload_dir,)}
    assert client.get("/readyz").status_code == 200
    assert {p: sorted(p.iterdir()) for p in before} == before
