"""JSON API for organisations (reading is public; changes are for administrators)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from fastapi import APIRouter

from app.access import AdminOnly, Public
from app.db import SessionDep
from app.orgs import service
from app.orgs.models import (
    OrgCreate,
    OrgDetail,
    OrgKind,
    OrgNamePublic,
    OrgPublic,
    OrgRename,
    OrgRetire,
)

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])


def _detail(session: SessionDep, org_id: int) -> OrgDetail:
    view = service.get(session, org_id)
    names = [
        OrgNamePublic.model_validate(n, from_attributes=True)
        for n in service.history(session, org_id)
    ]
    return OrgDetail(**asdict(view), names=names)


@router.get("", response_model=list[OrgPublic])
def list_organisations(
    identity: Public,
    session: SessionDep,
    kind: OrgKind | None = None,
    include_retired: bool = False,
    on: date | None = None,
) -> list[OrgPublic]:
    """Organisations with the names they had on `on` (default: today)."""
    views = service.list_organisations(
        session, on=on, kinds=(kind,) if kind else None, include_retired=include_retired
    )
    return [OrgPublic(**asdict(v)) for v in views]


@router.get("/{org_id}", response_model=OrgDetail)
def get_organisation(org_id: int, identity: Public, session: SessionDep) -> OrgDetail:
    return _detail(session, org_id)


@router.post("", response_model=OrgDetail, status_code=201)
def create_organisation(body: OrgCreate, identity: AdminOnly, session: SessionDep) -> OrgDetail:
    org = service.create(
        session,
        actor=identity.actor,
        code=body.code,
        kind=body.kind.value,
        name_vi=body.name_vi,
        name_en=body.name_en,
        valid_from=body.valid_from,
    )
    assert org.id is not None
    return _detail(session, org.id)


@router.post("/{org_id}/rename", response_model=OrgDetail)
def rename_organisation(
    org_id: int, body: OrgRename, identity: AdminOnly, session: SessionDep
) -> OrgDetail:
    service.rename(
        session,
        actor=identity.actor,
        org_id=org_id,
        name_vi=body.name_vi,
        name_en=body.name_en,
        effective=body.effective,
    )
    return _detail(session, org_id)


@router.post("/{org_id}/retire", response_model=OrgDetail)
def retire_organisation(
    org_id: int, body: OrgRetire, identity: AdminOnly, session: SessionDep
) -> OrgDetail:
    service.retire(session, actor=identity.actor, org_id=org_id, last_day=body.last_day)
    return _detail(session, org_id)
