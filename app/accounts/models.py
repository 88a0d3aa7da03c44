"""Users, their database sessions and the failed-login counters."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.forms import SafeLine
from app.i18n import N_
from app.timeutil import utcnow


class Role(StrEnum):
    ADMIN = "admin"
    PRESS_OFFICE = "press_office"
    SPOKESPERSON = "spokesperson"
    DEPARTMENT = "department"
    JOURNALIST = "journalist"


# The spokesperson's office: the press office staff and the spokesperson (the one definition).
OFFICE_ROLES = frozenset({Role.PRESS_OFFICE, Role.SPOKESPERSON})

ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.PRESS_OFFICE: N_("Spokesperson's office"),
    Role.SPOKESPERSON: N_("Spokesperson"),
    Role.DEPARTMENT: N_("Department focal officer"),
    Role.JOURNALIST: N_("Journalist"),
}

# Roles tied to exactly one organisation, and the kinds of organisation each may belong to.
ROLE_ORG_KINDS: dict[Role, tuple[str, ...]] = {
    Role.DEPARTMENT: ("department", "commune", "party_body", "peoples_committee", "other"),
    Role.JOURNALIST: ("press_agency",),
}


class UserStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # a journalist waiting for the press office to verify them
    REJECTED = "rejected"
    DISABLED = "disabled"


STATUS_LABELS: dict[UserStatus, str] = {
    UserStatus.ACTIVE: N_("Active"),
    UserStatus.PENDING: N_("Awaiting verification"),
    UserStatus.REJECTED: N_("Rejected"),
    UserStatus.DISABLED: N_("Disabled"),
}


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    full_name: str = Field(max_length=200)
    role: Role = Field(sa_type=EnumText(Role), index=True)
    status: UserStatus = Field(default=UserStatus.ACTIVE, sa_type=EnumText(UserStatus, 16))
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    press_card_number: str | None = Field(default=None, max_length=32)
    press_card_expires_on: date | None = None  # the last day the card is valid
    # A journalist whose press agency is not in the registry: the name they gave, until the office
    # matches it to an agency or adds it when verifying them.
    agency_name_given: str | None = Field(default=None, max_length=255)
    status_reason: str | None = Field(default=None, max_length=500)
    password_hash: str = Field(max_length=255)
    must_change_password: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    language: str = Field(default="vi", max_length=10)  # of the e-mails sent to them


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is kept here."""

    __tablename__ = "user_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    client_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=255)


class LoginThrottle(SQLModel, table=True):
    """Failed logins per account or per client address, kept in the database for all workers."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=16)  # "account" or "address"
    key: str = Field(max_length=254)
    failures: int = 0
    window_start: datetime = Field(sa_type=UTCDateTime)
    last_failure_at: datetime = Field(sa_type=UTCDateTime)


# --- API shapes -------------------------------------------------------------------------------


class UserPublic(SQLModel):
    id: int
    email: str
    full_name: str
    role: Role
    status: UserStatus
    organisation_id: int | None
    must_change_password: bool


class SessionInfo(SQLModel):
    """What `GET /api/v1/session` tells a client: who it is and the CSRF token to send."""

    authenticated: bool
    csrf_token: str
    user: UserPublic | None = None


class LoginRequest(SQLModel):
    email: SafeLine = Field(max_length=254)
    password: SafeLine = Field(max_length=256)
