"""The spokesperson register (Art. 3 of the decree in force on each entry's start date: Decree
09/2017 before 1/7/2026, Decree 244/2026 from then): who may speak for each organisation, from
when to when, with the head's assignment decision or written authorisation. A statement is
issued in the name of a person in force for its organisation on the date of issue (`may_speak`).

Rules of an entry, each refused beside its field:
- the body is a state body (People's Committee, department, commune-level committee, other; never
  a press agency) in force on the entry's start date, and a rule set covers that date;
- a regular spokesperson's decision date is required where that rule set sets a posting time
  limit, and is never in the future nor after the start;
- an authorisation has a matter and an end date, and names the head of the same body in force on
  the start date who signed it: a spokesperson or an authorised person cannot authorise anyone
  (no further delegation, Decree 244/2026 Art. 3(6));
- an entry is posted on the public list when it is recorded (`posted_at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlalchemy import or_
from sqlmodel import Session, col, select

import app.statements.service.visibility as visibility
from app.accounts.models import User
from app.audit import service as audit
from app.audit.service import Actor
from app.errors import NotFound, UnsupportedFile, ValidationFailed
from app.forms import check_text
from app.i18n import Msg
from app.law.rulesets import NoRuleSet, RuleSet, ruleset_on
from app.orgs import service as orgs
from app.statements.models import Spokesperson, SpokespersonRole
from app.statements.service.common import ISSUING_KINDS, office_only
from app.storage import Store, clean_filename, extension, storing
from app.timeutil import local_today, utcnow
from app.uow import use_case

DOCUMENT_TYPES = frozenset({"pdf", "jpg", "jpeg", "png"})


def authorised(session: Session, organisation_id: int, day: date) -> list[Spokesperson]:
    """Who may speak for the organisation on that day (head, spokesperson, authorised person)."""
    return list(
        session.exec(
            select(Spokesperson)
            .where(Spokesperson.organisation_id == organisation_id)
            .where(col(Spokesperson.valid_from) <= day)
            .where(or_(col(Spokesperson.valid_to).is_(None), col(Spokesperson.valid_to) >= day))
            .order_by(col(Spokesperson.role), col(Spokesperson.full_name))
        ).all()
    )


def may_speak(person: Spokesperson, organisation_id: int, day: date) -> bool:
    return (
        person.organisation_id == organisation_id
        and person.valid_from <= day
        and (person.valid_to is None or person.valid_to >= day)
    )


def register(
    session: Session, *, on: date | None = None
) -> tuple[list[Spokesperson], list[Spokesperson]]:
    """The register as the public sees it: (in force on the day, the others: past and future)."""
    day = on or local_today()
    rows = list(
        session.exec(
            select(Spokesperson).order_by(
                col(Spokesperson.organisation_id), col(Spokesperson.valid_from).desc()
            )
        ).all()
    )
    current = [p for p in rows if may_speak(p, p.organisation_id, day)]
    return current, [p for p in rows if p not in current]


@dataclass
class SpokespersonInput:
    organisation_id: int | None
    role: SpokespersonRole | None
    full_name: str
    title: str
    phone: str = ""
    email: str = ""
    matter: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    user_id: int | None = None
    decision_number: str = ""
    decision_date: date | None = None
    authorised_by_id: int | None = None


def _rules_of(data: SpokespersonInput, errors: dict[str, Msg]) -> RuleSet | None:
    """The rule set of the entry's start date (its Art. 3 applies to the entry)."""
    if data.valid_from is None:
        errors["valid_from"] = Msg("Enter the date from which this person may speak.")
        return None
    try:
        return ruleset_on(data.valid_from)
    except NoRuleSet as exc:
        errors["valid_from"] = exc.message
        return None


def _check_organisation(session: Session, data: SpokespersonInput, errors: dict[str, Msg]) -> None:
    """A state body that may have spokespersons, in force on the entry's start date."""
    day = data.valid_from or local_today()
    try:
        org = orgs.get(session, data.organisation_id, on=day) if data.organisation_id else None
    except NotFound:
        org = None
    if org is None or org.kind not in ISSUING_KINDS:
        errors["organisation_id"] = Msg("Choose the organisation from the list.")
    elif not org.active_on(day):
        errors["organisation_id"] = Msg(
            "This body does not exist on the start date (%(date)s): choose one in force then.",
            {"date": day.strftime("%d/%m/%Y")},
        )


def _check_decision(data: SpokespersonInput, rules: RuleSet | None, errors: dict[str, Msg]) -> None:
    data.decision_number = check_text(data.decision_number, "decision_number", 100, errors)
    if data.decision_date is None:
        if data.role == SpokespersonRole.SPOKESPERSON and rules and rules.posting_hours:
            errors["decision_date"] = Msg(
                "Enter the date of the head's assignment decision: it is required for a "
                "spokesperson from %(date)s.",
                {"date": rules.valid_from.strftime("%d/%m/%Y")},
            )
    elif data.decision_date > local_today():
        errors["decision_date"] = Msg("The decision date cannot be in the future.")
    elif data.valid_from is not None and data.decision_date > data.valid_from:
        errors["decision_date"] = Msg("The decision cannot be dated after the start date.")


def _check_authoriser(session: Session, data: SpokespersonInput, errors: dict[str, Msg]) -> None:
    """An authorisation is signed by the head of the same body in force on the start date; one
    who speaks by assignment or authorisation cannot pass the right on."""
    if data.role != SpokespersonRole.AUTHORISED:
        data.authorised_by_id = None  # only an authorisation names who signed it
        return
    signer = session.get(Spokesperson, data.authorised_by_id) if data.authorised_by_id else None
    if data.authorised_by_id is None:
        errors["authorised_by_id"] = Msg("Choose the head who signed the authorisation.")
    elif signer is None:
        errors["authorised_by_id"] = Msg("Choose the person from the list.")
    elif signer.role != SpokespersonRole.HEAD:
        errors["authorised_by_id"] = Msg(
            "%(name)s is not the head of the organisation: a spokesperson or an authorised "
            "person cannot authorise anyone else (no further delegation).",
            {"name": signer.full_name},
        )
    elif signer.organisation_id != data.organisation_id:
        errors["authorised_by_id"] = Msg(
            "Only the head of the same organisation can authorise someone to speak for it."
        )
    elif data.valid_from is not None and not may_speak(
        signer, data.organisation_id or 0, data.valid_from
    ):
        errors["authorised_by_id"] = Msg(
            "%(name)s is not the head on the start date of the authorisation.",
            {"name": signer.full_name},
        )


def _validate(session: Session, data: SpokespersonInput) -> None:
    errors: dict[str, Msg] = {}
    data.full_name = check_text(data.full_name, "full_name", 200, errors, Msg("Enter the name."))
    data.title = check_text(data.title, "title", 300, errors, Msg("Enter the title (position)."))
    data.phone = check_text(data.phone, "phone", 40, errors)
    data.email = check_text(data.email, "email", 254, errors)
    data.matter = check_text(data.matter, "matter", 1000, errors)
    if data.email and ("@" not in data.email or " " in data.email):
        errors["email"] = Msg("Enter an e-mail address like name@quangninh.gov.vn.")
    if data.role is None:
        errors["role"] = Msg(
            "Choose whether this is the head, the spokesperson or an authorised person."
        )
    elif data.role == SpokespersonRole.AUTHORISED and not data.matter:
        errors["matter"] = Msg("An authorisation is for a stated matter: describe it.")
    rules = _rules_of(data, errors)
    _check_organisation(session, data, errors)
    if (
        data.valid_from is not None
        and data.valid_to is not None
        and data.valid_to < data.valid_from
    ):
        errors["valid_to"] = Msg("The end date cannot be before the start date.")
    if (
        data.role == SpokespersonRole.AUTHORISED
        and data.valid_to is None
        and "valid_to" not in errors
    ):
        errors["valid_to"] = Msg("An authorisation is for a limited time: enter its end date.")
    _check_decision(data, rules, errors)
    _check_authoriser(session, data, errors)
    if data.user_id is not None and session.get(User, data.user_id) is None:
        errors["user_id"] = Msg("Choose the account from the list.")
    if errors:
        raise ValidationFailed(errors)


def authorisers(session: Session) -> list[Spokesperson]:
    """Everyone in the register, heads first, for the "authorised by" list (the rule that only
    the head may authorise is said beside the field when someone else is chosen)."""
    rows = session.exec(select(Spokesperson)).all()
    order = {role: i for i, role in enumerate(SpokespersonRole)}
    return sorted(rows, key=lambda p: (p.organisation_id, order[p.role], -p.valid_from.toordinal()))


@use_case
def add_spokesperson(session: Session, *, actor: Actor, data: SpokespersonInput) -> Spokesperson:
    """Enter a person in the register, posted on the public list at once (the signed decision or
    authorisation is attached separately)."""
    office_only(actor)
    _validate(session, data)
    assert data.organisation_id is not None and data.role is not None
    assert data.valid_from is not None
    person = Spokesperson(
        organisation_id=data.organisation_id,
        role=data.role,
        full_name=data.full_name,
        title=data.title,
        phone=data.phone,
        email=data.email,
        matter=data.matter,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        user_id=data.user_id,
        decision_number=data.decision_number,
        decision_date=data.decision_date,
        authorised_by_id=data.authorised_by_id,
        created_by=actor.user_id,
        posted_at=utcnow(),  # on the public list from now: it reads the register
    )
    session.add(person)
    details = [f"{person.full_name} ({person.role})"]
    if person.decision_number or person.decision_date:
        day = person.decision_date.isoformat() if person.decision_date else "—"
        details.append(f"decision {person.decision_number or '—'} of {day}")
    if person.authorised_by_id:
        details.append(f"by #{person.authorised_by_id}")
    audit.record(session, actor, "spokesperson.added", person, ", ".join(details))
    visibility.mark_public_change(session)
    return person


@use_case
def end_spokesperson(
    session: Session, *, actor: Actor, spokesperson_id: int, last_day: date | None, reason: str
) -> Spokesperson:
    """Close a person's period (the history keeps them); the last day is required first."""
    office_only(actor)
    if last_day is None:
        raise ValidationFailed(
            {"last_day": Msg("Enter the last day this person may speak, e.g. 31/12/2026.")}
        )
    person = session.get(Spokesperson, spokesperson_id)
    if person is None:
        raise NotFound()
    errors: dict[str, Msg] = {}
    reason = check_text(reason, "reason", 500, errors, Msg("Give the reason."))
    if last_day < person.valid_from:
        errors["last_day"] = Msg("The last day cannot be before the start date.")
    if errors:
        raise ValidationFailed(errors)
    person.valid_to = last_day
    person.ended_reason = reason
    session.add(person)
    audit.record(session, actor, "spokesperson.ended", person, f"{last_day.isoformat()}: {reason}")
    visibility.mark_public_change(session)
    return person


@use_case
def attach_document(
    session: Session,
    *,
    actor: Actor,
    spokesperson_id: int,
    file: tuple[str, BinaryIO],
    store: Store,
    max_bytes: int,
) -> Spokesperson:
    """Attach the signed appointment or authorisation (one PDF or image), replacing the
    previous one; nothing changes if the file is refused."""
    office_only(actor)
    person = session.get(Spokesperson, spokesperson_id)
    if person is None:
        raise NotFound()
    if file[0] and extension(clean_filename(file[0])) not in DOCUMENT_TYPES:
        raise UnsupportedFile(Msg("The signed document must be a PDF, JPEG or PNG file."))
    old = person.document_stored_name
    # `storing` commits by itself, right after giving the file its final name, so that a file is
    # made final only when its row commits and a failed commit removes it (app/storage.py); the
    # replaced file is deleted only after that commit.
    with storing(session, [file], store=store, max_bytes=max_bytes, max_files=1) as got:
        p = got[0]
        person.document_filename = p.filename
        person.document_stored_name = p.stored_name
        person.document_content_type = p.content_type
        person.document_size = p.size
        session.add(person)
        audit.record(session, actor, "spokesperson.document", person, p.filename)
        visibility.mark_public_change(session)
    if old:
        store.forget(old)
    return person


def get_document(session: Session, *, actor: Actor, spokesperson_id: int) -> Spokesperson:
    """The spokesperson with a signed document, for the office; the store sends it."""
    office_only(actor)
    person = session.get(Spokesperson, spokesperson_id)
    if person is None or not person.document_stored_name:
        raise NotFound()
    return person
