"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

The schema is made by Alembic (once per backend and run); each test gets a clean database:
a fresh copy of the migrated SQLite file, or the PostgreSQL tables truncated after the test.
Without PostgreSQL the PostgreSQL half is skipped, unless CI=true, where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlmodel import Session

from app.config import PROJECT_ROOT, Settings
from app.db import make_engine
from app.main import create_app

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


def migrate(url: str, revision: str = "head", *, down: bool = False) -> None:
    """Run Alembic exactly as production does, on the given database."""
    engine = make_engine(url)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
    engine.dispose()


def postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else the reason."""
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means "not reachable"
        return f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"


def require_postgres() -> None:
    reason = postgres_reachable()
    if reason:
        message = f"PostgreSQL at {PG_URL} is not reachable ({reason})"
        if CI:
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)


class Backend:
    """One database server for the whole run; `fresh_url()` gives each test a clean database."""

    def __init__(self, name: str, base: Path) -> None:
        self.name = name
        self.base = base
        if name == "sqlite":
            self.template = base / "template.db"
            migrate(f"sqlite:///{self.template}")
        else:
            self.schema = f"pdtest_{uuid.uuid4().hex[:10]}"
            self.admin = create_engine(PG_URL)
            with self.admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            self.url = f"{PG_URL}?options=-csearch_path%3D{self.schema}"
            migrate(self.url)
            engine = create_engine(self.url)
            self.tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
            engine.dispose()

    def schema_url(self, name: str) -> str:
        """A separate, empty PostgreSQL schema (for migration tests)."""
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        return f"{PG_URL}?options=-csearch_path%3D{name}"

    def fresh_url(self, tmp_path: Path) -> str:
        if self.name == "sqlite":
            target = tmp_path / "pressdesk.db"
            shutil.copyfile(self.template, target)
            return f"sqlite:///{target}"
        return self.url

    def clean(self) -> None:
        if self.name == "postgresql":
            with self.admin.begin() as conn:
                names = ", ".join(f'"{self.schema}"."{t}"' for t in self.tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))

    def close(self) -> None:
        if self.name == "postgresql":
            with self.admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
                for row in conn.execute(
                    text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                    {"p": f"{self.schema}_%"},
                ):
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{row[0]}" CASCADE'))
            self.admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    if request.param == "postgresql":
        require_postgres()
    b = Backend(request.param, tmp_path_factory.mktemp(request.param))
    yield b
    b.close()


@pytest.fixture
def database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    yield backend.fresh_url(tmp_path)
    backend.clean()


def make_settings(database_url: str, tmp_path: Path, **over: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        "upload_dir": tmp_path / "uploads",
        "cache_dir": tmp_path / "cache",
        "scheduler_interval_seconds": 0,
        "mail_send_interval_seconds": 0,
        "login_delay_seconds": 0.0,
        "session_touch_seconds": 0,
    }
    values.update(over)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def db(app: Any) -> Iterator[Session]:
    """A session on the app's database, for factories and for checking what was stored."""
    with Session(app.state.engine, expire_on_commit=False) as session:
        yield session


class WebClient:
    """A TestClient that behaves like a web: keeps cookies and sends the CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def csrf(self) -> str:
        return str(self.client.get("/api/v1/session").json()["csrf_token"])

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kw: Any
    ) -> Any:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf())
        return self.client.post(url, data=form, **kw)

    def login(self, email: str, password: str) -> Any:
        return self.post("/login", {"email": email, "password": password})

    def logout(self) -> Any:
        return self.post("/logout")


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


@pytest.fixture
def web(client: TestClient) -> WebClient:
    return WebClient(client)


@pytest.fixture
def new_web(app: Any) -> Iterator[Any]:
    """Make more independent browsers (other people, other devices)."""
    clients: list[TestClient] = []

    def make() -> WebClient:
        c = TestClient(app, base_url="http://testserver", follow_redirects=False)
        clients.append(c)
        return WebClient(c)

    yield make
    for c in clients:
        c.close()


def page_text(html: str) -> str:
    """The visible text of a page, tags removed and spaces collapsed (for assertions)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
