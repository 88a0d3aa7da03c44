"""The briefing pack: the print-friendly page, the PDF and the ZIP of attachments."""

from __future__ import annotations

import hashlib
import io
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import event
from sqlmodel import Session

from app.accounts.models import Role, User
from app.briefings.models import Briefing
from app.content import agenda, pack
from app.content import service as content
from app.content.models import Attachment, CallRecipient, ContentCall, Submission
from app.content.states import Step
from app.db import forget
from app.orgs.models import Organisation, OrgKind, OrgView
from app.pdf import write_pdf
from app.storage import store_for
from app.timeutil import format_datetime, format_time
from tests.conftest import WebClient, page_text
from tests.factories import (
    PNG_1PX,
    make_briefing,
    make_call,
    make_kind,
    make_org,
    make_submission,
    make_user,
    pdf_bytes,
)
from tests.support import actor_of, signed_in, tagged_pdf

GRDP = "Tăng trưởng GRDP đạt 11,2%"
TOURISM = "Đón 19 triệu lượt khách du lịch"
QUESTION_A = "Vì sao tăng trưởng cao hơn cả nước?"
ANSWER_A = "Nhờ công nghiệp chế biến, chế tạo và đầu tư công được đẩy nhanh."
QUESTION_B = "Hạ Long có quá tải khách vào mùa hè không?"
ANSWER_B = "Tỉnh đã điều tiết tàu tham quan vịnh theo khung giờ."
AGENDA_TITLES = ("Phát biểu khai mạc", "Kết quả du lịch 6 tháng", "Trả lời câu hỏi của phóng viên")


def english(web: WebClient) -> WebClient:
    """Assertions on interface text use the English message ids (they do not depend on how
    the Vietnamese catalog translates them)."""
    web.client.cookies.set("pd_lang", "en")
    return web


@dataclass
class Pack:
    briefing: Briefing
    call: ContentCall
    office: User
    orgs: dict[str, Organisation]
    subs: dict[str, Submission]
    files: dict[str, bytes] = field(default_factory=dict)  # member name in the ZIP → bytes


def accepted_submission(
    db: Session,
    settings: Any,
    call: ContentCall,
    org: Organisation,
    office: User,
    *,
    title: str,
    summary: str,
    talking_points: str,
    key_figures: str,
    qa: list[dict[str, str]],
    files: list[tuple[str, bytes]],
) -> Submission:
    """Content a department writes and sends, with files, then the office accepts."""
    dept = actor_of(make_user(db, Role.DEPARTMENT, org=org))
    sub = content.start_submission(db, actor=dept, call_id=call.id or 0)
    data = content.SubmissionInput(
        title=title,
        summary=summary,
        talking_points=talking_points,
        key_figures=key_figures,
        qa=qa,
        contact_name="Nguyễn Thị Hà",
        contact_phone="0203 3835 555",
        contact_email="ha@example.vn",
    )
    sub = content.save(db, actor=dept, submission_id=sub.id or 0, data=data, expected_revision=None)
    if files:
        content.add_attachments(
            db,
            actor=dept,
            submission_id=sub.id or 0,
            files=[(name, io.BytesIO(body)) for name, body in files],
            store=store_for(settings),  # the app's own store: a folder or a bucket
            max_bytes=settings.upload_max_bytes,
            max_files=settings.upload_max_files,
        )
    sub = content.save(
        db, actor=dept, submission_id=sub.id or 0, data=data, expected_revision=None, submit=True
    )
    return content.act(db, actor=actor_of(office), submission_id=sub.id or 0, action=Step.ACCEPT)


@pytest.fixture
def built(db: Session, settings: Any) -> Pack:
    """A briefing with a call to three departments: two accepted (one on the agenda, one not),
    one still a draft; a typed agenda item before and after the one from content."""
    kind = make_kind(db, name_vi="Họp báo định kỳ", name_en="Regular press conference")
    briefing = make_briefing(
        db,
        kind=kind,
        title_vi="Họp báo thường kỳ quý II/2026",
        venue="Hội trường tầng 3, Trụ sở Liên cơ quan số 3",
        chair="Phó Chủ tịch UBND tỉnh Nguyễn Văn Nam",
    )
    economy = make_org(db, code="SOKHDT", name_vi="Sở Kế hoạch và Đầu tư")
    tourism = make_org(db, code="SODL", name_vi="Sở Du lịch")
    late = make_org(db, code="SOXD", name_vi="Sở Xây dựng")
    call = make_call(db, briefing=briefing, orgs=[economy, tourism, late])
    office = make_user(db, Role.PRESS_OFFICE)
    report = pdf_bytes("Báo cáo kinh tế - xã hội 6 tháng đầu năm")
    secret = pdf_bytes("Tài liệu mật")
    sub_a = accepted_submission(
        db,
        settings,
        call,
        economy,
        office,
        title="Tình hình kinh tế - xã hội 6 tháng",
        summary="Kinh tế tăng trưởng cao nhất vùng.",
        talking_points=f"## Tăng trưởng\n\n- **{GRDP}**\n- Thu ngân sách vượt dự toán",
        key_figures="GRDP: 11,2%\nThu ngân sách: 28.500 tỷ đồng",
        qa=[{"question": QUESTION_A, "answer": ANSWER_A}],
        files=[
            ("báo cáo.pdf", report),
            ("../../bí mật.pdf", secret),
            ("Báo cáo.pdf", report),
        ],
    )
    photo_tp = f"1. {TOURISM}\n2. Doanh thu du lịch tăng 25%"
    sub_b = accepted_submission(
        db,
        settings,
        call,
        tourism,
        office,
        title="Kết quả du lịch 6 tháng",
        summary="",
        talking_points=photo_tp,
        key_figures="",
        qa=[{"question": QUESTION_B, "answer": ANSWER_B}],
        files=[("ảnh vịnh.png", PNG_1PX)],
    )
    make_submission(db, call, late, title="Bản nháp chưa gửi", talking_points="Chưa xong")
    boss = actor_of(office)
    bid = briefing.id or 0
    agenda.add(
        db, actor=boss, briefing_id=bid, title=AGENDA_TITLES[0], presenter="Chủ trì", minutes=5
    )
    agenda.add(db, actor=boss, briefing_id=bid, submission_id=sub_b.id, minutes=20)
    agenda.add(db, actor=boss, briefing_id=bid, title=AGENDA_TITLES[2], minutes=45)
    return Pack(
        briefing=briefing,
        call=call,
        office=office,
        orgs={"a": economy, "b": tourism, "draft": late},
        subs={"a": sub_a, "b": sub_b},
        files={
            "01-SODL/ảnh vịnh.png": PNG_1PX,
            "02-SOKHDT/báo cáo.pdf": report,
            "02-SOKHDT/bí mật.pdf": secret,
            "02-SOKHDT/Báo cáo (2).pdf": report,
        },
    )


def url(briefing: Briefing, suffix: str = "") -> str:
    return f"/office/briefings/{briefing.id}/pack{suffix}"


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# --- What is in the pack -----------------------------------------------------------------------


def test_pack_data_orders_agenda_content_first_and_leaves_out_drafts(
    db: Session, built: Pack
) -> None:
    data = pack.pack_data(db, built.briefing.id or 0)
    assert data["briefing"].id == built.briefing.id
    assert data["kind"].name_vi == "Họp báo định kỳ"
    assert data["venue"] == built.briefing.venue and data["chair"] == built.briefing.chair
    assert [i.title for i in data["agenda"]] == list(AGENDA_TITLES)
    assert data["total_minutes"] == 70
    entries = data["submissions"]
    assert [e.submission.id for e in entries] == [built.subs["b"].id, built.subs["a"].id]
    assert [e.organisation_name for e in entries] == ["Sở Du lịch", "Sở Kế hoạch và Đầu tư"]
    assert entries[0].agenda_item is not None and entries[1].agenda_item is None
    assert f"<strong>{GRDP}</strong>" in str(entries[1].talking_points)
    assert entries[1].qa == [{"question": QUESTION_A, "answer": ANSWER_A}]
    assert [a.filename for a in entries[1].attachments] == [
        "báo cáo.pdf",
        "bí mật.pdf",
        "Báo cáo.pdf",
    ]
    assert [f.entry.number for f in data["files"]] == [1, 2, 2, 2]


def test_pack_data_takes_a_fixed_number_of_queries(db: Session, built: Pack, settings: Any) -> None:
    def count() -> int:
        statements: list[str] = []

        def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        engine = db.get_bind()
        event.listen(engine, "before_cursor_execute", listen)
        try:
            db.expunge_all()
            forget(db)  # the reference data a session reads once (db.memo) read again
            pack.pack_data(db, built.briefing.id or 0)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(statements)

    before = count()
    for code in ("SOYT", "SOGD"):
        org = make_org(db, code=code)
        db.add(CallRecipient(call_id=built.call.id or 0, organisation_id=org.id or 0))
        db.commit()
        accepted_submission(
            db,
            settings,
            built.call,
            org,
            built.office,
            title=f"Nội dung {code}",
            summary="",
            talking_points="- Một điểm",
            key_figures="",
            qa=[],
            files=[("tệp.pdf", pdf_bytes())],
        )
    assert len(pack.pack_data(db, built.briefing.id or 0)["submissions"]) == 4
    assert count() == before <= 10


# --- The page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PRESS_OFFICE, Role.SPOKESPERSON])
def test_page_shows_cover_agenda_content_and_files(
    web: WebClient, db: Session, built: Pack, role: Role
) -> None:
    signed_in(english(web), db, role)
    r = web.get(url(built.briefing))
    assert r.status_code == 200, r.text
    html = r.text
    text = page_text(html)
    b = built.briefing
    # Cover
    assert "Họp báo thường kỳ quý II/2026" in text
    assert "Regular press conference" in text  # the kind, in the visitor's language
    assert f"{format_datetime(b.starts_at)}–{format_time(b.ends_at)}" in text
    assert "Hội trường tầng 3, Trụ sở Liên cơ quan số 3" in text
    assert "Phó Chủ tịch UBND tỉnh Nguyễn Văn Nam" in text
    # Agenda, in order, with the total
    positions = [text.index(t) for t in AGENDA_TITLES]
    assert positions == sorted(positions)
    assert "70 minutes" in text
    # Content: agenda order first, then the other accepted content; drafts are left out
    assert text.index("Kết quả du lịch 6 tháng", positions[2]) < text.index(
        "Tình hình kinh tế - xã hội 6 tháng"
    )
    assert GRDP in text and TOURISM in text
    assert f"<strong>{GRDP}</strong>" in html
    assert QUESTION_A in text and ANSWER_A in text and QUESTION_B in text and ANSWER_B in text
    assert "GRDP: 11,2%" in text and "Nguyễn Thị Hà" in text and "ha@example.vn" in text
    assert "Bản nháp chưa gửi" not in text and "Sở Xây dựng" not in text
    # Files: name, size, organisation
    for name in ("báo cáo.pdf", "bí mật.pdf", "Báo cáo.pdf", "ảnh vịnh.png"):
        assert name in text
    assert "../" not in html.split("<main", 1)[1].split("</main>", 1)[0].replace('href="../', "")
    assert "Sở Kế hoạch và Đầu tư" in text and "Sở Du lịch" in text
    assert f"{len(PNG_1PX)} B" in text
    # Downloads: plain links that HTMX leaves alone (a download is not a page to swap in)
    assert f'href="{url(b, ".pdf")}"' in html and f'href="{url(b, ".zip")}"' in html
    assert 'class="pack-downloads actions" hx-boost="false"' in html
    assert "no-store" in r.headers["cache-control"]


def test_page_is_in_vietnamese_by_default(web: WebClient, db: Session, built: Pack) -> None:
    signed_in(web, db, Role.PRESS_OFFICE)
    r = web.get(url(built.briefing))
    assert r.status_code == 200
    assert '<html lang="vi">' in r.text
    assert GRDP in page_text(r.text)


def test_script_in_talking_points_is_shown_as_text(
    web: WebClient, db: Session, settings: Any
) -> None:
    org = make_org(db, code="SOTT")
    call = make_call(db, orgs=[org])
    office = make_user(db, Role.PRESS_OFFICE)
    accepted_submission(
        db,
        settings,
        call,
        org,
        office,
        title="<b>Tiêu đề</b>",
        summary="<img src=x onerror=alert(2)>",
        talking_points="<script>alert(1)</script>\n\n[bấm](javascript:alert(3))",
        key_figures="<i>1</i>",
        qa=[{"question": "<script>alert(4)</script>", "answer": "<u>5</u>"}],
        files=[],
    )
    signed_in(web, db, Role.PRESS_OFFICE)
    briefing = db.get(Briefing, call.briefing_id)
    assert briefing is not None
    html = web.get(url(briefing)).text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in html
    assert "&lt;b&gt;Tiêu đề&lt;/b&gt;" in html
    assert "<b>Tiêu đề</b>" not in html and "<u>5</u>" not in html
    # In the PDF it is the same text, written out.
    text = pdf_text(web.get(url(briefing, ".pdf")).content)
    assert "<script>alert(1)</script>" in text


@pytest.mark.parametrize("with_call", [False, True])
def test_pack_without_accepted_content_still_renders(
    web: WebClient, db: Session, with_call: bool
) -> None:
    briefing = make_briefing(db, title_vi="Họp báo chưa có nội dung", chair="Chánh Văn phòng")
    if with_call:
        org = make_org(db)
        call = make_call(db, briefing=briefing, orgs=[org])
        make_submission(db, call, org, title="Còn là bản nháp")
    signed_in(english(web), db, Role.PRESS_OFFICE)
    page = web.get(url(briefing))
    assert page.status_code == 200
    text = page_text(page.text)
    assert "Họp báo chưa có nội dung" in text and "Chánh Văn phòng" in text
    assert "No agenda item yet." in text
    assert "No accepted content yet" in text
    assert "Còn là bản nháp" not in text
    pdf = web.get(url(briefing, ".pdf"))
    assert pdf.status_code == 200
    assert "Họp báo chưa có nội dung" in pdf_text(pdf.content)
    archive = web.get(url(briefing, ".zip"))
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zf:
        assert zf.namelist() == []


def test_unknown_briefing_is_not_found(web: WebClient, db: Session) -> None:
    signed_in(web, db, Role.PRESS_OFFICE)
    for suffix in ("", ".pdf", ".zip"):
        assert web.get(f"/office/briefings/999999/pack{suffix}").status_code == 404


# --- The PDF -----------------------------------------------------------------------------------


def test_pdf_has_the_agenda_talking_points_and_questions(
    web: WebClient, db: Session, built: Pack
) -> None:
    signed_in(web, db, Role.SPOKESPERSON)
    started = time.perf_counter()
    r = web.get(url(built.briefing, ".pdf"))
    elapsed = time.perf_counter() - started
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="tai-lieu-hop-bao-{built.briefing.id}.pdf"' in disposition
    assert "no-store" in r.headers["cache-control"]
    reader = tagged_pdf(r.content, "vi")
    assert len(reader.pages) >= 3  # cover and agenda, then each content on a page of its own
    text = pdf_text(r.content)
    for title in AGENDA_TITLES:
        assert title in text
    assert GRDP in text and TOURISM in text
    assert QUESTION_A in text and ANSWER_A in text and QUESTION_B in text and ANSWER_B in text
    assert "Hội trường tầng 3, Trụ sở Liên cơ quan số 3" in text
    assert format_datetime(built.briefing.starts_at) in text
    assert "bí mật.pdf" in text
    # No site chrome: no menu, no footer, no sign-out.
    assert "09/2017" not in text and "Đăng xuất" not in text and "Sign out" not in text
    assert text.index(TOURISM) < text.index(GRDP)  # agenda order first
    print(f"\nPDF rendered in {elapsed:.2f} s ({len(reader.pages)} pages)")


def test_pdf_fetches_nothing(tmp_path: Any) -> None:
    """WeasyPrint gets no base URL and a fetcher that refuses every URL: a stylesheet or an
    image on disk or on the network is never read."""
    css = tmp_path / "leak.css"
    css.write_text('p::after { content: " LEAKED" }', encoding="utf-8")
    html = (
        f"<link rel='stylesheet' href='{css.as_uri()}'>"
        "<style>@import url('http://127.0.0.1:9/x.css');</style>"
        f"<img src='{css.as_uri()}'><img src='leak.css'><p>Xin chào</p>"
    )
    text = pdf_text(write_pdf(html))
    assert "Xin chào" in text and "LEAKED" not in text


# --- The ZIP -----------------------------------------------------------------------------------


def test_zip_has_every_file_under_a_safe_name(web: WebClient, db: Session, built: Pack) -> None:
    signed_in(web, db, Role.PRESS_OFFICE)
    r = web.get(url(built.briefing, ".zip"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="tai-lieu-hop-bao-{built.briefing.id}.zip"' in disposition
    assert int(r.headers["content-length"]) == len(r.content)
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert sorted(names) == sorted(built.files)
        for info in zf.infolist():
            parts = info.filename.split("/")
            assert not info.filename.startswith("/") and ".." not in parts and len(parts) == 2
            assert ":" not in info.filename and "\\" not in info.filename
            assert info.compress_type == zipfile.ZIP_DEFLATED
        for name, body in built.files.items():
            assert sha(zf.read(name)) == sha(body), name
        assert "THIEU-TEP.txt" not in names
    assert "02-SOKHDT/bí mật.pdf" in names  # uploaded as "../../bí mật.pdf"


def test_zip_lists_a_missing_file_instead_of_failing(
    web: WebClient, db: Session, built: Pack, settings: Any
) -> None:
    gone = next(
        a
        for a in content.attachments(db, [built.subs["a"].id or 0])[built.subs["a"].id or 0]
        if a.filename == "bí mật.pdf"
    )
    store_for(settings).delete(gone.stored_name)
    signed_in(english(web), db, Role.PRESS_OFFICE)
    r = web.get(url(built.briefing, ".zip"))
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = set(zf.namelist())
        assert names == (set(built.files) - {"02-SOKHDT/bí mật.pdf"}) | {"THIEU-TEP.txt"}
        note = zf.read("THIEU-TEP.txt").decode("utf-8-sig")
        assert "02-SOKHDT/bí mật.pdf" in note and "Sở Kế hoạch và Đầu tư" in note
        assert "could not be found" in note
        assert sha(zf.read("02-SOKHDT/báo cáo.pdf")) == sha(built.files["02-SOKHDT/báo cáo.pdf"])


def _entry(number: int, code: str, names: list[str]) -> pack.PackEntry:
    org = OrgView(
        id=number,
        code=code,
        kind=OrgKind.DEPARTMENT,
        valid_from=date(2020, 1, 1),
        valid_to=None,
        name_vi="Sở",
        name_en="Department",
    )
    sub = Submission(id=number, call_id=1, organisation_id=number)
    files = [
        Attachment(
            id=i,
            submission_id=number,
            filename=n,
            stored_name="0" * 32,
            content_type="",
            size=1,
            sha256="",
        )
        for i, n in enumerate(names)
    ]
    return pack.PackEntry(number, sub, org, pack.render_markdown(""), files)


def test_zip_member_names_are_cleaned_and_unique() -> None:
    entries = [
        _entry(1, "SO/../TT", ["../../a.pdf", "/etc/passwd", "..", "C:\\tmp\\a.pdf", "A.PDF"]),
        _entry(12, "../đ..", ["x.pdf", "x.pdf", "x (2).pdf", "noext", "noext"]),
        _entry(13, "..", ["y.pdf"]),
    ]
    names = [m for m, _e, _a in pack.zip_members(entries)]
    assert names == [
        "01-SO-TT/a.pdf",
        "01-SO-TT/passwd",
        "01-SO-TT/tep-dinh-kem",
        "01-SO-TT/a (2).pdf",
        "01-SO-TT/A (3).PDF",
        "12-d/x.pdf",
        "12-d/x (2).pdf",
        "12-d/x (2) (2).pdf",
        "12-d/noext",
        "12-d/noext (2)",
        "13-13/y.pdf",
    ]


# --- Who may open it ---------------------------------------------------------------------------

URLS = ("", ".pdf", ".zip")


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JOURNALIST, Role.ADMIN])
def test_others_are_refused(new_web: Any, db: Session, built: Pack, role: Role) -> None:
    web = new_web()
    # A department that sent content to this very briefing is refused all the same.
    over = {"org": built.orgs["a"]} if role == Role.DEPARTMENT else {}
    signed_in(web, db, role, **over)
    for suffix in URLS:
        r = web.get(url(built.briefing, suffix))
        assert r.status_code == 403, (role, suffix)
        assert GRDP not in r.text


def test_the_anonymous_are_sent_to_sign_in(new_web: Any, built: Pack) -> None:
    web = new_web()
    for suffix in URLS:
        r = web.get(url(built.briefing, suffix))
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login?next=")
        assert GRDP not in r.text


@pytest.fixture(autouse=True)
def _no_leftover_spools(monkeypatch: Any) -> Iterator[None]:
    """Every ZIP spool that is made is closed once the response has been sent."""
    made: list[Any] = []
    original = pack.build_zip

    def spy(*args: Any, **kw: Any) -> Any:
        spool = original(*args, **kw)
        made.append(spool)
        return spool

    monkeypatch.setattr(pack, "build_zip", spy)
    yield
    assert all(s.closed for s in made)
