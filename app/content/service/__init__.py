"""Use cases for department content: calls for content, submissions and their workflow, kept
versions, attachments, the completeness board (the agenda built from accepted content is in
`content/agenda.py`).

Who may see what is decided here, from the actor (`scope`): the press office and the spokesperson
see everything; a department sees calls sent to its organisation and its own submissions only
(anything else is "not found", so ids of other organisations' work reveal nothing). Each use case
runs in a unit of work (`app.uow`). The modules, each importable on its own:

- `scope`: who sees which call and submission, and which side of the workflow the actor takes;
- `calling`: calls for content (open, change, close, reopen) and their default deadline;
- `reading`: lists of submissions, their files and kept versions;
- `submission`: starting a submission and `take_step` along its workflow;
- `files`: uploading, removing and finding a submission's files;
- `completeness`: the completeness board.
"""

from app.content.service.calling import (
    CLOSED,
    OVER,
    CallInput,
    CallRow,
    call_for_briefing,
    call_row,
    calls,
    check_takes_content,
    default_deadline,
    open_call,
    set_call_status,
    update_call,
)
from app.content.service.completeness import BoardRow, board, board_counts
from app.content.service.files import (
    add_attachments,
    get_attachment,
    remove_attachment,
    save_with_files,
)
from app.content.service.reading import (
    CONTENT_FIELDS,
    IN_PACK,
    accepted,
    attachments,
    briefing_ids,
    snapshot,
    submissions,
    versions,
)
from app.content.service.scope import (
    call_of,
    department_org,
    get_call,
    get_submission,
    party_of,
    recipients,
)
from app.content.service.submission import (
    StepInput,
    SubmissionInput,
    act,
    check_can_edit,
    not_now,
    save,
    start_submission,
    take_step,
)

__all__ = [
    "CLOSED",
    "CONTENT_FIELDS",
    "IN_PACK",
    "OVER",
    "BoardRow",
    "CallInput",
    "CallRow",
    "StepInput",
    "SubmissionInput",
    "accepted",
    "act",
    "add_attachments",
    "attachments",
    "board",
    "board_counts",
    "briefing_ids",
    "call_for_briefing",
    "call_of",
    "call_row",
    "calls",
    "check_can_edit",
    "check_takes_content",
    "default_deadline",
    "department_org",
    "get_attachment",
    "get_call",
    "get_submission",
    "not_now",
    "open_call",
    "party_of",
    "recipients",
    "remove_attachment",
    "save",
    "save_with_files",
    "set_call_status",
    "snapshot",
    "start_submission",
    "submissions",
    "take_step",
    "update_call",
    "versions",
]
