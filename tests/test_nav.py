"""The menus: staff get their workspace (at most seven entries in the row, the rest under "More",
the current section marked) with the public site apart; visitors and journalists the public menu."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from app.accounts.models import Role
from app.pages import nav
from tests.factories import PASSWORD, make_org, make_user
from tests.support import html


def signed_in_page(new_web: Any, db: Session, role: Role | None, path: str) -> Any:
    web = new_web()
    if role is not None:
        org = make_org(db) if role in (Role.DEPARTMENT, Role.JOURNALIST) else None
        user = make_user(db, role, **({"org": org} if org else {}))
        assert web.login(user.email, PASSWORD).status_code == 303
    r = web.get(path)
    assert r.status_code == 200, r.text
    return html(r.text)


@pytest.mark.parametrize(
    "role", [Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.DEPARTMENT, Role.ADMIN]
)
def test_staff_see_at_most_seven_work_entries_and_the_public_site_apart(
    new_web: Any, db: Session, role: Role
) -> None:
    page = signed_in_page(new_web, db, role, "/dashboard")
    row = page.attrs("nav.main-nav > ul > li > a", "href")
    more = page.attrs("nav.main-nav .menu-more a", "href")
    public = page.attrs("nav.public-nav a", "href")
    assert 2 <= len(row) <= nav.VISIBLE
    assert not set(row) & set(public) and not set(more) & set(public)
    assert "/statements" in public and "/statements" not in row  # the newsroom is not work
    assert page.one("nav.main-nav").get("data-workspace") is not None
    if role == Role.PRESS_OFFICE:
        assert row[:4] == [
            "/dashboard",
            "/office/briefings",
            "/office/questions",
            "/office/statements",
        ]
        assert "/office/journalists" in more and "/office/press-agencies" in more


def test_the_current_section_is_marked_on_its_inner_pages(new_web: Any, db: Session) -> None:
    page = signed_in_page(new_web, db, Role.PRESS_OFFICE, "/office/questions?status=new")
    assert page.attrs('nav.main-nav a[aria-current="page"]', "href") == ["/office/questions"]
    page = signed_in_page(new_web, db, Role.PRESS_OFFICE, "/inbox")
    assert page.attrs('nav.main-nav a[aria-current="true"]', "href") == ["/dashboard"]
    page = signed_in_page(new_web, db, Role.PRESS_OFFICE, "/office/journalists")
    assert page.all("nav.main-nav details.current-section")  # "More" holds the current one


@pytest.mark.parametrize("role", [None, Role.JOURNALIST])
def test_visitors_and_journalists_keep_the_public_menu(
    new_web: Any, db: Session, role: Role | None
) -> None:
    page = signed_in_page(new_web, db, role, "/statements")
    assert page.all("nav.public-nav") == [] and page.all("nav.main-nav .menu-more") == []
    assert page.one("nav.main-nav").get("data-workspace") is None
    row = page.attrs("nav.main-nav a", "href")
    assert "/statements" in row and not any(h.startswith("/office") for h in row)
    assert page.attrs('nav.main-nav a[aria-current="page"]', "href") == ["/statements"]


@pytest.mark.parametrize(
    ("action", "page"),
    [
        ("/submissions/5/actions/return", "/submissions/5"),
        ("/office/questions/7/assign", "/office/questions/7"),
        ("/notices/read", "/notices"),
    ],
)
def test_reloading_the_address_of_a_refused_form_leads_back_to_its_page(
    new_web: Any, db: Session, action: str, page: str
) -> None:
    web = new_web()
    user = make_user(db, Role.PRESS_OFFICE)
    assert web.login(user.email, PASSWORD).status_code == 303
    r = web.get(action, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == page


def test_the_api_still_says_the_method_is_not_allowed(new_web: Any) -> None:
    r = new_web().get("/api/v1/statements/1/submit", follow_redirects=False)
    assert r.status_code == 405
    assert r.headers["content-type"].startswith("application/problem+json")
