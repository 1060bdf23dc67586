"""What every domain's interpreter shares: the event loop, the effective date, rejections.

A domain interpreter subclasses `DomainInterpreter` and writes one
`on_<event>` method per event kind it accepts (`on_punch`, `on_spend`, …).
A method rejects an event by raising `Rejected(reason)`; the loop records
it and the event changes nothing — methods must check before they mutate.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING

from ..ast import Statute
from ..events import Event, WalletMove
from ..money import Money
from ..outcome import Outcome, Payment, Rejection, Violation
from .explain import Explanation, Step
from .ledger import Ledger

if TYPE_CHECKING:
    from ..scenario import Scenario

BEFORE_EFFECTIVE = "dated before the statute's effective date"


class Rejected(Exception):
    """Raised by an event handler: the event is refused for `reason` and changes nothing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@functools.cache
def _handler_name(kind: str) -> str:
    """`on_grant_time_off` for the event kind `GrantTimeOff`; once per kind, not once per event."""
    return "on_" + re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


class DomainInterpreter:
    def __init__(self, statute: Statute, minted: dict[str, Money], holders: list[str]) -> None:
        self.statute = statute
        self.tz = statute.header.time_zone.tzinfo
        self.ledger = Ledger(statute.header.currency, minted)
        self.holders = holders
        self.rejected: list[Rejection] = []
        self.violations: list[Violation] = []
        self.effective_start = dt.datetime.combine(statute.header.effective, dt.time(), self.tz)
        #: Record why each payment has its amount (`explained`); off on the hot path of long runs.
        self.explaining = False
        self.explanations: list[Explanation] = []

    def explained(self, payment: Payment, steps: list[Step]) -> None:
        """Keep the derivation of a payment just made (only while `explaining`)."""
        if self.explaining:
            self.explanations.append(Explanation(payment, tuple(steps)))

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> DomainInterpreter:
        """An interpreter for `scenario`; a domain whose deployment names parties passes them too."""
        return cls(scenario.statute, scenario.balances, scenario.holders())

    def run(self, events: tuple[Event, ...]) -> Outcome:
        for event in events:
            self.apply(event)
        self.finish()
        return self.outcome()

    def apply(self, event: Event) -> None:
        if isinstance(event, WalletMove):  # a fact outside the statute: no date or rule refuses it
            self.ledger.move_wallets(event.sender, event.recipient, event.amount.minor)
            return
        try:
            if event.at < self.effective_start:
                raise Rejected(BEFORE_EFFECTIVE)
            getattr(self, _handler_name(type(event).__name__))(event)
        except Rejected as refusal:
            self.reject(event.index, refusal.reason)

    def reject(self, index: int, reason: str) -> None:
        self.rejected.append(Rejection(index, reason))

    def finish(self) -> None:
        """Hook for what is computed when the events run out (e.g. arrears)."""

    def arrears(self) -> list[Payment]:
        return []

    def arrears_explained(self) -> list[Explanation]:
        """Why each arrear still owed has its amount (only while `explaining`); a domain with arrears says."""
        return []

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A moment read in the statute's time zone (docs/semantics.md)."""
        return moment.astimezone(self.tz)

    def outcome(self) -> Outcome:
        header = self.statute.header
        return Outcome(
            statute=header.title,
            version=header.version,
            payments=list(self.ledger.payments),
            arrears=self.arrears(),
            violations=list(self.violations),
            rejected=list(self.rejected),
            balances=self.ledger.balances(self.holders),
        )
