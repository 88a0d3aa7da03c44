"""Journalists' questions on the database (no HTTP): intake online, from the room and recorded by
the office; triage, routing and transfers; answers with second-person approval, holding answers
and refusals; who may see what; the live briefing queue; the figures per organisation.

Every test runs on SQLite and on PostgreSQL. What was really stored is read back through a second
session (`fresh`), so a change made in memory but never committed cannot pass.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

import app.questions.service.intake as intake
from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.briefings.models import Briefing, BriefingStatus
from app.errors import Conflict, Forbidden, NotFound, TooManyRequests, ValidationFailed
from app.holidays.service import work_calendar
from app.orgs.models import Organisation, OrgKind
from app.questions import deadlines, service
from app.questions.deadlines import load_rules
from app.questions.models import (
    Answer,
    AnswerKind,
    AnswerStatus,
    Channel,
    LiveState,
    Question,
    QuestionStatus,
    QuestionSupport,
    QuestionTransfer,
)
from app.questions.service import AnswerInput, Filters, QuestionInput
from app.timeutil import LOCAL_TZ, clock_at, local_today, utcnow
from tests.factories import make_briefing, make_org, make_user

S = QuestionStatus
ADDRESS = "203.0.113.9"
_texts = itertools.count(1)


# --- Helpers -----------------------------------------------------------------------------------


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.email, user.role.value, user.organisation_id, ADDRESS)


@contextmanager
def fresh(db: Session) -> Iterator[Session]:
    """A second session, to see what was really committed."""
    with Session(db.get_bind()) as other:
        yield other


def stored(db: Session, question_id: int | None) -> Question:
    with fresh(db) as s:
        row = s.get(Question, question_id)
        assert row is not None
        s.expunge(row)
        return row


def stored_answer(db: Session, answer_id: int | None) -> Answer:
    with fresh(db) as s:
        row = s.get(Answer, answer_id)
        assert row is not None
        s.expunge(row)
        return row


def count(db: Session, model: Any) -> int:
    with fresh(db) as s:
        return len(s.exec(select(model)).all())


def audit_rows(db: Session, action: str | None = None) -> list[AuditEvent]:
    with fresh(db) as s:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if action is not None:
            query = query.where(AuditEvent.action == action)
        rows = list(s.exec(query).all())
        for r in rows:
            s.expunge(r)
        return rows


def audited(db: Session, action: str, obj: Any, actor: Actor) -> AuditEvent:
    """The one audit row of `action` on `obj`, by `actor`."""
    rows = [r for r in audit_rows(db, action) if r.object_id == str(obj.id)]
    assert len(rows) == 1, f"expected one {action} row for #{obj.id}, got {len(rows)}"
    assert rows[0].actor_user_id == actor.user_id
    assert rows[0].client_address == ADDRESS
    return rows[0]


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {k: v.render("en") for k, v in exc.value.errors.items()}


def new_text() -> str:
    return f"Câu hỏi {next(_texts)}: vì sao dự án đường vành đai chậm tiến độ?"


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ).astimezone(UTC)


@dataclass
class World:
    office: Actor
    office2: Actor
    spokesperson: Actor
    admin: Actor
    journalist: Actor
    journalist2: Actor
    org_a: Organisation
    org_b: Organisation
    org_c: Organisation
    agency: Organisation
    party: Organisation
    dept_a: Actor
    dept_b: Actor
    dept_c: Actor


@pytest.fixture
def w(db: Session) -> World:
    org_a = make_org(db, name_vi="Sở Xây dựng", name_en="Department of Construction")
    org_b = make_org(db, name_vi="Sở Giao thông", name_en="Department of Transport")
    org_c = make_org(db, name_vi="Sở Y tế", name_en="Department of Health")
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Nhân Dân")
    party = make_org(db, kind=OrgKind.PARTY_BODY, name_vi="Ban Tuyên giáo")
    return World(
        office=actor_for(make_user(db, Role.PRESS_OFFICE)),
        office2=actor_for(make_user(db, Role.PRESS_OFFICE)),
        spokesperson=actor_for(make_user(db, Role.SPOKESPERSON)),
        admin=actor_for(make_user(db, Role.ADMIN)),
        journalist=actor_for(make_user(db, Role.JOURNALIST, org=agency)),
        journalist2=actor_for(make_user(db, Role.JOURNALIST)),
        org_a=org_a,
        org_b=org_b,
        org_c=org_c,
        agency=agency,
        party=party,
        dept_a=actor_for(make_user(db, Role.DEPARTMENT, org=org_a)),
        dept_b=actor_for(make_user(db, Role.DEPARTMENT, org=org_b)),
        dept_c=actor_for(make_user(db, Role.DEPARTMENT, org=org_c)),
    )


def ask(
    db: Session, actor: Actor, text: str | None = None, *, rate_limit: int = 100, **over: Any
) -> Question:
    q, _created = service.ask(
        db,
        actor=actor,
        data=QuestionInput(text=text or new_text(), **over),
        rate_limit=rate_limit,
        rate_window_minutes=60,
    )
    return q


def record_input(**over: Any) -> QuestionInput:
    values: dict[str, Any] = {
        "text": new_text(),
        "channel": Channel.PHONE,
        "asker_name": "Trần Văn Bình",
        "agency_name": "Báo Tuổi Trẻ",
    }
    values.update(over)
    return QuestionInput(**values)


def assigned(
    db: Session, w: World, lead: Organisation | None = None, support: Sequence[Organisation] = ()
) -> Question:
    q = ask(db, w.journalist)
    return service.assign(
        db,
        actor=w.office,
        question_id=q.id or 0,
        lead_org_id=(lead or w.org_a).id,
        support_ids=[o.id or 0 for o in support],
    )


def draft(db: Session, actor: Actor, q: Question, **over: Any) -> Answer:
    values: dict[str, Any] = {"text": "Dự án chậm do giải phóng mặt bằng; sẽ xong quý III."}
    values.update(over)
    return service.save_answer(db, actor=actor, question_id=q.id or 0, data=AnswerInput(**values))


def approve(db: Session, actor: Actor, q: Question, **kw: Any) -> Answer:
    return service.approve(db, actor=actor, question_id=q.id or 0, **kw)


def live_briefing(db: Session) -> Briefing:
    """An announced briefing that started a few minutes ago."""
    start = utcnow() - timedelta(minutes=5)
    return make_briefing(db, announced=True, starts_at=start, ends_at=start + timedelta(minutes=90))


def ids(rows: list[Question]) -> list[int | None]:
    return [r.id for r in rows]


# --- Asking online ---------------------------------------------------------------------------------


@pytest.mark.clock("2026-12-04T10:00+07:00")  # a Friday
def test_journalist_asks_before_a_briefing_and_gets_a_due_date_at_intake(
    db: Session, w: World
) -> None:
    briefing = make_briefing(db, days_ahead=10, announced=True)

    q, created = service.ask(
        db,
        actor=w.journalist,
        data=QuestionInput(
            text="  Tiến độ giải ngân vốn đầu tư công?  ",
            topic="Đầu tư công",
            language="vi",
            briefing_id=briefing.id,
        ),
        rate_limit=10,
        rate_window_minutes=60,
    )

    assert created is True
    row = stored(db, q.id)
    assert row.text == "Tiến độ giải ngân vốn đầu tư công?"
    assert row.topic == "Đầu tư công"
    assert row.status == S.NEW
    assert row.channel == Channel.ONLINE
    assert row.briefing_id == briefing.id
    assert row.live_state is None and row.live_position is None
    assert row.journalist_id == w.journalist.user_id
    assert row.agency_id == w.agency.id
    assert utcnow() - timedelta(minutes=1) < row.received_at <= utcnow()
    level = load_rules().levels["online"]
    assert row.due_basis == "online"
    assert row.due_at == deadlines.due_at(level, row.received_at, work_calendar(db))
    # Five working days after Friday 4/12: Monday 7 to Friday 11 December, at 17:00.
    assert row.due_at == datetime(2026, 12, 11, 17, 0, tzinfo=LOCAL_TZ)
    event = audited(db, "question.asked", q, w.journalist)
    assert event.object_type == "question"
    assert "giải ngân" in event.summary


@pytest.mark.parametrize("who", ["office", "spokesperson", "admin", "dept_a"])
def test_only_a_journalist_may_ask(db: Session, w: World, who: str) -> None:
    with pytest.raises(Forbidden):
        ask(db, getattr(w, who))
    assert count(db, Question) == 0
    assert audit_rows(db, "question.asked") == []


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_an_empty_question_is_refused_and_nothing_is_stored(
    db: Session, w: World, text: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.ask(
            db,
            actor=w.journalist,
            data=QuestionInput(text=text),
            rate_limit=10,
            rate_window_minutes=60,
        )
    assert errors_of(exc) == {"text": "Write your question."}
    assert count(db, Question) == 0
    assert audit_rows(db) == []


@pytest.mark.parametrize("length", [5001, 20_000])
def test_a_question_over_5000_characters_is_refused_and_nothing_is_stored(
    db: Session, w: World, length: int
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ask(db, w.journalist, "ệ" * length)
    message = errors_of(exc)["text"]
    assert "5000" in message and str(length) in message
    assert count(db, Question) == 0
    assert audit_rows(db) == []


def test_a_question_of_exactly_5000_characters_is_kept_whole(db: Session, w: World) -> None:
    q = ask(db, w.journalist, "ệ" * 5000)
    assert stored(db, q.id).text == "ệ" * 5000


def test_an_unknown_language_is_refused_and_a_listed_one_is_kept(db: Session, w: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ask(db, w.journalist, language="xx")
    assert set(errors_of(exc)) == {"language"}
    assert count(db, Question) == 0

    q = ask(db, w.journalist, "When will the ring road open?", language="en")
    assert stored(db, q.id).language == "en"


@pytest.mark.parametrize(
    "over",
    [
        {"announced": False},
        {"announced": True, "status": BriefingStatus.HELD, "days_ahead": -1},
        {"announced": True, "status": BriefingStatus.CANCELLED},
    ],
    ids=["not-announced", "held", "cancelled"],
)
def test_a_briefing_not_announced_or_already_held_is_refused(
    db: Session, w: World, over: dict[str, Any]
) -> None:
    briefing = make_briefing(db, **over)
    with pytest.raises(ValidationFailed) as exc:
        ask(db, w.journalist, briefing_id=briefing.id)
    assert set(errors_of(exc)) == {"briefing_id"}
    assert count(db, Question) == 0


def test_an_unknown_briefing_is_refused(db: Session, w: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ask(db, w.journalist, briefing_id=999_999)
    assert set(errors_of(exc)) == {"briefing_id"}


def test_questions_sent_during_a_live_briefing_wait_in_its_queue_in_order(
    db: Session, w: World
) -> None:
    briefing = live_briefing(db)

    first = ask(db, w.journalist, briefing_id=briefing.id)
    second = ask(db, w.journalist2, briefing_id=briefing.id)

    for q, position in ((first, 1), (second, 2)):
        row = stored(db, q.id)
        assert row.channel == Channel.BRIEFING
        assert row.live_state == LiveState.PENDING
        assert row.live_position == position
        assert row.due_basis == "briefing"
    assert ids(service.live_queue(db, briefing.id or 0)) == [first.id, second.id]


@pytest.mark.parametrize(
    ("starts_in", "live"),
    [
        (timedelta(minutes=50), True),  # the room takes questions from an hour before
        (timedelta(hours=2), False),
        (timedelta(minutes=-140), True),  # ended 50 minutes ago
        (timedelta(minutes=-160), False),  # ended 70 minutes ago, not yet marked held
    ],
    ids=["50-min-before", "2-h-before", "50-min-after-end", "70-min-after-end"],
)
def test_a_briefing_takes_questions_from_the_room_from_an_hour_before_to_an_hour_after(
    db: Session, w: World, starts_in: timedelta, live: bool
) -> None:
    start = utcnow() + starts_in
    briefing = make_briefing(
        db, announced=True, starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    row = stored(db, ask(db, w.journalist, briefing_id=briefing.id).id)
    assert row.channel == (Channel.BRIEFING if live else Channel.ONLINE)
    assert row.live_state == (LiveState.PENDING if live else None)
    assert row.briefing_id == briefing.id


def test_the_same_text_sent_twice_within_the_window_gives_one_record(db: Session, w: World) -> None:
    text = new_text()
    first, created_first = service.ask(
        db, actor=w.journalist, data=QuestionInput(text=text), rate_limit=10, rate_window_minutes=60
    )
    again, created_again = service.ask(
        db,
        actor=w.journalist,
        data=QuestionInput(text="  " + text.upper().replace(" ", "   ") + " "),
        rate_limit=10,
        rate_window_minutes=60,
    )
    assert (created_first, created_again) == (True, False)
    assert again.id == first.id
    assert count(db, Question) == 1
    assert len(audit_rows(db, "question.asked")) == 1


def test_the_same_text_from_another_journalist_is_another_question(db: Session, w: World) -> None:
    text = new_text()
    first = ask(db, w.journalist, text)
    other = ask(db, w.journalist2, text)
    assert other.id != first.id
    assert count(db, Question) == 2


def test_a_repeat_is_caught_across_a_minute_boundary_and_not_after_the_window(
    db: Session, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One second before a minute boundary, so the second sending falls in the next minute.
    start = datetime.fromtimestamp((int(utcnow().timestamp()) // 60) * 60 + 59, tz=UTC)
    text = new_text()
    monkeypatch.setattr(intake, "utcnow", lambda: start)
    first = ask(db, w.journalist, text)

    monkeypatch.setattr(intake, "utcnow", lambda: start + timedelta(seconds=2))
    assert ask(db, w.journalist, text).id == first.id

    monkeypatch.setattr(intake, "utcnow", lambda: start + timedelta(seconds=61))
    later = ask(db, w.journalist, text)
    assert later.id != first.id
    assert count(db, Question) == 2


def test_a_flood_is_refused_with_429_after_the_rate_limit_and_nothing_more_is_stored(
    db: Session, w: World
) -> None:
    for _ in range(3):
        ask(db, w.journalist, rate_limit=3)

    with pytest.raises(TooManyRequests) as exc:
        ask(db, w.journalist, rate_limit=3)

    assert exc.value.status == 429
    assert exc.value.retry_after == 60 * 60
    assert count(db, Question) == 3
    assert len(audit_rows(db, "question.asked")) == 3
    # Another journalist is not held back by the first one's questions.
    ask(db, w.journalist2, rate_limit=3)
    assert count(db, Question) == 4


def test_sending_the_same_question_again_at_the_limit_gives_it_back_without_429(
    db: Session, w: World
) -> None:
    text = new_text()
    first = ask(db, w.journalist, text, rate_limit=1)
    assert ask(db, w.journalist, text, rate_limit=1).id == first.id
    with pytest.raises(TooManyRequests):
        ask(db, w.journalist, rate_limit=1)
    assert count(db, Question) == 1


def test_questions_older_than_the_window_do_not_count_toward_the_limit(
    db: Session, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = utcnow()
    monkeypatch.setattr(intake, "utcnow", lambda: start)
    for _ in range(3):
        ask(db, w.journalist, rate_limit=3)
    monkeypatch.setattr(intake, "utcnow", lambda: start + timedelta(minutes=61))
    ask(db, w.journalist, rate_limit=3)
    assert count(db, Question) == 4


# --- Recorded by the office -----------------------------------------------------------------------


def test_office_records_a_phone_question_from_someone_without_an_account(
    db: Session, w: World
) -> None:
    received = local(2026, 3, 6, 16, 30)  # a Friday afternoon
    q = service.record(db, actor=w.office, data=record_input(received_at=received))

    row = stored(db, q.id)
    assert row.channel == Channel.PHONE
    assert row.asker_name == "Trần Văn Bình"
    assert row.agency_name == "Báo Tuổi Trẻ"
    assert row.journalist_id is None
    assert row.recorded_by == w.office.user_id
    assert row.received_at == received
    assert row.status == S.NEW
    assert row.due_basis == "phone"
    assert row.due_at == local(2026, 3, 13, 17, 0)
    audited(db, "question.recorded", q, w.office)


def test_recording_needs_the_channel_the_asker_and_the_agency(db: Session, w: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.record(
            db, actor=w.office, data=record_input(channel=None, asker_name="", agency_name=" ")
        )
    assert set(errors_of(exc)) == {"channel", "asker_name", "agency_name"}
    assert count(db, Question) == 0
    assert audit_rows(db) == []


def test_an_agency_chosen_from_the_list_must_be_a_press_agency(db: Session, w: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.record(db, actor=w.office, data=record_input(agency_id=w.org_a.id, agency_name=""))
    assert set(errors_of(exc)) == {"agency_id"}

    q = service.record(db, actor=w.office, data=record_input(agency_id=w.agency.id, agency_name=""))
    assert stored(db, q.id).agency_id == w.agency.id


def test_a_time_received_in_the_future_is_refused(db: Session, w: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.record(
            db, actor=w.office, data=record_input(received_at=utcnow() + timedelta(hours=1))
        )
    assert set(errors_of(exc)) == {"received_at"}
    assert count(db, Question) == 0


def test_an_incident_recorded_by_the_office_is_due_in_24_hours(db: Session, w: World) -> None:
    received = local(2026, 3, 6, 15, 0)
    q = service.record(db, actor=w.office, data=record_input(received_at=received, incident=True))
    row = stored(db, q.id)
    assert row.incident is True
    assert row.due_basis == "incident"
    assert row.due_at == received + timedelta(hours=24)


def test_a_question_recorded_in_the_room_during_a_live_briefing_is_allowed_in_the_queue(
    db: Session, w: World
) -> None:
    briefing = live_briefing(db)
    waiting = ask(db, w.journalist, briefing_id=briefing.id)

    q = service.record(
        db, actor=w.office, data=record_input(channel=Channel.BRIEFING, briefing_id=briefing.id)
    )
    by_phone = service.record(
        db, actor=w.office, data=record_input(channel=Channel.PHONE, briefing_id=briefing.id)
    )

    row = stored(db, q.id)
    assert row.live_state == LiveState.ALLOWED
    assert row.live_position == 2
    assert row.due_basis == "briefing"
    assert stored(db, by_phone.id).live_state is None
    assert ids(service.live_queue(db, briefing.id or 0)) == [waiting.id, q.id]


def test_the_office_may_type_up_room_questions_after_the_briefing_was_marked_held(
    db: Session, w: World
) -> None:
    held = live_briefing(db)
    held.status = BriefingStatus.HELD
    db.add(held)
    db.commit()

    q = service.record(
        db,
        actor=w.office,
        data=record_input(channel=Channel.BRIEFING, briefing_id=held.id, received_at=utcnow()),
    )
    row = stored(db, q.id)
    assert row.briefing_id == held.id
    assert row.live_state is None  # the room is closed: it goes to triage, not the queue
    with pytest.raises(ValidationFailed) as exc:  # a journalist can no longer ask there
        service.ask(
            db,
            actor=w.journalist,
            data=service.QuestionInput(text="Hỏi muộn?", briefing_id=held.id),
            rate_limit=10,
            rate_window_minutes=10,
        )
    assert set(errors_of(exc)) == {"briefing_id"}
    held.status = BriefingStatus.CANCELLED
    db.add(held)
    db.commit()
    with pytest.raises(ValidationFailed):
        service.record(db, actor=w.office, data=record_input(briefing_id=held.id))


def test_only_the_office_may_record_a_question(db: Session, w: World) -> None:
    with pytest.raises(Forbidden):
        service.record(db, actor=w.journalist, data=record_input())
    assert count(db, Question) == 0


# --- Triage --------------------------------------------------------------------------------------


def test_office_accepts_a_new_question_once(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    due_before = stored(db, q.id).due_at

    service.accept(db, actor=w.office, question_id=q.id or 0)

    row = stored(db, q.id)
    assert row.status == S.ACCEPTED
    assert row.due_at == due_before
    audited(db, "question.accepted", q, w.office)
    with pytest.raises(Conflict):
        service.accept(db, actor=w.office, question_id=q.id or 0)
    assert len(audit_rows(db, "question.accepted")) == 1


def test_accepting_as_an_incident_puts_the_question_on_the_24_hour_rule(
    db: Session, w: World
) -> None:
    q = ask(db, w.journalist)
    service.accept(db, actor=w.office, question_id=q.id or 0, incident=True)
    row = stored(db, q.id)
    assert row.incident is True
    assert row.due_basis == "incident"
    assert row.due_at == row.received_at + timedelta(hours=24)


@pytest.mark.parametrize("who", ["dept_a", "journalist", "admin"])
def test_only_the_office_triages(db: Session, w: World, who: str) -> None:
    q = ask(db, w.journalist)
    with pytest.raises(Forbidden):
        service.accept(db, actor=getattr(w, who), question_id=q.id or 0)
    with pytest.raises(Forbidden):
        service.decline(db, actor=getattr(w, who), question_id=q.id or 0, reason="Không rõ")
    assert stored(db, q.id).status == S.NEW


def test_a_triage_step_on_a_stale_revision_is_refused(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    seen = q.revision
    service.accept(db, actor=w.office, question_id=q.id or 0, expected_revision=seen)

    with pytest.raises(Conflict):
        service.decline(
            db, actor=w.office2, question_id=q.id or 0, reason="Trùng", expected_revision=seen
        )
    assert stored(db, q.id).status == S.ACCEPTED


def test_merging_points_the_question_to_the_one_kept(db: Session, w: World) -> None:
    kept = ask(db, w.journalist)
    same = ask(db, w.journalist2)

    service.merge(db, actor=w.office, question_id=same.id or 0, into_id=kept.id or 0)

    row = stored(db, same.id)
    assert row.status == S.MERGED
    assert row.merged_into_id == kept.id
    assert stored(db, kept.id).status == S.NEW
    event = audited(db, "question.merged", same, w.office)
    assert f"#{kept.id}" in event.summary


def test_a_question_cannot_be_merged_into_itself(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    with pytest.raises(ValidationFailed) as exc:
        service.merge(db, actor=w.office, question_id=q.id or 0, into_id=q.id or 0)
    assert set(errors_of(exc)) == {"into_id"}
    assert stored(db, q.id).status == S.NEW


def test_a_question_cannot_be_merged_into_a_merged_or_missing_one(db: Session, w: World) -> None:
    kept = ask(db, w.journalist)
    merged = ask(db, w.journalist)
    q = ask(db, w.journalist2)
    service.merge(db, actor=w.office, question_id=merged.id or 0, into_id=kept.id or 0)

    for target in (merged.id or 0, 999_999):
        with pytest.raises(ValidationFailed) as exc:
            service.merge(db, actor=w.office, question_id=q.id or 0, into_id=target)
        assert set(errors_of(exc)) == {"into_id"}
    row = stored(db, q.id)
    assert (row.status, row.merged_into_id) == (S.NEW, None)


def test_an_assigned_question_can_no_longer_be_merged_or_declined(db: Session, w: World) -> None:
    kept = ask(db, w.journalist)
    q = assigned(db, w)
    with pytest.raises(Conflict):
        service.merge(db, actor=w.office, question_id=q.id or 0, into_id=kept.id or 0)
    with pytest.raises(Conflict):
        service.decline(db, actor=w.office, question_id=q.id or 0, reason="Không thuộc tỉnh")
    row = stored(db, q.id)
    assert (row.status, row.merged_into_id, row.status_reason) == (S.ASSIGNED, None, "")


def test_merging_a_question_waiting_in_the_live_queue_dismisses_it(db: Session, w: World) -> None:
    briefing = live_briefing(db)
    kept = ask(db, w.journalist, briefing_id=briefing.id)
    same = ask(db, w.journalist2, briefing_id=briefing.id)
    service.merge(db, actor=w.office, question_id=same.id or 0, into_id=kept.id or 0)
    assert stored(db, same.id).live_state == LiveState.DISMISSED


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_needs_a_reason(db: Session, w: World, reason: str) -> None:
    q = ask(db, w.journalist)
    with pytest.raises(ValidationFailed) as exc:
        service.decline(db, actor=w.office, question_id=q.id or 0, reason=reason)
    assert set(errors_of(exc)) == {"reason"}
    assert stored(db, q.id).status == S.NEW
    assert audit_rows(db, "question.declined") == []


def test_declining_keeps_the_reason(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    service.accept(db, actor=w.office, question_id=q.id or 0)
    service.decline(
        db, actor=w.office, question_id=q.id or 0, reason="  Không thuộc thẩm quyền tỉnh. "
    )
    row = stored(db, q.id)
    assert row.status == S.DECLINED
    assert row.status_reason == "Không thuộc thẩm quyền tỉnh."
    assert audited(db, "question.declined", q, w.office).summary == row.status_reason


# --- Assigning and transferring ----------------------------------------------------------------------


def test_assigning_sets_the_lead_and_supporting_organisations_and_keeps_the_due_date(
    db: Session, w: World
) -> None:
    q = ask(db, w.journalist)
    due = stored(db, q.id).due_at

    service.assign(
        db,
        actor=w.office,
        question_id=q.id or 0,
        lead_org_id=w.org_a.id,
        support_ids=[w.org_c.id or 0, w.org_b.id or 0, w.org_a.id or 0, w.org_b.id or 0],
    )

    row = stored(db, q.id)
    assert row.status == S.ASSIGNED
    assert row.lead_org_id == w.org_a.id
    assert (row.due_at, row.due_basis) == (due, "online")
    assert service.supporting(db, q.id or 0) == sorted([w.org_b.id or 0, w.org_c.id or 0])
    audited(db, "question.assigned", q, w.office)


@pytest.mark.parametrize("lead", ["agency", "party", "missing", "none"])
def test_the_lead_must_be_an_answering_organisation(db: Session, w: World, lead: str) -> None:
    q = ask(db, w.journalist)
    lead_id = {
        "agency": w.agency.id,
        "party": w.party.id,
        "missing": 999_999,
        "none": None,
    }[lead]
    with pytest.raises(ValidationFailed) as exc:
        service.assign(db, actor=w.office, question_id=q.id or 0, lead_org_id=lead_id)
    assert set(errors_of(exc)) == {"lead_org_id"}
    row = stored(db, q.id)
    assert (row.status, row.lead_org_id) == (S.NEW, None)
    assert audit_rows(db, "question.assigned") == []


def test_a_press_agency_cannot_support_a_question(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    with pytest.raises(ValidationFailed) as exc:
        service.assign(
            db,
            actor=w.office,
            question_id=q.id or 0,
            lead_org_id=w.org_a.id,
            support_ids=[w.agency.id or 0],
        )
    assert set(errors_of(exc)) == {"support_ids"}
    assert count(db, QuestionSupport) == 0


def test_the_office_may_set_another_due_date_when_assigning(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    day = local_today() + timedelta(days=3)
    service.assign(db, actor=w.office, question_id=q.id or 0, lead_org_id=w.org_a.id, due_on=day)
    row = stored(db, q.id)
    assert row.due_at == deadlines.end_of_day(day)
    assert row.due_basis == "office"


def test_a_due_date_in_the_past_is_refused(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    with pytest.raises(ValidationFailed) as exc:
        service.assign(
            db,
            actor=w.office,
            question_id=q.id or 0,
            lead_org_id=w.org_a.id,
            due_on=local_today() - timedelta(days=1),
        )
    assert set(errors_of(exc)) == {"due_on"}
    assert stored(db, q.id).status == S.NEW


def test_an_assigned_or_closed_question_cannot_be_assigned_again(db: Session, w: World) -> None:
    q = assigned(db, w)
    with pytest.raises(Conflict):
        service.assign(db, actor=w.office, question_id=q.id or 0, lead_org_id=w.org_b.id)
    declined = ask(db, w.journalist)
    service.decline(db, actor=w.office, question_id=declined.id or 0, reason="Trùng lặp")
    with pytest.raises(Conflict):
        service.assign(db, actor=w.office, question_id=declined.id or 0, lead_org_id=w.org_b.id)
    assert stored(db, q.id).lead_org_id == w.org_a.id
    assert stored(db, declined.id).lead_org_id is None


def test_a_transfer_keeps_the_due_date_and_records_the_history(db: Session, w: World) -> None:
    q = assigned(db, w)
    due = stored(db, q.id).due_at

    service.transfer(
        db, actor=w.office, question_id=q.id or 0, to_org_id=w.org_b.id, reason=" Đúng thẩm quyền "
    )

    row = stored(db, q.id)
    assert row.status == S.ASSIGNED
    assert row.lead_org_id == w.org_b.id
    assert (row.due_at, row.due_basis) == (due, "online")
    [move] = service.transfers(db, q.id or 0)
    assert (move.from_org_id, move.to_org_id) == (w.org_a.id, w.org_b.id)
    assert move.by_user_id == w.office.user_id
    assert move.reason == "Đúng thẩm quyền"
    audited(db, "question.transferred", q, w.office)


def test_a_transfer_keeps_a_due_date_the_office_set(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    day = local_today() + timedelta(days=2)
    service.assign(db, actor=w.office, question_id=q.id or 0, lead_org_id=w.org_a.id, due_on=day)

    service.transfer(db, actor=w.office, question_id=q.id or 0, to_org_id=w.org_b.id)

    row = stored(db, q.id)
    assert (row.due_at, row.due_basis) == (deadlines.end_of_day(day), "office")


def test_transferring_to_the_organisation_already_leading_is_refused(db: Session, w: World) -> None:
    q = assigned(db, w)
    with pytest.raises(ValidationFailed) as exc:
        service.transfer(db, actor=w.office, question_id=q.id or 0, to_org_id=w.org_a.id)
    assert set(errors_of(exc)) == {"to_org_id"}
    assert count(db, QuestionTransfer) == 0


def test_a_question_not_yet_assigned_cannot_be_transferred(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    with pytest.raises(Conflict):
        service.transfer(db, actor=w.office, question_id=q.id or 0, to_org_id=w.org_b.id)
    assert count(db, QuestionTransfer) == 0


def test_transferring_to_a_supporting_organisation_makes_it_lead_only(
    db: Session, w: World
) -> None:
    q = assigned(db, w, support=[w.org_b, w.org_c])
    service.transfer(db, actor=w.office, question_id=q.id or 0, to_org_id=w.org_b.id)
    assert stored(db, q.id).lead_org_id == w.org_b.id
    assert service.supporting(db, q.id or 0) == [w.org_c.id]


def test_after_a_transfer_the_new_lead_sees_the_question_and_the_old_one_no_longer_does(
    db: Session, w: World
) -> None:
    q = assigned(db, w)
    assert ids(service.listing(db, actor=w.dept_a)) == [q.id]
    assert service.listing(db, actor=w.dept_b) == []

    service.transfer(db, actor=w.office, question_id=q.id or 0, to_org_id=w.org_b.id)

    assert ids(service.listing(db, actor=w.dept_b)) == [q.id]
    assert service.get(db, q.id or 0, actor=w.dept_b).id == q.id
    assert service.listing(db, actor=w.dept_a) == []
    with pytest.raises(NotFound):
        service.get(db, q.id or 0, actor=w.dept_a)


# --- Answering ---------------------------------------------------------------------------------------


def test_the_lead_department_drafts_an_answer_the_journalist_does_not_yet_see(
    db: Session, w: World
) -> None:
    q = assigned(db, w)
    answer = draft(db, w.dept_a, q, text="  Dự án sẽ hoàn thành trong quý III.  ", public=True)

    row = stored_answer(db, answer.id)
    assert row.status == AnswerStatus.DRAFT
    assert row.kind == AnswerKind.ANSWER
    assert row.text == "Dự án sẽ hoàn thành trong quý III."
    assert row.organisation_id == w.org_a.id
    assert row.drafted_by == row.edited_by == w.dept_a.user_id
    assert row.public is True
    assert stored(db, q.id).status == S.ASSIGNED
    audited(db, "answer.submitted", answer, w.dept_a)
    assert service.answers(db, q.id or 0, actor=w.journalist) == []
    assert [a.id for a in service.answers(db, q.id or 0, actor=w.office)] == [answer.id]


def test_the_office_drafts_on_behalf_of_the_lead_organisation(db: Session, w: World) -> None:
    q = assigned(db, w)
    answer = draft(db, w.office, q)
    assert stored_answer(db, answer.id).organisation_id == w.org_a.id


def test_a_supporting_organisation_sees_the_question_but_cannot_draft(
    db: Session, w: World
) -> None:
    q = assigned(db, w, support=[w.org_b])
    assert service.get(db, q.id or 0, actor=w.dept_b).id == q.id
    with pytest.raises(Forbidden):
        draft(db, w.dept_b, q)
    assert count(db, Answer) == 0


def test_the_journalist_cannot_draft_the_answer_to_their_own_question(
    db: Session, w: World
) -> None:
    q = assigned(db, w)
    with pytest.raises(Forbidden):
        draft(db, w.journalist, q)
    assert count(db, Answer) == 0


def test_an_unrelated_department_cannot_even_find_the_question(db: Session, w: World) -> None:
    q = assigned(db, w)
    with pytest.raises(NotFound):
        draft(db, w.dept_c, q)
    assert count(db, Answer) == 0


def test_a_question_not_yet_assigned_cannot_be_answered(db: Session, w: World) -> None:
    q = ask(db, w.journalist)
    with pytest.raises(Conflict):
        draft(db, w.office, q)
    assert count(db, Answer) == 0


@pytest.mark.clock("2026-12-04T10:00+07:00")  # Press Law 2025: points a to c, no (d)
@pytest.mark.parametrize("ground", ["", "d", "38"])
def test_a_refusal_needs_a_ground_from_the_list(db: Session, w: World, ground: str) -> None:
    q = assigned(db, w)
    with pytest.raises(ValidationFailed) as exc:
        draft(db, w.dept_a, q, kind=AnswerKind.REFUSAL, refusal_ground=ground)
    assert set(errors_of(exc)) == {"refusal_ground"}
    assert "law in force today" in errors_of(exc)["refusal_ground"]
    assert count(db, Answer) == 0


@pytest.mark.clock("2026-06-30T15:00+07:00")
def test_a_refusal_drafted_on_a_ground_that_the_new_law_dropped_is_not_approved_after_1_july(
    db: Session, w: World
) -> None:
    q = assigned(db, w)
    draft(
        db, w.dept_a, q, kind=AnswerKind.REFUSAL, refusal_ground="d", text="Dự thảo chưa công bố."
    )
    with clock_at(datetime(2026, 7, 1, 9, 0, tzinfo=LOCAL_TZ)), pytest.raises(Conflict):
        service.approve(db, actor=w.spokesperson, question_id=q.id or 0)
    db.expire_all()
    assert stored(db, q.id).status == S.ASSIGNED


def test_a_refusal_needs_an_explanation_and_is_never_public(db: Session, w: World) -> None:
    q = assigned(db, w)
    with pytest.raises(ValidationFailed) as exc:
        draft(db, w.dept_a, q, kind=AnswerKind.REFUSAL, refusal_ground="b", text="  ")
    assert errors_of(exc) == {"text": "Explain the refusal to the journalist."}

    answer = draft(
        db,
        w.dept_a,
        q,
        kind=AnswerKind.REFUSAL,
        refusal_ground="b",
        text="Vụ việc đang được điều tra.",
        public=True,
    )
    row = stored_answer(db, answer.id)
    assert (row.kind, row.refusal_ground, row.public) == (AnswerKind.REFUSAL, "b", False)


def test_an_answer_over_20000_characters_is_refused(db: Session, w: World) -> None:
    q = assigned(db, w)
    with pytest.raises(ValidationFailed) as exc:
        draft(db, w.dept_a, q, text="a" * 20_001)
    assert set(errors_of(exc)) == {"text"}
    assert count(db, Answer) == 0


@pytest.mark.parametrize("days", [None, 0, -3])
def test_a_holding_answer_needs_a_date_after_today(db: Session, w: World, days: int | None) -> None:
    q = assigned(db, w)
    day = None if days is None else local_today() + timedelta(days=days)
    with pytest.raises(ValidationFailed) as exc:
        draft(db, w.dept_a, q, kind=AnswerKind.HOLDING, new_due_on=day)
    assert set(errors_of(exc)) == {"new_due_on"}
    assert count(db, Answer) == 0


def test_an_approved_holding_answer_sets_the_new_due_date_and_the_question_stays_open(
    db: Session, w: World
) -> None:
    q = assigned(db, w)
    day = local_today() + timedelta(days=20)
    draft(db, w.dept_a, q, kind=AnswerKind.HOLDING, new_due_on=day, text="Sẽ trả lời sau.")

    holding = approve(db, w.office, q)

    row = stored(db, q.id)
    assert row.due_at == deadlines.end_of_day(day)
    assert row.due_basis == "holding"
    assert row.status == S.ASSIGNED
    assert row.answered_at is None
    assert stored_answer(db, holding.id).status == AnswerStatus.APPROVED
    assert [a.id for a in service.answers(db, q.id or 0, actor=w.journalist)] == [holding.id]
    # The final answer is drafted afresh and closes the question.
    final = draft(db, w.dept_a, q)
    assert final.id != holding.id
    approve(db, w.office, q)
    assert stored(db, q.id).status == S.ANSWERED


def test_the_drafter_cannot_approve_their_own_answer(db: Session, w: World) -> None:
    q = assigned(db, w)
    answer = draft(db, w.office, q)
    with pytest.raises(Forbidden):
        approve(db, w.office, q)
    assert stored_answer(db, answer.id).status == AnswerStatus.DRAFT
    assert stored(db, q.id).status == S.ASSIGNED


def test_the_last_editor_cannot_approve_but_another_office_user_can(db: Session, w: World) -> None:
    q = assigned(db, w)
    answer = draft(db, w.dept_a, q)
    draft(db, w.office, q, text="Bản đã biên tập lại.")
    assert stored_answer(db, answer.id).edited_by == w.office.user_id

    with pytest.raises(Forbidden):
        approve(db, w.office, q)

    approved = approve(db, w.office2, q)
    assert approved.id == answer.id
    row = stored_answer(db, answer.id)
    assert row.status == AnswerStatus.APPROVED
    assert row.approved_by == w.office2.user_id
    assert row.approved_at is not None
    assert row.text == "Bản đã biên tập lại."


def test_approving_an_answer_closes_the_question(db: Session, w: World) -> None:
    q = assigned(db, w)
    answer = draft(db, w.dept_a, q)
    before = utcnow()

    approve(db, w.office, q)

    row = stored(db, q.id)
    assert row.status == S.ANSWERED
    assert row.answered_at is not None and before <= row.answered_at <= utcnow()
    event = audited(db, "answer.approved", answer, w.office)
    assert event.object_type == "answer"
    assert [a.id for a in service.answers(db, q.id or 0, actor=w.journalist)] == [answer.id]
    with pytest.raises(Conflict):  # nothing left to approve
        approve(db, w.office2, q)


@pytest.mark.parametrize("who", ["dept_a", "journalist"])
def test_only_the_office_approves(db: Session, w: World, who: str) -> None:
    q = assigned(db, w)
    draft(db, w.office, q)
    with pytest.raises(Forbidden):
        approve(db, getattr(w, who), q)
    assert stored(db, q.id).status == S.ASSIGNED


def test_a_refusal_is_approved_only_by_the_spokesperson(db: Session, w: World) -> None:
    q = assigned(db, w)
    refusal = draft(
        db, w.dept_a, q, kind=AnswerKind.REFUSAL, refusal_ground="a", text="Thuộc bí mật nhà nước."
    )

    with pytest.raises(Forbidden):
        approve(db, w.office, q)
    assert stored(db, q.id).status == S.ASSIGNED

    approve(db, w.spokesperson, q)
    row = stored(db, q.id)
    assert row.status == S.REFUSED
    assert row.answered_at is not None
    assert stored_answer(db, refusal.id).approved_by == w.spokesperson.user_id
    audited(db, "answer.approved", refusal, w.spokesperson)


def test_approving_without_a_draft_is_refused(db: Session, w: World) -> None:
    q = assigned(db, w)
    with pytest.raises(Conflict):
        approve(db, w.office, q)


def test_saving_over_a_stale_revision_of_the_draft_is_refused(db: Session, w: World) -> None:
    q = assigned(db, w)
    first = draft(db, w.dept_a, q, text="Bản thứ nhất.")
    seen = first.revision
    draft(db, w.office, q, text="Bản của văn phòng.")

    with pytest.raises(Conflict):
        service.save_answer(
            db,
            actor=w.dept_a,
            question_id=q.id or 0,
            data=AnswerInput(text="Bản ghi đè."),
            expected_revision=seen,
        )
    assert stored_answer(db, first.id).text == "Bản của văn phòng."


def test_approving_a_stale_revision_of_the_draft_is_refused(db: Session, w: World) -> None:
    q = assigned(db, w)
    first = draft(db, w.dept_a, q, text="Bản thứ nhất.")
    seen = first.revision
    draft(db, w.dept_a, q, text="Bản sửa sau khi người duyệt đã mở.")

    with pytest.raises(Conflict):
        approve(db, w.office, q, expected_revision=seen)
    assert stored_answer(db, first.id).status == AnswerStatus.DRAFT
    assert stored(db, q.id).status == S.ASSIGNED


# --- Published Q&A --------------------------------------------------------------------------------------


def test_public_qa_lists_only_approved_public_answers_of_that_briefing(
    db: Session, w: World
) -> None:
    briefing = make_briefing(db, days_ahead=10, announced=True)
    other = make_briefing(db, days_ahead=12, announced=True)

    def answered(b: Briefing, **over: Any) -> tuple[Question, Answer]:
        q = ask(db, w.journalist, briefing_id=b.id)
        service.assign(db, actor=w.office, question_id=q.id or 0, lead_org_id=w.org_a.id)
        a = draft(db, w.dept_a, q, **over)
        return q, a

    shown_q, shown_a = answered(briefing, public=True)
    approve(db, w.office, shown_q)
    private_q, _ = answered(briefing, public=False)
    approve(db, w.office, private_q)
    answered(briefing, public=True)  # a draft only
    refused_q, _ = answered(
        briefing, kind=AnswerKind.REFUSAL, refusal_ground="c", text="Đang thanh tra.", public=True
    )
    approve(db, w.spokesperson, refused_q)
    holding_q, _ = answered(
        briefing,
        kind=AnswerKind.HOLDING,
        new_due_on=local_today() + timedelta(days=9),
        public=True,
    )
    approve(db, w.office, holding_q)
    elsewhere_q, _ = answered(other, public=True)
    approve(db, w.office, elsewhere_q)

    got = service.public_qa(db, briefing.id or 0)
    assert [(q.id, a.id) for q, a in got] == [(shown_q.id, shown_a.id)]
    assert [q.id for q, _ in service.public_qa(db, other.id or 0)] == [elsewhere_q.id]


# --- Who sees what -----------------------------------------------------------------------------------------


@dataclass
class Three:
    led_by_a: Question
    supported_by_a: Question
    unrouted: Question
    other_journalist: Question


@pytest.fixture
def three(db: Session, w: World) -> Three:
    led = assigned(db, w, lead=w.org_a)
    supported = assigned(db, w, lead=w.org_b, support=[w.org_a])
    unrouted = ask(db, w.journalist)
    other = ask(db, w.journalist2)
    return Three(led, supported, unrouted, other)


@pytest.mark.parametrize("who", ["office", "spokesperson"])
def test_the_office_sees_every_question(db: Session, w: World, three: Three, who: str) -> None:
    actor = getattr(w, who)
    got = service.listing(db, actor=actor)
    all_ids = {three.led_by_a.id, three.supported_by_a.id, three.unrouted.id}
    assert set(ids(got)) == all_ids | {three.other_journalist.id}
    for q in (three.led_by_a, three.unrouted, three.other_journalist):
        assert service.get(db, q.id or 0, actor=actor).id == q.id


def test_a_department_sees_only_what_it_leads_or_supports(
    db: Session, w: World, three: Three
) -> None:
    assert set(ids(service.listing(db, actor=w.dept_a))) == {
        three.led_by_a.id,
        three.supported_by_a.id,
    }
    assert ids(service.listing(db, actor=w.dept_b)) == [three.supported_by_a.id]
    assert service.listing(db, actor=w.dept_c) == []
    for q in (three.unrouted, three.other_journalist):
        with pytest.raises(NotFound):
            service.get(db, q.id or 0, actor=w.dept_a)
    with pytest.raises(NotFound):
        service.get(db, three.led_by_a.id or 0, actor=w.dept_b)


def test_a_journalist_sees_only_their_own_questions(db: Session, w: World, three: Three) -> None:
    assert set(ids(service.listing(db, actor=w.journalist))) == {
        three.led_by_a.id,
        three.supported_by_a.id,
        three.unrouted.id,
    }
    assert ids(service.listing(db, actor=w.journalist2)) == [three.other_journalist.id]
    with pytest.raises(NotFound):
        service.get(db, three.led_by_a.id or 0, actor=w.journalist2)
    with pytest.raises(NotFound):
        service.answers(db, three.led_by_a.id or 0, actor=w.journalist2)


def test_anyone_else_sees_nothing(db: Session, w: World, three: Three) -> None:
    nobody = Actor(None, None, None, None, ADDRESS)
    for actor in (w.admin, nobody):
        assert service.listing(db, actor=actor) == []
        with pytest.raises(NotFound):
            service.get(db, three.led_by_a.id or 0, actor=actor)


def test_a_missing_question_is_not_found_even_for_the_office(db: Session, w: World) -> None:
    with pytest.raises(NotFound):
        service.get(db, 999_999, actor=w.office)


def test_the_office_filters_by_organisation_and_status(db: Session, w: World, three: Three) -> None:
    by_b = service.listing(db, actor=w.office, filters=Filters(organisation_id=w.org_b.id))
    assert ids(by_b) == [three.supported_by_a.id]
    new = service.listing(db, actor=w.office, filters=Filters(status=S.NEW.value))
    assert set(ids(new)) == {three.unrouted.id, three.other_journalist.id}


def test_the_overdue_filter_lists_open_questions_past_due_earliest_first(
    db: Session, w: World
) -> None:
    late = put(db, w.org_a, local(2026, 3, 2), due_at=local(2026, 3, 9, 17))
    later = put(db, w.org_b, local(2026, 3, 1), due_at=local(2026, 3, 20, 17))
    put(db, w.org_a, local(2026, 3, 2), due_at=utcnow() + timedelta(days=3))  # not yet due
    put(
        db,
        w.org_a,
        local(2026, 3, 2),
        status=S.ANSWERED,
        due_at=local(2026, 3, 9, 17),
        answered_at=local(2026, 3, 12),
    )
    got = service.listing(db, actor=w.office, filters=Filters(overdue=True))
    assert ids(got) == [late.id, later.id]
    assert ids(service.listing(db, actor=w.dept_b, filters=Filters(overdue=True))) == [later.id]


# --- The live briefing ----------------------------------------------------------------------------------------


@dataclass
class Live:
    briefing: Briefing
    queue: list[Question]


@pytest.fixture
def live(db: Session, w: World) -> Live:
    briefing = live_briefing(db)
    queue = [
        ask(db, w.journalist, briefing_id=briefing.id),
        ask(db, w.journalist2, briefing_id=briefing.id),
        ask(db, w.journalist, briefing_id=briefing.id),
    ]
    return Live(briefing, queue)


def allow(db: Session, w: World, live: Live, q: Question, text: str | None = None) -> Question:
    return service.allow(
        db, actor=w.office, briefing_id=live.briefing.id or 0, question_id=q.id or 0, text=text
    )


def test_allowing_with_edited_wording_keeps_the_original_text(
    db: Session, w: World, live: Live
) -> None:
    q = live.queue[0]
    original = stored(db, q.id).text

    allow(db, w, live, q, text="  Khi nào thông xe đường vành đai?  ")
    allow(db, w, live, q, text="Khi nào thông xe tuyến vành đai 3?")

    row = stored(db, q.id)
    assert row.live_state == LiveState.ALLOWED
    assert row.text == "Khi nào thông xe tuyến vành đai 3?"
    assert row.original_text == original
    assert len([r for r in audit_rows(db, "question.allowed") if r.object_id == str(q.id)]) == 2


def test_allowing_without_an_edit_keeps_the_text_and_no_original(
    db: Session, w: World, live: Live
) -> None:
    q = live.queue[1]
    text = stored(db, q.id).text
    allow(db, w, live, q, text=text)
    row = stored(db, q.id)
    assert (row.text, row.original_text, row.live_state) == (text, "", LiveState.ALLOWED)


def test_an_edited_wording_cannot_be_empty(db: Session, w: World, live: Live) -> None:
    q = live.queue[0]
    with pytest.raises(ValidationFailed) as exc:
        allow(db, w, live, q, text="   ")
    assert set(errors_of(exc)) == {"text"}
    db.rollback()
    row = stored(db, q.id)
    assert (row.live_state, row.original_text) == (LiveState.PENDING, "")


def test_dismissing_takes_a_question_out_of_the_running(db: Session, w: World, live: Live) -> None:
    q = live.queue[1]
    service.dismiss(db, actor=w.office, briefing_id=live.briefing.id or 0, question_id=q.id or 0)
    assert stored(db, q.id).live_state == LiveState.DISMISSED
    audited(db, "question.dismissed", q, w.office)


def test_moving_a_question_renumbers_the_queue(db: Session, w: World, live: Live) -> None:
    first, second, third = live.queue

    service.move(
        db, actor=w.office, briefing_id=live.briefing.id or 0, question_id=third.id or 0, to=0
    )

    assert ids(service.live_queue(db, live.briefing.id or 0)) == [third.id, first.id, second.id]
    assert [stored(db, q.id).live_position for q in (third, first, second)] == [1, 2, 3]
    assert audited(db, "question.moved", third, w.office).summary == "→ 1"


def test_next_question_makes_the_first_allowed_current_and_the_previous_one_answered(
    db: Session, w: World, live: Live
) -> None:
    first, second, third = live.queue
    allow(db, w, live, third)
    allow(db, w, live, second)
    bid = live.briefing.id or 0

    now = service.next_question(db, actor=w.office, briefing_id=bid)
    assert now is not None and now.id == second.id  # the first allowed in order; first waits
    assert stored(db, second.id).live_state == LiveState.CURRENT
    assert stored(db, first.id).live_state == LiveState.PENDING
    assert service.current(db, bid).id == second.id  # type: ignore[union-attr]

    now = service.next_question(db, actor=w.office, briefing_id=bid)
    assert now is not None and now.id == third.id
    assert stored(db, second.id).live_state == LiveState.ANSWERED
    assert stored(db, third.id).live_state == LiveState.CURRENT

    assert service.next_question(db, actor=w.office, briefing_id=bid) is None
    assert stored(db, third.id).live_state == LiveState.ANSWERED
    assert service.current(db, bid) is None
    events = [r for r in audit_rows(db, "briefing.next_question") if r.object_id == str(bid)]
    assert [e.summary for e in events] == [f"#{second.id}", f"#{third.id}", "none"]
    assert all(e.object_type == "briefing" for e in events)


def test_next_question_pressed_twice_from_one_screen_skips_no_question(
    db: Session, w: World, live: Live
) -> None:
    first, second, _third = live.queue
    allow(db, w, live, first)
    allow(db, w, live, second)
    bid = live.briefing.id or 0

    shown = service.next_question(db, actor=w.office, briefing_id=bid, expected_current=0)
    assert shown is not None and shown.id == first.id
    with pytest.raises(Conflict):  # the second click still believes nothing was current
        service.next_question(db, actor=w.office, briefing_id=bid, expected_current=0)
    db.rollback()
    assert stored(db, first.id).live_state == LiveState.CURRENT
    assert stored(db, second.id).live_state == LiveState.ALLOWED

    following = service.next_question(
        db, actor=w.office, briefing_id=bid, expected_current=first.id
    )
    assert following is not None and following.id == second.id
    assert stored(db, first.id).live_state == LiveState.ANSWERED


def test_a_question_already_put_cannot_be_allowed_again(db: Session, w: World, live: Live) -> None:
    q = live.queue[0]
    allow(db, w, live, q)
    service.next_question(db, actor=w.office, briefing_id=live.briefing.id or 0)
    with pytest.raises(Conflict):
        allow(db, w, live, q)
    db.rollback()
    assert stored(db, q.id).live_state == LiveState.CURRENT


def test_the_live_fingerprint_changes_after_every_change(db: Session, w: World, live: Live) -> None:
    bid = live.briefing.id or 0
    first, second, third = live.queue
    seen = [service.live_fingerprint(db, bid)]

    def changed() -> None:
        fp = service.live_fingerprint(db, bid)
        assert fp not in seen
        seen.append(fp)

    allow(db, w, live, first, text="Câu hỏi đã biên tập.")
    changed()
    service.dismiss(db, actor=w.office, briefing_id=bid, question_id=second.id or 0)
    changed()
    service.move(db, actor=w.office, briefing_id=bid, question_id=third.id or 0, to=0)
    changed()
    service.next_question(db, actor=w.office, briefing_id=bid)
    changed()
    ask(db, w.journalist2, briefing_id=bid)
    changed()


def test_live_steps_belong_to_the_office_and_to_that_briefing(
    db: Session, w: World, live: Live
) -> None:
    q = live.queue[0]
    with pytest.raises(Forbidden):
        service.allow(db, actor=w.dept_a, briefing_id=live.briefing.id or 0, question_id=q.id or 0)
    with pytest.raises(Forbidden):
        service.next_question(db, actor=w.journalist, briefing_id=live.briefing.id or 0)
    other = live_briefing(db)
    with pytest.raises(NotFound):
        service.dismiss(db, actor=w.office, briefing_id=other.id or 0, question_id=q.id or 0)
    online = ask(db, w.journalist)
    with pytest.raises(NotFound):
        service.dismiss(
            db, actor=w.office, briefing_id=live.briefing.id or 0, question_id=online.id or 0
        )
    assert stored(db, q.id).live_state == LiveState.PENDING


# --- Figures ---------------------------------------------------------------------------------------------------


def put(db: Session, org: Organisation | None, received: datetime, **over: Any) -> Question:
    """A question row with fixed timestamps, written directly."""
    q = Question(
        text=new_text(),
        channel=Channel.EMAIL,
        asker_name="Phóng viên",
        lead_org_id=org.id if org else None,
        received_at=received,
        status=over.pop("status", S.ASSIGNED),
        **over,
    )
    db.add(q)
    db.commit()
    return q


def test_figures_per_organisation_for_a_period(db: Session, w: World) -> None:
    a, b = w.org_a, w.org_b
    # Department A: answered in 48 h on time, in 216 h late, refused in 12 h, answered in 176 h
    # exactly when due; one overdue;
    # one received at 00:30 local on 1 March (still February in UTC) and not yet due.
    put(
        db,
        a,
        local(2026, 3, 2),
        status=S.ANSWERED,
        due_at=local(2026, 3, 9, 17),
        answered_at=local(2026, 3, 4),
    )
    put(
        db,
        a,
        local(2026, 3, 3),
        status=S.ANSWERED,
        due_at=local(2026, 3, 10, 17),
        answered_at=local(2026, 3, 12),
    )
    put(
        db,
        a,
        local(2026, 3, 5),
        status=S.REFUSED,
        due_at=local(2026, 3, 12, 17),
        answered_at=local(2026, 3, 5, 21),
    )
    put(
        db,
        a,
        local(2026, 3, 16),
        status=S.ANSWERED,
        due_at=local(2026, 3, 23, 17),
        answered_at=local(2026, 3, 23, 17),  # at the very minute it fell due: on time
    )
    put(db, a, local(2026, 3, 17), due_at=local(2026, 3, 24, 17))
    put(db, a, local(2026, 3, 1, 0, 30), due_at=utcnow() + timedelta(days=30))
    # Outside the period: 00:30 local on 1 April (31 March in UTC), and a day in February.
    put(db, a, local(2026, 4, 1, 0, 30), due_at=local(2026, 4, 8, 17))
    put(db, a, local(2026, 2, 27), due_at=local(2026, 3, 6, 17))
    # Department B: answered in 24 h; one open without a due date. And one not routed at all.
    put(
        db,
        b,
        local(2026, 3, 10),
        status=S.ANSWERED,
        due_at=local(2026, 3, 17, 17),
        answered_at=local(2026, 3, 11),
    )
    put(db, b, local(2026, 3, 20))
    put(db, None, local(2026, 3, 20), status=S.NEW, due_at=local(2026, 3, 27, 17))

    got = service.figures(db, date(2026, 3, 1), date(2026, 3, 31))

    assert [f.organisation_id for f in got] == [a.id, b.id]
    fa, fb = got
    # Counted as the reports count (app.questions.figures): the refusal is not an answer.
    assert (fa.received, fa.answered, fa.on_time, fa.refused, fa.overdue) == (6, 3, 2, 1, 1)
    assert fa.median_hours == pytest.approx(176.0)  # of 48, 176 and 216 hours: answers only
    assert (fb.received, fb.answered, fb.on_time, fb.refused, fb.overdue) == (2, 1, 1, 0, 0)
    assert fb.median_hours == pytest.approx(24.0)


def test_figures_for_a_period_without_questions_are_empty(db: Session, w: World) -> None:
    put(db, w.org_a, local(2026, 3, 2))
    assert service.figures(db, date(2026, 5, 1), date(2026, 5, 31)) == []


# --- Incidents are sudden matters (Decree 244/2026 Art. 7(3)) ---------------------------------------


def _matters_of(db: Session, q: Question) -> list[Any]:
    from app.incidents import queries as matters
    from app.incidents.models import LinkKind

    db.expire_all()
    return matters.matters_linked_to(db, LinkKind.QUESTION, q.id or 0)


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_a_question_accepted_as_an_incident_opens_one_sudden_matter_with_its_clock(
    db: Session, w: World
) -> None:
    q = ask(db, w.journalist)
    assert _matters_of(db, q) == []
    service.accept(db, actor=w.office, question_id=q.id or 0, incident=True)
    [matter] = _matters_of(db, q)
    assert matter.kind == "art7_3" and matter.ruleset == "decree244-2026"
    assert matter.clock_started_at == stored(db, q.id).received_at
    assert matter.due_at == matter.clock_started_at + timedelta(hours=24)


@pytest.mark.clock("2026-06-15T10:00+07:00")
def test_an_incident_recorded_before_1_july_2026_is_a_matter_under_decree_09(
    db: Session, w: World
) -> None:
    q = service.record(db, actor=w.office, data=record_input(incident=True))
    [matter] = _matters_of(db, q)
    assert (matter.kind, matter.ruleset) == ("art6", "decree09-2017")


def test_an_ordinary_question_opens_no_matter(db: Session, w: World) -> None:
    q = service.record(db, actor=w.office, data=record_input())
    service.accept(db, actor=w.office, question_id=q.id or 0)
    assert _matters_of(db, q) == []
