"""Registering to attend a briefing: the journalist registers, changes or cancels until
registration closes; the office sets the seats and the closing time, and may refuse a
registration with its reason. Every change is audited; the journalist is told of theirs.

The seats: `AttendanceSettings.seats_taken` changes only by one conditional UPDATE
(`seats_taken + n <= capacity`), which the database runs one at a time per row (PostgreSQL locks
the row and re-reads it after the other transaction commits; SQLite lets one writer in at a time),
so two people taking the last seat at once cannot both have it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.attendance import rules
from app.attendance.models import (
    AttendanceSettings,
    Mode,
    Registration,
    RegistrationStatus,
)
from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.forms import check_text
from app.i18n import Msg
from app.notifications import triggers
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.timeutil import LOCAL_TZ, format_datetime, utcnow
from app.uow import use_case

# --- Reading ---------------------------------------------------------------------------------


def settings_of(session: Session, briefing_id: int) -> AttendanceSettings | None:
    """The office's settings of a briefing, as the database has them now."""
    return session.get(AttendanceSettings, briefing_id, populate_existing=True)


def registration_of(session: Session, briefing_id: int, user_id: int) -> Registration | None:
    return session.exec(
        select(Registration).where(
            Registration.briefing_id == briefing_id, Registration.journalist_id == user_id
        )
    ).first()


@dataclass(frozen=True)
class Summary:
    """What the pages say about registering for a briefing."""

    capacity: int | None
    seats_taken: int
    seats_left: int | None
    closes_at: datetime
    closing_set: bool  # the office chose the time (else the default before the start)
    closed: Msg | None  # why nobody may register now
    registered: int
    in_person: int
    online: int

    @property
    def full(self) -> bool:
        return self.seats_left == 0


def summary(session: Session, briefing: Briefing, now: datetime | None = None) -> Summary:
    assert briefing.id is not None
    settings = settings_of(session, briefing.id)
    active = session.exec(
        select(Registration.mode).where(
            Registration.briefing_id == briefing.id,
            Registration.status == RegistrationStatus.REGISTERED,
        )
    ).all()
    return Summary(
        capacity=settings.capacity if settings else None,
        seats_taken=settings.seats_taken if settings else 0,
        seats_left=rules.seats_left(settings),
        closes_at=rules.closing_time(briefing, settings),
        closing_set=bool(settings and settings.closes_at),
        closed=rules.why_closed(briefing, settings, now or utcnow()),
        registered=len(active),
        in_person=sum(1 for m in active if m == Mode.IN_PERSON),
        online=sum(1 for m in active if m == Mode.ONLINE),
    )


def mine(session: Session, user_id: int) -> list[tuple[Registration, Briefing]]:
    """A journalist's registrations, the next briefing first, then the past ones."""
    rows = session.exec(
        select(Registration, Briefing)
        .join(Briefing, col(Briefing.id) == Registration.briefing_id)
        .where(Registration.journalist_id == user_id)
        .order_by(col(Briefing.starts_at).desc())
    ).all()
    now = utcnow()
    upcoming = sorted((r for r in rows if r[1].ends_at >= now), key=lambda r: r[1].starts_at)
    return [*upcoming, *(r for r in rows if r[1].ends_at < now)]


def coming(
    session: Session, user_id: int, *, limit: int = 5
) -> list[tuple[Registration, Briefing]]:
    """The journalist's current registrations for briefings still to come (the dashboard)."""
    now = utcnow()
    return [
        (r, b)
        for r, b in mine(session, user_id)
        if b.ends_at >= now and r.status == RegistrationStatus.REGISTERED
    ][:limit]


@dataclass(frozen=True)
class Attendee:
    registration: Registration
    user: User
    agency: OrgView | None


def attendees(session: Session, briefing_id: int) -> list[Attendee]:
    """Everyone who registered for a briefing (refused and cancelled ones too), by agency and
    name."""
    rows = session.exec(
        select(Registration, User)
        .join(User, col(User.id) == Registration.journalist_id)
        .where(Registration.briefing_id == briefing_id)
    ).all()
    agencies = {o.id: o for o in orgs.list_organisations(session, include_retired=True)}
    found = [Attendee(r, u, agencies.get(u.organisation_id or 0)) for r, u in rows]
    return sorted(
        found,
        key=lambda a: (
            a.registration.status != RegistrationStatus.REGISTERED,
            a.agency.name_vi.casefold() if a.agency else "",
            a.user.full_name.casefold(),
        ),
    )


def for_journalist(session: Session, actor: Actor, registration_id: int) -> Registration:
    """A journalist's own registration (anyone else's is 404)."""
    reg = session.get(Registration, registration_id)
    if reg is None or reg.journalist_id != actor.user_id:
        raise NotFound()
    return reg


# --- The seats -------------------------------------------------------------------------------


def _ensure_settings(session: Session, briefing_id: int) -> None:
    """The briefing's settings row, made if missing (whoever comes first; the others do nothing).
    Also the first write of a use case, so that SQLite lets one of them in at a time from here."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = AttendanceSettings.__table__  # type: ignore[attr-defined]
    session.execute(
        insert(table)
        .values(briefing_id=briefing_id, seats_taken=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["briefing_id"])
    )


def take_seats(session: Session, briefing_id: int, count: int) -> bool:
    """Take `count` seats (give them back when negative): False, and nothing taken, when fewer
    are left. The guard is in the UPDATE's WHERE, decided by the database."""
    if count == 0:
        return True
    taken = col(AttendanceSettings.seats_taken)
    stmt = update(AttendanceSettings).where(col(AttendanceSettings.briefing_id) == briefing_id)
    if count > 0:
        capacity = col(AttendanceSettings.capacity)
        stmt = stmt.where(or_(capacity.is_(None), taken + count <= capacity))
    result = session.execute(stmt.values(seats_taken=taken + count))
    return bool(result.rowcount)  # type: ignore[attr-defined]  # CursorResult has rowcount


# --- The journalist --------------------------------------------------------------------------


@dataclass
class RegistrationInput:
    mode: str
    crew: str = ""


ONLINE_CREW = Msg(
    "Crew members are listed only for attending in person: choose “In person” or leave the list empty."
)


def _journalist(actor: Actor) -> None:
    if actor.role != Role.JOURNALIST.value or actor.user_id is None:
        raise Forbidden()


@use_case
def register(
    session: Session, *, actor: Actor, briefing_id: int, data: RegistrationInput
) -> Registration:
    """Register to attend (or change the registration): refused when registration is closed,
    when the room has no seat left for those in person, or after the office refused it."""
    _journalist(actor)
    assert actor.user_id is not None
    briefing = briefings.get_public(session, briefing_id)
    errors: dict[str, Msg] = {}
    mode = Mode(data.mode) if data.mode in {m.value for m in Mode} else None
    if mode is None:
        errors["mode"] = Msg("Choose whether you attend in person or online.")
    crew = rules.parse_crew(data.crew, errors)
    if crew and mode == Mode.ONLINE and "crew" not in errors:
        errors["crew"] = ONLINE_CREW
    if errors:
        raise ValidationFailed(errors)
    assert mode is not None
    _ensure_settings(session, briefing_id)
    now = utcnow()
    closed = rules.why_closed(briefing, settings_of(session, briefing_id), now)
    if closed:
        raise ValidationFailed({"form": closed})
    reg = registration_of(session, briefing_id, actor.user_id)
    if reg is not None and reg.status == RegistrationStatus.REFUSED:
        raise Conflict(
            Msg(
                "The spokesperson's office refused your registration: %(reason)s",
                {"reason": reg.refusal_reason},
            )
        )
    active = reg is not None and reg.status == RegistrationStatus.REGISTERED
    if active and reg is not None and reg.mode == mode and reg.crew == crew:
        return reg  # nothing changed: nothing to record or tell
    seats = rules.seats_for(mode, crew)
    held = reg.seats if active and reg is not None else 0
    if not take_seats(session, briefing_id, seats - held):
        raise ValidationFailed({"mode": rules.FULL})
    if reg is None:
        reg = Registration(briefing_id=briefing_id, journalist_id=actor.user_id)
    if not active:
        reg.registered_at = now
    reg.mode, reg.crew, reg.seats = mode, crew, seats
    reg.status = RegistrationStatus.REGISTERED
    reg.revision += 1
    reg.updated_at = now
    session.add(reg)
    try:
        session.flush()
    except IntegrityError as exc:  # the same first registration sent twice at once: one wins
        raise Conflict(
            Msg("You registered for this briefing a moment ago: reload the page to see it.")
        ) from exc
    audit.record(
        session,
        actor,
        "attendance.updated" if active else "attendance.registered",
        reg,
        f"{briefing.title_vi}: {mode.value}" + (f", crew: {'; '.join(crew)}" if crew else ""),
    )
    triggers.attendance_confirmed(session, reg, briefing)
    return reg


@use_case
def cancel(session: Session, *, actor: Actor, briefing_id: int) -> Registration:
    """The journalist cancels their registration (until registration closes); the seats are
    given back."""
    _journalist(actor)
    assert actor.user_id is not None
    briefing = briefings.get_public(session, briefing_id)
    reg = registration_of(session, briefing_id, actor.user_id)
    if reg is None or reg.status != RegistrationStatus.REGISTERED:
        raise Conflict(Msg("You are not registered for this briefing."))
    _ensure_settings(session, briefing_id)
    closed = rules.why_closed(briefing, settings_of(session, briefing_id), utcnow())
    if closed:
        raise ValidationFailed({"form": closed})
    take_seats(session, briefing_id, -reg.seats)
    reg.status, reg.seats = RegistrationStatus.CANCELLED, 0
    reg.revision += 1
    reg.updated_at = utcnow()
    session.add(reg)
    audit.record(session, actor, "attendance.cancelled", reg, briefing.title_vi)
    return reg


# --- The office ------------------------------------------------------------------------------


@use_case
def refuse(
    session: Session, *, actor: Actor, briefing_id: int, registration_id: int, reason: str
) -> Registration:
    """The office refuses a registration, with the reason the journalist is told."""
    reg = session.get(Registration, registration_id)
    if reg is None or reg.briefing_id != briefing_id:
        raise NotFound()
    briefing = briefings.get(session, briefing_id)
    errors: dict[str, Msg] = {}
    reason = check_text(
        reason, "reason", rules.REASON_MAX, errors, Msg("Give the reason the journalist is told.")
    )
    if errors:
        raise ValidationFailed(errors)
    if reg.status != RegistrationStatus.REGISTERED:
        raise Conflict(Msg("Only a current registration can be refused."))
    _ensure_settings(session, briefing_id)
    take_seats(session, briefing_id, -reg.seats)
    reg.status, reg.seats, reg.refusal_reason = RegistrationStatus.REFUSED, 0, reason
    reg.revision += 1
    reg.updated_at = utcnow()
    session.add(reg)
    audit.record(session, actor, "attendance.refused", reg, f"{briefing.title_vi}: {reason}")
    triggers.attendance_refused(session, reg, briefing)
    return reg


@dataclass
class SettingsInput:
    capacity: str = ""
    closes_day: date | None = None
    closes_time: time | None = None


@use_case
def save_settings(
    session: Session, *, actor: Actor, briefing_id: int, data: SettingsInput
) -> AttendanceSettings:
    """The seats for people in the room (empty: no limit) and when registration closes (empty:
    the default before the start). Seats already taken stay taken if the capacity goes lower."""
    briefing = briefings.get(session, briefing_id)
    if briefing.status not in SCHEDULED:
        raise Conflict(Msg("A briefing that has been held or cancelled takes no registration."))
    errors: dict[str, Msg] = {}
    capacity: int | None = None
    text = data.capacity.strip()
    if text:
        capacity = int(text) if text.isdigit() and len(text) <= 6 else None
        if capacity is None or not 1 <= capacity <= rules.MAX_CAPACITY:
            errors["capacity"] = Msg(
                "Enter a whole number of seats from 1 to %(n)s, or leave it empty for no limit.",
                {"n": rules.MAX_CAPACITY},
            )
    closes: datetime | None = None
    if data.closes_day or data.closes_time:
        if not (data.closes_day and data.closes_time):
            errors["closes_day"] = Msg("Enter both the date and the time, or neither.")
        else:
            closes = datetime.combine(data.closes_day, data.closes_time, tzinfo=LOCAL_TZ)
            if closes >= briefing.starts_at:
                errors["closes_day"] = Msg("Registration must close before the briefing starts.")
    if errors:
        raise ValidationFailed(errors)
    _ensure_settings(session, briefing_id)
    session.execute(
        update(AttendanceSettings)
        .where(col(AttendanceSettings.briefing_id) == briefing_id)
        .values(capacity=capacity, closes_at=closes, updated_at=utcnow())
    )
    saved = settings_of(session, briefing_id)
    assert saved is not None
    audit.record(
        session,
        actor,
        "attendance_settings.saved",
        briefing_id,
        f"{briefing.title_vi}: capacity {capacity if capacity is not None else '-'}, "
        f"closes {format_datetime(rules.closing_time(briefing, saved))}",
        object_type="attendance_settings",
    )
    return saved
