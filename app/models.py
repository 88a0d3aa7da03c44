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
from app.notifications.models import (
    Announcement,
    Notice,
    NoticePreference,
    OutboxMessage,
    Subscription,
)
from app.orgs.models import Organisation, OrganisationName
from app.questions.models import Answer, AnswerFile, Question, QuestionSupport, QuestionTransfer
from app.statements.models import (
    Edition,
    EditionFile,
    EditionTranslation,
    Spokesperson,
    Statement,
    StatementApprover,
    StatementCounter,
    StatementFile,
    StatementLanguage,
    StatementOrganisation,
    StatementQuestion,
    StatementTopic,
    Topic,
)

__all__ = [
    "AgendaItem",
    "Announcement",
    "Answer",
    "AnswerFile",
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
    "Edition",
    "EditionFile",
    "EditionTranslation",
    "LoginThrottle",
    "Notice",
    "NoticePreference",
    "Organisation",
    "OrganisationName",
    "OutboxMessage",
    "Question",
    "QuestionSupport",
    "QuestionTransfer",
    "SeriesInvitee",
    "Spokesperson",
    "Statement",
    "StatementApprover",
    "StatementCounter",
    "StatementFile",
    "StatementLanguage",
    "StatementOrganisation",
    "StatementQuestion",
    "StatementTopic",
    "Submission",
    "SubmissionVersion",
    "Subscription",
    "Topic",
    "User",
    "UserSession",
]
