"""The office's pages for those registered to attend a briefing: the list, the seats and the
closing time, refusing a registration with its reason, the XLSX export and the sign-in sheet."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import OfficeOnly
from app.attendance import service
from app.attendance.models import MODE_LABELS, STATUS_LABELS, RegistrationStatus
from app.briefings import service as briefings
from app.briefings.models import STATUS_LABELS as BRIEFING_LABELS
from app.briefings.models import Briefing
from app.db import SessionDep
from app.errors import ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_time
from app.i18n import N_, Msg, gettext
from app.reports.exports import to_xlsx
from app.reports.tables import Table
from app.storage import download_headers
from app.templating import redirect, render, request_locale
from app.timeutil import format_datetime, to_local

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    N_("No."),
    N_("Name"),
    N_("Press agency"),
    N_("Press card"),
    N_("Attends"),
    N_("Crew members"),
    N_("Registered at"),
    N_("Status"),
    N_("Reason for refusal"),
)


def _settings_form(briefing: Briefing, session: Session) -> dict[str, str]:
    assert briefing.id is not None
    saved = service.settings_of(session, briefing.id)
    closes = saved.closes_at if saved else None
    return {
        "capacity": str(saved.capacity) if saved and saved.capacity is not None else "",
        "closes_day": to_local(closes).date().isoformat() if closes else "",
        "closes_time": to_local(closes).strftime("%H:%M") if closes else "",
    }


def _page(
    request: Request,
    session: Session,
    briefing: Briefing,
    *,
    settings_form: dict[str, str] | None = None,
    errors: dict[str, Msg] | None = None,
    refuse_errors: dict[str, Msg] | None = None,
    refuse_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    assert briefing.id is not None
    ctx: dict[str, Any] = {
        "briefing": briefing,
        "summary": service.summary(session, briefing),
        "attendees": service.attendees(session, briefing.id),
        "settings_form": settings_form or _settings_form(briefing, session),
        "errors": errors or {},
        "refuse_errors": refuse_errors or {},
        "refuse_form": refuse_form or {},
        "mode_labels": MODE_LABELS,
        "status_labels": STATUS_LABELS,
        "briefing_labels": BRIEFING_LABELS,
    }
    return render(
        request, "attendance/office.html", ctx, block="attendance", status_code=status_code
    )


@router.get("/office/briefings/{briefing_id:int}/attendance")
def attendance_page(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return _page(request, session, briefings.get(session, briefing_id))


@router.post("/office/briefings/{briefing_id:int}/attendance/settings")
def save_settings(
    request: Request,
    briefing_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    capacity: Text = "",
    closes_day: Text = "",
    closes_time: Text = "",
) -> Response:
    briefing = briefings.get(session, briefing_id)
    data = service.SettingsInput(
        capacity=capacity, closes_day=parse_date(closes_day), closes_time=parse_time(closes_time)
    )
    form = {"capacity": capacity, "closes_day": closes_day, "closes_time": closes_time}
    unreadable: dict[str, Msg] = {}
    if closes_day.strip() and data.closes_day is None:
        unreadable["closes_day"] = Msg("Enter the date as dd/mm/yyyy.")
    if closes_time.strip() and data.closes_time is None:
        unreadable["closes_time"] = Msg("Enter the time, e.g. 13:00.")
    if unreadable:
        return _page(
            request, session, briefing, settings_form=form, errors=unreadable, status_code=422
        )
    try:
        service.save_settings(session, actor=identity.actor, briefing_id=briefing_id, data=data)
    except ValidationFailed as exc:
        return _page(
            request, session, briefing, settings_form=form, errors=exc.errors, status_code=422
        )
    flash(request, Msg("The seats and the closing time have been saved."))
    return redirect(request, f"/office/briefings/{briefing_id}/attendance")


@router.post("/office/briefings/{briefing_id:int}/attendance/{registration_id:int}/refuse")
def refuse(
    request: Request,
    briefing_id: int,
    registration_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    reason: Text = "",
) -> Response:
    briefing = briefings.get(session, briefing_id)
    try:
        service.refuse(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            registration_id=registration_id,
            reason=reason,
        )
    except ValidationFailed as exc:
        errors = {f"reason-{registration_id}": m for m in exc.errors.values()}
        return _page(
            request,
            session,
            briefing,
            refuse_errors=errors,
            refuse_form={"id": str(registration_id), "reason": reason},
            status_code=422,
        )
    flash(request, Msg("The registration has been refused and the journalist told why."))
    return redirect(request, f"/office/briefings/{briefing_id}/attendance")


def _rows(session: Session, briefing_id: int, locale: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for n, a in enumerate(service.attendees(session, briefing_id), start=1):
        reg = a.registration
        rows.append(
            [
                n,
                a.user.full_name,
                a.agency.name(locale) if a.agency else "",
                a.user.press_card_number or "",
                gettext(locale, MODE_LABELS[reg.mode]),
                "\n".join(reg.crew),
                format_datetime(reg.registered_at),
                gettext(locale, STATUS_LABELS[reg.status]),
                reg.refusal_reason,
            ]
        )
    return rows


@router.get("/office/briefings/{briefing_id:int}/attendance.xlsx")
def attendance_xlsx(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    """The list as a spreadsheet (an attachment, never shown in the browser)."""
    briefing = briefings.get(session, briefing_id)
    locale = request_locale(request)
    title = briefing.title(locale)
    table = Table(
        key="attendance",
        title=gettext(locale, N_("Registered to attend")),
        columns=[gettext(locale, c) for c in COLUMNS],
        rows=_rows(session, briefing_id, locale),
    )
    data = to_xlsx([table], title=title, subtitle=format_datetime(briefing.starts_at))
    return Response(
        data, media_type=XLSX, headers=download_headers(f"dang-ky-du-{briefing_id}.xlsx")
    )


@router.get("/office/briefings/{briefing_id:int}/attendance/sign-in")
def sign_in_sheet(
    request: Request, briefing_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    """A page to print: those registered (not cancelled or refused) with a column to sign, the
    crew members on their own lines."""
    briefing = briefings.get(session, briefing_id)
    present = [
        a
        for a in service.attendees(session, briefing_id)
        if a.registration.status == RegistrationStatus.REGISTERED
    ]
    return render(
        request,
        "attendance/sign_in.html",
        {"briefing": briefing, "attendees": present, "mode_labels": MODE_LABELS},
    )
