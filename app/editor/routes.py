"""POST /editor/markdown: the HTML an author pastes into an editor textarea, as Markdown.

The office and departments only (those who write statements, content and answers). It changes
nothing stored, so it writes no audit row; the access rule still checks CSRF, as on every POST.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.access import StaffOnly
from app.editor import paste

router = APIRouter(include_in_schema=False)


@router.post("/editor/markdown")
async def paste_to_markdown(request: Request, identity: StaffOnly) -> JSONResponse:
    """The request's body is the pasted HTML (`text/html`); the answer `{"markdown": …}`."""
    html = paste.decode(await request.body())
    markdown = await run_in_threadpool(paste.html_to_markdown, html)  # parsing takes a while
    return JSONResponse({"markdown": markdown}, headers={"Cache-Control": "no-store"})
