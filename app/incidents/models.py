"""A sudden or unusual matter, the organisations it concerns and what it is linked to.

The kind is a code of the legal rule set in force on the day the clock started (kept on the
record with the rule set's code, so a later change of law never re-labels it). When the first
information was given is not typed: it is read from the linked statements, questions and
briefings (`incidents.queries.first_information`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Integer
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.i18n import N_
from app.timeutil import utcnow

_revision = Column("revision", Integer, nullable=False, default=0)

TITLE_MAX = 300
SUMMARY_MAX = 5000


class Matter(SQLModel, table=True):
    """One sudden or unusual matter and its clock."""

    __tablename__ = "sudden_matter"
    __mapper_args__ = {"version_id_col": _revision}

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)  # a `sudden_kinds` code of `ruleset`
    ruleset: str = Field(max_length=40)  # the rule set in force when the clock started
    title: str = Field(max_length=TITLE_MAX)
    summary: str = Field(default="", max_length=SUMMARY_MAX)
    # When the agency received and handled it (Art. 7(3)) or determined its effect on public
    # opinion (Art. 7(4)); the time limit runs from here.
    clock_started_at: datetime = Field(sa_type=UTCDateTime, index=True)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # False information in the press (Art. 7(6)): the agency, the article, the correction.
    agency_id: int | None = Field(default=None, foreign_key="organisation.id")
    article_title: str = Field(default="", max_length=500)
    article_url: str = Field(default="", max_length=1000)
    article_published_on: date | None = None
    correction_expected_by: date | None = None
    correction_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    correction_url: str = Field(default="", max_length=1000)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    closed_by: int | None = Field(default=None, foreign_key="app_user.id")
    closing_note: str = Field(default="", max_length=2000)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = Field(default=0, sa_column=_revision)


class MatterOrganisation(SQLModel, table=True):
    """A state body the matter concerns."""

    __tablename__ = "sudden_matter_organisation"

    matter_id: int = Field(foreign_key="sudden_matter.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)


class LinkKind(StrEnum):
    STATEMENT = "statement"
    QUESTION = "question"
    BRIEFING = "briefing"


LINK_LABELS: dict[LinkKind, str] = {
    LinkKind.STATEMENT: N_("Statement"),
    LinkKind.QUESTION: N_("Question from the press"),
    LinkKind.BRIEFING: N_("Briefing"),
}


class MatterLink(SQLModel, table=True):
    """A statement, question or briefing concerning the matter (by its id)."""

    __tablename__ = "sudden_matter_link"
    __table_args__ = (Index("ix_sudden_matter_link_object", "kind", "object_id"),)

    matter_id: int = Field(foreign_key="sudden_matter.id", primary_key=True)
    kind: LinkKind = Field(sa_type=EnumText(LinkKind, 16), primary_key=True)
    object_id: int = Field(primary_key=True)
    linked_by: int | None = Field(default=None, foreign_key="app_user.id")
    linked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
