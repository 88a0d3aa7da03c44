"""The live briefing over HTTP: the moderator's screen and its actions (allow with the wording
edited, dismiss, up and down, merge, next question, a question asked aloud) and what they do to
the order; the polled fragments (a new question appears, 204 and 304 while nothing changed);
the journalist's phone page (send, errors beside the field, 429, only one's own questions, the
page when the briefing is not live); the room's display (only the current question); who may
use what; and escaping.

Every test runs on SQLite and on PostgreSQL. Pages are read in English (the message ids).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit.service import Actor
from app.briefings.models import Briefing
from app.errors import Conflict
from app.orgs.models import Organisation, OrgKind
from app.questions import service
from app.questions.models import Channel, LiveState, Question, QuestionStatus
from app.timeutil import utcnow
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_briefing, make_org, make_user

L = LiveState
SYSTEM = Actor.system("test")
HTMX = {"HX-Request": "true"}
SCRIPT = '<script>alert("x")</script><b>bold</b>'
NewWeb = Callable[[], WebClient]


# --- Helpers -------------------------------------------------------------------------------------


def text_of(html: str) -> str:
    return htmllib.unescape(page_text(html))


def sign_in(web: WebClient, db: Session, role: Role, **over: Any) -> User:
    user = make_user(db, role=role, **over)
    web.client.cookies.set("pd_lang", "en")
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return user


def live_briefing(db: Session, **over: Any) -> Briefing:
    """An announced briefing that started five minutes ago: it takes questions from the room."""
    now = utcnow()
    return make_briefing(
        db,
        announced=True,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=85),
        **over,
    )


def fresh(db: Session, question_id: int | None) -> Question:
    db.expire_all()
    q = db.get(Question, question_id)
    assert q is not None
    return q


def queue_of(db: Session, briefing: Briefing) -> list[Question]:
    db.expire_all()
    return service.live_queue(db, briefing.id or 0)


def in_state(db: Session, briefing: Briefing, state: LiveState) -> list[int | None]:
    return [q.id for q in queue_of(db, briefing) if q.live_state == state]


def version_of(html: str, element_id: str = "live-queue") -> str:
    found = re.search(rf'<[a-z]+ id="{element_id}"[^>]*\bdata-version="([^"]+)"', html)
    assert found is not None, f"no #{element_id} with a version"
    return found.group(1)


def item_of(html: str, question_id: int | None) -> str:
    """One question's entry on the moderator's screen."""
    found = re.search(
        rf'<li class="live-item live-item--(\w+)" id="live-q-{question_id}"(.*?)</li>', html, re.S
    )
    assert found is not None, f"no entry for #{question_id}"
    return found.group(0)


def group_of(html: str, state: str) -> str:
    found = re.search(
        rf'<section class="live-group live-group--{state}"(.*?)</section>', html, re.S
    )
    assert found is not None, f"no group {state}"
    return found.group(0)


def ids_in(html: str, state: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-id="(\d+)" data-state', group_of(html, state))]


def move_to(html: str, question_id: int | None, direction: str) -> str:
    """The `to` of the item's Up or Down form, as the page offers it."""
    found = re.search(
        rf'<input type="hidden" name="to" value="(\d+)"><button type="submit" '
        rf'id="live-{direction}-{question_id}"',
        item_of(html, question_id),
    )
    assert found is not None, f"no {direction} button for #{question_id}"
    return found.group(1)


@dataclass
class Room:
    briefing: Briefing
    agency: Organisation
    office: WebClient
    journalist: WebClient
    journalist_user: User
    other: WebClient  # another journalist
    new_web: NewWeb

    @property
    def office_url(self) -> str:
        return f"/office/briefings/{self.briefing.id}/live"

    @property
    def phone_url(self) -> str:
        return f"/briefings/{self.briefing.id}/live"

    @property
    def display_url(self) -> str:
        return f"/briefings/{self.briefing.id}/display"

    def send(self, text: str, web: WebClient | None = None, **kw: Any) -> Any:
        return (web or self.journalist).post(self.phone_url, {"text": text}, **kw)

    def act(self, question_id: int | None, action: str, **data: Any) -> Any:
        return self.office.post(f"{self.office_url}/{question_id}/{action}", data)

    def next(self, **kw: Any) -> Any:
        return self.office.post(f"{self.office_url}/next", **kw)

    def screen(self) -> WebClient:
        """The room's computer: nobody signed in, the page in English."""
        web = self.new_web()
        web.client.cookies.set("pd_lang", "en")
        return web


@pytest.fixture
def room(db: Session, new_web: NewWeb) -> Room:
    return make_room(db, new_web)


def make_room(db: Session, new_web: NewWeb) -> Room:
    """A live briefing, the office, a journalist of an agency and another journalist."""
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_en="Vietnam News Agency")
    office = new_web()
    sign_in(office, db, Role.PRESS_OFFICE)
    journalist = new_web()
    user = sign_in(journalist, db, Role.JOURNALIST, org=agency, full_name="Nguyễn Văn An")
    other = new_web()
    sign_in(other, db, Role.JOURNALIST, full_name="Lê Thị Bình")
    return Room(live_briefing(db), agency, office, journalist, user, other, new_web)


def sent(room: Room, db: Session, *texts: str) -> list[Question]:
    """Questions sent by the journalist from the room, in order."""
    out = []
    for text in texts:
        r = room.send(text)
        assert r.status_code == 303, r.text
        out.append(
            db.exec(
                select(Question).where(Question.text == text).order_by(col(Question.id).desc())
            ).first()
        )
    assert all(q is not None for q in out)
    return [q for q in out if q is not None]


# --- The moderator's screen --------------------------------------------------------------------------


def test_moderator_sees_each_question_with_asker_agency_time_and_text_grouped_by_state(
    room: Room, db: Session
) -> None:
    first, second = sent(room, db, "Dự án cảng Hòn Gai khi nào khởi công?", "Giá vé tham quan?")
    service.allow(db, actor=SYSTEM, briefing_id=room.briefing.id or 0, question_id=second.id or 0)

    r = room.office.get(room.office_url)

    assert r.status_code == 200
    assert ids_in(r.text, "pending") == [first.id]
    assert ids_in(r.text, "allowed") == [second.id]
    entry = text_of(item_of(r.text, first.id))
    assert "Waiting" in entry
    assert "Nguyễn Văn An" in entry and "Vietnam News Agency" in entry
    assert "Dự án cảng Hòn Gai khi nào khởi công?" in entry
    assert re.search(r"\b\d\d:\d\d\b", entry)  # the time it came in
    assert "Allowed" in text_of(item_of(r.text, second.id))
    # Every action is a plain form; the page has a refresh link and the big "Next" button.
    for action in ("allow", "dismiss", "merge"):
        assert f'action="{room.office_url}/{first.id}/{action}"' in r.text
    assert f'action="{room.office_url}/next"' in r.text
    assert f'<a href="{room.office_url}" id="live-refresh">' in r.text
    # The queue polls its own address every 2 seconds and swaps itself.
    queue = re.search(r'<div id="live-queue"[^>]*>', r.text)
    assert queue is not None
    assert f'hx-get="{room.office_url}?v=' in queue.group(0)
    assert 'hx-trigger="every 2s' in queue.group(0)
    assert 'hx-swap="outerHTML"' in queue.group(0)


def test_allow_with_edited_wording_keeps_the_original_and_shows_both(
    room: Room, db: Session
) -> None:
    (q,) = sent(room, db, "Xin hỏi   rất dài dòng về việc cấp phép xây dựng nhà ở riêng lẻ?")

    r = room.act(q.id, "allow", text="Về cấp phép xây nhà ở riêng lẻ?")

    assert r.status_code == 303
    assert r.headers["location"] == room.office_url
    row = fresh(db, q.id)
    assert row.live_state == L.ALLOWED
    assert row.text == "Về cấp phép xây nhà ở riêng lẻ?"
    assert row.original_text.startswith("Xin hỏi   rất dài dòng")
    page = room.office.get(room.office_url).text
    entry = text_of(item_of(page, q.id))
    assert "Về cấp phép xây nhà ở riêng lẻ?" in entry
    assert "As sent:" in entry and "rất dài dòng về việc cấp phép" in entry
    assert "Question #" in text_of(page) and "is allowed" in text_of(page)  # the flash


def test_allow_without_wording_change_and_with_empty_wording(room: Room, db: Session) -> None:
    (q,) = sent(room, db, "Câu hỏi giữ nguyên?")

    r = room.act(q.id, "allow", text="")
    assert r.status_code == 422
    assert "Write your question." in text_of(r.text)
    assert f'id="f-q{q.id}-text-error"' in r.text  # beside the field
    assert f'href="#f-q{q.id}-text"' in r.text  # and in the summary
    assert fresh(db, q.id).live_state == L.PENDING

    r = room.act(q.id, "allow", text="Câu hỏi giữ nguyên?")
    assert r.status_code == 303
    row = fresh(db, q.id)
    assert row.live_state == L.ALLOWED and row.original_text == ""


def test_actions_over_htmx_answer_the_queue_fragment_only(room: Room, db: Session) -> None:
    (q,) = sent(room, db, "Câu hỏi qua HTMX?")

    r = room.office.post(
        f"{room.office_url}/{q.id}/allow", {"text": "Câu hỏi qua HTMX?"}, headers=HTMX
    )

    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="live-queue"')
    assert "<html" not in r.text
    assert ids_in(r.text, "allowed") == [q.id]
    assert "is allowed" in text_of(r.text)
    assert r.headers.get("etag")

    r = room.office.post(f"{room.office_url}/{q.id}/allow", {"text": ""}, headers=HTMX)
    assert r.status_code == 422
    assert r.text.lstrip().startswith('<div id="live-queue"')
    assert "Write your question." in text_of(r.text)


def test_dismiss_and_allow_again(room: Room, db: Session) -> None:
    (q,) = sent(room, db, "Câu hỏi không phù hợp?")

    assert room.act(q.id, "dismiss").status_code == 303
    assert fresh(db, q.id).live_state == L.DISMISSED
    page = room.office.get(room.office_url).text
    assert ids_in(page, "dismissed") == [q.id]
    assert "Allow again" in item_of(page, q.id)

    assert "<textarea" not in item_of(page, q.id)  # a plain button, the wording unchanged

    assert room.act(q.id, "allow").status_code == 303
    row = fresh(db, q.id)
    assert row.live_state == L.ALLOWED and row.text == "Câu hỏi không phù hợp?"


def test_up_and_down_reorder_within_the_group_and_next_follows_that_order(
    room: Room, db: Session
) -> None:
    a, b, c = sent(room, db, "Câu A?", "Câu B?", "Câu C?")
    pending = sent(room, db, "Câu chờ?")[0]
    for q in (a, b, c):
        assert room.act(q.id, "allow", text=q.text).status_code == 303
    page = room.office.get(room.office_url).text
    assert ids_in(page, "allowed") == [a.id, b.id, c.id]
    assert "live-up" not in item_of(page, a.id)  # the first cannot go up
    assert "live-down" not in item_of(page, c.id)  # the last cannot go down
    assert "live-up" not in item_of(page, pending.id)  # alone in its group

    # C up (past B), then C up again (past A), then A down (past B).
    assert room.act(c.id, "move", to=move_to(page, c.id, "up")).status_code == 303
    page = room.office.get(room.office_url).text
    assert ids_in(page, "allowed") == [a.id, c.id, b.id]
    assert room.act(c.id, "move", to=move_to(page, c.id, "up")).status_code == 303
    page = room.office.get(room.office_url).text
    assert ids_in(page, "allowed") == [c.id, a.id, b.id]
    assert room.act(a.id, "move", to=move_to(page, a.id, "down")).status_code == 303
    page = room.office.get(room.office_url).text
    assert ids_in(page, "allowed") == [c.id, b.id, a.id]
    assert ids_in(page, "pending") == [pending.id]  # the other group did not move

    # "Next question" takes the allowed questions in that order; the pending one is skipped.
    assert room.next().status_code == 303
    assert in_state(db, room.briefing, L.CURRENT) == [c.id]
    assert room.next().status_code == 303
    assert in_state(db, room.briefing, L.CURRENT) == [b.id]
    assert in_state(db, room.briefing, L.ANSWERED) == [c.id]
    assert room.next().status_code == 303
    assert room.next().status_code == 303  # nothing allowed is left: the last one is done
    assert in_state(db, room.briefing, L.CURRENT) == []
    assert in_state(db, room.briefing, L.ANSWERED) == [c.id, b.id, a.id]  # queue order
    assert in_state(db, room.briefing, L.PENDING) == [pending.id]
    page = room.office.get(room.office_url).text
    assert "No allowed question is waiting" in text_of(page)
    assert ids_in(page, "answered") == [c.id, b.id, a.id]


def test_move_without_a_place_is_refused(room: Room, db: Session) -> None:
    (q,) = sent(room, db, "Câu hỏi?")
    r = room.act(q.id, "move", to="up")
    assert r.status_code == 422
    assert "Choose where to move the question." in text_of(r.text)


def test_merge_into_another_question_of_the_queue(room: Room, db: Session) -> None:
    first, same = sent(room, db, "Về ngập lụt ở Hạ Long?", "Hạ Long bị ngập thì xử lý sao?")
    page = room.office.get(room.office_url).text
    assert f'<option value="{first.id}">' in item_of(page, same.id)
    assert f'<option value="{same.id}">' not in item_of(page, same.id)  # not into itself

    r = room.act(same.id, "merge", into_id=str(first.id))

    assert r.status_code == 303
    row = fresh(db, same.id)
    assert row.status == QuestionStatus.MERGED and row.merged_into_id == first.id
    assert row.live_state == L.DISMISSED
    page = room.office.get(room.office_url).text
    assert ids_in(page, "dismissed") == [same.id]
    assert f"Merged into question #{first.id}." in text_of(item_of(page, same.id))
    assert "live-allow" not in item_of(page, same.id)  # a merged question is not allowed again
    # A merged question is no longer offered as a target.
    assert f'<option value="{same.id}">' not in item_of(page, first.id)


def test_merge_errors_and_questions_of_another_briefing(room: Room, db: Session) -> None:
    q, _other = sent(room, db, "Câu hỏi một?", "Câu hỏi hai?")
    r = room.act(q.id, "merge", into_id=str(q.id))
    assert r.status_code == 422
    assert "Choose another question to merge into." in text_of(r.text)
    assert f'<p class="error-text" id="f-q{q.id}-into_id-error">' in item_of(r.text, q.id)
    assert f'href="#f-q{q.id}-into_id"' in r.text
    assert fresh(db, q.id).status == QuestionStatus.NEW
    assert room.act(q.id, "merge", into_id="").status_code == 422

    other = live_briefing(db)
    r = room.office.post(f"/office/briefings/{other.id}/live/{q.id}/merge", {"into_id": str(q.id)})
    assert r.status_code == 404
    for action in ("allow", "dismiss", "move"):
        r = room.office.post(f"/office/briefings/{other.id}/live/{q.id}/{action}", {"to": "0"})
        assert r.status_code == 404, action


def test_allowing_the_current_question_is_a_conflict_shown_above_the_queue(
    room: Room, db: Session
) -> None:
    (q,) = sent(room, db, "Câu hỏi đang trả lời?")
    room.act(q.id, "allow", text=q.text)
    room.next()
    assert fresh(db, q.id).live_state == L.CURRENT

    r = room.office.post(f"{room.office_url}/{q.id}/allow", {"text": "Sửa?"}, headers=HTMX)
    assert r.status_code == 409
    assert r.text.lstrip().startswith('<div id="live-queue"')
    assert "already been put to the spokesperson" in text_of(r.text)
    assert room.act(q.id, "dismiss").status_code == 409
    assert fresh(db, q.id).text == "Câu hỏi đang trả lời?"
    page = room.office.get(room.office_url).text
    assert "live-allow" not in item_of(page, q.id)  # no edit form for the current question


def test_next_over_htmx_and_the_notice(room: Room, db: Session) -> None:
    r = room.next(headers=HTMX)
    assert r.status_code == 200
    assert "No allowed question is waiting" in text_of(r.text)
    (q,) = sent(room, db, "Câu hỏi tiếp?")
    room.act(q.id, "allow", text=q.text)
    r = room.next(headers=HTMX)
    assert ids_in(r.text, "current") == [q.id]
    assert f"Now: question #{q.id}." in text_of(r.text)


def test_next_sends_the_current_question_shown_so_a_double_press_skips_nothing(
    room: Room, db: Session
) -> None:
    first, second = sent(room, db, "Câu hỏi thứ nhất?", "Câu hỏi thứ hai?")
    room.act(first.id, "allow", text=first.text)
    room.act(second.id, "allow", text=second.text)
    page = room.office.get(room.office_url).text
    shown = re.search(r'name="current_id" form="live-next-form" value="(\d*)"', page)
    assert shown is not None and shown.group(1) == ""  # nothing current yet

    assert room.next(data={"current_id": ""}).status_code == 303
    r = room.next(data={"current_id": ""}, headers=HTMX)  # the same press, a second time

    assert r.status_code == 409
    assert "The current question had already changed" in text_of(r.text)
    assert ids_in(r.text, "current") == [first.id]
    assert fresh(db, second.id).live_state == L.ALLOWED
    assert f'name="current_id" form="live-next-form" value="{first.id}"' in r.text
    r = room.next(data={"current_id": str(first.id)}, headers=HTMX)
    assert ids_in(r.text, "current") == [second.id]


def test_next_pressed_on_two_screens_at_once_shows_a_message_in_the_queue(
    room: Room, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    (q,) = sent(room, db, "Câu hỏi?")
    room.act(q.id, "allow", text=q.text)

    def raced(*_args: Any, **_kw: Any) -> None:  # the other screen's change came first
        raise StaleDataError("question row changed meanwhile")

    monkeypatch.setattr(service, "next_question", raced)
    r = room.next(headers=HTMX)

    assert r.status_code == 409
    assert r.text.lstrip().startswith('<div id="live-queue"')
    assert "Someone else changed the queue at the same moment" in text_of(r.text)
    assert ids_in(r.text, "allowed") == [q.id]


def test_office_records_a_question_asked_aloud_into_the_queue(room: Room, db: Session) -> None:
    (q,) = sent(room, db, "Câu hỏi gửi từ điện thoại?")

    r = room.office.post(
        f"{room.office_url}/record",
        {
            "text": "Hỏi trực tiếp tại hội trường?",
            "asker_name": "Phạm Minh",
            "agency_id": str(room.agency.id),
        },
    )

    assert r.status_code == 303
    spoken = db.exec(select(Question).where(Question.text == "Hỏi trực tiếp tại hội trường?")).one()
    assert spoken.channel == Channel.BRIEFING and spoken.briefing_id == room.briefing.id
    assert spoken.live_state == L.ALLOWED  # asked aloud: the moderator heard it already
    assert [x.id for x in queue_of(db, room.briefing)] == [q.id, spoken.id]  # at the end
    page = room.office.get(room.office_url).text
    entry = text_of(item_of(page, spoken.id))
    assert "Phạm Minh" in entry and "Vietnam News Agency" in entry
    assert "added to the queue" in text_of(page)


def test_recording_aloud_shows_errors_beside_the_fields(room: Room, db: Session) -> None:
    r = room.office.post(f"{room.office_url}/record", {"text": "", "asker_name": ""})
    assert r.status_code == 422
    assert '<p class="error-text" id="f-text-error">' in r.text
    assert '<p class="error-text" id="f-asker_name-error">' in r.text
    assert "Enter the journalist's name." in text_of(r.text)

    r = room.office.post(
        f"{room.office_url}/record",
        {"text": "Hỏi?", "asker_name": "", "agency_name": "Báo Hạ Long"},
        headers=HTMX,
    )
    assert r.status_code == 422
    assert r.text.lstrip().startswith('<section id="live-record"')
    assert 'value="Báo Hạ Long"' in r.text  # what was typed stays

    r = room.office.post(
        f"{room.office_url}/record",
        {"text": "Hỏi?", "asker_name": "Phạm Minh", "agency_name": "Báo Hạ Long"},
        headers=HTMX,
    )
    assert r.status_code == 200
    assert r.headers["hx-trigger"] == "live-changed"  # the queue refreshes at once
    assert r.text.lstrip().startswith('<section id="live-record"')
    assert "added to the queue" in text_of(r.text)
    assert 'value="Báo Hạ Long"' not in r.text  # an empty form for the next one


# --- Polling -----------------------------------------------------------------------------------------


def test_the_polled_queue_brings_a_new_question_and_is_cheap_while_nothing_changes(
    room: Room, db: Session
) -> None:
    page = room.office.get(room.office_url)
    shown = version_of(page.text)

    # Nothing changed: 204 (HTMX swaps nothing).
    r = room.office.get(f"{room.office_url}?v={shown}", headers=HTMX)
    assert r.status_code == 204 and r.content == b""
    assert r.headers["cache-control"] == "no-store"

    # A journalist sends a question: the next poll brings the fragment with it.
    sent(room, db, "Câu hỏi mới từ phóng viên?")
    r = room.office.get(f"{room.office_url}?v={shown}", headers=HTMX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="live-queue"')
    assert "<html" not in r.text
    assert "Câu hỏi mới từ phóng viên?" in text_of(r.text)
    new_version = version_of(r.text)
    assert new_version != shown
    assert f'hx-get="{room.office_url}?v={new_version}"' in r.text
    etag = r.headers["etag"]

    # Unchanged again: 204 for the poll, 304 for a conditional request.
    assert room.office.get(f"{room.office_url}?v={new_version}", headers=HTMX).status_code == 204
    r = room.office.get(room.office_url, headers={**HTMX, "If-None-Match": etag})
    assert r.status_code == 304 and r.content == b""
    assert r.headers["etag"] == etag

    # Any change by the moderator changes the version (and the ETag).
    q = db.exec(select(Question).where(Question.text == "Câu hỏi mới từ phóng viên?")).one()
    room.act(q.id, "dismiss")
    r = room.office.get(room.office_url, headers={**HTMX, "If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag
    assert ids_in(r.text, "dismissed") == [q.id]


def test_a_full_page_is_always_rendered_whatever_the_version(room: Room) -> None:
    shown = version_of(room.office.get(room.office_url).text)
    r = room.office.get(f"{room.office_url}?v={shown}")
    assert r.status_code == 200 and "<html" in r.text
    boosted = room.office.get(
        f"{room.office_url}?v={shown}", headers={**HTMX, "HX-Boosted": "true"}
    )
    assert boosted.status_code == 200 and "<html" in boosted.text


# --- The journalist's phone page ---------------------------------------------------------------------


def test_journalist_sends_a_question_from_the_room(room: Room, db: Session) -> None:
    page = room.journalist.get(room.phone_url)
    assert page.status_code == 200
    assert '<textarea id="f-text" name="text"' in page.text
    assert f'action="{room.phone_url}"' in page.text

    r = room.send("Xin hỏi về tiến độ cầu Cửa Lục 3?")

    assert r.status_code == 303 and r.headers["location"] == room.phone_url
    q = db.exec(select(Question).where(Question.text == "Xin hỏi về tiến độ cầu Cửa Lục 3?")).one()
    assert q.live_state == L.PENDING and q.channel == Channel.BRIEFING
    assert q.journalist_id == room.journalist_user.id and q.agency_id == room.agency.id
    page = room.journalist.get(room.phone_url).text
    assert "Your question has been sent to the moderator." in text_of(page)
    mine = text_of(page[page.index('id="live-mine"') :])
    assert "Xin hỏi về tiến độ cầu Cửa Lục 3?" in mine and "Waiting" in mine

    # Sent twice (a double tap): one record.
    r = room.send("Xin hỏi về tiến độ cầu Cửa Lục 3?")
    assert r.status_code == 303
    assert "You already sent this question." in text_of(room.journalist.get(room.phone_url).text)
    assert len(queue_of(db, room.briefing)) == 1


def test_journalist_sees_the_live_state_of_their_own_questions_only(
    room: Room, db: Session
) -> None:
    (mine,) = sent(room, db, "Câu hỏi của tôi?")
    assert room.send("Câu hỏi của người khác?", room.other).status_code == 303
    room.act(mine.id, "allow", text=mine.text)

    page = room.journalist.get(room.phone_url)
    shown = version_of(page.text, "live-mine")
    listing = text_of(page.text[page.text.index('id="live-mine"') :])
    assert "Câu hỏi của tôi?" in listing and "Allowed" in listing
    assert "Câu hỏi của người khác?" not in page.text

    # The list polls itself: 204 while unchanged, the new state once it changes.
    r = room.journalist.get(f"{room.phone_url}?v={shown}", headers=HTMX)
    assert r.status_code == 204
    room.next()
    r = room.journalist.get(f"{room.phone_url}?v={shown}", headers=HTMX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="live-mine"')
    assert "Now" in text_of(r.text) and "It is being answered now." in text_of(r.text)


def test_journalist_errors_are_shown_beside_the_field(room: Room, db: Session) -> None:
    r = room.send("   ")
    assert r.status_code == 422
    assert '<p class="error-text" id="f-text-error">' in r.text
    assert "Write your question." in text_of(r.text)

    r = room.send("x" * 5001, headers=HTMX)
    assert r.status_code == 422
    assert r.text.lstrip().startswith('<section id="live-ask"')
    assert "at most 5000 characters" in text_of(r.text)
    assert "x" * 5001 in r.text  # the text typed stays

    r = room.send("Câu hỏi qua HTMX?", headers=HTMX)
    assert r.status_code == 200
    assert r.headers["hx-trigger"] == "live-sent"  # the list refreshes at once
    assert "Your question has been sent to the moderator." in text_of(r.text)
    assert "Câu hỏi qua HTMX?" not in r.text  # an empty textarea for the next one


def test_too_many_questions_are_refused_with_429_beside_the_field(
    room: Room, db: Session, app: Any
) -> None:
    app.state.settings.question_rate_limit = 2
    sent(room, db, "Câu một?", "Câu hai?")

    r = room.send("Câu ba?")
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert '<p class="error-text" id="f-text-error">' in r.text
    assert "You have sent 2 questions in the last 10 minutes." in text_of(r.text)
    assert "Câu ba?" in r.text  # kept in the textarea

    r = room.send("Câu ba?", headers=HTMX)
    assert r.status_code == 429
    assert r.text.lstrip().startswith('<section id="live-ask"')
    assert len(queue_of(db, room.briefing)) == 2


def test_when_the_briefing_is_not_live_the_page_says_so_and_points_to_the_form(
    room: Room, db: Session
) -> None:
    later = make_briefing(db, announced=True, days_ahead=3)
    url = f"/briefings/{later.id}/live"

    page = room.journalist.get(url)
    assert page.status_code == 200
    assert "not taking questions from the room now" in text_of(page.text)
    assert f'href="/questions/new?briefing_id={later.id}"' in page.text
    assert '<textarea id="f-text"' not in page.text

    r = room.journalist.post(url, {"text": "Gửi lúc chưa họp?"})
    assert r.status_code == 303 and r.headers["location"] == url
    assert db.exec(select(Question).where(Question.text == "Gửi lúc chưa họp?")).first() is None
    assert "not taking questions from the room now" in text_of(room.journalist.get(url).text)


def test_journalist_page_of_a_briefing_not_announced_is_not_found(room: Room, db: Session) -> None:
    hidden = make_briefing(db, announced=False)
    assert room.journalist.get(f"/briefings/{hidden.id}/live").status_code == 404
    assert room.journalist.get("/briefings/999999/live").status_code == 404


# --- The room's display -------------------------------------------------------------------------------


def test_display_shows_the_current_question_in_large_type_and_the_next(
    room: Room, db: Session
) -> None:
    current, allowed, _pending = sent(room, db, "Câu đang trả lời?", "Câu được duyệt?", "Câu chờ?")
    room.act(allowed.id, "allow", text=allowed.text)
    room.act(current.id, "allow", text=current.text)
    screen = room.screen()

    r = screen.get(room.display_url)
    assert r.status_code == 200
    assert "Waiting for the next question" in text_of(r.text)
    assert 'class="site-header"' not in r.text  # no site chrome
    waiting = version_of(r.text, "display-screen")
    assert screen.get(f"{room.display_url}?v={waiting}", headers=HTMX).status_code == 204

    room.next()
    r = screen.get(f"{room.display_url}?v={waiting}", headers=HTMX)
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="display-screen"')
    found = re.search(
        r'<blockquote class="display-question[^"]*"[^>]*>(.*?)</blockquote>', r.text, re.S
    )
    assert found is not None and found.group(1).strip() == "Câu đang trả lời?"
    assert "Vietnam News Agency" in text_of(r.text)
    # The allowed one is shown as next, in smaller type; the one waiting for the moderator not.
    assert "Câu được duyệt?" not in found.group(0)
    nxt = re.search(r'<p class="display-next-text[^"]*">(.*?)</p>', r.text, re.S)
    assert nxt is not None and nxt.group(1).strip() == "Câu được duyệt?"
    assert "Câu chờ?" not in r.text
    etag = r.headers["etag"]
    assert screen.get(room.display_url, headers={**HTMX, "If-None-Match": etag}).status_code == 304

    room.next()  # the allowed one is next
    r = screen.get(room.display_url)
    assert "Câu được duyệt?" in r.text and "Câu đang trả lời?" not in r.text
    room.next()  # nothing left
    assert "Waiting for the next question" in text_of(screen.get(room.display_url).text)


def test_display_of_a_briefing_not_announced_is_not_found(room: Room, db: Session) -> None:
    hidden = make_briefing(db, announced=False)
    screen = room.screen()
    assert screen.get(f"/briefings/{hidden.id}/display").status_code == 404
    assert screen.get("/briefings/999999/display").status_code == 404


# --- Escaping -----------------------------------------------------------------------------------------


def test_markup_in_a_question_is_shown_as_text_everywhere(room: Room, db: Session) -> None:
    (q,) = sent(room, db, f"Câu hỏi {SCRIPT}?")
    escaped = str(escape(f"Câu hỏi {SCRIPT}?"))

    office = room.office.get(room.office_url).text
    assert SCRIPT not in office
    assert escaped in item_of(office, q.id)

    room.act(q.id, "allow", text=f"Sửa {SCRIPT}")
    room.next()
    office = room.office.get(room.office_url).text
    assert SCRIPT not in office
    assert str(escape(f"Sửa {SCRIPT}")) in office
    assert escaped in office  # the original wording, escaped too

    display = room.screen().get(room.display_url).text
    assert SCRIPT not in display
    assert str(escape(f"Sửa {SCRIPT}")) in display

    phone = room.journalist.get(room.phone_url).text
    assert SCRIPT not in phone


# --- Who may use what -------------------------------------------------------------------------------------


def test_only_the_office_uses_the_moderator_screen(room: Room, db: Session) -> None:
    (q,) = sent(room, db, "Câu hỏi?")
    dept = room.new_web()
    sign_in(dept, db, Role.DEPARTMENT)
    admin = room.new_web()
    sign_in(admin, db, Role.ADMIN)
    posts = [
        (f"{room.office_url}/{q.id}/allow", {"text": "Sửa?"}),
        (f"{room.office_url}/{q.id}/dismiss", {}),
        (f"{room.office_url}/{q.id}/move", {"to": "0"}),
        (f"{room.office_url}/{q.id}/merge", {"into_id": str(q.id)}),
        (f"{room.office_url}/next", {}),
        (f"{room.office_url}/record", {"text": "Hỏi?", "asker_name": "A", "agency_name": "B"}),
    ]
    for web in (dept, room.journalist, admin):
        assert web.get(room.office_url).status_code == 403
        for url, data in posts:
            assert web.post(url, data).status_code == 403, url
    anonymous = room.new_web()
    r = anonymous.get(room.office_url)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = anonymous.get(room.office_url, headers=HTMX)  # a poll after the session ended
    assert r.status_code == 204 and r.headers["hx-redirect"].startswith("/login?next=")
    assert anonymous.post(f"{room.office_url}/next").status_code in (303, 403)
    row = fresh(db, q.id)
    assert row.live_state == L.PENDING and row.text == "Câu hỏi?"
    assert in_state(db, room.briefing, L.ALLOWED) == []


def test_only_journalists_use_the_phone_page(room: Room, db: Session) -> None:
    assert room.office.get(room.phone_url).status_code == 403
    assert room.office.post(room.phone_url, {"text": "Văn phòng hỏi?"}).status_code == 403
    anonymous = room.new_web()
    r = anonymous.get(room.phone_url)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert queue_of(db, room.briefing) == []


def test_a_post_without_the_csrf_token_is_refused(room: Room, db: Session) -> None:
    (q,) = sent(room, db, "Câu hỏi?")
    r = room.office.post(f"{room.office_url}/{q.id}/dismiss", csrf=False)
    assert r.status_code == 403
    assert fresh(db, q.id).live_state == L.PENDING


# --- Bugs found in the service --------------------------------------------------------------------------


def test_a_merged_question_cannot_be_allowed_again(room: Room, db: Session) -> None:
    first, same = sent(room, db, "Về ngập lụt?", "Ngập lụt thì sao?")
    room.act(same.id, "merge", into_id=str(first.id))
    db.expire_all()  # the merge was made over HTTP, in another session
    with pytest.raises(Conflict):
        service.allow(db, actor=SYSTEM, briefing_id=room.briefing.id or 0, question_id=same.id or 0)
