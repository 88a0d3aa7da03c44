"""The yearly report as tables: the same rows for the page, the XLSX, the CSV and the PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from app.briefings.compliance import STATE_LABELS, rule_sets
from app.briefings.models import Briefing, BriefingKind
from app.briefings.service import kinds as briefing_kinds
from app.i18n import N_
from app.law.rulesets import load as law_rulesets
from app.orgs.models import OrgView
from app.orgs.service import list_organisations
from app.reports.figures import NO_ORG, Summary
from app.statements.models import KIND_LABELS, StatementKind, StatementLanguage
from app.timeutil import format_date, to_local

Cell = str | int | float | None
# The address of the list behind a count: (metric, organisation or None, period or None).
Link = Callable[[str, "int | None", "Any"], str]


@dataclass(frozen=True)
class Table:
    key: str  # stable identifier: "headline", "compliance", "questions_by_org", …
    title: str  # in the reader's language; also the XLSX sheet name (cut to 31 characters)
    columns: list[str]  # header row, in the reader's language
    rows: list[list[Cell]] = field(default_factory=list)
    # for the page only: per row, per column, an address the cell links to ("" for none)
    links: list[list[str]] = field(default_factory=list)


# --- What each figure is called (also the title of the list behind it) ---------------------------

METRICS: dict[str, str] = {
    "briefings.all": N_("Press conferences and briefings in the period"),
    "briefings.held": N_("Press conferences and briefings held"),
    "briefings.planned": N_("Planned or announced, not yet held"),
    "briefings.postponed": N_("Postponed"),
    "briefings.cancelled": N_("Cancelled"),
    "statements.published": N_("Statements published"),
    "statements.corrected": N_("Corrections (new editions)"),
    "statements.withdrawn": N_("Statements withdrawn"),
    "questions.received": N_("Questions received"),
    "questions.answered": N_("Questions answered"),
    "questions.on_time": N_("Answered on time"),
    "questions.late": N_("Answered late"),
    "questions.refused": N_("Refused"),
    "questions.overdue": N_("Overdue (open past the due date)"),
    "questions.open": N_("Being handled, not yet due"),
    "questions.merged": N_("Merged into another question"),
    "questions.declined": N_("Not taken up"),
    "submissions.asked": N_("Organisations asked for content"),
    "submissions.on_time": N_("Content sent on time"),
    "submissions.late": N_("Content sent late"),
    "submissions.missing": N_("Content missing after the deadline"),
    "submissions.pending": N_("Content not yet due"),
    "submissions.accepted": N_("Content accepted"),
}

HEADLINE = (
    "briefings.held",
    "briefings.planned",
    "briefings.postponed",
    "briefings.cancelled",
    "statements.published",
    "statements.corrected",
    "statements.withdrawn",
    "questions.received",
    "questions.answered",
    "questions.on_time",
    "questions.late",
    "questions.refused",
    "questions.overdue",
    "submissions.asked",
    "submissions.on_time",
    "submissions.late",
    "submissions.missing",
)

QUESTION_COLUMNS = (
    "questions.received",
    "questions.answered",
    "questions.on_time",
    "questions.late",
    "questions.refused",
    "questions.overdue",
)
SUBMISSION_COLUMNS = (
    "submissions.asked",
    "submissions.on_time",
    "submissions.late",
    "submissions.missing",
    "submissions.pending",
)
STATEMENT_COLUMNS = ("statements.published", "statements.corrected", "statements.withdrawn")


def metric_label(key: str, gettext: Callable[[str], str], names: Names) -> str:
    """The name of a metric key, including the variable ones (kind, language, ground)."""
    if key in METRICS:
        return gettext(METRICS[key])
    area, _, rest = key.partition(".")
    sub, _, code = rest.partition(".")
    if area == "statements" and sub == "kind":
        return gettext(N_("Statements published: %(kind)s")) % {"kind": names.statement_kind(code)}
    if area == "statements" and sub == "lang":
        return gettext(N_("Statements published in %(language)s")) % {
            "language": names.language(code)
        }
    if area == "questions" and sub == "refused":
        return gettext(N_("Refused: %(ground)s")) % {"ground": names.ground(code)}
    if area == "briefings" and sub == "kind":
        return names.briefing_kind(code)
    if area == "briefings" and sub == "rule":
        for rule_set in rule_sets()[1].values():
            for rule in rule_set.rules:
                if rule.code == code:
                    return rule.label(names.locale)
    return key


@dataclass
class Names:
    """Everything the tables name, in the reader's language."""

    locale: str
    gettext: Callable[[str], str]
    orgs: dict[int, OrgView]
    languages: dict[str, StatementLanguage]
    kinds: dict[str, BriefingKind]

    @classmethod
    def load(cls, session: Session, locale: str, gettext: Callable[[str], str]) -> Names:
        return cls(
            locale=locale,
            gettext=gettext,
            orgs={o.id: o for o in list_organisations(session, include_retired=True)},
            languages={lang.code: lang for lang in session.exec(select(StatementLanguage)).all()},
            kinds={k.code: k for k in briefing_kinds(session)},
        )

    def org(self, org_id: int) -> str:
        if org_id == NO_ORG:
            return self.gettext(N_("Not yet given to an organisation"))
        view = self.orgs.get(org_id)
        return view.name(self.locale) if view else f"#{org_id}"

    def language(self, code: str) -> str:
        if code == "vi":
            return self.gettext(N_("Vietnamese"))
        lang = self.languages.get(code)
        if lang is None:
            return code
        return lang.name if self.locale == "en" else lang.name_vi

    def ground(self, code: str) -> str:
        """`decree244-2026:b`: point b of the law of that rule set, with the law named."""
        ruleset_code, _, point = code.partition(":")
        for ruleset in law_rulesets():
            if ruleset.code == ruleset_code and point in ruleset.refusal_grounds:
                label = ruleset.refusal_grounds[point].label(self.locale)
                return f"{label} ({ruleset.refusal_grounds[point].citation(self.locale)})"
        return self.gettext(N_("Other ground"))

    def statement_kind(self, code: str) -> str:
        try:
            return self.gettext(KIND_LABELS[StatementKind(code)])
        except ValueError:
            return code

    def briefing_kind(self, code: str) -> str:
        kind = self.kinds.get(code)
        return kind.name(self.locale) if kind else code


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def build(
    summary: Summary,
    names: Names,
    *,
    conferences: list[Briefing],
    link: Link | None = None,
) -> list[Table]:
    """The report's tables, in order. `link(metric, org_id)` gives the address of the list behind
    a count (the page passes one; exports do not). `conferences` are the briefings of
    `summary.conferences_held()`, loaded by the caller."""
    _ = names.gettext

    def href(key: str, org_id: int | None = None, period: Any = None) -> str:
        return link(key, org_id, period) if link else ""

    tables: list[Table] = []
    headline = [(k, summary[k]) for k in HEADLINE]
    rows: list[list[Cell]] = [[metric_label(k, _, names), n] for k, n in headline]
    links = [["", href(k) if n else ""] for k, n in headline]
    rows.append([_("Median time to answer (hours)"), summary.median_hours])
    links.append(["", ""])
    tables.append(Table("headline", _("Main figures"), [_("Figure"), _("Number")], rows, links))

    if summary.compliance:
        rows, links = [], []
        for rr in summary.compliance:
            for r in rr.results:
                rows.append(
                    [
                        rr.rule.label(names.locale),
                        _("Law") if rr.rule.source == "law" else _("Provincial plan"),
                        r.period.label,
                        r.held,
                        r.scheduled,
                        r.required,
                        _(STATE_LABELS[r.state]),
                    ]
                )
                behind = f"briefings.rule.{rr.rule.code}"
                cell = href(behind, None, r.period) if r.held or r.scheduled else ""
                links.append(["", "", "", cell, cell, "", ""])
        tables.append(
            Table(
                "compliance",
                _("Press conferences and briefings against the rules"),
                [
                    _("Requirement"),
                    _("Source"),
                    _("Period"),
                    _("Held"),
                    _("Scheduled"),
                    _("Required"),
                    _("State"),
                ],
                rows,
                links,
            )
        )

    kinds = summary.keys_with("briefings.kind")
    tables.append(
        _by_key_table(
            "briefings_by_kind",
            _("Press conferences and briefings by kind"),
            [_("Kind")]
            + [
                _(METRICS[k])
                for k in (
                    "briefings.held",
                    "briefings.planned",
                    "briefings.postponed",
                    "briefings.cancelled",
                )
            ],
            [(names.briefing_kind(code), f"briefings.kind.{code}") for code, _n in kinds],
            summary,
            (
                "briefings.held",
                "briefings.planned",
                "briefings.postponed",
                "briefings.cancelled",
            ),
        )
    )

    counted: tuple[tuple[str, str, str, str, str, Callable[[str], str]], ...] = (
        # table, title, first column, second column, metric prefix, what a code is called
        (
            "statements_by_kind",
            _("Statements published by kind"),
            _("Kind"),
            _("Statements"),
            "statements.kind",
            names.statement_kind,
        ),
        (
            "statements_by_language",
            _("Statements published by language"),
            _("Language"),
            _("Statements"),
            "statements.lang",
            names.language,
        ),
        (
            "refusals_by_ground",
            _("Questions refused, by legal ground"),
            _("Ground"),
            _("Questions"),
            "questions.refused",
            names.ground,
        ),
    )
    for key, title, first, second, prefix, name in counted:
        entries = [(name(code), f"{prefix}.{code}", n) for code, n in summary.keys_with(prefix)]
        tables.append(_count_table(key, title, [first, second], entries, href))

    rows, links = [], []
    for org in summary.org_rows("questions.received"):
        rows.append(
            [names.org(org.organisation_id)]
            + [org[k] for k in QUESTION_COLUMNS]
            + [org.on_time_percent, org.median_hours]
        )
        links.append(
            [""]
            + [href(k, org.organisation_id) if org[k] else "" for k in QUESTION_COLUMNS]
            + ["", ""]
        )
    tables.append(
        Table(
            "questions_by_org",
            _("Questions by organisation"),
            [_("Organisation")]
            + [_(METRICS[k]) for k in QUESTION_COLUMNS]
            + [_("On time (%)"), _("Median time to answer (hours)")],
            rows,
            links,
        )
    )
    tables.append(
        _org_table(
            "submissions_by_org",
            _("Content for briefings by organisation"),
            summary,
            names,
            SUBMISSION_COLUMNS,
            href,
        )
    )
    tables.append(
        _org_table(
            "statements_by_org",
            _("Statements by issuing organisation"),
            summary,
            names,
            STATEMENT_COLUMNS,
            href,
            area_key="statements",
        )
    )

    rows = [
        [
            format_date(to_local(b.starts_at).date()),
            b.title(names.locale),
            names.briefing_kind(kind_code),
            b.chair,
            b.venue,
        ]
        for b, kind_code in _with_kind(conferences, summary)
    ]
    tables.append(
        Table(
            "conferences_held",
            _("Press conferences held"),
            [_("Date"), _("Title"), _("Kind"), _("Chaired by"), _("Venue")],
            rows,
            [["", f"/office/briefings/{b.id}" if link else "", "", "", ""] for b in conferences],
        )
    )
    return tables


def _with_kind(conferences: list[Briefing], summary: Summary) -> list[tuple[Briefing, str]]:
    codes = {i.id: i.label for i in summary.items if i.area == "briefings"}
    return [(b, codes.get(b.id or 0, "")) for b in conferences]


def _count_table(
    key: str,
    title: str,
    columns: list[str],
    entries: list[tuple[str, str, int]],
    href: Callable[..., str],
) -> Table:
    return Table(
        key,
        title,
        columns,
        [[label, n] for label, _k, n in entries],
        [["", href(k, None)] for _label, k, _n in entries],
    )


def _by_key_table(
    key: str,
    title: str,
    columns: list[str],
    entries: list[tuple[str, str]],
    summary: Summary,
    metrics: tuple[str, ...],
) -> Table:
    """Rows of items carrying a key (e.g. a briefing kind), counted per metric."""
    rows: list[list[Cell]] = []
    for label, row_key in entries:
        row_items = [i for i in summary.items if row_key in i.keys]
        rows.append([label] + [sum(m in i.keys for i in row_items) for m in metrics])
    return Table(key, title, columns, rows, [[""] * len(columns) for _ in rows])


def _org_table(
    key: str,
    title: str,
    summary: Summary,
    names: Names,
    metrics: tuple[str, ...],
    href: Callable[..., str],
    area_key: str | None = None,
) -> Table:
    _ = names.gettext
    orgs = [
        r
        for r in summary.orgs.values()
        if any(r[m] for m in metrics) and (area_key is None or r.organisation_id != NO_ORG)
    ]
    orgs.sort(key=lambda r: (-r[metrics[0]], names.org(r.organisation_id)))
    return Table(
        key,
        title,
        [_("Organisation")] + [_(METRICS[m]) for m in metrics],
        [[names.org(r.organisation_id)] + [r[m] for m in metrics] for r in orgs],
        [[""] + [href(m, r.organisation_id) if r[m] else "" for m in metrics] for r in orgs],
    )
