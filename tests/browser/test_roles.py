"""What each kind of user sees in a real browser: sign in, their dashboard, language, sign out.

The pages use hx-boost (htmx 2): links and forms are sent by XHR and the body is swapped, so the
tests wait with Playwright's auto-waiting expectations, never with sleeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from app.accounts.models import Role, UserStatus
from app.orgs.models import OrgKind
from tests.browser.conftest import LiveServer
from tests.factories import PASSWORD, make_org, make_user

# 4 December 2026: the yearly report to the Ministry is due and not sent, so the office sees it.
pytestmark = [pytest.mark.browser, pytest.mark.clock("2026-12-04T10:00+07:00")]

WRONG_LOGIN_VI = "Địa chỉ email hoặc mật khẩu không đúng."
PHONE = {"width": 390, "height": 844}


OFFICE_CARDS_VI = (
    "Việc chờ tôi",  # the inbox, first: what waits for this person
    "Họp báo sắp tới",
    "Nội dung từ các sở, ngành",
    "Câu hỏi của báo chí",
    "Báo cáo năm 2026",
    "Vụ việc đột xuất",
    "Phóng viên",
)
OFFICE_CARDS_EN = (
    "Waiting for me",
    "Upcoming briefings",
    "Department content",
    "Questions from the press",
    "Yearly report 2026",
    "Sudden matters",
    "Journalists",
)


@dataclass(frozen=True)
class RoleCase:
    role: Role
    label_vi: str  # the role line under the heading
    label_en: str
    cards_vi: tuple[str, ...]  # the card headings of this role's dashboard, in page order
    cards_en: tuple[str, ...]
    org_vi: str | None = None
    org_en: str | None = None


ROLE_CASES = (
    RoleCase(
        Role.ADMIN,
        "Quản trị hệ thống",
        "Administrator",
        ("Cơ quan, đơn vị", "Người dùng", "Nhật ký hệ thống"),
        ("Organisations", "Users", "Audit log"),
    ),
    RoleCase(
        Role.PRESS_OFFICE,
        "Bộ phận giúp việc người phát ngôn",
        "Spokesperson's office",
        OFFICE_CARDS_VI,
        OFFICE_CARDS_EN,
        "Văn phòng UBND tỉnh",
        "Office of the Provincial People's Committee",
    ),
    RoleCase(
        Role.SPOKESPERSON,
        "Người phát ngôn",
        "Spokesperson",
        OFFICE_CARDS_VI,
        OFFICE_CARDS_EN,
        "Ủy ban nhân dân tỉnh",
        "Provincial People's Committee",
    ),
    RoleCase(
        Role.DEPARTMENT,
        "Cán bộ đầu mối sở, ngành",
        "Department focal officer",
        (
            "Việc chờ tôi",
            "Các buổi họp báo đơn vị được mời",
            "Yêu cầu cung cấp nội dung",
            "Câu hỏi được giao cho đơn vị",
        ),
        (
            "Waiting for me",
            "Briefings you are invited to",
            "Calls for content",
            "Questions assigned to you",
        ),
        "Sở Y tế",
        "Department of Health",
    ),
    RoleCase(
        Role.JOURNALIST,
        "Phóng viên",
        "Journalist",
        (
            "Việc chờ tôi",
            "Họp báo sắp tới",
            "Câu hỏi của bạn",
            "Đăng ký dự của tôi",
            "Thông tin được chia sẻ trước với bạn",
        ),
        (
            "Waiting for me",
            "Upcoming briefings",
            "Your questions",
            "My registrations",
            "Statements shared with you under embargo",
        ),
        "Thông tấn xã Việt Nam",
        "Vietnam News Agency",
    ),
)
ORG_KINDS = {
    Role.PRESS_OFFICE: OrgKind.PEOPLES_COMMITTEE,
    Role.SPOKESPERSON: OrgKind.PEOPLES_COMMITTEE,
    Role.DEPARTMENT: OrgKind.DEPARTMENT,
    Role.JOURNALIST: OrgKind.PRESS_AGENCY,
}


def add_user(server: LiveServer, case: RoleCase) -> str:
    """An active account of the case's role (a journalist verified, with a press card)."""
    email = f"{case.role.value}@example.vn"
    with server.session() as session:
        org = None
        if case.org_vi:
            org = make_org(
                session, kind=ORG_KINDS[case.role], name_vi=case.org_vi, name_en=case.org_en
            )
        make_user(
            session,
            case.role,
            email=email,
            full_name=f"Người dùng thử {case.role.value}",
            status=UserStatus.ACTIVE,
            org=org,
            press_card_number="TTX-000123" if case.role == Role.JOURNALIST else None,
        )
    return email


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill the Vietnamese sign-in form as a person would and send it."""
    page.goto("/login")
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_visible()
    page.get_by_label("Địa chỉ email").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def expect_dashboard(page: Page, server: LiveServer, case: RoleCase, *, english: bool) -> None:
    expect(page).to_have_url(f"{server.url}/dashboard")
    heading = "Dashboard" if english else "Trang làm việc"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    label, org = (case.label_en, case.org_en) if english else (case.label_vi, case.org_vi)
    role_line = page.locator(".role-line")
    expect(role_line).to_have_text(f"{label} · {org}" if org else label)
    # Exactly this role's cards: nothing meant for another role.
    cards = page.get_by_role("main").get_by_role("heading", level=2)
    expect(cards).to_have_text(list(case.cards_en if english else case.cards_vi))


def expect_signed_out(page: Page, server: LiveServer, *, english: bool) -> None:
    """Back on the home page with the sign-in link, and the dashboard asks to sign in again."""
    expect(page).to_have_url(f"{server.url}/")
    expect(page.locator(".flash")).to_have_text(
        "You have signed out." if english else "Bạn đã đăng xuất."
    )
    header = page.get_by_role("banner")
    sign_in_link = header.get_by_role("link", name="Sign in" if english else "Đăng nhập")
    expect(sign_in_link).to_be_visible()
    sign_out = header.get_by_role("button", name="Sign out" if english else "Đăng xuất")
    expect(sign_out).to_have_count(0)
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(re.escape(f"{server.url}/login") + r"(\?.*)?$"))
    expect(page.get_by_label("Mật khẩu" if not english else "Password")).to_be_visible()


@pytest.mark.parametrize("case", ROLE_CASES, ids=[c.role.value for c in ROLE_CASES])
def test_each_role_signs_in_sees_their_dashboard_in_both_languages_and_signs_out(
    page: Page, live_server: LiveServer, case: RoleCase
) -> None:
    email = add_user(live_server, case)

    sign_in(page, email)
    expect_dashboard(page, live_server, case, english=False)
    expect(page.locator(".flash")).to_contain_text("Đã đăng nhập với tên")

    page.get_by_role("button", name="English").click()
    expect_dashboard(page, live_server, case, english=True)
    expect(page.get_by_role("button", name="Tiếng Việt")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Dashboard · "))

    page.get_by_role("button", name="Sign out").click()
    expect_signed_out(page, live_server, english=True)


def test_header_forms_work_right_after_boosted_sign_in(page: Page, live_server: LiveServer) -> None:
    """The flow exactly as a person does it: sign in, switch language at once, sign out."""
    case = ROLE_CASES[0]
    email = add_user(live_server, case)
    sign_in(page, email)
    expect_dashboard(page, live_server, case, english=False)

    with page.expect_response(f"{live_server.url}/language") as answer:
        page.get_by_role("button", name="English").click()
    assert answer.value.status == 303, f"switching language answered {answer.value.status}"
    expect_dashboard(page, live_server, case, english=True)
    page.get_by_role("button", name="Sign out").click()
    expect_signed_out(page, live_server, english=True)


def test_signing_in_again_right_after_boosted_sign_out(page: Page, live_server: LiveServer) -> None:
    """One person signs out and the next signs in on the same page, without reloading it."""
    case = ROLE_CASES[3]
    email = add_user(live_server, case)
    sign_in(page, email)
    expect_dashboard(page, live_server, case, english=False)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator(".flash")).to_have_text("Bạn đã đăng xuất.")

    # The next person follows the sign-in link of the same page (boosted, no reload).
    page.get_by_role("banner").get_by_role("link", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}/login")
    page.get_by_label("Địa chỉ email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_response(f"{live_server.url}/login") as answer:
        page.get_by_role("button", name="Đăng nhập").click()
    assert answer.value.status == 303, f"signing in answered {answer.value.status}"
    expect_dashboard(page, live_server, case, english=False)


def test_switching_language_changes_the_page_language(page: Page, live_server: LiveServer) -> None:
    """Screen readers pick their voice from <html lang>: it must follow the language switch."""
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=1_000)


def test_wrong_password_shows_the_error_beside_the_form(
    page: Page, live_server: LiveServer
) -> None:
    email = add_user(live_server, ROLE_CASES[4])

    sign_in(page, email, "not-the-right-password-1")

    expect(page.get_by_role("alert")).to_contain_text(WRONG_LOGIN_VI)
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_visible()
    expect(page.get_by_label("Địa chỉ email")).to_have_value(email)
    expect(page.get_by_label("Mật khẩu")).to_have_value("")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)

    # The form still works: the right password now signs in.
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect_dashboard(page, live_server, ROLE_CASES[4], english=False)


def test_sign_in_and_out_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    case = ROLE_CASES[3]
    email = add_user(live_server, case)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, email)
        expect_dashboard(page, live_server, case, english=False)
        expect(page.locator(".flash")).to_contain_text("Đã đăng nhập với tên")
        assert page.evaluate("typeof window.htmx") == "undefined"

        page.get_by_role("button", name="English").click()
        expect_dashboard(page, live_server, case, english=True)

        page.get_by_role("button", name="Sign out").click()
        expect_signed_out(page, live_server, english=True)
    finally:
        context.close()


def watch_console(page: Page) -> list[str]:
    """Console errors, uncaught exceptions and Content-Security-Policy violations of the page."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    # Reported by the browser for every blocked load or inline script/style, also within a swap.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));"
    )
    return problems


def test_login_and_dashboard_have_no_console_error_or_csp_violation(
    page: Page, live_server: LiveServer
) -> None:
    problems = watch_console(page)
    case = ROLE_CASES[1]
    email = add_user(live_server, case)

    page.goto("/login")
    page.wait_for_load_state("networkidle")  # late errors (a blocked resource) are reported
    assert page.evaluate("typeof window.htmx") == "object"  # the page's script did run
    sign_in(page, email)  # the dashboard through hx-boost
    expect_dashboard(page, live_server, case, english=False)
    page.reload()  # and as a full page load
    expect_dashboard(page, live_server, case, english=False)
    page.wait_for_load_state("networkidle")

    csp = [p for p in problems if "CSP violation" in p or "Content Security Policy" in p]
    assert csp == []
    assert problems == []


def assert_no_horizontal_scroll(page: Page) -> None:
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert client_width <= PHONE["width"]
    assert scroll_width <= client_width, (
        f"the page scrolls sideways: {scroll_width} > {client_width}"
    )


def test_dashboard_fits_a_phone_screen(browser: Browser, live_server: LiveServer) -> None:
    case = ROLE_CASES[2]  # the office dashboard has the most cards, and a long body name
    email = add_user(live_server, case)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        sign_in(page, email)
        expect_dashboard(page, live_server, case, english=False)
        page.reload()  # a full layout of the page, as a phone loads it
        assert_no_horizontal_scroll(page)
        page.get_by_role("button", name="English").click()
        expect_dashboard(page, live_server, case, english=True)
        page.reload()
        assert_no_horizontal_scroll(page)
    finally:
        context.close()
