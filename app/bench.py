"""For `make bench` only (settings.bench_routes): the floor the public pages are measured
against — a route of this same app that answers a page's bytes from memory.

The bench runner saves each page's bytes as `<cache_dir>/bench/<name>` (and its content type as
`<name>.type`); the first GET loads them into memory, and every GET after answers them from there.
Never registered unless BENCH_ROUTES is true.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import Public
from app.errors import NotFound

router = APIRouter()
_PAGES: dict[str, tuple[bytes, str]] = {}


@router.get("/_bench/floor/{name}")
def floor(name: str, request: Request, identity: Public) -> Response:
    page = _PAGES.get(name)
    if page is None:
        if not re.fullmatch(r"[a-z0-9_-]{1,40}", name):
            raise NotFound()
        folder = request.app.state.settings.cache_dir / "bench"
        try:
            body = (folder / name).read_bytes()
            media_type = (folder / f"{name}.type").read_text().strip()
        except OSError as exc:
            raise NotFound() from exc
        page = _PAGES[name] = (body, media_type)
    return Response(content=page[0], media_type=page[1])
