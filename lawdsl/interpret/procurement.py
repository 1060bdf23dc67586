"""Procurement (SPEC §4 "Procurement"): a sealed-bid tender, an award, paid inspected deliveries.

A tender's life: `open tender` escrows `Q × ceiling` from the buyer; sealed
bids come with a deposit during the bidding period, from the opening; they
are revealed during the reveal period that follows; `award` (after it) picks
the lowest revealed price, refunds the revealed losers and forfeits the
non-revealers' deposits; each delivery confirmed by the buyer's inspector is
paid from the escrow; the last one returns the winner's deposit and the rest
of the escrow.

Decisions where SPEC is silent (the project docs repeat them):

- One tender at a time: a tender may be opened only when there is none, or
  the last one is closed (fully delivered, or awarded with no revealed bid).
  Bids, reveals, the award and deliveries all concern the latest tender.
- Any label may be the buyer of a tender; an inspector is registered to one
  buyer and confirms only that buyer's deliveries.
- A supplier bids once per tender. A price above the ceiling is accepted at
  bidding, since the bid is sealed, and refused at the reveal (SPEC).
- The interpreter knows each sealed price and holds exactly the bid's deposit
  when it is committed, so its reveals always match and are never short;
  the chain's contract checks both.
- With no forfeit rule, a non-revealer's deposit is refunded, not forfeited.
- With no revealed bid, the award closes the tender and the whole escrow
  goes back to the buyer.
- The delivery deadline is the end of the reveal window plus the delivery
  duration. A delivery at the deadline is on time; each day begun after it
  is one day late (one second late is one day). The payment is
  `round_half_up(q × price × (1 − min(1, days late × penalty)))`: one
  rounding, as for every payment. A delivery whose payment is nothing (a
  penalty of 100% or more) is confirmed but makes no payment entry.
- Only the awarded supplier delivers. When `Q` units have been delivered the
  winner's deposit and the unspent escrow are refunded (not payments), and a
  later delivery is refused as beyond the quantity.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from fractions import Fraction

from ..ast import (
    BiddingRule,
    DeliveryRule,
    DepositRule,
    Duration,
    ForfeitRule,
    PenaltyRule,
    Percentage,
    PurchaseRule,
    Statute,
    SupplyPaymentRule,
)
from ..events import Award, Bid, Deliver, OpenTender, RegisterInspector, Reveal
from ..money import Money, round_half_up
from .base import DomainInterpreter, Rejected
from .explain import Step, decimal, exact, rounding, when

DAY = dt.timedelta(days=1)


class Reason(str, enum.Enum):
    """Why a procurement event is refused: the texts suppliers and citizens read in the outcome."""

    INSPECTOR_BOUND = "the inspector is registered to another buyer"
    QUANTITY_NOT_POSITIVE = "the quantity must be a positive number of units"
    TENDER_IN_PROGRESS = "a tender is already in progress"
    ESCROW_SHORT = "the buyer's wallet cannot cover the tender's escrow"
    NO_OPEN_TENDER = "no tender is open"
    BIDDING_CLOSED = "the bidding period is over"
    PRICE_NOT_POSITIVE = "a bid's price must be positive"
    ALREADY_BID = "the supplier has already bid in this tender"
    DEPOSIT_SHORT = "the supplier's wallet cannot cover the bid's deposit"
    OUTSIDE_REVEAL = "bids may be revealed only during the reveal period"
    NO_BID = "the supplier has no sealed bid in this tender"
    ALREADY_REVEALED = "the bid has already been revealed"
    ABOVE_CEILING = "the revealed price is above the ceiling"
    REVEAL_NOT_OVER = "the reveal period has not ended yet"
    NOT_AWARDED = "no tender has been awarded"
    NOT_WINNER = "only the awarded supplier delivers"
    NOT_INSPECTOR = "the delivery is not confirmed by the buyer's registered inspector"
    BEYOND_QUANTITY = "the delivery goes beyond the tendered quantity"
    # Only a chain meets these two: the interpreter holds every sealed price and exactly the bid's
    # deposit, so its reveals always match their commitment and are never short (see above).
    REVEAL_MISMATCH = "the reveal does not match its sealed bid"
    REVEAL_DEPOSIT_SHORT = "the deposit sent with the bid is short of the deposit its price requires"


class Phase(enum.Enum):
    BIDDING = "bidding"  # open: sealed bids, then reveals, until the award
    DELIVERY = "delivery"  # awarded: the winner delivers against the escrow
    CLOSED = "closed"  # fully delivered, or nobody revealed: the next tender may open


@dataclass
class SealedBid:
    order: int  # commitment order: the earliest wins a tie
    supplier: str
    price: Money
    deposit: int  # minor units held in the tender's deposit pot for this supplier
    revealed: bool = False


@dataclass
class Tender:
    number: int  # 0-based, in opening order; names the tender's ledger pots
    buyer: str
    quantity: int
    bids_close: dt.datetime  # bidding: [opening, bids_close)
    reveals_close: dt.datetime  # revealing: [bids_close, reveals_close); award from then on
    deadline: dt.datetime  # deliveries after it are late
    phase: Phase = Phase.BIDDING
    bids: dict[str, SealedBid] = field(default_factory=dict)
    winner: SealedBid | None = None
    delivered: int = 0

    @property
    def escrow_pot(self) -> str:
        return f"tender {self.number} escrow"

    def deposit_pot(self, supplier: str) -> str:
        return f"tender {self.number} deposit of {supplier}"


def days_late(deadline: dt.datetime, at: dt.datetime) -> int:
    """Days begun after the deadline: none at the deadline itself, one from its first second on."""
    late = at - deadline
    return -(-late // DAY) if late > dt.timedelta(0) else 0


class ProcurementInterpreter(DomainInterpreter):
    def __init__(self, statute: Statute, minted: dict[str, Money], holders: list[str]) -> None:
        super().__init__(statute, minted, holders)
        self.inspectors: dict[str, str] = {}  # inspector -> buyer
        self.tenders: list[Tender] = []
        self._read_rules(statute)

    def _read_rules(self, statute: Statute) -> None:
        """Resolve the statute's rules once; purchase, bidding, delivery and payment are required."""
        _, purchase = next(statute.rules(PurchaseRule))
        _, bidding = next(statute.rules(BiddingRule))
        _, delivery = next(statute.rules(DeliveryRule))
        payment_article, _ = next(statute.rules(SupplyPaymentRule))
        self.ceiling: Money = statute.value_as(purchase.ceiling, Money)
        self.sealed = dt.timedelta(minutes=statute.value_as(bidding.sealed, Duration).minutes)
        self.revealed = dt.timedelta(minutes=statute.value_as(bidding.revealed, Duration).minutes)
        self.delivery_within = dt.timedelta(minutes=statute.value_as(delivery.within, Duration).minutes)
        self.payment_article = payment_article.id

        deposit = statute.rule(DepositRule)
        self.deposit_rate: Fraction = statute.value_as(deposit[1].rate, Percentage).ratio if deposit else Fraction(0)
        penalty = statute.rule(PenaltyRule)
        self.penalty_rate: Fraction = statute.value_as(penalty[1].rate, Percentage).ratio if penalty else Fraction(0)
        forfeit = statute.rule(ForfeitRule)
        self.forfeit_article: str | None = forfeit[0].id if forfeit else None

    @property
    def tender(self) -> Tender | None:
        """The latest tender: every bid, reveal, award and delivery concerns it."""
        return self.tenders[-1] if self.tenders else None

    def _open_tender(self) -> Tender:
        """The tender taking bids, reveals or its award, or a refusal if there is none."""
        tender = self.tender
        if tender is None or tender.phase is not Phase.BIDDING:
            raise Rejected(Reason.NO_OPEN_TENDER.value)
        return tender

    # ------------------------------------------------------------ opening

    def on_register_inspector(self, event: RegisterInspector) -> None:
        if self.inspectors.get(event.inspector, event.buyer) != event.buyer:
            raise Rejected(Reason.INSPECTOR_BOUND.value)
        self.inspectors[event.inspector] = event.buyer

    def on_open_tender(self, event: OpenTender) -> None:
        if event.quantity <= 0:
            raise Rejected(Reason.QUANTITY_NOT_POSITIVE.value)
        if self.tender is not None and self.tender.phase is not Phase.CLOSED:
            raise Rejected(Reason.TENDER_IN_PROGRESS.value)
        escrow = event.quantity * self.ceiling.minor
        if not self.ledger.can_cover(event.buyer, escrow):
            raise Rejected(Reason.ESCROW_SHORT.value)
        bids_close = event.at + self.sealed
        reveals_close = bids_close + self.revealed
        tender = Tender(
            number=len(self.tenders),
            buyer=event.buyer,
            quantity=event.quantity,
            bids_close=bids_close,
            reveals_close=reveals_close,
            deadline=reveals_close + self.delivery_within,
        )
        self.tenders.append(tender)
        self.ledger.hold(event.buyer, tender.escrow_pot, escrow)

    # ------------------------------------------------------------ sealed bids

    def on_bid(self, event: Bid) -> None:
        """Commit a sealed bid; events are in time order, so it is never before the opening."""
        tender = self._open_tender()
        if event.at >= tender.bids_close:
            raise Rejected(Reason.BIDDING_CLOSED.value)
        if event.price.minor <= 0:
            raise Rejected(Reason.PRICE_NOT_POSITIVE.value)
        if event.supplier in tender.bids:
            raise Rejected(Reason.ALREADY_BID.value)
        deposit = round_half_up(event.price.scaled(self.deposit_rate * tender.quantity))
        if not self.ledger.can_cover(event.supplier, deposit):
            raise Rejected(Reason.DEPOSIT_SHORT.value)
        tender.bids[event.supplier] = SealedBid(len(tender.bids), event.supplier, event.price, deposit)
        self.ledger.hold(event.supplier, tender.deposit_pot(event.supplier), deposit)

    def on_reveal(self, event: Reveal) -> None:
        tender = self._open_tender()
        if not tender.bids_close <= event.at < tender.reveals_close:
            raise Rejected(Reason.OUTSIDE_REVEAL.value)
        bid = tender.bids.get(event.supplier)
        if bid is None:
            raise Rejected(Reason.NO_BID.value)
        if bid.revealed:
            raise Rejected(Reason.ALREADY_REVEALED.value)
        if bid.price > self.ceiling:
            raise Rejected(Reason.ABOVE_CEILING.value)
        bid.revealed = True

    # ------------------------------------------------------------ award

    def on_award(self, event: Award) -> None:
        tender = self._open_tender()
        if event.at < tender.reveals_close:
            raise Rejected(Reason.REVEAL_NOT_OVER.value)
        revealed = [bid for bid in tender.bids.values() if bid.revealed]
        tender.winner = min(revealed, key=lambda bid: (bid.price, bid.order), default=None)
        for bid in tender.bids.values():  # in commitment order, so payments are too
            pot = tender.deposit_pot(bid.supplier)
            if bid is tender.winner:
                continue
            if bid.revealed or self.forfeit_article is None:
                self.ledger.refund(pot, bid.supplier, bid.deposit)
            elif bid.deposit:
                payment = self.ledger.pay(event.index, pot, bid.supplier, tender.buyer, bid.deposit,
                                          self.forfeit_article)
                self.explained(payment, [Step("rule", f"article {self.forfeit_article}: a bid not revealed "
                                                      f"forfeits its deposit to the buyer"),
                                         Step("deposit", f"{payment.amount}, the bid's whole deposit")])
        if tender.winner is None:
            self._close(tender)
        else:
            tender.phase = Phase.DELIVERY

    def _close(self, tender: Tender) -> None:
        """Return what the tender still holds: the winner's deposit and the unspent escrow."""
        winner = tender.winner
        if winner is not None:
            self.ledger.refund(tender.deposit_pot(winner.supplier), winner.supplier, winner.deposit)
        self.ledger.refund(tender.escrow_pot, tender.buyer, self.ledger.pot(tender.escrow_pot))
        tender.phase = Phase.CLOSED

    # ------------------------------------------------------------ delivery

    def delivery_payment(self, tender: Tender, quantity: int, at: dt.datetime) -> int:
        """`q × price` less the late-delivery penalty (at most all of it), rounded once."""
        assert tender.winner is not None  # only an awarded tender takes deliveries
        reduction = min(Fraction(1), days_late(tender.deadline, at) * self.penalty_rate)
        return round_half_up(tender.winner.price.scaled(quantity * (1 - reduction)))

    def on_deliver(self, event: Deliver) -> None:
        tender = self.tender
        if tender is None or tender.winner is None:
            raise Rejected(Reason.NOT_AWARDED.value)
        if event.supplier != tender.winner.supplier:
            raise Rejected(Reason.NOT_WINNER.value)
        if self.inspectors.get(event.inspector) != tender.buyer:
            raise Rejected(Reason.NOT_INSPECTOR.value)
        if event.quantity <= 0:
            raise Rejected(Reason.QUANTITY_NOT_POSITIVE.value)
        if tender.delivered + event.quantity > tender.quantity:
            raise Rejected(Reason.BEYOND_QUANTITY.value)
        amount = self.delivery_payment(tender, event.quantity, event.at)
        tender.delivered += event.quantity
        if amount:
            payment = self.ledger.pay(event.index, tender.escrow_pot, tender.buyer, event.supplier, amount,
                                      self.payment_article)
            if self.explaining:
                self.explained(payment, self.delivery_steps(tender, event.quantity, event.at, payment.amount))
        if tender.delivered == tender.quantity:
            self._close(tender)

    def delivery_steps(self, tender: Tender, quantity: int, at: dt.datetime, paid: Money) -> list[Step]:
        """The winning price, the quantity, the days late and the deduction they cost."""
        assert tender.winner is not None
        price = tender.winner.price
        late = days_late(tender.deadline, at)
        reduction = min(Fraction(1), late * self.penalty_rate)
        value = price.scaled(quantity * (1 - reduction))
        return [Step("rule", f"article {self.payment_article}: the winner is paid its unit price for each unit "
                             f"delivered"),
                Step("winning bid", f"{price} a unit"), Step("delivered", f"{quantity} units at {when(at)}"),
                Step("deadline", f"{when(tender.deadline)}: {late} day{'s' if late != 1 else ''} late"),
                Step("deduction for lateness", f"{late} × {decimal(self.penalty_rate * 100)}% = "
                                               f"{decimal(reduction * 100)}% (at most all of it)"),
                Step("earned", f"{quantity} × {price} × (1 − {decimal(reduction * 100)}%) = "
                               f"{exact(price.currency, price.digits, value)}"),
                rounding(price.currency, price.digits, value, paid)]

#: This domain's interpreter, as `lawdsl.domains.implementation` finds it.
INTERPRETER = ProcurementInterpreter
