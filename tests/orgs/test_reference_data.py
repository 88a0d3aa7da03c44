"""Quảng Ninh's reference data after the 2025 reorganisation: what a picker offers on a date."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.audit.service import Actor
from app.orgs import service
from app.orgs.models import OrgKind

SYSTEM = Actor.system("test")


def names(session: Session, on: date, *kinds: OrgKind) -> set[str]:
    return {v.name_vi for v in service.list_organisations(session, on=on, kinds=kinds)}


def test_the_54_commune_level_committees_are_in_force_from_1_july_2025(db: Session) -> None:
    service.seed(db, actor=SYSTEM)
    communes = names(db, date(2025, 7, 1), OrgKind.COMMUNE)
    assert len(communes) == 54
    assert sum(n.startswith("UBND phường ") for n in communes) == 30
    assert sum(n.startswith("UBND xã ") for n in communes) == 22
    assert {n for n in communes if n.startswith("UBND đặc khu ")} == {
        "UBND đặc khu Vân Đồn",
        "UBND đặc khu Cô Tô",
    }
    assert {"UBND phường Hạ Long", "UBND xã Cái Chiên", "UBND phường Móng Cái 3"} <= communes
    # The day before, the district level still governed and none of the new units existed.
    assert names(db, date(2025, 6, 30), OrgKind.COMMUNE) == set()
    districts = names(db, date(2025, 6, 30), OrgKind.DISTRICT)
    assert len(districts) == 13 and "UBND thành phố Hạ Long" in districts
    assert names(db, date(2025, 7, 1), OrgKind.DISTRICT) == set()


def test_departments_merged_on_1_march_2025_keep_their_history(db: Session) -> None:
    service.seed(db, actor=SYSTEM)
    before = names(db, date(2025, 2, 28), OrgKind.DEPARTMENT)
    after = names(db, date(2025, 3, 1), OrgKind.DEPARTMENT)
    gone = {
        "Sở Thông tin và Truyền thông",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở Văn hóa và Thể thao",
        "Sở Du lịch",
        "Ban Dân tộc",
    }
    assert gone <= before and not gone & after
    assert {"Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo"} <= after - before
    # A press agency is never among the state bodies a picker of departments offers.
    assert "Thông tấn xã Việt Nam" not in after


def test_seeding_twice_adds_nothing_the_second_time(db: Session) -> None:
    first = service.seed(db, actor=SYSTEM)
    assert first >= 107
    assert service.seed(db, actor=SYSTEM) == 0
