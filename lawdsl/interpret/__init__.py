"""The reference interpreter: SPEC §4 executed directly on the AST.

It defines what the law means; the chain must reproduce its outcomes.
"""
from __future__ import annotations

from ..ast import Domain
from ..outcome import Outcome
from ..scenario import Scenario
from .base import DomainInterpreter


def interpreter_for(scenario: Scenario) -> DomainInterpreter:
    from .procurement import ProcurementInterpreter
    from .vouchers import VoucherInterpreter
    from .working_time import WorkingTimeInterpreter

    domain = scenario.statute.header.domain
    args = (scenario.statute, scenario.balances, scenario.holders())
    if domain is Domain.VOUCHERS:
        return VoucherInterpreter(*args, issuer=scenario.named_issuer())
    if domain is Domain.PROCUREMENT:
        return ProcurementInterpreter(*args, buyers=scenario.registered_buyers())
    return WorkingTimeInterpreter(*args)


def interpret(scenario: Scenario) -> Outcome:
    return interpreter_for(scenario).run(scenario.events)
