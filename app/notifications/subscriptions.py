"""Statements by e-mail for anyone: subscribing (double opt-in), confirming, unsubscribing, and
telling subscribers about new and updated statements, at once or in a daily digest.

Tokens. Every message to a subscriber must carry its unsubscribe link, yet only a hash of the
token may be stored. So the token is not random: it is derived from the subscription with an HMAC
under SECRET_KEY,

    token = "<id>." + base64url(HMAC-SHA256(secret_key, "sub:<id>:<created_at as Unix seconds>")[:24])

and `Subscription.token_hash` keeps its SHA-256 (a unique column: links are looked up by hash).
Any message can then be given the token again by computing it; nobody can forge one without the
key, and `created_at` makes a token die with its row (a reused id after a database reset gets a
different token). The same token confirms (the confirmation e-mail) and ends the subscription.
Rotating SECRET_KEY kills the links in messages already sent; the next message a subscriber gets
carries a new token, and its hash is stored then (`_unsubscribe_url`).

Announcing. `announce_statements` (run by the mail sender before each sending) finds first and
major editions that are public now and were published in the last `ANNOUNCE_WINDOW` (so that a
first deployment does not mail the archive), writes an `Announcement` row for each (its primary
key makes it once only, even with two senders) and queues one e-mail per matching subscription.
`send_subscription_digests` sends the digest subscriptions, once a local day after 07:00, the
editions announced since their last digest.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from jinja2 import Environment
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import i18n
from app.audit import service as audit
from app.audit.service import Actor
from app.config import Settings
from app.errors import NotFound, ValidationFailed
from app.i18n import Msg
from app.notifications import outbox
from app.notifications.kinds import CHANGES
from app.notifications.models import Announcement, Subscription
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.security import new_token, token_digest
from app.statements import service as statements
from app.statements.models import (
    KIND_LABELS,
    ChangeKind,
    Edition,
    EditionTranslation,
    Statement,
    StatementKind,
    StatementTopic,
    Topic,
)
from app.templating import create_env
from app.timeutil import format_datetime, to_local, utcnow
from app.uow import use_case

SOURCE_LANGUAGE = "vi"
ANNOUNCE_WINDOW = timedelta(days=7)  # older editions are never announced
DIGEST_HOUR = 7  # local time: digests go out from 07:00
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


def _url(settings: Settings, path: str) -> str:
    return settings.public_base_url.rstrip("/") + path


def _unsubscribe_url(settings: Settings, sub: Subscription) -> str:
    token = token_for(settings, sub)
    digest = token_digest(token)
    if sub.token_hash != digest:  # SECRET_KEY was rotated: the new token works from now on
        sub.token_hash = digest
    return _url(settings, f"/unsubscribe/{token}")


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
        "confirm_url": _url(settings, f"/subscribe/confirm/{token}"),
        "choices": describe(session, sub, locale),
    }
    env = _env(settings)
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


def _env(settings: Settings) -> Environment:
    """The app's template environment, made outside a request (autoescaped HTML)."""
    return create_env(settings)


def mail_locale(language: str) -> str:
    """The language of the texts of a message: Vietnamese, else English (a Chinese subscriber
    gets English texts around the Chinese title and summary)."""
    return SOURCE_LANGUAGE if language == SOURCE_LANGUAGE else "en"


@dataclass(frozen=True)
class _Facts:
    """An edition with what matching and messages need, read once per sending."""

    edition: Edition
    statement: Statement
    topics: frozenset[str]
    translations: dict[str, EditionTranslation]
    org: OrgView | None
    announced_at: datetime | None = None


@dataclass(frozen=True)
class Item:
    """An edition as one subscriber reads it."""

    title: str
    summary: str
    number: str
    kind: str
    organisation: str
    published: str  # local date and time
    url: str
    update: bool
    change_note: str


def _facts(
    session: Session,
    rows: Sequence[tuple[Edition, Statement]],
    announced: dict[int, datetime] | None = None,
) -> list[_Facts]:
    if not rows:
        return []
    edition_ids = [e.id for e, _s in rows]
    statement_ids = {s.id for _e, s in rows}
    topic_codes: dict[int, set[str]] = {}
    for sid, code in session.exec(
        select(StatementTopic.statement_id, Topic.code)
        .join(Topic, col(Topic.id) == col(StatementTopic.topic_id))
        .where(col(StatementTopic.statement_id).in_(statement_ids))
    ):
        topic_codes.setdefault(sid, set()).add(code)
    translations: dict[int, dict[str, EditionTranslation]] = {}
    for tr in session.exec(
        select(EditionTranslation).where(col(EditionTranslation.edition_id).in_(edition_ids))
    ):
        translations.setdefault(tr.edition_id, {})[tr.language] = tr
    views = {o.id: o for o in orgs.list_organisations(session, include_retired=True)}
    return [
        _Facts(
            edition=e,
            statement=s,
            topics=frozenset(topic_codes.get(s.id or 0, set())),
            translations=translations.get(e.id or 0, {}),
            org=views.get(s.organisation_id),
            announced_at=(announced or {}).get(e.id or 0),
        )
        for e, s in rows
    ]


def matches(sub: Subscription, facts: _Facts) -> bool:
    """Kind, topics and issuing organisation as chosen (empty: all); a language other than
    Vietnamese only when the edition has a translation in it."""
    st = facts.statement
    if sub.kinds and st.kind.value not in sub.kinds:
        return False
    if sub.topics and not facts.topics & set(sub.topics):
        return False
    if sub.organisations and st.organisation_id not in sub.organisations:
        return False
    return sub.language == SOURCE_LANGUAGE or sub.language in facts.translations


def _item(settings: Settings, facts: _Facts, language: str) -> Item:
    locale = mail_locale(language)
    ed, st = facts.edition, facts.statement
    translation = facts.translations.get(language) if language != SOURCE_LANGUAGE else None
    path = f"/statements/{st.id}" + (f"/{language}" if translation else "")
    return Item(
        title=translation.title if translation else ed.title,
        summary=(translation.summary if translation else ed.summary) or "",
        number=st.number or "",
        kind=i18n.gettext(locale, KIND_LABELS[st.kind]),
        organisation=facts.org.name(locale) if facts.org else "",
        published=format_datetime(ed.publish_at),
        url=_url(settings, path),
        update=ed.change_kind == ChangeKind.MAJOR,
        change_note=ed.change_note if ed.change_kind == ChangeKind.MAJOR else "",
    )


def _mail(
    session: Session,
    settings: Settings,
    sub: Subscription,
    *,
    subject: str,
    template: str,
    context: dict[str, Any],
) -> bool:
    locale = mail_locale(sub.language)
    unsubscribe_url = _unsubscribe_url(settings, sub)
    ctx = {
        **context,
        "locale": locale,
        "settings": settings,
        "unsubscribe_url": unsubscribe_url,
        "statements_url": _url(settings, "/statements"),
    }
    env = _env(settings)
    message = outbox.enqueue(
        session,
        settings,
        to=sub.email,
        language=locale,
        subject=subject,
        text=env.get_template(f"notifications/{template}.txt").render(ctx),
        html=env.get_template(f"notifications/{template}.html").render(ctx),
        unsubscribe_url=unsubscribe_url,
    )
    return message is not None


def _active(session: Session, *, digest: bool) -> list[Subscription]:
    return list(
        session.exec(
            select(Subscription)
            .where(col(Subscription.confirmed_at).is_not(None))
            .where(col(Subscription.ended_at).is_(None))
            .where(col(Subscription.digest) == digest)
            .order_by(col(Subscription.id))
        ).all()
    )


# --- Announcing at once --------------------------------------------------------------------------


def _claim(session: Session, edition_id: int, now: datetime) -> bool:
    """Write the edition's announcement; False when another sender wrote it first."""
    try:
        with session.begin_nested():
            session.add(Announcement(edition_id=edition_id, announced_at=now))
        return True
    except IntegrityError:
        return False


def announce_statements(session: Session, settings: Settings, now: datetime) -> int:
    """Tell the at-once subscribers about first and major editions public now and not yet
    announced; one commit at the end. Returns the number of messages queued."""
    announced = select(Announcement.edition_id)
    rows = session.exec(
        select(Edition, Statement)
        .join(Statement, col(Statement.id) == col(Edition.statement_id))
        .where(statements.visible_condition(now))
        .where(col(Edition.change_kind).in_([ChangeKind.FIRST.value, ChangeKind.MAJOR.value]))
        .where(col(Edition.publish_at) >= now - ANNOUNCE_WINDOW)
        .where(col(Edition.id).not_in(announced))
        .where(or_(col(Statement.withdrawn_at).is_(None), col(Statement.withdrawn_at) > now))
        .order_by(col(Edition.publish_at), col(Edition.id))
    ).all()
    claimed = [(e, s) for e, s in rows if e.id is not None and _claim(session, e.id, now)]
    if not claimed:
        return 0
    facts = _facts(session, claimed)
    _notify_followers(session, facts)
    sent = 0
    for sub in _active(session, digest=False):
        locale = mail_locale(sub.language)
        for f in facts:
            if not matches(sub, f):
                continue
            item = _item(settings, f, sub.language)
            subject = (
                i18n.gettext(locale, "Updated: %(title)s", title=item.title)
                if item.update
                else i18n.gettext(locale, "New statement: %(title)s", title=item.title)
            )
            sent += _mail(
                session,
                settings,
                sub,
                subject=subject,
                template="email_statement",
                context={"item": item},
            )
    return sent


def _notify_followers(session: Session, facts: list[_Facts]) -> None:
    """Signed-in people who subscribed also get the notice under their bell (whatever the
    frequency of their e-mails), once per edition."""
    from app.accounts.models import User, UserStatus
    from app.notifications.models import NoticeKind
    from app.notifications.service import notify

    followers = [
        sub
        for sub in _active(session, digest=False) + _active(session, digest=True)
        if sub.user_id is not None
    ]
    for f in facts:
        users = {
            sub.user_id: session.get(User, sub.user_id)
            for sub in followers
            if matches(sub, f) and sub.user_id is not None
        }
        notify(
            session,
            [u for u in users.values() if u is not None and u.status == UserStatus.ACTIVE],
            NoticeKind.STATEMENT_PUBLISHED,
            params={
                "title": f.edition.title,
                "change": CHANGES["corrected"]
                if f.edition.change_kind == ChangeKind.MAJOR
                else CHANGES["published"],
            },
            link=f"/statements/{f.statement.id}",
            dedupe=f"edition:{f.edition.id}",
        )


# --- The daily digest ----------------------------------------------------------------------------


def digest_due(sub: Subscription, now: datetime) -> bool:
    """After 07:00 local time, and not yet today."""
    local = to_local(now)
    if local.hour < DIGEST_HOUR:
        return False
    return sub.last_digest_at is None or to_local(sub.last_digest_at).date() != local.date()


def _announced_between(session: Session, since: datetime, until: datetime) -> list[_Facts]:
    rows = session.exec(
        select(Edition, Statement, Announcement.announced_at)
        .join(Announcement, col(Announcement.edition_id) == col(Edition.id))
        .join(Statement, col(Statement.id) == col(Edition.statement_id))
        .where(col(Announcement.announced_at) > since)
        .where(col(Announcement.announced_at) <= until)
        .where(or_(col(Statement.withdrawn_at).is_(None), col(Statement.withdrawn_at) > until))
        .order_by(col(Announcement.announced_at), col(Edition.id))
    ).all()
    announced = {e.id or 0: at for e, _s, at in rows}
    return _facts(session, [(e, s) for e, s, _at in rows], announced)


def send_subscription_digests(session: Session, settings: Settings, now: datetime) -> int:
    """One e-mail a local day to each digest subscription with the matching editions announced
    since its last digest (none: no e-mail); one commit at the end. Returns messages queued."""
    due = [s for s in _active(session, digest=True) if digest_due(s, now)]
    if not due:
        return 0
    facts = _announced_between(
        session, min((s.last_digest_at or s.confirmed_at or now) for s in due), now
    )
    sent = 0
    day = to_local(now).strftime("%d/%m/%Y")
    for sub in due:
        since = sub.last_digest_at or sub.confirmed_at or now
        items = [
            _item(settings, f, sub.language)
            for f in facts
            if f.announced_at is not None and f.announced_at > since and matches(sub, f)
        ]
        sub.last_digest_at = now
        session.add(sub)
        if not items:
            continue
        locale = mail_locale(sub.language)
        subject = i18n.gettext(locale, "Official statements, %(day)s", day=day)
        sent += _mail(
            session,
            settings,
            sub,
            subject=subject,
            template="email_digest",
            context={"items": items, "day": day},
        )
    return sent


def announce_hook(session: Session, settings: Settings, now: datetime) -> None:
    announce_statements(session, settings, now)


def digest_hook(session: Session, settings: Settings, now: datetime) -> None:
    send_subscription_digests(session, settings, now)


# Run by the sender before each sending (see `scheduler.BEFORE_SEND`): announce first, so a digest
# includes the editions announced in the same run.
HOOKS = (announce_hook, digest_hook)
