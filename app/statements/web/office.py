"""The office's pages for official statements: the list, and the statement page with the steps
that can be taken now (`service.offered`: the table in `states` and the service's rules), each
step posted to one route that calls `service.take_step`. Drafting is in `drafting`, the
translations and files of the edition being prepared in `edition`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import Identity, OfficeOnly
from app.briefings import service as briefings
from app.db import SessionDep
from app.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed
from app.flash import flash
from app.forms import parse_date, parse_int, parse_time
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.staffcache.cache import kept
from app.statements import service, states
from app.statements.models import (
    COMPLIANCE_LABELS,
    KIND_LABELS,
    PREVIEW_AUDIENCE_LABELS,
    SPOKESPERSON_ROLE_LABELS,
    STATE_LABELS,
    Compliance,
    Edition,
    Statement,
    StatementKind,
)
from app.statements.service import preview
from app.statements.states import StatementStep, Step
from app.storage import ACCEPT_ATTR
from app.templating import redirect, render
from app.timeutil import format_datetime, utcnow
from app.uow import dry_run

router = APIRouter(include_in_schema=False)

# The fields each step's form posts, kept when the page comes back with an error.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    Step.SCHEDULE: ("day", "time"),
    StatementStep.WITHDRAW: ("reason",),
    StatementStep.COMPLIANCE: ("compliance",),
}


def labels() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "state_labels": STATE_LABELS,
        "step_labels": states.STEP_LABELS,
        "compliance_labels": COMPLIANCE_LABELS,
        "role_labels": SPOKESPERSON_ROLE_LABELS,
        "kinds": list(StatementKind),
        "compliances": list(Compliance),
        "now": utcnow(),
    }


def org_names(session: Session) -> dict[int, OrgView]:
    return {o.id: o for o in orgs.list_organisations(session, include_retired=True)}


def not_editable(ed: Edition | None) -> Msg:
    if ed is None:
        return Msg("A published edition is never changed: start a new edition to change it.")
    return Msg("This edition is approved: it cannot be edited. Return it to draft to change it.")


# --- The list ------------------------------------------------------------------------------------


PAGE_SIZE = 50  # statements per page of the office's list


@router.get("/office/statements")
@kept
def office_list(
    request: Request, identity: OfficeOnly, session: SessionDep, page: int = 1
) -> Response:
    """One page of PAGE_SIZE statements, the last changed first, with how many there are."""
    total = service.office_count(session)
    pages = max(1, -(-total // PAGE_SIZE))
    page = max(1, min(page, pages))
    rows = service.office_list(session, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    ctx = labels() | {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "names": org_names(session),
    }
    return render(request, "statements/office_list.html", ctx)


# --- The statement page and its steps ------------------------------------------------------------


def _step_forms(st: Statement) -> dict[str, dict[str, Any]]:
    return {
        "schedule": {"day": "", "time": ""},
        "withdraw": {"reason": ""},
        "compliance": {"compliance": st.compliance.value if st.compliance else ""},
        "preview": {},  # the current preview's audience (`statements/_preview_office.html`)
    }


def outdated(session: Session, t: Any, current: Edition | None) -> bool:
    return bool(t is not None and current is not None and service.is_outdated(session, t, current))


def statement_page(
    request: Request,
    session: Session,
    identity: Identity,
    statement_id: int,
    *,
    failed: str | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 200,
) -> Response:
    st = service.get(session, statement_id, actor=identity.actor)
    eds = service.editions(session, statement_id)
    offer = service.offered(session, st, actor=identity.actor, eds=eds)
    current = offer.current
    carried = service.translations(session, current.id) if current and current.id else {}
    translations = [
        (lang, carried.get(lang.code), outdated(session, carried.get(lang.code), current))
        for lang in service.translation_languages(session)
    ]
    people: list[int | None] = [st.created_by, st.withdrawn_by]
    for e in eds:
        people += [e.created_by, e.edited_by, e.approved_by]
    people += [t.translated_by for t in carried.values()]
    shared = preview.office_view(session, st)
    people += [shared.preview.shared_by] if shared.preview else []
    forms = _step_forms(st)
    if failed in forms and form is not None:
        forms[failed] = form
    topic_ids = set(service.topic_ids(session, statement_id))
    ctx = labels() | {
        "st": st,
        "editions": list(reversed(eds)),
        "working": offer.working,
        "current": current,
        "public": service.public_edition(session, statement_id),
        "steps": [s.value for s in offer.steps],
        "extra": [s.value for s in offer.statement_steps],
        "compliance_offered": offer.compliance,
        "translations": translations,
        "files": service.edition_files(session, current.id) if current and current.id else [],
        "users": service.people(session, people),
        "names": org_names(session),
        "spokesperson": service.spokesperson_of(session, st.spokesperson_id),
        "briefing": service.briefing_of(session, st.briefing_id),
        "topics": [t for t in service.topics(session) if t.id in topic_ids],
        "related": service.related_org_ids(session, statement_id),
        "questions": service.question_ids(session, statement_id),
        "may_approve": offer.may_approve,
        "forms": forms,
        "failed": failed,
        "errors": errors or {},
        "accept_files": ACCEPT_ATTR,
        "preview": shared,
        "audience_labels": PREVIEW_AUDIENCE_LABELS,
    }
    return render(request, "statements/office_detail.html", ctx, status_code=status_code)


@router.get("/office/statements/{statement_id:int}")
def statement_get(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    return statement_page(request, session, identity, statement_id)


def failure(
    request: Request,
    session: Session,
    identity: Identity,
    statement_id: int,
    exc: AppError,
    failed: str,
    form: dict[str, Any] | None = None,
) -> Response:
    """The statement page again with what went wrong: beside the fields (422), or the reason a
    step was refused (403) or is no longer possible (409). The use case has rolled back."""
    if isinstance(exc, ValidationFailed):
        errors, status = exc.errors, 422
    else:
        errors, status = {"form": exc.detail or Msg(exc.title)}, exc.status
    return statement_page(
        request,
        session,
        identity,
        statement_id,
        failed=failed,
        form=form,
        errors=errors,
        status_code=status,
    )


# Steps the public notices or that cannot be undone: asked again on a page that says what follows.
CONFIRMED = frozenset({Step.PUBLISH, Step.SCHEDULE, StatementStep.DISCARD, StatementStep.WITHDRAW})


# --- The steps (after the fixed paths of `drafting` and `edition`: "edit" is not a step) ----------


def confirm_page(
    request: Request,
    session: Session,
    identity: Identity,
    statement_id: int,
    step: states.AnyStep,
    posted: Any,
) -> Response:
    """Are you sure? What the step does, who is told and, for a publication, the public page as
    it will look in each language; the button sends the same form again, confirmed."""
    st = service.get(session, statement_id, actor=identity.actor)
    current = service.current_edition(session, statement_id)
    carried = service.translations(session, current.id) if current.id else {}
    fields = {k: str(posted.get(k, "")) for k in ("revision", "day", "time", "reason")}
    day, at = parse_date(fields["day"]), parse_time(fields["time"])
    ctx = labels() | {
        "st": st,
        "current": current,
        "step": step.value,
        "fields": fields,
        "when": briefings.local_datetime(day, at) if day and at else None,
        "carried": carried,
        "spokesperson": service.spokesperson_of(session, st.spokesperson_id),
        "first": current.number == 1,
    }
    return render(request, "statements/office_confirm.html", ctx)


@router.post("/office/statements/{statement_id:int}/{action}")
async def office_step(
    request: Request, statement_id: int, action: str, identity: OfficeOnly, session: SessionDep
) -> Response:
    """One step of the statement's workflow (the path parameter is named `action` as on the
    other areas' pages); what is possible is decided by `states` and `service`."""
    step = states.parse_step(action)
    if step is None:
        raise NotFound()
    posted = await request.form()

    def value(name: str) -> str:
        return str(posted.get(name, ""))

    form = {name: value(name) for name in STEP_FIELDS.get(step, ())} or None
    day, at = parse_date(value("day")), parse_time(value("time"))
    data = service.StepData(
        revision=parse_int(value("revision")),
        publish_at=briefings.local_datetime(day, at) if day and at else None,
        reason=value("reason"),
        compliance=value("compliance"),
        numbers_file=request.app.state.settings.statement_numbers_file,
    )
    try:
        if step in CONFIRMED and value("confirm") != "1":
            # Checked as it would be taken (nothing kept), then the page that says what follows.
            dry_run(
                session,
                lambda: service.take_step(
                    session, actor=identity.actor, id=statement_id, step=step, data=data
                ),
            )
            return confirm_page(request, session, identity, statement_id, step, posted)
        ed = service.take_step(session, actor=identity.actor, id=statement_id, step=step, data=data)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return failure(request, session, identity, statement_id, exc, action, form)
    done = Msg(states.done(step))
    target = f"/office/statements/{statement_id}"
    if step == Step.SCHEDULE and ed is not None:
        done = Msg(
            "The edition has been scheduled: it becomes public on %(time)s.",
            {"time": format_datetime(ed.publish_at)},
        )
    elif step == StatementStep.NEW_EDITION:
        target += "/edit"
    elif ed is None:  # the first edition discarded: the statement is gone
        target = "/office/statements"
    flash(request, done)
    return redirect(request, target)
