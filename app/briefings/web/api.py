"""JSON API for briefings and their series, with the rules of the pages: the public, journalists
and departments read announced briefings; the office reads everything and makes the changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import Session

from app.access import OFFICE, Identity, OfficeOnly, Public
from app.briefings import recurrence, service
from app.briefings.models import (
    Briefing,
    BriefingCreate,
    BriefingPublic,
    BriefingSeries,
    BriefingStatus,
    BriefingUpdate,
    RuleFields,
    SeriesCreate,
    SeriesDetail,
    SeriesPublic,
    SeriesUpdate,
    TransitionRequest,
)
from app.briefings.recurrence import RuleForm
from app.briefings.states import Step
from app.briefings.web.common import horizon
from app.db import SessionDep
from app.error_pages import api_locale
from app.timeutil import local_today, to_local

router = APIRouter(prefix="/api/v1")
BRIEFINGS = "/briefings"
SERIES = "/briefing-series"
EARLIEST, LATEST = date(1900, 1, 1), date(9000, 12, 31)  # keeps the UTC conversion in range
RULE_DETAILS = ("weekday", "ordinal", "monthday", "interval")


def _sees_all(identity: Identity) -> bool:
    """The office reads planned briefings too (as on the office pages)."""
    user = identity.user
    return user is not None and OFFICE.permits(user) and not user.must_change_password


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


def _briefing_out(
    request: Request, session: Session, b: Briefing, invitees: list[int] | None = None
) -> BriefingPublic:
    assert b.id is not None
    kind = service.get_kind(session, b.kind_id)
    return BriefingPublic.model_validate(
        {
            **b.model_dump(),
            "kind_code": kind.code,
            "kind_name_vi": kind.name_vi,
            "kind_name_en": kind.name_en,
            "starts_at": _utc(b.starts_at),
            "ends_at": _utc(b.ends_at),
            "content_deadline": _utc(b.content_deadline),
            "announced_at": _utc(b.announced_at),
            "updated_at": _utc(b.updated_at),
            "invitee_ids": service.invitee_ids(session, b.id) if invitees is None else invitees,
            "url": request.app.state.settings.absolute_url(f"/briefings/{b.id}"),
        }
    )


def _series_out(request: Request, session: Session, s: BriefingSeries) -> SeriesDetail:
    assert s.id is not None
    return SeriesDetail.model_validate(
        {
            **s.model_dump(),
            "description": recurrence.describe(s.rrule, s.start_time, api_locale(request)),
            "invitee_ids": service.series_invitee_ids(session, s.id),
            "briefing_ids": [b.id for b in service.series_briefings(session, s.id)],
        }
    )


def _sent(body: RuleFields, names: tuple[str, ...] | set[str]) -> dict[str, Any]:
    """The fields the client actually sent, among `names`."""
    return {n: getattr(body, n) for n in names if n in body.model_fields_set}


def _rule(body: RuleFields, current: RuleForm | None) -> RuleForm:
    """The recurrence sent (a raw rule, or a pattern and its details) over the current one."""
    if body.rrule is not None:
        return RuleForm("custom", custom=body.rrule)
    form = current or RuleForm("custom")
    if body.pattern is not None:
        form = replace(form, pattern=body.pattern)
    return replace(form, **_sent(body, RULE_DETAILS))


# --- Briefings -------------------------------------------------------------------------------


@router.get(BRIEFINGS, response_model=list[BriefingPublic], tags=["briefings"])
def list_briefings(
    request: Request,
    identity: Public,
    session: SessionDep,
    from_: Annotated[
        date | None, Query(alias="from", description="local date, default today")
    ] = None,
    to: Annotated[
        date | None, Query(description="local date, inclusive; default a year on")
    ] = None,
    kind: Annotated[str | None, Query(description="the kind's code")] = None,
    status: Annotated[list[BriefingStatus] | None, Query()] = None,
) -> list[BriefingPublic]:
    """Briefings starting between `from` and `to`, in time order. Only announced ones unless the
    caller is the press office or the spokesperson."""
    first = max(from_ or local_today(), EARLIEST)
    last = min(to or first + timedelta(days=366), LATEST)
    kind_id = None
    if kind:
        found = service.kind_by_code(session, kind)
        if found is None:
            return []
        kind_id = found.id
    rows = service.between(
        session,
        service.local_datetime(first, time.min),
        service.local_datetime(last + timedelta(days=1), time.min),
        public_only=not _sees_all(identity),
        kind_id=kind_id,
        statuses=frozenset(status) if status else None,
    )
    invitees = service.invitees_of(session, [b.id for b in rows if b.id is not None])
    return [_briefing_out(request, session, b, invitees.get(b.id or 0, [])) for b in rows]


@router.get(BRIEFINGS + "/{briefing_id}", response_model=BriefingPublic, tags=["briefings"])
def get_briefing(
    request: Request, briefing_id: int, identity: Public, session: SessionDep
) -> BriefingPublic:
    """One briefing; one not yet announced is 404 except for the office."""
    get = service.get if _sees_all(identity) else service.get_public
    return _briefing_out(request, session, get(session, briefing_id))


@router.post(BRIEFINGS, response_model=BriefingPublic, status_code=201, tags=["briefings"])
def create_briefing(
    request: Request, body: BriefingCreate, identity: OfficeOnly, session: SessionDep
) -> BriefingPublic:
    """A one-off briefing, planned (announce it with a transition)."""
    data = service.BriefingInput(**body.model_dump())
    briefing = service.create(session, actor=identity.actor, data=data)
    return _briefing_out(request, session, briefing)


def _briefing_input(session: Session, b: Briefing, body: BriefingUpdate) -> service.BriefingInput:
    """The briefing as it is, with the fields sent."""
    assert b.id is not None
    starts, ends = to_local(b.starts_at), to_local(b.ends_at)
    current: dict[str, Any] = {
        "kind_id": b.kind_id,
        "title_vi": b.title_vi,
        "title_en": b.title_en,
        "day": starts.date(),
        "start": starts.time(),
        "end": ends.time(),
        "venue": b.venue,
        "online_url": b.online_url,
        "chair": b.chair,
        "organiser_org_id": b.organiser_org_id,
        "invitee_ids": service.invitee_ids(session, b.id),
        "content_deadline": to_local(b.content_deadline).date() if b.content_deadline else None,
        "notes": b.notes,
    }
    sent = _sent(body, set(current))
    if sent.get("day", current["day"]) != current["day"] and "content_deadline" not in sent:
        current["content_deadline"] = None  # a new day gets the kind's usual deadline
    return service.BriefingInput(**(current | sent))


def _following_input(session: Session, b: Briefing, body: BriefingUpdate) -> service.SeriesInput:
    """The briefing's series as it is, with the fields sent (for "this and following")."""
    if b.series_id is None:  # the service refuses it with its message
        return service.SeriesInput(None, "", RuleForm("custom"), None, None, None)
    s = service.get_series(session, b.series_id)
    sent = body.model_fields_set
    start = body.start if "start" in sent else s.start_time
    duration: int | None = s.duration_minutes
    if "duration_minutes" in sent:
        duration = body.duration_minutes
    elif "end" in sent and body.end and start:
        duration = (
            datetime.combine(date.min, body.end) - datetime.combine(date.min, start)
        ) // timedelta(minutes=1)
    current: dict[str, Any] = {
        "kind_id": s.kind_id,
        "title_vi": s.title_vi,
        "title_en": s.title_en,
        "until": s.until,
        "holiday_policy": s.holiday_policy,
        "venue": s.venue,
        "online_url": s.online_url,
        "chair": s.chair,
        "organiser_org_id": s.organiser_org_id,
        "invitee_ids": service.series_invitee_ids(session, b.series_id),
        "content_days_before": s.content_days_before,
        "notes": s.notes,
    }
    return service.SeriesInput(
        **(current | _sent(body, set(current))),
        rule=_rule(body, recurrence.parse_rule_form(s.rrule)),
        dtstart=s.dtstart,  # the service starts the new series at this occurrence
        start_time=start,
        duration_minutes=duration,
    )


@router.patch(
    BRIEFINGS + "/{briefing_id}",
    response_model=BriefingPublic | SeriesDetail,
    tags=["briefings"],
)
def update_briefing(
    request: Request,
    briefing_id: int,
    body: BriefingUpdate,
    identity: OfficeOnly,
    session: SessionDep,
) -> BriefingPublic | SeriesDetail:
    """Edit this briefing (answers the briefing), or this and the following occurrences of its
    series (scope "following": answers the new series). A stale `sequence` is refused (409)."""
    briefing = service.get(session, briefing_id)
    if body.scope == "following":
        series, _result = service.edit_following(
            session,
            actor=identity.actor,
            briefing_id=briefing_id,
            data=_following_input(session, briefing, body),
            expected_sequence=body.sequence,
            horizon_months=horizon(request),
        )
        return _series_out(request, session, series)
    updated = service.update(
        session,
        actor=identity.actor,
        briefing_id=briefing_id,
        data=_briefing_input(session, briefing, body),
        expected_sequence=body.sequence,
    )
    return _briefing_out(request, session, updated)


@router.post(
    BRIEFINGS + "/{briefing_id}/transitions", response_model=BriefingPublic, tags=["briefings"]
)
def transition_briefing(
    request: Request,
    briefing_id: int,
    body: TransitionRequest,
    identity: OfficeOnly,
    session: SessionDep,
) -> BriefingPublic:
    """Announce, postpone (new local day and times, public reason), cancel, hold, or publish the
    record. An action the status does not allow is 409."""
    data = service.StepInput(
        reason=body.reason,
        new_day=body.new_day,
        new_start=body.new_start,
        new_end=body.new_end,
        record_summary=body.record_summary,
        record_url=body.record_url,
        expected_sequence=body.sequence,
    )
    briefing = service.take_step(
        session, actor=identity.actor, id=briefing_id, step=Step(body.action), data=data
    )
    return _briefing_out(request, session, briefing)


# --- Series ----------------------------------------------------------------------------------


@router.get(SERIES, response_model=list[SeriesPublic], tags=["briefing series"])
def list_series(request: Request, identity: OfficeOnly, session: SessionDep) -> list[SeriesPublic]:
    locale = api_locale(request)
    return [
        SeriesPublic.model_validate(
            {
                **s.model_dump(),
                "description": recurrence.describe(s.rrule, s.start_time, locale),
                "invitee_ids": service.series_invitee_ids(session, s.id or 0),
            }
        )
        for s in service.series_list(session)
    ]


@router.get(SERIES + "/{series_id}", response_model=SeriesDetail, tags=["briefing series"])
def get_series(
    request: Request, series_id: int, identity: OfficeOnly, session: SessionDep
) -> SeriesDetail:
    """A series with the ids of its occurrences, in time order."""
    return _series_out(request, session, service.get_series(session, series_id))


@router.post(SERIES, response_model=SeriesDetail, status_code=201, tags=["briefing series"])
def create_series(
    request: Request, body: SeriesCreate, identity: OfficeOnly, session: SessionDep
) -> SeriesDetail:
    """A recurring briefing; its occurrences are generated up to the horizon."""
    kind = service.find_kind(session, body.kind_id)  # if missing, the service names the field
    fields = body.model_dump(exclude={"rrule", "pattern", *RULE_DETAILS})
    if kind and body.duration_minutes is None:
        fields["duration_minutes"] = kind.duration_minutes
    if body.content_days_before is None:
        fields["content_days_before"] = kind.content_days_before if kind else 3
    data = service.SeriesInput(**fields, rule=_rule(body, None))
    series, _result = service.create_series(
        session, actor=identity.actor, data=data, horizon_months=horizon(request)
    )
    return _series_out(request, session, series)


@router.patch(SERIES + "/{series_id}", response_model=SeriesDetail, tags=["briefing series"])
def update_series(
    request: Request,
    series_id: int,
    body: SeriesUpdate,
    identity: OfficeOnly,
    session: SessionDep,
) -> SeriesDetail:
    """Edit the whole series (only the fields sent change); a stale `sequence` is 409."""
    s = service.get_series(session, series_id)
    current: dict[str, Any] = {
        "kind_id": s.kind_id,
        "title_vi": s.title_vi,
        "title_en": s.title_en,
        "dtstart": s.dtstart,
        "until": s.until,
        "start_time": s.start_time,
        "duration_minutes": s.duration_minutes,
        "holiday_policy": s.holiday_policy,
        "venue": s.venue,
        "online_url": s.online_url,
        "chair": s.chair,
        "organiser_org_id": s.organiser_org_id,
        "invitee_ids": service.series_invitee_ids(session, series_id),
        "content_days_before": s.content_days_before,
        "notes": s.notes,
    }
    data = service.SeriesInput(
        **(current | _sent(body, set(current))),
        rule=_rule(body, recurrence.parse_rule_form(s.rrule)),
    )
    series, _result = service.update_series(
        session,
        actor=identity.actor,
        series_id=series_id,
        data=data,
        expected_sequence=body.sequence,
        horizon_months=horizon(request),
    )
    return _series_out(request, session, series)
