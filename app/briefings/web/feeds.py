"""The calendar feeds' routes: `/calendar.ics`, `/calendar/{kind}.ics` and `/briefings/{id}.ics`
(see `app.briefings.feeds` for what they contain and how they answer conditional GETs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import Public
from app.briefings import service
from app.briefings.feeds import (
    CACHE_CONTROL,
    MEDIA_TYPE,
    build_calendar,
    calendar_name,
    kinds_key,
    make_etag,
    not_modified,
)
from app.briefings.models import BriefingKind
from app.db import SessionDep
from app.errors import NotFound

router = APIRouter(include_in_schema=False)


def feed_locale(request: Request, lang: str) -> str:
    settings = request.app.state.settings
    return lang if lang in settings.languages else settings.default_language


def _answer(
    request: Request,
    *,
    etag: str,
    last_modified: datetime | None,
    build: Callable[[], bytes],
    filename: str | None = None,
) -> Response:
    """304 to a client that has this version, else the calendar built by `build()`."""
    # The PUBLIC rule may have queued a CSRF cookie for an anonymous visitor; a calendar has no
    # forms, and a cookie on a publicly cacheable response could be handed to someone else.
    request.state.pending_cookies = []
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(UTC), usegmt=True)
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(content=build(), media_type=MEDIA_TYPE, headers=headers)


def _feed(
    request: Request, session: Session, *, kind: BriefingKind | None, locale: str
) -> Response:
    settings = request.app.state.settings
    base_url = settings.absolute_url()
    kind_id = kind.id if kind is not None else None
    all_kinds = service.kinds(session)
    name = calendar_name(locale, settings.province_name, kind)
    count, latest, sequences = service.feed_fingerprint(session, kind_id)
    etag = make_etag(
        "feed",
        kind.code if kind is not None else "*",
        locale,
        base_url,
        name,
        kinds_key(all_kinds),
        count,
        latest.isoformat() if latest else None,
        sequences,
    )

    def build() -> bytes:
        return build_calendar(
            service.public_feed(session, kind_id),
            kinds_by_id={k.id: k for k in all_kinds if k.id is not None},
            base_url=base_url,
            locale=locale,
            name=name,
        )

    return _answer(request, etag=etag, last_modified=latest, build=build)


@router.get("/calendar.ics")
def calendar_feed(
    request: Request, identity: Public, session: SessionDep, lang: str = ""
) -> Response:
    """Every announced briefing, to subscribe to."""
    return _feed(request, session, kind=None, locale=feed_locale(request, lang))


@router.get("/calendar/{kind_code}.ics")
def kind_feed(
    request: Request, identity: Public, session: SessionDep, kind_code: str, lang: str = ""
) -> Response:
    """The announced briefings of one kind, to subscribe to."""
    kind = service.kind_by_code(session, kind_code)
    if kind is None:
        raise NotFound()
    return _feed(request, session, kind=kind, locale=feed_locale(request, lang))


# `:int` so that only /briefings/<digits>.ics comes here; /briefings/12 is the public page.
@router.get("/briefings/{briefing_id:int}.ics")
def briefing_ics(
    request: Request, identity: Public, session: SessionDep, briefing_id: int, lang: str = ""
) -> Response:
    """One announced briefing as a file to import (404 until it is announced)."""
    briefing = service.get_public(session, briefing_id)
    kind = service.find_kind(session, briefing.kind_id)
    locale = feed_locale(request, lang)
    base_url = request.app.state.settings.absolute_url()
    name = briefing.title(locale)
    etag = make_etag(
        "briefing",
        briefing.id,
        locale,
        base_url,
        kinds_key([kind] if kind else []),
        briefing.sequence,
        briefing.updated_at.isoformat(),
    )

    def build() -> bytes:
        return build_calendar(
            [briefing],
            kinds_by_id={kind.id: kind} if kind is not None and kind.id is not None else {},
            base_url=base_url,
            locale=locale,
            name=name,
        )

    return _answer(
        request,
        etag=etag,
        last_modified=briefing.updated_at,
        build=build,
        filename=f"hop-bao-{briefing.id}.ics",
    )
