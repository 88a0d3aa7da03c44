"""The spokesperson register (Decree 09/2017, Art. 3): who may speak for each organisation, from
when to when, with the signed appointment or authorisation. A statement is issued in the name of a
person in force for its organisation on the date of issue (`may_speak`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
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
from app.orgs import service as orgs
from app.statements.models import Spokesperson, SpokespersonRole
from app.statements.service.common import ISSUING_KINDS, office_only
from app.storage import clean_filename, extension, path_of, storing
from app.timeutil import local_today
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
    if (
        orgs.get_active(session, data.organisation_id, tuple(k.value for k in ISSUING_KINDS))
        is None
    ):
        errors["organisation_id"] = Msg("Choose the organisation from the list.")
    if data.valid_from is None:
        errors["valid_from"] = Msg("Enter the date from which this person may speak.")
    elif data.valid_to is not None and data.valid_to < data.valid_from:
        errors["valid_to"] = Msg("The end date cannot be before the start date.")
    if (
        data.role == SpokespersonRole.AUTHORISED
        and data.valid_to is None
        and "valid_to" not in errors
    ):
        errors["valid_to"] = Msg("An authorisation is for a limited time: enter its end date.")
    if data.user_id is not None and session.get(User, data.user_id) is None:
        errors["user_id"] = Msg("Choose the account from the list.")
    if errors:
        raise ValidationFailed(errors)


@use_case
def add_spokesperson(
    session: Session, *, actor: Actor, data: SpokespersonInput, document: object | None = None
) -> Spokesperson:
    """Enter a person in the register (an authorisation's document is attached separately)."""
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
        created_by=actor.user_id,
    )
    session.add(person)
    audit.record(
        session, actor, "spokesperson.added", person, f"{person.full_name} ({person.role})"
    )
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
    directory: Path,
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
    # renamed only when its row commits and a failed commit removes it (app/storage.py); the
    # replaced file is deleted only after that commit.
    with storing(session, [file], directory=directory, max_bytes=max_bytes, max_files=1) as got:
        p = got[0]
        person.document_filename = p.filename
        person.document_stored_name = p.stored_name
        person.document_content_type = p.content_type
        person.document_size = p.size
        session.add(person)
        audit.record(session, actor, "spokesperson.document", person, p.filename)
        visibility.mark_public_change(session)
    if old:
        path_of(directory, old).unlink(missing_ok=True)
    return person


def get_document(
    session: Session, *, actor: Actor, spokesperson_id: int, directory: Path
) -> tuple[Spokesperson, Path]:
    office_only(actor)
    person = session.get(Spokesperson, spokesperson_id)
    if person is None or not person.document_stored_name:
        raise NotFound()
    path = path_of(directory, person.document_stored_name)
    if not path.is_file():
        raise NotFound()
    return person, path
