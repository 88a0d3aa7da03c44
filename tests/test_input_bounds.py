"""Input bounds, the same for every page and the JSON API (`app.forms`): an id or a number outside
the integer range, a date outside the years 2000 to 2100, text with control characters or a lone
surrogate are refused with 404 or 422 naming the field, never a server error; and the JSON API
says in its schema how long each text field may be."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.accounts.models import Role
from app.error_pages import install_handlers
from app.timeutil import local_today
from tests.conftest import WebClient
from tests.factories import make_briefing, make_kind, make_org
from tests.support import PROBLEM, html, signed_in

BIG, SMALL = 2**63, -(2**63) - 1
DAY_RANGE = "Hãy nhập ngày trong khoảng từ năm 2000 đến năm 2100."
CONTROL = "Hãy xóa các ký tự điều khiển khỏi nội dung này."
NUMBER_RANGE = "Số này nằm ngoài phạm vi cho phép."

# Routes with an id in the path, across the areas (API and pages).
ID_ROUTES = [
    "/api/v1/statements/{n}",
    "/api/v1/statements/{n}/draft",
    "/api/v1/questions/{n}",
    "/api/v1/calls/{n}",
    "/api/v1/submissions/{n}",
    "/api/v1/submissions/1/attachments/{n}",
    "/api/v1/briefings/{n}",
    "/api/v1/briefing-series/{n}",
    "/api/v1/organisations/{n}",
    "/api/v1/press-agencies/{n}",
    "/api/v1/journalists/{n}",
    "/statements/{n}",
    "/statements/1/files/{n}",
    "/briefings/{n}",
    "/briefings/{n}.ics",
    "/office/briefings/{n}",
    "/office/briefing-series/{n}",
    "/submissions/{n}",
    "/office/questions/{n}",
    "/office/statements/{n}",
    "/office/incidents/{n}",
    "/office/giao-ban/{n}",
    "/admin/organisations/{n}",
    "/admin/users/{n}",
    "/reports/annual/{n}",
]


@pytest.fixture
def office(app: Any, db: Session) -> Iterator[WebClient]:
    """The press office in a browser that shows server errors as answers (500), not exceptions."""
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as c:
        web = WebClient(c)
        signed_in(web, db, Role.PRESS_OFFICE)
        yield web


@pytest.fixture
def anonymous(app: Any) -> Iterator[WebClient]:
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as c:
        yield WebClient(c)


def api(web: WebClient, method: str, url: str, body: str | dict[str, Any]) -> Any:
    """A JSON request with the CSRF header; `body` as raw JSON text or as a dict."""
    headers = {"x-csrf-token": web.csrf(), "content-type": "application/json"}
    if isinstance(body, str):
        return web.client.request(method, url, content=body.encode(), headers=headers)
    return web.client.request(method, url, json=body, headers=headers)


def field_errors(r: Any) -> dict[str, str]:
    """The problem document's messages by field, after checking it is a 422 problem."""
    assert r.status_code == 422, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith(PROBLEM)
    errors: dict[str, str] = r.json()["errors"]
    return errors


# --- Numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [BIG, SMALL, 2**31], ids=["2^63", "-2^63-1", "2^31"])
def test_an_id_outside_the_integer_range_is_not_found_anywhere(
    office: WebClient, number: int
) -> None:
    answers = {url: office.get(url.format(n=number)).status_code for url in ID_ROUTES}
    assert {url: s for url, s in answers.items() if s != 404} == {}
    close = api(office, "POST", f"/api/v1/calls/{number}/close", {})
    assert close.status_code == 404
    edit = office.post(f"/office/briefings/{number}/edit", {"title_vi": "x"})
    assert edit.status_code == 404


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/statements?organisation_id=-17318435205707000000000", "organisation_id"),
        (f"/api/v1/questions?organisation_id={BIG}", "organisation_id"),
        (f"/api/v1/calls?briefing_id={BIG}", "briefing_id"),
        (f"/api/v1/submissions?call_id={SMALL}", "call_id"),
        (f"/api/v1/reports/decree244?year={BIG}", "year"),
    ],
)
def test_a_query_number_outside_the_range_is_refused_naming_it(
    office: WebClient, url: str, name: str
) -> None:
    assert field_errors(office.get(url)) == {name: NUMBER_RANGE}


def test_a_page_refuses_a_query_number_outside_the_range(office: WebClient) -> None:
    r = office.get(f"/office/compliance?year={BIG}")
    assert r.status_code == 422
    assert NUMBER_RANGE in html(r.text).text()


@pytest.mark.parametrize("year", [0, 1999, 2101, 99999])
def test_a_yearly_report_for_a_year_outside_2000_to_2100_is_refused(
    office: WebClient, year: int
) -> None:
    errors = field_errors(office.get(f"/api/v1/reports/decree244?year={year}"))
    assert errors == {"year": "Hãy nhập năm trong khoảng từ 2000 đến 2100."}
    assert office.get(f"/reports/annual/{year}").status_code == 404  # no such report


def test_an_id_in_a_json_body_outside_the_range_is_refused_naming_it(office: WebClient) -> None:
    r = api(office, "POST", "/api/v1/statements", {"title": "Thông cáo", "organisation_id": BIG})
    assert field_errors(r) == {"organisation_id": NUMBER_RANGE}
    r = api(office, "POST", "/api/v1/calls", {"briefing_id": SMALL, "organisation_ids": [BIG]})
    assert field_errors(r) == {"briefing_id": NUMBER_RANGE, "organisation_ids.0": NUMBER_RANGE}


# --- Dates -------------------------------------------------------------------------------------


def test_a_briefing_on_the_first_day_of_year_one_is_refused_beside_the_day(
    office: WebClient, db: Session
) -> None:
    kind = make_kind(db)
    body = {
        "kind_id": kind.id,
        "title_vi": "Họp báo",
        "day": "0001-01-01",
        "start": "15:00",
        "end": "16:00",
        "content_deadline": "9999-12-31",
    }
    errors = field_errors(api(office, "POST", "/api/v1/briefings", body))
    assert errors == {"day": DAY_RANGE, "content_deadline": DAY_RANGE}


def test_a_call_due_at_the_end_of_year_9999_is_refused_beside_the_deadline(
    office: WebClient, db: Session
) -> None:
    briefing = make_briefing(db, days_ahead=10)
    org = make_org(db)
    body = {
        "briefing_id": briefing.id,
        "organisation_ids": [org.id],
        "deadline": "9999-12-31T23:59:59Z",
    }
    assert field_errors(api(office, "POST", "/api/v1/calls", body)) == {"deadline": DAY_RANGE}


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/statements?from=0001-01-01", "from"),
        ("/api/v1/statements?to=9999-12-31", "to"),
        ("/api/v1/briefings?from=1999-12-31", "from"),
        ("/api/v1/organisations?on=2101-01-01", "on"),
    ],
)
def test_a_query_date_outside_the_years_2000_to_2100_is_refused_naming_it(
    anonymous: WebClient, url: str, name: str
) -> None:
    assert field_errors(anonymous.get(url)) == {name: DAY_RANGE}


def test_the_briefing_form_comes_back_with_a_message_beside_a_date_out_of_range(
    office: WebClient, db: Session
) -> None:
    kind = make_kind(db)
    form = {
        "kind_id": str(kind.id),
        "title_vi": "Họp báo",
        "day": "0001-01-01",
        "start": "15:00",
        "end": "16:00",
    }
    r = office.post("/office/briefings/new", form)
    assert r.status_code == 422
    page = html(r.text)
    assert page.texts("#f-day-error")
    assert page.one("#f-day").get("value") == "0001-01-01"  # what was typed is kept


def test_dates_within_the_years_2000_to_2100_are_taken(office: WebClient, db: Session) -> None:
    kind = make_kind(db)
    day = (local_today() + timedelta(days=20)).isoformat()
    body = {"kind_id": kind.id, "title_vi": "Họp báo", "day": day, "start": "15:00", "end": "16:00"}
    assert api(office, "POST", "/api/v1/briefings", body).status_code == 201


# --- Text --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"email": "\\ud800@x.vn", "password": "mat-khau-dai-du"}', "email"),
        ('{"email": "a@x.vn", "password": "\\udfff"}', "password"),
        ('{"email": "a\\u0000@x.vn", "password": "mat-khau-dai-du"}', "email"),
    ],
    ids=["surrogate-email", "surrogate-password", "nul-email"],
)
def test_signing_in_with_a_lone_surrogate_or_nul_is_refused_naming_the_field(
    anonymous: WebClient, body: str, field: str
) -> None:
    r = api(anonymous, "POST", "/api/v1/session", body)
    assert set(field_errors(r)) == {field}


def test_a_page_form_with_a_nul_character_is_refused(anonymous: WebClient) -> None:
    r = anonymous.post("/login", {"email": "a\x00@x.vn", "password": "mat-khau-dai-du"})
    assert r.status_code == 422
    assert html(r.text).texts("#f-email-error") == [f"Lỗi: {CONTROL}"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ('{"title": "Thông cáo \\ud83d"}', "title", CONTROL),
        ('{"title": "Thông cáo", "body": "Nội dung\\u0000"}', "body", CONTROL),
        ('{"title": "Thông cáo", "summary": "Tóm tắt \\u0085"}', "summary", CONTROL),
        ('{"title": "Dòng một\\nDòng hai"}', "title", "Hãy viết nội dung này trên một dòng."),
    ],
    ids=["surrogate", "nul", "c1-control", "newline-in-a-line"],
)
def test_api_text_with_control_characters_is_refused_naming_the_field(
    office: WebClient, body: str, field: str, message: str
) -> None:
    r = api(office, "POST", "/api/v1/statements", body)
    assert field_errors(r) == {field: message}


def test_long_api_text_keeps_its_line_breaks_and_tabs(office: WebClient, db: Session) -> None:
    kind = make_kind(db)
    day = (local_today() + timedelta(days=20)).isoformat()
    body = {
        "kind_id": kind.id,
        "title_vi": "Họp báo",
        "day": day,
        "start": "15:00",
        "end": "16:00",
        "notes": "Đoạn một.\n\n\tĐoạn hai.",
    }
    r = api(office, "POST", "/api/v1/briefings", body)
    assert r.status_code == 201, r.text
    assert r.json()["notes"] == "Đoạn một.\n\n\tĐoạn hai."


def test_a_page_form_with_a_control_character_comes_back_with_a_message_beside_it(
    office: WebClient, db: Session
) -> None:
    kind = make_kind(db)
    day = (local_today() + timedelta(days=20)).isoformat()
    form = {
        "kind_id": str(kind.id),
        "title_vi": "Họp\x01báo",
        "day": day,
        "start": "15:00",
        "end": "16:00",
    }
    r = office.post("/office/briefings/new", form)
    assert r.status_code == 422
    assert html(r.text).texts("#f-title_vi-error") == [f"Lỗi: {CONTROL}"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/statements?q=%00%01", None),
        ("/api/v1/statements?topic=%00", "topic"),
        ("/api/v1/briefings?kind=%01", "kind"),
        ("/api/v1/questions?q=ab%00", "q"),
    ],
)
def test_query_text_with_control_characters_is_refused(
    office: WebClient, url: str, name: str | None
) -> None:
    r = office.get(url)
    if name is None:  # a page
        assert r.status_code == 422
        assert CONTROL in html(r.text).text()
    else:
        assert field_errors(r) == {name: CONTROL}


# --- The schema --------------------------------------------------------------------------------


def _strings_without_a_limit(schema: dict[str, Any], spec: dict[str, Any], at: str) -> list[str]:
    """The text fields reachable from `schema` that state no maxLength (through $ref, anyOf,
    arrays and nested objects)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _strings_without_a_limit(spec["components"]["schemas"][name], spec, at)
    found: list[str] = []
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        found += _strings_without_a_limit(option, spec, at)
    plain = not {"enum", "format", "const", "maxLength"} & set(schema)
    if schema.get("type") == "string" and plain:
        found.append(at)
    if schema.get("type") == "array":
        found += _strings_without_a_limit(schema.get("items", {}), spec, f"{at}[]")
    for name, prop in schema.get("properties", {}).items():
        found += _strings_without_a_limit(prop, spec, f"{at}.{name}")
    return found


def test_every_text_field_of_the_api_states_its_longest(anonymous: WebClient) -> None:
    spec = anonymous.get("/openapi.json").json()
    missing: list[str] = []
    bodies = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                bodies += 1
                where = f"{method.upper()} {path}"
                missing += _strings_without_a_limit(
                    content["application/json"]["schema"], spec, where
                )
    assert bodies >= 25
    assert missing == []


def test_text_with_a_nul_reaching_postgresql_unchecked_is_refused_not_a_crash(
    app: Any, backend: Any
) -> None:
    """The fallback for a field no service checks: PostgreSQL's refusal of NUL is a 422."""
    if backend.name != "postgresql":
        pytest.skip("SQLite keeps NUL characters")
    bare = FastAPI()
    bare.state.settings = app.state.settings
    install_handlers(bare)

    @bare.post("/api/v1/echo")
    def echo(body: dict[str, str]) -> None:
        with Session(app.state.engine) as session:
            session.execute(text("SELECT :v"), {"v": body["v"]})

    with TestClient(bare, raise_server_exceptions=False) as c:
        r = c.post("/api/v1/echo", json={"v": "a\u0000b"})
    assert r.status_code == 422
    assert r.json()["detail"] == CONTROL
