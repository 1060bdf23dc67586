"""The procurement interpreter against docs/semantics.md "Procurement" and examples/procurement-wheat.yaml.

Statutes are built here as ASTs, mirroring
procurement.law sentence by sentence, with switches for the optional rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.ast import (
    Article,
    AwardRule,
    BestValueRule,
    BiddingRule,
    DeliveryRule,
    DepositRule,
    Domain,
    Duration,
    ForfeitRule,
    Header,
    InspectionRule,
    Lit,
    Party,
    PartyKind,
    PenaltyRule,
    Percentage,
    PurchaseRule,
    Ref,
    ScoringRule,
    SecurityRule,
    Statute,
    SupplyPaymentRule,
    Term,
)
from lawdsl.events import Award, Bid, Deliver, OpenTender, RegisterInspector, Reveal
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.interpret.procurement import ProcurementInterpreter
from lawdsl.interpret.tenders import Reason, Tender, days_late
from lawdsl.money import Money
from lawdsl.scenario import Scenario
from tests.interpret import scripting
from tests.interpret.scripting import TZ, balances, cny, moment, payments, rejections


def percent(text: str) -> Percentage:
    return Percentage(int(Decimal(text) * 10_000))


def days(count: int) -> Duration:
    return Duration(count * 1440, "day")


def procurement_statute(
    *,
    ceiling: str = "3.10",
    sealed: int = 7,
    revealed: int = 2,
    within: int = 30,
    deposit: str | None = "2",
    penalty: str | None = "0.5",
    forfeit: bool = True,
    cap: str | None = None,
    inspection: int | None = None,
    security: str | None = None,
    best_value: tuple[str, str, int] | None = None,
) -> Statute:
    """procurement.law as an AST; each keyword changes, drops or adds one sentence (durations in days):
    `cap` on the penalty, `inspection` window and performance `security` are absent by default;
    `best_value` (price weight, quality weight, evaluation days) replaces the lowest-price award."""
    sealed_bids: list = [BiddingRule(Ref("bidding period"), Ref("reveal period"))]
    if deposit is not None:
        sealed_bids.append(DepositRule(Lit(percent(deposit))))
    if forfeit:
        sealed_bids.append(ForfeitRule(Ref("supplier")))
    delivery: list = [DeliveryRule(Ref("inspection station"), Ref("delivery deadline"))]
    if inspection is not None:
        delivery.append(InspectionRule(Ref("inspection station"), Lit(days(inspection))))
    if penalty is not None:
        delivery.append(PenaltyRule(Lit(percent(penalty)), cap=Lit(percent(cap)) if cap is not None else None))
    award: list = [AwardRule()]
    if best_value is not None:
        price, quality, evaluation = best_value
        award = [
            BestValueRule(Lit(percent(price)), Lit(percent(quality))),
            ScoringRule(Ref("state reserve"), Lit(days(evaluation))),
        ]
    if security is not None:
        award.append(SecurityRule(Lit(percent(security))))
    return Statute(
        header=Header(
            "Grain Unified Purchase Regulation",
            Domain.PROCUREMENT,
            1,
            dt.date(2026, 6, 1),
            "CNY",
            TZ,
            "People's Republic of China",
        ),
        parties=(
            Party("state reserve", PartyKind.AGENCY),
            Party("supplier", PartyKind.FIRM),
            Party("inspection station", PartyKind.DEVICE),
        ),
        terms=(
            Term("price ceiling", cny(ceiling)),
            Term("bidding period", days(sealed)),
            Term("reveal period", days(revealed)),
            Term("delivery deadline", days(within)),
        ),
        articles=(
            Article(
                "1",
                "Purchase",
                (PurchaseRule(Ref("state reserve"), "wheat", "kilograms", Ref("price ceiling"), "kilogram"),),
            ),
            Article("2", "Sealed bids", tuple(sealed_bids)),
            Article("3", "Award", tuple(award)),
            Article("4", "Delivery", tuple(delivery)),
            Article("5", "Payment", (SupplyPaymentRule(Ref("state reserve"), Ref("supplier")),)),
        ),
    )


class Script(scripting.Script):
    interpreter_class = ProcurementInterpreter

    def __init__(self, start: str = "2026-06-01 00:00") -> None:
        super().__init__(start)

    def parties(self, scenario: Scenario) -> dict:
        return {"buyers": scenario.registered_buyers()}


WHEAT_MINT = {"reserve": "10000000.00", "s1": "100000.00", "s2": "100000.00", "s3": "100000.00", "s4": "100000.00"}


def tender(quantity: int = 1000) -> Script:
    """An inspector for the reserve and a tender opened 2026-06-01 09:00: bids close 06-08 09:00,
    reveals 06-10 09:00, and deliveries are due 2026-07-10 09:00."""
    script = Script()
    script(RegisterInspector, inspector="station1", buyer="reserve")
    script(OpenTender, buyer="reserve", quantity=quantity, at="2026-06-01 09:00")
    return script


def awarded(quantity: int = 1000) -> Script:
    """`tender` with s1's bid at CNY 3.00 revealed and awarded (events 2-4)."""
    script = tender(quantity)
    script(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")
    script(Reveal, supplier="s1", at="2026-06-08 10:00")
    script(Award, at="2026-06-10 09:00")
    return script


# ------------------------------------------------------------ the example scenario


def test_procurement_wheat_scenario_meets_its_expect_block() -> None:
    s = Script()
    s(RegisterInspector, inspector="station1", buyer="reserve")  # 0
    s(OpenTender, buyer="reserve", quantity=1_000_000, at="2026-06-01 09:00")  # 1
    s(Bid, supplier="s1", price=cny("2.95"), at="2026-06-02 10:00")  # 2
    s(Bid, supplier="s2", price=cny("2.90"), at="2026-06-03 10:00")  # 3
    s(Bid, supplier="s3", price=cny("2.90"), at="2026-06-04 10:00")  # 4
    s(Bid, supplier="s4", price=cny("2.50"), at="2026-06-08 10:00")  # 5
    s(Reveal, supplier="s1", at="2026-06-08 12:00")  # 6
    s(Reveal, supplier="s2", at="2026-06-09 12:00")  # 7
    s(Award, at="2026-06-10 10:00")  # 8
    s(Deliver, supplier="s2", quantity=400_000, inspector="station1", at="2026-06-20 10:00")  # 9
    s(Deliver, supplier="s2", quantity=100, inspector="fake", at="2026-06-21 10:00")  # 10
    s(Deliver, supplier="s2", quantity=600_000, inspector="station1", at="2026-07-12 12:00")  # 11
    s(Deliver, supplier="s2", quantity=1, inspector="station1", at="2026-07-13 12:00")  # 12
    interpreter = s.interpreter(procurement_statute(), WHEAT_MINT)
    outcome = interpreter.run(tuple(s.events))

    assert payments(outcome) == [
        (8, "s3", "reserve", "58000.00", "2"),
        (9, "reserve", "s2", "1160000.00", "5"),
        (11, "reserve", "s2", "1713900.00", "5"),
    ]
    assert rejections(outcome) == [
        (5, Reason.BIDDING_CLOSED.value),
        (10, Reason.NOT_INSPECTOR.value),
        (12, Reason.BEYOND_QUANTITY.value),
    ]
    assert balances(outcome) == {
        "reserve": "7184100.00",
        "s1": "100000.00",
        "s2": "2973900.00",
        "s3": "42000.00",
        "s4": "100000.00",
    }
    assert not any(interpreter.ledger.pots.values())  # the finished tender holds nothing


# ------------------------------------------------------------ opening and bidding


def test_tender_escrow_beyond_the_buyer_wallet_is_rejected() -> None:
    s = Script()
    s(OpenTender, buyer="reserve", quantity=1000, at="2026-06-01 09:00")  # needs 3100.00
    s(OpenTender, buyer="reserve", quantity=0)
    s(OpenTender, buyer="reserve", quantity=999)
    s(OpenTender, buyer="reserve", quantity=1)  # many tenders may be open at once
    outcome = s.run(procurement_statute(), {"reserve": "3099.99"})
    assert rejections(outcome) == [
        (0, Reason.ESCROW_SHORT.value),
        (1, Reason.QUANTITY_NOT_POSITIVE.value),
        (3, Reason.ESCROW_SHORT.value),
    ]
    assert balances(outcome) == {"reserve": "3.09"}


def test_bid_deposit_beyond_the_supplier_wallet_is_rejected() -> None:
    s = tender()  # deposit = 2% × price × 1000
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")  # 60.00 > 59.99
    s(Bid, supplier="s2", price=cny("2.99"))  # 59.80
    s(Bid, supplier="s2", price=cny("2.00"))
    s(Bid, supplier="s3", price=cny("0.00"))
    outcome = s.run(procurement_statute(), {"reserve": "3100.00", "s1": "59.99", "s2": "59.99", "s3": "1.00"})
    assert rejections(outcome) == [
        (2, Reason.DEPOSIT_SHORT.value),
        (4, Reason.ALREADY_BID.value),
        (5, Reason.PRICE_NOT_POSITIVE.value),
    ]
    assert balances(outcome) == {"reserve": "0.00", "s1": "59.99", "s2": "0.19", "s3": "1.00"}


def test_deposit_is_rounded_once_half_up() -> None:
    s = tender(quantity=25)
    s(Bid, supplier="s1", price=cny("3.01"), at="2026-06-02 10:00")  # 2% × 75.25 = 1.505 -> 1.51
    interpreter = s.interpreter(procurement_statute(), {"reserve": "100.00", "s1": "10.00"})
    interpreter.run(tuple(s.events))
    assert interpreter.ledger.wallet("s1") == 1000 - 151


def test_bid_window_is_half_open() -> None:
    s = tender()
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-01 09:00")  # at the opening
    s(Bid, supplier="s2", price=cny("2.90"), at="2026-06-08 08:59:59")
    s(Bid, supplier="s3", price=cny("2.80"), at="2026-06-08 09:00")  # bids close
    outcome = s.run(procurement_statute(), {"reserve": "3100.00", "s1": "100", "s2": "100", "s3": "100"})
    assert rejections(outcome) == [(4, Reason.BIDDING_CLOSED.value)]


def test_no_tender_means_no_bid_reveal_award_or_delivery() -> None:
    s = Script()
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")
    s(Reveal, supplier="s1")
    s(Award)
    s(Deliver, supplier="s1", quantity=1, inspector="station1")
    outcome = s.run(procurement_statute(), {"s1": "100.00"})
    assert rejections(outcome) == [
        (0, Reason.NO_OPEN_TENDER.value),
        (1, Reason.NO_OPEN_TENDER.value),
        (2, Reason.NO_OPEN_TENDER.value),
        (3, Reason.NO_OPEN_TENDER.value),
    ]


def test_events_before_the_effective_date_are_rejected() -> None:
    s = Script(start="2026-05-31 23:59:59")
    s(RegisterInspector, inspector="station1", buyer="reserve")
    s(OpenTender, buyer="reserve", quantity=10)
    s(OpenTender, buyer="reserve", quantity=10, at="2026-06-01 00:00")
    outcome = s.run(procurement_statute(), {"reserve": "100.00"})
    assert rejections(outcome) == [(0, BEFORE_EFFECTIVE), (1, BEFORE_EFFECTIVE)]
    assert balances(outcome) == {"reserve": "69.00"}


# ------------------------------------------------------------ reveals


def test_reveal_outside_its_window_is_rejected() -> None:
    s = tender()
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")  # 2
    s(Bid, supplier="s2", price=cny("3.00"))  # 3
    s(Reveal, supplier="s1", at="2026-06-08 08:59:59")  # 4: still bidding
    s(Reveal, supplier="s1", at="2026-06-08 09:00")  # 5: the window opens
    s(Reveal, supplier="s1")  # 6
    s(Reveal, supplier="s3")  # 7: never bid
    s(Reveal, supplier="s2", at="2026-06-10 09:00")  # 8: the window has closed
    outcome = s.run(procurement_statute(), {"reserve": "3100.00", "s1": "100.00", "s2": "100.00"})
    assert rejections(outcome) == [
        (4, Reason.OUTSIDE_REVEAL.value),
        (6, Reason.ALREADY_REVEALED.value),
        (7, Reason.NO_BID.value),
        (8, Reason.OUTSIDE_REVEAL.value),
    ]


def test_reveal_above_the_ceiling_is_rejected_and_the_bid_forfeits() -> None:
    s = tender()
    s(Bid, supplier="s1", price=cny("3.11"), at="2026-06-02 10:00")  # 2: sealed, so accepted
    s(Bid, supplier="s2", price=cny("3.10"))  # 3: at the ceiling
    s(Reveal, supplier="s1", at="2026-06-08 10:00")  # 4
    s(Reveal, supplier="s2")  # 5
    s(Award, at="2026-06-10 09:00")  # 6
    outcome = s.run(procurement_statute(), {"reserve": "3100.00", "s1": "100.00", "s2": "100.00"})
    assert rejections(outcome) == [(4, Reason.ABOVE_CEILING.value)]
    assert payments(outcome) == [(6, "s1", "reserve", "62.20", "2")]


# ------------------------------------------------------------ award


def test_award_waits_for_the_reveal_window_and_happens_once() -> None:
    s = tender()
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")  # 2
    s(Reveal, supplier="s1", at="2026-06-08 10:00")  # 3
    s(Award, at="2026-06-10 08:59:59")  # 4
    s(Award, at="2026-06-10 09:00")  # 5
    s(Award)  # 6
    outcome = s.run(procurement_statute(), {"reserve": "3100.00", "s1": "100.00"})
    assert rejections(outcome) == [(4, Reason.REVEAL_NOT_OVER.value), (6, Reason.NO_OPEN_TENDER.value)]


def test_tie_goes_to_the_earliest_commitment_whatever_the_reveal_order() -> None:
    s = tender(quantity=100)
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")  # 2
    s(Bid, supplier="s2", price=cny("2.80"), at="2026-06-03 10:00")  # 3: earliest of the lowest
    s(Bid, supplier="s3", price=cny("2.80"), at="2026-06-03 10:00")  # 4: same price, same second
    s(Reveal, supplier="s3", at="2026-06-08 10:00")  # 5
    s(Reveal, supplier="s1")  # 6
    s(Reveal, supplier="s2")  # 7
    s(Award, at="2026-06-10 09:00")  # 8
    s(Deliver, supplier="s3", quantity=100, inspector="station1")  # 9
    s(Deliver, supplier="s2", quantity=100, inspector="station1")  # 10
    outcome = s.run(procurement_statute(), {"reserve": "310.00", "s1": "10.00", "s2": "10.00", "s3": "10.00"})
    assert rejections(outcome) == [(9, Reason.NOT_WINNER.value)]
    assert payments(outcome) == [(10, "reserve", "s2", "280.00", "5")]
    assert balances(outcome) == {"reserve": "30.00", "s1": "10.00", "s2": "290.00", "s3": "10.00"}


def test_without_a_forfeit_rule_non_revealers_are_refunded() -> None:
    s = tender()
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")
    s(Award, at="2026-06-10 09:00")
    outcome = s.run(procurement_statute(forfeit=False), {"reserve": "3100.00", "s1": "100.00"})
    assert payments(outcome) == [] and rejections(outcome) == []
    assert balances(outcome) == {"reserve": "3100.00", "s1": "100.00"}


def test_award_without_a_revealed_bid_returns_the_escrow_and_frees_the_next_tender() -> None:
    s = tender()
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")  # 2: never revealed
    s(Award, at="2026-06-10 09:00")  # 3
    s(Deliver, supplier="s1", quantity=1, inspector="station1")  # 4
    s(OpenTender, buyer="reserve", quantity=10)  # 5
    s(Bid, supplier="s1", price=cny("3.00"))  # 6: a new tender takes a new bid
    outcome = s.run(procurement_statute(), {"reserve": "3100.00", "s1": "100.00"})
    assert payments(outcome) == [(3, "s1", "reserve", "60.00", "2")]
    assert rejections(outcome) == [(4, Reason.NOT_AWARDED.value)]
    assert balances(outcome) == {"reserve": "3129.00", "s1": "39.40"}


def test_without_a_deposit_rule_bids_carry_nothing_and_forfeit_nothing() -> None:
    s = tender()
    s(Bid, supplier="s1", price=cny("3.00"), at="2026-06-02 10:00")
    s(Award, at="2026-06-10 09:00")
    outcome = s.run(procurement_statute(deposit=None), {"reserve": "3100.00", "s1": "0.00"})
    assert payments(outcome) == [] and rejections(outcome) == []


# ------------------------------------------------------------ delivery


def test_days_late_counts_started_days_after_the_deadline() -> None:
    deadline = moment("2026-07-10 09:00")
    assert days_late(deadline, moment("2026-06-20 09:00")) == 0
    assert days_late(deadline, deadline) == 0
    assert days_late(deadline, moment("2026-07-10 09:00:01")) == 1
    assert days_late(deadline, moment("2026-07-11 09:00")) == 1
    assert days_late(deadline, moment("2026-07-11 09:00:01")) == 2
    assert days_late(deadline, moment("2026-07-12 12:00")) == 3


@pytest.mark.parametrize(
    ("at", "paid"),
    [
        ("2026-07-10 09:00", "300.00"),  # exactly at the deadline: on time
        ("2026-07-10 09:00:01", "298.50"),  # one second late: one day, 0.5%
        ("2026-07-20 09:00:01", "283.50"),  # 11 days
    ],
)
def test_late_delivery_penalty(at: str, paid: str) -> None:
    s = awarded(quantity=100)
    s(Deliver, supplier="s1", quantity=100, inspector="station1", at=at)
    outcome = s.run(procurement_statute(), {"reserve": "310.00", "s1": "10.00"})
    assert payments(outcome) == [(5, "reserve", "s1", paid, "5")]


def test_penalty_is_capped_at_everything_and_the_tender_still_closes() -> None:
    s = awarded(quantity=100)
    s(Deliver, supplier="s1", quantity=40, inspector="station1", at="2026-07-19 09:00")  # 9 days × 10%
    s(Deliver, supplier="s1", quantity=60, inspector="station1", at="2026-07-19 10:00")  # 10 days: capped
    interpreter = s.interpreter(procurement_statute(penalty="10"), {"reserve": "310.00", "s1": "10.00"})
    outcome = interpreter.run(tuple(s.events))
    assert payments(outcome) == [(5, "reserve", "s1", "12.00", "5")]
    assert rejections(outcome) == []
    assert balances(outcome) == {"reserve": "298.00", "s1": "22.00"}
    assert not any(interpreter.ledger.pots.values())


def test_penalty_payment_is_rounded_once_half_up() -> None:
    s = awarded(quantity=1000)
    s(Deliver, supplier="s1", quantity=1, inspector="station1", at="2026-07-10 09:00:01")  # 2.985 -> 2.99
    outcome = s.run(procurement_statute(), {"reserve": "3100.00", "s1": "60.00"})
    assert payments(outcome) == [(5, "reserve", "s1", "2.99", "5")]


def test_without_a_penalty_rule_late_deliveries_are_paid_in_full_within_the_grace() -> None:
    s = awarded(quantity=10)  # deadline 2026-07-10 09:00; the grace is the inspection window, 7 days
    s(Deliver, supplier="s1", quantity=5, inspector="station1", at="2026-07-17 08:59")
    s(Deliver, supplier="s1", quantity=5, inspector="station1", at="2026-07-17 09:00")
    outcome = s.run(procurement_statute(penalty=None), {"reserve": "31.00", "s1": "1.00"})
    assert payments(outcome) == [(5, "reserve", "s1", "15.00", "5")]
    assert rejections(outcome) == [(6, Reason.DELIVERY_PERIOD_OVER.value)]


def test_only_the_buyers_inspector_confirms_and_only_the_winner_delivers() -> None:
    s = awarded(quantity=10)
    s(RegisterInspector, inspector="station2", buyer="other")  # 5
    s(RegisterInspector, inspector="station1", buyer="other")  # 6: bound to the reserve already
    s(Deliver, supplier="s1", quantity=5, inspector="station2")  # 7
    s(Deliver, supplier="s2", quantity=5, inspector="station1")  # 8
    s(Deliver, supplier="s1", quantity=0, inspector="station1")  # 9
    s(Deliver, supplier="s1", quantity=11, inspector="station1")  # 10
    s(Deliver, supplier="s1", quantity=10, inspector="station1")  # 11
    outcome = s.run(procurement_statute(), {"reserve": "31.00", "s1": "1.00"})
    assert rejections(outcome) == [
        (6, Reason.INSPECTOR_BOUND.value),
        (7, Reason.NOT_INSPECTOR.value),
        (8, Reason.NOT_WINNER.value),
        (9, Reason.QUANTITY_NOT_POSITIVE.value),
        (10, Reason.BEYOND_QUANTITY.value),
    ]
    assert payments(outcome) == [(11, "reserve", "s1", "30.00", "5")]
    assert balances(outcome) == {"reserve": "1.00", "s1": "31.00"}


def test_tenders_run_side_by_side_and_events_name_theirs() -> None:
    s = awarded(quantity=10)
    s(OpenTender, buyer="reserve", quantity=10)  # 5: tender 1, while tender 0 is delivering
    s(Deliver, supplier="s1", quantity=1, inspector="station1")  # 6: the latest, tender 1, is not awarded
    s(Deliver, supplier="s1", quantity=10, inspector="station1", tender=0)  # 7
    s(Deliver, supplier="s1", quantity=1, inspector="station1", tender=2)  # 8: no such tender
    outcome = s.run(procurement_statute(), {"reserve": "62.00", "s1": "1.00"})
    assert rejections(outcome) == [(6, Reason.NOT_AWARDED.value), (8, Reason.NO_OPEN_TENDER.value)]
    assert payments(outcome) == [(7, "reserve", "s1", "30.00", "5")]
    assert balances(outcome) == {"reserve": "1.00", "s1": "31.00"}  # tender 1's 31.00 still in escrow


# ------------------------------------------------------------ money is conserved

SUPPLIERS = ("s1", "s2", "s3")
# Placeholders in generated deliveries, resolved when applied: the winner and what is left to
# deliver are not known when the events are drawn.
WINNER = "<the winner>"
REST = -1


def resolve(fields: dict, current: Tender | None) -> dict:
    winner = current.winner if current is not None else None
    if fields.get("supplier") == WINNER:
        fields = {**fields, "supplier": winner.supplier if winner else "s1"}
    if fields.get("quantity") == REST and current is not None:
        fields = {**fields, "quantity": current.quantity - current.delivered}
    return fields


def tender_events(start: dt.datetime) -> st.SearchStrategy:
    """A random tender's life, each event at a random hour after `start`, sorted by time.

    The tender opens at hour 0, so bids close at hour 168, reveals at 216 and
    deliveries are due by 936; the hours are drawn around those edges, and a
    few more openings fall anywhere, so that every branch is reached.
    """

    def at(low: int, high: int) -> st.SearchStrategy:
        return st.integers(min_value=low, max_value=high)

    supplier = st.sampled_from(SUPPLIERS * 3 + ("reserve",))
    price = st.integers(min_value=-5, max_value=400).map(lambda minor: Money("CNY", minor))
    quantity = st.integers(min_value=-1, max_value=40)
    opening = st.builds(lambda q: [(0, OpenTender, {"buyer": "reserve", "quantity": q})], quantity)
    bids = st.lists(
        st.builds(lambda h, s, p: (h, Bid, {"supplier": s, "price": p}), at(0, 180), supplier, price),
        min_size=1,
        max_size=6,
    )
    reveals = st.lists(
        st.builds(lambda h, s: (h, Reveal, {"supplier": s}), at(160, 225), supplier), min_size=1, max_size=6
    )
    awards = st.lists(st.builds(lambda h: (h, Award, {}), at(210, 240)), min_size=1, max_size=2)
    deliveries = st.lists(
        st.builds(
            lambda h, s, q, i: (h, Deliver, {"supplier": s, "quantity": q, "inspector": i}),
            at(210, 1200),
            st.sampled_from((WINNER, WINNER, WINNER, "s1", "reserve")),
            st.one_of(st.just(REST), st.integers(min_value=0, max_value=25)),
            st.sampled_from(("station1", "station1", "station2")),
        ),
        max_size=8,
    )
    reopenings = st.lists(
        st.builds(lambda h, q: (h, OpenTender, {"buyer": "reserve", "quantity": q}), at(0, 1200), quantity), max_size=2
    )
    return st.tuples(opening, bids, reveals, awards, deliveries, reopenings).map(
        lambda parts: [
            (start + dt.timedelta(hours=h), kind, fields)
            for h, kind, fields in sorted(sum(parts, []), key=lambda item: item[0])
        ]
    )


@settings(max_examples=200, deadline=None)
@given(
    deposit=st.sampled_from((None, "2", "33.3333")),
    penalty=st.sampled_from((None, "0.5", "40")),
    forfeit=st.booleans(),
    events=tender_events(moment("2026-06-01 09:00")),
)
def test_money_is_conserved_over_random_tenders(
    deposit: str | None, penalty: str | None, forfeit: bool, events: list
) -> None:
    """Whatever happens, money only moves: wallets plus escrow and deposits always sum to what was minted."""
    statute = procurement_statute(deposit=deposit, penalty=penalty, forfeit=forfeit)
    minted = {"reserve": cny("500.00"), "s1": cny("30.00"), "s2": cny("5.00"), "s3": cny("100.00")}
    interpreter = ProcurementInterpreter(statute, minted, list(minted), buyers=("reserve",))
    interpreter.apply(RegisterInspector(index=0, at=moment("2026-06-01 00:00"), inspector="station1", buyer="reserve"))
    total = interpreter.ledger.total()
    for index, (at, kind, fields) in enumerate(events, start=1):
        interpreter.apply(kind(index=index, at=at, **resolve(fields, interpreter.tender)))
        assert interpreter.ledger.total() == total
        assert all(minor >= 0 for minor in interpreter.ledger.wallets.values())
        assert all(minor >= 0 for minor in interpreter.ledger.pots.values())
        current = interpreter.tender
        if current is not None and current.delivered == current.quantity:
            assert interpreter.ledger.pot(current.escrow_pot) == 0
