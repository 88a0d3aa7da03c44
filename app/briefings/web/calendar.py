"""The office's month calendar and list of briefings, with holidays and conflicts marked."""

from __future__ import annotations

from datetime import date, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import OfficeOnly
from app.briefings import service
from app.briefings.models import Briefing
from app.briefings.web.common import choices
from app.db import SessionDep
from app.forms import parse_month
from app.holidays.service import holidays_in
from app.staffcache.cache import kept
from app.templating import render, request_locale
from app.timeutil import local_today, to_local

router = APIRouter(include_in_schema=False)


@router.get("/office/briefings")
@kept
def calendar_page(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    month: str = "",
    view: str = "month",
) -> Response:
    first = parse_month(month, local_today())
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    briefings = service.between(
        session,
        service.local_datetime(grid_start, time.min),
        service.local_datetime(grid_end + timedelta(days=1), time.min),
    )
    by_day: dict[date, list[Briefing]] = {}
    for b in briefings:
        by_day.setdefault(to_local(b.starts_at).date(), []).append(b)
    locale = request_locale(request)
    holidays = {
        d: name
        for year in {grid_start.year, grid_end.year}
        for d, name, source in holidays_in(session, year, locale)
        if source != "worked"
    }
    weeks = [
        [grid_start + timedelta(days=7 * w + d) for d in range(7)]
        for w in range((grid_end - grid_start).days // 7 + 1)
    ]
    ctx = choices(session) | {
        "first": first,
        "weeks": weeks,
        "by_day": by_day,
        "holidays": holidays,
        "today": local_today(),
        "view": "list" if view == "list" else "month",
        "month_briefings": [b for b in briefings if first <= to_local(b.starts_at).date() <= last],
        "conflicts": service.conflicting_ids(briefings),
        "prev_month": (first - timedelta(days=1)).strftime("%Y-%m"),
        "next_month": (last + timedelta(days=1)).strftime("%Y-%m"),
    }
    ctx["kinds_by_id"] = {k.id: k for k in ctx["kinds"]}
    return render(request, "briefings/office_calendar.html", ctx, block="calendar")
