"""The JSON shapes of the statements API (`api`): what the public reads, what the office works
on, and what it sends."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.forms import Int, Moment, SafeLine, SafeText
from app.statements import states
from app.statements.models import (
    ChangeKind,
    Compliance,
    EditionState,
    SpokespersonRole,
    StatementKind,
)
from app.statements.service.common import MAX_BODY, MAX_SUMMARY, MAX_TITLE


class OrgRef(SQLModel):
    """An organisation with the name it had on the date of issue (today for drafts)."""

    id: int
    code: str
    name_vi: str
    name_en: str


class TopicRef(SQLModel):
    code: str
    name: str  # in the language asked for
    name_vi: str
    name_en: str


class SpokespersonRef(SQLModel):
    """The person in whose name the statement is issued."""

    id: int
    full_name: str
    title: str
    role: SpokespersonRole
    role_label: str


class TranslationRef(SQLModel):
    """A translation of the edition; `outdated` when a major edition came after it."""

    language: str
    title: str
    outdated: bool


class FilePublic(SQLModel):
    """A file of the edition; `url` downloads it (never shown inline)."""

    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class ChangeNote(SQLModel):
    edition: int
    change_kind: ChangeKind
    note: str
    published_at: datetime


class StatementSummary(SQLModel):
    """A published statement as lists show it, in `language` (Vietnamese unless a translation
    was asked for with `lang`)."""

    id: int
    number: str | None
    kind: StatementKind
    kind_label: str
    organisation: OrgRef | None
    language: str
    title: str
    summary: str
    outdated: bool  # the translation shown predates a major edition
    topics: list[str]  # topic codes
    languages: list[str]  # the translations the visible edition carries
    edition: int
    first_published_at: datetime
    updated_at: datetime  # when the visible edition was published
    withdrawn: bool
    withdrawn_at: datetime | None
    withdrawn_reason: str
    url: str


class StatementDetail(StatementSummary):
    """One published statement: the visible edition with its history of changes, translations and
    files. A request to publish a reply or correction names the press agency and the article."""

    spokesperson: SpokespersonRef | None
    body: str  # Markdown, as written
    body_html: str  # rendered and sanitised
    topic_refs: list[TopicRef]
    briefing_id: int | None
    change_notes: list[ChangeNote]  # visible editions, newest first
    translations: list[TranslationRef]
    files: list[FilePublic]
    target_agency_name: str
    article_title: str
    article_url: str
    compliance: Compliance | None


class TranslationDraft(SQLModel):
    language: str
    title: str
    summary: str
    body: str
    source_number: int  # the edition it was made from
    outdated: bool
    translated_by: int | None
    updated_at: datetime


class StatementDraft(SQLModel):
    """A statement as the office works on it, with one of its editions (the one being prepared,
    or the one the last action concerned). `revision` is the edition's: send it back to change it.
    `steps` are the workflow steps the edition's state allows now."""

    id: int
    number: str | None
    kind: StatementKind
    organisation_id: int
    spokesperson_id: int | None
    briefing_id: int | None
    topic_ids: list[int]
    related_org_ids: list[int]
    question_ids: list[int]
    target_agency_id: int | None
    target_agency_name: str
    article_title: str
    article_url: str
    compliance: Compliance | None
    first_published_at: datetime | None
    withdrawn_at: datetime | None
    withdrawn_reason: str
    edition: int
    state: EditionState
    state_label: str
    title: str
    summary: str
    body: str
    body_html: str
    change_kind: ChangeKind
    change_note: str
    created_by: int | None
    edited_by: int | None
    submitted_at: datetime | None
    approved_by: int | None
    approved_at: datetime | None
    publish_at: datetime | None
    revision: int
    translations: list[TranslationDraft]
    files: list[FilePublic]
    steps: list[states.Step]


class StatementCreate(SQLModel):
    """A new statement (its first edition, in draft). Missing or invalid values are 422 with the
    field's message in `errors`. A request to publish a reply or correction
    (`correction_request`) names the press agency (`target_agency_id` from the registry, or
    `target_agency_name`) and the article."""

    kind: StatementKind | None = None
    organisation_id: Int | None = None
    spokesperson_id: Int | None = None
    title: SafeLine = Field(default="", max_length=MAX_TITLE)
    summary: SafeText = Field(default="", max_length=MAX_SUMMARY)
    body: SafeText = Field(default="", max_length=MAX_BODY)  # Markdown
    briefing_id: Int | None = None
    topic_ids: list[Int] = Field(default_factory=list)
    related_org_ids: list[Int] = Field(default_factory=list)
    question_ids: list[Int] = Field(default_factory=list)
    target_agency_id: Int | None = None
    target_agency_name: SafeLine = Field(default="", max_length=200)
    article_title: SafeLine = Field(default="", max_length=500)
    article_url: SafeLine = Field(default="", max_length=1000)
    compliance: Compliance | None = None


class DraftUpdate(StatementCreate):
    """The edition being prepared as it should be saved (every field: what is left out is
    emptied). `revision` is the edition's current one (409 if someone saved meanwhile). A later
    edition keeps the statement's kind, organisation and spokesperson, and needs `change_kind`
    (major or minor) and a `change_note` for readers."""

    revision: Int
    change_kind: ChangeKind | None = None
    change_note: SafeText = Field(default="", max_length=1000)


class TranslationUpdate(SQLModel):
    """The translation carried by the edition being prepared (it is then made from it)."""

    title: SafeLine = Field(default="", max_length=MAX_TITLE)
    summary: SafeText = Field(default="", max_length=MAX_SUMMARY)
    body: SafeText = Field(default="", max_length=MAX_BODY)


class ActionRequest(SQLModel):
    """`revision`, if sent, must be the edition's current one. publish: `publish_at` (with a time
    zone offset, in the future) schedules the edition under embargo instead of publishing it now.
    withdraw: `reason` (required, shown to readers)."""

    revision: Int | None = None
    publish_at: Moment | None = None
    reason: SafeText = Field(default="", max_length=2000)
