"""Compliance at a glance: briefings held and scheduled per month, quarter and week against a
rule set (the law's minimum and the provincial plan), read from data/compliance.toml.

Each rule set belongs to a legal rule set (`app/law`) and applies on its dates; a `Schedule` says
which set applies on which day, so that a period is counted under the law of its own dates."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from app.briefings.models import BriefingStatus
from app.briefings.states import HAPPENED, SCHEDULED
from app.i18n import N_
from app.law.rulesets import parts as law_parts
from app.law.rulesets import ruleset_on
from app.timeutil import local_today

RULES_FILE = Path(__file__).resolve().parent / "data" / "compliance.toml"


class State(StrEnum):
    MET = "met"  # held as required
    SCHEDULED = "scheduled"  # enough planned or announced to meet it
    UNCONFIRMED = "unconfirmed"  # period over, enough scheduled but not all marked held
    AT_RISK = "at_risk"  # period not over, not enough scheduled
    MISSED = "missed"  # period over, not met


STATE_LABELS = {
    State.MET: N_("Met"),
    State.SCHEDULED: N_("Scheduled"),
    State.UNCONFIRMED: N_("Not yet marked as held"),
    State.AT_RISK: N_("Nothing scheduled to meet it"),
    State.MISSED: N_("Missed"),
}


@dataclass(frozen=True)
class Rule:
    code: str
    source: str  # law | plan
    period: str  # week | month | quarter
    minimum: int
    kinds: frozenset[str]
    label_vi: str
    label_en: str
    citation_vi: str
    citation_en: str

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_vi

    def citation(self, locale: str) -> str:
        return self.citation_en if locale == "en" else self.citation_vi


@dataclass(frozen=True)
class RuleSet:
    code: str
    law: str  # the legal rule set (app/law) whose dates it applies on
    variant: str  # "province" (law and plan) or "law" (legal minimum only)
    name_vi: str
    name_en: str
    rules: tuple[Rule, ...]

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


@lru_cache(maxsize=4)
def rule_sets(path: Path = RULES_FILE) -> tuple[str, dict[str, RuleSet]]:
    """The default variant and every rule set in the data file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sets = {}
    for rs in data["ruleset"]:
        rules = tuple(
            Rule(
                code=r["code"],
                source=r["source"],
                period=r["period"],
                minimum=int(r["minimum"]),
                kinds=frozenset(r["kinds"]),
                label_vi=r["label_vi"],
                label_en=r["label_en"],
                citation_vi=r["citation_vi"],
                citation_en=r["citation_en"],
            )
            for r in rs["rule"]
        )
        sets[rs["code"]] = RuleSet(
            rs["code"], rs["law"], rs["variant"], rs["name_vi"], rs["name_en"], rules
        )
    return data["default_variant"], sets


@dataclass(frozen=True)
class Schedule:
    """Which rule set applies on which day: for each legal rule set, its set of one variant."""

    variant: str

    def on(self, day: date) -> RuleSet:
        """The set in force on `day` (NoRuleSet before the first legal rule set)."""
        law = ruleset_on(day).code
        _default, sets = rule_sets()
        for rs in sets.values():
            if rs.law == law and rs.variant == self.variant:
                return rs
        raise LookupError(f"no compliance rule set of variant {self.variant!r} for {law}")

    def parts(self, first: date, last: date) -> list[tuple[RuleSet, date, date]]:
        """[first, last] cut where the law changes, each part with its set."""
        return [(self.on(p.first), p.first, p.last) for p in law_parts(first, last)]

    def rows(self, first: date, last: date) -> list[Rule]:
        """Every rule that applies somewhere in [first, last], once per code, in the order of the
        sets (the wording of the latest set)."""
        found: dict[str, Rule] = {}
        for rs, _first, _last in self.parts(first, last):
            for rule in rs.rules:
                found[rule.code] = rule
        return list(found.values())


def schedule(choice: str | None = None) -> Schedule:
    """The schedule of the configured variant: COMPLIANCE_RULESET may name a variant ("province",
    "law") or a set's code (its variant is used); empty: the default."""
    default, sets = rule_sets()
    if choice in sets:
        return Schedule(sets[choice].variant)
    variants = {rs.variant for rs in sets.values()}
    return Schedule(choice if choice in variants else default)


def rule_set(code: str | None = None, on: date | None = None) -> RuleSet:
    """The set in force on `on` (default today) for the configured choice."""
    return schedule(code).on(on or local_today())


@dataclass(frozen=True)
class Fact:
    """What compliance needs to know of one briefing."""

    kind_code: str
    day: date  # local date it is (or was) held
    status: BriefingStatus


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str  # "12/2026", "Q4/2026"


@dataclass(frozen=True)
class Result:
    rule: Rule
    period: Period
    held: int
    scheduled: int
    required: int
    state: State


def months(year: int) -> list[Period]:
    out = []
    for m in range(1, 13):
        end = (date(year + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)
        out.append(Period(date(year, m, 1), end, f"{m:02d}/{year}"))
    return out


def quarters(year: int) -> list[Period]:
    return [
        Period(date(year, 3 * q - 2, 1), months(year)[3 * q - 1].end, f"Q{q}/{year}")
        for q in range(1, 5)
    ]


def _mondays(period: Period) -> list[date]:
    first = period.start + timedelta(days=(7 - period.start.weekday()) % 7)
    return [first + timedelta(weeks=i) for i in range((period.end - first).days // 7 + 1)]


def _state(held: int, scheduled: int, required: int, period: Period, today: date) -> State:
    if held >= required:
        return State.MET
    over = period.end < today
    if held + scheduled >= required:
        return State.UNCONFIRMED if over else State.SCHEDULED
    return State.MISSED if over else State.AT_RISK


def evaluate(rule: Rule, period: Period, facts: list[Fact], today: date) -> Result:
    """Count one rule over one period (a week rule counts weeks in the period)."""
    relevant = [
        f for f in facts if f.kind_code in rule.kinds and period.start <= f.day <= period.end
    ]
    if rule.period == "week":
        held = scheduled = 0
        mondays = _mondays(period)
        for monday in mondays:
            week = [f for f in relevant if monday <= f.day <= monday + timedelta(days=6)]
            h = sum(f.status in HAPPENED for f in week)
            s = sum(f.status in SCHEDULED for f in week)
            if h >= rule.minimum:
                held += 1
            elif h + s >= rule.minimum:
                scheduled += 1
        required = len(mondays)
    else:
        held = sum(f.status in HAPPENED for f in relevant)
        scheduled = sum(f.status in SCHEDULED for f in relevant)
        required = rule.minimum
    return Result(
        rule, period, held, scheduled, required, _state(held, scheduled, required, period, today)
    )


def table(plan: Schedule, facts: list[Fact], year: int, today: date) -> dict[str, list[Result]]:
    """Every rule over the periods of `year` (week and month rules by month), each period under
    the set in force on its first day: a rule shows only the periods its set governs, with its
    own citation."""
    out: dict[str, list[Result]] = {}
    for rule in plan.rows(date(year, 1, 1), date(year, 12, 31)):
        periods = quarters(year) if rule.period == "quarter" else months(year)
        results = []
        for period in periods:
            governing = {r.code: r for r in plan.on(period.start).rules}.get(rule.code)
            if governing is not None:
                results.append(evaluate(governing, period, facts, today))
        out[rule.code] = results
    return out


def warnings(plan: Schedule, facts: list[Fact], today: date, ahead_days: int = 45) -> list[Result]:
    """Periods from today to `ahead_days` ahead that nothing scheduled will satisfy."""
    horizon = today + timedelta(days=ahead_days)
    out: list[Result] = []
    for year in sorted({today.year, horizon.year}):
        for results in table(plan, facts, year, today).values():
            out.extend(
                r
                for r in results
                if r.state == State.AT_RISK and r.period.start <= horizon and r.period.end >= today
            )
    return out
