"""Use cases for official statements: drafting, review by a second person, scheduling under
embargo and publishing, new editions with change notes, withdrawal, translations, and the
spokesperson register that decides in whose name a statement may be issued.

Rules live here and in `states` (which step is possible in which state). Who may do what:
- the press office and the spokesperson draft and edit; departments, journalists and the public
  only read what is published;
- approval is by someone who neither created nor edited the edition (nor its translations), and
  who is the spokesperson or a press-office editor given the right (`StatementApprover`);
- a statement is issued in the name of a person in the register who may speak for its
  organisation on the date of issue.

Every change that can alter a public page marks the session (`public_changed`), so that the cache
of public pages is invalidated when the transaction commits (see `statements.cache`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.accounts.models import Role, User
from app.audit import service as audit
from app.audit.service import Actor
from app.errors import STALE, Conflict, Forbidden, NotFound, UnsupportedFile, ValidationFailed
from app.forms import CONTROL_CHARS, check_text
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.statements import search, states
from app.statements.models import (
    EDITABLE,
    ISSUED,
    ChangeKind,
    Compliance,
    Edition,
    EditionFile,
    EditionState,
    EditionTranslation,
    Spokesperson,
    SpokespersonRole,
    Statement,
    StatementApprover,
    StatementCounter,
    StatementFile,
    StatementKind,
    StatementLanguage,
    StatementOrganisation,
    StatementQuestion,
    StatementTopic,
    Topic,
)
from app.statements.states import Step
from app.storage import clean_filename, extension, path_of, storing
from app.timeutil import local_today, to_local, utcnow

OFFICE_ROLES = frozenset({Role.PRESS_OFFICE.value, Role.SPOKESPERSON.value})
SOURCE_LANGUAGE = "vi"
NUMBERS_FILE = Path(__file__).resolve().parent / "data" / "numbers.toml"
MAX_TITLE = 300
MAX_SUMMARY = 1000
MAX_BODY = 100_000
ISSUING_KINDS = (OrgKind.PEOPLES_COMMITTEE, OrgKind.DEPARTMENT, OrgKind.COMMUNE, OrgKind.OTHER)


def is_office(actor: Actor) -> bool:
    return actor.role in OFFICE_ROLES or (actor.role or "").startswith("system:")


def _office_only(actor: Actor) -> None:
    if not is_office(actor):
        raise Forbidden()


def mark_public_change(session: Session) -> None:
    """What this transaction commits changes public pages: the cache is invalidated on commit."""
    session.info["public_changed"] = True


# --- Numbers ------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def number_patterns(path: str = "") -> dict[StatementKind, str]:
    with open(path or NUMBERS_FILE, "rb") as fh:
        data = tomllib.load(fh)
    return {kind: str(data[kind.value]["pattern"]) for kind in StatementKind}


def format_number(kind: StatementKind, n: int, year: int, path: str = "") -> str:
    return number_patterns(path)[kind].format(n=n, year=year)


def _next_seq(session: Session, kind: StatementKind, year: int) -> int:
    """The next number of the kind's series for the year, atomic on both databases: an UPDATE …
    RETURNING holds the row until commit, so two publications never get the same number."""
    bumped = session.execute(
        sql_update(StatementCounter)
        .where(col(StatementCounter.kind) == kind, col(StatementCounter.year) == year)
        .values(last=StatementCounter.last + 1)
        .returning(col(StatementCounter.last))
    ).scalar_one_or_none()
    if bumped is not None:
        return int(bumped)
    try:
        with session.begin_nested():
            session.add(StatementCounter(kind=kind, year=year, last=1))
        return 1
    except IntegrityError:  # another transaction started the year's series meanwhile
        return _next_seq(session, kind, year)


# --- The spokesperson register -------------------------------------------------------------------


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


def _validate_spokesperson(session: Session, data: SpokespersonInput) -> None:
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


def add_spokesperson(
    session: Session, *, actor: Actor, data: SpokespersonInput, document: object | None = None
) -> Spokesperson:
    """Enter a person in the register (an authorisation's document is attached separately)."""
    _office_only(actor)
    _validate_spokesperson(session, data)
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
    mark_public_change(session)
    session.commit()
    return person


def end_spokesperson(
    session: Session, *, actor: Actor, spokesperson_id: int, last_day: date, reason: str
) -> Spokesperson:
    """Close a person's period (the history keeps them)."""
    _office_only(actor)
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
    mark_public_change(session)
    session.commit()
    return person


# --- Approvers and languages ---------------------------------------------------------------------


def may_approve(session: Session, actor: Actor) -> bool:
    """The spokesperson, or a press-office editor given the right."""
    if actor.role == Role.SPOKESPERSON.value:
        return True
    if actor.role != Role.PRESS_OFFICE.value or actor.user_id is None:
        return False
    return session.get(StatementApprover, actor.user_id) is not None


def grant_approval(session: Session, *, actor: Actor, user_id: int, granted: bool) -> None:
    """The administrator gives or takes the right to approve statements (press office only)."""
    if actor.role != Role.ADMIN.value and not (actor.role or "").startswith("system:"):
        raise Forbidden()
    user = session.get(User, user_id)
    if user is None or user.role != Role.PRESS_OFFICE:
        raise NotFound()
    row = session.get(StatementApprover, user_id)
    if granted and row is None:
        session.add(StatementApprover(user_id=user_id, granted_by=actor.user_id))
        audit.record(session, actor, "statement.approver_granted", user)
    elif not granted and row is not None:
        session.delete(row)
        audit.record(session, actor, "statement.approver_revoked", user)
    session.commit()


def languages(session: Session, *, enabled_only: bool = True) -> list[StatementLanguage]:
    query = select(StatementLanguage)
    if enabled_only:
        query = query.where(col(StatementLanguage.enabled).is_(True))
    return list(session.exec(query.order_by(col(StatementLanguage.position))).all())


def translation_languages(session: Session) -> list[StatementLanguage]:
    """The languages a statement may be translated into (all enabled but Vietnamese)."""
    return [lang for lang in languages(session) if lang.code != SOURCE_LANGUAGE]


DEFAULT_LANGUAGES = (
    ("vi", "Tiếng Việt", "Tiếng Việt"),
    ("en", "English", "Tiếng Anh"),
    ("zh", "中文", "Tiếng Trung"),
    ("fr", "Français", "Tiếng Pháp"),
    ("ja", "日本語", "Tiếng Nhật"),
    ("ko", "한국어", "Tiếng Hàn"),
)


DEFAULT_TOPICS = (
    ("kinh-te", "Kinh tế – xã hội", "Economy and society"),
    ("dau-tu", "Đầu tư", "Investment"),
    ("du-lich", "Du lịch", "Tourism"),
    ("thien-tai", "Thiên tai, thời tiết", "Natural disasters and weather"),
    ("moi-truong", "Môi trường", "Environment"),
    ("y-te", "Y tế", "Health"),
    ("giao-thong", "Giao thông", "Transport"),
    ("dat-dai", "Đất đai, xây dựng", "Land and construction"),
    ("giao-duc", "Giáo dục", "Education"),
    ("bien-gioi", "Biên giới, biển đảo", "Borders, sea and islands"),
)


def seed_reference(session: Session) -> int:
    """The default languages (the province's plan) and topics, once; returns how many added."""
    added = seed_languages(session)
    for position, (code, name_vi, name_en) in enumerate(DEFAULT_TOPICS):
        if session.exec(select(Topic).where(Topic.code == code)).first() is None:
            session.add(Topic(code=code, name_vi=name_vi, name_en=name_en, position=position))
            added += 1
    session.commit()
    return added


def seed_languages(session: Session) -> int:
    """The default languages of the province's plan, once."""
    added = 0
    for position, (code, name, name_vi) in enumerate(DEFAULT_LANGUAGES):
        if session.get(StatementLanguage, code) is None:
            session.add(StatementLanguage(code=code, name=name, name_vi=name_vi, position=position))
            added += 1
    session.commit()
    return added


# --- Reading -------------------------------------------------------------------------------------


def get(session: Session, statement_id: int, *, actor: Actor) -> Statement:
    """A statement for the office (any state); others only see published ones (public_*)."""
    _office_only(actor)
    st = session.get(Statement, statement_id)
    if st is None:
        raise NotFound()
    return st


def editions(session: Session, statement_id: int) -> list[Edition]:
    return list(
        session.exec(
            select(Edition)
            .where(Edition.statement_id == statement_id)
            .order_by(col(Edition.number))
        ).all()
    )


def working_edition(session: Session, statement_id: int) -> Edition | None:
    """The edition not yet issued (draft, submitted or approved), if any."""
    return session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(col(Edition.state).not_in([s.value for s in ISSUED]))
    ).first()


def visible_condition(now: datetime) -> ColumnElement[bool]:
    """An edition that the public sees at `now`: issued, its time come, not yet superseded."""
    return and_(
        col(Edition.state).in_([s.value for s in ISSUED]),
        col(Edition.publish_at) <= now,
        or_(col(Edition.superseded_at).is_(None), col(Edition.superseded_at) > now),
    )


def public_edition(
    session: Session, statement_id: int, now: datetime | None = None
) -> Edition | None:
    return session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(visible_condition(now or utcnow()))
    ).first()


def public_history(
    session: Session, statement_id: int, now: datetime | None = None
) -> list[Edition]:
    """The editions the public may see in the history: every issued one whose time has come."""
    now = now or utcnow()
    return list(
        session.exec(
            select(Edition)
            .where(Edition.statement_id == statement_id)
            .where(col(Edition.state).in_([s.value for s in ISSUED]))
            .where(col(Edition.publish_at) <= now)
            .order_by(col(Edition.number).desc())
        ).all()
    )


def translations(session: Session, edition_id: int) -> dict[str, EditionTranslation]:
    rows = session.exec(
        select(EditionTranslation).where(EditionTranslation.edition_id == edition_id)
    )
    return {t.language: t for t in rows}


def is_outdated(session: Session, translation: EditionTranslation, edition: Edition) -> bool:
    """A major edition after the one the translation was made from, up to `edition`."""
    if translation.source_number >= edition.number:
        return False
    major = session.exec(
        select(func.count())
        .select_from(Edition)
        .where(Edition.statement_id == edition.statement_id)
        .where(col(Edition.number) > translation.source_number)
        .where(col(Edition.number) <= edition.number)
        .where(Edition.change_kind == ChangeKind.MAJOR)
    ).one()
    return bool(major)


def next_public_change(session: Session, now: datetime | None = None) -> datetime | None:
    """The next moment a public page changes by itself (an embargo ends): caches expire then."""
    now = now or utcnow()
    publish = session.exec(
        select(func.min(Edition.publish_at)).where(
            Edition.state == EditionState.SCHEDULED, col(Edition.publish_at) > now
        )
    ).one()
    return publish


def topics(session: Session) -> list[Topic]:
    return list(session.exec(select(Topic).order_by(col(Topic.position), col(Topic.name_vi))).all())


def topic_ids(session: Session, statement_id: int) -> list[int]:
    rows = session.exec(
        select(StatementTopic.topic_id).where(StatementTopic.statement_id == statement_id)
    )
    return sorted(rows.all())


def related_org_ids(session: Session, statement_id: int) -> list[int]:
    rows = session.exec(
        select(StatementOrganisation.organisation_id).where(
            StatementOrganisation.statement_id == statement_id
        )
    )
    return sorted(rows.all())


def question_ids(session: Session, statement_id: int) -> list[int]:
    rows = session.exec(
        select(StatementQuestion.question_id).where(StatementQuestion.statement_id == statement_id)
    )
    return sorted(rows.all())


# --- Drafting ------------------------------------------------------------------------------------


@dataclass
class StatementInput:
    kind: StatementKind | None
    organisation_id: int | None
    spokesperson_id: int | None
    title: str
    summary: str = ""
    body: str = ""
    briefing_id: int | None = None
    topic_ids: list[int] = field(default_factory=list)
    related_org_ids: list[int] = field(default_factory=list)
    question_ids: list[int] = field(default_factory=list)
    # A request to publish a reply or correction
    target_agency_id: int | None = None
    target_agency_name: str = ""
    article_title: str = ""
    article_url: str = ""
    compliance: Compliance | None = None
    # A later edition
    change_kind: ChangeKind | None = None
    change_note: str = ""


def _validate(session: Session, data: StatementInput, *, first: bool, today: date) -> None:
    errors: dict[str, Msg] = {}
    data.title = check_text(data.title, "title", MAX_TITLE, errors, Msg("Enter the title."))
    data.summary = check_text(data.summary, "summary", MAX_SUMMARY, errors)
    data.body = check_text(
        data.body, "body", MAX_BODY, errors, Msg("Write the text of the statement.")
    )
    for name in ("title", "summary", "body"):
        if CONTROL_CHARS.search(getattr(data, name)):
            errors[name] = Msg("Remove the control characters from the text.")
    if data.kind is None:
        errors["kind"] = Msg("Choose the kind of statement.")
    # A later edition keeps the issuing body and the person as issued, even if the body has been
    # reorganised or the person has left since (a correction must stay possible).
    kinds = tuple(k.value for k in ISSUING_KINDS)
    org = orgs.get_active(session, data.organisation_id, kinds) if first else None
    if first and org is None:
        errors["organisation_id"] = Msg("Choose the issuing organisation from the list.")
    elif org is not None and data.spokesperson_id is None:
        errors["spokesperson_id"] = Msg("Choose in whose name the statement is issued.")
    elif org is not None:
        person = session.get(Spokesperson, data.spokesperson_id)
        if (
            person is None
            or person.organisation_id != org.id
            or (person.valid_to is not None and person.valid_to < today)
        ):
            errors["spokesperson_id"] = Msg(
                "Choose someone in the register who may speak for this organisation."
            )
    known_topics = {t.id for t in topics(session)}
    if set(data.topic_ids) - known_topics:
        errors["topic_ids"] = Msg("Choose topics from the list.")
    data.target_agency_name = check_text(data.target_agency_name, "target_agency_name", 200, errors)
    data.article_title = check_text(data.article_title, "article_title", 500, errors)
    data.article_url = check_text(data.article_url, "article_url", 1000, errors)
    if data.article_url and not data.article_url.startswith(("https://", "http://")):
        errors["article_url"] = Msg("Enter the article's web address, starting with https://.")
    if data.kind == StatementKind.CORRECTION_REQUEST:
        agency = orgs.get_active(session, data.target_agency_id, (OrgKind.PRESS_AGENCY.value,))
        if agency is None and not data.target_agency_name:
            errors["target_agency_id"] = Msg("Choose the press agency asked to publish it.")
        if not data.article_title:
            errors["article_title"] = Msg("Enter the article concerned.")
    if not first:
        if data.change_kind not in (ChangeKind.MAJOR, ChangeKind.MINOR):
            errors["change_kind"] = Msg(
                "Say whether this is a major change or a minor one (a typo)."
            )
        data.change_note = check_text(
            data.change_note, "change_note", 1000, errors, Msg("Describe the change for readers.")
        )
    _check_links(session, data, errors)
    if errors:
        raise ValidationFailed(errors)


def _search_text(session: Session, st: Statement, ed: Edition) -> str:
    parts = [st.number or "", ed.title, ed.summary, ed.body]
    if ed.id is not None:
        for t in translations(session, ed.id).values():
            parts += [t.title, t.summary, t.body]
    return search.document(*parts)


def _set_links(session: Session, statement_id: int, data: StatementInput) -> None:
    session.execute(delete(StatementTopic).where(col(StatementTopic.statement_id) == statement_id))
    session.execute(
        delete(StatementOrganisation).where(col(StatementOrganisation.statement_id) == statement_id)
    )
    session.execute(
        delete(StatementQuestion).where(col(StatementQuestion.statement_id) == statement_id)
    )
    for tid in sorted(set(data.topic_ids)):
        session.add(StatementTopic(statement_id=statement_id, topic_id=tid))
    for oid in sorted(set(data.related_org_ids)):
        session.add(StatementOrganisation(statement_id=statement_id, organisation_id=oid))
    for qid in sorted(set(data.question_ids)):
        session.add(StatementQuestion(statement_id=statement_id, question_id=qid))


LINK_FIELDS = (
    "briefing_id",
    "topic_ids",
    "related_org_ids",
    "question_ids",
    "target_agency_id",
    "target_agency_name",
    "article_title",
    "article_url",
)


def _links_of(data: StatementInput) -> dict[str, Any]:
    return {name: getattr(data, name) for name in LINK_FIELDS}


def draft_links(session: Session, st: Statement, ed: Edition) -> dict[str, Any]:
    """The briefing, topics, organisations, questions and correction facts the edition carries:
    those it changes (kept on the edition until it is issued), else the statement's."""
    if ed.pending_links is not None:
        return dict(ed.pending_links)
    sid = st.id or 0
    return {
        "briefing_id": st.briefing_id,
        "topic_ids": topic_ids(session, sid),
        "related_org_ids": related_org_ids(session, sid),
        "question_ids": question_ids(session, sid),
        "target_agency_id": st.target_agency_id,
        "target_agency_name": st.target_agency_name,
        "article_title": st.article_title,
        "article_url": st.article_url,
    }


def _apply_links(session: Session, st: Statement, links: dict[str, Any]) -> None:
    """Give the statement the links (at creation, on editing the first draft, or when a later
    edition is issued: the public page never shows them before)."""
    st.briefing_id = links.get("briefing_id")
    st.target_agency_id = links.get("target_agency_id")
    st.target_agency_name = links.get("target_agency_name") or ""
    st.article_title = links.get("article_title") or ""
    st.article_url = links.get("article_url") or ""
    if st.id is not None:
        _set_links(
            session,
            st.id,
            StatementInput(
                None,
                None,
                None,
                "",
                topic_ids=list(links.get("topic_ids") or []),
                related_org_ids=list(links.get("related_org_ids") or []),
                question_ids=list(links.get("question_ids") or []),
            ),
        )


def create(session: Session, *, actor: Actor, data: StatementInput) -> Statement:
    """A new statement with its first edition, in draft."""
    _office_only(actor)
    _validate(session, data, first=True, today=local_today())
    assert data.kind is not None and data.organisation_id is not None
    st = Statement(
        kind=data.kind,
        organisation_id=data.organisation_id,
        spokesperson_id=data.spokesperson_id,
        briefing_id=data.briefing_id,
        target_agency_id=data.target_agency_id,
        target_agency_name=data.target_agency_name,
        article_title=data.article_title,
        article_url=data.article_url,
        compliance=(
            data.compliance or Compliance.PENDING
            if data.kind == StatementKind.CORRECTION_REQUEST
            else None
        ),
        created_by=actor.user_id,
    )
    session.add(st)
    session.flush()
    assert st.id is not None
    ed = Edition(
        statement_id=st.id,
        number=1,
        title=data.title,
        summary=data.summary,
        body=data.body,
        change_kind=ChangeKind.FIRST,
        created_by=actor.user_id,
        edited_by=actor.user_id,
    )
    ed.search_text = _search_text(session, st, ed)
    session.add(ed)
    _set_links(session, st.id, data)
    audit.record(session, actor, "statement.created", st, data.title[:200])
    session.commit()
    return st


def _working(session: Session, statement_id: int, expected_revision: int | None) -> Edition:
    ed = working_edition(session, statement_id)
    if ed is None:
        raise Conflict(Msg("There is no edition being prepared: start a new edition first."))
    if expected_revision is not None and expected_revision != ed.revision:
        raise Conflict(STALE)
    return ed


def update(
    session: Session,
    *,
    actor: Actor,
    statement_id: int,
    data: StatementInput,
    expected_revision: int | None = None,
) -> Edition:
    """Edit the edition being prepared. A published edition is never edited: only a draft (or a
    submitted one, which goes back to draft). The first edition also sets the statement's facts
    (kind, organisation, spokesperson); later ones carry a change note."""
    st = get(session, statement_id, actor=actor)
    ed = _working(session, statement_id, expected_revision)
    if ed.state not in EDITABLE:
        raise Conflict(
            Msg("This edition is approved: it cannot be edited. Return it to draft to change it.")
        )
    first = ed.number == 1
    if not first:  # the statement's own facts stay as issued
        data.kind, data.organisation_id = st.kind, st.organisation_id
        data.spokesperson_id = st.spokesperson_id
    _validate(session, data, first=first, today=local_today())
    if first:
        assert data.kind is not None and data.organisation_id is not None
        st.kind = data.kind
        st.organisation_id = data.organisation_id
        st.spokesperson_id = data.spokesperson_id
        _apply_links(session, st, _links_of(data))  # nothing is public yet
    else:  # kept on the edition: the public statement changes only when it is issued
        ed.pending_links = _links_of(data)
    if st.kind == StatementKind.CORRECTION_REQUEST:
        st.compliance = data.compliance or st.compliance or Compliance.PENDING
    st.updated_at = utcnow()
    ed.title, ed.summary, ed.body = data.title, data.summary, data.body
    if not first:
        assert data.change_kind is not None
        ed.change_kind, ed.change_note = data.change_kind, data.change_note
    ed.state = EditionState.DRAFT
    ed.submitted_at = None
    ed.edited_by = actor.user_id
    ed.updated_at = utcnow()
    ed.search_text = _search_text(session, st, ed)
    session.add_all([st, ed])
    audit.record(session, actor, "statement.edited", ed, f"#{statement_id} edition {ed.number}")
    session.commit()
    return ed


def save_translation(
    session: Session,
    *,
    actor: Actor,
    statement_id: int,
    language: str,
    title: str,
    summary: str,
    body: str,
) -> EditionTranslation:
    """Write (or update) a translation on the edition being prepared: it is then made from this
    edition, and no longer outdated."""
    st = get(session, statement_id, actor=actor)
    ed = _working(session, statement_id, None)
    if ed.state not in EDITABLE:
        raise Conflict(
            Msg("This edition is approved: it cannot be edited. Return it to draft to change it.")
        )
    if language not in {lang.code for lang in translation_languages(session)}:
        raise ValidationFailed({"language": Msg("Choose a language from the list.")})
    errors: dict[str, Msg] = {}
    title = check_text(title, "title", MAX_TITLE, errors, Msg("Enter the title."))
    summary = check_text(summary, "summary", MAX_SUMMARY, errors)
    body = check_text(body, "body", MAX_BODY, errors, Msg("Write the translated text."))
    for name, value in (("title", title), ("summary", summary), ("body", body)):
        if CONTROL_CHARS.search(value):
            errors[name] = Msg("Remove the control characters from the text.")
    if errors:
        raise ValidationFailed(errors)
    assert ed.id is not None
    row = translations(session, ed.id).get(language)
    if row is None:
        row = EditionTranslation(
            edition_id=ed.id, language=language, title=title, source_number=ed.number
        )
    row.title, row.summary, row.body = title, summary, body
    row.source_number = ed.number
    row.translated_by = actor.user_id
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    ed.state = EditionState.DRAFT
    ed.submitted_at = None
    ed.edited_by = actor.user_id
    ed.updated_at = utcnow()
    ed.search_text = _search_text(session, st, ed)
    session.add(ed)
    audit.record(session, actor, "statement.translated", ed, f"#{statement_id} {language}")
    session.commit()
    return row


def remove_translation(session: Session, *, actor: Actor, statement_id: int, language: str) -> None:
    st = get(session, statement_id, actor=actor)
    ed = _working(session, statement_id, None)
    if ed.state not in EDITABLE or ed.id is None:
        raise Conflict(
            Msg("This edition is approved: it cannot be edited. Return it to draft to change it.")
        )
    row = translations(session, ed.id).get(language)
    if row is None:
        raise NotFound()
    session.delete(row)
    session.flush()
    ed.edited_by = actor.user_id
    ed.state = EditionState.DRAFT
    ed.search_text = _search_text(session, st, ed)
    session.add(ed)
    audit.record(session, actor, "statement.translation_removed", ed, f"#{statement_id} {language}")
    session.commit()


def _authors(session: Session, ed: Edition) -> set[int]:
    people = {ed.created_by, ed.edited_by}
    if ed.id is not None:
        people |= {t.translated_by for t in translations(session, ed.id).values()}
    return {p for p in people if p is not None}


def _step(ed: Edition, step: Step) -> EditionState:
    target = states.next_state(ed.state, step)
    if target is None:
        raise Conflict(Msg("This step is not possible in the edition's current state."))
    return target


def submit(
    session: Session, *, actor: Actor, statement_id: int, expected_revision: int | None = None
) -> Edition:
    get(session, statement_id, actor=actor)
    ed = _working(session, statement_id, expected_revision)
    ed.state = _step(ed, Step.SUBMIT)
    ed.submitted_at = utcnow()
    session.add(ed)
    audit.record(session, actor, "statement.submitted", ed, f"#{statement_id} edition {ed.number}")
    session.commit()
    return ed


def return_to_draft(
    session: Session, *, actor: Actor, statement_id: int, expected_revision: int | None = None
) -> Edition:
    """Send a submitted or approved edition back to draft (to change it)."""
    get(session, statement_id, actor=actor)
    ed = _working(session, statement_id, expected_revision)
    ed.state = _step(ed, Step.RETURN)
    ed.approved_by, ed.approved_at = None, None
    session.add(ed)
    audit.record(session, actor, "statement.returned", ed, f"#{statement_id} edition {ed.number}")
    session.commit()
    return ed


def approve(
    session: Session, *, actor: Actor, statement_id: int, expected_revision: int | None = None
) -> Edition:
    """A second person approves: the spokesperson or an editor with the right, never someone
    who created or edited the edition or its translations."""
    get(session, statement_id, actor=actor)
    ed = _working(session, statement_id, expected_revision)
    if not may_approve(session, actor):
        raise Forbidden(
            Msg("Only the spokesperson or an editor given the right may approve statements.")
        )
    if actor.user_id is not None and actor.user_id in _authors(session, ed):
        raise Forbidden(Msg("You wrote or edited this edition: another person must approve it."))
    ed.state = _step(ed, Step.APPROVE)
    ed.approved_by = actor.user_id
    ed.approved_at = utcnow()
    session.add(ed)
    audit.record(session, actor, "statement.approved", ed, f"#{statement_id} edition {ed.number}")
    session.commit()
    return ed


def publish(
    session: Session,
    *,
    actor: Actor,
    statement_id: int,
    at: datetime | None = None,
    expected_revision: int | None = None,
    numbers_file: str = "",
) -> Edition:
    """Issue the approved edition now, or schedule it (embargo) for `at`. The first edition gets
    its number and must be issued in the name of someone who may speak for the organisation on
    the date of issue. The edition it replaces stays public until then."""
    st = get(session, statement_id, actor=actor)
    ed = _working(session, statement_id, expected_revision)
    now = utcnow()
    if at is not None and at <= now:
        raise ValidationFailed(
            {"publish_at": Msg("The scheduled time has passed: choose a time in the future.")}
        )
    when = at or now
    step = Step.SCHEDULE if at is not None else Step.PUBLISH
    target = _step(ed, step)
    if ed.number == 1:
        person = session.get(Spokesperson, st.spokesperson_id) if st.spokesperson_id else None
        day = to_local(when).date()
        if person is None or not may_speak(person, st.organisation_id, day):
            raise ValidationFailed(
                {
                    "spokesperson_id": Msg(
                        "On %(date)s this person may not speak for the organisation: choose someone in the register for that day.",
                        {"date": day.strftime("%d/%m/%Y")},
                    )
                }
            )
        year = day.year
        if st.number is None or st.year != year:  # scheduled, taken back: it keeps its number
            seq = _next_seq(session, st.kind, year)
            st.year, st.seq = year, seq
            st.number = format_number(st.kind, seq, year, numbers_file)
        st.first_published_at = when
    previous = session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(col(Edition.state).in_([s.value for s in ISSUED]))
        .where(col(Edition.number) < ed.number)
        .order_by(col(Edition.number).desc())
    ).first()
    if previous is not None:
        if previous.publish_at is not None and previous.publish_at > when:
            raise ValidationFailed(
                {"publish_at": Msg("The previous edition is scheduled later than this time.")}
            )
        previous.superseded_at = when
        session.add(previous)
    if ed.pending_links is not None:
        _apply_links(session, st, ed.pending_links)
    ed.state = target
    ed.publish_at = when
    ed.search_text = _search_text(session, st, ed)
    st.updated_at = now
    session.add_all([st, ed])
    action = "statement.scheduled" if at is not None else "statement.published"
    audit.record(
        session,
        actor,
        action,
        ed,
        f"#{statement_id} {st.number} edition {ed.number} at {when.isoformat()}",
    )
    mark_public_change(session)
    session.commit()
    return ed


def unschedule(
    session: Session, *, actor: Actor, statement_id: int, expected_revision: int | None = None
) -> Edition:
    """Take a scheduled edition back (before its time): it returns to approved."""
    st = get(session, statement_id, actor=actor)
    ed = session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(Edition.state == EditionState.SCHEDULED)
    ).first()
    if ed is None:
        raise Conflict(Msg("This step is not possible in the edition's current state."))
    if expected_revision is not None and expected_revision != ed.revision:
        raise Conflict(STALE)
    if ed.publish_at is not None and ed.publish_at <= utcnow():
        raise Conflict(Msg("The embargo has already ended: the edition is public."))
    ed.state = _step(ed, Step.UNSCHEDULE)
    ed.publish_at = None
    if ed.number == 1:  # not issued after all (the number stays reserved for it)
        st.first_published_at = None
        session.add(st)
    previous = session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .where(col(Edition.number) < ed.number)
        .order_by(col(Edition.number).desc())
    ).first()
    if previous is not None:
        previous.superseded_at = None
        session.add(previous)
    session.add(ed)
    audit.record(
        session, actor, "statement.unscheduled", ed, f"#{statement_id} edition {ed.number}"
    )
    mark_public_change(session)
    session.commit()
    return ed


def publish_due(session: Session, *, now: datetime | None = None) -> list[int]:
    """Mark scheduled editions whose time has come as published (and audit it), once each even
    with several workers running this at the same moment. Visibility does not wait for this:
    pages show an edition from its `publish_at` on."""
    now = now or utcnow()
    due = session.exec(
        select(Edition.id).where(
            Edition.state == EditionState.SCHEDULED, col(Edition.publish_at) <= now
        )
    ).all()
    done: list[int] = []
    for edition_id in due:
        won = session.execute(  # type: ignore[attr-defined]  # CursorResult has rowcount
            sql_update(Edition)
            .where(col(Edition.id) == edition_id, col(Edition.state) == EditionState.SCHEDULED)
            .values(state=EditionState.PUBLISHED, revision=Edition.revision + 1)
        ).rowcount
        if won:
            ed = session.get(Edition, edition_id)
            assert ed is not None
            audit.record(
                session,
                Actor.system("scheduler"),
                "statement.published",
                ed,
                f"#{ed.statement_id} edition {ed.number} (embargo ended)",
            )
            done.append(int(edition_id or 0))
    if done:
        mark_public_change(session)
    session.commit()
    return done


def new_edition(session: Session, *, actor: Actor, statement_id: int) -> Edition:
    """Start the next edition from the one public now (content, translations and files copied)."""
    st = get(session, statement_id, actor=actor)
    if st.withdrawn_at is not None:
        raise Conflict(Msg("This statement was withdrawn: it gets no new edition."))
    if working_edition(session, statement_id) is not None:
        raise Conflict(Msg("An edition is already being prepared: finish it first."))
    latest = session.exec(
        select(Edition)
        .where(Edition.statement_id == statement_id)
        .order_by(col(Edition.number).desc())
    ).first()
    if latest is None or latest.state not in ISSUED:
        raise Conflict(Msg("This step is not possible in the edition's current state."))
    ed = Edition(
        statement_id=statement_id,
        number=latest.number + 1,
        title=latest.title,
        summary=latest.summary,
        body=latest.body,
        change_kind=ChangeKind.MAJOR,
        created_by=actor.user_id,
        edited_by=actor.user_id,
        search_text=latest.search_text,
    )
    session.add(ed)
    session.flush()
    assert ed.id is not None and latest.id is not None
    for t in translations(session, latest.id).values():
        session.add(
            EditionTranslation(
                edition_id=ed.id,
                language=t.language,
                title=t.title,
                summary=t.summary,
                body=t.body,
                source_number=t.source_number,  # still made from the older edition
                translated_by=t.translated_by,
            )
        )
    for link in session.exec(select(EditionFile).where(EditionFile.edition_id == latest.id)):
        session.add(EditionFile(edition_id=ed.id, file_id=link.file_id))
    audit.record(
        session, actor, "statement.new_edition", ed, f"#{statement_id} edition {ed.number}"
    )
    session.commit()
    return ed


def discard(session: Session, *, actor: Actor, statement_id: int) -> None:
    """Throw away the edition being prepared (a statement never issued goes entirely)."""
    st = get(session, statement_id, actor=actor)
    ed = working_edition(session, statement_id)
    if ed is None or ed.id is None:
        raise Conflict(Msg("There is no edition being prepared: start a new edition first."))
    session.execute(delete(EditionTranslation).where(col(EditionTranslation.edition_id) == ed.id))
    session.execute(delete(EditionFile).where(col(EditionFile.edition_id) == ed.id))
    session.delete(ed)
    audit.record(session, actor, "statement.discarded", st, f"edition {ed.number}")
    if ed.number == 1:
        _set_links(session, statement_id, StatementInput(None, None, None, ""))
        session.delete(st)
    session.commit()


def withdraw(session: Session, *, actor: Actor, statement_id: int, reason: str) -> Statement:
    """Withdraw an issued statement: its page stays, with the reason, for the record."""
    st = get(session, statement_id, actor=actor)
    if not may_approve(session, actor):
        raise Forbidden(
            Msg("Only the spokesperson or an editor given the right may withdraw a statement.")
        )
    if st.withdrawn_at is not None or st.first_published_at is None:
        raise Conflict(Msg("Only an issued statement can be withdrawn, once."))
    errors: dict[str, Msg] = {}
    reason = check_text(reason, "reason", 2000, errors, Msg("Give the reason for the withdrawal."))
    if errors:
        raise ValidationFailed(errors)
    st.withdrawn_at = utcnow()
    st.withdrawn_by = actor.user_id
    st.withdrawn_reason = reason
    st.updated_at = utcnow()
    session.add(st)
    audit.record(session, actor, "statement.withdrawn", st, reason[:200])
    mark_public_change(session)
    session.commit()
    return st


def set_compliance(
    session: Session, *, actor: Actor, statement_id: int, compliance: Compliance
) -> Statement:
    """Record whether the press agency published the reply or correction asked for."""
    st = get(session, statement_id, actor=actor)
    if st.kind != StatementKind.CORRECTION_REQUEST:
        raise Conflict(Msg("Only a request to publish a reply or correction has this."))
    st.compliance = compliance
    st.updated_at = utcnow()
    session.add(st)
    audit.record(session, actor, "statement.compliance", st, compliance.value)
    mark_public_change(session)
    session.commit()
    return st


def office_list(session: Session, *, limit: int = 200) -> list[tuple[Statement, Edition | None]]:
    """Every statement with its latest edition, newest first (the office's list)."""
    rows = list(
        session.exec(
            select(Statement).order_by(col(Statement.updated_at).desc()).limit(limit)
        ).all()
    )
    latest: dict[int, Edition] = {}
    ids = [s.id for s in rows if s.id is not None]
    if ids:
        for ed in session.exec(
            select(Edition).where(col(Edition.statement_id).in_(ids)).order_by(col(Edition.number))
        ):
            latest[ed.statement_id] = ed
    return [(s, latest.get(s.id or 0)) for s in rows]


# --- For the office's pages: link checks, names, files, documents, approvers, languages ----------


def _check_links(session: Session, data: StatementInput, errors: dict[str, Msg]) -> None:
    """The briefing, related organisations and questions must exist (a forged id is refused
    beside its field, not by the database)."""
    from app.briefings.models import Briefing
    from app.orgs.models import Organisation
    from app.questions.models import Question

    if data.briefing_id is not None and session.get(Briefing, data.briefing_id) is None:
        errors["briefing_id"] = Msg("Choose the briefing from the list.")
    if any(session.get(Organisation, oid) is None for oid in set(data.related_org_ids)):
        errors["related_org_ids"] = Msg("Choose organisations from the list.")
    missing = [q for q in sorted(set(data.question_ids)) if session.get(Question, q) is None]
    if missing:
        errors["question_ids"] = Msg(
            "There is no question numbered %(numbers)s.",
            {"numbers": ", ".join(str(n) for n in missing)},
        )


def people(session: Session, ids: list[int | None]) -> dict[int, User]:
    """Users by id, for the names shown on the office's pages."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u for u in rows if u.id is not None}


def _editable_working(session: Session, statement_id: int) -> Edition:
    ed = _working(session, statement_id, None)
    if ed.state not in EDITABLE:
        raise Conflict(
            Msg("This edition is approved: it cannot be edited. Return it to draft to change it.")
        )
    return ed


def _touched(ed: Edition, actor: Actor) -> None:
    """The edition's content changed: back to draft, and its author cannot approve it."""
    ed.state = EditionState.DRAFT
    ed.submitted_at = None
    ed.edited_by = actor.user_id
    ed.updated_at = utcnow()


def edition_files(session: Session, edition_id: int) -> list[StatementFile]:
    return list(
        session.exec(
            select(StatementFile)
            .join(EditionFile, col(EditionFile.file_id) == col(StatementFile.id))
            .where(EditionFile.edition_id == edition_id)
            .order_by(col(StatementFile.uploaded_at), col(StatementFile.id))
        ).all()
    )


def add_files(
    session: Session,
    *,
    actor: Actor,
    statement_id: int,
    files: list[tuple[str, BinaryIO]],
    directory: Path,
    max_bytes: int,
    max_files: int,
) -> list[StatementFile]:
    """Attach files to the edition being prepared, all or nothing (see storage.storing)."""
    get(session, statement_id, actor=actor)
    ed = _editable_working(session, statement_id)
    with storing(
        session, files, directory=directory, max_bytes=max_bytes, max_files=max_files
    ) as pending:
        rows = [
            StatementFile(
                statement_id=statement_id,
                filename=p.filename,
                stored_name=p.stored_name,
                content_type=p.content_type,
                size=p.size,
                sha256=p.sha256,
                uploaded_by=actor.user_id,
            )
            for p in pending
        ]
        session.add_all(rows)
        session.flush()
        for row in rows:
            session.add(EditionFile(edition_id=ed.id or 0, file_id=row.id or 0))
            audit.record(
                session, actor, "statement.file_added", row, f"#{statement_id} {row.filename}"
            )
        _touched(ed, actor)
        session.add(ed)
    return rows


def remove_file(
    session: Session, *, actor: Actor, statement_id: int, file_id: int, directory: Path
) -> None:
    """Take a file off the edition being prepared; issued editions keep listing it. A file no
    edition lists any more is deleted."""
    get(session, statement_id, actor=actor)
    ed = _editable_working(session, statement_id)
    link = session.get(EditionFile, (ed.id, file_id))
    row = session.get(StatementFile, file_id)
    if link is None or row is None:
        raise NotFound()
    session.delete(link)
    session.flush()
    orphan = session.exec(select(EditionFile).where(EditionFile.file_id == file_id)).first() is None
    stored_name = row.stored_name
    audit.record(session, actor, "statement.file_removed", ed, f"#{statement_id} {row.filename}")
    if orphan:
        session.delete(row)
    _touched(ed, actor)
    session.add(ed)
    session.commit()
    if orphan:
        path_of(directory, stored_name).unlink(missing_ok=True)


def get_file(
    session: Session, *, actor: Actor, statement_id: int, file_id: int, directory: Path
) -> tuple[StatementFile, Path]:
    """A file of a statement, for the office (any edition)."""
    get(session, statement_id, actor=actor)
    row = session.get(StatementFile, file_id)
    if row is None or row.statement_id != statement_id:
        raise NotFound()
    path = path_of(directory, row.stored_name)
    if not path.is_file():
        raise NotFound()
    return row, path


DOCUMENT_TYPES = frozenset({"pdf", "jpg", "jpeg", "png"})


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
    _office_only(actor)
    person = session.get(Spokesperson, spokesperson_id)
    if person is None:
        raise NotFound()
    if file[0] and extension(clean_filename(file[0])) not in DOCUMENT_TYPES:
        raise UnsupportedFile(Msg("The signed document must be a PDF, JPEG or PNG file."))
    old = person.document_stored_name
    with storing(session, [file], directory=directory, max_bytes=max_bytes, max_files=1) as got:
        p = got[0]
        person.document_filename = p.filename
        person.document_stored_name = p.stored_name
        person.document_content_type = p.content_type
        person.document_size = p.size
        session.add(person)
        audit.record(session, actor, "spokesperson.document", person, p.filename)
        mark_public_change(session)
    if old:
        path_of(directory, old).unlink(missing_ok=True)
    return person


def get_document(
    session: Session, *, actor: Actor, spokesperson_id: int, directory: Path
) -> tuple[Spokesperson, Path]:
    _office_only(actor)
    person = session.get(Spokesperson, spokesperson_id)
    if person is None or not person.document_stored_name:
        raise NotFound()
    path = path_of(directory, person.document_stored_name)
    if not path.is_file():
        raise NotFound()
    return person, path


def approver_candidates(session: Session) -> list[tuple[User, bool]]:
    """Press-office editors, each with whether they may approve statements."""
    users = session.exec(
        select(User).where(User.role == Role.PRESS_OFFICE).order_by(col(User.full_name))
    ).all()
    granted = set(session.exec(select(StatementApprover.user_id)).all())
    return [(u, u.id in granted) for u in users]


def _admin_only(actor: Actor) -> None:
    if actor.role != Role.ADMIN.value and not (actor.role or "").startswith("system:"):
        raise Forbidden()


def add_language(
    session: Session, *, actor: Actor, code: str, name: str, name_vi: str
) -> StatementLanguage:
    """The administrator adds a language statements may be translated into (enabled)."""
    _admin_only(actor)
    errors: dict[str, Msg] = {}
    code = code.strip().lower().replace("_", "-")
    if len(code) > 10 or not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", code):
        errors["code"] = Msg("Enter a language code (BCP 47) such as ru or zh-hant.")
    elif session.get(StatementLanguage, code) is not None:
        errors["code"] = Msg("This language is already in the list.")
    name = check_text(name, "name", 100, errors, Msg("Enter the name in the language itself."))
    name_vi = check_text(name_vi, "name_vi", 100, errors, Msg("Enter the name in Vietnamese."))
    if errors:
        raise ValidationFailed(errors)
    last = session.exec(select(func.max(StatementLanguage.position))).one()
    lang = StatementLanguage(code=code, name=name, name_vi=name_vi, position=(last or 0) + 1)
    session.add(lang)
    audit.record(
        session,
        actor,
        "statement.language_added",
        code,
        f"{name} / {name_vi}",
        object_type="statement_language",
    )
    mark_public_change(session)
    session.commit()
    return lang


def set_language_enabled(
    session: Session, *, actor: Actor, code: str, enabled: bool
) -> StatementLanguage:
    """Enable or disable a translation language; Vietnamese, the source, stays."""
    _admin_only(actor)
    lang = session.get(StatementLanguage, code)
    if lang is None:
        raise NotFound()
    if code == SOURCE_LANGUAGE and not enabled:
        raise Conflict(Msg("Statements are written in Vietnamese: Vietnamese cannot be disabled."))
    if lang.enabled != enabled:
        lang.enabled = enabled
        session.add(lang)
        action = "statement.language_enabled" if enabled else "statement.language_disabled"
        audit.record(session, actor, action, code, lang.name_vi, object_type="statement_language")
        mark_public_change(session)
    session.commit()
    return lang
