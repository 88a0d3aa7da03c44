"""The tables of media monitoring: sources (feeds) with their fetch state, watch rules, press
items (from a feed or entered by hand) and which rules each item matched."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.i18n import N_
from app.timeutil import utcnow


class Medium(StrEnum):
    ONLINE = "online"
    PRINT = "print"
    TELEVISION = "television"
    RADIO = "radio"
    SOCIAL = "social"


MEDIUM_LABELS = {
    Medium.ONLINE: N_("Online newspaper"),
    Medium.PRINT: N_("Printed newspaper"),
    Medium.TELEVISION: N_("Television"),
    Medium.RADIO: N_("Radio"),
    Medium.SOCIAL: N_("Social media"),
}


class Tone(StrEnum):
    UNASSESSED = "unassessed"
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
    FALSE = "false"  # false or distorted information (Decree 244/2026 Art. 7(6))


TONE_LABELS = {
    Tone.UNASSESSED: N_("Not assessed"),
    Tone.POSITIVE: N_("Positive"),
    Tone.NEUTRAL: N_("Neutral"),
    Tone.NEGATIVE: N_("Negative"),
    Tone.FALSE: N_("False or distorted"),
}


class Importance(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


IMPORTANCE_LABELS = {
    Importance.LOW: N_("Low"),
    Importance.NORMAL: N_("Normal"),
    Importance.HIGH: N_("High"),
}


class MonitoringSource(SQLModel, table=True):
    """A feed the office follows. The watcher fetches it every `interval_minutes`; after an error
    it waits longer each time (`failures`), and `last_error` says why to the office."""

    __tablename__ = "monitoring_source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    feed_url: str = Field(max_length=2000)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    interval_minutes: int = 30
    active: bool = True
    # Conditional requests: what the server said last time.
    etag: str = Field(default="", max_length=500)
    last_modified: str = Field(default="", max_length=100)
    # Scheduling: due from `next_fetch_at`; a worker claims it until `claimed_until`.
    next_fetch_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_ok_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failures: int = 0
    last_error: str = Field(default="", max_length=500)
    last_warning: str = Field(default="", max_length=500)  # fetched, but something was cut
    items_found: int = 0  # press items this source brought, all time
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WatchRule(SQLModel, table=True):
    """Phrases one per line: every one of `all_of`, at least one of `any_of` (when given), none
    of `none_of` (`monitoring.rules`). A matching article becomes a press item."""

    __tablename__ = "watch_rule"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    all_of: str = Field(default="", max_length=5000)
    any_of: str = Field(default="", max_length=5000)
    none_of: str = Field(default="", max_length=5000)
    topic_id: int | None = Field(default=None, foreign_key="topic.id")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WatchRuleOrganisation(SQLModel, table=True):
    """The organisations a rule concerns (they verify the items it finds)."""

    __tablename__ = "watch_rule_organisation"

    rule_id: int = Field(foreign_key="watch_rule.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)


class PressItem(SQLModel, table=True):
    """An article, broadcast or post about the province: found in a feed by a watch rule, or
    entered by hand. `url_key` (the hash of the canonical address) makes one article one item."""

    __tablename__ = "press_item"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="monitoring_source.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    outlet: str = Field(max_length=200)  # the outlet or account, as shown
    medium: Medium = Field(default=Medium.ONLINE, sa_type=EnumText(Medium))
    url: str = Field(default="", max_length=2000)  # canonical; empty for a printed paper
    url_key: str | None = Field(default=None, max_length=64, unique=True)
    title: str = Field(max_length=500)
    excerpt: str = Field(default="", max_length=2000)
    published_at: datetime = Field(sa_type=UTCDateTime, index=True)
    tone: Tone = Field(default=Tone.UNASSESSED, sa_type=EnumText(Tone), index=True)
    importance: Importance = Field(default=Importance.NORMAL, sa_type=EnumText(Importance))
    note: str = Field(default="", max_length=2000)  # the office's assessment
    assessed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assessed_by: int | None = Field(default=None, foreign_key="app_user.id")
    # The sudden matter opened from it (Art. 7(3), 7(4), or 7(6) with the correction asked for).
    matter_id: int | None = Field(default=None, foreign_key="sudden_matter.id", index=True)
    entered_by: int | None = Field(default=None, foreign_key="app_user.id")  # by hand
    stored_name: str = Field(default="", max_length=64)  # a file entered by hand (storage)
    filename: str = Field(default="", max_length=255)
    content_type: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PressItemMatch(SQLModel, table=True):
    __tablename__ = "press_item_match"
    __table_args__ = (UniqueConstraint("item_id", "rule_id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="press_item.id", index=True)
    rule_id: int = Field(foreign_key="watch_rule.id")


class PressItemAssignment(SQLModel, table=True):
    """An organisation asked to verify an item and answer the office by `due_at`."""

    __tablename__ = "press_item_assignment"
    __table_args__ = (UniqueConstraint("item_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="press_item.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    due_at: datetime = Field(sa_type=UTCDateTime)
    requested_by: int | None = Field(default=None, foreign_key="app_user.id")
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    answer: str = Field(default="", max_length=10_000)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by: int | None = Field(default=None, foreign_key="app_user.id")


class PressItemAnswerFile(SQLModel, table=True):
    """A file a department sent with its answer about an item (never served inline)."""

    __tablename__ = "press_item_answer_file"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="press_item_assignment.id", index=True)
    stored_name: str = Field(max_length=64)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int = 0
    uploaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
