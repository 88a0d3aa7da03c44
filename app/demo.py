"""`pressdesk seed-demo`: the Quảng Ninh organisations and one demo account per role, with
demo briefings, department content, journalists' questions and official statements.

Idempotent: organisations are matched by code and accounts by email, so running it again
adds only what is missing. Passwords are random and printed once, when an account is made.
Names are descriptions of roles, never real people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from sqlmodel import Session

from app.accounts import service as accounts
from app.accounts.models import Role, User, UserStatus
from app.annual.demo import seed_report
from app.attendance.demo import seed_attendance
from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import clashes
from app.briefings import service as briefings
from app.briefings.models import Briefing, BriefingStatus
from app.briefings.recurrence import RuleForm
from app.briefings.states import Action
from app.config import Settings
from app.content.demo import seed_content
from app.giaoban.demo import seed_giao_ban
from app.incidents.demo import seed_matters
from app.monitoring.demo import seed_monitoring
from app.orgs import service as orgs
from app.questions.demo import seed_questions, seed_votes
from app.reports.demo import seed_history
from app.security import hash_password
from app.statements.demo import seed_statements
from app.timeutil import local_today, to_local

DEMO_DOMAIN = "demo.pressdesk.vn"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role
    org_code: str | None = None
    status: UserStatus = UserStatus.ACTIVE
    press_card: str | None = None
    agency_name: str | None = None  # a journalist whose agency is not listed
    card_expires_in_days: int | None = None  # the press card's last day, from the seeding day


DEMO_ACCOUNTS = (
    DemoAccount(f"quantri@{DEMO_DOMAIN}", "Quản trị hệ thống (demo)", Role.ADMIN),
    DemoAccount(
        f"vanphong@{DEMO_DOMAIN}",
        "Chuyên viên Văn phòng báo chí (demo)",
        Role.PRESS_OFFICE,
        "SVHTTDL",
    ),
    DemoAccount(
        f"phatngon@{DEMO_DOMAIN}", "Người phát ngôn UBND tỉnh (demo)", Role.SPOKESPERSON, "UBND-QN"
    ),
    DemoAccount(f"syt@{DEMO_DOMAIN}", "Cán bộ đầu mối Sở Y tế (demo)", Role.DEPARTMENT, "SYT"),
    DemoAccount(
        f"phongvien@{DEMO_DOMAIN}",
        "Phóng viên Thông tấn xã Việt Nam (demo)",
        Role.JOURNALIST,
        "TTXVN",
        press_card="TTX-000123",
    ),
    DemoAccount(
        f"cho.xacminh@{DEMO_DOMAIN}",
        "Phóng viên chờ xác minh (demo)",
        Role.JOURNALIST,
        "VTV",
        status=UserStatus.PENDING,
        press_card="VTV-004567",
    ),
    DemoAccount(
        f"chua.co.co.quan@{DEMO_DOMAIN}",
        "Phóng viên cơ quan chưa có trong danh sách (demo)",
        Role.JOURNALIST,
        status=UserStatus.PENDING,
        press_card="DLHL-000321",
        agency_name="Tạp chí Du lịch Hạ Long (demo)",
    ),
    DemoAccount(
        f"the.sap.het.han@{DEMO_DOMAIN}",
        "Phóng viên có thẻ sắp hết hạn (demo)",
        Role.JOURNALIST,
        "TTXVN",
        press_card="TTX-000777",
        card_expires_in_days=20,
    ),
)


@dataclass(frozen=True)
class SeedResult:
    organisations_added: int
    briefings_added: int
    submissions_added: int
    questions_added: int
    statements_added: int
    past_briefings_added: int  # the year before the demo's own, for the reports
    past_questions_added: int
    created: list[tuple[DemoAccount, str]]  # (account, password), only those made this run
    existing: list[DemoAccount]
    matters_added: int = 0  # sudden matters
    giao_ban_added: int = 0
    annual_reports_added: int = 0  # the draft of this year's report to the Ministry
    votes_added: int = 0  # journalists' up-votes in the room's queue
    registrations_added: int = 0  # journalists registered to attend coming briefings


def seed_demo(session: Session, settings: Settings) -> SeedResult:
    actor = Actor.system("seed-demo")
    added = orgs.seed(session, actor=actor)
    briefings.seed_kinds(session, actor=actor)
    created: list[tuple[DemoAccount, str]] = []
    existing: list[DemoAccount] = []
    for demo in DEMO_ACCOUNTS:
        if accounts.find_by_email(session, demo.email):
            existing.append(demo)
            continue
        org = orgs.get_by_code(session, demo.org_code) if demo.org_code else None
        password = accounts.readable_password()
        user = (
            _not_listed(session, actor, demo, password)
            if demo.agency_name
            else accounts.create_user(
                session,
                settings=settings,
                actor=actor,
                email=demo.email,
                full_name=demo.full_name,
                role=demo.role.value,
                organisation_id=org.id
                if org and demo.role in (Role.DEPARTMENT, Role.JOURNALIST)
                else None,
                password=password,
            )
        )
        if org and user.organisation_id is None:
            user.organisation_id = org.id  # press office and spokesperson: shown with their body
        user.press_card_number = demo.press_card
        user.status = demo.status
        if demo.card_expires_in_days is not None:
            user.press_card_expires_on = local_today() + timedelta(days=demo.card_expires_in_days)
        session.add(user)
        session.commit()
        created.append((demo, password))
    made = seed_briefings(session, settings, actor)
    submissions = seed_content(session, settings)
    questions = seed_questions(session, settings)
    votes = seed_votes(session)
    statements = seed_statements(session)
    past_briefings, past_questions = seed_history(session)
    matters = seed_matters(session)
    giao_ban = seed_giao_ban(session)
    annual = seed_report(session, settings.province_name)
    seed_monitoring(session, settings)
    registrations = seed_attendance(session, settings)
    return SeedResult(
        organisations_added=added,
        briefings_added=made,
        submissions_added=submissions,
        questions_added=questions,
        statements_added=statements,
        past_briefings_added=past_briefings,
        past_questions_added=past_questions,
        created=created,
        existing=existing,
        matters_added=matters,
        giao_ban_added=giao_ban,
        annual_reports_added=annual,
        votes_added=votes,
        registrations_added=registrations,
    )


def _not_listed(session: Session, actor: Actor, demo: DemoAccount, password: str) -> User:
    """A journalist registered with an agency that is not in the registry (as `/register` makes
    one): the office matches or adds it when verifying them."""
    user = User(
        email=demo.email,
        full_name=demo.full_name,
        role=demo.role,
        status=demo.status,
        agency_name_given=demo.agency_name,
        password_hash=hash_password(password),
    )
    session.add(user)
    audit.record(session, actor, "user.created", user, f"{demo.email} (agency not listed)")
    return user


def _org_ids(session: Session, *codes: str) -> list[int]:
    return [o.id for code in codes if (o := orgs.get_by_code(session, code)) and o.id is not None]


SERIES = (
    # kind, rule, time, minutes, invited organisations
    (
        "regular_conference",
        RuleForm("monthly_weekday", weekday="TH", ordinal=-1),
        time(15),
        120,
        ("SYT", "SXD", "SNNMT", "SVHTTDL", "SCT", "STC", "BQLVHL"),
    ),
    (
        "weekly_information",
        RuleForm("weekly", weekday="FR"),
        time(8, 30),
        60,
        ("SVHTTDL", "HNB", "TTTT-QN"),
    ),
    (
        "monthly_giao_ban",
        RuleForm("monthly_weekday", weekday="TU", ordinal=1),
        time(14),
        120,
        ("SVHTTDL", "HNB", "SNV"),
    ),
)


def seed_briefings(session: Session, settings: Settings, actor: Actor) -> int:
    """Three recurring series a year ahead, a few announced, one postponed, and a past with records."""
    if briefings.series_list(session):
        return 0
    today = local_today()
    made = 0
    for code, rule, at, minutes, invited in SERIES:
        kind = briefings.kind_by_code(session, code)
        if kind is None:
            continue
        data = briefings.SeriesInput(
            kind_id=kind.id,
            title_vi=kind.title_pattern_vi,
            title_en=kind.title_pattern_en,
            rule=rule,
            dtstart=today + timedelta(days=1),
            start_time=at,
            duration_minutes=minutes,
            venue=kind.venue,
            chair=kind.chair,
            organiser_org_id=kind.organiser_org_id,
            invitee_ids=_org_ids(session, *invited),
            content_days_before=kind.content_days_before,
            notes="Phóng viên đăng ký dự họp và gửi câu hỏi trước qua Press Desk.",
        )
        # The demo's series meet on some days (the weekly briefing and the monthly conference
        # with the same chair): accepted as the office would, so the clash list shows them.
        data.accept_clashes = clashes.token(
            briefings.series_clashes(session, data, settings.briefing_horizon_months)
        )
        series, result = briefings.create_series(
            session, actor=actor, data=data, horizon_months=settings.briefing_horizon_months
        )
        made += result.created
        for b in briefings.series_briefings(session, series.id or 0)[:3]:
            briefings.transition(
                session,
                actor=actor,
                briefing_id=b.id or 0,
                data=briefings.TransitionInput(Action.ANNOUNCE),
                expected_sequence=None,
            )
    weekly = briefings.kind_by_code(session, "weekly_information")
    announced = [
        b
        for s in briefings.series_list(session)
        if weekly and s.kind_id == weekly.id
        for b in briefings.series_briefings(session, s.id or 0)
        if b.is_public
    ]
    if announced:
        moved = announced[0]
        new_day = to_local(moved.starts_at).date() + timedelta(days=3)
        new_day = (
            new_day if new_day.weekday() < 5 else new_day + timedelta(days=7 - new_day.weekday())
        )
        briefings.transition(
            session,
            actor=actor,
            briefing_id=moved.id or 0,
            expected_sequence=None,
            data=briefings.TransitionInput(
                Action.POSTPONE,
                reason="Trùng lịch làm việc của lãnh đạo tỉnh; dời sang ngày làm việc kế tiếp.",
                new_day=new_day,
                new_start=time(8, 30),
                new_end=time(9, 30),
            ),
        )
    return made + _seed_past(session, actor)


PAST = (
    (
        "regular_conference",
        32,
        "Họp báo thường kỳ UBND tỉnh tháng {month}/{year}",
        "Thông tin kết quả phát triển kinh tế - xã hội trong tháng; trả lời 12 câu hỏi của phóng viên về giải phóng mặt bằng, "
        "du lịch vịnh Hạ Long và y tế cơ sở.",
    ),
    (
        "regular_conference",
        60,
        "Họp báo thường kỳ UBND tỉnh tháng {month}/{year}",
        "Thông tin về thu ngân sách, thu hút đầu tư và công tác chuẩn bị mùa du lịch; trả lời 9 câu hỏi của phóng viên.",
    ),
    (
        "incident_conference",
        45,
        "Họp báo đột xuất về công tác ứng phó bão số 3",
        "Thông tin về tình hình thiệt hại, công tác cứu hộ trên vịnh Hạ Long và kế hoạch khắc phục hậu quả.",
    ),
    (
        "thematic_conference",
        75,
        "Họp báo chuyên đề về chuyển đổi số trong cải cách hành chính",
        "Giới thiệu các dịch vụ công trực tuyến mới và kết quả triển khai chính quyền số cấp xã.",
    ),
)


def _seed_past(session: Session, actor: Actor) -> int:
    """Briefings already held, with their records (made directly: the service refuses past dates)."""
    made = 0
    for code, days_ago, title, summary in PAST:
        kind = briefings.kind_by_code(session, code)
        if kind is None:
            continue
        day = local_today() - timedelta(days=days_ago)
        day -= timedelta(days=max(0, day.weekday() - 4))  # a weekday
        starts = briefings.local_datetime(day, time(15))
        held = Briefing(
            kind_id=kind.id or 0,
            title_vi=briefings.render_title(title, day),
            starts_at=starts,
            ends_at=starts + timedelta(minutes=kind.duration_minutes),
            venue=kind.venue,
            chair=kind.chair,
            organiser_org_id=kind.organiser_org_id,
            status=BriefingStatus.RECORD_PUBLISHED,
            announced_at=starts - timedelta(days=5),
            record_summary=summary,
            record_url="https://www.youtube.com/@example-press-desk",
        )
        session.add(held)
        session.flush()
        audit.record(session, actor, "briefing.created", held, f"{held.title_vi} (demo, held)")
        made += 1
    session.commit()
    return made
