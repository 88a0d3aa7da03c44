"""The office's monitoring pages, on both databases: adding sources and rules through the forms
(bad input back beside the field, nothing stored), the items the watcher found listed and
escaped, an item entered by hand, the source's error shown, and nobody else let in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.monitoring import watcher
from app.monitoring.models import MonitoringSource, PressItem, WatchRule
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_user
from tests.monitoring.server import FeedServer, Route, start


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    yield from start()


@pytest.fixture
def office(db: Session, web: WebClient) -> WebClient:
    user = make_user(db, Role.PRESS_OFFICE)
    assert web.login(user.email, PASSWORD).status_code == 303
    return web


def test_the_office_adds_a_source_and_a_rule_and_reads_what_the_watcher_found(
    db: Session, app: Any, office: WebClient, feeds: FeedServer
) -> None:
    bad = office.post(
        "/office/monitoring/sources",
        {
            "name": "Báo Quảng Ninh",
            "feed_url": "ftp://x.example.vn/rss",
            "interval_minutes": "30",
            "active": "1",
        },
    )
    assert bad.status_code == 422
    assert "Enter the feed's address" in page_text(bad.text) or "Nhập địa chỉ" in page_text(
        bad.text
    )
    assert 'value="Báo Quảng Ninh"' in bad.text  # nothing typed is lost
    assert db.exec(select(MonitoringSource)).all() == []

    hostile = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>X</title>'
        "<item><title>&lt;script&gt;alert(1)&lt;/script&gt; Hạ Long</title>"
        "<link>https://x.example.vn/1.html</link><description>Vịnh Hạ Long</description></item>"
        "</channel></rss>"
    )
    url = feeds.serve("/rss", Route(hostile.encode()))
    r = office.post(
        "/office/monitoring/sources",
        {"name": "Báo Quảng Ninh", "feed_url": url, "interval_minutes": "30", "active": "1"},
    )
    assert r.status_code == 303
    r = office.post("/office/monitoring/rules", {"name": "Hạ Long", "all_of": "", "active": "1"})
    assert r.status_code == 422 and db.exec(select(WatchRule)).all() == []
    r = office.post(
        "/office/monitoring/rules", {"name": "Hạ Long", "all_of": "ha long", "active": "1"}
    )
    assert r.status_code == 303

    watcher.run_once(app.state.engine, app.state.settings)
    page = office.get("/office/monitoring")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    [item] = db.exec(select(PressItem)).all()
    assert "<" not in item.title and item.title.endswith("Hạ Long")  # stored as text
    assert f"{item.title}</a>" in page.text
    detail = office.get(f"/office/monitoring/items/{item.id}")
    assert 'href="https://x.example.vn/1.html"' in detail.text
    actions = {e.action for e in db.exec(select(AuditEvent))}
    assert {"monitoring_source.created", "watch_rule.created"} <= actions

    # A failing source says so on the sources page.
    feeds.routes["/rss"] = Route(status=503)
    office.post(f"/office/monitoring/sources/{item.source_id}/fetch")
    watcher.run_once(app.state.engine, app.state.settings)
    sources = page_text(office.get("/office/monitoring/sources").text)
    assert "HTTP 503" in sources


def test_an_item_entered_by_hand(db: Session, office: WebClient) -> None:
    form = {
        "outlet": "Đài PT-TH Quảng Ninh",
        "medium": "television",
        "title": "Phóng sự về Vân Đồn",
        "url": "",
        "published_on": "",
        "excerpt": "",
    }
    bad = office.post("/office/monitoring/items/new", form)
    assert bad.status_code == 422 and 'id="f-published_on-error"' in bad.text
    assert 'value="Phóng sự về Vân Đồn"' in bad.text
    form["published_on"] = "2026-12-03"
    form["url"] = "javascript:alert(1)"
    assert office.post("/office/monitoring/items/new", form).status_code == 422
    form["url"] = "https://www.example.vn/video/van-don?utm_source=zalo"
    form["title"] = "Phóng sự <script>alert(1)</script> về Vân Đồn"
    r = office.post("/office/monitoring/items/new", form)
    assert r.status_code == 303
    [item] = db.exec(select(PressItem)).all()
    shown = office.get(f"/office/monitoring/items/{item.id}").text
    assert "<script>alert(1)</script>" not in shown
    assert "Phóng sự &lt;script&gt;alert(1)&lt;/script&gt; về Vân Đồn" in shown
    assert item.url == "https://www.example.vn/video/van-don" and item.entered_by is not None
    assert office.post("/office/monitoring/items/new", form).status_code == 422  # the same article


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JOURNALIST, Role.ADMIN])
def test_only_the_office_monitors(db: Session, web: WebClient, role: Role) -> None:
    user = make_user(db, role)
    web.login(user.email, PASSWORD)
    for path in ("/office/monitoring", "/office/monitoring/sources", "/office/monitoring/rules"):
        assert web.get(path).status_code == 403
    r = web.post("/office/monitoring/rules", {"name": "X", "all_of": "ha long"})
    assert r.status_code == 403 and db.exec(select(WatchRule)).all() == []


def test_the_api_lists_and_creates_press_items_and_lists_sources(
    db: Session, app: Any, office: WebClient, feeds: FeedServer
) -> None:
    url = feeds.serve_file("/rss", "baoquangninh.rss")
    office.post(
        "/office/monitoring/sources",
        {"name": "Báo Quảng Ninh", "feed_url": url, "interval_minutes": "30", "active": "1"},
    )
    office.post("/office/monitoring/rules", {"name": "Hạ Long", "all_of": "ha long", "active": "1"})
    watcher.run_once(app.state.engine, app.state.settings)
    token = office.csrf()
    body = office.client.get("/api/v1/press-items").json()
    assert [i["title"] for i in body["items"]] == [
        "Thông tin sai sự thật về sự cố tàu du lịch trên vịnh Hạ Long",
        "Hạ Long đón 1,2 triệu lượt khách trong tháng 11",
    ]
    assert body["items"][0]["rules"] == ["Hạ Long"] and body["next_before"] is None
    made = office.client.post(
        "/api/v1/press-items",
        json={
            "outlet": "VTV1",
            "medium": "television",
            "title": "Thời sự 19h",
            "published_on": "2026-12-03",
        },
        headers={"X-CSRF-Token": token},
    )
    assert made.status_code == 201 and made.json()["medium"] == "television"
    bad = office.client.post(
        "/api/v1/press-items",
        json={
            "outlet": "VTV1",
            "title": "X",
            "url": "javascript:alert(1)",
            "published_on": "2026-12-03",
        },
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 422
    only_false = office.client.get("/api/v1/press-items?tone=unassessed").json()["items"]
    assert len(only_false) == 3
    [source] = office.client.get("/api/v1/monitoring-sources").json()
    assert (
        source["name"] == "Báo Quảng Ninh"
        and source["items_found"] == 2
        and source["failures"] == 0
    )
    assert "/api/v1/press-items" in office.client.get("/openapi.json").json()["paths"]


def test_the_api_is_the_offices_only(db: Session, web: WebClient) -> None:
    assert web.get("/api/v1/press-items").status_code == 401
    user = make_user(db, Role.DEPARTMENT)
    web.login(user.email, PASSWORD)
    assert web.get("/api/v1/press-items").status_code == 403
    assert web.get("/api/v1/monitoring-sources").status_code == 403
