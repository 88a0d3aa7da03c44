"""Liveness (`/healthz`) and readiness (`/readyz`) for the reverse proxy and monitoring.

`/healthz` is cheap: the process answers and the database answers a read. It stays 200 while
the database refuses writes (a SQLite file locked by another process or made read-only, a
PostgreSQL table locked), so it says "do not restart me", not "send me requests".

`/readyz` checks what a request that changes something needs: a write to the database inside a
transaction that is rolled back, with a short lock timeout (a locked database is "failed" in
well under 2 s instead of waiting the 15 s a request would wait), a file created and removed in
the store of uploads (the upload folder, or a probe object in the object store, given 2 s) and
in the cache folder. 503 names the part that failed (`database`, `uploads`, `cache`). Both are public: they show "ok"/"failed" per part, never an error text, a
path or a version, and are never cached.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection, Engine, text

from app.access import Public

router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store"}
LOCK_TIMEOUT_MS = 500  # waiting for another writer's lock
STATEMENT_TIMEOUT_MS = 1000  # the whole write, on PostgreSQL
# A tiny table every migrated database has; the row is rewritten with itself and rolled back.
PROBE = "UPDATE alembic_version SET version_num = version_num"


@router.get("/healthz")
def healthz(request: Request, identity: Public) -> Response:
    """The app and the database; 503 when the database does not answer."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is "unavailable"
        return JSONResponse(
            {"status": "degraded", "database": "unavailable"}, status_code=503, headers=NO_STORE
        )
    return JSONResponse({"status": "ok", "database": "ok"}, headers=NO_STORE)


@router.get("/readyz")
def readyz(request: Request, identity: Public) -> Response:
    """200 when the database and the store of uploads can be written, else 503 naming the part
    that failed. (The page cache needs nothing written: its generation is a database row.)"""
    parts = {
        "database": database_writable(request.app.state.engine),
        "uploads": request.app.state.store.ready(),
    }
    ready = all(parts.values())
    body = {"status": "ok" if ready else "unavailable"}
    body |= {name: "ok" if good else "failed" for name, good in parts.items()}
    return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)


def database_writable(engine: Engine) -> bool:
    """A write, rolled back, that gives up after a short wait for another writer's lock."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                return _sqlite_write(conn)
            try:
                conn.execute(text(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}"))
                conn.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
                conn.execute(text(PROBE))
            finally:
                conn.rollback()
    except Exception:  # locked, read-only, unreachable, not migrated: not ready
        return False
    return True


def _sqlite_write(conn: Connection) -> bool:
    """The same on SQLite, whose busy timeout belongs to the pooled connection: put it back."""
    usual = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_TIMEOUT_MS}")
    try:
        conn.execute(text(PROBE))
    finally:
        conn.rollback()
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual or 0)}")
    return True
