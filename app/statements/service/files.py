"""Files of a statement's editions: attached to the edition being prepared (several at once, all
or nothing), taken off it, listed and found to download. An issued edition keeps listing its
files; a new edition starts with the same ones."""

from __future__ import annotations

from typing import BinaryIO

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.errors import NotFound
from app.statements.models import Edition, EditionFile, Statement, StatementFile
from app.statements.service.drafting import StatementInput, create, touched, update
from app.statements.service.reading import editable_edition, get
from app.storage import PendingFile, Store, storing
from app.uow import use_case


def edition_files(session: Session, edition_id: int) -> list[StatementFile]:
    return list(
        session.exec(
            select(StatementFile)
            .join(EditionFile, col(EditionFile.file_id) == col(StatementFile.id))
            .where(EditionFile.edition_id == edition_id)
            .order_by(col(StatementFile.uploaded_at), col(StatementFile.id))
        ).all()
    )


@use_case
def _attach(
    session: Session, actor: Actor, statement_id: int, ed: Edition, pending: list[PendingFile]
) -> list[StatementFile]:
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
        audit.record(session, actor, "statement.file_added", row, f"#{statement_id} {row.filename}")
    touched(ed, actor)
    session.add(ed)
    return rows


def add_files(
    session: Session,
    *,
    actor: Actor,
    statement_id: int,
    files: list[tuple[str, BinaryIO]],
    store: Store,
    max_bytes: int,
    max_files: int,
) -> list[StatementFile]:
    """Attach files to the edition being prepared, all or nothing (see storage.storing)."""
    get(session, statement_id, actor=actor)
    ed = editable_edition(session, statement_id)
    # `storing` commits by itself, right after giving the files their final names, so that a
    # file is made final only when its row commits and a failed commit removes it (app/storage.py).
    with storing(session, files, store=store, max_bytes=max_bytes, max_files=max_files) as pending:
        rows = _attach(session, actor, statement_id, ed, pending)
    return rows


def save_with_files(
    session: Session,
    *,
    actor: Actor,
    statement_id: int | None,
    data: StatementInput,
    files: list[tuple[str, BinaryIO]],
    store: Store,
    max_bytes: int,
    max_files: int,
    expected_revision: int | None = None,
) -> Statement:
    """The edition's form as one: a new statement (`statement_id` None) or the edition being
    prepared saved with the files chosen in it, together or not at all (a refused file keeps
    nothing, so the page gives the typed text back)."""
    chosen = any(name for name, _fp in files)
    if not chosen:
        if statement_id is None:
            return create(session, actor=actor, data=data)
        update(
            session,
            actor=actor,
            statement_id=statement_id,
            data=data,
            expected_revision=expected_revision,
        )
        return get(session, statement_id, actor=actor)
    with storing(session, files, store=store, max_bytes=max_bytes, max_files=max_files) as pending:
        # Inside the files' transaction: `storing` commits text and files together.
        if statement_id is None:
            st = create.__wrapped__(session, actor=actor, data=data)  # type: ignore[attr-defined]
        else:
            update.__wrapped__(  # type: ignore[attr-defined]
                session,
                actor=actor,
                statement_id=statement_id,
                data=data,
                expected_revision=expected_revision,
            )
            st = get(session, statement_id, actor=actor)
        session.flush()
        ed = editable_edition(session, st.id or 0)
        _attach(session, actor, st.id or 0, ed, pending)
    return st


@use_case
def remove_file(
    session: Session, *, actor: Actor, statement_id: int, file_id: int, store: Store
) -> None:
    """Take a file off the edition being prepared; issued editions keep listing it. A file no
    edition lists any more is deleted."""
    get(session, statement_id, actor=actor)
    ed = editable_edition(session, statement_id)
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
    touched(ed, actor)
    session.add(ed)
    if orphan:
        # The stored file goes only once its row is gone for good: commit first (a failed commit
        # keeps the row, and the file with it).
        session.commit()
        store.forget(stored_name)


def get_file(session: Session, *, actor: Actor, statement_id: int, file_id: int) -> StatementFile:
    """A file of a statement, for the office (any edition); the store sends it."""
    get(session, statement_id, actor=actor)
    row = session.get(StatementFile, file_id)
    if row is None or row.statement_id != statement_id:
        raise NotFound()
    return row
