"""Use cases for department content: calls for content, submissions and their workflow, kept
versions, attachments, the completeness board and the agenda built from accepted content.

Who may see what is decided here, from the actor: the press office and the spokesperson see
everything; a department sees calls sent to its organisation and its own submissions only
(anything else is "not found", so ids of other organisations' work reveal nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.content import states
from app.content.models import (
    Attachment,
    CallRecipient,
    CallStatus,
    ContentCall,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from app.content.states import Action
from app.errors import STALE, Conflict, NotFound, ValidationFailed
from app.forms import check_text
from app.holidays.service import work_calendar
from app.i18n import Msg
from app.notifications import triggers
from app.orgs import service as orgs
from app.storage import path_of, storing
from app.timeutil import to_local, utcnow

OFFICE_ROLES = frozenset({Role.PRESS_OFFICE.value, Role.SPOKESPERSON.value})
CONTENT_FIELDS = (
    "title",
    "summary",
    "talking_points",
    "key_figures",
    "qa",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def is_office(actor: Actor) -> bool:
    """The press office, the spokesperson, or a system process (CLI, demo) acting for them."""
    return actor.role in OFFICE_ROLES or (actor.role or "").startswith("system:")


def _department_org(actor: Actor) -> int | None:
    return actor.organisation_id if actor.role == Role.DEPARTMENT.value else None


def workflow_actor(actor: Actor) -> states.Actor:
    return states.Actor.OFFICE if is_office(actor) else states.Actor.DEPARTMENT


# --- Calls -------------------------------------------------------------------------------------


def recipients(session: Session, call_id: int) -> list[int]:
    rows = session.exec(
        select(CallRecipient.organisation_id).where(CallRecipient.call_id == call_id)
    )
    return sorted(rows.all())


def call_for_briefing(session: Session, briefing_id: int) -> ContentCall | None:
    return session.exec(select(ContentCall).where(ContentCall.briefing_id == briefing_id)).first()


def get_call(session: Session, call_id: int, *, actor: Actor) -> ContentCall:
    """A call the actor may see (a department: only one sent to its organisation)."""
    call = session.get(ContentCall, call_id)
    if call is None:
        raise NotFound()
    org = _department_org(actor)
    if not is_office(actor) and (org is None or org not in recipients(session, call_id)):
        raise NotFound()
    return call


@dataclass
class CallRow:
    """A call with its briefing and, for a department, its own submission."""

    call: ContentCall
    briefing: Briefing
    submission: Submission | None = None
    organisation_ids: list[int] = field(default_factory=list)


def calls(
    session: Session, *, actor: Actor, open_only: bool = False, briefing_id: int | None = None
) -> list[CallRow]:
    """Calls the actor may see; a department's open calls come with its submission, the latest
    deadline first."""
    query = select(ContentCall, Briefing).join(
        Briefing, col(Briefing.id) == ContentCall.briefing_id
    )
    org = _department_org(actor)
    if not is_office(actor):
        if org is None:
            return []
        query = query.join(CallRecipient, col(CallRecipient.call_id) == ContentCall.id).where(
            CallRecipient.organisation_id == org
        )
    if open_only:
        query = query.where(ContentCall.status == CallStatus.OPEN).where(
            col(Briefing.status).in_([s.value for s in SCHEDULED])
        )
    if briefing_id is not None:
        query = query.where(ContentCall.briefing_id == briefing_id)
    rows = [
        CallRow(c, b) for c, b in session.exec(query.order_by(col(ContentCall.deadline).desc()))
    ]
    ids = [r.call.id for r in rows]
    if not ids:
        return rows
    by_call: dict[int, list[int]] = {}
    for rec in session.exec(select(CallRecipient).where(col(CallRecipient.call_id).in_(ids))):
        by_call.setdefault(rec.call_id, []).append(rec.organisation_id)
    mine: dict[int, Submission] = {}
    if org is not None:
        for sub in session.exec(
            select(Submission)
            .where(col(Submission.call_id).in_(ids))
            .where(Submission.organisation_id == org)
        ):
            mine[sub.call_id] = sub
    for r in rows:
        r.organisation_ids = sorted(by_call.get(r.call.id or 0, []))
        r.submission = mine.get(r.call.id or 0)
    return rows


def default_deadline(session: Session, briefing: Briefing) -> datetime:
    """The briefing's content deadline, or its kind's number of working days before it."""
    if briefing.content_deadline:
        return briefing.content_deadline
    kind = briefings.get_kind(session, briefing.kind_id)
    day = briefings.default_deadline(
        work_calendar(session), to_local(briefing.starts_at).date(), kind.content_days_before
    )
    return briefings.local_datetime(day, briefings.DEADLINE_TIME)


@dataclass
class CallInput:
    """The call form: organisations, the local deadline, the instruction note."""

    organisation_ids: list[int]
    deadline_day: date | None
    deadline_time: time | None
    instructions: str = ""


def _validate_call(session: Session, briefing: Briefing, data: CallInput) -> datetime:
    errors: dict[str, Msg] = {}
    known = {o.id for o in orgs.list_organisations(session)}
    data.organisation_ids = sorted(set(data.organisation_ids))
    if not data.organisation_ids:
        errors["organisation_ids"] = Msg("Choose at least one organisation to ask for content.")
    elif any(i not in known for i in data.organisation_ids):
        errors["organisation_ids"] = Msg("Choose organisations from the list.")
    data.instructions = check_text(data.instructions, "instructions", 4000, errors)
    deadline = utcnow()
    if data.deadline_day is None:
        errors["deadline_day"] = Msg("Enter the date.")
    if data.deadline_time is None:
        errors["deadline_time"] = Msg("Enter the time, e.g. 17:00.")
    if data.deadline_day and data.deadline_time:
        deadline = briefings.local_datetime(data.deadline_day, data.deadline_time)
        if deadline > briefing.starts_at:
            errors["deadline_day"] = Msg("Content must be due before the briefing starts.")
    if briefing.status not in SCHEDULED:
        errors["organisation_ids"] = Msg(
            "This briefing has been held or cancelled; it no longer takes content."
        )
    if errors:
        raise ValidationFailed(errors)
    return deadline


def _set_recipients(session: Session, call_id: int, ids: list[int]) -> None:
    session.execute(delete(CallRecipient).where(col(CallRecipient.call_id) == call_id))
    session.add_all(CallRecipient(call_id=call_id, organisation_id=i) for i in ids)


def open_call(session: Session, *, actor: Actor, briefing_id: int, data: CallInput) -> ContentCall:
    """Ask organisations for content before a briefing (one call per briefing)."""
    briefing = briefings.get(session, briefing_id)
    if call_for_briefing(session, briefing_id) is not None:
        raise Conflict(Msg("Content has already been requested for this briefing."))
    deadline = _validate_call(session, briefing, data)
    call = ContentCall(
        briefing_id=briefing_id,
        deadline=deadline,
        instructions=data.instructions,
        created_by=actor.user_id,
    )
    session.add(call)
    try:
        session.flush()
    except IntegrityError as exc:  # opened at the same moment by someone else
        session.rollback()
        raise Conflict(Msg("Content has already been requested for this briefing.")) from exc
    assert call.id is not None
    _set_recipients(session, call.id, data.organisation_ids)
    triggers.call_opened(session, call, briefing, data.organisation_ids)
    audit.record(
        session,
        actor,
        "content_call.opened",
        call,
        f"{briefing.title_vi}: {len(data.organisation_ids)} organisations, due {to_local(deadline):%d/%m/%Y %H:%M}",
    )
    session.commit()
    return call


def update_call(session: Session, *, actor: Actor, call_id: int, data: CallInput) -> ContentCall:
    """Change who is asked, the deadline or the note; organisations that already sent content
    stay on the call."""
    call = get_call(session, call_id, actor=actor)
    briefing = briefings.get(session, call.briefing_id)
    deadline = _validate_call(session, briefing, data)
    started = set(
        session.exec(select(Submission.organisation_id).where(Submission.call_id == call_id)).all()
    )
    if started - set(data.organisation_ids):
        raise ValidationFailed(
            {
                "organisation_ids": Msg(
                    "An organisation that has already started its content cannot be removed from the call."
                )
            }
        )
    call.deadline = deadline
    call.instructions = data.instructions
    session.add(call)
    _set_recipients(session, call_id, data.organisation_ids)
    if call.status == CallStatus.OPEN:  # organisations added to the call are told
        triggers.call_opened(session, call, briefing, data.organisation_ids)
    audit.record(session, actor, "content_call.updated", call, briefing.title_vi)
    session.commit()
    return call


def set_call_status(
    session: Session, *, actor: Actor, call_id: int, status: CallStatus
) -> ContentCall:
    """Close a call (no more submissions, even late ones) or open it again."""
    call = get_call(session, call_id, actor=actor)
    if call.status == status:
        return call
    call.status = status
    call.closed_at = utcnow() if status == CallStatus.CLOSED else None
    session.add(call)
    if status == CallStatus.OPEN:  # those added while it was closed are told now (once)
        triggers.call_opened(
            session, call, briefings.get(session, call.briefing_id), recipients(session, call_id)
        )
    audit.record(
        session,
        actor,
        f"content_call.{'closed' if status == CallStatus.CLOSED else 'reopened'}",
        call,
    )
    session.commit()
    return call


CLOSED = Msg("The press office has closed this call; it takes no more content.")
OVER = Msg("This briefing has been held or cancelled; it no longer takes content.")


def _check_takes_content(session: Session, call: ContentCall) -> None:
    """Content is taken while the call is open and the briefing is still going ahead."""
    if call.status != CallStatus.OPEN:
        raise Conflict(CLOSED)
    briefing = session.get(Briefing, call.briefing_id)
    if briefing is None or briefing.status not in SCHEDULED:
        raise Conflict(OVER)


# --- Submissions: reading ------------------------------------------------------------------------


def get_submission(session: Session, submission_id: int, *, actor: Actor) -> Submission:
    """A submission the actor may see; another organisation's is "not found"."""
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise NotFound()
    if not is_office(actor) and (
        _department_org(actor) is None or sub.organisation_id != actor.organisation_id
    ):
        raise NotFound()
    return sub


def submissions(
    session: Session, *, actor: Actor, call_id: int | None = None, status: str | None = None
) -> list[Submission]:
    query = select(Submission)
    if not is_office(actor):
        org = _department_org(actor)
        if org is None:
            return []
        query = query.where(Submission.organisation_id == org)
    if call_id is not None:
        query = query.where(Submission.call_id == call_id)
    if status:
        query = query.where(Submission.status == status)
    return list(session.exec(query.order_by(col(Submission.updated_at).desc())).all())


def attachments(
    session: Session, submission_ids: list[int], *, include_removed: bool = False
) -> dict[int, list[Attachment]]:
    out: dict[int, list[Attachment]] = {i: [] for i in submission_ids}
    if not submission_ids:
        return out
    query = select(Attachment).where(col(Attachment.submission_id).in_(submission_ids))
    if not include_removed:
        query = query.where(col(Attachment.removed_at).is_(None))
    for a in session.exec(query.order_by(col(Attachment.id))):
        out[a.submission_id].append(a)
    return out


def versions(session: Session, submission_id: int) -> list[SubmissionVersion]:
    return list(
        session.exec(
            select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission_id)
            .order_by(col(SubmissionVersion.number))
        ).all()
    )


def snapshot(session: Session, sub: Submission) -> dict[str, Any]:
    """The working copy as a version keeps it (text fields and the list of files)."""
    files = attachments(session, [sub.id or 0])[sub.id or 0]
    content: dict[str, Any] = {name: getattr(sub, name) for name in CONTENT_FIELDS}
    content["qa"] = [dict(p) for p in sub.qa]
    content["attachments"] = [
        {"id": a.id, "filename": a.filename, "size": a.size, "sha256": a.sha256} for a in files
    ]
    return content


def get_attachment(
    session: Session, attachment_id: int, *, actor: Actor, directory: Path
) -> tuple[Attachment, Path]:
    """A file and where it is, if the actor may see its submission (else 404)."""
    att = session.get(Attachment, attachment_id)
    if att is None:
        raise NotFound()
    get_submission(session, att.submission_id, actor=actor)
    path = path_of(directory, att.stored_name)
    if not path.is_file():
        raise NotFound()
    return att, path


# --- Submissions: the department's work ---------------------------------------------------------


def start_submission(session: Session, *, actor: Actor, call_id: int) -> Submission:
    """The department's draft for a call (the existing one if it has started already)."""
    call = get_call(session, call_id, actor=actor)
    org = _department_org(actor)
    if org is None:
        raise NotFound()
    existing = session.exec(
        select(Submission).where(Submission.call_id == call_id, Submission.organisation_id == org)
    ).first()
    if existing is not None:
        return existing
    _check_takes_content(session, call)
    sub = Submission(call_id=call_id, organisation_id=org, created_by=actor.user_id)
    session.add(sub)
    try:
        session.flush()
    except IntegrityError:  # a colleague started it at the same moment: use theirs
        session.rollback()
        return start_submission(session, actor=actor, call_id=call_id)
    audit.record(session, actor, "submission.started", sub)
    session.commit()
    return sub


@dataclass
class SubmissionInput:
    title: str = ""
    summary: str = ""
    talking_points: str = ""
    key_figures: str = ""
    qa: list[dict[str, str]] = field(default_factory=list)
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


def _validate_content(data: SubmissionInput, *, submitting: bool) -> None:
    errors: dict[str, Msg] = {}
    need = submitting
    data.title = check_text(
        data.title, "title", 500, errors, Msg("Enter a title.") if need else None
    )
    data.summary = check_text(data.summary, "summary", 4000, errors)
    data.talking_points = check_text(
        data.talking_points,
        "talking_points",
        50000,
        errors,
        Msg("Write the talking points before submitting.") if need else None,
    )
    data.key_figures = check_text(data.key_figures, "key_figures", 10000, errors)
    data.contact_name = check_text(
        data.contact_name,
        "contact_name",
        200,
        errors,
        Msg("Name the person the press office can contact.") if need else None,
    )
    data.contact_phone = check_text(data.contact_phone, "contact_phone", 50, errors)
    data.contact_email = check_text(data.contact_email, "contact_email", 254, errors)
    if data.contact_email and "@" not in data.contact_email:
        errors["contact_email"] = Msg("Enter an e-mail address such as name@example.vn.")
    pairs: list[dict[str, str]] = []
    for i, pair in enumerate(data.qa):
        q, a = pair.get("question", "").strip(), pair.get("answer", "").strip()
        if not q and not a:
            continue
        if not q:
            errors[f"qa_{i}"] = Msg("Write the question this answer is for.")
        elif len(q) > 2000 or len(a) > 10000:
            errors[f"qa_{i}"] = Msg("This question or answer is too long.")
        pairs.append({"question": q, "answer": a})
    if len(pairs) > 50:
        errors["qa"] = Msg("Give at most 50 anticipated questions.")
    data.qa = pairs
    if errors:
        raise ValidationFailed(errors)


def _check_revision(sub: Submission, expected: int | None) -> None:
    if expected is not None and expected != sub.revision:
        raise Conflict(STALE)


def save(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    data: SubmissionInput,
    expected_revision: int | None,
    submit: bool = False,
) -> Submission:
    """Save the working copy; with `submit`, send it to the office as a new kept version (marked
    late after the deadline; refused once the office has closed the call)."""
    sub = get_submission(session, submission_id, actor=actor)
    _check_revision(sub, expected_revision)
    action = Action.SUBMIT if submit else Action.SAVE
    new_status = states.next_status(sub.status, action, workflow_actor(actor))
    if new_status is None:
        raise Conflict(_not_now(sub))
    _validate_content(data, submitting=submit)
    if submit:  # checked before the row changes, so a refused submit leaves nothing to save
        call = session.get(ContentCall, sub.call_id)
        assert call is not None
        _check_takes_content(session, call)
    for name in CONTENT_FIELDS:
        setattr(sub, name, getattr(data, name))
    sub.updated_at = utcnow()
    if submit:
        _submit(session, actor, sub)
    session.add(sub)
    audit.record(
        session,
        actor,
        "submission.submitted" if submit else "submission.saved",
        sub,
        f"version {sub.versions}{' (late)' if submit and sub.late else ''}"
        if submit
        else sub.title,
    )
    session.commit()
    return sub


def _check_can_edit(sub: Submission, actor: Actor) -> None:
    """Files are part of the working copy: changed by the department while it may save."""
    if states.next_status(sub.status, Action.SAVE, workflow_actor(actor)) is None:
        raise Conflict(_not_now(sub))


def _not_now(sub: Submission) -> Msg:
    if sub.status in (SubmissionStatus.ACCEPTED, SubmissionStatus.INCLUDED):
        return Msg("This submission has been accepted and is locked.")
    if sub.status == SubmissionStatus.WITHDRAWN:
        return Msg("This submission has been withdrawn. Start again from it to change it.")
    return Msg("This step is not possible in the submission's current state.")


def _submit(session: Session, actor: Actor, sub: Submission) -> None:
    call = session.get(ContentCall, sub.call_id)
    assert call is not None
    now = utcnow()
    late = now > call.deadline
    if sub.versions == 0:  # late means first sent after the deadline (not a late return)
        sub.late = late
    sub.versions += 1
    sub.status = SubmissionStatus.SUBMITTED
    sub.submitted_at = now
    session.add(
        SubmissionVersion(
            submission_id=sub.id or 0,
            number=sub.versions,
            submitted_at=now,
            submitted_by=actor.user_id,
            late=late,
            content=snapshot(session, sub),
        )
    )


def act(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    action: Action,
    comment: str = "",
    expected_revision: int | None = None,
) -> Submission:
    """Withdraw or start again (department); return with a comment or accept (office)."""
    if action in (Action.SAVE, Action.SUBMIT, Action.INCLUDE, Action.EXCLUDE):
        raise NotFound()  # these go through save() and the agenda
    sub = get_submission(session, submission_id, actor=actor)
    _check_revision(sub, expected_revision)
    new_status = states.next_status(sub.status, action, workflow_actor(actor))
    if new_status is None:
        raise Conflict(_not_now(sub))
    comment = comment.strip()
    if action == Action.RETURN:
        if not comment:
            raise ValidationFailed({"comment": Msg("Say what the department should change.")})
        if len(comment) > 4000:
            raise ValidationFailed({"comment": Msg("Use at most %(n)s characters.", {"n": 4000})})
        sub.office_comment = comment
    if action == Action.REOPEN:
        call = session.get(ContentCall, sub.call_id)
        assert call is not None
        _check_takes_content(session, call)
    sub.status = new_status
    sub.updated_at = utcnow()
    session.add(sub)
    if action in (Action.RETURN, Action.ACCEPT):
        call = session.get(ContentCall, sub.call_id)
        assert call is not None
        triggers.submission_acted(
            session, sub, briefings.get(session, call.briefing_id), action.value
        )
    audit.record(session, actor, f"submission.{action.value}", sub, comment)
    session.commit()
    return sub


# --- Attachments --------------------------------------------------------------------------------


def add_attachments(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    files: list[tuple[str, BinaryIO]],
    directory: Path,
    max_bytes: int,
    max_files: int,
) -> list[Attachment]:
    """Store several files at once, all or nothing: a refused or broken file keeps none of them
    (no file on disk, no row)."""
    sub = get_submission(session, submission_id, actor=actor)
    _check_can_edit(sub, actor)
    with storing(
        session, files, directory=directory, max_bytes=max_bytes, max_files=max_files
    ) as pending:
        rows = [
            Attachment(
                submission_id=sub.id or 0,
                filename=p.filename,
                stored_name=p.stored_name,
                content_type=p.content_type,
                size=p.size,
                sha256=p.sha256,
                uploaded_by=actor.user_id,
            )
            for p in pending
        ]
        # The submission row is left alone: files do not clash with text being edited in an
        # open form (its revision stays valid), and a submitted version lists the files then.
        session.add_all(rows)
        session.flush()
        for row in rows:
            audit.record(
                session, actor, "attachment.uploaded", row, f"{row.filename} ({row.size} B)"
            )
    return rows


def remove_attachment(
    session: Session, *, actor: Actor, submission_id: int, attachment_id: int
) -> None:
    """Take a file off the working copy; the stored file stays for the versions that list it."""
    sub = get_submission(session, submission_id, actor=actor)
    att = session.get(Attachment, attachment_id)
    if att is None or att.submission_id != sub.id or att.removed_at is not None:
        raise NotFound()
    _check_can_edit(sub, actor)
    att.removed_at = utcnow()
    session.add(att)
    audit.record(session, actor, "attachment.removed", att, att.filename)
    session.commit()


# --- The completeness board ---------------------------------------------------------------------


@dataclass
class BoardRow:
    organisation_id: int
    name_vi: str
    name_en: str
    submission: Submission | None
    state: str  # nothing, draft, submitted, returned, accepted, included, withdrawn
    late: bool
    overdue: bool  # nothing sent yet and the deadline has passed

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi


def board(session: Session, call: ContentCall) -> list[BoardRow]:
    """Each organisation asked, with the state of its content: who is missing the day before."""
    assert call.id is not None
    subs = {
        s.organisation_id: s
        for s in session.exec(select(Submission).where(Submission.call_id == call.id))
    }
    names = {o.id: o for o in orgs.list_organisations(session, include_retired=True)}
    passed = utcnow() > call.deadline
    rows = []
    for org_id in recipients(session, call.id):
        sub = subs.get(org_id)
        view = names.get(org_id)
        state = sub.status.value if sub else "nothing"
        rows.append(
            BoardRow(
                organisation_id=org_id,
                name_vi=view.name_vi if view else str(org_id),
                name_en=view.name_en if view else str(org_id),
                submission=sub,
                state=state,
                late=bool(sub and sub.late),
                overdue=passed and (sub is None or sub.status not in states.SENT),
            )
        )
    order = ["nothing", "draft", "returned", "withdrawn", "submitted", "accepted", "included"]
    return sorted(rows, key=lambda r: (order.index(r.state), r.name_vi))


def board_counts(rows: list[BoardRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    counts["late"] = sum(r.late for r in rows)
    counts["overdue"] = sum(r.overdue for r in rows)
    return counts
