"""What changed between two versions of a submission, field by field, line by line (pure)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from app.i18n import N_

FIELD_LABELS: dict[str, str] = {
    "title": N_("Title"),
    "summary": N_("Summary"),
    "talking_points": N_("Talking points"),
    "key_figures": N_("Key figures"),
    "qa": N_("Anticipated questions and answers"),
    "contact_name": N_("Contact person"),
    "contact_phone": N_("Contact phone"),
    "contact_email": N_("Contact e-mail"),
    "attachments": N_("Attached files"),
}


@dataclass(frozen=True)
class Line:
    op: str  # "same", "added", "removed"
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    lines: list[Line]


def _as_lines(name: str, value: Any) -> list[str]:
    if name == "qa":
        out: list[str] = []
        for i, pair in enumerate(value or [], start=1):
            out.append(f"{i}. H: {pair.get('question', '')}")
            out.extend(f"   Đ: {line}" for line in str(pair.get("answer", "")).splitlines() or [""])
        return out
    if name == "attachments":
        return [f"{a.get('filename', '')} ({a.get('sha256', '')[:12]})" for a in value or []]
    return str(value or "").splitlines()


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """The fields that differ between two version contents, with line-level changes."""
    changes = []
    for name, label in FIELD_LABELS.items():
        a, b = _as_lines(name, old.get(name)), _as_lines(name, new.get(name))
        if a == b:
            continue
        lines = []
        for row in difflib.ndiff(a, b):
            tag, text = row[:2], row[2:]
            if tag == "? ":
                continue
            lines.append(Line({"+ ": "added", "- ": "removed"}.get(tag, "same"), text))
        changes.append(FieldChange(name, label, lines))
    return changes
