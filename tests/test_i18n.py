"""Vietnamese by default, English on request; every piece of text is in both catalogs."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.config import PROJECT_ROOT
from app.i18n import CATALOG_DIR
from tests.conftest import WebClient, page_text
from tests.factories import PASSWORD, make_user

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted() -> set[str]:
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {
        "templates/**.html": {
            "extensions": "jinja2.ext.i18n,jinja2.ext.do",
            "newstyle_gettext": "true",
            "trim_blocks": "true",
            "lstrip_blocks": "true",
        }
    }
    ids: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(PROJECT_ROOT),
        method_map,
        options,
        keywords={"_": None, "gettext": (2,), "ngettext": (1, 2), "N_": None, "Msg": None},
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def _catalog(locale: str):
    with (CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=locale)


def test_every_text_has_a_vietnamese_translation() -> None:
    catalog = _catalog("vi")
    missing = []
    for msgid in sorted(_extracted()):
        message = catalog.get(msgid)
        translated = message and (
            message.string[0] if isinstance(message.string, tuple) else message.string
        )
        if not translated or message.fuzzy:
            missing.append(msgid)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing[:10])


def test_english_catalog_exists_for_the_same_texts() -> None:
    catalog = _catalog("en")
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert _extracted() <= ids


@pytest.mark.parametrize("locale", ["vi"])
def test_translations_keep_their_placeholders(locale: str) -> None:
    for message in _catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"num"}
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) - {"num"} == wanted, message.id


def test_vietnamese_is_the_default_and_english_is_one_click_away(
    client: TestClient, db: Session
) -> None:
    b = WebClient(client)
    home = b.get("/")
    assert '<html lang="vi">' in home.text and "Đăng nhập" in page_text(home.text)
    r = b.post("/language", {"lang": "en", "next": "/login"})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    page = b.get("/login")
    assert '<html lang="en">' in page.text
    assert "Email address" in page_text(page.text) and "Địa chỉ email" not in page_text(page.text)
    assert "Tiếng Việt" in page.text  # the way back
    user = make_user(db, Role.DEPARTMENT)
    r = b.login(user.email, PASSWORD)
    assert "Signed in as" in page_text(b.get("/dashboard").text)
    wrong = b.post("/login", {"email": user.email, "password": "nope-nope-nope"})
    assert "The email address or password is not correct." in page_text(wrong.text)


def test_unknown_language_and_foreign_next_are_ignored(client: TestClient) -> None:
    b = WebClient(client)
    r = b.post("/language", {"lang": "xx", "next": "//evil.example/"})
    assert r.headers["location"] == "/"
    assert '<html lang="vi">' in b.get("/").text


def test_vietnamese_text_has_its_diacritics(client: TestClient) -> None:
    text = page_text(client.get("/register").text)
    for phrase in (
        "Đăng ký tài khoản phóng viên",
        "Số thẻ nhà báo",
        "Cơ quan báo chí",
        "Họ và tên",
    ):
        assert phrase in text
