"""The lifecycle table without a database."""

from __future__ import annotations

from app.briefings.models import BriefingStatus as S
from app.briefings.states import Action, allowed_actions, next_status


def test_happy_path_planned_to_record_published() -> None:
    status = S.PLANNED
    for action, expected in (
        (Action.ANNOUNCE, S.ANNOUNCED),
        (Action.HOLD, S.HELD),
        (Action.PUBLISH_RECORD, S.RECORD_PUBLISHED),
    ):
        status = next_status(status, action)
        assert status == expected


def test_postponed_can_be_postponed_again_held_or_cancelled() -> None:
    assert set(allowed_actions(S.POSTPONED)) == {Action.POSTPONE, Action.HOLD, Action.CANCEL}


def test_nothing_moves_a_cancelled_briefing() -> None:
    assert allowed_actions(S.CANCELLED) == []
    assert all(next_status(S.CANCELLED, a) is None for a in Action)


def test_a_planned_briefing_cannot_be_held_or_postponed_before_announcement() -> None:
    assert next_status(S.PLANNED, Action.HOLD) is None
    assert next_status(S.PLANNED, Action.POSTPONE) is None
    assert next_status(S.HELD, Action.CANCEL) is None
