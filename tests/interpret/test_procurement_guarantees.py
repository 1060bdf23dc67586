"""Caps on late-delivery deductions, the inspection window sentence and the performance security.

Statutes are `procurement_statute` ASTs (procurement.law with switches); every
amount below is worked by hand in its comment. Tender: 100 kg, escrow 310.00,
s1 wins at 3.00 (contract price 300.00, deposit 2% = 6.00), deadline
2026-07-10 09:00.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.events import AcceptDelivery, Award, Bid, CloseTender, ConfirmDelivery, Deliver, RecordDelivery, Reveal
from lawdsl.interpret import interpret_explained
from lawdsl.interpret.tenders import Reason
from lawdsl.scenario import load_scenario
from tests.conftest import ROOT
from tests.interpret.scripting import balances, payments, rejections
from tests.interpret.test_procurement import awarded, cny, procurement_statute, tender

MINT = {"reserve": "310.00", "s1": "40.00"}


def test_deductions_stop_at_the_cap_across_deliveries() -> None:
    """0.5% a day, at most 10% of the contract price (300.00): 30.00 in all."""
    s = awarded(quantity=100)
    s(RecordDelivery, supplier="s1", quantity=40, at="2026-07-22 09:00")  # 12 days: 6% of 120.00 = 7.20
    s(ConfirmDelivery, inspector="station1", delivery=0, at="2026-07-23 09:00")  # paid 112.80
    s(RecordDelivery, supplier="s1", quantity=60, at="2026-08-09 09:00")  # 30 days: 15% of 180.00 = 27.00
    s(ConfirmDelivery, inspector="station1", delivery=1, at="2026-08-10 09:00")  # cap left 22.80: paid 157.20
    outcome = s.run(procurement_statute(cap="10"), MINT)
    assert payments(outcome) == [(6, "reserve", "s1", "112.80", "5"), (8, "reserve", "s1", "157.20", "5")]
    # reserve 310.00 − 270.00 = 40.00; s1 40.00 + 270.00 (its 6.00 deposit back)
    assert balances(outcome) == {"reserve": "40.00", "s1": "310.00"}


def test_without_a_cap_the_same_deliveries_lose_more() -> None:
    s = awarded(quantity=100)
    s(RecordDelivery, supplier="s1", quantity=60, at="2026-08-09 09:00")  # 15% of 180.00 = 27.00
    s(ConfirmDelivery, inspector="station1", delivery=0, at="2026-08-10 09:00")
    assert payments(s.run(procurement_statute(), MINT)) == [(6, "reserve", "s1", "153.00", "5")]
    s = awarded(quantity=100)
    s(RecordDelivery, supplier="s1", quantity=60, at="2026-08-09 09:00")  # capped: 10% of 300.00 = 30.00 ≥ 27.00
    s(ConfirmDelivery, inspector="station1", delivery=0, at="2026-08-10 09:00")
    assert payments(s.run(procurement_statute(cap="10"), MINT)) == [(6, "reserve", "s1", "153.00", "5")]


def test_the_cap_does_not_shorten_the_grace() -> None:
    """0.5% a day takes a whole payment after 200 days: deliveries are taken until then, cap or not."""
    s = awarded(quantity=100)
    s(CloseTender, at="2027-01-26 08:59")  # deadline 2026-07-10 09:00 + 200 days = 2027-01-26 09:00
    s(RecordDelivery, supplier="s1", quantity=100, at="2027-01-26 08:59")  # 200 days: 10% of 300.00 kept back
    s(AcceptDelivery, delivery=0, at="2027-02-02 08:59")
    outcome = s.run(procurement_statute(cap="10"), MINT)
    assert rejections(outcome) == [(5, Reason.NOT_CLOSEABLE.value)]
    assert payments(outcome) == [(7, "reserve", "s1", "270.00", "5")]


def test_the_inspection_window_is_the_statutes() -> None:
    s = awarded(quantity=100)
    s(RecordDelivery, supplier="s1", quantity=50, at="2026-07-01 09:00")
    s(ConfirmDelivery, inspector="station1", delivery=0, at="2026-07-03 09:00")  # 2 days: the window is over
    s(AcceptDelivery, delivery=0, at="2026-07-03 08:59")  # a minute early
    s(AcceptDelivery, delivery=0, at="2026-07-03 09:00")
    outcome = s.run(procurement_statute(inspection=2), MINT)
    assert rejections(outcome) == [(6, Reason.WINDOW_OVER.value), (7, Reason.WINDOW_OPEN.value)]
    assert payments(outcome) == [(8, "reserve", "s1", "150.00", "5")]


def test_the_security_is_held_from_the_award_and_returned_on_acceptance() -> None:
    s = awarded(quantity=100)  # security 10% × 300.00 = 30.00 leaves s1's wallet at the award
    s(RecordDelivery, supplier="s1", quantity=100, at="2026-07-01 09:00")
    interpreter = s.interpreter(procurement_statute(security="10"), MINT)
    for event in s.events[:5]:
        interpreter.apply(event)
    assert interpreter.ledger.wallets["s1"] == 400  # 40.00 − 6.00 deposit − 30.00 security, in minor units
    outcome = interpreter.run(tuple(s.events[5:]))
    assert payments(outcome) == []  # recorded, not yet judged
    s(AcceptDelivery, delivery=0, at="2026-07-08 09:00")
    outcome = s.run(procurement_statute(security="10"), MINT)
    assert payments(outcome) == [(6, "reserve", "s1", "300.00", "5")]
    assert balances(outcome) == {"reserve": "10.00", "s1": "340.00"}  # deposit and security returned


def test_a_winner_that_cannot_lodge_its_security_forfeits_its_deposit() -> None:
    s = awarded(quantity=100)
    outcome = s.run(procurement_statute(security="10"), {"reserve": "310.00", "s1": "35.99"})
    # 35.99 − 6.00 = 29.99 < 30.00: not lodged; the 6.00 deposit forfeits under article 3, the escrow returns
    assert payments(outcome) == [(4, "s1", "reserve", "6.00", "3")]
    assert balances(outcome) == {"reserve": "316.00", "s1": "29.99"}
    s(RecordDelivery, supplier="s1", quantity=1, at="2026-06-11 09:00")
    assert rejections(s.run(procurement_statute(security="10"), {"reserve": "310.00", "s1": "35.99"})) == [
        (5, Reason.BEYOND_QUANTITY.value)
    ]


def test_on_default_the_deposit_and_the_security_forfeit() -> None:
    s = awarded(quantity=100)
    s(CloseTender, at="2027-01-26 09:00")
    outcome = s.run(procurement_statute(security="10"), MINT)
    assert payments(outcome) == [(5, "s1", "reserve", "6.00", "4"), (5, "s1", "reserve", "30.00", "3")]
    assert balances(outcome) == {"reserve": "346.00", "s1": "4.00"}


def test_the_security_is_rounded_once_half_up() -> None:
    s = tender(quantity=7)  # 7 × 0.99 = 6.93; 2.5% of it = 0.17325 → 0.17
    s(Bid, supplier="s1", price=cny("0.99"), at="2026-06-02 10:00")
    s(Reveal, supplier="s1", at="2026-06-08 10:00")
    s(Award, at="2026-06-10 09:00")
    interpreter = s.interpreter(procurement_statute(security="2.5"), {"reserve": "21.70", "s1": "1.00"})
    interpreter.run(tuple(s.events))
    assert interpreter.ledger.pot("tender 0 performance security") == 17


@settings(max_examples=60, deadline=None)
@given(
    cap=st.sampled_from(("0.1", "5", "10", "33.3333", "100")),
    penalty=st.sampled_from(("0.5", "3", "40")),
    price=st.integers(min_value=1, max_value=310),
    deliveries=st.lists(
        st.tuples(st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=90 * 24)),
        min_size=1,
        max_size=6,
    ).map(lambda found: sorted(found, key=lambda delivery: delivery[1])),
)
def test_a_capped_amount_never_exceeds_its_cap(
    cap: str, penalty: str, price: int, deliveries: list[tuple[int, int]]
) -> None:
    """Whatever the lateness, a tender's deductions together are the lesser of the cap (a share of the
    contract price) and the deductions uncapped, exactly; so they never exceed the cap."""
    s = tender(quantity=100)
    s(Bid, supplier="s1", price=cny(f"{price / 100:.2f}"), at="2026-06-02 10:00")
    s(Reveal, supplier="s1", at="2026-06-08 10:00")
    s(Award, at="2026-06-10 09:00")
    deadline = dt.datetime(2026, 7, 10, 9)
    for quantity, hours in deliveries:
        at = (deadline + dt.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")
        s(Deliver, supplier="s1", quantity=quantity, inspector="station1", at=at)
    interpreter = s.interpreter(procurement_statute(cap=cap, penalty=penalty), {"reserve": "310.00", "s1": "10.00"})
    outcome = interpreter.run(tuple(s.events))
    refused = {event for event, _ in rejections(outcome)}
    taken = [delivery for i, delivery in enumerate(deliveries, start=5) if i not in refused]
    uncapped = sum(price * q * min(Fraction(1), -(-h // 24) * Fraction(penalty) / 100) for q, h in taken)
    limit = Fraction(cap) / 100 * price * 100
    assert interpreter.tenders[0].damages == min(limit, uncapped) <= limit
    paid = sum(int(p[3].replace(".", "")) for p in payments(outcome))  # each payment rounded once, half up
    assert abs(paid - (sum(price * q for q, _ in taken) - min(limit, uncapped))) <= Fraction(len(taken), 2)


def test_explain_shows_the_cap_and_the_forfeited_security() -> None:
    _, late = interpret_explained(load_scenario(ROOT / "statutes" / "bridge-steel-late.yaml"))
    capped = {step.what: step.value for step in late[2].steps}
    assert capped["cap on deductions"] == (
        "10% of the contract price (250 × CNY 4600.00) = CNY 115000.00; CNY 27600.00 deducted before, CNY 87400.00 left"
    )
    assert capped["earned"] == "150 × CNY 4600.00 − CNY 87400.00 = CNY 602600.00"
    _, default = interpret_explained(load_scenario(ROOT / "statutes" / "bridge-steel-default.yaml"))
    assert [step.value for step in default[0].steps][1:] == [
        "CNY 4500.00, not lodged",
        "CNY 900.00, the winning bid's whole deposit, forfeits to the buyer",
    ]
    assert {step.what: step.value for step in default[2].steps}["forfeited"] == "the whole security, CNY 4900.00"
