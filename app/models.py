"""Imports every table so that SQLModel.metadata (Alembic, tests) knows them all."""

from app.accounts.models import LoginThrottle, User, UserSession
from app.audit.models import AuditEvent
from app.briefings.models import (
    AgendaItem,
    Briefing,
    BriefingChange,
    BriefingInvitee,
    BriefingKind,
    BriefingSeries,
    SeriesInvitee,
)
from app.content.models import (
    Attachment,
    CallRecipient,
    ContentCall,
    Submission,
    SubmissionVersion,
)
from app.holidays.models import CalendarDay
from app.orgs.models import Organisation, OrganisationName

__all__ = [
    "AgendaItem",
    "Attachment",
    "AuditEvent",
    "Briefing",
    "BriefingChange",
    "BriefingInvitee",
    "BriefingKind",
    "BriefingSeries",
    "CalendarDay",
    "CallRecipient",
    "ContentCall",
    "LoginThrottle",
    "Organisation",
    "OrganisationName",
    "SeriesInvitee",
    "Submission",
    "SubmissionVersion",
    "User",
    "UserSession",
]
