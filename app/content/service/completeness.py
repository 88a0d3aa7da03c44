"""The completeness board: each organisation asked, with the state of its content, so that the
office sees who is missing the day before."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.content import states
from app.content.models import ContentCall, Submission
from app.content.service.scope import recipients
from app.orgs import service as orgs
from app.timeutil import utcnow

ORDER = ["nothing", "draft", "returned", "withdrawn", "submitted", "accepted", "included"]


@dataclass
class BoardRow:
    organisation_id: int
    name_vi: str
    name_en: str
    submission: Submission | None
    state: str  # nothing, draft, submitted, returned, accepted, included, withdrawn
    late: bool
    overdue: bool  # nothing sent yet and the deadline has passed

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi


def board(session: Session, call: ContentCall) -> list[BoardRow]:
    """Each organisation asked, with the state of its content: who is missing the day before."""
    assert call.id is not None
    subs = {
        s.organisation_id: s
        for s in session.exec(select(Submission).where(Submission.call_id == call.id))
    }
    names = {o.id: o for o in orgs.list_organisations(session, include_retired=True)}
    passed = utcnow() > call.deadline
    rows = []
    for org_id in recipients(session, call.id):
        sub = subs.get(org_id)
        view = names.get(org_id)
        state = sub.status.value if sub else "nothing"
        rows.append(
            BoardRow(
                organisation_id=org_id,
                name_vi=view.name_vi if view else str(org_id),
                name_en=view.name_en if view else str(org_id),
                submission=sub,
                state=state,
                late=bool(sub and sub.late),
                overdue=passed and (sub is None or sub.status not in states.SENT),
            )
        )
    return sorted(rows, key=lambda r: (ORDER.index(r.state), r.name_vi))


def board_counts(rows: list[BoardRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    counts["late"] = sum(r.late for r in rows)
    counts["overdue"] = sum(r.overdue for r in rows)
    return counts
