"""Procurement statutes compiled to Solidity and run on anvil, against the interpreter.

The chain outcome is read from logs and balances only, so `==` with the
interpreter's outcome checks the compiled contract, not the oracle. The
security tests call the contract directly, as a cheating supplier or buyer
would, and check the custom error it reverts with.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from chain.accounts import AUTHORITY
from chain.client import Chain, Reverted
from chain.domains.procurement import ProcurementDriver
from chain.runner import deploy, run_on_chain
from compiler.artifacts import Artifact
from lawdsl.ast import Statute
from lawdsl.events import (
    AcceptDelivery,
    Award,
    Bid,
    CloseTender,
    ConfirmDelivery,
    Deliver,
    DisputeDelivery,
    Event,
    OpenTender,
    RecordDelivery,
    RegisterBuyer,
    RegisterInspector,
    Reveal,
    RevokeBuyer,
    RevokeInspector,
    ScoreBid,
)
from lawdsl.interpret import interpret
from lawdsl.money import Money
from lawdsl.scenario import Scenario
from tests.strategies import statutes as grammar

from .generated import compiled_batch
from .statutes import DATA, assert_chain_meets_law, compiled_variants, procurement
from .statutes import PROCUREMENT_VARIANTS as VARIANTS

pytestmark = pytest.mark.chain
BEIJING = dt.timezone(dt.timedelta(hours=8))
OPENING = dt.datetime(2026, 6, 1, 9, tzinfo=BEIJING)


@pytest.fixture(scope="module")
def procurement_statutes(statutes: dict[str, Statute]) -> dict[str, Statute]:
    return compiled_variants(statutes, VARIANTS)


def test_procurement_wheat_matches_interpreter_and_expect(chain, artifacts):
    assert_chain_meets_law(DATA / "procurement-wheat.yaml", chain, artifacts)


def test_generated_contract_carries_the_statute(artifacts):
    source = artifacts[procurement().header.title].source
    assert "uint256 public constant CEILING_PER_UNIT = 310;" in source
    assert "uint256 public constant BIDDING_PERIOD = 7 days;" in source
    assert "uint256 public constant PENALTY_MILLIONTHS_PER_DAY = 5_000;" in source
    assert "forfeitArticle: ARTICLE_2" in source


# ---------------------------------------------------------------- security


def _day(day: int, hour: int = 10) -> dt.datetime:
    """A moment in June 2026 (July for day > 30), Beijing time."""
    return OPENING.replace(hour=hour) + dt.timedelta(days=day - 1)


@pytest.fixture
def tender(chain, procurement_statutes, artifacts) -> ProcurementDriver:
    """station1 inspects for reserve; a tender for 1000 kg opens on 1 June; s1 bids 2.95 and s2 bids 2.90."""
    events = (
        RegisterInspector(0, OPENING, "station1", "reserve"),
        OpenTender(1, OPENING, "reserve", 1000),
        Bid(2, _day(2), "s1", Money("CNY", 295)),
        Bid(3, _day(3), "s2", Money("CNY", 290)),
    )
    balances = {label: Money("CNY", 10_000_000) for label in ("reserve", "s1", "s2", "s3", "s4")}
    scenario = Scenario(Path("security.yaml"), procurement_statutes["example"], balances, events)
    driver = deploy(scenario, chain, artifacts).driver
    for event in events:
        chain.set_next_time(event.at)
        driver.apply(event)
    assert driver.refused == []
    return driver


def _refusal(driver: ProcurementDriver, label: str, call, at: dt.datetime | None = None) -> Reverted:
    if at is not None:
        driver.chain.set_next_time(at)
    with pytest.raises(Reverted) as refused:
        driver.chain.transact(label, call)
    return refused.value


def _award(driver: ProcurementDriver) -> None:
    """s1 and s2 reveal; the award goes to s2."""
    for event in (Reveal(10, _day(9), "s1"), Reveal(11, _day(9), "s2"), Award(12, _day(11))):
        driver.chain.set_next_time(event.at)
        driver.apply(event)
    assert driver.refused == []


def test_a_bid_at_no_price_is_refused_by_the_suppliers_wallet(chain, procurement_statutes, artifacts):
    """The contract cannot see a sealed price, so the driver refuses to seal one that is not positive."""
    events = (OpenTender(0, OPENING, "reserve", 1000), Bid(1, _day(2), "s1", Money("CNY", 0)))
    balances = {"reserve": Money("CNY", 1_000_000), "s1": Money("CNY", 1_000)}
    scenario = Scenario(Path("zero-price.yaml"), procurement_statutes["example"], balances, events)
    outcome = run_on_chain(scenario, chain, artifacts)
    assert outcome == interpret(scenario)
    assert [r.event for r in outcome.rejected] == [1]


def test_bidding_after_the_window_reverts(tender):
    fn = tender.contract.functions
    tender.chain.transact("s3", tender.currency.functions.approve(tender.contract.address, 5_000))
    refusal = _refusal(tender, "s3", fn.commitBid(0, b"\x01" * 32, 5_000, 9), _day(8, 9))  # closed at 09:00
    assert refusal.error == "BiddingClosed"


def test_a_reveal_that_does_not_match_its_commitment_reverts(tender):
    fn = tender.contract.functions
    opening = tender.openings[(0, "s1")]
    lower = _refusal(tender, "s1", fn.revealBid(0, opening.price - 10, opening.salt, 9), _day(9))
    assert lower.error == "RevealDoesNotMatchCommitment"
    other_salt = _refusal(tender, "s1", fn.revealBid(0, opening.price, b"\x02" * 32, 9))
    assert other_salt.error == "RevealDoesNotMatchCommitment"
    stolen = _refusal(tender, "s3", fn.revealBid(0, opening.price, opening.salt, 9))  # not s3's commitment
    assert stolen.error == "NoSealedBid"
    assert fn.bids(0, tender.chain.address("s1")).call()[4] is False  # still unrevealed


def _commit(driver: ProcurementDriver, supplier: str, price: int, deposit: int, at: dt.datetime) -> bytes:
    """Commit a sealed bid with any deposit, as a cheating supplier's own wallet could; returns the salt."""
    chain, fn = driver.chain, driver.contract.functions
    salt = bytes(31) + bytes([price % 256])
    chain.set_next_time(at)
    chain.transact(supplier, driver.currency.functions.approve(driver.contract.address, deposit))
    chain.transact(supplier, fn.commitBid(0, fn.commitmentOf(price, salt, chain.address(supplier)).call(), deposit, 9))
    return salt


def test_a_reveal_above_the_ceiling_or_with_a_short_deposit_reverts(tender):
    fn = tender.contract.functions
    above = _commit(tender, "s3", 320, 6_400, _day(4))
    short = _commit(tender, "s4", 300, 5_999, _day(5))  # 2% × 3.00 × 1000 = 6,000
    assert _refusal(tender, "s3", fn.revealBid(0, 320, above, 10), _day(9)).error == "AboveCeiling"
    refusal = _refusal(tender, "s4", fn.revealBid(0, 300, short, 11))
    assert (refusal.error, refusal.arguments) == ("DepositShort", (6_000, 5_999))


def test_a_delivery_not_confirmed_by_the_inspector_reverts(tender):
    _award(tender)
    fn = tender.contract.functions
    winner = tender.chain.address("s2")
    fake = _refusal(tender, "fake", fn.inspectDelivery(0, winner, 100, 13), _day(20))
    assert fake.error == "NotRegisteredInspector"
    by_supplier = _refusal(tender, "s2", fn.inspectDelivery(0, winner, 100, 14))
    assert by_supplier.error == "NotRegisteredInspector"
    by_buyer = _refusal(tender, "reserve", fn.inspectDelivery(0, winner, 100, 15))
    assert by_buyer.error == "NotRegisteredInspector"


def test_only_the_authority_registers_inspectors(tender):
    fn, chain = tender.contract.functions, tender.chain
    own = _refusal(tender, "reserve", fn.registerInspector(chain.address("my-station"), chain.address("reserve"), 9))
    assert own.error == "AccessControlUnauthorizedAccount"
    with pytest.raises(Reverted) as rebound:  # the authority acts through its timelock
        tender.authority.call(fn.registerInspector(chain.address("station1"), chain.address("other-buyer"), 9))
    assert rebound.value.error == "InspectorBoundToAnotherBuyer"
    direct = _refusal(tender, AUTHORITY, fn.registerInspector(chain.address("station2"), chain.address("reserve"), 9))
    assert direct.error == "AccessControlUnauthorizedAccount"  # its own key alone is not the authority


def test_a_late_delivery_is_paid_less_once_rounded_and_closes_the_tender(tender):
    _award(tender)
    chain, fn = tender.chain, tender.contract.functions
    deadline = fn.tenders(0).call()[4]
    chain.set_next_time(dt.datetime.fromtimestamp(deadline + 1, BEIJING))  # one second late: one day
    tender.apply(Deliver(13, dt.datetime.fromtimestamp(deadline + 1, BEIJING), "s2", 1000, "station1"))
    payments = [args for name, args in tender.logs() if name == "Payment"]
    assert [p["amount"] for p in payments] == [288_550]  # 1000 × 2.90 × 99.5%
    assert fn.tenders(0).call()[5:7] == [0, 2]  # escrow returned, phase Closed


# ---------------------------------------------------------------- differential: chain == interpreter

SUPPLIERS = ("s1", "s2", "s3")
SPAN_SECONDS = 52 * 86_400  # bidding 7 days, reveal 2 days, delivery 30 days: past the deadline and the
# minimal variant's grace (its inspection window, 7 days), so tenders may be closed undelivered
BALANCES = {"reserve": 100_000_000, "other": 1_000, "s1": 1_000_000, "s2": 1_000_000, "s3": 500}

_TENDER = st.sampled_from((None, None, 0, 1))  # mostly the latest opened
_event_fields = st.one_of(
    st.tuples(
        st.just(Bid),
        st.fixed_dictionaries(
            {"supplier": st.sampled_from(SUPPLIERS), "price": st.integers(1, 400).map(lambda m: Money("CNY", m))}
        ),
    ),
    st.tuples(st.just(Reveal), st.fixed_dictionaries({"supplier": st.sampled_from(SUPPLIERS)})),
    st.tuples(
        st.just(ScoreBid),
        st.fixed_dictionaries(
            {
                "buyer": st.sampled_from(("reserve", "reserve", "other")),
                "supplier": st.sampled_from(SUPPLIERS),
                "quality": st.integers(0, 120),
                "tender": _TENDER,
            }
        ),
    ),
    st.tuples(st.just(Award), st.fixed_dictionaries({})),
    st.tuples(
        st.just(Deliver),
        st.fixed_dictionaries(
            {
                "supplier": st.sampled_from(SUPPLIERS),
                "quantity": st.integers(0, 1_200),
                "inspector": st.sampled_from(("station1", "station1", "station2", "fake")),
            }
        ),
    ),
    st.tuples(
        st.just(OpenTender),
        st.fixed_dictionaries({"buyer": st.sampled_from(("reserve", "other")), "quantity": st.integers(0, 2_000)}),
    ),
    st.tuples(
        st.just(RegisterInspector),
        st.fixed_dictionaries(
            {"inspector": st.sampled_from(("station1", "station2")), "buyer": st.sampled_from(("reserve", "other"))}
        ),
    ),
    st.tuples(
        st.just(RevokeInspector), st.fixed_dictionaries({"inspector": st.sampled_from(("station1", "station2"))})
    ),
    st.tuples(st.just(RegisterBuyer), st.fixed_dictionaries({"buyer": st.just("other")})),
    st.tuples(st.just(RevokeBuyer), st.fixed_dictionaries({"buyer": st.sampled_from(("reserve", "other"))})),
    st.tuples(
        st.just(RecordDelivery),
        st.fixed_dictionaries(
            {"supplier": st.sampled_from(SUPPLIERS), "quantity": st.integers(0, 1_200), "tender": _TENDER}
        ),
    ),
    st.tuples(
        st.just(ConfirmDelivery),
        st.fixed_dictionaries(
            {"inspector": st.sampled_from(("station1", "station2")), "delivery": st.integers(0, 2), "tender": _TENDER}
        ),
    ),
    st.tuples(
        st.just(DisputeDelivery),
        st.fixed_dictionaries(
            {"inspector": st.sampled_from(("station1", "station2")), "delivery": st.integers(0, 2), "tender": _TENDER}
        ),
    ),
    st.tuples(st.just(AcceptDelivery), st.fixed_dictionaries({"delivery": st.integers(0, 2), "tender": _TENDER})),
    st.tuples(st.just(CloseTender), st.fixed_dictionaries({"tender": _TENDER})),
)


@st.composite
def procurement_events(draw: st.DrawFn) -> tuple[Event, ...]:
    """An inspector and an opening tender, then time-ordered events over the tender's whole life."""
    quantity = draw(st.integers(1, 1_000))
    drawn = draw(st.lists(st.tuples(_event_fields, st.integers(0, SPAN_SECONDS)), min_size=1, max_size=14))
    drawn.sort(key=lambda item: item[1])
    events: list[Event] = [
        RegisterInspector(0, OPENING, "station1", "reserve"),
        OpenTender(1, OPENING, "reserve", quantity),
    ]
    for (kind, fields), offset in drawn:
        events.append(kind(index=len(events), at=OPENING + dt.timedelta(seconds=offset), **fields))
    return tuple(events)


def _differential(
    session_chain: Chain, artifacts: dict[str, Artifact], statute: Statute, events: tuple[Event, ...]
) -> None:
    balances = {label: Money("CNY", minor) for label, minor in BALANCES.items()}
    scenario = Scenario(Path("generated.yaml"), statute, balances, events)
    snapshot = session_chain.snapshot()
    try:
        assert run_on_chain(scenario, session_chain, artifacts) == interpret(scenario)
    finally:
        session_chain.revert(snapshot)


_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=10, deadline=None, suppress_health_check=_HEALTH)
@given(events=procurement_events(), variant=st.sampled_from(tuple(VARIANTS)))
def test_chain_matches_interpreter_on_generated_scenarios(
    session_chain, procurement_statutes, artifacts, events, variant
):
    _differential(session_chain, artifacts, procurement_statutes[variant], events)


@pytest.mark.slow
@settings(max_examples=1_000, deadline=None, suppress_health_check=_HEALTH)
@given(events=procurement_events(), variant=st.sampled_from(tuple(VARIANTS)))
def test_chain_matches_interpreter_on_many_generated_scenarios(
    session_chain, procurement_statutes, artifacts, events, variant
):
    _differential(session_chain, artifacts, procurement_statutes[variant], events)


# ---------------------------------------------------------------- statutes drawn from the grammar


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("solc")


def _differential_on_drawn_statutes(data: st.DataObject, session_chain: Chain, build_dir: Path, count: int) -> None:
    """Procurement statutes drawn by tests/strategies (in CNY, in force from 2026-06-01, so the
    scenarios above apply), compiled in one solc call, each run on chain and in the interpreter."""
    drawn = data.draw(
        st.lists(
            grammar.procurement_statutes(currency="CNY", effective=dt.date(2026, 6, 1)), min_size=count, max_size=count
        )
    )
    statutes, compiled = compiled_batch(drawn, build_dir)
    for statute in statutes:
        note(grammar.written(statute))
        _differential(session_chain, compiled, statute, data.draw(procurement_events()))


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
