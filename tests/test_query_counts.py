"""No N+1 on the staff pages: the number of SQL statements a page runs does not grow with the
rows it shows (issue 20). Each page is read with a few rows of every kind, then with four times
as many; the count must be the same."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from app.accounts.models import Role
from app.audit.service import Actor
from app.questions import service as questions
from app.questions.models import Channel
from tests.factories import PASSWORD, make_briefing, make_org, make_user
from tests.statements.helpers import World

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


def add_rows(db: Session, w: World, orgs: list[Any], n: int, start: int) -> None:
    """n questions (new, and assigned to departments), n statements (drafts and published) and
    n briefings, each with its own text."""
    for k in range(start, start + n):
        q = questions.record(
            db,
            actor=SYSTEM,
            data=questions.QuestionInput(
                text=f"Câu hỏi số {k} về tiến độ dự án cao tốc Vân Đồn – Móng Cái?",
                channel=Channel.EMAIL,
                asker_name="Phóng viên thử nghiệm",
                agency_name="Báo Thử Nghiệm",
            ),
        )
        if k % 2:
            questions.accept(db, actor=SYSTEM, question_id=q.id or 0)
            questions.assign(
                db, actor=SYSTEM, question_id=q.id or 0, lead_org_id=orgs[k % len(orgs)].id
            )
        if k % 2:
            w.issued(title=f"Thông cáo số {k} về công tác phòng, chống bão")
        else:
            w.draft(title=f"Dự thảo thông cáo số {k}")
        make_briefing(db, days_ahead=1 + k, announced=bool(k % 2))


def test_staff_pages_run_as_many_queries_for_many_rows_as_for_few(
    app: Any, db: Session, web: Any
) -> None:
    w = World(db)
    orgs = [make_org(db, name_vi=f"Sở thử nghiệm {k}") for k in range(3)]
    office = make_user(db, Role.PRESS_OFFICE)
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
    grown = {p: (few[p], many[p]) for p in PAGES if many[p] > few[p]}
    assert not grown, f"queries that grow with the rows shown (few, many): {grown}"
