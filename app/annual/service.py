"""The yearly report: drafting its heading and section II, marking it sent (which freezes it),
new versions, and the reminder before it is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.annual.figures import Figure, compute, thaw
from app.annual.models import AnnualReport
from app.audit import service as audit
from app.audit.service import Actor
from app.errors import Conflict, NotFound, ValidationFailed
from app.forms import CONTROL_CHARS, FIRST_DAY, LAST_DAY, check_text
from app.i18n import Msg
from app.law.rulesets import NoRuleSet, Part, RuleSet, parts, report_ruleset
from app.timeutil import local_today, utcnow
from app.uow import use_case

REMIND_FROM = (12, 1)  # the dashboard reminds the office from 1 December until it is sent
SENT = Msg(
    "This report was marked sent and can no longer change. Make a new version to correct it."
)


@dataclass(frozen=True)
class Heading:
    """What the office writes: the Appendix's heading fields and section II."""

    agency: str = ""
    number: str = ""
    place: str = ""
    report_date: date | None = None
    signer_name: str = ""
    signer_title: str = ""
    difficulties: str = ""


@dataclass(frozen=True)
class Shown:
    """A year's report as a page shows it: the saved version (if any), its law and period, the
    parts of the period under each law, and the figures (frozen once sent)."""

    year: int
    ruleset: RuleSet
    first: date
    last: date
    parts: list[Part]
    report: AnnualReport | None
    figures: list[Figure]
    versions: list[AnnualReport]

    @property
    def frozen(self) -> bool:
        return self.report is not None and self.report.sent_at is not None


def check_year(year: int | None) -> tuple[int, RuleSet]:
    """A year that has a rule set and whose reporting period has begun; else 422 on `year`."""
    if year is None:
        raise ValidationFailed({"year": Msg("Enter a year, e.g. 2026.")})
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise ValidationFailed({"year": Msg("Enter a year between 2000 and 2100.")})
    try:
        ruleset = report_ruleset(year)
    except NoRuleSet as exc:
        raise ValidationFailed({"year": exc.message}) from exc
    first, _last = ruleset.report.period_of(year)
    if first > local_today():
        raise ValidationFailed(
            {
                "year": Msg(
                    "The reporting period of %(year)s has not begun: there is no data yet.",
                    {"year": year},
                )
            }
        )
    return year, ruleset


def defaults(province: str) -> Heading:
    """The heading a first draft starts from."""
    return Heading(
        agency=f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}",
        number="/BC-UBND",
        place=province,
        signer_title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    )


def versions(session: Session, year: int) -> list[AnnualReport]:
    """Every version of the year's report, the latest first."""
    return list(
        session.exec(
            select(AnnualReport)
            .where(AnnualReport.year == year)
            .order_by(col(AnnualReport.version).desc())
        ).all()
    )


def show(session: Session, year: int | None, *, version: int | None = None) -> Shown:
    """The year's report: the asked or latest version, with its figures (live for a draft)."""
    year, ruleset = check_year(year)
    first, last = ruleset.report.period_of(year)
    every = versions(session, year)
    report = every[0] if every else None
    if version is not None:
        report = next((r for r in every if r.version == version), None)
        if report is None:
            raise NotFound()
    if report is not None and report.figures is not None:
        figures = thaw(report.figures["figures"])
    else:
        figures = compute(session, ruleset, first, min(last, local_today()))
    return Shown(year, ruleset, first, last, parts(first, last), report, figures, every)


def _check(data: Heading, *, sending: bool) -> Heading:
    errors: dict[str, Msg] = {}
    needed = Msg("This is needed before the report is sent.") if sending else None
    agency = check_text(data.agency, "agency", 300, errors, Msg("Enter the agency's name."))
    number = check_text(data.number, "number", 60, errors, needed)
    if number and "/BC-" not in number.upper():
        errors["number"] = Msg("A report's number has the form “15/BC-UBND”.")
    place = check_text(data.place, "place", 100, errors, Msg("Enter the place, e.g. Quảng Ninh."))
    signer_name = check_text(data.signer_name, "signer_name", 200, errors, needed)
    signer_title = check_text(data.signer_title, "signer_title", 200, errors, needed)
    difficulties = check_text(data.difficulties, "difficulties", 20000, errors)
    if sending and data.report_date is None:
        errors["report_date"] = Msg("Enter the date of the report.")
    elif data.report_date is not None and data.report_date > local_today():
        errors["report_date"] = Msg("The date cannot be in the future.")
    for name, value in (
        ("agency", agency),
        ("number", number),
        ("place", place),
        ("signer_name", signer_name),
        ("signer_title", signer_title),
        ("difficulties", difficulties),
    ):
        if name not in errors and CONTROL_CHARS.search(value):
            errors[name] = Msg("Remove the control characters from this text.")
    if errors:
        raise ValidationFailed(errors)
    return Heading(agency, number, place, data.report_date, signer_name, signer_title, difficulties)


def _fill(report: AnnualReport, data: Heading) -> None:
    report.agency, report.number, report.place = data.agency, data.number, data.place
    report.report_date = data.report_date
    report.signer_name, report.signer_title = data.signer_name, data.signer_title
    report.difficulties = data.difficulties
    report.updated_at = utcnow()


@use_case
def save(
    session: Session,
    *,
    actor: Actor,
    year: int | None,
    data: Heading,
    expected_revision: int | None = None,
) -> AnnualReport:
    """Save the draft's heading and section II (the first save makes version 1)."""
    year, ruleset = check_year(year)
    clean = _check(data, sending=False)
    every = versions(session, year)
    report = every[0] if every else AnnualReport(year=year, ruleset=ruleset.code)
    if report.sent_at is not None:
        raise Conflict(SENT)
    if (
        report.id is not None
        and expected_revision is not None
        and expected_revision != report.revision
    ):
        raise Conflict(
            Msg(
                "Someone else changed this while you were editing it. Your changes were not "
                "saved: reload the page to see the current version."
            )
        )
    _fill(report, clean)
    session.add(report)
    audit.record(session, actor, "annual_report.saved", report, f"{year} v{report.version}")
    return report


@use_case
def mark_sent(session: Session, *, actor: Actor, year: int | None) -> AnnualReport:
    """Mark the latest version sent: its figures and the records behind them are stored as they
    are now and never change again."""
    shown = show(session, year)
    report = shown.report
    if report is None:
        raise ValidationFailed({"agency": Msg("Save the report's heading first.")})
    if report.sent_at is not None:
        raise Conflict(SENT)
    _check(_heading_of(report), sending=True)
    now = utcnow()
    report.figures = {
        "computed_at": now.isoformat(),
        "first": shown.first.isoformat(),
        "last": shown.last.isoformat(),
        "parts": [
            {"ruleset": p.ruleset.code, "first": p.first.isoformat(), "last": p.last.isoformat()}
            for p in shown.parts
        ],
        "figures": [f.to_json() for f in shown.figures],
    }
    report.sent_at, report.sent_by = now, actor.user_id
    session.add(report)
    summary = ", ".join(f"({f.spec.number}) {f.value}" for f in shown.figures)
    audit.record(
        session, actor, "annual_report.sent", report, f"{report.year} v{report.version}: {summary}"
    )
    return report


@use_case
def new_version(session: Session, *, actor: Actor, year: int | None, reason: str) -> AnnualReport:
    """A new draft of a sent report, with the reason; heading and section II are copied."""
    year, ruleset = check_year(year)
    every = versions(session, year)
    if not every or every[0].sent_at is None:
        raise Conflict(Msg("Only a report that was sent can get a new version."))
    errors: dict[str, Msg] = {}
    reason = check_text(reason, "reason", 2000, errors, Msg("Say why a new version is made."))
    if errors:
        raise ValidationFailed(errors)
    latest = every[0]
    report = AnnualReport(
        year=year, version=latest.version + 1, ruleset=ruleset.code, reason=reason
    )
    _fill(report, _heading_of(latest))
    session.add(report)
    audit.record(
        session, actor, "annual_report.new_version", report, f"{year} v{report.version}: {reason}"
    )
    return report


def _heading_of(report: AnnualReport) -> Heading:
    return Heading(
        report.agency,
        report.number,
        report.place,
        report.report_date,
        report.signer_name,
        report.signer_title,
        report.difficulties,
    )


def heading_of(report: AnnualReport | None, province: str) -> Heading:
    """The saved heading, or the defaults a first draft starts from."""
    return _heading_of(report) if report is not None else defaults(province)


def reminder(session: Session, today: date | None = None) -> dict[str, Any] | None:
    """From 1 December until the year's report is marked sent: the year and its due date."""
    today = today or local_today()
    if (today.month, today.day) < REMIND_FROM:
        return None
    try:
        ruleset = report_ruleset(today.year)
    except NoRuleSet:
        return None
    every = versions(session, today.year)
    if every and every[0].sent_at is not None:
        return None
    due = ruleset.report.due(today.year)
    return {"year": today.year, "due": due, "late": today > due, "ruleset": ruleset}
