"""Who is told of a sudden matter: the office and the spokesperson when a matter with a time limit
is opened, when 6 hours are left without information and when it is late — each once, however
often the sender's reminder hook runs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.accounts.models import Role, UserStatus
from app.config import Settings
from app.notifications import kinds, scheduler, triggers
from app.notifications import service as notifications
from app.notifications.models import Notice, NoticeKind
from app.timeutil import utcnow
from tests.factories import make_user
from tests.incidents.support import at, matter, statement
from tests.support import as_sender

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")
K = NoticeKind


def notices(db: Session, kind: NoticeKind | None = None) -> list[Notice]:
    db.expire_all()
    query = select(Notice)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return list(db.exec(query.order_by(col(Notice.id))).all())


def people(db: Session) -> dict[str, int]:
    made = {
        "office": make_user(db, Role.PRESS_OFFICE),
        "spokesperson": make_user(db, Role.SPOKESPERSON),
        "admin": make_user(db, Role.ADMIN),
        "department": make_user(db, Role.DEPARTMENT),
        "disabled": make_user(db, Role.PRESS_OFFICE, status=UserStatus.DISABLED),
    }
    return {name: u.id or 0 for name, u in made.items()}


def test_opening_a_matter_with_a_time_limit_tells_the_office_and_the_spokesperson(
    db: Session,
) -> None:
    who = people(db)
    m = matter(db, utcnow() - timedelta(hours=1), title="Sự cố tràn dầu tại cảng Cẩm Phả")
    matter(db, utcnow() - timedelta(hours=1), "art7_2")  # no time limit: nobody is told

    told = notices(db, K.MATTER_OPENED)

    assert {n.user_id for n in told} == {who["office"], who["spokesperson"]}
    assert all(n.link == f"/office/incidents/{m.id}" for n in told)
    text = kinds.text(K.MATTER_OPENED, told[0].params, "en")
    assert "Sự cố tràn dầu tại cảng Cẩm Phả" in text and "05/12/2026 09:00" in text
    assert notices(db) == told


def test_the_reminders_tell_once_at_6_hours_left_and_once_when_late(
    db: Session, settings: Settings
) -> None:
    who = people(db)
    start = utcnow() - timedelta(hours=10)
    m = matter(db, start)
    due = start + timedelta(hours=24)

    as_sender(triggers.matter_reminders, db, settings, due - timedelta(hours=7))
    assert notices(db, K.MATTER_DUE_SOON) == []
    for _ in range(2):
        as_sender(triggers.matter_reminders, db, settings, due - timedelta(hours=6))
        as_sender(triggers.matter_reminders, db, settings, due - timedelta(hours=1))
    soon = notices(db, K.MATTER_DUE_SOON)
    assert sorted(n.user_id for n in soon) == sorted([who["office"], who["spokesperson"]])
    assert notices(db, K.MATTER_LATE) == []
    for _ in range(2):
        as_sender(triggers.matter_reminders, db, settings, due + timedelta(minutes=1))
    late = notices(db, K.MATTER_LATE)
    assert sorted(n.user_id for n in late) == sorted([who["office"], who["spokesperson"]])
    assert all(n.link == f"/office/incidents/{m.id}" for n in soon + late)
    assert "6" in kinds.text(K.MATTER_DUE_SOON, soon[0].params, "en")


def test_no_reminder_once_the_press_is_informed_or_the_matter_closed(
    db: Session, settings: Settings
) -> None:
    from app.incidents import service
    from tests.incidents.support import OFFICE

    people(db)
    informed = matter(db, at(date(2026, 12, 3), 12))
    service.link(
        db,
        actor=OFFICE,
        matter_id=informed.id or 0,
        kind="statement",
        ref=str(statement(db, at(date(2026, 12, 3), 13)).id),
    )
    closed = matter(db, at(date(2026, 12, 3), 12))
    service.close(db, actor=OFFICE, matter_id=closed.id or 0, note="")

    as_sender(triggers.matter_reminders, db, settings, utcnow() + timedelta(days=1))

    assert notices(db, K.MATTER_DUE_SOON) == notices(db, K.MATTER_LATE) == []


def test_the_sender_runs_the_matter_reminders_and_the_office_may_choose_their_delivery() -> None:
    hooks = scheduler.BEFORE_SEND
    # Before the e-mails for notices, so that a reminder goes out in the same run.
    assert hooks.index(triggers.matter_reminders) < hooks.index(notifications.mail_notices)
    for role in (Role.PRESS_OFFICE, Role.SPOKESPERSON):
        assert {K.MATTER_OPENED, K.MATTER_DUE_SOON, K.MATTER_LATE} <= set(kinds.kinds_for(role))
    for role in (Role.DEPARTMENT, Role.JOURNALIST, Role.ADMIN):
        assert not {K.MATTER_OPENED, K.MATTER_DUE_SOON, K.MATTER_LATE} & set(kinds.kinds_for(role))


def test_the_office_chooses_how_it_gets_the_matter_notices(db: Session, web: Any) -> None:
    from tests.support import html, signed_in

    signed_in(web, db, Role.SPOKESPERSON, lang="en")
    page = html(web.get("/notices/preferences").text)
    shown = {f.get("id") for f in page.all("fieldset")}
    assert {"f-matter_opened", "f-matter_due_soon", "f-matter_late"} <= shown
    assert page.all("input[name=matter_late][value=email][checked]")
