"""The cache of public pages that every worker can trust.

Each worker keeps rendered pages in memory, keyed by the address (path and query), the language,
whether HTMX asked for a fragment, and the *generation*: the value of the one row of
`public_generation`, which every transaction that changes public content increments before it
commits (services mark such transactions, `uow.mark_public_change`, and a listener there adds the
increment to the same transaction, so a publication and its new generation commit together or
not at all, from a request, the CLI or the scheduler alike). Workers on any number of hosts share
nothing but the database.

A worker reads the row at most once per `public_cache_recheck_seconds` (1 s by default), so an
anonymous page served by another worker or host is at most that much older than a publication
(plus the time of one render); the worker whose commit changed the generation reads it again on
its next request. Reading costs one indexed query a second per worker, never one per request.

A page also expires by itself when it may change without anyone committing: at
`service.next_public_change()` (an embargo ends), computed when the page is rendered, and at the
latest after `LONGEST` (names of organisations, the day changing).

Correctness rule: the generation is read *before* the database is queried for a render, and the
render is stored under that generation. A publication committed during a render increments the
generation, so the render is never taken for fresh once the worker has read the new value.

Only anonymous visitors (no session cookie) get stored pages: signed-in people see their name in
the header. A stored page holds nothing of its visitor: no CSRF token (the language switch is
checked by the browser's origin headers, `access.PUBLIC_PREFERENCE`) and no cookie, so the same
bytes go to everyone and a reverse proxy may share them (`public, max-age`, deploy/nginx).
Feeds and the sitemap hold nothing personal either, and do not even vary by cookie.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from app import timeutil
from app.access import Identity
from app.briefings.feeds import not_modified
from app.cookies import settings_cookie
from app.templating import is_fragment_request, request_locale
from app.uow import PUBLIC_CHANGED

log = logging.getLogger(__name__)

MAX_ENTRIES = 2000
MAX_BODY = 2 * 1024 * 1024  # bigger pages are served but not kept
LONGEST = timedelta(minutes=5)
PUBLIC_MAX_AGE = 60  # seconds a browser or a reverse proxy may reuse an anonymous page
PAGE_VARY = "HX-Request, Cookie"

Generation = int
UNKNOWN: Generation = -1  # the database could not be read: nothing is stored under it


# --- The generation --------------------------------------------------------------------------------

_READ = text("SELECT value FROM public_generation WHERE id = 1")


def read_generation(engine: Engine) -> Generation:
    """The generation as committed now."""
    with engine.connect() as conn:
        return int(conn.execute(_READ).scalar() or 0)


_lock = threading.Lock()
_caches: weakref.WeakKeyDictionary[Engine, weakref.WeakSet[PageCache]] = weakref.WeakKeyDictionary()


def register(engine: Engine, cache: PageCache) -> None:
    """After a public change commits through `engine`, `cache` reads the generation again at once
    instead of up to a second later."""
    with _lock:
        _caches.setdefault(engine, weakref.WeakSet()).add(cache)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.info.pop(PUBLIC_CHANGED, False):
        return
    bind = session.bind
    engine = getattr(bind, "engine", bind)
    if not isinstance(engine, Engine):
        return
    with _lock:
        caches = list(_caches.get(engine, ()))
    for cache in caches:
        cache.recheck()


# --- The pages a worker keeps --------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """What a route renders: the bytes, and when they change by themselves (if ever)."""

    body: bytes
    media_type: str
    expires: datetime | None = None
    last_modified: datetime | None = None


@dataclass(frozen=True)
class Entry:
    body: bytes
    media_type: str
    generation: Generation
    expires: datetime
    last_modified: datetime
    etag: str
    personal: bool = True  # a page (other for the signed in, by language and HTMX), or a feed


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


Key = tuple[str, ...]


class PageCache:
    """One worker's rendered pages (least recently used dropped first)."""

    def __init__(
        self,
        engine: Engine | None = None,
        max_entries: int = MAX_ENTRIES,
        *,
        recheck_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.max_entries = max_entries
        self.recheck_seconds = recheck_seconds
        self._clock = clock
        self._known: Generation | None = None
        self._next_read = 0.0
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def known_generation(self) -> Generation | None:
        """The generation read less than `recheck_seconds` ago, or None when it is time to read
        it again (then `generation()` queries the database)."""
        if self._known is not None and self._clock() < self._next_read:
            return self._known
        return None

    def generation(self) -> Generation:
        """The generation, read from the database at most once per `recheck_seconds`. While the
        database cannot be read, the last value read is kept (the pages already rendered stay
        served until they expire); with none, UNKNOWN, under which nothing is ever stored."""
        known = self.known_generation()
        if known is not None or self.engine is None:
            return known if known is not None else UNKNOWN
        try:
            value = read_generation(self.engine)
        except SQLAlchemyError:
            log.warning("could not read the public cache generation", exc_info=True)
            value = self._known if self._known is not None else UNKNOWN
        self._known = value
        self._next_read = self._clock() + self.recheck_seconds
        return value

    def recheck(self) -> None:
        """Read the generation again on the next request (this worker committed a change)."""
        self._next_read = 0.0

    def lookup(self, key: Key, generation: Generation, now: datetime) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.generation != generation or now >= entry.expires:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def store(
        self,
        key: Key,
        rendered: Rendered,
        generation: Generation,
        now: datetime,
        *,
        personal: bool = True,
    ) -> Entry:
        expires = now + LONGEST
        if rendered.expires is not None:
            expires = min(expires, rendered.expires)
        entry = Entry(
            body=rendered.body,
            media_type=rendered.media_type,
            generation=generation,
            expires=expires,
            last_modified=rendered.last_modified or now,
            etag=_etag(rendered.body),
            personal=personal,
        )
        if len(rendered.body) <= MAX_BODY and expires > now and generation != UNKNOWN:
            with self._lock:
                self._entries[key] = entry
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def install(app: FastAPI) -> PageCache:
    """Give the app its page cache and register its engine (call once in create_app)."""
    settings = app.state.settings
    engine = app.state.engine
    cache = PageCache(engine, recheck_seconds=settings.public_cache_recheck_seconds)
    register(engine, cache)
    app.state.public_cache = cache
    return cache


def for_app(app: FastAPI) -> PageCache:
    """The app's page cache, installed on first use if create_app did not."""
    cache: PageCache | None = getattr(app.state, "public_cache", None)
    return cache if cache is not None else install(app)


# --- Serving ------------------------------------------------------------------------------------

# build(now, context) renders the page as the database is at `now`; `context` overrides template
# variables (no CSRF token, no flashes) when the render is to be stored.
Build = Callable[[datetime, Mapping[str, Any]], Rendered]


def is_anonymous(request: Request) -> bool:
    """No session cookie (and no one-time message waiting, which is personal)."""
    settings = request.app.state.settings
    cookies = request.cookies
    return (
        settings_cookie(settings, "session") not in cookies
        and settings_cookie(settings, "flash") not in cookies
    )


def serve(request: Request, identity: Identity, build: Build, *, personal: bool = True) -> Response:
    """The page from this worker's cache when still fresh, else rendered (and kept when it may
    be shared). `personal=False`: the output never depends on the visitor (feeds, sitemap)."""
    if personal and not (identity.user is None and is_anonymous(request)):
        rendered = build(timeutil.utcnow(), {})
        headers = {"Cache-Control": "private, no-store", "Vary": PAGE_VARY, "X-Cache": "bypass"}
        return Response(rendered.body, media_type=rendered.media_type, headers=headers)
    # Shared by everyone: rendered for nobody in particular (no CSRF token, none issued), and no
    # cookie may ride on it.
    request.state.identity = replace(identity, csrf="", issue=None)
    request.state.pending_cookies = []
    cache = for_app(request.app)
    key = _key(request)
    generation = cache.generation()  # before any query: see the module's docstring
    now = timeutil.utcnow()
    entry = cache.lookup(key, generation, now)
    state = "hit"
    if entry is None:
        state = "miss"
        overrides = {"csrf_token": "", "flashes": list} if personal else {}
        entry = cache.store(key, build(now, overrides), generation, now, personal=personal)
        request.state.pending_cookies = []  # whatever the render queued stays off a shared page
    return _answer(request, entry, now, state=state)


def _key(request: Request) -> Key:
    return (
        str(request.base_url),
        request.url.path,
        request.url.query,
        request_locale(request),
        "fragment" if is_fragment_request(request) else "page",
    )


def _answer(request: Request, entry: Entry, now: datetime, *, state: str) -> Response:
    """The same bytes and headers for every visitor: a browser or a reverse proxy may keep them
    until the page could change by itself (at most PUBLIC_MAX_AGE)."""
    max_age = max(0, min(PUBLIC_MAX_AGE, int((entry.expires - now).total_seconds())))
    headers = {
        "ETag": entry.etag,
        "Last-Modified": format_datetime(entry.last_modified.astimezone(UTC), usegmt=True),
        "Cache-Control": f"public, max-age={max_age}",
        "X-Cache": state,
    }
    if entry.personal:
        headers["Vary"] = PAGE_VARY
    if not_modified(request, entry.etag, entry.last_modified):
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type=entry.media_type, headers=headers)


# --- The fast path ---------------------------------------------------------------------------------

CACHEABLE_PREFIXES = ("/statements", "/feeds/", "/spokespersons", "/sitemap.xml")  # and "/"


class FastPathMiddleware:
    """Answers an anonymous GET or HEAD whose page this worker already keeps, fresh, straight from
    memory: no routing, no dependencies, no thread hop, no database (so the newsroom also stays
    up for a moment while the database is away). Everything else, misses included, goes to the
    app unchanged, and the route stores what it renders. The answer is the one `serve` gives for
    a hit: the stored bytes, ETag/Last-Modified with 304, the same Cache-Control, no cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not (scope["path"] == "/" or scope["path"].startswith(CACHEABLE_PREFIXES))
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        owner = scope.get("app")
        cache: PageCache | None = getattr(getattr(owner, "state", None), "public_cache", None)
        if cache is None or not is_anonymous(request):
            await self.app(scope, receive, send)
            return
        now = timeutil.utcnow()
        generation = cache.known_generation()
        if generation is None:  # at most once a second: a query, off the event loop
            generation = await run_in_threadpool(cache.generation)
        entry = cache.lookup(_key(request), generation, now)
        if entry is None:
            await self.app(scope, receive, send)
            return
        response = _answer(request, entry, now, state="hit")
        await response(scope, receive, send)
