"""The e-mail outbox against a real SMTP server (aiosmtpd, in this process): what arrives, and
that a server that is down, slow to accept or refusing loses nothing and sends nothing twice."""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app import cli
from app.config import Settings, get_settings
from app.main import create_app
from app.notifications import outbox, scheduler
from app.notifications.models import OutboxMessage, OutboxStatus
from app.timeutil import utcnow
from tests.conftest import make_settings
from tests.support import free_port

SUBJECT = "Thông cáo báo chí: Hội nghị xúc tiến đầu tư tỉnh Quảng Ninh"
LINK = "http://127.0.0.1:8000/newsroom/statements/42"


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts; `refuse` answers RCPT TO for an address
    with the given reply, `data_reply` answers every DATA with it instead of accepting."""

    def __init__(self) -> None:
        self.received: list[tuple[Any, EmailMessage]] = []  # (envelope, parsed message)
        self.peers: list[Any] = []  # the client end of the connection of each message
        self.refuse: dict[str, str] = {}
        self.data_reply: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope, parsed))
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def mail_settings(database_url: str, tmp_path: Path, mailbox: tuple[Mailbox, int]) -> Settings:
    return make_settings(
        database_url,
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=mailbox[1],
        smtp_security="none",
        smtp_timeout_seconds=5,
        mail_from="Văn phòng UBND tỉnh <press@quangninh.gov.vn>",
    )


@pytest.fixture
def engine(db: Session) -> Engine:
    bind = db.get_bind()
    assert isinstance(bind, Engine)
    return bind


def queue(
    db: Session, settings: Settings, to: str = "phong.vien@baoquangninh.vn", **over: Any
) -> OutboxMessage:
    values: dict[str, Any] = {
        "to": to,
        "language": "vi",
        "subject": SUBJECT,
        "text": f"Thông cáo mới đã được công bố: {LINK}",
        "html": f'<p>Thông cáo mới đã được công bố: <a href="{LINK}">đọc</a></p>',
    }
    values.update(over)
    row = outbox.enqueue(db, settings, **values)
    assert row is not None
    db.commit()
    return row


def stored(db: Session, row: OutboxMessage) -> OutboxMessage:
    db.expire_all()
    fresh = db.get(OutboxMessage, row.id)
    assert fresh is not None
    return fresh


def closed_port_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"smtp_port": free_port()})


def test_a_queued_message_arrives_with_its_headers_text_and_html(
    db: Session, engine: Engine, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _port = mailbox
    unsubscribe = "http://127.0.0.1:8000/subscriptions/unsubscribe/tok123"
    first = queue(db, mail_settings, unsubscribe_url=unsubscribe)
    second = queue(db, mail_settings, to="editor@vnexpress.net", language="en", subject="Hello")
    now = utcnow()

    assert outbox.send_due(engine, mail_settings, now=now) == outbox.SendResult(sent=2)

    assert len(box.received) == 2
    assert len(set(box.peers)) == 1  # both over one connection
    envelope, message = box.received[0]
    assert envelope.mail_from == "press@quangninh.gov.vn"
    assert envelope.rcpt_tos == ["phong.vien@baoquangninh.vn"]
    assert message["To"] == "phong.vien@baoquangninh.vn"
    assert message["From"] == "Văn phòng UBND tỉnh <press@quangninh.gov.vn>"
    assert message["Subject"] == SUBJECT  # the diacritics survive the header encoding
    assert message["Message-ID"] == first.message_id
    assert message["Content-Language"] == "vi"
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert text_part is not None and html_part is not None
    assert LINK in text_part.get_content() and "Thông cáo mới" in text_part.get_content()
    assert f'href="{LINK}"' in html_part.get_content()
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    _envelope, other = box.received[1]
    assert other["Message-ID"] == second.message_id
    assert other["Content-Language"] == "en"
    assert other["List-Unsubscribe"] is None and other["List-Unsubscribe-Post"] is None

    row = stored(db, first)
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.SENT, 1, now)
    assert stored(db, second).status == OutboxStatus.SENT
    # Sent is sent: another run delivers nothing more.
    assert outbox.send_due(engine, mail_settings) == outbox.SendResult()
    assert len(box.received) == 2


def test_a_mail_server_that_is_down_loses_nothing_and_the_message_arrives_once_later(
    db: Session, engine: Engine, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _port = mailbox
    row = queue(db, mail_settings)
    now = utcnow()

    result = outbox.send_due(engine, closed_port_settings(mail_settings), now=now)

    assert result == outbox.SendResult(retried=1)
    waiting = stored(db, row)
    assert waiting.status == OutboxStatus.PENDING
    assert waiting.attempts == 1
    assert "ConnectionRefused" in waiting.last_error
    assert waiting.next_attempt_at == now + timedelta(seconds=60)

    # The server is back, but the wait is not over: nothing is sent yet.
    early = now + timedelta(seconds=30)
    assert outbox.send_due(engine, mail_settings, now=early) == outbox.SendResult()
    assert box.received == []
    assert stored(db, row).status == OutboxStatus.PENDING

    later = waiting.next_attempt_at + timedelta(seconds=1)
    assert outbox.send_due(engine, mail_settings, now=later) == outbox.SendResult(sent=1)
    assert outbox.send_due(engine, mail_settings, now=later + timedelta(hours=1)).sent == 0
    assert len(box.received) == 1
    assert box.received[0][1]["Message-ID"] == row.message_id
    delivered = stored(db, row)
    assert (delivered.status, delivered.attempts, delivered.sent_at) == (
        OutboxStatus.SENT,
        2,
        later,
    )


def test_a_temporary_refusal_is_retried_with_growing_waits(
    db: Session, engine: Engine, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _port = mailbox
    box.data_reply = "451 4.3.0 try later"
    row = queue(db, mail_settings)
    now = utcnow()

    assert outbox.send_due(engine, mail_settings, now=now) == outbox.SendResult(retried=1)
    first = stored(db, row)
    assert (first.status, first.attempts) == (OutboxStatus.PENDING, 1)
    assert "451" in first.last_error and "try later" in first.last_error
    assert first.next_attempt_at == now + timedelta(minutes=1)

    second_try = first.next_attempt_at
    assert outbox.send_due(engine, mail_settings, now=second_try).retried == 1
    second = stored(db, row)
    assert second.attempts == 2
    assert second.next_attempt_at == second_try + timedelta(minutes=4)

    box.data_reply = None
    assert outbox.send_due(engine, mail_settings, now=second.next_attempt_at).sent == 1
    assert len(box.received) == 1
    assert stored(db, row).status == OutboxStatus.SENT


def test_the_wait_between_attempts_grows_fourfold_up_to_six_hours(
    mail_settings: Settings,
) -> None:
    waits = [outbox.retry_delay(mail_settings, n).total_seconds() for n in range(1, 9)]
    assert waits == [60, 240, 960, 3840, 15360, 21600, 21600, 21600]


def test_a_refused_recipient_fails_at_once_and_the_others_still_go(
    db: Session, engine: Engine, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _port = mailbox
    box.refuse["nobody@baoquangninh.vn"] = "550 5.1.1 no such user"
    refused = queue(db, mail_settings, to="nobody@baoquangninh.vn")
    fine = queue(db, mail_settings, to="toa.soan@baoquangninh.vn")

    result = outbox.send_due(engine, mail_settings)

    assert result == outbox.SendResult(sent=1, failed=1)
    failed = stored(db, refused)
    assert (failed.status, failed.attempts) == (OutboxStatus.FAILED, 1)
    assert "550" in failed.last_error and "no such user" in failed.last_error
    assert stored(db, fine).status == OutboxStatus.SENT
    assert [envelope.rcpt_tos for envelope, _m in box.received] == [["toa.soan@baoquangninh.vn"]]
    # Failed for good: never tried again.
    assert outbox.send_due(engine, mail_settings, now=utcnow() + timedelta(days=2)).failed == 0
    assert stored(db, refused).attempts == 1


def test_a_message_the_server_rejects_for_good_fails_at_once(
    db: Session, engine: Engine, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _port = mailbox
    box.data_reply = "554 5.6.0 message content rejected"
    row = queue(db, mail_settings)

    assert outbox.send_due(engine, mail_settings) == outbox.SendResult(failed=1)
    failed = stored(db, row)
    assert failed.status == OutboxStatus.FAILED
    assert "554" in failed.last_error


def test_after_the_last_attempt_the_message_fails(
    db: Session, engine: Engine, mail_settings: Settings
) -> None:
    settings = closed_port_settings(mail_settings).model_copy(update={"mail_max_attempts": 3})
    row = queue(db, settings)
    now = utcnow()
    results = []
    for _ in range(3):
        results.append(outbox.send_due(engine, settings, now=now))
        now = stored(db, row).next_attempt_at

    assert results == [
        outbox.SendResult(retried=1),
        outbox.SendResult(retried=1),
        outbox.SendResult(failed=1),
    ]
    gone = stored(db, row)
    assert (gone.status, gone.attempts) == (OutboxStatus.FAILED, 3)
    assert gone.last_error


def test_a_message_left_sending_by_a_dead_sender_is_taken_back_after_the_lease(
    db: Session, engine: Engine, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _port = mailbox
    now = utcnow()
    stale = queue(db, mail_settings, to="stale@example.vn")
    fresh = queue(db, mail_settings, to="fresh@example.vn")
    for row, claimed in ((stale, now - timedelta(minutes=11)), (fresh, now - timedelta(minutes=1))):
        row.status = OutboxStatus.SENDING
        row.claimed_at = claimed
        db.add(row)
    db.commit()

    assert outbox.send_due(engine, mail_settings, now=now) == outbox.SendResult(sent=1)

    assert [envelope.rcpt_tos for envelope, _m in box.received] == [["stale@example.vn"]]
    assert stored(db, stale).status == OutboxStatus.SENT
    assert stored(db, fresh).status == OutboxStatus.SENDING  # its sender may still be at work


def test_a_sender_that_crashes_mid_run_sends_nothing_twice_after_a_restart(
    db: Session,
    engine: Engine,
    mail_settings: Settings,
    mailbox: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    box, _port = mailbox
    first = queue(db, mail_settings, to="first@example.vn")
    second = queue(db, mail_settings, to="second@example.vn")
    real_build = outbox.build_message
    built: list[str] = []

    def crash_on_second(settings: Settings, row: OutboxMessage) -> EmailMessage:
        built.append(row.to_address)
        if row.to_address == "second@example.vn":
            raise SystemExit("the worker is killed")
        return real_build(settings, row)

    monkeypatch.setattr(outbox, "build_message", crash_on_second)
    now = utcnow()
    with pytest.raises(SystemExit):
        outbox.send_due(engine, mail_settings, now=now)
    assert built == ["first@example.vn", "second@example.vn"]
    assert stored(db, first).status == OutboxStatus.SENT
    assert stored(db, second).status == OutboxStatus.SENDING
    monkeypatch.setattr(outbox, "build_message", real_build)

    # Restarted at once: the first is not sent again, the second waits for its lease.
    assert outbox.send_due(engine, mail_settings, now=now + timedelta(seconds=5)).sent == 0
    after_lease = now + outbox.LEASE + timedelta(seconds=1)
    assert outbox.send_due(engine, mail_settings, now=after_lease).sent == 1

    assert sorted(envelope.rcpt_tos[0] for envelope, _m in box.received) == [
        "first@example.vn",
        "second@example.vn",
    ]


def test_without_smtp_nothing_is_queued_or_sent(
    db: Session,
    engine: Engine,
    settings: Settings,
    mail_settings: Settings,
    mailbox: tuple[Mailbox, int],
) -> None:
    box, _port = mailbox
    assert not settings.mail_enabled
    assert (
        outbox.enqueue(
            db, settings, to="a@example.vn", language="vi", subject="S", text="T", html=""
        )
        is None
    )
    db.commit()
    assert db.exec(select(OutboxMessage)).all() == []

    row = queue(db, mail_settings)  # queued while SMTP was configured, then switched off
    assert outbox.send_due(engine, settings) == outbox.SendResult()
    assert stored(db, row).status == OutboxStatus.PENDING
    assert box.received == []


@pytest.fixture
def pressdesk(
    database_url: str, mailbox: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(mailbox[1]))
    monkeypatch.setenv("SMTP_SECURITY", "none")
    monkeypatch.setenv("MAIL_FROM", "Press Desk <press@quangninh.gov.vn>")
    monkeypatch.setattr(scheduler, "BEFORE_SEND", [])  # only what each test registers
    get_settings.cache_clear()
    yield lambda *args: cli.main(list(args))
    get_settings.cache_clear()


def test_send_mail_command_delivers_the_queue_and_prints_the_counts(
    pressdesk: Any,
    db: Session,
    mail_settings: Settings,
    mailbox: tuple[Mailbox, int],
    capsys: Any,
) -> None:
    box, _port = mailbox
    row = queue(db, mail_settings)

    assert pressdesk("send-mail") == 0

    assert capsys.readouterr().out.strip() == "sent 1, to retry 0, failed 0"
    assert [m["Message-ID"] for _e, m in box.received] == [row.message_id]
    assert stored(db, row).status == OutboxStatus.SENT
    assert pressdesk("send-mail") == 0
    assert capsys.readouterr().out.strip() == "sent 0, to retry 0, failed 0"
    assert len(box.received) == 1


def test_send_mail_command_runs_the_hooks_first_so_cron_does_everything(
    pressdesk: Any,
    db: Session,
    mail_settings: Settings,
    mailbox: tuple[Mailbox, int],
    capsys: Any,
) -> None:
    box, _port = mailbox
    seen: list[datetime] = []

    def broken(session: Session, settings: Settings, now: datetime) -> None:
        raise RuntimeError("a bug in another hook")

    def digest(session: Session, settings: Settings, now: datetime) -> None:
        seen.append(now)
        outbox.enqueue(
            session,
            settings,
            to="digest@example.vn",
            language="vi",
            subject="Bản tin hằng ngày",
            text="…",
            html="<p>…</p>",
        )  # committed by run_once

    scheduler.BEFORE_SEND.extend([broken, digest])

    assert pressdesk("send-mail") == 0

    assert len(seen) == 1
    assert capsys.readouterr().out.strip() == "sent 1, to retry 0, failed 0"
    assert [m["Subject"] for _e, m in box.received] == ["Bản tin hằng ngày"]


def test_send_mail_command_without_smtp_says_so(
    pressdesk: Any, db: Session, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("SMTP_HOST", "")
    get_settings.cache_clear()
    assert pressdesk("send-mail") == 0
    assert capsys.readouterr().out.strip() == "SMTP is not configured (SMTP_HOST): nothing sent."


def test_the_running_app_sends_queued_mail_in_the_background(
    db: Session, mail_settings: Settings, mailbox: tuple[Mailbox, int], tmp_path: Path
) -> None:
    box, _port = mailbox
    row = queue(db, mail_settings)
    app = create_app(mail_settings.model_copy(update={"mail_send_interval_seconds": 1}))
    with TestClient(app):
        deadline = time.monotonic() + 10
        while not box.received and time.monotonic() < deadline:
            time.sleep(0.05)
    app.state.engine.dispose()

    assert [m["Message-ID"] for _e, m in box.received] == [row.message_id]
    assert stored(db, row).status == OutboxStatus.SENT


# --- Subjects: every kind of message keeps its Vietnamese subject exactly --------------------

LONG = {
    "briefing": "Họp báo thường kỳ quý IV năm 2026 về tiêm chủng mở rộng trên địa bàn tỉnh",
    "deadline": "16:30 20/12/2026",
    "due": "16:30 20/12/2026",
    "time": "08:30 22/12/2026",
    "date": "31/12/2026",
    "hours": "24",
    "count": "3",
    "comment": "Đề nghị bổ sung số liệu tiêm chủng thường kỳ của từng xã",
    "text": "Tiến độ giải phóng mặt bằng dự án cao tốc Vân Đồn – Móng Cái thế nào?",
    "reason": "Số thẻ nhà báo không khớp với danh sách của Bộ Văn hóa",
    "what": "Câu hỏi về tiêm chủng mở rộng",
    "title": "Thông tin về tình hình tiêm chủng mở rộng và phòng chống dịch bệnh mùa đông",
    "asker": "Phóng viên Báo Quảng Ninh",
    "organisation": "Sở Y tế tỉnh Quảng Ninh",
    "card": "TTX-000123",
    "outcome": "answered",
    "change": "postponed",
    "mode": "In person",
}


def _expected_notice_subject(kind: Any) -> str:
    from app.notifications import kinds

    subject = " ".join(kinds.text(kind, LONG, "vi").split())
    return subject if len(subject) <= 200 else subject[:199] + "…"


def _other_subjects() -> dict[str, str]:
    """The messages that are not notices, each with the subject its own code makes (the
    statement's title and the digest's dates as long as they come)."""
    from app.i18n import gettext

    title = LONG["title"] + " của Ủy ban nhân dân tỉnh"
    return {
        "statement announced": gettext("vi", "New statement: %(title)s", title=title),
        "statement updated": gettext("vi", "Updated: %(title)s", title=title),
        "subscription confirmation": gettext(
            "vi", "Confirm your subscription to official statements"
        ),
        "statements digest": gettext("vi", "Official statements, %(day)s", day="04/12/2026"),
        "monitoring digest": gettext(
            "vi", "Monitoring digest %(when)s: %(num)s press items", when="07/12/2026", num=12
        )
        + " – tin sai sự thật về tiêm chủng mở rộng trên địa bàn tỉnh",
    }


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_every_kind_of_message_keeps_its_long_vietnamese_subject_exactly(
    db: Session, engine: Engine, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    """Long subjects used to lose the spaces between encoded words when folded ("thườngkỳ")."""
    from app.accounts.models import Role
    from app.notifications import kinds
    from app.notifications import service as notices
    from app.notifications.models import Delivery, Notice, NoticeKind, NoticePreference
    from tests.factories import make_user

    box, _port = mailbox
    expected: dict[str, str] = {}
    for kind in NoticeKind:  # each notice e-mailed at once, through the sender's own hook
        user = make_user(db, sorted(kinds.KINDS[kind].roles)[0], email=f"{kind.value}@vd.vn")
        db.add(NoticePreference(user_id=user.id, kind=kind, delivery=Delivery.EMAIL))
        notices.notify(db, [user], kind, params=LONG, link="/notices")
        expected[user.email] = _expected_notice_subject(kind)
    digest = make_user(db, Role.JOURNALIST, email="digest@vd.vn")
    for kind in (NoticeKind.QUESTION_ANSWERED, NoticeKind.BRIEFING_CHANGED):
        db.add(NoticePreference(user_id=digest.id, kind=kind, delivery=Delivery.DIGEST))
        db.add(
            Notice(
                user_id=digest.id,
                kind=kind,
                params=LONG,
                link="/notices",
                created_at=utcnow() - timedelta(hours=12),
            )
        )
    expected[digest.email] = "Press Desk: 2 thông báo hôm nay"
    db.commit()
    notices.mail_notices(db, mail_settings, utcnow())
    db.commit()
    for name, subject in _other_subjects().items():
        address = name.replace(" ", ".") + "@vd.vn"
        queue(db, mail_settings, to=address, subject=subject)
        expected[address] = subject

    outbox.send_due(engine, mail_settings)

    received = {m["To"]: m["Subject"] for _env, m in box.received}
    assert received == expected
    long_ones = [s for s in expected.values() if len(s) > 75]
    assert len(long_ones) >= len(NoticeKind) + 3  # the folding really happened
    assert any("thường kỳ" in s for s in received.values())


@pytest.mark.parametrize("length", [1, 40, 75, 76, 120, 199, 300])
def test_subject_encoding_round_trips_any_length_and_mix(length: int) -> None:
    """Spaces, ASCII and Vietnamese in any place, cut at every length: the same subject back."""
    base = "Họp báo thường kỳ: tiêm chủng 2026 – “Vân Đồn” & Hạ Long… "
    subject = (base * 10)[:length].strip() or "Ạ"
    message = EmailMessage()
    message["Subject"] = outbox.subject_header(subject)
    message.set_content("x")
    raw = message.as_bytes(policy=email.policy.SMTP)
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == subject
