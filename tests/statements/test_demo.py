"""`seed-demo` fills the newsroom: statements in every state, the register with its history, and
`pressdesk publish-due` records an embargo that has ended, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.demo import DEMO_DOMAIN, seed_demo
from app.notifications.models import Notice
from app.statements import service
from app.statements.models import (
    ChangeKind,
    Edition,
    EditionState,
    Spokesperson,
    Statement,
    StatementKind,
)
from app.statements.service import preview
from app.timeutil import utcnow
from tests.support import actor_of


def test_the_demo_seeds_statements_in_every_state_once(db: Session, settings: Any) -> None:
    first = seed_demo(db, settings)
    second = seed_demo(db, settings)

    assert first.statements_added >= 8 and second.statements_added == 0
    db.expire_all()
    rows = db.exec(select(Statement)).all()
    assert {s.kind for s in rows} == set(StatementKind)
    assert any(s.withdrawn_at is not None and s.withdrawn_reason for s in rows)
    states = {e.state for e in db.exec(select(Edition)).all()}
    assert states >= {
        EditionState.DRAFT,
        EditionState.SUBMITTED,
        EditionState.SCHEDULED,
        EditionState.PUBLISHED,
    }
    kinds = {e.change_kind for e in db.exec(select(Edition)).all()}
    assert {ChangeKind.MAJOR, ChangeKind.MINOR} <= kinds
    # Each kind numbers its statements anew every year (the demo's dates may span New Year).
    numbers = [(s.year, s.number) for s in rows if s.number]
    assert "1/TCBC-UBND" in {n for _y, n in numbers} and len(numbers) == len(set(numbers))
    # the embargoed one is not public yet
    scheduled = db.exec(select(Edition).where(Edition.state == EditionState.SCHEDULED)).one()
    assert service.public_edition(db, scheduled.statement_id) is None
    # ... and shared before its time with the demo journalist's agency, who is told
    journalist = db.exec(select(User).where(User.email == f"phongvien@{DEMO_DOMAIN}")).one()
    shared = preview.mine(db, actor_of(journalist))
    assert [st.id for st, _ed in shared] == [scheduled.statement_id]
    notice = db.exec(select(Notice).where(Notice.user_id == journalist.id)).all()
    assert f"/preview/statements/{scheduled.statement_id}" in {n.link for n in notice}
    # the register has people in force and a predecessor in the history
    current, history = service.register(db)
    assert current and any(p.ended_reason for p in history)
    assert all("(demo)" in p.full_name for p in db.exec(select(Spokesperson)).all())


def test_publish_due_records_an_ended_embargo_once(db: Session, settings: Any) -> None:
    seed_demo(db, settings)
    scheduled = db.exec(select(Edition).where(Edition.state == EditionState.SCHEDULED)).one()
    scheduled.publish_at = utcnow() - timedelta(minutes=1)
    db.add(scheduled)
    db.commit()

    # a first edition waits for its number, given when the embargo is recorded
    assert service.public_edition(db, scheduled.statement_id) is None
    assert db.get(Statement, scheduled.statement_id).number is None  # type: ignore[union-attr]
    assert service.publish_due(db) == [scheduled.id]
    assert service.public_edition(db, scheduled.statement_id) is not None
    assert db.get(Statement, scheduled.statement_id).number  # type: ignore[union-attr]
    assert service.publish_due(db) == []
    db.expire_all()
    assert db.get(Edition, scheduled.id).state == EditionState.PUBLISHED  # type: ignore[union-attr]
    events = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "statement.published",
            col(AuditEvent.summary).contains("embargo ended"),
        )
    ).all()
    assert len(events) == 1
