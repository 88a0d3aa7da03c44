"""Notices: who is told what, in the same transaction as the change; each person's delivery
choice; the e-mails for notices (at once, or one digest a day); and the reminders before deadlines.

Rules:
- Services call `notify` with the people concerned, chosen by the helpers here from the same rules
  the services use to show things (a department's active focal officers see their organisation's
  calls, submissions and questions; a journalist sees their own questions and announced briefings).
  Nobody else is told.
- A notice is a row (the bell and the notices page), written in the transaction of the change.
  `notify` needs nothing else, so it behaves the same from a request, the CLI and the scheduler:
  the e-mails are written by the sender's `mail_notices` run just before it sends (at once for
  those who chose e-mail, one digest a day after 07:00 for those who chose the digest).
- `dedupe` makes an event one notice per person however often it is seen (reminders run every few
  minutes in every worker).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from fastapi import Request
from jinja2 import Environment
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.access import current_identity
from app.accounts.models import Role, User, UserStatus
from app.audit import service as audit
from app.audit.service import Actor
from app.config import Settings
from app.errors import NotFound
from app.i18n import N_, gettext
from app.notifications import kinds, outbox
from app.notifications.models import Delivery, Notice, NoticeKind, NoticePreference
from app.templating import create_env
from app.timeutil import LOCAL_TZ, to_local, utcnow
from app.uow import use_case

log = logging.getLogger(__name__)

DIGEST_HOUR = 7  # local time: digests go out with the first sender run after it
MAIL_WINDOW = timedelta(days=2)  # older notices are not e-mailed any more (e.g. SMTP set up later)


# --- Who is told -----------------------------------------------------------------------------


def department_users(session: Session, organisation_ids: Iterable[int | None]) -> list[User]:
    """The active focal officers of these organisations."""
    ids = {i for i in organisation_ids if i is not None}
    if not ids:
        return []
    return list(
        session.exec(
            select(User).where(
                col(User.organisation_id).in_(ids),
                User.role == Role.DEPARTMENT,
                User.status == UserStatus.ACTIVE,
            )
        ).all()
    )


def active_user(session: Session, user_id: int | None) -> list[User]:
    user = session.get(User, user_id) if user_id else None
    return [user] if user is not None and user.status == UserStatus.ACTIVE else []


# --- Telling them ----------------------------------------------------------------------------


def delivery_for(session: Session, user_id: int, kind: NoticeKind) -> Delivery:
    pref = session.get(NoticePreference, (user_id, kind))
    return pref.delivery if pref else kinds.KINDS[kind].default


def notify(
    session: Session,
    users: Iterable[User],
    kind: NoticeKind,
    *,
    params: dict[str, Any],
    link: str,
    dedupe: str | None = None,
) -> list[Notice]:
    """One notice per person (no commit: it commits with the change). With `dedupe`, a person
    already told of this event is not told again."""
    people = {u.id: u for u in users if u.id is not None}
    if not people:
        return []
    keys = {uid: f"{dedupe}:{uid}" if dedupe else None for uid in people}
    if dedupe:
        known = set(
            session.exec(
                select(Notice.dedupe_key).where(
                    col(Notice.dedupe_key).in_([k for k in keys.values() if k])
                )
            ).all()
        )
        keys = {uid: k for uid, k in keys.items() if k not in known}
    made = []
    for uid, key in keys.items():
        notice = Notice(user_id=uid, kind=kind, params=params, link=link, dedupe_key=key)
        session.add(notice)
        made.append(notice)
    return made


# --- Reading them ----------------------------------------------------------------------------


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Notice)
            .where(Notice.user_id == user_id, col(Notice.read_at).is_(None))
        ).one()
    )


def recent(
    session: Session, user_id: int, *, limit: int = 50, before: int | None = None
) -> list[Notice]:
    query = select(Notice).where(Notice.user_id == user_id)
    if before is not None:
        query = query.where(col(Notice.id) < before)
    return list(session.exec(query.order_by(col(Notice.id).desc()).limit(limit)).all())


@use_case
def open_notice(session: Session, user_id: int, notice_id: int) -> Notice:
    """Mark one of your notices read and give it back (its link is where to go)."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.user_id != user_id:
        raise NotFound()
    if notice.read_at is None:
        notice.read_at = utcnow()
        session.add(notice)
    return notice


@use_case
def mark_all_read(session: Session, user_id: int) -> int:
    rows = session.exec(
        select(Notice).where(Notice.user_id == user_id, col(Notice.read_at).is_(None))
    ).all()
    now = utcnow()
    for n in rows:
        n.read_at = now
        session.add(n)
    return len(rows)


# --- Preferences -----------------------------------------------------------------------------


def preferences(session: Session, user: User) -> dict[NoticeKind, Delivery]:
    assert user.id is not None
    return {k: delivery_for(session, user.id, k) for k in kinds.kinds_for(user.role)}


@use_case
def set_preferences(
    session: Session, user: User, choices: dict[NoticeKind, Delivery], language: str | None
) -> None:
    """Save the choices for the kinds this person can receive (others are ignored)."""
    assert user.id is not None
    allowed = set(kinds.kinds_for(user.role))
    for kind, delivery in choices.items():
        if kind not in allowed:
            continue
        pref = session.get(NoticePreference, (user.id, kind))
        if pref is None:
            pref = NoticePreference(user_id=user.id, kind=kind, delivery=delivery)
        pref.delivery = delivery
        session.add(pref)
    if language:
        user.language = language
        session.add(user)
    audit.record(
        session,
        Actor(user.id, user.email, user.role.value, user.organisation_id, None),
        "notifications.preferences",
        user,
        ", ".join(f"{k.value}={v.value}" for k, v in sorted(choices.items())),
    )


# --- E-mails for notices ---------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    url: str
    at: str
    ics: str = ""  # the reader's calendar event of a briefing they registered for


def _env(settings: Settings) -> Environment:
    """The template environment for e-mails (the app's, made once per process)."""
    return create_env(settings)


def _mail_one(session: Session, settings: Settings, user: User, notices: list[Notice]) -> None:
    """Queue one e-mail with these notices (one: at once; several: the digest)."""
    locale = user.language if user.language in settings.languages else settings.default_language
    base = settings.public_base_url.rstrip("/")
    lines = [
        Line(
            kinds.text(n.kind, n.params, locale),
            f"{base}{n.link}",
            to_local(n.created_at or utcnow()).strftime("%d/%m/%Y %H:%M"),
            f"{base}{n.params['ics']}" if str(n.params.get("ics", "")).startswith("/") else "",
        )
        for n in notices
    ]
    if len(notices) == 1:
        subject = " ".join(lines[0].text.split())  # a comment's line breaks: one header line
    else:
        subject = gettext(locale, N_("Press Desk: %(num)s notices today")) % {"num": len(notices)}
    context = {
        "locale": locale,
        "lines": lines,
        "digest": len(notices) > 1,
        "user": user,
        "preferences_url": f"{base}/notices/preferences",
        "notices_url": f"{base}/notices",
    }
    env = _env(settings)
    text = env.get_template("notifications/email_notice.txt").render(context)
    html = env.get_template("notifications/email_notice.html").render(context)
    if subject and len(subject) > 200:
        subject = subject[:199] + "…"
    outbox.enqueue(
        session, settings, to=user.email, language=locale, subject=subject, text=text, html=html
    )
    now = utcnow()
    for n in notices:
        n.mailed_at = now
        session.add(n)


def mail_notices(session: Session, settings: Settings, now: datetime) -> int:
    """E-mail what is due (a hook of the sender, which commits): notices meant "at once" not yet
    mailed, and, after 07:00 local, each person's digest of the notices they chose to get that way,
    once a day (only when the oldest waiting one is from before today's 07:00)."""
    if not settings.mail_enabled:
        return 0
    waiting = session.exec(
        select(Notice)
        .where(col(Notice.mailed_at).is_(None), col(Notice.created_at) >= now - MAIL_WINDOW)
        .order_by(col(Notice.id))
    ).all()
    by_user: dict[int, list[Notice]] = {}
    for n in waiting:
        by_user.setdefault(n.user_id, []).append(n)
    local_now = to_local(now)
    digest_from = datetime.combine(local_now.date(), time(DIGEST_HOUR), tzinfo=LOCAL_TZ)
    sent = 0
    for user_id, notices in by_user.items():
        user = session.get(User, user_id)
        if user is None or user.status == UserStatus.DISABLED:
            continue
        if user.status != UserStatus.ACTIVE:  # pending or rejected: only news of the account
            notices = [n for n in notices if n.kind in kinds.ACCOUNT_KINDS]
        at_once = [n for n in notices if delivery_for(session, user_id, n.kind) == Delivery.EMAIL]
        for n in at_once:
            _mail_one(session, settings, user, [n])
            sent += 1
        digest = [n for n in notices if delivery_for(session, user_id, n.kind) == Delivery.DIGEST]
        if digest and local_now >= digest_from and min(n.created_at for n in digest) < digest_from:
            _mail_one(session, settings, user, digest)
            sent += 1
    return sent


def page_context(request: Request) -> dict[str, Any]:
    """For every page: the bell's count of unread notices, read only when the page shows it."""
    identity = current_identity(request)
    user = identity.user if identity else None
    return {"unread_notices": lambda: _unread_notices(request, user)}


def _unread_notices(request: Request, user: User | None) -> int | None:
    """The count, or None when it cannot be read (an error page while the database is away must
    still render)."""
    if user is None or user.id is None:
        return None
    try:
        with Session(request.app.state.engine) as session:
            return unread_count(session, user.id)
    except Exception:
        return None
