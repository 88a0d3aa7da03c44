"""Statements by e-mail: subscribing (double opt-in), confirming, unsubscribing, and the messages
that announcements and daily digests put in the outbox (SMTP configured, nothing connects)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.config import Settings
from app.i18n import gettext
from app.notifications import announcements
from app.notifications import subscriptions as subs
from app.notifications.models import Announcement, OutboxMessage, Subscription
from app.orgs.models import Organisation
from app.security import new_token, token_digest
from app.statements.models import (
    ChangeKind,
    Edition,
    EditionState,
    EditionTranslation,
    Statement,
    StatementKind,
    StatementLanguage,
    StatementTopic,
    Topic,
)
from app.timeutil import LOCAL_TZ, utcnow
from tests.conftest import WebClient, make_settings, page_text
from tests.factories import make_org
from tests.support import as_sender

BASE = "https://baochi.example.vn"
NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 in Ha Long


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        database_url,
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=2525,
        smtp_security="none",
        public_base_url=BASE,
    )


# --- Building statements and subscriptions as rows -----------------------------------------------


@dataclass
class Province:
    committee: Organisation
    health: Organisation
    tourism: Topic
    health_topic: Topic


def province(db: Session) -> Province:
    committee = make_org(
        db, kind="peoples_committee", name_vi="UBND tỉnh", name_en="Provincial Committee"
    )
    health = make_org(db, name_vi="Sở Y tế", name_en="Department of Health")
    db.add(StatementLanguage(code="en", name="English", name_vi="Tiếng Anh", position=1))
    db.add(StatementLanguage(code="zh", name="中文", name_vi="Tiếng Trung", position=2))
    tourism = Topic(code="du-lich", name_vi="Du lịch", name_en="Tourism", position=1)
    health_topic = Topic(code="y-te", name_vi="Y tế", name_en="Health", position=2)
    db.add_all([tourism, health_topic])
    db.commit()
    return Province(committee, health, tourism, health_topic)


def issue(
    db: Session,
    org: Organisation,
    title: str,
    *,
    at: datetime = NOW - timedelta(hours=1),
    kind: StatementKind = StatementKind.PRESS_RELEASE,
    topics: tuple[Topic, ...] = (),
    translations: dict[str, str] | None = None,
    state: EditionState = EditionState.PUBLISHED,
    summary: str = "",
) -> Statement:
    st = Statement(kind=kind, organisation_id=org.id or 0, first_published_at=at)
    db.add(st)
    db.flush()
    st.number = f"{st.id}/TCBC-UBND"
    ed = Edition(statement_id=st.id or 0, state=state, title=title, summary=summary, publish_at=at)
    db.add(ed)
    db.flush()
    for topic in topics:
        db.add(StatementTopic(statement_id=st.id or 0, topic_id=topic.id or 0))
    for lang, text in (translations or {}).items():
        db.add(
            EditionTranslation(edition_id=ed.id or 0, language=lang, title=text, source_number=1)
        )
    db.commit()
    return st


def new_edition(
    db: Session,
    st: Statement,
    change: ChangeKind,
    title: str,
    *,
    at: datetime,
    note: str = "",
) -> Edition:
    editions = db.exec(select(Edition).where(Edition.statement_id == st.id)).all()
    last = max(editions, key=lambda e: e.number)
    last.superseded_at = at
    db.add(last)
    ed = Edition(
        statement_id=st.id or 0,
        number=last.number + 1,
        state=EditionState.PUBLISHED,
        title=title,
        change_kind=change,
        change_note=note,
        publish_at=at,
    )
    db.add(ed)
    db.commit()
    return ed


def subscribed(
    db: Session,
    settings: Settings,
    email: str,
    *,
    confirmed: datetime | None = NOW - timedelta(days=3),
    ended: datetime | None = None,
    **over: Any,
) -> tuple[Subscription, str]:
    """A subscription as the form would make it, confirmed unless told otherwise."""
    sub = Subscription(
        email=email,
        token_hash=token_digest(new_token()),
        created_at=NOW.replace(microsecond=0) - timedelta(days=4),
        confirmed_at=confirmed,
        ended_at=ended,
        **over,
    )
    db.add(sub)
    db.flush()
    token = subs.token_for(settings, sub)
    sub.token_hash = token_digest(token)
    db.commit()
    return sub, token


def mails(db: Session, to: str | None = None) -> list[OutboxMessage]:
    db.expire_all()
    query = select(OutboxMessage).order_by(col(OutboxMessage.id))
    if to is not None:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.exec(query).all())


def recipients(db: Session) -> list[str]:
    return sorted(m.to_address for m in mails(db))


def token_in(text: str, path: str) -> str:
    found = re.search(re.escape(BASE + path) + r"([0-9]+\.[A-Za-z0-9_-]{32})", text)
    assert found, f"no {path} link in {text!r}"
    return found.group(1)


def subscribe_form(**over: Any) -> dict[str, Any]:
    return {
        "email": "phongvien@baomoi.vn",
        "kinds": [],
        "topics": [],
        "organisations": [],
        "language": "vi",
        "frequency": "now",
        **over,
    }


# --- Subscribing ---------------------------------------------------------------------------------


def test_subscribing_records_an_unconfirmed_subscription_and_mails_a_confirm_link(
    db: Session, web: WebClient
) -> None:
    p = province(db)
    issue(db, p.health, "Tiêm chủng mùa đông", at=utcnow() - timedelta(days=1))
    page = web.get("/subscribe")
    assert page.status_code == 200
    assert 'name="email"' in page.text and 'value="du-lich"' in page.text
    assert f'value="{p.health.id}"' in page.text  # it has issued statements
    assert f'value="{p.committee.id}"' not in page.text  # it never has

    r = web.post(
        "/subscribe",
        subscribe_form(
            email=" PhongVien@BaoMoi.vn ",
            kinds=["press_release"],
            topics=["y-te"],
            organisations=[str(p.health.id)],
            language="en",
            frequency="digest",
        ),
    )
    assert r.status_code == 303
    sent_page = web.get(r.headers["location"])
    assert gettext("vi", "Check your mailbox") in page_text(sent_page.text)

    rows = db.exec(select(Subscription)).all()
    assert len(rows) == 1
    sub = rows[0]
    assert sub.email == "phongvien@baomoi.vn"
    assert (sub.kinds, sub.topics, sub.organisations) == (
        ["press_release"],
        ["y-te"],
        [p.health.id],
    )
    assert sub.language == "en" and sub.digest is True
    assert sub.confirmed_at is None and sub.ended_at is None

    [message] = mails(db)
    assert message.to_address == "phongvien@baomoi.vn"
    assert message.subject == "Confirm your subscription to official statements"  # English
    token = token_in(message.text_body, "/subscribe/confirm/")
    assert token_in(message.html_body, "/subscribe/confirm/") == token
    assert subs.find(db, token) is not None and subs.find(db, token).id == sub.id  # type: ignore[union-attr]
    assert sub.token_hash == token_digest(token) and token not in sub.token_hash

    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "subscription.created")).all()
    assert event.object_id == str(sub.id)
    assert "baomoi" not in (event.summary + (event.actor_email or "")).lower()


def test_the_answer_is_the_same_for_a_known_address_and_unconfirmed_ones_are_capped(
    db: Session, web: WebClient
) -> None:
    province(db)
    subscribed(db, web.client.app.state.settings, "phongvien@baomoi.vn")  # already confirmed
    answers = []
    for _ in range(subs.MAX_PENDING + 2):
        r = web.post("/subscribe", subscribe_form())
        answers.append((r.status_code, r.headers.get("location")))
    first = web.post("/subscribe", subscribe_form(email="nguoimoi@baomoi.vn"))
    assert set(answers) == {(first.status_code, first.headers.get("location"))}
    assert len(mails(db, "phongvien@baomoi.vn")) == subs.MAX_PENDING  # not one more
    pending = db.exec(
        select(Subscription)
        .where(Subscription.email == "phongvien@baomoi.vn")
        .where(col(Subscription.confirmed_at).is_(None))
    ).all()
    assert len(pending) == subs.MAX_PENDING
    assert len(mails(db, "nguoimoi@baomoi.vn")) == 1


def test_a_bad_address_is_refused_beside_the_field_and_the_choices_are_kept(
    db: Session, web: WebClient
) -> None:
    p = province(db)
    issue(db, p.health, "Tiêm chủng", at=utcnow() - timedelta(days=1))
    r = web.post(
        "/subscribe",
        subscribe_form(
            email="phongvien-at-baomoi",
            kinds=["written_answer"],
            topics=["du-lich"],
            organisations=[str(p.health.id)],
            language="zh",
            frequency="digest",
        ),
    )
    assert r.status_code == 422
    field = re.search(r'<div class="field field--error">.*?</div>', r.text, re.S)
    assert field and 'id="f-email-error"' in field.group(0) and 'name="email"' in field.group(0)
    assert 'value="phongvien-at-baomoi"' in r.text
    assert re.search(r'value="written_answer"\s+checked', r.text)
    assert re.search(r'value="du-lich"\s+checked', r.text)
    assert not re.search(r'value="press_release"\s+checked', r.text)
    assert re.search(rf'value="{p.health.id}"\s+selected', r.text)
    assert re.search(r'value="zh"\s+selected', r.text)
    assert re.search(r'value="digest"\s+checked', r.text)
    assert db.exec(select(Subscription)).all() == []
    assert mails(db) == []


# --- Confirming ----------------------------------------------------------------------------------


def test_opening_the_confirm_link_does_not_confirm_the_button_does(
    db: Session, web: WebClient, settings: Settings, new_web: Any
) -> None:
    province(db)
    web.post("/subscribe", subscribe_form(topics=["du-lich"]))
    token = token_in(mails(db)[0].text_body, "/subscribe/confirm/")
    path = f"/subscribe/confirm/{token}"

    page = web.get(path)  # what a mail scanner does
    assert page.status_code == 200
    assert f'action="{path}"' in page.text and 'name="csrf_token"' in page.text
    db.expire_all()
    sub = db.exec(select(Subscription)).one()
    assert sub.confirmed_at is None

    assert new_web().post(path, csrf=False).status_code == 403  # a forged form
    db.expire_all()
    assert db.exec(select(Subscription)).one().confirmed_at is None

    done = web.post(path)
    assert done.status_code == 200
    db.expire_all()
    assert db.exec(select(Subscription)).one().confirmed_at is not None
    assert "Du lịch" in page_text(done.text)  # what they subscribed to
    assert f'href="/unsubscribe/{token}"' in done.text

    assert web.get("/subscribe/confirm/1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert web.get("/subscribe/confirm/nonsense").status_code == 404
    _ended, ended_token = subscribed(db, settings, "cu@baomoi.vn", ended=NOW)
    assert web.get(f"/subscribe/confirm/{ended_token}").status_code == 404
    assert web.post(f"/subscribe/confirm/{ended_token}").status_code == 404


# --- Announcing ----------------------------------------------------------------------------------


def test_a_published_statement_goes_once_to_each_matching_subscription_only(
    db: Session, settings: Settings
) -> None:
    p = province(db)
    for email, over in {
        "all@x.vn": {},
        "kind@x.vn": {"kinds": ["press_release", "written_answer"]},
        "topic@x.vn": {"topics": ["y-te"]},
        "org@x.vn": {"organisations": [p.health.id]},
        "twice@x.vn": {},
        "other-kind@x.vn": {"kinds": ["written_answer"]},
        "other-topic@x.vn": {"topics": ["du-lich"]},
        "other-org@x.vn": {"organisations": [p.committee.id]},
        "english@x.vn": {"language": "en"},  # the statement has no English translation
        "unconfirmed@x.vn": {"confirmed": None},
        "ended@x.vn": {"ended": NOW - timedelta(days=1)},
        "digest@x.vn": {"digest": True},
    }.items():
        subscribed(db, settings, email, **over)
    subscribed(db, settings, "twice@x.vn", topics=["y-te"])  # two subscriptions: two messages
    st = issue(db, p.health, "Tiêm chủng mùa đông", topics=(p.health_topic,))

    assert as_sender(announcements.announce_statements, db, settings, NOW) == 6
    assert recipients(db) == sorted(
        ["all@x.vn", "kind@x.vn", "topic@x.vn", "org@x.vn", "twice@x.vn", "twice@x.vn"]
    )
    message = mails(db, "all@x.vn")[0]
    assert message.subject == gettext("vi", "New statement: %(title)s", title="Tiêm chủng mùa đông")
    assert f"{BASE}/statements/{st.id}" in message.text_body
    assert f"{BASE}/statements/{st.id}/" not in message.text_body  # the Vietnamese page
    assert f"{st.id}/TCBC-UBND" in message.text_body and "Sở Y tế" in message.text_body
    assert "10/03/2026 09:00" in message.text_body  # 02:00 UTC in Ha Long

    assert as_sender(announcements.announce_statements, db, settings, NOW) == 0  # once only
    assert as_sender(announcements.announce_statements, db, settings, NOW + timedelta(hours=1)) == 0
    assert len(mails(db)) == 6


def test_statements_older_than_a_week_are_never_mailed(db: Session, settings: Settings) -> None:
    p = province(db)
    subscribed(db, settings, "all@x.vn")
    issue(db, p.health, "Lưu trữ", at=NOW - announcements.ANNOUNCE_WINDOW - timedelta(minutes=1))
    assert as_sender(announcements.announce_statements, db, settings, NOW) == 0
    assert mails(db) == []


def test_an_embargoed_statement_is_announced_only_when_its_time_comes(
    db: Session, settings: Settings
) -> None:
    p = province(db)
    subscribed(db, settings, "all@x.vn")
    issue(db, p.health, "Cấm vận", at=NOW + timedelta(hours=2), state=EditionState.SCHEDULED)
    assert as_sender(announcements.announce_statements, db, settings, NOW) == 0
    assert mails(db) == [] and db.exec(select(Announcement)).all() == []
    assert (
        as_sender(
            announcements.announce_statements, db, settings, NOW + timedelta(hours=2, minutes=1)
        )
        == 1
    )
    assert "Cấm vận" in mails(db, "all@x.vn")[0].subject


def test_a_major_edition_is_announced_as_an_update_a_minor_one_is_not(
    db: Session, settings: Settings
) -> None:
    p = province(db)
    subscribed(db, settings, "all@x.vn")
    subscribed(db, settings, "english@x.vn", language="en")
    st = issue(
        db,
        p.health,
        "Lịch tiêm chủng",
        at=NOW - timedelta(days=2),
        translations={"en": "Vaccination"},
    )
    assert as_sender(announcements.announce_statements, db, settings, NOW - timedelta(days=2)) == 2

    new_edition(db, st, ChangeKind.MINOR, "Lịch tiêm chủng (sửa lỗi)", at=NOW - timedelta(hours=3))
    assert as_sender(announcements.announce_statements, db, settings, NOW - timedelta(hours=2)) == 0

    ed = new_edition(
        db,
        st,
        ChangeKind.MAJOR,
        "Lịch tiêm chủng mới",
        at=NOW - timedelta(hours=1),
        note="Đổi ngày tiêm",
    )
    db.add(
        EditionTranslation(
            edition_id=ed.id or 0, language="en", title="New schedule", source_number=3
        )
    )
    db.commit()
    assert as_sender(announcements.announce_statements, db, settings, NOW) == 2
    update = mails(db, "all@x.vn")[-1]
    assert update.subject == gettext("vi", "Updated: %(title)s", title="Lịch tiêm chủng mới")
    assert "Đổi ngày tiêm" in update.text_body and "Đổi ngày tiêm" in update.html_body
    english = mails(db, "english@x.vn")
    assert [m.subject for m in english] == ["New statement: Vaccination", "Updated: New schedule"]


def test_an_english_subscription_reads_english_and_links_the_translation(
    db: Session, settings: Settings
) -> None:
    p = province(db)
    subscribed(db, settings, "english@x.vn", language="en")
    subscribed(db, settings, "chinese@x.vn", language="zh")
    st = issue(
        db,
        p.health,
        "Lễ hội Hạ Long",
        translations={"en": "Ha Long festival", "zh": "下龙节"},
    )
    assert as_sender(announcements.announce_statements, db, settings, NOW) == 2
    [en] = mails(db, "english@x.vn")
    assert en.subject == "New statement: Ha Long festival"
    assert en.language == "en"
    assert f"{BASE}/statements/{st.id}/en" in en.text_body
    assert f'href="{BASE}/statements/{st.id}/en"' in en.html_body
    assert "Department of Health" in en.text_body and "Press release" in en.text_body
    assert "Lễ hội" not in en.text_body
    [zh] = mails(db, "chinese@x.vn")
    assert zh.subject == "New statement: 下龙节"  # English texts, the Chinese title
    assert f"{BASE}/statements/{st.id}/zh" in zh.text_body


# --- Unsubscribing -------------------------------------------------------------------------------


def test_every_message_carries_its_unsubscribe_link(db: Session, settings: Settings) -> None:
    p = province(db)
    _sub, token = subscribed(db, settings, "all@x.vn")
    _digest, digest_token = subscribed(db, settings, "digest@x.vn", digest=True)
    issue(db, p.health, "Tiêm chủng")
    as_sender(announcements.announce_statements, db, settings, NOW)
    as_sender(announcements.send_subscription_digests, db, settings, NOW)
    assert recipients(db) == ["all@x.vn", "digest@x.vn"]
    for message, t in (
        (mails(db, "all@x.vn")[0], token),
        (mails(db, "digest@x.vn")[0], digest_token),
    ):
        assert message.unsubscribe_url == f"{BASE}/unsubscribe/{t}"
        assert message.unsubscribe_url in message.text_body
        assert f'href="{message.unsubscribe_url}"' in message.html_body


def test_the_unsubscribe_page_has_a_button_that_ends_it_and_nothing_more_is_sent(
    db: Session, web: WebClient, settings: Settings
) -> None:
    p = province(db)
    sub, token = subscribed(db, settings, "all@x.vn")
    page = web.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    assert f'action="/unsubscribe/{token}/confirm"' in page.text
    db.expire_all()
    assert db.get(Subscription, sub.id).ended_at is None  # type: ignore[union-attr]

    done = web.post(f"/unsubscribe/{token}/confirm")
    assert done.status_code == 200
    db.expire_all()
    assert db.get(Subscription, sub.id).ended_at is not None  # type: ignore[union-attr]
    nothing_more = gettext("vi", "You will receive nothing more from this subscription.")
    assert nothing_more in page_text(done.text)
    assert web.get(f"/unsubscribe/{token}").status_code == 200  # the link still answers

    issue(db, p.health, "Tiêm chủng")
    assert as_sender(announcements.announce_statements, db, settings, NOW) == 0
    assert mails(db) == []
    assert web.get("/unsubscribe/9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(
    db: Session, client: Any, settings: Settings
) -> None:
    p = province(db)
    sub, token = subscribed(db, settings, "all@x.vn")
    # What Gmail and others send: no cookies, no CSRF token, the RFC 8058 body.
    r = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    db.expire_all()
    assert db.get(Subscription, sub.id).ended_at is not None  # type: ignore[union-attr]
    issue(db, p.health, "Tiêm chủng")
    assert as_sender(announcements.announce_statements, db, settings, NOW) == 0


# --- The daily digest ----------------------------------------------------------------------------


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


def test_a_digest_subscription_gets_one_message_a_day_after_seven(
    db: Session, settings: Settings
) -> None:
    p = province(db)
    subscribed(db, settings, "digest@x.vn", digest=True, confirmed=local(8, 12))
    subscribed(
        db, settings, "digest-tourism@x.vn", digest=True, topics=["du-lich"], confirmed=local(8, 12)
    )
    issue(db, p.health, "Tiêm chủng", at=local(9, 16), topics=(p.health_topic,))
    issue(db, p.committee, "Lễ hội hoa", at=local(9, 20), topics=(p.tourism,))
    as_sender(announcements.announce_statements, db, settings, local(9, 16, 5))
    as_sender(announcements.announce_statements, db, settings, local(9, 20, 5))
    assert mails(db) == []  # nothing at once

    assert (
        as_sender(announcements.send_subscription_digests, db, settings, local(10, 6, 55)) == 0
    )  # before 07:00
    assert as_sender(announcements.send_subscription_digests, db, settings, local(10, 7, 5)) == 2
    [digest] = mails(db, "digest@x.vn")
    assert digest.subject == gettext("vi", "Official statements, %(day)s", day="10/03/2026")
    assert "Tiêm chủng" in digest.text_body and "Lễ hội hoa" in digest.text_body
    assert "Tiêm chủng" in digest.html_body and "Lễ hội hoa" in digest.html_body
    [tourism] = mails(db, "digest-tourism@x.vn")
    assert "Lễ hội hoa" in tourism.text_body and "Tiêm chủng" not in tourism.text_body

    assert (
        as_sender(announcements.send_subscription_digests, db, settings, local(10, 21)) == 0
    )  # once a day
    issue(db, p.health, "Nắng nóng", at=local(10, 22), topics=(p.health_topic,))
    as_sender(announcements.announce_statements, db, settings, local(10, 22, 5))
    assert as_sender(announcements.send_subscription_digests, db, settings, local(10, 23)) == 0
    assert (
        as_sender(announcements.send_subscription_digests, db, settings, local(11, 7, 30)) == 1
    )  # tourism: none
    latest = mails(db, "digest@x.vn")[-1]
    assert "Nắng nóng" in latest.text_body and "Tiêm chủng" not in latest.text_body
    assert mails(db, "digest-tourism@x.vn") == [tourism]


# --- Escaping and the way in ---------------------------------------------------------------------


def test_a_title_with_markup_is_escaped_in_the_html_message(
    db: Session, settings: Settings
) -> None:
    p = province(db)
    subscribed(db, settings, "all@x.vn")
    subscribed(db, settings, "digest@x.vn", digest=True)
    title = '<script>alert("x")</script> Sở & Ngành'
    issue(db, p.health, title, summary="<b>đậm</b>")
    as_sender(announcements.announce_statements, db, settings, NOW)
    as_sender(announcements.send_subscription_digests, db, settings, NOW)
    for message in mails(db):
        assert "<script>" not in message.html_body and "<b>đậm" not in message.html_body
        assert "&lt;script&gt;" in message.html_body and "&amp; Ngành" in message.html_body
        assert title in message.text_body  # plain text is not HTML-escaped


def test_the_statements_page_links_to_the_subscription_form(db: Session, web: WebClient) -> None:
    page = web.get("/statements")
    assert page.status_code == 200
    assert 'href="/subscribe"' in page.text


def test_a_signed_in_subscriber_also_finds_the_statement_under_the_bell(
    db: Session, settings: Settings
) -> None:
    from app.accounts.models import Role
    from app.notifications.models import Notice, NoticeKind
    from tests.factories import make_user

    p = province(db)
    agency = make_org(db, kind="press_agency", name_vi="Báo Thử", name_en="Test Paper")
    journalist = make_user(db, Role.JOURNALIST, org=agency, press_card_number="B-1")
    other = make_user(db, Role.JOURNALIST, org=agency, press_card_number="B-2")
    subscribed(db, settings, journalist.email, user_id=journalist.id, digest=True)
    subscribed(db, settings, other.email, user_id=other.id, topics=["du-lich"])  # not this one
    st = issue(db, p.health, "Tiêm chủng mùa đông", topics=(p.health_topic,))

    as_sender(announcements.announce_statements, db, settings, NOW)
    as_sender(
        announcements.announce_statements, db, settings, NOW + timedelta(hours=1)
    )  # once only
    notices = db.exec(select(Notice)).all()
    assert [(n.user_id, n.kind, n.link) for n in notices] == [
        (journalist.id, NoticeKind.STATEMENT_PUBLISHED, f"/statements/{st.id}")
    ]
    assert notices[0].params["title"] == "Tiêm chủng mùa đông"
