"""Embargoed previews: the office shares a scheduled statement with verified journalists before
its time (`/office/statements/<id>/preview`, registered before the office's steps, whose
`/{id}/{action}` would take it) and ends it; a journalist of the audience reads it at
`/preview/statements/<id>` and downloads its PDF, marked "embargoed until" with their name.

Who may see a preview is the service's decision: anyone else gets 404 (as for a statement that
does not exist). These pages are never in the public page cache (`/preview/` is not a cached
prefix and nothing here calls `cache.serve`), and every answer says `private, no-store` and
`noindex`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.access import JournalistOnly, OfficeOnly, SignedIn
from app.db import SessionDep
from app.errors import Conflict, Forbidden, ValidationFailed
from app.flash import flash
from app.forms import parse_ids
from app.i18n import Msg
from app.pdf import write_pdf
from app.statements.models import KIND_LABELS
from app.statements.service import preview
from app.statements.web.freshness import caught_up
from app.statements.web.office import failure
from app.templating import redirect, render

router = APIRouter(include_in_schema=False)

PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}


# --- The office ----------------------------------------------------------------------------------


@router.post("/office/statements/{statement_id:int}/preview")
async def share(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> Response:
    """Share the scheduled statement under embargo (all verified journalists or chosen press
    agencies), or change who it is shared with."""
    posted = await request.form()
    audience = str(posted.get("audience", ""))
    agencies = parse_ids([str(v) for v in posted.getlist("agencies")])
    form = {"audience": audience, "agencies": agencies}
    try:
        shared = preview.share(
            session,
            actor=identity.actor,
            statement_id=statement_id,
            audience_kind=audience,
            agencies=agencies,
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return failure(request, session, identity, statement_id, exc, "preview", form)
    readers = len(preview.audience(session, shared))
    flash(
        request,
        Msg(
            "Shared under embargo with %(count)s verified journalists: they see it at its own address only.",
            {"count": readers},
        ),
    )
    return redirect(request, f"/office/statements/{statement_id}#preview")


@router.post("/office/statements/{statement_id:int}/preview/end")
def end(request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep) -> Response:
    """End the preview: its address is a 404 again for everyone."""
    try:
        preview.end(session, actor=identity.actor, statement_id=statement_id)
    except Conflict as exc:
        return failure(request, session, identity, statement_id, exc, "preview")
    flash(request, Msg("The preview has ended: journalists no longer see the statement."))
    return redirect(request, f"/office/statements/{statement_id}#preview")


# --- The journalist ------------------------------------------------------------------------------


@router.get("/preview/statements")
def my_previews(request: Request, identity: JournalistOnly, session: SessionDep) -> Response:
    """The statements shared with this journalist under embargo, the soonest public first."""
    ctx = {"rows": preview.mine(session, identity.actor), "kind_labels": KIND_LABELS}
    return render(request, "statements/preview_list.html", ctx, headers=PRIVATE)


def _context(page: preview.PreviewPage) -> dict[str, object]:
    return {"pv": page, "st": page.statement, "ed": page.edition, "kind_labels": KIND_LABELS}


@router.get("/preview/statements/{statement_id:int}.pdf", dependencies=[Depends(caught_up)])
def preview_pdf(
    request: Request, statement_id: int, identity: SignedIn, session: SessionDep
) -> Response:
    """The preview as a PDF, "embargoed until" and the journalist's name on every page."""
    page = preview.open_preview(
        session, actor=identity.actor, statement_id=statement_id, what="pdf"
    )
    if page is None:
        return redirect(request, f"/statements/{statement_id}.pdf")
    html = render(request, "statements/preview_pdf.html", _context(page))
    headers = PRIVATE | {
        "Content-Disposition": f'attachment; filename="embargo-{statement_id}.pdf"'
    }
    return Response(
        write_pdf(bytes(html.body).decode()), media_type="application/pdf", headers=headers
    )


@router.get("/preview/statements/{statement_id:int}", dependencies=[Depends(caught_up)])
def preview_page(
    request: Request, statement_id: int, identity: SignedIn, session: SessionDep
) -> Response:
    """The preview's page; once the embargo has ended, the public page."""
    page = preview.open_preview(session, actor=identity.actor, statement_id=statement_id)
    if page is None:
        return redirect(request, f"/statements/{statement_id}")
    return render(request, "statements/preview_detail.html", _context(page), headers=PRIVATE)
