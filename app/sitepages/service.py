"""The rules of the site's own pages: which pages there are, what a reader of each language
is shown, and the administrator's changes (validated, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from app.audit.service import Actor, record
from app.errors import NotFound, ValidationFailed
from app.forms import check_text
from app.i18n import N_, Msg
from app.sitepages.models import SitePage
from app.timeutil import utcnow
from app.uow import use_case

DATA = Path(__file__).parent / "data"
SOURCE_LANGUAGE = "vi"
# slug -> the label of the link in the footer and the admin's list
PAGES = {
    "accessibility": N_("Accessibility statement"),
    "privacy": N_("Privacy notice"),
}
TITLE_MAX = 200
BODY_MAX = 50_000


@dataclass(frozen=True)
class PageView:
    slug: str
    language: str  # of the text shown
    title: str
    body: str
    updated_at: datetime | None  # None: the text shipped with Press Desk, never edited
    source_only: bool = False  # the reader asked for another language, this is the Vietnamese


def _check_slug(slug: str) -> None:
    if slug not in PAGES:
        raise NotFound()


def _shipped(slug: str, language: str) -> tuple[str, str] | None:
    """The default text: a Markdown file whose first line is `# Title`."""
    path = DATA / f"{slug}.{language}.md"
    if not path.is_file():
        return None
    first, _, rest = path.read_text(encoding="utf-8").partition("\n")
    return first.removeprefix("# ").strip(), rest.strip()


def _find(session: Session, slug: str, language: str) -> PageView | None:
    row = session.exec(
        select(SitePage).where(SitePage.slug == slug, SitePage.language == language)
    ).first()
    if row is not None:
        return PageView(slug, language, row.title, row.body, row.updated_at)
    shipped = _shipped(slug, language)
    if shipped is not None:
        return PageView(slug, language, shipped[0], shipped[1], None)
    return None


def page_for(session: Session, slug: str, locale: str, languages: tuple[str, ...]) -> PageView:
    """The page in the reader's language, else in Vietnamese, saying so."""
    _check_slug(slug)
    if locale in languages:
        found = _find(session, slug, locale)
        if found is not None:
            return found
    found = _find(session, slug, SOURCE_LANGUAGE)
    if found is None:
        raise NotFound()
    return PageView(**{**found.__dict__, "source_only": locale != SOURCE_LANGUAGE})


def page_in(session: Session, slug: str, language: str, languages: tuple[str, ...]) -> PageView:
    """The page's text in exactly this language, for editing (empty when there is none yet)."""
    _check_slug(slug)
    if language not in languages:
        raise NotFound()
    return _find(session, slug, language) or PageView(slug, language, "", "", None)


@use_case
def save(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    language: str,
    title: str,
    body: str,
    languages: tuple[str, ...],
) -> SitePage:
    _check_slug(slug)
    if language not in languages:
        raise NotFound()
    errors: dict[str, Msg] = {}
    title = check_text(
        title, "title", TITLE_MAX, errors, Msg(N_("Enter the page's title.")), line=True
    )
    body = check_text(body, "body", BODY_MAX, errors, Msg(N_("Enter the page's text.")))
    if errors:
        raise ValidationFailed(errors)
    row = session.exec(
        select(SitePage).where(SitePage.slug == slug, SitePage.language == language)
    ).first()
    if row is None:
        row = SitePage(slug=slug, language=language, title=title, body=body)
    row.title, row.body = title, body
    row.updated_at, row.updated_by = utcnow(), actor.user_id
    session.add(row)
    record(session, actor, "site_page.edited", row, f"{slug} ({language}): {title}")
    return row
