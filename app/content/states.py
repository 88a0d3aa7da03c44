"""The workflow of a submission as a small table: which action is allowed from which status and
who may take it.

draft → submitted → returned (with a comment) → submitted again → accepted (locked) → included in
the agenda; the department may withdraw before acceptance and start again from a withdrawn one.
"""

from __future__ import annotations

from enum import StrEnum

from app.content.models import SubmissionStatus as S
from app.i18n import N_


class Actor(StrEnum):
    DEPARTMENT = "department"  # a focal officer of the submission's organisation
    OFFICE = "office"  # the press office or the spokesperson


class Action(StrEnum):
    SAVE = "save"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    RETURN = "return"
    ACCEPT = "accept"
    INCLUDE = "include"
    EXCLUDE = "exclude"


ACTION_LABELS: dict[Action, str] = {
    Action.SAVE: N_("Save draft"),
    Action.SUBMIT: N_("Submit to the press office"),
    Action.WITHDRAW: N_("Withdraw"),
    Action.REOPEN: N_("Start again from this"),
    Action.RETURN: N_("Return with a comment"),
    Action.ACCEPT: N_("Accept"),
    Action.INCLUDE: N_("Add to the agenda"),
    Action.EXCLUDE: N_("Remove from the agenda"),
}

ACTION_DONE: dict[Action, str] = {
    Action.SAVE: N_("The draft has been saved."),
    Action.SUBMIT: N_("The content has been submitted to the press office."),
    Action.WITHDRAW: N_("The submission has been withdrawn."),
    Action.REOPEN: N_("The submission is a draft again."),
    Action.RETURN: N_("The submission has been returned to the department with your comment."),
    Action.ACCEPT: N_("The submission has been accepted and is now locked."),
    Action.INCLUDE: N_("The submission has been added to the agenda."),
    Action.EXCLUDE: N_("The submission has been removed from the agenda."),
}

TRANSITIONS: dict[tuple[S, Action], tuple[S, Actor]] = {
    (S.DRAFT, Action.SAVE): (S.DRAFT, Actor.DEPARTMENT),
    (S.RETURNED, Action.SAVE): (S.RETURNED, Actor.DEPARTMENT),
    (S.DRAFT, Action.SUBMIT): (S.SUBMITTED, Actor.DEPARTMENT),
    (S.RETURNED, Action.SUBMIT): (S.SUBMITTED, Actor.DEPARTMENT),
    (S.DRAFT, Action.WITHDRAW): (S.WITHDRAWN, Actor.DEPARTMENT),
    (S.SUBMITTED, Action.WITHDRAW): (S.WITHDRAWN, Actor.DEPARTMENT),
    (S.RETURNED, Action.WITHDRAW): (S.WITHDRAWN, Actor.DEPARTMENT),
    (S.WITHDRAWN, Action.REOPEN): (S.DRAFT, Actor.DEPARTMENT),
    (S.SUBMITTED, Action.RETURN): (S.RETURNED, Actor.OFFICE),
    (S.SUBMITTED, Action.ACCEPT): (S.ACCEPTED, Actor.OFFICE),
    (S.ACCEPTED, Action.INCLUDE): (S.INCLUDED, Actor.OFFICE),
    (S.INCLUDED, Action.EXCLUDE): (S.ACCEPTED, Actor.OFFICE),
}

# The department may change the working copy (text and files) only in these.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# Counted as "has sent something" on the completeness board.
SENT = frozenset({S.SUBMITTED, S.ACCEPTED, S.INCLUDED})


def next_status(status: S, action: Action, actor: Actor) -> S | None:
    """The status after `actor` takes `action`, or None if they may not take it now."""
    found = TRANSITIONS.get((status, action))
    if found is None or found[1] != actor:
        return None
    return found[0]


def allowed_actions(status: S, actor: Actor) -> list[Action]:
    return [a for (s, a), (_, who) in TRANSITIONS.items() if s == status and who == actor]
