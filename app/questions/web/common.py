"""What the office's and the departments' question pages share: the labels and choices of the
forms, the names shown, the briefings a question may be tied to, and one question's context with
its answer form.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from app.access import Identity
from app.accounts.models import User
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.errors import (
    ValidationFailed,
)
from app.forms import parse_date
from app.i18n import N_, Msg
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.questions import deadlines, service, states
from app.questions.deadlines import load_rules
from app.questions.models import (
    ANSWER_KIND_LABELS,
    CHANNEL_LABELS,
    OPEN,
    STATUS_LABELS,
    Answer,
    AnswerKind,
    AnswerStatus,
    Channel,
    Question,
    QuestionStatus,
)
from app.questions.states import Step
from app.storage import ACCEPT_ATTR
from app.templating import request_locale
from app.timeutil import format_datetime, local_today, to_local, utcnow

STEP_DONE: dict[Step, str] = {
    Step.ACCEPT: N_("The question has been accepted."),
    Step.MERGE: N_("The question has been merged into the earlier question."),
    Step.DECLINE: N_("The question has been declined."),
    Step.ASSIGN: N_("The question has been assigned."),
    Step.TRANSFER: N_("The question has been transferred; its due date has not changed."),
}
APPROVED: dict[AnswerKind, str] = {
    AnswerKind.ANSWER: N_("The answer has been approved: the journalist can see it."),
    AnswerKind.HOLDING: N_(
        "The holding answer has been approved: the journalist sees it, and the question is due by the new date."
    ),
    AnswerKind.REFUSAL: N_(
        "The refusal has been approved: the journalist sees it with its ground."
    ),
}
STATUS_VALUES = frozenset(s.value for s in QuestionStatus)
MERGE_CHOICES = 40  # recent questions offered in the merge list
FAR = datetime.max.replace(tzinfo=UTC)


def labels(request: Request) -> dict[str, Any]:
    locale = request_locale(request)
    rules = load_rules()
    return {
        "status_labels": STATUS_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "step_labels": states.STEP_LABELS,
        "kind_labels": ANSWER_KIND_LABELS,
        "languages": service.LANGUAGES,
        "rules": rules,
        "ground_options": [
            (g.code, f"{g.label(locale)} ({g.citation(locale)})")
            for g in deadlines.grounds_on(local_today()).values()
        ],
        "ground_of": deadlines.ground_of,
        "answer_kinds": list(AnswerKind),
        "channels": list(Channel),
        "statuses": list(QuestionStatus),
        "open_statuses": OPEN,
        "now": utcnow(),
    }


def org_names(session: Session) -> dict[int, OrgView]:
    return {o.id: o for o in orgs.list_organisations(session, include_retired=True)}


def users(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u for u in rows if u.id is not None}


def briefing_options(request: Request, items: Iterable[Briefing]) -> list[tuple[int, str]]:
    locale = request_locale(request)
    return [(b.id or 0, f"{b.title(locale)} · {format_datetime(b.starts_at)}") for b in items]


def upcoming_briefings(session: Session) -> list[Briefing]:
    """Announced briefings still to be held (or being held): those a question may be tied to."""
    rows, _total = briefings.public_list(session, upcoming=True, limit=50)
    return [b for b in rows if b.status in SCHEDULED]


def recordable_briefings(session: Session) -> list[Briefing]:
    """For the office's record form: briefings still to come, and those held in the last two
    weeks (questions asked in the room are sometimes typed up afterwards)."""
    now = utcnow()
    recent = briefings.between(
        session,
        now - timedelta(days=14),
        now,
        public_only=True,
        statuses=SCHEDULED | service.HELD,
    )
    seen = {b.id for b in recent}
    return recent + [b for b in upcoming_briefings(session) if b.id not in seen]


# --- One question: what the office and the departments both see ------------------------------------


def question_context(session: Session, q: Question, identity: Identity) -> dict[str, Any]:
    assert q.id is not None
    answers = service.answers(session, q.id, actor=identity.actor)
    moves = service.transfers(session, q.id)
    people = [q.journalist_id, q.recorded_by]
    people += [t.by_user_id for t in moves]
    for a in answers:
        people += [a.drafted_by, a.edited_by, a.approved_by]
    draft = next((a for a in answers if a.status == AnswerStatus.DRAFT), None)
    return {
        "q": q,
        "names": org_names(session),
        "users": users(session, people),
        "support": service.supporting(session, q.id),
        "transfers": moves,
        "answers": answers,
        "draft": draft,
        "briefing": session.get(Briefing, q.briefing_id) if q.briefing_id else None,
        "answer_form": answer_form_of(draft),
        "files": service.answer_files(session, [a.id for a in answers if a.id is not None]),
        "accept_files": ACCEPT_ATTR,
        "failed": None,
        "errors": {},
    }


def answer_form_of(draft: Answer | None) -> dict[str, Any]:
    if draft is None:
        return {
            "kind": AnswerKind.ANSWER.value,
            "text": "",
            "refusal_ground": "",
            "new_due_on": "",
            "public": False,
            "revision": 0,  # "no draft yet": a draft saved meanwhile by someone else is a conflict
        }
    return {
        "kind": draft.kind.value,
        "text": draft.text,
        "refusal_ground": draft.refusal_ground,
        "new_due_on": to_local(draft.new_due_at).date().isoformat() if draft.new_due_at else "",
        "public": draft.public,
        "revision": draft.revision,
    }


def current_revision(session: Session, question_id: int) -> int:
    current = service.draft_of(session, question_id)
    return current.revision if current else 0


def answer_form_posted(data: FormData) -> dict[str, Any]:
    return {
        "kind": str(data.get("kind", "")),
        "text": str(data.get("text", "")),
        "refusal_ground": str(data.get("refusal_ground", "")),
        "new_due_on": str(data.get("new_due_on", "")),
        "public": data.get("public") == "1",
        "revision": str(data.get("revision", "")),
    }


def answer_input(form: dict[str, Any]) -> service.AnswerInput:
    if form["kind"] not in {k.value for k in AnswerKind}:
        raise ValidationFailed(
            {"kind": Msg("Choose whether this is an answer, a holding answer or a refusal.")}
        )
    return service.AnswerInput(
        kind=AnswerKind(form["kind"]),
        text=form["text"],
        refusal_ground=form["refusal_ground"],
        new_due_on=parse_date(form["new_due_on"]),
        public=bool(form["public"]),
    )
