"""Journalists' accounts as they and the office meet them: registering (with an agency that is not
listed), the page after it, the office matching or adding the agency, the notices and e-mails of
verification and rejection, the profile with the press card, and the card's expiry."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.accounts import journalists
from app.accounts.models import Role, User, UserStatus
from app.audit.models import AuditEvent
from app.config import Settings
from app.notifications import service as notices
from app.notifications.models import Notice, NoticeKind, OutboxMessage
from app.orgs.models import Organisation, OrganisationName, OrgKind
from app.timeutil import utcnow
from tests.conftest import WebClient, make_settings, page_text
from tests.factories import PASSWORD, make_org, make_user
from tests.support import as_sender

NEW_PASSWORD = "violet-granite-ferry-2031"
AGENCY_GIVEN = "Tạp chí Du lịch Hạ Long"


def register_form(**over: str) -> dict[str, str]:
    form = {
        "full_name": "Phóng viên Tự Do",
        "email": "pv.tudo@dulichhalong.vn",
        "organisation_id": "other",
        "agency_name": AGENCY_GIVEN,
        "press_card_number": "DL-2026-01",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    form.update(over)
    return form


def fresh(db: Session, user_id: int | None) -> User:
    db.expire_all()
    user = db.get(User, user_id)
    assert user is not None
    return user


def notices_of(db: Session, user: User, kind: NoticeKind) -> list[Notice]:
    db.expire_all()
    query = select(Notice).where(Notice.user_id == user.id, Notice.kind == kind)
    return list(db.exec(query).all())


@pytest.fixture
def mail_settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path, smtp_host="127.0.0.1", smtp_security="none")


def mails_to(db: Session, address: str) -> list[OutboxMessage]:
    db.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.to_address == address)
    return list(db.exec(query.order_by(col(OutboxMessage.id))).all())


def office_browser(db: Session, new_web: Any) -> WebClient:
    web = new_web()
    assert web.login(make_user(db, Role.PRESS_OFFICE).email, PASSWORD).status_code == 303
    return web


# --- Registering -----------------------------------------------------------------------------


def test_registering_with_a_listed_agency_redirects_to_what_happens_next(
    db: Session, web: WebClient
) -> None:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Quảng Ninh")
    r = web.post("/register", register_form(organisation_id=str(agency.id), agency_name=""))
    assert r.status_code == 303 and r.headers["location"] == "/register/received"
    page = page_text(web.get("/register/received").text)
    assert "Đã nhận đăng ký" in page and "Các bước tiếp theo" in page
    user = db.exec(select(User).where(User.email == "pv.tudo@dulichhalong.vn")).one()
    assert (user.status, user.organisation_id, user.agency_name_given) == (
        UserStatus.PENDING,
        agency.id,
        None,
    )
    # A refresh of the page after it only reads that page: nothing is registered twice.
    web.get("/register/received")
    assert len(db.exec(select(User)).all()) == 1


def test_my_agency_is_not_listed_keeps_the_name_written(db: Session, web: WebClient) -> None:
    page = web.get("/register").text
    assert 'value="other"' in page and "Cơ quan của tôi không có trong danh sách" in page
    r = web.post("/register", register_form())
    assert r.status_code == 303
    user = db.exec(select(User).where(User.email == "pv.tudo@dulichhalong.vn")).one()
    assert (user.organisation_id, user.agency_name_given) == (None, AGENCY_GIVEN)


def test_not_listed_without_a_name_or_no_agency_is_told_beside_the_field(
    db: Session, web: WebClient
) -> None:
    r = web.post("/register", register_form(agency_name="  "))
    assert r.status_code == 422
    assert 'id="f-agency_name-error"' in r.text
    assert "Hãy nhập tên cơ quan báo chí của bạn." in page_text(r.text)
    r = web.post("/register", register_form(organisation_id=""))
    assert r.status_code == 422 and 'id="f-organisation_id-error"' in r.text
    assert db.exec(select(User)).first() is None


# --- The office decides ------------------------------------------------------------------------


def _registered(db: Session, web: WebClient, **over: str) -> User:
    assert web.post("/register", register_form(**over)).status_code == 303
    return db.exec(select(User).where(User.email == "pv.tudo@dulichhalong.vn")).one()


def test_office_matches_the_named_agency_to_one_in_the_registry(
    db: Session, web: WebClient, new_web: Any
) -> None:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Tạp chí Du lịch Hạ Long (cũ)")
    journalist = _registered(db, web)
    office = office_browser(db, new_web)
    page = page_text(office.get("/office/journalists").text)
    assert AGENCY_GIVEN in page and "chưa có trong danh sách" in page

    r = office.post(f"/office/journalists/{journalist.id}/verify", {"agency": ""})
    assert r.status_code == 422 and f'id="f-agency-{journalist.id}-error"' in r.text
    assert fresh(db, journalist.id).status == UserStatus.PENDING

    r = office.post(f"/office/journalists/{journalist.id}/verify", {"agency": str(agency.id)})
    assert r.status_code == 303
    user = fresh(db, journalist.id)
    assert (user.status, user.organisation_id) == (UserStatus.ACTIVE, agency.id)
    assert len(db.exec(select(Organisation)).all()) == 1  # nothing added


def test_office_adds_the_named_agency_as_a_new_press_agency(
    db: Session, web: WebClient, new_web: Any
) -> None:
    journalist = _registered(db, web)
    office = office_browser(db, new_web)
    form = {"agency": "new", "code": "", "name_vi": AGENCY_GIVEN, "name_en": "Ha Long Travel"}
    r = office.post(f"/office/journalists/{journalist.id}/verify", form)
    assert r.status_code == 422 and f'id="f-code-{journalist.id}-error"' in r.text
    assert db.exec(select(Organisation)).first() is None

    r = office.post(f"/office/journalists/{journalist.id}/verify", form | {"code": "TCDLHL"})
    assert r.status_code == 303
    user = fresh(db, journalist.id)
    org = db.get(Organisation, user.organisation_id)
    assert org is not None and (org.kind, org.code) == (OrgKind.PRESS_AGENCY, "TCDLHL")
    name = db.exec(select(OrganisationName).where(OrganisationName.organisation_id == org.id)).one()
    assert (name.name_vi, name.name_en) == (AGENCY_GIVEN, "Ha Long Travel")
    assert user.status == UserStatus.ACTIVE
    # The new agency is offered to the next journalist who registers.
    assert AGENCY_GIVEN in web.get("/register").text
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()]
    assert actions[-2:] == ["organisation.created", "journalist.verified"]


def test_verified_and_rejected_journalists_get_a_notice_and_an_e_mail(
    db: Session, web: WebClient, new_web: Any, mail_settings: Settings
) -> None:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY)
    journalist = _registered(db, web, organisation_id=str(agency.id), agency_name="")
    office = office_browser(db, new_web)
    reason = "Số thẻ nhà báo không khớp với danh sách của Bộ"
    office.post(f"/office/journalists/{journalist.id}/reject", {"reason": reason})

    rejected = notices_of(db, journalist, NoticeKind.JOURNALIST_REJECTED)
    assert len(rejected) == 1 and rejected[0].params == {"reason": reason}
    as_sender(notices.mail_notices, db, mail_settings, utcnow())
    (mail,) = mails_to(db, journalist.email)  # rejected, and still told by e-mail
    assert mail.subject == f"Đăng ký nhà báo của bạn không được chấp nhận: {reason}"
    # They see it on their profile too, with the reason.
    assert web.login(journalist.email, NEW_PASSWORD).status_code == 303
    assert reason in page_text(web.get("/account/profile").text)

    office.post(f"/office/journalists/{journalist.id}/verify")
    assert len(notices_of(db, journalist, NoticeKind.JOURNALIST_VERIFIED)) == 1
    as_sender(notices.mail_notices, db, mail_settings, utcnow())
    mails = mails_to(db, journalist.email)
    assert len(mails) == 2 and "đã được xác minh" in mails[1].subject
    assert "đã được xác minh" in page_text(web.get("/notices").text)


def test_a_disabled_journalist_is_not_e_mailed(db: Session, mail_settings: Settings) -> None:
    user = make_user(db, Role.JOURNALIST, status=UserStatus.DISABLED)
    notices.notify(db, [user], NoticeKind.JOURNALIST_REJECTED, params={"reason": "x"}, link="/")
    db.commit()
    as_sender(notices.mail_notices, db, mail_settings, utcnow())
    assert mails_to(db, user.email) == []


# --- The profile -------------------------------------------------------------------------------


def signed_in_journalist(db: Session, web: WebClient, **over: Any) -> User:
    agency = make_org(db, kind=OrgKind.PRESS_AGENCY, name_vi="Báo Hạ Long")
    user = make_user(db, Role.JOURNALIST, org=agency, press_card_number="HL-001", **over)
    assert web.login(user.email, PASSWORD).status_code == 303
    return user


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_profile_keeps_the_card_and_a_new_number_needs_verification_again(
    db: Session, web: WebClient
) -> None:
    user = signed_in_journalist(db, web)
    html = web.get("/account/profile").text
    page = page_text(html)
    assert "Báo Hạ Long" in page and 'value="HL-001"' in html
    assert "phải xác minh lại tài khoản" in page  # said before saving

    r = web.post(
        "/account/profile", {"press_card_number": "HL-001", "press_card_expires_on": "31/12/2027"}
    )
    assert r.status_code == 303
    saved = fresh(db, user.id)
    assert (saved.press_card_expires_on, saved.status) == (date(2027, 12, 31), UserStatus.ACTIVE)

    r = web.post(
        "/account/profile", {"press_card_number": "hl-002", "press_card_expires_on": "2027-12-31"}
    )
    assert r.status_code == 303
    assert "xác minh lại" in page_text(web.get("/account/profile").text)
    saved = fresh(db, user.id)
    assert (saved.press_card_number, saved.status) == ("HL-002", UserStatus.PENDING)
    # Pending again: the office sees them waiting; the profile stays open to them.
    assert web.get("/account/profile").status_code == 200
    assert web.get("/questions/new").status_code in (303, 403)


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_profile_errors_are_shown_beside_the_fields(db: Session, web: WebClient) -> None:
    user = signed_in_journalist(db, web)
    r = web.post("/account/profile", {"press_card_number": "", "press_card_expires_on": "1/1/2026"})
    assert r.status_code == 422
    assert 'id="f-press_card_number-error"' in r.text
    assert 'id="f-press_card_expires_on-error"' in r.text
    assert "Thẻ này đã hết hạn" in page_text(r.text)
    assert fresh(db, user.id).press_card_number == "HL-001"


def test_only_journalists_have_a_profile(db: Session, web: WebClient) -> None:
    office = make_user(db, Role.PRESS_OFFICE)
    assert web.login(office.email, PASSWORD).status_code == 303
    assert web.get("/account/profile").status_code == 403


# --- Expiry ------------------------------------------------------------------------------------


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_a_card_expiring_within_a_month_is_told_once(db: Session, settings: Settings) -> None:
    soon = make_user(
        db, Role.JOURNALIST, press_card_number="A-1", press_card_expires_on=date(2026, 12, 20)
    )
    later = make_user(
        db, Role.JOURNALIST, press_card_number="A-2", press_card_expires_on=date(2027, 3, 1)
    )
    for _ in range(3):  # every sender run
        as_sender(journalists.press_card_reminders, db, settings, utcnow())
    (notice,) = notices_of(db, soon, NoticeKind.PRESS_CARD_EXPIRING)
    assert notice.params == {"card": "A-1", "date": "20/12/2026"}
    assert notices_of(db, later, NoticeKind.PRESS_CARD_EXPIRING) == []
    assert fresh(db, soon.id).status == UserStatus.ACTIVE


@pytest.mark.clock("2026-12-04T10:00+07:00")
def test_an_expired_card_sends_the_account_back_to_verification_once(
    db: Session, settings: Settings, new_web: Any
) -> None:
    user = make_user(
        db, Role.JOURNALIST, press_card_number="B-1", press_card_expires_on=date(2026, 12, 3)
    )
    as_sender(journalists.press_card_reminders, db, settings, utcnow())
    assert fresh(db, user.id).status == UserStatus.PENDING
    (notice,) = notices_of(db, user, NoticeKind.PRESS_CARD_EXPIRED)
    assert notice.params["date"] == "03/12/2026"

    # The office verifies them again (it saw the new card): the job does not undo it.
    office = office_browser(db, new_web)
    assert office.post(f"/office/journalists/{user.id}/verify").status_code == 303
    as_sender(journalists.press_card_reminders, db, settings, utcnow() + timedelta(hours=1))
    assert fresh(db, user.id).status == UserStatus.ACTIVE
    assert len(notices_of(db, user, NoticeKind.PRESS_CARD_EXPIRED)) == 1
    page = page_text(office.get("/office/journalists").text)
    assert "Đã hết hạn" in page  # the office sees the card has expired


def test_the_api_does_not_verify_a_journalist_without_an_agency(
    db: Session, web: WebClient, new_web: Any
) -> None:
    journalist = _registered(db, web, agency_name="<script>alert(1)</script> Báo Mới")
    office = office_browser(db, new_web)
    page = office.get("/office/journalists").text
    assert "<script>alert(1)</script>" not in page  # the name written is shown escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Báo Mới" in page
    token = office.csrf()
    r = office.client.post(
        f"/api/v1/journalists/{journalist.id}/verify", headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert fresh(db, journalist.id).status == UserStatus.PENDING
    listed = office.get("/api/v1/journalists?status=pending").json()
    assert [(j["agency_id"], j["agency_name_given"]) for j in listed] == [
        (None, "<script>alert(1)</script> Báo Mới")
    ]
