"""Access control in one place: every route declares a rule, and each rule holds for each role."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlmodel import Session
from starlette.routing import Mount, Route

from app.access import PUBLIC_MOUNTS, RULES, Rule
from app.accounts.models import Role, UserStatus
from app.main import create_app
from tests.conftest import WebClient, make_settings
from tests.factories import PASSWORD, make_briefing, make_org, make_user


def _rules_of(dependant: Any) -> list[Rule]:
    found = [d.call for d in dependant.dependencies if isinstance(d.call, Rule)]
    for sub in dependant.dependencies:
        found.extend(_rules_of(sub))
    return found


def _api_routes(app: Any) -> list[Any]:
    # FastAPI 0.16x wraps included routers; iter_route_contexts flattens them with their prefixes.
    return [
        ctx for ctx in iter_route_contexts(app.routes) if isinstance(ctx.original_route, APIRoute)
    ]


def route_table(app: Any) -> list[tuple[str, set[str], list[Rule]]]:
    return [(ctx.path, set(ctx.methods), _rules_of(ctx.dependant)) for ctx in _api_routes(app)]


def test_every_route_declares_exactly_one_access_rule(tmp_path) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path}/x.db", tmp_path))
    missing, several = [], []
    for path, methods, rules in route_table(app):
        if not rules:
            missing.append(f"{sorted(methods)} {path}")
        elif len(set(rules)) > 1:
            several.append(f"{sorted(methods)} {path}: {[r.name for r in rules]}")
    assert not missing, f"routes without an access rule: {missing}"
    assert not several, f"routes with more than one rule: {several}"
    others = [
        ctx.path
        for ctx in iter_route_contexts(app.routes)
        if isinstance(ctx.original_route, Mount | Route)
        and not isinstance(ctx.original_route, APIRoute)
    ]
    assert set(others) <= PUBLIC_MOUNTS, f"non-API routes must be listed in PUBLIC_MOUNTS: {others}"
    assert len(route_table(app)) > 20  # the walk really saw the application


# Everyone a rule is tried with. "pending" is a journalist not yet verified.
PEOPLE = (
    "anonymous",
    "admin",
    "press_office",
    "spokesperson",
    "department",
    "journalist",
    "pending",
)
EVERYONE = set(PEOPLE)
# Who each rule lets in; anything else is refused.
ALLOWED: dict[str, set[str]] = {
    "public": EVERYONE,
    "signed_in": {"admin", "press_office", "spokesperson", "department", "journalist", "pending"},
    "active_user": {"admin", "press_office", "spokesperson", "department", "journalist"},
    "admin": {"admin"},
    "office": {"press_office", "spokesperson"},
    "department": {"department"},
    "journalist": {"journalist"},
    "staff": {"press_office", "spokesperson", "department"},
    "reports": {"admin", "press_office", "spokesperson", "department"},
    "province_report": {"admin", "press_office", "spokesperson"},
    "public_by_token": EVERYONE,
    "public_preference": EVERYONE,
    "journalist_account": {"journalist", "pending"},
}


def test_rule_table_covers_every_rule() -> None:
    assert {r.name for r in RULES} == set(ALLOWED)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_permits_exactly_its_roles(rule: Rule) -> None:
    from app.accounts.models import User

    def person(name: str) -> User | None:
        if name == "anonymous":
            return None
        role = Role.JOURNALIST if name == "pending" else Role(name)
        status = UserStatus.PENDING if name == "pending" else UserStatus.ACTIVE
        return User(email="x@y.vn", full_name="x", role=role, status=status, password_hash="x")

    allowed = {p for p in PEOPLE if rule.permits(person(p))}
    assert allowed == ALLOWED[rule.name]
    disabled = person("admin")
    assert disabled is not None
    disabled.status = UserStatus.DISABLED
    assert rule.permits(disabled) == (rule.roles is None)


def _people(db: Session) -> dict[str, Any]:
    agency = make_org(db, kind="press_agency")
    return {
        "admin": make_user(db, Role.ADMIN),
        "press_office": make_user(db, Role.PRESS_OFFICE),
        "spokesperson": make_user(db, Role.SPOKESPERSON),
        "department": make_user(db, Role.DEPARTMENT),
        "journalist": make_user(db, Role.JOURNALIST, org=agency, press_card_number="A-1"),
        "pending": make_user(
            db, Role.JOURNALIST, org=agency, status=UserStatus.PENDING, press_card_number="A-2"
        ),
    }


def _fill(path: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(ids[m.group(1)]), path)


def test_each_role_against_each_route(app: Any, db: Session, new_web: Any) -> None:
    """GET: the allowed get in, the rest are refused. POST: the refused are refused before any change."""
    people = _people(db)
    agency_id = people["journalist"].organisation_id
    briefing = make_briefing(db, announced=True)
    ids = {
        "user_id": people["journalist"].id,
        "org_id": people["department"].organisation_id,
        "briefing_id": briefing.id,
        "series_id": 1,
        "day_id": 1,
        "action": "announce",
        "kind_code": "regular_conference",
        "call_id": 1,
        "submission_id": 1,
        "attachment_id": 1,
        "item_id": 1,
        "version": 1,
        "question_id": 1,
        "answer_id": 1,
        "agency_id": agency_id,
        "statement_id": 1,
        "spokesperson_id": 1,
        "lang": "en",
        "number": 1,
        "notice_id": 1,
        "token": "1.x",
        "year": 2026,
        "page": "privacy",
        "source_id": 1,
        "rule_id": 1,
        "file_id": 1,
        "registration_id": 1,
    }
    browsers: dict[str, WebClient] = {}
    for name in PEOPLE:
        b = new_web()
        if name != "anonymous":
            assert b.login(people[name].email, PASSWORD).status_code == 303
        browsers[name] = b

    checked = 0
    for path, methods, rules in route_table(app):
        rule = rules[0]
        url = _fill(path, ids)
        is_api = path.startswith("/api/")
        for name, b in browsers.items():
            allowed = name in ALLOWED[rule.name]
            if "GET" in methods:
                r = b.get(url)
                if allowed:
                    assert r.status_code not in (401, 403), (name, url, r.status_code)
                    assert "/login?next=" not in r.headers.get("location", ""), (name, url)
                else:
                    _assert_refused(r, name, url, is_api)
                checked += 1
            elif not allowed:
                method = next(iter(methods - {"HEAD"}))
                token = b.csrf()
                r = b.client.request(
                    method, url, data={"csrf_token": token}, headers={"X-CSRF-Token": token}
                )
                _assert_refused(r, name, url, is_api)
                checked += 1
    assert checked > 100


def _assert_refused(r: Any, name: str, url: str, is_api: bool) -> None:
    if name == "anonymous":
        if is_api:
            assert r.status_code == 401, (url, r.status_code)
            assert r.headers["content-type"] == "application/problem+json"
        else:
            assert r.status_code == 303, (url, r.status_code)
            assert r.headers["location"].startswith("/login?next=")
    else:
        assert r.status_code == 403, (name, url, r.status_code)


def test_anonymous_is_sent_to_login_and_back(web: WebClient, db: Session) -> None:
    user = make_user(db, Role.ADMIN)
    r = web.get("/admin/organisations?kind=department")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fadmin%2Forganisations%3Fkind%3Ddepartment"
    r = web.post(
        "/login",
        {"email": user.email, "password": PASSWORD, "next": "/admin/organisations?kind=department"},
    )
    assert r.headers["location"] == "/admin/organisations?kind=department"


def test_login_never_redirects_off_site(web: WebClient, db: Session) -> None:
    user = make_user(db, Role.ADMIN)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        r = web.post("/login", {"email": user.email, "password": PASSWORD, "next": target})
        assert r.headers["location"] == "/dashboard"
        web.logout()


def test_htmx_request_of_anonymous_gets_hx_redirect(client: Any) -> None:
    r = client.get("/admin/users", headers={"HX-Request": "true"})
    assert r.status_code == 204
    assert r.headers["HX-Redirect"] == "/login?next=%2Fadmin%2Fusers"


def test_disabled_user_is_refused_everywhere(app: Any, db: Session, web: WebClient) -> None:
    admin = make_user(db, Role.ADMIN)
    other = make_user(db, Role.ADMIN)
    assert web.login(other.email, PASSWORD).status_code == 303
    other.status = UserStatus.DISABLED
    db.add(other)
    db.commit()
    r = web.get("/admin/users")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert admin.id is not None


def test_production_has_no_interactive_docs(tmp_path) -> None:
    from fastapi.testclient import TestClient

    settings = make_settings(f"sqlite:///{tmp_path}/x.db", tmp_path, environment="production")
    with TestClient(create_app(settings)) as c:
        assert c.get("/docs").status_code == 404
        assert c.get("/openapi.json").status_code == 200
