"""Compile times and gas per operation of every domain, measured (`scripts/bench.py` prints them).

Gas figures are for steady state where the domain has one: every employee
has worked one day before the measured one, a merchant has been paid
before, a tender has a bid and a reveal before the measured one, so storage
slots are already in use, as they are on any day but the first. Each figure
is the statute contract's own call; the ERC-20 approvals some actions need
first (deposits, escrow, bid deposits) are not in it.
"""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any, Iterable, TypeVar
from unittest import mock

from compiler import artifacts as artifacts_module
from compiler.artifacts import Artifact, compile_statutes
from compiler.cache import cached_compile
from lawdsl.ast import (
    BiddingRule,
    DateRange,
    Duration,
    IssueRule,
    MinimumRule,
    Operand,
    PurchaseRule,
    Statute,
    WhenRule,
)
from lawdsl.events import (
    Attest,
    Award,
    Bid,
    Deliver,
    Deposit,
    Employ,
    Event,
    Issue,
    OpenTender,
    Punch,
    RegisterDevice,
    RegisterInspector,
    RegisterMerchant,
    Reveal,
    Spend,
)
from lawdsl.money import Money
from lawdsl.scenario import Scenario

from .client import Chain, Receipt
from .domains.working_time import WorkingTimeDriver
from .runner import deploy

DEVICE = "bench-gate"
EMPLOYER = "bench-firm"

R = TypeVar("R")
V = TypeVar("V")


def _rule(statute: Statute, kind: type[R]) -> R:
    """The statute's first rule of `kind`, which the measured domain requires."""
    found = statute.rule(kind)
    assert found is not None, f"bench statute has no {kind.__name__}"
    return found[1]


def _value(statute: Statute, operand: Operand, kind: type[V]) -> V:
    value = statute.value(operand)
    assert isinstance(value, kind)
    return value


def _tender_times(statute: Statute) -> tuple[Money, dt.datetime, dt.datetime, dt.datetime]:
    """A measured tender's ceiling, and when it opens (09:00 on the effective date), when its
    reveals begin (an hour after bidding closes) and when it may be awarded."""
    bidding = _rule(statute, BiddingRule)
    opening = dt.datetime.combine(statute.header.effective, dt.time(9), statute.header.time_zone.tzinfo)
    reveals = opening + dt.timedelta(minutes=_value(statute, bidding.sealed, Duration).minutes, hours=1)
    award = reveals + dt.timedelta(minutes=_value(statute, bidding.revealed, Duration).minutes)
    return _value(statute, _rule(statute, PurchaseRule).ceiling, Money), opening, reveals, award


def _day(statute: Statute, date: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(hour), statute.header.time_zone.tzinfo)


def working_time_gas(
    statute: Statute,
    chain: Chain,
    artifacts: dict[str, Artifact] | None = None,
    batch_size: int = 100,
    shift: tuple[int, int] = (9, 20),
) -> dict[str, float]:
    """Gas of a clock-in, of a paying clock-out, and per punch in a batch of `batch_size`.

    `statute` must pay overtime on a weekday shift of 11 hours (as the example
    statute does), so the measured clock-out makes a payment. Runs on the
    chain as it is; take a snapshot around it to leave no trace. `shift`: the
    local hours of each measured clock-in and clock-out (14 to 23 crosses a
    night window that begins at 22:00).
    """
    if artifacts is None:
        artifacts = compile_statutes([statute])
    header = statute.header
    first = header.effective + dt.timedelta(days=(7 - header.effective.weekday()) % 7 + 14)  # a Monday
    workers = [f"bench-worker-{i}" for i in range(batch_size // 2)]
    start = _day(statute, first, 0)
    setup: list[Event] = [Employ(i, start, EMPLOYER, w, Money(header.currency, 4000)) for i, w in enumerate(workers)]
    setup += [
        RegisterDevice(len(setup), start, DEVICE, EMPLOYER),
        Deposit(len(setup) + 1, start, EMPLOYER, Money(header.currency, 10**12)),
    ]
    scenario = Scenario(Path("bench"), statute, {EMPLOYER: Money(header.currency, 10**12)}, tuple(setup))
    driver = deploy(scenario, chain, artifacts).driver
    assert isinstance(driver, WorkingTimeDriver)
    for event in setup:
        chain.set_next_time(event.at)
        driver.apply(event)

    def batch(date: dt.date, who: list[str]) -> int:
        hours = ((shift[0], "in"), (shift[1], "out"))
        punches = [Punch(0, _day(statute, date, hour), DEVICE, w, kind) for w in who for hour, kind in hours]
        chain.set_next_time(_day(statute, date, shift[1]) + dt.timedelta(hours=1))
        receipt = driver.punch(punches)
        assert receipt is not None
        return receipt.gas_used

    for i in range(0, len(workers), 10):  # day one, in small batches: every slot written once
        batch(first, workers[i : i + 10])
    second = first + dt.timedelta(days=1)
    chain.set_next_time(_day(statute, second, shift[0]))
    clock_in = driver.punch([Punch(0, _day(statute, second, shift[0]), DEVICE, workers[0], "in")])
    chain.set_next_time(_day(statute, second, shift[1]))
    clock_out = driver.punch([Punch(0, _day(statute, second, shift[1]), DEVICE, workers[0], "out")])
    assert clock_in is not None and clock_out is not None
    whole = batch(second + dt.timedelta(days=1), workers)
    return {
        "clock-in (one-punch batch)": clock_in.gas_used,
        "paying clock-out (one-punch batch)": clock_out.gas_used,
        f"punch in a batch of {2 * len(workers)} (amortized)": whole / (2 * len(workers)),
    }


def night_gas(
    statutes: dict[str, Statute], chain: Chain, artifacts: dict[str, Artifact], batch_size: int = 100
) -> dict[str, float]:
    """Gas per punch in a batch of `batch_size` under each statute with a night premium (issue #18),
    named by its key: shifts from 14:00 to 23:00, so every clock-out counts overtime and late-night
    minutes. Leaves the chain as it found it."""
    figures = {}
    for name, statute in statutes.items():
        snapshot = chain.snapshot()
        measured = working_time_gas(statute, chain, artifacts, batch_size, shift=(14, 23))
        figures[f"punch in a batch of {batch_size}, {name} (amortized)"] = measured[
            f"punch in a batch of {batch_size} (amortized)"
        ]
        chain.revert(snapshot)
    return figures


def compile_seconds(statutes: Iterable[Statute], warm_runs: int = 5) -> tuple[float, float, float]:
    """Seconds to compile `statutes` in one call, through `compile_statutes` (generation included):
    cold (an empty cache, so solc runs), the CPU time solc's process took for it (what a busy
    machine does not inflate), and warm (from build/solc, best of `warm_runs`)."""
    statutes = list(statutes)
    with tempfile.TemporaryDirectory() as empty:
        with mock.patch.object(artifacts_module, "cached_compile", partial(cached_compile, directory=Path(empty))):
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            compile_statutes(statutes)
            cold = time.perf_counter() - began
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    compile_statutes(statutes)  # fills build/solc if it did not hold them yet
    warm = float("inf")
    for _ in range(warm_runs):
        began = time.perf_counter()
        compile_statutes(statutes)
        warm = min(warm, time.perf_counter() - began)
    return cold, cpu, warm


def _call_gas(
    scenario: Scenario, chain: Chain, artifacts: dict[str, Artifact], measured: dict[int, tuple[str, str]]
) -> dict[str, float]:
    """Deploy `scenario` and apply its events through its driver; for each event index in `measured`,
    (figure name, contract function) gives the gas of that function's call made for the event."""
    driver = deploy(scenario, chain, artifacts).driver
    calls: list[tuple[str, int]] = []
    transact = chain.transact

    def recording(label: str, call: Any) -> Receipt:  # a web3 contract function call
        receipt = transact(label, call)
        calls.append((call.fn_name, receipt.gas_used))
        return receipt

    chain.transact = recording  # type: ignore[method-assign]  # this chain only, until the end of the run
    figures: dict[str, float] = {}
    try:
        for event in scenario.events:
            calls.clear()
            chain.set_next_time(event.at)
            driver.apply(event)
            if driver.refused:
                raise AssertionError(f"bench event {event.index} refused: {driver.refused[-1].reason}")
            if event.index in measured:
                name, function = measured[event.index]
                figures[name] = next(gas for called, gas in calls if called == function)
    finally:
        del chain.transact
    return figures


def voucher_gas(statute: Statute, chain: Chain, artifacts: dict[str, Artifact]) -> dict[str, float]:
    """Gas of an issue to one recipient and of a spend of part of a voucher at a merchant paid before.

    `statute` must issue to holders of an attribute, like the example; it is
    funded, both holders attested and the merchant registered first, and one
    voucher issued and spent before the measured ones.
    """
    header = statute.header
    issue = _rule(statute, IssueRule)
    when = statute.rule(WhenRule)
    first = _value(statute, when[1].during, DateRange).first if when else header.effective
    at = dt.datetime.combine(first, dt.time(12), header.time_zone.tzinfo)
    face = _value(statute, issue.face_value, Money)
    minimum = statute.rule(MinimumRule)
    purchase = max(face.minor, _value(statute, minimum[1].amount, Money).minor if minimum else 0)
    kinds = [
        (Deposit, ("issuer", Money(header.currency, 100 * face.minor))),
        (Attest, ("attester", "alice", issue.attribute)),
        (Attest, ("attester", "bob", issue.attribute)),
        (RegisterMerchant, ("shop", "groceries")),
        (Issue, ("issuer", ("alice",))),
        (Issue, ("issuer", ("bob",))),
        (Spend, ("alice", "shop", Money(header.currency, purchase))),
        (Spend, ("bob", "shop", Money(header.currency, purchase))),
    ]
    events = tuple(kind(i, at, *fields) for i, (kind, fields) in enumerate(kinds))
    scenario = Scenario(Path("bench"), statute, {"issuer": Money(header.currency, 10**12)}, events)
    return _call_gas(
        scenario,
        chain,
        artifacts,
        {5: ("voucher issue (one recipient)", "issue"), 7: ("voucher spend (part of a voucher)", "spend")},
    )


def procurement_gas(statute: Statute, chain: Chain, artifacts: dict[str, Artifact]) -> dict[str, float]:
    """Gas of a sealed bid with its deposit, a reveal, and a partial delivery paid on inspection.

    Each is the second of its kind in one tender (1,000 units, two suppliers
    bidding just under the ceiling), so the tender's own slots are in use.
    """
    ceiling, opening, reveals, award = _tender_times(statute)
    deliveries = award + dt.timedelta(days=1)
    timed = [
        (opening, RegisterInspector, ("station", "buyer")),
        (opening, OpenTender, ("buyer", 1000)),
        (opening + dt.timedelta(hours=1), Bid, ("s1", Money(ceiling.currency, ceiling.minor - 1))),
        (opening + dt.timedelta(hours=2), Bid, ("s2", Money(ceiling.currency, ceiling.minor - 2))),
        (reveals, Reveal, ("s1",)),
        (reveals, Reveal, ("s2",)),
        (award, Award, ()),
        (deliveries, Deliver, ("s2", 300, "station")),
        (deliveries, Deliver, ("s2", 300, "station")),
        (deliveries, Deliver, ("s2", 400, "station")),
    ]
    events = tuple(kind(i, at, *fields) for i, (at, kind, fields) in enumerate(timed))
    balances = {label: Money(ceiling.currency, 10**12) for label in ("buyer", "s1", "s2")}
    scenario = Scenario(Path("bench"), statute, balances, events)
    return _call_gas(
        scenario,
        chain,
        artifacts,
        {
            3: ("bid (sealed, with its deposit)", "commitBid"),
            5: ("reveal", "revealBid"),
            8: ("delivery (partial, paid on inspection)", "inspectDelivery"),
        },
    )


def award_gas(
    statute: Statute, chain: Chain, artifacts: dict[str, Artifact], bid_counts: Iterable[int] = (1, 10, 100, 200)
) -> dict[str, float]:
    """Gas of `award` against the number of revealed bids: the winner is tracked during the reveals,
    so the award only refunds losing deposits, at most `SETTLE_PAGE` (64) of them; `settleBids` pages
    the rest (each page bounded the same way)."""
    ceiling, opening, reveals, award = _tender_times(statute)
    figures: dict[str, float] = {}
    for count in bid_counts:
        suppliers = [f"s{n}" for n in range(count)]
        timed: list[tuple[dt.datetime, type, tuple[Any, ...]]] = [(opening, OpenTender, ("buyer", 1000))]
        timed += [
            (opening + dt.timedelta(hours=1), Bid, (s, Money(ceiling.currency, ceiling.minor - n % 50)))
            for n, s in enumerate(suppliers)
        ]
        timed += [(reveals, Reveal, (s,)) for s in suppliers]
        timed.append((award, Award, ()))
        events = tuple(kind(i, at, *fields) for i, (at, kind, fields) in enumerate(timed))
        balances = {label: Money(ceiling.currency, 10**12) for label in ("buyer", *suppliers)}
        snapshot = chain.snapshot()
        figures.update(
            _call_gas(
                Scenario(Path("bench"), statute, balances, events),
                chain,
                artifacts,
                {len(events) - 1: (f"award, {count} revealed bid{'s' if count > 1 else ''}", "award")},
            )
        )
        chain.revert(snapshot)
    return figures
