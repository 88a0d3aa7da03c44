"""The request for correction of a false-information matter (Decree 244/2026 Art. 7(6)), drafted
from the matter: a statement of the kind "request to publish a reply or correction", with the
press agency, the article and the grounds filled in, linked to the matter when saved."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.incidents import queries
from app.incidents.service import PRESS_KINDS
from app.law.rulesets import load
from app.orgs import service as orgs
from app.statements.models import StatementKind
from app.timeutil import format_date


def _inline(citation: str) -> str:
    """A citation inside a sentence: "Khoản 6 Điều 7 …" becomes "khoản 6 Điều 7 …"."""
    return citation[:1].lower() + citation[1:]


def draft(session: Session, matter_id: int) -> dict[str, Any]:
    """The statement form's fields for the matter's correction request (Vietnamese: the
    statement's language); {} when the matter is not about false information in the press."""
    matter = queries.get(session, matter_id)
    if matter.kind not in PRESS_KINDS:
        return {}
    ruleset = next((r for r in load() if r.code == matter.ruleset), None)
    cited = ruleset.sudden_kinds.get(matter.kind) if ruleset else None
    agency = orgs.get(session, matter.agency_id).name("vi") if matter.agency_id else ""
    published = format_date(matter.article_published_on) if matter.article_published_on else ""
    facts = f"Ngày {published}, " if published else ""
    body = (
        f"{facts}{agency} đăng bài “{matter.article_title}”"
        + (f" ({matter.article_url})" if matter.article_url else "")
        + " có thông tin không đúng sự thật.\n\n"
        + (f"Thông tin chính xác: {matter.summary}\n\n" if matter.summary else "")
        + (f"Căn cứ {_inline(cited.citation('vi'))}, " if cited else "")
        + f"đề nghị {agency or 'cơ quan báo chí'} đăng, phát phản hồi và cải chính thông tin "
        "theo quy định."
    )
    return {
        "kind": StatementKind.CORRECTION_REQUEST.value,
        "target_agency_id": matter.agency_id or "",
        "article_title": matter.article_title,
        "article_url": matter.article_url,
        "title": f"Đề nghị cải chính thông tin: {matter.article_title}"[:300],
        "summary": "",
        "body": body,
        "matter": matter_id,
    }
