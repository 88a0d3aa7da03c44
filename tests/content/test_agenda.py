"""The agenda builder on the database (no HTTP): typed items and items taken from accepted
content, their order, and what removing one does to the content it came from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.briefings.models import AgendaItem, Briefing
from app.content import agenda
from app.content.models import ContentCall, Submission, SubmissionStatus
from app.errors import Conflict, NotFound, ValidationFailed
from app.orgs.models import Organisation
from tests.factories import make_briefing, make_call, make_org, make_submission, make_user

S = SubmissionStatus


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.email, user.role.value, user.organisation_id, "203.0.113.7")


@contextmanager
def fresh(db: Session) -> Iterator[Session]:
    with Session(db.get_bind()) as other:
        yield other


def stored_items(db: Session, briefing_id: int) -> list[tuple[int, str, str, int | None]]:
    """(position, title, presenter, minutes) as committed, in order."""
    with fresh(db) as s:
        rows = s.exec(
            select(AgendaItem)
            .where(AgendaItem.briefing_id == briefing_id)
            .order_by(col(AgendaItem.position))
        ).all()
        return [(r.position, r.title, r.presenter, r.minutes) for r in rows]


def status_of(db: Session, sub: Submission) -> SubmissionStatus:
    with fresh(db) as s:
        row = s.get(Submission, sub.id)
        assert row is not None
        return row.status


def events(db: Session, action: str) -> list[AuditEvent]:
    with fresh(db) as s:
        return list(
            s.exec(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            ).all()
        )


@dataclass
class Room:
    db: Session
    office: Actor
    briefing: Briefing
    call: ContentCall
    org: Organisation

    @property
    def bid(self) -> int:
        return self.briefing.id or 0

    def add(self, **kw: Any) -> AgendaItem:
        return agenda.add(self.db, actor=self.office, briefing_id=self.bid, **kw)

    def typed(self, *titles: str) -> list[AgendaItem]:
        return [self.add(title=t, presenter="Người phát ngôn", minutes=10) for t in titles]

    def accepted(self, org: Organisation | None = None, **over: Any) -> Submission:
        return make_submission(
            self.db, self.call, org or make_org(self.db), status=S.ACCEPTED, **over
        )

    def order(self) -> list[str]:
        return [title for _pos, title, _p, _m in stored_items(self.db, self.bid)]

    def positions(self) -> list[int]:
        return [pos for pos, *_ in stored_items(self.db, self.bid)]


@pytest.fixture
def room(db: Session) -> Room:
    org = make_org(db, name_vi="Sở Giao thông Vận tải", name_en="Department of Transport")
    briefing = make_briefing(db, days_ahead=10)
    return Room(
        db=db,
        office=actor_for(make_user(db, Role.PRESS_OFFICE)),
        briefing=briefing,
        call=make_call(db, briefing=briefing, orgs=[org]),
        org=org,
    )


# --- Adding --------------------------------------------------------------------------------------


def test_office_adds_typed_items_at_the_end(room: Room) -> None:
    first = room.add(title="  Khai mạc  ", presenter=" Chánh Văn phòng ", minutes=5)
    second = room.add(title="Hỏi đáp", minutes_raw="")

    assert stored_items(room.db, room.bid) == [
        (0, "Khai mạc", "Chánh Văn phòng", 5),
        (1, "Hỏi đáp", "", None),
    ]
    assert first.submission_id is None and second.submission_id is None
    added = events(room.db, "agenda_item.added")
    assert [e.object_id for e in added] == [str(first.id), str(second.id)]
    assert all(e.actor_user_id == room.office.user_id for e in added)


def test_accepted_content_becomes_an_item_named_after_it_and_its_organisation(
    room: Room,
) -> None:
    sub = room.accepted(room.org, title="Tiến độ cao tốc Bắc – Nam")
    item = room.add(submission_id=sub.id, minutes=15)

    assert stored_items(room.db, room.bid) == [
        (0, "Tiến độ cao tốc Bắc – Nam", "Sở Giao thông Vận tải", 15)
    ]
    assert item.submission_id == sub.id
    assert status_of(room.db, sub) == S.INCLUDED
    assert agenda.accepted_not_in_agenda(room.db, room.bid) == []


def test_office_may_rename_an_item_taken_from_content(room: Room) -> None:
    sub = room.accepted(room.org)
    room.add(submission_id=sub.id, title="Giao thông dịp Tết", presenter="Phó Giám đốc Sở")
    assert stored_items(room.db, room.bid) == [(0, "Giao thông dịp Tết", "Phó Giám đốc Sở", None)]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"title": "Mục", "presenter": "p" * 201}, "presenter"),
        ({"title": "Mục", "minutes": 0}, "minutes"),
        ({"title": "Mục", "minutes": 601}, "minutes"),
        ({"title": "Mục", "minutes": -5}, "minutes"),
        ({"title": "Mục", "minutes": None, "minutes_raw": "mười"}, "minutes"),
    ],
)
def test_agenda_item_mistakes_are_refused(room: Room, kw: dict[str, Any], field: str) -> None:
    room.typed("Khai mạc")
    with pytest.raises(ValidationFailed) as exc:
        room.add(**kw)
    assert field in exc.value.errors
    room.db.rollback()
    assert room.order() == ["Khai mạc"]
    assert len(events(room.db, "agenda_item.added")) == 1


@pytest.mark.parametrize("minutes", [1, 600])
def test_minutes_from_1_to_600_are_accepted(room: Room, minutes: int) -> None:
    room.add(title="Mục", minutes=minutes)
    assert stored_items(room.db, room.bid) == [(0, "Mục", "", minutes)]


def test_a_mistake_in_an_item_from_content_leaves_the_content_accepted(room: Room) -> None:
    sub = room.accepted(room.org)
    with pytest.raises(ValidationFailed):
        room.add(submission_id=sub.id, minutes=0)
    room.db.rollback()
    assert status_of(room.db, sub) == S.ACCEPTED
    assert room.order() == []


def test_content_of_another_briefings_call_cannot_be_added(room: Room) -> None:
    other_call = make_call(room.db, orgs=[room.org])  # a call for another briefing
    sub = make_submission(room.db, other_call, room.org, status=S.ACCEPTED)
    with pytest.raises(NotFound):
        room.add(submission_id=sub.id)
    room.db.rollback()
    assert status_of(room.db, sub) == S.ACCEPTED
    assert room.order() == []


def test_unknown_content_or_briefing_is_not_found(room: Room) -> None:
    with pytest.raises(NotFound):
        room.add(submission_id=999_999)
    with pytest.raises(NotFound):
        agenda.add(room.db, actor=room.office, briefing_id=999_999, title="Mục")
    assert room.order() == []


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.WITHDRAWN, S.INCLUDED])
def test_only_accepted_content_can_be_added(room: Room, status: SubmissionStatus) -> None:
    sub = make_submission(room.db, room.call, room.org, status=status)
    with pytest.raises(Conflict):
        room.add(submission_id=sub.id)
    room.db.rollback()
    assert status_of(room.db, sub) == status
    assert room.order() == []


def test_the_same_content_cannot_be_added_twice(room: Room) -> None:
    sub = room.accepted(room.org)
    room.add(submission_id=sub.id)
    with pytest.raises(Conflict):
        room.add(submission_id=sub.id)
    room.db.rollback()
    assert len(room.order()) == 1


def test_accepted_content_waiting_for_the_agenda(room: Room) -> None:
    waiting = room.accepted()
    added = room.accepted()
    make_submission(room.db, room.call, make_org(room.db), status=S.SUBMITTED)
    other_briefing = make_call(room.db, orgs=[room.org])
    make_submission(room.db, other_briefing, room.org, status=S.ACCEPTED)
    room.add(submission_id=added.id)
    assert [s.id for s in agenda.accepted_not_in_agenda(room.db, room.bid)] == [waiting.id]


# --- Order ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "to", "expected"),
    [
        ("D", 0, ["D", "A", "B", "C"]),
        ("A", 3, ["B", "C", "D", "A"]),
        ("B", 2, ["A", "C", "B", "D"]),
        ("C", 1, ["A", "C", "B", "D"]),
        ("A", 99, ["B", "C", "D", "A"]),  # past the end: last
        ("D", -3, ["D", "A", "B", "C"]),  # before the start: first
        ("C", -1, ["C", "A", "B", "D"]),
        ("B", 1, ["A", "B", "C", "D"]),  # where it already is
    ],
)
def test_office_moves_an_item_and_the_others_are_renumbered(
    room: Room, which: str, to: int, expected: list[str]
) -> None:
    items = {i.title: i for i in room.typed("A", "B", "C", "D")}
    agenda.move(
        room.db, actor=room.office, briefing_id=room.bid, item_id=items[which].id or 0, to=to
    )
    assert room.order() == expected
    assert room.positions() == [0, 1, 2, 3]
    [event] = events(room.db, "agenda_item.moved")
    assert event.object_id == str(items[which].id)


def test_an_item_of_another_briefing_cannot_be_moved_changed_or_removed(room: Room) -> None:
    [mine] = room.typed("Của họp báo này")
    other = make_briefing(room.db, days_ahead=20)
    [theirs] = [agenda.add(room.db, actor=room.office, briefing_id=other.id or 0, title="Khác")]
    for call in (
        lambda: agenda.move(
            room.db, actor=room.office, briefing_id=room.bid, item_id=theirs.id or 0, to=0
        ),
        lambda: agenda.update(
            room.db,
            actor=room.office,
            briefing_id=room.bid,
            item_id=theirs.id or 0,
            title="Sửa",
            presenter="",
            minutes=None,
        ),
        lambda: agenda.remove(
            room.db, actor=room.office, briefing_id=room.bid, item_id=theirs.id or 0
        ),
    ):
        with pytest.raises(NotFound):
            call()
    room.db.rollback()
    assert stored_items(room.db, other.id or 0) == [(0, "Khác", "", None)]
    assert room.order() == [mine.title]


def test_office_edits_an_item(room: Room) -> None:
    [item] = room.typed("Khai mạc")
    agenda.update(
        room.db,
        actor=room.office,
        briefing_id=room.bid,
        item_id=item.id or 0,
        title=" Phát biểu khai mạc ",
        presenter="Người phát ngôn",
        minutes=7,
    )
    assert stored_items(room.db, room.bid) == [(0, "Phát biểu khai mạc", "Người phát ngôn", 7)]
    with pytest.raises(ValidationFailed):
        agenda.update(
            room.db,
            actor=room.office,
            briefing_id=room.bid,
            item_id=item.id or 0,
            title="",
            presenter="",
            minutes=7,
        )
    room.db.rollback()
    assert room.order() == ["Phát biểu khai mạc"]
    assert len(events(room.db, "agenda_item.updated")) == 1


def test_total_minutes_counts_items_without_minutes_as_zero(room: Room) -> None:
    room.add(title="A", minutes=10)
    room.add(title="B")
    room.add(title="C", minutes=25)
    assert agenda.total_minutes(agenda.items(room.db, room.bid)) == 35


# --- Removing ---------------------------------------------------------------------------------


def test_removing_an_item_renumbers_the_rest_and_sends_its_content_back_to_accepted(
    room: Room,
) -> None:
    sub = room.accepted(room.org, title="Nội dung của Sở")
    room.typed("Khai mạc")
    from_content = room.add(submission_id=sub.id)
    room.typed("Hỏi đáp", "Bế mạc")

    agenda.remove(room.db, actor=room.office, briefing_id=room.bid, item_id=from_content.id or 0)

    assert room.order() == ["Khai mạc", "Hỏi đáp", "Bế mạc"]
    assert room.positions() == [0, 1, 2]
    assert status_of(room.db, sub) == S.ACCEPTED
    assert [s.id for s in agenda.accepted_not_in_agenda(room.db, room.bid)] == [sub.id]
    [event] = events(room.db, "agenda_item.removed")
    assert event.object_id == str(from_content.id)

    room.add(submission_id=sub.id)  # and it may be added again, at the end
    assert room.order() == ["Khai mạc", "Hỏi đáp", "Bế mạc", "Nội dung của Sở"]
    assert status_of(room.db, sub) == S.INCLUDED


def test_removing_a_typed_item_touches_no_content(room: Room) -> None:
    sub = room.accepted(room.org)
    room.add(submission_id=sub.id)
    [typed] = room.typed("Khai mạc")
    agenda.remove(room.db, actor=room.office, briefing_id=room.bid, item_id=typed.id or 0)
    assert room.positions() == [0]
    assert status_of(room.db, sub) == S.INCLUDED
