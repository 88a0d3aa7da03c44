"""The office's registry of press agencies (HTML over HTTP): the list with the kind of media, the
scope and the number of verified journalists; adding and editing an agency with the errors beside
the fields and nothing stored on a refusal; a changed name keeping the old one for older records;
who may use the pages; escaping. And the small organisation service behind it.

Every test runs on SQLite and on PostgreSQL. Pages are read in English (the message ids), so the
assertions do not depend on the translations. What was stored is read back after `expire_all()`.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Role, User, UserStatus
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.errors import NotFound, ValidationFailed
from app.orgs import service as orgs
from app.orgs.models import MediaKind, MediaScope, Organisation, OrganisationName, OrgKind
from app.timeutil import local_today
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_org, make_user

SYSTEM = Actor.system("test")
SCRIPT = "<script>alert(1)</script>"
VALID = {
    "name_vi": "Báo Điện tử Thử Nghiệm",
    "name_en": "Test Online Newspaper",
    "code": "btn-online",
    "media_kind": "online",
    "media_scope": "local",
}


def text_of(html: str) -> str:
    return htmllib.unescape(page_text(html))


def sign_in(web: WebClient, db: Session, role: Role = Role.PRESS_OFFICE, **over: Any) -> User:
    user = make_user(db, role=role, **over)
    web.client.cookies.set("pd_lang", "en")
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return user


@pytest.fixture
def office(web: WebClient, db: Session) -> WebClient:
    sign_in(web, db, Role.PRESS_OFFICE)
    return web


def agency(db: Session, **over: Any) -> Organisation:
    return make_org(db, kind=OrgKind.PRESS_AGENCY, **over)


def row_of(html: str, org_id: int | None) -> str:
    found = re.search(rf'<tr class="agency-row" data-id="{org_id}">(.*?)</tr>', html, re.S)
    assert found is not None, f"no row for #{org_id}"
    return found.group(1)


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr class="agency-row" data-id="(\d+)">', html)]


def error_text(html: str, element_id: str) -> str:
    found = re.search(rf'<p class="error-text" id="{element_id}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no error beside {element_id}"
    return text_of(found.group(1)).strip()


def value_of(html: str, element_id: str) -> str:
    opening = re.findall(rf'<(?:input|select)[^>]*\bid="{element_id}"[^>]*>', html)
    assert len(opening) == 1, opening
    if opening[0].startswith("<select"):
        block = re.search(rf'<select[^>]*\bid="{element_id}"[^>]*>(.*?)</select>', html, re.S)
        assert block is not None
        chosen = re.search(r'<option value="([^"]*)" selected>', block.group(1))
        return htmllib.unescape(chosen.group(1)) if chosen else ""
    found = re.search(r'\bvalue="([^"]*)"', opening[0])
    return htmllib.unescape(found.group(1)) if found else ""


def agencies_in(db: Session) -> list[Organisation]:
    db.expire_all()
    return list(
        db.exec(select(Organisation).where(Organisation.kind == OrgKind.PRESS_AGENCY)).all()
    )


def names_of(db: Session, org_id: int | None) -> list[OrganisationName]:
    db.expire_all()
    return list(
        db.exec(
            select(OrganisationName)
            .where(OrganisationName.organisation_id == org_id)
            .order_by(col(OrganisationName.valid_from))
        ).all()
    )


def audit_count(db: Session, action: str) -> int:
    db.expire_all()
    return int(
        db.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).one()
    )


# --- The list ---------------------------------------------------------------------------------------


def test_list_shows_press_agencies_with_media_scope_and_verified_journalists(
    office: WebClient, db: Session
) -> None:
    radio = agency(
        db,
        name_en="Voice of the Province",
        media_kind=MediaKind.RADIO,
        media_scope=MediaScope.LOCAL,
    )
    unknown = agency(db, name_en="Unclassified Weekly")
    department = make_org(db, name_en="Department of Health")
    for status in (UserStatus.ACTIVE, UserStatus.ACTIVE, UserStatus.PENDING, UserStatus.DISABLED):
        make_user(db, Role.JOURNALIST, org=radio, status=status)
    make_user(db, Role.JOURNALIST, org=unknown, status=UserStatus.PENDING)

    r = office.get("/office/press-agencies")

    assert r.status_code == 200
    assert set(row_ids(r.text)) == {radio.id, unknown.id}
    assert department.id not in row_ids(r.text)
    row = text_of(row_of(r.text, radio.id))
    assert "Voice of the Province" in row
    assert "Radio" in row and "Local" in row
    assert '<td class="journalist-count" data-count="2"' in row_of(r.text, radio.id)
    assert "2 verified journalists" in row
    assert "0 verified journalists" in text_of(row_of(r.text, unknown.id))
    assert "—" in text_of(row_of(r.text, unknown.id))
    assert f'href="/office/press-agencies/{radio.id}/edit"' in r.text


# --- Adding ------------------------------------------------------------------------------------------


def test_adding_a_press_agency_stores_it_with_its_media_and_lists_it(
    office: WebClient, db: Session
) -> None:
    assert office.get("/office/press-agencies/new").status_code == 200

    r = office.post("/office/press-agencies/new", VALID)

    assert r.status_code == 303
    assert r.headers["location"] == "/office/press-agencies"
    (org,) = agencies_in(db)
    assert (org.code, org.kind) == ("BTN-ONLINE", OrgKind.PRESS_AGENCY)
    assert (org.media_kind, org.media_scope) == (MediaKind.ONLINE, MediaScope.LOCAL)
    assert org.valid_from == local_today() and org.valid_to is None
    (name,) = names_of(db, org.id)
    assert (name.name_vi, name.name_en) == (VALID["name_vi"], VALID["name_en"])
    assert audit_count(db, "organisation.created") == 1
    page = office.get(r.headers["location"]).text
    assert "BTN-ONLINE has been added to the press agencies." in text_of(page)
    assert "Online newspaper" in text_of(row_of(page, org.id))


def test_adding_with_mistakes_shows_every_error_beside_its_field_and_stores_nothing(
    office: WebClient, db: Session
) -> None:
    r = office.post(
        "/office/press-agencies/new",
        {"name_vi": " ", "name_en": "", "code": "bad code!", "media_kind": "", "media_scope": "x"},
    )

    assert r.status_code == 422
    assert "Enter the Vietnamese name." in error_text(r.text, "f-name_vi")
    assert "Enter the English name." in error_text(r.text, "f-name_en")
    assert "capital letters" in error_text(r.text, "f-code")
    assert "Choose the kind of media." in error_text(r.text, "f-media_kind")
    assert "central, local or foreign" in error_text(r.text, "f-media_scope")
    assert value_of(r.text, "f-code") == "bad code!"  # what was typed is given back
    assert agencies_in(db) == []
    assert audit_count(db, "organisation.created") == 0


def test_a_code_already_used_is_refused_beside_the_code(office: WebClient, db: Session) -> None:
    make_org(db, code="SYT")

    r = office.post("/office/press-agencies/new", {**VALID, "code": "syt"})

    assert r.status_code == 422
    assert "Another organisation already uses this code." in error_text(r.text, "f-code")
    assert value_of(r.text, "f-media_kind") == "online"
    assert agencies_in(db) == []


def test_errors_by_htmx_come_back_as_the_form_only(office: WebClient, db: Session) -> None:
    r = office.post(
        "/office/press-agencies/new", {**VALID, "name_vi": ""}, headers={"HX-Request": "true"}
    )

    assert r.status_code == 422
    assert r.text.lstrip().startswith('<section id="agency-form">')
    assert "<html" not in r.text
    ok = office.post("/office/press-agencies/new", VALID, headers={"HX-Request": "true"})
    assert ok.status_code == 204 and ok.headers["hx-redirect"] == "/office/press-agencies"


# --- Editing ---------------------------------------------------------------------------------------


def test_edit_form_shows_the_agency_as_it_is(office: WebClient, db: Session) -> None:
    org = agency(
        db,
        code="VTV-T",
        name_vi="Đài Thử",
        name_en="Test TV",
        media_kind=MediaKind.TELEVISION,
        media_scope=MediaScope.CENTRAL,
    )

    r = office.get(f"/office/press-agencies/{org.id}/edit")

    assert r.status_code == 200
    assert value_of(r.text, "f-name_vi") == "Đài Thử"
    assert value_of(r.text, "f-name_en") == "Test TV"
    assert value_of(r.text, "f-code") == "VTV-T"
    assert value_of(r.text, "f-media_kind") == "television"
    assert value_of(r.text, "f-media_scope") == "central"
    assert f'action="/office/press-agencies/{org.id}/edit"' in r.text


def test_editing_saves_code_media_and_a_new_name_from_today_keeping_the_old_one(
    office: WebClient, db: Session
) -> None:
    org = agency(db, code="OLD", name_vi="Báo Cũ", name_en="Old Paper", valid_from=date(2020, 1, 1))

    r = office.post(
        f"/office/press-agencies/{org.id}/edit",
        {
            "name_vi": "Báo Mới",
            "name_en": "New Paper",
            "code": "new",
            "media_kind": "newspaper",
            "media_scope": "foreign",
        },
    )

    assert r.status_code == 303
    db.expire_all()
    saved = db.get(Organisation, org.id)
    assert saved is not None
    assert (saved.code, saved.media_kind, saved.media_scope) == (
        "NEW",
        MediaKind.NEWSPAPER,
        MediaScope.FOREIGN,
    )
    old, new = names_of(db, org.id)
    assert (old.name_vi, old.valid_to) == ("Báo Cũ", local_today() - timedelta(days=1))
    assert (new.name_vi, new.name_en, new.valid_from, new.valid_to) == (
        "Báo Mới",
        "New Paper",
        local_today(),
        None,
    )
    # Older records keep the name the agency had then.
    assert orgs.get(db, org.id or 0, on=date(2024, 5, 1)).name_vi == "Báo Cũ"
    assert audit_count(db, "organisation.updated") == 1
    assert "NEW has been saved." in text_of(office.get(r.headers["location"]).text)


def test_a_name_that_began_today_is_corrected_in_place(office: WebClient, db: Session) -> None:
    office.post("/office/press-agencies/new", VALID)
    (org,) = agencies_in(db)

    r = office.post(
        f"/office/press-agencies/{org.id}/edit", {**VALID, "name_vi": "Báo Điện tử Đã Sửa"}
    )

    assert r.status_code == 303
    (name,) = names_of(db, org.id)
    assert (name.name_vi, name.valid_from, name.valid_to) == (
        "Báo Điện tử Đã Sửa",
        local_today(),
        None,
    )


def test_editing_with_mistakes_shows_them_beside_the_fields_and_changes_nothing(
    office: WebClient, db: Session
) -> None:
    make_org(db, code="TAKEN")
    org = agency(
        db, code="MINE", media_kind=MediaKind.RADIO, media_scope=MediaScope.LOCAL, name_vi="Đài"
    )

    r = office.post(
        f"/office/press-agencies/{org.id}/edit",
        {**VALID, "code": "TAKEN", "media_kind": "podcast", "name_en": "x" * 300},
    )

    assert r.status_code == 422
    assert "Another organisation already uses this code." in error_text(r.text, "f-code")
    assert "Choose the kind of media." in error_text(r.text, "f-media_kind")
    assert "at most 255 characters" in error_text(r.text, "f-name_en")
    assert value_of(r.text, "f-name_vi") == VALID["name_vi"]
    db.expire_all()
    same = db.get(Organisation, org.id)
    assert same is not None
    assert (same.code, same.media_kind) == ("MINE", MediaKind.RADIO)
    assert [n.name_vi for n in names_of(db, org.id)] == ["Đài"]
    assert audit_count(db, "organisation.updated") == 0


def test_only_press_agencies_can_be_edited_here(office: WebClient, db: Session) -> None:
    department = make_org(db, code="SXD-T")

    assert office.get(f"/office/press-agencies/{department.id}/edit").status_code == 404
    r = office.post(f"/office/press-agencies/{department.id}/edit", {**VALID, "code": "HACK"})
    assert r.status_code == 404
    assert office.get("/office/press-agencies/999999/edit").status_code == 404
    db.expire_all()
    same = db.get(Organisation, department.id)
    assert same is not None and (same.code, same.kind) == ("SXD-T", OrgKind.DEPARTMENT)


def test_a_retired_agency_cannot_be_edited(office: WebClient, db: Session) -> None:
    org = agency(db, code="GONE", valid_to=date(2025, 2, 28))

    r = office.post(f"/office/press-agencies/{org.id}/edit", {**VALID, "code": "BACK"})

    assert r.status_code == 409
    db.expire_all()
    same = db.get(Organisation, org.id)
    assert same is not None and same.code == "GONE"
    assert org.id not in row_ids(office.get("/office/press-agencies").text)


def test_script_in_an_agency_name_is_shown_as_text(office: WebClient, db: Session) -> None:
    office.post("/office/press-agencies/new", {**VALID, "name_vi": SCRIPT, "name_en": SCRIPT})
    (org,) = agencies_in(db)

    for page in (
        office.get("/office/press-agencies").text,
        office.get(f"/office/press-agencies/{org.id}/edit").text,
    ):
        assert SCRIPT not in page
        assert "&lt;script&gt;" in page


# --- Who may use the registry ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JOURNALIST, Role.ADMIN])
def test_people_outside_the_office_are_refused(web: WebClient, db: Session, role: Role) -> None:
    sign_in(web, db, role)
    org = agency(db, code="KEEP")

    assert web.get("/office/press-agencies").status_code == 403
    assert web.get("/office/press-agencies/new").status_code == 403
    assert web.get(f"/office/press-agencies/{org.id}/edit").status_code == 403
    assert web.post("/office/press-agencies/new", VALID).status_code == 403
    r = web.post(f"/office/press-agencies/{org.id}/edit", {**VALID, "code": "STOLEN"})
    assert r.status_code == 403
    codes = {a.code for a in agencies_in(db)}
    assert "KEEP" in codes and not codes & {"STOLEN", "BTN-ONLINE"}


def test_both_office_roles_use_the_registry_and_the_anonymous_sign_in(
    web: WebClient, db: Session, new_web: Any
) -> None:
    spokesperson = new_web()
    sign_in(spokesperson, db, Role.SPOKESPERSON)
    assert spokesperson.get("/office/press-agencies").status_code == 200
    assert spokesperson.post("/office/press-agencies/new", VALID).status_code == 303

    r = web.get("/office/press-agencies")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert web.post("/office/press-agencies/new", {**VALID, "code": "ANON"}).status_code == 303
    assert "ANON" not in [a.code for a in agencies_in(db)]


# --- The organisation service behind the registry ---------------------------------------------------


def test_set_media_records_the_kind_and_scope_with_an_audit_row(db: Session) -> None:
    org = agency(db)

    orgs.set_media(db, actor=SYSTEM, org_id=org.id or 0, kind="news_agency", scope="central")

    db.expire_all()
    saved = db.get(Organisation, org.id)
    assert saved is not None
    assert (saved.media_kind, saved.media_scope) == (MediaKind.NEWS_AGENCY, MediaScope.CENTRAL)
    assert audit_count(db, "organisation.media_set") == 1


def test_set_media_refuses_other_bodies_and_unknown_values(db: Session) -> None:
    department = make_org(db)
    org = agency(db)

    with pytest.raises(NotFound):
        orgs.set_media(db, actor=SYSTEM, org_id=department.id or 0, kind="radio", scope="local")
    with pytest.raises(ValidationFailed) as exc:
        orgs.set_media(db, actor=SYSTEM, org_id=org.id or 0, kind="blog", scope="galactic")
    assert set(exc.value.errors) == {"media_kind", "media_scope"}
    db.rollback()
    assert audit_count(db, "organisation.media_set") == 0


def test_only_a_press_agency_is_created_with_a_kind_of_media(db: Session) -> None:
    with pytest.raises(ValidationFailed) as exc:
        orgs.create(
            db,
            actor=SYSTEM,
            code="SX",
            kind="department",
            name_vi="Sở X",
            name_en="Department X",
            valid_from=date(2025, 1, 1),
            media_kind="radio",
            media_scope="local",
        )
    assert set(exc.value.errors) == {"media_kind"}
    # Without media, other callers create bodies as before.
    org = orgs.create(
        db,
        actor=SYSTEM,
        code="SX",
        kind="department",
        name_vi="Sở X",
        name_en="Department X",
        valid_from=date(2025, 1, 1),
    )
    assert org.media_kind is None and org.media_scope is None
