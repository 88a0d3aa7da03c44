"""`cell_labels`: every data cell of a rendered table labelled with its column header, so that a
phone can show the table as labelled blocks (`td::before { content: attr(data-label) }`).

Used as `{% filter cell_labels %}<table>…</table>{% endfilter %}`. Each `<td>` and
`<th scope="row">` of the body and foot gets `data-label="<its column's header text>"`, found
through `colspan`/`rowspan`. A cell that spans several columns (a total, "nothing yet"), a column
whose header is empty and a cell that already has a `data-label` are left alone.

Why a filter over the rendered HTML rather than labels written in each template: the label is
the header the table really shows, so the two cannot drift apart, and a new table needs one line.
Why a small tokenizer of its own (tags, comments and text, by one regular expression) rather than
lxml or the standard library's HTMLParser: the labels are inserted into the rendered text at the
tags' offsets and nothing else is rewritten, and a list page of 200 rows is read in a few
milliseconds (HTMLParser took tens). Re-serialising a tree through
lxml's HTML parser changes markup it does not know (the case of SVG attributes such as `viewBox`
in the monitoring digest's chart column, empty and boolean attributes, whitespace).
"""

from __future__ import annotations

import re
from html import escape, unescape

from markupsafe import Markup
from markupsafe import escape as escape_html

# A tag (its name and its attributes, quoted values may hold ">") or a comment; the rest is text.
_TOKEN = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_ATTR = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_WATCHED = frozenset(("table", "thead", "tbody", "tfoot", "tr", "td", "th"))


def cell_labels(html: str) -> Markup:
    """The tables in `html` with a `data-label` on each data cell (see the module's doc)."""
    # The body of a `{% filter %}` block is already escaped Markup; a plain string is escaped.
    text = str(escape_html(html))
    if "<table" not in text:  # most Markdown bodies
        return Markup(text)  # noqa: S704 - escaped just above
    scanner = _Scanner()
    scanner.scan(text)
    # One pass: the text up to each insertion point, then the label.
    parts: list[str] = []
    done = 0
    for offset, label in scanner.found:
        parts += [text[done:offset], f' data-label="{escape(label, quote=True)}"']
        done = offset
    parts.append(text[done:])
    return Markup("".join(parts))  # noqa: S704 - escaped above; the labels are escaped as inserted


class _Table:
    """What the scanner knows of one table while reading it."""

    def __init__(self) -> None:
        self.section = ""  # thead, tbody, tfoot ("" before any: rows straight in <table>)
        self.headers: list[str] = []  # the column headers: the last row of <thead>
        self.row: list[tuple[int, str]] = []  # (column, text) of the header row being read
        self.column = 0  # the next free column of the current row
        self.carried: dict[int, int] = {}  # column -> rows still covered by a rowspan above
        self.cell: tuple[int, list[str]] | None = None  # a header cell being read


class _Scanner:
    """Reads the tags of the text in order (a small tokenizer: only the table tags matter, and
    the text of header cells); `found` lists (offset, label) in the order of the text."""

    def __init__(self) -> None:
        self.tables: list[_Table] = []
        self.found: list[tuple[int, str]] = []

    def scan(self, text: str) -> None:
        at = 0
        for match in _TOKEN.finditer(text):
            if self.tables and self.tables[-1].cell is not None and match.start() > at:
                self.tables[-1].cell[1].append(text[at : match.start()])
            at = match.end()
            name = (match.group(2) or "").lower()
            if name not in _WATCHED:
                continue
            if match.group(1):
                self.handle_endtag(name)
            else:
                self.handle_starttag(name, match)

    def handle_starttag(self, tag: str, match: re.Match[str]) -> None:
        if tag == "table":
            self.tables.append(_Table())
            return
        if not self.tables:
            return
        table = self.tables[-1]
        if tag in ("thead", "tbody", "tfoot"):
            table.section = tag
        elif tag == "tr":
            self._new_row(table)
        else:
            self._cell(table, tag, match)

    def handle_endtag(self, tag: str) -> None:
        if not self.tables:
            return
        table = self.tables[-1]
        if tag == "table":
            self.tables.pop()
        elif tag in ("thead", "tbody", "tfoot"):
            table.section = ""
        elif tag in ("th", "td") and table.cell is not None:
            column, parts = table.cell
            table.row.append((column, " ".join(unescape("".join(parts)).split())))
            table.cell = None
        elif tag == "tr" and table.row:  # a row of column headers
            table.headers = _header_list(table.row)
            table.row = []

    def _new_row(self, table: _Table) -> None:
        if table.row:  # the previous header row had no </tr>
            table.headers = _header_list(table.row)
        table.row = []
        table.column = 0
        table.carried = {c: n - 1 for c, n in table.carried.items() if n > 1}

    def _cell(self, table: _Table, tag: str, match: re.Match[str]) -> None:
        attrs = {
            name.lower(): unescape(value[1:-1] if value[:1] in ("'", '"') else value)
            if value
            else None
            for name, value in _ATTR.findall(match.group(3))
        }
        while table.column in table.carried:
            table.column += 1
        column = table.column
        span = _number(attrs.get("colspan"))
        rows = _number(attrs.get("rowspan"))
        table.column += span
        if rows > 1:
            for c in range(column, column + span):
                table.carried[c] = rows
        if table.section == "thead" or (tag == "th" and attrs.get("scope") == "col"):
            table.cell = (column, [])
            return
        if tag == "th" and attrs.get("scope") != "row":
            return
        if span > 1 or "data-label" in attrs or column >= len(table.headers):
            return
        label = table.headers[column]
        if label:
            # After the template's own attributes: `<td class="num" data-label="…">`.
            tag_text = match.group(0)
            body = tag_text[:-2] if tag_text.endswith("/>") else tag_text[:-1]
            self.found.append((match.start() + len(body.rstrip()), label))


def _header_list(row: list[tuple[int, str]]) -> list[str]:
    width = max(column for column, _ in row) + 1
    headers = [""] * width
    for column, text in row:
        headers[column] = text
    return headers


def _number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
