"""The rules of official statements, through the service (no HTTP): the workflow table, approval by
a second person with the right, the yearly number series, the spokesperson register on the day of
issue, editions (never edited once issued; change notes; major and minor), translations marked
outdated, the embargo (visibility by time, passed explicitly as `now`), publishing due editions
exactly once, the audit trail, withdrawal, and the folding that search relies on.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.statements import search, service, states
from app.statements.models import (
    ChangeKind,
    Edition,
    EditionFile,
    EditionState,
    SpokespersonRole,
    Statement,
    StatementCounter,
    StatementFile,
    StatementKind,
)
from app.statements.service import visibility
from app.statements.states import Step
from app.storage import LocalStore
from app.timeutil import LOCAL_TZ, local_today, utcnow
from tests.factories import make_org, make_user
from tests.statements.helpers import SYSTEM, World, make_spokesperson, soon
from tests.support import actor_of

E = EditionState


@pytest.fixture
def w(db: Session) -> World:
    return World(db)


def refused(exc: type[Exception], call: Callable[..., Any], **kw: Any) -> Any:
    """`call(**kw)` raises `exc`; the session is rolled back as a request's would be."""
    session: Session = kw.pop("session")
    with pytest.raises(exc) as caught:
        call(session, **kw)  # use cases take their session first, by position
    session.rollback()
    return caught.value


def edition(db: Session, statement_id: int, number: int = 1) -> Edition:
    db.expire_all()
    ed = db.exec(
        select(Edition).where(Edition.statement_id == statement_id, Edition.number == number)
    ).one()
    return ed


def actions(db: Session) -> list[str]:
    db.expire_all()
    rows = db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    return [r.action for r in rows if r.action.startswith("statement.")]


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A local (Asia/Ho_Chi_Minh) time on `day`, as the aware datetime a form would give."""
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def approved(w: World, **over: Any) -> Statement:
    st = w.draft(**over)
    service.submit(w.db, actor=w.editor, statement_id=st.id or 0)
    service.approve(w.db, actor=w.spokesperson, statement_id=st.id or 0)
    return st


def started(w: World, st: Statement) -> Edition:
    """A new edition of an issued statement, saved as a major change and not yet published."""
    sid = st.id or 0
    service.new_edition(w.db, actor=w.editor, statement_id=sid)
    return service.update(
        w.db,
        actor=w.editor,
        statement_id=sid,
        data=w.input(change_kind=ChangeKind.MAJOR, change_note="Cập nhật", title="Bản mới"),
    )


# --- The workflow table (pure) ------------------------------------------------------------------


def test_the_table_allows_exactly_the_documented_steps() -> None:
    allowed = {
        (E.DRAFT, Step.SUBMIT): E.SUBMITTED,
        (E.SUBMITTED, Step.RETURN): E.DRAFT,
        (E.APPROVED, Step.RETURN): E.DRAFT,
        (E.SUBMITTED, Step.APPROVE): E.APPROVED,
        (E.APPROVED, Step.PUBLISH): E.PUBLISHED,
        (E.APPROVED, Step.SCHEDULE): E.SCHEDULED,
        (E.SCHEDULED, Step.UNSCHEDULE): E.APPROVED,
    }
    for state in E:
        for step in Step:
            assert states.next_state(state, step) == allowed.get((state, step)), (state, step)
    assert states.allowed_steps(E.PUBLISHED) == []
    assert states.allowed_steps(E.DRAFT) == [Step.SUBMIT]
    assert set(states.allowed_steps(E.APPROVED)) == {Step.RETURN, Step.PUBLISH, Step.SCHEDULE}


# --- The workflow through the service ------------------------------------------------------------


def test_draft_submitted_approved_published(w: World, db: Session) -> None:
    st = w.draft()
    sid = st.id or 0
    ed = edition(db, sid)
    assert ed.state == E.DRAFT and ed.created_by == w.editor_user.id and st.number is None
    ed = service.submit(db, actor=w.editor, statement_id=sid)
    assert ed.state == E.SUBMITTED and ed.submitted_at is not None
    ed = service.approve(db, actor=w.spokesperson, statement_id=sid)
    assert ed.state == E.APPROVED and ed.approved_by == w.spokesperson_user.id
    assert ed.approved_at is not None
    before = utcnow()
    ed = service.publish(db, actor=w.spokesperson, statement_id=sid)
    assert ed.state == E.PUBLISHED and ed.publish_at is not None and ed.publish_at >= before
    db.refresh(st)
    assert st.first_published_at == ed.publish_at and st.number == "1/TCBC-UBND"
    assert service.public_edition(db, sid, now=utcnow()) == ed


def test_return_to_draft_from_submitted_and_from_approved(w: World, db: Session) -> None:
    st = w.draft()
    sid = st.id or 0
    service.submit(db, actor=w.editor, statement_id=sid)
    assert service.return_to_draft(db, actor=w.editor, statement_id=sid).state == E.DRAFT
    service.submit(db, actor=w.editor, statement_id=sid)
    service.approve(db, actor=w.approver, statement_id=sid)
    ed = service.return_to_draft(db, actor=w.spokesperson, statement_id=sid)
    assert ed.state == E.DRAFT and ed.approved_by is None and ed.approved_at is None


def test_a_scheduled_edition_goes_back_to_approved(w: World, db: Session) -> None:
    st = approved(w)
    sid = st.id or 0
    ed = service.publish(db, actor=w.spokesperson, statement_id=sid, at=soon())
    assert ed.state == E.SCHEDULED
    ed = service.unschedule(db, actor=w.spokesperson, statement_id=sid)
    assert ed.state == E.APPROVED and ed.publish_at is None


@pytest.mark.parametrize(
    ("setup", "step"),
    [
        ("draft", "approve"),
        ("draft", "publish"),
        ("draft", "return"),
        ("draft", "unschedule"),
        ("submitted", "submit"),
        ("submitted", "publish"),
        ("approved", "approve"),
        ("approved", "submit"),
        ("published", "submit"),
        ("published", "approve"),
        ("published", "publish"),
        ("published", "return"),
        ("published", "unschedule"),
    ],
)
def test_illegal_steps_are_conflicts(w: World, db: Session, setup: str, step: str) -> None:
    st = w.draft()
    sid = st.id or 0
    if setup != "draft":
        service.submit(db, actor=w.editor, statement_id=sid)
    if setup in ("approved", "published"):
        service.approve(db, actor=w.spokesperson, statement_id=sid)
    if setup == "published":
        service.publish(db, actor=w.spokesperson, statement_id=sid)
    calls: dict[str, Callable[..., Any]] = {
        "submit": service.submit,
        "approve": service.approve,
        "publish": service.publish,
        "return": service.return_to_draft,
        "unschedule": service.unschedule,
    }
    state = edition(db, sid).state
    refused(Conflict, calls[step], session=db, actor=w.approver, statement_id=sid)
    assert edition(db, sid).state == state


def test_a_stale_revision_is_a_conflict(w: World, db: Session) -> None:
    st = w.draft()
    sid = st.id or 0
    seen = edition(db, sid).revision
    service.update(db, actor=w.editor, statement_id=sid, data=w.input(title="Đã sửa"))
    refused(
        Conflict,
        service.submit,
        session=db,
        actor=w.editor,
        statement_id=sid,
        expected_revision=seen,
    )
    refused(
        Conflict,
        service.update,
        session=db,
        actor=w.editor,
        statement_id=sid,
        data=w.input(title="Ghi đè"),
        expected_revision=seen,
    )
    assert edition(db, sid).title == "Đã sửa" and edition(db, sid).state == E.DRAFT


def test_only_the_office_drafts_and_reads_drafts(w: World, db: Session) -> None:
    dept = actor_of(make_user(db, Role.DEPARTMENT))
    journalist = actor_of(make_user(db, Role.JOURNALIST))
    for who in (dept, journalist):
        refused(Forbidden, service.create, session=db, actor=who, data=w.input())
    st = w.draft()
    for who in (dept, journalist):
        refused(Forbidden, service.get, session=db, statement_id=st.id or 0, actor=who)
        refused(Forbidden, service.submit, session=db, actor=who, statement_id=st.id or 0)
    refused(NotFound, service.get, session=db, statement_id=999999, actor=w.editor)


# --- Approval by a second person with the right ---------------------------------------------------


def test_the_author_may_not_approve(w: World, db: Session) -> None:
    st = service.create(db, actor=w.approver, data=w.input())
    service.submit(db, actor=w.approver, statement_id=st.id or 0)
    err = refused(Forbidden, service.approve, session=db, actor=w.approver, statement_id=st.id)
    assert err.detail is not None and "another person" in err.detail.text
    assert edition(db, st.id or 0).state == E.SUBMITTED


def test_the_last_editor_may_not_approve(w: World, db: Session) -> None:
    st = w.draft()
    sid = st.id or 0
    service.update(db, actor=w.approver, statement_id=sid, data=w.input(title="Sửa bởi B"))
    service.submit(db, actor=w.editor, statement_id=sid)
    refused(Forbidden, service.approve, session=db, actor=w.approver, statement_id=sid)
    assert service.approve(db, actor=w.spokesperson, statement_id=sid).state == E.APPROVED


def test_a_translator_may_not_approve_even_after_someone_else_edited(w: World, db: Session) -> None:
    st = w.draft()
    sid = st.id or 0
    service.save_translation(
        db, actor=w.approver, statement_id=sid, language="en", title="T", summary="", body="B"
    )
    service.update(db, actor=w.editor, statement_id=sid, data=w.input())  # last editor: editor
    service.submit(db, actor=w.editor, statement_id=sid)
    refused(Forbidden, service.approve, session=db, actor=w.approver, statement_id=sid)


def test_an_earlier_editor_may_not_approve_though_someone_else_edited_last(
    w: World, db: Session
) -> None:
    st = w.draft()
    sid = st.id or 0
    service.update(db, actor=w.approver, statement_id=sid, data=w.input(title="Sửa bởi B"))
    service.update(db, actor=w.editor, statement_id=sid, data=w.input(title="Sửa lại bởi A"))
    service.submit(db, actor=w.editor, statement_id=sid)
    err = refused(Forbidden, service.approve, session=db, actor=w.approver, statement_id=sid)
    assert err.detail is not None and "another person" in err.detail.text
    assert service.approve(db, actor=w.spokesperson, statement_id=sid).state == E.APPROVED


def test_whoever_attached_a_file_to_the_edition_may_not_approve(
    w: World, db: Session, tmp_path: Path
) -> None:
    from io import BytesIO

    from tests.factories import pdf_bytes

    st = w.draft()
    sid = st.id or 0
    service.add_files(
        db,
        actor=w.approver,
        statement_id=sid,
        files=[("phu-luc.pdf", BytesIO(pdf_bytes()))],
        store=LocalStore(tmp_path),
        max_bytes=10_000_000,
        max_files=5,
    )
    service.update(db, actor=w.editor, statement_id=sid, data=w.input())  # last editor: editor
    service.submit(db, actor=w.editor, statement_id=sid)
    refused(Forbidden, service.approve, session=db, actor=w.approver, statement_id=sid)
    assert service.approve(db, actor=w.spokesperson, statement_id=sid).state == E.APPROVED


def test_an_editor_without_the_right_may_not_approve(w: World, db: Session) -> None:
    other = make_user(db, Role.PRESS_OFFICE)
    st = w.draft()
    sid = st.id or 0
    service.submit(db, actor=w.editor, statement_id=sid)
    err = refused(Forbidden, service.approve, session=db, actor=actor_of(other), statement_id=sid)
    assert err.detail is not None and "given the right" in err.detail.text
    admin = actor_of(make_user(db, Role.ADMIN))
    service.grant_approval(db, actor=admin, user_id=other.id or 0, granted=True)
    assert service.approve(db, actor=actor_of(other), statement_id=sid).state == E.APPROVED
    service.grant_approval(db, actor=admin, user_id=other.id or 0, granted=False)
    assert not service.may_approve(db, actor_of(other))
    refused(
        Forbidden,
        service.grant_approval,
        session=db,
        actor=w.spokesperson,
        user_id=other.id or 0,
        granted=True,
    )


def test_the_spokesperson_and_an_approver_may_approve(w: World, db: Session) -> None:
    for who in (w.spokesperson, w.approver):
        st = w.draft()
        service.submit(db, actor=w.editor, statement_id=st.id or 0)
        ed = service.approve(db, actor=who, statement_id=st.id or 0)
        assert ed.state == E.APPROVED and ed.approved_by == who.user_id


# --- Numbers ----------------------------------------------------------------------------------------


def test_numbers_follow_a_yearly_series_per_kind(w: World, db: Session) -> None:
    assert w.issued().number == "1/TCBC-UBND"
    assert w.issued().number == "2/TCBC-UBND"
    assert w.issued(kind=StatementKind.OFFICIAL_STATEMENT).number == "1/PN-UBND"
    assert (
        w.issued(
            kind=StatementKind.CORRECTION_REQUEST,
            target_agency_name="Báo X",
            article_title="Bài viết",
        ).number
        == "1/ĐNCC-UBND"
    )
    assert w.issued().number == "3/TCBC-UBND"
    year = local_today().year
    counter = db.get(StatementCounter, (StatementKind.PRESS_RELEASE, year))
    assert counter is not None and counter.last == 3
    st = w.issued()
    assert (st.year, st.seq) == (year, 4)


def test_a_draft_never_gets_a_number(w: World, db: Session) -> None:
    st = approved(w)
    db.refresh(st)
    assert st.number is None and st.seq is None and st.first_published_at is None


def test_the_number_is_given_when_the_embargo_ends_with_the_year_of_the_local_publish_date(
    w: World, db: Session
) -> None:
    next_year = local_today().year + 1
    # 00:30 on 1 January, local time: still 31 December in UTC.
    at = local(date(next_year, 1, 1), 0, 30)
    st = w.issued(at=at)
    assert st.number is None and st.seq is None  # under embargo: no number yet
    assert st.first_published_at == at
    assert w.issued(kind=StatementKind.OFFICIAL_STATEMENT).number == "1/PN-UBND"
    service.publish_due(db, now=at)
    db.refresh(st)
    assert st.number == "1/TCBC-UBND" and st.year == next_year and st.seq == 1


def test_an_embargo_leaves_no_gap_in_the_public_numbers(w: World, db: Session) -> None:
    """Scheduled first, issued last: the statement issued now takes number 1, the embargoed one
    the next number when it ends, and two embargoes are numbered in the order they end."""
    later, sooner = soon(120), soon(60)
    embargoed_later = w.issued(at=later)
    embargoed_sooner = w.issued(at=sooner)
    now_issued = w.issued()
    assert now_issued.number == "1/TCBC-UBND"
    assert service.publish_due(db, now=later) == [
        edition(db, embargoed_sooner.id or 0).id,
        edition(db, embargoed_later.id or 0).id,
    ]
    db.refresh(embargoed_sooner)
    db.refresh(embargoed_later)
    assert (embargoed_sooner.number, embargoed_later.number) == ("2/TCBC-UBND", "3/TCBC-UBND")


def test_a_new_year_restarts_the_series(w: World, db: Session) -> None:
    this_year = w.issued()
    at = local(date(local_today().year + 1, 1, 2))
    next_year = w.issued(at=at)
    service.publish_due(db, now=at)
    db.refresh(next_year)
    assert this_year.number == next_year.number == "1/TCBC-UBND"
    assert (this_year.year or 0) + 1 == next_year.year


def test_another_province_sets_its_patterns(w: World, db: Session, tmp_path: Path) -> None:
    numbers = tmp_path / "numbers.toml"
    numbers.write_text(
        "\n".join(
            f'[{k.value}]\npattern = "{{n}}/{k.value.upper()}/{{year}}"' for k in StatementKind
        ),
        encoding="utf-8",
    )
    st = approved(w)
    service.publish(db, actor=w.spokesperson, statement_id=st.id or 0, numbers_file=str(numbers))
    db.refresh(st)
    assert st.number == f"1/PRESS_RELEASE/{local_today().year}"


def test_a_new_edition_keeps_the_number_and_the_date_of_issue(w: World, db: Session) -> None:
    st = w.issued()
    number, issued_at = st.number, st.first_published_at
    w.correct(st)
    db.refresh(st)
    assert (st.number, st.first_published_at) == (number, issued_at)
    assert w.issued().number == "2/TCBC-UBND"


@pytest.mark.clock("2026-12-04T10:00+07:00")  # all numbers in one year's series
def test_a_statement_taken_back_from_embargo_holds_no_number(w: World, db: Session) -> None:
    st = approved(w)
    sid = st.id or 0
    service.publish(db, actor=w.spokesperson, statement_id=sid, at=soon(60))
    service.unschedule(db, actor=w.spokesperson, statement_id=sid)
    db.refresh(st)
    assert st.first_published_at is None and st.number is None  # not issued after all
    refused(
        Conflict,
        service.withdraw,
        session=db,
        actor=w.spokesperson,
        statement_id=sid,
        reason="Chưa phát hành",
    )
    assert w.issued().number == "1/TCBC-UBND"  # nothing was held back for it
    service.publish(db, actor=w.spokesperson, statement_id=sid, at=soon(90))
    service.publish_due(db, now=soon(90))
    db.refresh(st)
    assert st.number == "2/TCBC-UBND" and st.seq == 2


# --- The spokesperson on the day of issue ---------------------------------------------------------


def test_a_person_valid_on_the_day_of_issue_may_speak(w: World, db: Session) -> None:
    w.person.valid_to = local_today()
    db.add(w.person)
    db.commit()
    assert w.issued().number == "1/TCBC-UBND"


def test_a_person_whose_period_ended_the_day_before_is_refused_at_publish(
    w: World, db: Session
) -> None:
    st = approved(w)
    sid = st.id or 0
    service.end_spokesperson(
        db,
        actor=w.editor,
        spokesperson_id=w.person.id or 0,
        last_day=local_today() - timedelta(days=1),
        reason="Nghỉ hưu",
    )
    err = refused(
        ValidationFailed, service.publish, session=db, actor=w.spokesperson, statement_id=sid
    )
    assert set(err.errors) == {"spokesperson_id"}
    db.refresh(st)
    assert st.number is None and edition(db, sid).state == E.APPROVED
    assert db.get(StatementCounter, (StatementKind.PRESS_RELEASE, local_today().year)) is None


def test_a_future_authorisation_allows_a_statement_scheduled_from_its_first_day(
    w: World, db: Session
) -> None:
    start = local_today() + timedelta(days=10)
    deputy = make_spokesperson(
        db,
        w.org,
        role=SpokespersonRole.AUTHORISED,
        valid_from=start,
        valid_to=start + timedelta(days=30),
        full_name="Phó Chánh Văn phòng",
    )
    st = approved(w, spokesperson_id=deputy.id)
    sid = st.id or 0
    for too_early in (None, local(start - timedelta(days=1), 23, 59)):
        err = refused(
            ValidationFailed,
            service.publish,
            session=db,
            actor=w.spokesperson,
            statement_id=sid,
            at=too_early,
        )
        assert "spokesperson_id" in err.errors
    # 00:15 local on the first day is still the day before in UTC: the local day counts.
    ed = service.publish(db, actor=w.spokesperson, statement_id=sid, at=local(start, 0, 15))
    assert ed.state == E.SCHEDULED
    service.publish_due(db, now=local(start, 0, 15))
    db.refresh(st)
    assert st.number == "1/TCBC-UBND"


def test_a_person_of_another_organisation_is_refused(w: World, db: Session) -> None:
    other = make_org(db, kind="department")
    stranger = make_spokesperson(db, other)
    err = refused(
        ValidationFailed,
        service.create,
        session=db,
        actor=w.editor,
        data=w.input(spokesperson_id=stranger.id),
    )
    assert "spokesperson_id" in err.errors


# --- Editions ----------------------------------------------------------------------------------


def test_a_published_edition_is_never_edited(w: World, db: Session) -> None:
    st = w.issued()
    sid = st.id or 0
    ed = edition(db, sid)
    title, revision = ed.title, ed.revision
    refused(
        Conflict,
        service.update,
        session=db,
        actor=w.editor,
        statement_id=sid,
        data=w.input(title="Sửa lén"),
    )
    refused(
        Conflict,
        service.save_translation,
        session=db,
        actor=w.editor,
        statement_id=sid,
        language="en",
        title="x",
        summary="",
        body="y",
    )
    ed = edition(db, sid)
    assert (ed.title, ed.revision, ed.state) == (title, revision, E.PUBLISHED)


def test_an_approved_edition_must_go_back_to_draft_to_change(w: World, db: Session) -> None:
    st = approved(w)
    sid = st.id or 0
    refused(
        Conflict,
        service.update,
        session=db,
        actor=w.editor,
        statement_id=sid,
        data=w.input(title="Sửa"),
    )
    service.return_to_draft(db, actor=w.editor, statement_id=sid)
    assert service.update(db, actor=w.editor, statement_id=sid, data=w.input(title="Sửa")).title


def test_a_new_edition_copies_content_translations_and_files(w: World, db: Session) -> None:
    st = w.issued(translations={"en": "Typhoon"})
    sid = st.id or 0
    first = edition(db, sid)
    f = StatementFile(
        statement_id=sid,
        filename="a.pdf",
        stored_name="a" * 32,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    db.add(f)
    db.flush()
    db.add(EditionFile(edition_id=first.id or 0, file_id=f.id or 0))
    db.commit()
    ed = service.new_edition(db, actor=w.editor, statement_id=sid)
    assert (ed.number, ed.state, ed.change_kind) == (2, E.DRAFT, ChangeKind.MAJOR)
    assert (ed.title, ed.summary, ed.body) == (first.title, first.summary, first.body)
    assert ed.created_by == w.editor_user.id
    copied = service.translations(db, ed.id or 0)["en"]
    assert copied.title == "Typhoon" and copied.source_number == 1
    links = db.exec(select(EditionFile).where(EditionFile.edition_id == ed.id)).all()
    assert [link.file_id for link in links] == [f.id]
    refused(Conflict, service.new_edition, session=db, actor=w.editor, statement_id=sid)
    assert service.public_edition(db, sid, now=utcnow()) == first  # still the public one


def test_a_new_edition_needs_an_issued_statement(w: World, db: Session) -> None:
    st = w.draft()
    refused(Conflict, service.new_edition, session=db, actor=w.editor, statement_id=st.id or 0)


def test_a_later_edition_needs_its_kind_of_change_and_a_note(w: World, db: Session) -> None:
    st = w.issued()
    sid = st.id or 0
    service.new_edition(db, actor=w.editor, statement_id=sid)
    err = refused(
        ValidationFailed,
        service.update,
        session=db,
        actor=w.editor,
        statement_id=sid,
        data=w.input(change_kind=ChangeKind.FIRST),
    )
    assert {"change_kind", "change_note"} <= set(err.errors)
    other = make_org(db, kind="department")
    ed = service.update(
        db,
        actor=w.editor,
        statement_id=sid,
        data=w.input(
            change_kind=ChangeKind.MINOR,
            change_note="Sửa lỗi chính tả",
            kind=StatementKind.OFFICIAL_STATEMENT,  # the statement's facts stay as issued
            organisation_id=other.id,
        ),
    )
    assert (ed.change_kind, ed.change_note) == (ChangeKind.MINOR, "Sửa lỗi chính tả")
    db.refresh(st)
    assert (st.kind, st.organisation_id) == (StatementKind.PRESS_RELEASE, w.org.id)


def test_a_correction_is_possible_after_the_spokesperson_left(w: World, db: Session) -> None:
    st = w.issued()
    service.end_spokesperson(
        db,
        actor=w.editor,
        spokesperson_id=w.person.id or 0,
        last_day=local_today() - timedelta(days=1),
        reason="Chuyển công tác",
    )
    ed = w.correct(st, note="Bổ sung số liệu")
    assert ed.state == E.PUBLISHED and ed.number == 2
    assert service.public_edition(db, st.id or 0, now=utcnow()) == ed


def test_a_first_edition_cannot_be_saved_in_the_name_of_someone_who_left(
    w: World, db: Session
) -> None:
    st = w.draft()
    service.end_spokesperson(
        db,
        actor=w.editor,
        spokesperson_id=w.person.id or 0,
        last_day=local_today() - timedelta(days=1),
        reason="Chuyển công tác",
    )
    err = refused(
        ValidationFailed,
        service.update,
        session=db,
        actor=w.editor,
        statement_id=st.id or 0,
        data=w.input(),
    )
    assert "spokesperson_id" in err.errors


# --- Translations ---------------------------------------------------------------------------------


def test_a_translation_records_the_edition_it_was_made_from(w: World, db: Session) -> None:
    st = w.draft()
    sid = st.id or 0
    service.submit(db, actor=w.editor, statement_id=sid)
    tr = service.save_translation(
        db, actor=w.editor, statement_id=sid, language="en", title="T", summary="", body="B"
    )
    assert tr.source_number == 1 and tr.translated_by == w.editor_user.id
    ed = edition(db, sid)
    assert ed.state == E.DRAFT  # a change sends it back for review
    assert not service.is_outdated(db, tr, ed)
    err = refused(
        ValidationFailed,
        service.save_translation,
        session=db,
        actor=w.editor,
        statement_id=sid,
        language="vi",
        title="T",
        summary="",
        body="B",
    )
    assert "language" in err.errors
    refused(
        ValidationFailed,
        service.save_translation,
        session=db,
        actor=w.editor,
        statement_id=sid,
        language="xx",
        title="T",
        summary="",
        body="B",
    )


def test_a_major_edition_outdates_translations_and_a_minor_one_does_not(
    w: World, db: Session
) -> None:
    minor = w.issued(translations={"en": "Minor"})
    ed = w.correct(minor, major=False, note="Sửa lỗi chính tả")
    assert not service.is_outdated(db, service.translations(db, ed.id or 0)["en"], ed)
    major = w.issued(translations={"en": "Major"})
    ed = w.correct(major, major=True)
    tr = service.translations(db, ed.id or 0)["en"]
    assert tr.source_number == 1 and service.is_outdated(db, tr, ed)
    # ... and stays outdated through a later minor edition
    ed3 = w.correct(major, major=False, note="Dấu câu")
    assert service.is_outdated(db, service.translations(db, ed3.id or 0)["en"], ed3)


def test_updating_the_translation_in_the_new_edition_clears_outdated(w: World, db: Session) -> None:
    st = w.issued(translations={"en": "Old"})
    sid = st.id or 0
    ed = started(w, st)
    assert service.is_outdated(db, service.translations(db, ed.id or 0)["en"], ed)
    tr = service.save_translation(
        db, actor=w.editor, statement_id=sid, language="en", title="New", summary="", body="N"
    )
    assert tr.source_number == 2 and not service.is_outdated(db, tr, edition(db, sid, 2))
    old = service.translations(db, edition(db, sid, 1).id or 0)["en"]
    assert old.title == "Old"  # the issued edition's translation is untouched


# --- The embargo ----------------------------------------------------------------------------------


def test_a_scheduled_edition_is_invisible_until_its_time(w: World, db: Session) -> None:
    at = soon(60)
    st = w.issued(at=at)
    sid = st.id or 0
    assert service.public_edition(db, sid, now=at - timedelta(seconds=1)) is None
    assert service.public_edition(db, sid, now=utcnow()) is None
    assert service.public_history(db, sid, now=utcnow()) == []
    # a first edition is public once recorded and numbered, which public reads do on time
    assert service.public_edition(db, sid, now=at) is None
    assert service.next_public_change(db, now=utcnow()) == at
    service.publish_due(db, now=at)
    shown = service.public_edition(db, sid, now=at)
    assert shown is not None and shown.state == E.PUBLISHED
    assert service.next_public_change(db, now=at) is None


def test_a_new_edition_scheduled_later_keeps_the_old_one_public_until_then(
    w: World, db: Session
) -> None:
    st = w.issued()
    sid = st.id or 0
    first = edition(db, sid)
    started(w, st)
    service.submit(db, actor=w.editor, statement_id=sid)
    service.approve(db, actor=w.spokesperson, statement_id=sid)
    at = soon(120)
    second = service.publish(db, actor=w.spokesperson, statement_id=sid, at=at)
    first = edition(db, sid, 1)
    assert first.superseded_at == at
    assert service.public_edition(db, sid, now=utcnow()) == first
    assert service.public_edition(db, sid, now=at - timedelta(microseconds=1)) == first
    assert service.public_edition(db, sid, now=at) == edition(db, sid, 2) == second
    assert [e.number for e in service.public_history(db, sid, now=at)] == [2, 1]
    assert [e.number for e in service.public_history(db, sid, now=utcnow())] == [1]
    # taken back: the first edition is public for good again
    service.unschedule(db, actor=w.spokesperson, statement_id=sid)
    assert edition(db, sid, 1).superseded_at is None
    assert service.public_edition(db, sid, now=at + timedelta(days=1)) == edition(db, sid, 1)


def test_a_past_time_cannot_be_scheduled(w: World, db: Session) -> None:
    st = approved(w)
    sid = st.id or 0
    err = refused(
        ValidationFailed,
        service.publish,
        session=db,
        actor=w.spokesperson,
        statement_id=sid,
        at=utcnow() - timedelta(minutes=1),
    )
    assert set(err.errors) == {"publish_at"}
    db.refresh(st)
    assert edition(db, sid).state == E.APPROVED and st.number is None


def test_an_ended_embargo_cannot_be_taken_back(w: World, db: Session) -> None:
    st = w.issued(at=soon())
    sid = st.id or 0
    ed = edition(db, sid)
    ed.publish_at = utcnow() - timedelta(seconds=1)
    db.add(ed)
    db.commit()
    refused(Conflict, service.unschedule, session=db, actor=w.spokesperson, statement_id=sid)


def test_publish_due_marks_due_editions_published_exactly_once(w: World, db: Session) -> None:
    at = soon(30)
    due = w.issued(at=at)
    later = w.issued(at=soon(90))
    before = actions(db).count("statement.published")
    assert service.publish_due(db, now=at - timedelta(seconds=1)) == []
    done = service.publish_due(db, now=at)
    assert done == [edition(db, due.id or 0).id]
    assert service.publish_due(db, now=at) == []
    assert edition(db, due.id or 0).state == E.PUBLISHED
    assert edition(db, later.id or 0).state == E.SCHEDULED
    assert actions(db).count("statement.published") == before + 1
    row = db.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert row is not None and row.actor_role == "system:scheduler"


def test_the_background_task_wakes_when_the_next_embargo_ends(w: World, db: Session) -> None:
    """Announcements wait for it: it sleeps until the next embargo, not a whole interval."""
    from app.statements import scheduler

    engine = db.get_bind()
    assert isinstance(engine, Engine)
    done, following = scheduler.run_once(engine)
    assert done == [] and following is None  # nothing waiting: the interval applies
    st = w.issued(at=soon(20))
    done, following = scheduler.run_once(engine)
    assert done == [] and following is not None and 19 * 60 < following <= 20 * 60
    db.refresh(st)
    assert st.number is None


def test_publish_due_from_two_sessions_records_each_edition_once(w: World, db: Session) -> None:
    at = soon(30)
    made = [w.issued(at=at) for _ in range(3)]
    engine = db.get_bind()
    barrier = threading.Barrier(2)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with Session(engine) as session:
                barrier.wait(timeout=10)
                results.append(service.publish_due(session, now=at + timedelta(seconds=1)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    recorded = sorted(i for r in results for i in r)
    assert recorded == sorted(edition(db, st.id or 0).id or 0 for st in made)
    assert actions(db).count("statement.published") == 3
    with Session(engine) as third:
        assert service.publish_due(third, now=at + timedelta(seconds=2)) == []


# --- Withdrawal ----------------------------------------------------------------------------------


def test_withdrawal_needs_the_right_and_a_reason(w: World, db: Session) -> None:
    st = w.issued()
    sid = st.id or 0
    refused(Forbidden, service.withdraw, session=db, actor=w.editor, statement_id=sid, reason="Sai")
    err = refused(
        ValidationFailed,
        service.withdraw,
        session=db,
        actor=w.spokesperson,
        statement_id=sid,
        reason="  ",
    )
    assert set(err.errors) == {"reason"}
    done = service.withdraw(db, actor=w.approver, statement_id=sid, reason="Đã thay thế")
    assert done.withdrawn_at is not None and done.withdrawn_by == w.approver_user.id
    assert service.public_edition(db, sid, now=utcnow()) is not None  # the page stays
    refused(
        Conflict, service.withdraw, session=db, actor=w.approver, statement_id=sid, reason="Lần hai"
    )
    refused(Conflict, service.new_edition, session=db, actor=w.editor, statement_id=sid)


def test_a_draft_cannot_be_withdrawn(w: World, db: Session) -> None:
    st = w.draft()
    refused(
        Conflict,
        service.withdraw,
        session=db,
        actor=w.spokesperson,
        statement_id=st.id or 0,
        reason="Không",
    )


# --- Texts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x7f"])
def test_control_characters_are_refused(w: World, db: Session, bad: str) -> None:
    err = refused(
        ValidationFailed,
        service.create,
        session=db,
        actor=w.editor,
        data=w.input(title=f"Thông cáo{bad}"),
    )
    assert set(err.errors) == {"title"}
    err = refused(
        ValidationFailed,
        service.create,
        session=db,
        actor=w.editor,
        data=w.input(body=f"Dòng một\n\tDòng hai{bad}"),
    )
    assert set(err.errors) == {"body"}
    st = w.draft(body="Dòng một\r\n\tDòng hai")  # line breaks and tabs are text
    err = refused(
        ValidationFailed,
        service.save_translation,
        session=db,
        actor=w.editor,
        statement_id=st.id or 0,
        language="en",
        title=f"T{bad}",
        summary="",
        body="B",
    )
    assert set(err.errors) == {"title"}
    assert db.exec(select(Statement)).all() == [st]


def test_missing_fields_are_named(w: World, db: Session) -> None:
    err = refused(
        ValidationFailed,
        service.create,
        session=db,
        actor=w.editor,
        data=service.StatementInput(None, None, None, "  "),
    )
    assert {"title", "body", "kind", "organisation_id"} <= set(err.errors)


# --- The audit trail and public changes ----------------------------------------------------------


def test_every_step_is_audited(w: World, db: Session) -> None:
    st = w.draft()
    sid = st.id or 0
    service.update(db, actor=w.editor, statement_id=sid, data=w.input(title="Sửa"))
    service.save_translation(
        db, actor=w.editor, statement_id=sid, language="en", title="T", summary="", body="B"
    )
    service.submit(db, actor=w.editor, statement_id=sid)
    service.return_to_draft(db, actor=w.editor, statement_id=sid)
    service.submit(db, actor=w.editor, statement_id=sid)
    service.approve(db, actor=w.spokesperson, statement_id=sid)
    service.publish(db, actor=w.spokesperson, statement_id=sid, at=soon())
    service.unschedule(db, actor=w.spokesperson, statement_id=sid)
    service.publish(db, actor=w.spokesperson, statement_id=sid)
    service.new_edition(db, actor=w.editor, statement_id=sid)
    service.discard(db, actor=w.editor, statement_id=sid)
    service.withdraw(db, actor=w.spokesperson, statement_id=sid, reason="Thay thế")
    assert actions(db) == [
        "statement.created",
        "statement.edited",
        "statement.translated",
        "statement.submitted",
        "statement.returned",
        "statement.submitted",
        "statement.approved",
        "statement.scheduled",
        "statement.unscheduled",
        "statement.published",
        "statement.new_edition",
        "statement.discarded",
        "statement.withdrawn",
    ]
    rows = db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    approved_row = next(r for r in rows if r.action == "statement.approved")
    assert approved_row.actor_user_id == w.spokesperson_user.id
    published = next(r for r in rows if r.action == "statement.published")
    assert "1/TCBC-UBND" in published.summary
    withdrawn = rows[-1]
    assert withdrawn.object_type == "statement" and withdrawn.object_id == str(sid)


def test_changes_to_public_pages_are_marked(
    w: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    marked: list[str] = []
    original = visibility.mark_public_change

    def spy(session: Session) -> None:
        marked.append("x")
        original(session)

    monkeypatch.setattr(visibility, "mark_public_change", spy)
    st = w.draft()
    sid = st.id or 0
    service.submit(db, actor=w.editor, statement_id=sid)
    service.approve(db, actor=w.spokesperson, statement_id=sid)
    assert marked == []  # nothing public yet
    service.publish(db, actor=w.spokesperson, statement_id=sid, at=soon())
    assert len(marked) == 1
    service.unschedule(db, actor=w.spokesperson, statement_id=sid)
    service.publish(db, actor=w.spokesperson, statement_id=sid)
    assert service.public_edition(db, sid, now=utcnow()) is not None
    service.withdraw(db, actor=w.spokesperson, statement_id=sid, reason="Thay thế")
    assert len(marked) == 4
    later = w.issued(at=soon())
    assert len(marked) == 5
    service.publish_due(db, now=soon(5))
    assert len(marked) == 5  # nothing was due
    service.publish_due(db, now=soon(60))
    assert len(marked) == 6
    assert edition(db, later.id or 0).state == E.PUBLISHED


# --- Folding for search ------------------------------------------------------------------------------


def test_folding_makes_accents_and_d_bar_optional() -> None:
    assert search.fold("Đà Nẵng") == "da nang"
    assert search.fold("ĐƯỜNG VÀNH ĐAI") == "duong vanh dai"
    assert search.words("Hạ Long, Quảng Ninh!") == ["ha", "long", "quang", "ninh"]
    assert search.document("Đà Nẵng", "", "1/TCBC-UBND") == "da nang 1 tcbc ubnd"


def test_terms_drop_punctuation_duplicates_and_excess() -> None:
    assert search.terms("!!! ,,, ??? «» …") == []
    assert search.terms("") == []
    assert search.terms("Đà Nẵng đà nẵng DA NANG") == ["da", "nang"]
    many = " ".join(f"w{i}" for i in range(30))
    assert len(search.terms(many)) == search.MAX_TERMS
    assert search.terms("x" * 1000) == ["x" * search.MAX_QUERY]


def test_the_stored_search_text_has_the_number_and_the_translations(w: World, db: Session) -> None:
    st = w.issued(title="Bão ở Đà Nẵng", translations={"en": "Typhoon in Da Nang"})
    text = edition(db, st.id or 0).search_text
    for word in ("bao", "da", "nang", "typhoon", "1", "tcbc", "ubnd"):
        assert word in text.split()
    assert text == text.casefold() and "đ" not in text


def test_system_actors_count_as_the_office(w: World, db: Session) -> None:
    st = service.create(db, actor=SYSTEM, data=w.input())
    assert st.created_by is None


def test_a_new_editions_topics_reach_the_public_statement_only_when_it_is_issued(
    w: World, db: Session
) -> None:
    from app.statements.models import ChangeKind, Topic

    tourism, weather = (
        db.exec(select(Topic).where(Topic.code == code)).one().id
        for code in ("du-lich", "thien-tai")
    )
    st = w.issued(topic_ids=[tourism])
    sid = st.id or 0
    ed = service.new_edition(db, actor=w.editor, statement_id=sid)
    data = w.input(
        topic_ids=[weather],
        body=ed.body + " Đã cập nhật.",
        change_kind=ChangeKind.MAJOR,
        change_note="Bổ sung",
    )
    service.update(db, actor=w.editor, statement_id=sid, data=data)

    assert service.topic_ids(db, sid) == [tourism]  # the public statement is untouched
    assert service.draft_links(db, st, ed)["topic_ids"] == [weather]  # the draft carries it
    service.submit(db, actor=w.editor, statement_id=sid)
    service.approve(db, actor=w.spokesperson, statement_id=sid)
    assert service.topic_ids(db, sid) == [tourism]
    service.publish(db, actor=w.spokesperson, statement_id=sid)
    assert service.topic_ids(db, sid) == [weather]
