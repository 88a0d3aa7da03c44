"""Giao ban participations: recording, editing and deleting (audited, bad input refused beside
the field and nothing stored), the year's list with its count, who may use the pages, and what
the yearly report reads (figure 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.errors import ValidationFailed
from app.giaoban import service
from app.giaoban.models import GiaoBan, GiaoBanStatement, Organiser
from app.giaoban.service import GiaoBanInput
from app.orgs.models import OrgKind
from tests.conftest import WebClient
from tests.factories import make_org
from tests.incidents.support import OFFICE, at, statement
from tests.support import html, signed_in

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")


def dept(db: Session) -> int:
    return make_org(db, valid_from=date(2017, 3, 30)).id or 0


def data(org_id: int, **over: Any) -> GiaoBanInput:
    values: dict[str, Any] = {
        "day": date(2026, 7, 7),
        "organiser": Organiser.PARTY_BOARD.value,
        "organisation_id": org_id,
        "speaker_name": "Nguyễn Văn A (demo)",
        "speaker_title": "Phó Giám đốc Sở",
        "topics": "Tiến độ các dự án giao thông.",
    }
    values.update(over)
    return GiaoBanInput(**values)


def rows(db: Session) -> list[GiaoBan]:
    db.expire_all()
    return list(db.exec(select(GiaoBan).order_by(col(GiaoBan.id))).all())


def refused(db: Session, **over: Any) -> set[str]:
    with pytest.raises(ValidationFailed) as caught:
        service.create(db, actor=OFFICE, data=data(over.pop("org", None) or dept(db), **over))
    return set(caught.value.errors)


def test_recording_editing_and_deleting_are_audited(db: Session) -> None:
    org = dept(db)
    first = statement(db, at(date(2026, 7, 7), 16))
    second = statement(db, at(date(2026, 7, 8), 9))
    row = service.create(db, actor=OFFICE, data=data(org, statements=f"{first.id}, #{second.id}"))
    gid = row.id or 0
    assert service.statement_ids(db, gid) == sorted([first.id, second.id])
    service.update(
        db,
        actor=OFFICE,
        giao_ban_id=gid,
        data=data(
            org, organiser="other", organiser_other="Báo Quảng Ninh", statements=str(first.id)
        ),
        expected_revision=row.revision,
    )
    (stored,) = rows(db)
    assert (stored.organiser, stored.organiser_other) == (Organiser.OTHER, "Báo Quảng Ninh")
    assert service.statement_ids(db, gid) == [first.id]
    assert service.delete(db, actor=OFFICE, giao_ban_id=gid) == date(2026, 7, 7)
    assert rows(db) == [] and db.exec(select(GiaoBanStatement)).all() == []
    actions = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "giao_ban")
        .order_by(col(AuditEvent.id))
    ).all()
    assert actions == ["giao_ban.recorded", "giao_ban.updated", "giao_ban.deleted"]


def test_bad_input_is_refused_and_nothing_is_stored(db: Session) -> None:
    assert refused(db, day=date(2026, 12, 5)) == {"day"}  # in the future
    assert refused(db, day=date(2017, 3, 29)) == {"day"}  # no law before 30/3/2017
    assert refused(db, day=None) == {"day"}
    assert refused(db, organiser="party") == {"organiser"}
    assert refused(db, organiser="other") == {"organiser_other"}
    press = make_org(db, kind=OrgKind.PRESS_AGENCY, valid_from=date(2017, 3, 30)).id
    assert refused(db, org=press) == {"organisation_id"}
    later = make_org(db, valid_from=date(2026, 8, 1)).id
    assert refused(db, org=later) == {"organisation_id"}  # not yet in being on that day
    assert refused(db, speaker_name=" ", topics="") == {"speaker_name", "topics"}
    assert refused(db, topics="A\x00B") == {"topics"}
    assert refused(db, statements="12345") == {"statements"}
    assert refused(db, statements="1; x") == {"statements"}
    assert rows(db) == []


def test_a_central_organiser_may_be_named_and_others_are_not(db: Session) -> None:
    org = dept(db)
    central = service.create(
        db, actor=OFFICE, data=data(org, organiser="central", organiser_other="Bộ VHTTDL")
    )
    board = service.create(
        db, actor=OFFICE, data=data(org, organiser="party_board", organiser_other="ignored")
    )
    assert central.organiser_other == "Bộ VHTTDL" and board.organiser_other == ""


def test_the_report_counts_the_participations_of_its_period(db: Session) -> None:
    org = dept(db)
    made = [
        service.create(db, actor=OFFICE, data=data(org, day=day)).id
        for day in (date(2025, 12, 14), date(2025, 12, 15), date(2026, 6, 30), date(2026, 7, 1))
    ]
    assert service.count_between(db, date(2025, 12, 15), date(2026, 12, 14)) == 3
    assert [r.id for r in service.list_between(db, date(2026, 1, 1), date(2026, 12, 31))] == made[
        2:
    ]
    items = service.report_items(db, date(2026, 7, 1), date(2026, 7, 31))
    assert [(i.id, i.day) for i in items] == [(made[3], date(2026, 7, 1))]
    assert "Tiến độ các dự án giao thông." in items[0].title


# --- Pages -------------------------------------------------------------------------------------


def page_form(org_id: int, **over: str) -> dict[str, str]:
    values = {
        "day": "2026-07-07",
        "organiser": "party_board",
        "organiser_other": "",
        "organisation_id": str(org_id),
        "speaker_name": "Nguyễn Văn A (demo)",
        "speaker_title": "Phó Giám đốc Sở",
        "topics": "Tiến độ các dự án giao thông.",
        "statements": "",
    }
    values.update(over)
    return values


@pytest.mark.parametrize("role", ["anonymous", "admin", "department", "journalist"])
def test_only_the_office_may_use_the_giao_ban_pages(db: Session, new_web: Any, role: str) -> None:
    row = service.create(db, actor=OFFICE, data=data(dept(db)))
    web = new_web()
    if role != "anonymous":
        signed_in(web, db, Role(role))
    expected = 303 if role == "anonymous" else 403
    for url in ("/office/giao-ban", "/office/giao-ban/new", f"/office/giao-ban/{row.id}"):
        r = web.get(url)
        assert r.status_code == expected, url
        if role == "anonymous":
            assert r.headers["location"].startswith("/login?next=")
    for url in (
        "/office/giao-ban/new",
        f"/office/giao-ban/{row.id}",
        f"/office/giao-ban/{row.id}/delete",
    ):
        assert web.post(url, page_form(1)).status_code == expected, url
    assert len(rows(db)) == 1


@pytest.mark.parametrize("role", [Role.PRESS_OFFICE, Role.SPOKESPERSON])
def test_the_office_records_a_giao_ban_and_sees_the_years_count(
    db: Session, web: WebClient, role: Role
) -> None:
    org = dept(db)
    signed_in(web, db, role, lang="en")
    assert web.get("/office/giao-ban/new").status_code == 200
    r = web.post("/office/giao-ban/new", page_form(org))
    assert r.status_code == 303 and r.headers["location"] == "/office/giao-ban?year=2026"
    page = html(web.get("/office/giao-ban?year=2026").text)
    assert page.text(".giao-ban-count") == "The province informed the press at a giao ban 1 time."
    (row,) = rows(db)
    gid = row.id
    assert page.attrs(".giao-ban-row", "data-id") == [str(gid)]
    assert html(web.get("/office/giao-ban?year=2025").text).all(".giao-ban-row") == []
    edit = html(web.get(f"/office/giao-ban/{gid}").text)
    assert edit.one("#f-speaker_name").get("value") == "Nguyễn Văn A (demo)"
    revision = edit.one("input[name=revision]").get("value")
    r = web.post(f"/office/giao-ban/{gid}", page_form(org, topics="", revision=revision))
    assert r.status_code == 422 and html(r.text).texts("#f-topics-error")
    r = web.post(f"/office/giao-ban/{gid}", page_form(org, topics="Du lịch", revision=revision))
    assert r.status_code == 303 and rows(db)[0].topics == "Du lịch"
    stale = page_form(org, topics="Cũ", revision=revision)  # read before the last save
    assert web.post(f"/office/giao-ban/{gid}", stale).status_code == 409
    assert web.post(f"/office/giao-ban/{gid}/delete").status_code == 303
    assert rows(db) == []
    assert web.get(f"/office/giao-ban/{gid}").status_code == 404


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"day": "2026-12-05"}, "day"),
        ({"day": "2017-03-29"}, "day"),
        ({"day": "hôm nay"}, "day"),
        ({"organiser": "other"}, "organiser_other"),
        ({"organisation_id": ""}, "organisation_id"),
        ({"speaker_name": ""}, "speaker_name"),
        ({"statements": "abc"}, "statements"),
    ],
)
def test_bad_input_on_the_page_comes_back_beside_the_field(
    db: Session, web: WebClient, over: dict[str, str], field: str
) -> None:
    org = dept(db)
    signed_in(web, db, Role.PRESS_OFFICE, lang="en")
    r = web.post("/office/giao-ban/new", page_form(org, **over))
    assert r.status_code == 422
    page = html(r.text)
    assert page.texts(f"#f-{field}-error")
    assert page.one("#f-topics").text_content() == "Tiến độ các dự án giao thông."
    assert rows(db) == []
