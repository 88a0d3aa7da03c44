"""The submission workflow as a table: what each side may do from each status, and what it
leads to. Pure code, no database."""

from __future__ import annotations

import pytest

from app.content.models import SubmissionStatus as S
from app.content.states import TRANSITIONS, Action, Actor, allowed_actions, next_status

DEPT = Actor.DEPARTMENT
OFFICE = Actor.OFFICE

# (from, action, who may take it, to) — the whole workflow, written out by hand.
EXPECTED = [
    (S.DRAFT, Action.SAVE, DEPT, S.DRAFT),
    (S.RETURNED, Action.SAVE, DEPT, S.RETURNED),
    (S.DRAFT, Action.SUBMIT, DEPT, S.SUBMITTED),
    (S.RETURNED, Action.SUBMIT, DEPT, S.SUBMITTED),
    (S.DRAFT, Action.WITHDRAW, DEPT, S.WITHDRAWN),
    (S.SUBMITTED, Action.WITHDRAW, DEPT, S.WITHDRAWN),
    (S.RETURNED, Action.WITHDRAW, DEPT, S.WITHDRAWN),
    (S.WITHDRAWN, Action.REOPEN, DEPT, S.DRAFT),
    (S.SUBMITTED, Action.RETURN, OFFICE, S.RETURNED),
    (S.SUBMITTED, Action.ACCEPT, OFFICE, S.ACCEPTED),
    (S.ACCEPTED, Action.INCLUDE, OFFICE, S.INCLUDED),
    (S.INCLUDED, Action.EXCLUDE, OFFICE, S.ACCEPTED),
]


def other(actor: Actor) -> Actor:
    return OFFICE if actor == DEPT else DEPT


@pytest.mark.parametrize(("status", "action", "actor", "target"), EXPECTED)
def test_allowed_step_leads_to_the_expected_status(
    status: S, action: Action, actor: Actor, target: S
) -> None:
    assert next_status(status, action, actor) == target


@pytest.mark.parametrize(("status", "action", "actor", "target"), EXPECTED)
def test_the_other_side_cannot_take_the_step(
    status: S, action: Action, actor: Actor, target: S
) -> None:
    assert next_status(status, action, other(actor)) is None


def test_the_table_holds_exactly_the_documented_steps() -> None:
    assert {(s, a): (t, who) for s, a, who, t in EXPECTED} == TRANSITIONS


def test_every_step_outside_the_table_is_refused() -> None:
    listed = {(s, a, who) for s, a, who, _ in EXPECTED}
    allowed = [
        (status, action, actor)
        for status in S
        for action in Action
        for actor in Actor
        if next_status(status, action, actor) is not None
    ]
    assert sorted(allowed) == sorted(listed)


@pytest.mark.parametrize("status", [S.ACCEPTED, S.INCLUDED])
def test_accepted_and_included_content_is_locked_for_the_department(status: S) -> None:
    assert allowed_actions(status, DEPT) == []
    for action in (Action.SAVE, Action.SUBMIT, Action.WITHDRAW):
        assert next_status(status, action, DEPT) is None


def test_submitted_content_can_no_longer_be_edited_only_withdrawn() -> None:
    assert allowed_actions(S.SUBMITTED, DEPT) == [Action.WITHDRAW]
    assert next_status(S.SUBMITTED, Action.SAVE, DEPT) is None
    assert next_status(S.SUBMITTED, Action.SUBMIT, DEPT) is None


@pytest.mark.parametrize(
    ("status", "actor", "expected"),
    [
        (S.DRAFT, DEPT, {Action.SAVE, Action.SUBMIT, Action.WITHDRAW}),
        (S.RETURNED, DEPT, {Action.SAVE, Action.SUBMIT, Action.WITHDRAW}),
        (S.WITHDRAWN, DEPT, {Action.REOPEN}),
        (S.SUBMITTED, OFFICE, {Action.RETURN, Action.ACCEPT}),
        (S.ACCEPTED, OFFICE, {Action.INCLUDE}),
        (S.INCLUDED, OFFICE, {Action.EXCLUDE}),
        (S.DRAFT, OFFICE, set()),
        (S.RETURNED, OFFICE, set()),
        (S.WITHDRAWN, OFFICE, set()),
    ],
)
def test_buttons_offered_to_each_side(status: S, actor: Actor, expected: set[Action]) -> None:
    actions = allowed_actions(status, actor)
    assert set(actions) == expected
    assert len(actions) == len(set(actions))


def test_the_office_cannot_edit_or_submit_for_a_department() -> None:
    for status in S:
        assert next_status(status, Action.SAVE, OFFICE) is None
        assert next_status(status, Action.SUBMIT, OFFICE) is None
