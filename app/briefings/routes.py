"""Office pages for briefings: month calendar and list, inline create and edit (this one, or
this and following), lifecycle actions, series, and compliance at a glance."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import OfficeOnly
from app.briefings import compliance, recurrence, service
from app.briefings.models import (
    CHANGE_LABELS,
    HOLIDAY_POLICY_LABELS,
    STATUS_LABELS,
    Briefing,
    BriefingSeries,
    HolidayPolicy,
)
from app.briefings.states import ACTION_DONE, ACTION_LABELS, Action, allowed_actions
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_ids, parse_int, parse_month, parse_time
from app.holidays.service import holidays_in
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.templating import is_fragment_request, redirect, render, request_locale
from app.timeutil import local_today, to_local

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
INVITABLE = (
    OrgKind.PEOPLES_COMMITTEE,
    OrgKind.DEPARTMENT,
    OrgKind.COMMUNE,
    OrgKind.PARTY_BODY,
    OrgKind.OTHER,
)


def _horizon(request: Request) -> int:
    return int(request.app.state.settings.briefing_horizon_months)


def _choices(session: Session) -> dict[str, Any]:
    """What the briefing and series forms offer: kinds, organisations, labels."""
    everyone = orgs.list_organisations(session)  # one load; the invitable ones are a subset
    return {
        "kinds": service.kinds(session),
        "organisations": [o for o in everyone if o.kind in INVITABLE],
        "all_organisations": everyone,
        "status_labels": STATUS_LABELS,
        "policy_labels": HOLIDAY_POLICY_LABELS,
        "weekdays": recurrence.WEEKDAYS,
    }


# --- Calendar -------------------------------------------------------------------------------


def conflicting_ids(briefings: list[Briefing]) -> set[int]:
    """Briefings of a list that overlap another one with the same chair or venue."""
    out: set[int] = set()
    live = [b for b in briefings if b.status in service.SCHEDULED]
    for i, a in enumerate(live):
        for b in live[i + 1 :]:
            overlap = a.starts_at < b.ends_at and b.starts_at < a.ends_at
            same = (
                a.chair.strip() and a.chair.casefold().split() == b.chair.casefold().split()
            ) or (a.venue.strip() and a.venue.casefold().split() == b.venue.casefold().split())
            if overlap and same:
                out.update({a.id or 0, b.id or 0})
    return out


@router.get("/office/briefings")
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
    ctx = _choices(session) | {
        "first": first,
        "weeks": weeks,
        "by_day": by_day,
        "holidays": holidays,
        "today": local_today(),
        "view": "list" if view == "list" else "month",
        "month_briefings": [b for b in briefings if first <= to_local(b.starts_at).date() <= last],
        "conflicts": conflicting_ids(briefings),
        "prev_month": (first - timedelta(days=1)).strftime("%Y-%m"),
        "next_month": (last + timedelta(days=1)).strftime("%Y-%m"),
    }
    ctx["kinds_by_id"] = {k.id: k for k in ctx["kinds"]}
    return render(request, "briefings/office_calendar.html", ctx, block="calendar")


# --- One briefing: create, edit, act ----------------------------------------------------------


def _briefing_form(b: Briefing, invitees: list[int]) -> dict[str, Any]:
    start, end = to_local(b.starts_at), to_local(b.ends_at)
    return {
        "kind_id": str(b.kind_id),
        "title_vi": b.title_vi,
        "title_en": b.title_en,
        "day": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "venue": b.venue,
        "online_url": b.online_url,
        "chair": b.chair,
        "organiser_org_id": str(b.organiser_org_id or ""),
        "invitee_ids": invitees,
        "content_deadline": to_local(b.content_deadline).date().isoformat()
        if b.content_deadline
        else "",
        "notes": b.notes,
        "sequence": b.sequence,
    }


def _input(form: dict[str, Any]) -> service.BriefingInput:
    return service.BriefingInput(
        kind_id=parse_int(form["kind_id"]),
        title_vi=form["title_vi"],
        title_en=form["title_en"],
        day=parse_date(form["day"]),
        start=parse_time(form["start"]),
        end=parse_time(form["end"]),
        venue=form["venue"],
        online_url=form["online_url"],
        chair=form["chair"],
        organiser_org_id=parse_int(form["organiser_org_id"]),
        invitee_ids=form["invitee_ids"],
        content_deadline=parse_date(form["content_deadline"]),
        notes=form["notes"],
    )


def _form_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    briefing: Briefing | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = _choices(session) | {"form": form, "briefing": briefing, "errors": errors or {}}
    return render(request, "briefings/form.html", ctx, block="editor", status_code=status_code)


@router.get("/office/briefings/new")
def new_briefing_page(
    request: Request, identity: OfficeOnly, session: SessionDep, date: str = "", kind: str = ""
) -> Response:
    kinds = service.kinds(session)
    chosen = next((k for k in kinds if str(k.id) == kind), kinds[0] if kinds else None)
    day = parse_date(date) or local_today() + timedelta(days=7)
    form: dict[str, Any] = {
        "day": day.isoformat(),
        "start": "15:00",
        "end": "16:30",
        "invitee_ids": [],
        "sequence": "",
    }
    if chosen:
        end = service.local_datetime(day, time(15)) + timedelta(minutes=chosen.duration_minutes)
        form |= {
            "kind_id": str(chosen.id),
            "title_vi": service.render_title(chosen.title_pattern_vi, day),
            "title_en": service.render_title(chosen.title_pattern_en, day),
            "venue": chosen.venue,
            "chair": chosen.chair,
            "organiser_org_id": str(chosen.organiser_org_id or ""),
            "end": to_local(end).strftime("%H:%M"),
        }
    return _form_page(request, session, form)


BRIEFING_FIELDS = (
    "kind_id",
    "title_vi",
    "title_en",
    "day",
    "start",
    "end",
    "venue",
    "online_url",
    "chair",
    "organiser_org_id",
    "content_deadline",
    "notes",
    "sequence",
)


async def _briefing_form_data(request: Request) -> dict[str, Any]:
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in BRIEFING_FIELDS}
    form["invitee_ids"] = parse_ids([str(v) for v in data.getlist("invitee_ids")])
    return form


@router.post("/office/briefings/new")
async def new_briefing_submit(
    request: Request, identity: OfficeOnly, session: SessionDep
) -> Response:
    form = await _briefing_form_data(request)
    try:
        briefing = service.create(session, actor=identity.actor, data=_input(form))
    except ValidationFailed as exc:
        return _form_page(request, session, form, errors=exc.errors, status_code=422)
    flash(request, Msg("The briefing has been planned. Announce it when the public may see it."))
    _warn_conflicts(request, session, briefing)
    return redirect(request, f"/office/briefings/{briefing.id}")


def _warn_conflicts(request: Request, session: Session, briefing: Briefing) -> None:
    clashes = service.conflicts(
        session, briefing.starts_at, briefing.ends_at, briefing.chair, briefing.venue, briefing.id
    )
    if clashes:
        first = clashes[0]
        flash(
            request,
            Msg(
                "Warning: “%(title)s” at %(time)s has the same chair or venue at an overlapping time.",
                {
                    "title": first.title_vi,
                    "time": to_local(first.starts_at).strftime("%d/%m/%Y %H:%M"),
                },
            ),
            "warning",
        )


def _detail_context(session: Session, briefing: Briefing) -> dict[str, Any]:
    assert briefing.id is not None
    invitees = service.invitee_ids(session, briefing.id)
    org_views = {o.id: o for o in orgs.list_organisations(session, include_retired=True)}
    return {
        "briefing": briefing,
        "kind": service.get_kind(session, briefing.kind_id),
        "series": service.get_series(session, briefing.series_id) if briefing.series_id else None,
        "invitees": [org_views[i] for i in invitees if i in org_views],
        "organiser": org_views.get(briefing.organiser_org_id or 0),
        "changes": service.changes(session, briefing.id),
        "agenda": service.agenda(session, briefing.id),
        "conflicts": service.conflicts(
            session,
            briefing.starts_at,
            briefing.ends_at,
            briefing.chair,
            briefing.venue,
            briefing.id,
        )
        if briefing.status in service.SCHEDULED
        else [],
        "actions": allowed_actions(briefing.status),
        "action_labels": ACTION_LABELS,
        "status_labels": STATUS_LABELS,
        "change_labels": CHANGE_LABELS,
        "errors": {},
        "action_form": {},
    }


@router.get("/office/briefings/{briefing_id:int}")
def briefing_page(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return render(
        request,
        "briefings/office_detail.html",
        _detail_context(session, service.get(session, briefing_id)),
    )


@router.get("/office/briefings/{briefing_id:int}/edit")
def edit_briefing_page(
    request: Request,
    briefing_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    scope: str = "this",
) -> Response:
    briefing = service.get(session, briefing_id)
    if scope == "following" and briefing.series_id:
        series = service.get_series(session, briefing.series_id)
        form = _series_form(series, service.series_invitee_ids(session, series.id or 0))
        form["sequence"] = briefing.sequence
        return _series_page(request, session, form, series=series, following=briefing)
    return _form_page(
        request,
        session,
        _briefing_form(briefing, service.invitee_ids(session, briefing_id)),
        briefing=briefing,
    )


@router.post("/office/briefings/{briefing_id:int}/edit")
async def edit_briefing_submit(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    briefing = service.get(session, briefing_id)
    form = await _briefing_form_data(request)
    try:
        service.update(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            data=_input(form),
            expected_sequence=parse_int(form["sequence"]),
        )
    except ValidationFailed as exc:
        return _form_page(
            request, session, form, briefing=briefing, errors=exc.errors, status_code=422
        )
    flash(request, Msg("The briefing has been saved."))
    _warn_conflicts(request, session, briefing)
    return redirect(request, f"/office/briefings/{briefing_id}")


@router.post("/office/briefings/{briefing_id:int}/actions/{action}")
def briefing_action(
    request: Request,
    briefing_id: int,
    action: Action,
    identity: OfficeOnly,
    session: SessionDep,
    reason: Text = "",
    new_day: Text = "",
    new_start: Text = "",
    new_end: Text = "",
    record_summary: Text = "",
    record_url: Text = "",
    sequence: Text = "",
) -> Response:
    data = service.TransitionInput(
        action=action,
        reason=reason,
        new_day=parse_date(new_day),
        new_start=parse_time(new_start),
        new_end=parse_time(new_end),
        record_summary=record_summary,
        record_url=record_url,
    )
    try:
        service.transition(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            data=data,
            expected_sequence=parse_int(sequence),
        )
    except ValidationFailed as exc:
        ctx = _detail_context(session, service.get(session, briefing_id)) | {
            "errors": exc.errors,
            "failed_action": action.value,
            "action_form": {
                "reason": reason,
                "new_day": new_day,
                "new_start": new_start,
                "new_end": new_end,
                "record_summary": record_summary,
                "record_url": record_url,
            },
        }
        return render(request, "briefings/office_detail.html", ctx, status_code=422)
    flash(request, Msg(ACTION_DONE[action]))
    return redirect(request, f"/office/briefings/{briefing_id}")


# --- Series ---------------------------------------------------------------------------------


def _series_form(series: BriefingSeries, invitees: list[int]) -> dict[str, Any]:
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
    )


def _series_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    series: BriefingSeries | None = None,
    following: Briefing | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = _choices(session) | {
        "form": form,
        "series": series,
        "following": following,
        "errors": errors or {},
        "ordinals": list(recurrence.ORDINALS),
        "preview": _preview(request, session, form),
        "occurrences": service.series_briefings(session, series.id or 0) if series else [],
    }
    return render(
        request, "briefings/series_form.html", ctx, block="editor", status_code=status_code
    )


def _preview(request: Request, session: Session, form: dict[str, Any]) -> dict[str, Any]:
    """The next dates the form's rule gives, or why it gives none (shown beside the rule)."""
    if not form.get("dtstart"):
        return {"dates": [], "error": None}
    try:
        found = service.preview(session, _series_input(form), _horizon(request))
    except ValidationFailed as exc:
        return {"dates": [], "error": exc.errors.get("rule")}
    at = parse_time(form["start_time"]) or time(0)
    return {
        "dates": found,
        "error": None,
        "at": at,
        "description": recurrence.describe(
            recurrence.build_rule(_series_input(form).rule), at, request_locale(request)
        ),
    }


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
)


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
    return _series_page(request, session, form)


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
        return _series_page(request, session, form, series=series, following=following)
    ctx = {"preview": _preview(request, session, form), "errors": {}}
    return render(
        request,
        "briefings/series_form.html",
        _choices(session) | ctx | {"form": form},
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
            horizon_months=_horizon(request),
        )
    except ValidationFailed as exc:
        return _series_page(request, session, form, errors=exc.errors, status_code=422)
    flash(
        request,
        Msg(
            "The series has been created with %(n)s briefings. Announce each one when it may be made public.",
            {"n": result.created},
        ),
    )
    return redirect(request, f"/office/briefing-series/{series.id}")


@router.get("/office/briefing-series/{series_id:int}")
def series_page(
    request: Request, series_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    series = service.get_series(session, series_id)
    return _series_page(
        request,
        session,
        _series_form(series, service.series_invitee_ids(session, series_id)),
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
            horizon_months=_horizon(request),
        )
    except ValidationFailed as exc:
        return _series_page(
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
            horizon_months=_horizon(request),
        )
    except ValidationFailed as exc:
        old = service.get_series(session, briefing.series_id) if briefing.series_id else None
        return _series_page(
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


@router.post("/office/briefing-series/extend")
def extend_series(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    result = service.extend_all(session, actor=identity.actor, horizon_months=_horizon(request))
    flash(
        request,
        Msg(
            "Series generated %(n)s months ahead: %(created)s briefings added.",
            {"n": _horizon(request), "created": result.created},
        ),
    )
    return redirect(request, "/office/briefing-series")


# --- Compliance -----------------------------------------------------------------------------


def compliance_context(request: Request, session: Session, year: int) -> dict[str, Any]:
    rules = compliance.rule_set(request.app.state.settings.compliance_ruleset or None)
    facts = service.compliance_facts(session, date(year, 1, 1), date(year, 12, 31))
    return {
        "rules": rules,
        "table": compliance.table(rules, facts, year, local_today()),
        "year": year,
        "state_labels": compliance.STATE_LABELS,
    }


def compliance_warnings(request: Request, session: Session) -> list[compliance.Result]:
    """For the office dashboard: periods starting within ~6 weeks with nothing to meet a rule."""
    today = local_today()
    rules = compliance.rule_set(request.app.state.settings.compliance_ruleset or None)
    facts = service.compliance_facts(session, date(today.year, 1, 1), date(today.year + 1, 12, 31))
    return compliance.warnings(rules, facts, today)


@router.get("/office/compliance")
def compliance_page(
    request: Request, identity: OfficeOnly, session: SessionDep, year: int = 0
) -> Response:
    year = year if 2000 <= year <= 2100 else local_today().year
    return render(request, "briefings/compliance.html", compliance_context(request, session, year))
