"""The yearly report of Decree 244/2026: its period, its six figures and the records behind each,
the heading the office fills, freezing when sent, new versions, and the downloads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session

from app.accounts.models import Role
from app.annual import service
from app.annual.service import Heading
from app.audit.service import Actor
from app.briefings.models import BriefingStatus
from app.errors import Conflict, ValidationFailed
from app.questions.models import Channel, Question, QuestionStatus
from app.timeutil import LOCAL_TZ
from tests.conftest import WebClient
from tests.factories import make_briefing, make_kind, make_org, make_user
from tests.support import actor_of, html, ok, signed_in, tagged_pdf

pytestmark = pytest.mark.clock("2026-12-16T09:00+07:00")
OFFICE = Actor(None, "office@x.vn", "press_office", None, None)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(UTC)


def conference(db: Session, day: date, status: BriefingStatus = BriefingStatus.HELD) -> int:
    kind = make_kind(db, code="regular_conference")
    b = make_briefing(db, kind=kind, starts_at=at(day, 15), ends_at=at(day, 16), status=status)
    return b.id or 0


def question(db: Session, day: date, status: QuestionStatus, **over: Any) -> int:
    journalist = over.pop("journalist", None) or make_user(db, Role.JOURNALIST)
    q = Question(
        text=over.pop("text", f"Câu hỏi ngày {day:%d/%m/%Y}?"),
        channel=Channel.ONLINE,
        received_at=at(day),
        status=status,
        journalist_id=journalist.id,
        agency_id=journalist.organisation_id,
        answered_at=at(day, 16)
        if status in (QuestionStatus.ANSWERED, QuestionStatus.REFUSED)
        else None,
        **over,
    )
    db.add(q)
    db.commit()
    return q.id or 0


def figures(db: Session, year: int = 2026) -> dict[int, tuple[list[int], list[int] | None]]:
    shown = service.show(db, year)
    return {
        f.spec.number: (
            [i.id for i in f.done],
            None if f.total is None else [i.id for i in f.total],
        )
        for f in shown.figures
    }


def test_the_2026_report_counts_exactly_the_records_from_15_december_2025_to_14_december_2026(
    db: Session,
) -> None:
    inside = [
        conference(db, date(2025, 12, 15)),  # first day, under Decree 09/2017
        conference(db, date(2026, 7, 1)),  # first day of Decree 244/2026
        conference(db, date(2026, 12, 14)),  # last day
    ]
    conference(db, date(2025, 12, 14))  # the day before: last year's report
    conference(db, date(2026, 12, 15))  # the day after: next year's report
    conference(db, date(2026, 9, 10), BriefingStatus.CANCELLED)  # not held
    conference(db, date(2026, 12, 20), BriefingStatus.PLANNED)  # not held, outside anyway

    found = figures(db)

    assert sorted(found[1][0]) == sorted(inside) and found[1][1] is None
    shown = service.show(db, 2026)
    assert (shown.first, shown.last) == (date(2025, 12, 15), date(2026, 12, 14))
    assert [(p.ruleset.code, p.first, p.last) for p in shown.parts] == [
        ("decree09-2017", date(2025, 12, 15), date(2026, 6, 30)),
        ("decree244-2026", date(2026, 7, 1), date(2026, 12, 14)),
    ]


def test_answers_count_approved_answers_and_refusals_of_requests_not_merged(db: Session) -> None:
    answered = question(db, date(2026, 3, 2), QuestionStatus.ANSWERED)
    refused = question(db, date(2026, 8, 3), QuestionStatus.REFUSED, refusal_ground="b")
    waiting = question(db, date(2026, 11, 30), QuestionStatus.ASSIGNED)
    declined = question(db, date(2026, 5, 5), QuestionStatus.DECLINED)
    question(db, date(2026, 5, 6), QuestionStatus.MERGED)  # the same request as another
    question(db, date(2026, 12, 15), QuestionStatus.ANSWERED)  # next reporting year

    done, total = figures(db)[3]

    assert sorted(done) == sorted([answered, refused])
    assert total is not None and sorted(total) == sorted([answered, refused, waiting, declined])


def test_each_figure_equals_the_length_of_the_list_behind_it(db: Session, web: WebClient) -> None:
    conference(db, date(2026, 2, 10))
    question(db, date(2026, 4, 1), QuestionStatus.ANSWERED)
    question(db, date(2026, 4, 2), QuestionStatus.NEW)
    signed_in(web, db, Role.PRESS_OFFICE)
    page = html(web.get("/reports/annual/2026").text)
    values = page.texts(".annual-figures td.num")
    assert values[0] == "1" and values[2] == "1/2"
    for number in range(1, 7):
        listing = html(web.get(f"/reports/annual/2026/figures/{number}").text)
        counts = [int(t.strip("()")) for t in listing.texts("h2 .count")]
        value = values[number - 1]
        assert "/".join(str(c) for c in counts) == value


def test_a_sent_report_keeps_its_figures_when_records_change_later(db: Session) -> None:
    conference(db, date(2026, 3, 1))
    service.save(db, actor=OFFICE, year=2026, data=_complete())
    service.mark_sent(db, actor=OFFICE, year=2026)
    conference(db, date(2026, 4, 1))  # entered after the report was sent

    assert len(figures(db)[1][0]) == 1
    with pytest.raises(Conflict):
        service.save(db, actor=OFFICE, year=2026, data=_complete(number="16/BC-UBND"))

    service.new_version(db, actor=OFFICE, year=2026, reason="Bổ sung một cuộc họp báo")
    assert len(figures(db)[1][0]) == 2  # the new draft follows the records
    assert [r.version for r in service.versions(db, 2026)] == [2, 1]
    assert len(service.show(db, 2026, version=1).figures[0].done) == 1


def test_sending_needs_the_whole_heading_and_a_year_without_data_is_refused(db: Session) -> None:
    service.save(
        db, actor=OFFICE, year=2026, data=Heading(agency="UBND TỈNH QUẢNG NINH", place="Quảng Ninh")
    )
    with pytest.raises(ValidationFailed) as caught:
        service.mark_sent(db, actor=OFFICE, year=2026)
    assert {"number", "report_date", "signer_name", "signer_title"} <= set(caught.value.errors)
    with pytest.raises(ValidationFailed) as caught:
        service.show(db, 2028)  # its reporting period has not begun
    assert set(caught.value.errors) == {"year"}
    with pytest.raises(ValidationFailed):
        service.show(db, 2016)  # no rule set
    with pytest.raises(ValidationFailed) as caught:
        service.save(db, actor=OFFICE, year=2026, data=_complete(number="15/UBND"))
    assert set(caught.value.errors) == {"number"}


def _complete(**over: Any) -> Heading:
    values: dict[str, Any] = {
        "agency": "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH",
        "number": "15/BC-UBND",
        "place": "Quảng Ninh",
        "report_date": date(2026, 12, 16),
        "signer_name": "Nguyễn Văn A (demo)",
        "signer_title": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "difficulties": "Một số sở chưa cập nhật người phát ngôn.\nĐề nghị tập huấn kỹ năng phát ngôn.",
    }
    values.update(over)
    return Heading(**values)


def test_the_docx_opens_and_has_the_six_figures_in_order(db: Session, web: WebClient) -> None:
    conference(db, date(2026, 10, 5))
    service.save(db, actor=OFFICE, year=2026, data=_complete())
    signed_in(web, db, Role.SPOKESPERSON)
    r = web.get("/reports/annual/2026.docx")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment")
    doc = Document(BytesIO(r.content))
    text = [p.text for p in doc.paragraphs]
    figures_text = [t for t in text if t[:2] in {f"{n}." for n in range(1, 7)}]
    assert [t.split(".")[0] for t in figures_text] == ["1", "2", "3", "4", "5", "6"]
    assert figures_text[0] == "1. Số cuộc họp báo tổ chức trong năm: 1"
    assert figures_text[2].startswith("3. Số lượt trả lời báo chí/tổng số đề nghị của báo chí: 0/0")
    heading_cells = [c.text for c in doc.tables[0].rows[0].cells]
    assert "Số: 15/BC-UBND" in heading_cells[0]
    assert "Độc lập - Tự do - Hạnh phúc" in heading_cells[1]
    assert "Quảng Ninh, ngày 16 tháng 12 năm 2026" in heading_cells[1]
    assert "BÁO CÁO" in text and "II. Khó khăn, vướng mắc và đề xuất, kiến nghị (nếu có)" in text
    assert "Đề nghị tập huấn kỹ năng phát ngôn." in text
    signature = doc.tables[1].rows[0].cells[1].text
    assert "Nguyễn Văn A (demo)" in signature and "(Ký tên, đóng dấu)" in signature


def test_xlsx_pdf_and_json_carry_the_same_figures(db: Session, web: WebClient) -> None:
    conference(db, date(2026, 10, 5))
    question(db, date(2026, 10, 6), QuestionStatus.ANSWERED)
    signed_in(web, db, Role.ADMIN)
    body = ok(web.get("/api/v1/reports/decree244?year=2026"))
    assert body["period"] == {"first": "2025-12-15", "last": "2026-12-14"}
    assert [f["value"] for f in body["figures"]] == ["1", "0", "1/1", "0/0", "0/0", "0/0"]
    assert body["figures"][0]["done"] == len(body["figures"][0]["done_items"])
    sheet = load_workbook(BytesIO(web.get("/reports/annual/2026.xlsx").content)).active
    assert sheet is not None
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] in (1, 3)]
    assert [(r[0], r[2], r[3]) for r in values] == [(1, 1, None), (3, 1, 1)]
    pdf = web.get("/reports/annual/2026.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    tagged_pdf(pdf.content, "vi")  # the report to the Ministry is in Vietnamese, tagged


def test_the_office_edits_others_read_and_a_department_is_refused(
    db: Session, new_web: Any
) -> None:
    office = new_web()
    signed_in(office, db, Role.PRESS_OFFICE)
    form = {
        "agency": "UBND TỈNH QUẢNG NINH",
        "number": "1/BC",
        "place": "Quảng Ninh",
        "report_date": "",
    }
    r = office.post("/reports/annual/2026", form)
    assert r.status_code == 422
    page = html(r.text)
    assert page.one("#f-number").get("value") == "1/BC"  # what was typed comes back
    assert page.texts("#f-number-error")
    assert service.versions(db, 2026) == []
    r = office.post("/reports/annual/2026", {**form, "number": "1/BC-UBND"})
    assert r.status_code == 303
    r = office.post("/reports/annual/2026/send", {})
    assert r.status_code == 422 and html(r.text).texts("#f-confirm-error")

    admin = new_web()
    signed_in(admin, db, Role.ADMIN)
    page = html(admin.get("/reports/annual/2026").text)
    assert page.all("form[action='/reports/annual/2026']") == []  # reads, cannot edit
    assert admin.post("/reports/annual/2026", {**form, "number": "2/BC-UBND"}).status_code == 403

    department = new_web()
    signed_in(department, db, Role.DEPARTMENT, org=make_org(db))
    assert department.get("/reports/annual/2026").status_code == 403
    assert department.get("/api/v1/reports/decree244?year=2026").status_code == 403


def test_an_earlier_year_opens_the_calendar_year_report_of_decree_09(
    db: Session, web: WebClient
) -> None:
    signed_in(web, db, Role.PRESS_OFFICE)
    r = web.get("/reports/annual/2025")
    assert r.status_code == 303
    assert r.headers["location"] == "/reports/annual?from=2025-01-01&to=2025-12-31"
    assert web.get("/reports/annual/2031").status_code == 404


def test_the_office_is_reminded_from_1_december_until_the_report_is_sent(db: Session) -> None:
    assert service.reminder(db, date(2026, 11, 30)) is None
    due = service.reminder(db, date(2026, 12, 1))
    assert due is not None and due["year"] == 2026 and due["due"] == date(2026, 12, 19)
    assert service.reminder(db, date(2026, 12, 20))["late"] is True  # type: ignore[index]
    service.save(db, actor=OFFICE, year=2026, data=_complete())
    service.mark_sent(db, actor=OFFICE, year=2026)
    assert service.reminder(db, date(2026, 12, 16)) is None


def test_saving_and_sending_are_audited(db: Session) -> None:
    from sqlmodel import select

    from app.audit.models import AuditEvent

    user = make_user(db, Role.PRESS_OFFICE)
    service.save(db, actor=actor_of(user), year=2026, data=_complete())
    service.mark_sent(db, actor=actor_of(user), year=2026)
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    assert actions[-2:] == ["annual_report.saved", "annual_report.sent"]
