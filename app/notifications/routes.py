"""The notices page (the bell's list), opening a notice, and each person's delivery choices."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import ActiveUser
from app.db import SessionDep
from app.flash import flash
from app.forms import parse_int
from app.i18n import Msg
from app.notifications import kinds, service
from app.notifications.models import DELIVERY_LABELS, Delivery, NoticeKind
from app.templating import redirect, render, request_locale

router = APIRouter(include_in_schema=False)


@router.get("/notices")
def notices_page(
    request: Request, identity: ActiveUser, session: SessionDep, before: str = ""
) -> Response:
    user = identity.user
    assert user is not None and user.id is not None
    rows = service.recent(session, user.id, before=parse_int(before) if before else None)
    locale = request_locale(request)
    return render(
        request,
        "notifications/notices.html",
        {
            "rows": [(n, kinds.text(n.kind, n.params, locale)) for n in rows],
            "more": rows[-1].id if len(rows) == 50 else None,
        },
    )


@router.post("/notices/{notice_id:int}/open")
def open_notice(
    request: Request, identity: ActiveUser, session: SessionDep, notice_id: int
) -> Response:
    """Mark it read and go to what it is about."""
    user = identity.user
    assert user is not None and user.id is not None
    notice = service.open_notice(session, user.id, notice_id)
    link = notice.link if notice.link.startswith("/") and not notice.link.startswith("//") else "/"
    return redirect(request, link)


@router.post("/notices/read")
def read_all(request: Request, identity: ActiveUser, session: SessionDep) -> Response:
    user = identity.user
    assert user is not None and user.id is not None
    service.mark_all_read(session, user.id)
    return redirect(request, "/notices")


def _preferences_context(choices: dict[NoticeKind, Delivery], language: str) -> dict[str, Any]:
    return {
        "choices": choices,
        "labels": {k: kinds.KINDS[k].label for k in choices},
        "deliveries": list(Delivery),
        "delivery_labels": DELIVERY_LABELS,
        "language": language,
    }


@router.get("/notices/preferences")
def preferences_page(request: Request, identity: ActiveUser, session: SessionDep) -> Response:
    user = identity.user
    assert user is not None
    ctx = _preferences_context(service.preferences(session, user), user.language)
    return render(request, "notifications/preferences.html", ctx)


@router.post("/notices/preferences")
async def save_preferences(request: Request, identity: ActiveUser, session: SessionDep) -> Response:
    user = identity.user
    assert user is not None
    form = await request.form()
    settings = request.app.state.settings
    errors: dict[str, Msg] = {}
    choices: dict[NoticeKind, Delivery] = {}
    for kind in kinds.kinds_for(user.role):
        value = str(form.get(kind.value, ""))
        try:
            choices[kind] = Delivery(value)
        except ValueError:
            errors[kind.value] = Msg("Choose how this notice reaches you.")
    language = str(form.get("language", ""))
    if language not in settings.languages:
        errors["language"] = Msg("Choose a language.")
    if errors:
        current = service.preferences(session, user) | choices
        ctx = _preferences_context(current, language) | {"errors": errors}
        return render(request, "notifications/preferences.html", ctx, status_code=422)
    service.set_preferences(session, user, choices, language)
    flash(request, Msg("Your choices are saved."))
    return redirect(request, "/notices/preferences")
