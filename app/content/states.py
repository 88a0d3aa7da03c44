"""The workflow of a submission as a small table: which step is allowed from which status and
which side takes it.

draft → submitted → returned (with a comment) → submitted again → accepted (locked) → included in
the agenda; the department may withdraw before acceptance and start again from a withdrawn one.
"""

from __future__ import annotations

from enum import StrEnum

from app.content.models import SubmissionStatus as S
from app.i18n import N_
from app.workflow import Party, Workflow


class Step(StrEnum):
    SAVE = "save"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    RETURN = "return"
    ACCEPT = "accept"
    INCLUDE = "include"
    EXCLUDE = "exclude"


WORKFLOW: Workflow[S, Step] = Workflow(
    transitions={
        (S.DRAFT, Step.SAVE): S.DRAFT,
        (S.RETURNED, Step.SAVE): S.RETURNED,
        (S.DRAFT, Step.SUBMIT): S.SUBMITTED,
        (S.RETURNED, Step.SUBMIT): S.SUBMITTED,
        (S.DRAFT, Step.WITHDRAW): S.WITHDRAWN,
        (S.SUBMITTED, Step.WITHDRAW): S.WITHDRAWN,
        (S.RETURNED, Step.WITHDRAW): S.WITHDRAWN,
        (S.WITHDRAWN, Step.REOPEN): S.DRAFT,
        (S.SUBMITTED, Step.RETURN): S.RETURNED,
        (S.SUBMITTED, Step.ACCEPT): S.ACCEPTED,
        (S.ACCEPTED, Step.INCLUDE): S.INCLUDED,
        (S.INCLUDED, Step.EXCLUDE): S.ACCEPTED,
    },
    parties={
        Step.SAVE: Party.DEPARTMENT,  # a focal officer of the submission's organisation
        Step.SUBMIT: Party.DEPARTMENT,
        Step.WITHDRAW: Party.DEPARTMENT,
        Step.REOPEN: Party.DEPARTMENT,
        Step.RETURN: Party.OFFICE,  # the press office or the spokesperson
        Step.ACCEPT: Party.OFFICE,
        Step.INCLUDE: Party.OFFICE,
        Step.EXCLUDE: Party.OFFICE,
    },
    labels={
        Step.SAVE: N_("Save draft"),
        Step.SUBMIT: N_("Submit to the press office"),
        Step.WITHDRAW: N_("Withdraw"),
        Step.REOPEN: N_("Start again from this"),
        Step.RETURN: N_("Return with a comment"),
        Step.ACCEPT: N_("Accept"),
        Step.INCLUDE: N_("Add to the agenda"),
        Step.EXCLUDE: N_("Remove from the agenda"),
    },
    done={
        Step.SAVE: N_("The draft has been saved."),
        Step.SUBMIT: N_("The content has been submitted to the press office."),
        Step.WITHDRAW: N_("The submission has been withdrawn."),
        Step.REOPEN: N_("The submission is a draft again."),
        Step.RETURN: N_("The submission has been returned to the department with your comment."),
        Step.ACCEPT: N_("The submission has been accepted and is now locked."),
        Step.INCLUDE: N_("The submission has been added to the agenda."),
        Step.EXCLUDE: N_("The submission has been removed from the agenda."),
    },
)

# The department may change the working copy (text and files) only in these.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# Counted as "has sent something" on the completeness board.
SENT = frozenset({S.SUBMITTED, S.ACCEPTED, S.INCLUDED})
