"""Briefing use cases on the database: create, edit, lifecycle, series and their regeneration,
"this and following", concurrent edits, conflicts, compliance facts, extension and seeding.

The service uses today's real date, so every date here is built relative to it.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import holidays
import pytest
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.briefings import service
from app.briefings.models import (
    Briefing,
    BriefingKind,
    BriefingSeries,
    BriefingStatus,
    ChangeKind,
    HolidayPolicy,
)
from app.briefings.recurrence import WEEKDAYS, RuleForm
from app.briefings.service import BriefingInput, SeriesInput, TransitionInput
from app.briefings.service import series as series_service
from app.briefings.states import Step
from app.errors import Conflict, ValidationFailed
from app.orgs import service as orgs_service
from app.orgs.models import Organisation
from app.timeutil import local_today, to_local, utcnow
from tests.factories import make_briefing, make_kind, make_org

ACTOR = Actor.system("test")
LOCAL_3PM = time(15)


# --- Helpers ---------------------------------------------------------------------------------


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {k: v.render("en") for k, v in exc.value.errors.items()}


def events(db: Session, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
    return list(db.exec(query).all())


def fresh(db: Session) -> Session:
    """A second session, to see what was really committed."""
    return Session(db.get_bind())


def reload(db: Session, briefing_id: int | None) -> Briefing:
    with fresh(db) as other:
        found = other.get(Briefing, briefing_id)
        assert found is not None
        other.expunge(found)
        return found


def exists(db: Session, briefing_id: int | None) -> bool:
    with fresh(db) as other:
        return other.get(Briefing, briefing_id) is not None


def ids(*orgs: Organisation) -> list[int]:
    return sorted(o.id or 0 for o in orgs)


def local_day(b: Briefing) -> date:
    return to_local(b.starts_at).date()


def local_clock(b: Briefing) -> time:
    return to_local(b.starts_at).time()


def weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def last_thursday(year: int, month: int) -> date:
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 3) % 7)


def first_of_next_month() -> date:
    today = local_today()
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def vn_holidays(*years: int) -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=list(years)))


def quiet_day(weekday: int, *, days_off: tuple[int, ...], earliest: int = 21) -> date:
    """A future `weekday` such that none of the days `days_off` before it is a public holiday."""
    day = weekday_on_or_after(local_today() + timedelta(days=earliest), weekday)
    public = vn_holidays(day.year - 1, day.year, day.year + 1)
    while any(day - timedelta(days=n) in public for n in days_off):
        day += timedelta(weeks=1)
    return day


def next_tet(after: date) -> list[date]:
    """The days of the next Tết holiday starting after `after` (from the `holidays` package)."""
    for year in range(after.year, after.year + 3):
        days = sorted(d for d, name in vn_holidays(year).items() if "Lunar New Year" in name)
        if days and days[0] > after:
            return days
    raise AssertionError("no Tết found")


def briefing_input(kind: BriefingKind, **over: Any) -> BriefingInput:
    values: dict[str, Any] = {
        "kind_id": kind.id,
        "title_vi": "Họp báo về phòng chống bão số 3",
        "title_en": "Press conference on typhoon no. 3",
        "day": local_today() + timedelta(days=14),
        "start": time(14),
        "end": time(15, 30),
        "venue": "Hội trường UBND tỉnh",
        "chair": "Người phát ngôn UBND tỉnh",
    }
    values.update(over)
    return BriefingInput(**values)


def input_of(db: Session, b: Briefing, **over: Any) -> BriefingInput:
    """The edit form of a briefing as it stands, with some fields changed."""
    values: dict[str, Any] = {
        "kind_id": b.kind_id,
        "title_vi": b.title_vi,
        "title_en": b.title_en,
        "day": local_day(b),
        "start": local_clock(b),
        "end": to_local(b.ends_at).time(),
        "venue": b.venue,
        "online_url": b.online_url,
        "chair": b.chair,
        "organiser_org_id": b.organiser_org_id,
        "invitee_ids": service.invitee_ids(db, b.id or 0),
        "content_deadline": to_local(b.content_deadline).date() if b.content_deadline else None,
        "notes": b.notes,
    }
    values.update(over)
    return BriefingInput(**values)


def create(db: Session, kind: BriefingKind, **over: Any) -> Briefing:
    return service.create(db, actor=ACTOR, data=briefing_input(kind, **over))


def update(db: Session, b: Briefing, expected: int | None = None, **over: Any) -> Briefing:
    return service.update(
        db,
        actor=ACTOR,
        briefing_id=b.id or 0,
        data=input_of(db, b, **over),
        expected_sequence=expected,
    )


def act(db: Session, b: Briefing, action: Step, **kw: Any) -> Briefing:
    return service.transition(
        db,
        actor=ACTOR,
        briefing_id=b.id or 0,
        data=TransitionInput(action, **kw),
        expected_sequence=None,
    )


def series_input(kind: BriefingKind, **over: Any) -> SeriesInput:
    values: dict[str, Any] = {
        "kind_id": kind.id,
        "title_vi": "Họp báo thường kỳ tháng {month}/{year}",
        "title_en": "Regular press conference {month}/{year}",
        "rule": RuleForm("monthly_weekday", weekday="TH", ordinal=-1),
        "dtstart": first_of_next_month(),
        "start_time": LOCAL_3PM,
        "duration_minutes": 120,
        "venue": "Hội trường UBND tỉnh",
        "chair": "Người phát ngôn UBND tỉnh",
    }
    values.update(over)
    return SeriesInput(**values)


def weekly_input(kind: BriefingKind, first: date, count: int, **over: Any) -> SeriesInput:
    """Every week on `first`'s weekday, `count` times, holidays kept unless said otherwise."""
    values: dict[str, Any] = {
        "title_vi": "Thông tin báo chí tuần {week}/{year}",
        "title_en": "Weekly information {week}/{year}",
        "rule": RuleForm("weekly", weekday=WEEKDAYS[first.weekday()]),
        "dtstart": first,
        "until": first + timedelta(weeks=count - 1),
        "duration_minutes": 60,
        "holiday_policy": HolidayPolicy.KEEP,
        "venue": "Phòng họp A",
    }
    values.update(over)
    return series_input(kind, **values)


def make_series(
    db: Session, data: SeriesInput, horizon: int = 12
) -> tuple[BriefingSeries, list[Briefing]]:
    series, _ = service.create_series(db, actor=ACTOR, data=data, horizon_months=horizon)
    return series, service.series_briefings(db, series.id or 0)


def a_thursday_ahead() -> date:
    return weekday_on_or_after(local_today() + timedelta(days=8), 3)


# --- Create (one-off) ------------------------------------------------------------------------


def test_create_stores_a_planned_briefing_at_local_times_with_its_invitees(db: Session) -> None:
    kind = make_kind(db)
    health, police = make_org(db), make_org(db)
    day = local_today() + timedelta(days=14)

    b = create(db, kind, day=day, invitee_ids=[police.id, health.id, health.id])

    stored = reload(db, b.id)
    assert stored.status == BriefingStatus.PLANNED
    assert not stored.is_public and stored.series_id is None and not stored.detached
    assert to_local(stored.starts_at).replace(tzinfo=None) == datetime.combine(day, time(14))
    assert to_local(stored.ends_at).replace(tzinfo=None) == datetime.combine(day, time(15, 30))
    assert stored.title_vi == "Họp báo về phòng chống bão số 3"
    assert service.invitee_ids(db, b.id or 0) == ids(health, police)
    [event] = events(db, "briefing.created")
    assert event.object_type == "briefing" and event.object_id == str(b.id)
    assert event.actor_role == "system:test"


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"start": time(15), "end": time(14)}, "end", "The briefing must finish after it starts."),
        ({"start": time(15), "end": time(15)}, "end", "The briefing must finish after it starts."),
        ({"day": "yesterday"}, "day", "This time has already passed"),
        ({"day": None}, "day", "Enter the date."),
        ({"start": None}, "start", "Enter the starting time"),
        ({"kind_id": None}, "kind_id", "Choose the kind of briefing."),
        ({"kind_id": 9999}, "kind_id", "Choose the kind of briefing."),
        ({"title_vi": "   "}, "title_vi", "Enter the title."),
        ({"title_vi": "T" * 256}, "title_vi", "Use at most 255 characters."),
        ({"online_url": "zoom.us/j/123"}, "online_url", "https://"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
        ({"content_deadline": "after"}, "content_deadline", "on or before the day"),
        ({"invitee_ids": [9999]}, "invitee_ids", "Choose organisations from the list."),
        ({"organiser_org_id": 9999}, "organiser_org_id", "Choose organisations from the list."),
    ],
)
def test_create_refuses_bad_input_with_the_error_beside_the_field(
    db: Session, over: dict[str, Any], field: str, message: str
) -> None:
    kind = make_kind(db)
    day = local_today() + timedelta(days=14)
    if over.get("day") == "yesterday":
        over["day"] = local_today() - timedelta(days=1)
    if over.get("content_deadline") == "after":
        over["content_deadline"] = day + timedelta(days=1)

    with pytest.raises(ValidationFailed) as exc:
        create(db, kind, **{"day": day, **over})

    errors = errors_of(exc)
    assert list(errors) == [field]
    assert message in errors[field]
    assert db.exec(select(func.count()).select_from(Briefing)).one() == 0
    assert events(db, "briefing.created") == []


def test_create_reports_every_bad_field_at_once(db: Session) -> None:
    with pytest.raises(ValidationFailed) as exc:
        create(db, make_kind(db), kind_id=None, title_vi="", online_url="ftp://x", end=None)
    assert set(errors_of(exc)) == {"kind_id", "title_vi", "online_url", "end"}


def test_create_accepts_an_https_link_and_a_deadline_on_the_day(db: Session) -> None:
    day = local_today() + timedelta(days=14)
    b = create(
        db, make_kind(db), day=day, online_url=" https://live.example.vn/x ", content_deadline=day
    )
    assert b.online_url == "https://live.example.vn/x"
    assert b.content_deadline is not None
    assert to_local(b.content_deadline).replace(tzinfo=None) == datetime.combine(day, time(17))


def test_default_content_deadline_falling_on_a_weekend_moves_back_to_friday_5pm(
    db: Session,
) -> None:
    kind = make_kind(db, content_days_before=3)
    tuesday = quiet_day(1, days_off=(0, 1, 2, 3, 4))  # Tuesday − 3 days is a Saturday

    b = create(db, kind, day=tuesday)

    assert b.content_deadline is not None
    deadline = to_local(b.content_deadline)
    assert deadline.date() == tuesday - timedelta(days=4)
    assert deadline.weekday() == 4  # Friday
    assert deadline.time() == time(17)


def test_default_content_deadline_on_a_working_day_is_exactly_n_days_before(db: Session) -> None:
    kind = make_kind(db, content_days_before=3)
    thursday = quiet_day(3, days_off=(0, 3))  # Thursday − 3 days is a Monday

    b = create(db, kind, day=thursday)

    assert b.content_deadline is not None
    assert to_local(b.content_deadline).replace(tzinfo=None) == datetime.combine(
        thursday - timedelta(days=3), time(17)
    )


def test_default_content_deadline_skips_a_day_off_the_administrator_added(db: Session) -> None:
    from app.holidays import service as holidays_service

    kind = make_kind(db, content_days_before=3)
    thursday = quiet_day(3, days_off=(0, 3, 4, 5, 6))
    monday = thursday - timedelta(days=3)
    holidays_service.add_day(
        db, actor=ACTOR, day=monday, name_vi="Nghỉ bù", name_en="Bridge day", is_day_off=True
    )

    b = create(db, kind, day=thursday)

    assert b.content_deadline is not None
    assert to_local(b.content_deadline).date() == monday - timedelta(days=3)  # the Friday before


# --- Update ("this occurrence") --------------------------------------------------------------


def test_update_changes_the_fields_and_raises_the_sequence(db: Session) -> None:
    b = make_briefing(db, days_ahead=20)
    health = make_org(db)
    before = b.sequence
    new_day = local_today() + timedelta(days=21)

    update(
        db,
        b,
        expected=before,
        title_vi="Họp báo mới",
        day=new_day,
        start=time(9),
        end=time(10),
        venue="Phòng họp B",
        invitee_ids=[health.id],
    )

    stored = reload(db, b.id)
    assert stored.title_vi == "Họp báo mới"
    assert stored.venue == "Phòng họp B"
    assert to_local(stored.starts_at).replace(tzinfo=None) == datetime.combine(new_day, time(9))
    assert stored.sequence > before
    assert not stored.detached  # a one-off has no series to detach from
    assert service.invitee_ids(db, b.id or 0) == [health.id]
    assert service.changes(db, b.id or 0) == []  # not public yet: no public change
    assert len(events(db, "briefing.updated")) == 1


def test_update_of_an_occurrence_detaches_it_from_its_series(db: Session) -> None:
    _series, occurrences = make_series(db, weekly_input(make_kind(db), a_thursday_ahead(), 3))
    target = occurrences[1]

    update(db, target, expected=target.sequence, venue="Phòng họp B")

    stored = reload(db, target.id)
    assert stored.detached
    assert stored.venue == "Phòng họp B"
    assert not reload(db, occurrences[0].id).detached


def test_update_with_a_stale_sequence_is_refused_and_changes_nothing(db: Session) -> None:
    b = make_briefing(db, days_ahead=20, venue="Phòng A")
    seen = b.sequence
    update(db, b, expected=seen, venue="Phòng B")

    with pytest.raises(Conflict) as exc:
        update(db, b, expected=seen, venue="Phòng C")

    assert exc.value.detail is not None
    assert "Someone else changed this briefing" in exc.value.detail.render("en")
    assert reload(db, b.id).venue == "Phòng B"
    assert len(events(db, "briefing.updated")) == 1


def test_update_refuses_to_move_a_planned_briefing_into_the_past(db: Session) -> None:
    b = make_briefing(db, days_ahead=20)
    with pytest.raises(ValidationFailed) as exc:
        update(db, b, day=local_today() - timedelta(days=1))
    assert list(errors_of(exc)) == ["day"]


def test_announced_briefing_time_changes_only_by_postponing(db: Session) -> None:
    b = make_briefing(db, days_ahead=20, announced=True)
    old_start = b.starts_at

    with pytest.raises(ValidationFailed) as exc:
        update(db, b, start=time(9), end=time(10))

    assert "Postpone" in errors_of(exc)["day"]
    assert reload(db, b.id).starts_at == old_start


def test_announced_briefing_venue_change_is_recorded_publicly(db: Session) -> None:
    b = make_briefing(db, days_ahead=20, announced=True, venue="Hội trường A")

    update(db, b, venue="Hội trường B")

    stored = reload(db, b.id)
    assert stored.venue == "Hội trường B"
    assert stored.status == BriefingStatus.ANNOUNCED
    [change] = service.changes(db, b.id or 0)
    assert change.change == ChangeKind.UPDATED
    assert change.old_starts_at is None and change.new_starts_at is None


@pytest.mark.parametrize(
    "status", [BriefingStatus.HELD, BriefingStatus.RECORD_PUBLISHED, BriefingStatus.CANCELLED]
)
def test_held_or_cancelled_briefing_cannot_be_edited(db: Session, status: BriefingStatus) -> None:
    b = make_briefing(db, days_ahead=-2, status=status, announced_at=utcnow(), venue="Phòng A")
    with pytest.raises(Conflict):
        update(db, b, venue="Phòng B")
    assert reload(db, b.id).venue == "Phòng A"


# --- Transitions -----------------------------------------------------------------------------


def test_announce_makes_the_briefing_public_and_records_it(db: Session) -> None:
    b = make_briefing(db, days_ahead=10)
    before = b.sequence

    act(db, b, Step.ANNOUNCE)

    stored = reload(db, b.id)
    assert stored.status == BriefingStatus.ANNOUNCED
    assert stored.announced_at is not None and stored.is_public
    assert stored.sequence > before
    assert [c.change for c in service.changes(db, b.id or 0)] == [ChangeKind.ANNOUNCED]
    assert service.get_public(db, b.id or 0).id == b.id
    assert len(events(db, "briefing.announce")) == 1


def test_a_briefing_in_the_past_cannot_be_announced(db: Session) -> None:
    b = make_briefing(db, days_ahead=-1)
    with pytest.raises(ValidationFailed) as exc:
        act(db, b, Step.ANNOUNCE)
    assert list(errors_of(exc)) == ["action"]
    stored = reload(db, b.id)
    assert stored.status == BriefingStatus.PLANNED and stored.announced_at is None
    assert events(db, "briefing.announce") == []


def test_postpone_moves_the_briefing_and_shows_old_and_new_time(db: Session) -> None:
    b = make_briefing(db, days_ahead=10, announced=True)
    old_start, before = b.starts_at, b.sequence
    new_day = local_today() + timedelta(days=17)

    act(
        db,
        b,
        Step.POSTPONE,
        reason="  Trùng lịch họp HĐND  ",
        new_day=new_day,
        new_start=time(9),
        new_end=time(10, 30),
    )

    stored = reload(db, b.id)
    assert stored.status == BriefingStatus.POSTPONED
    assert stored.status_reason == "Trùng lịch họp HĐND"
    assert to_local(stored.starts_at).replace(tzinfo=None) == datetime.combine(new_day, time(9))
    assert to_local(stored.ends_at).replace(tzinfo=None) == datetime.combine(new_day, time(10, 30))
    assert stored.sequence > before
    [change] = service.changes(db, b.id or 0)
    assert change.change == ChangeKind.POSTPONED
    assert change.reason == "Trùng lịch họp HĐND"
    assert (change.old_starts_at, change.new_starts_at) == (old_start, stored.starts_at)
    assert len(events(db, "briefing.postpone")) == 1


def test_a_postponed_briefing_can_be_postponed_again(db: Session) -> None:
    b = make_briefing(db, days_ahead=10, announced=True)
    for days in (12, 14):
        act(
            db,
            b,
            Step.POSTPONE,
            reason="Lý do",
            new_day=local_today() + timedelta(days=days),
            new_start=time(9),
            new_end=time(10),
        )
    assert local_day(reload(db, b.id)) == local_today() + timedelta(days=14)
    assert [c.change for c in service.changes(db, b.id or 0)] == [ChangeKind.POSTPONED] * 2


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"new_day": None}, "new_day"),
        ({"new_start": None}, "new_day"),
        ({"new_day": "yesterday"}, "new_day"),
        ({"new_start": time(11), "new_end": time(10)}, "new_end"),
        ({"new_day": "same", "new_start": time(15), "new_end": time(16, 30)}, "new_day"),
    ],
)
def test_postpone_needs_a_public_reason_and_a_new_future_time(
    db: Session, over: dict[str, Any], field: str
) -> None:
    b = make_briefing(db, days_ahead=10, hour=15, announced=True)
    old = (b.starts_at, b.sequence)
    values: dict[str, Any] = {
        "reason": "Lý do",
        "new_day": local_today() + timedelta(days=12),
        "new_start": time(9),
        "new_end": time(10),
    }
    values.update(over)
    if values["new_day"] == "yesterday":
        values["new_day"] = local_today() - timedelta(days=1)
    if values["new_day"] == "same":
        values["new_day"] = local_day(b)

    with pytest.raises(ValidationFailed) as exc:
        act(db, b, Step.POSTPONE, **values)

    assert field in errors_of(exc)
    stored = reload(db, b.id)
    assert (stored.starts_at, stored.sequence) == old
    assert stored.status == BriefingStatus.ANNOUNCED
    assert service.changes(db, b.id or 0) == []


def test_cancel_of_an_announced_briefing_needs_a_reason_and_is_shown_publicly(
    db: Session,
) -> None:
    b = make_briefing(db, days_ahead=10, announced=True)
    with pytest.raises(ValidationFailed) as exc:
        act(db, b, Step.CANCEL)
    assert list(errors_of(exc)) == ["reason"]

    act(db, b, Step.CANCEL, reason="Bão số 3 đổ bộ")

    stored = reload(db, b.id)
    assert stored.status == BriefingStatus.CANCELLED
    assert stored.status_reason == "Bão số 3 đổ bộ"
    [change] = service.changes(db, b.id or 0)
    assert (change.change, change.reason) == (ChangeKind.CANCELLED, "Bão số 3 đổ bộ")
    assert len(events(db, "briefing.cancel")) == 1


def test_cancel_of_an_unannounced_briefing_needs_no_reason_and_stays_private(
    db: Session,
) -> None:
    b = make_briefing(db, days_ahead=10)

    act(db, b, Step.CANCEL)

    stored = reload(db, b.id)
    assert stored.status == BriefingStatus.CANCELLED
    assert not stored.is_public
    assert service.changes(db, b.id or 0) == []
    assert len(events(db, "briefing.cancel")) == 1


def test_hold_only_once_the_briefing_has_started(db: Session) -> None:
    future = make_briefing(db, days_ahead=3, announced=True)
    with pytest.raises(ValidationFailed) as exc:
        act(db, future, Step.HOLD)
    assert list(errors_of(exc)) == ["action"]
    assert reload(db, future.id).status == BriefingStatus.ANNOUNCED

    started = utcnow() - timedelta(minutes=30)
    begun = make_briefing(
        db, announced=True, starts_at=started, ends_at=started + timedelta(minutes=90)
    )
    act(db, begun, Step.HOLD)

    assert reload(db, begun.id).status == BriefingStatus.HELD
    assert [c.change for c in service.changes(db, begun.id or 0)] == [ChangeKind.HELD]
    assert len(events(db, "briefing.hold")) == 1


def held_briefing(db: Session) -> Briefing:
    start = utcnow() - timedelta(days=1)
    return make_briefing(
        db,
        status=BriefingStatus.HELD,
        announced_at=start - timedelta(days=7),
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
    )


@pytest.mark.parametrize(
    ("summary", "url", "field"),
    [("", "", "record_summary"), ("  ", "  ", "record_summary"), ("", "video.vn", "record_url")],
)
def test_publish_record_needs_a_summary_or_a_valid_link(
    db: Session, summary: str, url: str, field: str
) -> None:
    b = held_briefing(db)
    with pytest.raises(ValidationFailed) as exc:
        act(db, b, Step.PUBLISH_RECORD, record_summary=summary, record_url=url)
    assert field in errors_of(exc)
    stored = reload(db, b.id)
    assert stored.status == BriefingStatus.HELD
    assert (stored.record_summary, stored.record_url) == ("", "")


def test_publish_record_with_a_link_only(db: Session) -> None:
    b = held_briefing(db)

    act(db, b, Step.PUBLISH_RECORD, record_url="https://video.example.vn/hop-bao")

    stored = reload(db, b.id)
    assert stored.status == BriefingStatus.RECORD_PUBLISHED
    assert stored.record_url == "https://video.example.vn/hop-bao"
    assert [c.change for c in service.changes(db, b.id or 0)] == [ChangeKind.RECORD_PUBLISHED]
    assert len(events(db, "briefing.publish_record")) == 1


def test_the_record_can_be_corrected_after_publication(db: Session) -> None:
    b = held_briefing(db)
    act(db, b, Step.PUBLISH_RECORD, record_summary="Tóm tắt")
    act(db, b, Step.PUBLISH_RECORD, record_summary="Tóm tắt đã sửa")
    assert reload(db, b.id).record_summary == "Tóm tắt đã sửa"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (BriefingStatus.PLANNED, Step.HOLD),
        (BriefingStatus.PLANNED, Step.POSTPONE),
        (BriefingStatus.PLANNED, Step.PUBLISH_RECORD),
        (BriefingStatus.ANNOUNCED, Step.ANNOUNCE),
        (BriefingStatus.HELD, Step.CANCEL),
        (BriefingStatus.CANCELLED, Step.ANNOUNCE),
        (BriefingStatus.CANCELLED, Step.POSTPONE),
        (BriefingStatus.RECORD_PUBLISHED, Step.HOLD),
    ],
)
def test_an_action_not_allowed_from_the_current_status_is_a_conflict(
    db: Session, status: BriefingStatus, action: Step
) -> None:
    announced_at = None if status == BriefingStatus.PLANNED else utcnow()
    b = make_briefing(db, days_ahead=5, status=status, announced_at=announced_at)
    with pytest.raises(Conflict):
        act(
            db,
            b,
            action,
            reason="Lý do",
            new_day=local_today() + timedelta(days=9),
            new_start=time(9),
            new_end=time(10),
            record_summary="x",
        )
    assert reload(db, b.id).status == status
    assert db.exec(select(func.count()).select_from(AuditEvent)).one() == 0


def test_transition_with_a_stale_sequence_is_refused(db: Session) -> None:
    b = make_briefing(db, days_ahead=5)
    seen = b.sequence
    update(db, b, venue="Phòng mới")
    with pytest.raises(Conflict):
        service.transition(
            db,
            actor=ACTOR,
            briefing_id=b.id or 0,
            data=TransitionInput(Step.ANNOUNCE),
            expected_sequence=seen,
        )
    assert reload(db, b.id).status == BriefingStatus.PLANNED


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (BriefingStatus.PLANNED, Step.HOLD),
        (BriefingStatus.PLANNED, Step.POSTPONE),
        (BriefingStatus.HELD, Step.ANNOUNCE),
        (BriefingStatus.CANCELLED, Step.CANCEL),
    ],
)
def test_take_step_refuses_a_step_the_status_does_not_allow_now(
    db: Session, status: BriefingStatus, step: Step
) -> None:
    announced_at = None if status == BriefingStatus.PLANNED else utcnow()
    b = make_briefing(db, days_ahead=5, status=status, announced_at=announced_at)
    data = service.StepInput(
        reason="Lý do",
        new_day=local_today() + timedelta(days=9),
        new_start=time(9),
        new_end=time(10),
    )
    with pytest.raises(Conflict) as refused:
        service.take_step(db, actor=ACTOR, id=b.id or 0, step=step, data=data)
    assert refused.value.status == 409
    stored = reload(db, b.id)
    assert (stored.status, stored.starts_at, stored.sequence) == (status, b.starts_at, b.sequence)
    assert db.exec(select(func.count()).select_from(AuditEvent)).one() == 0


# --- Series ----------------------------------------------------------------------------------


def test_monthly_series_on_the_last_thursday_fills_the_horizon(db: Session, settings: Any) -> None:
    kind = make_kind(db)
    health, police = make_org(db), make_org(db)
    data = series_input(kind, invitee_ids=[health.id, police.id])
    horizon = settings.briefing_horizon_months

    series, result = service.create_series(db, actor=ACTOR, data=data, horizon_months=horizon)

    occurrences = service.series_briefings(db, series.id or 0)
    assert result.created == len(occurrences) >= 12
    originals = [b.original_date for b in occurrences]
    assert all(d is not None for d in originals)
    for d in originals:
        assert d is not None
        assert d.weekday() == 3 and (d + timedelta(days=7)).month != d.month  # last Thursday
    assert len({(d.year, d.month) for d in originals if d}) == len(originals)  # once a month
    assert data.dtstart is not None
    assert originals[0] == last_thursday(data.dtstart.year, data.dtstart.month)
    assert series.generated_until is not None
    assert originals[-1] is not None and originals[-1] <= series.generated_until
    for b in occurrences:
        day = local_day(b)
        assert local_clock(b) == LOCAL_3PM
        assert b.ends_at - b.starts_at == timedelta(minutes=120)
        assert b.title_vi == f"Họp báo thường kỳ tháng {day.month:02d}/{day.year}"
        assert b.title_en == f"Regular press conference {day.month:02d}/{day.year}"
        assert b.venue == "Hội trường UBND tỉnh"
        assert b.status == BriefingStatus.PLANNED and not b.detached
        assert service.invitee_ids(db, b.id or 0) == ids(health, police)
    assert len({b.uid for b in occurrences}) == len(occurrences)
    assert service.series_invitee_ids(db, series.id or 0) == ids(health, police)
    [event] = events(db, "briefing_series.created")
    assert event.object_id == str(series.id)


def tet_series(db: Session, policy: HolidayPolicy) -> tuple[date, list[Briefing]]:
    """A weekly series at 08:30 on the weekday of the last working weekday of the next Tết."""
    tet = next_tet(local_today() + timedelta(days=15))
    day = max(d for d in tet if d.weekday() < 5)
    data = weekly_input(
        make_kind(db),
        day - timedelta(weeks=2),
        5,
        start_time=time(8, 30),
        holiday_policy=policy,
    )
    _series, occurrences = make_series(db, data, horizon=24)
    return day, occurrences


def test_weekly_series_moves_the_tet_occurrence_to_the_next_working_day(db: Session) -> None:
    tet_day, occurrences = tet_series(db, HolidayPolicy.NEXT_WORKING_DAY)

    public = vn_holidays(tet_day.year)
    expected = tet_day + timedelta(days=1)
    while expected.weekday() >= 5 or expected in public:
        expected += timedelta(days=1)
    [moved] = [b for b in occurrences if b.original_date == tet_day]
    assert local_day(moved) == expected
    assert local_clock(moved) == time(8, 30)
    assert expected > max(d for d, n in public.items() if "Lunar New Year" in n)
    assert len(occurrences) == 5
    others = [b for b in occurrences if b is not moved]
    assert all(local_day(b) == b.original_date for b in others)


def test_weekly_series_skips_the_tet_occurrence_when_told_to(db: Session) -> None:
    tet_day, occurrences = tet_series(db, HolidayPolicy.SKIP)

    assert [b.original_date for b in occurrences] == [
        tet_day + timedelta(weeks=w) for w in (-2, -1, 1, 2)
    ]


def test_a_day_off_added_by_the_administrator_moves_a_series_occurrence(db: Session) -> None:
    from app.holidays import service as holidays_service

    thursday = quiet_day(3, days_off=(7, 0, -1, -7))
    holidays_service.add_day(
        db, actor=ACTOR, day=thursday, name_vi="Nghỉ bù", name_en="", is_day_off=True
    )
    data = weekly_input(
        make_kind(db),
        thursday - timedelta(weeks=1),
        3,
        holiday_policy=HolidayPolicy.NEXT_WORKING_DAY,
    )
    _series, occurrences = make_series(db, data)
    assert [local_day(b) for b in occurrences] == [
        thursday - timedelta(weeks=1),
        thursday + timedelta(days=1),
        thursday + timedelta(weeks=1),
    ]


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        (
            {"rule": RuleForm("custom", custom="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")},
            "rule",
            "gives no date",
        ),
        (
            {"rule": RuleForm("custom", custom="FREQ=DAILY"), "holiday_policy": HolidayPolicy.KEEP},
            "rule",
            "more than 400",
        ),
        pytest.param(
            {"rule": RuleForm("custom", custom="FREQ=DAILY")},
            "rule",
            "more than 400",
            id="daily-rule-with-holidays-moved",
        ),
        ({"rule": RuleForm("custom", custom="FREQ=HOURLY")}, "rule", "daily, weekly"),
        ({"rule": RuleForm("custom", custom="FREQ=WEEKLY;BYDAY=XX")}, "rule", "cannot be read"),
        ({"rule": RuleForm("custom", custom="")}, "rule", "Choose how"),
        ({"dtstart": "yesterday"}, "dtstart", "The first date has passed"),
        ({"dtstart": None}, "dtstart", "Enter the first date."),
        ({"until": "before"}, "until", "after the first date"),
        ({"start_time": None}, "start_time", "Enter the starting time"),
        ({"duration_minutes": 10}, "duration_minutes", "from 15 to 600"),
        ({"content_days_before": 61}, "content_days_before", "from 0 to 60"),
        ({"kind_id": None}, "kind_id", "Choose the kind"),
        ({"title_vi": ""}, "title_vi", "Enter the title."),
        ({"online_url": "meet"}, "online_url", "https://"),
    ],
)
def test_create_series_refuses_bad_input(
    db: Session, over: dict[str, Any], field: str, message: str
) -> None:
    kind = make_kind(db)
    if over.get("dtstart") == "yesterday":
        over["dtstart"] = local_today() - timedelta(days=1)
    if over.get("until") == "before":
        over["until"] = first_of_next_month() - timedelta(days=1)

    with pytest.raises(ValidationFailed) as exc:
        service.create_series(db, actor=ACTOR, data=series_input(kind, **over), horizon_months=24)

    errors = errors_of(exc)
    assert list(errors) == [field]
    assert message in errors[field]
    assert service.series_list(db) == []
    assert db.exec(select(func.count()).select_from(Briefing)).one() == 0


def test_a_series_ending_soon_makes_only_its_own_dates(db: Session) -> None:
    first = a_thursday_ahead()
    _series, occurrences = make_series(db, weekly_input(make_kind(db), first, 4))
    assert [b.original_date for b in occurrences] == [first + timedelta(weeks=w) for w in range(4)]


# --- Regenerating a series (update_series) ---------------------------------------------------


def test_series_time_change_updates_only_the_unedited_future_occurrences(db: Session) -> None:
    kind = make_kind(db)
    first = a_thursday_ahead()
    series, occ = make_series(db, weekly_input(kind, first, 6))
    uids = {b.id: b.uid for b in occ}
    update(db, occ[1], venue="Phòng họp riêng")  # edited by hand
    act(db, occ[2], Step.ANNOUNCE)
    postponed_to = local_day(occ[2]) + timedelta(days=1)
    act(
        db,
        occ[2],
        Step.POSTPONE,
        reason="Lý do",
        new_day=postponed_to,
        new_start=time(10),
        new_end=time(11),
    )
    act(db, occ[3], Step.ANNOUNCE)
    old_start_3 = reload(db, occ[3].id).starts_at

    db.refresh(series)
    _series, result = service.update_series(
        db,
        actor=ACTOR,
        series_id=series.id or 0,
        data=weekly_input(kind, first, 6, start_time=time(9), venue="Hội trường mới"),
        expected_sequence=series.sequence,
        horizon_months=12,
    )

    now = {b.id: reload(db, b.id) for b in occ}
    for b in (occ[0], occ[3], occ[4], occ[5]):
        assert local_clock(now[b.id]) == time(9), b.original_date
        assert local_day(now[b.id]) == b.original_date
        assert now[b.id].venue == "Hội trường mới"
    assert (local_clock(now[occ[1].id]), now[occ[1].id].venue) == (LOCAL_3PM, "Phòng họp riêng")
    assert now[occ[2].id].status == BriefingStatus.POSTPONED
    assert (local_day(now[occ[2].id]), local_clock(now[occ[2].id])) == (postponed_to, time(10))
    assert now[occ[2].id].venue == "Phòng họp A"
    assert {b.id: b.uid for b in now.values()} == uids
    assert (result.created, result.updated, result.removed, result.cancelled) == (0, 4, 0, 0)
    # the announced one tells the public its time changed
    change = service.changes(db, occ[3].id or 0)[-1]
    assert change.change == ChangeKind.UPDATED
    assert (change.old_starts_at, change.new_starts_at) == (old_start_3, now[occ[3].id].starts_at)
    assert len(events(db, "briefing_series.updated")) == 1


def test_series_invitee_change_does_not_overwrite_a_hand_edited_occurrence(
    db: Session,
) -> None:
    kind = make_kind(db)
    first = a_thursday_ahead()
    health, police, press = make_org(db), make_org(db), make_org(db)
    series, occ = make_series(db, weekly_input(kind, first, 3, invitee_ids=[health.id]))
    update(db, occ[1], invitee_ids=[police.id])

    db.refresh(series)
    service.update_series(
        db,
        actor=ACTOR,
        series_id=series.id or 0,
        data=weekly_input(kind, first, 3, invitee_ids=[health.id, press.id]),
        expected_sequence=series.sequence,
        horizon_months=12,
    )

    assert service.invitee_ids(db, occ[0].id or 0) == ids(health, press)
    assert service.invitee_ids(db, occ[1].id or 0) == [police.id]
    assert service.invitee_ids(db, occ[2].id or 0) == ids(health, press)


def test_series_rule_change_deletes_or_cancels_the_dates_it_no_longer_gives(
    db: Session,
) -> None:
    kind = make_kind(db)
    first = a_thursday_ahead()
    series, occ = make_series(db, weekly_input(kind, first, 6))
    uids = {b.id: b.uid for b in occ}
    act(db, occ[1], Step.ANNOUNCE)  # will be dropped, but the public knows it

    db.refresh(series)
    every_other_week = RuleForm("weekly", weekday="TH", interval=2)
    _series, result = service.update_series(
        db,
        actor=ACTOR,
        series_id=series.id or 0,
        data=weekly_input(kind, first, 6, rule=every_other_week),
        expected_sequence=series.sequence,
        horizon_months=12,
    )

    assert (result.created, result.removed, result.cancelled) == (0, 2, 1)
    kept = service.series_briefings(db, series.id or 0)
    assert [b.original_date for b in kept] == [first + timedelta(weeks=w) for w in (0, 1, 2, 4)]
    assert all(b.uid == uids[b.id] for b in kept)
    cancelled = reload(db, occ[1].id)
    assert cancelled.status == BriefingStatus.CANCELLED
    assert cancelled.status_reason == service.SERIES_CHANGED
    assert service.changes(db, occ[1].id or 0)[-1].change == ChangeKind.CANCELLED
    assert not exists(db, occ[3].id) and not exists(db, occ[5].id)


def test_update_series_with_a_stale_sequence_is_refused(db: Session) -> None:
    kind = make_kind(db)
    first = a_thursday_ahead()
    series, occ = make_series(db, weekly_input(kind, first, 3))
    seen = series.sequence
    service.update_series(
        db,
        actor=ACTOR,
        series_id=series.id or 0,
        data=weekly_input(kind, first, 3, venue="Phòng B"),
        expected_sequence=seen,
        horizon_months=12,
    )
    with pytest.raises(Conflict):
        service.update_series(
            db,
            actor=ACTOR,
            series_id=series.id or 0,
            data=weekly_input(kind, first, 3, venue="Phòng C"),
            expected_sequence=seen,
            horizon_months=12,
        )
    assert reload(db, occ[0].id).venue == "Phòng B"


def test_regeneration_after_an_occurrence_has_started_leaves_it_alone(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daily job runs on the afternoon of a briefing that began that morning."""
    kind = make_kind(db)
    first = a_thursday_ahead()
    series, occ = make_series(db, weekly_input(kind, first, 4, start_time=time(9)))
    started = occ[1]
    travel(monkeypatch, local_day(started), time(16))

    result = service.extend_all(db, actor=ACTOR, horizon_months=12)

    assert result.created == 0
    after = service.series_briefings(db, series.id or 0)
    assert [(b.id, b.uid) for b in after] == [(b.id, b.uid) for b in occ]


def test_regeneration_during_tet_keeps_the_occurrence_moved_past_it(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daily job runs after a holiday occurrence's date but before the day it moved to."""
    tet_day, occ = tet_series(db, HolidayPolicy.NEXT_WORKING_DAY)
    [moved] = [b for b in occ if b.original_date == tet_day]
    travel(monkeypatch, local_day(moved), time(7))

    result = service.extend_all(db, actor=ACTOR, horizon_months=24)

    assert (result.removed, result.cancelled) == (0, 0)
    stored = reload(db, moved.id)
    assert stored.status == BriefingStatus.PLANNED
    assert stored.starts_at == moved.starts_at


def travel(monkeypatch: pytest.MonkeyPatch, day: date, at: time) -> None:
    """Make the series service believe it is `at` o'clock local time on `day`."""
    moment = service.local_datetime(day, at)
    monkeypatch.setattr(series_service, "local_today", lambda: day)
    monkeypatch.setattr(series_service, "utcnow", lambda: moment)


# --- "This and following" --------------------------------------------------------------------


def test_edit_following_splits_the_series_at_the_fourth_occurrence(db: Session) -> None:
    kind = make_kind(db)
    first = a_thursday_ahead()
    old, occ = make_series(db, weekly_input(kind, first, 8))
    before = {b.id: (b.uid, b.starts_at, b.sequence) for b in occ}
    update(db, occ[5], notes="Sửa tay")  # edited by hand, stays as it is
    detached = reload(db, occ[5].id)
    split = occ[3].original_date
    assert split is not None

    new, result = service.edit_following(
        db,
        actor=ACTOR,
        briefing_id=occ[3].id or 0,
        data=weekly_input(kind, first, 8, start_time=time(9, 30), venue="Phòng họp B"),
        expected_sequence=occ[3].sequence,
        horizon_months=12,
    )

    assert new.id != old.id
    db.refresh(old)
    assert old.until == split - timedelta(days=1)
    assert (new.dtstart, new.start_time, new.venue) == (split, time(9, 30), "Phòng họp B")
    assert new.until == first + timedelta(weeks=7)
    assert result.created == 0
    for b in occ[:3]:
        now = reload(db, b.id)
        assert now.series_id == old.id
        assert (now.uid, now.starts_at, now.sequence) == before[b.id]
        assert now.venue == "Phòng họp A"
    following = service.series_briefings(db, new.id or 0)
    assert [b.id for b in following] == [b.id for b in occ[3:]]
    for b in following:
        assert b.uid == before[b.id][0]
        if b.id == occ[5].id:
            assert (b.starts_at, b.venue, b.notes) == (detached.starts_at, "Phòng họp A", "Sửa tay")
            assert b.detached
        else:
            assert (local_clock(b), b.venue) == (time(9, 30), "Phòng họp B")
            assert local_day(b) == b.original_date
    assert [b.id for b in service.series_briefings(db, old.id or 0)] == [b.id for b in occ[:3]]
    [event] = events(db, "briefing_series.split")
    assert event.object_id == str(new.id)


def test_edit_following_at_the_first_occurrence_edits_the_whole_series(db: Session) -> None:
    kind = make_kind(db)
    first = a_thursday_ahead()
    series, occ = make_series(db, weekly_input(kind, first, 4))

    changed, _result = service.edit_following(
        db,
        actor=ACTOR,
        briefing_id=occ[0].id or 0,
        data=weekly_input(kind, first, 4, start_time=time(10)),
        expected_sequence=occ[0].sequence,
        horizon_months=12,
    )

    assert changed.id == series.id
    assert changed.dtstart == first
    assert [s.id for s in service.series_list(db)] == [series.id]
    after = service.series_briefings(db, series.id or 0)
    assert [b.uid for b in after] == [b.uid for b in occ]
    assert all(local_clock(b) == time(10) for b in after)
    assert events(db, "briefing_series.split") == []
    assert len(events(db, "briefing_series.updated")) == 1


def test_edit_following_at_the_first_occurrence_after_an_unmatched_first_date(
    db: Session,
) -> None:
    """A monthly series whose first date (the 1st) is not itself a meeting day."""
    kind = make_kind(db)
    series, occ = make_series(db, series_input(kind))
    assert occ[0].original_date != series.dtstart

    changed, _result = service.edit_following(
        db,
        actor=ACTOR,
        briefing_id=occ[0].id or 0,
        data=series_input(kind, start_time=time(8)),
        expected_sequence=occ[0].sequence,
        horizon_months=12,
    )

    assert changed.id == series.id
    assert [s.id for s in service.series_list(db)] == [series.id]
    assert all(local_clock(b) == time(8) for b in service.series_briefings(db, series.id or 0))


def test_edit_following_with_a_stale_sequence_is_refused(db: Session) -> None:
    kind = make_kind(db)
    first = a_thursday_ahead()
    _series, occ = make_series(db, weekly_input(kind, first, 4))
    seen = occ[2].sequence
    update(db, occ[2], notes="Đã sửa")
    with pytest.raises(Conflict):
        service.edit_following(
            db,
            actor=ACTOR,
            briefing_id=occ[2].id or 0,
            data=weekly_input(kind, first, 4, start_time=time(9)),
            expected_sequence=seen,
            horizon_months=12,
        )
    assert len(service.series_list(db)) == 1


def test_edit_following_of_a_one_off_is_a_conflict(db: Session) -> None:
    kind = make_kind(db)
    b = make_briefing(db, kind=kind)
    with pytest.raises(Conflict):
        service.edit_following(
            db,
            actor=ACTOR,
            briefing_id=b.id or 0,
            data=weekly_input(kind, a_thursday_ahead(), 3),
            expected_sequence=None,
            horizon_months=12,
        )


# --- Two people editing at once --------------------------------------------------------------


def test_the_second_of_two_people_editing_the_same_briefing_is_refused(db: Session) -> None:
    b = make_briefing(db, days_ahead=12, venue="Phòng A")
    engine = db.get_bind()
    # Both open the edit form: each form carries the sequence it was loaded with.
    with Session(engine) as first_request:
        form_one = first_request.get(Briefing, b.id)
        assert form_one is not None
        seq_one, data_one = form_one.sequence, input_of(first_request, form_one, venue="Phòng B")
    with Session(engine) as second_request:
        form_two = second_request.get(Briefing, b.id)
        assert form_two is not None
        seq_two, data_two = form_two.sequence, input_of(second_request, form_two, venue="Phòng C")

    with Session(engine, expire_on_commit=False) as save_one:
        service.update(
            save_one, actor=ACTOR, briefing_id=b.id or 0, data=data_one, expected_sequence=seq_one
        )
    with Session(engine) as save_two, pytest.raises(Conflict):
        service.update(
            save_two, actor=ACTOR, briefing_id=b.id or 0, data=data_two, expected_sequence=seq_two
        )

    assert reload(db, b.id).venue == "Phòng B"
    assert len(events(db, "briefing.updated")) == 1


def test_two_sessions_saving_the_same_row_cannot_overwrite_each_other(db: Session) -> None:
    b = make_briefing(db, days_ahead=12, venue="Phòng A")
    engine = db.get_bind()
    with Session(engine) as one, Session(engine) as two:
        first, second = one.get(Briefing, b.id), two.get(Briefing, b.id)
        assert first is not None and second is not None
        first.venue = "Phòng B"
        one.add(first)
        one.commit()
        second.venue = "Phòng C"
        two.add(second)
        with pytest.raises(StaleDataError):
            two.commit()
        two.rollback()

    assert reload(db, b.id).venue == "Phòng B"


# --- Conflicts -------------------------------------------------------------------------------


def test_conflicts_report_the_same_chair_or_venue_at_overlapping_times(db: Session) -> None:
    chair = "Người phát ngôn UBND tỉnh"
    b = make_briefing(db, days_ahead=20, hour=9, chair=chair, venue="Hội trường A")  # 9:00–10:30
    day = local_day(b)

    def found(start: time, end: time, chair: str = "", venue: str = "", **kw: Any) -> list[Any]:
        starts, ends = service.local_datetime(day, start), service.local_datetime(day, end)
        return [x.id for x in service.conflicts(db, starts, ends, chair, venue, **kw)]

    assert found(time(10), time(11), chair="  người phát  ngôn UBND TỈNH ") == [b.id]
    assert found(time(8), time(9, 1), venue="hội trường a") == [b.id]
    assert found(time(8), time(12), chair="Người khác", venue="Phòng khác") == []
    assert found(time(10, 30), time(11), chair=chair) == []  # starts when it ends
    assert found(time(8), time(9), venue="Hội trường A") == []  # ends when it starts
    assert found(time(10), time(11)) == []  # nothing to compare
    assert found(time(10), time(11), chair=chair, exclude_id=b.id) == []


def test_cancelled_briefings_are_not_conflicts(db: Session) -> None:
    b = make_briefing(db, days_ahead=20, hour=9, venue="Hội trường A")
    act(db, b, Step.CANCEL)
    starts = b.starts_at
    assert service.conflicts(db, starts, starts + timedelta(hours=1), "", "Hội trường A") == []


# --- Compliance facts ------------------------------------------------------------------------


def test_compliance_facts_use_the_local_day_at_month_boundaries(db: Session) -> None:
    kind = make_kind(db, code="regular_conference")
    weekly = make_kind(db, code="weekly_information")
    late = service.local_datetime(date(2027, 1, 31), time(23, 30))  # 16:30 UTC on the 31st
    early = service.local_datetime(date(2027, 2, 1), time(0, 30))  # 17:30 UTC on the 31st
    assert early.date() == date(2027, 1, 31)
    make_briefing(db, kind=kind, starts_at=late, ends_at=late + timedelta(minutes=20))
    make_briefing(
        db,
        kind=weekly,
        starts_at=early,
        ends_at=early + timedelta(hours=1),
        status=BriefingStatus.HELD,
    )
    outside = service.local_datetime(date(2026, 12, 31), time(23, 59))
    make_briefing(db, kind=kind, starts_at=outside, ends_at=outside + timedelta(minutes=30))

    january = service.compliance_facts(db, date(2027, 1, 1), date(2027, 1, 31))
    february = service.compliance_facts(db, date(2027, 2, 1), date(2027, 2, 28))

    assert [(f.kind_code, f.day, f.status) for f in january] == [
        ("regular_conference", date(2027, 1, 31), BriefingStatus.PLANNED)
    ]
    assert [(f.kind_code, f.day, f.status) for f in february] == [
        ("weekly_information", date(2027, 2, 1), BriefingStatus.HELD)
    ]


# --- Extending every series ------------------------------------------------------------------


def test_extend_all_generates_up_to_a_longer_horizon(db: Session) -> None:
    kind = make_kind(db)
    series, occ = make_series(db, series_input(kind), horizon=12)
    uids = [b.uid for b in occ]

    result = service.extend_all(db, actor=ACTOR, horizon_months=24)

    after = service.series_briefings(db, series.id or 0)
    assert (result.updated, result.removed, result.cancelled) == (0, 0, 0)
    assert result.created == len(after) - len(occ) >= 12
    assert [b.uid for b in after[: len(occ)]] == uids
    months = {(b.original_date.year, b.original_date.month) for b in after if b.original_date}
    assert len(months) == len(after) >= 24
    db.refresh(series)
    today = local_today()
    assert series.generated_until is not None
    assert (series.generated_until.year - today.year) * 12 + (
        series.generated_until.month - today.month
    ) == 24
    [event] = events(db, "briefing_series.extended")
    assert event.object_type == "briefing_series"

    again = service.extend_all(db, actor=ACTOR, horizon_months=24)
    assert (again.created, again.updated, again.removed, again.cancelled) == (0, 0, 0, 0)
    assert len(events(db, "briefing_series.extended")) == 2


def test_extend_all_after_a_split_keeps_each_occurrence_in_its_series(db: Session) -> None:
    kind = make_kind(db)
    first = a_thursday_ahead()
    old, occ = make_series(db, weekly_input(kind, first, 4))
    new, _ = service.edit_following(
        db,
        actor=ACTOR,
        briefing_id=occ[2].id or 0,
        data=weekly_input(kind, first, 4, start_time=time(9)),
        expected_sequence=None,
        horizon_months=12,
    )
    year = timedelta(days=365)
    before = {b.id: b.series_id for b in service.between(db, utcnow(), utcnow() + year)}

    result = service.extend_all(db, actor=ACTOR, horizon_months=12)

    assert (result.created, result.removed, result.cancelled) == (0, 0, 0)
    after = service.between(db, utcnow(), utcnow() + year)
    assert {b.id: b.series_id for b in after} == before
    assert [b.series_id for b in after] == [old.id, old.id, new.id, new.id]


# --- Seeding the kinds -----------------------------------------------------------------------


def test_seed_kinds_loads_the_five_kinds_once(db: Session) -> None:
    orgs_service.seed(db, actor=ACTOR)
    data = tomllib.loads(service.KINDS_FILE.read_text(encoding="utf-8"))["kind"]

    assert service.seed_kinds(db, actor=ACTOR) == 5

    kinds = service.kinds(db)
    assert [k.code for k in kinds] == [item["code"] for item in data]
    regular = service.kind_by_code(db, "regular_conference")
    assert regular is not None
    chair_org = orgs_service.get_by_code(db, "UBND-QN")
    organiser = orgs_service.get_by_code(db, "SVHTTDL")
    assert chair_org is not None and organiser is not None
    assert (regular.chair_org_id, regular.organiser_org_id) == (chair_org.id, organiser.id)
    assert (regular.duration_minutes, regular.content_days_before) == (120, 5)
    assert "{month}/{year}" in regular.title_pattern_vi
    incident = service.kind_by_code(db, "incident_conference")
    assert incident is not None and incident.content_days_before == 0
    assert len(events(db, "briefing_kind.created")) == 5

    assert service.seed_kinds(db, actor=ACTOR) == 0
    assert len(service.kinds(db)) == 5
    assert len(events(db, "briefing_kind.created")) == 5


def test_seed_kinds_without_organisations_leaves_the_bodies_empty(db: Session) -> None:
    assert service.seed_kinds(db, actor=ACTOR) == 5
    assert all(k.chair_org_id is None and k.organiser_org_id is None for k in service.kinds(db))


def test_preview_lists_the_next_dates_without_saving(db: Session) -> None:
    data = series_input(make_kind(db))
    dates = service.preview(db, replace(data), 12, count=3)
    assert len(dates) == 3
    assert all(o.original.weekday() == 3 for o in dates)
    assert service.series_list(db) == []
    assert db.exec(select(func.count()).select_from(Briefing)).one() == 0
