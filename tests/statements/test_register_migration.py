"""Migration 0010 on a register that already has people: the columns of the decision, the
authorisation's signer and the posting time are added (entries recorded before count as posted
when they were recorded), the self-reference holds, and the way back keeps every row. On SQLite
and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.config import PROJECT_ROOT
from app.db import make_engine
from tests.conftest import Backend, migrate

REVISION = "0010"
NEW_COLUMNS = {"decision_number", "decision_date", "authorised_by_id", "posted_at"}


def _before() -> str:
    script = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))
    down = script.get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


def _database(backend: Backend, tmp_path: Path) -> str:
    if backend.name == "sqlite":
        return f"sqlite:///{tmp_path}/register.db"
    return backend.schema_url(f"{backend.schema}_r{uuid.uuid4().hex[:6]}")


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    names = {c["name"] for c in inspect(engine).get_columns("spokesperson")}
    engine.dispose()
    return names


def test_the_register_keeps_its_people_through_0010_and_back(
    backend: Backend, tmp_path: Path
) -> None:
    url = _database(backend, tmp_path)
    before = _before()
    migrate(url, before)
    assert not NEW_COLUMNS & _columns(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (id, code, kind, valid_from, created_at)"
                " VALUES (1, 'DK-COTO', 'commune', '2025-07-01', '2025-07-01 01:00:00+00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO spokesperson (id, organisation_id, role, full_name, title, phone,"
                " email, matter, valid_from, document_filename, document_content_type,"
                " document_size, created_at, ended_reason) VALUES (1, 1, 'spokesperson',"
                " 'Lê Thị C (demo)', 'Phó Chủ tịch', '', '', '', '2025-07-01', '', '', 0,"
                " '2025-07-02 02:30:00+00:00', '')"
            )
        )
    engine.dispose()

    migrate(url)
    assert _columns(url) >= NEW_COLUMNS
    engine = make_engine(url)
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "SELECT decision_number, decision_date, authorised_by_id, posted_at, created_at"
                " FROM spokesperson WHERE id = 1"
            )
        ).one()
        assert row[0] == "" and row[1] is None and row[2] is None
        assert row[3] is not None and str(row[3])[:16] == str(row[4])[:16]
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the signer must exist
        conn.execute(text("UPDATE spokesperson SET authorised_by_id = 999 WHERE id = 1"))
    engine.dispose()

    migrate(url, before, down=True)
    assert not NEW_COLUMNS & _columns(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT full_name FROM spokesperson")).scalars().all() == [
            "Lê Thị C (demo)"
        ]
    engine.dispose()
    migrate(url)
    assert _columns(url) >= NEW_COLUMNS
