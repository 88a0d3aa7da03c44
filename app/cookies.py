"""Cookie names and cookies set on whatever response a request ends with."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from app.config import Settings


def settings_cookie(settings: Settings, name: str) -> str:
    """Cookie names: `__Host-` prefixed (Secure, whole site) in production."""
    return f"__Host-pd_{name}" if settings.is_production else f"pd_{name}"


def queue_cookie(request: Request, key: str, value: str = "", **kwargs: Any) -> None:
    """Set a cookie on whatever response this request ends with (page, redirect or error)."""
    carrier = Response()
    if value == "" and kwargs.pop("delete", False):
        carrier.delete_cookie(
            key,
            path=kwargs.get("path", "/"),
            secure=kwargs.get("secure", False),
            httponly=kwargs.get("httponly", True),
            samesite=kwargs.get("samesite", "lax"),
        )
    else:
        carrier.set_cookie(key, value, **kwargs)
    pending: list[tuple[bytes, bytes]] | None = getattr(request.state, "pending_cookies", None)
    if pending is None:
        pending = request.state.pending_cookies = []
    pending.extend((k, v) for k, v in carrier.raw_headers if k == b"set-cookie")
