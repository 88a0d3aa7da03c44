"""Demo media monitoring for `pressdesk seed-demo`: two sources whose feeds are files of the app
itself (`static/demo-feeds/`, fictional articles), so the watcher of `make run` reads them with
no internet; three watch rules; and a week of press items with every tone, some entered by hand.
Run once: nothing is added when any source exists."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.audit.service import Actor
from app.config import Settings
from app.incidents.models import Matter
from app.law.rulesets import current
from app.monitoring import assessment, service, urls
from app.monitoring.models import Medium, MonitoringSource, PressItem, PressItemMatch, Tone
from app.orgs import service as orgs
from app.timeutil import utcnow

SOURCES = (
    ("Trung tâm Truyền thông tỉnh Quảng Ninh – Thời sự", "TTTT-QN", "tttt-quangninh.rss"),
    ("Báo Nhân Dân – Xã hội", "NHANDAN", "nhandan.atom"),
)
RULES = (
    ("Hạ Long", "ha long", "", "quang cao"),
    ("Vân Đồn", "van don", "", ""),
    ("Thông tin sai sự thật về Quảng Ninh", "quang ninh", "sai su that\ntin gia\nxuyen tac", ""),
)
# (days ago, outlet, medium, title, tone, rule index or None for by hand)
ITEMS = (
    (6, "Báo Nhân Dân", Medium.ONLINE, "Hạ Long chuẩn bị mùa lễ hội cuối năm", Tone.POSITIVE, 0),
    (
        5,
        "Đài Truyền hình Việt Nam",
        Medium.TELEVISION,
        "Phóng sự: nghề nuôi ngọc trai ở Vân Đồn",
        Tone.POSITIVE,
        None,
    ),
    (
        4,
        "Thông tấn xã Việt Nam",
        Medium.ONLINE,
        "Vân Đồn thu hút thêm hai dự án du lịch",
        Tone.NEUTRAL,
        1,
    ),
    (
        3,
        "Trang mạng xã hội “Tin nóng vùng biển”",
        Medium.SOCIAL,
        "Tin giả về tàu du lịch bị chìm trên vịnh Hạ Long",
        Tone.FALSE,
        None,
    ),
    (
        2,
        "Báo Nhân Dân",
        Medium.PRINT,
        "Ùn tắc kéo dài trên tuyến đường ven vịnh Hạ Long",
        Tone.NEGATIVE,
        0,
    ),
    (
        1,
        "Thông tấn xã Việt Nam",
        Medium.ONLINE,
        "Lịch cắt điện tại một số phường của Hạ Long",
        Tone.UNASSESSED,
        0,
    ),
)


def seed_monitoring(session: Session, settings: Settings) -> int:
    if session.exec(select(MonitoringSource.id)).first() is not None:
        return 0
    actor = Actor.system("seed-demo")
    for name, code, filename in SOURCES:
        org = orgs.get_by_code(session, code)
        url = settings.absolute_url(f"/static/demo-feeds/{filename}")
        session.add(
            MonitoringSource(
                name=name,
                feed_url=url,
                organisation_id=org.id if org else None,
                interval_minutes=60,
            )
        )
    rule_ids = []
    for name, all_of, any_of, none_of in RULES:
        data = service.RuleInput(name=name, all_of=all_of, any_of=any_of, none_of=none_of)
        rule_ids.append(service.add_rule(session, actor=actor, data=data).id or 0)
    now = utcnow()
    for n, (days, outlet, medium, title, tone, rule) in enumerate(ITEMS):
        url = f"https://tin.example.vn/demo/{n + 1}.html" if medium != Medium.PRINT else ""
        item = PressItem(
            outlet=outlet,
            medium=medium,
            url=url,
            url_key=urls.key(url) if url else None,
            title=title,
            excerpt="",
            published_at=now - timedelta(days=days, hours=2),
            tone=tone,
        )
        session.add(item)
        session.flush()
        if rule is not None:
            session.add(PressItemMatch(item_id=item.id or 0, rule_id=rule_ids[rule]))
    session.commit()
    return len(ITEMS) + _from_matters(session, actor, now)


def _from_matters(session: Session, actor: Actor, now: datetime) -> int:
    """The press behind the demo's false-information matters (their correction requested, one
    published by the agency) becomes items linked to them; the rumour on social media opens a
    sudden matter of its own (Art. 7(4): opinion divided)."""
    added = 0
    for matter in session.exec(
        select(Matter).where(Matter.kind == "art7_6", Matter.article_title != "")
    ):
        agency = orgs.get(session, matter.agency_id) if matter.agency_id else None
        url = matter.article_url if urls.is_web_address(matter.article_url) else ""
        session.add(
            PressItem(
                outlet=agency.name("vi") if agency else "Cơ quan báo chí",
                organisation_id=matter.agency_id,
                url=urls.canonical(url) if url else "",
                url_key=urls.key(url) if url else None,
                title=matter.article_title,
                excerpt=matter.summary[:2000],
                published_at=min(matter.clock_started_at, now),
                tone=Tone.FALSE,
                matter_id=matter.id,
            )
        )
        added += 1
    rumour = session.exec(select(PressItem).where(PressItem.medium == Medium.SOCIAL)).first()
    if rumour is not None and rumour.id is not None:
        kinds = current().sudden_kinds
        if "art7_4" in kinds:
            assessment.escalate(
                session,
                actor=actor,
                item_id=rumour.id,
                kind="art7_4",
                clock_started_at=now - timedelta(hours=3),
                agency_id=None,
                organisation_ids=[],
            )
    session.commit()
    return added
