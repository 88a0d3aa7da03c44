"""What the use cases of statements share: who may act (the office, the administrator), the bodies
that issue statements, the source language, the limits of the texts and the refusals said by
several steps."""

from __future__ import annotations

from app.accounts.models import Role
from app.audit.service import Actor
from app.errors import Forbidden
from app.i18n import Msg
from app.orgs.models import OrgKind

SOURCE_LANGUAGE = "vi"
MAX_TITLE = 300
MAX_SUMMARY = 1000
MAX_BODY = 100_000
ISSUING_KINDS = (OrgKind.PEOPLES_COMMITTEE, OrgKind.DEPARTMENT, OrgKind.COMMUNE, OrgKind.OTHER)

APPROVED_LOCKED = Msg(
    "This edition is approved: it cannot be edited. Return it to draft to change it."
)
NOT_NOW = Msg("This step is not possible in the edition's current state.")
NOTHING_PREPARED = Msg("There is no edition being prepared: start a new edition first.")


def office_only(actor: Actor) -> None:
    """The press office and the spokesperson (or the system acting for them), else 403."""
    if not actor.is_office:
        raise Forbidden()


def admin_only(actor: Actor) -> None:
    """The administrator (or the system), else 403."""
    if actor.role != Role.ADMIN.value and not actor.is_system:
        raise Forbidden()
