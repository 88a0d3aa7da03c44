"""Calls for content: the office's call and completeness board for a briefing, and the
department's list of calls with the start of its content."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import DepartmentOnly, OfficeOnly
from app.briefings import service as briefings
from app.content import service
from app.content.models import CallStatus, ContentCall
from app.content.web.common import labels
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_ids, parse_time
from app.i18n import Msg
from app.orgs import service as orgs
from app.templating import redirect, render
from app.timeutil import to_local, utcnow

router = APIRouter(include_in_schema=False)


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
    ctx = labels() | {
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
    ctx = labels() | {
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
