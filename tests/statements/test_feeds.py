"""Atom feeds of statements, read back with feedparser, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import feedparser
from sqlmodel import Session

from app.statements import queries, service
from app.statements.models import StatementKind
from tests.conftest import WebClient
from tests.statements.helpers import World, soon

FEED = "/feeds/statements.atom"


def fetch(web: WebClient, url: str = FEED, **kw: Any) -> Any:
    r = web.get(url, **kw)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(r.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def by_link(feed: Any) -> dict[str, Any]:
    return {e.link.removeprefix("http://testserver"): e for e in feed.entries}


def test_feed_has_the_published_statements_newest_first(db: Session, web: WebClient) -> None:
    w = World(db)
    first = w.issued(title="Thông cáo thứ nhất", summary="Tóm tắt một")
    second = w.issued(title="Thông cáo thứ hai", summary="Tóm tắt hai")
    w.issued(at=soon(), title="Thông cáo còn bị cấm đăng")
    feed = fetch(web)
    assert feed.feed.language == "vi"
    assert [e.link for e in feed.entries] == [
        f"http://testserver/statements/{second.id}",
        f"http://testserver/statements/{first.id}",
    ]
    entry = feed.entries[1]
    assert entry.id == f"http://testserver/statements/{first.id}"
    assert entry.title == "1/TCBC-UBND - Thông cáo thứ nhất"
    assert "Tóm tắt một" in entry.summary
    assert "<strong>yêu cầu</strong>" in entry.content[0].value  # the body, as HTML
    assert first.first_published_at is not None
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == first.first_published_at.replace(
        microsecond=0
    )
    assert "còn bị cấm đăng" not in str(feed.entries)


def test_translated_feed_has_only_translated_entries_in_that_language(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    w.issued(title="Chỉ có tiếng Việt")
    both = w.issued(title="Có bản tiếng Anh", translations={"en": "Also in English"})
    feed = fetch(web, f"{FEED}?lang=en")
    assert feed.feed.language == "en"
    assert [e.title for e in feed.entries] == [f"{both.number} - Also in English"]
    assert feed.entries[0].link == f"http://testserver/statements/{both.id}/en"
    assert len(fetch(web).entries) == 2
    assert web.get(f"{FEED}?lang=xx").status_code == 404


def test_feed_by_kind_and_by_topic(db: Session, web: WebClient) -> None:
    w = World(db)
    tourism = queries.topic_by_code(db, "du-lich")
    assert tourism is not None
    release = w.issued(title="Thông cáo du lịch", topic_ids=[tourism.id])
    statement = w.issued(kind=StatementKind.OFFICIAL_STATEMENT, title="Nội dung phát ngôn")
    links = by_link(fetch(web, f"{FEED}?kind=press_release"))
    assert set(links) == {f"/statements/{release.id}"}
    links = by_link(fetch(web, f"{FEED}?kind=official_statement"))
    assert set(links) == {f"/statements/{statement.id}"}
    feed = fetch(web, f"{FEED}?topic=du-lich")
    assert set(by_link(feed)) == {f"/statements/{release.id}"}
    assert "du-lich" in {t.term for t in feed.entries[0].tags}
    assert fetch(web, f"{FEED}?topic=y-te").entries == []
    assert web.get(f"{FEED}?topic=khong-co").status_code == 404
    assert web.get(f"{FEED}?kind=khong-co").status_code == 404


def test_a_correction_updates_the_entry_and_a_withdrawal_says_so(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    st = w.issued(title="Thông cáo về số liệu")
    before = by_link(fetch(web))[f"/statements/{st.id}"]
    w.correct(st, major=True, note="Cập nhật số liệu thiệt hại")
    after = by_link(fetch(web))[f"/statements/{st.id}"]
    assert after.id == before.id  # the same entry, updated
    assert after.updated_parsed >= before.updated_parsed
    edition = service.public_edition(db, st.id or 0)
    assert edition is not None and edition.publish_at is not None
    assert datetime(*after.updated_parsed[:6], tzinfo=UTC) == edition.publish_at.replace(
        microsecond=0
    )
    assert "Cập nhật số liệu thiệt hại" in after.summary
    assert "Cập nhật số liệu thiệt hại" in after.content[0].value
    assert "Đã cập nhật." in after.content[0].value

    service.withdraw(db, actor=w.spokesperson, statement_id=st.id or 0, reason="Sai thẩm quyền")
    withdrawn = by_link(fetch(web))[f"/statements/{st.id}"]
    assert "Sai thẩm quyền" in withdrawn.summary
    assert withdrawn.title != after.title  # marked as withdrawn


def test_feed_escapes_markup_in_titles(db: Session, web: WebClient) -> None:
    w = World(db)
    w.issued(title="<script>alert('x')</script> Bão", body="Văn bản <script>alert(2)</script>")
    r = web.get(FEED)
    assert b"<script>" not in r.content
    assert b"&lt;script&gt;" in r.content
    feed = feedparser.parse(r.content)
    assert feed.bozo == 0
    entry = feed.entries[0]
    assert entry.title == "1/TCBC-UBND - <script>alert('x')</script> Bão"  # text, not markup
    assert "<script>" not in entry.content[0].value
    assert "&lt;script&gt;alert(2)" in entry.content[0].value  # shown as text


def test_feed_answers_conditional_requests(db: Session, web: WebClient) -> None:
    w = World(db)
    w.issued()
    r = web.get(FEED)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert r.headers["cache-control"].startswith("public, max-age=")
    assert "set-cookie" not in r.headers  # shared by everyone: no cookie on it
    assert web.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    assert web.get(FEED, headers={"If-Modified-Since": modified}).status_code == 304
    old = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert web.get(FEED, headers={"If-Modified-Since": old}).status_code == 200
    w.issued(title="Một thông cáo mới")
    changed = web.get(FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "Một thông cáo mới" in changed.text


def test_empty_feed_is_valid(db: Session, web: WebClient) -> None:
    World(db)
    assert fetch(web).entries == []
