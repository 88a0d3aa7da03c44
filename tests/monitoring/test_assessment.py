"""The office's work on a press item, on both databases: its assessment, organisations asked to
verify it by a time (told, and only they see it), their answers (the office told), and its
escalation to a sudden matter of Art. 7(6) that the yearly report's figure 6 counts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role
from app.annual.figures import compute
from app.audit.models import AuditEvent
from app.incidents.models import Matter
from app.law.rulesets import current
from app.monitoring.models import PressItem, Tone
from app.notifications.models import Notice, NoticeKind
from app.orgs.models import OrgKind
from app.timeutil import local_today, to_local, utcnow
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, PNG_1PX, make_org, make_user, pdf_bytes


def moment(delta: timedelta) -> str:
    return to_local(utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Thử nghiệm")
    health = make_org(db, kind=OrgKind.DEPARTMENT, name_vi="Sở Y tế")
    other = make_org(db, kind=OrgKind.DEPARTMENT, name_vi="Sở Du lịch")
    item = PressItem(
        outlet="Báo Thử nghiệm",
        organisation_id=agency.id,
        url="https://baothu.example.vn/dich-benh-mong-cai.html",
        url_key="k1",
        title="Tin sai về dịch bệnh tại Móng Cái",
        excerpt="Bài báo nói có ổ dịch mới.",
        published_at=utcnow() - timedelta(hours=3),
    )
    db.add(item)
    db.commit()
    return {
        "item": item,
        "agency": agency,
        "health": health,
        "other": other,
        "office": make_user(db, Role.PRESS_OFFICE),
        "health_user": make_user(db, Role.DEPARTMENT, org=health),
        "other_user": make_user(db, Role.DEPARTMENT, org=other),
    }


def signed_in(new_web: Any, user: Any) -> WebClient:
    web = new_web()
    assert web.login(user.email, PASSWORD).status_code == 303
    return web


def test_the_office_assesses_asks_a_department_and_reads_its_answer(
    db: Session, new_web: Any, world: dict[str, Any]
) -> None:
    office = signed_in(new_web, world["office"])
    item_id = world["item"].id
    bad = office.post(
        f"/office/monitoring/items/{item_id}/assess",
        {"tone": "", "importance": "high", "note": "Cần xác minh"},
    )
    assert bad.status_code == 422 and 'id="f-tone-error"' in bad.text
    assert ">Cần xác minh</textarea>" in bad.text
    r = office.post(
        f"/office/monitoring/items/{item_id}/assess",
        {"tone": "false", "importance": "high", "note": "Sai"},
    )
    assert r.status_code == 303
    db.expire_all()
    assert db.get(PressItem, item_id).tone == Tone.FALSE  # type: ignore[union-attr]

    past = office.post(
        f"/office/monitoring/items/{item_id}/assign",
        {"organisation_ids": [str(world["health"].id)], "due_at": moment(-timedelta(hours=1))},
    )
    assert past.status_code == 422
    assert "Thời hạn phải ở tương lai." in page_text(past.text)
    r = office.post(
        f"/office/monitoring/items/{item_id}/assign",
        {"organisation_ids": [str(world["health"].id)], "due_at": moment(timedelta(hours=4))},
    )
    assert r.status_code == 303
    told = db.exec(select(Notice).where(Notice.kind == NoticeKind.PRESS_ITEM_ASSIGNED)).all()
    assert [n.user_id for n in told] == [world["health_user"].id]

    dept = signed_in(new_web, world["health_user"])
    assert "Tin sai về dịch bệnh tại Móng Cái" in dept.get("/dept/monitoring").text
    outsider = signed_in(new_web, world["other_user"])
    assert outsider.get(f"/dept/monitoring/{item_id}").status_code == 404
    assert outsider.post(f"/dept/monitoring/{item_id}", {"answer": "Sai"}).status_code == 404
    assert "Tin sai về dịch bệnh" not in outsider.get("/dept/monitoring").text

    assert dept.post(f"/dept/monitoring/{item_id}", {"answer": "  "}).status_code == 422
    r = dept.post(
        f"/dept/monitoring/{item_id}", {"answer": "Không có ổ dịch mới; kết quả giám sát kèm theo."}
    )
    assert r.status_code == 303
    page = office.get(f"/office/monitoring/items/{item_id}").text
    assert "Không có ổ dịch mới; kết quả giám sát kèm theo." in page
    told = db.exec(select(Notice).where(Notice.kind == NoticeKind.PRESS_ITEM_ANSWERED)).all()
    assert told and {n.user_id for n in told} >= {world["office"].id}
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    for action in ("press_item.assessed", "press_item.assigned", "press_item.answered"):
        assert action in actions


def test_a_false_report_escalates_to_a_matter_that_figure_6_counts(
    db: Session, new_web: Any, world: dict[str, Any]
) -> None:
    office = signed_in(new_web, world["office"])
    item_id = world["item"].id
    form = {
        "kind": "art7_6",
        "clock_started_at": moment(-timedelta(minutes=30)),
        "agency_id": "",
        "organisation_ids": [str(world["health"].id)],
    }
    bad = office.post(f"/office/monitoring/items/{item_id}/escalate", form)
    assert bad.status_code == 422 and db.exec(select(Matter)).all() == []
    form["agency_id"] = str(world["agency"].id)
    r = office.post(f"/office/monitoring/items/{item_id}/escalate", form)
    assert r.status_code == 303
    [matter] = db.exec(select(Matter)).all()
    assert r.headers["location"] == f"/office/incidents/{matter.id}"
    assert matter.kind == "art7_6" and matter.agency_id == world["agency"].id
    assert matter.article_title == "Tin sai về dịch bệnh tại Móng Cái"
    assert matter.article_url == "https://baothu.example.vn/dich-benh-mong-cai.html"
    db.expire_all()
    item = db.get(PressItem, item_id)
    assert item is not None and item.matter_id == matter.id and item.tone == Tone.FALSE
    # Once only.
    assert office.post(f"/office/monitoring/items/{item_id}/escalate", form).status_code == 422
    assert len(db.exec(select(Matter)).all()) == 1
    today = local_today()
    [six] = [
        f for f in compute(db, current(), today - timedelta(days=7), today) if f.spec.number == 6
    ]
    assert [i.id for i in (six.total or ())] == [matter.id]


def test_the_correction_request_is_drafted_from_the_matter(
    db: Session, new_web: Any, world: dict[str, Any]
) -> None:
    office = signed_in(new_web, world["office"])
    item_id = world["item"].id
    form = {
        "kind": "art7_6",
        "clock_started_at": moment(-timedelta(minutes=30)),
        "agency_id": str(world["agency"].id),
        "organisation_ids": [],
    }
    assert office.post(f"/office/monitoring/items/{item_id}/escalate", form).status_code == 303
    [matter] = db.exec(select(Matter)).all()
    page = office.get(f"/office/statements/new?matter={matter.id}")
    assert page.status_code == 200
    assert 'value="Tin sai về dịch bệnh tại Móng Cái"' in page.text  # the article
    assert f'<input type="hidden" name="matter" value="{matter.id}">' in page.text
    assert "Căn cứ khoản 6 Điều 7 Nghị định 244/2026/NĐ-CP" in page.text  # the grounds
    assert office.get("/office/statements/new?matter=999999").status_code == 404


def test_files_come_with_an_item_entered_by_hand_and_with_an_answer(
    db: Session, app: Any, new_web: Any, world: dict[str, Any]
) -> None:
    office = signed_in(new_web, world["office"])
    form = {
        "outlet": "Báo in X",
        "medium": "print",
        "title": "Bài báo in về Móng Cái",
        "published_on": "2026-12-03",
        "csrf_token": office.csrf(),
    }
    disguised = office.client.post(
        "/office/monitoring/items/new",
        data=form,
        files={"file": ("trang-bao.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert disguised.status_code == 415 and 'value="Bài báo in về Móng Cái"' in disguised.text
    assert db.exec(select(PressItem).where(PressItem.outlet == "Báo in X")).all() == []
    assert not any(p.is_file() for p in app.state.settings.upload_dir.glob("*"))  # nothing left
    r = office.client.post(
        "/office/monitoring/items/new",
        data=form,
        files={"file": ("trang-bao.png", PNG_1PX, "image/png")},
    )
    assert r.status_code == 303
    item = db.exec(select(PressItem).where(PressItem.outlet == "Báo in X")).one()
    got = office.get(f"/office/monitoring/items/{item.id}/file")
    assert got.status_code == 200 and got.content == PNG_1PX
    assert got.headers["content-disposition"].startswith("attachment")
    # A department asked to verify the item reads its file too; one not asked gets 404.
    office.post(
        f"/office/monitoring/items/{item.id}/assign",
        {"organisation_ids": [str(world["health"].id)], "due_at": moment(timedelta(hours=4))},
    )
    asked = signed_in(new_web, world["health_user"])
    assert (
        f'href="/dept/monitoring/{item.id}/file"' in asked.get(f"/dept/monitoring/{item.id}").text
    )
    mine = asked.get(f"/dept/monitoring/{item.id}/file")
    assert mine.status_code == 200 and mine.content == PNG_1PX
    assert mine.headers["content-disposition"].startswith("attachment")
    not_asked = signed_in(new_web, world["other_user"])
    assert not_asked.get(f"/dept/monitoring/{item.id}/file").status_code == 404

    # The department answers with a document; the office reads it, another department cannot.
    item_id = world["item"].id
    office.post(
        f"/office/monitoring/items/{item_id}/assign",
        {"organisation_ids": [str(world["health"].id)], "due_at": moment(timedelta(hours=4))},
    )
    dept = signed_in(new_web, world["health_user"])
    r = dept.client.post(
        f"/dept/monitoring/{item_id}",
        data={"answer": "Không có ổ dịch mới.", "csrf_token": dept.csrf()},
        files=[("files", ("ket-qua.pdf", pdf_bytes(), "application/pdf"))],
    )
    assert r.status_code == 303
    page = office.get(f"/office/monitoring/items/{item_id}").text
    href = re.search(rf'href="(/office/monitoring/items/{item_id}/answers/\d+)"', page)
    assert href is not None and "ket-qua.pdf" in page
    assert office.get(href.group(1)).content.startswith(b"%PDF")
    file_id = href.group(1).rsplit("/", 1)[1]
    assert dept.get(f"/dept/monitoring/{item_id}/files/{file_id}").status_code == 200
    outsider = signed_in(new_web, world["other_user"])
    assert outsider.get(f"/dept/monitoring/{item_id}/files/{file_id}").status_code == 404
