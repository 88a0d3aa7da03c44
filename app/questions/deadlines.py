"""When an answer is due: pure functions of the rule set (data/rules.toml) and the calendar.

Working-day levels count whole working days after the day the question was received (weekends,
public holidays and Tết skipped, days off and worked days of the admin's calendar applied) and
fall due at the end of that working day; the incident level counts clock hours. A transfer keeps
the original due date; a holding answer sets a new one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from app.holidays.service import WorkCalendar
from app.law.rulesets import Cited, ruleset_on
from app.timeutil import LOCAL_TZ, local_today, to_local

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.toml"
END_OF_DAY = time(17, 0)  # answers are due by the end of the working day


@dataclass(frozen=True)
class ServiceLevel:
    code: str
    label_vi: str
    label_en: str
    source: str
    working_days: int | None = None
    hours: int | None = None

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_vi


@dataclass(frozen=True)
class Rules:
    levels: dict[str, ServiceLevel]


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> Rules:
    """The service levels held as data (the refusal grounds are the law's: `grounds_on`)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    levels = {code: ServiceLevel(code=code, **v) for code, v in data["service_levels"].items()}
    return Rules(levels)


def grounds_on(day: date) -> dict[str, Cited]:
    """The grounds on which a spokesperson may refuse, in the law in force on `day` (Press Law
    2016 Art. 38(2) to 30/6/2026, Press Law 2025 Art. 31(2) from 1/7/2026)."""
    return ruleset_on(day).refusal_grounds


def ground_of(refusal_ground: str, approved_at: datetime | None) -> Cited | None:
    """A refusal's ground in the words of the law of its date: the day it was approved, or
    today for a draft."""
    if not refusal_ground:
        return None
    day = to_local(approved_at).date() if approved_at else local_today()
    return grounds_on(day).get(refusal_ground)


def level_for(rules: Rules, channel: str, incident: bool) -> ServiceLevel:
    return rules.levels["incident"] if incident else rules.levels[channel]


def end_of_day(day: date) -> datetime:
    """17:00 local time on `day`, in UTC: when a date given by a person falls due."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LOCAL_TZ).astimezone(UTC)


def add_working_days(calendar: WorkCalendar, day: datetime, days: int) -> datetime:
    """The end (17:00 local) of the `days`-th working day after the local day of `day`."""
    current = to_local(day).date()
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            counted += 1
    return end_of_day(current)


def due_at(level: ServiceLevel, received_at: datetime, calendar: WorkCalendar) -> datetime:
    """When a question received at `received_at` must be answered under `level`."""
    if level.hours is not None:
        return received_at + timedelta(hours=level.hours)
    return add_working_days(calendar, received_at, level.working_days or 0)
