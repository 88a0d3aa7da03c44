"""Use cases for journalists' questions: intake (online, in the room, recorded by the office),
triage (accept, merge, decline), routing (assign, transfer keeping the clock), answers with
second-person approval, holding answers, refusals on a legal ground, the live briefing queue,
and the trackers and figures.

Who sees what is decided here from the actor: the office (press office, spokesperson) sees every
question; a department only those its organisation leads or supports; a journalist only their
own (other people's appear only as published Q&A). Anything else is "not found".
"""

from __future__ import annotations

import hashlib
import statistics
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from app.accounts.models import Role
from app.audit import service as audit
from app.audit.service import Actor
from app.briefings.models import Briefing, BriefingStatus
from app.briefings.states import SCHEDULED
from app.errors import STALE, Conflict, Forbidden, NotFound, TooManyRequests, ValidationFailed
from app.forms import CONTROL_CHARS, check_text
from app.holidays.service import work_calendar
from app.i18n import Msg
from app.law.rulesets import ruleset_at
from app.notifications import triggers
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.questions import deadlines, states
from app.questions.deadlines import Rules, load_rules
from app.questions.models import (
    OPEN,
    Answer,
    AnswerFile,
    AnswerKind,
    AnswerStatus,
    Channel,
    LiveState,
    Question,
    QuestionStatus,
    QuestionSupport,
    QuestionTransfer,
)
from app.questions.states import Step
from app.storage import path_of, storing
from app.timeutil import local_today, to_local, utcnow

OFFICE_ROLES = frozenset({Role.PRESS_OFFICE.value, Role.SPOKESPERSON.value})
MAX_TEXT = 5000
LANGUAGES = {
    "vi": "Tiếng Việt",
    "en": "English",
    "zh": "中文",
    "fr": "Français",
    "ja": "日本語",
    "ko": "한국어",
    "ru": "Русский",
}
HELD = frozenset({BriefingStatus.HELD, BriefingStatus.RECORD_PUBLISHED})
LIVE_BEFORE = timedelta(hours=1)  # a briefing takes questions from the room from an hour before
LIVE_AFTER = timedelta(hours=1)  # … until an hour after its planned end
ANSWERING_ORGS = (OrgKind.PEOPLES_COMMITTEE, OrgKind.DEPARTMENT, OrgKind.COMMUNE, OrgKind.OTHER)


def is_office(actor: Actor) -> bool:
    return actor.role in OFFICE_ROLES or (actor.role or "").startswith("system:")


def _department_org(actor: Actor) -> int | None:
    return actor.organisation_id if actor.role == Role.DEPARTMENT.value else None


# --- Reading ------------------------------------------------------------------------------------


def supporting(session: Session, question_id: int) -> list[int]:
    rows = session.exec(
        select(QuestionSupport.organisation_id).where(QuestionSupport.question_id == question_id)
    )
    return sorted(rows.all())


def _assigned_to(org_id: int) -> object:
    supported = select(QuestionSupport.question_id).where(QuestionSupport.organisation_id == org_id)
    return or_(col(Question.lead_org_id) == org_id, col(Question.id).in_(supported))


def get(session: Session, question_id: int, *, actor: Actor) -> Question:
    """A question the actor may see, else NotFound."""
    q = session.get(Question, question_id)
    if q is None:
        raise NotFound()
    if is_office(actor):
        return q
    org = _department_org(actor)
    if org is not None and (q.lead_org_id == org or org in supporting(session, question_id)):
        return q
    if actor.role == Role.JOURNALIST.value and q.journalist_id == actor.user_id:
        return q
    raise NotFound()


@dataclass
class Filters:
    status: str = ""
    overdue: bool = False
    briefing_id: int | None = None
    organisation_id: int | None = None
    q: str = ""


def listing(
    session: Session, *, actor: Actor, filters: Filters | None = None, limit: int = 200
) -> list[Question]:
    """Questions the actor may see, newest first, narrowed by `filters`."""
    f = filters or Filters()
    query = select(Question)
    if not is_office(actor):
        org = _department_org(actor)
        if org is not None:
            query = query.where(_assigned_to(org))  # type: ignore[arg-type]
        elif actor.role == Role.JOURNALIST.value and actor.user_id is not None:
            query = query.where(Question.journalist_id == actor.user_id)
        else:
            return []
    if f.status:
        query = query.where(Question.status == f.status)
    if f.overdue:
        query = query.where(col(Question.status).in_([s.value for s in OPEN])).where(
            col(Question.due_at) < utcnow()
        )
    if f.briefing_id is not None:
        query = query.where(Question.briefing_id == f.briefing_id)
    if f.organisation_id is not None:
        query = query.where(Question.lead_org_id == f.organisation_id)
    if f.q.strip():
        query = query.where(col(Question.text).icontains(f.q.strip()[:200], autoescape=True))
    order = col(Question.due_at) if f.overdue else col(Question.received_at).desc()
    return list(session.exec(query.order_by(order, col(Question.id).desc()).limit(limit)).all())


def answers(session: Session, question_id: int, *, actor: Actor) -> list[Answer]:
    """The answers of a question the actor may see; a journalist sees approved ones only."""
    get(session, question_id, actor=actor)
    query = select(Answer).where(Answer.question_id == question_id)
    if actor.role == Role.JOURNALIST.value:
        query = query.where(Answer.status == AnswerStatus.APPROVED)
    return list(session.exec(query.order_by(col(Answer.created_at), col(Answer.id))).all())


def latest_answers(session: Session, question_ids: list[int]) -> dict[int, Answer]:
    """The last approved answer of each question (for trackers and lists), in one query."""
    out: dict[int, Answer] = {}
    if not question_ids:
        return out
    rows = session.exec(
        select(Answer)
        .where(col(Answer.question_id).in_(question_ids))
        .where(Answer.status == AnswerStatus.APPROVED)
        .order_by(col(Answer.approved_at), col(Answer.id))
    )
    for a in rows:
        out[a.question_id] = a
    return out


def draft_of(session: Session, question_id: int) -> Answer | None:
    return session.exec(
        select(Answer).where(Answer.question_id == question_id, Answer.status == AnswerStatus.DRAFT)
    ).first()


def transfers(session: Session, question_id: int) -> list[QuestionTransfer]:
    return list(
        session.exec(
            select(QuestionTransfer)
            .where(QuestionTransfer.question_id == question_id)
            .order_by(col(QuestionTransfer.at))
        ).all()
    )


def _public_query() -> Select[Question, Answer]:
    """Approved, public answers (not refusals or holding answers) of briefing questions."""
    return (
        select(Question, Answer)
        .join(Answer, col(Answer.question_id) == Question.id)
        .where(col(Question.briefing_id).is_not(None))
        .where(Answer.status == AnswerStatus.APPROVED, col(Answer.public).is_(True))
        .where(Answer.kind == AnswerKind.ANSWER)
    )


def _public_pairs(session: Session, question_id: int) -> list[tuple[Question, Answer]]:
    return list(session.exec(_public_query().where(Question.id == question_id)).all())


def public_qa(session: Session, briefing_id: int) -> list[tuple[Question, Answer]]:
    """Questions of a briefing with an approved answer marked public, in the order asked."""
    rows = session.exec(
        _public_query()
        .where(Question.briefing_id == briefing_id)
        .order_by(col(Question.received_at), col(Question.id))
    )
    return list(rows.all())


# --- Intake -------------------------------------------------------------------------------------


@dataclass
class QuestionInput:
    text: str
    topic: str = ""
    language: str = "vi"
    channel: Channel | None = None
    briefing_id: int | None = None
    asker_name: str = ""  # recorded by the office for someone without an account
    agency_id: int | None = None
    agency_name: str = ""
    received_at: datetime | None = None  # recorded later by the office
    incident: bool = False


def normalise(text: str) -> str:
    """The text as compared for duplicates: NFC, case and spacing ignored."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def is_live(briefing: Briefing, now: datetime | None = None) -> bool:
    """The briefing takes questions from the room now (from an hour before to an hour after)."""
    now = now or utcnow()
    return (
        briefing.status in SCHEDULED
        and briefing.starts_at - LIVE_BEFORE <= now <= briefing.ends_at + LIVE_AFTER
    )


def _validate(session: Session, data: QuestionInput, *, held_too: bool = False) -> Briefing | None:
    """Check a question's fields. `held_too`: the office may also tie a question to a briefing
    already held (typing up, afterwards, what was asked in the room); journalists may not."""
    errors: dict[str, Msg] = {}
    text = data.text.strip()
    if not text:
        errors["text"] = Msg("Write your question.")
    elif CONTROL_CHARS.search(text):  # PostgreSQL refuses NUL; none of them belongs in a question
        errors["text"] = Msg("Remove the control characters from the text.")
    elif len(text) > MAX_TEXT:
        errors["text"] = Msg(
            "A question may have at most %(n)s characters; this one has %(len)s.",
            {"n": MAX_TEXT, "len": len(text)},
        )
    data.text = text
    data.topic = check_text(data.topic, "topic", 200, errors)
    data.asker_name = check_text(data.asker_name, "asker_name", 200, errors)
    data.agency_name = check_text(data.agency_name, "agency_name", 200, errors)
    if data.language not in LANGUAGES:
        errors["language"] = Msg("Choose a language from the list.")
    briefing = None
    if data.briefing_id is not None:
        briefing = session.get(Briefing, data.briefing_id)
        allowed = SCHEDULED | HELD if held_too else SCHEDULED
        if briefing is None or not briefing.is_public or briefing.status not in allowed:
            errors["briefing_id"] = (
                Msg("Choose a briefing that was held or is still to be held.")
                if held_too
                else Msg("Choose a briefing that is still to be held.")
            )
    if errors:
        raise ValidationFailed(errors)
    return briefing


def _level(rules: Rules, q: Question) -> deadlines.ServiceLevel:
    return deadlines.level_for(rules, q.channel.value, q.incident)


def _set_due(session: Session, q: Question, rules: Rules | None = None) -> None:
    level = _level(rules or load_rules(), q)
    q.due_at = deadlines.due_at(level, q.received_at, work_calendar(session))
    q.due_basis = level.code


def _next_position(session: Session, briefing_id: int) -> int:
    top = session.exec(
        select(func.max(Question.live_position)).where(Question.briefing_id == briefing_id)
    ).one()
    return int(top or 0) + 1


def ask(
    session: Session,
    *,
    actor: Actor,
    data: QuestionInput,
    rate_limit: int,
    rate_window_minutes: int,
    duplicate_seconds: int = 60,
) -> tuple[Question, bool]:
    """A verified journalist's question (online before a briefing, or from the room during it).
    The same text sent again within `duplicate_seconds` gives the first record back (False);
    more than `rate_limit` questions in the window is refused with 429."""
    if actor.role != Role.JOURNALIST.value or actor.user_id is None:
        raise Forbidden()
    briefing = _validate(session, data)
    now = utcnow()
    fingerprint = hashlib.sha256(normalise(data.text).encode()).hexdigest()[:32]
    recent = session.exec(
        select(Question)
        .where(Question.journalist_id == actor.user_id)
        .where(col(Question.received_at) >= now - timedelta(seconds=duplicate_seconds))
    ).all()
    for q in recent:
        if (q.dedupe_key or "").split(":")[1:2] == [fingerprint]:
            return q, False
    sent = session.exec(
        select(func.count())
        .select_from(Question)
        .where(Question.journalist_id == actor.user_id)
        .where(col(Question.received_at) >= now - timedelta(minutes=rate_window_minutes))
    ).one()
    if sent >= rate_limit:
        raise TooManyRequests(
            rate_window_minutes * 60,
            Msg(
                "You have sent %(n)s questions in the last %(m)s minutes. Please wait before sending more.",
                {"n": sent, "m": rate_window_minutes},
            ),
        )
    live = briefing is not None and is_live(briefing, now)
    q = Question(
        text=data.text,
        topic=data.topic,
        language=data.language,
        journalist_id=actor.user_id,
        agency_id=actor.organisation_id,
        channel=Channel.BRIEFING if live else Channel.ONLINE,
        briefing_id=briefing.id if briefing else None,
        received_at=now,
        live_state=LiveState.PENDING if live else None,
        live_position=_next_position(session, briefing.id or 0) if live and briefing else None,
        dedupe_key=f"{actor.user_id}:{fingerprint}:{int(now.timestamp()) // duplicate_seconds}",
    )
    _set_due(session, q)
    session.add(q)
    try:
        session.flush()
    except IntegrityError:  # the same question arrived twice at the same moment: keep one
        session.rollback()
        existing = session.exec(select(Question).where(Question.dedupe_key == q.dedupe_key)).one()
        return existing, False
    audit.record(session, actor, "question.asked", q, q.text[:200])
    session.commit()
    return q, True


def record(session: Session, *, actor: Actor, data: QuestionInput) -> Question:
    """The office records a question: asked in the room, by phone, e-mail or in writing, by
    someone with or without an account (name and agency)."""
    _office_only(actor)
    errors: dict[str, Msg] = {}
    briefing = None
    try:
        briefing = _validate(session, data, held_too=True)
    except ValidationFailed as exc:  # shown together with the checks below
        errors.update(exc.errors)
    if data.channel is None:
        errors["channel"] = Msg("Choose how the question came in.")
    if not data.asker_name:
        errors["asker_name"] = Msg("Enter the journalist's name.")
    if data.agency_id is not None:
        agency = orgs.get_active(session, data.agency_id, (OrgKind.PRESS_AGENCY.value,))
        if agency is None:
            errors["agency_id"] = Msg("Choose a press agency from the list.")
    elif not data.agency_name:
        errors["agency_name"] = Msg("Enter the press agency, or choose it from the list.")
    received = data.received_at or utcnow()
    if received > utcnow() + timedelta(minutes=5):
        errors["received_at"] = Msg("The time received cannot be in the future.")
    if errors:
        raise ValidationFailed(errors)
    assert data.channel is not None
    live = briefing is not None and data.channel == Channel.BRIEFING and is_live(briefing, received)
    q = Question(
        text=data.text,
        topic=data.topic,
        language=data.language,
        asker_name=data.asker_name,
        agency_id=data.agency_id,
        agency_name=data.agency_name,
        channel=data.channel,
        briefing_id=briefing.id if briefing else None,
        received_at=received,
        incident=data.incident,
        live_state=LiveState.ALLOWED if live else None,
        live_position=_next_position(session, briefing.id or 0) if live and briefing else None,
        recorded_by=actor.user_id,
    )
    _set_due(session, q)
    session.add(q)
    audit.record(session, actor, "question.recorded", q, q.text[:200])
    if q.incident:
        _open_matter(session, actor, q)
    session.commit()
    return q


def _open_matter(session: Session, actor: Actor, q: Question) -> None:
    """A question about an incident is a sudden matter whose clock runs from its receipt (Decree
    244/2026 Art. 7(3); before 1/7/2026 Decree 09/2017 Art. 6): opened once, with the question
    linked, so that the office's clocks and the yearly report count it."""
    from app.incidents import queries as matters  # the incidents area reads questions' models
    from app.incidents import service as incidents
    from app.incidents.models import LinkKind

    session.flush()
    assert q.id is not None
    if matters.matters_linked_to(session, LinkKind.QUESTION, q.id):
        return
    kinds = ruleset_at(q.received_at).sudden_kinds
    kind = next(code for code, k in kinds.items() if k.hours)  # the timed kind of that law
    incidents.open_from_question(
        session,
        actor=actor,
        question_id=q.id,
        kind=kind,
        clock_started_at=min(q.received_at, utcnow()),
    )


# --- Triage and routing (the office) ---------------------------------------------------------------


def _check_revision(q: Question, expected: int | None) -> None:
    if expected is not None and expected != q.revision:
        raise Conflict(STALE)


def _step(q: Question, step: Step) -> QuestionStatus:
    target = states.next_status(q.status, step)
    if target is None:
        raise Conflict(Msg("This step is not possible in the question's current state."))
    return target


def _office_only(actor: Actor) -> None:
    if not is_office(actor):
        raise Forbidden()


def accept(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    incident: bool | None = None,
    expected_revision: int | None = None,
) -> Question:
    """Take a question up; marking it an incident puts it on the 24-hour rule."""
    _office_only(actor)
    q = get(session, question_id, actor=actor)
    _check_revision(q, expected_revision)
    q.status = _step(q, Step.ACCEPT)
    if incident is not None and incident != q.incident:
        q.incident = incident
        _set_due(session, q)
    q.updated_at = utcnow()
    session.add(q)
    audit.record(session, actor, "question.accepted", q)
    if q.incident:
        _open_matter(session, actor, q)
    session.commit()
    return q


def merge(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    into_id: int,
    expected_revision: int | None = None,
) -> Question:
    """The same question as an earlier one: answered there; the asker is told which."""
    _office_only(actor)
    q = get(session, question_id, actor=actor)
    _check_revision(q, expected_revision)
    target = session.get(Question, into_id)
    if target is None or target.id == q.id:
        raise ValidationFailed({"into_id": Msg("Choose another question to merge into.")})
    if target.status in (QuestionStatus.MERGED, QuestionStatus.DECLINED):
        raise ValidationFailed(
            {"into_id": Msg("That question was itself merged or declined; choose the one kept.")}
        )
    q.status = _step(q, Step.MERGE)
    q.merged_into_id = target.id
    if q.live_state in (LiveState.PENDING, LiveState.ALLOWED):
        q.live_state = LiveState.DISMISSED
    q.updated_at = utcnow()
    session.add(q)
    triggers.question_outcome(session, q, "merged")
    audit.record(session, actor, "question.merged", q, f"into #{target.id}")
    session.commit()
    return q


def decline(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    reason: str,
    expected_revision: int | None = None,
) -> Question:
    _office_only(actor)
    q = get(session, question_id, actor=actor)
    _check_revision(q, expected_revision)
    errors: dict[str, Msg] = {}
    reason = check_text(reason, "reason", 2000, errors, Msg("Say why the question is declined."))
    if errors:
        raise ValidationFailed(errors)
    q.status = _step(q, Step.DECLINE)
    q.status_reason = reason
    if q.live_state in (LiveState.PENDING, LiveState.ALLOWED):
        q.live_state = LiveState.DISMISSED
    q.updated_at = utcnow()
    session.add(q)
    audit.record(session, actor, "question.declined", q, reason)
    session.commit()
    return q


def _check_org(session: Session, org_id: int | None, errors: dict[str, Msg], name: str) -> None:
    if (
        org_id is None
        or orgs.get_active(session, org_id, tuple(k.value for k in ANSWERING_ORGS)) is None
    ):
        errors[name] = Msg("Choose an organisation from the list.")


def assign(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    lead_org_id: int | None,
    support_ids: list[int] | None = None,
    due_on: date | None = None,
    expected_revision: int | None = None,
) -> Question:
    """Route a question to the organisation that answers it (and supporting ones). The due date
    comes from the rules unless the office sets an earlier or later working day."""
    _office_only(actor)
    q = get(session, question_id, actor=actor)
    _check_revision(q, expected_revision)
    errors: dict[str, Msg] = {}
    _check_org(session, lead_org_id, errors, "lead_org_id")
    support = sorted(set(support_ids or []) - {lead_org_id or 0})
    for org_id in support:
        _check_org(session, org_id, errors, "support_ids")
    if due_on is not None and due_on < to_local(utcnow()).date():
        errors["due_on"] = Msg("The due date cannot be in the past.")
    if errors:
        raise ValidationFailed(errors)
    q.status = _step(q, Step.ASSIGN)
    q.lead_org_id = lead_org_id
    if due_on is not None:
        q.due_at = deadlines.end_of_day(due_on)
        q.due_basis = "office"
    q.updated_at = utcnow()
    session.add(q)
    session.execute(delete(QuestionSupport).where(col(QuestionSupport.question_id) == q.id))
    session.add_all(QuestionSupport(question_id=q.id or 0, organisation_id=i) for i in support)
    triggers.question_assigned(session, q)
    audit.record(session, actor, "question.assigned", q, f"lead {lead_org_id}, support {support}")
    session.commit()
    return q


def transfer(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    to_org_id: int | None,
    reason: str = "",
    expected_revision: int | None = None,
) -> Question:
    """Move a question to another lead organisation; the due date stays (the clock keeps
    running from when it was received)."""
    _office_only(actor)
    q = get(session, question_id, actor=actor)
    _check_revision(q, expected_revision)
    errors: dict[str, Msg] = {}
    _check_org(session, to_org_id, errors, "to_org_id")
    if to_org_id is not None and to_org_id == q.lead_org_id:
        errors["to_org_id"] = Msg("The question is already with this organisation.")
    reason = check_text(reason, "reason", 1000, errors)
    if errors:
        raise ValidationFailed(errors)
    q.status = _step(q, Step.TRANSFER)
    assert to_org_id is not None
    session.add(
        QuestionTransfer(
            question_id=q.id or 0,
            from_org_id=q.lead_org_id,
            to_org_id=to_org_id,
            by_user_id=actor.user_id,
            reason=reason,
        )
    )
    q.lead_org_id = to_org_id
    q.updated_at = utcnow()
    session.add(q)
    session.execute(
        delete(QuestionSupport).where(
            col(QuestionSupport.question_id) == q.id,
            col(QuestionSupport.organisation_id) == to_org_id,
        )
    )
    triggers.question_assigned(session, q)
    audit.record(session, actor, "question.transferred", q, f"to {to_org_id}: {reason}")
    session.commit()
    return q


# --- Answers ------------------------------------------------------------------------------------


@dataclass
class AnswerInput:
    kind: AnswerKind = AnswerKind.ANSWER
    text: str = ""
    refusal_ground: str = ""
    new_due_on: date | None = None  # holding answers: the date promised
    public: bool = False


def _may_draft(session: Session, actor: Actor, q: Question) -> None:
    """The lead organisation's department or the office drafts; others may only read."""
    if is_office(actor):
        return
    if _department_org(actor) is not None and q.lead_org_id == actor.organisation_id:
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
    elif len(data.text) > 20000:
        errors["text"] = Msg("Use at most %(n)s characters.", {"n": 20000})
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


def save_answer(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    data: AnswerInput,
    expected_revision: int | None = None,
) -> Answer:
    """Draft (or edit the draft of) the answer, holding answer or refusal of an assigned question."""
    q = get(session, question_id, actor=actor)
    if q.status != QuestionStatus.ASSIGNED:
        raise Conflict(Msg("Only a question assigned to an organisation can be answered."))
    _may_draft(session, actor, q)
    new_due = _validate_answer(data, load_rules())
    draft = draft_of(session, question_id)
    if draft is None:
        draft = Answer(
            question_id=question_id,
            drafted_by=actor.user_id,
            organisation_id=actor.organisation_id if not is_office(actor) else q.lead_org_id,
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
    audit.record(session, actor, "answer.saved", draft, f"question #{question_id} ({data.kind})")
    session.commit()
    return draft


def approve(
    session: Session, *, actor: Actor, question_id: int, expected_revision: int | None = None
) -> Answer:
    """The office or the spokesperson approves the draft; never the person who drafted or last
    edited it. A refusal is approved by the spokesperson (Decree 244/2026 Art. 4(3); earlier
    Decree 09/2017 Art. 8(3))."""
    _office_only(actor)
    q = get(session, question_id, actor=actor)
    draft = draft_of(session, question_id)
    if draft is None:
        raise Conflict(Msg("There is no drafted answer to approve."))
    if expected_revision is not None and expected_revision != draft.revision:
        raise Conflict(STALE)
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
        q.status = _step(q, Step.ANSWER)
        q.answered_at = now
    elif draft.kind == AnswerKind.REFUSAL:
        q.status = _step(q, Step.REFUSE)
        q.answered_at = now
    else:  # a holding answer: the journalist sees it and the new date; the question stays open
        if q.status != QuestionStatus.ASSIGNED:
            raise Conflict(Msg("This step is not possible in the question's current state."))
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
    session.commit()
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
    _may_draft(session, actor, q)
    draft = draft_of(session, question_id)
    if draft is None:
        raise ValidationFailed({"files": Msg("Save the draft's text first, then attach files.")})
    return q, draft


def _touch_draft(draft: Answer, actor: Actor) -> None:
    """Files are part of the draft: whoever changes them has edited it (and may not approve it)."""
    draft.edited_by = actor.user_id
    draft.updated_at = utcnow()


def add_answer_files(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    files: list[tuple[str, BinaryIO]],
    directory: Path,
    max_bytes: int,
    max_files: int,
) -> list[AnswerFile]:
    """Attach files to the draft answer, all or nothing."""
    _q, draft = _editable_draft(session, actor, question_id)
    with storing(
        session, files, directory=directory, max_bytes=max_bytes, max_files=max_files
    ) as pending:
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


def remove_answer_file(
    session: Session, *, actor: Actor, question_id: int, file_id: int, directory: Path
) -> None:
    """Take a file off the draft; nobody has seen it, so the stored file goes too."""
    _q, draft = _editable_draft(session, actor, question_id)
    row = session.get(AnswerFile, file_id)
    if row is None or row.answer_id != draft.id:
        raise NotFound()
    stored = path_of(directory, row.stored_name)
    _touch_draft(draft, actor)
    session.add(draft)
    session.delete(row)
    audit.record(session, actor, "answer.file_removed", row, row.filename)
    session.commit()
    stored.unlink(missing_ok=True)


def get_answer_file(
    session: Session,
    *,
    actor: Actor | None,
    question_id: int,
    file_id: int,
    directory: Path,
) -> tuple[AnswerFile, Path]:
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
        and any(x.id == answer.id for _q, x in _public_pairs(session, question_id))
    )
    if not published:
        if actor is None:
            raise NotFound()
        get(session, question_id, actor=actor)  # may the actor see the question at all?
        if actor.role == Role.JOURNALIST.value and answer.status != AnswerStatus.APPROVED:
            raise NotFound()
    path = path_of(directory, row.stored_name)
    if not path.is_file():
        raise NotFound()
    return row, path


# --- The live briefing ------------------------------------------------------------------------------


def live_queue(session: Session, briefing_id: int) -> list[Question]:
    """The questions of a briefing sent from the room, in the moderator's order."""
    return list(
        session.exec(
            select(Question)
            .where(Question.briefing_id == briefing_id)
            .where(col(Question.live_state).is_not(None))
            .order_by(col(Question.live_position), col(Question.id))
        ).all()
    )


def current(session: Session, briefing_id: int) -> Question | None:
    return session.exec(
        select(Question).where(
            Question.briefing_id == briefing_id, Question.live_state == LiveState.CURRENT
        )
    ).first()


def live_fingerprint(session: Session, briefing_id: int) -> str:
    """Changes whenever the live queue changes (for cheap polling with ETags)."""
    count, latest, total = session.exec(
        select(func.count(), func.max(Question.updated_at), func.sum(Question.revision)).where(
            Question.briefing_id == briefing_id, col(Question.live_state).is_not(None)
        )
    ).one()
    return f"{count}-{latest.isoformat() if latest else ''}-{total or 0}"


def _live(session: Session, actor: Actor, question_id: int, briefing_id: int) -> Question:
    _office_only(actor)
    q = get(session, question_id, actor=actor)
    if q.briefing_id != briefing_id or q.live_state is None:
        raise NotFound()
    return q


def allow(
    session: Session, *, actor: Actor, briefing_id: int, question_id: int, text: str | None = None
) -> Question:
    """Let a question be asked, with its wording edited by the moderator if need be."""
    q = _live(session, actor, question_id, briefing_id)
    if q.live_state not in (LiveState.PENDING, LiveState.ALLOWED, LiveState.DISMISSED):
        raise Conflict(Msg("This question has already been put to the spokesperson."))
    if q.status in (QuestionStatus.MERGED, QuestionStatus.DECLINED):
        raise Conflict(Msg("This question was merged or declined; it is not put in the room."))
    if text is not None and text.strip() != q.text:
        errors: dict[str, Msg] = {}
        data = QuestionInput(text=text)
        try:
            _validate(session, data)
        except ValidationFailed as exc:
            errors = exc.errors
        if errors:
            raise ValidationFailed(errors)
        q.original_text = q.original_text or q.text
        q.text = data.text
    q.live_state = LiveState.ALLOWED
    q.updated_at = utcnow()
    session.add(q)
    audit.record(session, actor, "question.allowed", q)
    session.commit()
    return q


def dismiss(session: Session, *, actor: Actor, briefing_id: int, question_id: int) -> Question:
    q = _live(session, actor, question_id, briefing_id)
    if q.live_state in (LiveState.CURRENT, LiveState.ANSWERED):
        raise Conflict(Msg("This question has already been put to the spokesperson."))
    q.live_state = LiveState.DISMISSED
    q.updated_at = utcnow()
    session.add(q)
    audit.record(session, actor, "question.dismissed", q)
    session.commit()
    return q


def move(session: Session, *, actor: Actor, briefing_id: int, question_id: int, to: int) -> None:
    """Put a question at position `to` (0-based) of the queue."""
    q = _live(session, actor, question_id, briefing_id)
    queue = [x for x in live_queue(session, briefing_id) if x.id != q.id]
    queue.insert(max(0, min(to, len(queue))), q)
    for i, row in enumerate(queue, start=1):
        if row.live_position != i:
            row.live_position = i
            row.updated_at = utcnow()
            session.add(row)
    audit.record(session, actor, "question.moved", q, f"→ {to + 1}")
    session.commit()


def next_question(
    session: Session, *, actor: Actor, briefing_id: int, expected_current: int | None = None
) -> Question | None:
    """The current question is done; the first allowed one in order becomes current.

    `expected_current` is the current question the moderator's screen showed (0 for none): when
    it is given and no longer current, the press was already taken (a double click, a second
    screen) and nothing moves, so that no question is skipped."""
    _office_only(actor)
    now = utcnow()
    done = current(session, briefing_id)
    if expected_current is not None and expected_current != (done.id if done else 0):
        raise Conflict(
            Msg("The current question had already changed: look at the queue and press again.")
        )
    if done is not None:
        done.live_state = LiveState.ANSWERED
        done.updated_at = now
        session.add(done)
    following = next(
        (q for q in live_queue(session, briefing_id) if q.live_state == LiveState.ALLOWED), None
    )
    if following is not None:
        following.live_state = LiveState.CURRENT
        following.updated_at = now
        session.add(following)
    audit.record(
        session,
        actor,
        "briefing.next_question",
        briefing_id,
        f"#{following.id}" if following else "none",
        object_type="briefing",
    )
    session.commit()
    return following


# --- Figures ------------------------------------------------------------------------------------


@dataclass
class OrgFigures:
    organisation_id: int
    received: int = 0
    answered: int = 0
    on_time: int = 0
    overdue: int = 0
    hours_to_answer: list[float] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours_to_answer) if self.hours_to_answer else None


def figures(session: Session, first: date, last: date) -> list[OrgFigures]:
    """Per lead organisation, for questions received in [first, last] (local days): received,
    answered (or refused), answered on time, overdue now, and the median time to answer."""
    from app.briefings.service import local_datetime

    start = local_datetime(first, datetime.min.time())
    end = local_datetime(last + timedelta(days=1), datetime.min.time())
    now = utcnow()
    rows = session.exec(
        select(Question)
        .where(col(Question.lead_org_id).is_not(None))
        .where(col(Question.received_at) >= start, col(Question.received_at) < end)
    ).all()
    out: dict[int, OrgFigures] = {}
    for q in rows:
        f = out.setdefault(q.lead_org_id or 0, OrgFigures(q.lead_org_id or 0))
        f.received += 1
        if q.answered_at is not None:
            f.answered += 1
            f.on_time += q.due_at is None or q.answered_at <= q.due_at
            f.hours_to_answer.append((q.answered_at - q.received_at).total_seconds() / 3600)
        elif q.status in OPEN and q.due_at is not None and q.due_at < now:
            f.overdue += 1
    return sorted(out.values(), key=lambda f: -f.received)
