"""Department content for a briefing: the call for content, each organisation's submission with
its kept versions, and the attached files."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.i18n import N_
from app.timeutil import utcnow


class CallStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


CALL_STATUS_LABELS: dict[CallStatus, str] = {
    CallStatus.OPEN: N_("Open"),
    CallStatus.CLOSED: N_("Closed"),
}


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    INCLUDED = "included"
    WITHDRAWN = "withdrawn"


SUBMISSION_STATUS_LABELS: dict[SubmissionStatus, str] = {
    SubmissionStatus.DRAFT: N_("Draft"),
    SubmissionStatus.SUBMITTED: N_("Submitted"),
    SubmissionStatus.RETURNED: N_("Returned for changes"),
    SubmissionStatus.ACCEPTED: N_("Accepted"),
    SubmissionStatus.INCLUDED: N_("In the agenda"),
    SubmissionStatus.WITHDRAWN: N_("Withdrawn"),
}


class ContentCall(SQLModel, table=True):
    """The office's request to organisations for content before one briefing (Art. 8)."""

    __tablename__ = "content_call"

    id: int | None = Field(default=None, primary_key=True)
    briefing_id: int = Field(foreign_key="briefing.id", unique=True)
    deadline: datetime = Field(sa_type=UTCDateTime)
    instructions: str = Field(default="", max_length=4000)
    status: CallStatus = Field(default=CallStatus.OPEN, sa_type=EnumText(CallStatus), index=True)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CallRecipient(SQLModel, table=True):
    __tablename__ = "call_recipient"

    call_id: int = Field(foreign_key="content_call.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)


_revision = Column("revision", Integer, nullable=False, default=0)


class Submission(SQLModel, table=True):
    """One organisation's content for one call. The row holds the working copy; every time it
    is submitted a `SubmissionVersion` keeps what was sent."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("call_id", "organisation_id"),)
    # Two people saving the same draft: the second save is refused (StaleDataError / form check).
    __mapper_args__ = {"version_id_col": _revision}

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="content_call.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    status: SubmissionStatus = Field(
        default=SubmissionStatus.DRAFT, sa_type=EnumText(SubmissionStatus), index=True
    )
    title: str = Field(default="", max_length=500)
    summary: str = Field(default="", max_length=4000)
    talking_points: str = Field(default="", max_length=50000)  # Markdown
    key_figures: str = Field(default="", max_length=10000)
    qa: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    contact_name: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=50)
    contact_email: str = Field(default="", max_length=254)
    late: bool = False  # first submitted after the call's deadline
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    office_comment: str = Field(default="", max_length=4000)  # the last return comment
    versions: int = 0  # how many versions were submitted
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = Field(default=0, sa_column=_revision)


class SubmissionVersion(SQLModel, table=True):
    """What was sent at one submission: kept for ever, compared with the others."""

    __tablename__ = "submission_version"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    number: int
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_by: int | None = Field(default=None, foreign_key="app_user.id")
    late: bool = False
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Attachment(SQLModel, table=True):
    """A file of a submission, stored outside `static/` under a random name."""

    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    filename: str = Field(max_length=255)  # cleaned, as shown and downloaded
    stored_name: str = Field(max_length=64, unique=True)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Removed from the working copy; kept because submitted versions may list it.
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- API shapes -------------------------------------------------------------------------------


class CallPublic(SQLModel):
    id: int
    briefing_id: int
    briefing_title: str
    briefing_starts_at: datetime
    deadline: datetime
    instructions: str
    status: CallStatus
    organisation_ids: list[int]
    created_at: datetime
    closed_at: datetime | None


class QAPair(SQLModel):
    question: str = Field(max_length=2000)
    answer: str = Field(default="", max_length=10000)


class AttachmentPublic(SQLModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    url: str


class SubmissionPublic(SQLModel):
    id: int
    call_id: int
    briefing_id: int
    organisation_id: int
    status: SubmissionStatus
    title: str
    summary: str
    talking_points: str
    key_figures: str
    qa: list[QAPair]
    contact_name: str
    contact_phone: str
    contact_email: str
    late: bool
    submitted_at: datetime | None
    office_comment: str
    versions: int
    revision: int
    updated_at: datetime
    attachments: list[AttachmentPublic]
