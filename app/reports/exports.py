"""The yearly report as files: XLSX (openpyxl), CSV (UTF-8 with a BOM, for Excel) and PDF
(WeasyPrint). All three take the same `list[Table]` the page shows.

A text cell that a spreadsheet would run as a formula is written with a leading apostrophe
(`neutralise`, after the OWASP guidance on CSV injection): report cells hold names and titles
typed by users, and "=HYPERLINK(…)" in a question's title must stay text in Excel.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from jinja2 import Environment
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as OpenpyxlCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.pdf import write_pdf
from app.reports.tables import Cell, Table

PDF_TEMPLATE = "reports/report_pdf.html"

# First characters that make a spreadsheet read a text cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters that XML (and so openpyxl) refuses, and DEL; tab, newline and carriage
# return are kept.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

SHEET_NAME_MAX = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
RESERVED_SHEET_NAMES = frozenset({"history"})  # Excel keeps "History" for itself
MIN_WIDTH = 8
MAX_WIDTH = 60
EMPTY_CELL = "—"  # how the PDF shows a missing value


# --- Cells -------------------------------------------------------------------------------------


def neutralise(value: Cell) -> Cell:
    """A text cell made safe for a spreadsheet: control characters removed, and an apostrophe
    in front of text that would otherwise start a formula. Numbers and None are unchanged."""
    if not isinstance(value, str):
        return value
    text = CONTROL.sub("", value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def format_cell(value: Cell, locale: str) -> str:
    """A cell as the PDF shows it: "—" for nothing, a decimal number with one decimal and the
    reader's decimal separator (12,5 in Vietnamese, 12.5 in English), text without control
    characters, other values as they are."""
    if value is None:
        return EMPTY_CELL
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if locale == "vi" else text
    if isinstance(value, str):
        return CONTROL.sub("", value)  # a control character would print as a missing glyph
    return str(value)


def _is_number(value: Cell) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def numeric_columns(table: Table) -> list[bool]:
    """Per column, whether it holds numbers (at least one, and no text): right-aligned on the PDF."""
    out = []
    for i in range(len(table.columns)):
        values = [row[i] for row in table.rows if i < len(row) and row[i] is not None]
        out.append(bool(values) and all(_is_number(v) for v in values))
    return out


# --- XLSX --------------------------------------------------------------------------------------


def sheet_names(titles: list[str], fallbacks: list[str] | None = None) -> list[str]:
    """Excel sheet names for the titles, in order: the characters Excel refuses removed, at most
    31 characters, unique without regard to case ("Title", "Title (2)", …). An empty title takes
    its fallback (the table's key), then "Sheet"."""
    taken: set[str] = set(RESERVED_SHEET_NAMES)
    names: list[str] = []
    for i, title in enumerate(titles):
        fallback = (fallbacks[i] if fallbacks and i < len(fallbacks) else "") or "Sheet"
        base = _clean_sheet_name(title) or _clean_sheet_name(fallback) or "Sheet"
        name, n = base[:SHEET_NAME_MAX].rstrip(), 1
        while not name or name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _clean_sheet_name(title: str) -> str:
    text = SHEET_NAME_FORBIDDEN.sub("", CONTROL.sub("", title))
    text = " ".join(text.split())  # no tabs or line breaks in a tab's name
    return text.strip("'").strip()  # Excel refuses a name that starts or ends with "'"


def _width(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.1f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(tables: list[Table], *, title: str, subtitle: str = "") -> bytes:
    """One worksheet per table, in order: the header row in bold and frozen, then the rows.
    Numbers stay numbers (decimals shown with one decimal), text is neutralised, None is an
    empty cell."""
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    wb.properties.title = CONTROL.sub("", title)
    wb.properties.subject = CONTROL.sub("", subtitle) or None
    wb.properties.creator = "Press Desk"
    bold = Font(bold=True)
    names = sheet_names([t.title for t in tables], [t.key for t in tables])
    for table, name in zip(tables, names, strict=True):
        ws = wb.create_sheet(name)
        widths: dict[int, int] = {}
        for c, header in enumerate(table.columns, start=1):
            cell = _put(ws, 1, c, header)
            cell.font = bold
            widths[c] = _width(header)
        for r, row in enumerate(table.rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = _put(ws, r, c, value)
                if isinstance(value, float):
                    cell.number_format = "0.0"
                widths[c] = max(widths.get(c, 0), _width(value))
        for c, width in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
        ws.freeze_panes = "A2"
    if not tables:  # a workbook needs a sheet
        wb.create_sheet("Sheet")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _put(ws: Worksheet, row: int, column: int, value: Cell) -> OpenpyxlCell:
    """Write one cell: a number as a number, None as an empty cell, anything else as text, never
    as a formula nor as an error value ("#N/A" typed by a user stays text)."""
    if value is None or _is_number(value):
        return ws.cell(row=row, column=column, value=value)
    text = neutralise(str(value))
    cell = ws.cell(row=row, column=column, value=text)
    cell.data_type = "s"
    return cell


# --- CSV ---------------------------------------------------------------------------------------


def to_csv(tables: list[Table]) -> bytes:
    """The tables one after another, each as its title, the header row and the rows, with an
    empty row between two tables. UTF-8 with a BOM and CRLF line ends, so Excel opens the
    Vietnamese text correctly."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([_csv_value(table.title)])
        writer.writerow([_csv_value(h) for h in table.columns])
        writer.writerows([_csv_value(v) for v in row] for row in table.rows)
    return buf.getvalue().encode("utf-8-sig")


def _csv_value(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if _is_number(value):
        return value
    text = neutralise(str(value))
    assert isinstance(text, str)
    return text


# --- PDF ---------------------------------------------------------------------------------------


def pdf_html(env: Environment, context: dict[str, Any]) -> str:
    """The standalone document WeasyPrint turns into the PDF. The context holds `tables`,
    `title`, `subtitle`, `period_label`, `generated_at` and `locale`; this adds `fmt`, the cell
    formatter for that locale, and `numeric_columns` (per column of a table, whether it is
    right-aligned)."""
    locale = str(context.get("locale") or "vi")
    fmt: Callable[[Cell], str] = partial(format_cell, locale=locale)
    return env.get_template(PDF_TEMPLATE).render(
        {**context, "locale": locale, "fmt": fmt, "numeric_columns": numeric_columns}
    )


def to_pdf(html: str) -> bytes:
    """The PDF of `pdf_html`'s document, rendered without any external resource."""
    return write_pdf(html)
