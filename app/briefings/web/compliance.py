"""Compliance at a glance: the office's page, and the warnings its dashboard shows."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import OfficeOnly
from app.briefings import compliance, service
from app.db import SessionDep
from app.templating import render
from app.timeutil import local_today

router = APIRouter(include_in_schema=False)


def compliance_context(request: Request, session: Session, year: int) -> dict[str, Any]:
    plan = compliance.schedule(request.app.state.settings.compliance_ruleset or None)
    first, last = date(year, 1, 1), date(year, 12, 31)
    facts = service.compliance_facts(session, first, last)
    return {
        "parts": plan.parts(first, last),
        "rows": plan.rows(first, last),
        "table": compliance.table(plan, facts, year, local_today()),
        "year": year,
        "state_labels": compliance.STATE_LABELS,
    }


def compliance_warnings(request: Request, session: Session) -> list[compliance.Result]:
    """For the office dashboard: periods starting within ~6 weeks with nothing to meet a rule."""
    today = local_today()
    plan = compliance.schedule(request.app.state.settings.compliance_ruleset or None)
    facts = service.compliance_facts(session, date(today.year, 1, 1), date(today.year + 1, 12, 31))
    return compliance.warnings(plan, facts, today)


@router.get("/office/compliance")
def compliance_page(
    request: Request, identity: OfficeOnly, session: SessionDep, year: int = 0
) -> Response:
    year = year if 2000 <= year <= 2100 else local_today().year
    return render(request, "briefings/compliance.html", compliance_context(request, session, year))
