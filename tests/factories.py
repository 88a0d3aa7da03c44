"""Plain factory functions for tests: make_org, make_user."""

from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session

from app.accounts.models import Role, User, UserStatus
from app.orgs.models import Organisation, OrganisationName, OrgKind
from app.security import hash_password

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
