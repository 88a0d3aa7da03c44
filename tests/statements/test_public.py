"""The newsroom as the public sees it, on both databases: the list and its filters, pages of the
archive, each statement with its editions, translations, files and print view, the register of
spokespersons, the sitemap, and the embargo holding on every public channel."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import feedparser
import pytest
from sqlmodel import Session

from app.accounts.models import Role, UserStatus
from app.statements import queries, service
from app.statements.models import SpokespersonRole, Statement, StatementKind
from app.storage import LocalStore
from app.timeutil import format_datetime
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_briefing, make_org, make_user
from tests.statements.helpers import World, make_spokesperson, soon, today

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def ids_in(html: str) -> list[int]:
    """The statements a list page links to, in order (one card each)."""
    return [int(n) for n in re.findall(r'<h2 class="card-title"><a href="/statements/(\d+)"', html)]


def topic_id(db: Session, code: str) -> int:
    found = queries.topic_by_code(db, code)
    assert found is not None and found.id is not None
    return found.id


def issue_with_file(w: World, app: Any, **over: Any) -> tuple[Statement, int]:
    """A statement published with one PDF file; returns it and the file's id."""
    st = w.draft(**over)
    settings = app.state.settings
    rows = service.add_files(
        w.db,
        actor=w.editor,
        statement_id=st.id or 0,
        files=[("Thông cáo số 1.pdf", BytesIO(PDF))],
        store=LocalStore(settings.upload_dir),
        max_bytes=settings.upload_max_bytes,
        max_files=settings.upload_max_files,
    )
    service.submit(w.db, actor=w.editor, statement_id=st.id or 0)
    service.approve(w.db, actor=w.spokesperson, statement_id=st.id or 0)
    service.publish(w.db, actor=w.spokesperson, statement_id=st.id or 0)
    w.db.refresh(st)
    return st, rows[0].id or 0


# --- Embargo ---------------------------------------------------------------------------------------


def test_embargoed_statement_is_absent_from_every_channel_until_its_time(
    app: Any, db: Session, web: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(db)
    public = w.issued(title="Thông báo về giao thông", translations={"en": "Traffic notice"})
    secret = w.issued(
        at=soon(2),  # within the cache's longest life: only the embargo expires the page
        title="Kết quả điều tra vụ chìm tàu ở vịnh Hạ Long",
        translations={"en": "Findings on the Ha Long Bay shipwreck"},
    )
    sid = secret.id
    edition = service.editions(db, sid or 0)[0]
    assert edition.publish_at is not None

    def channels() -> dict[str, bool]:
        """Whether the embargoed statement shows on each public channel."""
        listed = web.get("/statements")
        found = web.get("/statements?q=chim+tau")
        feed = feedparser.parse(web.get("/feeds/statements.atom").content)
        feed_en = feedparser.parse(web.get("/feeds/statements.atom?lang=en").content)
        sitemap = web.get("/sitemap.xml").text
        return {
            "list": sid in ids_in(listed.text),
            "search": sid in ids_in(found.text),
            "page": web.get(f"/statements/{sid}").status_code == 200,
            "translation": web.get(f"/statements/{sid}/en").status_code == 200,
            "print": web.get(f"/statements/{sid}/print").status_code == 200,
            "feed": any(e.link.endswith(f"/statements/{sid}") for e in feed.entries),
            "feed_en": any(e.link.endswith(f"/statements/{sid}/en") for e in feed_en.entries),
            "sitemap": f"/statements/{sid}</loc>" in sitemap,
        }

    before = channels()
    assert not any(before.values()), before
    assert web.get(f"/statements/{sid}").status_code == 404
    assert public.id in ids_in(web.get("/statements").text)
    assert web.get("/statements").headers["x-cache"] == "hit"  # rendered before the embargo ends

    # The embargo ends: nobody commits anything, the clock moves on.
    later = edition.publish_at + timedelta(seconds=1)
    monkeypatch.setattr("app.timeutil.utcnow", lambda: later)
    after = channels()
    assert all(after.values()), after
    assert ids_in(web.get("/statements").text)[0] == sid  # newest first
    page = page_text(web.get(f"/statements/{sid}").text)
    assert "Kết quả điều tra vụ chìm tàu ở vịnh Hạ Long" in page


def test_a_preview_under_embargo_leaks_to_no_public_channel_and_no_one_else(
    app: Any, db: Session, web: WebClient, new_web: Any
) -> None:
    """While a statement is shared under embargo, nothing of it (title, translation, body words,
    the number it will get) is on the public pages, the search, the feeds, the API, the sitemap,
    the home page or the page cache, for a visitor, a journalist outside the audience, one not
    verified yet, a department and even the journalist it is shared with, who sees it at the
    preview's address only. Once its time comes, that address leads to the public page."""
    from app import timeutil
    from app.statements.service import preview

    w = World(db)
    w.issued(title="Thông báo về giao thông")  # 1/TCBC-UBND: the secret one will be 2
    secret = w.issued(
        at=soon(2),
        title="Kết quả điều tra vụ chìm tàu ở vịnh Hạ Long",
        translations={"en": "Findings on the Ha Long Bay shipwreck"},
        body="Biên bản số XK-2417 ghi nhận nguyên nhân vụ chìm tàu.",
    )
    sid = secret.id or 0
    words = ("chìm tàu", "shipwreck", "XK-2417", "2/TCBC-UBND")
    agency = make_org(db, kind="press_agency")
    other = make_org(db, kind="press_agency")
    preview.share(
        db, actor=w.editor, statement_id=sid, audience_kind="agencies", agencies=[agency.id or 0]
    )

    def person(role: Role, **over: Any) -> WebClient:
        user = make_user(db, role, **over)
        b: WebClient = new_web()
        assert b.login(user.email, PASSWORD).status_code == 303
        return b

    people = {
        "anonymous": web,
        "outsider": person(Role.JOURNALIST, org=other),
        "unverified": person(Role.JOURNALIST, org=agency, status=UserStatus.PENDING),
        "department": person(Role.DEPARTMENT),
        "audience": person(Role.JOURNALIST, org=agency),
    }
    channels = (
        "/",
        "/statements",
        "/statements?q=chim+tau",
        "/feeds/statements.atom",
        "/feeds/statements.atom?lang=en",
        "/sitemap.xml",
        "/api/v1/statements",
        "/api/v1/statements?q=chim+tau",
    )
    addresses = (  # the statement's own public addresses: 404 before its time
        f"/statements/{sid}",
        f"/statements/{sid}/en",
        f"/statements/{sid}/print",
        f"/statements/{sid}.pdf",
        f"/api/v1/statements/{sid}",
    )
    for name, b in people.items():
        for url in channels + addresses:
            r = b.get(url)
            leaked = [word for word in words if word in r.text]
            assert not leaked, (name, url, leaked)
            if url in addresses:
                assert r.status_code == 404, (name, url, r.status_code)
        assert sid not in ids_in(b.get("/statements").text), name
        assert sid not in ids_in(b.get("/statements?q=bien+ban+nguyen+nhan").text), name
        r = b.get(f"/preview/statements/{sid}")
        if name == "audience":
            assert r.status_code == 200 and "chìm tàu" in r.text
            assert r.headers["cache-control"] == "private, no-store"
        elif name == "anonymous":
            assert r.status_code == 303 and r.headers["location"].startswith("/login")
        else:
            assert r.status_code == 404 and "chìm tàu" not in r.text, name
    # The page cache holds none of it (and no preview at all).
    stored = app.state.public_cache._entries
    assert stored
    for key, entry in stored.items():
        assert not key[1].startswith("/preview"), key
        assert not any(word.encode() in entry.body for word in words), key

    # Its time comes: nobody commits anything, the clock moves on.
    edition = service.editions(db, sid)[0]
    assert edition.publish_at is not None
    with timeutil.clock_at(edition.publish_at + timedelta(seconds=1)):
        r = people["audience"].get(f"/preview/statements/{sid}")
        assert r.status_code == 303 and r.headers["location"] == f"/statements/{sid}"
        assert sid in ids_in(web.get("/statements").text)
        assert sid in ids_in(web.get("/statements?q=bien+ban+nguyen+nhan").text)
        page = page_text(web.get(f"/statements/{sid}").text)
        assert "Kết quả điều tra vụ chìm tàu ở vịnh Hạ Long" in page and "2/TCBC-UBND" in page


def test_public_numbers_have_no_gap_for_an_embargoed_statement(
    db: Session, web: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issued now after an embargoed one was scheduled, a statement is number 1: the public never
    sees 2 while 1 is hidden. The embargoed one is number 2 the moment it is public."""
    w = World(db)
    secret = w.issued(at=soon(2), title="Thông cáo chờ giờ")
    first = w.issued(title="Thông cáo công bố ngay")
    listed = page_text(web.get("/statements").text)
    assert "1/TCBC-UBND" in listed and "2/TCBC-UBND" not in listed
    assert first.number == "1/TCBC-UBND" and secret.number is None

    edition = service.editions(db, secret.id or 0)[0]
    assert edition.publish_at is not None
    later = edition.publish_at + timedelta(seconds=1)
    monkeypatch.setattr("app.timeutil.utcnow", lambda: later)
    page = page_text(web.get(f"/statements/{secret.id}").text)
    assert "Thông cáo chờ giờ" in page and "2/TCBC-UBND" in page
    db.refresh(secret)
    assert secret.number == "2/TCBC-UBND"


def test_statement_never_issued_or_unknown_is_404(db: Session, web: WebClient) -> None:
    w = World(db)
    draft = w.draft(title="Bản nháp chưa duyệt")
    issued = w.issued(translations={"en": "In English"})
    assert web.get(f"/statements/{draft.id}").status_code == 404
    assert web.get(f"/statements/{draft.id}/print").status_code == 404
    assert web.get("/statements/999999").status_code == 404
    assert web.get(f"/statements/{issued.id}/fr").status_code == 404  # no French translation
    assert web.get(f"/statements/{issued.id}/vi").status_code == 404  # the page itself is /{id}
    assert web.get(f"/statements/{issued.id}/EN%3Cx%3E").status_code == 404
    assert "Bản nháp chưa duyệt" not in web.get("/statements").text


# --- The list --------------------------------------------------------------------------------------


def test_list_shows_published_statements_newest_first_with_their_facts(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    first = w.issued(title="Thông cáo thứ nhất", summary="Tóm tắt thứ nhất")
    second = w.issued(
        kind=StatementKind.OFFICIAL_STATEMENT,
        title="Nội dung phát ngôn thứ hai",
        translations={"en": "Second statement"},
    )
    r = web.get("/statements")
    assert r.status_code == 200
    assert ids_in(r.text) == [second.id, first.id]
    text = page_text(r.text)
    assert "Tóm tắt thứ nhất" in text
    assert "1/TCBC-UBND" in text
    assert "UBND tỉnh Quảng Ninh" in text
    assert f'href="/statements/{second.id}/en"' in r.text  # its translation is offered
    assert 'type="application/atom+xml"' in r.text


def test_filters_by_kind_topic_organisation_language_and_dates(db: Session, web: WebClient) -> None:
    w = World(db)
    department = make_org(db, kind="department", name_vi="Sở Du lịch")
    person = make_spokesperson(db, department, full_name="Trần Thị Du Lịch")
    tourism = w.issued(
        title="Mùa du lịch biển",
        topic_ids=[topic_id(db, "du-lich")],
        organisation_id=department.id,
        spokesperson_id=person.id,
    )
    statement = w.issued(
        kind=StatementKind.OFFICIAL_STATEMENT,
        title="Phát ngôn về đất đai",
        topic_ids=[topic_id(db, "dat-dai")],
        translations={"en": "Statement on land"},
    )

    def listed(query: str) -> list[int]:
        r = web.get(f"/statements?{query}")
        assert r.status_code == 200
        return ids_in(r.text)

    assert listed("kind=official_statement") == [statement.id]
    assert listed("kind=press_release") == [tourism.id]
    assert listed("topic=du-lich") == [tourism.id]
    assert listed(f"org={department.id}") == [tourism.id]
    assert listed("lang=en") == [statement.id]
    day = today()
    assert listed(f"date_from={day}&date_to={day}") == [statement.id, tourism.id]
    assert listed(f"date_from={day + timedelta(days=1)}") == []
    assert listed(f"date_to={day - timedelta(days=1)}") == []
    assert listed("kind=official_statement&topic=du-lich") == []
    # Values that mean nothing are ignored, never an error.
    assert listed("kind=nonsense&topic=nope&org=abc&lang=xx&date_from=2026-13-45") == [
        statement.id,
        tourism.id,
    ]


def test_pages_follow_the_before_cursor_without_repeats_or_gaps(
    db: Session, web: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    w = World(db)
    made = [w.issued(title=f"Thông cáo số {n}") for n in range(8)]
    # Several issued at the very same moment: the id breaks the tie.
    same = made[2].first_published_at
    for st in made[3:6]:
        st.first_published_at = same
        db.add(st)
    db.commit()
    expected = [
        st.id for st in sorted(made, key=lambda s: (s.first_published_at, s.id or 0), reverse=True)
    ]

    seen: list[int] = []
    url = "/statements"
    pages = 0
    while url:
        r = web.get(url)
        assert r.status_code == 200
        got = ids_in(r.text)
        assert 0 < len(got) <= 3
        seen += got
        pages += 1
        back = re.search(r'href="/statements\?[^"]*before=(&amp;|")', r.text)
        assert bool(back) == (pages > 1)  # a way back to the first page
        more = re.search(r'<a href="(/statements\?[^"]*before=[^"]*)" rel="next">', r.text)
        url = more.group(1).replace("&amp;", "&") if more else ""
    assert seen == expected
    assert pages == 3


def test_htmx_gets_only_the_results_block(db: Session, web: WebClient) -> None:
    w = World(db)
    st = w.issued(title="Thông cáo có kết quả")
    full = web.get("/statements?q=ket+qua")
    part = web.get("/statements?q=ket+qua", headers={"HX-Request": "true"})
    assert "<html" in full.text and "<html" not in part.text
    assert part.text.lstrip().startswith('<div id="results"')
    assert ids_in(part.text) == [st.id]
    assert "HX-Request" in part.headers["vary"]


# --- One statement --------------------------------------------------------------------------------


def test_statement_page_shows_its_facts_body_and_files(
    app: Any, db: Session, web: WebClient
) -> None:
    w = World(db)
    st, file_id = issue_with_file(
        w,
        app,
        title="Thông cáo về bão số 3",
        body="UBND tỉnh **yêu cầu** sơ tán.\n\n<script>alert(1)</script>",
        topic_ids=[topic_id(db, "thien-tai")],
    )
    r = web.get(f"/statements/{st.id}")
    assert r.status_code == 200
    text = page_text(r.text)
    for expected in (
        "1/TCBC-UBND",
        "Thông cáo về bão số 3",
        "UBND tỉnh Quảng Ninh",
        "Nguyễn Văn Phát Ngôn",
        "Chánh Văn phòng UBND tỉnh",
        "Thiên tai, thời tiết",
        format_datetime(st.first_published_at),
    ):
        assert expected in text
    assert "<strong>yêu cầu</strong>" in r.text  # Markdown rendered
    assert "<script>alert(1)" not in r.text  # raw HTML never passes
    assert f'href="/statements/{st.id}/files/{file_id}"' in r.text
    assert "Thông cáo số 1.pdf" in text
    assert f'<link rel="canonical" href="http://testserver/statements/{st.id}">' in r.text
    assert '<meta property="og:type" content="article">' in r.text
    assert '<meta property="og:title" content="Thông cáo về bão số 3">' in r.text
    assert f'<meta property="og:url" content="http://testserver/statements/{st.id}">' in r.text
    assert 'property="og:description"' in r.text

    download = web.get(f"/statements/{st.id}/files/{file_id}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"


def test_files_of_unpublished_editions_are_not_served(
    app: Any, db: Session, web: WebClient
) -> None:
    w = World(db)
    st, file_id = issue_with_file(w, app)
    # The next edition, still a draft, gets a new file: not public yet.
    service.new_edition(db, actor=w.editor, statement_id=st.id or 0)
    settings = app.state.settings
    rows = service.add_files(
        db,
        actor=w.editor,
        statement_id=st.id or 0,
        files=[("bản nháp.pdf", BytesIO(PDF))],
        store=LocalStore(settings.upload_dir),
        max_bytes=settings.upload_max_bytes,
        max_files=settings.upload_max_files,
    )
    assert web.get(f"/statements/{st.id}/files/{rows[0].id}").status_code == 404
    assert web.get(f"/statements/{st.id}/files/{file_id}").status_code == 200
    assert "bản nháp.pdf" not in web.get(f"/statements/{st.id}").text
    # A file of another statement is not reachable through this one.
    other = w.issued()
    assert web.get(f"/statements/{other.id}/files/{file_id}").status_code == 404


def test_major_correction_shows_the_update_notice_minor_only_in_history(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    minor = w.issued(title="Thông cáo có lỗi chính tả")
    w.correct(minor, major=False, note="Sửa lỗi chính tả ở đoạn hai")
    major = w.issued(title="Thông cáo có số liệu mới")
    w.correct(major, major=True, note="Cập nhật số người sơ tán")

    page = web.get(f"/statements/{minor.id}").text
    assert 'id="update-notice"' not in page
    assert "Sửa lỗi chính tả ở đoạn hai" in page_text(page)  # in the history only

    page = web.get(f"/statements/{major.id}").text
    notice = re.search(r'<div class="notice" id="update-notice".*?</div>', page, re.S)
    assert notice is not None and "Cập nhật số người sơ tán" in notice.group()
    history = page[page.index('id="history"') :]
    assert "Cập nhật số người sơ tán" in history
    assert "Đã cập nhật." in page_text(page)  # the new text is shown

    # Both kinds of change, and the first publication, are in the history.
    w.correct(major, major=False, note="Sửa dấu câu")
    page = web.get(f"/statements/{major.id}").text
    history = page_text(page[page.index('id="history"') :])
    assert "Sửa dấu câu" in history and "Cập nhật số người sơ tán" in history
    notice = re.search(r'id="update-notice".*?</div>', page, re.S)
    assert notice is not None and "Cập nhật số người sơ tán" in notice.group()
    assert "Sửa dấu câu" not in notice.group()


def test_withdrawn_statement_stays_with_its_reason(db: Session, web: WebClient) -> None:
    w = World(db)
    st = w.issued(title="Thông cáo bị thu hồi")
    service.withdraw(
        db, actor=w.spokesperson, statement_id=st.id or 0, reason="Thông tin <sai> về số liệu"
    )
    r = web.get(f"/statements/{st.id}")
    assert r.status_code == 200
    notice = re.search(r'id="withdrawn-notice".*?</div>', r.text, re.S)
    assert notice is not None
    assert "Thông tin &lt;sai&gt; về số liệu" in notice.group()
    listed = web.get("/statements").text
    assert st.id in ids_in(listed)
    assert "statement-card--withdrawn" in listed  # still listed, marked as withdrawn


def test_outdated_translation_says_so_and_languages_are_linked(db: Session, web: WebClient) -> None:
    w = World(db)
    st = w.issued(translations={"en": "Press release on typhoon No. 3"})
    r = web.get(f"/statements/{st.id}/en")
    assert r.status_code == 200
    assert 'id="outdated-notice"' not in r.text
    assert "Press release on typhoon No. 3" in r.text
    assert '<article class="statement" lang="en">' in r.text

    w.correct(st, major=True, note="Cập nhật thiệt hại")
    r = web.get(f"/statements/{st.id}/en")
    notice = re.search(r'id="outdated-notice".*?</div>', r.text, re.S)
    assert notice is not None
    assert "This translation was made from an earlier version" in notice.group()
    assert f'href="/statements/{st.id}"' in notice.group()

    vi = web.get(f"/statements/{st.id}").text
    base = "http://testserver/statements"
    for page in (vi, r.text):
        assert f'<link rel="alternate" hreflang="vi" href="{base}/{st.id}">' in page
        assert f'<link rel="alternate" hreflang="en" href="{base}/{st.id}/en">' in page
        assert f'<link rel="alternate" hreflang="x-default" href="{base}/{st.id}">' in page
    assert f'<link rel="canonical" href="{base}/{st.id}/en">' in r.text
    assert f'href="/statements/{st.id}/en" hreflang="en"' in vi  # the language switcher

    # A minor correction after the translation does not outdate it.
    other = w.issued(translations={"en": "Another release"})
    w.correct(other, major=False, note="Sửa lỗi")
    assert 'id="outdated-notice"' not in web.get(f"/statements/{other.id}/en").text


def test_print_view_has_the_text_without_the_site_menus(db: Session, web: WebClient) -> None:
    w = World(db)
    st = w.issued(title="Thông cáo để in", translations={"en": "Release to print"})
    r = web.get(f"/statements/{st.id}/print")
    assert r.status_code == 200
    assert "Thông cáo để in" in r.text and "1/TCBC-UBND" in r.text
    assert "<strong>yêu cầu</strong>" in r.text
    assert "main-nav" not in r.text and "<form" not in r.text
    en = web.get(f"/statements/{st.id}/print?lang=en")
    assert "Release to print" in en.text and '<html lang="en">' in en.text
    assert web.get(f"/statements/{st.id}/print?lang=ko").status_code == 404


def test_correction_request_shows_the_agency_and_the_outcome(db: Session, web: WebClient) -> None:
    w = World(db)
    st = w.issued(
        kind=StatementKind.CORRECTION_REQUEST,
        title="Đề nghị cải chính bài báo",
        target_agency_name="Báo Điện tử Ví dụ",
        article_title="Bài viết sai sự thật",
        article_url="https://example.vn/bai-viet",
    )
    text = page_text(web.get(f"/statements/{st.id}").text)
    assert "Báo Điện tử Ví dụ" in text and "Bài viết sai sự thật" in text


# --- The register ----------------------------------------------------------------------------------


def test_spokespersons_register_lists_current_people_and_history(
    app: Any, db: Session, web: WebClient
) -> None:
    w = World(db)
    department = make_org(db, kind="department", name_vi="Sở Y tế")
    make_spokesperson(
        db,
        department,
        full_name="Lê Văn Cũ",
        title="Phó Giám đốc",
        valid_from=date(2020, 1, 1),
        valid_to=today() - timedelta(days=30),
        ended_reason="Nghỉ hưu",
    )
    authorised = make_spokesperson(
        db,
        department,
        role=SpokespersonRole.AUTHORISED,
        full_name="Phạm Thị Ủy Quyền",
        title="Trưởng phòng Nghiệp vụ Y",
        phone="0203 111 222",
        email="uyquyen@syt.example.vn",
        matter="Dịch sốt xuất huyết năm 2026",
        valid_from=today() - timedelta(days=1),
        valid_to=today() + timedelta(days=60),
    )
    service.attach_document(
        db,
        actor=w.editor,
        spokesperson_id=authorised.id or 0,
        file=("Giấy ủy quyền.pdf", BytesIO(PDF)),
        store=LocalStore(app.state.settings.upload_dir),
        max_bytes=app.state.settings.upload_max_bytes,
    )
    r = web.get("/spokespersons")
    assert r.status_code == 200
    text = page_text(r.text)
    assert "UBND tỉnh Quảng Ninh" in text and "Sở Y tế" in text
    assert "Nguyễn Văn Phát Ngôn" in text  # the province's spokesperson, current
    assert "0203 000 0000" in text and "phatngon@example.gov.vn" in text
    # The authorisation: its matter and its period.
    row = re.search(rf'<tr id="spokesperson-{authorised.id}">.*?</tr>', r.text, re.S)
    assert row is not None
    row_text = page_text(row.group())
    assert "Dịch sốt xuất huyết năm 2026" in row_text
    start, end = today() - timedelta(days=1), today() + timedelta(days=60)
    assert start.strftime("%d/%m/%Y") in row_text and end.strftime("%d/%m/%Y") in row_text
    # The one who no longer speaks is in the history, not among the current ones.
    section = r.text[r.text.index("Sở Y tế") :]
    history = section[section.index("<details>") :]
    assert "Lê Văn Cũ" in history and "Nghỉ hưu" in history
    assert "Lê Văn Cũ" not in section[: section.index("<details>")]

    doc = web.get(f"/spokespersons/{authorised.id}/document")
    assert doc.status_code == 200 and doc.content == PDF
    assert doc.headers["content-disposition"].startswith("attachment;")
    assert web.get(f"/spokespersons/{w.person.id}/document").status_code == 404


# --- The sitemap -----------------------------------------------------------------------------------


def test_sitemap_lists_statements_translations_and_announced_briefings(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    st = w.issued(translations={"en": "In English"})
    briefing = make_briefing(db, announced=True)
    r = web.get("/sitemap.xml")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/xml")
    assert f"<loc>http://testserver/statements/{st.id}</loc><lastmod>" in r.text
    assert f"<loc>http://testserver/statements/{st.id}/en</loc>" in r.text
    assert f"<loc>http://testserver/briefings/{briefing.id}</loc>" in r.text
    assert "set-cookie" not in r.headers


def test_signed_in_people_see_the_same_statement(db: Session, web: WebClient) -> None:
    w = World(db)
    st = w.issued(title="Thông cáo cho mọi người")
    journalist = make_user(db, Role.JOURNALIST, press_card_number="B-9")
    assert web.login(journalist.email, PASSWORD).status_code == 303
    r = web.get(f"/statements/{st.id}")
    assert r.status_code == 200 and "Thông cáo cho mọi người" in r.text
    assert journalist.full_name in r.text


def test_a_search_says_how_many_it_found_and_offers_to_clear_the_filters(
    db: Session, web: WebClient
) -> None:
    w = World(db)
    for n in range(3):
        w.issued(title=f"Thông báo giao thông số {n}")
    w.issued(title="Lễ hội hoa sở")
    page = page_text(web.get("/statements?q=giao+thong").text)
    assert "Tìm thấy 3 thông cáo" in page and "Xóa bộ lọc" in page
    assert 'href="/statements" class="clear-filters"' in web.get("/statements?q=giao+thong").text
    assert "Tìm thấy" not in page_text(web.get("/statements").text)  # no filter: no count line


def test_a_reversed_date_range_is_explained_not_an_empty_list(db: Session, web: WebClient) -> None:
    World(db).issued(title="Thông báo")
    r = web.get("/statements?date_from=2026-12-10&date_to=2026-12-01")
    assert r.status_code == 200
    text = page_text(r.text)
    assert "Ngày bắt đầu (10/12/2026) sau ngày kết thúc (01/12/2026)" in text
    assert "Không có thông cáo nào phù hợp" not in text and ids_in(r.text) == []
