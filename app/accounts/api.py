"""JSON API for the session: who am I, sign in (cookie + CSRF token), sign out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import Identity, Public, SignedIn
from app.accounts import service
from app.accounts.models import LoginRequest, SessionInfo, User, UserPublic
from app.accounts.routes import clear_session_cookie, sign_in
from app.db import SessionDep
from app.errors import NotAuthenticated

router = APIRouter(prefix="/api/v1/session", tags=["session"])


def _info(identity: Identity, user: User | None = None, csrf: str | None = None) -> SessionInfo:
    user = user or identity.user
    return SessionInfo(
        authenticated=user is not None,
        csrf_token=csrf or identity.csrf_token,
        user=UserPublic.model_validate(user, from_attributes=True) if user else None,
    )


@router.get("", response_model=SessionInfo)
def get_session_info(identity: Public) -> SessionInfo:
    """Who the caller is, and the CSRF token to send as `X-CSRF-Token` on changes."""
    return _info(identity)


@router.post("", response_model=SessionInfo)
async def create_session(
    request: Request, body: LoginRequest, identity: Public, session: SessionDep
) -> SessionInfo:
    """Sign in; the session cookie is set and the new CSRF token returned."""
    try:
        user, csrf = await sign_in(request, session, body.email, body.password)
    except service.LoginFailed as exc:
        raise NotAuthenticated(exc.errors["form"]) from exc
    return _info(identity, user, csrf)


@router.delete("", status_code=204)
def sign_out(request: Request, identity: SignedIn, session: SessionDep) -> Response:
    service.logout(session, actor=identity.actor, session_id=identity.session_id)
    clear_session_cookie(request)
    return Response(status_code=204)
