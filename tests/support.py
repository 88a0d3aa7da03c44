"""Helpers shared by the tests of every area: who acts, signing in, reading answers and pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session

from app.config import Settings
from app.uow import unit_of_work

R = TypeVar("R")


def as_sender(
    hook: Callable[[Session, Settings, datetime], R], db: Session, settings: Settings, now: datetime
) -> R:
    """Run a sender hook as the sender does: in its own unit of work (committed at the end)."""
    with unit_of_work(db):
        return hook(db, settings, now)
