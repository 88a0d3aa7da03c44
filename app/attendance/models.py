"""Journalists registered to attend a briefing, and what the office set for each briefing (the
seats in the room and when registration closes)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.i18n import N_
from app.timeutil import utcnow


class Mode(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


MODE_LABELS: dict[Mode, str] = {
    Mode.IN_PERSON: N_("In person"),
    Mode.ONLINE: N_("Online"),
}


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    CANCELLED = "cancelled"  # by the journalist
    REFUSED = "refused"  # by the office, with a reason


STATUS_LABELS: dict[RegistrationStatus, str] = {
    RegistrationStatus.REGISTERED: N_("Registration confirmed"),
    RegistrationStatus.CANCELLED: N_("Cancelled by the journalist"),
    RegistrationStatus.REFUSED: N_("Refused"),
}


class AttendanceSettings(SQLModel, table=True):
    """Per briefing: the seats for people in the room (None: no limit), when registration closes
    (None: `rules.DEFAULT_CLOSING` before the start), and the seats taken, which only the
    conditional UPDATE of `service` changes (never more than the capacity, whoever comes at once)."""

    __tablename__ = "attendance_settings"

    briefing_id: int = Field(foreign_key="briefing.id", primary_key=True)
    capacity: int | None = None
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seats_taken: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Registration(SQLModel, table=True):
    """One journalist's registration for one briefing (one row per pair: cancelling and
    registering again reuse it). `seats` is what it holds of the capacity: the journalist and
    their crew when in the room and registered, else 0. `revision` rises on every change, so the
    attendee's calendar event (SEQUENCE) moves on even when the briefing does not."""

    __tablename__ = "attendance_registration"
    __table_args__ = (UniqueConstraint("briefing_id", "journalist_id"),)

    id: int | None = Field(default=None, primary_key=True)
    briefing_id: int = Field(foreign_key="briefing.id", index=True)
    journalist_id: int = Field(foreign_key="app_user.id", index=True)
    mode: Mode = Field(default=Mode.IN_PERSON, sa_type=EnumText(Mode, 16))
    crew: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    seats: int = 0
    status: RegistrationStatus = Field(
        default=RegistrationStatus.REGISTERED, sa_type=EnumText(RegistrationStatus, 16)
    )
    refusal_reason: str = Field(default="", max_length=1000)
    revision: int = 0
    registered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
