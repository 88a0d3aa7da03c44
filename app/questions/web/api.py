"""JSON API for journalists' questions (asking, recording, triage, routing, answers and their
approval) and the rules held as data (refusal grounds, service levels). The press-agency
registry and the journalists are in `api_people`, the shapes in `api_shapes`.

Who sees what is decided by `questions.service`, as on the pages: the office sees every question,
a department those its organisation leads or supports, a journalist their own; anything else is
404, so other people's ids reveal nothing. A step the question's status does not allow, or a
stale `revision`, is 409. A journalist never sees drafts, transfers or who in the office drafted
and approved a reply. Texts are returned as stored: escaping them is the job of whoever renders
them. Datetimes are ISO 8601 in UTC; dates (`due_on`, `new_due_on`) are local calendar days.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.access import ActiveUser, JournalistOnly, OfficeOnly, Public, StaffOnly
from app.db import SessionDep
from app.error_pages import api_locale
from app.errors import ValidationFailed
from app.law.rulesets import NoRuleSet, ruleset_on
from app.questions import service
from app.questions.deadlines import load_rules
from app.questions.models import (
    QuestionStatus,
)
from app.questions.web import api_shapes as shapes
from app.questions.web.api_shapes import (
    AnswerDraft,
    AnswerPublic,
    ApproveRequest,
    QuestionAsk,
    QuestionDetail,
    QuestionPublic,
    QuestionRecord,
    RefusalGroundPublic,
    ServiceLevelPublic,
    StepRequest,
)
from app.timeutil import local_today

router = APIRouter(prefix="/api/v1")


QUESTIONS = "/questions"


QUESTION_TAGS: list[str | Enum] = ["questions"]
RULE_TAGS: list[str | Enum] = ["question rules"]


StepName = Literal["accept", "merge", "decline", "assign", "transfer"]


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
    return [shapes.question_out(request, row) for row in rows]


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
    return shapes.detail(request, session, identity, saved)


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
    return shapes.detail(request, session, identity, saved)


@router.get(QUESTIONS + "/{question_id}", response_model=QuestionDetail, tags=QUESTION_TAGS)
def get_question(
    request: Request, question_id: int, identity: ActiveUser, session: SessionDep
) -> QuestionDetail:
    q = service.get(session, question_id, actor=identity.actor)
    return shapes.detail(request, session, identity, q)


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
    q = service.take_step(
        session,
        actor=identity.actor,
        question_id=question_id,
        step=action,
        data=service.StepData(**body.model_dump()),
    )
    return shapes.detail(request, session, identity, q)


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
    return shapes.answer_out(draft, api_locale(request), staff=True)


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
    return shapes.answer_out(approved, api_locale(request), staff=True)


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
