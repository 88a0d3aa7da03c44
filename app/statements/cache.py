"""The cache of public pages that every worker can trust.

Each worker keeps rendered pages in memory, keyed by the address (path and query), the language,
whether HTMX asked for a fragment, and the *generation*: the identity of a stamp file,
`<cache_dir>/generation`, that is rewritten (atomically) whenever a transaction that changed
public content commits. Services mark such transactions (`service.mark_public_change`); the
`after_commit` listener below rewrites the stamp. Every worker of a deployment shares cache_dir,
so a publication through any worker invalidates the pages of all of them; checking costs one
`os.stat` per request, never a database query.

A page also expires by itself when it may change without anyone committing: at
`service.next_public_change()` (an embargo ends), computed when the page is rendered, and at the
latest after `LONGEST` (names of organisations, the day changing).

Correctness rule: the generation is read *before* the database is queried for a render, and the
render is stored under that generation. A publication committed during a render changes the stamp
after its commit, so the render is never taken for fresh.

Only anonymous visitors (no session cookie) get stored pages: signed-in people see their name in
the header. A stored page holds a mark where the visitor's CSRF token goes (the language switch
form), replaced per response. Feeds and the sitemap hold nothing personal: everyone shares them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import Engine, event
from sqlmodel import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from app import timeutil
from app.access import Identity, valid_csrf_token
from app.briefings.feeds import not_modified
from app.cookies import settings_cookie
from app.security import new_token
from app.templating import is_fragment_request, request_locale

log = logging.getLogger(__name__)

STAMP_NAME = "generation"
MAX_ENTRIES = 2000
MAX_BODY = 2 * 1024 * 1024  # bigger pages are served but not kept
LONGEST = timedelta(minutes=5)
PUBLIC_MAX_AGE = 60  # seconds a browser or a reverse proxy may reuse an anonymous page
PAGE_VARY = "HX-Request, Cookie"
# Stands for the visitor's CSRF token in stored pages: random per process, so that no content
# can contain it by accident (hex only: the same in HTML, attributes and JSON).
TOKEN_MARK = "csrf" + secrets.token_hex(16)
_TOKEN_MARK_BYTES = TOKEN_MARK.encode()

Generation = tuple[int, int, int]
NO_STAMP: Generation = (0, 0, 0)


# --- The stamp -----------------------------------------------------------------------------------


def read_generation(cache_dir: Path) -> Generation:
    """The identity of the stamp: inode, modification time (ns) and size, from one stat."""
    try:
        st = os.stat(cache_dir / STAMP_NAME)
    except FileNotFoundError:
        return NO_STAMP
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def bump(cache_dir: Path) -> None:
    """Rewrite the stamp: a new file (new inode) renamed over the old one, so readers see the old
    stamp or the new one, never a half-written file. Its size changes with every bump (a
    counter's padding), in case a file system's clock is coarse and an inode is reused."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    stamp = cache_dir / STAMP_NAME
    try:
        counter = int(stamp.read_text().split()[0]) + 1
    except (OSError, ValueError, IndexError):
        counter = 1
    temp = cache_dir / f".{STAMP_NAME}.{os.getpid()}.{secrets.token_hex(6)}"
    temp.write_text(f"{counter} {secrets.token_hex(8)}\n" + "." * (counter % 1024))
    os.replace(temp, stamp)


# --- Which cache folder an engine's commits invalidate ------------------------------------------

_lock = threading.Lock()
_dirs: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()
_dirs_by_url: dict[str, Path] = {}


def register(engine: Engine, cache_dir: Path) -> None:
    """Commits through `engine` that change public content rewrite the stamp in `cache_dir`."""
    with _lock:
        _dirs[engine] = Path(cache_dir)
        _dirs_by_url[str(engine.url)] = Path(cache_dir)


def cache_dir_for(engine: Engine) -> Path:
    """The folder registered for the engine; else for its database (another app instance with
    the same settings); else the configured one (a worker that has served no public page yet)."""
    with _lock:
        found = _dirs.get(engine) or _dirs_by_url.get(str(engine.url))
    if found is not None:
        return found
    from app.config import get_settings

    return Path(get_settings().cache_dir)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.info.pop("public_changed", False):
        return
    bind = session.bind
    engine = getattr(bind, "engine", bind)
    if not isinstance(engine, Engine):
        return
    try:
        bump(cache_dir_for(engine))
    except OSError:  # already committed: cached pages then live until they expire (LONGEST)
        log.exception("could not rewrite the public cache stamp")


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
    personal: bool = True  # holds the CSRF mark (a page), or nothing personal (feed, sitemap)


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


Key = tuple[str, ...]


class PageCache:
    """One worker's rendered pages (least recently used dropped first)."""

    def __init__(self, cache_dir: Path, max_entries: int = MAX_ENTRIES) -> None:
        self.cache_dir = Path(cache_dir)
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def generation(self) -> Generation:
        return read_generation(self.cache_dir)

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
        if len(rendered.body) <= MAX_BODY and expires > now:
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
    cache = PageCache(settings.cache_dir)
    register(app.state.engine, settings.cache_dir)
    app.state.public_cache = cache
    return cache


def for_app(app: FastAPI) -> PageCache:
    """The app's page cache, installed on first use if create_app did not."""
    cache: PageCache | None = getattr(app.state, "public_cache", None)
    return cache if cache is not None else install(app)


# --- Serving ------------------------------------------------------------------------------------

# build(now, context) renders the page as the database is at `now`; `context` overrides template
# variables (the CSRF mark, no flashes) when the render is to be stored.
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
    if not personal:
        # Shared by everyone: no cookie may ride on it (the Public rule may have queued one).
        request.state.pending_cookies = []
    cache = for_app(request.app)
    key = _key(request)
    generation = cache.generation()  # before any query: see the module's docstring
    now = timeutil.utcnow()
    entry = cache.lookup(key, generation, now)
    state = "hit"
    if entry is None:
        state = "miss"
        overrides = {"csrf_token": TOKEN_MARK, "flashes": list} if personal else {}
        entry = cache.store(key, build(now, overrides), generation, now, personal=personal)
    token = identity.csrf_token if entry.personal else ""  # may queue the visitor's cookie
    new_cookie = bool(getattr(request.state, "pending_cookies", None))
    return _answer(request, token, entry, now, state=state, new_cookie=new_cookie)


def _key(request: Request) -> Key:
    return (
        str(request.base_url),
        request.url.path,
        request.url.query,
        request_locale(request),
        "fragment" if is_fragment_request(request) else "page",
    )


def _answer(
    request: Request, token_text: str, entry: Entry, now: datetime, *, state: str, new_cookie: bool
) -> Response:
    body, etag = entry.body, entry.etag
    personal = entry.personal
    if personal:
        token = token_text.encode()
        body = body.replace(_TOKEN_MARK_BYTES, token)
        etag = _etag(entry.etag.encode() + token)
    max_age = max(0, min(PUBLIC_MAX_AGE, int((entry.expires - now).total_seconds())))
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(entry.last_modified.astimezone(UTC), usegmt=True),
        # A response that sets the visitor's first cookie is theirs alone.
        "Cache-Control": "private, no-cache" if new_cookie else f"public, max-age={max_age}",
        "X-Cache": state,
    }
    if personal:
        headers["Vary"] = PAGE_VARY
    if not_modified(request, etag, entry.last_modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=entry.media_type, headers=headers)


# --- The fast path ---------------------------------------------------------------------------------

CACHEABLE_PREFIXES = ("/statements", "/feeds/", "/spokespersons", "/sitemap.xml")  # and "/"


class FastPathMiddleware:
    """Answers an anonymous GET or HEAD whose page this worker already keeps, fresh, straight from
    memory: no routing, no dependencies, no thread hop, no database (so the newsroom also stays
    up for a moment while the database is away). Everything else, misses included, goes to the
    app unchanged, and the route stores what it renders. The answer is the one `serve` gives for
    a hit: the visitor's CSRF token put in (a first visit gets its cookie here, as `Public`
    would give it), ETag/Last-Modified with 304, the same Cache-Control."""

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
        entry = cache.lookup(_key(request), cache.generation(), now)
        if entry is None:
            await self.app(scope, receive, send)
            return
        settings = request.app.state.settings
        token, cookie = "", None
        if entry.personal:
            name = settings_cookie(settings, "csrf")
            token = request.cookies.get(name, "")
            if not valid_csrf_token(token):
                token = new_token()
                carrier = Response()
                carrier.set_cookie(
                    name, token, httponly=True, samesite="lax", secure=settings.is_production
                )
                cookie = carrier.headers["set-cookie"]
        response = _answer(request, token, entry, now, state="hit", new_cookie=cookie is not None)
        if cookie is not None:
            response.headers.append("set-cookie", cookie)
        await response(scope, receive, send)
