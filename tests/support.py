"""Helpers shared by the tests of every area: who acts, signing in, reading answers and pages.

Pages are read with `html(...)` (lxml with CSS selectors), not with regular expressions over the
markup: `html(r.text).texts(".flash")`, `html(r.text).one("#f-title").get("value")`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from typing import Any, TypeVar

import lxml.html
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from sqlmodel import Session

from app.accounts.models import Role, User
from app.audit.service import Actor
from app.config import Settings
from app.uow import unit_of_work
from tests.factories import PASSWORD, make_user

R = TypeVar("R")
JSON = "application/json"
PROBLEM = "application/problem+json"


def free_port() -> int:
    """A TCP port nothing listens on now, on loopback (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def actor_of(user: User) -> Actor:
    """The actor a service sees when `user` acts through a page or the API."""
    return Actor(user.id, user.email, user.role.value, user.organisation_id, None)


def signed_in(web: Any, db: Session, role: Role, *, lang: str | None = None, **over: Any) -> User:
    """A new user of `role` (factory options in `over`), signed in on the `web` client."""
    user = make_user(db, role=role, **over)
    if lang:
        web.client.cookies.set("pd_lang", lang)
    r = web.login(user.email, PASSWORD)
    assert r.status_code == 303, r.text
    return user


def ok(r: Any, status: int = 200) -> Any:
    """The JSON body of an API answer that must have `status`."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(JSON)
    return r.json()


def problem(r: Any, status: int) -> dict[str, Any]:
    """The RFC 9457 problem document of an API answer that must have failed with `status`."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["title"]
    return body


def structure_of(reader: PdfReader) -> list[str]:
    """The structure types of a tagged PDF's tree, in reading order ("/H1", "/P", "/Table"…)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"].get("/StructTreeRoot"))
    return found


def tagged_pdf(data: bytes, lang: str) -> PdfReader:
    """A PDF a screen reader can follow (tagged: marked, with a structure tree that has headings
    and paragraphs) in the language `lang`; gives its reader for further checks."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(data))
    root = reader.trailer["/Root"]
    assert root.get("/MarkInfo", {}).get("/Marked") == True  # noqa: E712 - a PDF boolean
    assert "/StructTreeRoot" in root
    assert root.get("/Lang") == lang
    structure = structure_of(reader)
    assert structure[0] == "/Document" and "/P" in structure, structure[:20]
    assert any(s in structure for s in ("/H1", "/H2", "/H3")), structure[:20]
    assert reader.metadata is not None and reader.metadata.title  # shown as the window's title
    return reader


class Page:
    """A rendered page, queried with CSS selectors."""

    def __init__(self, markup: str) -> None:
        self.root = lxml.html.fromstring(markup or "<html></html>")

    def all(self, css: str) -> list[Any]:
        return list(self.root.cssselect(css))

    def one(self, css: str) -> Any:
        found = self.all(css)
        assert len(found) == 1, f"{len(found)} elements match {css!r}"
        return found[0]

    def texts(self, css: str) -> list[str]:
        """The visible text of each matching element, spaces collapsed."""
        return [" ".join(e.text_content().split()) for e in self.all(css)]

    def text(self, css: str = "body") -> str:
        return " ".join(self.texts(css))

    def attrs(self, css: str, name: str) -> list[str]:
        return [e.get(name) for e in self.all(css) if e.get(name) is not None]


def html(markup: str) -> Page:
    return Page(markup)


def as_sender(
    hook: Callable[[Session, Settings, datetime], R], db: Session, settings: Settings, now: datetime
) -> R:
    """Run a sender hook as the sender does: in its own unit of work (committed at the end)."""
    with unit_of_work(db):
        return hook(db, settings, now)
