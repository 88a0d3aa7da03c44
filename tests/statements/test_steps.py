"""One way along the workflow for the pages and the API (`service.take_step`) and one answer to
"what can be done now" (`service.offered`), through the service (no HTTP). Every test runs on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.errors import Conflict, Forbidden, ValidationFailed
from app.statements import service, states
from app.statements.models import (
    Compliance,
    Edition,
    EditionState,
    Statement,
    StatementKind,
)
from app.statements.states import StatementStep, Step
from tests.factories import make_user
from tests.statements.helpers import World, soon
from tests.support import actor_of

E = EditionState
S = StatementStep


@pytest.fixture
def w(db: Session) -> World:
    return World(db)


def states_of(db: Session, statement_id: int) -> list[EditionState]:
    db.expire_all()
    rows = db.exec(
        select(Edition).where(Edition.statement_id == statement_id).order_by(col(Edition.number))
    ).all()
    return [e.state for e in rows]


def take(w: World, statement_id: int, step: states.AnyStep, **data: object) -> Edition | None:
    actor = w.spokesperson if step in (Step.APPROVE, S.WITHDRAW) else w.editor
    return service.take_step(
        w.db,
        actor=actor,
        id=statement_id,
        step=step,
        data=service.StepData(**data),  # type: ignore[arg-type]
    )


# --- take_step ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step", [Step.APPROVE, Step.PUBLISH, Step.RETURN, Step.UNSCHEDULE, S.NEW_EDITION]
)
def test_take_step_refuses_a_step_the_draft_does_not_allow_with_409(
    w: World, db: Session, step: states.AnyStep
) -> None:
    sid = w.draft().id or 0
    with pytest.raises(Conflict) as caught:
        take(w, sid, step)
    assert caught.value.status == 409
    db.rollback()
    assert states_of(db, sid) == [E.DRAFT]


def test_take_step_walks_the_table_and_returns_the_edition_shown(w: World, db: Session) -> None:
    sid = w.draft().id or 0
    for step, state in [
        (Step.SUBMIT, E.SUBMITTED),
        (Step.APPROVE, E.APPROVED),
        (Step.SCHEDULE, E.SCHEDULED),
        (Step.UNSCHEDULE, E.APPROVED),
        (Step.PUBLISH, E.PUBLISHED),
    ]:
        ed = take(w, sid, step, publish_at=soon() if step == Step.SCHEDULE else None)
        assert ed is not None and ed.state == state, step
    assert states_of(db, sid) == [E.PUBLISHED]
    ed = take(w, sid, S.NEW_EDITION)
    assert ed is not None and ed.number == 2 and ed.state == E.DRAFT
    ed = take(w, sid, S.DISCARD)
    assert ed is not None and ed.number == 1  # the public edition is shown again
    ed = take(w, sid, S.WITHDRAW, reason="Thay thế bằng thông cáo khác")
    assert ed is not None and ed.number == 1
    assert db.get(Statement, sid) is not None


def test_take_step_keeps_the_rules_of_each_step(w: World, db: Session) -> None:
    sid = w.draft().id or 0
    take(w, sid, Step.SUBMIT)
    with pytest.raises(Conflict):  # a stale revision
        take(w, sid, Step.APPROVE, revision=-1)
    with pytest.raises(Forbidden):  # the author approves
        service.take_step(db, actor=w.editor, id=sid, step=Step.APPROVE)
    take(w, sid, Step.APPROVE)
    with pytest.raises(ValidationFailed) as caught:  # scheduling needs its time
        take(w, sid, Step.SCHEDULE)
    assert set(caught.value.errors) == {"publish_at"}
    assert states_of(db, sid) == [E.APPROVED]


def test_discarding_the_first_edition_returns_none_and_the_statement_is_gone(
    w: World, db: Session
) -> None:
    sid = w.draft().id or 0
    assert take(w, sid, S.DISCARD) is None
    db.expire_all()
    assert db.get(Statement, sid) is None


def test_compliance_is_checked_then_recorded(w: World, db: Session) -> None:
    st = w.issued(
        kind=StatementKind.CORRECTION_REQUEST,
        target_agency_name="Báo điện tử (thử)",
        article_title="Bài báo sai sự thật",
    )
    sid = st.id or 0
    with pytest.raises(ValidationFailed) as caught:
        take(w, sid, S.COMPLIANCE, compliance="maybe")
    assert set(caught.value.errors) == {"compliance"}
    take(w, sid, S.COMPLIANCE, compliance=Compliance.COMPLIED.value)
    db.expire_all()
    assert db.get(Statement, sid).compliance == Compliance.COMPLIED  # type: ignore[union-attr]


def test_a_step_name_from_a_path_is_known_or_none() -> None:
    assert states.parse_step("submit") == Step.SUBMIT
    assert states.parse_step("new-edition") == S.NEW_EDITION
    assert states.parse_step("delete") is None
    assert states.done(Step.SUBMIT) == "The edition has been submitted for review."


# --- offered --------------------------------------------------------------------------------------


def test_a_draft_offers_submit_and_discard(w: World, db: Session) -> None:
    st = w.draft()
    offer = service.offered(db, st, actor=w.editor)
    assert offer.steps == [Step.SUBMIT] and offer.statement_steps == [S.DISCARD]
    assert offer.current is not None and offer.current == offer.working
    assert not offer.compliance and not offer.may_approve


def test_approval_is_offered_to_everyone_but_only_some_may_approve(w: World, db: Session) -> None:
    st = w.draft()
    service.submit(db, actor=w.editor, statement_id=st.id or 0)
    assert service.offered(db, st, actor=w.editor).steps == [Step.RETURN, Step.APPROVE]
    assert service.offered(db, st, actor=w.approver).may_approve
    assert service.offered(db, st, actor=w.spokesperson).may_approve
    other = actor_of(make_user(db, Role.PRESS_OFFICE))
    assert not service.offered(db, st, actor=other).may_approve
    assert not service.offered(db, st).may_approve  # no actor: the API's steps


def test_a_published_statement_offers_a_new_edition_and_withdrawal(w: World, db: Session) -> None:
    st = w.issued()
    offer = service.offered(db, st, actor=w.spokesperson)
    assert offer.steps == [] and offer.working is None
    assert offer.statement_steps == [S.NEW_EDITION, S.WITHDRAW]
    assert offer.current is not None and offer.current.state == E.PUBLISHED


def test_a_scheduled_statement_offers_unschedule_and_withdrawal(w: World, db: Session) -> None:
    st = w.issued(at=soon())
    offer = service.offered(db, st)
    assert offer.steps == [Step.UNSCHEDULE] and offer.statement_steps == [S.WITHDRAW]


def test_a_new_edition_in_preparation_offers_discard_and_withdrawal(w: World, db: Session) -> None:
    st = w.issued()
    service.new_edition(db, actor=w.editor, statement_id=st.id or 0)
    offer = service.offered(db, st)
    assert offer.steps == [Step.SUBMIT]
    assert offer.statement_steps == [S.DISCARD, S.WITHDRAW]
    assert offer.current is not None and offer.current.number == 2


def test_a_withdrawn_statement_offers_nothing(w: World, db: Session) -> None:
    st = w.issued()
    service.withdraw(db, actor=w.spokesperson, statement_id=st.id or 0, reason="Phát hành nhầm")
    db.refresh(st)
    offer = service.offered(db, st)
    assert offer.steps == [] and offer.statement_steps == []


def test_the_press_agencys_response_is_offered_once_a_request_is_issued(
    w: World, db: Session
) -> None:
    facts: dict[str, Any] = {
        "kind": StatementKind.CORRECTION_REQUEST,
        "target_agency_name": "Báo điện tử (thử)",
        "article_title": "Bài báo sai sự thật",
    }
    assert not service.offered(db, w.draft(**facts)).compliance
    assert service.offered(db, w.issued(**facts)).compliance
    assert not service.offered(db, w.issued()).compliance
