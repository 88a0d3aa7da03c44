"""The admin page of the audit log, filtered by person, object and date."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import AdminOnly
from app.accounts.models import ROLE_LABELS
from app.audit import labels, service
from app.db import SessionDep
from app.forms import parse_date
from app.templating import render, request_locale

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/admin/audit")
def audit_page(
    request: Request,
    identity: AdminOnly,
    session: SessionDep,
    person: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: str = "",
    date_to: str = "",
    page: int = 1,
) -> Response:
    page = max(1, min(page, 10_000))
    filt = service.AuditFilter(
        person=person.strip()[:254] or None,
        object_type=object_type.strip()[:64] or None,
        object_id=object_id.strip()[:64] or None,
        date_from=parse_date(date_from),
        date_to=parse_date(date_to),
    )
    locale = request_locale(request)
    events, total = service.search(session, filt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        "audit/list.html",
        {
            "events": events,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "filter": {
                "person": person,
                "object_type": object_type,
                "object_id": object_id,
                "date_from": date_from,
                "date_to": date_to,
            },
            "object_types": [
                (t, labels.object_label(t, locale)) for t in service.object_types(session)
            ],
            "action_label": lambda code: labels.action_label(code, locale),
            "object_label": lambda name: labels.object_label(name, locale),
            "role_labels": ROLE_LABELS,
        },
        block="results",
    )
