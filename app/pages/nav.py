"""The main menu: each entry is shown only to those its access rule permits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from app.access import (
    ADMIN,
    DEPARTMENT,
    JOURNALIST,
    OFFICE,
    PUBLIC,
    REPORTS,
    SIGNED_IN,
    Identity,
    Rule,
    current_identity,
)
from app.i18n import N_


@dataclass(frozen=True)
class MenuItem:
    label: str
    href: str
    rule: Rule
    anonymous_only: bool = False


MENU = (
    MenuItem(N_("Home"), "/", PUBLIC),
    MenuItem(N_("Dashboard"), "/dashboard", SIGNED_IN),
    MenuItem(N_("Briefings"), "/briefings", PUBLIC),
    MenuItem(N_("Statements"), "/statements", PUBLIC),
    MenuItem(N_("Spokespersons"), "/spokespersons", PUBLIC),
    MenuItem(N_("My questions"), "/questions", JOURNALIST),
    MenuItem(N_("Briefing calendar"), "/office/briefings", OFFICE),
    MenuItem(N_("Questions"), "/office/questions", OFFICE),
    MenuItem(N_("Statement desk"), "/office/statements", OFFICE),
    MenuItem(N_("Sudden matters"), "/office/incidents", OFFICE),
    MenuItem(N_("Giao ban"), "/office/giao-ban", OFFICE),
    MenuItem(N_("Spokesperson register"), "/office/spokespersons", OFFICE),
    MenuItem(N_("Journalists"), "/office/journalists", OFFICE),
    MenuItem(N_("Press agencies"), "/office/press-agencies", OFFICE),
    MenuItem(N_("Calls for content"), "/dept/calls", DEPARTMENT),
    MenuItem(N_("Questions for us"), "/dept/questions", DEPARTMENT),
    MenuItem(N_("Reports"), "/reports", REPORTS),
    MenuItem(N_("Organisations"), "/admin/organisations", ADMIN),
    MenuItem(N_("Users"), "/admin/users", ADMIN),
    MenuItem(N_("Holidays"), "/admin/holidays", ADMIN),
    MenuItem(N_("Statement approvers"), "/admin/statement-approvers", ADMIN),
    MenuItem(N_("Translation languages"), "/admin/languages", ADMIN),
    MenuItem(N_("Audit log"), "/admin/audit", ADMIN),
    MenuItem(N_("Register as a journalist"), "/register", PUBLIC, anonymous_only=True),
)


def menu_for(identity: Identity | None) -> list[MenuItem]:
    user = identity.user if identity else None
    return [m for m in MENU if m.rule.permits(user) and not (m.anonymous_only and user)]


def page_context(request: Request) -> dict[str, Any]:
    """For every page: the menu of the person signed in."""
    return {"menu": menu_for(current_identity(request))}
