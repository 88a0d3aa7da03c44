"""The health check and the 503 page when the database is unreachable."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app
from tests.conftest import make_settings


def test_healthz_reports_app_and_database(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


UNREACHABLE = {
    "sqlite": lambda tmp: f"sqlite:///{tmp}/no/such/folder/pressdesk.db",
    "postgresql": lambda tmp: "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2",
}


def _down_client(backend_name: str, tmp_path: Path) -> TestClient:
    settings = make_settings(UNREACHABLE[backend_name](tmp_path), tmp_path)
    return TestClient(create_app(settings), follow_redirects=False, raise_server_exceptions=False)


def test_healthz_is_503_when_database_is_unreachable(backend, tmp_path: Path) -> None:
    with _down_client(backend.name, tmp_path) as down:
        r = down.get("/healthz")
    assert r.status_code == 503
    assert r.json()["database"] == "unavailable"


def test_database_outage_gives_503_page_without_trace(backend, tmp_path: Path) -> None:
    with _down_client(backend.name, tmp_path) as down:
        csrf = down.get("/login").cookies.get("pd_csrf")
        r = down.post("/login", data={"email": "a@b.vn", "password": "x" * 12, "csrf_token": csrf})
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("text/html")
    assert "Dịch vụ tạm thời gián đoạn" in r.text
    assert "Traceback" not in r.text and "OperationalError" not in r.text
    assert r.headers["retry-after"] == "30"
    with _down_client(backend.name, tmp_path) as down:
        down.cookies.set("pd_lang", "en")
        csrf = down.get("/login").cookies.get("pd_csrf")
        english = down.post(
            "/login", data={"email": "a@b.vn", "password": "x" * 12, "csrf_token": csrf}
        )
    assert english.status_code == 503
    assert "The service is temporarily unavailable" in english.text
