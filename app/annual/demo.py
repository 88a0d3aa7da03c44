"""Demo data: the 2026 report to the Ministry, its heading and section II filled, ready to export
(a draft: its figures follow the demo's records until the office marks it sent)."""

from __future__ import annotations

from sqlmodel import Session

from app.annual import service
from app.annual.service import Heading
from app.audit.service import Actor
from app.errors import ValidationFailed
from app.timeutil import local_today

DIFFICULTIES = (
    "Một số sở, ngành và UBND cấp xã chưa cập nhật kịp thời thông tin người phát ngôn trên "
    "Cổng thông tin điện tử của tỉnh sau khi sắp xếp tổ chức bộ máy.\n"
    "Đề nghị Bộ Văn hóa, Thể thao và Du lịch tổ chức tập huấn kỹ năng phát ngôn và xử lý thông "
    "tin sai sự thật trên không gian mạng cho người phát ngôn cấp xã."
)


def seed_report(session: Session, province: str) -> int:
    """A draft of this year's report, once; 0 when there is one already (or no data yet)."""
    year = local_today().year
    try:
        if service.versions(session, year):
            return 0
        base = service.defaults(province)
        heading = Heading(
            agency=base.agency,
            number="215/BC-UBND",
            place=base.place,
            report_date=local_today(),
            signer_name="Trần Văn B (demo)",
            signer_title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            difficulties=DIFFICULTIES,
        )
        service.save(session, actor=Actor.system("seed-demo"), year=year, data=heading)
    except ValidationFailed:  # a year whose reporting period has not begun: nothing to draft
        return 0
    return 1
