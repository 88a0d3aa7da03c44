"""The accessibility statement and the privacy notice (public, in the reader's language) and
their editing by the administrator, one language at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import AdminOnly, Public
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.i18n import Msg
from app.sitepages import service
from app.templating import redirect, render, request_locale

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _public(request: Request, session: SessionDep, slug: str) -> Response:
    settings = request.app.state.settings
    page = service.page_for(session, slug, request_locale(request), settings.languages)
    return render(request, "sitepages/page.html", {"page": page})


@router.get("/accessibility")
def accessibility(request: Request, identity: Public, session: SessionDep) -> Response:
    return _public(request, session, "accessibility")


@router.get("/privacy")
def privacy(request: Request, identity: Public, session: SessionDep) -> Response:
    return _public(request, session, "privacy")


@router.get("/admin/pages")
def pages_list(request: Request, identity: AdminOnly, session: SessionDep) -> Response:
    languages = request.app.state.settings.languages
    rows = [
        (slug, label, [service.page_in(session, slug, lang, languages) for lang in languages])
        for slug, label in service.PAGES.items()
    ]
    return render(request, "sitepages/admin_list.html", {"rows": rows})


def _form(
    request: Request,
    session: SessionDep,
    page: str,
    lang: str,
    form: dict[str, str] | None = None,
    errors: dict[str, object] | None = None,
    status_code: int = 200,
) -> Response:
    languages = request.app.state.settings.languages
    current = service.page_in(session, page, lang, languages)
    context = {
        "page": current,
        "label": service.PAGES[page],
        "form": form or {"title": current.title, "body": current.body},
        "errors": errors or {},
        "languages": languages,
    }
    return render(request, "sitepages/admin_form.html", context, status_code=status_code)


@router.get("/admin/pages/{page}/{lang}")
def page_edit(
    request: Request, page: str, lang: str, identity: AdminOnly, session: SessionDep
) -> Response:
    return _form(request, session, page, lang)


@router.post("/admin/pages/{page}/{lang}")
def page_save(
    request: Request,
    page: str,
    lang: str,
    identity: AdminOnly,
    session: SessionDep,
    title: Text = "",
    body: Text = "",
) -> Response:
    try:
        service.save(
            session,
            actor=identity.actor,
            slug=page,
            language=lang,
            title=title,
            body=body,
            languages=request.app.state.settings.languages,
        )
    except ValidationFailed as exc:
        form = {"title": title, "body": body}
        return _form(request, session, page, lang, form, dict(exc.errors), 422)
    flash(request, Msg("The page has been saved."))
    return redirect(request, "/admin/pages")
