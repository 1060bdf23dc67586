"""The in-process fallback chain (eth-tester + py-evm), for machines without Node and anvil.

The same contracts, drivers and outcome reading run on it; these tests
check the parts it does its own way: time, funding, snapshots, revert
decoding, the choice of local chain, and compiling from the cache alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Iterator

import pytest

from chain import anvil as anvil_module
from chain.accounts import AUTHORITY, GATEWAY
from chain.client import Chain, ChainError, Reverted
from chain.commands import compiled
from chain.local import CHAIN_ENV, local_chain
from chain.runner import deploy
from chain.tester import InProcessChain
from lawdsl import cli
from lawdsl.scenario import load_scenario

from .statutes import DATA, assert_chain_meets_law, overtime

pytestmark = pytest.mark.chain
MARCH = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def in_process() -> InProcessChain:
    return InProcessChain()


@pytest.fixture
def tester(in_process: InProcessChain) -> Iterator[InProcessChain]:
    snapshot = in_process.snapshot()
    yield in_process
    in_process.revert(snapshot)


def test_overtime_example_on_the_in_process_chain_equals_the_interpreter(tester, artifacts):
    assert_chain_meets_law(DATA / "overtime-march.yaml", tester, artifacts)


def test_a_refused_call_reverts_with_its_decoded_custom_error(tester, artifacts):
    scenario = load_scenario(DATA / "overtime-march.yaml")
    currency = deploy(scenario, tester, artifacts).currency
    with pytest.raises(Reverted) as refused:
        tester.transact("mallory", currency.functions.mint(tester.address("mallory"), 1))
    assert refused.value.error == "AccessControlUnauthorizedAccount"
    assert refused.value.arguments[0] == tester.address("mallory")


def test_blocks_share_a_pinned_time_which_never_goes_back(tester):
    tester.set_next_time(MARCH)
    first = tester.send(AUTHORITY, tester.address(GATEWAY), "0x")
    second = tester.send(GATEWAY, tester.address(AUTHORITY), "0x")  # a new account: funded first, same time
    blocks = [tester.w3.eth.get_block(receipt["blockNumber"]) for receipt in (first, second)]
    assert [block["timestamp"] for block in blocks] == [int(MARCH.timestamp())] * 2
    tester.set_next_time(MARCH)  # equal: allowed
    with pytest.raises(ChainError, match="lower than previous block"):
        tester.set_next_time(MARCH - dt.timedelta(seconds=1))


def test_a_revert_restores_block_number_time_and_balances(tester):
    snapshot = tester.snapshot()
    before = tester.w3.eth.get_block("latest")
    tester.set_next_time(MARCH)
    tester.send(AUTHORITY, tester.address(GATEWAY), "0x")
    tester.revert(snapshot)
    after = tester.w3.eth.get_block("latest")
    assert (after["number"], after["timestamp"]) == (before["number"], before["timestamp"])
    assert tester.w3.eth.get_balance(tester.address(AUTHORITY)) == 0
    tester.set_next_time(MARCH)  # the chain is usable again, from the snapshot's time
    tester.send(AUTHORITY, tester.address(GATEWAY), "0x")


@pytest.mark.parametrize(
    "choice, anvil_present, expected",
    [("tester", True, InProcessChain), ("", False, InProcessChain), ("anvil", True, Chain)],
)
def test_local_chain_is_anvil_where_it_exists_else_in_process(choice, anvil_present, expected, monkeypatch, tmp_path):
    monkeypatch.setenv(CHAIN_ENV, choice)
    if not anvil_present:
        monkeypatch.setattr(anvil_module, "ANVIL", tmp_path / "no-anvil")
    with local_chain() as chain:
        assert type(chain) is expected
        assert chain.w3.eth.block_number >= 0


@pytest.mark.parametrize("choice", ["anvil", "ganache"])
def test_an_impossible_chain_choice_is_an_error(choice, monkeypatch, tmp_path):
    monkeypatch.setenv(CHAIN_ENV, choice)
    monkeypatch.setattr(anvil_module, "ANVIL", tmp_path / "no-anvil")
    with pytest.raises(ChainError):
        with local_chain():
            pass


def test_without_node_compiling_uses_the_cache_or_says_what_is_missing(statutes, artifacts, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no node on it
    assert compiled(statutes.values()) == artifacts  # all in build/solc already
    base = overtime()
    unseen = replace(base, header=replace(base.header, title="Overtime Act (never compiled)"))
    with pytest.raises(cli.UsageError, match="Node is not on PATH"):
        compiled([unseen])
