"""Writing and reading the audit log. Rows are added in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, event, func, or_
from sqlmodel import Session, col, select

from app.accounts.models import OFFICE_ROLES
from app.audit.models import AuditEvent
from app.timeutil import LOCAL_TZ


@dataclass(frozen=True)
class Actor:
    """Who did something: a signed-in user, or a named system process (CLI, scheduler)."""

    user_id: int | None
    email: str | None
    role: str | None
    organisation_id: int | None
    address: str | None

    @classmethod
    def system(cls, name: str = "cli") -> Actor:
        return cls(None, None, f"system:{name}", None, None)

    @property
    def is_system(self) -> bool:
        """A process of the application (CLI, scheduler, demo data), not a person."""
        return (self.role or "").startswith("system:")

    @property
    def is_office(self) -> bool:
        """The spokesperson's office (press office or spokesperson), or the system acting for it."""
        return self.role in OFFICE_ROLES or self.is_system


def record(
    session: Session,
    actor: Actor,
    action: str,
    obj: Any,
    summary: str = "",
    *,
    object_type: str | None = None,
) -> AuditEvent:
    """Add one audit row for a change of state; it commits with the change itself."""
    session.flush()  # so that a new object has its id
    event_row = AuditEvent(
        actor_user_id=actor.user_id,
        actor_email=actor.email,
        actor_role=actor.role,
        actor_organisation_id=actor.organisation_id,
        action=action,
        object_type=str(object_type or getattr(obj, "__tablename__", type(obj).__name__.lower())),
        object_id=str(getattr(obj, "id", obj)) if obj is not None else None,
        summary=summary[:1000],
        client_address=actor.address,
    )
    session.add(event_row)
    return event_row


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    """The log is append-only in the application too (the database has triggers as well)."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("audit events are never changed or deleted")


@dataclass(frozen=True)
class AuditFilter:
    person: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


def search(
    session: Session, filt: AuditFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[AuditEvent], int]:
    """Events matching the filter, newest first, and how many match in all."""
    query = select(AuditEvent)
    if filt.person:
        typed = (
            filt.person.strip()
            .lower()
            .replace("\\", "\\\\")
            .replace("%", "\\%")
            .replace("_", "\\_")
        )
        conditions: list[ColumnElement[bool]] = [
            func.lower(col(AuditEvent.actor_email)).like(f"%{typed}%", escape="\\")
        ]
        if filt.person.strip().isdigit():
            conditions.append(col(AuditEvent.actor_user_id) == int(filt.person.strip()))
        query = query.where(or_(*conditions))
    if filt.object_type:
        query = query.where(AuditEvent.object_type == filt.object_type)
    if filt.object_id:
        query = query.where(AuditEvent.object_id == filt.object_id.strip())
    if filt.action:
        query = query.where(col(AuditEvent.action).startswith(filt.action, autoescape=True))
    if filt.date_from:
        query = query.where(col(AuditEvent.at) >= _local_day_start(filt.date_from))
    if filt.date_to:
        query = query.where(col(AuditEvent.at) < _local_day_start(filt.date_to + timedelta(days=1)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total)


def object_types(session: Session) -> list[str]:
    return list(
        session.exec(
            select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
        ).all()
    )
