"""Signed-in pages kept per session (app/staffcache): served again only to the same session, and
never once anything has changed, the session has ended, the user was disabled or a message waits.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import text
from sqlmodel import Session

from app import timeutil
from app.accounts.models import Role, User, UserSession, UserStatus
from tests.factories import PASSWORD, make_user
from tests.support import signed_in
from tests.test_query_counts import PAGES, ask, counting

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")

KEPT_PAGES = PAGES  # the staff pages of issue 20


def sign_in(web: Any, user: User) -> None:
    assert web.login(user.email, PASSWORD).status_code == 303
    web.client.cookies.delete("pd_flash")  # the welcome message: seen, say, on another page


def office_web(db: Session, web: Any) -> User:
    user = signed_in(web, db, Role.PRESS_OFFICE)
    web.client.cookies.delete("pd_flash")
    return user


def generation(db: Session) -> int:
    db.rollback()  # a fresh read
    return int(db.exec(text("SELECT value FROM data_generation WHERE id = 1")).scalar() or 0)  # type: ignore[call-overload]


def test_every_kept_page_is_served_again_from_memory_with_one_query(
    app: Any, db: Session, web: Any
) -> None:
    office_web(db, web)
    ask(db, "Câu hỏi thứ nhất")
    for path in KEPT_PAGES:
        first = web.get(path)
        assert first.status_code == 200, path
        assert first.headers["x-cache"] == "miss"
        with counting(app.state.engine) as seen:
            again = web.get(path)
        assert again.headers["x-cache"] == "hit", path
        assert again.text == first.text
        assert len(seen) == 1, (path, seen)  # the session and the generation, together
        # The same headers as the render: private, and the security headers.
        assert again.headers["cache-control"] == first.headers["cache-control"]
        assert again.headers["content-security-policy"] == first.headers["content-security-policy"]


def test_a_change_by_anyone_shows_on_the_next_page(db: Session, web: Any) -> None:
    office_web(db, web)
    assert "Câu hỏi mới về cảng Cái Lân" not in web.get("/office/questions").text
    assert web.get("/office/questions").headers["x-cache"] == "hit"
    ask(db, "Câu hỏi mới về cảng Cái Lân")  # another person, another connection
    fresh = web.get("/office/questions")
    assert fresh.headers["x-cache"] == "miss"
    assert "Câu hỏi mới về cảng Cái Lân" in fresh.text


def test_every_commit_that_writes_moves_the_generation_once_and_a_rollback_or_a_read_not(
    db: Session,
) -> None:
    before = generation(db)
    someone = make_user(db, Role.PRESS_OFFICE)  # one commit
    assert generation(db) == before + 1
    someone.full_name = "Tên đổi rồi bỏ"
    db.add(someone)
    db.flush()  # written, then rolled back: nothing committed, nothing counted
    db.rollback()
    assert generation(db) == before + 1
    db.exec(text("UPDATE app_user SET full_name = full_name"))  # type: ignore[call-overload]
    db.commit()
    assert generation(db) == before + 2
    db.exec(text("SELECT count(*) FROM question"))  # type: ignore[call-overload]
    db.commit()
    assert generation(db) == before + 2


def test_a_session_writing_its_last_use_does_not_empty_the_pages(db: Session, web: Any) -> None:
    office_web(db, web)
    web.get("/dashboard")
    before = generation(db)
    with timeutil.clock_at(timeutil.utcnow() + timedelta(seconds=61)):
        # The last use is due to be written: the route answers (and writes it) ...
        assert web.get("/dashboard").headers["x-cache"] == "miss"
        assert generation(db) == before
        # ... and the page it rendered is served again.
        assert web.get("/dashboard").headers["x-cache"] == "hit"


def test_a_page_is_never_served_to_another_session(db: Session, new_web: Any) -> None:
    user = make_user(db, Role.PRESS_OFFICE)
    phone, laptop = new_web(), new_web()
    for browser in (phone, laptop):
        sign_in(browser, user)
    seen = phone.get("/office/statements")
    assert phone.get("/office/statements").headers["x-cache"] == "hit"
    other = laptop.get("/office/statements")
    assert other.headers["x-cache"] == "miss"
    rows = db.exec(text("SELECT csrf_token FROM user_session")).all()  # type: ignore[call-overload]
    tokens = {row.csrf_token for row in rows}
    assert len(tokens) == 2
    # Each page holds its own session's token, and only that one.
    assert len({t for t in tokens if t in seen.text}) == 1
    assert len({t for t in tokens if t in other.text}) == 1
    assert {t for t in tokens if t in seen.text} != {t for t in tokens if t in other.text}


def test_an_ended_session_or_a_disabled_user_gets_no_kept_page(
    db: Session, web: Any, new_web: Any
) -> None:
    user = office_web(db, web)
    assert web.get("/dashboard").status_code == 200
    assert web.get("/dashboard").headers["x-cache"] == "hit"
    cookie = dict(web.client.cookies)

    # The session removed (signed out on another worker): back to the login page.
    row = db.exec(text("SELECT id FROM user_session")).one()  # type: ignore[call-overload]
    db.delete(db.get(UserSession, row.id))
    db.commit()
    stranger = new_web()
    stranger.client.cookies.update(cookie)
    gone = stranger.get("/dashboard")
    assert gone.status_code == 303 and "/login" in gone.headers["location"]

    # A disabled user: the next page is refused, not served from memory.
    sign_in(web, user)
    assert web.get("/inbox").status_code == 200
    assert web.get("/inbox").headers["x-cache"] == "hit"
    found = db.get(User, user.id)
    assert found is not None
    found.status = UserStatus.DISABLED
    db.add(found)
    db.commit()
    refused = web.get("/inbox")
    assert refused.status_code == 303 and "/login" in refused.headers["location"]


def test_a_waiting_message_is_shown_not_a_kept_page(app: Any, db: Session, web: Any) -> None:
    office_web(db, web)
    web.get("/dashboard")
    assert web.get("/dashboard").headers["x-cache"] == "hit"
    message = URLSafeSerializer(app.state.settings.secret_key, salt="flash").dumps(
        [["success", "Đã gửi thông cáo để duyệt.", {}]]
    )
    web.client.cookies.set("pd_flash", message)
    shown = web.get("/dashboard")
    assert "Đã gửi thông cáo để duyệt." in shown.text
    assert shown.headers.get("x-cache") != "hit"
    web.client.cookies.delete("pd_flash")
    assert "Đã gửi thông cáo để duyệt." not in web.get("/dashboard").text


def test_a_fragment_and_the_whole_page_are_kept_apart(db: Session, web: Any) -> None:
    office_web(db, web)
    whole = web.get("/office/questions")
    part = web.get("/office/questions", headers={"HX-Request": "true"})
    assert "<html" in whole.text and "<html" not in part.text
    assert "<html" in web.get("/office/questions").text
    assert "<html" not in web.get("/office/questions", headers={"HX-Request": "true"}).text


def test_the_clock_moving_on_renders_again(db: Session, web: Any) -> None:
    office_web(db, web)
    web.get("/office/briefings")
    assert web.get("/office/briefings").headers["x-cache"] == "hit"
    with timeutil.clock_at(timeutil.utcnow() + timedelta(seconds=11)):
        assert web.get("/office/briefings").headers["x-cache"] == "miss"
    with timeutil.clock_at(timeutil.utcnow() - timedelta(seconds=30)):  # set back: not trusted
        assert web.get("/office/briefings").headers["x-cache"] == "miss"


@pytest.mark.clock("2026-12-04T23:59:58+07:00")
def test_a_page_kept_before_midnight_is_not_served_after_it(db: Session, web: Any) -> None:
    office_web(db, web)
    web.get("/dashboard")
    assert web.get("/dashboard").headers["x-cache"] == "hit"
    with timeutil.clock_at(timeutil.utcnow() + timedelta(seconds=3)):
        assert web.get("/dashboard").headers["x-cache"] == "miss"


def test_nothing_is_kept_when_the_setting_is_zero(app: Any, db: Session, web: Any) -> None:
    app.state.settings = app.state.settings.model_copy(update={"staff_page_cache_seconds": 0})
    office_web(db, web)
    web.get("/dashboard")
    assert "x-cache" not in web.get("/dashboard").headers


def test_a_kept_page_still_writes_the_sessions_last_use(app: Any, db: Session, web: Any) -> None:
    """Reading only kept pages must not let the session die of idleness."""
    app.state.settings = app.state.settings.model_copy(update={"staff_page_cache_seconds": 120})
    office_web(db, web)
    web.get("/office/questions")
    later = timeutil.utcnow() + timedelta(seconds=90)  # the last use is due (once a minute)
    with timeutil.clock_at(later):
        served = web.get("/office/questions")
    assert served.headers["x-cache"] == "hit"
    db.rollback()
    row = db.get(UserSession, db.exec(text("SELECT id FROM user_session")).one().id)  # type: ignore[call-overload]
    assert row is not None and abs((row.last_seen_at - later).total_seconds()) < 5


def test_a_burst_for_a_page_being_rendered_waits_for_that_one_render(
    app: Any, db: Session, web: Any
) -> None:
    office_web(db, web)
    cookies = dict(web.client.cookies)
    ask(db, "Câu hỏi trước đợt tải")  # nothing kept is valid now

    async def burst() -> list[Any]:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=cookies
        ) as client:
            return await asyncio.gather(*(client.get("/office/questions") for _ in range(8)))

    with counting(app.state.engine) as seen:
        answers = asyncio.run(burst())
    assert all(a.status_code == 200 for a in answers)
    assert [a.headers["x-cache"] for a in answers].count("miss") == 1
    assert len({a.text for a in answers}) == 1
    # One render (its own queries) and eight reads of the session with the generation.
    assert len([q for q in seen if "FROM question" in q]) <= 3, seen
