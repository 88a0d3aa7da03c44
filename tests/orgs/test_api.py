"""The organisations JSON API: public reading (with dates), admin changes, problem+json errors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.orgs import service
from app.orgs.models import Organisation, OrgKind
from app.timeutil import local_today
from tests.factories import PASSWORD, make_org, make_user

API = "/api/v1/organisations"
PROBLEM = "application/problem+json"


def api_sign_in(client: TestClient, db: Session, role: Role = Role.ADMIN) -> dict[str, str]:
    """Sign in through the API; returns the headers every change must carry."""
    user = make_user(db, role=role)
    anonymous = client.get("/api/v1/session").json()["csrf_token"]
    r = client.post(
        "/api/v1/session",
        json={"email": user.email, "password": PASSWORD},
        headers={"X-CSRF-Token": anonymous},
    )
    assert r.status_code == 200, r.text
    info = client.get("/api/v1/session").json()
    assert info["authenticated"] is True
    assert info["csrf_token"] != anonymous  # signing in gives a new token
    return {"X-CSRF-Token": info["csrf_token"]}


@pytest.fixture
def admin(client: TestClient, db: Session) -> dict[str, str]:
    return api_sign_in(client, db)


@pytest.fixture
def seeded(db: Session) -> None:
    service.seed(db, actor=Actor.system("test"))


def by_code(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for item in items}


def new_org(**over: Any) -> dict[str, Any]:
    body = {
        "code": "smoi",
        "kind": "department",
        "name_vi": "Sở Mới",
        "name_en": "New Department",
        "valid_from": "2025-03-01",
    }
    body.update(over)
    return body


def assert_problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["title"]
    return body


# --- Reading (public) -------------------------------------------------------------------------


def test_anyone_can_list_organisations_with_their_current_names(
    client: TestClient, seeded: None
) -> None:
    r = client.get(API)

    assert r.status_code == 200
    orgs = by_code(r.json())
    assert orgs["BTGDV"]["name_vi"] == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    assert orgs["SYT"] == {
        "id": orgs["SYT"]["id"],
        "code": "SYT",
        "kind": "department",
        "name_vi": "Sở Y tế",
        "name_en": "Department of Health",
        "valid_from": "2017-03-30",
        "valid_to": None,
    }
    assert "STTTT" not in orgs  # retired on 28/02/2025
    assert "TP-HALONG" not in orgs


def test_list_on_a_past_date_gives_the_names_and_bodies_of_that_date(
    client: TestClient, seeded: None
) -> None:
    orgs = by_code(client.get(API, params={"on": "2024-06-01"}).json())

    assert orgs["BTGDV"]["name_vi"] == "Ban Tuyên giáo Tỉnh ủy"
    assert orgs["BTGDV"]["name_en"] == "Provincial Party Committee's Propaganda Commission"
    assert orgs["STTTT"]["name_vi"] == "Sở Thông tin và Truyền thông"
    assert orgs["STTTT"]["valid_to"] == "2025-02-28"
    assert "SVHTTDL" not in orgs  # did not exist yet
    assert "P-HALONG" not in orgs


def test_list_can_include_retired_bodies(client: TestClient, seeded: None) -> None:
    orgs = by_code(client.get(API, params={"include_retired": "true"}).json())
    assert orgs["STTTT"]["valid_to"] == "2025-02-28"
    assert orgs["SYT"]["valid_to"] is None


def test_list_filters_by_kind(client: TestClient, seeded: None) -> None:
    items = client.get(API, params={"kind": "press_agency"}).json()

    assert {item["kind"] for item in items} == {"press_agency"}
    codes = {item["code"] for item in items}
    assert {"TTXVN", "VTV", "NHANDAN"} <= codes
    assert "SYT" not in codes


def test_list_with_an_unknown_kind_is_a_problem(client: TestClient) -> None:
    body = assert_problem(client.get(API, params={"kind": "ministry"}), 422)
    assert "kind" in body["errors"]


def test_list_with_an_unreadable_date_is_a_problem(client: TestClient) -> None:
    assert_problem(client.get(API, params={"on": "01/06/2024"}), 422)


def test_one_organisation_comes_with_its_names_history(client: TestClient, seeded: None) -> None:
    btgdv_id = by_code(client.get(API).json())["BTGDV"]["id"]

    r = client.get(f"{API}/{btgdv_id}")

    assert r.status_code == 200
    body = r.json()
    assert body["code"] == "BTGDV" and body["kind"] == "party_body"
    assert body["name_vi"] == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    assert [(n["name_vi"], n["valid_from"], n["valid_to"]) for n in body["names"]] == [
        ("Ban Tuyên giáo Tỉnh ủy", "2017-03-30", "2025-02-28"),
        ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "2025-03-01", None),
    ]


def test_an_unknown_organisation_is_404_problem(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/999999"), 404)


# --- Changes (administrators) -----------------------------------------------------------------


def test_admin_creates_an_organisation(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    r = client.post(API, json=new_org(), headers=admin)

    assert r.status_code == 201, r.text
    body = r.json()
    assert body["code"] == "SMOI"
    assert (body["kind"], body["name_vi"], body["valid_from"], body["valid_to"]) == (
        "department",
        "Sở Mới",
        "2025-03-01",
        None,
    )
    assert body["names"] == [
        {
            "name_vi": "Sở Mới",
            "name_en": "New Department",
            "valid_from": "2025-03-01",
            "valid_to": None,
        }
    ]
    assert client.get(f"{API}/{body['id']}").json() == body
    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "organisation.created")).all()
    assert event.object_id == str(body["id"])


def test_admin_renames_an_organisation(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    org = make_org(db, name_vi="Sở Cũ", name_en="Old", valid_from=date(2017, 1, 1))
    effective = local_today() - timedelta(days=10)

    r = client.post(
        f"{API}/{org.id}/rename",
        json={"name_vi": "Sở Mới", "name_en": "New", "effective": effective.isoformat()},
        headers=admin,
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["name_vi"], body["name_en"]) == ("Sở Mới", "New")
    assert [(n["name_vi"], n["valid_to"]) for n in body["names"]] == [
        ("Sở Cũ", (effective - timedelta(days=1)).isoformat()),
        ("Sở Mới", None),
    ]
    before = client.get(API, params={"on": (effective - timedelta(days=1)).isoformat()}).json()
    assert by_code(before)[org.code]["name_vi"] == "Sở Cũ"


def test_admin_retires_an_organisation(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    org = make_org(db, valid_from=date(2017, 1, 1))

    r = client.post(f"{API}/{org.id}/retire", json={"last_day": "2025-02-28"}, headers=admin)

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["valid_to"] == "2025-02-28"
    assert body["names"][-1]["valid_to"] == "2025-02-28"
    assert org.code not in by_code(client.get(API).json())


def test_rename_that_is_not_allowed_is_a_422_problem_naming_the_field(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    org = make_org(db, name_vi="Sở Cũ", valid_from=date(2020, 1, 1))
    r = client.post(
        f"{API}/{org.id}/rename",
        json={"name_vi": "Sở Mới", "name_en": "New", "effective": "2020-01-01"},
        headers={**admin, "Accept-Language": "en"},
    )
    body = assert_problem(r, 422)
    assert body["errors"] == {
        "effective": "The new name must take effect after 01/01/2020, when the current name began."
    }


def test_changing_a_retired_organisation_is_a_409_problem(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    org = make_org(db, valid_from=date(2017, 1, 1))
    assert (
        client.post(
            f"{API}/{org.id}/retire", json={"last_day": "2025-02-28"}, headers=admin
        ).status_code
        == 200
    )

    again = client.post(f"{API}/{org.id}/retire", json={"last_day": "2025-06-30"}, headers=admin)
    rename = client.post(
        f"{API}/{org.id}/rename",
        json={"name_vi": "A", "name_en": "B", "effective": "2025-03-01"},
        headers=admin,
    )

    for r in (again, rename):
        body = assert_problem(r, 409)
        assert body["detail"] == "Cơ quan, đơn vị này đã ngừng hoạt động."


def test_changing_an_unknown_organisation_is_a_404_problem(
    client: TestClient, admin: dict[str, str]
) -> None:
    assert_problem(
        client.post(f"{API}/999999/retire", json={"last_day": "2025-01-01"}, headers=admin), 404
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name_vi": None}, "name_vi"),
        ({"kind": "ministry"}, "kind"),
        ({"valid_from": "30/02/2025"}, "valid_from"),
    ],
)
def test_malformed_body_is_a_422_problem(
    client: TestClient, db: Session, admin: dict[str, str], change: dict[str, Any], field: str
) -> None:
    body = new_org(**change)
    if body.get("name_vi") is None:
        del body["name_vi"]

    problem = assert_problem(client.post(API, json=body, headers=admin), 422)

    assert field in problem["errors"]
    assert db.exec(select(Organisation)).all() == []


def test_invalid_values_are_a_422_problem_with_translated_field_errors(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    make_org(db, code="SYT")

    vi = assert_problem(client.post(API, json=new_org(code="syt"), headers=admin), 422)
    en = assert_problem(
        client.post(
            API, json=new_org(code="syt", name_en=" "), headers={**admin, "Accept-Language": "en"}
        ),
        422,
    )

    assert vi["errors"] == {"code": "Mã này đã được một cơ quan, đơn vị khác sử dụng."}
    assert en["errors"] == {
        "code": "Another organisation already uses this code.",
        "name_en": "Enter the English name.",
    }
    assert en["title"] == "Please correct the highlighted fields"
    assert len(db.exec(select(Organisation)).all()) == 1


# --- Who may change ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("", new_org()),
        ("/{id}/rename", {"name_vi": "A", "name_en": "B", "effective": "2025-03-01"}),
        ("/{id}/retire", {"last_day": "2025-02-28"}),
    ],
)
def test_anonymous_changes_are_refused_with_401_problem(
    client: TestClient, db: Session, path: str, body: dict[str, Any]
) -> None:
    org = make_org(db, name_vi="Sở Y tế", valid_from=date(2017, 1, 1))
    csrf = client.get("/api/v1/session").json()["csrf_token"]

    r = client.post(API + path.format(id=org.id), json=body, headers={"X-CSRF-Token": csrf})

    problem = assert_problem(r, 401)
    assert problem["title"] == "Vui lòng đăng nhập"
    assert r.headers["www-authenticate"] == "Cookie"
    db.expire_all()
    assert [o.code for o in db.exec(select(Organisation))] == [org.code]
    assert [n.name_vi for n in service.history(db, org.id or 0)] == ["Sở Y tế"]
    assert service.get(db, org.id or 0).valid_to is None


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT, Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.JOURNALIST]
)
def test_other_roles_are_refused_with_403_problem(
    client: TestClient, db: Session, role: Role
) -> None:
    headers = api_sign_in(client, db, role)
    org = make_org(db, valid_from=date(2017, 1, 1))

    create = client.post(API, json=new_org(), headers=headers)
    retire = client.post(f"{API}/{org.id}/retire", json={"last_day": "2025-02-28"}, headers=headers)

    for r in (create, retire):
        assert_problem(r, 403)
    db.expire_all()
    assert service.get_by_code(db, "SMOI") is None
    assert service.get(db, org.id or 0).valid_to is None


def test_change_without_the_csrf_header_is_refused(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    missing = client.post(API, json=new_org())
    wrong = client.post(API, json=new_org(), headers={"X-CSRF-Token": "x" * 43})

    for r in (missing, wrong):
        assert_problem(r, 403)
    assert service.get_by_code(db, "SMOI") is None
    # The same request with the token goes through.
    assert client.post(API, json=new_org(), headers=admin).status_code == 201


def test_reading_needs_no_csrf_token_nor_session(client: TestClient, db: Session) -> None:
    make_org(db, code="TTXVN", kind=OrgKind.PRESS_AGENCY)
    r = client.get(API, params={"kind": "press_agency"})
    assert r.status_code == 200
    assert [item["code"] for item in r.json()] == ["TTXVN"]
