"""The lifecycle table without a database."""

from __future__ import annotations

from app.briefings.models import BriefingStatus as S
from app.briefings.states import WORKFLOW, Step


def test_happy_path_planned_to_record_published() -> None:
    status: S | None = S.PLANNED
    for step, expected in (
        (Step.ANNOUNCE, S.ANNOUNCED),
        (Step.HOLD, S.HELD),
        (Step.PUBLISH_RECORD, S.RECORD_PUBLISHED),
    ):
        assert status is not None
        status = WORKFLOW.next(status, step)
        assert status == expected


def test_postponed_can_be_postponed_again_held_or_cancelled() -> None:
    assert set(WORKFLOW.allowed(S.POSTPONED)) == {Step.POSTPONE, Step.HOLD, Step.CANCEL}


def test_nothing_moves_a_cancelled_briefing() -> None:
    assert WORKFLOW.allowed(S.CANCELLED) == []
    assert all(WORKFLOW.next(S.CANCELLED, a) is None for a in Step)


def test_a_planned_briefing_cannot_be_held_or_postponed_before_announcement() -> None:
    assert WORKFLOW.next(S.PLANNED, Step.HOLD) is None
    assert WORKFLOW.next(S.PLANNED, Step.POSTPONE) is None
    assert WORKFLOW.next(S.HELD, Step.CANCEL) is None


def test_every_step_has_a_label_and_a_message_once_done() -> None:
    assert set(WORKFLOW.labels) == set(Step) == set(WORKFLOW.done)
