"""Signing in under attack: many wrong passwords fired at once for one account get no more password
checks than the limit allows (each attempt is reserved atomically in the database before its
password is checked), and every failed or refused sign-in is in the audit log, with the address
tried and where it came from, never the password. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pwdlib import PasswordHash
from sqlalchemy import Engine
from sqlmodel import Session, select

from app import security
from app.accounts import service
from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.config import Settings
from app.errors import TooManyRequests
from tests.conftest import CHEAP_HASHER, WebClient
from tests.factories import PASSWORD, make_org, make_user
from tests.support import html, signed_in

ATTEMPTS = 40


class CountingHasher(PasswordHash):
    """The test suite's cheap Argon2, counting the passwords it verifies; each check takes as long
    as a production one does, so that parallel attempts overlap as they would on a server."""

    def __init__(self) -> None:
        super().__init__(CHEAP_HASHER.hashers)
        self.verified = 0
        self._lock = threading.Lock()

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        with self._lock:
            self.verified += 1
        time.sleep(0.05)
        return super().verify(password, hash)


@pytest.fixture
def counting() -> Iterator[CountingHasher]:
    hasher = CountingHasher()
    security.use_hasher(hasher)
    try:
        yield hasher
    finally:
        security.use_hasher(CHEAP_HASHER)


def _attempt(engine: Engine, settings: Settings, email: str, n: int, start: Any) -> str:
    """One sign-in with a wrong password, on its own connection: how it ended."""
    start.wait()
    with Session(engine, expire_on_commit=False) as session:
        try:
            service.login(
                session,
                settings=settings,
                email=email,
                password=f"wrong-guess-{n}",
                address=f"10.1.{n // 200}.{n % 200}",
                user_agent="",
            )
        except service.LoginFailed:
            return "failed"
        except TooManyRequests:
            return "refused"
    return "signed in"


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(
    db: Session, app: Any, settings: Settings, counting: CountingHasher
) -> None:
    user = make_user(db, Role.ADMIN)
    limit = settings.login_max_failures_account
    start = threading.Barrier(ATTEMPTS)
    with ThreadPoolExecutor(ATTEMPTS) as pool:
        outcomes = list(
            pool.map(
                lambda n: _attempt(app.state.engine, settings, user.email, n, start),
                range(ATTEMPTS),
            )
        )
    assert counting.verified <= limit
    assert outcomes.count("failed") == counting.verified
    assert outcomes.count("refused") == ATTEMPTS - counting.verified
    # Every attempt, checked or refused, is in the audit log with the address it came from.
    failed = db.exec(select(AuditEvent).where(AuditEvent.action == "session.login_failed")).all()
    assert len(failed) == ATTEMPTS
    assert {e.actor_email for e in failed} == {user.email}
    assert len({e.client_address for e in failed}) == ATTEMPTS


def test_failed_sign_ins_are_in_the_audit_log_with_the_address_tried_never_the_password(
    db: Session, web: WebClient, new_web: Any, settings: Settings
) -> None:
    user = make_user(db, Role.DEPARTMENT, organisation_id=make_org(db).id)
    wrong = "wrong-horse-battery-staple"
    assert web.post("/login", {"email": user.email.upper(), "password": wrong}).status_code == 422
    unknown = {"email": "nobody@example.vn", "password": "guess-guess-guess"}
    assert web.post("/login", unknown).status_code == 422
    for _ in range(settings.login_max_failures_account - 1):
        web.post("/login", {"email": user.email, "password": wrong})
    assert web.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 429

    events = db.exec(
        select(AuditEvent)
        .where(AuditEvent.action == "session.login_failed")
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    ).all()
    assert [e.actor_email for e in events] == [
        user.email,
        "nobody@example.vn",
        *[user.email] * (settings.login_max_failures_account - 1),
        user.email,  # the attempt refused while locked out
    ]
    assert {e.client_address for e in events} == {"testclient"}
    assert events[-1].summary.startswith("refused")
    for event in events:
        stored = " ".join(str(v) for v in event.model_dump().values())
        assert wrong not in stored and PASSWORD not in stored and "guess-guess" not in stored
    # What the administrator sees on the audit page.
    admin = new_web()
    signed_in(admin, db, Role.ADMIN)
    page = html(admin.get("/admin/audit", params={"person": "nobody@example.vn"}).text)
    assert "Đăng nhập · đăng nhập không thành công" in page.text()
    codes = page.attrs(".audit-action", "data-code")
    assert codes and set(codes) == {"session.login_failed"}
