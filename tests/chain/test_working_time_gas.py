"""The gas measurement runs, and batching changes nothing but gas.

No gas figure is asserted here: figures move with the compiler and the node
(`scripts/bench.py` prints them, docs/chain-interfaces.md records them).
These tests check that `chain.bench.working_time_gas` runs, and that a batch
of 100 punches has exactly the outcome of the same punches sent one per
batch, which is the interpreter's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chain.bench import night_gas, working_time_gas
from chain.domains.working_time import WorkingTimeDriver
from chain.runner import deploy, run_on_chain
from lawdsl.events import Deposit, Employ, Event, Punch, RegisterDevice
from lawdsl.interpret import interpret
from lawdsl.money import Money
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario

pytestmark = pytest.mark.chain
TITLE = "Working Hours and Overtime Pay Act"
WORKERS = 49  # 49 shifts (98 punches), a duplicate punch and a stranger's punch: 100 punches


def test_gas_measurement_runs(chain, statutes, artifacts):
    figures = working_time_gas(statutes[TITLE], chain, artifacts, batch_size=10)
    assert set(figures) == {
        "clock-in (one-punch batch)",
        "paying clock-out (one-punch batch)",
        "punch in a batch of 10 (amortized)",
    }
    assert all(gas > 0 for gas in figures.values())


def test_night_gas_measurement_runs(chain, statutes, artifacts):
    """Issue #18's figure: shifts from 14:00 to 23:00 under the Japan statute (a late-night premium
    from 22:00, weekly overtime without pyramiding), measured in a batch of 10 here."""
    japan = next(s for s in statutes.values() if s.language == "en" and "(Japan)" in s.header.title)
    figures = night_gas({"Japan LSA": japan}, chain, artifacts, batch_size=10)
    assert list(figures) == ["punch in a batch of 10, Japan LSA (amortized)"]
    assert figures["punch in a batch of 10, Japan LSA (amortized)"] > 0


def _scenario(statute) -> Scenario:
    """49 employees of one firm work one Tuesday, 8 to 13 hours (overtime, some of it beyond the
    daily limit); the deposit covers only part of the overtime, so later payments become arrears."""
    tz = statute.header.time_zone.tzinfo
    start = dt.datetime(2026, 3, 2, tzinfo=tz)  # a Monday
    cny = lambda minor: Money("CNY", minor)  # noqa: E731
    workers = [f"worker-{i}" for i in range(WORKERS)]
    setup: list[Event] = [Employ(i, start, "acme", w, cny(3000 + 10 * i)) for i, w in enumerate(workers)]
    setup += [RegisterDevice(len(setup), start, "gate-1", "acme"), Deposit(len(setup) + 1, start, "acme", cny(60_000))]
    day = dt.datetime(2026, 3, 3, 8, tzinfo=tz)
    punches = [(day + dt.timedelta(minutes=i), "gate-1", w, "in") for i, w in enumerate(workers)]
    punches += [
        (day + dt.timedelta(minutes=i, hours=8, seconds=7 * 60 * i + i), "gate-1", w, "out")
        for i, w in enumerate(workers)
    ]
    punches.sort(key=lambda p: p[0])
    punches.insert(WORKERS + 3, punches[WORKERS + 2])  # a device sending a clock-out twice
    punches.insert(10, (punches[9][0], "gate-1", "stranger", "in"))  # someone not employed
    events = setup + [Punch(len(setup) + i, at, device, who, kind) for i, (at, device, who, kind) in enumerate(punches)]
    return Scenario(Path("batch.yaml"), statute, {"acme": cny(1_000_000)}, tuple(events))


def test_a_batch_of_100_pays_as_100_single_batches(chain, statutes, artifacts):
    scenario = _scenario(statutes[TITLE])
    punches = [e for e in scenario.events if isinstance(e, Punch)]
    assert len(punches) == 100
    before = chain.snapshot()
    singles = run_on_chain(scenario, chain, artifacts)  # the runner sends one punch per batch
    chain.revert(before)

    deployment = deploy(scenario, chain, artifacts)
    driver = deployment.driver
    assert isinstance(driver, WorkingTimeDriver)
    for event in scenario.events:
        if not isinstance(event, Punch):
            chain.set_next_time(event.at)
            driver.apply(event)
    chain.set_next_time(punches[-1].at)
    assert driver.punch(punches) is not None
    header = scenario.statute.header
    batched = Outcome(header.title, header.version)
    driver.collect(batched)
    batched.balances = {
        label: driver.money(deployment.currency.functions.balanceOf(chain.address(label)).call())
        for label in scenario.holders()
    }

    assert batched == singles == interpret(scenario)
    assert batched.payments and batched.arrears and batched.violations  # paid at once, queued, reported
    assert {r.reason for r in batched.rejected} == {"duplicate punch", "not employed"}
