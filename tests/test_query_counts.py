"""No N+1 on the staff pages: the number of SQL statements a page runs does not grow with the
rows it shows (issue 20). Each page is read with a few rows of every kind, then with four times
as many; the count must be the same, and no more than the page's ceiling (what it runs today:
a new query on a page shows here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from app.audit.service import Actor
from app.config import Settings
from app.questions import service as questions
from app.questions.models import Channel, Question
from app.statements import service as statements
from tests.conftest import make_settings
from tests.factories import PASSWORD, make_briefing, make_org
from tests.statements.helpers import World, make_approver

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")

SYSTEM = Actor.system("test")
PAGES = (
    "/dashboard",
    "/inbox",
    "/office/questions",
    "/office/statements",
    "/office/briefings",
    "/reports",
)
# SQL statements per page, signed in as a press-office approver with work of every kind waiting.
CEILING = {
    "/dashboard": 21,
    "/inbox": 11,
    "/office/questions": 15,
    "/office/statements": 15,
    "/office/briefings": 16,
    "/reports": 24,
}


@contextmanager
def counting(engine: Any) -> Iterator[list[str]]:
    """The SQL statements run on `engine` while the block runs."""
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Every read renders: the pages a worker keeps for a session (app/staffcache) are off, so
    what is counted is the page's own work."""
    return make_settings(database_url, tmp_path, staff_page_cache_seconds=0)


def ask(db: Session, text: str) -> Question:
    """A question received by e-mail, as the office records it."""
    return questions.record(
        db,
        actor=SYSTEM,
        data=questions.QuestionInput(
            text=text,
            channel=Channel.EMAIL,
            asker_name="Phóng viên thử nghiệm",
            agency_name="Báo Thử Nghiệm",
        ),
    )


def add_rows(db: Session, w: World, orgs: list[Any], n: int, start: int) -> None:
    """n questions (new, and assigned to departments), n statements (drafts, some sent for
    approval, and published) and n briefings, each with its own text."""
    for k in range(start, start + n):
        q = ask(db, f"Câu hỏi số {k} về tiến độ dự án cao tốc Vân Đồn – Móng Cái?")
        if k % 2:
            questions.accept(db, actor=SYSTEM, question_id=q.id or 0)
            questions.assign(
                db, actor=SYSTEM, question_id=q.id or 0, lead_org_id=orgs[k % len(orgs)].id
            )
        if k % 2:
            w.issued(title=f"Thông cáo số {k} về công tác phòng, chống bão")
        else:
            draft = w.draft(title=f"Dự thảo thông cáo số {k}")
            if k % 4 == 0:  # awaiting approval: the inbox asks who wrote each
                statements.submit(db, actor=w.editor, statement_id=draft.id or 0)
        make_briefing(db, days_ahead=1 + k, announced=bool(k % 2))


def test_staff_pages_run_as_many_queries_for_many_rows_as_for_few(
    app: Any, db: Session, web: Any
) -> None:
    w = World(db)
    orgs = [make_org(db, name_vi=f"Sở thử nghiệm {k}") for k in range(3)]
    office = make_approver(db)
    assert web.login(office.email, PASSWORD).status_code == 303

    def counts() -> dict[str, int]:
        found = {}
        for path in PAGES:
            web.client.get(path)  # warm: a first read may load reference data once
            with counting(app.state.engine) as seen:
                r = web.client.get(path)
            assert r.status_code == 200, (path, r.status_code)
            found[path] = len(seen)
        return found

    add_rows(db, w, orgs, 3, 0)
    few = counts()
    add_rows(db, w, orgs, 12, 3)
    many = counts()
    # The pages really show the added rows (else equal counts would prove nothing).
    assert "Dự thảo thông cáo số 14" in web.client.get("/office/statements").text
    assert "Câu hỏi số 14 " in web.client.get("/office/questions").text
    assert "Dự thảo thông cáo số 12" in web.client.get("/inbox").text  # awaiting approval
    grown = {p: (few[p], many[p]) for p in PAGES if many[p] > few[p]}
    assert not grown, f"queries that grow with the rows shown (few, many): {grown}"
    over = {p: (many[p], CEILING[p]) for p in PAGES if many[p] > CEILING[p]}
    assert not over, f"pages over their ceiling of queries (run, ceiling): {over}"
