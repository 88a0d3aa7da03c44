"""Demo journalists' questions for `pressdesk seed-demo`: questions from the demo journalist and
recorded ones from other press agencies, in each state — new, assigned to Sở Y tế with a drafted
answer, answered and published on a briefing already held, refused on a legal ground, overdue,
with a holding answer, merged — and the kind of media and scope of the demo press agencies.

The questions asked at the briefing already held were put to the spokesperson from the room's
queue, where the demo journalist had up-voted two of them (`seed_votes`).

Idempotent: nothing is added once any question exists (votes: once any vote exists). Askers are named by their agency, never
by a real person's name. Everything goes through the service, except what it refuses by design
for past events (tying a question to a briefing already held, and the time it was answered there).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlmodel import Session, col, select

from app.accounts import service as accounts
from app.accounts.models import Role, User
from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing, BriefingStatus
from app.briefings.states import SCHEDULED
from app.config import Settings
from app.holidays.service import work_calendar
from app.orgs import service as orgs
from app.orgs.models import MediaKind, MediaScope, Organisation, OrgKind
from app.pdf import write_pdf
from app.questions import deadlines, service
from app.questions.models import (
    Answer,
    AnswerKind,
    AnswerStatus,
    Channel,
    LiveState,
    Question,
    QuestionVote,
)
from app.questions.service import AnswerInput, QuestionInput
from app.storage import store_for
from app.timeutil import to_local, utcnow

DEMO_DOMAIN = "demo.pressdesk.vn"  # as in app/demo.py
JOURNALIST_EMAIL = f"phongvien@{DEMO_DOMAIN}"
OFFICE_EMAIL = f"vanphong@{DEMO_DOMAIN}"
SPOKESPERSON_EMAIL = f"phatngon@{DEMO_DOMAIN}"
DEPARTMENT_EMAIL = f"syt@{DEMO_DOMAIN}"

# The demo press agencies (codes of app/orgs/data/quang_ninh.toml): kind of media and scope.
AGENCY_MEDIA: dict[str, tuple[MediaKind, MediaScope]] = {
    "TTTT-QN": (MediaKind.TELEVISION, MediaScope.LOCAL),
    "VTV": (MediaKind.TELEVISION, MediaScope.CENTRAL),
    "VOV5": (MediaKind.RADIO, MediaScope.CENTRAL),
    "TTXVN": (MediaKind.NEWS_AGENCY, MediaScope.CENTRAL),
    "NHANDAN": (MediaKind.NEWSPAPER, MediaScope.CENTRAL),
    "DCSVN": (MediaKind.ONLINE, MediaScope.CENTRAL),
    "VNN": (MediaKind.ONLINE, MediaScope.CENTRAL),
    "BDT": (MediaKind.NEWSPAPER, MediaScope.CENTRAL),
    "QDND": (MediaKind.NEWSPAPER, MediaScope.CENTRAL),
    "TGVN": (MediaKind.NEWSPAPER, MediaScope.CENTRAL),
    "GXRB": (MediaKind.NEWSPAPER, MediaScope.FOREIGN),
}


def seed_media(session: Session, actor: Actor) -> int:
    """Set the kind of media and scope of the demo press agencies that have none yet."""
    done = 0
    for code, (kind, scope) in AGENCY_MEDIA.items():
        org = orgs.get_by_code(session, code)
        if org is None or org.id is None or org.kind != OrgKind.PRESS_AGENCY:
            continue
        if org.media_kind is None and org.media_scope is None:
            orgs.set_media(session, actor=actor, org_id=org.id, kind=kind.value, scope=scope.value)
            done += 1
    return done


@dataclass(frozen=True)
class People:
    journalist: Actor | None
    office: Actor  # triage, recording and drafting
    spokesperson: Actor  # approves (never the drafter); the only one who approves a refusal
    health: Actor  # Sở Y tế's focal officer, who drafts its answer


def _actor(user: User | None, role: Role, org: Organisation | None = None) -> Actor:
    if user is None:
        return Actor(None, None, role.value, org.id if org else None, None)
    return Actor(user.id, user.email, user.role.value, user.organisation_id, None)


def _people(session: Session) -> People:
    journalist = accounts.find_by_email(session, JOURNALIST_EMAIL)
    return People(
        journalist=_actor(journalist, Role.JOURNALIST) if journalist else None,
        office=_actor(accounts.find_by_email(session, OFFICE_EMAIL), Role.PRESS_OFFICE),
        spokesperson=_actor(accounts.find_by_email(session, SPOKESPERSON_EMAIL), Role.SPOKESPERSON),
        health=_actor(
            accounts.find_by_email(session, DEPARTMENT_EMAIL),
            Role.DEPARTMENT,
            orgs.get_by_code(session, "SYT"),
        ),
    )


def _org_id(session: Session, code: str) -> int | None:
    org = orgs.get_by_code(session, code)
    return org.id if org else None


def _answer_pdf(question: str, answer: str) -> bytes:
    """A one-page PDF attached to a demo answer (the figures behind it)."""
    html = (
        "<html lang='vi'><head><title>Số liệu kèm theo câu trả lời</title></head>"
        "<body style='font-family: DejaVu Sans'>"
        f"<h1>Số liệu kèm theo câu trả lời</h1><p><em>{escape(question)}</em></p>"
        f"<p>{escape(answer)}</p></body></html>"
    )
    return write_pdf(html)


def _upcoming(session: Session) -> Briefing | None:
    rows, _total = briefings.public_list(session, upcoming=True, limit=20)
    return next((b for b in rows if b.status in SCHEDULED), None)


def _held(session: Session) -> Briefing | None:
    return session.exec(
        select(Briefing)
        .where(Briefing.status == BriefingStatus.RECORD_PUBLISHED)
        .order_by(col(Briefing.starts_at).desc())
    ).first()


class _Seeder:
    def __init__(self, session: Session, settings: Settings, people: People) -> None:
        self.session = session
        self.settings = settings
        self.people = people
        self.added = 0

    def ask(self, text: str, topic: str, briefing: Briefing | None = None) -> Question | None:
        if self.people.journalist is None:
            return None
        q, created = service.ask(
            self.session,
            actor=self.people.journalist,
            data=QuestionInput(
                text=text, topic=topic, briefing_id=briefing.id if briefing else None
            ),
            # The demo's own handful of questions must not trip the per-account limit.
            rate_limit=self.settings.question_rate_limit + 20,
            rate_window_minutes=self.settings.question_rate_window_minutes,
            duplicate_seconds=self.settings.question_duplicate_seconds,
        )
        self.added += created
        return q

    def record(
        self,
        text: str,
        topic: str,
        asker: str,
        agency: str,
        channel: Channel,
        received_at: datetime | None = None,
        briefing_id: int | None = None,
    ) -> Question:
        q = service.record(
            self.session,
            actor=self.people.office,
            data=QuestionInput(
                text=text,
                topic=topic,
                channel=channel,
                asker_name=asker,
                agency_id=_org_id(self.session, agency),
                received_at=received_at,
                briefing_id=briefing_id,
            ),
        )
        self.added += 1
        return q

    def assign(self, q: Question | None, code: str) -> Question | None:
        if q is None or q.id is None or (org_id := _org_id(self.session, code)) is None:
            return None
        return service.assign(
            self.session, actor=self.people.office, question_id=q.id, lead_org_id=org_id
        )

    def reply(
        self,
        q: Question | None,
        data: AnswerInput,
        *,
        drafter: Actor | None = None,
        files: list[tuple[str, bytes]] | None = None,
    ) -> None:
        """Draft (by the office unless said otherwise), attach the files, and have the
        spokesperson approve."""
        if q is None or q.id is None:
            return
        drafter = drafter or self.people.office
        service.save_answer(self.session, actor=drafter, question_id=q.id, data=data)
        if files:
            service.add_answer_files(
                self.session,
                actor=drafter,
                question_id=q.id,
                files=[(name, io.BytesIO(content)) for name, content in files],
                store=store_for(self.settings),
                max_bytes=self.settings.upload_max_bytes,
                max_files=self.settings.upload_max_files,
            )
        service.approve(self.session, actor=self.people.spokesperson, question_id=q.id)


def seed_questions(session: Session, settings: Settings) -> int:
    """About ten questions in every state; 0 when any question already exists."""
    seed_media(session, Actor.system("seed-demo"))
    if session.exec(select(Question.id)).first() is not None:
        return 0
    people = _people(session)
    s = _Seeder(session, settings, people)
    now = utcnow()

    # New: sent online before the next announced briefing, and one without a briefing.
    s.ask(
        "Tỉnh có kế hoạch gì để kiểm soát tình trạng quá tải tàu tham quan vịnh Hạ Long vào các "
        "dịp nghỉ lễ, khi lượng khách tăng đột biến?",
        "Du lịch",
        _upcoming(session),
    )
    s.ask(
        "Tiến độ giải phóng mặt bằng dự án đường bao biển Hạ Long – Cẩm Phả đến nay thế nào, còn "
        "bao nhiêu hộ dân chưa bàn giao mặt bằng?",
        "Giải phóng mặt bằng",
    )
    s.record(
        "Đề nghị cho biết lộ trình chuyển đổi xe buýt sử dụng nhiên liệu xanh trên địa bàn tỉnh?",
        "Giao thông",
        "Phóng viên Báo Quân đội nhân dân",
        "QDND",
        Channel.PHONE,
    )

    # Assigned to Sở Y tế, which has drafted its answer (waiting for the office's approval).
    health = s.assign(
        s.ask(
            "Tình trạng thiếu thuốc, vật tư y tế tại các bệnh viện tuyến tỉnh đã được khắc phục "
            "đến đâu? Người bệnh bảo hiểm y tế còn phải tự mua thuốc ngoài không?",
            "Y tế",
        ),
        "SYT",
    )
    if health is not None and health.id is not None:
        service.save_answer(
            session,
            actor=people.health,
            question_id=health.id,
            data=AnswerInput(
                text="Các bệnh viện tuyến tỉnh đã hoàn thành đấu thầu tập trung thuốc và vật tư "
                "y tế cho năm nay; 96% danh mục thuốc bảo hiểm y tế đã được cung ứng đủ. Sở Y tế "
                "yêu cầu các bệnh viện không để người bệnh tự mua thuốc trong danh mục và lập "
                "đường dây nóng tiếp nhận phản ánh.",
            ),
        )

    # A holding answer: the department needs more time, the journalist is told by when.
    promised = deadlines.add_working_days(work_calendar(session), now, 7)
    s.reply(
        s.assign(
            s.ask(
                "Khi nào các dự án nhà ở xã hội tại phường Hà Khẩu được mở bán, và điều kiện đăng "
                "ký mua như thế nào?",
                "Nhà ở xã hội",
            ),
            "SXD",
        ),
        AnswerInput(
            kind=AnswerKind.HOLDING,
            text="Sở Xây dựng đang tổng hợp số liệu từ các chủ đầu tư về thời điểm mở bán và "
            "hồ sơ đăng ký. Câu trả lời đầy đủ sẽ được gửi tới phóng viên trước ngày hẹn.",
            new_due_on=to_local(promised).date(),
        ),
    )

    # Refused on ground b (a case under investigation); approved by the spokesperson.
    s.reply(
        s.assign(
            s.ask(
                "Đề nghị cho biết kết quả điều tra vụ sai phạm trong đấu giá quyền sử dụng đất tại "
                "đặc khu Vân Đồn; những cá nhân nào đã bị xử lý?",
                "Đất đai",
            ),
            "TTR",
        ),
        AnswerInput(
            kind=AnswerKind.REFUSAL,
            refusal_ground="b",
            text="Vụ việc đang được cơ quan điều tra thụ lý và chưa có kết luận. Thông tin sẽ được "
            "cung cấp cho báo chí khi có kết luận chính thức.",
        ),
    )

    # Asked at a briefing already held, answered there and published on its page.
    held = _held(session)
    if held is not None and held.id is not None:
        for i, (text, topic, asker, agency, code, answer) in enumerate(PUBLIC_QA):
            q = s.record(
                text,
                topic,
                asker,
                agency,
                Channel.BRIEFING,
                received_at=held.starts_at + timedelta(minutes=40),
                briefing_id=held.id,  # typed up by the office after the briefing
            )
            files = [("Bang-so-lieu.pdf", _answer_pdf(text, answer))] if i == 0 else None
            s.reply(s.assign(q, code), AnswerInput(text=answer, public=True), files=files)
            _answered_at(session, q, held.ends_at)
        first = session.exec(
            select(Question).where(Question.briefing_id == held.id).order_by(col(Question.id))
        ).first()
        # The demo journalist asked the same online: merged into the question answered there.
        same = s.ask(
            "Xin cho biết tổng vốn đầu tư trực tiếp nước ngoài mà tỉnh thu hút được từ đầu năm?",
            "Đầu tư",
        )
        if same is not None and same.id is not None and first is not None and first.id:
            service.merge(session, actor=people.office, question_id=same.id, into_id=first.id)

    # Overdue: received by e-mail two weeks ago, assigned, still unanswered.
    s.assign(
        s.record(
            "Đề nghị cho biết nguyên nhân và biện pháp xử lý tình trạng nước thải từ các khu dân "
            "cư chảy ra vịnh Cửa Lục?",
            "Môi trường",
            "Phóng viên VietNamNet",
            "VNN",
            Channel.EMAIL,
            received_at=now - timedelta(days=14),
        ),
        "SNNMT",
    )
    return s.added


PUBLIC_QA = (
    (
        "Kết quả thu hút đầu tư trực tiếp nước ngoài của tỉnh từ đầu năm đến nay thế nào, những "
        "dự án lớn nào đã được cấp phép?",
        "Đầu tư",
        "Phóng viên Báo Nhân Dân",
        "NHANDAN",
        "BXTDT",
        "Từ đầu năm, tỉnh đã cấp mới và điều chỉnh vốn cho 18 dự án đầu tư trực tiếp nước ngoài, "
        "chủ yếu trong các khu công nghiệp Sông Khoai, Bắc Tiền Phong và Đông Mai, tập trung vào "
        "công nghiệp chế biến, chế tạo và năng lượng tái tạo.",
    ),
    (
        "Tỉnh sẽ tháo gỡ vướng mắc về mặt bằng cho các khu công nghiệp ven biển như thế nào?",
        "Đầu tư",
        "Phóng viên Báo Đầu tư",
        "BDT",
        "SNNMT",
        "Sở Nông nghiệp và Môi trường đã lập tổ công tác cùng các địa phương rà soát từng thửa "
        "đất, ưu tiên bố trí tái định cư trước khi thu hồi; mục tiêu bàn giao mặt bằng sạch trong "
        "quý tới.",
    ),
)


def _answered_at(session: Session, q: Question, at: datetime) -> None:
    """Answered at the briefing itself (the service stamps the time of approval)."""
    session.refresh(q)
    q.answered_at = at
    session.add(q)
    for a in session.exec(
        select(Answer).where(Answer.question_id == q.id, Answer.status == AnswerStatus.APPROVED)
    ):
        a.approved_at = at
        session.add(a)
    session.commit()


def seed_votes(session: Session) -> int:
    """The questions asked at the latest briefing held, as the room's queue had them (answered
    in turn), and the demo journalist's up-votes on two of them; 0 when any vote exists. Made
    directly: the service takes votes only while a briefing is live."""
    if session.exec(select(QuestionVote.id)).first() is not None:
        return 0
    journalist = accounts.find_by_email(session, JOURNALIST_EMAIL)
    held = _held(session)
    if journalist is None or journalist.id is None or held is None or held.id is None:
        return 0
    asked = session.exec(
        select(Question)
        .where(Question.briefing_id == held.id, Question.channel == Channel.BRIEFING)
        .order_by(col(Question.id))
    ).all()
    for position, q in enumerate(asked, start=1):
        if q.live_state is None:
            q.live_state = LiveState.ANSWERED
            q.live_position = position
            session.add(q)
    actor = _actor(journalist, Role.JOURNALIST)
    voted = [q for q in asked if q.journalist_id != journalist.id][:2]
    for q in voted:
        session.add(
            QuestionVote(
                question_id=q.id or 0,
                user_id=journalist.id,
                created_at=held.starts_at + timedelta(minutes=35),
            )
        )
        audit.record(session, actor, "question.voted", q, "demo: at a briefing already held")
    session.commit()
    return len(voted)
