"""The steps of an edition (the table in `states`): submitted for review, returned to draft,
approved by a second person, published now or scheduled under embargo (in the name of someone who
may speak on that day), taken back before its time, and the recording of embargoes that have
ended.

A statement gets its number when it becomes public, never before: at once when published now, in
`publish_due`'s conditional update when its embargo ends. An embargoed statement therefore holds
no number that a later public one could skip, so the public series has no gap that would betray
it; `catch_up` runs the same step when a public page is asked for, so an embargo still ends on
time.

Approval is by someone who neither created nor edited the edition (nor its translations), and
who is the spokesperson or a press-office editor given the right (`StatementApprover`).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update as sql_update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

import app.statements.service.preview as preview
import app.statements.service.visibility as visibility
from app import timeutil
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.errors import STALE, Conflict, Forbidden, ValidationFailed
from app.i18n import Msg
from app.notifications import work as notices
from app.statements.models import (
    ISSUED,
    Edition,
    EditionFile,
    EditionState,
    EditionTranslation,
    Statement,
    StatementFile,
)
from app.statements.service.common import NOT_NOW
from app.statements.service.drafting import apply_links, search_text_of
from app.statements.service.numbering import format_number, next_seq
from app.statements.service.reading import (
    get,
    prepared_edition,
    spokesperson_of,
)
from app.statements.service.reference import may_approve
from app.statements.service.spokespersons import may_speak
from app.statements.states import WORKFLOW, Step
from app.timeutil import to_local, utcnow
from app.uow import use_case

log = logging.getLogger(__name__)

# What counts as writing part of an edition, as recorded in the audit log against it.
WRITING = (
    "statement.edited",
    "statement.translated",
    "statement.translation_removed",
    "statement.file_removed",
)


def authors(session: Session, ed: Edition) -> set[int]:
    """Everyone who wrote any part of the edition: its author, anyone who ever saved it (not
    only the last), its translators and whoever added or removed its files. None of them may
    approve it."""
    if ed.id is None:
        return {p for p in (ed.created_by, ed.edited_by) if p is not None}
    return authors_of(session, [ed])[ed.id]


def authors_of(session: Session, eds: list[Edition]) -> dict[int, set[int]]:
    """`authors` of several editions at once (three queries, however many editions)."""
    people: dict[int, set[int | None]] = {
        ed.id: {ed.created_by, ed.edited_by} for ed in eds if ed.id is not None
    }
    if not people:
        return {}
    ids = list(people)
    for edition_id, by in session.exec(
        select(EditionTranslation.edition_id, EditionTranslation.translated_by).where(
            col(EditionTranslation.edition_id).in_(ids)
        )
    ):
        people[edition_id].add(by)
    for object_id, by in session.exec(
        select(AuditEvent.object_id, AuditEvent.actor_user_id).where(
            AuditEvent.object_type == Edition.__tablename__,
            col(AuditEvent.object_id).in_([str(i) for i in ids]),
            col(AuditEvent.action).in_(WRITING),
        )
    ):
        people[int(object_id or 0)].add(by)
    created = {ed.id: ed.created_at for ed in eds if ed.id is not None}
    for edition_id, by, at in session.exec(
        select(EditionFile.edition_id, StatementFile.uploaded_by, StatementFile.uploaded_at)
        .join(EditionFile, col(EditionFile.file_id) == StatementFile.id)
        .where(col(EditionFile.edition_id).in_(ids))
    ):
        if at >= created[edition_id]:  # not a file carried over
            people[edition_id].add(by)
    return {i: {p for p in found if p is not None} for i, found in people.items()}


def _step(ed: Edition, step: Step) -> EditionState:
    target = WORKFLOW.next(ed.state, step)
    if target is None:
        raise Conflict(NOT_NOW)
    return target


@use_case
def submit(
    session: Session, *, actor: Actor, statement_id: int, expected_revision: int | None = None
) -> Edition:
    get(session, statement_id, actor=actor)
    ed = prepared_edition(session, statement_id, expected_revision)
    ed.state = _step(ed, Step.SUBMIT)
    ed.submitted_at = utcnow()
    session.add(ed)
    audit.record(session, actor, "statement.submitted", ed, f"#{statement_id} edition {ed.number}")
    notices.statement_submitted(session, ed, authors(session, ed))
    return ed


@use_case
def return_to_draft(
    session: Session, *, actor: Actor, statement_id: int, expected_revision: int | None = None
) -> Edition:
    """Send a submitted or approved edition back to draft (to change it)."""
    get(session, statement_id, actor=actor)
    ed = prepared_edition(session, statement_id, expected_revision)
    ed.state = _step(ed, Step.RETURN)
    ed.approved_by, ed.approved_at = None, None
    session.add(ed)
    audit.record(session, actor, "statement.returned", ed, f"#{statement_id} edition {ed.number}")
    notices.statement_returned(session, ed, actor.user_id)
    return ed


@use_case
def approve(
    session: Session, *, actor: Actor, statement_id: int, expected_revision: int | None = None
) -> Edition:
    """A second person approves: the spokesperson or an editor with the right, never someone
    who created or edited the edition or its translations."""
    get(session, statement_id, actor=actor)
    ed = prepared_edition(session, statement_id, expected_revision)
    if not may_approve(session, actor):
        raise Forbidden(
            Msg("Only the spokesperson or an editor given the right may approve statements.")
        )
    if actor.user_id is not None and actor.user_id in authors(session, ed):
        raise Forbidden(Msg("You wrote or edited this edition: another person must approve it."))
    ed.state = _step(ed, Step.APPROVE)
    ed.approved_by = actor.user_id
    ed.approved_at = utcnow()
    session.add(ed)
    audit.record(session, actor, "statement.approved", ed, f"#{statement_id} edition {ed.number}")
    return ed


@use_case
def publish(
    session: Session,
    *,
    actor: Actor,
    statement_id: int,
    at: datetime | None = None,
    expected_revision: int | None = None,
    numbers_file: str = "",
) -> Edition:
    """Issue the approved edition now, or schedule it (embargo) for `at`. The first edition must
    be issued in the name of someone who may speak for the organisation on the date of issue; it
    gets its number now when issued now, else when the embargo ends (`publish_due`). The
    edition it replaces stays public until then."""
    st = get(session, statement_id, actor=actor)
    ed = prepared_edition(session, statement_id, expected_revision)
    now = utcnow()
    if at is not None and at <= now:
        raise ValidationFailed(
            {"publish_at": Msg("The scheduled time has passed: choose a time in the future.")}
        )
    when = at or now
    step = Step.SCHEDULE if at is not None else Step.PUBLISH
    target = _step(ed, step)
    if ed.number == 1:
        person = spokesperson_of(session, st.spokesperson_id)
        day = to_local(when).date()
        if person is None or not may_speak(person, st.organisation_id, day):
            raise ValidationFailed(
                {
                    "spokesperson_id": Msg(
                        "On %(date)s this person may not speak for the organisation: choose someone in the register for that day.",
                        {"date": day.strftime("%d/%m/%Y")},
                    )
                }
            )
        if at is None:
            give_number(session, st, when, numbers_file)
        st.first_published_at = when
    previous = session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(col(Edition.state).in_([s.value for s in ISSUED]))
        .where(col(Edition.number) < ed.number)
        .order_by(col(Edition.number).desc())
    ).first()
    if previous is not None:
        if previous.publish_at is not None and previous.publish_at > when:
            raise ValidationFailed(
                {"publish_at": Msg("The previous edition is scheduled later than this time.")}
            )
        previous.superseded_at = when
        session.add(previous)
    if ed.pending_links is not None:
        apply_links(session, st, ed.pending_links)
    ed.state = target
    ed.publish_at = when
    ed.search_text = search_text_of(session, st, ed)
    st.updated_at = now
    session.add_all([st, ed])
    action = "statement.scheduled" if at is not None else "statement.published"
    audit.record(
        session,
        actor,
        action,
        ed,
        f"#{statement_id} {st.number or '(number at publication)'} edition {ed.number}"
        f" at {when.isoformat()}",
    )
    visibility.mark_public_change(session)
    return ed


@use_case
def unschedule(
    session: Session, *, actor: Actor, statement_id: int, expected_revision: int | None = None
) -> Edition:
    """Take a scheduled edition back (before its time): it returns to approved."""
    st = get(session, statement_id, actor=actor)
    ed = session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(Edition.state == EditionState.SCHEDULED)
    ).first()
    if ed is None:
        raise Conflict(NOT_NOW)
    if expected_revision is not None and expected_revision != ed.revision:
        raise Conflict(STALE)
    if ed.publish_at is not None and ed.publish_at <= utcnow():
        raise Conflict(Msg("The embargo has already ended: the edition is public."))
    ed.state = _step(ed, Step.UNSCHEDULE)
    ed.publish_at = None
    if ed.number == 1:  # not issued after all (and never numbered)
        st.first_published_at = None
        session.add(st)
        preview.end_when_taken_back(session, actor, statement_id)
    previous = session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(col(Edition.number) < ed.number)
        .order_by(col(Edition.number).desc())
    ).first()
    if previous is not None:
        previous.superseded_at = None
        session.add(previous)
    session.add(ed)
    audit.record(
        session, actor, "statement.unscheduled", ed, f"#{statement_id} edition {ed.number}"
    )
    visibility.mark_public_change(session)
    return ed


def give_number(session: Session, st: Statement, when: datetime, numbers_file: str = "") -> None:
    """Number the statement in its kind's series of the local year of `when` (once: a statement
    numbered before keeps its number)."""
    if st.number is not None:
        return
    year = to_local(when).year
    seq = next_seq(session, st.kind, year)
    st.year, st.seq = year, seq
    st.number = format_number(st.kind, seq, year, numbers_file)
    session.add(st)


@use_case
def publish_due(
    session: Session, *, now: datetime | None = None, numbers_file: str = ""
) -> list[int]:
    """Mark scheduled editions whose time has come as published, give a first edition its
    number and audit it, once each even with several workers running this at the same moment:
    the conditional UPDATE lets one of them win each edition. Editions are taken in the order of
    their time, so numbers follow the order in which statements became public."""
    now = now or utcnow()
    due = session.exec(
        select(Edition.id)
        .where(Edition.state == EditionState.SCHEDULED, col(Edition.publish_at) <= now)
        .order_by(col(Edition.publish_at), col(Edition.id))
    ).all()
    done: list[int] = []
    for edition_id in due:
        won = session.execute(  # type: ignore[attr-defined]  # CursorResult has rowcount
            sql_update(Edition)
            .where(col(Edition.id) == edition_id, col(Edition.state) == EditionState.SCHEDULED)
            .values(state=EditionState.PUBLISHED, revision=Edition.revision + 1)
        ).rowcount
        if won:
            ed = session.get(Edition, edition_id)
            st = session.get(Statement, ed.statement_id) if ed is not None else None
            assert ed is not None and st is not None
            session.refresh(ed)
            give_number(session, st, ed.publish_at or now, numbers_file)
            ed.search_text = search_text_of(session, st, ed)
            session.add(ed)
            audit.record(
                session,
                Actor.system("scheduler"),
                "statement.published",
                ed,
                f"#{ed.statement_id} {st.number} edition {ed.number} (embargo ended)",
            )
            done.append(int(edition_id or 0))
    if done:
        visibility.mark_public_change(session)
    return done


def catch_up(session: Session, numbers_file: str = "") -> None:
    """Before a public page is read: record the embargoes that have ended (and number their
    statements), so that a page never waits for the background task. A database that cannot be
    written now (SQLite locked or read-only) only delays it: the page is read as it is."""
    now = timeutil.utcnow()  # looked up at call time: the tests' clock may move it
    if not visibility.anything_due(session, now):
        return
    try:
        publish_due(session, now=now, numbers_file=numbers_file)
    except OperationalError:
        log.warning("recording ended embargoes failed; the scheduler will do it", exc_info=True)
