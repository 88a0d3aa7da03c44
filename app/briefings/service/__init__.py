"""Use cases for briefings: kinds, one-off briefings, series and their occurrences, the
lifecycle (announce, postpone, cancel, hold, record), conflicts and compliance facts.

Each use case runs in a unit of work (`app.uow`): it commits when it returns and rolls back when
it raises. The modules, each importable on its own:

- `catalog`: the kinds of briefing and their title patterns, loaded from `data/kinds.toml`;
- `queries`: one briefing, the lists, the feeds' fingerprint, conflicts, series, compliance facts;
- `single`: planning and editing one briefing, and `take_step` along its lifecycle;
- `series`: recurring briefings, the occurrences they generate, "this and following";
- `common`: local times, content deadlines, field and version checks.
"""

from app.briefings.service.catalog import (
    KINDS_FILE,
    find_kind,
    get_kind,
    kind_by_code,
    kinds,
    render_title,
    seed_kinds,
)
from app.briefings.service.common import (
    ALL_KINDS,
    DEADLINE_TIME,
    STALE,
    default_deadline,
    local_datetime,
)
from app.briefings.service.queries import (
    agenda,
    between,
    changes,
    compliance_facts,
    conflicting_ids,
    conflicts,
    feed_fingerprint,
    get,
    get_public,
    get_series,
    invited,
    invitee_ids,
    invitees_of,
    public_feed,
    public_list,
    series_briefings,
    series_invitee_ids,
    series_list,
)
from app.briefings.service.series import (
    SERIES_CHANGED,
    Regenerated,
    SeriesInput,
    create_series,
    edit_following,
    extend_all,
    preview,
    regenerate,
    series_clashes,
    update_series,
)
from app.briefings.service.single import (
    BriefingInput,
    StepInput,
    TransitionInput,
    announce_next,
    create,
    take_step,
    transition,
    update,
)
from app.briefings.states import SCHEDULED

__all__ = [
    "ALL_KINDS",
    "DEADLINE_TIME",
    "KINDS_FILE",
    "SCHEDULED",
    "SERIES_CHANGED",
    "STALE",
    "BriefingInput",
    "Regenerated",
    "SeriesInput",
    "StepInput",
    "TransitionInput",
    "agenda",
    "announce_next",
    "between",
    "changes",
    "compliance_facts",
    "conflicting_ids",
    "conflicts",
    "create",
    "create_series",
    "default_deadline",
    "edit_following",
    "extend_all",
    "feed_fingerprint",
    "find_kind",
    "get",
    "get_kind",
    "get_public",
    "get_series",
    "invited",
    "invitee_ids",
    "invitees_of",
    "kind_by_code",
    "kinds",
    "local_datetime",
    "preview",
    "public_feed",
    "public_list",
    "regenerate",
    "render_title",
    "seed_kinds",
    "series_briefings",
    "series_clashes",
    "series_invitee_ids",
    "series_list",
    "take_step",
    "transition",
    "update",
    "update_series",
]
