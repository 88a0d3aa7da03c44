"""The legal rule sets, each in force for its own dates (data in `data/rulesets.toml`).

A record follows the rule set in force on its own date: `ruleset_on(day)`. A period that spans a
change of law is counted part by part: `parts(first, last)`. Pure data and functions, loaded once
per process; tested without a database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from app.i18n import Msg
from app.timeutil import local_today, to_local

RULESETS_FILE = Path(__file__).resolve().parent / "data" / "rulesets.toml"


class NoRuleSet(ValueError):
    """A date before the first rule set or after the last one ends: never a guess."""

    def __init__(self, day: date) -> None:
        super().__init__(f"no legal rule set is in force on {day.isoformat()}")
        self.day = day
        self.message = Msg(
            "No legal rule set applies on %(day)s: Press Desk holds the rules from 30/03/2017.",
            {"day": day.strftime("%d/%m/%Y")},
        )


@dataclass(frozen=True)
class Cited:
    """A rule with its words and where it comes from (a refusal ground, a form, a matter kind)."""

    code: str
    label_vi: str
    label_en: str
    citation_vi: str
    citation_en: str
    hours: int | None = None  # sudden matters: the time limit for initial information
    figures: tuple[int, ...] = ()  # sudden matters: the yearly report's figures they count in

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_vi

    def citation(self, locale: str) -> str:
        return self.citation_en if locale == "en" else self.citation_vi


@dataclass(frozen=True)
class ReportFigure:
    """One figure of the yearly report's form, in the form's own words."""

    number: int
    fraction: bool
    wording_vi: str
    wording_en: str

    def wording(self, locale: str) -> str:
        return self.wording_en if locale == "en" else self.wording_vi


@dataclass(frozen=True)
class ReportRule:
    """The yearly report: over which days, due when, to whom."""

    period: str  # "calendar_year" or "dec15" (15 December of the year before to 14 December)
    conference_kinds: tuple[str, ...]
    due_month: int
    due_day: int
    recipient_vi: str
    recipient_en: str
    citation_vi: str
    citation_en: str

    def period_of(self, year: int) -> tuple[date, date]:
        if self.period == "dec15":
            return date(year - 1, 12, 15), date(year, 12, 14)
        return date(year, 1, 1), date(year, 12, 31)

    def due(self, year: int) -> date:
        """The last day on which the report is on time ("before 20 December": the 19th)."""
        return date(year, self.due_month, self.due_day) - timedelta(days=1)

    def recipient(self, locale: str) -> str:
        return self.recipient_en if locale == "en" else self.recipient_vi

    def citation(self, locale: str) -> str:
        return self.citation_en if locale == "en" else self.citation_vi


@dataclass(frozen=True)
class RuleSet:
    code: str
    valid_from: date
    valid_to: date | None
    name_vi: str
    name_en: str
    short_vi: str
    short_en: str
    decree_vi: str
    decree_en: str
    press_law_vi: str
    press_law_en: str
    refusal_vi: str
    refusal_en: str
    incident_hours: int
    incident_vi: str
    incident_en: str
    spokesperson_vi: str
    spokesperson_en: str
    posting_hours: int | None
    refusal_grounds: dict[str, Cited]
    forms: dict[str, Cited]
    sudden_kinds: dict[str, Cited]
    report: ReportRule
    report_figures: tuple[ReportFigure, ...]
    citations: dict[str, tuple[str, str]]  # what → (Vietnamese, English)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi

    def short(self, locale: str) -> str:
        """The decree's number, as pages name the law in force ("Decree 244/2026/ND-CP")."""
        return self.short_en if locale == "en" else self.short_vi

    def cite(self, what: str, locale: str) -> str:
        """Where a duty is written: spokesperson, forms, periodic, sudden, request_information,
        refusal, correction."""
        vi, en = self.citations[what]
        return en if locale == "en" else vi

    def decree(self, locale: str) -> str:
        return self.decree_en if locale == "en" else self.decree_vi

    def refusal_citation(self, locale: str) -> str:
        return self.refusal_en if locale == "en" else self.refusal_vi

    def incident_citation(self, locale: str) -> str:
        return self.incident_en if locale == "en" else self.incident_vi

    def spokesperson_citation(self, locale: str) -> str:
        return self.spokesperson_en if locale == "en" else self.spokesperson_vi


def _cited(items: list[dict[str, Any]]) -> dict[str, Cited]:
    return {
        item["code"]: Cited(**{**item, "figures": tuple(item.get("figures", ()))}) for item in items
    }


def _ruleset(raw: dict[str, Any]) -> RuleSet:
    lists = {k: raw.pop(k, []) for k in ("refusal_ground", "form", "sudden_kind")}
    report_raw = raw.pop("report")
    report = ReportRule(**{**report_raw, "conference_kinds": tuple(report_raw["conference_kinds"])})
    figures = tuple(ReportFigure(**f) for f in raw.pop("report_figure", []))
    cites = {k: (v[0], v[1]) for k, v in raw.pop("cite").items()}
    return RuleSet(
        citations=cites,
        report_figures=figures,
        valid_to=raw.pop("valid_to", None),
        posting_hours=raw.pop("posting_hours", None),
        refusal_grounds=_cited(lists["refusal_ground"]),
        forms=_cited(lists["form"]),
        sudden_kinds=_cited(lists["sudden_kind"]),
        report=report,
        **raw,
    )


@lru_cache(maxsize=4)
def load(path: Path = RULESETS_FILE) -> tuple[RuleSet, ...]:
    """The rule sets in date order; refused when they overlap or leave a gap."""
    sets = sorted(
        (_ruleset(dict(raw)) for raw in tomllib.loads(path.read_text("utf-8"))["ruleset"]),
        key=lambda r: r.valid_from,
    )
    for before, after in pairwise(sets):
        if before.valid_to is None or before.valid_to + timedelta(days=1) != after.valid_from:
            raise ValueError(f"{path}: {before.code} must end the day before {after.code} starts")
    return tuple(sets)


def ruleset_on(day: date, path: Path = RULESETS_FILE) -> RuleSet:
    """The rule set in force on `day`, or NoRuleSet."""
    for ruleset in load(path):
        if ruleset.covers(day):
            return ruleset
    raise NoRuleSet(day)


def ruleset_at(moment: datetime, path: Path = RULESETS_FILE) -> RuleSet:
    """The rule set in force at `moment` (its local day in Asia/Ho_Chi_Minh)."""
    return ruleset_on(to_local(moment).date(), path)


def current(path: Path = RULESETS_FILE) -> RuleSet:
    """The rule set in force today: what pages, e-mails and documents cite now."""
    return ruleset_on(local_today(), path)


def report_ruleset(year: int, path: Path = RULESETS_FILE) -> RuleSet:
    """The rule set whose yearly report covers `year`: the one in force on the last day of the
    reporting period it defines (2026: Decree 244/2026, 15/12/2025 to 14/12/2026)."""
    for ruleset in load(path):
        if ruleset.covers(ruleset.report.period_of(year)[1]):
            return ruleset
    raise NoRuleSet(date(year, 12, 31))


@dataclass(frozen=True)
class Part:
    """The days of a period that one rule set governs."""

    ruleset: RuleSet
    first: date
    last: date


def parts(first: date, last: date, path: Path = RULESETS_FILE) -> list[Part]:
    """[first, last] cut where the law changes; NoRuleSet if a day of it has no rule set."""
    found: list[Part] = []
    day = first
    while day <= last:
        ruleset = ruleset_on(day, path)
        end = min(last, ruleset.valid_to or last)
        found.append(Part(ruleset, day, end))
        day = end + timedelta(days=1)
    return found
