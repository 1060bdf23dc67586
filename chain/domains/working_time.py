"""Working-time events onto a `WorkingTimeStatute` contract, and its logs back to an outcome.

Each scenario punch travels as a one-punch batch signed by the device's key
and relayed by the gateway account, exactly like a live device's batch (the
gateway batches many punches per transaction; `chain/bench.py` measures
that). Employers act from their own accounts; devices are registered by the
authority.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from eth_utils.address import to_checksum_address
from web3.contract import Contract

from compiler.dates import day_date, day_number
from lawdsl import events as E
from lawdsl.ast import Period, Statute
from lawdsl.events import Deposit, Employ, Event, GrantTimeOff, Punch, RegisterDevice, Settle
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.interpret.working_time import Reason, period_name
from lawdsl.outcome import Outcome, Payment, Rejection, Violation

from ..accounts import AUTHORITY, GATEWAY, account_key
from ..client import Receipt, Reverted
from ..signing import Domain, SignedPunch, sign_batch
from .driver import Driver, article_text
from .rebuild import Call, Pending, Rebuilder, field_of

#: `PunchRejection` codes of the contract, in enum order (0 = None).
PUNCH_REASONS = ("", BEFORE_EFFECTIVE, *(reason.value for reason in (
    Reason.NOT_EMPLOYED, Reason.FOREIGN_DEVICE, Reason.DUPLICATE_PUNCH, Reason.EARLIER_PUNCH,
    Reason.ALREADY_IN, Reason.OUT_WITHOUT_IN, Reason.SHIFT_TOO_LONG)))
PERIODS = (Period.DAY, Period.WEEK, Period.MONTH)


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
        "UnregisteredDevice": Reason.UNREGISTERED_DEVICE.value,  # `punch` refines it per punch
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
            self.send(event, event.employer, fn.employ(address(event.employee), event.hourly_wage.minor))
        elif isinstance(event, RegisterDevice):
            self.send(event, AUTHORITY, fn.registerDevice(address(event.device), address(event.employer)))
        elif isinstance(event, Deposit):
            if event.amount.minor >= 0:
                self.chain.transact(event.sender, self.currency.functions.approve(
                    self.contract.address, event.amount.minor))
            self.send(event, event.sender, fn.deposit(event.amount.minor, event.index))
        elif isinstance(event, GrantTimeOff):
            self.send(event, event.employer, fn.grantTimeOff(address(event.employee), day_number(event.date)))
        elif isinstance(event, Settle):
            self.send(event, GATEWAY, fn.settle(event.index))
        elif isinstance(event, Punch):
            self.punch([event])
        else:
            raise ValueError(f"event {event.index}: {type(event).__name__} is not a working-time event")

    def punch(self, punches: list[Punch]) -> Receipt | None:
        """Relay punches of one device as one signed batch; None if the batch was refused.

        A batch from an unregistered device reverts as a whole before any punch is read; each of
        its punches is then rejected for the first reason SPEC §4's order gives, read from the
        chain: "not employed" when the contract employs no such person, else "unregistered device".
        """
        device = punches[0].device
        batch = [SignedPunch(self.chain.address(p.employee), int(p.at.timestamp()), p.kind == "in", p.index)
                 for p in punches]
        sequence = self.sequences.get(device, 0)
        signature = compact_signature(sign_batch(account_key(device), self.domain, self.chain.address(device),
                                                 sequence, batch))
        assert self.contract is not None
        call = self.contract.functions.submitPunches(
            (self.chain.address(device), sequence, [p.as_tuple() for p in batch]), signature)
        try:
            receipt = self.chain.transact(GATEWAY, call)
        except Reverted as refusal:
            reason = self.REASONS.get(refusal.error)
            if reason is None:
                raise
            for punch, signed in zip(punches, batch):
                why = self._unregistered(signed.employee) if refusal.error == "UnregisteredDevice" else reason
                self.refused.append(Rejection(punch.index, why))
            return None
        self.sequences[device] = sequence + 1
        return receipt

    def _unregistered(self, employee: str) -> str:
        """Why a punch of an unregistered device's batch is refused: SPEC §4 checks employment first."""
        assert self.contract is not None
        employed = int(self.contract.functions.employerOf(employee).call(), 16) != 0
        reason: str = (Reason.UNREGISTERED_DEVICE if employed else Reason.NOT_EMPLOYED).value
        return reason

    def collect(self, outcome: Outcome) -> None:
        label = self.chain.label
        due: dict[int, Payment] = {}
        rejected = list(self.refused)
        for name, args in self.logs():
            if name == "WageDue":
                due[args["seq"]] = Payment(args["ref"], label(args["employer"]), label(args["employee"]),
                                           self.money(args["amount"]), article_text(args["article"]))
            elif name in ("WagePaid", "PaidAtClockOut"):  # the latter: a clock-out and its first payment
                due.pop(args.get("seq", 0), None)  # seq 0: paid in the event that made it due, never queued
                outcome.payments.append(Payment(
                    args["ref"], label(args["employer"]), label(args["employee"]),
                    self.money(args["amount"]), article_text(args["article"])))
            elif name == "LimitExceeded":
                start = day_date(args["periodStart"])
                outcome.violations.append(Violation(
                    args["ref"], article_text(args["article"]), label(args["employer"]),
                    label(args["employee"]), period_name(PERIODS[args["period"]], start)))
            elif name == "PunchRejected":
                rejected.append(Rejection(args["ref"], PUNCH_REASONS[args["reason"]]))
        outcome.arrears.extend(due[seq] for seq in sorted(due))
        outcome.rejected.extend(sorted(rejected, key=lambda r: r.event))


class WorkingTimeRebuilder(Rebuilder):
    def __init__(self, statute: Statute, calls: list[Call]) -> None:
        super().__init__(statute, calls)
        self.employed: set[str] = set()  # by accepted employ calls so far: what the contract knows

    def on_employ(self, call: Call, _: int) -> list[Pending]:
        if not call.failed:
            self.employed.add(call.args["employee"])
        return [self.event(E.Employ, call, employer=call.sender, employee=call.args["employee"],
                           hourly_wage=self.money(call.args["hourlyWage"]))]

    def on_registerDevice(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.RegisterDevice, call, device=call.args["device"], employer=call.args["employer"])]

    def on_grantTimeOff(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.GrantTimeOff, call, employer=call.sender, employee=call.args["employee"],
                           date=day_date(call.args["day"]))]

    def on_settle(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Settle, call, call.args["ref"])]

    def on_submitPunches(self, call: Call, _: int) -> list[Pending]:
        """One event per punch of the batch, at the punch's own time (a batch is relayed later).

        A batch from an unregistered device reverts before any punch is read; each punch is then
        refused for the first reason in SPEC §4's order, as the oracle reports it: "not employed"
        when the contract employs no such person, else "unregistered device".
        """
        batch = call.args["batch"]
        device = to_checksum_address(field_of(batch, "device", 0))
        pending = []
        for punch in field_of(batch, "punches", 2):
            ref = field_of(punch, "ref", 3)
            at = dt.datetime.fromtimestamp(field_of(punch, "at", 1), self.tz)
            employee = to_checksum_address(field_of(punch, "employee", 0))
            fields = {"device": device, "employee": employee, "kind": "in" if field_of(punch, "clockIn", 2) else "out"}
            refusal = None
            if call.error == "UnregisteredDevice":
                refusal = (Reason.UNREGISTERED_DEVICE if employee in self.employed else Reason.NOT_EMPLOYED).value

            def build(index: int, at: dt.datetime = at, fields: dict[str, Any] = fields) -> E.Event:
                return E.Punch(index=index, at=at, **fields)

            pending.append(Pending(ref, build, refusal))
        return pending


#: This domain's encode and decode sides, as `lawdsl.domains.implementation` finds them.
DRIVER = WorkingTimeDriver
REBUILDER = WorkingTimeRebuilder
