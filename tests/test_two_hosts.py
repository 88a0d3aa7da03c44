"""Several hosts: two app processes that share nothing but one PostgreSQL and one S3-compatible
object store (moto's server on loopback), each with its own local folders, as two machines
behind a load balancer would be.

- a statement published through A is served new by B within 2 seconds (B had the old list in
  its page cache);
- a file uploaded through A downloads through B, byte for byte, as an attachment;
- a session made on A works on B;
- an embargoed statement is absent from both until its time.

PostgreSQL is required (one database for two hosts); without it the test is skipped, except with
CI=true, where it fails. So is moto's server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from app import timeutil
from app.statements.models import StatementFile
from tests.conftest import PG_URL, migrate, require_postgres
from tests.factories import PASSWORD
from tests.s3 import S3Server
from tests.statements.helpers import World
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
START_SECONDS = 20.0
SEEN_WITHIN = 2.0  # seconds: the bound for a publication through A to show on B


@dataclass
class Host:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=10)


@pytest.fixture
def database() -> Iterator[str]:
    """A PostgreSQL schema of its own, migrated: the one database of both hosts."""
    require_postgres()
    schema = f"pdhosts_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _start(name: str, env: dict[str, str], tmp_path: Path) -> Host:
    port = free_port()
    folder = tmp_path / name
    folder.mkdir()
    log = folder / "server.log"
    host_env = {
        **os.environ,
        **env,
        # Each host's own folders: nothing on disk is shared.
        "UPLOAD_DIR": str(folder / "uploads"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app"),
                *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
            ],
            cwd=ROOT,
            env=host_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    host = Host(name, f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            if httpx.get(host.url + "/healthz", timeout=1).status_code == 200:
                return host
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"host {name} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.fixture
def hosts(database: str, s3_server: S3Server, tmp_path: Path) -> Iterator[tuple[Host, Host]]:
    env = {key.upper(): value for key, value in s3_server.settings().items()}
    env |= {
        "DATABASE_URL": database,
        "SECRET_KEY": "two-hosts-share-this-secret-key-0123456789abcdef",
        "SCHEDULER_INTERVAL_SECONDS": "0",
        "MAIL_SEND_INTERVAL_SECONDS": "0",
        "MONITORING_INTERVAL_SECONDS": "0",
        "LOGIN_DELAY_SECONDS": "0",
    }
    started: list[Host] = []
    try:
        for name in ("a", "b"):
            started.append(_start(name, env, tmp_path))
        yield started[0], started[1]
    finally:
        for host in started:
            host.process.terminate()
        for host in started:
            try:
                host.process.wait(10)
            except subprocess.TimeoutExpired:
                host.process.kill()
        for host in started:
            text_ = host.log.read_text(errors="replace")
            assert "Traceback" not in text_, f"host {host.name} logged an error:\n{text_}"


def sign_in(client: httpx.Client, email: str) -> str:
    """Sign in through the API; the session cookie stays in the client. Returns the CSRF token."""
    token = client.get("/api/v1/session").json()["csrf_token"]
    r = client.post(
        "/api/v1/session",
        json={"email": email, "password": PASSWORD},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


def step(client: httpx.Client, token: str, sid: int, action: str, **body: Any) -> None:
    r = client.post(
        f"/api/v1/statements/{sid}/{action}", json=body, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 200, r.text


def statement_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/statements/(\d+)"', html)}


def test_two_hosts_share_the_database_and_the_object_store_and_nothing_else(
    database: str, hosts: tuple[Host, Host]
) -> None:
    a_host, b_host = hosts
    engine = create_engine(database)
    with Session(engine, expire_on_commit=False) as db:
        w = World(db)
        org_id, person_id = w.org.id, w.person.id
        editor, spokesperson = w.editor_user.email, w.spokesperson_user.email
        old = w.issued(title="Thông cáo đã có từ trước")
    with a_host.client() as a, b_host.client() as b, b_host.client() as reader_b:
        # B keeps the public list in its page cache.
        assert reader_b.get("/statements").status_code == 200
        cached = reader_b.get("/statements")
        assert cached.headers["x-cache"] == "hit" and statement_ids(cached.text) == {old.id}

        # A session made on A works on B: the cookie is all B needs.
        token = sign_in(a, editor)
        b.cookies.update(a.cookies)
        office_on_b = b.get("/office/statements")
        assert office_on_b.status_code == 200 and "Thông cáo đã có từ trước" in office_on_b.text
        assert b.get("/office/statements").headers["x-cache"] == "hit"  # B keeps it for the session

        # The editor drafts on A and attaches a file through A ...
        body = {
            "kind": "press_release",
            "organisation_id": org_id,
            "spokesperson_id": person_id,
            "title": "Thông cáo công bố qua máy chủ A",
            "summary": "Hai máy chủ, một cơ sở dữ liệu.",
            "body": "Nội dung thông cáo.",
        }
        r = a.post("/api/v1/statements", json=body, headers={"X-CSRF-Token": token})
        assert r.status_code == 201, r.text
        sid = int(r.json()["id"])
        # B's kept page gives way at once (the generation of all data is read at every request).
        office_on_b = b.get("/office/statements")
        assert office_on_b.headers["x-cache"] == "miss"
        assert "Thông cáo công bố qua máy chủ A" in office_on_b.text
        upload = a.post(
            f"/office/statements/{sid}/attachments",
            data={"csrf_token": token},
            files={"files": ("bao-cao.pdf", PDF, "application/pdf")},
        )
        assert upload.status_code == 303, upload.text
        with Session(engine) as db:
            stored = db.exec(select(StatementFile).where(StatementFile.statement_id == sid)).one()
        for host in hosts:  # nothing of it in either host's own folder: it is in the object store
            folder = Path(host.log.parent / "uploads")
            assert not folder.exists() or not any(folder.iterdir())
        # ... and downloads it through B, as an attachment.
        got = b.get(f"/office/statements/{sid}/files/{stored.id}")
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-disposition"].startswith("attachment")

        # Submitted on B (the session from A), approved and published through A by the
        # spokesperson.
        step(b, token, sid, "submit")
        spokes = a_host.client()
        spokes_token = sign_in(spokes, spokesperson)
        step(spokes, spokes_token, sid, "approve")
        published_at = time.monotonic()
        step(spokes, spokes_token, sid, "publish")

        # B serves the new list within 2 s though it had the old one cached.
        while True:
            page = reader_b.get("/statements")
            if sid in statement_ids(page.text):
                break
            assert time.monotonic() - published_at < SEEN_WITHIN, "B still serves the old list"
            time.sleep(0.05)
        assert time.monotonic() - published_at < SEEN_WITHIN
        assert statement_ids(page.text) == {old.id, sid}
        public_file = reader_b.get(f"/statements/{sid}/files/{stored.id}")
        assert public_file.status_code == 200 and public_file.content == PDF

        # An embargoed statement: scheduled through B, absent from both hosts until its time.
        r = b.post(
            "/api/v1/statements",
            json={**body, "title": "Thông cáo chờ đến giờ công bố"},
            headers={"X-CSRF-Token": token},
        )
        held = int(r.json()["id"])
        step(b, token, held, "submit")
        step(spokes, spokes_token, held, "approve")
        at = (timeutil.utcnow() + timedelta(hours=2)).isoformat()
        step(spokes, spokes_token, held, "publish", publish_at=at)
        time.sleep(SEEN_WITHIN)  # both hosts have read the new generation by now
        for host in hosts:
            with host.client() as anon:
                assert held not in statement_ids(anon.get("/statements").text)
                assert anon.get(f"/statements/{held}").status_code == 404
                assert (
                    "Thông cáo chờ đến giờ công bố" not in anon.get("/feeds/statements.atom").text
                )
                assert anon.get(f"/statements/{sid}").status_code == 200
        spokes.close()
    engine.dispose()
