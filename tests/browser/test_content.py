"""Browser test of department content: the office asks for content, a department uploads a PDF
with its talking points, the office returns it, the department resubmits, the office accepts it,
puts it on the agenda and downloads the briefing pack."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from app.accounts.models import Role
from app.briefings.models import BriefingInvitee
from tests.browser.conftest import LiveServer
from tests.browser.test_roles import sign_in
from tests.factories import (
    make_briefing,
    make_call,
    make_org,
    make_submission,
    make_user,
    pdf_bytes,
)

pytestmark = pytest.mark.browser


def test_department_content_from_call_to_briefing_pack(
    page: Page,
    live_server: LiveServer,
    new_context: Callable[..., BrowserContext],
    tmp_path: Path,
) -> None:
    with live_server.session() as db:
        health = make_org(db, name_vi="Sở Y tế")
        briefing = make_briefing(
            db, days_ahead=14, announced=True, title_vi="Họp báo thường kỳ tháng 12/2026"
        )
        db.add(BriefingInvitee(briefing_id=briefing.id, organisation_id=health.id))
        db.commit()
        office = make_user(db, Role.PRESS_OFFICE)
        focal = make_user(db, Role.DEPARTMENT, org=health)
        briefing_id, office_email, focal_email = briefing.id, office.email, focal.email
    report = tmp_path / "Báo cáo tiêm chủng.pdf"
    report.write_bytes(pdf_bytes("Báo cáo tiêm chủng mở rộng 10 tháng"))

    # The office opens the call: the invited Sở Y tế is chosen, the deadline comes from the kind.
    sign_in(page, office_email)
    page.goto(f"/office/briefings/{briefing_id}")
    page.get_by_role("link", name="Nội dung các đơn vị cung cấp").first.click()
    expect(page.get_by_label("Sở Y tế")).to_be_checked()
    page.get_by_label("Hướng dẫn cho các đơn vị").fill("Gửi đề cương về tiêm chủng.")
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.locator(".flash")).to_contain_text("Đã gửi đề nghị cung cấp nội dung")
    expect(page.locator(".board")).to_contain_text("Chưa có gì")

    # The department sees the call on its dashboard and prepares its content on a phone.
    dept = new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    sign_in(dept, focal_email)
    calls = dept.locator(".open-calls")
    expect(calls).to_contain_text("Họp báo thường kỳ tháng 12/2026")
    expect(calls).to_contain_text("còn")
    dept.goto("/dept/calls")
    dept.get_by_role("button", name="Soạn nội dung của đơn vị").click()
    expect(dept).to_have_url(re.compile(r"/submissions/\d+/edit$"))
    submission_url = dept.url.removesuffix("/edit")
    # A file picked first, then the text: one press of "send" carries both (the progress line
    # names the file while it goes).
    dept.locator("#f-files").set_input_files(str(report))
    dept.get_by_label("Tiêu đề").fill("Kết quả tiêm chủng mở rộng")
    dept.get_by_label("Đề cương thông tin").fill("- Tỷ lệ tiêm chủng đầy đủ đạt 97,8%")
    dept.get_by_label("Câu hỏi 1").fill("Có đủ vắc xin đến cuối năm không?")
    dept.get_by_label("Đề xuất trả lời").first.fill("Đã tiếp nhận đủ vắc xin theo kế hoạch.")
    dept.get_by_label("Người liên hệ").fill("Phòng Nghiệp vụ Y")
    # What the page shows while the request goes: the percent, the file's name, buttons that wait.
    dept.evaluate(
        """() => { window.seen = []; document.addEventListener('htmx:beforeSend', () => {
            const form = document.querySelector('.submission-form');
            window.seen.push([form.querySelector('.upload-status').textContent,
                              form.querySelector('.form-buttons button').disabled]); }); }"""
    )
    dept.get_by_role("button", name="Gửi bộ phận báo chí").click()
    expect(dept.locator(".flash")).to_contain_text("Đã gửi nội dung đến bộ phận báo chí")
    ((status, disabled),) = dept.evaluate("() => window.seen")
    assert status == "Đang gửi 0% — Báo cáo tiêm chủng.pdf" and disabled is True

    # The office returns it with a comment.
    page.reload()
    expect(page.locator(".board")).to_contain_text("Đã gửi")
    page.get_by_role("link", name="Kết quả tiêm chủng mở rộng").click()
    expect(page.locator(".talking-points")).to_contain_text("97,8%")
    expect(page.locator(".files")).to_contain_text("Báo cáo tiêm chủng.pdf")
    page.get_by_label("Đơn vị cần chỉnh sửa gì?").fill("Bổ sung số ca sốt xuất huyết.")
    page.get_by_role("button", name="Trả lại kèm ý kiến").click()
    expect(page.locator(".flash")).to_contain_text("Đã trả lại nội dung cho đơn vị")

    # The department sees the comment, adds the figure and submits again.
    dept.goto(f"{submission_url}/edit")
    expect(dept.locator(".return-comment")).to_have_text("Bổ sung số ca sốt xuất huyết.")
    points = dept.get_by_label("Đề cương thông tin")
    points.fill("- Tỷ lệ tiêm chủng đầy đủ đạt 97,8%\n- Sốt xuất huyết: 214 ca, giảm 31%")
    dept.get_by_role("button", name="Gửi bộ phận báo chí").click()
    expect(dept.locator(".flash")).to_contain_text("Đã gửi nội dung đến bộ phận báo chí")

    # The office sees what changed, accepts it and puts it on the agenda.
    page.reload()
    expect(page.locator(".role-line")).to_contain_text("gửi lại")
    page.get_by_role("link", name="Thay đổi so với phiên bản 1").click()
    expect(page.locator("#compare .diff-added")).to_contain_text("Sốt xuất huyết: 214 ca")
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator(".flash")).to_contain_text("Đã tiếp nhận nội dung")
    page.goto(f"/office/briefings/{briefing_id}/agenda")
    page.get_by_role("button", name="Đưa vào chương trình").click()
    item = page.locator(".agenda-item")
    expect(item.locator("input[name=title]")).to_have_value("Kết quả tiêm chủng mở rộng")
    expect(item.locator("input[name=presenter]")).to_have_value("Sở Y tế")
    expect(page.locator(".mini-list")).to_have_count(0)  # nothing accepted is left waiting

    # The briefing pack: the page, then the PDF with the agenda and talking points as text.
    page.goto(f"/office/briefings/{briefing_id}/pack")
    expect(page.locator("body")).to_contain_text("Sốt xuất huyết: 214 ca, giảm 31%")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải bản PDF").click()
    pdf_path = tmp_path / "pack.pdf"
    download_info.value.save_as(pdf_path)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Họp báo thường kỳ tháng 12/2026" in text
    assert "Kết quả tiêm chủng mở rộng" in text
    assert "Sốt xuất huyết: 214 ca, giảm 31%" in text
    assert "Có đủ vắc xin đến cuối năm không?" in text


def test_without_javascript_a_refused_file_keeps_the_typed_text(
    live_server: LiveServer, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    with live_server.session() as db:
        health = make_org(db, name_vi="Sở Y tế")
        briefing = make_briefing(db, days_ahead=14, announced=True, title_vi="Họp báo tháng 12")
        db.add(BriefingInvitee(briefing_id=briefing.id, organisation_id=health.id))
        db.commit()
        call = make_call(db, briefing=briefing, orgs=[health])
        sub = make_submission(db, call, health, title="")
        focal_email, sub_id = make_user(db, Role.DEPARTMENT, org=health).email, sub.id
    disguised = tmp_path / "baocao.pdf"
    disguised.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # a Windows program named .pdf

    dept = new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    sign_in(dept, focal_email)
    dept.goto(f"/submissions/{sub_id}/edit")
    dept.get_by_label("Tiêu đề").fill("Tiến độ tiêm chủng quý IV")
    dept.get_by_label("Đề cương thông tin").fill("- Đạt 98% kế hoạch")
    dept.locator("#f-files").set_input_files(str(disguised))
    dept.get_by_role("button", name="Gửi bộ phận báo chí").click()
    expect(dept.locator("#f-files-error")).to_contain_text("chọn lại tệp")
    expect(dept.get_by_label("Tiêu đề")).to_have_value("Tiến độ tiêm chủng quý IV")
    expect(dept.get_by_label("Đề cương thông tin")).to_have_value("- Đạt 98% kế hoạch")
