"""The office's registry of press agencies: each with its kind of media (newspaper, online,
radio, television, news agency), whether it is central, local or foreign, and how many of its
journalists are verified; adding and editing an agency. Every rule is in `orgs.service`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.access import OfficeOnly
from app.accounts.models import Role, User, UserStatus
from app.db import SessionDep
from app.errors import NotFound, ValidationFailed
from app.flash import flash
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import (
    MEDIA_KIND_LABELS,
    MEDIA_SCOPE_LABELS,
    MediaKind,
    MediaScope,
    Organisation,
    OrgKind,
)
from app.templating import redirect, render
from app.timeutil import local_today

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
FIELDS = ("name_vi", "name_en", "code", "media_kind", "media_scope")


def _labels() -> dict[str, Any]:
    return {
        "media_kinds": [k.value for k in MediaKind],
        "media_scopes": [s.value for s in MediaScope],
        "media_kind_labels": MEDIA_KIND_LABELS,
        "media_scope_labels": MEDIA_SCOPE_LABELS,
    }


def _verified_journalists(session: Session) -> dict[int, int]:
    """How many active (verified) journalists each press agency has."""
    rows = session.exec(
        select(User.organisation_id, func.count())
        .where(User.role == Role.JOURNALIST, User.status == UserStatus.ACTIVE)
        .where(col(User.organisation_id).is_not(None))
        .group_by(col(User.organisation_id))
    ).all()
    return {org_id: int(n) for org_id, n in rows if org_id is not None}


def _agency(session: Session, agency_id: int) -> Organisation:
    org = session.get(Organisation, agency_id)
    if org is None or org.kind != OrgKind.PRESS_AGENCY:
        raise NotFound()
    return org


@router.get("/office/press-agencies")
def agencies_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    views = orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,))
    rows = session.exec(
        select(Organisation).where(col(Organisation.id).in_([v.id for v in views]))
    ).all()
    ctx = _labels() | {
        "agencies": views,
        "media": {o.id: o for o in rows},
        "journalists": _verified_journalists(session),
    }
    return render(request, "questions/agencies_list.html", ctx)


def _form_page(
    request: Request,
    form: dict[str, Any],
    *,
    agency_id: int | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = _labels() | {"form": form, "agency_id": agency_id, "errors": errors or {}}
    return render(
        request, "questions/agencies_form.html", ctx, block="form", status_code=status_code
    )


@router.get("/office/press-agencies/new")
def new_agency_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    return _form_page(request, dict.fromkeys(FIELDS, ""))


@router.post("/office/press-agencies/new")
def new_agency(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    name_vi: Text = "",
    name_en: Text = "",
    code: Text = "",
    media_kind: Text = "",
    media_scope: Text = "",
) -> Response:
    form = {
        "name_vi": name_vi,
        "name_en": name_en,
        "code": code,
        "media_kind": media_kind,
        "media_scope": media_scope,
    }
    try:
        org = orgs.create(
            session,
            actor=identity.actor,
            code=code,
            kind=OrgKind.PRESS_AGENCY.value,
            name_vi=name_vi,
            name_en=name_en,
            valid_from=local_today(),
            media_kind=media_kind,
            media_scope=media_scope,
        )
    except ValidationFailed as exc:
        return _form_page(request, form, errors=exc.errors, status_code=422)
    flash(request, Msg("%(code)s has been added to the press agencies.", {"code": org.code}))
    return redirect(request, "/office/press-agencies")


@router.get("/office/press-agencies/{agency_id:int}/edit")
def edit_agency_page(
    request: Request, agency_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    org = _agency(session, agency_id)
    view = orgs.get(session, agency_id)
    form = {
        "name_vi": view.name_vi,
        "name_en": view.name_en,
        "code": org.code,
        "media_kind": org.media_kind.value if org.media_kind else "",
        "media_scope": org.media_scope.value if org.media_scope else "",
    }
    return _form_page(request, form, agency_id=agency_id)


@router.post("/office/press-agencies/{agency_id:int}/edit")
def edit_agency(
    request: Request,
    agency_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    name_vi: Text = "",
    name_en: Text = "",
    code: Text = "",
    media_kind: Text = "",
    media_scope: Text = "",
) -> Response:
    form = {
        "name_vi": name_vi,
        "name_en": name_en,
        "code": code,
        "media_kind": media_kind,
        "media_scope": media_scope,
    }
    try:
        org = orgs.update_press_agency(
            session,
            actor=identity.actor,
            org_id=agency_id,
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            media_kind=media_kind,
            media_scope=media_scope,
        )
    except ValidationFailed as exc:
        return _form_page(request, form, agency_id=agency_id, errors=exc.errors, status_code=422)
    flash(request, Msg("%(code)s has been saved.", {"code": org.code}))
    return redirect(request, "/office/press-agencies")
