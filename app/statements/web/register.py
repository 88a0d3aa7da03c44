"""The spokesperson register (Art. 3 of the decree of each entry's date) as the office keeps it:
who may speak for each organisation, from when to when, with the assignment decision or the
signed authorisation; entries posted late or without contact details flagged; filters by level
and body. Also the administrator's pages for who may approve statements and which languages they
are translated into. Every rule is in `service`."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.access import AdminOnly, OfficeOnly
from app.accounts import service as accounts
from app.accounts.models import ROLE_LABELS, Role, UserStatus
from app.db import SessionDep
from app.errors import Conflict, FileTooLarge, UnsupportedFile, ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_int
from app.i18n import Msg
from app.orgs import service as orgs
from app.statements import service
from app.statements.models import SPOKESPERSON_ROLE_LABELS, SpokespersonRole
from app.statements.service import register_view as listing
from app.statements.service.spokespersons import authorisers
from app.templating import redirect, render
from app.timeutil import local_today

router = APIRouter(include_in_schema=False)

PERSON_FIELDS = (
    "organisation_id",
    "role",
    "full_name",
    "title",
    "phone",
    "email",
    "matter",
    "valid_from",
    "valid_to",
    "user_id",
    "decision_number",
    "decision_date",
    "authorised_by_id",
)
DATE_FIELDS = ("valid_from", "valid_to", "decision_date")
ROLE_VALUES = frozenset(r.value for r in SpokespersonRole)
# Accounts a person in the register may be linked to (the one who signs in to approve, say).
LINKABLE_ROLES = (Role.SPOKESPERSON, Role.PRESS_OFFICE, Role.DEPARTMENT)
DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png"


# --- The register -------------------------------------------------------------------------------


def _register_page(
    request: Request,
    session: Session,
    *,
    failed: int | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    today = local_today()
    filters = listing.RegisterFilters.parse(
        request.query_params.get("level"), request.query_params.get("org")
    )
    view = listing.register_view(session, on=today, filters=filters)
    ctx = {
        "view": view,
        "filters": filters,
        "levels": listing.LEVEL_LABELS,
        "filter_orgs": listing.filter_organisations(session, today),
        "people": {e.person.id: e.person for g in view.groups for e in g.entries},
        "today": today,
        "role_labels": SPOKESPERSON_ROLE_LABELS,
        "failed": failed,
        "form": form or {},
        "errors": errors or {},
        "accept": DOCUMENT_ACCEPT,
    }
    return render(request, "statements/register_list.html", ctx, status_code=status_code)


@router.get("/office/spokespersons")
def register_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    return _register_page(request, session)


def _person_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    accounts_offered = [
        u
        for u in accounts.list_users(session, status=UserStatus.ACTIVE.value)
        if u.role in LINKABLE_ROLES
    ]
    # The bodies in force on the start date typed (today before one is typed).
    day = parse_date(form.get("valid_from")) or local_today()
    names = {o.id: o for o in orgs.list_organisations(session, include_retired=True)}
    signers: dict[int, list[Any]] = {}
    for person in authorisers(session):
        signers.setdefault(person.organisation_id, []).append(person)
    ctx = {
        "form": form,
        "errors": errors or {},
        "issuers": orgs.list_organisations(session, on=day, kinds=service.ISSUING_KINDS),
        "issuers_day": day,
        "roles": list(SpokespersonRole),
        "role_labels": SPOKESPERSON_ROLE_LABELS,
        "accounts": accounts_offered,
        "account_roles": ROLE_LABELS,
        "signers": sorted(
            signers.items(), key=lambda kv: names[kv[0]].name_vi if kv[0] in names else ""
        ),
        "names": names,
    }
    return render(request, "statements/register_form.html", ctx, status_code=status_code)


@router.get("/office/spokespersons/new")
def new_person_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    form: dict[str, Any] = dict.fromkeys(PERSON_FIELDS, "")
    form["valid_from"] = local_today().isoformat()
    return _person_page(request, session, form)


def _dates(form: dict[str, Any]) -> dict[str, date | None]:
    """The dates typed; a date that cannot be read is said beside its field."""
    errors: dict[str, Msg] = {}
    found: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        day = parse_date(form[name]) if form[name].strip() else None
        if form[name].strip() and day is None:
            errors[name] = Msg("Enter a date, for example 01/01/2026.")
        found[name] = day
    if errors:
        raise ValidationFailed(errors)
    return found


@router.post("/office/spokespersons/new")
async def new_person(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in PERSON_FIELDS}
    try:
        dates = _dates(form)
        person = service.add_spokesperson(
            session,
            actor=identity.actor,
            data=service.SpokespersonInput(
                organisation_id=parse_int(form["organisation_id"]),
                role=SpokespersonRole(form["role"]) if form["role"] in ROLE_VALUES else None,
                full_name=form["full_name"],
                title=form["title"],
                phone=form["phone"],
                email=form["email"],
                matter=form["matter"],
                valid_from=dates["valid_from"],
                valid_to=dates["valid_to"],
                user_id=parse_int(form["user_id"]),
                decision_number=form["decision_number"],
                decision_date=dates["decision_date"],
                authorised_by_id=parse_int(form["authorised_by_id"]),
            ),
        )
    except ValidationFailed as exc:
        return _person_page(request, session, form, errors=exc.errors, status_code=422)
    flash(
        request,
        Msg("%(name)s has been added to the register.", {"name": person.full_name}),
    )
    return redirect(request, f"/office/spokespersons#person-{person.id}")


@router.post("/office/spokespersons/{spokesperson_id:int}/end")
async def end_person(
    request: Request, spokesperson_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    data = await request.form()
    form = {"last_day": str(data.get("last_day", "")), "reason": str(data.get("reason", ""))}
    last_day = parse_date(form["last_day"])
    try:
        person = service.end_spokesperson(
            session,
            actor=identity.actor,
            spokesperson_id=spokesperson_id,
            last_day=last_day,
            reason=form["reason"],
        )
    except ValidationFailed as exc:
        return _register_page(
            request,
            session,
            failed=spokesperson_id,
            form=form,
            errors=exc.errors,
            status_code=422,
        )
    until = person.valid_to.strftime("%d/%m/%Y") if person.valid_to else ""
    flash(
        request,
        Msg("%(name)s may speak until %(date)s.", {"name": person.full_name, "date": until}),
    )
    return redirect(request, f"/office/spokespersons#person-{spokesperson_id}")


@router.post("/office/spokespersons/{spokesperson_id:int}/attachments")
async def upload_document(
    request: Request, spokesperson_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    settings = request.app.state.settings
    data = await request.form(max_files=2)
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile)]
    errors: dict[str, Msg] | None = None
    status = 303
    try:
        if len(uploads) > 1:
            raise ValidationFailed({"files": Msg("Send one file: the signed document.")})
        upload = uploads[0] if uploads else None
        service.attach_document(
            session,
            actor=identity.actor,
            spokesperson_id=spokesperson_id,
            file=(upload.filename or "", upload.file) if upload else ("", BytesIO()),
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
        )
    except ValidationFailed as exc:
        errors, status = exc.errors, 422
    except (FileTooLarge, UnsupportedFile) as exc:
        errors, status = {"files": exc.detail or Msg(exc.title)}, exc.status
    finally:
        for f in uploads:
            await f.close()
    if errors is not None:
        return _register_page(
            request, session, failed=spokesperson_id, errors=errors, status_code=status
        )
    flash(request, Msg("The signed document has been attached."))
    return redirect(request, f"/office/spokespersons#person-{spokesperson_id}")


@router.get("/office/spokespersons/{spokesperson_id:int}/document")
def document(
    request: Request, spokesperson_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    person = service.get_document(session, actor=identity.actor, spokesperson_id=spokesperson_id)
    return request.app.state.store.download(
        person.document_stored_name or "",
        filename=person.document_filename,
        content_type=person.document_content_type,
    )


# --- The administrator: approvers and languages ---------------------------------------------------


def _approvers_page(request: Request, session: Session) -> Response:
    ctx = {"rows": service.approver_candidates(session)}
    return render(request, "statements/admin_approvers.html", ctx)


@router.get("/admin/statement-approvers")
def approvers_page(request: Request, identity: AdminOnly, session: SessionDep) -> Response:
    return _approvers_page(request, session)


@router.post("/admin/statement-approvers/{user_id:int}")
async def approvers_set(
    request: Request, user_id: int, identity: AdminOnly, session: SessionDep
) -> Response:
    granted = (await request.form()).get("granted") == "1"
    service.grant_approval(session, actor=identity.actor, user_id=user_id, granted=granted)
    user = accounts.get_user(session, user_id)
    message = (
        Msg("%(name)s may now approve statements.", {"name": user.full_name})
        if granted
        else Msg("%(name)s may no longer approve statements.", {"name": user.full_name})
    )
    flash(request, message)
    return redirect(request, "/admin/statement-approvers")


def _languages_page(
    request: Request,
    session: Session,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = {
        "languages": service.languages(session, enabled_only=False),
        "source": service.SOURCE_LANGUAGE,
        "form": form or {"code": "", "name": "", "name_vi": ""},
        "errors": errors or {},
    }
    return render(request, "statements/admin_languages.html", ctx, status_code=status_code)


@router.get("/admin/languages")
def languages_page(request: Request, identity: AdminOnly, session: SessionDep) -> Response:
    return _languages_page(request, session)


@router.post("/admin/languages")
async def languages_change(request: Request, identity: AdminOnly, session: SessionDep) -> Response:
    """Add a language (intent "add"), or enable or disable one (intent "enable"/"disable")."""
    data = await request.form()
    intent = str(data.get("intent", ""))
    form = {name: str(data.get(name, "")) for name in ("code", "name", "name_vi")}
    try:
        if intent == "add":
            lang = service.add_language(session, actor=identity.actor, **form)
            done = Msg("%(name)s has been added and enabled.", {"name": lang.name_vi})
        else:
            lang = service.set_language_enabled(
                session, actor=identity.actor, code=form["code"], enabled=intent == "enable"
            )
            done = (
                Msg("%(name)s is enabled.", {"name": lang.name_vi})
                if lang.enabled
                else Msg("%(name)s is disabled.", {"name": lang.name_vi})
            )
    except ValidationFailed as exc:
        return _languages_page(request, session, form=form, errors=exc.errors, status_code=422)
    except Conflict as exc:
        errors = {"form": exc.detail or Msg(exc.title)}
        return _languages_page(request, session, errors=errors, status_code=409)
    flash(request, done)
    return redirect(request, "/admin/languages")
