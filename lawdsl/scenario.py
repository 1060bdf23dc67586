"""Scenario files (SPEC §6): a statute driven through dated events."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .ast import Statute
from .events import (Bid, Deliver, Deposit, Employ, Event, Issue, OpenTender, Spend, Transfer)
from .money import Money


@dataclass(frozen=True)
class Scenario:
    path: Path
    statute: Statute
    balances: dict[str, Money]
    events: tuple[Event, ...]
    expect: dict | None = field(default=None, compare=False)

    def holders(self) -> list[str]:
        """Labels whose wallets the outcome lists: minted ones, then money roles in event order."""
        names = list(self.balances)
        for event in self.events:
            for name in _money_roles(event):
                if name not in names:
                    names.append(name)
        return names


def _money_roles(event: Event) -> tuple[str, ...]:
    if isinstance(event, Employ):
        return (event.employer, event.employee)
    if isinstance(event, Deposit):
        return (event.sender,)
    if isinstance(event, Issue):
        return (event.issuer, *event.recipients)
    if isinstance(event, Spend):
        return (event.holder, event.merchant)
    if isinstance(event, Transfer):
        return (event.holder, event.recipient)
    if isinstance(event, (OpenTender,)):
        return (event.buyer,)
    if isinstance(event, (Bid, Deliver)):
        return (event.supplier,)
    return ()
