"""JSON API of media monitoring, for the office: press items (list with filters, one, one
entered by hand) and the sources with their fetch state."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.access import OfficeOnly
from app.db import SessionDep
from app.forms import Day, Int, SafeLine, SafeText
from app.monitoring import service
from app.monitoring.models import Importance, Medium, MonitoringSource, PressItem, Tone

router = APIRouter(prefix="/api/v1", tags=["monitoring"])


class PressItemOut(BaseModel):
    id: int
    outlet: str
    medium: Medium
    url: str
    title: str
    excerpt: str
    published_at: datetime
    tone: Tone
    importance: Importance
    source_id: int | None
    matter_id: int | None
    rules: list[str]

    @classmethod
    def of(cls, row: service.ItemRow) -> PressItemOut:
        i: PressItem = row.item
        return cls(
            id=i.id or 0,
            outlet=i.outlet,
            medium=i.medium,
            url=i.url,
            title=i.title,
            excerpt=i.excerpt,
            published_at=i.published_at,
            tone=i.tone,
            importance=i.importance,
            source_id=i.source_id,
            matter_id=i.matter_id,
            rules=row.rules,
        )


class PressItemPage(BaseModel):
    items: list[PressItemOut]
    next_before: int | None = Field(description="pass as `before` for the next (older) page")


class PressItemIn(BaseModel):
    """An item seen elsewhere (television, radio, print, social media), entered by hand."""

    outlet: SafeLine = Field(max_length=200)
    medium: Medium = Medium.TELEVISION
    title: SafeLine = Field(max_length=500)
    url: SafeLine = Field(default="", max_length=2000)
    excerpt: SafeText = Field(default="", max_length=2000)
    published_on: Day


class SourceOut(BaseModel):
    id: int
    name: str
    feed_url: str
    organisation_id: int | None
    interval_minutes: int
    active: bool
    last_fetched_at: datetime | None
    last_ok_at: datetime | None
    failures: int
    last_error: str
    last_warning: str
    next_fetch_at: datetime
    items_found: int

    @classmethod
    def of(cls, s: MonitoringSource) -> SourceOut:
        return cls.model_validate(s, from_attributes=True)


@router.get("/press-items", response_model=PressItemPage)
def list_press_items(
    identity: OfficeOnly,
    session: SessionDep,
    tone: Tone | None = None,
    source_id: Int | None = None,
    rule_id: Int | None = None,
    before: Int | None = None,
) -> PressItemPage:
    """Press items, newest first, 50 at a time."""
    filters = service.ItemFilters(tone=tone, source_id=source_id, rule_id=rule_id)
    rows, next_before = service.items(session, filters, before=before)
    return PressItemPage(items=[PressItemOut.of(r) for r in rows], next_before=next_before)


@router.get("/press-items/{item_id}", response_model=PressItemOut)
def get_press_item(item_id: Int, identity: OfficeOnly, session: SessionDep) -> PressItemOut:
    return PressItemOut.of(service.item_detail(session, item_id))


@router.post("/press-items", response_model=PressItemOut, status_code=201)
def create_press_item(body: PressItemIn, identity: OfficeOnly, session: SessionDep) -> PressItemOut:
    data = service.ItemInput(
        outlet=body.outlet,
        medium=body.medium.value,
        url=body.url,
        title=body.title,
        excerpt=body.excerpt,
        published_on=body.published_on,
    )
    item = service.add_item(session, actor=identity.actor, data=data)
    return PressItemOut.of(service.item_detail(session, item.id or 0))


@router.get("/monitoring-sources", response_model=list[SourceOut])
def list_sources(identity: OfficeOnly, session: SessionDep) -> list[SourceOut]:
    """The sources with their fetch state (last error, failures in a row, next fetch)."""
    return [SourceOut.of(s) for s in service.sources(session)]
