"""Public pages: upcoming and past briefings, and each briefing at its permanent address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import JOURNALIST, OFFICE, Public
from app.accounts.models import Role, User, UserStatus
from app.attendance import service as attendance
from app.attendance.models import MODE_LABELS
from app.attendance.models import STATUS_LABELS as ATTENDANCE_LABELS
from app.briefings import service
from app.briefings.feeds import Subscription, subscriptions
from app.briefings.models import CHANGE_LABELS, STATUS_LABELS, BriefingKind
from app.briefings.states import SCHEDULED
from app.db import SessionDep
from app.orgs import service as orgs
from app.questions import service as questions
from app.templating import render, request_locale

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


@router.get("/briefings")
def briefings_page(
    request: Request, identity: Public, session: SessionDep, kind: str = "", page: int = 1
) -> Response:
    kinds = service.kinds(session)
    chosen = next((k for k in kinds if k.code == kind), None)
    page = max(1, min(page, 1000))
    upcoming, _ = service.public_list(
        session, upcoming=True, kind_id=chosen.id if chosen else None, limit=50
    )
    past, total_past = service.public_list(
        session,
        upcoming=False,
        kind_id=chosen.id if chosen else None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "briefings/public_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "kinds": kinds,
            "kind": chosen,
            "kinds_by_id": {k.id: k for k in kinds},
            "page": page,
            "pages": max(1, -(-total_past // PAGE_SIZE)),
            "status_labels": STATUS_LABELS,
            "is_office": OFFICE.permits(identity.user),
            "subscriptions": _subscriptions(request, kinds),
        },
        block="results",
    )


def _subscriptions(
    request: Request, kinds: list[BriefingKind]
) -> list[tuple[BriefingKind | None, Subscription]]:
    """Links to subscribe to the whole schedule and to each kind, in the page's language."""
    settings = request.app.state.settings
    return subscriptions(
        settings.absolute_url(),
        kinds,
        locale=request_locale(request),
        default_locale=settings.default_language,
        province=settings.province_name,
    )


@router.get("/briefings/{briefing_id:int}")
def briefing_page(
    request: Request, briefing_id: int, identity: Public, session: SessionDep
) -> Response:
    """The permanent address of a briefing, once announced (404 before)."""
    briefing = service.get_public(session, briefing_id)
    assert briefing.id is not None
    org_views = {o.id: o for o in orgs.list_organisations(session, include_retired=True)}
    qa = questions.public_qa(session, briefing.id)
    user = identity.user
    return render(
        request,
        "briefings/public_detail.html",
        {
            "briefing": briefing,
            "kind": service.get_kind(session, briefing.kind_id),
            "organiser": org_views.get(briefing.organiser_org_id or 0),
            "org_views": org_views,
            "invitees": [
                org_views[i] for i in service.invitee_ids(session, briefing.id) if i in org_views
            ],
            "agenda": service.agenda(session, briefing.id),
            "changes": service.changes(session, briefing.id),
            "qa": qa,
            "qa_files": questions.answer_files(session, [a.id for _q, a in qa if a.id]),
            "status_labels": STATUS_LABELS,
            "change_labels": CHANGE_LABELS,
            "is_office": OFFICE.permits(identity.user),
            # A verified journalist may send a question before a briefing still to be held.
            "can_ask": JOURNALIST.permits(identity.user) and briefing.status in SCHEDULED,
            # … and, while it takes questions from the room, ask and vote from the live page.
            "can_join_live": JOURNALIST.permits(identity.user) and questions.is_live(briefing),
            # Registering to attend: the state of registration, and the journalist's own.
            "attendance": attendance.summary(session, briefing),
            "my_registration": attendance.registration_of(session, briefing.id, user.id)
            if JOURNALIST.permits(user) and user is not None and user.id is not None
            else None,
            "attendance_role": _attendance_role(user),
            "mode_labels": MODE_LABELS,
            "attendance_labels": ATTENDANCE_LABELS,
        },
    )


def _attendance_role(user: User | None) -> str:
    """Which way the page explains registering to attend: a verified journalist registers; the
    others are told why they cannot."""
    if user is None:
        return "anonymous"
    if JOURNALIST.permits(user):
        return "verified"
    if user.role == Role.JOURNALIST:
        return "pending" if user.status == UserStatus.PENDING else "unverified"
    return "staff"
