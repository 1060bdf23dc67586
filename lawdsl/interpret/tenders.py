"""A tender as the procurement interpreter keeps it: its phases, bids, delivery records and ledger
pots, and the refusals (`Reason`) whose texts suppliers and citizens read in the outcome.

Apart from `procurement.py` because the chain's driver and the tests name these too (`Reason`,
`INSPECTION_WINDOW`), and the interpreter's module is long with the decisions it documents.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from fractions import Fraction

from ..money import Money

DAY = dt.timedelta(days=1)
#: How long the buyer's inspector has to judge a recorded delivery when the statute has no inspection
#: sentence (docs/semantics.md); the contract's copy is `ProcurementStatute.DEFAULT_INSPECTION_WINDOW`.
INSPECTION_WINDOW = dt.timedelta(days=7)
#: The longest grace after the delivery deadline before an undelivered tender can be closed.
MAX_GRACE = dt.timedelta(days=365)


class Reason(str, enum.Enum):
    """Why a procurement event is refused: the texts suppliers and citizens read in the outcome."""

    INSPECTOR_BOUND = "the inspector is registered to another buyer"
    NOT_REGISTERED = "the buyer or inspector is not registered"
    NOT_BUYER = "only a buyer registered by the authority opens a tender"
    QUANTITY_NOT_POSITIVE = "the quantity must be a positive number of units"
    ESCROW_SHORT = "the buyer's wallet cannot cover the tender's escrow"
    NO_OPEN_TENDER = "no tender is open"
    BIDDING_CLOSED = "the bidding period is over"
    PRICE_NOT_POSITIVE = "a bid's price must be positive"
    ALREADY_BID = "the supplier has already bid in this tender"
    DEPOSIT_SHORT = "the supplier's wallet cannot cover the bid's deposit"
    DEPOSIT_BELOW_MINIMUM = "the bid's deposit is below the least deposit of a bid in this tender"
    OUTSIDE_REVEAL = "bids may be revealed only during the reveal period"
    NO_BID = "the supplier has no sealed bid in this tender"
    ALREADY_REVEALED = "the bid has already been revealed"
    ABOVE_CEILING = "the revealed price is above the ceiling"
    REVEAL_NOT_OVER = "the reveal period has not ended yet"
    EVALUATION_NOT_OVER = "the evaluation period has not ended yet"
    NOT_BEST_VALUE = "the statute awards by the lowest price: bids are not scored"
    NOT_TENDER_BUYER = "only the tender's buyer scores its bids"
    OUTSIDE_EVALUATION = "quality is scored only during the evaluation period"
    NOT_REVEALED = "only a revealed bid is scored"
    ALREADY_SCORED = "the bid has already been scored"
    QUALITY_OUT_OF_RANGE = "a quality score is a whole number from 0 to 100"
    NOT_AWARDED = "no tender has been awarded"
    NOT_WINNER = "only the awarded supplier delivers"
    NOT_INSPECTOR = "the delivery is not confirmed by the buyer's registered inspector"
    BEYOND_QUANTITY = "the delivery goes beyond the tendered quantity"
    DELIVERY_PERIOD_OVER = "the tender takes no more deliveries after its deadline and grace"
    UNKNOWN_DELIVERY = "the tender has no delivery record with that number"
    ALREADY_JUDGED = "the delivery has already been confirmed or disputed"
    WINDOW_OVER = "the inspection window of the delivery is over"
    WINDOW_OPEN = "the inspection window of the delivery is still open"
    NOT_CLOSEABLE = "the tender cannot be closed before its deadline and grace have passed"
    DELIVERY_PENDING = "a delivery of the tender still awaits the inspector"
    # Only a chain meets these two: the interpreter holds every sealed price and exactly the bid's
    # deposit, so its reveals always match their commitment and are never short (see above).
    REVEAL_MISMATCH = "the reveal does not match its sealed bid"
    REVEAL_DEPOSIT_SHORT = "the deposit sent with the bid is short of the deposit its price requires"


class Phase(enum.Enum):
    BIDDING = "bidding"  # open: sealed bids, then reveals, until the award
    DELIVERY = "delivery"  # awarded: the winner delivers against the escrow
    CLOSED = "closed"  # fully delivered, nobody revealed, or closed undelivered


class Judgement(enum.Enum):
    PENDING = "pending"  # recorded by the supplier, awaiting the inspector
    CONFIRMED = "confirmed"  # confirmed, accepted after the window, or inspected in one step: paid
    DISPUTED = "disputed"  # its quantity may be recorded again


@dataclass
class DeliveryRecord:
    quantity: int
    recorded_at: dt.datetime  # lateness is counted from here
    judgement: Judgement = Judgement.PENDING


@dataclass
class SealedBid:
    order: int  # commitment order: the earliest wins a tie
    supplier: str
    price: Money
    deposit: int  # minor units held in the tender's deposit pot for this supplier
    revealed: bool = False
    quality: int | None = None  # best value: the buyer's score, once published


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
    delivered: int = 0  # confirmed units
    damages: Fraction = Fraction(0)  # minor units deducted for lateness so far, exactly
    records: list[DeliveryRecord] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(r.quantity for r in self.records if r.judgement is Judgement.PENDING)

    @property
    def escrow_pot(self) -> str:
        return f"tender {self.number} escrow"

    def deposit_pot(self, supplier: str) -> str:
        return f"tender {self.number} deposit of {supplier}"

    @property
    def security_pot(self) -> str:
        return f"tender {self.number} performance security"


def days_late(deadline: dt.datetime, at: dt.datetime) -> int:
    """Days begun after the deadline: none at the deadline itself, one from its first second on."""
    late = at - deadline
    return -(-late // DAY) if late > dt.timedelta(0) else 0
