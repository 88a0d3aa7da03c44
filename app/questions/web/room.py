"""The live briefing for journalists: the phone page (send a question, follow one's own) and the
room's display (the current question in very large type). Both poll as the moderator's screen
does (`live_common`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import Identity, JournalistOnly, Public
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.db import SessionDep
from app.errors import TooManyRequests, ValidationFailed
from app.flash import flash
from app.i18n import Msg
from app.questions import service
from app.questions.models import (
    LIVE_LABELS,
    STATUS_LABELS,
    Question,
)
from app.questions.web import live_common
from app.templating import is_fragment_request, redirect, render, request_locale

router = APIRouter(include_in_schema=False)
SENT = "live-sent"  # HTMX event: the journalist's list refreshes at once

# --- The journalist's phone page ----------------------------------------------------------------------


def _mine(session: Session, identity: Identity, briefing_id: int) -> list[Question]:
    filters = service.Filters(briefing_id=briefing_id)
    return service.listing(session, actor=identity.actor, filters=filters)


def _journalist_version(briefing: Briefing, mine: list[Question]) -> str:
    return live_common.digest(
        service.is_live(briefing), *((q.id, q.revision, q.live_state, q.status) for q in mine)
    )


def _journalist_response(
    request: Request,
    session: Session,
    identity: Identity,
    briefing: Briefing,
    *,
    block: str = "mine",
    text: str = "",
    errors: dict[str, Msg] | None = None,
    notice: Msg | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    assert briefing.id is not None
    mine = _mine(session, identity, briefing.id)
    version = _journalist_version(briefing, mine)
    ctx = {
        "briefing": briefing,
        "live": service.is_live(briefing),
        "mine": mine,
        "version": version,
        "text": text,
        "errors": errors or {},
        "notice": notice,
        "live_labels": LIVE_LABELS,
        "status_labels": STATUS_LABELS,
        "max_text": service.MAX_TEXT,
    }
    extra = (
        live_common.fragment_headers(request, live_common.etag(request, identity, version))
        if block == "mine"
        else {}
    )
    return render(
        request,
        "questions/live_journalist.html",
        ctx,
        block=block,
        status_code=status_code,
        headers=extra | (headers or {}),
    )


@router.get("/briefings/{briefing_id:int}/live")
def journalist_page(
    request: Request, briefing_id: int, identity: JournalistOnly, session: SessionDep, v: str = ""
) -> Response:
    briefing = briefings.get_public(session, briefing_id)
    version = _journalist_version(briefing, _mine(session, identity, briefing_id))
    unchanged = live_common.unchanged(
        request, identity, live_common.etag(request, identity, version), version, v
    )
    if unchanged is not None:
        return unchanged
    return _journalist_response(request, session, identity, briefing)


@router.post("/briefings/{briefing_id:int}/live")
async def journalist_send(
    request: Request, briefing_id: int, identity: JournalistOnly, session: SessionDep
) -> Response:
    briefing = briefings.get_public(session, briefing_id)
    data = await request.form()
    text = str(data.get("text", ""))
    if not service.is_live(briefing):
        # The page now says so and points to the form for questions sent before a briefing.
        flash(request, Msg("This briefing is not taking questions from the room now."), "warning")
        return redirect(request, live_common.journalist_url(briefing_id))
    locale = request_locale(request)
    settings = request.app.state.settings
    question = service.QuestionInput(
        text=text,
        briefing_id=briefing_id,
        language=locale if locale in service.LANGUAGES else "vi",
    )
    try:
        _saved, created = service.ask(
            session,
            actor=identity.actor,
            data=question,
            rate_limit=settings.question_rate_limit,
            rate_window_minutes=settings.question_rate_window_minutes,
            duplicate_seconds=settings.question_duplicate_seconds,
        )
    except ValidationFailed as exc:
        return _journalist_response(
            request,
            session,
            identity,
            briefing,
            block="ask",
            text=text,
            errors=exc.errors,
            status_code=422,
        )
    except TooManyRequests as exc:
        # Shown beside the field (the text typed is kept), not as a whole error page.
        message = exc.detail or Msg("Wait a few minutes, then try again.")
        return _journalist_response(
            request,
            session,
            identity,
            briefing,
            block="ask",
            text=text,
            errors={"text": message},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    notice = (
        Msg("Your question has been sent to the moderator.")
        if created
        else Msg("You already sent this question.")
    )
    if is_fragment_request(request):
        return _journalist_response(
            request,
            session,
            identity,
            briefing,
            block="ask",
            notice=notice,
            headers={"HX-Trigger": SENT},
        )
    flash(request, notice, "success" if created else "info")
    return redirect(request, live_common.journalist_url(briefing_id))


# --- The room's display ---------------------------------------------------------------------------------


@router.get("/briefings/{briefing_id:int}/display")
def display(
    request: Request, briefing_id: int, identity: Public, session: SessionDep, v: str = ""
) -> Response:
    briefing = briefings.get_public(session, briefing_id)
    q = service.current(session, briefing_id)
    version = live_common.digest(q.id, q.revision) if q is not None else "waiting"
    etag = live_common.etag(request, identity, version)
    unchanged = live_common.unchanged(request, identity, etag, version, v)
    if unchanged is not None:
        return unchanged
    ctx = {
        "briefing": briefing,
        "q": q,
        "version": version,
        "agency": live_common.org_names(session, [q.agency_id]).get(q.agency_id or 0)
        if q
        else None,
    }
    return render(
        request,
        "questions/live_display.html",
        ctx,
        block="screen",
        headers=live_common.fragment_headers(request, etag),
    )
