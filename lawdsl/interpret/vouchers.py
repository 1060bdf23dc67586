"""Vouchers (docs/semantics.md "Vouchers"): an agency funds a program, issues vouchers, merchants redeem them.

The issuer's deposit sits in one contract pot, the *program*. Issuing a
voucher reserves its face value inside that pot; spending pays the merchant
out of it under the article of the `where` rule; after the validity period a
`reclaim` pays every unspent value back to the issuer under the article of
the `expiry` rule and refunds the part of the deposit that no voucher
reserved.

Decisions where the law's text is silent (docs/semantics.md records them):

- Scenario names are labels, not roles. The *issuer* is named at deployment:
  the scenario's `issuer:`, or else the party of its first `deposit` or
  `issue`; only an `appoint issuer` event (the authority's) changes it. A
  deposit or issue by any other label is refused: depositing never makes an
  issuer. A merchant can be de-listed and registered again.
- Attestations are accepted from any label: a label cannot be mapped to the
  attesting agency's role, so every `attest` event counts as the attester's.
  `holding the attribute "…" [attested by …]` is met once an `attest` event
  gave the recipient exactly that attribute (case and spacing as written).
- The program issues a citizen at most one voucher ("a voucher … to each
  resident"); a repeated recipient is refused, as a recipient. One issue
  event may refuse several recipients, so each such rejection names its
  recipient: `<reason>: <label>`.
- Split vouchers: the covered share `share × purchase` is rounded once, half
  up, to the minor unit; the discount is the lesser of that and the voucher's
  remaining value. A spend that would discount nothing is refused.
- Whole vouchers compare `face value ≤ share × purchase` exactly, unrounded.
- Checks run in the order docs/semantics.md gives (period, merchant, minimum, holder, share), so a
  spend after the period is refused as such even when nothing is left.
- A transfer moves one voucher: the holder's earliest-issued one with value
  left, the one a spend would use. It keeps its place in the issue order.
- Instalments (docs/semantics.md, "Instalments"): issuing to a recipient
  issues one voucher per instalment at once, in date order, reserving the
  whole face value; each may be spent only from 00:00 of its date. A spend
  takes the earliest voucher with value left as always, so before that
  voucher's date it is refused (checked after the holder has a voucher,
  before the share): a later instalment never pays before an earlier one.
- Spending closes at the end of the `when` range and, if that is earlier,
  at the end of the `expiry` range: from then on the value is the issuer's.
- A reclaim makes one payment, issuer to issuer, of the total unspent value,
  then refunds the unreserved rest of the deposit; a later reclaim finds
  nothing and changes nothing. A statute without an expiry rule refuses it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from ..ast import (
    Categories,
    DateRange,
    ExpiryRule,
    IssueRule,
    MinimumRule,
    Percentage,
    ShareRule,
    SplitRule,
    Statute,
    TransferRule,
    WhenRule,
    WhereRule,
)
from ..events import (
    AppointIssuer,
    Attest,
    DelistMerchant,
    Deposit,
    Issue,
    Reclaim,
    RegisterMerchant,
    Spend,
    Transfer,
)
from ..instalments import Part, schedule
from ..money import Money, round_half_up
from .base import DomainInterpreter, Rejected
from .explain import Step, decimal, exact, rounding, when

if TYPE_CHECKING:
    from ..scenario import Scenario

PROGRAM = "program"  # the ledger pot holding the issuer's deposit, reserved or not


class Reason(str, enum.Enum):
    """Why a voucher event is refused: the texts citizens read in the outcome."""

    NOT_POSITIVE = "a deposit must be a positive amount"
    NOT_ISSUER = "only the program's issuer may fund it or issue its vouchers"
    WALLET_SHORT = "the issuer's wallet cannot cover the deposit"
    LACKS_ATTRIBUTE = "the recipient does not hold the required attested attribute"
    ALREADY_ISSUED = "the recipient was already issued a voucher"
    BEYOND_FUNDS = "the unreserved deposit cannot fund another voucher"
    OUTSIDE_PERIOD = "outside the period in which vouchers may be spent"
    MERCHANT_NOT_ELIGIBLE = "the merchant is not registered in an eligible category"
    NOT_LISTED = "the merchant is not listed, so it cannot be de-listed"
    BELOW_MINIMUM = "the purchase is below the minimum"
    NO_VOUCHER = "no voucher with value left"
    NOT_YET_DUE = "the holder's next instalment may not be spent before its date"
    ABOVE_SHARE = "the voucher's face value exceeds the share of the purchase it may cover"
    NOTHING_COVERED = "the voucher would cover nothing of this purchase"
    NOT_TRANSFERABLE = "vouchers are not transferable"
    SELF_TRANSFER = "a voucher cannot be transferred to its own holder"
    NO_EXPIRY = "the statute has no expiry rule, so unspent value is never reclaimed"
    NOT_EXPIRED = "the validity period has not ended yet"


@dataclass
class Voucher:
    """One issued voucher with value left; `serial` is its place in the issue order."""

    serial: int
    remaining: int  # minor units, still reserved for it in the program pot
    value: int  # minor units it was issued with: the face value, or its instalment
    opens: dt.datetime | None = None  # the instalment's date, from which it may be spent


class VoucherInterpreter(DomainInterpreter):
    def __init__(
        self, statute: Statute, minted: dict[str, Money], holders: list[str], issuer: str | None = None
    ) -> None:
        super().__init__(statute, minted, holders)
        self.issuer = issuer  # named at deployment, else appointed by the authority
        self.attested: set[tuple[str, str]] = set()  # (citizen, attribute)
        self.merchant_categories: dict[str, set[str]] = {}
        self.issued_to: set[str] = set()
        self.voucher_count = 0  # serials run from 0 in issue order, one per instalment
        # Each holder's vouchers with value left, in issue order: a spend or transfer takes the first.
        self.held: dict[str, list[Voucher]] = {}
        self.reserved = 0  # minor units of the program pot that vouchers hold
        self._read_rules(statute)

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> VoucherInterpreter:
        return cls(scenario.statute, scenario.balances, scenario.holders(), issuer=scenario.named_issuer())

    def _read_rules(self, statute: Statute) -> None:
        """Resolve the statute's rules once; issue and where are required, so a checked statute has them."""
        _, self.issue_rule = next(statute.rules(IssueRule))
        where_article, where = next(statute.rules(WhereRule))
        self.where_article = where_article.id
        self.face_value: Money = statute.value_as(self.issue_rule.face_value, Money)
        self.parts: tuple[Part, ...] = schedule(statute)
        eligible: Categories = statute.value_as(where.categories, Categories)
        self.eligible = frozenset(eligible.names)

        minimum = statute.rule(MinimumRule)
        self.minimum: Money | None = statute.value_as(minimum[1].amount, Money) if minimum else None
        share = statute.rule(ShareRule)
        self.share: Fraction = statute.value_as(share[1].share, Percentage).ratio if share else Fraction(1)
        self.split = statute.rule(SplitRule) is not None
        transfer = statute.rule(TransferRule)
        self.transferable = transfer is not None and transfer[1].transferable

        expiry = statute.rule(ExpiryRule)
        # (article id, the moment the expiry range ends): reclaims are refused before it.
        self.expiry: tuple[str, dt.datetime] | None = (
            (expiry[0].id, self._range_end(statute.value_as(expiry[1].after, DateRange))) if expiry else None
        )
        when = statute.rule(WhenRule)
        period: DateRange | None = statute.value_as(when[1].during, DateRange) if when else None
        self.spend_start = self._range_start(period) if period else None
        ends = [self._range_end(period)] if period else []
        ends += [self.expiry[1]] if self.expiry else []
        self.spend_end = min(ends, default=None)

    def _range_start(self, dates: DateRange) -> dt.datetime:
        return dt.datetime.combine(dates.first, dt.time(), self.tz)

    def _range_end(self, dates: DateRange) -> dt.datetime:
        """A range is inclusive as written, so its window ends the day after its last date, 00:00."""
        return dt.datetime.combine(dates.last + dt.timedelta(days=1), dt.time(), self.tz)

    # ------------------------------------------------------------ program funds

    def unreserved(self) -> int:
        return self.ledger.pot(PROGRAM) - self.reserved

    def _check_issuer(self, label: str) -> None:
        if label != self.issuer:
            raise Rejected(Reason.NOT_ISSUER.value)

    def on_deposit(self, event: Deposit) -> None:
        if event.amount.minor <= 0:
            raise Rejected(Reason.NOT_POSITIVE.value)
        self._check_issuer(event.sender)
        if not self.ledger.can_cover(event.sender, event.amount.minor):
            raise Rejected(Reason.WALLET_SHORT.value)
        self.ledger.hold(event.sender, PROGRAM, event.amount.minor)

    # ------------------------------------------------------------ registrations

    def on_attest(self, event: Attest) -> None:
        """Any label attests: labels cannot be mapped to the attesting agency's role."""
        self.attested.add((event.citizen, event.attribute))

    def on_register_merchant(self, event: RegisterMerchant) -> None:
        """Any category registers; eligibility is the spend's question, not the registry's."""
        self.merchant_categories.setdefault(event.merchant, set()).add(event.category)

    def on_delist_merchant(self, event: DelistMerchant) -> None:
        """The merchant's registrations end; a later one starts afresh."""
        if not self.merchant_categories.get(event.merchant, set()) & self.eligible:
            raise Rejected(Reason.NOT_LISTED.value)
        del self.merchant_categories[event.merchant]

    def on_appoint_issuer(self, event: AppointIssuer) -> None:
        """The program's funds stay; later spends and reclaims are booked to the new issuer."""
        self.issuer = event.issuer

    # ------------------------------------------------------------ issuing

    def on_issue(self, event: Issue) -> None:
        """Issue to each recipient in turn: a refused recipient is one rejection, the others go on."""
        self._check_issuer(event.issuer)
        attribute = self.issue_rule.attribute
        face = self.face_value.minor
        for recipient in event.recipients:
            if attribute is not None and (recipient, attribute) not in self.attested:
                reason = Reason.LACKS_ATTRIBUTE
            elif recipient in self.issued_to:
                reason = Reason.ALREADY_ISSUED
            elif self.unreserved() < face:
                reason = Reason.BEYOND_FUNDS
            else:
                held = self.held.setdefault(recipient, [])
                for part in self.parts:
                    opens = dt.datetime.combine(part.on, dt.time(), self.tz) if part.on else None
                    held.append(Voucher(self.voucher_count, part.amount.minor, part.amount.minor, opens))
                    self.voucher_count += 1
                self.issued_to.add(recipient)
                self.reserved += face
                continue
            self.reject(event.index, f"{reason.value}: {recipient}")

    # ------------------------------------------------------------ spending

    def earliest_voucher(self, holder: str) -> Voucher:
        """The holder's earliest-issued voucher with value left (docs/semantics.md spends it first), or a refusal."""
        vouchers = self.held.get(holder)
        if not vouchers:
            raise Rejected(Reason.NO_VOUCHER.value)
        return vouchers[0]

    def spending_open(self, at: dt.datetime) -> bool:
        return (self.spend_start is None or at >= self.spend_start) and (self.spend_end is None or at < self.spend_end)

    def discount(self, voucher: Voucher, purchase: Money) -> int:
        """What the voucher covers of the purchase, in minor units, or a refusal."""
        covered = purchase.scaled(self.share)
        if not self.split:
            if voucher.remaining > covered:
                raise Rejected(Reason.ABOVE_SHARE.value)
            return voucher.remaining
        amount = min(voucher.remaining, round_half_up(covered))
        if amount <= 0:
            raise Rejected(Reason.NOTHING_COVERED.value)
        return amount

    def on_spend(self, event: Spend) -> None:
        if not self.spending_open(event.at):
            raise Rejected(Reason.OUTSIDE_PERIOD.value)
        if not self.merchant_categories.get(event.merchant, set()) & self.eligible:
            raise Rejected(Reason.MERCHANT_NOT_ELIGIBLE.value)
        if self.minimum is not None and event.purchase < self.minimum:
            raise Rejected(Reason.BELOW_MINIMUM.value)
        voucher = self.earliest_voucher(event.holder)
        if voucher.opens is not None and event.at < voucher.opens:
            raise Rejected(Reason.NOT_YET_DUE.value)
        amount = self.discount(voucher, event.purchase)
        assert self.issuer is not None  # a voucher exists, so the issuer who funded it is known
        left = voucher.remaining
        voucher.remaining -= amount
        self.reserved -= amount
        if not voucher.remaining:  # a whole voucher's discount is all its value: it is spent out too
            self.held[event.holder].pop(0)
        payment = self.ledger.pay(event.index, PROGRAM, self.issuer, event.merchant, amount, self.where_article)
        if self.explaining:
            self.explained(payment, self.spend_steps(voucher, left, event.purchase, payment.amount))

    def spend_steps(self, voucher: Voucher, left: int, purchase: Money, paid: Money) -> list[Step]:
        """Which voucher paid, under which rule, and how the discount follows from the purchase."""
        covered = purchase.scaled(self.share)
        digits = purchase.digits
        steps = [
            Step(
                "voucher",
                f"the holder's earliest voucher (number {voucher.serial + 1} issued), "
                f"{self.ledger.money(left)} left of {self.ledger.money(voucher.value)}"
                + (f", spendable from {when(voucher.opens)}" if voucher.opens else ""),
            ),
            Step("rule", f"article {self.where_article}: spent at a merchant of an eligible category"),
            Step("purchase", str(purchase)),
            Step(
                "share",
                f"the voucher covers {decimal(self.share * 100)}% of the purchase = "
                f"{exact(purchase.currency, digits, covered)}",
            ),
        ]
        if self.split:
            steps += [
                rounding(purchase.currency, digits, covered, Money(purchase.currency, round_half_up(covered))),
                Step("discount", f"the smaller of that and what the voucher has left = {paid}"),
            ]
        else:
            steps.append(Step("discount", f"the voucher's whole remaining value = {paid} (it is not split)"))
        return steps

    # ------------------------------------------------------------ transfer and expiry

    def on_transfer(self, event: Transfer) -> None:
        if not self.transferable:
            raise Rejected(Reason.NOT_TRANSFERABLE.value)
        if event.recipient == event.holder:
            raise Rejected(Reason.SELF_TRANSFER.value)
        voucher = self.earliest_voucher(event.holder)
        self.held[event.holder].pop(0)
        bisect.insort(self.held.setdefault(event.recipient, []), voucher, key=lambda v: v.serial)

    def on_reclaim(self, event: Reclaim) -> None:
        if self.expiry is None:
            raise Rejected(Reason.NO_EXPIRY.value)
        article, end = self.expiry
        if event.at < end:
            raise Rejected(Reason.NOT_EXPIRED.value)
        if self.issuer is None:
            return  # nothing was ever deposited or issued: nothing to return
        unspent, self.reserved = self.reserved, 0
        self.held.clear()
        if unspent:
            payment = self.ledger.pay(event.index, PROGRAM, self.issuer, self.issuer, unspent, article)
            self.explained(
                payment,
                [
                    Step("rule", f"article {article}: vouchers expire unspent at {when(end)}"),
                    Step("reclaimed", f"the value still reserved for vouchers = {payment.amount}"),
                ],
            )
        rest = self.ledger.pot(PROGRAM)
        if rest:
            self.ledger.refund(PROGRAM, self.issuer, rest)


#: This domain's interpreter, as `lawdsl.domains.implementation` finds it.
INTERPRETER = VoucherInterpreter
