"""CSRF: every state-changing request needs this session's token, by form field or header."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role
from app.orgs.models import Organisation
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_user

NEW_ORG = {
    "code": "CSRF1",
    "kind": "department",
    "name_vi": "Sở Kiểm thử",
    "name_en": "Test",
    "valid_from": "2025-03-01",
}


def _org_created(db: Session) -> bool:
    db.expire_all()
    return db.exec(select(Organisation).where(Organisation.code == "CSRF1")).first() is not None


def _signed_in_admin(db: Session, make: Any) -> WebClient:
    b = make()
    assert b.login(make_user(db, Role.ADMIN).email, PASSWORD).status_code == 303
    return b


def test_form_without_token_is_refused_and_changes_nothing(db: Session, new_web: Any) -> None:
    admin = _signed_in_admin(db, new_web)
    r = admin.post("/admin/organisations", NEW_ORG, csrf=False)
    assert r.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in page_text(r.text)
    assert not _org_created(db)


def test_form_with_wrong_token_is_refused(db: Session, new_web: Any) -> None:
    admin = _signed_in_admin(db, new_web)
    r = admin.post("/admin/organisations", {**NEW_ORG, "csrf_token": "x" * 43})
    assert r.status_code == 403
    assert not _org_created(db)


def test_token_of_another_session_is_refused(db: Session, new_web: Any) -> None:
    first = _signed_in_admin(db, new_web)
    second = _signed_in_admin(db, new_web)
    r = second.post("/admin/organisations", {**NEW_ORG, "csrf_token": first.csrf()})
    assert r.status_code == 403
    assert not _org_created(db)
    r = second.post("/admin/organisations", NEW_ORG)  # its own token works
    assert r.status_code == 303
    assert _org_created(db)


def test_htmx_header_token_is_accepted_without_form_field(db: Session, new_web: Any) -> None:
    admin = _signed_in_admin(db, new_web)
    headers = {"X-CSRF-Token": admin.csrf(), "HX-Request": "true"}
    r = admin.client.post("/admin/organisations", data=NEW_ORG, headers=headers)
    assert r.status_code == 204  # an HTMX fragment request is told where to go next
    assert r.headers["HX-Redirect"].startswith("/admin/organisations/")
    assert _org_created(db)


def test_anonymous_token_does_not_survive_sign_in(db: Session, web: WebClient) -> None:
    user = make_user(db, Role.ADMIN)
    before = web.csrf()
    assert web.login(user.email, PASSWORD).status_code == 303
    r = web.post("/admin/organisations", {**NEW_ORG, "csrf_token": before})
    assert r.status_code == 403
    assert web.csrf() != before


def test_login_form_needs_the_token(db: Session, web: WebClient) -> None:
    user = make_user(db, Role.ADMIN)
    r = web.post("/login", {"email": user.email, "password": PASSWORD}, csrf=False)
    assert r.status_code == 403
    assert "pd_session" not in web.client.cookies


def test_api_change_without_header_is_refused(db: Session, web: WebClient) -> None:
    user = make_user(db, Role.ADMIN)
    r = web.client.post("/api/v1/session", json={"email": user.email, "password": PASSWORD})
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    token = web.csrf()
    r = web.client.post(
        "/api/v1/session",
        json={"email": user.email, "password": PASSWORD},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200
    new_token = r.json()["csrf_token"]
    body = {
        "code": "API1",
        "kind": "department",
        "name_vi": "Sở A",
        "name_en": "A",
        "valid_from": "2025-01-01",
    }
    assert (
        web.client.post(
            "/api/v1/organisations", json=body, headers={"X-CSRF-Token": token}
        ).status_code
        == 403
    )
    assert (
        web.client.post(
            "/api/v1/organisations", json=body, headers={"X-CSRF-Token": new_token}
        ).status_code
        == 201
    )


def test_every_form_in_the_pages_carries_the_token(db: Session, web: WebClient) -> None:
    import re

    user = make_user(db, Role.ADMIN)
    web.login(user.email, PASSWORD)
    token = web.csrf()
    for url in (
        "/dashboard",
        "/admin/organisations",
        "/admin/users/new",
        f"/admin/users/{user.id}",
        "/account/password",
    ):
        html = web.get(url).text
        forms = re.findall(r"<form([^>]*method=\"post\"[^>]*)>(.*?)</form>", html, flags=re.S)
        assert forms, url
        for attributes, form in forms:
            if 'class="lang-switch"' in attributes:  # checked by origin: test_language_switch_*
                assert "csrf_token" not in form, url
                continue
            assert f'name="csrf_token" value="{token}"' in form, url
        assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in html


# --- The language switch: a preference of the browser, checked by its origin headers -------------

SITE = "http://testserver"


def _language(b: WebClient, headers: dict[str, str], **form: str) -> Any:
    return b.client.post("/language", data={"lang": "en", "next": "/", **form}, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": SITE},  # any browser of today
        {"Origin": SITE},  # a browser without Fetch Metadata
        {"Referer": f"{SITE}/statements"},  # one that sends neither (an old one)
        {"Origin": "http://pressdesk.example.vn"},  # the site's address (PUBLIC_BASE_URL)
    ],
    ids=["fetch-metadata", "origin", "referer", "public-base-url"],
)
def test_language_switch_from_this_site_needs_no_token(
    new_web: Any, settings: Any, headers: dict[str, str]
) -> None:
    settings.public_base_url = "http://pressdesk.example.vn"
    b = new_web()
    r = _language(b, headers)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert b.client.cookies.get("pd_lang") == "en"
    assert b.get("/").text.startswith('<!doctype html>\n<html lang="en">')


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://other.testserver"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame, a data: page
        {"Referer": "https://evil.example/page"},
        {"Origin": "https://testserver"},  # another scheme is another origin
    ],
    ids=["cross-site", "same-site", "origin", "null", "referer", "scheme"],
)
def test_language_switch_from_another_site_is_refused(
    new_web: Any, headers: dict[str, str]
) -> None:
    b = new_web()
    token = b.csrf()  # even with a valid token: the browser says another site sent it
    r = _language(b, headers, csrf_token=token)
    assert r.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in page_text(r.text)
    assert b.client.cookies.get("pd_lang") is None


def test_language_switch_without_origin_headers_needs_the_token(new_web: Any) -> None:
    """A client that sends none of the headers (not a browser) is checked like any form."""
    b = new_web()
    assert _language(b, {}).status_code == 403
    assert b.client.cookies.get("pd_lang") is None
    assert _language(b, {}, csrf_token=b.csrf()).status_code == 303
    assert b.client.cookies.get("pd_lang") == "en"
