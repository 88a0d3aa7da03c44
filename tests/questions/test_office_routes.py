"""The office's and the departments' question pages as people use them (HTML over HTTP): the
triage list and its filters, the overdue tab, recording a question (errors beside the fields),
each triage step and its refusal in the wrong state, stale forms (409), due dates when assigning
and transferring, the answer draft and the approval rule, department isolation, who may use
the pages at all, the figures, and escaping.

Every test runs on SQLite and on PostgreSQL. Pages are read in English (the message ids), so the
assertions do not depend on the translations. What was stored is read back after `expire_all()`.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.holidays.service import work_calendar
from app.orgs.models import Organisation, OrgKind
from app.questions import deadlines, service
from app.questions.models import (
    Answer,
    AnswerKind,
    AnswerStatus,
    Channel,
    Question,
    QuestionStatus,
    QuestionSupport,
    QuestionTransfer,
)
from app.timeutil import LOCAL_TZ, local_today, to_local, utcnow
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_briefing, make_org, make_user, pdf_bytes

S = QuestionStatus
SYSTEM = Actor.system("test")
HTMX = {"HX-Request": "true"}
SCRIPT = "<script>alert(1)</script>"
TEXT = "Tiến độ giải phóng mặt bằng dự án cao tốc Vân Đồn – Móng Cái thế nào?"

NewWeb = Callable[[], WebClient]


# --- Helpers ---------------------------------------------------------------------------------


def text_of(html: str) -> str:
    """The visible text of a page or a piece of it, entities decoded."""
    return htmllib.unescape(page_text(html))


def sign_in(web: WebClient, db: Session, role: Role = Role.PRESS_OFFICE, **over: Any) -> User:
    user = make_user(db, role=role, **over)
    web.client.cookies.set("pd_lang", "en")
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return user


def browser(new_web: NewWeb, db: Session, role: Role, **over: Any) -> WebClient:
    web = new_web()
    sign_in(web, db, role, **over)
    return web


@pytest.fixture
def office(web: WebClient, db: Session) -> WebClient:
    sign_in(web, db, Role.PRESS_OFFICE)
    return web


def local_at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=LOCAL_TZ).astimezone(UTC)


def fresh(db: Session, ident: Any, model: Any = Question) -> Any:
    db.expire_all()
    row = db.get(model, ident)
    assert row is not None
    return row


def ask(db: Session, text: str = TEXT, **over: Any) -> Question:
    """A question recorded by the office (by e-mail unless said otherwise)."""
    data = service.QuestionInput(
        text=text,
        channel=over.pop("channel", Channel.EMAIL),
        asker_name=over.pop("asker_name", "Trần Thị Hoa"),
        agency_name=over.pop("agency_name", "Báo Thử Nghiệm"),
        **over,
    )
    return service.record(db, actor=SYSTEM, data=data)


def assigned(db: Session, org: Organisation, text: str = TEXT, **over: Any) -> Question:
    support = over.pop("support", [])
    q = ask(db, text, **over)
    return service.assign(
        db,
        actor=SYSTEM,
        question_id=q.id or 0,
        lead_org_id=org.id,
        support_ids=[o.id for o in support],
    )


def set_status(db: Session, q: Question, status: QuestionStatus, **over: Any) -> Question:
    row = fresh(db, q.id)
    row.status = status
    for k, v in over.items():
        setattr(row, k, v)
    db.add(row)
    db.commit()
    return row


def form_of(html: str, action: str) -> str:
    found = re.search(
        rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S
    )
    assert found is not None, f"no form posting to {action}"
    return found.group(1)


def hidden_in(html: str, action: str, name: str = "revision") -> str:
    found = re.search(
        rf'<input type="hidden" name="{name}" value="([^"]*)">', form_of(html, action)
    )
    assert found is not None, name
    return found.group(1)


def tag(html: str, element_id: str) -> str:
    found = re.findall(rf'<(?:input|select|textarea)[^>]*\bid="{element_id}"[^>]*>', html)
    assert len(found) == 1, found
    return found[0]


def value_of(html: str, element_id: str) -> str:
    opening = tag(html, element_id)
    if opening.startswith("<textarea"):
        found = re.search(rf'<textarea[^>]*\bid="{element_id}"[^>]*>(.*?)</textarea>', html, re.S)
        assert found is not None
        return htmllib.unescape(found.group(1))
    if opening.startswith("<select"):
        block = re.search(rf'<select[^>]*\bid="{element_id}"[^>]*>(.*?)</select>', html, re.S)
        assert block is not None
        chosen = re.search(r'<option value="([^"]*)" selected>', block.group(1))
        return htmllib.unescape(chosen.group(1)) if chosen else ""
    found = re.search(r'\bvalue="([^"]*)"', opening)
    return htmllib.unescape(found.group(1)) if found else ""


def error_text(html: str, element_id: str) -> str:
    """The error message shown beside a field (id="<field>-error")."""
    found = re.search(rf'<p class="error-text" id="{element_id}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no error beside {element_id}"
    return text_of(found.group(1)).strip()


def options(html: str, element_id: str) -> list[str]:
    block = re.search(rf'<select[^>]*\bid="{element_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block is not None, element_id
    return [v for v in re.findall(r'<option value="([^"]*)"', block.group(1)) if v]


def list_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr class="question-row[^"]*" data-id="(\d+)">', html)]


def row_of(html: str, question_id: int | None) -> str:
    found = re.search(rf'<tr class="([^"]*)" data-id="{question_id}">(.*?)</tr>', html, re.S)
    assert found is not None, f"no row for #{question_id}"
    return found.group(1) + " " + found.group(2)


def audit_count(db: Session, action: str) -> int:
    db.expire_all()
    return db.exec(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    ).one()


def answers_of(db: Session, q: Question) -> list[Answer]:
    db.expire_all()
    return list(
        db.exec(select(Answer).where(Answer.question_id == q.id).order_by(col(Answer.id))).all()
    )


def expected_due(db: Session, level: str, received: datetime) -> datetime:
    rules = deadlines.load_rules()
    return deadlines.due_at(rules.levels[level], received, work_calendar(db))


def working_day_after(db: Session, days: int) -> date:
    cal = work_calendar(db)
    day, n = local_today(), 0
    while n < days:
        day += timedelta(days=1)
        n += cal.is_working_day(day)
    return day


@dataclass
class People:
    org_a: Organisation
    org_b: Organisation
    org_c: Organisation
    office: WebClient
    office_user: User
    office_2: WebClient
    spokesperson: WebClient
    dept_a: WebClient
    dept_b: WebClient
    dept_c: WebClient


@pytest.fixture
def people(db: Session, new_web: NewWeb) -> People:
    org_a = make_org(db, name_en="Department of Construction", name_vi="Sở Xây dựng")
    org_b = make_org(db, name_en="Department of Finance", name_vi="Sở Tài chính")
    org_c = make_org(db, name_en="Department of Health", name_vi="Sở Y tế")
    office = new_web()
    office_user = sign_in(office, db, Role.PRESS_OFFICE)
    return People(
        org_a,
        org_b,
        org_c,
        office,
        office_user,
        browser(new_web, db, Role.PRESS_OFFICE),
        browser(new_web, db, Role.SPOKESPERSON),
        browser(new_web, db, Role.DEPARTMENT, org=org_a),
        browser(new_web, db, Role.DEPARTMENT, org=org_b),
        browser(new_web, db, Role.DEPARTMENT, org=org_c),
    )


# --- The triage list ---------------------------------------------------------------------------


def test_list_shows_each_question_with_asker_agency_channel_state_lead_and_due(
    people: People, db: Session
) -> None:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_en="Quang Ninh Newspaper")
    q1 = ask(db, "Câu hỏi về giá đất " + "rất dài " * 40, agency_id=agency.id, agency_name="")
    q2 = assigned(db, people.org_a, "Câu hỏi về trường học?", channel=Channel.PHONE)

    r = people.office.get("/office/questions")

    assert r.status_code == 200
    assert list_ids(r.text) == [q2.id, q1.id]  # newest first
    row1 = text_of(row_of(r.text, q1.id))
    assert "Câu hỏi về giá đất" in row1
    assert "…" in row1 and "rất dài " * 40 not in row1  # the text is cut short
    assert "Trần Thị Hoa" in row1 and "Quang Ninh Newspaper" in row1
    assert "E-mail" in row1 and "New, to triage" in row1
    assert (
        q1.due_at is not None and q1.due_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") in row1
    )
    row2 = text_of(row_of(r.text, q2.id))
    assert "Phone" in row2 and "Being answered" in row2
    assert "Department of Construction" in row2
    assert "Báo Thử Nghiệm" in row2
    assert f'href="/office/questions/{q1.id}"' in r.text


def test_the_list_shows_fifty_questions_a_page_with_how_many_there_are_in_all(
    office: WebClient, db: Session
) -> None:
    now = utcnow()
    asked = [
        ask(db, f"Câu hỏi số {n} về học phí?", received_at=now - timedelta(minutes=n))
        for n in range(1, 62)
    ]  # newest first
    ask(db, "Một câu hỏi khác?", received_at=now - timedelta(days=3))

    first = office.get("/office/questions?q=học phí")
    assert list_ids(first.text) == [q.id for q in asked[:50]]
    assert "61 questions" in text_of(first.text)
    assert "Page 1 of 2" in text_of(first.text)
    # The next page keeps the filters; the last shows the rest and links back.
    found = re.search(r'href="([^"]*page=2[^"]*)" rel="next"', first.text)
    assert found is not None and "q=h" in found.group(1)
    second = office.get(htmllib.unescape(found.group(1)))
    assert list_ids(second.text) == [q.id for q in asked[50:]]
    assert "Page 2 of 2" in text_of(second.text) and 'rel="next"' not in second.text
    assert 'rel="prev"' in second.text
    # A page past the end shows the last one; without filters every question is counted.
    assert list_ids(office.get("/office/questions?q=học phí&page=9").text) == list_ids(second.text)
    assert "62 questions" in text_of(office.get("/office/questions").text)


def test_filters_narrow_the_list_by_state_organisation_briefing_and_text(
    people: People, db: Session
) -> None:
    briefing = make_briefing(db, announced=True)
    new = ask(db, "Về giá vé xe buýt?", briefing_id=briefing.id)
    lead_a = assigned(db, people.org_a, "Về giải phóng mặt bằng?")
    lead_b = assigned(db, people.org_b, "Về ngân sách?")
    office = people.office

    assert list_ids(office.get("/office/questions?status=new").text) == [new.id]
    assert list_ids(office.get("/office/questions?status=assigned").text) == [lead_b.id, lead_a.id]
    assert list_ids(office.get(f"/office/questions?organisation={people.org_a.id}").text) == [
        lead_a.id
    ]
    assert list_ids(office.get(f"/office/questions?briefing={briefing.id}").text) == [new.id]
    assert list_ids(office.get("/office/questions?q=ngân sách").text) == [lead_b.id]
    combined = office.get(f"/office/questions?status=assigned&organisation={people.org_b.id}")
    assert list_ids(combined.text) == [lead_b.id]
    # An unknown state is ignored rather than an error; the filter form keeps what was chosen.
    assert len(list_ids(office.get("/office/questions?status=nonsense").text)) == 3
    page = office.get(f"/office/questions?organisation={people.org_a.id}&q=giải").text
    assert value_of(page, "f-organisation") == str(people.org_a.id)
    assert value_of(page, "f-q") == "giải"


def test_overdue_tab_lists_open_questions_past_their_due_date_longest_overdue_first(
    office: WebClient, db: Session
) -> None:
    now = utcnow()
    older = ask(db, "Hỏi từ lâu?", received_at=now - timedelta(days=40))
    recent = ask(db, "Hỏi tuần trước?", received_at=now - timedelta(days=20))
    on_time = ask(db, "Hỏi hôm nay?")
    answered = ask(db, "Đã trả lời?", received_at=now - timedelta(days=60))
    set_status(db, answered, S.ANSWERED, answered_at=now - timedelta(days=1))

    r = office.get("/office/questions?overdue=1")

    assert r.status_code == 200
    assert list_ids(r.text) == [older.id, recent.id]
    assert 'aria-current="page">Overdue' in r.text
    assert "question-row--overdue" in row_of(r.text, older.id)
    assert 'class="due due--overdue due-soon"' in row_of(r.text, older.id)
    everything = office.get("/office/questions").text
    assert "question-row--overdue" not in row_of(everything, on_time.id)
    assert "question-row--overdue" not in row_of(everything, answered.id)  # closed: not late


def test_search_treats_percent_and_underscore_as_plain_characters(
    office: WebClient, db: Session
) -> None:
    ask(db, "Có 1000 hộ dân bị ảnh hưởng không?")
    percent = ask(db, "Tỷ lệ giải ngân đạt 100% chưa?")

    assert list_ids(office.get("/office/questions?q=100%").text) == [percent.id]


def test_search_ignores_the_case_of_vietnamese_letters(office: WebClient, db: Session) -> None:
    road = ask(db, "Đường ven biển Hạ Long – Cẩm Phả khi nào xong?")

    assert list_ids(office.get("/office/questions?q=đường ven").text) == [road.id]


def test_list_by_htmx_answers_only_the_results(office: WebClient, db: Session) -> None:
    q = ask(db)

    r = office.get("/office/questions?q=cao tốc", headers=HTMX)

    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="question-results">')
    assert "<html" not in r.text and "<form" not in r.text
    assert list_ids(r.text) == [q.id]


# --- Recording a question ------------------------------------------------------------------------


def new_form(**over: Any) -> dict[str, Any]:
    yesterday = local_today() - timedelta(days=1)
    form: dict[str, Any] = {
        "text": TEXT,
        "topic": "Giao thông",
        "language": "vi",
        "channel": "phone",
        "briefing_id": "",
        "asker_name": "Nguyễn Văn Bình",
        "agency_id": "",
        "agency_name": "Đài PT-TH Thử",
        "received_day": yesterday.isoformat(),
        "received_time": "09:30",
        "intent": "open",
    }
    form.update(over)
    return form


def test_new_question_form_defaults_to_now_and_offers_announced_briefings_and_agencies(
    office: WebClient, db: Session
) -> None:
    announced = make_briefing(db, announced=True)
    planned = make_briefing(db)  # not announced: journalists do not know it
    recent = make_briefing(db, days_ahead=-10, announced=True)  # questions may be typed up late
    past = make_briefing(db, days_ahead=-20, announced=True)
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY)
    department = make_org(db)

    r = office.get("/office/questions/new")

    assert r.status_code == 200
    now = to_local(utcnow())
    assert value_of(r.text, "f-received_day") == now.date().isoformat()
    received = datetime.strptime(value_of(r.text, "f-received_time"), "%H:%M").time()
    assert abs(datetime.combine(now.date(), received, LOCAL_TZ) - now) < timedelta(minutes=2)
    assert value_of(r.text, "f-language") == "vi"
    assert options(r.text, "f-briefing_id") == [str(recent.id), str(announced.id)]
    assert str(planned.id) not in options(r.text, "f-briefing_id")
    assert str(past.id) not in options(r.text, "f-briefing_id")
    assert options(r.text, "f-agency_id") == [str(agency.id)]
    assert str(department.id) not in options(r.text, "f-agency_id")
    assert set(options(r.text, "f-channel")) == {c.value for c in Channel}
    assert 'name="viewport"' in r.text  # usable on a phone


def test_recording_a_question_stores_it_with_its_due_date_and_opens_it(
    office: WebClient, db: Session
) -> None:
    r = office.post("/office/questions/new", new_form())

    assert r.status_code == 303, r.text
    db.expire_all()
    (q,) = db.exec(select(Question)).all()
    assert r.headers["location"] == f"/office/questions/{q.id}"
    received = local_at(local_today() - timedelta(days=1), 9, 30)
    assert q.received_at == received
    assert (q.text, q.topic, q.channel, q.asker_name, q.agency_name) == (
        TEXT,
        "Giao thông",
        Channel.PHONE,
        "Nguyễn Văn Bình",
        "Đài PT-TH Thử",
    )
    assert q.status == S.NEW and q.recorded_by is not None
    assert q.due_at == expected_due(db, "phone", received)
    assert q.due_basis == "phone"
    assert audit_count(db, "question.recorded") == 1
    page = office.get(r.headers["location"]).text
    assert "Question by phone: within 5 working days" in text_of(page)


def test_recording_an_incident_from_a_listed_agency_is_due_in_24_hours(
    office: WebClient, db: Session
) -> None:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY)
    briefing = make_briefing(db, announced=True)
    form = new_form(
        agency_id=str(agency.id),
        agency_name="",
        incident="1",
        briefing_id=str(briefing.id),
        channel="online",
        intent="another",
    )

    r = office.post("/office/questions/new", form)

    assert r.status_code == 303
    assert r.headers["location"] == f"/office/questions/new?channel=online&briefing={briefing.id}"
    db.expire_all()
    (q,) = db.exec(select(Question)).all()
    assert q.agency_id == agency.id and q.incident and q.briefing_id == briefing.id
    assert q.due_at == q.received_at + timedelta(hours=24)
    assert q.due_basis == "incident"
    again = office.get(r.headers["location"]).text
    assert value_of(again, "f-channel") == "online"
    assert value_of(again, "f-briefing_id") == str(briefing.id)


def test_recording_without_the_needed_fields_shows_the_messages_beside_the_fields(
    office: WebClient, db: Session
) -> None:
    form = new_form(channel="", asker_name="", agency_name="", topic=SCRIPT)

    r = office.post("/office/questions/new", form)

    assert r.status_code == 422
    assert "Choose how the question came in." in error_text(r.text, "f-channel")
    assert "Enter the journalist's name." in error_text(r.text, "f-asker_name")
    assert "Enter the press agency" in error_text(r.text, "f-agency_name")
    assert 'aria-invalid="true"' in tag(r.text, "f-channel")
    assert 'href="#f-channel"' in r.text  # the summary links to the field
    # What was typed stays.
    assert value_of(r.text, "f-text") == TEXT
    assert value_of(r.text, "f-topic") == SCRIPT
    assert value_of(r.text, "f-received_time") == "09:30"
    assert "<script>alert(1)" not in r.text
    db.expire_all()
    assert db.exec(select(Question)).all() == []


def test_recording_without_text_shows_the_message_beside_the_text(
    office: WebClient, db: Session
) -> None:
    r = office.post("/office/questions/new", new_form(text="  "))

    assert r.status_code == 422
    assert "Write your question." in error_text(r.text, "f-text")
    assert 'aria-invalid="true"' in tag(r.text, "f-text")
    assert value_of(r.text, "f-asker_name") == "Nguyễn Văn Bình"
    db.expire_all()
    assert db.exec(select(Question)).all() == []


def test_recording_with_several_mistakes_shows_all_of_them_at_once(
    office: WebClient, db: Session
) -> None:
    r = office.post(
        "/office/questions/new", new_form(text="", channel="", asker_name="", agency_name="")
    )

    assert r.status_code == 422
    assert "Write your question." in error_text(r.text, "f-text")
    assert "Choose how the question came in." in error_text(r.text, "f-channel")
    assert "Enter the journalist's name." in error_text(r.text, "f-asker_name")


@pytest.mark.parametrize(
    ("day", "at", "message"),
    [
        ("31/02/2026", "09:30", "Enter the date and time the question came in"),
        ("", "nine", "Enter the date and time the question came in"),
        ("tomorrow", "", "Enter the date and time the question came in"),
    ],
)
def test_an_unreadable_time_received_is_refused_beside_it(
    office: WebClient, db: Session, day: str, at: str, message: str
) -> None:
    r = office.post("/office/questions/new", new_form(received_day=day, received_time=at))

    assert r.status_code == 422
    assert message in error_text(r.text, "f-received_at")
    db.expire_all()
    assert db.exec(select(Question)).all() == []


def live_briefing(db: Session) -> Any:
    now = utcnow()
    return make_briefing(
        db,
        announced=True,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=80),
    )


def test_during_a_briefing_the_form_chooses_it_and_the_question_joins_its_live_queue(
    office: WebClient, db: Session
) -> None:
    briefing = live_briefing(db)

    page = office.get("/office/questions/new").text
    assert value_of(page, "f-briefing_id") == str(briefing.id)
    assert value_of(page, "f-channel") == "briefing"
    now = to_local(utcnow())
    form = new_form(
        briefing_id=str(briefing.id),
        channel="briefing",
        received_day=now.date().isoformat(),
        received_time=now.strftime("%H:%M"),
    )

    assert office.post("/office/questions/new", form).status_code == 303

    db.expire_all()
    (q,) = db.exec(select(Question)).all()
    assert q.briefing_id == briefing.id and q.live_state is not None
    assert q.due_basis == "briefing"


def test_declining_a_question_from_the_room_takes_it_off_the_live_queue(
    office: WebClient, db: Session
) -> None:
    briefing = live_briefing(db)
    q = ask(db, channel=Channel.BRIEFING, briefing_id=briefing.id)
    assert q.live_state is not None and q.live_state.value == "allowed"

    assert step(office, q, "decline", reason="Không thuộc chủ đề họp báo.").status_code == 303

    row = fresh(db, q.id)
    assert row.status == S.DECLINED
    assert row.live_state is not None and row.live_state.value == "dismissed"


def test_a_time_received_in_the_future_is_refused_beside_it(office: WebClient, db: Session) -> None:
    tomorrow = local_today() + timedelta(days=1)

    r = office.post("/office/questions/new", new_form(received_day=tomorrow.isoformat()))

    assert r.status_code == 422
    assert "cannot be in the future" in error_text(r.text, "f-received_at")


def test_a_time_received_before_any_rule_set_is_refused_beside_it(
    office: WebClient, db: Session
) -> None:
    # Press Desk holds the law from 30/03/2017 (Decree 09/2017): an incident question of 2016
    # cannot be given a law, so it is refused rather than guessed (and nothing is written).
    form = new_form(received_day="2016-05-10", received_time="09:00", incident="1")

    r = office.post("/office/questions/new", form)

    assert r.status_code == 422
    assert "30/03/2017" in error_text(r.text, "f-received_at")
    assert db.exec(select(Question)).all() == []


def test_a_briefing_not_announced_or_an_agency_not_a_press_agency_is_refused(
    office: WebClient, db: Session
) -> None:
    planned = make_briefing(db)
    department = make_org(db)

    r = office.post("/office/questions/new", new_form(briefing_id=str(planned.id)))
    assert r.status_code == 422
    assert "still to be held" in error_text(r.text, "f-briefing_id")

    r = office.post("/office/questions/new", new_form(agency_id=str(department.id), agency_name=""))
    assert r.status_code == 422
    assert "press agency from the list" in error_text(r.text, "f-agency_id")
    db.expire_all()
    assert db.exec(select(Question)).all() == []


# --- Triage steps -------------------------------------------------------------------------------


def step(web: WebClient, q: Question, name: str, **form: Any) -> Any:
    page = web.get(f"/office/questions/{q.id}").text
    form.setdefault("revision", hidden_in(page, f"/office/questions/{q.id}/{name}"))
    return web.post(f"/office/questions/{q.id}/{name}", form)


def test_the_question_page_offers_only_the_steps_allowed_now(
    office: WebClient, db: Session
) -> None:
    org = make_org(db)
    new = ask(db)
    accepted = service.accept(db, actor=SYSTEM, question_id=ask(db, "Khác?").id or 0)
    lead = assigned(db, org, "Thứ ba?")

    def offered(q: Question) -> set[str]:
        page = office.get(f"/office/questions/{q.id}").text
        return set(re.findall(rf'action="/office/questions/{q.id}/(\w+)"', page)) - {
            "answer",
            "approve",
        }

    assert offered(new) == {"accept", "merge", "decline", "assign"}
    assert offered(accepted) == {"merge", "decline", "assign"}
    assert offered(lead) == {"transfer"}
    closed = set_status(db, ask(db, "Đã xong?"), S.DECLINED)
    assert offered(closed) == set()


def test_accepting_as_an_incident_puts_the_question_on_the_24_hour_rule(
    office: WebClient, db: Session
) -> None:
    q = ask(db)

    r = step(office, q, "accept", incident="1")

    assert r.status_code == 303
    assert r.headers["location"] == f"/office/questions/{q.id}"
    row = fresh(db, q.id)
    assert row.status == S.ACCEPTED and row.incident
    assert row.due_at == row.received_at + timedelta(hours=24) and row.due_basis == "incident"
    page = office.get(f"/office/questions/{q.id}").text
    assert "The question has been accepted." in page
    assert "Information on an incident: within 24 hours" in text_of(page)


def test_accepting_without_the_incident_box_keeps_the_working_day_rule(
    office: WebClient, db: Session
) -> None:
    q = ask(db)

    assert step(office, q, "accept").status_code == 303

    row = fresh(db, q.id)
    assert row.status == S.ACCEPTED and not row.incident
    assert row.due_at == q.due_at and row.due_basis == "email"


def test_merging_links_the_question_to_the_earlier_one(office: WebClient, db: Session) -> None:
    earlier = ask(db, "Giá đất năm nay?")
    q = ask(db, "Giá đất năm nay thế nào?")
    page = office.get(f"/office/questions/{q.id}").text
    assert str(earlier.id) in options(page, "f-merge-into_id")
    assert str(q.id) not in options(page, "f-merge-into_id")

    r = step(office, q, "merge", into_id=str(earlier.id))

    assert r.status_code == 303
    row = fresh(db, q.id)
    assert row.status == S.MERGED and row.merged_into_id == earlier.id
    page = office.get(f"/office/questions/{q.id}").text
    assert f'href="/office/questions/{earlier.id}"' in page
    assert f'href="/office/questions/{q.id}"' in office.get(f"/office/questions/{earlier.id}").text


def test_merging_by_number_and_without_a_target(office: WebClient, db: Session) -> None:
    earlier = ask(db, "Hỏi trước?")
    q = ask(db, "Hỏi sau?")

    r = step(office, q, "merge", into_id="", into_number="")
    assert r.status_code == 422
    assert "Choose another question to merge into." in error_text(r.text, "f-merge-into_id")
    assert fresh(db, q.id).status == S.NEW

    assert step(office, q, "merge", into_number=f"#{earlier.id}").status_code == 303
    assert fresh(db, q.id).merged_into_id == earlier.id


def test_declining_needs_a_reason_beside_its_field_and_keeps_it(
    office: WebClient, db: Session
) -> None:
    q = ask(db)

    r = step(office, q, "decline", reason="  ")
    assert r.status_code == 422
    assert "Say why the question is declined." in error_text(r.text, "f-decline-reason")
    assert fresh(db, q.id).status == S.NEW

    r = step(office, q, "decline", reason="Không thuộc thẩm quyền của tỉnh.")
    assert r.status_code == 303
    row = fresh(db, q.id)
    assert row.status == S.DECLINED and row.status_reason == "Không thuộc thẩm quyền của tỉnh."
    assert "Không thuộc thẩm quyền của tỉnh." in office.get(f"/office/questions/{q.id}").text


def test_assigning_keeps_the_due_date_of_the_rules_and_stores_the_supporting_organisations(
    office: WebClient, db: Session
) -> None:
    lead, helper_1, helper_2 = make_org(db), make_org(db), make_org(db)
    q = ask(db)

    r = step(
        office,
        q,
        "assign",
        lead_org_id=str(lead.id),
        support_ids=[str(helper_1.id), str(helper_2.id), str(lead.id)],
        due_on="",
    )

    assert r.status_code == 303
    row = fresh(db, q.id)
    assert row.status == S.ASSIGNED and row.lead_org_id == lead.id
    assert row.due_at == q.due_at == expected_due(db, "email", q.received_at)
    assert row.due_basis == "email"
    assert service.supporting(db, q.id or 0) == sorted([helper_1.id or 0, helper_2.id or 0])
    page = text_of(office.get(f"/office/questions/{q.id}").text)
    assert "Question by e-mail: within 5 working days" in page


def test_assigning_with_a_date_of_the_office_sets_that_day_and_says_so(
    office: WebClient, db: Session
) -> None:
    org = make_org(db)
    q = ask(db)
    day = working_day_after(db, 2)

    r = step(office, q, "assign", lead_org_id=str(org.id), due_on=day.isoformat())

    assert r.status_code == 303
    row = fresh(db, q.id)
    assert row.due_at == deadlines.end_of_day(day) and row.due_basis == "office"
    page = text_of(office.get(f"/office/questions/{q.id}").text)
    assert "Date set by the press office" in page
    assert f"{day:%d/%m/%Y} 17:00" in page


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"lead_org_id": ""}, "f-assign-lead_org_id", "Choose an organisation from the list."),
        ({"due_on": "2020-01-01"}, "f-assign-due_on", "cannot be in the past"),
        ({"due_on": "soon"}, "f-assign-due_on", "Enter a date"),
    ],
)
def test_assigning_refuses_bad_input_beside_the_field(
    office: WebClient, db: Session, form: dict[str, str], field: str, message: str
) -> None:
    org = make_org(db)
    q = ask(db)

    r = step(office, q, "assign", **({"lead_org_id": str(org.id)} | form))

    assert r.status_code == 422
    assert message in error_text(r.text, field)
    assert fresh(db, q.id).status == S.NEW
    if form.get("due_on"):
        assert value_of(r.text, "f-assign-due_on") == form["due_on"]  # as typed


def test_a_press_agency_cannot_be_made_the_lead(office: WebClient, db: Session) -> None:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY)
    q = ask(db)
    page = office.get(f"/office/questions/{q.id}").text
    assert str(agency.id) not in options(page, "f-assign-lead_org_id")

    r = step(office, q, "assign", lead_org_id=str(agency.id))

    assert r.status_code == 422
    assert fresh(db, q.id).lead_org_id is None


def test_transferring_keeps_the_due_date_and_shows_the_history(people: People, db: Session) -> None:
    q = assigned(db, people.org_a, support=[people.org_b])
    due = q.due_at

    r = step(people.office, q, "transfer", to_org_id=str(people.org_b.id), reason="Đúng chuyên môn")

    assert r.status_code == 303
    row = fresh(db, q.id)
    assert row.lead_org_id == people.org_b.id and row.status == S.ASSIGNED
    assert row.due_at == due and row.due_basis == "email"
    (t,) = db.exec(select(QuestionTransfer)).all()
    assert (t.from_org_id, t.to_org_id, t.reason) == (
        people.org_a.id,
        people.org_b.id,
        "Đúng chuyên môn",
    )
    assert service.supporting(db, q.id or 0) == []  # the new lead no longer "supports"
    page = people.office.get(f"/office/questions/{q.id}").text
    transfers = re.search(r'<table class="table table--dense transfers">(.*?)</table>', page, re.S)
    assert transfers is not None
    text = text_of(transfers.group(1))
    assert "Department of Construction" in text and "Department of Finance" in text
    assert "Đúng chuyên môn" in text
    # The department that lost the question no longer sees it; the new lead does.
    assert people.dept_a.get(f"/dept/questions/{q.id}").status_code == 404
    assert people.dept_b.get(f"/dept/questions/{q.id}").status_code == 200


def test_transferring_to_the_same_organisation_is_refused_beside_the_field(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a)

    r = step(people.office, q, "transfer", to_org_id=str(people.org_a.id))

    assert r.status_code == 422
    assert "already with this organisation" in error_text(r.text, "f-transfer-to_org_id")


@pytest.mark.parametrize(
    ("status", "name", "form"),
    [
        (S.ACCEPTED, "accept", {}),
        (S.ASSIGNED, "merge", {"into_id": "EARLIER"}),
        (S.ASSIGNED, "decline", {"reason": "Không phù hợp"}),
        (S.ASSIGNED, "assign", {"lead_org_id": "ORG"}),
        (S.NEW, "transfer", {"to_org_id": "ORG"}),
        (S.ANSWERED, "transfer", {"to_org_id": "ORG"}),
        (S.DECLINED, "accept", {}),
    ],
)
def test_a_step_in_the_wrong_state_is_refused_with_409_and_changes_nothing(
    office: WebClient, db: Session, status: QuestionStatus, name: str, form: dict[str, str]
) -> None:
    org, other = make_org(db), make_org(db)
    earlier = ask(db, "Hỏi trước?")
    q = ask(db)
    q = set_status(db, q, status, lead_org_id=other.id if status != S.NEW else None)
    values = {
        k: {"EARLIER": str(earlier.id), "ORG": str(org.id)}.get(v, v) for k, v in form.items()
    }
    values["revision"] = str(q.revision)

    r = office.post(f"/office/questions/{q.id}/{name}", values)

    assert r.status_code == 409, r.text
    assert "This step is not possible in the question's current state." in text_of(r.text)
    assert 'role="alert"' in r.text
    row = fresh(db, q.id)
    assert row.status == status and row.revision == q.revision
    assert db.exec(select(QuestionTransfer)).all() == []


@pytest.mark.parametrize("name", ["answer_now", "refuse", "nothing", "ANSWER"])
def test_an_unknown_step_is_not_found(office: WebClient, db: Session, name: str) -> None:
    q = ask(db)

    r = office.post(f"/office/questions/{q.id}/{name}", {"revision": str(q.revision)})

    assert r.status_code == 404
    assert fresh(db, q.id).status == S.NEW


def test_a_step_on_a_missing_question_is_not_found(office: WebClient, db: Session) -> None:
    assert office.get("/office/questions/999999").status_code == 404
    assert office.post("/office/questions/999999/accept", {"revision": "1"}).status_code == 404


def test_a_stale_form_is_refused_with_409_and_the_message_and_keeps_what_was_typed(
    people: People, db: Session
) -> None:
    q = ask(db)
    page = people.office.get(f"/office/questions/{q.id}").text
    old = hidden_in(page, f"/office/questions/{q.id}/decline")
    # Someone else accepts the question meanwhile.
    assert step(people.office_2, q, "accept").status_code == 303

    r = people.office.post(
        f"/office/questions/{q.id}/decline", {"revision": old, "reason": "Trùng lặp"}
    )

    assert r.status_code == 409
    assert "Someone else changed this while you were editing it." in text_of(r.text)
    assert value_of(r.text, "f-decline-reason") == "Trùng lặp"
    row = fresh(db, q.id)
    assert row.status == S.ACCEPTED and row.status_reason == ""
    # The page now carries the current revision: a deliberate second try goes through.
    assert hidden_in(r.text, f"/office/questions/{q.id}/decline") == str(row.revision)
    again = people.office.post(
        f"/office/questions/{q.id}/decline", {"revision": str(row.revision), "reason": "Trùng lặp"}
    )
    assert again.status_code == 303
    assert fresh(db, q.id).status == S.DECLINED


# --- Answers and approval ----------------------------------------------------------------------


def answer_form(**over: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "kind": "answer",
        "text": "Dự án đã giải phóng 95% mặt bằng.",
        "intent": "send",  # a department's "send for approval" (the office's save sends anyway)
    }
    form.update(over)
    return form


def draft(web: WebClient, q: Question, prefix: str = "/office", **over: Any) -> Any:
    page = web.get(f"{prefix}/questions/{q.id}").text
    form = answer_form(**over)
    form.setdefault("revision", hidden_in(page, f"{prefix}/questions/{q.id}/answer"))
    return web.post(f"{prefix}/questions/{q.id}/answer", form)


def approve(web: WebClient, q: Question) -> Any:
    page = web.get(f"/office/questions/{q.id}").text
    revision = hidden_in(page, f"/office/questions/{q.id}/approve")
    return web.post(f"/office/questions/{q.id}/approve", {"revision": revision})


def test_the_person_who_drafted_cannot_approve_another_office_user_can(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a)

    r = draft(people.office, q, public="1")
    assert r.status_code == 303
    assert r.headers["location"] == f"/office/questions/{q.id}#answer"
    (a,) = answers_of(db, q)
    assert a.status == AnswerStatus.DRAFT and a.drafted_by == people.office_user.id and a.public

    r = approve(people.office, q)
    assert r.status_code == 403
    assert "another person must approve it" in text_of(r.text)
    assert 'role="alert"' in r.text
    assert TEXT in text_of(r.text)  # the question page, not a bare error page
    assert answers_of(db, q)[0].status == AnswerStatus.DRAFT
    assert fresh(db, q.id).status == S.ASSIGNED

    r = approve(people.office_2, q)
    assert r.status_code == 303
    (a,) = answers_of(db, q)
    assert a.status == AnswerStatus.APPROVED and a.approved_by is not None
    row = fresh(db, q.id)
    assert row.status == S.ANSWERED and row.answered_at is not None
    page = people.office_2.get(f"/office/questions/{q.id}").text
    assert "The answer has been approved" in page
    assert "Dự án đã giải phóng 95% mặt bằng." in page


def test_the_last_editor_cannot_approve_either(people: People, db: Session) -> None:
    q = assigned(db, people.org_a)
    assert draft(people.office, q).status_code == 303
    assert draft(people.office_2, q, text="Bản sửa lại.").status_code == 303

    assert approve(people.office_2, q).status_code == 403
    assert approve(people.office, q).status_code == 403  # drafted it
    assert approve(people.spokesperson, q).status_code == 303
    assert fresh(db, q.id).status == S.ANSWERED


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_a_refusal_needs_its_legal_ground_and_the_spokesperson(people: People, db: Session) -> None:
    q = assigned(db, people.org_a)

    r = draft(people.office, q, kind="refusal", text="Vụ việc đang thanh tra.")
    assert r.status_code == 422
    assert "legal ground" in error_text(r.text, "f-answer-refusal_ground")
    assert value_of(r.text, "f-answer-text") == "Vụ việc đang thanh tra."
    assert value_of(r.text, "f-answer-kind") == "refusal"
    assert answers_of(db, q) == []

    r = draft(people.office, q, kind="refusal", text="Vụ việc đang thanh tra.", refusal_ground="c")
    assert r.status_code == 303
    page = people.office_2.get(f"/office/questions/{q.id}").text
    assert "Approve the refusal" in page
    assert "Press Law 2025 Art. 31(2)(c)" in page  # the law of today, in English

    r = approve(people.office_2, q)
    assert r.status_code == 403
    assert "Only the spokesperson may approve a refusal." in text_of(r.text)
    assert fresh(db, q.id).status == S.ASSIGNED

    assert approve(people.spokesperson, q).status_code == 303
    row = fresh(db, q.id)
    assert row.status == S.REFUSED
    (a,) = answers_of(db, q)
    assert a.kind == AnswerKind.REFUSAL and a.refusal_ground == "c" and not a.public


def test_an_approved_holding_answer_sets_the_new_due_date_and_keeps_the_question_open(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a)
    day = working_day_after(db, 10)

    r = draft(people.office, q, kind="holding", text="Chúng tôi sẽ trả lời sau.", new_due_on="")
    assert r.status_code == 422
    assert "after today" in error_text(r.text, "f-answer-new_due_on")

    assert (
        draft(people.office, q, kind="holding", text="Sẽ trả lời.", new_due_on=day.isoformat())
    ).status_code == 303
    assert approve(people.office_2, q).status_code == 303

    row = fresh(db, q.id)
    assert row.status == S.ASSIGNED
    assert row.due_at == deadlines.end_of_day(day) and row.due_basis == "holding"
    page = text_of(people.office.get(f"/office/questions/{q.id}").text)
    assert "New date promised in a holding answer" in page
    # The question can be answered later with a new draft.
    assert "Draft the answer" in page


def test_an_answer_on_a_question_not_assigned_is_refused_with_409(
    office: WebClient, db: Session
) -> None:
    q = ask(db)

    r = office.post(f"/office/questions/{q.id}/answer", answer_form())

    assert r.status_code == 409
    assert "Only a question assigned to an organisation can be answered." in text_of(r.text)
    assert answers_of(db, q) == []


def test_approving_without_a_draft_is_refused_with_409(office: WebClient, db: Session) -> None:
    org = make_org(db)
    q = assigned(db, org)

    r = office.post(f"/office/questions/{q.id}/approve", {"revision": ""})

    assert r.status_code == 409
    assert "There is no drafted answer to approve." in text_of(r.text)


def test_a_stale_draft_is_refused_and_gives_the_typed_text_back(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a)
    assert draft(people.office, q).status_code == 303
    page = people.office.get(f"/office/questions/{q.id}").text
    old = hidden_in(page, f"/office/questions/{q.id}/answer")
    assert draft(people.dept_a, q, prefix="/dept", text="Sở sửa.").status_code == 303

    r = people.office.post(
        f"/office/questions/{q.id}/answer", answer_form(text="Bản của văn phòng.", revision=old)
    )

    assert r.status_code == 409
    assert "Someone else changed this" in text_of(r.text)
    assert value_of(r.text, "f-answer-text") == "Bản của văn phòng."
    (current,) = answers_of(db, q)
    assert current.text == "Sở sửa."
    # The form now carries the current revision: a deliberate second save goes through.
    assert hidden_in(r.text, f"/office/questions/{q.id}/answer") == str(current.revision)
    again = people.office.post(
        f"/office/questions/{q.id}/answer",
        answer_form(text="Bản của văn phòng.", revision=str(current.revision)),
    )
    assert again.status_code == 303
    assert answers_of(db, q)[0].text == "Bản của văn phòng."


def test_two_first_drafts_at_once_do_not_overwrite_each_other(people: People, db: Session) -> None:
    q = assigned(db, people.org_a)
    page = people.office_2.get(f"/office/questions/{q.id}").text
    before_any = hidden_in(page, f"/office/questions/{q.id}/answer")
    assert draft(people.office, q, text="Bản thứ nhất.").status_code == 303

    r = people.office_2.post(
        f"/office/questions/{q.id}/answer", answer_form(text="Bản thứ hai.", revision=before_any)
    )

    assert r.status_code == 409
    assert value_of(r.text, "f-answer-text") == "Bản thứ hai."
    assert [a.text for a in answers_of(db, q)] == ["Bản thứ nhất."]


def test_approving_a_draft_changed_since_the_page_was_loaded_is_refused(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a)
    assert draft(people.dept_a, q, prefix="/dept").status_code == 303
    page = people.office.get(f"/office/questions/{q.id}").text
    old = hidden_in(page, f"/office/questions/{q.id}/approve")
    assert draft(people.dept_a, q, prefix="/dept", text="Đã sửa sau.").status_code == 303

    r = people.office.post(f"/office/questions/{q.id}/approve", {"revision": old})

    assert r.status_code == 409
    assert answers_of(db, q)[0].status == AnswerStatus.DRAFT


# --- The department -------------------------------------------------------------------------------


def test_department_lists_its_questions_open_first_by_due_date(people: People, db: Session) -> None:
    now = utcnow()
    later = assigned(db, people.org_a, "Hỏi hôm nay?")
    sooner = assigned(db, people.org_a, "Hỏi tuần trước?", received_at=now - timedelta(days=7))
    supported = assigned(db, people.org_b, "Sở B chủ trì?", support=[people.org_a])
    done = assigned(db, people.org_a, "Đã trả lời?", received_at=now - timedelta(days=3))
    set_status(db, done, S.ANSWERED, answered_at=now)
    not_ours = assigned(db, people.org_c, "Của Sở C?")

    r = people.dept_a.get("/dept/questions")

    assert r.status_code == 200
    ids = list_ids(r.text)
    assert ids[:3] == sorted([later.id, sooner.id, supported.id], key=lambda i: fresh(db, i).due_at)
    assert ids[0] == sooner.id
    assert ids[-1] == done.id
    assert not_ours.id not in ids
    assert "We support Department of Finance" in text_of(row_of(r.text, supported.id))
    assert "We lead" in text_of(row_of(r.text, later.id))
    assert "Question by e-mail: within 5 working days" in text_of(row_of(r.text, later.id))


def test_the_lead_department_drafts_the_answer_and_the_office_approves_it(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a)
    page = people.dept_a.get(f"/dept/questions/{q.id}").text
    assert f'action="/dept/questions/{q.id}/answer"' in page
    assert "/accept" not in page and "/assign" not in page and "/approve" not in page

    r = draft(people.dept_a, q, prefix="/dept")

    assert r.status_code == 303
    assert r.headers["location"] == f"/dept/questions/{q.id}#answer"
    (a,) = answers_of(db, q)
    assert a.organisation_id == people.org_a.id and a.status == AnswerStatus.DRAFT
    assert "Draft, waiting for approval" in people.dept_a.get(f"/dept/questions/{q.id}").text
    assert approve(people.office, q).status_code == 303
    assert fresh(db, q.id).status == S.ANSWERED
    assert "Approved" in people.dept_a.get(f"/dept/questions/{q.id}").text


def test_a_department_saves_without_sending_and_nobody_may_approve_it_yet(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a)
    r = draft(people.dept_a, q, prefix="/dept", intent="save")
    assert r.status_code == 303
    page = people.dept_a.get(f"/dept/questions/{q.id}").text
    assert "Not sent yet: only your organisation sees this draft." in text_of(page)
    office_page = people.office.get(f"/office/questions/{q.id}").text
    assert f'action="/office/questions/{q.id}/approve"' not in office_page
    assert "has not sent it" in text_of(office_page)
    (a,) = answers_of(db, q)
    assert a.submitted_at is None
    r = people.office.post(f"/office/questions/{q.id}/approve", {"revision": str(a.revision)})
    assert r.status_code == 409 and fresh(db, q.id).status == S.ASSIGNED

    r = draft(people.dept_a, q, prefix="/dept")  # "send the answer for approval"
    assert r.status_code == 303
    assert approve(people.office, q).status_code == 303
    assert fresh(db, q.id).status == S.ANSWERED


def test_a_refused_file_gives_the_typed_answer_back_and_keeps_nothing(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a)
    page = people.dept_a.get(f"/dept/questions/{q.id}").text
    revision = hidden_in(page, f"/dept/questions/{q.id}/answer")
    typed = "Câu trả lời dài đã gõ xong, không được mất."
    r = people.dept_a.post(
        f"/dept/questions/{q.id}/answer",
        {"kind": "answer", "text": typed, "intent": "send", "revision": revision},
        files=[("files", ("bao-cao.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"))],
    )
    assert r.status_code == 415
    assert typed in r.text  # the text comes back in the form
    assert "choose the files again" in error_text(r.text, "f-answer-files")
    assert answers_of(db, q) == []  # nothing half-saved


def test_text_and_files_are_sent_in_one_form(people: People, db: Session, app: Any) -> None:
    q = assigned(db, people.org_a)
    page = people.dept_a.get(f"/dept/questions/{q.id}").text
    revision = hidden_in(page, f"/dept/questions/{q.id}/answer")
    r = people.dept_a.post(
        f"/dept/questions/{q.id}/answer",
        {"kind": "answer", "text": "Xem báo cáo kèm theo.", "intent": "send", "revision": revision},
        files=[("files", ("Báo cáo.pdf", pdf_bytes(), "application/pdf"))],
    )
    assert r.status_code == 303
    (a,) = answers_of(db, q)
    assert a.text == "Xem báo cáo kèm theo." and a.submitted_at is not None
    page = people.office.get(f"/office/questions/{q.id}").text
    assert "Báo cáo.pdf" in page


def test_department_answer_errors_are_shown_beside_the_fields(people: People, db: Session) -> None:
    q = assigned(db, people.org_a)

    r = draft(people.dept_a, q, prefix="/dept", text="")

    assert r.status_code == 422
    assert "Write the answer." in error_text(r.text, "f-answer-text")
    assert answers_of(db, q) == []


def test_another_organisations_question_is_not_found_on_get_and_post(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a, support=[people.org_b])

    assert people.dept_c.get(f"/dept/questions/{q.id}").status_code == 404
    r = people.dept_c.post(f"/dept/questions/{q.id}/answer", answer_form(revision=""))
    assert r.status_code == 404
    assert TEXT not in r.text
    assert answers_of(db, q) == []
    assert TEXT not in people.dept_c.get("/dept/questions").text


def test_a_supporting_organisation_sees_the_question_but_cannot_draft(
    people: People, db: Session
) -> None:
    q = assigned(db, people.org_a, support=[people.org_b])

    page = people.dept_b.get(f"/dept/questions/{q.id}")
    assert page.status_code == 200
    assert TEXT in text_of(page.text)
    assert f'action="/dept/questions/{q.id}/answer"' not in page.text
    assert "supports Department of Construction" in text_of(page.text)

    r = people.dept_b.post(f"/dept/questions/{q.id}/answer", answer_form(revision=""))

    assert r.status_code == 403
    assert "Only the organisation leading on this question drafts its answer." in text_of(r.text)
    assert TEXT in text_of(r.text)  # the question page with the message
    assert answers_of(db, q) == []


# --- Figures -----------------------------------------------------------------------------------


def test_figures_count_per_organisation_with_names_and_a_readable_median(
    people: People, db: Session
) -> None:
    now = utcnow()
    a1 = assigned(db, people.org_a, "A1?", received_at=now - timedelta(days=3))
    a2 = assigned(db, people.org_a, "A2?", received_at=now - timedelta(days=3))
    a3 = assigned(db, people.org_a, "A3?", received_at=now - timedelta(days=40))
    b1 = assigned(db, people.org_b, "B1?", received_at=now - timedelta(hours=30))
    set_status(db, a1, S.ANSWERED, answered_at=a1.received_at + timedelta(hours=10))
    set_status(db, a2, S.ANSWERED, answered_at=a2.received_at + timedelta(hours=30))
    set_status(db, b1, S.ANSWERED, answered_at=b1.received_at + timedelta(minutes=20))
    first = to_local(now - timedelta(days=60)).date()

    r = people.office.get(
        f"/office/questions/figures?from={first.isoformat()}&to={local_today().isoformat()}"
    )

    assert r.status_code == 200
    rows = dict(re.findall(r'<tr data-org="(\d+)">(.*?)</tr>', r.text, re.S))
    row_a = text_of(rows[str(people.org_a.id)])
    assert row_a.split()[:3] == ["Department", "of", "Construction"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[str(people.org_a.id)], re.S)
    assert [text_of(c).strip() for c in cells[:2]] == ["3", "2"]
    assert text_of(cells[3]).strip() == "0"  # refused
    assert text_of(cells[4]).strip() == ("1" if fresh(db, a3.id).due_at < now else "0")
    assert "20 hours" in row_a  # the median of 10 and 30 hours
    assert "20 minutes" in text_of(rows[str(people.org_b.id)])
    # Default period: this year.
    default = people.office.get("/office/questions/figures").text
    assert value_of(default, "f-from") == date(local_today().year, 1, 1).isoformat()
    assert value_of(default, "f-to") == local_today().isoformat()


def test_figures_show_days_for_long_answers(people: People, db: Session) -> None:
    q = assigned(db, people.org_a, received_at=utcnow() - timedelta(days=6))
    set_status(db, q, S.ANSWERED, answered_at=q.received_at + timedelta(hours=60))
    first = (local_today() - timedelta(days=10)).isoformat()

    r = people.office.get(f"/office/questions/figures?from={first}")

    assert "2.5 days" in text_of(r.text)


def test_figures_refuse_an_unreadable_or_reversed_period(office: WebClient, db: Session) -> None:
    r = office.get("/office/questions/figures?from=nonsense")
    assert r.status_code == 422
    assert "Enter a date" in error_text(r.text, "f-from")

    r = office.get("/office/questions/figures?from=2026-05-01&to=2026-04-01")
    assert r.status_code == 422
    assert "before its start" in error_text(r.text, "f-to")


# --- Who may use the pages -------------------------------------------------------------------------

OFFICE_ROUTES = [
    ("GET", "/office/questions"),
    ("GET", "/office/questions/new"),
    ("POST", "/office/questions/new"),
    ("GET", "/office/questions/figures"),
    ("GET", "/office/questions/{id}"),
    ("POST", "/office/questions/{id}/accept"),
    ("POST", "/office/questions/{id}/merge"),
    ("POST", "/office/questions/{id}/decline"),
    ("POST", "/office/questions/{id}/assign"),
    ("POST", "/office/questions/{id}/transfer"),
    ("POST", "/office/questions/{id}/answer"),
    ("POST", "/office/questions/{id}/approve"),
]
DEPT_ROUTES = [
    ("GET", "/dept/questions"),
    ("GET", "/dept/questions/{id}"),
    ("POST", "/dept/questions/{id}/answer"),
]
ROUTES = [(m, p, "office") for m, p in OFFICE_ROUTES] + [(m, p, "dept") for m, p in DEPT_ROUTES]
ROUTE_IDS = [f"{m} {p}" for m, p, _ in ROUTES]
ALL_FIELDS = {
    "text": TEXT,
    "channel": "phone",
    "asker_name": "X",
    "agency_name": "Y",
    "reason": "Lý do",
    "into_id": "1",
    "lead_org_id": "1",
    "to_org_id": "1",
    "kind": "answer",
}


def state_of(db: Session) -> tuple[Any, ...]:
    db.expire_all()
    questions = db.exec(
        select(Question.id, Question.status, Question.revision).order_by(col(Question.id))
    ).all()
    answers = db.exec(select(Answer.id, Answer.status, Answer.revision)).all()
    support = db.exec(select(QuestionSupport.question_id, QuestionSupport.organisation_id)).all()
    return (tuple(questions), tuple(answers), tuple(support))


@pytest.fixture
def target(db: Session) -> Question:
    org = make_org(db)
    q = assigned(db, org)
    service.save_answer(
        db, actor=SYSTEM, question_id=q.id or 0, data=service.AnswerInput(text="Đáp")
    )
    return q


def send(web: WebClient, method: str, pattern: str, q: Question) -> Any:
    url = pattern.format(id=q.id)
    return web.get(url) if method == "GET" else web.post(url, dict(ALL_FIELDS))


@pytest.mark.parametrize("role", [Role.JOURNALIST, Role.ADMIN, "other side"])
@pytest.mark.parametrize(("method", "pattern", "side"), ROUTES, ids=ROUTE_IDS)
def test_people_without_the_role_are_refused_every_route(
    db: Session,
    new_web: NewWeb,
    target: Question,
    role: Role | str,
    method: str,
    pattern: str,
    side: str,
) -> None:
    if role == "other side":  # a department on the office's pages, the office on a department's
        role = Role.DEPARTMENT if side == "office" else Role.PRESS_OFFICE
    other = browser(new_web, db, Role(role))
    before = state_of(db)

    r = send(other, method, pattern, target)

    assert r.status_code == 403, r.text
    assert TEXT not in r.text
    assert state_of(db) == before


@pytest.mark.parametrize(("method", "pattern", "side"), ROUTES, ids=ROUTE_IDS)
def test_the_anonymous_are_sent_to_sign_in(
    db: Session, new_web: NewWeb, target: Question, method: str, pattern: str, side: str
) -> None:
    before = state_of(db)

    r = send(new_web(), method, pattern, target)

    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")
    assert state_of(db) == before


@pytest.mark.parametrize("role", [Role.PRESS_OFFICE, Role.SPOKESPERSON])
def test_both_office_roles_reach_the_office_pages(
    db: Session, new_web: NewWeb, target: Question, role: Role
) -> None:
    web = browser(new_web, db, role)
    for url in ("/office/questions", "/office/questions/new", "/office/questions/figures"):
        assert web.get(url).status_code == 200, url
    assert TEXT in text_of(web.get(f"/office/questions/{target.id}").text)


# --- Escaping ---------------------------------------------------------------------------------------


def test_script_in_question_agency_asker_and_answer_is_shown_escaped(
    people: People, db: Session
) -> None:
    q = assigned(
        db,
        people.org_a,
        SCRIPT,
        asker_name=SCRIPT,
        agency_name=SCRIPT,
        topic=SCRIPT,
        support=[people.org_b],
    )
    assert draft(people.dept_a, q, prefix="/dept", text=SCRIPT).status_code == 303
    assert (
        step(people.office, q, "transfer", to_org_id=str(people.org_c.id), reason=SCRIPT)
    ).status_code == 303
    declined = ask(db, SCRIPT, asker_name=SCRIPT, agency_name=SCRIPT)
    assert step(people.office, declined, "decline", reason=SCRIPT).status_code == 303

    pages = {
        "list": people.office.get("/office/questions"),
        "search": people.office.get("/office/questions?q=script"),
        "detail": people.office.get(f"/office/questions/{q.id}"),
        "declined": people.office.get(f"/office/questions/{declined.id}"),
        "dept list": people.dept_b.get("/dept/questions"),
        "dept detail": people.dept_b.get(f"/dept/questions/{q.id}"),
        "dept c detail": people.dept_c.get(f"/dept/questions/{q.id}"),
        "figures": people.office.get("/office/questions/figures"),
    }

    for name, r in pages.items():
        assert r.status_code == 200, name
        assert "<script>alert(1)" not in r.text, name
    for name in ("list", "search", "detail", "declined", "dept list", "dept detail"):
        assert "&lt;script&gt;alert(1)" in pages[name].text, name
    detail = pages["detail"].text
    assert (
        detail.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    )  # text, asker, agency, topic, answer, reason
    assert value_of(pages["dept c detail"].text, "f-answer-text") == SCRIPT
