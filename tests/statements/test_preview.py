"""Embargoed previews, on both databases: the office shares a scheduled statement with verified
journalists (all, or chosen press agencies) before its time; a journalist of the audience reads it
at its own address and as a PDF, marked "embargoed until" with their name; anyone else gets 404;
every view is audited; the preview ends with the office, with the embargo taken back, or when the
statement becomes public (then the address leads to the public page)."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select

from app import timeutil
from app.accounts.models import Role, UserStatus
from app.audit.models import AuditEvent
from app.notifications.models import Notice, NoticeKind
from app.orgs.models import OrgKind
from app.statements import service
from app.statements.models import Statement
from app.statements.service import preview
from tests.conftest import WebClient
from tests.factories import PASSWORD, make_org, make_user
from tests.statements.helpers import World, soon
from tests.support import actor_of, html

TITLE = "Công bố quy hoạch cảng biển Hạ Long"
CLOCK = "2026-12-04T10:00+07:00"


def scheduled(w: World, **over: Any) -> Statement:
    return w.issued(at=soon(120), title=TITLE, **over)


def browser(new_web: Any, email: str) -> WebClient:
    b: WebClient = new_web()
    assert b.login(email, PASSWORD).status_code == 303
    return b


def views(db: Session) -> list[AuditEvent]:
    return list(
        db.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "statement_preview.viewed")
            .order_by(col(AuditEvent.id))
        ).all()
    )


@pytest.mark.clock(CLOCK)
def test_shared_with_one_agency_only_its_verified_journalists_see_it(
    db: Session, new_web: Any
) -> None:
    w = World(db)
    st = scheduled(w)
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Hạ Long")
    other = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Khác")
    reader = make_user(db, Role.JOURNALIST, org=agency, full_name="Trần Thị Phóng Viên")
    outsider = make_user(db, Role.JOURNALIST, org=other)
    pending = make_user(db, Role.JOURNALIST, org=agency, status=UserStatus.PENDING)
    department = make_user(db, Role.DEPARTMENT)

    office = browser(new_web, w.editor_user.email)
    page = html(office.get(f"/office/statements/{st.id}").text)
    assert page.texts("#preview button") == ["Chia sẻ trước giờ công bố"]
    r = office.post(
        f"/office/statements/{st.id}/preview", {"audience": "agencies", "agencies": [agency.id]}
    )
    assert r.status_code == 303 and r.headers["location"].endswith("#preview")
    page = html(office.get(f"/office/statements/{st.id}").text)
    assert "Báo Hạ Long" in page.text("#preview .preview-state")
    assert "1 nhà báo" in page.text("#preview .preview-state")

    # The journalist of the agency is told, with the address of the preview.
    notices = db.exec(select(Notice).where(Notice.kind == NoticeKind.PREVIEW_SHARED)).all()
    assert [(n.user_id, n.link) for n in notices] == [(reader.id, f"/preview/statements/{st.id}")]

    mine = browser(new_web, reader.email)
    assert f"/preview/statements/{st.id}" in html(mine.get("/dashboard").text).attrs(
        ".previews-card a", "href"
    )
    listed = html(mine.get("/preview/statements").text)
    assert listed.texts(".preview-list h2") == [TITLE]
    r = mine.get(f"/preview/statements/{st.id}")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "private, no-store"
    assert "noindex" in r.headers["x-robots-tag"]
    banner = html(r.text).text("#embargo")
    assert "CẤM CÔNG BỐ TRƯỚC 04/12/2026 12:00" in banner
    assert "Trần Thị Phóng Viên, Báo Hạ Long" in banner
    assert html(r.text).text("h1") == TITLE

    for person in (outsider, pending, department, w.editor_user):
        b = browser(new_web, person.email)
        for url in (f"/preview/statements/{st.id}", f"/preview/statements/{st.id}.pdf"):
            r = b.get(url)
            assert r.status_code == 404, (person.role, url)
            assert TITLE not in r.text
    # An address of a statement that does not exist answers the same.
    assert mine.get("/preview/statements/999999").status_code == 404
    anonymous: WebClient = new_web()
    r = anonymous.get(f"/preview/statements/{st.id}")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")

    # Every view is in the audit log, and the office sees who read it.
    seen = views(db)
    assert [(e.actor_user_id, e.summary) for e in seen] == [(reader.id, f"#{st.id} page")]
    page = html(office.get(f"/office/statements/{st.id}").text)
    assert "Trần Thị Phóng Viên" in page.text(".preview-viewings")


@pytest.mark.clock(CLOCK)
def test_the_pdf_says_embargoed_and_whose_copy_it_is_on_every_page(
    db: Session, new_web: Any
) -> None:
    w = World(db)
    body = "\n\n".join(f"Đoạn {n}: nội dung quy hoạch cảng biển chi tiết." for n in range(160))
    st = scheduled(w, body=body)
    reader = make_user(db, Role.JOURNALIST, full_name="Lê Văn Nhà Báo")
    preview.share(db, actor=w.editor, statement_id=st.id or 0, audience_kind="all", agencies=[])
    r = browser(new_web, reader.email).get(f"/preview/statements/{st.id}.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "private, no-store"
    pages = [p.extract_text() for p in PdfReader(BytesIO(r.content)).pages]
    assert len(pages) >= 2
    for text in pages:
        assert "CẤM CÔNG BỐ TRƯỚC 04/12/2026 12:00" in text
        assert "Lê Văn Nhà Báo" in text
    assert TITLE in pages[0]
    assert [e.summary for e in views(db)] == [f"#{st.id} pdf"]


@pytest.mark.clock(CLOCK)
def test_all_verified_journalists_and_the_english_banner(db: Session, new_web: Any) -> None:
    w = World(db)
    st = scheduled(w)
    preview.share(db, actor=w.editor, statement_id=st.id or 0, audience_kind="all", agencies=[])
    reader = make_user(db, Role.JOURNALIST, full_name="Jane Reporter")
    b = browser(new_web, reader.email)
    b.client.cookies.set("pd_lang", "en")
    r = b.get(f"/preview/statements/{st.id}")
    assert "EMBARGOED UNTIL 04/12/2026 12:00" in html(r.text).text("#embargo")
    assert "Shared with Jane Reporter" in html(r.text).text("#embargo")


@pytest.mark.clock(CLOCK)
def test_ended_or_taken_back_the_preview_is_gone(db: Session, new_web: Any) -> None:
    w = World(db)
    st = scheduled(w)
    sid = st.id or 0
    reader = make_user(db, Role.JOURNALIST)
    preview.share(db, actor=w.editor, statement_id=sid, audience_kind="all", agencies=[])
    b = browser(new_web, reader.email)
    assert b.get(f"/preview/statements/{sid}").status_code == 200

    office = browser(new_web, w.editor_user.email)
    assert office.post(f"/office/statements/{sid}/preview/end").status_code == 303
    assert b.get(f"/preview/statements/{sid}").status_code == 404
    assert html(b.get("/preview/statements").text).all(".preview-list") == []

    # Shared again, then the embargo is taken back: the preview ends with it.
    preview.share(db, actor=w.editor, statement_id=sid, audience_kind="all", agencies=[])
    assert b.get(f"/preview/statements/{sid}").status_code == 200
    service.unschedule(db, actor=w.spokesperson, statement_id=sid)
    assert b.get(f"/preview/statements/{sid}").status_code == 404
    db.expire_all()
    found = preview.of_statement(db, sid)
    assert found is not None and found.ended_at is not None
    # Never issued, it can be discarded: its preview goes with it.
    service.discard(db, actor=w.editor, statement_id=sid)
    assert db.get(Statement, sid) is None and preview.of_statement(db, sid) is None


@pytest.mark.clock(CLOCK)
def test_only_a_statement_under_embargo_can_be_shared_and_the_form_says_why(
    db: Session, new_web: Any
) -> None:
    w = World(db)
    public = w.issued(title="Đã công bố")
    st = scheduled(w)
    office = browser(new_web, w.editor_user.email)
    r = office.post(f"/office/statements/{public.id}/preview", {"audience": "all"})
    assert r.status_code == 409
    assert html(office.get(f"/office/statements/{public.id}").text).all("#preview") == []

    r = office.post(f"/office/statements/{st.id}/preview", {"audience": "agencies"})
    assert r.status_code == 422
    page = html(r.text)
    assert page.texts("#f-preview-agencies-error") == ["Lỗi: Hãy chọn ít nhất một cơ quan báo chí."]
    assert page.all('#f-preview-audience input[value="agencies"][checked]')
    department = make_org(db)
    r = office.post(
        f"/office/statements/{st.id}/preview",
        {"audience": "agencies", "agencies": [department.id]},
    )
    assert r.status_code == 422
    assert preview.of_statement(db, st.id or 0) is None

    journalist = browser(new_web, make_user(db, Role.JOURNALIST).email)
    r = journalist.post(f"/office/statements/{st.id}/preview", {"audience": "all"})
    assert r.status_code == 403 and preview.of_statement(db, st.id or 0) is None


@pytest.mark.clock(CLOCK)
def test_after_the_time_the_preview_address_leads_to_the_public_page(
    db: Session, new_web: Any
) -> None:
    w = World(db)
    st = scheduled(w)
    sid = st.id or 0
    reader = make_user(db, Role.JOURNALIST)
    preview.share(db, actor=w.editor, statement_id=sid, audience_kind="all", agencies=[])
    b = browser(new_web, reader.email)
    edition = service.editions(db, sid)[0]
    assert edition.publish_at is not None
    with timeutil.clock_at(edition.publish_at + timedelta(seconds=1)):
        r = b.get(f"/preview/statements/{sid}")
        assert r.status_code == 303 and r.headers["location"] == f"/statements/{sid}"
        r = b.get(f"/preview/statements/{sid}.pdf")
        assert r.status_code == 303 and r.headers["location"] == f"/statements/{sid}.pdf"
        assert TITLE in html(b.get(f"/statements/{sid}").text).text("h1")
        assert html(b.get("/preview/statements").text).all(".preview-list") == []


@pytest.mark.clock(CLOCK)
def test_widening_the_audience_tells_only_the_newcomers_and_is_audited(db: Session) -> None:
    w = World(db)
    st = scheduled(w)
    sid = st.id or 0
    first, second = (make_org(db, kind=OrgKind.PRESS_AGENCY) for _ in range(2))
    early = make_user(db, Role.JOURNALIST, org=first)
    late = make_user(db, Role.JOURNALIST, org=second)
    make_user(db, Role.JOURNALIST, org=second, status=UserStatus.PENDING)  # never told

    preview.share(
        db, actor=w.editor, statement_id=sid, audience_kind="agencies", agencies=[first.id or 0]
    )
    assert [u.id for u in preview.audience(db, preview.of_statement(db, sid))] == [early.id]  # type: ignore[arg-type]
    assert [s.id for s, _e in preview.mine(db, actor_of(late))] == []
    preview.share(db, actor=w.editor, statement_id=sid, audience_kind="all", agencies=[])
    assert [s.id for s, _e in preview.mine(db, actor_of(late))] == [sid]

    told = db.exec(select(Notice.user_id).where(Notice.kind == NoticeKind.PREVIEW_SHARED)).all()
    assert sorted(told) == sorted([early.id, late.id])  # once each
    preview.end(db, actor=w.editor, statement_id=sid)
    actions = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "statement_preview")
        .order_by(col(AuditEvent.id))
    ).all()
    assert actions == [
        "statement_preview.shared",
        "statement_preview.shared",
        "statement_preview.ended",
    ]


@pytest.mark.clock(CLOCK)
def test_a_statement_withdrawn_under_embargo_has_no_preview(db: Session, new_web: Any) -> None:
    w = World(db)
    st = scheduled(w)
    sid = st.id or 0
    reader = make_user(db, Role.JOURNALIST)
    preview.share(db, actor=w.editor, statement_id=sid, audience_kind="all", agencies=[])
    b = browser(new_web, reader.email)
    assert b.get(f"/preview/statements/{sid}").status_code == 200
    service.withdraw(db, actor=w.spokesperson, statement_id=sid, reason="Chưa đủ căn cứ.")
    r = b.get(f"/preview/statements/{sid}")
    assert r.status_code == 404 and TITLE not in r.text
    assert preview.mine(db, actor_of(reader)) == []
