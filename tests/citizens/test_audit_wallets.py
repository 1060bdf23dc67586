"""`lawdsl audit` on a chain where money also moves outside the statute.

A firm tops its wallet up (a mint), pays someone directly (a transfer) and
withdraws to its bank between the statute's calls. The audit reads those
movements from the currency's Transfer logs and replays them in place, so
a second deposit that only the top-up made possible is not counted against
the chain; a tampered rate on the same chain still fails, naming the payment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_utils import to_checksum_address

from chain import runner
from chain.client import Chain
from citizens.audit import audit
from compiler.artifacts import Artifact
from lawdsl.cli import main
from lawdsl.events import WalletMove
from lawdsl.scenario import Scenario, load_scenario

from .conftest import STATUTES

pytestmark = pytest.mark.chain

BANK = to_checksum_address("0x" + "ba" * 20)  # where the firm withdraws to: no party of the statute
#: The firm starts with exactly its first deposit; its second needs the top-up made between them.
SCENARIO = f"""
statute: {STATUTES / "overtime.law"}
balances: {{acme: CNY 5000.00}}
events:
  - employ: {{employer: acme, employee: alice, hourly wage: CNY 40.00}}
  - register device: {{device: gate-1, employer: acme}}
  - deposit: {{from: acme, amount: CNY 5000.00, at: 2026-03-01T08:00:00+08:00}}
  - punch: {{device: gate-1, employee: alice, at: 2026-03-02T09:00:00+08:00, kind: in}}
  - punch: {{device: gate-1, employee: alice, at: 2026-03-02T20:00:00+08:00, kind: out}}
  - deposit: {{from: acme, amount: CNY 2000.00, at: 2026-03-03T07:00:00+08:00}}
  - punch: {{device: gate-1, employee: alice, at: 2026-03-03T08:00:00+08:00, kind: in}}
  - punch: {{device: gate-1, employee: alice, at: 2026-03-03T20:30:00+08:00, kind: out}}
"""


def play_with_wallet_moves(chain: Chain, played: Scenario, artifact: Artifact, artifacts: dict) -> str:
    """Run the scenario, moving money outside the statute before the second deposit; returns the
    statute's address."""
    deployment = runner.deploy(played, chain, {**artifacts, played.statute.header.title: artifact})
    currency, acme = deployment.currency, chain.address("acme")
    for event in played.events:
        if event.index == 5:  # between two statute calls: top up, pay a colleague, withdraw
            deployment.authority.call(currency.functions.mint(acme, 3_000_00))  # through its timelock
            chain.transact("acme", currency.functions.transfer(chain.address("alice"), 50_00))
            chain.transact("acme", currency.functions.transfer(BANK, 200_00))
        chain.set_next_time(event.at)
        deployment.driver.apply(event)
    return deployment.driver.contract.address


@pytest.fixture
def played(tmp_path: Path) -> Scenario:
    path = tmp_path / "wallet-moves.yaml"
    path.write_text(SCENARIO, "utf-8")
    # The statute lies outside the scenario's folder: named by the one running it, as `--statute` does.
    return load_scenario(path, STATUTES / "overtime.law")


def test_movements_outside_the_statute_are_replayed_and_the_audit_passes(chain, examples, played, anvil, capsys):
    address = play_with_wallet_moves(chain, played, examples[played.statute.header.title], examples)
    report = audit(chain.w3, played.statute.source_name, address)
    assert report.ok, [d.message for d in report.discrepancies]
    moves = [e for e in report.events if isinstance(e, WalletMove)]
    acme, alice = chain.address("acme"), chain.address("alice")
    assert [(m.sender, m.recipient, m.amount.minor) for m in moves] == [
        (None, acme, 3_000_00),
        (acme, alice, 50_00),
        (acme, BANK, 200_00),
    ]
    # both deposits accepted by the law too: the second one drew on the top-up
    assert not report.law.rejected and len(report.law.payments) == 2
    assert main(["audit", str(played.statute.source_name), "--address", address, "--rpc", anvil.url]) == 0
    printed = capsys.readouterr().out
    assert "3 wallet movements outside the statute" in printed
    assert printed.strip().splitlines()[-1] == "audit passed"


def test_one_tampered_payment_on_the_same_chain_fails_naming_it(
    chain, examples, tampered, played, anvil, capsys, tmp_path
):
    _, artifact = tampered["overtime.law"]
    address = play_with_wallet_moves(chain, played, artifact, examples)
    labels = tmp_path / "labels"
    labels.write_text(f"# local names\n{chain.address('alice')} alice\n", "utf-8")
    args = ["audit", str(STATUTES / "overtime.law"), "--address", address, "--rpc", anvil.url]
    assert main([*args, "--labels", str(labels)]) == 1
    last = " ".join(capsys.readouterr().out.split()).rsplit("audit failed", 1)[1]
    assert last.startswith(
        ": 2 discrepancies; first: payment of punch out 2026-03-02 20:00 to alice under "
        'article 44.1 "Extended working hours": the law says CNY 180.00, '
        "the chain logged CNY 210.00"
    ), last
    assert main([*args, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {
        "inputs rebuilt": 8,
        "wallet movements outside the statute": 3,
        "payments checked": 2,
        "discrepancies": 2,
    }
    assert [(d["event"], d["law"], d["chain"]) for d in report["discrepancies"]] == [
        ("punch out 2026-03-02 20:00", "CNY 180.00", "CNY 210.00"),
        ("punch out 2026-03-03 20:30", "CNY 270.00", "CNY 315.00"),
    ]
