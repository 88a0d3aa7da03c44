"""JSON API for the press-agency registry and the journalists the press office verifies."""

from __future__ import annotations

from datetime import UTC
from enum import Enum

from fastapi import APIRouter
from sqlmodel import Session, col, select

from app.access import OfficeOnly, Public
from app.accounts import journalists
from app.accounts import service as accounts
from app.accounts.models import Role, User, UserStatus
from app.db import SessionDep
from app.errors import NotFound
from app.orgs import service as orgs
from app.orgs.models import Organisation, OrgKind
from app.questions.web.api_shapes import (
    AgencyCreate,
    AgencyPublic,
    AgencyUpdate,
    JournalistPublic,
    RejectRequest,
)
from app.timeutil import local_today

router = APIRouter(prefix="/api/v1")

AGENCIES = "/press-agencies"
JOURNALISTS = "/journalists"
AGENCY_TAGS: list[str | Enum] = ["press agencies"]
JOURNALIST_TAGS: list[str | Enum] = ["journalists"]
JOURNALIST_ORDER = {
    UserStatus.PENDING: 0,
    UserStatus.REJECTED: 1,
    UserStatus.ACTIVE: 2,
    UserStatus.DISABLED: 3,
}


def _agency(session: Session, agency_id: int) -> Organisation:
    org = session.get(Organisation, agency_id)
    if org is None or org.kind != OrgKind.PRESS_AGENCY:
        raise NotFound()
    return org


def _agency_out(session: Session, org: Organisation) -> AgencyPublic:
    assert org.id is not None
    view = orgs.get(session, org.id)
    return AgencyPublic(
        id=org.id,
        code=org.code,
        name_vi=view.name_vi,
        name_en=view.name_en,
        media_kind=org.media_kind,
        media_scope=org.media_scope,
        valid_from=org.valid_from,
        valid_to=org.valid_to,
    )


def _journalist(session: Session, user_id: int) -> User:
    user = accounts.get_user(session, user_id)
    if user.role != Role.JOURNALIST:
        raise NotFound()
    return user


def _journalist_out(user: User) -> JournalistPublic:
    assert user.id is not None
    return JournalistPublic(
        id=user.id,
        full_name=user.full_name,
        email=user.email,
        agency_id=user.organisation_id,
        press_card_number=user.press_card_number,
        status=user.status,
        status_reason=user.status_reason,
        registered_at=user.created_at.astimezone(UTC),
        agency_name_given=user.agency_name_given,
        press_card_expires_on=user.press_card_expires_on,
    )


# --- Press agencies ----------------------------------------------------------------------------


@router.get(AGENCIES, response_model=list[AgencyPublic], tags=AGENCY_TAGS)
def list_agencies(identity: Public, session: SessionDep) -> list[AgencyPublic]:
    """The press agencies existing today, by name, with their kind of media and scope."""
    views = orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,))
    rows = session.exec(
        select(Organisation).where(col(Organisation.id).in_([v.id for v in views]))
    ).all()
    media = {o.id: o for o in rows}
    return [
        AgencyPublic(
            id=v.id,
            code=v.code,
            name_vi=v.name_vi,
            name_en=v.name_en,
            media_kind=media[v.id].media_kind,
            media_scope=media[v.id].media_scope,
            valid_from=v.valid_from,
            valid_to=v.valid_to,
        )
        for v in views
    ]


@router.get(AGENCIES + "/{agency_id}", response_model=AgencyPublic, tags=AGENCY_TAGS)
def get_agency(agency_id: int, identity: Public, session: SessionDep) -> AgencyPublic:
    """One press agency (a retired one too, with its `valid_to`); anything else is 404."""
    return _agency_out(session, _agency(session, agency_id))


@router.post(AGENCIES, response_model=AgencyPublic, status_code=201, tags=AGENCY_TAGS)
def create_agency(body: AgencyCreate, identity: OfficeOnly, session: SessionDep) -> AgencyPublic:
    """Add a press agency to the registry (a code taken by any organisation is 422)."""
    org = orgs.create(
        session,
        actor=identity.actor,
        code=body.code,
        kind=OrgKind.PRESS_AGENCY.value,
        name_vi=body.name_vi,
        name_en=body.name_en,
        valid_from=body.valid_from or local_today(),
        media_kind=body.media_kind.value,
        media_scope=body.media_scope.value,
    )
    return _agency_out(session, org)


@router.patch(AGENCIES + "/{agency_id}", response_model=AgencyPublic, tags=AGENCY_TAGS)
def update_agency(
    agency_id: int, body: AgencyUpdate, identity: OfficeOnly, session: SessionDep
) -> AgencyPublic:
    """Change the code, the name, the kind of media or the scope; a retired agency is 409."""
    org = _agency(session, agency_id)
    current = _agency_out(session, org)
    kind = body.media_kind or current.media_kind
    scope = body.media_scope or current.media_scope
    updated = orgs.update_press_agency(
        session,
        actor=identity.actor,
        org_id=agency_id,
        code=body.code if body.code is not None else current.code,
        name_vi=body.name_vi if body.name_vi is not None else current.name_vi,
        name_en=body.name_en if body.name_en is not None else current.name_en,
        media_kind=kind.value if kind else "",
        media_scope=scope.value if scope else "",
    )
    return _agency_out(session, updated)


# --- Journalists (the press office verifies them) -----------------------------------------------


@router.get(JOURNALISTS, response_model=list[JournalistPublic], tags=JOURNALIST_TAGS)
def list_journalists(
    identity: OfficeOnly, session: SessionDep, status: UserStatus | None = None
) -> list[JournalistPublic]:
    """Journalists' accounts, those awaiting verification first, then by name."""
    users = accounts.list_users(
        session, role=Role.JOURNALIST.value, status=status.value if status else None
    )
    users.sort(key=lambda u: (JOURNALIST_ORDER[u.status], u.full_name, u.id or 0))
    return [_journalist_out(u) for u in users]


@router.get(JOURNALISTS + "/{user_id}", response_model=JournalistPublic, tags=JOURNALIST_TAGS)
def get_journalist(user_id: int, identity: OfficeOnly, session: SessionDep) -> JournalistPublic:
    return _journalist_out(_journalist(session, user_id))


@router.post(
    JOURNALISTS + "/{user_id}/verify", response_model=JournalistPublic, tags=JOURNALIST_TAGS
)
def verify_journalist(user_id: int, identity: OfficeOnly, session: SessionDep) -> JournalistPublic:
    """The journalist can then use the site (a disabled account is 409)."""
    user = journalists.decide(session, actor=identity.actor, user_id=user_id, verify=True)
    return _journalist_out(user)


@router.post(
    JOURNALISTS + "/{user_id}/reject", response_model=JournalistPublic, tags=JOURNALIST_TAGS
)
def reject_journalist(
    user_id: int, body: RejectRequest, identity: OfficeOnly, session: SessionDep
) -> JournalistPublic:
    """Refuse the account with a reason the journalist sees (a missing reason is 422)."""
    user = journalists.decide(
        session, actor=identity.actor, user_id=user_id, verify=False, reason=body.reason
    )
    return _journalist_out(user)
