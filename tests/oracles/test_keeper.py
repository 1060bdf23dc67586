"""The keeper: what time alone makes due, judged by block time, sent once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from chain.accounts import AUTHORITY, GATEWAY, account_key
from chain.anvil import GENESIS_TIME, LocalAnvil
from chain.client import Chain
from chain.contract import ContractClient
from chain.rpc import Rpc
from chain.runner import deploy
from compiler.artifacts import compile_statutes
from compiler.solc import PROJECT_ROOT
from lawdsl.events import Award, Event, Reclaim
from lawdsl.load import load_statute
from lawdsl.scenario import Scenario, load_scenario
from oracles.devices.records import CanonicalPunch
from oracles.devices.simulator import simulated_config
from oracles.gateway import DEFAULT_LAW, Site, provision
from oracles.keeper import (
    END_OF_HALF_MONTH,
    END_OF_MONTH,
    END_OF_WEEK,
    Keeper,
    Settlement,
    TenderAward,
    VoucherReclaim,
    period_start,
)
from oracles.outbox import Outbox
from oracles.submitter import Submitter
from tests.chain.statutes import weekly_overtime

UTC_MINUS_5 = dt.timezone(dt.timedelta(hours=-5))
STATUTES = PROJECT_ROOT / "statutes"


def unix(text: str, zone: dt.tzinfo = dt.timezone.utc) -> int:
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=zone).timestamp())


def test_period_start_is_local_midnight_of_the_week_or_month() -> None:
    offset = -5 * 3600
    wednesday = unix("2026-03-04 12:00", UTC_MINUS_5)
    assert period_start(wednesday, END_OF_WEEK, offset, week_start=6) == unix("2026-03-01 00:00", UTC_MINUS_5)
    assert period_start(wednesday, END_OF_WEEK, offset, week_start=0) == unix("2026-03-02 00:00", UTC_MINUS_5)
    assert period_start(wednesday, END_OF_MONTH, offset, week_start=0) == unix("2026-03-01 00:00", UTC_MINUS_5)
    just_before = unix("2026-03-01 00:00", UTC_MINUS_5) - 1  # still February there, March in UTC
    assert period_start(just_before, END_OF_MONTH, offset, 0) == unix("2026-02-01 00:00", UTC_MINUS_5)


def test_half_months_begin_on_the_1st_and_the_16th() -> None:
    offset = -5 * 3600
    assert period_start(unix("2026-03-15 23:59", UTC_MINUS_5), END_OF_HALF_MONTH, offset, 0) == unix(
        "2026-03-01 00:00", UTC_MINUS_5
    )
    assert period_start(unix("2026-03-16 00:00", UTC_MINUS_5), END_OF_HALF_MONTH, offset, 0) == unix(
        "2026-03-16 00:00", UTC_MINUS_5
    )


@pytest.fixture(scope="module")
def node() -> Iterator[LocalAnvil]:
    with LocalAnvil(timestamp=GENESIS_TIME) as anvil:
        yield anvil


def pinned(chain: Chain, text: str) -> int:
    """Mine the next blocks at `text` (statute-local, UTC-05:00) and return that unix time."""
    at = dt.datetime.fromisoformat(text).replace(tzinfo=UTC_MINUS_5)
    chain.set_next_time(at)
    return int(at.timestamp())


@pytest.mark.chain
def test_weekly_wages_are_settled_once_when_block_time_enters_the_next_week(node: LocalAnvil, tmp_path: Path) -> None:
    chain = Chain(node.url)
    pinned(chain, "2026-03-01 00:00")
    site: Site = provision(chain, weekly_overtime(), simulated_config(employees=2, devices=1))
    rpc = Rpc(node.url)
    statute = ContractClient(rpc, site.address, site.abi)

    def send(to: str, data: bytes) -> None:
        chain.send(GATEWAY, to, "0x" + data.hex())

    # A 12-hour Tuesday shift (weeks start on Sunday in this statute): its pay accrues until the week ends.
    with Outbox(tmp_path / "outbox.db") as outbox:
        for hour, kind in ((8, "in"), (20, "out")):
            outbox.add(
                CanonicalPunch(
                    "SIM0001", "gate-1", "emp-0001", dt.datetime(2026, 3, 3, hour, tzinfo=UTC_MINUS_5), kind, "test"
                )
            )
        pinned(chain, "2026-03-03 21:00")
        submitter = Submitter(outbox, rpc, statute, account_key(GATEWAY))
        submitter.connect()
        submitter.drain()
        assert outbox.counts()["confirmed"] == 2
    assert statute.logs("WagePaid") == []

    keeper = Keeper([Settlement(statute)], send)
    assert keeper.tick(pinned(chain, "2026-03-07 23:59")) == 0  # Saturday: the week is not over
    sunday = pinned(chain, "2026-03-08 01:00")
    assert keeper.tick(sunday) == 1
    paid = statute.logs("WagePaid")
    assert paid and all(statute.decode_log("WagePaid", e)["amount"] > 0 for e in paid)
    assert keeper.tick(sunday + 3600) == 0  # settled: not again
    assert Keeper([Settlement(statute)], send).tick(sunday + 3600) == 0  # nor after a restart (Settled logs)
    assert Keeper([Settlement(statute)], send).tick(pinned(chain, "2026-03-15 00:00")) == 1  # the next week


@pytest.mark.chain
def test_pay_at_clock_out_needs_no_settlement(node: LocalAnvil) -> None:
    chain = Chain(node.url)
    pinned(chain, "2026-04-01 00:00")
    site = provision(chain, load_statute(DEFAULT_LAW), simulated_config(employees=1, devices=1))
    statute = ContractClient(Rpc(node.url), site.address, site.abi)
    sent: list[bytes] = []
    assert Keeper([Settlement(statute)], lambda to, data: sent.append(data)).tick(unix("2026-05-01 00:00")) == 0
    assert sent == []


def scenario_without(path: Path, kind: type) -> tuple[Scenario, Event]:
    """The project scenario at `path` without its one `kind` event (the keeper's job), and that event."""
    scenario = load_scenario(path)
    [event] = [e for e in scenario.events if isinstance(e, kind)]
    return replace(scenario, events=tuple(e for e in scenario.events if e is not event)), event


@pytest.mark.chain
@pytest.mark.parametrize(
    ("path", "kind", "duty", "log"),
    [
        (STATUTES / "meal-vouchers.yaml", Reclaim, VoucherReclaim, "Payment"),
        (STATUTES / "laptop-tender.yaml", Award, TenderAward, "TenderAwarded"),
    ],
)
def test_voucher_reclaim_and_tender_award_are_sent_once_when_due(path: Path, kind: type, duty: type, log: str) -> None:
    """The scenario's own reclaim/award event is left out: the keeper must send it, at its time."""
    with LocalAnvil() as node:  # its own: the scenario replays dates the shared node is past
        run_keeper_in_place_of(node, path, kind, duty, log)


def run_keeper_in_place_of(node: LocalAnvil, path: Path, kind: type, duty: type, log: str) -> None:
    chain = Chain(node.url)
    scenario, event = scenario_without(path, kind)
    deployment = deploy(scenario, chain, compile_statutes([scenario.statute]))
    for other in scenario.events:
        if other.at > event.at:
            break
        chain.set_next_time(other.at)
        deployment.driver.apply(other)
    contract = deployment.driver.contract
    client = ContractClient(Rpc(node.url), contract.address, contract.abi)
    keeper = Keeper([duty(client)], lambda to, data: chain.send(AUTHORITY, to, "0x" + data.hex()))
    before = len(client.logs(log))  # a voucher spend logs `VoucherSpent`, a reclaim `Payment`
    assert keeper.tick(int(event.at.timestamp()) - 3600) == 0
    chain.set_next_time(event.at)
    assert keeper.tick(int(event.at.timestamp())) == 1
    assert len(client.logs(log)) > before
    assert keeper.tick(int(event.at.timestamp()) + 60) == 0


@pytest.mark.chain
def test_a_settlement_round_goes_on_page_by_page_until_every_employee_is_paid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a page of one employee, the keeper sends `settle` again at each tick while the round has
    employees left (`settlement()` reads its cursor), then stops: three employees, three pages."""
    monkeypatch.setattr("oracles.keeper.SETTLE_PAGE", 1)
    with LocalAnvil(timestamp=GENESIS_TIME) as node:  # its own: the shared node is past these dates
        settle_in_pages(node, tmp_path)


def settle_in_pages(node: LocalAnvil, tmp_path: Path) -> None:
    chain = Chain(node.url)
    pinned(chain, "2026-03-01 00:00")
    site = provision(chain, weekly_overtime(), simulated_config(employees=3, devices=1))
    rpc = Rpc(node.url)
    statute = ContractClient(rpc, site.address, site.abi)
    with Outbox(tmp_path / "outbox.db") as outbox:
        for employee in ("emp-0001", "emp-0002", "emp-0003"):
            for hour, kind in ((8, "in"), (20, "out")):  # 12 hours: overtime beyond the standard day
                outbox.add(
                    CanonicalPunch(
                        "SIM0001", "gate-1", employee, dt.datetime(2026, 3, 3, hour, tzinfo=UTC_MINUS_5), kind, "test"
                    )
                )
        pinned(chain, "2026-03-03 21:00")
        submitter = Submitter(outbox, rpc, statute, account_key(GATEWAY))
        submitter.connect()
        submitter.drain()
        assert outbox.counts()["confirmed"] == 6
    keeper = Keeper([Settlement(statute)], lambda to, data: chain.send(GATEWAY, to, "0x" + data.hex()))
    sunday = pinned(chain, "2026-03-08 01:00")
    assert [keeper.tick(sunday) for _ in range(4)] == [1, 1, 1, 0]
    assert statute.view("settlement")[0] == 0
    paid = {statute.decode_log("WagePaid", e)["employee"] for e in statute.logs("WagePaid")}
    assert len(paid) == 3 and len(statute.logs("Settled")) == 1
