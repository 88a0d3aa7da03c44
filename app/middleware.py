"""ASGI middleware: allowed hosts, security headers (with the cookies queued during the request,
see `app.cookies`), body size limit."""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import IncompleteUpload, PayloadTooLarge
from app.i18n import N_, gettext

DOCS_PATHS = ("/docs", "/redoc")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# /docs loads Swagger UI from a CDN with an inline script; it only exists outside production.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "frame-ancestors 'none'"
)


def security_headers(scope: Scope) -> dict[str, str]:
    """The headers every response carries; HSTS only when the request came over HTTPS."""
    path = scope.get("path", "")
    headers = {
        "Content-Security-Policy": DOCS_CSP if path in DOCS_PATHS else CSP,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


# The headers above, encoded once for each of the four cases (docs or not, https or not): every
# response pays a set lookup per header instead of building and searching a header list.
_ENCODED = {
    (docs, https): [
        (key.lower().encode("latin-1"), value.encode("latin-1"))
        for key, value in security_headers(
            {"path": DOCS_PATHS[0] if docs else "/", "scheme": "https" if https else "http"}
        ).items()
    ]
    for docs in (False, True)
    for https in (False, True)
}


class SecurityHeadersMiddleware:
    """The security headers on every response (a route's own value wins), and the cookies the
    request queued (`app.cookies.queue_cookie`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", ()))
                present = {key.lower() for key, _ in raw}
                wanted = _ENCODED[
                    (scope.get("path", "") in DOCS_PATHS, scope.get("scheme") == "https")
                ]
                raw.extend(header for header in wanted if header[0] not in present)
                state = scope.get("state") or {}
                raw.extend(state.get("pending_cookies", ()))
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _closing_boundary(content_type: bytes) -> bytes | None:
    """`--boundary--` of a multipart/form-data body, or None for other bodies."""
    value = content_type.decode("latin-1")
    if not value.lower().startswith("multipart/form-data"):
        return None
    for part in value.split(";")[1:]:
        name, _, boundary = part.strip().partition("=")
        if name.lower() == "boundary" and boundary:
            return b"--" + boundary.strip('"').encode("latin-1") + b"--"
    return None


# The routes that take files: the attachment routes (pages and API) and the forms whose text and
# files are sent together (department content, statement editions, answers to questions).
UPLOAD_PATHS = (
    r"/attachments$",
    r"^/submissions/\d+/edit$",
    r"^/office/statements/(?:new|\d+/edit)$",
    r"^/(?:office|dept)/questions/\d+/answer$",
    r"^/office/monitoring/items/new$",
    r"^/dept/monitoring/\d+$",
)


class BodyLimitMiddleware:
    """Refuse request bodies over the limit, by Content-Length or by counting the stream.

    The limits come from the app's settings at each request (`MAX_REQUEST_BYTES`; routes that
    take files, the paths matching `upload_paths`, take `UPLOAD_MAX_FILES` files of
    `UPLOAD_MAX_BYTES`). The error is raised when the route reads the body, so the normal error
    pages answer.
    """

    def __init__(self, app: ASGIApp, upload_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.upload_paths = (
            re.compile("|".join(f"(?:{p})" for p in upload_paths)) if upload_paths else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if b"content-length" not in headers and b"transfer-encoding" not in headers:
            # No body (RFC 9112 6.3): nothing to count.
            await self.app(scope, receive, send)
            return
        settings = scope["app"].state.settings
        limit = settings.max_request_bytes
        is_upload = self.upload_paths is not None and bool(self.upload_paths.search(scope["path"]))
        if is_upload:
            uploads = settings.upload_max_bytes * settings.upload_max_files + 1024 * 1024
            limit = max(limit, uploads)
        declared = headers.get(b"content-length")
        too_big = declared is not None and declared.isdigit() and int(declared) > limit
        closing = _closing_boundary(headers.get(b"content-type", b"")) if is_upload else None
        seen = 0
        tail = b""

        async def limited_receive() -> Message:
            nonlocal seen, tail
            if too_big:
                raise PayloadTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                seen += len(body)
                if seen > limit:
                    raise PayloadTooLarge(limit)
                if closing is not None:
                    # python-multipart returns the parts it completed even when the body stops
                    # early; an upload must end with its closing boundary or nothing is kept.
                    tail = (tail + body)[-(len(closing) + 8) :]
                    if not message.get("more_body", False) and closing not in tail:
                        raise IncompleteUpload()
            return message

        await self.app(scope, limited_receive, send)


# The probes of the proxy and of monitoring often ask by address (10.0.0.5:8000); they hold no
# address and are never cached, so they answer any host.
ANY_HOST_PATHS = frozenset({"/healthz", "/readyz"})
UNKNOWN_HOST = N_("This site is not served at this address.")


def host_name(header: str) -> str:
    """The host of a Host header: no port, lower case, no final dot (`[::1]:80` → `::1`, as
    `urlsplit(...).hostname` gives it)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.partition(":")[0].rstrip(".")


def host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


class AllowedHostsMiddleware:
    """400 for a request whose Host the settings do not list (`Settings.host_patterns`, read
    per request): in production only the site's own names reach the application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in ANY_HOST_PATHS:
            await self.app(scope, receive, send)
            return
        settings = scope["app"].state.settings
        host = host_name(Headers(scope=scope).get("host", ""))
        if host_matches(host, settings.host_patterns):
            await self.app(scope, receive, send)
            return
        text = gettext(settings.default_language, UNKNOWN_HOST)
        response = PlainTextResponse(text, status_code=400, headers={"Cache-Control": "no-store"})
        await response(scope, receive, send)
