"""Watch lists, pure: a rule is three lists of phrases (every one of `all_of`, at least one of
`any_of` when it has any, none of `none_of`), matched on text folded like the newsroom search, so
"ha long" matches "Hạ Long" and "HẠ LONG". A phrase matches whole words in order: "long" does not
match "Longchamp"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.statements.search import words

MAX_PHRASES = 50
MAX_PHRASE = 200


def phrases(text: str) -> tuple[tuple[str, ...], ...]:
    """One phrase per line (or separated by commas), each as its folded words; empty dropped."""
    found = []
    for line in text.replace(",", "\n").splitlines():
        ws = tuple(words(line[:MAX_PHRASE]))
        if ws and ws not in found:
            found.append(ws)
    return tuple(found[:MAX_PHRASES])


@dataclass(frozen=True)
class Rule:
    id: int
    all_of: tuple[tuple[str, ...], ...]
    any_of: tuple[tuple[str, ...], ...] = ()
    none_of: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def parse(cls, rule_id: int, all_of: str, any_of: str = "", none_of: str = "") -> Rule:
        return cls(rule_id, phrases(all_of), phrases(any_of), phrases(none_of))

    @property
    def empty(self) -> bool:
        return not self.all_of and not self.any_of


class Text:
    """A text's folded words, searched for phrases (built once per item, used by every rule)."""

    def __init__(self, *parts: str) -> None:
        self.words = [w for part in parts for w in words(part)]
        self._padded = " " + " ".join(self.words) + " "

    def has(self, phrase: tuple[str, ...]) -> bool:
        return f" {' '.join(phrase)} " in self._padded


def matches(rule: Rule, text: Text) -> bool:
    if rule.empty:
        return False
    if not all(text.has(p) for p in rule.all_of):
        return False
    if rule.any_of and not any(text.has(p) for p in rule.any_of):
        return False
    return not any(text.has(p) for p in rule.none_of)


def matching(rules: Iterable[Rule], text: Text) -> list[int]:
    """The ids of the rules the text matches."""
    return [r.id for r in rules if matches(r, text)]
