"""One-time messages shown on the next page, kept in a signed cookie (not in process memory)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from app.cookies import queue_cookie, settings_cookie
from app.i18n import Msg


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.secret_key, salt="flash")


def _cookie_name(request: Request) -> str:
    return settings_cookie(request.app.state.settings, "flash")


def flash(request: Request, message: Msg, level: str = "success") -> None:
    """Show `message` on the next page this browser renders."""
    items: list[list[Any]] | None = getattr(request.state, "flash_out", None)
    if items is None:
        items = request.state.flash_out = []
    items.append([level, message.text, message.params])
    secure = request.app.state.settings.is_production
    queue_cookie(
        request,
        _cookie_name(request),
        _serializer(request).dumps(items),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
        max_age=300,
    )


def pop_flashes(request: Request) -> list[tuple[str, Msg]]:
    """The messages waiting for this request's page; the cookie is cleared."""
    raw = request.cookies.get(_cookie_name(request))
    if not raw or getattr(request.state, "flash_out", None):
        return []
    secure = request.app.state.settings.is_production
    queue_cookie(request, _cookie_name(request), "", delete=True, secure=secure)
    try:
        items = _serializer(request).loads(raw)
    except BadSignature:
        return []
    out: list[tuple[str, Msg]] = []
    for item in items if isinstance(items, list) else []:
        level, text, params = item
        if level in ("success", "info", "warning", "error") and isinstance(text, str):
            out.append((level, Msg(text, params if isinstance(params, dict) else {})))
    return out


def page_context(request: Request) -> dict[str, Any]:
    """For every page: the messages waiting, read only when a full page shows them."""
    return {"flashes": lambda: pop_flashes(request)}
