"""Jinja2 environment, the per-request context and `render` (full page or one named block)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from jinja2_fragments import render_block
from markupsafe import Markup, escape

from app import i18n
from app.config import PROJECT_ROOT, Settings
from app.cookies import settings_cookie
from app.markdown import render_markdown
from app.tables import cell_labels
from app.timeutil import format_date, format_datetime, format_time, to_local

TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


@pass_context
def _gettext(ctx: Context, text: str, **params: Any) -> str:
    return i18n.gettext(ctx.get("locale", "vi"), text, **params)


@pass_context
def _underscore(ctx: Context, text: str, **variables: Any) -> Any:
    """`_()` in templates: what the i18n extension's newstyle `_` does (the translation, as
    Markup when autoescaping, formatted with the escaped variables), without its two extra
    indirect calls; it runs a hundred or more times on every page."""
    translated: Any = i18n.gettext(ctx.get("locale", "vi"), text)
    if ctx.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - a message of our catalogs, as the extension does
    return translated % variables  # Markup stays Markup: not escaped a second time


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, n: int, **params: Any) -> str:
    return i18n.ngettext(ctx.get("locale", "vi"), singular, plural, n, **params)


@pass_context
def _translate(ctx: Context, value: Any) -> str:
    """`{{ msg|t }}`: translate a Msg, or a plain message id."""
    locale = ctx.get("locale", "vi")
    if isinstance(value, i18n.Msg):
        return value.render(locale)
    return i18n.gettext(locale, str(value)) if value else ""


@lru_cache(maxsize=64)
def _file_version(path: str) -> str:
    full = STATIC_DIR / path
    return hashlib.sha256(full.read_bytes()).hexdigest()[:10] if full.is_file() else "0"


def static_url(path: str) -> str:
    """A cache-busting address for a file under static/."""
    return f"/static/{path}?v={_file_version(path)}"


def create_env(settings: Settings, directory: Path = TEMPLATE_DIR) -> Environment:
    """The Jinja environment for these settings; one per folder and mode per process, so that
    apps and mail renderers share the compiled templates."""
    return _env(directory, auto_reload=not settings.is_production)


@lru_cache(maxsize=8)
def _env(directory: Path, *, auto_reload: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = _underscore
    env.filters["t"] = _translate
    env.filters["datetime"] = format_datetime
    env.filters["date"] = format_date
    env.filters["zip_labels"] = lambda values, labels, locale: [
        (v, i18n.gettext(locale, labels[v])) for v in values
    ]
    env.filters["pairs"] = lambda values: [(v, v) for v in values]
    env.filters["qs"] = lambda params, **over: urlencode({**dict(params), **over})
    # Options for a <select> from objects with an id and a name(locale): organisations, kinds.
    env.filters["org_options"] = env.filters["named_options"] = lambda items, locale: [
        (i.id, i.name(locale)) for i in items
    ]
    env.filters["time"] = format_time
    # A table written in Markdown (a statement's body) gets its cells' labels too, for phones.
    env.filters["markdown"] = lambda text: cell_labels(render_markdown(text))
    env.filters["cell_labels"] = cell_labels  # `{% filter cell_labels %}<table>…`: phone labels
    env.filters["filesize"] = i18n.human_size
    env.filters["localdate"] = lambda value: to_local(value).date() if value else None
    env.filters["date_month"] = lambda value: to_local(value).strftime("%Y-%m") if value else ""
    env.globals["static_url"] = static_url
    env.globals["language_names"] = i18n.LANGUAGE_NAMES
    return env


# What a page needs beyond the request: who is signed in and their CSRF token, the menu, the
# one-time messages, the bell. Each area that knows one of these gives a provider; the application
# factory registers them in `app.state.page_context` (so this module depends on none of them).
PageContext = Callable[[Request], dict[str, Any]]


def base_context(request: Request) -> dict[str, Any]:
    """What every page needs: the settings, the language, then what the providers add."""
    context: dict[str, Any] = {
        "request": request,
        "settings": request.app.state.settings,
        "locale": request_locale(request),
        "current_path": request.url.path,
    }
    providers: tuple[PageContext, ...] = getattr(request.app.state, "page_context", ())
    for provide in providers:
        context.update(provide(request))
    return context


def request_locale(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return i18n.pick_locale(
        request.cookies.get(settings_cookie(settings, "lang")),
        settings.languages,
        settings.default_language,
    )


def is_fragment_request(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and not request.headers.get("hx-boosted")


def redirect(request: Request, url: str) -> Response:
    """303 after a change; an HTMX fragment request is told to navigate instead (HX-Redirect),
    so a whole page is never swapped into a fragment's place."""
    if is_fragment_request(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


ERROR_SUMMARY = 'class="error-summary"'


def _title_says_error(html: str, locale: str) -> str:
    """A page showing an error summary (a form came back with errors) says so first in its
    title, which is what a screen reader reads first of a new page; static/js/app.js keeps the
    title right when HTMX swaps only a part of the page."""
    if ERROR_SUMMARY not in html:
        return html
    prefix = escape(i18n.gettext(locale, "Error:") + " ")
    return html.replace("<title>", f"<title>{prefix}", 1)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render the page, or only `block` when HTMX asked for a fragment (not for boosted links)."""
    env: Environment = request.app.state.templates
    ctx = {**base_context(request), **(context or {})}
    if block and is_fragment_request(request):
        html = render_block(env, template, block, ctx)
    else:
        html = _title_says_error(env.get_template(template).render(ctx), ctx["locale"])
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["Vary"] = "HX-Request, Cookie"
    response.headers.setdefault("Cache-Control", "no-store" if ctx.get("user") else "no-cache")
    return response
