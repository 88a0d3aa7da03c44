"""Home page, per-role dashboards and the language switch (the health checks are in `health`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import JOURNALIST, OFFICE, Public, PublicPreference, SignedIn
from app.accounts import service as accounts
from app.accounts.models import ROLE_LABELS, STATUS_LABELS, Role, User
from app.annual import service as annual
from app.attendance import service as attendance
from app.attendance.models import MODE_LABELS
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import STATUS_LABELS as BRIEFING_STATUS_LABELS
from app.briefings.web.compliance import compliance_warnings
from app.content import service as content
from app.content.models import SUBMISSION_STATUS_LABELS
from app.cookies import queue_cookie, settings_cookie
from app.db import SessionDep
from app.forms import safe_next
from app.inbox import routes as inbox_routes
from app.incidents import queries as matters
from app.incidents.clock import VERDICT_LABELS
from app.orgs import service as orgs
from app.questions import service as questions
from app.questions.models import OPEN
from app.questions.models import STATUS_LABELS as QUESTION_STATUS_LABELS
from app.staffcache.cache import kept
from app.statements import cache as statements_cache
from app.statements import queries as statement_queries
from app.statements import service as statements_service
from app.statements.models import KIND_LABELS
from app.statements.service import preview as previews
from app.statements.web.public import feed_language
from app.templating import redirect, render, request_locale
from app.timeutil import utcnow

HTML = "text/html; charset=utf-8"
router = APIRouter(include_in_schema=False)
COUNT_CAP = 50  # the office's dashboard counts new and overdue questions up to this, then "50+"
FAR = datetime.max.replace(tzinfo=UTC)


HOME_STATEMENTS = 5


@router.get("/")
def home(request: Request, identity: Public, session: SessionDep) -> Response:
    """The latest statements, the briefing taking questions now and the next briefings; from the
    cache of public pages like the newsroom (it changes on a publication, a briefing announced
    or changed, an embargo ending, and at the edges of a briefing's live window)."""
    statements_service.catch_up(session, request.app.state.settings.statement_numbers_file)

    def build(now: datetime, overrides: Mapping[str, Any]) -> statements_cache.Rendered:
        upcoming, _total = briefings.public_list(session, upcoming=True, limit=3)
        locale = request_locale(request)
        latest = statement_queries.statement_page(
            session, statement_queries.Filters(), now=now, limit=HOME_STATEMENTS, locale=locale
        ).items
        live = questions.live_briefings(session, public_only=True)
        expires = min(
            [t for t in (statements_service.next_public_change(session, now),) if t]
            + [t for t in (questions.next_live_change(session, now),) if t]
            + [now + statements_cache.LONGEST]
        )
        context = {
            "upcoming": upcoming,
            "latest": latest,
            "live": live,
            "kind_labels": KIND_LABELS,
            "feed_lang": feed_language(session, locale),
        }
        response = render(request, "pages/home.html", {**context, **overrides})
        return statements_cache.Rendered(bytes(response.body), HTML, expires, None)

    return statements_cache.serve(request, identity, build)


@router.get("/dashboard")
@kept
def dashboard(request: Request, identity: SignedIn, session: SessionDep) -> Response:
    user = identity.user
    assert user is not None
    org = orgs.get(session, user.organisation_id) if user.organisation_id else None
    office = OFFICE.permits(user)
    pending = accounts.count_pending_journalists(session) if office else 0
    if office:
        upcoming = briefings.between(session, utcnow(), utcnow() + timedelta(days=30))
    elif user.role == Role.DEPARTMENT and user.organisation_id:
        upcoming = briefings.invited(
            session, user.organisation_id, utcnow(), utcnow() + timedelta(days=60)
        )
    else:
        upcoming = briefings.public_list(session, upcoming=True, limit=5)[0]
    calls = (
        content.calls(session, actor=identity.actor, open_only=True)
        if office or (user.role == Role.DEPARTMENT)
        else []
    )
    now = utcnow()
    return render(
        request,
        "pages/dashboard.html",
        {
            "inbox": inbox_routes.page_sections(request, session, identity.actor, now),
            "calls": calls,
            "now": now,
            "submission_labels": SUBMISSION_STATUS_LABELS,
            "org": org,
            "role_labels": ROLE_LABELS,
            "status_labels": STATUS_LABELS,
            "pending_journalists": pending,
            "upcoming": upcoming,
            "warnings": compliance_warnings(request, session) if office else [],
            "briefing_labels": BRIEFING_STATUS_LABELS,
            "question_labels": QUESTION_STATUS_LABELS,
            "open_statuses": OPEN,
            "cap": COUNT_CAP,
            "matters": matters.board(session) if office else None,
            "annual_due": annual.reminder(session) if office else None,
            "verdict_labels": VERDICT_LABELS,
        }
        | _question_cards(session, identity.actor, user)
        | _live_now(session, user),
    )


def _question_cards(session: Session, actor: Actor, user: User) -> dict[str, Any]:
    """What the question cards show: the office's counts of new and overdue questions, a
    department's open questions soonest due first, a verified journalist's latest questions."""
    if OFFICE.permits(user):
        new = questions.count_listing(
            session, actor=actor, filters=questions.Filters(status="new"), cap=COUNT_CAP + 1
        )
        overdue = questions.count_listing(
            session, actor=actor, filters=questions.Filters(overdue=True), cap=COUNT_CAP + 1
        )
        return {"new_questions": new, "overdue_questions": overdue}
    if user.role == Role.DEPARTMENT:
        rows = [q for q in questions.listing(session, actor=actor) if q.status in OPEN]
        rows.sort(key=lambda q: (q.due_at or FAR, q.id or 0))
        return {"assigned_questions": rows[:6]}
    if JOURNALIST.permits(user):
        assert user.id is not None
        return {
            "my_questions": questions.listing(session, actor=actor, limit=5),
            "my_registrations": attendance.coming(session, user.id, limit=5),
            "my_previews": previews.mine(session, actor)[:5],
            "mode_labels": MODE_LABELS,
        }
    return {}


def _live_now(session: Session, user: User) -> dict[str, Any]:
    """The "live now" card (`pages/_live_now.html`): briefings taking questions from the room,
    for those who have a live page (the office moderates, a verified journalist asks)."""
    if OFFICE.permits(user):
        return {
            "live_now": questions.live_briefings(session, public_only=False),
            "live_role": "office",
        }
    if JOURNALIST.permits(user):
        return {
            "live_now": questions.live_briefings(session, public_only=True),
            "live_role": "journalist",
        }
    return {"live_now": []}


@router.post("/language")
def set_language(
    request: Request,
    identity: PublicPreference,
    lang: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    settings = request.app.state.settings
    if lang in settings.languages:
        queue_cookie(
            request,
            settings_cookie(settings, "lang"),
            lang,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=settings.is_production,
            path="/",
        )
    return redirect(request, safe_next(next, default="/"))
