"""Recurrence rules (RFC 5545 RRULE, read by python-dateutil) and the dates a series produces,
with public holidays skipped or moved to the next working day as the series says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from dateutil.rrule import rrulestr

from app.briefings.models import HolidayPolicy
from app.i18n import Msg, gettext

MAX_OCCURRENCES = 400  # in the generation horizon: a rule giving more is almost surely a mistake
ALLOWED_FREQ = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = {
    "MO": ("thứ Hai", "Monday"),
    "TU": ("thứ Ba", "Tuesday"),
    "WE": ("thứ Tư", "Wednesday"),
    "TH": ("thứ Năm", "Thursday"),
    "FR": ("thứ Sáu", "Friday"),
    "SA": ("thứ Bảy", "Saturday"),
    "SU": ("Chủ nhật", "Sunday"),
}
ORDINALS = {
    1: ("đầu tiên", "first"),
    2: ("thứ hai", "second"),
    3: ("thứ ba", "third"),
    4: ("thứ tư", "fourth"),
    -1: ("cuối cùng", "last"),
}


class Calendar(Protocol):
    def is_holiday(self, day: date) -> bool: ...

    def next_working_day(self, day: date) -> date: ...


@dataclass(frozen=True)
class RuleForm:
    """The simple recurrence choices of the series form; `custom` takes a raw RRULE."""

    pattern: str  # weekly | monthly_weekday | monthly_day | custom
    weekday: str = "TH"
    ordinal: int = -1
    monthday: int = 1
    interval: int = 1
    custom: str = ""


def build_rule(form: RuleForm) -> str:
    interval = f";INTERVAL={form.interval}" if form.interval > 1 else ""
    if form.pattern == "weekly":
        return f"FREQ=WEEKLY{interval};BYDAY={form.weekday}"
    if form.pattern == "monthly_weekday":
        return f"FREQ=MONTHLY{interval};BYDAY={form.ordinal}{form.weekday}"
    if form.pattern == "monthly_day":
        return f"FREQ=MONTHLY{interval};BYMONTHDAY={form.monthday}"
    return form.custom.strip().upper().removeprefix("RRULE:")


def parse_rule_form(rule: str) -> RuleForm:
    """The form choices that give `rule` back (custom when the rule is not one of them)."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    interval = int(parts.get("INTERVAL", "1")) if parts.get("INTERVAL", "1").isdigit() else 1
    simple = set(parts) <= {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY"}
    freq, byday, monthday = parts.get("FREQ"), parts.get("BYDAY", ""), parts.get("BYMONTHDAY", "")
    if simple and freq == "WEEKLY" and byday in WEEKDAYS and not monthday:
        return RuleForm("weekly", weekday=byday, interval=interval)
    match = re.fullmatch(r"(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)", byday)
    if simple and freq == "MONTHLY" and match and not monthday:
        return RuleForm(
            "monthly_weekday",
            weekday=match.group(2),
            ordinal=int(match.group(1)),
            interval=interval,
        )
    if (
        simple
        and freq == "MONTHLY"
        and re.fullmatch(r"-1|[1-9]|[12][0-9]|3[01]", monthday)
        and not byday
    ):
        return RuleForm("monthly_day", monthday=int(monthday), interval=interval)
    return RuleForm("custom", custom=rule)


def describe(rule: str, at: time, locale: str) -> str:
    """A sentence for people: "Hằng tháng vào thứ Năm cuối cùng, lúc 15:00"."""
    form = parse_rule_form(rule)
    i = 0 if locale == "vi" else 1
    clock = at.strftime("%H:%M")
    if form.pattern == "weekly":
        text = gettext(locale, "Every %(weekday)s", weekday=WEEKDAY_NAMES[form.weekday][i])
    elif form.pattern == "monthly_weekday":
        text = gettext(
            locale,
            "Every month on the %(ordinal)s %(weekday)s",
            ordinal=ORDINALS[form.ordinal][i],
            weekday=WEEKDAY_NAMES[form.weekday][i],
        )
    elif form.pattern == "monthly_day":
        text = (
            gettext(locale, "Every month on the last day")
            if form.monthday == -1
            else gettext(locale, "Every month on day %(day)s", day=form.monthday)
        )
    else:
        text = f"RRULE:{rule}"
    if form.interval > 1:
        text += " " + gettext(locale, "(every %(n)s periods)", n=form.interval)
    return text + ", " + gettext(locale, "at %(time)s", time=clock)


def check_rule(rule: str) -> Msg | None:
    """Why a rule cannot be used (unreadable, too frequent, with its own end), or None."""
    if not rule:
        return Msg("Choose how the briefing repeats.")
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if parts.get("FREQ") not in ALLOWED_FREQ:
        return Msg("The rule must repeat daily, weekly, monthly or yearly (FREQ=...).")
    if "UNTIL" in parts:
        return Msg("Put the end date in the field “Last date”, not in the rule.")
    try:
        rrulestr(f"RRULE:{rule}", dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError):
        return Msg(
            "This recurrence rule cannot be read. Check it against RFC 5545, e.g. FREQ=MONTHLY;BYDAY=-1TH."
        )
    return None


@dataclass(frozen=True)
class Occurrence:
    original: date  # the date the rule gives (the occurrence's identity in the series)
    day: date  # the date it is held, after the holiday policy
    holiday: bool  # whether the original date was a public holiday

    @property
    def moved(self) -> bool:
        return self.day != self.original


def occurrences(
    rule: str,
    dtstart: date,
    at: time,
    *,
    window_start: date,
    window_end: date,
    until: date | None,
    policy: HolidayPolicy,
    calendar: Calendar,
) -> list[Occurrence]:
    """The dates the series produces between `window_start` and `window_end` (inclusive)."""
    end = min(window_end, until) if until else window_end
    if end < window_start:
        return []
    recurrence = rrulestr(f"RRULE:{rule}", dtstart=datetime.combine(dtstart, at))
    out: list[Occurrence] = []
    taken: set[date] = set()
    start = datetime.combine(max(window_start, dtstart), time.min)
    for when in recurrence.xafter(start, count=MAX_OCCURRENCES + 1, inc=True):
        original = when.date()
        if original > end:
            break
        holiday = calendar.is_holiday(original)
        day = original
        if holiday and policy == HolidayPolicy.SKIP:
            continue
        if holiday and policy == HolidayPolicy.NEXT_WORKING_DAY:
            day = calendar.next_working_day(original)
        if day in taken:  # moved onto a date the series already has
            continue
        taken.add(day)
        out.append(Occurrence(original, day, holiday))
    return out


def count_dates(
    rule: str, dtstart: date, at: time, *, window_start: date, window_end: date, until: date | None
) -> int:
    """How many dates the rule itself gives in the window, before holidays (at most MAX + 1)."""
    end = min(window_end, until) if until else window_end
    if end < window_start:
        return 0
    recurrence = rrulestr(f"RRULE:{rule}", dtstart=datetime.combine(dtstart, at))
    start = datetime.combine(max(window_start, dtstart), time.min)
    count = 0
    for when in recurrence.xafter(start, count=MAX_OCCURRENCES + 1, inc=True):
        if when.date() > end:
            break
        count += 1
    return count


def count_problem(count: int, horizon_months: int) -> Msg | None:
    if count == 0:
        return Msg(
            "This rule gives no date in the next %(n)s months. Check the rule, the first date and the last date.",
            {"n": horizon_months},
        )
    if count > MAX_OCCURRENCES:
        return Msg(
            "This rule gives more than %(max)s dates in the next %(n)s months. Check the rule.",
            {"max": MAX_OCCURRENCES, "n": horizon_months},
        )
    return None
