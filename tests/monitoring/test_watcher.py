"""The feed watcher against a real HTTP server on loopback serving recorded feeds of Vietnamese
outlets, on both databases: items picked once, conditional requests, back-off on errors shown
on the source, malformed, enormous and hostile feeds, one item per article across feeds, and the
claim that keeps two workers from fetching the same source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.service import Actor
from app.config import Environment
from app.monitoring import service, watcher
from app.monitoring.models import MonitoringSource, PressItem, PressItemMatch
from app.timeutil import utcnow
from tests.factories import make_user
from tests.monitoring.server import FeedServer, Route, start
from tests.support import actor_of


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    yield from start()


@pytest.fixture
def office(db: Session) -> Actor:
    return actor_of(make_user(db, Role.PRESS_OFFICE))


def add_source(db: Session, app: Any, office: Actor, url: str, name: str = "Báo Quảng Ninh") -> int:
    data = service.SourceInput(name=name, feed_url=url, interval_minutes=30)
    source = service.add_source(db, actor=office, data=data, settings=app.state.settings)
    return source.id or 0


def add_rule(db: Session, office: Actor, all_of: str = "ha long", **kw: Any) -> int:
    rule = service.add_rule(
        db, actor=office, data=service.RuleInput(name="Hạ Long", all_of=all_of, **kw)
    )
    return rule.id or 0


def run(app: Any, **kw: Any) -> watcher.WatchResult:
    return watcher.run_once(app.state.engine, app.state.settings, **kw)


def stored(db: Session) -> list[PressItem]:
    db.expire_all()
    return list(db.exec(select(PressItem).order_by(PressItem.id)))


def source_row(db: Session, source_id: int) -> MonitoringSource:
    db.expire_all()
    row = db.get(MonitoringSource, source_id)
    assert row is not None
    return row


def make_due(db: Session, source_id: int) -> None:
    row = source_row(db, source_id)
    row.next_fetch_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()


def test_matching_articles_become_items_once_and_a_304_changes_nothing(
    db: Session, app: Any, office: Actor, feeds: FeedServer
) -> None:
    url = feeds.serve_file("/rss/thoi-su.rss", "baoquangninh.rss", etag='"v1"')
    sid = add_source(db, app, office, url)
    rule = add_rule(db, office)
    result = run(app)
    assert [s.status for s in result.sources] == ["new"] and result.new_items == 2
    items = stored(db)
    assert [i.title for i in items] == [
        "Hạ Long đón 1,2 triệu lượt khách trong tháng 11",
        "Thông tin sai sự thật về sự cố tàu du lịch trên vịnh Hạ Long",
    ]
    first = items[0]
    assert first.url == "https://baoquangninh.example.vn/ha-long-don-1-2-trieu-luot-khach-3301.html"
    assert (
        first.excerpt == "Lượng khách đến vịnh Hạ Long tăng 15% so với cùng kỳ."
    )  # text, not HTML
    assert first.outlet == "Báo Quảng Ninh" and first.source_id == sid
    assert first.published_at.isoformat() == "2026-12-03T01:15:00+00:00"
    matches = db.exec(select(PressItemMatch.rule_id)).all()
    assert sorted(matches) == [rule, rule]
    assert "javascript" not in " ".join(i.url for i in items)  # the unsafe link was dropped
    row = source_row(db, sid)
    assert row.etag == '"v1"' and row.items_found == 2 and row.last_error == ""
    assert row.next_fetch_at > utcnow() + timedelta(minutes=29)

    # Not due yet: nothing fetched. Due again: a conditional request, answered 304.
    assert run(app).sources == []
    make_due(db, sid)
    assert [s.status for s in run(app).sources] == ["unchanged"]
    assert feeds.conditional["/rss/thoi-su.rss"] == 1
    assert len(stored(db)) == 2 and source_row(db, sid).items_found == 2


def test_the_same_article_from_two_feeds_and_with_tracking_parameters_is_one_item(
    db: Session, app: Any, office: Actor, feeds: FeedServer
) -> None:
    add_source(db, app, office, feeds.serve_file("/a.rss", "baoquangninh.rss"))
    add_source(db, app, office, feeds.serve_file("/b.atom", "vnexpress.atom"), name="Tin mới")
    add_rule(db, office)
    run(app)
    titles = [i.title for i in stored(db)]
    assert len(titles) == 2  # the Atom feed's copy of article 3301 is the same item
    assert "Giá vàng hôm nay" not in titles  # matched by no rule


def test_errors_back_off_and_are_shown_while_other_sources_go_on(
    db: Session, app: Any, office: Actor, feeds: FeedServer
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"monitoring_timeout_seconds": 0.5})
    broken = add_source(db, app, office, feeds.serve("/500.rss", Route(status=500)), name="Hỏng")
    slow = add_source(
        db, app, office, feeds.serve("/slow.rss", Route(b"<rss/>", delay=2)), name="Chậm"
    )
    garbage = add_source(
        db,
        app,
        office,
        feeds.serve(
            "/html", Route("<html><body>Trang chủ</body></html>".encode(), content_type="text/html")
        ),
        name="Không phải feed",
    )
    good = add_source(db, app, office, feeds.serve_file("/ok.rss", "baoquangninh.rss"))
    add_rule(db, office)
    result = run(app)
    by_id = {s.source_id: s for s in result.sources}
    assert by_id[good].status == "new" and by_id[good].new_items == 2
    assert by_id[broken].error == "HTTP 500"
    assert by_id[slow].error == "timed out"
    assert by_id[garbage].error.startswith("not a feed that can be read")
    first = source_row(db, broken)
    assert first.failures == 1 and first.last_error == "HTTP 500"
    wait = first.next_fetch_at - utcnow()
    assert timedelta(minutes=59) < wait <= timedelta(minutes=60)  # 30 min × 2
    make_due(db, broken)
    run(app)
    second = source_row(db, broken)
    assert second.failures == 2 and second.next_fetch_at - utcnow() > timedelta(minutes=119)
    # Fixed: one good fetch clears the error.
    feeds.routes["/500.rss"] = Route((feeds.routes["/ok.rss"]).body)
    make_due(db, broken)
    run(app)
    assert source_row(db, broken).failures == 0 and source_row(db, broken).last_error == ""


def test_an_enormous_feed_and_an_enormous_title_are_cut_and_recorded(
    db: Session, app: Any, office: Actor, feeds: FeedServer
) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"monitoring_max_feed_bytes": 1_500_000}
    )
    title = "Hạ Long " + "rất dài " * 130_000  # over 1 MB
    entry = f"<item><title>{title}</title><link>https://x.example.vn/dai.html</link></item>"
    filler = "".join(
        f"<item><title>Tin {n}</title><link>https://x.example.vn/{n}.html</link></item>"
        for n in range(25_000)
    )
    body = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>X</title>{filler}</channel></rss>'
    sid = add_source(db, app, office, feeds.serve("/big.rss", Route(body.encode())))
    long_one = add_source(
        db,
        app,
        office,
        feeds.serve(
            "/long.rss",
            Route(
                f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>X</title>{entry}</channel></rss>'.encode()
            ),
        ),
        name="Dài",
    )
    add_rule(db, office)
    run(app)
    big = source_row(db, sid)
    assert big.last_error == "" and "cut" in big.last_warning
    [item] = stored(db)
    assert len(item.title) == watcher.TITLE_MAX and item.title.startswith("Hạ Long rất dài")
    assert "a title was cut" in source_row(db, long_one).last_warning


def test_two_workers_never_fetch_one_source_at_the_same_time(
    db: Session, app: Any, office: Actor, feeds: FeedServer
) -> None:
    sid = add_source(db, app, office, feeds.serve_file("/a.rss", "baoquangninh.rss"))
    now = utcnow()
    first = watcher.claim_next(app.state.engine, now)
    assert first is not None and first.id == sid
    assert watcher.claim_next(app.state.engine, now) is None  # claimed by the first
    # A worker that died holding it frees it after the lease.
    assert (
        watcher.claim_next(app.state.engine, now + watcher.LEASE + timedelta(seconds=1)) is not None
    )


def test_a_source_must_be_a_web_address_and_not_private_in_production(
    db: Session, app: Any, office: Actor
) -> None:
    settings = app.state.settings
    for url in ("ftp://x.example.vn/rss", "javascript:alert(1)", ""):
        with pytest.raises(service.ValidationFailed) as failed:
            service.add_source(
                db,
                actor=office,
                data=service.SourceInput(name="X", feed_url=url),
                settings=settings,
            )
        assert "feed_url" in failed.value.errors
    production = settings.model_copy(update={"environment": Environment.PRODUCTION})
    for url in ("http://127.0.0.1:8000/feed", "http://192.168.1.10/rss", "http://[::1]/"):
        with pytest.raises(service.ValidationFailed):
            service.add_source(
                db,
                actor=office,
                data=service.SourceInput(name="X", feed_url=url),
                settings=production,
            )
    assert db.exec(select(MonitoringSource)).all() == []
