"""The triage table of journalists' questions: which step is allowed from which status."""

from __future__ import annotations

import pytest

from app.questions.models import CLOSED, OPEN, STATUS_LABELS, QuestionStatus
from app.questions.states import STEP_LABELS, TRANSITIONS, Step, allowed_steps, next_status

S = QuestionStatus

EXPECTED: dict[tuple[S, Step], S] = {
    (S.NEW, Step.ACCEPT): S.ACCEPTED,
    (S.NEW, Step.MERGE): S.MERGED,
    (S.ACCEPTED, Step.MERGE): S.MERGED,
    (S.NEW, Step.DECLINE): S.DECLINED,
    (S.ACCEPTED, Step.DECLINE): S.DECLINED,
    (S.NEW, Step.ASSIGN): S.ASSIGNED,
    (S.ACCEPTED, Step.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, Step.TRANSFER): S.ASSIGNED,
    (S.ASSIGNED, Step.ANSWER): S.ANSWERED,
    (S.ASSIGNED, Step.REFUSE): S.REFUSED,
}


def test_the_table_is_exactly_the_documented_workflow() -> None:
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("step", list(Step))
def test_next_status_follows_the_table_and_refuses_everything_else(status: S, step: Step) -> None:
    assert next_status(status, step) == EXPECTED.get((status, step))


@pytest.mark.parametrize("status", sorted(CLOSED))
def test_a_closed_question_allows_no_step(status: S) -> None:
    assert allowed_steps(status) == []


def test_a_new_question_can_be_accepted_merged_declined_or_assigned() -> None:
    assert set(allowed_steps(S.NEW)) == {Step.ACCEPT, Step.MERGE, Step.DECLINE, Step.ASSIGN}


def test_an_accepted_question_cannot_be_accepted_again() -> None:
    assert set(allowed_steps(S.ACCEPTED)) == {Step.MERGE, Step.DECLINE, Step.ASSIGN}
    assert next_status(S.ACCEPTED, Step.ACCEPT) is None


def test_an_assigned_question_is_transferred_answered_or_refused_but_not_triaged_again() -> None:
    assert set(allowed_steps(S.ASSIGNED)) == {Step.TRANSFER, Step.ANSWER, Step.REFUSE}
    for step in (Step.ACCEPT, Step.MERGE, Step.DECLINE, Step.ASSIGN):
        assert next_status(S.ASSIGNED, step) is None


def test_a_transfer_keeps_the_question_assigned() -> None:
    assert next_status(S.ASSIGNED, Step.TRANSFER) == S.ASSIGNED


def test_only_an_assigned_question_can_be_answered_or_refused() -> None:
    for status in S:
        expected = S.ANSWERED if status == S.ASSIGNED else None
        assert next_status(status, Step.ANSWER) == expected
        expected = S.REFUSED if status == S.ASSIGNED else None
        assert next_status(status, Step.REFUSE) == expected


def test_every_step_leads_from_an_open_status() -> None:
    assert {s for (s, _) in TRANSITIONS} <= OPEN


def test_every_closed_status_is_reachable_and_every_open_one_has_a_way_out() -> None:
    targets = set(TRANSITIONS.values())
    assert targets >= CLOSED
    for status in OPEN:
        assert allowed_steps(status)


def test_open_and_closed_partition_the_statuses() -> None:
    assert set(S) == OPEN | CLOSED
    assert not OPEN & CLOSED


def test_every_step_and_status_has_a_label() -> None:
    assert set(STEP_LABELS) == set(Step)
    assert set(STATUS_LABELS) == set(S)
    assert all(STEP_LABELS.values()) and all(STATUS_LABELS.values())
