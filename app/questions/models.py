"""Journalists' questions: one record per question, its routing to organisations (lead and
supporting, with transfers that keep the clock), and its answers, holding answers and refusals."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.i18n import N_
from app.timeutil import utcnow


class Channel(StrEnum):
    ONLINE = "online"  # sent online before a briefing
    BRIEFING = "briefing"  # asked at a briefing (in the room or from a phone there)
    WRITTEN = "written"  # a written request
    EMAIL = "email"
    PHONE = "phone"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.ONLINE: N_("Online, before a briefing"),
    Channel.BRIEFING: N_("Asked at a briefing"),
    Channel.WRITTEN: N_("Written request"),
    Channel.EMAIL: N_("E-mail"),
    Channel.PHONE: N_("Phone"),
}


class QuestionStatus(StrEnum):
    NEW = "new"  # received, not yet triaged
    ACCEPTED = "accepted"  # taken up, waiting to be assigned
    ASSIGNED = "assigned"  # an organisation drafts the answer
    ANSWERED = "answered"  # an approved answer
    REFUSED = "refused"  # an approved refusal, with its legal ground
    MERGED = "merged"  # the same as an earlier question, answered there
    DECLINED = "declined"  # not taken up (not a question for the province, abusive, …)


STATUS_LABELS: dict[QuestionStatus, str] = {
    QuestionStatus.NEW: N_("New, to triage"),
    QuestionStatus.ACCEPTED: N_("Accepted"),
    QuestionStatus.ASSIGNED: N_("Being answered"),
    QuestionStatus.ANSWERED: N_("Answered"),
    QuestionStatus.REFUSED: N_("Refused"),
    QuestionStatus.MERGED: N_("Merged"),
    QuestionStatus.DECLINED: N_("Declined"),
}
OPEN = frozenset({QuestionStatus.NEW, QuestionStatus.ACCEPTED, QuestionStatus.ASSIGNED})
CLOSED = frozenset(
    {
        QuestionStatus.ANSWERED,
        QuestionStatus.REFUSED,
        QuestionStatus.MERGED,
        QuestionStatus.DECLINED,
    }
)


class LiveState(StrEnum):
    """A question sent during a briefing, as the moderator's screen shows it."""

    PENDING = "pending"
    ALLOWED = "allowed"
    CURRENT = "current"  # being answered now; the room's display shows it
    ANSWERED = "answered"
    DISMISSED = "dismissed"


LIVE_LABELS: dict[LiveState, str] = {
    LiveState.PENDING: N_("Waiting"),
    LiveState.ALLOWED: N_("Allowed"),
    LiveState.CURRENT: N_("Now"),
    LiveState.ANSWERED: N_("Answered"),
    LiveState.DISMISSED: N_("Dismissed"),
}


class AnswerKind(StrEnum):
    ANSWER = "answer"
    HOLDING = "holding"  # "we will reply by …": sets a new due date
    REFUSAL = "refusal"  # with a legal ground of the law of its date (app/law)


ANSWER_KIND_LABELS: dict[AnswerKind, str] = {
    AnswerKind.ANSWER: N_("Answer"),
    AnswerKind.HOLDING: N_("Holding answer"),
    AnswerKind.REFUSAL: N_("Refusal"),
}


class AnswerStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


_question_revision = Column("revision", Integer, nullable=False, default=0)
_answer_revision = Column("revision", Integer, nullable=False, default=0)


class Question(SQLModel, table=True):
    __tablename__ = "question"
    __table_args__ = (Index("ix_question_journalist_received", "journalist_id", "received_at"),)
    __mapper_args__ = {"version_id_col": _question_revision}

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=5000)
    topic: str = Field(default="", max_length=200)
    language: str = Field(default="vi", max_length=10)
    journalist_id: int | None = Field(default=None, foreign_key="app_user.id")
    asker_name: str = Field(default="", max_length=200)  # for someone without an account
    agency_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    agency_name: str = Field(default="", max_length=200)
    channel: Channel = Field(sa_type=EnumText(Channel))
    briefing_id: int | None = Field(default=None, foreign_key="briefing.id", index=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    incident: bool = False  # information about an incident: the 24-hour rule
    status: QuestionStatus = Field(
        default=QuestionStatus.NEW, sa_type=EnumText(QuestionStatus), index=True
    )
    status_reason: str = Field(default="", max_length=2000)  # why declined
    merged_into_id: int | None = Field(default=None, foreign_key="question.id")
    live_state: LiveState | None = Field(default=None, sa_type=EnumText(LiveState))
    live_position: int | None = None
    original_text: str = Field(default="", max_length=5000)  # before the moderator's edit
    lead_org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    due_basis: str = Field(default="", max_length=300)  # the rule that set the date
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # One record for a question sent twice: journalist + text + minute (unique).
    dedupe_key: str | None = Field(default=None, max_length=100, unique=True)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = Field(default=0, sa_column=_question_revision)


class QuestionSupport(SQLModel, table=True):
    """Organisations supporting the lead organisation on a question."""

    __tablename__ = "question_support"

    question_id: int = Field(foreign_key="question.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)


class QuestionTransfer(SQLModel, table=True):
    """A move of a question to another lead organisation (the due date does not change)."""

    __tablename__ = "question_transfer"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    from_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    to_org_id: int = Field(foreign_key="organisation.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    reason: str = Field(default="", max_length=1000)


class Answer(SQLModel, table=True):
    """A drafted answer, holding answer or refusal; shown to the journalist once approved."""

    __tablename__ = "answer"
    __mapper_args__ = {"version_id_col": _answer_revision}

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    kind: AnswerKind = Field(default=AnswerKind.ANSWER, sa_type=EnumText(AnswerKind))
    text: str = Field(default="", max_length=20000)
    refusal_ground: str = Field(default="", max_length=20)  # a ground code of the law of its date
    new_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # holding answers
    public: bool = False  # shown as Q&A on the briefing's page after approval
    status: AnswerStatus = Field(default=AnswerStatus.DRAFT, sa_type=EnumText(AnswerStatus))
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    drafted_by: int | None = Field(default=None, foreign_key="app_user.id")
    edited_by: int | None = Field(default=None, foreign_key="app_user.id")  # the last to edit
    # Sent for approval (by the department's "send", or saved by the office); None while the
    # department is still writing it: the approvers see and may approve only what was sent.
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = Field(default=0, sa_column=_answer_revision)


class AnswerFile(SQLModel, table=True):
    """A file attached to an answer (a report, a table, a photo), stored outside `static/` under a
    random name and only ever served as a download, to those who may read the answer."""

    __tablename__ = "answer_file"

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id", index=True)
    filename: str = Field(max_length=255)  # cleaned, as shown and downloaded
    stored_name: str = Field(max_length=64, unique=True)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuestionVote(SQLModel, table=True):
    """A verified journalist's up-vote of another journalist's question in a live briefing's
    queue: one per person and question (the unique constraint); taken back by deleting it."""

    __tablename__ = "question_vote"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id")  # leads the unique constraint's index
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
