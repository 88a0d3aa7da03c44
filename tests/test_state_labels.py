"""Words that do not mislead: no two states of one workflow share a label, in either language
(the office once read "Đã tiếp nhận" for both a new and an accepted question)."""

from __future__ import annotations

import pytest

from app.accounts.models import STATUS_LABELS as USER_STATUS
from app.briefings.models import STATUS_LABELS as BRIEFING_STATUS
from app.content.models import CALL_STATUS_LABELS, SUBMISSION_STATUS_LABELS
from app.i18n import gettext
from app.questions.models import LIVE_LABELS
from app.questions.models import STATUS_LABELS as QUESTION_STATUS
from app.questions.states import STEP_LABELS as QUESTION_STEPS
from app.statements.models import STATE_LABELS as EDITION_STATE
from app.statements.states import STEP_LABELS as STATEMENT_STEPS

WORKFLOWS = {
    "questions": QUESTION_STATUS,
    "question steps": QUESTION_STEPS,
    "questions in the room": LIVE_LABELS,
    "submissions": SUBMISSION_STATUS_LABELS,
    "calls": CALL_STATUS_LABELS,
    "briefings": BRIEFING_STATUS,
    "statement editions": EDITION_STATE,
    "statement steps": STATEMENT_STEPS,
    "accounts": USER_STATUS,
}


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_no_two_states_share_a_label(workflow: str, locale: str) -> None:
    labels = WORKFLOWS[workflow]
    shown: dict[str, list[str]] = {}
    for state, msgid in labels.items():
        shown.setdefault(gettext(locale, msgid).casefold(), []).append(str(state))
    shared = {label: states for label, states in shown.items() if len(states) > 1}
    assert shared == {}, f"{workflow} in {locale}: {shared}"
    assert len(shown) == len(labels)
