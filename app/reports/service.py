"""Reports: who sees whose figures, and which period is asked for. The counting is in `figures`.

- The press office, the spokesperson and the administrator see the whole province, and may narrow
  it to one organisation (`org`).
- A department sees its own organisation's figures only: asking for another one is "not found",
  as everywhere else a department reaches outside its organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from app.accounts.models import OFFICE_ROLES, Role
from app.audit.service import Actor
from app.briefings import compliance
from app.errors import Forbidden, NotFound
from app.forms import parse_date, parse_int
from app.i18n import N_, Msg
from app.orgs.models import Organisation
from app.reports import figures
from app.reports.figures import Period, Scope, Summary
from app.timeutil import local_today

MAX_DAYS = 5 * 366  # a report covers at most five years


def scope_for(session: Session, actor: Actor, org: int | None) -> Scope:
    if actor.role == Role.DEPARTMENT.value:
        if actor.organisation_id is None:
            raise Forbidden()
        if org is not None and org != actor.organisation_id:
            raise NotFound()
        return Scope(actor.organisation_id)
    if not (actor.role in OFFICE_ROLES or actor.role == Role.ADMIN.value):
        raise Forbidden()
    if org is not None and session.get(Organisation, org) is None:
        raise NotFound()
    return Scope(org)


def asked(
    session: Session, actor: Actor, date_from: str, date_to: str, org: str
) -> tuple[Scope, Period, dict[str, Msg]]:
    """Whose figures and which period, from what the page or the API was given (`org` as typed:
    unreadable is "not found", like an organisation that does not exist)."""
    org_id = parse_int(org) if org.strip() else None
    if org.strip() and org_id is None:
        raise NotFound()
    scope = scope_for(session, actor, org_id)
    period, errors = parse_period(date_from, date_to, local_today())
    return scope, period, errors


def year_of(today: date) -> Period:
    return Period(date(today.year, 1, 1), date(today.year, 12, 31))


def parse_period(date_from: str, date_to: str, today: date) -> tuple[Period, dict[str, Msg]]:
    """The period from the form (empty: this year); with errors, this year and the messages."""
    errors: dict[str, Msg] = {}
    default = year_of(today)
    first = parse_date(date_from) if date_from.strip() else default.first
    last = parse_date(date_to) if date_to.strip() else default.last
    if first is None:
        errors["from"] = Msg("Enter a date, for example 01/01/2026.")
    if last is None:
        errors["to"] = Msg("Enter a date, for example 31/12/2026.")
    if first and last:
        if last < first:
            errors["to"] = Msg("The end of the period is before its start.")
        elif (last - first).days > MAX_DAYS:
            errors["to"] = Msg("A report covers at most five years.")
    if errors or first is None or last is None:
        return default, errors
    return Period(first, last), errors


@dataclass(frozen=True)
class Shortcut:
    label: str  # a msgid
    period: Period


def _month(day: date) -> Period:
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(day.replace(day=1), nxt - timedelta(days=1))


def _quarter(day: date) -> Period:
    q = (day.month - 1) // 3
    first = date(day.year, 3 * q + 1, 1)
    return Period(first, _month(date(day.year, 3 * q + 3, 1)).last)


def shortcuts(today: date) -> list[Shortcut]:
    """This month, last month, this quarter, last quarter, this year, last year."""
    this_month = _month(today)
    this_quarter = _quarter(today)
    return [
        Shortcut(N_("This month"), this_month),
        Shortcut(N_("Last month"), _month(this_month.first - timedelta(days=1))),
        Shortcut(N_("This quarter"), this_quarter),
        Shortcut(N_("Last quarter"), _quarter(this_quarter.first - timedelta(days=1))),
        Shortcut(N_("This year"), year_of(today)),
        Shortcut(N_("Last year"), year_of(date(today.year - 1, 6, 1))),
    ]


def summary(session: Session, period: Period, scope: Scope, ruleset: str | None) -> Summary:
    return figures.summary(session, period, scope, rules=compliance.rule_set(ruleset or None))
