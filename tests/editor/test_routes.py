"""POST /editor/markdown: the office and departments convert pasted HTML; everyone else is
refused as elsewhere; CSRF is checked; a body over the limit is refused with 413."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from app.accounts.models import Role, UserStatus
from app.editor.paste import MAX_HTML_BYTES
from app.orgs.models import OrgKind
from tests.conftest import WebClient, make_settings, page_text
from tests.factories import PASSWORD, make_org, make_user

URL = "/editor/markdown"
WORD = (Path(__file__).parent / "word_paste.html").read_bytes()
HTML = "<h2 class=MsoNormal>Kết quả</h2><p><b>Đậm</b> <o:p></o:p></p>".encode()


def _post(b: WebClient, body: bytes, *, token: str | None = "") -> Any:
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if token is not None:
        headers["X-CSRF-Token"] = token or b.csrf()
    return b.client.post(URL, content=body, headers=headers)


def _signed_in(db: Session, new_web: Any, role: Role, **over: Any) -> WebClient:
    b: WebClient = new_web()
    assert b.login(make_user(db, role, **over).email, PASSWORD).status_code == 303
    return b


@pytest.mark.parametrize("role", [Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.DEPARTMENT])
def test_staff_get_markdown_back(db: Session, new_web: Any, role: Role) -> None:
    b = _signed_in(db, new_web, role)
    r = _post(b, HTML)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["cache-control"] == "no-store"
    assert r.json() == {"markdown": "## Kết quả\n\n**Đậm**"}


def test_word_sample_through_the_route(db: Session, new_web: Any) -> None:
    r = _post(_signed_in(db, new_web, Role.DEPARTMENT), WORD)
    assert r.status_code == 200
    markdown = r.json()["markdown"]
    assert markdown.startswith("# Thông cáo báo chí về tình hình mưa lũ tại Quảng Ninh")
    assert "| Đặc khu Cô Tô | 124 |" in markdown
    assert "mso-" not in markdown and "alert" not in markdown


@pytest.mark.parametrize("who", ["admin", "journalist", "pending"])
def test_others_signed_in_are_refused(db: Session, new_web: Any, who: str) -> None:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY)
    if who == "admin":
        b = _signed_in(db, new_web, Role.ADMIN)
    else:
        status = UserStatus.PENDING if who == "pending" else UserStatus.ACTIVE
        b = _signed_in(
            db, new_web, Role.JOURNALIST, org=agency, status=status, press_card_number=f"Q-{who}"
        )
    r = _post(b, HTML)
    assert r.status_code == 403
    assert not r.headers["content-type"].startswith("application/json")


def test_anonymous_is_sent_to_sign_in(web: WebClient) -> None:
    r = _post(web, HTML)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


def test_without_or_with_a_wrong_csrf_token_is_refused(db: Session, new_web: Any) -> None:
    b = _signed_in(db, new_web, Role.PRESS_OFFICE)
    refused = _post(b, HTML, token=None)
    assert refused.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in page_text(refused.text)
    assert _post(b, HTML, token="x" * 43).status_code == 403
    other = _signed_in(db, new_web, Role.PRESS_OFFICE)
    assert _post(b, HTML, token=other.csrf()).status_code == 403
    assert _post(b, HTML).status_code == 200  # its own token


def test_body_over_the_request_limit_is_413(db: Session, new_web: Any, settings: Any) -> None:
    b = _signed_in(db, new_web, Role.PRESS_OFFICE)
    r = _post(b, b"<p>" + b"a" * settings.max_request_bytes + b"</p>")
    assert r.status_code == 413
    assert "Tệp tải lên quá lớn" in page_text(r.text)


def test_html_over_the_paste_limit_is_413_even_when_the_app_takes_larger_bodies(
    app: Any, db: Session, new_web: Any, tmp_path: Path
) -> None:
    b = _signed_in(db, new_web, Role.DEPARTMENT)
    app.state.settings = make_settings(
        app.state.settings.database_url, tmp_path, max_request_bytes=4 * MAX_HTML_BYTES
    )
    just_fits = b"<p>" + b"a" * (MAX_HTML_BYTES - 7) + b"</p>"
    assert len(just_fits) == MAX_HTML_BYTES
    assert _post(b, just_fits).status_code == 200
    r = _post(b, just_fits + b" ")
    assert r.status_code == 413
