"""Pages, downloads and JSON of the yearly report to the Ministry (Decree 244/2026 Art. 10).

`/reports/annual/{year}`: a year whose report follows the Decree 244 form; an earlier year goes to
the calendar-year report of Decree 09/2017 (`/reports/annual?from=…&to=…`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from app.access import OfficeOnly, ProvinceReportReaders
from app.annual import service
from app.annual.docx import write_docx
from app.annual.figures import Figure
from app.annual.service import Heading, Shown
from app.db import SessionDep
from app.error_pages import api_locale
from app.errors import NotFound, ValidationFailed
from app.flash import flash
from app.forms import FIRST_DAY, LAST_DAY, parse_date
from app.i18n import Msg
from app.law.rulesets import NoRuleSet, report_ruleset
from app.reports import exports
from app.reports.tables import Table
from app.storage import download_headers
from app.templating import redirect, render, request_locale
from app.timeutil import format_date, format_datetime, utcnow

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["reports"])
Text = Annotated[str, Form()]


def _calendar_year(year: int) -> str | None:
    """The old report's address when `year` is reported under Decree 09/2017's calendar year."""
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        return None  # no report: the page is not found
    try:
        ruleset = report_ruleset(year)
    except NoRuleSet:
        return None
    if ruleset.report.period != "calendar_year":
        return None
    first, last = ruleset.report.period_of(year)
    return f"/reports/annual?from={first.isoformat()}&to={last.isoformat()}"


def _page(
    request: Request,
    shown: Shown,
    *,
    heading: Heading,
    errors: dict[str, Msg] | None = None,
    reason: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "annual/report.html",
        {
            "shown": shown,
            "heading": heading,
            "errors": errors or {},
            "reason": reason,
            "editable": not shown.frozen,
            "sent_at": format_datetime(shown.report.sent_at)
            if shown.frozen and shown.report
            else "",
            "due": format_date(shown.ruleset.report.due(shown.year)),
        },
        status_code=status_code,
    )


def _shown(session: SessionDep, year: int, version: int | None = None) -> Shown:
    try:
        return service.show(session, year, version=version)
    except ValidationFailed as exc:
        raise NotFound() from exc


def _province(request: Request) -> str:
    return str(request.app.state.settings.province_name)


@router.get("/reports/annual/{year:int}")
def report_page(
    request: Request,
    year: int,
    identity: ProvinceReportReaders,
    session: SessionDep,
    version: int | None = None,
) -> Response:
    old = _calendar_year(year)
    if old is not None:
        return redirect(request, old)
    shown = _shown(session, year, version)
    return _page(request, shown, heading=service.heading_of(shown.report, _province(request)))


def _heading_form(
    agency: str,
    number: str,
    place: str,
    report_date: str,
    signer_name: str,
    signer_title: str,
    difficulties: str,
) -> tuple[Heading, dict[str, Msg]]:
    day = parse_date(report_date)
    errors: dict[str, Msg] = {}
    if report_date.strip() and day is None:
        errors["report_date"] = Msg("Enter a date as DD/MM/YYYY.")
    heading = Heading(agency, number, place, day, signer_name, signer_title, difficulties)
    return heading, errors


@router.post("/reports/annual/{year:int}")
def save_report(
    request: Request,
    year: int,
    identity: OfficeOnly,
    session: SessionDep,
    agency: Text = "",
    number: Text = "",
    place: Text = "",
    report_date: Text = "",
    signer_name: Text = "",
    signer_title: Text = "",
    difficulties: Text = "",
    revision: Text = "",
) -> Response:
    heading, errors = _heading_form(
        agency, number, place, report_date, signer_name, signer_title, difficulties
    )
    try:
        if errors:
            raise ValidationFailed(errors)
        service.save(
            session,
            actor=identity.actor,
            year=year,
            data=heading,
            expected_revision=int(revision) if revision.isdigit() else None,
        )
    except ValidationFailed as exc:
        shown = _shown(session, year)
        typed = Heading(
            agency, number, place, heading.report_date, signer_name, signer_title, difficulties
        )
        return _page(request, shown, heading=typed, errors=exc.errors, status_code=422)
    flash(request, Msg("The report has been saved."))
    return redirect(request, f"/reports/annual/{year}")


@router.post("/reports/annual/{year:int}/send")
def send_report(
    request: Request,
    year: int,
    identity: OfficeOnly,
    session: SessionDep,
    confirm: Text = "",
) -> Response:
    shown = _shown(session, year)
    heading = service.heading_of(shown.report, _province(request))
    if confirm != "yes":
        errors = {"confirm": Msg("Tick the box to confirm that the report was sent.")}
        return _page(request, shown, heading=heading, errors=errors, status_code=422)
    try:
        service.mark_sent(session, actor=identity.actor, year=year)
    except ValidationFailed as exc:
        return _page(
            request, _shown(session, year), heading=heading, errors=exc.errors, status_code=422
        )
    flash(request, Msg("The report is marked sent. Its figures are kept as they are today."))
    return redirect(request, f"/reports/annual/{year}")


@router.post("/reports/annual/{year:int}/versions")
def new_version(
    request: Request,
    year: int,
    identity: OfficeOnly,
    session: SessionDep,
    reason: Text = "",
) -> Response:
    try:
        service.new_version(session, actor=identity.actor, year=year, reason=reason)
    except ValidationFailed as exc:
        shown = _shown(session, year)
        heading = service.heading_of(shown.report, _province(request))
        return _page(
            request, shown, heading=heading, errors=exc.errors, reason=reason, status_code=422
        )
    flash(request, Msg("A new version has been made: correct it, then mark it sent."))
    return redirect(request, f"/reports/annual/{year}")


@router.get("/reports/annual/{year:int}/figures/{number:int}")
def figure_list(
    request: Request,
    year: int,
    number: int,
    identity: ProvinceReportReaders,
    session: SessionDep,
    version: int | None = None,
) -> Response:
    shown = _shown(session, year, version)
    figure = next((f for f in shown.figures if f.spec.number == number), None)
    if figure is None:
        raise NotFound()
    return render(request, "annual/figure.html", {"shown": shown, "figure": figure})


def _file_stem(shown: Shown) -> str:
    version = shown.report.version if shown.report else 1
    return f"bao-cao-phat-ngon_{shown.year}_v{version}"


@router.get("/reports/annual/{year:int}.docx")
def report_docx(
    request: Request,
    year: int,
    identity: ProvinceReportReaders,
    session: SessionDep,
    version: int | None = None,
) -> Response:
    shown = _shown(session, year, version)
    data = write_docx(
        shown.year,
        shown.ruleset,
        service.heading_of(shown.report, _province(request)),
        shown.figures,
    )
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers=download_headers(f"{_file_stem(shown)}.docx"),
    )


def _table(shown: Shown, locale: str) -> Table:
    return Table(
        key="decree244",
        title=f"{shown.year}",
        columns=["#", "", "", ""],
        rows=[
            [
                f.spec.number,
                f.spec.wording(locale),
                len(f.done),
                None if f.total is None else len(f.total),
            ]
            for f in shown.figures
        ],
    )


@router.get("/reports/annual/{year:int}.xlsx")
def report_xlsx(
    request: Request,
    year: int,
    identity: ProvinceReportReaders,
    session: SessionDep,
    version: int | None = None,
) -> Response:
    shown = _shown(session, year, version)
    locale = request_locale(request)
    heading = service.heading_of(shown.report, _province(request))
    data = exports.to_xlsx(
        [_table(shown, locale)],
        title=heading.agency,
        subtitle=f"{format_date(shown.first)} – {format_date(shown.last)}",
    )
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=download_headers(f"{_file_stem(shown)}.xlsx"),
    )


@router.get("/reports/annual/{year:int}.pdf")
async def report_pdf(
    request: Request,
    year: int,
    identity: ProvinceReportReaders,
    session: SessionDep,
    version: int | None = None,
) -> Response:
    shown = await run_in_threadpool(_shown, session, year, version)
    heading = service.heading_of(shown.report, _province(request))
    html = request.app.state.templates.get_template("annual/print.html").render(
        {
            "shown": shown,
            "heading": heading,
            "locale": "vi",
            "generated_at": format_datetime(utcnow()),
        }
    )
    pdf = await run_in_threadpool(exports.to_pdf, html)
    return Response(
        pdf, media_type="application/pdf", headers=download_headers(f"{_file_stem(shown)}.pdf")
    )


def _figure_json(figure: Figure, locale: str) -> dict[str, Any]:
    return {
        "number": figure.spec.number,
        "wording": figure.spec.wording(locale),
        "value": figure.value,
        "done": len(figure.done),
        "total": None if figure.total is None else len(figure.total),
        "done_items": [
            {"area": i.area, "id": i.id, "day": i.day.isoformat(), "title": i.title}
            for i in figure.done
        ],
        "total_items": None
        if figure.total is None
        else [
            {"area": i.area, "id": i.id, "day": i.day.isoformat(), "title": i.title}
            for i in figure.total
        ],
    }


@api.get("/reports/decree244")
def report_json(
    request: Request,
    identity: ProvinceReportReaders,
    session: SessionDep,
    year: int | None = None,
    version: int | None = None,
) -> JSONResponse:
    """The yearly report of Decree 244/2026 for `year`: period, law of each part, the six figures
    with the records behind each, the heading, and whether it was sent (then frozen)."""
    shown = service.show(session, year, version=version)
    locale = api_locale(request)
    report = shown.report
    return JSONResponse(
        {
            "year": shown.year,
            "ruleset": shown.ruleset.code,
            "period": {"first": shown.first.isoformat(), "last": shown.last.isoformat()},
            "parts": [
                {
                    "ruleset": p.ruleset.code,
                    "first": p.first.isoformat(),
                    "last": p.last.isoformat(),
                }
                for p in shown.parts
            ],
            "version": report.version if report else None,
            "sent_at": report.sent_at.isoformat() if report and report.sent_at else None,
            "heading": {
                "agency": report.agency if report else "",
                "number": report.number if report else "",
                "place": report.place if report else "",
                "date": report.report_date.isoformat() if report and report.report_date else None,
                "signer_name": report.signer_name if report else "",
                "signer_title": report.signer_title if report else "",
            },
            "difficulties": report.difficulties if report else "",
            "figures": [_figure_json(f, locale) for f in shown.figures],
        }
    )
