"""Procurement events onto a `ProcurementStatute` contract, and its logs back to an outcome.

Buyers open tenders and suppliers bid from their own accounts (each after an
ERC-20 approve of the escrow or deposit the contract will pull); the
authority registers buyers and inspectors through its timelock (the buyers
named at deployment, `Scenario.registered_buyers`, are the constructor's); the keeper
(the authority's own account) triggers awards, settles losing deposits page
by page until none is left, accepts deliveries after the inspection window
and closes undelivered tenders. The inspector named in a delivery confirms
it from its own account, so a delivery "confirmed" by anyone else is refused
by the contract itself. An event without `tender:` concerns the latest
opened tender.

A bid is sealed here, as a supplier's wallet would seal it: a secret salt
(derived from the supplier's key and the event, so runs are reproducible) and
`keccak256(abi.encode(price, salt, supplier))`; the driver keeps the opening
until the supplier's reveal. The deposit sent with the commitment is the one
the contract's own `requiredDeposit` asks for; with its reveal a supplier
approves the performance security its price would owe if it wins
(`requiredSecurity`), which the award then takes. Approvals add to what is
still approved, so a supplier in several tenders at once owes each its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.contract import Contract

from lawdsl import events as E
from lawdsl.ast import Statute
from lawdsl.events import (
    AcceptDelivery,
    Award,
    Bid,
    CloseTender,
    ConfirmDelivery,
    Deliver,
    DisputeDelivery,
    Event,
    OpenTender,
    RecordDelivery,
    RegisterBuyer,
    RegisterInspector,
    Reveal,
    RevokeBuyer,
    RevokeInspector,
    ScoreBid,
)
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.interpret.procurement import ProcurementInterpreter
from lawdsl.interpret.tenders import Reason
from lawdsl.money import round_half_up
from lawdsl.outcome import Outcome, Payment, Rejection

from ..accounts import AUTHORITY, account_key
from .driver import Driver, article_text
from .rebuild import SENDER, Call, Pending, Rebuilder


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
        "AccessControlUnauthorizedAccount": Reason.NOT_BUYER.value,  # only openTender checks a role
        "NotRegistered": Reason.NOT_REGISTERED.value,
        "UnknownTender": Reason.NO_OPEN_TENDER.value,
        "DepositBelowMinimum": Reason.DEPOSIT_BELOW_MINIMUM.value,
        "DeliveryPeriodOver": Reason.DELIVERY_PERIOD_OVER.value,
        "UnknownDelivery": Reason.UNKNOWN_DELIVERY.value,
        "DeliveryAlreadyJudged": Reason.ALREADY_JUDGED.value,
        "InspectionWindowOver": Reason.WINDOW_OVER.value,
        "InspectionWindowOpen": Reason.WINDOW_OPEN.value,
        "NotCloseableYet": Reason.NOT_CLOSEABLE.value,
        "DeliveryPending": Reason.DELIVERY_PENDING.value,
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
        "EvaluationNotOver": Reason.EVALUATION_NOT_OVER.value,
        "NotBestValueAward": Reason.NOT_BEST_VALUE.value,
        "NotTenderBuyer": Reason.NOT_TENDER_BUYER.value,
        "OutsideEvaluation": Reason.OUTSIDE_EVALUATION.value,
        "NotRevealed": Reason.NOT_REVEALED.value,
        "AlreadyScored": Reason.ALREADY_SCORED.value,
        "QualityAboveMaximum": Reason.QUALITY_OUT_OF_RANGE.value,
        "NotAwarded": Reason.NOT_AWARDED.value,
        "NotAwardedSupplier": Reason.NOT_WINNER.value,
        "NotRegisteredInspector": Reason.NOT_INSPECTOR.value,
        "BeyondTenderedQuantity": Reason.BEYOND_QUANTITY.value,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (tender, supplier label) -> the supplier's accepted sealed bid in that tender
        self.openings: dict[tuple[int, str], Opening] = {}

    def deploy_args(self) -> tuple[Any, ...]:
        assert self.authority is not None
        return (
            self.currency.address,
            self.authority.address,
            [self.chain.address(buyer) for buyer in self.scenario.registered_buyers()],
        )

    def number(self, tender: int | None) -> int:
        """The tender an event names; without one, the latest opened (0 when none: refused as unknown)."""
        assert self.contract is not None
        if tender is not None:
            return tender
        count: int = self.contract.functions.tenderCount().call()
        return max(count - 1, 0)

    def apply(self, event: Event) -> None:
        assert self.contract is not None
        fn = self.contract.functions
        address = self.chain.address
        if isinstance(event, RegisterBuyer):
            self.send_as_authority(event, fn.registerBuyer(address(event.buyer), event.index))
        elif isinstance(event, RevokeBuyer):
            self.send_as_authority(event, fn.revokeBuyer(address(event.buyer), event.index))
        elif isinstance(event, RegisterInspector):
            self.send_as_authority(
                event, fn.registerInspector(address(event.inspector), address(event.buyer), event.index)
            )
        elif isinstance(event, RevokeInspector):
            self.send_as_authority(event, fn.revokeInspector(address(event.inspector), event.index))
        elif isinstance(event, OpenTender):
            quantity = max(event.quantity, 0)  # uint256 carries no sign; 0 meets the same refusal
            self.approve(event.buyer, quantity * fn.ceilingPerUnit().call())
            self.send(event, event.buyer, fn.openTender(quantity, event.index))
        elif isinstance(event, Bid):
            self.bid(event)
        elif isinstance(event, Reveal):
            number = self.number(event.tender)
            opening = self.openings.get((number, event.supplier), Opening(0, bytes(32)))
            revealed = self.send(event, event.supplier, fn.revealBid(number, opening.price, opening.salt, event.index))
            if revealed is not None:
                quantity = fn.tenders(number).call()[1]  # (buyer, quantity, …)
                self.approve(event.supplier, fn.requiredSecurity(opening.price, quantity).call())
        elif isinstance(event, ScoreBid):
            if not 0 <= event.quality < 2**8:  # a buyer's wallet cannot encode it as a uint8 score
                self.refused.append(Rejection(event.index, Reason.QUALITY_OUT_OF_RANGE.value))
                return
            call = fn.scoreBid(self.number(event.tender), address(event.supplier), event.quality, event.index)
            self.send(event, event.buyer, call)
        elif isinstance(event, Award):
            self.award(event)
        elif isinstance(event, Deliver):
            self.send(
                event,
                event.inspector,
                fn.inspectDelivery(
                    self.number(event.tender), address(event.supplier), max(event.quantity, 0), event.index
                ),
            )
        elif isinstance(event, RecordDelivery):
            self.send(
                event, event.supplier, fn.recordDelivery(self.number(event.tender), max(event.quantity, 0), event.index)
            )
        elif isinstance(event, ConfirmDelivery):
            self.send(
                event, event.inspector, fn.confirmDelivery(self.number(event.tender), event.delivery, event.index)
            )
        elif isinstance(event, DisputeDelivery):
            self.send(
                event, event.inspector, fn.disputeDelivery(self.number(event.tender), event.delivery, event.index)
            )
        elif isinstance(event, AcceptDelivery):
            self.send(event, AUTHORITY, fn.acceptDelivery(self.number(event.tender), event.delivery, event.index))
        elif isinstance(event, CloseTender):
            self.send(event, AUTHORITY, fn.closeUndelivered(self.number(event.tender), event.index))
        else:
            raise ValueError(f"event {event.index}: {type(event).__name__} is not a procurement event")

    def award(self, event: Award) -> None:
        """The keeper awards, then settles the losing deposits a page a call until none is left."""
        assert self.contract is not None
        fn = self.contract.functions
        number = self.number(event.tender)
        if self.send(event, AUTHORITY, fn.award(number, event.index)) is None:
            return
        while fn.unsettledBids(number).call():
            self.chain.transact(AUTHORITY, fn.settleBids(number, event.index))

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
        number = self.number(event.tender)
        known = number < fn.tenderCount().call()
        quantity = fn.tenders(number).call()[1] if known else 0  # (buyer, quantity, …)
        deposit = fn.requiredDeposit(event.price.minor, quantity).call()
        self.approve(event.supplier, deposit)
        commitment = fn.commitmentOf(event.price.minor, salt, supplier).call()
        if self.send(event, event.supplier, fn.commitBid(number, commitment, deposit, event.index)) is not None:
            self.openings[(number, event.supplier)] = Opening(event.price.minor, salt)

    def approve(self, label: str, amount: int) -> None:
        """Let the contract pull `amount` more from `label`'s wallet."""
        assert self.contract is not None
        if not amount:
            return
        tokens = self.currency.functions
        approved = tokens.allowance(self.chain.address(label), self.contract.address).call()
        self.chain.transact(label, tokens.approve(self.contract.address, approved + amount))

    def collect(self, outcome: Outcome) -> None:
        label = self.chain.label
        for name, args in self.logs():
            if name == "Payment":
                outcome.payments.append(
                    Payment(
                        args["ref"],
                        label(args["payer"]),
                        label(args["payee"]),
                        self.money(args["amount"]),
                        article_text(args["article"]),
                    )
                )
        outcome.rejected.extend(sorted(self.refused, key=lambda r: r.event))


class ProcurementRebuilder(Rebuilder):
    """Tenders are named by number in every call; registrations come through the authority's timelock."""

    CALLS = {
        "registerBuyer": (E.RegisterBuyer, {"buyer": "buyer"}),
        "revokeBuyer": (E.RevokeBuyer, {"buyer": "buyer"}),
        "registerInspector": (E.RegisterInspector, {"inspector": "inspector", "buyer": "buyer"}),
        "revokeInspector": (E.RevokeInspector, {"inspector": "inspector"}),
        "revealBid": (E.Reveal, {"supplier": SENDER, "tender": "number"}),
        "scoreBid": (E.ScoreBid, {"buyer": SENDER, "supplier": "bidder", "quality": "quality", "tender": "number"}),
        "award": (E.Award, {"tender": "number"}),
        "inspectDelivery": (
            E.Deliver,
            {"supplier": "supplier", "quantity": "quantity", "inspector": SENDER, "tender": "number"},
        ),
        "recordDelivery": (E.RecordDelivery, {"supplier": SENDER, "quantity": "quantity", "tender": "number"}),
        "confirmDelivery": (E.ConfirmDelivery, {"inspector": SENDER, "delivery": "delivery", "tender": "number"}),
        "disputeDelivery": (E.DisputeDelivery, {"inspector": SENDER, "delivery": "delivery", "tender": "number"}),
        "acceptDelivery": (E.AcceptDelivery, {"delivery": "delivery", "tender": "number"}),
        "closeUndelivered": (E.CloseTender, {"tender": "number"}),
    }

    def __init__(self, statute: Statute, calls: list[Call]) -> None:
        super().__init__(statute, calls)
        self.deposit_rate: Fraction = ProcurementInterpreter(statute, {}, []).deposit_rate
        self.quantities: list[int] = []  # of every tender opened, by number

    @staticmethod
    def parties(contract: Contract, start: int) -> dict[str, Any]:
        """The buyers the contract registered at deployment: its constructor's `RoleGranted` logs."""
        role = contract.functions.BUYER_ROLE().call()
        granted = contract.events.RoleGranted().get_logs(from_block=start, to_block=start)
        return {
            "buyers": tuple(
                to_checksum_address(log["args"]["account"]) for log in granted if log["args"]["role"] == role
            )
        }

    def on_openTender(self, call: Call, _: int) -> list[Pending]:
        if not call.failed:
            self.quantities.append(call.args["quantity"])
        return [self.event(E.OpenTender, call, call.args["ref"], buyer=call.sender, quantity=call.args["quantity"])]

    def on_commitBid(self, call: Call, position: int) -> list[Pending]:
        return [
            self.event(
                E.Bid,
                call,
                call.args["ref"],
                supplier=call.sender,
                price=self.money(self.sealed_price(call, position)),
                tender=call.args["number"],
            )
        ]

    def sealed_price(self, commit: Call, position: int) -> int:
        """The price the bid's own reveal opened; unrevealed, the price its deposit stands for."""
        number = commit.args["number"]
        for call in self.calls[position + 1 :]:
            if (
                not call.failed
                and call.sender == commit.sender
                and call.function == "revealBid"
                and call.args["number"] == number
            ):
                price: int = call.args["price"]
                return price
        quantity = self.quantities[number] if number < len(self.quantities) else 0
        per_unit = self.deposit_rate * quantity
        return round_half_up(Fraction(commit.args["deposit"]) / per_unit) if per_unit else 0


#: This domain's encode and decode sides, as `lawdsl.domains.implementation` finds them.
DRIVER = ProcurementDriver
REBUILDER = ProcurementRebuilder
