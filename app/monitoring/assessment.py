"""The office's work on a press item: its assessment (tone, importance, note), the organisations
asked to verify it by a time and their answers, and its escalation to a sudden matter of
Decree 244/2026 Art. 7 (7(3), 7(4), or 7(6) for false information, where the press agency's
correction is then asked for and recorded on the matter, Art. 9(3)). Each step is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.errors import NotFound, ValidationFailed
from app.forms import check_text
from app.i18n import N_, Msg
from app.incidents import service as incidents
from app.incidents.models import SUMMARY_MAX, TITLE_MAX, Matter
from app.incidents.queries import state_bodies
from app.monitoring.models import (
    Importance,
    PressItem,
    PressItemAnswerFile,
    PressItemAssignment,
    PressItemMatch,
    Tone,
    WatchRuleOrganisation,
)
from app.notifications import service as notices
from app.notifications.models import NoticeKind
from app.notifications.triggers import office_users
from app.orgs import service as orgs
from app.storage import Store, storing
from app.timeutil import format_datetime, to_local, utcnow
from app.uow import use_case

NOTE_MAX = 2000
ANSWER_MAX = 10_000


def get_item(session: Session, item_id: int) -> PressItem:
    item = session.get(PressItem, item_id)
    if item is None:
        raise NotFound()
    return item


@use_case
def assess(
    session: Session, *, actor: Actor, item_id: int, tone: str, importance: str, note: str
) -> PressItem:
    item = get_item(session, item_id)
    errors: dict[str, Msg] = {}
    if tone not in {t.value for t in Tone} or tone == Tone.UNASSESSED:
        errors["tone"] = Msg(N_("Choose the tone of the report."))
    if importance not in {i.value for i in Importance}:
        errors["importance"] = Msg(N_("Choose the importance."))
    note = check_text(note, "note", NOTE_MAX, errors)
    if errors:
        raise ValidationFailed(errors)
    before = item.tone
    item.tone, item.importance, item.note = Tone(tone), Importance(importance), note
    item.assessed_at, item.assessed_by = utcnow(), actor.user_id
    session.add(item)
    record(session, actor, "press_item.assessed", item, f"{before.value} ⇒ {tone}, {importance}")
    return item


def suggested_organisations(session: Session, item_id: int) -> list[int]:
    """The organisations the rules that found the item concern (a first choice to ask)."""
    return sorted(
        set(
            session.exec(
                select(WatchRuleOrganisation.organisation_id)
                .join(
                    PressItemMatch,
                    col(PressItemMatch.rule_id) == col(WatchRuleOrganisation.rule_id),
                )
                .where(PressItemMatch.item_id == item_id)
            )
        )
    )


@use_case
def assign(
    session: Session,
    *,
    actor: Actor,
    item_id: int,
    organisation_ids: list[int],
    due_at: datetime | None,
) -> list[PressItemAssignment]:
    """Ask organisations to verify the item by `due_at`; each is told. Asking one already asked
    again changes nothing."""
    item = get_item(session, item_id)
    errors: dict[str, Msg] = {}
    bodies = {o.id for o in state_bodies(session)}
    wanted = sorted(set(organisation_ids))
    if not wanted:
        errors["organisation_ids"] = Msg(N_("Choose at least one organisation."))
    elif any(i not in bodies for i in wanted):
        errors["organisation_ids"] = Msg(N_("Choose organisations from the list."))
    if due_at is None:
        errors["due_at"] = Msg(N_("Enter by when the answer is due: the date and the time."))
    elif due_at <= utcnow():
        errors["due_at"] = Msg(N_("The due time must be in the future."))
    if errors:
        raise ValidationFailed(errors)
    assert due_at is not None
    asked = set(
        session.exec(
            select(PressItemAssignment.organisation_id).where(
                PressItemAssignment.item_id == item_id
            )
        )
    )
    made = []
    for org_id in wanted:
        if org_id in asked:
            continue
        row = PressItemAssignment(
            item_id=item_id, organisation_id=org_id, due_at=due_at, requested_by=actor.user_id
        )
        session.add(row)
        made.append(row)
    session.flush()
    names = ", ".join(orgs.get(session, r.organisation_id).name("vi") for r in made)
    if made:
        record(session, actor, "press_item.assigned", item, f"{names}; {format_datetime(due_at)}")
        notices.notify(
            session,
            notices.department_users(session, [r.organisation_id for r in made]),
            NoticeKind.PRESS_ITEM_ASSIGNED,
            params={"title": item.title[:200], "due": format_datetime(due_at)},
            link=f"/dept/monitoring/{item_id}",
        )
    return made


def assignment_of(
    session: Session, item_id: int, organisation_id: int | None
) -> PressItemAssignment:
    """The department's request about this item; 404 when its organisation was not asked."""
    row = session.exec(
        select(PressItemAssignment).where(
            PressItemAssignment.item_id == item_id,
            PressItemAssignment.organisation_id == organisation_id,
        )
    ).first()
    if row is None or organisation_id is None:
        raise NotFound()
    return row


def answer_with_files(
    session: Session,
    *,
    actor: Actor,
    item_id: int,
    text: str,
    files: list[tuple[str, BinaryIO]],
    store: Store,
    max_bytes: int,
    max_files: int,
) -> PressItemAssignment:
    """The answer with the documents that show it: all kept, or nothing (`storage.storing`)."""
    if not any(name for name, _fp in files):
        return answer(session, actor=actor, item_id=item_id, text=text)
    with storing(session, files, store=store, max_bytes=max_bytes, max_files=max_files) as pending:
        row = answer.__wrapped__(session, actor=actor, item_id=item_id, text=text)  # type: ignore[attr-defined]
        for p in pending:
            session.add(
                PressItemAnswerFile(
                    assignment_id=row.id or 0,
                    stored_name=p.stored_name,
                    filename=p.filename,
                    content_type=p.content_type,
                    size=p.size,
                    uploaded_by=actor.user_id,
                )
            )
        record(
            session,
            actor,
            "press_item.file_added",
            get_item(session, item_id),
            ", ".join(p.filename for p in pending),
        )
    return row


def answer_files(
    session: Session, assignment_ids: list[int]
) -> dict[int, list[PressItemAnswerFile]]:
    found: dict[int, list[PressItemAnswerFile]] = {}
    if assignment_ids:
        for f in session.exec(
            select(PressItemAnswerFile)
            .where(col(PressItemAnswerFile.assignment_id).in_(assignment_ids))
            .order_by(col(PressItemAnswerFile.id))
        ):
            found.setdefault(f.assignment_id, []).append(f)
    return found


def answer_file(
    session: Session, item_id: int, file_id: int, *, organisation_id: int | None, office: bool
) -> PressItemAnswerFile:
    """A file of an answer about the item: for the office, or the organisation that sent it."""
    f = session.get(PressItemAnswerFile, file_id)
    a = session.get(PressItemAssignment, f.assignment_id) if f else None
    if f is None or a is None or a.item_id != item_id:
        raise NotFound()
    if not office and a.organisation_id != organisation_id:
        raise NotFound()
    return f


@use_case
def answer(session: Session, *, actor: Actor, item_id: int, text: str) -> PressItemAssignment:
    """A department's answer (it may correct it until the office escalates the item)."""
    row = assignment_of(session, item_id, actor.organisation_id)
    item = get_item(session, item_id)
    errors: dict[str, Msg] = {}
    text = check_text(
        text, "answer", ANSWER_MAX, errors, Msg(N_("Write what your organisation found."))
    )
    if errors:
        raise ValidationFailed(errors)
    row.answer, row.answered_at, row.answered_by = text, utcnow(), actor.user_id
    session.add(row)
    org = orgs.get(session, row.organisation_id)
    record(session, actor, "press_item.answered", item, org.name("vi"))
    notices.notify(
        session,
        office_users(session),
        NoticeKind.PRESS_ITEM_ANSWERED,
        params={"title": item.title[:200], "organisation": org.name("vi")},
        link=f"/office/monitoring/items/{item_id}",
    )
    return row


def assignments(session: Session, item_id: int) -> list[PressItemAssignment]:
    return list(
        session.exec(
            select(PressItemAssignment)
            .where(PressItemAssignment.item_id == item_id)
            .order_by(col(PressItemAssignment.id))
        )
    )


@dataclass
class Waiting:
    item: PressItem
    assignment: PressItemAssignment


def for_department(session: Session, organisation_id: int | None) -> list[Waiting]:
    """The items a department was asked about, unanswered first, by due time."""
    if organisation_id is None:
        return []
    rows = session.exec(
        select(PressItemAssignment, PressItem)
        .join(PressItem, col(PressItem.id) == col(PressItemAssignment.item_id))
        .where(PressItemAssignment.organisation_id == organisation_id)
        .order_by(
            col(PressItemAssignment.answered_at).is_not(None), col(PressItemAssignment.due_at)
        )
    ).all()
    return [Waiting(item, a) for a, item in rows]


@use_case
def escalate(
    session: Session,
    *,
    actor: Actor,
    item_id: int,
    kind: str,
    clock_started_at: datetime | None,
    agency_id: int | None,
    organisation_ids: list[int],
) -> Matter:
    """Open a sudden matter from the item, its article pre-filled (the press agency, title,
    address and date), and link them; an item leads to one matter."""
    item = get_item(session, item_id)
    if item.matter_id is not None:
        raise ValidationFailed(
            {"kind": Msg(N_("A sudden matter was already opened from this item."))}
        )
    data = incidents.MatterInput(
        kind=kind,
        title=item.title[:TITLE_MAX],
        summary=(item.excerpt or item.note)[:SUMMARY_MAX],
        clock_started_at=clock_started_at,
        organisation_ids=organisation_ids,
        agency_id=agency_id,
        article_title=item.title,
        article_url=item.url,
        article_published_on=to_local(item.published_at).date(),
    )
    matter = incidents.create(session, actor=actor, data=data)
    item.matter_id = matter.id
    if item.tone == Tone.UNASSESSED and incidents.is_press_kind(kind):
        item.tone = Tone.FALSE
    session.add(item)
    record(session, actor, "press_item.escalated", item, f"sudden_matter {matter.id} ({kind})")
    return matter
