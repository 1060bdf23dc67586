"""Voucher events onto a `VoucherProgram` contract, and its logs back to an outcome.

Every actor signs its own transactions: the issuer (named at deployment:
`Scenario.named_issuer`) deposits (after an ERC-20 approve) and issues — a
list longer than the contract's batch limit in pages —, holders spend
and transfer; the authority, through its timelock, registers and de-lists
merchants, appoints issuers and authorizes each attesting agency before its
first attestation; the keeper (the authority's own account) triggers the
reclaim. A refused
recipient of an `issue` is an `IssueRefused` log; every other refusal is a
revert whose custom error maps to the interpreter's reason. A spend's
payment is its `VoucherSpent` log (the issuer's money to the merchant under
the `where` article), a reclaim's a `Payment` log.
"""

from __future__ import annotations

from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.contract import Contract

from lawdsl import events as E
from lawdsl.events import (
    AppointIssuer,
    Attest,
    DelistMerchant,
    Deposit,
    Event,
    Issue,
    Reclaim,
    RegisterMerchant,
    Spend,
    Transfer,
)
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.interpret.vouchers import Reason
from lawdsl.outcome import Outcome, Payment, Rejection

from ..accounts import AUTHORITY
from .driver import Driver, article_text
from .rebuild import Call, Pending, Rebuilder

ZERO_ADDRESS = "0x" + "00" * 20  # the issuer argument when the authority is to appoint one
#: `VoucherProgram.IssueRefusal` codes, in enum order.
ISSUE_REFUSALS = (Reason.LACKS_ATTRIBUTE, Reason.ALREADY_ISSUED, Reason.BEYOND_FUNDS)


def text_hash(text: str) -> bytes:
    """keccak256 of UTF-8 text: how the contract names attributes and categories."""
    return keccak(text=text)


class VoucherDriver(Driver):
    REASONS = {
        "BeforeEffectiveDate": BEFORE_EFFECTIVE,
        "DepositNotPositive": Reason.NOT_POSITIVE.value,
        "NotIssuer": Reason.NOT_ISSUER.value,
        "NotRegisteredMerchant": Reason.NOT_LISTED.value,
        "IssuerWalletShort": Reason.WALLET_SHORT.value,
        "OutsideValidityPeriod": Reason.OUTSIDE_PERIOD.value,
        "MerchantNotEligible": Reason.MERCHANT_NOT_ELIGIBLE.value,
        "BelowMinimumPurchase": Reason.BELOW_MINIMUM.value,
        "NoVoucherWithValue": Reason.NO_VOUCHER.value,
        "InstalmentNotYetDue": Reason.NOT_YET_DUE.value,
        "AboveMaximumShare": Reason.ABOVE_SHARE.value,
        "NothingCovered": Reason.NOTHING_COVERED.value,
        "NotTransferable": Reason.NOT_TRANSFERABLE.value,
        "SelfTransfer": Reason.SELF_TRANSFER.value,
        "NoExpiryRule": Reason.NO_EXPIRY.value,
        "ValidityPeriodNotEnded": Reason.NOT_EXPIRED.value,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attesters: set[str] = set()  # labels the authority has authorized

    def deploy_args(self) -> tuple[Any, ...]:
        assert self.authority is not None
        issuer = self.scenario.named_issuer()
        return (
            self.currency.address,
            self.authority.address,
            self.chain.address(issuer) if issuer is not None else ZERO_ADDRESS,
        )

    def apply(self, event: Event) -> None:
        assert self.contract is not None
        fn = self.contract.functions
        address = self.chain.address
        if isinstance(event, Deposit):
            self.chain.transact(
                event.sender, self.currency.functions.approve(self.contract.address, event.amount.minor)
            )
            self.send(event, event.sender, fn.deposit(event.amount.minor, event.index))
        elif isinstance(event, Attest):
            if event.attester not in self.attesters:
                assert self.authority is not None
                self.authority.call(fn.authorizeAttester(address(event.attester)))
                self.attesters.add(event.attester)
            self.send(event, event.attester, fn.attest(address(event.citizen), text_hash(event.attribute), event.index))
        elif isinstance(event, RegisterMerchant):
            self.send_as_authority(
                event, fn.registerMerchant(address(event.merchant), text_hash(event.category), event.index)
            )
        elif isinstance(event, DelistMerchant):
            self.send_as_authority(event, fn.delistMerchant(address(event.merchant), event.index))
        elif isinstance(event, AppointIssuer):
            self.send_as_authority(event, fn.appointIssuer(address(event.issuer), event.index))
        elif isinstance(event, Issue):
            recipients = [address(r) for r in event.recipients]
            page = fn.MAX_ISSUE_BATCH().call() // fn.instalmentCount().call()  # each recipient: one per part
            for start in range(0, len(recipients), page):  # the first page meets any NotIssuer refusal
                if self.send(event, event.issuer, fn.issue(recipients[start : start + page], event.index)) is None:
                    break
        elif isinstance(event, Spend):
            self.send(event, event.holder, fn.spend(address(event.merchant), event.purchase.minor, event.index))
        elif isinstance(event, Transfer):
            self.send(event, event.holder, fn.transferVoucher(address(event.recipient), event.index))
        elif isinstance(event, Reclaim):
            self.send(event, AUTHORITY, fn.reclaim(event.index))
        else:
            raise ValueError(f"event {event.index}: {type(event).__name__} is not a voucher event")

    def collect(self, outcome: Outcome) -> None:
        label = self.chain.label
        rejected = list(self.refused)
        for name, args in self.logs():
            if name == "Payment":  # a reclaim's
                outcome.payments.append(
                    Payment(
                        args["ref"],
                        label(args["payer"]),
                        label(args["payee"]),
                        self.money(args["amount"]),
                        article_text(args["article"]),
                    )
                )
            elif name == "VoucherSpent":  # a spend's one log is its payment too
                outcome.payments.append(
                    Payment(
                        args["ref"],
                        label(args["issuer"]),
                        label(args["merchant"]),
                        self.money(args["discount"]),
                        article_text(args["article"]),
                    )
                )
            elif name == "IssueRefused":
                reason = ISSUE_REFUSALS[args["reason"]].value
                rejected.append(Rejection(args["ref"], f"{reason}: {label(args['recipient'])}"))
        outcome.rejected.extend(sorted(rejected, key=lambda r: r.event))


class VoucherRebuilder(Rebuilder):
    @staticmethod
    def parties(contract: Contract, start: int) -> dict[str, Any]:
        """The issuer the program named at deployment (none: the authority appoints one)."""
        issuer = contract.functions.issuer().call(block_identifier=start)
        return {"issuer": None if int(issuer, 16) == 0 else to_checksum_address(issuer)}

    def on_attest(self, call: Call, _: int) -> list[Pending]:
        return [
            self.event(
                E.Attest,
                call,
                call.args["ref"],
                attester=call.sender,
                citizen=call.args["citizen"],
                attribute=self.text(call.args["attribute"]),
            )
        ]

    def on_registerMerchant(self, call: Call, _: int) -> list[Pending]:
        return [
            self.event(
                E.RegisterMerchant,
                call,
                call.args["ref"],
                merchant=call.args["merchant"],
                category=self.text(call.args["category"]),
            )
        ]

    def on_delistMerchant(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.DelistMerchant, call, call.args["ref"], merchant=call.args["merchant"])]

    def on_appointIssuer(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.AppointIssuer, call, call.args["ref"], issuer=call.args["issuer_"])]

    def on_issue(self, call: Call, _: int) -> list[Pending]:
        return [
            self.event(E.Issue, call, call.args["ref"], issuer=call.sender, recipients=tuple(call.args["recipients"]))
        ]

    def on_spend(self, call: Call, _: int) -> list[Pending]:
        return [
            self.event(
                E.Spend,
                call,
                call.args["ref"],
                holder=call.sender,
                merchant=call.args["merchant"],
                purchase=self.money(call.args["purchase"]),
            )
        ]

    def on_transferVoucher(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Transfer, call, call.args["ref"], holder=call.sender, recipient=call.args["to"])]

    def on_reclaim(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Reclaim, call, call.args["ref"])]


#: This domain's encode and decode sides, as `lawdsl.domains.implementation` finds them.
DRIVER = VoucherDriver
REBUILDER = VoucherRebuilder
