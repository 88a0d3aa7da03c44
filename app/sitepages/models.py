"""A page of the site's own, in one language, as the administrator last saved it. Until saved,
the text shipped in `app/sitepages/data/<slug>.<language>.md` is shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime
from app.timeutil import utcnow


class SitePage(SQLModel, table=True):
    __tablename__ = "site_page"
    __table_args__ = (UniqueConstraint("slug", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40)
    language: str = Field(max_length=8)
    title: str = Field(max_length=200)
    body: str = Field(max_length=50_000)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
