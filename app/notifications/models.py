"""Notices (in-app), each user's choice per kind of notice, the e-mail outbox, and the public's
e-mail subscriptions to statements."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.i18n import N_
from app.timeutil import utcnow


class NoticeKind(StrEnum):
    """What a notice is about. Its text, link and who receives it are decided in `kinds.py`."""

    CALL_OPENED = "call_opened"  # a call for content opened for your organisation
    CALL_REMINDER = "call_reminder"  # its deadline is near and you have not submitted
    SUBMISSION_RETURNED = "submission_returned"
    SUBMISSION_ACCEPTED = "submission_accepted"
    QUESTION_ASSIGNED = "question_assigned"  # assigned or transferred to your organisation
    QUESTION_DUE_SOON = "question_due_soon"
    QUESTION_OVERDUE = "question_overdue"
    QUESTION_ANSWERED = "question_answered"  # your question: answered, held, refused or merged
    BRIEFING_CHANGED = "briefing_changed"  # invited or registered: changed, postponed, cancelled
    STATEMENT_PUBLISHED = "statement_published"  # a statement you follow: published or corrected
    MATTER_OPENED = "matter_opened"  # a sudden matter with a time limit: the office is told
    MATTER_DUE_SOON = "matter_due_soon"  # 6 hours left and no information given yet
    MATTER_LATE = "matter_late"  # its time limit passed without information
    QUESTION_RECEIVED = "question_received"  # the office: a question to triage
    CONTENT_SUBMITTED = "content_submitted"  # the office: a department sent its content
    ANSWER_DRAFTED = "answer_drafted"  # approvers: a drafted answer awaits approval
    STATEMENT_SUBMITTED = "statement_submitted"  # approvers: an edition awaits approval
    STATEMENT_RETURNED = "statement_returned"  # its writers: an edition sent back to draft
    OFFICE_REMINDER = "office_reminder"  # a department: the office reminds it of its work
    CONTENT_LATE = "content_late"  # the office: a call's deadline passed with content missing
    PRESS_ITEM_ASSIGNED = "press_item_assigned"  # a department: verify a press item by a time
    PRESS_ITEM_ANSWERED = "press_item_answered"  # the office: a department answered about an item
    ATTENDANCE_CONFIRMED = "attendance_confirmed"  # a journalist registered to attend (or changed)
    ATTENDANCE_REFUSED = "attendance_refused"  # the office refused their registration
    PREVIEW_SHARED = "preview_shared"  # a statement shared with you under embargo
    JOURNALIST_VERIFIED = "journalist_verified"  # the office verified a journalist's account
    JOURNALIST_REJECTED = "journalist_rejected"  # the office rejected it, with the reason
    PRESS_CARD_EXPIRING = "press_card_expiring"  # a month before the press card's expiry
    PRESS_CARD_EXPIRED = "press_card_expired"  # expired: the account awaits verification again


class Delivery(StrEnum):
    IN_APP = "in_app"  # the bell only
    EMAIL = "email"  # the bell and an e-mail at once
    DIGEST = "digest"  # the bell and one e-mail a day with all of them


DELIVERY_LABELS = {
    Delivery.IN_APP: N_("In the app only"),
    Delivery.EMAIL: N_("E-mail at once"),
    Delivery.DIGEST: N_("One e-mail a day (digest)"),
}


class Notice(SQLModel, table=True):
    """One notice to one person. The text is made when shown, in the reader's language, from the
    kind and `params`; `dedupe_key` makes a reminder or a repeated event a single notice."""

    __tablename__ = "notice"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    kind: NoticeKind = Field(sa_type=EnumText(NoticeKind, 40))
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    link: str = Field(max_length=500)  # an address inside the site, starting with "/"
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mailed_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime
    )  # e-mailed (alone or in a digest)


class NoticePreference(SQLModel, table=True):
    """A user's choice for one kind of notice (absent: the kind's default)."""

    __tablename__ = "notice_preference"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    kind: NoticeKind = Field(sa_type=EnumText(NoticeKind, 40), primary_key=True)
    delivery: Delivery = Field(sa_type=EnumText(Delivery, 16))


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender (a lease: taken back after `claimed_at` + lease)
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt, or refused by the server for good


class OutboxMessage(SQLModel, table=True):
    """An e-mail written in the same transaction as the change that caused it; a sender delivers
    it later, with retries, so that a mail server that is down loses nothing."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254)
    language: str = Field(default="vi", max_length=10)
    subject: str = Field(max_length=300)
    text_body: str = Field(max_length=200_000)
    html_body: str = Field(max_length=400_000)
    unsubscribe_url: str = Field(default="", max_length=500)  # List-Unsubscribe (RFC 8058)
    message_id: str = Field(max_length=200, unique=True)  # the same on every attempt
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING, sa_type=EnumText(OutboxStatus, 16), index=True
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Subscription(SQLModel, table=True):
    """Statements by e-mail for anyone (journalists and the public): what to receive, in which
    language, at once or in a daily digest. Confirmed by a link (double opt-in); every message
    carries a one-click unsubscribe link. Only the SHA-256 of the token is kept."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("email", "token_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    language: str = Field(default="vi", max_length=10)  # of the messages, and of the statements
    kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    organisations: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    digest: bool = False
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_digest_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Announcement(SQLModel, table=True):
    """An edition (first or major) told to its subscribers: written once, by whichever sender
    sees it visible first, so that nobody is told twice."""

    __tablename__ = "statement_announcement"

    edition_id: int = Field(foreign_key="statement_edition.id", primary_key=True)
    announced_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
