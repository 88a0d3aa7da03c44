"""The feed watcher: fetch each due source, pick the articles a watch rule matches, store them
as press items. `run_once` is what each worker runs every `monitoring_interval_seconds` (like the
mail sender) and what `pressdesk watch-feeds` runs from cron.

Several workers may run at once: a source is claimed with a conditional UPDATE (due, and not
claimed by another worker in the last `LEASE`), so each fetch happens once. A fetch is a
conditional GET (ETag / Last-Modified); a failure (network, timeout, HTTP error, a feed that
cannot be read) is recorded on the source and pushes its next fetch back, doubling each time up
to a day. Nothing a feed says is trusted: only http(s) links are kept, text is stored as text
(HTML stripped), every field is cut to its column's size, and a feed over `max_feed_bytes` is cut
there; what was cut is recorded as the source's warning.

HTTP is `requests` (redirects followed by hand, at most `MAX_REDIRECTS`, each address checked
like the source's own), parsing is feedparser.
"""

from __future__ import annotations

import calendar
import logging
import time as time_mod
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import requests
from bs4 import BeautifulSoup
from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.config import Environment, Settings
from app.monitoring import rules as matching
from app.monitoring import urls
from app.monitoring.models import MonitoringSource, PressItem, PressItemMatch, WatchRule
from app.timeutil import utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a worker that died mid-fetch frees its source after this
MAX_BACKOFF = timedelta(hours=24)
MAX_REDIRECTS = 3
USER_AGENT = "PressDesk-monitoring/1.0 (+press office media monitoring)"
TITLE_MAX, EXCERPT_MAX, OUTLET_MAX, ERROR_MAX = 500, 2000, 200, 500
MATCH_TEXT_MAX = 20_000  # characters of an entry's text that the rules look at


class FetchError(Exception):
    """Why a source could not be read this time (shown to the office)."""


@dataclass
class SourceResult:
    source_id: int
    status: str  # "new" (items read), "unchanged" (304), "error"
    new_items: int = 0
    entries: int = 0
    warning: str = ""
    error: str = ""


@dataclass
class WatchResult:
    sources: list[SourceResult] = field(default_factory=list)

    @property
    def new_items(self) -> int:
        return sum(s.new_items for s in self.sources)

    @property
    def errors(self) -> int:
        return sum(1 for s in self.sources if s.status == "error")


# --- Claiming ----------------------------------------------------------------------------------


def claim_next(
    engine: Engine, now: datetime, done: frozenset[int] = frozenset()
) -> MonitoringSource | None:
    """One due source not in `done`, claimed for this worker (None when nothing is due)."""
    with Session(engine, expire_on_commit=False) as session:
        candidates = session.exec(
            select(MonitoringSource.id)
            .where(
                col(MonitoringSource.active).is_(True),
                col(MonitoringSource.next_fetch_at) <= now,
                or_(
                    col(MonitoringSource.claimed_until).is_(None),
                    col(MonitoringSource.claimed_until) < now,
                ),
                col(MonitoringSource.id).not_in(done),
            )
            .order_by(col(MonitoringSource.next_fetch_at), col(MonitoringSource.id))
            .limit(20)
        ).all()
        for source_id in candidates:
            claimed = session.execute(
                update(MonitoringSource)
                .where(
                    col(MonitoringSource.id) == source_id,
                    or_(
                        col(MonitoringSource.claimed_until).is_(None),
                        col(MonitoringSource.claimed_until) < now,
                    ),
                )
                .values(claimed_until=now + LEASE)
            )
            session.commit()
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                return session.get(MonitoringSource, source_id)
    return None


# --- Fetching ----------------------------------------------------------------------------------


def check_address(url: str, settings: Settings) -> str | None:
    """Why this address may not be fetched (None: it may)."""
    if not urls.is_web_address(url):
        return "not an http(s) address"
    if settings.environment == Environment.PRODUCTION and urls.private_host(url):
        return "a loopback or private network address"
    return None


@dataclass
class Fetched:
    status: int
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    cut: bool = False


def fetch(source: MonitoringSource, settings: Settings) -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, */*"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    url = source.feed_url
    deadline = time_mod.monotonic() + settings.monitoring_timeout_seconds * 2
    for _hop in range(MAX_REDIRECTS + 1):
        if problem := check_address(url, settings):
            raise FetchError(f"address refused: {problem}")
        try:
            response = requests.get(
                url,
                headers=headers,
                timeout=settings.monitoring_timeout_seconds,
                stream=True,
                allow_redirects=False,
            )
        except requests.Timeout as exc:
            raise FetchError("timed out") from exc
        except requests.RequestException as exc:
            raise FetchError(f"could not connect: {type(exc).__name__}") from exc
        with response:
            if response.is_redirect and "location" in response.headers:
                url = requests.compat.urljoin(url, response.headers["location"])
                continue
            if response.status_code == 304:
                return Fetched(304)
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code}")
            body, cut = bytearray(), False
            try:
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > settings.monitoring_max_feed_bytes:
                        del body[settings.monitoring_max_feed_bytes :]
                        cut = True
                        break
                    if time_mod.monotonic() > deadline:
                        raise FetchError("timed out")
            except requests.RequestException as exc:
                raise FetchError(f"reading failed: {type(exc).__name__}") from exc
            return Fetched(
                response.status_code,
                bytes(body),
                response.headers.get("ETag", "")[:500],
                response.headers.get("Last-Modified", "")[:100],
                cut,
            )
    raise FetchError("too many redirects")


# --- Reading entries ---------------------------------------------------------------------------


def plain(html: str) -> str:
    """Text of an HTML fragment, whitespace collapsed (stored and shown as text, escaped)."""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _cut(text: str, limit: int) -> tuple[str, bool]:
    return (text, False) if len(text) <= limit else (text[: limit - 1].rstrip() + "…", True)


def _published(entry: Any, now: datetime) -> datetime:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return now
    try:
        moment = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return now
    return min(moment, now)  # a date in the future is a feed's mistake


@dataclass
class Candidate:
    url: str
    key: str
    title: str
    excerpt: str
    published_at: datetime
    rule_ids: list[int]


def candidates(
    parsed: Any, rules: list[matching.Rule], now: datetime
) -> tuple[list[Candidate], list[str]]:
    """The entries some rule matches, one per canonical address; and what had to be cut."""
    found: dict[str, Candidate] = {}
    notes: list[str] = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "")
        if not urls.is_web_address(link):
            continue
        title, title_cut = _cut(plain(str(entry.get("title") or "")), TITLE_MAX)
        if title_cut and "a title was cut" not in notes:
            notes.append("a title was cut")
        if not title:
            continue
        summary = plain(str(entry.get("summary") or ""))[:MATCH_TEXT_MAX]
        text = matching.Text(title, summary)
        rule_ids = matching.matching(rules, text)
        if not rule_ids:
            continue
        canonical = urls.canonical(link)
        key = urls.key(canonical)
        if key not in found:
            excerpt, _ = _cut(summary, EXCERPT_MAX)
            found[key] = Candidate(canonical, key, title, excerpt, _published(entry, now), rule_ids)
    return list(found.values()), notes


def active_rules(session: Session) -> list[matching.Rule]:
    return [
        matching.Rule.parse(r.id or 0, r.all_of, r.any_of, r.none_of)
        for r in session.exec(select(WatchRule).where(col(WatchRule.active).is_(True)))
    ]


def store(session: Session, source: MonitoringSource, found: list[Candidate]) -> int:
    """Add the candidates not already items (from this or any source); the number added. Rules
    an existing item had not matched yet are added to it."""
    if not found:
        return 0
    keys = [c.key for c in found]
    existing = {
        item.url_key: item
        for item in session.exec(select(PressItem).where(col(PressItem.url_key).in_(keys)))
    }
    outlet = source.name[:OUTLET_MAX]
    added = 0
    for c in found:
        item = existing.get(c.key)
        if item is None:
            item = PressItem(
                source_id=source.id,
                organisation_id=source.organisation_id,
                outlet=outlet,
                url=c.url,
                url_key=c.key,
                title=c.title,
                excerpt=c.excerpt,
                published_at=c.published_at,
            )
            try:
                with session.begin_nested():  # another worker may add the same article now
                    session.add(item)
                    session.flush()
            except IntegrityError:
                item = session.exec(select(PressItem).where(PressItem.url_key == c.key)).one()
            else:
                added += 1
        known = set(
            session.exec(select(PressItemMatch.rule_id).where(PressItemMatch.item_id == item.id))
        )
        for rule_id in c.rule_ids:
            if rule_id not in known:
                session.add(PressItemMatch(item_id=item.id or 0, rule_id=rule_id))
    return added


# --- One source, and a run ---------------------------------------------------------------------


def backoff(source: MonitoringSource, failures: int) -> timedelta:
    return min(timedelta(minutes=source.interval_minutes) * (2 ** min(failures, 16)), MAX_BACKOFF)


def process(
    engine: Engine, settings: Settings, source: MonitoringSource, rules: list[matching.Rule]
) -> SourceResult:
    """Fetch one claimed source, store what it brought, record its state; never raises."""
    now = utcnow()
    result = SourceResult(source.id or 0, "error")
    values: dict[str, Any] = {"claimed_until": None, "last_fetched_at": now}
    try:
        fetched = fetch(source, settings)
        if fetched.status == 304:
            result.status = "unchanged"
        else:
            parsed = feedparser.parse(fetched.body)
            if not parsed.entries and (parsed.bozo or not parsed.get("version")):
                raise FetchError(f"not a feed that can be read: {parsed.get('bozo_exception', '')}")
            found, notes = candidates(parsed, rules, now)
            if fetched.cut:
                notes.insert(0, f"the feed is over {settings.monitoring_max_feed_bytes} bytes: cut")
            if parsed.bozo:
                notes.append("the feed has errors: the entries that could be read were read")
            with Session(engine, expire_on_commit=False) as session:
                result.new_items = store(session, source, found)
                session.commit()
            result.status, result.entries = "new", len(parsed.entries)
            result.warning = "; ".join(notes)[:ERROR_MAX]
            values.update(etag=fetched.etag, last_modified=fetched.last_modified)
            values["items_found"] = MonitoringSource.items_found + result.new_items
        values.update(
            last_ok_at=now,
            failures=0,
            last_error="",
            last_warning=result.warning,
            next_fetch_at=now + timedelta(minutes=source.interval_minutes),
        )
    except Exception as exc:  # any failure is the source's state, never the worker's
        if not isinstance(exc, FetchError):
            log.exception("monitoring source %s failed", source.id)
        result.error = (str(exc) or type(exc).__name__)[:ERROR_MAX]
        failures = source.failures + 1
        values.update(
            failures=failures,
            last_error=result.error,
            next_fetch_at=now + backoff(source, failures),
        )
    with Session(engine) as session:
        session.execute(
            update(MonitoringSource).where(col(MonitoringSource.id) == source.id).values(**values)
        )
        session.commit()
    return result


def run_once(engine: Engine, settings: Settings, *, now: datetime | None = None) -> WatchResult:
    """Fetch every source due at `now` (default: the clock), one claim at a time."""
    result = WatchResult()
    with Session(engine) as session:
        rules = active_rules(session)
    done: set[int] = set()  # each source once per run, whatever its next time says
    while (source := claim_next(engine, now or utcnow(), frozenset(done))) is not None:
        done.add(source.id or 0)
        result.sources.append(process(engine, settings, source, rules))
    return result


async def run(engine: Engine, settings: Settings) -> None:
    import asyncio

    while True:
        try:
            await asyncio.to_thread(run_once, engine, settings)
        except Exception:  # the database may be away for a moment: try again next time
            log.exception("watching feeds failed")
        await asyncio.sleep(settings.monitoring_interval_seconds)
