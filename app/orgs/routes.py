"""Admin pages for organisations: list, add, rename (new name period), retire."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import AdminOnly
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_date
from app.i18n import Msg
from app.orgs import service
from app.orgs.models import ORG_KIND_LABELS, OrgKind
from app.templating import redirect, render
from app.timeutil import local_today

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _list_context(session: SessionDep, kind: str, retired: bool) -> dict[str, Any]:
    kinds = (OrgKind(kind),) if kind in {k.value for k in OrgKind} else None
    return {
        "organisations": service.list_organisations(session, kinds=kinds, include_retired=retired),
        "kind": kind if kinds else "",
        "retired": retired,
        "kinds": list(OrgKind),
        "kind_labels": ORG_KIND_LABELS,
        "today": local_today(),
    }


@router.get("/admin/organisations")
def organisations_page(
    request: Request,
    identity: AdminOnly,
    session: SessionDep,
    kind: str = "",
    retired: bool = False,
) -> Response:
    ctx = _list_context(session, kind, retired) | {
        "form": {"valid_from": local_today().isoformat()}
    }
    return render_orgs(request, ctx, block="org_list")


def render_orgs(
    request: Request, ctx: dict[str, Any], block: str | None = None, status_code: int = 200
) -> Response:
    return render(request, "orgs/list.html", ctx, block=block, status_code=status_code)


@router.post("/admin/organisations")
def organisation_create(
    request: Request,
    identity: AdminOnly,
    session: SessionDep,
    code: Text = "",
    kind: Text = "",
    name_vi: Text = "",
    name_en: Text = "",
    valid_from: Text = "",
) -> Response:
    try:
        org = service.create(
            session,
            actor=identity.actor,
            code=code,
            kind=kind,
            name_vi=name_vi,
            name_en=name_en,
            valid_from=parse_date(valid_from),
        )
    except ValidationFailed as exc:
        form = {
            "code": code,
            "kind": kind,
            "name_vi": name_vi,
            "name_en": name_en,
            "valid_from": valid_from,
        }
        ctx = _list_context(session, "", False) | {"form": form, "errors": exc.errors}
        return render_orgs(request, ctx, block="add_form", status_code=422)
    flash(request, Msg("%(code)s has been added.", {"code": org.code}))
    return redirect(request, f"/admin/organisations/{org.id}")


def _detail(
    request: Request,
    session: SessionDep,
    org_id: int,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = {
        "org": service.get(session, org_id),
        "names": service.history(session, org_id),
        "kind_labels": ORG_KIND_LABELS,
        "today": local_today(),
        "form": {},
        "errors": {},
    }
    return render(request, "orgs/detail.html", ctx | (extra or {}), status_code=status_code)


@router.get("/admin/organisations/{org_id}")
def organisation_page(
    request: Request, org_id: int, identity: AdminOnly, session: SessionDep
) -> Response:
    return _detail(request, session, org_id)


@router.post("/admin/organisations/{org_id}/rename")
def organisation_rename(
    request: Request,
    org_id: int,
    identity: AdminOnly,
    session: SessionDep,
    name_vi: Text = "",
    name_en: Text = "",
    effective: Text = "",
) -> Response:
    try:
        service.rename(
            session,
            actor=identity.actor,
            org_id=org_id,
            name_vi=name_vi,
            name_en=name_en,
            effective=parse_date(effective),
        )
    except ValidationFailed as exc:
        form = {"name_vi": name_vi, "name_en": name_en, "effective": effective}
        return _detail(
            request, session, org_id, {"form": form, "errors": exc.errors}, status_code=422
        )
    flash(request, Msg("The new name has been recorded; the old name stays in the history."))
    return redirect(request, f"/admin/organisations/{org_id}")


@router.post("/admin/organisations/{org_id}/retire")
def organisation_retire(
    request: Request,
    org_id: int,
    identity: AdminOnly,
    session: SessionDep,
    last_day: Text = "",
) -> Response:
    try:
        service.retire(session, actor=identity.actor, org_id=org_id, last_day=parse_date(last_day))
    except ValidationFailed as exc:
        return _detail(
            request,
            session,
            org_id,
            {"retire_form": {"last_day": last_day}, "errors": exc.errors},
            status_code=422,
        )
    flash(request, Msg("The organisation has been retired; its records keep its name."))
    return redirect(request, f"/admin/organisations/{org_id}")
