"""One submission's workflow: the department starts it, saves and submits its working copy
(each submission kept as a version), withdraws it or starts again; the office returns it with a
comment or accepts it. Every step goes through `take_step`, which checks the table in
`content/states.py` for the actor's side."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings import service as briefings
from app.briefings.models import Briefing
from app.content.models import Submission, SubmissionStatus, SubmissionVersion
from app.content.service.calling import check_takes_content
from app.content.service.reading import CONTENT_FIELDS, snapshot
from app.content.service.scope import call_of, department_org, get_call, get_submission, party_of
from app.content.states import WORKFLOW, Step
from app.errors import STALE, Conflict, NotFound, ValidationFailed
from app.forms import check_text, text_problem
from app.i18n import Msg
from app.notifications import triggers
from app.notifications import work as notices
from app.timeutil import utcnow
from app.uow import use_case


@use_case
def start_submission(session: Session, *, actor: Actor, call_id: int) -> Submission:
    """The department's draft for a call (the existing one if it has started already)."""
    call = get_call(session, call_id, actor=actor)
    org = department_org(actor)
    if org is None:
        raise NotFound()
    existing = session.exec(
        select(Submission).where(Submission.call_id == call_id, Submission.organisation_id == org)
    ).first()
    if existing is not None:
        return existing
    check_takes_content(session, call)
    sub = Submission(call_id=call_id, organisation_id=org, created_by=actor.user_id)
    try:
        # A savepoint, so that losing the race to a colleague undoes this insert only. The audit
        # row is written inside it: on SQLite a savepoint that opens the transaction commits when
        # released, and a submission must never be kept without its audit row.
        with session.begin_nested():
            session.add(sub)
            session.flush()
            audit.record(session, actor, "submission.started", sub)
    except IntegrityError:  # a colleague started it at the same moment: use theirs
        return start_submission(session, actor=actor, call_id=call_id)
    return sub


@dataclass
class SubmissionInput:
    title: str = ""
    summary: str = ""
    talking_points: str = ""
    key_figures: str = ""
    qa: list[dict[str, str]] = field(default_factory=list)
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


def _validate_content(data: SubmissionInput, *, submitting: bool) -> None:
    errors: dict[str, Msg] = {}
    need = submitting
    data.title = check_text(
        data.title, "title", 500, errors, Msg("Enter a title.") if need else None
    )
    data.summary = check_text(data.summary, "summary", 4000, errors)
    data.talking_points = check_text(
        data.talking_points,
        "talking_points",
        50000,
        errors,
        Msg("Write the talking points before submitting.") if need else None,
    )
    data.key_figures = check_text(data.key_figures, "key_figures", 10000, errors)
    data.contact_name = check_text(
        data.contact_name,
        "contact_name",
        200,
        errors,
        Msg("Name the person the press office can contact.") if need else None,
    )
    data.contact_phone = check_text(data.contact_phone, "contact_phone", 50, errors)
    data.contact_email = check_text(data.contact_email, "contact_email", 254, errors)
    if data.contact_email and "@" not in data.contact_email:
        errors["contact_email"] = Msg("Enter an e-mail address such as name@example.vn.")
    pairs: list[dict[str, str]] = []
    for i, pair in enumerate(data.qa):
        q, a = pair.get("question", "").strip(), pair.get("answer", "").strip()
        if not q and not a:
            continue
        if not q:
            errors[f"qa_{i}"] = Msg("Write the question this answer is for.")
        elif len(q) > 2000 or len(a) > 10000:
            errors[f"qa_{i}"] = Msg("This question or answer is too long.")
        elif problem := text_problem(q) or text_problem(a):
            errors[f"qa_{i}"] = problem
        pairs.append({"question": q, "answer": a})
    if len(pairs) > 50:
        errors["qa"] = Msg("Give at most 50 anticipated questions.")
    data.qa = pairs
    if errors:
        raise ValidationFailed(errors)


def not_now(sub: Submission) -> Msg:
    """Why a step is refused in the submission's current state."""
    if sub.status in (SubmissionStatus.ACCEPTED, SubmissionStatus.INCLUDED):
        return Msg("This submission has been accepted and is locked.")
    if sub.status == SubmissionStatus.WITHDRAWN:
        return Msg("This submission has been withdrawn. Start again from it to change it.")
    return Msg("This step is not possible in the submission's current state.")


def check_can_edit(sub: Submission, actor: Actor) -> None:
    """Files are part of the working copy: changed by the department while it may save."""
    if WORKFLOW.next(sub.status, Step.SAVE, party_of(actor)) is None:
        raise Conflict(not_now(sub))


# --- The steps ---------------------------------------------------------------------------------


@dataclass
class StepInput:
    """What a step carries: the working copy (save, submit), the office's comment (return), and
    the `revision` the form or the client read."""

    content: SubmissionInput | None = None
    comment: str = ""
    expected_revision: int | None = None


# (session, actor, the submission, the status the table leads to, the input), once the table
# has allowed the step for the actor's side.
StepUseCase = Callable[[Session, Actor, Submission, SubmissionStatus, StepInput], None]


def _write(
    session: Session, actor: Actor, sub: Submission, data: StepInput, *, submit: bool
) -> None:
    """Save the working copy; with `submit`, send it to the office as a new kept version (marked
    late after the deadline; refused once the office has closed the call)."""
    assert data.content is not None
    _validate_content(data.content, submitting=submit)
    if submit:  # checked before the row changes, so a refused submit leaves nothing to save
        check_takes_content(session, call_of(session, sub))
    for name in CONTENT_FIELDS:
        setattr(sub, name, getattr(data.content, name))
    sub.updated_at = utcnow()
    if submit:
        _keep_version(session, actor, sub)
    session.add(sub)
    audit.record(
        session,
        actor,
        "submission.submitted" if submit else "submission.saved",
        sub,
        f"version {sub.versions}{' (late)' if sub.late else ''}" if submit else sub.title,
    )
    if submit:
        briefing = session.get(Briefing, call_of(session, sub).briefing_id)
        if briefing is not None:
            notices.content_submitted(session, sub, briefing)


def _keep_version(session: Session, actor: Actor, sub: Submission) -> None:
    call = call_of(session, sub)
    now = utcnow()
    late = now > call.deadline
    if sub.versions == 0:  # late means first sent after the deadline (not a late return)
        sub.late = late
    sub.versions += 1
    sub.status = SubmissionStatus.SUBMITTED
    sub.submitted_at = now
    session.add(
        SubmissionVersion(
            submission_id=sub.id or 0,
            number=sub.versions,
            submitted_at=now,
            submitted_by=actor.user_id,
            late=late,
            content=snapshot(session, sub),
        )
    )


def _save(
    session: Session, actor: Actor, sub: Submission, target: SubmissionStatus, data: StepInput
) -> None:
    _write(session, actor, sub, data, submit=False)


def _submit(
    session: Session, actor: Actor, sub: Submission, target: SubmissionStatus, data: StepInput
) -> None:
    _write(session, actor, sub, data, submit=True)


def _move(
    session: Session,
    actor: Actor,
    sub: Submission,
    target: SubmissionStatus,
    step: Step,
    comment: str,
) -> None:
    """Put the submission in its new status; the department is told of a return or acceptance."""
    sub.status = target
    sub.updated_at = utcnow()
    session.add(sub)
    if step in (Step.RETURN, Step.ACCEPT):
        call = call_of(session, sub)
        triggers.submission_acted(
            session, sub, briefings.get(session, call.briefing_id), step.value
        )
    audit.record(session, actor, f"submission.{step.value}", sub, comment)


def _withdraw(
    session: Session, actor: Actor, sub: Submission, target: SubmissionStatus, data: StepInput
) -> None:
    _move(session, actor, sub, target, Step.WITHDRAW, data.comment.strip())


def _reopen(
    session: Session, actor: Actor, sub: Submission, target: SubmissionStatus, data: StepInput
) -> None:
    check_takes_content(session, call_of(session, sub))
    _move(session, actor, sub, target, Step.REOPEN, data.comment.strip())


def _return(
    session: Session, actor: Actor, sub: Submission, target: SubmissionStatus, data: StepInput
) -> None:
    comment = data.comment.strip()
    if not comment:
        raise ValidationFailed({"comment": Msg("Say what the department should change.")})
    if len(comment) > 4000:
        raise ValidationFailed({"comment": Msg("Use at most %(n)s characters.", {"n": 4000})})
    sub.office_comment = comment
    _move(session, actor, sub, target, Step.RETURN, comment)


def _accept(
    session: Session, actor: Actor, sub: Submission, target: SubmissionStatus, data: StepInput
) -> None:
    _move(session, actor, sub, target, Step.ACCEPT, data.comment.strip())


# Including in the agenda and taking out of it are the agenda builder's (`content/agenda.py`).
STEPS: dict[Step, StepUseCase] = {
    Step.SAVE: _save,
    Step.SUBMIT: _submit,
    Step.WITHDRAW: _withdraw,
    Step.REOPEN: _reopen,
    Step.RETURN: _return,
    Step.ACCEPT: _accept,
}
WRITES = frozenset({Step.SAVE, Step.SUBMIT})  # the steps that carry the working copy


@use_case
def take_step(
    session: Session, *, actor: Actor, id: int, step: Step, data: StepInput | None = None
) -> Submission:
    """Take a workflow step on a submission: save or submit (with the working copy), withdraw
    or start again (the department), return with a comment or accept (the office). A step the
    status or the actor's side does not allow, or a stale revision, is 409."""
    data = data or StepInput()
    use = STEPS.get(step)
    if use is None or (step in WRITES and data.content is None):
        raise NotFound()  # the agenda's steps, or the form's without its content
    sub = get_submission(session, id, actor=actor)
    if data.expected_revision is not None and data.expected_revision != sub.revision:
        raise Conflict(STALE)
    target = WORKFLOW.next(sub.status, step, party_of(actor))
    if target is None:
        raise Conflict(not_now(sub))
    use(session, actor, sub, target, data)
    return sub


def save(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    data: SubmissionInput,
    expected_revision: int | None,
    submit: bool = False,
) -> Submission:
    """`take_step` with "save" or, with `submit`, "submit"."""
    return take_step(
        session,
        actor=actor,
        id=submission_id,
        step=Step.SUBMIT if submit else Step.SAVE,
        data=StepInput(content=data, expected_revision=expected_revision),
    )


def act(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    action: Step,
    comment: str = "",
    expected_revision: int | None = None,
) -> Submission:
    """`take_step` with a step that carries at most a comment (withdraw, reopen, return, accept)."""
    return take_step(
        session,
        actor=actor,
        id=submission_id,
        step=action,
        data=StepInput(comment=comment, expected_revision=expected_revision),
    )
