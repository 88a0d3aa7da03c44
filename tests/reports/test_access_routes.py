"""The reports area as people use it (HTML, files and JSON over HTTP): whose figures each role
sees (a department only its own organisation's, another organisation is "not found"), who may
open the pages at all, bad periods and addresses, the HTMX fragments, every figure linking to
the list behind it (and the list agreeing with the figure), the downloads, escaping and the menu.

Every test runs on SQLite and on PostgreSQL. Pages are read in English (the message ids) unless
a test says otherwise. The data are made through the real services where they exist (questions
recorded and assigned, statements drafted, approved and published) and dated in 2025.
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit.service import Actor
from app.briefings.models import Briefing, BriefingInvitee, BriefingStatus
from app.content.models import SubmissionStatus
from app.orgs.models import Organisation
from app.questions import service as questions
from app.questions.models import Channel, Question, QuestionStatus
from app.statements.models import Edition, Statement
from tests.conftest import WebClient, page_text
from tests.factories import (
    PASSWORD,
    make_briefing,
    make_call,
    make_kind,
    make_org,
    make_submission,
    make_user,
)
from tests.statements.helpers import World, make_spokesperson

SYSTEM = Actor.system("test")
HTMX = {"HX-Request": "true"}
SCRIPT = "<script>alert(1)</script>"
PERIOD = "from=2025-01-01&to=2025-12-31"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM = "application/problem+json"

NewWeb = Callable[[], WebClient]


# --- Helpers ---------------------------------------------------------------------------------


def text_of(html: str) -> str:
    """The visible text of a page or a piece of it, entities decoded."""
    return htmllib.unescape(page_text(html))


def sign_in(web: WebClient, db: Session, role: Role, *, lang: str = "en", **over: Any) -> User:
    user = make_user(db, role=role, **over)
    if lang:
        web.client.cookies.set("pd_lang", lang)
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return user


def browser(new_web: NewWeb, db: Session, role: Role, **over: Any) -> WebClient:
    web = new_web()
    sign_in(web, db, role, **over)
    return web


def at_2025(month: int, day: int, hour: int = 3) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


def question(
    db: Session, org: Organisation | None, text: str, received: datetime | None = None
) -> Question:
    """A question recorded by the office in 2025 and (unless `org` is None) given to `org`."""
    q = questions.record(
        db,
        actor=SYSTEM,
        data=questions.QuestionInput(
            text=text,
            channel=Channel.EMAIL,
            asker_name="Trần Thị Hoa",
            agency_name="Báo Thử Nghiệm",
            received_at=received or at_2025(3, 10),
        ),
    )
    if org is None:
        return q
    return questions.assign(db, actor=SYSTEM, question_id=q.id or 0, lead_org_id=org.id)


def statement(world: World, org: Organisation, title: str, published: datetime) -> Statement:
    """A statement issued by `org` through the real workflow, then dated `published`."""
    person = make_spokesperson(world.db, org, full_name=f"Người phát ngôn {org.code}")
    st = world.issued(organisation_id=org.id, spokesperson_id=person.id, title=title)
    db = world.db
    row = db.get(Statement, st.id)
    assert row is not None
    row.first_published_at = published
    db.add(row)
    for ed in db.exec(select(Edition).where(Edition.statement_id == st.id)).all():
        ed.publish_at = published
        db.add(ed)
    db.commit()
    return row


CARD = re.compile(
    r'data-metric="(?P<metric>[^"]+)"><a href="(?P<href>[^"]+)">'
    r'<span class="figure-number">(?P<n>\d+)</span>'
)


def cards(html: str) -> dict[str, tuple[str, int]]:
    """metric → (link, number) of every linked figure card on the dashboard."""
    return {m["metric"]: (htmllib.unescape(m["href"]), int(m["n"])) for m in CARD.finditer(html)}


def card(html: str, metric: str) -> int:
    found = cards(html)
    assert metric in found, f"no card for {metric}"
    return found[metric][1]


def block(html: str, marker: str) -> str:
    """The page from `marker` on (the figures, without the filter form and its org list)."""
    assert marker in html, marker
    return re.sub(r"<form\b.*?</form>", "", html[html.index(marker) :], flags=re.S)


def total_of(html: str) -> int:
    found = re.search(r'data-total="(\d+)"', html)
    assert found is not None, "no data-total"
    return int(found.group(1))


def rows_of(html: str) -> int:
    found = re.search(r'<table class="table table--dense report-items">(.*?)</table>', html, re.S)
    if found is None:
        return 0
    return len(re.findall(r"<tr>", found.group(1))) - 1  # minus the header row


def table_of(html: str, key: str) -> str:
    found = re.search(
        rf'<section class="report-table"[^>]*data-table="{key}">(.*?)</section>', html, re.S
    )
    assert found is not None, f"no table {key}"
    return found.group(1)


def csv_text(content: bytes) -> str:
    return content.decode("utf-8-sig")


def pdf_text(content: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            values += [str(v) for v in row if v is not None]
    return "\n".join(values)


# --- A province with three departments ---------------------------------------------------------


@dataclass
class Dept:
    org: Organisation
    name_vi: str
    name_en: str
    questions: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    @property
    def names(self) -> tuple[str, str]:
        return (self.name_vi, self.name_en)


@dataclass
class Province:
    a: Dept
    b: Dept
    c: Dept
    unassigned: str

    @property
    def depts(self) -> list[Dept]:
        return [self.a, self.b, self.c]


def dept(db: Session, letter: str, word: str) -> Dept:
    name_vi, name_en = f"Sở {word} Riêng", f"{word} Own Department"
    org = make_org(db, code=f"D{letter}", name_vi=name_vi, name_en=name_en)
    return Dept(org, name_vi, name_en)


@pytest.fixture
def province(db: Session) -> Province:
    """A: 2 questions, 1 statement, content sent on time; B: 3 questions, 2 statements, content
    missing; C: 4 questions, 3 statements, not asked for content; 1 question not yet given to
    anyone. Everything in 2025."""
    world = World(db)
    a, b, c = dept(db, "A", "Alpha"), dept(db, "B", "Beta"), dept(db, "C", "Gamma")
    for d, n_questions, n_statements in ((a, 2, 1), (b, 3, 2), (c, 4, 3)):
        letter = d.org.code[-1]
        for i in range(n_questions):
            text = f"Câu hỏi riêng của {letter} số {i + 1}"
            question(db, d.org, text, at_2025(2 + i, 5))
            d.questions.append(text)
        for i in range(n_statements):
            title = f"Thông cáo riêng của {letter} số {i + 1}"
            statement(world, d.org, title, at_2025(4 + i, 7))
            d.statements.append(title)
    unassigned = "Câu hỏi chưa giao cho ai"
    question(db, None, unassigned, at_2025(6, 1))
    call = make_call(db, orgs=[a.org, b.org], deadline=at_2025(9, 15, 10))
    make_submission(
        db,
        call,
        a.org,
        title="Nội dung của A",
        status=SubmissionStatus.SUBMITTED,
        submitted_at=at_2025(9, 14),
    )
    return Province(a, b, c, unassigned)


# --- 1. Isolation ------------------------------------------------------------------------------


def test_department_sees_only_its_own_figures_on_the_dashboard(
    new_web: NewWeb, db: Session, province: Province
) -> None:
    p = province
    web = browser(new_web, db, Role.DEPARTMENT, org=p.a.org)
    r = web.get(f"/reports?{PERIOD}")
    assert r.status_code == 200, r.text
    html = r.text
    text = text_of(html)
    assert p.a.name_en in text
    for other in (p.b, p.c):
        for name in other.names:
            assert name not in text, f"{name} shown to department A"
    assert "Not yet given to an organisation" not in text
    # A's numbers, not the province's
    assert card(html, "questions.received") == 2
    assert card(html, "statements.published") == 1
    assert card(html, "submissions.asked") == 1
    assert card(html, "submissions.on_time") == 1
    assert card(html, "submissions.missing") == 0
    by_org = text_of(table_of(html, "questions_by_org"))
    assert p.a.name_en in by_org
    # no organisation chooser for a department (it would list the others)
    assert 'name="org"' not in html


def test_department_asking_for_another_organisation_is_not_found(
    new_web: NewWeb, db: Session, province: Province
) -> None:
    p = province
    web = browser(new_web, db, Role.DEPARTMENT, org=p.a.org)
    b = p.b.org.id
    for url in (
        f"/reports?{PERIOD}&org={b}",
        f"/reports/items?metric=questions.received&{PERIOD}&org={b}",
        f"/reports/annual?{PERIOD}&org={b}",
        f"/reports/annual.csv?{PERIOD}&org={b}",
        f"/reports/annual.xlsx?{PERIOD}&org={b}",
        f"/reports/annual.pdf?{PERIOD}&org={b}",
    ):
        r = web.get(url)
        assert r.status_code == 404, url
        for name in p.b.names:
            assert name not in r.text, url
    r = web.get(f"/api/v1/reports/summary?{PERIOD}&org={b}")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["status"] == 404
    assert p.b.name_en not in r.text
    # its own organisation named explicitly is fine
    r = web.get(f"/reports?{PERIOD}&org={p.a.org.id}")
    assert r.status_code == 200
    assert card(r.text, "questions.received") == 2


def test_department_list_behind_a_figure_holds_only_its_questions(
    new_web: NewWeb, db: Session, province: Province
) -> None:
    p = province
    web = browser(new_web, db, Role.DEPARTMENT, org=p.a.org)
    r = web.get(f"/reports/items?metric=questions.received&{PERIOD}")
    assert r.status_code == 200
    text = text_of(r.text)
    assert total_of(r.text) == 2
    for t in p.a.questions:
        assert t in text
    for other in (p.b, p.c):
        for t in other.questions:
            assert t not in text
    assert p.unassigned not in text
    # the department's links go to its own question pages
    assert "/office/questions/" not in r.text
    assert "/dept/questions/" in r.text
    r = web.get(f"/reports/items?metric=statements.published&{PERIOD}")
    text = text_of(r.text)
    assert total_of(r.text) == 1
    assert p.a.statements[0] in text
    for t in p.b.statements + p.c.statements:
        assert t not in text


def test_department_downloads_and_api_hold_only_its_organisation(
    new_web: NewWeb, db: Session, province: Province
) -> None:
    p = province
    web = browser(new_web, db, Role.DEPARTMENT, org=p.a.org)
    for ext, read in (("csv", csv_text), ("xlsx", xlsx_text), ("pdf", pdf_text)):
        r = web.get(f"/reports/annual.{ext}?{PERIOD}")
        assert r.status_code == 200, ext
        content = read(r.content)
        assert p.a.name_en in content, ext
        for other in (p.b, p.c):
            for name in other.names:
                assert name not in content, f"{name} in {ext}"
    r = web.get(f"/reports/annual?{PERIOD}")
    assert r.status_code == 200
    text = text_of(r.text)
    assert p.a.name_en in text
    for other in (p.b, p.c):
        assert other.name_en not in text
    r = web.get(f"/api/v1/reports/summary?{PERIOD}", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    body = r.json()
    assert body["organisation_id"] == p.a.org.id
    assert [o["organisation_id"] for o in body["organisations"]] == [p.a.org.id]
    assert body["organisations"][0]["name"] == p.a.name_en
    assert body["questions"]["received"] == 2
    assert body["statements"]["published"] == 1
    assert body["submissions"]["asked"] == 1
    assert body["compliance"] == []


def test_office_sees_every_organisation_and_may_narrow_to_one(
    web: WebClient, db: Session, province: Province
) -> None:
    p = province
    sign_in(web, db, Role.PRESS_OFFICE)
    r = web.get(f"/reports?{PERIOD}")
    assert r.status_code == 200
    figures = block(r.text, '<div id="dashboard">')
    text = text_of(figures)
    for d in p.depts:
        assert d.name_en in text_of(table_of(figures, "questions_by_org"))
    assert card(figures, "questions.received") == 10
    assert card(figures, "statements.published") == 6
    assert card(figures, "submissions.asked") == 2
    assert card(figures, "submissions.missing") == 1
    assert "Not yet given to an organisation" in text

    r = web.get(f"/reports?{PERIOD}&org={p.b.org.id}")
    assert r.status_code == 200
    figures = block(r.text, '<div id="dashboard">')
    text = text_of(figures)
    assert p.b.name_en in text
    assert p.a.name_en not in text
    assert p.c.name_en not in text
    assert card(figures, "questions.received") == 3
    assert card(figures, "statements.published") == 2
    assert card(figures, "submissions.missing") == 1
    assert card(figures, "submissions.on_time") == 0

    r = web.get(f"/reports/items?metric=questions.received&{PERIOD}&org={p.b.org.id}")
    text = text_of(r.text)
    assert total_of(r.text) == 3
    for t in p.b.questions:
        assert t in text
    for t in p.a.questions + p.c.questions + [p.unassigned]:
        assert t not in text

    r = web.get(f"/reports/annual.csv?{PERIOD}&org={p.b.org.id}")
    content = csv_text(r.content)
    assert p.b.name_en in content
    assert p.a.name_en not in content and p.c.name_en not in content

    r = web.get(f"/api/v1/reports/summary?{PERIOD}", headers={"Accept-Language": "en"})
    ids = {o["organisation_id"] for o in r.json()["organisations"]}
    assert ids == {p.a.org.id, p.b.org.id, p.c.org.id, None}
    r = web.get(f"/api/v1/reports/summary?{PERIOD}&org={p.b.org.id}")
    assert [o["organisation_id"] for o in r.json()["organisations"]] == [p.b.org.id]
    assert r.json()["questions"]["received"] == 3

    # an organisation that does not exist is not found, for the office too
    assert web.get(f"/reports?{PERIOD}&org=999999").status_code == 404
    assert web.get(f"/api/v1/reports/summary?{PERIOD}&org=999999").status_code == 404


# --- 2. Roles ----------------------------------------------------------------------------------

PAGES = ("/reports", "/reports/annual", "/reports/annual.csv")
API = "/api/v1/reports/summary"


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.DEPARTMENT]
)
def test_report_readers_may_open_every_report(new_web: NewWeb, db: Session, role: Role) -> None:
    web = browser(new_web, db, role)
    for url in (*PAGES, API):
        r = web.get(url)
        assert r.status_code == 200, (role, url, r.text[:300])


def test_journalist_is_refused(new_web: NewWeb, db: Session) -> None:
    web = browser(new_web, db, Role.JOURNALIST)
    for url in PAGES:
        assert web.get(url).status_code == 403, url
    r = web.get(API)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith(PROBLEM)


def test_anonymous_is_sent_to_sign_in_and_the_api_answers_401(web: WebClient) -> None:
    for url in PAGES:
        r = web.get(f"{url}?{PERIOD}")
        assert r.status_code == 303, url
        assert r.headers["location"].startswith("/login?next=")
        assert "%2Freports" in r.headers["location"]
    r = web.get(API)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith(PROBLEM)


def test_department_account_without_organisation_is_refused(new_web: NewWeb, db: Session) -> None:
    web = browser(new_web, db, Role.DEPARTMENT, organisation_id=None)
    for url in (*PAGES, "/reports/items?metric=questions.received", API):
        assert web.get(url).status_code == 403, url


# --- 3. Bad input ------------------------------------------------------------------------------


@pytest.fixture
def office(web: WebClient, db: Session) -> WebClient:
    sign_in(web, db, Role.PRESS_OFFICE)
    return web


def test_unreadable_date_comes_back_beside_the_field(office: WebClient) -> None:
    r = office.get("/reports?from=2025-13-45&to=2025-12-31")
    assert r.status_code == 422
    html = r.text
    assert 'id="f-from-error"' in html
    error = re.search(r'id="f-from-error".*?</p>', html, re.S)
    assert error is not None
    assert "Enter a date" in text_of(error.group(0))
    assert re.search(r'<input id="f-from" name="from" type="date" value="2025-13-45"', html)
    assert 'aria-invalid="true"' in html
    r = office.get("/reports/annual?from=2025-13-45&to=2025-12-31")
    assert r.status_code == 422
    assert "Enter a date" in text_of(r.text)
    assert 'value="2025-13-45"' in r.text


@pytest.mark.parametrize(
    "query",
    ["from=2025-13-45&to=2025-12-31", "from=2025-06-01&to=2025-05-01"],
)
def test_period_form_keeps_both_typed_dates_when_one_is_wrong(
    office: WebClient, query: str
) -> None:
    """The visitor corrects the wrong date and submits again: the other one must still be theirs,
    not silently replaced by this year's 1 January or 31 December."""
    typed_from, typed_to = (part.split("=")[1] for part in query.split("&"))
    for url in ("/reports", "/reports/annual"):
        r = office.get(f"{url}?{query}")
        assert r.status_code == 422
        assert re.search(
            rf'<input id="f-from" name="from" type="date" value="{typed_from}"', r.text
        )
        assert re.search(rf'<input id="f-to" name="to" type="date" value="{typed_to}"', r.text)


def test_end_before_start_and_too_long_periods_are_refused(office: WebClient) -> None:
    r = office.get("/reports?from=2025-06-01&to=2025-05-01")
    assert r.status_code == 422
    error = re.search(r'id="f-to-error".*?</p>', r.text, re.S)
    assert error is not None
    assert "before its start" in text_of(error.group(0))
    assert 'value="2025-05-01"' in r.text
    r = office.get("/reports?from=2019-01-01&to=2025-12-31")
    assert r.status_code == 422
    assert "at most five years" in text_of(r.text)
    r = office.get("/reports?from=2021-01-01&to=2025-12-31")
    assert r.status_code == 200
    r = office.get(f"{API}?from=2025-06-01&to=2025-05-01", headers={"Accept-Language": "en"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    assert "to" in r.json()["errors"]


def test_unknown_metric_and_unreadable_org_are_not_found(office: WebClient) -> None:
    for url in (
        "/reports/items?metric=nonsense",
        "/reports/items?metric=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/reports/items?metric=questions.refused.%3Cscript%3E",
        "/reports/items",
        "/reports?org=abc",
        "/reports/items?metric=questions.received&org=abc",
        "/reports/annual?org=abc",
        "/reports/annual.csv?org=abc",
    ):
        r = office.get(url)
        assert r.status_code == 404, url
        assert "<script>alert" not in r.text
    r = office.get(f"{API}?org=abc")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize("ext", ["csv", "xlsx", "pdf"])
def test_downloads_with_a_bad_period_are_refused(office: WebClient, ext: str) -> None:
    for query in ("from=2025-13-45", "from=2025-06-01&to=2025-05-01"):
        r = office.get(f"/reports/annual.{ext}?{query}")
        assert r.status_code == 422, query
        assert "attachment" not in r.headers.get("content-disposition", "")
        assert r.headers["content-type"].startswith("text/html")


# --- 4. HTMX -----------------------------------------------------------------------------------


def test_htmx_gets_only_the_block_it_replaces(office: WebClient) -> None:
    r = office.get(f"/reports?{PERIOD}", headers=HTMX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="dashboard">')
    assert "<html" not in r.text
    assert 'data-metric="questions.received"' in r.text
    r = office.get(f"/reports/annual?{PERIOD}", headers=HTMX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="report">')
    assert "<html" not in r.text
    # a boosted link gets the whole page
    r = office.get(f"/reports?{PERIOD}", headers={**HTMX, "HX-Boosted": "true"})
    assert "<html" in r.text
    # errors in a fragment: the summary is in the swapped block, with a 422
    r = office.get("/reports?from=2025-13-45", headers=HTMX)
    assert r.status_code == 422
    assert "<html" not in r.text
    assert "Enter a date" in text_of(r.text)


# --- 5. Links ----------------------------------------------------------------------------------


def test_every_figure_card_links_to_its_list_and_the_list_agrees(
    office: WebClient, province: Province
) -> None:
    r = office.get(f"/reports?{PERIOD}")
    found = cards(r.text)
    assert len(found) >= 18
    for metric, (href, _n) in found.items():
        assert href.startswith(f"/reports/items?from=2025-01-01&to=2025-12-31&metric={metric}")
    for metric, expected in (
        ("questions.received", 10),
        ("submissions.missing", 1),
        ("statements.published", 6),
    ):
        href, number = found[metric]
        assert number == expected
        page = office.get(href)
        assert page.status_code == 200, href
        assert total_of(page.text) == number, metric
        assert rows_of(page.text) == number, metric
    # the missing content is B's, and the list says so
    page = office.get(found["submissions.missing"][0])
    assert province.b.name_en in text_of(page.text)
    assert province.a.name_en not in text_of(page.text)


def test_department_cards_link_within_its_own_organisation(
    new_web: NewWeb, db: Session, province: Province
) -> None:
    web = browser(new_web, db, Role.DEPARTMENT, org=province.a.org)
    r = web.get(f"/reports?{PERIOD}")
    for metric, (href, number) in cards(r.text).items():
        page = web.get(href)
        assert page.status_code == 200, href
        assert total_of(page.text) == number, metric
    # the per-organisation table links to the list of A's questions
    links = re.findall(r'href="(/reports/items\?[^"]+)"', table_of(r.text, "questions_by_org"))
    assert links
    for href in links:
        page = web.get(htmllib.unescape(href))
        assert page.status_code == 200, href


def briefing_2025(
    db: Session, invited: Organisation, *, status: BriefingStatus, announced: bool
) -> Briefing:
    """A regular press conference in May 2025 to which `invited` was invited."""
    b = make_briefing(
        db,
        kind=make_kind(db, "regular_conference"),
        starts_at=at_2025(5, 20),
        ends_at=at_2025(5, 20, 5),
        status=status,
        announced_at=at_2025(5, 1) if announced else None,
    )
    db.add(BriefingInvitee(briefing_id=b.id or 0, organisation_id=invited.id or 0))
    db.commit()
    return b


def links_in(html: str) -> list[str]:
    return [htmllib.unescape(h) for h in re.findall(r'href="(/[^"]*)"', html)]


@pytest.mark.parametrize(
    "role",
    [
        Role.PRESS_OFFICE,
        Role.SPOKESPERSON,
        Role.DEPARTMENT,
        Role.ADMIN,
    ],
)
def test_every_link_on_the_report_pages_opens_for_the_reader(
    new_web: NewWeb, db: Session, province: Province, role: Role
) -> None:
    """The dashboard, the yearly report and the list behind every non-zero figure: each link
    on them opens for the person reading (no 403 or 404 behind a number or a title)."""
    briefing_2025(db, province.a.org, status=BriefingStatus.HELD, announced=True)
    over = {"org": province.a.org} if role == Role.DEPARTMENT else {}
    web = browser(new_web, db, role, **over)
    dashboard = web.get(f"/reports?{PERIOD}").text
    pages = [f"/reports?{PERIOD}", f"/reports/annual?{PERIOD}"]
    pages += [href for href, n in cards(dashboard).values() if n]
    broken = []
    seen: set[str] = set()
    for page in pages:
        r = web.get(page)
        assert r.status_code == 200, page
        for href in links_in(r.text):
            if href in seen or href.startswith("/static") or href.endswith(".pdf"):
                continue
            seen.add(href)
            status = web.get(href).status_code
            if status != 200:
                broken.append((page, href, status))
    assert len(seen) > 20
    assert broken == []


@pytest.mark.parametrize(
    "role",
    [
        Role.PRESS_OFFICE,
        Role.ADMIN,
        Role.DEPARTMENT,
    ],
)
def test_list_of_briefings_never_links_to_a_page_that_is_not_there(
    new_web: NewWeb, db: Session, role: Role
) -> None:
    org = make_org(db)
    b = briefing_2025(db, org, status=BriefingStatus.PLANNED, announced=False)
    over = {"org": org} if role == Role.DEPARTMENT else {}
    web = browser(new_web, db, role, **over)
    r = web.get(f"/reports/items?metric=briefings.planned&{PERIOD}")
    assert total_of(r.text) == 1
    assert b.title_vi in text_of(r.text)
    for href in links_in(r.text):
        if "/briefings/" in href:
            assert web.get(href).status_code == 200, href


def test_list_behind_a_figure_has_pages(office: WebClient, db: Session) -> None:
    org = make_org(db, name_en="Bulk Department")
    db.add_all(
        Question(
            text=f"Câu hỏi hàng loạt {i:03d}",
            channel=Channel.EMAIL,
            asker_name="Phóng viên",
            status=QuestionStatus.ASSIGNED,
            lead_org_id=org.id,
            received_at=at_2025(1, 1) + timedelta(hours=i),
        )
        for i in range(230)
    )
    db.commit()
    url = f"/reports/items?metric=questions.received&{PERIOD}"
    r = office.get(url)
    assert total_of(r.text) == 230
    assert rows_of(r.text) == 200
    assert "Câu hỏi hàng loạt 000" in r.text
    assert "Câu hỏi hàng loạt 229" not in r.text
    nxt = re.search(r'<a href="([^"]+)" rel="next">', r.text)
    assert nxt is not None
    r2 = office.get(htmllib.unescape(nxt.group(1)))
    assert r2.status_code == 200
    assert rows_of(r2.text) == 30
    assert "Câu hỏi hàng loạt 229" in r2.text
    assert "Câu hỏi hàng loạt 000" not in r2.text
    assert 'rel="next"' not in r2.text
    assert 'rel="prev"' in r2.text
    # a page past the end shows the last page; nonsense shows the first
    assert rows_of(office.get(f"{url}&page=99").text) == 30
    assert rows_of(office.get(f"{url}&page=abc").text) == 200


# --- 6. Downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ext", "media_type", "magic"),
    [
        ("xlsx", XLSX, b"PK"),
        ("csv", "text/csv", "\ufeff".encode()),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_downloads_are_attachments_of_the_right_type(
    office: WebClient, province: Province, ext: str, media_type: str, magic: bytes
) -> None:
    r = office.get(f"/reports/annual.{ext}?{PERIOD}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media_type)
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment")
    assert f"2025-01-01_2025-12-31.{ext}" in disposition
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.content.startswith(magic)
    if ext == "csv":
        content = csv_text(r.content)
        rows = list(csv.reader(io.StringIO(content)))
        assert any(province.c.name_en in row for row in rows)
    if ext == "xlsx":
        content = xlsx_text(r.content)
        for d in province.depts:
            assert d.name_en in content


# --- 7. Escaping -------------------------------------------------------------------------------


def test_hostile_names_and_texts_are_escaped(office: WebClient, db: Session) -> None:
    org = make_org(db, name_vi=f"Sở {SCRIPT}", name_en=f"Dept {SCRIPT}")
    question(db, org, f"Câu hỏi {SCRIPT}")
    q = question(db, org, f"Câu hỏi đã trả lời {SCRIPT}")
    row = db.get(Question, q.id)
    assert row is not None
    row.status = QuestionStatus.ANSWERED
    row.answered_at = at_2025(3, 11)
    db.add(row)
    db.commit()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for url in (
        f"/reports?{PERIOD}",
        f"/reports?{PERIOD}&org={org.id}",
        f"/reports/items?metric=questions.received&{PERIOD}",
        f"/reports/annual?{PERIOD}",
        f"/reports/annual?{PERIOD}&org={org.id}",
    ):
        r = office.get(url)
        assert r.status_code == 200, url
        assert SCRIPT not in r.text, url
        assert escaped in r.text, url
    # the on-time chart names the organisation too (inside the SVG)
    r = office.get(f"/reports?{PERIOD}")
    chart = re.search(r'data-chart="on_time">(.*?)</figure>', r.text, re.S)
    assert chart is not None
    assert escaped in chart.group(1)


# --- 8. Menu -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.PRESS_OFFICE, True),
        (Role.SPOKESPERSON, True),
        (Role.ADMIN, True),
        (Role.DEPARTMENT, True),
        (Role.JOURNALIST, False),
        (None, False),
    ],
)
def test_reports_menu_entry(new_web: NewWeb, db: Session, role: Role | None, shown: bool) -> None:
    web = new_web()
    if role is not None:
        sign_in(web, db, role, lang="")  # the page's own language (Vietnamese)
    r = web.get("/")
    assert r.status_code == 200
    nav = re.search(r'<nav class="wrap main-nav".*?</nav>', r.text, re.S)
    assert nav is not None
    assert ('href="/reports"' in nav.group(0)) is shown
    assert 'lang="vi"' in r.text
