"""The live briefing for journalists: the phone page (send a question, follow one's own and its
place in the queue, up-vote others' questions the moderator let in) and the room's display (the
current question in very large type, the next one, and a QR code of the phone page's address).
They poll as the moderator's screen does (`live_common`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import Identity, JournalistOnly, Public
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.db import SessionDep
from app.errors import Conflict, TooManyRequests, ValidationFailed
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


def _journalist_version(session: Session, briefing: Briefing, mine: list[Question]) -> str:
    """The version of one's own questions, their places in the queue included."""
    return live_common.digest(
        service.is_live(briefing),
        service.live_fingerprint(session, briefing.id or 0),
        *((q.id, q.revision, q.live_state, q.status) for q in mine),
    )


def _board_version(session: Session, briefing: Briefing) -> str:
    """The version of the queue journalists see: its questions and their votes."""
    return live_common.digest(
        service.is_live(briefing),
        service.live_fingerprint(session, briefing.id or 0),
        service.votes_fingerprint(session, briefing.id or 0),
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
    board_notice: Msg | None = None,
    board_error: Msg | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    assert briefing.id is not None and identity.user is not None
    mine = _mine(session, identity, briefing.id)
    version = _journalist_version(session, briefing, mine)
    board_version = _board_version(session, briefing)
    ctx = {
        "briefing": briefing,
        "live": service.is_live(briefing),
        "mine": mine,
        "version": version,
        "board": service.public_queue(session, briefing.id, user_id=identity.user.id),
        "board_version": board_version,
        "board_notice": board_notice,
        "board_error": board_error,
        "me": identity.user.id,
        "text": text,
        "errors": errors or {},
        "notice": notice,
        "live_labels": LIVE_LABELS,
        "status_labels": STATUS_LABELS,
        "max_text": service.MAX_TEXT,
    }
    polled = {"mine": version, "board": board_version}.get(block)
    extra = (
        live_common.fragment_headers(request, live_common.etag(request, identity, polled))
        if polled is not None
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
    version = _journalist_version(session, briefing, _mine(session, identity, briefing_id))
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


@router.get("/briefings/{briefing_id:int}/live/queue")
def journalist_board(
    request: Request, briefing_id: int, identity: JournalistOnly, session: SessionDep, v: str = ""
) -> Response:
    """The queue as journalists see it, with its votes (polled; the whole page without HTMX)."""
    briefing = briefings.get_public(session, briefing_id)
    version = _board_version(session, briefing)
    unchanged = live_common.unchanged(
        request, identity, live_common.etag(request, identity, version), version, v
    )
    if unchanged is not None:
        return unchanged
    return _journalist_response(request, session, identity, briefing, block="board")


@router.post("/briefings/{briefing_id:int}/live/{question_id:int}/vote")
async def journalist_vote(
    request: Request,
    briefing_id: int,
    question_id: int,
    identity: JournalistOnly,
    session: SessionDep,
) -> Response:
    """Vote for a question in the queue (up=1), or take the vote back (up=0)."""
    briefing = briefings.get_public(session, briefing_id)
    data = await request.form()
    up = str(data.get("up", "1")) != "0"
    try:
        service.vote(
            session, actor=identity.actor, briefing_id=briefing_id, question_id=question_id, up=up
        )
    except Conflict as exc:
        problem = exc.detail or Msg(Conflict.title)
        if is_fragment_request(request):
            return _journalist_response(
                request,
                session,
                identity,
                briefing,
                block="board",
                board_error=problem,
                status_code=409,
            )
        flash(request, problem, "warning")
        return redirect(request, live_common.journalist_url(briefing_id))
    notice = Msg("Your vote has been counted.") if up else Msg("Your vote has been taken back.")
    if is_fragment_request(request):
        return _journalist_response(
            request, session, identity, briefing, block="board", board_notice=notice
        )
    flash(request, notice, "success")
    return redirect(request, live_common.journalist_url(briefing_id))


# --- The room's display ---------------------------------------------------------------------------------


@router.get("/briefings/{briefing_id:int}/display")
def display(
    request: Request, briefing_id: int, identity: Public, session: SessionDep, v: str = ""
) -> Response:
    briefing = briefings.get_public(session, briefing_id)
    board = service.public_queue(session, briefing_id, user_id=None)
    q, following = board.current, (board.waiting[0] if board.waiting else None)
    version = live_common.digest(
        *((x.id, x.revision) if x is not None else "-" for x in (q, following))
    )
    etag = live_common.etag(request, identity, version)
    unchanged = live_common.unchanged(request, identity, etag, version, v)
    if unchanged is not None:
        return unchanged
    # The QR code and the address written out are the phone page's, on the site's public
    # address (PUBLIC_BASE_URL), never the Host the display's browser happened to use.
    address = request.app.state.settings.absolute_url(live_common.journalist_url(briefing_id))
    ctx = {
        "briefing": briefing,
        "q": q,
        "following": following,
        "version": version,
        "agency": live_common.org_names(session, [q.agency_id]).get(q.agency_id or 0)
        if q
        else None,
        "qr": live_common.qr_svg(address),
        "short_address": live_common.short_address(address),
    }
    return render(
        request,
        "questions/live_display.html",
        ctx,
        block="screen",
        headers=live_common.fragment_headers(request, etag),
    )
