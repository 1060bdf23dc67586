"""The voucher interpreter against docs/semantics.md "Vouchers" and examples/vouchers-march.yaml.

Statutes are built here as ASTs, mirroring
vouchers.law sentence by sentence, with switches for the optional rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.ast import (
    Article,
    Categories,
    DateRange,
    Domain,
    ExpiryRule,
    Header,
    IssueRule,
    Lit,
    MinimumRule,
    Party,
    PartyKind,
    Percentage,
    Ref,
    ShareRule,
    SplitRule,
    Statute,
    Term,
    TransferRule,
    WhenRule,
    WhereRule,
)
from lawdsl.events import (
    Attest,
    Deposit,
    Issue,
    Reclaim,
    RegisterMerchant,
    Spend,
    Transfer,
)
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.interpret.vouchers import Reason, VoucherInterpreter
from lawdsl.money import Money
from lawdsl.scenario import Scenario
from tests.interpret import scripting
from tests.interpret.scripting import TZ, balances, cny, moment, payments, rejections

ATTRIBUTE = "low income household"


def percent(text: str) -> Percentage:
    return Percentage(int(Decimal(text) * 10_000))


def voucher_statute(
    *,
    face: str = "200.00",
    share: str | None = "50",
    minimum: str | None = "100.00",
    split: bool = True,
    transferable: bool | None = False,
    attribute: str | None = ATTRIBUTE,
    when: bool = True,
    expiry: bool = True,
    period: tuple[dt.date, dt.date] = (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
) -> Statute:
    """vouchers.law as an AST; each keyword changes or drops one sentence."""
    terms = [
        Term("face value", cny(face)),
        Term("eligible categories", Categories(("groceries", "household appliances", "restaurants"))),
        Term("validity period", DateRange(*period)),
    ]
    use: list = [WhereRule(Ref("merchant"), Ref("eligible categories"))]
    if when:
        use.append(WhenRule(Ref("validity period")))
    if minimum is not None:
        terms.append(Term("minimum purchase", cny(minimum)))
        use.append(MinimumRule(Ref("minimum purchase")))
    if share is not None:
        use.append(ShareRule(Lit(percent(share))))
    if split:
        use.append(SplitRule())
    issue = IssueRule(
        Ref("commerce bureau"),
        Ref("face value"),
        Ref("resident"),
        attribute,
        Ref("civil affairs bureau") if attribute else None,
    )
    articles = [Article("1", "Issue", (issue,)), Article("2", "Use", tuple(use))]
    if transferable is not None:
        articles.append(Article("3", "Transfer", (TransferRule(transferable),)))
    if expiry:
        articles.append(Article("4", "Expiry", (ExpiryRule(Ref("validity period"), Ref("commerce bureau")),)))
    return Statute(
        header=Header(
            "Household Consumption Voucher Program",
            Domain.VOUCHERS,
            1,
            dt.date(2026, 3, 1),
            "CNY",
            TZ,
            "Shenzhen Municipality",
        ),
        parties=(
            Party("commerce bureau", PartyKind.AGENCY),
            Party("civil affairs bureau", PartyKind.AGENCY),
            Party("resident", PartyKind.CITIZEN),
            Party("merchant", PartyKind.FIRM),
        ),
        terms=tuple(terms),
        articles=tuple(articles),
    )


class Script(scripting.Script):
    interpreter_class = VoucherInterpreter

    def __init__(self, start: str = "2026-03-01 00:00") -> None:
        super().__init__(start)

    def parties(self, scenario: Scenario) -> dict:
        return {"issuer": scenario.named_issuer()}


def funded() -> Script:
    """A program with CNY 10000.00 deposited, alice attested, shop1 a grocer, alice issued a voucher."""
    script = Script()
    script(Deposit, sender="mofcom", amount=cny("10000.00"))
    script(Attest, attester="civil", citizen="alice", attribute=ATTRIBUTE)
    script(RegisterMerchant, merchant="shop1", category="groceries")
    script(Issue, issuer="mofcom", recipients=("alice",), at="2026-03-01 10:00")
    return script


MINT = {"mofcom": "1000000.00"}

# ------------------------------------------------------------ the example scenario


def test_vouchers_march_scenario_meets_its_expect_block() -> None:
    s = Script()
    s(Deposit, sender="mofcom", amount=cny("10000.00"))  # 0
    s(Attest, attester="civil", citizen="alice", attribute=ATTRIBUTE)  # 1
    s(RegisterMerchant, merchant="shop1", category="groceries")  # 2
    s(RegisterMerchant, merchant="jewel1", category="jewellery")  # 3
    s(Issue, issuer="mofcom", recipients=("alice", "bob"), at="2026-03-01 10:00")  # 4
    s(Spend, holder="alice", merchant="shop1", purchase=cny("150.00"), at="2026-03-05 12:00")  # 5
    s(Spend, holder="alice", merchant="jewel1", purchase=cny("400.00"), at="2026-03-06 12:00")  # 6
    s(Spend, holder="alice", merchant="shop1", purchase=cny("80.00"), at="2026-03-07 12:00")  # 7
    s(Transfer, holder="alice", recipient="carol", at="2026-03-08 12:00")  # 8
    s(Spend, holder="bob", merchant="shop1", purchase=cny("300.00"), at="2026-03-09 12:00")  # 9
    s(Spend, holder="alice", merchant="shop1", purchase=cny("200.00"), at="2026-03-20 12:00")  # 10
    s(Reclaim, at="2026-04-01 00:00")  # 11
    s(Spend, holder="alice", merchant="shop1", purchase=cny("200.00"), at="2026-04-02 12:00")  # 12
    outcome = s.run(voucher_statute(), MINT, ["mofcom", "alice", "bob", "shop1", "jewel1", "carol"])

    assert payments(outcome) == [
        (5, "mofcom", "shop1", "75.00", "2"),
        (10, "mofcom", "shop1", "100.00", "2"),
        (11, "mofcom", "mofcom", "25.00", "4"),
    ]
    assert [r.event for r in outcome.rejected] == [4, 6, 7, 8, 9, 12]
    assert rejections(outcome) == [
        (4, f"{Reason.LACKS_ATTRIBUTE.value}: bob"),
        (6, Reason.MERCHANT_NOT_ELIGIBLE.value),
        (7, Reason.BELOW_MINIMUM.value),
        (8, Reason.NOT_TRANSFERABLE.value),
        (9, Reason.NO_VOUCHER.value),
        (12, Reason.OUTSIDE_PERIOD.value),
    ]
    got = balances(outcome)
    assert got["mofcom"] == "999825.00" and got["shop1"] == "175.00"
    assert got["alice"] == got["bob"] == got["carol"] == "0.00"


# ------------------------------------------------------------ deposits and issuing


def test_deposit_beyond_the_wallet_is_rejected_and_changes_nothing() -> None:
    s = Script()
    s(Deposit, sender="mofcom", amount=cny("10.01"))
    s(Deposit, sender="mofcom", amount=cny("10.00"))
    interpreter = VoucherInterpreter(voucher_statute(), {"mofcom": cny("10.00")}, ["mofcom"], issuer="mofcom")
    outcome = interpreter.run(tuple(s.events))
    assert rejections(outcome) == [(0, Reason.WALLET_SHORT.value)]
    assert interpreter.ledger.pot("program") == 1000 and balances(outcome) == {"mofcom": "0.00"}


def test_only_the_first_label_funds_and_issues() -> None:
    s = Script()
    s(Deposit, sender="mofcom", amount=cny("500.00"))
    s(Deposit, sender="other", amount=cny("500.00"))
    s(Issue, issuer="other", recipients=("alice",))
    outcome = s.run(voucher_statute(attribute=None), {"mofcom": "500.00", "other": "500.00"})
    assert rejections(outcome) == [(1, Reason.NOT_ISSUER.value), (2, Reason.NOT_ISSUER.value)]


def test_issuing_beyond_the_funds_rejects_each_refused_recipient() -> None:
    s = Script()
    s(Deposit, sender="mofcom", amount=cny("450.00"))
    s(Issue, issuer="mofcom", recipients=("a", "b", "c", "d", "a"))
    interpreter = VoucherInterpreter(voucher_statute(attribute=None), {"mofcom": cny("450.00")}, [], issuer="mofcom")
    outcome = interpreter.run(tuple(s.events))
    assert rejections(outcome) == [
        (1, f"{Reason.BEYOND_FUNDS.value}: c"),
        (1, f"{Reason.BEYOND_FUNDS.value}: d"),
        (1, f"{Reason.ALREADY_ISSUED.value}: a"),
    ]
    assert {holder: [v.remaining for v in held] for holder, held in interpreter.held.items()} == {
        "a": [20000],
        "b": [20000],
    }


def test_attestation_of_another_attribute_does_not_qualify() -> None:
    s = Script()
    s(Deposit, sender="mofcom", amount=cny("1000.00"))
    s(Attest, attester="civil", citizen="alice", attribute="veteran")
    s(Issue, issuer="mofcom", recipients=("alice",))
    outcome = s.run(voucher_statute(), MINT)
    assert rejections(outcome) == [(2, f"{Reason.LACKS_ATTRIBUTE.value}: alice")]


def test_events_before_the_effective_date_are_rejected() -> None:
    s = Script(start="2026-02-28 23:59")
    s(Deposit, sender="mofcom", amount=cny("1000.00"))
    s(Issue, issuer="mofcom", recipients=("alice",))
    s(Deposit, sender="mofcom", amount=cny("1000.00"), at="2026-03-01 00:00")
    outcome = s.run(voucher_statute(attribute=None), MINT)
    assert rejections(outcome) == [(0, BEFORE_EFFECTIVE), (1, BEFORE_EFFECTIVE)]
    assert balances(outcome) == {"mofcom": "999000.00"}


# ------------------------------------------------------------ spending


def test_spending_window_is_half_open_in_the_statute_time_zone() -> None:
    s = funded()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"), at="2026-03-31 23:59:59")  # 4
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"), at="2026-04-01 00:00")  # 5
    outcome = s.run(voucher_statute(), MINT)
    assert payments(outcome) == [(4, "mofcom", "shop1", "50.00", "2")]
    assert rejections(outcome) == [(5, Reason.OUTSIDE_PERIOD.value)]


def test_spend_before_the_range_starts_is_rejected() -> None:
    statute = voucher_statute(period=(dt.date(2026, 3, 10), dt.date(2026, 3, 31)))
    s = funded()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"), at="2026-03-09 23:59")
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"), at="2026-03-10 00:00")
    outcome = s.run(statute, MINT)
    assert rejections(outcome) == [(4, Reason.OUTSIDE_PERIOD.value)]
    assert payments(outcome) == [(5, "mofcom", "shop1", "50.00", "2")]


def test_split_share_is_rounded_once_half_up() -> None:
    s = funded()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.01"), at="2026-03-02 12:00")  # 50.005: 50.01
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.03"))  # 50.015 -> 50.02
    s(Spend, holder="alice", merchant="shop1", purchase=cny("300.00"))  # only 99.97 left
    s(Spend, holder="alice", merchant="shop1", purchase=cny("300.00"))  # nothing left
    outcome = s.run(voucher_statute(), MINT)
    assert [p[3] for p in payments(outcome)] == ["50.01", "50.02", "99.97"]
    assert rejections(outcome) == [(7, Reason.NO_VOUCHER.value)]


def test_whole_voucher_is_spent_once_and_only_within_the_share() -> None:
    s = funded()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("399.99"), at="2026-03-02 12:00")  # 200 > 199.995
    s(Spend, holder="alice", merchant="shop1", purchase=cny("400.00"))  # 200 <= 200: spent whole
    s(Spend, holder="alice", merchant="shop1", purchase=cny("1000.00"))
    outcome = s.run(voucher_statute(split=False), MINT)
    assert payments(outcome) == [(5, "mofcom", "shop1", "200.00", "2")]
    assert rejections(outcome) == [(4, Reason.ABOVE_SHARE.value), (6, Reason.NO_VOUCHER.value)]


def test_whole_voucher_without_share_rule_covers_up_to_all_of_the_purchase() -> None:
    s = funded()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("199.99"), at="2026-03-02 12:00")
    s(Spend, holder="alice", merchant="shop1", purchase=cny("200.00"))
    outcome = s.run(voucher_statute(split=False, share=None, minimum=None), MINT)
    assert rejections(outcome) == [(4, Reason.ABOVE_SHARE.value)]
    assert payments(outcome) == [(5, "mofcom", "shop1", "200.00", "2")]


def test_split_voucher_without_share_rule_covers_the_whole_purchase() -> None:
    s = funded()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("30.00"), at="2026-03-02 12:00")
    s(Spend, holder="alice", merchant="shop1", purchase=cny("0.00"))
    s(Spend, holder="alice", merchant="shop1", purchase=cny("500.00"))
    outcome = s.run(voucher_statute(share=None, minimum=None), MINT)
    assert [p[3] for p in payments(outcome)] == ["30.00", "170.00"]
    assert rejections(outcome) == [(5, Reason.NOTHING_COVERED.value)]


def test_merchant_may_register_several_categories() -> None:
    s = funded()
    s(RegisterMerchant, merchant="mall", category="jewellery")
    s(Spend, holder="alice", merchant="mall", purchase=cny("100.00"), at="2026-03-02 12:00")
    s(RegisterMerchant, merchant="mall", category="restaurants")
    s(Spend, holder="alice", merchant="mall", purchase=cny("100.00"))
    s(Spend, holder="alice", merchant="unknown", purchase=cny("100.00"))
    outcome = s.run(voucher_statute(), MINT)
    not_eligible = Reason.MERCHANT_NOT_ELIGIBLE.value
    assert rejections(outcome) == [(5, not_eligible), (8, not_eligible)]
    assert payments(outcome) == [(7, "mofcom", "mall", "50.00", "2")]


def test_spend_without_when_rule_is_bounded_by_the_expiry_range() -> None:
    s = funded()
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"), at="2026-04-01 00:00")
    outcome = s.run(voucher_statute(when=False), MINT)
    assert rejections(outcome) == [(4, Reason.OUTSIDE_PERIOD.value)]


# ------------------------------------------------------------ transfers


def test_transferable_voucher_moves_the_earliest_with_value_left() -> None:
    s = funded()
    s(Attest, attester="civil", citizen="bob", attribute=ATTRIBUTE)
    s(Issue, issuer="mofcom", recipients=("bob",))  # 5
    s(Spend, holder="alice", merchant="shop1", purchase=cny("100.00"), at="2026-03-02 12:00")  # 6: 150 left
    s(Transfer, holder="alice", recipient="bob")  # 7
    s(Spend, holder="bob", merchant="shop1", purchase=cny("400.00"))  # 8: the transferred voucher first
    s(Spend, holder="bob", merchant="shop1", purchase=cny("300.00"))  # 9: then bob's own, 200 -> 50
    s(Transfer, holder="alice", recipient="carol")  # 10: alice has nothing left
    s(Transfer, holder="bob", recipient="bob")  # 11
    s(Transfer, holder="bob", recipient="carol")  # 12: bob's own voucher, 50 left
    s(Spend, holder="carol", merchant="shop1", purchase=cny("100.00"))  # 13
    s(Reclaim, at="2026-04-01 00:00")  # 14
    outcome = s.run(voucher_statute(transferable=True), MINT)
    assert payments(outcome) == [
        (6, "mofcom", "shop1", "50.00", "2"),
        (8, "mofcom", "shop1", "150.00", "2"),
        (9, "mofcom", "shop1", "150.00", "2"),
        (13, "mofcom", "shop1", "50.00", "2"),
    ]
    assert rejections(outcome) == [(10, Reason.NO_VOUCHER.value), (11, Reason.SELF_TRANSFER.value)]
    assert balances(outcome) == {"mofcom": "999600.00"}


def test_transfer_without_a_transfer_rule_is_rejected() -> None:
    s = funded()
    s(Transfer, holder="alice", recipient="bob")
    outcome = s.run(voucher_statute(transferable=None), MINT)
    assert rejections(outcome) == [(4, Reason.NOT_TRANSFERABLE.value)]


# ------------------------------------------------------------ expiry


def test_reclaim_before_the_range_ends_is_rejected_and_a_second_reclaim_finds_nothing() -> None:
    s = funded()
    s(Reclaim, at="2026-03-31 23:59:59")  # 4
    s(Reclaim, at="2026-04-01 00:00")  # 5
    s(Reclaim, at="2026-04-02 00:00")  # 6
    outcome = s.run(voucher_statute(), MINT)
    assert rejections(outcome) == [(4, Reason.NOT_EXPIRED.value)]
    assert payments(outcome) == [(5, "mofcom", "mofcom", "200.00", "4")]
    assert balances(outcome) == {"mofcom": "1000000.00"}


def test_reclaim_without_an_expiry_rule_is_rejected() -> None:
    s = funded()
    s(Reclaim, at="2026-05-01 00:00")
    interpreter = VoucherInterpreter(
        voucher_statute(expiry=False), {"mofcom": cny("1000000.00")}, ["mofcom"], issuer="mofcom"
    )
    outcome = interpreter.run(tuple(s.events))
    assert rejections(outcome) == [(4, Reason.NO_EXPIRY.value)]
    assert interpreter.ledger.pot("program") == 1_000_000 and interpreter.reserved == 20_000


def test_reclaim_with_nothing_deposited_changes_nothing() -> None:
    s = Script()
    s(Reclaim, at="2026-04-01 00:00")
    outcome = s.run(voucher_statute(), MINT)
    assert outcome.rejected == [] and outcome.payments == [] and balances(outcome) == {"mofcom": "1000000.00"}


# ------------------------------------------------------------ money is conserved

LABELS = ("mofcom", "other", "alice", "bob", "carol", "shop1", "jewel1")
PRELUDE = [  # a funded program with two vouchers out, so that random spends can succeed
    (Deposit, {"sender": "mofcom", "amount": cny("450.00")}),
    (Attest, {"attester": "civil", "citizen": "alice", "attribute": ATTRIBUTE}),
    (RegisterMerchant, {"merchant": "shop1", "category": "groceries"}),
    (Issue, {"issuer": "mofcom", "recipients": ("alice", "bob")}),
]


def voucher_events() -> st.SearchStrategy:
    """One random voucher event's kind and fields (its time is drawn separately).

    Each field mostly draws the label that plays its role and sometimes any
    label, so that flows both succeed and go wrong in every way.
    """

    def role(*names: str) -> st.SearchStrategy:
        return st.one_of(st.sampled_from(names), st.sampled_from(names), st.sampled_from(LABELS))

    citizen = role("alice", "bob", "carol")
    amount = st.integers(min_value=-100, max_value=80_000).map(lambda minor: Money("CNY", minor))
    return st.one_of(
        st.builds(lambda s, a: (Deposit, {"sender": s, "amount": a}), role("mofcom", "other"), amount),
        st.builds(
            lambda c, a: (Attest, {"attester": "civil", "citizen": c, "attribute": a}),
            citizen,
            st.sampled_from((ATTRIBUTE, ATTRIBUTE, "veteran")),
        ),
        st.builds(
            lambda m, c: (RegisterMerchant, {"merchant": m, "category": c}),
            role("shop1", "jewel1"),
            st.sampled_from(("groceries", "jewellery")),
        ),
        st.builds(
            lambda i, to: (Issue, {"issuer": i, "recipients": tuple(to)}),
            role("mofcom", "mofcom", "other"),
            st.lists(citizen, max_size=4),
        ),
        *[
            st.builds(
                lambda h, m, a: (Spend, {"holder": h, "merchant": m, "purchase": a}),
                citizen,
                role("shop1", "shop1", "jewel1"),
                amount,
            )
        ]
        * 3,  # spends weigh most
        st.builds(lambda h, r: (Transfer, {"holder": h, "recipient": r}), citizen, citizen),
        st.just((Reclaim, {})),
    )


@settings(max_examples=200, deadline=None)
@given(
    split=st.booleans(),
    transferable=st.booleans(),
    share=st.sampled_from((None, "33.3333", "50", "100")),
    minimum=st.sampled_from((None, "0.00", "100.00")),
    attribute=st.sampled_from((None, ATTRIBUTE)),
    steps=st.lists(st.tuples(voucher_events(), st.integers(min_value=0, max_value=36 * 60)), min_size=10, max_size=60),
)
def test_money_is_conserved_over_random_voucher_flows(
    split: bool,
    transferable: bool,
    share: str | None,
    minimum: str | None,
    attribute: str | None,
    steps: list,
) -> None:
    """Whatever happens, money only moves: wallets plus the program pot always sum to what was minted."""
    statute = voucher_statute(split=split, transferable=transferable, share=share, minimum=minimum, attribute=attribute)
    minted = {"mofcom": cny("500.00"), "other": cny("300.00"), "alice": cny("10.00")}
    interpreter = VoucherInterpreter(statute, minted, list(LABELS))
    total = interpreter.ledger.total()
    at = moment("2026-02-28 12:00")
    for index, ((kind, fields), minutes) in enumerate([(event, 12 * 60) for event in PRELUDE] + steps):
        at += dt.timedelta(minutes=minutes)
        interpreter.apply(kind(index=index, at=at, **fields))
        assert interpreter.ledger.total() == total
        assert all(minor >= 0 for minor in interpreter.ledger.wallets.values())
        held = sum(v.remaining for vouchers in interpreter.held.values() for v in vouchers)
        assert 0 <= held == interpreter.reserved <= interpreter.ledger.pot("program")
        assert all(v.remaining > 0 for vouchers in interpreter.held.values() for v in vouchers)
