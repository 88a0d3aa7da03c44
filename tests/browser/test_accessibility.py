"""Accessibility: axe-core over the site's pages, public and signed in per role, at 1280 and 390 px.

axe-core (tests/browser/vendor/axe.min.js, from the npm package, licence beside it) is injected
into each loaded page and run by Chromium; a test fails on any serious or critical violation, and
on a page without its one main heading or with an empty table header, listing for each the rule,
impact, page, width and the elements. WCAG 2.2's target size (24 by 24 px), off by default in
axe, is checked too. The data is the demo's (`pressdesk seed-demo`): every page has records to
show. The page's Content-Security-Policy forbids injected scripts, so the audit's browser context
bypasses it (tests/browser/test_roles.py checks the policy itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import select

from app.accounts.models import User
from app.briefings.models import AgendaItem
from app.demo import DEMO_DOMAIN, seed_demo
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in
from tests.factories import _password_hash

pytestmark = [pytest.mark.browser, pytest.mark.clock("2026-12-04T10:00+07:00")]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTHS = (1280, 390)  # a desktop and a phone
BLOCKING = ("serious", "critical")
ALSO_BLOCKING = ("page-has-heading-one", "empty-table-header")  # moderate and minor in axe
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    resultTypes: ["violations"],
    rules: {"target-size": {enabled: true}},
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@dataclass(frozen=True)
class Link:
    """The first link on the page `on` whose address matches `pattern`: a record of the demo."""

    on: str
    pattern: str
    suffix: str = ""


@dataclass(frozen=True)
class Record:
    """`path` with the first id that `query` finds in the demo's data (e.g. a briefing whose
    agenda has items)."""

    path: str
    query: Any


Where = str | Link | Record


def account(role: str) -> str:
    return {
        "admin": f"quantri@{DEMO_DOMAIN}",
        "office": f"vanphong@{DEMO_DOMAIN}",
        "department": f"syt@{DEMO_DOMAIN}",
        "journalist": f"phongvien@{DEMO_DOMAIN}",
    }[role]


@pytest.fixture
def demo(live_server: LiveServer) -> LiveServer:
    """The demo's data on the served database; every account signs in with the factories'
    password."""
    with live_server.session() as session:
        seed_demo(session, live_server.settings)
        for user in session.exec(select(User)).all():
            user.password_hash = _password_hash()
            session.add(user)
        session.commit()
    return live_server


@pytest.fixture
def audit_page(browser: Browser, demo: LiveServer) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(base_url=demo.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def resolve(page: Page, server: LiveServer, where: Where) -> str:
    if isinstance(where, str):
        return where
    if isinstance(where, Record):
        with server.session() as session:
            found = session.exec(where.query).first()
        assert found is not None, f"the demo has nothing for {where.path}"
        return where.path.format(found)
    page.goto(where.on)
    hrefs: list[str] = page.eval_on_selector_all(
        "main a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    found = [h for h in hrefs if re.fullmatch(where.pattern, h)]
    assert found, f"no link matching {where.pattern} on {where.on}"
    return found[0] + where.suffix


def violations(page: Page, label: str, width: int) -> list[str]:
    """The blocking violations of the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return [
        f"{v['id']} ({v['impact']}) on {label} at {width} px: {v['help']}; "
        + " | ".join(v["targets"][:6])
        for v in found
        if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING
    ]


def at_each_width(page: Page, label: str) -> list[str]:
    """Run axe on the loaded page at each width (the layout follows the window's width)."""
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems += violations(page, label, width)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return problems


def audit(page: Page, server: LiveServer, pages: list[Where]) -> list[str]:
    """Load each page and run axe at each width; every blocking violation found."""
    paths = [resolve(page, server, where) for where in pages]
    assert len(set(paths)) == len(paths), paths
    problems: list[str] = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        problems += at_each_width(page, path)
    return problems


def report(problems: list[str]) -> str:
    return f"{len(problems)} accessibility violations:\n" + "\n".join(problems)


PUBLIC: list[Where] = [
    "/",
    "/statements",  # the newsroom
    Link("/statements", r"/statements/\d+"),
    Link("/statements", r"/statements/\d+/en"),
    Link("/statements", r"/statements/\d+", "/print"),
    "/briefings",  # the schedule
    Link("/briefings", r"/briefings/\d+"),
    Link("/briefings", r"/briefings/\d+", "/display"),  # the room's display
    "/spokespersons",
    "/subscribe",
    "/register",
    "/register/received",
    "/login",
    "/accessibility",
    "/privacy",
]

OFFICE_DESK: list[Where] = [
    "/dashboard",
    "/inbox",
    "/notices",
    "/office/briefings",  # the briefings calendar
    Link("/office/briefings", r"/office/briefings/\d+"),
    Link("/office/briefings", r"/office/briefings/\d+", "/content"),  # the calls of a briefing
    Link("/office/briefings", r"/office/briefings/\d+", "/live"),  # the call board of the room
    Link("/office/briefings", r"/office/briefings/\d+", "/attendance"),
    Record("/office/briefings/{}/agenda", select(AgendaItem.briefing_id)),  # with its items
    "/office/briefings/new",
    "/office/briefing-series",
    Link("/office/briefing-series", r"/office/briefing-series/\d+"),
    "/office/questions",
    Link("/office/questions", r"/office/questions/\d+"),
    "/office/questions/new",
    "/office/statements",  # the statements desk
    Link("/office/statements", r"/office/statements/\d+"),
    "/office/statements/new",
]

OFFICE_OVERSIGHT: list[Where] = [
    "/reports",
    Link("/reports", r"/reports/items\?.*"),
    "/reports/annual/2026",  # the yearly report to the Ministry
    "/office/compliance",
    "/office/monitoring",
    Link("/office/monitoring", r"/office/monitoring/items/\d+"),
    "/office/monitoring/digest",
    "/office/monitoring/sources",
    "/office/monitoring/rules",
    "/office/incidents",
    Link("/office/incidents", r"/office/incidents/\d+"),
    "/office/incidents/new",
    "/office/giao-ban",
    Link("/office/giao-ban", r"/office/giao-ban/\d+"),
    "/office/spokespersons",
    "/office/journalists",
    "/office/press-agencies",
]

ADMIN: list[Where] = [
    "/dashboard",
    "/admin/organisations",
    Link("/admin/organisations", r"/admin/organisations/\d+"),
    "/admin/users",
    "/admin/users/new",
    "/admin/holidays",
    "/admin/statement-approvers",
    "/admin/languages",
    "/admin/pages",
    Link("/admin/pages", r"/admin/pages/[a-z]+/vi"),
    "/admin/audit",
]

DEPARTMENT: list[Where] = [
    "/dashboard",
    "/dept/calls",
    Link("/dept/calls", r"/submissions/\d+"),  # with its versions
    Link("/dept/calls", r"/submissions/\d+", "/edit"),  # the submission form
    "/dept/questions",
    Link("/dept/questions", r"/dept/questions/\d+"),  # answering
    "/dept/monitoring",
    "/reports",
]

JOURNALIST: list[Where] = [
    "/dashboard",
    "/questions",
    Link("/questions", r"/questions/\d+"),
    "/questions/new",  # the ask form
    "/attendance",
    Link("/briefings", r"/briefings/\d+", "/attendance"),  # registering to attend
    Link("/briefings", r"/briefings/\d+", "/live"),  # the journalists' live page
    "/notices/preferences",
    "/account/profile",  # the press card and its expiry
    "/preview/statements",  # statements shared under embargo
    Link("/preview/statements", r"/preview/statements/\d+"),
]


def test_public_pages_have_no_serious_violation(audit_page: Page, demo: LiveServer) -> None:
    problems = audit(audit_page, demo, PUBLIC)
    assert not problems, report(problems)


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("office", OFFICE_DESK),
        ("office", OFFICE_OVERSIGHT),
        ("admin", ADMIN),
        ("department", DEPARTMENT),
        ("journalist", JOURNALIST),
    ],
    ids=["office-desk", "office-oversight", "admin", "department", "journalist"],
)
def test_signed_in_pages_have_no_serious_violation(
    audit_page: Page, demo: LiveServer, role: str, pages: list[Where]
) -> None:
    sign_in(audit_page, account(role))
    expect(audit_page).to_have_url(re.compile(r"/dashboard$"))
    problems = audit(audit_page, demo, pages)
    assert not problems, report(problems)


def test_forms_after_a_failed_submit_have_no_serious_violation(audit_page: Page) -> None:
    """The error summary, the fields marked invalid and their messages, as a person sees them
    (the forms are sent through hx-boost, as in any browser with JavaScript)."""
    page = audit_page
    sign_in(page, account("journalist"), "not-the-right-password-1")
    expect(page.locator(".error-summary")).to_be_focused()
    problems = at_each_width(page, "/login after a wrong password")

    page.goto("/register")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator(".error-summary")).to_be_focused()
    problems += at_each_width(page, "/register sent empty")

    sign_in(page, account("office"))
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.goto("/office/incidents/new")
    page.get_by_role("button", name="Mở vụ việc").click()
    expect(page.locator(".error-summary")).to_be_focused()
    problems += at_each_width(page, "/office/incidents/new sent empty")
    assert not problems, report(problems)
