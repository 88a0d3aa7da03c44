"""The office's form of a statement: a new statement (its first edition) and the edition being
prepared. The spokesperson select offers only those the register authorises for the organisation
today; what may be saved is decided by `service`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from app.access import OfficeOnly
from app.briefings import service as briefings
from app.db import SessionDep
from app.errors import Conflict, FileTooLarge, UnsupportedFile, ValidationFailed
from app.flash import flash
from app.forms import parse_ids, parse_int
from app.i18n import Msg, gettext
from app.incidents import correction
from app.incidents import service as incidents
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.statements import service
from app.statements.models import (
    EDITABLE,
    SPOKESPERSON_ROLE_LABELS,
    ChangeKind,
    Edition,
    Statement,
    StatementKind,
)
from app.statements.web.office import labels, not_editable, org_names
from app.storage import ACCEPT_ATTR
from app.templating import redirect, render, request_locale
from app.timeutil import format_datetime, local_today, utcnow

router = APIRouter(include_in_schema=False)

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
    "matter",  # a new correction request drafted from a sudden matter: linked to it when saved
)
KIND_VALUES = frozenset(k.value for k in StatementKind)
CHANGE_VALUES = frozenset({ChangeKind.MAJOR.value, ChangeKind.MINOR.value})
BRIEFING_WINDOW = timedelta(days=120)  # briefings offered before and after today
QUESTION_NUMBERS = re.compile(r"#?\d{1,11}")


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


def _uploads(data: FormData) -> list[UploadFile]:
    """The files chosen in the edition's form (none chosen: an empty list)."""
    return [f for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]


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
        old = service.briefing_of(session, picked)
        rows = [old, *rows] if old is not None else rows
    locale = request_locale(request)
    return [(b.id or 0, f"{b.title(locale)} · {format_datetime(b.starts_at)}") for b in rows]


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
    ctx = labels() | {
        "form": form,
        "errors": errors or {},
        "statement": statement,
        "edition": edition,
        "first": first,
        "names": org_names(session),
        "current_spokesperson": (
            service.spokesperson_of(session, statement.spokesperson_id) if statement else None
        ),
        "issuers": orgs.list_organisations(session, kinds=service.ISSUING_KINDS),
        "related_orgs": orgs.list_organisations(
            session, kinds=(*service.ISSUING_KINDS, OrgKind.PARTY_BODY)
        ),
        "agencies": orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,)),
        "topics": service.topics(session),
        "accept_files": ACCEPT_ATTR,
        "spokesperson_options": _speakers(request, session, org_id),
        "briefing_options": _briefing_options(request, session, form.get("briefing_id")),
        "action": (
            f"/office/statements/{statement.id}/edit"
            if statement is not None
            else "/office/statements/new"
        ),
    }
    return render(request, "statements/office_form.html", ctx, block=block, status_code=status_code)


@router.get("/office/statements/new")
def new_statement_page(
    request: Request, identity: OfficeOnly, session: SessionDep, matter: str = ""
) -> Response:
    """A new statement; `?matter=<id>`: the correction request of that false-information matter,
    filled in from it (`incidents.correction`)."""
    form: dict[str, Any] = dict.fromkeys(TEXT_FIELDS, "") | {"topic_ids": [], "related_org_ids": []}
    issuers = orgs.list_organisations(session, kinds=(OrgKind.PEOPLES_COMMITTEE,))
    if len(issuers) == 1:  # the usual issuer: one choice less
        form["organisation_id"] = issuers[0].id
    matter_id = parse_int(matter)
    if matter_id is not None:
        form |= correction.draft(session, matter_id)
    return _form_page(request, session, form)


@router.post("/office/statements/new")
async def new_statement(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    form = _form_posted(data)
    if data.get("intent") == "refresh":  # the organisation changed: whom may be chosen now
        return _form_page(request, session, form, block="spokesperson")
    uploads = _uploads(data)
    try:
        st = service.save_with_files(
            session,
            actor=identity.actor,
            statement_id=None,
            data=_input(form),
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    except ValidationFailed as exc:
        return _form_page(request, session, form, errors=exc.errors, status_code=422)
    except (FileTooLarge, UnsupportedFile) as exc:
        errors = {"files": exc.detail or Msg(exc.title)}
        return _form_page(request, session, form, errors=errors, status_code=exc.status)
    finally:
        for f in uploads:
            await f.close()
    matter_id = parse_int(form["matter"])
    if matter_id is not None and st.kind == StatementKind.CORRECTION_REQUEST:
        incidents.link(
            session, actor=identity.actor, matter_id=matter_id, kind="statement", ref=str(st.id)
        )
    flash(request, Msg("The statement has been saved as a draft. Submit it for review when ready."))
    return redirect(request, f"/office/statements/{st.id}")


@router.get("/office/statements/{statement_id:int}/edit")
def edit_page(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    st = service.get(session, statement_id, actor=identity.actor)
    ed = service.working_edition(session, statement_id)
    if ed is None or ed.state not in EDITABLE:
        flash(request, not_editable(ed), "warning")
        return redirect(request, f"/office/statements/{statement_id}")
    return _form_page(request, session, _form_of(session, st, ed), statement=st, edition=ed)


@router.post("/office/statements/{statement_id:int}/edit")
async def edit_submit(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    st = service.get(session, statement_id, actor=identity.actor)
    ed = service.working_edition(session, statement_id)
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    form = _form_posted(data)
    if data.get("intent") == "refresh":
        return _form_page(request, session, form, statement=st, edition=ed, block="spokesperson")
    uploads = _uploads(data)
    try:
        service.save_with_files(
            session,
            actor=identity.actor,
            statement_id=statement_id,
            data=_input(form),
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
            expected_revision=parse_int(form["revision"]),
        )
    except ValidationFailed as exc:
        return _form_page(
            request, session, form, statement=st, edition=ed, errors=exc.errors, status_code=422
        )
    except (FileTooLarge, UnsupportedFile) as exc:
        errors = {"files": exc.detail or Msg(exc.title)}
        return _form_page(
            request, session, form, statement=st, edition=ed, errors=errors, status_code=exc.status
        )
    except Conflict as exc:
        # Someone saved meanwhile, or the edition moved on: the typed text comes back, unsaved.
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
    finally:
        for f in uploads:
            await f.close()
    flash(request, Msg("The edition has been saved. It is a draft until submitted for review."))
    return redirect(request, f"/office/statements/{statement_id}")
