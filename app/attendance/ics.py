"""A registered journalist's calendar event for a briefing (RFC 5545/5546, pure).

The event has the briefing's own UID (the one of `/briefings/<id>.ics` and the feeds), so a
calendar that has it from either place updates the same event. Its SEQUENCE is the briefing's
plus the registration's revision: both only rise, so every change of either makes a newer
version. While the journalist is registered and the briefing goes ahead the file PUBLISHes the
event; once the briefing is cancelled, or the registration cancelled or refused, it is a
METHOD:CANCEL with STATUS:CANCELLED, which removes it from the calendar.
"""

from __future__ import annotations

from icalendar import Calendar, Event, vCalAddress, vText

from app.attendance.models import MODE_LABELS, Registration, RegistrationStatus
from app.briefings.feeds import (
    PRODID,
    TZ_FIRST,
    TZ_LAST,
    describe,
    multi_line,
    one_line,
    public_url,
)
from app.briefings.models import Briefing, BriefingKind, BriefingStatus
from app.i18n import N_, gettext
from app.timeutil import to_local

ATTENDING = N_("You attend: %(mode)s")


def is_cancelled(briefing: Briefing, reg: Registration) -> bool:
    return (
        briefing.status == BriefingStatus.CANCELLED or reg.status != RegistrationStatus.REGISTERED
    )


def sequence(briefing: Briefing, reg: Registration) -> int:
    return briefing.sequence + reg.revision


def attendee_calendar(
    briefing: Briefing,
    reg: Registration,
    *,
    kind: BriefingKind | None,
    attendee_email: str,
    attendee_name: str,
    organiser_email: str,
    organiser_name: str,
    base_url: str,
    locale: str,
) -> bytes:
    """The one-event calendar of this registration, in `locale`."""
    cancelled = is_cancelled(briefing, reg)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", briefing.uid)
    stamp = max(briefing.updated_at, reg.updated_at)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence(briefing, reg))
    event.add("dtstart", to_local(briefing.starts_at))
    event.add("dtend", to_local(briefing.ends_at))
    event.add("summary", one_line(briefing.title(locale)))
    if one_line(briefing.venue):
        event.add("location", one_line(briefing.venue))
    event.add("url", public_url(base_url, briefing))
    lines = [gettext(locale, ATTENDING, mode=gettext(locale, MODE_LABELS[reg.mode]))]
    if reg.crew:
        lines.append(", ".join(reg.crew))
    if details := describe(briefing, locale):
        lines.append(details)
    event.add("description", multi_line("\n\n".join(lines)))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("class", "PUBLIC")
    if kind is not None:
        event.add("categories", [one_line(kind.name(locale))])
    if organiser_email:
        organiser = vCalAddress(f"mailto:{organiser_email}")
        organiser.params["cn"] = vText(one_line(organiser_name))
        event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["cn"] = vText(one_line(attendee_name))
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    event.add("attendee", attendee)
    cal.add_component(event)
    cal.add_missing_timezones(first_date=TZ_FIRST, last_date=TZ_LAST)
    return bytes(cal.to_ical())
