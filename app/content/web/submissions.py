"""One submission: its page with the kept versions and what changed between them, the workflow
steps each side may take, the department's form with its files, and the downloads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.access import DepartmentOnly, Identity, StaffOnly
from app.briefings import service as briefings
from app.content import diff, service
from app.content.models import Submission
from app.content.states import EDITABLE, WORKFLOW, Step
from app.content.web.common import Text, labels
from app.db import SessionDep
from app.errors import Conflict, FileTooLarge, NotFound, UnsupportedFile, ValidationFailed
from app.flash import flash
from app.forms import parse_int
from app.i18n import Msg
from app.orgs import service as orgs
from app.storage import ACCEPT_ATTR
from app.templating import is_fragment_request, redirect, render
from app.timeutil import utcnow
from app.workflow import Party

router = APIRouter(include_in_schema=False)
# Saving and submitting are the edit form's; the agenda page includes and excludes.
NOT_ON_THE_PAGE = (Step.SAVE, Step.SUBMIT, Step.INCLUDE, Step.EXCLUDE)


def _submission_context(session: Session, sub: Submission, identity: Identity) -> dict[str, Any]:
    assert sub.id is not None
    call = service.call_of(session, sub)
    who = service.party_of(identity.actor)
    return labels() | {
        "sub": sub,
        "call": call,
        "briefing": briefings.get(session, call.briefing_id),
        "org": orgs.get(session, sub.organisation_id),
        "files": service.attachments(session, [sub.id])[sub.id],
        "versions": service.versions(session, sub.id),
        "is_office": who == Party.OFFICE,
        "actions": [a for a in WORKFLOW.allowed(sub.status, who) if a not in NOT_ON_THE_PAGE],
        "editable": who == Party.DEPARTMENT and sub.status in EDITABLE,
        "errors": {},
        "comment": "",
        "now": utcnow(),
    }


@router.get("/submissions/{submission_id:int}")
def submission_page(
    request: Request,
    submission_id: int,
    identity: StaffOnly,
    session: SessionDep,
    a: int = 0,
    b: int = 0,
) -> Response:
    sub = service.get_submission(session, submission_id, actor=identity.actor)
    ctx = _submission_context(session, sub, identity)
    by_number = {v.number: v for v in ctx["versions"]}
    latest = max(by_number, default=0)
    new = b if b in by_number else latest
    old = a if a in by_number else new - 1
    if old in by_number and new in by_number and old != new:
        ctx["compare"] = (old, new, diff.compare(by_number[old].content, by_number[new].content))
    if not identity.actor.is_office and sub.status in EDITABLE and latest:
        # The department sees what it has changed since it last sent the content.
        ctx["draft_changes"] = diff.compare(
            by_number[latest].content, service.snapshot(session, sub)
        )
    ctx["field_labels"] = diff.FIELD_LABELS
    return render(request, "content/submission.html", ctx, block="compare")


@router.post("/submissions/{submission_id:int}/actions/{action}")
async def submission_action(
    request: Request,
    submission_id: int,
    action: str,
    identity: StaffOnly,
    session: SessionDep,
    comment: Text = "",
    revision: Text = "",
) -> Response:
    try:
        step = Step(action)
    except ValueError:
        raise NotFound() from None
    data = service.StepInput(comment=comment, expected_revision=parse_int(revision))
    try:
        service.take_step(session, actor=identity.actor, id=submission_id, step=step, data=data)
    except ValidationFailed as exc:
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        ctx = _submission_context(session, sub, identity) | {
            "errors": exc.errors,
            "comment": comment,
            "field_labels": diff.FIELD_LABELS,
        }
        return render(request, "content/submission.html", ctx, status_code=422)
    flash(request, Msg(WORKFLOW.done[step]))
    return redirect(request, f"/submissions/{submission_id}")


@router.get("/submissions/{submission_id:int}/files/{attachment_id:int}")
def download(
    request: Request,
    submission_id: int,
    attachment_id: int,
    identity: StaffOnly,
    session: SessionDep,
) -> Response:
    att = service.get_attachment(
        session, attachment_id, actor=identity.actor, submission_id=submission_id
    )
    return request.app.state.store.download(
        att.stored_name, filename=att.filename, content_type=att.content_type
    )


# --- The department's form ---------------------------------------------------------------------

TEXT_FIELDS = (
    "title",
    "summary",
    "talking_points",
    "key_figures",
    "contact_name",
    "contact_phone",
    "contact_email",
)
BLANK_QA = 2  # empty question rows offered below the filled ones


def _form_of(sub: Submission) -> dict[str, Any]:
    form: dict[str, Any] = {name: getattr(sub, name) for name in TEXT_FIELDS}
    form["qa"] = [dict(p) for p in sub.qa]
    form["revision"] = sub.revision
    return form


def _edit_page(
    request: Request,
    session: Session,
    sub: Submission,
    identity: Identity,
    form: dict[str, Any],
    *,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
    upload_failed: bool = False,
) -> Response:
    ctx = _submission_context(session, sub, identity) | {
        "upload_failed": upload_failed,
        "form": form,
        "qa_rows": [*form["qa"], *({"question": "", "answer": ""} for _ in range(BLANK_QA))],
        "errors": errors or {},
        "accept": ACCEPT_ATTR,
        "max_size": request.app.state.settings.upload_max_bytes,
        "max_files": request.app.state.settings.upload_max_files,
    }
    return render(
        request, "content/submission_form.html", ctx, block="files", status_code=status_code
    )


@router.get("/submissions/{submission_id:int}/edit")
def edit_page(
    request: Request, submission_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    sub = service.get_submission(session, submission_id, actor=identity.actor)
    if sub.status not in EDITABLE:
        return redirect(request, f"/submissions/{submission_id}")
    return _edit_page(request, session, sub, identity, _form_of(sub))


@router.post("/submissions/{submission_id:int}/edit")
async def edit_submit(
    request: Request, submission_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in TEXT_FIELDS}
    questions, answers = data.getlist("qa_question"), data.getlist("qa_answer")
    form["qa"] = [
        {"question": str(q), "answer": str(a)}
        for q, a in zip(questions, answers, strict=False)
        if str(q).strip() or str(a).strip()
    ]
    form["revision"] = str(data.get("revision", ""))
    step = Step.SUBMIT if data.get("intent") == "submit" else Step.SAVE
    content = service.SubmissionInput(**{k: form[k] for k in TEXT_FIELDS}, qa=list(form["qa"]))
    try:
        service.save_with_files(
            session,
            actor=identity.actor,
            submission_id=submission_id,
            step=step,
            data=service.StepInput(content=content, expected_revision=parse_int(form["revision"])),
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    except ValidationFailed as exc:
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        return _edit_page(request, session, sub, identity, form, errors=exc.errors, status_code=422)
    except (FileTooLarge, UnsupportedFile) as exc:
        # 413 / 415: the typed text comes back, the reason beside the file field; nothing kept.
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        errors = {"files": exc.detail or Msg(exc.title)}
        return _edit_page(
            request, session, sub, identity, form, errors=errors, status_code=exc.status
        )
    except Conflict as exc:
        # Someone saved in the meantime (or the office acted): give the text back, lose nothing.
        # The use case has rolled back, so the submission is read as it is now.
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        errors = {"form": exc.detail or Msg(exc.title)}
        form["revision"] = sub.revision  # a deliberate second save may now go through
        return _edit_page(request, session, sub, identity, form, errors=errors, status_code=409)
    finally:
        for f in uploads:
            await f.close()
    flash(request, Msg(WORKFLOW.done[step]))
    if step == Step.SUBMIT:
        return redirect(request, f"/submissions/{submission_id}")
    return redirect(request, f"/submissions/{submission_id}/edit")


@router.post("/submissions/{submission_id:int}/attachments")
async def upload(
    request: Request, submission_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile)]
    try:
        added = service.add_attachments(
            session,
            actor=identity.actor,
            submission_id=submission_id,
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    except ValidationFailed as exc:
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        return _edit_page(
            request,
            session,
            sub,
            identity,
            _form_of(sub),
            errors=exc.errors,
            status_code=422,
            upload_failed=True,
        )
    except (FileTooLarge, UnsupportedFile) as exc:
        # 413 / 415, with the form back and the reason beside the file field; nothing was kept.
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        errors = {"files": exc.detail or Msg(exc.title)}
        return _edit_page(
            request,
            session,
            sub,
            identity,
            _form_of(sub),
            errors=errors,
            status_code=exc.status,
            upload_failed=True,
        )
    finally:
        for f in uploads:
            await f.close()
    if is_fragment_request(request):
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        return _edit_page(request, session, sub, identity, _form_of(sub))
    flash(request, Msg("%(n)s file(s) uploaded.", {"n": len(added)}))
    return redirect(request, f"/submissions/{submission_id}/edit#files")


@router.post("/submissions/{submission_id:int}/files/{attachment_id:int}/remove")
def remove_file(
    request: Request,
    submission_id: int,
    attachment_id: int,
    identity: DepartmentOnly,
    session: SessionDep,
) -> Response:
    service.remove_attachment(
        session, actor=identity.actor, submission_id=submission_id, attachment_id=attachment_id
    )
    if is_fragment_request(request):
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        return _edit_page(request, session, sub, identity, _form_of(sub))
    flash(request, Msg("The file has been removed from the submission."))
    return redirect(request, f"/submissions/{submission_id}/edit#files")
