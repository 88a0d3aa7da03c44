"""The briefing pack for the office: the print-friendly page, the PDF and the ZIP of the files
(what they hold is gathered and built in `app.content.pack`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from app.access import OfficeOnly
from app.content import pack
from app.db import SessionDep
from app.pdf import write_pdf
from app.storage import download_headers
from app.templating import base_context, render, request_locale

router = APIRouter(include_in_schema=False)


@router.get("/office/briefings/{briefing_id:int}/pack")
def pack_page(
    request: Request, identity: OfficeOnly, session: SessionDep, briefing_id: int
) -> Response:
    return render(request, pack.TEMPLATE, pack.pack_data(session, briefing_id))


@router.get("/office/briefings/{briefing_id:int}/pack.pdf")
async def pack_pdf(
    request: Request, identity: OfficeOnly, session: SessionDep, briefing_id: int
) -> Response:
    data = await run_in_threadpool(pack.pack_data, session, briefing_id)
    context = {**base_context(request), **data}
    html = pack.pack_html(request.app.state.templates, context)
    pdf = await run_in_threadpool(write_pdf, html)
    return Response(
        pdf,
        media_type="application/pdf",
        headers=download_headers(f"{pack.file_stem(briefing_id)}.pdf"),
    )


def _stream(fp: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := fp.read(pack.CHUNK):
            yield chunk
    finally:
        fp.close()


@router.get("/office/briefings/{briefing_id:int}/pack.zip")
async def pack_zip(
    request: Request, identity: OfficeOnly, session: SessionDep, briefing_id: int
) -> Response:
    data = await run_in_threadpool(pack.pack_data, session, briefing_id)
    spool = await run_in_threadpool(
        pack.build_zip, data["submissions"], request.app.state.store, request_locale(request)
    )
    size = spool.tell()
    spool.seek(0)
    headers = download_headers(f"{pack.file_stem(briefing_id)}.zip") | {"Content-Length": str(size)}
    return StreamingResponse(
        _stream(spool),
        media_type="application/zip",
        headers=headers,
        background=BackgroundTask(spool.close),
    )
