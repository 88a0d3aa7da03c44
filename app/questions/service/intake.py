"""Intake: a verified journalist's question (online before a briefing, or from the room during
it), with its duplicate check and rate limit, and a question the office records for someone
asking in the room, by phone, by e-mail or in writing. Each gets its due date from the rules."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit import service as audit
from app.audit.service import Actor
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.errors import Forbidden, TooManyRequests, ValidationFailed
from app.forms import CONTROL_CHARS, check_text
from app.holidays.service import work_calendar
from app.i18n import Msg
from app.law.rulesets import NoRuleSet, ruleset_at
from app.notifications import work as notices
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.questions import deadlines
from app.questions.deadlines import Rules, load_rules
from app.questions.models import Channel, LiveState, Question
from app.questions.service.common import HELD, LANGUAGES, MAX_TEXT, is_live, office_only
from app.timeutil import utcnow
from app.uow import use_case


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


def validate(session: Session, data: QuestionInput, *, held_too: bool = False) -> Briefing | None:
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


def set_due(session: Session, q: Question, rules: Rules | None = None) -> None:
    """The due date the rules give the question (its channel, or the incident level)."""
    level = _level(rules or load_rules(), q)
    q.due_at = deadlines.due_at(level, q.received_at, work_calendar(session))
    q.due_basis = level.code


def _next_position(session: Session, briefing_id: int) -> int:
    top = session.exec(
        select(func.max(Question.live_position)).where(Question.briefing_id == briefing_id)
    ).one()
    return int(top or 0) + 1


@use_case
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
    briefing = validate(session, data)
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
    set_due(session, q)
    session.add(q)
    try:
        with session.begin_nested():  # a savepoint: losing the race undoes only this question
            session.flush()
    except IntegrityError:  # the same question arrived twice at the same moment: keep one
        existing = session.exec(select(Question).where(Question.dedupe_key == q.dedupe_key)).one()
        return existing, False
    audit.record(session, actor, "question.asked", q, q.text[:200])
    if not live:  # a question in the room goes to the moderator's screen, not the inbox
        notices.question_received(session, q)
    return q, True


@use_case
def record(session: Session, *, actor: Actor, data: QuestionInput) -> Question:
    """The office records a question: asked in the room, by phone, e-mail or in writing, by
    someone with or without an account (name and agency)."""
    office_only(actor)
    errors: dict[str, Msg] = {}
    briefing = None
    try:
        briefing = validate(session, data, held_too=True)
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
    try:
        ruleset_at(received)  # a question follows the law of its receipt: never a guess
    except NoRuleSet as exc:
        errors["received_at"] = exc.message
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
    set_due(session, q)
    session.add(q)
    audit.record(session, actor, "question.recorded", q, q.text[:200])
    if q.incident:
        _open_matter(session, actor, q)
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
