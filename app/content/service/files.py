"""Files of a submission's working copy: uploading several at once (all or nothing), taking one
off, and finding one to download."""

from __future__ import annotations

from typing import BinaryIO

from sqlmodel import Session

from app.audit import service as audit
from app.audit.service import Actor
from app.content.models import Attachment, Submission
from app.content.service.scope import get_submission
from app.content.service.submission import StepInput, check_can_edit, take_step
from app.content.states import Step
from app.errors import NotFound
from app.storage import PendingFile, Store, storing
from app.timeutil import utcnow
from app.uow import use_case


def _of_submission(session: Session, attachment_id: int, submission_id: int | None) -> Attachment:
    """The attachment, if it belongs to this submission (any, without one); else 404."""
    att = session.get(Attachment, attachment_id)
    if att is None or (submission_id is not None and att.submission_id != submission_id):
        raise NotFound()
    return att


def get_attachment(
    session: Session,
    attachment_id: int,
    *,
    actor: Actor,
    submission_id: int | None = None,
) -> Attachment:
    """A file's row, if the actor may see its submission and, with `submission_id`, it belongs
    to that submission (else 404); the store sends it (`Store.download`). Files taken off the
    working copy are found too: submitted versions may list them."""
    att = _of_submission(session, attachment_id, submission_id)
    get_submission(session, att.submission_id, actor=actor)
    return att


def _attach(
    session: Session, actor: Actor, sub: Submission, pending: list[PendingFile]
) -> list[Attachment]:
    rows = [
        Attachment(
            submission_id=sub.id or 0,
            filename=p.filename,
            stored_name=p.stored_name,
            content_type=p.content_type,
            size=p.size,
            sha256=p.sha256,
            uploaded_by=actor.user_id,
        )
        for p in pending
    ]
    # The submission row is left alone: files do not clash with text being edited in an open
    # form (its revision stays valid), and a submitted version lists the files then.
    session.add_all(rows)
    session.flush()
    for row in rows:
        audit.record(session, actor, "attachment.uploaded", row, f"{row.filename} ({row.size} B)")
    return rows


@use_case
def add_attachments(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    files: list[tuple[str, BinaryIO]],
    store: Store,
    max_bytes: int,
    max_files: int,
) -> list[Attachment]:
    """Store several files at once, all or nothing: a refused or broken file keeps none of them
    (no file on disk, no row)."""
    sub = get_submission(session, submission_id, actor=actor)
    check_can_edit(sub, actor)
    # `storing` commits by itself, right after giving the files their final names, so that a
    # file is made final only when its row commits and a failed commit removes it (app/storage.py).
    with storing(session, files, store=store, max_bytes=max_bytes, max_files=max_files) as pending:
        rows = _attach(session, actor, sub, pending)
    return rows


def save_with_files(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    step: Step,
    data: StepInput,
    files: list[tuple[str, BinaryIO]],
    store: Store,
    max_bytes: int,
    max_files: int,
) -> Submission:
    """The department's form as one: the text saved or submitted with the files chosen in it,
    together or not at all (a refused file keeps nothing, so the page gives the typed text
    back). The files are attached first, so a submitted version lists them."""
    if not any(name for name, _fp in files):
        return take_step(session, actor=actor, id=submission_id, step=step, data=data)
    sub = get_submission(session, submission_id, actor=actor)
    check_can_edit(sub, actor)
    with storing(session, files, store=store, max_bytes=max_bytes, max_files=max_files) as pending:
        _attach(session, actor, sub, pending)
        # Inside the files' transaction: `storing` commits text and files together.
        sub = take_step.__wrapped__(  # type: ignore[attr-defined]
            session, actor=actor, id=submission_id, step=step, data=data
        )
    return sub


@use_case
def remove_attachment(
    session: Session, *, actor: Actor, submission_id: int, attachment_id: int
) -> None:
    """Take a file off the working copy; the stored file stays for the versions that list it."""
    sub = get_submission(session, submission_id, actor=actor)
    att = _of_submission(session, attachment_id, sub.id)
    if att.removed_at is not None:
        raise NotFound()
    check_can_edit(sub, actor)
    att.removed_at = utcnow()
    session.add(att)
    audit.record(session, actor, "attachment.removed", att, att.filename)
