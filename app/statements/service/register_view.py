"""The spokesperson register as a list to read: by level and organisation, each entry with what
the office must put right (posted late, no official e-mail or phone). The public page, the
office's page and the downloads all read this one list, so they show the same rows.

Posting on time: under a rule set with `posting_hours` (Decree 244/2026 Art. 3: within 24 hours of
the assignment decision) a regular spokesperson's entry must be on the public list by then. Only
the decision's date is recorded, not its hour: read leniently, as if the decision were signed at
the last moment of its day, so an entry posted by the end of the day after the decision is on
time. Entries whose start date falls under a rule set without a time limit (Decree 09/2017) are
never late. Pure functions of the row and the rule sets, tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from app.errors import NotFound
from app.forms import parse_int
from app.i18n import N_
from app.law.rulesets import NoRuleSet, ruleset_on
from app.orgs import service as orgs
from app.orgs.models import OrgKind, OrgView
from app.statements.models import Spokesperson, SpokespersonRole
from app.statements.service.common import ISSUING_KINDS
from app.timeutil import LOCAL_TZ


class Level(StrEnum):
    PROVINCE = "province"  # the provincial People's Committee and provincial bodies of kind other
    DEPARTMENT = "department"  # departments (sở), boards and the inspectorate
    COMMUNE = "commune"  # the commune-level People's Committees (wards, communes, special zones)


LEVEL_LABELS: dict[Level, str] = {
    Level.PROVINCE: N_("Province"),
    Level.DEPARTMENT: N_("Departments and sectors"),
    Level.COMMUNE: N_("Communes, wards and special zones"),
}
LEVEL_KINDS: dict[Level, tuple[OrgKind, ...]] = {
    Level.PROVINCE: (OrgKind.PEOPLES_COMMITTEE, OrgKind.OTHER),
    Level.DEPARTMENT: (OrgKind.DEPARTMENT,),
    Level.COMMUNE: (OrgKind.COMMUNE,),
}
_LEVEL_OF = {kind: level for level, kinds in LEVEL_KINDS.items() for kind in kinds}
_ROLE_ORDER = {role: i for i, role in enumerate(SpokespersonRole)}
_KIND_ORDER = {kind: i for i, kind in enumerate(OrgKind)}


def level_of(kind: OrgKind) -> Level | None:
    return _LEVEL_OF.get(kind)


# --- Posting on time and contact details (pure) -----------------------------------------------------


def posting_deadline(person: Spokesperson) -> datetime | None:
    """When a regular spokesperson's entry had to be on the public list; None when no time limit
    applies (a head, an authorisation, no decision date, a rule set without a limit)."""
    if person.role != SpokespersonRole.SPOKESPERSON or person.decision_date is None:
        return None
    try:
        rules = ruleset_on(person.valid_from)
    except NoRuleSet:
        return None
    if rules.posting_hours is None:
        return None
    # The decision's hour is not recorded: counted from the end of its day (the lenient reading),
    # and never from before the day the rule set took effect (no duty existed before it).
    start = max(person.decision_date + timedelta(days=1), rules.valid_from)
    return datetime.combine(start, time(0), LOCAL_TZ) + timedelta(hours=rules.posting_hours)


def posted_late(person: Spokesperson) -> bool:
    deadline = posting_deadline(person)
    return deadline is not None and person.posted_at is not None and person.posted_at > deadline


def in_force(person: Spokesperson, day: date) -> bool:
    return person.valid_from <= day and (person.valid_to is None or person.valid_to >= day)


def missing_contact(person: Spokesperson, day: date) -> tuple[str, ...]:
    """What an entry in force on `day` lacks of its public contact details ("phone", "email")."""
    if not in_force(person, day):
        return ()
    return tuple(name for name in ("phone", "email") if not getattr(person, name).strip())


# --- Filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    """What a reader narrowed the register to; values that do not parse are not applied."""

    level: Level | None = None
    organisation_id: int | None = None

    @classmethod
    def parse(cls, level: str | None, org: str | None) -> RegisterFilters:
        values = {lv.value for lv in Level}
        return cls(Level(level) if level in values else None, parse_int(org))

    @property
    def active(self) -> bool:
        return self.level is not None or self.organisation_id is not None

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for the download links)."""
        out: dict[str, str] = {}
        if self.level is not None:
            out["level"] = self.level.value
        if self.organisation_id is not None:
            out["org"] = str(self.organisation_id)
        return out


# --- The list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    person: Spokesperson
    organisation: OrgView
    level: Level | None
    state: str  # "current", "future" or "past" on the day the list is read
    deadline: datetime | None  # when it had to be posted (regular spokesperson, time limit)
    late: bool
    missing: tuple[str, ...]  # "phone", "email": in force without them

    @property
    def due_day(self) -> date | None:
        """The last day of the posting time when it ends at midnight (as 24 hours do): "by the
        end of 1/12" reads better than "by 2/12 00:00"."""
        if self.deadline is None:
            return None
        local = self.deadline.astimezone(LOCAL_TZ)
        return (local - timedelta(days=1)).date() if local.time() == time(0) else None


@dataclass
class Group:
    organisation: OrgView
    level: Level | None
    current: list[Entry] = field(default_factory=list)
    future: list[Entry] = field(default_factory=list)
    past: list[Entry] = field(default_factory=list)

    @property
    def others(self) -> list[Entry]:
        """Everyone not in force on the day: those to come, then those before."""
        return [*self.future, *self.past]

    @property
    def entries(self) -> list[Entry]:
        return [*self.current, *self.future, *self.past]


@dataclass
class RegisterView:
    day: date
    filters: RegisterFilters
    groups: list[Group]

    @property
    def current(self) -> list[Entry]:
        """Who may speak on the day, in the page's order: the list that is downloaded."""
        return [e for g in self.groups for e in g.current]

    @property
    def late(self) -> list[Entry]:
        return [e for g in self.groups for e in g.entries if e.late]

    @property
    def incomplete(self) -> list[Entry]:
        return [e for g in self.groups for e in g.entries if e.missing]


def _org_views(session: Session, ids: set[int], day: date) -> dict[int, OrgView]:
    """Each organisation with its name on `day` (a retired one: its last name; one that begins
    later: its first)."""
    found = {
        o.id: o
        for o in orgs.list_organisations(session, on=day, kinds=ISSUING_KINDS, include_retired=True)
        if o.id in ids
    }
    for org_id in ids - set(found):
        try:
            found[org_id] = orgs.get(session, org_id, on=day)
        except NotFound:
            continue
    return found


def _sort_key(view: OrgView) -> tuple[int, int, str]:
    level = level_of(view.kind)
    return (list(Level).index(level) if level else 99, _KIND_ORDER[view.kind], view.name_vi)


def register_view(
    session: Session, *, on: date, filters: RegisterFilters | None = None
) -> RegisterView:
    """The register on `on` by organisation (the province first, then departments, then the
    communes, each by name): who may speak, who will, who did; filtered by level and body."""
    filters = filters or RegisterFilters()
    query = select(Spokesperson).order_by(col(Spokesperson.valid_from).desc(), col(Spokesperson.id))
    if filters.organisation_id is not None:
        query = query.where(Spokesperson.organisation_id == filters.organisation_id)
    people = list(session.exec(query).all())
    ids = {p.organisation_id for p in people}
    if filters.organisation_id is not None:
        ids.add(filters.organisation_id)  # shown even when nobody is registered for it
    views = _org_views(session, ids, on)
    groups: dict[int, Group] = {}
    for org_id, view in views.items():
        level = level_of(view.kind)
        if view.kind not in ISSUING_KINDS or (filters.level and level != filters.level):
            continue
        groups[org_id] = Group(view, level)
    for person in people:
        group = groups.get(person.organisation_id)
        if group is None:
            continue
        if in_force(person, on):
            state, bucket = "current", group.current
        elif person.valid_from > on:
            state, bucket = "future", group.future
        else:
            state, bucket = "past", group.past
        bucket.append(
            Entry(
                person=person,
                organisation=group.organisation,
                level=group.level,
                state=state,
                deadline=posting_deadline(person),
                late=posted_late(person),
                missing=missing_contact(person, on),
            )
        )
    for group in groups.values():
        group.current.sort(key=lambda e: (_ROLE_ORDER[e.person.role], e.person.full_name))
        group.future.sort(key=lambda e: e.person.valid_from)
    ordered = sorted(groups.values(), key=lambda g: _sort_key(g.organisation))
    if filters.organisation_id is None:
        ordered = [g for g in ordered if g.entries]
    return RegisterView(on, filters, ordered)


def filter_organisations(session: Session, day: date) -> list[tuple[Level, list[OrgView]]]:
    """The bodies that may have spokespersons on `day`, by level (for the filter's list)."""
    views = orgs.list_organisations(session, on=day, kinds=ISSUING_KINDS)
    return [
        (level, sorted((v for v in views if level_of(v.kind) == level), key=_sort_key))
        for level in Level
    ]
