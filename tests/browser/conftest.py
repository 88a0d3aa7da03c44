"""Browser tests: the real app served by uvicorn on a loopback port, driven by Debian's Chromium.

Each test gets a clean database of the current backend (the `backend` and `database_url`
fixtures of tests/conftest.py), so these tests run on SQLite and on PostgreSQL. One Chromium is
launched per session; each test gets its own browser context (cookies) and its own server.
Without Chromium the tests are skipped, except when CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Page
from sqlmodel import Session

from app.config import Settings
from app.main import configure
from tests.conftest import CI, Backend, make_settings

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium tries to reach Google's services and, on a closed network,
    # its connections (including those to the loopback server) fail or stall.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 15.0


def _chromium_or_skip() -> str:
    found = shutil.which(CHROMIUM_PATH) if os.sep not in CHROMIUM_PATH else None
    path = found or CHROMIUM_PATH
    if Path(path).is_file() and os.access(path, os.X_OK):
        return path
    message = f"Chromium not found at {CHROMIUM_PATH} (set CHROMIUM_PATH)"
    if CI:
        pytest.fail(message + "; CI=true requires it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, with Debian's Chromium instead of a download."""
    return {
        **browser_type_launch_args,
        "executable_path": _chromium_or_skip(),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@dataclass
class LiveServer:
    url: str
    app: FastAPI
    settings: Settings

    def session(self) -> Session:
        """A database session on the served app's database, for seeding and checking."""
        return Session(self.app.state.engine, expire_on_commit=False)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def live_server(backend: Backend, database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The real app on a free loopback port, in a background thread, on a clean database."""
    settings = make_settings(database_url, tmp_path)
    app = backend.app
    configure(app, settings, backend.engine)
    sock = _free_socket()  # bound here and handed to uvicorn: no race for the port
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        lifespan="on",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(5)
            sock.close()
            pytest.fail("the live server did not start")
        time.sleep(0.01)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app, settings)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        app.state.engine.dispose()  # the lifespan disposes it too; make sure before cleaning
        if thread.is_alive():
            pytest.fail("the live server did not stop within 10 seconds")


@pytest.fixture
def context(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> BrowserContext:
    """pytest-playwright's context, pointed at the live server (so `page.goto("/login")`)."""
    return new_context(base_url=live_server.url)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page
