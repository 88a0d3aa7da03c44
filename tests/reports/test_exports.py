"""The yearly report's files: XLSX, CSV and PDF made from the same tables (no database)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from jinja2 import Environment
from pypdf import PdfReader

from app.reports.exports import (
    format_cell,
    neutralise,
    numeric_columns,
    pdf_html,
    sheet_names,
    to_csv,
    to_pdf,
    to_xlsx,
)
from app.reports.tables import Cell, Table
from app.templating import create_env
from tests.conftest import make_settings
from tests.support import tagged_pdf

HYPERLINK = '=HYPERLINK("http://x","y")'
BELL = "Chuông\x07 reo"  # a control character openpyxl would refuse
REPORT_TITLE = "Báo cáo công tác phát ngôn và cung cấp thông tin cho báo chí"
SUBTITLE = "Tỉnh Quảng Ninh"
PERIOD = "01/01/2026 – 31/12/2026"
GENERATED = "05/01/2027 08:30"


def report() -> list[Table]:
    return [
        Table(
            key="headline",
            title="Tổng quan",
            columns=["Chỉ tiêu", "Số lượng"],
            rows=[["Họp báo đã tổ chức", 12], ["Thông cáo đã phát hành", 48]],
        ),
        Table(
            key="questions_by_org",
            title="Câu hỏi theo cơ quan",
            columns=["Cơ quan", "Câu hỏi", "Đúng hạn", "Trung vị (giờ)"],
            rows=[
                ["Sở Y tế", 7, 6, 12.5],
                ["Ban Quản lý vịnh Hạ Long", 3, 3, None],
                ["Chưa giao", 0, 0, 1234.0],
            ],
        ),
        Table(
            key="hostile",
            title="Tiêu đề câu hỏi",
            columns=["Tiêu đề", "Ghi chú"],
            rows=[
                [HYPERLINK, "+1"],
                ["-2", "@SUM(A1)"],
                ["\tx", BELL],
                ["#N/A", -5],
            ],
        ),
    ]


# --- neutralise and format_cell ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        (HYPERLINK, "'" + HYPERLINK),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Chuông\x07 reo", "Chuông reo"),
        ("a\x00b\x1fc\x7fd", "abcd"),
        ("\x07=1+1", "'=1+1"),  # the control character does not hide the formula
        ("Sở Y tế", "Sở Y tế"),
        ("a-b = c", "a-b = c"),
        ("dòng 1\ndòng 2\tcột", "dòng 1\ndòng 2\tcột"),
        ("'=already", "'=already"),
        ("", ""),
    ],
)
def test_neutralise_strings(value: str, expected: str) -> None:
    assert neutralise(value) == expected


@pytest.mark.parametrize("value", [-5, 0, 7, -1.5, 12.5, None])
def test_neutralise_leaves_numbers_and_none(value: Cell) -> None:
    out = neutralise(value)
    assert out == value
    assert type(out) is type(value)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (12.5, "vi", "12,5"),
        (12.5, "en", "12.5"),
        (12.46, "vi", "12,5"),
        (7.0, "vi", "7,0"),
        (-0.25, "en", "-0.2"),
        (1234.0, "vi", "1234,0"),
        (42, "vi", "42"),
        (None, "vi", "—"),
        (None, "en", "—"),
        ("Sở Y tế", "vi", "Sở Y tế"),
        ("Chuông\x07 reo", "vi", "Chuông reo"),
        ("=1+1", "vi", "=1+1"),  # not a spreadsheet: shown as written
    ],
)
def test_format_cell(value: Cell, locale: str, expected: str) -> None:
    assert format_cell(value, locale) == expected


def test_numeric_columns() -> None:
    table = Table(
        "t",
        "t",
        ["Tên", "Số", "Trống", "Trộn", "Thiếu"],
        [["a", 1, None, 1, 2], ["b", 2.5, None, "x"]],
    )
    assert numeric_columns(table) == [False, True, False, False, True]


# --- XLSX ------------------------------------------------------------------------------------------


def load(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_one_sheet_per_table_with_headers_and_values() -> None:
    tables = report()
    wb = load(to_xlsx(tables, title=REPORT_TITLE, subtitle=SUBTITLE))

    assert wb.sheetnames == ["Tổng quan", "Câu hỏi theo cơ quan", "Tiêu đề câu hỏi"]
    assert wb.properties.title == REPORT_TITLE
    assert wb.properties.subject == SUBTITLE
    for table, ws in zip(tables, wb.worksheets, strict=True):
        header = [c.value for c in ws[1]]
        assert header == table.columns
        assert all(c.font.bold for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.max_row == len(table.rows) + 1

    orgs = wb["Câu hỏi theo cơ quan"]
    assert [[c.value for c in row] for row in orgs.iter_rows(min_row=2)] == [
        ["Sở Y tế", 7, 6, 12.5],
        ["Ban Quản lý vịnh Hạ Long", 3, 3, None],
        ["Chưa giao", 0, 0, 1234.0],
    ]
    seven, median = orgs["B2"], orgs["D2"]
    assert type(seven.value) is int and seven.data_type == "n"  # Excel can sum it
    assert isinstance(median.value, float) and median.data_type == "n"
    assert median.number_format == "0.0"
    assert orgs["D3"].value is None


def test_xlsx_hostile_text_stays_text() -> None:
    ws = load(to_xlsx(report(), title=REPORT_TITLE))["Tiêu đề câu hỏi"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert values == [
        ["'" + HYPERLINK, "'+1"],
        ["'-2", "'@SUM(A1)"],
        ["'\tx", "Chuông reo"],
        ["#N/A", -5],
    ]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate  # not a formula, not an error
    assert ws["B5"].data_type == "n"  # a negative number stays a number


def test_xlsx_column_widths_follow_content_and_are_capped() -> None:
    long_text = "Nội dung rất dài " * 20
    table = Table("t", "Độ rộng", ["A", "Tên cơ quan"], [[long_text, "Ban Quản lý vịnh Hạ Long"]])
    ws = load(to_xlsx([table], title="x"))["Độ rộng"]
    assert ws.column_dimensions["A"].width == 60
    assert len("Ban Quản lý vịnh Hạ Long") < ws.column_dimensions["B"].width < 60


def test_xlsx_sheet_names_cleaned_cut_and_unique() -> None:
    long = "Câu hỏi theo cơ quan chủ trì trả lời trong năm"  # 46 characters
    tables = [
        Table("a", "Tổng quan", ["x"], [[1]]),
        Table("b", "Tổng quan", ["x"], [[2]]),
        Table("c", "TỔNG QUAN", ["x"], [[3]]),  # Excel compares names without case
        Table("d", long, ["x"], [[4]]),
        Table("e", long, ["x"], [[5]]),
        Table("f", "Đúng hạn / quá hạn: [tỉ lệ]*?\\", ["x"], [[6]]),
        Table("compliance", "/:*?", ["x"], [[7]]),  # nothing left: the key
        Table("h", "'Trích dẫn'", ["x"], [[8]]),
        Table("i", "History", ["x"], [[9]]),  # reserved by Excel
    ]
    wb = load(to_xlsx(tables, title="x"))
    names = wb.sheetnames
    assert names == [
        "Tổng quan",
        "Tổng quan (2)",
        "TỔNG QUAN (3)",
        long[:31],
        long[:27].rstrip() + " (2)",
        "Đúng hạn quá hạn tỉ lệ",  # spaces collapsed
        "compliance",
        "Trích dẫn",
        "History (2)",
    ]
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert [ws["A2"].value for ws in wb.worksheets] == list(range(1, 10))  # same order


def test_sheet_names_never_exceed_31_characters_with_many_duplicates() -> None:
    names = sheet_names(["x" * 40] * 12)
    assert len(set(names)) == 12
    assert all(len(n) <= 31 for n in names)
    assert names[11] == "x" * 26 + " (12)"


def test_xlsx_without_tables_is_still_a_workbook() -> None:
    assert load(to_xlsx([], title="x")).sheetnames == ["Sheet"]


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_tables_one_after_another() -> None:
    data = to_csv(report())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert not text.startswith("\ufeff")  # one BOM, not two
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [
        ["Tổng quan"],
        ["Chỉ tiêu", "Số lượng"],
        ["Họp báo đã tổ chức", "12"],
        ["Thông cáo đã phát hành", "48"],
        [],
        ["Câu hỏi theo cơ quan"],
        ["Cơ quan", "Câu hỏi", "Đúng hạn", "Trung vị (giờ)"],
        ["Sở Y tế", "7", "6", "12.5"],
        ["Ban Quản lý vịnh Hạ Long", "3", "3", ""],
        ["Chưa giao", "0", "0", "1234.0"],
        [],
        ["Tiêu đề câu hỏi"],
        ["Tiêu đề", "Ghi chú"],
        ["'" + HYPERLINK, "'+1"],
        ["'-2", "'@SUM(A1)"],
        ["'\tx", "Chuông reo"],
        ["#N/A", "-5"],
    ]


def test_csv_neutralises_titles_and_headers_and_keeps_line_breaks() -> None:
    table = Table(
        "t", "=cmd|' /C calc'!A0", ["-x", "Ghi chú"], [["Dòng 1\nDòng 2, có dấu phẩy", None]]
    )
    rows = list(csv.reader(io.StringIO(to_csv([table]).decode("utf-8-sig"), newline="")))
    assert rows == [
        ["'=cmd|' /C calc'!A0"],
        ["'-x", "Ghi chú"],
        ["Dòng 1\nDòng 2, có dấu phẩy", ""],
    ]


# --- PDF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Environment:
    tmp: Path = tmp_path_factory.mktemp("reports-env")
    return create_env(make_settings("sqlite://", tmp))


def context(tables: list[Table], locale: str = "vi") -> dict[str, Any]:
    return {
        "tables": tables,
        "title": REPORT_TITLE,
        "subtitle": SUBTITLE,
        "period_label": PERIOD,
        "generated_at": GENERATED,
        "locale": locale,
    }


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text)


def test_pdf_holds_every_table(env: Environment) -> None:
    tables = report()
    html = pdf_html(env, context(tables))
    pdf = to_pdf(html)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    flat = re.sub(r"\s+", " ", text)
    for expected in (REPORT_TITLE, SUBTITLE, PERIOD, GENERATED):
        assert expected in flat
    for table in tables:
        assert table.title in text
        for column in table.columns:
            assert column in flat
    for name in ("Sở Y tế", "Ban Quản lý vịnh Hạ Long", "Họp báo đã tổ chức", "Chuông reo"):
        assert name in flat
    assert "Sở Y tế 7 6 12,5" in flat  # the row in order, the decimal with a comma
    assert "Ban Quản lý vịnh Hạ Long 3 3 —" in flat  # None is a dash
    assert "1234,0" in flat
    assert "12.5" not in flat
    assert HYPERLINK in flat  # on paper a formula is harmless: shown as written


def test_pdf_html_is_escaped_and_aligned(env: Environment) -> None:
    table = Table(
        "t",
        "<i>Tiêu đề</i>",
        ["<b>Cột</b>", "Số"],
        [["<script>alert(1)</script>", 3], ["Ngắn"]],
    )
    html = pdf_html(env, context([table], locale="en"))
    assert "<script>" not in html and "<i>Tiêu" not in html and "<b>Cột" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;Tiêu đề&lt;/i&gt;" in html
    assert '<th scope="col" class="num">Số</th>' in html
    assert '<td class="num">3</td>' in html
    assert '<td class="num none">—</td>' in html  # a short row is filled up
    assert "tr { break-inside: avoid; }" in html
    assert '<html lang="en">' in html


def test_pdf_in_english_uses_a_decimal_point(env: Environment) -> None:
    tables = report()[1:2]
    flat = re.sub(r"\s+", " ", pdf_text(to_pdf(pdf_html(env, context(tables, locale="en")))))
    assert "Sở Y tế 7 6 12.5" in flat
    assert "12,5" not in flat
    assert "Period" in flat and "Generated at" in flat


def test_pdf_empty_table_says_so(env: Environment) -> None:
    html = pdf_html(env, context([Table("empty", "Không có gì", ["Cột A"], [])], locale="en"))
    assert "No data for this period." in html
    assert "Cột A" not in html  # no header without rows


def test_pdf_numbers_its_pages(env: Environment) -> None:
    rows: list[list[Cell]] = [[f"Cơ quan số {i}", i, i / 2] for i in range(1, 121)]
    tables = [Table("long", "Danh sách dài", ["Cơ quan", "Số", "Giờ"], rows)]
    reader = tagged_pdf(to_pdf(pdf_html(env, context(tables))), "vi")
    pages = len(reader.pages)
    assert pages > 1
    last = unicodedata.normalize("NFC", reader.pages[-1].extract_text())
    assert f"{pages} / {pages}" in last
    assert REPORT_TITLE in re.sub(r"\s+", " ", last)  # the footer's title
    second = unicodedata.normalize("NFC", reader.pages[1].extract_text())
    assert "Cơ quan Số Giờ" in second  # the header row repeats on every page
    everything = "\n".join(page.extract_text() for page in reader.pages)
    assert "Cơ quan số 120 120 60,0" in unicodedata.normalize("NFC", everything)
