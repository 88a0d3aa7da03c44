"""Pages for journalists' questions used by the office and the departments: the office's triage
list (filters, the overdue tab), recording a question, the question page with the triage steps
allowed now, the answer draft and its approval, and the per-organisation figures; a
department's questions and its answer form. Every rule is in `service` and `states`."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData, UploadFile

from app.access import DepartmentOnly, Identity, OfficeOnly, Public
from app.accounts.models import User
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.db import SessionDep
from app.errors import (
    Conflict,
    FileTooLarge,
    Forbidden,
    NotFound,
    UnsupportedFile,
    ValidationFailed,
)
from app.flash import flash
from app.forms import parse_date, parse_ids, parse_int, parse_time
from app.i18n import N_, Msg
from app.orgs import service as orgs
from app.orgs.models import OrgKind, OrgView
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
from app.storage import ACCEPT_ATTR, download_headers
from app.templating import redirect, render, request_locale
from app.timeutil import format_datetime, local_today, to_local, utcnow

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]

# The steps taken on the question page; answering and refusing happen by approving a draft.
TRIAGE = (Step.ACCEPT, Step.MERGE, Step.DECLINE, Step.ASSIGN, Step.TRANSFER)
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


def _labels(request: Request) -> dict[str, Any]:
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


def _org_names(session: Session) -> dict[int, OrgView]:
    return {o.id: o for o in orgs.list_organisations(session, include_retired=True)}


def _users(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u for u in rows if u.id is not None}


def _briefing_options(request: Request, items: Iterable[Briefing]) -> list[tuple[int, str]]:
    locale = request_locale(request)
    return [(b.id or 0, f"{b.title(locale)} · {format_datetime(b.starts_at)}") for b in items]


def _upcoming_briefings(session: Session) -> list[Briefing]:
    """Announced briefings still to be held (or being held): those a question may be tied to."""
    rows, _total = briefings.public_list(session, upcoming=True, limit=50)
    return [b for b in rows if b.status in SCHEDULED]


def _recordable_briefings(session: Session) -> list[Briefing]:
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
    return recent + [b for b in _upcoming_briefings(session) if b.id not in seen]


# --- The office: the triage list -----------------------------------------------------------------


@router.get("/office/questions")
def office_list(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    status: str = "",
    overdue: str = "",
    organisation: str = "",
    briefing: str = "",
    q: str = "",
) -> Response:
    filters = service.Filters(
        status=status if status in STATUS_VALUES else "",
        overdue=overdue == "1",
        briefing_id=parse_int(briefing),
        organisation_id=parse_int(organisation),
        q=q[:200],
    )
    rows = service.listing(session, actor=identity.actor, filters=filters)
    now = utcnow()
    recent = briefings.between(
        session, now - timedelta(days=180), now + timedelta(days=180), public_only=True
    )
    ctx = _labels(request) | {
        "questions": rows,
        "limited": len(rows) >= 200,
        "filter": {
            "status": filters.status,
            "overdue": filters.overdue,
            "organisation": str(filters.organisation_id or ""),
            "briefing": str(filters.briefing_id or ""),
            "q": filters.q,
        },
        "names": _org_names(session),
        "users": _users(session, (x.journalist_id for x in rows)),
        "answering": orgs.list_organisations(session, kinds=service.ANSWERING_ORGS),
        "briefing_options": _briefing_options(request, reversed(recent)),
    }
    return render(request, "questions/office_list.html", ctx, block="results")


# --- The office: recording a question --------------------------------------------------------------

NEW_FIELDS = (
    "text",
    "topic",
    "language",
    "channel",
    "briefing_id",
    "asker_name",
    "agency_id",
    "agency_name",
    "received_day",
    "received_time",
)


def _new_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    *,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = _labels(request) | {
        "form": form,
        "errors": errors or {},
        "briefing_options": _briefing_options(request, _recordable_briefings(session)),
        "agencies": orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,)),
    }
    return render(request, "questions/office_new.html", ctx, block="form", status_code=status_code)


@router.get("/office/questions/new")
def new_question_page(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    briefing: str = "",
    channel: str = "",
) -> Response:
    now = to_local(utcnow())
    upcoming = _upcoming_briefings(session)
    live = next((b for b in upcoming if service.is_live(b)), None)
    chosen = parse_int(briefing)
    form: dict[str, Any] = dict.fromkeys(NEW_FIELDS, "") | {
        "language": "vi",
        "channel": channel if channel in {c.value for c in Channel} else "",
        "briefing_id": chosen if chosen in {b.id for b in _recordable_briefings(session)} else "",
        "received_day": now.date().isoformat(),
        "received_time": now.strftime("%H:%M"),
        "incident": False,
    }
    if live is not None and not form["briefing_id"]:  # recording in the room: one less choice
        form["briefing_id"] = live.id
        form["channel"] = form["channel"] or Channel.BRIEFING.value
    return _new_page(request, session, form)


def _received_at(day: str, at: str, errors: dict[str, Msg]) -> datetime | None:
    """When the question came in, from the local date and time typed; None means now."""
    if not day.strip() and not at.strip():
        return None
    parsed_day, parsed_time = parse_date(day), parse_time(at)
    if parsed_day is None or parsed_time is None:
        errors["received_at"] = Msg(
            "Enter the date and time the question came in, for example 26/11/2026 and 14:05."
        )
        return None
    return briefings.local_datetime(parsed_day, parsed_time)


@router.post("/office/questions/new")
async def new_question(request: Request, identity: OfficeOnly, session: SessionDep) -> Response:
    data = await request.form()
    form: dict[str, Any] = {name: str(data.get(name, "")) for name in NEW_FIELDS}
    form["incident"] = data.get("incident") == "1"
    errors: dict[str, Msg] = {}
    received = _received_at(form["received_day"], form["received_time"], errors)
    channel = form["channel"]
    question = service.QuestionInput(
        text=form["text"],
        topic=form["topic"],
        language=form["language"],
        channel=Channel(channel) if channel in {c.value for c in Channel} else None,
        briefing_id=parse_int(form["briefing_id"]),
        asker_name=form["asker_name"],
        agency_id=parse_int(form["agency_id"]),
        agency_name=form["agency_name"],
        received_at=received,
        incident=form["incident"],
    )
    try:
        if errors:
            raise ValidationFailed(errors)
        saved = service.record(session, actor=identity.actor, data=question)
    except ValidationFailed as exc:
        session.rollback()
        return _new_page(request, session, form, errors=exc.errors, status_code=422)
    flash(
        request,
        Msg(
            "Question #%(id)s has been recorded. It is due by %(due)s.",
            {"id": saved.id, "due": format_datetime(saved.due_at)},
        ),
    )
    if data.get("intent") == "another":
        url = f"/office/questions/new?channel={saved.channel.value}"
        if saved.briefing_id:
            url += f"&briefing={saved.briefing_id}"
        return redirect(request, url)
    return redirect(request, f"/office/questions/{saved.id}")


# --- One question: what the office and the departments both see ------------------------------------


def _question_context(session: Session, q: Question, identity: Identity) -> dict[str, Any]:
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
        "names": _org_names(session),
        "users": _users(session, people),
        "support": service.supporting(session, q.id),
        "transfers": moves,
        "answers": answers,
        "draft": draft,
        "briefing": session.get(Briefing, q.briefing_id) if q.briefing_id else None,
        "answer_form": _answer_form_of(draft),
        "files": service.answer_files(session, [a.id for a in answers if a.id is not None]),
        "accept_files": ACCEPT_ATTR,
        "failed": None,
        "errors": {},
    }


def _answer_form_of(draft: Answer | None) -> dict[str, Any]:
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


def _current_revision(session: Session, question_id: int) -> int:
    current = service.draft_of(session, question_id)
    return current.revision if current else 0


def _answer_form_posted(data: FormData) -> dict[str, Any]:
    return {
        "kind": str(data.get("kind", "")),
        "text": str(data.get("text", "")),
        "refusal_ground": str(data.get("refusal_ground", "")),
        "new_due_on": str(data.get("new_due_on", "")),
        "public": data.get("public") == "1",
        "revision": str(data.get("revision", "")),
    }


def _answer_input(form: dict[str, Any]) -> service.AnswerInput:
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


# --- The office: the question page and its steps ---------------------------------------------------


def _step_forms(q: Question, support: list[int]) -> dict[str, dict[str, Any]]:
    return {
        Step.ACCEPT.value: {"incident": q.incident},
        Step.MERGE.value: {"into_id": "", "into_number": ""},
        Step.DECLINE.value: {"reason": ""},
        Step.ASSIGN.value: {
            "lead_org_id": q.lead_org_id or "",
            "support_ids": support,
            "due_on": "",
        },
        Step.TRANSFER.value: {"to_org_id": "", "reason": ""},
    }


def _office_page(
    request: Request,
    session: Session,
    identity: Identity,
    question_id: int,
    *,
    failed: str | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    q = service.get(session, question_id, actor=identity.actor)
    ctx = _labels(request) | _question_context(session, q, identity)
    recent = service.listing(session, actor=identity.actor, limit=MERGE_CHOICES + 1)
    answering = orgs.list_organisations(session, kinds=service.ANSWERING_ORGS)
    locale = request_locale(request)
    forms = _step_forms(q, ctx["support"])
    if failed in forms and form is not None:
        forms[failed] = form
    if failed == "answer" and form is not None:
        ctx["answer_form"] = form
    ctx |= {
        "steps": [s for s in states.allowed_steps(q.status) if s in TRIAGE],
        "forms": forms,
        "failed": failed,
        "errors": errors or {},
        "answering": answering,
        "transfer_options": [(o.id, o.name(locale)) for o in answering if o.id != q.lead_org_id],
        "merge_options": [
            (x.id, f"#{x.id} · {format_datetime(x.received_at)} · {x.text[:80]}")
            for x in recent
            if x.id != q.id and x.status not in (QuestionStatus.MERGED, QuestionStatus.DECLINED)
        ][:MERGE_CHOICES],
        "merged_into": session.get(Question, q.merged_into_id) if q.merged_into_id else None,
        "merged_here": list(
            session.exec(
                select(Question)
                .where(Question.merged_into_id == q.id)
                .order_by(col(Question.received_at))
            ).all()
        ),
    }
    return render(request, "questions/office_detail.html", ctx, status_code=status_code)


@router.get("/office/questions/figures")
def figures_page(
    request: Request,
    identity: OfficeOnly,
    session: SessionDep,
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
) -> Response:
    today = local_today()
    errors: dict[str, Msg] = {}
    first = parse_date(date_from) if date_from.strip() else today.replace(month=1, day=1)
    last = parse_date(date_to) if date_to.strip() else today
    if first is None:
        errors["from"] = Msg("Enter a date, for example 01/01/2026.")
    if last is None:
        errors["to"] = Msg("Enter a date, for example 31/12/2026.")
    if first and last and last < first:
        errors["to"] = Msg("The end of the period is before its start.")
    rows = service.figures(session, first, last) if first and last and not errors else []
    hours = [h for f in rows for h in f.hours_to_answer]
    total = {
        "received": sum(f.received for f in rows),
        "answered": sum(f.answered for f in rows),
        "on_time": sum(f.on_time for f in rows),
        "overdue": sum(f.overdue for f in rows),
        "median_hours": statistics.median(hours) if hours else None,
    }
    ctx = {
        "rows": rows,
        "total": total,
        "names": _org_names(session),
        "errors": errors,
        "period": {
            "from": date_from if errors.get("from") else (first or today).isoformat(),
            "to": date_to if errors.get("to") else (last or today).isoformat(),
        },
        "first": first,
        "last": last,
    }
    return render(
        request,
        "questions/office_figures.html",
        ctx,
        block="figures",
        status_code=422 if errors else 200,
    )


@router.get("/office/questions/{question_id:int}")
def office_question(
    request: Request, question_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return _office_page(request, session, identity, question_id)


@router.post("/office/questions/{question_id:int}/answer")
async def office_answer(
    request: Request, question_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    form = _answer_form_posted(await request.form())
    try:
        service.save_answer(
            session,
            actor=identity.actor,
            question_id=question_id,
            data=_answer_input(form),
            expected_revision=parse_int(form["revision"]),
        )
    except ValidationFailed as exc:
        session.rollback()
        return _office_page(
            request,
            session,
            identity,
            question_id,
            failed="answer",
            form=form,
            errors=exc.errors,
            status_code=422,
        )
    except (Conflict, Forbidden) as exc:
        session.rollback()
        if isinstance(exc, Conflict):  # a deliberate second save may now go through
            form["revision"] = _current_revision(session, question_id)
        return _office_page(
            request,
            session,
            identity,
            question_id,
            failed="answer",
            form=form,
            errors={"form": exc.detail or Msg(exc.title)},
            status_code=exc.status,
        )
    flash(request, Msg("The draft has been saved. Another person approves it before it is sent."))
    return redirect(request, f"/office/questions/{question_id}#answer")


@router.post("/office/questions/{question_id:int}/approve")
def office_approve(
    request: Request,
    question_id: int,
    identity: OfficeOnly,
    session: SessionDep,
    revision: Text = "",
) -> Response:
    try:
        approved = service.approve(
            session,
            actor=identity.actor,
            question_id=question_id,
            expected_revision=parse_int(revision),
        )
    except (Conflict, Forbidden) as exc:
        session.rollback()
        return _office_page(
            request,
            session,
            identity,
            question_id,
            failed="approve",
            errors={"form": exc.detail or Msg(exc.title)},
            status_code=exc.status,
        )
    flash(request, Msg(APPROVED[approved.kind]))
    return redirect(request, f"/office/questions/{question_id}")


def _due_on(value: str) -> date | None:
    if not value.strip():
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise ValidationFailed({"due_on": Msg("Enter a date, for example 26/11/2026.")})
    return parsed


@router.post("/office/questions/{question_id:int}/{action}")
async def office_step(
    request: Request, question_id: int, action: str, identity: OfficeOnly, session: SessionDep
) -> Response:
    """A triage step (the path parameter is named `action` as on the other areas' pages)."""
    try:
        chosen = Step(action)
    except ValueError:
        raise NotFound() from None
    if chosen not in TRIAGE:
        raise NotFound()
    data = await request.form()

    def value(name: str) -> str:
        return str(data.get(name, ""))

    expected = parse_int(value("revision"))
    actor = identity.actor
    form: dict[str, Any]
    try:
        if chosen == Step.ACCEPT:
            form = {"incident": data.get("incident") == "1"}
            service.accept(
                session,
                actor=actor,
                question_id=question_id,
                incident=form["incident"],
                expected_revision=expected,
            )
        elif chosen == Step.MERGE:
            form = {"into_id": value("into_id"), "into_number": value("into_number")}
            into = parse_int(form["into_number"].lstrip("#")) or parse_int(form["into_id"])
            service.merge(
                session,
                actor=actor,
                question_id=question_id,
                into_id=into or 0,
                expected_revision=expected,
            )
        elif chosen == Step.DECLINE:
            form = {"reason": value("reason")}
            service.decline(
                session,
                actor=actor,
                question_id=question_id,
                reason=form["reason"],
                expected_revision=expected,
            )
        elif chosen == Step.ASSIGN:
            support = parse_ids([str(v) for v in data.getlist("support_ids")])
            form = {
                "lead_org_id": value("lead_org_id"),
                "support_ids": support,
                "due_on": value("due_on"),
            }
            service.assign(
                session,
                actor=actor,
                question_id=question_id,
                lead_org_id=parse_int(form["lead_org_id"]),
                support_ids=support,
                due_on=_due_on(form["due_on"]),
                expected_revision=expected,
            )
        else:
            form = {"to_org_id": value("to_org_id"), "reason": value("reason")}
            service.transfer(
                session,
                actor=actor,
                question_id=question_id,
                to_org_id=parse_int(form["to_org_id"]),
                reason=form["reason"],
                expected_revision=expected,
            )
    except ValidationFailed as exc:
        session.rollback()
        return _office_page(
            request,
            session,
            identity,
            question_id,
            failed=chosen.value,
            form=form,
            errors=exc.errors,
            status_code=422,
        )
    except Conflict as exc:
        # Someone acted in the meantime, or the step is no longer possible: say so, keep the text.
        session.rollback()
        return _office_page(
            request,
            session,
            identity,
            question_id,
            failed=chosen.value,
            form=form,
            errors={"form": exc.detail or Msg(exc.title)},
            status_code=409,
        )
    flash(request, Msg(STEP_DONE[chosen]))
    return redirect(request, f"/office/questions/{question_id}")


# --- The department ------------------------------------------------------------------------------


@router.get("/dept/questions")
def dept_list(request: Request, identity: DepartmentOnly, session: SessionDep) -> Response:
    rows = service.listing(session, actor=identity.actor)
    open_rows = sorted(
        (q for q in rows if q.status in OPEN), key=lambda q: (q.due_at or FAR, q.id or 0)
    )
    ctx = _labels(request) | {
        "open_rows": open_rows,
        "closed_rows": [q for q in rows if q.status not in OPEN],
        "names": _org_names(session),
        "my_org": identity.actor.organisation_id,
    }
    return render(request, "questions/dept_list.html", ctx)


def _dept_page(
    request: Request,
    session: Session,
    identity: Identity,
    question_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    failed: str = "answer",
    status_code: int = 200,
) -> Response:
    q = service.get(session, question_id, actor=identity.actor)
    ctx = _labels(request) | _question_context(session, q, identity)
    ctx |= {
        "my_org": identity.actor.organisation_id,
        "leads": q.lead_org_id is not None and q.lead_org_id == identity.actor.organisation_id,
        "errors": errors or {},
        "failed": failed if errors else None,
    }
    if form is not None:
        ctx["answer_form"] = form
    return render(request, "questions/dept_detail.html", ctx, status_code=status_code)


@router.get("/dept/questions/{question_id:int}")
def dept_question(
    request: Request, question_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    return _dept_page(request, session, identity, question_id)


@router.post("/dept/questions/{question_id:int}/answer")
async def dept_answer(
    request: Request, question_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    form = _answer_form_posted(await request.form())
    try:
        service.save_answer(
            session,
            actor=identity.actor,
            question_id=question_id,
            data=_answer_input(form),
            expected_revision=parse_int(form["revision"]),
        )
    except ValidationFailed as exc:
        session.rollback()
        return _dept_page(
            request,
            session,
            identity,
            question_id,
            form=form,
            errors=exc.errors,
            status_code=422,
        )
    except (Conflict, Forbidden) as exc:
        session.rollback()
        if isinstance(exc, Conflict):  # a deliberate second save may now go through
            form["revision"] = _current_revision(session, question_id)
        return _dept_page(
            request,
            session,
            identity,
            question_id,
            form=form,
            errors={"form": exc.detail or Msg(exc.title)},
            status_code=exc.status,
        )
    flash(
        request,
        Msg("The draft has been saved. The press office approves it before it is sent."),
    )
    return redirect(request, f"/dept/questions/{question_id}#answer")


# --- Files of answers: the draft's (office and lead department) and the download -----------------


async def _upload_answer_files(
    request: Request, session: Session, identity: Identity, question_id: int
) -> tuple[int, dict[str, Msg] | None, int]:
    """Attach the posted files to the draft: (files added, errors beside the file field, status).
    Too large is 413 and a disguised file 415, with nothing kept."""
    settings = request.app.state.settings
    data = await request.form(max_files=settings.upload_max_files + 1)
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile)]
    try:
        added = service.add_answer_files(
            session,
            actor=identity.actor,
            question_id=question_id,
            files=[(f.filename or "", f.file) for f in uploads],
            directory=settings.upload_dir,
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    except ValidationFailed as exc:
        return 0, exc.errors, 422
    except (FileTooLarge, UnsupportedFile, Conflict, Forbidden) as exc:
        return 0, {"files": exc.detail or Msg(exc.title)}, exc.status
    finally:
        for f in uploads:
            await f.close()
    flash(request, Msg("%(n)s file(s) attached to the draft.", {"n": len(added)}))
    return len(added), None, 303


def _remove_answer_file(
    request: Request, session: Session, identity: Identity, question_id: int, attachment_id: int
) -> None:
    service.remove_answer_file(
        session,
        actor=identity.actor,
        question_id=question_id,
        file_id=attachment_id,
        directory=request.app.state.settings.upload_dir,
    )
    flash(request, Msg("The file has been removed from the draft."))


@router.post("/office/questions/{question_id:int}/answer/attachments")
async def office_answer_files(
    request: Request, question_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    _n, errors, status = await _upload_answer_files(request, session, identity, question_id)
    if errors is not None:
        session.rollback()
        return _office_page(
            request,
            session,
            identity,
            question_id,
            failed="files",
            errors=errors,
            status_code=status,
        )
    return redirect(request, f"/office/questions/{question_id}#draft")


@router.post("/office/questions/{question_id:int}/answer/files/{attachment_id:int}/remove")
def office_remove_answer_file(
    request: Request,
    question_id: int,
    attachment_id: int,
    identity: OfficeOnly,
    session: SessionDep,
) -> Response:
    _remove_answer_file(request, session, identity, question_id, attachment_id)
    return redirect(request, f"/office/questions/{question_id}#draft")


@router.post("/dept/questions/{question_id:int}/answer/attachments")
async def dept_answer_files(
    request: Request, question_id: int, identity: DepartmentOnly, session: SessionDep
) -> Response:
    _n, errors, status = await _upload_answer_files(request, session, identity, question_id)
    if errors is not None:
        session.rollback()
        return _dept_page(
            request,
            session,
            identity,
            question_id,
            errors=errors,
            failed="files",
            status_code=status,
        )
    return redirect(request, f"/dept/questions/{question_id}#draft")


@router.post("/dept/questions/{question_id:int}/answer/files/{attachment_id:int}/remove")
def dept_remove_answer_file(
    request: Request,
    question_id: int,
    attachment_id: int,
    identity: DepartmentOnly,
    session: SessionDep,
) -> Response:
    _remove_answer_file(request, session, identity, question_id, attachment_id)
    return redirect(request, f"/dept/questions/{question_id}#draft")


@router.get("/questions/{question_id:int}/files/{attachment_id:int}")
def answer_file(
    request: Request,
    question_id: int,
    attachment_id: int,
    identity: Public,
    session: SessionDep,
) -> Response:
    """A file of an answer, as a download, for whoever may read the answer (see the service)."""
    row, path = service.get_answer_file(
        session,
        actor=identity.actor if identity.user is not None else None,
        question_id=question_id,
        file_id=attachment_id,
        directory=request.app.state.settings.upload_dir,
    )
    return FileResponse(path, media_type=row.content_type, headers=download_headers(row.filename))
