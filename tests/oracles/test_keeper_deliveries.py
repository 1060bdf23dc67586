"""The keeper's procurement duties on a live anvil: it accepts a delivery the inspector left
unjudged once its inspection window has passed, closes a tender whose winner never delivered once
its deadline and grace have passed, and awards a best value tender only once its evaluation period
is over — each once, each at its time, never early.

The project's bridge-steel and EU scenarios are replayed without their `accept delivery` /
`close tender` / `award` events; the keeper must send those itself, and the chain must then hold exactly the balances the
reference interpreter gives for the whole scenario.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from chain.accounts import AUTHORITY
from chain.anvil import LocalAnvil
from chain.client import Chain
from chain.contract import ContractClient
from chain.rpc import Rpc
from chain.runner import deploy
from compiler.artifacts import compile_statutes
from lawdsl.events import AcceptDelivery, Award, CloseTender
from lawdsl.interpret import interpret
from lawdsl.scenario import load_scenario
from oracles.keeper import DeliveryAcceptance, Keeper, TenderAward, UndeliveredClosing
from tests.oracles.test_keeper import STATUTES

pytestmark = pytest.mark.chain


@pytest.mark.parametrize(
    ("path", "kind", "duty", "log", "due"),
    [
        # delivery 1, recorded 2026-09-20 09:00, with the statute's 5-day inspection period
        (
            STATUTES / "bridge-steel-late.yaml",
            AcceptDelivery,
            DeliveryAcceptance,
            "DeliveryConfirmed",
            "2026-09-25T09:00:00+08:00",
        ),
        # tender 1's deadline 2026-09-12 09:00 plus 200 days (0.5% a day takes a whole payment)
        (
            STATUTES / "bridge-steel-default.yaml",
            CloseTender,
            UndeliveredClosing,
            "TenderDefaulted",
            "2027-03-31T09:00:00+08:00",
        ),
        # a best value award waits for the evaluation period: reveals close 07-07 09:00, scores until 07-17
        (STATUTES / "eu-best-value.yaml", Award, TenderAward, "TenderAwarded", "2026-07-17T09:00:00+01:00"),
    ],
)
def test_the_keeper_accepts_and_closes_when_their_time_comes(
    path: Path, kind: type, duty: type, log: str, due: str
) -> None:
    full = load_scenario(path)
    outcome = interpret(full)
    scenario = replace(full, events=tuple(e for e in full.events if not isinstance(e, kind)))
    due_at = int(dt.datetime.fromisoformat(due).timestamp())
    with LocalAnvil() as node:  # its own: the scenario replays dates a shared node is past
        chain = Chain(node.url)
        deployment = deploy(scenario, chain, compile_statutes([scenario.statute]))
        earlier = [e for e in scenario.events if e.at.timestamp() < due_at]
        for event in earlier:
            chain.set_next_time(event.at)
            deployment.driver.apply(event)
        contract = deployment.driver.contract
        client = ContractClient(Rpc(node.url), contract.address, contract.abi)
        keeper = Keeper([duty(client)], lambda to, data: chain.send(AUTHORITY, to, "0x" + data.hex()))
        before = len(client.logs(log))
        assert keeper.tick(due_at - 1) == 0  # a second early: nothing is due
        chain.set_next_time(dt.datetime.fromtimestamp(due_at, dt.timezone.utc))
        assert keeper.tick(due_at) == 1
        assert len(client.logs(log)) == before + 1
        assert keeper.tick(due_at + 60) == 0  # done: not again
        assert duty(client).due(due_at + 60) is None  # nor after a restart: read from the chain
        for event in scenario.events[len(earlier) :]:
            chain.set_next_time(max(event.at, dt.datetime.fromtimestamp(due_at + 120, dt.timezone.utc)))
            deployment.driver.apply(event)
        currency = deployment.driver.currency.functions
        assert {name: currency.balanceOf(chain.address(name)).call() for name in outcome.balances} == {
            name: money.minor for name, money in outcome.balances.items()
        }
