"""The minimum hourly wage sentence: one reading in English and in Chinese, checked, formatted.

`the hourly wage is at least M.` / `小时工资不低于 M。` states the wage floor of a
working-time statute (docs/semantics.md): both surfaces give the same rule, the
formatter writes it back as written, and the checker holds it to money in the
statute's currency, once per statute.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lawdsl.ast import MinimumWageRule
from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import format_source
from lawdsl.interpret.working_time import minimum_hourly_wage
from lawdsl.load import load_statute, load_text

STATUTES = Path(__file__).resolve().parents[2] / "statutes"


def test_both_surfaces_read_the_same_floor() -> None:
    english = load_statute(STATUTES / "part-time-wages.law")
    chinese = load_statute(STATUTES / "part-time-wages.zh.law")
    floors = [statute.rule(MinimumWageRule) for statute in (english, chinese)]
    assert all(found is not None for found in floors)
    assert minimum_hourly_wage(english) == minimum_hourly_wage(chinese) == 2400


@pytest.mark.parametrize("name", ["part-time-wages.law", "part-time-wages.zh.law"])
def test_the_formatter_writes_the_sentence_back_unchanged(name: str) -> None:
    text = (STATUTES / name).read_text("utf-8")
    assert format_source(text, name) == text


def _with_floor(sentence: str) -> str:
    text = (STATUTES / "part-time-wages.law").read_text("utf-8")
    return text.replace("  the hourly wage is at least the minimum hourly wage.\n", sentence)


def test_a_literal_floor_and_no_floor() -> None:
    literal = load_text(_with_floor("  the hourly wage is at least CNY 25.50.\n"))
    assert minimum_hourly_wage(literal) == 2550
    # Without the sentence there is no floor (the article keeps only its wording).
    text = (STATUTES / "part-time-wages.law").read_text("utf-8")
    article = text[text.index("article 72.1") : text.index("article 72.2")]
    assert minimum_hourly_wage(load_text(text.replace(article, ""))) == 0


@pytest.mark.parametrize(
    "sentence, message",
    [
        ("  the hourly wage is at least 150%.\n", "expected money, found a percentage"),
        ("  the hourly wage is at least USD 25.00.\n", "expected CNY, found USD"),
        (
            "  the hourly wage is at least CNY 25.00.\n  the hourly wage is at least CNY 26.00.\n",
            "a second minimum wage sentence",
        ),
    ],
)
def test_the_checker_refuses_a_floor_that_is_not_one_amount_of_the_statutes_money(sentence: str, message: str) -> None:
    with pytest.raises(StatuteError) as refused:
        load_text(_with_floor(sentence))
    assert message in str(refused.value)
