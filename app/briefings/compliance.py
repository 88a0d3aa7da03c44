"""Compliance at a glance: briefings held and scheduled per month, quarter and week against a
rule set (the law's minimum and the provincial plan), read from data/compliance.toml."""

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
    name_vi: str
    name_en: str
    rules: tuple[Rule, ...]

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


@lru_cache(maxsize=4)
def rule_sets(path: Path = RULES_FILE) -> tuple[str, dict[str, RuleSet]]:
    """The default code and every rule set in the data file."""
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
        sets[rs["code"]] = RuleSet(rs["code"], rs["name_vi"], rs["name_en"], rules)
    return data["default"], sets


def rule_set(code: str | None = None) -> RuleSet:
    default, sets = rule_sets()
    return sets.get(code or default) or sets[default]


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


def table(rules: RuleSet, facts: list[Fact], year: int, today: date) -> dict[str, list[Result]]:
    """Every rule of the set over the periods of `year` (week and month rules by month)."""
    out: dict[str, list[Result]] = {}
    for rule in rules.rules:
        periods = quarters(year) if rule.period == "quarter" else months(year)
        out[rule.code] = [evaluate(rule, p, facts, today) for p in periods]
    return out


def warnings(rules: RuleSet, facts: list[Fact], today: date, ahead_days: int = 45) -> list[Result]:
    """Periods from today to `ahead_days` ahead that nothing scheduled will satisfy."""
    horizon = today + timedelta(days=ahead_days)
    out: list[Result] = []
    for year in sorted({today.year, horizon.year}):
        for results in table(rules, facts, year, today).values():
            out.extend(
                r
                for r in results
                if r.state == State.AT_RISK and r.period.start <= horizon and r.period.end >= today
            )
    return out
