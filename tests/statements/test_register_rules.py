"""The register's rules that need no database: when a regular spokesperson's entry had to be on
the public list (Decree 244/2026 Art. 3: 24 hours from the decision, read leniently because the
decision's hour is not recorded), contact details of entries in force, levels and filters."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.orgs.models import OrgKind
from app.statements.models import Spokesperson, SpokespersonRole
from app.statements.service.register_view import (
    Level,
    RegisterFilters,
    level_of,
    missing_contact,
    posted_late,
    posting_deadline,
)
from app.timeutil import LOCAL_TZ


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)


def entry(**over: object) -> Spokesperson:
    values: dict[str, object] = {
        "organisation_id": 1,
        "role": SpokespersonRole.SPOKESPERSON,
        "full_name": "Lê Thị C (demo)",
        "title": "Phó Chủ tịch",
        "phone": "0203 399 0204",
        "email": "phatngon@quangninh.gov.vn.demo",
        "valid_from": date(2026, 11, 2),
        "decision_date": date(2026, 11, 1),
        "posted_at": local("2026-11-02T09:00"),
    }
    values.update(over)
    return Spokesperson(**values)  # type: ignore[arg-type]


def test_the_deadline_is_the_end_of_the_day_after_the_decision() -> None:
    person = entry()
    assert posting_deadline(person) == local("2026-11-03T00:00")
    on_time = entry(posted_at=local("2026-11-03T00:00"))  # the end of 2 November
    late = entry(posted_at=local("2026-11-03T00:01"))
    assert not posted_late(on_time)
    assert posted_late(late)
    # The same moments stored in UTC compare the same way.
    assert not posted_late(entry(posted_at=local("2026-11-03T00:00").astimezone(tz=None)))


def test_an_entry_under_decree_09_is_never_late() -> None:
    old = entry(
        valid_from=date(2026, 6, 30),
        decision_date=date(2026, 1, 5),
        posted_at=local("2026-06-30T09:00"),
    )
    assert posting_deadline(old) is None and not posted_late(old)
    first_day = entry(valid_from=date(2026, 7, 1), decision_date=date(2026, 7, 1))
    assert posting_deadline(first_day) == local("2026-07-03T00:00")


def test_a_decision_signed_before_the_decree_is_counted_from_its_first_day() -> None:
    person = entry(
        valid_from=date(2026, 7, 1),
        decision_date=date(2026, 6, 26),
        posted_at=local("2026-07-01T23:00"),
    )
    assert posting_deadline(person) == local("2026-07-02T00:00")
    assert not posted_late(person)


@pytest.mark.parametrize("role", [SpokespersonRole.HEAD, SpokespersonRole.AUTHORISED])
def test_only_a_regular_spokesperson_has_a_posting_deadline(role: SpokespersonRole) -> None:
    person = entry(role=role, posted_at=local("2026-12-01T09:00"))
    assert posting_deadline(person) is None and not posted_late(person)


def test_no_decision_date_or_no_posting_time_is_not_late() -> None:
    assert not posted_late(entry(decision_date=None, posted_at=local("2026-12-01T09:00")))
    assert not posted_late(entry(posted_at=None))
    assert posting_deadline(entry(valid_from=date(2016, 1, 1))) is None  # no rule set: no guess


def test_contact_details_are_checked_for_entries_in_force_only() -> None:
    day = date(2026, 12, 4)
    assert missing_contact(entry(), day) == ()
    assert missing_contact(entry(email=""), day) == ("email",)
    assert missing_contact(entry(phone=" ", email=""), day) == ("phone", "email")
    ended = entry(email="", valid_to=day - timedelta(days=1))
    later = entry(phone="", valid_from=day + timedelta(days=1))
    assert missing_contact(ended, day) == () and missing_contact(later, day) == ()


def test_levels_and_filters() -> None:
    assert level_of(OrgKind.PEOPLES_COMMITTEE) == Level.PROVINCE
    assert level_of(OrgKind.OTHER) == Level.PROVINCE
    assert level_of(OrgKind.DEPARTMENT) == Level.DEPARTMENT
    assert level_of(OrgKind.COMMUNE) == Level.COMMUNE
    assert level_of(OrgKind.PRESS_AGENCY) is None
    f = RegisterFilters.parse("commune", "12")
    assert f == RegisterFilters(Level.COMMUNE, 12) and f.active
    assert f.query() == {"level": "commune", "org": "12"}
    assert RegisterFilters.parse("district", "x; drop") == RegisterFilters()
    assert not RegisterFilters.parse(None, None).active
