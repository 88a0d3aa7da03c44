"""JSON API for journalists' questions and what surrounds them: the press-agency registry, the
journalists the press office verifies, the questions (asking, recording, triage, routing, answers
and their approval), and the rules held as data (refusal grounds, service levels).

Who sees what is decided by `questions.service`, as on the pages: the office sees every question,
a department those its organisation leads or supports, a journalist their own; anything else is
404, so other people's ids reveal nothing. A step the question's status does not allow, or a
stale `revision`, is 409. A journalist never sees drafts, transfers or who in the office drafted
and approved a reply. Texts are returned as stored: escaping them is the job of whoever renders
them. Datetimes are ISO 8601 in UTC; dates (`due_on`, `new_due_on`) are local calendar days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime
from sqlmodel import Field, Session, SQLModel, col, select

from app.access import ActiveUser, Identity, JournalistOnly, OfficeOnly, Public, StaffOnly
from app.accounts import service as accounts
from app.accounts.models import Role, User, UserStatus
from app.db import SessionDep
from app.error_pages import api_locale
from app.errors import NotFound, ValidationFailed
from app.i18n import N_, gettext
from app.law.rulesets import NoRuleSet, ruleset_on
from app.orgs import service as orgs
from app.orgs.models import MediaKind, MediaScope, Organisation, OrgKind
from app.questions import deadlines, service, states
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
from app.questions.states import Step
from app.timeutil import local_today, utcnow

router = APIRouter(prefix="/api/v1")
AGENCIES = "/press-agencies"
JOURNALISTS = "/journalists"
QUESTIONS = "/questions"
AGENCY_TAGS: list[str | Enum] = ["press agencies"]
JOURNALIST_TAGS: list[str | Enum] = ["journalists"]
QUESTION_TAGS: list[str | Enum] = ["questions"]
RULE_TAGS: list[str | Enum] = ["question rules"]

# Which rule set a due date, besides the service levels of data/rules.toml (as on the pages).
BASIS_LABELS: dict[str, str] = {
    "office": N_("Date set by the press office"),
    "holding": N_("New date promised in a holding answer"),
}
# The steps taken with POST …/steps/{step}; answering and refusing happen by approving a draft.
TRIAGE = (Step.ACCEPT, Step.MERGE, Step.DECLINE, Step.ASSIGN, Step.TRANSFER)
StepName = Literal["accept", "merge", "decline", "assign", "transfer"]
JOURNALIST_ORDER = {
    UserStatus.PENDING: 0,
    UserStatus.REJECTED: 1,
    UserStatus.ACTIVE: 2,
    UserStatus.DISABLED: 3,
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

    code: str
    name_vi: str
    name_en: str
    media_kind: MediaKind
    media_scope: MediaScope
    valid_from: date | None = None


class AgencyUpdate(SQLModel):
    """Only the fields sent change. A changed name takes effect today, so older records keep the
    name they had. An agency without a kind of media and scope must be given both."""

    code: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
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


class RejectRequest(SQLModel):
    """The reason is shown to the journalist, so they know what to correct (required)."""

    reason: str = ""


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

    text: str
    topic: str = ""
    language: str = "vi"
    briefing_id: int | None = None


class QuestionRecord(SQLModel):
    """A question the office records: asked in the room, by phone, e-mail or in writing, by
    someone with or without an account. `received_at` (default now) needs a time zone offset."""

    text: str
    topic: str = ""
    language: str = "vi"
    channel: Channel | None = None
    briefing_id: int | None = None
    asker_name: str = ""
    agency_id: int | None = None
    agency_name: str = ""
    received_at: AwareDatetime | None = None
    incident: bool = False


class StepRequest(SQLModel):
    """The fields of each step: accept (`incident`: true puts it on the 24-hour rule), merge
    (`into_id`), decline (`reason`, required), assign (`lead_org_id`, `support_ids`, `due_on`: a
    local day instead of the rule's date), transfer (`to_org_id`, `reason`; the due date stays).
    `revision`, if sent, must be the question's current one."""

    revision: int | None = None
    incident: bool | None = None
    into_id: int | None = None
    reason: str = ""
    lead_org_id: int | None = None
    support_ids: list[int] = Field(default_factory=list)
    due_on: date | None = None
    to_org_id: int | None = None


class AnswerDraft(SQLModel):
    """The draft as it should be saved. `revision` is the draft's (0 when there is none yet); a
    draft saved by someone else in the meantime is refused (409). A holding answer gives
    `new_due_on` (a local day after today); a refusal gives `refusal_ground` (see
    /api/v1/refusal-grounds) and is never public."""

    revision: int
    kind: AnswerKind = AnswerKind.ANSWER
    text: str = ""
    refusal_ground: str = ""
    new_due_on: date | None = None
    public: bool = False


class ApproveRequest(SQLModel):
    """`revision`, if sent, must be the draft's current one."""

    revision: int | None = None


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


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


def _agency(session: Session, agency_id: int) -> Organisation:
    org = session.get(Organisation, agency_id)
    if org is None or org.kind != OrgKind.PRESS_AGENCY:
        raise NotFound()
    return org


def _agency_out(session: Session, org: Organisation) -> AgencyPublic:
    assert org.id is not None
    view = orgs.get(session, org.id)
    return AgencyPublic(
        id=org.id,
        code=org.code,
        name_vi=view.name_vi,
        name_en=view.name_en,
        media_kind=org.media_kind,
        media_scope=org.media_scope,
        valid_from=org.valid_from,
        valid_to=org.valid_to,
    )


def _journalist(session: Session, user_id: int) -> User:
    user = accounts.get_user(session, user_id)
    if user.role != Role.JOURNALIST:
        raise NotFound()
    return user


def _journalist_out(user: User) -> JournalistPublic:
    assert user.id is not None
    return JournalistPublic(
        id=user.id,
        full_name=user.full_name,
        email=user.email,
        agency_id=user.organisation_id,
        press_card_number=user.press_card_number,
        status=user.status,
        status_reason=user.status_reason,
        registered_at=user.created_at.astimezone(UTC),
    )


def _is_journalist(identity: Identity) -> bool:
    return identity.actor.role == Role.JOURNALIST.value


def basis_label(code: str, locale: str) -> str:
    """What set a question's due date, in `locale`."""
    if code in BASIS_LABELS:
        return gettext(locale, BASIS_LABELS[code])
    level = load_rules().levels.get(code)
    return level.label(locale) if level else ""


def _question_fields(q: Question, locale: str, now: datetime) -> dict[str, object]:
    return {
        **q.model_dump(exclude={"dedupe_key", "recorded_by", "live_position"}),
        "received_at": _utc(q.received_at),
        "due_at": _utc(q.due_at),
        "answered_at": _utc(q.answered_at),
        "updated_at": _utc(q.updated_at),
        "due_basis_label": basis_label(q.due_basis, locale),
        "overdue": q.status in OPEN and q.due_at is not None and q.due_at < now,
    }


def _question_out(request: Request, q: Question) -> QuestionPublic:
    return QuestionPublic.model_validate(_question_fields(q, api_locale(request), utcnow()))


def _answer_out(
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
            "new_due_at": _utc(a.new_due_at),
            "drafted_by": a.drafted_by if staff else None,
            "edited_by": a.edited_by if staff else None,
            "approved_by": a.approved_by if staff else None,
            "approved_at": _utc(a.approved_at),
            "created_at": _utc(a.created_at),
            "updated_at": _utc(a.updated_at),
        }
    )


def _org_ref(session: Session, org_id: int) -> OrgRef:
    view = orgs.get(session, org_id)
    return OrgRef(id=view.id, code=view.code, name_vi=view.name_vi, name_en=view.name_en)


def _transfer_out(t: QuestionTransfer) -> TransferPublic:
    return TransferPublic.model_validate({**t.model_dump(), "at": _utc(t.at)})


def _detail(request: Request, session: Session, identity: Identity, q: Question) -> QuestionDetail:
    assert q.id is not None
    locale = api_locale(request)
    staff = not _is_journalist(identity)
    replies = service.answers(session, q.id, actor=identity.actor)
    files = service.answer_files(session, [a.id for a in replies if a.id is not None])
    moves = service.transfers(session, q.id) if staff else []
    office = identity.actor.is_office
    return QuestionDetail.model_validate(
        {
            **_question_fields(q, locale, utcnow()),
            "lead_org": _org_ref(session, q.lead_org_id) if q.lead_org_id else None,
            "supporting_orgs": [_org_ref(session, i) for i in service.supporting(session, q.id)],
            "transfers": [_transfer_out(t) for t in moves],
            "answers": [
                _answer_out(a, locale, staff=staff, files=files.get(a.id or 0)) for a in replies
            ],
            "steps": [s for s in states.allowed_steps(q.status) if s in TRIAGE] if office else [],
        }
    )


# --- Press agencies ----------------------------------------------------------------------------


@router.get(AGENCIES, response_model=list[AgencyPublic], tags=AGENCY_TAGS)
def list_agencies(identity: Public, session: SessionDep) -> list[AgencyPublic]:
    """The press agencies existing today, by name, with their kind of media and scope."""
    views = orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,))
    rows = session.exec(
        select(Organisation).where(col(Organisation.id).in_([v.id for v in views]))
    ).all()
    media = {o.id: o for o in rows}
    return [
        AgencyPublic(
            id=v.id,
            code=v.code,
            name_vi=v.name_vi,
            name_en=v.name_en,
            media_kind=media[v.id].media_kind,
            media_scope=media[v.id].media_scope,
            valid_from=v.valid_from,
            valid_to=v.valid_to,
        )
        for v in views
    ]


@router.get(AGENCIES + "/{agency_id}", response_model=AgencyPublic, tags=AGENCY_TAGS)
def get_agency(agency_id: int, identity: Public, session: SessionDep) -> AgencyPublic:
    """One press agency (a retired one too, with its `valid_to`); anything else is 404."""
    return _agency_out(session, _agency(session, agency_id))


@router.post(AGENCIES, response_model=AgencyPublic, status_code=201, tags=AGENCY_TAGS)
def create_agency(body: AgencyCreate, identity: OfficeOnly, session: SessionDep) -> AgencyPublic:
    """Add a press agency to the registry (a code taken by any organisation is 422)."""
    org = orgs.create(
        session,
        actor=identity.actor,
        code=body.code,
        kind=OrgKind.PRESS_AGENCY.value,
        name_vi=body.name_vi,
        name_en=body.name_en,
        valid_from=body.valid_from or local_today(),
        media_kind=body.media_kind.value,
        media_scope=body.media_scope.value,
    )
    return _agency_out(session, org)


@router.patch(AGENCIES + "/{agency_id}", response_model=AgencyPublic, tags=AGENCY_TAGS)
def update_agency(
    agency_id: int, body: AgencyUpdate, identity: OfficeOnly, session: SessionDep
) -> AgencyPublic:
    """Change the code, the name, the kind of media or the scope; a retired agency is 409."""
    org = _agency(session, agency_id)
    current = _agency_out(session, org)
    kind = body.media_kind or current.media_kind
    scope = body.media_scope or current.media_scope
    updated = orgs.update_press_agency(
        session,
        actor=identity.actor,
        org_id=agency_id,
        code=body.code if body.code is not None else current.code,
        name_vi=body.name_vi if body.name_vi is not None else current.name_vi,
        name_en=body.name_en if body.name_en is not None else current.name_en,
        media_kind=kind.value if kind else "",
        media_scope=scope.value if scope else "",
    )
    return _agency_out(session, updated)


# --- Journalists (the press office verifies them) -----------------------------------------------


@router.get(JOURNALISTS, response_model=list[JournalistPublic], tags=JOURNALIST_TAGS)
def list_journalists(
    identity: OfficeOnly, session: SessionDep, status: UserStatus | None = None
) -> list[JournalistPublic]:
    """Journalists' accounts, those awaiting verification first, then by name."""
    users = accounts.list_users(
        session, role=Role.JOURNALIST.value, status=status.value if status else None
    )
    users.sort(key=lambda u: (JOURNALIST_ORDER[u.status], u.full_name, u.id or 0))
    return [_journalist_out(u) for u in users]


@router.get(JOURNALISTS + "/{user_id}", response_model=JournalistPublic, tags=JOURNALIST_TAGS)
def get_journalist(user_id: int, identity: OfficeOnly, session: SessionDep) -> JournalistPublic:
    return _journalist_out(_journalist(session, user_id))


@router.post(
    JOURNALISTS + "/{user_id}/verify", response_model=JournalistPublic, tags=JOURNALIST_TAGS
)
def verify_journalist(user_id: int, identity: OfficeOnly, session: SessionDep) -> JournalistPublic:
    """The journalist can then use the site (a disabled account is 409)."""
    user = accounts.decide_journalist(session, actor=identity.actor, user_id=user_id, verify=True)
    return _journalist_out(user)


@router.post(
    JOURNALISTS + "/{user_id}/reject", response_model=JournalistPublic, tags=JOURNALIST_TAGS
)
def reject_journalist(
    user_id: int, body: RejectRequest, identity: OfficeOnly, session: SessionDep
) -> JournalistPublic:
    """Refuse the account with a reason the journalist sees (a missing reason is 422)."""
    user = accounts.decide_journalist(
        session, actor=identity.actor, user_id=user_id, verify=False, reason=body.reason
    )
    return _journalist_out(user)


# --- Questions ---------------------------------------------------------------------------------


@router.get(QUESTIONS, response_model=list[QuestionPublic], tags=QUESTION_TAGS)
def list_questions(
    request: Request,
    identity: ActiveUser,
    session: SessionDep,
    status: QuestionStatus | None = None,
    overdue: Annotated[
        bool, Query(description="true: open questions past their due date, soonest first")
    ] = False,
    briefing_id: int | None = None,
    organisation_id: Annotated[int | None, Query(description="the lead organisation")] = None,
    q: Annotated[str, Query(max_length=200, description="words in the question's text")] = "",
) -> list[QuestionPublic]:
    """The questions the caller may see (the office all, a department those its organisation
    leads or supports, a journalist their own), newest first; at most 200."""
    filters = service.Filters(
        status=status.value if status else "",
        overdue=overdue,
        briefing_id=briefing_id,
        organisation_id=organisation_id,
        q=q,
    )
    rows = service.listing(session, actor=identity.actor, filters=filters)
    return [_question_out(request, row) for row in rows]


@router.post(QUESTIONS, response_model=QuestionDetail, status_code=201, tags=QUESTION_TAGS)
def ask_question(
    request: Request,
    response: Response,
    body: QuestionAsk,
    identity: JournalistOnly,
    session: SessionDep,
) -> QuestionDetail:
    """Ask a question (201). The same text sent again within a minute gives the first record
    back (200); too many questions in a short time are refused (429, with Retry-After)."""
    settings = request.app.state.settings
    saved, created = service.ask(
        session,
        actor=identity.actor,
        data=service.QuestionInput(
            text=body.text,
            topic=body.topic,
            language=body.language,
            briefing_id=body.briefing_id,
        ),
        rate_limit=settings.question_rate_limit,
        rate_window_minutes=settings.question_rate_window_minutes,
        duplicate_seconds=settings.question_duplicate_seconds,
    )
    if not created:
        response.status_code = 200
    return _detail(request, session, identity, saved)


@router.post(
    QUESTIONS + "/recorded", response_model=QuestionDetail, status_code=201, tags=QUESTION_TAGS
)
def record_question(
    request: Request, body: QuestionRecord, identity: OfficeOnly, session: SessionDep
) -> QuestionDetail:
    """The office records a question with how it came in (`channel`), the asker's name and their
    agency (`agency_id` from the registry, or `agency_name`)."""
    saved = service.record(
        session,
        actor=identity.actor,
        data=service.QuestionInput(
            text=body.text,
            topic=body.topic,
            language=body.language,
            channel=body.channel,
            briefing_id=body.briefing_id,
            asker_name=body.asker_name,
            agency_id=body.agency_id,
            agency_name=body.agency_name,
            received_at=body.received_at,
            incident=body.incident,
        ),
    )
    return _detail(request, session, identity, saved)


@router.get(QUESTIONS + "/{question_id}", response_model=QuestionDetail, tags=QUESTION_TAGS)
def get_question(
    request: Request, question_id: int, identity: ActiveUser, session: SessionDep
) -> QuestionDetail:
    q = service.get(session, question_id, actor=identity.actor)
    return _detail(request, session, identity, q)


@router.post(
    QUESTIONS + "/{question_id}/steps/{action}", response_model=QuestionDetail, tags=QUESTION_TAGS
)
def take_step(
    request: Request,
    question_id: int,
    action: StepName,
    identity: OfficeOnly,
    session: SessionDep,
    body: StepRequest | None = None,
) -> QuestionDetail:
    """accept, merge, decline, assign or transfer, with the fields of the step. A step the
    question's status does not allow is 409; so is a stale `revision`. The body may be left out
    for accept. (The path parameter is named `action` as in the other areas' APIs.)"""
    body = body or StepRequest()
    actor = identity.actor
    step = Step(action)
    if step == Step.ACCEPT:
        q = service.accept(
            session,
            actor=actor,
            question_id=question_id,
            incident=body.incident,
            expected_revision=body.revision,
        )
    elif step == Step.MERGE:
        q = service.merge(
            session,
            actor=actor,
            question_id=question_id,
            into_id=body.into_id or 0,
            expected_revision=body.revision,
        )
    elif step == Step.DECLINE:
        q = service.decline(
            session,
            actor=actor,
            question_id=question_id,
            reason=body.reason,
            expected_revision=body.revision,
        )
    elif step == Step.ASSIGN:
        q = service.assign(
            session,
            actor=actor,
            question_id=question_id,
            lead_org_id=body.lead_org_id,
            support_ids=body.support_ids,
            due_on=body.due_on,
            expected_revision=body.revision,
        )
    else:
        q = service.transfer(
            session,
            actor=actor,
            question_id=question_id,
            to_org_id=body.to_org_id,
            reason=body.reason,
            expected_revision=body.revision,
        )
    return _detail(request, session, identity, q)


@router.put(QUESTIONS + "/{question_id}/answer", response_model=AnswerPublic, tags=QUESTION_TAGS)
def save_answer(
    request: Request,
    question_id: int,
    body: AnswerDraft,
    identity: StaffOnly,
    session: SessionDep,
) -> AnswerPublic:
    """Save the draft reply of an assigned question: the office or the lead organisation's
    department (a supporting one is 403). Another person approves it before it is sent."""
    draft = service.save_answer(
        session,
        actor=identity.actor,
        question_id=question_id,
        data=service.AnswerInput(
            kind=body.kind,
            text=body.text,
            refusal_ground=body.refusal_ground,
            new_due_on=body.new_due_on,
            public=body.public,
        ),
        expected_revision=body.revision,
    )
    return _answer_out(draft, api_locale(request), staff=True)


@router.post(
    QUESTIONS + "/{question_id}/answer/approve", response_model=AnswerPublic, tags=QUESTION_TAGS
)
def approve_answer(
    request: Request,
    question_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    body: ApproveRequest | None = None,
) -> AnswerPublic:
    """Approve the draft: the journalist sees it. Never by the person who drafted or last
    edited it (403); a refusal only by the spokesperson (403). An approved holding answer sets
    the question's new due date; an answer or refusal closes the question."""
    approved = service.approve(
        session,
        actor=identity.actor,
        question_id=question_id,
        expected_revision=(body or ApproveRequest()).revision,
    )
    return _answer_out(approved, api_locale(request), staff=True)


# --- The rules held as data ------------------------------------------------------------------------


@router.get("/refusal-grounds", response_model=list[RefusalGroundPublic], tags=RULE_TAGS)
def refusal_grounds(
    request: Request, identity: Public, on: date | None = None
) -> list[RefusalGroundPublic]:
    """The grounds on which the spokesperson may refuse under the law in force on `on` (default
    today): Press Law 2016 Art. 38(2) to 30/6/2026, Press Law 2025 Art. 31(2) from 1/7/2026."""
    locale = api_locale(request)
    try:
        ruleset = ruleset_on(on or local_today())
    except NoRuleSet as exc:
        raise ValidationFailed({"on": exc.message}) from exc
    return [
        RefusalGroundPublic(
            code=g.code,
            label=g.label(locale),
            label_vi=g.label_vi,
            label_en=g.label_en,
            citation=g.citation(locale),
            ruleset=ruleset.code,
        )
        for g in ruleset.refusal_grounds.values()
    ]


@router.get("/service-levels", response_model=list[ServiceLevelPublic], tags=RULE_TAGS)
def service_levels(request: Request, identity: Public) -> list[ServiceLevelPublic]:
    """How long answering may take, per channel (working days) and for incidents (hours), with
    where each rule comes from."""
    locale = api_locale(request)
    return [
        ServiceLevelPublic(
            code=lv.code,
            label=lv.label(locale),
            label_vi=lv.label_vi,
            label_en=lv.label_en,
            source=lv.source,
            working_days=lv.working_days,
            hours=lv.hours,
        )
        for lv in load_rules().levels.values()
    ]
