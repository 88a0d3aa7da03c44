"""Pages for department content: the office's call and completeness board, the department's
calls and its submission form with uploads, the submission page with versions and the office's
review, and the agenda builder."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.access import DepartmentOnly, Identity, OfficeOnly, StaffOnly
from app.briefings import service as briefings
from app.briefings.models import STATUS_LABELS
from app.content import agenda, diff, service, states
from app.content.models import (
    CALL_STATUS_LABELS,
    SUBMISSION_STATUS_LABELS,
    CallStatus,
    ContentCall,
    Submission,
)
from app.db import SessionDep
from app.errors import Conflict, FileTooLarge, NotFound, UnsupportedFile, ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_ids, parse_int, parse_time
from app.i18n import Msg
from app.orgs import service as orgs
from app.storage import ACCEPT_ATTR, download_headers
from app.templating import is_fragment_request, redirect, render
from app.timeutil import to_local, utcnow

router = APIRouter(include_in_schema=False)
SAVE, SUBMIT, INCLUDE, EXCLUDE = (
    states.Action.SAVE,
    states.Action.SUBMIT,
    states.Action.INCLUDE,
    states.Action.EXCLUDE,
)
Text = Annotated[str, Form()]
BOARD_LABELS = {
    "nothing": Msg("Nothing yet"),
    **{k.value: Msg(v) for k, v in SUBMISSION_STATUS_LABELS.items()},
}


def _labels() -> dict[str, Any]:
    return {
        "status_labels": SUBMISSION_STATUS_LABELS,
        "call_labels": CALL_STATUS_LABELS,
        "board_labels": BOARD_LABELS,
        "briefing_labels": STATUS_LABELS,
        "action_labels": states.ACTION_LABELS,
    }


# --- The office: call and completeness board ----------------------------------------------------


def _call_form(session: Session, briefing_id: int, call: ContentCall | None) -> dict[str, Any]:
    briefing = briefings.get(session, briefing_id)
    if call is not None:
        deadline = to_local(call.deadline)
        chosen = service.recipients(session, call.id or 0)
        note = call.instructions
    else:
        deadline = to_local(service.default_deadline(session, briefing))
        chosen = briefings.invitee_ids(session, briefing_id)
        note = ""
    return {
        "organisation_ids": chosen,
        "deadline_day": deadline.date().isoformat(),
        "deadline_time": deadline.strftime("%H:%M"),
        "instructions": note,
    }


def _content_page(
    request: Request,
    session: Session,
    briefing_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    briefing = briefings.get(session, briefing_id)
    call = service.call_for_briefing(session, briefing_id)
    rows = service.board(session, call) if call else []
    ctx = _labels() | {
        "briefing": briefing,
        "call": call,
        "board": rows,
        "counts": service.board_counts(rows),
        "form": form or _call_form(session, briefing_id, call),
        "errors": errors or {},
        "organisations": orgs.list_organisations(session),
        "now": utcnow(),
    }
    return render(request, "content/office_call.html", ctx, status_code=status_code)


@router.get("/office/briefings/{briefing_id:int}/content")
def content_page(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return _content_page(request, session, briefing_id)


async def _call_input(request: Request) -> tuple[dict[str, Any], service.CallInput]:
    data = await request.form()
    chosen = parse_ids([str(v) for v in data.getlist("organisation_ids")])
    day, at = str(data.get("deadline_day", "")), str(data.get("deadline_time", ""))
    note = str(data.get("instructions", ""))
    form = {
        "organisation_ids": chosen,
        "deadline_day": day,
        "deadline_time": at,
        "instructions": note,
    }
    data_in = service.CallInput(
        organisation_ids=list(chosen),
        deadline_day=parse_date(day),
        deadline_time=parse_time(at),
        instructions=note,
    )
    return form, data_in


@router.post("/office/briefings/{briefing_id:int}/content")
async def open_call(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    form, data = await _call_input(request)
    call = service.call_for_briefing(session, briefing_id)
    try:
        if call is None:
            service.open_call(session, actor=identity.actor, briefing_id=briefing_id, data=data)
            flash(request, Msg("The call for content has been sent to the organisations."))
        else:
            service.update_call(session, actor=identity.actor, call_id=call.id or 0, data=data)
            flash(request, Msg("The call for content has been updated."))
    except ValidationFailed as exc:
        return _content_page(
            request, session, briefing_id, form=form, errors=exc.errors, status_code=422
        )
    return redirect(request, f"/office/briefings/{briefing_id}/content")


@router.post("/office/calls/{call_id:int}/close")
def close_call(
    request: Request, call_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    call = service.set_call_status(
        session, actor=identity.actor, call_id=call_id, status=CallStatus.CLOSED
    )
    flash(request, Msg("The call is closed: departments can no longer submit, even late."))
    return redirect(request, f"/office/briefings/{call.briefing_id}/content")


@router.post("/office/calls/{call_id:int}/reopen")
def reopen_call(
    request: Request, call_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    call = service.set_call_status(
        session, actor=identity.actor, call_id=call_id, status=CallStatus.OPEN
    )
    flash(request, Msg("The call is open again."))
    return redirect(request, f"/office/briefings/{call.briefing_id}/content")


# --- The department: its calls ------------------------------------------------------------------


@router.get("/dept/calls")
def department_calls(request: Request, identity: DepartmentOnly, session: SessionDep) -> Response:
    rows = service.calls(session, actor=identity.actor)
    now = utcnow()
    ctx = _labels() | {
        "open_rows": [
            r for r in rows if r.call.status == CallStatus.OPEN and r.briefing.starts_at > now
        ],
        "past_rows": [
            r for r in rows if not (r.call.status == CallStatus.OPEN and r.briefing.starts_at > now)
        ],
        "now": now,
    }
    return render(request, "content/department_calls.html", ctx)


@router.post("/dept/calls/{call_id:int}/start")
def start_submission(
    request: Request, call_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    sub = service.start_submission(session, actor=identity.actor, call_id=call_id)
    return redirect(request, f"/submissions/{sub.id}/edit")


# --- One submission: view, versions, review -------------------------------------------------------


def _submission_context(session: Session, sub: Submission, identity: Identity) -> dict[str, Any]:
    assert sub.id is not None
    call = session.get(ContentCall, sub.call_id)
    assert call is not None
    actor = identity.actor
    who = states.Actor.OFFICE if service.is_office(actor) else states.Actor.DEPARTMENT
    return _labels() | {
        "sub": sub,
        "call": call,
        "briefing": briefings.get(session, call.briefing_id),
        "org": orgs.get(session, sub.organisation_id),
        "files": service.attachments(session, [sub.id])[sub.id],
        "versions": service.versions(session, sub.id),
        "is_office": who == states.Actor.OFFICE,
        "actions": [
            a
            for a in states.allowed_actions(sub.status, who)
            # saving and submitting are the edit form's; the agenda page includes and excludes
            if a not in (SAVE, SUBMIT, INCLUDE, EXCLUDE)
        ],
        "editable": who == states.Actor.DEPARTMENT and sub.status in states.EDITABLE,
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
    if not service.is_office(identity.actor) and sub.status in states.EDITABLE and latest:
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
        chosen = states.Action(action)
    except ValueError:
        raise NotFound() from None
    try:
        service.act(
            session,
            actor=identity.actor,
            submission_id=submission_id,
            action=chosen,
            comment=comment,
            expected_revision=parse_int(revision),
        )
    except ValidationFailed as exc:
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        ctx = _submission_context(session, sub, identity) | {
            "errors": exc.errors,
            "comment": comment,
            "field_labels": diff.FIELD_LABELS,
        }
        return render(request, "content/submission.html", ctx, status_code=422)
    flash(request, Msg(states.ACTION_DONE[chosen]))
    return redirect(request, f"/submissions/{submission_id}")


@router.get("/submissions/{submission_id:int}/files/{attachment_id:int}")
def download(
    request: Request,
    submission_id: int,
    attachment_id: int,
    identity: StaffOnly,
    session: SessionDep,
) -> Response:
    att, path = service.get_attachment(
        session,
        attachment_id,
        actor=identity.actor,
        directory=request.app.state.settings.upload_dir,
    )
    if att.submission_id != submission_id:
        raise NotFound()
    return FileResponse(path, media_type=att.content_type, headers=download_headers(att.filename))


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
) -> Response:
    ctx = _submission_context(session, sub, identity) | {
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
    if sub.status not in states.EDITABLE:
        return redirect(request, f"/submissions/{submission_id}")
    return _edit_page(request, session, sub, identity, _form_of(sub))


@router.post("/submissions/{submission_id:int}/edit")
async def edit_submit(
    request: Request, submission_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in TEXT_FIELDS}
    questions, answers = data.getlist("qa_question"), data.getlist("qa_answer")
    form["qa"] = [
        {"question": str(q), "answer": str(a)}
        for q, a in zip(questions, answers, strict=False)
        if str(q).strip() or str(a).strip()
    ]
    form["revision"] = str(data.get("revision", ""))
    submit = data.get("intent") == "submit"
    content = service.SubmissionInput(**{k: form[k] for k in TEXT_FIELDS}, qa=list(form["qa"]))
    try:
        service.save(
            session,
            actor=identity.actor,
            submission_id=submission_id,
            data=content,
            expected_revision=parse_int(form["revision"]),
            submit=submit,
        )
    except ValidationFailed as exc:
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        return _edit_page(request, session, sub, identity, form, errors=exc.errors, status_code=422)
    except Conflict as exc:
        # Someone saved in the meantime (or the office acted): give the text back, lose nothing.
        session.rollback()
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        errors = {"form": exc.detail or Msg(exc.title)}
        form["revision"] = sub.revision  # a deliberate second save may now go through
        return _edit_page(request, session, sub, identity, form, errors=errors, status_code=409)
    flash(request, Msg(states.ACTION_DONE[states.Action.SUBMIT if submit else states.Action.SAVE]))
    if submit:
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
            directory=settings.upload_dir,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    except ValidationFailed as exc:
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        return _edit_page(
            request, session, sub, identity, _form_of(sub), errors=exc.errors, status_code=422
        )
    except (FileTooLarge, UnsupportedFile) as exc:
        # 413 / 415, with the form back and the reason beside the file field; nothing was kept.
        sub = service.get_submission(session, submission_id, actor=identity.actor)
        errors = {"files": exc.detail or Msg(exc.title)}
        return _edit_page(
            request, session, sub, identity, _form_of(sub), errors=errors, status_code=exc.status
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


# --- The agenda builder ---------------------------------------------------------------------------


def _agenda_page(
    request: Request,
    session: Session,
    briefing_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    failed_item: int | None = None,
    status_code: int = 200,
) -> Response:
    briefing = briefings.get(session, briefing_id)
    rows = agenda.items(session, briefing_id)
    ctx = _labels() | {
        "briefing": briefing,
        "items": rows,
        "total": agenda.total_minutes(rows),
        "planned": int((briefing.ends_at - briefing.starts_at) / timedelta(minutes=1)),
        "waiting": agenda.accepted_not_in_agenda(session, briefing_id),
        "org_names": {o.id: o for o in orgs.list_organisations(session, include_retired=True)},
        "form": form or {},
        "errors": errors or {},
        "failed_item": failed_item,
    }
    return render(request, "content/agenda.html", ctx, block="agenda", status_code=status_code)


@router.get("/office/briefings/{briefing_id:int}/agenda")
def agenda_page(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return _agenda_page(request, session, briefing_id)


def _after_agenda_change(
    request: Request, session: Session, briefing_id: int, done: Msg
) -> Response:
    if is_fragment_request(request):
        return _agenda_page(request, session, briefing_id)
    flash(request, done)
    return redirect(request, f"/office/briefings/{briefing_id}/agenda")


@router.post("/office/briefings/{briefing_id:int}/agenda")
def agenda_add(
    request: Request,
    briefing_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    title: Text = "",
    presenter: Text = "",
    minutes: Text = "",
    submission_id: Text = "",
) -> Response:
    form = {"title": title, "presenter": presenter, "minutes": minutes}
    try:
        agenda.add(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            title=title,
            presenter=presenter,
            minutes=parse_int(minutes),
            minutes_raw=minutes,
            submission_id=parse_int(submission_id),
        )
    except ValidationFailed as exc:
        return _agenda_page(
            request, session, briefing_id, form=form, errors=exc.errors, status_code=422
        )
    return _after_agenda_change(
        request, session, briefing_id, Msg("The item has been added to the agenda.")
    )


@router.post("/office/briefings/{briefing_id:int}/agenda/{item_id:int}")
def agenda_update(
    request: Request,
    briefing_id: int,
    item_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    title: Text = "",
    presenter: Text = "",
    minutes: Text = "",
) -> Response:
    try:
        agenda.update(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            item_id=item_id,
            title=title,
            presenter=presenter,
            minutes=parse_int(minutes),
            minutes_raw=minutes,
        )
    except ValidationFailed as exc:
        form = {"title": title, "presenter": presenter, "minutes": minutes}
        return _agenda_page(
            request,
            session,
            briefing_id,
            form=form,
            errors=exc.errors,
            failed_item=item_id,
            status_code=422,
        )
    return _after_agenda_change(
        request, session, briefing_id, Msg("The agenda item has been saved.")
    )


@router.post("/office/briefings/{briefing_id:int}/agenda/{item_id:int}/move")
def agenda_move(
    request: Request,
    briefing_id: int,
    item_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    to: Text = "",
) -> Response:
    position = parse_int(to)
    if position is None:
        raise ValidationFailed({"to": Msg("Choose where to move the item.")})
    agenda.move(
        session, actor=identity.actor, briefing_id=briefing_id, item_id=item_id, to=position
    )
    return _after_agenda_change(
        request, session, briefing_id, Msg("The agenda has been reordered.")
    )


@router.post("/office/briefings/{briefing_id:int}/agenda/{item_id:int}/remove")
def agenda_remove(
    request: Request, briefing_id: int, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    agenda.remove(session, actor=identity.actor, briefing_id=briefing_id, item_id=item_id)
    return _after_agenda_change(
        request, session, briefing_id, Msg("The item has been removed from the agenda.")
    )
