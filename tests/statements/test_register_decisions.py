"""Entering people in the register under the law of their start date (HTML over HTTP): the
assignment decision of a regular spokesperson (its date required from 1/7/2026, never in the
future nor after the start), bodies in force on the start date, and authorisations signed by the
head of the same body — never by a spokesperson or an authorised person (no further delegation).
Every refusal is a 422 beside its field, with the values typed kept and nothing stored.

Every test runs on SQLite and on PostgreSQL, on 4 December 2026 (Decree 244/2026 in force).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.statements.models import Spokesperson, SpokespersonRole
from tests.conftest import WebClient
from tests.factories import PASSWORD, make_org, make_user
from tests.statements.helpers import World, make_spokesperson
from tests.support import html

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")
NewWeb = Callable[[], WebClient]


def office(new_web: NewWeb, user: User) -> WebClient:
    web = new_web()
    web.client.cookies.set("pd_lang", "en")
    assert web.login(user.email, PASSWORD).status_code == 303
    return web


def error_beside(markup: str, field: str) -> str:
    """The error shown beside a field of the form (and the field says it is invalid)."""
    page = html(markup)
    assert page.one(f"#f-{field}").get("aria-invalid") == "true", field
    return page.one(f"#f-{field}-error").text_content().replace("Error:", "").strip()


def kept(markup: str, field: str) -> str:
    element = html(markup).one(f"#f-{field}")
    if element.tag == "select":
        chosen = [o.get("value") for o in element.cssselect("option[selected]")]
        return chosen[0] if chosen else ""
    return element.text_content() if element.tag == "textarea" else (element.get("value") or "")


def rows(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Spokesperson)).one()


def added_events(db: Session) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == "spokesperson.added")).all())


class Desk:
    def __init__(self, db: Session, new_web: NewWeb) -> None:
        self.db = db
        self.w = World(db)
        self.web = office(new_web, self.w.editor_user)
        self.commune = make_org(
            db,
            kind="commune",
            code="X-QUANGLA",
            name_vi="UBND xã Quảng La",
            name_en="Quang La Commune People's Committee",
            valid_from=date(2025, 7, 1),
        )

    def form(self, **over: str) -> dict[str, str]:
        values = {
            "organisation_id": str(self.commune.id),
            "role": "spokesperson",
            "full_name": "Ngô Văn K (demo)",
            "title": "Phó Chủ tịch UBND xã",
            "phone": "0203 399 0203",
            "email": "phatngon.quangla@quangninh.gov.vn.demo",
            "matter": "",
            "valid_from": "2026-12-01",
            "valid_to": "",
            "user_id": "",
            "decision_number": "17/QĐ-UBND",
            "decision_date": "2026-11-30",
            "authorised_by_id": "",
        }
        values.update(over)
        return values

    def post(self, **over: str) -> Any:
        return self.web.post("/office/spokespersons/new", self.form(**over))


@pytest.fixture
def desk(db: Session, new_web: NewWeb) -> Desk:
    return Desk(db, new_web)


# --- The assignment decision -----------------------------------------------------------------


def test_a_spokesperson_from_1_july_2026_needs_the_decision_date(desk: Desk, db: Session) -> None:
    before = rows(db)
    r = desk.post(decision_date="", full_name="Ngô Văn <K> (demo)")
    assert r.status_code == 422
    assert "required for a spokesperson from 01/07/2026" in error_beside(r.text, "decision_date")
    assert kept(r.text, "full_name") == "Ngô Văn <K> (demo)"
    assert kept(r.text, "decision_number") == "17/QĐ-UBND"
    assert kept(r.text, "organisation_id") == str(desk.commune.id)
    assert kept(r.text, "role") == "spokesperson"
    assert rows(db) == before and added_events(db) == []

    r = desk.post()
    assert r.status_code == 303
    person = db.exec(select(Spokesperson).where(Spokesperson.full_name == "Ngô Văn K (demo)")).one()
    assert person.decision_number == "17/QĐ-UBND" and person.decision_date == date(2026, 11, 30)
    assert person.posted_at is not None  # on the public list from when it was recorded
    events = added_events(db)
    assert len(events) == 1 and events[0].object_id == str(person.id)
    assert "17/QĐ-UBND" in events[0].summary


def test_under_decree_09_the_decision_is_optional(desk: Desk, db: Session) -> None:
    r = desk.post(valid_from="2026-06-30", decision_date="", decision_number="")
    assert r.status_code == 303
    person = db.exec(select(Spokesperson).order_by(col(Spokesperson.id).desc())).first()
    assert person is not None and person.decision_date is None
    # The head and an authorised person are not assigned by decision.
    r = desk.post(role="head", full_name="Chủ tịch xã (demo)", decision_date="", decision_number="")
    assert r.status_code == 303


@pytest.mark.parametrize(
    ("decision_date", "message"),
    [
        ("2026-12-05", "cannot be in the future"),
        ("2026-12-02", "cannot be dated after the start date"),
        ("31/11/2026", "Enter a date, for example 01/01/2026."),
    ],
)
def test_the_decision_date_is_neither_in_the_future_nor_after_the_start(
    desk: Desk, db: Session, decision_date: str, message: str
) -> None:
    before = rows(db)
    r = desk.post(decision_date=decision_date)
    assert r.status_code == 422
    assert message in error_beside(r.text, "decision_date")
    assert kept(r.text, "decision_date") == decision_date
    assert rows(db) == before and added_events(db) == []


def test_a_date_before_any_rule_set_is_refused_beside_the_start(desk: Desk, db: Session) -> None:
    before = rows(db)
    r = desk.post(valid_from="2017-03-29", decision_date="2017-03-01")
    assert r.status_code == 422
    assert "rules from 30/03/2017" in error_beside(r.text, "valid_from")
    assert kept(r.text, "valid_from") == "2017-03-29"
    assert rows(db) == before


def test_only_bodies_in_force_on_the_start_date_may_have_spokespersons(
    desk: Desk, db: Session
) -> None:
    before = rows(db)
    # The commune exists from 1/7/2025: not on 1/5/2025 (nor offered then).
    r = desk.post(valid_from="2025-05-01", decision_date="2025-04-28")
    assert r.status_code == 422
    assert "does not exist on the start date (01/05/2025)" in error_beside(
        r.text, "organisation_id"
    )
    offered = [o.get("value") for o in html(r.text).all("#f-organisation_id option")]
    assert str(desk.commune.id) not in offered and str(desk.w.org.id) in offered
    # A press agency never has spokespersons.
    agency = make_org(db, kind="press_agency", name_en="Quang Ninh Newspaper")
    r = desk.post(organisation_id=str(agency.id))
    assert r.status_code == 422
    assert error_beside(r.text, "organisation_id") == "Choose the organisation from the list."
    page = desk.web.get("/office/spokespersons/new").text
    offered = [o.get("value") for o in html(page).all("#f-organisation_id option")]
    assert str(agency.id) not in offered and str(desk.commune.id) in offered
    assert rows(db) == before


# --- Authorisations ----------------------------------------------------------------------------


def authorisation(desk: Desk, signer: Spokesperson | None, **over: str) -> Any:
    values = {
        "organisation_id": str(desk.commune.id),
        "role": "authorised",
        "full_name": "Đinh Văn M (demo)",
        "matter": "Thông tin về sạt lở đất tại thôn Khe Cát",
        "valid_from": "2026-12-02",
        "valid_to": "2026-12-31",
        "decision_number": "5/GUQ-UBND",
        "decision_date": "2026-12-01",
        "authorised_by_id": str(signer.id) if signer else "",
    }
    values.update(over)
    return desk.post(**values)


def test_an_authorisation_signed_by_the_head_is_accepted(desk: Desk, db: Session) -> None:
    head = make_spokesperson(
        db, desk.commune, role=SpokespersonRole.HEAD, full_name="Chủ tịch xã (demo)"
    )
    r = authorisation(desk, head)
    assert r.status_code == 303
    person = db.exec(
        select(Spokesperson).where(Spokesperson.full_name == "Đinh Văn M (demo)")
    ).one()
    assert person.role == SpokespersonRole.AUTHORISED and person.authorised_by_id == head.id
    assert person.valid_to == date(2026, 12, 31)
    assert f"by #{head.id}" in added_events(db)[0].summary
    card = html(desk.web.get("/office/spokespersons").text).text(f"#person-{person.id}")
    assert "Authorised by: Chủ tịch xã (demo)" in card and "sạt lở đất" in card


@pytest.mark.parametrize("role", [SpokespersonRole.SPOKESPERSON, SpokespersonRole.AUTHORISED])
def test_a_spokesperson_or_an_authorised_person_cannot_authorise(
    desk: Desk, db: Session, role: SpokespersonRole
) -> None:
    signer = make_spokesperson(
        db,
        desk.commune,
        role=role,
        full_name="Người không được ủy quyền tiếp (demo)",
        valid_from=date(2026, 1, 1),
        valid_to=date(2027, 1, 1) if role == SpokespersonRole.AUTHORISED else None,
    )
    before = rows(db)
    r = authorisation(desk, signer)
    assert r.status_code == 422
    message = error_beside(r.text, "authorised_by_id")
    assert "is not the head of the organisation" in message
    assert "no further delegation" in message
    assert kept(r.text, "authorised_by_id") == str(signer.id)
    assert kept(r.text, "matter") == "Thông tin về sạt lở đất tại thôn Khe Cát"
    assert rows(db) == before and added_events(db) == []


def test_the_head_must_be_of_the_same_body_and_in_force_on_the_start_date(
    desk: Desk, db: Session
) -> None:
    province_head = make_spokesperson(db, desk.w.org, role=SpokespersonRole.HEAD)
    former = make_spokesperson(
        db,
        desk.commune,
        role=SpokespersonRole.HEAD,
        full_name="Chủ tịch xã nhiệm kỳ trước (demo)",
        valid_from=date(2025, 7, 1),
        valid_to=date(2026, 11, 30),
    )
    before = rows(db)
    r = authorisation(desk, province_head)
    assert r.status_code == 422
    assert "head of the same organisation" in error_beside(r.text, "authorised_by_id")
    r = authorisation(desk, former)
    assert r.status_code == 422
    assert "not the head on the start date" in error_beside(r.text, "authorised_by_id")
    r = authorisation(desk, None, matter="", valid_to="")
    assert r.status_code == 422
    assert "Choose the head" in error_beside(r.text, "authorised_by_id")
    assert "describe it" in error_beside(r.text, "matter")
    assert "enter its end date" in error_beside(r.text, "valid_to")
    r = authorisation(desk, former, valid_to="2026-12-01")
    assert "cannot be before the start date" in error_beside(r.text, "valid_to")
    assert rows(db) == before and added_events(db) == []


def test_only_the_office_enters_people(desk: Desk, db: Session, new_web: NewWeb) -> None:
    before = rows(db)
    for role in (Role.DEPARTMENT, Role.JOURNALIST, Role.ADMIN):
        web = office(new_web, make_user(db, role))
        assert web.post("/office/spokespersons/new", desk.form()).status_code == 403
        assert web.get("/office/spokespersons/new").status_code == 403
    spokesperson = office(new_web, desk.w.spokesperson_user)
    assert spokesperson.post("/office/spokespersons/new", desk.form()).status_code == 303
    assert rows(db) == before + 1
