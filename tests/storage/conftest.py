"""Every test here runs with the uploads in the local folder and in an S3-compatible object
store (a real S3 server on loopback, see tests/s3.py), on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.storage import Store
from tests.conftest import make_settings


@pytest.fixture(params=["local", "s3"])
def settings(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Settings:
    over = request.getfixturevalue("s3_server").settings() if request.param == "s3" else {}
    return make_settings(database_url, tmp_path, **over)


@pytest.fixture
def store(app: object) -> Store:
    """The application's own store (the one its routes use)."""
    return app.state.store  # type: ignore[attr-defined,no-any-return]
