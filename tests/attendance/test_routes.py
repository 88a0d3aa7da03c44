"""Registering to attend, as people see it: the journalist's pages, the office's list, its export
and sign-in sheet, who may open what, and the messages when the room is full or closed."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from app.accounts.models import Role, UserStatus
from app.attendance import service
from app.attendance.models import Registration, RegistrationStatus
from app.briefings.models import Briefing
from app.config import Settings
from app.notifications import service as notifications
from app.notifications.models import OutboxMessage
from app.orgs.models import OrgKind
from app.timeutil import to_local, utcnow
from tests.conftest import WebClient, make_settings
from tests.factories import PASSWORD, make_briefing, make_org, make_user
from tests.support import actor_of, as_sender, html

BASE = "https://baochi.quangninh.gov.vn"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """E-mail on (nothing is sent: the sender does not run in tests), links to the public site."""
    return make_settings(
        database_url,
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=2525,
        smtp_security="none",
        public_base_url=BASE + "/",
    )


def person(new_web: Any, db: Session, role: Role | None, **over: Any) -> tuple[WebClient, Any]:
    web = new_web()
    if role is None:
        return web, None
    if role == Role.JOURNALIST:
        over.setdefault(
            "org", make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Đài Truyền hình Việt Nam")
        )
        over.setdefault("press_card_number", "VTV-001")
    user = make_user(db, role, **over)
    assert web.login(user.email, PASSWORD).status_code == 303
    return web, user


def register(web: WebClient, b: Briefing, mode: str = "in_person", crew: str = "") -> Any:
    return web.post(f"/briefings/{b.id}/attendance", {"mode": mode, "crew": crew})


# --- The "done when" ---------------------------------------------------------------


def test_a_journalist_registers_is_confirmed_and_appears_on_the_exported_list(
    new_web: Any, db: Session, settings: Settings
) -> None:
    b = make_briefing(db, announced=True, title_vi="Họp báo thường kỳ quý IV", venue="Hội trường A")
    office, _ = person(new_web, db, Role.PRESS_OFFICE)
    r = office.post(f"/office/briefings/{b.id}/attendance/settings", {"capacity": "20"})
    assert r.status_code == 303
    web, j = person(new_web, db, Role.JOURNALIST, full_name="Phóng viên VTV (thử)")

    r = register(web, b, "in_person", "Quay phim (thử)\nÂm thanh (thử)")
    assert r.status_code == 303 and r.headers["location"] == f"/briefings/{b.id}/attendance"
    page = html(web.get(r.headers["location"]).text)
    assert "Bạn đã đăng ký dự: Trực tiếp." in page.text(".attendance-status")

    # The confirmation: in the app, and by e-mail with the link to the calendar event.
    notices = html(web.get("/notices").text).text()
    assert "Bạn đã đăng ký dự “Họp báo thường kỳ quý IV”" in notices
    assert as_sender(notifications.mail_notices, db, settings, utcnow()) == 1
    (mail,) = db.exec(select(OutboxMessage)).all()
    assert mail.to_address == j.email and "Họp báo thường kỳ quý IV" in mail.subject
    assert f"{BASE}/briefings/{b.id}/attendance.ics" in mail.text_body
    assert f'href="{BASE}/briefings/{b.id}/attendance.ics"' in mail.html_body

    # The event is the briefing's own (same UID as its public calendar file).
    r = web.get(f"/briefings/{b.id}/attendance.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert r.headers["content-disposition"].startswith("attachment")
    (event,) = Calendar.from_ical(r.content).walk("VEVENT")
    (public,) = Calendar.from_ical(web.get(f"/briefings/{b.id}.ics").content).walk("VEVENT")
    assert str(event["UID"]) == str(public["UID"]) == b.uid
    assert "Quay phim (thử)" in str(event["DESCRIPTION"])

    # The office's list, and the spreadsheet it downloads.
    listing = html(office.get(f"/office/briefings/{b.id}/attendance").text)
    assert "Phóng viên VTV (thử)" in listing.text(".attendance-list")
    r = office.get(f"/office/briefings/{b.id}/attendance.xlsx")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment")
    assert r.headers["x-content-type-options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["STT", "Tên", "Cơ quan báo chí", "Thẻ nhà báo", "Hình thức dự"]
    assert rows[1][1:5] == [
        "Phóng viên VTV (thử)",
        "Đài Truyền hình Việt Nam",
        "VTV-001",
        "Trực tiếp",
    ]
    assert rows[1][5] == "Quay phim (thử)\nÂm thanh (thử)"
    assert rows[1][7] == "Đã đăng ký"


# --- Who may open what -------------------------------------------------------------------------

PEOPLE: dict[str, tuple[Role | None, dict[str, Any]]] = {
    "anonymous": (None, {}),
    "pending": (Role.JOURNALIST, {"status": UserStatus.PENDING}),
    "journalist": (Role.JOURNALIST, {}),
    "department": (Role.DEPARTMENT, {}),
    "press_office": (Role.PRESS_OFFICE, {}),
    "spokesperson": (Role.SPOKESPERSON, {}),
    "admin": (Role.ADMIN, {}),
}
JOURNALIST_ONLY = {"journalist"}
OFFICE_ONLY = {"press_office", "spokesperson"}
ROUTES = [
    ("GET", "/briefings/{b}/attendance", JOURNALIST_ONLY),
    ("POST", "/briefings/{b}/attendance", JOURNALIST_ONLY),
    ("GET", "/briefings/{b}/attendance.ics", JOURNALIST_ONLY),
    ("POST", "/briefings/{b}/attendance/cancel", JOURNALIST_ONLY),
    ("GET", "/attendance", JOURNALIST_ONLY),
    ("GET", "/office/briefings/{b}/attendance", OFFICE_ONLY),
    ("POST", "/office/briefings/{b}/attendance/settings", OFFICE_ONLY),
    ("POST", "/office/briefings/{b}/attendance/{r}/refuse", OFFICE_ONLY),
    ("GET", "/office/briefings/{b}/attendance.xlsx", OFFICE_ONLY),
    ("GET", "/office/briefings/{b}/attendance/sign-in", OFFICE_ONLY),
]


@pytest.mark.parametrize("who", list(PEOPLE))
def test_each_route_lets_in_only_its_people(new_web: Any, db: Session, who: str) -> None:
    b = make_briefing(db, announced=True)
    role, over = PEOPLE[who]
    web, user = person(new_web, db, role, **over)
    owner = user if who == "journalist" else make_user(db, Role.JOURNALIST)
    assert b.id is not None
    reg = service.register(
        db, actor=actor_of(owner), briefing_id=b.id, data=service.RegistrationInput("online")
    )
    for method, path, allowed in ROUTES:
        url = path.format(b=b.id, r=reg.id)
        if method == "GET":
            r = web.get(url)
        else:
            data = {"mode": "online", "capacity": "", "reason": "Không đúng đối tượng"}
            r = web.post(url, data)
        if who in allowed:
            assert r.status_code in (200, 303), (who, method, url, r.status_code)
        elif who == "anonymous":
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
        else:
            assert r.status_code == 403, (who, method, url, r.status_code)
    db.expire_all()
    unchanged = db.get(Registration, reg.id)
    assert unchanged is not None
    if who not in OFFICE_ONLY:  # nobody else refused it
        assert unchanged.refusal_reason == ""


def test_a_journalist_has_no_calendar_event_of_a_briefing_they_did_not_register_for(
    new_web: Any, db: Session
) -> None:
    b = make_briefing(db, announced=True)
    web, _ = person(new_web, db, Role.JOURNALIST)
    assert web.get(f"/briefings/{b.id}/attendance.ics").status_code == 404
    unannounced = make_briefing(db)
    assert web.get(f"/briefings/{unannounced.id}/attendance").status_code == 404


@pytest.mark.parametrize(
    ("who", "selector", "says"),
    [
        ("anonymous", ".attendance-why a", "Đăng nhập"),
        ("pending", ".attendance-why", "đang chờ văn phòng người phát ngôn xác minh"),
        ("journalist", "#attendance-link", "Đăng ký dự"),
        ("department", ".attendance-why", "Phóng viên đã xác minh đăng ký dự tại đây."),
    ],
)
def test_the_briefing_page_says_who_may_register_and_how(
    new_web: Any, db: Session, who: str, selector: str, says: str
) -> None:
    b = make_briefing(db, announced=True)
    role, over = PEOPLE[who]
    web, _ = person(new_web, db, role, **over)
    page = html(web.get(f"/briefings/{b.id}").text)
    assert says in page.text(selector)
    if who != "journalist":
        assert page.all("#attendance-link") == []
    if who == "anonymous":
        assert page.attrs(".attendance-why a", "href")[0].startswith("/login?next=")


# --- Full, closed, and wrong values ------------------------------------------------------------


def test_a_full_room_and_a_closed_registration_are_said_and_refused(
    new_web: Any, db: Session
) -> None:
    b = make_briefing(db, announced=True)
    office, _ = person(new_web, db, Role.PRESS_OFFICE)
    assert (
        office.post(f"/office/briefings/{b.id}/attendance/settings", {"capacity": "1"}).status_code
        == 303
    )
    first, _ = person(new_web, db, Role.JOURNALIST)
    second, other = person(new_web, db, Role.JOURNALIST)
    assert register(first, b).status_code == 303

    page = html(second.get(f"/briefings/{b.id}/attendance").text)
    assert "Hội trường đã hết chỗ" in page.text(".attendance-full")
    r = register(second, b)
    assert r.status_code == 422
    assert "Hội trường đã hết chỗ" in html(r.text).text("#f-mode-error")
    assert register(second, b, "online").status_code == 303

    closes = to_local(utcnow() - timedelta(minutes=1))
    r = office.post(
        f"/office/briefings/{b.id}/attendance/settings",
        {
            "capacity": "1",
            "closes_day": closes.date().isoformat(),
            "closes_time": closes.strftime("%H:%M"),
        },
    )
    assert r.status_code == 303
    page = html(second.get(f"/briefings/{b.id}/attendance").text)
    assert "Đăng ký đã đóng lúc" in page.text(".attendance-closed")
    assert page.all("form.attendance-form") == [] and page.all("form.attendance-cancel") == []
    r = second.post(f"/briefings/{b.id}/attendance/cancel")
    assert r.status_code == 422 and "Đăng ký đã đóng lúc" in html(r.text).text(".error-summary")
    reg = service.registration_of(db, b.id or 0, other.id)
    assert reg is not None and reg.status == RegistrationStatus.REGISTERED


def test_wrong_values_come_back_with_the_message_beside_the_field(
    new_web: Any, db: Session
) -> None:
    b = make_briefing(db, announced=True)
    web, j = person(new_web, db, Role.JOURNALIST)
    r = register(web, b, "online", "Quay phim")
    assert r.status_code == 422
    page = html(r.text)
    assert "Chỉ ghi thành viên ê-kíp khi dự trực tiếp" in page.text("#f-crew-error")
    assert page.one("#f-crew").text == "Quay phim"
    assert page.one("title").text_content().startswith("Lỗi:")

    office, _ = person(new_web, db, Role.PRESS_OFFICE)
    r = office.post(f"/office/briefings/{b.id}/attendance/settings", {"capacity": "nhiều"})
    assert r.status_code == 422 and "số nguyên" in html(r.text).text("#f-capacity-error")

    assert register(web, b).status_code == 303
    reg = service.registration_of(db, b.id or 0, j.id)
    assert reg is not None
    r = office.post(f"/office/briefings/{b.id}/attendance/{reg.id}/refuse", {"reason": ""})
    assert r.status_code == 422
    assert "Nêu lý do" in html(r.text).text(f"#f-reason-{reg.id}-error")
    r = office.post(
        f"/office/briefings/{b.id}/attendance/{reg.id}/refuse", {"reason": "Sai cơ quan báo chí"}
    )
    assert r.status_code == 303
    page = html(web.get(f"/briefings/{b.id}/attendance").text)
    assert "Sai cơ quan báo chí" in page.text(".attendance-status")
    assert page.all("form.attendance-form") == []


# --- The office's sheet, the journalist's lists --------------------------------------------------


def test_the_sign_in_sheet_lists_those_coming_and_their_crew_with_a_column_to_sign(
    new_web: Any, db: Session
) -> None:
    b = make_briefing(db, announced=True)
    tv, _ = person(new_web, db, Role.JOURNALIST, full_name="Phóng viên truyền hình (thử)")
    gone, _ = person(new_web, db, Role.JOURNALIST, full_name="Phóng viên đã hủy (thử)")
    register(tv, b, "in_person", "Quay phim (thử)")
    register(gone, b, "online")
    assert gone.post(f"/briefings/{b.id}/attendance/cancel").status_code == 303
    office, _ = person(new_web, db, Role.PRESS_OFFICE)
    page = html(office.get(f"/office/briefings/{b.id}/attendance/sign-in").text)
    names = page.texts(".sign-in-table tbody tr td:nth-child(2)")
    assert names[:2] == ["Phóng viên truyền hình (thử)", "Quay phim (thử)"]
    assert "Phóng viên đã hủy (thử)" not in names
    assert page.texts(".sign-in-table th.signature") == ["Chữ ký"]
    # The office's briefing page sums it up and leads to the list.
    detail = html(office.get(f"/office/briefings/{b.id}").text)
    assert "1 người đăng ký: 1 dự trực tiếp, 0 dự trực tuyến." in detail.text("#attendance")


def test_the_journalist_sees_their_registrations_on_the_dashboard_and_their_list(
    new_web: Any, db: Session
) -> None:
    b = make_briefing(db, announced=True, title_vi="Họp báo về du lịch Hạ Long")
    web, _ = person(new_web, db, Role.JOURNALIST)
    register(web, b, "online")
    assert "Họp báo về du lịch Hạ Long" in html(web.get("/dashboard").text).text(
        ".my-registrations"
    )
    mine = html(web.get("/attendance").text)
    assert "Trực tuyến" in mine.text(".my-registrations")
    page = html(web.get(f"/briefings/{b.id}").text)
    assert "Bạn đã đăng ký dự: Trực tuyến." in page.text(".attendance-box")


def test_registration_texts_are_escaped(new_web: Any, db: Session) -> None:
    b = make_briefing(db, announced=True)
    web, _ = person(new_web, db, Role.JOURNALIST)
    assert register(web, b, "in_person", "<script>alert(1)</script>").status_code == 303
    office, _ = person(new_web, db, Role.PRESS_OFFICE)
    body = office.get(f"/office/briefings/{b.id}/attendance").text
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert db.exec(select(Registration).where(col(Registration.briefing_id) == b.id)).one()
