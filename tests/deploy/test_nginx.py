"""nginx started from deploy/nginx/pressdesk.conf in front of a real worker (uvicorn on a unix
socket, production settings, a migrated SQLite database): HTTPS with HTTP/2, plain HTTP sent to
HTTPS, static files served by nginx with a year of cache, an anonymous public page served the
second time from nginx's micro-cache, signed-in pages never stored nor served from it.

Without nginx these tests are skipped, except when CI=true, where they fail.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlmodel import Session

from app.accounts.models import Role
from app.db import make_engine
from app.templating import static_url
from tests.conftest import CI, migrate
from tests.deploy.nginx import Nginx, nginx_missing, start_worker, wait_for_socket
from tests.factories import PASSWORD, make_user
from tests.statements.helpers import World
from tests.support import free_port

SECRET = "nginx-test-secret-0123456789abcdef0123456789"


@dataclass
class Site:
    nginx: Nginx
    statement_id: int
    statement_title: str
    office_email: str
    office_name: str

    def client(self) -> Browser:
        return Browser(self.nginx.url, self.nginx.cert)


class Browser(requests.Session):
    """A client of the site: its cookies, the test certificate trusted, no redirects followed."""

    def __init__(self, base: str, cert: Path) -> None:
        super().__init__()
        self.base, self.verify = base, str(cert)

    def request(self, method: str | bytes, url: str | bytes, *a: Any, **kw: Any) -> Any:
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 10)
        kw.setdefault("verify", self.verify)  # else REQUESTS_CA_BUNDLE would win over ours
        return super().request(method, self.base + str(url), *a, **kw)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    missing = nginx_missing()
    if missing:
        if CI:
            pytest.fail(missing + "; CI=true requires it")
        pytest.skip(missing)
    folder = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{folder / 'pressdesk.db'}"
    migrate(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        w = World(db)
        st = w.issued(title="Thông cáo qua nginx")
        office = make_user(db, Role.PRESS_OFFICE, full_name="Chánh Văn phòng Thử")
    engine.dispose()
    nginx = Nginx(folder / "nginx", https_port=free_port(), http_port=free_port())
    env = os.environ | {
        "ENVIRONMENT": "production",  # __Host- cookies, Secure: what nginx's maps must read
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "PUBLIC_BASE_URL": nginx.url,
        "UPLOAD_DIR": str(folder / "uploads"),
        "SCHEDULER_INTERVAL_SECONDS": "0",
        "MAIL_SEND_INTERVAL_SECONDS": "0",
        "MONITORING_INTERVAL_SECONDS": "0",
        "LOGIN_DELAY_SECONDS": "0",
    }
    sock = folder / "worker-1.sock"
    worker = start_worker(sock, env)
    try:
        wait_for_socket(sock, worker)
        nginx.start([f"unix:{sock}"])
        yield Site(nginx, st.id or 0, "Thông cáo qua nginx", office.email, office.full_name)
    finally:
        nginx.stop()
        worker.terminate()
        worker.wait(10)


def test_https_speaks_http2_and_plain_http_moves_to_https(site: Site) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", site.nginx.https_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    r = requests.get(
        f"http://127.0.0.1:{site.nginx.http_port}/statements?page=2",
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 301
    assert r.headers["location"] == "https://127.0.0.1/statements?page=2"


def test_an_anonymous_public_page_comes_from_the_micro_cache_the_second_time(site: Site) -> None:
    url = f"/statements/{site.statement_id}"
    with site.client() as first_visitor:
        first = first_visitor.get(url)
    assert first.status_code == 200 and site.statement_title in first.text
    assert first.headers["x-cache-status"] in ("MISS", "EXPIRED")
    assert "set-cookie" not in first.headers  # nothing of the visitor: shareable
    assert first.headers["cache-control"].startswith("public, max-age=")
    with site.client() as second_visitor:
        second_visitor.cookies.set("__Host-pd_csrf", "x" * 43)  # a token of their own: no matter
        second = second_visitor.get(url)
    assert second.headers["x-cache-status"] == "HIT"
    assert second.content == first.content
    assert "x-cache" not in second.headers  # the worker's own cache state is not repeated
    # The language is part of the key: an English reader is not given the Vietnamese copy.
    with site.client() as english:
        english.cookies.set("__Host-pd_lang", "en")
        r = english.get(url)
    assert r.headers["x-cache-status"] in ("MISS", "EXPIRED")
    assert '<html lang="en">' in r.text
    # And an HTMX fragment is kept apart from the page.
    with site.client() as htmx:
        part = htmx.get("/statements", headers={"HX-Request": "true"})
        page = htmx.get("/statements")
        again = htmx.get("/statements")
    assert "<html" not in part.text and "<html" in page.text and "<html" in again.text
    assert again.headers["x-cache-status"] == "HIT"


def _sign_in(site: Site, client: Browser) -> None:
    login = client.get("/login")
    assert login.headers["x-cache-status"] != "HIT"
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token is not None
    r = client.post(
        "/login",
        data={"email": site.office_email, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert r.status_code == 303, r.text
    assert client.cookies.get("__Host-pd_session")


def test_signed_in_pages_are_never_stored_nor_served_from_the_cache(site: Site) -> None:
    with site.client() as office:
        _sign_in(site, office)
        for _ in range(2):
            r = office.get("/dashboard")
            assert r.status_code == 200 and site.office_name in r.text
            assert r.headers["x-cache-status"] == "BYPASS"
            assert (
                "private" in r.headers["cache-control"] or "no-store" in r.headers["cache-control"]
            )
        # A public page the anonymous get from the cache is the office's own, fresh page.
        url = f"/statements/{site.statement_id}"
        with site.client() as anonymous:
            anonymous.get(url)
            assert anonymous.get(url).headers["x-cache-status"] == "HIT"
        for _ in range(2):
            mine = office.get(url)
            assert mine.headers["x-cache-status"] == "BYPASS"
            assert mine.headers["cache-control"] == "private, no-store"
            assert site.office_name in mine.text
    # …and the office's copy was never stored for the anonymous.
    with site.client() as anonymous:
        r = anonymous.get(url)
    assert r.headers["x-cache-status"] == "HIT" and site.office_name not in r.text


def test_static_files_are_served_by_nginx_with_a_year_of_cache(site: Site) -> None:
    address = static_url("css/app.css")
    assert "?v=" in address  # hashed: a new version gets a new address
    with site.client() as c:
        r = c.get(address)
        plain = c.get("/static/css/app.css")
        missing = c.get("/static/nothing.css")
    assert r.status_code == 200
    assert r.content == (Path(__file__).resolve().parents[2] / "static/css/app.css").read_bytes()
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "content-security-policy" not in r.headers  # nginx's answer, not the app's
    assert plain.headers["cache-control"] == "public, max-age=3600"
    assert missing.status_code == 404


def test_the_language_switch_works_through_the_proxy_and_not_from_another_site(
    site: Site,
) -> None:
    with site.client() as visitor:
        evil = visitor.post(
            "/language",
            data={"lang": "en", "next": "/"},
            headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        )
        assert evil.status_code == 403 and not visitor.cookies.get("__Host-pd_lang")
        ok = visitor.post(
            "/language",
            data={"lang": "en", "next": "/"},
            headers={"Sec-Fetch-Site": "same-origin", "Origin": site.nginx.url},
        )
        assert ok.status_code == 303 and visitor.cookies.get("__Host-pd_lang") == "en"
        # Proof that the proxy headers reach the app: the cookie is Secure (https seen).
        assert "secure" in ok.headers["set-cookie"].lower()
