"""The briefings JSON API: who reads what, office changes, the lifecycle, series and versions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.briefings.models import ActionName, Briefing, BriefingSeries, BriefingStatus
from app.briefings.states import Step
from app.timeutil import LOCAL_TZ, local_today
from tests.factories import make_briefing, make_kind, make_org
from tests.orgs.test_api import api_sign_in
from tests.support import PROBLEM, problem

API = "/api/v1/briefings"
SERIES = "/api/v1/briefing-series"
Headers = dict[str, str]


def local(iso: str) -> datetime:
    """An API timestamp (ISO 8601, UTC) in local time."""
    value = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    assert value.utcoffset() == timedelta(0)
    return value.astimezone(LOCAL_TZ)


def utc_iso(day: date, at: time) -> str:
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC).isoformat()


def one_off(kind: int, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind_id": kind,
        "title_vi": "Họp báo về dự án cầu Cửa Lục 3",
        "title_en": "Press conference on the Cua Luc 3 bridge",
        "day": (local_today() + timedelta(days=14)).isoformat(),
        "start": "15:00",
        "end": "16:30",
        "venue": "Hội trường UBND tỉnh",
        "chair": "Phó Chủ tịch UBND tỉnh",
    }
    body.update(over)
    return body


def series_body(kind: int, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind_id": kind,
        "title_vi": "Họp báo định kỳ tháng {month}/{year}",
        "title_en": "Regular press conference {month}/{year}",
        "rrule": "FREQ=MONTHLY;BYDAY=-1TH",
        "dtstart": (local_today() + timedelta(days=1)).isoformat(),  # whatever the hour now
        "start_time": "15:00",
        "duration_minutes": 90,
        "holiday_policy": "keep",
        "venue": "Hội trường UBND tỉnh",
    }
    body.update(over)
    return body


def ids(items: list[dict[str, Any]]) -> set[int]:
    return {item["id"] for item in items}


@pytest.fixture
def signed_in(app: Any, db: Session) -> Iterator[Callable[[Role], tuple[TestClient, Headers]]]:
    """Sign in one person per role, each in their own client: (client, headers with CSRF)."""
    clients: list[TestClient] = []

    def sign_in(role: Role) -> tuple[TestClient, Headers]:
        c = TestClient(app, base_url="http://testserver", follow_redirects=False)
        clients.append(c)
        return c, api_sign_in(c, db, role)

    yield sign_in
    for c in clients:
        c.close()


@pytest.fixture
def office(
    signed_in: Callable[[Role], tuple[TestClient, Headers]],
) -> tuple[TestClient, Headers]:
    return signed_in(Role.PRESS_OFFICE)


@pytest.fixture
def kind_id(db: Session) -> int:
    kind = make_kind(db)
    assert kind.id is not None
    return kind.id


# --- Reading --------------------------------------------------------------------------------


def test_anonymous_and_journalists_see_only_announced_briefings(
    client: TestClient, db: Session, signed_in: Any
) -> None:
    announced = make_briefing(db, announced=True, days_ahead=5)
    make_briefing(db, days_ahead=6)  # planned
    journalist, _ = signed_in(Role.JOURNALIST)
    department, _ = signed_in(Role.DEPARTMENT)

    for c in (client, journalist, department):
        r = c.get(API)
        assert r.status_code == 200, r.text
        assert ids(r.json()) == {announced.id}

    body = client.get(API).json()[0]
    assert body["status"] == "announced"
    assert body["kind_code"] == "regular_conference"
    assert body["sequence"] == announced.sequence
    assert body["url"] == f"http://testserver/briefings/{announced.id}"
    assert local(body["starts_at"]).date() == local_today() + timedelta(days=5)
    assert local(body["starts_at"]).time() == time(15, 0)
    assert body["starts_at"].endswith(("Z", "+00:00"))


def test_the_office_sees_planned_briefings_too(
    db: Session, office: tuple[TestClient, Headers], signed_in: Any
) -> None:
    announced = make_briefing(db, announced=True, days_ahead=5)
    planned = make_briefing(db, days_ahead=6)
    spokesperson, _ = signed_in(Role.SPOKESPERSON)

    for c in (office[0], spokesperson):
        items = c.get(API).json()
        assert [i["id"] for i in items] == [announced.id, planned.id]
        assert [i["status"] for i in items] == ["announced", "planned"]


def test_list_filters_by_dates_kind_and_status(
    db: Session, office: tuple[TestClient, Headers]
) -> None:
    c, _ = office
    soon = make_briefing(db, days_ahead=3)
    later = make_briefing(db, days_ahead=40, announced=True)
    thematic = make_briefing(db, days_ahead=4, kind=make_kind(db, "thematic_conference"))
    today = local_today()

    def listed(**params: Any) -> set[int]:
        r = c.get(API, params=params)
        assert r.status_code == 200, r.text
        return ids(r.json())

    assert listed() == {soon.id, later.id, thematic.id}
    assert listed(to=(today + timedelta(days=3)).isoformat()) == {soon.id}
    assert listed(**{"from": (today + timedelta(days=4)).isoformat()}) == {later.id, thematic.id}
    assert listed(kind="thematic_conference") == {thematic.id}
    assert listed(kind="no_such_kind") == set()
    assert listed(status="announced") == {later.id}
    assert listed(status=["announced", "planned"]) == {soon.id, later.id, thematic.id}
    body = problem(c.get(API, params={"from": "31/12/2026"}), 422)
    assert "from" in body["errors"]


def test_a_planned_briefing_is_404_for_journalists_and_200_for_the_office(
    client: TestClient, db: Session, office: tuple[TestClient, Headers], signed_in: Any
) -> None:
    planned = make_briefing(db)
    journalist, _ = signed_in(Role.JOURNALIST)

    problem(journalist.get(f"{API}/{planned.id}"), 404)
    problem(client.get(f"{API}/{planned.id}"), 404)
    r = office[0].get(f"{API}/{planned.id}")
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["status"]) == (planned.id, "planned")
    problem(office[0].get(f"{API}/999999"), 404)


# --- Who may change -------------------------------------------------------------------------


def _changes(db: Session, kind_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Every change the API offers, on one planned briefing and one series (no occurrences)."""
    b = make_briefing(db)
    s = BriefingSeries(
        kind_id=kind_id,
        title_vi="Giao ban báo chí",
        rrule="FREQ=WEEKLY;BYDAY=FR",
        dtstart=local_today(),
        start_time=time(8, 30),
        duration_minutes=60,
    )
    db.add(s)
    db.commit()
    return [
        ("POST", API, one_off(kind_id)),
        ("PATCH", f"{API}/{b.id}", {"sequence": b.sequence, "title_vi": "Đổi"}),
        ("POST", f"{API}/{b.id}/transitions", {"action": "announce", "sequence": b.sequence}),
        ("POST", SERIES, series_body(kind_id)),
        ("PATCH", f"{SERIES}/{s.id}", {"sequence": s.sequence, "notes": "Đổi"}),
    ]


def _nothing_changed(db: Session) -> None:
    db.expire_all()
    [briefing] = db.exec(select(Briefing)).all()
    assert briefing.status == BriefingStatus.PLANNED and briefing.title_vi != "Đổi"
    [series] = db.exec(select(BriefingSeries)).all()
    assert series.notes == ""


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JOURNALIST, Role.ADMIN])
def test_departments_and_journalists_cannot_change_briefings(
    db: Session, signed_in: Any, kind_id: int, role: Role
) -> None:
    c, headers = signed_in(role)
    for method, url, body in _changes(db, kind_id):
        problem(c.request(method, url, json=body, headers=headers), 403)
    problem(c.get(SERIES), 403)
    _nothing_changed(db)


def test_anonymous_changes_are_401_problems(client: TestClient, db: Session, kind_id: int) -> None:
    csrf = client.get("/api/v1/session").json()["csrf_token"]
    for method, url, body in _changes(db, kind_id):
        r = client.request(method, url, json=body, headers={"X-CSRF-Token": csrf})
        problem(r, 401)
        assert r.headers["content-type"] == PROBLEM
    problem(client.get(SERIES), 401)
    _nothing_changed(db)


def test_a_change_without_the_csrf_header_is_refused(
    db: Session, office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    for method, url, body in _changes(db, kind_id):
        problem(c.request(method, url, json=body), 403)
        problem(c.request(method, url, json=body, headers={"X-CSRF-Token": "x" * 43}), 403)
    _nothing_changed(db)
    assert c.post(API, json=one_off(kind_id), headers=headers).status_code == 201


# --- One-off briefings ----------------------------------------------------------------------


def test_the_office_creates_a_one_off_briefing(
    db: Session, office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    orgs = [make_org(db), make_org(db)]
    day = local_today() + timedelta(days=14)

    r = c.post(
        API,
        json=one_off(kind_id, invitee_ids=[o.id for o in orgs], notes="Mang thẻ nhà báo"),
        headers=headers,
    )

    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "planned" and body["announced_at"] is None
    assert body["title_vi"] == "Họp báo về dự án cầu Cửa Lục 3"
    assert body["starts_at"].replace("Z", "+00:00") == utc_iso(day, time(15, 0))
    assert body["ends_at"].replace("Z", "+00:00") == utc_iso(day, time(16, 30))
    assert sorted(body["invitee_ids"]) == sorted(o.id for o in orgs)
    assert body["series_id"] is None and body["detached"] is False
    assert body["uid"].endswith("@pressdesk")
    assert isinstance(body["sequence"], int)
    assert local(body["content_deadline"]).date() < day  # the kind's default deadline
    assert c.get(f"{API}/{body['id']}").json() == body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "16:00", "end": "15:00"}, "end"),
        ({"day": (local_today() - timedelta(days=1)).isoformat()}, "day"),
        ({"title_vi": "  "}, "title_vi"),
        ({"kind_id": 999999}, "kind_id"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"start": "25:00"}, "start"),
        ({"day": "2026-02-30"}, "day"),
        ({"start": "15:00+07:00"}, "start"),
    ],
)
def test_invalid_briefings_are_422_problems_naming_the_field(
    db: Session,
    office: tuple[TestClient, Headers],
    kind_id: int,
    change: dict[str, Any],
    field: str,
) -> None:
    c, headers = office
    body = problem(c.post(API, json=one_off(kind_id, **change), headers=headers), 422)
    assert field in body["errors"], body
    assert db.exec(select(Briefing)).all() == []


def test_errors_are_in_the_language_asked_for(
    office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    bad = one_off(kind_id, start="16:00", end="15:00")
    en = c.post(API, json=bad, headers={**headers, "Accept-Language": "en"}).json()
    vi = c.post(API, json=bad, headers=headers).json()
    assert en["errors"] == {"end": "The briefing must finish after it starts."}
    assert en["title"] == "Please correct the highlighted fields"
    assert set(vi["errors"]) == {"end"} and vi["title"] != en["title"]


def test_patch_changes_only_the_fields_sent(
    db: Session, office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    created = c.post(API, json=one_off(kind_id), headers=headers).json()

    r = c.patch(
        f"{API}/{created['id']}",
        json={"sequence": created["sequence"], "venue": "Trung tâm Báo chí", "end": "17:00"},
        headers=headers,
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["venue"] == "Trung tâm Báo chí"
    assert local(body["ends_at"]).time() == time(17, 0)
    assert body["starts_at"] == created["starts_at"]
    assert (body["title_vi"], body["chair"]) == (created["title_vi"], created["chair"])
    assert body["sequence"] > created["sequence"]


def test_patch_with_a_stale_sequence_is_a_409_problem(
    db: Session, office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    created = c.post(API, json=one_off(kind_id), headers=headers).json()
    url = f"{API}/{created['id']}"
    first = c.patch(url, json={"sequence": created["sequence"], "notes": "A"}, headers=headers)
    assert first.status_code == 200, first.text

    second = c.patch(url, json={"sequence": created["sequence"], "notes": "B"}, headers=headers)
    late = c.post(
        f"{url}/transitions",
        json={"action": "announce", "sequence": created["sequence"]},
        headers=headers,
    )

    for r in (second, late):
        assert "detail" in problem(r, 409)
    current = c.get(url).json()
    assert (current["notes"], current["status"]) == ("A", "planned")
    assert current["sequence"] == first.json()["sequence"]
    body = problem(c.patch(url, json={"notes": "C"}, headers=headers), 422)
    assert "sequence" in body["errors"]


# --- Lifecycle ------------------------------------------------------------------------------


def test_announce_then_postpone_and_the_journalist_sees_the_change(
    db: Session, office: tuple[TestClient, Headers], signed_in: Any
) -> None:
    c, headers = office
    journalist, _ = signed_in(Role.JOURNALIST)
    planned = make_briefing(db, days_ahead=10)
    url = f"{API}/{planned.id}"
    problem(journalist.get(url), 404)

    announced = c.post(
        f"{url}/transitions",
        json={"action": "announce", "sequence": planned.sequence},
        headers=headers,
    )
    assert announced.status_code == 200, announced.text
    a = announced.json()
    assert a["status"] == "announced" and a["announced_at"]
    assert a["sequence"] > planned.sequence

    new_day = local_today() + timedelta(days=17)
    postponed = c.post(
        f"{url}/transitions",
        json={
            "action": "postpone",
            "sequence": a["sequence"],
            "reason": "Trùng lịch họp của Tỉnh ủy",
            "new_day": new_day.isoformat(),
            "new_start": "09:00",
            "new_end": "10:30",
        },
        headers=headers,
    )

    assert postponed.status_code == 200, postponed.text
    p = postponed.json()
    assert (p["status"], p["status_reason"]) == ("postponed", "Trùng lịch họp của Tỉnh ủy")
    assert local(p["starts_at"]) == datetime.combine(new_day, time(9, 0), tzinfo=LOCAL_TZ)
    assert local(p["ends_at"]).time() == time(10, 30)
    assert p["sequence"] > a["sequence"]
    seen = journalist.get(url)
    assert seen.status_code == 200, seen.text
    assert seen.json() == p
    assert planned.id in ids(journalist.get(API, params={"to": new_day.isoformat()}).json())


def test_transitions_the_status_does_not_allow_are_409_and_bad_ones_422(
    db: Session, office: tuple[TestClient, Headers]
) -> None:
    c, headers = office
    b = make_briefing(db)
    url = f"{API}/{b.id}/transitions"

    held = c.post(url, json={"action": "hold", "sequence": b.sequence}, headers=headers)
    unknown = c.post(url, json={"action": "explode", "sequence": b.sequence}, headers=headers)
    announced = c.post(url, json={"action": "announce", "sequence": b.sequence}, headers=headers)
    no_time = c.post(
        url,
        json={"action": "postpone", "sequence": announced.json()["sequence"], "reason": "x"},
        headers=headers,
    )
    no_reason = c.post(
        url, json={"action": "cancel", "sequence": announced.json()["sequence"]}, headers=headers
    )

    problem(held, 409)
    assert "action" in problem(unknown, 422)["errors"]
    assert announced.status_code == 200
    assert "new_day" in problem(no_time, 422)["errors"]
    assert "reason" in problem(no_reason, 422)["errors"]


def test_the_api_actions_are_the_lifecycle_actions() -> None:
    assert set(get_args(ActionName)) == {a.value for a in Step}


# --- Series ---------------------------------------------------------------------------------


def _last_thursday(day: date) -> bool:
    return day.weekday() == 3 and (day + timedelta(days=7)).month != day.month


def test_the_office_creates_a_monthly_series_and_lists_its_occurrences(
    db: Session, office: tuple[TestClient, Headers], signed_in: Any, kind_id: int
) -> None:
    c, headers = office

    r = c.post(SERIES, json=series_body(kind_id), headers={**headers, "Accept-Language": "en"})

    assert r.status_code == 201, r.text
    series = r.json()
    assert series["rrule"] == "FREQ=MONTHLY;BYDAY=-1TH"
    assert series["description"] == "Every month on the last Thursday, at 15:00"
    assert series["start_time"].startswith("15:00")
    assert series["generated_until"] is not None
    assert 12 <= len(series["briefing_ids"]) <= 13  # the 12-month horizon

    start, end = local_today(), date.fromisoformat(series["generated_until"])
    listed = c.get(API, params={"from": start.isoformat(), "to": end.isoformat()}).json()
    occurrences = [b for b in listed if b["series_id"] == series["id"]]
    assert [b["id"] for b in occurrences] == series["briefing_ids"]
    for b in occurrences:
        starts = local(b["starts_at"])
        assert _last_thursday(starts.date()) and starts.time() == time(15, 0)
        assert b["original_date"] == starts.date().isoformat()
        assert b["title_vi"] == f"Họp báo định kỳ tháng {starts:%m/%Y}"
        assert b["status"] == "planned"
    assert c.get(f"{SERIES}/{series['id']}", headers={"Accept-Language": "en"}).json() == series
    assert [s["id"] for s in c.get(SERIES).json()] == [series["id"]]
    journalist, _ = signed_in(Role.JOURNALIST)
    assert journalist.get(API, params={"to": end.isoformat()}).json() == []
    problem(journalist.get(f"{SERIES}/{series['id']}"), 403)


def test_a_series_from_a_simple_pattern_uses_the_kind_defaults(
    db: Session, office: tuple[TestClient, Headers]
) -> None:
    c, headers = office
    kind = make_kind(db, "weekly_information", duration_minutes=60, content_days_before=1)
    body = series_body(kind.id or 0, pattern="weekly", weekday="FR", start_time="08:30")
    del body["rrule"], body["duration_minutes"]

    r = c.post(SERIES, json=body, headers=headers)

    assert r.status_code == 201, r.text
    series = r.json()
    assert (series["rrule"], series["duration_minutes"]) == ("FREQ=WEEKLY;BYDAY=FR", 60)
    assert series["content_days_before"] == 1
    en = c.get(f"{SERIES}/{series['id']}", headers={"Accept-Language": "en"}).json()
    assert en["description"] == "Every Friday, at 08:30"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rrule": "FREQ=MONTHLY;BYDAY=XX"}, "rule"),
        ({"rrule": "FREQ=HOURLY"}, "rule"),
        ({"rrule": "FREQ=DAILY;UNTIL=20270101"}, "rule"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "rule"),
        ({"rrule": ""}, "rule"),
        ({"dtstart": "2020-01-01"}, "dtstart"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"start_time": "3pm"}, "start_time"),
        ({"weekday": "XX"}, "weekday"),
        ({"pattern": "weekly"}, "body"),  # a pattern and a rule at once
    ],
)
def test_invalid_series_are_422_problems_naming_the_field(
    db: Session,
    office: tuple[TestClient, Headers],
    kind_id: int,
    change: dict[str, Any],
    field: str,
) -> None:
    c, headers = office
    body = problem(c.post(SERIES, json=series_body(kind_id, **change), headers=headers), 422)
    assert field in body["errors"], body
    assert c.get(SERIES).json() == []


def test_a_series_without_a_rule_is_refused(
    office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    body = series_body(kind_id)
    del body["rrule"]
    assert "rule" in problem(c.post(SERIES, json=body, headers=headers), 422)["errors"]


def test_editing_a_whole_series_moves_its_occurrences_and_checks_the_sequence(
    db: Session, office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    series = c.post(SERIES, json=series_body(kind_id), headers=headers).json()
    url = f"{SERIES}/{series['id']}"

    r = c.patch(url, json={"sequence": series["sequence"], "start_time": "09:30"}, headers=headers)

    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["rrule"] == series["rrule"] and changed["venue"] == series["venue"]
    assert changed["sequence"] > series["sequence"]
    for bid in changed["briefing_ids"]:
        assert local(c.get(f"{API}/{bid}").json()["starts_at"]).time() == time(9, 30)
    stale = c.patch(url, json={"sequence": series["sequence"], "notes": "x"}, headers=headers)
    problem(stale, 409)
    problem(c.patch(f"{SERIES}/999999", json={"sequence": 1}, headers=headers), 404)


def test_editing_a_series_leaves_an_occurrence_that_has_begun_alone(
    db: Session, office: tuple[TestClient, Headers], kind_id: int
) -> None:
    """Regenerating must not make an occurrence a second time once it has begun (here: brought
    forward by hand to an hour ago), whatever the series' time says."""
    c, headers = office
    tomorrow = local_today() + timedelta(days=1)
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[tomorrow.weekday()]
    series = c.post(
        SERIES, json=series_body(kind_id, rrule=f"FREQ=WEEKLY;BYDAY={weekday}"), headers=headers
    ).json()
    first = db.get(Briefing, series["briefing_ids"][0])
    assert first is not None and first.original_date == tomorrow
    first.starts_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    first.ends_at = first.starts_at + timedelta(minutes=90)
    db.add(first)
    db.commit()
    begun = c.get(f"{API}/{first.id}").json()

    r = c.patch(
        f"{SERIES}/{series['id']}",
        json={"sequence": series["sequence"], "venue": "Trung tâm Báo chí tỉnh"},
        headers=headers,
    )

    assert r.status_code == 200, r.text
    assert r.json()["briefing_ids"] == series["briefing_ids"]
    assert c.get(f"{API}/{first.id}").json() == begun
    later = c.get(f"{API}/{series['briefing_ids'][1]}").json()
    assert later["venue"] == "Trung tâm Báo chí tỉnh"


def test_this_and_following_splits_the_series(
    db: Session, office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    old = c.post(
        SERIES,
        json=series_body(kind_id, rrule=None, pattern="weekly", weekday="TU"),
        headers=headers,
    ).json()
    first, second, third, *rest = (c.get(f"{API}/{i}").json() for i in old["briefing_ids"])

    r = c.patch(
        f"{API}/{third['id']}",
        json={
            "sequence": third["sequence"],
            "scope": "following",
            "start": "09:00",
            "end": "10:00",
            "venue": "Trung tâm Báo chí tỉnh",
        },
        headers=headers,
    )

    assert r.status_code == 200, r.text
    new = r.json()
    assert new["id"] != old["id"]
    assert new["dtstart"] == third["original_date"]
    assert (new["rrule"], new["duration_minutes"]) == ("FREQ=WEEKLY;BYDAY=TU", 60)
    assert new["briefing_ids"][0] == third["id"]
    assert {b["id"] for b in rest} <= set(new["briefing_ids"])
    for bid in new["briefing_ids"]:
        b = c.get(f"{API}/{bid}").json()
        assert b["series_id"] == new["id"]
        assert local(b["starts_at"]).time() == time(9, 0)
        assert b["venue"] == "Trung tâm Báo chí tỉnh"
    for b in (first, second):
        after = c.get(f"{API}/{b['id']}").json()
        assert (after["series_id"], after["starts_at"]) == (old["id"], b["starts_at"])
    ended = c.get(f"{SERIES}/{old['id']}").json()
    assert (
        ended["until"]
        == (date.fromisoformat(third["original_date"]) - timedelta(days=1)).isoformat()
    )
    assert ended["briefing_ids"] == [first["id"], second["id"]]


def test_this_and_following_of_a_one_off_is_a_409_problem(
    db: Session, office: tuple[TestClient, Headers]
) -> None:
    c, headers = office
    b = make_briefing(db)
    r = c.patch(
        f"{API}/{b.id}", json={"sequence": b.sequence, "scope": "following"}, headers=headers
    )
    problem(r, 409)


def test_editing_only_this_occurrence_detaches_it(
    db: Session, office: tuple[TestClient, Headers], kind_id: int
) -> None:
    c, headers = office
    series = c.post(SERIES, json=series_body(kind_id), headers=headers).json()
    second = c.get(f"{API}/{series['briefing_ids'][1]}").json()

    r = c.patch(
        f"{API}/{second['id']}",
        json={"sequence": second["sequence"], "title_vi": "Họp báo đặc biệt"},
        headers=headers,
    )

    assert r.status_code == 200, r.text
    assert (r.json()["title_vi"], r.json()["detached"]) == ("Họp báo đặc biệt", True)
    assert r.json()["series_id"] == series["id"]


# --- The API document -----------------------------------------------------------------------


def test_the_openapi_document_lists_the_briefing_paths(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        API: {"get", "post"},
        API + "/{briefing_id}": {"get", "patch"},
        API + "/{briefing_id}/transitions": {"post"},
        SERIES: {"get", "post"},
        SERIES + "/{series_id}": {"get", "patch"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    assert "BriefingPublic" in client.get("/openapi.json").json()["components"]["schemas"]
