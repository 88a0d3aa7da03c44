"""The shape every workflow of Press Desk shares: a small table of steps between states.

Each area (questions, statements, department content, briefings) declares its states, its steps
and one `Workflow`: from which state a step leads to which, who may take it when that differs by
step (a department or the office), and the words shown for the step and after it. Which steps a
page offers and whether a step is allowed now are both read from this table, never decided in a
route. Pure data and functions: tested without a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

State = TypeVar("State", bound=StrEnum)
StepT = TypeVar("StepT", bound=StrEnum)


class Party(StrEnum):
    """Who takes a step, where a workflow has more than one side."""

    DEPARTMENT = "department"  # a focal officer of the organisation concerned
    OFFICE = "office"  # the press office or the spokesperson


@dataclass(frozen=True)
class Workflow(Generic[State, StepT]):
    """`transitions[(state, step)] = next state`; `parties[step]` says who may take a step when
    that is not everyone the area's access rule lets in; `labels` and `done` are message ids."""

    transitions: Mapping[tuple[State, StepT], State]
    labels: Mapping[StepT, str]
    done: Mapping[StepT, str] = field(default_factory=dict)
    parties: Mapping[StepT, Party] = field(default_factory=dict)

    def next(self, state: State, step: StepT, party: Party | None = None) -> State | None:
        """The state after `step`, or None when the step is not possible now (or not for
        `party`)."""
        if party is not None and self.parties.get(step, party) != party:
            return None
        return self.transitions.get((state, step))

    def allowed(self, state: State, party: Party | None = None) -> list[StepT]:
        """The steps that can be taken from `state` (by `party`), in the table's order."""
        return [
            step
            for (s, step) in self.transitions
            if s == state and (party is None or self.parties.get(step, party) == party)
        ]

    def label(self, step: StepT) -> str:
        return self.labels[step]
