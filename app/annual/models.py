"""A yearly report to the Ministry (Decree 244/2026 Art. 10): its heading, the office's section II,
and once sent, the figures as they were on the day (frozen)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime
from app.timeutil import utcnow

_revision = Column("revision", Integer, nullable=False, default=0)


class AnnualReport(SQLModel, table=True):
    """One version of the report for one reporting year. A version is a draft until marked
    sent; then its figures are stored and nothing in it changes. A new version of a sent report
    copies its heading and section II and says why it was made."""

    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("year", "version"),)
    __mapper_args__ = {"version_id_col": _revision}

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    version: int = 1
    ruleset: str = Field(max_length=40)  # the rule set whose report this is
    # The heading of the Appendix form: agency, number "…/BC-…", place and date, the signer.
    agency: str = Field(default="", max_length=300)
    number: str = Field(default="", max_length=60)
    place: str = Field(default="", max_length=100)
    report_date: date | None = None
    signer_name: str = Field(default="", max_length=200)
    signer_title: str = Field(default="", max_length=200)
    # II. Difficulties and proposals (free text written by the office).
    difficulties: str = Field(default="", max_length=20000)
    # Once sent: the figures and the records behind each, as computed that day.
    figures: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_by: int | None = Field(default=None, foreign_key="app_user.id")
    reason: str = Field(default="", max_length=2000)  # why this version was made (from v2)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = Field(default=0, sa_column=_revision)
