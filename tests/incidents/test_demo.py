"""The demo data of sudden matters and giao ban: every state shown, and a second run adds nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.demo import seed_demo
from app.giaoban.models import GiaoBan
from app.incidents import queries
from app.incidents.clock import Verdict
from app.incidents.models import Matter
from app.monitoring.models import PressItem

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")


def test_the_demo_shows_every_state_once_and_a_second_run_adds_nothing(
    db: Session, settings: Settings
) -> None:
    first = seed_demo(db, settings)
    again = seed_demo(db, settings)

    # The demo's monitoring opens one more, from a rumour on social media (its own test).
    matters = list(db.exec(select(Matter)).all())
    rumours = {i.matter_id for i in db.exec(select(PressItem).where(PressItem.medium == "social"))}
    opened_here = [m for m in matters if m.id not in rumours]
    days = sorted(g.day for g in db.exec(select(GiaoBan)).all())
    assert first.matters_added == len(opened_here) >= 8 and again.matters_added == 0
    assert len(matters) == len(opened_here) + 1
    matters = opened_here
    assert first.giao_ban_added == len(days) >= 4 and again.giao_ban_added == 0
    shown = queries.views(db, matters)
    verdicts = {(v.matter.kind, v.verdict, v.is_open) for v in shown}
    assert ("art7_3", Verdict.ON_TIME, False) in verdicts  # informed by a held briefing
    assert ("art7_4", Verdict.LATE, False) in verdicts  # a written answer 30 hours after
    assert ("art7_3", Verdict.RUNNING, True) in verdicts
    assert ("art7_3", Verdict.LATE, True) in verdicts
    assert ("art6", Verdict.LATE, False) in verdicts  # before 1/7/2026
    press = [v for v in shown if v.matter.kind == "art7_6"]
    assert any(v.correction_requested and v.matter.correction_published_at for v in press)
    assert any(v.correction_overdue for v in press)
    assert any(v.first_info_at and v.matter.kind in ("art7_3", "art7_4") for v in shown)
    assert all(queries.organisation_ids(db, v.id) for v in shown)
    assert days[0] < date(2026, 7, 1) <= days[-1]
