"""The e-mail outbox: messages are written in the transaction of the change that caused them
(`enqueue`), and a sender delivers them later with retries (`send_due`).

Delivery, and why a restart sends nothing twice:

1. A message is *claimed* by a conditional UPDATE (pending and due -> sending, `claimed_at` =
   now) that is committed before anything goes to the mail server; of several senders (every
   worker, cron) exactly one wins each message.
2. It is sent, and the outcome (sent, retry later, failed) is committed at once, message by
   message, so that a crash after message 1 went out does not send message 1 again.
3. A message left in "sending" by a sender that died is taken back after `LEASE` (much longer
   than one SMTP exchange can take, see `smtp_timeout_seconds`).

The one window left: the mail server accepted a message and the sender died (or lost the
database) before the commit of step 2. After `LEASE` that message is sent again. It carries the
same `Message-ID` on every attempt, so receiving servers that de-duplicate, mail clients and
people can recognise the copy. Closing that window entirely would need the mail server to take
part in our transaction, which SMTP cannot do.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, parseaddr

from sqlalchemy import ColumnElement, Engine, and_, or_, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.notifications.models import OutboxMessage, OutboxStatus
from app.timeutil import utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a message "sending" for longer than this is taken back
MAX_DELAY = timedelta(hours=6)  # the longest wait between two attempts
BACKOFF_FACTOR = 4


def domain(settings: Settings) -> str:
    address = parseaddr(settings.mail_from)[1]
    return address.rpartition("@")[2] or "pressdesk.invalid"


def enqueue(
    session: Session,
    settings: Settings,
    *,
    to: str,
    language: str,
    subject: str,
    text: str,
    html: str,
    unsubscribe_url: str = "",
) -> OutboxMessage | None:
    """Add a message to the outbox (no commit: it commits with the change). Nothing is queued
    when SMTP is not configured."""
    if not settings.mail_enabled:
        return None
    message = OutboxMessage(
        to_address=to,
        language=language,
        subject=" ".join(subject.split())[:300],  # a header is one line
        text_body=text,
        html_body=html,
        unsubscribe_url=unsubscribe_url,
        message_id=f"<{uuid.uuid4().hex}@{domain(settings)}>",
    )
    session.add(message)
    return message


EW_BYTES = 42  # UTF-8 bytes per encoded word: 56 base64 characters, 68 with its =?utf-8?b?…?=


class EncodedSubject(str):
    """A Subject header written as RFC 2047 encoded words that each hold whole characters and
    their own spaces. The standard library's folding of a long non-ASCII subject puts the space
    between two words outside the encoded words, where readers drop it ("thườngkỳ"); here every
    space is inside an encoded word, so nothing depends on the whitespace between them."""

    name = "Subject"

    def words(self) -> list[str]:
        chunks: list[str] = []
        current = ""
        for char in str(self):
            if len((current + char).encode("utf-8")) > EW_BYTES:
                chunks.append(current)
                current = ""
            current += char
        if current:
            chunks.append(current)
        return [
            f"=?utf-8?b?{base64.b64encode(chunk.encode('utf-8')).decode('ascii')}?="
            for chunk in chunks
        ]

    def fold(self, *, policy: Policy) -> str:
        """The header as the generator writes it: one encoded word per line (the email
        package's policies call this for header objects, i.e. anything with a `name`)."""
        linesep = policy.linesep
        return f"{self.name}: " + f"{linesep} ".join(self.words()) + linesep


def subject_header(subject: str) -> str:
    """The value to give `message["Subject"]`: plain ASCII as it is (folded at its spaces, which
    survive), anything else as `EncodedSubject`."""
    return subject if subject.isascii() else EncodedSubject(subject)


def build_message(settings: Settings, row: OutboxMessage) -> EmailMessage:
    """The e-mail for one outbox row: plain text and HTML alternatives in UTF-8, the row's stable
    Message-ID, and the one-click unsubscribe headers (RFC 8058) when it has an unsubscribe link."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = row.to_address
    message["Subject"] = subject_header(row.subject)  # every e-mail's subject goes through here
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.text_body, charset="utf-8")
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html", charset="utf-8")
    message["Content-Language"] = row.language  # after the parts: set_content clears Content-*
    return message


@dataclass(frozen=True)
class SendResult:
    sent: int = 0
    retried: int = 0  # back to pending, to be tried again later
    failed: int = 0  # given up: refused for good, or the last attempt failed

    def __bool__(self) -> bool:
        return bool(self.sent or self.retried or self.failed)


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base, ×4 each time, at most 6 hours
    (with the default base of 60 s: 1 min, 4 min, 16 min, 64 min, 4 h 16 min, then 6 h)."""
    exponent = max(attempts - 1, 0)
    seconds = settings.mail_retry_base_seconds * BACKOFF_FACTOR ** min(exponent, 20)
    return min(timedelta(seconds=seconds), MAX_DELAY)


def _describe(settings: Settings, exc: BaseException) -> str:
    """A short, single-line description of an error for `last_error` and the log (never the
    SMTP password, even if a server were to echo it)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(reply)}" for code, reply in exc.recipients.values()]
        text = "recipient refused: " + "; ".join(parts)
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{exc.__class__.__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        text = f"{exc.__class__.__name__}: {exc}"
    if settings.smtp_password:
        text = text.replace(settings.smtp_password, "***")
    return " ".join(text.split())[:300]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _permanent(exc: BaseException) -> bool:
    """Whether a failed attempt cannot succeed later (5xx) rather than may (4xx, connection)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    # e.g. a non-ASCII address and a server without SMTPUTF8, a header that cannot be written;
    # anything else (disconnected, refused, timed out) may work next time.
    return isinstance(exc, smtplib.SMTPNotSupportedError | UnicodeError | ValueError)


def _connection_lost(exc: BaseException) -> bool:
    """After these the connection cannot carry another message."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421  # the server is closing the connection
    if isinstance(exc, smtplib.SMTPException):  # a subclass of OSError, but only this message
        return False
    return isinstance(exc, OSError)  # refused, reset, timed out


def _connect(settings: Settings) -> smtplib.SMTP:
    """Open the connection to the mail server (TLS and login per the settings)."""
    timeout = settings.smtp_timeout_seconds
    conn: smtplib.SMTP
    if settings.smtp_security == "ssl":
        conn = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        conn = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    try:
        if settings.smtp_security == "starttls":
            conn.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            conn.login(settings.smtp_username, settings.smtp_password)
    except BaseException:
        conn.close()
        raise
    return conn


def _disconnect(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()


def _due(now: datetime) -> ColumnElement[bool]:
    """Waiting and due, or claimed by a sender that has not finished within the lease."""
    return or_(
        and_(
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.next_attempt_at) <= now,
        ),
        and_(
            col(OutboxMessage.status) == OutboxStatus.SENDING,
            col(OutboxMessage.claimed_at) <= now - LEASE,
        ),
    )


def _claim_next(session: Session, now: datetime) -> int | None:
    """Claim one due message for this sender (committed), or None when nothing is due. Another
    sender may win a message between our SELECT and UPDATE: then we try the next one."""
    while True:
        candidates = session.exec(
            select(OutboxMessage.id)
            .where(_due(now))
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(10)
        ).all()
        if not candidates:
            return None
        for message_id in candidates:
            won = session.execute(  # type: ignore[attr-defined]  # CursorResult has rowcount
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == message_id, _due(now))
                .values(status=OutboxStatus.SENDING, claimed_at=now)
            ).rowcount
            session.commit()
            if won:
                return message_id


def _record_failure(
    session: Session,
    settings: Settings,
    row: OutboxMessage,
    exc: BaseException,
    now: datetime,
    *,
    temporary: bool = False,
) -> bool:
    """Write the outcome of a failed attempt; True if the message will be tried again."""
    row.attempts += 1
    row.last_error = _describe(settings, exc)
    row.claimed_at = None
    permanent = not temporary and _permanent(exc)
    if permanent or row.attempts >= settings.mail_max_attempts:
        row.status = OutboxStatus.FAILED
        log.error(
            "e-mail %s to %s failed for good after %d attempt(s): %s",
            row.message_id,
            row.to_address,
            row.attempts,
            row.last_error,
        )
    else:
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now + retry_delay(settings, row.attempts)
        log.warning(
            "e-mail %s to %s not sent (attempt %d), next try at %s: %s",
            row.message_id,
            row.to_address,
            row.attempts,
            row.next_attempt_at.isoformat(),
            row.last_error,
        )
    session.add(row)
    session.commit()
    return row.status == OutboxStatus.PENDING


def send_due(
    engine: Engine, settings: Settings, *, now: datetime | None = None, limit: int = 100
) -> SendResult:
    """Send up to `limit` due messages over one SMTP connection, each claimed and its outcome
    committed on its own (see the module's docstring). SMTP problems are logged and recorded on
    the messages, never raised; database errors are raised."""
    if not settings.mail_enabled:
        return SendResult()
    now = now or utcnow()
    sent = retried = failed = 0
    conn: smtplib.SMTP | None = None
    sender = parseaddr(settings.mail_from)[1] or settings.mail_from
    with Session(engine) as session:
        try:
            for _ in range(limit):
                message_id = _claim_next(session, now)
                if message_id is None:
                    break
                row = session.get(OutboxMessage, message_id)
                assert row is not None
                if conn is None:  # opened only when there is something to send
                    try:
                        conn = _connect(settings)
                    except (smtplib.SMTPException, OSError) as exc:
                        # Not reachable, TLS or login refused: whatever the reply, the message
                        # is fine; it waits (with backoff) and the other due messages stay
                        # pending, untouched, for the next run.
                        if _record_failure(session, settings, row, exc, now, temporary=True):
                            retried += 1
                        else:
                            failed += 1
                        break
                try:
                    conn.send_message(
                        build_message(settings, row), from_addr=sender, to_addrs=[row.to_address]
                    )
                except (smtplib.SMTPException, OSError, UnicodeError, ValueError) as exc:
                    if _record_failure(session, settings, row, exc, now):
                        retried += 1
                    else:
                        failed += 1
                    if _connection_lost(exc):
                        break  # the rest waits for the next run
                    continue
                # The server has the message. A crash before this commit is the one window in
                # which it would be sent twice (after the lease; same Message-ID).
                row.status = OutboxStatus.SENT
                row.sent_at = now
                row.attempts += 1
                row.claimed_at = None
                row.last_error = ""
                session.add(row)
                session.commit()
                sent += 1
        finally:
            if conn is not None:
                _disconnect(conn)
    result = SendResult(sent=sent, retried=retried, failed=failed)
    if result:
        log.info("outbox: %d sent, %d to retry, %d failed", sent, retried, failed)
    return result
