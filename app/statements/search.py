"""Folding for search: "da nang" finds "Đà Nẵng" on SQLite and PostgreSQL alike.

The folding is done here, in Python, for the stored `search_text` and for the query, because the
databases' own accent stripping differs (SQLite's remove_diacritics and PostgreSQL's unaccent do
not fold đ/Đ the same way). đ/Đ become d first (they are letters, not a d with a mark), then the
marks are stripped (NFD) and the case folded.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY = 200  # characters of a query that are looked at
MAX_TERMS = 12


def fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, in order (punctuation dropped)."""
    return _WORD.findall(fold(text))


def document(*parts: str) -> str:
    """The stored search text of several fields: folded words separated by single spaces."""
    return " ".join(w for part in parts for w in words(part))


def terms(query: str) -> list[str]:
    """The words a query looks for: folded, without duplicates, at most MAX_TERMS of them.
    A query of only punctuation has none (and finds nothing, without an error)."""
    seen: list[str] = []
    for w in words(query[:MAX_QUERY]):
        if w not in seen:
            seen.append(w)
    return seen[:MAX_TERMS]
