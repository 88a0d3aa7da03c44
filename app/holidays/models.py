"""Days the administrator adds to (or takes off) the Vietnamese public-holiday calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from app.db import UTCDateTime
from app.timeutil import utcnow


class CalendarDay(SQLModel, table=True):
    """A day off the `holidays` package does not know (e.g. a bridge day), or, with
    `is_day_off` False, a day that is worked although it is a weekend or a holiday."""

    __tablename__ = "calendar_day"

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(unique=True)
    is_day_off: bool = True
    name_vi: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
