"""Subscribing to the briefing calendars: Google Calendar, Outlook and webcal:// buttons for the
whole schedule and each kind, on the site's public address, in the page's language."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from app.briefings.feeds import feed_path, subscription
from app.config import Settings
from tests.conftest import make_settings
from tests.factories import make_briefing, make_kind

SITE = "https://baochi.quangninh.example.vn"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path, public_base_url=SITE + "/")


# --- The addresses (pure) ------------------------------------------------------------------


def test_subscription_links_for_each_calendar_app() -> None:
    sub = subscription(SITE, "/calendar.ics?lang=en", "Press briefings & more")
    assert sub.feed == f"{SITE}/calendar.ics?lang=en"
    assert sub.webcal == "webcal://baochi.quangninh.example.vn/calendar.ics?lang=en"
    google = urlsplit(sub.google)
    assert (google.scheme, google.netloc, google.path) == (
        "https",
        "calendar.google.com",
        "/calendar/r",
    )
    assert parse_qs(google.query) == {"cid": [sub.webcal]}  # the whole address, query included
    outlook = urlsplit(sub.outlook)
    assert (outlook.netloc, outlook.path) == ("outlook.live.com", "/calendar/0/addfromweb")
    assert parse_qs(outlook.query) == {"url": [sub.feed], "name": ["Press briefings & more"]}


def test_a_site_on_plain_http_and_a_port_keeps_them_in_webcal() -> None:
    sub = subscription("http://127.0.0.1:8000/", "/calendar/regular_conference.ics", "X")
    assert sub.webcal == "webcal://127.0.0.1:8000/calendar/regular_conference.ics"
    assert sub.feed == "http://127.0.0.1:8000/calendar/regular_conference.ics"


def test_the_language_is_in_the_address_only_when_not_the_default() -> None:
    assert feed_path("/calendar.ics", "vi", "vi") == "/calendar.ics"
    assert feed_path("/calendar.ics", "en", "vi") == "/calendar.ics?lang=en"


# --- The public schedule page ----------------------------------------------------------------


def links(html: str, label: str) -> list[str]:
    """The addresses of the links whose text is `label`, in page order."""
    found = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>([^<]*)</a>', html)
    return [unescape(href) for href, text in found if unescape(text).strip() == label]


def test_schedule_page_has_the_three_buttons_for_everything_and_each_kind(
    client: TestClient, db: Session
) -> None:
    make_kind(db, "regular_conference", name_vi="Họp báo thường kỳ")
    make_kind(db, "thematic", name_vi="Họp báo chuyên đề")
    # A visitor who reached the site by another name: the links keep the public address.
    html = client.get("/briefings", headers={"Host": "other.example"}).text
    webcals = links(html, "Apple/ứng dụng khác (webcal://)")
    assert webcals == [
        "webcal://baochi.quangninh.example.vn/calendar.ics",
        "webcal://baochi.quangninh.example.vn/calendar/regular_conference.ics",
        "webcal://baochi.quangninh.example.vn/calendar/thematic.ics",
    ]
    google = links(html, "Google Calendar")
    assert [parse_qs(urlsplit(u).query)["cid"] for u in google] == [[w] for w in webcals]
    outlook = [parse_qs(urlsplit(u).query) for u in links(html, "Outlook")]
    assert [o["url"] for o in outlook] == [
        [f"{SITE}/calendar.ics"],
        [f"{SITE}/calendar/regular_conference.ics"],
        [f"{SITE}/calendar/thematic.ics"],
    ]
    assert outlook[1]["name"] == ["Họp báo thường kỳ - UBND tỉnh Quảng Ninh"]
    assert "other.example" not in html
    # One line of help under each button, in Vietnamese.
    assert html.count("Mở Google Calendar trên trình duyệt") == 3
    assert html.count("Dành cho Outlook.com và Microsoft 365") == 3
    assert html.count("Lịch Apple trên iPhone, iPad và Mac") == 3
    assert "/calendar.ics</a>" not in html and 'href="/calendar.ics"' not in html


def test_in_english_the_links_ask_for_the_english_calendar(client: TestClient, db: Session) -> None:
    kind = make_kind(db, "regular_conference", name_vi="Họp báo thường kỳ")
    briefing = make_briefing(db, announced=True, kind=kind, title_vi="Họp báo quý IV")
    client.cookies.set("pd_lang", "en")
    html = client.get("/briefings").text
    webcal = links(html, "Apple/other (webcal://)")[0]
    assert webcal == "webcal://baochi.quangninh.example.vn/calendar.ics?lang=en"
    outlook = parse_qs(urlsplit(links(html, "Outlook")[0]).query)
    assert outlook["name"] == ["Press briefings - People's Committee of Quảng Ninh province"]
    assert "Opens Google Calendar in your browser" in html

    # The feed the webcal:// link points to, read by a calendar parser.
    address = urlsplit(webcal)
    answer = client.get(f"{address.path}?{address.query}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(answer.content)
    assert str(calendar["X-WR-CALNAME"]) == outlook["name"][0]
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [briefing.uid]
