"""A verified journalist's pages: register to attend a briefing (or change or cancel it), their
calendar event of it, and the list of their registrations."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import Identity, JournalistOnly
from app.attendance import ics, service
from app.attendance.models import MODE_LABELS, STATUS_LABELS, Mode, Registration
from app.briefings import service as briefings
from app.briefings.feeds import MEDIA_TYPE
from app.briefings.models import STATUS_LABELS as BRIEFING_LABELS
from app.briefings.models import Briefing
from app.db import SessionDep
from app.errors import NotFound, ValidationFailed
from app.flash import flash
from app.i18n import Msg
from app.templating import redirect, render, request_locale

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _form(reg: Registration | None) -> dict[str, str]:
    if reg is None or reg.status != "registered":
        return {"mode": "", "crew": ""}
    return {"mode": reg.mode.value, "crew": "\n".join(reg.crew)}


def _page(
    request: Request,
    session: Session,
    identity: Identity,
    briefing: Briefing,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    assert briefing.id is not None and identity.user is not None and identity.user.id is not None
    reg = service.registration_of(session, briefing.id, identity.user.id)
    ctx: dict[str, Any] = {
        "briefing": briefing,
        "kind": briefings.find_kind(session, briefing.kind_id),
        "summary": service.summary(session, briefing),
        "reg": reg,
        "form": form if form is not None else _form(reg),
        "errors": errors or {},
        "modes": [(m.value, MODE_LABELS[m]) for m in Mode],
        "mode_labels": MODE_LABELS,
        "status_labels": STATUS_LABELS,
        "briefing_labels": BRIEFING_LABELS,
        "max_crew": service.rules.MAX_CREW,
    }
    return render(
        request, "attendance/register.html", ctx, block="attendance", status_code=status_code
    )


@router.get("/briefings/{briefing_id:int}/attendance")
def attendance_page(
    request: Request, briefing_id: int, identity: JournalistOnly, session: SessionDep
) -> Response:
    """Register to attend, or see, change or cancel the registration."""
    return _page(request, session, identity, briefings.get_public(session, briefing_id))


@router.post("/briefings/{briefing_id:int}/attendance")
def register(
    request: Request,
    briefing_id: int,
    identity: JournalistOnly,
    session: SessionDep,
    mode: Text = "",
    crew: Text = "",
) -> Response:
    briefing = briefings.get_public(session, briefing_id)
    try:
        service.register(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            data=service.RegistrationInput(mode=mode, crew=crew),
        )
    except ValidationFailed as exc:
        form = {"mode": mode, "crew": crew}
        return _page(
            request, session, identity, briefing, form=form, errors=exc.errors, status_code=422
        )
    flash(request, Msg("You are registered. A confirmation is in your notices."))
    return redirect(request, f"/briefings/{briefing_id}/attendance")


@router.post("/briefings/{briefing_id:int}/attendance/cancel")
def cancel(
    request: Request, briefing_id: int, identity: JournalistOnly, session: SessionDep
) -> Response:
    briefing = briefings.get_public(session, briefing_id)
    try:
        service.cancel(session, actor=identity.actor, briefing_id=briefing_id)
    except ValidationFailed as exc:
        return _page(request, session, identity, briefing, errors=exc.errors, status_code=422)
    flash(request, Msg("Your registration has been cancelled."))
    return redirect(request, f"/briefings/{briefing_id}/attendance")


@router.get("/briefings/{briefing_id:int}/attendance.ics")
def attendance_ics(
    request: Request, briefing_id: int, identity: JournalistOnly, session: SessionDep
) -> Response:
    """The journalist's own calendar event of the briefing: updated after every change, a
    cancellation once the briefing or the registration is cancelled (404 without one)."""
    briefing = briefings.get_public(session, briefing_id)
    user = identity.user
    assert user is not None and user.id is not None
    reg = service.registration_of(session, briefing_id, user.id)
    if reg is None:
        raise NotFound()
    settings = request.app.state.settings
    locale = request_locale(request)
    body = ics.attendee_calendar(
        briefing,
        reg,
        kind=briefings.find_kind(session, briefing.kind_id),
        attendee_email=user.email,
        attendee_name=user.full_name,
        organiser_email=parseaddr(settings.mail_from)[1],
        organiser_name=settings.province_name,
        base_url=settings.absolute_url(),
        locale=locale,
    )
    return Response(
        body,
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="dang-ky-hop-bao-{briefing_id}.ics"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/attendance")
def my_registrations(request: Request, identity: JournalistOnly, session: SessionDep) -> Response:
    """The journalist's registrations: the coming briefings first, then the past ones."""
    user = identity.user
    assert user is not None and user.id is not None
    return render(
        request,
        "attendance/mine.html",
        {
            "rows": service.mine(session, user.id),
            "mode_labels": MODE_LABELS,
            "status_labels": STATUS_LABELS,
            "briefing_labels": BRIEFING_LABELS,
        },
    )
