"""What the office's briefing pages share: the series horizon and what the forms offer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from sqlmodel import Session

from app.briefings import recurrence, service
from app.briefings.models import HOLIDAY_POLICY_LABELS, STATUS_LABELS
from app.orgs import service as orgs
from app.orgs.models import OrgKind

Text = Annotated[str, Form()]
INVITABLE = (
    OrgKind.PEOPLES_COMMITTEE,
    OrgKind.DEPARTMENT,
    OrgKind.COMMUNE,
    OrgKind.PARTY_BODY,
    OrgKind.OTHER,
)


def horizon(request: Request) -> int:
    """How many months ahead series are generated."""
    return int(request.app.state.settings.briefing_horizon_months)


def choices(session: Session) -> dict[str, Any]:
    """What the briefing and series forms offer: kinds, organisations, labels."""
    everyone = orgs.list_organisations(session)  # one load; the invitable ones are a subset
    return {
        "kinds": service.kinds(session),
        "organisations": [o for o in everyone if o.kind in INVITABLE],
        "all_organisations": everyone,
        "status_labels": STATUS_LABELS,
        "policy_labels": HOLIDAY_POLICY_LABELS,
        "weekdays": recurrence.WEEKDAYS,
    }
