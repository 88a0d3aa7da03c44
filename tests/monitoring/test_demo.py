"""The demo's monitoring, on both databases: two sources whose feeds are the app's own files, so
the watcher of `make run` finds articles with no internet; every tone among the week's items."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from app.audit.service import Actor
from app.config import PROJECT_ROOT
from app.incidents.models import Matter
from app.monitoring import watcher
from app.monitoring.demo import seed_monitoring
from app.monitoring.models import MonitoringSource, PressItem, Tone
from app.orgs import service as orgs
from tests.monitoring.server import FeedServer, Route, start


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    yield from start()


def test_the_demo_sources_are_read_from_the_apps_own_files(
    db: Session, app: Any, feeds: FeedServer
) -> None:
    orgs.seed(db, actor=Actor.system("test"))
    for name in ("tttt-quangninh.rss", "nhandan.atom"):
        body = (PROJECT_ROOT / "static" / "demo-feeds" / name).read_bytes()
        feeds.serve(f"/static/demo-feeds/{name}", Route(body))
    settings = app.state.settings.model_copy(update={"public_base_url": feeds.url})
    assert seed_monitoring(db, settings) == 6
    assert seed_monitoring(db, settings) == 0  # once
    sources = db.exec(select(MonitoringSource)).all()
    assert len(sources) == 2 and all(s.organisation_id for s in sources)
    tones = {i.tone for i in db.exec(select(PressItem))}
    assert tones == set(Tone)
    rumour = db.exec(select(PressItem).where(PressItem.matter_id.is_not(None))).one()  # type: ignore[union-attr]
    matter = db.get(Matter, rumour.matter_id)
    assert matter is not None and matter.kind == "art7_4" and matter.due_at is not None

    result = watcher.run_once(app.state.engine, settings)
    assert result.errors == 0 and result.new_items == 4  # the article in both feeds is one item
    titles = {i.title for i in db.exec(select(PressItem))}
    assert "Quảng Ninh bác bỏ thông tin sai sự thật về dịch bệnh tại Móng Cái" in titles
    assert "Đặc khu Vân Đồn khởi công tuyến đường ven biển" in titles
