"""Last-Modified of the public list, the Atom feed and the sitemap moves only when something public
changes: scheduling an embargoed statement changes nothing the public can see, so it must not
make shared caches and feed readers fetch again (nor hint that something is coming)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

from app.statements import service
from app.timeutil import clock_at
from tests.conftest import WebClient
from tests.statements.helpers import World, soon

PUBLIC = ("/statements", "/feeds/statements.atom", "/sitemap.xml")


def stamps(web: WebClient) -> dict[str, str]:
    return {path: web.get(path).headers["last-modified"] for path in PUBLIC}


def test_scheduling_an_embargo_does_not_move_last_modified_its_end_does(
    app: Any, db: Session, web: WebClient
) -> None:
    w = World(db)
    w.issued(title="Thông báo về giao thông dịp Tết")
    before = stamps(web)
    time.sleep(1.1)  # Last-Modified has whole seconds: a render now would show a later one

    secret = w.issued(at=soon(2), title="Kết quả thanh tra dự án cảng biển")
    assert stamps(web) == before

    edition = service.editions(db, secret.id or 0)[0]
    assert edition.publish_at is not None
    with clock_at(edition.publish_at + timedelta(seconds=1)):
        after = stamps(web)
    for path in PUBLIC:
        assert after[path] != before[path], path


@pytest.mark.parametrize("path", PUBLIC)
def test_a_conditional_request_after_scheduling_an_embargo_is_304(
    path: str, app: Any, db: Session, web: WebClient
) -> None:
    w = World(db)
    w.issued(title="Thông báo lịch tiếp công dân")
    since = web.get(path).headers["last-modified"]
    time.sleep(1.1)
    w.issued(at=soon(2), title="Thông cáo chưa đến giờ công bố")
    assert web.get(path, headers={"If-Modified-Since": since}).status_code == 304
