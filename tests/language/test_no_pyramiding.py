"""`not counting hours already paid as overtime` on both surfaces (docs/language.md, "Counts that
leave out overtime"): what it parses to, the twins, and the message for a clause without a count."""

from __future__ import annotations

import pytest

from lawdsl.ast import EarningRule, Period
from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import format_source
from lawdsl.load import load_text
from tests.conftest import statute_text

CALIFORNIA = statute_text("california-overtime.law")
JAPAN = statute_text("japan-working-hours.law")
JAPAN_ZH = statute_text("japan-working-hours.zh.law")
WEEKLY = "each hour worked beyond the workweek limit in a week, not counting hours\n    already paid as overtime, earns"


def rules(text: str, name: str, article: str) -> list[EarningRule]:
    statute = load_text(text, name)
    return [r for a in statute.articles if a.id == article for r in a.rules if isinstance(r, EarningRule)]


def test_the_weekly_count_leaves_out_overtime():
    (weekly,) = rules(CALIFORNIA, "ca.law", "510.2")
    assert weekly.not_counting_overtime and weekly.period is Period.WEEK and not weekly.additional
    (daily,) = rules(CALIFORNIA, "ca.law", "510.1")
    assert not daily.not_counting_overtime


def test_the_chinese_twin_reads_the_same_clause():
    english = [(r.not_counting_overtime, r.period, r.day_kind) for r in rules(JAPAN, "j.law", "37.1")]
    chinese = [(r.not_counting_overtime, r.period, r.day_kind) for r in rules(JAPAN_ZH, "j.zh.law", "37.1")]
    assert english == chinese
    assert [flag for flag, _, _ in english] == [False, True, False, False]


@pytest.mark.parametrize(
    "written", ["not counting hours already paid as overtime", "not counting hour already paid as overtime"]
)
def test_the_clause_may_go_without_commas_and_the_formatter_writes_them(written):
    text = CALIFORNIA.replace(WEEKLY, f"each hour worked beyond the workweek limit in a week {written} earns")
    (weekly,) = rules(text, "ca.law", "510.2")
    assert weekly.not_counting_overtime
    assert format_source(text, "ca.law") == CALIFORNIA


def test_the_clause_without_a_count_says_where_it_belongs():
    text = CALIFORNIA.replace(WEEKLY, "each hour worked, not counting hours already paid as overtime, earns")
    with pytest.raises(StatuteError) as caught:
        load_text(text, "bad.law")
    assert caught.value.render().splitlines()[0] == (
        "bad.law:55:3: error: 'not counting hours already paid as overtime' says what a count leaves out: write "
        "it after the count, like 'beyond 40 hours in a week, not counting hours already paid as overtime,'"
    )


def test_a_misspelt_clause_names_the_sentence_form():
    text = CALIFORNIA.replace("already paid as overtime", "already paid as daily overtime")
    with pytest.raises(StatuteError) as caught:
        load_text(text, "bad.law")
    assert caught.value.render().splitlines()[0] == (
        "bad.law:56:21: error: 'daily' is out of place: expected an earning rule, like 'each hour worked beyond 8 "
        "hours earns 150% of the hourly wage.'"
    )
