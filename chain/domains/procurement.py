"""Procurement events onto a `ProcurementStatute` contract, and its logs back to an outcome.

The buyer opens tenders and suppliers bid from their own accounts (each
after an ERC-20 approve of the escrow or deposit the contract will pull);
the authority registers inspectors and, as keeper, triggers the award; the
inspector named in a delivery confirms it from its own account, so a
delivery "confirmed" by anyone else is refused by the contract itself.

A bid is sealed here, as a supplier's wallet would seal it: a secret salt
(derived from the supplier's key and the event, so runs are reproducible) and
`keccak256(abi.encode(price, salt, supplier))`; the driver keeps the opening
until the supplier's reveal. The deposit sent with the commitment is the one
the contract's own `requiredDeposit` asks for.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from eth_utils.crypto import keccak

from lawdsl import events as E
from lawdsl.ast import Statute
from lawdsl.events import Award, Bid, Deliver, Event, OpenTender, RegisterInspector, Reveal
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.interpret.procurement import ProcurementInterpreter, Reason
from lawdsl.money import round_half_up
from lawdsl.outcome import Outcome, Payment, Rejection

from ..accounts import AUTHORITY, account_key
from .driver import Driver, article_text
from .rebuild import Call, Pending, Rebuilder


@dataclass(frozen=True)
class Opening:
    """What a sealed bid hides, kept by the supplier until its reveal."""

    price: int  # minor units per unit
    salt: bytes


class ProcurementDriver(Driver):
    REASONS = {
        "BeforeEffectiveDate": BEFORE_EFFECTIVE,
        "InspectorBoundToAnotherBuyer": Reason.INSPECTOR_BOUND.value,
        "QuantityNotPositive": Reason.QUANTITY_NOT_POSITIVE.value,
        "TenderInProgress": Reason.TENDER_IN_PROGRESS.value,
        "BuyerWalletShort": Reason.ESCROW_SHORT.value,
        "NoOpenTender": Reason.NO_OPEN_TENDER.value,
        "BiddingClosed": Reason.BIDDING_CLOSED.value,
        "AlreadyBid": Reason.ALREADY_BID.value,
        "BidderWalletShort": Reason.DEPOSIT_SHORT.value,
        "OutsideRevealPeriod": Reason.OUTSIDE_REVEAL.value,
        "NoSealedBid": Reason.NO_BID.value,
        "AlreadyRevealed": Reason.ALREADY_REVEALED.value,
        "RevealDoesNotMatchCommitment": Reason.REVEAL_MISMATCH.value,
        "PriceNotPositive": Reason.PRICE_NOT_POSITIVE.value,
        "AboveCeiling": Reason.ABOVE_CEILING.value,
        "DepositShort": Reason.REVEAL_DEPOSIT_SHORT.value,
        "RevealPeriodNotOver": Reason.REVEAL_NOT_OVER.value,
        "NotAwarded": Reason.NOT_AWARDED.value,
        "NotAwardedSupplier": Reason.NOT_WINNER.value,
        "NotRegisteredInspector": Reason.NOT_INSPECTOR.value,
        "BeyondTenderedQuantity": Reason.BEYOND_QUANTITY.value,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.openings: dict[str, Opening] = {}  # supplier label -> its latest accepted sealed bid

    def apply(self, event: Event) -> None:
        assert self.contract is not None
        fn = self.contract.functions
        address = self.chain.address
        if isinstance(event, RegisterInspector):
            self.send(event, AUTHORITY, fn.registerInspector(address(event.inspector), address(event.buyer),
                                                             event.index))
        elif isinstance(event, OpenTender):
            quantity = max(event.quantity, 0)  # uint256 carries no sign; 0 meets the same refusal
            self.approve(event.buyer, quantity * fn.ceilingPerUnit().call())
            self.send(event, event.buyer, fn.openTender(quantity, event.index))
        elif isinstance(event, Bid):
            self.bid(event)
        elif isinstance(event, Reveal):
            opening = self.openings.get(event.supplier, Opening(0, bytes(32)))
            self.send(event, event.supplier, fn.revealBid(opening.price, opening.salt, event.index))
        elif isinstance(event, Award):
            self.send(event, AUTHORITY, fn.award(event.index))
        elif isinstance(event, Deliver):
            self.send(event, event.inspector,
                      fn.confirmDelivery(address(event.supplier), max(event.quantity, 0), event.index))
        else:
            raise ValueError(f"event {event.index}: {type(event).__name__} is not a procurement event")

    def bid(self, event: Bid) -> None:
        """Seal the price, send the commitment with its deposit, and keep the opening if it is taken.

        A supplier's wallet does not seal a price that is not positive (the
        contract could only see it at the reveal), so that bid is refused here.
        """
        if event.price.minor <= 0:
            self.refused.append(Rejection(event.index, Reason.PRICE_NOT_POSITIVE.value))
            return
        assert self.contract is not None
        fn = self.contract.functions
        supplier = self.chain.address(event.supplier)
        # Secret like the supplier's key (prices are few, so a guessable salt would unseal the bid),
        # yet reproducible from it.
        salt = keccak(account_key(event.supplier) + event.index.to_bytes(8, "big"))
        count = fn.tenderCount().call()
        quantity = fn.tenders(count - 1).call()[1] if count else 0  # (buyer, quantity, …) of the latest
        deposit = fn.requiredDeposit(event.price.minor, quantity).call()
        self.approve(event.supplier, deposit)
        commitment = fn.commitmentOf(event.price.minor, salt, supplier).call()
        if self.send(event, event.supplier, fn.commitBid(commitment, deposit, event.index)) is not None:
            self.openings[event.supplier] = Opening(event.price.minor, salt)

    def approve(self, label: str, amount: int) -> None:
        assert self.contract is not None
        self.chain.transact(label, self.currency.functions.approve(self.contract.address, amount))

    def collect(self, outcome: Outcome) -> None:
        label = self.chain.label
        for name, args in self.logs():
            if name == "Payment":
                outcome.payments.append(Payment(args["ref"], label(args["payer"]), label(args["payee"]),
                                                self.money(args["amount"]), article_text(args["article"])))
        outcome.rejected.extend(sorted(self.refused, key=lambda r: r.event))


class ProcurementRebuilder(Rebuilder):
    def __init__(self, statute: Statute, calls: list[Call]) -> None:
        super().__init__(statute, calls)
        self.deposit_rate: Fraction = ProcurementInterpreter(statute, {}, []).deposit_rate
        self.quantity = 0  # of the latest tender opened

    def on_registerInspector(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.RegisterInspector, call, call.args["ref"], inspector=call.args["inspector"],
                           buyer=call.args["buyer"])]

    def on_openTender(self, call: Call, _: int) -> list[Pending]:
        if not call.failed:
            self.quantity = call.args["quantity"]
        return [self.event(E.OpenTender, call, call.args["ref"], buyer=call.sender,
                           quantity=call.args["quantity"])]

    def on_commitBid(self, call: Call, position: int) -> list[Pending]:
        return [self.event(E.Bid, call, call.args["ref"], supplier=call.sender,
                           price=self.money(self.sealed_price(call, position)))]

    def sealed_price(self, commit: Call, position: int) -> int:
        """The price the bid's own reveal opened; unrevealed, the price its deposit stands for."""
        for call in self.calls[position + 1:]:
            if call.failed or call.sender != commit.sender:
                continue
            if call.function == "commitBid":
                break  # a later tender's bid: this one was never revealed
            if call.function == "revealBid":
                price: int = call.args["price"]
                return price
        per_unit = self.deposit_rate * self.quantity
        return round_half_up(Fraction(commit.args["deposit"]) / per_unit) if per_unit else 0

    def on_revealBid(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Reveal, call, call.args["ref"], supplier=call.sender)]

    def on_award(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Award, call, call.args["ref"])]

    def on_confirmDelivery(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Deliver, call, call.args["ref"], supplier=call.args["supplier"],
                           quantity=call.args["quantity"], inspector=call.sender)]


#: This domain's encode and decode sides, as `lawdsl.domains.implementation` finds them.
DRIVER = ProcurementDriver
REBUILDER = ProcurementRebuilder
