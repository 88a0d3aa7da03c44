"""Kept so that `app.pages.routes` can still import `compliance_warnings` from here; the office's
briefing pages are in `app/briefings/web/` (calendar, briefing, series, compliance)."""

from app.briefings.web.compliance import compliance_warnings

__all__ = ["compliance_warnings"]
