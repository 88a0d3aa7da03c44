"""The office's pages for giao ban participations: the year's list with its count, the form
(new and edit), delete. Office and spokesperson only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import OfficeOnly
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_int
from app.giaoban import service
from app.giaoban.models import ORGANISER_LABELS, GiaoBan, Organiser
from app.i18n import Msg
from app.orgs import service as orgs
from app.templating import redirect, render
from app.timeutil import local_today

router = APIRouter(include_in_schema=False)
FIELDS = (
    "day",
    "organiser",
    "organiser_other",
    "organisation_id",
    "speaker_name",
    "speaker_title",
    "topics",
    "statements",
    "revision",
)


@router.get("/office/giao-ban")
def giao_ban_list(
    request: Request, identity: OfficeOnly, session: SessionDep, year: int = 0
) -> Response:
    year = year if 2017 <= year <= 2100 else local_today().year
    rows = service.in_year(session, year)
    return render(
        request,
        "giaoban/list.html",
        {
            "year": year,
            "rows": rows,
            "counts": service.statement_counts(session, [r.id for r in rows if r.id]),
            "names": {o.id: o for o in orgs.list_organisations(session, include_retired=True)},
            "organiser_labels": ORGANISER_LABELS,
            "this_year": local_today().year,
        },
    )


def _form_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    row: GiaoBan | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    day = parse_date(form.get("day"))
    on = day if day is not None and day <= local_today() else local_today()
    return render(
        request,
        "giaoban/form.html",
        {
            "form": form,
            "row": row,
            "errors": errors or {},
            "bodies": service.informing_bodies(session, on),
            "organisers": [o.value for o in Organiser],
            "organiser_labels": ORGANISER_LABELS,
        },
        status_code=status_code,
    )


def _input(form: dict[str, str]) -> service.GiaoBanInput:
    return service.GiaoBanInput(
        day=parse_date(form["day"]),
        organiser=form["organiser"],
        organiser_other=form["organiser_other"],
        organisation_id=parse_int(form["organisation_id"]),
        speaker_name=form["speaker_name"],
        speaker_title=form["speaker_title"],
        topics=form["topics"],
        statements=form["statements"],
    )


async def _form_data(request: Request) -> dict[str, str]:
    data = await request.form()
    return {name: str(data.get(name, "")) for name in FIELDS}


@router.get("/office/giao-ban/new")
def new_page(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    form = {"day": local_today().isoformat(), "organiser": Organiser.PARTY_BOARD.value}
    return _form_page(request, session, form)


@router.post("/office/giao-ban/new")
async def new_submit(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    form = await _form_data(request)
    try:
        row = service.create(session, actor=identity.actor, data=_input(form))
    except ValidationFailed as exc:
        return _form_page(request, session, form, errors=exc.errors, status_code=422)
    flash(request, Msg("The giao ban has been recorded."))
    return redirect(request, f"/office/giao-ban?year={row.day.year}")


@router.get("/office/giao-ban/{item_id:int}")
def edit_page(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    row = service.get(session, item_id)
    form = {
        "day": row.day.isoformat(),
        "organiser": row.organiser.value,
        "organiser_other": row.organiser_other,
        "organisation_id": str(row.organisation_id),
        "speaker_name": row.speaker_name,
        "speaker_title": row.speaker_title,
        "topics": row.topics,
        "statements": ", ".join(map(str, service.statement_ids(session, item_id))),
        "revision": str(row.revision),
    }
    return _form_page(request, session, form, row=row)


@router.post("/office/giao-ban/{item_id:int}")
async def edit_submit(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    row = service.get(session, item_id)
    form = await _form_data(request)
    try:
        service.update(
            session,
            actor=identity.actor,
            giao_ban_id=item_id,
            data=_input(form),
            expected_revision=parse_int(form["revision"]),
        )
    except ValidationFailed as exc:
        return _form_page(request, session, form, row=row, errors=exc.errors, status_code=422)
    flash(request, Msg("The giao ban has been saved."))
    return redirect(request, f"/office/giao-ban?year={row.day.year}")


@router.post("/office/giao-ban/{item_id:int}/delete")
def delete_submit(
    request: Request, item_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    day = service.delete(session, actor=identity.actor, giao_ban_id=item_id)
    flash(request, Msg("The giao ban record has been deleted."))
    return redirect(request, f"/office/giao-ban?year={day.year}")
