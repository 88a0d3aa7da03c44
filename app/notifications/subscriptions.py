"""Statements by e-mail for anyone: subscribing (double opt-in), confirming, unsubscribing.

Tokens. Every message to a subscriber must carry its unsubscribe link, yet only a hash of the
token may be stored. So the token is not random: it is derived from the subscription with an HMAC
under SECRET_KEY,

    token = "<id>." + base64url(HMAC-SHA256(secret_key, "sub:<id>:<created_at as Unix seconds>")[:24])

and `Subscription.token_hash` keeps its SHA-256 (a unique column: links are looked up by hash).
Any message can then be given the token again by computing it; nobody can forge one without the
key, and `created_at` makes a token die with its row (a reused id after a database reset gets a
different token). The same token confirms (the confirmation e-mail) and ends the subscription.
Rotating SECRET_KEY kills the links in messages already sent; the next message a subscriber gets
carries a new token, and its hash is stored then (`unsubscribe_url`).

Telling subscribers about statements is in `announcements.py`.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from jinja2 import Environment
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import i18n
from app.audit import service as audit
from app.audit.service import Actor
from app.config import Settings
from app.errors import NotFound, ValidationFailed
from app.i18n import Msg
from app.notifications import outbox
from app.notifications.models import Subscription
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.security import new_token, token_digest
from app.statements import service as statements
from app.statements.models import (
    KIND_LABELS,
    Statement,
    StatementKind,
    Topic,
)
from app.templating import create_env
from app.timeutil import utcnow
from app.uow import use_case

SOURCE_LANGUAGE = "vi"
MAX_PENDING = 5  # unconfirmed subscriptions per address in PENDING_WINDOW; more are dropped
PENDING_WINDOW = timedelta(days=1)
TOKEN_MAC_BYTES = 24  # 32 characters of base64url, no padding


# --- Tokens --------------------------------------------------------------------------------------


def token_for(settings: Settings, sub: Subscription) -> str:
    """The subscription's token, computed again whenever a message needs it (see the top)."""
    assert sub.id is not None
    message = f"sub:{sub.id}:{int(sub.created_at.timestamp())}".encode()
    mac = hmac.new(settings.secret_key.encode(), message, hashlib.sha256).digest()
    return f"{sub.id}." + base64.urlsafe_b64encode(mac[:TOKEN_MAC_BYTES]).decode()


def plausible_token(token: str) -> bool:
    """The shape of a token we issue (refused before any lookup otherwise)."""
    sid, dot, mac = token.partition(".")
    return (
        bool(dot)
        and sid.isdigit()
        and len(sid) < 12
        and len(mac) == 32
        and all(c.isalnum() or c in "-_" for c in mac)
    )


def find(session: Session, token: str) -> Subscription | None:
    """The subscription a token belongs to (ended ones too), by the hash of the token."""
    if not plausible_token(token):
        return None
    sub = session.exec(
        select(Subscription).where(Subscription.token_hash == token_digest(token))
    ).first()
    if sub is None or str(sub.id) != token.partition(".")[0]:
        return None
    return sub


def url(settings: Settings, path: str) -> str:
    return settings.public_base_url.rstrip("/") + path


def unsubscribe_url(settings: Settings, sub: Subscription) -> str:
    token = token_for(settings, sub)
    digest = token_digest(token)
    if sub.token_hash != digest:  # SECRET_KEY was rotated: the new token works from now on
        sub.token_hash = digest
    return url(settings, f"/unsubscribe/{token}")


# --- What one can subscribe to -------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    kinds: list[StatementKind]
    topics: list[Topic]
    organisations: list[OrgView]
    languages: list[tuple[str, str]]  # code, name


def language_options(session: Session, locale: str = "vi") -> list[tuple[str, str]]:
    """Vietnamese, English and every enabled translation language, each named in itself."""
    found: dict[str, str] = {"vi": i18n.LANGUAGE_NAMES["vi"], "en": i18n.LANGUAGE_NAMES["en"]}
    for lang in statements.translation_languages(session):
        found.setdefault(lang.code, lang.name or lang.name_vi or lang.code)
    return list(found.items())


def issuing_organisations(session: Session, now: datetime | None = None) -> list[OrgView]:
    """Organisations that have issued statements (the others would never send anything)."""
    now = now or utcnow()
    ids = set(
        session.exec(
            select(Statement.organisation_id)
            .where(col(Statement.first_published_at).is_not(None))
            .where(col(Statement.first_published_at) <= now)
            .distinct()
        ).all()
    )
    return [o for o in orgs.list_organisations(session, include_retired=True) if o.id in ids]


def options(session: Session) -> Options:
    return Options(
        kinds=list(StatementKind),
        topics=statements.topics(session),
        organisations=issuing_organisations(session),
        languages=language_options(session),
    )


# --- Subscribing, confirming, ending -------------------------------------------------------------


@dataclass
class SubscriptionInput:
    email: str = ""
    language: str = "vi"
    kinds: list[str] = dataclasses.field(default_factory=list)
    topics: list[str] = dataclasses.field(default_factory=list)
    organisations: list[int] = dataclasses.field(default_factory=list)
    digest: bool = False


def _check(session: Session, data: SubscriptionInput) -> SubscriptionInput:
    errors: dict[str, Msg] = {}
    email = data.email.strip().lower()
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = Msg("Enter a valid email address, like name@example.vn.")
    choice = Msg("Choose from the list.")
    kinds = sorted(set(data.kinds))
    if any(k not in {v.value for v in StatementKind} for k in kinds):
        errors["kinds"] = choice
    topics = sorted(set(data.topics))
    if topics and not set(topics) <= {t.code for t in statements.topics(session)}:
        errors["topics"] = choice
    organisations = sorted(set(data.organisations))
    if organisations and not set(organisations) <= {o.id for o in issuing_organisations(session)}:
        errors["organisations"] = choice
    if data.language not in dict(language_options(session)):
        errors["language"] = Msg("Choose a language.")
    if errors:
        raise ValidationFailed(errors)
    return SubscriptionInput(email, data.language, kinds, topics, organisations, data.digest)


def public_actor(actor: Actor) -> Actor:
    """Who to write in the audit log: the signed-in person, else the public (no address kept
    in clear beyond the client's IP address, as for other public actions)."""
    if actor.user_id is not None:
        return actor
    return dataclasses.replace(Actor.system("public"), address=actor.address)


@use_case
def subscribe(
    session: Session,
    settings: Settings,
    *,
    actor: Actor,
    data: SubscriptionInput,
    now: datetime | None = None,
) -> Subscription | None:
    """Record an unconfirmed subscription and send the confirmation e-mail (double opt-in).

    The answer is the same whether the address has subscriptions or not. Beyond MAX_PENDING
    unconfirmed subscriptions of one address in a day, nothing is recorded or sent (None), so
    that nobody can flood someone's mailbox with confirmation requests."""
    data = _check(session, data)
    now = (now or utcnow()).replace(microsecond=0)  # the token uses whole seconds
    pending = session.exec(
        select(func.count())
        .select_from(Subscription)
        .where(Subscription.email == data.email)
        .where(col(Subscription.confirmed_at).is_(None))
        .where(col(Subscription.ended_at).is_(None))
        .where(col(Subscription.created_at) > now - PENDING_WINDOW)
    ).one()
    if pending >= MAX_PENDING:
        return None
    sub = Subscription(
        email=data.email,
        language=data.language,
        kinds=data.kinds,
        topics=data.topics,
        organisations=data.organisations,
        digest=data.digest,
        token_hash=token_digest(new_token()),  # a placeholder until the id is known
        user_id=actor.user_id if actor.user_id and actor.email == data.email else None,
        created_at=now,
    )
    session.add(sub)
    session.flush()
    token = token_for(settings, sub)
    sub.token_hash = token_digest(token)
    audit.record(
        session,
        public_actor(actor),
        "subscription.created",
        sub,
        f"subscription #{sub.id}: {sub.language}, {'digest' if sub.digest else 'at once'}",
    )
    _send_confirmation(session, settings, sub, token)
    return sub


def _send_confirmation(session: Session, settings: Settings, sub: Subscription, token: str) -> None:
    locale = mail_locale(sub.language)
    context = {
        "locale": locale,
        "settings": settings,
        "confirm_url": url(settings, f"/subscribe/confirm/{token}"),
        "choices": describe(session, sub, locale),
    }
    env = message_env(settings)
    outbox.enqueue(
        session,
        settings,
        to=sub.email,
        language=locale,
        subject=i18n.gettext(locale, "Confirm your subscription to official statements"),
        text=env.get_template("notifications/email_confirm.txt").render(context),
        html=env.get_template("notifications/email_confirm.html").render(context),
    )


@use_case
def confirm(
    session: Session, *, actor: Actor, token: str, now: datetime | None = None
) -> Subscription:
    """Confirm by the link's token (again: nothing changes). Unknown or ended: NotFound."""
    sub = find(session, token)
    if sub is None or sub.ended_at is not None:
        raise NotFound()
    if sub.confirmed_at is None:
        sub.confirmed_at = now or utcnow()
        session.add(sub)
        audit.record(session, public_actor(actor), "subscription.confirmed", sub)
    return sub


@use_case
def end(session: Session, *, actor: Actor, token: str, now: datetime | None = None) -> Subscription:
    """Unsubscribe by the token (again: nothing changes). Unknown: NotFound."""
    sub = find(session, token)
    if sub is None:
        raise NotFound()
    if sub.ended_at is None:
        sub.ended_at = now or utcnow()
        session.add(sub)
        audit.record(session, public_actor(actor), "subscription.ended", sub)
    return sub


@dataclass(frozen=True)
class Choices:
    """A subscription as its owner reads it."""

    email: str
    kinds: list[str]  # empty: all
    topics: list[str]
    organisations: list[str]
    language: str
    digest: bool


def describe(session: Session, sub: Subscription, locale: str) -> Choices:
    topics = {t.code: t.name(locale) for t in statements.topics(session)}
    org_names = {
        o.id: o.name(locale) for o in orgs.list_organisations(session, include_retired=True)
    }
    return Choices(
        email=sub.email,
        kinds=[
            i18n.gettext(locale, KIND_LABELS[StatementKind(k)])
            for k in sub.kinds
            if k in {v.value for v in StatementKind}
        ],
        topics=[topics.get(code, code) for code in sub.topics],
        organisations=[org_names.get(i, str(i)) for i in sub.organisations],
        language=dict(language_options(session)).get(sub.language, sub.language),
        digest=sub.digest,
    )


# --- The messages --------------------------------------------------------------------------------


def message_env(settings: Settings) -> Environment:
    """The app's template environment, made outside a request (autoescaped HTML)."""
    return create_env(settings)


def mail_locale(language: str) -> str:
    """The language of the texts of a message: Vietnamese, else English (a Chinese subscriber
    gets English texts around the Chinese title and summary)."""
    return SOURCE_LANGUAGE if language == SOURCE_LANGUAGE else "en"
