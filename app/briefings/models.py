"""Briefing tables: kinds (defaults), series (a recurrence rule), briefings (occurrences or
one-offs), invited organisations, agenda items and the public record of changes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, model_validator
from sqlalchemy import Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.forms import Day, Int, SafeLine, SafeText
from app.i18n import N_
from app.timeutil import utcnow


class BriefingStatus(StrEnum):
    PLANNED = "planned"
    ANNOUNCED = "announced"
    POSTPONED = "postponed"
    HELD = "held"
    RECORD_PUBLISHED = "record_published"
    CANCELLED = "cancelled"


STATUS_LABELS: dict[BriefingStatus, str] = {
    BriefingStatus.PLANNED: N_("Planned"),
    BriefingStatus.ANNOUNCED: N_("Announced"),
    BriefingStatus.POSTPONED: N_("Postponed"),
    BriefingStatus.HELD: N_("Held"),
    BriefingStatus.RECORD_PUBLISHED: N_("Record published"),
    BriefingStatus.CANCELLED: N_("Cancelled"),
}


class HolidayPolicy(StrEnum):
    SKIP = "skip"
    NEXT_WORKING_DAY = "next_working_day"
    KEEP = "keep"


HOLIDAY_POLICY_LABELS: dict[HolidayPolicy, str] = {
    HolidayPolicy.NEXT_WORKING_DAY: N_("Move to the next working day"),
    HolidayPolicy.SKIP: N_("Skip that date"),
    HolidayPolicy.KEEP: N_("Hold it anyway"),
}


class ChangeKind(StrEnum):
    ANNOUNCED = "announced"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    HELD = "held"
    RECORD_PUBLISHED = "record_published"
    UPDATED = "updated"


CHANGE_LABELS: dict[ChangeKind, str] = {
    ChangeKind.ANNOUNCED: N_("Announced"),
    ChangeKind.POSTPONED: N_("Postponed"),
    ChangeKind.CANCELLED: N_("Cancelled"),
    ChangeKind.HELD: N_("Held"),
    ChangeKind.RECORD_PUBLISHED: N_("Record published"),
    ChangeKind.UPDATED: N_("Details changed"),
}


def new_uid() -> str:
    """A calendar UID that never changes, whatever happens to the briefing."""
    return f"{uuid.uuid4()}@pressdesk"


class BriefingKind(SQLModel, table=True):
    """A kind of briefing and the defaults a new one of that kind starts with."""

    __tablename__ = "briefing_kind"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name_vi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    title_pattern_vi: str = Field(max_length=255)
    title_pattern_en: str = Field(max_length=255)
    chair: str = Field(default="", max_length=200)
    chair_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    organiser_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    duration_minutes: int = 90
    venue: str = Field(default="", max_length=255)
    content_days_before: int = 3
    position: int = 0

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi


def _version_column() -> Column[int]:
    """A counter the ORM raises on every UPDATE and checks in its WHERE clause, so that two
    people saving the same row cannot silently overwrite each other (StaleDataError)."""
    return Column("sequence", Integer, nullable=False, default=0)


_series_sequence = _version_column()
_briefing_sequence = _version_column()


class BriefingSeries(SQLModel, table=True):
    """A recurring briefing: an RFC 5545 rule from `dtstart` (local date and time) to `until`."""

    __tablename__ = "briefing_series"
    __mapper_args__ = {"version_id_col": _series_sequence}

    id: int | None = Field(default=None, primary_key=True)
    kind_id: int = Field(foreign_key="briefing_kind.id", index=True)
    title_vi: str = Field(max_length=255)
    title_en: str = Field(default="", max_length=255)
    rrule: str = Field(max_length=500)
    dtstart: date
    until: date | None = None
    start_time: time
    duration_minutes: int
    holiday_policy: HolidayPolicy = Field(
        default=HolidayPolicy.NEXT_WORKING_DAY, sa_type=EnumText(HolidayPolicy)
    )
    venue: str = Field(default="", max_length=255)
    online_url: str = Field(default="", max_length=500)
    chair: str = Field(default="", max_length=200)
    organiser_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    content_days_before: int = 3
    notes: str = Field(default="", max_length=4000)
    generated_until: date | None = None
    sequence: int = Field(default=0, sa_column=_series_sequence)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SeriesInvitee(SQLModel, table=True):
    __tablename__ = "series_invitee"

    series_id: int = Field(foreign_key="briefing_series.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)


class Briefing(SQLModel, table=True):
    """One briefing: an occurrence of a series (keyed by its original date) or a one-off."""

    __tablename__ = "briefing"
    __table_args__ = (
        UniqueConstraint("series_id", "original_date"),
        Index("ix_briefing_starts_at", "starts_at"),
    )
    __mapper_args__ = {"version_id_col": _briefing_sequence}

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=64, unique=True)
    series_id: int | None = Field(default=None, foreign_key="briefing_series.id", index=True)
    original_date: date | None = None  # the series date it stands for (iCalendar RECURRENCE-ID)
    detached: bool = False  # edited by hand: regenerating the series leaves it alone
    kind_id: int = Field(foreign_key="briefing_kind.id", index=True)
    title_vi: str = Field(max_length=255)
    title_en: str = Field(default="", max_length=255)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    venue: str = Field(default="", max_length=255)
    online_url: str = Field(default="", max_length=500)
    chair: str = Field(default="", max_length=200)
    organiser_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    content_deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notes: str = Field(default="", max_length=4000)
    status: BriefingStatus = Field(
        default=BriefingStatus.PLANNED, sa_type=EnumText(BriefingStatus), index=True
    )
    status_reason: str = Field(default="", max_length=1000)
    announced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    record_summary: str = Field(default="", max_length=10000)
    record_url: str = Field(default="", max_length=500)
    # iCalendar SEQUENCE, raised on every change; also the version a form must still match.
    sequence: int = Field(default=0, sa_column=_briefing_sequence)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_vi

    @property
    def is_public(self) -> bool:
        """Journalists and the public see a briefing once it has been announced."""
        return self.announced_at is not None


class BriefingInvitee(SQLModel, table=True):
    __tablename__ = "briefing_invitee"

    briefing_id: int = Field(foreign_key="briefing.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)


class AgendaItem(SQLModel, table=True):
    """One point of a briefing's agenda: typed by the office or taken from accepted content."""

    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    briefing_id: int = Field(foreign_key="briefing.id", index=True)
    position: int = 0
    title: str = Field(max_length=500)
    presenter: str = Field(default="", max_length=200)
    minutes: int | None = None
    submission_id: int | None = Field(default=None, foreign_key="submission.id", unique=True)


class BriefingChange(SQLModel, table=True):
    """A change made after announcement, shown on the public page ("Đã dời lịch", "Đã hủy")."""

    __tablename__ = "briefing_change"

    id: int | None = Field(default=None, primary_key=True)
    briefing_id: int = Field(foreign_key="briefing.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    change: ChangeKind = Field(sa_type=EnumText(ChangeKind))
    old_starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    new_starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str = Field(default="", max_length=1000)


# --- API shapes -------------------------------------------------------------------------------
# Times sent are local (Asia/Ho_Chi_Minh) dates and "HH:MM"; times answered are ISO 8601 UTC.


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give the local time without an offset, e.g. 15:00")
    return value


LocalTime = Annotated[time, AfterValidator(_local_time)]
Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# The values of states.Step (which imports this module, so it cannot be imported here).
ActionName = Literal["announce", "postpone", "cancel", "hold", "publish_record"]


class BriefingPublic(SQLModel):
    id: int
    uid: str
    kind_id: int
    kind_code: str
    kind_name_vi: str
    kind_name_en: str
    title_vi: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    online_url: str
    chair: str
    organiser_org_id: int | None
    invitee_ids: list[int]
    content_deadline: datetime | None
    notes: str
    status: BriefingStatus
    status_reason: str
    series_id: int | None
    original_date: date | None
    detached: bool
    announced_at: datetime | None
    record_summary: str
    record_url: str
    sequence: int
    updated_at: datetime
    url: str


class BriefingCreate(SQLModel):
    """A one-off briefing; `day`, `start`, `end` and `content_deadline` are local."""

    kind_id: Int
    title_vi: SafeLine = Field(max_length=255)
    title_en: SafeLine = Field(default="", max_length=255)
    day: Day
    start: LocalTime
    end: LocalTime
    venue: SafeLine = Field(default="", max_length=255)
    online_url: SafeLine = Field(default="", max_length=500)
    chair: SafeLine = Field(default="", max_length=200)
    organiser_org_id: Int | None = None
    invitee_ids: list[Int] = Field(default_factory=list)
    content_deadline: Day | None = None
    notes: SafeText = Field(default="", max_length=4000)


class RuleFields(SQLModel):
    """A recurrence: a raw RFC 5545 `rrule`, or a simple `pattern` with its details."""

    rrule: SafeLine | None = Field(default=None, max_length=500)  # e.g. FREQ=MONTHLY;BYDAY=-1TH
    pattern: Literal["weekly", "monthly_weekday", "monthly_day"] | None = None
    weekday: Weekday = "TH"
    ordinal: Literal[-1, 1, 2, 3, 4] = -1
    monthday: int = Field(default=1, ge=-1, le=31)
    interval: int = Field(default=1, ge=1, le=99)

    @model_validator(mode="after")
    def _one_rule(self) -> RuleFields:
        if self.rrule is not None and self.pattern is not None:
            raise ValueError("give either rrule or pattern, not both")
        return self


class BriefingUpdate(RuleFields):
    """Only the fields sent change. `sequence` is the version read; a stale one is refused (409).

    scope "this" edits this briefing. scope "following" edits this occurrence and the later ones
    of its series (a new series from here): the fields are then the series' (titles are patterns
    with {month}, {year}, {week}, {date}; `start`/`end` give its time; the rule fields, `until`,
    `holiday_policy`, `duration_minutes`, `content_days_before` may be sent; `day` and
    `content_deadline` are not used)."""

    sequence: Int
    scope: Literal["this", "following"] = "this"
    kind_id: Int | None = None
    title_vi: SafeLine = Field(default="", max_length=255)
    title_en: SafeLine = Field(default="", max_length=255)
    day: Day | None = None
    start: LocalTime | None = None
    end: LocalTime | None = None
    venue: SafeLine = Field(default="", max_length=255)
    online_url: SafeLine = Field(default="", max_length=500)
    chair: SafeLine = Field(default="", max_length=200)
    organiser_org_id: Int | None = None
    invitee_ids: list[Int] = Field(default_factory=list)
    content_deadline: Day | None = None
    notes: SafeText = Field(default="", max_length=4000)
    until: Day | None = None
    holiday_policy: HolidayPolicy | None = None
    duration_minutes: Int | None = None
    content_days_before: Int | None = None


class TransitionRequest(SQLModel):
    """One step of the lifecycle; postponing needs the new local day and times."""

    action: ActionName
    sequence: Int
    reason: SafeText = Field(default="", max_length=1000)
    new_day: Day | None = None
    new_start: LocalTime | None = None
    new_end: LocalTime | None = None
    record_summary: SafeText = Field(default="", max_length=10000)
    record_url: SafeLine = Field(default="", max_length=500)


class SeriesPublic(SQLModel):
    id: int
    kind_id: int
    title_vi: str
    title_en: str
    rrule: str
    description: str
    dtstart: date
    until: date | None
    start_time: time
    duration_minutes: int
    holiday_policy: HolidayPolicy
    venue: str
    online_url: str
    chair: str
    organiser_org_id: int | None
    invitee_ids: list[int]
    content_days_before: int
    notes: str
    sequence: int
    generated_until: date | None


class SeriesDetail(SeriesPublic):
    briefing_ids: list[int]


class SeriesCreate(RuleFields):
    """A recurring briefing from `dtstart` (local) at `start_time`; the kind gives the duration and
    the content days when they are not sent. Titles may use {month}, {year}, {week}, {date}."""

    kind_id: Int
    title_vi: SafeLine = Field(max_length=255)
    title_en: SafeLine = Field(default="", max_length=255)
    dtstart: Day
    until: Day | None = None
    start_time: LocalTime
    duration_minutes: Int | None = None
    holiday_policy: HolidayPolicy = HolidayPolicy.NEXT_WORKING_DAY
    venue: SafeLine = Field(default="", max_length=255)
    online_url: SafeLine = Field(default="", max_length=500)
    chair: SafeLine = Field(default="", max_length=200)
    organiser_org_id: Int | None = None
    invitee_ids: list[Int] = Field(default_factory=list)
    content_days_before: Int | None = None
    notes: SafeText = Field(default="", max_length=4000)


class SeriesUpdate(RuleFields):
    """Only the fields sent change; the future occurrences follow, except those edited by hand."""

    sequence: Int
    kind_id: Int | None = None
    title_vi: SafeLine = Field(default="", max_length=255)
    title_en: SafeLine = Field(default="", max_length=255)
    dtstart: Day | None = None
    until: Day | None = None
    start_time: LocalTime | None = None
    duration_minutes: Int | None = None
    holiday_policy: HolidayPolicy = HolidayPolicy.NEXT_WORKING_DAY
    venue: SafeLine = Field(default="", max_length=255)
    online_url: SafeLine = Field(default="", max_length=500)
    chair: SafeLine = Field(default="", max_length=200)
    organiser_org_id: Int | None = None
    invitee_ids: list[Int] = Field(default_factory=list)
    content_days_before: Int | None = None
    notes: SafeText = Field(default="", max_length=4000)
