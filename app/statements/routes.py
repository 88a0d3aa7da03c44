"""The office's pages for official statements: the list, drafting (the spokesperson select offers
only those the register authorises for the organisation today), the statement page with the
workflow steps its edition allows, translations, and the files of the edition being prepared.
Every rule is in `service` and `states`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from app.access import Identity, OfficeOnly
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.db import SessionDep
from app.errors import (
    AppError,
    Conflict,
    FileTooLarge,
    Forbidden,
    NotFound,
    UnsupportedFile,
    ValidationFailed,
)
from app.flash import flash
from app.forms import parse_date, parse_ids, parse_int, parse_time
from app.i18n import N_, Msg, gettext
from app.orgs import service as orgs
from app.orgs.models import OrgKind, OrgView
from app.statements import service, states
from app.statements.models import (
    COMPLIANCE_LABELS,
    EDITABLE,
    ISSUED,
    KIND_LABELS,
    SPOKESPERSON_ROLE_LABELS,
    STATE_LABELS,
    ChangeKind,
    Compliance,
    Edition,
    EditionState,
    Spokesperson,
    Statement,
    StatementKind,
    StatementLanguage,
)
from app.storage import ACCEPT_ATTR, download_headers
from app.templating import redirect, render, request_locale
from app.timeutil import format_datetime, local_today, utcnow

router = APIRouter(include_in_schema=False)

# The steps of the statement page (the path's last part) and what is said once each is done.
DONE: dict[str, str] = {
    "submit": N_("The edition has been submitted for review."),
    "return": N_("The edition is back in draft."),
    "approve": N_("The edition has been approved: it can now be published or scheduled."),
    "publish": N_("The statement has been published."),
    "schedule": N_("The edition has been scheduled."),
    "unschedule": N_("The schedule has been cancelled: the edition is approved and not public."),
    "new-edition": N_("A new edition has been started. Change it, then describe the change."),
    "discard": N_("The edition being prepared has been discarded."),
    "withdraw": N_("The statement has been withdrawn. Its page stays, with the reason."),
    "compliance": N_("The press agency's response has been recorded."),
}
TEXT_FIELDS = (
    "kind",
    "organisation_id",
    "spokesperson_id",
    "title",
    "summary",
    "body",
    "briefing_id",
    "question_ids",
    "target_agency_id",
    "target_agency_name",
    "article_title",
    "article_url",
    "change_kind",
    "change_note",
    "revision",
)
KIND_VALUES = frozenset(k.value for k in StatementKind)
CHANGE_VALUES = frozenset({ChangeKind.MAJOR.value, ChangeKind.MINOR.value})
BRIEFING_WINDOW = timedelta(days=120)  # briefings offered before and after today
QUESTION_NUMBERS = re.compile(r"#?\d{1,11}")


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "state_labels": STATE_LABELS,
        "step_labels": states.STEP_LABELS,
        "compliance_labels": COMPLIANCE_LABELS,
        "role_labels": SPOKESPERSON_ROLE_LABELS,
        "kinds": list(StatementKind),
        "compliances": list(Compliance),
        "now": utcnow(),
    }


def _org_names(session: Session) -> dict[int, OrgView]:
    return {o.id: o for o in orgs.list_organisations(session, include_retired=True)}


# --- The list ------------------------------------------------------------------------------------


@router.get("/office/statements")
def office_list(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    ctx = _labels() | {"rows": service.office_list(session), "names": _org_names(session)}
    return render(request, "statements/office_list.html", ctx)


# --- Drafting: the new statement and the edition being prepared ----------------------------------


def _form_of(session: Session, st: Statement, ed: Edition) -> dict[str, Any]:
    links = service.draft_links(session, st, ed)
    return {
        "kind": st.kind.value,
        "organisation_id": st.organisation_id,
        "spokesperson_id": st.spokesperson_id or "",
        "title": ed.title,
        "summary": ed.summary,
        "body": ed.body,
        "briefing_id": links["briefing_id"] or "",
        "topic_ids": links["topic_ids"],
        "related_org_ids": links["related_org_ids"],
        "question_ids": ", ".join(str(q) for q in links["question_ids"]),
        "target_agency_id": links["target_agency_id"] or "",
        "target_agency_name": links["target_agency_name"],
        "article_title": links["article_title"],
        "article_url": links["article_url"],
        "change_kind": ed.change_kind.value if ed.change_kind in ChangeKind else "",
        "change_note": ed.change_note,
        "revision": ed.revision,
    }


def _form_posted(data: FormData) -> dict[str, Any]:
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in TEXT_FIELDS}
    form["topic_ids"] = parse_ids([str(v) for v in data.getlist("topic_ids")])
    form["related_org_ids"] = parse_ids([str(v) for v in data.getlist("related_org_ids")])
    return form


def _question_numbers(text: str) -> list[int]:
    """Question numbers typed as "12, 15" or "#12 #15"."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if any(not QUESTION_NUMBERS.fullmatch(p) for p in parts):
        raise ValidationFailed(
            {"question_ids": Msg("Enter question numbers separated by commas, for example 12, 15.")}
        )
    return sorted({int(p.lstrip("#")) for p in parts})


def _input(form: dict[str, Any]) -> service.StatementInput:
    return service.StatementInput(
        kind=StatementKind(form["kind"]) if form["kind"] in KIND_VALUES else None,
        organisation_id=parse_int(form["organisation_id"]),
        spokesperson_id=parse_int(form["spokesperson_id"]),
        title=form["title"],
        summary=form["summary"],
        body=form["body"],
        briefing_id=parse_int(form["briefing_id"]),
        topic_ids=list(form["topic_ids"]),
        related_org_ids=list(form["related_org_ids"]),
        question_ids=_question_numbers(form["question_ids"]),
        target_agency_id=parse_int(form["target_agency_id"]),
        target_agency_name=form["target_agency_name"],
        article_title=form["article_title"],
        article_url=form["article_url"],
        change_kind=ChangeKind(form["change_kind"])
        if form["change_kind"] in CHANGE_VALUES
        else None,
        change_note=form["change_note"],
    )


def _briefing_options(request: Request, session: Session, chosen: Any) -> list[tuple[int, str]]:
    now = utcnow()
    rows = briefings.between(session, now - BRIEFING_WINDOW, now + BRIEFING_WINDOW)
    picked = parse_int(str(chosen))
    if picked and picked not in {b.id for b in rows}:
        old = session.get(Briefing, picked)
        rows = [old, *rows] if old is not None else rows
    locale = request_locale(request)
    return [(b.id or 0, f"{b.title(locale)} · {format_datetime(b.starts_at)}") for b in rows]


def _form_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    statement: Statement | None = None,
    edition: Edition | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    org_id = parse_int(str(form.get("organisation_id", "")))
    first = statement is None or (
        edition.number == 1 if edition is not None else statement.first_published_at is None
    )
    spokesperson = (
        session.get(Spokesperson, statement.spokesperson_id)
        if statement is not None and statement.spokesperson_id
        else None
    )
    ctx = _labels() | {
        "form": form,
        "errors": errors or {},
        "statement": statement,
        "edition": edition,
        "first": first,
        "names": _org_names(session),
        "current_spokesperson": spokesperson,
        "issuers": orgs.list_organisations(session, kinds=service.ISSUING_KINDS),
        "related_orgs": orgs.list_organisations(
            session, kinds=(*service.ISSUING_KINDS, OrgKind.PARTY_BODY)
        ),
        "agencies": orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,)),
        "topics": service.topics(session),
        "spokesperson_options": _speakers(request, session, org_id),
        "briefing_options": _briefing_options(request, session, form.get("briefing_id")),
        "action": (
            f"/office/statements/{statement.id}/edit"
            if statement is not None
            else "/office/statements/new"
        ),
    }
    return render(request, "statements/office_form.html", ctx, block=block, status_code=status_code)


def _speakers(request: Request, session: Session, org_id: int | None) -> list[tuple[int, str]]:
    """Whom the statement may be issued in the name of: the register, for today."""
    if org_id is None:
        return []
    locale = request_locale(request)
    return [
        (
            p.id or 0,
            f"{p.full_name} · {p.title} ({gettext(locale, SPOKESPERSON_ROLE_LABELS[p.role])})",
        )
        for p in service.authorised(session, org_id, local_today())
    ]


@router.get("/office/statements/new")
def new_statement_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    form: dict[str, Any] = dict.fromkeys(TEXT_FIELDS, "") | {"topic_ids": [], "related_org_ids": []}
    issuers = orgs.list_organisations(session, kinds=(OrgKind.PEOPLES_COMMITTEE,))
    if len(issuers) == 1:  # the usual issuer: one choice less
        form["organisation_id"] = issuers[0].id
    return _form_page(request, session, form)


@router.post("/office/statements/new")
async def new_statement(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    data = await request.form()
    form = _form_posted(data)
    if data.get("intent") == "refresh":  # the organisation changed: whom may be chosen now
        return _form_page(request, session, form, block="spokesperson")
    try:
        st = service.create(session, actor=identity.actor, data=_input(form))
    except ValidationFailed as exc:
        session.rollback()
        return _form_page(request, session, form, errors=exc.errors, status_code=422)
    flash(request, Msg("The statement has been saved as a draft. Submit it for review when ready."))
    return redirect(request, f"/office/statements/{st.id}")


@router.get("/office/statements/{statement_id:int}/edit")
def edit_page(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    st = service.get(session, statement_id, actor=identity.actor)
    ed = service.working_edition(session, statement_id)
    if ed is None or ed.state not in EDITABLE:
        flash(request, _not_editable(ed), "warning")
        return redirect(request, f"/office/statements/{statement_id}")
    return _form_page(request, session, _form_of(session, st, ed), statement=st, edition=ed)


def _not_editable(ed: Edition | None) -> Msg:
    if ed is None:
        return Msg("A published edition is never changed: start a new edition to change it.")
    return Msg("This edition is approved: it cannot be edited. Return it to draft to change it.")


@router.post("/office/statements/{statement_id:int}/edit")
async def edit_submit(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    st = service.get(session, statement_id, actor=identity.actor)
    ed = service.working_edition(session, statement_id)
    data = await request.form()
    form = _form_posted(data)
    if data.get("intent") == "refresh":
        return _form_page(request, session, form, statement=st, edition=ed, block="spokesperson")
    try:
        service.update(
            session,
            actor=identity.actor,
            statement_id=statement_id,
            data=_input(form),
            expected_revision=parse_int(form["revision"]),
        )
    except ValidationFailed as exc:
        session.rollback()
        return _form_page(
            request, session, form, statement=st, edition=ed, errors=exc.errors, status_code=422
        )
    except Conflict as exc:
        # Someone saved meanwhile, or the edition moved on: the typed text comes back, unsaved.
        session.rollback()
        current = service.working_edition(session, statement_id)
        if current is not None:  # a deliberate second save may now go through
            form["revision"] = current.revision
        return _form_page(
            request,
            session,
            form,
            statement=st,
            edition=current or ed,
            errors={"form": exc.detail or Msg(exc.title)},
            status_code=409,
        )
    flash(request, Msg("The edition has been saved. It is a draft until submitted for review."))
    return redirect(request, f"/office/statements/{statement_id}")


# --- The statement page and its steps ------------------------------------------------------------


def _step_forms(st: Statement) -> dict[str, dict[str, Any]]:
    return {
        "schedule": {"day": "", "time": ""},
        "withdraw": {"reason": ""},
        "compliance": {"compliance": st.compliance.value if st.compliance else ""},
    }


def _statement_page(
    request: Request,
    session: Session,
    identity: Identity,
    statement_id: int,
    *,
    failed: str | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    st = service.get(session, statement_id, actor=identity.actor)
    eds = service.editions(session, statement_id)
    working = next((e for e in eds if e.state not in ISSUED), None)
    latest = eds[-1] if eds else None
    current = working or latest
    extra: list[str] = []
    if working is not None:
        extra.append("discard")
    elif latest is not None and latest.state == EditionState.PUBLISHED and not st.withdrawn_at:
        extra.append("new-edition")
    if st.first_published_at is not None and st.withdrawn_at is None:
        extra.append("withdraw")
    carried = service.translations(session, current.id) if current and current.id else {}
    translations = [
        (lang, carried.get(lang.code), _outdated(session, carried.get(lang.code), current))
        for lang in service.translation_languages(session)
    ]
    people: list[int | None] = [st.created_by, st.withdrawn_by]
    for e in eds:
        people += [e.created_by, e.edited_by, e.approved_by]
    people += [t.translated_by for t in carried.values()]
    forms = _step_forms(st)
    if failed in forms and form is not None:
        forms[failed] = form
    topic_ids = set(service.topic_ids(session, statement_id))
    ctx = _labels() | {
        "st": st,
        "editions": list(reversed(eds)),
        "working": working,
        "current": current,
        "public": service.public_edition(session, statement_id),
        "steps": [s.value for s in states.allowed_steps(current.state)] if current else [],
        "extra": extra,
        "translations": translations,
        "files": service.edition_files(session, current.id) if current and current.id else [],
        "users": service.people(session, people),
        "names": _org_names(session),
        "spokesperson": session.get(Spokesperson, st.spokesperson_id)
        if st.spokesperson_id
        else None,
        "briefing": session.get(Briefing, st.briefing_id) if st.briefing_id else None,
        "topics": [t for t in service.topics(session) if t.id in topic_ids],
        "related": service.related_org_ids(session, statement_id),
        "questions": service.question_ids(session, statement_id),
        "may_approve": service.may_approve(session, identity.actor),
        "forms": forms,
        "failed": failed,
        "errors": errors or {},
        "accept_files": ACCEPT_ATTR,
    }
    return render(request, "statements/office_detail.html", ctx, status_code=status_code)


def _outdated(session: Session, t: Any, current: Edition | None) -> bool:
    return bool(t is not None and current is not None and service.is_outdated(session, t, current))


@router.get("/office/statements/{statement_id:int}")
def statement_page(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return _statement_page(request, session, identity, statement_id)


def _failure(
    request: Request,
    session: Session,
    identity: Identity,
    statement_id: int,
    exc: AppError,
    failed: str,
    form: dict[str, Any] | None = None,
) -> Response:
    """The statement page again with what went wrong: beside the fields (422), or the reason a
    step was refused (403) or is no longer possible (409)."""
    session.rollback()
    if isinstance(exc, ValidationFailed):
        errors, status = exc.errors, 422
    else:
        errors, status = {"form": exc.detail or Msg(exc.title)}, exc.status
    return _statement_page(
        request,
        session,
        identity,
        statement_id,
        failed=failed,
        form=form,
        errors=errors,
        status_code=status,
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
        session.rollback()
        return _translation_page(request, session, st, language, form, exc.errors, 422)
    except Conflict as exc:
        session.rollback()
        errors = {"form": exc.detail or Msg(exc.title)}
        return _translation_page(request, session, st, language, form, errors, 409)
    flash(
        request,
        Msg("The %(language)s translation has been saved.", {"language": language.name_vi}),
    )
    return redirect(request, f"/office/statements/{statement_id}#translations")


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
    ctx = _labels() | {
        "st": st,
        "edition": ed,
        "language": language,
        "form": form,
        "errors": errors or {},
        "existing": existing,
        "outdated": _outdated(session, existing, ed),
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
        flash(request, _not_editable(ed), "warning")
        return redirect(request, f"/office/statements/{statement_id}#translations")
    t = service.translations(session, ed.id).get(language.code)
    form = {"title": t.title, "summary": t.summary, "body": t.body} if t else {}
    return _translation_page(
        request, session, st, language, {"title": "", "summary": "", "body": ""} | form
    )


@router.post("/office/statements/{statement_id:int}/translations/{lang}/remove")
def translation_remove(
    request: Request, statement_id: int, lang: str, identity: OfficeOnly, session: SessionDep
) -> Response:
    try:
        service.remove_translation(
            session, actor=identity.actor, statement_id=statement_id, language=lang
        )
    except Conflict as exc:
        return _failure(request, session, identity, statement_id, exc, "translations")
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
            directory=settings.upload_dir,
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
        session.rollback()
        return _statement_page(
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
            directory=request.app.state.settings.upload_dir,
        )
    except Conflict as exc:
        return _failure(request, session, identity, statement_id, exc, "files")
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
    row, path = service.get_file(
        session,
        actor=identity.actor,
        statement_id=statement_id,
        file_id=attachment_id,
        directory=request.app.state.settings.upload_dir,
    )
    return FileResponse(path, media_type=row.content_type, headers=download_headers(row.filename))


# --- The steps (after the fixed paths above: "edit" and "attachments" are not steps) --------------


def _publish_at(form: dict[str, Any]) -> datetime:
    day, at = parse_date(form["day"]), parse_time(form["time"])
    if day is None or at is None:
        raise ValidationFailed(
            {
                "publish_at": Msg(
                    "Enter the date and the time it becomes public, for example 26/11/2026 and 08:00."
                )
            }
        )
    return briefings.local_datetime(day, at)


def _compliance(value: str) -> Compliance:
    if value not in {c.value for c in Compliance}:
        raise ValidationFailed({"compliance": Msg("Choose what the press agency did.")})
    return Compliance(value)


@router.post("/office/statements/{statement_id:int}/{action}")
async def office_step(
    request: Request, statement_id: int, action: str, identity: OfficeOnly, session: SessionDep
) -> Response:
    """One step of the statement's workflow (the path parameter is named `action` as on the
    other areas' pages); what is possible is decided by `states` and `service`."""
    if action not in DONE:
        raise NotFound()
    data = await request.form()

    def value(name: str) -> str:
        return str(data.get(name, ""))

    actor = identity.actor
    expected = parse_int(value("revision"))
    kw: dict[str, Any] = {"actor": actor, "statement_id": statement_id}
    form: dict[str, Any] | None = None
    done = Msg(DONE[action])
    target = f"/office/statements/{statement_id}"
    try:
        if action == "submit":
            service.submit(session, **kw, expected_revision=expected)
        elif action == "return":
            service.return_to_draft(session, **kw, expected_revision=expected)
        elif action == "approve":
            service.approve(session, **kw, expected_revision=expected)
        elif action in ("publish", "schedule"):
            at = None
            if action == "schedule":
                form = {"day": value("day"), "time": value("time")}
                at = _publish_at(form)
            ed = service.publish(
                session,
                **kw,
                at=at,
                expected_revision=expected,
                numbers_file=request.app.state.settings.statement_numbers_file,
            )
            if at is not None:
                done = Msg(
                    "The edition has been scheduled: it becomes public on %(time)s.",
                    {"time": format_datetime(ed.publish_at)},
                )
        elif action == "unschedule":
            service.unschedule(session, **kw, expected_revision=expected)
        elif action == "new-edition":
            service.new_edition(session, **kw)
            target += "/edit"
        elif action == "discard":
            service.discard(session, **kw)
            if session.get(Statement, statement_id) is None:  # the first edition: all gone
                target = "/office/statements"
        elif action == "withdraw":
            form = {"reason": value("reason")}
            service.withdraw(session, **kw, reason=form["reason"])
        else:
            form = {"compliance": value("compliance")}
            service.set_compliance(session, **kw, compliance=_compliance(form["compliance"]))
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _failure(request, session, identity, statement_id, exc, action, form)
    flash(request, done)
    return redirect(request, target)
