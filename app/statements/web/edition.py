"""The office's pages for the edition being prepared: its translations (one page per language)
and its files (several uploaded at once, all or nothing; removed; downloaded). What may be changed
is decided by `service`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.access import OfficeOnly
from app.db import SessionDep
from app.errors import Conflict, FileTooLarge, NotFound, UnsupportedFile, ValidationFailed
from app.flash import flash
from app.i18n import Msg
from app.statements import service
from app.statements.models import EDITABLE, Statement, StatementLanguage
from app.statements.web.office import failure, labels, not_editable, outdated, statement_page
from app.templating import redirect, render

router = APIRouter(include_in_schema=False)


# --- Translations ---------------------------------------------------------------------------------


def _language(session: Session, code: str) -> StatementLanguage:
    found = next((x for x in service.translation_languages(session) if x.code == code), None)
    if found is None:
        raise NotFound()
    return found


def _translation_page(
    request: Request,
    session: Session,
    st: Statement,
    language: StatementLanguage,
    form: dict[str, str],
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    ed = service.working_edition(session, st.id or 0)
    existing = service.translations(session, ed.id).get(language.code) if ed and ed.id else None
    ctx = labels() | {
        "st": st,
        "edition": ed,
        "language": language,
        "form": form,
        "errors": errors or {},
        "existing": existing,
        "outdated": outdated(session, existing, ed),
    }
    return render(request, "statements/office_translation.html", ctx, status_code=status_code)


@router.get("/office/statements/{statement_id:int}/translations/{lang}")
def translation_page(
    request: Request, statement_id: int, lang: str, identity: OfficeOnly, session: SessionDep
) -> Response:
    st = service.get(session, statement_id, actor=identity.actor)
    language = _language(session, lang)
    ed = service.working_edition(session, statement_id)
    if ed is None or ed.state not in EDITABLE or ed.id is None:
        flash(request, not_editable(ed), "warning")
        return redirect(request, f"/office/statements/{statement_id}#translations")
    t = service.translations(session, ed.id).get(language.code)
    form = {"title": t.title, "summary": t.summary, "body": t.body} if t else {}
    return _translation_page(
        request, session, st, language, {"title": "", "summary": "", "body": ""} | form
    )


@router.post("/office/statements/{statement_id:int}/translations/{lang}")
async def translation_submit(
    request: Request, statement_id: int, lang: str, identity: OfficeOnly, session: SessionDep
) -> Response:
    st = service.get(session, statement_id, actor=identity.actor)
    language = _language(session, lang)
    data = await request.form()
    form = {name: str(data.get(name, "")) for name in ("title", "summary", "body")}
    try:
        service.save_translation(
            session,
            actor=identity.actor,
            statement_id=statement_id,
            language=language.code,
            **form,
        )
    except ValidationFailed as exc:
        return _translation_page(request, session, st, language, form, exc.errors, 422)
    except Conflict as exc:
        errors = {"form": exc.detail or Msg(exc.title)}
        return _translation_page(request, session, st, language, form, errors, 409)
    flash(
        request,
        Msg("The %(language)s translation has been saved.", {"language": language.name_vi}),
    )
    return redirect(request, f"/office/statements/{statement_id}#translations")


@router.post("/office/statements/{statement_id:int}/translations/{lang}/remove")
def translation_remove(
    request: Request, statement_id: int, lang: str, identity: OfficeOnly, session: SessionDep
) -> Response:
    try:
        service.remove_translation(
            session, actor=identity.actor, statement_id=statement_id, language=lang
        )
    except Conflict as exc:
        return failure(request, session, identity, statement_id, exc, "translations")
    flash(request, Msg("The translation has been removed from the edition."))
    return redirect(request, f"/office/statements/{statement_id}#translations")


# --- Files of the edition being prepared ----------------------------------------------------------


@router.post("/office/statements/{statement_id:int}/attachments")
async def upload(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile)]
    errors: dict[str, Msg] | None = None
    status = 303
    try:
        added = service.add_files(
            session,
            actor=identity.actor,
            statement_id=statement_id,
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    except ValidationFailed as exc:
        errors, status = exc.errors, 422
    except (FileTooLarge, UnsupportedFile, Conflict) as exc:
        # 413 / 415 / 409 beside the file field; nothing was kept: no file, no row.
        errors, status = {"files": exc.detail or Msg(exc.title)}, exc.status
    finally:
        for f in uploads:
            await f.close()
    if errors is not None:
        return statement_page(
            request,
            session,
            identity,
            statement_id,
            failed="files",
            errors=errors,
            status_code=status,
        )
    flash(request, Msg("%(n)s file(s) attached to the edition.", {"n": len(added)}))
    return redirect(request, f"/office/statements/{statement_id}#files")


@router.post("/office/statements/{statement_id:int}/files/{attachment_id:int}/remove")
def remove_file(
    request: Request,
    statement_id: int,
    attachment_id: int,
    identity: OfficeOnly,
    session: SessionDep,
) -> Response:
    try:
        service.remove_file(
            session,
            actor=identity.actor,
            statement_id=statement_id,
            file_id=attachment_id,
            store=request.app.state.store,
        )
    except Conflict as exc:
        return failure(request, session, identity, statement_id, exc, "files")
    flash(request, Msg("The file has been removed from the edition."))
    return redirect(request, f"/office/statements/{statement_id}#files")


@router.get("/office/statements/{statement_id:int}/files/{attachment_id:int}")
def download(
    request: Request,
    statement_id: int,
    attachment_id: int,
    identity: OfficeOnly,
    session: SessionDep,
) -> Response:
    row = service.get_file(
        session, actor=identity.actor, statement_id=statement_id, file_id=attachment_id
    )
    return request.app.state.store.download(
        row.stored_name, filename=row.filename, content_type=row.content_type
    )
