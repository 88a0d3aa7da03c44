"""The inbox page, its count in the header and the office's reminder button."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import ActiveUser, OfficeOnly, current_identity
from app.audit.service import Actor
from app.db import SessionDep
from app.errors import Conflict
from app.flash import flash
from app.i18n import Msg
from app.inbox import service
from app.staffcache.cache import kept
from app.templating import redirect, render
from app.timeutil import utcnow

router = APIRouter(include_in_schema=False)


@router.get("/inbox")
@kept
def inbox_page(request: Request, identity: ActiveUser, session: SessionDep) -> Response:
    now = utcnow()
    sections = page_sections(request, session, identity.actor, now)
    return render(request, "inbox/inbox.html", {"sections": sections, "now": now})


@router.post("/inbox/remind")
def remind(
    request: Request, identity: OfficeOnly, session: SessionDep, target: str = Form(max_length=60)
) -> Response:
    """One reminder a day per item; audited (see `service.remind`)."""
    try:
        sent = service.remind(session, actor=identity.actor, target=target)
    except Conflict as exc:
        flash(request, exc.detail or Msg(Conflict.title), "warning")
        return redirect(request, "/inbox")
    if sent:
        flash(request, Msg("Reminder sent to the organisation."))
    else:
        flash(request, Msg("This organisation was already reminded of it today."), "info")
    return redirect(request, "/inbox")


def page_sections(
    request: Request, session: Session, actor: Actor, now: datetime
) -> list[service.Section]:
    """The sections of a page that shows them (the inbox, the dashboard): the header's count on
    the same page is their total, not read a second time."""
    sections = service.sections_for(session, actor, now)
    request.state.inbox_total = sum(s.total for s in sections)
    return sections


def page_context(request: Request) -> dict[str, Any]:
    """For every page: the header's count of waiting work, read only when the page shows it."""
    identity = current_identity(request)
    user = identity.user if identity else None

    def count() -> int | None:
        if identity is None or user is None:
            return None
        known: int | None = getattr(request.state, "inbox_total", None)
        if known is not None:
            return known
        try:
            with Session(request.app.state.engine) as session:
                return service.count_for(session, identity.actor)
        except Exception:  # an error page while the database is away must still render
            return None

    return {"inbox_count": count}
