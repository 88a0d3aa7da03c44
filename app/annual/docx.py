"""The report as a Word document in the Appendix's layout (what the office signs and stamps).

Written with python-docx: the heading table (agency and number on the left, the national motto,
place and date on the right), the title, I. the figures in the form's words, II. the office's
text, then "Nơi nhận" and the signature block. Times New Roman 13 pt, A4, the margins of
Decree 30/2020 on administrative documents. Always in Vietnamese: it is the official document.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell

from app.annual.figures import Figure
from app.annual.service import Heading
from app.law.rulesets import RuleSet

FONT = "Times New Roman"


def _line(
    cell: _Cell | None,
    doc: DocxDocument,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: int = 13,
    center: bool = True,
) -> None:
    paragraph = cell.add_paragraph() if cell is not None else doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT


def _date_line(heading: Heading) -> str:
    place = heading.place or "…"
    if heading.report_date is None:
        return f"{place}, ngày … tháng … năm …"
    d = heading.report_date
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def write_docx(year: int, ruleset: RuleSet, heading: Heading, figures: list[Figure]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)

    top = doc.add_table(rows=1, cols=2)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = top.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    left.paragraphs[0].text = ""
    for line in (heading.agency or "TÊN CƠ QUAN HÀNH CHÍNH").splitlines():
        _line(left, doc, line, bold=True, size=12)
    _line(left, doc, f"Số: {heading.number or '…/BC-…'}", size=13)
    right.paragraphs[0].text = ""
    _line(right, doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _line(right, doc, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True)
    _line(right, doc, _date_line(heading), italic=True)

    doc.add_paragraph()
    _line(None, doc, "BÁO CÁO", bold=True, size=14)
    _line(
        None, doc, f"Về công tác phát ngôn và cung cấp thông tin cho báo chí năm {year}", bold=True
    )
    doc.add_paragraph()

    _line(None, doc, "I. Về số liệu", bold=True, center=False)
    for figure in figures:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Cm(1)
        words = paragraph.add_run(f"{figure.spec.number}. {figure.spec.wording_vi}: ")
        words.font.name = FONT
        value = paragraph.add_run(figure.value)
        value.bold = True
        value.font.name = FONT

    _line(
        None, doc, "II. Khó khăn, vướng mắc và đề xuất, kiến nghị (nếu có)", bold=True, center=False
    )
    for text in (heading.difficulties or "").splitlines() or [""]:
        paragraph = doc.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Cm(1)

    doc.add_paragraph()
    bottom = doc.add_table(rows=1, cols=2)
    recipients, signature = bottom.rows[0].cells
    recipients.paragraphs[0].text = ""
    _line(recipients, doc, "Nơi nhận:", bold=True, italic=True, size=12, center=False)
    _line(recipients, doc, f"- {ruleset.report.recipient('vi')};", size=11, center=False)
    _line(recipients, doc, "- Lưu: VT.", size=11, center=False)
    signature.paragraphs[0].text = ""
    for line in (heading.signer_title or "CHỨC VỤ CỦA NGƯỜI KÝ").splitlines():
        _line(signature, doc, line.upper(), bold=True)
    _line(signature, doc, "(Ký tên, đóng dấu)", italic=True)
    for _ in range(3):
        _line(signature, doc, "")
    _line(signature, doc, heading.signer_name or "Họ và tên", bold=True)

    out = BytesIO()
    doc.save(out)
    return out.getvalue()
