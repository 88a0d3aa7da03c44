"""Absolute addresses come from PUBLIC_BASE_URL, never from the request's Host header (public
pages and feeds are shared by caches, so a forged Host must not end up in them), and in
production a request for another host is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from tests.conftest import make_settings
from tests.factories import make_briefing
from tests.statements.helpers import World

SITE = "https://baochi.quangninh.gov.vn"
FORGED = "cache-poison.example"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path, public_base_url=SITE + "/")


def test_forged_host_never_reaches_sitemap_feeds_or_opengraph(
    db: Session, client: TestClient
) -> None:
    w = World(db)
    st = w.issued(translations={"en": "Typhoon Yagi: the province's response"})
    briefing = make_briefing(db, announced=True)
    forged = {"Host": FORGED}

    sitemap = client.get("/sitemap.xml", headers=forged)
    assert sitemap.status_code == 200
    assert sitemap.headers["cache-control"].startswith("public")
    assert f"<loc>{SITE}/statements/{st.id}</loc>" in sitemap.text
    assert f"<loc>{SITE}/statements/{st.id}/en</loc>" in sitemap.text
    assert f"<loc>{SITE}/briefings/{briefing.id}</loc>" in sitemap.text

    atom = client.get("/feeds/statements.atom", headers=forged)
    assert atom.headers["cache-control"].startswith("public")
    feed = feedparser.parse(atom.content)
    assert feed.bozo == 0
    assert feed.entries[0].id == f"{SITE}/statements/{st.id}"
    assert {link.href for link in feed.feed.links} == {
        f"{SITE}/feeds/statements.atom",
        f"{SITE}/statements",
    }
    english = feedparser.parse(client.get("/feeds/statements.atom?lang=en", headers=forged).content)
    assert english.entries[0].link == f"{SITE}/statements/{st.id}/en"

    client.get(f"/statements/{st.id}", headers=forged)  # a first visit sets the CSRF cookie
    page = client.get(f"/statements/{st.id}", headers=forged)
    assert page.headers["cache-control"].startswith("public")
    assert f'<meta property="og:url" content="{SITE}/statements/{st.id}">' in page.text
    assert f'<link rel="canonical" href="{SITE}/statements/{st.id}">' in page.text
    assert f'hreflang="en" href="{SITE}/statements/{st.id}/en"' in page.text
    printed = client.get(f"/statements/{st.id}/print", headers=forged)
    assert f'<link rel="canonical" href="{SITE}/statements/{st.id}">' in printed.text

    for url in ("/calendar.ics", f"/briefings/{briefing.id}.ics"):
        answer = client.get(url, headers=forged)
        assert answer.headers["cache-control"].startswith("public")
        event = Calendar.from_ical(answer.content).walk("VEVENT")[0]
        assert str(event["URL"]) == f"{SITE}/briefings/{briefing.id}"
    api = client.get(f"/api/v1/briefings/{briefing.id}", headers=forged)
    assert api.json()["url"] == f"{SITE}/briefings/{briefing.id}"

    for answer in (sitemap, atom, page, printed):
        assert FORGED not in answer.text
    # The honest host, asking next, gets the same addresses (nothing was poisoned).
    again = client.get("/sitemap.xml")
    assert f"<loc>{SITE}/statements/{st.id}</loc>" in again.text


@pytest.fixture
def production(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """A production app on the test database: PUBLIC_BASE_URL set, optionally ALLOWED_HOSTS."""
    apps: list[FastAPI] = []

    def make(**over: Any) -> FastAPI:
        values = {"environment": "production", "public_base_url": SITE, **over}
        application = create_app(make_settings(database_url, tmp_path, **values))
        apps.append(application)
        return application

    yield make
    for application in apps:
        application.state.engine.dispose()


def _get(application: FastAPI, url: str, host: str) -> Any:
    with TestClient(application, base_url=f"https://{host}", follow_redirects=False) as c:
        return c.get(url)


def test_production_refuses_other_hosts_with_400(production: Any) -> None:
    application = production()
    for url in ("/", "/sitemap.xml", "/feeds/statements.atom", "/calendar.ics", "/login"):
        assert _get(application, url, "baochi.quangninh.gov.vn").status_code == 200, url
        refused = _get(application, url, FORGED)
        assert refused.status_code == 400, url
        assert "public" not in refused.headers.get("cache-control", "")
        assert refused.text == "Trang này không phục vụ tại địa chỉ này."
    assert _get(application, "/", "baochi.quangninh.gov.vn:443").status_code == 200
    assert _get(application, "/", "BAOCHI.quangninh.gov.vn").status_code == 200


def test_allowed_hosts_adds_the_hosts_the_site_also_answers(production: Any) -> None:
    application = production(allowed_hosts="press.quangninh.gov.vn, *.ubnd.quangninh.gov.vn")
    for host in ("baochi.quangninh.gov.vn", "press.quangninh.gov.vn", "www.ubnd.quangninh.gov.vn"):
        assert _get(application, "/sitemap.xml", host).status_code == 200, host
    for host in (FORGED, "ubnd.quangninh.gov.vn.example", "quangninh.gov.vn"):
        assert _get(application, "/sitemap.xml", host).status_code == 400, host


def test_allowed_hosts_set_outside_production_is_enforced_too(
    app: FastAPI, client: TestClient
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"allowed_hosts": "testserver"})
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"Host": FORGED}).status_code == 400


def test_the_probes_answer_whatever_the_host(production: Any) -> None:
    """The proxy and monitoring often ask by address (10.0.0.5:8000): the probes hold no
    address and are never cached, so they answer any host."""
    application = production()
    assert _get(application, "/healthz", "10.0.0.5:8000").status_code == 200
    assert _get(application, "/readyz", "10.0.0.5:8000").status_code == 200


def test_development_and_tests_answer_any_host(client: TestClient) -> None:
    assert client.get("/").status_code == 200  # "testserver"
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_production_needs_its_public_address(tmp_path: Path) -> None:
    default = Settings.model_fields["public_base_url"].default
    settings = make_settings(
        f"sqlite:///{tmp_path}/x.db", tmp_path, environment="production", public_base_url=default
    )
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(settings)


@pytest.mark.parametrize("value", ["baochi.quangninh.gov.vn", "ftp://x.vn", "https://", ""])
def test_public_base_url_must_be_an_http_address(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="public_base_url"):
        make_settings("sqlite://", tmp_path, public_base_url=value)
