"""The keeper: sends the transactions that time alone makes due, watching block time.

No device or person acts when a pay week ends, a voucher program expires or
a tender's reveal period closes, yet the law says something happens then.
The contracts let anyone trigger those steps once they are due (`settle`,
`reclaim`, `award`, `acceptDelivery` after a delivery's inspection window,
`closeUndelivered` after a tender's deadline and grace) and refuse them
before; the keeper is that anyone.

It judges "due" by the latest block's timestamp, never by its own clock: the
contract checks `block.timestamp`, and a chain replaying the past (anvil) or
running behind would refuse a call sent on wall-clock time. Every duty reads
its state back from the contract (or its logs), so a keeper restarted at any
moment, or a chain restored from an older state, simply finds the duty due
again; calls it has sent and not yet seen take effect are not sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import rlp
from eth_utils.crypto import keccak

from chain.contract import ContractClient
from chain.domains.working_time import SETTLE_PAGE

from .journal import read_table

log = logging.getLogger("oracles.keeper")

Send = Callable[[str, bytes], None]
"""How the keeper sends a call (contract address, calldata): the submitter's `submit_call`,
so keeper calls share its nonces, journal and recovery."""

CLOCK_OUT, END_OF_WEEK, END_OF_MONTH, END_OF_HALF_MONTH = 0, 1, 2, 3  # WorkingTimeStatute.PaySchedule
#: The first day of a month's second half (half-month pay, California Labor Code §204).
SECOND_HALF = 16
BIDDING, DELIVERY, CLOSED = 0, 1, 2  # ProcurementStatute.Phase
PENDING = 1  # ProcurementStatute.Judgement
#: The keeper's calls by selector (a tender's `settleBids` pages count as its award): each takes the
#: `uint64 ref` its log echoes (a settlement also a page size).
KEEPER_CALLS = {
    keccak(text=signature)[:4]: name
    for signature, name in (
        ("settle(uint64,uint256)", "settle"),
        ("reclaim(uint64)", "reclaim"),
        ("award(uint256,uint64)", "award"),
        ("settleBids(uint256,uint64)", "award"),
        ("acceptDelivery(uint256,uint256,uint64)", "accept"),
        ("closeUndelivered(uint256,uint64)", "close"),
    )
}  # a tender's award, paged


class Duty(Protocol):
    """One kind of time-triggered step on one contract."""

    name: str

    def due(self, now: int) -> tuple[str, bytes] | None:
        """The call to send at block time `now`, or None."""

    def forget(self) -> None:
        """Drop what was remembered as sent: the chain may have lost it."""


def period_start(now: int, schedule: int, offset: int, week_start: int) -> int:
    """Unix time of the start (local midnight) of the pay period containing `now`.

    Weeks start on `week_start` (Monday = 0), months on the 1st, half months on the 1st and the 16th,
    all in the statute's zone (`offset` seconds east of UTC), as the contract computes them.
    """
    local = dt.datetime.fromtimestamp(now + offset, dt.timezone.utc).date()
    if schedule == END_OF_WEEK:
        local -= dt.timedelta(days=(local.weekday() - week_start) % 7)
    elif schedule == END_OF_HALF_MONTH:
        local = local.replace(day=1 if local.day < SECOND_HALF else SECOND_HALF)
    else:
        local = local.replace(day=1)
    return int(dt.datetime.combine(local, dt.time(), dt.timezone.utc).timestamp()) - offset


@dataclass
class Settlement:
    """Weekly or monthly wages: `settle(ref, SETTLE_PAGE)` once block time enters a pay period that
    began after the last settlement, then page after page while the round has employees left.

    The last settlement is read from the contract's `Settled` logs (before any,
    the block time of the first `Employed`: nothing accrues earlier), so a
    restarted keeper settles a period it missed and none twice; a needless
    `settle` would find nothing due but still cost a transaction.
    """

    statute: ContractClient
    name: str = "settle"
    _settled: int | None = field(default=None, init=False)  # block time of the last Settled
    _schedule: tuple[int, int, int] | None = field(default=None, init=False)

    def due(self, now: int) -> tuple[str, bytes] | None:
        if self._schedule is None:
            self._schedule = (
                self.statute.view("paySchedule"),
                self.statute.view("timeZoneOffset"),
                self.statute.view("weekStart"),
            )
        schedule, offset, week_start = self._schedule
        if schedule == CLOCK_OUT:
            return None
        start = period_start(now, schedule, offset, week_start)
        if self.statute.view("settlement")[0] != 0:  # a round is open: its next page
            return self.statute.address, self.statute.data("settle", start % 2**64, SETTLE_PAGE)
        if self._settled is None:
            self._settled = self._last_settled()
            if self._settled is None:
                return None  # nobody employed yet
        if self._settled >= start:
            return None
        self._settled = now  # sent; if the chain loses it, `forget` makes the keeper read the logs again
        return self.statute.address, self.statute.data("settle", start % 2**64, SETTLE_PAGE)

    def _last_settled(self) -> int | None:
        settled = self.statute.logs("Settled")
        if settled:
            last: int = max(self.statute.decode_log("Settled", e)["at"] for e in settled)
            return last
        employed = self.statute.logs("Employed")
        if not employed:
            return None
        block = self.statute.rpc.call("eth_getBlockByNumber", employed[0]["blockNumber"], False)
        return int(block["timestamp"], 16)

    def forget(self) -> None:
        self._settled = None


@dataclass
class VoucherReclaim:
    """Voucher expiry: `reclaim(ref)` once block time reaches `reclaimFrom`, while funds remain."""

    program: ContractClient
    name: str = "reclaim"
    _sent: bool = field(default=False, init=False)

    def due(self, now: int) -> tuple[str, bytes] | None:
        if self._sent or not self.program.view("hasExpiry") or now < self.program.view("reclaimFrom"):
            return None
        if self.program.view("funds") == 0:
            return None
        self._sent = True
        return self.program.address, self.program.data("reclaim", now % 2**64)

    def forget(self) -> None:
        self._sent = False


@dataclass
class TenderAward:
    """Procurement: `award(tender, ref)` once block time passes a tender's reveal period (and a best
    value award's evaluation period), then
    `settleBids(tender, ref)` until its losing deposits are all settled (a page of 64 a call).

    Tenders share their periods, so their reveals close in opening order: a cursor
    on the earliest tender not yet done keeps each tick's work to one view or two.
    """

    procurement: ContractClient
    name: str = "award"
    _next: int = field(default=0, init=False)  # the earliest tender not yet awarded and settled
    _evaluation: int | None = field(default=None, init=False)  # a best value award's, after the reveals

    def due(self, now: int) -> tuple[str, bytes] | None:
        if self._evaluation is None:
            self._evaluation = self.procurement.view("evaluationPeriod")
        while self._next < self.procurement.view("tenderCount"):
            number = self._next
            values = tender_view(self.procurement, number)
            if values["phase"] == BIDDING:
                if now < values["revealsClose"] + self._evaluation:
                    return None
                return self.procurement.address, self.procurement.data("award", number, now % 2**64)
            if self.procurement.view("unsettledBids", number):
                return self.procurement.address, self.procurement.data("settleBids", number, now % 2**64)
            self._next += 1
        return None

    def forget(self) -> None:
        """Nothing to forget: what is due is read from the chain each time."""


def tender_view(procurement: ContractClient, number: int) -> dict[str, Any]:
    """`tenders(number)` by field name, as the contract's ABI names them."""
    fields = [o["name"] for o in next(i for i in procurement.abi if i.get("name") == "tenders")["outputs"]]
    return dict(zip(fields, procurement.view("tenders", number)))


@dataclass
class DeliveryAcceptance:
    """Procurement: `acceptDelivery(tender, delivery, ref)` once a recorded delivery's inspection
    window has passed with no judgement: silence accepts it, as of its record.

    Every window is as long, so within a tender they close in record order: a
    cursor per tender on its earliest delivery not yet judged, and a cursor on
    the earliest tender not closed, keep each tick to a few views per tender
    still delivering. A call sent and not yet mined is not sent again.
    """

    procurement: ContractClient
    name: str = "accept"
    _first: int = field(default=0, init=False)  # the earliest tender not closed
    _cursor: dict[int, int] = field(default_factory=dict, init=False)  # tender -> earliest delivery not judged
    _sent: set[tuple[int, int]] = field(default_factory=set, init=False)
    _window: int | None = field(default=None, init=False)

    def due(self, now: int) -> tuple[str, bytes] | None:
        if self._window is None:
            self._window = self.procurement.view("inspectionWindow")
        for number in range(self._first, self.procurement.view("tenderCount")):
            phase = tender_view(self.procurement, number)["phase"]
            if phase == CLOSED and number == self._first:
                self._first += 1
            elif phase == DELIVERY:
                call = self._due_in(number, now, self._window)
                if call is not None:
                    return call
        return None

    def _due_in(self, number: int, now: int, window: int) -> tuple[str, bytes] | None:
        delivery = self._cursor.get(number, 0)
        count = self.procurement.view("deliveryCount", number)
        while delivery < count:
            _, recorded_at, judgement = self.procurement.view("deliveries", number, delivery)
            if judgement == PENDING:
                break
            delivery += 1
        self._cursor[number] = delivery
        if delivery == count or now < recorded_at + window or (number, delivery) in self._sent:
            return None
        self._sent.add((number, delivery))
        return self.procurement.address, self.procurement.data("acceptDelivery", number, delivery, now % 2**64)

    def forget(self) -> None:
        self._sent.clear()


@dataclass
class UndeliveredClosing:
    """Procurement: `closeUndelivered(tender, ref)` once a tender's deadline plus grace has passed with
    the tender not fully delivered and no delivery awaiting judgement: the winner defaulted.

    Tenders share their periods, so they become closeable in opening order: the
    scan stops at the first one not yet closeable.
    """

    procurement: ContractClient
    name: str = "close"
    _first: int = field(default=0, init=False)  # the earliest tender not closed
    _sent: set[int] = field(default_factory=set, init=False)

    def due(self, now: int) -> tuple[str, bytes] | None:
        for number in range(self._first, self.procurement.view("tenderCount")):
            values = tender_view(self.procurement, number)
            if values["phase"] == CLOSED:
                if number == self._first:
                    self._first += 1
                continue
            if now < self.procurement.view("closeableFrom", number):
                return None
            if values["phase"] == DELIVERY and not values["pending"] and number not in self._sent:
                self._sent.add(number)
                return self.procurement.address, self.procurement.data("closeUndelivered", number, now % 2**64)
        return None

    def forget(self) -> None:
        self._sent.clear()


class Keeper:
    """Checks every duty against the latest block's time; `tick()` from the gateway's loop."""

    def __init__(self, duties: list[Duty], send: Send) -> None:
        self.duties = duties
        self.send = send
        self.sent: list[str] = []  # names of the calls sent, for status and tests

    def tick(self, now: int) -> int:
        """Send what is due at block time `now`; returns how many calls were sent."""
        count = 0
        for duty in self.duties:
            call = duty.due(now)
            if call is not None:
                log.info("%s due on %s at block time %d: sent", duty.name, call[0], now)
                self.send(*call)
                self.sent.append(duty.name)
                count += 1
        return count

    def forget(self) -> None:
        """After a chain restart: what was sent may be lost; read the state again."""
        for duty in self.duties:
            duty.forget()


def keeper_calls(outbox: str | Path) -> dict[str, dict[str, int]]:
    """The keeper's calls in the submitter's journal, per function and journal state
    (`open`, `done`, `failed`), for `oracle status`: did the award or the reclaim go out, and land?

    Read from the journal table directly (rows without a device are keeper calls); the function
    is the signed transaction's selector, so nothing but the journal is needed.
    """
    calls: dict[str, dict[str, int]] = {}
    rows = read_table(
        outbox, "chain_journal", "SELECT raw, state FROM chain_journal WHERE device IS NULL ORDER BY nonce"
    )
    for raw, state in rows:
        name = KEEPER_CALLS.get(_call_data(bytes(raw))[:4], "other")
        calls.setdefault(name, {}).setdefault(state, 0)
        calls[name][state] += 1
    return calls


def _call_data(raw: bytes) -> bytes:
    """The calldata of a signed raw transaction: EIP-1559 (type 2), EIP-2930 (type 1) or legacy."""
    if raw[0] == 2:
        return bytes(rlp.decode(raw[1:])[7])
    if raw[0] == 1:
        return bytes(rlp.decode(raw[1:])[6])
    return bytes(rlp.decode(raw)[5])
