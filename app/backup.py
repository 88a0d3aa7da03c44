"""Backups that restore: a consistent copy of the database and the uploaded files, with a
manifest of SHA-256 sums, checked before anything is restored.

    pressdesk backup DIR         # DIR must not exist yet (or be empty)
    pressdesk verify-backup DIR  # every file present, whole and listed; nothing extra
    pressdesk restore DIR        # into an empty database and an empty upload folder

Layout of DIR: `manifest.json`, the database (`database.sqlite3`, made with SQLite's online
backup API, or `database.pgdump`, `pg_dump`'s custom format of the application's schema) and
`uploads/` (the upload folder, `.part` files of uploads in progress left out). The database is
copied first, then the files, so a file uploaded meanwhile is at worst an orphan (swept, see
`app.sweep`), never a row without its file unless a file was deleted in that window.

A backup is written into a hidden folder beside DIR and renamed to DIR once its manifest is
written, so DIR never holds a partial backup; a backup damaged later (a missing, changed or extra
file) is refused by `verify` and so by `restore`. `restore` copies the files into a hidden folder
beside the upload folder, restores the database in one transaction, then renames the folder into
place: a failure leaves the database and the folder as empty as they were.

With `STORAGE_URL=s3://…` the uploaded files live in the object store, which keeps them with its
own versioning and replication: a backup then holds the database only, and says so
(`Summary.note`, printed by the command); a restore puts the database back and says that the
files it holds, if any, are to be copied into the bucket with the object store's own tools.

`pg_dump`/`pg_restore` are PostgreSQL's own tools (a dump of our own making would miss
sequences, indexes and hand-made tables); they must be on PATH and of the server's major version
or newer.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, make_url, text

from app.config import Settings
from app.db import make_engine
from app.storage import LocalStore, Store, store_for
from app.timeutil import utcnow

FORMAT = "pressdesk-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"
CHUNK = 1024 * 1024
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# The dump's own entries for the schema (creating it, its comment): left out on restore.
SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA )")


class BackupError(Exception):
    """A backup that cannot be made, trusted or restored; the message says why."""


@dataclass(frozen=True)
class Summary:
    directory: Path
    backend: str
    files: int  # uploaded files
    size: int  # bytes, database included
    note: str = ""  # what the operator must know (uploads kept by an object store)


# --- Helpers ----------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _uploaded(directory: Path) -> Iterator[Path]:
    """The stored files of the upload folder (not uploads in progress), relative paths."""
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.name.endswith(".part"):
            yield path.relative_to(directory)


def _empty_or_missing(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("The SQLite database must be a file.")
    return Path(database)


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as libpq's tools take it (no driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(tool: str, *args: str) -> str:
    """Run one of PostgreSQL's client tools; its output, or BackupError with its message."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (PostgreSQL's client tools).")
    # A list of arguments, no shell: nothing in them is interpreted.
    done = subprocess.run(  # noqa: S603
        [executable, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def _pg_schema(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT current_schema()")).scalar_one())
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


# --- Backup -----------------------------------------------------------------------------------------


def backup(settings: Settings, directory: Path) -> Summary:
    """Write a backup of the database and the uploaded files into `directory`."""
    directory = directory.resolve()
    if not _empty_or_missing(directory):
        raise BackupError(f"{directory} is not empty: choose a new folder for the backup.")
    work = directory.parent / f".{directory.name}.partial-{uuid.uuid4().hex[:8]}"
    store = store_for(settings)
    work.mkdir(parents=True)
    try:
        if settings.is_sqlite:
            backend, database = "sqlite", SQLITE_FILE
            _sqlite_copy(_sqlite_path(settings.database_url), work / SQLITE_FILE)
            schema = None
        else:
            backend, database = "postgresql", PG_FILE
            schema = _pg_schema(settings.database_url)
            _run(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--schema={schema}",
                f"--file={work / PG_FILE}",
                _libpq_url(settings.database_url),
            )
        files = []
        if isinstance(store, LocalStore):  # an object store keeps its own files (see above)
            for rel in _uploaded(store.directory):
                target = work / UPLOADS / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(store.directory / rel, target)
                files.append(rel)
        entries = [_entry(work, Path(database))] + [_entry(work, Path(UPLOADS) / r) for r in files]
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": utcnow().isoformat(),
            "database": {
                "backend": backend,
                "file": database,
                "schema": schema,
                "revision": _revision(settings.database_url),
            },
            "files": entries,
        }
        with open(work / MANIFEST, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(work)
        if directory.exists():
            directory.rmdir()
        work.rename(directory)
        _fsync_dir(directory.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    size = sum(int(e["size"]) for e in entries)
    return Summary(directory, backend, len(files), size, _object_store_note(store))


def _object_store_note(store: Store, waiting: int = 0, directory: Path | None = None) -> str:
    """What the operator is told when the uploads are in an object store (empty otherwise)."""
    if isinstance(store, LocalStore):
        return ""
    if waiting and directory is not None:
        return (
            f"The {waiting} uploaded file(s) of this backup were not copied into the object store"
            f" {store.location}: copy them there with its own tools, e.g. `aws s3 cp --recursive"
            f" {directory / UPLOADS} {store.location}/`."
        )
    return (
        f"The uploaded files are in the object store {store.location}, not in this backup:"
        " the object store keeps them (turn on its versioning or replication)."
    )


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy while the app runs (the online backup API), as one file (no WAL)."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _entry(root: Path, rel: Path) -> dict[str, Any]:
    path = root / rel
    return {"path": rel.as_posix(), "size": path.stat().st_size, "sha256": _sha256(path)}


# --- Verify -----------------------------------------------------------------------------------------


def verify(directory: Path) -> dict[str, Any]:
    """The backup's manifest if every file it lists is there, of its size and SHA-256, and
    nothing else is; else BackupError naming the first problems found."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(
            f"{directory} holds no {MANIFEST}: not a backup, or one that did not finish."
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = {str(e["path"]): e for e in manifest["files"]}
        database = manifest["database"]
        ok = manifest.get("format") == FORMAT and database["file"] in listed
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{MANIFEST} is damaged: {exc}") from exc
    if not ok or manifest.get("version") != VERSION:
        raise BackupError(f"{MANIFEST} is not a Press Desk backup of version {VERSION}.")
    problems: list[str] = []
    for rel, entry in listed.items():
        path = directory / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            problems.append(f"{rel}: a path outside the backup")
        elif not path.is_file():
            problems.append(f"{rel}: missing")
        elif path.stat().st_size != entry["size"]:
            problems.append(f"{rel}: {path.stat().st_size} bytes, {entry['size']} expected")
        elif _sha256(path) != entry["sha256"]:
            problems.append(f"{rel}: its content has changed (SHA-256 differs)")
    present = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}
    problems += [
        f"{rel}: not in the manifest" for rel in sorted(present - set(listed) - {MANIFEST})
    ]
    if problems:
        shown = "; ".join(problems[:10]) + (
            f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        )
        raise BackupError(f"The backup is damaged or incomplete: {shown}")
    return dict(manifest)


# --- Restore ----------------------------------------------------------------------------------------


def restore(settings: Settings, directory: Path) -> Summary:
    """Restore a verified backup into an empty database and an empty upload folder."""
    directory = directory.resolve()
    manifest = verify(directory)
    database = manifest["database"]
    backend = "sqlite" if settings.is_sqlite else "postgresql"
    if database["backend"] != backend:
        raise BackupError(
            f"This is a backup of a {database['backend']} database: it restores into"
            f" {database['backend']} only (DATABASE_URL is {backend})."
        )
    store = store_for(settings)
    if not isinstance(store, LocalStore):
        _require_empty_database(settings.database_url, database.get("schema"))
        _restore_database(settings, directory, database, backend)
        waiting = sum(1 for e in manifest["files"] if Path(e["path"]).parts[0] == UPLOADS)
        size = sum(int(e["size"]) for e in manifest["files"])
        note = _object_store_note(store, waiting, directory)
        return Summary(directory, backend, 0, size, note)
    uploads = store.directory.resolve()
    if not _empty_or_missing(uploads):
        raise BackupError(f"The upload folder {uploads} is not empty: restore needs an empty one.")
    _require_empty_database(settings.database_url, database.get("schema"))
    staged = uploads.parent / f".{uploads.name}.restoring-{uuid.uuid4().hex[:8]}"
    staged.mkdir(parents=True)
    count = 0
    try:
        for entry in manifest["files"]:
            rel = Path(entry["path"])
            if rel.parts[0] != UPLOADS:
                continue
            target = staged / Path(*rel.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(directory / rel, target)
            if _sha256(target) != entry["sha256"]:  # the copy itself went wrong
                raise BackupError(f"{rel}: copied with a different SHA-256")
            count += 1
        _restore_database(settings, directory, database, backend)
        if uploads.exists():
            uploads.rmdir()
        staged.rename(uploads)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    size = sum(int(e["size"]) for e in manifest["files"])
    return Summary(directory, backend, count, size)


def _restore_database(
    settings: Settings, directory: Path, database: dict[str, Any], backend: str
) -> None:
    if backend == "sqlite":
        _sqlite_restore(directory / database["file"], _sqlite_path(settings.database_url))
    else:
        _pg_restore(directory / database["file"], settings.database_url, database["schema"])


def _require_empty_database(url: str, schema: str | None) -> None:
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path.exists() and path.stat().st_size > 0:
            with sqlite3.connect(path) as conn:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise BackupError(f"The database {path} is not empty: restore needs an empty one.")
        return
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = :schema"
                ),
                {"schema": schema},
            ).scalar_one()
    finally:
        engine.dispose()
    if found:
        raise BackupError(
            f"The schema {schema} of the database is not empty: restore needs an empty one."
        )


def _sqlite_restore(source: Path, target: Path) -> None:
    """Copy into a temporary file beside the target, then rename: never a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):  # left by an empty database that was opened
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    temporary = target.with_name(f".{target.name}.restoring")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(temporary)
    try:
        src.backup(dst)
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The database in the backup fails SQLite's integrity check.")
    except BaseException:
        dst.close()
        temporary.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    dst.close()
    os.replace(temporary, target)


def _pg_restore(dump: Path, url: str, schema: str) -> None:
    """Restore in one transaction. The schema is created here if needed and left out of the
    dump's list, since an empty database already has `public`."""
    if not SCHEMA_NAME.fullmatch(schema or ""):
        raise BackupError(f"{MANIFEST} names no valid schema.")
    listing = _run("pg_restore", "--list", str(dump))
    kept = [line for line in listing.splitlines() if not SCHEMA_ENTRY.match(line)]
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8", delete=False) as fh:
        fh.write("\n".join(kept) + "\n")
        list_file = Path(fh.name)
    try:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        finally:
            engine.dispose()
        _run(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--use-list={list_file}",
            f"--dbname={_libpq_url(url)}",
            str(dump),
        )
    finally:
        list_file.unlink(missing_ok=True)
