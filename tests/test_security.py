"""Security headers, request size limits, error pages in both languages, production cookies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.access import PUBLIC
from app.accounts.models import Role
from app.config import PROJECT_ROOT
from app.main import create_app
from tests.conftest import WebClient, make_settings, page_text
from tests.factories import PASSWORD, make_user


def test_pages_carry_the_security_headers(client: TestClient) -> None:
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in r.headers  # plain HTTP here


def test_hsts_is_sent_over_https(app: Any) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        assert c.get("/").headers["strict-transport-security"].startswith("max-age=31536000")


def test_static_files_and_errors_carry_headers_too(client: TestClient) -> None:
    for url in ("/static/css/app.css", "/no-such-page"):
        r = client.get(url)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_templates_have_no_inline_script_or_event_handlers() -> None:
    for path in (PROJECT_ROOT / "templates").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, f"inline script in {path}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler in {path}"
        assert "hx-on" not in html, f"hx-on needs eval, which the CSP forbids: {path}"


def test_htmx_is_served_from_static_with_its_licence() -> None:
    vendor = PROJECT_ROOT / "static" / "vendor"
    assert (vendor / "htmx-2.0.11.min.js").stat().st_size > 10_000
    assert "Zero-Clause BSD" in (vendor / "htmx-LICENSE.txt").read_text()
    assert "htmx-2.0.11.min.js" in (PROJECT_ROOT / "templates" / "base.html").read_text()


def test_oversized_body_gets_413_page(client: TestClient, settings: Any) -> None:
    token = WebClient(client).csrf()
    body = {"csrf_token": token, "lang": "en", "next": "x" * (settings.max_request_bytes + 10)}
    r = client.post("/language", data=body)
    assert r.status_code == 413
    assert "Tệp tải lên quá lớn" in page_text(r.text)


def test_oversized_streamed_body_without_length_gets_413(client: TestClient, settings: Any) -> None:
    def chunks():
        for _ in range(settings.max_request_bytes // 65536 + 2):
            yield b"a" * 65536

    r = client.post(
        "/language", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 413


def test_api_oversized_body_is_a_problem_document(client: TestClient, settings: Any) -> None:
    r = client.post(
        "/api/v1/session",
        content=b"{" + b" " * settings.max_request_bytes + b"}",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"


ERROR_TITLES = {
    403: ("Bạn không có quyền truy cập trang này", "You do not have access to this page"),
    404: ("Không tìm thấy trang", "Page not found"),
    413: ("Tệp tải lên quá lớn", "The upload is too large"),
    422: ("Vui lòng sửa các trường được đánh dấu", "Please correct the highlighted fields"),
    429: ("Quá nhiều lần thử", "Too many attempts"),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_error_pages_in_both_languages(db: Session, new_web: Any, settings: Any, lang: str) -> None:
    department, admin, stranger = new_web(), new_web(), new_web()
    department.login(make_user(db, Role.DEPARTMENT).email, PASSWORD)
    admin.login(make_user(db, Role.ADMIN).email, PASSWORD)
    target = make_user(db, Role.PRESS_OFFICE)
    for _ in range(settings.login_max_failures_account):
        stranger.post("/login", {"email": target.email, "password": "wrong-wrong-wrong"})
    for b in (department, admin, stranger):
        b.client.cookies.set("pd_lang", lang)
    responses = {
        403: department.get("/admin/users"),
        404: department.get("/no/such/page"),
        413: department.post("/language", {"next": "x" * (settings.max_request_bytes + 1)}),
        422: admin.get("/admin/audit?page=x"),
        429: stranger.post("/login", {"email": target.email, "password": PASSWORD}),
    }
    index = 0 if lang == "vi" else 1
    for status, r in responses.items():
        assert r.status_code == status
        assert ERROR_TITLES[status][index] in page_text(r.text), status
        assert f'<html lang="{lang}">' in r.text
        assert ERROR_TITLES[status][1 - index] not in page_text(r.text)


def test_crash_gives_500_page_without_trace(settings: Any) -> None:
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/boom", boom, dependencies=[Depends(PUBLIC)])
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
        api = c.get("/api/v1/does-not-exist")
        c.cookies.set("pd_lang", "en")
        english = c.get("/boom")
    assert r.status_code == 500
    assert "Hệ thống gặp sự cố" in page_text(r.text)
    assert "Something went wrong on our side" in page_text(english.text)
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    app.state.engine.dispose()


def test_api_errors_are_problem_documents(client: TestClient, db: Session) -> None:
    r = client.get("/api/v1/organisations/999999")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404 and r.json()["title"]
    r = client.delete("/api/v1/session", headers={"X-CSRF-Token": "x"})
    assert r.status_code == 401 and r.json()["status"] == 401
    r = client.get("/api/v1/organisations?kind=nonsense")
    assert r.status_code == 422 and "kind" in r.json()["errors"]
    r = client.get("/api/v1/organisations/999999", headers={"Accept-Language": "en"})
    assert r.json()["title"] == "Page not found"


def test_openapi_describes_only_the_json_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths and all(p.startswith("/api/v1/") for p in paths)
    assert client.get("/docs").status_code == 200


def test_production_cookies_are_host_prefixed_and_secure(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(database_url, tmp_path, environment="production")
    app = create_app(settings)
    with TestClient(app, base_url="https://testserver") as c:
        r = c.get("/login")
    cookie = r.headers["set-cookie"]
    assert (
        cookie.startswith("__Host-pd_csrf=")
        and "Secure" in cookie
        and "HttpOnly" in cookie
        and "Path=/" in cookie
    )
    app.state.engine.dispose()


def test_production_refuses_the_development_secret(tmp_path: Path) -> None:
    settings = make_settings(
        f"sqlite:///{tmp_path}/x.db",
        tmp_path,
        environment="production",
        secret_key="dev-only-secret-change-me",
    )
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(settings)


def test_output_is_escaped(db: Session, web: WebClient) -> None:
    admin = make_user(db, Role.ADMIN, full_name="<script>alert(1)</script>")
    web.login(admin.email, PASSWORD)
    html = web.get("/admin/users").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_signed_in_user_keeps_their_menu_on_a_404(db: Session, web: WebClient) -> None:
    admin = make_user(db, Role.ADMIN, full_name="Quản trị A")
    web.login(admin.email, PASSWORD)
    r = web.get("/no/such/page")
    assert r.status_code == 404
    assert "Quản trị A" in r.text and "/admin/audit" in r.text
