"""`on the seventh consecutive day of work in a week` on both surfaces (docs/language.md, "Consecutive
days of work"): what it parses to, that the twins are one law, the canonical layout, the warnings that
take the condition into account, and the exact message for each misuse."""

from __future__ import annotations

import pytest

from lawdsl.ast import ConsecutiveDay, EarningRule, Period
from lawdsl.check.lint import lint
from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import format_source
from lawdsl.load import load_text
from tests.conftest import statute_text

CALIFORNIA = statute_text("california-overtime.law")
SMALL = """statute "Seventh Day Act"
  governs working time
  version 1
  effective 2026-01-01
  currency USD.

parties:
  "employer" is a firm.
  "employee" is a worker.
  "time clock" is a device.

terms:
  "day's work" is 8 hours.

article 1 "Pay":
  each hour worked earns 100% of the hourly wage.
  the employer pays the employee at each clock-out.

article 2 "Seventh day":
  on the seventh consecutive day of work in a week, each hour worked earns 135% of the hourly wage.
"""
SMALL_ZH = """法规《第七日法》
  规范 工作时间
  第 1 版
  自 2026-01-01 起施行
  货币 USD。

当事人：
  「用人单位」是企业。
  「劳动者」是职工。
  「考勤机」是设备。

术语：
  「日工作时间」为 8 小时。

第 1 条「工资」：
  每小时工作按小时工资的 100% 计发。
  用人单位在每次下班打卡时向劳动者支付。

第 2 条「第七日」：
  一周内连续工作的第七日，每小时工作按小时工资的 135% 计发。
"""
SEVENTH = "on the seventh consecutive day of work in a week, each hour worked earns 135% of the hourly wage."
SEVENTH_ZH = "一周内连续工作的第七日，每小时工作按小时工资的 135% 计发。"
LINE = SMALL.splitlines().index("  " + SEVENTH) + 1  # the rule's line, in both statutes


def errors(text: str, name: str = "bad.law") -> list[str]:
    with pytest.raises(StatuteError) as caught:
        load_text(text, name)
    return [line for line in caught.value.render().splitlines() if ": error: " in line]


def earning_rules(text: str, name: str, article: str) -> list[EarningRule]:
    statute = load_text(text, name)
    return [r for a in statute.articles if a.id == article for r in a.rules if isinstance(r, EarningRule)]


def test_californias_seventh_day_reads_as_two_rules_on_the_seventh_day():
    first, beyond = earning_rules(CALIFORNIA, "ca.law", "510.4")
    assert first.consecutive_day == beyond.consecutive_day == ConsecutiveDay(7, Period.WEEK)
    assert first.beyond is None and first.day_kind is None
    assert beyond.beyond is not None and beyond.beyond.key == "day's work"


def test_the_chinese_twin_reads_the_same_rule():
    def read(rules: list[EarningRule]) -> list[tuple[object, ...]]:
        return [(r.consecutive_day, r.day_kind, r.period, r.rate) for r in rules]  # names differ by surface

    english = read(earning_rules(SMALL, "s.law", "2"))
    chinese = read(earning_rules(SMALL_ZH, "s.zh.law", "2"))
    assert english == chinese
    assert english[-1][0] == ConsecutiveDay(7, Period.WEEK)


def test_the_formatter_writes_the_canonical_sentence_on_both_surfaces():
    assert format_source(CALIFORNIA, "ca.law") == CALIFORNIA
    untidy = CALIFORNIA.replace(
        "on the seventh consecutive day of work in a week, each hour worked earns 150%",
        "on   the Seventh consecutive days of work in a week each hour worked earns 150%",
    )
    assert format_source(untidy, "ca.law") == CALIFORNIA
    chinese = SMALL_ZH
    assert SEVENTH_ZH in format_source(chinese, "j.zh.law")


def test_every_day_from_the_second_to_the_seventh_may_be_named():
    for nth, word in enumerate(("second", "third", "fourth", "fifth", "sixth"), start=2):
        (*_, rule) = earning_rules(SMALL.replace(SEVENTH, SEVENTH.replace("seventh", word)), "s.law", "2")
        assert rule.consecutive_day == ConsecutiveDay(nth, Period.WEEK)


def test_an_eighth_day_does_not_exist_in_a_week():
    text = SMALL.replace(SEVENTH, SEVENTH.replace("seventh", "eighth"))
    assert errors(text) == [
        f"bad.law:{LINE}:3: error: a week has 7 days: there is no eighth consecutive day of work in a week "
        "(the last is the seventh)"
    ]
    chinese = SMALL_ZH.replace(SEVENTH_ZH, SEVENTH_ZH.replace("第七日", "第八日"))
    assert errors(chinese, "bad.zh.law") == [
        f"bad.zh.law:{LINE}:3: error: 一周只有 7 日：一周内没有连续工作的第八日（最多为第七日）"
    ]


def test_the_first_day_is_no_run():
    assert errors(SMALL.replace(SEVENTH, SEVENTH.replace("seventh", "first"))) == [
        f"bad.law:{LINE}:3: error: 'the first consecutive day of work' is no run of days: a run begins with its "
        "second day (write the rule without the condition to cover every day of work)"
    ]


def test_consecutive_days_are_counted_in_a_week():
    assert errors(SMALL.replace(SEVENTH, SEVENTH.replace("in a week", "in a month"))) == [
        f"bad.law:{LINE}:3: error: consecutive days of work are counted in a week: write 'in a week', like 'on the "
        "seventh consecutive day of work in a week,'"
    ]
    chinese = SMALL_ZH.replace(SEVENTH_ZH, SEVENTH_ZH.replace("一周内", "一月内"))
    assert errors(chinese, "bad.zh.law") == [
        f"bad.zh.law:{LINE}:3: error: 连续工作的天数按周计算：请写“一周内”，例如“一周内连续工作的第七日，”"
    ]


def test_an_ordinal_in_digits_says_what_was_expected():
    text = SMALL.replace(SEVENTH, SEVENTH.replace("seventh", "7th"))
    (message,) = errors(text)
    assert "expected" in message and "an ordinal (like 'seventh')" in message


def test_a_rule_on_the_seventh_day_does_not_hide_the_rules_of_other_days():
    # 150% on the seventh day outbids 100% there, but not on the other six: no warning.
    assert lint(load_text(CALIFORNIA, "ca.law")) == []


def test_a_rule_on_the_seventh_day_that_an_earlier_rule_always_outbids_is_reported():
    text = SMALL.replace(SEVENTH, SEVENTH.replace("135%", "100%"))
    (warning,) = lint(load_text(text, "s.law"))
    assert warning.span.line == LINE
    assert warning.message.startswith("this rule never pays: article 1 ('each hour worked earns 100% of the hourly")


def test_a_statute_with_runs_of_days_holds_fewer_sentences():
    # California's 6 earning sentences and a seventh: one more than such a contract holds.
    added = len(CALIFORNIA.splitlines()) + 3  # the line of the first sentence added below
    text = (
        CALIFORNIA
        + '\narticle 511 "More":\n  each hour worked beyond 50 hours in a week earns 175% of the hourly wage.\n'
    )
    assert errors(text) == [
        f"bad.law:{added}:3: error: a working time statute with a rule on consecutive days of work can have at most 6 "
        "earning sentences (its contract must stay within 24,576 bytes); this is one more"
    ]
    # In America/Los_Angeles, whose clocks change: one sentence fewer together than at a fixed offset.
    text = CALIFORNIA + '\narticle 511 "Limit":\n  hours worked beyond 60 hours in a week are a violation.\n'
    assert errors(text) == [
        f"bad.law:{added}:3: error: a working time statute with a rule on consecutive days of work can have at most 6 "
        "earning and limit sentences (its contract must stay within 24,576 bytes); this is one more"
    ]
