"""Scenario events: what happens in the world, in the order it happens.

The scenario loader builds these from YAML; the interpreter, the chain
runner and the audit (which rebuilds them from chain logs) all consume the
same classes, so the three can be compared event by event.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Union

from .money import Money


@dataclass(frozen=True)
class EventBase:
    index: int  # 0-based position in the scenario: the `event` of outcome entries
    at: dt.datetime  # aware; inherited from the previous event when not written


# ------------------------------------------------------------ working time


@dataclass(frozen=True)
class Employ(EventBase):
    employer: str
    employee: str
    hourly_wage: Money


@dataclass(frozen=True)
class RegisterDevice(EventBase):
    """The authority offers a device to an employer; `accepted`: the employer accepts it at once."""

    device: str
    employer: str
    accepted: bool = True


@dataclass(frozen=True)
class AcceptDevice(EventBase):
    """The employer accepts a device the authority offered it: from now on its punches count."""

    employer: str
    device: str


@dataclass(frozen=True)
class RevokeDevice(EventBase):
    """A device is revoked for good, by its employer or (`by` None) by the authority."""

    device: str
    by: str | None = None


@dataclass(frozen=True)
class ChangeWage(EventBase):
    """The employer sets a new hourly wage, for shifts clocked in from now on."""

    employer: str
    employee: str
    hourly_wage: Money


@dataclass(frozen=True)
class EndEmployment(EventBase):
    """The employment of `employee` ends, at the wish of `by` (its employer or the employee)."""

    employee: str
    by: str


@dataclass(frozen=True)
class Withdraw(EventBase):
    """An employer takes back part of its deposit."""

    sender: str
    amount: Money


@dataclass(frozen=True)
class Deposit(EventBase):
    """Money moved from a wallet into the contract's keeping (not a payment)."""

    sender: str
    amount: Money


@dataclass(frozen=True)
class Punch(EventBase):
    device: str
    employee: str
    kind: str  # "in" | "out"


@dataclass(frozen=True)
class GrantTimeOff(EventBase):
    employer: str
    employee: str
    date: dt.date


@dataclass(frozen=True)
class Settle(EventBase):
    pass


# ------------------------------------------------------------ vouchers


@dataclass(frozen=True)
class Attest(EventBase):
    attester: str
    citizen: str
    attribute: str


@dataclass(frozen=True)
class RegisterMerchant(EventBase):
    merchant: str
    category: str


@dataclass(frozen=True)
class Issue(EventBase):
    issuer: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Spend(EventBase):
    holder: str
    merchant: str
    purchase: Money


@dataclass(frozen=True)
class Transfer(EventBase):
    holder: str
    recipient: str


@dataclass(frozen=True)
class Reclaim(EventBase):
    pass


# ------------------------------------------------------------ procurement


@dataclass(frozen=True)
class OpenTender(EventBase):
    buyer: str
    quantity: int


@dataclass(frozen=True)
class Bid(EventBase):
    supplier: str
    price: Money


@dataclass(frozen=True)
class Reveal(EventBase):
    supplier: str


@dataclass(frozen=True)
class RegisterInspector(EventBase):
    inspector: str
    buyer: str


@dataclass(frozen=True)
class Award(EventBase):
    pass


@dataclass(frozen=True)
class Deliver(EventBase):
    supplier: str
    quantity: int
    inspector: str


Event = Union[
    Employ, RegisterDevice, AcceptDevice, RevokeDevice, ChangeWage, EndEmployment, Withdraw,
    Deposit, Punch, GrantTimeOff, Settle,
    Attest, RegisterMerchant, Issue, Spend, Transfer, Reclaim,
    OpenTender, Bid, Reveal, RegisterInspector, Award, Deliver,
]
