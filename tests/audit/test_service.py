"""The audit log: recording in the caller's transaction, searching, and append-only storage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app.audit import service
from app.audit.models import AuditEvent
from app.audit.service import Actor, AuditFilter
from app.orgs.models import Organisation
from app.timeutil import utcnow
from tests.factories import make_org

BASE = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


def add_event(db: Session, **over: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "at": BASE,
        "actor_user_id": 1,
        "actor_email": "quantri@example.vn",
        "actor_role": "admin",
        "action": "organisation.created",
        "object_type": "organisation",
        "object_id": "1",
        "summary": "",
    }
    values.update(over)
    event = AuditEvent(**values)
    db.add(event)
    db.commit()
    return event


def found(db: Session, **filt: Any) -> list[str]:
    events, total = service.search(db, AuditFilter(**filt))
    assert total == len(events)
    return [e.summary for e in events]


# --- Recording --------------------------------------------------------------------------------


def test_record_stores_who_did_what_to_which_object(db: Session) -> None:
    org = make_org(db, code="SYT")
    actor = Actor(
        user_id=5,
        email="vanphong@example.vn",
        role="press_office",
        organisation_id=9,
        address="10.1.2.3",
    )

    service.record(db, actor, "organisation.renamed", org, "SYT: A → B")
    db.commit()

    [event] = db.exec(select(AuditEvent)).all()
    assert (event.actor_user_id, event.actor_email, event.actor_role) == (
        5,
        "vanphong@example.vn",
        "press_office",
    )
    assert (event.actor_organisation_id, event.client_address) == (9, "10.1.2.3")
    assert (event.action, event.object_type, event.object_id) == (
        "organisation.renamed",
        "organisation",
        str(org.id),
    )
    assert event.summary == "SYT: A → B"
    assert event.at.tzinfo is not None
    assert abs(utcnow() - event.at) < timedelta(minutes=1)


def test_record_gives_a_new_object_its_id_and_accepts_an_explicit_type(db: Session) -> None:
    org = Organisation(code="NEW", kind="department", valid_from=date(2025, 1, 1))
    db.add(org)
    service.record(db, Actor.system("cli"), "organisation.created", org)
    service.record(db, Actor.system("cli"), "session.logout", None, object_type="app_user")
    db.commit()

    first, second = db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    assert first.object_id == str(org.id) and org.id is not None
    assert (first.actor_user_id, first.actor_email, first.actor_role) == (None, None, "system:cli")
    assert (second.object_type, second.object_id) == ("app_user", None)


def test_record_cuts_a_long_summary_to_1000_characters(db: Session) -> None:
    service.record(db, Actor.system(), "x.y", None, "ế" * 1500, object_type="thing")
    db.commit()
    assert db.exec(select(AuditEvent)).one().summary == "ế" * 1000


def test_recorded_event_is_lost_with_its_transaction(db: Session) -> None:
    """The row is written in the caller's transaction: no commit, no audit row (and no change)."""
    service.record(db, Actor.system(), "organisation.created", None, object_type="organisation")
    db.rollback()
    assert db.exec(select(AuditEvent)).all() == []


# --- Searching --------------------------------------------------------------------------------


def test_search_by_part_of_an_email_ignores_case(db: Session) -> None:
    add_event(db, actor_email="nguyen.van.a@syt.quangninh.gov.vn", summary="a")
    add_event(db, actor_email="tran.thi.b@stc.quangninh.gov.vn", summary="b")
    add_event(db, actor_email=None, actor_user_id=None, actor_role="system:cli", summary="cli")

    assert found(db, person="SYT.QUANGNINH") == ["a"]
    assert found(db, person="  tran.thi ") == ["b"]
    assert sorted(found(db, person="quangninh.gov.vn")) == ["a", "b"]
    assert found(db, person="nobody@") == []


def test_search_by_user_number_also_matches_emails_containing_it(db: Session) -> None:
    add_event(db, actor_user_id=42, actor_email="a@example.vn", summary="user 42")
    add_event(db, actor_user_id=4, actor_email="b@example.vn", summary="user 4")
    add_event(db, actor_user_id=7, actor_email="agent42@example.vn", summary="email has 42")
    add_event(db, actor_user_id=None, actor_email=None, actor_role="system:cli", summary="cli")

    assert sorted(found(db, person="42")) == ["email has 42", "user 42"]
    assert found(db, person=" 4 ") == ["email has 42", "user 4"]
    assert found(db, person="7") == ["email has 42"]


def test_search_by_object_type_and_number(db: Session) -> None:
    add_event(db, object_type="organisation", object_id="3", summary="org 3")
    add_event(db, object_type="organisation", object_id="30", summary="org 30")
    add_event(db, object_type="app_user", object_id="3", summary="user 3")

    assert sorted(found(db, object_type="organisation")) == ["org 3", "org 30"]
    assert found(db, object_type="organisation", object_id=" 3 ") == ["org 3"]
    assert found(db, object_id="3", object_type="app_user") == ["user 3"]
    assert sorted(found(db, object_id="3")) == ["org 3", "user 3"]


def test_search_by_action_prefix(db: Session) -> None:
    add_event(db, action="organisation.created", summary="created")
    add_event(db, action="organisation.renamed", summary="renamed")
    add_event(db, action="user.created", summary="user")

    assert sorted(found(db, action="organisation.")) == ["created", "renamed"]
    assert found(db, action="organisation.renamed") == ["renamed"]


def test_search_by_dates_uses_local_days_in_ha_noi(db: Session) -> None:
    # Hà Nội is UTC+7: the local day 10/03/2025 is 09/03 17:00 UTC to 10/03 17:00 UTC.
    add_event(db, at=datetime(2025, 3, 9, 16, 59, 59, tzinfo=UTC), summary="9/3 23:59:59")
    add_event(db, at=datetime(2025, 3, 9, 17, 0, tzinfo=UTC), summary="10/3 00:00")
    add_event(db, at=datetime(2025, 3, 10, 16, 59, 59, tzinfo=UTC), summary="10/3 23:59:59")
    add_event(db, at=datetime(2025, 3, 10, 17, 0, tzinfo=UTC), summary="11/3 00:00")

    assert found(db, date_from=date(2025, 3, 10), date_to=date(2025, 3, 10)) == [
        "10/3 23:59:59",
        "10/3 00:00",
    ]
    assert found(db, date_from=date(2025, 3, 11)) == ["11/3 00:00"]
    assert found(db, date_to=date(2025, 3, 9)) == ["9/3 23:59:59"]
    assert found(db, date_from=date(2025, 3, 12)) == []


def test_filters_combine(db: Session) -> None:
    add_event(db, actor_email="a@example.vn", object_id="1", summary="a1")
    add_event(db, actor_email="a@example.vn", object_id="2", summary="a2")
    add_event(db, actor_email="b@example.vn", object_id="1", summary="b1")
    add_event(
        db,
        actor_email="a@example.vn",
        object_id="1",
        at=BASE + timedelta(days=5),
        summary="a1 later",
    )

    assert found(db, person="a@", object_id="1", date_to=date(2025, 3, 10)) == ["a1"]


def test_search_lists_newest_first(db: Session) -> None:
    add_event(db, at=BASE, summary="middle")
    add_event(db, at=BASE + timedelta(hours=1), summary="newest")
    add_event(db, at=BASE - timedelta(days=1), summary="oldest")
    add_event(db, at=BASE, summary="middle, written later")

    assert found(db) == ["newest", "middle, written later", "middle", "oldest"]


def test_search_pages_and_counts_every_match(db: Session) -> None:
    for i in range(7):
        add_event(db, at=BASE + timedelta(minutes=i), summary=f"e{i}")
    add_event(db, object_type="app_user", summary="other")

    page1, total = service.search(db, AuditFilter(object_type="organisation"), limit=3)
    page3, total3 = service.search(db, AuditFilter(object_type="organisation"), limit=3, offset=6)
    beyond, total4 = service.search(db, AuditFilter(object_type="organisation"), limit=3, offset=9)

    assert total == total3 == total4 == 7
    assert [e.summary for e in page1] == ["e6", "e5", "e4"]
    assert [e.summary for e in page3] == ["e0"]
    assert beyond == []


def test_object_types_lists_each_kind_of_object_once(db: Session) -> None:
    add_event(db, object_type="organisation")
    add_event(db, object_type="app_user")
    add_event(db, object_type="organisation")
    assert service.object_types(db) == ["app_user", "organisation"]


# --- Append-only ------------------------------------------------------------------------------


def test_changing_an_event_through_the_orm_is_refused(db: Session) -> None:
    event = add_event(db, summary="original")
    event.summary = "rewritten"
    db.add(event)
    with pytest.raises(PermissionError):
        db.commit()
    db.rollback()
    db.expire_all()
    assert db.exec(select(AuditEvent)).one().summary == "original"


def test_deleting_an_event_through_the_orm_is_refused(db: Session) -> None:
    event = add_event(db)
    db.delete(event)
    with pytest.raises(PermissionError):
        db.flush()
    db.rollback()
    assert len(db.exec(select(AuditEvent)).all()) == 1


def test_bulk_update_through_the_orm_is_refused_by_the_database(db: Session) -> None:
    add_event(db, summary="original")
    with pytest.raises(DBAPIError, match="append-only"):
        db.exec(update(AuditEvent).values(summary="rewritten"))  # type: ignore[call-overload]
    db.rollback()
    assert db.exec(select(AuditEvent)).one().summary == "original"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET summary = 'rewritten'",
        "UPDATE audit_event SET actor_email = NULL WHERE id = :id",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE id = :id",
    ],
)
def test_raw_sql_cannot_change_or_delete_events(db: Session, sql: str) -> None:
    event = add_event(db, summary="original")
    with pytest.raises(DBAPIError, match="append-only"):
        db.connection().execute(text(sql), {"id": event.id} if ":id" in sql else {})
    db.rollback()
    db.expire_all()
    [kept] = db.exec(select(AuditEvent)).all()
    assert (kept.summary, kept.actor_email) == ("original", "quantri@example.vn")


def test_new_events_can_still_be_added_after_a_refused_change(db: Session) -> None:
    add_event(db, summary="first")
    with pytest.raises(DBAPIError):
        db.connection().execute(text("DELETE FROM audit_event"))
    db.rollback()
    add_event(db, summary="second")
    assert sorted(found(db)) == ["first", "second"]


def test_person_filter_takes_underscore_and_percent_literally(db: Session) -> None:
    add_event(db, actor_email="nguyen_an@example.vn", summary="underscore")
    add_event(db, actor_email="nguyenxan@example.vn", summary="other")

    assert found(db, person="nguyen_an") == ["underscore"]
    assert found(db, person="%") == []
