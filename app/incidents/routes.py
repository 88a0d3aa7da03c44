"""The office's pages for sudden matters: the list with running clocks, the form, the detail page
with its links, the correction and closing. Office and spokesperson only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import OfficeOnly
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_ids, parse_int
from app.i18n import Msg
from app.incidents import queries, service
from app.incidents.clock import VERDICT_LABELS
from app.incidents.forms import (
    CORRECTION_FIELDS,
    MATTER_FIELDS,
    moment_value,
    parse_moment,
    read_correction,
    read_matter,
)
from app.incidents.models import LINK_LABELS, LinkKind, Matter
from app.law.rulesets import load
from app.templating import redirect, render, request_locale
from app.timeutil import local_today, to_local, utcnow

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


# --- The list --------------------------------------------------------------------------------


@router.get("/office/incidents")
def matters_page(
    request: Request, identity: OfficeOnly, session: SessionDep, state: str = "open", kind: str = ""
) -> Response:
    state = state if state in queries.STATES else "open"
    kinds = queries.kind_choices(request_locale(request))
    kind = kind if kind in {k for k, _label in kinds} else ""
    rows = queries.listing(session, state=state, kind=kind)
    return render(
        request,
        "incidents/list.html",
        {
            "rows": rows,
            "filter": {"state": state, "kind": kind},
            "kinds": kinds,
            "verdict_labels": VERDICT_LABELS,
        },
        block="results",
    )


# --- The form --------------------------------------------------------------------------------


def _form_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    matter: Matter | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    start = parse_moment(form.get("clock_started_at"))
    day = to_local(start).date() if start else local_today()
    if day > local_today():
        day = local_today()
    return render(
        request,
        "incidents/form.html",
        {
            "form": form,
            "matter": matter,
            "errors": errors or {},
            "kinds": queries.kind_choices(request_locale(request)),
            "bodies": queries.state_bodies(session, day),
            "agencies": queries.press_agencies(session, day),
            "press_kinds": sorted(service.PRESS_KINDS),
            "rulesets": load(),
        },
        status_code=status_code,
    )


async def _form_data(request: Request) -> dict[str, Any]:
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in MATTER_FIELDS}
    form["organisation_ids"] = parse_ids([str(v) for v in data.getlist("organisation_ids")])
    return form


def _matter_form(session: Session, matter: Matter) -> dict[str, Any]:
    assert matter.id is not None
    return {
        "kind": matter.kind,
        "title": matter.title,
        "summary": matter.summary,
        "clock_started_at": moment_value(matter.clock_started_at),
        "organisation_ids": queries.organisation_ids(session, matter.id),
        "agency_id": str(matter.agency_id or ""),
        "article_title": matter.article_title,
        "article_url": matter.article_url,
        "article_published_on": matter.article_published_on.isoformat()
        if matter.article_published_on
        else "",
        "revision": str(matter.revision),
    }


@router.get("/office/incidents/new")
def new_matter_page(
    request: Request, identity: OfficeOnly, session: SessionDep, kind: str = ""
) -> Response:
    form = {"kind": kind, "clock_started_at": moment_value(utcnow()), "organisation_ids": []}
    return _form_page(request, session, form)


@router.post("/office/incidents/new")
async def new_matter_submit(
    request: Request, identity: OfficeOnly, session: SessionDep
) -> Response:
    form = await _form_data(request)
    try:
        matter = service.create(session, actor=identity.actor, data=read_matter(form))
    except ValidationFailed as exc:
        return _form_page(request, session, form, errors=exc.errors, status_code=422)
    flash(request, Msg("The matter has been opened. Link the statements that inform the press."))
    return redirect(request, f"/office/incidents/{matter.id}")


@router.get("/office/incidents/{item_id:int}/edit")
def edit_matter_page(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    matter = queries.get(session, item_id)
    return _form_page(request, session, _matter_form(session, matter), matter=matter)


@router.post("/office/incidents/{item_id:int}/edit")
async def edit_matter_submit(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    matter = queries.get(session, item_id)
    form = await _form_data(request)
    try:
        service.update(
            session,
            actor=identity.actor,
            matter_id=item_id,
            data=read_matter(form),
            expected_revision=parse_int(form["revision"]),
        )
    except ValidationFailed as exc:
        return _form_page(request, session, form, matter=matter, errors=exc.errors, status_code=422)
    flash(request, Msg("The matter has been saved."))
    return redirect(request, f"/office/incidents/{item_id}")


# --- The detail page and its actions ---------------------------------------------------------


def _detail(
    request: Request,
    session: Session,
    item_id: int,
    *,
    failed: str = "",
    errors: dict[str, Msg] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    shown = queries.view(session, item_id)
    matter = shown.matter
    typed = typed or {}
    correction = {
        "correction_expected_by": matter.correction_expected_by.isoformat()
        if matter.correction_expected_by
        else "",
        "correction_published_at": moment_value(matter.correction_published_at),
        "correction_url": matter.correction_url,
    }
    return render(
        request,
        "incidents/detail.html",
        {
            "v": shown,
            "m": matter,
            "ruleset": queries.ruleset_named(matter.ruleset),
            "names": queries.organisation_names(session, shown.day),
            "org_ids": queries.organisation_ids(session, item_id),
            "opened_by": queries.user_name(session, matter.created_by),
            "closed_by": queries.user_name(session, matter.closed_by),
            "links": queries.links(session, item_id),
            "link_labels": LINK_LABELS,
            "link_kinds": [k.value for k in LinkKind],
            "verdict_labels": VERDICT_LABELS,
            "is_press_kind": service.is_press_kind(matter.kind),
            "failed": failed,
            "errors": errors or {},
            "link_form": typed if failed == "link" else {"link_kind": "statement"},
            "correction_form": typed if failed == "correction" else correction,
            "close_form": typed if failed == "close" else {},
        },
        status_code=422 if errors else 200,
    )


@router.get("/office/incidents/{item_id:int}")
def matter_page(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return _detail(request, session, item_id)


@router.post("/office/incidents/{item_id:int}/links")
def link_submit(
    request: Request,
    item_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    link_kind: Text = "",
    ref: Text = "",
) -> Response:
    try:
        service.link(session, actor=identity.actor, matter_id=item_id, kind=link_kind, ref=ref)
    except ValidationFailed as exc:
        typed = {"link_kind": link_kind, "ref": ref}
        return _detail(request, session, item_id, failed="link", errors=exc.errors, typed=typed)
    flash(request, Msg("The link has been added."))
    return redirect(request, f"/office/incidents/{item_id}#links")


@router.post("/office/incidents/{item_id:int}/unlink")
def unlink_submit(
    request: Request,
    item_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    link_kind: Text = "",
    object_id: Text = "",
) -> Response:
    service.unlink(
        session,
        actor=identity.actor,
        matter_id=item_id,
        kind=link_kind,
        object_id=parse_int(object_id),
    )
    flash(request, Msg("The link has been removed."))
    return redirect(request, f"/office/incidents/{item_id}#links")


@router.post("/office/incidents/{item_id:int}/correction")
async def correction_submit(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    data = await request.form()
    typed = {name: str(data.get(name, "")) for name in CORRECTION_FIELDS}
    try:
        service.record_correction(
            session, actor=identity.actor, matter_id=item_id, data=read_correction(typed)
        )
    except ValidationFailed as exc:
        return _detail(
            request, session, item_id, failed="correction", errors=exc.errors, typed=typed
        )
    flash(request, Msg("The correction has been recorded."))
    return redirect(request, f"/office/incidents/{item_id}")


@router.post("/office/incidents/{item_id:int}/close")
def close_submit(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep, note: Text = ""
) -> Response:
    try:
        service.close(session, actor=identity.actor, matter_id=item_id, note=note)
    except ValidationFailed as exc:
        typed = {"note": note}
        return _detail(request, session, item_id, failed="close", errors=exc.errors, typed=typed)
    flash(request, Msg("The matter has been closed."))
    return redirect(request, f"/office/incidents/{item_id}")


@router.post("/office/incidents/{item_id:int}/reopen")
def reopen_submit(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    service.reopen(session, actor=identity.actor, matter_id=item_id)
    flash(request, Msg("The matter has been reopened."))
    return redirect(request, f"/office/incidents/{item_id}")
