"""The language benchmarks' code runs, on small sizes, and measures what it says it measures.

No speed is asserted here (docs/benchmarks.md holds the figures, `scripts/bench.py` makes them):
these tests check that the generated statute is valid at every size, that it has the night-work
forms, and that a month of night shifts pays the hours the statute names, worked by hand below.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lawdsl import ast as A
from lawdsl.bench import night_month, parse_and_check, rows
from lawdsl.events import Punch, Settle
from lawdsl.load import load_text
from lawdsl.workloads import city_month, night_work_statute


@pytest.mark.parametrize("lines", [0, 200, 5000])
def test_the_night_work_statute_is_valid_and_as_long_as_asked(lines: int) -> None:
    text = night_work_statute(lines)
    assert parse_and_check(text) == 0  # no error (it would raise), no warning
    assert abs(text.count("\n") - lines) <= 20 or lines == 0
    statute = load_text(text, "night.law")
    earnings = [rule for _, rule in statute.rules(A.EarningRule)]
    assert len(earnings) == 8 and len(list(statute.rules(A.LimitRule))) == 4  # the contract's bounds
    assert sum(rule.window is not None for rule in earnings) == 3
    assert any(rule.not_counting_overtime for rule in earnings)


def test_a_month_of_night_shifts_pays_the_night_and_the_weeks_overtime() -> None:
    """Worker w0 (¥3,000 an hour) works 14:00–23:30, Monday to Saturday, 26 days of March 2026:
    247 hours. Daily overtime: 1.5 h × 26 = 39 h; weekly, beyond 40 h of the 48 h not paid as daily
    overtime: 8 h in each of the 4 whole weeks = 32 h. Article 1 pays the other 176 h at 100%
    (¥528,000); late night (22:00–23:30) 39 h × 25% (¥29,250); evening (19:00–22:00) 78 h × 5%
    (¥11,700); daily overtime 39 h × 125% (¥146,250); weekly 32 h × 125% (¥120,000)."""
    punches, run = night_month(2)
    assert len(punches) == 2 * 2 * 26
    outcome = run()
    paid = {p.article: p.amount.minor for p in outcome.payments if p.recipient == "w0"}
    assert paid == {"1": 528_000, "2": 29_250, "4": 11_700, "5": 146_250, "6": 120_000}
    assert [v.article for v in outcome.violations if v.employee == "w0"] == ["9"]  # 71 h of overtime > 45


def test_city_month_keeps_its_default_pattern() -> None:
    events, minted = city_month(3, workdays=2)
    punches = [e for e in events if isinstance(e, Punch)]
    assert [(p.at.time(), p.kind) for p in punches[:6:3]] == [(dt.time(9), "in"), (dt.time(19, 30), "out")]
    assert not any(isinstance(e, Settle) for e in events) and set(minted) == {"acme"}


def test_the_benchmark_rows_name_their_targets() -> None:
    measured = rows(lines=100, employees=2, runs=1)
    assert [target for _, _, target in measured] == [0.5, 10.0]
    assert all(seconds > 0 for _, seconds, _ in measured)
    assert "(104 punches, 10 payments)" in measured[1][0]
