"""Use cases for sudden matters: open (from scratch or from a question), edit, link and unlink
statements, questions and briefings, record the press agency's correction, close and reopen.

Each use case validates, changes rows, writes an audit row and, when a matter with a time limit is
opened, tells the office and the spokesperson, in one transaction. Reads are in `queries.py`;
the yearly report calls `report_items`, `list_between` and `count_between` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlmodel import Session, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings.models import Briefing
from app.errors import STALE, Conflict, NotFound, ValidationFailed
from app.forms import CONTROL_CHARS, check_text
from app.i18n import Msg
from app.incidents import clock
from app.incidents.models import (
    SUMMARY_MAX,
    TITLE_MAX,
    LinkKind,
    Matter,
    MatterLink,
    MatterOrganisation,
)
from app.incidents.queries import (
    ReportItem,
    count_between,
    get,
    list_between,
    press_agencies,
    report_items,
    state_bodies,
)
from app.law.rulesets import Cited, NoRuleSet, RuleSet, ruleset_at
from app.notifications import triggers
from app.questions.models import Question
from app.statements.models import Statement
from app.timeutil import format_datetime, to_local, utcnow
from app.uow import use_case

__all__ = [
    "ReportItem",
    "count_between",
    "list_between",
    "report_items",
]

# Kinds about false information published by the press (Decree 244/2026 Art. 7(6)): they carry
# the press agency, the article and the correction.
PRESS_KINDS = frozenset({"art7_6"})
NOTE_MAX = 2000


@dataclass
class MatterInput:
    """What the office types about a matter. `unreadable`: fields typed but not readable as a
    date or time (found while reading the form), shown with the other errors."""

    kind: str = ""
    title: str = ""
    summary: str = ""
    clock_started_at: datetime | None = None
    organisation_ids: list[int] = field(default_factory=list)
    agency_id: int | None = None
    article_title: str = ""
    article_url: str = ""
    article_published_on: date | None = None
    unreadable: dict[str, Msg] = field(default_factory=dict)


@dataclass
class CorrectionInput:
    """The correction asked of the press agency: by when it is expected, when it was published."""

    expected_by: date | None = None
    published_at: datetime | None = None
    url: str = ""
    unreadable: dict[str, Msg] = field(default_factory=dict)


def is_press_kind(kind: str) -> bool:
    return kind in PRESS_KINDS


def _check_url(url: str, name: str, errors: dict[str, Msg]) -> str:
    url = url.strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000:
            errors[name] = Msg("Enter a full web address starting with https://")
    return url


def _check_free_text(
    value: str, name: str, limit: int, errors: dict[str, Msg], required: Msg | None = None
) -> str:
    value = check_text(value, name, limit, errors, required)
    if name not in errors and CONTROL_CHARS.search(value):
        errors[name] = Msg("Remove the control characters from the text.")
    return value


def _check(session: Session, data: MatterInput, now: datetime) -> tuple[RuleSet, Cited, date]:
    """Validate the input; the rule set and kind of the clock's day, and that day."""
    errors: dict[str, Msg] = dict(data.unreadable)
    ruleset: RuleSet | None = None
    start = data.clock_started_at
    if "clock_started_at" not in errors:
        if start is None:
            errors["clock_started_at"] = Msg("Enter when the clock started: the date and the time.")
        elif start > now:
            errors["clock_started_at"] = Msg("The clock cannot start in the future.")
        else:
            try:
                ruleset = ruleset_at(start)
            except NoRuleSet as exc:
                errors["clock_started_at"] = exc.message
    day = to_local(start).date() if start is not None and ruleset else to_local(now).date()
    cited = ruleset.sudden_kinds.get(data.kind) if ruleset else None
    if not data.kind:
        errors["kind"] = Msg("Choose the kind of matter.")
    elif ruleset is not None and cited is None:
        errors["kind"] = Msg(
            "The law in force on %(day)s has no such kind of matter: choose one of its kinds.",
            {"day": day.strftime("%d/%m/%Y")},
        )
    data.title = _check_free_text(data.title, "title", TITLE_MAX, errors, Msg("Enter a title."))
    data.summary = _check_free_text(data.summary, "summary", SUMMARY_MAX, errors)
    allowed = {o.id for o in state_bodies(session, day)}
    data.organisation_ids = sorted(set(data.organisation_ids))
    if any(i not in allowed for i in data.organisation_ids):
        errors["organisation_ids"] = Msg("Choose organisations from the list.")
    if is_press_kind(data.kind):
        if data.agency_id not in {o.id for o in press_agencies(session, day)}:
            errors["agency_id"] = Msg("Choose the press agency from the list.")
        data.article_title = _check_free_text(
            data.article_title, "article_title", 500, errors, Msg("Enter the title of the article.")
        )
        data.article_url = _check_url(data.article_url, "article_url", errors)
        published = data.article_published_on
        if "article_published_on" not in errors and published and published > to_local(now).date():
            errors["article_published_on"] = Msg("This date is in the future.")
    else:
        data.agency_id, data.article_title, data.article_url = None, "", ""
        data.article_published_on = None
    if errors:
        raise ValidationFailed(errors)
    assert ruleset is not None and cited is not None
    return ruleset, cited, day


def _apply(matter: Matter, data: MatterInput, ruleset: RuleSet, cited: Cited) -> None:
    assert data.clock_started_at is not None
    matter.kind = data.kind
    matter.ruleset = ruleset.code
    matter.title = data.title
    matter.summary = data.summary
    matter.clock_started_at = data.clock_started_at
    matter.due_at = clock.due_at(data.clock_started_at, cited.hours)
    matter.agency_id = data.agency_id
    matter.article_title = data.article_title
    matter.article_url = data.article_url
    matter.article_published_on = data.article_published_on
    if not is_press_kind(data.kind):
        matter.correction_expected_by = matter.correction_published_at = None
        matter.correction_url = ""


def _set_organisations(session: Session, matter_id: int, ids: list[int]) -> None:
    for row in session.exec(
        select(MatterOrganisation).where(MatterOrganisation.matter_id == matter_id)
    ).all():
        if row.organisation_id not in ids:
            session.delete(row)
    have = set(
        session.exec(
            select(MatterOrganisation.organisation_id).where(
                MatterOrganisation.matter_id == matter_id
            )
        ).all()
    )
    for org_id in ids:
        if org_id not in have:
            session.add(MatterOrganisation(matter_id=matter_id, organisation_id=org_id))


def _summary(matter: Matter) -> str:
    due = format_datetime(matter.due_at) if matter.due_at else "-"
    started = format_datetime(matter.clock_started_at)
    return f"{matter.kind} ({matter.ruleset}) {started} → {due}: {matter.title}"


@use_case
def create(session: Session, *, actor: Actor, data: MatterInput) -> Matter:
    """Open a matter; the clock and its due time come from the kind of the law of its day."""
    now = utcnow()
    ruleset, cited, _day = _check(session, data, now)
    matter = Matter(
        kind=data.kind,
        ruleset=ruleset.code,
        title=data.title,
        clock_started_at=data.clock_started_at or now,
        created_by=actor.user_id,
    )
    _apply(matter, data, ruleset, cited)
    session.add(matter)
    session.flush()
    assert matter.id is not None
    _set_organisations(session, matter.id, data.organisation_ids)
    audit.record(session, actor, "sudden_matter.opened", matter, _summary(matter))
    if matter.due_at is not None:
        triggers.matter_opened(session, matter, cited.hours or 0)
    return matter


def _open_matter(session: Session, matter_id: int, expected_revision: int | None = None) -> Matter:
    matter = get(session, matter_id)
    if matter.closed_at is not None:
        raise Conflict(Msg("This matter is closed: reopen it to change it."))
    if expected_revision is not None and matter.revision != expected_revision:
        raise Conflict(STALE)
    return matter


@use_case
def update(
    session: Session,
    *,
    actor: Actor,
    matter_id: int,
    data: MatterInput,
    expected_revision: int | None = None,
) -> Matter:
    """Change an open matter's facts; its kind is checked against the law of its (new) day."""
    matter = _open_matter(session, matter_id, expected_revision)
    ruleset, cited, _day = _check(session, data, utcnow())
    before = _summary(matter)
    _apply(matter, data, ruleset, cited)
    matter.updated_at = utcnow()
    session.add(matter)
    _set_organisations(session, matter_id, data.organisation_ids)
    after = _summary(matter)
    audit.record(
        session,
        actor,
        "sudden_matter.updated",
        matter,
        after if before == after else f"{before} ⇒ {after}",
    )
    return matter


def _question_title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1] + "…"


@use_case
def open_from_question(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    kind: str,
    clock_started_at: datetime | None,
) -> Matter:
    """Open a matter about a journalist's question and link the question to it."""
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound()
    data = MatterInput(
        kind=kind,
        title=_question_title(question.text),
        summary=question.text[:SUMMARY_MAX],
        clock_started_at=clock_started_at,
    )
    matter = create(session, actor=actor, data=data)
    assert matter.id is not None
    session.add(
        MatterLink(
            matter_id=matter.id,
            kind=LinkKind.QUESTION,
            object_id=question_id,
            linked_by=actor.user_id,
        )
    )
    audit.record(session, actor, "sudden_matter.linked", matter, f"question {question_id}")
    return matter


# --- Links -----------------------------------------------------------------------------------


def _digits(ref: str) -> int | None:
    ref = ref.strip().lstrip("#").strip()
    return int(ref) if ref.isdigit() and len(ref) < 12 else None


def _resolve(session: Session, kind: LinkKind, ref: str) -> int:
    """The id of the statement (by id or number), question or briefing (by id) typed."""
    number = _digits(ref)
    if kind == LinkKind.STATEMENT:
        if number is not None and session.get(Statement, number) is not None:
            return number
        found = session.exec(select(Statement.id).where(Statement.number == ref.strip())).all()
        if len(found) > 1:
            raise ValidationFailed(
                {
                    "ref": Msg(
                        "Several statements have this number (one a year): give its id instead."
                    )
                }
            )
        if not found or found[0] is None:
            raise ValidationFailed({"ref": Msg("No statement has this number or id.")})
        return found[0]
    model: type[Question] | type[Briefing] = Question if kind == LinkKind.QUESTION else Briefing
    if number is None or session.get(model, number) is None:
        raise ValidationFailed(
            {
                "ref": Msg("No question has this number.")
                if kind == LinkKind.QUESTION
                else Msg("No briefing has this number.")
            }
        )
    return number


@use_case
def link(session: Session, *, actor: Actor, matter_id: int, kind: str, ref: str) -> MatterLink:
    """Link a statement, a question or a briefing to an open matter."""
    matter = _open_matter(session, matter_id)
    if kind not in {k.value for k in LinkKind}:
        raise ValidationFailed({"link_kind": Msg("Choose what to link.")})
    if not ref.strip():
        raise ValidationFailed({"ref": Msg("Enter its number.")})
    link_kind = LinkKind(kind)
    object_id = _resolve(session, link_kind, ref)
    if session.get(MatterLink, (matter_id, link_kind, object_id)) is not None:
        raise ValidationFailed({"ref": Msg("This is already linked to the matter.")})
    row = MatterLink(
        matter_id=matter_id, kind=link_kind, object_id=object_id, linked_by=actor.user_id
    )
    session.add(row)
    matter.updated_at = utcnow()
    session.add(matter)
    audit.record(session, actor, "sudden_matter.linked", matter, f"{kind} {object_id}")
    return row


@use_case
def unlink(
    session: Session, *, actor: Actor, matter_id: int, kind: str, object_id: int | None
) -> None:
    """Remove a link from an open matter."""
    matter = _open_matter(session, matter_id)
    if kind not in {k.value for k in LinkKind} or object_id is None:
        raise NotFound()
    row = session.get(MatterLink, (matter_id, LinkKind(kind), object_id))
    if row is None:
        raise NotFound()
    session.delete(row)
    matter.updated_at = utcnow()
    session.add(matter)
    audit.record(session, actor, "sudden_matter.unlinked", matter, f"{kind} {object_id}")


# --- The correction, closing -------------------------------------------------------------------


@use_case
def record_correction(
    session: Session, *, actor: Actor, matter_id: int, data: CorrectionInput
) -> Matter:
    """False information: when the correction is expected, and whether and when the press
    agency published it (with its address)."""
    matter = _open_matter(session, matter_id)
    if not is_press_kind(matter.kind):
        raise Conflict(Msg("Only a matter of false information in the press has a correction."))
    errors: dict[str, Msg] = dict(data.unreadable)
    url = _check_url(data.url, "correction_url", errors)
    now = utcnow()
    published = data.published_at
    if "correction_published_at" not in errors and published is not None and published > now:
        errors["correction_published_at"] = Msg("This time is in the future.")
    if url and data.published_at is None and "correction_published_at" not in errors:
        errors["correction_published_at"] = Msg(
            "Enter when the press agency published the correction."
        )
    if errors:
        raise ValidationFailed(errors)
    matter.correction_expected_by = data.expected_by
    matter.correction_published_at = data.published_at
    matter.correction_url = url
    matter.updated_at = now
    session.add(matter)
    expected = data.expected_by.strftime("%d/%m/%Y") if data.expected_by else "-"
    shown = format_datetime(data.published_at) if data.published_at else "-"
    audit.record(
        session,
        actor,
        "sudden_matter.correction",
        matter,
        f"expected by {expected}; published {shown} {url}".strip(),
    )
    return matter


@use_case
def close(session: Session, *, actor: Actor, matter_id: int, note: str) -> Matter:
    """Close a matter with a note; its verdict stays as its links make it."""
    matter = _open_matter(session, matter_id)
    errors: dict[str, Msg] = {}
    note = _check_free_text(note, "note", NOTE_MAX, errors)
    if errors:
        raise ValidationFailed(errors)
    matter.closed_at = utcnow()
    matter.closed_by = actor.user_id
    matter.closing_note = note
    matter.updated_at = matter.closed_at
    session.add(matter)
    audit.record(session, actor, "sudden_matter.closed", matter, note[:500])
    return matter


@use_case
def reopen(session: Session, *, actor: Actor, matter_id: int) -> Matter:
    """Open a closed matter again (to add a link or correct a fact)."""
    matter = get(session, matter_id)
    if matter.closed_at is None:
        raise Conflict(Msg("This matter is open already."))
    matter.closed_at = None
    matter.closed_by = None
    matter.updated_at = utcnow()
    session.add(matter)
    audit.record(session, actor, "sudden_matter.reopened", matter, matter.closing_note[:500])
    return matter
