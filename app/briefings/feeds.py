"""Calendar feeds (RFC 5545) of the announced briefings, for calendar apps to subscribe to.

`/calendar.ics` has every announced briefing, `/calendar/{kind}.ics` one kind and
`/briefings/{id}.ics` one briefing (a download). UIDs never change and SEQUENCE rises on every
change, so Google Calendar, Outlook and Thunderbird update the events they already have; a
cancelled briefing stays in the feed with STATUS:CANCELLED. The feeds answer conditional GETs
(ETag, Last-Modified, 304) so that subscribers polling every few minutes cost a count query.

The language is chosen by `?lang=en` only (calendar apps send no cookies), so a feed's address
says what it contains and shared caches can keep it.

This module builds the documents and answers "has it changed" (pure, no database); the routes
are in `app/briefings/web/feeds.py`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from fastapi import Request
from icalendar import Calendar, Event, Timezone

from app.briefings.models import Briefing, BriefingKind, BriefingStatus
from app.i18n import N_, gettext
from app.timeutil import LOCAL_TZ, to_local

PRODID = "-//Press Desk//UBND tinh Quang Ninh//VI"
TZID = str(LOCAL_TZ)  # Asia/Ho_Chi_Minh
# Vietnam has kept UTC+7 since 1975: one STANDARD block covers every briefing.
TZ_FIRST, TZ_LAST = date(2000, 1, 1), date(2100, 1, 1)
MEDIA_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "public, max-age=300"
FORMAT_VERSION = "2"  # part of every ETag: raise it when the output changes
# RFC 5545 §3.3.11: a TEXT value holds no control character but HTAB; a line break is written
# as the escape "\n", which only multi-line values (DESCRIPTION) need. The line separators of
# `str.splitlines` (CR, LF, VT, FF, FS, GS, RS, NEL, LS, PS) become a space or a line break;
# every other control character is dropped.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")

# Calendar texts, translated through the catalogs like every other text.
TEXT = {
    "calendar": N_("Press briefings - People's Committee of %(province)s province"),
    "kind": N_("%(kind)s - People's Committee of %(province)s province"),
    "postponed": N_("Postponed: %(reason)s"),
    "cancelled": N_("Cancelled: %(reason)s"),
    "chair": N_("Chair: %(chair)s"),
    "online": N_("Online: %(url)s"),
    "record": N_("Record: %(url)s"),
}


# --- Building (pure, no HTTP) ----------------------------------------------------------------


def build_calendar(
    briefings: Iterable[Briefing],
    *,
    kinds_by_id: Mapping[int, BriefingKind],
    base_url: str,
    locale: str,
    name: str,
) -> bytes:
    """The iCalendar document of these briefings, in `locale` ("vi" or "en").

    The output depends only on the arguments (DTSTAMP is the last change, not the time of the
    request), so the same data always gives the same bytes and a strong ETag is honest.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", TZID)
    cal.add("x-published-ttl", "PT1H")
    for briefing in sorted(briefings, key=lambda b: (b.starts_at, b.id or 0)):
        cal.add_component(
            _event(briefing, kinds_by_id.get(briefing.kind_id), base_url=base_url, locale=locale)
        )
    cal.add_missing_timezones(first_date=TZ_FIRST, last_date=TZ_LAST)
    if not cal.timezones:
        # An empty feed still names its zone, and RFC 5545 wants at least one component.
        cal.add_component(Timezone.from_tzid(TZID, first_date=TZ_FIRST, last_date=TZ_LAST))
    return cal.to_ical()


def _event(briefing: Briefing, kind: BriefingKind | None, *, base_url: str, locale: str) -> Event:
    event = Event()
    event.add("uid", briefing.uid)
    event.add("dtstamp", briefing.updated_at)
    event.add("created", briefing.created_at)
    event.add("last-modified", briefing.updated_at)
    event.add("sequence", briefing.sequence)
    event.add("dtstart", to_local(briefing.starts_at))
    event.add("dtend", to_local(briefing.ends_at))
    event.add("summary", one_line(briefing.title(locale)))
    if one_line(briefing.venue):
        event.add("location", one_line(briefing.venue))
    event.add("url", public_url(base_url, briefing))
    description = describe(briefing, locale)
    if description:
        event.add("description", multi_line(description))
    cancelled = briefing.status == BriefingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("class", "PUBLIC")
    if kind is not None:
        event.add("categories", [one_line(kind.name(locale))])
    return event


def one_line(text: str) -> str:
    """Text as one line: line breaks and runs of spaces become one space, controls go."""
    return " ".join(_CONTROLS.sub("", text or "").split())


def multi_line(text: str) -> str:
    """Text whose lines are kept (LF only); other controls go, tabs stay."""
    lines = _CONTROLS.sub("", text or "").splitlines()
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def public_url(base_url: str, briefing: Briefing) -> str:
    return f"{base_url.rstrip('/')}/briefings/{briefing.id}"


def describe(briefing: Briefing, locale: str) -> str:
    """What a journalist needs beside the title: why it moved or was cancelled, who chairs,
    the livestream, the notes and, once held, the record."""
    lines: list[str] = []
    if briefing.status_reason:
        # The reason is set only by postponing or cancelling (cancelling is final).
        key = "cancelled" if briefing.status == BriefingStatus.CANCELLED else "postponed"
        lines.append(gettext(locale, TEXT[key], reason=briefing.status_reason))
    if briefing.chair:
        lines.append(gettext(locale, TEXT["chair"], chair=briefing.chair))
    if briefing.online_url:
        lines.append(gettext(locale, TEXT["online"], url=briefing.online_url))
    if briefing.notes:
        lines.append(briefing.notes)
    if briefing.record_url:
        lines.append(gettext(locale, TEXT["record"], url=briefing.record_url))
    return "\n\n".join(lines)


def calendar_name(locale: str, province: str, kind: BriefingKind | None = None) -> str:
    if kind is None:
        return gettext(locale, TEXT["calendar"], province=province)
    return gettext(locale, TEXT["kind"], kind=kind.name(locale), province=province)


# --- Subscribing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    """The addresses that add one feed to a calendar app: a subscription, not a download."""

    feed: str  # https://host/calendar.ics: what every button below points at
    google: str
    outlook: str
    webcal: str  # Apple Calendar, Thunderbird and any app that registers webcal://


def subscription(base_url: str, path: str, name: str) -> Subscription:
    """The subscribe links of the feed at `path` (with its query, e.g. `?lang=en`) on the site's
    public address `base_url` (PUBLIC_BASE_URL, never the request's Host)."""
    feed = base_url.rstrip("/") + path
    webcal = urlunsplit(("webcal", *urlsplit(feed)[1:]))
    return Subscription(
        feed=feed,
        # Google adds a calendar "from URL" when given its webcal:// address as `cid`.
        google="https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        outlook="https://outlook.live.com/calendar/0/addfromweb?url="
        + quote(feed, safe="")
        + "&name="
        + quote(name, safe=""),
        webcal=webcal,
    )


def feed_path(path: str, locale: str, default_locale: str) -> str:
    """The feed's address in this language: `?lang=` only when it is not the default."""
    return path if locale == default_locale else f"{path}?lang={quote(locale, safe='')}"


def subscriptions(
    base_url: str,
    kinds: Iterable[BriefingKind],
    *,
    locale: str,
    default_locale: str,
    province: str,
) -> list[tuple[BriefingKind | None, Subscription]]:
    """The whole schedule's subscription (kind None), then each kind's, in `locale`."""

    def one(path: str, kind: BriefingKind | None) -> Subscription:
        name = calendar_name(locale, province, kind)
        return subscription(base_url, feed_path(path, locale, default_locale), name)

    return [(None, one("/calendar.ics", None))] + [
        (k, one(f"/calendar/{quote(k.code, safe='')}.ics", k)) for k in kinds
    ]


# --- Conditional GET ------------------------------------------------------------------------


def make_etag(*parts: Any) -> str:
    digest = hashlib.sha256(repr((FORMAT_VERSION, *parts)).encode("utf-8")).hexdigest()
    return f'"{digest[:40]}"'


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/ is ignored, `*` matches anything."""
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when sent; else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    since_header = request.headers.get("if-modified-since")
    if since_header and last_modified is not None:
        try:
            since = parsedate_to_datetime(since_header)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return last_modified.replace(microsecond=0) <= since
    return False


def kinds_key(kinds: Iterable[BriefingKind]) -> tuple[tuple[Any, ...], ...]:
    return tuple((k.id, k.code, k.name_vi, k.name_en) for k in kinds)
