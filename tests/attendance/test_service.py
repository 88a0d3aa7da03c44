"""Registering to attend: when it is open, the seats (also when two people take the last one at
once), refusal, the audit log, and what attendees are told when the briefing changes."""

from __future__ import annotations

import threading
from datetime import time, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.attendance import ics, rules, service
from app.attendance.models import AttendanceSettings, Mode, Registration, RegistrationStatus
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing, BriefingStatus
from app.briefings.states import Step
from app.errors import Conflict, Forbidden, ValidationFailed
from app.i18n import Msg
from app.notifications.models import Notice, NoticeKind
from app.timeutil import local_today, to_local, utcnow
from tests.factories import make_briefing, make_user
from tests.support import actor_of

OFFICE = Actor.system("test")


def journalist(db: Session, **over: Any) -> User:
    return make_user(db, Role.JOURNALIST, press_card_number="TTX-1", **over)


def register(db: Session, user: User, b: Briefing, mode: str = "in_person", crew: str = "") -> Any:
    assert b.id is not None
    return service.register(
        db,
        actor=actor_of(user),
        briefing_id=b.id,
        data=service.RegistrationInput(mode=mode, crew=crew),
    )


def set_capacity(db: Session, b: Briefing, capacity: str, **over: Any) -> AttendanceSettings:
    assert b.id is not None
    return service.save_settings(
        db, actor=OFFICE, briefing_id=b.id, data=service.SettingsInput(capacity=capacity, **over)
    )


def seats_taken(db: Session, b: Briefing) -> int:
    assert b.id is not None
    settings = service.settings_of(db, b.id)
    return settings.seats_taken if settings else 0


def notices(db: Session, user: User, kind: NoticeKind) -> list[Notice]:
    db.expire_all()
    return list(db.exec(select(Notice).where(Notice.user_id == user.id, Notice.kind == kind)).all())


def calendar(db: Session, b: Briefing, user: User) -> Any:
    assert b.id is not None and user.id is not None
    db.expire_all()
    briefing = db.get(Briefing, b.id)
    reg = service.registration_of(db, b.id, user.id)
    assert briefing is not None and reg is not None
    body = ics.attendee_calendar(
        briefing,
        reg,
        kind=None,
        attendee_email=user.email,
        attendee_name=user.full_name,
        organiser_email="no-reply@quangninh.gov.vn",
        organiser_name="Quảng Ninh",
        base_url="http://testserver",
        locale="vi",
    )
    cal = Calendar.from_ical(body)
    (event,) = cal.walk("VEVENT")
    return cal, event


# --- The rules (no database) -----------------------------------------------------------------


def _briefing(**over: Any) -> Briefing:
    starts = utcnow() + timedelta(days=3)
    values: dict[str, Any] = {
        "kind_id": 1,
        "title_vi": "Họp báo",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "status": BriefingStatus.ANNOUNCED,
        "announced_at": utcnow(),
    }
    return Briefing(**(values | over))


def test_registration_closes_two_hours_before_the_start_unless_the_office_says_otherwise() -> None:
    b = _briefing()
    assert rules.closing_time(b, None) == b.starts_at - timedelta(hours=2)
    chosen = b.starts_at - timedelta(days=1)
    assert rules.closing_time(b, AttendanceSettings(briefing_id=1, closes_at=chosen)) == chosen
    now = utcnow()
    assert rules.why_closed(b, None, now) is None
    assert rules.why_closed(b, None, b.starts_at - timedelta(hours=1)) is not None
    closed = rules.why_closed(b, AttendanceSettings(briefing_id=1, closes_at=now), now)
    assert closed is not None and closed.text == rules.CLOSED.text


@pytest.mark.parametrize(
    ("over", "why"),
    [
        ({"status": BriefingStatus.CANCELLED}, rules.CANCELLED),
        ({"status": BriefingStatus.PLANNED, "announced_at": None}, rules.NOT_ANNOUNCED),
        ({"status": BriefingStatus.HELD}, rules.STARTED),
    ],
)
def test_only_an_announced_briefing_still_to_come_takes_registrations(
    over: dict[str, Any], why: Msg
) -> None:
    b = _briefing(**over)
    if over.get("status") == BriefingStatus.HELD:
        b.starts_at = utcnow() - timedelta(hours=3)
    assert rules.why_closed(b, None, utcnow()) == why


def test_crew_is_one_name_per_line_bounded_in_number_and_length() -> None:
    errors: dict[str, Msg] = {}
    assert rules.parse_crew("  Quay phim  A \n\nKỹ thuật B\nquay phim a\n", errors) == [
        "Quay phim A",
        "Kỹ thuật B",
    ]
    assert errors == {}
    rules.parse_crew("\n".join(f"Người {i}" for i in range(rules.MAX_CREW + 1)), errors)
    assert "crew" in errors
    errors.clear()
    rules.parse_crew("x" * (rules.CREW_NAME_MAX + 1), errors)
    assert "crew" in errors
    assert rules.seats_for(Mode.IN_PERSON, ["a", "b"]) == 3
    assert rules.seats_for(Mode.ONLINE, []) == 0


# --- Registering ---------------------------------------------------------------------------


def test_a_journalist_registers_changes_and_cancels_each_change_audited(db: Session) -> None:
    b = make_briefing(db, announced=True)
    j = journalist(db)
    reg = register(db, j, b, "in_person", "Quay phim 1\nKỹ thuật âm thanh")
    assert (reg.status, reg.mode, reg.crew, reg.seats) == (
        RegistrationStatus.REGISTERED,
        Mode.IN_PERSON,
        ["Quay phim 1", "Kỹ thuật âm thanh"],
        3,
    )
    assert seats_taken(db, b) == 3
    register(db, j, b, "online")
    assert seats_taken(db, b) == 0
    assert b.id is not None
    service.cancel(db, actor=actor_of(j), briefing_id=b.id)
    assert seats_taken(db, b) == 0
    again = register(db, j, b, "in_person")
    assert again.id == reg.id and again.status == RegistrationStatus.REGISTERED
    assert seats_taken(db, b) == 1
    actions = db.exec(
        select(AuditEvent.action)
        .where(col(AuditEvent.action).startswith("attendance"))
        .order_by(col(AuditEvent.id))
    ).all()
    assert actions == [
        "attendance.registered",
        "attendance.updated",
        "attendance.cancelled",
        "attendance.registered",
    ]
    # Each registration or change is confirmed to the journalist; their cancelling is not.
    assert len(notices(db, j, NoticeKind.ATTENDANCE_CONFIRMED)) == 3


def test_only_a_verified_journalist_may_register(db: Session) -> None:
    b = make_briefing(db, announced=True)
    for role in (Role.PRESS_OFFICE, Role.DEPARTMENT, Role.ADMIN):
        with pytest.raises(Forbidden):
            register(db, make_user(db, role), b)


def test_crew_members_are_for_those_in_the_room(db: Session) -> None:
    b = make_briefing(db, announced=True)
    with pytest.raises(ValidationFailed) as exc:
        register(db, journalist(db), b, "online", "Quay phim")
    assert set(exc.value.errors) == {"crew"}
    with pytest.raises(ValidationFailed) as exc:
        register(db, journalist(db), b, "by_pigeon")
    assert set(exc.value.errors) == {"mode"}


def test_the_room_never_takes_more_than_its_capacity(db: Session) -> None:
    b = make_briefing(db, announced=True)
    set_capacity(db, b, "3")
    tv, paper, radio = journalist(db), journalist(db), journalist(db)
    register(db, tv, b, "in_person", "Quay phim\nÂm thanh")  # 3 seats: the room is full
    with pytest.raises(ValidationFailed) as exc:
        register(db, paper, b, "in_person")
    assert exc.value.errors == {"mode": rules.FULL}
    assert seats_taken(db, b) == 3
    register(db, paper, b, "online")  # following online needs no seat
    with pytest.raises(ValidationFailed):
        register(db, tv, b, "in_person", "Quay phim\nÂm thanh\nDẫn chương trình")
    register(db, tv, b, "in_person", "Quay phim")  # one seat given back
    register(db, radio, b, "in_person")
    assert seats_taken(db, b) == 3
    assert b.id is not None
    assert service.summary(db, b).full


def test_the_seat_guard_is_the_database_s_conditional_update(db: Session) -> None:
    """The guard holds even when the counter was read before another taking (sequential proof)."""
    b = make_briefing(db, announced=True)
    set_capacity(db, b, "1")
    assert b.id is not None
    assert service.take_seats(db, b.id, 1) is True
    assert service.take_seats(db, b.id, 1) is False  # whatever anyone read before
    assert service.take_seats(db, b.id, -1) is True
    assert service.take_seats(db, b.id, 1) is True
    db.rollback()


def test_two_journalists_taking_the_last_seat_at_once_get_one_seat(app: Any, db: Session) -> None:
    b = make_briefing(db, announced=True)
    set_capacity(db, b, "1")
    people = [journalist(db), journalist(db)]
    barrier = threading.Barrier(2)
    outcome: dict[int, str] = {}

    def attempt(user: User) -> None:
        with Session(app.state.engine) as session:
            barrier.wait()
            try:
                register(session, user, b, "in_person")
                outcome[user.id or 0] = "registered"
            except ValidationFailed as exc:
                outcome[user.id or 0] = "full" if exc.errors == {"mode": rules.FULL} else "?"

    threads = [threading.Thread(target=attempt, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome.values()) == ["full", "registered"]
    db.expire_all()
    assert seats_taken(db, b) == 1
    assert len(db.exec(select(Registration).where(Registration.briefing_id == b.id)).all()) == 1


def test_the_same_registration_sent_twice_at_once_is_kept_once(app: Any, db: Session) -> None:
    """A double click on a slow line: one registration, one seat, and the other request is
    told so (or finds it made) instead of failing."""
    b = make_briefing(db, announced=True)
    j = journalist(db)
    barrier = threading.Barrier(2)
    outcome: list[str] = []

    def attempt() -> None:
        with Session(app.state.engine) as session:
            barrier.wait()
            try:
                register(session, j, b, "in_person")
                outcome.append("registered")
            except Conflict:
                outcome.append("conflict")

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome) in (["conflict", "registered"], ["registered", "registered"])
    db.expire_all()
    assert len(db.exec(select(Registration).where(Registration.briefing_id == b.id)).all()) == 1
    assert seats_taken(db, b) == 1


def test_closed_registration_refuses_registering_changing_and_cancelling(db: Session) -> None:
    b = make_briefing(db, announced=True)
    j = journalist(db)
    register(db, j, b)
    past = to_local(utcnow() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    set_capacity(db, b, "", closes_day=past.date(), closes_time=past.time())
    for attempt in (
        lambda: register(db, journalist(db), b),
        lambda: register(db, j, b, "online"),
        lambda: service.cancel(db, actor=actor_of(j), briefing_id=b.id or 0),
    ):
        with pytest.raises(ValidationFailed) as exc:
            attempt()
        assert exc.value.errors["form"].text == rules.CLOSED.text


def test_the_closing_time_must_come_before_the_start(db: Session) -> None:
    b = make_briefing(db, announced=True, days_ahead=5, hour=9)
    with pytest.raises(ValidationFailed) as exc:
        set_capacity(db, b, "0", closes_day=local_today() + timedelta(days=5), closes_time=time(10))
    assert set(exc.value.errors) == {"capacity", "closes_day"}


def test_a_cancelled_or_past_briefing_takes_no_registration(db: Session) -> None:
    cancelled = make_briefing(db, announced=True, status=BriefingStatus.CANCELLED)
    with pytest.raises(ValidationFailed):
        register(db, journalist(db), cancelled)
    gone = make_briefing(db, announced=True, days_ahead=-1)
    with pytest.raises(ValidationFailed):
        register(db, journalist(db), gone)


# --- The office refuses ----------------------------------------------------------------------


def test_a_refused_registration_frees_its_seats_tells_the_reason_and_stays_refused(
    db: Session,
) -> None:
    b = make_briefing(db, announced=True)
    set_capacity(db, b, "2")
    j = journalist(db)
    reg = register(db, j, b, "in_person", "Quay phim")
    assert b.id is not None and reg.id is not None
    with pytest.raises(ValidationFailed) as exc:
        service.refuse(db, actor=OFFICE, briefing_id=b.id, registration_id=reg.id, reason=" ")
    assert set(exc.value.errors) == {"reason"}
    service.refuse(
        db, actor=OFFICE, briefing_id=b.id, registration_id=reg.id, reason="Thẻ nhà báo hết hạn"
    )
    assert seats_taken(db, b) == 0
    (told,) = notices(db, j, NoticeKind.ATTENDANCE_REFUSED)
    assert told.params["reason"] == "Thẻ nhà báo hết hạn"
    with pytest.raises(Conflict):
        register(db, j, b, "online")
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "attendance.refused")).one()


# --- The briefing changes ----------------------------------------------------------------------


def test_postponing_then_cancelling_the_briefing_reaches_attendees_and_their_calendar(
    db: Session,
) -> None:
    b = make_briefing(db, announced=True, days_ahead=10)
    attendee, left, other = journalist(db), journalist(db), journalist(db)
    register(db, attendee, b)
    register(db, left, b)
    assert b.id is not None
    service.cancel(db, actor=actor_of(left), briefing_id=b.id)
    cal, event = calendar(db, b, attendee)
    first = int(event["SEQUENCE"])
    assert str(cal["METHOD"]) == "PUBLISH" and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == b.uid

    new_day = local_today() + timedelta(days=12)
    briefings.take_step(
        db,
        actor=OFFICE,
        id=b.id,
        step=Step.POSTPONE,
        data=briefings.StepInput(
            reason="Trùng lịch họp HĐND", new_day=new_day, new_start=time(9), new_end=time(10)
        ),
    )
    (moved,) = notices(db, attendee, NoticeKind.BRIEFING_CHANGED)
    assert moved.params["ics"] == f"/briefings/{b.id}/attendance.ics"
    _, event = calendar(db, b, attendee)
    assert int(event["SEQUENCE"]) > first
    assert event.decoded("DTSTART").date() == new_day
    postponed_sequence = int(event["SEQUENCE"])

    briefings.take_step(
        db, actor=OFFICE, id=b.id, step=Step.CANCEL, data=briefings.StepInput(reason="Bão số 3")
    )
    assert len(notices(db, attendee, NoticeKind.BRIEFING_CHANGED)) == 2
    cal, event = calendar(db, b, attendee)
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) > postponed_sequence and str(event["UID"]) == b.uid
    # Nobody is told who cancelled their registration or never registered.
    assert notices(db, left, NoticeKind.BRIEFING_CHANGED) == []
    assert notices(db, other, NoticeKind.BRIEFING_CHANGED) == []


def test_a_cancelled_registration_gives_a_cancelling_calendar_event(db: Session) -> None:
    b = make_briefing(db, announced=True)
    j = journalist(db)
    register(db, j, b)
    _, before = calendar(db, b, j)
    service.cancel(db, actor=actor_of(j), briefing_id=b.id or 0)
    cal, after = calendar(db, b, j)
    assert str(cal["METHOD"]) == "CANCEL"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
