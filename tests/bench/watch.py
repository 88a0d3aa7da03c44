"""`make bench-watch`: the feed watcher's speed. 200 sources with 50 items each, served by a real
HTTP server on loopback, three watch rules of which one matches a fifth of the items, one
`run_once` on a migrated SQLite database (and on PostgreSQL when TEST_POSTGRES_URL's server
answers). The requirement (issue 19): all of it processed in under 30 s on the 2-core machine.

The floor beside it, measured in the same run: the same 10,000 entries only fetched and parsed
(no database, no rules), to show what share is the watcher's own work."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import feedparser
import requests
from sqlmodel import Session, select

SOURCES, ITEMS = 200, 50
LIMIT_SECONDS = 30.0
ROOT = Path(__file__).resolve().parents[2]


def feed(n: int) -> bytes:
    entries = []
    for k in range(ITEMS):
        place = "Hạ Long" if k % 5 == 0 else "Cẩm Phả"
        entries.append(
            f"<item><title>Tin {n}-{k}: {place} hôm nay</title>"
            f"<link>https://bao{n}.example.vn/tin-{k}.html?utm_source=rss</link>"
            f"<description>&lt;p&gt;Nội dung tin số {k} của nguồn {n} về {place}.&lt;/p&gt;</description>"
            f"<pubDate>Fri, 04 Dec 2026 0{k % 10}:00:00 +0700</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Nguồn {n}</title>{''.join(entries)}</channel></rss>"
    ).encode()


def run(url: str, server: Any) -> tuple[float, float, int]:
    import app.models  # noqa: F401 - every table, for the foreign keys
    from app.audit.service import Actor
    from app.config import Settings
    from app.db import make_engine
    from app.monitoring import service, watcher
    from app.monitoring.models import MonitoringSource, PressItem

    settings = Settings(_env_file=None, database_url=url, environment="development")  # type: ignore[call-arg]
    engine = make_engine(url)
    actor = Actor.system("bench")
    with Session(engine) as session:
        for n in range(SOURCES):
            session.add(
                MonitoringSource(
                    name=f"Nguồn {n}", feed_url=server.serve(f"/f/{n}.rss", _route(feed(n)))
                )
            )
        session.commit()
        service.add_rule(
            session, actor=actor, data=service.RuleInput(name="Hạ Long", all_of="ha long")
        )
        service.add_rule(
            session, actor=actor, data=service.RuleInput(name="Vân Đồn", all_of="van don")
        )
        service.add_rule(
            session,
            actor=actor,
            data=service.RuleInput(name="Bão", all_of="bao", none_of="quang cao"),
        )
    # The floor: fetch and parse only.
    started = time.perf_counter()
    for n in range(SOURCES):
        feedparser.parse(requests.get(f"{server.url}/f/{n}.rss", timeout=10).content)
    floor = time.perf_counter() - started
    started = time.perf_counter()
    result = watcher.run_once(engine, settings)
    took = time.perf_counter() - started
    with Session(engine) as session:
        stored = len(session.exec(select(PressItem.id)).all())
    engine.dispose()
    assert result.errors == 0 and len(result.sources) == SOURCES, result
    return took, floor, stored


def _route(body: bytes) -> Any:
    from tests.monitoring.server import Route

    return Route(body)


def main() -> int:
    from tests.monitoring.server import start

    work = Path(tempfile.mkdtemp(prefix="pressdesk-watch-"))
    urls = {"sqlite": f"sqlite:///{work / 'bench.db'}"}
    pg = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        psycopg.connect(pg.replace("+psycopg", ""), connect_timeout=2).close()
        schema = f"bench_watch_{os.getpid()}"
        with psycopg.connect(pg.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        urls["postgresql"] = f"{pg}?options=-csearch_path%3D{schema}"
    except Exception:  # no PostgreSQL here: SQLite only
        schema = ""
    failed = False
    for name, url in urls.items():
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "app.cli", "migrate"], env=env, cwd=ROOT, check=True)
        server_iter = start()
        server = next(server_iter)
        try:
            took, floor, stored = run(url, server)
        finally:
            server_iter.close()
        verdict = "ok" if took < LIMIT_SECONDS else "TOO SLOW"
        failed |= took >= LIMIT_SECONDS
        print(
            f"{name}: {SOURCES} sources × {ITEMS} items in {took:.1f} s "
            f"(limit {LIMIT_SECONDS:.0f} s: {verdict}); {stored} press items stored; "
            f"floor (fetch and parse only) {floor:.1f} s, ratio {took / floor:.2f}×"
        )
    if schema:
        with psycopg.connect(pg.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
