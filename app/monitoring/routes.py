"""The office's pages of media monitoring: press items (list, one item, one entered by hand),
the sources with their fetch state, and the watch rules. Office only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.access import OfficeOnly
from app.db import SessionDep
from app.errors import FileTooLarge, UnsupportedFile, ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_int
from app.i18n import Msg
from app.monitoring import service, work_routes
from app.monitoring.models import MEDIUM_LABELS, TONE_LABELS, Medium, Tone
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.statements import service as statements
from app.storage import ACCEPT_ATTR
from app.templating import redirect, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
Many = Annotated[list[str], Form()]
ITEM_FIELDS = ("outlet", "medium", "url", "title", "excerpt", "published_on")


def _labels() -> dict[str, Any]:
    return {"tone_labels": TONE_LABELS, "medium_labels": MEDIUM_LABELS}


# --- Press items -------------------------------------------------------------------------------


@router.get("/office/monitoring")
def items_page(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    tone: str = "",
    source: str = "",
    rule: str = "",
    before: str = "",
) -> Response:
    filters = service.ItemFilters(
        tone=Tone(tone) if tone in {t.value for t in Tone} else None,
        source_id=parse_int(source),
        rule_id=parse_int(rule),
    )
    rows, next_before = service.items(session, filters, before=parse_int(before))
    context = {
        **_labels(),
        "rows": rows,
        "next_before": next_before,
        "filters": filters,
        "sources": service.sources(session),
        "rules": service.watch_rules(session),
        "tones": list(Tone),
    }
    return render(request, "monitoring/items.html", context, block="results" if before else None)


@router.get("/office/monitoring/items/{item_id:int}")
def item_page(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return work_routes.item_page(request, session, item_id)


def _item_form(
    request: Request,
    form: dict[str, str] | None = None,
    errors: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        **_labels(),
        "form": form or {"medium": Medium.TELEVISION.value},
        "errors": errors or {},
        "media": list(Medium),
        "accept_files": ACCEPT_ATTR,
    }
    return render(request, "monitoring/item_form.html", context, status_code=status_code)


@router.get("/office/monitoring/items/new")
def item_new(request: Request, identity: OfficeOnly) -> Response:
    return _item_form(request)


@router.post("/office/monitoring/items/new")
async def item_create(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    """The item and, if chosen, its file (a scan, a screenshot), saved together."""
    settings = request.app.state.settings
    data = await request.form(max_files=2)
    form = {name: str(data.get(name, "")) for name in ITEM_FIELDS}
    uploads = [f for f in data.getlist("file") if isinstance(f, UploadFile) and f.filename]
    item_input = service.ItemInput(
        form["outlet"],
        form["medium"],
        form["url"],
        form["title"],
        form["excerpt"],
        parse_date(form["published_on"]),
    )
    try:
        item = service.add_item_with_file(
            session,
            actor=identity.actor,
            data=item_input,
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
        )
    except ValidationFailed as exc:
        return _item_form(request, form, dict(exc.errors), 422)
    except (FileTooLarge, UnsupportedFile) as exc:
        return _item_form(request, form, {"file": exc.detail or Msg(exc.title)}, exc.status)
    finally:
        for f in uploads:
            await f.close()
    flash(request, Msg("The press item has been added."))
    return redirect(request, f"/office/monitoring/items/{item.id}")


@router.get("/office/monitoring/items/{item_id:int}/file")
def item_file(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    """The file entered with an item, always as a download."""
    return work_routes.item_file_response(request, service.item_detail(session, item_id).item)


# --- Sources -----------------------------------------------------------------------------------


def _agencies(session: Session) -> list[Any]:
    return orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,))


def _source_page(
    request: Request,
    session: Session,
    *,
    template: str,
    form: dict[str, Any],
    errors: dict[str, Any] | None = None,
    source: Any = None,
    status_code: int = 200,
) -> Response:
    context = {
        "sources": service.sources(session),
        "agencies": _agencies(session),
        "intervals": service.INTERVALS,
        "form": form,
        "errors": errors or {},
        "source": source,
    }
    return render(request, template, context, status_code=status_code)


def _source_input(
    name: str, feed_url: str, organisation_id: str, interval_minutes: str, active: str
) -> service.SourceInput:
    return service.SourceInput(
        name=name,
        feed_url=feed_url,
        organisation_id=parse_int(organisation_id),
        interval_minutes=parse_int(interval_minutes) or 0,
        active=active == "1",
    )


@router.get("/office/monitoring/sources")
def sources_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    form = {"interval_minutes": "30", "active": "1"}
    return _source_page(request, session, template="monitoring/sources.html", form=form)


@router.post("/office/monitoring/sources")
def source_create(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    name: Text = "",
    feed_url: Text = "",
    organisation_id: Text = "",
    interval_minutes: Text = "",
    active: Text = "",
) -> Response:
    form = {
        "name": name,
        "feed_url": feed_url,
        "organisation_id": organisation_id,
        "interval_minutes": interval_minutes,
        "active": active,
    }
    data = _source_input(name, feed_url, organisation_id, interval_minutes, active)
    settings = request.app.state.settings
    try:
        service.add_source(session, actor=identity.actor, data=data, settings=settings)
    except ValidationFailed as exc:
        return _source_page(
            request,
            session,
            template="monitoring/sources.html",
            form=form,
            errors=dict(exc.errors),
            status_code=422,
        )
    flash(request, Msg("The source has been added; it is fetched within a minute."))
    return redirect(request, "/office/monitoring/sources")


@router.get("/office/monitoring/sources/{source_id:int}")
def source_page(
    request: Request, source_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    source = service.get_source(session, source_id)
    form = {
        "name": source.name,
        "feed_url": source.feed_url,
        "organisation_id": str(source.organisation_id or ""),
        "interval_minutes": str(source.interval_minutes),
        "active": "1" if source.active else "",
    }
    return _source_page(
        request, session, template="monitoring/source.html", form=form, source=source
    )


@router.post("/office/monitoring/sources/{source_id:int}")
def source_update(
    request: Request,
    source_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    name: Text = "",
    feed_url: Text = "",
    organisation_id: Text = "",
    interval_minutes: Text = "",
    active: Text = "",
) -> Response:
    form = {
        "name": name,
        "feed_url": feed_url,
        "organisation_id": organisation_id,
        "interval_minutes": interval_minutes,
        "active": active,
    }
    data = _source_input(name, feed_url, organisation_id, interval_minutes, active)
    try:
        service.update_source(
            session,
            actor=identity.actor,
            source_id=source_id,
            data=data,
            settings=request.app.state.settings,
        )
    except ValidationFailed as exc:
        return _source_page(
            request,
            session,
            template="monitoring/source.html",
            form=form,
            errors=dict(exc.errors),
            source=service.get_source(session, source_id),
            status_code=422,
        )
    flash(request, Msg("The source has been saved."))
    return redirect(request, "/office/monitoring/sources")


@router.post("/office/monitoring/sources/{source_id:int}/fetch")
def source_fetch(
    request: Request, source_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    service.fetch_soon(session, actor=identity.actor, source_id=source_id)
    flash(request, Msg("The source will be fetched within a minute."))
    return redirect(request, "/office/monitoring/sources")


# --- Watch rules -------------------------------------------------------------------------------


def _rule_page(
    request: Request,
    session: Session,
    *,
    template: str,
    form: dict[str, Any],
    errors: dict[str, Any] | None = None,
    rule: Any = None,
    status_code: int = 200,
) -> Response:
    context = {
        "rules": service.watch_rules(session),
        "topics": statements.topics(session),
        "organisations": orgs.list_organisations(session),
        "form": form,
        "errors": errors or {},
        "rule": rule,
    }
    return render(request, template, context, status_code=status_code)


def _rule_input(
    name: str, all_of: str, any_of: str, none_of: str, topic_id: str, orgs_: list[str], active: str
) -> service.RuleInput:
    ids = tuple(i for i in (parse_int(v) for v in orgs_[:200]) if i is not None)
    return service.RuleInput(name, all_of, any_of, none_of, parse_int(topic_id), ids, active == "1")


@router.get("/office/monitoring/rules")
def rules_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    form: dict[str, Any] = {"active": "1", "organisation_ids": []}
    return _rule_page(request, session, template="monitoring/rules.html", form=form)


@router.post("/office/monitoring/rules")
def rule_create(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    name: Text = "",
    all_of: Text = "",
    any_of: Text = "",
    none_of: Text = "",
    topic_id: Text = "",
    organisation_ids: Many = [],  # noqa: B006 - FastAPI copies form defaults
    active: Text = "",
) -> Response:
    form = {
        "name": name,
        "all_of": all_of,
        "any_of": any_of,
        "none_of": none_of,
        "topic_id": topic_id,
        "organisation_ids": organisation_ids,
        "active": active,
    }
    data = _rule_input(name, all_of, any_of, none_of, topic_id, organisation_ids, active)
    try:
        service.add_rule(session, actor=identity.actor, data=data)
    except ValidationFailed as exc:
        return _rule_page(
            request,
            session,
            template="monitoring/rules.html",
            form=form,
            errors=dict(exc.errors),
            status_code=422,
        )
    flash(request, Msg("The watch rule has been added."))
    return redirect(request, "/office/monitoring/rules")


@router.get("/office/monitoring/rules/{rule_id:int}")
def rule_page(
    request: Request, rule_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    rule = service.get_rule(session, rule_id)
    form = {
        "name": rule.name,
        "all_of": rule.all_of,
        "any_of": rule.any_of,
        "none_of": rule.none_of,
        "topic_id": str(rule.topic_id or ""),
        "organisation_ids": [str(i) for i in service.rule_organisations(session, rule_id)],
        "active": "1" if rule.active else "",
    }
    return _rule_page(request, session, template="monitoring/rule.html", form=form, rule=rule)


@router.post("/office/monitoring/rules/{rule_id:int}")
def rule_update(
    request: Request,
    rule_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    name: Text = "",
    all_of: Text = "",
    any_of: Text = "",
    none_of: Text = "",
    topic_id: Text = "",
    organisation_ids: Many = [],  # noqa: B006 - FastAPI copies form defaults
    active: Text = "",
) -> Response:
    form = {
        "name": name,
        "all_of": all_of,
        "any_of": any_of,
        "none_of": none_of,
        "topic_id": topic_id,
        "organisation_ids": organisation_ids,
        "active": active,
    }
    data = _rule_input(name, all_of, any_of, none_of, topic_id, organisation_ids, active)
    try:
        service.update_rule(session, actor=identity.actor, rule_id=rule_id, data=data)
    except ValidationFailed as exc:
        return _rule_page(
            request,
            session,
            template="monitoring/rule.html",
            form=form,
            errors=dict(exc.errors),
            rule=service.get_rule(session, rule_id),
            status_code=422,
        )
    flash(request, Msg("The watch rule has been saved."))
    return redirect(request, "/office/monitoring/rules")
