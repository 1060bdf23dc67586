"""Working-time events onto a `WorkingTimeStatute` contract, and its logs back to an outcome.

Each scenario punch travels as a one-punch batch signed by the device's key
and relayed by the gateway account, exactly like a live device's batch (the
gateway batches many punches per transaction; `chain/bench.py` measures
that). Employers act from their own accounts; an `employ` carries the
worker's signed consent; a registered device is offered by the authority and
accepted by its employer. A `settle` or a `deposit` runs the keeper's pages
until nothing is left to do in that event, so the scenario sees one outcome
per event as the interpreter does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from web3.contract import Contract

from compiler.dates import day_date, day_number
from lawdsl import events as E
from lawdsl.ast import Period, Statute
from lawdsl.events import (
    AcceptDevice,
    ChangeWage,
    Deposit,
    Employ,
    EndEmployment,
    Event,
    GrantTimeOff,
    Punch,
    RegisterDevice,
    RevokeDevice,
    Settle,
    Withdraw,
)
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.interpret.working_time import Reason, period_name
from lawdsl.outcome import Outcome, Payment, Rejection, Violation

from ..abi import address_of
from ..accounts import AUTHORITY, GATEWAY, account_key
from ..client import Receipt, Reverted
from ..signing import Domain, SignedPunch, sign_batch, sign_employment
from .driver import Driver, article_text
from .rebuild import Call, Pending, Rebuilder, field_of

#: `PunchRejection` codes of the contract, in enum order (0 = None).
PUNCH_REASONS = (
    "",
    BEFORE_EFFECTIVE,
    *(
        reason.value
        for reason in (
            Reason.NOT_EMPLOYED,
            Reason.FOREIGN_DEVICE,
            Reason.DUPLICATE_PUNCH,
            Reason.EARLIER_PUNCH,
            Reason.ALREADY_IN,
            Reason.OUT_WITHOUT_IN,
            Reason.SHIFT_TOO_LONG,
        )
    ),
)
#: `WorkingTimeStatute.Period` by its number, as `LimitExceeded` logs it.
PERIODS = (Period.DAY, Period.WEEK, Period.MONTH, Period.YEAR)
#: Employees a `settle` call pays, and queued payments a `payArrears` call pays: one keeper page.
#: 150 × ~78,000 gas (every wage queued, the dearest case) stays under the 15 M gas a transaction
#: may use (docs/benchmarks.md has the figures); the keeper pages the same way.
SETTLE_PAGE = 150
ARREARS_PAGE = 200
#: How long a worker's consent stays valid after the event that uses it.
CONSENT_VALIDITY = dt.timedelta(hours=1)
#: Errors that refuse a whole batch because of its device: each punch gets docs/semantics.md's first reason.
DEVICE_REFUSALS = ("UnregisteredDevice", "DeviceNotAccepted", "RevokedDevice")


def compact_signature(signature: bytes) -> bytes:
    """EIP-2098: a 65-byte (r, s, v) signature as 64 bytes, r then s with v − 27 in its top bit (s is
    low, so the bit is free). The contract takes either form from a device key; this one is one
    calldata word shorter."""
    if len(signature) != 65 or signature[64] not in (27, 28) or signature[32] >= 0x80:
        raise ValueError("not a low-s 65-byte (r, s, v) signature with v = 27 or 28")
    return signature[:32] + bytes([signature[32] | (signature[64] - 27) << 7]) + signature[33:64]


class WorkingTimeDriver(Driver):
    REASONS = {
        "BeforeEffectiveDate": BEFORE_EFFECTIVE,
        "EmployedByAnotherEmployer": Reason.EMPLOYED_ELSEWHERE.value,
        "NegativeHourlyWage": Reason.NEGATIVE_WAGE.value,
        "DeviceBoundToAnotherEmployer": Reason.DEVICE_TAKEN.value,
        "NegativeDeposit": Reason.NEGATIVE_DEPOSIT.value,
        "DepositExceedsWallet": Reason.DEPOSIT_EXCEEDS_WALLET.value,
        "NotEmployed": Reason.NOT_EMPLOYED.value,
        "TimeOffNotGrantedByEmployer": Reason.NOT_THE_EMPLOYER.value,
        "UnregisteredDevice": Reason.UNREGISTERED_DEVICE.value,  # `punch` refines these per punch
        "DeviceNotAccepted": Reason.DEVICE_NOT_ACCEPTED.value,
        "RevokedDevice": Reason.DEVICE_REVOKED.value,
        "SelfEmployment": Reason.SELF_EMPLOYMENT.value,
        "HourlyWageBelowMinimum": Reason.WAGE_BELOW_MINIMUM.value,
        "HourlyWageAboveBound": Reason.WAGE_ABOVE_BOUND.value,
        "NotTheEmployer": Reason.WAGE_NOT_BY_EMPLOYER.value,
        "NotEmployerOrEmployee": Reason.NOT_A_PARTY.value,
        "ShiftInProgress": Reason.SHIFT_IN_PROGRESS.value,
        "DeviceNotOffered": Reason.DEVICE_NOT_OFFERED.value,
        "NotDeviceRevoker": Reason.NOT_DEVICE_REVOKER.value,
        "ArrearsOutstanding": Reason.ARREARS_OUTSTANDING.value,
        "WithdrawalExceedsDeposit": Reason.WITHDRAWAL_EXCEEDS_DEPOSIT.value,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sequences: dict[str, int] = {}  # device label -> next batch sequence number
        self.domain: Domain  # the contract's EIP-712 domain, read at deployment

    def deploy(self) -> Contract:
        contract = super().deploy()
        _, name, version, chain_id, verifying, _, _ = contract.functions.eip712Domain().call()
        self.domain = Domain(name, version, chain_id, verifying)
        return contract

    def apply(self, event: Event) -> None:
        assert self.contract is not None
        fn = self.contract.functions
        address = self.chain.address
        if isinstance(event, Employ):
            self.employ(event)
        elif isinstance(event, RegisterDevice):
            offered = self.send(event, AUTHORITY, fn.registerDevice(address(event.device), address(event.employer)))
            _, state = fn.deviceStatus(address(event.device)).call()
            if offered is not None and event.accepted and state == 1:  # DeviceState.Offered
                self.send(event, event.employer, fn.acceptDevice(address(event.device)))
        elif isinstance(event, AcceptDevice):
            self.send(event, event.employer, fn.acceptDevice(address(event.device)))
        elif isinstance(event, RevokeDevice):
            self.send(event, event.by or AUTHORITY, fn.revokeDevice(address(event.device)))
        elif isinstance(event, ChangeWage):
            self.send(event, event.employer, fn.changeWage(address(event.employee), event.hourly_wage.minor))
        elif isinstance(event, EndEmployment):
            self.send(event, event.by, fn.endEmployment(address(event.employee), event.index))
        elif isinstance(event, Deposit):
            if event.amount.minor >= 0:
                self.chain.transact(
                    event.sender, self.currency.functions.approve(self.contract.address, event.amount.minor)
                )
            if self.send(event, event.sender, fn.deposit(event.amount.minor, event.index)) is not None:
                self.pay_arrears(event.sender, event.index)
        elif isinstance(event, Withdraw):
            self.send(event, event.sender, fn.withdraw(event.amount.minor))
        elif isinstance(event, GrantTimeOff):
            self.send(event, event.employer, fn.grantTimeOff(address(event.employee), day_number(event.date)))
        elif isinstance(event, Settle):
            while self.send(event, GATEWAY, fn.settle(event.index, SETTLE_PAGE)) is not None:
                if fn.settlement().call()[0] == 0:  # the round is complete
                    break
        elif isinstance(event, Punch):
            self.punch([event])
        else:
            raise ValueError(f"event {event.index}: {type(event).__name__} is not a working-time event")

    def employ(self, event: Employ) -> Receipt | None:
        """The employer employs with the worker's consent, signed by the worker's key for this use."""
        assert self.contract is not None
        fn = self.contract.functions
        employer, employee = self.chain.address(event.employer), self.chain.address(event.employee)
        # From the event's time, or the chain's when it runs at its own (a live site's setup).
        latest = self.chain.w3.eth.get_block("latest")["timestamp"]
        deadline = max(int(event.at.timestamp()), latest) + int(CONSENT_VALIDITY.total_seconds())
        nonce = fn.employmentNonce(employee).call()
        consent = sign_employment(
            account_key(event.employee), self.domain, employer, employee, event.hourly_wage.minor, nonce, deadline
        )
        return self.send(event, event.employer, fn.employ(employee, event.hourly_wage.minor, deadline, consent))

    def pay_arrears(self, employer: str, ref: int) -> None:
        """The keeper's pages after a deposit: pay the employer's queue while its deposit covers the head."""
        assert self.contract is not None
        fn = self.contract.functions
        address = self.chain.address(employer)
        while True:
            waiting = fn.arrearsCount(address).call()
            if waiting == 0:
                return
            self.chain.transact(GATEWAY, fn.payArrears(ref, address, ARREARS_PAGE))
            if fn.arrearsCount(address).call() == waiting:  # the head is not covered
                return

    def punch(self, punches: list[Punch]) -> Receipt | None:
        """Relay punches of one device as one signed batch; None if the batch was refused.

        A batch from an unregistered device reverts as a whole before any punch is read; each of
        its punches is then rejected for the first reason docs/semantics.md's order gives, read from the
        chain: "not employed" when the contract employs no such person, else "unregistered device".
        """
        device = punches[0].device
        batch = [
            SignedPunch(self.chain.address(p.employee), int(p.at.timestamp()), p.kind == "in", p.index) for p in punches
        ]
        sequence = self.sequences.get(device, 0)
        signature = compact_signature(
            sign_batch(account_key(device), self.domain, self.chain.address(device), sequence, batch)
        )
        assert self.contract is not None
        call = self.contract.functions.submitPunches(
            (self.chain.address(device), sequence, [p.as_tuple() for p in batch]), signature
        )
        try:
            receipt = self.chain.transact(GATEWAY, call)
        except Reverted as refusal:
            reason = self.REASONS.get(refusal.error)
            if reason is None:
                raise
            for punch, signed in zip(punches, batch):
                why = self._device_refusal(signed.employee, reason) if refusal.error in DEVICE_REFUSALS else reason
                self.refused.append(Rejection(punch.index, why))
            return None
        self.sequences[device] = sequence + 1
        return receipt

    def _device_refusal(self, employee: str, reason: str) -> str:
        """Why a punch of a batch refused for its device is refused: employment is checked first."""
        assert self.contract is not None
        employed = int(self.contract.functions.employerOf(employee).call(), 16) != 0
        return reason if employed else Reason.NOT_EMPLOYED.value

    def collect(self, outcome: Outcome) -> None:
        label = self.chain.label
        due: dict[int, Payment] = {}
        rejected = list(self.refused)
        for name, args in self.logs():
            if name == "WageDue":
                due[args["seq"]] = Payment(
                    args["ref"],
                    label(args["employer"]),
                    label(args["employee"]),
                    self.money(args["amount"]),
                    article_text(args["article"]),
                )
            elif name in ("WagePaid", "PaidAtClockOut"):  # the latter: a clock-out and its first payment
                due.pop(args.get("seq", 0), None)  # seq 0: paid in the event that made it due, never queued
                outcome.payments.append(
                    Payment(
                        args["ref"],
                        label(args["employer"]),
                        label(args["employee"]),
                        self.money(args["amount"]),
                        article_text(args["article"]),
                    )
                )
            elif name == "LimitExceeded":
                start = day_date(args["periodStart"])
                outcome.violations.append(
                    Violation(
                        args["ref"],
                        article_text(args["article"]),
                        label(args["employer"]),
                        label(args["employee"]),
                        period_name(PERIODS[args["period"]], start),
                    )
                )
            elif name == "PunchRejected":
                rejected.append(Rejection(args["ref"], PUNCH_REASONS[args["reason"]]))
        outcome.arrears.extend(due[seq] for seq in sorted(due))
        outcome.rejected.extend(sorted(rejected, key=lambda r: r.event))


class WorkingTimeRebuilder(Rebuilder):
    def __init__(self, statute: Statute, calls: list[Call]) -> None:
        super().__init__(statute, calls)
        self.employed: dict[str, str] = {}  # employee -> employer, by the accepted calls so far
        self.device_employers: dict[str, str] = {}  # device -> the employer it was offered to
        self.folded: set[int] = set()  # positions of acceptances replayed with their offer

    def on_employ(self, call: Call, _: int) -> list[Pending]:
        return self._employ(call, call.sender)

    def on_registerEmployment(self, call: Call, _: int) -> list[Pending]:
        return self._employ(call, call.args["employer"])

    def _employ(self, call: Call, employer: str) -> list[Pending]:
        if not call.failed:
            self.employed[call.args["employee"]] = employer
        return [
            self.event(
                E.Employ,
                call,
                employer=employer,
                employee=call.args["employee"],
                hourly_wage=self.money(call.args["hourlyWage"]),
            )
        ]

    def on_changeWage(self, call: Call, _: int) -> list[Pending]:
        return [
            self.event(
                E.ChangeWage,
                call,
                employer=call.sender,
                employee=call.args["employee"],
                hourly_wage=self.money(call.args["hourlyWage"]),
            )
        ]

    def on_endEmployment(self, call: Call, _: int) -> list[Pending]:
        if not call.failed:
            self.employed.pop(call.args["employee"], None)
        return [self.event(E.EndEmployment, call, call.args["ref"], employee=call.args["employee"], by=call.sender)]

    def on_registerDevice(self, call: Call, position: int) -> list[Pending]:
        """An offer; with the employer's acceptance right after it, one `register device` event (the
        scenario's own reading of that event: offered and accepted at once)."""
        device, employer = call.args["device"], call.args["employer"]
        if not call.failed:
            self.device_employers.setdefault(device, employer)
        following = self.calls[position + 1] if position + 1 < len(self.calls) else None
        accepted = (
            following is not None
            and following.function == "acceptDevice"
            and not following.failed
            and following.args["device"] == device
            and following.sender == employer
        )
        if accepted:
            self.folded.add(position + 1)
        return [self.event(E.RegisterDevice, call, device=device, employer=employer, accepted=accepted)]

    def on_acceptDevice(self, call: Call, position: int) -> list[Pending]:
        if position in self.folded:  # replayed with its offer
            return []
        return [self.event(E.AcceptDevice, call, employer=call.sender, device=call.args["device"])]

    def on_revokeDevice(self, call: Call, _: int) -> list[Pending]:
        """By the device's employer, or else (a revocation the chain accepted) by the authority."""
        employer = self.device_employers.get(call.args["device"])
        by = call.sender if call.sender == employer or call.failed else None
        return [self.event(E.RevokeDevice, call, device=call.args["device"], by=by)]

    def on_withdraw(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Withdraw, call, sender=call.sender, amount=self.money(call.args["amount"]))]

    def on_grantTimeOff(self, call: Call, _: int) -> list[Pending]:
        return [
            self.event(
                E.GrantTimeOff,
                call,
                employer=call.sender,
                employee=call.args["employee"],
                date=day_date(call.args["day"]),
            )
        ]

    def on_settle(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Settle, call, call.args["ref"])]

    def on_submitPunches(self, call: Call, _: int) -> list[Pending]:
        """One event per punch of the batch, at the punch's own time (a batch is relayed later).

        A batch refused for its device reverts before any punch is read; each punch is then refused
        for the first reason in docs/semantics.md's order, as the oracle reports it: "not employed" when the
        contract employs no such person, else the device's ("unregistered device", "device not
        accepted by the employer", "revoked device").
        """
        batch = call.args["batch"]
        device = address_of(field_of(batch, "device", 0))  # cached: a batch of 200 names few parties
        pending = []
        for punch in field_of(batch, "punches", 2):
            ref = field_of(punch, "ref", 3)
            at = dt.datetime.fromtimestamp(field_of(punch, "at", 1), self.tz)
            employee = address_of(field_of(punch, "employee", 0))
            fields = {"device": device, "employee": employee, "kind": "in" if field_of(punch, "clockIn", 2) else "out"}
            refusal = None
            device_refusal = call.refusal if call.error in DEVICE_REFUSALS else None
            if device_refusal is not None:
                refusal = device_refusal if employee in self.employed else Reason.NOT_EMPLOYED.value

            def build(index: int, at: dt.datetime = at, fields: dict[str, str] = fields) -> E.Event:
                return E.Punch(index=index, at=at, **fields)

            pending.append(Pending(ref, build, refusal))
        return pending


#: This domain's encode and decode sides, as `lawdsl.domains.implementation` finds them.
DRIVER = WorkingTimeDriver
REBUILDER = WorkingTimeRebuilder
