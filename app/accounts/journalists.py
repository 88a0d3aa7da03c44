"""Journalists' accounts: registration (with an agency not yet in the registry), the office's
verification or rejection, the press card kept on the profile, and its expiry.

Rules:
- A journalist names their press agency from the registry, or says it is not listed and writes
  its name; the office then matches that name to an agency or adds it as a new press agency when
  verifying (an account is never verified without an agency).
- Verifying, rejecting (with the reason) and the press card's expiry each tell the journalist by
  a notice, e-mailed even while the account is pending or rejected (`kinds.ACCOUNT_KINDS`).
- A new press card number sends the account back to the office for verification. A month before
  the card's last day the journalist is told once; after it the account is pending again, once
  per expiry date (`press_card_reminders`, a hook of the sender).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from app.accounts.models import ROLE_ORG_KINDS, Role, User, UserStatus
from app.accounts.service import _check_email, _check_new_password, find_by_email, get_user
from app.audit import service as audit
from app.audit.service import Actor
from app.config import Settings
from app.errors import Conflict, NotFound, ValidationFailed
from app.forms import check_text
from app.i18n import Msg
from app.notifications.models import Notice, NoticeKind
from app.notifications.service import notify
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.security import hash_password
from app.timeutil import format_date, local_today, to_local
from app.uow import use_case

NOT_LISTED = "other"  # the value of "my agency is not listed" in the agency list
NEW_AGENCY = "new"  # the office adds the agency the journalist named
EXPIRY_NOTICE_DAYS = 30
PROFILE = "/account/profile"


def _check_card(number: str, errors: dict[str, Msg]) -> str:
    card = number.strip().upper()
    if not (3 <= len(card) <= 32 and all(c.isalnum() or c in "-/. " for c in card)):
        errors["press_card_number"] = Msg("Enter the number printed on your press card.")
    return card


def _check_agency(
    session: Session,
    organisation: str,
    agency_name: str,
    errors: dict[str, Msg],
) -> tuple[int | None, str | None]:
    """The chosen agency's id, or None and the name written for one that is not listed."""
    if organisation == NOT_LISTED:
        required = Msg("Enter the name of your press agency.")
        return None, check_text(agency_name, "agency_name", 255, errors, required, person=True)
    org_id = int(organisation) if organisation.isdigit() and len(organisation) < 10 else None
    if orgs.get_active(session, org_id, ROLE_ORG_KINDS[Role.JOURNALIST]) is None:
        errors["organisation_id"] = Msg(
            "Choose your press agency, or “My agency is not listed” and write its name."
        )
    return org_id, None


@use_case
def register(
    session: Session,
    *,
    settings: Settings,
    address: str | None,
    email: str,
    full_name: str,
    organisation: str,
    agency_name: str = "",
    press_card_number: str,
    password: str,
    password_confirm: str,
) -> User | None:
    """Self-registration; the account waits for the press office. None if the email is taken.

    `organisation` is an agency's id or `NOT_LISTED` with `agency_name`. The page says the same
    thing either way, so registration does not reveal who has an account.
    """
    errors: dict[str, Msg] = {}  # in the order of the form, for the error summary
    full_name = check_text(
        full_name, "full_name", 200, errors, Msg("Enter your full name."), person=True
    )
    email = _check_email(email, errors)
    org_id, given = _check_agency(session, organisation.strip(), agency_name, errors)
    card = _check_card(press_card_number, errors)
    _check_new_password(settings, password, password_confirm, [email, full_name], errors)
    if errors:
        raise ValidationFailed(errors)
    actor = Actor(None, email, "anonymous", None, address)
    if find_by_email(session, email):
        audit.record(
            session, actor, "user.registration_duplicate", None, email, object_type="app_user"
        )
        return None
    user = User(
        email=email,
        full_name=full_name,
        role=Role.JOURNALIST,
        status=UserStatus.PENDING,
        organisation_id=org_id,
        agency_name_given=given,
        press_card_number=card,
        password_hash=hash_password(password),
    )
    session.add(user)
    agency = f", agency not listed: {given}" if given else ""
    audit.record(session, actor, "user.registered", user, f"{email}, press card {card}{agency}")
    return user


def _agency_for(
    session: Session,
    actor: Actor,
    user: User,
    *,
    agency: str,
    code: str,
    name_vi: str,
    name_en: str,
) -> int:
    """The agency of a journalist who named one not listed: an existing one the office matched,
    or the one it adds now."""
    if agency == NEW_AGENCY:
        try:
            org = orgs.create(
                session,
                actor=actor,
                code=code,
                kind=OrgKind.PRESS_AGENCY.value,
                name_vi=name_vi,
                name_en=name_en or name_vi,
                valid_from=local_today(),
            )
        except ValidationFailed as exc:  # the form's fields: code, name_vi, name_en
            raise ValidationFailed(
                {k: v for k, v in exc.errors.items() if k in ("code", "name_vi", "name_en")}
                or exc.errors
            ) from exc
        assert org.id is not None
        return org.id
    org_id = int(agency) if agency.isdigit() and len(agency) < 10 else None
    if orgs.get_active(session, org_id, ROLE_ORG_KINDS[Role.JOURNALIST]) is None:
        raise ValidationFailed(
            {"agency": Msg("Choose the press agency this is, or add it as a new press agency.")}
        )
    assert org_id is not None
    return org_id


@use_case
def decide(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    verify: bool,
    reason: str = "",
    agency: str = "",
    code: str = "",
    name_vi: str = "",
    name_en: str = "",
) -> User:
    """The press office verifies a journalist (they can then use the site) or rejects them with a
    reason; either way the journalist is told. A journalist whose agency was not listed is
    verified with the agency the office matches (`agency` an id) or adds (`NEW_AGENCY`)."""
    user = get_user(session, user_id)
    if user.role != Role.JOURNALIST:
        raise NotFound()
    if user.status not in (UserStatus.PENDING, UserStatus.REJECTED, UserStatus.ACTIVE):
        raise Conflict(Msg("This account is disabled."))
    reason = reason.strip()
    if not verify and not reason:
        raise ValidationFailed(
            {"reason": Msg("Give the reason, so the journalist knows what to correct.")}
        )
    errors: dict[str, Msg] = {}
    check_text(reason, "reason", 500, errors)
    if errors:
        raise ValidationFailed(errors)
    summary = user.email if verify else f"{user.email}: {reason}"
    if verify and user.organisation_id is None:
        user.organisation_id = _agency_for(
            session,
            actor,
            user,
            agency=agency.strip(),
            code=code,
            name_vi=name_vi,
            name_en=name_en,
        )
        summary += f", agency “{user.agency_name_given}” → organisation {user.organisation_id}"
    user.status = UserStatus.ACTIVE if verify else UserStatus.REJECTED
    user.status_reason = None if verify else reason
    session.add(user)
    audit.record(
        session, actor, "journalist.verified" if verify else "journalist.rejected", user, summary
    )
    if verify:
        notify(session, [user], NoticeKind.JOURNALIST_VERIFIED, params={}, link="/dashboard")
    else:
        notify(
            session, [user], NoticeKind.JOURNALIST_REJECTED, params={"reason": reason}, link=PROFILE
        )
    return user


# --- The profile: the press card -------------------------------------------------------------


@use_case
def update_press_card(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    press_card_number: str,
    expires_on: date | None,
    expires_text: str = "",
) -> bool:
    """The journalist keeps their press card's number and last day; a new number sends the
    account back to the office for verification. Returns whether it did."""
    user = get_user(session, user_id)
    if user.role != Role.JOURNALIST or user.id != actor.user_id:
        raise NotFound()
    errors: dict[str, Msg] = {}
    card = _check_card(press_card_number, errors)
    if expires_on is None:
        errors["press_card_expires_on"] = (
            Msg("Enter the date as DD/MM/YYYY.")
            if expires_text.strip()
            else Msg("Enter the last day your press card is valid.")
        )
    elif expires_on < local_today():
        errors["press_card_expires_on"] = Msg(
            "This card has expired: enter the number and date of your new card."
        )
    if errors:
        raise ValidationFailed(errors)
    changes = []
    again = card != user.press_card_number
    if again:
        changes.append(f"press card {user.press_card_number} → {card}")
        user.press_card_number = card
        if user.status in (UserStatus.ACTIVE, UserStatus.REJECTED):
            user.status = UserStatus.PENDING
            user.status_reason = None
            changes.append("awaits verification again")
    if expires_on != user.press_card_expires_on:
        changes.append(f"valid until {expires_on}")
        user.press_card_expires_on = expires_on
    if changes:
        session.add(user)
        audit.record(session, actor, "journalist.updated", user, "; ".join(changes))
    return again


def account_notices(session: Session, user_id: int, limit: int = 10) -> list[Notice]:
    """The latest notices about the journalist's own account (shown on the profile, which a
    pending or rejected journalist can open)."""
    return list(
        session.exec(
            select(Notice)
            .where(
                Notice.user_id == user_id,
                col(Notice.kind).in_(
                    [
                        NoticeKind.JOURNALIST_VERIFIED,
                        NoticeKind.JOURNALIST_REJECTED,
                        NoticeKind.PRESS_CARD_EXPIRING,
                        NoticeKind.PRESS_CARD_EXPIRED,
                    ]
                ),
            )
            .order_by(col(Notice.id).desc())
            .limit(limit)
        ).all()
    )


# --- Expiry (a hook of the sender) -------------------------------------------------------------


def _expiry_key(user: User, what: str) -> str:
    return f"press-card:{user.press_card_expires_on}:{what}"


def press_card_reminders(session: Session, settings: Settings, now: datetime) -> int:
    """Tell each verified journalist once, within a month of their press card's last day; after
    it, set the account back to pending and tell them, once per expiry date. Safe to run in
    several workers: the notices' unique keys decide who acts."""
    today = to_local(now).date()
    soon = session.exec(
        select(User).where(
            User.role == Role.JOURNALIST,
            User.status == UserStatus.ACTIVE,
            col(User.press_card_expires_on).is_not(None),
            col(User.press_card_expires_on) <= today + timedelta(days=EXPIRY_NOTICE_DAYS),
        )
    ).all()
    done = 0
    for user in soon:
        assert user.press_card_expires_on is not None and user.id is not None
        params = {
            "card": user.press_card_number or "",
            "date": format_date(user.press_card_expires_on),
        }
        if user.press_card_expires_on >= today:
            done += len(
                notify(
                    session,
                    [user],
                    NoticeKind.PRESS_CARD_EXPIRING,
                    params=params,
                    link=PROFILE,
                    dedupe=_expiry_key(user, "expiring"),
                )
            )
            continue
        key = f"{_expiry_key(user, 'expired')}:{user.id}"
        if session.exec(select(Notice.id).where(Notice.dedupe_key == key)).first() is not None:
            continue  # already sent back once for this card: the office has verified it since
        user.status = UserStatus.PENDING
        user.status_reason = None
        session.add(user)
        audit.record(
            session,
            Actor.system("scheduler"),
            "journalist.card_expired",
            user,
            f"{user.email}: press card {user.press_card_number} expired on "
            f"{user.press_card_expires_on}; awaits verification again",
        )
        notify(
            session,
            [user],
            NoticeKind.PRESS_CARD_EXPIRED,
            params=params,
            link=PROFILE,
            dedupe=_expiry_key(user, "expired"),
        )
        done += 1
    return done
