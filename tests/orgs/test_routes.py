"""The organisation admin pages: list, filter, add, rename, retire, HTMX fragments, access."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.orgs import service
from app.orgs.models import Organisation, OrgKind
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_org, make_user

LIST = "/admin/organisations"
HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
NON_ADMIN_ROLES = [Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.DEPARTMENT, Role.JOURNALIST]


def sign_in(web: WebClient, db: Session, role: Role = Role.ADMIN) -> WebClient:
    user = make_user(db, role=role)
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return web


@pytest.fixture
def admin(web: WebClient, db: Session) -> WebClient:
    return sign_in(web, db)


def tag(html: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    found = re.findall(rf'<(?:input|select|textarea)[^>]*\bid="{element_id}"[^>]*>', html)
    assert len(found) == 1, found
    return found[0]


def valid_form(**over: str) -> dict[str, Any]:
    form = {
        "code": "smoi",
        "kind": "department",
        "name_vi": "Sở Mới",
        "name_en": "New Department",
        "valid_from": "2025-03-01",
    }
    form.update(over)
    return form


def stored(db: Session, code: str) -> Organisation | None:
    db.expire_all()
    return service.get_by_code(db, code)


# --- The list ---------------------------------------------------------------------------------


def test_admin_sees_the_organisations_with_their_current_names(
    admin: WebClient, db: Session
) -> None:
    make_org(db, code="SYT", name_vi="Sở Y tế", name_en="Department of Health")
    make_org(db, code="TTXVN", name_vi="Thông tấn xã Việt Nam", kind=OrgKind.PRESS_AGENCY)

    r = admin.get(LIST)

    assert r.status_code == 200
    text = page_text(r.text)
    assert "<h1>Cơ quan, đơn vị</h1>" in r.text
    assert "SYT" in text and "Sở Y tế" in text
    assert "TTXVN" in text and "Thông tấn xã Việt Nam" in text
    assert "Department of Health" not in text  # the Vietnamese UI shows Vietnamese names
    org = service.get_by_code(db, "SYT")
    assert org is not None
    assert f'href="/admin/organisations/{org.id}"' in r.text


def test_english_interface_shows_english_names(admin: WebClient, db: Session) -> None:
    make_org(db, code="SYT", name_vi="Sở Y tế", name_en="Department of Health")
    admin.client.cookies.set("pd_lang", "en")

    r = admin.get(LIST)

    assert "<h1>Organisations</h1>" in r.text
    assert "Department of Health" in page_text(r.text)


def test_list_filters_by_kind(admin: WebClient, db: Session) -> None:
    make_org(db, name_vi="Sở Y tế", kind=OrgKind.DEPARTMENT)
    make_org(db, name_vi="Báo Nhân Dân", kind=OrgKind.PRESS_AGENCY)

    text = page_text(admin.get(LIST, params={"kind": "press_agency"}).text)

    assert "Báo Nhân Dân" in text
    assert "Sở Y tế" not in text


def test_list_with_an_unknown_kind_shows_every_kind(admin: WebClient, db: Session) -> None:
    make_org(db, name_vi="Sở Y tế", kind=OrgKind.DEPARTMENT)
    make_org(db, name_vi="Báo Nhân Dân", kind=OrgKind.PRESS_AGENCY)

    text = page_text(admin.get(LIST, params={"kind": "ministry"}).text)

    assert "Báo Nhân Dân" in text and "Sở Y tế" in text


def test_list_says_so_when_no_organisation_matches(admin: WebClient, db: Session) -> None:
    make_org(db, kind=OrgKind.DEPARTMENT)
    r = admin.get(LIST, params={"kind": "commune"})
    assert "Không có cơ quan, đơn vị nào phù hợp với bộ lọc." in r.text


def test_retired_bodies_are_listed_only_when_asked_for(admin: WebClient, db: Session) -> None:
    make_org(db, name_vi="Sở Đang Hoạt Động")
    make_org(
        db,
        name_vi="Sở Thông tin và Truyền thông",
        valid_from=date(2017, 3, 30),
        valid_to=date(2025, 2, 28),
    )

    default = page_text(admin.get(LIST).text)
    assert "Sở Đang Hoạt Động" in default
    assert "Sở Thông tin và Truyền thông" not in default

    with_retired = admin.get(LIST, params={"retired": "true"}).text
    assert "Sở Thông tin và Truyền thông" in page_text(with_retired)
    assert "28/02/2025" in with_retired
    assert 'class="muted"' in with_retired


# --- Adding -----------------------------------------------------------------------------------


def test_add_redirects_to_the_new_organisation_page(admin: WebClient, db: Session) -> None:
    r = admin.post(LIST, valid_form())

    assert r.status_code == 303
    org = stored(db, "SMOI")
    assert org is not None and org.kind == OrgKind.DEPARTMENT
    assert r.headers["location"] == f"/admin/organisations/{org.id}"

    page = admin.get(r.headers["location"])
    assert page.status_code == 200
    text = page_text(page.text)
    assert "Đã thêm SMOI." in text
    assert "Sở Mới" in text and "New Department" in text and "01/03/2025" in text
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "organisation.created")).all()
    assert [e.object_id for e in events] == [str(org.id)]


def test_add_with_a_bad_code_shows_the_error_beside_the_field_and_keeps_the_values(
    admin: WebClient, db: Session
) -> None:
    r = admin.post(LIST, valid_form(code="SỞ Y TẾ"))

    assert r.status_code == 422
    assert "<html" in r.text  # a plain form post gets the whole page back
    code = tag(r.text, "f-code")
    assert 'aria-invalid="true"' in code
    assert 'aria-describedby="f-code-hint f-code-error"' in code
    assert 'value="SỞ Y TẾ"' in code
    error = re.search(r'<p class="error-text" id="f-code-error">(.*?)</p>', r.text, re.S)
    assert error is not None
    assert "Dùng từ 1 đến 32 ký tự gồm chữ in hoa" in error.group(1)
    assert 'href="#f-code"' in r.text  # the summary links to the field
    # The other values are kept and not marked as wrong.
    assert 'value="Sở Mới"' in tag(r.text, "f-name_vi")
    assert "aria-invalid" not in tag(r.text, "f-name_vi")
    assert 'value="New Department"' in tag(r.text, "f-name_en")
    assert 'value="2025-03-01"' in tag(r.text, "f-valid_from")
    assert '<option value="department" selected>' in r.text
    assert db.exec(select(Organisation)).all() == []


def test_add_without_names_marks_both_name_fields(admin: WebClient, db: Session) -> None:
    r = admin.post(LIST, valid_form(name_vi=" ", name_en=""))

    assert r.status_code == 422
    assert 'aria-invalid="true"' in tag(r.text, "f-name_vi")
    assert 'aria-invalid="true"' in tag(r.text, "f-name_en")
    assert "aria-invalid" not in tag(r.text, "f-code")
    text = page_text(r.text)
    assert "Hãy nhập tên tiếng Việt." in text and "Hãy nhập tên tiếng Anh." in text
    assert 'value="smoi"' in tag(r.text, "f-code")


def test_add_with_an_unreadable_date_asks_for_the_date(admin: WebClient, db: Session) -> None:
    r = admin.post(LIST, valid_form(valid_from="31/02/2025"))
    assert r.status_code == 422
    assert 'aria-invalid="true"' in tag(r.text, "f-valid_from")
    assert "Hãy nhập ngày bắt đầu hoạt động." in page_text(r.text)


def test_add_accepts_a_date_typed_day_first(admin: WebClient, db: Session) -> None:
    r = admin.post(LIST, valid_form(valid_from="01/03/2025"))
    assert r.status_code == 303
    org = stored(db, "SMOI")
    assert org is not None and org.valid_from == date(2025, 3, 1)


def test_add_with_a_code_in_use_says_so(admin: WebClient, db: Session) -> None:
    make_org(db, code="SYT")
    r = admin.post(LIST, valid_form(code="syt"))
    assert r.status_code == 422
    assert "Mã này đã được một cơ quan, đơn vị khác sử dụng." in page_text(r.text)
    assert len(db.exec(select(Organisation)).all()) == 1


def test_add_with_a_bad_kind_marks_the_kind_field(admin: WebClient, db: Session) -> None:
    r = admin.post(LIST, valid_form(kind="ministry"))
    assert r.status_code == 422
    assert "Hãy chọn loại cơ quan, đơn vị." in page_text(r.text)
    add_form = r.text[r.text.index('id="add-org"') :]
    assert 'aria-invalid="true"' in tag(add_form, "f-kind")


def test_add_errors_are_in_english_in_the_english_interface(admin: WebClient, db: Session) -> None:
    admin.client.cookies.set("pd_lang", "en")
    r = admin.post(LIST, valid_form(name_vi=""))
    assert r.status_code == 422
    assert "Enter the Vietnamese name." in page_text(r.text)


def test_list_page_gives_each_field_its_own_id(admin: WebClient, db: Session) -> None:
    """Labels and the error summary find a field by id, so ids must be unique on the page."""
    html = admin.get(LIST).text
    ids = re.findall(r'\bid="([^"]+)"', html)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def test_escaped_names_never_run_as_html(admin: WebClient, db: Session) -> None:
    evil = "<script>alert(1)</script>"
    org = make_org(db, name_vi=evil, name_en=evil)

    for url in (LIST, f"{LIST}/{org.id}"):
        html = admin.get(url).text
        assert evil not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    r = admin.post(LIST, valid_form(code="", name_vi=evil))
    assert r.status_code == 422
    assert evil not in r.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in tag(r.text, "f-name_vi")


# --- Detail, rename and retire ----------------------------------------------------------------


def test_detail_page_shows_the_names_over_time(admin: WebClient, db: Session) -> None:
    service.seed(db, actor=Actor.system("test"))
    btgdv = service.get_by_code(db, "BTGDV")
    assert btgdv is not None

    r = admin.get(f"{LIST}/{btgdv.id}")

    assert r.status_code == 200
    text = page_text(r.text)
    assert "<h1>Ban Tuyên giáo và Dân vận Tỉnh ủy</h1>" in r.text
    assert (
        "Ban Tuyên giáo Tỉnh ủy Provincial Party Committee's Propaganda Commission 30/03/2017 28/02/2025"
        in text.replace("&#39;", "'")
    )
    assert f'href="/admin/audit?object_type=organisation&amp;object_id={btgdv.id}"' in r.text


def test_detail_of_an_unknown_organisation_is_404(admin: WebClient) -> None:
    r = admin.get(f"{LIST}/999999")
    assert r.status_code == 404
    assert "Không tìm thấy trang" in r.text


def test_rename_form_records_the_new_name_and_keeps_the_old_one(
    admin: WebClient, db: Session
) -> None:
    org = make_org(
        db, name_vi="Sở Thông tin", name_en="Information Dept", valid_from=date(2017, 1, 1)
    )
    url = f"{LIST}/{org.id}"

    r = admin.post(
        f"{url}/rename",
        {
            "name_vi": "Sở Khoa học và Công nghệ",
            "name_en": "Science Dept",
            "effective": "2025-03-01",
        },
    )

    assert r.status_code == 303
    assert r.headers["location"] == url
    page = admin.get(url)
    text = page_text(page.text)
    assert "Đã ghi nhận tên mới; tên cũ vẫn được lưu trong lịch sử." in text
    assert "<h1>Sở Khoa học và Công nghệ</h1>" in page.text
    assert "Sở Thông tin Information Dept 01/01/2017 28/02/2025" in text
    assert "Sở Khoa học và Công nghệ Science Dept 01/03/2025 —" in text
    db.expire_all()
    assert service.get(db, org.id or 0, on=date(2025, 2, 28)).name_vi == "Sở Thông tin"


def test_rename_form_with_an_early_date_shows_the_error_and_keeps_the_values(
    admin: WebClient, db: Session
) -> None:
    org = make_org(db, name_vi="Sở Cũ", valid_from=date(2020, 1, 1))

    r = admin.post(
        f"{LIST}/{org.id}/rename",
        {"name_vi": "Sở Mới", "name_en": "New", "effective": "2019-06-01"},
    )

    assert r.status_code == 422
    assert 'aria-invalid="true"' in tag(r.text, "f-effective")
    assert 'value="2019-06-01"' in tag(r.text, "f-effective")
    assert 'value="Sở Mới"' in tag(r.text, "f-name_vi")
    assert "Tên mới phải có hiệu lực sau ngày 01/01/2020" in page_text(r.text)
    db.expire_all()
    assert [n.name_vi for n in service.history(db, org.id or 0)] == ["Sở Cũ"]


def test_rename_form_to_the_same_name_is_refused(admin: WebClient, db: Session) -> None:
    org = make_org(db, name_vi="Sở Y tế", name_en="Health", valid_from=date(2020, 1, 1))
    r = admin.post(
        f"{LIST}/{org.id}/rename",
        {"name_vi": "Sở Y tế", "name_en": "Health", "effective": "2025-01-01"},
    )
    assert r.status_code == 422
    assert "Đây đã là tên hiện tại." in page_text(r.text)
    assert 'aria-invalid="true"' in tag(r.text, "f-name_vi")


def test_retire_form_retires_and_leaves_only_the_history(admin: WebClient, db: Session) -> None:
    org = make_org(db, name_vi="Sở Giao thông vận tải", valid_from=date(2017, 1, 1))
    url = f"{LIST}/{org.id}"

    r = admin.post(f"{url}/retire", {"last_day": "28/02/2025"})

    assert r.status_code == 303 and r.headers["location"] == url
    page = admin.get(url)
    text = page_text(page.text)
    assert "Đã ghi nhận cơ quan, đơn vị ngừng hoạt động" in text
    assert "Đã ngừng hoạt động" in text
    assert "01/01/2017 – 28/02/2025" in text
    assert f'action="{url}/rename"' not in page.text
    assert f'action="{url}/retire"' not in page.text
    assert "Sở Giao thông vận tải" not in page_text(admin.get(LIST).text)


def test_retire_form_without_a_date_shows_the_error_beside_it(
    admin: WebClient, db: Session
) -> None:
    org = make_org(db)
    r = admin.post(f"{LIST}/{org.id}/retire", {"last_day": ""})
    assert r.status_code == 422
    assert 'aria-invalid="true"' in tag(r.text, "f-last_day")
    assert "Hãy nhập ngày hoạt động cuối cùng của cơ quan, đơn vị." in page_text(r.text)
    # The error belongs to the retire form, not the rename form.
    assert "aria-invalid" not in tag(r.text, "f-name_vi")
    db.expire_all()
    assert service.get(db, org.id or 0).valid_to is None


def test_retiring_twice_shows_the_conflict_page(admin: WebClient, db: Session) -> None:
    org = make_org(db, valid_from=date(2017, 1, 1))
    assert admin.post(f"{LIST}/{org.id}/retire", {"last_day": "2025-02-28"}).status_code == 303

    again = admin.post(f"{LIST}/{org.id}/retire", {"last_day": "2025-06-30"})
    rename = admin.post(
        f"{LIST}/{org.id}/rename", {"name_vi": "A", "name_en": "B", "effective": "2025-03-01"}
    )

    for r in (again, rename):
        assert r.status_code == 409
        assert "Cơ quan, đơn vị này đã ngừng hoạt động." in page_text(r.text)
    db.expire_all()
    assert service.get(db, org.id or 0).valid_to == date(2025, 2, 28)


# --- HTMX -------------------------------------------------------------------------------------


def test_htmx_filter_gets_only_the_list_fragment(admin: WebClient, db: Session) -> None:
    make_org(db, name_vi="Báo Nhân Dân", kind=OrgKind.PRESS_AGENCY)
    make_org(db, name_vi="Sở Y tế")

    r = admin.get(LIST, params={"kind": "press_agency"}, headers=HTMX)

    assert r.status_code == 200
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<div id="org-list">')
    assert "Báo Nhân Dân" in r.text and "Sở Y tế" not in r.text
    assert 'id="add-org"' not in r.text


def test_boosted_navigation_gets_the_whole_page(admin: WebClient, db: Session) -> None:
    r = admin.get(LIST, headers=BOOSTED)
    assert r.status_code == 200
    assert "<html" in r.text and 'id="org-list"' in r.text and 'id="add-org"' in r.text


def test_htmx_add_with_errors_gets_only_the_form_fragment(admin: WebClient, db: Session) -> None:
    r = admin.post(LIST, valid_form(code=""), headers=HTMX)

    assert r.status_code == 422
    assert "<html" not in r.text
    assert r.text.lstrip().startswith('<section id="add-org"')
    assert 'aria-invalid="true"' in tag(r.text, "f-code")
    assert 'value="Sở Mới"' in tag(r.text, "f-name_vi")


def test_htmx_add_that_succeeds_sends_the_browser_to_the_new_page(
    admin: WebClient, db: Session
) -> None:
    r = admin.post(LIST, valid_form(), headers=HTMX)

    org = stored(db, "SMOI")
    assert org is not None
    detail = f"/admin/organisations/{org.id}"
    # htmx navigates on HX-Redirect / HX-Location; a 303 would be followed inside the swap.
    assert r.headers.get("hx-redirect") == detail or detail in r.headers.get("hx-location", "")


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_ADMIN_ROLES, ids=lambda r: r.value)
def test_other_roles_cannot_see_or_change_organisations(
    web: WebClient, db: Session, role: Role
) -> None:
    org = make_org(db, name_vi="Sở Y tế", valid_from=date(2017, 1, 1))
    sign_in(web, db, role)

    for url in (LIST, f"{LIST}/{org.id}"):
        r = web.get(url)
        assert r.status_code == 403, url
        assert "Bạn không có quyền truy cập trang này" in r.text
        assert "Sở Y tế" not in r.text
    posts = {
        LIST: valid_form(),
        f"{LIST}/{org.id}/rename": {"name_vi": "X", "name_en": "Y", "effective": "2025-01-01"},
        f"{LIST}/{org.id}/retire": {"last_day": "2025-01-01"},
    }
    for url, form in posts.items():
        assert web.post(url, form).status_code == 403, url

    db.expire_all()
    assert stored(db, "SMOI") is None
    assert [n.name_vi for n in service.history(db, org.id or 0)] == ["Sở Y tế"]
    assert service.get(db, org.id or 0).valid_to is None


@pytest.mark.parametrize(
    ("url", "target"),
    [
        (LIST, "%2Fadmin%2Forganisations"),
        (f"{LIST}?kind=commune", "%2Fadmin%2Forganisations%3Fkind%3Dcommune"),
        (f"{LIST}/1", "%2Fadmin%2Forganisations%2F1"),
    ],
)
def test_anonymous_visitor_is_sent_to_sign_in(web: WebClient, url: str, target: str) -> None:
    r = web.get(url)
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next={target}"


def test_anonymous_htmx_request_is_redirected_by_htmx(web: WebClient) -> None:
    r = web.get(LIST, headers=HTMX)
    assert r.status_code == 204
    assert r.headers["hx-redirect"] == "/login?next=%2Fadmin%2Forganisations"


def test_anonymous_post_changes_nothing(web: WebClient, db: Session) -> None:
    r = web.post(LIST, valid_form())
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert stored(db, "SMOI") is None


def test_form_without_the_csrf_token_is_refused(admin: WebClient, db: Session) -> None:
    r = admin.post(LIST, valid_form(), csrf=False)
    assert r.status_code == 403
    assert stored(db, "SMOI") is None


def test_admin_can_return_to_the_list_after_signing_in(web: WebClient, db: Session) -> None:
    user = make_user(db, role=Role.ADMIN)
    target = web.get(f"{LIST}?kind=commune").headers["location"]
    assert web.get(target).status_code == 200
    r = web.post(
        "/login", {"email": user.email, "password": PASSWORD, "next": f"{LIST}?kind=commune"}
    )
    assert r.status_code == 303 and r.headers["location"] == f"{LIST}?kind=commune"
