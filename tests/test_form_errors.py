"""A form that comes back with errors says so in the page title, the first thing a screen reader
reads of a new page ("Lỗi: " / "Error: " before the page's own title), in each language."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.accounts.models import Role
from tests.conftest import WebClient
from tests.factories import PASSWORD, make_user
from tests.support import html, signed_in

PREFIX = {"vi": "Lỗi: ", "en": "Error: "}
SIGN_IN = {"vi": "Đăng nhập · ", "en": "Sign in · "}


def title(markup: str) -> str:
    return html(markup).text("title")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_failed_sign_in_says_error_first_in_the_title(
    db: Session, web: WebClient, lang: str
) -> None:
    user = make_user(db, Role.JOURNALIST)
    web.client.cookies.set("pd_lang", lang)
    assert title(web.get("/login").text).startswith(SIGN_IN[lang])  # no error yet

    r = web.login(user.email, "not-the-right-password-1")

    assert r.status_code == 422
    assert title(r.text).startswith(PREFIX[lang] + SIGN_IN[lang])
    assert html(r.text).all(".error-summary")  # the title says what the page shows
    assert web.login(user.email, PASSWORD).status_code == 303  # the form still works


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_failed_registration_says_error_first_in_the_title(web: WebClient, lang: str) -> None:
    web.client.cookies.set("pd_lang", lang)
    before = title(web.get("/register").text)
    assert not before.startswith(PREFIX[lang])

    r = web.post("/register", {"email": "", "full_name": ""})

    assert r.status_code == 422
    assert title(r.text) == PREFIX[lang] + before


def test_a_signed_in_form_with_errors_says_so_and_the_page_again_without_them(
    db: Session, web: WebClient
) -> None:
    signed_in(web, db, Role.PRESS_OFFICE, lang="en")
    r = web.post(
        "/account/password",
        {"current_password": "wrong-one", "password": "x", "password_confirm": "y"},
    )
    assert r.status_code == 422
    assert title(r.text).startswith("Error: ")
    assert not title(web.get("/account/password").text).startswith("Error")


def test_a_boosted_form_gets_the_title_and_a_summary_the_script_can_focus(
    db: Session, web: WebClient
) -> None:
    """With hx-boost the whole page comes back (htmx takes its title); where HTMX swaps only a
    part, static/js/app.js prefixes the title with the summary's own word."""
    user = make_user(db, Role.JOURNALIST)
    r = web.client.post(
        "/login",
        data={"email": user.email, "password": "wrong-password-2", "csrf_token": web.csrf()},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    assert r.status_code == 422
    assert title(r.text).startswith("Lỗi: ")  # a boosted form gets the whole page, title too
    summary = html(r.text).one(".error-summary")
    assert summary.get("data-title-prefix") == "Lỗi:" and summary.get("tabindex") == "-1"
