"""Pages for verified journalists: "my questions" (each with its state, the organisation
answering, the due date and the reply: an answer, a holding answer with its new date, a refusal
with its legal ground, a merge or a decline), asking a question online (before a briefing or
without one), and one question with its approved answers. Every rule is in `service`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.access import JournalistOnly
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_int
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.questions import deadlines, service
from app.questions.deadlines import load_rules
from app.questions.models import ANSWER_KIND_LABELS, OPEN, STATUS_LABELS, Question
from app.templating import redirect, render, request_locale
from app.timeutil import format_datetime, utcnow

router = APIRouter(include_in_schema=False)
FIELDS = ("text", "topic", "language", "briefing_id")


def _labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "kind_labels": ANSWER_KIND_LABELS,
        "languages": service.LANGUAGES,
        "rules": load_rules(),
        "ground_of": deadlines.ground_of,
        "open_statuses": OPEN,
        "now": utcnow(),
    }


def _org_names(session: Session) -> dict[int, OrgView]:
    return {o.id: o for o in orgs.list_organisations(session, include_retired=True)}


def _by_id(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(model).where(col(model.id).in_(wanted))).all()
    return {r.id: r for r in rows}


def _upcoming_briefings(session: Session) -> list[Briefing]:
    """Announced briefings still to be held: those a question may be sent before."""
    rows, _total = briefings.public_list(session, upcoming=True, limit=50)
    return [b for b in rows if b.status in SCHEDULED]


# --- My questions ---------------------------------------------------------------------------------


@router.get("/questions")
def my_questions(request: Request, identity: JournalistOnly, session: SessionDep) -> Response:
    rows = service.listing(session, actor=identity.actor)
    ids = [q.id for q in rows if q.id is not None]
    ctx = _labels() | {
        "questions": rows,
        "latest": service.latest_answers(session, ids),
        "names": _org_names(session),
        # A merged question points at the one answered in its place (perhaps another's).
        "merged": _by_id(session, Question, (q.merged_into_id for q in rows)),
        "briefings": _by_id(session, Briefing, (q.briefing_id for q in rows)),
        "me": identity.actor.user_id,
    }
    return render(request, "questions/journalist_list.html", ctx, block="questions")


# --- Asking a question ------------------------------------------------------------------------------


def _new_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    locale = request_locale(request)
    ctx = _labels() | {
        "form": form,
        "errors": errors or {},
        "briefing_options": [
            (b.id, f"{b.title(locale)} · {format_datetime(b.starts_at)}")
            for b in _upcoming_briefings(session)
        ],
        "language_options": list(service.LANGUAGES.items()),
        "max_text": service.MAX_TEXT,
    }
    return render(
        request, "questions/journalist_new.html", ctx, block="form", status_code=status_code
    )


@router.get("/questions/new")
def new_question_page(
    request: Request, identity: JournalistOnly, session: SessionDep, briefing_id: str = ""
) -> Response:
    locale = request_locale(request)
    chosen = parse_int(briefing_id)
    form: dict[str, Any] = dict.fromkeys(FIELDS, "") | {
        "language": locale if locale in service.LANGUAGES else "vi",
        "briefing_id": chosen if chosen in {b.id for b in _upcoming_briefings(session)} else "",
    }
    return _new_page(request, session, form)


@router.post("/questions/new")
async def new_question(request: Request, identity: JournalistOnly, session: SessionDep) -> Response:
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in FIELDS}
    chosen = form["briefing_id"].strip()
    settings = request.app.state.settings
    question = service.QuestionInput(
        text=form["text"],
        topic=form["topic"],
        language=form["language"],
        # Something that is not a briefing's number is refused by the service (no briefing 0).
        briefing_id=(parse_int(chosen) or 0) if chosen else None,
    )
    try:
        saved, created = service.ask(
            session,
            actor=identity.actor,
            data=question,
            rate_limit=settings.question_rate_limit,
            rate_window_minutes=settings.question_rate_window_minutes,
            duplicate_seconds=settings.question_duplicate_seconds,
        )
    except ValidationFailed as exc:
        return _new_page(request, session, form, errors=exc.errors, status_code=422)
    # TooManyRequests goes to the error handler: the 429 page says why and how long to wait.
    if not created:
        flash(request, Msg("You already sent this question."), "info")
    else:
        flash(
            request,
            Msg(
                "Your question has been sent as #%(id)s. An answer is due by %(due)s.",
                {"id": saved.id, "due": format_datetime(saved.due_at)},
            ),
        )
    return redirect(request, f"/questions/{saved.id}")


# --- One question -------------------------------------------------------------------------------------


@router.get("/questions/{question_id:int}")
def my_question(
    request: Request, question_id: int, identity: JournalistOnly, session: SessionDep
) -> Response:
    q = service.get(session, question_id, actor=identity.actor)
    assert q.id is not None
    merged_into = session.get(Question, q.merged_into_id) if q.merged_into_id else None
    answers = service.answers(session, q.id, actor=identity.actor)
    ctx = _labels() | {
        "q": q,
        "answers": answers,
        "files": service.answer_files(session, [a.id for a in answers if a.id is not None]),
        "names": _org_names(session),
        "briefing": session.get(Briefing, q.briefing_id) if q.briefing_id else None,
        "merged_into": merged_into,
        "me": identity.actor.user_id,
    }
    return render(request, "questions/journalist_detail.html", ctx)
