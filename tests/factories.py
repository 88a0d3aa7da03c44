"""Plain factory functions for tests: make_org, make_user."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session

from app.accounts.models import Role, User, UserStatus
from app.briefings.models import Briefing, BriefingKind, BriefingStatus
from app.orgs.models import Organisation, OrganisationName, OrgKind
from app.security import hash_password
from app.timeutil import local_today, utcnow

PASSWORD = "lantern-harbour-cobalt-47"
_seq = itertools.count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    """A cheap Argon2id hash of PASSWORD: verifying uses the parameters stored in the hash,
    so signing in as a factory user is fast, while the application keeps its strong defaults."""
    return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),)).hash(
        PASSWORD
    )


def make_org(session: Session, **over: Any) -> Organisation:
    n = next(_seq)
    kind = over.pop("kind", OrgKind.DEPARTMENT)
    name_vi = over.pop("name_vi", f"Sở Thử nghiệm {n}")
    name_en = over.pop("name_en", f"Test Department {n}")
    valid_from = over.pop("valid_from", date(2020, 1, 1))
    org = Organisation(code=over.pop("code", f"T{n}"), kind=kind, valid_from=valid_from, **over)
    session.add(org)
    session.flush()
    assert org.id is not None
    session.add(
        OrganisationName(
            organisation_id=org.id,
            name_vi=name_vi,
            name_en=name_en,
            valid_from=valid_from,
            valid_to=over.get("valid_to"),
        )
    )
    session.commit()
    return org


def make_user(session: Session, role: Role = Role.ADMIN, **over: Any) -> User:
    n = next(_seq)
    org = over.pop("org", None)
    if org is None and role in (Role.DEPARTMENT, Role.JOURNALIST) and "organisation_id" not in over:
        org = make_org(
            session, kind=OrgKind.PRESS_AGENCY if role == Role.JOURNALIST else OrgKind.DEPARTMENT
        )
    user = User(
        email=over.pop("email", f"user{n}@example.vn"),
        full_name=over.pop("full_name", f"Người dùng {n}"),
        role=role,
        status=over.pop("status", UserStatus.ACTIVE),
        organisation_id=org.id if org is not None else over.pop("organisation_id", None),
        password_hash=_password_hash()
        if "password" not in over
        else hash_password(over.pop("password")),
        **over,
    )
    session.add(user)
    session.commit()
    return user


def make_kind(session: Session, code: str = "regular_conference", **over: Any) -> BriefingKind:
    """A kind of briefing (the seeded kinds use these codes, see app/briefings/data/kinds.toml)."""
    from app.briefings.service import kind_by_code

    existing = kind_by_code(session, code)
    if existing is not None:
        return existing
    kind = BriefingKind(
        code=code,
        name_vi=over.pop("name_vi", f"Loại {code}"),
        name_en=over.pop("name_en", f"Kind {code}"),
        title_pattern_vi=over.pop("title_pattern_vi", "Họp báo tháng {month}/{year}"),
        title_pattern_en=over.pop("title_pattern_en", "Press conference {month}/{year}"),
        duration_minutes=over.pop("duration_minutes", 90),
        content_days_before=over.pop("content_days_before", 3),
        **over,
    )
    session.add(kind)
    session.commit()
    return kind


def make_briefing(
    session: Session, *, days_ahead: int = 10, hour: int = 15, announced: bool = False, **over: Any
) -> Briefing:
    """A one-off briefing `days_ahead` days from today at `hour` (local time), 90 minutes long."""
    from app.briefings.service import local_datetime

    kind = over.pop("kind", None) or make_kind(session)
    day = local_today() + timedelta(days=days_ahead)
    starts = local_datetime(day, time(hour))
    briefing = Briefing(
        kind_id=kind.id,
        title_vi=over.pop("title_vi", f"Họp báo thử {next(_seq)}"),
        starts_at=over.pop("starts_at", starts),
        ends_at=over.pop("ends_at", starts + timedelta(minutes=90)),
        status=over.pop(
            "status", BriefingStatus.ANNOUNCED if announced else BriefingStatus.PLANNED
        ),
        announced_at=over.pop("announced_at", utcnow() if announced else None),
        **over,
    )
    session.add(briefing)
    session.commit()
    return briefing


# --- Department content -----------------------------------------------------------------------


@lru_cache(maxsize=16)
def pdf_bytes(text: str = "Đề cương: Talking points") -> bytes:
    """A real one-page PDF with `text` on it (made by WeasyPrint, read back by pypdf)."""
    from weasyprint import HTML

    return bytes(HTML(string=f"<p style='font-family: DejaVu Sans'>{text}</p>").write_pdf())


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def make_call(
    session: Session,
    *,
    briefing: Briefing | None = None,
    orgs: list[Organisation] | None = None,
    deadline_in: timedelta = timedelta(days=3),
    **over: Any,
) -> Any:
    """An open call for content (deadline `deadline_in` from now) to `orgs`."""
    from app.content.models import CallRecipient, ContentCall

    briefing = briefing or make_briefing(session, days_ahead=10)
    call = ContentCall(
        briefing_id=briefing.id,
        deadline=over.pop("deadline", utcnow() + deadline_in),
        instructions=over.pop("instructions", "Gửi đề cương trước hạn."),
        **over,
    )
    session.add(call)
    session.flush()
    for org in orgs or []:
        session.add(CallRecipient(call_id=call.id, organisation_id=org.id))
    session.commit()
    return call


def make_submission(session: Session, call: Any, org: Organisation, **over: Any) -> Any:
    """A submission of `org` for `call`, a draft unless `status` says otherwise."""
    from app.content.models import Submission

    sub = Submission(
        call_id=call.id,
        organisation_id=org.id,
        title=over.pop("title", f"Nội dung {next(_seq)}"),
        talking_points=over.pop("talking_points", "- Điểm thứ nhất\n- Điểm thứ hai"),
        contact_name=over.pop("contact_name", "Cán bộ đầu mối"),
        **over,
    )
    session.add(sub)
    session.commit()
    return sub
