"""Drafting a statement: the first edition, editing the edition being prepared (a published one
is never edited: a change makes the next edition), its translations, and the links it carries
(briefing, topics, organisations, questions, and for a request to publish a reply or correction,
the press agency and the article)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, delete

from app.audit import service as audit
from app.audit.service import Actor
from app.errors import Conflict, NotFound, ValidationFailed
from app.forms import CONTROL_CHARS, check_text
from app.i18n import Msg
from app.orgs import service as orgs
from app.orgs.models import OrgKind
from app.statements import search
from app.statements.models import (
    EDITABLE,
    ChangeKind,
    Compliance,
    Edition,
    EditionState,
    EditionTranslation,
    Spokesperson,
    Statement,
    StatementKind,
    StatementOrganisation,
    StatementQuestion,
    StatementTopic,
)
from app.statements.service.common import (
    APPROVED_LOCKED,
    ISSUING_KINDS,
    MAX_BODY,
    MAX_SUMMARY,
    MAX_TITLE,
    office_only,
)
from app.statements.service.reading import (
    current_edition,
    get,
    prepared_edition,
    translations,
    working_edition,
)
from app.statements.service.reference import topics, translation_languages
from app.timeutil import local_today, utcnow
from app.uow import use_case

NEVER_EDITED = Msg(
    "A published edition is never edited: start a new edition to change this statement."
)
SCHEDULED_LOCKED = Msg(
    "This edition is scheduled: cancel the schedule and return it to draft to change it."
)
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


# --- Checks -------------------------------------------------------------------------------------


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


def require_working(session: Session, statement_id: int) -> None:
    """Say why nothing can be edited when the current edition is issued (409): scheduled, or
    published (a change makes a new edition)."""
    if working_edition(session, statement_id) is not None:
        return
    latest = current_edition(session, statement_id)
    raise Conflict(SCHEDULED_LOCKED if latest.state == EditionState.SCHEDULED else NEVER_EDITED)


# --- Search text and links ------------------------------------------------------------------------


def search_text_of(session: Session, st: Statement, ed: Edition) -> str:
    """The folded text an edition is found by: the number, its text and its translations."""
    parts = [st.number or "", ed.title, ed.summary, ed.body]
    if ed.id is not None:
        for t in translations(session, ed.id).values():
            parts += [t.title, t.summary, t.body]
    return search.document(*parts)


def set_links(session: Session, statement_id: int, data: StatementInput) -> None:
    """The statement's topics, related organisations and questions become those of `data`."""
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


def _links_of(data: StatementInput) -> dict[str, Any]:
    return {name: getattr(data, name) for name in LINK_FIELDS}


def apply_links(session: Session, st: Statement, links: dict[str, Any]) -> None:
    """Give the statement the links (at creation, on editing the first draft, or when a later
    edition is issued: the public page never shows them before)."""
    st.briefing_id = links.get("briefing_id")
    st.target_agency_id = links.get("target_agency_id")
    st.target_agency_name = links.get("target_agency_name") or ""
    st.article_title = links.get("article_title") or ""
    st.article_url = links.get("article_url") or ""
    if st.id is not None:
        set_links(
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


def touched(ed: Edition, actor: Actor) -> None:
    """The edition's content changed: back to draft, and its author cannot approve it."""
    ed.state = EditionState.DRAFT
    ed.submitted_at = None
    ed.edited_by = actor.user_id
    ed.updated_at = utcnow()


# --- Use cases ----------------------------------------------------------------------------------


@use_case
def create(session: Session, *, actor: Actor, data: StatementInput) -> Statement:
    """A new statement with its first edition, in draft."""
    office_only(actor)
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
    ed.search_text = search_text_of(session, st, ed)
    session.add(ed)
    set_links(session, st.id, data)
    audit.record(session, actor, "statement.created", st, data.title[:200])
    return st


@use_case
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
    ed = prepared_edition(session, statement_id, expected_revision)
    if ed.state not in EDITABLE:
        raise Conflict(APPROVED_LOCKED)
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
        apply_links(session, st, _links_of(data))  # nothing is public yet
    else:  # kept on the edition: the public statement changes only when it is issued
        ed.pending_links = _links_of(data)
    if st.kind == StatementKind.CORRECTION_REQUEST:
        st.compliance = data.compliance or st.compliance or Compliance.PENDING
    st.updated_at = utcnow()
    ed.title, ed.summary, ed.body = data.title, data.summary, data.body
    if not first:
        assert data.change_kind is not None
        ed.change_kind, ed.change_note = data.change_kind, data.change_note
    touched(ed, actor)
    ed.search_text = search_text_of(session, st, ed)
    session.add_all([st, ed])
    audit.record(session, actor, "statement.edited", ed, f"#{statement_id} edition {ed.number}")
    return ed


@use_case
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
    ed = prepared_edition(session, statement_id)
    if ed.state not in EDITABLE:
        raise Conflict(APPROVED_LOCKED)
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
    touched(ed, actor)
    ed.search_text = search_text_of(session, st, ed)
    session.add(ed)
    audit.record(session, actor, "statement.translated", ed, f"#{statement_id} {language}")
    return row


@use_case
def remove_translation(session: Session, *, actor: Actor, statement_id: int, language: str) -> None:
    st = get(session, statement_id, actor=actor)
    ed = prepared_edition(session, statement_id)
    if ed.state not in EDITABLE or ed.id is None:
        raise Conflict(APPROVED_LOCKED)
    row = translations(session, ed.id).get(language)
    if row is None:
        raise NotFound()
    session.delete(row)
    session.flush()
    ed.edited_by = actor.user_id
    ed.state = EditionState.DRAFT
    ed.search_text = search_text_of(session, st, ed)
    session.add(ed)
    audit.record(session, actor, "statement.translation_removed", ed, f"#{statement_id} {language}")
