"""The register as a list (HTML over HTTP): the office's flags (posted later than the end of the
day after the decision, in force without an official e-mail or phone) and their counts, filters
by level and body on both pages, the CSV and XLSX downloads with the page's rows, who may read
what, the law cited by date, and the demo register.

Every test runs on SQLite and on PostgreSQL, on 4 December 2026 unless it says otherwise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.demo import seed_demo
from app.orgs import service as orgs
from app.statements.models import Spokesperson, SpokespersonRole
from app.statements.service.register_view import register_view
from app.timeutil import LOCAL_TZ
from tests.conftest import WebClient
from tests.factories import PASSWORD, make_org, make_user
from tests.statements.helpers import World, make_spokesperson
from tests.support import html

pytestmark = pytest.mark.clock("2026-12-04T10:00+07:00")
NewWeb = Callable[[], WebClient]
TODAY = date(2026, 12, 4)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)


def browser(new_web: NewWeb, user: User | None = None, lang: str = "en") -> WebClient:
    web = new_web()
    web.client.cookies.set("pd_lang", lang)
    if user is not None:
        assert web.login(user.email, PASSWORD).status_code == 303
    return web


class Province:
    """The province's committee, a department, a body of kind "other", a ward and a commune, with
    regular spokespersons posted on time, one minute late, under Decree 09, and without e-mail."""

    def __init__(self, db: Session) -> None:
        self.w = World(db)  # the provincial committee and its spokesperson since 2020
        self.health = make_org(db, kind="department", name_en="Department of Health")
        self.press_club = make_org(db, kind="other", name_en="Provincial Journalists' Association")
        self.ward = make_org(
            db,
            kind="commune",
            name_en="Ha Long Ward People's Committee",
            valid_from=date(2025, 7, 1),
        )
        self.commune = make_org(
            db,
            kind="commune",
            name_en="Quang La Commune People's Committee",
            valid_from=date(2025, 7, 1),
        )
        decided = {"decision_number": "88/QĐ-UBND", "decision_date": date(2026, 11, 30)}
        # Posted at the end of the day after the decision (00:00 on 2/12): on time.
        self.on_time = make_spokesperson(
            db, self.commune, full_name="Ngô Văn K (demo)", valid_from=date(2026, 12, 1),
            posted_at=local("2026-12-02T00:00"), email="", **decided,
        )  # fmt: skip
        # One minute later: late.
        self.late = make_spokesperson(
            db, self.ward, full_name="Trần Văn B (demo)", valid_from=date(2026, 12, 1),
            posted_at=local("2026-12-02T00:01"), **decided,
        )  # fmt: skip
        # Under Decree 09 (started before 1/7/2026): never flagged, however late.
        self.old = make_spokesperson(
            db, self.health, full_name="Người phát ngôn Sở Y tế (demo)",
            valid_from=date(2026, 6, 1), decision_number="45/QĐ-SYT",
            decision_date=date(2026, 5, 1), posted_at=local("2026-06-20T09:00"),
        )  # fmt: skip
        # Ended: its missing e-mail does not matter any more.
        self.ended = make_spokesperson(
            db, self.health, full_name="Người cũ (demo)", email="",
            valid_from=date(2020, 1, 1), valid_to=date(2026, 5, 31),
        )  # fmt: skip
        self.club_head = make_spokesperson(
            db, self.press_club, role=SpokespersonRole.HEAD, full_name="Chủ tịch Hội (demo)"
        )


@pytest.fixture
def province(db: Session) -> Province:
    return Province(db)


def card(markup: str, person: Spokesperson) -> Any:
    return html(markup).one(f"#person-{person.id}")


def sections(markup: str) -> list[str]:
    return [s.get("id") for s in html(markup).all("section.register-group, section.register-org")]


# --- The office's flags ------------------------------------------------------------------------


def test_an_entry_posted_after_the_end_of_the_day_after_the_decision_is_flagged(
    province: Province, db: Session, new_web: NewWeb
) -> None:
    web = browser(new_web, province.w.editor_user)
    r = web.get("/office/spokespersons")
    assert r.status_code == 200
    page = html(r.text)
    assert page.text("#count-late") == "1 entry posted late"
    late = card(r.text, province.late)
    assert late.cssselect(".flag--late")
    assert "due on the public list by the end of 01/12/2026, posted 02/12/2026 00:01" in " ".join(
        late.text_content().split()
    )
    for person in (province.on_time, province.old, province.w.person, province.club_head):
        assert not card(r.text, person).cssselect(".flag--late"), person.full_name
    # The lenient reading is said on the page.
    assert "The decision's hour is not recorded" in page.text(".hint")


def test_entries_in_force_without_an_official_email_or_phone_are_flagged(
    province: Province, db: Session, new_web: NewWeb
) -> None:
    make_spokesperson(
        db, province.ward, role=SpokespersonRole.HEAD, phone="", full_name="CT (demo)"
    )
    web = browser(new_web, province.w.editor_user)
    r = web.get("/office/spokespersons")
    assert html(r.text).text("#count-incomplete") == (
        "2 entries in force without an official e-mail or phone"
    )
    assert "No official e-mail." in card(r.text, province.on_time).text_content()
    assert not card(r.text, province.ended).cssselect(".flag--contact")
    assert not card(r.text, province.late).cssselect(".flag--contact")
    # The public sees the list, not the office's flags.
    public = browser(new_web).get("/spokespersons").text
    assert "Posted late" not in public and "count-late" not in public


# --- Filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["/spokespersons", "/office/spokespersons"])
def test_filters_by_level_and_by_body(
    province: Province, db: Session, new_web: NewWeb, address: str
) -> None:
    web = browser(new_web, province.w.editor_user)
    p = province
    everyone = sections(web.get(address).text)
    assert everyone == [
        f"org-{p.w.org.id}",
        f"org-{p.press_club.id}",
        f"org-{p.health.id}",
        f"org-{p.ward.id}",
        f"org-{p.commune.id}",
    ]
    assert sections(web.get(f"{address}?level=province").text) == everyone[:2]
    assert sections(web.get(f"{address}?level=department").text) == everyone[2:3]
    assert sections(web.get(f"{address}?level=commune").text) == everyone[3:]
    assert sections(web.get(f"{address}?org={p.ward.id}").text) == [f"org-{p.ward.id}"]
    assert sections(web.get(f"{address}?level=commune&org={p.health.id}").text) == []
    assert sections(web.get(f"{address}?level=district&org=abc").text) == everyone
    page = html(web.get(f"{address}?level=commune").text)
    assert page.attrs("a[href^='/spokespersons.csv']", "href") == [
        "/spokespersons.csv?level=commune"
    ]


# --- Downloads -----------------------------------------------------------------------------------


def page_rows(markup: str) -> list[list[str]]:
    """The rows of who may speak today, as the public page shows them (history left out)."""
    out = []
    for section in html(markup).all("section.register-group"):
        org = (section.cssselect("h2")[0].text or "").strip()
        level = " ".join(" ".join(t.text_content().split()) for t in section.cssselect("h2 .tag"))
        for table in section.cssselect("table"):
            if any(a.tag == "details" for a in table.iterancestors()):
                continue
            for tr in table.cssselect("tbody tr"):

                def cell(name: str, tr: Any = tr) -> str:
                    found = tr.cssselect(f"[data-col='{name}']")
                    return " ".join(found[0].text_content().split()) if found else ""

                role = (tr.cssselect("[data-col='role']")[0].text or "").strip()
                out.append(
                    [org, level, role, cell("name"), cell("title"), cell("phone"), cell("email"),
                     cell("since"), cell("until"), cell("decision_number"),
                     cell("decision_date"), cell("posted")]
                )  # fmt: skip
    return out


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_downloads_have_the_rows_and_columns_of_the_page(
    province: Province, db: Session, new_web: NewWeb
) -> None:
    web = browser(new_web)  # anonymous: the downloads are public
    for query in ("", "?level=commune", f"?org={province.health.id}"):
        shown = page_rows(web.get(f"/spokespersons{query}").text)
        assert shown, query
        r = web.get(f"/spokespersons.csv{query}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.headers["content-disposition"].startswith("attachment;")
        assert "nguoi-phat-ngon-2026-12-04.csv" in r.headers["content-disposition"]
        assert r.headers["x-content-type-options"] == "nosniff"
        title, header, *data = read_csv(r.content)
        assert title == ["Spokespersons on 04/12/2026"]
        assert header == [
            "Organisation", "Level", "Role", "Full name", "Title (position)", "Phone", "Official e-mail",
            "Since", "Until", "Decision number", "Decision date", "Posted",
            "Matter (for an authorisation)",
        ]  # fmt: skip
        assert [row[:12] for row in data] == shown, query

        x = web.get(f"/spokespersons.xlsx{query}")
        assert x.status_code == 200 and x.headers["content-type"] == XLSX
        assert x.headers["content-disposition"].startswith("attachment;")
        sheet = load_workbook(io.BytesIO(x.content)).worksheets[0]
        values = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        assert values[0] == header
        assert [row[:12] for row in values[1:]] == shown, query
    # Who may speak today only: the ended entry is not in the list.
    everything = read_csv(web.get("/spokespersons.csv").content)
    assert all("Người cũ (demo)" not in row for row in everything)
    assert [row[i] for row in everything if "Trần Văn B (demo)" in row for i in (3, 9, 10, 11)] == [
        "Trần Văn B (demo)",
        "88/QĐ-UBND",
        "30/11/2026",
        "02/12/2026 00:01",
    ]


def test_text_that_would_start_a_formula_is_neutralised(
    province: Province, db: Session, new_web: NewWeb
) -> None:
    make_spokesperson(
        db, province.health, full_name='=HYPERLINK("http://x.example","y")', title="+1-2",
        phone="-0203", email="@x", valid_from=date(2026, 1, 1),
    )  # fmt: skip
    web = browser(new_web)
    data = read_csv(web.get(f"/spokespersons.csv?org={province.health.id}").content)
    row = next(r for r in data if "HYPERLINK" in " ".join(r))
    assert row[3:7] == ['\'=HYPERLINK("http://x.example","y")', "'+1-2", "'-0203", "'@x"]
    sheet = load_workbook(
        io.BytesIO(web.get(f"/spokespersons.xlsx?org={province.health.id}").content)
    ).worksheets[0]
    cells = [c for r in sheet.iter_rows() for c in r if c.value and "HYPERLINK" in str(c.value)]
    assert len(cells) == 1 and cells[0].data_type == "s" and str(cells[0].value).startswith("'=")


# --- Who reads what ----------------------------------------------------------------------------


def test_the_list_and_downloads_are_public_the_register_is_the_offices(
    province: Province, db: Session, new_web: NewWeb
) -> None:
    public = ["/spokespersons", "/spokespersons?level=commune", "/spokespersons.csv",
              "/spokespersons.xlsx"]  # fmt: skip
    people = {
        "anonymous": browser(new_web),
        "journalist": browser(new_web, make_user(db, Role.JOURNALIST)),
        "department": browser(new_web, make_user(db, Role.DEPARTMENT)),
        "press_office": browser(new_web, province.w.editor_user),
        "spokesperson": browser(new_web, province.w.spokesperson_user),
        "admin": browser(new_web, make_user(db, Role.ADMIN)),
    }
    for name, web in people.items():
        for url in public:
            assert web.get(url).status_code == 200, (name, url)
        r = web.get("/office/spokespersons?level=commune")
        if name in ("press_office", "spokesperson"):
            assert r.status_code == 200, name
        elif name == "anonymous":
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
        else:
            assert r.status_code == 403, name


# --- The law of the date -----------------------------------------------------------------------


def test_the_pages_cite_decree_244_from_1_july_2026(
    province: Province, db: Session, new_web: NewWeb
) -> None:
    office = browser(new_web, province.w.editor_user)
    for url in ("/spokespersons", "/office/spokespersons", "/office/spokespersons/new"):
        text = html(office.get(url).text).text()
        assert "Decree 244/2026/ND-CP, Art. 3" in text, url
        assert "Decree 09/2017" not in text, url
    vi = browser(new_web, lang="vi").get("/spokespersons").text
    assert "Điều 3 Nghị định 244/2026/NĐ-CP" in html(vi).text()


@pytest.mark.clock("2026-06-15T10:00+07:00")
def test_the_pages_cite_decree_09_before(db: Session, new_web: NewWeb) -> None:
    w = World(db)
    office = browser(new_web, w.editor_user)
    for url in ("/spokespersons", "/office/spokespersons"):
        text = html(office.get(url).text).text()
        assert "Decree 09/2017/ND-CP, Art. 3" in text, url
        assert "244/2026" not in text and "within 24 hours" not in text, url


# --- The demo ----------------------------------------------------------------------------------


def test_the_demo_register_shows_communes_decisions_authorisations_and_a_late_entry(
    db: Session, settings: Any, new_web: NewWeb
) -> None:
    seed_demo(db, settings)
    view = register_view(db, on=TODAY)
    communes = [g for g in view.groups if g.level == "commune" and g.current]
    assert len(communes) >= 4
    late = view.late
    assert len(late) == 1 and late[0].organisation.code == "DK-COTO"
    assert any(e.missing == ("email",) for e in view.incomplete)
    department = next(g for g in view.groups if g.organisation.code == "SNNMT")
    regular = [e.person for e in department.current if e.person.role == "spokesperson"]
    assert regular and regular[0].decision_number and regular[0].decision_date
    heads = {p.id: p for p in db.exec(select(Spokesperson).where(Spokesperson.role == "head"))}
    authorised = db.exec(select(Spokesperson).where(Spokesperson.role == "authorised")).all()
    assert authorised and all(
        p.matter
        and p.valid_to
        and heads[p.authorised_by_id or 0].organisation_id == p.organisation_id
        for p in authorised
    )
    everyone = db.exec(select(Spokesperson)).all()
    assert all("(demo)" in p.full_name for p in everyone)
    assert all(p.email.endswith(".demo") for p in everyone if p.email)
    assert orgs.get_by_code(db, "DK-COTO") is not None
