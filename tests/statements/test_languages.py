"""The newsroom in the reader's language (issue 18, item 2), on both databases: with English
chosen, the list, the home page and a statement's address show the English translation where one
exists (marked when outdated), else the Vietnamese marked "Vietnamese only"; the feed links follow
the language; each statement offers a PDF of itself in each of its languages."""

from __future__ import annotations

import re
from io import BytesIO

import feedparser
from pypdf import PdfReader
from sqlmodel import Session

from tests.conftest import WebClient, page_text
from tests.statements.helpers import World
from tests.support import tagged_pdf


def english(web: WebClient) -> WebClient:
    assert web.post("/language", {"lang": "en", "next": "/"}).status_code == 303
    return web


def card_of(html: str, statement_id: int) -> str:
    """The list card (or home list item) of one statement."""
    found = re.search(
        rf'<(li)[^>]*>(?:(?!</li>).)*?href="/statements/{statement_id}(?:/en)?"(?:(?!</li>).)*</li>',
        html,
        re.S,
    )
    assert found is not None, f"statement {statement_id} is not listed"
    return found.group()


def test_english_readers_see_english_titles_in_the_list_and_on_the_home_page(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    both = w.issued(title="Thông cáo về bão số 3", translations={"en": "Release on typhoon No. 3"})
    vi_only = w.issued(title="Thông báo lịch cắt điện")
    outdated = w.issued(title="Thông tin về dịch bệnh", translations={"en": "On the epidemic"})
    w.correct(outdated, major=True, note="Cập nhật số ca")

    # In Vietnamese nothing changes: the Vietnamese titles, no language notes.
    listed = web.get("/statements").text
    assert "Thông cáo về bão số 3" in card_of(listed, both.id or 0)
    assert "Vietnamese only" not in page_text(listed) and "Chỉ có tiếng Việt" not in listed

    english(web)
    for path in ("/statements", "/"):
        html = web.get(path).text
        card = card_of(html, both.id or 0)
        assert f'href="/statements/{both.id}/en" lang="en"' in card
        assert "Release on typhoon No. 3" in card and "Thông cáo về bão số 3" not in card
        plain = card_of(html, vi_only.id or 0)
        assert (
            "Thông báo lịch cắt điện" in plain
            and f'href="/statements/{vi_only.id}" lang="vi"' in plain
        )
        assert "Vietnamese only" in page_text(plain)
        stale = card_of(html, outdated.id or 0)
        assert "On the epidemic" in stale and "Translation outdated" in page_text(stale)
        assert "Vietnamese only" not in page_text(card)
        assert "/feeds/statements.atom?lang=en" in html  # the feed follows the language


def test_a_statement_address_reads_in_english_when_it_can_and_says_when_it_cannot(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    both = w.issued(title="Thông cáo về bão số 3", translations={"en": "Release on typhoon No. 3"})
    vi_only = w.issued(title="Thông báo lịch cắt điện")
    english(web)
    r = web.get(f"/statements/{both.id}")
    assert '<article class="statement" lang="en">' in r.text
    assert "<h1>Release on typhoon No. 3</h1>" in r.text
    assert f'<link rel="canonical" href="http://testserver/statements/{both.id}/en">' in r.text
    assert (
        f'<link rel="alternate" hreflang="vi" href="http://testserver/statements/{both.id}">'
        in r.text
    )
    assert 'id="source-only-notice"' not in r.text
    plain = web.get(f"/statements/{vi_only.id}").text
    assert '<article class="statement" lang="vi">' in plain
    assert "This statement is available in Vietnamese only." in page_text(plain)
    # The Vietnamese reader of the same address is not affected (the cache keys the language).
    assert web.post("/language", {"lang": "vi", "next": "/"}).status_code == 303
    again = web.get(f"/statements/{both.id}").text
    assert "<h1>Thông cáo về bão số 3</h1>" in again and 'id="source-only-notice"' not in again


def test_the_english_feed_link_gives_english_entries(db: Session, web: WebClient) -> None:
    w = World(db)
    w.issued(title="Thông cáo về bão số 3", translations={"en": "Release on typhoon No. 3"})
    english(web)
    html = web.get("/statements").text
    href = re.search(r'<a href="(/feeds/statements\.atom[^"]*)">', html)
    assert href is not None and href.group(1) == "/feeds/statements.atom?lang=en"
    feed = feedparser.parse(web.get(href.group(1)).content)
    assert [e.title for e in feed.entries] == ["1/TCBC-UBND - Release on typhoon No. 3"]
    assert feed.feed.language == "en"


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_a_statement_offers_a_pdf_of_itself_in_each_language(db: Session, web: WebClient) -> None:
    w = World(db)
    st = w.issued(title="Thông cáo về bão số 3", translations={"en": "Release on typhoon No. 3"})
    page = web.get(f"/statements/{st.id}").text
    assert f'href="/statements/{st.id}.pdf"' in page
    assert f'href="/statements/{st.id}.pdf?lang=en"' in page

    vi = web.get(f"/statements/{st.id}.pdf")
    assert vi.status_code == 200 and vi.headers["content-type"] == "application/pdf"
    _, text = pdf_text(vi.content)
    assert "Thông cáo về bão số 3" in text
    assert st.number in text and w.person.full_name in text  # the number and the spokesperson
    tagged_pdf(vi.content, "vi")  # a screen reader reads it in Vietnamese, heading by heading

    en = web.get(f"/statements/{st.id}.pdf?lang=en")
    _, text = pdf_text(en.content)
    assert "Release on typhoon No. 3" in text and "Spokesperson" in text
    tagged_pdf(en.content, "en")
    assert web.get(f"/statements/{st.id}.pdf?lang=fr").status_code == 404
    unknown = w.draft(title="Chưa công bố")
    assert web.get(f"/statements/{unknown.id}.pdf").status_code == 404
