"""Pages of journalists' questions for the office: the triage list (filters, the overdue tab),
recording a question, the question page with the triage steps offered now (`service.offered`,
from the table in `states`), each step posted to one route that calls `service.take_step`, and
the per-organisation figures (counted as the reports count, `app.questions.figures`). Answers
are in `answers`; every rule is in `service` and `states`.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from app.access import Identity, OfficeOnly
from app.briefings import service as briefings
from app.db import SessionDep
from app.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
)
from app.flash import flash
from app.forms import parse_date, parse_ids, parse_int, parse_time
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.questions import service, states
from app.questions.models import (
    Channel,
    Question,
    QuestionStatus,
)
from app.questions.states import Step
from app.questions.web import common
from app.staffcache.cache import kept
from app.templating import redirect, render, request_locale
from app.timeutil import format_datetime, local_today, to_local, utcnow

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
PAGE_SIZE = 50  # questions per page of the office's list


# --- The office: the triage list -----------------------------------------------------------------


@router.get("/office/questions")
@kept
def office_list(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    status: str = "",
    overdue: str = "",
    organisation: str = "",
    briefing: str = "",
    q: str = "",
    page: int = 1,
) -> Response:
    """One page of PAGE_SIZE questions, with how many match in all."""
    filters = service.Filters(
        status=status if status in common.STATUS_VALUES else "",
        overdue=overdue == "1",
        briefing_id=parse_int(briefing),
        organisation_id=parse_int(organisation),
        q=q[:200],
    )
    total = service.count_listing(session, actor=identity.actor, filters=filters)
    pages = max(1, -(-total // PAGE_SIZE))
    page = max(1, min(page, pages))
    rows = service.listing(
        session,
        actor=identity.actor,
        filters=filters,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    now = utcnow()
    recent = briefings.between(
        session, now - timedelta(days=180), now + timedelta(days=180), public_only=True
    )
    ctx = common.labels(request) | {
        "questions": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "filter": {
            "status": filters.status,
            "overdue": filters.overdue,
            "organisation": str(filters.organisation_id or ""),
            "briefing": str(filters.briefing_id or ""),
            "q": filters.q,
        },
        "names": common.org_names(session),
        "users": common.users(session, (x.journalist_id for x in rows)),
        "answering": orgs.list_organisations(session, kinds=service.ANSWERING_ORGS),
        "briefing_options": common.briefing_options(request, reversed(recent)),
    }
    return render(request, "questions/office_list.html", ctx, block="results")


# --- The office: recording a question --------------------------------------------------------------

NEW_FIELDS = (
    "text",
    "topic",
    "language",
    "channel",
    "briefing_id",
    "asker_name",
    "agency_id",
    "agency_name",
    "received_day",
    "received_time",
)


def _new_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = common.labels(request) | {
        "form": form,
        "errors": errors or {},
        "briefing_options": common.briefing_options(request, common.recordable_briefings(session)),
        "agencies": orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,)),
    }
    return render(request, "questions/office_new.html", ctx, block="form", status_code=status_code)


@router.get("/office/questions/new")
def new_question_page(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    briefing: str = "",
    channel: str = "",
) -> Response:
    now = to_local(utcnow())
    upcoming = common.upcoming_briefings(session)
    live = next((b for b in upcoming if service.is_live(b)), None)
    chosen = parse_int(briefing)
    form: dict[str, Any] = dict.fromkeys(NEW_FIELDS, "") | {
        "language": "vi",
        "channel": channel if channel in {c.value for c in Channel} else "",
        "briefing_id": chosen
        if chosen in {b.id for b in common.recordable_briefings(session)}
        else "",
        "received_day": now.date().isoformat(),
        "received_time": now.strftime("%H:%M"),
        "incident": False,
    }
    if live is not None and not form["briefing_id"]:  # recording in the room: one less choice
        form["briefing_id"] = live.id
        form["channel"] = form["channel"] or Channel.BRIEFING.value
    return _new_page(request, session, form)


def _received_at(day: str, at: str, errors: dict[str, Msg]) -> datetime | None:
    """When the question came in, from the local date and time typed; None means now."""
    if not day.strip() and not at.strip():
        return None
    parsed_day, parsed_time = parse_date(day), parse_time(at)
    if parsed_day is None or parsed_time is None:
        errors["received_at"] = Msg(
            "Enter the date and time the question came in, for example 26/11/2026 and 14:05."
        )
        return None
    return briefings.local_datetime(parsed_day, parsed_time)


@router.post("/office/questions/new")
async def new_question(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in NEW_FIELDS}
    form["incident"] = data.get("incident") == "1"
    errors: dict[str, Msg] = {}
    received = _received_at(form["received_day"], form["received_time"], errors)
    channel = form["channel"]
    question = service.QuestionInput(
        text=form["text"],
        topic=form["topic"],
        language=form["language"],
        channel=Channel(channel) if channel in {c.value for c in Channel} else None,
        briefing_id=parse_int(form["briefing_id"]),
        asker_name=form["asker_name"],
        agency_id=parse_int(form["agency_id"]),
        agency_name=form["agency_name"],
        received_at=received,
        incident=form["incident"],
    )
    try:
        if errors:
            raise ValidationFailed(errors)
        saved = service.record(session, actor=identity.actor, data=question)
    except ValidationFailed as exc:
        return _new_page(request, session, form, errors=exc.errors, status_code=422)
    flash(
        request,
        Msg(
            "Question #%(id)s has been recorded. It is due by %(due)s.",
            {"id": saved.id, "due": format_datetime(saved.due_at)},
        ),
    )
    if data.get("intent") == "another":
        url = f"/office/questions/new?channel={saved.channel.value}"
        if saved.briefing_id:
            url += f"&briefing={saved.briefing_id}"
        return redirect(request, url)
    return redirect(request, f"/office/questions/{saved.id}")


# --- The office: the question page and its steps ---------------------------------------------------


def _step_forms(q: Question, support: list[int]) -> dict[str, dict[str, Any]]:
    return {
        Step.ACCEPT.value: {"incident": q.incident},
        Step.MERGE.value: {"into_id": "", "into_number": ""},
        Step.DECLINE.value: {"reason": ""},
        Step.ASSIGN.value: {
            "lead_org_id": q.lead_org_id or "",
            "support_ids": support,
            "due_on": "",
        },
        Step.TRANSFER.value: {"to_org_id": "", "reason": ""},
    }


def office_page(
    request: Request,
    session: Session,
    identity: Identity,
    question_id: int,
    *,
    failed: str | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    q = service.get(session, question_id, actor=identity.actor)
    ctx = common.labels(request) | common.question_context(session, q, identity)
    recent = service.listing(session, actor=identity.actor, limit=common.MERGE_CHOICES + 1)
    answering = orgs.list_organisations(session, kinds=service.ANSWERING_ORGS)
    locale = request_locale(request)
    forms = _step_forms(q, ctx["support"])
    if failed in forms and form is not None:
        forms[failed] = form
    if failed == "answer" and form is not None:
        ctx["answer_form"] = form
    ctx |= {
        "steps": service.offered(identity.actor, q),
        "forms": forms,
        "failed": failed,
        "errors": errors or {},
        "answering": answering,
        "transfer_options": [(o.id, o.name(locale)) for o in answering if o.id != q.lead_org_id],
        "merge_options": [
            (x.id, f"#{x.id} · {format_datetime(x.received_at)} · {x.text[:80]}")
            for x in recent
            if x.id != q.id and x.status not in (QuestionStatus.MERGED, QuestionStatus.DECLINED)
        ][: common.MERGE_CHOICES],
        "merged_into": session.get(Question, q.merged_into_id) if q.merged_into_id else None,
        "merged_here": list(
            session.exec(
                select(Question)
                .where(Question.merged_into_id == q.id)
                .order_by(col(Question.received_at))
            ).all()
        ),
    }
    return render(request, "questions/office_detail.html", ctx, status_code=status_code)


@router.get("/office/questions/figures")
def figures_page(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
) -> Response:
    today = local_today()
    errors: dict[str, Msg] = {}
    first = parse_date(date_from) if date_from.strip() else today.replace(month=1, day=1)
    last = parse_date(date_to) if date_to.strip() else today
    if first is None:
        errors["from"] = Msg("Enter a date, for example 01/01/2026.")
    if last is None:
        errors["to"] = Msg("Enter a date, for example 31/12/2026.")
    if first and last and last < first:
        errors["to"] = Msg("The end of the period is before its start.")
    rows = service.figures(session, first, last) if first and last and not errors else []
    hours = [h for f in rows for h in f.hours_to_answer]
    total = {
        "received": sum(f.received for f in rows),
        "answered": sum(f.answered for f in rows),
        "on_time": sum(f.on_time for f in rows),
        "refused": sum(f.refused for f in rows),
        "overdue": sum(f.overdue for f in rows),
        "median_hours": statistics.median(hours) if hours else None,
    }
    ctx = {
        "rows": rows,
        "total": total,
        "names": common.org_names(session),
        "errors": errors,
        "period": {
            "from": date_from if errors.get("from") else (first or today).isoformat(),
            "to": date_to if errors.get("to") else (last or today).isoformat(),
        },
        "first": first,
        "last": last,
    }
    return render(
        request,
        "questions/office_figures.html",
        ctx,
        block="figures",
        status_code=422 if errors else 200,
    )


@router.get("/office/questions/{question_id:int}")
def office_question(
    request: Request, question_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return office_page(request, session, identity, question_id)


def _due_on(value: str) -> date | None:
    if not value.strip():
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise ValidationFailed({"due_on": Msg("Enter a date, for example 26/11/2026.")})
    return parsed


# The text fields of each step's form, kept when the page comes back with an error.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    Step.MERGE: ("into_id", "into_number"),
    Step.DECLINE: ("reason",),
    Step.ASSIGN: ("lead_org_id", "due_on"),
    Step.TRANSFER: ("to_org_id", "reason"),
}


def _step_form(step: str, data: FormData) -> dict[str, Any]:
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in STEP_FIELDS.get(step, ())}
    if step == Step.ACCEPT:
        form["incident"] = data.get("incident") == "1"
    if step == Step.ASSIGN:
        form["support_ids"] = parse_ids([str(v) for v in data.getlist("support_ids")])
    return form


def _step_data(form: dict[str, Any], revision: int | None) -> service.StepData:
    into = str(form.get("into_number", "")).lstrip("#")
    return service.StepData(
        revision=revision,
        incident=form.get("incident"),
        into_id=parse_int(into) or parse_int(form.get("into_id", "")),
        reason=form.get("reason", ""),
        lead_org_id=parse_int(form.get("lead_org_id", "")),
        support_ids=form.get("support_ids", []),
        due_on=_due_on(form.get("due_on", "")),
        to_org_id=parse_int(form.get("to_org_id", "")),
    )


@router.post("/office/questions/{question_id:int}/{action}")
async def office_step(
    request: Request, question_id: int, action: str, identity: OfficeOnly, session: SessionDep
) -> Response:
    """A triage step (the path parameter is named `action` as on the other areas' pages)."""
    if action not in states.TRIAGE:
        raise NotFound()
    chosen = Step(action)
    data = await request.form()
    form = _step_form(chosen, data)
    try:
        service.take_step(
            session,
            actor=identity.actor,
            question_id=question_id,
            step=chosen,
            data=_step_data(form, parse_int(str(data.get("revision", "")))),
        )
    except (ValidationFailed, Conflict) as exc:
        # Wrong fields (422), or someone acted in the meantime or the step is no longer possible
        # (409): the page again, with the message beside the field and the text kept.
        errors = (
            exc.errors
            if isinstance(exc, ValidationFailed)
            else {"form": exc.detail or Msg(exc.title)}
        )
        return office_page(
            request,
            session,
            identity,
            question_id,
            failed=chosen.value,
            form=form,
            errors=errors,
            status_code=exc.status,
        )
    flash(request, Msg(common.STEP_DONE[chosen]))
    return redirect(request, f"/office/questions/{question_id}")
