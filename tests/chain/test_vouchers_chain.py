"""Voucher statutes compiled to Solidity and run on anvil, against the interpreter.

The chain outcome is read from logs and balances only, so `==` with the
interpreter's outcome checks the compiled contract, not the oracle. The
security tests call the contract directly, as an attacker would, and check
the custom error it reverts with.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from chain.client import Chain, Reverted
from chain.domains.vouchers import VoucherDriver, text_hash
from chain.runner import deploy, run_on_chain
from compiler.artifacts import Artifact
from lawdsl.ast import Statute
from lawdsl.diagnostics import StatuteError
from lawdsl.events import Attest, Deposit, Event, Issue, Reclaim, RegisterMerchant, Spend, Transfer
from lawdsl.interpret import interpret
from lawdsl.load import load_text
from lawdsl.money import Money
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario
from tests.strategies import statutes as grammar

from .generated import compiled_batch
from .statutes import DATA, assert_chain_meets_law, compiled_variants, vouchers
from .statutes import VOUCHER_VARIANTS as VARIANTS

pytestmark = pytest.mark.chain
SHENZHEN = dt.timezone(dt.timedelta(hours=8))
ATTRIBUTE = "low income household"


@pytest.fixture(scope="module")
def voucher_statutes(statutes: dict[str, Statute]) -> dict[str, Statute]:
    return compiled_variants(statutes, VARIANTS)


def test_vouchers_march_matches_interpreter_and_expect(chain, artifacts):
    assert_chain_meets_law(DATA / "vouchers-march.yaml", chain, artifacts)


def test_generated_contract_carries_the_statute(artifacts):
    source = artifacts[vouchers().header.title].source
    assert 'bytes32 public constant ARTICLE_2 = "2";' in source
    assert "uint256 public constant FACE_VALUE = 20000;" in source
    assert "uint256 public constant MAXIMUM_SHARE_MILLIONTHS = 500_000;" in source
    assert 'keccak256("low income household")' in source
    assert "Vouchers may be used only at registered merchants" in source  # official wording


# ---------------------------------------------------------------- security


def _at(month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SHENZHEN)


@pytest.fixture
def program(chain, voucher_statutes, artifacts) -> VoucherDriver:
    """The example program funded, alice attested and issued a voucher, shop1 a grocer, jewel1 a jeweller."""
    start = _at(3, 1, 10)
    events = (
        Deposit(0, start, "mofcom", Money("CNY", 1_000_000)),
        Attest(1, start, "civil", "alice", ATTRIBUTE),
        RegisterMerchant(2, start, "shop1", "groceries"),
        RegisterMerchant(3, start, "jewel1", "jewellery"),
        Issue(4, start, "mofcom", ("alice",)),
    )
    statute = voucher_statutes["example"]
    scenario = Scenario(Path("security.yaml"), statute, {"mofcom": Money("CNY", 10_000_000)}, events)
    driver = deploy(scenario, chain, artifacts).driver
    for event in events:
        chain.set_next_time(event.at)
        driver.apply(event)
    assert driver.refused == []
    return driver


def _refusal(driver: VoucherDriver, label: str, call, at: dt.datetime | None = None) -> Reverted:
    if at is not None:
        driver.chain.set_next_time(at)
    with pytest.raises(Reverted) as refused:
        driver.chain.transact(label, call)
    return refused.value


def test_spending_a_voucher_not_held_reverts(program):
    fn = program.contract.functions
    refusal = _refusal(program, "carol", fn.spend(program.chain.address("shop1"), 20_000, 9), _at(3, 5))
    assert refusal.error == "NoVoucherWithValue"
    assert refusal.arguments == (program.chain.address("carol"),)


def test_spending_outside_the_validity_period_reverts(program):
    fn = program.contract.functions
    refusal = _refusal(program, "alice", fn.spend(program.chain.address("shop1"), 20_000, 9), _at(4, 1, 0))
    assert refusal.error == "OutsideValidityPeriod"


def test_spending_at_an_ineligible_merchant_reverts(program):
    fn = program.contract.functions
    refusal = _refusal(program, "alice", fn.spend(program.chain.address("jewel1"), 40_000, 9), _at(3, 6))
    assert refusal.error == "MerchantNotEligible"
    unregistered = _refusal(program, "alice", fn.spend(program.chain.address("nobody"), 40_000, 10))
    assert unregistered.error == "MerchantNotEligible"


def test_transferring_a_non_transferable_voucher_reverts(program):
    fn = program.contract.functions
    refusal = _refusal(program, "alice", fn.transferVoucher(program.chain.address("carol"), 9), _at(3, 8))
    assert refusal.error == "NotTransferable"


def test_spending_below_the_minimum_reverts(program):
    fn = program.contract.functions
    refusal = _refusal(program, "alice", fn.spend(program.chain.address("shop1"), 8_000, 9), _at(3, 7))
    assert refusal.error == "BelowMinimumPurchase"


def test_only_the_authority_registers_merchants_and_attesters(program):
    fn = program.contract.functions
    chain = program.chain
    merchant = _refusal(program, "mofcom", fn.registerMerchant(chain.address("shop2"), text_hash("groceries"), 9))
    assert merchant.error == "AccessControlUnauthorizedAccount"
    attester = _refusal(program, "bob", fn.authorizeAttester(chain.address("bob")))
    assert attester.error == "AccessControlUnauthorizedAccount"
    forged = _refusal(program, "bob", fn.attest(chain.address("bob"), text_hash(ATTRIBUTE), 9))
    assert forged.error == "AccessControlUnauthorizedAccount"


def test_another_agency_cannot_fund_or_issue(program):
    fn = program.contract.functions
    assert _refusal(program, "other", fn.issue([program.chain.address("bob")], 9)).error == "NotIssuer"


def test_a_spend_pays_the_merchant_once_under_the_where_article(program):
    """A spend's one log is the citizen's record and the payment: voucher, merchant, purchase, discount,
    the issuer who pays and the article; the merchant receives the discount once."""
    chain, fn = program.chain, program.contract.functions
    chain.set_next_time(_at(3, 5))
    chain.transact("alice", fn.spend(chain.address("shop1"), 15_000, 9))
    logged = [(name, args) for name, args in program.logs() if name in ("VoucherSpent", "Payment")]
    assert [
        (
            name,
            args["ref"],
            args["serial"],
            args["merchant"],
            args["issuer"],
            args["purchase"],
            args["discount"],
            args["article"].rstrip(b"\0"),
        )
        for name, args in logged
    ] == [("VoucherSpent", 9, 0, chain.address("shop1"), chain.address("mofcom"), 15_000, 7_500, b"2")]
    assert program.currency.functions.balanceOf(chain.address("shop1")).call() == 7_500
    assert fn.remainingValue(0).call() == 12_500
    assert (fn.reserved().call(), fn.funds().call()) == (12_500, 1_000_000 - 7_500)


def test_a_statute_whose_face_value_overflows_a_voucher_is_refused_by_the_checker():
    source = (DATA / "vouchers.law").read_text().replace("CNY 200.00", "CNY 200000000000000000.00")
    with pytest.raises(StatuteError, match="an amount can be at most CNY 184467440737095516.15"):
        load_text(source, "huge.law")


# ---------------------------------------------------------------- each holder's vouchers, in issue order


def test_spends_and_transfers_take_the_earliest_voucher_with_value_in_issue_order(chain, voucher_statutes, artifacts):
    """Whole, transferable vouchers: a received voucher takes its place in issue order among the
    recipient's, a spend or transfer takes the earliest with value left (past spent-out and reclaimed
    ones), and after a reclaim only vouchers issued later move; chain and interpreter agree throughout."""
    march, april, whole = _at(3, 2), _at(4, 2), Money("CNY", 40_000)
    kinds = [
        (Deposit, march, ("mofcom", Money("CNY", 100_000))),
        *((Attest, march, ("civil", who, ATTRIBUTE)) for who in ("alice", "bob", "carol", "dave", "erin")),
        (RegisterMerchant, march, ("shop1", "groceries")),
        (Issue, march, ("mofcom", ("alice", "bob", "carol", "dave"))),  # 7: serials 0 to 3
        (Transfer, march, ("carol", "alice")),  # 8: alice holds 0, 2
        (Transfer, march, ("bob", "alice")),  # 9: alice holds 0, 1, 2
        (Spend, march, ("alice", "shop1", whole)),  # 10: spends 0 out
        (Transfer, march, ("alice", "carol")),  # 11: gives 1, past the spent-out 0
        (Spend, march, ("carol", "shop1", whole)),  # 12: spends 1 out
        (Transfer, march, ("alice", "carol")),  # 13: gives 2: carol's list is 1 (spent out), 2
        (Spend, march, ("carol", "shop1", whole)),  # 14: spends 2, past the spent-out 1
        (Reclaim, april, ()),  # 15: dave's 3 returns to the issuer
        (Deposit, april, ("mofcom", Money("CNY", 20_000))),
        (Issue, april, ("mofcom", ("erin",))),  # 17: serial 4
        (Transfer, april, ("erin", "dave")),  # 18: dave's list is 3 (reclaimed), 4
        (Transfer, april, ("dave", "alice")),  # 19: gives 4, not the reclaimed 3
        (Transfer, april, ("dave", "alice")),
    ]  # 20: refused, nothing with value left
    events = tuple(kind(i, at, *fields) for i, (kind, at, fields) in enumerate(kinds))
    scenario = Scenario(Path("order.yaml"), voucher_statutes["whole"], {"mofcom": Money("CNY", 1_000_000)}, events)
    driver = deploy(scenario, chain, artifacts).driver
    fn = driver.contract.functions
    held: list[tuple[list[int], ...]] = []
    for event in events:
        chain.set_next_time(event.at)
        driver.apply(event)
        held.append(tuple(fn.vouchersHeldBy(chain.address(who)).call() for who in ("alice", "carol", "dave")))
    assert [held[i] for i in (8, 9, 10, 11, 12, 13, 14, 15, 18, 19)] == [
        ([0, 2], [], [3]),
        ([0, 1, 2], [], [3]),
        ([1, 2], [], [3]),
        ([2], [1], [3]),
        ([2], [], [3]),
        ([], [2], [3]),
        ([], [], [3]),
        ([], [], []),
        ([], [], [4]),
        ([4], [], []),
    ]
    logs = list(driver.logs())
    assert [args["serial"] for name, args in logs if name == "VoucherSpent"] == [0, 1, 2]
    assert [(args["serial"], chain.label(args["to"])) for name, args in logs if name == "VoucherTransferred"] == [
        (2, "alice"),
        (1, "alice"),
        (1, "carol"),
        (2, "carol"),
        (4, "dave"),
        (4, "alice"),
    ]
    assert [fn.remainingValue(serial).call() for serial in range(5)] == [0, 0, 0, 0, 20_000]
    assert [chain.label(fn.holderOf(serial).call()) for serial in range(5)] == [
        "alice",
        "carol",
        "carol",
        "dave",
        "alice",
    ]
    outcome = Outcome(scenario.statute.header.title, scenario.statute.header.version)
    driver.collect(outcome)
    law = interpret(scenario)
    assert (outcome.payments, outcome.rejected) == (law.payments, law.rejected)
    assert [r.event for r in law.rejected] == [20]


# ---------------------------------------------------------------- differential: chain == interpreter

HOLDERS = ("alice", "bob", "carol")
MERCHANTS = ("shop1", "jewel1", "cafe")
FIRST_DAY = dt.datetime(2026, 2, 28, tzinfo=SHENZHEN)  # before the effective date: those are refused too
SPAN_SECONDS = 40 * 86_400  # to 2026-04-09: past the validity period and the reclaim


def _cny(strategy: st.SearchStrategy[int]) -> st.SearchStrategy[Money]:
    return strategy.map(lambda minor: Money("CNY", minor))


_event_fields = st.one_of(
    st.tuples(
        st.just(Deposit),
        st.fixed_dictionaries(
            {"sender": st.sampled_from(("mofcom", "mofcom", "other")), "amount": _cny(st.integers(0, 60_000))}
        ),
    ),
    st.tuples(
        st.just(Attest),
        st.fixed_dictionaries(
            {
                "attester": st.just("civil"),
                "citizen": st.sampled_from(HOLDERS),
                "attribute": st.sampled_from((ATTRIBUTE, "student")),
            }
        ),
    ),
    st.tuples(
        st.just(RegisterMerchant),
        st.fixed_dictionaries(
            {"merchant": st.sampled_from(MERCHANTS), "category": st.sampled_from(("groceries", "jewellery"))}
        ),
    ),
    st.tuples(
        st.just(Issue),
        st.fixed_dictionaries(
            {
                "issuer": st.sampled_from(("mofcom", "mofcom", "other")),
                "recipients": st.lists(st.sampled_from(HOLDERS), min_size=1, max_size=4).map(tuple),
            }
        ),
    ),
    st.tuples(
        st.just(Spend),
        st.fixed_dictionaries(
            {
                "holder": st.sampled_from(HOLDERS),
                "merchant": st.sampled_from(MERCHANTS),
                "purchase": _cny(st.integers(0, 50_000)),
            }
        ),
    ),
    st.tuples(
        st.just(Transfer),
        st.fixed_dictionaries({"holder": st.sampled_from(HOLDERS), "recipient": st.sampled_from(HOLDERS)}),
    ),
    st.tuples(st.just(Reclaim), st.fixed_dictionaries({})),
)


@st.composite
def voucher_events(draw: st.DrawFn) -> tuple[Event, ...]:
    """A time-ordered scenario, mostly inside March, that funds, attests and registers before it spends."""
    drawn = draw(st.lists(st.tuples(_event_fields, st.integers(0, SPAN_SECONDS)), min_size=1, max_size=14))
    drawn.sort(key=lambda item: item[1])
    return tuple(
        kind(index=i, at=FIRST_DAY + dt.timedelta(seconds=offset), **fields)
        for i, ((kind, fields), offset) in enumerate(drawn)
    )


def _differential(
    session_chain: Chain, artifacts: dict[str, Artifact], statute: Statute, events: tuple[Event, ...]
) -> None:
    scenario = Scenario(
        Path("generated.yaml"), statute, {"mofcom": Money("CNY", 100_000), "other": Money("CNY", 100_000)}, events
    )
    snapshot = session_chain.snapshot()
    try:
        assert run_on_chain(scenario, session_chain, artifacts) == interpret(scenario)
    finally:
        session_chain.revert(snapshot)


_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=10, deadline=None, suppress_health_check=_HEALTH)
@given(events=voucher_events(), variant=st.sampled_from(tuple(VARIANTS)))
def test_chain_matches_interpreter_on_generated_scenarios(session_chain, voucher_statutes, artifacts, events, variant):
    _differential(session_chain, artifacts, voucher_statutes[variant], events)


@pytest.mark.slow
@settings(max_examples=1_000, deadline=None, suppress_health_check=_HEALTH)
@given(events=voucher_events(), variant=st.sampled_from(tuple(VARIANTS)))
def test_chain_matches_interpreter_on_many_generated_scenarios(
    session_chain, voucher_statutes, artifacts, events, variant
):
    _differential(session_chain, artifacts, voucher_statutes[variant], events)


# ---------------------------------------------------------------- statutes drawn from the grammar


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("solc")


def _differential_on_drawn_statutes(data: st.DataObject, session_chain: Chain, build_dir: Path, count: int) -> None:
    """Voucher statutes drawn by tests/strategies (in CNY, in force from 2026-03-01, so the
    scenarios above apply), compiled in one solc call, each run on chain and in the interpreter."""
    drawn = data.draw(
        st.lists(
            grammar.voucher_statutes(currency="CNY", effective=dt.date(2026, 3, 1)), min_size=count, max_size=count
        )
    )
    statutes, compiled = compiled_batch(drawn, build_dir)
    for statute in statutes:
        note(grammar.written(statute))
        _differential(session_chain, compiled, statute, data.draw(voucher_events()))


@settings(max_examples=2, deadline=None, suppress_health_check=_HEALTH)
@given(data=st.data())
def test_chain_matches_interpreter_on_drawn_statutes(data, session_chain, build_dir):
    _differential_on_drawn_statutes(data, session_chain, build_dir, 5)


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=_HEALTH)
@given(data=st.data())
def test_chain_matches_interpreter_on_many_drawn_statutes(data, session_chain, build_dir):
    """1,000 drawn statutes: 50 batches of 20."""
    _differential_on_drawn_statutes(data, session_chain, build_dir, 20)
