"""The office's pages for recurring briefings: the list, the form with its live preview of the
dates, editing the whole series or "this and following", and generating ahead."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import OfficeOnly
from app.briefings import clashes, recurrence, service
from app.briefings.models import Briefing, BriefingSeries, HolidayPolicy
from app.briefings.web.common import choices, horizon
from app.db import SessionDep
from app.errors import Conflict, ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_ids, parse_int, parse_time
from app.i18n import Msg
from app.templating import is_fragment_request, redirect, render, request_locale
from app.timeutil import local_today

router = APIRouter(include_in_schema=False)

SERIES_FIELDS = (
    "kind_id",
    "title_vi",
    "title_en",
    "pattern",
    "weekday",
    "ordinal",
    "monthday",
    "interval",
    "custom",
    "dtstart",
    "until",
    "start_time",
    "duration_minutes",
    "holiday_policy",
    "venue",
    "online_url",
    "chair",
    "organiser_org_id",
    "content_days_before",
    "notes",
    "sequence",
    "accept_clashes",
)


def series_form(series: BriefingSeries, invitees: list[int]) -> dict[str, Any]:
    """The form's fields for a series as it is."""
    rule = recurrence.parse_rule_form(series.rrule)
    return {
        "kind_id": str(series.kind_id),
        "title_vi": series.title_vi,
        "title_en": series.title_en,
        "pattern": rule.pattern,
        "weekday": rule.weekday,
        "ordinal": str(rule.ordinal),
        "monthday": str(rule.monthday),
        "interval": str(rule.interval),
        "custom": rule.custom,
        "dtstart": series.dtstart.isoformat(),
        "until": series.until.isoformat() if series.until else "",
        "start_time": series.start_time.strftime("%H:%M"),
        "duration_minutes": str(series.duration_minutes),
        "holiday_policy": series.holiday_policy.value,
        "venue": series.venue,
        "online_url": series.online_url,
        "chair": series.chair,
        "organiser_org_id": str(series.organiser_org_id or ""),
        "invitee_ids": invitees,
        "content_days_before": str(series.content_days_before),
        "notes": series.notes,
        "sequence": series.sequence,
    }


def _series_input(form: dict[str, Any]) -> service.SeriesInput:
    policy = (
        form["holiday_policy"]
        if form["holiday_policy"] in {p.value for p in HolidayPolicy}
        else "next_working_day"
    )
    rule = recurrence.RuleForm(
        pattern=form["pattern"],
        weekday=form["weekday"] if form["weekday"] in recurrence.WEEKDAYS else "TH",
        ordinal=int(form["ordinal"]) if form["ordinal"] in ("1", "2", "3", "4", "-1") else -1,
        monthday=int(form["monthday"]) if form["monthday"].lstrip("-").isdigit() else 1,
        interval=max(1, min(12, parse_int(form["interval"]) or 1)),
        custom=form["custom"],
    )
    return service.SeriesInput(
        kind_id=parse_int(form["kind_id"]),
        title_vi=form["title_vi"],
        title_en=form["title_en"],
        rule=rule,
        dtstart=parse_date(form["dtstart"]),
        until=parse_date(form["until"]),
        start_time=parse_time(form["start_time"]),
        duration_minutes=parse_int(form["duration_minutes"]),
        holiday_policy=HolidayPolicy(policy),
        venue=form["venue"],
        online_url=form["online_url"],
        chair=form["chair"],
        organiser_org_id=parse_int(form["organiser_org_id"]),
        invitee_ids=form["invitee_ids"],
        content_days_before=parse_int(form["content_days_before"]),
        notes=form["notes"],
        accept_clashes=form.get("accept_clashes", "")[:64],
    )


def series_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    series: BriefingSeries | None = None,
    following: Briefing | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    """The series form (a new series, a series, or "this and following" from an occurrence)."""
    ctx = choices(session) | {
        "form": form,
        "series": series,
        "following": following,
        "errors": errors or {},
        "ordinals": list(recurrence.ORDINALS),
        "preview": _preview(request, session, form, _own_series(series, following)),
        "occurrences": service.series_briefings(session, series.id or 0) if series else [],
    }
    return render(
        request, "briefings/series_form.html", ctx, block="editor", status_code=status_code
    )


def _own_series(series: BriefingSeries | None, following: Briefing | None) -> int | None:
    """The series whose briefings saving replaces (they never clash with the form)."""
    if following is not None:
        return following.series_id
    return series.id if series is not None else None


def _preview(
    request: Request, session: Session, form: dict[str, Any], own_series: int | None = None
) -> dict[str, Any]:
    """The next dates the form's rule gives, or why it gives none (shown beside the rule), and
    every clash of the occurrences with the calendar, with the token that accepts them."""
    if not form.get("dtstart"):
        return {"dates": [], "error": None, "clashes": [], "clash_token": ""}
    data = _series_input(form)
    try:
        found = service.preview(session, data, horizon(request))
    except ValidationFailed as exc:
        return {"dates": [], "error": exc.errors.get("rule"), "clashes": [], "clash_token": ""}
    at = parse_time(form["start_time"]) or time(0)
    found_clashes = service.series_clashes(session, data, horizon(request), series_id=own_series)
    return {
        "dates": found,
        "error": None,
        "at": at,
        "description": recurrence.describe(
            recurrence.build_rule(data.rule), at, request_locale(request)
        ),
        "first_title": service.render_title(form.get("title_vi", ""), found[0].day)
        if found
        else "",
        "clashes": found_clashes,
        "clash_token": clashes.token(found_clashes),
        "clash_reasons": clashes.REASONS,
    }


async def _series_form_data(request: Request) -> dict[str, Any]:
    data = await request.form() if request.method == "POST" else request.query_params
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in SERIES_FIELDS}
    form["invitee_ids"] = parse_ids([str(v) for v in data.getlist("invitee_ids")])
    return form


@router.get("/office/briefing-series")
def series_list_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    locale = request_locale(request)
    rows = [
        (s, recurrence.describe(s.rrule, s.start_time, locale))
        for s in service.series_list(session)
    ]
    return render(
        request,
        "briefings/series_list.html",
        {
            "rows": rows,
            "kinds_by_id": {k.id: k for k in service.kinds(session)},
            "today": local_today(),
        },
    )


@router.get("/office/briefing-series/new")
def new_series_page(
    request: Request, identity: OfficeOnly, session: SessionDep, kind: str = ""
) -> Response:
    kinds = service.kinds(session)
    chosen = next((k for k in kinds if str(k.id) == kind), kinds[0] if kinds else None)
    start = local_today() + timedelta(days=1)
    form: dict[str, Any] = {name: "" for name in SERIES_FIELDS} | {
        "pattern": "monthly_weekday",
        "weekday": "TH",
        "ordinal": "-1",
        "monthday": "1",
        "interval": "1",
        "dtstart": start.isoformat(),
        "start_time": "15:00",
        "holiday_policy": "next_working_day",
        "invitee_ids": [],
    }
    if chosen:
        form |= {
            "kind_id": str(chosen.id),
            "title_vi": chosen.title_pattern_vi,
            "title_en": chosen.title_pattern_en,
            "duration_minutes": str(chosen.duration_minutes),
            "venue": chosen.venue,
            "chair": chosen.chair,
            "organiser_org_id": str(chosen.organiser_org_id or ""),
            "content_days_before": str(chosen.content_days_before),
        }
    return series_page(request, session, form)


@router.get("/office/briefing-series/preview")
async def series_preview(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    """The preview block of the series form, refreshed by HTMX as the rule fields change."""
    form = await _series_form_data(request)
    if not is_fragment_request(request):
        # The no-JavaScript "show the dates" button: the whole form again, still editing the
        # same series (or the same "this and following"), with the preview filled in.
        series_id, following_id = (
            parse_int(request.query_params.get("series_ref")),
            parse_int(request.query_params.get("following_ref")),
        )
        following = service.get(session, following_id) if following_id else None
        series = service.get_series(session, series_id) if series_id else None
        return series_page(request, session, form, series=series, following=following)
    series_id = parse_int(request.query_params.get("series_ref"))
    following_id = parse_int(request.query_params.get("following_ref"))
    following = service.get(session, following_id) if following_id else None
    own = following.series_id if following is not None else series_id
    ctx = {"preview": _preview(request, session, form, own), "errors": {}}
    return render(
        request,
        "briefings/series_form.html",
        choices(session) | ctx | {"form": form},
        block="preview",
    )


@router.post("/office/briefing-series/new")
async def new_series_submit(
    request: Request, identity: OfficeOnly, session: SessionDep
) -> Response:
    form = await _series_form_data(request)
    try:
        series, result = service.create_series(
            session,
            actor=identity.actor,
            data=_series_input(form),
            horizon_months=horizon(request),
        )
    except ValidationFailed as exc:
        return series_page(request, session, form, errors=exc.errors, status_code=422)
    flash(
        request,
        Msg(
            "The series has been created with %(n)s briefings. Announce each one when it may be made public.",
            {"n": result.created},
        ),
    )
    return redirect(request, f"/office/briefing-series/{series.id}")


@router.get("/office/briefing-series/{series_id:int}")
def series_detail_page(
    request: Request, series_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    series = service.get_series(session, series_id)
    return series_page(
        request,
        session,
        series_form(series, service.series_invitee_ids(session, series_id)),
        series=series,
    )


@router.post("/office/briefing-series/{series_id:int}")
async def series_submit(
    request: Request, series_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    series = service.get_series(session, series_id)
    form = await _series_form_data(request)
    try:
        _series, result = service.update_series(
            session,
            actor=identity.actor,
            series_id=series_id,
            data=_series_input(form),
            expected_sequence=parse_int(form["sequence"]),
            horizon_months=horizon(request),
        )
    except ValidationFailed as exc:
        return series_page(
            request, session, form, series=series, errors=exc.errors, status_code=422
        )
    flash(
        request,
        Msg(
            "The series has been saved: %(created)s added, %(updated)s changed, %(removed)s removed, "
            "%(cancelled)s cancelled. Briefings edited by hand were left as they are.",
            {
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
                "cancelled": result.cancelled,
            },
        ),
    )
    return redirect(request, f"/office/briefing-series/{series_id}")


@router.post("/office/briefings/{briefing_id:int}/edit-following")
async def edit_following_submit(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    briefing = service.get(session, briefing_id)
    form = await _series_form_data(request)
    try:
        series, _result = service.edit_following(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            data=_series_input(form),
            expected_sequence=parse_int(form["sequence"]),
            horizon_months=horizon(request),
        )
    except ValidationFailed as exc:
        old = service.get_series(session, briefing.series_id) if briefing.series_id else None
        return series_page(
            request,
            session,
            form,
            series=old,
            following=briefing,
            errors=exc.errors,
            status_code=422,
        )
    flash(request, Msg("This briefing and the following ones have been changed."))
    return redirect(request, f"/office/briefing-series/{series.id}")


@router.post("/office/briefing-series/{series_id:int}/announce")
def announce_series(
    request: Request,
    series_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    count: str = Form(""),
) -> Response:
    """Announce the next N planned briefings of the series at once."""
    service.get_series(session, series_id)
    try:
        done = service.announce_next(
            session, actor=identity.actor, series_id=series_id, count=parse_int(count) or 0
        )
    except (ValidationFailed, Conflict) as exc:
        message = (
            next(iter(exc.errors.values()))
            if isinstance(exc, ValidationFailed)
            else exc.detail or Msg(Conflict.title)
        )
        flash(request, message, "warning")
        return redirect(request, f"/office/briefing-series/{series_id}#announce")
    flash(
        request,
        Msg(
            "%(n)s briefings announced: the public and calendar subscribers see them now.",
            {"n": len(done)},
        ),
    )
    return redirect(request, f"/office/briefing-series/{series_id}#announce")


@router.post("/office/briefing-series/extend")
def extend_series(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    result = service.extend_all(session, actor=identity.actor, horizon_months=horizon(request))
    flash(
        request,
        Msg(
            "Series generated %(n)s months ahead: %(created)s briefings added.",
            {"n": horizon(request), "created": result.created},
        ),
    )
    return redirect(request, "/office/briefing-series")
