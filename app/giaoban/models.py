"""One time the province (or one of its bodies) informed the press at a giao ban run by others."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.i18n import N_
from app.timeutil import utcnow

_revision = Column("revision", Integer, nullable=False, default=0)


class Organiser(StrEnum):
    """Who ran the giao ban (Decree 244/2026 Art. 5(5): the local ones, a central body, other)."""

    PARTY_BOARD = "party_board"
    CULTURE_DEPARTMENT = "culture_department"
    JOURNALISTS_ASSOCIATION = "journalists_association"
    CENTRAL = "central"
    OTHER = "other"


ORGANISER_LABELS: dict[Organiser, str] = {
    Organiser.PARTY_BOARD: N_(
        "The provincial Party committee's propaganda and mass-mobilisation board"
    ),
    Organiser.CULTURE_DEPARTMENT: N_("The Department of Culture, Sports and Tourism"),
    Organiser.JOURNALISTS_ASSOCIATION: N_("The provincial Journalists' Association"),
    Organiser.CENTRAL: N_("A central body"),
    Organiser.OTHER: N_("Other organiser"),
}
# Organisers named in free text: required for "other", optional for a central body.
NAMED = frozenset({Organiser.CENTRAL, Organiser.OTHER})


class GiaoBan(SQLModel, table=True):
    """A participation: on `day`, at a giao ban run by `organiser`, `organisation_id` informed
    the press through the person named, on the topics written."""

    __tablename__ = "giao_ban"
    __mapper_args__ = {"version_id_col": _revision}

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    organiser: Organiser = Field(sa_type=EnumText(Organiser))
    organiser_other: str = Field(default="", max_length=300)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    speaker_name: str = Field(max_length=200)
    speaker_title: str = Field(default="", max_length=300)
    topics: str = Field(max_length=5000)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = Field(default=0, sa_column=_revision)


class GiaoBanStatement(SQLModel, table=True):
    """A statement given or published about what was said at the giao ban."""

    __tablename__ = "giao_ban_statement"

    giao_ban_id: int = Field(foreign_key="giao_ban.id", primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", primary_key=True, index=True)
