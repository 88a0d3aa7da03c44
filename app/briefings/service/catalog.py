"""The kinds of briefing: reading them, their title patterns, and loading them from the data
file (`data/kinds.toml`)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.briefings.models import BriefingKind
from app.errors import NotFound
from app.orgs import service as orgs
from app.uow import use_case

KINDS_FILE = Path(__file__).resolve().parent.parent / "data" / "kinds.toml"


def kinds(session: Session) -> list[BriefingKind]:
    return list(
        session.exec(
            select(BriefingKind).order_by(col(BriefingKind.position), col(BriefingKind.id))
        ).all()
    )


def find_kind(session: Session, kind_id: int) -> BriefingKind | None:
    return session.get(BriefingKind, kind_id)


def get_kind(session: Session, kind_id: int) -> BriefingKind:
    kind = find_kind(session, kind_id)
    if kind is None:
        raise NotFound()
    return kind


def kind_by_code(session: Session, code: str) -> BriefingKind | None:
    return session.exec(select(BriefingKind).where(BriefingKind.code == code)).first()


def render_title(pattern: str, day: date) -> str:
    """A kind's or a series' title pattern filled in for a day ({month}, {year}, {week}, {date})."""
    values = {
        "month": f"{day.month:02d}",
        "year": str(day.year),
        "week": f"{day.isocalendar().week:02d}",
        "date": day.strftime("%d/%m/%Y"),
    }
    out = pattern
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


@use_case
def seed_kinds(session: Session, *, actor: Actor, path: Path = KINDS_FILE) -> int:
    """Load the kinds of briefing in the data file that are not there yet (matched by code)."""
    added = 0
    for item in tomllib.loads(path.read_text(encoding="utf-8"))["kind"]:
        if kind_by_code(session, item["code"]):
            continue
        chair_org = orgs.get_by_code(session, item.get("chair_org", ""))
        organiser = orgs.get_by_code(session, item.get("organiser_org", ""))
        kind = BriefingKind(
            code=item["code"],
            position=item.get("position", 0),
            name_vi=item["name_vi"],
            name_en=item["name_en"],
            title_pattern_vi=item["title_pattern_vi"],
            title_pattern_en=item["title_pattern_en"],
            chair=item.get("chair", ""),
            chair_org_id=chair_org.id if chair_org else None,
            organiser_org_id=organiser.id if organiser else None,
            duration_minutes=item["duration_minutes"],
            venue=item.get("venue", ""),
            content_days_before=item["content_days_before"],
        )
        session.add(kind)
        audit.record(session, actor, "briefing_kind.created", kind, f"{kind.code} (seed)")
        added += 1
    return added
