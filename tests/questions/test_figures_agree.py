"""The same questions give the same numbers wherever they are counted: the office's figures page,
the reports' summary (the `/reports` dashboard and `/api/v1/reports/summary`) and figure 3 of the
yearly report all classify questions with `app.questions.figures`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlmodel import Session

from app.accounts.models import Role
from app.questions.models import (
    Answer,
    AnswerKind,
    AnswerStatus,
    Channel,
    Question,
    QuestionStatus,
)
from app.timeutil import LOCAL_TZ
from tests.conftest import WebClient, page_text
from tests.factories import make_org
from tests.support import ok, signed_in

pytestmark = pytest.mark.clock("2026-12-16T09:00+07:00")
S = QuestionStatus


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(UTC)


def put(db: Session, org_id: int, day: date, status: QuestionStatus, **over: Any) -> Question:
    q = Question(
        text=f"Câu hỏi {day} {status.value}?",
        channel=Channel.EMAIL,
        asker_name="Phóng viên",
        lead_org_id=org_id,
        received_at=at(day),
        status=status,
        **over,
    )
    db.add(q)
    db.commit()
    return q


@pytest.fixture
def counted(db: Session) -> int:
    """One department's questions of October and November 2026, one in every state."""
    org = make_org(db, code="SXD")
    assert org.id is not None
    o = org.id
    put(
        db,
        o,
        date(2026, 10, 1),
        S.ANSWERED,
        due_at=at(date(2026, 10, 8), 17),
        answered_at=at(date(2026, 10, 2)),
    )
    put(
        db,
        o,
        date(2026, 10, 5),
        S.ANSWERED,
        due_at=at(date(2026, 10, 9), 17),
        answered_at=at(date(2026, 10, 20)),
    )
    refused = put(
        db,
        o,
        date(2026, 10, 12),
        S.REFUSED,
        due_at=at(date(2026, 10, 19), 17),
        answered_at=at(date(2026, 10, 13)),
    )
    db.add(
        Answer(
            question_id=refused.id or 0,
            kind=AnswerKind.REFUSAL,
            status=AnswerStatus.APPROVED,
            text="Nội dung đang thanh tra, chưa có kết luận.",
            refusal_ground="c",
            organisation_id=o,
            approved_at=at(date(2026, 10, 13)),
        )
    )
    db.commit()
    put(db, o, date(2026, 11, 2), S.ASSIGNED, due_at=at(date(2026, 11, 9), 17))  # overdue now
    put(db, o, date(2026, 11, 30), S.ASSIGNED, due_at=at(date(2026, 12, 31), 17))  # not yet due
    put(db, o, date(2026, 11, 3), S.MERGED)
    put(db, o, date(2026, 11, 4), S.DECLINED, status_reason="Không thuộc thẩm quyền.")
    return o


def test_the_figures_page_the_reports_and_the_yearly_report_agree(
    db: Session, web: WebClient, counted: int
) -> None:
    signed_in(web, db, Role.PRESS_OFFICE)

    page = web.get("/office/questions/figures?from=2026-10-01&to=2026-11-30")
    row = re.search(rf'<tr data-org="{counted}">(.*?)</tr>', page.text, re.S)
    assert row is not None
    cells = [
        page_text(c).split()[0] for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]
    received, answered, on_time, refused, overdue = (int(c) for c in cells[:5])

    summary = ok(web.get("/api/v1/reports/summary?from=2026-10-01&to=2026-11-30"))["questions"]
    assert (received, answered, on_time, refused, overdue) == (7, 2, 1, 1, 1)
    assert (
        summary["received"],
        summary["answered"],
        summary["on_time"],
        summary["refused"],
        summary["overdue"],
    ) == (received, answered, on_time, refused, overdue)
    assert summary["replied"] == answered + refused

    # The yearly report (15/12/2025 to 14/12/2026): replied / received, the merged one counted
    # in the question it was merged into.
    yearly = ok(web.get("/api/v1/reports/decree244?year=2026"))["figures"][2]
    assert yearly["value"] == f"{answered + refused}/{received - summary['merged']}"
