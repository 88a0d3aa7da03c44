"""Uploads kept in the local folder or in an object store behave the same to the people using
them: what was uploaded through a form comes back byte for byte as an attachment; a refused
file, or a failure after the file arrived, leaves nothing in the store (no temporary object, no
final one) and no row; orphans are swept; and readiness names the store when it is away."""

from __future__ import annotations

import hashlib
import io
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, col, select

from app import cli, sweep, timeutil
from app.accounts.models import Role
from app.audit.service import Actor
from app.config import get_settings
from app.content import service
from app.content.models import Attachment, Submission
from app.errors import FileTooLarge, UnsupportedFile
from app.main import create_app
from app.orgs.models import Organisation
from app.storage import LocalStore, Store
from app.storage.s3 import S3Store
from tests.conftest import WebClient, make_settings
from tests.factories import (
    PASSWORD,
    PNG_1PX,
    make_call,
    make_org,
    make_submission,
    make_user,
    pdf_bytes,
)
from tests.s3 import S3Server, everything_in, start_s3, stored_bytes
from tests.support import signed_in

PDF = "application/pdf"


def attachments(db: Session) -> list[Attachment]:
    db.expire_all()
    return list(db.exec(select(Attachment).order_by(col(Attachment.id))).all())


def upload(web: WebClient, sub_id: int | None, *files: tuple[str, bytes, str]) -> Any:
    return web.client.post(
        f"/submissions/{sub_id}/attachments",
        data={"csrf_token": web.csrf()},
        files=[("files", f) for f in files],
    )


@pytest.fixture
def draft(web: WebClient, db: Session) -> Submission:
    """A department's draft content, the department signed in on `web`."""
    org = make_org(db)
    sub = make_submission(db, make_call(db, orgs=[org]), org)
    signed_in(web, db, Role.DEPARTMENT, org=org)
    return sub


def test_a_file_uploaded_through_the_form_downloads_as_the_same_bytes(
    web: WebClient, db: Session, draft: Submission, store: Store
) -> None:
    data = pdf_bytes("Báo cáo giải ngân quý II") + b"\n%" + b"7" * (2 * 1024 * 1024 + 5)

    r = upload(web, draft.id, ("Báo cáo.pdf", data, PDF), ("anh.png", PNG_1PX, "image/png"))

    assert r.status_code == 303, r.text
    rows = attachments(db)
    assert [a.filename for a in rows] == ["Báo cáo.pdf", "anh.png"]
    # Only the final names are in the store: no temporary one left behind.
    assert everything_in(store) == sorted(a.stored_name for a in rows)
    got = web.get(f"/submissions/{draft.id}/files/{rows[0].id}")
    assert got.status_code == 200
    assert got.content == data
    assert hashlib.sha256(got.content).hexdigest() == rows[0].sha256
    assert got.headers["content-type"] == PDF
    assert got.headers["content-length"] == str(len(data))
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf" in disposition
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"] == "sandbox"
    assert got.headers["cache-control"] == "private, no-store"
    png = web.get(f"/submissions/{draft.id}/files/{rows[1].id}")
    assert png.content == PNG_1PX
    assert png.headers["content-disposition"].startswith("attachment;")  # never inline


def test_a_file_gone_from_the_store_is_not_found(
    web: WebClient, db: Session, draft: Submission, store: Store
) -> None:
    assert upload(web, draft.id, ("a.pdf", pdf_bytes(), PDF)).status_code == 303
    (row,) = attachments(db)
    store.delete(row.stored_name)
    assert web.get(f"/submissions/{draft.id}/files/{row.id}").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("bao-cao.pdf", b"<!DOCTYPE html><script>alert(1)</script>", 415),  # disguised
        ("anh.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 1000, 415),
        ("lon.pdf", pdf_bytes() + b"\n%" + b"0" * 5000, 413),  # over the 4 KB cap below
    ],
)
def test_a_refused_file_leaves_nothing_in_the_store(
    web: WebClient,
    db: Session,
    draft: Submission,
    app: Any,
    store: Store,
    name: str,
    data: bytes,
    status: int,
) -> None:
    app.state.settings.upload_max_bytes = 4096
    good = pdf_bytes("ok")
    assert len(good) < 4096

    r = upload(web, draft.id, ("nho.pdf", good, PDF), (name, data, PDF))

    assert r.status_code == status
    assert attachments(db) == []
    assert everything_in(store) == []  # neither the refused file nor the good one before it


def actor(db: Session, draft: Submission) -> Actor:
    user = make_user(db, Role.DEPARTMENT, org=db.get(Organisation, draft.organisation_id))
    return Actor(user.id, user.email, user.role.value, user.organisation_id, "203.0.113.9")


def test_a_failed_commit_after_the_files_arrived_keeps_no_object_and_no_row(
    db: Session, draft: Submission, store: Store, settings: Any
) -> None:
    seen: list[list[str]] = []

    def refuse(session: Session) -> None:
        seen.append(everything_in(store))  # the files are final by now, just before commit
        raise RuntimeError("the database went away")

    who = actor(db, draft)
    event.listen(db, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError):
            service.add_attachments(
                db,
                actor=who,
                submission_id=draft.id or 0,
                files=[("a.pdf", io.BytesIO(pdf_bytes())), ("b.png", io.BytesIO(PNG_1PX))],
                store=store,
                max_bytes=settings.upload_max_bytes,
                max_files=5,
            )
    finally:
        event.remove(db, "before_commit", refuse)
    assert len(seen[0]) == 2 and not any(n.startswith((".", "tmp/")) for n in seen[0])
    assert everything_in(store) == []
    assert attachments(db) == []


def test_a_refused_file_in_the_service_leaves_nothing(
    db: Session, draft: Submission, store: Store
) -> None:
    for files, error in (
        ([("a.pdf", io.BytesIO(pdf_bytes())), ("b.pdf", io.BytesIO(PNG_1PX))], UnsupportedFile),
        ([("a.pdf", io.BytesIO(pdf_bytes() + b"%" + b"1" * 9000))], FileTooLarge),
    ):
        with pytest.raises(error):
            service.add_attachments(
                db,
                actor=actor(db, draft),
                submission_id=draft.id or 0,
                files=files,
                store=store,
                max_bytes=8192,
                max_files=5,
            )
        db.rollback()
        assert everything_in(store) == []
        assert attachments(db) == []


def test_the_sweep_removes_old_orphans_of_the_store_and_nothing_else(
    db: Session, draft: Submission, store: Store, app: Any, settings: Any
) -> None:
    (kept,) = service.add_attachments(
        db,
        actor=actor(db, draft),
        submission_id=draft.id or 0,
        files=[("giu.pdf", io.BytesIO(pdf_bytes()))],
        store=store,
        max_bytes=settings.upload_max_bytes,
        max_files=5,
    )
    waiting = store.receive(io.BytesIO(pdf_bytes()), "dang-tai.pdf", max_bytes=10**6)
    orphan = store.receive(io.BytesIO(pdf_bytes()), "mo-coi.pdf", max_bytes=10**6)
    orphan.keep()  # made final, its row never committed
    everything = everything_in(store)
    assert len(everything) == 3

    # Young: an upload in progress and a file waiting for its commit are left alone.
    assert sweep.sweep(app.state.engine, store) == []
    assert everything_in(store) == everything

    with timeutil.clock_at(timeutil.utcnow() + timedelta(hours=1, minutes=5)):
        listed = sweep.sweep(app.state.engine, store, dry_run=True)
        assert everything_in(store) == everything
        removed = sweep.sweep(app.state.engine, store)
    assert sorted(removed) == sorted(listed) and len(removed) == 2
    assert any(waiting.stored_name in r for r in removed)
    assert any(orphan.stored_name in r for r in removed)
    assert everything_in(store) == [kept.stored_name]
    assert stored_bytes(store, kept.stored_name) == pdf_bytes()


def test_sweep_uploads_command_works_on_the_configured_store(
    db: Session,
    store: Store,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    left = store.receive(io.BytesIO(pdf_bytes()), "bo-do.pdf", max_bytes=10**6)
    for name, value in settings.model_dump().items():
        if name in {"database_url", "upload_dir", "storage_url"} or name.startswith("s3_"):
            monkeypatch.setenv(name.upper(), str(value))
    get_settings.cache_clear()
    try:
        with timeutil.clock_at(timeutil.utcnow() + timedelta(hours=2)):
            assert cli.main(["sweep-uploads"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert f"Removed 1 orphan file(s) from {store.location}" in out
    assert left.stored_name in out
    assert everything_in(store) == []


def test_readiness_is_ok_with_the_store_and_names_it_when_it_is_away(
    database_url: str, tmp_path: Any, s3_server: S3Server
) -> None:
    """Its own S3 server, stopped during the test."""
    own = start_s3()
    application = create_app(make_settings(database_url, tmp_path, **own.settings()))
    try:
        with TestClient(application) as client:
            r = client.get("/readyz")
            assert r.status_code == 200, r.text
            assert r.json()["uploads"] == "ok"
            own.server.stop()
            start = time.monotonic()
            r = client.get("/readyz")
            took = time.monotonic() - start
    finally:
        application.state.engine.dispose()
    assert r.status_code == 503
    assert r.json() == {
        "status": "unavailable",
        "database": "ok",
        "uploads": "failed",
    }
    assert took < 5, took


def test_a_missing_bucket_is_not_ready(
    database_url: str, tmp_path: Any, s3_server: S3Server
) -> None:
    over = s3_server.settings() | {"storage_url": "s3://no-such-bucket/x"}
    application = create_app(make_settings(database_url, tmp_path, **over))
    try:
        with TestClient(application) as client:
            r = client.get("/readyz")
    finally:
        application.state.engine.dispose()
    assert r.status_code == 503 and r.json()["uploads"] == "failed"


def test_the_store_follows_the_settings(tmp_path: Any, s3_server: S3Server) -> None:
    base = make_settings("sqlite://", tmp_path)
    from app.storage import make_store

    assert isinstance(make_store(base), LocalStore)
    assert make_store(base).directory == tmp_path / "uploads"  # type: ignore[attr-defined]
    other = base.model_copy(update={"storage_url": f"file://{tmp_path}/elsewhere"})
    assert make_store(other).directory == tmp_path / "elsewhere"  # type: ignore[attr-defined]
    s3 = make_store(make_settings("sqlite://", tmp_path, **s3_server.settings("a/b/")))
    assert isinstance(s3, S3Store)
    assert (s3.bucket, s3.prefix, s3.location) == (
        "pressdesk-test",
        "a/b",
        "s3://pressdesk-test/a/b",
    )
    assert s3.key("0" * 32) == "a/b/" + "0" * 32
    assert s3.temp_key("0" * 32) == "a/b/tmp/" + "0" * 32
    with pytest.raises(ValueError):
        s3.key("../../etc/passwd")


def test_a_file_uploaded_through_one_server_downloads_through_another(
    database_url: str, tmp_path: Any, s3_server: S3Server
) -> None:
    """Two applications with folders of their own, one database and one bucket: what one
    received the other serves (and neither wrote the file into its folder)."""
    shared = s3_server.settings()
    a = create_app(make_settings(database_url, tmp_path / "a", **shared))
    b = create_app(make_settings(database_url, tmp_path / "b", **shared))
    data = pdf_bytes("Gửi qua máy chủ A")
    try:
        with (
            TestClient(a, base_url="http://testserver", follow_redirects=False) as ca,
            TestClient(b, base_url="http://testserver", follow_redirects=False) as cb,
            Session(a.state.engine, expire_on_commit=False) as db,
        ):
            web_a, web_b = WebClient(ca), WebClient(cb)
            org = make_org(db)
            sub = make_submission(db, make_call(db, orgs=[org]), org)
            user = signed_in(web_a, db, Role.DEPARTMENT, org=org)
            assert upload(web_a, sub.id, ("tu-a.pdf", data, PDF)).status_code == 303
            (row,) = attachments(db)
            assert web_b.login(user.email, PASSWORD).status_code == 303  # one database

            got = web_b.get(f"/submissions/{sub.id}/files/{row.id}")
    finally:
        a.state.engine.dispose()
        b.state.engine.dispose()
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-disposition"].startswith("attachment;")
    for folder in (tmp_path / "a" / "uploads", tmp_path / "b" / "uploads"):
        assert not folder.exists() or not any(folder.iterdir())
