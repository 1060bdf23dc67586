"""Best price-quality award (Directive 2014/24/EU Art. 67): scores by the tender's buyer after the reveal.

`procurement_statute(best_value=("60", "40", 3))`: price weighs 60%, quality 40%, and the reserve
scores during the 3 days after the reveal period (2026-06-10 09:00 to 06-13 09:00); the delivery
deadline moves with it, to 2026-07-13 09:00. Tender: 100 kg, escrow 310.00.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.events import Award, Bid, Deliver, Reveal, ScoreBid
from lawdsl.interpret.tenders import Reason
from tests.interpret.scripting import balances, payments, rejections
from tests.interpret.test_procurement import cny, procurement_statute, tender

STATUTE = procurement_statute(best_value=("60", "40", 3))
MINT = {"reserve": "310.00", "s1": "10.00", "s2": "10.00", "s3": "10.00"}


def bidding():
    """s1 at 3.00, s2 at 2.50 (the lowest), s3 at 2.80, all revealed (events 2-7)."""
    s = tender(quantity=100)
    for supplier, price, day in (("s1", "3.00", 2), ("s2", "2.50", 3), ("s3", "2.80", 4)):
        s(Bid, supplier=supplier, price=cny(price), at=f"2026-06-0{day} 10:00")
    for supplier in ("s1", "s2", "s3"):
        s(Reveal, supplier=supplier, at="2026-06-09 10:00")
    return s


def test_the_best_weighted_score_wins_not_the_lowest_price() -> None:
    s = bidding()
    s(ScoreBid, buyer="reserve", supplier="s1", quality=95, at="2026-06-10 10:00")  # 60 × 2.5/3 = 50 + 38 = 88
    s(ScoreBid, buyer="reserve", supplier="s2", quality=50)  # 60 + 20 = 80
    s(ScoreBid, buyer="reserve", supplier="s3", quality=90)  # 60 × 2.5/2.8 = 53.57… + 36 = 89.57…: the best
    s(Award, at="2026-06-13 09:00")
    s(Deliver, supplier="s3", quantity=100, inspector="station1", at="2026-07-13 09:00")  # on time: the deadline
    outcome = s.run(STATUTE, MINT)
    assert rejections(outcome) == []
    assert payments(outcome) == [(12, "reserve", "s3", "280.00", "5")]
    assert balances(outcome) == {"reserve": "30.00", "s1": "10.00", "s2": "10.00", "s3": "290.00"}


def test_an_unscored_bid_cannot_win_and_none_scored_closes_the_tender() -> None:
    s = bidding()
    s(ScoreBid, buyer="reserve", supplier="s1", quality=0, at="2026-06-10 10:00")  # 50 points, the only scored
    s(Award, at="2026-06-13 09:00")
    interpreter = s.interpreter(STATUTE, MINT)
    interpreter.run(tuple(s.events))
    winner = interpreter.tenders[0].winner
    assert winner is not None and winner.supplier == "s1"  # s2 (60 points for price alone) was not scored
    s = bidding()
    s(Award, at="2026-06-13 09:00")
    interpreter = s.interpreter(STATUTE, MINT)
    outcome = interpreter.run(tuple(s.events))
    assert interpreter.tenders[0].winner is None and payments(outcome) == []
    assert balances(outcome) == {"reserve": "310.00", "s1": "10.00", "s2": "10.00", "s3": "10.00"}


def test_scores_are_the_buyers_once_each_in_the_evaluation_period() -> None:
    s = bidding()
    s(ScoreBid, buyer="reserve", supplier="s1", quality=80, at="2026-06-10 08:59")  # reveals still open
    s(ScoreBid, buyer="s2", supplier="s2", quality=100, at="2026-06-10 09:00")  # a bidder scores itself
    s(ScoreBid, buyer="reserve", supplier="s4", quality=80)  # no such bid
    s(ScoreBid, buyer="reserve", supplier="s1", quality=101)
    s(ScoreBid, buyer="reserve", supplier="s1", quality=80)
    s(ScoreBid, buyer="reserve", supplier="s1", quality=90)  # once
    s(Award, at="2026-06-13 08:59")
    s(ScoreBid, buyer="reserve", supplier="s2", quality=90, at="2026-06-13 09:00")  # the period is over
    outcome = s.run(STATUTE, MINT)
    assert rejections(outcome) == [
        (8, Reason.OUTSIDE_EVALUATION.value),
        (9, Reason.NOT_TENDER_BUYER.value),
        (10, Reason.NOT_REVEALED.value),
        (11, Reason.QUALITY_OUT_OF_RANGE.value),
        (13, Reason.ALREADY_SCORED.value),
        (14, Reason.EVALUATION_NOT_OVER.value),
        (15, Reason.OUTSIDE_EVALUATION.value),
    ]


def test_a_lowest_price_statute_takes_no_scores() -> None:
    s = bidding()
    s(ScoreBid, buyer="reserve", supplier="s1", quality=80, at="2026-06-10 10:00")
    assert rejections(s.run(procurement_statute(), MINT)) == [(8, Reason.NOT_BEST_VALUE.value)]


@settings(max_examples=80, deadline=None)
@given(
    prices=st.lists(st.integers(5, 310), min_size=1, max_size=5),  # a deposit of at least a minor unit
    qualities=st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=5, max_size=5),
    weight=st.integers(1, 99),
)
def test_the_winner_has_the_best_score_of_the_scored_bids(
    prices: list[int], qualities: list[int | None], weight: int
) -> None:
    """Against the directive's formula computed here: the winner's score is the highest, ties to the earliest."""
    s = tender(quantity=10)
    suppliers = [f"s{n}" for n in range(len(prices))]
    for supplier, price in zip(suppliers, prices):
        s(Bid, supplier=supplier, price=cny(f"{price / 100:.2f}"), at="2026-06-02 10:00")
    for supplier in suppliers:
        s(Reveal, supplier=supplier, at="2026-06-09 10:00")
    for supplier, quality in zip(suppliers, qualities):
        if quality is not None:
            s(ScoreBid, buyer="reserve", supplier=supplier, quality=quality, at="2026-06-10 10:00")
    s(Award, at="2026-06-13 09:00")
    statute = procurement_statute(best_value=(str(100 - weight), str(weight), 3))
    interpreter = s.interpreter(statute, {"reserve": "31.00", **{n: "10.00" for n in suppliers}})
    interpreter.run(tuple(s.events))
    scores = {
        n: (100 - weight) * Fraction(min(prices), p) + Fraction(weight, 100) * q
        for n, p, q in zip(suppliers, prices, qualities)
        if q is not None
    }
    winner = interpreter.tenders[0].winner
    if not scores:
        assert winner is None
    else:
        best = max(scores.values())
        assert winner is not None and winner.supplier == next(n for n in suppliers if scores.get(n) == best)
