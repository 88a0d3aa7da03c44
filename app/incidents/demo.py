"""Demo sudden matters for `pressdesk seed-demo`: on time (informed by a held briefing and a
press release), late (a written answer 30 hours after), running, late without information, false
information with the correction published and with it still awaited after its date, a matter
without a time limit, and one from before 1/7/2026 under Decree 09/2017 Art. 6. Run once: nothing
is added when any matter exists."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from app.audit.service import Actor
from app.briefings.models import Briefing
from app.incidents import service
from app.incidents.models import Matter
from app.incidents.service import CorrectionInput, MatterInput
from app.law.rulesets import NoRuleSet, ruleset_at
from app.orgs import service as orgs
from app.statements.models import Edition, Statement
from app.timeutil import LOCAL_TZ, local_today, utcnow


def _kind(at: datetime, *wanted: str) -> str | None:
    """The first of `wanted` that the law of `at` has (None: skip this demo matter)."""
    try:
        kinds = ruleset_at(at).sudden_kinds
    except NoRuleSet:
        return None
    return next((code for code in wanted if code in kinds), None)


def _ids(session: Session, *codes: str) -> list[int]:
    return [o.id for c in codes if (o := orgs.get_by_code(session, c)) and o.id is not None]


def _statement(session: Session, title: str) -> Statement | None:
    sid = session.exec(select(Edition.statement_id).where(Edition.title == title)).first()
    return session.get(Statement, sid) if sid else None


class _Seeder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.actor = Actor.system("seed-demo")
        self.made = 0

    def open(
        self,
        at: datetime,
        kinds: tuple[str, ...],
        title: str,
        summary: str,
        orgs_: list[int],
        **kw: object,
    ) -> Matter | None:
        kind = _kind(at, *kinds)
        if kind is None or at > utcnow():
            return None
        data = MatterInput(
            kind=kind, title=title, summary=summary, clock_started_at=at, organisation_ids=orgs_
        )
        for name, value in kw.items():
            setattr(data, name, value)
        matter = service.create(self.session, actor=self.actor, data=data)
        self.made += 1
        return matter

    def link(self, matter: Matter | None, kind: str, object_id: int | None) -> None:
        if matter is not None and object_id is not None:
            service.link(
                self.session,
                actor=self.actor,
                matter_id=matter.id or 0,
                kind=kind,
                ref=str(object_id),
            )

    def close(self, matter: Matter | None, note: str) -> None:
        if matter is not None:
            service.close(self.session, actor=self.actor, matter_id=matter.id or 0, note=note)


def seed_matters(session: Session) -> int:
    """About eight matters in every state; 0 when any matter exists already."""
    if session.exec(select(Matter.id)).first() is not None:
        return 0
    s = _Seeder(session)
    now = utcnow()

    # On time: the typhoon, informed first at the unscheduled press conference.
    storm_briefing = session.exec(
        select(Briefing).where(Briefing.title_vi == "Họp báo đột xuất về công tác ứng phó bão số 3")
    ).first()
    storm_release = _statement(
        session, "Thông cáo báo chí về công tác ứng phó bão số 3 trên địa bàn tỉnh Quảng Ninh"
    )
    first_info = storm_briefing.starts_at if storm_briefing else None
    first_info = first_info or (storm_release.first_published_at if storm_release else None)
    if first_info is not None:
        storm = s.open(
            first_info - timedelta(hours=20),
            ("art7_3", "art6"),
            "Bão số 3 đổ bộ vào vùng biển Quảng Ninh: dừng tàu du lịch, sơ tán dân ven biển",
            "Bão số 3 gây gió giật mạnh trên vịnh Hạ Long và vịnh Bái Tử Long; tỉnh dừng hoạt động "
            "tàu du lịch và sơ tán người dân khỏi khu vực nguy hiểm.",
            _ids(session, "UBND-QN", "BQLVHL", "DK-VANDON", "DK-COTO"),
        )
        s.link(storm, "briefing", storm_briefing.id if storm_briefing else None)
        s.link(storm, "statement", storm_release.id if storm_release else None)
        s.close(storm, "Đã thông tin kịp thời tại họp báo đột xuất và bằng thông cáo báo chí.")

    # Late: public opinion divided on the coastal road; the written answer came 30 hours after.
    answer = _statement(
        session, "Trả lời báo chí về tiến độ dự án đường bao biển Hạ Long – Cẩm Phả"
    )
    if answer is not None and answer.first_published_at is not None:
        road = s.open(
            answer.first_published_at - timedelta(hours=30),
            ("art7_4", "art6"),
            "Ý kiến trái chiều trên mạng xã hội về tiến độ đường bao biển Hạ Long – Cẩm Phả",
            "Nhiều ý kiến trái chiều về việc dự án chậm tiến độ và mặt bằng chưa bàn giao.",
            _ids(session, "SXD", "P-HALONG", "P-CAMPHA"),
        )
        s.link(road, "statement", answer.id)
        s.close(
            road, "Thông tin chậm so với thời hạn 24 giờ; rút kinh nghiệm phối hợp với Sở Xây dựng."
        )

    # Running: 9 hours left. Late: 30 hours and nothing yet (first on the dashboard).
    s.open(
        now - timedelta(hours=15),
        ("art7_3", "art6"),
        "Tàu du lịch mắc cạn trên vịnh Hạ Long, 40 du khách được đưa vào bờ an toàn (demo)",
        "Tàu mắc cạn gần hang Sửng Sốt lúc thủy triều xuống; không có thiệt hại về người.",
        _ids(session, "BQLVHL", "P-HALONG"),
    )
    s.open(
        now - timedelta(hours=30),
        ("art7_3", "art6"),
        "Sạt lở đất tại khu dân cư phường Hà Tu sau mưa lớn kéo dài (demo)",
        "Sạt lở taluy sau nhà dân; chính quyền phường đã di dời 6 hộ đến nơi an toàn.",
        _ids(session, "P-HATU", "SXD", "SNNMT"),
    )

    # False information in the press: the correction requested and published by the agency.
    request = _statement(session, "Đề nghị cải chính thông tin về việc đóng cửa vịnh Hạ Long")
    vnn = orgs.get_by_code(session, "VNN")
    if request is not None and request.first_published_at is not None and vnn is not None:
        false_news = s.open(
            request.first_published_at - timedelta(days=1),
            ("art7_6",),
            "Bài báo nêu sai việc vịnh Hạ Long đóng cửa dài ngày sau bão",
            "Vịnh Hạ Long chỉ tạm dừng đón khách khi bão ảnh hưởng, đã hoạt động trở lại.",
            _ids(session, "BQLVHL", "SVHTTDL"),
            agency_id=vnn.id,
            article_title="Vịnh Hạ Long đóng cửa dài ngày sau bão",
            article_url="https://example.vn/bai-bao-demo",
            article_published_on=(request.first_published_at - timedelta(days=1))
            .astimezone(LOCAL_TZ)
            .date(),
        )
        s.link(false_news, "statement", request.id)
        if false_news is not None:
            service.record_correction(
                session,
                actor=s.actor,
                matter_id=false_news.id or 0,
                data=CorrectionInput(
                    expected_by=local_today() + timedelta(days=3),
                    published_at=utcnow(),
                    url="https://example.vn/bai-bao-demo-cai-chinh",
                ),
            )
        s.close(false_news, "Cơ quan báo chí đã đăng cải chính theo đề nghị.")
    # … and one whose correction is still awaited after the date expected.
    agency = orgs.get_by_code(session, "BDT")
    awaited = s.open(
        now - timedelta(days=6),
        ("art7_6",),
        "Thông tin sai về việc dừng toàn bộ tour du lịch đảo Cô Tô (demo)",
        "Bài báo nêu tỉnh dừng toàn bộ tour du lịch đảo Cô Tô; thực tế chỉ tạm dừng 2 ngày do "
        "thời tiết. Văn bản đề nghị cải chính đã gửi cơ quan báo chí.",
        _ids(session, "DK-COTO", "SVHTTDL"),
        agency_id=agency.id if agency else None,
        article_title="Quảng Ninh dừng toàn bộ tour du lịch đảo Cô Tô",
        article_url="https://example.vn/bai-bao-demo-co-to",
        article_published_on=local_today() - timedelta(days=6),
    )
    if awaited is not None:
        service.record_correction(
            session,
            actor=s.actor,
            matter_id=awaited.id or 0,
            data=CorrectionInput(expected_by=local_today() - timedelta(days=2)),
        )

    # Without a time limit: a matter involving several provinces.
    s.open(
        now - timedelta(days=2),
        ("art7_2",),
        "Dịch tả lợn châu Phi lan từ các tỉnh lân cận vào địa bàn tỉnh (demo)",
        "Phối hợp với các tỉnh lân cận kiểm soát vận chuyển lợn qua địa bàn.",
        _ids(session, "SNNMT", "X-TIENYEN"),
    )

    # Before 1/7/2026: Decree 09/2017 Art. 6 (its 24-hour rule), closed without a linked statement.
    june = datetime.combine(date(2026, 6, 12), time(8, 30), tzinfo=LOCAL_TZ).astimezone(UTC)
    fire = s.open(
        june,
        ("art6",),
        "Cháy rừng tại đặc khu Vân Đồn (demo)",
        "Cháy khoảng 3 ha rừng trồng; lực lượng chức năng đã khống chế đám cháy sau 5 giờ.",
        _ids(session, "DK-VANDON", "SNNMT"),
    )
    s.close(fire, "Thông tin được cung cấp qua điện thoại cho báo chí, không lập văn bản.")
    return s.made
