"""Home page, per-role dashboards, the language switch and the health check."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from app.access import OFFICE, Public, SignedIn
from app.accounts import service as accounts
from app.accounts.models import ROLE_LABELS, STATUS_LABELS, Role
from app.briefings import service as briefings
from app.briefings.models import STATUS_LABELS as BRIEFING_STATUS_LABELS
from app.briefings.routes import compliance_warnings
from app.content import service as content
from app.content.models import SUBMISSION_STATUS_LABELS
from app.db import SessionDep
from app.forms import safe_next
from app.middleware import queue_cookie
from app.orgs import service as orgs
from app.templating import redirect, render, settings_cookie
from app.timeutil import utcnow

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, identity: Public, session: SessionDep) -> Response:
    upcoming, _total = briefings.public_list(session, upcoming=True, limit=3)
    return render(request, "pages/home.html", {"upcoming": upcoming})


@router.get("/dashboard")
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
    return render(
        request,
        "pages/dashboard.html",
        {
            "calls": calls,
            "now": utcnow(),
            "submission_labels": SUBMISSION_STATUS_LABELS,
            "org": org,
            "role_labels": ROLE_LABELS,
            "status_labels": STATUS_LABELS,
            "pending_journalists": pending,
            "upcoming": upcoming,
            "warnings": compliance_warnings(request, session) if office else [],
            "briefing_labels": BRIEFING_STATUS_LABELS,
        },
    )


@router.post("/language")
def set_language(
    request: Request,
    identity: Public,
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


@router.get("/healthz")
def healthz(request: Request, identity: Public) -> Response:
    """The app and the database; 503 when the database does not answer."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is "unavailable"
        return JSONResponse(
            {"status": "degraded", "database": "unavailable"},
            status_code=503,
            headers={"Cache-Control": "no-store"},
        )
    return JSONResponse({"status": "ok", "database": "ok"}, headers={"Cache-Control": "no-store"})
