"""Embargoed previews: the office shares a statement scheduled under embargo with verified
journalists (all of them, or those of chosen press agencies) before its time, as press offices do
for big announcements.

A preview is seen only at its own address (`/preview/statements/<id>`), by a verified journalist
of its audience, only while the statement's first edition is scheduled and its time has not come;
anyone else gets 404, as if there were nothing. Nothing here touches what the public sees
(`visibility` stays the one place that says so): no public query reads previews. Sharing, ending
and every view are written to the audit log; the journalists concerned are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Role, User, UserStatus
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import Msg
from app.notifications.models import NoticeKind
from app.notifications.service import notify
from app.orgs import service as orgs
from app.orgs.models import OrgKind, OrgView
from app.statements.models import (
    Edition,
    EditionState,
    PreviewAudience,
    Spokesperson,
    Statement,
    StatementPreview,
    StatementPreviewAgency,
    Topic,
)
from app.statements.service.common import office_only
from app.statements.service.reading import topic_ids
from app.statements.service.reference import topics
from app.statements.service.visibility import public_edition
from app.timeutil import format_datetime, to_local, utcnow
from app.uow import use_case

NOT_SCHEDULED = Msg(
    "Only a statement scheduled under embargo and not yet public can be shared before its time."
)
VIEWED = "statement_preview.viewed"


# --- What may be previewed ---------------------------------------------------------------------


def embargoed_edition(session: Session, st: Statement, now: datetime) -> Edition | None:
    """The statement's first edition while it is scheduled and its time has not come (nothing of
    the statement is public then), else None. A withdrawn statement has none."""
    if st.id is None or st.withdrawn_at is not None:
        return None
    ed = session.exec(
        select(Edition).where(
            Edition.statement_id == st.id,
            Edition.number == 1,
            Edition.state == EditionState.SCHEDULED,
        )
    ).first()
    if ed is None or ed.publish_at is None or ed.publish_at <= now:
        return None
    return ed


def press_agencies(session: Session) -> list[OrgView]:
    """The press agencies a preview may be shared with (those of today)."""
    return orgs.list_organisations(session, kinds=(OrgKind.PRESS_AGENCY,))


def of_statement(session: Session, statement_id: int) -> StatementPreview | None:
    """The statement's preview (current or ended), if it was ever shared."""
    return session.exec(
        select(StatementPreview).where(StatementPreview.statement_id == statement_id)
    ).first()


def agency_ids(session: Session, preview_id: int | None) -> list[int]:
    if preview_id is None:
        return []
    rows = session.exec(
        select(StatementPreviewAgency.organisation_id).where(
            StatementPreviewAgency.preview_id == preview_id
        )
    ).all()
    return sorted(rows)


def audience(session: Session, preview: StatementPreview) -> list[User]:
    """The verified journalists a preview is shared with."""
    query = select(User).where(User.role == Role.JOURNALIST, User.status == UserStatus.ACTIVE)
    if preview.audience == PreviewAudience.AGENCIES:
        query = query.where(col(User.organisation_id).in_(agency_ids(session, preview.id)))
    return list(session.exec(query.order_by(col(User.full_name))).all())


# --- The office ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewing:
    at: datetime
    name: str
    what: str  # "page" or "pdf"


@dataclass(frozen=True)
class OfficeView:
    """What the office's statement page says about sharing it under embargo."""

    offered: bool  # the statement may be shared now (scheduled, not yet public)
    preview: StatementPreview | None  # the current preview (not ended), if any
    agency_ids: list[int]
    agencies: list[OrgView]  # to choose from
    readers: int  # verified journalists it is shared with now
    viewings: list[Viewing]  # the audited views, newest first


def office_view(session: Session, st: Statement) -> OfficeView:
    sid = st.id or 0
    found = of_statement(session, sid)
    current = found if found is not None and found.ended_at is None else None
    viewings: list[Viewing] = []
    if found is not None and found.id is not None:
        rows = session.exec(
            select(AuditEvent, User)
            .join(User, col(User.id) == col(AuditEvent.actor_user_id), isouter=True)
            .where(
                AuditEvent.object_type == StatementPreview.__tablename__,
                AuditEvent.object_id == str(found.id),
                AuditEvent.action == VIEWED,
            )
            .order_by(col(AuditEvent.at).desc())
            .limit(50)
        ).all()
        viewings = [
            Viewing(e.at, u.full_name if u else (e.actor_email or ""), e.summary.split()[-1])
            for e, u in rows
        ]
    return OfficeView(
        offered=embargoed_edition(session, st, utcnow()) is not None,
        preview=current,
        agency_ids=agency_ids(session, current.id) if current else [],
        agencies=press_agencies(session),
        readers=len(audience(session, current)) if current else 0,
        viewings=viewings,
    )


@use_case
def share(
    session: Session,
    *,
    actor: Actor,
    statement_id: int,
    audience_kind: str,
    agencies: list[int],
) -> StatementPreview:
    """Share the statement under embargo with all verified journalists or those of chosen press
    agencies (sharing again changes the audience); those newly concerned are told."""
    office_only(actor)
    st = session.get(Statement, statement_id)
    if st is None:
        raise NotFound()
    ed = embargoed_edition(session, st, utcnow())
    if ed is None or ed.publish_at is None:
        raise Conflict(NOT_SCHEDULED)
    errors: dict[str, Msg] = {}
    kind = PreviewAudience(audience_kind) if audience_kind in set(PreviewAudience) else None
    if kind is None:
        errors["audience"] = Msg("Choose who sees the preview.")
    known = {o.id for o in press_agencies(session)}
    chosen = sorted(set(agencies)) if kind == PreviewAudience.AGENCIES else []
    if kind == PreviewAudience.AGENCIES and not chosen:
        errors["agencies"] = Msg("Choose at least one press agency.")
    elif any(a not in known for a in chosen):
        errors["agencies"] = Msg("Choose press agencies from the list.")
    if errors:
        raise ValidationFailed(errors)
    assert kind is not None
    preview = of_statement(session, statement_id)
    before = set()
    if preview is not None and preview.ended_at is None:
        before = {u.id for u in audience(session, preview)}
    if preview is None:
        preview = StatementPreview(statement_id=statement_id, audience=kind)
    preview.audience = kind
    preview.shared_by, preview.shared_at = actor.user_id, utcnow()
    preview.ended_at, preview.ended_by = None, None
    session.add(preview)
    try:
        session.flush()
    except IntegrityError as exc:  # shared by two people at the same moment: one wins
        raise Conflict(Msg("Someone shared this statement a moment ago: reload the page.")) from exc
    session.execute(
        delete(StatementPreviewAgency).where(col(StatementPreviewAgency.preview_id) == preview.id)
    )
    for org_id in chosen:
        session.add(StatementPreviewAgency(preview_id=preview.id or 0, organisation_id=org_id))
    session.flush()
    readers = audience(session, preview)
    names = ", ".join(o.name_vi for o in press_agencies(session) if o.id in chosen)
    audit.record(
        session,
        actor,
        "statement_preview.shared",
        preview,
        f"#{statement_id} until {ed.publish_at.isoformat()}: "
        + (names if chosen else "all verified journalists")
        + f" ({len(readers)} journalists)",
    )
    notify(
        session,
        [u for u in readers if u.id not in before],
        NoticeKind.PREVIEW_SHARED,
        params={"title": ed.title, "time": format_datetime(ed.publish_at)},
        link=f"/preview/statements/{statement_id}",
        dedupe=f"preview:{statement_id}:{int(ed.publish_at.timestamp())}",
    )
    return preview


@use_case
def end(session: Session, *, actor: Actor, statement_id: int) -> StatementPreview:
    """End the preview before the embargo's time: its address is a 404 again for everyone."""
    office_only(actor)
    preview = of_statement(session, statement_id)
    if preview is None or preview.ended_at is not None:
        raise Conflict(Msg("This statement is not shared under embargo."))
    _end(session, actor, preview, "ended by the office")
    return preview


def _end(session: Session, actor: Actor, preview: StatementPreview, why: str) -> None:
    preview.ended_at, preview.ended_by = utcnow(), actor.user_id
    session.add(preview)
    audit.record(
        session, actor, "statement_preview.ended", preview, f"#{preview.statement_id}: {why}"
    )


def end_when_taken_back(session: Session, actor: Actor, statement_id: int) -> None:
    """The embargo is taken back (unscheduled): the preview ends with it (inside that step)."""
    preview = of_statement(session, statement_id)
    if preview is not None and preview.ended_at is None:
        _end(session, actor, preview, "embargo taken back")


def forget(session: Session, statement_id: int) -> None:
    """A statement never issued is deleted: its preview goes with it (inside that step)."""
    preview = of_statement(session, statement_id)
    if preview is not None:
        session.execute(
            delete(StatementPreviewAgency).where(
                col(StatementPreviewAgency.preview_id) == preview.id
            )
        )
        session.delete(preview)
        session.flush()


# --- The journalist ------------------------------------------------------------------------------


def _reader(session: Session, actor: Actor) -> User | None:
    """The verified journalist behind `actor` (their own password set), else None."""
    if actor.role != Role.JOURNALIST.value or actor.user_id is None:
        return None
    user = session.get(User, actor.user_id)
    if user is None or user.role != Role.JOURNALIST or user.status != UserStatus.ACTIVE:
        return None
    return None if user.must_change_password else user


def _shared_with(session: Session, preview: StatementPreview, user: User) -> bool:
    if preview.ended_at is not None:
        return False
    if preview.audience == PreviewAudience.ALL:
        return True
    return user.organisation_id is not None and user.organisation_id in agency_ids(
        session, preview.id
    )


def mine(session: Session, actor: Actor) -> list[tuple[Statement, Edition]]:
    """The statements shared with this verified journalist and still under embargo, the
    soonest public first."""
    user = _reader(session, actor)
    if user is None:
        return []
    now = utcnow()
    rows = session.exec(
        select(StatementPreview, Statement, Edition)
        .join(Statement, col(Statement.id) == StatementPreview.statement_id)
        .join(Edition, col(Edition.statement_id) == Statement.id)
        .where(
            col(StatementPreview.ended_at).is_(None),
            col(Statement.withdrawn_at).is_(None),
            Edition.number == 1,
            Edition.state == EditionState.SCHEDULED,
            col(Edition.publish_at) > now,
            or_(
                col(StatementPreview.audience) == PreviewAudience.ALL,
                col(StatementPreview.id).in_(
                    select(StatementPreviewAgency.preview_id).where(
                        StatementPreviewAgency.organisation_id == (user.organisation_id or 0)
                    )
                ),
            ),
        )
        .order_by(col(Edition.publish_at), col(Statement.id))
    ).all()
    return [(st, ed) for _p, st, ed in rows]


@dataclass(frozen=True)
class PreviewPage:
    """What the preview's page and PDF show: the statement as it will be published, marked
    "embargoed until", with the name of the journalist it is shared with."""

    statement: Statement
    edition: Edition
    until: datetime
    reader: User
    agency: OrgView | None
    organisation: OrgView | None
    spokesperson: Spokesperson | None
    topics: list[Topic]


@use_case
def open_preview(
    session: Session, *, actor: Actor, statement_id: int, what: str = "page"
) -> PreviewPage | None:
    """The preview for a verified journalist of its audience while the embargo holds (the view
    audited); None once the statement is public (the page sends them to it); else 404, the same
    for a statement that does not exist, was never shared, was withdrawn or whose preview ended."""
    st = session.get(Statement, statement_id)
    if st is None:
        raise NotFound()
    now = utcnow()
    if st.withdrawn_at is None and public_edition(session, statement_id, now) is not None:
        return None
    user = _reader(session, actor)
    preview = of_statement(session, statement_id)
    ed = embargoed_edition(session, st, now)
    if user is None or preview is None or ed is None or ed.publish_at is None:
        raise NotFound()
    if not _shared_with(session, preview, user):
        raise NotFound()
    audit.record(session, actor, VIEWED, preview, f"#{statement_id} {what}")
    day = to_local(ed.publish_at).date()

    def org(org_id: int | None) -> OrgView | None:
        try:
            return orgs.get(session, org_id, on=day) if org_id else None
        except NotFound:
            return None

    wanted = set(topic_ids(session, statement_id))
    return PreviewPage(
        statement=st,
        edition=ed,
        until=ed.publish_at,
        reader=user,
        agency=org(user.organisation_id),
        organisation=org(st.organisation_id),
        spokesperson=session.get(Spokesperson, st.spokesperson_id) if st.spokesperson_id else None,
        topics=[t for t in topics(session) if t.id in wanted],
    )
