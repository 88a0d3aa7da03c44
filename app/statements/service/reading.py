"""Reading statements for the office's pages and the API: one statement, its editions and the one
being prepared, translations, links, and the people, spokesperson and briefing named on its
pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import load_only
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.audit.service import Actor
from app.briefings.models import Briefing
from app.errors import STALE, Conflict, NotFound
from app.statements.models import (
    EDITABLE,
    ISSUED,
    ChangeKind,
    Edition,
    EditionTranslation,
    Spokesperson,
    Statement,
    StatementOrganisation,
    StatementQuestion,
    StatementTopic,
    Topic,
)
from app.statements.service.common import APPROVED_LOCKED, NOTHING_PREPARED, office_only


def get(session: Session, statement_id: int, *, actor: Actor) -> Statement:
    """A statement for the office (any state); others only see published ones (public_*)."""
    office_only(actor)
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


def current_edition(session: Session, statement_id: int) -> Edition:
    """The edition being prepared, else the newest one (404 when there is none)."""
    ed = working_edition(session, statement_id)
    if ed is None:
        eds = editions(session, statement_id)
        if not eds:
            raise NotFound()
        ed = eds[-1]
    return ed


def prepared_edition(
    session: Session, statement_id: int, expected_revision: int | None = None
) -> Edition:
    """The edition being prepared, as the form or request saw it (else 409)."""
    ed = working_edition(session, statement_id)
    if ed is None:
        raise Conflict(NOTHING_PREPARED)
    if expected_revision is not None and expected_revision != ed.revision:
        raise Conflict(STALE)
    return ed


def editable_edition(session: Session, statement_id: int) -> Edition:
    """The edition being prepared, if it may still be changed (draft or submitted; else 409)."""
    ed = prepared_edition(session, statement_id)
    if ed.state not in EDITABLE:
        raise Conflict(APPROVED_LOCKED)
    return ed


def translations(session: Session, edition_id: int) -> dict[str, EditionTranslation]:
    rows = session.exec(
        select(EditionTranslation).where(EditionTranslation.edition_id == edition_id)
    )
    return {t.language: t for t in rows}


def translations_of(
    session: Session, edition_ids: list[int]
) -> dict[int, dict[str, EditionTranslation]]:
    """The translations of several editions at once, by edition and language."""
    found: dict[int, dict[str, EditionTranslation]] = {}
    if edition_ids:
        rows = session.exec(
            select(EditionTranslation)
            .where(col(EditionTranslation.edition_id).in_(edition_ids))
            .order_by(col(EditionTranslation.language))
        ).all()
        for t in rows:
            found.setdefault(t.edition_id, {})[t.language] = t
    return found


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


def topic_ids(session: Session, statement_id: int) -> list[int]:
    rows = session.exec(
        select(StatementTopic.topic_id).where(StatementTopic.statement_id == statement_id)
    )
    return sorted(rows.all())


def topics_of(session: Session, statement_ids: list[int]) -> dict[int, list[Topic]]:
    """The topics of several statements at once, in the topics' order."""
    found: dict[int, list[Topic]] = {}
    if statement_ids:
        rows = session.exec(
            select(StatementTopic.statement_id, Topic)
            .join(Topic, col(Topic.id) == col(StatementTopic.topic_id))
            .where(col(StatementTopic.statement_id).in_(statement_ids))
            .order_by(col(Topic.position), col(Topic.code))
        ).all()
        for sid, topic in rows:
            found.setdefault(sid, []).append(topic)
    return found


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


def people(session: Session, ids: list[int | None]) -> dict[int, User]:
    """Users by id, for the names shown on the office's pages."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u for u in rows if u.id is not None}


def spokesperson_of(session: Session, spokesperson_id: int | None) -> Spokesperson | None:
    """The person in the register a statement is issued in the name of, if any."""
    return session.get(Spokesperson, spokesperson_id) if spokesperson_id else None


def briefing_of(session: Session, briefing_id: int | None) -> Briefing | None:
    """The briefing a statement belongs to, if any."""
    return session.get(Briefing, briefing_id) if briefing_id else None


def office_list(
    session: Session, *, limit: int = 200, offset: int = 0
) -> list[tuple[Statement, Edition | None]]:
    """Statements with their latest edition, the last changed first (the office's list). Only
    the columns the list shows are read of the editions (not their texts)."""
    rows = list(
        session.exec(
            select(Statement)
            .order_by(col(Statement.updated_at).desc(), col(Statement.id).desc())
            .offset(offset)
            .limit(limit)
        ).all()
    )
    latest: dict[int, Edition] = {}
    ids = [s.id for s in rows if s.id is not None]
    if ids:
        last = (
            select(Edition.statement_id, func.max(Edition.number).label("number"))
            .where(col(Edition.statement_id).in_(ids))
            .group_by(col(Edition.statement_id))
            .subquery()
        )
        shown: list[Any] = [
            Edition.id,
            Edition.statement_id,
            Edition.number,
            Edition.state,
            Edition.title,
            Edition.publish_at,
        ]
        for ed in session.exec(
            select(Edition)
            .join(
                last,
                (last.c.statement_id == col(Edition.statement_id))
                & (last.c.number == col(Edition.number)),
            )
            .options(load_only(*shown))
        ):
            latest[ed.statement_id] = ed
    return [(s, latest.get(s.id or 0)) for s in rows]


def office_count(session: Session) -> int:
    """How many statements the office's list has in all."""
    return int(session.execute(select(func.count()).select_from(Statement)).scalar_one())
