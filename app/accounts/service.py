"""Use cases for accounts: sign in and out, sessions, passwords, users and journalist checks."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Protocol

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Engine, delete, func, update
from sqlmodel import Session, col, select

from app.accounts import throttle
from app.accounts.models import ROLE_ORG_KINDS, Role, User, UserSession, UserStatus
from app.audit import service as audit
from app.audit.service import Actor
from app.config import Settings
from app.errors import Conflict, NotFound, TooManyRequests, ValidationFailed
from app.forms import text_problem
from app.i18n import Msg
from app.orgs import service as orgs
from app.security import (
    dummy_hash,
    hash_password,
    new_token,
    password_problem,
    token_digest,
    verify_password,
)
from app.timeutil import utcnow
from app.uow import use_case

BAD_LOGIN = Msg("The email address or password is not correct.")


class LoginFailed(ValidationFailed):
    """Wrong email or password: one message that does not say which."""

    def __init__(self, message: Msg = BAD_LOGIN) -> None:
        super().__init__({"form": message})


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_email(email: str, errors: dict[str, Msg]) -> str:
    email = normalise_email(email)
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = Msg("Enter a valid email address, like name@example.vn.")
        return email


def _check_new_password(
    settings: Settings,
    password: str,
    confirm: str,
    inputs: list[str],
    errors: dict[str, Msg],
    field: str = "password",
) -> None:
    problem = password_problem(
        password, min_length=settings.password_min_length, user_inputs=inputs
    )
    if problem:
        errors[field] = problem
    elif password != confirm:
        errors[f"{field}_confirm"] = Msg("The two passwords do not match.")


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


# --- Signing in and sessions ------------------------------------------------------------------


def login_decision(
    session: Session, *, settings: Settings, email: str, address: str
) -> throttle.Decision:
    """How long to hold this attempt, or whether to refuse it (checked before the password)."""
    email = normalise_email(email)[:254]
    if text_problem(email, line=True):  # refused by `login` before any counting
        return throttle.Decision(False, 0, 0.0)
    return throttle.check(session, settings, utcnow(), email, address)


@use_case
def login(
    session: Session,
    *,
    settings: Settings,
    email: str,
    password: str,
    address: str,
    user_agent: str,
) -> tuple[User, str, str]:
    """Check the password and open a session; returns the user, the session token and its CSRF token.

    The attempt is first counted as a failure (`throttle.reserve`) and committed, so that parallel
    attempts see it before any password is checked: no more than the limit are ever checked. A
    failed or refused attempt is written to the audit log with the address it came from. The
    commits here say why: a failed sign-in must count even though the use case then fails.
    """
    now = utcnow()
    email = normalise_email(email)[:254]
    if problem := text_problem(email, line=True):  # no one's address, and nothing to store
        raise ValidationFailed({"email": problem})
    if not throttle.reserve(session, settings, now, email, address):
        session.rollback()  # the account's reservation, when only the address was at its limit
        decision = throttle.check(session, settings, now, email, address)
        _failed(session, email, address, None, "refused: too many failed attempts")
        session.commit()
        raise TooManyRequests(
            max(1, decision.retry_after),
            Msg(
                "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
                {"minutes": max(1, round(decision.retry_after / 60))},
            ),
        )
    session.commit()
    user = find_by_email(session, email)
    ok = verify_password(password[:256], user.password_hash if user else dummy_hash())
    if not user or not ok or user.status == UserStatus.DISABLED:
        reason = "unknown e-mail" if not user else "wrong password" if not ok else "disabled"
        _failed(session, email, address, user, reason)
        session.commit()
        if user and ok:
            raise LoginFailed(
                Msg("This account has been disabled. Contact the spokesperson's office.")
            )
        raise LoginFailed()
    throttle.release(session, email, address)
    user.last_login_at = now
    session.add(user)
    token, csrf = _open_session(session, settings, user, address, user_agent, now)
    actor = Actor(user.id, user.email, user.role.value, user.organisation_id, address)
    audit.record(session, actor, "session.login", user)
    return user, token, csrf


def _failed(session: Session, email: str, address: str, user: User | None, reason: str) -> None:
    """Audit a failed sign-in: the e-mail address tried and the client's address, never the
    password."""
    actor = Actor(None, email, None, None, address[:64])
    audit.record(session, actor, "session.login_failed", user, reason, object_type="app_user")


def _open_session(
    session: Session,
    settings: Settings,
    user: User,
    address: str | None,
    user_agent: str | None,
    now: datetime,
) -> tuple[str, str]:
    """Open a session row; returns the cookie token and the session's CSRF token."""
    assert user.id is not None
    idle = timedelta(minutes=settings.session_idle_minutes)
    session.execute(  # tidy this user's expired sessions while we are here
        delete(UserSession).where(
            col(UserSession.user_id) == user.id,
            (col(UserSession.expires_at) < now) | (col(UserSession.last_seen_at) < now - idle),
        )
    )
    token, csrf = new_token(), new_token()
    session.add(
        UserSession(
            id=token_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
            client_address=(address or "")[:64] or None,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    return token, csrf


@use_case
def load_session(
    session: Session, *, settings: Settings, token: str
) -> tuple[UserSession, User] | None:
    """The live session for a cookie token and its user; expired sessions end here."""
    now = utcnow()
    row = session.get(UserSession, token_digest(token))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.status == UserStatus.DISABLED or not session_live(settings, row, now):
        session.delete(row)
        return None
    if touch_due(settings, row, now):
        row.last_seen_at = now  # sliding expiry, written at most once a minute
        session.add(row)
    return row, user


class SessionTimes(Protocol):
    @property
    def expires_at(self) -> datetime: ...
    @property
    def last_seen_at(self) -> datetime: ...


def session_live(settings: Settings, row: SessionTimes, now: datetime) -> bool:
    """Neither past its end nor idle for too long (the user's own state is checked apart)."""
    idle = timedelta(minutes=settings.session_idle_minutes)
    return row.expires_at > now and row.last_seen_at > now - idle


def touch_due(settings: Settings, row: SessionTimes, now: datetime) -> bool:
    """Time to write the session's last use again (the sliding expiry)."""
    return (now - row.last_seen_at).total_seconds() >= settings.session_touch_seconds


def touch(engine: Engine, settings: Settings, session_id: str, now: datetime) -> None:
    """Write the session's last use when it is due, in a transaction of its own (for a page served
    without a route, `app.staffcache`): a row no page shows, so nothing else is counted."""
    due = now - timedelta(seconds=settings.session_touch_seconds)
    with engine.begin() as conn:
        conn.execute(
            update(UserSession)
            .where(col(UserSession.id) == session_id, col(UserSession.last_seen_at) <= due)
            .values(last_seen_at=now)
        )


@use_case
def logout(session: Session, *, actor: Actor, session_id: str | None) -> None:
    if session_id is None:
        return
    row = session.get(UserSession, session_id)
    if row is not None:
        session.delete(row)
        audit.record(session, actor, "session.logout", None, object_type="app_user")


def _end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id))


@use_case
def change_password(
    session: Session,
    *,
    settings: Settings,
    actor: Actor,
    user: User,
    current: str,
    new: str,
    confirm: str,
    user_agent: str,
) -> str:
    """Set a new password, end every session of the user, and open a fresh one for this browser."""
    errors: dict[str, Msg] = {}
    if not verify_password(current[:256], user.password_hash):
        errors["current_password"] = Msg("The current password is not correct.")
    elif new == current:
        errors["password"] = Msg("Choose a password different from the current one.")
    else:
        _check_new_password(settings, new, confirm, [user.email, user.full_name], errors)
    if errors:
        raise ValidationFailed(errors)
    assert user.id is not None
    now = utcnow()
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.must_change_password = False
    session.add(user)
    _end_all_sessions(session, user.id)
    token, _csrf = _open_session(session, settings, user, actor.address, user_agent, now)
    audit.record(session, actor, "user.password_changed", user, "all sessions ended")
    return token


# --- Managing accounts ------------------------------------------------------------------------


def _check_org(
    session: Session, role: Role, org_id: int | None, errors: dict[str, Msg]
) -> int | None:
    kinds = ROLE_ORG_KINDS.get(role)
    if kinds is None:
        return None
    if orgs.get_active(session, org_id, kinds) is None:
        errors["organisation_id"] = (
            Msg("Choose the journalist's press agency.")
            if role == Role.JOURNALIST
            else Msg("Choose the organisation this focal officer works for.")
        )
    return org_id


@use_case
def create_user(
    session: Session,
    *,
    settings: Settings,
    actor: Actor,
    email: str,
    full_name: str,
    role: str,
    organisation_id: int | None,
    password: str,
    password_confirm: str | None = None,
    must_change_password: bool = False,
) -> User:
    """An administrator (or the CLI) creates an active account."""
    errors: dict[str, Msg] = {}  # in the order of the form, for the error summary
    full_name = full_name.strip()
    if not full_name:
        errors["full_name"] = Msg("Enter the person's full name.")
    elif len(full_name) > 200:
        errors["full_name"] = Msg("Use at most %(n)s characters.", {"n": 200})
    elif problem := text_problem(full_name, name=True):
        errors["full_name"] = problem
    email = _check_email(email, errors)
    if role not in {r.value for r in Role}:
        errors["role"] = Msg("Choose a role.")
        org_id = None
    else:
        org_id = _check_org(session, Role(role), organisation_id, errors)
    _check_new_password(
        settings,
        password,
        password if password_confirm is None else password_confirm,
        [email, full_name],
        errors,
    )
    if "email" not in errors and find_by_email(session, email):
        errors["email"] = Msg("An account with this email address already exists.")
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        full_name=full_name,
        role=Role(role),
        organisation_id=org_id,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    session.add(user)
    audit.record(session, actor, "user.created", user, f"{email} ({role})")
    return user


def readable_password() -> str:
    """A one-time password an administrator can read out: four groups of four letters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@use_case
def reset_password(session: Session, *, actor: Actor, user_id: int) -> str:
    """An administrator sets a one-time password; the user must change it when signing in."""
    user = get_user(session, user_id)
    temporary = readable_password()
    user.password_hash = hash_password(temporary)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    session.add(user)
    _end_all_sessions(session, user_id)
    audit.record(
        session, actor, "user.password_reset", user, "one-time password issued; sessions ended"
    )
    return temporary


@use_case
def set_disabled(session: Session, *, actor: Actor, user_id: int, disabled: bool) -> User:
    user = get_user(session, user_id)
    if user.id == actor.user_id:
        raise Conflict(Msg("You cannot disable your own account."))
    if disabled:
        user.status = UserStatus.DISABLED
        _end_all_sessions(session, user_id)
    elif user.status == UserStatus.DISABLED:
        # A journalist comes back unverified: the press office checks them again.
        user.status = UserStatus.PENDING if user.role == Role.JOURNALIST else UserStatus.ACTIVE
    session.add(user)
    audit.record(session, actor, "user.disabled" if disabled else "user.enabled", user, user.email)
    return user


def count_pending_journalists(session: Session) -> int:
    query = select(func.count()).where(
        User.role == Role.JOURNALIST, User.status == UserStatus.PENDING
    )
    return int(session.exec(query).one())


def list_users(
    session: Session, *, role: str | None = None, status: str | None = None
) -> list[User]:
    query = select(User)
    if role:
        query = query.where(User.role == role)
    if status:
        query = query.where(User.status == status)
    return list(session.exec(query.order_by(col(User.role), col(User.full_name))).all())
