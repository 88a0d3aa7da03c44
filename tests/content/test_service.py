"""Department content use cases on the database (no HTTP): calls for content, the submission
workflow, kept versions, who may see what, the audit trail and the completeness board.

Every test runs on SQLite and on PostgreSQL. What was really stored is always read back through a
second session (`fresh`), so a change that was made in memory but never committed cannot pass.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import AgendaItem, Briefing, BriefingStatus
from app.config import Settings
from app.content import agenda, service
from app.content.models import (
    Attachment,
    CallRecipient,
    CallStatus,
    ContentCall,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from app.content.service import CallInput, SubmissionInput
from app.content.states import Step
from app.errors import Conflict, NotFound, ValidationFailed
from app.holidays.service import work_calendar
from app.orgs.models import Organisation, OrgKind
from app.storage import LocalStore
from app.timeutil import to_local, utcnow
from tests.factories import (
    PNG_1PX,
    make_briefing,
    make_call,
    make_org,
    make_submission,
    make_user,
    pdf_bytes,
)

S = SubmissionStatus
ADDRESS = "203.0.113.7"


# --- Helpers -----------------------------------------------------------------------------------


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.email, user.role.value, user.organisation_id, ADDRESS)


@contextmanager
def fresh(db: Session) -> Iterator[Session]:
    """A second session, to see what was really committed."""
    with Session(db.get_bind()) as other:
        yield other


def stored(db: Session, sub_id: int | None) -> Submission:
    with fresh(db) as s:
        row = s.get(Submission, sub_id)
        assert row is not None
        s.expunge(row)
        return row


def audit_rows(db: Session, action: str | None = None) -> list[AuditEvent]:
    with fresh(db) as s:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if action is not None:
            query = query.where(AuditEvent.action == action)
        rows = list(s.exec(query).all())
        for r in rows:
            s.expunge(r)
        return rows


def count(db: Session, model: Any) -> int:
    with fresh(db) as s:
        return len(s.exec(select(model)).all())


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {k: v.render("en") for k, v in exc.value.errors.items()}


def content(**over: Any) -> SubmissionInput:
    values: dict[str, Any] = {
        "title": "Kết quả thu ngân sách quý I",
        "summary": "Thu ngân sách đạt 30% dự toán.",
        "talking_points": "- Thu đạt 30% dự toán\n- Chi thường xuyên tiết kiệm",
        "key_figures": "30%; 1.200 tỷ đồng",
        "qa": [{"question": "Vì sao thu tăng?", "answer": "Do phục hồi sản xuất."}],
        "contact_name": "Nguyễn Thị Lan",
        "contact_phone": "0243 000 000",
        "contact_email": "lan@stc.gov.vn",
    }
    values.update(over)
    return SubmissionInput(**values)


def files_in(directory: Path) -> list[str]:
    return sorted(os.listdir(directory)) if directory.exists() else []


@dataclass
class World:
    office: Actor
    spokesperson: Actor
    journalist: Actor
    org_a: Organisation
    org_b: Organisation
    dept_a: Actor
    dept_b: Actor
    briefing: Briefing
    call: ContentCall
    upload_dir: Path


@pytest.fixture
def w(db: Session, settings: Settings) -> World:
    org_a = make_org(db, name_vi="Sở Tài chính", name_en="Department of Finance")
    org_b = make_org(db, name_vi="Sở Y tế", name_en="Department of Health")
    briefing = make_briefing(db, days_ahead=10)
    call = make_call(db, briefing=briefing, orgs=[org_a, org_b])
    return World(
        office=actor_for(make_user(db, Role.PRESS_OFFICE)),
        spokesperson=actor_for(make_user(db, Role.SPOKESPERSON)),
        journalist=actor_for(make_user(db, Role.JOURNALIST)),
        org_a=org_a,
        org_b=org_b,
        dept_a=actor_for(make_user(db, Role.DEPARTMENT, org=org_a)),
        dept_b=actor_for(make_user(db, Role.DEPARTMENT, org=org_b)),
        briefing=briefing,
        call=call,
        upload_dir=settings.upload_dir,
    )


def submit(db: Session, actor: Actor, sub: Submission, **over: Any) -> Submission:
    return service.save(
        db,
        actor=actor,
        submission_id=sub.id or 0,
        data=content(**over),
        expected_revision=sub.revision,
        submit=True,
    )


def call_input(briefing: Briefing, orgs: list[Organisation], **over: Any) -> CallInput:
    values: dict[str, Any] = {
        "organisation_ids": [o.id for o in orgs],
        "deadline_day": to_local(briefing.starts_at).date() - timedelta(days=3),
        "deadline_time": time(17, 0),
        "instructions": "Gửi đề cương và số liệu.",
    }
    values.update(over)
    return CallInput(**values)


def upload(
    db: Session, w: World, actor: Actor, sub: Submission, *files: tuple[str, bytes]
) -> list[Attachment]:
    return service.add_attachments(
        db,
        actor=actor,
        submission_id=sub.id or 0,
        files=[(name, io.BytesIO(data)) for name, data in files],
        store=LocalStore(w.upload_dir),
        max_bytes=5 * 1024 * 1024,
        max_files=10,
    )


# --- Opening a call ------------------------------------------------------------------------------


def test_office_opens_a_call_with_its_organisations_deadline_and_note(
    db: Session, w: World
) -> None:
    briefing = make_briefing(db, days_ahead=14)
    day = to_local(briefing.starts_at).date() - timedelta(days=4)
    data = call_input(
        briefing,
        [w.org_b, w.org_a, w.org_b],
        deadline_day=day,
        deadline_time=time(16, 30),
        instructions="  Gửi đề cương.  ",
    )

    call = service.open_call(db, actor=w.office, briefing_id=briefing.id or 0, data=data)

    with fresh(db) as s:
        row = s.get(ContentCall, call.id)
        assert row is not None
        assert row.status == CallStatus.OPEN
        assert row.deadline == briefings.local_datetime(day, time(16, 30))
        assert row.instructions == "Gửi đề cương."
        assert row.created_by == w.office.user_id
        assert row.closed_at is None
    assert service.recipients(db, call.id or 0) == sorted([w.org_a.id or 0, w.org_b.id or 0])
    [event] = audit_rows(db, "content_call.opened")
    assert event.object_type == "content_call"
    assert event.object_id == str(call.id)
    assert "2 organisations" in event.summary


def test_proposed_deadline_is_the_briefings_own_content_deadline_when_it_has_one(
    db: Session,
) -> None:
    own = utcnow().replace(microsecond=0) + timedelta(days=2)
    briefing = make_briefing(db, days_ahead=10, content_deadline=own)
    assert service.default_deadline(db, briefing) == own


def test_proposed_deadline_is_working_days_before_at_five_pm(db: Session) -> None:
    briefing = make_briefing(db, days_ahead=20)
    deadline = to_local(service.default_deadline(db, briefing))
    briefing_day = to_local(briefing.starts_at).date()
    # The factory's kind asks for content 3 days before, on a working day, at 17:00.
    assert deadline.time() == time(17, 0)
    assert deadline.date() <= briefing_day - timedelta(days=3)
    assert work_calendar(db).is_working_day(deadline.date())
    assert deadline.date() == work_calendar(db).previous_working_day(
        briefing_day - timedelta(days=3)
    )


@pytest.mark.parametrize(
    ("over", "field", "text"),
    [
        ({"organisation_ids": []}, "organisation_ids", "at least one organisation"),
        ({"organisation_ids": [999_999]}, "organisation_ids", "from the list"),
        ({"deadline_day": None}, "deadline_day", "Enter the date"),
        ({"deadline_time": None}, "deadline_time", "Enter the time"),
        ({"instructions": "x" * 4001}, "instructions", "4000"),
    ],
)
def test_call_form_mistakes_are_refused_and_nothing_is_opened(
    db: Session, w: World, over: dict[str, Any], field: str, text: str
) -> None:
    briefing = make_briefing(db, days_ahead=12)
    with pytest.raises(ValidationFailed) as exc:
        service.open_call(
            db,
            actor=w.office,
            briefing_id=briefing.id or 0,
            data=call_input(briefing, [w.org_a], **over),
        )
    assert text in errors_of(exc)[field]
    assert service.call_for_briefing(db, briefing.id or 0) is None
    assert audit_rows(db, "content_call.opened") == []


def test_content_cannot_be_due_after_the_briefing_starts(db: Session, w: World) -> None:
    briefing = make_briefing(db, days_ahead=12, hour=15)
    day = to_local(briefing.starts_at).date()
    with pytest.raises(ValidationFailed) as exc:
        service.open_call(
            db,
            actor=w.office,
            briefing_id=briefing.id or 0,
            data=call_input(briefing, [w.org_a], deadline_day=day, deadline_time=time(16, 0)),
        )
    assert "before the briefing starts" in errors_of(exc)["deadline_day"]
    assert count(db, ContentCall) == 1  # only the world's call


@pytest.mark.parametrize("status", [BriefingStatus.HELD, BriefingStatus.CANCELLED])
def test_held_or_cancelled_briefing_takes_no_call_for_content(
    db: Session, w: World, status: BriefingStatus
) -> None:
    briefing = make_briefing(db, days_ahead=12, status=status)
    with pytest.raises(ValidationFailed) as exc:
        service.open_call(
            db,
            actor=w.office,
            briefing_id=briefing.id or 0,
            data=call_input(briefing, [w.org_a]),
        )
    assert "no longer takes content" in errors_of(exc)["organisation_ids"]
    assert service.call_for_briefing(db, briefing.id or 0) is None


def test_a_briefing_gets_only_one_call_for_content(db: Session, w: World) -> None:
    data = call_input(w.briefing, [w.org_a])
    with pytest.raises(Conflict):
        service.open_call(db, actor=w.office, briefing_id=w.briefing.id or 0, data=data)
    assert count(db, ContentCall) == 1
    assert service.recipients(db, w.call.id or 0) == sorted([w.org_a.id or 0, w.org_b.id or 0])


def test_opening_a_call_for_an_unknown_briefing_is_not_found(db: Session, w: World) -> None:
    with pytest.raises(NotFound):
        service.open_call(
            db, actor=w.office, briefing_id=999_999, data=call_input(w.briefing, [w.org_a])
        )


# --- Changing and closing a call --------------------------------------------------------------


def test_office_changes_deadline_note_and_recipients(db: Session, w: World) -> None:
    org_c = make_org(db)
    day = to_local(w.briefing.starts_at).date() - timedelta(days=2)
    data = call_input(
        w.briefing, [w.org_a, org_c], deadline_day=day, instructions="Thêm số liệu quý II."
    )

    service.update_call(db, actor=w.office, call_id=w.call.id or 0, data=data)

    with fresh(db) as s:
        row = s.get(ContentCall, w.call.id)
        assert row is not None
        assert row.deadline == briefings.local_datetime(day, time(17, 0))
        assert row.instructions == "Thêm số liệu quý II."
    assert service.recipients(db, w.call.id or 0) == sorted([w.org_a.id or 0, org_c.id or 0])
    assert len(audit_rows(db, "content_call.updated")) == 1


def test_an_organisation_that_started_its_content_stays_on_the_call(db: Session, w: World) -> None:
    make_submission(db, w.call, w.org_b)
    with pytest.raises(ValidationFailed) as exc:
        service.update_call(
            db, actor=w.office, call_id=w.call.id or 0, data=call_input(w.briefing, [w.org_a])
        )
    assert "already started" in errors_of(exc)["organisation_ids"]
    db.rollback()
    assert service.recipients(db, w.call.id or 0) == sorted([w.org_a.id or 0, w.org_b.id or 0])
    assert audit_rows(db, "content_call.updated") == []


def test_closing_and_reopening_a_call(db: Session, w: World) -> None:
    service.set_call_status(db, actor=w.office, call_id=w.call.id or 0, status=CallStatus.CLOSED)
    with fresh(db) as s:
        row = s.get(ContentCall, w.call.id)
        assert row is not None
        assert row.status == CallStatus.CLOSED
        assert row.closed_at is not None
    service.set_call_status(db, actor=w.office, call_id=w.call.id or 0, status=CallStatus.OPEN)
    with fresh(db) as s:
        row = s.get(ContentCall, w.call.id)
        assert row is not None
        assert row.status == CallStatus.OPEN
        assert row.closed_at is None
    assert [e.action for e in audit_rows(db) if e.object_type == "content_call"] == [
        "content_call.closed",
        "content_call.reopened",
    ]


# --- What a department sees -------------------------------------------------------------------


def test_department_sees_a_call_sent_to_its_organisation(db: Session, w: World) -> None:
    assert service.get_call(db, w.call.id or 0, actor=w.dept_a).id == w.call.id


def test_department_cannot_see_a_call_not_sent_to_it(db: Session, w: World) -> None:
    org_c = make_org(db)
    other = make_call(db, orgs=[org_c])
    with pytest.raises(NotFound):
        service.get_call(db, other.id, actor=w.dept_a)
    assert [r.call.id for r in service.calls(db, actor=w.dept_a)] == [w.call.id]
    assert {r.call.id for r in service.calls(db, actor=w.office)} == {w.call.id, other.id}


def test_department_open_calls_latest_deadline_first_with_its_own_submission(
    db: Session, w: World
) -> None:
    soon = make_call(db, orgs=[w.org_a], deadline_in=timedelta(days=1))
    later = make_call(db, orgs=[w.org_a], deadline_in=timedelta(days=5))
    closed = make_call(db, orgs=[w.org_a], deadline_in=timedelta(days=6))
    closed.status = CallStatus.CLOSED
    db.add(closed)
    held = make_call(
        db,
        briefing=make_briefing(db, days_ahead=-1, status=BriefingStatus.HELD),
        orgs=[w.org_a],
        deadline_in=timedelta(days=7),
    )
    not_mine = make_call(db, orgs=[w.org_b], deadline_in=timedelta(days=8))
    db.commit()
    mine = make_submission(db, later, w.org_a)

    rows = service.calls(db, actor=w.dept_a, open_only=True)

    assert [r.call.id for r in rows] == [later.id, w.call.id, soon.id]  # 5, 3, 1 days
    assert rows[0].submission is not None and rows[0].submission.id == mine.id
    assert rows[1].submission is None
    assert rows[1].organisation_ids == sorted([w.org_a.id or 0, w.org_b.id or 0])
    every = {r.call.id for r in service.calls(db, actor=w.dept_a)}
    assert {closed.id, held.id} <= every
    assert not_mine.id not in every


def test_department_sees_only_its_own_submissions(db: Session, w: World) -> None:
    a = make_submission(db, w.call, w.org_a)
    b = make_submission(db, w.call, w.org_b)
    assert [s.id for s in service.submissions(db, actor=w.dept_a)] == [a.id]
    assert [s.id for s in service.submissions(db, actor=w.dept_b)] == [b.id]
    assert {s.id for s in service.submissions(db, actor=w.office)} == {a.id, b.id}


# --- Starting and editing ------------------------------------------------------------------------


def test_starting_content_makes_one_draft_and_returns_it_afterwards(db: Session, w: World) -> None:
    first = service.start_submission(db, actor=w.dept_a, call_id=w.call.id or 0)
    again = service.start_submission(db, actor=w.dept_a, call_id=w.call.id or 0)

    assert again.id == first.id
    row = stored(db, first.id)
    assert row.status == S.DRAFT
    assert row.organisation_id == w.org_a.id
    assert row.created_by == w.dept_a.user_id
    assert count(db, Submission) == 1
    assert len(audit_rows(db, "submission.started")) == 1


def test_the_office_cannot_start_content_for_a_department(db: Session, w: World) -> None:
    with pytest.raises(NotFound):
        service.start_submission(db, actor=w.office, call_id=w.call.id or 0)
    assert count(db, Submission) == 0


def test_no_new_content_can_be_started_on_a_closed_call(db: Session, w: World) -> None:
    service.set_call_status(db, actor=w.office, call_id=w.call.id or 0, status=CallStatus.CLOSED)
    with pytest.raises(Conflict):
        service.start_submission(db, actor=w.dept_a, call_id=w.call.id or 0)
    assert count(db, Submission) == 0


def test_a_draft_may_be_saved_incomplete(db: Session, w: World) -> None:
    sub = service.start_submission(db, actor=w.dept_a, call_id=w.call.id or 0)
    service.save(
        db,
        actor=w.dept_a,
        submission_id=sub.id or 0,
        data=SubmissionInput(summary="  Chưa xong  "),
        expected_revision=sub.revision,
    )
    row = stored(db, sub.id)
    assert row.status == S.DRAFT
    assert row.summary == "Chưa xong"
    assert row.versions == 0


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"title": "  "}, "title"),
        ({"talking_points": ""}, "talking_points"),
        ({"contact_name": ""}, "contact_name"),
        ({"contact_email": "lan.stc.gov.vn"}, "contact_email"),
        ({"qa": [{"question": "", "answer": "Một câu trả lời"}]}, "qa_0"),
    ],
)
def test_submitting_incomplete_content_is_refused(
    db: Session, w: World, over: dict[str, Any], field: str
) -> None:
    sub = make_submission(db, w.call, w.org_a)
    with pytest.raises(ValidationFailed) as exc:
        submit(db, w.dept_a, sub, **over)
    assert field in exc.value.errors
    db.rollback()
    row = stored(db, sub.id)
    assert row.status == S.DRAFT
    assert row.versions == 0
    assert count(db, SubmissionVersion) == 0


def test_empty_question_and_answer_pairs_are_dropped(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a)
    qa = [{"question": " Hỏi? ", "answer": " Đáp. "}, {"question": " ", "answer": ""}]
    submit(db, w.dept_a, sub, qa=qa)
    assert stored(db, sub.id).qa == [{"question": "Hỏi?", "answer": "Đáp."}]


# --- The workflow -------------------------------------------------------------------------------


def test_full_workflow_from_draft_to_the_agenda_and_back(db: Session, w: World) -> None:
    sub = service.start_submission(db, actor=w.dept_a, call_id=w.call.id or 0)
    sub = service.save(
        db,
        actor=w.dept_a,
        submission_id=sub.id or 0,
        data=content(),
        expected_revision=sub.revision,
    )
    assert stored(db, sub.id).status == S.DRAFT

    submit(db, w.dept_a, sub)
    row = stored(db, sub.id)
    assert row.status == S.SUBMITTED
    assert row.versions == 1
    assert row.submitted_at is not None
    assert row.late is False

    with pytest.raises(ValidationFailed) as exc:
        service.act(db, actor=w.office, submission_id=sub.id or 0, action=Step.RETURN, comment="  ")
    assert "comment" in exc.value.errors
    assert stored(db, sub.id).status == S.SUBMITTED

    service.act(
        db,
        actor=w.office,
        submission_id=sub.id or 0,
        action=Step.RETURN,
        comment=" Bổ sung số liệu quý II. ",
    )
    row = stored(db, sub.id)
    assert row.status == S.RETURNED
    assert row.office_comment == "Bổ sung số liệu quý II."

    service.save(
        db,
        actor=w.dept_a,
        submission_id=sub.id or 0,
        data=content(key_figures="30%; quý II: 28%"),
        expected_revision=sub.revision,
    )
    row = stored(db, sub.id)
    assert row.status == S.RETURNED
    assert row.key_figures == "30%; quý II: 28%"

    submit(db, w.dept_a, sub, key_figures="30%; quý II: 28%")
    assert stored(db, sub.id).versions == 2

    service.act(db, actor=w.spokesperson, submission_id=sub.id or 0, action=Step.ACCEPT)
    assert stored(db, sub.id).status == S.ACCEPTED

    item = agenda.add(db, actor=w.office, briefing_id=w.briefing.id or 0, submission_id=sub.id)
    assert stored(db, sub.id).status == S.INCLUDED
    assert item.title == "Kết quả thu ngân sách quý I"
    assert item.presenter == "Sở Tài chính"

    agenda.remove(db, actor=w.office, briefing_id=w.briefing.id or 0, item_id=item.id or 0)
    assert stored(db, sub.id).status == S.ACCEPTED
    assert agenda.items(db, w.briefing.id or 0) == []

    actions = [e.action for e in audit_rows(db) if e.object_type == "submission"]
    assert actions == [
        "submission.started",
        "submission.saved",
        "submission.submitted",
        "submission.return",
        "submission.saved",
        "submission.submitted",
        "submission.accept",
    ]


@pytest.mark.parametrize("status", [S.ACCEPTED, S.INCLUDED])
def test_accepted_content_is_locked_for_the_department(
    db: Session, w: World, status: SubmissionStatus
) -> None:
    sub = make_submission(db, w.call, w.org_a, status=status)
    with pytest.raises(Conflict) as exc:
        service.save(
            db,
            actor=w.dept_a,
            submission_id=sub.id or 0,
            data=content(title="Đổi sau khi chấp nhận"),
            expected_revision=None,
        )
    assert "locked" in exc.value.detail.render("en")  # type: ignore[union-attr]
    for action in (Step.WITHDRAW, Step.REOPEN):
        with pytest.raises(Conflict):
            service.act(db, actor=w.dept_a, submission_id=sub.id or 0, action=action)
    with pytest.raises(Conflict):
        upload(db, w, w.dept_a, sub, ("them.pdf", pdf_bytes()))
    db.rollback()
    row = stored(db, sub.id)
    assert row.status == status
    assert row.title == sub.title
    assert files_in(w.upload_dir) == []


def test_department_cannot_accept_or_return_its_own_content(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a, status=S.SUBMITTED)
    for action in (Step.ACCEPT, Step.RETURN):
        with pytest.raises(Conflict):
            service.act(
                db, actor=w.dept_a, submission_id=sub.id or 0, action=action, comment="Tự duyệt"
            )
    assert stored(db, sub.id).status == S.SUBMITTED


def test_the_office_cannot_edit_a_departments_content(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a)
    with pytest.raises(Conflict):
        service.save(
            db,
            actor=w.office,
            submission_id=sub.id or 0,
            data=content(title="Văn phòng sửa"),
            expected_revision=None,
        )
    assert stored(db, sub.id).title == sub.title


def test_the_office_cannot_change_a_departments_files(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a, status=S.RETURNED)
    [att] = upload(db, w, w.dept_a, sub, ("cua-so.pdf", pdf_bytes()))
    with pytest.raises(Conflict):
        upload(db, w, w.office, sub, ("van-phong.png", PNG_1PX))
    db.rollback()
    with pytest.raises(Conflict):
        service.remove_attachment(
            db, actor=w.office, submission_id=sub.id or 0, attachment_id=att.id or 0
        )
    db.rollback()
    with fresh(db) as s:
        rows = s.exec(select(Attachment)).all()
        assert [(a.id, a.removed_at) for a in rows] == [(att.id, None)]
    assert files_in(w.upload_dir) == [att.stored_name]


@pytest.mark.parametrize("action", [Step.SAVE, Step.SUBMIT, Step.INCLUDE, Step.EXCLUDE])
def test_saving_and_agenda_steps_are_not_taken_through_act(
    db: Session, w: World, action: Step
) -> None:
    sub = make_submission(db, w.call, w.org_a, status=S.ACCEPTED)
    with pytest.raises(NotFound):
        service.act(db, actor=w.office, submission_id=sub.id or 0, action=action)
    assert stored(db, sub.id).status == S.ACCEPTED


def test_a_return_comment_over_4000_characters_is_refused(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a, status=S.SUBMITTED)
    with pytest.raises(ValidationFailed):
        service.act(
            db, actor=w.office, submission_id=sub.id or 0, action=Step.RETURN, comment="x" * 4001
        )
    db.rollback()
    row = stored(db, sub.id)
    assert row.status == S.SUBMITTED
    assert row.office_comment == ""


@pytest.mark.parametrize("start", [S.DRAFT, S.SUBMITTED, S.RETURNED])
def test_department_withdraws_before_acceptance_and_starts_again(
    db: Session, w: World, start: SubmissionStatus
) -> None:
    sub = make_submission(db, w.call, w.org_a, status=start)
    service.act(db, actor=w.dept_a, submission_id=sub.id or 0, action=Step.WITHDRAW)
    assert stored(db, sub.id).status == S.WITHDRAWN

    with pytest.raises(Conflict) as exc:
        submit(db, w.dept_a, sub)
    assert "withdrawn" in exc.value.detail.render("en")  # type: ignore[union-attr]
    db.rollback()

    service.act(db, actor=w.dept_a, submission_id=sub.id or 0, action=Step.REOPEN)
    assert stored(db, sub.id).status == S.DRAFT
    submit(db, w.dept_a, sub)
    assert stored(db, sub.id).status == S.SUBMITTED


def test_office_cannot_withdraw_a_departments_content(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a, status=S.SUBMITTED)
    with pytest.raises(Conflict):
        service.act(db, actor=w.office, submission_id=sub.id or 0, action=Step.WITHDRAW)
    assert stored(db, sub.id).status == S.SUBMITTED


# --- Deadlines and closed calls -----------------------------------------------------------------


def test_content_sent_before_the_deadline_is_not_late(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a)
    submit(db, w.dept_a, sub)
    assert stored(db, sub.id).late is False
    [version] = service.versions(db, sub.id or 0)
    assert version.late is False


def test_content_sent_after_the_deadline_is_accepted_but_marked_late(db: Session, w: World) -> None:
    call = make_call(db, orgs=[w.org_a], deadline_in=timedelta(hours=-2))
    sub = service.start_submission(db, actor=w.dept_a, call_id=call.id)
    submit(db, w.dept_a, sub)

    row = stored(db, sub.id)
    assert row.status == S.SUBMITTED
    assert row.late is True
    [version] = service.versions(db, sub.id or 0)
    assert version.late is True
    [event] = audit_rows(db, "submission.submitted")
    assert "(late)" in event.summary


def test_content_first_sent_on_time_stays_on_time_after_a_late_return(
    db: Session, w: World
) -> None:
    sub = make_submission(db, w.call, w.org_a)
    submit(db, w.dept_a, sub)
    # The deadline passes while the office reviews; it then returns the content.
    w.call.deadline = utcnow() - timedelta(minutes=5)
    db.add(w.call)
    db.commit()
    service.act(
        db, actor=w.office, submission_id=sub.id or 0, action=Step.RETURN, comment="Sửa số liệu"
    )
    submit(db, w.dept_a, sub)

    assert [v.late for v in service.versions(db, sub.id or 0)] == [False, True]
    assert stored(db, sub.id).late is False


def test_a_closed_call_takes_no_more_content(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a)
    service.set_call_status(db, actor=w.office, call_id=w.call.id or 0, status=CallStatus.CLOSED)
    before = stored(db, sub.id)

    with pytest.raises(Conflict) as exc:
        submit(db, w.dept_a, sub, title="Gửi sau khi đóng")
    assert "closed" in exc.value.detail.render("en")  # type: ignore[union-attr]
    db.rollback()

    row = stored(db, sub.id)
    assert row.status == S.DRAFT
    assert row.title == before.title
    assert row.revision == before.revision
    assert count(db, SubmissionVersion) == 0
    assert audit_rows(db, "submission.submitted") == []


def test_withdrawn_content_cannot_be_reopened_on_a_closed_call(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a, status=S.WITHDRAWN)
    service.set_call_status(db, actor=w.office, call_id=w.call.id or 0, status=CallStatus.CLOSED)
    with pytest.raises(Conflict):
        service.act(db, actor=w.dept_a, submission_id=sub.id or 0, action=Step.REOPEN)
    db.rollback()
    assert stored(db, sub.id).status == S.WITHDRAWN
    assert audit_rows(db, "submission.reopen") == []


@pytest.mark.parametrize("status", [BriefingStatus.HELD, BriefingStatus.CANCELLED])
def test_content_is_no_longer_taken_once_the_briefing_is_held_or_cancelled(
    db: Session, w: World, status: BriefingStatus
) -> None:
    draft = make_submission(db, w.call, w.org_a)
    withdrawn = make_submission(db, w.call, w.org_b, status=S.WITHDRAWN)
    org_c = make_org(db)
    db.add(CallRecipient(call_id=w.call.id or 0, organisation_id=org_c.id or 0))
    w.briefing.status = status
    db.add(w.briefing)
    db.commit()
    dept_c = actor_for(make_user(db, Role.DEPARTMENT, org=org_c))

    with pytest.raises(Conflict) as exc:
        submit(db, w.dept_a, draft)
    assert "no longer takes content" in exc.value.detail.render("en")  # type: ignore[union-attr]
    db.rollback()
    with pytest.raises(Conflict):
        service.act(db, actor=w.dept_b, submission_id=withdrawn.id or 0, action=Step.REOPEN)
    db.rollback()
    with pytest.raises(Conflict):
        service.start_submission(db, actor=dept_c, call_id=w.call.id or 0)
    db.rollback()

    assert stored(db, draft.id).status == S.DRAFT
    assert stored(db, withdrawn.id).status == S.WITHDRAWN
    assert count(db, Submission) == 2
    assert count(db, SubmissionVersion) == 0


# --- Versions ---------------------------------------------------------------------------------


def test_each_submission_is_kept_as_a_numbered_version_with_its_files(
    db: Session, w: World
) -> None:
    sub = service.start_submission(db, actor=w.dept_a, call_id=w.call.id or 0)
    [pdf] = upload(db, w, w.dept_a, sub, ("de-cuong.pdf", pdf_bytes()))
    submit(db, w.dept_a, sub, title="Phiên bản một")
    service.act(
        db, actor=w.office, submission_id=sub.id or 0, action=Step.RETURN, comment="Thêm ảnh"
    )

    # The department works on its copy: the kept version does not move.
    service.save(
        db,
        actor=w.dept_a,
        submission_id=sub.id or 0,
        data=content(title="Đang sửa", qa=[{"question": "Câu mới?", "answer": "Có."}]),
        expected_revision=sub.revision,
    )
    service.remove_attachment(
        db, actor=w.dept_a, submission_id=sub.id or 0, attachment_id=pdf.id or 0
    )
    [png] = upload(db, w, w.dept_a, sub, ("anh.png", PNG_1PX))
    v1 = service.versions(db, sub.id or 0)[0]
    assert v1.content["title"] == "Phiên bản một"
    assert v1.content["attachments"] == [
        {"id": pdf.id, "filename": "de-cuong.pdf", "size": pdf.size, "sha256": pdf.sha256}
    ]

    submit(db, w.dept_a, sub, title="Phiên bản hai")

    with fresh(db) as s:
        kept = list(
            s.exec(
                select(SubmissionVersion)
                .where(SubmissionVersion.submission_id == sub.id)
                .order_by(col(SubmissionVersion.number))
            ).all()
        )
    assert [v.number for v in kept] == [1, 2]
    assert all(v.submitted_by == w.dept_a.user_id for v in kept)
    first, second = (v.content for v in kept)
    assert first["title"] == "Phiên bản một"
    assert first["qa"] == [{"question": "Vì sao thu tăng?", "answer": "Do phục hồi sản xuất."}]
    assert first["contact_email"] == "lan@stc.gov.vn"
    assert [a["filename"] for a in first["attachments"]] == ["de-cuong.pdf"]
    assert second["title"] == "Phiên bản hai"
    assert [a["id"] for a in second["attachments"]] == [png.id]
    assert second["attachments"][0]["sha256"] == png.sha256
    assert stored(db, sub.id).versions == 2
    # The file of version 1 can still be downloaded although it left the working copy.
    att = service.get_attachment(db, pdf.id or 0, actor=w.office)
    assert (w.upload_dir / att.stored_name).read_bytes() == pdf_bytes()


# --- Edits made in the meantime ----------------------------------------------------------------


def test_a_save_from_an_outdated_form_is_refused_and_changes_nothing(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a, title="Bản gốc")
    seen = sub.revision  # two colleagues open the same form
    service.save(
        db,
        actor=w.dept_a,
        submission_id=sub.id or 0,
        data=content(title="Đồng nghiệp sửa trước"),
        expected_revision=seen,
    )
    after_first = stored(db, sub.id).revision
    assert after_first != seen

    with pytest.raises(Conflict) as exc:
        service.save(
            db,
            actor=w.dept_a,
            submission_id=sub.id or 0,
            data=content(title="Bản của tôi"),
            expected_revision=seen,
        )
    assert "Someone else changed this" in exc.value.detail.render("en")  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        service.save(
            db,
            actor=w.dept_a,
            submission_id=sub.id or 0,
            data=content(title="Bản của tôi"),
            expected_revision=seen,
            submit=True,
        )
    db.rollback()

    row = stored(db, sub.id)
    assert row.title == "Đồng nghiệp sửa trước"
    assert row.status == S.DRAFT
    assert row.versions == 0
    assert row.revision == after_first
    assert count(db, SubmissionVersion) == 0
    assert len(audit_rows(db, "submission.saved")) == 1
    assert audit_rows(db, "submission.submitted") == []


def test_an_action_from_an_outdated_page_is_refused(db: Session, w: World) -> None:
    sub = make_submission(db, w.call, w.org_a, status=S.SUBMITTED)
    seen = sub.revision
    service.act(
        db,
        actor=w.office,
        submission_id=sub.id or 0,
        action=Step.RETURN,
        comment="Sửa lại",
        expected_revision=seen,
    )
    with pytest.raises(Conflict):
        service.act(
            db,
            actor=w.dept_a,
            submission_id=sub.id or 0,
            action=Step.WITHDRAW,
            expected_revision=seen,
        )
    db.rollback()
    assert stored(db, sub.id).status == S.RETURNED


# --- Isolation between organisations ---------------------------------------------------------


@pytest.fixture
def a_sub(db: Session, w: World) -> tuple[Submission, Attachment]:
    """Organisation A's draft with one file."""
    sub = make_submission(db, w.call, w.org_a, title="Nội dung của Sở Tài chính")
    [att] = upload(db, w, w.dept_a, sub, ("bao-cao.pdf", pdf_bytes()))
    return sub, att


def _other_org_operations(
    db: Session, w: World, sub: Submission, att: Attachment
) -> dict[str, Callable[[], Any]]:
    sid, aid = sub.id or 0, att.id or 0
    return {
        "get_submission": lambda: service.get_submission(db, sid, actor=w.dept_b),
        "save": lambda: service.save(
            db,
            actor=w.dept_b,
            submission_id=sid,
            data=content(title="Sở Y tế ghi đè"),
            expected_revision=None,
        ),
        "submit": lambda: service.save(
            db,
            actor=w.dept_b,
            submission_id=sid,
            data=content(),
            expected_revision=None,
            submit=True,
        ),
        "withdraw": lambda: service.act(
            db, actor=w.dept_b, submission_id=sid, action=Step.WITHDRAW
        ),
        "add_attachments": lambda: upload(db, w, w.dept_b, sub, ("la.pdf", pdf_bytes("lạ"))),
        "remove_attachment": lambda: service.remove_attachment(
            db, actor=w.dept_b, submission_id=sid, attachment_id=aid
        ),
        "get_attachment": lambda: service.get_attachment(db, aid, actor=w.dept_b),
    }


@pytest.mark.parametrize(
    "operation",
    [
        "get_submission",
        "save",
        "submit",
        "withdraw",
        "add_attachments",
        "remove_attachment",
        "get_attachment",
    ],
)
def test_department_cannot_reach_other_departments_submission(
    db: Session, w: World, a_sub: tuple[Submission, Attachment], operation: str
) -> None:
    sub, att = a_sub
    files_before = files_in(w.upload_dir)
    with pytest.raises(NotFound):
        _other_org_operations(db, w, sub, att)[operation]()
    db.rollback()

    row = stored(db, sub.id)
    assert row.title == "Nội dung của Sở Tài chính"
    assert row.status == S.DRAFT
    assert row.revision == sub.revision
    with fresh(db) as s:
        atts = s.exec(select(Attachment)).all()
        assert [(a.id, a.removed_at) for a in atts] == [(att.id, None)]
    assert files_in(w.upload_dir) == files_before
    assert not [e for e in audit_rows(db) if e.actor_user_id == w.dept_b.user_id]


def test_department_cannot_download_another_departments_removed_file(
    db: Session, w: World, a_sub: tuple[Submission, Attachment]
) -> None:
    sub, att = a_sub
    service.remove_attachment(
        db, actor=w.dept_a, submission_id=sub.id or 0, attachment_id=att.id or 0
    )
    with pytest.raises(NotFound):
        service.get_attachment(db, att.id or 0, actor=w.dept_b)


def test_the_office_sees_every_departments_content(
    db: Session, w: World, a_sub: tuple[Submission, Attachment]
) -> None:
    sub, att = a_sub
    b = make_submission(db, w.call, w.org_b)
    for office in (w.office, w.spokesperson):
        assert service.get_submission(db, sub.id or 0, actor=office).id == sub.id
        assert service.get_submission(db, b.id or 0, actor=office).id == b.id
        found = service.get_attachment(db, att.id or 0, actor=office)
        assert found.id == att.id
        assert (w.upload_dir / found.stored_name).is_file()
        assert service.get_call(db, w.call.id or 0, actor=office).id == w.call.id
    assert {r.organisation_id for r in service.submissions(db, actor=w.office)} == {
        w.org_a.id,
        w.org_b.id,
    }


def test_journalists_see_no_content_at_all(
    db: Session, w: World, a_sub: tuple[Submission, Attachment]
) -> None:
    sub, att = a_sub
    j = w.journalist
    with pytest.raises(NotFound):
        service.get_call(db, w.call.id or 0, actor=j)
    with pytest.raises(NotFound):
        service.get_submission(db, sub.id or 0, actor=j)
    with pytest.raises(NotFound):
        service.get_attachment(db, att.id or 0, actor=j)
    with pytest.raises(NotFound):
        service.start_submission(db, actor=j, call_id=w.call.id or 0)
    assert service.calls(db, actor=j) == []
    assert service.calls(db, actor=j, open_only=True) == []
    assert service.submissions(db, actor=j) == []


def test_a_journalist_whose_agency_is_on_a_call_still_sees_nothing(db: Session, w: World) -> None:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY)
    call = make_call(db, orgs=[agency])
    sub = make_submission(db, call, agency)
    j = actor_for(make_user(db, Role.JOURNALIST, org=agency))
    with pytest.raises(NotFound):
        service.get_call(db, call.id, actor=j)
    with pytest.raises(NotFound):
        service.get_submission(db, sub.id or 0, actor=j)
    assert service.calls(db, actor=j) == []
    assert service.submissions(db, actor=j) == []


# --- The audit trail --------------------------------------------------------------------------


def test_every_change_is_recorded_with_who_did_it(db: Session, w: World) -> None:
    sub = service.start_submission(db, actor=w.dept_a, call_id=w.call.id or 0)
    [att] = upload(db, w, w.dept_a, sub, ("a.pdf", pdf_bytes()))
    service.remove_attachment(
        db, actor=w.dept_a, submission_id=sub.id or 0, attachment_id=att.id or 0
    )
    submit(db, w.dept_a, sub)
    service.act(db, actor=w.office, submission_id=sub.id or 0, action=Step.ACCEPT)

    rows = [e for e in audit_rows(db) if e.object_type in ("submission", "attachment")]
    assert [(e.action, e.object_type, e.object_id) for e in rows] == [
        ("submission.started", "submission", str(sub.id)),
        ("attachment.uploaded", "attachment", str(att.id)),
        ("attachment.removed", "attachment", str(att.id)),
        ("submission.submitted", "submission", str(sub.id)),
        ("submission.accept", "submission", str(sub.id)),
    ]
    dept_rows, office_row = rows[:4], rows[4]
    for e in dept_rows:
        assert (e.actor_user_id, e.actor_role, e.actor_organisation_id) == (
            w.dept_a.user_id,
            "department",
            w.org_a.id,
        )
        assert e.client_address == ADDRESS
    assert (office_row.actor_user_id, office_row.actor_role) == (w.office.user_id, "press_office")


@pytest.mark.parametrize(
    ("status", "step", "who"),
    [
        (S.DRAFT, Step.ACCEPT, "office"),  # nothing has been sent yet
        (S.SUBMITTED, Step.REOPEN, "dept_a"),  # only a withdrawn submission starts again
        (S.ACCEPTED, Step.WITHDRAW, "dept_a"),  # accepted content is locked
        (S.SUBMITTED, Step.WITHDRAW, "office"),  # the department's step, not the office's
        (S.SUBMITTED, Step.RETURN, "dept_a"),  # the office's step, not the department's
    ],
)
def test_take_step_refuses_a_step_not_allowed_now_or_not_for_this_side(
    db: Session, w: World, status: SubmissionStatus, step: Step, who: str
) -> None:
    sub = make_submission(db, w.call, w.org_a, status=status)
    events_before = len(audit_rows(db))
    with pytest.raises(Conflict) as refused:
        service.take_step(
            db,
            actor=getattr(w, who),
            id=sub.id or 0,
            step=step,
            data=service.StepInput(comment="Sửa lại số liệu"),
        )
    assert refused.value.status == 409
    stored_sub = stored(db, sub.id)
    assert (stored_sub.status, stored_sub.revision) == (status, sub.revision)
    assert len(audit_rows(db)) == events_before


@pytest.mark.parametrize("step", [Step.SAVE, Step.SUBMIT, Step.INCLUDE, Step.EXCLUDE])
def test_take_step_leaves_the_forms_and_the_agendas_steps_to_them(
    db: Session, w: World, step: Step
) -> None:
    """Saving and submitting need the working copy; including and excluding are the agenda's."""
    sub = make_submission(db, w.call, w.org_a)
    actor = w.office if step in (Step.INCLUDE, Step.EXCLUDE) else w.dept_a
    with pytest.raises(NotFound):
        service.take_step(db, actor=actor, id=sub.id or 0, step=step)
    assert stored(db, sub.id).status == S.DRAFT


class AuditDown(Exception):
    pass


@pytest.mark.parametrize(
    "operation",
    ["open_call", "update_call", "close", "start", "save", "submit", "accept", "upload", "agenda"],
)
def test_a_change_whose_audit_row_fails_is_not_saved_either(
    db: Session, w: World, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    """The audit row is written in the change's own transaction: no row, no change."""
    org_c, org_d = make_org(db), make_org(db)
    db.add_all(
        CallRecipient(call_id=w.call.id or 0, organisation_id=o.id or 0) for o in (org_c, org_d)
    )
    db.commit()
    dept_d = actor_for(make_user(db, Role.DEPARTMENT, org=org_d))
    draft = make_submission(db, w.call, w.org_a)
    sent = make_submission(db, w.call, w.org_b, status=S.SUBMITTED)
    accepted = make_submission(db, w.call, org_c, status=S.ACCEPTED)
    other_briefing = make_briefing(db, days_ahead=12)
    operations: dict[str, Callable[[], Any]] = {
        "open_call": lambda: service.open_call(
            db,
            actor=w.office,
            briefing_id=other_briefing.id or 0,
            data=call_input(other_briefing, [w.org_a]),
        ),
        "update_call": lambda: service.update_call(
            db,
            actor=w.office,
            call_id=w.call.id or 0,
            data=call_input(w.briefing, [w.org_a, w.org_b, org_c, org_d], instructions="Mới"),
        ),
        "close": lambda: service.set_call_status(
            db, actor=w.office, call_id=w.call.id or 0, status=CallStatus.CLOSED
        ),
        "start": lambda: service.start_submission(db, actor=dept_d, call_id=w.call.id or 0),
        "save": lambda: service.save(
            db,
            actor=w.dept_a,
            submission_id=draft.id or 0,
            data=content(title="Không lưu"),
            expected_revision=None,
        ),
        "submit": lambda: submit(db, w.dept_a, draft),
        "accept": lambda: service.act(
            db, actor=w.office, submission_id=sent.id or 0, action=Step.ACCEPT
        ),
        "upload": lambda: upload(db, w, w.dept_a, draft, ("a.pdf", pdf_bytes())),
        "agenda": lambda: agenda.add(
            db, actor=w.office, briefing_id=w.briefing.id or 0, submission_id=accepted.id
        ),
    }
    subs = {s.id: (s.status, s.title, s.revision) for s in (draft, sent, accepted)}
    events_before = len(audit_rows(db))
    real = audit_service.record

    def failing(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # the row is added and flushed with the change …
        raise AuditDown  # … and then the transaction cannot complete

    monkeypatch.setattr(audit_service, "record", failing)
    with pytest.raises(AuditDown):
        operations[operation]()
    db.rollback()

    assert len(audit_rows(db)) == events_before
    assert count(db, ContentCall) == 1
    assert count(db, Submission) == 3
    assert count(db, SubmissionVersion) == 0
    assert count(db, Attachment) == 0
    assert count(db, AgendaItem) == 0
    for sid, before in subs.items():
        row = stored(db, sid)
        assert (row.status, row.title, row.revision) == before
    with fresh(db) as s:
        call = s.get(ContentCall, w.call.id)
        assert call is not None
        assert (call.status, call.instructions) == (CallStatus.OPEN, w.call.instructions)
    assert len(service.recipients(db, w.call.id or 0)) == 4
    assert files_in(w.upload_dir) == []


# --- The completeness board ---------------------------------------------------------------------


def _board_world(db: Session, deadline_in: timedelta) -> ContentCall:
    names = ["A nothing", "B draft", "C submitted", "D returned", "E accepted", "F late", "G w"]
    orgs = {n: make_org(db, name_vi=n, name_en=n) for n in names}
    call = make_call(db, orgs=list(orgs.values()), deadline_in=deadline_in)
    make_submission(db, call, orgs["B draft"])
    make_submission(db, call, orgs["C submitted"], status=S.SUBMITTED)
    make_submission(db, call, orgs["D returned"], status=S.RETURNED)
    make_submission(db, call, orgs["E accepted"], status=S.ACCEPTED)
    make_submission(db, call, orgs["F late"], status=S.SUBMITTED, late=True)
    make_submission(db, call, orgs["G w"], status=S.WITHDRAWN)
    return call


def test_board_shows_the_state_of_each_organisation_asked(db: Session, w: World) -> None:
    call = _board_world(db, timedelta(days=2))
    not_asked = make_org(db, name_vi="Không được hỏi")
    rows = service.board(db, call)

    by_name = {r.name_vi: r for r in rows}
    assert not_asked.id not in {r.organisation_id for r in rows}
    assert {n: r.state for n, r in by_name.items()} == {
        "A nothing": "nothing",
        "B draft": "draft",
        "C submitted": "submitted",
        "D returned": "returned",
        "E accepted": "accepted",
        "F late": "submitted",
        "G w": "withdrawn",
    }
    assert by_name["A nothing"].submission is None
    assert by_name["B draft"].submission is not None
    assert [n for n, r in by_name.items() if r.late] == ["F late"]
    assert not any(r.overdue for r in rows)  # the deadline is still ahead
    # Who is missing comes first.
    assert [r.name_vi for r in rows] == [
        "A nothing",
        "B draft",
        "D returned",
        "G w",
        "C submitted",
        "F late",
        "E accepted",
    ]
    assert service.board_counts(rows) == {
        "nothing": 1,
        "draft": 1,
        "returned": 1,
        "withdrawn": 1,
        "submitted": 2,
        "accepted": 1,
        "late": 1,
        "overdue": 0,
    }
    assert by_name["B draft"].name("en") == "B draft"


def test_board_flags_as_overdue_who_has_sent_nothing_after_the_deadline(
    db: Session, w: World
) -> None:
    call = _board_world(db, timedelta(hours=-1))
    rows = service.board(db, call)
    overdue = sorted(r.name_vi for r in rows if r.overdue)
    assert overdue == ["A nothing", "B draft", "D returned", "G w"]
    assert service.board_counts(rows)["overdue"] == 4


def test_board_follows_a_submission_through_the_workflow(db: Session, w: World) -> None:
    def state_of_a() -> str:
        [row] = [r for r in service.board(db, w.call) if r.organisation_id == w.org_a.id]
        return row.state

    assert state_of_a() == "nothing"
    sub = service.start_submission(db, actor=w.dept_a, call_id=w.call.id or 0)
    assert state_of_a() == "draft"
    submit(db, w.dept_a, sub)
    assert state_of_a() == "submitted"
    service.act(db, actor=w.office, submission_id=sub.id or 0, action=Step.ACCEPT)
    assert state_of_a() == "accepted"
    agenda.add(db, actor=w.office, briefing_id=w.briefing.id or 0, submission_id=sub.id)
    assert state_of_a() == "included"


def test_recipients_rows_are_replaced_not_added(db: Session, w: World) -> None:
    data = call_input(w.briefing, [w.org_a, w.org_b])
    service.update_call(db, actor=w.office, call_id=w.call.id or 0, data=data)
    with fresh(db) as s:
        assert len(s.exec(select(CallRecipient)).all()) == 2
