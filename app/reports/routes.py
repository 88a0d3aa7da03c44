"""Reports: the compliance dashboard, the list behind each figure, and the yearly report as a page,
XLSX, CSV and PDF. Who sees whose figures is decided in `service.scope_for`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from markupsafe import Markup
from sqlmodel import Session, col, select

from app.access import OFFICE, Identity, ReportReaders
from app.accounts.models import OFFICE_ROLES, Role
from app.briefings.compliance import STATE_LABELS
from app.briefings.models import Briefing
from app.db import SessionDep
from app.errors import NotFound, ValidationFailed
from app.forms import parse_int
from app.i18n import N_, Msg, gettext
from app.monitoring import digest as monitoring_digest
from app.questions.models import Question
from app.reports import charts, exports, service
from app.reports.figures import NO_ORG, Item, Period, RuleResult, Scope, Summary
from app.reports.figures import items as items_behind
from app.reports.tables import METRICS, Names, Table, build, metric_label
from app.staffcache.cache import kept
from app.statements.models import ISSUED, Edition, Statement
from app.storage import download_headers
from app.templating import render, request_locale
from app.timeutil import format_date, format_datetime, local_today, utcnow

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 200
BRIEFING_STATES = {  # what a briefing in a list is, from its metric keys
    "briefings.held": N_("Held"),
    "briefings.planned": N_("Planned"),
    "briefings.postponed": N_("Postponed"),
    "briefings.cancelled": N_("Cancelled"),
}
VARIABLE_METRIC = re.compile(
    r"^(statements\.kind|statements\.lang|questions\.refused|briefings\.kind|briefings\.rule)"
    r"\.[a-z0-9_-]{1,60}$"
)


@dataclass
class Asked:
    """What the visitor asked for: the period, the organisation, and what went wrong."""

    period: Period
    errors: dict[str, Msg]
    org: int | None
    date_from: str
    date_to: str

    def query(self, **more: Any) -> str:
        params = {"from": self.period.first.isoformat(), "to": self.period.last.isoformat()}
        if self.org is not None:
            params["org"] = str(self.org)
        params.update({k: str(v) for k, v in more.items() if v not in (None, "")})
        return urlencode(params)


def _asked(session: Session, identity: Identity, date_from: str, date_to: str, org: str) -> Asked:
    scope, period, errors = service.asked(session, identity.actor, date_from, date_to, org)
    return Asked(period, errors, scope.organisation_id, date_from, date_to)


def _summary(request: Request, session: Session, asked: Asked) -> Summary:
    ruleset = request.app.state.settings.compliance_ruleset
    return service.summary(session, asked.period, Scope(asked.org), ruleset)


def _names(request: Request, session: Session) -> Names:
    locale = request_locale(request)
    return Names.load(session, locale, partial(gettext, locale))


def _conferences(session: Session, summary: Summary) -> list[Briefing]:
    ids = [i.id for i in summary.conferences_held()]
    if not ids:
        return []
    rows = {b.id: b for b in session.exec(select(Briefing).where(col(Briefing.id).in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _tables(
    names: Names,
    session: Session,
    identity: Identity,
    asked: Asked,
    summary: Summary,
    *,
    links: bool,
) -> list[Table]:
    department = _is_department(identity)

    def link(metric: str, org_id: int | None, period: Any = None) -> str:
        if org_id == NO_ORG:
            return ""
        org = asked.org if org_id is None or department else org_id
        return _items_href(asked, metric, org=org, period=period)

    tables = build(
        summary, names, conferences=_conferences(session, summary), link=link if links else None
    )
    if not OFFICE.permits(identity.user):  # the office's briefing pages are the office's
        for table in tables:
            if table.key == "conferences_held":
                table.links.clear()
    return tables


def _is_department(identity: Identity) -> bool:
    return identity.user is not None and identity.user.role == Role.DEPARTMENT


def _base(request: Request, session: Session, identity: Identity, asked: Asked) -> dict[str, Any]:
    names = _names(request, session)
    org_name = names.org(asked.org) if asked.org is not None else ""
    return {
        "asked": asked,
        "errors": asked.errors,
        "period": (  # with an error, both dates come back as typed
            {"from": asked.date_from, "to": asked.date_to}
            if asked.errors
            else {"from": asked.period.first.isoformat(), "to": asked.period.last.isoformat()}
        ),
        "shortcuts": service.shortcuts(local_today()),
        "org_name": org_name,
        "organisations": (
            []
            if _is_department(identity)
            else sorted(
                ((o.id, o.name(names.locale)) for o in names.orgs.values()),
                key=lambda kv: kv[1],
            )
        ),
        "names": names,
    }


# --- The dashboard ---------------------------------------------------------------------------


@dataclass
class Charts:
    rules: list[tuple[RuleResult, Markup]]  # one per compliance rule, by month or quarter
    on_time: Markup
    languages: Markup


def _items_href(asked: Asked, metric: str, *, org: int | None = None, period: Any = None) -> str:
    """The list behind a count: the asked period, or a compliance period counted whole."""
    first, last = (period.start, period.end) if period else (asked.period.first, asked.period.last)
    params = {"from": first.isoformat(), "to": last.isoformat()}
    if org is not None:
        params["org"] = str(org)
    return f"/reports/items?{urlencode({**params, 'metric': metric})}"


def _rule_link(asked: Asked, rule_code: str, period: Any) -> str:
    """The briefings behind a compliance figure: those of the rule's kinds in the period."""
    return _items_href(asked, f"briefings.rule.{rule_code}", org=asked.org, period=period)


def _charts(summary: Summary, names: Names, asked: Asked) -> Charts:
    _ = names.gettext
    rule_charts = []
    for rr in summary.compliance:
        bars = [
            charts.Bar(
                label=r.period.label,
                value=r.held,
                target=r.required,
                note=_(STATE_LABELS[r.state]),
                href=_rule_link(asked, rr.rule.code, r.period),
            )
            for r in rr.results
        ]
        rule_charts.append(
            (
                rr,
                charts.column_chart(
                    bars,
                    title=rr.rule.label(names.locale),
                    description=rr.rule.citation(names.locale),
                    target_label=_("required"),
                ),
            )
        )
    on_time = [
        charts.Bar(
            label=names.org(r.organisation_id),
            value=r.on_time_percent or 0,
            note=f"{r['questions.on_time']} / {r['questions.answered']}",
        )
        for r in summary.org_rows("questions.answered")
        if r.organisation_id != NO_ORG
    ]
    return Charts(
        rule_charts,
        charts.bar_chart(
            on_time,
            title=_("Questions answered on time, by organisation"),
            description=_("Share of the questions answered in the period that met their due date."),
            unit="%",
            max_value=100,
        ),
        charts.bar_chart(
            [
                charts.Bar(label=names.language(code), value=n)
                for code, n in summary.keys_with("statements.lang")
            ],
            title=_("Statements published by language"),
        ),
    )


@router.get("/reports")
@kept
def dashboard(
    request: Request,
    identity: ReportReaders,
    session: SessionDep,
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    org: str = "",
) -> Response:
    asked = _asked(session, identity, date_from, date_to, org)
    summary = _summary(request, session, asked)
    ctx = _base(request, session, identity, asked)
    tables = _tables(ctx["names"], session, identity, asked, summary, links=True)
    ctx |= {
        "summary": summary,
        "tables": {t.key: t for t in tables},
        "charts": _charts(summary, ctx["names"], asked),
        "rule_link": partial(_rule_link, asked),
        "state_labels": STATE_LABELS,
        "metric_label": lambda k: metric_label(k, ctx["names"].gettext, ctx["names"]),
        "link": lambda metric: _items_href(asked, metric, org=asked.org),
        # Media monitoring beside the others, for the whole province (not per organisation).
        "monitoring": None
        if _is_department(identity) or asked.org is not None or asked.errors
        else monitoring_digest.figures(session, asked.period.first, asked.period.last),
        "is_office": identity.actor.is_office,
    }
    return render(
        request,
        "reports/dashboard.html",
        ctx,
        block="dashboard",
        status_code=422 if asked.errors else 200,
    )


# --- The list behind a figure ------------------------------------------------------------------


@dataclass
class Line:
    day: date
    title: str
    detail: str
    organisation: str
    href: str


def _lines(session: Session, found: list[Item], names: Names, role: str) -> list[Line]:
    office = role in OFFICE_ROLES
    department = role == Role.DEPARTMENT.value
    by_area: dict[str, list[int]] = {}
    for i in found:
        by_area.setdefault(i.area, []).append(i.id)
    titles: dict[tuple[str, int], str] = {}
    if by_area.get("questions"):
        for qid, text in session.exec(
            select(Question.id, Question.text).where(col(Question.id).in_(by_area["questions"]))
        ):
            titles["questions", qid or 0] = text if len(text) <= 160 else text[:159] + "…"
    public: set[int] = set()
    if by_area.get("briefings"):
        for b in session.exec(select(Briefing).where(col(Briefing.id).in_(by_area["briefings"]))):
            titles["briefings", b.id or 0] = b.title(names.locale)
            if b.is_public:
                public.add(b.id or 0)
    if by_area.get("statements"):
        for sid, number, title in session.exec(
            select(Edition.statement_id, Statement.number, Edition.title)
            .join(Statement, col(Statement.id) == Edition.statement_id)
            .where(
                col(Edition.statement_id).in_(by_area["statements"]),
                col(Edition.state).in_([s.value for s in ISSUED]),
            )
            .order_by(col(Edition.number))
        ):
            titles["statements", sid] = f"{number} · {title}" if number else title
    briefing_titles: dict[int, str] = {}
    refs = [i.ref for i in found if i.area == "submissions"]
    if refs:
        for b in session.exec(select(Briefing).where(col(Briefing.id).in_(refs))):
            briefing_titles[b.id or 0] = b.title(names.locale)
    lines = []
    for i in found:
        href = ""
        detail = ""
        if i.area == "questions":
            title = titles.get(("questions", i.id), "")
            href = (
                f"/office/questions/{i.id}"
                if office
                else f"/dept/questions/{i.id}"
                if department
                else ""
            )
        elif i.area == "briefings":
            title = titles.get(("briefings", i.id), "")
            state = next(
                (BRIEFING_STATES[k] for k in BRIEFING_STATES if k in i.keys), N_("Planned")
            )
            detail = f"{names.briefing_kind(i.label)} · {names.gettext(state)}"
            href = (
                f"/office/briefings/{i.id}"
                if office
                else f"/briefings/{i.id}"
                if i.id in public  # the public page exists once a briefing is announced
                else ""
            )
        elif i.area == "statements":
            title = titles.get(("statements", i.id), "")
            href = f"/office/statements/{i.id}" if office else f"/statements/{i.id}"
        else:
            title = briefing_titles.get(i.ref, "")
            if i.id:
                href = f"/submissions/{i.id}" if office or department else ""
            else:
                detail = names.gettext(N_("Nothing started"))
                href = (
                    f"/office/briefings/{i.ref}/content"
                    if office
                    else "/dept/calls"
                    if department
                    else ""
                )
        organisation = names.org(i.org_id) if i.area != "briefings" else ""
        lines.append(Line(i.day, title, detail, organisation, href))
    return lines


@router.get("/reports/items")
def items_page(
    request: Request,
    identity: ReportReaders,
    session: SessionDep,
    metric: str = "",
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    org: str = "",
    page: str = "1",
) -> Response:
    if metric not in METRICS and not VARIABLE_METRIC.match(metric):
        raise NotFound()
    asked = _asked(session, identity, date_from, date_to, org)
    summary = _summary(request, session, asked)
    ctx = _base(request, session, identity, asked)
    found = items_behind(summary, metric)
    number = max(1, parse_int(page) or 1)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    number = min(number, pages)
    shown = found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    role = identity.user.role.value if identity.user else ""
    ctx |= {
        "metric": metric,
        "title": metric_label(metric, ctx["names"].gettext, ctx["names"]),
        "total": len(found),
        "lines": _lines(session, shown, ctx["names"], role),
        "page": number,
        "pages": pages,
        "page_query": lambda n: asked.query(metric=metric, page=n),
        "back": f"/reports?{asked.query()}",
    }
    return render(request, "reports/items.html", ctx, status_code=422 if asked.errors else 200)


# --- The yearly report -------------------------------------------------------------------------


def _report_title(names: Names) -> str:
    return names.gettext(N_("Report on the work of spokespersons and information for the press"))


def _file_stem(asked: Asked) -> str:
    return f"bao-cao-bao-chi_{asked.period.first.isoformat()}_{asked.period.last.isoformat()}"


@router.get("/reports/annual")
def annual(
    request: Request,
    identity: ReportReaders,
    session: SessionDep,
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    org: str = "",
) -> Response:
    asked = _asked(session, identity, date_from, date_to, org)
    summary = _summary(request, session, asked)
    ctx = _base(request, session, identity, asked)
    ctx |= {
        "summary": summary,
        "report_title": _report_title(ctx["names"]),
        "law_report_year": max(2026, local_today().year),
        "table_list": _tables(ctx["names"], session, identity, asked, summary, links=True),
        "generated_at": format_datetime(utcnow()),
    }
    return render(
        request,
        "reports/annual.html",
        ctx,
        block="report",
        status_code=422 if asked.errors else 200,
    )


def _export(
    request: Request, session: Session, identity: Identity, date_from: str, date_to: str, org: str
) -> tuple[Asked, list[Table], Names]:
    asked = _asked(session, identity, date_from, date_to, org)
    if asked.errors:
        raise ValidationFailed(asked.errors)
    summary = _summary(request, session, asked)
    names = _names(request, session)
    return (
        asked,
        _tables(names, session, identity, asked, summary, links=False),
        names,
    )


def _subtitle(names: Names, asked: Asked) -> str:
    if asked.org is not None:
        return names.org(asked.org)
    return names.gettext(N_("Provincial People's Committee"))


def _period_label(asked: Asked) -> str:
    return f"{format_date(asked.period.first)} – {format_date(asked.period.last)}"


@router.get("/reports/annual.xlsx")
def annual_xlsx(
    request: Request,
    identity: ReportReaders,
    session: SessionDep,
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    org: str = "",
) -> Response:
    asked, tables, names = _export(request, session, identity, date_from, date_to, org)
    data = exports.to_xlsx(
        tables,
        title=_report_title(names),
        subtitle=f"{_subtitle(names, asked)} · {_period_label(asked)}",
    )
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=download_headers(f"{_file_stem(asked)}.xlsx"),
    )


@router.get("/reports/annual.csv")
def annual_csv(
    request: Request,
    identity: ReportReaders,
    session: SessionDep,
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    org: str = "",
) -> Response:
    asked, tables, _unused = _export(request, session, identity, date_from, date_to, org)
    return Response(
        exports.to_csv(tables),
        media_type="text/csv; charset=utf-8",
        headers=download_headers(f"{_file_stem(asked)}.csv"),
    )


@router.get("/reports/annual.pdf")
async def annual_pdf(
    request: Request,
    identity: ReportReaders,
    session: SessionDep,
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    org: str = "",
) -> Response:
    asked, tables, names = await run_in_threadpool(
        _export, request, session, identity, date_from, date_to, org
    )
    html = exports.pdf_html(
        request.app.state.templates,
        {
            "tables": tables,
            "title": _report_title(names),
            "subtitle": _subtitle(names, asked),
            "period_label": _period_label(asked),
            "generated_at": format_datetime(utcnow()),
            "locale": names.locale,
        },
    )
    pdf = await run_in_threadpool(exports.to_pdf, html)
    return Response(
        pdf, media_type="application/pdf", headers=download_headers(f"{_file_stem(asked)}.pdf")
    )
