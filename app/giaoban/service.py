"""Use cases for giao ban participations: record, edit, delete (each audited), the year's list,
and what the yearly report counts (figure 2): `count_between`, `list_between`, `report_items`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.errors import STALE, Conflict, NotFound, ValidationFailed
from app.forms import CONTROL_CHARS, check_text
from app.giaoban.models import NAMED, ORGANISER_LABELS, GiaoBan, GiaoBanStatement, Organiser
from app.i18n import Msg, gettext
from app.law.rulesets import NoRuleSet, ruleset_on
from app.orgs import service as orgs
from app.orgs.models import OrgKind, OrgView
from app.statements.models import Statement
from app.timeutil import local_today
from app.uow import use_case

STATE_KINDS = (OrgKind.PEOPLES_COMMITTEE, OrgKind.DEPARTMENT, OrgKind.COMMUNE, OrgKind.OTHER)
MAX_STATEMENTS = 50


@dataclass
class GiaoBanInput:
    day: date | None = None
    organiser: str = ""
    organiser_other: str = ""
    organisation_id: int | None = None
    speaker_name: str = ""
    speaker_title: str = ""
    topics: str = ""
    statements: str = ""  # ids typed, separated by commas or spaces ("12, 15")


def informing_bodies(session: Session, day: date | None = None) -> list[OrgView]:
    """The state bodies in force on `day` (today by default) that may inform the press."""
    return orgs.list_organisations(session, on=day or local_today(), kinds=STATE_KINDS)


def _text(
    value: str, name: str, limit: int, errors: dict[str, Msg], required: Msg | None = None
) -> str:
    value = check_text(value, name, limit, errors, required)
    if name not in errors and CONTROL_CHARS.search(value):
        errors[name] = Msg("Remove the control characters from the text.")
    return value


def _statement_ids(session: Session, typed: str, errors: dict[str, Msg]) -> list[int]:
    tokens = [t.lstrip("#") for t in re.split(r"[\s,;]+", typed.strip()) if t]
    ids: list[int] = []
    for token in tokens:
        if not token.isdigit() or len(token) > 11 or session.get(Statement, int(token)) is None:
            errors["statements"] = Msg("No statement has the id %(id)s.", {"id": token[:20]})
            return []
        ids.append(int(token))
    if len(set(ids)) > MAX_STATEMENTS:
        errors["statements"] = Msg("Link at most %(n)s statements.", {"n": MAX_STATEMENTS})
    return sorted(set(ids))


def _check(session: Session, data: GiaoBanInput) -> tuple[date, Organiser, list[int]]:
    errors: dict[str, Msg] = {}
    day = data.day
    if day is None:
        errors["day"] = Msg("Enter the date.")
    elif day > local_today():
        errors["day"] = Msg("This date is in the future.")
    else:
        try:
            ruleset_on(day)
        except NoRuleSet as exc:
            errors["day"] = exc.message
    organiser = Organiser(data.organiser) if data.organiser in set(Organiser) else None
    if organiser is None:
        errors["organiser"] = Msg("Choose who ran the giao ban.")
    required = Msg("Name the organiser.") if organiser == Organiser.OTHER else None
    data.organiser_other = _text(data.organiser_other, "organiser_other", 300, errors, required)
    if organiser not in NAMED:
        data.organiser_other = ""
    on = day if day is not None and "day" not in errors else local_today()
    if data.organisation_id not in {o.id for o in informing_bodies(session, on)}:
        errors["organisation_id"] = Msg("Choose the organisation that informed the press.")
    data.speaker_name = _text(
        data.speaker_name, "speaker_name", 200, errors, Msg("Enter who spoke.")
    )
    data.speaker_title = _text(data.speaker_title, "speaker_title", 300, errors)
    data.topics = _text(data.topics, "topics", 5000, errors, Msg("Enter the topics."))
    ids = _statement_ids(session, data.statements, errors)
    if errors:
        raise ValidationFailed(errors)
    assert day is not None and organiser is not None
    return day, organiser, ids


def _apply(row: GiaoBan, data: GiaoBanInput, day: date, organiser: Organiser) -> None:
    row.day = day
    row.organiser = organiser
    row.organiser_other = data.organiser_other
    row.organisation_id = data.organisation_id or 0
    row.speaker_name = data.speaker_name
    row.speaker_title = data.speaker_title
    row.topics = data.topics


def _set_statements(session: Session, giao_ban_id: int, ids: list[int]) -> None:
    for link in session.exec(
        select(GiaoBanStatement).where(GiaoBanStatement.giao_ban_id == giao_ban_id)
    ).all():
        if link.statement_id not in ids:
            session.delete(link)
        else:
            ids = [i for i in ids if i != link.statement_id]
    for statement_id in ids:
        session.add(GiaoBanStatement(giao_ban_id=giao_ban_id, statement_id=statement_id))


def _summary(row: GiaoBan, ids: list[int]) -> str:
    who = row.organiser.value + (f" ({row.organiser_other})" if row.organiser_other else "")
    linked = f"; statements {', '.join(map(str, ids))}" if ids else ""
    return f"{row.day:%d/%m/%Y} {who}: org {row.organisation_id}, {row.speaker_name}{linked}"


@use_case
def create(session: Session, *, actor: Actor, data: GiaoBanInput) -> GiaoBan:
    """Record that a body of the province informed the press at a giao ban."""
    day, organiser, ids = _check(session, data)
    row = GiaoBan(
        day=day,
        organiser=organiser,
        organisation_id=data.organisation_id or 0,
        speaker_name=data.speaker_name,
        topics=data.topics,
        created_by=actor.user_id,
    )
    _apply(row, data, day, organiser)
    session.add(row)
    session.flush()
    assert row.id is not None
    _set_statements(session, row.id, ids)
    audit.record(session, actor, "giao_ban.recorded", row, _summary(row, ids))
    return row


def get(session: Session, giao_ban_id: int) -> GiaoBan:
    row = session.get(GiaoBan, giao_ban_id)
    if row is None:
        raise NotFound()
    return row


@use_case
def update(
    session: Session,
    *,
    actor: Actor,
    giao_ban_id: int,
    data: GiaoBanInput,
    expected_revision: int | None = None,
) -> GiaoBan:
    row = get(session, giao_ban_id)
    if expected_revision is not None and row.revision != expected_revision:
        raise Conflict(STALE)
    day, organiser, ids = _check(session, data)
    _apply(row, data, day, organiser)
    session.add(row)
    _set_statements(session, giao_ban_id, ids)
    audit.record(session, actor, "giao_ban.updated", row, _summary(row, ids))
    return row


@use_case
def delete(session: Session, *, actor: Actor, giao_ban_id: int) -> date:
    """Remove a record (entered by mistake); returns its date."""
    row = get(session, giao_ban_id)
    ids = statement_ids(session, giao_ban_id)
    audit.record(session, actor, "giao_ban.deleted", row, _summary(row, ids))
    for link in session.exec(
        select(GiaoBanStatement).where(GiaoBanStatement.giao_ban_id == giao_ban_id)
    ).all():
        session.delete(link)
    session.flush()
    session.delete(row)
    return row.day


# --- Reading ---------------------------------------------------------------------------------


def statement_ids(session: Session, giao_ban_id: int) -> list[int]:
    return sorted(
        session.exec(
            select(GiaoBanStatement.statement_id).where(GiaoBanStatement.giao_ban_id == giao_ban_id)
        ).all()
    )


def statement_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.exec(
        select(GiaoBanStatement.giao_ban_id, func.count())
        .where(col(GiaoBanStatement.giao_ban_id).in_(ids))
        .group_by(col(GiaoBanStatement.giao_ban_id))
    ).all()
    return {gid: int(n) for gid, n in rows}


def list_between(session: Session, first: date, last: date) -> list[GiaoBan]:
    """The participations whose day is in [first, last], oldest first."""
    return list(
        session.exec(
            select(GiaoBan)
            .where(col(GiaoBan.day) >= first, col(GiaoBan.day) <= last)
            .order_by(col(GiaoBan.day), col(GiaoBan.id))
        ).all()
    )


def count_between(session: Session, first: date, last: date) -> int:
    """How many times the province informed the press at a giao ban in [first, last]."""
    return int(
        session.exec(
            select(func.count())
            .select_from(GiaoBan)
            .where(col(GiaoBan.day) >= first, col(GiaoBan.day) <= last)
        ).one()
    )


def in_year(session: Session, year: int) -> list[GiaoBan]:
    return list_between(session, date(year, 1, 1), date(year, 12, 31))


def organiser_name(row: GiaoBan, locale: str = "vi") -> str:
    label = gettext(locale, ORGANISER_LABELS[row.organiser])
    return f"{label}: {row.organiser_other}" if row.organiser_other else label


@dataclass(frozen=True)
class ReportItem:
    id: int
    day: date
    title: str


def report_items(session: Session, first: date, last: date) -> list[ReportItem]:
    """Figure (2) of the yearly report: one item per participation in [first, last]."""
    return [
        ReportItem(r.id or 0, r.day, f"{organiser_name(r)}: {' '.join(r.topics.split())}")
        for r in list_between(session, first, last)
    ]
