"""The night-work sentences on both surfaces (docs/language.md, "Premiums and time-of-day windows"):
what they parse to, that the twins are one law, and the exact message for each misuse."""

from __future__ import annotations

import pytest

from lawdsl.ast import EarningRule, Window
from lawdsl.check.lint import lint
from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import format_source
from lawdsl.load import load_text
from tests.conftest import statute_text

JAPAN = statute_text("japan-working-hours.law")
JAPAN_ZH = statute_text("japan-working-hours.zh.law")
NIGHT = "each hour worked between 22:00 and 05:00 earns an additional 25% of the hourly\n    wage."
NIGHT_ZH = "22:00 至 05:00 之间的每小时工作，按小时工资的 25% 另行加发。"


def errors(text: str, name: str = "bad.law") -> list[str]:
    with pytest.raises(StatuteError) as caught:
        load_text(text, name)
    return [line for line in caught.value.render().splitlines() if ": error: " in line]


def night_rule(text: str, name: str) -> EarningRule:
    statute = load_text(text, name)
    (rule,) = [r for a in statute.articles if a.id == "37.4" for r in a.rules]
    assert isinstance(rule, EarningRule)
    return rule


def test_the_night_sentence_is_a_premium_with_a_window_crossing_midnight():
    rule = night_rule(JAPAN, "japan.law")
    assert rule.additional and rule.window == Window(22 * 60, 5 * 60)
    assert rule.beyond is None and rule.day_kind is None


def test_the_chinese_twin_reads_the_same_rule():
    assert night_rule(JAPAN, "japan.law") == night_rule(JAPAN_ZH, "japan.zh.law")


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "on a rest day, each hour worked between 22:00 and 05:00 beyond 2 hours in a week earns an additional 30%"
            " of the hourly wage unless compensatory time off is granted.",
            "休息日内，22:00 至 05:00 之间的、一周内超出 2 小时的每小时工作，按小时工资的 30% 另行加发，已安排补休的除外。",
        ),
        (
            "each hour worked beyond 40 hours in a week earns an additional 25% of the hourly wage.",
            "一周内超出 40 小时的每小时工作，按小时工资的 25% 另行加发。",
        ),
        (
            "each hour worked between 00:00 and 06:30 earns an additional 10% of the hourly wage.",
            "00:00 至 06:30 之间的每小时工作，按小时工资的 10% 加发。",
        ),
    ],
)
def test_every_combination_reads_the_same_on_both_surfaces(english, chinese):
    en = night_rule(JAPAN.replace(NIGHT, english), "japan.law")
    assert en == night_rule(JAPAN_ZH.replace(NIGHT_ZH, chinese), "japan.zh.law")
    assert en.additional
    assert format_source(JAPAN.replace(NIGHT, english), "japan.law") == format_source(
        format_source(JAPAN.replace(NIGHT, english), "japan.law"), "japan.law"
    )


def test_the_formatter_writes_the_canonical_night_sentence():
    assert format_source(JAPAN, "japan.law") == JAPAN
    assert format_source(JAPAN_ZH, "japan.zh.law") == JAPAN_ZH


def test_a_premium_beside_a_100_percent_rule_is_no_warning():
    assert lint(load_text(JAPAN, "japan.law")) == []


# ---------------------------------------------------------------- misuse, with the exact message


def test_a_window_without_additional_says_how_to_write_a_premium():
    text = JAPAN.replace("earns an additional 25%", "earns 25%")
    assert errors(text) == [
        "bad.law:64:20: error: a time-of-day window marks a premium added to the rate in force: write 'earns an "
        "additional 25% of the hourly wage' (rates without 'additional' never stack: the highest wins)"
    ]


def test_a_window_without_additional_in_chinese():
    text = JAPAN_ZH.replace("另行加发", "计发")
    assert errors(text, "bad.zh.law") == [
        "bad.zh.law:51:3: error: 时段规定的是在适用费率之上另行加发的部分：请写作“按小时工资的 25% 另行加发”"
        "（未写“另行加发”的费率不叠加，取最高者）"
    ]


def test_a_time_that_does_not_exist():
    assert errors(JAPAN.replace("and 05:00", "and 24:00")) == [
        "bad.law:64:38: error: '24:00' is not a time of day: hours run from 00 to 23 and minutes from 00 to 59 "
        "(midnight is 00:00)"
    ]
    assert errors(JAPAN_ZH.replace("22:00 至", "22:60 至"), "bad.zh.law") == [
        "bad.zh.law:51:3: error: 「22:60」不是一天中的时刻：小时为 00 至 23，分钟为 00 至 59（午夜写作 00:00）"
    ]


def test_an_empty_window():
    assert errors(JAPAN.replace("and 05:00", "and 22:00")) == [
        "bad.law:64:20: error: the window from 22:00 to 22:00 is empty: a window needs two different times (it may "
        "cross midnight, like 22:00 to 05:00)"
    ]


def test_a_window_after_the_rate_is_out_of_order():
    text = JAPAN.replace(NIGHT, "each hour worked earns an additional 25% of the hourly wage between 22:00 and 05:00.")
    assert errors(text) == [
        "bad.law:64:63: error: 'between' is out of place: expected an earning rule, like 'each hour worked beyond "
        "8 hours earns 150% of the hourly wage.'"
    ]


def test_a_statute_with_a_window_has_at_most_four_limit_sentences():
    limits = "\n".join(f"  hours worked beyond {h} hours in a day are a violation." for h in range(10, 15))
    # Without the counts of overtime and the year, whose own bound (2 limit sentences) is tighter.
    without_counts = JAPAN.replace(
        "  on a workday, each hour of overtime beyond the higher premium threshold in a\n    month earns 150% of the "
        "hourly wage.\n",
        "",
    ).replace("  on a workday, overtime beyond the annual extension limit in a year is a\n    violation.\n", "")
    text = without_counts + f'\narticle 99 "Limits":\n{limits}\n'
    assert errors(text) == [
        "bad.law:74:3: error: a working time statute with a time-of-day window or a count that leaves out overtime "
        "can have at most 4 limit sentences (its contract must stay within 24,576 bytes); this is one more"
    ]
