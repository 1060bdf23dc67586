"""Gas per working-time operation, measured on a real chain (`scripts/bench.py` prints it).

Figures are for steady state: every employee has worked one day before the
measured one, so storage slots are already in use, as they are for a firm's
devices on any day but the first.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from compiler.artifacts import Artifact, compile_statutes
from lawdsl.ast import Statute
from lawdsl.events import Deposit, Employ, Event, Punch, RegisterDevice
from lawdsl.money import Money
from lawdsl.scenario import Scenario

from .chain import Chain
from .drivers.working_time import WorkingTimeDriver
from .runner import deploy

DEVICE = "bench-gate"
EMPLOYER = "bench-firm"


def _day(statute: Statute, date: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(hour), statute.header.time_zone.tzinfo)


def working_time_gas(statute: Statute, chain: Chain, artifacts: dict[str, Artifact] | None = None,
                     batch_size: int = 100) -> dict[str, float]:
    """Gas of a clock-in, of a paying clock-out, and per punch in a batch of `batch_size`.

    `statute` must pay overtime on a weekday shift of 11 hours (as the example
    statute does), so the measured clock-out makes a payment. Runs on the
    chain as it is; take a snapshot around it to leave no trace.
    """
    if artifacts is None:
        artifacts = compile_statutes([statute])
    header = statute.header
    first = header.effective + dt.timedelta(days=(7 - header.effective.weekday()) % 7 + 14)  # a Monday
    workers = [f"bench-worker-{i}" for i in range(batch_size // 2)]
    start = _day(statute, first, 0)
    setup: list[Event] = [Employ(i, start, EMPLOYER, w, Money(header.currency, 4000)) for i, w in enumerate(workers)]
    setup += [RegisterDevice(len(setup), start, DEVICE, EMPLOYER),
              Deposit(len(setup) + 1, start, EMPLOYER, Money(header.currency, 10**12))]
    scenario = Scenario(Path("bench"), statute, {EMPLOYER: Money(header.currency, 10**12)}, tuple(setup))
    driver = deploy(scenario, chain, artifacts).driver
    assert isinstance(driver, WorkingTimeDriver)
    for event in setup:
        chain.set_next_time(event.at)
        driver.apply(event)

    def batch(date: dt.date, who: list[str]) -> int:
        punches = [Punch(0, _day(statute, date, hour), DEVICE, w, kind)
                   for w in who for hour, kind in ((9, "in"), (20, "out"))]
        chain.set_next_time(_day(statute, date, 21))
        receipt = driver.punch(punches)
        assert receipt is not None
        return receipt.gas_used

    for i in range(0, len(workers), 10):  # day one, in small batches: every slot written once
        batch(first, workers[i:i + 10])
    second = first + dt.timedelta(days=1)
    chain.set_next_time(_day(statute, second, 9))
    clock_in = driver.punch([Punch(0, _day(statute, second, 9), DEVICE, workers[0], "in")])
    chain.set_next_time(_day(statute, second, 20))
    clock_out = driver.punch([Punch(0, _day(statute, second, 20), DEVICE, workers[0], "out")])
    assert clock_in is not None and clock_out is not None
    whole = batch(second + dt.timedelta(days=1), workers)
    return {"clock-in (one-punch batch)": clock_in.gas_used,
            "paying clock-out (one-punch batch)": clock_out.gas_used,
            f"punch in a batch of {2 * len(workers)} (amortized)": whole / (2 * len(workers))}


def print_gas_figures(figures: dict[str, float]) -> None:
    width = max(map(len, figures))
    for name, gas in figures.items():
        print(f"{name:<{width}}  {gas:>10,.0f} gas")
