"""The office's pages for one briefing: planning it, editing this one (or this and the following
ones of its series), its page with the lifecycle steps it allows, and taking a step."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import OfficeOnly
from app.accounts.models import Role
from app.attendance import service as attendance
from app.briefings import service
from app.briefings.models import CHANGE_LABELS, STATUS_LABELS, Briefing
from app.briefings.states import SCHEDULED, WORKFLOW, Step
from app.briefings.web.common import Text, choices
from app.briefings.web.series import series_form, series_page
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_ids, parse_int, parse_time
from app.i18n import Msg
from app.notifications import triggers
from app.orgs import service as orgs
from app.questions import service as questions
from app.templating import redirect, render
from app.timeutil import local_today, to_local
from app.uow import dry_run

router = APIRouter(include_in_schema=False)

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


async def _briefing_form_data(request: Request) -> dict[str, Any]:
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in BRIEFING_FIELDS}
    form["invitee_ids"] = parse_ids([str(v) for v in data.getlist("invitee_ids")])
    return form


def _form_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    briefing: Briefing | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = choices(session) | {"form": form, "briefing": briefing, "errors": errors or {}}
    return render(request, "briefings/form.html", ctx, block="editor", status_code=status_code)


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
        if briefing.status in SCHEDULED
        else [],
        "actions": WORKFLOW.allowed(briefing.status),
        # Taking questions from the room now: the links to the live screens stand out.
        "live": questions.is_live(briefing),
        "attendance": attendance.summary(session, briefing),
        "action_labels": WORKFLOW.labels,
        "status_labels": STATUS_LABELS,
        "change_labels": CHANGE_LABELS,
        "errors": {},
        "action_form": {},
    }


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
        form = series_form(series, service.series_invitee_ids(session, series.id or 0))
        form["sequence"] = briefing.sequence
        return series_page(request, session, form, series=series, following=briefing)
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


# Steps that the public and the people taking part are told of: asked again once announced.
CONFIRMED = frozenset({Step.CANCEL, Step.POSTPONE})


def _confirm_page(
    request: Request,
    session: Session,
    briefing: Briefing,
    action: Step,
    fields: dict[str, str],
) -> Response:
    """Are you sure? What changes for the public and who is told, before the step is taken."""
    told = triggers.briefing_audience(session, briefing)
    day, start = parse_date(fields["new_day"]), parse_time(fields["new_start"])
    ctx = {
        "briefing": briefing,
        "action": action.value,
        "fields": fields,
        "new_start": service.local_datetime(day, start) if day and start else None,
        "departments": sum(1 for u in told if u.role == Role.DEPARTMENT),
        "journalists": sum(1 for u in told if u.role == Role.JOURNALIST),
        "action_labels": WORKFLOW.labels,
    }
    return render(request, "briefings/confirm.html", ctx)


@router.post("/office/briefings/{briefing_id:int}/actions/{action}")
def briefing_action(
    request: Request,
    briefing_id: int,
    action: Step,
    identity: OfficeOnly,
    session: SessionDep,
    reason: Text = "",
    new_day: Text = "",
    new_start: Text = "",
    new_end: Text = "",
    record_summary: Text = "",
    record_url: Text = "",
    sequence: Text = "",
    confirm: Text = "",
) -> Response:
    data = service.StepInput(
        reason=reason,
        new_day=parse_date(new_day),
        new_start=parse_time(new_start),
        new_end=parse_time(new_end),
        record_summary=record_summary,
        record_url=record_url,
        expected_sequence=parse_int(sequence),
    )
    try:
        briefing = service.get(session, briefing_id)
        if action in CONFIRMED and briefing.announced_at is not None and confirm != "1":
            # Checked as it would be taken (nothing kept), then the page that says who is told.
            dry_run(
                session,
                lambda: service.take_step(
                    session, actor=identity.actor, id=briefing_id, step=action, data=data
                ),
            )
            return _confirm_page(
                request,
                session,
                briefing,
                action,
                {
                    "reason": reason,
                    "new_day": new_day,
                    "new_start": new_start,
                    "new_end": new_end,
                    "sequence": sequence,
                },
            )
        service.take_step(session, actor=identity.actor, id=briefing_id, step=action, data=data)
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
    flash(request, Msg(WORKFLOW.done[action]))
    return redirect(request, f"/office/briefings/{briefing_id}")
