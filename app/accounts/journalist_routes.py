"""HTML routes for journalists' accounts: registration and its receipt, the profile with the
press card, and the office's verification (matching or adding an agency that was not listed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import JournalistAccount, OfficeOnly, Public, client_address
from app.accounts import journalists
from app.accounts import service as accounts
from app.accounts.models import STATUS_LABELS, Role, UserStatus
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_date
from app.i18n import Msg
from app.notifications import kinds
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.templating import redirect, render, request_locale
from app.timeutil import local_today

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _agencies(session: SessionDep) -> list:
    return orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,))


# --- Registration ------------------------------------------------------------------------------


@router.get("/register")
def register_page(request: Request, identity: Public, session: SessionDep) -> Response:
    return render(
        request,
        "accounts/register.html",
        {"agencies": _agencies(session), "form": {}, "not_listed": journalists.NOT_LISTED},
    )


@router.post("/register")
def register_submit(
    request: Request,
    identity: Public,
    session: SessionDep,
    email: Text = "",
    full_name: Text = "",
    organisation_id: Text = "",
    agency_name: Text = "",
    press_card_number: Text = "",
    password: Text = "",
    password_confirm: Text = "",
) -> Response:
    form = {
        "email": email,
        "full_name": full_name,
        "organisation_id": organisation_id,
        "agency_name": agency_name,
        "press_card_number": press_card_number,
    }
    try:
        journalists.register(
            session,
            settings=request.app.state.settings,
            address=client_address(request),
            email=email,
            full_name=full_name,
            organisation=organisation_id,
            agency_name=agency_name,
            press_card_number=press_card_number,
            password=password,
            password_confirm=password_confirm,
        )
    except ValidationFailed as exc:
        ctx = {
            "agencies": _agencies(session),
            "form": form,
            "errors": exc.errors,
            "not_listed": journalists.NOT_LISTED,
        }
        return render(request, "accounts/register.html", ctx, status_code=422)
    return redirect(request, "/register/received")  # a refresh does not send the form again


@router.get("/register/received")
def register_received(request: Request, identity: Public) -> Response:
    return render(request, "accounts/registered.html")


# --- The journalist's profile ------------------------------------------------------------------


def _profile_context(request: Request, session: SessionDep, identity: JournalistAccount) -> dict:
    user = identity.user
    assert user is not None and user.id is not None
    locale = request_locale(request)
    notices = journalists.account_notices(session, user.id)
    return {
        "agency": orgs.get(session, user.organisation_id) if user.organisation_id else None,
        "status_labels": STATUS_LABELS,
        "account_notices": [(n, kinds.text(n.kind, n.params, locale)) for n in notices],
    }


@router.get("/account/profile")
def profile_page(request: Request, identity: JournalistAccount, session: SessionDep) -> Response:
    user = identity.user
    assert user is not None
    form = {
        "press_card_number": user.press_card_number or "",
        "press_card_expires_on": user.press_card_expires_on.strftime("%d/%m/%Y")
        if user.press_card_expires_on
        else "",
    }
    ctx = _profile_context(request, session, identity) | {"form": form}
    return render(request, "accounts/profile.html", ctx)


@router.post("/account/profile")
def profile_submit(
    request: Request,
    identity: JournalistAccount,
    session: SessionDep,
    press_card_number: Text = "",
    press_card_expires_on: Text = "",
) -> Response:
    assert identity.user is not None and identity.user.id is not None
    try:
        again = journalists.update_press_card(
            session,
            actor=identity.actor,
            user_id=identity.user.id,
            press_card_number=press_card_number,
            expires_on=parse_date(press_card_expires_on),
            expires_text=press_card_expires_on,
        )
    except ValidationFailed as exc:
        form = {
            "press_card_number": press_card_number,
            "press_card_expires_on": press_card_expires_on,
        }
        ctx = _profile_context(request, session, identity) | {"form": form, "errors": exc.errors}
        return render(request, "accounts/profile.html", ctx, status_code=422)
    if again:
        flash(
            request,
            Msg(
                "Your press card has been saved. The spokesperson's office will verify your "
                "account again."
            ),
        )
    else:
        flash(request, Msg("Your press card has been saved."))
    return redirect(request, "/account/profile")


# --- Press office: verifying journalists ---------------------------------------------------------


def _journalists_context(session: SessionDep) -> dict:
    people = accounts.list_users(session, role=Role.JOURNALIST.value)
    order = {
        UserStatus.PENDING: 0,
        UserStatus.REJECTED: 1,
        UserStatus.ACTIVE: 2,
        UserStatus.DISABLED: 3,
    }
    people.sort(key=lambda u: (order[u.status], u.full_name))
    every = orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,), include_retired=True)
    return {
        "journalists": people,
        "agencies": {o.id: o for o in every},
        "current_agencies": _agencies(session),
        "status_labels": STATUS_LABELS,
        "new_agency": journalists.NEW_AGENCY,
        "form": {},
        "today": local_today(),
    }


def _list_with_errors(
    request: Request, session: SessionDep, user_id: int, errors: dict, form: dict
) -> Response:
    ctx = _journalists_context(session) | {
        "errors": errors,
        "error_user_id": user_id,
        "form": form,
    }
    return render(
        request, "accounts/journalists.html", ctx, block="journalist_list", status_code=422
    )


@router.get("/office/journalists")
def journalists_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    return render(request, "accounts/journalists.html", _journalists_context(session))


@router.post("/office/journalists/{user_id}/verify")
def journalist_verify(
    request: Request,
    user_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    agency: Text = "",
    code: Text = "",
    name_vi: Text = "",
    name_en: Text = "",
) -> Response:
    try:
        user = journalists.decide(
            session,
            actor=identity.actor,
            user_id=user_id,
            verify=True,
            agency=agency,
            code=code,
            name_vi=name_vi,
            name_en=name_en,
        )
    except ValidationFailed as exc:
        form = {"agency": agency, "code": code, "name_vi": name_vi, "name_en": name_en}
        return _list_with_errors(request, session, user_id, exc.errors, form)
    flash(request, Msg("%(name)s has been verified.", {"name": user.full_name}))
    return redirect(request, "/office/journalists")


@router.post("/office/journalists/{user_id}/reject")
def journalist_reject(
    request: Request,
    user_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    reason: Text = "",
) -> Response:
    try:
        user = journalists.decide(
            session, actor=identity.actor, user_id=user_id, verify=False, reason=reason
        )
    except ValidationFailed as exc:
        return _list_with_errors(request, session, user_id, exc.errors, {"reason": reason})
    flash(request, Msg("%(name)s has been rejected.", {"name": user.full_name}))
    return redirect(request, "/office/journalists")
