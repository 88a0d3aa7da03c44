"""Demo giao ban participations for `pressdesk seed-demo`: the province's bodies informing the
press at the provincial giao ban and others in 2026, before and after 1/7/2026. Names describe
roles, never real people. Run once: nothing is added when any record exists."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from app.audit.service import Actor
from app.giaoban import service
from app.giaoban.models import GiaoBan, Organiser
from app.orgs import service as orgs
from app.statements.models import Edition
from app.timeutil import local_today

# (day, organiser, who ran it if named, informing body, speaker, title, topics, statement title)
DEMO = (
    (
        date(2026, 3, 3),
        Organiser.PARTY_BOARD,
        "",
        "SYT",
        "Đại diện lãnh đạo Sở Y tế (demo)",
        "Phó Giám đốc Sở Y tế",
        "Công tác phòng, chống dịch bệnh mùa xuân; tiêm chủng mở rộng tại các xã vùng cao.",
        None,
    ),
    (
        date(2026, 5, 5),
        Organiser.CULTURE_DEPARTMENT,
        "",
        "BQLVHL",
        "Đại diện Ban Quản lý vịnh Hạ Long (demo)",
        "Phó Trưởng ban Ban Quản lý vịnh Hạ Long",
        "Chuẩn bị mùa du lịch hè; các tuyến tham quan mới trên vịnh Hạ Long.",
        None,
    ),
    (
        date(2026, 6, 2),
        Organiser.JOURNALISTS_ASSOCIATION,
        "",
        "SNNMT",
        "Đại diện lãnh đạo Sở Nông nghiệp và Môi trường (demo)",
        "Phó Giám đốc Sở Nông nghiệp và Môi trường",
        "Phòng, chống thiên tai mùa mưa bão; bảo vệ môi trường vịnh Hạ Long.",
        None,
    ),
    (
        date(2026, 7, 7),
        Organiser.PARTY_BOARD,
        "",
        "SXD",
        "Đại diện lãnh đạo Sở Xây dựng (demo)",
        "Phó Giám đốc Sở Xây dựng",
        "Tiến độ các dự án giao thông trọng điểm; đường bao biển Hạ Long – Cẩm Phả.",
        "Trả lời báo chí về tiến độ dự án đường bao biển Hạ Long – Cẩm Phả",
    ),
    (
        date(2026, 9, 8),
        Organiser.CENTRAL,
        "Bộ Văn hóa, Thể thao và Du lịch",
        "UBND-QN",
        "Người phát ngôn UBND tỉnh (demo)",
        "Chánh Văn phòng UBND tỉnh",
        "Kết quả phát triển du lịch 8 tháng đầu năm; chuẩn bị Tuần Du lịch Hạ Long.",
        "Nội dung phát ngôn về tình hình du lịch 10 tháng đầu năm",
    ),
    (
        date(2026, 11, 3),
        Organiser.PARTY_BOARD,
        "",
        "SVHTTDL",
        "Đại diện lãnh đạo Sở Văn hóa, Thể thao và Du lịch (demo)",
        "Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch",
        "Thông tin về công tác quản lý báo chí, xử lý thông tin sai sự thật trên mạng xã hội.",
        None,
    ),
)


def seed_giao_ban(session: Session) -> int:
    """Six participations in 2026 (those not in the future); 0 when any record exists."""
    if session.exec(select(GiaoBan.id)).first() is not None:
        return 0
    actor = Actor.system("seed-demo")
    made = 0
    for day, organiser, named, code, speaker, title, topics, statement in DEMO:
        org = orgs.get_by_code(session, code)
        if day > local_today() or org is None:
            continue
        sid = (
            session.exec(select(Edition.statement_id).where(Edition.title == statement)).first()
            if statement
            else None
        )
        service.create(
            session,
            actor=actor,
            data=service.GiaoBanInput(
                day=day,
                organiser=organiser.value,
                organiser_other=named,
                organisation_id=org.id,
                speaker_name=speaker,
                speaker_title=title,
                topics=topics,
                statements=str(sid) if sid else "",
            ),
        )
        made += 1
    return made
