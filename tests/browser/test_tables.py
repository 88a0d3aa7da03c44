"""Every data table reads on a phone (issue 18): at 390×844 no page scrolls sideways, and every
visible data cell shows the name of its column (the `data-label` of `app/tables.py`, drawn by
the stylesheet), equal to the column's header.

The pages are those of every template that has a `<table>`, seen by the role that uses them, on
the demo data (each area's `demo.py`). `test_every_table_is_checked_or_excluded` fails when a
template gets a table and is neither in `PAGES` nor in `NOT_PHONE_PAGES`, so a new table cannot
be forgotten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, col, select, update

from app.accounts.models import User
from app.attendance.models import Registration
from app.audit.service import Actor
from app.briefings.models import AgendaItem, BriefingSeries
from app.config import PROJECT_ROOT
from app.content.models import ContentCall, Submission, SubmissionVersion
from app.demo import DEMO_ACCOUNTS, DEMO_DOMAIN, seed_demo
from app.incidents.models import Matter, MatterLink
from app.orgs import service as orgs
from app.orgs.models import Organisation, OrgKind
from app.questions import service as questions
from app.questions.models import Question, QuestionStatus, QuestionTransfer
from app.statements.models import Edition
from tests.browser.conftest import LiveServer
from tests.factories import PASSWORD, _password_hash

pytestmark = [pytest.mark.browser, pytest.mark.clock("2026-12-04T10:00+07:00")]

PHONE = {"width": 390, "height": 844}
TEMPLATES = PROJECT_ROOT / "templates"

# Templates with a <table> that are not pages read on a phone, and why.
NOT_PHONE_PAGES = {
    "attendance/sign_in.html": "the sign-in sheet, printed and signed on paper",
    "notifications/email_confirm.html": "the body of an e-mail (a table of row headers)",
    "reports/report_pdf.html": "the body of the report's PDF",
}


@dataclass(frozen=True)
class Check:
    path: str  # formatted with the ids of `_ids`
    templates: tuple[str, ...]  # the templates with a table this page shows


# The pages with a table, per demo account (by e-mail's local part).
PAGES: dict[str, tuple[Check, ...]] = {
    "quantri": (
        Check("/admin/users", ("accounts/users.html",)),
        Check("/admin/audit", ("audit/list.html",)),
        Check("/admin/organisations", ("orgs/list.html",)),
        Check("/admin/organisations/{org}", ("orgs/detail.html",)),
        Check("/admin/holidays", ("holidays/list.html",)),
        Check("/admin/pages", ("sitepages/admin_list.html",)),
        Check("/admin/statement-approvers", ("statements/admin_approvers.html",)),
        Check("/admin/languages", ("statements/admin_languages.html",)),
    ),
    "vanphong": (
        Check("/office/briefings?view=month", ("briefings/office_calendar.html",)),
        Check("/office/briefings?view=list", ("briefings/office_calendar.html",)),
        Check("/office/compliance", ("briefings/compliance.html",)),
        Check("/office/briefing-series", ("briefings/series_list.html",)),
        Check("/office/briefing-series/{series}", ("briefings/series_form.html",)),
        Check("/office/briefings/{called}/content", ("content/office_call.html",)),
        Check("/office/briefings/{agenda}/pack", ("content/pack.html",)),
        Check("/submissions/{submission}", ("content/submission.html",)),
        Check("/office/briefings/{attended}/attendance", ("attendance/office.html",)),
        Check("/office/giao-ban", ("giaoban/list.html",)),
        Check("/office/incidents", ("incidents/list.html",)),
        Check("/office/incidents/{matter}", ("incidents/detail.html",)),
        Check("/office/monitoring/digest", ("monitoring/_digest_body.html",)),
        Check("/office/questions", ("questions/office_list.html",)),
        Check("/office/questions/figures", ("questions/office_figures.html",)),
        Check("/office/questions/{transferred}", ("questions/_parts.html",)),
        Check("/office/press-agencies", ("questions/agencies_list.html",)),
        Check("/reports", ("reports/dashboard.html", "reports/_parts.html")),
        Check("{items}", ("reports/items.html",)),
        Check("/reports/annual", ("reports/_parts.html",)),
        Check("/reports/annual/2026", ("annual/report.html",)),
        Check("/reports/annual/2026/figures/1", ("annual/figure.html",)),
        Check("/office/statements", ("statements/office_list.html",)),
        Check("/office/statements/{statement}", ("statements/office_detail.html",)),
    ),
    "syt": (Check("/dept/questions", ("questions/dept_list.html",)),),
    "phongvien": (
        Check("/attendance", ("attendance/mine.html",)),
        Check("/spokespersons", ("statements/public_spokespersons.html",)),
    ),
}

# Run in the page: the sideways overflow, and each visible data cell whose shown label is not
# its column's header. The header is read from the table itself (its last header row, through
# colspans); a cell spanning several columns (a total, "nothing yet") needs no label.
CHECK_JS = """() => {
  // Tables folded away (the figures under each chart of /reports) are read opened, as a reader
  // opening them would see them.
  for (const details of document.querySelectorAll("main details")) details.open = true;
  const text = (el) => el.textContent.replace(/\\s+/g, " ").trim();
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden";
  const tables = [...document.querySelectorAll("main table")].filter(visible);
  const problems = [];
  let cells = 0;
  for (const table of tables) {
    const head = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    const headers = [];
    if (head) for (const th of head.cells)
      for (let i = 0; i < th.colSpan; i++) headers.push(text(th));
    for (const section of [...table.tBodies, table.tFoot]) {
      if (!section) continue;
      for (const row of section.rows) {
        let column = 0;
        for (const cell of row.cells) {
          const at = column;
          column += cell.colSpan;
          if (cell.colSpan > 1 || !visible(cell)) continue;
          if (cell.tagName === "TH" && cell.scope !== "row") continue;
          cells++;
          const shown = getComputedStyle(cell, "::before").content;
          const label = cell.dataset.label || "";
          if (!label || label !== headers[at] || shown !== JSON.stringify(label))
            problems.push(`${table.className}: "${text(cell).slice(0, 40)}" labelled `
              + `"${label}" showing ${shown}, header "${headers[at]}"`);
        }
      }
    }
  }
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && visible(el))
    .slice(0, 5).map((el) => el.outerHTML.slice(0, 120));
  return {tables: tables.length, cells, problems,
          scroll: document.documentElement.scrollWidth, width, wide};
}"""


def _first(session: Session, statement: Any) -> int:
    found = session.exec(statement.limit(1)).first()
    assert found is not None, f"the demo data has no row for {statement}"
    return int(found)


def _ids(session: Session) -> dict[str, Any]:
    """The records behind the pages' addresses: those whose page has a table to show."""
    return {
        "org": _first(session, select(Organisation.id).order_by(col(Organisation.id))),
        "series": _first(session, select(BriefingSeries.id)),
        "called": _first(session, select(ContentCall.briefing_id).join(Submission)),
        "agenda": _first(session, select(AgendaItem.briefing_id)),
        "submission": _first(session, select(SubmissionVersion.submission_id)),
        "attended": _first(session, select(Registration.briefing_id)),
        "matter": _first(session, select(MatterLink.matter_id).join(Matter)),
        "transferred": _first(session, select(QuestionTransfer.question_id)),
        "statement": _first(session, select(Edition.statement_id).order_by(col(Edition.id))),
    }


@pytest.fixture
def demo(live_server: LiveServer) -> dict[str, Any]:
    """The demo data, its accounts signing in with the test password, and the pages' ids."""
    with live_server.session() as session:
        seed_demo(session, live_server.settings)
        emails = [a.email for a in DEMO_ACCOUNTS]
        session.exec(
            update(User).where(col(User.email).in_(emails)).values(password_hash=_password_hash())
        )
        session.commit()
        _transfer_a_question(session)
        return _ids(session)


def _transfer_a_question(session: Session) -> None:
    """The demo has no transfer: the office moves one assigned question to another department."""
    office = session.exec(select(User).where(User.email == f"vanphong@{DEMO_DOMAIN}")).one()
    actor = Actor(office.id, office.email, office.role.value, office.organisation_id, None)
    question = session.exec(
        select(Question)
        .where(Question.status == QuestionStatus.ASSIGNED)
        .order_by(col(Question.id))
        .limit(1)
    ).one()
    # A department in force today (the reference data keeps retired ones for history).
    other = next(
        org_id
        for org_id in session.exec(
            select(Organisation.id)
            .where(Organisation.kind == OrgKind.DEPARTMENT, Organisation.id != question.lead_org_id)
            .order_by(col(Organisation.id))
        )
        if orgs.get_active(session, org_id, (OrgKind.DEPARTMENT.value,)) is not None
    )
    questions.transfer(
        session,
        actor=actor,
        question_id=question.id or 0,
        to_org_id=other,
        reason="Thuộc lĩnh vực của đơn vị khác",
    )


def _sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Địa chỉ email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def _address(page: Page, check: Check, ids: dict[str, Any]) -> str:
    if check.path == "{items}":  # the list behind a figure of /reports, as its link gives it
        page.goto("/reports")
        href = page.locator('main a[href^="/reports/items"]').first.get_attribute("href")
        assert href
        return href
    return check.path.format(**ids)


def _check_pages(
    browser: Browser, server: LiveServer, account: str, ids: dict[str, Any]
) -> list[str]:
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    failures: list[str] = []
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        email = next(a.email for a in DEMO_ACCOUNTS if a.email.startswith(account + "@"))
        _sign_in(page, email)
        for check in PAGES[account]:
            address = _address(page, check, ids)
            answer = page.goto(address)
            assert answer is not None and answer.ok, f"{address}: {answer and answer.status}"
            found: dict[str, Any] = page.evaluate(CHECK_JS)
            if not found["tables"] or not found["cells"]:
                failures.append(f"{address}: no table with data to check")
            failures += [f"{address}: {p}" for p in found["problems"]]
            if found["scroll"] > found["width"]:
                failures.append(
                    f"{address}: {found['scroll']}px wide > {found['width']}: {found['wide']}"
                )
    finally:
        context.close()
    return failures


@pytest.mark.parametrize(
    "accounts",
    [("quantri", "syt", "phongvien"), ("vanphong",)],
    ids=["admin-department-journalist", "office"],
)
def test_tables_read_on_a_phone_with_their_column_names(
    browser: Browser, live_server: LiveServer, demo: dict[str, Any], accounts: tuple[str, ...]
) -> None:
    failures: list[str] = []
    for account in accounts:
        failures += _check_pages(browser, live_server, account, demo)
    assert not failures, "\n".join(failures)


def _tables_in(template: str) -> int:
    return len(re.findall(r"<table\b", (TEMPLATES / template).read_text(encoding="utf-8")))


def test_every_table_is_checked_or_excluded() -> None:
    with_tables = {
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if "<table" in p.read_text()
    }
    checked = {t for checks in PAGES.values() for c in checks for t in c.templates}
    forgotten = with_tables - checked - set(NOT_PHONE_PAGES)
    assert not forgotten, (
        f"templates with a table neither checked on a phone nor excluded: {forgotten}"
    )
    assert not checked & set(NOT_PHONE_PAGES)
    assert checked <= with_tables, checked - with_tables
    # Each checked table goes through the filter that labels its cells.
    unlabelled = {
        t
        for t in checked
        if (TEMPLATES / t).read_text().count("{% filter cell_labels %}") != _tables_in(t)
    }
    assert not unlabelled, f"tables outside `{{% filter cell_labels %}}`: {unlabelled}"
