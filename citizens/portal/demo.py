"""Several scenarios on one chain, interleaved in time: something for the portal to show.

Block times only move forward and the example scenarios overlap in time
(March 2026 for both overtime and vouchers), so running them one after the
other would be refused by the chain. Each scenario is deployed first (its
own token, registry and statute), then all events of all scenarios are
applied in time order; each driver still reads its own outcome back from
its own contract's logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from chain.client import Chain
from chain.runner import Deployment, deploy
from compiler.artifacts import Artifact, compile_statutes
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario


@dataclass(frozen=True)
class Replayed:
    scenario: Scenario
    deployment: Deployment
    outcome: Outcome


def replay(scenarios: list[Scenario], chain: Chain, artifacts: dict[str, Artifact] | None = None) -> list[Replayed]:
    """Deploy every scenario, apply all events in time order (ties: scenario order), collect outcomes."""
    if artifacts is None:
        artifacts = compile_statutes({s.statute.header.title: s.statute for s in scenarios}.values())
    deployments = [deploy(scenario, chain, artifacts) for scenario in scenarios]
    timeline = sorted(
        ((event.at, n, event) for n, s in enumerate(scenarios) for event in s.events),
        key=lambda item: (item[0], item[1]),
    )
    for at, n, event in timeline:
        chain.set_next_time(at)
        deployments[n].driver.apply(event)
    replayed = []
    for scenario, deployment in zip(scenarios, deployments):
        header = scenario.statute.header
        outcome = Outcome(header.title, header.version)
        deployment.driver.collect(outcome)
        replayed.append(Replayed(scenario, deployment, outcome))
    return replayed
