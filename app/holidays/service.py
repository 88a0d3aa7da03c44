"""Working days on the Vietnamese calendar: weekends, public holidays (Tết included) from the
`holidays` package, and the administrator's own days off or worked days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_data
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.errors import NotFound, ValidationFailed
from app.holidays.models import CalendarDay
from app.i18n import Msg
from app.uow import use_case


@lru_cache(maxsize=64)
def _national(year: int, language: str) -> dict[date, str]:
    """The package's Vietnamese public holidays for one year (read-only data, cached)."""
    return dict(holiday_data.country_holidays("VN", years=year, language=language))


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked. Built once per use case from the database overrides."""

    days_off: dict[date, str]
    worked: frozenset[date]

    def holiday_name(self, day: date, locale: str = "vi") -> str | None:
        if day in self.worked:
            return None
        if day in self.days_off:
            return self.days_off[day]
        return _national(day.year, "vi" if locale == "vi" else "en_US").get(day)

    def is_holiday(self, day: date) -> bool:
        return self.holiday_name(day) is not None

    def is_working_day(self, day: date) -> bool:
        if day in self.worked:
            return True
        return day.weekday() < 5 and not self.is_holiday(day)

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is worked, else the first working day after it."""
        for _ in range(60):  # Tết and a weekend make at most about ten days
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        for _ in range(60):
            if self.is_working_day(day):
                return day
            day -= timedelta(days=1)
        return day


def work_calendar(session: Session) -> WorkCalendar:
    rows = session.exec(select(CalendarDay)).all()
    return WorkCalendar(
        days_off={r.day: r.name_vi for r in rows if r.is_day_off},
        worked=frozenset(r.day for r in rows if not r.is_day_off),
    )


def holidays_in(session: Session, year: int, locale: str = "vi") -> list[tuple[date, str, str]]:
    """Every holiday and override of a year: (day, name, source) with source national/added/worked."""
    rows = session.exec(
        select(CalendarDay).where(
            col(CalendarDay.day) >= date(year, 1, 1), col(CalendarDay.day) <= date(year, 12, 31)
        )
    ).all()
    out = {
        d: (d, n, "national")
        for d, n in _national(year, "vi" if locale == "vi" else "en_US").items()
    }
    for r in rows:
        name = r.name_en if locale == "en" and r.name_en else r.name_vi
        out[r.day] = (r.day, name, "added" if r.is_day_off else "worked")
    return sorted(out.values())


def list_overrides(session: Session) -> list[CalendarDay]:
    return list(session.exec(select(CalendarDay).order_by(col(CalendarDay.day))).all())


@use_case
def add_day(
    session: Session,
    *,
    actor: Actor,
    day: date | None,
    name_vi: str,
    name_en: str,
    is_day_off: bool,
) -> CalendarDay:
    """Add a day off (or a worked day) to the calendar used for schedules and deadlines."""
    errors: dict[str, Msg] = {}
    name_vi, name_en = name_vi.strip(), name_en.strip()
    if day is None:
        errors["day"] = Msg("Enter the date.")
    elif session.exec(select(CalendarDay).where(CalendarDay.day == day)).first():
        errors["day"] = Msg("This date is already in the list.")
    if not name_vi:
        errors["name_vi"] = Msg("Enter the Vietnamese name.")
    elif len(name_vi) > 200:
        errors["name_vi"] = Msg("Use at most %(n)s characters.", {"n": 200})
    if len(name_en) > 200:
        errors["name_en"] = Msg("Use at most %(n)s characters.", {"n": 200})
    if errors:
        raise ValidationFailed(errors)
    assert day is not None
    row = CalendarDay(day=day, name_vi=name_vi, name_en=name_en, is_day_off=is_day_off)
    session.add(row)
    audit.record(
        session,
        actor,
        "calendar_day.added",
        row,
        f"{day:%d/%m/%Y} {'off' if is_day_off else 'worked'}: {name_vi}",
    )
    return row


@use_case
def remove_day(session: Session, *, actor: Actor, day_id: int) -> date:
    """Take a day out of the list; returns its date."""
    row = session.get(CalendarDay, day_id)
    if row is None:
        raise NotFound()
    audit.record(session, actor, "calendar_day.removed", row, f"{row.day:%d/%m/%Y}: {row.name_vi}")
    day = row.day
    session.delete(row)
    return day
