"""Translations from the Babel catalogs in app/translations (vi is the default).

Message ids are English; the Vietnamese catalog translates them. Catalogs are read
from the .po files at start-up (compiled in memory), so there is no build step and
no compiled file to go stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

CATALOG_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def N_(text: str) -> str:
    """Mark a string for extraction; it is translated later, where the locale is known."""
    return text


@dataclass(frozen=True)
class Msg:
    """A message id and its parameters, translated when shown (flash, form errors)."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, locale: str) -> str:
        return gettext(locale, self.text, **self.params)


@lru_cache(maxsize=8)
def translations(locale: str) -> NullTranslations:
    po = CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def gettext(locale: str, text: str, **params: Any) -> str:
    out = translations(locale).gettext(text)
    return out % params if params else out


def ngettext(locale: str, singular: str, plural: str, n: int, **params: Any) -> str:
    out = translations(locale).ngettext(singular, plural, n)
    return out % {"num": n, **params}


def pick_locale(cookie_value: str | None, supported: tuple[str, ...], default: str) -> str:
    return cookie_value if cookie_value in supported else default


def human_size(n: int) -> str:
    """A byte count as people read it: 25 MB, 1.5 MB, 300 KB."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            value = n / size
            return (
                f"{value:.0f} {unit}"
                if value >= 10 or value == int(value)
                else f"{value:.1f} {unit}"
            )
    return f"{n} B"
