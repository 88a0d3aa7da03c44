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
    # The addresses of the section this entry leads to (it is marked current on all of them).
    section: tuple[str, ...] = ()

    def current(self, path: str) -> bool:
        return path == self.href or any(
            path == p or path.startswith(p.rstrip("/") + "/") for p in self.section
        )


STAFF_RULES = (ADMIN, OFFICE, DEPARTMENT)  # who works here, rather than reads
VISIBLE = 7  # at most this many workspace entries in the row; the rest under "More"

# The public site: what visitors and journalists use.
PUBLIC_MENU = (
    MenuItem(N_("Home"), "/", PUBLIC),
    MenuItem(N_("Dashboard"), "/dashboard", SIGNED_IN),
    MenuItem(N_("Briefings"), "/briefings", PUBLIC),
    MenuItem(N_("Statements"), "/statements", PUBLIC),
    MenuItem(N_("Spokespersons"), "/spokespersons", PUBLIC),
    MenuItem(N_("My questions"), "/questions", JOURNALIST),
    MenuItem(N_("My registrations"), "/attendance", JOURNALIST),
    MenuItem(N_("Reports"), "/reports", REPORTS),
    MenuItem(N_("Register as a journalist"), "/register", PUBLIC, anonymous_only=True),
)

# The workspace of the office, the departments and the administrator, in the order of the work.
WORKSPACE = (
    MenuItem(N_("Dashboard"), "/dashboard", SIGNED_IN, section=("/inbox", "/notices")),
    MenuItem(
        N_("Briefing calendar"),
        "/office/briefings",
        OFFICE,
        section=("/office/briefings", "/office/series", "/office/compliance", "/submissions"),
    ),
    MenuItem(N_("Questions"), "/office/questions", OFFICE, section=("/office/questions",)),
    MenuItem(N_("Statement desk"), "/office/statements", OFFICE, section=("/office/statements",)),
    MenuItem(N_("Sudden matters"), "/office/incidents", OFFICE, section=("/office/incidents",)),
    MenuItem(N_("Media monitoring"), "/office/monitoring", OFFICE, section=("/office/monitoring",)),
    MenuItem(
        N_("Spokesperson register"),
        "/office/spokespersons",
        OFFICE,
        section=("/office/spokespersons",),
    ),
    MenuItem(N_("Reports"), "/reports", REPORTS, section=("/reports",)),
    MenuItem(N_("Giao ban"), "/office/giao-ban", OFFICE, section=("/office/giao-ban",)),
    MenuItem(N_("Journalists"), "/office/journalists", OFFICE, section=("/office/journalists",)),
    MenuItem(
        N_("Press agencies"), "/office/press-agencies", OFFICE, section=("/office/press-agencies",)
    ),
    MenuItem(
        N_("Calls for content"), "/dept/calls", DEPARTMENT, section=("/dept/calls", "/submissions")
    ),
    MenuItem(N_("Questions for us"), "/dept/questions", DEPARTMENT, section=("/dept/questions",)),
    MenuItem(
        N_("Press reports to verify"), "/dept/monitoring", DEPARTMENT, section=("/dept/monitoring",)
    ),
    MenuItem(N_("Organisations"), "/admin/organisations", ADMIN, section=("/admin/organisations",)),
    MenuItem(N_("Users"), "/admin/users", ADMIN, section=("/admin/users",)),
    MenuItem(N_("Holidays"), "/admin/holidays", ADMIN, section=("/admin/holidays",)),
    MenuItem(
        N_("Statement approvers"),
        "/admin/statement-approvers",
        ADMIN,
        section=("/admin/statement-approvers",),
    ),
    MenuItem(N_("Translation languages"), "/admin/languages", ADMIN, section=("/admin/languages",)),
    MenuItem(N_("Pages of the site"), "/admin/pages", ADMIN, section=("/admin/pages",)),
    MenuItem(N_("Audit log"), "/admin/audit", ADMIN, section=("/admin/audit",)),
)


@dataclass(frozen=True)
class Menus:
    main: list[MenuItem]  # the row of the header
    more: list[MenuItem]  # grouped under "More" (workspace only)
    public: list[MenuItem]  # staff: the public site's pages, in a line of their own
    workspace: bool


def _permitted(items: tuple[MenuItem, ...], identity: Identity | None) -> list[MenuItem]:
    user = identity.user if identity else None
    return [m for m in items if m.rule.permits(user) and not (m.anonymous_only and user)]


def menus_for(identity: Identity | None) -> Menus:
    """Staff (office, departments, admin) get their workspace, at most `VISIBLE` entries in the
    row and the rest under "More", with the public pages apart; everyone else the public menu."""
    user = identity.user if identity else None
    if user is None or not any(rule.permits(user) for rule in STAFF_RULES):
        return Menus(_permitted(PUBLIC_MENU, identity), [], [], False)
    work = _permitted(WORKSPACE, identity)
    public = [m for m in _permitted(PUBLIC_MENU, identity) if m.href not in {i.href for i in work}]
    return Menus(work[:VISIBLE], work[VISIBLE:], public, True)


def menu_for(identity: Identity | None) -> list[MenuItem]:
    """Every entry the person may use, in the order shown."""
    menus = menus_for(identity)
    return menus.main + menus.more + menus.public


def page_context(request: Request) -> dict[str, Any]:
    """For every page: the menus of the person signed in, and which entry is current."""
    menus = menus_for(current_identity(request))
    path = request.url.path
    current = next((m.href for m in menus.main + menus.more if m.current(path)), None)
    if current is None:
        current = next((m.href for m in menus.public if m.href == path), None)
    return {
        "menu": menus.main,
        "menu_more": menus.more,
        "menu_public": menus.public,
        "workspace": menus.workspace,
        "current_section": current,
    }
