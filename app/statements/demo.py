"""Demo statements for `pressdesk seed-demo`: the spokesperson register of the province, a few
departments and commune-level committees (assignment decisions, authorisations signed by a head,
one entry posted late and one without an e-mail to show the office's flags), and statements in
every state — published with translations, corrected (a major change that outdates the English
version, and a typo), under embargo until tomorrow (shared before its time with the demo
journalist's agency), withdrawn, waiting for approval, a draft, and
a request to a press agency to publish a correction. Names in the register describe roles or are
placeholders marked "(demo)"; phone numbers and e-mails are invented (…@quangninh.gov.vn.demo),
never real people's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from app.accounts import service as accounts
from app.accounts.models import Role, User
from app.audit.service import Actor
from app.orgs import service as orgs
from app.statements import service
from app.statements.models import (
    ChangeKind,
    PreviewAudience,
    Spokesperson,
    SpokespersonRole,
    Statement,
    StatementKind,
    Topic,
)
from app.statements.service import preview
from app.timeutil import LOCAL_TZ, local_today, utcnow
from app.uow import use_case

DEMO_DOMAIN = "demo.pressdesk.vn"  # as in app/demo.py

# The register: real bodies (codes of app/orgs/data/quang_ninh.toml), invented people, phones and
# e-mails. Days are counted back from the day the demo is seeded, so that the entries of regular
# spokespersons assigned in recent weeks fall under the decree in force (Decree 244/2026 from
# 1/7/2026: posted within 24 hours of the decision, one of them late to show the flag).
OPEN_FROM = date(2025, 7, 1)  # the commune-level reorganisation: older entries start here


@dataclass(frozen=True)
class _Entry:
    key: str  # how another entry refers to it ("authorised by")
    code: str  # organisation
    role: SpokespersonRole
    name: str
    title: str
    phone: str
    email: str
    matter: str = ""
    since: int | None = None  # days before today (None: OPEN_FROM)
    until: int | None = None  # days after today (None: open-ended)
    decision: str = ""
    decided: int | date | None = None  # days before today, or a date
    posted: int = 0  # days after the decision (or the start) when it went on the public list
    by: str = ""  # key of the head who signed an authorisation


REGISTER = (
    _Entry("qn-head", "UBND-QN", SpokespersonRole.HEAD, "Chủ tịch UBND tỉnh (demo)",
           "Chủ tịch Ủy ban nhân dân tỉnh", "0203 399 0101", "chutich@quangninh.gov.vn.demo"),
    _Entry("qn-spokesperson", "UBND-QN", SpokespersonRole.SPOKESPERSON,
           "Người phát ngôn UBND tỉnh (demo)", "Chánh Văn phòng UBND tỉnh", "0203 399 0102",
           "phatngon@quangninh.gov.vn.demo", decision="1850/QĐ-UBND", decided=date(2025, 6, 25)),
    _Entry("qn-authorised", "UBND-QN", SpokespersonRole.AUTHORISED,
           "Phó Chánh Văn phòng UBND tỉnh (demo)", "Phó Chánh Văn phòng UBND tỉnh",
           "0203 399 0103", "vanphong@quangninh.gov.vn.demo",
           matter="Thông tin về công tác phòng, chống thiên tai mùa mưa bão năm nay",
           since=30, until=180, decision="25/GUQ-UBND", decided=31, by="qn-head"),
    _Entry("syt", "SYT", SpokespersonRole.SPOKESPERSON, "Người phát ngôn Sở Y tế (demo)",
           "Phó Giám đốc Sở Y tế", "0203 399 0110", "phatngon.syt@quangninh.gov.vn.demo",
           decision="45/QĐ-SYT", decided=date(2025, 6, 20)),
    _Entry("svhttdl", "SVHTTDL", SpokespersonRole.SPOKESPERSON,
           "Người phát ngôn Sở VHTTDL (demo)", "Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch",
           "0203 399 0120", "phatngon.svhttdl@quangninh.gov.vn.demo"),
    # A department under the new decree: the head, a spokesperson assigned by decision (posted
    # the next day) and an authorisation by the head for one matter and a limited time.
    _Entry("snnmt-head", "SNNMT", SpokespersonRole.HEAD, "Hoàng Văn D (demo)",
           "Giám đốc Sở Nông nghiệp và Môi trường", "0203 399 0130",
           "giamdoc.snnmt@quangninh.gov.vn.demo"),
    _Entry("snnmt", "SNNMT", SpokespersonRole.SPOKESPERSON, "Phạm Thị E (demo)",
           "Phó Giám đốc Sở Nông nghiệp và Môi trường", "0203 399 0131",
           "phatngon.snnmt@quangninh.gov.vn.demo", since=58, decision="312/QĐ-SNNMT",
           decided=60, posted=1),
    _Entry("snnmt-authorised", "SNNMT", SpokespersonRole.AUTHORISED, "Vũ Văn G (demo)",
           "Chi cục trưởng Chi cục Chăn nuôi và Thú y", "0203 399 0132",
           "chicucthuy@quangninh.gov.vn.demo",
           matter="Thông tin về phòng, chống dịch tả lợn châu Phi trên địa bàn tỉnh",
           since=10, until=80, decision="18/GUQ-SNNMT", decided=11, by="snnmt-head"),
    # Commune-level committees: wards, a commune and a special zone.
    _Entry("p-halong", "P-HALONG", SpokespersonRole.SPOKESPERSON, "Trần Văn B (demo)",
           "Phó Chủ tịch UBND phường Hạ Long", "0203 399 0201",
           "phatngon.halong@quangninh.gov.vn.demo", since=44, decision="88/QĐ-UBND",
           decided=45, posted=1),
    _Entry("p-mongcai1", "P-MONGCAI1", SpokespersonRole.SPOKESPERSON, "Đỗ Thị H (demo)",
           "Chánh Văn phòng HĐND và UBND phường Móng Cái 1", "0203 399 0202",
           "phatngon.mongcai1@quangninh.gov.vn.demo", since=29, decision="41/QĐ-UBND",
           decided=30),
    # No official e-mail yet: flagged to the office.
    _Entry("x-quangla", "X-QUANGLA", SpokespersonRole.SPOKESPERSON, "Ngô Văn K (demo)",
           "Phó Chủ tịch UBND xã Quảng La", "0203 399 0203", "", since=19,
           decision="17/QĐ-UBND", decided=20),
    # Posted four days after the decision: late, flagged to the office.
    _Entry("dk-coto", "DK-COTO", SpokespersonRole.SPOKESPERSON, "Lê Thị C (demo)",
           "Phó Chủ tịch UBND đặc khu Cô Tô", "0203 399 0204",
           "phatngon.coto@quangninh.gov.vn.demo", since=24, decision="56/QĐ-UBND", decided=25,
           posted=4),
)  # fmt: skip


def _register_row(entry: _Entry, org_id: int, today: date, ids: dict[str, int]) -> Spokesperson:
    start = today - timedelta(days=entry.since) if entry.since is not None else OPEN_FROM
    decided = (
        today - timedelta(days=entry.decided) if isinstance(entry.decided, int) else entry.decided
    )
    posted_day = (decided or start) + timedelta(days=entry.posted)
    return Spokesperson(
        organisation_id=org_id,
        role=entry.role,
        full_name=entry.name,
        title=entry.title,
        phone=entry.phone,
        email=entry.email,
        matter=entry.matter,
        valid_from=start,
        valid_to=today + timedelta(days=entry.until) if entry.until is not None else None,
        decision_number=entry.decision,
        decision_date=decided,
        authorised_by_id=ids.get(entry.by),
        posted_at=datetime.combine(posted_day, time(9, 30), LOCAL_TZ),
    )


@dataclass
class _Demo:
    session: Session
    editor: Actor
    spokesperson: Actor
    org_id: int
    person_id: int

    def topic_ids(self, *codes: str) -> list[int]:
        rows = self.session.exec(select(Topic).where(Topic.code.in_(codes))).all()  # type: ignore[attr-defined]
        return [t.id for t in rows if t.id is not None]

    def draft(
        self, kind: StatementKind, title: str, summary: str, body: str, **over: object
    ) -> int:
        data = service.StatementInput(
            kind=kind,
            organisation_id=self.org_id,
            spokesperson_id=self.person_id,
            title=title,
            summary=summary,
            body=body,
            topic_ids=over.pop("topics", []),  # type: ignore[arg-type]
            **over,  # type: ignore[arg-type]
        )
        st = service.create(self.session, actor=self.editor, data=data)
        return st.id or 0

    def translate(self, sid: int, lang: str, title: str, summary: str, body: str) -> None:
        service.save_translation(
            self.session,
            actor=self.editor,
            statement_id=sid,
            language=lang,
            title=title,
            summary=summary,
            body=body,
        )

    def approve(self, sid: int) -> None:
        service.submit(self.session, actor=self.editor, statement_id=sid)
        service.approve(self.session, actor=self.spokesperson, statement_id=sid)

    def issue(self, sid: int, **kw: object) -> None:
        self.approve(sid)
        service.publish(self.session, actor=self.spokesperson, statement_id=sid, **kw)  # type: ignore[arg-type]

    def correct(self, sid: int, kind: ChangeKind, note: str, body: str) -> None:
        ed = service.new_edition(self.session, actor=self.editor, statement_id=sid)
        st = self.session.get(Statement, sid)
        assert st is not None
        data = service.StatementInput(
            kind=st.kind,
            organisation_id=st.organisation_id,
            spokesperson_id=st.spokesperson_id,
            title=ed.title,
            summary=ed.summary,
            body=body,
            topic_ids=service.topic_ids(self.session, sid),
            change_kind=kind,
            change_note=note,
        )
        service.update(self.session, actor=self.editor, statement_id=sid, data=data)
        self.issue(sid)


def _actor(user: User | None, role: Role) -> Actor:
    if user is None:
        return Actor.system("seed-demo")
    return Actor(user.id, user.email, user.role.value, user.organisation_id, None)


@use_case
def seed_register(session: Session, today: date) -> int:
    if session.exec(select(Spokesperson.id)).first() is not None:
        return 0
    ids: dict[str, int] = {}
    for entry in REGISTER:
        org = orgs.get_by_code(session, entry.code)
        if org is None or org.id is None:
            continue
        person = _register_row(entry, org.id, today, ids)
        session.add(person)
        session.flush()  # its id, for the authorisations it signs
        ids[entry.key] = person.id or 0
    added = len(ids)
    # A spokesperson who served before: kept in the history.
    org = orgs.get_by_code(session, "UBND-QN")
    if org is not None:
        session.add(
            Spokesperson(
                organisation_id=org.id or 0,
                role=SpokespersonRole.SPOKESPERSON,
                full_name="Người phát ngôn nhiệm kỳ trước (demo)",
                title="Nguyên Chánh Văn phòng UBND tỉnh",
                phone="0203 399 0109",
                valid_from=date(2021, 1, 1),
                valid_to=date(2025, 6, 30),
                ended_reason="Nghỉ hưu theo chế độ",
                decision_number="105/QĐ-UBND",
                decision_date=date(2020, 12, 28),
                posted_at=datetime.combine(date(2021, 1, 4), time(9, 30), LOCAL_TZ),
            )
        )
        added += 1
    return added


def seed_statements(session: Session) -> int:
    """About ten statements in every state; 0 when any statement already exists."""
    service.seed_reference(session)
    today = local_today()
    seed_register(session, today)
    if session.exec(select(Statement.id)).first() is not None:
        return 0
    org = orgs.get_by_code(session, "UBND-QN")
    person = session.exec(
        select(Spokesperson).where(
            Spokesperson.organisation_id == (org.id if org else 0),
            Spokesperson.role == SpokespersonRole.SPOKESPERSON,
            Spokesperson.valid_to == None,  # noqa: E711 - SQL IS NULL
        )
    ).first()
    if org is None or org.id is None or person is None or person.id is None:
        return 0
    editor = _actor(accounts.find_by_email(session, f"vanphong@{DEMO_DOMAIN}"), Role.PRESS_OFFICE)
    spokesperson = _actor(
        accounts.find_by_email(session, f"phatngon@{DEMO_DOMAIN}"), Role.SPOKESPERSON
    )
    d = _Demo(session, editor, spokesperson, org.id, person.id)
    made = 0

    # A press release on the typhoon, in Vietnamese, English and Chinese; later corrected (major):
    # the English and Chinese versions show as outdated until updated.
    typhoon = d.draft(
        StatementKind.PRESS_RELEASE,
        "Thông cáo báo chí về công tác ứng phó bão số 3 trên địa bàn tỉnh Quảng Ninh",
        "Tỉnh tạm dừng hoạt động tàu du lịch trên vịnh Hạ Long và vịnh Bái Tử Long từ 12 giờ.",
        "UBND tỉnh Quảng Ninh thông tin về công tác ứng phó bão số 3:\n\n"
        "1. **Tạm dừng** toàn bộ hoạt động tàu du lịch, tàu vận tải hành khách trên vịnh Hạ Long, "
        "vịnh Bái Tử Long từ 12 giờ hôm nay.\n"
        "2. Các địa phương ven biển, đặc khu Vân Đồn, Cô Tô hoàn thành việc di dời người dân khỏi "
        "khu vực nguy hiểm trước 18 giờ.\n"
        "3. Đường dây nóng của Ban Chỉ huy phòng, chống thiên tai tỉnh: 0203 000 0000.",
        topics=d.topic_ids("thien-tai", "du-lich"),
    )
    d.translate(
        typhoon,
        "en",
        "Press release on the response to typhoon No. 3 in Quang Ninh province",
        "Tourist boats on Ha Long Bay and Bai Tu Long Bay are suspended from noon.",
        "The Quang Ninh Provincial People's Committee informs about the response to typhoon "
        "No. 3:\n\n1. All tourist and passenger boats on Ha Long Bay and Bai Tu Long Bay are "
        "**suspended** from noon today.\n2. Coastal localities and the special zones of Van Don "
        "and Co To complete the evacuation of residents from dangerous areas by 6 p.m.\n"
        "3. Hotline of the provincial disaster prevention command: 0203 000 0000.",
    )
    d.translate(
        typhoon,
        "zh",
        "广宁省关于应对第3号台风的新闻公报",
        "下龙湾和拜子龙湾的旅游船自中午起暂停运营。",
        "广宁省人民委员会通报应对第3号台风的工作：下龙湾、拜子龙湾所有旅游船和客运船自今天中午起暂停运营。",
    )
    d.issue(typhoon)
    d.correct(
        typhoon,
        ChangeKind.MAJOR,
        "Bổ sung thời điểm cho phép tàu du lịch hoạt động trở lại.",
        "UBND tỉnh Quảng Ninh thông tin về công tác ứng phó bão số 3:\n\n"
        "1. Tàu du lịch, tàu vận tải hành khách trên vịnh Hạ Long, vịnh Bái Tử Long được "
        "**hoạt động trở lại từ 6 giờ sáng mai**, sau khi bão đã suy yếu.\n"
        "2. Các địa phương ven biển tiếp tục theo dõi, không để người dân quay về khu vực nguy "
        "hiểm khi chưa có thông báo.\n"
        "3. Đường dây nóng của Ban Chỉ huy phòng, chống thiên tai tỉnh: 0203 000 0000.",
    )
    made += 1

    # An official statement with a typo fixed later (a minor change: only in the history).
    tourism = d.draft(
        StatementKind.OFFICIAL_STATEMENT,
        "Nội dung phát ngôn về tình hình du lịch 10 tháng đầu năm",
        "Quảng Ninh đón khoảng 17 triệu lượt khách, tăng 12% so với cùng kỳ.",
        "Trong 10 tháng đầu năm, toàn tỉnh đón khoảng 17 triệu lượt khách, tăng 12% so với cùng "
        "kỳ năm trước; khách quốc tế đạt 2,5 triệu lượt. Tổng thu từ du lịch ước đạt 38.000 tỷ "
        "đồng.",
        topics=d.topic_ids("du-lich", "kinh-te"),
    )
    d.translate(
        tourism,
        "en",
        "Official statement on tourism in the first ten months of the year",
        "Quang Ninh welcomed about 17 million visitors, up 12% year on year.",
        "In the first ten months of the year the province welcomed about 17 million visitors, "
        "up 12%; international visitors reached 2.5 million. Tourism revenue is estimated at "
        "VND 38,000 billion.",
    )
    d.issue(tourism)
    d.correct(
        tourism,
        ChangeKind.MINOR,
        "Sửa lỗi chính tả.",
        "Trong 10 tháng đầu năm, toàn tỉnh đón khoảng 17 triệu lượt khách, tăng 12% so với cùng "
        "kỳ năm trước; khách quốc tế đạt 2,5 triệu lượt. Tổng thu từ du lịch ước đạt 38.000 tỷ "
        "đồng (số liệu sơ bộ).",
    )
    made += 1

    # The conclusion of last month's press conference, and a written answer to the press.
    conclusion = d.draft(
        StatementKind.CONFERENCE_CONCLUSION,
        "Kết luận họp báo thường kỳ UBND tỉnh tháng trước",
        "Người phát ngôn kết luận các nội dung báo chí quan tâm.",
        "Tại họp báo, người phát ngôn UBND tỉnh đã thông tin về tình hình kinh tế – xã hội, tiến "
        "độ giải ngân vốn đầu tư công và trả lời 8 câu hỏi của phóng viên. Các sở, ngành được "
        "giao tiếp tục cung cấp thông tin bằng văn bản trong 5 ngày làm việc.",
        topics=d.topic_ids("kinh-te", "dau-tu"),
    )
    d.issue(conclusion)
    answer = d.draft(
        StatementKind.WRITTEN_ANSWER,
        "Trả lời báo chí về tiến độ dự án đường bao biển Hạ Long – Cẩm Phả",
        "Dự án đã hoàn thành 85% khối lượng; dự kiến thông xe toàn tuyến trong quý II năm sau.",
        "Trả lời câu hỏi của phóng viên về dự án đường bao biển Hạ Long – Cẩm Phả: đến nay dự án "
        "đã hoàn thành khoảng 85% khối lượng; còn 12 hộ dân chưa bàn giao mặt bằng, UBND thành "
        "phố đang vận động. Dự kiến thông xe toàn tuyến trong quý II năm sau.",
        topics=d.topic_ids("giao-thong", "dat-dai"),
    )
    d.issue(answer)
    made += 2

    # A request to a press agency to publish a correction (Decree 09/2017, Art. 4(6)).
    agency = orgs.get_by_code(session, "VNN")
    correction = d.draft(
        StatementKind.CORRECTION_REQUEST,
        "Đề nghị cải chính thông tin về việc đóng cửa vịnh Hạ Long",
        "Vịnh Hạ Long không đóng cửa dài ngày như bài báo nêu.",
        "UBND tỉnh đề nghị cơ quan báo chí cải chính thông tin: vịnh Hạ Long chỉ tạm dừng đón "
        "khách trong thời gian bão số 3 ảnh hưởng và đã hoạt động trở lại bình thường.",
        topics=d.topic_ids("du-lich"),
        target_agency_id=agency.id if agency else None,
        target_agency_name="" if agency else "Báo điện tử (demo)",
        article_title="Vịnh Hạ Long đóng cửa dài ngày sau bão",
        article_url="https://example.vn/bai-bao-demo",
    )
    d.issue(correction)
    made += 1

    # Withdrawn: issued by mistake, withdrawn with the reason; the page stays.
    wrong = d.draft(
        StatementKind.PRESS_RELEASE,
        "Thông cáo về lịch nghỉ Tết của các cơ quan hành chính",
        "Lịch nghỉ Tết của các cơ quan hành chính nhà nước trên địa bàn tỉnh.",
        "Các cơ quan hành chính nhà nước nghỉ Tết theo thông báo của Bộ Nội vụ.",
        topics=d.topic_ids("kinh-te"),
    )
    d.issue(wrong)
    service.withdraw(
        session,
        actor=spokesperson,
        statement_id=wrong,
        reason="Thông cáo phát hành nhầm trước khi có văn bản chính thức của Bộ Nội vụ.",
    )
    made += 1

    # Under embargo until tomorrow 9:00: invisible to the public until then.
    embargo = d.draft(
        StatementKind.PRESS_RELEASE,
        "Thông cáo báo chí về Lễ khai mạc Tuần Du lịch Hạ Long",
        "Tuần Du lịch Hạ Long diễn ra với hơn 40 hoạt động văn hóa, thể thao.",
        "Tuần Du lịch Hạ Long năm nay có hơn 40 hoạt động văn hóa, thể thao, xúc tiến du lịch, "
        "diễn ra tại quảng trường 30/10 và các điểm du lịch trên vịnh.",
        topics=d.topic_ids("du-lich"),
    )
    tomorrow = datetime.combine(today + timedelta(days=1), time(9, 0), tzinfo=LOCAL_TZ)
    d.issue(embargo, at=tomorrow if tomorrow > utcnow() else utcnow() + timedelta(hours=12))
    # Shared before its time with the demo journalists' agency (an embargoed preview).
    agency = orgs.get_by_code(session, "TTXVN")
    if agency is not None and agency.id is not None:
        preview.share(
            session,
            actor=editor,
            statement_id=embargo,
            audience_kind=PreviewAudience.AGENCIES,
            agencies=[agency.id],
        )
    made += 1

    # Waiting for the spokesperson's approval, and a draft.
    waiting = d.draft(
        StatementKind.OFFICIAL_STATEMENT,
        "Nội dung phát ngôn về kết quả thu hút đầu tư trực tiếp nước ngoài",
        "Tỉnh thu hút hơn 2,1 tỷ USD vốn FDI từ đầu năm.",
        "Từ đầu năm, tỉnh đã cấp mới và điều chỉnh tăng vốn cho 35 dự án FDI với tổng vốn hơn "
        "2,1 tỷ USD, chủ yếu tại các khu công nghiệp Sông Khoai, Bắc Tiền Phong và Hải Hà.",
        topics=d.topic_ids("dau-tu", "kinh-te"),
    )
    service.submit(session, actor=editor, statement_id=waiting)
    d.draft(
        StatementKind.PRESS_RELEASE,
        "Thông cáo báo chí về kỳ thi tuyển sinh lớp 10 (bản nháp)",
        "",
        "Sở Giáo dục và Đào tạo đang hoàn thiện phương án tuyển sinh.",
        topics=d.topic_ids("giao-duc"),
    )
    made += 2
    return made
