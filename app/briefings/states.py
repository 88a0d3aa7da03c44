"""The lifecycle of a briefing as a small table: which step is allowed from which status.

planned → announced → held → record published; announced or postponed → postponed (new time,
public reason) or cancelled (public reason). Who may take a step is the office (see access rules).
"""

from __future__ import annotations

from enum import StrEnum

from app.briefings.models import BriefingStatus as S
from app.i18n import N_
from app.workflow import Workflow


class Step(StrEnum):
    ANNOUNCE = "announce"
    POSTPONE = "postpone"
    CANCEL = "cancel"
    HOLD = "hold"
    PUBLISH_RECORD = "publish_record"


# The earlier name, still imported by the demo data and the notification tests.
Action = Step

WORKFLOW: Workflow[S, Step] = Workflow(
    transitions={
        (S.PLANNED, Step.ANNOUNCE): S.ANNOUNCED,
        (S.PLANNED, Step.CANCEL): S.CANCELLED,
        (S.ANNOUNCED, Step.POSTPONE): S.POSTPONED,
        (S.POSTPONED, Step.POSTPONE): S.POSTPONED,
        (S.ANNOUNCED, Step.CANCEL): S.CANCELLED,
        (S.POSTPONED, Step.CANCEL): S.CANCELLED,
        (S.ANNOUNCED, Step.HOLD): S.HELD,
        (S.POSTPONED, Step.HOLD): S.HELD,
        (S.HELD, Step.PUBLISH_RECORD): S.RECORD_PUBLISHED,
        (S.RECORD_PUBLISHED, Step.PUBLISH_RECORD): S.RECORD_PUBLISHED,
    },
    labels={
        Step.ANNOUNCE: N_("Announce the briefing"),
        Step.POSTPONE: N_("Postpone the briefing"),
        Step.CANCEL: N_("Cancel the briefing"),
        Step.HOLD: N_("Mark as held"),
        Step.PUBLISH_RECORD: N_("Publish the record"),
    },
    done={
        Step.ANNOUNCE: N_(
            "The briefing has been announced: journalists, the public and calendar subscribers can see it."
        ),
        Step.POSTPONE: N_(
            "The briefing has been postponed: the public page and the calendars show the new time and the reason."
        ),
        Step.CANCEL: N_("The briefing has been cancelled."),
        Step.HOLD: N_("The briefing has been marked as held."),
        Step.PUBLISH_RECORD: N_("The record of the briefing has been published."),
    },
)

# Statuses whose time and place may still be edited in the ordinary form (after announcement
# a new time goes through "postpone", so that the public sees the change and its reason).
EDITABLE = frozenset({S.PLANNED, S.ANNOUNCED, S.POSTPONED})
TIME_EDITABLE = frozenset({S.PLANNED})
# Statuses the series may still update when it is regenerated.
FOLLOWS_SERIES = frozenset({S.PLANNED, S.ANNOUNCED})
# Still going ahead: counted as scheduled, checked for conflicts.
SCHEDULED = frozenset({S.PLANNED, S.ANNOUNCED, S.POSTPONED})
HAPPENED = frozenset({S.HELD, S.RECORD_PUBLISHED})
