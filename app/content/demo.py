"""Demo department content for `pressdesk seed-demo`: a call for the next monthly press
conference, submissions in each state, a PDF attachment, and an agenda built from them."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.config import Settings
from app.content import agenda, service
from app.content.models import ContentCall
from app.content.states import Step
from app.orgs import service as orgs
from app.pdf import write_pdf
from app.storage import store_for
from app.timeutil import to_local, utcnow


@dataclass(frozen=True)
class DemoContent:
    org_code: str
    title: str
    summary: str
    talking_points: str
    key_figures: str
    qa: tuple[tuple[str, str], ...]
    contact: str
    outcome: str  # draft, submitted, returned, accepted, included
    comment: str = ""


CONTENT = (
    DemoContent(
        "SYT",
        "Kết quả tiêm chủng mở rộng và phòng chống sốt xuất huyết",
        "Tình hình tiêm chủng mở rộng 10 tháng và các biện pháp phòng chống sốt xuất huyết mùa mưa.",
        "## Tiêm chủng mở rộng\n\n"
        "- Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ đạt **97,8%**.\n"
        "- 100% trạm y tế xã, phường, đặc khu tổ chức tiêm chủng định kỳ hằng tháng.\n\n"
        "## Sốt xuất huyết\n\n"
        "- Ghi nhận 214 ca mắc, giảm 31% so với cùng kỳ; không có ca tử vong.\n"
        "- Tổ chức 3 đợt diệt bọ gậy tại các địa bàn có ổ dịch cũ.",
        "Tỷ lệ tiêm chủng đầy đủ: 97,8%\nCa sốt xuất huyết: 214 (−31%)\nTrạm y tế có bác sĩ: 100%",
        (
            (
                "Vì sao số ca sốt xuất huyết giảm mạnh so với năm trước?",
                "Do chủ động diệt bọ gậy từ đầu mùa mưa và giám sát ổ dịch cũ hằng tuần.",
            ),
            (
                "Tỉnh có đủ vắc xin cho tiêm chủng mở rộng đến cuối năm không?",
                "Đã tiếp nhận đủ vắc xin theo kế hoạch; Sở Y tế điều phối dự phòng cho các trạm y tế.",
            ),
        ),
        "Phòng Kế hoạch - Tài chính, Sở Y tế",
        "included",
    ),
    DemoContent(
        "BQLVHL",
        "Chuẩn bị mùa du lịch và quản lý tàu tham quan vịnh Hạ Long",
        "Các biện pháp bảo đảm an toàn cho khách tham quan vịnh Hạ Long trong mùa cao điểm.",
        "- Kiểm tra 100% tàu du lịch trước mùa cao điểm.\n"
        "- Mở thêm tuyến tham quan số 6 khi điều kiện thời tiết cho phép.\n"
        "- Phối hợp lực lượng cứu hộ trực 24/7 tại các điểm neo đậu.",
        "Lượt khách 10 tháng: 4,2 triệu\nTàu được kiểm tra: 482/482",
        (
            (
                "Khi có bão, việc dừng tàu tham quan được thông báo thế nào?",
                "Ban quản lý thông báo trên cổng thông tin và qua các doanh nghiệp lữ hành trước ít nhất 24 giờ.",
            ),
        ),
        "Phòng Truyền thông, Ban Quản lý vịnh Hạ Long",
        "submitted",
    ),
    DemoContent(
        "SXD",
        "Tiến độ dự án nhà ở xã hội",
        "Tình hình triển khai các dự án nhà ở xã hội trên địa bàn tỉnh.",
        "- 5 dự án đang triển khai.\n- Dự kiến hoàn thành 1.200 căn trong năm.",
        "",
        (),
        "Văn phòng Sở Xây dựng",
        "returned",
        "Đề nghị bổ sung số căn đã bàn giao và dự kiến câu hỏi về giá bán.",
    ),
    DemoContent(
        "STC",
        "Thu ngân sách nhà nước 10 tháng",
        "",
        "- Thu nội địa ước đạt ...",
        "",
        (),
        "Phòng Quản lý ngân sách, Sở Tài chính",
        "draft",
    ),
)


def _demo_pdf(item: DemoContent) -> bytes:
    lines = "".join(f"<p>{line}</p>" for line in item.key_figures.splitlines())
    html = (
        f"<html lang='vi'><head><title>{item.title}</title></head>"
        "<body style='font-family: DejaVu Sans'>"
        f"<h1>{item.title}</h1><p>{item.summary}</p>{lines}</body></html>"
    )
    return write_pdf(html)


def _next_conference(session: Session) -> Briefing | None:
    kind = briefings.kind_by_code(session, "regular_conference")
    if kind is None:
        return None
    return session.exec(
        select(Briefing)
        .where(Briefing.kind_id == kind.id, col(Briefing.starts_at) > utcnow())
        .order_by(col(Briefing.starts_at))
    ).first()


def seed_content(session: Session, settings: Settings) -> int:
    """A call for the next monthly conference with content in each state; once only."""
    if session.exec(select(ContentCall)).first() is not None:
        return 0
    briefing = _next_conference(session)
    if briefing is None or briefing.id is None:
        return 0
    office = Actor.system("seed-demo")  # acts as the press office (see Actor.is_office)
    deadline = to_local(service.default_deadline(session, briefing))
    invited = briefings.invitee_ids(session, briefing.id)
    call = service.open_call(
        session,
        actor=office,
        briefing_id=briefing.id,
        data=service.CallInput(
            organisation_ids=invited,
            deadline_day=deadline.date(),
            deadline_time=deadline.time(),
            instructions=(
                "Đề nghị các sở, ngành gửi đề cương thông tin, số liệu chính và dự kiến câu hỏi của "
                "phóng viên kèm trả lời theo lĩnh vực phụ trách."
            ),
        ),
    )
    agenda.add(
        session,
        actor=office,
        briefing_id=briefing.id,
        title="Khai mạc, giới thiệu thành phần dự họp báo",
        presenter="Văn phòng UBND tỉnh",
        minutes=5,
    )
    made = 0
    for item in CONTENT:
        org = orgs.get_by_code(session, item.org_code)
        if org is None or org.id not in invited:
            continue
        dept = Actor(None, None, "department", org.id, None)
        sub = service.start_submission(session, actor=dept, call_id=call.id or 0)
        assert sub.id is not None
        if item.outcome == "included":
            service.add_attachments(
                session,
                actor=dept,
                submission_id=sub.id,
                files=[("Bao-cao-so-lieu.pdf", io.BytesIO(_demo_pdf(item)))],
                store=store_for(settings),
                max_bytes=settings.upload_max_bytes,
                max_files=settings.upload_max_files,
            )
        content = service.SubmissionInput(
            title=item.title,
            summary=item.summary,
            talking_points=item.talking_points,
            key_figures=item.key_figures,
            qa=[{"question": q, "answer": a} for q, a in item.qa],
            contact_name=item.contact,
        )
        step = Step.SAVE if item.outcome == "draft" else Step.SUBMIT
        service.take_step(
            session, actor=dept, id=sub.id, step=step, data=service.StepInput(content=content)
        )
        if item.outcome == "returned":
            service.take_step(
                session,
                actor=office,
                id=sub.id,
                step=Step.RETURN,
                data=service.StepInput(comment=item.comment),
            )
        if item.outcome == "included":
            service.take_step(session, actor=office, id=sub.id, step=Step.ACCEPT)
            agenda.add(
                session, actor=office, briefing_id=briefing.id, submission_id=sub.id, minutes=15
            )
        made += 1
    return made
