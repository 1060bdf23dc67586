"""The gateway follows the registry: punches go to the version of the statute that governs them.

A chain started now holds version 2 of the overtime act; version 3 (workday overtime at 200%
instead of 150%, in force from 2026-03-05) is enacted while the gateway runs, after its effective
date. A shift whose clock-in already went to version 2 is closed there; later shifts go to
version 3, their punches held in the outbox until the firm has accepted its terminal there.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from web3.contract import Contract

from chain.accounts import AUTHORITY, GATEWAY, account_key
from chain.anvil import LocalAnvil
from chain.client import Chain
from chain.contract import ContractClient
from chain.migrate import plan
from chain.rpc import Rpc
from chain.runner import Deployment, deploy
from compiler.artifacts import compile_statutes
from lawdsl.amendments import Versions
from lawdsl.events import Deposit, Employ, RegisterDevice
from lawdsl.load import load_statute
from lawdsl.money import Money
from lawdsl.scenario import Scenario
from oracles.devices.records import CanonicalPunch
from oracles.journal import UNREGISTERED, signing_errors
from oracles.outbox import Outbox
from oracles.routing import Router
from oracles.submitter import Submitter

pytestmark = pytest.mark.chain

STATUTES = Path(__file__).resolve().parents[2] / "statutes"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BEIJING)


def punch(when: dt.datetime, kind: str) -> CanonicalPunch:
    return CanonicalPunch("SN-1", "gate-1", "alice", when, kind, "test")  # type: ignore[arg-type]


def test_versions_in_force_and_a_clock_out_follows_its_clock_in() -> None:
    versions = Versions([100, 200, 200, 300])
    assert [versions.in_force(t) for t in (50, 100, 199, 200, 299, 300)] == [0, 0, 0, 2, 2, 3]
    assert versions.for_punch("out", 250, clock_in=150) == 0  # the shift began under the first
    assert versions.for_punch("in", 250, clock_in=150) == 2
    assert versions.for_punch("out", 250, clock_in=None) == 2  # no open shift: by its own time
    assert Versions([300, 100]).in_force(350) == 1  # enacted later, in force from an earlier date


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Chain, Deployment]]:
    """Version 2 deployed on a chain started now: acme employs alice (CNY 40.00), gate-1 accepted."""
    with LocalAnvil(timestamp=int(time.time())) as node:
        chain = Chain(node.url)
        statute = load_statute(STATUTES / "overtime.law")
        start = dt.datetime(2026, 1, 1, tzinfo=BEIJING)
        setup = (
            Employ(0, start, "acme", "alice", Money("CNY", 4000)),
            RegisterDevice(1, start, "gate-1", "acme"),
            Deposit(2, start, "acme", Money("CNY", 100_000)),
        )
        scenario = Scenario(tmp_path / "site", statute, {"acme": Money("CNY", 200_000)}, setup)
        deployment = deploy(scenario, chain, compile_statutes([statute]))
        for event in setup:
            deployment.driver.apply(event)
        chain.fund(GATEWAY)
        yield chain, deployment


def paid(chain: Chain, contract: Contract, employee: str) -> list[int]:
    """The amounts `contract` paid `employee` at clock-outs."""
    logs = contract.events.PaidAtClockOut().get_logs(from_block=0, argument_filters={"employee": employee})
    return [log["args"]["amount"] for log in logs]


def test_a_shift_is_closed_where_it_opened_and_later_ones_go_to_the_new_version(
    site: tuple[Chain, Deployment], tmp_path: Path
) -> None:
    chain, deployment = site
    v2 = deployment.driver.contract
    assert v2 is not None
    title = deployment.driver.statute.header.title
    outbox = Outbox(tmp_path / "outbox.db")
    rpc = Rpc(chain.url)
    primary = ContractClient(rpc, v2.address, v2.abi)  # type: ignore[arg-type]
    router = Router(primary, outbox, deployment.registry.address, title, refresh=0)
    submitter = Submitter(outbox, rpc, primary, account_key(GATEWAY), router=router, hold_unsigned=0.2)
    submitter.connect()

    outbox.add(punch(at(5, 9), "in"))  # after version 3's effective date, but version 3 is not enacted yet
    submitter.drain()

    v3_statute = load_statute(STATUTES / "overtime-v3.law")
    v3 = deploy(
        Scenario(tmp_path / "v3", v3_statute, {}, ()),
        chain,
        compile_statutes([v3_statute]),
        (deployment.currency, deployment.registry, deployment.authority),
    ).driver.contract
    assert v3 is not None
    carried = plan(v2, v3)
    assert [c.function for c in carried.carries] == ["registerEmployment", "registerDevice"]
    for carry in carried.carries:
        chain.transact(AUTHORITY, carry.call(v3))
    assert plan(v2, v3).carries == ()  # a second migration registers nothing

    outbox.add(punch(at(5, 19), "out"))  # closes the shift version 2 holds
    outbox.add(punch(at(6, 9), "in"))  # version 3's, held: gate-1 is offered there, not yet accepted
    outbox.add(punch(at(6, 19), "out"))
    deadline = time.monotonic() + 30
    while not signing_errors(tmp_path / "outbox.db") and time.monotonic() < deadline:
        submitter.step()
    assert [e.reason for e in signing_errors(tmp_path / "outbox.db")] == [UNREGISTERED]
    chain.transact("acme", v3.functions.acceptDevice(chain.address("gate-1")))
    chain.transact("acme", v2.functions.withdraw(50_000))  # the firm moves part of its deposit itself
    chain.transact("acme", deployment.currency.functions.approve(v3.address, 50_000))
    chain.transact("acme", v3.functions.deposit(50_000, 0))
    submitter.drain()

    alice = chain.address("alice")
    assert paid(chain, v2, alice) == [12_000]  # 2 h beyond the day at 150% of 40.00
    assert paid(chain, v3, alice) == [16_000]  # 2 h beyond the day at 200% of 40.00
    assert outbox.counts()["confirmed"] == 4 and outbox.counts()["rejected"] == 0
    outbox.close()
