"""In-app notices as people meet them: who is told of each event (and, as much, who is not),
the bell and the notices page, opening a notice, the reminders before deadlines, each person's
delivery choices, and the e-mails for notices (at once, in a daily digest, or none).

Every test runs on SQLite and on PostgreSQL. Web flows go through the real routes; questions and
briefings go through their services with an `Actor` (the approval rules need several people).
What was stored is read back after `expire_all()`.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing, BriefingInvitee
from app.briefings.service import TransitionInput
from app.briefings.states import Action as BriefingAction
from app.config import Settings
from app.content.models import ContentCall, SubmissionStatus
from app.i18n import gettext
from app.main import create_app
from app.notifications import kinds, service, triggers
from app.notifications.kinds import CHANGES, OUTCOMES
from app.notifications.models import Delivery, Notice, NoticeKind, NoticePreference, OutboxMessage
from app.orgs.models import Organisation, OrgKind
from app.questions import service as questions
from app.questions.models import AnswerKind, Channel, Question, QuestionStatus
from app.questions.service import AnswerInput, QuestionInput
from app.timeutil import LOCAL_TZ, local_today, to_local, utcnow
from tests.conftest import WebClient, make_settings, page_text
from tests.factories import (
    PASSWORD,
    make_briefing,
    make_call,
    make_org,
    make_submission,
    make_user,
)
from tests.support import as_sender

K = NoticeKind
SYSTEM = Actor.system("test")
SPOKESPERSON = Actor(None, None, Role.SPOKESPERSON.value, None, None)
TEXT = "Tiến độ giải phóng mặt bằng dự án cao tốc Vân Đồn – Móng Cái thế nào?"
SCRIPT = "<script>alert(1)</script>"
BASE = "https://baochi.quangninh.gov.vn"
DEPT_KINDS = {
    K.CALL_OPENED,
    K.CALL_REMINDER,
    K.SUBMISSION_RETURNED,
    K.SUBMISSION_ACCEPTED,
    K.QUESTION_ASSIGNED,
    K.QUESTION_DUE_SOON,
    K.QUESTION_OVERDUE,
}

NewWeb = Callable[[], WebClient]


# --- Helpers ---------------------------------------------------------------------------------


def text_of(html: str) -> str:
    return htmllib.unescape(page_text(html))


def sign_in(web: WebClient, db: Session, role: Role, **over: Any) -> User:
    user = make_user(db, role=role, **over)
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return user


def browser(new_web: NewWeb, db: Session, role: Role, **over: Any) -> tuple[WebClient, User]:
    web = new_web()
    return web, sign_in(web, db, role, **over)


def notices_of(db: Session, user: User, kind: NoticeKind | None = None) -> list[Notice]:
    db.expire_all()
    query = select(Notice).where(Notice.user_id == user.id)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return list(db.exec(query.order_by(col(Notice.id))).all())


def all_notices(db: Session) -> list[Notice]:
    db.expire_all()
    return list(db.exec(select(Notice).order_by(col(Notice.id))).all())


def bell(html: str) -> int:
    found = re.findall(r'<a href="/notices" class="bell\b[^"]*"[^>]*\bdata-unread="(\d+)"', html)
    assert len(found) == 1, "no bell on the page"
    return int(found[0])


def notice_texts(html: str) -> dict[int, str]:
    """The notices on the notices page: id → the text shown."""
    items = re.findall(r'<li [^>]*\bdata-notice="(\d+)"[^>]*>(.*?)</li>', html, re.S)
    out = {}
    for ident, body in items:
        shown = re.search(
            r'<button [^>]*class="[^"]*\bnotice-text\b[^"]*"[^>]*>(.*?)</button>', body, re.S
        )
        assert shown is not None
        out[int(ident)] = htmllib.unescape(shown.group(1)).strip()
    return out


def call_post(briefing: Briefing, orgs: list[Organisation]) -> dict[str, Any]:
    day = to_local(briefing.starts_at).date() - timedelta(days=2)
    return {
        "deadline_day": day.isoformat(),
        "deadline_time": "16:30",
        "instructions": "Gửi số liệu giải ngân và câu hỏi dự kiến.",
        "organisation_ids": [str(o.id) for o in orgs],
    }


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.email, user.role.value, user.organisation_id, None)


def asked(db: Session, journalist: User, text: str = TEXT, **over: Any) -> Question:
    q, created = questions.ask(
        db,
        actor=actor_of(journalist),
        data=QuestionInput(text=text, **over),
        rate_limit=100,
        rate_window_minutes=10,
    )
    assert created
    return q


def recorded(db: Session, text: str = TEXT) -> Question:
    """A question the office records for someone without an account."""
    return questions.record(
        db,
        actor=SYSTEM,
        data=QuestionInput(
            text=text, channel=Channel.EMAIL, asker_name="Trần Thị Hoa", agency_name="Báo Thử"
        ),
    )


def assign(db: Session, q: Question, org: Organisation) -> Question:
    return questions.assign(db, actor=SYSTEM, question_id=q.id or 0, lead_org_id=org.id)


def reply(db: Session, q: Question, data: AnswerInput) -> None:
    """Drafted by the office (a system actor), approved by the spokesperson."""
    questions.save_answer(db, actor=SYSTEM, question_id=q.id or 0, data=data)
    questions.approve(db, actor=SPOKESPERSON, question_id=q.id or 0)


def agency(db: Session) -> Organisation:
    return make_org(db, kind=OrgKind.PRESS_AGENCY)


# --- 1. A call for content: who is told, the bell, opening a notice --------------------------


def test_opening_a_call_tells_each_organisation_asked_and_nobody_else(
    web: WebClient, db: Session, new_web: NewWeb
) -> None:
    a, b, c = make_org(db), make_org(db), make_org(db)
    sign_in(web, db, Role.PRESS_OFFICE)
    dept_a, user_a = browser(new_web, db, Role.DEPARTMENT, org=a)
    dept_b, user_b = browser(new_web, db, Role.DEPARTMENT, org=b)
    dept_c, user_c = browser(new_web, db, Role.DEPARTMENT, org=c)
    briefing = make_briefing(db, title_vi="Họp báo quý III về giải ngân đầu tư công")
    assert bell(dept_a.get("/notices").text) == 0

    r = web.post(f"/office/briefings/{briefing.id}/content", call_post(briefing, [a, b]))
    assert r.status_code == 303, r.text

    (na,) = notices_of(db, user_a)
    (nb,) = notices_of(db, user_b)
    assert na.kind == nb.kind == K.CALL_OPENED
    assert na.link == "/dept/calls" and na.read_at is None
    assert notices_of(db, user_c) == []
    page = dept_a.get("/notices").text
    assert bell(page) == 1
    shown = notice_texts(page)
    assert list(shown) == [na.id]
    assert "Họp báo quý III về giải ngân đầu tư công" in shown[na.id]
    assert notice_texts(dept_c.get("/notices").text) == {}
    assert bell(dept_c.get("/notices").text) == 0

    # Someone else's notice cannot be opened (nor marked read).
    assert dept_b.post(f"/notices/{na.id}/open").status_code == 404
    assert notices_of(db, user_a)[0].read_at is None

    r = dept_a.post(f"/notices/{na.id}/open")
    assert r.status_code == 303
    assert r.headers["location"] == "/dept/calls"
    assert notices_of(db, user_a)[0].read_at is not None
    assert bell(dept_a.get("/dept/calls").text) == 0
    assert bell(dept_b.get("/dept/calls").text) == 1  # B's own notice is still unread

    # The call is changed to ask C too: C is told once, A and B are not told again.
    r = web.post(f"/office/briefings/{briefing.id}/content", call_post(briefing, [a, b, c]))
    assert r.status_code == 303, r.text
    r = web.post(f"/office/briefings/{briefing.id}/content", call_post(briefing, [a, b, c]))
    assert r.status_code == 303, r.text
    assert [n.kind for n in notices_of(db, user_c)] == [K.CALL_OPENED]
    assert len(notices_of(db, user_a)) == 1 and len(notices_of(db, user_b)) == 1
    assert bell(dept_c.get("/notices").text) == 1


def test_mark_all_read_empties_the_bell_of_that_person_only(
    web: WebClient, db: Session, new_web: NewWeb
) -> None:
    a = make_org(db)
    sign_in(web, db, Role.PRESS_OFFICE)
    first, user_1 = browser(new_web, db, Role.DEPARTMENT, org=a)
    second, user_2 = browser(new_web, db, Role.DEPARTMENT, org=a)
    for _ in range(2):
        briefing = make_briefing(db)
        assert (
            web.post(
                f"/office/briefings/{briefing.id}/content", call_post(briefing, [a])
            ).status_code
            == 303
        )
    assert bell(first.get("/notices").text) == 2

    r = first.post("/notices/read")

    assert r.status_code == 303 and r.headers["location"] == "/notices"
    assert bell(first.get("/notices").text) == 0
    assert all(n.read_at is not None for n in notices_of(db, user_1))
    assert bell(second.get("/notices").text) == 2
    assert all(n.read_at is None for n in notices_of(db, user_2))


def test_an_inactive_department_user_is_not_told(
    web: WebClient, db: Session, new_web: NewWeb
) -> None:
    from app.accounts.models import UserStatus

    a = make_org(db)
    sign_in(web, db, Role.PRESS_OFFICE)
    _, active = browser(new_web, db, Role.DEPARTMENT, org=a)
    disabled = make_user(db, Role.DEPARTMENT, org=a, status=UserStatus.DISABLED)
    briefing = make_briefing(db)

    assert (
        web.post(f"/office/briefings/{briefing.id}/content", call_post(briefing, [a])).status_code
        == 303
    )

    assert len(notices_of(db, active)) == 1
    assert notices_of(db, disabled) == []


# --- 2. Submissions returned and accepted ----------------------------------------------------


def test_returning_and_accepting_content_tells_the_department_with_the_comment(
    web: WebClient, db: Session, new_web: NewWeb
) -> None:
    a, b = make_org(db), make_org(db)
    briefing = make_briefing(db, title_vi="Họp báo về du lịch hè")
    call = make_call(db, briefing=briefing, orgs=[a, b])
    sent = {"status": SubmissionStatus.SUBMITTED, "submitted_at": utcnow()}
    sub_a = make_submission(db, call, a, **sent)
    sub_b = make_submission(db, call, b, **sent)
    sign_in(web, db, Role.PRESS_OFFICE)
    dept_a, user_a = browser(new_web, db, Role.DEPARTMENT, org=a)
    _, user_b = browser(new_web, db, Role.DEPARTMENT, org=b)
    comment = "Bổ sung số liệu quý I để so sánh & nêu rõ nguồn."

    r = web.post(
        f"/submissions/{sub_a.id}/actions/return", {"comment": comment, "revision": sub_a.revision}
    )
    assert r.status_code == 303, r.text
    r = web.post(f"/submissions/{sub_b.id}/actions/accept", {"revision": sub_b.revision})
    assert r.status_code == 303, r.text

    (na,) = notices_of(db, user_a)
    assert na.kind == K.SUBMISSION_RETURNED and na.link == f"/submissions/{sub_a.id}"
    assert na.params["comment"] == comment
    shown = notice_texts(dept_a.get("/notices").text)[na.id or 0]
    assert comment in shown and "Họp báo về du lịch hè" in shown
    (nb,) = notices_of(db, user_b)
    assert nb.kind == K.SUBMISSION_ACCEPTED and nb.link == f"/submissions/{sub_b.id}"


# --- 3. Questions ----------------------------------------------------------------------------


def test_a_question_assigned_then_transferred_tells_each_lead_organisation_in_turn(
    db: Session, new_web: NewWeb
) -> None:
    a, b, c = make_org(db), make_org(db), make_org(db)
    dept_a, user_a = browser(new_web, db, Role.DEPARTMENT, org=a)
    user_a2 = make_user(db, Role.DEPARTMENT, org=a)
    user_b = make_user(db, Role.DEPARTMENT, org=b)
    user_c = make_user(db, Role.DEPARTMENT, org=c)
    q = recorded(db)

    assign(db, q, a)

    for user in (user_a, user_a2):
        (n,) = notices_of(db, user)
        assert n.kind == K.QUESTION_ASSIGNED and n.link == f"/dept/questions/{q.id}"
    assert notices_of(db, user_b) == notices_of(db, user_c) == []
    shown = notice_texts(dept_a.get("/notices").text)
    assert TEXT[:40] in next(iter(shown.values()))
    assert dept_a.post(f"/notices/{next(iter(shown))}/open").headers["location"] == (
        f"/dept/questions/{q.id}"
    )

    questions.transfer(db, actor=SYSTEM, question_id=q.id or 0, to_org_id=b.id, reason="Đúng việc")

    assert [n.kind for n in notices_of(db, user_b)] == [K.QUESTION_ASSIGNED]
    assert notices_of(db, user_b)[0].link == f"/dept/questions/{q.id}"
    assert len(notices_of(db, user_a)) == 1
    assert notices_of(db, user_c) == []


REPLIES = {
    "answered": AnswerInput(kind=AnswerKind.ANSWER, text="Đã giải phóng 95% mặt bằng."),
    "holding": AnswerInput(kind=AnswerKind.HOLDING, text="Sẽ trả lời sau."),
    "refused": AnswerInput(kind=AnswerKind.REFUSAL, text="Đang thanh tra.", refusal_ground="c"),
}


def reply_for(outcome: str) -> AnswerInput:
    template = REPLIES[outcome]
    return AnswerInput(
        kind=template.kind,
        text=template.text,
        refusal_ground=template.refusal_ground,
        new_due_on=local_today() + timedelta(days=10) if outcome == "holding" else None,
    )


@pytest.mark.parametrize("outcome", list(REPLIES))
def test_the_journalist_who_asked_is_told_of_the_approved_reply(
    db: Session, new_web: NewWeb, outcome: str
) -> None:
    org = make_org(db)
    dept_user = make_user(db, Role.DEPARTMENT, org=org)
    journalist_web, journalist = browser(new_web, db, Role.JOURNALIST, org=agency(db))
    other_journalist = make_user(db, Role.JOURNALIST, org=agency(db))
    q = assign(db, asked(db, journalist), org)

    reply(db, q, reply_for(outcome))

    (n,) = notices_of(db, journalist)
    assert n.kind == K.QUESTION_ANSWERED and n.link == f"/questions/{q.id}"
    assert n.params["outcome"] == OUTCOMES[outcome]
    assert notices_of(db, other_journalist) == []
    assert K.QUESTION_ANSWERED not in {x.kind for x in notices_of(db, dept_user)}
    page = journalist_web.get("/notices").text  # Vietnamese, the default
    assert bell(page) == 1
    shown = notice_texts(page)[n.id or 0]
    assert TEXT[:40] in shown
    assert gettext("vi", OUTCOMES[outcome]) in shown
    assert shown == kinds.text(K.QUESTION_ANSWERED, n.params, "vi")


def test_a_merged_question_tells_its_asker_to_follow_the_other_one(db: Session) -> None:
    first_asker = make_user(db, Role.JOURNALIST, org=agency(db))
    second_asker = make_user(db, Role.JOURNALIST, org=agency(db))
    earlier = asked(db, first_asker, "Giá đất năm nay?")
    later = asked(db, second_asker, "Giá đất năm nay thế nào?")

    questions.merge(db, actor=SYSTEM, question_id=later.id or 0, into_id=earlier.id or 0)

    (n,) = notices_of(db, second_asker)
    assert n.kind == K.QUESTION_ANSWERED and n.params["outcome"] == OUTCOMES["merged"]
    assert n.link == f"/questions/{later.id}"
    assert notices_of(db, first_asker) == []


def test_a_question_recorded_for_someone_without_an_account_tells_nobody_of_its_reply(
    db: Session,
) -> None:
    org = make_org(db)
    make_user(db, Role.DEPARTMENT, org=org)
    make_user(db, Role.JOURNALIST, org=agency(db))
    q = assign(db, recorded(db), org)
    before = len(all_notices(db))

    reply(db, q, AnswerInput(kind=AnswerKind.ANSWER, text="Đã trả lời."))
    earlier = recorded(db, "Hỏi trước?")
    questions.merge(
        db, actor=SYSTEM, question_id=recorded(db, "Hỏi sau?").id or 0, into_id=earlier.id or 0
    )

    assert len(all_notices(db)) == before
    assert K.QUESTION_ANSWERED not in {n.kind for n in all_notices(db)}


# --- 4. Briefings postponed or cancelled -----------------------------------------------------


def _transition(db: Session, b: Briefing, action: BriefingAction, **kw: Any) -> Briefing:
    return briefings.transition(
        db,
        actor=SYSTEM,
        briefing_id=b.id or 0,
        data=TransitionInput(action, **kw),
        expected_sequence=None,
    )


def test_an_announced_briefing_postponed_then_cancelled_tells_the_invited_and_the_askers(
    db: Session, new_web: NewWeb
) -> None:
    invited, not_invited = make_org(db), make_org(db)
    b = make_briefing(db, days_ahead=10, announced=True, title_vi="Họp báo tháng 9")
    other = make_briefing(db, days_ahead=12, announced=True)
    db.add(BriefingInvitee(briefing_id=b.id or 0, organisation_id=invited.id or 0))
    db.commit()
    invited_user = make_user(db, Role.DEPARTMENT, org=invited)
    outsider = make_user(db, Role.DEPARTMENT, org=not_invited)
    journalist_web, asker = browser(new_web, db, Role.JOURNALIST, org=agency(db))
    asked(db, asker, briefing_id=b.id)
    asked(db, asker, "Câu hỏi thứ hai?", briefing_id=b.id)  # two questions: still one notice
    elsewhere = make_user(db, Role.JOURNALIST, org=agency(db))
    asked(db, elsewhere, briefing_id=other.id)  # asked for another briefing
    silent = make_user(db, Role.JOURNALIST, org=agency(db))  # asked nothing

    _transition(
        db,
        b,
        BriefingAction.POSTPONE,
        reason="Trùng lịch họp HĐND",
        new_day=local_today() + timedelta(days=15),
        new_start=time(9),
        new_end=time(10, 30),
    )

    for user in (invited_user, asker):
        (n,) = notices_of(db, user)
        assert n.kind == K.BRIEFING_CHANGED and n.params["change"] == CHANGES["postponed"]
        assert n.link == f"/briefings/{b.id}"
    for user in (outsider, elsewhere, silent):
        assert notices_of(db, user) == []
    assert "Họp báo tháng 9" in next(
        iter(notice_texts(journalist_web.get("/notices").text).values())
    )

    _transition(db, b, BriefingAction.CANCEL, reason="Không còn cần thiết")

    for user in (invited_user, asker):
        assert [n.params["change"] for n in notices_of(db, user)] == [
            CHANGES["postponed"],
            CHANGES["cancelled"],
        ]
    for user in (outsider, elsewhere, silent):
        assert notices_of(db, user) == []


def test_a_briefing_never_announced_tells_nobody_when_cancelled(db: Session) -> None:
    org = make_org(db)
    b = make_briefing(db, days_ahead=10)
    db.add(BriefingInvitee(briefing_id=b.id or 0, organisation_id=org.id or 0))
    db.commit()
    make_user(db, Role.DEPARTMENT, org=org)

    _transition(db, b, BriefingAction.CANCEL)

    assert all_notices(db) == []


# --- 5. Reminders ----------------------------------------------------------------------------


def reminder_notices(db: Session, user: User) -> list[tuple[NoticeKind, Any]]:
    return [
        (n.kind, n.params.get("hours")) for n in notices_of(db, user) if n.kind != K.CALL_OPENED
    ]


def test_call_reminders_go_once_per_band_to_organisations_that_have_not_sent_content(
    db: Session, settings: Settings
) -> None:
    waiting, drafting, done = make_org(db), make_org(db), make_org(db)
    user_waiting = make_user(db, Role.DEPARTMENT, org=waiting)
    user_drafting = make_user(db, Role.DEPARTMENT, org=drafting)
    user_done = make_user(db, Role.DEPARTMENT, org=done)
    now = utcnow()
    call = make_call(db, orgs=[waiting, drafting, done], deadline=now + timedelta(hours=30))
    make_submission(db, call, drafting)  # a draft: not sent yet
    make_submission(db, call, done, status=SubmissionStatus.SUBMITTED, submitted_at=now)

    assert as_sender(triggers.reminders, db, settings, now) == 2

    for user in (user_waiting, user_drafting):
        assert reminder_notices(db, user) == [(K.CALL_REMINDER, 48)]
        (n,) = notices_of(db, user, K.CALL_REMINDER)
        assert n.link == "/dept/calls"
    assert notices_of(db, user_done) == []

    # The sender runs every few minutes: nothing new at the same moment or a little later.
    assert as_sender(triggers.reminders, db, settings, now) == 0
    assert as_sender(triggers.reminders, db, settings, now + timedelta(hours=5)) == 0
    assert reminder_notices(db, user_waiting) == [(K.CALL_REMINDER, 48)]

    # 20 hours before the deadline: the 24-hour reminder, once.
    later = call.deadline - timedelta(hours=20)
    assert as_sender(triggers.reminders, db, settings, later) == 2
    assert as_sender(triggers.reminders, db, settings, later) == 0
    assert reminder_notices(db, user_waiting) == [(K.CALL_REMINDER, 48), (K.CALL_REMINDER, 24)]
    assert notices_of(db, user_done) == []

    # After the deadline: no more reminders.
    assert as_sender(triggers.reminders, db, settings, call.deadline + timedelta(minutes=1)) == 0


def test_reminder_hours_come_from_the_settings(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url, tmp_path, reminder_hours=(72, 6))
    org = make_org(db)
    user = make_user(db, Role.DEPARTMENT, org=org)
    now = utcnow()
    call = make_call(db, orgs=[org], deadline=now + timedelta(hours=60))

    assert as_sender(triggers.reminders, db, settings, now) == 1
    assert reminder_notices(db, user) == [(K.CALL_REMINDER, 72)]
    assert as_sender(triggers.reminders, db, settings, call.deadline - timedelta(hours=20)) == 0
    assert as_sender(triggers.reminders, db, settings, call.deadline - timedelta(hours=5)) == 1
    assert reminder_notices(db, user) == [(K.CALL_REMINDER, 72), (K.CALL_REMINDER, 6)]


def _due(db: Session, q: Question, due_at: datetime, **over: Any) -> Question:
    db.expire_all()
    row = db.get(Question, q.id)
    assert row is not None
    row.due_at = due_at
    for k, v in over.items():
        setattr(row, k, v)
    db.add(row)
    db.commit()
    return row


def test_question_reminders_before_and_after_the_due_date_once_each(
    db: Session, settings: Settings
) -> None:
    lead, other = make_org(db), make_org(db)
    user = make_user(db, Role.DEPARTMENT, org=lead)
    other_user = make_user(db, Role.DEPARTMENT, org=other)
    now = utcnow()
    soon = _due(db, assign(db, recorded(db, "Sắp đến hạn?"), lead), now + timedelta(hours=10))
    late = _due(db, assign(db, recorded(db, "Đã quá hạn?"), lead), now - timedelta(hours=2))
    _due(db, assign(db, recorded(db, "Còn lâu?"), lead), now + timedelta(days=5))
    _due(db, assign(db, recorded(db, "Quá hạn từ lâu?"), lead), now - timedelta(days=30))
    answered = assign(db, recorded(db, "Đã trả lời?"), lead)
    reply(db, answered, AnswerInput(kind=AnswerKind.ANSWER, text="Đã trả lời."))
    answered = _due(db, answered, now - timedelta(hours=1))
    assert answered.status == QuestionStatus.ANSWERED
    assigned_before = len(notices_of(db, user))

    assert as_sender(triggers.reminders, db, settings, now) == 2
    assert as_sender(triggers.reminders, db, settings, now) == 0
    assert as_sender(triggers.reminders, db, settings, now + timedelta(minutes=10)) == 0

    told = notices_of(db, user)[assigned_before:]
    assert sorted((n.kind, n.link) for n in told) == sorted(
        [
            (K.QUESTION_DUE_SOON, f"/dept/questions/{soon.id}"),
            (K.QUESTION_OVERDUE, f"/dept/questions/{late.id}"),
        ]
    )
    assert notices_of(db, other_user) == []

    # Once the due date of the first one has passed, it is overdue: told once more.
    assert as_sender(triggers.reminders, db, settings, now + timedelta(hours=11)) == 1
    assert as_sender(triggers.reminders, db, settings, now + timedelta(hours=12)) == 0
    overdue = notices_of(db, user, K.QUESTION_OVERDUE)
    assert sorted(n.link for n in overdue) == sorted(
        [f"/dept/questions/{soon.id}", f"/dept/questions/{late.id}"]
    )


# --- 6. Preferences --------------------------------------------------------------------------


def fieldsets(html: str) -> list[str]:
    return re.findall(r'<fieldset [^>]*\bid="f-([a-z_]+)"', html)


def error_text(html: str, element_id: str) -> str:
    found = re.search(rf'<p class="error-text" id="{element_id}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no error beside {element_id}"
    return text_of(found.group(1)).strip()


def prefs_of(db: Session, user: User) -> dict[NoticeKind, Delivery]:
    db.expire_all()
    rows = db.exec(select(NoticePreference).where(NoticePreference.user_id == user.id)).all()
    return {r.kind: r.delivery for r in rows}


def test_the_preferences_page_lists_only_the_kinds_for_the_role(
    db: Session, new_web: NewWeb
) -> None:
    dept, _ = browser(new_web, db, Role.DEPARTMENT, org=make_org(db))
    journalist, _ = browser(new_web, db, Role.JOURNALIST, org=agency(db))
    for web in (dept, journalist):
        web.client.cookies.set("pd_lang", "en")

    dept_page = dept.get("/notices/preferences")
    journalist_page = journalist.get("/notices/preferences")

    assert dept_page.status_code == journalist_page.status_code == 200
    assert set(fieldsets(dept_page.text)) == {k.value for k in kinds.kinds_for(Role.DEPARTMENT)}
    assert {K(k) for k in fieldsets(dept_page.text)} >= DEPT_KINDS
    assert K.QUESTION_ANSWERED.value not in fieldsets(dept_page.text)
    assert "News of your questions" not in text_of(dept_page.text)
    assert "A call for content for your organisation" in text_of(dept_page.text)
    assert set(fieldsets(journalist_page.text)) == {
        K.QUESTION_ANSWERED.value,
        K.BRIEFING_CHANGED.value,
        K.STATEMENT_PUBLISHED.value,
        K.ATTENDANCE_CONFIRMED.value,
        K.ATTENDANCE_REFUSED.value,
        K.PREVIEW_SHARED.value,
        K.JOURNALIST_VERIFIED.value,
        K.JOURNALIST_REJECTED.value,
        K.PRESS_CARD_EXPIRING.value,
        K.PRESS_CARD_EXPIRED.value,
    }
    assert "News of your questions" in text_of(journalist_page.text)
    assert "Your press card about to expire" in text_of(journalist_page.text)
    assert "A call for content" not in text_of(journalist_page.text)
    # The defaults are checked: an e-mail at once for a call, the app only for an acceptance.
    assert checked(dept_page.text, "call_opened", "email")
    assert not checked(dept_page.text, "call_opened", "in_app")
    assert checked(dept_page.text, "submission_accepted", "in_app")


def checked(html: str, name: str, value: str) -> bool:
    """Whether the radio button `name`=`value` is the one chosen."""
    tags = re.findall(rf'<input [^>]*name="{name}" value="{value}"[^>]*>', html)
    assert len(tags) == 1, (name, value, tags)
    return " checked" in tags[0]


def prefs_form(role: Role, **over: str) -> dict[str, str]:
    form = {k.value: Delivery.IN_APP.value for k in kinds.kinds_for(role)}
    form["language"] = "en"
    form.update(over)
    return form


def test_saving_preferences_stores_each_choice_and_the_language(
    db: Session, new_web: NewWeb
) -> None:
    dept, user = browser(new_web, db, Role.DEPARTMENT, org=make_org(db))
    form = prefs_form(
        Role.DEPARTMENT,
        call_opened="digest",
        question_assigned="email",
        question_answered="email",  # not a kind for a department: ignored
    )

    r = dept.post("/notices/preferences", form)

    assert r.status_code == 303 and r.headers["location"] == "/notices/preferences"
    saved = prefs_of(db, user)
    assert set(saved) == set(kinds.kinds_for(Role.DEPARTMENT))
    assert saved[K.CALL_OPENED] == Delivery.DIGEST
    assert saved[K.QUESTION_ASSIGNED] == Delivery.EMAIL
    assert saved[K.CALL_REMINDER] == Delivery.IN_APP
    assert K.QUESTION_ANSWERED not in saved
    assert db.get(User, user.id).language == "en"  # type: ignore[union-attr]
    page = dept.get("/notices/preferences").text
    assert checked(page, "call_opened", "digest")
    assert checked(page, "question_assigned", "email")
    assert service.delivery_for(db, user.id or 0, K.CALL_OPENED) == Delivery.DIGEST

    # Saved again: the rows are updated, not added.
    assert (
        dept.post("/notices/preferences", prefs_form(Role.DEPARTMENT, language="vi")).status_code
        == 303
    )
    saved = prefs_of(db, user)
    assert set(saved.values()) == {Delivery.IN_APP}
    assert len(saved) == len(kinds.kinds_for(Role.DEPARTMENT))
    assert db.get(User, user.id).language == "vi"  # type: ignore[union-attr]

    # The service itself keeps only the kinds of the person's role.
    fresh_user = db.get(User, user.id)
    assert fresh_user is not None
    service.set_preferences(db, fresh_user, {K.QUESTION_ANSWERED: Delivery.EMAIL}, None)
    assert K.QUESTION_ANSWERED not in prefs_of(db, user)


def test_an_invalid_choice_is_shown_beside_its_fieldset_and_nothing_is_saved(
    db: Session, new_web: NewWeb
) -> None:
    journalist, user = browser(new_web, db, Role.JOURNALIST, org=agency(db))
    journalist.client.cookies.set("pd_lang", "en")
    form = prefs_form(Role.JOURNALIST, question_answered="sometimes", briefing_changed="digest")

    r = journalist.post("/notices/preferences", form)

    assert r.status_code == 422
    assert "Choose how this notice reaches you." in error_text(r.text, "f-question_answered")
    assert 'id="f-briefing_changed-error"' not in r.text
    assert re.search(
        r'<fieldset class="[^"]*\bfield--error\b[^"]*" id="f-question_answered"', r.text
    )
    assert not re.search(
        r'<fieldset class="[^"]*\bfield--error\b[^"]*" id="f-briefing_changed"', r.text
    )
    # What was chosen validly is kept on the form.
    assert checked(r.text, "briefing_changed", "digest")
    assert prefs_of(db, user) == {}
    assert db.get(User, user.id).language == "vi"  # type: ignore[union-attr]

    r = journalist.post("/notices/preferences", prefs_form(Role.JOURNALIST, language="xx"))
    assert r.status_code == 422
    assert "Choose a language." in error_text(r.text, "f-language")
    assert prefs_of(db, user) == {}


def test_preferences_need_the_csrf_token_and_a_signed_in_person(
    db: Session, new_web: NewWeb, client: TestClient
) -> None:
    dept, user = browser(new_web, db, Role.DEPARTMENT, org=make_org(db))

    r = dept.post("/notices/preferences", prefs_form(Role.DEPARTMENT), csrf=False)
    assert r.status_code == 403
    assert prefs_of(db, user) == {}
    assert db.get(User, user.id).language == "vi"  # type: ignore[union-attr]

    for url in ("/notices/preferences", "/notices"):
        r = client.get(url)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    anonymous = WebClient(client)
    r = anonymous.post("/notices/preferences", prefs_form(Role.DEPARTMENT))
    assert r.status_code in (303, 403)
    assert prefs_of(db, user) == {}


# --- 7. E-mails for notices ------------------------------------------------------------------


@dataclass
class Mail:
    settings: Settings
    db: Session
    office: WebClient
    browser: Callable[..., tuple[WebClient, User]]


@pytest.fixture
def mail(database_url: str, tmp_path: Path) -> Iterator[Mail]:
    mail_settings = make_settings(
        database_url,
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=2525,
        smtp_security="none",
        public_base_url=BASE + "/",
    )
    application = create_app(mail_settings)
    clients: list[TestClient] = []

    def make(role: Role, **over: Any) -> tuple[WebClient, User]:
        c = TestClient(application, base_url="http://testserver", follow_redirects=False)
        clients.append(c)
        web = WebClient(c)
        return web, sign_in(web, session, role, **over)

    with Session(application.state.engine, expire_on_commit=False) as session:
        office, _ = make(Role.PRESS_OFFICE)
        yield Mail(mail_settings, session, office, make)
    for c in clients:
        c.close()
    application.state.engine.dispose()


def outbox_rows(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def prefer(db: Session, user: User, kind: NoticeKind, delivery: Delivery) -> None:
    db.add(NoticePreference(user_id=user.id or 0, kind=kind, delivery=delivery))
    db.commit()


def open_call_as_office(m: Mail, briefing: Briefing, orgs: list[Organisation]) -> None:
    r = m.office.post(f"/office/briefings/{briefing.id}/content", call_post(briefing, orgs))
    assert r.status_code == 303, r.text


def test_a_notice_meant_by_email_is_queued_by_the_next_sender_run_in_the_readers_language(
    mail: Mail,
) -> None:
    db = mail.db
    a, b = make_org(db), make_org(db)
    _, english = mail.browser(Role.DEPARTMENT, org=a, language="en")
    _, vietnamese = mail.browser(Role.DEPARTMENT, org=b)
    in_app = make_user(db, Role.DEPARTMENT, org=a)
    prefer(db, in_app, K.CALL_OPENED, Delivery.IN_APP)
    briefing = make_briefing(db, title_vi=f"Họp báo {SCRIPT} tháng 10")

    open_call_as_office(mail, briefing, [a, b])
    assert outbox_rows(db) == []  # the request writes the notices; the sender writes the e-mails
    assert as_sender(service.mail_notices, db, mail.settings, utcnow()) == 2

    rows = outbox_rows(db)
    assert sorted(r.to_address for r in rows) == sorted([english.email, vietnamese.email])
    assert len(notices_of(db, in_app)) == 1  # told in the app, not by e-mail
    by_address = {r.to_address: r for r in rows}
    en, vi = by_address[english.email], by_address[vietnamese.email]
    (notice,) = notices_of(db, english)
    assert notice.mailed_at is not None
    assert en.language == "en"
    assert en.subject == kinds.text(K.CALL_OPENED, notice.params, "en")
    assert en.subject.startswith("Content is asked of your organisation for “Họp báo <script>")
    assert vi.language == "vi"
    assert vi.subject == kinds.text(K.CALL_OPENED, notices_of(db, vietnamese)[0].params, "vi")
    for row in (en, vi):
        assert f"{BASE}/dept/calls" in row.text_body
        assert f"{BASE}/notices/preferences" in row.text_body
        assert f'href="{BASE}/dept/calls"' in row.html_body
        assert SCRIPT not in row.html_body
        assert "Họp báo &lt;script&gt;alert(1)&lt;/script&gt; tháng 10" in row.html_body
    assert f"Họp báo {SCRIPT} tháng 10" in en.text_body  # plain text is not HTML-escaped


def test_a_digest_waits_for_the_next_morning_and_lists_every_notice_once(mail: Mail) -> None:
    db = mail.db
    a = make_org(db)
    _, reader = mail.browser(Role.DEPARTMENT, org=a, language="en")
    prefer(db, reader, K.CALL_OPENED, Delivery.DIGEST)
    first = make_briefing(db, title_vi="Họp báo thứ nhất")
    second = make_briefing(db, days_ahead=12, title_vi="Họp báo thứ hai")

    open_call_as_office(mail, first, [a])
    open_call_as_office(mail, second, [a])

    assert len(notices_of(db, reader)) == 2
    assert outbox_rows(db) == []
    # Now (the digest of the day, if any, is for notices from before this morning): nothing.
    assert as_sender(service.mail_notices, db, mail.settings, utcnow()) == 0
    assert outbox_rows(db) == []

    tomorrow = local_today() + timedelta(days=1)
    morning = datetime.combine(tomorrow, time(8), tzinfo=LOCAL_TZ).astimezone(UTC)
    assert as_sender(service.mail_notices, db, mail.settings, morning) == 1

    (row,) = outbox_rows(db)
    assert row.to_address == reader.email and row.language == "en"
    assert row.subject == "Press Desk: 2 notices today"
    assert "Họp báo thứ nhất" in row.text_body and "Họp báo thứ hai" in row.text_body
    assert row.text_body.count(f"{BASE}/dept/calls") == 2
    assert all(n.mailed_at is not None for n in notices_of(db, reader))

    assert as_sender(service.mail_notices, db, mail.settings, morning) == 0
    assert as_sender(service.mail_notices, db, mail.settings, morning + timedelta(hours=3)) == 0
    assert len(outbox_rows(db)) == 1


def test_without_smtp_no_email_is_queued_but_the_notice_is_there(
    web: WebClient, db: Session, settings: Settings
) -> None:
    assert not settings.mail_enabled
    a = make_org(db)
    reader = make_user(db, Role.DEPARTMENT, org=a)
    sign_in(web, db, Role.PRESS_OFFICE)
    briefing = make_briefing(db)

    assert (
        web.post(f"/office/briefings/{briefing.id}/content", call_post(briefing, [a])).status_code
        == 303
    )

    assert [n.kind for n in notices_of(db, reader)] == [K.CALL_OPENED]
    assert notices_of(db, reader)[0].mailed_at is None
    assert outbox_rows(db) == []
    assert as_sender(service.mail_notices, db, settings, utcnow() + timedelta(days=1)) == 0
    assert outbox_rows(db) == []


def test_notices_made_outside_a_request_are_mailed_by_the_sender_run(mail: Mail) -> None:
    """Reminders run in the sender (no settings on the session): `mail_notices` sends them."""
    db = mail.db
    org = make_org(db)
    reader = make_user(db, Role.DEPARTMENT, org=org)
    now = utcnow()
    make_call(db, orgs=[org], deadline=now + timedelta(hours=30))

    assert as_sender(triggers.reminders, db, mail.settings, now) == 1
    assert outbox_rows(db) == []

    assert as_sender(service.mail_notices, db, mail.settings, now) == 1
    assert as_sender(service.mail_notices, db, mail.settings, now) == 0
    (row,) = outbox_rows(db)
    assert row.to_address == reader.email and f"{BASE}/dept/calls" in row.text_body


# --- 8. Nobody is told of what they may not see ----------------------------------------------


def test_a_journalist_never_gets_department_notices_and_a_department_never_question_news(
    db: Session, settings: Settings
) -> None:
    dept_org, press = make_org(db), agency(db)
    dept_user = make_user(db, Role.DEPARTMENT, org=dept_org)
    journalist = make_user(db, Role.JOURNALIST, org=press)
    now = utcnow()
    b = make_briefing(db, announced=True)
    db.add_all(
        BriefingInvitee(briefing_id=b.id or 0, organisation_id=o.id or 0) for o in (dept_org, press)
    )
    db.commit()

    # A call that names the press agency too (its journalists are not its focal officers).
    call = make_call(db, briefing=b, orgs=[dept_org, press], deadline=now + timedelta(hours=30))
    triggers.call_opened(db, call, b, [dept_org.id or 0, press.id or 0])
    db.commit()
    as_sender(triggers.reminders, db, settings, now)
    sub = make_submission(db, call, dept_org, status=SubmissionStatus.SUBMITTED, submitted_at=now)
    triggers.submission_acted(db, sub, b, "return")
    triggers.submission_acted(db, sub, b, "accept")
    db.commit()
    # The journalist's question, assigned to the department, nearly due, then answered.
    q = assign(db, asked(db, journalist, briefing_id=b.id), dept_org)
    _due(db, q, now + timedelta(hours=2))
    _due(db, assign(db, recorded(db, "Quá hạn?"), dept_org), now - timedelta(hours=1))
    as_sender(triggers.reminders, db, settings, now)
    reply(db, q, AnswerInput(kind=AnswerKind.ANSWER, text="Đã trả lời."))
    # A question whose lead is (wrongly) the press agency itself.
    other = _due(db, recorded(db, "Khác?"), now - timedelta(hours=1), lead_org_id=press.id)
    triggers.question_assigned(db, other)
    db.commit()
    as_sender(triggers.reminders, db, settings, now)
    _transition(db, b, BriefingAction.CANCEL, reason="Hoãn vô thời hạn")

    journalist_kinds = {n.kind for n in notices_of(db, journalist)}
    dept_kinds = {n.kind for n in notices_of(db, dept_user)}
    assert journalist_kinds == {K.QUESTION_ANSWERED, K.BRIEFING_CHANGED}
    assert not journalist_kinds & DEPT_KINDS
    assert dept_kinds == DEPT_KINDS | {K.BRIEFING_CHANGED}
    assert K.QUESTION_ANSWERED not in dept_kinds
    for user in (journalist, dept_user):
        assert {n.kind for n in notices_of(db, user)} <= set(kinds.kinds_for(user.role))


# --- Bugs found (expected behaviour, failing for now) ----------------------------------------


def test_a_multi_line_comment_or_question_still_makes_a_sendable_subject(mail: Mail) -> None:
    from app.notifications import outbox

    db = mail.db
    org = make_org(db)
    reader = make_user(db, Role.DEPARTMENT, org=org)
    call = make_call(db, orgs=[org])
    sub = make_submission(db, call, org, status=SubmissionStatus.SUBMITTED, submitted_at=utcnow())
    comment = "Cần bổ sung:\n- số liệu quý I\r\n- nguồn trích dẫn"
    r = mail.office.post(
        f"/submissions/{sub.id}/actions/return", {"comment": comment, "revision": sub.revision}
    )
    assert r.status_code == 303, r.text
    assign(db, recorded(db, "Câu hỏi dòng một\nvà dòng hai?"), org)
    assert as_sender(service.mail_notices, db, mail.settings, utcnow()) == 2

    rows = outbox_rows(db)
    assert len(rows) == 2 and {r.to_address for r in rows} == {reader.email}
    for row in rows:
        assert "\n" not in row.subject and "\r" not in row.subject
        built = outbox.build_message(mail.settings, row)  # what the sender does
        assert "\n" not in str(built["Subject"])


def test_no_content_reminder_for_a_cancelled_briefing(db: Session, settings: Settings) -> None:
    org = make_org(db)
    user = make_user(db, Role.DEPARTMENT, org=org)
    b = make_briefing(db, days_ahead=5, announced=True)
    make_call(db, briefing=b, orgs=[org], deadline=utcnow() + timedelta(hours=30))
    _transition(db, b, BriefingAction.CANCEL, reason="Không còn cần thiết")

    as_sender(triggers.reminders, db, settings, utcnow())

    assert notices_of(db, user, K.CALL_REMINDER) == []


def test_an_organisation_added_while_the_call_was_closed_is_told_when_it_reopens(
    web: WebClient, db: Session
) -> None:
    a, c = make_org(db), make_org(db)
    make_user(db, Role.DEPARTMENT, org=a)
    user_c = make_user(db, Role.DEPARTMENT, org=c)
    sign_in(web, db, Role.PRESS_OFFICE)
    briefing = make_briefing(db)
    url = f"/office/briefings/{briefing.id}/content"
    assert web.post(url, call_post(briefing, [a])).status_code == 303
    db.expire_all()
    (call,) = db.exec(select(ContentCall)).all()
    assert web.post(f"/office/calls/{call.id}/close").status_code == 303
    assert web.post(url, call_post(briefing, [a, c])).status_code == 303
    assert web.post(f"/office/calls/{call.id}/reopen").status_code == 303

    assert [n.kind for n in notices_of(db, user_c)] == [K.CALL_OPENED]
