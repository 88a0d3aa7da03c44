"""Telling subscribers about new and updated statements: at once (`announce_statements`) or in a
daily digest (`send_subscription_digests`), both hooks of the mail sender (which commits).

`announce_statements` finds first and major editions that are public now and were published in the
last `ANNOUNCE_WINDOW` (so that a first deployment does not mail the archive), writes an
`Announcement` row for each (its primary key makes it once only, even with two senders) and queues
one e-mail per matching subscription. `send_subscription_digests` sends the digest subscriptions,
once a local day after 07:00, the editions announced since their last digest. Subscribing and the
tokens are in `subscriptions.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import i18n
from app.config import Settings
from app.notifications import outbox
from app.notifications.kinds import CHANGES
from app.notifications.models import Announcement, Subscription
from app.notifications.subscriptions import (
    SOURCE_LANGUAGE,
    mail_locale,
    message_env,
    unsubscribe_url,
    url,
)
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.statements import service as statements
from app.statements.models import (
    KIND_LABELS,
    ChangeKind,
    Edition,
    EditionTranslation,
    Statement,
    StatementTopic,
    Topic,
)
from app.timeutil import format_datetime, to_local

ANNOUNCE_WINDOW = timedelta(days=7)  # older editions are never announced
DIGEST_HOUR = 7  # local time: digests go out from 07:00


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
        url=url(settings, path),
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
    unsubscribe_link = unsubscribe_url(settings, sub)
    ctx = {
        **context,
        "locale": locale,
        "settings": settings,
        "unsubscribe_url": unsubscribe_link,
        "statements_url": url(settings, "/statements"),
    }
    env = message_env(settings)
    message = outbox.enqueue(
        session,
        settings,
        to=sub.email,
        language=locale,
        subject=subject,
        text=env.get_template(f"notifications/{template}.txt").render(ctx),
        html=env.get_template(f"notifications/{template}.html").render(ctx),
        unsubscribe_url=unsubscribe_link,
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
    announced; one commit at the end. Returns the number of messages queued. Embargoes that have
    ended are recorded first (a first edition is public once numbered, see `statements`)."""
    statements.publish_due(session, now=now, numbers_file=settings.statement_numbers_file)
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
