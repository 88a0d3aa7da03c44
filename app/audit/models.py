"""The audit log table: one row per change of state, never updated or deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime
from app.timeutil import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_user_id: int | None = Field(default=None, index=True)
    actor_email: str | None = Field(default=None, max_length=254)
    actor_role: str | None = Field(default=None, max_length=32)
    actor_organisation_id: int | None = None
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(max_length=64)
    object_id: str | None = Field(default=None, max_length=64)
    summary: str = Field(default="", max_length=1000)
    client_address: str | None = Field(default=None, max_length=64)
