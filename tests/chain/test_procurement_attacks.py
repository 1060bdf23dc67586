"""Attacks on procurement (issue 13), each met by a named custom error or ending harmlessly.

An outsider opening or freezing tenders, free sybil bids, an inspector who
confirms late to cut the supplier's pay, and an award whose gas grows with
the number of bids.
"""

from __future__ import annotations

import datetime as dt

import pytest
from eth_utils import keccak

from chain.accounts import AUTHORITY
from chain.domains.procurement import ProcurementDriver
from lawdsl.ast import Statute
from lawdsl.events import (
    Award,
    Bid,
    OpenTender,
    RecordDelivery,
    RegisterInspector,
    Reveal,
)
from lawdsl.interpret.tenders import INSPECTION_WINDOW
from lawdsl.money import Money

from .attacks import deployed, refusal
from .statutes import PROCUREMENT_VARIANTS, compiled_variants

pytestmark = pytest.mark.chain
BEIJING = dt.timezone(dt.timedelta(hours=8))
OPENING = dt.datetime(2026, 6, 1, 9, tzinfo=BEIJING)
DEADLINE = dt.datetime(2026, 7, 10, 9, tzinfo=BEIJING)  # 7 + 2 + 30 days after the opening
BUYER_ROLE = keccak(text="BUYER_ROLE")


@pytest.fixture(scope="module")
def example(statutes: dict[str, Statute]) -> Statute:
    return compiled_variants(statutes, PROCUREMENT_VARIANTS)["example"]


def _day(day: int, hour: int = 10) -> dt.datetime:
    return OPENING.replace(hour=hour) + dt.timedelta(days=day - 1)


def _awarded(chain, artifacts, statute: Statute, winner: str = "s1") -> ProcurementDriver:
    """The reserve's tender 0 for 1,000 kg, `winner`'s bid at 3.00 revealed and awarded."""
    events = (
        RegisterInspector(0, OPENING, "station1", "reserve"),
        OpenTender(1, OPENING, "reserve", 1000),
        Bid(2, _day(2), winner, Money("CNY", 300)),
        Reveal(3, _day(9), winner),
        Award(4, _day(10, 9)),
    )
    driver = deployed(chain, artifacts, statute, {"reserve": 10_000_000, winner: 100_000}, events).driver
    assert isinstance(driver, ProcurementDriver)
    return driver


def test_an_outsider_cannot_open_a_tender(chain, artifacts, example):
    driver = _awarded(chain, artifacts, example)
    fn = driver.contract.functions
    attempt = refusal(driver, "mallory", fn.openTender(1, 9), _day(11))
    assert attempt.error == "AccessControlUnauthorizedAccount"
    assert attempt.arguments == (driver.chain.address("mallory"), BUYER_ROLE)
    grant = refusal(driver, "mallory", fn.registerBuyer(driver.chain.address("mallory"), 9))
    assert grant.error == "AccessControlUnauthorizedAccount"  # nor make itself a buyer


def test_a_puppet_winner_cannot_freeze_procurement(chain, artifacts, example):
    """The puppet wins and never delivers: the buyer opens the next tender at once, and after the
    deadline plus the grace anyone closes the stuck one, the puppet's deposit going to the buyer."""
    driver = _awarded(chain, artifacts, example, winner="puppet")
    chain, fn = driver.chain, driver.contract.functions
    chain.set_next_time(_day(11))
    chain.transact("reserve", driver.currency.functions.approve(driver.contract.address, 310))
    chain.transact("reserve", fn.openTender(1, 9))
    assert fn.tenderCount().call() == 2
    closeable = fn.closeableFrom(0).call()
    assert closeable == int(DEADLINE.timestamp()) + 200 * 86_400  # 0.5% a day takes everything in 200 days
    early = refusal(driver, "mallory", fn.closeUndelivered(0, 10), DEADLINE + dt.timedelta(days=199))
    assert (early.error, early.arguments) == ("NotCloseableYet", (closeable,))
    reserve_before = driver.currency.functions.balanceOf(chain.address("reserve")).call()
    chain.set_next_time(dt.datetime.fromtimestamp(closeable, BEIJING))
    chain.transact("mallory", fn.closeUndelivered(0, 11))  # anyone
    defaulted = [args for name, args in driver.logs() if name == "TenderDefaulted"]
    assert [(a["tender"], a["winner"], a["forfeited"]) for a in defaulted] == [(0, chain.address("puppet"), 6_000)]
    reserve_after = driver.currency.functions.balanceOf(chain.address("reserve")).call()
    assert reserve_after - reserve_before == 6_000 + 310_000  # the forfeited deposit and the escrow
    assert fn.tenders(0).call()[6] == 2  # Closed
    late = refusal(driver, "puppet", fn.recordDelivery(0, 1000, 12))
    assert late.error == "DeliveryPeriodOver"


def test_a_zero_deposit_sybil_bid_is_refused(chain, artifacts, example):
    events = (OpenTender(0, OPENING, "reserve", 1000),)
    driver = deployed(chain, artifacts, example, {"reserve": 10_000_000}, events).driver
    fn = driver.contract.functions
    commitment = fn.commitmentOf(1, bytes(32), driver.chain.address("sybil1")).call()
    free = refusal(driver, "sybil1", fn.commitBid(0, commitment, 0, 1), _day(2))
    assert (free.error, free.arguments) == ("DepositBelowMinimum", (20, 0))  # 2% × 0.01 × 1,000
    nearly = refusal(driver, "sybil1", fn.commitBid(0, commitment, 19, 2))
    assert nearly.error == "DepositBelowMinimum"


def test_a_late_inspector_confirmation_does_not_make_the_delivery_late(chain, artifacts, example):
    driver = _awarded(chain, artifacts, example)
    chain, fn = driver.chain, driver.contract.functions
    assert fn.inspectionWindow().call() == INSPECTION_WINDOW.total_seconds()  # the interpreter's too
    record = RecordDelivery(5, DEADLINE, "s1", 1000)  # at the deadline itself: on time
    chain.set_next_time(record.at)
    driver.apply(record)
    chain.set_next_time(DEADLINE + dt.timedelta(days=6, hours=23))  # within the 7-day window
    chain.transact("station1", fn.confirmDelivery(0, 0, 6))
    confirmed = [args for name, args in driver.logs() if name == "DeliveryConfirmed"]
    assert [(a["quantity"], a["daysLate"]) for a in confirmed] == [(1000, 0)]
    paid = [args["amount"] for name, args in driver.logs() if name == "Payment"]
    assert paid == [300_000]  # 1,000 × 3.00, no penalty


def test_an_inspector_cannot_judge_after_its_window_nor_for_another_buyer(chain, artifacts, example):
    driver = _awarded(chain, artifacts, example)
    chain, fn = driver.chain, driver.contract.functions
    chain.set_next_time(_day(20))
    chain.transact("s1", fn.recordDelivery(0, 10, 5))
    early = refusal(driver, "mallory", fn.acceptDelivery(0, 0, 6))
    assert early.error == "InspectionWindowOpen"
    outsider = refusal(driver, "mallory", fn.confirmDelivery(0, 0, 7))
    assert outsider.error == "NotRegisteredInspector"
    late = refusal(driver, "station1", fn.disputeDelivery(0, 0, 8), _day(27))
    assert late.error == "InspectionWindowOver"
    chain.transact("mallory", fn.acceptDelivery(0, 0, 9))  # silence accepts it
    assert fn.deliveries(0, 0).call()[2] == 2  # Confirmed


def test_a_revoked_inspector_confirms_nothing(chain, artifacts, example):
    driver = _awarded(chain, artifacts, example)
    chain, fn = driver.chain, driver.contract.functions
    chain.set_next_time(_day(20))
    chain.transact("s1", fn.recordDelivery(0, 10, 5))
    outsider = refusal(driver, "mallory", fn.revokeInspector(chain.address("station1"), 6))
    assert outsider.error == "NotAuthorityOrGuardian"
    driver.authority.call(fn.revokeInspector(chain.address("station1"), 7))
    revoked = refusal(driver, "station1", fn.confirmDelivery(0, 0, 8))
    assert revoked.error == "NotRegisteredInspector"


def _award_gas(chain, artifacts, statute: Statute, bidders: int) -> tuple[int, int]:
    """(gas of `award`, `settleBids` calls still needed) for a tender with `bidders` revealed bids."""
    events: list = [OpenTender(0, OPENING, "reserve", 100)]
    events += [Bid(len(events), _day(2), f"s{n}", Money("CNY", 300 - n % 50)) for n in range(bidders)]
    events += [Reveal(len(events), _day(9), f"s{n}") for n in range(bidders)]
    balances = {"reserve": 10_000_000, **{f"s{n}": 10_000 for n in range(bidders)}}
    driver = deployed(chain, artifacts, statute, balances, tuple(events)).driver
    fn = driver.contract.functions
    chain.set_next_time(_day(10, 9))
    receipt = chain.transact(AUTHORITY, fn.award(0, len(events)))
    return receipt.gas_used, -(-fn.unsettledBids(0).call() // fn.SETTLE_PAGE().call())


def test_award_gas_is_bounded_whatever_the_number_of_bids(chain, artifacts, example):
    """The winner is tracked during the reveals; the award settles at most one page of 64 deposits."""
    snapshot = chain.snapshot()
    few, pages_few = _award_gas(chain, artifacts, example, 3)
    chain.revert(snapshot)
    many, pages_many = _award_gas(chain, artifacts, example, 130)
    assert pages_few == 0 and pages_many == 2  # 130 − 64 settled: two more pages of `settleBids`
    per_refund = (many - few) / (64 - 3)
    assert per_refund < 30_000  # a refund's transfer and log, nothing that grows with the tender
    assert many < few + 64 * 30_000  # one page of refunds at most, however many bids
