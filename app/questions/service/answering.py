"""Answers: the draft of an answer, a holding answer (with the new date promised) or a refusal
(on a legal ground of the law in force), its approval by a second person, and the files attached
to it. The lead organisation's department or the office drafts; the office approves; a refusal
only the spokesperson."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit import service as audit
from app.audit.service import Actor
from app.errors import STALE, Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n import Msg
from app.notifications import triggers
from app.notifications import work as notices
from app.questions import deadlines
from app.questions.deadlines import Rules, load_rules
from app.questions.models import (
    Answer,
    AnswerFile,
    AnswerKind,
    AnswerStatus,
    Question,
    QuestionStatus,
)
from app.questions.service.common import (
    NOT_NOW,
    department_org,
    get,
    next_status,
    office_only,
)
from app.questions.service.queries import draft_of, public_pairs
from app.questions.states import Step
from app.storage import PendingFile, Store, storing
from app.timeutil import local_today, to_local, utcnow
from app.uow import use_case

MAX_ANSWER = 20000


@dataclass
class AnswerInput:
    kind: AnswerKind = AnswerKind.ANSWER
    text: str = ""
    refusal_ground: str = ""
    new_due_on: date | None = None  # holding answers: the date promised
    public: bool = False


def may_draft(actor: Actor, q: Question) -> None:
    """The lead organisation's department or the office drafts; others may only read."""
    if actor.is_office:
        return
    if department_org(actor) is not None and q.lead_org_id == actor.organisation_id:
        return
    raise Forbidden(Msg("Only the organisation leading on this question drafts its answer."))


def _validate_answer(data: AnswerInput, rules: Rules) -> datetime | None:
    errors: dict[str, Msg] = {}
    data.text = data.text.strip()
    if not data.text:
        errors["text"] = (
            Msg("Explain the refusal to the journalist.")
            if data.kind == AnswerKind.REFUSAL
            else Msg("Write the answer.")
        )
    elif len(data.text) > MAX_ANSWER:
        errors["text"] = Msg("Use at most %(n)s characters.", {"n": MAX_ANSWER})
    new_due = None
    if data.kind == AnswerKind.REFUSAL and data.refusal_ground not in deadlines.grounds_on(
        local_today()
    ):
        errors["refusal_ground"] = Msg(
            "Choose the legal ground of the refusal, among those of the law in force today."
        )
    if data.kind != AnswerKind.REFUSAL:
        data.refusal_ground = ""
    if data.kind == AnswerKind.HOLDING:
        if data.new_due_on is None or data.new_due_on <= to_local(utcnow()).date():
            errors["new_due_on"] = Msg(
                "Give the date by which the answer will be sent (after today)."
            )
        else:
            new_due = deadlines.end_of_day(data.new_due_on)
    if data.kind == AnswerKind.REFUSAL:
        data.public = False
    if errors:
        raise ValidationFailed(errors)
    return new_due


@use_case
def save_answer(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    data: AnswerInput,
    expected_revision: int | None = None,
    submit: bool = True,
) -> Answer:
    """Draft (or edit the draft of) the answer, holding answer or refusal of an assigned question.
    A department keeps it to itself (`submit=False`) until it sends it; the approvers are then
    told. What the office saves is sent at once (another person approves it)."""
    q = get(session, question_id, actor=actor)
    if q.status != QuestionStatus.ASSIGNED:
        raise Conflict(Msg("Only a question assigned to an organisation can be answered."))
    may_draft(actor, q)
    new_due = _validate_answer(data, load_rules())
    draft = draft_of(session, question_id)
    if draft is None:
        draft = Answer(
            question_id=question_id,
            drafted_by=actor.user_id,
            organisation_id=actor.organisation_id if not actor.is_office else q.lead_org_id,
        )
    elif expected_revision is not None and expected_revision != draft.revision:
        raise Conflict(STALE)
    draft.organisation_id = q.lead_org_id  # after a transfer, the new lead answers
    draft.kind = data.kind
    draft.text = data.text
    draft.refusal_ground = data.refusal_ground
    draft.new_due_at = new_due
    draft.public = data.public
    draft.edited_by = actor.user_id
    draft.updated_at = utcnow()
    session.add(draft)
    sent = (submit or actor.is_office) and bool(draft.text.strip())
    draft.submitted_at = utcnow() if sent else None
    session.add(draft)
    audit.record(
        session,
        actor,
        "answer.submitted" if sent else "answer.saved",
        draft,
        f"question #{question_id} ({data.kind})",
    )
    if sent:
        session.flush()  # its id names the notice
        notices.answer_drafted(session, draft, q)
    return draft


@use_case
def approve(
    session: Session, *, actor: Actor, question_id: int, expected_revision: int | None = None
) -> Answer:
    """The office or the spokesperson approves the draft; never the person who drafted or last
    edited it. A refusal is approved by the spokesperson (Decree 244/2026 Art. 4(3); earlier
    Decree 09/2017 Art. 8(3))."""
    office_only(actor)
    q = get(session, question_id, actor=actor)
    draft = draft_of(session, question_id)
    if draft is None:
        raise Conflict(Msg("There is no drafted answer to approve."))
    if expected_revision is not None and expected_revision != draft.revision:
        raise Conflict(STALE)
    if draft.submitted_at is None:
        raise Conflict(
            Msg("The organisation has not sent this answer yet: it is still being written.")
        )
    if actor.user_id is not None and actor.user_id in (draft.drafted_by, draft.edited_by):
        raise Forbidden(Msg("You drafted or edited this answer: another person must approve it."))
    if draft.kind == AnswerKind.REFUSAL and actor.role != Role.SPOKESPERSON.value:
        raise Forbidden(Msg("Only the spokesperson may approve a refusal."))
    now = utcnow()
    # A refusal is made when approved: its ground must be one of the law in force that day (a
    # draft written under Decree 09/2017 and approved from 1/7/2026 is checked again).
    if draft.kind == AnswerKind.REFUSAL and deadlines.ground_of(draft.refusal_ground, now) is None:
        raise Conflict(
            Msg(
                "The legal ground of this refusal is not one of the law in force today: "
                "choose the ground again in the draft."
            )
        )
    if draft.kind == AnswerKind.ANSWER:
        q.status = next_status(q, Step.ANSWER)
        q.answered_at = now
    elif draft.kind == AnswerKind.REFUSAL:
        q.status = next_status(q, Step.REFUSE)
        q.answered_at = now
    else:  # a holding answer: the journalist sees it and the new date; the question stays open
        if q.status != QuestionStatus.ASSIGNED:
            raise Conflict(NOT_NOW)
        q.due_at = draft.new_due_at
        q.due_basis = "holding"
    draft.status = AnswerStatus.APPROVED
    draft.approved_by = actor.user_id
    draft.approved_at = now
    q.updated_at = now
    session.add_all([draft, q])
    triggers.question_outcome(
        session,
        q,
        {AnswerKind.ANSWER: "answered", AnswerKind.REFUSAL: "refused"}.get(draft.kind, "holding"),
    )
    audit.record(
        session, actor, "answer.approved", draft, f"question #{question_id} ({draft.kind})"
    )
    return draft


# --- Files of answers ----------------------------------------------------------------------------


def answer_files(session: Session, answer_ids: list[int]) -> dict[int, list[AnswerFile]]:
    """The files of several answers, in the order they were attached, in one query."""
    out: dict[int, list[AnswerFile]] = {i: [] for i in answer_ids}
    if not answer_ids:
        return out
    rows = session.exec(
        select(AnswerFile)
        .where(col(AnswerFile.answer_id).in_(answer_ids))
        .order_by(col(AnswerFile.id))
    )
    for f in rows:
        out[f.answer_id].append(f)
    return out


def _editable_draft(session: Session, actor: Actor, question_id: int) -> tuple[Question, Answer]:
    q = get(session, question_id, actor=actor)
    if q.status != QuestionStatus.ASSIGNED:
        raise Conflict(Msg("Only a question assigned to an organisation can be answered."))
    may_draft(actor, q)
    draft = draft_of(session, question_id)
    if draft is None:
        raise ValidationFailed({"files": Msg("Save the draft's text first, then attach files.")})
    return q, draft


def _touch_draft(draft: Answer, actor: Actor) -> None:
    """Files are part of the draft: whoever changes them has edited it (and may not approve it)."""
    draft.edited_by = actor.user_id
    draft.updated_at = utcnow()


def _attach(
    session: Session, actor: Actor, draft: Answer, pending: list[PendingFile]
) -> list[AnswerFile]:
    rows = [
        AnswerFile(
            answer_id=draft.id or 0,
            filename=p.filename,
            stored_name=p.stored_name,
            content_type=p.content_type,
            size=p.size,
            sha256=p.sha256,
            uploaded_by=actor.user_id,
        )
        for p in pending
    ]
    _touch_draft(draft, actor)
    session.add_all([*rows, draft])
    session.flush()
    for row in rows:
        audit.record(session, actor, "answer.file_added", row, f"{row.filename} ({row.size} B)")
    return rows


def add_answer_files(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    files: list[tuple[str, BinaryIO]],
    store: Store,
    max_bytes: int,
    max_files: int,
) -> list[AnswerFile]:
    """Attach files to the draft answer, all or nothing."""
    _q, draft = _editable_draft(session, actor, question_id)
    with storing(session, files, store=store, max_bytes=max_bytes, max_files=max_files) as pending:
        return _attach(session, actor, draft, pending)


def save_answer_with_files(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    data: AnswerInput,
    files: list[tuple[str, BinaryIO]],
    store: Store,
    max_bytes: int,
    max_files: int,
    expected_revision: int | None = None,
    submit: bool = True,
) -> Answer:
    """The answer's form as one: its text and the files chosen with it, saved together or not at
    all (a refused file keeps nothing, so the page gives the typed text back)."""
    if not any(name for name, _fp in files):
        return save_answer(
            session,
            actor=actor,
            question_id=question_id,
            data=data,
            expected_revision=expected_revision,
            submit=submit,
        )
    with storing(session, files, store=store, max_bytes=max_bytes, max_files=max_files) as pending:
        # Inside the files' transaction: `storing` commits text and files together.
        draft = save_answer.__wrapped__(  # type: ignore[attr-defined]
            session,
            actor=actor,
            question_id=question_id,
            data=data,
            expected_revision=expected_revision,
            submit=submit,
        )
        session.flush()
        _attach(session, actor, draft, pending)
    return draft


def remove_answer_file(
    session: Session, *, actor: Actor, question_id: int, file_id: int, store: Store
) -> None:
    """Take a file off the draft; nobody has seen it, so the stored file goes too (after the
    row's removal is committed: a failed commit keeps both)."""
    stored_name = _remove_file_row(session, actor=actor, question_id=question_id, file_id=file_id)
    store.forget(stored_name)


@use_case
def _remove_file_row(session: Session, *, actor: Actor, question_id: int, file_id: int) -> str:
    _q, draft = _editable_draft(session, actor, question_id)
    row = session.get(AnswerFile, file_id)
    if row is None or row.answer_id != draft.id:
        raise NotFound()
    _touch_draft(draft, actor)
    session.add(draft)
    session.delete(row)
    audit.record(session, actor, "answer.file_removed", row, row.filename)
    return row.stored_name


def get_answer_file(
    session: Session,
    *,
    actor: Actor | None,
    question_id: int,
    file_id: int,
) -> AnswerFile:
    """A file of an answer, for whoever may read that answer: the office, the departments on
    the question and the journalist who asked (approved answers only), and everyone once the
    answer is published as Q&A on the briefing's page. Anything else is "not found"."""
    row = session.get(AnswerFile, file_id)
    answer = session.get(Answer, row.answer_id) if row else None
    if row is None or answer is None or answer.question_id != question_id:
        raise NotFound()
    published = (
        answer.status == AnswerStatus.APPROVED
        and answer.public
        and answer.kind == AnswerKind.ANSWER
        and any(x.id == answer.id for _q, x in public_pairs(session, question_id))
    )
    if not published:
        if actor is None:
            raise NotFound()
        get(session, question_id, actor=actor)  # may the actor see the question at all?
        if actor.role == Role.JOURNALIST.value and answer.status != AnswerStatus.APPROVED:
            raise NotFound()
    return row
