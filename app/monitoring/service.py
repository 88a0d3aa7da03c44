"""The rules of media monitoring the office works with: sources and watch rules (validated,
audited), items entered by hand, and the list of press items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import BinaryIO

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.config import Settings
from app.errors import NotFound, ValidationFailed
from app.forms import check_text, day_problem
from app.i18n import N_, Msg
from app.monitoring import rules as matching
from app.monitoring import urls
from app.monitoring.models import (
    Medium,
    MonitoringSource,
    PressItem,
    PressItemMatch,
    Tone,
    WatchRule,
    WatchRuleOrganisation,
)
from app.monitoring.watcher import check_address
from app.orgs.models import Organisation, OrgKind
from app.storage import Store, storing
from app.timeutil import LOCAL_TZ, utcnow
from app.uow import use_case

INTERVALS = (15, 30, 60, 120, 360, 1440)  # minutes the office may choose between fetches
PAGE_SIZE = 50


def _line(errors: dict[str, Msg], name: str, value: str, limit: int, required: bool) -> str:
    needed = Msg(N_("This field is required.")) if required else None
    return check_text(value, name, limit, errors, needed, line=True)


# --- Sources -----------------------------------------------------------------------------------


@dataclass
class SourceInput:
    name: str = ""
    feed_url: str = ""
    organisation_id: int | None = None
    interval_minutes: int = 30
    active: bool = True


def _check_source(session: Session, data: SourceInput, settings: Settings) -> SourceInput:
    errors: dict[str, Msg] = {}
    name = _line(errors, "name", data.name, 200, True)
    url = _line(errors, "feed_url", data.feed_url, urls.MAX_URL, True)
    if "feed_url" not in errors:
        problem = check_address(url, settings)
        if problem == "not an http(s) address":
            errors["feed_url"] = Msg(
                N_("Enter the feed's address, starting with https:// or http://.")
            )
        elif problem:
            errors["feed_url"] = Msg(
                N_("This address is inside a private network: it cannot be a source.")
            )
    if data.organisation_id is not None:
        org = session.get(Organisation, data.organisation_id)
        if org is None or org.kind != OrgKind.PRESS_AGENCY:
            errors["organisation_id"] = Msg(N_("Choose a press agency from the list."))
    if data.interval_minutes not in INTERVALS:
        errors["interval_minutes"] = Msg(N_("Choose one of the intervals offered."))
    if errors:
        raise ValidationFailed(errors)
    return SourceInput(name, url, data.organisation_id, data.interval_minutes, data.active)


@use_case
def add_source(
    session: Session, *, actor: Actor, data: SourceInput, settings: Settings
) -> MonitoringSource:
    data = _check_source(session, data, settings)
    source = MonitoringSource(
        name=data.name,
        feed_url=data.feed_url,
        organisation_id=data.organisation_id,
        interval_minutes=data.interval_minutes,
        active=data.active,
        next_fetch_at=utcnow(),
    )
    session.add(source)
    record(session, actor, "monitoring_source.created", source, f"{data.name}: {data.feed_url}")
    return source


def get_source(session: Session, source_id: int) -> MonitoringSource:
    source = session.get(MonitoringSource, source_id)
    if source is None:
        raise NotFound()
    return source


@use_case
def update_source(
    session: Session, *, actor: Actor, source_id: int, data: SourceInput, settings: Settings
) -> MonitoringSource:
    source = get_source(session, source_id)
    data = _check_source(session, data, settings)
    if data.feed_url != source.feed_url:  # another feed: forget what the old one said
        source.etag, source.last_modified, source.failures, source.last_error = "", "", 0, ""
        source.next_fetch_at = utcnow()
    source.name, source.feed_url = data.name, data.feed_url
    source.organisation_id, source.interval_minutes = data.organisation_id, data.interval_minutes
    if data.active and not source.active:
        source.next_fetch_at, source.failures = utcnow(), 0
    source.active = data.active
    session.add(source)
    record(session, actor, "monitoring_source.edited", source, f"{data.name}: {data.feed_url}")
    return source


@use_case
def fetch_soon(session: Session, *, actor: Actor, source_id: int) -> MonitoringSource:
    """The office asks for the source at the next run, errors or not."""
    source = get_source(session, source_id)
    source.next_fetch_at = utcnow()
    session.add(source)
    record(session, actor, "monitoring_source.fetch_requested", source, source.name)
    return source


def sources(session: Session) -> list[MonitoringSource]:
    return list(
        session.exec(
            select(MonitoringSource).order_by(
                col(MonitoringSource.active).desc(), col(MonitoringSource.name)
            )
        )
    )


# --- Watch rules -------------------------------------------------------------------------------


@dataclass
class RuleInput:
    name: str = ""
    all_of: str = ""
    any_of: str = ""
    none_of: str = ""
    topic_id: int | None = None
    organisation_ids: tuple[int, ...] = ()
    active: bool = True


def _check_rule(session: Session, data: RuleInput) -> RuleInput:
    errors: dict[str, Msg] = {}
    name = _line(errors, "name", data.name, 200, True)
    texts = {}
    for field in ("all_of", "any_of", "none_of"):
        texts[field] = check_text(getattr(data, field), field, 5000, errors)
    if not errors and matching.Rule.parse(0, texts["all_of"], texts["any_of"]).empty:
        errors["all_of"] = Msg(N_("Enter at least one phrase to look for."))
    orgs = tuple(dict.fromkeys(data.organisation_ids))
    if orgs and len(
        session.exec(select(Organisation.id).where(col(Organisation.id).in_(orgs))).all()
    ) != len(orgs):
        errors["organisation_ids"] = Msg(N_("Choose organisations from the list."))
    if errors:
        raise ValidationFailed(errors)
    return RuleInput(
        name, texts["all_of"], texts["any_of"], texts["none_of"], data.topic_id, orgs, data.active
    )


def _set_organisations(session: Session, rule: WatchRule, ids: tuple[int, ...]) -> None:
    for link in session.exec(
        select(WatchRuleOrganisation).where(WatchRuleOrganisation.rule_id == rule.id)
    ):
        session.delete(link)
    session.flush()
    for org_id in ids:
        session.add(WatchRuleOrganisation(rule_id=rule.id or 0, organisation_id=org_id))


@use_case
def add_rule(session: Session, *, actor: Actor, data: RuleInput) -> WatchRule:
    data = _check_rule(session, data)
    rule = WatchRule(
        name=data.name,
        all_of=data.all_of,
        any_of=data.any_of,
        none_of=data.none_of,
        topic_id=data.topic_id,
        active=data.active,
    )
    session.add(rule)
    session.flush()
    _set_organisations(session, rule, data.organisation_ids)
    record(session, actor, "watch_rule.created", rule, data.name)
    return rule


def get_rule(session: Session, rule_id: int) -> WatchRule:
    rule = session.get(WatchRule, rule_id)
    if rule is None:
        raise NotFound()
    return rule


def rule_organisations(session: Session, rule_id: int) -> list[int]:
    return list(
        session.exec(
            select(WatchRuleOrganisation.organisation_id).where(
                WatchRuleOrganisation.rule_id == rule_id
            )
        )
    )


@use_case
def update_rule(session: Session, *, actor: Actor, rule_id: int, data: RuleInput) -> WatchRule:
    rule = get_rule(session, rule_id)
    data = _check_rule(session, data)
    rule.name, rule.all_of, rule.any_of, rule.none_of = (
        data.name,
        data.all_of,
        data.any_of,
        data.none_of,
    )
    rule.topic_id, rule.active = data.topic_id, data.active
    session.add(rule)
    _set_organisations(session, rule, data.organisation_ids)
    record(session, actor, "watch_rule.edited", rule, data.name)
    return rule


def watch_rules(session: Session) -> list[WatchRule]:
    return list(
        session.exec(select(WatchRule).order_by(col(WatchRule.active).desc(), col(WatchRule.name)))
    )


# --- Press items -------------------------------------------------------------------------------


@dataclass
class ItemInput:
    outlet: str = ""
    medium: str = Medium.TELEVISION.value
    url: str = ""
    title: str = ""
    excerpt: str = ""
    published_on: date | None = None


@use_case
def add_item(session: Session, *, actor: Actor, data: ItemInput) -> PressItem:
    """An item seen elsewhere (a TV report, a post, a printed paper), entered by the office."""
    errors: dict[str, Msg] = {}
    outlet = _line(errors, "outlet", data.outlet, 200, True)
    title = _line(errors, "title", data.title, 500, True)
    excerpt = check_text(data.excerpt, "excerpt", 2000, errors)
    medium = data.medium if data.medium in {m.value for m in Medium} else None
    if medium is None:
        errors["medium"] = Msg(N_("Choose the kind of medium."))
    url = data.url.strip()
    if url and not urls.is_web_address(url):
        errors["url"] = Msg(
            N_("Enter the address, starting with https:// or http://, or leave it empty.")
        )
    if data.published_on is None:
        errors["published_on"] = Msg(N_("Enter the date it was published or broadcast."))
    elif problem := day_problem(data.published_on):
        errors["published_on"] = problem
    key = urls.key(url) if url and "url" not in errors else None
    if key and session.exec(select(PressItem.id).where(PressItem.url_key == key)).first():
        errors["url"] = Msg(N_("This article is already in the list."))
    if errors:
        raise ValidationFailed(errors)
    assert data.published_on is not None and medium is not None
    item = PressItem(
        outlet=outlet,
        medium=Medium(medium),
        url=urls.canonical(url) if url else "",
        url_key=key,
        title=title,
        excerpt=excerpt,
        published_at=min(
            datetime.combine(data.published_on, time(12), LOCAL_TZ).astimezone(UTC), utcnow()
        ),
        entered_by=actor.user_id,
    )
    session.add(item)
    record(session, actor, "press_item.created", item, f"{outlet}: {title}")
    return item


def add_item_with_file(
    session: Session,
    *,
    actor: Actor,
    data: ItemInput,
    files: list[tuple[str, BinaryIO]],
    store: Store,
    max_bytes: int,
) -> PressItem:
    """An item entered by hand with its file (a scan of the printed page, a screenshot of the
    post, a recording's transcript): both kept, or neither (`storage.storing`)."""
    if not any(name for name, _fp in files):
        return add_item(session, actor=actor, data=data)
    with storing(session, files, store=store, max_bytes=max_bytes, max_files=1) as pending:
        item = add_item.__wrapped__(session, actor=actor, data=data)  # type: ignore[attr-defined]
        kept = pending[0]
        item.stored_name, item.filename = kept.stored_name, kept.filename
        item.content_type = kept.content_type
        session.add(item)
    return item


@dataclass
class ItemFilters:
    tone: Tone | None = None
    source_id: int | None = None
    rule_id: int | None = None
    q: str = ""


@dataclass
class ItemRow:
    item: PressItem
    rules: list[str]


def items(
    session: Session, filters: ItemFilters, *, before: int | None = None
) -> tuple[list[ItemRow], int | None]:
    """Newest first (by publication, then id), `PAGE_SIZE` at a time below the id `before`."""
    query = select(PressItem)
    if filters.tone is not None:
        query = query.where(PressItem.tone == filters.tone)
    if filters.source_id is not None:
        query = query.where(PressItem.source_id == filters.source_id)
    if filters.rule_id is not None:
        query = query.where(
            col(PressItem.id).in_(
                select(PressItemMatch.item_id).where(PressItemMatch.rule_id == filters.rule_id)
            )
        )
    if before is not None:
        query = query.where(col(PressItem.id) < before)
    rows = list(session.exec(query.order_by(col(PressItem.id).desc()).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    names: dict[int, list[str]] = {}
    ids = [r.id for r in rows]
    if ids:
        for item_id, name in session.exec(
            select(PressItemMatch.item_id, WatchRule.name)
            .join(WatchRule, col(WatchRule.id) == col(PressItemMatch.rule_id))
            .where(col(PressItemMatch.item_id).in_(ids))
            .order_by(col(WatchRule.name))
        ):
            names.setdefault(item_id, []).append(name)
    found = [ItemRow(r, names.get(r.id or 0, [])) for r in rows]
    return found, (rows[-1].id if more and rows else None)


def item_detail(session: Session, item_id: int) -> ItemRow:
    item = session.get(PressItem, item_id)
    if item is None:
        raise NotFound()
    names = list(
        session.exec(
            select(WatchRule.name)
            .join(PressItemMatch, col(PressItemMatch.rule_id) == col(WatchRule.id))
            .where(PressItemMatch.item_id == item_id)
        )
    )
    return ItemRow(item, names)


def counts_by_tone(session: Session, since: datetime) -> dict[Tone, int]:
    return {
        Tone(tone): int(n)
        for tone, n in session.exec(
            select(PressItem.tone, func.count())
            .where(col(PressItem.published_at) >= since)
            .group_by(col(PressItem.tone))
        )
    }
