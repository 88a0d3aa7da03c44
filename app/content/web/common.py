"""What the department content pages share: the labels their templates show."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form

from app.briefings.models import STATUS_LABELS
from app.content.models import CALL_STATUS_LABELS, SUBMISSION_STATUS_LABELS
from app.content.states import WORKFLOW
from app.i18n import Msg

Text = Annotated[str, Form()]
BOARD_LABELS = {
    "nothing": Msg("Nothing yet"),
    **{k.value: Msg(v) for k, v in SUBMISSION_STATUS_LABELS.items()},
}


def labels() -> dict[str, Any]:
    return {
        "status_labels": SUBMISSION_STATUS_LABELS,
        "call_labels": CALL_STATUS_LABELS,
        "board_labels": BOARD_LABELS,
        "briefing_labels": STATUS_LABELS,
        "action_labels": WORKFLOW.labels,
    }
