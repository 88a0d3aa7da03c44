"""Files attached to answers: the lead department (or the office) attaches them to the draft, they
are checked like every upload (disguised → 415, too large → 413, nothing kept), whoever adds or
removes one has edited the draft (and may not approve it), and they are downloads for exactly
those who may read the answer: staff on the question, the journalist once approved, everyone
once published as Q&A on the briefing's page.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.errors import FileTooLarge
from app.orgs.models import Organisation, OrgKind
from app.questions import service
from app.questions.models import AnswerFile, Question, QuestionStatus
from app.storage import LocalStore
from tests.conftest import WebClient
from tests.factories import PASSWORD, PNG_1PX, make_briefing, make_org, make_user, pdf_bytes

SYSTEM = Actor.system("test")
PDF = "application/pdf"
TEXT = "Tiến độ giải phóng mặt bằng dự án cao tốc Vân Đồn – Móng Cái thế nào?"

NewWeb = Callable[[], WebClient]


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.email, user.role.value, user.organisation_id, None)


def signed_in(new_web: NewWeb, db: Session, role: Role, **over: Any) -> tuple[WebClient, User]:
    web = new_web()
    user = make_user(db, role=role, **over)
    web.client.cookies.set("pd_lang", "en")
    assert web.login(user.email, PASSWORD).status_code == 303
    return web, user


def upload(web: WebClient, url: str, *files: tuple[str, bytes, str]) -> Any:
    return web.client.post(
        url, data={"csrf_token": web.csrf()}, files=[("files", f) for f in files]
    )


def stored_files(db: Session) -> list[AnswerFile]:
    db.expire_all()
    return list(db.exec(select(AnswerFile).order_by(AnswerFile.id)).all())  # type: ignore[arg-type]


def on_disk(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def audited(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


@dataclass
class World:
    org: Organisation
    dept: WebClient
    dept_user: User
    other_dept: WebClient
    office: WebClient
    office_user: User
    office_2: WebClient
    journalist: WebClient
    journalist_user: User
    other_journalist: WebClient
    anonymous: WebClient
    question: Question
    folder: Path

    @property
    def dept_base(self) -> str:
        return f"/dept/questions/{self.question.id}"

    @property
    def office_base(self) -> str:
        return f"/office/questions/{self.question.id}"


@pytest.fixture
def w(db: Session, new_web: NewWeb, app: Any) -> World:
    org = make_org(db, name_en="Department of Construction", name_vi="Sở Xây dựng")
    other = make_org(db, name_en="Department of Health", name_vi="Sở Y tế")
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_en="Test News", name_vi="Báo Thử")
    briefing = make_briefing(db, days_ahead=7, announced=True)
    dept, dept_user = signed_in(new_web, db, Role.DEPARTMENT, org=org)
    other_dept, _ = signed_in(new_web, db, Role.DEPARTMENT, org=other)
    office, office_user = signed_in(new_web, db, Role.PRESS_OFFICE)
    office_2, _ = signed_in(new_web, db, Role.PRESS_OFFICE)
    journalist, journalist_user = signed_in(new_web, db, Role.JOURNALIST, org=agency)
    other_journalist, _ = signed_in(new_web, db, Role.JOURNALIST, org=agency)
    anonymous = new_web()
    anonymous.client.cookies.set("pd_lang", "en")
    q, _created = service.ask(
        db,
        actor=actor_of(journalist_user),
        data=service.QuestionInput(text=TEXT, briefing_id=briefing.id),
        rate_limit=100,
        rate_window_minutes=10,
    )
    service.assign(db, actor=SYSTEM, question_id=q.id or 0, lead_org_id=org.id)
    return World(
        org,
        dept,
        dept_user,
        other_dept,
        office,
        office_user,
        office_2,
        journalist,
        journalist_user,
        other_journalist,
        anonymous,
        q,
        app.state.settings.upload_dir,
    )


def draft(web: WebClient, base: str, public: bool = False) -> None:
    page = web.get(base).text
    revision = page.split(f'action="{base}/answer"', 1)[1].split('name="revision" value="', 1)[1]
    form = {
        "kind": "answer",
        "text": "Đã giải phóng 95% mặt bằng; xem báo cáo kèm theo.",
        "intent": "send",
    }
    if public:
        form["public"] = "1"
    r = web.post(f"{base}/answer", form | {"revision": revision.split('"', 1)[0]})
    assert r.status_code == 303, r.text


def approve(web: WebClient, base: str) -> Any:
    page = web.get(base).text
    part = page.split(f'action="{base}/approve"', 1)[1]
    revision = part.split('name="revision" value="', 1)[1].split('"', 1)[0]
    return web.post(f"{base}/approve", {"revision": revision})


def file_url(w: World, f: AnswerFile) -> str:
    return f"/questions/{w.question.id}/files/{f.id}"


# --- Attaching -----------------------------------------------------------------------------------


def test_the_lead_department_attaches_a_report_to_its_draft(w: World, db: Session) -> None:
    draft(w.dept, w.dept_base)
    report = pdf_bytes("Báo cáo tiến độ")

    r = upload(
        w.dept,
        f"{w.dept_base}/answer/attachments",
        ("Báo cáo tiến độ.pdf", report, PDF),
        ("so-do.png", PNG_1PX, "image/png"),
    )

    assert r.status_code == 303
    assert r.headers["location"] == f"{w.dept_base}#draft"
    f1, f2 = stored_files(db)
    assert (f1.filename, f1.size, f2.filename) == ("Báo cáo tiến độ.pdf", len(report), "so-do.png")
    assert (w.folder / f1.stored_name).read_bytes() == report
    assert not [n for n in on_disk(w.folder) if n.endswith(".part")]
    assert {e.summary for e in audited(db, "answer.file_added")} == {
        f"Báo cáo tiến độ.pdf ({len(report)} B)",
        f"so-do.png ({len(PNG_1PX)} B)",
    }
    for web, base in ((w.dept, w.dept_base), (w.office, w.office_base)):
        assert file_url(w, f1) in web.get(base).text
    got = w.office.get(file_url(w, f1))
    assert got.status_code == 200 and got.content == report
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"


def test_files_need_a_saved_draft_first(w: World, db: Session) -> None:
    r = upload(w.dept, f"{w.dept_base}/answer/attachments", ("a.pdf", pdf_bytes(), PDF))

    assert r.status_code == 422
    assert "Save the draft&#39;s text first, then attach files." in r.text
    assert 'id="f-answer-files-error"' in r.text
    assert stored_files(db) == [] and on_disk(w.folder) == []


def test_a_disguised_file_is_refused_with_415_and_nothing_is_kept(w: World, db: Session) -> None:
    draft(w.dept, w.dept_base)

    r = upload(
        w.dept,
        f"{w.dept_base}/answer/attachments",
        ("good.pdf", pdf_bytes(), PDF),
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200, PDF),
    )

    assert r.status_code == 415
    assert "The content of “virus.pdf” is not a PDF file." in r.text
    assert stored_files(db) == [] and on_disk(w.folder) == []
    assert audited(db, "answer.file_added") == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(w: World, db: Session) -> None:
    service.save_answer(
        db,
        actor=SYSTEM,
        question_id=w.question.id or 0,
        data=service.AnswerInput(text="Trả lời."),
    )
    with pytest.raises(FileTooLarge):
        service.add_answer_files(
            db,
            actor=SYSTEM,
            question_id=w.question.id or 0,
            files=[("nho.png", io.BytesIO(PNG_1PX)), ("lon.pdf", io.BytesIO(pdf_bytes()))],
            store=LocalStore(w.folder),
            max_bytes=1024,
            max_files=5,
        )
    assert stored_files(db) == [] and on_disk(w.folder) == []


def test_only_the_lead_may_attach_others_get_403_or_404(w: World, db: Session) -> None:
    draft(w.dept, w.dept_base)
    r = upload(w.other_dept, f"{w.dept_base}/answer/attachments", ("a.pdf", pdf_bytes(), PDF))
    assert r.status_code == 404
    r = upload(w.journalist, f"{w.dept_base}/answer/attachments", ("a.pdf", pdf_bytes(), PDF))
    assert r.status_code == 403
    assert stored_files(db) == [] and on_disk(w.folder) == []


def test_removing_a_file_takes_it_off_the_draft_and_the_disk(w: World, db: Session) -> None:
    draft(w.dept, w.dept_base)
    upload(w.dept, f"{w.dept_base}/answer/attachments", ("a.pdf", pdf_bytes(), PDF))
    (f,) = stored_files(db)
    url = file_url(w, f)

    r = w.dept.post(f"{w.dept_base}/answer/files/{f.id}/remove")

    assert r.status_code == 303
    assert stored_files(db) == [] and on_disk(w.folder) == []
    assert [e.summary for e in audited(db, "answer.file_removed")] == ["a.pdf"]
    assert w.office.get(url).status_code == 404


def test_whoever_attaches_a_file_has_edited_the_draft_and_may_not_approve_it(
    w: World, db: Session, new_web: NewWeb
) -> None:
    draft(w.office, w.office_base)  # drafted by the first office user
    upload(w.office_2, f"{w.office_base}/answer/attachments", ("a.pdf", pdf_bytes(), PDF))

    r = approve(w.office_2, w.office_base)
    assert r.status_code == 403
    assert "You drafted or edited this answer" in r.text
    spokesperson, _ = signed_in(new_web, db, Role.SPOKESPERSON)
    assert approve(spokesperson, w.office_base).status_code == 303
    db.expire_all()
    assert db.get(Question, w.question.id).status == QuestionStatus.ANSWERED  # type: ignore[union-attr]
    # an approved answer is no longer a draft: its files cannot change
    r = upload(w.office, f"{w.office_base}/answer/attachments", ("b.pdf", pdf_bytes(), PDF))
    assert r.status_code == 409
    assert len(stored_files(db)) == 1


# --- Who may download ----------------------------------------------------------------------------


def test_a_draft_file_is_for_staff_only_until_approved(w: World, db: Session) -> None:
    draft(w.dept, w.dept_base, public=True)
    upload(w.dept, f"{w.dept_base}/answer/attachments", ("a.pdf", pdf_bytes(), PDF))
    (f,) = stored_files(db)
    url = file_url(w, f)

    assert w.dept.get(url).status_code == 200
    assert w.office.get(url).status_code == 200
    for web in (w.journalist, w.other_journalist, w.other_dept, w.anonymous):
        assert web.get(url).status_code == 404
    assert w.anonymous.get(f"/questions/{(w.question.id or 0) + 1}/files/{f.id}").status_code == 404


def test_after_approval_the_asker_gets_the_file_and_a_public_answer_is_for_everyone(
    w: World, db: Session
) -> None:
    draft(w.dept, w.dept_base, public=True)
    upload(w.dept, f"{w.dept_base}/answer/attachments", ("Bao cao.pdf", pdf_bytes(), PDF))
    (f,) = stored_files(db)
    url = file_url(w, f)
    assert approve(w.office, w.office_base).status_code == 303

    tracker = w.journalist.get(f"/questions/{w.question.id}").text
    assert url in tracker and "Bao cao.pdf" in tracker
    assert w.journalist.get(url).status_code == 200
    for web in (w.other_journalist, w.anonymous):  # published as Q&A: anyone may download
        r = web.get(url)
        assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    page = w.anonymous.get(f"/briefings/{w.question.briefing_id}").text
    assert url in page


def test_a_private_answers_file_stays_with_the_asker(w: World, db: Session) -> None:
    draft(w.dept, w.dept_base, public=False)
    upload(w.dept, f"{w.dept_base}/answer/attachments", ("a.pdf", pdf_bytes(), PDF))
    (f,) = stored_files(db)
    assert approve(w.office, w.office_base).status_code == 303

    assert w.journalist.get(file_url(w, f)).status_code == 200
    assert w.other_journalist.get(file_url(w, f)).status_code == 404
    assert w.anonymous.get(file_url(w, f)).status_code == 404
    assert file_url(w, f) not in w.anonymous.get(f"/briefings/{w.question.briefing_id}").text


def test_the_api_lists_an_answers_files_with_their_download_address(w: World, db: Session) -> None:
    draft(w.dept, w.dept_base)
    upload(w.dept, f"{w.dept_base}/answer/attachments", ("a.pdf", pdf_bytes(), PDF))
    (f,) = stored_files(db)

    r = w.office.get(f"/api/v1/questions/{w.question.id}")

    assert r.status_code == 200
    (answer,) = r.json()["answers"]
    assert [(x["filename"], x["url"]) for x in answer["files"]] == [("a.pdf", file_url(w, f))]
    assert answer["files"][0]["sha256"] == f.sha256
