"""Who else can touch the performance security, the capped damages and the inspection window.

The `guarded` variant of procurement.law (tests/chain/statutes.py): 10% a day late capped at 30% of
the contract price, a 3-day inspection window and a 10% performance security. Tender 0: 1,000 kg,
s1 wins at 3.00 (contract price 3,000.00, security 300.00, deposit 60.00), deadline 2026-07-10 09:00.
"""

from __future__ import annotations

import datetime as dt

import pytest

from chain.domains.procurement import ProcurementDriver
from lawdsl.ast import Statute
from lawdsl.events import Bid, OpenTender, RegisterInspector, Reveal
from lawdsl.money import Money

from .attacks import deployed, refusal
from .statutes import PROCUREMENT_VARIANTS, compiled_variants

pytestmark = pytest.mark.chain
BEIJING = dt.timezone(dt.timedelta(hours=8))
OPENING = dt.datetime(2026, 6, 1, 9, tzinfo=BEIJING)
DEADLINE = dt.datetime(2026, 7, 10, 9, tzinfo=BEIJING)


@pytest.fixture(scope="module")
def guarded(statutes: dict[str, Statute]) -> Statute:
    return compiled_variants(statutes, PROCUREMENT_VARIANTS)["guarded"]


def _day(day: int, hour: int = 10) -> dt.datetime:
    return OPENING.replace(hour=hour) + dt.timedelta(days=day - 1)


def _revealed(chain, artifacts, statute: Statute, balances: dict[str, int]) -> ProcurementDriver:
    """Tender 0 with s1's bid at 3.00 and s2's at 3.05 revealed, not yet awarded."""
    events = (
        RegisterInspector(0, OPENING, "station1", "reserve"),
        OpenTender(1, OPENING, "reserve", 1000),
        Bid(2, _day(2), "s1", Money("CNY", 300)),
        Bid(3, _day(2, 11), "s2", Money("CNY", 305)),
        Reveal(4, _day(9), "s1"),
        Reveal(5, _day(9, 11), "s2"),
    )
    driver = deployed(chain, artifacts, statute, {"reserve": 10_000_000, **balances}, events).driver
    assert isinstance(driver, ProcurementDriver)
    return driver


def _balance(driver: ProcurementDriver, label: str) -> int:
    balance: int = driver.currency.functions.balanceOf(driver.chain.address(label)).call()
    return balance


def test_an_outsiders_award_takes_the_security_from_the_winner_alone(chain, artifacts, guarded):
    driver = _revealed(chain, artifacts, guarded, {"s1": 100_000, "s2": 100_000})
    chain, fn = driver.chain, driver.contract.functions
    s2_before = _balance(driver, "s2")  # s2 approved its own security with its reveal, as s1 did
    chain.set_next_time(_day(10, 9))
    chain.transact("mallory", fn.award(0, 6))
    assert _balance(driver, "s1") == 100_000 - 6_000 - 30_000  # its deposit and its security, held
    assert _balance(driver, "s2") == s2_before + 6_100  # the loser: its deposit back, nothing taken
    assert fn.performance(0).call() == [0, 30_000]
    lodged = [args for name, args in driver.logs() if name == "SecurityLodged"]
    assert [(a["winner"], a["amount"]) for a in lodged] == [(chain.address("s1"), 30_000)]
    early = refusal(driver, "s1", fn.closeUndelivered(0, 7))  # the winner cannot get it back by defaulting
    assert early.error == "NotCloseableYet"


def test_a_winner_that_withdraws_its_approval_forfeits_its_deposit_and_frees_the_buyer(chain, artifacts, guarded):
    driver = _revealed(chain, artifacts, guarded, {"s1": 100_000, "s2": 100_000})
    chain, fn = driver.chain, driver.contract.functions
    chain.set_next_time(_day(9, 12))
    chain.transact("s1", driver.currency.functions.approve(driver.contract.address, 0))
    reserve_before = _balance(driver, "reserve")
    chain.set_next_time(_day(10, 9))
    chain.transact("mallory", fn.award(0, 6))
    not_lodged = [args for name, args in driver.logs() if name == "SecurityNotLodged"]
    assert [(a["winner"], a["required"]) for a in not_lodged] == [(chain.address("s1"), 30_000)]
    assert _balance(driver, "reserve") == reserve_before + 6_000 + 310_000  # s1's deposit, the escrow back
    assert fn.tenders(0).call()[6] == 2  # Closed: the buyer opens the next tender
    refused = refusal(driver, "s1", fn.recordDelivery(0, 1, 7))
    assert refused.error == "BeyondTenderedQuantity"


def test_the_statutes_window_and_cap_bind_inspector_and_buyer(chain, artifacts, guarded):
    driver = _revealed(chain, artifacts, guarded, {"s1": 100_000, "s2": 100_000})
    chain, fn = driver.chain, driver.contract.functions
    chain.set_next_time(_day(10, 9))
    chain.transact("mallory", fn.award(0, 6))
    assert fn.inspectionWindow().call() == 3 * 86_400
    chain.set_next_time(DEADLINE + dt.timedelta(days=5))  # 5 days late: 50%, capped at 30% of 3,000.00
    chain.transact("s1", fn.recordDelivery(0, 1000, 7))
    late = refusal(driver, "station1", fn.confirmDelivery(0, 0, 8), DEADLINE + dt.timedelta(days=8))
    assert late.error == "InspectionWindowOver"
    chain.transact("mallory", fn.acceptDelivery(0, 0, 9))
    paid = [args["amount"] for name, args in driver.logs() if name == "Payment" and args["ref"] == 9]
    assert paid == [300_000 - 90_000]  # 3,000.00 less the cap, 900.00
    assert _balance(driver, "s1") == 100_000 + 210_000  # paid, deposit and security returned


@pytest.fixture(scope="module")
def best_value(statutes: dict[str, Statute]) -> Statute:
    return compiled_variants(statutes, PROCUREMENT_VARIANTS)["best value"]


def test_only_the_tenders_buyer_scores_once_and_in_its_period(chain, artifacts, best_value):
    """Scores decide the award, so no bidder, outsider or other buyer may give one, nor change one."""
    driver = _revealed(chain, artifacts, best_value, {"s1": 100_000, "s2": 100_000})
    chain, fn = driver.chain, driver.contract.functions
    s1 = chain.address("s1")
    early = refusal(driver, "reserve", fn.scoreBid(0, s1, 90, 6), _day(9, 12))  # reveals still open
    assert early.error == "OutsideEvaluation"
    chain.set_next_time(_day(10, 10))
    assert refusal(driver, "s1", fn.scoreBid(0, s1, 100, 7)).error == "NotTenderBuyer"
    assert refusal(driver, "mallory", fn.scoreBid(0, s1, 100, 8)).error == "NotTenderBuyer"
    driver.authority.call(fn.registerBuyer(chain.address("other"), 9))
    assert refusal(driver, "other", fn.scoreBid(0, s1, 100, 10)).error == "NotTenderBuyer"
    assert refusal(driver, "reserve", fn.scoreBid(0, s1, 101, 11)).error == "QualityAboveMaximum"
    assert refusal(driver, "reserve", fn.scoreBid(0, chain.address("s3"), 50, 12)).error == "NotRevealed"
    chain.transact("reserve", fn.scoreBid(0, s1, 40, 13))
    assert refusal(driver, "reserve", fn.scoreBid(0, s1, 100, 14)).error == "AlreadyScored"
    early_award = refusal(driver, "mallory", fn.award(0, 15), _day(12))  # the 10-day evaluation runs on
    assert early_award.error == "EvaluationNotOver"
    chain.set_next_time(_day(20, 9))  # reveals closed 06-10 09:00; evaluation until 06-20 09:00
    chain.transact("mallory", fn.award(0, 16))
    awarded = [args for name, args in driver.logs() if name == "TenderAwarded"]
    assert [a["winner"] for a in awarded] == [s1]  # s2 was never scored, so it cannot win
