"""Compliance counts without a database, with the rule set read from its data file."""

from __future__ import annotations

from datetime import date

from app.briefings.compliance import (
    Fact,
    State,
    months,
    quarters,
    rule_set,
    schedule,
    table,
    warnings,
)
from app.briefings.models import BriefingStatus as S

TODAY = date(2027, 5, 15)


def results(facts: list[Fact], code: str) -> dict[str, tuple[int, int, int, State]]:
    out = table(schedule(), facts, 2027, TODAY)[code]
    return {r.period.label: (r.held, r.scheduled, r.required, r.state) for r in out}


def test_each_rule_set_cites_the_decree_of_its_dates() -> None:
    before, after = rule_set(on=date(2026, 6, 30)), rule_set(on=date(2026, 7, 1))
    old = next(r for r in before.rules if r.source == "law")
    new = next(r for r in after.rules if r.source == "law")
    assert "09/2017/NĐ-CP" in old.citation_vi and "Điều 5" in old.citation_vi
    assert "244/2026/NĐ-CP" in new.citation_vi and "khoản 2 Điều 6" in new.citation_vi
    assert (new.period, new.minimum) == ("quarter", 1)
    assert {r.period for r in after.rules} == {"quarter", "month", "week"}


def test_a_year_spanning_1_july_2026_counts_each_part_under_its_rule_set() -> None:
    facts = [
        Fact("regular_conference", date(2026, 5, 28), S.HELD),
        Fact("thematic_conference", date(2026, 8, 13), S.HELD),
    ]
    plan = schedule()
    assert [
        (rs.code, first, last)
        for rs, first, last in plan.parts(date(2026, 1, 1), date(2026, 12, 31))
    ] == [
        ("decree09-2017-qn", date(2026, 1, 1), date(2026, 6, 30)),
        ("decree244-2026-qn", date(2026, 7, 1), date(2026, 12, 31)),
    ]
    quarterly = table(plan, facts, 2026, date(2026, 12, 4))["law_quarterly_press_conference"]
    assert [r.period.label for r in quarterly] == ["Q1/2026", "Q2/2026", "Q3/2026", "Q4/2026"]
    assert [r.state for r in quarterly[1:3]] == [State.MET, State.MET]
    assert ["244/2026" in r.rule.citation_vi for r in quarterly] == [False, False, True, True]


def test_the_setting_picks_a_variant_never_the_law() -> None:
    legal_only = schedule("decree09-2017")  # a set's code: its variant, on every date
    assert legal_only.on(date(2026, 6, 30)).code == "decree09-2017"
    assert legal_only.on(date(2026, 7, 1)).code == "decree244-2026"
    assert [r.code for r in legal_only.on(date(2026, 7, 1)).rules] == [
        "law_quarterly_press_conference"
    ]
    assert schedule("law").on(date(2027, 1, 1)).code == "decree244-2026"
    assert schedule("").on(date(2027, 1, 1)).code == "decree244-2026-qn"


def test_legal_minimum_counts_any_press_conference_per_quarter() -> None:
    facts = [
        Fact("thematic_conference", date(2027, 2, 10), S.HELD),
        Fact("incident_conference", date(2027, 4, 3), S.CANCELLED),
        Fact("regular_conference", date(2027, 6, 24), S.ANNOUNCED),
        Fact("weekly_information", date(2027, 8, 6), S.HELD),  # not a press conference
    ]
    got = results(facts, "law_quarterly_press_conference")
    assert got["Q1/2027"] == (1, 0, 1, State.MET)
    assert got["Q2/2027"] == (0, 1, 1, State.SCHEDULED)
    assert got["Q3/2027"] == (0, 0, 1, State.AT_RISK)
    assert got["Q4/2027"][3] == State.AT_RISK


def test_plan_wants_a_regular_conference_every_month() -> None:
    facts = [
        Fact("regular_conference", date(2027, 1, 28), S.RECORD_PUBLISHED),
        Fact("regular_conference", date(2027, 3, 25), S.ANNOUNCED),  # past, never marked held
        Fact("regular_conference", date(2027, 5, 27), S.PLANNED),
        Fact("regular_conference", date(2027, 6, 24), S.CANCELLED),
    ]
    got = results(facts, "plan_monthly_press_conference")
    assert got["01/2027"][3] == State.MET
    assert got["02/2027"] == (0, 0, 1, State.MISSED)
    assert got["03/2027"][3] == State.UNCONFIRMED
    assert got["05/2027"][3] == State.SCHEDULED
    assert got["06/2027"] == (0, 0, 1, State.AT_RISK)


def test_weekly_rule_counts_weeks_of_each_month() -> None:
    # May 2027 has Mondays 3, 10, 17, 24, 31: five weeks counted in May.
    facts = [
        Fact("weekly_information", date(2027, 5, 7), S.HELD),
        Fact("weekly_information", date(2027, 5, 8), S.HELD),  # a second one in the same week
        Fact("weekly_information", date(2027, 5, 14), S.HELD),
        Fact("weekly_information", date(2027, 5, 21), S.ANNOUNCED),
        Fact("weekly_information", date(2027, 5, 28), S.PLANNED),
    ]
    held, scheduled, required, state = results(facts, "plan_weekly_information")["05/2027"]
    assert (held, scheduled, required) == (2, 2, 5)
    assert state == State.AT_RISK  # the week of 31 May has nothing


def test_periods_cover_the_year() -> None:
    assert [p.label for p in quarters(2027)] == ["Q1/2027", "Q2/2027", "Q3/2027", "Q4/2027"]
    assert months(2027)[1].end == date(2027, 2, 28) and months(2028)[1].end == date(2028, 2, 29)
    assert quarters(2027)[3].end == date(2027, 12, 31)


def test_warnings_name_the_periods_with_nothing_scheduled_soon() -> None:
    facts = [
        Fact("regular_conference", date(2027, 5, 27), S.ANNOUNCED),
        Fact("thematic_conference", date(2027, 4, 2), S.HELD),
    ]
    found = {(w.rule.code, w.period.label) for w in warnings(schedule(), facts, TODAY)}
    assert ("plan_monthly_press_conference", "06/2027") in found
    assert ("plan_monthly_press_conference", "05/2027") not in found
    assert not any(
        code == "law_quarterly_press_conference" and label == "Q2/2027" for code, label in found
    )
