"""Every action the code records reads as words in the audit log, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.audit import labels
from app.briefings.states import Step as BriefingStep
from app.config import PROJECT_ROOT
from app.content.states import Step as SubmissionStep
from app.i18n import gettext

RECORDED = re.compile(r"audit\.record\(\s*\w+,\s*[\w.()]+,\s*f?\"([a-z_]+\.[a-z_{}.]+)\"", re.S)


def recorded_actions() -> set[str]:
    """The action codes the code records (steps written as f-strings expanded)."""
    found: set[str] = set()
    for path in Path(PROJECT_ROOT, "app").rglob("*.py"):
        for code in RECORDED.findall(path.read_text(encoding="utf-8")):
            if code == "briefing.{step.value}":
                found |= {f"briefing.{s.value}" for s in BriefingStep}
            elif code == "submission.{step.value}":
                found |= {f"submission.{s.value}" for s in SubmissionStep}
            else:
                found.add(code)
    return found


def test_the_code_records_many_kinds_of_action() -> None:
    assert len(recorded_actions()) > 60  # the scan finds them (not an empty set passing)


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_recorded_action_has_words(locale: str) -> None:
    unlabelled = sorted(a for a in recorded_actions() if labels.action_label(a, locale) == a)
    assert unlabelled == []


def test_an_action_reads_as_its_object_and_verb() -> None:
    assert labels.action_label("statement.published", "vi") == "Thông cáo · đã công bố"
    assert labels.action_label("statement.published", "en") == "Statement · published"
    assert labels.action_label("something.unknown", "vi") == "something.unknown"
    assert gettext("vi", labels.OBJECTS["sudden_matter"]) != labels.OBJECTS["sudden_matter"]
