"""Parsing the English surface: the examples, and statutes written to the spec but not in them."""

from __future__ import annotations

import datetime as dt

import pytest

from lawdsl import ast as A
from lawdsl.load import load_text
from lawdsl.money import Money
from tests.conftest import STATUTES, statute_text

HEADER = """statute "T" governs working time version 1 effective 2026-01-01 currency CNY.
parties: "boss" is a firm. "hand" is a worker. "clock" is a device.
"""


@pytest.mark.parametrize("name", sorted(p.name for p in STATUTES.glob("*.law") if ".zh." not in p.name))
def test_every_project_statute_checks(name: str) -> None:
    statute = load_text(statute_text(name), name)
    assert statute.articles


def test_overtime_example_reads_as_the_legislator_wrote_it() -> None:
    statute = load_text(statute_text("overtime.law"), "overtime.law")
    assert statute.header.time_zone == A.TimeZone(480)
    assert [a.id for a in statute.articles] == ["44.1", "44.2", "44.3", "41", "50"]
    article, rule = statute.rule(A.EarningRule)
    assert article.id == "44.1"
    assert rule.day_kind is A.DayKind.WORKDAY
    assert statute.value(rule.beyond) == A.Duration(480, "hour")
    assert statute.value(rule.rate) == A.Percentage(1_500_000)
    assert statute.rest_days == {5, 6}
    assert dt.date(2026, 10, 3) in statute.public_holidays


def test_names_may_contain_keywords_and_the_longest_name_wins() -> None:
    text = (
        HEADER.replace('"clock" is a device.', '"time clock" is a device.')
        + """
terms:
  "day" is 8 hours.
  "day of rest pay" is 200%.
  "overtime in a week" is 40 hours.
article 1 "Pay":
  each hour worked beyond overtime in a week in a week earns the day of rest pay of the hourly wage.
  each hour worked beyond the day earns 150% of the hourly wage.
  THE Boss PAYS hand AT EACH CLOCK-OUT.
"""
    )
    statute = load_text(text, "t.law")
    first, second = statute.articles[0].rules[:2]
    assert statute.value(first.beyond) == A.Duration(2400, "hour")
    assert first.period is A.Period.WEEK
    assert statute.value(first.rate) == A.Percentage(2_000_000)
    assert statute.value(second.beyond) == A.Duration(480, "hour")
    assert statute.parties[2].name == "time clock"


def test_fillers_may_be_left_out_or_added_anywhere() -> None:
    with_fillers = (
        HEADER
        + 'article 1 "Pay": on a workday, each hour worked beyond 8 hours in a day earns 150% of the hourly wage. the boss pays the hand at the end of each week.'
    )
    without = (
        HEADER
        + 'article 1 "Pay": on workday, each hour worked beyond 8 hours in day earns 150% of hourly wage. boss pays hand at end of each week.'
    )
    assert load_text(with_fillers, "a.law") == load_text(without, "b.law")


def test_literals_are_exact() -> None:
    text = (
        HEADER
        + """terms:
  "rate" is 0.0125%.
  "short" is 90 minutes.
  "long" is 1.5 hours.
  "pay" is CNY 25.5.
article 1 "Pay": each hour worked beyond the long earns the rate of the hourly wage.
  boss pays hand at each clock-out."""
    )
    statute = load_text(text, "t.law")
    values = {t.name: t.value for t in statute.terms}
    assert values["rate"] == A.Percentage(125)
    assert values["short"].minutes == values["long"].minutes == 90
    assert values["pay"] == Money("CNY", 2550)


def test_vouchers_and_procurement_forms() -> None:
    vouchers = load_text(statute_text("meal-vouchers.law"), "v.law")
    assert vouchers.rule(A.TransferRule)[1].transferable is True
    assert vouchers.rule(A.SplitRule) is None
    assert vouchers.header.time_zone == A.TimeZone(0)
    tender = load_text(statute_text("laptop-tender.law"), "p.law")
    purchase = tender.rule(A.PurchaseRule)[1]
    assert (purchase.good, purchase.unit, purchase.per_unit) == ("laptops", "units", "unit")
    assert tender.rule(A.ForfeitRule) is None


def test_comments_are_ignored_everywhere() -> None:
    plain = load_text(statute_text("overtime.law"), "a.law")
    commented = statute_text("overtime.law").replace("earns 150% of the", "earns 150% # the rate\n of the")
    assert load_text(commented, "b.law") == plain
