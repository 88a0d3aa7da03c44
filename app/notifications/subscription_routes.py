"""Public pages for statements by e-mail: subscribe, confirm (a button: mail scanners follow GET
links), and unsubscribe, with the one-click unsubscribe that mail clients POST (RFC 8058)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import Public, PublicByToken
from app.db import SessionDep
from app.errors import NotFound, ValidationFailed
from app.forms import parse_ids
from app.notifications import subscriptions as service
from app.notifications.models import Subscription
from app.statements.models import KIND_LABELS
from app.templating import redirect, render, request_locale

router = APIRouter(include_in_schema=False)

FREQUENCIES = ("now", "digest")


def _form_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "notifications/subscribe.html",
        {
            "form": form,
            "errors": errors or {},
            "options": service.options(session),
            "kind_labels": KIND_LABELS,
            "mail_enabled": request.app.state.settings.mail_enabled,
        },
        status_code=status_code,
    )


@router.get("/subscribe")
def subscribe_page(request: Request, identity: Public, session: SessionDep) -> Response:
    """The form: what to receive, in which language, at once or once a day."""
    form = {
        "email": identity.user.email if identity.user else "",
        "kinds": [],
        "topics": [],
        "organisations": [],
        "language": request_locale(request),
        "frequency": "now",
    }
    return _form_page(request, session, form)


@router.post("/subscribe")
async def subscribe_submit(request: Request, identity: Public, session: SessionDep) -> Response:
    data = await request.form()
    form: dict[str, Any] = {
        "email": str(data.get("email", ""))[:320],
        "kinds": [str(v) for v in data.getlist("kinds")],
        "topics": [str(v) for v in data.getlist("topics")],
        "organisations": parse_ids([str(v) for v in data.getlist("organisations")]),
        "language": str(data.get("language", "vi")),
        "frequency": str(data.get("frequency", "now")),
    }
    settings = request.app.state.settings
    if not settings.mail_enabled:  # nobody would ever get the confirmation
        return _form_page(request, session, form, status_code=503)
    if form["frequency"] not in FREQUENCIES:
        form["frequency"] = "now"
    try:
        service.subscribe(
            session,
            settings,
            actor=identity.actor,
            data=service.SubscriptionInput(
                email=form["email"],
                language=form["language"],
                kinds=form["kinds"],
                topics=form["topics"],
                organisations=form["organisations"],
                digest=form["frequency"] == "digest",
            ),
        )
    except ValidationFailed as exc:
        return _form_page(request, session, form, exc.errors, status_code=422)
    return redirect(request, "/subscribe/sent")


@router.get("/subscribe/sent")
def subscribe_sent(request: Request, identity: Public) -> Response:
    """The same answer whatever the address: check your mailbox."""
    return render(request, "notifications/subscription_sent.html")


def _found(session: Session, token: str, *, ended_too: bool = False) -> Subscription:
    sub = service.find(session, token)
    if sub is None or (sub.ended_at is not None and not ended_too):
        raise NotFound()
    return sub


def _choices(request: Request, session: Session, sub: Subscription) -> dict[str, Any]:
    return {
        "sub": sub,
        "choices": service.describe(session, sub, request_locale(request)),
    }


@router.get("/subscribe/confirm/{token}")
def confirm_page(request: Request, token: str, identity: Public, session: SessionDep) -> Response:
    """A button to confirm (a GET changes nothing: mail scanners open links)."""
    sub = _found(session, token)
    return render(
        request,
        "notifications/subscription_confirm.html",
        {**_choices(request, session, sub), "token": token},
    )


@router.post("/subscribe/confirm/{token}")
def confirm_submit(request: Request, token: str, identity: Public, session: SessionDep) -> Response:
    sub = service.confirm(session, actor=identity.actor, token=token)
    return render(
        request,
        "notifications/subscription_confirm.html",
        {**_choices(request, session, sub), "token": token},
    )


@router.get("/unsubscribe/{token}")
def unsubscribe_page(
    request: Request, token: str, identity: Public, session: SessionDep
) -> Response:
    """The link in every message: a button to stop (or that it is already stopped)."""
    sub = _found(session, token, ended_too=True)
    return _unsubscribe_page(request, session, sub, token)


def _unsubscribe_page(
    request: Request, session: Session, sub: Subscription, token: str
) -> Response:
    return render(
        request,
        "notifications/subscription_unsubscribe.html",
        {**_choices(request, session, sub), "token": token},
    )


@router.post("/unsubscribe/{token}/confirm")
def unsubscribe_submit(
    request: Request, token: str, identity: Public, session: SessionDep
) -> Response:
    """The page's button (with the form's CSRF token)."""
    sub = service.end(session, actor=identity.actor, token=token)
    return _unsubscribe_page(request, session, sub, token)


# One-click unsubscribe (RFC 8058): the mail client POSTs `List-Unsubscribe=One-Click` to the
# List-Unsubscribe address, without cookies or a CSRF token; the token in the address is the
# authentication, and the only thing it can do is end that subscription: hence the rule without
# CSRF (`PublicByToken`).
@router.post("/unsubscribe/{token}")
def unsubscribe_one_click(
    request: Request, token: str, identity: PublicByToken, session: SessionDep
) -> Response:
    sub = service.end(session, actor=identity.actor, token=token)
    return _unsubscribe_page(request, session, sub, token)
