"""Imports every table so that SQLModel.metadata (Alembic, tests) knows them all."""

from app.accounts.models import LoginThrottle, User, UserSession
from app.audit.models import AuditEvent
from app.orgs.models import Organisation, OrganisationName

__all__ = ["AuditEvent", "LoginThrottle", "Organisation", "OrganisationName", "User", "UserSession"]
