"""The journalists' question pages as people use them (HTML over HTTP): "my questions" with the
state, the organisation answering, the due date and each kind of reply; asking a question (errors
beside the fields, nothing stored on a refusal, one record for a question sent twice, the
per-account limit); one question and its approved answers; who may use the pages; the public
questions and answers of a briefing; the menu and dashboard cards; the demo data; escaping.

Every test runs on SQLite and on PostgreSQL. Pages are read in English (the message ids), so the
assertions do not depend on the translations. What was stored is read back after `expire_all()`.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Role, User, UserStatus
from app.audit.service import Actor
from app.briefings.models import Briefing, BriefingStatus
from app.demo import seed_demo
from app.main import create_app
from app.orgs.models import Organisation, OrgKind
from app.questions import deadlines, service
from app.questions.models import AnswerKind, Channel, Question, QuestionStatus
from app.questions.service import AnswerInput, QuestionInput
from app.timeutil import format_datetime, local_today, to_local, utcnow
from tests.conftest import WebClient, make_settings, page_text
from tests.factories import PASSWORD, make_briefing, make_org, make_user

S = QuestionStatus
SYSTEM = Actor.system("test")
SPOKESPERSON = Actor(None, None, Role.SPOKESPERSON.value, None, None)
SCRIPT = "<script>alert(1)</script>"
TEXT = "Tiến độ giải phóng mặt bằng dự án cao tốc Vân Đồn – Móng Cái thế nào?"

NewWeb = Callable[[], WebClient]


# --- Helpers -------------------------------------------------------------------------------------


def text_of(html: str) -> str:
    """The visible text of a page or a piece of it, entities decoded."""
    return htmllib.unescape(page_text(html))


def sign_in(web: WebClient, db: Session, role: Role = Role.JOURNALIST, **over: Any) -> User:
    user = make_user(db, role=role, **over)
    web.client.cookies.set("pd_lang", "en")
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return user


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.email, user.role.value, user.organisation_id, None)


def asked(db: Session, user: User, text: str = TEXT, **over: Any) -> Question:
    """A question sent online by `user` (a journalist), through the service."""
    q, created = service.ask(
        db,
        actor=actor_of(user),
        data=QuestionInput(text=text, **over),
        rate_limit=100,
        rate_window_minutes=10,
    )
    assert created
    return q


def assign(db: Session, q: Question, org: Organisation) -> Question:
    return service.assign(db, actor=SYSTEM, question_id=q.id or 0, lead_org_id=org.id)


def reply(db: Session, q: Question, data: AnswerInput, *, approve: bool = True) -> None:
    """Draft by the office (a system actor), approved by the spokesperson."""
    service.save_answer(db, actor=SYSTEM, question_id=q.id or 0, data=data)
    if approve:
        service.approve(db, actor=SPOKESPERSON, question_id=q.id or 0)


def count(db: Session) -> int:
    db.expire_all()
    return int(db.exec(select(func.count()).select_from(Question)).one())


def card_of(html: str, question_id: int | None) -> str:
    """The tracker's card of one question, as text."""
    found = re.search(rf'<li class="card question[^"]*" id="q-{question_id}"(.*?)</li>', html, re.S)
    assert found is not None, f"no card for #{question_id}"
    return found.group(1)


def card_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="card question[^"]*" id="q-(\d+)"', html)]


def error_text(html: str, element_id: str) -> str:
    found = re.search(rf'<p class="error-text" id="{element_id}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no error beside {element_id}"
    return text_of(found.group(1)).strip()


def textarea_value(html: str, element_id: str) -> str:
    found = re.search(rf'<textarea[^>]*\bid="{element_id}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found is not None, element_id
    return htmllib.unescape(found.group(1))


def selected(html: str, element_id: str) -> str:
    block = re.search(rf'<select[^>]*\bid="{element_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block is not None, element_id
    chosen = re.search(r'<option value="([^"]*)" selected>', block.group(1))
    return htmllib.unescape(chosen.group(1)) if chosen else ""


def options(html: str, element_id: str) -> list[str]:
    block = re.search(rf'<select[^>]*\bid="{element_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block is not None, element_id
    return [v for v in re.findall(r'<option value="([^"]*)"', block.group(1)) if v]


def due_text(q: Question) -> str:
    assert q.due_at is not None
    return format_datetime(q.due_at)


@pytest.fixture
def journalist(web: WebClient, db: Session) -> tuple[WebClient, User]:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_en="Quang Ninh Newspaper")
    user = sign_in(web, db, Role.JOURNALIST, org=agency)
    return web, user


@pytest.fixture
def health(db: Session) -> Organisation:
    return make_org(db, name_en="Department of Health", name_vi="Sở Y tế")


# --- My questions ---------------------------------------------------------------------------------


def test_tracker_shows_state_organisation_and_due_date_of_open_questions(
    journalist: tuple[WebClient, User], db: Session, health: Organisation
) -> None:
    web, me = journalist
    new = asked(db, me, "Câu hỏi mới về giá vé xe buýt?")
    routed = assign(db, asked(db, me, "Câu hỏi về bệnh viện?"), health)

    r = web.get("/questions")

    assert r.status_code == 200
    assert card_ids(r.text) == [routed.id, new.id]  # newest first
    waiting = text_of(card_of(r.text, new.id))
    assert "Câu hỏi mới về giá vé xe buýt?" in waiting
    assert "New, to triage" in waiting and "Not yet assigned" in waiting
    assert due_text(new) in waiting
    being = text_of(card_of(r.text, routed.id))
    assert "Being answered" in being and "Department of Health" in being
    assert due_text(routed) in being
    assert f'href="/questions/{routed.id}"' in r.text


def test_tracker_shows_the_approved_answer_but_not_a_draft(
    journalist: tuple[WebClient, User], db: Session, health: Organisation
) -> None:
    web, me = journalist
    answered = assign(db, asked(db, me, "Đã có vắc xin chưa?"), health)
    reply(db, answered, AnswerInput(text="Đã tiếp nhận đủ vắc xin theo kế hoạch."))
    drafted = assign(db, asked(db, me, "Bao giờ mở bệnh viện mới?"), health)
    reply(db, drafted, AnswerInput(text="Bản nháp nội bộ chưa duyệt."), approve=False)

    r = web.get("/questions")

    card = text_of(card_of(r.text, answered.id))
    assert "Answered" in card and "Department of Health" in card
    assert "Đã tiếp nhận đủ vắc xin theo kế hoạch." in card
    assert "Bản nháp nội bộ chưa duyệt." not in r.text
    assert "Being answered" in text_of(card_of(r.text, drafted.id))


def test_tracker_shows_a_refusal_with_its_legal_ground_citation_and_explanation(
    journalist: tuple[WebClient, User], db: Session, health: Organisation
) -> None:
    web, me = journalist
    q = assign(db, asked(db, me, "Kết quả điều tra vụ án ra sao?"), health)
    reply(
        db,
        q,
        AnswerInput(kind=AnswerKind.REFUSAL, refusal_ground="b", text="Vụ án đang được điều tra."),
    )

    card = text_of(card_of(web.get("/questions").text, q.id))

    ground = deadlines.grounds_on(local_today())["b"]
    assert "Refused" in card
    assert ground.label_en in card and ground.citation("en") in card
    assert "Vụ án đang được điều tra." in card


def test_tracker_shows_a_holding_answer_and_the_date_promised(
    journalist: tuple[WebClient, User], db: Session, health: Organisation
) -> None:
    web, me = journalist
    q = assign(db, asked(db, me, "Bao giờ có kết quả quy hoạch?"), health)
    promised = local_today() + timedelta(days=12)
    reply(
        db,
        q,
        AnswerInput(kind=AnswerKind.HOLDING, text="Sở đang tổng hợp số liệu.", new_due_on=promised),
    )

    card = text_of(card_of(web.get("/questions").text, q.id))

    assert "Being answered" in card
    assert f"We will reply by {promised:%d/%m/%Y} 17:00." in card
    assert "Sở đang tổng hợp số liệu." in card
    assert f"Due by {promised:%d/%m/%Y} 17:00" in card  # the new due date


def test_tracker_links_a_question_merged_into_my_own_and_quotes_anothers(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, me = journalist
    other = make_user(db, Role.JOURNALIST)
    mine_first = asked(db, me, "Vốn đầu tư nước ngoài năm nay bao nhiêu?")
    theirs = asked(db, other, "Tỉnh thu hút bao nhiêu vốn FDI từ đầu năm?")
    into_mine = asked(db, me, "Xin số liệu vốn FDI?")
    into_theirs = asked(db, me, "FDI đạt bao nhiêu?")
    service.merge(db, actor=SYSTEM, question_id=into_mine.id or 0, into_id=mine_first.id or 0)
    service.merge(db, actor=SYSTEM, question_id=into_theirs.id or 0, into_id=theirs.id or 0)

    r = web.get("/questions")

    linked = card_of(r.text, into_mine.id)
    assert "Merged" in text_of(linked)
    assert f'<a href="/questions/{mine_first.id}">your question #{mine_first.id}</a>' in linked
    quoted = card_of(r.text, into_theirs.id)
    assert "Tỉnh thu hút bao nhiêu vốn FDI từ đầu năm?" in text_of(quoted)
    assert f'href="/questions/{theirs.id}"' not in r.text  # not theirs to open
    assert theirs.id not in card_ids(r.text)
    assert web.get(f"/questions/{theirs.id}").status_code == 404


def test_tracker_shows_why_a_question_was_declined(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, me = journalist
    q = asked(db, me, "Câu hỏi ngoài thẩm quyền của tỉnh?")
    service.decline(db, actor=SYSTEM, question_id=q.id or 0, reason="Thuộc thẩm quyền của Bộ.")

    card = text_of(card_of(web.get("/questions").text, q.id))

    assert "Declined" in card and "Thuộc thẩm quyền của Bộ." in card


def test_tracker_lists_only_my_questions_and_says_so_when_there_are_none(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, _me = journalist
    asked(db, make_user(db, Role.JOURNALIST), "Câu hỏi của người khác?")
    service.record(
        db,
        actor=SYSTEM,
        data=QuestionInput(
            text="Câu hỏi qua điện thoại?",
            channel=Channel.PHONE,
            asker_name="Phóng viên Báo Thử Nghiệm",
            agency_name="Báo Thử Nghiệm",
        ),
    )

    r = web.get("/questions")

    assert card_ids(r.text) == []
    assert "You have not asked any question yet" in text_of(r.text)
    assert "Câu hỏi của người khác?" not in r.text


def test_tracker_by_htmx_answers_only_the_list(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, me = journalist
    q = asked(db, me)

    r = web.get("/questions", headers={"HX-Request": "true"})

    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="my-questions">')
    assert "<html" not in r.text and card_ids(r.text) == [q.id]


# --- One question -------------------------------------------------------------------------------


def test_question_page_shows_approved_replies_only(
    journalist: tuple[WebClient, User], db: Session, health: Organisation
) -> None:
    web, me = journalist
    q = assign(db, asked(db, me, "Bao giờ có kết quả?", topic="Y tế"), health)
    promised = local_today() + timedelta(days=10)
    reply(db, q, AnswerInput(kind=AnswerKind.HOLDING, text="Xin hẹn lại.", new_due_on=promised))
    reply(db, q, AnswerInput(text="Bản nháp câu trả lời cuối."), approve=False)

    r = web.get(f"/questions/{q.id}")

    assert r.status_code == 200
    text = text_of(r.text)
    assert "Bao giờ có kết quả?" in text and "Y tế" in text
    assert "Department of Health" in text
    assert "Holding answer" in text and "Xin hẹn lại." in text
    assert f"We will reply by {promised:%d/%m/%Y} 17:00." in text
    assert "Bản nháp câu trả lời cuối." not in r.text


def test_another_journalists_question_is_not_found(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, _me = journalist
    theirs = asked(db, make_user(db, Role.JOURNALIST), "Câu hỏi riêng của người khác?")

    r = web.get(f"/questions/{theirs.id}")

    assert r.status_code == 404
    assert "Câu hỏi riêng của người khác?" not in r.text
    assert web.get("/questions/999999").status_code == 404


# --- Asking ---------------------------------------------------------------------------------------


def test_ask_form_offers_announced_briefings_to_come_and_preselects_the_one_asked_for(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, _me = journalist
    announced = make_briefing(db, days_ahead=5, announced=True)
    later = make_briefing(db, days_ahead=9, announced=True)
    planned = make_briefing(db, days_ahead=6)  # not announced: not public
    held = make_briefing(db, days_ahead=-5, announced=True, status=BriefingStatus.RECORD_PUBLISHED)

    plain = web.get("/questions/new")
    chosen = web.get(f"/questions/new?briefing_id={later.id}")

    assert plain.status_code == 200
    assert options(plain.text, "f-briefing_id") == [str(announced.id), str(later.id)]
    assert str(planned.id) not in options(plain.text, "f-briefing_id")
    assert str(held.id) not in options(plain.text, "f-briefing_id")
    assert selected(plain.text, "f-briefing_id") == ""
    assert selected(chosen.text, "f-briefing_id") == str(later.id)
    assert selected(web.get(f"/questions/new?briefing_id={planned.id}").text, "f-briefing_id") == ""
    assert set(options(plain.text, "f-language")) == set(service.LANGUAGES)
    assert selected(plain.text, "f-language") == "en"  # the language the page is read in


def test_asking_stores_the_question_and_opens_it(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, me = journalist
    briefing = make_briefing(db, days_ahead=5, announced=True)

    r = web.post(
        "/questions/new",
        {
            "text": f"  {TEXT}  ",
            "topic": "Giao thông",
            "language": "vi",
            "briefing_id": briefing.id,
        },
    )

    assert r.status_code == 303
    db.expire_all()
    q = db.exec(select(Question)).one()
    assert r.headers["location"] == f"/questions/{q.id}"
    assert (q.text, q.topic, q.language) == (TEXT, "Giao thông", "vi")
    assert (q.journalist_id, q.agency_id) == (me.id, me.organisation_id)
    assert (q.channel, q.briefing_id, q.status) == (Channel.ONLINE, briefing.id, S.NEW)
    page = web.get(r.headers["location"])
    assert TEXT in text_of(page.text)
    assert f"Your question has been sent as #{q.id}. An answer is due by {due_text(q)}." in (
        text_of(page.text)
    )
    assert f"q-{q.id}" in web.get("/questions").text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Write your question."),
        ("x" * 20000, "A question may have at most 5000 characters; this one has 20000."),
    ],
    ids=["empty", "too-long"],
)
def test_a_question_empty_or_too_long_is_refused_beside_the_field_and_not_stored(
    journalist: tuple[WebClient, User], db: Session, text: str, message: str
) -> None:
    web, _me = journalist

    r = web.post("/questions/new", {"text": text, "topic": "Chủ đề giữ lại", "language": "vi"})

    assert r.status_code == 422
    assert error_text(r.text, "f-text") == f"Error: {message}"
    assert 'href="#f-text"' in r.text  # the summary links to the field
    assert textarea_value(r.text, "f-text") == text  # what was typed is given back
    assert 'value="Chủ đề giữ lại"' in r.text
    assert count(db) == 0


def test_an_unknown_language_or_briefing_is_refused_beside_its_field(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, _me = journalist
    planned = make_briefing(db, days_ahead=5)  # not announced

    bad_briefing = web.post(
        "/questions/new", {"text": TEXT, "language": "vi", "briefing_id": planned.id}
    )
    nonsense = web.post("/questions/new", {"text": TEXT, "language": "xx", "briefing_id": "abc"})

    assert bad_briefing.status_code == 422
    assert "Choose a briefing that is still to be held." in error_text(
        bad_briefing.text, "f-briefing_id"
    )
    assert nonsense.status_code == 422
    assert "Choose a language from the list." in error_text(nonsense.text, "f-language")
    assert "Choose a briefing" in error_text(nonsense.text, "f-briefing_id")
    assert count(db) == 0


def test_a_control_character_in_a_question_is_refused_beside_the_field(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, _me = journalist

    r = web.post("/questions/new", {"text": "Giá vé\x00 bao nhiêu?", "language": "vi"})

    assert r.status_code == 422
    assert error_text(r.text, "f-text")
    assert count(db) == 0


def test_a_question_sent_twice_in_a_second_is_one_record(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, _me = journalist

    first = web.post("/questions/new", {"text": TEXT, "language": "vi"})
    again = web.post("/questions/new", {"text": "  " + TEXT.upper() + " ", "language": "vi"})

    assert first.status_code == again.status_code == 303
    assert count(db) == 1
    assert again.headers["location"] == first.headers["location"]
    assert "You already sent this question" in text_of(web.get(again.headers["location"]).text)


def test_script_in_a_question_is_shown_as_text_on_the_tracker_and_its_page(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, _me = journalist

    r = web.post("/questions/new", {"text": SCRIPT, "topic": SCRIPT, "language": "vi"})

    assert r.status_code == 303
    for page in (web.get("/questions").text, web.get(r.headers["location"]).text):
        assert SCRIPT not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_journalist_awaiting_verification_cannot_ask(web: WebClient, db: Session) -> None:
    sign_in(web, db, Role.JOURNALIST, status=UserStatus.PENDING)

    assert web.get("/questions/new").status_code == 403
    assert web.get("/questions").status_code == 403
    r = web.post("/questions/new", {"text": TEXT, "language": "vi"})

    assert r.status_code == 403
    assert count(db) == 0


@pytest.mark.parametrize("role", [Role.PRESS_OFFICE, Role.DEPARTMENT, Role.ADMIN])
def test_other_roles_cannot_use_the_journalists_pages(
    web: WebClient, db: Session, role: Role
) -> None:
    sign_in(web, db, role)
    assert web.get("/questions").status_code == 403
    assert web.get("/questions/new").status_code == 403
    assert web.post("/questions/new", {"text": TEXT, "language": "vi"}).status_code == 403
    assert count(db) == 0


def test_the_anonymous_are_sent_to_sign_in(web: WebClient, db: Session) -> None:
    r = web.get("/questions/new?briefing_id=3")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fquestions%2Fnew%3Fbriefing_id%3D3"
    assert web.post("/questions/new", {"text": TEXT}).status_code == 303
    assert count(db) == 0


@pytest.fixture
def limited_web(database_url: str, tmp_path: Path) -> Iterator[WebClient]:
    """A site that lets an account send at most three questions in the window."""
    application = create_app(make_settings(database_url, tmp_path, question_rate_limit=3))
    with TestClient(application, base_url="http://testserver", follow_redirects=False) as c:
        yield WebClient(c)
    application.state.engine.dispose()


def test_more_questions_than_the_limit_are_refused_with_429_and_not_stored(
    limited_web: WebClient, db: Session
) -> None:
    sign_in(limited_web, db, Role.JOURNALIST)
    for n in range(3):
        r = limited_web.post("/questions/new", {"text": f"Câu hỏi số {n}?", "language": "vi"})
        assert r.status_code == 303

    r = limited_web.post("/questions/new", {"text": "Câu hỏi thứ tư?", "language": "vi"})

    assert r.status_code == 429
    assert int(r.headers["retry-after"]) == 600
    assert "You have sent 3 questions in the last 10 minutes." in text_of(r.text)
    assert count(db) == 3
    # Sending one of them again is still recognised as the same question, not refused.
    again = limited_web.post("/questions/new", {"text": "Câu hỏi số 2?", "language": "vi"})
    assert again.status_code == 303
    assert count(db) == 3


# --- The public questions and answers of a briefing -------------------------------------------------


def recorded(
    db: Session, text: str, briefing: Briefing, agency: str = "Báo Thử Nghiệm"
) -> Question:
    return service.record(
        db,
        actor=SYSTEM,
        data=QuestionInput(
            text=text,
            channel=Channel.EMAIL,
            briefing_id=briefing.id,
            asker_name="Phóng viên Báo Thử Nghiệm",
            agency_name=agency,
        ),
    )


def test_the_briefing_page_shows_only_approved_public_answers(
    web: WebClient, db: Session, health: Organisation
) -> None:
    briefing = make_briefing(db, days_ahead=5, announced=True)
    elsewhere = make_briefing(db, days_ahead=8, announced=True)
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Nhân Dân")
    journalist = make_user(db, Role.JOURNALIST, org=agency)
    public = assign(
        db, asked(db, journalist, "Câu hỏi được công bố?", briefing_id=briefing.id), health
    )
    reply(db, public, AnswerInput(text="Câu trả lời công khai.", public=True))
    private = assign(db, recorded(db, "Câu hỏi trả lời riêng?", briefing), health)
    reply(db, private, AnswerInput(text="Câu trả lời riêng cho phóng viên."))
    drafted = assign(db, recorded(db, "Câu hỏi còn nháp?", briefing), health)
    reply(db, drafted, AnswerInput(text="Bản nháp công khai.", public=True), approve=False)
    holding = assign(db, recorded(db, "Câu hỏi hẹn trả lời?", briefing), health)
    reply(
        db,
        holding,
        AnswerInput(
            kind=AnswerKind.HOLDING,
            text="Hẹn trả lời sau.",
            new_due_on=local_today() + timedelta(days=9),
            public=True,
        ),
    )
    refused = assign(db, recorded(db, "Câu hỏi bị từ chối?", briefing), health)
    reply(db, refused, AnswerInput(kind=AnswerKind.REFUSAL, refusal_ground="a", text="Bí mật."))
    other = assign(db, recorded(db, "Câu hỏi của họp báo khác?", elsewhere), health)
    reply(db, other, AnswerInput(text="Trả lời ở họp báo khác.", public=True))

    r = web.get(f"/briefings/{briefing.id}")

    assert r.status_code == 200
    section = re.search(r'<section class="public-qa".*?</section>', r.text, re.S)
    assert section is not None
    text = text_of(section.group(0))
    assert "Hỏi - đáp" in text  # the heading, in Vietnamese
    assert "Câu hỏi được công bố?" in text and "Câu trả lời công khai." in text
    assert "Báo Nhân Dân" in text  # the agency, never the journalist's name
    assert journalist.full_name not in r.text
    db.expire_all()
    approved = db.get(Question, public.id)
    assert approved is not None and approved.answered_at is not None
    assert f"Trả lời ngày {to_local(approved.answered_at):%d/%m/%Y}" in text
    for hidden in (
        "Câu hỏi trả lời riêng?",
        "Câu trả lời riêng cho phóng viên.",
        "Câu hỏi còn nháp?",
        "Bản nháp công khai.",
        "Hẹn trả lời sau.",
        "Câu hỏi bị từ chối?",
        "Bí mật.",
        "Câu hỏi của họp báo khác?",
    ):
        assert hidden not in r.text
    assert "Hỏi - đáp" not in text_of(
        web.get(f"/briefings/{make_briefing(db, announced=True).id}").text
    )


def test_script_in_the_public_questions_and_answers_is_shown_as_text(
    web: WebClient, db: Session, health: Organisation
) -> None:
    briefing = make_briefing(db, days_ahead=5, announced=True)
    q = assign(db, recorded(db, SCRIPT, briefing, agency=SCRIPT), health)
    reply(db, q, AnswerInput(text=SCRIPT, public=True))

    r = web.get(f"/briefings/{briefing.id}")

    assert SCRIPT not in r.text
    assert r.text.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3


def test_a_verified_journalist_is_offered_to_send_a_question_for_a_briefing_to_come(
    journalist: tuple[WebClient, User], db: Session, new_web: NewWeb
) -> None:
    web, _me = journalist
    briefing = make_briefing(db, days_ahead=5, announced=True)
    link = f'href="/questions/new?briefing_id={briefing.id}"'

    assert link in web.get(f"/briefings/{briefing.id}").text
    assert link not in new_web().get(f"/briefings/{briefing.id}").text  # the anonymous
    pending = new_web()
    sign_in(pending, db, Role.JOURNALIST, status=UserStatus.PENDING)
    assert link not in pending.get(f"/briefings/{briefing.id}").text


# --- Menu and dashboards --------------------------------------------------------------------------


def menu(html: str) -> list[str]:
    nav = re.search(r'<nav class="wrap main-nav".*?</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'<li><a href="([^"]+)"', nav.group(0))


def test_the_menu_leads_each_role_to_its_question_pages(db: Session, new_web: NewWeb) -> None:
    pages = {}
    for role, status in (
        (Role.JOURNALIST, UserStatus.ACTIVE),
        (Role.PRESS_OFFICE, UserStatus.ACTIVE),
        (Role.SPOKESPERSON, UserStatus.ACTIVE),
        (Role.DEPARTMENT, UserStatus.ACTIVE),
        (Role.JOURNALIST, UserStatus.PENDING),
    ):
        web = new_web()
        sign_in(web, db, role, status=status)
        pages[(role, status)] = menu(web.get("/dashboard").text)

    question_pages = {
        "/questions",
        "/office/questions",
        "/office/press-agencies",
        "/dept/questions",
    }
    assert question_pages & set(pages[(Role.JOURNALIST, UserStatus.ACTIVE)]) == {"/questions"}
    for office in (Role.PRESS_OFFICE, Role.SPOKESPERSON):
        assert question_pages & set(pages[(office, UserStatus.ACTIVE)]) == {
            "/office/questions",
            "/office/press-agencies",
        }
    assert question_pages & set(pages[(Role.DEPARTMENT, UserStatus.ACTIVE)]) == {"/dept/questions"}
    assert question_pages & set(pages[(Role.JOURNALIST, UserStatus.PENDING)]) == set()


def dashboard_card(html: str, title: str) -> str:
    found = re.search(
        rf'<section class="card questions-card"><h2 class="card-title"><a href="[^"]+">{re.escape(title)}</a></h2>(.*?)</section>',
        html,
        re.S,
    )
    assert found is not None, title
    return found.group(1)


def test_journalist_dashboard_shows_the_latest_five_questions_with_their_state(
    journalist: tuple[WebClient, User], db: Session
) -> None:
    web, me = journalist
    questions = [asked(db, me, f"Câu hỏi thứ {n} về du lịch?") for n in range(6)]
    service.decline(db, actor=SYSTEM, question_id=questions[-1].id or 0, reason="Trùng lặp.")

    card = dashboard_card(web.get("/dashboard").text, "Your questions")

    shown = [int(i) for i in re.findall(r'<li data-id="(\d+)">', card)]
    assert shown == [q.id for q in reversed(questions)][:5]
    assert "Declined" in text_of(card) and "New, to triage" in text_of(card)
    assert 'href="/questions/new"' in card and "Ask a question" in card


def by_email(db: Session, text: str, days_ago: int = 0) -> Question:
    """A question the office recorded from an e-mail received `days_ago` days ago."""
    data = QuestionInput(
        text=text,
        channel=Channel.EMAIL,
        asker_name="Phóng viên Báo Thử Nghiệm",
        agency_name="Báo Thử Nghiệm",
        received_at=utcnow() - timedelta(days=days_ago) if days_ago else None,
    )
    return service.record(db, actor=SYSTEM, data=data)


def test_department_dashboard_shows_its_open_questions_soonest_due_first(
    web: WebClient, db: Session, health: Organisation
) -> None:
    sign_in(web, db, Role.DEPARTMENT, org=health)
    late = assign(db, by_email(db, "Câu hỏi đã quá hạn?", days_ago=20), health)
    soon = assign(db, by_email(db, "Câu hỏi sắp đến hạn?", days_ago=1), health)
    done = assign(db, by_email(db, "Câu hỏi đã trả lời?", days_ago=2), health)
    reply(db, done, AnswerInput(text="Đã trả lời."))
    assign(db, by_email(db, "Câu hỏi của sở khác?"), make_org(db))

    card = dashboard_card(web.get("/dashboard").text, "Questions assigned to you")

    assert [int(i) for i in re.findall(r'<li data-id="(\d+)">', card)] == [late.id, soon.id]
    assert f'href="/dept/questions/{late.id}"' in card
    assert due_text(late) in text_of(card) and due_text(soon) in text_of(card)
    assert "Overdue" in text_of(card)
    assert "Câu hỏi của sở khác?" not in card


def test_office_dashboard_counts_new_and_overdue_questions_and_links_to_them(
    web: WebClient, db: Session, health: Organisation
) -> None:
    sign_in(web, db, Role.PRESS_OFFICE)
    empty = dashboard_card(web.get("/dashboard").text, "Questions from the press")
    assert "No question is waiting" in text_of(empty)

    for n in range(3):
        by_email(db, f"Câu hỏi mới {n}?")
    assign(db, by_email(db, "Câu hỏi cũ?", days_ago=20), health)

    card = dashboard_card(web.get("/dashboard").text, "Questions from the press")

    assert "3 new questions to triage" in text_of(card)
    assert "1 overdue question" in text_of(card)
    assert 'href="/office/questions?status=new"' in card
    assert 'href="/office/questions?overdue=1"' in card


# --- Demo data ------------------------------------------------------------------------------------


def test_the_demo_seeds_questions_in_every_state_once(
    db: Session, settings: Any, new_web: NewWeb
) -> None:
    first = seed_demo(db, settings)
    second = seed_demo(db, settings)

    assert first.questions_added >= 8
    assert second.questions_added == 0
    db.expire_all()
    rows = db.exec(select(Question)).all()
    assert len(rows) == first.questions_added + first.past_questions_added  # + the reports' year
    assert first.past_questions_added >= 10 and second.past_questions_added == 0
    assert {q.status for q in rows} >= {S.NEW, S.ASSIGNED, S.ANSWERED, S.REFUSED, S.MERGED}
    assert any(q.status in service.OPEN and q.due_at and q.due_at < utcnow() for q in rows)
    assert all(q.journalist_id or q.asker_name.startswith("Phóng viên") for q in rows)
    # The demo press agencies have their kind of media.
    agencies = db.exec(select(Organisation).where(Organisation.kind == OrgKind.PRESS_AGENCY)).all()
    assert agencies and all(a.media_kind and a.media_scope for a in agencies)

    # The demo journalist sees their questions; the held briefing shows its public answers.
    password = dict((d.email, p) for d, p in first.created)["phongvien@demo.pressdesk.vn"]
    web = new_web()
    web.client.cookies.set("pd_lang", "en")
    assert web.login("phongvien@demo.pressdesk.vn", password).status_code == 303
    tracker = text_of(web.get("/questions").text)
    assert "Refused" in tracker and deadlines.grounds_on(local_today())["b"].label_en in tracker
    assert "We will reply by" in tracker and "Merged" in tracker
    held = db.exec(
        select(Briefing).where(
            col(Briefing.id).in_([q.briefing_id for q in rows if q.status == S.ANSWERED])
        )
    ).first()
    assert held is not None and held.status == BriefingStatus.RECORD_PUBLISHED
    page = web.get(f"/briefings/{held.id}").text
    assert "Questions and answers" in text_of(page)
    # one public answer carries the figures behind it, downloadable by anyone
    link = re.search(r'href="(/questions/\d+/files/\d+)" download class="qa-file"', page)
    assert link is not None
    attached = new_web().get(link.group(1))
    assert attached.status_code == 200 and attached.content.startswith(b"%PDF")
