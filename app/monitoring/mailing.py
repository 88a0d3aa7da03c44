"""The digest by e-mail: each day after `monitoring_digest_hour` (local time) the previous day's,
and on Mondays the previous week's, to every address of `monitoring_digest_recipients`. A hook of
the mail sender (`notifications.scheduler`): run by every worker and by `pressdesk send-mail`;
each message has a Message-ID made of the digest and the address, unique in the outbox, so two
workers never queue it twice."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.config import Settings
from app.i18n import N_, gettext
from app.monitoring import digest
from app.monitoring.models import TONE_LABELS, Tone
from app.notifications import outbox
from app.notifications.models import OutboxMessage
from app.templating import create_env
from app.timeutil import format_date, to_local


def recipients(settings: Settings) -> list[str]:
    return [a.strip() for a in settings.monitoring_digest_recipients.split(",") if "@" in a]


def _message_id(settings: Settings, period: str, first: str, to: str) -> str:
    tag = hashlib.sha256(to.lower().encode()).hexdigest()[:16]
    return f"<digest-{period}-{first}-{tag}@{outbox.domain(settings)}>"


def mail_digests(session: Session, settings: Settings, now: datetime) -> int:
    """Queue the digests due at `now`; the number queued."""
    people = recipients(settings)
    local = to_local(now)
    if not people or not settings.mail_enabled or local.hour < settings.monitoring_digest_hour:
        return 0
    due = [(digest.DAY, local.date() - timedelta(days=1))]
    if local.weekday() == 0:
        due.append((digest.WEEK, local.date() - timedelta(days=7)))
    locale = settings.default_language
    env = create_env(settings)
    queued = 0
    for period, on in due:
        found = None
        for to in people:
            message_id = _message_id(settings, period, on.isoformat(), to)
            if session.exec(
                select(OutboxMessage.id).where(OutboxMessage.message_id == message_id)
            ).first():
                continue
            if found is None:
                found = digest.build(session, period, on, locale)
            context = {
                "locale": locale,
                "digest": found,
                "tone_labels": TONE_LABELS,
                "false_tone": Tone.FALSE,
                "negative_tone": Tone.NEGATIVE,
                "base": settings.public_base_url.rstrip("/"),
                "settings": settings,
            }
            when = format_date(found.first) + (
                f"–{format_date(found.last)}" if period == digest.WEEK else ""
            )
            subject = gettext(locale, N_("Monitoring digest %(when)s: %(num)s press items"))
            subject = subject % {"when": when, "num": found.total}
            html = env.get_template("monitoring/digest_email.html").render(context)
            text = env.get_template("monitoring/digest_email.txt").render(context)
            try:
                with session.begin_nested():  # another worker may have queued it a moment ago
                    row = outbox.enqueue(
                        session,
                        settings,
                        to=to,
                        language=locale,
                        subject=subject,
                        text=text,
                        html=html,
                    )
                    if row is None:
                        continue
                    row.message_id = message_id
                    session.flush()
            except IntegrityError:
                continue
            queued += 1
    return queued
