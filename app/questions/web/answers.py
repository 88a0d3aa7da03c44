"""Answers, by the office and the departments: the draft (answer, holding answer or refusal) and its
approval, a department's question list and page, and the files of the draft and their download.
Every rule is in `service`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.access import DepartmentOnly, Identity, OfficeOnly, Public
from app.db import SessionDep
from app.errors import (
    Conflict,
    FileTooLarge,
    Forbidden,
    UnsupportedFile,
    ValidationFailed,
)
from app.flash import flash
from app.forms import parse_int
from app.i18n import Msg
from app.questions import service
from app.questions.models import (
    OPEN,
)
from app.questions.web import common, office
from app.templating import redirect, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


async def _save_answer_form(
    request: Request, session: Session, identity: Identity, question_id: int
) -> tuple[dict[str, Any], dict[str, Msg] | None, int, bool]:
    """The answer's form, text and chosen files together: (what was typed, errors beside the
    fields, status, sent for approval). A refused file (413/415) keeps nothing and gives the
    typed text back; the department's "send" button sends it for approval, "save" keeps it."""
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    form = common.answer_form_posted(data)
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]
    submit = identity.actor.is_office or data.get("intent") == "send"
    try:
        service.save_answer_with_files(
            session,
            actor=identity.actor,
            question_id=question_id,
            data=common.answer_input(form),
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
            expected_revision=parse_int(form["revision"]),
            submit=submit,
        )
    except ValidationFailed as exc:
        return form, exc.errors, 422, submit
    except (FileTooLarge, UnsupportedFile) as exc:
        return form, {"files": exc.detail or Msg(exc.title)}, exc.status, submit
    except (Conflict, Forbidden) as exc:
        if isinstance(exc, Conflict):  # a deliberate second save may now go through
            form["revision"] = common.current_revision(session, question_id)
        return form, {"form": exc.detail or Msg(exc.title)}, exc.status, submit
    finally:
        for f in uploads:
            await f.close()
    return form, None, 303, submit


@router.post("/office/questions/{question_id:int}/answer")
async def office_answer(
    request: Request, question_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    form, errors, status, _sent = await _save_answer_form(request, session, identity, question_id)
    if errors is not None:
        return office.office_page(
            request,
            session,
            identity,
            question_id,
            failed="answer",
            form=form,
            errors=errors,
            status_code=status,
        )
    flash(request, Msg("The draft has been saved. Another person approves it before it is sent."))
    return redirect(request, f"/office/questions/{question_id}#answer")


@router.post("/office/questions/{question_id:int}/approve")
def office_approve(
    request: Request,
    question_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    revision: Text = "",
) -> Response:
    try:
        approved = service.approve(
            session,
            actor=identity.actor,
            question_id=question_id,
            expected_revision=parse_int(revision),
        )
    except (Conflict, Forbidden) as exc:
        return office.office_page(
            request,
            session,
            identity,
            question_id,
            failed="approve",
            errors={"form": exc.detail or Msg(exc.title)},
            status_code=exc.status,
        )
    flash(request, Msg(common.APPROVED[approved.kind]))
    return redirect(request, f"/office/questions/{question_id}")


# --- The department ------------------------------------------------------------------------------


@router.get("/dept/questions")
def dept_list(request: Request, identity: DepartmentOnly, session: SessionDep) -> Response:
    rows = service.listing(session, actor=identity.actor)
    open_rows = sorted(
        (q for q in rows if q.status in OPEN), key=lambda q: (q.due_at or common.FAR, q.id or 0)
    )
    ctx = common.labels(request) | {
        "open_rows": open_rows,
        "closed_rows": [q for q in rows if q.status not in OPEN],
        "names": common.org_names(session),
        "my_org": identity.actor.organisation_id,
    }
    return render(request, "questions/dept_list.html", ctx)


def _dept_page(
    request: Request,
    session: Session,
    identity: Identity,
    question_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    failed: str = "answer",
    status_code: int = 200,
) -> Response:
    q = service.get(session, question_id, actor=identity.actor)
    ctx = common.labels(request) | common.question_context(session, q, identity)
    ctx |= {
        "my_org": identity.actor.organisation_id,
        "leads": q.lead_org_id is not None and q.lead_org_id == identity.actor.organisation_id,
        "errors": errors or {},
        "failed": failed if errors else None,
    }
    if form is not None:
        ctx["answer_form"] = form
    return render(request, "questions/dept_detail.html", ctx, status_code=status_code)


@router.get("/dept/questions/{question_id:int}")
def dept_question(
    request: Request, question_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    return _dept_page(request, session, identity, question_id)


@router.post("/dept/questions/{question_id:int}/answer")
async def dept_answer(
    request: Request, question_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    form, errors, status, sent = await _save_answer_form(request, session, identity, question_id)
    if errors is not None:
        return _dept_page(
            request, session, identity, question_id, form=form, errors=errors, status_code=status
        )
    if sent:
        flash(
            request,
            Msg(
                "The answer has been sent: the press office approves it before the journalist sees it."
            ),
        )
    else:
        flash(
            request,
            Msg("The draft has been saved. Only your organisation sees it until you send it."),
        )
    return redirect(request, f"/dept/questions/{question_id}#answer")


# --- Files of answers: the draft's (office and lead department) and the download -----------------


async def _upload_answer_files(
    request: Request, session: Session, identity: Identity, question_id: int
) -> tuple[int, dict[str, Msg] | None, int]:
    """Attach the posted files to the draft: (files added, errors beside the file field, status).
    Too large is 413 and a disguised file 415, with nothing kept."""
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile)]
    try:
        added = service.add_answer_files(
            session,
            actor=identity.actor,
            question_id=question_id,
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    except ValidationFailed as exc:
        return 0, exc.errors, 422
    except (FileTooLarge, UnsupportedFile, Conflict, Forbidden) as exc:
        return 0, {"files": exc.detail or Msg(exc.title)}, exc.status
    finally:
        for f in uploads:
            await f.close()
    flash(request, Msg("%(n)s file(s) attached to the draft.", {"n": len(added)}))
    return len(added), None, 303


def _remove_answer_file(
    request: Request, session: Session, identity: Identity, question_id: int, attachment_id: int
) -> None:
    service.remove_answer_file(
        session,
        actor=identity.actor,
        question_id=question_id,
        file_id=attachment_id,
        store=request.app.state.store,
    )
    flash(request, Msg("The file has been removed from the draft."))


@router.post("/office/questions/{question_id:int}/answer/attachments")
async def office_answer_files(
    request: Request, question_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    _n, errors, status = await _upload_answer_files(request, session, identity, question_id)
    if errors is not None:
        return office.office_page(
            request,
            session,
            identity,
            question_id,
            failed="files",
            errors=errors,
            status_code=status,
        )
    return redirect(request, f"/office/questions/{question_id}#draft")


@router.post("/office/questions/{question_id:int}/answer/files/{attachment_id:int}/remove")
def office_remove_answer_file(
    request: Request,
    question_id: int,
    attachment_id: int,
    identity: OfficeOnly,
    session: SessionDep,
) -> Response:
    _remove_answer_file(request, session, identity, question_id, attachment_id)
    return redirect(request, f"/office/questions/{question_id}#draft")


@router.post("/dept/questions/{question_id:int}/answer/attachments")
async def dept_answer_files(
    request: Request, question_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    _n, errors, status = await _upload_answer_files(request, session, identity, question_id)
    if errors is not None:
        return _dept_page(
            request,
            session,
            identity,
            question_id,
            errors=errors,
            failed="files",
            status_code=status,
        )
    return redirect(request, f"/dept/questions/{question_id}#draft")


@router.post("/dept/questions/{question_id:int}/answer/files/{attachment_id:int}/remove")
def dept_remove_answer_file(
    request: Request,
    question_id: int,
    attachment_id: int,
    identity: DepartmentOnly,
    session: SessionDep,
) -> Response:
    _remove_answer_file(request, session, identity, question_id, attachment_id)
    return redirect(request, f"/dept/questions/{question_id}#draft")


@router.get("/questions/{question_id:int}/files/{attachment_id:int}")
def answer_file(
    request: Request,
    question_id: int,
    attachment_id: int,
    identity: Public,
    session: SessionDep,
) -> Response:
    """A file of an answer, as a download, for whoever may read the answer (see the service)."""
    row = service.get_answer_file(
        session,
        actor=identity.actor if identity.user is not None else None,
        question_id=question_id,
        file_id=attachment_id,
    )
    return request.app.state.store.download(
        row.stored_name, filename=row.filename, content_type=row.content_type
    )
