"""Read-side queries of the public pages: the newsroom list with its filters and full-text search,
one statement as the public sees it, files, the spokesperson register and the sitemap.

Everything is read "as at `now`": only editions that `service.visible_condition(now)` admits are
ever matched, so an embargoed or superseded edition cannot leak through a filter or a search.
The list pages by keyset ((first_published_at, id) of the last row, the `before` token), so a page
deep in the archive costs the same as the first one.

Search uses the text folded in Python (`statements.search`): SQLite's FTS5 table on the edition's
`search_text` (each word quoted, no prefixes, all required), PostgreSQL's GIN index on
`to_tsvector('simple', search_text)`. Snippets are cut from the visible edition's own text, escaped,
with the matched words in <mark>.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, func, literal, text, tuple_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, exists, select

from app.briefings.models import Briefing
from app.db import UTCDateTime
from app.errors import NotFound
from app.markdown import render_markdown
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.statements import search, service
from app.statements.models import (
    ISSUED,
    ChangeKind,
    Edition,
    EditionFile,
    EditionTranslation,
    Spokesperson,
    Statement,
    StatementFile,
    StatementKind,
    StatementLanguage,
    StatementTopic,
    Topic,
)
from app.timeutil import LOCAL_TZ, to_local

PAGE_SIZE = 20
SNIPPET_CHARS = 240
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WORD = re.compile(r"\w+", re.UNICODE)


# --- Filters and the cursor -----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a reader narrowed the list to; values that do not parse are simply not applied."""

    kind: StatementKind | None = None
    topic: Topic | None = None
    organisation_id: int | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    @property
    def searching(self) -> bool:
        return bool(self.q.strip())

    @property
    def terms(self) -> list[str]:
        return search.terms(self.q)

    @property
    def reversed_dates(self) -> bool:
        """A start date after the end date: nothing can match, and the page says why."""
        return bool(self.date_from and self.date_to and self.date_from > self.date_to)

    @property
    def active(self) -> bool:
        return any(
            (self.kind, self.topic, self.organisation_id, self.language, self.date_from)
        ) or bool(self.date_to or self.searching)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: strictly older than this (first_published_at, id)."""

    published_at: datetime
    statement_id: int

    def token(self) -> str:
        micros = (self.published_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.statement_id}"

    @classmethod
    def parse(cls, token: str) -> Cursor | None:
        micros, dot, sid = (token or "").partition(".")
        if not dot or not micros.isdigit() or not sid.isdigit() or len(token) > 40:
            return None
        try:
            return cls(_EPOCH + timedelta(microseconds=int(micros)), int(sid))
        except OverflowError:
            return None


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value and len(value) <= 10 else None
    except ValueError:
        return None


def parse_int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def local_start(day: date) -> datetime:
    """The UTC moment a local (Asia/Ho_Chi_Minh) day begins."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


def topic_by_code(session: Session, code: str) -> Topic | None:
    if not code or len(code) > 60:
        return None
    return session.exec(select(Topic).where(Topic.code == code)).first()


def language_codes(session: Session) -> set[str]:
    return {lang.code for lang in service.translation_languages(session)}


# --- The list ------------------------------------------------------------------------------------


@dataclass
class ListItem:
    statement: Statement
    edition: Edition
    organisation: OrgView | None = None
    topics: list[Topic] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    title: Markup = field(default_factory=Markup)  # escaped, matched words marked
    snippet: Markup = field(default_factory=Markup)
    update: Edition | None = None  # the latest major edition, if any
    # What a reader of `locale` is shown: the translation into their language when there is one
    # (`outdated` when the Vietnamese changed since), else the Vietnamese (`source_only`).
    shown_lang: str = service.SOURCE_LANGUAGE
    outdated: bool = False
    source_only: bool = False

    @property
    def href(self) -> str:
        suffix = "" if self.shown_lang == service.SOURCE_LANGUAGE else f"/{self.shown_lang}"
        return f"/statements/{self.statement.id}{suffix}"


@dataclass
class Page:
    items: list[ListItem]
    next: Cursor | None
    total: int = 0  # every statement the filters match, on all pages


def _fts_condition(session: Session, terms: list[str]) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "sqlite":
        # Each folded word quoted: a string, never FTS5 syntax (no prefix, no operator).
        match = " ".join(f'"{t}"' for t in terms)
        return text(
            "statement_edition.id IN (SELECT rowid FROM statement_fts WHERE statement_fts MATCH :fts)"
        ).bindparams(fts=match)  # type: ignore[return-value]
    # The same expression as the GIN index (ix_statement_edition_search), so the index is used.
    return text(
        "to_tsvector('simple', statement_edition.search_text) @@ plainto_tsquery('simple', :fts)"
    ).bindparams(fts=" ".join(terms))  # type: ignore[return-value]


def _conditions(session: Session, filters: Filters, now: datetime) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        service.visible_condition(now),
        col(Statement.first_published_at).is_not(None),
    ]
    if filters.kind is not None:
        where.append(col(Statement.kind) == filters.kind)
    if filters.organisation_id is not None:
        where.append(col(Statement.organisation_id) == filters.organisation_id)
    if filters.topic is not None:
        where.append(
            exists().where(
                col(StatementTopic.statement_id) == col(Statement.id),
                col(StatementTopic.topic_id) == filters.topic.id,
            )
        )
    if filters.language:
        where.append(
            exists().where(
                col(EditionTranslation.edition_id) == col(Edition.id),
                col(EditionTranslation.language) == filters.language,
            )
        )
    if filters.date_from is not None:
        where.append(col(Statement.first_published_at) >= local_start(filters.date_from))
    if filters.date_to is not None:
        end = local_start(filters.date_to + timedelta(days=1))
        where.append(col(Statement.first_published_at) < end)
    if filters.searching:
        where.append(_fts_condition(session, filters.terms))
    return where


def statement_page(
    session: Session,
    filters: Filters,
    *,
    now: datetime,
    before: Cursor | None = None,
    limit: int | None = None,
    locale: str = service.SOURCE_LANGUAGE,
) -> Page:
    """Visible statements, newest first, `limit` of them older than `before`, titled for a
    reader of `locale`. A search whose words are all punctuation finds nothing."""
    limit = limit or PAGE_SIZE
    if (filters.searching and not filters.terms) or filters.reversed_dates:
        return Page([], None)
    query = (
        select(Statement, Edition)
        .join(Edition, col(Edition.statement_id) == col(Statement.id))
        .where(*_conditions(session, filters, now))
    )
    if before is not None:
        # The plain bound lets either database walk the first_published_at index from there.
        query = query.where(
            col(Statement.first_published_at) <= before.published_at,
            tuple_(col(Statement.first_published_at), col(Statement.id))
            < tuple_(literal(before.published_at, UTCDateTime()), literal(before.statement_id)),
        )
    query = query.order_by(
        col(Statement.first_published_at).desc(), col(Statement.id).desc()
    ).limit(limit + 1)
    rows = list(session.exec(query).all())
    more = len(rows) > limit
    rows = rows[:limit]
    items = [ListItem(st, ed) for st, ed in rows]
    _decorate(session, items, filters.terms if filters.searching else [], now, locale)
    last = items[-1].statement if items else None
    cursor = (
        Cursor(last.first_published_at, last.id or 0)
        if more and last is not None and last.first_published_at is not None
        else None
    )
    total = session.exec(
        select(func.count())
        .select_from(Statement)
        .join(Edition, col(Edition.statement_id) == col(Statement.id))
        .where(*_conditions(session, filters, now))
    ).one()
    return Page(items, cursor, int(total))


def _decorate(
    session: Session, items: list[ListItem], terms: list[str], now: datetime, locale: str
) -> None:
    """Organisations (named as on the day of issue), topics, languages, update notes, snippets:
    a few queries for the whole page."""
    if not items:
        return
    ids = [i.statement.id for i in items if i.statement.id is not None]
    edition_ids = [i.edition.id for i in items if i.edition.id is not None]
    topics: dict[int, list[Topic]] = {}
    for link, topic in session.exec(
        select(StatementTopic, Topic)
        .join(Topic, col(Topic.id) == col(StatementTopic.topic_id))
        .where(col(StatementTopic.statement_id).in_(ids))
        .order_by(col(Topic.position), col(Topic.name_vi))
    ):
        topics.setdefault(link.statement_id, []).append(topic)
    texts: dict[int, list[EditionTranslation]] = {}
    for tr in session.exec(
        select(EditionTranslation)
        .where(col(EditionTranslation.edition_id).in_(edition_ids))
        .order_by(col(EditionTranslation.language))
    ):
        texts.setdefault(tr.edition_id, []).append(tr)
    updates = latest_updates(session, ids, now)
    majors = _major_numbers(session, ids) if locale != service.SOURCE_LANGUAGE else {}
    names: dict[tuple[int, date], OrgView | None] = {}
    for item in items:
        st, ed = item.statement, item.edition
        day = to_local(st.first_published_at or now).date()
        if (st.organisation_id, day) not in names:
            try:
                names[(st.organisation_id, day)] = orgs.get(session, st.organisation_id, on=day)
            except NotFound:
                names[(st.organisation_id, day)] = None
        item.organisation = names[(st.organisation_id, day)]
        item.topics = topics.get(st.id or 0, [])
        translated = texts.get(ed.id or 0, [])
        item.languages = [t.language for t in translated]
        item.update = updates.get(st.id or 0)
        mine = next((t for t in translated if t.language == locale), None)
        if mine is not None:
            item.shown_lang = locale
            item.outdated = any(
                mine.source_number < n <= ed.number for n in majors.get(st.id or 0, [])
            )
        item.source_only = locale != service.SOURCE_LANGUAGE and mine is None
        item.title = highlight(mine.title if mine else ed.title, terms)
        if terms:
            sources = [ed.summary, plain_text(ed.body)]
            sources += [part for t in translated for part in (t.title, t.summary, t.body)]
            if mine is not None:  # the reader's language first
                sources = [mine.summary, plain_text(mine.body), *sources]
            item.snippet = snippet(sources, terms)
        else:
            item.snippet = escape(mine.summary if mine else ed.summary)


def _major_numbers(session: Session, statement_ids: list[int]) -> dict[int, list[int]]:
    """The numbers of the major editions of these statements (what makes a translation made
    before them outdated, as `service.is_outdated` says for one), in one query."""
    found: dict[int, list[int]] = {}
    for statement_id, number in session.exec(
        select(Edition.statement_id, Edition.number).where(
            col(Edition.statement_id).in_(statement_ids),
            Edition.change_kind == ChangeKind.MAJOR,
        )
    ):
        found.setdefault(statement_id, []).append(number)
    return found


def latest_updates(session: Session, statement_ids: list[int], now: datetime) -> dict[int, Edition]:
    """Each statement's latest major edition that is public by `now` (for "Updated at…")."""
    if not statement_ids:
        return {}
    out: dict[int, Edition] = {}
    rows = session.exec(
        select(Edition)
        .where(col(Edition.statement_id).in_(statement_ids))
        .where(Edition.change_kind == ChangeKind.MAJOR)
        .where(col(Edition.state).in_([s.value for s in ISSUED]))
        .where(col(Edition.publish_at) <= now)
        .order_by(col(Edition.number))
    )
    for ed in rows:
        out[ed.statement_id] = ed
    return out


# --- Snippets ------------------------------------------------------------------------------------


def plain_text(markdown: str) -> str:
    """The readable text of Markdown (rendered safely, tags dropped)."""
    rendered = str(render_markdown(markdown))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


def highlight(value: str, terms: list[str]) -> Markup:
    """`value` escaped, its words that fold to one of `terms` in <mark> (escape, then mark)."""
    value = unicodedata.normalize("NFC", value)
    if not terms:
        return escape(value)
    wanted = set(terms)
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(value):
        if search.fold(m.group()) in wanted:
            out.append(str(escape(value[pos : m.start()])))
            out.append(f"<mark>{escape(m.group())}</mark>")
            pos = m.end()
    out.append(str(escape(value[pos:])))
    return Markup("".join(out))  # noqa: S704 - every piece escaped just above


def snippet(sources: list[str], terms: list[str], width: int = SNIPPET_CHARS) -> Markup:
    """About `width` characters around the first matched word of the first text that has one
    (else the start of the first non-empty text), escaped and marked."""
    wanted = set(terms)
    chosen, at = "", -1
    for source in sources:
        source = unicodedata.normalize("NFC", " ".join((source or "").split()))
        if not source:
            continue
        chosen = chosen or source
        hit = next((m for m in _WORD.finditer(source) if search.fold(m.group()) in wanted), None)
        if hit is not None:
            chosen, at = source, hit.start()
            break
    if not chosen:
        return Markup()
    start = max(0, at - width // 3) if at > 0 else 0
    if start:
        space = chosen.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    end = min(len(chosen), start + width)
    if end < len(chosen):
        space = chosen.rfind(" ", start, end)
        end = space if space > max(at, start) else end
    piece = highlight(chosen[start:end], terms)
    prefix = "… " if start else ""
    suffix = " …" if end < len(chosen) else ""
    return escape(prefix) + piece + escape(suffix)


# --- One statement ---------------------------------------------------------------------------


@dataclass
class StatementView:
    statement: Statement
    edition: Edition
    organisation: OrgView | None
    spokesperson: Spokesperson | None
    topics: list[Topic]
    related: list[OrgView]
    files: list[StatementFile]
    history: list[Edition]  # every edition public by now, newest first
    update: Edition | None  # the latest major edition (the notice at the top)
    translations: dict[str, EditionTranslation]
    languages: dict[str, StatementLanguage]  # the enabled ones, by code
    briefing: Briefing | None
    target_agency: OrgView | None

    @property
    def last_change(self) -> datetime:
        """When the page last changed: the visible edition's time or the withdrawal."""
        times = [t for t in (self.edition.publish_at, self.statement.withdrawn_at) if t]
        return max(times) if times else self.statement.updated_at


def statement_view(session: Session, statement_id: int, *, now: datetime) -> StatementView:
    """A statement as the public sees it at `now` (404 while nothing of it is public)."""
    st = session.get(Statement, statement_id)
    ed = service.public_edition(session, statement_id, now) if st is not None else None
    if st is None or ed is None or ed.id is None:
        raise NotFound()
    day = to_local(st.first_published_at or now).date()

    def org(org_id: int | None) -> OrgView | None:
        if org_id is None:
            return None
        try:
            return orgs.get(session, org_id, on=day)
        except NotFound:
            return None

    history = service.public_history(session, statement_id, now)
    topic_ids = service.topic_ids(session, statement_id)
    topics = [t for t in service.topics(session) if t.id in topic_ids]
    briefing = session.get(Briefing, st.briefing_id) if st.briefing_id else None
    related = [o for o in (org(i) for i in service.related_org_ids(session, statement_id)) if o]
    return StatementView(
        statement=st,
        edition=ed,
        organisation=org(st.organisation_id),
        spokesperson=session.get(Spokesperson, st.spokesperson_id) if st.spokesperson_id else None,
        topics=topics,
        related=related,
        files=service.edition_files(session, ed.id),
        history=history,
        update=next((e for e in history if e.change_kind == ChangeKind.MAJOR), None),
        translations=service.translations(session, ed.id),
        languages={lang.code: lang for lang in service.languages(session)},
        briefing=briefing if briefing is not None and briefing.is_public else None,
        target_agency=org(st.target_agency_id),
    )


def outdated_since(
    session: Session, view: StatementView, translation: EditionTranslation
) -> datetime | None:
    """When the Vietnamese text changed (a major edition) after the translation was made; None
    when the translation is up to date."""
    if not service.is_outdated(session, translation, view.edition):
        return None
    later = [
        e
        for e in view.history
        if e.change_kind == ChangeKind.MAJOR
        and translation.source_number < e.number <= view.edition.number
    ]
    return max((e.publish_at for e in later if e.publish_at), default=view.edition.publish_at)


def public_file(
    session: Session, statement_id: int, file_id: int, *, now: datetime
) -> StatementFile:
    """A file of the edition public now (404 for files of other editions, or of none)."""
    ed = service.public_edition(session, statement_id, now)
    row = session.get(StatementFile, file_id)
    if (
        ed is None
        or row is None
        or row.statement_id != statement_id
        or session.get(EditionFile, (ed.id, file_id)) is None
    ):
        raise NotFound()
    return row


# --- The spokesperson register ------------------------------------------------------------------


@dataclass
class RegisterGroup:
    organisation: OrgView
    current: list[Spokesperson]
    past: list[Spokesperson]


def register(session: Session, *, on: date) -> list[RegisterGroup]:
    """The register by organisation (the provincial People's Committee first, then by name):
    who may speak on `on`, and everyone else (ended or not yet in force)."""
    current, others = service.register(session, on=on)
    groups: dict[int, RegisterGroup] = {}
    for person in [*current, *others]:
        if person.organisation_id not in groups:
            try:
                view = orgs.get(session, person.organisation_id, on=on)
            except NotFound:
                continue
            groups[person.organisation_id] = RegisterGroup(view, [], [])
    for person in current:
        if person.organisation_id in groups:
            groups[person.organisation_id].current.append(person)
    for person in others:
        if person.organisation_id in groups:
            groups[person.organisation_id].past.append(person)
    order = {kind: i for i, kind in enumerate(service.ISSUING_KINDS)}
    return sorted(
        groups.values(),
        key=lambda g: (order.get(g.organisation.kind, 99), g.organisation.name_vi),
    )


def spokesperson_document(session: Session, spokesperson_id: int) -> Spokesperson:
    person = session.get(Spokesperson, spokesperson_id)
    if person is None or not person.document_stored_name:
        raise NotFound()
    return person


# --- The sitemap -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapEntry:
    path: str
    lastmod: datetime | None


def sitemap(session: Session, *, now: datetime) -> list[SitemapEntry]:
    """Every public statement and translation, and every announced briefing."""
    out: list[SitemapEntry] = []
    # Only the columns it needs: a sitemap lists every statement, bodies are large.
    rows = session.execute(
        sa_select(
            col(Statement.id),
            col(Statement.first_published_at),
            col(Statement.withdrawn_at),
            col(Edition.id),
            col(Edition.publish_at),
        )
        .join(Edition, col(Edition.statement_id) == col(Statement.id))
        .where(service.visible_condition(now))
        .order_by(col(Statement.first_published_at).desc(), col(Statement.id).desc())
    ).all()
    languages: dict[int, list[str]] = {}
    edition_ids = [row[3] for row in rows if row[3] is not None]
    for chunk in range(0, len(edition_ids), 500):
        for edition_id, language in session.exec(
            select(EditionTranslation.edition_id, EditionTranslation.language).where(
                col(EditionTranslation.edition_id).in_(edition_ids[chunk : chunk + 500])
            )
        ):
            languages.setdefault(edition_id, []).append(language)
    for statement_id, first, withdrawn, edition_id, published in rows:
        changed = max((t for t in (published, withdrawn, first) if t), default=None)
        out.append(SitemapEntry(f"/statements/{statement_id}", changed))
        for code in sorted(languages.get(edition_id or 0, [])):
            out.append(SitemapEntry(f"/statements/{statement_id}/{code}", changed))
    for briefing in session.exec(
        select(Briefing)
        .where(col(Briefing.announced_at).is_not(None))
        .order_by(col(Briefing.starts_at).desc())
    ):
        out.append(SitemapEntry(f"/briefings/{briefing.id}", briefing.updated_at))
    return out
