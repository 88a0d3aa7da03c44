"""Account use cases without HTTP: passwords, sessions, accounts, journalist verification."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts import journalists, service
from app.accounts.models import Role, User, UserSession, UserStatus
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.config import Settings
from app.errors import Conflict, TooManyRequests, ValidationFailed
from app.security import password_problem
from app.timeutil import utcnow
from tests.factories import PASSWORD, make_org, make_user

SYSTEM = Actor.system("test")


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "password1234",
        "matkhau123456",
        "123456789012",
        "qwertyuiop12",
        "quangninh2026",
        "aaaaaaaaaaaaaaaa",
    ],
)
def test_weak_or_common_passwords_are_refused(password: str) -> None:
    assert password_problem(password, min_length=12, user_inputs=[]) is not None


@pytest.mark.parametrize(
    "password", ["lantern-harbour-cobalt-47", "mây trắng bay qua đỉnh núi", "q8pq-dnfm-bpw2-k345"]
)
def test_long_unguessable_passwords_are_accepted(password: str) -> None:
    assert password_problem(password, min_length=12, user_inputs=[]) is None


def test_password_made_of_the_users_own_email_is_refused() -> None:
    assert (
        password_problem("nguyenvana2026", min_length=12, user_inputs=["nguyenvana2026@example.vn"])
        is not None
    )


def _create(db: Session, settings: Settings, **over: Any) -> User:
    values: dict[str, Any] = {
        "email": "Moi.Nguoi@Example.vn",
        "full_name": "Người dùng mới",
        "role": "admin",
        "organisation_id": None,
        "password": PASSWORD,
    }
    values.update(over)
    return service.create_user(db, settings=settings, actor=SYSTEM, **values)


def test_create_user_normalises_email_and_hashes_with_argon2(
    db: Session, settings: Settings
) -> None:
    user = _create(db, settings)
    assert user.email == "moi.nguoi@example.vn"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_create_user_reports_every_bad_field(db: Session, settings: Settings) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _create(db, settings, email="not-an-email", full_name=" ", role="boss", password="short")
    assert set(exc.value.errors) == {"email", "full_name", "role", "password"}


def test_department_user_needs_a_current_department(db: Session, settings: Settings) -> None:
    agency = make_org(db, kind="press_agency")
    with pytest.raises(ValidationFailed) as exc:
        _create(db, settings, role="department", organisation_id=None)
    assert "organisation_id" in exc.value.errors
    with pytest.raises(ValidationFailed):
        _create(db, settings, role="department", organisation_id=agency.id)
    from datetime import date

    retired = make_org(db, valid_to=date(2025, 2, 28))
    with pytest.raises(ValidationFailed):
        _create(db, settings, role="department", organisation_id=retired.id)
    dept = make_org(db)
    assert (
        _create(db, settings, role="department", organisation_id=dept.id).organisation_id == dept.id
    )


def test_duplicate_email_is_refused(db: Session, settings: Settings) -> None:
    _create(db, settings)
    with pytest.raises(ValidationFailed) as exc:
        _create(db, settings, email="moi.nguoi@EXAMPLE.vn")
    assert "email" in exc.value.errors


def test_login_stores_only_a_digest_of_the_session_token(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.ADMIN)
    _, token, csrf = service.login(
        db,
        settings=settings,
        email=user.email,
        password=PASSWORD,
        address="1.2.3.4",
        user_agent="t",
    )
    rows = db.exec(select(UserSession)).all()
    assert len(rows) == 1
    assert rows[0].id != token and token not in rows[0].id
    assert rows[0].csrf_token == csrf
    assert service.load_session(db, settings=settings, token=token) is not None
    assert service.load_session(db, settings=settings, token=token + "x") is None


def test_wrong_password_and_unknown_account_fail_alike(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.ADMIN)
    with pytest.raises(service.LoginFailed) as wrong:
        service.login(
            db,
            settings=settings,
            email=user.email,
            password="nope-nope-nope",
            address="a",
            user_agent="",
        )
    with pytest.raises(service.LoginFailed) as unknown:
        service.login(
            db,
            settings=settings,
            email="nobody@example.vn",
            password="nope-nope-nope",
            address="a",
            user_agent="",
        )
    assert wrong.value.errors == unknown.value.errors


def test_account_is_locked_after_repeated_failures_even_with_right_password(
    db: Session, settings: Settings
) -> None:
    user = make_user(db, Role.ADMIN)
    for _ in range(settings.login_max_failures_account):
        with pytest.raises(service.LoginFailed):
            service.login(
                db,
                settings=settings,
                email=user.email,
                password="wrong-wrong-wrong",
                address=f"10.0.0.{_}",
                user_agent="",
            )
    with pytest.raises(TooManyRequests) as exc:
        service.login(
            db,
            settings=settings,
            email=user.email,
            password=PASSWORD,
            address="10.9.9.9",
            user_agent="",
        )
    assert exc.value.retry_after > 60


def test_session_expires_after_idle_time_and_is_removed(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.ADMIN)
    _, token, _ = service.login(
        db, settings=settings, email=user.email, password=PASSWORD, address="a", user_agent=""
    )
    row = db.exec(select(UserSession)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=settings.session_idle_minutes + 1)
    db.add(row)
    db.commit()
    assert service.load_session(db, settings=settings, token=token) is None
    assert db.exec(select(UserSession)).first() is None


def test_session_ends_at_its_absolute_limit_even_when_active(
    db: Session, settings: Settings
) -> None:
    user = make_user(db, Role.ADMIN)
    _, token, _ = service.login(
        db, settings=settings, email=user.email, password=PASSWORD, address="a", user_agent=""
    )
    row = db.exec(select(UserSession)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    assert service.load_session(db, settings=settings, token=token) is None


def test_password_change_ends_every_session_and_opens_one(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.ADMIN)
    tokens = [
        service.login(
            db, settings=settings, email=user.email, password=PASSWORD, address="a", user_agent=""
        )[1]
        for _ in range(3)
    ]
    actor = Actor(user.id, user.email, "admin", None, "a")
    new_token = service.change_password(
        db,
        settings=settings,
        actor=actor,
        user=user,
        current=PASSWORD,
        new="violet-granite-ferry-2031",
        confirm="violet-granite-ferry-2031",
        user_agent="",
    )
    assert all(service.load_session(db, settings=settings, token=t) is None for t in tokens)
    assert service.load_session(db, settings=settings, token=new_token) is not None
    with pytest.raises(service.LoginFailed):
        service.login(
            db, settings=settings, email=user.email, password=PASSWORD, address="a", user_agent=""
        )


def test_password_change_checks_current_and_confirmation(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.ADMIN)
    actor = Actor(user.id, user.email, "admin", None, "a")
    kw: dict[str, Any] = {"settings": settings, "actor": actor, "user": user, "user_agent": ""}
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(
            db,
            current="wrong",
            new="violet-granite-ferry-2031",
            confirm="violet-granite-ferry-2031",
            **kw,
        )
    assert set(exc.value.errors) == {"current_password"}
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(
            db,
            current=PASSWORD,
            new="violet-granite-ferry-2031",
            confirm="violet-granite-ferry-2032",
            **kw,
        )
    assert set(exc.value.errors) == {"password_confirm"}
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(db, current=PASSWORD, new=PASSWORD, confirm=PASSWORD, **kw)
    assert set(exc.value.errors) == {"password"}


def test_reset_password_gives_one_time_password_and_ends_sessions(
    db: Session, settings: Settings
) -> None:
    user = make_user(db, Role.DEPARTMENT)
    _, token, _ = service.login(
        db, settings=settings, email=user.email, password=PASSWORD, address="a", user_agent=""
    )
    temporary = service.reset_password(db, actor=SYSTEM, user_id=user.id)
    assert service.load_session(db, settings=settings, token=token) is None
    again, _, _ = service.login(
        db, settings=settings, email=user.email, password=temporary, address="a", user_agent=""
    )
    assert again.must_change_password


def test_disabled_account_cannot_sign_in_and_admin_cannot_disable_self(
    db: Session, settings: Settings
) -> None:
    admin = make_user(db, Role.ADMIN)
    user = make_user(db, Role.PRESS_OFFICE)
    actor = Actor(admin.id, admin.email, "admin", None, "a")
    service.set_disabled(db, actor=actor, user_id=user.id, disabled=True)
    with pytest.raises(service.LoginFailed) as exc:
        service.login(
            db, settings=settings, email=user.email, password=PASSWORD, address="a", user_agent=""
        )
    assert "disabled" in exc.value.errors["form"].text
    with pytest.raises(Conflict):
        service.set_disabled(db, actor=actor, user_id=admin.id, disabled=True)
    assert (
        service.set_disabled(db, actor=actor, user_id=user.id, disabled=False).status
        == UserStatus.ACTIVE
    )


def _register(db: Session, settings: Settings, agency_id: int | None, **over: Any) -> User | None:
    values: dict[str, Any] = {
        "email": "pv@baomoi.vn",
        "full_name": "Phóng viên Thử",
        "organisation": str(agency_id),
        "press_card_number": "ttx-000999",
        "password": "violet-granite-ferry-2031",
        "password_confirm": "violet-granite-ferry-2031",
    }
    values.update(over)
    return journalists.register(db, settings=settings, address="5.6.7.8", **values)


def test_journalist_registration_waits_for_verification(db: Session, settings: Settings) -> None:
    agency = make_org(db, kind="press_agency")
    user = _register(db, settings, agency.id)
    assert user is not None
    assert (user.role, user.status, user.press_card_number) == (
        Role.JOURNALIST,
        UserStatus.PENDING,
        "TTX-000999",
    )


def test_registration_needs_a_press_agency_and_a_card(db: Session, settings: Settings) -> None:
    department = make_org(db)
    with pytest.raises(ValidationFailed) as exc:
        _register(db, settings, department.id, press_card_number="")
    assert set(exc.value.errors) == {"organisation_id", "press_card_number"}


def test_registering_a_taken_email_reveals_nothing_and_creates_nothing(
    db: Session, settings: Settings
) -> None:
    agency = make_org(db, kind="press_agency")
    existing = make_user(db, Role.ADMIN, email="pv@baomoi.vn")
    assert _register(db, settings, agency.id) is None
    db.expire_all()
    assert db.get(User, existing.id).role == Role.ADMIN
    assert len(db.exec(select(User)).all()) == 1


def test_office_verifies_or_rejects_with_a_reason(db: Session, settings: Settings) -> None:
    agency = make_org(db, kind="press_agency")
    office = make_user(db, Role.PRESS_OFFICE)
    actor = Actor(office.id, office.email, "press_office", None, "a")
    journalist = _register(db, settings, agency.id)
    assert journalist is not None
    with pytest.raises(ValidationFailed) as exc:
        journalists.decide(db, actor=actor, user_id=journalist.id, verify=False, reason="  ")
    assert "reason" in exc.value.errors
    rejected = journalists.decide(
        db, actor=actor, user_id=journalist.id, verify=False, reason="Số thẻ không khớp"
    )
    assert (rejected.status, rejected.status_reason) == (UserStatus.REJECTED, "Số thẻ không khớp")
    verified = journalists.decide(db, actor=actor, user_id=journalist.id, verify=True)
    assert (verified.status, verified.status_reason) == (UserStatus.ACTIVE, None)
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    assert actions[-2:] == ["journalist.rejected", "journalist.verified"]


def test_audit_log_never_holds_passwords_or_tokens(db: Session, settings: Settings) -> None:
    agency = make_org(db, kind="press_agency")
    user = _create(db, settings)
    _, token, csrf = service.login(
        db, settings=settings, email=user.email, password=PASSWORD, address="a", user_agent=""
    )
    actor = Actor(user.id, user.email, "admin", None, "a")
    service.change_password(
        db,
        settings=settings,
        actor=actor,
        user=user,
        current=PASSWORD,
        new="violet-granite-ferry-2031",
        confirm="violet-granite-ferry-2031",
        user_agent="",
    )
    temporary = service.reset_password(db, actor=actor, user_id=user.id)
    _register(db, settings, agency.id)
    secrets = [PASSWORD, "violet-granite-ferry-2031", temporary, token, csrf]
    events = db.exec(select(AuditEvent)).all()
    assert len(events) >= 5
    for event in events:
        text = " ".join(str(v) for v in event.model_dump().values())
        assert not any(s in text for s in secrets), event
