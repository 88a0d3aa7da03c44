"""The agenda builder for the office: items typed or taken from accepted content, with a
presenter and minutes each, kept in order (HTMX swaps the agenda block after each change)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import OfficeOnly
from app.briefings import service as briefings
from app.content import agenda
from app.content.web.common import Text, labels
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_int
from app.i18n import Msg
from app.orgs import service as orgs
from app.templating import is_fragment_request, redirect, render

router = APIRouter(include_in_schema=False)


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
    ctx = labels() | {
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
