"""The six figures of the yearly report (Decree 244/2026, Appendix), each with the records behind it.

Every figure is computed from the records and nothing else, so that a figure always equals the
length of its list. How each is counted (also in the README's "Law" section):

1. Press conferences held: briefings of the rule set's conference kinds, held (or record
   published), whose day falls in the reporting period.
2. Giao ban: the office's records of the province informing the press at a giao ban run by others.
3. Answers / requests: journalists' questions received in the period, a question merged into
   another not counted twice; answered = an approved answer or an approved refusal with its legal
   ground (Art. 4(3): the reason is told to the press agency, which is an answer).
4. Sudden matters with information given / all sudden matters of the kinds counted in figure 4
   (Art. 7(2)-(5); before 1/7/2026, Decree 09/2017 Art. 6), by the day their clock started.
5. On time / matters with a time limit (Art. 7(3), (4); Decree 09/2017 Art. 6).
6. With a correction request issued / false information in the press (Art. 7(6)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

from app.briefings.models import Briefing, BriefingKind
from app.briefings.states import HAPPENED
from app.law.rulesets import ReportFigure, RuleSet, parts
from app.questions import figures as question_figures
from app.questions.models import Question
from app.timeutil import LOCAL_TZ, to_local, utcnow

TITLE_LENGTH = 160


@dataclass(frozen=True)
class Item:
    """One record behind a figure, as kept in a frozen report."""

    area: str  # briefing, giao_ban, question, matter
    id: int
    day: date
    title: str

    @property
    def href(self) -> str:
        return {
            "briefing": f"/office/briefings/{self.id}",
            "giao_ban": f"/office/giao-ban/{self.id}",
            "question": f"/office/questions/{self.id}",
            "matter": f"/office/incidents/{self.id}",
        }[self.area]

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat()}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Item:
        return cls(raw["area"], int(raw["id"]), date.fromisoformat(raw["day"]), raw["title"])


@dataclass(frozen=True)
class Figure:
    """A figure of the form: `done` out of `total` (`total` None when not a fraction)."""

    spec: ReportFigure
    done: tuple[Item, ...]
    total: tuple[Item, ...] | None

    @property
    def value(self) -> str:
        if self.total is None:
            return str(len(self.done))
        return f"{len(self.done)}/{len(self.total)}"

    def to_json(self) -> dict[str, Any]:
        """As kept in a sent report: its words too, so that a later change of the rule set file
        never changes what a sent report says."""
        return {
            **asdict(self.spec),
            "done": [i.to_json() for i in self.done],
            "total": None if self.total is None else [i.to_json() for i in self.total],
        }


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1] + "…"


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The period's local days as a UTC half-open interval [start, end)."""
    start = datetime.combine(first, time.min, tzinfo=LOCAL_TZ)
    end = datetime.combine(last, time.max, tzinfo=LOCAL_TZ)
    return start, end


def conferences(session: Session, ruleset: RuleSet, first: date, last: date) -> list[Item]:
    """Figure 1: press conferences held in [first, last]."""
    start, end = _bounds(first, last)
    rows = session.exec(
        select(Briefing.id, Briefing.starts_at, Briefing.title_vi)
        .join(BriefingKind, col(BriefingKind.id) == col(Briefing.kind_id))
        .where(
            col(BriefingKind.code).in_(ruleset.report.conference_kinds),
            col(Briefing.status).in_([s.value for s in HAPPENED]),
            and_(col(Briefing.starts_at) >= start, col(Briefing.starts_at) <= end),
        )
        .order_by(col(Briefing.starts_at))
    ).all()
    return [Item("briefing", i or 0, to_local(at).date(), _short(t)) for i, at, t in rows]


def press_requests(session: Session, first: date, last: date) -> tuple[list[Item], list[Item]]:
    """Figure 3: (replied, all) questions received in [first, last], classified as everywhere
    else (`app.questions.figures`); a question merged into another is counted there."""
    start, end = _bounds(first, last)
    rows = [
        q
        for q in question_figures.counted(session, start, end + timedelta(microseconds=1), utcnow())
        if question_figures.MERGED not in q.keys
    ]
    texts = _texts(session, [q.id for q in rows])
    every = [
        (Item("question", q.id, to_local(q.received_at).date(), texts.get(q.id, "")), q.keys)
        for q in rows
    ]
    return [i for i, keys in every if question_figures.REPLIED in keys], [i for i, _k in every]


def _texts(session: Session, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        rows = session.exec(select(Question.id, Question.text).where(col(Question.id).in_(part)))
        out |= {i or 0: _short(t) for i, t in rows.all()}
    return out


def compute(session: Session, ruleset: RuleSet, first: date, last: date) -> list[Figure]:
    """The report's figures over [first, last], each part of the period under its own law."""
    from app.giaoban import service as giaoban  # the areas that keep these records
    from app.incidents import service as incidents

    done: dict[int, list[Item]] = {n: [] for n in range(1, 7)}
    total: dict[int, list[Item]] = {n: [] for n in range(3, 7)}
    for part in parts(first, last):
        done[1] += conferences(session, part.ruleset, part.first, part.last)
        done[2] += [
            Item("giao_ban", p.id, p.day, _short(p.title))
            for p in giaoban.report_items(session, part.first, part.last)
        ]
        answered, asked = press_requests(session, part.first, part.last)
        done[3] += answered
        total[3] += asked
        for m in incidents.report_items(session, part.first, part.last):
            kind = part.ruleset.sudden_kinds.get(m.kind)
            item = Item("matter", m.id, m.day, _short(m.title))
            counted = kind.figures if kind else ()
            if 4 in counted:
                total[4].append(item)
                if m.informed:
                    done[4].append(item)
            if 5 in counted:
                total[5].append(item)
                if m.on_time:
                    done[5].append(item)
            if 6 in counted:
                total[6].append(item)
                if m.correction_requested:
                    done[6].append(item)
    return [
        Figure(
            spec,
            tuple(done[spec.number]),
            tuple(total[spec.number]) if spec.fraction else None,
        )
        for spec in ruleset.report_figures
    ]


def thaw(stored: list[dict[str, Any]]) -> list[Figure]:
    """The figures of a sent report, words included, as stored the day it was sent."""
    found = []
    for raw in stored:
        spec = ReportFigure(
            int(raw["number"]), bool(raw["fraction"]), raw["wording_vi"], raw["wording_en"]
        )
        total = raw["total"]
        found.append(
            Figure(
                spec,
                tuple(Item.from_json(i) for i in raw["done"]),
                None if total is None else tuple(Item.from_json(i) for i in total),
            )
        )
    return found
