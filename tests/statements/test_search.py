"""Full-text search of published statements, on SQLite (FTS5) and PostgreSQL (GIN): folding of
Vietnamese, every word required, nothing embargoed or superseded found, odd input harmless,
snippets escaped and marked."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest
from markupsafe import Markup
from sqlmodel import Session

from app.statements import queries
from app.statements.models import StatementKind
from tests.conftest import WebClient
from tests.statements.helpers import World, soon

BODY = "Các cơ quan liên quan phối hợp thực hiện."


def found(web: WebClient, q: str, **params: str) -> list[int]:
    query = "&".join([f"q={quote_plus(q)}", *(f"{k}={v}" for k, v in params.items())])
    r = web.get(f"/statements?{query}")
    assert r.status_code == 200, r.text[:500]
    return [
        int(n) for n in re.findall(r'<h2 class="card-title"><a href="/statements/(\d+)"', r.text)
    ]


@pytest.fixture
def places(db: Session) -> dict[str, int]:
    w = World(db)
    made = {
        "danang": w.issued(title="Mưa lớn tại Đà Nẵng", summary="", body=BODY),
        "quangninh": w.issued(title="Lễ hội hoa ở Quảng Ninh", summary="", body=BODY),
        "halong": w.issued(
            title="Vịnh Hạ Long đón khách",
            summary="",
            body=BODY,
            translations={"en": "Ha Long Bay welcomes visitors"},
            kind=StatementKind.OFFICIAL_STATEMENT,
        ),
    }
    return {k: v.id or 0 for k, v in made.items()}


def test_vietnamese_is_found_with_or_without_marks(web: WebClient, places: dict[str, int]) -> None:
    for q in ("da nang", "DA NANG", "đà nẵng", "Đà Nẵng", "ĐÀ NẴNG", "dA   nĂNg", "Da-Nang!"):
        assert found(web, q) == [places["danang"]], q


def test_quang_ninh_and_every_word_is_required(web: WebClient, places: dict[str, int]) -> None:
    assert found(web, "quang ninh") == [places["quangninh"]]
    assert found(web, "le hoi quang ninh") == [places["quangninh"]]
    assert found(web, "le hoi da nang") == []  # every word must be there
    assert found(web, "ha long") == [places["halong"]]
    assert found(web, "visitors") == [places["halong"]]  # translations are searched too
    assert found(web, "ha long", kind="press_release") == []  # with the list's filters
    assert found(web, "dan") == []  # whole words, no prefixes


ODD_QUERIES = (
    "?!...",
    "   ",
    "«»—…",
    '" OR * NEAR( ) ^ -',
    "da nang' OR 1=1 --",
    "NOT AND OR",
    "x" * 1000,
    "đà nẵng " * 125,
    "a:b col:x {x y}",
)  # control characters are refused with 422 like in any query (tests/test_input_bounds.py)


def test_odd_queries_answer_a_page_without_error(web: WebClient, places: dict[str, int]) -> None:
    for q in ODD_QUERIES:
        r = web.get(f"/statements?q={quote_plus(q)}")
        assert r.status_code == 200, q
        fragment = web.get(f"/statements?q={quote_plus(q)}", headers={"HX-Request": "true"})
        assert fragment.status_code == 200, q


def test_punctuation_only_finds_nothing(web: WebClient, places: dict[str, int]) -> None:
    assert found(web, "?!...") == []
    assert found(web, "'\"*") == []


def test_long_query_is_handled(web: WebClient, places: dict[str, int]) -> None:
    assert found(web, "đà nẵng " + "x" * 992) == []  # a word that is nowhere
    assert found(web, ("da nang " * 125)[:1000]) == [places["danang"]]


def test_embargoed_and_superseded_text_is_not_found(db: Session, web: WebClient) -> None:
    w = World(db)
    w.issued(at=soon(), title="Sự cố tại Vân Đồn", summary="", body=BODY)
    assert found(web, "van don") == []
    old = w.issued(title="Khai mạc lễ hội Cô Tô", summary="", body=BODY)
    assert found(web, "co to") == [old.id]
    w.correct(old, title="Khai mạc lễ hội Móng Cái", body=BODY)
    assert found(web, "co to") == []  # the earlier edition is no longer public
    assert found(web, "mong cai") == [old.id]


def test_script_in_a_title_is_escaped_in_results_and_snippets(db: Session, web: WebClient) -> None:
    w = World(db)
    w.issued(
        title="<script>alert('t')</script> Đà Nẵng",
        summary="",
        body="Ở Đà Nẵng <script>alert('b')</script> & <b>in đậm</b>",
    )
    r = web.get("/statements?q=da+nang")
    assert r.status_code == 200
    assert "<script>alert(" not in r.text
    assert "&lt;script&gt;alert(" in r.text
    assert "<b>in đậm</b>" not in r.text
    snippet = re.search(r'<p class="snippet"[^>]*>(.*?)</p>', r.text, re.S)
    assert snippet is not None
    assert "<mark>Đà</mark> <mark>Nẵng</mark>" in snippet.group(1)


def test_snippet_comes_from_the_text_around_the_words(db: Session, web: WebClient) -> None:
    w = World(db)
    filler = " ".join(f"câu{n}" for n in range(100))
    w.issued(title="Thông báo", summary="", body=f"{filler} sạt lở ở Uông Bí {filler}")
    r = web.get("/statements?q=uong+bi")
    snippet = re.search(r'<p class="snippet"[^>]*>(.*?)</p>', r.text, re.S)
    assert snippet is not None
    assert "<mark>Uông</mark> <mark>Bí</mark>" in snippet.group(1)
    assert snippet.group(1).startswith("…") and len(snippet.group(1)) < 400


# --- Snippets and marks without a database ---------------------------------------------------------


def test_highlight_escapes_first_then_marks() -> None:
    out = queries.highlight("<b>Đà</b> Nẵng & đà", ["da", "nang"])
    assert isinstance(out, Markup)
    assert str(out) == "&lt;b&gt;<mark>Đà</mark>&lt;/b&gt; <mark>Nẵng</mark> &amp; <mark>đà</mark>"
    assert str(queries.highlight("<mark>", ["mark"])) == "&lt;<mark>mark</mark>&gt;"


def test_snippet_prefers_the_first_text_with_a_match() -> None:
    out = queries.snippet(["Không có gì", "Tin về Quảng Ninh"], ["quang", "ninh"])
    assert str(out) == "Tin về <mark>Quảng</mark> <mark>Ninh</mark>"
    assert str(queries.snippet(["Không <có> gì", ""], ["zzz"])) == "Không &lt;có&gt; gì"
    assert str(queries.snippet(["", ""], ["x"])) == ""
