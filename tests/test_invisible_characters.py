"""Characters nobody sees: a right-to-left override or a zero-width space in an uploaded file's
name is dropped (the name shown is the name it is); an organisation's name with an invisible or
control character is refused beside the field, on the page, in the API and in the service."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.audit.service import Actor
from app.errors import ValidationFailed
from app.orgs import service as orgs
from app.storage import LocalStore
from tests.conftest import WebClient
from tests.factories import make_org, pdf_bytes
from tests.orgs.test_api import api_sign_in
from tests.support import html, signed_in

INVISIBLE = "Hãy xóa các ký tự vô hình (như khoảng trắng có độ rộng bằng 0) khỏi tên này."
CONTROL = "Hãy xóa các ký tự điều khiển khỏi nội dung này."


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("hoa-don\u202efdp.exe.pdf", "hoa-donfdp.exe.pdf"),  # shown as "hoa-donfdp.exe.pdf" only
        ("Báo\u200b cáo\u2066 quý I\u2069.pdf", "Báo cáo quý I.pdf"),
        ("\ufeffĐề cương\u0085\u00ad.pdf", "Đề cương.pdf"),
        ("\u202e\u200b.pdf", "tep-dinh-kem.pdf"),
    ],
)
def test_an_uploaded_file_keeps_no_invisible_character_in_its_name(
    tmp_path: Path, sent: str, kept: str
) -> None:
    pending = LocalStore(tmp_path).receive(io.BytesIO(pdf_bytes()), sent, max_bytes=10**6)
    try:
        assert pending.filename == kept
    finally:
        pending.discard()


@pytest.mark.parametrize(
    ("name_vi", "name_en", "field", "message"),
    [
        ("Sở Tài\u200b chính", "Department of Finance", "name_vi", INVISIBLE),
        ("Sở Tài chính", "Department\u202e of Finance", "name_en", INVISIBLE),
        ("Sở Tài\u0088 chính", "Department of Finance", "name_vi", CONTROL),
    ],
    ids=["zero-width-space", "right-to-left-override", "c1-control"],
)
def test_an_organisation_name_with_an_invisible_character_is_refused_everywhere(
    db: Session, web: WebClient, name_vi: str, name_en: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        orgs.create(
            db,
            actor=Actor.system("test"),
            code="STC",
            kind="department",
            name_vi=name_vi,
            name_en=name_en,
            valid_from=None,
        )
    assert exc.value.errors[field].text in {
        "Remove the invisible characters (such as zero-width spaces) from this name.",
        "Remove the control characters from this text.",
    }
    signed_in(web, db, Role.ADMIN)
    form = {
        "code": "STC",
        "kind": "department",
        "name_vi": name_vi,
        "name_en": name_en,
        "valid_from": "2026-01-01",
    }
    r = web.post("/admin/organisations", form)
    assert r.status_code == 422
    assert html(r.text).texts(f"#f-{field}-error") == [f"Lỗi: {message}"]
    org = make_org(db)
    rename = {"name_vi": name_vi, "name_en": name_en, "effective": "2027-01-01"}
    r = web.post(f"/admin/organisations/{org.id}/rename", rename)
    assert r.status_code == 422
    assert html(r.text).texts(f"#f-{field}-error") == [f"Lỗi: {message}"]
    assert orgs.get_by_code(db, "STC") is None


def test_the_api_refuses_an_organisation_name_with_an_invisible_character(
    db: Session, client: TestClient
) -> None:
    headers = api_sign_in(client, db)
    body = {
        "code": "STC",
        "kind": "department",
        "name_vi": "Sở Tài\u200b chính",
        "name_en": "Department\u0088 of Finance",
        "valid_from": "2026-01-01",
    }
    r = client.post("/api/v1/organisations", json=body, headers=headers)
    assert r.status_code == 422
    assert r.json()["errors"] == {"name_vi": INVISIBLE, "name_en": CONTROL}
    good = {**body, "name_vi": "Sở Tài chính", "name_en": "Department of Finance"}
    assert client.post("/api/v1/organisations", json=good, headers=headers).status_code == 201
