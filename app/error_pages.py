"""The one place that turns every failure into an error page, an HTMX answer or a JSON problem."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.access import current_identity, identify
from app.errors import (
    DETAILS,
    STALE,
    TITLES,
    AppError,
    Conflict,
    NotAuthenticated,
    PasswordChangeRequired,
    TooManyRequests,
    ValidationFailed,
)
from app.forms import CONTROL_TEXT, INT_MAX, INT_MIN, NUMBER_RANGE
from app.i18n import Msg, gettext, human_size
from app.middleware import security_headers
from app.templating import render

log = logging.getLogger("pressdesk")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def api_locale(request: Request) -> str:
    settings = request.app.state.settings
    lang = request.headers.get("accept-language", "")[:2].lower()
    return lang if lang in settings.languages else settings.default_language


def problem(
    request: Request,
    status: int,
    title: str,
    detail: Msg | str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem document, in the language the client asked for."""
    locale = api_locale(request)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": gettext(locale, title),
        "status": status,
    }
    if isinstance(detail, Msg):
        body["detail"] = detail.render(locale)
    elif detail:
        body["detail"] = gettext(locale, detail)
    body.update(extra or {})
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def error_page(
    request: Request,
    status: int,
    title: str | None = None,
    detail: Msg | str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The HTML error page, or the JSON problem for API paths."""
    title = title or TITLES.get(status, TITLES[400])
    detail = detail if detail is not None else DETAILS.get(status)
    if wants_json(request):
        return problem(request, status, title, detail, headers=headers)
    if status < 500:
        _identify(request)
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "detail": detail},
        status_code=status,
        headers=headers,
    )


def _identify(request: Request) -> None:
    """Load who is signed in when the error came before the route's rule did (404, 413)."""
    if current_identity(request) is not None:
        return
    try:
        with Session(request.app.state.engine, expire_on_commit=False) as session:
            identify(request, session)
    except Exception:  # an error page must render even if this fails
        log.warning("could not identify the visitor for an error page", exc_info=True)


def _message(error: Any, locale: str) -> str:
    """A field's validation message: the services' words for a text too long, the app's own
    (`app.forms`) translated, pydantic's others as they are."""
    if error.get("type") == "string_too_long":
        too_long = Msg("Use at most %(n)s characters.", {"n": error["ctx"]["max_length"]})
        return too_long.render(locale)
    if error.get("type") == "string_unicode":  # a lone surrogate the JSON parser would not read
        return gettext(locale, CONTROL_TEXT)
    limits = (error.get("ctx") or {}).values()
    if any(isinstance(n, int) and n in (INT_MIN, INT_MAX) for n in limits):  # beyond any row
        return gettext(locale, NUMBER_RANGE)
    return gettext(locale, error["msg"])


def page_of_action(request: Request) -> str | None:
    """The nearest address above this one that a GET answers (`/submissions/5/actions/return`
    → `/submissions/5`), or None."""
    parts = request.url.path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        scope = {"type": "http", "path": candidate, "method": "GET", "root_path": ""}
        for route in request.app.router.routes:
            match, _child = route.matches(scope)
            if match == Match.FULL:
                return candidate
    return None


def install_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into a page or problem document."""

    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(request: Request, exc: NotAuthenticated) -> Response:
        if wants_json(request):
            return problem(
                request,
                401,
                exc.title,
                exc.detail or DETAILS[401],
                headers={"WWW-Authenticate": "Cookie"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        url = f"/login?next={quote(target, safe='')}"
        if request.headers.get("hx-request"):  # boosted or not: a full navigation to sign in
            return Response(status_code=204, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _must_change(request: Request, exc: PasswordChangeRequired) -> Response:
        if wants_json(request):
            return problem(request, 403, exc.title)
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(TooManyRequests)
    async def _too_many(request: Request, exc: TooManyRequests) -> Response:
        return error_page(
            request, 429, exc.title, exc.detail, headers={"Retry-After": str(exc.retry_after)}
        )

    @app.exception_handler(ValidationFailed)
    async def _invalid(request: Request, exc: ValidationFailed) -> Response:
        # Routes normally catch this and re-render their form; this is the fallback.
        if wants_json(request):
            locale = api_locale(request)
            errors = {k: v.render(locale) for k, v in exc.errors.items()}
            return problem(request, 422, exc.title, extra={"errors": errors})
        return error_page(request, 422, exc.title, next(iter(exc.errors.values()), None))

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return error_page(request, exc.status, exc.title, exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405 and request.method in ("GET", "HEAD") and not wants_json(request):
            # The address of a form's action, shown after a refused form and then reloaded or
            # typed: back to the page the form belongs to rather than "method not allowed".
            page = page_of_action(request)
            if page is not None:
                return RedirectResponse(page, status_code=303)
        limit = getattr(exc, "limit", None)
        detail = (
            Msg(
                "The request is larger than this site accepts (at most %(size)s). Send smaller files or fewer at once.",
                {"size": human_size(limit)},
            )
            if limit
            else None
        )
        return error_page(
            request, exc.status_code, detail=detail, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            locale = api_locale(request)
            errors = {
                ".".join(str(p) for p in e["loc"][1:]) or "body": _message(e, locale)
                for e in exc.errors()
            }
            return problem(request, 422, TITLES[422], DETAILS[422], extra={"errors": errors})
        return error_page(request, 422)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        # Two saves of the same row raced; the later one is refused, nothing is overwritten.
        return error_page(request, 409, Conflict.title, STALE)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, exc: Exception) -> Response:
        log.error("database unavailable: %s", exc.__class__.__name__)
        return error_page(request, 503, headers={"Retry-After": "30"})

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: DataError) -> Response:
        # PostgreSQL keeps no NUL in text: text that reached it unchecked is refused, not a 500.
        if "NUL" not in str(exc.orig):
            raise exc
        if wants_json(request):
            return problem(request, 422, TITLES[422], Msg(CONTROL_TEXT))
        return error_page(request, 422, detail=Msg(CONTROL_TEXT))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # Starlette answers 500s outside the middleware stack, so the headers are added here.
        return error_page(request, 500, headers=security_headers(request.scope))
