"""Writing event scripts for the voucher and procurement interpreter tests.

A script numbers its events as a scenario does and lets an event without a
time keep the previous one, so a test reads like the scenario it stands for.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lawdsl.ast import Statute, TimeZone
from lawdsl.interpret.base import DomainInterpreter
from lawdsl.money import Money
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario

TZ = TimeZone(8 * 60)


def cny(text: str) -> Money:
    return Money.parse(f"CNY {text}")


def moment(text: str) -> dt.datetime:
    """`2026-03-05 12:00` read in the statutes' zone (+08:00)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ.tzinfo)


class Script:
    """Events numbered as a scenario numbers them; an event without `at` keeps the previous time."""

    #: The interpreter class a subclass runs its events with.
    interpreter_class: type[DomainInterpreter]

    def __init__(self, start: str) -> None:
        self.events: list = []
        self.at = moment(start)

    def __call__(self, kind: type, at: str | None = None, **fields) -> "Script":
        if at is not None:
            self.at = moment(at)
        self.events.append(kind(index=len(self.events), at=self.at, **fields))
        return self

    def parties(self, scenario: Scenario) -> dict:
        """The parties the deployment names, as `lawdsl.interpret.interpreter_for` passes them."""
        return {}

    def interpreter(
        self, statute: Statute, minted: dict[str, str], holders: list[str] | None = None
    ) -> DomainInterpreter:
        wallets = {name: cny(amount) for name, amount in minted.items()}
        scenario = Scenario(Path("script.yaml"), statute, wallets, tuple(self.events))
        return self.interpreter_class(statute, wallets, holders or list(wallets), **self.parties(scenario))

    def run(self, statute: Statute, minted: dict[str, str], holders: list[str] | None = None) -> Outcome:
        return self.interpreter(statute, minted, holders).run(tuple(self.events))


def payments(outcome: Outcome) -> list[tuple[int, str, str, str, str]]:
    return [(p.event, p.sender, p.recipient, p.amount.amount_text(), p.article) for p in outcome.payments]


def rejections(outcome: Outcome) -> list[tuple[int, str]]:
    return [(r.event, r.reason) for r in outcome.rejected]


def balances(outcome: Outcome) -> dict[str, str]:
    return {name: money.amount_text() for name, money in outcome.balances.items()}
