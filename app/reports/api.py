"""`/api/v1/reports/summary`: the dashboard's figures as JSON, with the same scope rules."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.access import ReportReaders
from app.db import SessionDep
from app.error_pages import api_locale
from app.errors import ValidationFailed
from app.i18n import gettext
from app.reports import service
from app.reports.figures import NO_ORG, Summary
from app.reports.tables import (
    QUESTION_COLUMNS,
    STATEMENT_COLUMNS,
    SUBMISSION_COLUMNS,
    Names,
)

router = APIRouter(prefix="/api/v1")


def as_json(summary: Summary, names: Names) -> dict[str, Any]:
    questions: dict[str, Any] = {
        k: summary[f"questions.{k}"]
        for k in (
            "received",
            "answered",
            "on_time",
            "late",
            "refused",
            "replied",
            "overdue",
            "open",
        )
    } | {k: summary[f"questions.{k}"] for k in ("merged", "declined")}
    questions["median_hours_to_answer"] = summary.median_hours
    questions["refused_by_ground"] = dict(summary.keys_with("questions.refused"))
    return {
        "from": summary.period.first.isoformat(),
        "to": summary.period.last.isoformat(),
        "organisation_id": summary.scope.organisation_id,
        "briefings": {
            k: summary[f"briefings.{k}"] for k in ("held", "planned", "postponed", "cancelled")
        }
        | {"by_kind": dict(summary.keys_with("briefings.kind"))},
        "compliance": [
            {
                "rule": rr.rule.code,
                "source": rr.rule.source,
                "label": rr.rule.label(names.locale),
                "citation": rr.rule.citation(names.locale),
                "met": rr.met,
                "periods": [
                    {
                        "label": r.period.label,
                        "start": r.period.start.isoformat(),
                        "end": r.period.end.isoformat(),
                        "held": r.held,
                        "scheduled": r.scheduled,
                        "required": r.required,
                        "state": r.state.value,
                    }
                    for r in rr.results
                ],
            }
            for rr in summary.compliance
        ],
        "statements": {
            k: summary[f"statements.{k}"] for k in ("published", "corrected", "withdrawn")
        }
        | {
            "by_kind": dict(summary.keys_with("statements.kind")),
            "by_language": dict(summary.keys_with("statements.lang")),
        },
        "questions": questions,
        "submissions": {
            k: summary[f"submissions.{k}"]
            for k in ("asked", "on_time", "late", "missing", "pending", "accepted")
        },
        "organisations": [
            {
                "organisation_id": None if row.organisation_id == NO_ORG else row.organisation_id,
                "name": names.org(row.organisation_id),
                "questions": {k.split(".", 1)[1]: row[k] for k in QUESTION_COLUMNS}
                | {"median_hours_to_answer": row.median_hours},
                "submissions": {k.split(".", 1)[1]: row[k] for k in SUBMISSION_COLUMNS},
                "statements": {k.split(".", 1)[1]: row[k] for k in STATEMENT_COLUMNS},
            }
            for row in sorted(summary.orgs.values(), key=lambda r: r.organisation_id)
        ],
    }


@router.get("/reports/summary")
def summary_json(
    request: Request,
    identity: ReportReaders,
    session: SessionDep,
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    org: str = "",
) -> dict[str, Any]:
    scope, period, errors = service.asked(session, identity.actor, date_from, date_to, org)
    if errors:
        raise ValidationFailed(errors)
    summary = service.summary(session, period, scope, request.app.state.settings.compliance_ruleset)
    locale = api_locale(request)
    return as_json(summary, Names.load(session, locale, partial(gettext, locale)))
