"""Series without surprises: the clash rule on its own; a series that clashes is shown as
clashing and saved only once accepted as previewed; the next N briefings announced at once."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.briefings import clashes, service
from app.briefings.models import Briefing, BriefingKind, BriefingSeries, BriefingStatus
from app.timeutil import LOCAL_TZ, local_today
from tests.briefings.test_routes import SERIES_NEW, series_form
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_org, make_user

THU = date(2027, 1, 7)  # a Thursday


@pytest.fixture
def office(web: WebClient, db: Session) -> WebClient:
    from app.accounts.models import Role

    user = make_user(db, Role.PRESS_OFFICE)
    assert web.login(user.email, PASSWORD).status_code == 303
    return web


@pytest.fixture
def kinds(db: Session) -> dict[str, BriefingKind]:
    from app.audit.service import Actor
    from app.orgs import service as orgs_service

    orgs_service.seed(db, actor=Actor.system("test"))
    service.seed_kinds(db, actor=Actor.system("test"))
    return {k.code: k for k in service.kinds(db)}


def slot(
    day: date,
    hh: int,
    *,
    kind: int | None = 1,
    chair: str = "",
    venue: str = "",
    id: int | None = None,
    minutes: int = 90,
) -> clashes.Slot:
    start = datetime.combine(day, time(hh), LOCAL_TZ)
    return clashes.Slot(start, start + timedelta(minutes=minutes), kind, chair, venue, id, f"#{id}")


# --- The rule --------------------------------------------------------------------------------


def test_an_overlap_of_the_same_kind_chair_or_venue_clashes() -> None:
    occ = [slot(THU, 15, kind=1, chair="Người phát ngôn", venue="Hội trường A")]
    assert [c.reason for c in clashes.find(occ, [slot(THU, 16, kind=1, id=7)], "WEEKLY")] == [
        "kind"
    ]
    other_kind_same_chair = slot(THU, 14, kind=2, chair=" người phát ngôn ", id=8)
    assert [c.reason for c in clashes.find(occ, [other_kind_same_chair], "WEEKLY")] == ["chair"]
    same_room = slot(THU, 16, kind=2, venue="hội trường a", id=9)
    assert [c.reason for c in clashes.find(occ, [same_room], "WEEKLY")] == ["venue"]
    found = clashes.find(occ, [slot(THU, 16, kind=1, id=7)], "WEEKLY")[0]
    assert (found.day, found.other_id) == (THU, 7)


def test_no_clash_apart_in_time_on_another_day_or_with_nothing_in_common() -> None:
    occ = [slot(THU, 15, kind=1, chair="A", venue="B")]
    after = clashes.Slot(
        datetime.combine(THU, time(16, 30), LOCAL_TZ), datetime.combine(THU, time(17), LOCAL_TZ), 1
    )
    assert clashes.find(occ, [after], "WEEKLY") == []  # starts when the occurrence ends
    assert clashes.find(occ, [slot(THU + timedelta(days=1), 15, kind=1, id=2)], "WEEKLY") == []
    assert clashes.find(occ, [slot(THU, 15, kind=2, chair="C", venue="D", id=3)], "WEEKLY") == []
    assert (
        clashes.find(occ, [slot(THU, 15, kind=2, id=4)], "WEEKLY") == []
    )  # empty names never match


def test_two_occurrences_in_one_week_or_month_are_flagged() -> None:
    # A holiday moved the second Thursday's briefing into the next week, beside that week's own.
    # 7 January's briefing moved by a holiday to Monday 11 January, the week of 14 January's.
    moved, own = date(2027, 1, 11), date(2027, 1, 14)
    weekly = [slot(moved, 15), slot(own, 15), slot(date(2027, 1, 21), 15)]
    found = clashes.find(weekly, [], "WEEKLY")
    assert [(c.day, c.reason) for c in found] == [(own, "period")]
    monthly = [slot(date(2027, 1, 28), 15), slot(date(2027, 2, 1), 15), slot(date(2027, 2, 25), 15)]
    assert [c.day for c in clashes.find(monthly, [], "MONTHLY")] == [date(2027, 2, 25)]
    assert clashes.find(weekly, [], "WEEKLY", interval=2) == []  # every other week: no such rule


def test_the_token_names_the_clashes_seen() -> None:
    a = clashes.find([slot(THU, 15)], [slot(THU, 15, id=1)], "WEEKLY")
    b = clashes.find([slot(THU, 15)], [slot(THU, 15, id=2)], "WEEKLY")
    assert clashes.token(a) and clashes.token(a) != clashes.token(b)
    assert clashes.token([]) == ""


# --- The pages -------------------------------------------------------------------------------


def weekly_form(kind: BriefingKind, **over: Any) -> dict[str, Any]:
    start = local_today() + timedelta(days=1)
    return series_form(
        kind,
        pattern="weekly",
        weekday=["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()],
        dtstart=start.isoformat(),
        until=(start + timedelta(days=27)).isoformat(),
        title_vi="Giao ban báo chí tuần {week}/{year}",
        **over,
    )


def token_in(html: str) -> str:
    found = re.search(r'name="accept_clashes" value="([0-9a-f]+)"', html)
    assert found is not None, "no button to save despite the clashes"
    return found.group(1)


def test_a_series_beside_an_existing_one_is_shown_clashing_and_saved_only_once_accepted(
    office: WebClient,
    db: Session,
    kinds: dict[str, BriefingKind],
) -> None:
    kind = kinds["regular_conference"]
    assert office.post(SERIES_NEW, weekly_form(kind)).status_code == 303
    first_count = len(db.exec(select(Briefing)).all())
    assert first_count == 4

    r = office.post(SERIES_NEW, weekly_form(kind))  # the same again: four clashes
    assert r.status_code == 422
    text = page_text(r.text)
    assert "4 buổi họp báo của chuỗi này trùng lịch" in text
    assert text.count("trùng giờ với một buổi họp báo cùng loại") == 4
    assert len(db.exec(select(BriefingSeries)).all()) == 1  # nothing saved

    accepted = token_in(r.text)
    shorter = (local_today() + timedelta(days=15)).isoformat()
    changed = weekly_form(kind) | {"until": shorter}  # other clashes than the ones accepted
    r = office.post(SERIES_NEW, changed | {"accept_clashes": accepted})
    assert r.status_code == 422 and len(db.exec(select(BriefingSeries)).all()) == 1

    r = office.post(SERIES_NEW, weekly_form(kind) | {"accept_clashes": accepted})
    assert r.status_code == 303
    assert len(db.exec(select(Briefing)).all()) == first_count * 2


def test_the_preview_lists_the_clashes_before_anything_is_saved(
    office: WebClient,
    db: Session,
    kinds: dict[str, BriefingKind],
) -> None:
    kind = kinds["regular_conference"]
    office.post(SERIES_NEW, weekly_form(kind))
    r = office.get(
        "/office/briefing-series/preview", params=weekly_form(kind), headers={"HX-Request": "true"}
    )
    assert r.status_code == 200
    assert r.text.count('data-clash="kind"') == 4
    assert 'name="accept_clashes"' not in r.text  # asked only when saving


def test_a_series_never_clashes_with_its_own_briefings_when_edited(
    office: WebClient,
    db: Session,
    kinds: dict[str, BriefingKind],
) -> None:
    kind = kinds["regular_conference"]
    location = office.post(SERIES_NEW, weekly_form(kind)).headers["location"]
    series_id = int(location.rsplit("/", 1)[1])
    series = db.get(BriefingSeries, series_id)
    assert series is not None
    form = weekly_form(kind, notes="Mang theo thẻ nhà báo", sequence=str(series.sequence))
    assert office.post(f"/office/briefing-series/{series_id}", form).status_code == 303


# --- Announcing the next N --------------------------------------------------------------------


def test_the_next_briefings_are_announced_in_one_action_each_audited(
    office: WebClient,
    db: Session,
    kinds: dict[str, BriefingKind],
) -> None:
    kind = kinds["regular_conference"]
    location = office.post(SERIES_NEW, weekly_form(kind)).headers["location"]
    series_id = int(location.rsplit("/", 1)[1])
    r = office.post(
        f"/office/briefing-series/{series_id}/announce", {"count": "3"}, follow_redirects=True
    )
    assert "Đã thông báo 3 buổi họp báo" in page_text(r.text)
    rows = db.exec(
        select(Briefing).where(Briefing.series_id == series_id).order_by(col(Briefing.starts_at))
    ).all()
    assert [b.status for b in rows] == [BriefingStatus.ANNOUNCED] * 3 + [BriefingStatus.PLANNED]
    assert (
        len(db.exec(select(AuditEvent).where(AuditEvent.action == "briefing.announce")).all()) == 3
    )
    r = office.post(
        f"/office/briefing-series/{series_id}/announce", {"count": "0"}, follow_redirects=True
    )
    assert "Mỗi lần thông báo từ 1 đến 26 buổi" in page_text(r.text)


@pytest.mark.parametrize("role", ["department", "journalist"])
def test_only_the_office_announces_a_series(
    web: WebClient,
    db: Session,
    kinds: dict[str, BriefingKind],
    role: str,
) -> None:
    from app.accounts.models import Role

    kind = kinds["regular_conference"]
    series, _ = service.create_series(
        db,
        actor=actor_for_office(db),
        data=series_input(kind),
        horizon_months=3,
    )
    user = make_user(db, Role(role), org=make_org(db))
    assert web.login(user.email, PASSWORD).status_code == 303
    r = web.post(f"/office/briefing-series/{series.id}/announce", {"count": "2"})
    assert r.status_code in (403, 404)
    assert db.exec(select(Briefing).where(Briefing.status == BriefingStatus.ANNOUNCED)).all() == []


def actor_for_office(db: Session) -> Any:
    from app.accounts.models import Role
    from tests.support import actor_of

    return actor_of(make_user(db, Role.PRESS_OFFICE))


def series_input(kind: BriefingKind) -> service.SeriesInput:
    from app.briefings.recurrence import RuleForm

    start = local_today() + timedelta(days=1)
    return service.SeriesInput(
        kind_id=kind.id,
        title_vi="Giao ban tuần {week}/{year}",
        rule=RuleForm(
            pattern="weekly", weekday=["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()]
        ),
        dtstart=start,
        start_time=time(15),
        duration_minutes=60,
        until=start + timedelta(days=20),
    )


def test_the_preview_shows_the_first_title_with_its_month_and_year_filled_in(
    office: WebClient, db: Session, kinds: dict[str, BriefingKind]
) -> None:
    form = weekly_form(kinds["regular_conference"])
    r = office.get("/office/briefing-series/preview", params=form, headers={"HX-Request": "true"})
    first = local_today() + timedelta(days=1)
    week = f"{first.isocalendar().week:02d}/{first.year}"
    assert f"Buổi đầu tiên sẽ có tên: Giao ban báo chí tuần {week}" in page_text(r.text)
