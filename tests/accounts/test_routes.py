"""Signing in and out, throttling, passwords, accounts and journalist checks over HTTP."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User, UserStatus
from app.main import create_app
from tests.conftest import WebClient, make_settings, page_text
from tests.factories import PASSWORD, make_org, make_user

NEW_PASSWORD = "violet-granite-ferry-2031"


def test_sign_in_sets_an_http_only_session_cookie_and_greets(db: Session, web: WebClient) -> None:
    user = make_user(db, Role.PRESS_OFFICE, full_name="Cán bộ Văn phòng")
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("pd_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = web.get("/dashboard")
    assert "Đã đăng nhập với tên Cán bộ Văn phòng." in page_text(page.text)
    assert "Đã đăng nhập" not in page_text(web.get("/dashboard").text)  # shown once


def test_wrong_password_and_unknown_email_get_the_same_answer(db: Session, web: WebClient) -> None:
    user = make_user(db, Role.ADMIN)
    wrong = web.post("/login", {"email": user.email, "password": "not-the-password"})
    unknown = web.post("/login", {"email": "nobody@example.vn", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 422
    message = "Địa chỉ email hoặc mật khẩu không đúng."
    assert message in page_text(wrong.text) and message in page_text(unknown.text)
    assert f'value="{user.email}"' in wrong.text  # the email is kept, the password is not
    assert "not-the-password" not in wrong.text


def test_repeated_failures_are_refused_with_429_and_retry_after(
    db: Session, web: WebClient, settings: Any
) -> None:
    user = make_user(db, Role.ADMIN)
    for _ in range(settings.login_max_failures_account):
        assert (
            web.post("/login", {"email": user.email, "password": "wrong-wrong-wrong"}).status_code
            == 422
        )
    r = web.post("/login", {"email": user.email, "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 60
    assert "Đăng nhập sai quá nhiều lần" in page_text(r.text)
    assert "pd_session" not in web.client.cookies


def test_lockout_is_shared_by_every_worker(
    db: Session, web: WebClient, settings: Any, tmp_path: Path
) -> None:
    """The counter is in the database: a second app process on the same database refuses too."""
    user = make_user(db, Role.ADMIN)
    for _ in range(settings.login_max_failures_account):
        web.post("/login", {"email": user.email, "password": "wrong-wrong-wrong"})
    other_worker = create_app(make_settings(settings.database_url, tmp_path))
    with TestClient(other_worker, follow_redirects=False) as c:
        second = WebClient(c)
        assert second.login(user.email, PASSWORD).status_code == 429
    other_worker.state.engine.dispose()


def test_one_address_trying_many_accounts_is_refused(db: Session, tmp_path: Path) -> None:
    settings = make_settings(
        str(db.get_bind().url.render_as_string(hide_password=False)),
        tmp_path,
        login_max_failures_address=5,
    )
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as c:
        b = WebClient(c)
        for n in range(5):
            assert (
                b.post(
                    "/login", {"email": f"guess{n}@example.vn", "password": "wrong-wrong-wrong"}
                ).status_code
                == 422
            )
        assert (
            b.post(
                "/login", {"email": "guess9@example.vn", "password": "wrong-wrong-wrong"}
            ).status_code
            == 429
        )
    app.state.engine.dispose()


def test_failures_slow_down_the_next_attempts(db: Session, tmp_path: Path) -> None:
    url = str(db.get_bind().url.render_as_string(hide_password=False))
    app = create_app(make_settings(url, tmp_path, login_delay_seconds=0.3, login_slow_after=2))
    user = make_user(db, Role.ADMIN)
    with TestClient(app, follow_redirects=False) as c:
        token = WebClient(c).csrf()
        form = {"email": user.email, "password": "wrong-wrong-wrong", "csrf_token": token}
        timings = []
        for _ in range(4):
            start = time.perf_counter()
            assert c.post("/login", data=form).status_code == 422
            timings.append(time.perf_counter() - start)
    app.state.engine.dispose()
    # Attempts 1-2 answer at once; the 3rd waits 0.3 s and the 4th 0.6 s. The quicker of the
    # first two is the yardstick, so that one slow answer on a loaded machine does not count.
    at_once = min(timings[0], timings[1])
    assert timings[2] >= at_once + 0.25
    assert timings[3] >= at_once + 0.55


def test_success_clears_the_accounts_failures(db: Session, web: WebClient, settings: Any) -> None:
    user = make_user(db, Role.ADMIN)
    for _ in range(settings.login_max_failures_account - 1):
        web.post("/login", {"email": user.email, "password": "wrong-wrong-wrong"})
    assert web.login(user.email, PASSWORD).status_code == 303
    web.logout()
    for _ in range(settings.login_max_failures_account - 1):
        web.post("/login", {"email": user.email, "password": "wrong-wrong-wrong"})
    assert web.login(user.email, PASSWORD).status_code == 303


def test_sign_out_ends_the_session_for_good(db: Session, web: WebClient) -> None:
    user = make_user(db, Role.ADMIN)
    web.login(user.email, PASSWORD)
    stolen = web.client.cookies.get("pd_session")
    r = web.logout()
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "Bạn đã đăng xuất." in page_text(web.get("/").text)
    web.client.cookies.clear()
    web.client.cookies.set("pd_session", stolen)
    assert web.get("/dashboard").status_code == 303


def test_tampered_session_cookie_is_ignored(db: Session, web: WebClient) -> None:
    user = make_user(db, Role.ADMIN)
    web.login(user.email, PASSWORD)
    value = web.client.cookies.get("pd_session")
    web.client.cookies.clear()
    web.client.cookies.set(
        "pd_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    )
    assert web.get("/dashboard").status_code == 303


def test_password_change_signs_out_other_devices(db: Session, new_web: Any) -> None:
    user = make_user(db, Role.DEPARTMENT)
    laptop, phone = new_web(), new_web()
    laptop.login(user.email, PASSWORD)
    phone.login(user.email, PASSWORD)
    r = laptop.post(
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert r.status_code == 303
    assert laptop.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 303
    assert phone.login(user.email, NEW_PASSWORD).status_code == 303


def test_bad_new_password_comes_back_with_the_message_beside_the_field(
    db: Session, web: WebClient
) -> None:
    user = make_user(db, Role.DEPARTMENT)
    web.login(user.email, PASSWORD)
    r = web.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "matkhau123456",
            "password_confirm": "matkhau123456",
        },
    )
    assert r.status_code == 422
    assert re.search(r'id="f-password-error"[^>]*>.*quá phổ biến hoặc quá dễ đoán', r.text, re.S)
    assert 'aria-describedby="f-password-hint f-password-error" aria-invalid="true"' in r.text


def test_admin_creates_account_with_one_time_password_that_must_be_changed(
    db: Session, new_web: Any
) -> None:
    admin = make_user(db, Role.ADMIN)
    dept = make_org(db, name_vi="Sở Y tế")
    a = new_web()
    a.login(admin.email, PASSWORD)
    r = a.post(
        "/admin/users/new",
        {
            "email": "dau.moi@syt.vn",
            "full_name": "Cán bộ đầu mối",
            "role": "department",
            "organisation_id": str(dept.id),
        },
    )
    assert r.status_code == 200
    temporary = re.search(r"<code>([a-z0-9-]{19})</code>", r.text).group(1)
    newcomer = new_web()
    assert newcomer.login("dau.moi@syt.vn", temporary).headers["location"] == "/account/password"
    assert newcomer.get("/dashboard").status_code == 200  # shows the reminder
    assert "Đặt mật khẩu mới" in page_text(newcomer.get("/dashboard").text)
    r = newcomer.post(
        "/account/password",
        {"current_password": temporary, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert r.status_code == 303
    db.expire_all()
    assert (
        db.exec(select(User).where(User.email == "dau.moi@syt.vn")).one().must_change_password
        is False
    )


def test_admin_form_errors_keep_values(db: Session, web: WebClient) -> None:
    admin = make_user(db, Role.ADMIN)
    web.login(admin.email, PASSWORD)
    r = web.post(
        "/admin/users/new",
        {
            "email": "bad",
            "full_name": "Tên <b>giữ</b>",
            "role": "department",
            "organisation_id": "",
        },
    )
    assert r.status_code == 422
    text = page_text(r.text)
    assert "Hãy nhập địa chỉ email hợp lệ" in text
    assert "Hãy chọn cơ quan, đơn vị của cán bộ đầu mối." in text
    assert 'value="Tên &lt;b&gt;giữ&lt;/b&gt;"' in r.text  # kept, and escaped


def test_admin_reset_and_disable(db: Session, new_web: Any) -> None:
    admin = make_user(db, Role.ADMIN)
    target = make_user(db, Role.PRESS_OFFICE)
    a, t = new_web(), new_web()
    a.login(admin.email, PASSWORD)
    t.login(target.email, PASSWORD)
    r = a.post(f"/admin/users/{target.id}/reset-password")
    assert r.status_code == 200 and "Đã cấp lại mật khẩu" in page_text(r.text)
    assert t.get("/dashboard").status_code == 303  # signed out everywhere
    r = a.post(f"/admin/users/{target.id}/disable")
    assert r.status_code == 303
    assert "Đã khóa" in page_text(a.get(f"/admin/users/{target.id}").text)
    temporary = re.search(
        r"<code>([a-z0-9-]{19})</code>", a.post(f"/admin/users/{target.id}/reset-password").text
    ).group(1)
    refused = t.login(target.email, temporary)
    assert refused.status_code == 422 and "Tài khoản này đã bị khóa." in page_text(refused.text)


def test_journalist_registers_waits_and_is_verified(db: Session, new_web: Any) -> None:
    agency = make_org(db, kind="press_agency", name_vi="Báo Thử Nghiệm")
    office = make_user(db, Role.PRESS_OFFICE)
    j = new_web()
    form = j.get("/register")
    assert "Báo Thử Nghiệm" in form.text
    r = j.post(
        "/register",
        {
            "full_name": "Phóng viên A",
            "email": "pva@baothu.vn",
            "organisation_id": str(agency.id),
            "press_card_number": "BTN-01",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/register/received"
    assert "Đã nhận đăng ký" in page_text(j.get("/register/received").text)
    j.login("pva@baothu.vn", NEW_PASSWORD)
    assert "Đăng ký của bạn đang chờ xác minh" in page_text(j.get("/dashboard").text)

    o = new_web()
    o.login(office.email, PASSWORD)
    assert "Có 1 đăng ký đang chờ xác minh." in page_text(o.get("/dashboard").text)
    journalist = db.exec(select(User).where(User.email == "pva@baothu.vn")).one()
    r = o.post(f"/office/journalists/{journalist.id}/reject", {"reason": ""})
    assert r.status_code == 422 and "Hãy nêu lý do" in page_text(r.text)
    o.post(f"/office/journalists/{journalist.id}/reject", {"reason": "Số thẻ không khớp"})
    text = page_text(j.get("/dashboard").text)
    assert "Đăng ký của bạn chưa được chấp nhận" in text and "Số thẻ không khớp" in text
    o.post(f"/office/journalists/{journalist.id}/verify")
    text = page_text(j.get("/dashboard").text)
    assert "Câu hỏi của bạn" in text and "chờ xác minh" not in text
    db.expire_all()
    assert db.get(User, journalist.id).status == UserStatus.ACTIVE


def test_registration_errors_are_shown_beside_fields(web: WebClient, db: Session) -> None:
    r = web.post(
        "/register",
        {
            "full_name": "",
            "email": "x",
            "organisation_id": "999999",
            "press_card_number": "",
            "password": "short",
            "password_confirm": "short",
        },
    )
    assert r.status_code == 422
    for field in ("full_name", "email", "organisation_id", "press_card_number", "password"):
        assert f'id="f-{field}-error"' in r.text, field
    assert db.exec(select(User)).first() is None


def test_dashboards_differ_by_role(db: Session, new_web: Any) -> None:
    expected = {
        Role.ADMIN: "Nhật ký hệ thống",
        Role.PRESS_OFFICE: "Câu hỏi của báo chí",
        Role.SPOKESPERSON: "Họp báo sắp tới",
        Role.DEPARTMENT: "Yêu cầu cung cấp nội dung",
        Role.JOURNALIST: "Câu hỏi của bạn",
    }
    for role, text in expected.items():
        b = new_web()
        b.login(make_user(db, role).email, PASSWORD)
        page = page_text(b.get("/dashboard").text)
        assert text in page, role
        others = {t for r, t in expected.items() if r != role and t not in ("Họp báo sắp tới",)} - {
            text
        }
        if role in (Role.PRESS_OFFICE, Role.SPOKESPERSON):
            others -= {"Câu hỏi của báo chí"}
        assert not any(t in page for t in others if t != "Câu hỏi của báo chí"), role


def test_menu_shows_only_what_the_role_can_use(db: Session, new_web: Any) -> None:
    def menu(b: WebClient) -> str:
        html = b.get("/dashboard").text
        return re.search(r'<nav class="wrap main-nav".*?</nav>', html, re.S).group(0)

    admin, office, dept = new_web(), new_web(), new_web()
    admin.login(make_user(db, Role.ADMIN).email, PASSWORD)
    office.login(make_user(db, Role.PRESS_OFFICE).email, PASSWORD)
    dept.login(make_user(db, Role.DEPARTMENT).email, PASSWORD)
    assert "/admin/audit" in menu(admin) and "/office/journalists" not in menu(admin)
    assert "/office/journalists" in menu(office) and "/admin/" not in menu(office)
    assert "/admin/" not in menu(dept) and "/office/" not in menu(dept)
