"""Use cases for journalists' questions: intake (online, in the room, recorded by the office),
triage (accept, merge, decline), routing (assign, transfer keeping the clock), answers with
second-person approval, holding answers, refusals on a legal ground, the live briefing queue,
and the trackers and figures.

Who sees what is decided here from the actor: the office (press office, spokesperson:
`Actor.is_office`) sees every question; a department only those its organisation leads or
supports; a journalist only their own (other people's appear only as published Q&A). Anything
else is "not found". The modules, each importable on its own:

- `common`: who may act, which questions an actor sees, the step along `states`, intake limits;
- `intake`: a journalist's question (duplicates, rate limit) and one the office records;
- `triage`: accept, merge, decline, assign, transfer;
- `answering`: drafts, approval, holding answers, refusals, and the files of answers;
- `live`: the live briefing's queue and the moderator's actions;
- `votes`: journalists' up-votes of questions in the live queue, and the queue as they see it;
- `queries`: the lists, answers, transfers, the published Q&A and the figures.
"""

from app.questions.models import OPEN
from app.questions.service.answering import (
    AnswerInput,
    add_answer_files,
    answer_files,
    approve,
    get_answer_file,
    remove_answer_file,
    save_answer,
    save_answer_with_files,
)
from app.questions.service.common import (
    ANSWERING_ORGS,
    HELD,
    LANGUAGES,
    LIVE_AFTER,
    LIVE_BEFORE,
    MAX_TEXT,
    get,
    is_live,
    supporting,
)
from app.questions.service.intake import QuestionInput, ask, normalise, record
from app.questions.service.live import (
    allow,
    current,
    dismiss,
    live_briefings,
    live_fingerprint,
    live_queue,
    move,
    next_live_change,
    next_question,
)
from app.questions.service.queries import (
    Filters,
    OrgFigures,
    answers,
    count_listing,
    draft_of,
    figures,
    latest_answers,
    listing,
    public_qa,
    transfers,
)
from app.questions.service.triage import (
    StepData,
    accept,
    assign,
    decline,
    merge,
    offered,
    take_step,
    transfer,
)
from app.questions.service.votes import (
    PublicQueue,
    public_queue,
    vote,
    vote_counts,
    votes_fingerprint,
)

__all__ = [
    "ANSWERING_ORGS",
    "HELD",
    "LANGUAGES",
    "LIVE_AFTER",
    "LIVE_BEFORE",
    "MAX_TEXT",
    "OPEN",
    "AnswerInput",
    "Filters",
    "OrgFigures",
    "PublicQueue",
    "QuestionInput",
    "StepData",
    "accept",
    "add_answer_files",
    "allow",
    "answer_files",
    "answers",
    "approve",
    "ask",
    "assign",
    "count_listing",
    "current",
    "decline",
    "dismiss",
    "draft_of",
    "figures",
    "get",
    "get_answer_file",
    "is_live",
    "latest_answers",
    "listing",
    "live_briefings",
    "live_fingerprint",
    "live_queue",
    "merge",
    "move",
    "next_live_change",
    "next_question",
    "normalise",
    "offered",
    "public_qa",
    "public_queue",
    "record",
    "remove_answer_file",
    "save_answer",
    "save_answer_with_files",
    "supporting",
    "take_step",
    "transfer",
    "transfers",
    "vote",
    "vote_counts",
    "votes_fingerprint",
]
