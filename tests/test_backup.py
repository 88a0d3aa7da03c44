"""Backups that restore, on both databases: demo data and its files are backed up, restored into
a fresh database and folder, and every table and file compared; a damaged, partial or misplaced
backup is refused with a clear message and changes nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, make_url, text
from sqlmodel import Session

from app import backup, cli
from app.backup import UPLOADS
from app.config import Settings, get_settings
from app.db import make_engine
from app.demo import seed_demo
from app.statements import service as statements
from app.storage import LocalStore
from tests.conftest import PG_URL, make_settings
from tests.s3 import S3Server
from tests.statements.helpers import World

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a stable order (sorted by their text)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            found[table] = sorted((tuple(r) for r in rows), key=repr)
    return found


def _sequences(engine: Engine) -> dict[str, int]:
    """PostgreSQL's sequences and their last values (a restored one must not hand out ids again)."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as conn:
        names = conn.execute(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        ).scalars()
        return {n: conn.execute(text(f'SELECT last_value FROM "{n}"')).scalar_one() for n in names}


def _files(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in directory.rglob("*")
        if p.is_file()
    }


def _with_a_file(db: Session, settings: Settings) -> Settings:
    """A statement with a file, and an upload in progress beside it."""
    w = World(db)
    st = w.draft(title="Thông cáo có tệp đính kèm")
    statements.add_files(
        db,
        actor=w.editor,
        statement_id=st.id or 0,
        files=[("Thông cáo.pdf", BytesIO(PDF))],
        store=LocalStore(settings.upload_dir),
        max_bytes=settings.upload_max_bytes,
        max_files=settings.upload_max_files,
    )
    (settings.upload_dir / ".0123456789abcdef0123456789abcdef.part").write_bytes(b"half")
    return settings


@pytest.fixture
def demo(db: Session, settings: Settings) -> Settings:
    """The demo data with its files, and one more statement file."""
    seed_demo(db, settings)
    return _with_a_file(db, settings)


@pytest.fixture
def source(db: Session, settings: Settings) -> Settings:
    """A little data and one file (enough to damage)."""
    return _with_a_file(db, settings)


@pytest.fixture
def target(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """An empty database of the same backend (PostgreSQL: a new database, the source's schema
    name in it) and an upload folder that does not exist yet."""
    uploads = tmp_path / "restored-uploads"
    if settings.is_sqlite:
        yield make_settings(f"sqlite:///{tmp_path / 'restored.db'}", tmp_path, upload_dir=uploads)
        return
    name = f"pdrestore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(settings.database_url).set(database=name)
    try:
        yield make_settings(url.render_as_string(hide_password=False), tmp_path, upload_dir=uploads)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_backup_restores_every_table_and_file(
    demo: Settings, target: Settings, tmp_path: Path
) -> None:
    source = demo
    made = backup.backup(source, tmp_path / "backup")
    assert made.files == len(_files(source.upload_dir)) - 1  # the upload in progress is left out
    manifest = backup.verify(tmp_path / "backup")
    assert manifest["database"]["revision"] is not None

    restored = backup.restore(target, tmp_path / "backup")
    assert restored.files == made.files

    before, after = make_engine(source.database_url), make_engine(target.database_url)
    try:
        old, new = _rows(before), _rows(after)
        assert sorted(old) == sorted(new)
        assert sum(len(r) for r in new.values()) > 100  # the demo data, not two empty databases
        for table, rows in old.items():
            assert new[table] == rows, table
        assert _sequences(before) == _sequences(after)
    finally:
        before.dispose()
        after.dispose()
    expected = {k: v for k, v in _files(source.upload_dir).items() if not k.endswith(".part")}
    assert _files(target.upload_dir) == expected
    assert not list(tmp_path.glob(".*restoring*")) and not list(tmp_path.glob(".*partial*"))


def test_restore_refuses_a_database_or_folder_that_is_not_empty(
    source: Settings, tmp_path: Path
) -> None:
    backup.backup(source, tmp_path / "backup")
    with pytest.raises(backup.BackupError, match="is not empty"):
        backup.restore(source, tmp_path / "backup")  # the source itself: its data is there
    elsewhere = source.model_copy(update={"upload_dir": tmp_path / "empty"})
    with pytest.raises(backup.BackupError, match="not empty: restore needs an empty one"):
        backup.restore(elsewhere, tmp_path / "backup")


@pytest.mark.parametrize(
    "damage",
    ["changed byte", "missing file", "extra file", "no manifest", "manifest edited"],
)
def test_a_damaged_or_partial_backup_is_refused_and_nothing_is_restored(
    source: Settings, target: Settings, tmp_path: Path, damage: str
) -> None:
    made = backup.backup(source, tmp_path / "backup")
    stored = next(p for p in (made.directory / "uploads").iterdir())
    if damage == "changed byte":
        data = bytearray(stored.read_bytes())
        data[len(data) // 2] ^= 0xFF
        stored.write_bytes(bytes(data))
    elif damage == "missing file":
        stored.unlink()
    elif damage == "extra file":
        (made.directory / "uploads" / "stray.bin").write_bytes(b"x")
    elif damage == "no manifest":  # a backup that did not finish
        (made.directory / "manifest.json").unlink()
    else:
        manifest = json.loads((made.directory / "manifest.json").read_text())
        manifest["files"][0]["sha256"] = "0" * 64
        (made.directory / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(backup.BackupError) as refused:
        backup.verify(made.directory)
    message = str(refused.value)
    assert ("damaged" in message) or ("did not finish" in message)
    with pytest.raises(backup.BackupError):
        backup.restore(target, made.directory)
    assert not target.upload_dir.exists()
    after = make_engine(target.database_url)
    try:
        assert _rows(after) == {}  # the target database is still empty
    finally:
        after.dispose()


def test_a_backup_that_fails_halfway_leaves_no_folder(
    source: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kw: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("app.backup.shutil.copy2", broken)
    with pytest.raises(OSError, match="disk full"):
        backup.backup(source, tmp_path / "backup")
    assert not (tmp_path / "backup").exists()
    assert not list(tmp_path.glob(".backup.partial-*"))


def test_a_backup_never_overwrites_a_folder_that_holds_something(
    source: Settings, tmp_path: Path
) -> None:
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("giữ lại")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(source, tmp_path / "backup")
    assert (tmp_path / "backup" / "notes.txt").read_text() == "giữ lại"


def test_the_commands_back_up_verify_and_refuse_with_a_clear_message(
    source: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("DATABASE_URL", source.database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(source.upload_dir))
    get_settings.cache_clear()
    try:
        assert cli.main(["backup", str(tmp_path / "b")]) == 0
        assert "written to" in capsys.readouterr().out
        assert cli.main(["verify-backup", str(tmp_path / "b")]) == 0
        assert "The backup is whole" in capsys.readouterr().out
        next((tmp_path / "b" / "uploads").iterdir()).write_bytes(b"changed")
        assert cli.main(["verify-backup", str(tmp_path / "b")]) == 1
        assert "damaged or incomplete" in capsys.readouterr().err
        assert cli.main(["restore", str(tmp_path / "b")]) == 1
    finally:
        get_settings.cache_clear()


def test_with_an_object_store_the_backup_holds_the_database_and_says_where_the_files_are(
    source: Settings,
    target: Settings,
    tmp_path: Path,
    s3_server: S3Server,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    bucket = s3_server.settings()
    monkeypatch.setenv("DATABASE_URL", source.database_url)
    for name, value in bucket.items():
        monkeypatch.setenv(name.upper(), value)
    get_settings.cache_clear()
    try:
        assert cli.main(["backup", str(tmp_path / "b3")]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "0 uploaded file(s)" in out
    assert f"The uploaded files are in the object store {bucket['storage_url']}" in out
    assert not (tmp_path / "b3" / UPLOADS).exists()
    assert backup.verify(tmp_path / "b3")["files"][0]["path"].startswith("database")

    # A backup of a folder restored with an object store: the database comes back, and the
    # files are named as still to copy into the bucket (never silently left out).
    made = backup.backup(source, tmp_path / "b")
    assert made.files == 1 and made.note == ""
    restored = backup.restore(target.model_copy(update=bucket), tmp_path / "b")
    assert restored.files == 0
    assert "The 1 uploaded file(s) of this backup were not copied" in restored.note
    assert f"aws s3 cp --recursive {tmp_path / 'b' / UPLOADS}" in restored.note
    engine = make_engine(target.database_url)
    try:
        assert _rows(engine)["statement_file"]
    finally:
        engine.dispose()
