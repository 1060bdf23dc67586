"""Chain ≡ interpreter on runs of days of work (docs/semantics.md, "Consecutive days of work").

Two workweeks under statutes/california-overtime.law (weeks begin on Sunday; its article 510.4 pays
the seventh consecutive day of work): on each day a worker works or not, perhaps twice, perhaps a
shift under a minute (no day of work), perhaps across midnight; weekly pay. The contract keeps the
week's days of work in the worker's slot; the interpreter keeps them as dates: the outcomes agree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from chain.runner import run_on_chain
from lawdsl.events import Deposit, Employ, Event, Punch, RegisterDevice, Settle
from lawdsl.interpret import interpret
from lawdsl.load import load_statute
from lawdsl.money import Money
from lawdsl.scenario import Scenario
from tests.chain.statutes import PROJECT_STATUTES

pytestmark = pytest.mark.chain

CALIFORNIA = PROJECT_STATUTES / "california-overtime.law"
FIRST_SUNDAY = dt.date(2026, 2, 1)
#: A day's work: no shift, or shifts as (clock-in minute after 06:00, minutes, extra seconds).
SHIFT = st.tuples(st.integers(0, 16 * 60), st.sampled_from([0, 30, 240, 480, 600, 780]), st.sampled_from([0, 50]))
DAYS = st.lists(st.lists(SHIFT, max_size=2), min_size=14, max_size=14)


def _scenario(days: list[list[tuple[int, int, int]]]) -> Scenario:
    statute = load_statute(CALIFORNIA)
    tz = statute.header.time_zone.tzinfo
    start = dt.datetime.combine(FIRST_SUNDAY, dt.time(), tz)
    events: list[Event] = []

    def add(event_class: type, at: dt.datetime, **fields: object) -> None:
        events.append(event_class(len(events), at, **fields))

    add(Employ, start, employer="bakery", employee="ana", hourly_wage=Money("USD", 2000))
    add(RegisterDevice, start, device="clock", employer="bakery")
    add(Deposit, start, sender="bakery", amount=Money("USD", 2_000_000))
    last = start
    for offset, shifts in enumerate(days):
        for clock_in, minutes, seconds in sorted(shifts):
            begin = max(last, start + dt.timedelta(days=offset, hours=6, minutes=clock_in))
            end = begin + dt.timedelta(minutes=minutes, seconds=seconds)
            add(Punch, begin, device="clock", employee="ana", kind="in")
            add(Punch, end, device="clock", employee="ana", kind="out")
            last = end + dt.timedelta(minutes=1)
    add(Settle, start + dt.timedelta(days=15))
    return Scenario(Path("consecutive-days.yaml"), statute, {"bakery": Money("USD", 2_000_000)}, tuple(events))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=DAYS)
def test_chain_equals_interpreter_on_runs_of_days(days, artifacts, session_chain):
    scenario = _scenario(days)
    note("\n".join(map(repr, scenario.events)))
    snapshot = session_chain.snapshot()
    try:
        on_chain = run_on_chain(scenario, session_chain, artifacts)
    finally:
        session_chain.revert(snapshot)
    assert on_chain.to_json() == interpret(scenario).to_json()


def test_a_full_week_pays_the_seventh_day_on_chain(artifacts, session_chain):
    # Sunday to Friday 08:00-14:00 (36 straight hours, below the 40 of 510.2), Saturday 08:00-17:00:
    # the seventh day pays 8 h × 30.00 + 1 h × 40.00 = 280.00 under 510.4, on chain as in the interpreter.
    scenario = _scenario([[(120, 360, 0)]] * 6 + [[(120, 540, 0)]] + [[]] * 7)
    snapshot = session_chain.snapshot()
    try:
        on_chain = run_on_chain(scenario, session_chain, artifacts)
    finally:
        session_chain.revert(snapshot)
    assert on_chain == interpret(scenario)
    assert [p.amount for p in on_chain.payments if p.article == "510.4"] == [Money("USD", 28000)]
