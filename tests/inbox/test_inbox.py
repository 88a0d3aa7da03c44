"""What waits for each person, on both databases: each role's sections fill from the records and
empty when the work is done, approvers never see their own writing, the notices that go with each
event, and the office's reminder (audited, once a day per item, office only)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.content import service as content
from app.content.models import SubmissionStatus
from app.content.service import SubmissionInput
from app.content.states import Step
from app.errors import Forbidden
from app.inbox import service as inbox
from app.notifications.models import Notice, NoticeKind
from app.orgs.models import Organisation, OrgKind
from app.questions import service as questions
from app.questions.models import AnswerKind
from app.questions.service import AnswerInput, QuestionInput
from app.statements import service as statements
from app.timeutil import utcnow
from tests.conftest import WebClient
from tests.factories import PASSWORD, make_briefing, make_call, make_org, make_submission, make_user
from tests.statements.helpers import World as StatementWorld
from tests.support import actor_of, html


@dataclass
class People:
    office: Actor
    office2: Actor
    spokesperson: Actor
    dept: Actor
    other_dept: Actor
    journalist: Actor
    org: Organisation
    other_org: Organisation


@pytest.fixture
def p(db: Session) -> People:
    org = make_org(db, name_vi="Sở Xây dựng", name_en="Department of Construction")
    other = make_org(db, name_vi="Sở Y tế", name_en="Department of Health")
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Quảng Ninh")
    return People(
        office=actor_of(make_user(db, Role.PRESS_OFFICE)),
        office2=actor_of(make_user(db, Role.PRESS_OFFICE)),
        spokesperson=actor_of(make_user(db, Role.SPOKESPERSON)),
        dept=actor_of(make_user(db, Role.DEPARTMENT, org=org)),
        other_dept=actor_of(make_user(db, Role.DEPARTMENT, org=other)),
        journalist=actor_of(make_user(db, Role.JOURNALIST, org=agency)),
        org=org,
        other_org=other,
    )


def waiting(db: Session, actor: Actor) -> dict[str, list[str]]:
    """Each section with work: the titles shown."""
    return {s.key: [i.title for i in s.items] for s in inbox.sections_for(db, actor) if s.total}


def notices(db: Session, actor: Actor, kind: NoticeKind) -> list[Notice]:
    return list(
        db.exec(select(Notice).where(Notice.user_id == actor.user_id, Notice.kind == kind)).all()
    )


def asked(db: Session, p: People, text: str) -> Any:
    q, _ = questions.ask(
        db,
        actor=p.journalist,
        data=QuestionInput(text=text),
        rate_limit=100,
        rate_window_minutes=60,
    )
    return q


# --- Questions: triage, answer, approval, reply -------------------------------------------------


def test_a_question_goes_from_the_office_to_the_department_to_the_approvers_and_back(
    db: Session, p: People
) -> None:
    q = asked(db, p, "Khi nào cầu Cửa Lục 3 thông xe?")
    assert waiting(db, p.office)["questions_new"] == [q.text]
    assert len(notices(db, p.office, NoticeKind.QUESTION_RECEIVED)) == 1
    assert waiting(db, p.dept) == {} and waiting(db, p.journalist) == {}

    questions.assign(
        db, actor=p.office, question_id=q.id or 0, lead_org_id=p.org.id, support_ids=[]
    )
    assert "questions_new" not in waiting(db, p.office)
    assert waiting(db, p.dept)["questions_assigned"] == [q.text]
    assert waiting(db, p.other_dept) == {}  # never another organisation's question

    data = AnswerInput(text="Dự kiến thông xe vào quý II năm 2027.")
    questions.save_answer(db, actor=p.dept, question_id=q.id or 0, data=data)
    for approver in (p.office, p.office2, p.spokesperson):
        assert waiting(db, approver)["answers_to_approve"] == [q.text]
        assert len(notices(db, approver, NoticeKind.ANSWER_DRAFTED)) == 1
    questions.save_answer(db, actor=p.dept, question_id=q.id or 0, data=data)  # saved again
    assert len(notices(db, p.office, NoticeKind.ANSWER_DRAFTED)) == 1  # told once

    questions.approve(db, actor=p.office2, question_id=q.id or 0)
    assert "answers_to_approve" not in waiting(db, p.spokesperson)
    assert "questions_assigned" not in waiting(db, p.dept)
    assert waiting(db, p.journalist)["replies"] == [q.text]


def test_an_approver_never_sees_an_answer_they_wrote_and_refusals_wait_for_the_spokesperson(
    db: Session, p: People
) -> None:
    q = asked(db, p, "Vì sao dự án chậm tiến độ?")
    questions.assign(
        db, actor=p.office, question_id=q.id or 0, lead_org_id=p.org.id, support_ids=[]
    )
    questions.save_answer(
        db, actor=p.office, question_id=q.id or 0, data=AnswerInput(text="Do vướng mặt bằng.")
    )
    assert "answers_to_approve" not in waiting(db, p.office)  # the writer
    assert notices(db, p.office, NoticeKind.ANSWER_DRAFTED) == []
    assert waiting(db, p.office2)["answers_to_approve"] == [q.text]

    refusal = AnswerInput(
        kind=AnswerKind.REFUSAL, text="Vụ việc đang được thanh tra.", refusal_ground="c"
    )
    questions.save_answer(db, actor=p.dept, question_id=q.id or 0, data=refusal)
    assert "answers_to_approve" not in waiting(db, p.office2)
    assert waiting(db, p.spokesperson)["answers_to_approve"] == [q.text]


def test_overdue_questions_wait_for_the_office_with_a_reminder_once_a_day(
    db: Session, p: People
) -> None:
    q = asked(db, p, "Bao giờ công bố kết quả thanh tra?")
    questions.assign(
        db, actor=p.office, question_id=q.id or 0, lead_org_id=p.org.id, support_ids=[]
    )
    section = {s.key: s for s in inbox.sections_for(db, p.office, utcnow() + timedelta(days=60))}
    item = section["questions_overdue"].items[0]
    assert item.remind == f"question:{q.id}" and item.organisation == "Sở Xây dựng"

    assert inbox.remind(db, actor=p.office, target=item.remind) is True
    assert inbox.remind(db, actor=p.office2, target=item.remind) is False  # already today
    told = notices(db, p.dept, NoticeKind.OFFICE_REMINDER)
    assert len(told) == 1 and told[0].link == f"/dept/questions/{q.id}"
    assert notices(db, p.other_dept, NoticeKind.OFFICE_REMINDER) == []
    rows = db.exec(select(AuditEvent).where(AuditEvent.action == "inbox.reminded")).all()
    assert [r.actor_user_id for r in rows] == [p.office.user_id]
    with pytest.raises(Forbidden):
        inbox.remind(db, actor=p.dept, target=item.remind)


# --- Content -----------------------------------------------------------------------------------


def test_content_waits_for_the_department_then_for_the_office(db: Session, p: People) -> None:
    briefing = make_briefing(db, days_ahead=10, title_vi="Họp báo thường kỳ tháng 12")
    call = make_call(db, briefing=briefing, orgs=[p.org, p.other_org])
    assert waiting(db, p.dept)["calls_open"] == ["Họp báo thường kỳ tháng 12"]

    sub = content.start_submission(db, actor=p.dept, call_id=call.id or 0)
    data = SubmissionInput(
        title="Tiến độ các công trình trọng điểm",
        talking_points="- Cầu Cửa Lục 3 đạt 80% khối lượng",
        contact_name="Cán bộ đầu mối",
    )
    content.save(
        db, actor=p.dept, submission_id=sub.id or 0, data=data, expected_revision=None, submit=True
    )
    assert "calls_open" not in waiting(db, p.dept)
    assert waiting(db, p.other_dept)["calls_open"] == ["Họp báo thường kỳ tháng 12"]
    assert waiting(db, p.office)["content_submitted"] == ["Tiến độ các công trình trọng điểm"]
    assert len(notices(db, p.office, NoticeKind.CONTENT_SUBMITTED)) == 1

    content.act(
        db, actor=p.office, submission_id=sub.id or 0, action=Step.RETURN, comment="Bổ sung số liệu"
    )
    assert "content_submitted" not in waiting(db, p.office)
    assert waiting(db, p.dept)["content_returned"] == ["Tiến độ các công trình trọng điểm"]


def test_content_past_its_deadline_waits_for_the_office_with_a_reminder(
    db: Session, p: People
) -> None:
    briefing = make_briefing(db, days_ahead=2, title_vi="Họp báo tháng 12")
    call = make_call(
        db, briefing=briefing, orgs=[p.org, p.other_org], deadline_in=timedelta(hours=-2)
    )
    make_submission(db, call, p.other_org, status=SubmissionStatus.SUBMITTED, submitted_at=utcnow())
    late = {s.key: s for s in inbox.sections_for(db, p.office)}["content_late"]
    assert late.total == 1 and late.items[0].organisation == "Sở Xây dựng"
    assert late.items[0].remind == f"call:{call.id}:{p.org.id}"
    assert inbox.remind(db, actor=p.office, target=late.items[0].remind) is True
    assert [n.link for n in notices(db, p.dept, NoticeKind.OFFICE_REMINDER)] == ["/dept/calls"]
    assert notices(db, p.other_dept, NoticeKind.OFFICE_REMINDER) == []


# --- Statements ----------------------------------------------------------------------------------


def test_a_statement_waits_for_its_approvers_then_returns_to_its_writer(db: Session) -> None:
    w = StatementWorld(db)
    st = w.draft(title="Thông cáo về mùa du lịch biển")
    statements.submit(db, actor=w.editor, statement_id=st.id or 0)
    assert waiting(db, w.spokesperson)["statements_to_approve"] == ["Thông cáo về mùa du lịch biển"]
    assert len(notices(db, w.spokesperson, NoticeKind.STATEMENT_SUBMITTED)) == 1
    assert "statements_to_approve" not in waiting(db, w.editor)  # the writer
    assert notices(db, w.editor, NoticeKind.STATEMENT_SUBMITTED) == []

    statements.return_to_draft(db, actor=w.spokesperson, statement_id=st.id or 0)
    assert "statements_to_approve" not in waiting(db, w.spokesperson)
    assert waiting(db, w.editor)["statements_returned"] == ["Thông cáo về mùa du lịch biển"]
    assert len(notices(db, w.editor, NoticeKind.STATEMENT_RETURNED)) == 1


# --- Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def office_web(web: WebClient, db: Session) -> Iterator[tuple[WebClient, Any]]:
    user = make_user(db, Role.PRESS_OFFICE)
    assert web.login(user.email, PASSWORD).status_code == 303
    yield web, user


def test_the_page_the_dashboard_and_the_header_show_the_same_work(
    db: Session, p: People, office_web: tuple[WebClient, Any]
) -> None:
    web, _user = office_web
    q = asked(db, p, "Giá vé tham quan vịnh Hạ Long năm 2027 có tăng không?")
    page = html(web.get("/inbox").text)
    assert page.texts('[data-inbox="questions_new"] .inbox-title') == [q.text]
    assert page.one(".inbox-link").get("data-waiting") == "1"
    dashboard = html(web.get("/dashboard").text)
    assert dashboard.texts('[data-inbox="questions_new"] .inbox-title') == [q.text]
    link = dashboard.one('[data-inbox="questions_new"] .inbox-title').get("href")
    assert link == f"/office/questions/{q.id}"


def test_a_department_sees_only_its_own_work_and_cannot_remind(
    db: Session, p: People, web: WebClient
) -> None:
    q = asked(db, p, "Sở Y tế trả lời về dịch sốt xuất huyết?")
    questions.assign(
        db, actor=p.office, question_id=q.id or 0, lead_org_id=p.other_org.id, support_ids=[]
    )
    user = make_user(db, Role.DEPARTMENT, org=p.org)
    assert web.login(user.email, PASSWORD).status_code == 303
    page = web.get("/inbox")
    assert page.status_code == 200 and q.text not in page.text
    assert "Không có việc nào đang chờ bạn" in page.text
    r = web.post("/inbox/remind", {"target": f"question:{q.id}"})
    assert r.status_code == 403
    assert db.exec(select(AuditEvent).where(col(AuditEvent.action) == "inbox.reminded")).all() == []


def test_the_reminder_button_needs_the_csrf_token_and_says_what_happened(
    db: Session, p: People, office_web: tuple[WebClient, Any]
) -> None:
    web, _user = office_web
    q = asked(db, p, "Kết quả xử lý vụ sạt lở tại Hạ Long?")
    questions.assign(
        db, actor=p.office, question_id=q.id or 0, lead_org_id=p.org.id, support_ids=[]
    )
    target = f"question:{q.id}"
    assert web.post("/inbox/remind", {"target": target}, csrf=False).status_code == 403
    assert notices(db, p.dept, NoticeKind.OFFICE_REMINDER) == []
    r = web.post("/inbox/remind", {"target": target}, follow_redirects=True)
    assert "Đã gửi nhắc việc tới đơn vị." in r.text
    r = web.post("/inbox/remind", {"target": target}, follow_redirects=True)
    assert "Hôm nay đơn vị đã được nhắc việc này." in r.text
    assert web.post("/inbox/remind", {"target": "question:999999"}).status_code == 404


def test_the_anonymous_are_sent_to_sign_in_and_the_admin_has_no_inbox(
    db: Session, web: WebClient
) -> None:
    r = web.get("/inbox", follow_redirects=False)
    assert r.status_code in (303, 401)
    admin = make_user(db, Role.ADMIN)
    assert web.login(admin.email, PASSWORD).status_code == 303
    assert 'class="inbox-link' not in web.get("/dashboard").text


def test_the_office_is_told_once_when_a_deadline_passes_with_content_missing(
    db: Session, p: People, settings: Any
) -> None:
    from app.notifications import work
    from tests.support import as_sender

    briefing = make_briefing(db, days_ahead=2, title_vi="Họp báo quý IV")
    late = make_call(
        db, briefing=briefing, orgs=[p.org, p.other_org], deadline_in=timedelta(hours=-1)
    )
    make_submission(db, late, p.other_org, status=SubmissionStatus.SUBMITTED, submitted_at=utcnow())
    complete = make_call(db, orgs=[p.other_org], deadline_in=timedelta(hours=-1))
    make_submission(
        db, complete, p.other_org, status=SubmissionStatus.SUBMITTED, submitted_at=utcnow()
    )
    make_call(db, orgs=[p.org], deadline_in=timedelta(hours=5))  # not due yet

    as_sender(work.content_late, db, settings, utcnow())
    as_sender(work.content_late, db, settings, utcnow())  # a second run tells nobody again
    told = notices(db, p.office, NoticeKind.CONTENT_LATE)
    assert len(told) == 1
    assert told[0].params["count"] == 1 and told[0].params["briefing"] == "Họp báo quý IV"
    assert told[0].link == f"/office/briefings/{briefing.id}/content"
    assert notices(db, p.spokesperson, NoticeKind.CONTENT_LATE) == []
