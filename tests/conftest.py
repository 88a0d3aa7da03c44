"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

The schema is made by Alembic once per backend and test process (pytest-xdist runs one process per
core). The application is built once per backend and process as well: FastAPI prepares its routes
on the first request, which is the costly part, so each test only points the built app at its own
clean database and settings (`app.main.configure`). A clean database is a fresh copy of the migrated
SQLite file, or this process's PostgreSQL schema emptied after the test: the tables the test wrote
are deleted (triggers off, the audit log is append-only) and the sequences restarted, far
cheaper than TRUNCATE of every table.
Without PostgreSQL the PostgreSQL half is skipped, unless CI=true, where it fails.

`pytest --clock=2026-12-31T23:30+07:00` runs the whole suite, application included, as if the clock
read that moment when the run started (the clock keeps running): a test whose result depends on
the day must pass on any day.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import create_engine, inspect, text
from sqlmodel import Session, SQLModel

from app import security, timeutil
from app.config import PROJECT_ROOT, Settings
from app.db import make_engine
from app.main import configure, create_app
from tests.s3 import s3_server  # noqa: F401 - the S3 server fixture, for any test that asks

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")
# Argon2id at the lowest cost: the tests sign in thousands of times. Production's parameters are
# pwdlib's recommended ones (`security.PRODUCTION_HASHER`, checked in tests/accounts).
CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        default=os.environ.get("PRESSDESK_TEST_CLOCK", ""),
        help="run as if the clock read this ISO moment at the start (e.g. 2027-02-06T08:00+07:00)",
    )


def pytest_configure(config: pytest.Config) -> None:
    security.use_hasher(CHEAP_HASHER)
    moment = config.getoption("--clock")
    if moment:
        start = datetime.fromisoformat(moment)
        if start.tzinfo is None:
            start = start.replace(tzinfo=timeutil.LOCAL_TZ)
        timeutil.set_clock(start)


def pytest_report_header(config: pytest.Config) -> str | None:
    moment = config.getoption("--clock")
    return f"application clock moved to {moment}" if moment else None


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
    """One database server for the whole run; `fresh_url()` gives each test a clean database,
    and `app` is the application built once for this backend."""

    def __init__(self, name: str, base: Path) -> None:
        self.name = name
        self.base = base
        self._app: FastAPI | None = None
        if name == "sqlite":
            self.template = base / "template.db"
            migrate(f"sqlite:///{self.template}")
            self.file = base / "pressdesk.db"
            self.url = f"sqlite:///{self.file}"
        else:
            self.schema = f"pdtest_{uuid.uuid4().hex[:10]}"
            self.admin = create_engine(PG_URL)
            with self.admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            self.url = f"{PG_URL}?options=-csearch_path%3D{self.schema}"
            migrate(self.url)
            self._plan_cleaning()
        # One engine for every test of this process: SQLAlchemy caches compiled SQL per engine.
        self.engine = make_engine(self.url)

    def _plan_cleaning(self) -> None:
        """The statements that empty this schema: which tables hold rows, then delete them."""
        engine = create_engine(self.url)
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        engine.dispose()
        # Children before parents, so that no foreign key is ever violated on the way.
        ordered = [t.name for t in reversed(SQLModel.metadata.sorted_tables) if t.name in tables]
        self.tables = ordered + sorted(tables - set(ordered))
        q = self.schema
        self.probe = " UNION ALL ".join(
            f'SELECT \'{t}\' WHERE EXISTS (SELECT 1 FROM "{q}"."{t}")' for t in self.tables
        )
        with self.admin.connect() as conn:
            sequences = conn.execute(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind = 'S' AND n.nspname = :schema"
                ),
                {"schema": q},
            ).scalars()
            calls = [f'setval(\'"{q}"."{s}"\', 1, false)' for s in sequences]
        self.restart = f"SELECT {', '.join(calls)}" if calls else ""

    @property
    def app(self) -> FastAPI:
        """The application, built on first use; each test configures it for its database."""
        if self._app is None:
            self._app = create_app(make_settings(self.url, self.base))
            self._app.state.engine.dispose()
        return self._app

    def schema_url(self, name: str) -> str:
        """A separate, empty PostgreSQL schema (for migration tests)."""
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        return f"{PG_URL}?options=-csearch_path%3D{name}"

    def fresh_url(self) -> str:
        """The database, clean: SQLite's file replaced by a copy of the migrated one (PostgreSQL's
        schema was emptied after the previous test)."""
        if self.name == "sqlite":
            self.engine.dispose()
            for path in (self.file, *(Path(f"{self.file}-{x}") for x in ("wal", "shm"))):
                path.unlink(missing_ok=True)  # a connection left open keeps the old file, unharmed
            shutil.copyfile(self.template, self.file)
        return self.url

    def clean(self) -> None:
        if self.name != "postgresql":
            return  # the next test gets a new file
        with self.admin.begin() as conn:
            written = set(conn.execute(text(self.probe)).scalars())
            # Triggers off for this transaction: the audit log refuses DELETE (append-only).
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in self.tables:
                if table in written:
                    conn.execute(text(f'DELETE FROM "{self.schema}"."{table}"'))
            if self.restart:
                conn.execute(text(self.restart))

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
        self.engine.dispose()


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
def database_url(backend: Backend) -> Iterator[str]:
    yield backend.fresh_url()
    backend.clean()


def make_settings(database_url: str, tmp_path: Path, **over: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        "upload_dir": tmp_path / "uploads",
        "scheduler_interval_seconds": 0,
        "mail_send_interval_seconds": 0,
        "monitoring_interval_seconds": 0,
        "login_delay_seconds": 0.0,
        # The app's own commits make it read the generation of public pages at once; other
        # instances (tests/statements/test_cache.py's other worker) set their own interval.
        "public_cache_recheck_seconds": 60,
        "public_base_url": "http://testserver",  # the test clients' host: links point back to it
    }
    values.update(over)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def _pinned_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """`@pytest.mark.clock("2026-12-04T10:00+07:00")`: the application's clock reads that moment
    (and runs on) from before the test's fixtures until it ends. For a test whose expected result
    depends on the day it runs."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield
        return
    with timeutil.clock_at(datetime.fromisoformat(marker.args[0])):
        yield


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


def configured_app(backend: Backend, settings: Settings) -> Iterator[FastAPI]:
    """The backend's application pointed at `settings` (its database among them) for one test."""
    application = backend.app
    shared = settings.database_url == backend.url
    configure(application, settings, backend.engine if shared else None)
    try:
        yield application
    finally:
        if not shared:
            application.state.engine.dispose()


@pytest.fixture
def app(backend: Backend, settings: Settings) -> Iterator[FastAPI]:
    yield from configured_app(backend, settings)


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
