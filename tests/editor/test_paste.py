"""Pasted HTML to Markdown: Word's markup goes, the author's structure stays, nothing that runs
survives, and the result renders through the app's Markdown renderer like any text."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import lxml.html
import pytest

from app.editor.paste import MAX_HTML_BYTES, decode, html_to_markdown, safe_href
from app.errors import PayloadTooLarge
from app.markdown import render_markdown

WORD = (Path(__file__).parent / "word_paste.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def word() -> str:
    return html_to_markdown(WORD)


def _lines(markdown: str) -> list[str]:
    return markdown.splitlines()


def test_word_title_and_headings_become_atx_headings(word: str) -> None:
    lines = _lines(word)
    assert lines[0] == "# Thông cáo báo chí về tình hình mưa lũ tại Quảng Ninh"
    assert "## Các biện pháp đã triển khai" in lines
    assert "## Các bước tiếp theo" in lines


def test_bold_italic_and_wrapped_lines_are_kept_as_one_paragraph(word: str) -> None:
    paragraph = next(line for line in _lines(word) if line.startswith("Ủy ban nhân dân tỉnh"))
    assert paragraph == (
        "Ủy ban nhân dân tỉnh thông tin: từ ngày 07/9, **toàn bộ 54 xã, phường, đặc khu** đã "
        "triển khai phương án *“bốn tại chỗ”*; trường học tại Vân Đồn, Cô Tô cho học sinh nghỉ học."
    )


def test_word_list_paragraphs_become_markdown_lists_without_their_bullet_glyphs(word: str) -> None:
    assert (
        "- Sơ tán 1.250 hộ dân khỏi vùng nguy hiểm\n"
        "- Cấm tàu thuyền ra khơi từ 12 giờ ngày 06/9\n"
        "- Huy động lực lượng Biên phòng hỗ trợ người dân"
    ) in word
    assert (
        "1. Rà soát thiệt hại về nhà ở và hạ tầng\n2. Báo cáo Thường trực Tỉnh ủy trước ngày 10/9"
    ) in word
    assert "·" not in word and "1.1." not in word


def test_real_ul_from_word_is_a_bulleted_list(word: str) -> None:
    assert "- Bộ Chỉ huy Bộ đội Biên phòng tỉnh\n- Sở Nông nghiệp và Môi trường" in word


def test_word_table_becomes_a_pipe_table_with_its_first_row_as_heading(word: str) -> None:
    table = [line for line in _lines(word) if line.startswith("|")]
    assert table == [
        "| **Địa phương** | **Nhà bị tốc mái** |",
        "| --- | --- |",
        "| Đặc khu Cô Tô | 124 |",
        "| Phường Hạ Long | 37 |",
    ]


def test_link_is_kept(word: str) -> None:
    assert "[Cổng thông tin điện tử tỉnh](https://www.quangninh.gov.vn/thong-tin-mua-lu)" in word


def test_word_junk_is_gone(word: str) -> None:
    for junk in (
        "mso-", "MsoNormal", "MsoTableGrid", "o:p", "supportLists", "endif", "StartFragment",
        "Style Definitions", "font-family", "@list", "<", ">", "&nbsp;", "\xa0", "WordDocument",
        "alert", "không bao giờ chạy", "Times New Roman",
    ):  # fmt: skip
        assert junk not in word, junk
    assert "\n\n\n" not in word
    assert not re.search(r"[ \t]$", word, flags=re.M)


def test_vietnamese_diacritics_are_kept_and_composed() -> None:
    # A web page may send decomposed letters (e + combining marks); the text comes out composed.
    composed = "Ủy ban nhân dân tỉnh Quảng Ninh, đặc khu Cô Tô"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert html_to_markdown(f"<p>{decomposed}</p>") == composed
    for word_ in ("Đặc khu Cô Tô", "Thường trực Tỉnh ủy", "phường", "hỗ trợ"):
        assert word_ in html_to_markdown(WORD)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Trước<script>alert('x')</script> sau</p>",
        "<style>p { color: red }</style><p>Trước sau</p>",
        "<p>Trước <img src=x onerror=\"alert('x')\"> sau</p>",
        "<p onclick=\"alert('x')\">Trước sau</p>",
        '<p>Trước <iframe src="https://evil.example"></iframe>sau</p>',
        "<p>Trước <svg><script>alert('x')</script></svg>sau</p>",
        "<!--[if gte mso 9]><script>alert('x')</script><![endif]--><p>Trước sau</p>",
        "<p>Trước <noscript><script>alert('x')</script></noscript>sau</p>",
    ],
)
def test_script_and_style_never_pass(html: str) -> None:
    markdown = html_to_markdown(html)
    assert markdown == "Trước sau"
    rendered = str(render_markdown(markdown))
    assert "script" not in rendered and "alert" not in rendered and "style" not in rendered


def test_dangerous_and_local_links_lose_their_address_but_keep_their_text() -> None:
    markdown = html_to_markdown(
        '<p><a href="javascript:alert(1)">Bấm</a> <a href="#_Toc123">Mục lục</a> '
        '<a href="file:///C:/Users/cb/a.docx">Tệp</a> <a href="data:text/html,x">Dữ liệu</a></p>'
    )
    assert markdown == "Bấm Mục lục Tệp Dữ liệu"


def test_link_address_and_text_cannot_break_out_of_the_link() -> None:
    markdown = html_to_markdown('<a href="https://x.vn/a b(c)">Điều [1]</a>')
    assert markdown == r"[Điều \[1\]](https://x.vn/a%20b%28c%29)"
    html = str(render_markdown(markdown))
    assert 'href="https://x.vn/a%20b%28c%29"' in html and "Điều [1]" in html


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://quangninh.gov.vn/a?b=1&c=2#d", "https://quangninh.gov.vn/a?b=1&c=2#d"),
        ("mailto:bbt@quangninh.gov.vn", "mailto:bbt@quangninh.gov.vn"),
        (" JavaScript:alert(1)", None),
        ("vbscript:x", None),
        ("/relative/page", None),
        ("http://[::1", None),
    ],
)
def test_safe_href(href: str, kept: str | None) -> None:
    assert safe_href(href) == kept


def test_a_pipe_in_a_cell_does_not_split_the_cell() -> None:
    markdown = html_to_markdown(
        "<table><tr><td>A|B</td><td>C</td></tr><tr><td>1</td><td>2</td></tr></table>"
    )
    assert markdown.splitlines()[0] == r"| A\|B | C |"
    root = lxml.html.fromstring(str(render_markdown(markdown)))
    assert [th.text_content() for th in root.cssselect("th")] == ["A|B", "C"]


def test_converted_word_renders_through_the_app_markdown() -> None:
    root = lxml.html.fromstring(f"<div>{render_markdown(html_to_markdown(WORD))}</div>")
    assert root.cssselect("h1")[0].text_content().startswith("Thông cáo báo chí")
    assert [h.text_content() for h in root.cssselect("h2")] == [
        "Các biện pháp đã triển khai",
        "Các bước tiếp theo",
    ]
    assert root.cssselect("strong")[0].text_content() == "toàn bộ 54 xã, phường, đặc khu"
    assert root.cssselect("em")[0].text_content() == "“bốn tại chỗ”"
    assert len(root.cssselect("ul > li")) == 5
    assert len(root.cssselect("ol > li")) == 2
    assert [td.text_content() for td in root.cssselect("table tbody td")] == [
        "Đặc khu Cô Tô", "124", "Phường Hạ Long", "37",
    ]  # fmt: skip
    assert [th.text_content() for th in root.cssselect("table thead th")] == [
        "Địa phương",
        "Nhà bị tốc mái",
    ]
    (link,) = root.cssselect("a")
    assert link.get("href") == "https://www.quangninh.gov.vn/thong-tin-mua-lu"


def test_nested_word_lists_and_numbered_headings() -> None:
    def item(level: int, marker: str, text: str, tag: str = "p") -> str:
        return (
            f"<{tag} class=MsoListParagraph style='mso-list:l0 level{level} lfo1'>"
            f"<![if !supportLists]><span style='mso-list:Ignore'>{marker}"
            f"<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;</span></span>"
            f"<![endif]>{text}</{tag}>"
        )

    html = (
        item(1, "I.", "TÌNH HÌNH", tag="h1")
        + item(1, "1.", "Kinh tế")
        + item(2, "o", "Công nghiệp")
        + item(2, "o", "Du lịch")
        + item(1, "2.", "Xã hội")
        + "<p class=MsoNormal>Kết luận</p>"
        + item(1, "3.", "Tiếp theo")
    )
    assert html_to_markdown(html) == (
        "# I. TÌNH HÌNH\n\n"
        "1. Kinh tế\n   - Công nghiệp\n   - Du lịch\n2. Xã hội\n\n"
        "Kết luận\n\n"
        "3. Tiếp theo"
    )


def test_google_docs_wrapper_is_not_bold_and_styled_spans_are() -> None:
    html = (
        '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1">'
        '<p dir="ltr"><span style="font-weight:400">Thường, </span>'
        '<span style="font-weight:700">đậm</span> và '
        '<span style="font-style:italic">nghiêng</span></p></b>'
    )
    assert html_to_markdown(html) == "Thường, **đậm** và *nghiêng*"


def test_invisible_and_control_characters_are_dropped() -> None:
    assert html_to_markdown("<p>Hạ\u200b Long\u00ad\ufeff\u202e \x01Cô Tô</p>") == "Hạ Long Cô Tô"


def test_empty_and_junk_only_pastes_give_nothing() -> None:
    assert html_to_markdown("") == ""
    assert (
        html_to_markdown("<html><head><style>p{}</style></head><body><!--x--></body></html>") == ""
    )
    assert html_to_markdown("<p class=MsoNormal><o:p>&nbsp;</o:p></p>") == ""


def test_body_over_the_limit_is_refused() -> None:
    assert decode("<p>Đà Nẵng</p>".encode()) == "<p>Đà Nẵng</p>"
    assert decode(b"<p>\xff</p>") == "<p>\ufffd</p>"
    decode(b"x" * MAX_HTML_BYTES)
    with pytest.raises(PayloadTooLarge):
        decode(b"x" * (MAX_HTML_BYTES + 1))


@pytest.mark.parametrize("html", ["<div>" * 5000 + "Hạ Long", "<ul><li>" * 2000 + "Hạ Long"])
def test_deeply_nested_html_keeps_its_text_and_does_not_crash(html: str) -> None:
    assert html_to_markdown(html).endswith("Hạ Long")
