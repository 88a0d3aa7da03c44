"""The audit log admin page: showing events, filtering, paging, HTMX fragment, access."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.orgs import service as orgs
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_org, make_user

PAGE = "/admin/audit"
HTMX = {"HX-Request": "true"}
BASE = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
NON_ADMIN_ROLES = [Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.DEPARTMENT, Role.JOURNALIST]


def sign_in(web: WebClient, db: Session, role: Role = Role.ADMIN, **over: Any) -> WebClient:
    user = make_user(db, role=role, **over)
    assert web.login(user.email, PASSWORD).status_code == 303
    return web


@pytest.fixture
def admin(web: WebClient, db: Session) -> WebClient:
    return sign_in(web, db, email="quantri@example.vn")


def add_event(db: Session, **over: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "at": BASE,
        "actor_user_id": 900,
        "actor_email": "nguoi.khac@example.vn",
        "actor_role": "press_office",
        "action": "journalist.verified",
        "object_type": "app_user",
        "object_id": "12",
        "summary": "",
        "client_address": "203.0.113.5",
    }
    values.update(over)
    event = AuditEvent(**values)
    db.add(event)
    db.commit()
    return event


def results(html: str) -> str:
    start = html.index('<div id="audit-results">')
    return html[start:]


def shown_summaries(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(ev-[^<]*)</td>", results(html))


def test_admin_sees_the_events_with_who_what_when_and_where(admin: WebClient, db: Session) -> None:
    add_event(
        db,
        at=datetime(2025, 3, 9, 17, 30, tzinfo=UTC),
        summary="ev-verified Nguyễn Văn A",
        object_id="12",
    )

    r = admin.get(PAGE)

    assert r.status_code == 200
    assert "<h1>Nhật ký hệ thống</h1>" in r.text
    text = page_text(results(r.text))
    assert "10/03/2025 00:30" in text  # shown in Hà Nội time
    assert "nguoi.khac@example.vn Bộ phận giúp việc người phát ngôn" in text
    assert "Phóng viên · đã xác minh" in text and "journalist.verified" not in text
    assert 'title="journalist.verified"' in r.text  # the code, for searching
    assert "Tài khoản #12" in text
    assert "ev-verified Nguyễn Văn A" in text
    assert "203.0.113.5" in text
    # The admin's own sign-in is in the log too.
    assert "Đăng nhập · đã đăng nhập" in text and "quantri@example.vn" in text
    assert "2 sự kiện" in text


def test_changes_made_in_the_admin_pages_appear_in_the_log(admin: WebClient, db: Session) -> None:
    form = {
        "code": "SMOI",
        "kind": "department",
        "name_vi": "Sở Mới",
        "name_en": "New",
        "valid_from": "2025-03-01",
    }
    location = admin.post("/admin/organisations", form).headers["location"]
    org_id = location.rsplit("/", 1)[1]

    r = admin.get(PAGE, params={"object_type": "organisation", "object_id": org_id})

    text = page_text(results(r.text))
    assert "Cơ quan, đơn vị · đã tạo" in text
    assert f"Cơ quan, đơn vị #{org_id}" in text
    assert "SMOI: Sở Mới" in text
    assert "quantri@example.vn" in text
    assert "1 sự kiện" in text
    assert "session.login" not in text


def test_filter_by_person_email(admin: WebClient, db: Session) -> None:
    add_event(db, actor_email="an@syt.example.vn", summary="ev-an")
    add_event(db, actor_email="binh@stc.example.vn", summary="ev-binh")

    r = admin.get(PAGE, params={"person": "SYT.example"})

    assert shown_summaries(r.text) == ["ev-an"]
    assert 'value="SYT.example"' in r.text  # the filter keeps what was typed


def test_filter_by_person_number(admin: WebClient, db: Session) -> None:
    add_event(db, actor_user_id=901, actor_email="x@example.vn", summary="ev-901")
    add_event(db, actor_user_id=902, actor_email="y@example.vn", summary="ev-902")

    assert shown_summaries(admin.get(PAGE, params={"person": "902"}).text) == ["ev-902"]


def test_filter_by_object(admin: WebClient, db: Session) -> None:
    add_event(db, object_type="organisation", object_id="5", summary="ev-org5")
    add_event(db, object_type="organisation", object_id="6", summary="ev-org6")
    add_event(db, object_type="app_user", object_id="5", summary="ev-user5")

    by_type = admin.get(PAGE, params={"object_type": "organisation"}).text
    by_both = admin.get(PAGE, params={"object_type": "organisation", "object_id": "5"}).text

    assert shown_summaries(by_type) == ["ev-org6", "ev-org5"]
    assert shown_summaries(by_both) == ["ev-org5"]
    assert '<option value="organisation" selected>' in by_both
    assert '<option value="app_user">' in by_both


def test_filter_by_local_dates(admin: WebClient, db: Session) -> None:
    add_event(db, at=datetime(2025, 3, 9, 16, 59, tzinfo=UTC), summary="ev-9-march")
    add_event(db, at=datetime(2025, 3, 9, 17, 1, tzinfo=UTC), summary="ev-10-march-early")
    add_event(db, at=datetime(2025, 3, 10, 16, 59, tzinfo=UTC), summary="ev-10-march-late")
    add_event(db, at=datetime(2025, 3, 10, 17, 1, tzinfo=UTC), summary="ev-11-march")

    one_day = admin.get(PAGE, params={"date_from": "2025-03-10", "date_to": "2025-03-10"}).text
    typed = admin.get(PAGE, params={"date_from": "10/03/2025", "date_to": "10/03/2025"}).text

    assert shown_summaries(one_day) == ["ev-10-march-late", "ev-10-march-early"]
    assert shown_summaries(typed) == ["ev-10-march-late", "ev-10-march-early"]


def test_no_match_says_so(admin: WebClient, db: Session) -> None:
    r = admin.get(PAGE, params={"person": "nobody-at-all"})
    text = page_text(results(r.text))
    assert "Không có sự kiện nào phù hợp với bộ lọc." in text
    assert "0 sự kiện" in text


def test_pages_of_fifty_newest_first(admin: WebClient, db: Session) -> None:
    for i in range(55):
        add_event(
            db, at=BASE + timedelta(minutes=i), object_type="statement", summary=f"ev-{i:02d}"
        )

    first = admin.get(PAGE, params={"object_type": "statement"}).text
    second = admin.get(PAGE, params={"object_type": "statement", "page": "2"}).text

    assert shown_summaries(first) == [f"ev-{i:02d}" for i in range(54, 4, -1)]
    assert shown_summaries(second) == [f"ev-{i:02d}" for i in range(4, -1, -1)]
    assert "55 sự kiện" in page_text(first)
    assert "Trang 1/2" in page_text(first) and "Trang 2/2" in page_text(second)
    assert 'href="?object_type=statement&amp;page=2"' in first
    assert 'href="?object_type=statement&amp;page=1"' in second


def test_htmx_filter_gets_only_the_results(admin: WebClient, db: Session) -> None:
    add_event(db, actor_email="an@example.vn", summary="ev-an")
    add_event(db, actor_email="binh@example.vn", summary="ev-binh")

    r = admin.get(PAGE, params={"person": "binh"}, headers=HTMX)

    assert r.status_code == 200
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<div id="audit-results">')
    assert "<form" not in r.text
    assert shown_summaries(r.text) == ["ev-binh"]


def test_boosted_navigation_gets_the_whole_page(admin: WebClient, db: Session) -> None:
    r = admin.get(PAGE, headers={**HTMX, "HX-Boosted": "true"})
    assert "<html" in r.text and "<form" in r.text and 'id="audit-results"' in r.text


def test_summaries_are_escaped(admin: WebClient, db: Session) -> None:
    make_org(db, code="XSS", name_vi="<script>alert(1)</script>")
    org = orgs.get_by_code(db, "XSS")
    assert org is not None
    orgs.retire(db, actor=Actor.system("test"), org_id=org.id or 0, last_day=date(2025, 1, 1))

    html = admin.get(PAGE).text

    assert "<script>alert(1)</script>" not in html
    assert "XSS: &lt;script&gt;alert(1)&lt;/script&gt; (01/01/2025)" in html


@pytest.mark.parametrize("role", NON_ADMIN_ROLES, ids=lambda r: r.value)
def test_other_roles_cannot_read_the_log(web: WebClient, db: Session, role: Role) -> None:
    add_event(db, summary="ev-secret")
    sign_in(web, db, role)

    for headers in ({}, HTMX):
        r = web.get(PAGE, headers=headers)
        assert r.status_code == 403
        assert "ev-secret" not in r.text
        assert "Bạn không có quyền truy cập trang này" in r.text


def test_anonymous_visitor_is_sent_to_sign_in(web: WebClient, db: Session) -> None:
    add_event(db, summary="ev-secret")
    r = web.get(PAGE, params={"person": "an"})
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fadmin%2Faudit%3Fperson%3Dan"
