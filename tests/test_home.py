"""The home page (issue 18, item 1): the latest statements, the briefing taking questions now and
the next briefings, from the cache of public pages and fresh after each public change."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session

from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.states import Step
from app.timeutil import utcnow
from tests.conftest import WebClient, page_text
from tests.factories import make_briefing
from tests.statements.helpers import World, soon


def latest_ids(html: str) -> list[int]:
    block = re.search(r'<ul class="mini-list latest-statements">(.*?)</ul>', html, re.S)
    return [int(n) for n in re.findall(r'data-id="(\d+)"', block.group(1))] if block else []


def test_the_five_latest_statements_with_number_kind_and_date_never_an_embargoed_one(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    issued = [w.issued(title=f"Thông cáo số {n}") for n in range(6)]
    w.issued(at=soon(60), title="Thông cáo chờ giờ")
    r = web.get("/")
    assert latest_ids(r.text) == [st.id for st in reversed(issued)][:5]
    text = page_text(r.text)
    assert issued[-1].number in text and "Thông cáo báo chí" in text
    assert "Thông cáo chờ giờ" not in text and "Thông cáo số 0" not in text


def test_the_home_page_is_cached_and_fresh_after_a_publication_or_an_announcement(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    first = w.issued(title="Thông cáo đầu tiên")
    planned = make_briefing(db, days_ahead=5, title_vi="Họp báo định kỳ tháng 12")
    assert latest_ids(web.get("/").text) == [first.id]
    again = web.get("/")
    assert again.headers["x-cache"] == "hit"
    assert "Họp báo định kỳ tháng 12" not in page_text(again.text)  # not announced yet

    second = w.issued(title="Thông cáo thứ hai")
    assert latest_ids(web.get("/").text) == [second.id, first.id]
    briefings.take_step(db, actor=Actor.system("test"), id=planned.id or 0, step=Step.ANNOUNCE)
    assert "Họp báo định kỳ tháng 12" in page_text(web.get("/").text)


def test_a_briefing_taking_questions_now_is_shown_as_happening(db: Session, web: WebClient) -> None:
    start = utcnow() - timedelta(minutes=10)
    live = make_briefing(
        db,
        announced=True,
        title_vi="Họp báo đang diễn ra",
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
    )
    text = page_text(web.get("/").text)
    assert "Đang diễn ra" in text and "Họp báo đang diễn ra" in text
    assert f'href="/briefings/{live.id}"' in web.get("/").text
