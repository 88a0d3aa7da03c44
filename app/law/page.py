"""The law in force today, for every page (the footer, the home page, the hints that cite it)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from app.law.rulesets import current


def page_context(request: Request) -> dict[str, Any]:
    return {"law": current()}
