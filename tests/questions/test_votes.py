"""The live mode reachable and voted on: journalists' up-votes of the questions the moderator let
into the queue (once each, never their own, only in the queue, only during the live window, only
verified journalists, CSRF, audit, with and without HTMX), the counts and positions the phone page
shows, the votes on the moderator's screen (the order unchanged), the links to the live pages
(office and public briefing pages, dashboards) for the right people only, the room display's QR
code and the demo's votes.

Every test runs on SQLite and on PostgreSQL. Pages are read in English (the message ids).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import segno
from sqlmodel import Session, col, select

from app.accounts.models import Role, UserStatus
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.briefings.models import Briefing, BriefingStatus
from app.demo import seed_demo
from app.errors import Conflict, Forbidden, NotFound
from app.questions import service
from app.questions.models import LiveState, Question, QuestionVote
from app.questions.web.live_common import qr_svg
from app.timeutil import utcnow
from tests.conftest import WebClient
from tests.factories import make_briefing
from tests.questions.test_live import (
    HTMX,
    NewWeb,
    Room,
    fresh,
    item_of,
    live_briefing,
    make_room,
    sign_in,
    text_of,
    version_of,
)

L = LiveState


# --- Helpers -------------------------------------------------------------------------------------


@pytest.fixture
def room(db: Session, new_web: NewWeb) -> Room:
    return make_room(db, new_web)


def vote_url(room: Room, question_id: int | None) -> str:
    return f"{room.phone_url}/{question_id}/vote"


def votes_of(db: Session, question_id: int | None) -> list[QuestionVote]:
    db.expire_all()
    return list(db.exec(select(QuestionVote).where(QuestionVote.question_id == question_id)).all())


def audit_of(db: Session, action: str, question_id: int | None) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.exec(
            select(AuditEvent).where(
                AuditEvent.action == action, AuditEvent.object_id == str(question_id)
            )
        ).all()
    )


def allowed(room: Room, db: Session, web: WebClient, *texts: str) -> list[Question]:
    """Questions sent from the room by `web`'s journalist and allowed by the moderator."""
    out = []
    for text in texts:
        assert room.send(text, web).status_code == 303
        q = db.exec(select(Question).where(Question.text == text)).one()
        assert room.act(q.id, "allow", text=text).status_code == 303
        out.append(q)
    return out


def board_of(html: str) -> str:
    found = re.search(r'<section id="live-board".*?</section>', html, re.S)
    assert found is not None, "no #live-board"
    return found.group(0)


def board_item(html: str, question_id: int | None) -> str:
    found = re.search(
        rf'<li class="live-board-item[^"]*" id="live-board-{question_id}"(.*?)</li>', html, re.S
    )
    assert found is not None, f"no board entry for #{question_id}"
    return found.group(0)


def journalist_actor(web_user: Any) -> Actor:
    return Actor(web_user.id, web_user.email, web_user.role.value, web_user.organisation_id, None)


# --- Voting --------------------------------------------------------------------------------------


def test_a_journalist_votes_once_for_an_allowed_question_and_can_take_it_back(
    room: Room, db: Session
) -> None:
    (theirs,) = allowed(room, db, room.other, "Câu của đồng nghiệp?")

    r = room.journalist.post(vote_url(room, theirs.id), {"up": "1"})
    assert r.status_code == 303 and r.headers["location"] == room.phone_url
    assert [v.user_id for v in votes_of(db, theirs.id)] == [room.journalist_user.id]
    (event,) = audit_of(db, "question.voted", theirs.id)
    assert event.actor_user_id == room.journalist_user.id and event.object_type == "question"
    assert "Your vote has been counted." in text_of(room.journalist.get(room.phone_url).text)

    # Voting again (a double tap, a second tab) keeps one vote and writes nothing more.
    assert room.journalist.post(vote_url(room, theirs.id), {"up": "1"}).status_code == 303
    assert len(votes_of(db, theirs.id)) == 1
    assert len(audit_of(db, "question.voted", theirs.id)) == 1

    # Taken back, then given again.
    assert room.journalist.post(vote_url(room, theirs.id), {"up": "0"}).status_code == 303
    assert votes_of(db, theirs.id) == []
    assert len(audit_of(db, "question.unvoted", theirs.id)) == 1
    assert room.journalist.post(vote_url(room, theirs.id), {"up": "0"}).status_code == 303
    assert len(audit_of(db, "question.unvoted", theirs.id)) == 1  # nothing to take back
    assert room.journalist.post(vote_url(room, theirs.id), {"up": "1"}).status_code == 303
    assert len(votes_of(db, theirs.id)) == 1


def test_the_unique_constraint_keeps_one_vote_per_journalist_and_question(
    room: Room, db: Session
) -> None:
    (theirs,) = allowed(room, db, room.other, "Câu hỏi?")
    db.add(QuestionVote(question_id=theirs.id or 0, user_id=room.journalist_user.id or 0))
    db.commit()
    db.add(QuestionVote(question_id=theirs.id or 0, user_id=room.journalist_user.id or 0))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        db.commit()
    db.rollback()
    assert len(votes_of(db, theirs.id)) == 1


def test_a_journalist_cannot_vote_for_their_own_question(room: Room, db: Session) -> None:
    (mine,) = allowed(room, db, room.journalist, "Câu của tôi?")

    r = room.journalist.post(vote_url(room, mine.id), {"up": "1"})
    assert r.status_code == 303
    assert "You cannot vote for your own question." in text_of(
        room.journalist.get(room.phone_url).text
    )
    r = room.journalist.post(vote_url(room, mine.id), {"up": "1"}, headers=HTMX)
    assert r.status_code == 409
    assert r.text.lstrip().startswith('<section id="live-board"')
    assert "You cannot vote for your own question." in text_of(r.text)
    with pytest.raises(Conflict):
        service.vote(
            db,
            actor=journalist_actor(room.journalist_user),
            briefing_id=room.briefing.id or 0,
            question_id=mine.id or 0,
        )
    assert votes_of(db, mine.id) == []
    assert audit_of(db, "question.voted", mine.id) == []


def test_only_questions_in_the_public_queue_can_be_voted_for(room: Room, db: Session) -> None:
    waiting, dismissed, current = allowed(room, db, room.other, "Chờ?", "Bỏ?", "Đang trả lời?")
    assert room.send("Chưa duyệt?", room.other).status_code == 303
    pending = db.exec(select(Question).where(Question.text == "Chưa duyệt?")).one()
    room.act(dismissed.id, "dismiss")
    room.act(current.id, "move", to="0")
    room.next()  # `current` is answered now
    assert fresh(db, current.id).live_state == L.CURRENT
    elsewhere = live_briefing(db)

    # Not let in by the moderator (pending, dismissed), unknown, or of another briefing: 404.
    for question_id in (pending.id, dismissed.id, 999999):
        assert room.journalist.post(vote_url(room, question_id)).status_code == 404
    r = room.journalist.post(f"/briefings/{elsewhere.id}/live/{waiting.id}/vote")
    assert r.status_code == 404
    # Being answered already: no longer waiting, refused with a reason.
    r = room.journalist.post(vote_url(room, current.id), headers=HTMX)
    assert r.status_code == 409
    assert "no longer waiting in the queue" in text_of(r.text)
    assert db.exec(select(QuestionVote)).all() == []
    assert room.journalist.post(vote_url(room, waiting.id)).status_code == 303
    assert len(votes_of(db, waiting.id)) == 1


def test_votes_are_refused_outside_the_live_window(room: Room, db: Session) -> None:
    (theirs,) = allowed(room, db, room.other, "Câu hỏi?")
    briefing = db.get(Briefing, room.briefing.id)
    assert briefing is not None
    briefing.starts_at = utcnow() + timedelta(days=2)  # moved: not taking questions now
    briefing.ends_at = briefing.starts_at + timedelta(minutes=90)
    db.add(briefing)
    db.commit()

    r = room.journalist.post(vote_url(room, theirs.id))
    assert r.status_code == 303 and r.headers["location"] == room.phone_url
    page = room.journalist.get(room.phone_url).text
    assert "This briefing is not taking questions from the room now." in text_of(page)
    assert 'class="live-vote-form"' not in page  # no button outside the window
    assert room.journalist.post(vote_url(room, theirs.id), headers=HTMX).status_code == 409
    assert votes_of(db, theirs.id) == []


def test_only_verified_journalists_vote(room: Room, db: Session, new_web: NewWeb) -> None:
    (theirs,) = allowed(room, db, room.other, "Câu hỏi?")
    pending = new_web()
    pending_user = sign_in(pending, db, Role.JOURNALIST, status=UserStatus.PENDING)
    department = new_web()
    sign_in(department, db, Role.DEPARTMENT)
    for web in (pending, room.office, department):
        assert web.post(vote_url(room, theirs.id)).status_code == 403
        assert web.get(f"{room.phone_url}/queue").status_code == 403
    anonymous = room.new_web()
    r = anonymous.post(vote_url(room, theirs.id))
    assert r.status_code in (303, 403)  # no session: the login page, or no CSRF cookie yet
    r = anonymous.get(f"{room.phone_url}/queue")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    # The service says the same on its own.
    for actor in (
        journalist_actor(pending_user),
        Actor(None, None, Role.PRESS_OFFICE.value, None, None),
        Actor(None, None, None, None, None),
    ):
        with pytest.raises(Forbidden):
            service.vote(
                db, actor=actor, briefing_id=room.briefing.id or 0, question_id=theirs.id or 0
            )
    assert votes_of(db, theirs.id) == []


def test_a_vote_without_the_csrf_token_is_refused(room: Room, db: Session) -> None:
    (theirs,) = allowed(room, db, room.other, "Câu hỏi?")
    r = room.journalist.post(vote_url(room, theirs.id), {"up": "1"}, csrf=False)
    assert r.status_code == 403
    r = room.journalist.post(vote_url(room, theirs.id), {"up": "1", "csrf_token": "x" * 43})
    assert r.status_code == 403
    assert votes_of(db, theirs.id) == []
    # The header HTMX sends is enough.
    token = room.journalist.csrf()
    r = room.journalist.client.post(
        vote_url(room, theirs.id), data={"up": "1"}, headers={**HTMX, "X-CSRF-Token": token}
    )
    assert r.status_code == 200
    assert len(votes_of(db, theirs.id)) == 1


def test_a_vote_not_in_a_briefing_announced_is_not_found(room: Room, db: Session) -> None:
    hidden = make_briefing(db, announced=False)
    assert room.journalist.post(f"/briefings/{hidden.id}/live/1/vote").status_code == 404
    with pytest.raises(NotFound):
        service.vote(
            db,
            actor=journalist_actor(room.journalist_user),
            briefing_id=hidden.id or 0,
            question_id=1,
        )


# --- What the journalist's page shows ------------------------------------------------------------


def test_the_phone_page_shows_the_queue_with_votes_and_the_places_of_ones_own_questions(
    room: Room, db: Session, new_web: NewWeb
) -> None:
    first, second = allowed(room, db, room.other, "Câu thứ nhất?", "Câu thứ hai?")
    (mine,) = allowed(room, db, room.journalist, "Câu của tôi?")
    assert room.send("Câu chưa duyệt?", room.other).status_code == 303
    third = new_web()
    sign_in(third, db, Role.JOURNALIST)
    for web in (room.journalist, third):
        assert web.post(vote_url(room, second.id)).status_code == 303
    assert third.post(vote_url(room, mine.id)).status_code == 303

    page = room.journalist.get(room.phone_url).text
    board = board_of(page)
    positions = re.findall(r'id="live-board-(\d+)" data-id="\d+" data-position="(\d+)"', board)
    assert positions == [(str(first.id), "1"), (str(second.id), "2"), (str(mine.id), "3")]
    assert 'data-votes="0"' in board_item(board, first.id)
    assert 'data-votes="2"' in board_item(board, second.id)
    assert "2 votes" in text_of(board_item(board, second.id))
    assert "You voted for it" in text_of(board_item(board, second.id))
    assert 'name="up" value="0"' in board_item(board, second.id)  # take it back
    assert 'name="up" value="1"' in board_item(board, first.id)
    own = board_item(board, mine.id)
    assert "Your question" in text_of(own) and "live-vote-form" not in own
    assert "Câu chưa duyệt?" not in page  # others' questions only once let in
    mine_block = page[page.index('id="live-mine"') : page.index('id="live-board"')]
    assert "Place in the queue: 3 of 3" in text_of(mine_block)
    assert "1 vote" in text_of(mine_block)

    # The moderator moves it up: the place follows.
    room.act(mine.id, "move", to="0")
    page = room.journalist.get(room.phone_url).text
    assert "Place in the queue: 1 of 3" in text_of(page)


def test_a_vote_with_htmx_swaps_the_queue_and_the_queue_polls_cheaply(
    room: Room, db: Session, new_web: NewWeb
) -> None:
    (theirs,) = allowed(room, db, room.other, "Câu hỏi?")
    page = room.journalist.get(room.phone_url).text
    shown = version_of(page, "live-board")
    poll = f"{room.phone_url}/queue?v={shown}"
    assert room.journalist.get(poll, headers=HTMX).status_code == 204

    r = room.journalist.post(vote_url(room, theirs.id), headers=HTMX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="live-board"')
    assert "Your vote has been counted." in text_of(r.text)
    assert 'data-votes="1"' in board_item(r.text, theirs.id)

    # Another journalist's page learns of the vote at its next poll.
    r = room.other.get(poll, headers=HTMX)
    assert r.status_code == 200 and 'data-votes="1"' in board_item(r.text, theirs.id)
    etag = r.headers["etag"]
    assert room.other.get(poll, headers={**HTMX, "If-None-Match": etag}).status_code == 304
    # Without HTMX the queue's address is the whole page.
    assert 'id="live-ask"' in room.other.get(f"{room.phone_url}/queue").text


# --- The moderator's screen ----------------------------------------------------------------------


def test_the_moderator_sees_the_votes_beside_each_question_and_the_order_stays(
    room: Room, db: Session
) -> None:
    first, second = allowed(room, db, room.other, "Câu một?", "Câu hai?")
    page = room.office.get(room.office_url).text
    shown = version_of(page)
    assert 'data-votes="0"' in item_of(page, second.id)

    assert room.journalist.post(vote_url(room, second.id)).status_code == 303

    r = room.office.get(f"{room.office_url}?v={shown}", headers=HTMX)
    assert r.status_code == 200  # the poll brings the vote
    assert 'data-votes="1"' in item_of(r.text, second.id)
    assert "1 vote" in text_of(item_of(r.text, second.id))
    order = re.findall(r'id="live-q-(\d+)"', r.text)
    assert order.index(str(first.id)) < order.index(str(second.id))  # not reordered
    assert [q.id for q in service.live_queue(db, room.briefing.id or 0)] == [first.id, second.id]


# --- Links to the live pages ---------------------------------------------------------------------


def test_the_office_briefing_page_links_to_the_moderator_screen_and_the_display(
    room: Room, db: Session
) -> None:
    page = room.office.get(f"/office/briefings/{room.briefing.id}").text
    assert f'href="/office/briefings/{room.briefing.id}/live"' in page
    assert f'href="/briefings/{room.briefing.id}/display"' in page
    assert "Live now" in text_of(page)

    later = make_briefing(db, announced=False, days_ahead=5)
    page = room.office.get(f"/office/briefings/{later.id}").text
    assert f'href="/office/briefings/{later.id}/live"' in page
    assert f'href="/briefings/{later.id}/display"' not in page  # not public yet: no display
    assert "Live now" not in text_of(page)

    cancelled = make_briefing(db, announced=True, status=BriefingStatus.CANCELLED)
    page = room.office.get(f"/office/briefings/{cancelled.id}").text
    assert f'href="/office/briefings/{cancelled.id}/live"' not in page


def test_the_public_briefing_page_links_verified_journalists_to_the_live_page_while_live(
    room: Room, db: Session, new_web: NewWeb
) -> None:
    url = f"/briefings/{room.briefing.id}"
    link = f'href="/briefings/{room.briefing.id}/live"'
    assert link in room.journalist.get(url).text

    pending = new_web()
    sign_in(pending, db, Role.JOURNALIST, status=UserStatus.PENDING)
    for web in (pending, room.office, room.new_web()):
        assert link not in web.get(url).text

    later = make_briefing(db, announced=True, days_ahead=3)
    assert (
        f'href="/briefings/{later.id}/live"'
        not in room.journalist.get(f"/briefings/{later.id}").text
    )


def test_the_dashboards_show_a_live_now_card_for_the_role_only_while_live(
    room: Room, db: Session, new_web: NewWeb
) -> None:
    bid = room.briefing.id
    office = room.office.get("/dashboard").text
    assert 'id="live-now"' in office
    assert f'href="/office/briefings/{bid}/live"' in office
    assert f'href="/briefings/{bid}/display"' in office
    journalist = room.journalist.get("/dashboard").text
    assert 'id="live-now"' in journalist and f'href="/briefings/{bid}/live"' in journalist
    assert f'href="/office/briefings/{bid}/live"' not in journalist

    department = new_web()
    sign_in(department, db, Role.DEPARTMENT)
    pending = new_web()
    sign_in(pending, db, Role.JOURNALIST, status=UserStatus.PENDING)
    for web in (department, pending):
        assert 'id="live-now"' not in web.get("/dashboard").text

    # A briefing not announced is live for the office only.
    hidden = live_briefing(db, announced_at=None, status=BriefingStatus.PLANNED)
    assert f'href="/office/briefings/{hidden.id}/live"' in room.office.get("/dashboard").text
    assert f"/briefings/{hidden.id}/live" not in room.journalist.get("/dashboard").text

    # Once the window has passed, the card is gone.
    for b in (room.briefing, hidden):
        row = db.get(Briefing, b.id)
        assert row is not None
        row.starts_at = utcnow() - timedelta(hours=5)
        row.ends_at = utcnow() - timedelta(hours=3)
        db.add(row)
    db.commit()
    assert 'id="live-now"' not in room.office.get("/dashboard").text
    assert 'id="live-now"' not in room.journalist.get("/dashboard").text


# --- The room's display --------------------------------------------------------------------------


def test_the_display_shows_a_qr_code_of_the_phone_page_its_address_and_the_next_question(
    room: Room, db: Session, app: Any
) -> None:
    _now, next_q, later_q = allowed(room, db, room.other, "Câu bây giờ?", "Câu kế?", "Câu sau?")
    room.next()
    screen = room.screen()
    # The address comes from PUBLIC_BASE_URL, never from the Host the display's browser used.
    r = screen.get(room.display_url, headers={"Host": "elsewhere.example"})
    assert r.status_code == 200
    expected = app.state.settings.absolute_url(f"/briefings/{room.briefing.id}/live")
    assert expected == f"http://testserver/briefings/{room.briefing.id}/live"
    svg = re.search(r'<svg viewBox="[^"]+" class="display-qr-code">.*?</svg>', r.text, re.S)
    assert svg is not None
    assert svg.group(0) == str(qr_svg(expected))
    # The same path data as segno's own encoding of the address (and not of another one).
    paths = re.findall(r' d="([^"]+)"', svg.group(0))
    reference = segno.make(expected, error="m", micro=False).svg_inline(scale=1, border=4)
    assert paths[-1] == re.findall(r' d="([^"]+)"', reference)[-1]
    other = segno.make(expected.replace("testserver", "elsewhere.example"), error="m")
    assert paths[-1] != re.findall(r' d="([^"]+)"', other.svg_inline(scale=1, border=4))[-1]
    assert f"testserver/briefings/{room.briefing.id}/live" in text_of(r.text).replace(" ", "")
    # The question answered now, and the next one; not the one after.
    found = re.search(r'<blockquote class="display-question[^"]*"[^>]*>(.*?)</blockquote>', r.text)
    assert found is not None and found.group(1).strip() == "Câu bây giờ?"
    assert re.search(rf'class="display-next" data-id="{next_q.id}"', r.text)
    assert "Câu kế?" in r.text and "Câu sau?" not in r.text
    assert later_q.id is not None

    # The polled part changes when the next question changes.
    shown = version_of(r.text, "display-screen")
    assert screen.get(f"{room.display_url}?v={shown}", headers=HTMX).status_code == 204
    room.act(later_q.id, "move", to="1")  # before `next_q`
    r = screen.get(f"{room.display_url}?v={shown}", headers=HTMX)
    assert r.status_code == 200 and "Câu sau?" in r.text and "Câu kế?" not in r.text


# --- The demo ------------------------------------------------------------------------------------


def test_the_demo_gives_votes_to_questions_of_the_briefing_held_once(
    db: Session, settings: Any, new_web: NewWeb
) -> None:
    first = seed_demo(db, settings)
    second = seed_demo(db, settings)
    assert first.votes_added == 2 and second.votes_added == 0
    db.expire_all()
    votes = db.exec(select(QuestionVote)).all()
    assert len(votes) == 2
    questions = db.exec(
        select(Question).where(col(Question.id).in_([v.question_id for v in votes]))
    ).all()
    (briefing_id,) = {q.briefing_id for q in questions}
    assert all(q.live_state == L.ANSWERED and q.journalist_id is None for q in questions)

    office = new_web()
    office.client.cookies.set("pd_lang", "en")
    password = dict((d.email, p) for d, p in first.created)["vanphong@demo.pressdesk.vn"]
    assert office.login("vanphong@demo.pressdesk.vn", password).status_code == 303
    page = office.get(f"/office/briefings/{briefing_id}/live").text
    for q in questions:
        assert 'data-votes="1"' in item_of(page, q.id)
