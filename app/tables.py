"""`cell_labels`: every data cell of a rendered table labelled with its column header, so that a
phone can show the table as labelled blocks (`td::before { content: attr(data-label) }`).

Used as `{% filter cell_labels %}<table>…</table>{% endfilter %}`. Each `<td>` and
`<th scope="row">` of the body and foot gets `data-label="<its column's header text>"`, found
through `colspan`/`rowspan`. A cell that spans several columns (a total, "nothing yet"), a column
whose header is empty and a cell that already has a `data-label` are left alone.

Why a filter over the rendered HTML rather than labels written in each template: the label is
the header the table really shows, so the two cannot drift apart, and a new table needs one line.
Why the standard library's tokenizer rather than lxml: the labels are inserted into the
rendered text at the tags' offsets and nothing else is rewritten. Re-serialising a tree through
lxml's HTML parser changes markup it does not know (the case of SVG attributes such as `viewBox`
in the monitoring digest's chart column, empty and boolean attributes, whitespace).
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from itertools import accumulate

from markupsafe import Markup
from markupsafe import escape as escape_html


def cell_labels(html: str) -> Markup:
    """The tables in `html` with a `data-label` on each data cell (see the module's doc)."""
    # The body of a `{% filter %}` block is already escaped Markup; a plain string is escaped.
    text = str(escape_html(html))
    if "<table" not in text:  # most Markdown bodies
        return Markup(text)  # noqa: S704 - escaped just above
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    # HTMLParser counts lines by "\n" only (not by every separator `splitlines` knows).
    starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))]
    inserts = sorted(
        ((starts[line - 1] + col + length, label) for (line, col), length, label in scanner.found),
        reverse=True,
    )
    for offset, label in inserts:
        text = f'{text[:offset]} data-label="{escape(label, quote=True)}"{text[offset:]}'
    return Markup(text)  # noqa: S704 - escaped above; the labels are escaped as inserted


class _Table:
    """What the scanner knows of one table while reading it."""

    def __init__(self) -> None:
        self.section = ""  # thead, tbody, tfoot ("" before any: rows straight in <table>)
        self.headers: list[str] = []  # the column headers: the last row of <thead>
        self.row: list[tuple[int, str]] = []  # (column, text) of the header row being read
        self.column = 0  # the next free column of the current row
        self.carried: dict[int, int] = {}  # column -> rows still covered by a rowspan above
        self.cell: tuple[int, list[str]] | None = None  # a header cell being read


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        # ((line, col) of the tag, length of the tag before its ">", label)
        self.found: list[tuple[tuple[int, int], int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
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
        elif tag in ("td", "th"):
            self._cell(table, tag, dict(attrs))

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
            table.row.append((column, " ".join("".join(parts).split())))
            table.cell = None
        elif tag == "tr" and table.row:  # a row of column headers
            table.headers = _header_list(table.row)
            table.row = []

    def handle_data(self, data: str) -> None:
        if self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell[1].append(data)

    def _new_row(self, table: _Table) -> None:
        if table.row:  # the previous header row had no </tr>
            table.headers = _header_list(table.row)
        table.row = []
        table.column = 0
        table.carried = {c: n - 1 for c, n in table.carried.items() if n > 1}

    def _cell(self, table: _Table, tag: str, attrs: dict[str, str | None]) -> None:
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
        tag_text = self.get_starttag_text() or ""
        if label and tag_text.endswith(">"):
            # After the template's own attributes: `<td class="num" data-label="…">`.
            body = tag_text[:-2] if tag_text.endswith("/>") else tag_text[:-1]
            self.found.append((self.getpos(), len(body.rstrip()), label))


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
