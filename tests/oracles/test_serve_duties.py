"""`lawdsl oracle serve --tender ADDR --vouchers ADDR`: the served keeper's other duties, on a real chain.

The project's `laptop-tender` and `meal-vouchers` scenarios are replayed
without their `award` and `reclaim` events; a served gateway must send those
itself once block time reaches them (anvil travels there), and the chain must
then hold what the reference interpreter says the full scenario leads to.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from chain.anvil import LocalAnvil
from chain.client import Chain
from chain.contract import ContractClient
from chain.rpc import Rpc
from chain.runner import Deployment, deploy
from compiler.artifacts import compile_statutes
from lawdsl.events import Award, Event, Reclaim
from lawdsl.interpret import interpret
from lawdsl.load import load_statute
from lawdsl.scenario import Scenario, load_scenario
from oracles.devices.simulator import simulated_config
from oracles.gateway import DEFAULT_LAW, provision
from oracles.uploads import config_yaml
from tests.oracles.test_gateway_e2e import ROOT, Served, lawdsl
from tests.oracles.test_keeper import STATUTES, scenario_without

pytestmark = pytest.mark.chain


def replay(chain: Chain, deployment: Deployment, events: tuple[Event, ...]) -> None:
    for event in events:
        chain.set_next_time(event.at)
        deployment.driver.apply(event)


def travel(chain: Chain, url: str, event: Event) -> None:
    """Mine an empty block at `event`'s time: the keeper judges by the latest block."""
    chain.set_next_time(event.at)
    Rpc(url).call("evm_mine")


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.2)


def chain_balances(chain: Chain, deployment: Deployment, scenario: Scenario) -> dict[str, int]:
    return {label: deployment.currency.functions.balanceOf(chain.address(label)).call() for label in scenario.holders()}


def expected_balances(scenario: Scenario) -> dict[str, int]:
    return {label: money.minor for label, money in interpret(scenario).balances.items()}


def test_a_served_gateway_awards_the_tender_and_reclaims_the_vouchers_when_their_time_comes(tmp_path: Path) -> None:
    tender_scenario = STATUTES / "laptop-tender.yaml"
    voucher_scenario = STATUTES / "meal-vouchers.yaml"
    tender, award = scenario_without(tender_scenario, Award)
    vouchers, reclaim = scenario_without(voucher_scenario, Reclaim)
    working_time = load_statute(DEFAULT_LAW)
    artifacts = compile_statutes([working_time, tender.statute, vouchers.statute])
    with LocalAnvil() as node:  # its own: the scenarios replay 2026 from the start
        chain = Chain(node.url)
        chain.set_next_time(tender.events[0].at)
        config = simulated_config(employees=1, devices=1)
        site = provision(chain, working_time, config, artifacts=artifacts)
        tenders, programs = deploy(tender, chain, artifacts), deploy(vouchers, chain, artifacts)
        replay(chain, tenders, tuple(e for e in tender.events if e.at < award.at))  # bids revealed

        config_file = tmp_path / "gateway.yaml"
        config_file.write_text(config_yaml(config))
        outbox = tmp_path / "outbox.db"
        tender_address, program_address = tenders.driver.contract.address, programs.driver.contract.address
        served = Served(config_file, outbox, node.url, site.address)
        served.args += [
            "--tender",
            tender_address,
            "--tender-law",
            str(STATUTES / "laptop-tender.law"),
            "--vouchers",
            program_address,
            "--vouchers-law",
            str(STATUTES / "meal-vouchers.law"),
            "-v",
        ]
        served.start()
        try:
            tender_client = ContractClient(Rpc(node.url), tender_address, tenders.driver.artifact.abi)
            program_client = ContractClient(Rpc(node.url), program_address, programs.driver.artifact.abi)

            travel(chain, node.url, award)
            wait_for(lambda: bool(tender_client.logs("TenderAwarded")), "the award")
            through_award = replace(
                tender, events=tuple(e for e in load_scenario(tender_scenario).events if e.at <= award.at)
            )
            assert chain_balances(chain, tenders, tender) == expected_balances(through_award)

            replay(chain, programs, tuple(e for e in vouchers.events if e.at < reclaim.at))  # issued and spent
            assert program_client.view("funds") > 0
            travel(chain, node.url, reclaim)
            wait_for(lambda: program_client.view("funds") == 0, "the reclaim")
            # The whole scenario: its two events at the reclaim's instant, left out here, are refused there.
            assert chain_balances(chain, programs, vouchers) == expected_balances(load_scenario(voucher_scenario))
        finally:
            assert served.stop() == 0

    log = served.log.read_text()
    assert f"award due on {tender_address}" in log and f"reclaim due on {program_address}" in log
    status = subprocess.run(
        lawdsl("oracle", "status", "--outbox", str(outbox), "--json"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # Each sent once, and mined: a call sent before its time would have reverted ("failed"). The tender's
    # deliveries were left out, so by the reclaim's date (months after its deadline and 4-day grace) its
    # winner has defaulted, and the keeper closed it too.
    keeper = json.loads(status.stdout)["keeper"]
    assert keeper == {"award": {"done": 1}, "reclaim": {"done": 1}, "close": {"done": 1}}
    table = subprocess.run(
        lawdsl("oracle", "status", "--outbox", str(outbox)), cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "keeper calls: award (1 mined), reclaim (1 mined), close (1 mined)" in table.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--tender", "0x" + "22" * 20, "--tender-law", str(STATUTES / "meal-vouchers.law")],
            "meal-vouchers.law is a vouchers statute; a procurement one is needed",
        ),
        (["--vouchers", "0x1234"], "--vouchers '0x1234' is not an address"),
    ],
)
def test_serve_refuses_a_duty_it_could_not_keep(tmp_path: Path, options: list[str], message: str) -> None:
    config_file = tmp_path / "gateway.yaml"
    config_file.write_text(config_yaml(simulated_config(employees=1, devices=1)))
    done = subprocess.run(
        lawdsl(
            "oracle",
            "serve",
            "--config",
            str(config_file),
            "--outbox",
            str(tmp_path / "o.db"),
            "--rpc",
            "http://127.0.0.1:9",
            "--statute",
            "0x" + "11" * 20,
            "--dev-keys",
            *options,
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and message in done.stderr
