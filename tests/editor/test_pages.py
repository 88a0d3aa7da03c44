"""Which textareas get the editor: the statement's text (and its translation) and a department's
talking points. The toolbar is in the page but hidden until editor.js shows it, so without
JavaScript the form is as it was; its words come from the catalog, not from the script."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.accounts.models import Role
from tests.conftest import WebClient
from tests.factories import make_call, make_org, make_submission
from tests.statements.test_office_routes import Office
from tests.support import html, signed_in

BUTTONS = ["Tiêu đề", "Đậm", "Nghiêng", "Gạch đầu dòng", "Đánh số", "Bảng", "Liên kết"]
BUTTONS_EN = ["Heading", "Bold", "Italic", "Bulleted list", "Numbered list", "Table", "Link"]


def _editors(markup: str, words: list[str] = BUTTONS) -> dict[str, Any]:
    """The editor toolbars of a page, by the id of the textarea they serve."""
    page = html(markup)
    found = {}
    for bar in page.all(".md-toolbar"):
        fid = bar.get("data-editor-for")
        assert bar.get("hidden") is not None, "shown only by the script"
        assert bar.get("role") == "toolbar" and bar.get("aria-controls") == fid
        assert bar.get("data-paste-url") == "/editor/markdown"
        buttons = bar.cssselect("button")
        assert [b.get("type") for b in buttons] == ["button"] * len(buttons)
        assert [" ".join(b.text_content().split()) for b in buttons] == words
        assert page.one(f"#{fid}").get("data-editor") == "markdown"
        found[fid] = bar
    assert len(page.all("textarea[data-editor]")) == len(found)
    return found


def test_statement_text_and_its_translation_have_the_editor(db: Session, new_web: Any) -> None:
    o = Office(db, new_web)  # its people read English
    o.editor.client.cookies.set("pd_lang", "vi")
    st = o.w.draft()
    new = _editors(o.editor.get("/office/statements/new").text)
    assert list(new) == ["f-body"]
    bar = new["f-body"]
    assert bar.get("aria-label") == "Định dạng văn bản"
    assert bar.get("data-msg-converting") == "Đang chuyển định dạng đoạn văn vừa dán…"
    assert bar.get("data-text-column") == "Cột"
    assert list(_editors(o.editor.get(f"/office/statements/{st.id}/edit").text)) == ["f-body"]
    translation = o.editor.get(f"/office/statements/{st.id}/translations/en").text
    assert list(_editors(translation)) == ["f-body"]


def test_talking_points_have_the_editor_and_the_other_fields_do_not(
    web: WebClient, db: Session
) -> None:
    org = make_org(db)
    sub = make_submission(db, make_call(db, orgs=[org]), org)
    signed_in(web, db, Role.DEPARTMENT, org=org)
    markup = web.get(f"/submissions/{sub.id}/edit").text
    assert list(_editors(markup)) == ["f-talking_points"]
    page = html(markup)
    assert page.one("#f-talking_points").text_content() == "- Điểm thứ nhất\n- Điểm thứ hai"


def test_english_pages_have_english_words(db: Session, new_web: Any) -> None:
    o = Office(db, new_web)
    bar = _editors(o.editor.get("/office/statements/new").text, BUTTONS_EN)["f-body"]
    assert bar.get("aria-label") == "Text formatting"
    assert bar.get("data-msg-plain") == (
        "The formatting could not be kept: the text was pasted without it."
    )
