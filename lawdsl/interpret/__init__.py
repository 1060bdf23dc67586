"""The reference interpreter: docs/semantics.md executed directly on the AST.

It defines what the law means; the chain must reproduce its outcomes.
"""

from __future__ import annotations

from ..domains import implementation
from ..outcome import Outcome
from ..scenario import Scenario
from .amended import AmendedInterpreter
from .base import DomainInterpreter
from .explain import Explanation


def interpreter_for(scenario: Scenario) -> DomainInterpreter:
    """A fresh interpreter of the scenario's statute, with its wallets, holders and named parties
    (one per version when the scenario names `amendments:`)."""
    if scenario.amendments:
        return AmendedInterpreter(scenario)
    kind: type[DomainInterpreter] = implementation(__name__, scenario.statute.header.domain).INTERPRETER
    return kind.for_scenario(scenario)


def interpret(scenario: Scenario) -> Outcome:
    return interpreter_for(scenario).run(scenario.events)


def interpret_explained(scenario: Scenario) -> tuple[Outcome, list[Explanation]]:
    """The outcome and why each of its payments, then each of its arrears, has its amount."""
    interpreter = interpreter_for(scenario)
    interpreter.explaining = True
    outcome = interpreter.run(scenario.events)
    return outcome, [*interpreter.explanations, *interpreter.arrears_explained()]
