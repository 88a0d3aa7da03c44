"""The submission workflow as a table: what each side may do from each status, and what it
leads to. Pure code, no database."""

from __future__ import annotations

import pytest

from app.content.models import SubmissionStatus as S
from app.content.states import WORKFLOW, Step
from app.workflow import Party

DEPT = Party.DEPARTMENT
OFFICE = Party.OFFICE

# (from, action, who may take it, to) — the whole workflow, written out by hand.
EXPECTED = [
    (S.DRAFT, Step.SAVE, DEPT, S.DRAFT),
    (S.RETURNED, Step.SAVE, DEPT, S.RETURNED),
    (S.DRAFT, Step.SUBMIT, DEPT, S.SUBMITTED),
    (S.RETURNED, Step.SUBMIT, DEPT, S.SUBMITTED),
    (S.DRAFT, Step.WITHDRAW, DEPT, S.WITHDRAWN),
    (S.SUBMITTED, Step.WITHDRAW, DEPT, S.WITHDRAWN),
    (S.RETURNED, Step.WITHDRAW, DEPT, S.WITHDRAWN),
    (S.WITHDRAWN, Step.REOPEN, DEPT, S.DRAFT),
    (S.SUBMITTED, Step.RETURN, OFFICE, S.RETURNED),
    (S.SUBMITTED, Step.ACCEPT, OFFICE, S.ACCEPTED),
    (S.ACCEPTED, Step.INCLUDE, OFFICE, S.INCLUDED),
    (S.INCLUDED, Step.EXCLUDE, OFFICE, S.ACCEPTED),
]


def other(actor: Party) -> Party:
    return OFFICE if actor == DEPT else DEPT


@pytest.mark.parametrize(("status", "action", "actor", "target"), EXPECTED)
def test_allowed_step_leads_to_the_expected_status(
    status: S, action: Step, actor: Party, target: S
) -> None:
    assert WORKFLOW.next(status, action, actor) == target


@pytest.mark.parametrize(("status", "action", "actor", "target"), EXPECTED)
def test_the_other_side_cannot_take_the_step(
    status: S, action: Step, actor: Party, target: S
) -> None:
    assert WORKFLOW.next(status, action, other(actor)) is None


def test_the_table_holds_exactly_the_documented_steps() -> None:
    transitions = {(s, a): (t, WORKFLOW.parties[a]) for (s, a), t in WORKFLOW.transitions.items()}
    assert {(s, a): (t, who) for s, a, who, t in EXPECTED} == transitions


def test_every_step_outside_the_table_is_refused() -> None:
    listed = {(s, a, who) for s, a, who, _ in EXPECTED}
    allowed = [
        (status, action, actor)
        for status in S
        for action in Step
        for actor in Party
        if WORKFLOW.next(status, action, actor) is not None
    ]
    assert sorted(allowed) == sorted(listed)


@pytest.mark.parametrize("status", [S.ACCEPTED, S.INCLUDED])
def test_accepted_and_included_content_is_locked_for_the_department(status: S) -> None:
    assert WORKFLOW.allowed(status, DEPT) == []
    for action in (Step.SAVE, Step.SUBMIT, Step.WITHDRAW):
        assert WORKFLOW.next(status, action, DEPT) is None


def test_submitted_content_can_no_longer_be_edited_only_withdrawn() -> None:
    assert WORKFLOW.allowed(S.SUBMITTED, DEPT) == [Step.WITHDRAW]
    assert WORKFLOW.next(S.SUBMITTED, Step.SAVE, DEPT) is None
    assert WORKFLOW.next(S.SUBMITTED, Step.SUBMIT, DEPT) is None


@pytest.mark.parametrize(
    ("status", "actor", "expected"),
    [
        (S.DRAFT, DEPT, {Step.SAVE, Step.SUBMIT, Step.WITHDRAW}),
        (S.RETURNED, DEPT, {Step.SAVE, Step.SUBMIT, Step.WITHDRAW}),
        (S.WITHDRAWN, DEPT, {Step.REOPEN}),
        (S.SUBMITTED, OFFICE, {Step.RETURN, Step.ACCEPT}),
        (S.ACCEPTED, OFFICE, {Step.INCLUDE}),
        (S.INCLUDED, OFFICE, {Step.EXCLUDE}),
        (S.DRAFT, OFFICE, set()),
        (S.RETURNED, OFFICE, set()),
        (S.WITHDRAWN, OFFICE, set()),
    ],
)
def test_buttons_offered_to_each_side(status: S, actor: Party, expected: set[Step]) -> None:
    actions = WORKFLOW.allowed(status, actor)
    assert set(actions) == expected
    assert len(actions) == len(set(actions))


def test_the_office_cannot_edit_or_submit_for_a_department() -> None:
    for status in S:
        assert WORKFLOW.next(status, Step.SAVE, OFFICE) is None
        assert WORKFLOW.next(status, Step.SUBMIT, OFFICE) is None
