"""Run a scenario on a chain through the oracle path and read the outcome back from it.

The outcome is built from the statute contract's logs and the token's
balances only; the interpreter is never consulted, so comparing the two
outcomes with `==` is a real check of the compiled contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3.contract import Contract

from compiler.artifacts import Artifact, compile_statutes
from lawdsl.amendments import Routing, Versions, effective_start
from lawdsl.ast import Statute
from lawdsl.interpret.amended import by_event
from lawdsl.money import CURRENCY_DIGITS
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario

from .accounts import AUTHORITY
from .authority import Authority, deploy_authority
from .client import Chain, Reverted
from .domains import driver_class
from .domains.driver import Driver
from .migrate import plan


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
    A scenario's `amendments:` are enacted into the same registry at the first event
    dated on or after their effective date, then migrated (`enact_amendment`); each event
    goes to the version `lawdsl.amendments.Routing` names, as in the interpreter.
    """
    if artifacts is None:
        artifacts = compile_statutes([scenario.statute])
    deployment = deploy(scenario, chain, artifacts)
    drivers, currency = [deployment.driver], deployment.currency
    versions = scenario.versions()
    routing = Routing(Versions([effective_start(statute) for statute in versions]))
    for event in scenario.events:
        chain.set_next_time(event.at)
        while len(drivers) < len(versions) and event.at >= effective_start(versions[len(drivers)]):
            drivers.append(enact_amendment(chain, deployment, drivers[-1], versions[len(drivers)]))
        for position in routing.targets(event):
            drivers[position].apply(event)
    header = versions[-1].header
    outcome = Outcome(header.title, header.version)
    for driver in drivers:
        collected = Outcome(header.title, header.version)
        driver.collect(collected)
        outcome.payments += collected.payments
        outcome.arrears += collected.arrears
        outcome.violations += collected.violations
        outcome.rejected += collected.rejected
    if len(drivers) > 1:
        outcome.payments, outcome.arrears = by_event(outcome.payments), by_event(outcome.arrears)
        outcome.violations, outcome.rejected = by_event(outcome.violations), by_event(outcome.rejected)
    outcome.balances = {
        label: drivers[0].money(currency.functions.balanceOf(chain.address(label)).call())
        for label in scenario.holders()
    }
    return outcome


def enact_amendment(chain: Chain, deployment: Deployment, old: Driver, statute: Statute) -> Driver:
    """Version N+1 enacted into the registry and currency of version N, then what `lawdsl authority
    migrate` does: version N's standing employments and accepted devices registered on it by the
    authority, each device accepted by its firm. A registration version N+1 refuses stays behind."""
    scenario = Scenario(old.scenario.path, statute, {}, ())
    reuse = (deployment.currency, deployment.registry, deployment.authority)
    driver = deploy(scenario, chain, compile_statutes([statute]), reuse).driver
    assert old.contract is not None and driver.contract is not None
    found = plan(old.contract, driver.contract, old.deploy_block)
    for carry in found.carries:
        try:
            chain.transact(AUTHORITY, carry.call(driver.contract))
        except Reverted:
            pass
    for device, firm in found.devices_to_accept:
        chain.transact(chain.label(firm), driver.contract.functions.acceptDevice(device))
    return driver
