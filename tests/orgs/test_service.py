"""Organisation use cases: add, rename (name periods), retire, seed, and their audit rows."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.errors import Conflict, NotFound, ValidationFailed
from app.orgs import service
from app.orgs.models import Organisation, OrganisationName, OrgKind, OrgView
from app.timeutil import local_today
from tests.factories import make_org

ACTOR = Actor(
    user_id=7, email="quantri@example.vn", role="admin", organisation_id=None, address="10.0.0.9"
)
TODAY = local_today()


def add(db: Session, **over: Any) -> Organisation:
    values: dict[str, Any] = {
        "code": "SYT",
        "kind": "department",
        "name_vi": "Sở Y tế",
        "name_en": "Department of Health",
        "valid_from": date(2017, 3, 30),
    }
    values.update(over)
    return service.create(db, actor=ACTOR, **values)


def rename(db: Session, org_id: int, **kw: Any) -> Any:
    return service.rename(db, actor=ACTOR, org_id=org_id, **kw)


def retire(db: Session, org_id: int, **kw: Any) -> Any:
    return service.retire(db, actor=ACTOR, org_id=org_id, **kw)


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {k: v.render("en") for k, v in exc.value.errors.items()}


def events(db: Session, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(col(AuditEvent.id))
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.exec(query).all())


def names_of(views: list[OrgView]) -> dict[str, str]:
    return {v.code: v.name_vi for v in views}


def fresh(db: Session) -> Session:
    """A second session, to see what was really committed."""
    return Session(db.get_bind())


# --- Pure logic (no database) -----------------------------------------------------------------


def view(**over: Any) -> OrgView:
    values: dict[str, Any] = {
        "id": 1,
        "code": "SYT",
        "kind": OrgKind.DEPARTMENT,
        "valid_from": date(2020, 1, 1),
        "valid_to": date(2025, 2, 28),
        "name_vi": "Sở Y tế",
        "name_en": "Department of Health",
    }
    values.update(over)
    return OrgView(**values)


def test_view_is_active_from_first_to_last_day_inclusive() -> None:
    v = view()
    assert not v.active_on(date(2019, 12, 31))
    assert v.active_on(date(2020, 1, 1))
    assert v.active_on(date(2025, 2, 28))
    assert not v.active_on(date(2025, 3, 1))
    assert view(valid_to=None).active_on(date(2099, 1, 1))


def test_view_name_follows_locale_and_falls_back_to_vietnamese() -> None:
    assert view().name("en") == "Department of Health"
    assert view().name("vi") == "Sở Y tế"
    assert view(name_en="").name("en") == "Sở Y tế"


# --- Create -----------------------------------------------------------------------------------


def test_create_stores_code_in_upper_case_with_its_first_name(db: Session) -> None:
    org = add(db, code="  syt-2 ", name_vi="  Sở Y tế  ", valid_from=date(2020, 5, 1))

    assert org.code == "SYT-2"
    assert org.kind == OrgKind.DEPARTMENT
    assert service.get_by_code(db, "syt-2") is not None
    [name] = service.history(db, org.id or 0)
    assert (name.name_vi, name.name_en) == ("Sở Y tế", "Department of Health")
    assert (name.valid_from, name.valid_to) == (date(2020, 5, 1), None)
    assert service.get(db, org.id or 0).name_vi == "Sở Y tế"


def test_create_refuses_a_code_already_used_in_any_case(db: Session) -> None:
    make_org(db, code="SYT")
    with pytest.raises(ValidationFailed) as exc:
        add(db, code="syt")
    assert errors_of(exc) == {"code": "Another organisation already uses this code."}


@pytest.mark.parametrize(
    "code", ["", "   ", "SỞ-Y-TẾ", "S Y T", "-SYT", "_SYT", "SYT!", "SYT.QN", "A" * 33]
)
def test_create_refuses_a_malformed_code(db: Session, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add(db, code=code)
    assert list(exc.value.errors) == ["code"]
    assert "capital letters" in errors_of(exc)["code"]


def test_create_accepts_a_code_of_32_characters(db: Session) -> None:
    assert add(db, code="A" * 32).code == "A" * 32


def test_create_requires_both_names(db: Session) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add(db, name_vi="   ", name_en="")
    assert errors_of(exc) == {
        "name_vi": "Enter the Vietnamese name.",
        "name_en": "Enter the English name.",
    }


def test_create_refuses_names_longer_than_255_characters(db: Session) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add(db, name_vi="Ở" * 256, name_en="x" * 256)
    assert set(exc.value.errors) == {"name_vi", "name_en"}
    assert add(db, name_vi="Ở" * 255).id is not None


@pytest.mark.parametrize("kind", ["", "ministry", "DEPARTMENT", "press agency"])
def test_create_refuses_an_unknown_kind(db: Session, kind: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add(db, kind=kind)
    assert errors_of(exc) == {"kind": "Choose a kind of organisation."}


def test_create_requires_the_first_day(db: Session) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add(db, valid_from=None)
    assert list(exc.value.errors) == ["valid_from"]


def test_create_reports_every_bad_field_at_once(db: Session) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.create(db, actor=ACTOR, code="?", kind="x", name_vi="", name_en="", valid_from=None)
    assert set(exc.value.errors) == {"code", "kind", "valid_from", "name_vi", "name_en"}


def test_create_writes_one_audit_event_with_the_actor(db: Session) -> None:
    org = add(db)

    [event] = events(db)
    assert event.action == "organisation.created"
    assert (event.object_type, event.object_id) == ("organisation", str(org.id))
    assert (event.actor_user_id, event.actor_email, event.actor_role) == (
        7,
        "quantri@example.vn",
        "admin",
    )
    assert event.client_address == "10.0.0.9"
    assert "SYT" in event.summary and "Sở Y tế" in event.summary


def test_failed_create_stores_nothing_and_writes_no_audit_event(db: Session) -> None:
    with pytest.raises(ValidationFailed):
        add(db, code="bad code")
    with fresh(db) as other:
        assert other.exec(select(Organisation)).all() == []
        assert other.exec(select(OrganisationName)).all() == []
        assert other.exec(select(AuditEvent)).all() == []


# --- Rename -----------------------------------------------------------------------------------


def test_rename_closes_the_current_name_the_day_before_the_effective_date(db: Session) -> None:
    org = make_org(db, name_vi="Ban Tuyên giáo", name_en="Propaganda", valid_from=date(2017, 1, 1))

    new = rename(
        db,
        org.id or 0,
        name_vi=" Ban Tuyên giáo và Dân vận ",
        name_en="Propaganda and Mass Mobilisation",
        effective=date(2025, 3, 1),
    )

    assert (new.name_vi, new.valid_from, new.valid_to) == (
        "Ban Tuyên giáo và Dân vận",
        date(2025, 3, 1),
        None,
    )
    with fresh(db) as other:
        old, current = service.history(other, org.id or 0)
    assert (old.name_vi, old.valid_from, old.valid_to) == (
        "Ban Tuyên giáo",
        date(2017, 1, 1),
        date(2025, 2, 28),
    )
    assert (current.name_vi, current.valid_to) == ("Ban Tuyên giáo và Dân vận", None)


def test_rename_keeps_old_name_for_dates_before_it(db: Session) -> None:
    org = make_org(db, name_vi="Tên cũ", name_en="Old name", valid_from=date(2017, 1, 1))
    oid = org.id or 0
    rename(db, oid, name_vi="Tên mới", name_en="New name", effective=date(2025, 3, 1))

    assert service.get(db, oid, on=date(2025, 2, 28)).name_vi == "Tên cũ"
    assert service.get(db, oid, on=date(2025, 2, 28)).name("en") == "Old name"
    assert service.get(db, oid, on=date(2025, 3, 1)).name_vi == "Tên mới"
    assert service.get(db, oid).name_vi == "Tên mới"
    assert names_of(service.list_organisations(db, on=date(2024, 6, 1)))[org.code] == "Tên cũ"
    assert names_of(service.list_organisations(db, on=date(2025, 3, 1)))[org.code] == "Tên mới"
    assert names_of(service.list_organisations(db))[org.code] == "Tên mới"


def test_rename_taking_effect_later_keeps_todays_name_until_then(db: Session) -> None:
    org = make_org(db, name_vi="Tên hiện nay", valid_from=date(2017, 1, 1))
    later = TODAY + timedelta(days=30)
    rename(db, org.id or 0, name_vi="Tên sắp tới", name_en="Soon", effective=later)

    assert service.get(db, org.id or 0).name_vi == "Tên hiện nay"
    assert service.get(db, org.id or 0, on=later).name_vi == "Tên sắp tới"


def test_a_second_rename_starts_a_third_period(db: Session) -> None:
    org = make_org(db, name_vi="Một", name_en="One", valid_from=date(2017, 1, 1))
    oid = org.id or 0
    rename(db, oid, name_vi="Hai", name_en="Two", effective=date(2020, 1, 1))
    rename(db, oid, name_vi="Ba", name_en="Three", effective=date(2023, 1, 1))

    periods = [(n.name_vi, n.valid_from, n.valid_to) for n in service.history(db, oid)]
    assert periods == [
        ("Một", date(2017, 1, 1), date(2019, 12, 31)),
        ("Hai", date(2020, 1, 1), date(2022, 12, 31)),
        ("Ba", date(2023, 1, 1), None),
    ]
    assert service.get(db, oid, on=date(2021, 6, 1)).name_vi == "Hai"


@pytest.mark.parametrize("effective", [date(2020, 1, 1), date(2019, 12, 31), date(2010, 1, 1)])
def test_rename_must_take_effect_after_the_current_name_began(db: Session, effective: date) -> None:
    org = make_org(db, name_vi="Tên cũ", valid_from=date(2020, 1, 1))
    with pytest.raises(ValidationFailed) as exc:
        rename(db, org.id or 0, name_vi="Tên mới", name_en="New", effective=effective)
    assert errors_of(exc) == {
        "effective": "The new name must take effect after 01/01/2020, when the current name began."
    }
    with fresh(db) as other:
        [only] = service.history(other, org.id or 0)
        assert (only.name_vi, only.valid_to) == ("Tên cũ", None)
        assert other.exec(select(AuditEvent)).all() == []


def test_rename_requires_the_effective_date(db: Session) -> None:
    org = make_org(db)
    with pytest.raises(ValidationFailed) as exc:
        rename(db, org.id or 0, name_vi="Mới", name_en="New", effective=None)
    assert list(exc.value.errors) == ["effective"]


def test_rename_to_the_same_name_is_refused(db: Session) -> None:
    org = make_org(db, name_vi="Sở Y tế", name_en="Department of Health")
    with pytest.raises(ValidationFailed) as exc:
        rename(
            db,
            org.id or 0,
            name_vi=" Sở Y tế ",
            name_en="Department of Health ",
            effective=date(2025, 1, 1),
        )
    assert errors_of(exc) == {"name_vi": "This is already the current name."}
    assert len(service.history(db, org.id or 0)) == 1


def test_rename_of_only_the_english_name_is_accepted(db: Session) -> None:
    org = make_org(db, name_vi="Sở Y tế", name_en="Health Dept")
    rename(
        db,
        org.id or 0,
        name_vi="Sở Y tế",
        name_en="Department of Health",
        effective=date(2025, 1, 1),
    )
    assert service.get(db, org.id or 0).name("en") == "Department of Health"


def test_rename_requires_both_names(db: Session) -> None:
    org = make_org(db)
    with pytest.raises(ValidationFailed) as exc:
        rename(db, org.id or 0, name_vi="", name_en=" ", effective=date(2025, 1, 1))
    assert set(exc.value.errors) == {"name_vi", "name_en"}


def test_rename_of_an_unknown_organisation_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        rename(db, 999_999, name_vi="A", name_en="B", effective=date(2025, 1, 1))


def test_rename_writes_one_audit_event(db: Session) -> None:
    org = make_org(db, code="BTG", name_vi="Ban Tuyên giáo", valid_from=date(2017, 1, 1))
    rename(
        db,
        org.id or 0,
        name_vi="Ban Tuyên giáo và Dân vận",
        name_en="Propaganda and Mass Mobilisation",
        effective=date(2025, 3, 1),
    )

    [event] = events(db)
    assert event.action == "organisation.renamed"
    assert (event.object_type, event.object_id) == ("organisation", str(org.id))
    assert event.summary == "BTG: Ban Tuyên giáo → Ban Tuyên giáo và Dân vận (01/03/2025)"


# --- Retire -----------------------------------------------------------------------------------


def test_retire_sets_the_last_day_and_closes_the_current_name(db: Session) -> None:
    org = make_org(db, name_vi="Sở Thông tin", valid_from=date(2017, 1, 1))

    retired = retire(db, org.id or 0, last_day=date(2025, 2, 28))

    assert retired.valid_to == date(2025, 2, 28)
    with fresh(db) as other:
        assert other.get(Organisation, org.id).valid_to == date(2025, 2, 28)  # type: ignore[union-attr]
        [name] = service.history(other, org.id or 0)
    assert name.valid_to == date(2025, 2, 28)
    assert service.get(db, org.id or 0).name_vi == "Sở Thông tin"  # the name it had is kept


def test_retired_organisation_is_hidden_unless_retired_ones_are_asked_for(db: Session) -> None:
    kept = make_org(db, valid_from=date(2017, 1, 1))
    gone = make_org(db, valid_from=date(2017, 1, 1))
    retire(db, gone.id or 0, last_day=date(2025, 2, 28))

    assert set(names_of(service.list_organisations(db))) == {kept.code}
    assert set(names_of(service.list_organisations(db, include_retired=True))) == {
        kept.code,
        gone.code,
    }
    assert gone.code in names_of(service.list_organisations(db, on=date(2025, 2, 28)))
    assert gone.code not in names_of(service.list_organisations(db, on=date(2025, 3, 1)))


def test_retire_twice_is_a_conflict(db: Session) -> None:
    org = make_org(db, valid_from=date(2017, 1, 1))
    retire(db, org.id or 0, last_day=date(2025, 2, 28))
    with pytest.raises(Conflict) as exc:
        retire(db, org.id or 0, last_day=date(2025, 6, 30))
    assert exc.value.detail is not None
    assert exc.value.detail.render("en") == "This organisation has been retired."
    assert service.get(db, org.id or 0).valid_to == date(2025, 2, 28)
    assert len(events(db, "organisation.retired")) == 1


def test_rename_after_retire_is_a_conflict(db: Session) -> None:
    org = make_org(db, name_vi="Sở cũ", valid_from=date(2017, 1, 1))
    retire(db, org.id or 0, last_day=date(2025, 2, 28))
    with pytest.raises(Conflict):
        rename(db, org.id or 0, name_vi="Sở mới", name_en="New", effective=date(2025, 3, 1))
    assert [n.name_vi for n in service.history(db, org.id or 0)] == ["Sở cũ"]
    assert events(db, "organisation.renamed") == []


def test_retire_cannot_end_before_the_current_name_began(db: Session) -> None:
    org = make_org(db, valid_from=date(2020, 1, 1))
    with pytest.raises(ValidationFailed) as exc:
        retire(db, org.id or 0, last_day=date(2019, 12, 31))
    assert errors_of(exc) == {"last_day": "The last day cannot be before 01/01/2020."}
    assert service.get(db, org.id or 0).valid_to is None
    # The first day itself is a valid (one-day) life span.
    assert retire(db, org.id or 0, last_day=date(2020, 1, 1)).valid_to


def test_retire_requires_the_last_day(db: Session) -> None:
    org = make_org(db)
    with pytest.raises(ValidationFailed) as exc:
        retire(db, org.id or 0, last_day=None)
    assert list(exc.value.errors) == ["last_day"]
    assert events(db) == []


def test_retire_of_an_unknown_organisation_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        retire(db, 999_999, last_day=date(2025, 1, 1))


def test_retire_writes_one_audit_event(db: Session) -> None:
    org = make_org(db, code="STTTT", name_vi="Sở Thông tin và Truyền thông")
    retire(db, org.id or 0, last_day=date(2025, 2, 28))

    [event] = events(db)
    assert event.action == "organisation.retired"
    assert (event.object_type, event.object_id) == ("organisation", str(org.id))
    assert event.summary == "STTTT: Sở Thông tin và Truyền thông (28/02/2025)"


# --- The change and its audit row are one transaction ----------------------------------------


@pytest.fixture
def audit_write_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make writing the audit row fail after the change has been made in the session."""

    def failing(session: Session, *args: Any, **kw: Any) -> AuditEvent:
        audit_service.record(session, *args, **kw)
        session.flush()
        raise RuntimeError("audit storage failed")

    monkeypatch.setattr(service.audit, "record", failing)


def test_create_is_not_saved_when_its_audit_row_cannot_be(
    db: Session, audit_write_fails: None
) -> None:
    with pytest.raises(RuntimeError):
        add(db, code="LOST")
    db.rollback()
    with fresh(db) as other:
        assert service.get_by_code(other, "LOST") is None
        assert other.exec(select(AuditEvent)).all() == []


def test_rename_is_not_saved_when_its_audit_row_cannot_be(
    db: Session, audit_write_fails: None
) -> None:
    org = make_org(db, name_vi="Tên cũ", valid_from=date(2017, 1, 1))
    with pytest.raises(RuntimeError):
        rename(db, org.id or 0, name_vi="Tên mới", name_en="New", effective=date(2025, 3, 1))
    db.rollback()
    with fresh(db) as other:
        [only] = service.history(other, org.id or 0)
        assert (only.name_vi, only.valid_to) == ("Tên cũ", None)
        assert other.exec(select(AuditEvent)).all() == []


def test_retire_is_not_saved_when_its_audit_row_cannot_be(
    db: Session, audit_write_fails: None
) -> None:
    org = make_org(db, valid_from=date(2017, 1, 1))
    with pytest.raises(RuntimeError):
        retire(db, org.id or 0, last_day=date(2025, 2, 28))
    db.rollback()
    with fresh(db) as other:
        assert other.get(Organisation, org.id).valid_to is None  # type: ignore[union-attr]
        assert [n.valid_to for n in service.history(other, org.id or 0)] == [None]
        assert other.exec(select(AuditEvent)).all() == []


def test_each_change_commits_once_together_with_its_audit_row(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits: list[list[str]] = []
    real_commit = db.commit

    def commit() -> None:
        with fresh(db) as other:
            before = [e.action for e in other.exec(select(AuditEvent).order_by(AuditEvent.id))]
        real_commit()
        with fresh(db) as other:
            after = [e.action for e in other.exec(select(AuditEvent).order_by(AuditEvent.id))]
        commits.append(after[len(before) :])

    monkeypatch.setattr(db, "commit", commit)
    org = add(db)
    rename(db, org.id or 0, name_vi="Sở Y tế mới", name_en="New", effective=date(2025, 1, 1))
    retire(db, org.id or 0, last_day=date(2025, 6, 30))

    assert commits == [
        ["organisation.created"],
        ["organisation.renamed"],
        ["organisation.retired"],
    ]


# --- Seed -------------------------------------------------------------------------------------


SEED_CODES = [
    item["code"] for item in tomllib.loads(service.SEED_FILE.read_text("utf-8"))["organisation"]
]


def test_seed_loads_every_body_once_and_a_second_run_adds_nothing(db: Session) -> None:
    system = Actor.system("seed-demo")
    assert service.seed(db, actor=system) == len(SEED_CODES) > 40
    assert service.seed(db, actor=system) == 0

    codes = sorted(o.code for o in db.exec(select(Organisation)))
    assert codes == sorted(SEED_CODES)
    created = events(db, "organisation.created")
    assert len(created) == len(SEED_CODES)
    assert {e.actor_role for e in created} == {"system:seed-demo"}


def test_seed_keeps_an_organisation_that_already_has_the_code(db: Session) -> None:
    make_org(db, code="SYT", name_vi="Sở Y tế (đã sửa)")
    assert service.seed(db, actor=ACTOR) == len(SEED_CODES) - 1
    syt = service.get_by_code(db, "SYT")
    assert syt is not None
    assert [n.name_vi for n in service.history(db, syt.id or 0)] == ["Sở Y tế (đã sửa)"]


def test_seeded_retired_departments_appear_only_before_their_end(db: Session) -> None:
    service.seed(db, actor=ACTOR)

    before = names_of(service.list_organisations(db, on=date(2025, 2, 28)))
    assert before["STTTT"] == "Sở Thông tin và Truyền thông"
    assert "SKHDT" in before and "SGTVT" in before
    assert "SVHTTDL" not in before  # created on 1/3/2025

    after = names_of(service.list_organisations(db, on=date(2025, 3, 1)))
    assert "STTTT" not in after and "SKHDT" not in after
    assert after["SVHTTDL"] == "Sở Văn hóa, Thể thao và Du lịch"

    today = service.list_organisations(db)
    assert "STTTT" not in names_of(today)
    assert "TP-HALONG" not in names_of(today)
    with_retired = {v.code: v for v in service.list_organisations(db, include_retired=True)}
    assert with_retired["STTTT"].valid_to == date(2025, 2, 28)
    assert with_retired["STTTT"].name_vi == "Sở Thông tin và Truyền thông"


def test_seeded_party_commission_has_its_name_of_each_date(db: Session) -> None:
    service.seed(db, actor=ACTOR)
    btgdv = service.get_by_code(db, "btgdv")
    assert btgdv is not None

    assert service.get(db, btgdv.id or 0, on=date(2024, 6, 1)).name_vi == "Ban Tuyên giáo Tỉnh ủy"
    assert service.get(db, btgdv.id or 0).name_vi == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    assert (
        names_of(service.list_organisations(db, on=date(2024, 6, 1)))["BTGDV"]
        == "Ban Tuyên giáo Tỉnh ủy"
    )
    assert names_of(service.list_organisations(db))["BTGDV"] == "Ban Tuyên giáo và Dân vận Tỉnh ủy"


def test_list_filters_by_kind_and_sorts_by_kind_then_name(db: Session) -> None:
    service.seed(db, actor=ACTOR)

    press = service.list_organisations(db, kinds=(OrgKind.PRESS_AGENCY,))
    assert press and {v.kind for v in press} == {OrgKind.PRESS_AGENCY}
    assert "TTXVN" in names_of(press) and "SYT" not in names_of(press)

    both = service.list_organisations(db, kinds=(OrgKind.PARTY_BODY, OrgKind.PEOPLES_COMMITTEE))
    assert [v.code for v in both] == ["UBND-QN", "BTGDV"]

    departments = [v.name_vi for v in service.list_organisations(db, kinds=(OrgKind.DEPARTMENT,))]
    assert departments == sorted(departments)


def test_retired_bodies_on_a_past_date_do_not_include_bodies_founded_later(db: Session) -> None:
    service.seed(db, actor=ACTOR)

    on_2024 = names_of(service.list_organisations(db, on=date(2024, 6, 1), include_retired=True))

    assert "STTTT" in on_2024  # in being then
    assert "SVHTTDL" not in on_2024  # founded 1/3/2025
    assert "P-HALONG" not in on_2024  # founded 1/7/2025
