"""What the live briefing's screens share: their addresses (and the QR code of one), cheap
polling (a version in the polled element, 204 when nothing changed, ETag and 304) and the names
shown with questions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import segno
from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlmodel import Session, col, select

from app.access import Identity
from app.accounts.models import User
from app.errors import NotFound
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.templating import is_fragment_request, request_locale


def office_url(briefing_id: int) -> str:
    return f"/office/briefings/{briefing_id}/live"


def journalist_url(briefing_id: int) -> str:
    return f"/briefings/{briefing_id}/live"


def qr_svg(address: str) -> Markup:
    """A QR code of `address` as inline SVG (dark on white, its quiet zone included), made on
    the server; CSS gives it its size. Error correction M: still read from a dim projector."""
    code = segno.make(address, error="m", micro=False)
    # Only path data and the constants below: the address itself is not written into the SVG.
    return Markup(  # noqa: S704
        code.svg_inline(
            scale=1,
            border=4,
            dark="#000",
            light="#fff",
            omitsize=True,
            svgclass="display-qr-code",
            lineclass=None,
        )
    )


def short_address(address: str) -> str:
    """The address as people type it: without `https://`."""
    return address.split("://", 1)[-1]


# --- Cheap polling ----------------------------------------------------------------------------------


def digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def etag(request: Request, identity: Identity, version: str) -> str:
    """The fragment's entity tag: its version, in this language, for this session's forms."""
    return f'W/"{digest(version, request_locale(request), identity.csrf_token)}"'


def matches(request: Request, etag: str) -> bool:
    sent = request.headers.get("if-none-match")
    if not sent:
        return False
    tags = {t.strip().removeprefix("W/") for t in sent.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def unchanged(
    request: Request, identity: Identity, etag: str, version: str, shown: str
) -> Response | None:
    """A polled fragment that has not changed: 304 to a conditional request, 204 (no swap)
    when the poll already shows this version. None when the fragment must be rendered."""
    if not is_fragment_request(request):
        return None
    headers = {
        "ETag": etag,
        "Vary": "HX-Request, Cookie",
        "Cache-Control": "no-store" if identity.user else "no-cache",
    }
    if matches(request, etag):
        return Response(status_code=304, headers=headers)
    if shown and shown == version:
        return Response(status_code=204, headers=headers)
    return None


def fragment_headers(request: Request, etag: str) -> dict[str, str]:
    return {"ETag": etag} if is_fragment_request(request) else {}


# --- Names shown with questions ---------------------------------------------------------------------


def users(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u for u in rows if u.id is not None}


def org_names(session: Session, ids: Iterable[int | None]) -> dict[int, OrgView]:
    names: dict[int, OrgView] = {}
    for org_id in {i for i in ids if i is not None}:
        try:
            names[org_id] = orgs.get(session, org_id)
        except NotFound:
            continue
    return names
