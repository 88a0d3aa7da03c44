"""A fixed data set over two quarters of 2025 and three organisations: every figure of the
dashboard, of the JSON summary and of the XLSX, CSV and PDF exports is asserted exactly, on SQLite
and PostgreSQL.

The period asked is 01/01/2025 – 30/06/2025; each area also has something just outside it (July
2025, December 2024) that must not be counted. Everything is in the past, so "overdue" and
"missing" do not depend on the day the test runs.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from sqlmodel import Session

from app.accounts.models import Role
from app.briefings.models import Briefing, BriefingInvitee, BriefingStatus
from app.content.models import CallRecipient, ContentCall, Submission, SubmissionStatus
from app.i18n import gettext
from app.questions.models import (
    Answer,
    AnswerKind,
    AnswerStatus,
    Channel,
    Question,
    QuestionStatus,
)
from app.statements.models import (
    ChangeKind,
    Edition,
    EditionState,
    EditionTranslation,
    Statement,
    StatementKind,
    StatementLanguage,
)
from app.timeutil import LOCAL_TZ
from tests.factories import PASSWORD, make_kind, make_org, make_user

FROM, TO = "2025-01-01", "2025-06-30"
QUERY = f"from={FROM}&to={TO}"


def at(day: str, hour: int = 9) -> datetime:
    """A local time in Quảng Ninh, stored as UTC."""
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=LOCAL_TZ).astimezone(UTC)


def vi(text: str) -> str:
    return gettext("vi", text)


# --- The data set --------------------------------------------------------------------------


def build(db: Session) -> dict[str, Any]:
    a = make_org(db, name_vi="Sở Y tế", name_en="Department of Health")
    b = make_org(db, name_vi="Sở Du lịch", name_en="Department of Tourism")
    c = make_org(db, name_vi="Ban Quản lý vịnh Hạ Long", name_en="Ha Long Bay Management Board")
    regular = make_kind(db, "regular_conference", name_vi="Họp báo thường kỳ")
    thematic = make_kind(db, "thematic_conference", name_vi="Họp báo chuyên đề")
    giao_ban = make_kind(db, "monthly_giao_ban", name_vi="Giao ban báo chí")

    def briefing(kind: Any, day: str, status: BriefingStatus, title: str) -> Briefing:
        starts = at(day, 15)
        row = Briefing(
            kind_id=kind.id,
            title_vi=title,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
            status=status,
            chair="Phó Chủ tịch UBND tỉnh",
            venue="Trung tâm Truyền thông tỉnh",
        )
        db.add(row)
        db.flush()
        return row

    held_jan = briefing(regular, "2025-01-20", BriefingStatus.HELD, "Họp báo tháng 1/2025")
    held_feb = briefing(regular, "2025-02-20", BriefingStatus.HELD, "Họp báo tháng 2/2025")
    briefing(regular, "2025-03-20", BriefingStatus.CANCELLED, "Họp báo tháng 3/2025")
    briefing(regular, "2025-04-20", BriefingStatus.POSTPONED, "Họp báo tháng 4/2025")
    thematic_may = briefing(
        thematic, "2025-05-10", BriefingStatus.RECORD_PUBLISHED, "Họp báo về du lịch hè 2025"
    )
    briefing(giao_ban, "2025-06-15", BriefingStatus.PLANNED, "Giao ban báo chí tháng 6/2025")
    held_jul = briefing(regular, "2025-07-20", BriefingStatus.HELD, "Họp báo tháng 7/2025")
    for row, org in ((held_jan, a), (held_feb, a), (thematic_may, b)):
        db.add(BriefingInvitee(briefing_id=row.id, organisation_id=org.id))

    # Statements
    db.add(StatementLanguage(code="en", name="English", name_vi="Tiếng Anh", position=1))
    db.add(StatementLanguage(code="zh", name="中文", name_vi="Tiếng Trung", position=2))
    db.flush()

    def statement(
        org: Any,
        kind: StatementKind,
        day: str,
        editions: list[tuple[ChangeKind, str, list[str]]],
        withdrawn: str | None = None,
    ) -> Statement:
        st = Statement(
            kind=kind,
            organisation_id=org.id,
            first_published_at=at(day),
            withdrawn_at=at(withdrawn) if withdrawn else None,
            number=f"{len(editions)}/TB",
        )
        db.add(st)
        db.flush()
        for n, (change, when, langs) in enumerate(editions, start=1):
            ed = Edition(
                statement_id=st.id,
                number=n,
                state=EditionState.PUBLISHED,
                title=f"Thông cáo {st.id}, lần {n}",
                change_kind=change,
                publish_at=at(when),
            )
            db.add(ed)
            db.flush()
            for lang in langs:
                db.add(
                    EditionTranslation(
                        edition_id=ed.id, language=lang, title=f"Statement {st.id}", source_number=n
                    )
                )
        return st

    first = ChangeKind.FIRST
    statement(a, StatementKind.PRESS_RELEASE, "2025-01-10", [(first, "2025-01-10", ["en"])])
    statement(
        a,
        StatementKind.OFFICIAL_STATEMENT,
        "2025-02-05",
        [(first, "2025-02-05", [])],
        withdrawn="2025-02-10",
    )
    statement(
        b,
        StatementKind.PRESS_RELEASE,
        "2025-04-01",
        [
            (first, "2025-04-01", ["en"]),
            (ChangeKind.MAJOR, "2025-04-05", ["en", "zh"]),
            (ChangeKind.MINOR, "2025-04-06", ["en", "zh"]),
        ],
    )
    statement(c, StatementKind.WRITTEN_ANSWER, "2025-05-20", [(first, "2025-05-20", [])])
    statement(
        b,
        StatementKind.PRESS_RELEASE,
        "2024-12-20",
        [(first, "2024-12-20", ["en"])],
        withdrawn="2025-03-01",
    )
    statement(c, StatementKind.PRESS_RELEASE, "2025-07-02", [(first, "2025-07-02", ["en"])])

    # Questions
    def question(
        org: Any,
        received: str,
        status: QuestionStatus,
        *,
        due: datetime | None = None,
        answered: datetime | None = None,
        text: str = "",
    ) -> Question:
        q = Question(
            text=text or f"Câu hỏi nhận ngày {received}",
            channel=Channel.ONLINE,
            received_at=at(received),
            status=status,
            lead_org_id=org.id if org else None,
            due_at=due,
            answered_at=answered,
        )
        db.add(q)
        db.flush()
        return q

    ans = QuestionStatus.ANSWERED
    question(
        a, "2025-01-06", ans, due=at("2025-01-13", 17), answered=at("2025-01-08")
    )  # on time, 48 h
    question(
        a, "2025-02-03", ans, due=at("2025-02-10", 17), answered=at("2025-02-12")
    )  # late, 216 h
    refused = question(a, "2025-03-03", QuestionStatus.REFUSED, answered=at("2025-03-04"))
    db.add(
        Answer(
            question_id=refused.id,
            kind=AnswerKind.REFUSAL,
            text="Từ chối theo quy định.",
            refusal_ground="b",
            status=AnswerStatus.APPROVED,
            organisation_id=a.id,
        )
    )
    question(
        b, "2025-04-07", ans, due=at("2025-04-14", 17), answered=at("2025-04-07", 21)
    )  # on time, 12 h
    question(b, "2025-05-05", QuestionStatus.ASSIGNED, due=at("2025-05-12", 17))  # overdue
    question(b, "2025-06-02", QuestionStatus.MERGED)
    question(
        c, "2025-06-10", ans, due=at("2025-06-17", 17), answered=at("2025-06-11")
    )  # on time, 24 h
    question(None, "2025-06-20", QuestionStatus.DECLINED)
    question(None, "2025-06-25", QuestionStatus.NEW)  # no due date yet: open, not overdue
    question(a, "2025-07-01", ans, due=at("2025-07-08", 17), answered=at("2025-07-02"))  # outside

    # Content for briefings
    def call(briefing_row: Briefing, deadline: str, orgs: list[Any]) -> ContentCall:
        row = ContentCall(briefing_id=briefing_row.id, deadline=at(deadline, 17))
        db.add(row)
        db.flush()
        for org in orgs:
            db.add(CallRecipient(call_id=row.id, organisation_id=org.id))
        return row

    def submission(row: ContentCall, org: Any, status: SubmissionStatus, **over: Any) -> None:
        db.add(Submission(call_id=row.id, organisation_id=org.id, status=status, **over))

    january = call(held_jan, "2025-01-17", [a, b, c])
    submission(
        january, a, SubmissionStatus.ACCEPTED, submitted_at=at("2025-01-16"), late=False
    )  # on time
    submission(
        january, b, SubmissionStatus.SUBMITTED, submitted_at=at("2025-01-18"), late=True
    )  # late
    # c: nothing at all → missing
    may = call(thematic_may, "2025-05-07", [a, b])
    submission(may, a, SubmissionStatus.DRAFT)  # never sent → missing
    submission(
        may, b, SubmissionStatus.WITHDRAWN, submitted_at=at("2025-05-06"), late=False
    )  # → missing
    july = call(held_jul, "2025-07-15", [a])  # outside the period
    submission(july, a, SubmissionStatus.SUBMITTED, submitted_at=at("2025-07-14"), late=False)
    db.commit()
    return {"a": a, "b": b, "c": c}


# --- What the period must show ----------------------------------------------------------------

HEADLINE = [
    ("briefings.held", 3),
    ("briefings.planned", 1),
    ("briefings.postponed", 1),
    ("briefings.cancelled", 1),
    ("statements.published", 4),
    ("statements.corrected", 1),
    ("statements.withdrawn", 2),
    ("questions.received", 9),
    ("questions.answered", 4),
    ("questions.on_time", 3),
    ("questions.late", 1),
    ("questions.refused", 1),
    ("questions.overdue", 1),
    ("submissions.asked", 5),
    ("submissions.on_time", 1),
    ("submissions.late", 1),
    ("submissions.missing", 3),
]
MEDIAN = 36.0  # of 48, 216, 12 and 24 hours

# Each rule of the default rule set over Jan–Jun 2025 (period label, held, scheduled, required,
# state), judged on a day after the period, so nothing is "at risk" any more.
COMPLIANCE = {
    "law_quarterly_press_conference": [
        ("Q1/2025", 2, 0, 1, "met"),
        ("Q2/2025", 1, 1, 1, "met"),
    ],
    "plan_monthly_press_conference": [
        ("01/2025", 1, 0, 1, "met"),
        ("02/2025", 1, 0, 1, "met"),
        ("03/2025", 0, 0, 1, "missed"),
        ("04/2025", 0, 1, 1, "unconfirmed"),
        ("05/2025", 0, 0, 1, "missed"),
        ("06/2025", 0, 0, 1, "missed"),
    ],
    "plan_monthly_giao_ban": [
        ("01/2025", 0, 0, 1, "missed"),
        ("02/2025", 0, 0, 1, "missed"),
        ("03/2025", 0, 0, 1, "missed"),
        ("04/2025", 0, 0, 1, "missed"),
        ("05/2025", 0, 0, 1, "missed"),
        ("06/2025", 0, 1, 1, "unconfirmed"),
    ],
    "plan_weekly_information": [  # required: the Mondays of each month
        ("01/2025", 0, 0, 4, "missed"),
        ("02/2025", 0, 0, 4, "missed"),
        ("03/2025", 0, 0, 5, "missed"),
        ("04/2025", 0, 0, 4, "missed"),
        ("05/2025", 0, 0, 4, "missed"),
        ("06/2025", 0, 0, 5, "missed"),
    ],
}
STATE_VI = {
    "met": "Met",
    "missed": "Missed",
    "unconfirmed": "Not yet marked as held",
}

# Tables as the report shows them (first column: what the row is), for the province.
QUESTIONS_BY_ORG = [
    # organisation, received, answered, on time, late, refused, overdue, on time %, median hours
    ["Sở Y tế", 3, 2, 1, 1, 1, 0, 50, 132.0],
    ["Sở Du lịch", 3, 1, 1, 0, 0, 1, 100, 12.0],
    ["NO_ORG", 2, 0, 0, 0, 0, 0, None, None],
    ["Ban Quản lý vịnh Hạ Long", 1, 1, 1, 0, 0, 0, 100, 24.0],
]
SUBMISSIONS_BY_ORG = [
    # organisation, asked, on time, late, missing, pending
    ["Sở Du lịch", 2, 0, 1, 1, 0],
    ["Sở Y tế", 2, 1, 0, 1, 0],
    ["Ban Quản lý vịnh Hạ Long", 1, 0, 0, 1, 0],
]
STATEMENTS_BY_ORG = [
    # organisation, published, corrections, withdrawn
    ["Sở Y tế", 2, 0, 1],
    ["Ban Quản lý vịnh Hạ Long", 1, 0, 0],
    ["Sở Du lịch", 1, 1, 1],
]
BRIEFINGS_BY_KIND = [
    # kind, held, planned, postponed, cancelled
    ["Họp báo thường kỳ", 2, 0, 1, 1],
    ["Giao ban báo chí", 0, 1, 0, 0],
    ["Họp báo chuyên đề", 1, 0, 0, 0],
]
CONFERENCES_HELD = [
    ["20/01/2025", "Họp báo tháng 1/2025", "Họp báo thường kỳ"],
    ["20/02/2025", "Họp báo tháng 2/2025", "Họp báo thường kỳ"],
    ["10/05/2025", "Họp báo về du lịch hè 2025", "Họp báo chuyên đề"],
]
# A refusal of March 2025: point (b) in the words of the Press Law 2016, with its citation.
GROUND_B = (
    "Thông tin về vụ án đang được điều tra hoặc chưa xét xử, trừ trường hợp cơ quan hành chính nhà"
    " nước, cơ quan điều tra cần thông tin trên báo chí những vấn đề có lợi cho hoạt động điều tra"
    " và công tác đấu tranh phòng, chống tội phạm (Điểm b khoản 2 Điều 38 Luật Báo chí 2016)"
)


def expected_tables() -> dict[str, list[list[Any]]]:
    no_org = vi("Not yet given to an organisation")
    from app.reports.tables import METRICS

    compliance_rows = []
    labels = {
        "law_quarterly_press_conference": "Họp báo của UBND tỉnh (tối thiểu theo quy định)",
        "plan_monthly_press_conference": "Họp báo thường kỳ hằng tháng (kế hoạch của tỉnh)",
        "plan_monthly_giao_ban": "Hội nghị giao ban báo chí hằng tháng (kế hoạch của tỉnh)",
        "plan_weekly_information": "Hội nghị thông tin báo chí hằng tuần (kế hoạch của tỉnh)",
    }
    for code, rows in COMPLIANCE.items():
        source = vi("Law") if code.startswith("law") else vi("Provincial plan")
        for label, held, scheduled, required, state in rows:
            compliance_rows.append(
                [labels[code], source, label, held, scheduled, required, vi(STATE_VI[state])]
            )
    return {
        "headline": [[vi(METRICS[k]), n] for k, n in HEADLINE]
        + [[vi("Median time to answer (hours)"), MEDIAN]],
        "compliance": compliance_rows,
        "briefings_by_kind": BRIEFINGS_BY_KIND,
        "statements_by_kind": [
            [vi("Press release"), 2],
            [vi("Official statement"), 1],
            [vi("Written answer to the press"), 1],
        ],
        "statements_by_language": [[vi("Vietnamese"), 4], ["Tiếng Anh", 2], ["Tiếng Trung", 1]],
        "refusals_by_ground": [[GROUND_B, 1]],
        "questions_by_org": [
            [no_org if r[0] == "NO_ORG" else r[0], *r[1:]] for r in QUESTIONS_BY_ORG
        ],
        "submissions_by_org": SUBMISSIONS_BY_ORG,
        "statements_by_org": STATEMENTS_BY_ORG,
        "conferences_held": [
            [d, t, k, "Phó Chủ tịch UBND tỉnh", "Trung tâm Truyền thông tỉnh"]
            for d, t, k in CONFERENCES_HELD
        ],
    }


TABLE_ORDER = [
    "headline",
    "compliance",
    "briefings_by_kind",
    "statements_by_kind",
    "statements_by_language",
    "refusals_by_ground",
    "questions_by_org",
    "submissions_by_org",
    "statements_by_org",
    "conferences_held",
]


@pytest.fixture
def data(db: Session) -> dict[str, Any]:
    return build(db)


@pytest.fixture
def office(db: Session, new_web: Any) -> Any:
    user = make_user(db, Role.PRESS_OFFICE)
    browser = new_web()
    assert browser.login(user.email, PASSWORD).status_code == 303
    return browser


# --- Reading the page back ----------------------------------------------------------------------


class Tables(HTMLParser):
    """The report tables of a page (`data-table` sections) as rows of cell texts, and the figure
    cards (`data-metric`) as numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.cards: dict[str, str] = {}
        self._table: str | None = None
        self._in_body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._card: str | None = None
        self._number: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("data-table"):
            self._table = a["data-table"]
            self.tables[self._table or ""] = []
        elif tag == "tbody" and self._table:
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "li" and a.get("data-metric"):
            self._card = a["data-metric"]
        elif tag == "span" and self._card and "figure-number" in (a.get("class") or ""):
            self._number = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "section":
            self._table = None
        elif tag == "span" and self._number is not None and self._card:
            self.cards[self._card] = "".join(self._number).strip()
            self._number = None
        elif tag == "li":
            self._card = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._number is not None:
            self._number.append(data)


def parse(html: str) -> Tables:
    p = Tables()
    p.feed(html)
    return p


def shown(value: Any) -> str:
    """A cell as the page and the PDF show it (Vietnamese: decimal comma)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


# --- The tests --------------------------------------------------------------------------------


def test_summary_json_has_every_figure(data: dict[str, Any], office: Any) -> None:
    r = office.get(f"/api/v1/reports/summary?{QUERY}")
    assert r.status_code == 200
    s = r.json()
    assert s["from"] == FROM and s["to"] == TO and s["organisation_id"] is None
    assert s["briefings"] == {
        "held": 3,
        "planned": 1,
        "postponed": 1,
        "cancelled": 1,
        "by_kind": {"regular_conference": 4, "monthly_giao_ban": 1, "thematic_conference": 1},
    }
    assert s["statements"] == {
        "published": 4,
        "corrected": 1,
        "withdrawn": 2,
        "by_kind": {"press_release": 2, "official_statement": 1, "written_answer": 1},
        "by_language": {"vi": 4, "en": 2, "zh": 1},
    }
    assert s["questions"] == {
        "received": 9,
        "answered": 4,
        "on_time": 3,
        "late": 1,
        "refused": 1,
        "replied": 5,  # answered or refused: figure 3 of the yearly report
        "overdue": 1,
        "open": 1,
        "merged": 1,
        "declined": 1,
        "median_hours_to_answer": MEDIAN,
        "refused_by_ground": {"decree09-2017:b": 1},
    }
    assert s["submissions"] == {
        "asked": 5,
        "on_time": 1,
        "late": 1,
        "missing": 3,
        "pending": 0,
        "accepted": 1,
    }
    compliance = {
        c["rule"]: [
            (p["label"], p["held"], p["scheduled"], p["required"], p["state"]) for p in c["periods"]
        ]
        for c in s["compliance"]
    }
    assert compliance == COMPLIANCE
    orgs = {o["name"]: o for o in s["organisations"]}
    a = orgs["Sở Y tế"]
    assert a["questions"] == {
        "received": 3,
        "answered": 2,
        "on_time": 1,
        "late": 1,
        "refused": 1,
        "overdue": 0,
        "median_hours_to_answer": 132.0,
    }
    assert a["submissions"] == {"asked": 2, "on_time": 1, "late": 0, "missing": 1, "pending": 0}
    assert a["statements"] == {"published": 2, "corrected": 0, "withdrawn": 1}
    assert orgs["Sở Du lịch"]["statements"] == {"published": 1, "corrected": 1, "withdrawn": 1}
    assert orgs["Ban Quản lý vịnh Hạ Long"]["submissions"]["missing"] == 1
    assert len(s["organisations"]) == 4  # three organisations and "not yet given to one"


def test_dashboard_shows_every_figure(data: dict[str, Any], office: Any) -> None:
    r = office.get(f"/reports?{QUERY}")
    assert r.status_code == 200
    page = parse(r.text)
    expected_cards = dict(HEADLINE) | {
        "questions.received": 9,
        "submissions.pending": 0,
    }
    for key, n in expected_cards.items():
        assert page.cards[key] == str(n), key
    assert page.cards["median_hours"] == "36,0"
    expected = expected_tables()
    for key in (
        "briefings_by_kind",
        "statements_by_kind",
        "statements_by_language",
        "refusals_by_ground",
        "questions_by_org",
        "submissions_by_org",
        "statements_by_org",
    ):
        assert page.tables[key] == [[shown(v) for v in row] for row in expected[key]], key
    # the compliance charts come with their data tables, one per rule
    for code in COMPLIANCE:
        assert f'data-rule="{code}"' in r.text
    assert r.text.count("<svg") >= len(COMPLIANCE) + 2


def test_report_page_and_exports_have_every_figure(data: dict[str, Any], office: Any) -> None:
    expected = expected_tables()

    page = parse(office.get(f"/reports/annual?{QUERY}").text)
    assert list(page.tables) == TABLE_ORDER
    for key in TABLE_ORDER:
        assert page.tables[key] == [[shown(v) for v in row] for row in expected[key]], key

    r = office.get(f"/reports/annual.xlsx?{QUERY}")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert len(book.worksheets) == len(TABLE_ORDER)
    for key, sheet in zip(TABLE_ORDER, book.worksheets, strict=True):
        rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert rows == expected[key], key
    assert book.worksheets[0]["A1"].value == vi("Figure")

    r = office.get(f"/reports/annual.csv?{QUERY}")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    blocks: list[list[list[str]]] = [[]]
    for row in rows:
        if row:
            blocks[-1].append(row)
        else:
            blocks.append([])
    assert len(blocks) == len(TABLE_ORDER)
    for key, block in zip(TABLE_ORDER, blocks, strict=True):
        body = block[2:]  # title, header, then the rows
        assert body == [["" if v is None else str(v) for v in row] for row in expected[key]], key

    r = office.get(f"/reports/annual.pdf?{QUERY}")
    assert r.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    flat = re.sub(r"\s+", " ", text)
    for key in TABLE_ORDER:
        for row in expected[key]:  # each row reads in order, cell after cell
            assert " ".join(shown(v) for v in row) in flat, (key, row)


def test_department_sees_its_own_figures_only(
    data: dict[str, Any], db: Session, new_web: Any
) -> None:
    user = make_user(db, Role.DEPARTMENT, org=data["a"])
    browser = new_web()
    assert browser.login(user.email, PASSWORD).status_code == 303
    s = browser.get(f"/api/v1/reports/summary?{QUERY}").json()
    assert s["organisation_id"] == data["a"].id
    assert s["briefings"]["held"] == 2  # the two it was invited to
    assert s["compliance"] == []
    assert s["questions"]["received"] == 3 and s["questions"]["refused"] == 1
    assert s["statements"]["published"] == 2 and s["statements"]["withdrawn"] == 1
    assert s["submissions"] == {
        "asked": 2,
        "on_time": 1,
        "late": 0,
        "missing": 1,
        "pending": 0,
        "accepted": 1,
    }
    assert [o["name"] for o in s["organisations"]] == ["Sở Y tế"]
    page = browser.get(f"/reports?{QUERY}").text
    assert "Sở Du lịch" not in page and "Ban Quản lý vịnh Hạ Long" not in page
    assert browser.get(f"/reports?{QUERY}&org={data['b'].id}").status_code == 404


def test_compliance_figures_open_the_briefings_behind_them(
    data: dict[str, Any], office: Any
) -> None:
    page = office.get(f"/reports?{QUERY}").text
    links = re.findall(r'href="(/reports/items\?[^"]*metric=briefings\.rule\.[^"]+)"', page)
    law_q2 = next(
        html.unescape(h)
        for h in links
        if "law_quarterly_press_conference" in h and "from=2025-04-01" in h
    )
    assert "to=2025-06-30" in law_q2
    listing = office.get(law_q2)
    assert listing.status_code == 200
    assert 'data-total="2"' in listing.text  # postponed in April, the thematic one in May
    text = re.sub(r"\s+", " ", listing.text)
    assert "Họp báo tháng 4/2025" in text and "Họp báo về du lịch hè 2025" in text
    assert "Giao ban báo chí tháng 6/2025" not in text  # not a kind the law rule counts
    assert vi("Postponed") in text
    january = office.get(
        "/reports/items?metric=briefings.rule.plan_monthly_press_conference"
        "&from=2025-01-01&to=2025-01-31"
    )
    assert 'data-total="1"' in january.text and "Họp báo tháng 1/2025" in january.text


def test_exports_neutralise_formulas_typed_by_people(db: Session, office: Any) -> None:
    """A name that a spreadsheet would run (=, +, -, @) reaches the file as text."""
    hostile = '=HYPERLINK("http://x.example","Sở")'
    org = make_org(db, name_vi=hostile, name_en=hostile)
    db.add(
        Question(
            text="Câu hỏi",
            channel=Channel.EMAIL,
            received_at=at("2025-03-03"),
            status=QuestionStatus.ASSIGNED,
            lead_org_id=org.id,
        )
    )
    db.commit()
    rows = list(
        csv.reader(
            io.StringIO(office.get(f"/reports/annual.csv?{QUERY}").content.decode("utf-8-sig"))
        )
    )
    assert ["'" + hostile, "1", "0", "0", "0", "0", "0", "", ""] in rows
    book = openpyxl.load_workbook(io.BytesIO(office.get(f"/reports/annual.xlsx?{QUERY}").content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    found = [c for c in cells if isinstance(c.value, str) and hostile in c.value]
    assert found and all(c.value == "'" + hostile and c.data_type == "s" for c in found)
