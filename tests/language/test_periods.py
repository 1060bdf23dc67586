"""Years, half months and counts of overtime hours on both surfaces (docs/language.md, "Hours of
overtime", "Years and half months"): what they parse to, the twins, the formatter, and the messages
for their misuse."""

from __future__ import annotations

import pytest

from lawdsl.ast import DayKind, EarningRule, LimitRule, PaySchedule, Period, WagePaymentRule
from lawdsl.check.lint import lint
from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import format_source
from lawdsl.load import load_text
from tests.conftest import statute_text

JAPAN = statute_text("japan-working-hours.law")
JAPAN_ZH = statute_text("japan-working-hours.zh.law")
CALIFORNIA = statute_text("california-overtime.law")
PROVISO = "on a workday, each hour of overtime beyond the higher premium threshold in a\n    month earns"


def error(text: str) -> str:
    with pytest.raises(StatuteError) as caught:
        load_text(text, "bad.law")
    return caught.value.render().splitlines()[0]


def test_the_proviso_counts_overtime_of_workdays_in_a_month():
    statute = load_text(JAPAN, "j.law")
    proviso = [r for _, r in statute.rules(EarningRule) if r.counts_overtime]
    assert len(proviso) == 1
    assert proviso[0].period is Period.MONTH and proviso[0].day_kind is DayKind.WORKDAY
    assert not proviso[0].not_counting_overtime and not proviso[0].additional


def test_the_year_limit_and_its_chinese_twin():
    english, chinese = load_text(JAPAN, "j.law"), load_text(JAPAN_ZH, "j.zh.law")
    limits = [(r.measure, r.period, r.day_kind) for _, r in english.rules(LimitRule)]
    assert limits[-1][1:] == (Period.YEAR, DayKind.WORKDAY)
    assert limits == [(r.measure, r.period, r.day_kind) for _, r in chinese.rules(LimitRule)]
    earning = [
        (r.counts_overtime, r.period, r.day_kind, r.not_counting_overtime) for _, r in english.rules(EarningRule)
    ]
    assert earning == [
        (r.counts_overtime, r.period, r.day_kind, r.not_counting_overtime) for _, r in chinese.rules(EarningRule)
    ]


def test_half_month_pay_on_both_surfaces():
    (_, pay) = load_text(CALIFORNIA, "ca.law").rule(WagePaymentRule) or (None, None)
    assert pay is not None and pay.schedule is PaySchedule.HALF_MONTH
    chinese = JAPAN_ZH.replace("在每月结束时向劳动者支付", "在每半月结束时向劳动者支付")
    (_, zh_pay) = load_text(chinese, "j.zh.law").rule(WagePaymentRule) or (None, None)
    assert zh_pay is not None and zh_pay.schedule is PaySchedule.HALF_MONTH


@pytest.mark.parametrize("text", [JAPAN, JAPAN_ZH, CALIFORNIA])
def test_the_formatter_keeps_the_new_sentences(text):
    name = "j.zh.law" if "法规" in text else "j.law"
    assert format_source(text, name) == text


def test_the_formatter_writes_the_sentences_as_the_reference_does():
    squeezed = JAPAN.replace(
        PROVISO, "on a workday each hour of overtime beyond the higher premium threshold in a month earns"
    )
    assert format_source(squeezed, "j.law") == JAPAN


def test_wages_are_not_paid_once_a_year():
    text = CALIFORNIA.replace("at the end of each half month.", "at the end of each year.")
    assert error(text) == (
        "bad.law:41:41: error: wages are paid at each clock-out or at the end of each week, half month or month, "
        "not once a year (a year is a period for counts and limits)"
    )


def test_hours_worked_are_not_counted_for_pay_in_a_year():
    text = CALIFORNIA.replace("beyond the day's work earns", "beyond the day's work in a year earns")
    assert error(text) == (
        "bad.law:47:3: error: hours worked are counted for pay in a day, a week or a month; in a year, count "
        "overtime ('each hour of overtime beyond 360 hours in a year') or set a limit ('hours worked beyond 2000 "
        "hours in a year are a violation.')"
    )


def test_a_count_of_overtime_leaves_nothing_out():
    text = JAPAN.replace(
        PROVISO,
        "each hour of overtime beyond the higher premium threshold in a\n    month, not counting hours already paid as overtime, earns",
    )
    assert error(text) == (
        "bad.law:57:3: error: a count of overtime has no overtime to leave out: write 'each hour of overtime "
        "beyond …' or 'each hour worked beyond …, not counting hours already paid as overtime,', not both"
    )


def test_a_statute_with_counts_keeps_within_its_contract():
    text = JAPAN.replace(
        "  overtime beyond the monthly extension limit in a month is a violation.\n",
        "  overtime beyond the monthly extension limit in a month is a violation.\n"
        "  hours worked beyond 2000 hours in a year are a violation.\n",
    )
    assert error(text).endswith(
        "error: a working time statute that counts overtime or limits hours in a year can have at most 2 limit "
        "sentences (its contract must stay within 24,576 bytes); this is one more"
    )
    second = JAPAN.replace(
        "  each hour worked earns 100% of the hourly wage.\n",
        "  each hour of overtime earns 160% of the hourly wage.\n  each hour worked earns 100% of the hourly wage.\n",
    )
    assert "can have at most 1 rule counting overtime" in error(second)


def test_the_chinese_messages_speak_chinese():
    text = JAPAN_ZH.replace("在每月结束时向劳动者支付", "在每年结束时向劳动者支付")
    with pytest.raises(StatuteError) as caught:
        load_text(text, "bad.zh.law")
    assert "工资在每次下班打卡时，或在每周、每半月、每月结束时支付，不按年支付" in caught.value.render()


def test_a_count_of_overtime_does_not_outbid_the_hours_that_are_not_overtime():
    text = JAPAN.replace(PROVISO, "each hour of overtime earns")
    assert [d.message for d in lint(load_text(text, "j.law"))] == []
