"""Demo history for the reports: the twelve months before the demo's own briefings, so that the
dashboard and the yearly report of a fresh `make run` show a year of work — monthly press
conferences and giao ban held (one month missed, one cancelled), and questions from the press
answered by the departments, most on time, a few late, one refused.

Made directly as rows (the services refuse past dates by design), audited as demo data.
Idempotent: nothing is added once a briefing older than 100 days exists.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing, BriefingStatus
from app.orgs import service as orgs
from app.questions.models import Answer, AnswerKind, AnswerStatus, Channel, Question, QuestionStatus
from app.timeutil import local_today

# Department, topic, question: asked over the year, answered by the department.
QUESTIONS = (
    ("SYT", "Y tế", "Tỉnh đã chuẩn bị nhân lực và thuốc men thế nào cho mùa dịch sốt xuất huyết?"),
    (
        "SXD",
        "Xây dựng",
        "Khi nào hoàn thành nâng cấp tuyến đường nối trung tâm Hạ Long với Cẩm Phả?",
    ),
    (
        "BQLVHL",
        "Du lịch",
        "Số lượt khách tham quan vịnh Hạ Long năm nay tăng bao nhiêu so với năm trước?",
    ),
    (
        "SNNMT",
        "Môi trường",
        "Tỉnh xử lý thế nào tình trạng rác thải nhựa trôi dạt vào bờ biển Cô Tô?",
    ),
    (
        "SCT",
        "Công thương",
        "Giá điện tăng ảnh hưởng ra sao đến các doanh nghiệp chế biến của tỉnh?",
    ),
    ("STC", "Ngân sách", "Kết quả thu ngân sách sáu tháng đầu năm so với dự toán được giao?"),
    (
        "SVHTTDL",
        "Văn hóa",
        "Kế hoạch tổ chức các lễ hội đầu năm có gì thay đổi để bảo đảm an toàn?",
    ),
    ("SGDDT", "Giáo dục", "Phương án tuyển sinh lớp 10 năm học mới có điểm gì mới?"),
)


def _held(session: Session, kind_code: str, day: date, status: BriefingStatus) -> bool:
    kind = briefings.kind_by_code(session, kind_code)
    if kind is None:
        return False
    starts = briefings.local_datetime(day, time(15 if kind_code == "regular_conference" else 14))
    row = Briefing(
        kind_id=kind.id or 0,
        title_vi=briefings.render_title(kind.title_pattern_vi, day),
        title_en=briefings.render_title(kind.title_pattern_en, day),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=kind.duration_minutes),
        venue=kind.venue,
        chair=kind.chair,
        organiser_org_id=kind.organiser_org_id,
        status=status,
        status_reason="Trùng lịch làm việc của lãnh đạo tỉnh."
        if status == BriefingStatus.CANCELLED
        else "",
        announced_at=starts - timedelta(days=5),
        record_summary="Thông tin tình hình kinh tế - xã hội trong tháng và trả lời câu hỏi của phóng viên."
        if status != BriefingStatus.CANCELLED
        else "",
    )
    session.add(row)
    return True


def _weekday(day: date, weekday: int, ordinal: int) -> date:
    """The `ordinal`-th `weekday` (0 = Monday) of `day`'s month; -1: the last one."""
    first = day.replace(day=1)
    if ordinal > 0:
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))
    nxt = (first + timedelta(days=32)).replace(day=1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def seed_history(session: Session) -> tuple[int, int]:
    """Briefings and questions of the past year: how many of each were added."""
    today = local_today()
    old = session.exec(
        select(Briefing.id).where(
            col(Briefing.starts_at) < briefings.local_datetime(today - timedelta(days=100), time())
        )
    ).first()
    if old is not None:
        return 0, 0
    actor = Actor.system("seed-demo")
    made = asked = 0
    # Months 3 to 12 before today: the demo's own past briefings cover the last two months.
    for back in range(3, 13):
        month = (today.replace(day=1) - timedelta(days=31 * back)).replace(day=1)
        if back == 7:  # a month without its press conference: the dashboard shows it missed
            pass
        else:
            status = BriefingStatus.CANCELLED if back == 10 else BriefingStatus.RECORD_PUBLISHED
            made += _held(session, "regular_conference", _weekday(month, 3, -1), status)
        made += _held(
            session, "monthly_giao_ban", _weekday(month, 1, 1), BriefingStatus.RECORD_PUBLISHED
        )
    # Questions: two a month for the ten months, answered by the department leading on them.
    for i in range(20):
        code, topic, text = QUESTIONS[i % len(QUESTIONS)]
        org = orgs.get_by_code(session, code)
        if org is None:
            continue
        back = 3 + i // 2
        received_day = (today.replace(day=1) - timedelta(days=31 * back)).replace(
            day=5 + 9 * (i % 2)
        )
        received = briefings.local_datetime(received_day, time(9, 30))
        due = briefings.local_datetime(received_day + timedelta(days=7), time(17))
        refused = i == 13
        late = i in (4, 11, 17)
        answered = due + timedelta(days=2) if late else received + timedelta(days=1 + i % 4)
        q = Question(
            text=text,
            topic=topic,
            channel=Channel.ONLINE if i % 3 else Channel.BRIEFING,
            asker_name="Phóng viên Báo Quảng Ninh",
            agency_name="Trung tâm Truyền thông tỉnh Quảng Ninh",
            received_at=received,
            status=QuestionStatus.REFUSED if refused else QuestionStatus.ANSWERED,
            lead_org_id=org.id,
            due_at=due,
            due_basis="5 ngày làm việc (demo)",
            answered_at=answered,
        )
        session.add(q)
        session.flush()
        session.add(
            Answer(
                question_id=q.id or 0,
                kind=AnswerKind.REFUSAL if refused else AnswerKind.ANSWER,
                refusal_ground="c" if refused else "",
                text="Vụ việc đang được thanh tra, chưa có kết luận; Sở sẽ thông tin khi có kết luận."
                if refused
                else f"{org.code}: trả lời bằng văn bản, nội dung đã gửi phóng viên.",
                status=AnswerStatus.APPROVED,
                organisation_id=org.id,
                approved_at=answered,
                created_at=answered - timedelta(hours=4),
                updated_at=answered,
            )
        )
        asked += 1
    session.flush()
    audit.record(
        session,
        actor,
        "demo.history",
        None,
        f"{made} past briefings, {asked} past questions",
        object_type="demo",
    )
    session.commit()
    return made, asked
