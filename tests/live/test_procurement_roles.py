"""A tender from the command line on a live anvil, every role with its own keystore: the authority
registers a buyer and its inspector, the buyer opens a tender, suppliers seal and reveal bids, the
buyer awards, the winner records a delivery and the inspector confirms it — and each wrong step says
why in one sentence (the contract's refusal in the interpreter's words), never a traceback.

The statute's periods are minutes, and the test moves the node's clock past them (test code only:
the commands themselves use no anvil method).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web3 import HTTPProvider, Web3

from chain.anvil import LocalAnvil

from .conftest import Operator, make_operator
from .test_bad_steps import refused

TENDER_LAW = """statute "Minute Tender Act"
  governs procurement
  version 1
  effective 2026-01-01
  currency CNY
  time zone +08:00.

parties:
  "reserve" is an agency.
  "supplier" is a firm.
  "station" is a device.

terms:
  "ceiling" is CNY 3.00.

article 1 "Purchase":
  the reserve buys "wheat" in kilograms at no more than the ceiling per kilogram.

article 2 "Bids":
  bids are sealed during 2 minutes and revealed during 2 minutes.
  each bid carries a deposit of 10% of its value.
  the lowest revealed bid wins; ties go to the earliest bid.
  the winner lodges a performance security of 10% of the contract price, held
    until acceptance and forfeited on default.

article 3 "Delivery":
  deliveries are confirmed by the station within 60 minutes.
  the reserve pays the supplier for each confirmed delivery at the awarded price.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Operator, Web3]]:
    with LocalAnvil(None) as node:  # the current time, as a real chain
        run = make_operator(tmp_path_factory.mktemp("tender"))
        run.rpc = node.url
        (run.cwd / "tender.law").write_text(TENDER_LAW)
        for name in ("authority", "reserve", "s1", "s2", "station", "mallory"):
            run.ok("keys", "new", name, "--light-kdf")
        run.ok("fund", "authority", "reserve", "s1", "s2", "station", "mallory", "--dev-keys", "--rpc", node.url)
        run.ok("deploy", "tender.law", "--rpc", node.url, "--key", "authority")
        for name, amount in (("reserve", "100.00"), ("s1", "10.00"), ("s2", "10.00")):
            run.ok("authority", "mint", name, amount, "--key", "authority")
        yield run, Web3(HTTPProvider(node.url))


def travel(w3: Web3, seconds: int) -> None:
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def test_a_tender_runs_from_the_command_line(site: tuple[Operator, Web3]) -> None:
    run, w3 = site
    refused(run("buyer", "open", "10", "--key", "reserve"), "reserve (0x", "only a buyer the authority registered")
    assert "registered buyer reserve" in run.ok("authority", "register-buyer", "reserve", "--key", "authority")
    run.ok("authority", "register-inspector", "station", "--buyer", "reserve", "--key", "authority")
    opened = run.ok("buyer", "open", "10", "--key", "reserve")
    assert "opened a tender for 10 units, escrowing CNY 30.00: tx" in opened and "TenderOpened(" in opened
    bid = run.ok("supplier", "bid", "0", "2.50", "--sealed", "s1.json", "--key", "s1")
    assert "sealed a bid in tender 0 with a deposit of CNY 2.50" in bid and "BidCommitted(" in bid
    run.ok("supplier", "bid", "0", "2.80", "--sealed", "s2.json", "--key", "s2")
    refused(run("supplier", "reveal", "--sealed", "s1.json", "--key", "s1"), "only during the reveal period")
    travel(w3, 121)
    refused(run("supplier", "reveal", "--sealed", "s1.json", "--key", "s2"), "s1.json is the bid of s1 (0x")
    assert "revealed the bid in tender 0: CNY 2.50 a unit" in run.ok(
        "supplier", "reveal", "--sealed", "s1.json", "--key", "s1"
    )
    run.ok("supplier", "reveal", "--sealed", "s2.json", "--key", "s2")
    refused(run("buyer", "award", "0", "--key", "reserve"), "the reveal period has not ended yet")
    travel(w3, 121)
    awarded = run.ok("buyer", "award", "0", "--key", "reserve")
    assert "TenderAwarded(" in awarded and "SecurityLodged(" in awarded and "amount=CNY 2.50" in awarded
    refused(run("supplier", "deliver", "0", "10", "--key", "s2"), "only the awarded supplier delivers")
    run.ok("supplier", "deliver", "0", "10", "--key", "s1")
    refused(
        run("inspector", "confirm", "0", "0", "--key", "mallory"),
        "the delivery is not confirmed by the buyer's registered inspector",
    )
    confirmed = run.ok("inspector", "confirm", "0", "0", "--key", "station")
    assert "confirmed delivery 0 of tender 0" in confirmed and "amount=CNY 25.00" in confirmed
    # s1: 10.00 + 25.00, its deposit and security back; s2: its deposit back; the reserve: 100.00 − 25.00
    for name, balance in (("s1", "CNY 35.00"), ("s2", "CNY 10.00"), ("reserve", "CNY 75.00")):
        assert run.ok("worker", "balance", name).strip().endswith(balance)
