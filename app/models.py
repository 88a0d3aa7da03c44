"""Imports every table so that SQLModel.metadata (Alembic, tests) knows them all."""

from app.accounts.models import LoginThrottle, User, UserSession
from app.annual.models import AnnualReport
from app.attendance.models import AttendanceSettings, Registration
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
from app.giaoban.models import GiaoBan, GiaoBanStatement
from app.holidays.models import CalendarDay
from app.incidents.models import Matter, MatterLink, MatterOrganisation
from app.monitoring.models import (
    MonitoringSource,
    PressItem,
    PressItemAnswerFile,
    PressItemAssignment,
    PressItemMatch,
    WatchRule,
    WatchRuleOrganisation,
)
from app.notifications.models import (
    Announcement,
    Notice,
    NoticePreference,
    OutboxMessage,
    Subscription,
)
from app.orgs.models import Organisation, OrganisationName
from app.questions.models import (
    Answer,
    AnswerFile,
    Question,
    QuestionSupport,
    QuestionTransfer,
    QuestionVote,
)
from app.sitepages.models import SitePage
from app.staffcache.models import DataGeneration
from app.statements.models import (
    Edition,
    EditionFile,
    EditionTranslation,
    PublicGeneration,
    Spokesperson,
    Statement,
    StatementApprover,
    StatementCounter,
    StatementFile,
    StatementLanguage,
    StatementOrganisation,
    StatementPreview,
    StatementPreviewAgency,
    StatementQuestion,
    StatementTopic,
    Topic,
)

__all__ = [
    "AgendaItem",
    "Announcement",
    "AnnualReport",
    "Answer",
    "AnswerFile",
    "Attachment",
    "AttendanceSettings",
    "AuditEvent",
    "Briefing",
    "BriefingChange",
    "BriefingInvitee",
    "BriefingKind",
    "BriefingSeries",
    "CalendarDay",
    "CallRecipient",
    "ContentCall",
    "DataGeneration",
    "Edition",
    "EditionFile",
    "EditionTranslation",
    "GiaoBan",
    "GiaoBanStatement",
    "LoginThrottle",
    "Matter",
    "MatterLink",
    "MatterOrganisation",
    "MonitoringSource",
    "Notice",
    "NoticePreference",
    "Organisation",
    "OrganisationName",
    "OutboxMessage",
    "PressItem",
    "PressItemAnswerFile",
    "PressItemAssignment",
    "PressItemMatch",
    "PublicGeneration",
    "Question",
    "QuestionSupport",
    "QuestionTransfer",
    "QuestionVote",
    "Registration",
    "SeriesInvitee",
    "SitePage",
    "Spokesperson",
    "Statement",
    "StatementApprover",
    "StatementCounter",
    "StatementFile",
    "StatementLanguage",
    "StatementOrganisation",
    "StatementPreview",
    "StatementPreviewAgency",
    "StatementQuestion",
    "StatementTopic",
    "Submission",
    "SubmissionVersion",
    "Subscription",
    "Topic",
    "User",
    "UserSession",
    "WatchRule",
    "WatchRuleOrganisation",
]
