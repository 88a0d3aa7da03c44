"""Each kind of notice: what it says (a msgid filled with the notice's params, in the reader's
language), who it is for (shown on the preferences page), and how it is delivered by default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.accounts.models import OFFICE_ROLES, Role
from app.i18n import N_, gettext
from app.notifications.models import Delivery, NoticeKind


@dataclass(frozen=True)
class Kind:
    label: str  # msgid, for the preferences page
    text: str  # msgid with %(name)s params
    roles: frozenset[Role]  # who may receive it (the preferences page lists only these)
    default: Delivery = Delivery.EMAIL
    translated: tuple[str, ...] = ()  # params that are msgids themselves


DEPT = frozenset({Role.DEPARTMENT})
JOURNALIST = frozenset({Role.JOURNALIST})

KINDS: dict[NoticeKind, Kind] = {
    NoticeKind.CALL_OPENED: Kind(
        N_("A call for content for your organisation"),
        N_("Content is asked of your organisation for “%(briefing)s”, by %(deadline)s."),
        DEPT,
    ),
    NoticeKind.CALL_REMINDER: Kind(
        N_("Reminders before a content deadline"),
        N_("%(hours)s hours left to send your content for “%(briefing)s” (by %(deadline)s)."),
        DEPT,
    ),
    NoticeKind.SUBMISSION_RETURNED: Kind(
        N_("Your content returned by the office"),
        N_("Your content for “%(briefing)s” was returned: %(comment)s"),
        DEPT,
    ),
    NoticeKind.SUBMISSION_ACCEPTED: Kind(
        N_("Your content accepted"),
        N_("Your content for “%(briefing)s” was accepted."),
        DEPT,
        Delivery.IN_APP,
    ),
    NoticeKind.QUESTION_ASSIGNED: Kind(
        N_("A question assigned or transferred to your organisation"),
        N_("A question from the press is now with your organisation, due %(due)s: “%(text)s”"),
        DEPT,
    ),
    NoticeKind.QUESTION_DUE_SOON: Kind(
        N_("Reminders before a question's due date"),
        N_("A question is due %(due)s: “%(text)s”"),
        DEPT,
    ),
    NoticeKind.QUESTION_OVERDUE: Kind(
        N_("A question past its due date"),
        N_("A question was due %(due)s and has no approved answer yet: “%(text)s”"),
        DEPT,
    ),
    NoticeKind.QUESTION_ANSWERED: Kind(
        N_("News of your questions"),
        N_("Your question “%(text)s”: %(outcome)s"),
        JOURNALIST,
        translated=("outcome",),
    ),
    NoticeKind.BRIEFING_CHANGED: Kind(
        N_("Changes to briefings you take part in"),
        N_("“%(briefing)s”: %(change)s"),
        frozenset({Role.DEPARTMENT, Role.JOURNALIST}),
        translated=("change",),
    ),
    NoticeKind.STATEMENT_PUBLISHED: Kind(
        N_("Statements you follow"),
        N_("%(change)s: %(title)s"),
        frozenset(Role),
        Delivery.IN_APP,
        translated=("change",),
    ),
    NoticeKind.MATTER_OPENED: Kind(
        N_("A sudden matter opened with a time limit"),
        N_("Sudden matter “%(title)s”: initial information is due by %(due)s (%(hours)s hours)."),
        OFFICE_ROLES,
    ),
    NoticeKind.MATTER_DUE_SOON: Kind(
        N_("A sudden matter nearing its time limit"),
        N_("Less than %(hours)s hours left to inform the press on “%(title)s” (due by %(due)s)."),
        OFFICE_ROLES,
    ),
    NoticeKind.MATTER_LATE: Kind(
        N_("A sudden matter past its time limit"),
        N_("No information has been given on “%(title)s”: it was due by %(due)s."),
        OFFICE_ROLES,
    ),
    NoticeKind.QUESTION_RECEIVED: Kind(
        N_("A question from the press to triage"),
        N_("A new question from %(asker)s: “%(text)s”"),
        frozenset({Role.PRESS_OFFICE}),
        Delivery.DIGEST,
    ),
    NoticeKind.CONTENT_SUBMITTED: Kind(
        N_("Content sent by a department"),
        N_("%(organisation)s sent its content for “%(briefing)s”."),
        frozenset({Role.PRESS_OFFICE}),
        Delivery.DIGEST,
    ),
    NoticeKind.ANSWER_DRAFTED: Kind(
        N_("An answer awaiting approval"),
        N_("%(organisation)s drafted an answer to “%(text)s”: it awaits approval."),
        OFFICE_ROLES,
    ),
    NoticeKind.STATEMENT_SUBMITTED: Kind(
        N_("A statement awaiting approval"),
        N_("“%(title)s” was submitted for review: it awaits your approval."),
        OFFICE_ROLES,
    ),
    NoticeKind.STATEMENT_RETURNED: Kind(
        N_("A statement you wrote returned to draft"),
        N_("“%(title)s” was returned to draft: change it and submit it again."),
        OFFICE_ROLES,
    ),
    NoticeKind.CONTENT_LATE: Kind(
        N_("Content missing after a call's deadline"),
        N_(
            "%(count)s organisations have not sent their content for “%(briefing)s” (due %(deadline)s)."
        ),
        frozenset({Role.PRESS_OFFICE}),
    ),
    NoticeKind.OFFICE_REMINDER: Kind(
        N_("Reminders from the spokesperson's office"),
        N_("The spokesperson's office reminds you: “%(what)s” is waiting for your organisation."),
        DEPT,
    ),
    NoticeKind.PRESS_ITEM_ASSIGNED: Kind(
        N_("Press reports to verify"),
        N_("The office asks your organisation to verify a press report by %(due)s: “%(title)s”"),
        DEPT,
    ),
    NoticeKind.PRESS_ITEM_ANSWERED: Kind(
        N_("Answers about press reports"),
        N_("%(organisation)s answered about the press report “%(title)s”."),
        frozenset({Role.PRESS_OFFICE, Role.SPOKESPERSON}),
    ),
    NoticeKind.ATTENDANCE_CONFIRMED: Kind(
        N_("Your registrations to attend briefings"),
        N_("You are registered to attend “%(briefing)s” on %(time)s: %(mode)s."),
        JOURNALIST,
        translated=("mode",),
    ),
    NoticeKind.ATTENDANCE_REFUSED: Kind(
        N_("A registration to attend refused by the office"),
        N_("Your registration to attend “%(briefing)s” was refused: %(reason)s"),
        JOURNALIST,
    ),
    NoticeKind.PREVIEW_SHARED: Kind(
        N_("Statements shared with you under embargo"),
        N_("Shared with you under embargo until %(time)s, not to be published before: “%(title)s”"),
        JOURNALIST,
    ),
    NoticeKind.JOURNALIST_VERIFIED: Kind(
        N_("Your account verified by the office"),
        N_(
            "Your journalist account has been verified: you can now ask questions and register to attend briefings."
        ),
        JOURNALIST,
    ),
    NoticeKind.JOURNALIST_REJECTED: Kind(
        N_("Your registration not accepted by the office"),
        N_("Your registration as a journalist was not accepted: %(reason)s"),
        JOURNALIST,
    ),
    NoticeKind.PRESS_CARD_EXPIRING: Kind(
        N_("Your press card about to expire"),
        N_("Your press card %(card)s expires on %(date)s: enter your new card on your profile."),
        JOURNALIST,
    ),
    NoticeKind.PRESS_CARD_EXPIRED: Kind(
        N_("Your press card expired"),
        N_(
            "Your press card %(card)s expired on %(date)s: your account awaits verification again. Enter your new card on your profile."
        ),
        JOURNALIST,
    ),
}

# About the account itself: e-mailed also while it is pending or rejected (never when disabled).
ACCOUNT_KINDS = frozenset(
    {
        NoticeKind.JOURNALIST_VERIFIED,
        NoticeKind.JOURNALIST_REJECTED,
        NoticeKind.PRESS_CARD_EXPIRING,
        NoticeKind.PRESS_CARD_EXPIRED,
    }
)

# Outcomes and changes named in notices (params listed in `translated`).
OUTCOMES = {
    "answered": N_("answered"),
    "holding": N_("the office will reply by a new date"),
    "refused": N_("refused, with the legal ground"),
    "merged": N_("merged with a question already asked; follow that one"),
}
CHANGES = {
    "postponed": N_("postponed"),
    "cancelled": N_("cancelled"),
    "updated": N_("time, place or details changed"),
    "published": N_("published"),
    "corrected": N_("corrected"),
}


def text(kind: NoticeKind, params: dict[str, Any], locale: str) -> str:
    spec = KINDS[kind]
    values = {k: str(v) for k, v in params.items()}
    for name in spec.translated:
        if name in values:
            values[name] = gettext(locale, values[name])
    try:
        return gettext(locale, spec.text) % values
    except (KeyError, ValueError):  # a notice written by an older version: say what we can
        return gettext(locale, spec.label)


def kinds_for(role: Role) -> list[NoticeKind]:
    return [k for k, spec in KINDS.items() if role in spec.roles]
