"""The cache of public pages: hits without touching the database, invalidated by a commit through
any worker (app instance) sharing the database, expiring when an embargo ends, never serving
an anonymous page to a signed-in person, and never storing a render as fresher than it is."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.accounts.models import Role
from app.config import Settings
from app.main import create_app
from app.statements import cache, queries, service
from app.statements.web import public
from tests.conftest import WebClient
from tests.factories import PASSWORD, make_user
from tests.statements.helpers import World, soon

LIST = "/statements"


def ids_in(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<h2 class="card-title"><a href="/statements/(\d+)"', html)]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates rendered by the public pages, in order."""
    seen: list[str] = []
    original = public.render

    def counting(request: Any, template: str, *args: Any, **kw: Any) -> Any:
        seen.append(template)
        return original(request, template, *args, **kw)

    monkeypatch.setattr(public, "render", counting)
    return seen


@pytest.fixture
def queries_run(app: FastAPI) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    yield seen
    event.remove(app.state.engine, "before_cursor_execute", record)


def test_second_anonymous_visit_is_served_from_memory_without_a_query(
    db: Session, web: WebClient, renders: list[str], queries_run: list[str]
) -> None:
    w = World(db)
    st = w.issued(title="Thông cáo được lưu")
    for url in (LIST, f"/statements/{st.id}", "/feeds/statements.atom", "/sitemap.xml"):
        first = web.get(url)
        assert first.status_code == 200 and first.headers["x-cache"] == "miss"
        queries_run.clear()
        count = len(renders)
        second = web.get(url)
        assert second.headers["x-cache"] == "hit", url
        assert queries_run == [], url  # no database (the generation is read once a second)
        assert len(renders) == count
        assert second.content == first.content
    assert "Thông cáo được lưu" in web.get(LIST).text


def test_a_publication_invalidates_cached_pages(db: Session, web: WebClient) -> None:
    w = World(db)
    old = w.issued(title="Thông cáo cũ")
    web.get(LIST)
    web.get(f"/statements/{old.id}")
    assert web.get(LIST).headers["x-cache"] == "hit"
    new = w.issued(title="Thông cáo mới nhất")  # a service call that commits
    r = web.get(LIST)
    assert r.headers["x-cache"] == "miss"
    assert ids_in(r.text) == [new.id, old.id]
    # A withdrawal too: the statement's own page changes.
    web.get(f"/statements/{old.id}")
    assert web.get(f"/statements/{old.id}").headers["x-cache"] == "hit"
    service.withdraw(db, actor=w.spokesperson, statement_id=old.id or 0, reason="Nhầm số liệu")
    page = web.get(f"/statements/{old.id}")
    assert page.headers["x-cache"] == "miss" and "Nhầm số liệu" in page.text


def test_the_generation_counts_public_changes_in_their_own_transaction(
    app: FastAPI, db: Session, web: WebClient
) -> None:
    engine = app.state.engine
    w = World(db)
    before = cache.read_generation(engine)
    w.issued()
    assert cache.read_generation(engine) > before
    # A change rolled back leaves the generation as it was: it is part of the same transaction.
    settled = cache.read_generation(engine)
    service.mark_public_change(db)
    db.execute(text("SELECT 1"))
    db.rollback()
    assert cache.read_generation(engine) == settled


def test_conditional_requests_get_304(db: Session, web: WebClient) -> None:
    w = World(db)
    st = w.issued()
    url = f"/statements/{st.id}"
    r = web.get(url)
    r = web.get(url)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    not_modified = web.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    assert web.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert web.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    w.correct(st, note="Thay đổi lớn")
    changed = web.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Thay đổi lớn" in changed.text


def test_cache_headers_suit_a_reverse_proxy(db: Session, new_web: Any) -> None:
    World(db).issued()
    visitor = new_web()
    first = visitor.get(LIST)
    # Even a first visit gets the shared page: no cookie, so a proxy may keep and share it.
    assert "set-cookie" not in first.headers
    assert first.headers["cache-control"] == "public, max-age=60"
    again = visitor.get(LIST)
    assert "set-cookie" not in again.headers
    assert again.headers["cache-control"] == "public, max-age=60"
    assert "Cookie" in again.headers["vary"] and "HX-Request" in again.headers["vary"]


def test_every_visitor_gets_the_same_bytes_with_no_token_and_the_language_switch_works(
    db: Session, new_web: Any
) -> None:
    World(db).issued()
    pages = {}
    for name in ("a", "b"):
        b = new_web()
        if name == "b":
            b.csrf()  # this one already holds a CSRF cookie (from a form it filled): no matter
        b.get(LIST)
        r = b.get(LIST)
        assert r.headers["x-cache"] == "hit"
        assert 'name="csrf_token"' not in r.text
        assert '<meta name="csrf-token" content="">' in r.text
        assert b.client.cookies.get("pd_csrf") is None or name == "b"
        # The language switch of the shared page works for this visitor, from this site.
        switched = b.client.post(
            "/language",
            data={"lang": "en", "next": LIST},
            headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        )
        assert switched.status_code == 303 and switched.headers["location"] == LIST
        assert b.client.cookies.get("pd_lang") == "en"
        pages[name] = r
    assert pages["a"].content == pages["b"].content
    assert pages["a"].headers["etag"] == pages["b"].headers["etag"]


def test_signed_in_people_never_get_the_anonymous_page(
    db: Session, web: WebClient, new_web: Any
) -> None:
    w = World(db)
    st = w.issued()
    url = f"/statements/{st.id}"
    anonymous = new_web()
    anonymous.get(url)
    assert anonymous.get(url).headers["x-cache"] == "hit"
    journalist = make_user(db, Role.JOURNALIST, press_card_number="C-1")
    assert web.login(journalist.email, PASSWORD).status_code == 303
    for _ in range(2):
        r = web.get(url)
        assert r.headers["x-cache"] == "bypass"
        assert r.headers["cache-control"] == "private, no-store"
        assert journalist.full_name in r.text
    # Nor is a signed-in render ever given to the anonymous.
    r = anonymous.get(url)
    assert r.headers["x-cache"] == "hit" and journalist.full_name not in r.text
    # A feed holds nothing personal: everybody shares it.
    anonymous.get("/feeds/statements.atom")
    assert web.get("/feeds/statements.atom").headers["x-cache"] == "hit"


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(db: Session, web: WebClient) -> None:
    World(db).issued()
    web.get(LIST)
    assert web.get(LIST).headers["x-cache"] == "hit"
    web.client.cookies.set("pd_flash", "a-one-time-message")  # personal: never from the cache
    r = web.get(LIST)
    assert r.headers["x-cache"] == "bypass" and r.headers["cache-control"] == "private, no-store"


def test_page_and_htmx_fragment_are_kept_apart(db: Session, web: WebClient) -> None:
    World(db).issued()
    full = web.get(LIST)
    part = web.get(LIST, headers={"HX-Request": "true"})
    assert part.headers["x-cache"] == "miss" and "<html" not in part.text
    again = web.get(LIST)
    assert again.headers["x-cache"] == "hit" and "<html" in again.text
    assert again.text == full.text
    assert web.get(LIST, headers={"HX-Request": "true"}).text == part.text


def test_embargo_end_expires_the_cached_page(
    db: Session, web: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(db)
    w.issued(title="Đã công bố")
    later = w.issued(at=soon(2), title="Công bố sau hai phút")
    web.get(LIST)
    r = web.get(LIST)
    assert r.headers["x-cache"] == "hit" and later.id not in ids_in(r.text)
    # Browsers and proxies may not keep it past the embargo either.
    assert int(r.headers["cache-control"].rpartition("=")[2]) <= 60
    edition = service.editions(db, later.id or 0)[0]
    assert edition.publish_at is not None
    monkeypatch.setattr("app.timeutil.utcnow", lambda: edition.publish_at + timedelta(seconds=1))
    r = web.get(LIST)
    assert r.headers["x-cache"] == "miss"
    assert ids_in(r.text)[0] == later.id


def test_a_publication_during_a_render_is_never_cached_as_fresh(
    db: Session, web: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(db)
    old = w.issued(title="Trước khi hiển thị")
    original = queries.statement_page
    published: list[int] = []

    def slow_render(*args: Any, **kw: Any) -> Any:
        page = original(*args, **kw)  # the database read…
        if not published:  # …then someone publishes before the page is stored
            published.append(w.issued(title="Công bố giữa chừng").id or 0)
        return page

    monkeypatch.setattr(queries, "statement_page", slow_render)
    first = web.get(LIST)
    assert ids_in(first.text) == [old.id]  # rendered from what was there
    second = web.get(LIST)
    assert second.headers["x-cache"] == "miss"
    assert ids_in(second.text) == [published[0], old.id]


RECHECK = 0.3  # seconds: how often the other worker reads the generation


@pytest.fixture
def other_worker(settings: Settings) -> Iterator[TestClient]:
    """A second app instance with the same database and nothing else shared: another worker or
    another host of the same deployment."""
    app2 = create_app(settings.model_copy(update={"public_cache_recheck_seconds": RECHECK}))
    with TestClient(app2, base_url="http://testserver", follow_redirects=False) as client:
        yield client
    app2.state.engine.dispose()


def wait_for_miss(client: TestClient, url: str) -> Any:
    """The page as the worker serves it once it has read the generation again (at most RECHECK
    seconds after the change; a hit before that is an older page, allowed for that long)."""
    deadline = time.monotonic() + 3 * RECHECK
    while True:
        r = client.get(url)
        if r.headers["x-cache"] == "miss" or time.monotonic() > deadline:
            return r
        time.sleep(RECHECK / 6)


def test_a_publication_through_one_worker_invalidates_the_others(
    db: Session, web: WebClient, other_worker: TestClient
) -> None:
    w = World(db)  # `db` works on the first app's engine
    old = w.issued(title="Thông cáo ban đầu")
    other_worker.get(LIST)
    other_worker.get(f"/statements/{old.id}")
    assert other_worker.get(LIST).headers["x-cache"] == "hit"
    started = time.monotonic()
    new = w.issued(title="Công bố qua worker thứ nhất")
    r = wait_for_miss(other_worker, LIST)
    assert r.headers["x-cache"] == "miss" and time.monotonic() - started < 2 * RECHECK + 1
    assert ids_in(r.text) == [new.id, old.id]
    other_worker.get(f"/statements/{old.id}")
    assert other_worker.get(f"/statements/{old.id}").headers["x-cache"] == "hit"
    service.withdraw(db, actor=w.spokesperson, statement_id=old.id or 0, reason="Thu hồi")
    page = wait_for_miss(other_worker, f"/statements/{old.id}")
    assert page.headers["x-cache"] == "miss" and "Thu hồi" in page.text


# --- The cache itself, without a database ----------------------------------------------------------


def test_a_worker_reads_the_generation_at_most_once_per_interval(app: FastAPI, db: Session) -> None:
    clock = [100.0]
    engine = app.state.engine
    reads: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "public_generation" in statement and statement.lstrip().startswith("SELECT"):
            reads.append(statement)

    pages = cache.PageCache(engine, recheck_seconds=1.0, clock=lambda: clock[0])
    event.listen(engine, "before_cursor_execute", count)
    try:
        first = pages.generation()
        World(db).issued()  # another worker's commit: this cache is not told
        clock[0] += 0.9
        assert pages.generation() == first and len(reads) == 1  # no query within the second
        clock[0] += 0.2
        assert pages.generation() > first and len(reads) == 2
        pages.recheck()  # this worker committed: read at once
        pages.generation()
        assert len(reads) == 3
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_entries_expire_change_generation_and_are_bounded() -> None:
    pages = cache.PageCache(max_entries=3)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    gen = 1
    page = cache.Rendered(b"x", "text/plain", expires=now + timedelta(minutes=1))
    pages.store(("a",), page, gen, now)
    assert pages.lookup(("a",), gen, now + timedelta(seconds=59)) is not None
    assert pages.lookup(("a",), gen, now + timedelta(minutes=1)) is None  # expired
    pages.store(("a",), page, gen, now)
    assert pages.lookup(("a",), 2, now) is None  # another generation
    for key in "bcde":
        pages.store((key,), page, gen, now)
    assert len(pages) == 3
    assert pages.lookup(("b",), gen, now) is None  # the least recently used went first
    never = cache.Rendered(b"x", "text/plain")
    stored = pages.store(("f",), never, gen, now)
    assert stored.expires == now + cache.LONGEST


def test_a_first_visit_served_from_the_cache_gets_the_shared_page_and_no_cookie(
    db: Session, new_web: Any
) -> None:
    World(db).issued()
    new_web().get(LIST)  # someone else's visit fills the cache
    b = new_web()

    r = b.get(LIST)  # no cookie yet: the fast path answers

    assert r.headers["x-cache"] == "hit"
    assert r.headers["cache-control"] == "public, max-age=60"
    assert "set-cookie" not in r.headers and not b.client.cookies
    assert r.headers["content-security-policy"]  # security headers apply to fast answers too
    # A form the visitor fills (sign-in) is not a shared page: it still gives its token.
    login = b.get("/login")
    token = b.client.cookies.get("pd_csrf")
    assert token and f'name="csrf_token" value="{token}"' in login.text
    assert "public" not in login.headers.get("cache-control", "")


def test_cached_pages_stay_up_while_the_database_is_away(
    app: FastAPI, db: Session, web: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    st = World(db).issued(title="Thông cáo khi mất kết nối")
    url = f"/statements/{st.id}"
    assert web.get(url).status_code == 200

    def away(*_args: Any, **_kw: Any) -> Any:
        raise OperationalError("connect", {}, Exception("database unreachable"))

    monkeypatch.setattr(app.state.engine, "connect", away)
    cached = web.get(url)
    assert cached.status_code == 200 and "Thông cáo khi mất kết nối" in cached.text
    assert web.get(url + "/print").status_code == 503  # not cached: the usual 503 page
