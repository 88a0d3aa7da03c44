"""Admin page for the holiday calendar: Vietnam's public holidays plus days added or worked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import AdminOnly
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_date
from app.holidays import service
from app.i18n import Msg
from app.templating import redirect, render, request_locale
from app.timeutil import local_today

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _page(
    request: Request,
    session: SessionDep,
    year: int,
    form: dict[str, str],
    errors: dict | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "holidays/list.html",
        {
            "year": year,
            "days": service.holidays_in(session, year, request_locale(request)),
            "overrides": service.list_overrides(session),
            "form": form,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/admin/holidays")
def holidays_page(
    request: Request, identity: AdminOnly, session: SessionDep, year: int = 0
) -> Response:
    year = year if 2000 <= year <= 2100 else local_today().year
    return _page(request, session, year, {"kind": "off"})


@router.post("/admin/holidays")
def add_holiday(
    request: Request,
    identity: AdminOnly,
    session: SessionDep,
    day: Text = "",
    name_vi: Text = "",
    name_en: Text = "",
    kind: Text = "off",
) -> Response:
    try:
        row = service.add_day(
            session,
            actor=identity.actor,
            day=parse_date(day),
            name_vi=name_vi,
            name_en=name_en,
            is_day_off=kind != "worked",
        )
    except ValidationFailed as exc:
        form = {"day": day, "name_vi": name_vi, "name_en": name_en, "kind": kind}
        year = (parse_date(day) or local_today()).year
        return _page(request, session, year, form, exc.errors, status_code=422)
    flash(
        request,
        Msg(
            "%(date)s has been added to the calendar. Series are not moved until they are regenerated.",
            {"date": row.day.strftime("%d/%m/%Y")},
        ),
    )
    return redirect(request, f"/admin/holidays?year={row.day.year}")


@router.post("/admin/holidays/{day_id:int}/delete")
def remove_holiday(
    request: Request, day_id: int, identity: AdminOnly, session: SessionDep
) -> Response:
    day = service.remove_day(session, actor=identity.actor, day_id=day_id)
    flash(request, Msg("The day has been removed from the calendar."))
    return redirect(request, f"/admin/holidays?year={day.year}")
