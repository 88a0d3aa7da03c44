"""The demo's registrations to attend: in person, online, a television crew and one refused, on
coming briefings; a second run adds nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.attendance.models import Mode, Registration, RegistrationStatus
from app.briefings.models import Briefing
from app.config import Settings
from app.demo import seed_demo
from app.timeutil import utcnow

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")


def test_the_demo_registers_journalists_on_coming_briefings_once(
    db: Session, settings: Settings
) -> None:
    first = seed_demo(db, settings)
    again = seed_demo(db, settings)
    rows = list(db.exec(select(Registration)).all())
    assert first.registrations_added == len(rows) >= 6 and again.registrations_added == 0
    statuses = {(r.mode, r.status) for r in rows}
    assert (Mode.IN_PERSON, RegistrationStatus.REGISTERED) in statuses
    assert (Mode.ONLINE, RegistrationStatus.REGISTERED) in statuses
    refused = [r for r in rows if r.status == RegistrationStatus.REFUSED]
    assert len(refused) == 1 and refused[0].refusal_reason
    assert any(len(r.crew) >= 2 for r in rows)  # the television crew
    for r in rows:
        briefing = db.get(Briefing, r.briefing_id)
        assert briefing is not None and briefing.is_public and briefing.starts_at > utcnow()
