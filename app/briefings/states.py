"""The lifecycle of a briefing as a small table: which action is allowed from which status.

planned → announced → held → record published; announced or postponed → postponed (new time,
public reason) or cancelled (public reason). Who may act is the office (see access rules).
"""

from __future__ import annotations

from enum import StrEnum

from app.briefings.models import BriefingStatus as S
from app.i18n import N_


class Action(StrEnum):
    ANNOUNCE = "announce"
    POSTPONE = "postpone"
    CANCEL = "cancel"
    HOLD = "hold"
    PUBLISH_RECORD = "publish_record"


ACTION_LABELS: dict[Action, str] = {
    Action.ANNOUNCE: N_("Announce"),
    Action.POSTPONE: N_("Postpone"),
    Action.CANCEL: N_("Cancel"),
    Action.HOLD: N_("Mark as held"),
    Action.PUBLISH_RECORD: N_("Publish the record"),
}

ACTION_DONE: dict[Action, str] = {
    Action.ANNOUNCE: N_(
        "The briefing has been announced: journalists, the public and calendar subscribers can see it."
    ),
    Action.POSTPONE: N_(
        "The briefing has been postponed: the public page and the calendars show the new time and the reason."
    ),
    Action.CANCEL: N_("The briefing has been cancelled."),
    Action.HOLD: N_("The briefing has been marked as held."),
    Action.PUBLISH_RECORD: N_("The record of the briefing has been published."),
}

TRANSITIONS: dict[tuple[S, Action], S] = {
    (S.PLANNED, Action.ANNOUNCE): S.ANNOUNCED,
    (S.PLANNED, Action.CANCEL): S.CANCELLED,
    (S.ANNOUNCED, Action.POSTPONE): S.POSTPONED,
    (S.POSTPONED, Action.POSTPONE): S.POSTPONED,
    (S.ANNOUNCED, Action.CANCEL): S.CANCELLED,
    (S.POSTPONED, Action.CANCEL): S.CANCELLED,
    (S.ANNOUNCED, Action.HOLD): S.HELD,
    (S.POSTPONED, Action.HOLD): S.HELD,
    (S.HELD, Action.PUBLISH_RECORD): S.RECORD_PUBLISHED,
    (S.RECORD_PUBLISHED, Action.PUBLISH_RECORD): S.RECORD_PUBLISHED,
}

# Statuses whose time and place may still be edited in the ordinary form (after announcement
# a new time goes through "postpone", so that the public sees the change and its reason).
EDITABLE = frozenset({S.PLANNED, S.ANNOUNCED, S.POSTPONED})
TIME_EDITABLE = frozenset({S.PLANNED})
# Statuses the series may still update when it is regenerated.
FOLLOWS_SERIES = frozenset({S.PLANNED, S.ANNOUNCED})
# Still going ahead: counted as scheduled, checked for conflicts.
SCHEDULED = frozenset({S.PLANNED, S.ANNOUNCED, S.POSTPONED})
HAPPENED = frozenset({S.HELD, S.RECORD_PUBLISHED})


def next_status(status: S, action: Action) -> S | None:
    """The status after `action`, or None if the action is not allowed now."""
    return TRANSITIONS.get((status, action))


def allowed_actions(status: S) -> list[Action]:
    return [a for (s, a) in TRANSITIONS if s == status]
