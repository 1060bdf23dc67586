"""Run a scenario on a chain through the oracle path and read the outcome back from it.

The outcome is built from the statute contract's logs and the token's
balances only; the interpreter is never consulted, so comparing the two
outcomes with `==` is a real check of the compiled contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3.contract import Contract

from compiler.artifacts import Artifact, compile_statutes
from lawdsl.money import CURRENCY_DIGITS
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario

from .accounts import AUTHORITY
from .authority import Authority, deploy_authority
from .client import Chain
from .domains import driver_class
from .domains.driver import Driver


@dataclass(frozen=True)
class Deployment:
    driver: Driver  # holds the statute contract
    currency: Contract
    registry: Contract
    authority: Authority  # the timelock administering all three


def deploy(
    scenario: Scenario,
    chain: Chain,
    artifacts: dict[str, Artifact],
    reuse: tuple[Contract, Contract, Authority] | None = None,
) -> Deployment:
    """The authority's zero-delay timelock; token, registry and statute contract administered by it;
    the statute enacted and the balances minted through it (one timelock operation). With `reuse`
    (currency, registry, timelock) those stay: a new version of a statute is enacted into the
    registry its citizens already read, paying in the money its firms already hold."""
    header = scenario.statute.header
    statute = artifacts[header.title]
    token, registry = artifacts["DigitalCurrency"], artifacts["StatuteRegistry"]
    if reuse is not None:
        currency, registry_contract, authority = reuse
        chain.register_errors(token.abi)
        chain.register_errors(registry.abi)
    else:
        authority = deploy_authority(chain, artifacts)
        currency = chain.deploy(
            AUTHORITY,
            token.abi,
            token.bytecode,
            f"Digital {header.currency}",
            header.currency,
            CURRENCY_DIGITS[header.currency],
            authority.address,
        )
        registry_contract = chain.deploy(AUTHORITY, registry.abi, registry.bytecode, authority.address)
    driver = driver_class(header.domain)(chain, scenario, statute, currency, authority)
    contract = driver.deploy()
    authority.call(
        registry_contract.functions.enact(
            header.title,
            header.version,
            contract.address,
            statute.law_source_hash,
            contract.functions.effectiveFrom().call(),
        ),
        *(currency.functions.mint(chain.address(label), amount.minor) for label, amount in scenario.balances.items()),
    )
    return Deployment(driver, currency, registry_contract, authority)


def run_on_chain(scenario: Scenario, chain: Chain, artifacts: dict[str, Artifact] | None = None) -> Outcome:
    """Deploy, apply every event at its own block time, and read the outcome from the chain.

    `artifacts` (from `compile_statutes`) saves the cache lookup when many
    scenarios share a compile; the chain must not be past the first event's time.
    """
    if artifacts is None:
        artifacts = compile_statutes([scenario.statute])
    deployment = deploy(scenario, chain, artifacts)
    driver, currency = deployment.driver, deployment.currency
    for event in scenario.events:
        chain.set_next_time(event.at)
        driver.apply(event)
    header = scenario.statute.header
    outcome = Outcome(header.title, header.version)
    driver.collect(outcome)
    outcome.balances = {
        label: driver.money(currency.functions.balanceOf(chain.address(label)).call()) for label in scenario.holders()
    }
    return outcome
