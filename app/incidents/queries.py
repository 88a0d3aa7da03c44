"""Reading sudden matters: the first information from their links, the verdict, the lists, the
dashboard, and what the yearly report counts. No writes here (see `service.py`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.briefings.models import Briefing
from app.briefings.states import HAPPENED
from app.errors import NotFound
from app.i18n import Msg
from app.incidents.clock import Verdict, clock_text, on_time, verdict
from app.incidents.models import LinkKind, Matter, MatterLink, MatterOrganisation
from app.law.rulesets import Cited, RuleSet, load
from app.orgs import service as orgs
from app.orgs.models import OrgKind, OrgView
from app.questions.models import Question, QuestionStatus
from app.statements.models import Edition, Statement, StatementKind
from app.timeutil import LOCAL_TZ, local_today, to_local, utcnow

# The bodies a matter may concern: state bodies, never press agencies or Party bodies.
STATE_KINDS = (OrgKind.PEOPLES_COMMITTEE, OrgKind.DEPARTMENT, OrgKind.COMMUNE, OrgKind.OTHER)
STATES = ("open", "closed", "all")
LIST_LIMIT = 500


def ruleset_named(code: str) -> RuleSet | None:
    return next((r for r in load() if r.code == code), None)


def kind_of(matter: Matter) -> Cited | None:
    """The kind as the law of the matter's own date words it."""
    ruleset = ruleset_named(matter.ruleset)
    return ruleset.sudden_kinds.get(matter.kind) if ruleset else None


@dataclass(frozen=True)
class MatterView:
    """A matter with what is computed from its links at `now`."""

    matter: Matter
    kind: Cited | None
    first_info_at: datetime | None
    correction_requested: bool  # a correction request (statement) linked and issued
    now: datetime

    @property
    def id(self) -> int:
        return self.matter.id or 0

    @property
    def title(self) -> str:
        return self.matter.title

    @property
    def day(self) -> date:
        """The local day the clock started: the day whose law applies."""
        return to_local(self.matter.clock_started_at).date()

    @property
    def is_open(self) -> bool:
        return self.matter.closed_at is None

    @property
    def verdict(self) -> Verdict:
        return verdict(self.matter.due_at, self.first_info_at, self.now)

    @property
    def on_time(self) -> bool:
        return on_time(self.matter.due_at, self.first_info_at)

    @property
    def clock(self) -> Msg | None:
        """Time left, or how late (the first information, or now while there is none)."""
        due = self.matter.due_at
        if due is None or self.verdict == Verdict.ON_TIME:
            return None
        return clock_text(due, self.first_info_at or self.now)

    @property
    def correction_overdue(self) -> bool:
        """False information: the agency has not published the correction by the date expected."""
        m = self.matter
        return (
            m.correction_expected_by is not None
            and m.correction_published_at is None
            and to_local(self.now).date() > m.correction_expected_by
        )


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


def _links_of(session: Session, matter_ids: Sequence[int]) -> list[MatterLink]:
    if not matter_ids:
        return []
    return list(session.exec(select(MatterLink).where(col(MatterLink.matter_id).in_(matter_ids))))


def _statement_facts(
    session: Session, ids: set[int], now: datetime
) -> dict[int, tuple[datetime | None, bool]]:
    """Per statement: when it became public (if it has), and whether it is a correction request."""
    if not ids:
        return {}
    rows = session.exec(
        select(
            Statement.id, Statement.first_published_at, Statement.withdrawn_at, Statement.kind
        ).where(col(Statement.id).in_(ids))
    ).all()
    facts: dict[int, tuple[datetime | None, bool]] = {}
    for sid, published, withdrawn, kind in rows:
        public = (
            published is not None
            and published <= now
            and (withdrawn is None or withdrawn > published)
        )
        facts[sid or 0] = (
            published if public else None,
            public and kind == StatementKind.CORRECTION_REQUEST,
        )
    return facts


def _information(
    session: Session, links: Iterable[MatterLink], now: datetime
) -> tuple[dict[tuple[LinkKind, int], datetime], set[int]]:
    """When each linked object informed the press, for those that have (a statement's first
    publication once past, a question's approved answer, a held briefing's start), and the linked
    statements that are issued correction requests."""
    wanted: dict[LinkKind, set[int]] = {k: set() for k in LinkKind}
    for link in links:
        wanted[link.kind].add(link.object_id)
    found: dict[tuple[LinkKind, int], datetime] = {}
    requests: set[int] = set()
    for sid, (at, request) in _statement_facts(session, wanted[LinkKind.STATEMENT], now).items():
        if at is not None:
            found[(LinkKind.STATEMENT, sid)] = at
        if request:
            requests.add(sid)
    if wanted[LinkKind.QUESTION]:
        for qid, answered in session.exec(
            select(Question.id, Question.answered_at).where(
                col(Question.id).in_(wanted[LinkKind.QUESTION]),
                Question.status == QuestionStatus.ANSWERED,
                col(Question.answered_at).is_not(None),
            )
        ).all():
            if answered is not None and answered <= now:
                found[(LinkKind.QUESTION, qid or 0)] = answered
    if wanted[LinkKind.BRIEFING]:
        for bid, starts in session.exec(
            select(Briefing.id, Briefing.starts_at).where(
                col(Briefing.id).in_(wanted[LinkKind.BRIEFING]),
                col(Briefing.status).in_([s.value for s in HAPPENED]),
            )
        ).all():
            if starts <= now:
                found[(LinkKind.BRIEFING, bid or 0)] = starts
    return found, requests


def views(
    session: Session, matters: Sequence[Matter], now: datetime | None = None
) -> list[MatterView]:
    """The matters with their first information and correction request, read in a few queries."""
    now = now or utcnow()
    links = _links_of(session, [m.id for m in matters if m.id is not None])
    times, requests = _information(session, links, now)
    first: dict[int, datetime] = {}
    requested: set[int] = set()
    for link in links:
        at = times.get((link.kind, link.object_id))
        if at is not None and (link.matter_id not in first or at < first[link.matter_id]):
            first[link.matter_id] = at
        if link.kind == LinkKind.STATEMENT and link.object_id in requests:
            requested.add(link.matter_id)
    return [
        MatterView(m, kind_of(m), first.get(m.id or 0), (m.id or 0) in requested, now)
        for m in matters
    ]


def get(session: Session, matter_id: int) -> Matter:
    matter = session.get(Matter, matter_id)
    if matter is None:
        raise NotFound()
    return matter


def view(session: Session, matter_id: int, now: datetime | None = None) -> MatterView:
    return views(session, [get(session, matter_id)], now)[0]


def organisation_ids(session: Session, matter_id: int) -> list[int]:
    return sorted(
        session.exec(
            select(MatterOrganisation.organisation_id).where(
                MatterOrganisation.matter_id == matter_id
            )
        ).all()
    )


def organisation_names(session: Session, day: date) -> dict[int, OrgView]:
    """Every organisation with the name it had on `day` (for showing a matter's bodies)."""
    return {o.id: o for o in orgs.list_organisations(session, on=day, include_retired=True)}


def user_name(session: Session, user_id: int | None) -> str:
    """Who acted, as the detail page names them ("" for the system or an unknown account)."""
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def urgency(v: MatterView) -> tuple[int, float]:
    """Open matters late without information first, then the running clocks soonest due, then
    the rest newest first."""
    due = v.matter.due_at
    if v.is_open and due is not None and v.first_info_at is None:
        return (0 if v.verdict == Verdict.LATE else 1, due.timestamp())
    return (2, -v.matter.clock_started_at.timestamp())


def listing(
    session: Session, *, state: str = "open", kind: str = "", now: datetime | None = None
) -> list[MatterView]:
    """Matters open, closed or all, optionally of one kind, the most urgent first."""
    query = select(Matter)
    if state == "open":
        query = query.where(col(Matter.closed_at).is_(None))
    elif state == "closed":
        query = query.where(col(Matter.closed_at).is_not(None))
    if kind:
        query = query.where(Matter.kind == kind)
    rows = session.exec(
        query.order_by(col(Matter.clock_started_at).desc(), col(Matter.id).desc()).limit(LIST_LIMIT)
    ).all()
    return sorted(views(session, list(rows), now), key=urgency)


@dataclass(frozen=True)
class Board:
    """The office's dashboard panel: open matters (late first) and overdue corrections."""

    open: list[MatterView]
    corrections_overdue: list[MatterView]

    @property
    def late(self) -> list[MatterView]:
        return [v for v in self.open if v.verdict == Verdict.LATE and v.first_info_at is None]


def board(session: Session, now: datetime | None = None) -> Board:
    current = listing(session, state="open", now=now)
    return Board(current, [v for v in current if v.correction_overdue])


def matters_linked_to(session: Session, kind: LinkKind, object_id: int) -> list[Matter]:
    """The matters a statement, question or briefing is linked to (for the other areas' pages)."""
    return list(
        session.exec(
            select(Matter)
            .join(MatterLink, col(MatterLink.matter_id) == col(Matter.id))
            .where(MatterLink.kind == kind, MatterLink.object_id == object_id)
            .order_by(col(Matter.id))
        ).all()
    )


# --- Links as the detail page shows them -------------------------------------------------------


@dataclass(frozen=True)
class LinkView:
    kind: LinkKind
    object_id: int
    title: str  # "" when the object no longer exists
    href: str
    informed_at: datetime | None  # when it informed the press, if it has
    number: str = ""  # a statement's number
    starts_at: datetime | None = None  # a briefing's time


def _statement_titles(session: Session, ids: set[int]) -> dict[int, str]:
    """The title of each statement's latest edition."""
    if not ids:
        return {}
    latest = (
        select(Edition.statement_id, func.max(Edition.number).label("n"))
        .where(col(Edition.statement_id).in_(ids))
        .group_by(col(Edition.statement_id))
        .subquery()
    )
    rows = session.exec(
        select(Edition.statement_id, Edition.title).join(
            latest,
            (col(Edition.statement_id) == latest.c.statement_id)
            & (col(Edition.number) == latest.c.n),
        )
    ).all()
    return dict(rows)


def links(session: Session, matter_id: int, now: datetime | None = None) -> list[LinkView]:
    """The matter's links with their titles and the time each informed the press."""
    now = now or utcnow()
    rows = session.exec(
        select(MatterLink)
        .where(MatterLink.matter_id == matter_id)
        .order_by(col(MatterLink.linked_at), col(MatterLink.object_id))
    ).all()
    times, _requests = _information(session, rows, now)
    ids = {k: {r.object_id for r in rows if r.kind == k} for k in LinkKind}
    titles = _statement_titles(session, ids[LinkKind.STATEMENT])
    numbers = dict(
        session.exec(
            select(Statement.id, Statement.number).where(
                col(Statement.id).in_(ids[LinkKind.STATEMENT])
            )
        ).all()
    )
    questions = dict(
        session.exec(
            select(Question.id, Question.text).where(col(Question.id).in_(ids[LinkKind.QUESTION]))
        ).all()
    )
    briefings = {
        b.id: b
        for b in session.exec(
            select(Briefing).where(col(Briefing.id).in_(ids[LinkKind.BRIEFING]))
        ).all()
    }
    found = []
    for r in rows:
        at = times.get((r.kind, r.object_id))
        if r.kind == LinkKind.STATEMENT:
            found.append(
                LinkView(
                    r.kind,
                    r.object_id,
                    titles.get(r.object_id, ""),
                    f"/office/statements/{r.object_id}",
                    at,
                    number=numbers.get(r.object_id) or "",
                )
            )
        elif r.kind == LinkKind.QUESTION:
            text = " ".join((questions.get(r.object_id) or "").split())
            found.append(
                LinkView(r.kind, r.object_id, text[:200], f"/office/questions/{r.object_id}", at)
            )
        else:
            b = briefings.get(r.object_id)
            found.append(
                LinkView(
                    r.kind,
                    r.object_id,
                    b.title_vi if b else "",
                    f"/office/briefings/{r.object_id}",
                    at,
                    starts_at=b.starts_at if b else None,
                )
            )
    return found


# --- For the yearly report ---------------------------------------------------------------------


def list_between(
    session: Session,
    first: date,
    last: date,
    *,
    kinds: Iterable[str] | None = None,
    now: datetime | None = None,
) -> list[MatterView]:
    """Matters whose clock started on a local day in [first, last], oldest first; `kinds`
    narrows to those codes."""
    query = select(Matter).where(
        col(Matter.clock_started_at) >= _local_start(first),
        col(Matter.clock_started_at) < _local_start(last + timedelta(days=1)),
    )
    if kinds is not None:
        query = query.where(col(Matter.kind).in_(list(kinds)))
    rows = session.exec(query.order_by(col(Matter.clock_started_at), col(Matter.id))).all()
    return views(session, list(rows), now)


def count_between(
    session: Session, first: date, last: date, *, kinds: Iterable[str] | None = None
) -> int:
    """How many matters' clocks started on a local day in [first, last] (of `kinds`)."""
    query = (
        select(func.count())
        .select_from(Matter)
        .where(
            col(Matter.clock_started_at) >= _local_start(first),
            col(Matter.clock_started_at) < _local_start(last + timedelta(days=1)),
        )
    )
    if kinds is not None:
        query = query.where(col(Matter.kind).in_(list(kinds)))
    return int(session.exec(query).one())


@dataclass(frozen=True)
class ReportItem:
    """A matter as the yearly report counts it (figures 4, 5 and 6)."""

    id: int
    day: date
    title: str
    kind: str
    ruleset: str
    has_time_limit: bool
    informed: bool  # some information given (figure 4: "with a statement")
    on_time: bool  # informed at or before the due time (figure 5)
    correction_requested: bool  # a correction request issued (figure 6)
    correction_published: bool  # the press agency published the correction


def report_items(
    session: Session, first: date, last: date, now: datetime | None = None
) -> list[ReportItem]:
    """Every matter whose clock started in [first, last], classified for the yearly report."""
    return [
        ReportItem(
            id=v.id,
            day=v.day,
            title=v.title,
            kind=v.matter.kind,
            ruleset=v.matter.ruleset,
            has_time_limit=v.matter.due_at is not None,
            informed=v.first_info_at is not None,
            on_time=v.on_time,
            correction_requested=v.correction_requested,
            correction_published=v.matter.correction_published_at is not None,
        )
        for v in list_between(session, first, last, now=now)
    ]


# --- Choices for the forms ---------------------------------------------------------------------


def kind_choices(locale: str) -> list[tuple[str, str]]:
    """Every kind of every rule set, with where the law defines it (the form checks the date)."""
    return [
        (code, f"{c.label(locale)} — {c.citation(locale).split(';')[0]}")
        for ruleset in load()
        for code, c in ruleset.sudden_kinds.items()
    ]


def state_bodies(session: Session, day: date | None = None) -> list[OrgView]:
    return orgs.list_organisations(session, on=day or local_today(), kinds=STATE_KINDS)


def press_agencies(session: Session, day: date | None = None) -> list[OrgView]:
    return orgs.list_organisations(session, on=day or local_today(), kinds=(OrgKind.PRESS_AGENCY,))
