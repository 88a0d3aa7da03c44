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

Each use case runs in a unit of work (`app.uow`): it commits when it returns and rolls back when
it raises. Every change that can alter a public page marks the session (`public_changed`), so
that the cache of public pages is invalidated when the transaction commits (`statements.cache`).
The modules, each importable on its own:

- `common`: who may act, the issuing bodies, the source language, limits and shared refusals;
- `visibility`: what the public sees at a time, and marking a change of public pages;
- `reading`: one statement for the office, its editions, translations, links and names;
- `reference`: languages, topics, and who may approve (the administrator's settings);
- `numbering`: the kinds' yearly series and their patterns;
- `spokespersons`: the register, who may speak on a date, the signed documents;
- `drafting`: the first edition, editing the one being prepared, translations, links;
- `files`: the files of the edition being prepared;
- `workflow`: the edition's steps (submit, return, approve, publish, schedule, unschedule) and
  the recording of ended embargoes;
- `editions`: steps on the statement as a whole (new edition, discard, withdraw, compliance);
- `steps`: `take_step`, used by the pages and the API, and `offered`, what can be done now;
- `preview`: a statement under embargo shared with verified journalists before its time (used as
  `service.preview.share(...)`, its names not re-exported here).
"""

from app.statements.service.common import (
    ISSUING_KINDS,
    MAX_BODY,
    MAX_SUMMARY,
    MAX_TITLE,
    SOURCE_LANGUAGE,
)
from app.statements.service.drafting import (
    LINK_FIELDS,
    StatementInput,
    create,
    remove_translation,
    require_working,
    save_translation,
    update,
)
from app.statements.service.editions import discard, new_edition, set_compliance, withdraw
from app.statements.service.files import (
    add_files,
    edition_files,
    get_file,
    remove_file,
    save_with_files,
)
from app.statements.service.numbering import NUMBERS_FILE, format_number, number_patterns
from app.statements.service.reading import (
    briefing_of,
    current_edition,
    draft_links,
    editions,
    get,
    is_outdated,
    office_count,
    office_list,
    people,
    question_ids,
    related_org_ids,
    spokesperson_of,
    topic_ids,
    topics_of,
    translations,
    translations_of,
    working_edition,
)
from app.statements.service.reference import (
    DEFAULT_LANGUAGES,
    DEFAULT_TOPICS,
    add_language,
    approver_candidates,
    grant_approval,
    languages,
    may_approve,
    seed_languages,
    seed_reference,
    set_language_enabled,
    topics,
    translation_languages,
)
from app.statements.service.spokespersons import (
    DOCUMENT_TYPES,
    SpokespersonInput,
    add_spokesperson,
    attach_document,
    authorised,
    end_spokesperson,
    get_document,
    may_speak,
    register,
)
from app.statements.service.steps import Offer, StepData, offered, take_step
from app.statements.service.visibility import (
    last_public_change,
    mark_public_change,
    next_public_change,
    public_edition,
    public_history,
    public_statement,
    visible_condition,
)
from app.statements.service.workflow import (
    approve,
    catch_up,
    publish,
    publish_due,
    return_to_draft,
    submit,
    unschedule,
)

__all__ = [
    "DEFAULT_LANGUAGES",
    "DEFAULT_TOPICS",
    "DOCUMENT_TYPES",
    "ISSUING_KINDS",
    "LINK_FIELDS",
    "MAX_BODY",
    "MAX_SUMMARY",
    "MAX_TITLE",
    "NUMBERS_FILE",
    "SOURCE_LANGUAGE",
    "Offer",
    "SpokespersonInput",
    "StatementInput",
    "StepData",
    "add_files",
    "add_language",
    "add_spokesperson",
    "approve",
    "approver_candidates",
    "attach_document",
    "authorised",
    "briefing_of",
    "catch_up",
    "create",
    "current_edition",
    "discard",
    "draft_links",
    "edition_files",
    "editions",
    "end_spokesperson",
    "format_number",
    "get",
    "get_document",
    "get_file",
    "grant_approval",
    "is_outdated",
    "languages",
    "last_public_change",
    "mark_public_change",
    "may_approve",
    "may_speak",
    "new_edition",
    "next_public_change",
    "number_patterns",
    "offered",
    "office_count",
    "office_list",
    "people",
    "public_edition",
    "public_history",
    "public_statement",
    "publish",
    "publish_due",
    "question_ids",
    "register",
    "related_org_ids",
    "remove_file",
    "remove_translation",
    "require_working",
    "return_to_draft",
    "save_translation",
    "save_with_files",
    "seed_languages",
    "seed_reference",
    "set_compliance",
    "set_language_enabled",
    "spokesperson_of",
    "submit",
    "take_step",
    "topic_ids",
    "topics",
    "topics_of",
    "translation_languages",
    "translations",
    "translations_of",
    "unschedule",
    "update",
    "visible_condition",
    "withdraw",
    "working_edition",
]
