"""Organisation tables: the body (code, kind, life span) and its names over time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.forms import Day, SafeLine, SafeName
from app.i18n import N_
from app.timeutil import utcnow


class OrgKind(StrEnum):
    PEOPLES_COMMITTEE = "peoples_committee"
    DEPARTMENT = "department"
    COMMUNE = "commune"
    DISTRICT = "district"  # the district level, abolished on 1/7/2025 (history only)
    PARTY_BODY = "party_body"
    PRESS_AGENCY = "press_agency"
    OTHER = "other"


ORG_KIND_LABELS: dict[OrgKind, str] = {
    OrgKind.PEOPLES_COMMITTEE: N_("People's Committee"),
    OrgKind.DEPARTMENT: N_("Department, board or sector"),
    OrgKind.COMMUNE: N_("Commune-level authority"),
    OrgKind.DISTRICT: N_("District-level authority (until 30/6/2025)"),
    OrgKind.PARTY_BODY: N_("Party body"),
    OrgKind.PRESS_AGENCY: N_("Press agency"),
    OrgKind.OTHER: N_("Other body"),
}


class MediaKind(StrEnum):
    NEWSPAPER = "newspaper"
    ONLINE = "online"
    RADIO = "radio"
    TELEVISION = "television"
    NEWS_AGENCY = "news_agency"


MEDIA_KIND_LABELS: dict[MediaKind, str] = {
    MediaKind.NEWSPAPER: N_("Newspaper"),
    MediaKind.ONLINE: N_("Online newspaper"),
    MediaKind.RADIO: N_("Radio"),
    MediaKind.TELEVISION: N_("Television"),
    MediaKind.NEWS_AGENCY: N_("News agency"),
}


class MediaScope(StrEnum):
    CENTRAL = "central"
    LOCAL = "local"
    FOREIGN = "foreign"


MEDIA_SCOPE_LABELS: dict[MediaScope, str] = {
    MediaScope.CENTRAL: N_("Central"),
    MediaScope.LOCAL: N_("Local"),
    MediaScope.FOREIGN: N_("Foreign"),
}


class Organisation(SQLModel, table=True):
    """A body that exists from `valid_from` to `valid_to` (inclusive; open if None)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    kind: OrgKind = Field(sa_type=EnumText(OrgKind), index=True)
    valid_from: date
    valid_to: date | None = None
    # Press agencies only: what kind of media and whether central, local or foreign.
    media_kind: MediaKind | None = Field(default=None, sa_type=EnumText(MediaKind))
    media_scope: MediaScope | None = Field(default=None, sa_type=EnumText(MediaScope))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrganisationName(SQLModel, table=True):
    """One name of an organisation for one period; a rename closes it and opens another."""

    __tablename__ = "organisation_name"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name_vi: str = Field(max_length=255)
    name_en: str = Field(max_length=255)
    valid_from: date
    valid_to: date | None = None


@dataclass(frozen=True)
class OrgView:
    """An organisation with the name it had on a given day."""

    id: int
    code: str
    kind: OrgKind
    valid_from: date
    valid_to: date | None
    name_vi: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


# --- API shapes -------------------------------------------------------------------------------


class OrgNamePublic(SQLModel):
    name_vi: str
    name_en: str
    valid_from: date
    valid_to: date | None


class OrgPublic(SQLModel):
    id: int
    code: str
    kind: OrgKind
    name_vi: str
    name_en: str
    valid_from: date
    valid_to: date | None


class OrgDetail(OrgPublic):
    names: list[OrgNamePublic]


class OrgCreate(SQLModel):
    code: SafeLine = Field(max_length=32)
    kind: OrgKind
    name_vi: SafeName = Field(max_length=255)
    name_en: SafeName = Field(max_length=255)
    valid_from: Day


class OrgRename(SQLModel):
    name_vi: SafeName = Field(max_length=255)
    name_en: SafeName = Field(max_length=255)
    effective: Day


class OrgRetire(SQLModel):
    last_day: Day
