"""Attacks on the voucher program and on the authority's power (issue 13), each met by a named error.

An outsider's 0.01 deposit does not make it the issuer; a de-listed merchant
cannot be paid; an issue call is bounded; and the authority's own key can
neither mint money nor register anyone without its timelock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from eth_utils import keccak

from chain.accounts import AUTHORITY
from chain.authority import deploy_authority
from chain.client import Reverted
from chain.domains.vouchers import text_hash
from chain.runner import deploy
from compiler.artifacts import compile_statutes
from lawdsl.ast import InstalmentRule, Statute, TransferRule
from lawdsl.events import Attest, Deposit, Issue, RegisterMerchant
from lawdsl.money import Money
from lawdsl.scenario import Scenario

from .attacks import deployed, refusal
from .statutes import VOUCHER_VARIANTS, compiled_variants

pytestmark = pytest.mark.chain
SHENZHEN = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 3, 1, 10, tzinfo=SHENZHEN)
SPEND = dt.datetime(2026, 3, 5, 12, tzinfo=SHENZHEN)
MINTER_ROLE = keccak(text="MINTER_ROLE")
LEGISLATOR_ROLE = keccak(text="LEGISLATOR_ROLE")
GUARDIAN_ROLE = keccak(text="GUARDIAN_ROLE")


@pytest.fixture(scope="module")
def example(statutes: dict[str, Statute]) -> Statute:
    return compiled_variants(statutes, VOUCHER_VARIANTS)["example"]


@pytest.fixture
def program(chain, artifacts, example):
    """mofcom (named at deployment) funds 10,000.00; alice attested and issued; shop1 a listed grocer."""
    events = (
        Deposit(0, START, "mofcom", Money("CNY", 1_000_000)),
        Attest(1, START, "civil", "alice", "low income household"),
        RegisterMerchant(2, START, "shop1", "groceries"),
        Issue(3, START, "mofcom", ("alice",)),
    )
    return deployed(chain, artifacts, example, {"mofcom": 10_000_000, "mallory": 10_000}, events)


def test_a_tiny_deposit_does_not_make_an_outsider_the_issuer(program):
    driver = program.driver
    chain, fn = driver.chain, driver.contract.functions
    chain.transact("mallory", program.currency.functions.approve(driver.contract.address, 1))
    attempt = refusal(driver, "mallory", fn.deposit(1, 9))  # CNY 0.01
    assert (attempt.error, attempt.arguments) == ("NotIssuer", (chain.address("mofcom"),))
    issuing = refusal(driver, "mallory", fn.issue([chain.address("mallory")], 10))
    assert issuing.error == "NotIssuer"
    appoint = refusal(driver, "mallory", fn.appointIssuer(chain.address("mallory"), 11))
    assert appoint.error == "AccessControlUnauthorizedAccount"
    assert fn.issuer().call() == chain.address("mofcom")


def test_without_an_issuer_named_nobody_deposits_until_the_authority_appoints_one(chain, artifacts, example):
    deployment = deployed(chain, artifacts, example, {"mofcom": 10_000, "mallory": 10_000}, ())  # no deposit
    driver = deployment.driver
    fn = driver.contract.functions
    chain.set_next_time(START)
    first = refusal(driver, "mallory", fn.deposit(1, 0))
    assert (first.error, first.arguments) == ("NotIssuer", ("0x" + "00" * 20,))
    deployment.authority.call(fn.appointIssuer(chain.address("mofcom"), 1))
    chain.transact("mofcom", deployment.currency.functions.approve(driver.contract.address, 1))
    chain.transact("mofcom", fn.deposit(1, 2))
    assert fn.funds().call() == 1


def test_a_delisted_merchant_cannot_be_paid_until_registered_again(program):
    driver = program.driver
    chain, fn = driver.chain, driver.contract.functions
    chain.set_next_time(SPEND)
    outsider = refusal(driver, "mallory", fn.delistMerchant(chain.address("shop1"), 9))
    assert outsider.error == "NotAuthorityOrGuardian"
    # A guardian (granted by the timelock) de-lists at once, but cannot list anyone.
    program.authority.call(fn.grantRole(GUARDIAN_ROLE, chain.address("guardian")))
    chain.transact("guardian", fn.delistMerchant(chain.address("shop1"), 10))
    paid = refusal(driver, "alice", fn.spend(chain.address("shop1"), 20_000, 11))
    assert (paid.error, paid.arguments) == ("MerchantNotEligible", (chain.address("shop1"),))
    relist = refusal(driver, "guardian", fn.registerMerchant(chain.address("shop1"), text_hash("groceries"), 12))
    assert relist.error == "AccessControlUnauthorizedAccount"
    program.authority.call(fn.registerMerchant(chain.address("shop1"), text_hash("groceries"), 13))
    chain.transact("alice", fn.spend(chain.address("shop1"), 20_000, 14))
    assert program.currency.functions.balanceOf(chain.address("shop1")).call() == 10_000


def test_an_issue_call_is_bounded(program):
    driver = program.driver
    fn = driver.contract.functions
    too_many = [driver.chain.address(f"r{n}") for n in range(201)]
    attempt = refusal(driver, "mofcom", fn.issue(too_many, 9))
    assert (attempt.error, attempt.arguments) == ("TooManyRecipients", (201, 200))


def test_the_authoritys_key_cannot_mint_or_enact_or_register_without_the_timelock(program):
    driver = program.driver
    chain = driver.chain
    mint = refusal(driver, AUTHORITY, program.currency.functions.mint(chain.address(AUTHORITY), 1))
    assert (mint.error, mint.arguments) == ("AccessControlUnauthorizedAccount", (chain.address(AUTHORITY), MINTER_ROLE))
    enact = refusal(
        driver, AUTHORITY, program.registry.functions.enact("Fake Act", 1, chain.address(AUTHORITY), bytes(32), 0)
    )
    assert (enact.error, enact.arguments[1]) == ("AccessControlUnauthorizedAccount", LEGISLATOR_ROLE)
    merchant = refusal(
        driver,
        AUTHORITY,
        driver.contract.functions.registerMerchant(chain.address(AUTHORITY), text_hash("groceries"), 9),
    )
    assert merchant.error == "AccessControlUnauthorizedAccount"


def test_a_live_timelock_makes_minting_wait_out_its_delay(chain, artifacts, program):
    """With a real delay, a proposed mint cannot be executed before the delay has passed."""
    live = deploy_authority(chain, artifacts, delay=2 * 86_400, proposer="bureau-keys")
    currency = program.currency
    program.authority.call(currency.functions.grantRole(MINTER_ROLE, live.address))
    chain.set_next_time(START)
    proposal = live.propose([currency.functions.mint(chain.address("mallory"), 10**9)])
    with pytest.raises(Reverted) as early:
        live.execute(proposal)
    assert early.value.error == "TimelockUnexpectedOperationState"
    chain.set_next_time(START + dt.timedelta(days=2))
    live.execute(proposal)
    assert currency.functions.balanceOf(chain.address("mallory")).call() == 10_000 + 10**9


# ---------------------------------------------------------------- instalments


@pytest.fixture
def instalments(chain, artifacts, statutes):
    """The instalments variant (100.00 from 1 March, 60.00 from the 10th, 40.00 from the 20th), alice issued."""
    statute = compiled_variants(statutes, VOUCHER_VARIANTS)["instalments"]
    events = (
        Deposit(0, START, "mofcom", Money("CNY", 1_000_000)),
        Attest(1, START, "civil", "alice", "low income household"),
        RegisterMerchant(2, START, "shop1", "groceries"),
        Issue(3, START, "mofcom", ("alice",)),
    )
    return deployed(chain, artifacts, statute, {"mofcom": 10_000_000, "mallory": 10_000}, events)


def test_an_instalment_pays_nothing_before_its_date_whoever_asks(instalments):
    driver = instalments.driver
    chain, fn = driver.chain, driver.contract.functions
    shop = chain.address("shop1")
    chain.set_next_time(SPEND)
    chain.transact("alice", fn.spend(shop, 40_000, 9))  # the first part, 100.00, is due: all of it is paid
    early = refusal(driver, "alice", fn.spend(shop, 40_000, 10))
    tenth = int(dt.datetime(2026, 3, 10, tzinfo=SHENZHEN).timestamp())
    assert (early.error, early.arguments) == ("InstalmentNotYetDue", (1, tenth))
    # Nobody else can spend alice's parts, early or late: a spend takes the caller's own vouchers.
    outsider = refusal(driver, "mallory", fn.spend(shop, 40_000, 11))
    assert (outsider.error, outsider.arguments) == ("NoVoucherWithValue", (chain.address("mallory"),))
    assert instalments.currency.functions.balanceOf(shop).call() == 10_000
    assert [fn.instalment(i).call() for i in range(3)] == [
        [10_000, int(dt.datetime(2026, 3, 1, tzinfo=SHENZHEN).timestamp())],
        [6_000, tenth],
        [4_000, int(dt.datetime(2026, 3, 20, tzinfo=SHENZHEN).timestamp())],
    ]
    missing = refusal(driver, "alice", fn.instalment(3))
    assert (missing.error, missing.arguments) == ("NoSuchInstalment", (3,))


def test_an_issue_call_is_bounded_by_the_vouchers_it_makes(instalments):
    """Each recipient costs one voucher per part: at most 200 // 3 = 66 recipients a call."""
    driver = instalments.driver
    fn = driver.contract.functions
    assert (fn.instalmentCount().call(), fn.MAX_INSTALMENTS().call()) == (3, 12)
    too_many = [driver.chain.address(f"r{n}") for n in range(67)]
    attempt = refusal(driver, "mofcom", fn.issue(too_many, 9))
    assert (attempt.error, attempt.arguments) == ("TooManyRecipients", (67, 66))
    outsider = refusal(driver, "mallory", fn.issue([driver.chain.address("mallory")], 10))
    assert outsider.error == "NotIssuer"


def test_a_contract_built_around_the_checker_refuses_unsound_instalments(chain, statutes, tmp_path):
    """Parts that do not add up to the face value, or transferable parts, never deploy, whoever compiles them."""
    base = compiled_variants(statutes, VOUCHER_VARIANTS)["instalments"]
    issue, *rest = base.articles
    short = replace(
        issue,
        rules=tuple(
            replace(r, instalments=r.instalments[:-1]) if isinstance(r, InstalmentRule) else r for r in issue.rules
        ),
    )
    unsound = {
        "short": replace(base, header=replace(base.header, title="Instalments short"), articles=(short, *rest)),
        "transferable": replace(
            base,
            header=replace(base.header, title="Instalments transferable"),
            articles=tuple(
                replace(a, rules=tuple(TransferRule(True) if isinstance(r, TransferRule) else r for r in a.rules))
                for a in base.articles
            ),
        ),
    }
    artifacts = compile_statutes(unsound.values(), tmp_path)
    for statute in unsound.values():
        with pytest.raises(Reverted) as refused:
            deploy(Scenario(Path("unsound.yaml"), statute, {}, ()), chain, artifacts)
        parts = 2 if statute is unsound["short"] else 3
        assert (refused.value.error, refused.value.arguments) == ("InvalidInstalments", (parts,))
