"""The digest for leadership, on both databases: a day's and a week's items by tone, topic and
outlet, the false reports with what was done, the weekly trend; as a page, a PDF and an e-mail
queued once per address however many workers run the hook."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role
from app.monitoring import digest, mailing
from app.monitoring.models import PressItem, PressItemMatch, Tone, WatchRule
from app.notifications.models import OutboxMessage
from app.statements import service as statements
from app.statements.models import Topic
from app.timeutil import LOCAL_TZ
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_user
from tests.support import tagged_pdf

DAY = date(2026, 12, 2)  # a Wednesday


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)


def add(
    db: Session,
    title: str,
    tone: Tone,
    when: datetime,
    outlet: str = "Báo A",
    rule: int | None = None,
) -> PressItem:
    item = PressItem(outlet=outlet, title=title, published_at=when, tone=tone)
    db.add(item)
    db.flush()
    if rule is not None:
        db.add(PressItemMatch(item_id=item.id or 0, rule_id=rule))
    db.commit()
    return item


@pytest.fixture
def items(db: Session) -> dict[str, Any]:
    statements.seed_reference(db)
    topic = db.exec(select(Topic)).first()
    assert topic is not None
    rule = WatchRule(name="Hạ Long", all_of="ha long", topic_id=topic.id)
    db.add(rule)
    db.commit()
    add(db, "Tin tốt", Tone.POSITIVE, at(DAY, 9), rule=rule.id)
    add(db, "Tin sai", Tone.FALSE, at(DAY, 10), outlet="Trang mạng X", rule=rule.id)
    add(db, "Tin xấu", Tone.NEGATIVE, at(DAY - timedelta(days=1), 23))  # Tuesday, same week
    add(db, "Tuần trước", Tone.NEUTRAL, at(DAY - timedelta(days=7), 9))
    add(db, "Nửa đêm", Tone.NEUTRAL, at(DAY + timedelta(days=1), 0))  # Thursday 00:00 local
    return {"topic": topic}


def test_a_day_and_a_week_count_by_tone_topic_and_outlet(
    db: Session, items: dict[str, Any]
) -> None:
    day = digest.build(db, digest.DAY, DAY)
    assert day.total == 2
    assert (
        day.by_tone[Tone.POSITIVE] == 1
        and day.by_tone[Tone.FALSE] == 1
        and day.by_tone[Tone.NEGATIVE] == 0
    )
    assert day.by_topic == [(items["topic"].name_vi, 2)]
    assert dict(day.by_outlet) == {"Báo A": 1, "Trang mạng X": 1}
    assert [f.item.title for f in day.false_reports] == ["Tin sai"]
    week = digest.build(db, digest.WEEK, DAY)
    assert (week.first, week.last) == (date(2026, 11, 30), date(2026, 12, 6))
    assert week.total == 4
    counts = dict(week.trend)
    assert sum(counts[date(2026, 11, 30)].values()) == 4
    assert sum(counts[date(2026, 11, 23)].values()) == 1
    assert len(week.trend) == digest.TREND_WEEKS


def test_the_office_reads_the_digest_as_a_page_and_a_pdf(
    db: Session, web: WebClient, items: dict[str, Any]
) -> None:
    office = make_user(db, Role.PRESS_OFFICE)
    web.login(office.email, PASSWORD)
    page = web.get(f"/office/monitoring/digest?period=week&on={DAY.isoformat()}")
    assert page.status_code == 200
    text = page_text(page.text)
    assert "4 tin báo chí" in text and "Tin sai" in text and "Chưa mở vụ việc đột xuất." in text
    pdf = web.get(f"/office/monitoring/digest.pdf?period=day&on={DAY.isoformat()}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment")
    content = "\n".join(p.extract_text() for p in tagged_pdf(pdf.content, "vi").pages)
    assert "Tin sai" in content and "Trang mạng X" in content
    dept = make_user(db, Role.DEPARTMENT)
    other = web.__class__(web.client)
    web.logout()
    other.login(dept.email, PASSWORD)
    assert other.get("/office/monitoring/digest").status_code == 403


def test_the_digest_is_mailed_once_a_day_to_each_address(
    db: Session, app: Any, items: dict[str, Any]
) -> None:
    settings = app.state.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "monitoring_digest_recipients": "lanhdao@example.gov.vn, vanphong@example.gov.vn",
        }
    )
    morning = at(DAY + timedelta(days=1), 6)
    assert mailing.mail_digests(db, settings, morning) == 0  # before the hour
    later = at(DAY + timedelta(days=1), 8)
    assert mailing.mail_digests(db, settings, later) == 2
    db.commit()
    assert mailing.mail_digests(db, settings, later) == 0  # another worker, the same hour
    db.commit()
    rows = db.exec(select(OutboxMessage)).all()
    assert sorted(r.to_address for r in rows) == [
        "lanhdao@example.gov.vn",
        "vanphong@example.gov.vn",
    ]
    assert all("02/12/2026" in r.subject and "2 tin" in r.subject for r in rows)
    assert "Tin sai" in rows[0].text_body
    monday = at(date(2026, 12, 7), 8)
    assert mailing.mail_digests(db, settings, monday) == 4  # Sunday's day and last week's


def test_the_reports_show_monitoring_beside_the_other_figures(
    db: Session, web: WebClient, items: dict[str, Any]
) -> None:
    office = make_user(db, Role.PRESS_OFFICE)
    web.login(office.email, PASSWORD)
    r = web.get("/reports?from=2026-11-30&to=2026-12-06")
    assert r.status_code == 200
    section = r.text[r.text.index('id="h-monitoring"') :]
    numbers = re.findall(r'<span class="figure-number">(\d+)</span>', section)
    assert numbers[:6] == ["4", "1", "1", "0", "0", "0"]  # items, false, negative, matters...
    dept = make_user(db, Role.DEPARTMENT)
    web.logout()
    web.login(dept.email, PASSWORD)
    assert 'id="h-monitoring"' not in web.get("/reports?from=2026-11-30&to=2026-12-06").text
