"""JSON API for department content: calls for content (the office), submissions with their
workflow, kept versions and attached files (the office and the departments).

Who sees what is decided by the services: a department sees only calls sent to its organisation
and its own submissions; anything else is 404, so other organisations' ids reveal nothing. A
workflow step the submission's status or the caller's side does not allow is 409.

The rules are those of the pages: the office manages calls; writing content (starting, saving,
submitting, files) is the departments' (the office gets 403); reading, downloading and the
workflow actions are for both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response
from sqlmodel import Field, Session, SQLModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.access import DepartmentOnly, Identity, OfficeOnly, StaffOnly
from app.briefings import service as briefings
from app.content import service
from app.content.models import (
    Attachment,
    AttachmentPublic,
    CallPublic,
    CallStatus,
    Submission,
    SubmissionPublic,
    SubmissionStatus,
)
from app.content.states import Step
from app.db import SessionDep
from app.error_pages import api_locale
from app.errors import ValidationFailed
from app.forms import Int, Moment, SafeLine, SafeText
from app.timeutil import to_local

router = APIRouter(prefix="/api/v1")
CALLS = "/calls"
SUBMISSIONS = "/submissions"
TAGS: list[str | Enum] = ["department content"]


# --- Shapes ------------------------------------------------------------------------------------


class CallCreate(SQLModel):
    """Ask organisations for content before a briefing. Without `organisation_ids` the briefing's
    invited organisations are asked; without `deadline` the briefing's content deadline (or its
    kind's usual number of working days before it, at 17:00 local) applies. `deadline` needs a
    time zone offset, e.g. 2026-05-04T17:00:00+07:00."""

    briefing_id: Int
    organisation_ids: list[Int] | None = None
    deadline: Moment | None = None
    instructions: SafeText = Field(default="", max_length=4000)


class CallUpdate(SQLModel):
    """Only the fields sent change; `null` for `organisation_ids` or `deadline` restores the
    default (the briefing's invited organisations, its usual deadline)."""

    organisation_ids: list[Int] | None = None
    deadline: Moment | None = None
    instructions: SafeText | None = Field(default=None, max_length=4000)


class SubmissionStart(SQLModel):
    call_id: Int


class QAPairInput(SQLModel):
    question: SafeText = Field(max_length=2000)
    answer: SafeText = Field(default="", max_length=10000)


class SubmissionUpdate(SQLModel):
    """Only the fields sent change. `revision` is the one read; a stale one is refused (409).
    With `submit` the content goes to the press office as a new kept version."""

    revision: Int
    title: SafeLine | None = Field(default=None, max_length=500)
    summary: SafeText | None = Field(default=None, max_length=4000)
    talking_points: SafeText | None = Field(default=None, max_length=50000)
    key_figures: SafeText | None = Field(default=None, max_length=10000)
    qa: list[QAPairInput] | None = Field(default=None, max_length=50)
    contact_name: SafeLine | None = Field(default=None, max_length=200)
    contact_phone: SafeLine | None = Field(default=None, max_length=50)
    contact_email: SafeLine | None = Field(default=None, max_length=254)
    submit: bool = False


class ActionRequest(SQLModel):
    """`comment` is required to return a submission; `revision`, if sent, must be current."""

    revision: Int | None = None
    comment: SafeText = Field(default="", max_length=4000)


ActionName = Literal["withdraw", "reopen", "return", "accept"]


class VersionPublic(SQLModel):
    number: int
    submitted_at: datetime
    late: bool
    content: dict[str, Any]


# --- Shaping -----------------------------------------------------------------------------------


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


def _call_out(request: Request, row: service.CallRow) -> CallPublic:
    c, b = row.call, row.briefing
    return CallPublic.model_validate(
        {
            **c.model_dump(),
            "briefing_title": b.title(api_locale(request)),
            "briefing_starts_at": _utc(b.starts_at),
            "deadline": _utc(c.deadline),
            "organisation_ids": row.organisation_ids,
            "created_at": _utc(c.created_at),
            "closed_at": _utc(c.closed_at),
        }
    )


def _attachment_url(request: Request, submission_id: int, attachment_id: int) -> str:
    return str(
        request.url_for(
            "api_download_attachment", submission_id=submission_id, attachment_id=attachment_id
        )
    )


def _attachment_out(request: Request, a: Attachment) -> AttachmentPublic:
    assert a.id is not None
    return AttachmentPublic.model_validate(
        {
            **a.model_dump(),
            "uploaded_at": _utc(a.uploaded_at),
            "url": _attachment_url(request, a.submission_id, a.id),
        }
    )


def _submissions_out(
    request: Request, session: Session, subs: list[Submission]
) -> list[SubmissionPublic]:
    ids = [s.id for s in subs if s.id is not None]
    files = service.attachments(session, ids)
    briefing_of = service.briefing_ids(session, {s.call_id for s in subs})
    return [
        SubmissionPublic.model_validate(
            {
                **s.model_dump(),
                "briefing_id": briefing_of[s.call_id],
                "submitted_at": _utc(s.submitted_at),
                "updated_at": _utc(s.updated_at),
                "attachments": [_attachment_out(request, a) for a in files[s.id or 0]],
            }
        )
        for s in subs
    ]


def _submission_out(request: Request, session: Session, sub: Submission) -> SubmissionPublic:
    return _submissions_out(request, session, [sub])[0]


def _renamed(exc: ValidationFailed, names: dict[str, str]) -> ValidationFailed:
    """The service's field errors under the names the API's body uses."""
    return ValidationFailed({names.get(k, k): v for k, v in exc.errors.items()})


DEADLINE_FIELDS = {"deadline_day": "deadline", "deadline_time": "deadline"}


def _call_input(
    organisation_ids: list[int], deadline: datetime, instructions: str
) -> service.CallInput:
    local = to_local(deadline)
    return service.CallInput(
        organisation_ids=organisation_ids,
        deadline_day=local.date(),
        deadline_time=local.time(),
        instructions=instructions,
    )


# --- Calls -------------------------------------------------------------------------------------


@router.get(CALLS, response_model=list[CallPublic], tags=TAGS)
def list_calls(
    request: Request,
    identity: StaffOnly,
    session: SessionDep,
    briefing_id: int | None = None,
    open_: Annotated[
        bool | None,
        Query(
            alias="open",
            description="true: calls still taking content (open, briefing not held or "
            "cancelled); false: the others; absent: all",
        ),
    ] = None,
) -> list[CallPublic]:
    """Calls for content, the latest deadline first; a department sees those sent to it."""
    rows = service.calls(
        session, actor=identity.actor, open_only=bool(open_), briefing_id=briefing_id
    )
    if open_ is False:
        still_open = {
            r.call.id
            for r in service.calls(
                session, actor=identity.actor, open_only=True, briefing_id=briefing_id
            )
        }
        rows = [r for r in rows if r.call.id not in still_open]
    return [_call_out(request, r) for r in rows]


@router.get(CALLS + "/{call_id}", response_model=CallPublic, tags=TAGS)
def get_call(
    request: Request, call_id: int, identity: StaffOnly, session: SessionDep
) -> CallPublic:
    call = service.get_call(session, call_id, actor=identity.actor)
    return _call_out(request, service.call_row(session, call))


@router.post(CALLS, response_model=CallPublic, status_code=201, tags=TAGS)
def create_call(
    request: Request, body: CallCreate, identity: OfficeOnly, session: SessionDep
) -> CallPublic:
    """Open the call for a briefing (one per briefing: a second is 409)."""
    briefing = briefings.get(session, body.briefing_id)
    organisation_ids = body.organisation_ids
    if organisation_ids is None:
        organisation_ids = briefings.invitee_ids(session, body.briefing_id)
    deadline = body.deadline or service.default_deadline(session, briefing)
    data = _call_input(organisation_ids, deadline, body.instructions)
    try:
        call = service.open_call(
            session, actor=identity.actor, briefing_id=body.briefing_id, data=data
        )
    except ValidationFailed as exc:
        raise _renamed(exc, DEADLINE_FIELDS) from exc
    return _call_out(request, service.call_row(session, call))


@router.patch(CALLS + "/{call_id}", response_model=CallPublic, tags=TAGS)
def update_call(
    request: Request, call_id: int, body: CallUpdate, identity: OfficeOnly, session: SessionDep
) -> CallPublic:
    """Change who is asked, the deadline or the note. An organisation that has started its
    content cannot be taken off (422)."""
    row = service.call_row(session, service.get_call(session, call_id, actor=identity.actor))
    sent = body.model_fields_set
    organisation_ids = row.organisation_ids
    if "organisation_ids" in sent:
        organisation_ids = (
            body.organisation_ids
            if body.organisation_ids is not None
            else briefings.invitee_ids(session, row.call.briefing_id)
        )
    deadline = row.call.deadline
    if "deadline" in sent:
        deadline = body.deadline or service.default_deadline(session, row.briefing)
    instructions = row.call.instructions
    if body.instructions is not None:
        instructions = body.instructions
    data = _call_input(organisation_ids, deadline, instructions)
    try:
        call = service.update_call(session, actor=identity.actor, call_id=call_id, data=data)
    except ValidationFailed as exc:
        raise _renamed(exc, DEADLINE_FIELDS) from exc
    return _call_out(request, service.call_row(session, call))


def _set_status(
    request: Request, session: Session, identity: Identity, call_id: int, status: CallStatus
) -> CallPublic:
    call = service.set_call_status(session, actor=identity.actor, call_id=call_id, status=status)
    return _call_out(request, service.call_row(session, call))


@router.post(CALLS + "/{call_id}/close", response_model=CallPublic, tags=TAGS)
def close_call(
    request: Request, call_id: int, identity: OfficeOnly, session: SessionDep
) -> CallPublic:
    """No more content, not even late: submitting and starting again are refused (409)."""
    return _set_status(request, session, identity, call_id, CallStatus.CLOSED)


@router.post(CALLS + "/{call_id}/reopen", response_model=CallPublic, tags=TAGS)
def reopen_call(
    request: Request, call_id: int, identity: OfficeOnly, session: SessionDep
) -> CallPublic:
    return _set_status(request, session, identity, call_id, CallStatus.OPEN)


# --- Submissions -------------------------------------------------------------------------------


@router.get(SUBMISSIONS, response_model=list[SubmissionPublic], tags=TAGS)
def list_submissions(
    request: Request,
    identity: StaffOnly,
    session: SessionDep,
    call_id: int | None = None,
    status: SubmissionStatus | None = None,
) -> list[SubmissionPublic]:
    """Submissions, the latest changed first; a department sees its own only."""
    subs = service.submissions(
        session, actor=identity.actor, call_id=call_id, status=status.value if status else None
    )
    return _submissions_out(request, session, subs)


@router.get(SUBMISSIONS + "/{submission_id}", response_model=SubmissionPublic, tags=TAGS)
def get_submission(
    request: Request, submission_id: int, identity: StaffOnly, session: SessionDep
) -> SubmissionPublic:
    sub = service.get_submission(session, submission_id, actor=identity.actor)
    return _submission_out(request, session, sub)


@router.post(SUBMISSIONS, response_model=SubmissionPublic, status_code=201, tags=TAGS)
def start_submission(
    request: Request, body: SubmissionStart, identity: DepartmentOnly, session: SessionDep
) -> SubmissionPublic:
    """The caller's organisation's draft for a call; the existing one if a colleague already
    started it. Only departments write content (the office gets 403)."""
    sub = service.start_submission(session, actor=identity.actor, call_id=body.call_id)
    return _submission_out(request, session, sub)


@router.patch(SUBMISSIONS + "/{submission_id}", response_model=SubmissionPublic, tags=TAGS)
def save_submission(
    request: Request,
    submission_id: int,
    body: SubmissionUpdate,
    identity: DepartmentOnly,
    session: SessionDep,
) -> SubmissionPublic:
    """Save the working copy (a draft or a returned submission), and with `submit` send it.
    A stale `revision` is 409; so is a submission that cannot be edited now (e.g. accepted)."""
    sub = service.get_submission(session, submission_id, actor=identity.actor)
    current = service.SubmissionInput(
        **{name: getattr(sub, name) for name in service.CONTENT_FIELDS}
    )
    for name in service.CONTENT_FIELDS:
        value = getattr(body, name)
        if value is not None:
            setattr(current, name, value)
    if body.qa is not None:
        current.qa = [pair.model_dump() for pair in body.qa]
    saved = service.take_step(
        session,
        actor=identity.actor,
        id=submission_id,
        step=Step.SUBMIT if body.submit else Step.SAVE,
        data=service.StepInput(content=current, expected_revision=body.revision),
    )
    return _submission_out(request, session, saved)


@router.post(
    SUBMISSIONS + "/{submission_id}/actions/{action}", response_model=SubmissionPublic, tags=TAGS
)
def act_on_submission(
    request: Request,
    submission_id: int,
    action: ActionName,
    identity: StaffOnly,
    session: SessionDep,
    body: ActionRequest | None = None,
) -> SubmissionPublic:
    """withdraw, reopen (the department); return with a comment, accept (the office). A step
    the status or the caller's side does not allow is 409. The body may be left out."""
    body = body or ActionRequest()
    sub = service.take_step(
        session,
        actor=identity.actor,
        id=submission_id,
        step=Step(action),
        data=service.StepInput(comment=body.comment, expected_revision=body.revision),
    )
    return _submission_out(request, session, sub)


@router.get(
    SUBMISSIONS + "/{submission_id}/versions", response_model=list[VersionPublic], tags=TAGS
)
def list_versions(
    request: Request, submission_id: int, identity: StaffOnly, session: SessionDep
) -> list[VersionPublic]:
    """What was sent at each submission, oldest first; each listed file has its download URL."""
    sub = service.get_submission(session, submission_id, actor=identity.actor)
    out = []
    for v in service.versions(session, sub.id or 0):
        content = dict(v.content)
        content["attachments"] = [
            {**a, "url": _attachment_url(request, submission_id, a["id"])}
            for a in content.get("attachments", [])
        ]
        out.append(
            VersionPublic(
                number=v.number,
                submitted_at=v.submitted_at.astimezone(UTC),
                late=v.late,
                content=content,
            )
        )
    return out


# --- Attachments -------------------------------------------------------------------------------


@router.post(
    SUBMISSIONS + "/{submission_id}/attachments",
    response_model=list[AttachmentPublic],
    status_code=201,
    tags=TAGS,
    # The form is read by hand (all files or none, the count capped before reading): its body is
    # described here so that generated clients can upload.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["files"],
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                                "description": "PDF, DOCX, XLSX, PPTX, JPEG or PNG files",
                            }
                        },
                    }
                }
            },
        }
    },
)
async def upload_attachments(
    request: Request, submission_id: int, identity: DepartmentOnly, session: SessionDep
) -> list[AttachmentPublic]:
    """multipart/form-data with one or more `files` parts; all are kept or none (413 for a file
    over the size cap, 415 for one whose content is not PDF, DOCX, XLSX, PPTX, JPEG or PNG)."""
    settings = request.app.state.settings
    form = await request.form()
    try:
        uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile)]
        rows = await run_in_threadpool(
            service.add_attachments,
            session,
            actor=identity.actor,
            submission_id=submission_id,
            files=[(u.filename or "", u.file) for u in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    finally:
        await form.close()
    return [_attachment_out(request, a) for a in rows]


@router.get(
    SUBMISSIONS + "/{submission_id}/attachments/{attachment_id}",
    name="api_download_attachment",
    response_class=FileResponse,  # the schema says "a file"; the store streams it
    tags=TAGS,
)
def download_attachment(
    request: Request,
    submission_id: int,
    attachment_id: int,
    identity: StaffOnly,
    session: SessionDep,
) -> Response:
    """The file, always as a download (also one taken off the working copy, which submitted
    versions may list)."""
    att = service.get_attachment(
        session, attachment_id, actor=identity.actor, submission_id=submission_id
    )
    return request.app.state.store.download(
        att.stored_name, filename=att.filename, content_type=att.content_type
    )


@router.delete(
    SUBMISSIONS + "/{submission_id}/attachments/{attachment_id}", status_code=204, tags=TAGS
)
def remove_attachment(
    submission_id: int, attachment_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    """Take a file off the working copy (a draft or a returned submission)."""
    service.remove_attachment(
        session, actor=identity.actor, submission_id=submission_id, attachment_id=attachment_id
    )
    return Response(status_code=204)
