"""Browser test of the Markdown editor on a statement: the toolbar appears (also after an htmx
navigation), its buttons and shortcuts write Markdown, a paste from Word arrives as Markdown and
is shown as a table once saved, a failed conversion falls back to the plain text, nothing breaks
the Content-Security-Policy, and without JavaScript the toolbar never shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from app.accounts.models import Role
from app.orgs.models import OrgKind
from app.statements import service
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in, watch_console
from tests.factories import make_org, make_user
from tests.statements.helpers import make_spokesperson

pytestmark = pytest.mark.browser
WORD = (Path(__file__).parent.parent / "editor" / "word_paste.html").read_text(encoding="utf-8")
PLAIN = "Thông cáo báo chí về tình hình mưa lũ tại Quảng Ninh\nSơ tán 1.250 hộ dân"

# A paste as the browser delivers one from Word: text/html and text/plain on the clipboard.
PASTE = """([html, plain]) => {
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", plain);
  const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
  const area = document.getElementById("f-body");
  area.focus();
  area.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def select(page: Page, text: str) -> None:
    """Select the first occurrence of `text` in the statement's textarea."""
    page.evaluate(
        """(text) => {
          const area = document.getElementById("f-body");
          const at = area.value.indexOf(text);
          area.focus();
          area.setSelectionRange(at, at + text.length);
        }""",
        text,
    )


def body(page: Page) -> str:
    return str(page.locator("#f-body").input_value())


def seed(live_server: LiveServer) -> tuple[str, int, int]:
    with live_server.session() as db:
        service.seed_reference(db)
        org = make_org(db, kind=OrgKind.PEOPLES_COMMITTEE, name_vi="UBND tỉnh Quảng Ninh")
        person = make_spokesperson(db, org, full_name="Người phát ngôn thử nghiệm")
        editor = make_user(db, Role.PRESS_OFFICE)
        return editor.email, org.id or 0, person.id or 0


def test_toolbar_formats_and_paste_from_word_becomes_markdown(
    page: Page, live_server: LiveServer
) -> None:
    problems = watch_console(page)
    email, org_id, person_id = seed(live_server)
    sign_in(page, email)
    expect(page).to_have_url(f"{live_server.url}/dashboard")

    # Reached through a boosted link (htmx swaps the body), the toolbar is set up all the same.
    page.goto("/office/statements")
    page.locator('main a[href="/office/statements/new"]').first.click()
    toolbar = page.get_by_role("toolbar", name="Định dạng văn bản")
    expect(toolbar).to_be_visible()
    bold = toolbar.get_by_role("button", name="Đậm")
    expect(bold).to_have_attribute("type", "button")

    # Bold wraps the selection, and again unwraps it.
    page.locator("#f-body").fill("Lễ hội Carnaval Hạ Long khai mạc ngày 30/4.")
    select(page, "Carnaval Hạ Long")
    bold.click()
    assert body(page) == "Lễ hội **Carnaval Hạ Long** khai mạc ngày 30/4."
    selected = page.evaluate(
        "() => { const a = document.getElementById('f-body');"
        " return a.value.slice(a.selectionStart, a.selectionEnd); }"
    )
    assert selected == "Carnaval Hạ Long"
    bold.click()
    assert body(page) == "Lễ hội Carnaval Hạ Long khai mạc ngày 30/4."

    # The keyboard: Ctrl+I in the text; the arrow keys along the toolbar, Enter on a button.
    select(page, "30/4")
    page.keyboard.press("Control+i")
    assert body(page) == "Lễ hội Carnaval Hạ Long khai mạc ngày *30/4*."
    page.locator("#f-body").fill("Sơ tán dân\nCấm tàu thuyền")
    select(page, "Sơ tán dân\nCấm tàu thuyền")
    bold.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(toolbar.get_by_role("button", name="Gạch đầu dòng")).to_be_focused()
    page.keyboard.press("Enter")
    assert body(page) == "- Sơ tán dân\n- Cấm tàu thuyền"

    # A paste from Word: the server's Markdown, not the browser's plain text, is inserted.
    page.locator("#f-body").fill("")
    with page.expect_response(lambda r: r.url.endswith("/editor/markdown")) as answer:
        assert page.evaluate(PASTE, [WORD, PLAIN]) is True
    assert answer.value.status == 200
    expect(page.locator("#f-body-status")).to_have_text(
        "Đã dán, giữ nguyên định dạng (tiêu đề, danh sách, bảng, liên kết)."
    )
    pasted = body(page)
    assert pasted.startswith("# Thông cáo báo chí về tình hình mưa lũ tại Quảng Ninh\n\n")
    assert "- Sơ tán 1.250 hộ dân khỏi vùng nguy hiểm" in pasted
    assert "| Đặc khu Cô Tô | 124 |" in pasted
    assert "mso-" not in pasted and "<" not in pasted

    # Saved, the statement shows the pasted table and list through the app's Markdown renderer.
    page.locator("#f-kind").select_option("press_release")
    with page.expect_response(lambda r: r.url.endswith("/office/statements/new")):
        page.locator("#f-organisation_id").select_option(str(org_id))
    page.locator("#f-spokesperson_id").select_option(str(person_id))
    assert body(page) == pasted  # the htmx reload of the choices kept the text
    page.locator("#f-title").fill("Thông cáo về mưa lũ")
    page.locator("#f-summary").fill("Tình hình mưa lũ và các biện pháp ứng phó.")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/office/statements/new")
    ) as saved:
        page.locator("main form button[name=intent][value=save] >> nth=-1").click()
    assert saved.value.status in (200, 204, 303)
    shown = page.locator(".statement-body")
    expect(shown.locator("table td").first).to_have_text("Đặc khu Cô Tô")
    expect(shown.locator("ul li").first).to_have_text("Sơ tán 1.250 hộ dân khỏi vùng nguy hiểm")
    expect(shown.locator("a[href='https://www.quangninh.gov.vn/thong-tin-mua-lu']")).to_have_count(
        1
    )

    page.wait_for_load_state("networkidle")
    assert problems == []


def test_a_failed_conversion_pastes_the_plain_text(page: Page, live_server: LiveServer) -> None:
    problems = watch_console(page)
    email, _org_id, _person_id = seed(live_server)
    sign_in(page, email)
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    page.goto("/office/statements/new")

    def refuse(route: Route) -> None:
        route.fulfill(status=503, content_type="text/html", body="<p>Bảo trì</p>")

    page.route("**/editor/markdown", refuse)
    page.locator("#f-body").fill("Mở đầu. ")
    page.evaluate(
        "() => { const a = document.getElementById('f-body'); a.focus();"
        " a.setSelectionRange(a.value.length, a.value.length); }"
    )
    plain = "Đậm\nDòng hai"
    assert page.evaluate(PASTE, ["<p><b>Đậm</b></p><p>Dòng hai</p>", plain]) is True
    expect(page.locator("#f-body-status")).to_have_text(
        "Không giữ được định dạng: đã dán phần chữ, không kèm định dạng."
    )
    assert body(page) == "Mở đầu. Đậm\nDòng hai"  # exactly as the browser would paste it
    # the 503 answer itself is reported by the browser as a failed resource
    assert [p for p in problems if "503" not in p] == []


def test_without_javascript_the_toolbar_never_shows(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    email, _org_id, _person_id = seed(live_server)
    page = new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    sign_in(page, email)
    page.goto("/office/statements/new")
    expect(page.locator("#f-body")).to_be_visible()
    expect(page.locator(".md-toolbar")).to_be_hidden()
    page.locator("#f-body").fill("**Vẫn gõ được** như trước.")
    assert body(page) == "**Vẫn gõ được** như trước."


def test_each_button_writes_its_markdown(page: Page, live_server: LiveServer) -> None:
    problems = watch_console(page)
    email, _org_id, _person_id = seed(live_server)
    sign_in(page, email)
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    page.goto("/office/statements/new")
    toolbar = page.get_by_role("toolbar", name="Định dạng văn bản")
    area = page.locator("#f-body")

    def press(name: str) -> None:
        toolbar.get_by_role("button", name=name, exact=True).click()

    area.fill("Tình hình chung\nNội dung")
    select(page, "hình")
    press("Tiêu đề")
    assert body(page) == "## Tình hình chung\nNội dung"
    press("Tiêu đề")
    assert body(page) == "Tình hình chung\nNội dung"

    select(page, "Tình hình chung\nNội dung")
    press("Đánh số")
    assert body(page) == "1. Tình hình chung\n2. Nội dung"
    press("Gạch đầu dòng")  # one kind of list replaces the other
    assert body(page) == "- Tình hình chung\n- Nội dung"

    # Nothing selected: a placeholder is inserted and selected, and typing replaces it.
    area.fill("Mở đầu ")
    area.press("End")
    press("Đậm")
    assert body(page) == "Mở đầu **chữ đậm**"
    page.keyboard.type("quan trọng")
    assert body(page) == "Mở đầu **quan trọng**"

    # A link: the address is selected to be typed over.
    area.fill("Xem Cổng thông tin tỉnh.")
    select(page, "Cổng thông tin tỉnh")
    press("Liên kết")
    page.keyboard.type("https://www.quangninh.gov.vn")
    assert body(page) == "Xem [Cổng thông tin tỉnh](https://www.quangninh.gov.vn)."

    # A table: an empty one on its own lines, or the selected cells copied from Excel.
    area.fill("Số liệu:")
    area.press("End")
    press("Bảng")
    assert body(page) == ("Số liệu:\n\n| Cột 1 | Cột 2 | Cột 3 |\n| --- | --- | --- |\n|  |  |  |")
    area.fill("Xã\tSố hộ\nĐặc khu Cô Tô\t124\n")
    select(page, "Xã\tSố hộ\nĐặc khu Cô Tô\t124\n")
    press("Bảng")
    # (a blank line after it: a line right below a table would be read as one more row)
    assert body(page) == "| Xã | Số hộ |\n| --- | --- |\n| Đặc khu Cô Tô | 124 |\n\n"

    # Ctrl+Z undoes a button like typing.
    page.keyboard.press("Control+z")
    assert body(page) == "Xã\tSố hộ\nĐặc khu Cô Tô\t124\n"
    assert problems == []
