"""Helpers for the sudden-matter tests: local moments, and the statements, questions and briefings
a matter links to, made directly as rows (their own workflows are tested in their areas)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session

from app.audit.service import Actor
from app.briefings.models import Briefing, BriefingStatus
from app.incidents import service
from app.incidents.models import Matter
from app.incidents.service import MatterInput
from app.orgs.models import Organisation, OrgKind
from app.questions.models import Channel, Question, QuestionStatus
from app.statements.models import Edition, EditionState, Statement, StatementKind
from app.timeutil import LOCAL_TZ
from tests.factories import make_briefing, make_org

OFFICE = Actor(None, "office@example.vn", "press_office", None, None)
_seq = itertools.count(1)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A local (Asia/Ho_Chi_Minh) day and time as the UTC moment stored."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ).astimezone(UTC)


def body(db: Session, **over: Any) -> Organisation:
    """A department in force since 2017 (state body a matter may concern)."""
    return make_org(db, valid_from=over.pop("valid_from", date(2017, 3, 30)), **over)


def agency(db: Session) -> Organisation:
    return make_org(db, kind=OrgKind.PRESS_AGENCY, valid_from=date(2017, 3, 30))


def statement(
    db: Session,
    published_at: datetime | None,
    *,
    kind: StatementKind = StatementKind.PRESS_RELEASE,
    withdrawn_at: datetime | None = None,
    number: str | None = None,
    title: str | None = None,
) -> Statement:
    """A statement whose first edition is public from `published_at` (None: a draft)."""
    n = next(_seq)
    org = body(db)
    st = Statement(
        kind=kind,
        organisation_id=org.id or 0,
        first_published_at=published_at,
        withdrawn_at=withdrawn_at,
        number=number or (f"{n}/TCBC-UBND" if published_at else None),
    )
    db.add(st)
    db.flush()
    db.add(
        Edition(
            statement_id=st.id or 0,
            title=title or f"Thông cáo thử {n}",
            state=EditionState.PUBLISHED if published_at else EditionState.DRAFT,
            publish_at=published_at,
        )
    )
    db.commit()
    return st


def question(
    db: Session,
    *,
    answered_at: datetime | None = None,
    status: QuestionStatus | None = None,
    text: str = "Vì sao tàu du lịch bị dừng hoạt động trên vịnh Hạ Long?",
) -> Question:
    q = Question(
        text=text,
        channel=Channel.PHONE,
        asker_name="Phóng viên (demo)",
        status=status or (QuestionStatus.ANSWERED if answered_at else QuestionStatus.ASSIGNED),
        answered_at=answered_at,
    )
    db.add(q)
    db.commit()
    return q


def briefing(db: Session, starts_at: datetime, status: BriefingStatus) -> Briefing:
    return make_briefing(db, starts_at=starts_at, ends_at=starts_at, status=status)


def matter(
    db: Session, start: datetime, kind: str = "art7_3", *, actor: Actor = OFFICE, **over: Any
) -> Matter:
    data = MatterInput(
        kind=kind, title=over.pop("title", f"Vụ việc thử {next(_seq)}"), clock_started_at=start
    )
    for name, value in over.items():
        setattr(data, name, value)
    return service.create(db, actor=actor, data=data)
