"""Alembic is the only schema maker: models and migrations agree, and upgrade/downgrade work."""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from app import models  # noqa: F401 - registers every table
from app.config import PROJECT_ROOT
from app.db import include_object, make_engine
from tests.conftest import Backend, migrate


def _empty_database(backend: Backend, tmp_path: Path) -> str:
    if backend.name == "sqlite":
        return f"sqlite:///{tmp_path}/migrations.db"
    return backend.schema_url(f"{backend.schema}_m{uuid.uuid4().hex[:6]}")


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_autogenerate_finds_no_difference_between_models_and_migrations(
    backend: Backend, tmp_path: Path
) -> None:
    url = _empty_database(backend, tmp_path)
    migrate(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            ),
            SQLModel.metadata,
        )
    engine.dispose()
    assert diff == []


def test_upgrade_downgrade_upgrade(backend: Backend, tmp_path: Path) -> None:
    url = _empty_database(backend, tmp_path)
    migrate(url)
    expected = set(SQLModel.metadata.tables)
    assert expected <= _tables(url)
    migrate(url, "base", down=True)
    assert _tables(url) - {"alembic_version"} == set()
    migrate(url)
    assert expected <= _tables(url)


def test_schema_is_never_made_outside_migrations() -> None:
    offenders = [
        str(p)
        for p in (PROJECT_ROOT / "app").rglob("*.py")
        if "create_all(" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
