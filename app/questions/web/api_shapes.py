"""The shapes of the questions API (requests and answers) and how records are turned into them.

Datetimes are ISO 8601 in UTC; dates (`due_on`, `new_due_on`) are local calendar days. A journalist
never sees who in the office drafted and approved a reply, nor transfers. The steps offered on a
question come from `service.offered` (the table in `states`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import Request
from sqlmodel import Field, Session, SQLModel

from app.access import Identity
from app.accounts.models import Role, UserStatus
from app.error_pages import api_locale
from app.forms import Day, Int, Moment, SafeLine, SafeName, SafeText
from app.i18n import N_, gettext
from app.orgs import service as orgs
from app.orgs.models import MediaKind, MediaScope
from app.questions import deadlines, service
from app.questions.deadlines import load_rules
from app.questions.models import (
    OPEN,
    Answer,
    AnswerFile,
    AnswerKind,
    AnswerStatus,
    Channel,
    LiveState,
    Question,
    QuestionStatus,
    QuestionTransfer,
)
from app.questions.service.answering import MAX_ANSWER
from app.questions.service.common import MAX_TEXT
from app.questions.states import Step
from app.timeutil import utcnow

# Which rule set a due date, besides the service levels of data/rules.toml (as on the pages).
BASIS_LABELS: dict[str, str] = {
    "office": N_("Date set by the press office"),
    "holding": N_("New date promised in a holding answer"),
}


# --- Shapes ------------------------------------------------------------------------------------


class AgencyPublic(SQLModel):
    """A press agency of the registry, with the name it has today."""

    id: int
    code: str
    name_vi: str
    name_en: str
    media_kind: MediaKind | None
    media_scope: MediaScope | None
    valid_from: date
    valid_to: date | None


class AgencyCreate(SQLModel):
    """A new press agency, existing from `valid_from` (default today)."""

    code: SafeLine = Field(max_length=32)
    name_vi: SafeName = Field(max_length=255)
    name_en: SafeName = Field(max_length=255)
    media_kind: MediaKind
    media_scope: MediaScope
    valid_from: Day | None = None


class AgencyUpdate(SQLModel):
    """Only the fields sent change. A changed name takes effect today, so older records keep the
    name they had. An agency without a kind of media and scope must be given both."""

    code: SafeLine | None = Field(default=None, max_length=32)
    name_vi: SafeName | None = Field(default=None, max_length=255)
    name_en: SafeName | None = Field(default=None, max_length=255)
    media_kind: MediaKind | None = None
    media_scope: MediaScope | None = None


class JournalistPublic(SQLModel):
    id: int
    full_name: str
    email: str
    agency_id: int | None
    press_card_number: str | None
    status: UserStatus
    status_reason: str | None  # why the press office rejected them
    registered_at: datetime
    agency_name_given: str | None = None  # an agency not listed, until the office matches it
    press_card_expires_on: date | None = None


class RejectRequest(SQLModel):
    """The reason is shown to the journalist, so they know what to correct (required)."""

    reason: SafeText = Field(default="", max_length=500)


class OrgRef(SQLModel):
    id: int
    code: str
    name_vi: str
    name_en: str


class TransferPublic(SQLModel):
    id: int
    from_org_id: int | None
    to_org_id: int
    at: datetime
    by_user_id: int | None
    reason: str


class AnswerFilePublic(SQLModel):
    """A file of an answer; `url` downloads it (never shown inline)."""

    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class AnswerPublic(SQLModel):
    """An answer, holding answer (with the date promised) or refusal (with its legal ground).
    `revision` is what `PUT …/answer` and the approval send back."""

    id: int
    question_id: int
    kind: AnswerKind
    status: AnswerStatus
    text: str
    refusal_ground: str
    refusal_ground_label: str
    refusal_citation: str
    new_due_at: datetime | None
    public: bool
    organisation_id: int | None
    drafted_by: int | None  # None for journalists
    edited_by: int | None
    approved_by: int | None
    approved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    revision: int
    files: list[AnswerFilePublic] = []


class QuestionPublic(SQLModel):
    """A question as lists show it. `due_basis` names the rule that set `due_at`: a service
    level's code, `office` (set by the press office) or `holding` (a holding answer's date);
    `due_basis_label` says it in the language asked for (Accept-Language)."""

    id: int
    text: str
    original_text: str  # as sent, when the moderator edited the wording
    topic: str
    language: str
    channel: Channel
    status: QuestionStatus
    status_reason: str  # why it was declined
    incident: bool
    briefing_id: int | None
    journalist_id: int | None
    asker_name: str
    agency_id: int | None
    agency_name: str
    received_at: datetime
    lead_org_id: int | None
    due_at: datetime | None
    due_basis: str
    due_basis_label: str
    overdue: bool
    answered_at: datetime | None
    merged_into_id: int | None
    live_state: LiveState | None
    updated_at: datetime
    revision: int


class QuestionDetail(QuestionPublic):
    """One question with its routing and replies. A journalist sees approved replies only and no
    transfers; `steps` lists the triage steps the office may take now (empty for others)."""

    lead_org: OrgRef | None
    supporting_orgs: list[OrgRef]
    transfers: list[TransferPublic]
    answers: list[AnswerPublic]
    steps: list[Step]


class QuestionAsk(SQLModel):
    """A verified journalist's question; with `briefing_id`, one sent before that briefing (or
    from the room while it is being held). `language` is a code such as vi, en, zh, fr, ja, ko."""

    text: SafeText = Field(schema_extra={"json_schema_extra": {"maxLength": MAX_TEXT}})
    topic: SafeLine = Field(default="", max_length=200)
    language: SafeLine = Field(default="vi", max_length=10)
    briefing_id: Int | None = None


class QuestionRecord(SQLModel):
    """A question the office records: asked in the room, by phone, e-mail or in writing, by
    someone with or without an account. `received_at` (default now) needs a time zone offset."""

    text: SafeText = Field(schema_extra={"json_schema_extra": {"maxLength": MAX_TEXT}})
    topic: SafeLine = Field(default="", max_length=200)
    language: SafeLine = Field(default="vi", max_length=10)
    channel: Channel | None = None
    briefing_id: Int | None = None
    asker_name: SafeLine = Field(default="", max_length=200)
    agency_id: Int | None = None
    agency_name: SafeLine = Field(default="", max_length=200)
    received_at: Moment | None = None
    incident: bool = False


class StepRequest(SQLModel):
    """The fields of each step: accept (`incident`: true puts it on the 24-hour rule), merge
    (`into_id`), decline (`reason`, required), assign (`lead_org_id`, `support_ids`, `due_on`: a
    local day instead of the rule's date), transfer (`to_org_id`, `reason`; the due date stays).
    `revision`, if sent, must be the question's current one."""

    revision: Int | None = None
    incident: bool | None = None
    into_id: Int | None = None
    reason: SafeText = Field(default="", max_length=2000)
    lead_org_id: Int | None = None
    support_ids: list[Int] = Field(default_factory=list)
    due_on: Day | None = None
    to_org_id: Int | None = None


class AnswerDraft(SQLModel):
    """The draft as it should be saved. `revision` is the draft's (0 when there is none yet); a
    draft saved by someone else in the meantime is refused (409). A holding answer gives
    `new_due_on` (a local day after today); a refusal gives `refusal_ground` (see
    /api/v1/refusal-grounds) and is never public."""

    revision: Int
    kind: AnswerKind = AnswerKind.ANSWER
    text: SafeText = Field(default="", max_length=MAX_ANSWER)
    refusal_ground: SafeLine = Field(default="", max_length=64)
    new_due_on: Day | None = None
    public: bool = False


class ApproveRequest(SQLModel):
    """`revision`, if sent, must be the draft's current one."""

    revision: Int | None = None


class RefusalGroundPublic(SQLModel):
    code: str
    label: str  # in the language asked for
    label_vi: str
    label_en: str
    citation: str
    ruleset: str  # the legal rule set these grounds belong to (app/law)


class ServiceLevelPublic(SQLModel):
    code: str
    label: str  # in the language asked for
    label_vi: str
    label_en: str
    source: str  # where the rule comes from
    working_days: int | None
    hours: int | None


# --- Shaping -----------------------------------------------------------------------------------


def utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


def is_journalist(identity: Identity) -> bool:
    return identity.actor.role == Role.JOURNALIST.value


def basis_label(code: str, locale: str) -> str:
    """What set a question's due date, in `locale`."""
    if code in BASIS_LABELS:
        return gettext(locale, BASIS_LABELS[code])
    level = load_rules().levels.get(code)
    return level.label(locale) if level else ""


def question_fields(q: Question, locale: str, now: datetime) -> dict[str, object]:
    return {
        **q.model_dump(exclude={"dedupe_key", "recorded_by", "live_position"}),
        "received_at": utc(q.received_at),
        "due_at": utc(q.due_at),
        "answered_at": utc(q.answered_at),
        "updated_at": utc(q.updated_at),
        "due_basis_label": basis_label(q.due_basis, locale),
        "overdue": q.status in OPEN and q.due_at is not None and q.due_at < now,
    }


def question_out(request: Request, q: Question) -> QuestionPublic:
    return QuestionPublic.model_validate(question_fields(q, api_locale(request), utcnow()))


def answer_out(
    a: Answer, locale: str, *, staff: bool, files: list[AnswerFile] | None = None
) -> AnswerPublic:
    ground = deadlines.ground_of(a.refusal_ground, a.approved_at)
    return AnswerPublic.model_validate(
        {
            **a.model_dump(),
            "files": [
                {**f.model_dump(), "url": f"/questions/{a.question_id}/files/{f.id}"}
                for f in files or []
            ],
            "refusal_ground_label": ground.label(locale) if ground else "",
            "refusal_citation": ground.citation(locale) if ground else "",
            "new_due_at": utc(a.new_due_at),
            "drafted_by": a.drafted_by if staff else None,
            "edited_by": a.edited_by if staff else None,
            "approved_by": a.approved_by if staff else None,
            "approved_at": utc(a.approved_at),
            "created_at": utc(a.created_at),
            "updated_at": utc(a.updated_at),
        }
    )


def org_ref(session: Session, org_id: int) -> OrgRef:
    view = orgs.get(session, org_id)
    return OrgRef(id=view.id, code=view.code, name_vi=view.name_vi, name_en=view.name_en)


def transfer_out(t: QuestionTransfer) -> TransferPublic:
    return TransferPublic.model_validate({**t.model_dump(), "at": utc(t.at)})


def detail(request: Request, session: Session, identity: Identity, q: Question) -> QuestionDetail:
    assert q.id is not None
    locale = api_locale(request)
    staff = not is_journalist(identity)
    replies = service.answers(session, q.id, actor=identity.actor)
    files = service.answer_files(session, [a.id for a in replies if a.id is not None])
    moves = service.transfers(session, q.id) if staff else []
    return QuestionDetail.model_validate(
        {
            **question_fields(q, locale, utcnow()),
            "lead_org": org_ref(session, q.lead_org_id) if q.lead_org_id else None,
            "supporting_orgs": [org_ref(session, i) for i in service.supporting(session, q.id)],
            "transfers": [transfer_out(t) for t in moves],
            "answers": [
                answer_out(a, locale, staff=staff, files=files.get(a.id or 0)) for a in replies
            ],
            "steps": service.offered(identity.actor, q),
        }
    )
