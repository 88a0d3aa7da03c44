"""Atom feeds of published statements, for newsrooms and readers to subscribe to.

`/feeds/statements.atom` has the latest statements in Vietnamese; `?lang=en` (any translation
language) the translated ones, in that language; `?kind=press_release` and `?topic=<code>`
narrow it. An entry's id is the statement's permanent address, so a reader updates the entry it
has: `updated` is the time of the public edition (or of the withdrawal), `published` the date of
issue; a major correction says "Updated at …: note" and a withdrawal says so with its reason.

Like the calendar feeds, the address alone says what a feed contains (no cookies), the bytes
depend only on the data, and conditional GETs are answered with 304 (see `statements.cache`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from markupsafe import escape
from sqlmodel import Session

from app.access import Public
from app.db import SessionDep
from app.errors import NotFound
from app.i18n import N_, gettext
from app.markdown import render_markdown
from app.statements import cache, queries, service
from app.statements.models import KIND_LABELS, StatementKind
from app.statements.web.freshness import caught_up
from app.timeutil import format_datetime

router = APIRouter(include_in_schema=False, dependencies=[Depends(caught_up)])

MEDIA_TYPE = "application/atom+xml; charset=utf-8"
FEED_SIZE = 50
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

TEXT = {
    "feed": N_("Official statements - People's Committee of %(province)s province"),
    "updated": N_("Updated at %(time)s: %(note)s"),
    "withdrawn": N_("Withdrawn on %(date)s. Reason: %(reason)s"),
    "withdrawn_title": N_("[Withdrawn] %(title)s"),
}


def _locale(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def build_feed(
    items: list[queries.ListItem],
    translations: Mapping[int, Any],
    *,
    base_url: str,
    self_url: str,
    lang: str,
    province: str,
    subtitle: str,
) -> bytes:
    """The Atom document of these statements, in `lang` (pure: the same data, the same bytes)."""
    locale = _locale(lang)
    source = lang == service.SOURCE_LANGUAGE
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(gettext(locale, TEXT["feed"], province=province))
    if subtitle:
        fg.subtitle(subtitle)
    fg.author(
        {"name": gettext(locale, "People's Committee of %(province)s province", province=province)}
    )
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=f"{base_url}/statements", rel="alternate", type="text/html")
    fg.language(lang)
    latest = _EPOCH
    for item in reversed(items):  # feedgen prepends: newest first in the document
        st, ed = item.statement, item.edition
        content = ed if source else translations[ed.id or 0]
        url = f"{base_url}/statements/{st.id}" + ("" if source else f"/{lang}")
        updated = max(
            t for t in (ed.publish_at, st.withdrawn_at, st.first_published_at, _EPOCH) if t
        )
        latest = max(latest, updated)
        notes: list[str] = []
        if st.withdrawn_at is not None:
            notes.append(
                gettext(
                    locale,
                    TEXT["withdrawn"],
                    date=format_datetime(st.withdrawn_at),
                    reason=st.withdrawn_reason,
                )
            )
        if item.update is not None and item.update.publish_at is not None:
            notes.append(
                gettext(
                    locale,
                    TEXT["updated"],
                    time=format_datetime(item.update.publish_at),
                    note=item.update.change_note,
                )
            )
        title = content.title
        if st.withdrawn_at is not None:
            title = gettext(locale, TEXT["withdrawn_title"], title=title)
        fe = fg.add_entry()
        fe.id(url)
        fe.title(f"{st.number} - {title}" if st.number else title)
        fe.link(href=url, rel="alternate", type="text/html")
        fe.published(st.first_published_at or updated)
        fe.updated(updated)
        summary = " ".join([*notes, content.summary]).strip()
        if summary:
            fe.summary(summary)
        head = "".join(f"<p><strong>{escape(n)}</strong></p>" for n in notes)
        fe.content(head + str(render_markdown(content.body)), type="html")
        fe.category(term=st.kind.value, label=gettext(locale, KIND_LABELS[st.kind]))
        for topic in item.topics:
            fe.category(term=topic.code, label=topic.name(locale))
    fg.updated(latest)
    return bytes(fg.atom_str(pretty=True))


def _translations(session: Session, items: list[queries.ListItem], lang: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for item in items:
        if item.edition.id is not None:
            found = service.translations(session, item.edition.id).get(lang)
            if found is not None:
                out[item.edition.id] = found
    return out


@router.get("/feeds/statements.atom")
def statements_feed(
    request: Request,
    identity: Public,
    session: SessionDep,
    lang: str = "",
    kind: str = "",
    topic: str = "",
) -> Response:
    """The latest statements (Atom), optionally of one kind, one topic, or in a translation."""
    lang = lang or service.SOURCE_LANGUAGE

    def build(now: datetime, _overrides: Mapping[str, Any]) -> cache.Rendered:
        if lang != service.SOURCE_LANGUAGE and lang not in queries.language_codes(session):
            raise NotFound()
        if kind and kind not in {k.value for k in StatementKind}:
            raise NotFound()
        chosen_topic = queries.topic_by_code(session, topic) if topic else None
        if topic and chosen_topic is None:
            raise NotFound()
        filters = queries.Filters(
            kind=StatementKind(kind) if kind else None,
            topic=chosen_topic,
            language=None if lang == service.SOURCE_LANGUAGE else lang,
        )
        page = queries.statement_page(session, filters, now=now, limit=FEED_SIZE)
        locale = _locale(lang)
        parts = []
        if filters.kind:
            parts.append(gettext(locale, KIND_LABELS[filters.kind]))
        if chosen_topic:
            parts.append(chosen_topic.name(locale))
        base = request.app.state.settings.absolute_url()
        shown_lang = "" if lang == service.SOURCE_LANGUAGE else lang
        canonical = urlencode(
            [(k, v) for k, v in (("lang", shown_lang), ("kind", kind), ("topic", topic)) if v]
        )
        body = build_feed(
            page.items,
            _translations(session, page.items, lang),
            base_url=base,
            self_url=f"{base}/feeds/statements.atom" + (f"?{canonical}" if canonical else ""),
            lang=lang,
            province=request.app.state.settings.province_name,
            subtitle=" · ".join(parts),
        )
        return cache.Rendered(
            body,
            MEDIA_TYPE,
            service.next_public_change(session, now),
            service.last_public_change(session, now),
        )

    return cache.serve(request, identity, build, personal=False)
