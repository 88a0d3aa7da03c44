"""The work on a press item: the office's assessment, its request to departments, its escalation
to a sudden matter (on the item's page); the departments' list of items to verify and their
answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.access import DepartmentOnly, OfficeOnly
from app.db import SessionDep
from app.errors import FileTooLarge, NotFound, UnsupportedFile, ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_int
from app.i18n import Msg
from app.incidents import queries as matters
from app.incidents.forms import moment_value, parse_moment
from app.monitoring import assessment, digest, service
from app.monitoring.models import IMPORTANCE_LABELS, MEDIUM_LABELS, TONE_LABELS, Importance, Tone
from app.orgs import service as orgs
from app.pdf import write_pdf
from app.storage import ACCEPT_ATTR, download_headers
from app.templating import redirect, render, request_locale
from app.timeutil import utcnow

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
Many = Annotated[list[str], Form()]


def _ids(values: list[str]) -> list[int]:
    return [i for i in (parse_int(v) for v in values[:200]) if i is not None]


def item_page(
    request: Request,
    session: Session,
    item_id: int,
    *,
    errors: dict[str, Any] | None = None,
    forms: dict[str, dict[str, Any]] | None = None,
    failed: str = "",
    status_code: int = 200,
) -> Response:
    """The item with its three forms; `failed` names the form whose `errors` these are."""
    row = service.item_detail(session, item_id)
    item = row.item
    suggested = assessment.suggested_organisations(session, item_id)
    assignments = assessment.assignments(session, item_id)
    defaults: dict[str, dict[str, Any]] = {
        "assess": {"tone": item.tone.value, "importance": item.importance.value, "note": item.note},
        "assign": {"organisation_ids": [str(i) for i in suggested], "due_at": ""},
        "escalate": {
            "kind": "art7_6" if item.tone == Tone.FALSE else "",
            "clock_started_at": moment_value(utcnow()),
            "agency_id": str(item.organisation_id or ""),
            "organisation_ids": [str(i) for i in suggested],
        },
    }
    defaults.update(forms or {})
    context = {
        "row": row,
        "tone_labels": TONE_LABELS,
        "medium_labels": MEDIUM_LABELS,
        "importance_labels": IMPORTANCE_LABELS,
        "tones": [t for t in Tone if t != Tone.UNASSESSED],
        "importances": list(Importance),
        "assignments": assignments,
        "answer_files": assessment.answer_files(session, [a.id or 0 for a in assignments]),
        "org_names": {o.id: o for o in orgs.list_organisations(session, include_retired=True)},
        "bodies": matters.state_bodies(session),
        "agencies": matters.press_agencies(session),
        "kinds": matters.kind_choices(request_locale(request)),
        "forms": defaults,
        "failed": failed,
        "errors": errors or {},
    }
    return render(request, "monitoring/item.html", context, status_code=status_code)


@router.post("/office/monitoring/items/{item_id:int}/assess")
def assess(
    request: Request,
    item_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    tone: Text = "",
    importance: Text = "",
    note: Text = "",
) -> Response:
    try:
        assessment.assess(
            session,
            actor=identity.actor,
            item_id=item_id,
            tone=tone,
            importance=importance,
            note=note,
        )
    except ValidationFailed as exc:
        form = {"tone": tone, "importance": importance, "note": note}
        return item_page(
            request,
            session,
            item_id,
            errors=dict(exc.errors),
            forms={"assess": form},
            failed="assess",
            status_code=422,
        )
    flash(request, Msg("The assessment has been saved."))
    return redirect(request, f"/office/monitoring/items/{item_id}")


@router.post("/office/monitoring/items/{item_id:int}/assign")
def assign(
    request: Request,
    item_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    organisation_ids: Many = [],  # noqa: B006 - FastAPI copies form defaults
    due_at: Text = "",
) -> Response:
    try:
        assessment.assign(
            session,
            actor=identity.actor,
            item_id=item_id,
            organisation_ids=_ids(organisation_ids),
            due_at=parse_moment(due_at),
        )
    except ValidationFailed as exc:
        form = {"organisation_ids": organisation_ids, "due_at": due_at}
        return item_page(
            request,
            session,
            item_id,
            errors=dict(exc.errors),
            forms={"assign": form},
            failed="assign",
            status_code=422,
        )
    flash(request, Msg("The organisations have been asked to verify the report."))
    return redirect(request, f"/office/monitoring/items/{item_id}")


@router.post("/office/monitoring/items/{item_id:int}/escalate")
def escalate(
    request: Request,
    item_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    kind: Text = "",
    clock_started_at: Text = "",
    agency_id: Text = "",
    organisation_ids: Many = [],  # noqa: B006 - FastAPI copies form defaults
) -> Response:
    try:
        matter = assessment.escalate(
            session,
            actor=identity.actor,
            item_id=item_id,
            kind=kind,
            clock_started_at=parse_moment(clock_started_at),
            agency_id=parse_int(agency_id),
            organisation_ids=_ids(organisation_ids),
        )
    except ValidationFailed as exc:
        form = {
            "kind": kind,
            "clock_started_at": clock_started_at,
            "agency_id": agency_id,
            "organisation_ids": organisation_ids,
        }
        return item_page(
            request,
            session,
            item_id,
            errors=dict(exc.errors),
            forms={"escalate": form},
            failed="escalate",
            status_code=422,
        )
    flash(request, Msg("A sudden matter has been opened from the press item."))
    return redirect(request, f"/office/incidents/{matter.id}")


# --- Departments -------------------------------------------------------------------------------


@router.get("/dept/monitoring")
def dept_list(request: Request, identity: DepartmentOnly, session: SessionDep) -> Response:
    rows = assessment.for_department(session, identity.actor.organisation_id)
    context = {"rows": rows, "medium_labels": MEDIUM_LABELS, "now": utcnow()}
    return render(request, "monitoring/dept_list.html", context)


def _dept_item(
    request: Request,
    session: Session,
    identity: Any,
    item_id: int,
    form: dict[str, str] | None = None,
    errors: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    mine = assessment.assignment_of(session, item_id, identity.actor.organisation_id)
    item = assessment.get_item(session, item_id)
    context = {
        "item": item,
        "mine": mine,
        "medium_labels": MEDIUM_LABELS,
        "form": form or {"answer": mine.answer},
        "files": assessment.answer_files(session, [mine.id or 0]).get(mine.id or 0, []),
        "accept_files": ACCEPT_ATTR,
        "errors": errors or {},
    }
    return render(request, "monitoring/dept_item.html", context, status_code=status_code)


@router.get("/dept/monitoring/{item_id:int}")
def dept_item(
    request: Request, item_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    return _dept_item(request, session, identity, item_id)


@router.post("/dept/monitoring/{item_id:int}")
async def dept_answer(
    request: Request, item_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    """The answer and the documents chosen with it, saved together."""
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    text = str(data.get("answer", ""))
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]
    try:
        assessment.answer_with_files(
            session,
            actor=identity.actor,
            item_id=item_id,
            text=text,
            files=[(f.filename or "", f.file) for f in uploads],
            store=request.app.state.store,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    except ValidationFailed as exc:
        return _dept_item(
            request, session, identity, item_id, {"answer": text}, dict(exc.errors), 422
        )
    except (FileTooLarge, UnsupportedFile) as exc:
        errors = {"files": exc.detail or Msg(exc.title)}
        return _dept_item(request, session, identity, item_id, {"answer": text}, errors, exc.status)
    finally:
        for f in uploads:
            await f.close()
    flash(request, Msg("Your answer has been sent to the spokesperson's office."))
    return redirect(request, "/dept/monitoring")


def _answer_file(
    request: Request, session: Session, item_id: int, file_id: int, identity: Any
) -> Response:
    f = assessment.answer_file(
        session,
        item_id,
        file_id,
        organisation_id=identity.actor.organisation_id,
        office=identity.actor.is_office,
    )
    return request.app.state.store.download(
        f.stored_name, filename=f.filename, content_type=f.content_type
    )


@router.get("/dept/monitoring/{item_id:int}/file")
def dept_item_file(
    request: Request, item_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    """The file entered with the item (a scan, a recording's still), for a department asked to
    verify it; 404 for any other."""
    assessment.assignment_of(session, item_id, identity.actor.organisation_id)
    return item_file_response(request, assessment.get_item(session, item_id))


def item_file_response(request: Request, item: Any) -> Response:
    """The file entered with an item, always as a download; 404 when it has none."""
    if not item.stored_name:
        raise NotFound()
    return request.app.state.store.download(
        item.stored_name, filename=item.filename, content_type=item.content_type
    )


@router.get("/office/monitoring/items/{item_id:int}/answers/{file_id:int}")
def office_answer_file(
    request: Request, item_id: int, file_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return _answer_file(request, session, item_id, file_id, identity)


@router.get("/dept/monitoring/{item_id:int}/files/{file_id:int}")
def dept_answer_file(
    request: Request, item_id: int, file_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    return _answer_file(request, session, item_id, file_id, identity)


# --- The digest --------------------------------------------------------------------------------


def _digest_context(request: Request, session: Session, period: str, on: str) -> dict[str, Any]:
    chosen = digest.WEEK if period == digest.WEEK else digest.DAY
    result = digest.build(session, chosen, parse_date(on), request_locale(request))
    return {
        "digest": result,
        "tone_labels": TONE_LABELS,
        "false_tone": Tone.FALSE,
        "negative_tone": Tone.NEGATIVE,
    }


@router.get("/office/monitoring/digest")
def digest_page(
    request: Request, identity: OfficeOnly, session: SessionDep, period: str = "", on: str = ""
) -> Response:
    return render(request, "monitoring/digest.html", _digest_context(request, session, period, on))


@router.get("/office/monitoring/digest.pdf")
def digest_pdf(
    request: Request, identity: OfficeOnly, session: SessionDep, period: str = "", on: str = ""
) -> Response:
    context = _digest_context(request, session, period, on)
    html = bytes(render(request, "monitoring/digest_pdf.html", context).body).decode()
    found = context["digest"]
    name = f"theo-doi-bao-chi-{found.period}-{found.first.isoformat()}.pdf"
    return Response(
        write_pdf(html),
        media_type="application/pdf",
        headers=download_headers(name),
    )
