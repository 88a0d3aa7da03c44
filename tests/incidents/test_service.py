"""Sudden matters through their services, on both databases: the law of the clock's day, the
on-time rule at the minute, first information from each kind of link, the correction flag,
opening from a question, links, closing, the audit rows and what the yearly report reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.briefings.models import BriefingStatus
from app.errors import Conflict, NotFound, ValidationFailed
from app.incidents import queries, service
from app.incidents.clock import Verdict
from app.incidents.models import LinkKind, Matter, MatterLink, MatterOrganisation
from app.incidents.service import CorrectionInput, MatterInput
from app.questions.models import QuestionStatus
from app.statements.models import StatementKind
from app.timeutil import utcnow
from tests.factories import make_org
from tests.incidents.support import (
    OFFICE,
    agency,
    at,
    body,
    briefing,
    matter,
    question,
    statement,
)

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")


def link(db: Session, m: Matter, kind: str, ref: object) -> None:
    service.link(db, actor=OFFICE, matter_id=m.id or 0, kind=kind, ref=str(ref))


def errors_of(db: Session, **data: object) -> dict[str, object]:
    with pytest.raises(ValidationFailed) as caught:
        service.create(db, actor=OFFICE, data=MatterInput(**data))  # type: ignore[arg-type]
    return dict(caught.value.errors)


def matters_stored(db: Session) -> int:
    return len(db.exec(select(Matter)).all())


# --- The on-time rule ------------------------------------------------------------------------


def test_art7_3_opened_at_10_is_on_time_with_a_statement_at_0959_next_day_and_late_at_1001(
    db: Session,
) -> None:
    early = matter(db, at(date(2026, 12, 2), 10))
    late = matter(db, at(date(2026, 12, 2), 10))
    link(db, early, "statement", statement(db, at(date(2026, 12, 3), 9, 59)).id)
    link(db, late, "statement", statement(db, at(date(2026, 12, 3), 10, 1)).id)

    on_time, past = queries.views(db, [early, late])

    assert early.due_at == at(date(2026, 12, 3), 10)
    assert on_time.verdict == Verdict.ON_TIME and on_time.on_time
    assert past.verdict == Verdict.LATE and not past.on_time
    assert past.first_info_at == at(date(2026, 12, 3), 10, 1)


def test_a_matter_without_information_past_its_due_time_is_late_and_first_on_the_board(
    db: Session,
) -> None:
    running = matter(db, utcnow() - timedelta(hours=3))
    waiting = matter(db, utcnow() - timedelta(hours=30))
    informed = matter(db, utcnow() - timedelta(hours=40))
    link(db, informed, "statement", statement(db, utcnow() - timedelta(hours=39)).id)

    board = queries.board(db)

    assert [v.id for v in board.open] == [waiting.id, running.id, informed.id]
    assert [v.id for v in board.late] == [waiting.id]
    assert board.open[0].verdict == Verdict.LATE
    assert board.open[1].verdict == Verdict.RUNNING


# --- The law of the clock's day ----------------------------------------------------------------


def test_a_matter_of_30_6_2026_takes_an_art6_kind_and_one_of_1_7_2026_an_art7_kind(
    db: Session,
) -> None:
    june = matter(db, at(date(2026, 6, 30), 23, 59), "art6")
    july = matter(db, at(date(2026, 7, 1), 0, 0), "art7_3")

    assert (june.kind, june.ruleset) == ("art6", "decree09-2017")
    assert (july.kind, july.ruleset) == ("art7_3", "decree244-2026")
    assert june.due_at == at(date(2026, 7, 1), 23, 59)
    wrong = errors_of(db, kind="art7_3", title="Bão", clock_started_at=at(date(2026, 6, 30)))
    assert set(wrong) == {"kind"}
    assert errors_of(
        db, kind="art6", title="Bão", clock_started_at=at(date(2026, 7, 1))
    ).keys() == {"kind"}
    assert matters_stored(db) == 2


def test_kinds_without_a_time_limit_have_no_due_time(db: Session) -> None:
    several = matter(db, at(date(2026, 11, 2)), "art7_2")
    asked = matter(db, at(date(2026, 11, 2)), "art7_5")
    assert several.due_at is None and asked.due_at is None
    assert queries.view(db, several.id or 0).verdict == Verdict.WAITING


def test_bad_input_is_refused_beside_each_field_and_nothing_is_stored(db: Session) -> None:
    future = errors_of(
        db, kind="art7_3", title="X", clock_started_at=utcnow() + timedelta(minutes=5)
    )
    assert set(future) == {"clock_started_at"}
    before = errors_of(db, kind="art6", title="X", clock_started_at=at(date(2017, 3, 29)))
    assert set(before) == {"clock_started_at"}
    assert "30/03/2017" in before["clock_started_at"].render("en")  # type: ignore[attr-defined]
    assert set(errors_of(db, kind="art7_3", title="X")) == {"clock_started_at"}
    start = at(date(2026, 12, 1))
    assert set(errors_of(db, kind="", title="X", clock_started_at=start)) == {"kind"}
    assert set(errors_of(db, kind="art9", title="X", clock_started_at=start)) == {"kind"}
    assert set(errors_of(db, kind="art7_3", title="  ", clock_started_at=start)) == {"title"}
    assert set(errors_of(db, kind="art7_3", title="x" * 301, clock_started_at=start)) == {"title"}
    assert set(errors_of(db, kind="art7_3", title="A\x00B", clock_started_at=start)) == {"title"}
    assert set(errors_of(db, kind="art7_3", title="A", summary="\x07", clock_started_at=start)) == {
        "summary"
    }
    press = agency(db)
    assert set(
        errors_of(db, kind="art7_3", title="A", clock_started_at=start, organisation_ids=[press.id])
    ) == {"organisation_ids"}
    assert matters_stored(db) == 0


def test_a_title_of_300_characters_is_taken(db: Session) -> None:
    assert len(matter(db, at(date(2026, 12, 1)), title="Đ" * 300).title) == 300


def test_the_organisations_are_state_bodies_in_force_on_the_clock_day(db: Session) -> None:
    dept = body(db)
    later = make_org(db, valid_from=date(2026, 12, 3))
    start = at(date(2026, 12, 1))
    m = matter(db, start, organisation_ids=[dept.id, dept.id])
    assert queries.organisation_ids(db, m.id or 0) == [dept.id]
    assert set(
        errors_of(db, kind="art7_3", title="A", clock_started_at=start, organisation_ids=[later.id])
    ) == {"organisation_ids"}


# --- First information from each kind of link --------------------------------------------------


def test_first_information_comes_from_the_earliest_statement_answer_or_held_briefing(
    db: Session,
) -> None:
    start = at(date(2026, 12, 1), 8)
    m = matter(db, start)
    link(db, m, "statement", statement(db, at(date(2026, 12, 2), 9)).id)
    assert queries.view(db, m.id or 0).first_info_at == at(date(2026, 12, 2), 9)
    link(db, m, "question", question(db, answered_at=at(date(2026, 12, 1), 20)).id)
    assert queries.view(db, m.id or 0).first_info_at == at(date(2026, 12, 1), 20)
    link(db, m, "briefing", briefing(db, at(date(2026, 12, 1), 15), BriefingStatus.HELD).id)
    shown = queries.view(db, m.id or 0)
    assert shown.first_info_at == at(date(2026, 12, 1), 15) and shown.on_time
    kinds = [lk.kind for lk in queries.links(db, m.id or 0)]
    assert kinds == [LinkKind.STATEMENT, LinkKind.QUESTION, LinkKind.BRIEFING]


def test_what_has_not_informed_the_press_yet_gives_no_first_information(db: Session) -> None:
    m = matter(db, at(date(2026, 12, 3), 20))
    link(db, m, "statement", statement(db, utcnow() + timedelta(hours=2)).id)  # under embargo
    link(db, m, "statement", statement(db, None).id)  # a draft
    withdrawn_early = statement(
        db, utcnow() - timedelta(hours=1), withdrawn_at=utcnow() - timedelta(hours=2)
    )
    link(db, m, "statement", withdrawn_early.id)
    link(db, m, "question", question(db).id)  # being answered
    refused = question(db, answered_at=utcnow() - timedelta(hours=1), status=QuestionStatus.REFUSED)
    link(db, m, "question", refused.id)
    link(
        db, m, "briefing", briefing(db, utcnow() - timedelta(hours=1), BriefingStatus.ANNOUNCED).id
    )
    link(
        db, m, "briefing", briefing(db, utcnow() - timedelta(hours=1), BriefingStatus.CANCELLED).id
    )

    shown = queries.view(db, m.id or 0)

    assert shown.first_info_at is None and shown.verdict == Verdict.RUNNING
    assert all(lk.informed_at is None for lk in queries.links(db, m.id or 0))


def test_a_statement_withdrawn_after_its_publication_still_informed(db: Session) -> None:
    m = matter(db, at(date(2026, 12, 3), 8))
    published = at(date(2026, 12, 3), 12)
    link(
        db, m, "statement", statement(db, published, withdrawn_at=published + timedelta(hours=3)).id
    )
    assert queries.view(db, m.id or 0).first_info_at == published


# --- Links -------------------------------------------------------------------------------------


def test_a_statement_is_linked_by_its_number_and_links_are_checked(db: Session) -> None:
    m = matter(db, at(date(2026, 12, 3), 8))
    st = statement(db, at(date(2026, 12, 3), 9), number="15/TCBC-UBND")
    link(db, m, "statement", "15/TCBC-UBND")
    assert [(lk.kind, lk.object_id, lk.number) for lk in queries.links(db, m.id or 0)] == [
        (LinkKind.STATEMENT, st.id, "15/TCBC-UBND")
    ]
    statement(db, at(date(2025, 3, 1)), number="7/TCBC-UBND")
    statement(db, at(date(2026, 3, 1)), number="7/TCBC-UBND")
    for kind, ref in (
        ("statement", "15/TCBC-UBND"),  # already linked
        ("statement", "7/TCBC-UBND"),  # one a year: give the id
        ("statement", "99/TCBC-UBND"),
        ("question", "12345"),
        ("briefing", "abc"),
        ("question", ""),
    ):
        with pytest.raises(ValidationFailed) as caught:
            link(db, m, kind, ref)
        assert set(caught.value.errors) == {"ref"}, (kind, ref)
    with pytest.raises(ValidationFailed) as caught:
        link(db, m, "press_release", "1")
    assert set(caught.value.errors) == {"link_kind"}
    service.unlink(db, actor=OFFICE, matter_id=m.id or 0, kind="statement", object_id=st.id)
    assert queries.links(db, m.id or 0) == []
    with pytest.raises(NotFound):
        service.unlink(db, actor=OFFICE, matter_id=m.id or 0, kind="statement", object_id=st.id)


def test_opening_from_a_question_links_it_and_its_answer_informs(db: Session) -> None:
    q = question(db, answered_at=at(date(2026, 12, 3), 15), text="Sự cố   tràn dầu\nở Cẩm Phả?")

    m = service.open_from_question(
        db,
        actor=OFFICE,
        question_id=q.id or 0,
        kind="art7_3",
        clock_started_at=at(date(2026, 12, 3), 8),
    )

    assert m.title == "Sự cố tràn dầu ở Cẩm Phả?"
    assert [(lk.kind, lk.object_id) for lk in db.exec(select(MatterLink)).all()] == [
        (LinkKind.QUESTION, q.id)
    ]
    assert queries.view(db, m.id or 0).verdict == Verdict.ON_TIME
    assert [x.id for x in queries.matters_linked_to(db, LinkKind.QUESTION, q.id or 0)] == [m.id]
    with pytest.raises(NotFound):
        service.open_from_question(
            db, actor=OFFICE, question_id=999, kind="art7_3", clock_started_at=utcnow()
        )
    with pytest.raises(ValidationFailed):
        service.open_from_question(
            db, actor=OFFICE, question_id=q.id or 0, kind="art7_3", clock_started_at=None
        )
    assert matters_stored(db) == 1


# --- False information and its correction ----------------------------------------------------


def press_matter(db: Session) -> Matter:
    return matter(
        db,
        at(date(2026, 11, 20)),
        "art7_6",
        agency_id=agency(db).id,
        article_title="Vịnh Hạ Long đóng cửa dài ngày",
        article_url="https://example.vn/bai",
        article_published_on=date(2026, 11, 19),
    )


def test_an_unpublished_correction_after_its_expected_date_is_flagged(db: Session) -> None:
    m = press_matter(db)
    mid = m.id or 0
    correction = CorrectionInput(expected_by=date(2026, 12, 4))
    service.record_correction(db, actor=OFFICE, matter_id=mid, data=correction)
    assert not queries.view(db, mid).correction_overdue  # the day itself is still in time
    service.record_correction(
        db, actor=OFFICE, matter_id=mid, data=CorrectionInput(expected_by=date(2026, 12, 3))
    )
    assert queries.view(db, mid).correction_overdue
    assert [v.id for v in queries.board(db).corrections_overdue] == [mid]
    service.record_correction(
        db,
        actor=OFFICE,
        matter_id=mid,
        data=CorrectionInput(
            expected_by=date(2026, 12, 3),
            published_at=at(date(2026, 12, 4), 8),
            url="https://example.vn/cai-chinh",
        ),
    )
    assert not queries.view(db, mid).correction_overdue
    assert queries.board(db).corrections_overdue == []


def test_a_correction_request_statement_counts_for_the_report(db: Session) -> None:
    m = press_matter(db)
    assert not queries.view(db, m.id or 0).correction_requested
    request = statement(db, at(date(2026, 11, 21)), kind=StatementKind.CORRECTION_REQUEST)
    link(db, m, "statement", request.id)
    shown = queries.view(db, m.id or 0)
    assert shown.correction_requested and shown.verdict == Verdict.INFORMED


def test_false_information_needs_the_agency_and_the_article(db: Session) -> None:
    start = at(date(2026, 11, 20))
    dept = body(db)
    wrong = errors_of(
        db,
        kind="art7_6",
        title="Tin sai",
        clock_started_at=start,
        agency_id=dept.id,
        article_url="javascript:alert(1)",
        article_published_on=date(2026, 12, 5),
    )
    assert set(wrong) == {"agency_id", "article_title", "article_url", "article_published_on"}
    m = matter(db, start, "art7_3", agency_id=dept.id, article_title="ignored")
    assert m.agency_id is None and m.article_title == ""
    with pytest.raises(Conflict):
        service.record_correction(db, actor=OFFICE, matter_id=m.id or 0, data=CorrectionInput())
    p = press_matter(db)
    with pytest.raises(ValidationFailed) as caught:
        service.record_correction(
            db,
            actor=OFFICE,
            matter_id=p.id or 0,
            data=CorrectionInput(published_at=utcnow() + timedelta(hours=1), url="ftp://x"),
        )
    assert set(caught.value.errors) == {"correction_published_at", "correction_url"}


# --- Editing, closing, the audit ----------------------------------------------------------------


def test_every_change_is_audited_and_a_closed_matter_is_changed_only_after_reopening(
    db: Session,
) -> None:
    dept = body(db)
    m = matter(db, at(date(2026, 12, 3), 8), organisation_ids=[dept.id])
    mid = m.id or 0
    st = statement(db, at(date(2026, 12, 3), 9))
    link(db, m, "statement", st.id)
    service.unlink(db, actor=OFFICE, matter_id=mid, kind="statement", object_id=st.id)
    service.update(
        db,
        actor=OFFICE,
        matter_id=mid,
        data=MatterInput(
            kind="art7_4", title="Dư luận trái chiều", clock_started_at=at(date(2026, 12, 3), 9)
        ),
        expected_revision=m.revision,
    )
    db.expire_all()
    stored = db.get(Matter, mid)
    assert stored is not None and stored.kind == "art7_4"
    assert stored.due_at == at(date(2026, 12, 4), 9)
    assert db.exec(select(MatterOrganisation)).all() == []
    service.close(db, actor=OFFICE, matter_id=mid, note="Đã thông tin.")
    with pytest.raises(Conflict):
        link(db, m, "statement", st.id)
    with pytest.raises(Conflict):
        service.close(db, actor=OFFICE, matter_id=mid, note="")
    service.reopen(db, actor=OFFICE, matter_id=mid)
    with pytest.raises(Conflict):  # a form read before the last change
        service.update(
            db,
            actor=OFFICE,
            matter_id=mid,
            data=MatterInput(kind="art7_3", title="X", clock_started_at=at(date(2026, 12, 3))),
            expected_revision=0,
        )

    actions = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "sudden_matter", AuditEvent.object_id == str(mid))
        .order_by(col(AuditEvent.id))
    ).all()
    assert actions == [
        "sudden_matter.opened",
        "sudden_matter.linked",
        "sudden_matter.unlinked",
        "sudden_matter.updated",
        "sudden_matter.closed",
        "sudden_matter.reopened",
    ]


def test_an_unknown_matter_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        queries.view(db, 404)
    with pytest.raises(NotFound):
        service.close(db, actor=OFFICE, matter_id=404, note="")


# --- What the yearly report reads -----------------------------------------------------------


def test_the_report_counts_matters_by_the_local_day_their_clock_started(db: Session) -> None:
    edge = matter(db, at(date(2025, 12, 15), 0, 0), "art6")  # 17:00 UTC the day before
    timed = matter(db, at(date(2026, 7, 2)), "art7_3")
    link(db, timed, "statement", statement(db, at(date(2026, 7, 2), 20)).id)
    late = matter(db, at(date(2026, 8, 2)), "art7_4")
    press = press_matter(db)
    link(
        db,
        press,
        "statement",
        statement(db, at(date(2026, 11, 21)), kind=StatementKind.CORRECTION_REQUEST).id,
    )
    matter(db, at(date(2025, 12, 14), 23, 59), "art6")  # the previous reporting year

    items = service.report_items(db, date(2025, 12, 15), date(2026, 12, 14))

    assert [i.id for i in items] == [edge.id, timed.id, late.id, press.id]
    by_id = {i.id: i for i in items}
    assert by_id[timed.id].on_time and by_id[timed.id].informed
    assert not by_id[late.id].on_time and not by_id[late.id].informed
    assert by_id[press.id].correction_requested and not by_id[press.id].has_time_limit
    assert by_id[edge.id].day == date(2025, 12, 15) and by_id[edge.id].ruleset == "decree09-2017"
    assert service.count_between(db, date(2025, 12, 15), date(2026, 12, 14)) == 4
    assert (
        service.count_between(db, date(2026, 1, 1), date(2026, 12, 31), kinds=["art7_3", "art7_4"])
        == 2
    )
    assert [v.id for v in service.list_between(db, date(2026, 8, 1), date(2026, 8, 31))] == [
        late.id
    ]
