"""Any text typed into a briefing or a kind gives a valid calendar: line breaks and other control
characters in a title, a kind's name, a venue or notes are never written raw into the iCalendar
document (RFC 5545 allows no control character but HTAB in a text value). PostgreSQL stores no
NUL, so the stored texts use other control characters."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import recurring_ical_events
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from app.briefings.feeds import build_calendar
from tests.factories import make_briefing, make_kind

CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
TITLE_VI = "Họp báo\r\nquý III\x01/2026\x07 – \x1bQuảng Ninh\u2028"
TITLE_EN = "Press\rconference\nQ3\x0b2026\x85"
ONE_LINE = ["SUMMARY", "LOCATION"]


def fetch(client: TestClient, url: str) -> Calendar:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    for line in r.content.split(b"\r\n"):
        text = line.decode("utf-8")
        # Raw content lines: no bare CR or LF, no control character (escapes are "\\n").
        assert not CONTROL.search(text), line
    return Calendar.from_ical(r.content)


@pytest.fixture
def briefing(db: Session) -> Any:
    kind = make_kind(db, "thematic_conference", name_vi="Họp báo\r\nchuyên đề\x02", name_en="A\nB")
    return make_briefing(
        db,
        announced=True,
        kind=kind,
        title_vi=TITLE_VI,
        title_en=TITLE_EN,
        venue="Hội trường A\r\nTầng 2\x0c",
        notes="Dòng một\r\nDòng hai\x7f\rDòng ba",
    )


def test_a_briefing_with_line_breaks_in_its_title_downloads_as_a_valid_calendar(
    client: TestClient, briefing: Any
) -> None:
    cal = fetch(client, f"/briefings/{briefing.id}.ics")
    assert str(cal["X-WR-CALNAME"]) == "Họp báo quý III/2026 – Quảng Ninh"
    event = cal.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Họp báo quý III/2026 – Quảng Ninh"
    assert str(event["LOCATION"]) == "Hội trường A Tầng 2"
    assert event["CATEGORIES"].cats == ["Họp báo chuyên đề"]
    # The notes keep their lines (an escaped line break is allowed in a description).
    assert str(event["DESCRIPTION"]) == "Dòng một\nDòng hai\nDòng ba"

    english = fetch(client, f"/briefings/{briefing.id}.ics?lang=en")
    assert str(english["X-WR-CALNAME"]) == "Press conference Q3 2026"
    assert str(english.walk("VEVENT")[0]["SUMMARY"]) == "Press conference Q3 2026"
    assert english.walk("VEVENT")[0]["CATEGORIES"].cats == ["A B"]


@pytest.mark.parametrize("url", ["/calendar.ics", "/calendar/thematic_conference.ics"])
def test_the_subscription_feeds_stay_valid_with_such_text(
    client: TestClient, briefing: Any, url: str
) -> None:
    cal = fetch(client, url)
    if url != "/calendar.ics":
        assert str(cal["X-WR-CALNAME"]) == "Họp báo chuyên đề - UBND tỉnh Quảng Ninh"
    day = briefing.starts_at.date()
    found = recurring_ical_events.of(cal).between(day - timedelta(days=1), day + timedelta(days=2))
    assert [str(e["SUMMARY"]) for e in found] == ["Họp báo quý III/2026 – Quảng Ninh"]


def test_build_calendar_cleans_every_text_it_is_given(db: Session) -> None:
    briefing = make_briefing(db, announced=True, title_vi="Tên\r\n\r\n  có   dấu cách\t")
    body = build_calendar(
        [briefing], kinds_by_id={}, base_url="http://x.vn", locale="vi", name="Lịch\r\nhọp báo\x00"
    )
    cal = Calendar.from_ical(body)
    assert str(cal["X-WR-CALNAME"]) == "Lịch họp báo"
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]) == "Tên có dấu cách"
