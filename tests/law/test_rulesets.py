"""The rule sets: which law governs which day, and periods counted part by part."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.law import rulesets
from app.law.rulesets import NoRuleSet, parts, ruleset_on


def test_a_refusal_on_30_june_and_one_on_1_july_2026_cite_different_laws() -> None:
    before, after = ruleset_on(date(2026, 6, 30)), ruleset_on(date(2026, 7, 1))
    assert before.code == "decree09-2017" and after.code == "decree244-2026"
    assert "Điều 38 Luật Báo chí 2016" in before.refusal_grounds["a"].citation_vi
    assert "Điều 31 Luật Báo chí 2025" in after.refusal_grounds["a"].citation_vi
    assert (
        before.refusal_citation("en") == "Decree 09/2017/ND-CP Art. 8(3); Press Law 2016 Art. 38(2)"
    )
    assert (
        after.refusal_citation("en") == "Decree 244/2026/ND-CP Art. 4(3); Press Law 2025 Art. 31(2)"
    )


def test_the_2016_law_has_four_grounds_and_the_2025_law_three_without_draft_policies() -> None:
    old, new = ruleset_on(date(2020, 1, 1)), ruleset_on(date(2026, 12, 4))
    assert list(old.refusal_grounds) == ["a", "b", "c", "d"]
    assert "đang trong quá trình soạn thảo" in old.refusal_grounds["d"].label_vi
    assert "soạn thảo" not in old.refusal_grounds["c"].label_vi
    assert list(new.refusal_grounds) == ["a", "b", "c"]
    assert not any("soạn thảo" in g.label_vi for g in new.refusal_grounds.values())
    assert (
        "Đảng" in old.refusal_grounds["a"].label_vi
        and "Đảng" not in new.refusal_grounds["a"].label_vi
    )


def test_forms_sudden_matters_and_the_report_follow_each_decree() -> None:
    old, new = ruleset_on(date(2025, 1, 1)), ruleset_on(date(2026, 7, 1))
    assert len(old.forms) == 6 and len(new.forms) == 5
    assert "correction_request" in old.forms and "giao_ban" in new.forms
    assert {k: v.hours for k, v in new.sudden_kinds.items()} == {
        "art7_2": None,
        "art7_3": 24,
        "art7_4": 24,
        "art7_5": None,
        "art7_6": None,
    }
    assert new.report.period_of(2026) == (date(2025, 12, 15), date(2026, 12, 14))
    assert new.report.due(2026) == date(2026, 12, 19)  # "before 20 December"
    assert old.report.period_of(2025) == (date(2025, 1, 1), date(2025, 12, 31))
    assert new.posting_hours == 24 and old.posting_hours is None


def test_a_quarter_spanning_1_july_2026_is_cut_in_two() -> None:
    found = parts(date(2026, 6, 1), date(2026, 8, 31))
    assert [(p.ruleset.code, p.first, p.last) for p in found] == [
        ("decree09-2017", date(2026, 6, 1), date(2026, 6, 30)),
        ("decree244-2026", date(2026, 7, 1), date(2026, 8, 31)),
    ]
    assert [p.ruleset.code for p in parts(date(2026, 7, 1), date(2026, 9, 30))] == [
        "decree244-2026"
    ]


def test_a_date_before_the_first_rule_set_is_an_error_not_a_guess() -> None:
    with pytest.raises(NoRuleSet) as caught:
        ruleset_on(date(2016, 12, 31))
    assert "31/12/2016" in caught.value.message.render("en")
    with pytest.raises(NoRuleSet):
        parts(date(2017, 3, 1), date(2017, 4, 30))


def test_rule_sets_that_leave_a_gap_are_refused(tmp_path: Path) -> None:
    text = rulesets.RULESETS_FILE.read_text("utf-8").replace(
        "valid_from = 2026-07-01", "valid_from = 2026-07-02"
    )
    broken = tmp_path / "rulesets.toml"
    broken.write_text(text, "utf-8")
    with pytest.raises(ValueError, match="must end the day before"):
        rulesets.load(broken)


def test_a_successor_closes_the_last_set_and_takes_over(tmp_path: Path) -> None:
    """What the README says to do when the law changes again: close the last set, add one."""
    text = rulesets.RULESETS_FILE.read_text("utf-8")
    opening = 'code = "decree244-2026"\nvalid_from = 2026-07-01\n'
    _, _, body = text.partition(opening)  # the 2026 set's texts, grounds, kinds and report
    closed = text.replace(opening, opening + "valid_to = 2030-12-31\n")
    successor = '[[ruleset]]\ncode = "successor-2031"\nvalid_from = 2031-01-01\n' + body
    path = tmp_path / "rulesets.toml"
    path.write_text(closed + "\n" + successor, "utf-8")
    assert rulesets.ruleset_on(date(2030, 12, 31), path).code == "decree244-2026"
    assert rulesets.ruleset_on(date(2031, 1, 1), path).code == "successor-2031"


def test_the_report_for_2026_is_the_decree_244_one_and_2025_the_calendar_year() -> None:
    assert rulesets.report_ruleset(2026).code == "decree244-2026"
    assert rulesets.report_ruleset(2025).code == "decree09-2017"
    assert [f.number for f in rulesets.report_ruleset(2026).report_figures] == [1, 2, 3, 4, 5, 6]
    with pytest.raises(NoRuleSet):
        rulesets.report_ruleset(2016)
