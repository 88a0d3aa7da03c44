"""The newsroom: published statements (list, search, each statement and its translations, a print
view, files), the public spokesperson register (the portal's list, with its CSV and XLSX
downloads) and the sitemap.

Everything here is read "as at now" (an embargoed statement is a 404 until its time) and goes
through the page cache (`statements.cache`) except downloads. Queries live in `queries`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from app import timeutil
from app.access import Public
from app.db import SessionDep
from app.errors import NotFound
from app.i18n import N_, gettext
from app.orgs import service as orgs
from app.pdf import write_pdf
from app.reports import exports
from app.reports.tables import Cell, Table
from app.statements import cache, queries, service
from app.statements.models import (
    COMPLIANCE_LABELS,
    KIND_LABELS,
    SPOKESPERSON_ROLE_LABELS,
    StatementKind,
)
from app.statements.service import register_view as listing
from app.statements.web.freshness import caught_up
from app.storage import download_headers
from app.templating import render, request_locale
from app.timeutil import LOCAL_TZ

router = APIRouter(include_in_schema=False, dependencies=[Depends(caught_up)])

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
LANG_RE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")


def _html(
    request: Request,
    session: Session,
    template: str,
    context: dict[str, Any],
    overrides: Mapping[str, Any],
    *,
    now: datetime,
    block: str | None = None,
    expires: datetime | None = None,
    last_modified: datetime | None = None,
) -> cache.Rendered:
    """Render a page for the cache: it changes by itself when the next embargo ends. Its
    Last-Modified is `last_modified` when the page knows it (the list: the last public change,
    so that scheduling an embargo or saving a draft never moves it), else the time of the render
    (never earlier than any change it shows)."""
    change = service.next_public_change(session, now)
    if expires is None or (change is not None and change < expires):
        expires = change
    response = render(request, template, {**context, **overrides}, block=block)
    return cache.Rendered(bytes(response.body), HTML, expires, last_modified)


def feed_language(session: Session, locale: str) -> str:
    """The `lang` of the Atom feed for a reader of `locale`: theirs when statements are
    translated into it, else "" (the Vietnamese feed)."""
    if locale != service.SOURCE_LANGUAGE and locale in queries.language_codes(session):
        return locale
    return ""


def _base(request: Request) -> str:
    """The site's address (PUBLIC_BASE_URL), never the request's Host: these pages are shared."""
    return str(request.app.state.settings.absolute_url())


# --- The list and search -------------------------------------------------------------------------


@router.get("/statements")
def statements_page(
    request: Request,
    identity: Public,
    session: SessionDep,
    q: str = "",
    kind: str = "",
    topic: str = "",
    org: str = "",
    lang: str = "",
    date_from: str = "",
    date_to: str = "",
    before: str = "",
) -> Response:
    """Published statements, newest first, with filters and full-text search."""

    def build(now: datetime, overrides: Mapping[str, Any]) -> cache.Rendered:
        kinds = [k for k in StatementKind]
        filters = queries.Filters(
            kind=StatementKind(kind) if kind in {k.value for k in kinds} else None,
            topic=queries.topic_by_code(session, topic),
            organisation_id=queries.parse_int(org),
            language=lang if lang in queries.language_codes(session) else None,
            date_from=queries.parse_date(date_from),
            date_to=queries.parse_date(date_to),
            q=q[:1000],
        )
        cursor = queries.Cursor.parse(before)
        locale = request_locale(request)
        page = queries.statement_page(session, filters, now=now, before=cursor, locale=locale)
        feed_query = {
            k: v
            for k, v in (
                ("lang", feed_language(session, locale)),
                ("kind", filters.kind.value if filters.kind else ""),
                ("topic", filters.topic.code if filters.topic else ""),
            )
            if v
        }
        context = {
            "filters": filters,
            "page": page,
            "before": cursor,
            "kinds": kinds,
            "kind_labels": KIND_LABELS,
            "topics": service.topics(session),
            "organisations": orgs.list_organisations(
                session, kinds=service.ISSUING_KINDS, include_retired=True
            ),
            "languages": service.translation_languages(session),
            "feed_query": feed_query,
        }
        return _html(
            request,
            session,
            "statements/public_list.html",
            context,
            overrides,
            now=now,
            block="results",
            last_modified=service.last_public_change(session, now),
        )

    return cache.serve(request, identity, build)


# --- One statement -------------------------------------------------------------------------------


def _statement_context(
    request: Request, view: queries.StatementView, lang: str | None
) -> dict[str, Any]:
    base = _base(request)
    sid = view.statement.id
    alternates = [("vi", f"{base}/statements/{sid}")]
    alternates += [(code, f"{base}/statements/{sid}/{code}") for code in sorted(view.translations)]
    alternates.append(("x-default", f"{base}/statements/{sid}"))
    content: Any = view.translations[lang] if lang else view.edition
    description = content.summary or queries.plain_text(content.body)[:300]
    return {
        "view": view,
        "st": view.statement,
        "ed": view.edition,
        "content": content,
        "content_lang": lang or service.SOURCE_LANGUAGE,
        "translation": view.translations[lang] if lang else None,
        "kind_labels": KIND_LABELS,
        "role_labels": SPOKESPERSON_ROLE_LABELS,
        "compliance_labels": COMPLIANCE_LABELS,
        "alternates": alternates,
        "canonical": f"{base}/statements/{sid}" + (f"/{lang}" if lang else ""),
        "description": description,
        "last_modified": view.last_change,
    }


def _translation_context(
    request: Request, session: Session, view: queries.StatementView, lang: str
) -> dict[str, Any]:
    context = _statement_context(request, view, lang)
    context["outdated_since"] = queries.outdated_since(session, view, view.translations[lang])
    if lang in request.app.state.settings.languages:
        context["locale"] = lang  # an English page reads in English throughout
    return context


@router.get("/statements/{statement_id:int}")
def statement_page(
    request: Request, statement_id: int, identity: Public, session: SessionDep
) -> Response:
    """A statement's permanent address: the Vietnamese text, or for a reader who chose another
    language its translation into it when there is one (its canonical address is the
    translation's), else the Vietnamese with a note; 404 until it is public."""

    def build(now: datetime, overrides: Mapping[str, Any]) -> cache.Rendered:
        view = queries.statement_view(session, statement_id, now=now)
        locale = request_locale(request)
        if locale != service.SOURCE_LANGUAGE and locale in view.translations:
            context = _translation_context(request, session, view, locale)
        else:
            context = _statement_context(request, view, None)
            context["source_only"] = locale != service.SOURCE_LANGUAGE
        return _html(
            request,
            session,
            "statements/public_detail.html",
            context,
            overrides,
            now=now,
        )

    return cache.serve(request, identity, build)


@router.get("/statements/{statement_id:int}/print")
def statement_print(
    request: Request, statement_id: int, identity: Public, session: SessionDep, lang: str = ""
) -> Response:
    """A clean page to print (no menus), in Vietnamese or in one of its translations."""

    def build(now: datetime, overrides: Mapping[str, Any]) -> cache.Rendered:
        view = queries.statement_view(session, statement_id, now=now)
        if lang and lang != service.SOURCE_LANGUAGE and lang not in view.translations:
            raise NotFound()
        chosen = lang if lang in view.translations else None
        context = _statement_context(request, view, chosen)
        return _html(
            request,
            session,
            "statements/public_print.html",
            context,
            overrides,
            now=now,
        )

    return cache.serve(request, identity, build)


@router.get("/statements/{statement_id:int}.pdf")
def statement_pdf(
    request: Request, statement_id: int, identity: Public, session: SessionDep, lang: str = ""
) -> Response:
    """The statement as a tagged PDF (app.pdf), in Vietnamese or in one of its translations:
    the number, the spokesperson and the date with the text; from the page cache like the page."""

    def build(now: datetime, overrides: Mapping[str, Any]) -> cache.Rendered:
        view = queries.statement_view(session, statement_id, now=now)
        if lang and lang != service.SOURCE_LANGUAGE and lang not in view.translations:
            raise NotFound()
        if lang in view.translations:
            context = _translation_context(request, session, view, lang)
        else:
            context = _statement_context(request, view, None)
        page = _html(request, session, "statements/public_pdf.html", context, overrides, now=now)
        return cache.Rendered(write_pdf(page.body.decode()), PDF, page.expires, None)

    return cache.serve(request, identity, build)


@router.get("/statements/{statement_id:int}/files/{attachment_id:int}")
def statement_file(
    request: Request, statement_id: int, attachment_id: int, identity: Public, session: SessionDep
) -> Response:
    """A file of the public edition, always as a download."""
    row = queries.public_file(session, statement_id, attachment_id, now=timeutil.utcnow())
    return request.app.state.store.download(
        row.stored_name, filename=row.filename, content_type=row.content_type
    )


@router.get("/statements/{statement_id:int}/{lang}")
def translation_page(
    request: Request, statement_id: int, lang: str, identity: Public, session: SessionDep
) -> Response:
    """A translation of the public edition; it says so when made from an earlier version."""
    if lang == service.SOURCE_LANGUAGE or not LANG_RE.fullmatch(lang):
        raise NotFound()

    def build(now: datetime, overrides: Mapping[str, Any]) -> cache.Rendered:
        view = queries.statement_view(session, statement_id, now=now)
        if lang not in view.translations:
            raise NotFound()
        context = _translation_context(request, session, view, lang)
        return _html(
            request,
            session,
            "statements/public_detail.html",
            context,
            overrides,
            now=now,
        )

    return cache.serve(request, identity, build)


# --- The spokesperson register -------------------------------------------------------------------


def _next_midnight(now: datetime) -> datetime:
    tomorrow = timeutil.to_local(now).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), LOCAL_TZ)


def _register(session: Session, today: date, level: str, org: str) -> listing.RegisterView:
    filters = listing.RegisterFilters.parse(level, org)
    return listing.register_view(session, on=today, filters=filters)


@router.get("/spokespersons")
def spokespersons_page(
    request: Request, identity: Public, session: SessionDep, level: str = "", org: str = ""
) -> Response:
    """The portal's list of spokespersons (Art. 3 of the decree in force): who may speak for
    each body today, filtered by level and body, and who could before."""

    def build(now: datetime, overrides: Mapping[str, Any]) -> cache.Rendered:
        today: date = timeutil.to_local(now).date()
        view = _register(session, today, level, org)
        context = {
            "view": view,
            "filters": view.filters,
            "levels": listing.LEVEL_LABELS,
            "filter_orgs": listing.filter_organisations(session, today),
            "today": today,
            "role_labels": SPOKESPERSON_ROLE_LABELS,
        }
        return _html(
            request,
            session,
            "statements/public_spokespersons.html",
            context,
            overrides,
            now=now,
            expires=_next_midnight(now),  # the register is read for a day
        )

    return cache.serve(request, identity, build)


# The downloads have the page's rows (who may speak today, as filtered) and its columns.
REGISTER_COLUMNS = (
    N_("Organisation"),
    N_("Level"),
    N_("Role"),
    N_("Full name"),
    N_("Title (position)"),
    N_("Phone"),
    N_("Official e-mail"),
    N_("Since"),
    N_("Until"),
    N_("Decision number"),
    N_("Decision date"),
    N_("Posted"),
    N_("Matter (for an authorisation)"),
)


def register_table(view: listing.RegisterView, locale: str) -> Table:
    """The current list as one table, in the reader's language."""
    rows: list[list[Cell]] = []
    for e in view.current:
        p = e.person
        rows.append(
            [
                e.organisation.name(locale),
                gettext(locale, listing.LEVEL_LABELS[e.level]) if e.level else None,
                gettext(locale, SPOKESPERSON_ROLE_LABELS[p.role]),
                p.full_name,
                p.title,
                p.phone or None,
                p.email or None,
                timeutil.format_date(p.valid_from),
                timeutil.format_date(p.valid_to) or None,
                p.decision_number or None,
                timeutil.format_date(p.decision_date) or None,
                timeutil.format_datetime(p.posted_at) or None,
                p.matter or None,
            ]
        )
    return Table(
        key="spokespersons",
        title=gettext(locale, "Spokespersons on %(date)s", date=timeutil.format_date(view.day)),
        columns=[gettext(locale, c) for c in REGISTER_COLUMNS],
        rows=rows,
    )


def _download(request: Request, session: Session, level: str, org: str) -> tuple[Table, str]:
    today = timeutil.local_today()
    table = register_table(_register(session, today, level, org), request_locale(request))
    return table, f"nguoi-phat-ngon-{today.isoformat()}"


@router.get("/spokespersons.csv")
def spokespersons_csv(
    request: Request, identity: Public, session: SessionDep, level: str = "", org: str = ""
) -> Response:
    """The current list (as filtered) as CSV: UTF-8 with a BOM, formulas neutralised."""
    table, stem = _download(request, session, level, org)
    return Response(
        exports.to_csv([table]),
        media_type="text/csv; charset=utf-8",
        headers=download_headers(f"{stem}.csv"),
    )


@router.get("/spokespersons.xlsx")
def spokespersons_xlsx(
    request: Request, identity: Public, session: SessionDep, level: str = "", org: str = ""
) -> Response:
    """The current list (as filtered) as an Excel workbook, formulas neutralised."""
    table, stem = _download(request, session, level, org)
    return Response(
        exports.to_xlsx([table], title=table.title),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=download_headers(f"{stem}.xlsx"),
    )


@router.get("/spokespersons/{spokesperson_id:int}/document")
def spokesperson_document(
    request: Request, spokesperson_id: int, identity: Public, session: SessionDep
) -> Response:
    """The signed appointment or authorisation, as a download."""
    person = queries.spokesperson_document(session, spokesperson_id)
    return request.app.state.store.download(
        person.document_stored_name or "",
        filename=person.document_filename or "van-ban.pdf",
        content_type=person.document_content_type or "application/octet-stream",
    )


# --- The sitemap ---------------------------------------------------------------------------------


@router.get("/sitemap.xml")
def sitemap(request: Request, identity: Public, session: SessionDep) -> Response:
    """Every public statement, translation and announced briefing (sitemaps.org 0.9)."""

    def build(now: datetime, _overrides: Mapping[str, Any]) -> cache.Rendered:
        base = _base(request)
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for entry in queries.sitemap(session, now=now):
            lastmod = (
                f"<lastmod>{entry.lastmod.isoformat(timespec='seconds')}</lastmod>"
                if entry.lastmod
                else ""
            )
            lines.append(f"<url><loc>{xml_escape(base + entry.path)}</loc>{lastmod}</url>")
        lines.append("</urlset>")
        body = ("\n".join(lines) + "\n").encode("utf-8")
        return cache.Rendered(
            body,
            "application/xml; charset=utf-8",
            service.next_public_change(session, now),
            service.last_public_change(session, now),
        )

    return cache.serve(request, identity, build, personal=False)
