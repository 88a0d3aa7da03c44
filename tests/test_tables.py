"""`cell_labels` (app/tables.py): each data cell is named after its column's header, nothing else
of the table changes."""

from __future__ import annotations

import re

from markupsafe import Markup

from app.config import Settings
from app.tables import cell_labels
from app.templating import create_env

TABLE = """<table class="table"><caption>Figures &amp; more</caption>
<thead><tr><th scope="col">Organisation</th><th scope="col">A &amp; "B"</th>
<th scope="col"><span class="visually-hidden">Actions</span></th><th scope="col"></th></tr></thead>
<tbody>
<tr><th scope="row">Sở Y tế</th><td rowspan="2">2</td><td><svg viewBox="0 0 4 4"></svg></td><td>x</td></tr>
<tr><td>Sở Xây dựng</td><td>3</td><td>y</td></tr>
<tr><td colspan="4">Nothing else</td></tr>
</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td data-label="Own">5</td><td>z</td></tr></tfoot>
</table>"""


def labels(html: str) -> list[str | None]:
    cells = re.findall(r"<t[dh]\b([^>]*)>", html)
    return [m.group(1) if (m := re.search(r'data-label="([^"]*)"', c)) else None for c in cells]


def test_each_data_cell_is_labelled_with_its_column_header() -> None:
    out = cell_labels(Markup(TABLE))  # noqa: S704 - a constant
    assert labels(out)[4:] == [
        "Organisation",  # a row header
        "A &amp; &quot;B&quot;",  # escaped in the attribute
        "Actions",  # a header hidden from sight still names its column
        None,  # an empty header: no label
        "Organisation",
        "Actions",  # after the cell that spans two rows
        None,
        None,  # a cell across every column speaks for itself
        None,  # a total across two columns
        "Own",  # a label the template wrote is kept
        None,
    ]
    assert labels(out)[:4] == [None] * 4  # the headers themselves


def test_nothing_but_the_labels_changes() -> None:
    out = cell_labels(Markup(TABLE))  # noqa: S704 - a constant

    def unlabelled(html: str) -> str:
        return re.sub(r' data-label="[^"]*"', "", html)

    assert unlabelled(str(out)) == unlabelled(TABLE)
    assert '<svg viewBox="0 0 4 4">' in out  # an HTML parser's round trip would lower-case it


def test_a_plain_string_is_escaped_not_trusted() -> None:
    out = cell_labels("<script>alert(1)</script>")
    assert str(out) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_table_written_in_markdown_is_labelled_on_the_page(settings: Settings) -> None:
    markdown = create_env(settings).filters["markdown"]
    html = str(markdown("| Xã | Số hộ |\n|---|---:|\n| Vân Đồn | 12 |\n\nKhông có gì khác."))
    assert '<td data-label="Xã">Vân Đồn</td>' in html
    assert '<td data-label="Số hộ">12</td>' in html
    assert "data-label" not in str(markdown("Một đoạn văn, không có bảng."))
