"""Demo registrations to attend for `pressdesk seed-demo`: on the next announced regular press
conference (30 seats) the demo journalist of Thông tấn xã Việt Nam and reporters of other press
agencies in person, a television crew of Đài Truyền hình Việt Nam, a radio reporter online, and
one registration the office refused with its reason; on the next weekly information conference
two more.

Idempotent: nothing is added once any registration exists. The extra reporters are accounts
named by their agency (never a real person's name) with a random password nobody is given;
crew members are named by their job. Everything goes through the service, as people would.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.accounts import service as accounts
from app.accounts.models import Role, User, UserStatus
from app.attendance import service
from app.attendance.models import Registration
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing, BriefingStatus
from app.config import Settings
from app.orgs import service as orgs
from app.timeutil import utcnow

DEMO_DOMAIN = "demo.pressdesk.vn"  # as in app/demo.py
JOURNALIST_EMAIL = f"phongvien@{DEMO_DOMAIN}"

# (e-mail, name, agency code, press card): reporters who register (demo accounts).
REPORTERS = (
    (f"vtv.quangninh@{DEMO_DOMAIN}", "Phóng viên thường trú VTV (demo)", "VTV", "VTV-010203"),
    (f"nhandan.quangninh@{DEMO_DOMAIN}", "Phóng viên Báo Nhân Dân (demo)", "NHANDAN", "ND-004455"),
    (f"vov5@{DEMO_DOMAIN}", "Phóng viên VOV5 (demo)", "VOV5", "VOV-007788"),
    (
        f"qdnd.quangninh@{DEMO_DOMAIN}",
        "Phóng viên Báo Quân đội nhân dân (demo)",
        "QDND",
        "QD-001122",
    ),
    (
        f"tttt.quangninh@{DEMO_DOMAIN}",
        "Phóng viên Trung tâm Truyền thông tỉnh (demo)",
        "TTTT-QN",
        "QN-003344",
    ),
)
TV_CREW = "Quay phim (demo)\nKỹ thuật âm thanh (demo)"
LOCAL_CREW = "Quay phim (demo)"
REFUSAL = "Thẻ nhà báo đã hết hạn; đề nghị cơ quan báo chí cử phóng viên có thẻ còn hiệu lực."


def _reporter(session: Session, settings: Settings, actor: Actor, row: tuple[str, ...]) -> User:
    email, name, code, card = row
    found = accounts.find_by_email(session, email)
    if found is not None:
        return found
    agency = orgs.get_by_code(session, code)
    user = accounts.create_user(
        session,
        settings=settings,
        actor=actor,
        email=email,
        full_name=name,
        role=Role.JOURNALIST.value,
        organisation_id=agency.id if agency else None,
        password=accounts.readable_password(),
    )
    user.press_card_number = card
    user.status = UserStatus.ACTIVE
    session.add(user)
    session.commit()
    return user


def _next(session: Session, kind_code: str) -> Briefing | None:
    kind = briefings.kind_by_code(session, kind_code)
    if kind is None:
        return None
    return session.exec(
        select(Briefing)
        .where(
            Briefing.kind_id == kind.id,
            col(Briefing.announced_at).is_not(None),
            Briefing.status == BriefingStatus.ANNOUNCED,
            col(Briefing.starts_at) > utcnow(),
        )
        .order_by(col(Briefing.starts_at))
    ).first()


def _as(user: User) -> Actor:
    return Actor(user.id, user.email, user.role.value, user.organisation_id, None)


def seed_attendance(session: Session, settings: Settings) -> int:
    """Registrations on the coming demo briefings; the number added."""
    if session.exec(select(Registration.id)).first() is not None:
        return 0
    office = Actor.system("seed-demo")
    conference = _next(session, "regular_conference")
    weekly = _next(session, "weekly_information")
    demo = accounts.find_by_email(session, JOURNALIST_EMAIL)
    reporters = [_reporter(session, settings, office, row) for row in REPORTERS]
    vtv, nhandan, vov5, qdnd, tttt = reporters
    made = 0

    def register(user: User | None, b: Briefing | None, mode: str, crew: str = "") -> None:
        nonlocal made
        if user is None or b is None or b.id is None:
            return
        service.register(
            session,
            actor=_as(user),
            briefing_id=b.id,
            data=service.RegistrationInput(mode=mode, crew=crew),
        )
        made += 1

    if conference is not None and conference.id is not None:
        service.save_settings(
            session,
            actor=office,
            briefing_id=conference.id,
            data=service.SettingsInput(capacity="30"),
        )
        register(demo, conference, "in_person")
        register(vtv, conference, "in_person", TV_CREW)
        register(nhandan, conference, "in_person")
        register(vov5, conference, "online")
        register(qdnd, conference, "in_person")
        refused = service.registration_of(session, conference.id, qdnd.id or 0)
        if refused is not None and refused.id is not None:
            service.refuse(
                session,
                actor=office,
                briefing_id=conference.id,
                registration_id=refused.id,
                reason=REFUSAL,
            )
    register(tttt, weekly, "in_person", LOCAL_CREW)
    register(demo, weekly, "online")
    return made
