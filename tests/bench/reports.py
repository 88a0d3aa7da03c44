"""A year of work for the reports dashboard, inserted in bulk: shared by `make bench` (the
dashboard under wrk) and tests/reports/test_speed.py (the one-second requirement).

`seed_year` adds, for one calendar year (local days, Asia/Ho_Chi_Minh):

- `orgs` departments (with their names);
- `questions` questions spread over the year and the departments: answered on time, answered late,
  refused (an approved refusal with a ground of the law of its date, some after an
  approved holding answer), open and overdue, open without a due date, merged, declined; plus a
  few received just outside the year (local days), which the dashboard must not count;
- `statements` statements, each with a published first edition; a third with an English
  translation, one in ten corrected by a second, major edition, one in twenty-five withdrawn; plus a
  few first published the year before and withdrawn in the year;
- `briefings` briefings of the five seeded kinds and of every status, with invited departments;
- `calls` calls for content (one per regular conference held) to eight departments each, with
  submissions in every state, on time and late.

Rows are inserted with SQLAlchemy Core (`insert(table)` with a list of dicts), with explicit ids
after the largest one in the table; on PostgreSQL the id sequences are moved past them. What the
dashboard should show is returned in `Seeded.expected` (metric key -> count), worked out here
from what was inserted, independently of app/reports/figures.py.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import Session

from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing, BriefingInvitee, BriefingKind, BriefingStatus
from app.content.models import CallRecipient, CallStatus, ContentCall, Submission, SubmissionStatus
from app.law.rulesets import ruleset_at
from app.orgs.models import Organisation, OrganisationName, OrgKind
from app.questions.deadlines import grounds_on
from app.questions.models import (
    Answer,
    AnswerKind,
    AnswerStatus,
    Channel,
    Question,
    QuestionStatus,
)
from app.statements import search
from app.statements import service as statements
from app.statements.models import (
    ChangeKind,
    Edition,
    EditionState,
    EditionTranslation,
    Statement,
    StatementKind,
)
from app.timeutil import LOCAL_TZ, to_local

CHUNK = 1000
SUBJECTS = (
    "giải phóng mặt bằng cao tốc Vân Đồn – Móng Cái",
    "giá vé tham quan vịnh Hạ Long",
    "an toàn thực phẩm dịp Tết",
    "tuyển sinh lớp 10",
    "xử lý nước thải tại Cẩm Phả",
    "tiến độ cầu Bến Rừng",
    "cấp phép xây dựng tại Bãi Cháy",
    "hỗ trợ ngư dân sau bão",
)


@dataclass
class Seeded:
    year: int
    org_ids: list[int]
    expected: Counter[str] = field(default_factory=Counter)
    # organisation id -> questions it leads that were received in the year (0: none yet)
    received_by_org: Counter[int] = field(default_factory=Counter)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time on `day`, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ).astimezone(UTC)


def _in_year(at: datetime | None, year: int) -> bool:
    return at is not None and at.astimezone(LOCAL_TZ).year == year


def _next_id(session: Session, model: Any) -> int:
    return int(session.execute(select(func.max(model.__table__.c.id))).scalar() or 0) + 1


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for k in range(0, len(rows), CHUNK):
        session.execute(insert(model.__table__), rows[k : k + CHUNK])


def _bump_sequences(session: Session, models: list[Any]) -> None:
    """PostgreSQL: explicit ids do not move the id sequences; move them past the largest id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__table__.name
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )


def _orgs(session: Session, count: int, rng: random.Random) -> list[int]:
    first = _next_id(session, Organisation)
    tag = uuid.uuid4().hex[:6].upper()
    orgs, names = [], []
    for i in range(count):
        oid = first + i
        orgs.append(
            {
                "id": oid,
                "code": f"RPT-{tag}-{i + 1:02d}",
                "kind": OrgKind.DEPARTMENT.value,
                "valid_from": date(2015, 1, 1),
                "valid_to": None,
                "media_kind": None,
                "media_scope": None,
                "created_at": datetime(2015, 1, 1, tzinfo=UTC),
            }
        )
        names.append(
            {
                "organisation_id": oid,
                "name_vi": f"Sở Báo cáo {i + 1:02d}",
                "name_en": f"Reports Department {i + 1:02d}",
                "valid_from": date(2015, 1, 1),
                "valid_to": None,
            }
        )
    _insert(session, Organisation, orgs)
    _insert(session, OrganisationName, names)
    return [o["id"] for o in orgs]


# Question outcomes, one in twenty: on time ×9, late ×3, refused ×2, overdue ×2, open, merged,
# declined ×2.
OUTCOMES = (
    ["on_time"] * 9 + ["late"] * 3 + ["refused"] * 2 + ["overdue"] * 2 + ["open"]
    + ["merged"] + ["declined"] * 2
)  # fmt: skip


def _questions(
    session: Session, seeded: Seeded, count: int, org_ids: list[int], rng: random.Random
) -> None:
    year, expected = seeded.year, seeded.expected
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    qid = _next_id(session, Question)
    aid = _next_id(session, Answer)
    questions: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    answered_ids: list[int] = []
    channels = list(Channel)

    def question(received: datetime, outcome: str, counted: bool) -> None:
        nonlocal qid, aid
        lead: int | None = rng.choice(org_ids)
        due: datetime | None = received + timedelta(days=7)
        answered: datetime | None = None
        status = QuestionStatus.ASSIGNED
        merged_into = None
        reason = ""
        if outcome == "on_time":
            status = QuestionStatus.ANSWERED
            answered = received + timedelta(hours=rng.randint(2, 6 * 24))
        elif outcome == "late":
            status = QuestionStatus.ANSWERED
            assert due is not None
            answered = due + timedelta(hours=rng.randint(1, 20 * 24))
        elif outcome == "refused":
            status = QuestionStatus.REFUSED
            answered = received + timedelta(days=rng.randint(1, 6))
        elif outcome == "overdue":
            status = rng.choice((QuestionStatus.ASSIGNED, QuestionStatus.ACCEPTED))
        elif outcome == "open":  # received, not triaged: no due date yet, no organisation
            status, due, lead = QuestionStatus.NEW, None, None
        elif outcome == "merged":
            status, due = QuestionStatus.MERGED, None
            lead = None if rng.random() < 0.5 else lead
            merged_into = rng.choice(answered_ids) if answered_ids else None
        else:
            status, due, lead = QuestionStatus.DECLINED, None, None
            reason = "Không thuộc thẩm quyền của tỉnh."
        subject = rng.choice(SUBJECTS)
        questions.append(
            {
                "id": qid,
                "text": f"Xin cho biết {subject}? (câu hỏi số {qid})",
                "topic": "",
                "language": "vi",
                "journalist_id": None,
                "asker_name": f"Phóng viên {qid % 97}",
                "agency_id": None,
                "agency_name": "Báo Quảng Ninh",
                "channel": rng.choice(channels).value,
                "briefing_id": None,
                "received_at": received,
                "incident": False,
                "status": status.value,
                "status_reason": reason,
                "merged_into_id": merged_into,
                "live_state": None,
                "live_position": None,
                "original_text": "",
                "lead_org_id": lead,
                "due_at": due,
                "due_basis": "5 ngày làm việc" if due else "",
                "answered_at": answered,
                "dedupe_key": None,
                "recorded_by": None,
                "updated_at": answered or received,
                "revision": 1,
            }
        )

        def answer(kind: AnswerKind, state: AnswerStatus, at: datetime, ground: str = "") -> None:
            nonlocal aid
            answers.append(
                {
                    "id": aid,
                    "question_id": qid,
                    "kind": kind.value,
                    "text": "Nội dung trả lời." if kind != AnswerKind.REFUSAL else "Từ chối.",
                    "refusal_ground": ground,
                    "new_due_at": at + timedelta(days=5) if kind == AnswerKind.HOLDING else None,
                    "public": False,
                    "status": state.value,
                    "organisation_id": lead,
                    "drafted_by": None,
                    "edited_by": None,
                    "approved_by": None,
                    "approved_at": at if state == AnswerStatus.APPROVED else None,
                    "created_at": at,
                    "updated_at": at,
                    "revision": 1,
                }
            )
            aid += 1

        ground = ""
        if status == QuestionStatus.ANSWERED:
            assert answered is not None
            if qid % 7 == 0:  # a refusal drafted, then an answer instead: not a refusal
                answer(AnswerKind.REFUSAL, AnswerStatus.DRAFT, received, "a")
            answer(AnswerKind.ANSWER, AnswerStatus.APPROVED, answered)
            answered_ids.append(qid)
        elif status == QuestionStatus.REFUSED:
            assert answered is not None
            grounds = sorted(grounds_on(to_local(answered).date()))  # the law of that day
            ground = grounds[qid % len(grounds)]
            if qid % 4 == 0:  # a holding answer first
                answer(AnswerKind.HOLDING, AnswerStatus.APPROVED, received + timedelta(hours=3))
            answer(AnswerKind.REFUSAL, AnswerStatus.APPROVED, answered, ground)
        if counted:
            expected["questions.received"] += 1
            seeded.received_by_org[lead or 0] += 1
            if outcome in ("on_time", "late"):
                expected["questions.answered"] += 1
            if outcome == "refused":
                expected[f"questions.refused.{ruleset_at(answered).code}:{ground}"] += 1
            expected[f"questions.{outcome}"] += 1
        qid += 1

    for i in range(count):
        if i < 10:  # the first minutes of the year, local time (the day before in UTC)
            received = _local(first, 0, 5 + i)
        elif i >= count - 10:  # the last minutes of the year
            received = _local(date(year, 12, 31), 23, 40 + (i - count + 10))
        else:
            day = first + timedelta(days=rng.randrange(days))
            received = _local(day, rng.randint(7, 17), rng.randint(0, 59))
        question(received, OUTCOMES[i % len(OUTCOMES)], counted=True)
    for i in range(5):  # just outside the year: the day before, and the first minutes after
        question(_local(first - timedelta(days=1), 23, 50 + i), "on_time", counted=False)
        question(_local(date(year + 1, 1, 1), 0, 10 + i), "overdue", counted=False)
    _insert(session, Question, questions)
    _insert(session, Answer, answers)


def _statements(
    session: Session, seeded: Seeded, count: int, org_ids: list[int], rng: random.Random
) -> None:
    year, expected = seeded.year, seeded.expected
    statements.seed_languages(session)
    first_day = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first_day).days
    sid = _next_id(session, Statement)
    eid = _next_id(session, Edition)
    kinds = list(StatementKind)
    seqs: dict[tuple[str, int], int] = {}
    for kind in kinds:
        for y in (year - 1, year):
            seqs[kind.value, y] = int(
                session.execute(
                    select(func.coalesce(func.max(Statement.__table__.c.seq), 0)).where(
                        Statement.__table__.c.kind == kind.value, Statement.__table__.c.year == y
                    )
                ).scalar()
                or 0
            )
    rows: list[dict[str, Any]] = []
    editions: list[dict[str, Any]] = []
    translations: list[dict[str, Any]] = []

    def statement(at: datetime, *, counted: bool, withdrawn: datetime | None = None) -> None:
        nonlocal sid, eid
        kind = kinds[sid % len(kinds)]
        y = at.astimezone(LOCAL_TZ).year
        seqs[kind.value, y] += 1
        number = statements.format_number(kind, seqs[kind.value, y], y)
        subject = rng.choice(SUBJECTS)
        title = f"Thông tin về {subject} (số {sid})"
        summary = f"UBND tỉnh thông tin về {subject}."
        body = f"1. Các sở, ngành triển khai {subject}.\n\n2. Báo cáo kết quả trước ngày 25."
        english = sid % 3 == 0
        corrected = sid % 10 == 0
        if withdrawn is None and sid % 25 == 0:
            withdrawn = at + timedelta(days=10)
        correction_at = at + timedelta(days=3)
        rows.append(
            {
                "id": sid,
                "kind": kind.value,
                "organisation_id": org_ids[sid % len(org_ids)],
                "spokesperson_id": None,
                "briefing_id": None,
                "year": y,
                "seq": seqs[kind.value, y],
                "number": number,
                "first_published_at": at,
                "withdrawn_at": withdrawn,
                "withdrawn_by": None,
                "withdrawn_reason": "Thông tin đã được thay thế." if withdrawn else "",
                "target_agency_id": None,
                "target_agency_name": "",
                "article_title": "",
                "article_url": "",
                "compliance": None,
                "created_by": None,
                "created_at": at,
                "updated_at": withdrawn or at,
                "revision": 1,
            }
        )
        first_edition = eid
        for n in (1, 2) if corrected else (1,):
            publish = at if n == 1 else correction_at
            editions.append(
                {
                    "id": eid,
                    "statement_id": sid,
                    "number": n,
                    "state": EditionState.PUBLISHED.value,
                    "title": title if n == 1 else f"{title} (đính chính)",
                    "summary": summary,
                    "body": body,
                    "change_kind": (ChangeKind.FIRST if n == 1 else ChangeKind.MAJOR).value,
                    "change_note": "" if n == 1 else "Sửa số liệu.",
                    "created_by": None,
                    "edited_by": None,
                    "submitted_at": publish,
                    "approved_by": None,
                    "approved_at": publish,
                    "publish_at": publish,
                    "superseded_at": correction_at if corrected and n == 1 else None,
                    "pending_links": None,
                    "search_text": search.document(number, title, summary, body),
                    "created_at": publish,
                    "updated_at": publish,
                    "revision": 1,
                }
            )
            eid += 1
        if english:
            translations.append(
                {
                    "edition_id": first_edition,
                    "language": "en",
                    "title": f"Information on the matter (No. {sid})",
                    "summary": "",
                    "body": "Text in English.",
                    "source_number": 1,
                    "translated_by": None,
                    "updated_at": at,
                }
            )
        if counted:
            expected["statements.published"] += 1
            expected[f"statements.kind.{kind.value}"] += 1
            expected["statements.lang.vi"] += 1
            expected["statements.lang.en"] += english
            expected["statements.corrected"] += corrected and _in_year(correction_at, year)
        expected["statements.withdrawn"] += _in_year(withdrawn, year)
        sid += 1

    for i in range(count):
        day = first_day + timedelta(days=(i * days) // count)
        statement(_local(day, 8 + i % 10, (i * 7) % 60), counted=True)
    for i in range(5):  # published the year before, withdrawn in the year
        statement(
            _local(date(year - 1, 11, 1 + i), 9),
            counted=False,
            withdrawn=_local(date(year, 2, 1 + i), 10),
        )
    _insert(session, Statement, rows)
    _insert(session, Edition, editions)
    _insert(session, EditionTranslation, translations)


# (kind code, how many in the year)
BRIEFING_PLAN = (
    ("regular_conference", 12),
    ("monthly_giao_ban", 12),
    ("weekly_information", 28),
    ("thematic_conference", 5),
    ("incident_conference", 3),
)
# One in ten: held ×6, record published ×1, postponed, cancelled, planned.
STATUS_CYCLE = (
    [BriefingStatus.RECORD_PUBLISHED, BriefingStatus.HELD, BriefingStatus.HELD]
    + [BriefingStatus.HELD] * 4
    + [BriefingStatus.POSTPONED, BriefingStatus.CANCELLED, BriefingStatus.PLANNED]
)


def _briefings_and_calls(
    session: Session, seeded: Seeded, calls: int, org_ids: list[int], rng: random.Random
) -> None:
    year, expected = seeded.year, seeded.expected
    briefings.seed_kinds(session, actor=Actor.system("bench"))
    kind_ids = {
        code: kid
        for kid, code in session.execute(
            select(BriefingKind.__table__.c.id, BriefingKind.__table__.c.code)
        )
    }
    bid = _next_id(session, Briefing)
    call_id = _next_id(session, ContentCall)
    sub_id = _next_id(session, Submission)
    rows: list[dict[str, Any]] = []
    invitees: list[dict[str, Any]] = []
    call_rows: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []
    submissions: list[dict[str, Any]] = []
    n = 0
    for code, count in BRIEFING_PLAN:
        for i in range(count):
            day = date(year, 1, 1) + timedelta(days=(i * 365) // count + 10 + len(code) % 7)
            day = min(day, date(year, 12, 28))
            status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
            if code == "regular_conference":  # the monthly conference is held, as a rule
                status = (BriefingStatus.HELD, BriefingStatus.RECORD_PUBLISHED)[i % 2]
            starts = _local(day, 15)
            held = status in (BriefingStatus.HELD, BriefingStatus.RECORD_PUBLISHED)
            rows.append(
                {
                    "id": bid,
                    "uid": f"{uuid.uuid4()}@pressdesk",
                    "series_id": None,
                    "original_date": None,
                    "detached": False,
                    "kind_id": kind_ids[code],
                    "title_vi": f"Họp báo {code} {i + 1}/{year}",
                    "title_en": "",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=90),
                    "venue": "Trung tâm Truyền thông tỉnh",
                    "online_url": "",
                    "chair": "",
                    "organiser_org_id": None,
                    "content_deadline": starts - timedelta(days=3),
                    "notes": "",
                    "status": status.value,
                    "status_reason": "Thay đổi lịch công tác." if not held else "",
                    "announced_at": None if status == BriefingStatus.PLANNED else starts,
                    "record_summary": "Tóm tắt."
                    if status == BriefingStatus.RECORD_PUBLISHED
                    else "",
                    "record_url": "",
                    "sequence": 1,
                    "created_at": starts - timedelta(days=14),
                    "updated_at": starts,
                }
            )
            expected["briefings.all"] += 1
            expected[f"briefings.kind.{code}"] += 1
            expected[
                "briefings.held"
                if held
                else {
                    BriefingStatus.POSTPONED: "briefings.postponed",
                    BriefingStatus.CANCELLED: "briefings.cancelled",
                }.get(status, "briefings.planned")
            ] += 1
            invited = rng.sample(org_ids, 5)
            invitees += [{"briefing_id": bid, "organisation_id": o} for o in invited]
            if code == "regular_conference" and len(call_rows) < calls:
                deadline = starts - timedelta(days=3)
                asked = [org_ids[(len(call_rows) + k) % len(org_ids)] for k in range(8)]
                call_rows.append(
                    {
                        "id": call_id,
                        "briefing_id": bid,
                        "deadline": deadline,
                        "instructions": "Gửi đề cương trước hạn.",
                        "status": CallStatus.CLOSED.value,
                        "created_by": None,
                        "created_at": deadline - timedelta(days=7),
                        "closed_at": deadline,
                    }
                )
                for k, org in enumerate(asked):
                    recipients.append({"call_id": call_id, "organisation_id": org})
                    expected["submissions.asked"] += 1
                    if k >= 6:  # nothing started
                        expected["submissions.missing"] += 1
                        continue
                    sub_status = (
                        SubmissionStatus.SUBMITTED,
                        SubmissionStatus.ACCEPTED,
                        SubmissionStatus.INCLUDED,
                        SubmissionStatus.RETURNED,
                        SubmissionStatus.WITHDRAWN,
                        SubmissionStatus.DRAFT,
                    )[(k + len(call_rows)) % 6]
                    late = k == 2
                    submitted = (
                        None
                        if sub_status == SubmissionStatus.DRAFT
                        else deadline + (timedelta(hours=5) if late else -timedelta(days=1))
                    )
                    submissions.append(
                        {
                            "id": sub_id,
                            "call_id": call_id,
                            "organisation_id": org,
                            "status": sub_status.value,
                            "title": f"Nội dung của sở ({sub_id})",
                            "summary": "",
                            "talking_points": "- Điểm thứ nhất\n- Điểm thứ hai",
                            "key_figures": "",
                            "qa": [],
                            "contact_name": "Cán bộ đầu mối",
                            "contact_phone": "",
                            "contact_email": "",
                            "late": late and submitted is not None,
                            "submitted_at": submitted,
                            "office_comment": "",
                            "versions": 0 if submitted is None else 1,
                            "created_by": None,
                            "created_at": deadline - timedelta(days=5),
                            "updated_at": submitted or deadline,
                            "revision": 1,
                        }
                    )
                    sub_id += 1
                    if submitted is None or sub_status == SubmissionStatus.WITHDRAWN:
                        expected["submissions.missing"] += 1
                    else:
                        expected["submissions.late" if late else "submissions.on_time"] += 1
                        if sub_status in (SubmissionStatus.ACCEPTED, SubmissionStatus.INCLUDED):
                            expected["submissions.accepted"] += 1
                call_id += 1
            bid += 1
            n += 1
    _insert(session, Briefing, rows)
    _insert(session, BriefingInvitee, invitees)
    _insert(session, ContentCall, call_rows)
    _insert(session, CallRecipient, recipients)
    _insert(session, Submission, submissions)


def seed_year(
    session: Session,
    *,
    year: int,
    questions: int = 5000,
    statements: int = 2000,
    orgs: int = 20,
    calls: int = 12,
    seed: int = 2025,
) -> Seeded:
    """Insert a year of work (see the module's docstring) and commit; returns what the dashboard
    for that year should count. `statements=0` leaves the statements to the caller."""
    rng = random.Random(seed)
    org_ids = _orgs(session, orgs, rng)
    seeded = Seeded(year, org_ids)
    _questions(session, seeded, questions, org_ids, rng)
    if statements:
        _statements(session, seeded, statements, org_ids, rng)
    _briefings_and_calls(session, seeded, calls, org_ids, rng)
    _bump_sequences(
        session,
        [
            Organisation,
            OrganisationName,
            Question,
            Answer,
            Statement,
            Edition,
            EditionTranslation,
            Briefing,
            ContentCall,
            Submission,
        ],
    )
    session.commit()
    return seeded
