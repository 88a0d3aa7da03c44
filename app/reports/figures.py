"""The figures of the compliance dashboard and the yearly report, for a period of local days.

Every figure is a count of *items* (a briefing, a statement, an edition, a question, an
organisation asked for content) that carry a *metric key*. Each item is classified once, in Python,
by the functions below (`briefing_keys`, …; questions by `app.questions.figures`); the counts and the list behind
each figure (`items`) come from the same classification, so a figure and its list cannot disagree,
and the rules are the same on SQLite and PostgreSQL. Only light columns are read (no ORM objects):
a year of 5,000 questions and 2,000 statements is a few thousand tuples.

A `Scope` of one organisation narrows every query to that organisation's own work: questions it
leads, its content submissions, statements it issued and briefings it was invited to.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.briefings import compliance
from app.briefings.models import Briefing, BriefingInvitee, BriefingKind, BriefingStatus
from app.briefings.states import HAPPENED
from app.content.models import CallRecipient, ContentCall, Submission, SubmissionStatus
from app.questions import figures as question_figures
from app.statements.models import (
    ISSUED,
    ChangeKind,
    Edition,
    EditionTranslation,
    Statement,
    StatementKind,
)
from app.timeutil import LOCAL_TZ, to_local, utcnow

NO_ORG = 0  # the row of questions not yet given to an organisation


def local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def start(self) -> datetime:
        return local_start(self.first)

    @property
    def end(self) -> datetime:  # exclusive
        return local_start(self.last + timedelta(days=1))


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole province (None) or one organisation's own."""

    organisation_id: int | None = None


# --- Items: one per thing counted, with the metric keys it carries ----------------------------


@dataclass(frozen=True)
class Item:
    area: str  # briefings | statements | questions | submissions
    id: int  # briefing, statement, question or submission id (0: content never started)
    org_id: int  # the organisation the item counts for (NO_ORG: none)
    day: date  # the local day it is dated by in the period
    keys: frozenset[str]
    ref: int = 0  # a second id: the call's briefing for submissions, the edition for corrections
    label: str = ""  # the briefing's kind code
    hours: float | None = None  # questions answered: hours from receipt to the answer


# Briefings
def _briefing_keys(status: BriefingStatus) -> frozenset[str]:
    keys = {"briefings.all"}
    if status in HAPPENED:
        keys.add("briefings.held")
    elif status in (BriefingStatus.PLANNED, BriefingStatus.ANNOUNCED):
        keys.add("briefings.planned")
    elif status == BriefingStatus.POSTPONED:
        keys.add("briefings.postponed")
    elif status == BriefingStatus.CANCELLED:
        keys.add("briefings.cancelled")
    return frozenset(keys)


# Questions: classified once, in `app.questions.figures` (the office's figures page uses it too)


# Submissions (one item per organisation asked in a call whose deadline falls in the period)
def submission_keys(
    status: SubmissionStatus | None,
    submitted_at: datetime | None,
    late: bool,
    deadline: datetime,
    now: datetime,
) -> frozenset[str]:
    """Asked; on time or late (submitted, not withdrawn); missing (nothing submitted by the deadline
    now past); pending (nothing yet, deadline still ahead); accepted (accepted or in the agenda)."""
    keys = {"submissions.asked"}
    submitted = submitted_at is not None and status not in (None, SubmissionStatus.WITHDRAWN)
    if submitted:
        keys.add("submissions.late" if late else "submissions.on_time")
        if status in (SubmissionStatus.ACCEPTED, SubmissionStatus.INCLUDED):
            keys.add("submissions.accepted")
    elif deadline < now:
        keys.add("submissions.missing")
    else:
        keys.add("submissions.pending")
    return frozenset(keys)


def _scoped(query: Any, column: Any, scope: Scope) -> Any:
    return query if scope.organisation_id is None else query.where(column == scope.organisation_id)


def briefing_items(
    session: Session, period: Period, scope: Scope, rules: compliance.RuleSet
) -> list[Item]:
    """Briefings in the period by status and kind, and under each compliance rule they count for
    (`briefings.rule.<code>`: the list behind a rule's figures)."""
    by_kind: dict[str, frozenset[str]] = {}
    for rule in rules.rules:
        for kind in rule.kinds:
            by_kind[kind] = by_kind.get(kind, frozenset()) | {f"briefings.rule.{rule.code}"}
    query = (
        select(Briefing.id, Briefing.starts_at, Briefing.status, BriefingKind.code)
        .join(BriefingKind, col(BriefingKind.id) == Briefing.kind_id)
        .where(col(Briefing.starts_at) >= period.start, col(Briefing.starts_at) < period.end)
    )
    if scope.organisation_id is not None:
        query = query.join(
            BriefingInvitee,
            and_(
                col(BriefingInvitee.briefing_id) == Briefing.id,
                col(BriefingInvitee.organisation_id) == scope.organisation_id,
            ),
        )
    return [
        Item(
            "briefings",
            bid or 0,
            scope.organisation_id or NO_ORG,
            to_local(starts).date(),
            _briefing_keys(BriefingStatus(status))
            | {f"briefings.kind.{code}"}
            | by_kind.get(code, frozenset()),
            label=code,
        )
        for bid, starts, status, code in session.exec(query).all()
    ]


def question_items(session: Session, period: Period, scope: Scope, now: datetime) -> list[Item]:
    rows = question_figures.counted(
        session, period.start, period.end, now, organisation_id=scope.organisation_id
    )
    return [
        Item(
            "questions",
            q.id,
            q.lead_org_id or NO_ORG,
            to_local(q.received_at).date(),
            q.keys,
            hours=q.hours,
        )
        for q in rows
    ]


def submission_items(session: Session, period: Period, scope: Scope, now: datetime) -> list[Item]:
    query = (
        sa_select(
            col(CallRecipient.organisation_id),
            col(ContentCall.briefing_id),
            col(ContentCall.deadline),
            col(Submission.id),
            col(Submission.status),
            col(Submission.submitted_at),
            col(Submission.late),
        )
        .join(ContentCall, col(ContentCall.id) == CallRecipient.call_id)
        .outerjoin(
            Submission,
            and_(
                col(Submission.call_id) == CallRecipient.call_id,
                col(Submission.organisation_id) == CallRecipient.organisation_id,
            ),
        )
        .where(col(ContentCall.deadline) >= period.start, col(ContentCall.deadline) < period.end)
    )
    query = _scoped(query, col(CallRecipient.organisation_id), scope)
    out = []
    for org, briefing_id, deadline, sid, status, submitted, late in session.execute(query).all():
        keys = submission_keys(
            SubmissionStatus(status) if status else None, submitted, bool(late), deadline, now
        )
        out.append(
            Item("submissions", sid or 0, org, to_local(deadline).date(), keys, ref=briefing_id)
        )
    return out


def statement_items(session: Session, period: Period, scope: Scope, now: datetime) -> list[Item]:
    """Statements first published in the period (by kind and by the languages they are read in),
    corrections (major editions issued in the period) and withdrawals (in the period)."""
    start, end = period.start, min(period.end, now + timedelta(microseconds=1))
    issued = [s.value for s in ISSUED]
    query = sa_select(
        col(Statement.id),
        col(Statement.kind),
        col(Statement.organisation_id),
        col(Statement.first_published_at),
        col(Statement.withdrawn_at),
    ).where(
        or_(
            and_(
                col(Statement.first_published_at) >= start,
                col(Statement.first_published_at) < end,
            ),
            and_(col(Statement.withdrawn_at) >= start, col(Statement.withdrawn_at) < end),
        )
    )
    query = _scoped(query, col(Statement.organisation_id), scope)
    rows = session.execute(query).all()
    published_ids = [r[0] for r in rows if r[3] is not None and start <= r[3] < end]
    languages: dict[int, set[str]] = {}
    for chunk in _chunks(published_ids, 500):
        # State and time are compared here, not in SQL: with them in the query SQLite prefers
        # the (state, publish_at) index and reads every issued edition of the archive per chunk.
        for sid, lang, state, publish_at in session.execute(
            sa_select(
                col(Edition.statement_id),
                col(EditionTranslation.language),
                col(Edition.state),
                col(Edition.publish_at),
            )
            .join(Edition, col(Edition.id) == EditionTranslation.edition_id)
            .where(col(Edition.statement_id).in_(chunk))
        ).all():
            if state in issued and publish_at is not None and publish_at <= now:
                languages.setdefault(sid, set()).add(lang)
    out = []
    for sid, kind, org, first, withdrawn in rows:
        if first is not None and start <= first < end:
            keys = {"statements.published", f"statements.kind.{StatementKind(kind).value}"}
            keys |= {f"statements.lang.{lang}" for lang in {"vi", *languages.get(sid, ())}}
            out.append(Item("statements", sid, org, to_local(first).date(), frozenset(keys)))
        if withdrawn is not None and start <= withdrawn < end:
            out.append(
                Item(
                    "statements",
                    sid,
                    org,
                    to_local(withdrawn).date(),
                    frozenset({"statements.withdrawn"}),
                )
            )
    corrections = (
        select(Edition.id, Edition.statement_id, Edition.publish_at, Statement.organisation_id)
        .join(Statement, col(Statement.id) == Edition.statement_id)
        .where(
            col(Edition.number) > 1,
            Edition.change_kind == ChangeKind.MAJOR,
            col(Edition.state).in_(issued),
            col(Edition.publish_at) >= start,
            col(Edition.publish_at) < end,
        )
    )
    corrections = _scoped(corrections, col(Statement.organisation_id), scope)
    for eid, sid, at, org in session.exec(corrections).all():
        out.append(
            Item(
                "statements",
                sid,
                org,
                to_local(at).date(),
                frozenset({"statements.corrected"}),
                ref=eid,
            )
        )
    return out


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# --- The summary ---------------------------------------------------------------------------------


@dataclass
class OrgRow:
    """One organisation's line of the per-organisation tables."""

    organisation_id: int
    counts: Counter[str] = field(default_factory=Counter)
    hours: list[float] = field(default_factory=list)

    def __getitem__(self, key: str) -> int:
        return self.counts[key]

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 1) if self.hours else None

    @property
    def on_time_percent(self) -> int | None:
        answered = self.counts["questions.answered"]
        return round(100 * self.counts["questions.on_time"] / answered) if answered else None


@dataclass
class RuleResult:
    rule: compliance.Rule
    results: list[compliance.Result]

    @property
    def met(self) -> int:
        return sum(r.state == compliance.State.MET for r in self.results)


@dataclass
class Summary:
    period: Period
    scope: Scope
    now: datetime
    items: list[Item]
    counts: Counter[str]
    orgs: dict[int, OrgRow]
    compliance: list[RuleResult]
    conference_kinds: frozenset[str]
    median_hours: float | None

    def __getitem__(self, key: str) -> int:
        return self.counts[key]

    def keys_with(self, prefix: str) -> list[tuple[str, int]]:
        """(suffix, count) of the keys `prefix.<suffix>` with a count, largest first."""
        found = [
            (k[len(prefix) + 1 :], n)
            for k, n in self.counts.items()
            if k.startswith(prefix + ".") and n
        ]
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))

    def org_rows(self, area_key: str) -> list[OrgRow]:
        """Organisations with at least one item counted under `area_key`, most first."""
        rows = [r for r in self.orgs.values() if r.counts[area_key]]
        return sorted(rows, key=lambda r: (-r.counts[area_key], r.organisation_id))

    def conferences_held(self) -> list[Item]:
        return sorted(
            (
                i
                for i in self.items
                if i.area == "briefings"
                and "briefings.held" in i.keys
                and i.label in self.conference_kinds
            ),
            key=lambda i: (i.day, i.id),
        )

    @property
    def on_time_percent(self) -> int | None:
        answered = self.counts["questions.answered"]
        return round(100 * self.counts["questions.on_time"] / answered) if answered else None


def months_between(first: date, last: date) -> list[compliance.Period]:
    out = []
    for year in range(first.year, last.year + 1):
        out += [p for p in compliance.months(year) if p.end >= first and p.start <= last]
    return out


def quarters_between(first: date, last: date) -> list[compliance.Period]:
    out = []
    for year in range(first.year, last.year + 1):
        out += [p for p in compliance.quarters(year) if p.end >= first and p.start <= last]
    return out


def _compliance(
    session: Session, period: Period, rules: compliance.RuleSet, today: date
) -> list[RuleResult]:
    """Each rule over the months (quarters for a quarter rule) that the period touches: whole
    calendar periods, because the law counts whole months and quarters."""
    from app.briefings.service import compliance_facts

    months = months_between(period.first, period.last)
    quarters = quarters_between(period.first, period.last)
    first = min(months[0].start, quarters[0].start)
    last = max(months[-1].end, quarters[-1].end)
    facts = compliance_facts(session, first, last)
    return [
        RuleResult(
            rule,
            [
                compliance.evaluate(rule, p, facts, today)
                for p in (quarters if rule.period == "quarter" else months)
            ],
        )
        for rule in rules.rules
    ]


def summary(
    session: Session,
    period: Period,
    scope: Scope,
    *,
    rules: compliance.RuleSet,
    now: datetime | None = None,
) -> Summary:
    now = now or utcnow()
    items = (
        briefing_items(session, period, scope, rules)
        + statement_items(session, period, scope, now)
        + question_items(session, period, scope, now)
        + submission_items(session, period, scope, now)
    )
    counts: Counter[str] = Counter()
    orgs: dict[int, OrgRow] = {}
    hours: list[float] = []
    for item in items:
        counts.update(item.keys)
        if item.area == "briefings":
            continue
        row = orgs.setdefault(item.org_id, OrgRow(item.org_id))
        row.counts.update(item.keys)
        if "questions.answered" in item.keys and item.hours is not None:
            row.hours.append(item.hours)
            hours.append(item.hours)
    law_kinds = frozenset(k for r in rules.rules if r.source == "law" for k in r.kinds)
    return Summary(
        period=period,
        scope=scope,
        now=now,
        items=items,
        counts=counts,
        orgs=orgs,
        compliance=(
            _compliance(session, period, rules, to_local(now).date())
            if scope.organisation_id is None
            else []
        ),
        conference_kinds=law_kinds,
        median_hours=round(statistics.median(hours), 1) if hours else None,
    )


def items(summary: Summary, metric: str, org_id: int | None = None) -> list[Item]:
    """The items behind one figure (optionally one organisation's line), oldest first."""
    found = [
        i
        for i in summary.items
        if metric in i.keys and (org_id is None or i.org_id == org_id or i.area == "briefings")
    ]
    return sorted(found, key=lambda i: (i.day, i.id))
