"""Calendar feeds, read back with icalendar and recurring-ical-events, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import recurring_ical_events
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session
from starlette.routing import compile_path

from app.audit.service import Actor
from app.briefings import feeds, service
from app.briefings.models import Briefing, BriefingKind, BriefingStatus
from app.briefings.service import BriefingInput, TransitionInput
from app.briefings.states import Step
from app.briefings.web import feeds as feed_routes
from app.timeutil import LOCAL_TZ, local_today
from tests.factories import make_briefing, make_kind

SYSTEM = Actor.system("test")
TZID = "Asia/Ho_Chi_Minh"


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    """The application with the feeds, whether or not app.main includes them already."""
    if "/calendar.ics" not in {ctx.path for ctx in iter_route_contexts(app.routes)}:
        app.include_router(feed_routes.router)
    return app


def fetch(client: TestClient, url: str, **kw: Any) -> Calendar:
    r = client.get(url, **kw)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(r.content)


def events_by_uid(cal: Calendar) -> dict[str, Any]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def day_of(briefing: Briefing) -> date:
    return briefing.starts_at.astimezone(LOCAL_TZ).date()


def postpone(db: Session, briefing: Briefing, new_day: date, reason: str) -> Briefing:
    assert briefing.id is not None
    return service.transition(
        db,
        actor=SYSTEM,
        briefing_id=briefing.id,
        data=TransitionInput(
            Step.POSTPONE, reason=reason, new_day=new_day, new_start=time(9), new_end=time(10, 30)
        ),
        expected_sequence=None,
    )


def cancel(db: Session, briefing: Briefing, reason: str) -> Briefing:
    assert briefing.id is not None
    return service.transition(
        db,
        actor=SYSTEM,
        briefing_id=briefing.id,
        data=TransitionInput(Step.CANCEL, reason=reason),
        expected_sequence=None,
    )


# --- What the feed contains ------------------------------------------------------------------


def test_only_announced_briefings_appear(client: TestClient, db: Session) -> None:
    announced = make_briefing(db, announced=True, title_vi="Họp báo đã công bố")
    planned = make_briefing(db, title_vi="Họp báo chưa công bố")
    cal = fetch(client, "/calendar.ics")
    uids = events_by_uid(cal)
    assert set(uids) == {announced.uid}
    assert planned.uid not in uids
    assert str(uids[announced.uid]["SUMMARY"]) == "Họp báo đã công bố"
    assert str(uids[announced.uid]["STATUS"]) == "CONFIRMED"


def test_calendar_properties_and_time_zone(client: TestClient, db: Session) -> None:
    kind = make_kind(db, "regular_conference", name_vi="Họp báo thường kỳ")
    briefing = make_briefing(db, announced=True, kind=kind, venue="Hội trường A, Trụ sở UBND tỉnh")
    cal = fetch(client, "/calendar.ics")
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//Press Desk//UBND tinh Quang Ninh//VI"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Lịch họp báo - UBND tỉnh Quảng Ninh"
    assert str(cal["X-WR-TIMEZONE"]) == TZID
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [TZID]

    event = events_by_uid(cal)[briefing.uid]
    assert event["DTSTART"].params["TZID"] == TZID
    assert event["DTEND"].params["TZID"] == TZID
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.minute) == (15, 0)
    assert start.utcoffset() == timedelta(hours=7)
    assert start.astimezone(UTC).hour == 8
    assert start == briefing.starts_at and end == briefing.ends_at
    assert end - start == timedelta(minutes=90)
    assert int(event["SEQUENCE"]) == briefing.sequence
    assert event.decoded("LAST-MODIFIED") == briefing.updated_at.replace(microsecond=0)
    assert event.decoded("CREATED") == briefing.created_at.replace(microsecond=0)
    assert "DTSTAMP" in event
    assert str(event["LOCATION"]) == "Hội trường A, Trụ sở UBND tỉnh"
    assert str(event["URL"]) == f"http://testserver/briefings/{briefing.id}"
    assert event["CATEGORIES"].cats == ["Họp báo thường kỳ"]

    # A calendar app expanding the feed sees the briefing at 15:00 in Vietnam that day.
    day = day_of(briefing)
    found = recurring_ical_events.of(cal).between(day, day + timedelta(days=1))
    assert [str(e["UID"]) for e in found] == [briefing.uid]
    assert found[0]["DTSTART"].dt.astimezone(LOCAL_TZ).time() == time(15)
    assert recurring_ical_events.of(cal).between(day + timedelta(days=1), day + timedelta(3)) == []


def test_postponing_keeps_the_uid_raises_the_sequence_and_says_why(
    client: TestClient, db: Session
) -> None:
    briefing = make_briefing(db, announced=True, days_ahead=10)
    old_day = day_of(briefing)
    before = events_by_uid(fetch(client, "/calendar.ics"))[briefing.uid]
    new_day = old_day + timedelta(days=2)
    postpone(db, briefing, new_day, "Lãnh đạo tỉnh bận tiếp khách quốc tế")

    cal = fetch(client, "/calendar.ics")
    after = events_by_uid(cal)[briefing.uid]  # the same event, moved
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["STATUS"]) == "CONFIRMED"
    assert "Đã dời lịch: Lãnh đạo tỉnh bận tiếp khách quốc tế" in str(after["DESCRIPTION"])
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    assert recurring_ical_events.of(cal).between(old_day, old_day + timedelta(days=1)) == []
    moved = recurring_ical_events.of(cal).between(new_day, new_day + timedelta(days=1))
    assert [str(e["UID"]) for e in moved] == [briefing.uid]
    start = moved[0]["DTSTART"].dt
    assert start.date() == new_day and start.time() == time(9)
    assert str(moved[0]["DTSTART"].params["TZID"]) == TZID

    en = events_by_uid(fetch(client, "/calendar.ics?lang=en"))[briefing.uid]
    assert "Postponed: Lãnh đạo tỉnh bận tiếp khách quốc tế" in str(en["DESCRIPTION"])


def test_editing_the_details_raises_the_sequence(client: TestClient, db: Session) -> None:
    briefing = make_briefing(db, announced=True, title_vi="Tên cũ")
    before = events_by_uid(fetch(client, "/calendar.ics"))[briefing.uid]
    local_start = briefing.starts_at.astimezone(LOCAL_TZ)
    assert briefing.id is not None
    service.update(
        db,
        actor=SYSTEM,
        briefing_id=briefing.id,
        data=BriefingInput(
            kind_id=briefing.kind_id,
            title_vi="Tên mới của buổi họp báo",
            title_en="The new title",
            day=local_start.date(),
            start=local_start.time(),
            end=briefing.ends_at.astimezone(LOCAL_TZ).time(),
            venue="Phòng họp số 2",
            online_url="https://truyenhinh.example.vn/truc-tiep",
            chair="Phó Chủ tịch UBND tỉnh",
            notes="Phóng viên có mặt trước 15 phút để làm thủ tục.",
        ),
        expected_sequence=briefing.sequence,
    )
    after = events_by_uid(fetch(client, "/calendar.ics"))[briefing.uid]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["SUMMARY"]) == "Tên mới của buổi họp báo"
    assert str(after["LOCATION"]) == "Phòng họp số 2"
    assert after.decoded("DTSTART") == before.decoded("DTSTART")
    description = str(after["DESCRIPTION"])
    assert "Trực tuyến: https://truyenhinh.example.vn/truc-tiep" in description
    assert "Chủ trì: Phó Chủ tịch UBND tỉnh" in description
    assert "Phóng viên có mặt trước 15 phút để làm thủ tục." in description
    assert "Đã dời lịch" not in description


def test_a_cancelled_briefing_stays_with_status_cancelled_and_its_reason(
    client: TestClient, db: Session
) -> None:
    kept = make_briefing(db, announced=True)
    dropped = make_briefing(db, announced=True, days_ahead=11)
    sequence_before = dropped.sequence
    cancel(db, dropped, "Nội dung đã được thông tin tại kỳ họp HĐND")
    cal = fetch(client, "/calendar.ics")
    events = events_by_uid(cal)
    assert set(events) == {kept.uid, dropped.uid}
    assert str(events[dropped.uid]["STATUS"]) == "CANCELLED"
    assert str(events[kept.uid]["STATUS"]) == "CONFIRMED"
    assert "Đã hủy: Nội dung đã được thông tin tại kỳ họp HĐND" in str(
        events[dropped.uid]["DESCRIPTION"]
    )
    assert int(events[dropped.uid]["SEQUENCE"]) > sequence_before
    en = events_by_uid(fetch(client, "/calendar.ics?lang=en"))[dropped.uid]
    assert str(en["DESCRIPTION"]).startswith("Cancelled: ")


def test_a_past_held_briefing_stays_in_the_feed(client: TestClient, db: Session) -> None:
    held = make_briefing(
        db,
        announced=True,
        days_ahead=-30,
        status=BriefingStatus.HELD,
        record_url="https://ubnd.example.vn/bien-ban",
    )
    event = events_by_uid(fetch(client, "/calendar.ics"))[held.uid]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "https://ubnd.example.vn/bien-ban" in str(event["DESCRIPTION"])


def test_the_kind_feed_has_only_that_kind(client: TestClient, db: Session) -> None:
    monthly = make_kind(db, "regular_conference", name_vi="Họp báo thường kỳ", name_en="Regular")
    weekly = make_kind(db, "weekly_info", name_vi="Giao ban báo chí tuần", name_en="Weekly")
    a = make_briefing(db, announced=True, kind=monthly)
    b = make_briefing(db, announced=True, kind=weekly)
    make_briefing(db, kind=weekly)  # planned: not shown
    cal = fetch(client, "/calendar/weekly_info.ics")
    assert set(events_by_uid(cal)) == {b.uid}
    assert str(cal["X-WR-CALNAME"]) == "Giao ban báo chí tuần - UBND tỉnh Quảng Ninh"
    assert events_by_uid(cal)[b.uid]["CATEGORIES"].cats == ["Giao ban báo chí tuần"]
    assert set(events_by_uid(fetch(client, "/calendar/regular_conference.ics"))) == {a.uid}
    assert set(events_by_uid(fetch(client, "/calendar.ics"))) == {a.uid, b.uid}
    en = fetch(client, "/calendar/weekly_info.ics?lang=en")
    assert str(en["X-WR-CALNAME"]).startswith("Weekly - ")

    r = client.get("/calendar/no_such_kind.ics")
    assert r.status_code == 404
    assert "text/calendar" not in r.headers["content-type"]


def test_a_kind_without_announced_briefings_is_an_empty_calendar(
    client: TestClient, db: Session
) -> None:
    make_kind(db, "thematic")
    make_briefing(db, announced=True)  # another kind
    cal = fetch(client, "/calendar/thematic.ics")
    assert cal.walk("VEVENT") == []
    assert cal.walk("VTIMEZONE")


# --- One briefing ----------------------------------------------------------------------------


def test_one_briefing_is_a_download(client: TestClient, db: Session) -> None:
    briefing = make_briefing(db, announced=True, title_vi="Họp báo chuyên đề du lịch")
    make_briefing(db, announced=True)  # not in this file
    r = client.get(f"/briefings/{briefing.id}.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["content-disposition"] == f'attachment; filename="hop-bao-{briefing.id}.ics"'
    assert r.headers["etag"] and r.headers["last-modified"]
    cal = Calendar.from_ical(r.content)
    assert list(events_by_uid(cal)) == [briefing.uid]
    assert str(cal["METHOD"]) == "PUBLISH"
    assert cal.walk("VTIMEZONE")
    assert str(cal["X-WR-CALNAME"]) == "Họp báo chuyên đề du lịch"


def test_the_subscription_feeds_are_not_attachments(client: TestClient, db: Session) -> None:
    make_briefing(db, announced=True)
    for url in ("/calendar.ics", "/calendar/regular_conference.ics"):
        r = client.get(url)
        assert r.status_code == 200
        assert "content-disposition" not in r.headers


def test_one_briefing_is_not_found_until_announced(client: TestClient, db: Session) -> None:
    planned = make_briefing(db)
    r = client.get(f"/briefings/{planned.id}.ics")
    assert r.status_code == 404
    assert "text/calendar" not in r.headers["content-type"]
    assert client.get("/briefings/999999.ics").status_code == 404
    assert planned.id is not None
    service.transition(
        db,
        actor=SYSTEM,
        briefing_id=planned.id,
        data=TransitionInput(Step.ANNOUNCE),
        expected_sequence=None,
    )
    assert client.get(f"/briefings/{planned.id}.ics").status_code == 200


def test_the_ics_route_matches_only_digits_and_the_suffix() -> None:
    regex, _format, convertors = compile_path("/briefings/{briefing_id:int}.ics")
    assert regex.match("/briefings/12.ics")
    assert convertors["briefing_id"].convert("12") == 12
    for other in ("/briefings/12", "/briefings/12.icsx", "/briefings/abc.ics", "/briefings/12/x"):
        assert not regex.match(other), other
    paths = {ctx.path for ctx in iter_route_contexts(feed_routes.router.routes)}
    assert "/briefings/{briefing_id:int}.ics" in paths


def test_the_public_page_is_not_swallowed_by_the_ics_route(client: TestClient, db: Session) -> None:
    """Whatever serves /briefings/{id} (the public pages), it is never the calendar file; and
    /briefings/{id}.ics reaches the feed even with the public pages' route in the app."""
    briefing = make_briefing(db, announced=True)
    page = client.get(f"/briefings/{briefing.id}")
    assert "text/calendar" not in page.headers.get("content-type", "")
    assert "content-disposition" not in page.headers
    ics = client.get(f"/briefings/{briefing.id}.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"


# --- Languages and text ----------------------------------------------------------------------


def test_english_on_request(client: TestClient, db: Session) -> None:
    kind = make_kind(db, "regular_conference", name_vi="Họp báo thường kỳ", name_en="Regular")
    both = make_briefing(db, announced=True, kind=kind, title_vi="Họp báo tháng 5", title_en="May")
    vi_only = make_briefing(db, announced=True, kind=kind, title_vi="Họp báo đột xuất")
    en = fetch(client, "/calendar.ics?lang=en")
    events = events_by_uid(en)
    assert str(events[both.uid]["SUMMARY"]) == "May"
    assert str(events[vi_only.uid]["SUMMARY"]) == "Họp báo đột xuất"  # no English title
    assert events[both.uid]["CATEGORIES"].cats == ["Regular"]
    assert str(en["X-WR-CALNAME"]) == (
        "Press briefings - People's Committee of Quảng Ninh province"
    )
    vi = events_by_uid(fetch(client, "/calendar.ics"))
    assert str(vi[both.uid]["SUMMARY"]) == "Họp báo tháng 5"
    assert vi[both.uid]["CATEGORIES"].cats == ["Họp báo thường kỳ"]
    # An unknown language is the default one.
    assert str(events_by_uid(fetch(client, "/calendar.ics?lang=xx"))[both.uid]["SUMMARY"]) == (
        "Họp báo tháng 5"
    )
    single = events_by_uid(fetch(client, f"/briefings/{both.id}.ics?lang=en"))
    assert str(single[both.uid]["SUMMARY"]) == "May"


def test_vietnamese_text_survives_in_utf8(client: TestClient, db: Session) -> None:
    title = "Họp báo về phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026 – Quảng Ninh"
    notes = "Đề nghị các cơ quan báo chí đăng ký trước ngày họp. " * 4  # long: folded lines
    briefing = make_briefing(db, announced=True, title_vi=title, notes=notes.strip())
    r = client.get("/calendar.ics")
    text = r.content.decode("utf-8")  # strict: fails on any broken byte
    assert "Lịch họp báo - UBND tỉnh Quảng Ninh" in text
    assert "\r\n" in text
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    event = events_by_uid(Calendar.from_ical(r.content))[briefing.uid]
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == notes.strip()


def test_an_empty_calendar_is_still_a_calendar(client: TestClient, db: Session) -> None:
    make_briefing(db)  # planned only
    r = client.get("/calendar.ics")
    assert r.status_code == 200
    assert r.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert r.content.rstrip().endswith(b"END:VCALENDAR")
    assert "last-modified" not in r.headers  # nothing has been announced yet
    cal = Calendar.from_ical(r.content)
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    assert cal.walk("VEVENT") == []
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [TZID]
    today = local_today()
    assert recurring_ical_events.of(cal).between(today, today + timedelta(days=365)) == []


# --- Conditional GET -------------------------------------------------------------------------


def test_conditional_get(client: TestClient, db: Session) -> None:
    briefing = make_briefing(db, announced=True)
    r = client.get("/calendar.ics")
    etag, last_modified = r.headers["etag"], r.headers["last-modified"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert r.headers["cache-control"] == "public, max-age=300"
    assert last_modified == format_datetime(briefing.updated_at.astimezone(UTC), usegmt=True)
    assert "set-cookie" not in r.headers  # publicly cacheable: no CSRF cookie in it

    same = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert same.status_code == 304
    assert same.content == b""
    assert same.headers["etag"] == etag
    assert same.headers["cache-control"] == "public, max-age=300"
    for header in (f"W/{etag}", f'"other", {etag}', "*"):
        assert client.get("/calendar.ics", headers={"If-None-Match": header}).status_code == 304
    assert client.get("/calendar.ics", headers={"If-None-Match": '"other"'}).status_code == 200
    # If-None-Match wins over If-Modified-Since.
    both = {"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    assert client.get("/calendar.ics", headers=both).status_code == 200

    assert (
        client.get("/calendar.ics", headers={"If-Modified-Since": last_modified}).status_code == 304
    )
    older = format_datetime(briefing.updated_at - timedelta(hours=1), usegmt=True)
    assert client.get("/calendar.ics", headers={"If-Modified-Since": older}).status_code == 200
    assert client.get("/calendar.ics", headers={"If-Modified-Since": "garbage"}).status_code == 200

    # Another language or another feed is another representation.
    assert client.get("/calendar.ics?lang=en").headers["etag"] != etag
    assert client.get("/calendar/regular_conference.ics").headers["etag"] != etag
    # The same data gives the same bytes.
    assert client.get("/calendar.ics").content == r.content

    postpone(db, briefing, day_of(briefing) + timedelta(days=3), "Thay đổi kế hoạch")
    changed = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.content != r.content
    assert client.get("/calendar.ics", headers={"If-Modified-Since": older}).status_code == 200


def test_conditional_get_of_one_briefing(client: TestClient, db: Session) -> None:
    briefing = make_briefing(db, announced=True)
    url = f"/briefings/{briefing.id}.ics"
    etag = client.get(url).headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    cancel(db, briefing, "Hủy do bão")
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag
    assert str(events_by_uid(Calendar.from_ical(r.content))[briefing.uid]["STATUS"]) == (
        "CANCELLED"
    )


def test_announcing_another_briefing_changes_the_feed_etag(client: TestClient, db: Session) -> None:
    make_briefing(db, announced=True)
    etag = client.get("/calendar.ics").headers["etag"]
    make_briefing(db, days_ahead=20)  # planned: the feed does not change
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    make_briefing(db, announced=True, days_ahead=21)
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 200


# --- The builder alone -----------------------------------------------------------------------


def test_build_calendar_without_http() -> None:
    kind = BriefingKind(
        id=7,
        code="incident",
        name_vi="Họp báo đột xuất",
        name_en="Unscheduled press conference",
        title_pattern_vi="",
        title_pattern_en="",
    )
    at = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    briefing = Briefing(
        id=42,
        uid="fixed-uid@pressdesk",
        kind_id=7,
        title_vi="Họp báo về sự cố môi trường",
        title_en="Briefing on the environmental incident",
        starts_at=at,
        ends_at=at + timedelta(hours=1),
        status=BriefingStatus.CANCELLED,
        status_reason="Sự cố đã được khắc phục",
        announced_at=at - timedelta(days=2),
        sequence=3,
        created_at=at - timedelta(days=3),
        updated_at=at - timedelta(days=1),
    )
    args: dict[str, Any] = {
        "kinds_by_id": {7: kind},
        "base_url": "https://hopbao.quangninh.gov.vn/",
        "name": "Thử",
    }
    body = feeds.build_calendar([briefing], locale="vi", **args)
    assert body == feeds.build_calendar([briefing], locale="vi", **args)  # deterministic
    text = body.decode("utf-8")
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20261126T150000\r\n" in text
    assert "DTEND;TZID=Asia/Ho_Chi_Minh:20261126T160000\r\n" in text
    assert "DTSTAMP:20261125T080000Z\r\n" in text
    assert "SEQUENCE:3\r\n" in text
    assert "STATUS:CANCELLED\r\n" in text
    assert "UID:fixed-uid@pressdesk\r\n" in text
    event = events_by_uid(Calendar.from_ical(body))["fixed-uid@pressdesk"]
    assert str(event["URL"]) == "https://hopbao.quangninh.gov.vn/briefings/42"
    assert str(event["DESCRIPTION"]) == "Đã hủy: Sự cố đã được khắc phục"
    assert event["CATEGORIES"].cats == ["Họp báo đột xuất"]
    english = events_by_uid(
        Calendar.from_ical(feeds.build_calendar([briefing], locale="en", **args))
    )
    event_en = english["fixed-uid@pressdesk"]
    assert str(event_en["SUMMARY"]) == "Briefing on the environmental incident"
    assert str(event_en["DESCRIPTION"]) == "Cancelled: Sự cố đã được khắc phục"
    assert event_en["CATEGORIES"].cats == ["Unscheduled press conference"]
