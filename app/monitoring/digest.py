"""The digest for leadership: the press items of a day or a week by tone, topic and outlet, the
false reports with what was done about them (the sudden matter, the correction asked for and
published), and the weekly trend. Read by the office's page, its PDF and the daily and weekly
e-mail to `monitoring_digest_recipients`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from app.incidents import queries as matters
from app.monitoring.models import PressItem, PressItemMatch, Tone, WatchRule
from app.statements.models import Topic
from app.timeutil import LOCAL_TZ, local_today

DAY, WEEK = "day", "week"
TREND_WEEKS = 8


def bounds(period: str, on: date) -> tuple[date, date]:
    """The local days a digest covers: the day itself, or the ISO week (Monday to Sunday)."""
    if period == WEEK:
        first = on - timedelta(days=on.weekday())
        return first, first + timedelta(days=6)
    return on, on


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


@dataclass
class FalseReport:
    item: PressItem
    matter: matters.ReportItem | None = None


@dataclass
class Digest:
    period: str
    first: date
    last: date
    total: int = 0
    by_tone: dict[Tone, int] = field(default_factory=dict)
    by_topic: list[tuple[str, int]] = field(default_factory=list)
    by_outlet: list[tuple[str, int]] = field(default_factory=list)
    false_reports: list[FalseReport] = field(default_factory=list)
    trend: list[tuple[date, dict[Tone, int]]] = field(default_factory=list)  # week start, counts

    @property
    def trend_max(self) -> int:
        return max([sum(c.values()) for _w, c in self.trend] + [1])


def _items(session: Session, first: date, last: date) -> list[PressItem]:
    return list(
        session.exec(
            select(PressItem)
            .where(
                col(PressItem.published_at) >= _utc(first),
                col(PressItem.published_at) < _utc(last + timedelta(days=1)),
            )
            .order_by(col(PressItem.published_at))
        )
    )


def build(session: Session, period: str, on: date | None = None, locale: str = "vi") -> Digest:
    first, last = bounds(period, on or local_today())
    return between(session, first, last, locale, period=period)


def between(
    session: Session, first: date, last: date, locale: str = "vi", *, period: str = ""
) -> Digest:
    """The digest of any span of local days (the reports' period)."""
    items = _items(session, first, last)
    digest = Digest(period, first, last, len(items))
    digest.by_tone = {t: 0 for t in Tone} | dict(Counter(i.tone for i in items))
    digest.by_outlet = Counter(i.outlet for i in items).most_common(10)
    ids = [i.id for i in items]
    topics: Counter[str] = Counter()
    if ids:
        seen: set[tuple[int, int]] = set()  # an item counts once per topic
        for item_id, topic in session.exec(
            select(PressItemMatch.item_id, Topic)
            .join(WatchRule, col(WatchRule.id) == col(PressItemMatch.rule_id))
            .join(Topic, col(Topic.id) == col(WatchRule.topic_id))
            .where(col(PressItemMatch.item_id).in_(ids))
        ):
            if (item_id, topic.id or 0) not in seen:
                seen.add((item_id, topic.id or 0))
                topics[topic.name(locale)] += 1
    digest.by_topic = topics.most_common()
    false = [i for i in items if i.tone == Tone.FALSE]
    opened = [i.matter_id for i in false if i.matter_id is not None]
    found: dict[int, matters.ReportItem] = {}
    if opened:
        start = min(i.published_at for i in false).astimezone(LOCAL_TZ).date() - timedelta(days=7)
        found = {m.id: m for m in matters.report_items(session, start, local_today())}
    digest.false_reports = [FalseReport(i, found.get(i.matter_id or 0)) for i in false]
    digest.trend = trend(session, last)
    return digest


def trend(session: Session, last: date) -> list[tuple[date, dict[Tone, int]]]:
    """Items per ISO week and tone, the `TREND_WEEKS` weeks up to the one of `last`."""
    end_week = last - timedelta(days=last.weekday())
    first = end_week - timedelta(weeks=TREND_WEEKS - 1)
    weeks: dict[date, Counter[Tone]] = {
        first + timedelta(weeks=n): Counter() for n in range(TREND_WEEKS)
    }
    for published_at, tone in session.exec(
        select(PressItem.published_at, PressItem.tone).where(
            col(PressItem.published_at) >= _utc(first),
            col(PressItem.published_at) < _utc(end_week + timedelta(days=7)),
        )
    ):
        day = published_at.astimezone(LOCAL_TZ).date()
        weeks[day - timedelta(days=day.weekday())][Tone(tone)] += 1
    return [(week, dict(counts)) for week, counts in weeks.items()]


@dataclass(frozen=True)
class Figures:
    """What the reports show of monitoring over their period."""

    items: int
    false: int
    negative: int
    matters: int  # false reports a sudden matter was opened about
    corrections_requested: int
    corrections_published: int


def figures(session: Session, first: date, last: date) -> Figures:
    found = between(session, first, last)
    matters_ = [f.matter for f in found.false_reports if f.matter is not None]
    return Figures(
        items=found.total,
        false=found.by_tone[Tone.FALSE],
        negative=found.by_tone[Tone.NEGATIVE],
        matters=len(matters_),
        corrections_requested=sum(1 for m in matters_ if m.correction_requested),
        corrections_published=sum(1 for m in matters_ if m.correction_published),
    )
