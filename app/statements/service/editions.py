"""Steps on a statement as a whole: starting its next edition from the one issued, discarding the
edition being prepared, withdrawing an issued statement (its page stays, with the reason), and
recording whether the press agency published the reply or correction asked for."""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

import app.statements.service.preview as preview
import app.statements.service.visibility as visibility
from app.audit import service as audit
from app.audit.service import Actor
from app.errors import Conflict, Forbidden, ValidationFailed
from app.forms import check_text
from app.i18n import Msg
from app.statements.models import (
    ISSUED,
    ChangeKind,
    Compliance,
    Edition,
    EditionFile,
    EditionTranslation,
    Statement,
    StatementKind,
)
from app.statements.service.common import NOT_NOW, NOTHING_PREPARED
from app.statements.service.drafting import StatementInput, set_links
from app.statements.service.reading import get, translations, working_edition
from app.statements.service.reference import may_approve
from app.timeutil import utcnow
from app.uow import use_case


@use_case
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
        raise Conflict(NOT_NOW)
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
    return ed


@use_case
def discard(session: Session, *, actor: Actor, statement_id: int) -> Statement | None:
    """Throw away the edition being prepared (a statement never issued goes entirely: then
    None)."""
    st = get(session, statement_id, actor=actor)
    ed = working_edition(session, statement_id)
    if ed is None or ed.id is None:
        raise Conflict(NOTHING_PREPARED)
    session.execute(delete(EditionTranslation).where(col(EditionTranslation.edition_id) == ed.id))
    session.execute(delete(EditionFile).where(col(EditionFile.edition_id) == ed.id))
    session.delete(ed)
    audit.record(session, actor, "statement.discarded", st, f"edition {ed.number}")
    if ed.number == 1:
        set_links(session, statement_id, StatementInput(None, None, None, ""))
        preview.forget(session, statement_id)
        session.delete(st)
        return None
    return st


@use_case
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
    visibility.mark_public_change(session)
    return st


@use_case
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
    visibility.mark_public_change(session)
    return st
