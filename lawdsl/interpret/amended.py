"""A working-time statute with later versions (a scenario's `amendments:`): one interpreter per version.

Each version is interpreted as its own contract would be: its own
employments, devices, deposits and queues, one shared set of wallets. From
a version's effective date the carry-over `lawdsl authority migrate` makes
on chain happens here too, at the first event dated then or later: every
standing employment (at the wage of its next shift) and every accepted,
unrevoked device of the version before is registered on it, the device
accepted by its firm. Deposits stay where they are: a firm moves its own.
Events are routed by `lawdsl.amendments.Versions` (docs/semantics.md,
"Amendments"): a clock-out to the version holding the open shift, a
`settle` to every version in force, anything else to the version in force
at its time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..amendments import Routing, Versions, effective_start
from ..ast import Statute
from ..events import Employ, Event, RegisterDevice, WalletMove
from ..money import Money
from ..outcome import Outcome
from .base import DomainInterpreter, Rejected
from .ledger import Ledger
from .working_time import WorkingTimeInterpreter

if TYPE_CHECKING:
    from ..scenario import Scenario


class _Version(WorkingTimeInterpreter):
    """One version: its deposits are pots of its own (`v1:wages:acme`), its wallets the shared ones."""

    def __init__(self, statute: Statute, ledger: Ledger, holders: list[str]) -> None:
        super().__init__(statute, {}, holders)
        self.ledger = ledger
        self.tag = f"v{statute.header.version}:"

    def _pot(self, employer: str) -> str:
        return self.tag + super()._pot(employer)


class AmendedInterpreter(DomainInterpreter):
    """Every version of the scenario's statute; the outcome names the latest."""

    def __init__(self, scenario: Scenario) -> None:
        versions = scenario.versions()
        super().__init__(versions[-1], scenario.balances, scenario.holders())
        self.versions = [_Version(statute, self.ledger, self.holders) for statute in versions]
        self.routing = Routing(Versions([effective_start(statute) for statute in versions]))
        self.carried = 1  # versions in force so far (the first needs no carrying over)

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> AmendedInterpreter:
        return cls(scenario)

    def apply(self, event: Event) -> None:
        if isinstance(event, WalletMove):
            self.ledger.move_wallets(event.sender, event.recipient, event.amount.minor)
            return
        while self.carried < len(self.versions) and event.at >= self.versions[self.carried].effective_start:
            self._carry_over(self.versions[self.carried - 1], self.versions[self.carried], event.at)
            self.carried += 1
        for position in self.routing.targets(event):
            self.versions[position].explaining = self.explaining
            self.versions[position].apply(event)

    @staticmethod
    def _carry_over(old: _Version, new: _Version, at: dt.datetime) -> None:
        """What `lawdsl authority migrate` registers, in the order it does: employments in the order
        first made, then accepted devices in the order accepted; one the new version refuses (a wage
        below its minimum) stays behind."""
        currency = new.statute.header.currency
        for employee, worker in sorted(old.workers.items(), key=lambda item: item[1].order):
            if worker.employer is None:
                continue
            wage = worker.next_wage if worker.next_wage is not None else worker.wage
            try:
                new.on_employ(Employ(-1, at, worker.employer, employee, Money(currency, wage)))
            except Rejected:
                pass
        for device, employer in list(old.devices.items()):
            try:
                new.on_register_device(RegisterDevice(-1, at, device, employer))
            except Rejected:
                pass

    def finish(self) -> None:
        for version in self.versions:
            version.finish()
        self.explanations = sorted(
            (item for version in self.versions for item in version.explanations), key=lambda e: e.payment.event
        )

    def outcome(self) -> Outcome:
        outcome = super().outcome()
        outcome.arrears = by_event(payment for version in self.versions for payment in version.arrears())
        outcome.violations = by_event(item for version in self.versions for item in version.violations)
        outcome.rejected = by_event(item for version in self.versions for item in version.rejected)
        return outcome


class _Dated(Protocol):
    @property
    def event(self) -> int: ...


Dated = TypeVar("Dated", bound=_Dated)


def by_event(items: Iterable[Dated]) -> list[Dated]:
    """Entries of several versions in event order (stable: an earlier version's first)."""
    return sorted(items, key=lambda item: item.event)
