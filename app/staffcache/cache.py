"""Signed-in pages each worker keeps for the session that saw them, while nothing has changed.

The office's lists, the dashboard, the inbox and the reports are read far more often than the
data behind them changes (HTMX refreshes, going back and forth between lists), and rendering one
costs 5 to 100 ms. A route marked `@kept` has what it renders for a session kept in the worker's
memory, under a key made of the session, the address (host, path, query), the language and the
kind of HTMX request, and served again to that same session while:

- the *generation of all data* has not moved: the one row of `data_generation`, which every
  transaction that writes anything increments just before it commits, in the same transaction
  (`app.uow`: found by the writes themselves, so no use case can forget it; from a request, the
  CLI, the scheduler or another host alike). It is read with the session's row in one query on
  every request, *before* the page is rendered, and the render is stored under the value read
  then: a change committed during a render makes the render stale at once. A person who has just
  changed something sees the change on the very next page, whichever worker or host serves it.
- the clock has not moved by more than `staff_page_cache_seconds` (10 s by default; 0: nothing is
  kept) since the render, nor past midnight: what depends on the time alone (a deadline passing, a
  briefing starting, "today") shows at most that late, the same bound for every page.
- the session is live (its row is there, neither expired nor idle) and no one-time message is
  waiting for it. When its last use is due to be written (once a minute) the request goes to the
  route, as does anything unusual; the rule of the route, the user's state and rights were checked
  when the page was rendered, and any change to a user is a write, so a new generation.

Only 200 answers that set no cookie are kept. Nothing is shared between sessions: a kept page
holds its session's CSRF token, as the route rendered it. A session that ends leaves its pages
to be dropped by the least-recently-used rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import timeutil
from app.access import session_signer
from app.accounts import service as accounts
from app.accounts.models import UserSession
from app.cookies import settings_cookie
from app.security import token_digest
from app.staffcache.models import DataGeneration
from app.templating import request_locale

log = logging.getLogger(__name__)

WAIT_FOR_RENDER = 10.0  # seconds a request waits for the same page rendered for its session
MAX_BYTES = 64 * 1024 * 1024  # what one worker keeps in all
MAX_BODY = 4 * 1024 * 1024  # a bigger page is served but not kept
KEPT = "__pressdesk_kept__"

F = TypeVar("F", bound=Callable[..., Any])


def kept(endpoint: F) -> F:
    """Mark a GET page (under its route decorator) whose render a worker may keep for the
    session that asked for it (see the module's docstring for when it is served again)."""
    setattr(endpoint, KEPT, True)
    return endpoint


class SessionState(NamedTuple):
    expires_at: datetime
    last_seen_at: datetime
    generation: int


_READ = select(
    col(UserSession.expires_at),
    col(UserSession.last_seen_at),
    select(col(DataGeneration.value)).where(col(DataGeneration.id) == 1).scalar_subquery(),
).where(col(UserSession.id) == bindparam("session_id"))


def read_state(engine: Engine, session_id: str) -> SessionState | None:
    """The session's times and the generation of all data, as committed now (one query)."""
    with engine.connect() as conn:
        row = conn.execute(_READ, {"session_id": session_id}).first()
    if row is None:
        return None
    return SessionState(row[0], row[1], int(row[2] or 0))


@dataclass(frozen=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    generation: int
    rendered: datetime
    expires: datetime


Key = tuple[str, ...]


class StaffPageCache:
    """One worker's kept pages, the least recently used dropped first past MAX_BYTES."""

    def __init__(self, paths: frozenset[str]) -> None:
        self.paths = paths
        self.rendering: dict[tuple[Key, int], asyncio.Event] = {}  # on this worker's event loop
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def lookup(self, key: Key, generation: int, now: datetime) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.generation != generation or not entry.rendered <= now < entry.expires:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def store(self, key: Key, entry: Entry) -> None:
        if len(entry.body) > MAX_BODY:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._size += len(entry.body)
            while self._size > MAX_BYTES:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Key) -> None:
        self._size -= len(self._entries.pop(key).body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._entries)


def expiry(now: datetime, seconds: float) -> datetime:
    """When a page rendered at `now` stops being served: after `seconds`, or at midnight."""
    midnight = timeutil.to_local(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return min(now + timedelta(seconds=seconds), midnight + timedelta(days=1))


def install(app: FastAPI) -> None:
    """Give the app its cache of the pages marked `@kept` (call once the routes are added; the
    settings and the engine are read at each request, as `configure` may change them)."""
    paths = frozenset(
        ctx.path
        for ctx in iter_route_contexts(app.routes)
        if isinstance(ctx.original_route, APIRoute)
        and getattr(ctx.original_route.endpoint, KEPT, False)
        and ctx.methods == {"GET"}
        and ctx.path
        and "{" not in ctx.path
    )
    app.state.staff_cache = StaffPageCache(paths)


def _key(request: Request, session_id: str) -> Key:
    headers = request.headers
    return (
        session_id,
        str(request.base_url),
        request.url.path,
        request.url.query,
        request_locale(request),
        headers.get("hx-request", ""),
        headers.get("hx-boosted", ""),
        headers.get("hx-target", ""),
    )


class StaffPageMiddleware:
    """Serves a kept page to its session straight from memory (after the one query that checks the
    session and reads the generation), and keeps what a marked route renders. Everything else goes
    to the app unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        owner = scope.get("app")
        cache: StaffPageCache | None = getattr(getattr(owner, "state", None), "staff_cache", None)
        if (
            cache is None
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] not in cache.paths
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        settings = request.app.state.settings
        seconds = settings.staff_page_cache_seconds
        cookies = request.cookies
        token = session_signer(request).unsign(cookies.get(settings_cookie(settings, "session")))
        if not seconds or not token or settings_cookie(settings, "flash") in cookies:
            await self.app(scope, receive, send)
            return
        session_id = token_digest(token)
        engine = request.app.state.engine
        try:
            state = await run_in_threadpool(read_state, engine, session_id)
        except SQLAlchemyError:  # the route answers (503 when the database is away)
            state = None
        now = timeutil.utcnow()
        if state is None or not accounts.session_live(settings, state, now):
            await self.app(scope, receive, send)
            return
        if accounts.touch_due(settings, state, now):
            try:
                await run_in_threadpool(accounts.touch, engine, settings, session_id, now)
            except SQLAlchemyError:  # reading goes on, as in `access._identify_signed_in`
                log.warning("could not write the session's last use", exc_info=True)
        key = _key(request, session_id)
        entry = cache.lookup(key, state.generation, now)
        if entry is None:
            # Requests for a page being rendered for the same session and generation wait for
            # that render rather than each making its own (a page expiring under a burst).
            flight = (key, state.generation)
            rendering = cache.rendering.get(flight)
            if rendering is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(rendering.wait(), WAIT_FOR_RENDER)
                now = timeutil.utcnow()
                entry = cache.lookup(key, state.generation, now)
        if entry is not None:
            await _replay(entry, send)
            return
        keeper = _Keeper(cache, key, state.generation, now, expiry(now, seconds), scope, send)
        flight = (key, state.generation)
        if flight in cache.rendering:  # waited in vain (not kept): render, as before
            await self.app(scope, receive, keeper)
            return
        done = cache.rendering[flight] = asyncio.Event()
        try:
            await self.app(scope, receive, keeper)
        finally:
            del cache.rendering[flight]
            done.set()


async def _replay(entry: Entry, send: Send) -> None:
    headers = [*entry.headers, (b"x-cache", b"hit")]
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body, "more_body": False})


class _Keeper:
    """The `send` of a render: passes every message on and keeps a 200 that sets no cookie."""

    def __init__(
        self,
        cache: StaffPageCache,
        key: Key,
        generation: int,
        now: datetime,
        expires: datetime,
        scope: Scope,
        send: Send,
    ) -> None:
        self.cache, self.key, self.generation = cache, key, generation
        self.now, self.expires = now, expires
        self.scope, self.send = scope, send
        self.headers: list[tuple[bytes, bytes]] | None = None
        self.parts: list[bytes] = []
        self.size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            pending = (self.scope.get("state") or {}).get("pending_cookies")
            sets_cookie = any(name.lower() == b"set-cookie" for name, _ in headers)
            if message["status"] == 200 and not pending and not sets_cookie:
                self.headers = headers
            message["headers"] = [*headers, (b"x-cache", b"miss")]
        elif message["type"] == "http.response.body" and self.headers is not None:
            body = message.get("body", b"")
            self.size += len(body)
            if self.size > MAX_BODY:
                self.headers = None
                self.parts = []
            else:
                self.parts.append(body)
                if not message.get("more_body", False):
                    self._keep()
        await self.send(message)

    def _keep(self) -> None:
        assert self.headers is not None
        body = b"".join(self.parts)
        entry = Entry(200, self.headers, body, self.generation, self.now, self.expires)
        self.cache.store(self.key, entry)
