"""What the attack tests share: a deployed statute driven by scenario events, and a refused call.

Each attack is a call an outsider, a cheating party or the authority's own
key would send; the test asserts the custom error the contract meets it with.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chain.client import Chain, Reverted
from chain.domains.driver import Driver
from chain.runner import Deployment, deploy
from lawdsl.ast import Statute
from lawdsl.events import Event
from lawdsl.money import Money
from lawdsl.scenario import Scenario


def deployed(
    chain: Chain,
    artifacts: dict,
    statute: Statute,
    balances: dict[str, int],
    events: tuple[Event, ...],
    **parties: object,
) -> Deployment:
    """`statute` deployed for a scenario of `events` (minor-unit balances), the events applied, none refused."""
    wallets = {label: Money(statute.header.currency, minor) for label, minor in balances.items()}
    scenario = Scenario(Path("attack.yaml"), statute, wallets, events, **parties)  # type: ignore[arg-type]
    deployment = deploy(scenario, chain, artifacts)
    for event in events:
        chain.set_next_time(event.at)
        deployment.driver.apply(event)
    assert deployment.driver.refused == []
    return deployment


def refusal(driver: Driver, label: str, call, at: dt.datetime | None = None) -> Reverted:
    """The revert `call`, sent from `label` (at `at`), meets."""
    if at is not None:
        driver.chain.set_next_time(at)
    with pytest.raises(Reverted) as refused:
        driver.chain.transact(label, call)
    return refused.value
