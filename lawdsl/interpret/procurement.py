"""Procurement (docs/semantics.md "Procurement"): sealed-bid tenders, awards, recorded and inspected deliveries.

A tender's life: `open tender` escrows `Q × ceiling` from a registered
buyer; sealed bids come with a deposit during the bidding period, from the
opening; they are revealed during the reveal period that follows; `award`
(after it) picks the lowest revealed price, refunds the revealed losers and
forfeits the non-revealers' deposits; each delivery confirmed by the buyer's
inspector (or accepted after the inspection window) is paid from the escrow;
the last one returns the winner's deposit and the rest of the escrow. A
tender not fully delivered by the deadline plus the grace can be closed by
anyone: the winner's deposit forfeits to the buyer and the escrow returns.

Decisions where the law's text is silent (docs/semantics.md records them):

- Tenders are kept by number (opening order, from 0), many open at once; an
  event without `tender:` concerns the latest opened.
- Only a buyer the authority registered opens tenders: the scenario's
  `buyers:` list, or else the buyer of its first `open tender`, then
  `register buyer` events. An inspector is registered to one buyer and
  confirms only that buyer's deliveries; buyers and inspectors can be revoked.
- A supplier bids once per tender. A price above the ceiling is accepted at
  bidding, since the bid is sealed, and refused at the reveal (docs/semantics.md). A bid's
  deposit must be at least that of a bid at one minor unit a unit (and one
  minor unit when the statute asks for a deposit), so no bid is free.
- The interpreter knows each sealed price and holds exactly the bid's deposit
  when it is committed, so its reveals always match and are never short;
  the chain's contract checks both.
- With no forfeit rule, a non-revealer's deposit is refunded, not forfeited.
- With no revealed bid, the award closes the tender and the whole escrow
  goes back to the buyer.
- The delivery deadline is the end of the reveal window plus the delivery
  duration. A delivery at the deadline is on time; each day begun after it
  is one day late (one second late is one day), counted at the supplier's
  record (`record delivery`) or, for a one-step `deliver`, at the
  inspector's. Its deduction is `q × price × min(1, days late × penalty)`,
  but all of a tender's deductions together never exceed the cap, a share of
  the contract price (awarded price × tendered quantity; 100% without a cap
  sentence): a delivery takes at most what the cap has left. The payment is
  `round_half_up(q × price − deduction)`: one rounding, as for every payment.
- A recorded delivery is confirmed or disputed by the buyer's inspector
  within the inspection window of the record (the statute's inspection
  sentence, else `INSPECTION_WINDOW`); after it, anyone may have it accepted
  as confirmed. A disputed delivery's quantity may be recorded again.
- Deliveries are taken until the deadline plus the grace: the days until the
  daily penalty alone would take a whole payment (at most a year; a cap does
  not shorten it), or the inspection window without a penalty. Then anyone may close a tender not fully delivered and
  with no delivery awaiting judgement.
- With a performance security sentence, the award takes the security
  (`round_half_up(rate × price × Q)`) from the winner's wallet; it is held
  until the last unit is accepted, then returned, and forfeits to the buyer
  when the tender is closed undelivered. A winner whose wallet cannot cover it
  has not lodged it: its bid deposit forfeits to the buyer under the security
  sentence's article and the tender closes (the escrow returns).
- Best value award (Directive 2014/24/EU Art. 67): during the evaluation
  period that follows the reveal period, the tender's buyer publishes each
  revealed bid's quality score (0-100), once. A bid's weighted score is
  `price weight × 100 × lowest revealed price / its price + quality weight ×
  quality`; the best scored bid wins (ties: the earliest commitment), from
  the end of the evaluation period; an unscored bid cannot win, and with no
  scored bid the tender closes like one with no revealed bid.
- Only the awarded supplier delivers; recorded and delivered units together
  never exceed `Q`, and a closed tender takes none.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from ..ast import (
    BestValueRule,
    BiddingRule,
    DeliveryRule,
    DepositRule,
    Duration,
    ForfeitRule,
    InspectionRule,
    PenaltyRule,
    Percentage,
    PurchaseRule,
    ScoringRule,
    SecurityRule,
    Statute,
    SupplyPaymentRule,
)
from ..events import (
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
from ..money import Money, round_half_up
from .base import DomainInterpreter, Rejected
from .explain import Step, decimal, exact, rounding, when
from .tenders import (
    DAY,
    INSPECTION_WINDOW,
    MAX_GRACE,
    DeliveryRecord,
    Judgement,
    Phase,
    Reason,
    SealedBid,
    Tender,
    days_late,
)

if TYPE_CHECKING:
    from ..scenario import Scenario


class ProcurementInterpreter(DomainInterpreter):
    def __init__(
        self, statute: Statute, minted: dict[str, Money], holders: list[str], buyers: tuple[str, ...] = ()
    ) -> None:
        super().__init__(statute, minted, holders)
        self.buyers: set[str] = set(buyers)  # registered at deployment
        self.inspectors: dict[str, str] = {}  # inspector -> buyer
        self.tenders: list[Tender] = []
        self._read_rules(statute)

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> ProcurementInterpreter:
        return cls(scenario.statute, scenario.balances, scenario.holders(), buyers=scenario.registered_buyers())

    def _read_rules(self, statute: Statute) -> None:
        """Resolve the statute's rules once; purchase, bidding, delivery and payment are required."""
        _, purchase = next(statute.rules(PurchaseRule))
        _, bidding = next(statute.rules(BiddingRule))
        delivery_article, delivery = next(statute.rules(DeliveryRule))
        payment_article, _ = next(statute.rules(SupplyPaymentRule))
        self.ceiling: Money = statute.value_as(purchase.ceiling, Money)
        self.sealed = dt.timedelta(minutes=statute.value_as(bidding.sealed, Duration).minutes)
        self.revealed = dt.timedelta(minutes=statute.value_as(bidding.revealed, Duration).minutes)
        self.delivery_within = dt.timedelta(minutes=statute.value_as(delivery.within, Duration).minutes)
        self.payment_article = payment_article.id
        self.delivery_article = delivery_article.id

        deposit = statute.rule(DepositRule)
        self.deposit_rate: Fraction = statute.value_as(deposit[1].rate, Percentage).ratio if deposit else Fraction(0)
        penalty = statute.rule(PenaltyRule)
        self.penalty_rate: Fraction = statute.value_as(penalty[1].rate, Percentage).ratio if penalty else Fraction(0)
        self.damages_cap: Fraction = Fraction(1)  # of the contract price
        if penalty and penalty[1].cap is not None:
            self.damages_cap = statute.value_as(penalty[1].cap, Percentage).ratio
        forfeit = statute.rule(ForfeitRule)
        self.forfeit_article: str | None = forfeit[0].id if forfeit else None
        inspection = statute.rule(InspectionRule)
        self.inspection_window = INSPECTION_WINDOW
        if inspection:
            self.inspection_window = dt.timedelta(minutes=statute.value_as(inspection[1].within, Duration).minutes)
        security = statute.rule(SecurityRule)
        self.security_rate: Fraction = statute.value_as(security[1].rate, Percentage).ratio if security else Fraction(0)
        self.security_article: str | None = security[0].id if security else None
        best = statute.rule(BestValueRule)
        self.quality_weight: Fraction = (
            statute.value_as(best[1].quality_weight, Percentage).ratio if best else Fraction(0)
        )
        scoring = statute.rule(ScoringRule)
        self.evaluation = dt.timedelta(0)
        if scoring:
            self.evaluation = dt.timedelta(minutes=statute.value_as(scoring[1].within, Duration).minutes)
        self.grace = self.inspection_window
        if self.penalty_rate:
            self.grace = min(-(-1 // self.penalty_rate) * DAY, MAX_GRACE)

    @property
    def tender(self) -> Tender | None:
        """The latest opened tender: the one an event without `tender:` concerns."""
        return self.tenders[-1] if self.tenders else None

    def _tender(self, number: int | None) -> Tender:
        """Tender `number`, or the latest opened when the event names none."""
        if number is None:
            number = len(self.tenders) - 1
        if not 0 <= number < len(self.tenders):
            raise Rejected(Reason.NO_OPEN_TENDER.value)
        return self.tenders[number]

    def _bidding_tender(self, number: int | None) -> Tender:
        """The tender while it takes bids, reveals or its award, or a refusal."""
        tender = self._tender(number)
        if tender.phase is not Phase.BIDDING:
            raise Rejected(Reason.NO_OPEN_TENDER.value)
        return tender

    # ------------------------------------------------------------ registrations

    def on_register_buyer(self, event: RegisterBuyer) -> None:
        self.buyers.add(event.buyer)

    def on_revoke_buyer(self, event: RevokeBuyer) -> None:
        if event.buyer not in self.buyers:
            raise Rejected(Reason.NOT_REGISTERED.value)
        self.buyers.remove(event.buyer)

    def on_register_inspector(self, event: RegisterInspector) -> None:
        if self.inspectors.get(event.inspector, event.buyer) != event.buyer:
            raise Rejected(Reason.INSPECTOR_BOUND.value)
        self.inspectors[event.inspector] = event.buyer

    def on_revoke_inspector(self, event: RevokeInspector) -> None:
        if self.inspectors.pop(event.inspector, None) is None:
            raise Rejected(Reason.NOT_REGISTERED.value)

    # ------------------------------------------------------------ opening

    def on_open_tender(self, event: OpenTender) -> None:
        if event.buyer not in self.buyers:
            raise Rejected(Reason.NOT_BUYER.value)
        if event.quantity <= 0:
            raise Rejected(Reason.QUANTITY_NOT_POSITIVE.value)
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
            deadline=reveals_close + self.evaluation + self.delivery_within,
        )
        self.tenders.append(tender)
        self.ledger.hold(event.buyer, tender.escrow_pot, escrow)

    # ------------------------------------------------------------ sealed bids

    def minimum_deposit(self, tender: Tender) -> int:
        """The deposit of a bid at one minor unit a unit, and at least one when the statute asks for any."""
        if not self.deposit_rate:
            return 0
        return max(1, round_half_up(self.deposit_rate * tender.quantity))

    def on_bid(self, event: Bid) -> None:
        """Commit a sealed bid; events are in time order, so it is never before the opening."""
        tender = self._bidding_tender(event.tender)
        if event.at >= tender.bids_close:
            raise Rejected(Reason.BIDDING_CLOSED.value)
        if event.price.minor <= 0:
            raise Rejected(Reason.PRICE_NOT_POSITIVE.value)
        if event.supplier in tender.bids:
            raise Rejected(Reason.ALREADY_BID.value)
        deposit = round_half_up(event.price.scaled(self.deposit_rate * tender.quantity))
        if deposit < self.minimum_deposit(tender):
            raise Rejected(Reason.DEPOSIT_BELOW_MINIMUM.value)
        if not self.ledger.can_cover(event.supplier, deposit):
            raise Rejected(Reason.DEPOSIT_SHORT.value)
        tender.bids[event.supplier] = SealedBid(len(tender.bids), event.supplier, event.price, deposit)
        self.ledger.hold(event.supplier, tender.deposit_pot(event.supplier), deposit)

    def on_reveal(self, event: Reveal) -> None:
        tender = self._bidding_tender(event.tender)
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

    def on_score_bid(self, event: ScoreBid) -> None:
        tender = self._bidding_tender(event.tender)
        if not self.quality_weight:
            raise Rejected(Reason.NOT_BEST_VALUE.value)
        if event.buyer != tender.buyer:
            raise Rejected(Reason.NOT_TENDER_BUYER.value)
        if not tender.reveals_close <= event.at < tender.reveals_close + self.evaluation:
            raise Rejected(Reason.OUTSIDE_EVALUATION.value)
        bid = tender.bids.get(event.supplier)
        if bid is None or not bid.revealed:
            raise Rejected(Reason.NOT_REVEALED.value)
        if bid.quality is not None:
            raise Rejected(Reason.ALREADY_SCORED.value)
        if not 0 <= event.quality <= 100:
            raise Rejected(Reason.QUALITY_OUT_OF_RANGE.value)
        bid.quality = event.quality

    def value_score(self, tender: Tender, bid: SealedBid) -> Fraction:
        """Points out of 100: price weight × 100 × the lowest revealed price / the bid's + quality weight × quality."""
        assert bid.quality is not None
        lowest = min(b.price.minor for b in tender.bids.values() if b.revealed)
        return (1 - self.quality_weight) * 100 * Fraction(lowest, bid.price.minor) + self.quality_weight * bid.quality

    def on_award(self, event: Award) -> None:
        tender = self._bidding_tender(event.tender)
        if event.at < tender.reveals_close:
            raise Rejected(Reason.REVEAL_NOT_OVER.value)
        if event.at < tender.reveals_close + self.evaluation:
            raise Rejected(Reason.EVALUATION_NOT_OVER.value)
        revealed = [bid for bid in tender.bids.values() if bid.revealed]
        if self.quality_weight:
            scored = [bid for bid in revealed if bid.quality is not None]
            tender.winner = max(scored, key=lambda bid: (self.value_score(tender, bid), -bid.order), default=None)
        else:
            tender.winner = min(revealed, key=lambda bid: (bid.price, bid.order), default=None)
        lodged = tender.winner is None or self._lodge_security(event.index, tender, tender.winner)
        for bid in tender.bids.values():  # in commitment order, so payments are too
            pot = tender.deposit_pot(bid.supplier)
            if bid is tender.winner:
                continue
            if bid.revealed or self.forfeit_article is None:
                self.ledger.refund(pot, bid.supplier, bid.deposit)
            elif bid.deposit:
                payment = self.ledger.pay(
                    event.index, pot, bid.supplier, tender.buyer, bid.deposit, self.forfeit_article
                )
                self.explained(
                    payment,
                    [
                        Step(
                            "rule",
                            f"article {self.forfeit_article}: a bid not revealed forfeits its deposit to the buyer",
                        ),
                        Step("deposit", f"{payment.amount}, the bid's whole deposit"),
                    ],
                )
        if not lodged or tender.winner is None:
            self._close(tender)
        else:
            tender.phase = Phase.DELIVERY

    def security(self, tender: Tender, winner: SealedBid) -> int:
        """The performance security: rate × awarded price × tendered quantity, rounded once half up."""
        return round_half_up(winner.price.scaled(self.security_rate * tender.quantity))

    def _lodge_security(self, index: int, tender: Tender, winner: SealedBid) -> bool:
        """Hold the winner's performance security; whether it was lodged. A winner who cannot lodge it
        forfeits its bid deposit to the buyer under the security sentence's article."""
        if self.security_article is None:
            return True
        security = self.security(tender, winner)
        if self.ledger.can_cover(winner.supplier, security):
            self.ledger.hold(winner.supplier, tender.security_pot, security)
            return True
        pot = tender.deposit_pot(winner.supplier)
        if winner.deposit:
            payment = self.ledger.pay(index, pot, winner.supplier, tender.buyer, winner.deposit, self.security_article)
            self.explained(
                payment,
                [
                    Step("rule", f"article {self.security_article}: the winner lodges a performance security"),
                    Step("security", f"{winner.price.times(self.security_rate * tender.quantity)}, not lodged"),
                    Step("deposit", f"{payment.amount}, the winning bid's whole deposit, forfeits to the buyer"),
                ],
            )
        return False

    def _close(self, tender: Tender) -> None:
        """Return what the tender still holds: the winner's deposit and the unspent escrow."""
        winner = tender.winner
        if winner is not None:
            for pot in (tender.deposit_pot(winner.supplier), tender.security_pot):
                self.ledger.refund(pot, winner.supplier, self.ledger.pot(pot))
        self.ledger.refund(tender.escrow_pot, tender.buyer, self.ledger.pot(tender.escrow_pot))
        tender.phase = Phase.CLOSED

    # ------------------------------------------------------------ delivery

    def deduction(self, tender: Tender, quantity: int, at: dt.datetime) -> Fraction:
        """What lateness takes from `q × price`, exactly: at most all of it, and at most what the cap on
        the tender's deductions (a share of the contract price) has left."""
        assert tender.winner is not None  # only an awarded tender takes deliveries
        reduction = min(Fraction(1), days_late(tender.deadline, at) * self.penalty_rate)
        left = tender.winner.price.scaled(self.damages_cap * tender.quantity) - tender.damages
        return min(tender.winner.price.scaled(quantity * reduction), left)

    def _delivering_tender(self, event: Event, number: int | None, supplier: str) -> Tender:
        """An awarded tender whose winner is `supplier`, still taking deliveries."""
        tender = self._tender(number)
        if tender.winner is None or tender.phase is Phase.BIDDING:
            raise Rejected(Reason.NOT_AWARDED.value)
        if supplier != tender.winner.supplier:
            raise Rejected(Reason.NOT_WINNER.value)
        if event.at >= tender.deadline + self.grace:
            raise Rejected(Reason.DELIVERY_PERIOD_OVER.value)
        return tender

    def _check_quantity(self, tender: Tender, quantity: int) -> None:
        if quantity <= 0:
            raise Rejected(Reason.QUANTITY_NOT_POSITIVE.value)
        if tender.phase is Phase.CLOSED or tender.delivered + tender.pending + quantity > tender.quantity:
            raise Rejected(Reason.BEYOND_QUANTITY.value)

    def _check_inspector(self, tender: Tender, inspector: str) -> None:
        if self.inspectors.get(inspector) != tender.buyer:
            raise Rejected(Reason.NOT_INSPECTOR.value)

    def _pending_record(self, tender: Tender, number: int) -> DeliveryRecord:
        if not 0 <= number < len(tender.records):
            raise Rejected(Reason.UNKNOWN_DELIVERY.value)
        record = tender.records[number]
        if record.judgement is not Judgement.PENDING:
            raise Rejected(Reason.ALREADY_JUDGED.value)
        return record

    def _judgeable(self, event: ConfirmDelivery | DisputeDelivery) -> tuple[Tender, DeliveryRecord]:
        tender = self._tender(event.tender)
        self._check_inspector(tender, event.inspector)
        record = self._pending_record(tender, event.delivery)
        if event.at >= record.recorded_at + self.inspection_window:
            raise Rejected(Reason.WINDOW_OVER.value)
        return tender, record

    def _pay_record(self, index: int, tender: Tender, record: DeliveryRecord) -> None:
        """Pay a pending delivery record as of its time, and mark it confirmed."""
        record.judgement = Judgement.CONFIRMED
        self._pay(index, tender, record.quantity, record.recorded_at)

    def _pay(self, index: int, tender: Tender, quantity: int, at: dt.datetime) -> None:
        """Pay `quantity` delivered at `at` from the escrow; the last unit closes the tender."""
        assert tender.winner is not None
        deduction = self.deduction(tender, quantity, at)
        amount = round_half_up(tender.winner.price.scaled(Fraction(quantity)) - deduction)
        if amount:
            payment = self.ledger.pay(
                index, tender.escrow_pot, tender.buyer, tender.winner.supplier, amount, self.payment_article
            )
            if self.explaining:
                self.explained(payment, self.delivery_steps(tender, quantity, at, deduction, payment.amount))
        tender.damages += deduction
        tender.delivered += quantity
        if tender.delivered == tender.quantity:
            self._close(tender)

    def on_deliver(self, event: Deliver) -> None:
        """The inspector records and confirms a delivery in one step: paid at once, no record number."""
        tender = self._delivering_tender(event, event.tender, event.supplier)
        self._check_inspector(tender, event.inspector)
        self._check_quantity(tender, event.quantity)
        self._pay(event.index, tender, event.quantity, event.at)

    def on_record_delivery(self, event: RecordDelivery) -> None:
        tender = self._delivering_tender(event, event.tender, event.supplier)
        self._check_quantity(tender, event.quantity)
        tender.records.append(DeliveryRecord(event.quantity, event.at))

    def on_confirm_delivery(self, event: ConfirmDelivery) -> None:
        tender, record = self._judgeable(event)
        self._pay_record(event.index, tender, record)

    def on_dispute_delivery(self, event: DisputeDelivery) -> None:
        _, record = self._judgeable(event)
        record.judgement = Judgement.DISPUTED

    def on_accept_delivery(self, event: AcceptDelivery) -> None:
        tender = self._tender(event.tender)
        record = self._pending_record(tender, event.delivery)
        if event.at < record.recorded_at + self.inspection_window:
            raise Rejected(Reason.WINDOW_OPEN.value)
        self._pay_record(event.index, tender, record)

    def on_close_tender(self, event: CloseTender) -> None:
        """The winner defaulted: its deposit forfeits to the buyer under the delivery article."""
        tender = self._tender(event.tender)
        if tender.winner is None or tender.phase is not Phase.DELIVERY:
            raise Rejected(Reason.NOT_AWARDED.value)
        if event.at < tender.deadline + self.grace:
            raise Rejected(Reason.NOT_CLOSEABLE.value)
        if tender.pending:
            raise Rejected(Reason.DELIVERY_PENDING.value)
        winner = tender.winner.supplier
        pot = tender.deposit_pot(winner)
        forfeited = self.ledger.pot(pot)
        security = self.ledger.pot(tender.security_pot)
        if forfeited:
            payment = self.ledger.pay(event.index, pot, winner, tender.buyer, forfeited, self.delivery_article)
            if self.explaining:
                self.explained(
                    payment,
                    [
                        Step("rule", f"article {self.delivery_article}: the winner did not deliver by the deadline"),
                        Step(
                            "deadline and grace",
                            f"{when(tender.deadline)}, closeable from {when(tender.deadline + self.grace)}",
                        ),
                        Step("forfeited", f"the winner's whole deposit, {payment.amount}"),
                    ],
                )
        if security:
            assert self.security_article is not None  # only a security sentence holds one
            payment = self.ledger.pay(
                event.index, tender.security_pot, winner, tender.buyer, security, self.security_article
            )
            if self.explaining:
                self.explained(
                    payment,
                    [
                        Step("rule", f"article {self.security_article}: the performance security forfeits on default"),
                        Step("forfeited", f"the whole security, {payment.amount}"),
                    ],
                )
        self._close(tender)

    def delivery_steps(
        self, tender: Tender, quantity: int, at: dt.datetime, deduction: Fraction, paid: Money
    ) -> list[Step]:
        """The winning price, the quantity, the days late and the deduction they cost (before it is
        counted against the cap)."""
        assert tender.winner is not None
        price = tender.winner.price
        late = days_late(tender.deadline, at)
        reduction = min(Fraction(1), late * self.penalty_rate)
        steps = [
            Step("rule", f"article {self.payment_article}: the winner is paid its unit price for each unit delivered"),
            Step("winning bid", f"{price} a unit"),
            Step("delivered", f"{quantity} units at {when(at)}"),
            Step("deadline", f"{when(tender.deadline)}: {late} day{'s' if late != 1 else ''} late"),
            Step(
                "deduction for lateness",
                f"{late} × {decimal(self.penalty_rate * 100)}% = {decimal(reduction * 100)}% (at most all of it)",
            ),
        ]
        value = price.scaled(Fraction(quantity)) - deduction
        if deduction == price.scaled(quantity * reduction):
            steps.append(
                Step(
                    "earned",
                    f"{quantity} × {price} × (1 − {decimal(reduction * 100)}%) = "
                    f"{exact(price.currency, price.digits, value)}",
                )
            )
        else:
            cap = price.scaled(self.damages_cap * tender.quantity)

            def money(minor: Fraction) -> str:
                return exact(price.currency, price.digits, minor)

            steps += [
                Step(
                    "cap on deductions",
                    f"{decimal(self.damages_cap * 100)}% of the contract price ({tender.quantity} × {price}) = "
                    f"{money(cap)}; {money(tender.damages)} deducted before, {money(deduction)} left",
                ),
                Step("earned", f"{quantity} × {price} − {money(deduction)} = {money(value)}"),
            ]
        return [*steps, rounding(price.currency, price.digits, value, paid)]


#: This domain's interpreter, as `lawdsl.domains.implementation` finds it.
INTERPRETER = ProcurementInterpreter
