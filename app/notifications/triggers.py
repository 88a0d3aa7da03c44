"""What each event tells whom. Services call these inside their transaction, just before their
commit; the reminders run from the sender (`reminders`, registered in `scheduler.BEFORE_SEND`).

Who: only people who may see the object — a department's focal officers for their own
organisation's calls, submissions and questions; a journalist for their own questions and for the
announced briefings they asked questions for.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.accounts.models import OFFICE_ROLES, Role, User, UserStatus
from app.attendance.models import MODE_LABELS, Registration, RegistrationStatus
from app.briefings.models import Briefing
from app.briefings.states import SCHEDULED
from app.config import Settings
from app.content.models import CallRecipient, CallStatus, ContentCall, Submission, SubmissionStatus
from app.incidents import queries as matters
from app.incidents.clock import SOON_HOURS, Verdict
from app.incidents.models import Matter
from app.notifications.kinds import CHANGES, OUTCOMES
from app.notifications.models import NoticeKind
from app.notifications.service import active_user, department_users, notify
from app.questions.models import OPEN, Question
from app.timeutil import format_datetime


def _short(text: str, n: int = 120) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --- Department content ----------------------------------------------------------------------


def call_opened(
    session: Session, call: ContentCall, briefing: Briefing, org_ids: list[int]
) -> None:
    """Told once per organisation, also when it is added to a call later."""
    for org_id in org_ids:
        notify(
            session,
            department_users(session, [org_id]),
            NoticeKind.CALL_OPENED,
            params={"briefing": briefing.title_vi, "deadline": format_datetime(call.deadline)},
            link="/dept/calls",
            dedupe=f"call:{call.id}:org:{org_id}:opened",
        )


def submission_acted(session: Session, sub: Submission, briefing: Briefing, action: str) -> None:
    kind = {
        "return": NoticeKind.SUBMISSION_RETURNED,
        "accept": NoticeKind.SUBMISSION_ACCEPTED,
    }.get(action)
    if kind is None:
        return
    notify(
        session,
        department_users(session, [sub.organisation_id]),
        kind,
        params={"briefing": briefing.title_vi, "comment": _short(sub.office_comment, 300)},
        link=f"/submissions/{sub.id}",
    )


# --- Questions -------------------------------------------------------------------------------


def question_assigned(session: Session, q: Question) -> None:
    """To the leading organisation, on assignment and on each transfer."""
    notify(
        session,
        department_users(session, [q.lead_org_id]),
        NoticeKind.QUESTION_ASSIGNED,
        params={"text": _short(q.text), "due": format_datetime(q.due_at) or "—"},
        link=f"/dept/questions/{q.id}",
    )


def question_outcome(session: Session, q: Question, outcome: str) -> None:
    """To the journalist who asked it (recorded questions of people without an account: nobody)."""
    notify(
        session,
        active_user(session, q.journalist_id),
        NoticeKind.QUESTION_ANSWERED,
        params={"text": _short(q.text), "outcome": OUTCOMES[outcome]},
        link=f"/questions/{q.id}",
    )


# --- Briefings -------------------------------------------------------------------------------


def briefing_audience(session: Session, briefing: Briefing) -> list[User]:
    """Who is told of a change to a briefing: the invited organisations' focal officers, the
    journalists who sent questions for it and those registered to attend (none before it is
    announced: nobody outside the office knew of it)."""
    from app.briefings.models import BriefingInvitee

    if briefing.announced_at is None:
        return []
    orgs = session.exec(
        select(BriefingInvitee.organisation_id).where(BriefingInvitee.briefing_id == briefing.id)
    ).all()
    journalist_ids = set(
        session.exec(
            select(Question.journalist_id).where(
                Question.briefing_id == briefing.id, col(Question.journalist_id).is_not(None)
            )
        ).all()
    )
    journalists = (
        session.exec(
            select(User).where(
                col(User.id).in_(journalist_ids),
                User.role == Role.JOURNALIST,
                User.status == UserStatus.ACTIVE,
            )
        ).all()
        if journalist_ids
        else []
    )
    asked = {u.id for u in journalists}
    attending = [u for u in briefing_attendees(session, briefing) if u.id not in asked]
    return [*department_users(session, orgs), *journalists, *attending]


def briefing_attendees(session: Session, briefing: Briefing) -> list[User]:
    """The journalists registered to attend (active accounts, registration not cancelled or
    refused)."""
    return list(
        session.exec(
            select(User)
            .join(Registration, col(Registration.journalist_id) == User.id)
            .where(
                Registration.briefing_id == briefing.id,
                Registration.status == RegistrationStatus.REGISTERED,
                User.status == UserStatus.ACTIVE,
            )
        ).all()
    )


def attendee_ics(briefing: Briefing) -> str:
    """The address of a registered journalist's calendar event for the briefing."""
    return f"/briefings/{briefing.id}/attendance.ics"


def briefing_changed(session: Session, briefing: Briefing, change: str) -> None:
    """To `briefing_audience`, once per change; those registered to attend also get the link to
    their updated calendar event."""
    people = briefing_audience(session, briefing)
    if not people:
        return
    attending = {u.id for u in briefing_attendees(session, briefing)}
    params = {"briefing": briefing.title_vi, "change": CHANGES[change]}
    for group, extra in (
        ([u for u in people if u.id not in attending], {}),
        ([u for u in people if u.id in attending], {"ics": attendee_ics(briefing)}),
    ):
        notify(
            session,
            group,
            NoticeKind.BRIEFING_CHANGED,
            params=params | extra,
            link=f"/briefings/{briefing.id}",
            dedupe=f"briefing:{briefing.id}:{change}:{briefing.sequence}",
        )


def attendance_confirmed(session: Session, reg: Registration, briefing: Briefing) -> None:
    """To the journalist who registered or changed their registration."""
    notify(
        session,
        active_user(session, reg.journalist_id),
        NoticeKind.ATTENDANCE_CONFIRMED,
        params={
            "briefing": briefing.title_vi,
            "mode": MODE_LABELS[reg.mode],
            "time": format_datetime(briefing.starts_at),
            "ics": attendee_ics(briefing),
        },
        link=f"/briefings/{briefing.id}/attendance",
    )


def attendance_refused(session: Session, reg: Registration, briefing: Briefing) -> None:
    """To the journalist whose registration the office refused, with the reason."""
    notify(
        session,
        active_user(session, reg.journalist_id),
        NoticeKind.ATTENDANCE_REFUSED,
        params={"briefing": briefing.title_vi, "reason": _short(reg.refusal_reason, 300)},
        link=f"/briefings/{briefing.id}/attendance",
    )


# --- Sudden matters ----------------------------------------------------------------------------


def office_users(session: Session) -> list[User]:
    """The spokesperson's office and the spokesperson: active accounts of those roles."""
    return list(
        session.exec(
            select(User).where(
                col(User.role).in_([r.value for r in OFFICE_ROLES]),
                User.status == UserStatus.ACTIVE,
            )
        ).all()
    )


def matter_opened(session: Session, matter: Matter, hours: int) -> None:
    """A matter with a time limit was opened: the office and the spokesperson, once."""
    notify(
        session,
        office_users(session),
        NoticeKind.MATTER_OPENED,
        params={
            "title": _short(matter.title),
            "due": format_datetime(matter.due_at),
            "hours": hours,
        },
        link=f"/office/incidents/{matter.id}",
        dedupe=f"matter:{matter.id}:opened",
    )


def matter_reminders(session: Session, settings: Settings, now: datetime) -> int:
    """Open matters without information yet: told when 6 hours are left and when the time limit
    has passed, once each per due time, however often and in however many workers this runs."""
    rows = session.exec(
        select(Matter).where(
            col(Matter.closed_at).is_(None),
            col(Matter.due_at).is_not(None),
            col(Matter.due_at) <= now + timedelta(hours=SOON_HOURS),
            col(Matter.due_at) >= now - timedelta(days=7),  # not the whole archive at once
        )
    ).all()
    told = 0
    people = office_users(session) if rows else []
    for view in matters.views(session, list(rows), now):
        due = view.matter.due_at
        if view.first_info_at is not None or due is None:
            continue
        late = view.verdict == Verdict.LATE
        told += len(
            notify(
                session,
                people,
                NoticeKind.MATTER_LATE if late else NoticeKind.MATTER_DUE_SOON,
                params={
                    "title": _short(view.title),
                    "due": format_datetime(due),
                    "hours": SOON_HOURS,
                },
                link=f"/office/incidents/{view.id}",
                dedupe=f"matter:{view.id}:{'late' if late else 'soon'}:{due.isoformat()}",
            )
        )
    return told


# --- Reminders (run by the sender) -----------------------------------------------------------


def _band(until: timedelta, hours: tuple[int, ...]) -> int | None:
    """The smallest reminder band (in hours) the time left falls in: 20 h left → 24."""
    fitting = [h for h in sorted(hours) if until <= timedelta(hours=h)]
    return fitting[0] if fitting else None


def reminders(session: Session, settings: Settings, now: datetime) -> int:
    """Content not yet sent as a call's deadline nears (48 and 24 hours before, configurable);
    questions nearing and passing their due date. Each once per band, however often this runs."""
    told = 0
    horizon = now + timedelta(hours=max(settings.reminder_hours))
    calls = session.exec(
        select(ContentCall).where(
            ContentCall.status == CallStatus.OPEN,
            col(ContentCall.deadline) > now,
            col(ContentCall.deadline) <= horizon,
        )
    ).all()
    for call in calls:
        band = _band(call.deadline - now, settings.reminder_hours)
        briefing = session.get(Briefing, call.briefing_id)
        if band is None or briefing is None or briefing.status not in SCHEDULED:
            continue  # a held or cancelled briefing takes no more content
        sent = set(
            session.exec(
                select(Submission.organisation_id).where(
                    Submission.call_id == call.id,
                    col(Submission.submitted_at).is_not(None),
                    Submission.status != SubmissionStatus.WITHDRAWN,
                )
            ).all()
        )
        for org_id in session.exec(
            select(CallRecipient.organisation_id).where(CallRecipient.call_id == call.id)
        ).all():
            if org_id in sent:
                continue
            told += len(
                notify(
                    session,
                    department_users(session, [org_id]),
                    NoticeKind.CALL_REMINDER,
                    params={
                        "briefing": briefing.title_vi,
                        "deadline": format_datetime(call.deadline),
                        "hours": band,
                    },
                    link="/dept/calls",
                    dedupe=f"call:{call.id}:org:{org_id}:remind:{band}:{call.deadline.isoformat()}",
                )
            )
    soon = min(settings.reminder_hours)
    questions = session.exec(
        select(Question).where(
            col(Question.status).in_([s.value for s in OPEN]),
            col(Question.lead_org_id).is_not(None),
            col(Question.due_at).is_not(None),
            col(Question.due_at) <= now + timedelta(hours=soon),
            col(Question.due_at) >= now - timedelta(days=7),  # not the whole archive at once
        )
    ).all()
    for q in questions:
        assert q.due_at is not None
        overdue = q.due_at <= now
        told += len(
            notify(
                session,
                department_users(session, [q.lead_org_id]),
                NoticeKind.QUESTION_OVERDUE if overdue else NoticeKind.QUESTION_DUE_SOON,
                params={"text": _short(q.text), "due": format_datetime(q.due_at)},
                link=f"/dept/questions/{q.id}",
                dedupe=f"question:{q.id}:{'overdue' if overdue else 'soon'}:{q.due_at.isoformat()}",
            )
        )
    return told
