"""HTML routes for signing in and out, passwords, registration, users and journalist checks."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.access import (
    AdminOnly,
    Public,
    SignedIn,
    client_address,
    session_signer,
)
from app.accounts import service
from app.accounts.models import ROLE_LABELS, STATUS_LABELS, Role, User, UserStatus
from app.cookies import queue_cookie, settings_cookie
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_int, safe_next
from app.i18n import Msg
from app.orgs import service as orgs
from app.templating import redirect, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def set_session_cookie(request: Request, token: str) -> None:
    settings = request.app.state.settings
    queue_cookie(
        request,
        settings_cookie(settings, "session"),
        session_signer(request).sign(token),
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )


def clear_session_cookie(request: Request) -> None:
    settings = request.app.state.settings
    queue_cookie(
        request,
        settings_cookie(settings, "session"),
        "",
        delete=True,
        secure=settings.is_production,
    )


# --- Sign in / out -------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, identity: Public, next: str = "") -> Response:
    if identity.user:
        return redirect(request, safe_next(next))
    return render(request, "accounts/login.html", {"next": safe_next(next), "email": ""})


async def sign_in(
    request: Request, session: SessionDep, email: str, password: str
) -> tuple[User, str]:
    """Throttle, check the password, set the session cookie; returns the user and CSRF token.

    Async so that the delay for repeated failures does not hold a worker thread.
    """
    settings = request.app.state.settings
    address = client_address(request) or "unknown"
    decision = await run_in_threadpool(
        lambda: service.login_decision(session, settings=settings, email=email, address=address)
    )
    if decision.delay:
        await asyncio.sleep(decision.delay)
    user, token, csrf = await run_in_threadpool(
        lambda: service.login(
            session,
            settings=settings,
            email=email,
            password=password,
            address=address,
            user_agent=request.headers.get("user-agent", ""),
        )
    )
    set_session_cookie(request, token)
    return user, csrf


@router.post("/login")
async def login_submit(
    request: Request,
    identity: Public,
    session: SessionDep,
    email: Text = "",
    password: Text = "",
    next: Text = "",
) -> Response:
    try:
        user, _csrf = await sign_in(request, session, email, password)
    except ValidationFailed as exc:
        return render(
            request,
            "accounts/login.html",
            {"next": safe_next(next), "email": email, "errors": exc.errors},
            status_code=422,
        )
    flash(request, Msg("Signed in as %(name)s.", {"name": user.full_name}))
    target = "/account/password" if user.must_change_password else safe_next(next)
    return redirect(request, target)


@router.post("/logout")
def logout(request: Request, identity: SignedIn, session: SessionDep) -> Response:
    service.logout(session, actor=identity.actor, session_id=identity.session_id)
    clear_session_cookie(request)
    flash(request, Msg("You have signed out."), "info")
    return redirect(request, "/")


@router.get("/account/password")
def password_page(request: Request, identity: SignedIn) -> Response:
    return render(request, "accounts/password.html")


@router.post("/account/password")
def password_submit(
    request: Request,
    identity: SignedIn,
    session: SessionDep,
    current_password: Text = "",
    password: Text = "",
    password_confirm: Text = "",
) -> Response:
    assert identity.user is not None
    try:
        token = service.change_password(
            session,
            settings=request.app.state.settings,
            actor=identity.actor,
            user=identity.user,
            current=current_password,
            new=password,
            confirm=password_confirm,
            user_agent=request.headers.get("user-agent", ""),
        )
    except ValidationFailed as exc:
        return render(request, "accounts/password.html", {"errors": exc.errors}, status_code=422)
    set_session_cookie(request, token)
    flash(request, Msg("Your password has been changed. You have been signed out everywhere else."))
    return redirect(request, "/dashboard")


# --- Administration of accounts ----------------------------------------------------------------


def _user_form_context(session: SessionDep, form: dict, errors: dict | None = None) -> dict:
    return {
        "form": form,
        "errors": errors or {},
        "roles": list(Role),
        "role_labels": ROLE_LABELS,
        "organisations": orgs.list_organisations(session),
    }


@router.get("/admin/users")
def users_page(
    request: Request, identity: AdminOnly, session: SessionDep, role: str = "", status: str = ""
) -> Response:
    role = role if role in {r.value for r in Role} else ""
    status = status if status in {s.value for s in UserStatus} else ""
    users = service.list_users(session, role=role or None, status=status or None)
    org_names = {o.id: o for o in orgs.list_organisations(session, include_retired=True)}
    return render(
        request,
        "accounts/users.html",
        {
            "users": users,
            "org_names": org_names,
            "role": role,
            "status": status,
            "roles": list(Role),
            "role_labels": ROLE_LABELS,
            "statuses": list(UserStatus),
            "status_labels": STATUS_LABELS,
        },
        block="user_list",
    )


@router.get("/admin/users/new")
def user_new_page(request: Request, identity: AdminOnly, session: SessionDep) -> Response:
    return render(request, "accounts/user_new.html", _user_form_context(session, {}))


@router.post("/admin/users/new")
def user_new_submit(
    request: Request,
    identity: AdminOnly,
    session: SessionDep,
    email: Text = "",
    full_name: Text = "",
    role: Text = "",
    organisation_id: Text = "",
) -> Response:
    form = {
        "email": email,
        "full_name": full_name,
        "role": role,
        "organisation_id": organisation_id,
    }
    temporary = service.readable_password()
    try:
        user = service.create_user(
            session,
            settings=request.app.state.settings,
            actor=identity.actor,
            email=email,
            full_name=full_name,
            role=role,
            organisation_id=parse_int(organisation_id),
            password=temporary,
            must_change_password=True,
        )
    except ValidationFailed as exc:
        return render(
            request,
            "accounts/user_new.html",
            _user_form_context(session, form, exc.errors),
            status_code=422,
        )
    return render(
        request,
        "accounts/one_time_password.html",
        {"target": user, "password": temporary, "created": True},
    )


@router.get("/admin/users/{user_id}")
def user_page(request: Request, user_id: int, identity: AdminOnly, session: SessionDep) -> Response:
    user = service.get_user(session, user_id)
    org = orgs.get(session, user.organisation_id) if user.organisation_id else None
    return render(
        request,
        "accounts/user.html",
        {
            "target": user,
            "org": org,
            "role_labels": ROLE_LABELS,
            "status_labels": STATUS_LABELS,
        },
    )


@router.post("/admin/users/{user_id}/reset-password")
def user_reset_password(
    request: Request, user_id: int, identity: AdminOnly, session: SessionDep
) -> Response:
    temporary = service.reset_password(session, actor=identity.actor, user_id=user_id)
    user = service.get_user(session, user_id)
    return render(
        request,
        "accounts/one_time_password.html",
        {"target": user, "password": temporary, "created": False},
    )


@router.post("/admin/users/{user_id}/disable")
def user_disable(
    request: Request, user_id: int, identity: AdminOnly, session: SessionDep
) -> Response:
    user = service.set_disabled(session, actor=identity.actor, user_id=user_id, disabled=True)
    flash(
        request,
        Msg("The account of %(name)s has been disabled and signed out.", {"name": user.full_name}),
    )
    return redirect(request, f"/admin/users/{user_id}")


@router.post("/admin/users/{user_id}/enable")
def user_enable(
    request: Request, user_id: int, identity: AdminOnly, session: SessionDep
) -> Response:
    user = service.set_disabled(session, actor=identity.actor, user_id=user_id, disabled=False)
    flash(request, Msg("The account of %(name)s has been enabled.", {"name": user.full_name}))
    return redirect(request, f"/admin/users/{user_id}")
