"""The live briefing's moderator screen (the queue of questions sent from the room: allow
with the wording edited, dismiss, reorder, merge, "next question", and a question asked aloud
recorded by the office). The journalist's phone page and the room's display are in `room`.

Each screen polls its own address with HTMX every few seconds. The polled element carries the
version it shows (`?v=`): when nothing changed, the answer is an empty 204 (HTMX swaps nothing)
after one small query, and a conditional request (If-None-Match with the fragment's ETag) gets
304. Without JavaScript every action is a plain form and each page has a refresh link. Every
rule is in `service`; the routes read forms, call one service function and render.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from app.access import Identity, OfficeOnly
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.db import SessionDep
from app.errors import Conflict, NotFound, ValidationFailed
from app.flash import flash
from app.forms import parse_int
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.questions import service
from app.questions.models import (
    LIVE_LABELS,
    STATUS_LABELS,
    Channel,
    LiveState,
    Question,
    QuestionStatus,
)
from app.questions.web import live_common
from app.templating import is_fragment_request, redirect, render

router = APIRouter(include_in_schema=False)

# The moderator's screen shows the queue in these groups, in this order.
GROUPS = (
    LiveState.CURRENT,
    LiveState.ALLOWED,
    LiveState.PENDING,
    LiveState.ANSWERED,
    LiveState.DISMISSED,
)
GROUP_TITLES: dict[LiveState, Msg] = {
    LiveState.CURRENT: Msg("Now being answered"),
    LiveState.ALLOWED: Msg("Allowed, in the order they will be put"),
    LiveState.PENDING: Msg("Waiting for the moderator"),
    LiveState.ANSWERED: Msg("Answered"),
    LiveState.DISMISSED: Msg("Dismissed"),
}
ORDERED = (LiveState.ALLOWED, LiveState.PENDING)  # groups whose order the moderator sets
KEPT = (QuestionStatus.MERGED, QuestionStatus.DECLINED)  # not offered as merge targets
RECORD_FIELDS = ("text", "asker_name", "agency_id", "agency_name")
# Two moderators acting on the same question at once: the row's version counter refuses the
# second change (StaleDataError); the queue is shown again with this message.
RACED = Msg(
    "Someone else changed the queue at the same moment, so nothing was changed. "
    "Check the queue and try again."
)
CHANGED = "live-changed"  # HTMX event: the moderator's queue refreshes at once


# --- The moderator's screen ---------------------------------------------------------------------------


def _office_version(session: Session, briefing: Briefing) -> str:
    assert briefing.id is not None
    return live_common.digest(
        service.live_fingerprint(session, briefing.id),
        service.votes_fingerprint(session, briefing.id),
        service.is_live(briefing),
        briefing.status,
        briefing.sequence,
    )


def _empty_record() -> dict[str, Any]:
    return dict.fromkeys(RECORD_FIELDS, "")


def _office_context(
    request: Request,
    session: Session,
    briefing: Briefing,
    *,
    errors: dict[str, Msg] | None = None,
    failed: int | None = None,
    texts: dict[int, str] | None = None,
    notice: Msg | None = None,
    record: dict[str, Any] | None = None,
    record_errors: dict[str, Msg] | None = None,
    record_notice: Msg | None = None,
) -> dict[str, Any]:
    assert briefing.id is not None
    queue = service.live_queue(session, briefing.id)
    index = {q.id: i for i, q in enumerate(queue)}
    groups = {state: [q for q in queue if q.live_state == state] for state in GROUPS}
    # Up and down move a question past its neighbour in its group: `to` is that neighbour's
    # place in the whole queue (service.move takes the question out, then inserts it there).
    moves: dict[int | None, tuple[int | None, int | None]] = {}
    for state in ORDERED:
        group = groups[state]
        for i, q in enumerate(group):
            up = index[group[i - 1].id] if i > 0 else None
            down = index[group[i + 1].id] if i + 1 < len(group) else None
            moves[q.id] = (up, down)
    return {
        "briefing": briefing,
        "version": _office_version(session, briefing),
        "live": service.is_live(briefing),
        "queue": queue,
        "groups": [(state, GROUP_TITLES[state], groups[state]) for state in GROUPS],
        "moves": moves,
        "current_id": groups[LiveState.CURRENT][0].id if groups[LiveState.CURRENT] else "",
        "targets": [q for q in queue if q.status not in KEPT],
        "ordered": ORDERED,
        "live_labels": LIVE_LABELS,
        "status_labels": STATUS_LABELS,
        # Journalists' up-votes, shown beside each question: they never reorder the queue.
        "votes": service.vote_counts(session, (q.id for q in queue)),
        "users": live_common.users(session, (q.journalist_id for q in queue)),
        "names": live_common.org_names(session, (q.agency_id for q in queue)),
        "errors": errors or {},
        "failed": failed,
        "texts": texts or {},
        "notice": notice,
        "record": record or _empty_record(),
        "record_errors": record_errors or {},
        "record_notice": record_notice,
        "agencies": orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,)),
        "max_text": service.MAX_TEXT,
    }


def _office_response(
    request: Request,
    session: Session,
    identity: Identity,
    briefing: Briefing,
    *,
    block: str = "queue",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **kw: Any,
) -> Response:
    ctx = _office_context(request, session, briefing, **kw)
    etag = live_common.etag(request, identity, ctx["version"])
    return render(
        request,
        "questions/live_office.html",
        ctx,
        block=block,
        status_code=status_code,
        headers=(live_common.fragment_headers(request, etag) if block == "queue" else {})
        | (headers or {}),
    )


@router.get("/office/briefings/{briefing_id:int}/live")
def moderator_page(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep, v: str = ""
) -> Response:
    briefing = briefings.get(session, briefing_id)
    version = _office_version(session, briefing)
    unchanged = live_common.unchanged(
        request, identity, live_common.etag(request, identity, version), version, v
    )
    if unchanged is not None:
        return unchanged
    return _office_response(request, session, identity, briefing)


def _done(
    request: Request, session: Session, identity: Identity, briefing: Briefing, notice: Msg
) -> Response:
    """After an action: the fresh queue for HTMX, else back to the page with a message."""
    if is_fragment_request(request):
        return _office_response(request, session, identity, briefing, notice=notice)
    flash(request, notice)
    return redirect(request, live_common.office_url(briefing.id or 0))


def _refused(
    request: Request,
    session: Session,
    identity: Identity,
    briefing: Briefing,
    exc: ValidationFailed | Conflict | StaleDataError,
    *,
    question_id: int | None = None,
    texts: dict[int, str] | None = None,
) -> Response:
    """The queue again with the errors beside the question's fields (or above the queue)."""
    if isinstance(exc, ValidationFailed):
        errors, status = exc.errors, 422
    elif isinstance(exc, Conflict):
        errors, status = {"form": exc.detail or Msg(Conflict.title)}, 409
    else:
        errors, status = {"form": RACED}, 409
    return _office_response(
        request,
        session,
        identity,
        briefing,
        errors=errors,
        failed=question_id,
        texts=texts,
        status_code=status,
    )


@router.post("/office/briefings/{briefing_id:int}/live/{question_id:int}/allow")
async def allow(
    request: Request,
    briefing_id: int,
    question_id: int,
    identity: OfficeOnly,
    session: SessionDep,
) -> Response:
    briefing = briefings.get(session, briefing_id)
    data = await request.form()
    text = data.get("text")
    wording = text if isinstance(text, str) else None
    try:
        q = service.allow(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            question_id=question_id,
            text=wording,
        )
    except (ValidationFailed, Conflict, StaleDataError) as exc:
        texts = {question_id: wording} if wording is not None else {}
        return _refused(
            request, session, identity, briefing, exc, question_id=question_id, texts=texts
        )
    return _done(
        request, session, identity, briefing, Msg("Question #%(id)s is allowed.", {"id": q.id})
    )


@router.post("/office/briefings/{briefing_id:int}/live/{question_id:int}/dismiss")
def dismiss(
    request: Request,
    briefing_id: int,
    question_id: int,
    identity: OfficeOnly,
    session: SessionDep,
) -> Response:
    briefing = briefings.get(session, briefing_id)
    try:
        q = service.dismiss(
            session, actor=identity.actor, briefing_id=briefing_id, question_id=question_id
        )
    except (Conflict, StaleDataError) as exc:
        return _refused(request, session, identity, briefing, exc, question_id=question_id)
    return _done(
        request, session, identity, briefing, Msg("Question #%(id)s is dismissed.", {"id": q.id})
    )


@router.post("/office/briefings/{briefing_id:int}/live/{question_id:int}/move")
async def move(
    request: Request,
    briefing_id: int,
    question_id: int,
    identity: OfficeOnly,
    session: SessionDep,
) -> Response:
    briefing = briefings.get(session, briefing_id)
    data = await request.form()
    raw = data.get("to")
    to = parse_int(raw if isinstance(raw, str) else "")
    if to is None:
        problem = ValidationFailed({"form": Msg("Choose where to move the question.")})
        return _refused(request, session, identity, briefing, problem, question_id=question_id)
    try:
        service.move(
            session, actor=identity.actor, briefing_id=briefing_id, question_id=question_id, to=to
        )
    except StaleDataError as exc:
        return _refused(request, session, identity, briefing, exc, question_id=question_id)
    return _done(
        request, session, identity, briefing, Msg("Question #%(id)s moved.", {"id": question_id})
    )


@router.post("/office/briefings/{briefing_id:int}/live/{question_id:int}/merge")
async def merge(
    request: Request,
    briefing_id: int,
    question_id: int,
    identity: OfficeOnly,
    session: SessionDep,
) -> Response:
    briefing = briefings.get(session, briefing_id)
    q = session.get(Question, question_id)
    if q is None or q.briefing_id != briefing_id or q.live_state is None:
        raise NotFound()  # only a question of this briefing's queue, as the other actions
    data = await request.form()
    raw = data.get("into_id")
    into = parse_int(raw if isinstance(raw, str) else "")
    try:
        service.merge(session, actor=identity.actor, question_id=question_id, into_id=into or 0)
    except (ValidationFailed, Conflict, StaleDataError) as exc:
        return _refused(request, session, identity, briefing, exc, question_id=question_id)
    return _done(
        request,
        session,
        identity,
        briefing,
        Msg("Question #%(id)s is merged into #%(into)s.", {"id": question_id, "into": into}),
    )


@router.post("/office/briefings/{briefing_id:int}/live/next")
async def next_question(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    briefing = briefings.get(session, briefing_id)
    data = await request.form()
    raw = data.get("current_id")
    # The current question the screen showed ("" for none): a second press does not skip one.
    expected = parse_int(raw) or 0 if isinstance(raw, str) else None
    try:
        q = service.next_question(
            session, actor=identity.actor, briefing_id=briefing_id, expected_current=expected
        )
    except (Conflict, StaleDataError) as exc:  # pressed twice, or on two screens at once
        return _refused(request, session, identity, briefing, exc)
    notice = (
        Msg("Now: question #%(id)s.", {"id": q.id})
        if q is not None
        else Msg("No allowed question is waiting: allow one first.")
    )
    return _done(request, session, identity, briefing, notice)


@router.post("/office/briefings/{briefing_id:int}/live/record")
async def record(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    """A question asked aloud in the room, typed by the office: it joins the queue allowed."""
    briefing = briefings.get(session, briefing_id)
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in RECORD_FIELDS}
    question = service.QuestionInput(
        text=form["text"],
        channel=Channel.BRIEFING,
        briefing_id=briefing_id,
        asker_name=form["asker_name"],
        agency_id=parse_int(form["agency_id"]),
        agency_name=form["agency_name"],
    )
    try:
        saved = service.record(session, actor=identity.actor, data=question)
    except ValidationFailed as exc:
        return _office_response(
            request,
            session,
            identity,
            briefing,
            block="record",
            record=form,
            record_errors=exc.errors,
            status_code=422,
        )
    notice = (
        Msg("Question #%(id)s has been added to the queue.", {"id": saved.id})
        if saved.live_state is not None
        else Msg(
            "Question #%(id)s has been recorded. The briefing is not taking questions from "
            "the room now, so it is not in the queue.",
            {"id": saved.id},
        )
    )
    if is_fragment_request(request):
        return _office_response(
            request,
            session,
            identity,
            briefing,
            block="record",
            record_notice=notice,
            headers={"HX-Trigger": CHANGED},
        )
    flash(request, notice)
    return redirect(request, live_common.office_url(briefing_id))
