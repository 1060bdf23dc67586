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
class DelistMerchant(EventBase):
    """The authority (or a guardian) withdraws a merchant's registration."""

    merchant: str


@dataclass(frozen=True)
class AppointIssuer(EventBase):
    """The authority names (or replaces) the program's issuing agency."""

    issuer: str


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
# `tender` names a tender by its place in opening order (from 0); None: the latest opened.


@dataclass(frozen=True)
class RegisterBuyer(EventBase):
    buyer: str


@dataclass(frozen=True)
class RevokeBuyer(EventBase):
    buyer: str


@dataclass(frozen=True)
class OpenTender(EventBase):
    buyer: str
    quantity: int


@dataclass(frozen=True)
class Bid(EventBase):
    supplier: str
    price: Money
    tender: int | None = None


@dataclass(frozen=True)
class Reveal(EventBase):
    supplier: str
    tender: int | None = None


@dataclass(frozen=True)
class ScoreBid(EventBase):
    """The tender's buyer publishes a revealed bid's quality score, 0 to 100 (best value award)."""

    buyer: str
    supplier: str
    quality: int
    tender: int | None = None


@dataclass(frozen=True)
class RegisterInspector(EventBase):
    inspector: str
    buyer: str


@dataclass(frozen=True)
class RevokeInspector(EventBase):
    inspector: str


@dataclass(frozen=True)
class Award(EventBase):
    tender: int | None = None


@dataclass(frozen=True)
class Deliver(EventBase):
    """The inspector records and confirms a delivery in one step (lateness from this event)."""

    supplier: str
    quantity: int
    inspector: str
    tender: int | None = None


@dataclass(frozen=True)
class RecordDelivery(EventBase):
    """The winner records a delivery itself: lateness is counted from this event."""

    supplier: str
    quantity: int
    tender: int | None = None


@dataclass(frozen=True)
class ConfirmDelivery(EventBase):
    inspector: str
    delivery: int  # the tender's delivery records, counted from 0
    tender: int | None = None


@dataclass(frozen=True)
class DisputeDelivery(EventBase):
    inspector: str
    delivery: int
    tender: int | None = None


@dataclass(frozen=True)
class AcceptDelivery(EventBase):
    """Anyone, after the inspection window passed in silence: the delivery counts as confirmed."""

    delivery: int
    tender: int | None = None


@dataclass(frozen=True)
class CloseTender(EventBase):
    """Anyone closes a tender its winner did not deliver by the deadline plus the grace."""

    tender: int | None = None


# ------------------------------------------------------------ any domain


@dataclass(frozen=True)
class WalletMove(EventBase):
    """Money that moved between wallets outside the statute: a top-up (mint), a transfer between
    parties, a withdrawal to a bank (burn or transfer away). No statute governs it, but it changes
    what a later deposit or escrow can draw on, so an audit replays it where the chain had it.
    `sender` None: minted; `recipient` None: burned."""

    sender: str | None
    recipient: str | None
    amount: Money


Event = Union[
    Employ,
    RegisterDevice,
    AcceptDevice,
    RevokeDevice,
    ChangeWage,
    EndEmployment,
    Withdraw,
    Deposit,
    Punch,
    GrantTimeOff,
    Settle,
    Attest,
    RegisterMerchant,
    DelistMerchant,
    AppointIssuer,
    Issue,
    Spend,
    Transfer,
    Reclaim,
    RegisterBuyer,
    RevokeBuyer,
    OpenTender,
    Bid,
    Reveal,
    ScoreBid,
    RegisterInspector,
    RevokeInspector,
    Award,
    Deliver,
    RecordDelivery,
    ConfirmDelivery,
    DisputeDelivery,
    AcceptDelivery,
    CloseTender,
    WalletMove,
]
