"""Official statements (the forms of Decree 244/2026 Art. 5, earlier Decree 09/2017 Art. 4) and the
spokesperson register (Art. 3 of both).

A statement is a numbered document of one kind, issued in the name of a spokesperson of an
organisation. Its content lives in editions (learned from GOV.UK's publisher): the first edition
and every later change go draft → submitted → approved → scheduled or published; a published
edition is never edited again. Each edition carries its translations; a translation records the
edition it was made from, so a later major change marks it outdated.

Visibility is a matter of time, not of a background job: an edition is public from `publish_at`
until `superseded_at` (when the next edition becomes public). A scheduled edition therefore
appears on time everywhere, after a restart and with any number of workers.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import EnumText, UTCDateTime
from app.i18n import N_
from app.timeutil import utcnow


class StatementKind(StrEnum):
    PRESS_RELEASE = "press_release"  # thông cáo báo chí
    OFFICIAL_STATEMENT = "official_statement"  # nội dung phát ngôn
    WRITTEN_ANSWER = "written_answer"  # trả lời bằng văn bản
    CONFERENCE_CONCLUSION = "conference_conclusion"  # kết luận họp báo
    CORRECTION_REQUEST = "correction_request"  # đề nghị cải chính (Art. 4(6))


KIND_LABELS: dict[StatementKind, str] = {
    StatementKind.PRESS_RELEASE: N_("Press release"),
    StatementKind.OFFICIAL_STATEMENT: N_("Official statement"),
    StatementKind.WRITTEN_ANSWER: N_("Written answer to the press"),
    StatementKind.CONFERENCE_CONCLUSION: N_("Conclusion of a press conference"),
    StatementKind.CORRECTION_REQUEST: N_("Request to publish a reply or correction"),
}


class EditionState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # for review
    APPROVED = "approved"
    SCHEDULED = "scheduled"  # embargoed until publish_at
    PUBLISHED = "published"


STATE_LABELS: dict[EditionState, str] = {
    EditionState.DRAFT: N_("Draft"),
    EditionState.SUBMITTED: N_("Submitted for review"),
    EditionState.APPROVED: N_("Approved"),
    EditionState.SCHEDULED: N_("Scheduled"),
    EditionState.PUBLISHED: N_("Published"),
}

# States in which an edition's content may still change.
EDITABLE = frozenset({EditionState.DRAFT, EditionState.SUBMITTED})
# States of an edition that is (or will be, at publish_at) public.
ISSUED = frozenset({EditionState.SCHEDULED, EditionState.PUBLISHED})


class ChangeKind(StrEnum):
    FIRST = "first"  # the first edition
    MAJOR = "major"  # shown at the top of the page and in the feed; outdates translations
    MINOR = "minor"  # a typo: only in the history


class Compliance(StrEnum):
    """Whether the press agency published the reply or correction asked for."""

    PENDING = "pending"
    COMPLIED = "complied"
    NOT_COMPLIED = "not_complied"


COMPLIANCE_LABELS: dict[Compliance, str] = {
    Compliance.PENDING: N_("Waiting for the press agency"),
    Compliance.COMPLIED: N_("Published by the press agency"),
    Compliance.NOT_COMPLIED: N_("Not published by the press agency"),
}


class SpokespersonRole(StrEnum):
    HEAD = "head"  # the head of the organisation
    SPOKESPERSON = "spokesperson"  # người phát ngôn
    AUTHORISED = "authorised"  # người được ủy quyền phát ngôn: a stated matter and period


SPOKESPERSON_ROLE_LABELS: dict[SpokespersonRole, str] = {
    SpokespersonRole.HEAD: N_("Head of the organisation"),
    SpokespersonRole.SPOKESPERSON: N_("Spokesperson"),
    SpokespersonRole.AUTHORISED: N_("Authorised to speak"),
}


_statement_revision = Column("revision", Integer, nullable=False, default=0)
_edition_revision = Column("revision", Integer, nullable=False, default=0)


class Spokesperson(SQLModel, table=True):
    """Someone who may speak for an organisation, from `valid_from` to `valid_to` (inclusive).
    A regular spokesperson is assigned by the head's decision (number and date; the date is
    required where the rule set of `valid_from` sets a posting time limit); an authorisation
    states its matter, its end and the head who signed it (`authorised_by_id`). `posted_at` is
    when the entry went on the public list (the portal's list of spokespersons)."""

    __tablename__ = "spokesperson"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: SpokespersonRole = Field(sa_type=EnumText(SpokespersonRole))
    full_name: str = Field(max_length=200)
    title: str = Field(max_length=300)  # chức vụ
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    matter: str = Field(default="", max_length=1000)  # for an authorisation
    valid_from: date
    valid_to: date | None = None
    document_filename: str = Field(default="", max_length=255)
    document_stored_name: str | None = Field(default=None, max_length=64, unique=True)
    document_content_type: str = Field(default="", max_length=100)
    document_size: int = 0
    user_id: int | None = Field(default=None, foreign_key="app_user.id")  # the account, if any
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_reason: str = Field(default="", max_length=500)
    decision_number: str = Field(default="", max_length=100)  # số quyết định
    decision_date: date | None = None
    authorised_by_id: int | None = Field(default=None, foreign_key="spokesperson.id")
    posted_at: datetime | None = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatementApprover(SQLModel, table=True):
    """A press-office editor given the right to approve statements (the spokesperson has it)."""

    __tablename__ = "statement_approver"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    granted_by: int | None = Field(default=None, foreign_key="app_user.id")
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatementLanguage(SQLModel, table=True):
    """A language statements are translated into (Vietnamese is the source), set by the admin."""

    __tablename__ = "statement_language"

    code: str = Field(primary_key=True, max_length=10)  # BCP 47: en, zh, fr, ja, ko…
    name: str = Field(max_length=100)  # in the language itself
    name_vi: str = Field(max_length=100)
    enabled: bool = True
    position: int = 0


class Topic(SQLModel, table=True):
    __tablename__ = "topic"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)  # used in addresses: /statements?topic=du-lich
    name_vi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    position: int = 0

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi


class StatementCounter(SQLModel, table=True):
    """The last number given in a kind's yearly series."""

    __tablename__ = "statement_counter"

    kind: StatementKind = Field(sa_type=EnumText(StatementKind), primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class PublicGeneration(SQLModel, table=True):
    """One row counting the commits that changed public pages: every worker of every host
    compares it with the count its cached pages were rendered at (see `statements.cache`)."""

    __tablename__ = "public_generation"

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_type=BigInteger)


class Statement(SQLModel, table=True):
    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("kind", "year", "seq"),)
    __mapper_args__ = {"version_id_col": _statement_revision}

    id: int | None = Field(default=None, primary_key=True)
    kind: StatementKind = Field(sa_type=EnumText(StatementKind), index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)  # issuing body
    spokesperson_id: int | None = Field(default=None, foreign_key="spokesperson.id")
    briefing_id: int | None = Field(default=None, foreign_key="briefing.id", index=True)
    # The number in the kind's yearly series, given when first issued: "15/TCBC-UBND".
    year: int | None = None
    seq: int | None = None
    number: str | None = Field(default=None, max_length=60, index=True)  # repeats across years
    # When the first edition is (or will be) public; the date of issue.
    first_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_by: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawn_reason: str = Field(default="", max_length=2000)
    # A request to a press agency to publish a reply or correction (Art. 4(6)).
    target_agency_id: int | None = Field(default=None, foreign_key="organisation.id")
    target_agency_name: str = Field(default="", max_length=200)
    article_title: str = Field(default="", max_length=500)
    article_url: str = Field(default="", max_length=1000)
    compliance: Compliance | None = Field(default=None, sa_type=EnumText(Compliance))
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Indexed: the office's list shows the last changed first, a page at a time.
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    revision: int = Field(default=0, sa_column=_statement_revision)


class StatementTopic(SQLModel, table=True):
    __tablename__ = "statement_topic"

    statement_id: int = Field(foreign_key="statement.id", primary_key=True)
    topic_id: int = Field(foreign_key="topic.id", primary_key=True, index=True)


class StatementOrganisation(SQLModel, table=True):
    """Organisations the statement concerns (besides the issuing one)."""

    __tablename__ = "statement_organisation"

    statement_id: int = Field(foreign_key="statement.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)


class StatementQuestion(SQLModel, table=True):
    """Journalists' questions the statement answers."""

    __tablename__ = "statement_question"

    statement_id: int = Field(foreign_key="statement.id", primary_key=True)
    question_id: int = Field(foreign_key="question.id", primary_key=True)


class Edition(SQLModel, table=True):
    """One version of a statement's Vietnamese content. Never changed once scheduled or
    published: a change makes the next edition, with a change note."""

    __tablename__ = "statement_edition"
    __table_args__ = (
        UniqueConstraint("statement_id", "number"),
        Index("ix_statement_edition_public", "state", "publish_at", "superseded_at"),
    )
    __mapper_args__ = {"version_id_col": _edition_revision}

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    number: int = 1
    state: EditionState = Field(default=EditionState.DRAFT, sa_type=EnumText(EditionState))
    title: str = Field(max_length=300)
    summary: str = Field(default="", max_length=1000)
    body: str = Field(default="", max_length=100_000)  # Markdown
    change_kind: ChangeKind = Field(default=ChangeKind.FIRST, sa_type=EnumText(ChangeKind))
    change_note: str = Field(default="", max_length=1000)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    edited_by: int | None = Field(default=None, foreign_key="app_user.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    publish_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Briefing, topics, organisations, questions and correction facts changed by a later
    # edition: applied to the statement when the edition is issued (None: unchanged).
    pending_links: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # Title, summary, body, number and translations folded for search (see statements.search).
    search_text: str = Field(default="", max_length=400_000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revision: int = Field(default=0, sa_column=_edition_revision)


class EditionTranslation(SQLModel, table=True):
    """A translation carried by an edition. `source_number` is the edition it was made from: a
    major edition after it marks the translation outdated until someone updates it."""

    __tablename__ = "statement_translation"
    __table_args__ = (UniqueConstraint("edition_id", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="statement_edition.id", index=True)
    language: str = Field(foreign_key="statement_language.code", max_length=10)
    title: str = Field(max_length=300)
    summary: str = Field(default="", max_length=1000)
    body: str = Field(default="", max_length=100_000)
    source_number: int
    translated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatementFile(SQLModel, table=True):
    """A file of a statement; editions list the files they carry (edition_file)."""

    __tablename__ = "statement_file"

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    filename: str = Field(max_length=255)
    stored_name: str = Field(max_length=64, unique=True)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EditionFile(SQLModel, table=True):
    __tablename__ = "edition_file"

    edition_id: int = Field(foreign_key="statement_edition.id", primary_key=True)
    file_id: int = Field(foreign_key="statement_file.id", primary_key=True)


class PreviewAudience(StrEnum):
    """Who an embargoed preview is shared with."""

    ALL = "all"  # every verified journalist
    AGENCIES = "agencies"  # the verified journalists of chosen press agencies


PREVIEW_AUDIENCE_LABELS: dict[PreviewAudience, str] = {
    PreviewAudience.ALL: N_("All verified journalists"),
    PreviewAudience.AGENCIES: N_("The journalists of chosen press agencies"),
}


class StatementPreview(SQLModel, table=True):
    """A statement under embargo shared with verified journalists before its time (as press
    offices do for big announcements): one row per statement, sharing again changes its audience.
    It is seen only at `/preview/statements/<id>`, never on a public channel, and only while the
    first edition is scheduled and its time has not come (see `service.preview`)."""

    __tablename__ = "statement_preview"

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", unique=True)
    audience: PreviewAudience = Field(sa_type=EnumText(PreviewAudience, 16))
    shared_by: int | None = Field(default=None, foreign_key="app_user.id")
    shared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by: int | None = Field(default=None, foreign_key="app_user.id")


class StatementPreviewAgency(SQLModel, table=True):
    """A press agency whose verified journalists see a preview shared with chosen agencies."""

    __tablename__ = "statement_preview_agency"

    preview_id: int = Field(foreign_key="statement_preview.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)
