"""The office's pages for sudden matters over HTTP: who may open them, the forms with their
errors beside the fields (422, what was typed kept, nothing stored), the links, the correction,
closing, the running clock as text and the dashboard panel."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.incidents.models import Matter, MatterLink
from app.timeutil import utcnow
from tests.conftest import WebClient
from tests.incidents.support import agency, at, body, matter, statement
from tests.support import html, signed_in

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")


def office(web: WebClient, db: Session, role: Role = Role.PRESS_OFFICE) -> User:
    return signed_in(web, db, role, lang="en")


def form(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "art7_3",
        "title": "Sự cố tàu du lịch trên vịnh Hạ Long",
        "summary": "Tàu mắc cạn.",
        "clock_started_at": "2026-12-04T08:00",
    }
    values.update(over)
    return values


def stored(db: Session) -> list[Matter]:
    db.expire_all()
    return list(db.exec(select(Matter)).all())


def routes(matter_id: int) -> tuple[list[str], list[str]]:
    gets = [
        "/office/incidents",
        "/office/incidents/new",
        f"/office/incidents/{matter_id}",
        f"/office/incidents/{matter_id}/edit",
    ]
    posts = [
        "/office/incidents/new",
        f"/office/incidents/{matter_id}/edit",
        f"/office/incidents/{matter_id}/links",
        f"/office/incidents/{matter_id}/unlink",
        f"/office/incidents/{matter_id}/correction",
        f"/office/incidents/{matter_id}/close",
        f"/office/incidents/{matter_id}/reopen",
    ]
    return gets, posts


@pytest.mark.parametrize("role", ["anonymous", "admin", "department", "journalist"])
def test_only_the_office_and_the_spokesperson_may_use_the_pages(
    db: Session, new_web: Any, role: str
) -> None:
    m = matter(db, at(date(2026, 12, 3)))
    web = new_web()
    if role != "anonymous":
        signed_in(web, db, Role(role))
    gets, posts = routes(m.id or 0)
    for url in gets:
        r = web.get(url)
        if role == "anonymous":
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), url
        else:
            assert r.status_code == 403, url
    for url in posts:
        r = web.post(url, form(note="x", link_kind="statement", ref="1"))
        assert r.status_code == (303 if role == "anonymous" else 403), url
    assert len(stored(db)) == 1 and stored(db)[0].closed_at is None


@pytest.mark.parametrize("role", [Role.PRESS_OFFICE, Role.SPOKESPERSON])
def test_the_office_and_the_spokesperson_open_every_page(
    db: Session, web: WebClient, role: Role
) -> None:
    m = matter(db, at(date(2026, 12, 3)))
    office(web, db, role)
    gets, _posts = routes(m.id or 0)
    for url in gets:
        assert web.get(url).status_code == 200, url
    assert web.get("/office/incidents/9999").status_code == 404
    assert web.get("/office/incidents/9999/edit").status_code == 404
    assert web.post("/office/incidents/9999/close", {"note": ""}).status_code == 404


def test_a_csrf_token_is_required_to_open_a_matter(db: Session, web: WebClient) -> None:
    office(web, db)
    assert web.post("/office/incidents/new", form(), csrf=False).status_code == 403
    assert stored(db) == []


def test_opening_a_matter_shows_its_clock_as_text(db: Session, web: WebClient) -> None:
    dept = body(db)
    office(web, db)
    r = web.post("/office/incidents/new", form(organisation_ids=[str(dept.id)]))
    assert r.status_code == 303
    (m,) = stored(db)
    assert r.headers["location"] == f"/office/incidents/{m.id}"
    assert m.due_at == at(date(2026, 12, 5), 8)
    page = html(web.get(r.headers["location"]).text)
    assert page.text(".role-line .matter-clock") == "21 h 59 min left"
    assert page.one(".matter-due").text_content().strip().startswith("05/12/2026 08:00")
    assert dept.id is not None and "Test Department" in page.text(".matter-facts")


def test_a_late_matter_says_by_how_much_it_is_late(db: Session, web: WebClient) -> None:
    m = matter(db, utcnow() - timedelta(hours=26))
    signed_in(web, db, Role.PRESS_OFFICE)
    page = html(web.get(f"/office/incidents/{m.id}").text)
    assert page.all(".matter-clock[data-verdict='late']")
    web.client.cookies.set("pd_lang", "en")
    page = html(web.get(f"/office/incidents/{m.id}").text)
    assert page.text(".role-line .matter-clock") == "late by 2 h"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"clock_started_at": "2026-12-04T10:30"}, "clock_started_at"),  # in the future
        ({"clock_started_at": "2017-03-29T09:00", "kind": "art6"}, "clock_started_at"),
        ({"clock_started_at": "hôm qua"}, "clock_started_at"),
        ({"clock_started_at": "2026-06-30T09:00"}, "kind"),  # art7_3 before 1/7/2026
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "Bão\x0bsố 3"}, "title"),
        ({"kind": "art7_6"}, "agency_id"),
    ],
)
def test_bad_input_comes_back_beside_the_field_with_what_was_typed(
    db: Session, web: WebClient, over: dict[str, str], field: str
) -> None:
    office(web, db)
    r = web.post("/office/incidents/new", form(**over))
    assert r.status_code == 422
    page = html(r.text)
    assert page.texts(f"#f-{field}-error"), r.text[:2000]
    assert page.one("#f-summary").text_content() == "Tàu mắc cạn."
    typed = form(**over)["clock_started_at"]
    assert page.one("#f-clock_started_at").get("value") == typed
    assert stored(db) == []


def test_the_message_for_a_date_without_law_names_the_first_day(
    db: Session, web: WebClient
) -> None:
    office(web, db)
    r = web.post("/office/incidents/new", form(kind="art6", clock_started_at="2016-01-01T08:00"))
    assert "30/03/2017" in html(r.text).text("#f-clock_started_at-error")


def test_links_are_added_and_removed_on_the_detail_page(db: Session, web: WebClient) -> None:
    m = matter(db, at(date(2026, 12, 3), 20))
    st = statement(db, at(date(2026, 12, 4), 9), number="3/TCBC-UBND")
    office(web, db)
    r = web.post(f"/office/incidents/{m.id}/links", {"link_kind": "statement", "ref": "99/X"})
    assert r.status_code == 422
    page = html(r.text)
    assert page.texts("#f-ref-error") and page.one("#f-ref").get("value") == "99/X"
    r = web.post(
        f"/office/incidents/{m.id}/links", {"link_kind": "statement", "ref": "3/TCBC-UBND"}
    )
    assert r.status_code == 303
    page = html(web.get(f"/office/incidents/{m.id}").text)
    assert page.attrs(".matter-link", "data-id") == [str(st.id)]
    assert page.text(".matter-first") == "04/12/2026 09:00"
    assert page.all(".verdict[data-verdict='on_time']")
    r = web.post(
        f"/office/incidents/{m.id}/unlink", {"link_kind": "statement", "object_id": str(st.id)}
    )
    assert r.status_code == 303
    assert db.exec(select(MatterLink)).all() == []


def test_closing_and_reopening(db: Session, web: WebClient) -> None:
    m = matter(db, at(date(2026, 12, 3), 20))
    user = office(web, db)
    r = web.post(f"/office/incidents/{m.id}/close", {"note": "Ghi chú\x00"})
    assert r.status_code == 422 and html(r.text).texts("#f-note-error")
    assert web.post(f"/office/incidents/{m.id}/close", {"note": "Đã xong."}).status_code == 303
    assert stored(db)[0].closed_at is not None
    page = html(web.get(f"/office/incidents/{m.id}").text)
    assert page.all("form[action$='/reopen']") and not page.all("form[action$='/links']")
    assert user.full_name in page.text(".matter-closed") and "Đã xong." in page.text(
        ".matter-closed"
    )
    assert web.get(f"/office/incidents/{m.id}/edit").status_code == 200
    r = web.post(f"/office/incidents/{m.id}/edit", form(revision=str(stored(db)[0].revision)))
    assert r.status_code == 409
    assert web.post(f"/office/incidents/{m.id}/reopen").status_code == 303
    assert stored(db)[0].closed_at is None


def test_editing_keeps_the_form_on_error_and_saves(db: Session, web: WebClient) -> None:
    m = matter(db, at(date(2026, 12, 3), 20))
    office(web, db)
    page = html(web.get(f"/office/incidents/{m.id}/edit").text)
    assert page.one("#f-clock_started_at").get("value") == "2026-12-03T20:00"
    revision = page.one("input[name=revision]").get("value")
    bad = form(title="", revision=revision, clock_started_at="2026-12-03T20:00")
    r = web.post(f"/office/incidents/{m.id}/edit", bad)
    assert r.status_code == 422 and html(r.text).texts("#f-title-error")
    good = form(title="Tên mới", revision=revision, clock_started_at="2026-12-03T20:00")
    assert web.post(f"/office/incidents/{m.id}/edit", good).status_code == 303
    assert stored(db)[0].title == "Tên mới"


def test_the_correction_of_false_information_is_recorded_and_flagged(
    db: Session, web: WebClient
) -> None:
    press = agency(db)
    office(web, db)
    r = web.post(
        "/office/incidents/new",
        form(
            kind="art7_6",
            agency_id=str(press.id),
            article_title="Tin sai về vịnh Hạ Long",
            article_url="https://example.vn/a",
            article_published_on="2026-12-01",
        ),
    )
    assert r.status_code == 303, r.text[:3000]
    (m,) = stored(db)
    r = web.post(f"/office/incidents/{m.id}/correction", {"correction_expected_by": "03/12/2026"})
    assert r.status_code == 303
    page = html(web.get(f"/office/incidents/{m.id}").text)
    assert page.all(".correction-flag")
    r = web.post(
        f"/office/incidents/{m.id}/correction",
        {"correction_expected_by": "2026-12-03", "correction_published_at": "2026-12-05T08:00"},
    )
    assert r.status_code == 422 and html(r.text).texts("#f-correction_published_at-error")
    r = web.post(
        f"/office/incidents/{m.id}/correction",
        {"correction_expected_by": "2026-12-03", "correction_published_at": "2026-12-04T08:00"},
    )
    assert r.status_code == 303
    assert not html(web.get(f"/office/incidents/{m.id}").text).all(".correction-flag")


def test_the_list_filters_by_state_and_kind(db: Session, web: WebClient) -> None:
    timed = matter(db, at(date(2026, 12, 3), 20))
    several = matter(db, at(date(2026, 12, 3), 20), "art7_2")
    office(web, db)
    page = html(web.get("/office/incidents").text)
    assert set(page.attrs(".matter-row", "data-id")) == {str(timed.id), str(several.id)}
    page = html(web.get("/office/incidents?kind=art7_2").text)
    assert page.attrs(".matter-row", "data-id") == [str(several.id)]
    assert html(web.get("/office/incidents?state=closed").text).all(".matter-row") == []
    r = web.get("/office/incidents?state=all", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text and "matter-results" in r.text


def test_the_dashboard_lists_late_matters_first_and_overdue_corrections(
    db: Session, web: WebClient, new_web: Any
) -> None:
    from app.incidents import service
    from app.incidents.service import CorrectionInput
    from tests.incidents.support import OFFICE

    running = matter(db, utcnow() - timedelta(hours=2))
    late = matter(db, utcnow() - timedelta(hours=30), title="Sạt lở chưa có thông tin")
    press = matter(
        db,
        at(date(2026, 11, 20)),
        "art7_6",
        agency_id=agency(db).id,
        article_title="Tin sai",
    )
    service.record_correction(
        db,
        actor=OFFICE,
        matter_id=press.id or 0,
        data=CorrectionInput(expected_by=date(2026, 12, 1)),
    )
    office(web, db)
    page = html(web.get("/dashboard").text)
    assert page.attrs(".matters li", "data-id") == [str(late.id), str(running.id), str(press.id)]
    assert page.all(".matters-late")
    assert page.attrs(".corrections-overdue li", "data-id") == [str(press.id)]

    department = new_web()
    signed_in(department, db, Role.DEPARTMENT)
    assert not html(department.get("/dashboard").text).all(".matters-card")
