"""`pressdesk seed-demo`: the Quảng Ninh organisations and one demo account per role.

Idempotent: organisations are matched by code and accounts by email, so running it again
adds only what is missing. Passwords are random and printed once, when an account is made.
Names are descriptions of roles, never real people.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.accounts import service as accounts
from app.accounts.models import Role, UserStatus
from app.audit.service import Actor
from app.config import Settings
from app.orgs import service as orgs

DEMO_DOMAIN = "demo.pressdesk.vn"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role
    org_code: str | None = None
    status: UserStatus = UserStatus.ACTIVE
    press_card: str | None = None


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
)


@dataclass(frozen=True)
class SeedResult:
    organisations_added: int
    created: list[tuple[DemoAccount, str]]  # (account, password), only those made this run
    existing: list[DemoAccount]


def seed_demo(session: Session, settings: Settings) -> SeedResult:
    actor = Actor.system("seed-demo")
    added = orgs.seed(session, actor=actor)
    created: list[tuple[DemoAccount, str]] = []
    existing: list[DemoAccount] = []
    for demo in DEMO_ACCOUNTS:
        if accounts.find_by_email(session, demo.email):
            existing.append(demo)
            continue
        org = orgs.get_by_code(session, demo.org_code) if demo.org_code else None
        password = accounts.readable_password()
        user = accounts.create_user(
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
        if org and user.organisation_id is None:
            user.organisation_id = org.id  # press office and spokesperson: shown with their body
        user.press_card_number = demo.press_card
        user.status = demo.status
        session.add(user)
        session.commit()
        created.append((demo, password))
    return SeedResult(added, created, existing)
