"""The briefing pack: one document for the spokesperson with the cover, the agenda and every
piece of accepted content (talking points, key figures, anticipated questions, files), as a
print-friendly page, as a PDF (WeasyPrint) and as a ZIP of the attached files.

This module gathers what the pack holds and builds the PDF's HTML and the ZIP; the routes are in
`app/content/web/pack.py`."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from jinja2 import Environment
from jinja2_fragments import render_block
from markupsafe import Markup
from sqlmodel import Session

from app.briefings import service as briefings
from app.briefings.models import AgendaItem, Briefing, BriefingKind
from app.content import agenda as agenda_service
from app.content import service
from app.content.models import Attachment, Submission
from app.i18n import Msg, human_size
from app.markdown import render_markdown
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.storage import Store, clean_filename
from app.timeutil import to_local

TEMPLATE = "content/pack.html"
PDF_TEMPLATE = "content/pack_pdf.html"
MISSING_NOTE = "THIEU-TEP.txt"
CHUNK = 1024 * 1024
SPOOL_MAX = 16 * 1024 * 1024  # a ZIP up to this size stays in memory, a larger one on disk


# --- What the pack holds ---------------------------------------------------------------------


@dataclass
class PackEntry:
    """One organisation's accepted content, numbered in the order of the pack."""

    number: int
    submission: Submission
    organisation: OrgView
    talking_points: Markup
    attachments: list[Attachment] = field(default_factory=list)
    agenda_item: AgendaItem | None = None

    @property
    def organisation_name(self) -> str:
        return self.organisation.name_vi

    @property
    def qa(self) -> list[dict[str, str]]:
        return [
            {"question": str(p.get("question", "")), "answer": str(p.get("answer", ""))}
            for p in self.submission.qa or []
            if isinstance(p, dict) and (p.get("question") or p.get("answer"))
        ]

    @property
    def files(self) -> list[PackFile]:
        return [PackFile(self, a) for a in self.attachments]

    @property
    def folder(self) -> str:
        """The entry's folder in the ZIP: `01-SOTTTT`."""
        code = unicodedata.normalize("NFKD", self.organisation.code.replace("đ", "d"))
        label = re.sub(r"[^0-9A-Za-z_-]+", "-", code.replace("Đ", "D")).strip("-")[:32]
        return f"{self.number:02d}-{label or self.organisation.id}"


@dataclass
class PackFile:
    """An attachment with the entry it belongs to, for the list of files."""

    entry: PackEntry
    attachment: Attachment

    @property
    def size_label(self) -> str:
        return human_size(self.attachment.size)


def _organisations(session: Session, ids: set[int]) -> dict[int, OrgView]:
    """The organisations by id with today's name: two queries for all, one lookup for a body
    that the list leaves out (not yet in force)."""
    if not ids:
        return {}
    found = {o.id: o for o in orgs.list_organisations(session, include_retired=True) if o.id in ids}
    for missing in ids - found.keys():
        found[missing] = orgs.get(session, missing)
    return found


def pack_data(session: Session, briefing_id: int) -> dict[str, Any]:
    """Everything the pack shows, in a fixed number of queries: the briefing and its kind, the
    agenda in order with its total, and the accepted content (agenda order first, then the other
    accepted content in the order it was sent) with organisations and current attachments."""
    briefing: Briefing = briefings.get(session, briefing_id)
    kind: BriefingKind = briefings.get_kind(session, briefing.kind_id)
    items = agenda_service.items(session, briefing_id)
    call = service.call_for_briefing(session, briefing_id)
    subs = service.accepted(session, call)

    by_id = {s.id: s for s in subs}
    item_of: dict[int, AgendaItem] = {}
    ordered: list[Submission] = []
    for item in items:
        sub = by_id.get(item.submission_id) if item.submission_id is not None else None
        if sub is not None and sub.id not in item_of:
            item_of[sub.id or 0] = item
            ordered.append(sub)
    ordered += [s for s in subs if s.id not in item_of]

    names = _organisations(session, {s.organisation_id for s in ordered})
    files = service.attachments(session, [s.id or 0 for s in ordered])
    entries = [
        PackEntry(
            number=n,
            submission=s,
            organisation=names[s.organisation_id],
            talking_points=render_markdown(s.talking_points),
            attachments=files.get(s.id or 0, []),
            agenda_item=item_of.get(s.id or 0),
        )
        for n, s in enumerate(ordered, start=1)
    ]
    return {
        "briefing": briefing,
        "kind": kind,
        "venue": briefing.venue,
        "chair": briefing.chair,
        "starts_at": briefing.starts_at,
        "ends_at": briefing.ends_at,
        "agenda": items,
        "total_minutes": agenda_service.total_minutes(items),
        "entry_of_item": {e.agenda_item.id: e for e in entries if e.agenda_item is not None},
        "call": call,
        "submissions": entries,
        "files": [f for e in entries for f in e.files],
    }


def file_stem(briefing_id: int) -> str:
    return f"tai-lieu-hop-bao-{briefing_id}"


# --- The PDF -----------------------------------------------------------------------------------


def pack_html(env: Environment, context: dict[str, Any]) -> str:
    """The standalone document WeasyPrint turns into the PDF: the pack block of the page inside
    a print layout, without the site's header, menu or footer."""
    body = Markup(render_block(env, TEMPLATE, "pack", context))  # noqa: S704 - autoescaped
    return env.get_template(PDF_TEMPLATE).render({**context, "body": body})


# --- The ZIP -----------------------------------------------------------------------------------


def _unique(name: str, taken: set[str]) -> str:
    """`x.pdf`, then `x (2).pdf`, `x (3).pdf`… (compared without case, as Windows does)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = name, "", ""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"
    taken.add(candidate.casefold())
    return candidate


def zip_members(entries: list[PackEntry]) -> list[tuple[str, PackEntry, Attachment]]:
    """The ZIP's member names, one per attachment: `<NN>-<code>/<clean file name>`."""
    taken: set[str] = set()
    out = []
    for e in entries:
        for att in e.attachments:
            name = _unique(clean_filename(att.filename), taken)
            member = f"{e.folder}/{name}"
            parts = member.split("/")
            assert len(parts) == 2 and all(p and p not in (".", "..") for p in parts), member
            out.append((member, e, att))
    return out


def _open_stored(store: Store, att: Attachment) -> IO[bytes] | None:
    try:
        return store.open(att.stored_name)
    except (ValueError, OSError):  # missing (FileNotFoundError) or unreadable
        return None


def build_zip(entries: list[PackEntry], store: Store, locale: str) -> SpooledTemporaryFile[bytes]:
    """All attachments of the pack in one ZIP; a file missing from the store is left out and
    named in THIEU-TEP.txt instead of failing the download."""
    spool: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115 - closed after streaming
    missing: list[str] = []
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member, entry, att in zip_members(entries):
                source = _open_stored(store, att)
                if source is None:
                    missing.append(f"{member} ({entry.organisation_name})")
                    continue
                info = zipfile.ZipInfo(member, date_time=to_local(att.uploaded_at).timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with source, archive.open(info, "w") as target:
                    while chunk := source.read(CHUNK):
                        target.write(chunk)
            if missing:
                head = Msg(
                    "These files could not be found in the file store and are not in this ZIP file:"
                ).render(locale)
                note = "\r\n".join([head, "", *(f"- {m}" for m in missing), ""])
                archive.writestr(MISSING_NOTE, note.encode("utf-8-sig"))
    except BaseException:
        spool.close()
        raise
    return spool
