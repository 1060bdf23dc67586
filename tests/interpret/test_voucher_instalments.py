"""Voucher instalments in the interpreter (docs/semantics.md, "Instalments").

vouchers.law's program (CNY 200.00 face value, split, 50% share, minimum
CNY 100.00, March 2026) with its face value issued in three parts:
CNY 100.00 from 1 March, CNY 60.00 from 10 March, CNY 40.00 from 20 March.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.ast import Article, Instalment, InstalmentRule, Lit, Statute
from lawdsl.events import Attest, Deposit, Issue, Reclaim, RegisterMerchant, Spend
from lawdsl.interpret.vouchers import Reason, VoucherInterpreter
from tests.interpret.scripting import balances, cny, moment, payments, rejections
from tests.interpret.test_vouchers import ATTRIBUTE, MINT, Script, voucher_statute

PARTS = (("100.00", dt.date(2026, 3, 1)), ("60.00", dt.date(2026, 3, 10)), ("40.00", dt.date(2026, 3, 20)))


def instalment_statute(parts=PARTS, **options) -> Statute:
    statute = voucher_statute(**options)
    rule = InstalmentRule(tuple(Instalment(Lit(cny(amount)), Lit(on)) for amount, on in parts))
    issue, *rest = statute.articles
    return dataclasses.replace(statute, articles=(Article("1", "Issue", (*issue.rules, rule)), *rest))


def issued(recipients=("alice",)) -> Script:
    s = Script()
    s(Deposit, sender="mofcom", amount=cny("1000.00"))  # 0
    for citizen in recipients:
        s(Attest, attester="civil", citizen=citizen, attribute=ATTRIBUTE)
    s(RegisterMerchant, merchant="shop1", category="groceries")
    s(Issue, issuer="mofcom", recipients=tuple(recipients), at="2026-03-01 09:00")
    return s


def test_an_issue_makes_one_voucher_per_part_with_consecutive_serials() -> None:
    s = issued(("alice", "bob"))
    interpreter = s.interpreter(instalment_statute(), MINT)
    interpreter.run(tuple(s.events))
    held = {name: [(v.serial, v.remaining, v.opens) for v in vouchers] for name, vouchers in interpreter.held.items()}
    opens = [moment("2026-03-01 00:00"), moment("2026-03-10 00:00"), moment("2026-03-20 00:00")]
    assert held == {
        "alice": [(0, 10000, opens[0]), (1, 6000, opens[1]), (2, 4000, opens[2])],
        "bob": [(3, 10000, opens[0]), (4, 6000, opens[1]), (5, 4000, opens[2])],
    }
    assert interpreter.reserved == 2 * 20000


def test_a_part_cannot_be_spent_before_its_date_and_can_from_its_first_minute() -> None:
    s = issued()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"), at="2026-03-02 12:00")  # 4: part 1, 100.00
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"), at="2026-03-09 23:59:59")  # 5: too early
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"), at="2026-03-10 00:00")  # 6: part 2, 60.00
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"), at="2026-03-19 12:00")  # 7: too early
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"), at="2026-03-25 12:00")  # 8: part 3, 40.00
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"), at="2026-03-26 12:00")  # 9: nothing left
    outcome = s.run(instalment_statute(), MINT)
    assert payments(outcome) == [
        (4, "mofcom", "shop1", "100.00", "2"),
        (6, "mofcom", "shop1", "60.00", "2"),
        (8, "mofcom", "shop1", "40.00", "2"),
    ]
    assert rejections(outcome) == [
        (5, Reason.NOT_YET_DUE.value),
        (7, Reason.NOT_YET_DUE.value),
        (9, Reason.NO_VOUCHER.value),
    ]


def test_a_part_left_over_is_spent_before_the_next() -> None:
    s = issued()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("120.00"), at="2026-03-15 12:00")  # 60.00 of part 1
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"))  # the other 40.00 of part 1
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"))  # part 2
    outcome = s.run(instalment_statute(), MINT)
    assert [p[3] for p in payments(outcome)] == ["60.00", "40.00", "60.00"]


def test_earlier_refusals_come_first_and_the_share_after_the_date() -> None:
    statute = instalment_statute(split=False, share="50")
    s = issued()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("200.00"), at="2026-03-02 12:00")  # 4: whole part 1
    s(Spend, holder="alice", merchant="jewel", purchase=cny("100.00"))  # 5: merchant first
    s(Spend, holder="alice", merchant="shop1", purchase=cny("50.00"))  # 6: minimum first
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"))  # 7: not yet due, before the share
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"), at="2026-03-10 08:00")  # 8: 60.00 > 50.00
    s(Spend, holder="alice", merchant="shop1", purchase=cny("120.00"))  # 9: 60.00 whole
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"), at="2026-04-01 00:00")  # 10: period first
    outcome = s.run(statute, MINT)
    assert payments(outcome) == [(4, "mofcom", "shop1", "100.00", "2"), (9, "mofcom", "shop1", "60.00", "2")]
    assert rejections(outcome) == [
        (5, Reason.MERCHANT_NOT_ELIGIBLE.value),
        (6, Reason.BELOW_MINIMUM.value),
        (7, Reason.NOT_YET_DUE.value),
        (8, Reason.ABOVE_SHARE.value),
        (10, Reason.OUTSIDE_PERIOD.value),
    ]


def test_an_issue_reserves_the_whole_face_value_or_nothing() -> None:
    s = Script()
    s(Deposit, sender="mofcom", amount=cny("399.99"))
    s(Issue, issuer="mofcom", recipients=("alice", "bob"))
    interpreter = s.interpreter(instalment_statute(attribute=None), MINT)
    outcome = interpreter.run(tuple(s.events))
    assert rejections(outcome) == [(1, f"{Reason.BEYOND_FUNDS.value}: bob")]
    assert [v.remaining for v in interpreter.held["alice"]] == [10000, 6000, 4000] and "bob" not in interpreter.held


def test_the_reclaim_returns_every_unspent_part() -> None:
    s = issued()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("150.00"), at="2026-03-05 12:00")  # 75.00 of part 1
    s(Reclaim, at="2026-04-01 00:00")
    outcome = s.run(instalment_statute(), MINT)
    assert payments(outcome) == [(4, "mofcom", "shop1", "75.00", "2"), (5, "mofcom", "mofcom", "125.00", "4")]
    assert balances(outcome)["mofcom"] == "999925.00"


def test_the_explanation_names_the_part_and_its_date() -> None:
    s = issued()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"), at="2026-03-12 12:00")
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"))
    interpreter = s.interpreter(instalment_statute(), MINT)
    interpreter.explaining = True
    interpreter.run(tuple(s.events))
    first = interpreter.explanations[1].steps[0]
    assert first.value == (
        "the holder's earliest voucher (number 2 issued), CNY 60.00 left of CNY 60.00, spendable from 2026-03-10 00:00"
    )


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=12),
    purchases=st.lists(st.integers(min_value=10000, max_value=60000), min_size=1, max_size=12),
)
def test_no_part_is_ever_paid_before_its_date(days: list[int], purchases: list[int]) -> None:
    """Whatever is spent by a moment is at most the sum of the parts whose date has come."""
    s = issued()
    for day, purchase in zip(sorted(days), purchases):
        s(
            Spend,
            holder="alice",
            merchant="shop1",
            purchase=cny(f"{purchase / 100:.2f}"),
            at=f"2026-03-{day + 1:02d} 12:00",
        )
    outcome = s.run(instalment_statute(), MINT)
    paid = 0
    for payment in outcome.payments:
        at = s.events[payment.event].at
        paid += payment.amount.minor
        due = sum(cny(amount).minor for amount, on in PARTS if moment(f"{on.isoformat()} 00:00") <= at)
        assert paid <= due


def test_without_instalments_a_voucher_has_no_date_of_its_own() -> None:
    s = issued()
    interpreter = s.interpreter(voucher_statute(), MINT)
    interpreter.run(tuple(s.events))
    assert [(v.remaining, v.opens) for v in interpreter.held["alice"]] == [(20000, None)]
    assert isinstance(interpreter, VoucherInterpreter)
