"""Working time (docs/semantics.md): shifts from punches, premium pay, limits, wages from a deposit.

How the law is read
-------------------
A shift is an employee's `in` punch and the next `out` punch, from devices
registered to the employee's employer; it has `floor((out - in) / 60 s)`
minutes and belongs to the local date (statute time zone) it starts on. Its
day kind, and every day/week/month counter, key on that date.

docs/semantics.md states pay per minute: each minute goes to the applicable earning rule
with the highest rate (ties: the earlier rule in article order), and a rule
`beyond D in a P` applies to minute m of a period (m = minutes the employee
already worked in that period, paid or not) once m >= D. Every rule therefore
applies to a *suffix* of a shift, so a shift splits into at most one segment
per rule, each paid under one rule; `paid_minutes` computes those segments
from the sorted rule starts, never minute by minute, so national-scale punch streams stay
cheap.

A premium (`earns an additional R`, docs/semantics.md) does not compete: it
pays R on each minute it applies to, on top of whatever the competing rules
pay for that minute. With a window (`between 22:00 and 05:00`) it applies to
the minutes of its suffix whose first second falls inside the window, local
time; `window_minutes` counts them from the clock-in's time of day, never
minute by minute. Overtime (what limits count) is still the minutes won by a
competing rule above 100%: a premium does not make a minute overtime.

A rule `beyond D in a P, not counting hours already paid as overtime` counts
straight time only: the minutes of the period not paid above 100% by the
competing rules written without that clause (docs/semantics.md, "No
pyramiding"). Those rules cover a suffix of each shift from
`overtime_start`, so the straight count stops growing there; each worker
keeps it per period, as it keeps the minutes worked.

Amounts stay exact until paid: a rate is integer millionths, so minutes ×
rate × wage is an integer over `SCALE` (60 minutes × 1 000 000). Each
payment is rounded once, half up (`money.round_half_up`); a weekly or monthly
payment rounds the exact sum of its shifts.

Wages come out of the employer's pot (its deposits). Payments fall due into
a FIFO queue per employer; the head is paid whole whenever the pot covers it,
never in part; what waits is arrears, paid first-in first-out by later
deposits.

Choices where the law's text is silent
----------------------------
- Employment (docs/semantics.md): an `employ` event stands for an employment
  the worker consented to. No one employs itself; an employee has one
  employer at a time: `employ` by the same employer again changes the hourly
  wage, by another employer it is rejected. A wage is at least the statute's
  minimum hourly wage and at most `MAX_HOURLY_WAGE` (the contract's sanity
  bound). A wage change applies to shifts clocked in after it: a shift open
  at the change is paid at the wage it started with. Either side may end the
  employment, not while a shift younger than 24 hours is open; pay accrued
  for a week or month not yet over falls due at the end. The employee keeps
  its last punch and its running counts (limits count the person's work).
- Devices: the authority registers (offers) a device to an employer, which
  accepts it before its punches count; registering it again to the same
  employer is a no-op, to another one is rejected. The authority or the
  employer may revoke it for good; a revoked device cannot be registered again.
- A punch is checked in this order: employed, device registered, accepted,
  not revoked, device of the employee's employer, duplicate, earlier than
  the last punch, then the in/out pairing. A duplicate is a punch equal (device, kind, instant) to one
  already accepted for the employee at the instant of their last punch; a
  copy of an older punch is rejected as earlier than the last punch.
- A clock-in older than 24 hours has lapsed: a clock-out against it is
  rejected (shift over 24 hours), but a new clock-in is accepted and replaces
  it, so one forgotten clock-out cannot lock an employee out for good. The
  lapsed clock-in earns nothing. Exactly 24 hours is not "over 24 hours".
- Time off: only the employee's employer may grant it; it must be on record
  before the clock-out of the shift it should affect (pay already computed is
  never revised). Granting the same date twice is harmless.
- A payment whose rounded amount is zero is not made (there is nothing to
  transfer); the same holds per article for weekly and monthly sums.
- Weekly/monthly: a period is due once its end (local midnight after its last
  day) is reached: `settle` at or after that instant, or an accepted punch of
  the employee at or after it. A shift that starts before the end and
  clocks out after it still belongs to the ended period; its clock-out is
  itself a punch after the end, so it is paid right there. Within one event,
  payments fall due by employee (in order of first employment), then period
  (oldest first), then article; each is paid at once when its employer's
  queue is empty and the pot covers it, else it joins the queue. (That is
  what paying the queue heads after queueing them all would pay, and it lets
  the contract settle employees page by page.)
- Deposits: any label may deposit into its own pot; a negative amount is
  rejected. A withdrawal takes back part of the pot, refused while the
  employer's queue holds arrears. A `settle` under a clock-out schedule
  changes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction

from ..ast import (
    DayKind,
    Measure,
    MinimumWageRule,
    PaySchedule,
    Percentage,
    Period,
    Statute,
    WagePaymentRule,
)
from ..events import (
    AcceptDevice,
    ChangeWage,
    Deposit,
    Employ,
    EndEmployment,
    GrantTimeOff,
    Punch,
    RegisterDevice,
    RevokeDevice,
    Settle,
    Withdraw,
)
from ..money import CURRENCY_DIGITS, Money
from ..outcome import Payment, Violation
from ..zones import shift_segments
from .base import DomainInterpreter, Rejected
from .explain import Explanation, Step, exact, percent, rounding, when
from .pay_rules import (
    NEVER,
    Earning,
    consecutive_days,
    earnings,
    limits,
    overtime_start,
    paid_minutes,
    premium_minutes,
    suffix_minutes,
    sweep,
)
from .periods import half_month_end, half_month_start, year_start


class Reason(str, enum.Enum):
    """Why an event is refused; the value is the text the outcome shows."""

    NOT_EMPLOYED = "not employed"
    UNREGISTERED_DEVICE = "unregistered device"
    FOREIGN_DEVICE = "device of another employer"
    DUPLICATE_PUNCH = "duplicate punch"
    EARLIER_PUNCH = "punch earlier than the employee's last punch"
    ALREADY_IN = "clock-in while already clocked in"
    OUT_WITHOUT_IN = "clock-out without clock-in"
    SHIFT_TOO_LONG = "shift over 24 hours"
    EMPLOYED_ELSEWHERE = "already employed by another employer"
    NEGATIVE_WAGE = "negative hourly wage"
    DEVICE_TAKEN = "device already registered to another employer"
    NEGATIVE_DEPOSIT = "negative deposit"
    DEPOSIT_EXCEEDS_WALLET = "deposit exceeds the wallet"
    NOT_THE_EMPLOYER = "time off granted by someone other than the employer"
    SELF_EMPLOYMENT = "an employer cannot employ itself"
    WAGE_BELOW_MINIMUM = "hourly wage below the statute's minimum"
    WAGE_ABOVE_BOUND = "hourly wage above the contract's bound"
    WAGE_NOT_BY_EMPLOYER = "wage changed by someone other than the employer"
    NOT_A_PARTY = "employment ended by someone other than the employer or the employee"
    SHIFT_IN_PROGRESS = "employment ended during an open shift"
    DEVICE_NOT_OFFERED = "device not offered to this employer"
    DEVICE_NOT_ACCEPTED = "device not accepted by the employer"
    DEVICE_REVOKED = "revoked device"
    NOT_DEVICE_REVOKER = "device revoked by someone other than the authority or its employer"
    ARREARS_OUTSTANDING = "withdrawal while arrears are outstanding"
    WITHDRAWAL_EXCEEDS_DEPOSIT = "withdrawal exceeds the deposit"


def _refuse(reason: Reason) -> Rejected:
    """A `Rejected` carrying the plain text, so outcomes hold ordinary strings."""
    return Rejected(reason.value)


MAX_SHIFT = dt.timedelta(hours=24)
#: The highest hourly wage in minor units: the contract's sanity bound (`Employment.MAX_HOURLY_WAGE`).
MAX_HOURLY_WAGE = 10**12
MINUTE = dt.timedelta(minutes=1)
#: Denominator of exact amounts: minutes × millionths × minor units of an hourly wage.
SCALE = 60 * Percentage.SCALE


# ---------------------------------------------------------------- the statute, compiled


@dataclass(frozen=True)
class _Day:
    """What a shift date means under the statute: its kind and the periods it opens."""

    kind: DayKind
    starts: dict[Period, dt.date]


_PAY_PERIODS = {
    PaySchedule.CLOCK_OUT: None,
    PaySchedule.WEEK: Period.WEEK,
    PaySchedule.MONTH: Period.MONTH,
    PaySchedule.HALF_MONTH: Period.HALF_MONTH,
}
#: The periods every worker's minutes worked (and straight time) are counted in.
_COUNTED_PERIODS = (Period.DAY, Period.WEEK, Period.MONTH)


def _schedule(statute: Statute) -> PaySchedule:
    found = statute.rule(WagePaymentRule)
    if found is None:
        raise ValueError("a working-time statute needs its payment sentence")
    return found[1].schedule


def minimum_hourly_wage(statute: Statute) -> int:
    """The statute's minimum hourly wage in minor units (`the hourly wage is at least M`); 0 without one."""
    found = statute.rule(MinimumWageRule)
    if found is None:
        return 0
    amount = statute.value(found[1].amount)
    assert isinstance(amount, Money), "the checker types a minimum wage as money"
    return amount.minor


def period_name(period: Period, start: dt.date) -> str:
    """docs/semantics.md's names: `2026-03-02`, `2026-03-02/P1W`, `2026-03`."""
    if period is Period.DAY:
        return start.isoformat()
    if period is Period.WEEK:
        return f"{start.isoformat()}/P1W"
    if period is Period.YEAR:
        return f"{start.isoformat()}/P1Y"
    if period is Period.HALF_MONTH:
        return f"{start.isoformat()}/{(half_month_end(start) - dt.timedelta(days=1)).isoformat()}"
    return start.strftime("%Y-%m")


def period_end(period: Period, start: dt.date) -> dt.date:
    """The first date after a period instance (its exclusive end)."""
    if period is Period.DAY:
        return start + dt.timedelta(days=1)
    if period is Period.WEEK:
        return start + dt.timedelta(days=7)
    if period is Period.HALF_MONTH:
        return half_month_end(start)
    assert period is Period.MONTH, "a year is never a pay period"
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


# ---------------------------------------------------------------- per-employee state


@dataclass(slots=True)
class _Counter:
    """A running count within the current instance of a period (shift dates only move forward)."""

    start: dt.date | None = None
    count: int = 0
    flagged: bool = False

    def roll(self, start: dt.date) -> None:
        if start != self.start:
            self.start, self.count, self.flagged = start, 0, False


@dataclass(frozen=True)
class _Due:
    """A payment that falls due at an event; `key` orders those of one event (docs/semantics.md)."""

    article: int  # position of the article in the statute
    employee: str
    minor: int
    period: dt.date = dt.date.min  # weekly/monthly: the period's first day
    order: int = 0  # the employee's order of first employment
    exact: int = 0  # before rounding, × SCALE
    steps: tuple[Step, ...] = ()  # how it was earned (only when explaining)

    @property
    def key(self) -> tuple[int, dt.date, int]:
        return self.order, self.period, self.article


@dataclass(slots=True)
class _Queued:
    """A payment due but not yet paid: `event` made it due, `seq` keeps global FIFO order."""

    seq: int
    event: int
    employer: str
    employee: str
    minor: int
    article: str
    exact: int = 0
    steps: tuple[Step, ...] = ()
    why: str = ""  # when explaining and it could not be paid when due: why it waited


@dataclass(slots=True)
class _Worker:
    """One employee: employment, clock state, and running counts for the current periods."""

    employer: str | None  # None: the employment ended
    wage: int  # minor units per hour, of the open (or next) shift
    order: int
    next_wage: int | None = None  # a change made during an open shift, for the next clock-in
    clocked_in: dt.datetime | None = None
    last_at: dt.datetime | None = None
    marks_at_last: set[tuple[str, str]] = field(default_factory=set)  # (device, kind)
    worked: dict[Period, _Counter] = field(default_factory=lambda: {p: _Counter() for p in _COUNTED_PERIODS})
    # … of which not paid as overtime (kept when a rule counts straight time only)
    straight: dict[Period, _Counter] = field(default_factory=lambda: {p: _Counter() for p in _COUNTED_PERIODS})
    # overtime counts (`each hour of overtime beyond D in a P`): per kind of day counted and period
    overtime: dict[tuple[DayKind | None, Period], _Counter] = field(default_factory=dict)
    limits: list[_Counter] = field(default_factory=list)
    # the days of work of the current week, bit i = day i (kept when a rule counts consecutive days)
    days_worked: _Counter = field(default_factory=_Counter)
    # weekly/monthly schedules: period start -> article position -> exact amount × SCALE
    accrued: dict[dt.date, dict[int, int]] = field(default_factory=dict)
    # and, when explaining, the steps of the shifts each of those sums covers
    accrued_steps: dict[dt.date, dict[int, list[Step]]] = field(default_factory=dict)


# ---------------------------------------------------------------- the interpreter


class WorkingTimeInterpreter(DomainInterpreter):
    def __init__(self, statute: Statute, minted: dict[str, Money], holders: list[str]) -> None:
        super().__init__(statute, minted, holders)
        self.earnings = earnings(statute)
        self.limit_rules = limits(statute)
        #: Some rule counts straight time only: keep each worker's counts of minutes not paid as overtime.
        self.counts_straight_time = any(r.straight for r in self.earnings)
        #: Some rule holds on a consecutive day of work only: keep each worker's days of work in the week.
        self.counts_days = any(r.consecutive for r in self.earnings)
        #: The overtime counts some rule reads (`each hour of overtime beyond D in a P`): kind of day and period.
        self.overtime_counts = sorted({(r.day_kind, r.period) for r in self.earnings if r.overtime}, key=str)
        #: None: paid at each clock-out; else the period whose end makes pay due.
        self.pay_period = _PAY_PERIODS[_schedule(statute)]
        self.article_ids = [article.id for article in statute.articles]
        self.digits = CURRENCY_DIGITS[statute.header.currency]
        self.workers: dict[str, _Worker] = {}
        self.devices: dict[str, str] = {}  # accepted device -> employer
        self.offers: dict[str, str] = {}  # device offered, not yet accepted -> employer
        self.revoked: set[str] = set()
        self.minimum_wage = minimum_hourly_wage(statute)
        self.time_off: set[tuple[str, dt.date]] = set()
        self.queues: dict[str, deque[_Queued]] = {}
        self.queued = 0  # payments ever queued: the global FIFO sequence
        self.days: dict[dt.date, _Day] = {}
        #: Per kind of day and time off granted: the competing rules and the premiums that may apply.
        self.candidates = {
            (kind, granted): tuple(
                tuple(
                    r
                    for r in self.earnings
                    if r.additional is premium
                    and (r.day_kind is None or r.day_kind is kind)
                    and not (r.unless_time_off and granted)
                )
                for premium in (False, True)
            )
            for kind in DayKind
            for granted in (False, True)
        }

    # ------------------------------------------------------------ events

    def on_employ(self, event: Employ) -> None:
        if event.employer == event.employee:
            raise _refuse(Reason.SELF_EMPLOYMENT)
        worker = self.workers.get(event.employee)
        if worker is not None and worker.employer not in (None, event.employer):
            raise _refuse(Reason.EMPLOYED_ELSEWHERE)
        wage = self._checked_wage(event.hourly_wage)
        if worker is None:
            self.workers[event.employee] = _Worker(
                event.employer, wage, len(self.workers), limits=[_Counter() for _ in self.limit_rules]
            )
        elif worker.employer is None:
            worker.employer, worker.wage, worker.next_wage = event.employer, wage, None
        else:
            self._set_wage(worker, wage)

    def on_change_wage(self, event: ChangeWage) -> None:
        worker = self._employed(event.employee)
        if worker.employer != event.employer:
            raise _refuse(Reason.WAGE_NOT_BY_EMPLOYER)
        self._set_wage(worker, self._checked_wage(event.hourly_wage))

    def on_end_employment(self, event: EndEmployment) -> None:
        worker = self._employed(event.employee)
        if event.by not in (worker.employer, event.employee):
            raise _refuse(Reason.NOT_A_PARTY)
        if worker.clocked_in is not None and event.at - worker.clocked_in <= MAX_SHIFT:
            raise _refuse(Reason.SHIFT_IN_PROGRESS)
        self._queue_all(self._due(event.employee, worker, None), event.index)
        worker.employer, worker.next_wage = None, None

    def _employed(self, employee: str) -> _Worker:
        worker = self.workers.get(employee)
        if worker is None or worker.employer is None:
            raise _refuse(Reason.NOT_EMPLOYED)
        return worker

    def _checked_wage(self, hourly_wage: Money) -> int:
        wage = hourly_wage.minor
        if wage < 0:
            raise _refuse(Reason.NEGATIVE_WAGE)
        if wage < self.minimum_wage:
            raise _refuse(Reason.WAGE_BELOW_MINIMUM)
        if wage > MAX_HOURLY_WAGE:
            raise _refuse(Reason.WAGE_ABOVE_BOUND)
        return wage

    @staticmethod
    def _set_wage(worker: _Worker, wage: int) -> None:
        """A new wage: at once, or from the next clock-in when a shift is open (lapsed or not)."""
        if worker.clocked_in is not None:
            worker.next_wage = wage
        else:
            worker.wage, worker.next_wage = wage, None

    def on_register_device(self, event: RegisterDevice) -> None:
        if event.device in self.revoked:
            raise _refuse(Reason.DEVICE_REVOKED)
        bound = self.devices.get(event.device) or self.offers.get(event.device)
        if bound not in (None, event.employer):
            raise _refuse(Reason.DEVICE_TAKEN)
        if bound is None:
            self.offers[event.device] = event.employer
        if event.accepted and event.device in self.offers:
            self.on_accept_device(AcceptDevice(event.index, event.at, event.employer, event.device))

    def on_accept_device(self, event: AcceptDevice) -> None:
        if self.offers.get(event.device) != event.employer:
            raise _refuse(Reason.DEVICE_NOT_OFFERED)
        self.devices[event.device] = self.offers.pop(event.device)

    def on_revoke_device(self, event: RevokeDevice) -> None:
        if event.device in self.revoked:
            raise _refuse(Reason.DEVICE_REVOKED)
        employer = self.devices.get(event.device) or self.offers.get(event.device)
        if employer is None:
            raise _refuse(Reason.UNREGISTERED_DEVICE)
        if event.by not in (None, employer):
            raise _refuse(Reason.NOT_DEVICE_REVOKER)
        self.devices.pop(event.device, None)
        self.offers.pop(event.device, None)
        self.revoked.add(event.device)

    def on_withdraw(self, event: Withdraw) -> None:
        if self.queues.get(event.sender):
            raise _refuse(Reason.ARREARS_OUTSTANDING)
        minor = event.amount.minor
        if minor > self.ledger.pot(self._pot(event.sender)):
            raise _refuse(Reason.WITHDRAWAL_EXCEEDS_DEPOSIT)
        self.ledger.refund(self._pot(event.sender), event.sender, minor)

    def on_deposit(self, event: Deposit) -> None:
        minor = event.amount.minor
        if minor < 0:
            raise _refuse(Reason.NEGATIVE_DEPOSIT)
        if not self.ledger.can_cover(event.sender, minor):
            raise _refuse(Reason.DEPOSIT_EXCEEDS_WALLET)
        self.ledger.hold(event.sender, self._pot(event.sender), minor)
        self._pay_queue(event.sender, event.index)

    def on_grant_time_off(self, event: GrantTimeOff) -> None:
        worker = self._employed(event.employee)
        if worker.employer != event.employer:
            raise _refuse(Reason.NOT_THE_EMPLOYER)
        self.time_off.add((event.employee, event.date))

    def on_settle(self, event: Settle) -> None:
        due = [item for name, worker in self.workers.items() for item in self._due(name, worker, event.at)]
        self._queue_all(due, event.index)

    def on_punch(self, event: Punch) -> None:
        worker = self._check_punch(event)
        if event.kind == "in":
            worker.clocked_in = event.at
            if worker.next_wage is not None:  # a change made during the previous shift takes effect
                worker.wage, worker.next_wage = worker.next_wage, None
        else:
            assert worker.clocked_in is not None
            started, worker.clocked_in = worker.clocked_in, None
            self._shift(event, worker, started)
        if event.at != worker.last_at:
            worker.last_at = event.at
            worker.marks_at_last = set()
        worker.marks_at_last.add((event.device, event.kind))
        if self.pay_period is not None:
            self._queue_all(self._due(event.employee, worker, event.at), event.index)

    # ------------------------------------------------------------ punches

    def _check_punch(self, event: Punch) -> _Worker:
        """The punch's worker, or `Rejected` for the first rule of docs/semantics.md the punch breaks."""
        if event.kind not in ("in", "out"):
            raise ValueError(f"event {event.index}: punch kind must be 'in' or 'out'")
        worker = self._employed(event.employee)
        employer = self.devices.get(event.device)
        if employer is None:
            if event.device in self.offers:
                raise _refuse(Reason.DEVICE_NOT_ACCEPTED)
            raise _refuse(Reason.DEVICE_REVOKED if event.device in self.revoked else Reason.UNREGISTERED_DEVICE)
        if employer != worker.employer:
            raise _refuse(Reason.FOREIGN_DEVICE)
        if worker.last_at is not None:
            if event.at == worker.last_at and (event.device, event.kind) in worker.marks_at_last:
                raise _refuse(Reason.DUPLICATE_PUNCH)
            if event.at < worker.last_at:
                raise _refuse(Reason.EARLIER_PUNCH)
        open_in = worker.clocked_in
        if event.kind == "in":
            if open_in is not None and event.at - open_in <= MAX_SHIFT:
                raise _refuse(Reason.ALREADY_IN)
        elif open_in is None:
            raise _refuse(Reason.OUT_WITHOUT_IN)
        elif event.at - open_in > MAX_SHIFT:
            raise _refuse(Reason.SHIFT_TOO_LONG)
        return worker

    def _shift(self, event: Punch, worker: _Worker, started: dt.datetime) -> None:
        """Pay, count and check limits for a finished shift."""
        minutes = (event.at - started) // MINUTE
        date = self.local(started).date()
        day = self._day(date)
        rules = self.candidates[day.kind, (event.employee, date) in self.time_off]
        run = 0  # the day's place in its run of days of work (kept only when a rule counts it)
        if self.counts_days:
            rules, run = self._on_run(worker, date, day, minutes, rules)
        before = {}
        for period, counter in worker.worked.items():
            counter.roll(day.starts[period])
            before[period] = counter.count
            counter.count += minutes
        competing, premiums = rules
        straight, overtime_from = before, NEVER
        if self.counts_straight_time:
            straight, overtime_from = {}, overtime_start(competing, before)
            for period, counter in worker.straight.items():
                counter.roll(day.starts[period])
                straight[period] = counter.count
                counter.count += min(minutes, overtime_from)
        counted_from: dict[Earning, int] = {}
        if self.overtime_counts:
            counted_from = self._count_overtime(worker, day, rules, minutes, before, straight, overtime_from)
            starts = [
                (counted_from.get(r, NEVER) if r.overtime else r.start(before, straight, overtime_from), r.order)
                for r in competing
            ]
            paid = sweep(sorted(zip(starts, competing)), minutes)
        else:
            paid = paid_minutes(competing, minutes, before, straight, overtime_from)
        overtime = sum(m for r, m in paid.items() if r.rate > Percentage.SCALE)
        if premiums:
            parts = self._clock_parts(started, minutes)
            for rule in premiums:
                if rule.overtime:
                    counted = suffix_minutes(rule, parts, counted_from.get(rule, NEVER), minutes)
                else:
                    counted = premium_minutes(rule, parts, minutes, before, straight, overtime_from)
                if counted:
                    paid[rule] = counted
        self._check_limits(event, worker, day, minutes, overtime)
        amounts = self._amounts(paid, worker.wage)
        steps = self._shift_steps(started, event.at, minutes, day, paid, worker.wage, run) if self.explaining else {}
        if self.pay_period is None:
            due = Step("due", f"at the clock-out (event {event.index})")
            self._queue_all(
                [
                    _Due(article, event.employee, _rounded(exact), exact=exact, steps=(*steps.get(article, ()), due))
                    for article, exact in amounts
                ],
                event.index,
            )
        else:
            self._accrue(worker, day.starts[self.pay_period], amounts, steps)

    def _clock_parts(self, started: dt.datetime, minutes: int) -> list[tuple[int, int, int]]:
        """The shift's minutes by the clock that reads them: (first minute, end minute, the clock-in's
        second of the day at that part's offset). One part, unless a named zone's clocks change during
        the shift (docs/semantics.md, "Daylight saving time")."""
        if self.statute.header.time_zone.name:
            return shift_segments(self.tz, int(started.timestamp()), minutes)
        local = self.local(started)
        return [(0, minutes, local.hour * 3600 + local.minute * 60 + local.second)]

    def _on_run(
        self,
        worker: _Worker,
        date: dt.date,
        day: _Day,
        minutes: int,
        rules: tuple[tuple[Earning, ...], ...],
    ) -> tuple[tuple[tuple[Earning, ...], ...], int]:
        """Count the shift's day as a day of work (if it works a minute) and keep, of `rules` (the competing
        rules and the premiums), those that hold on the day: the rules without a consecutive-day condition
        and those for its place in its run (none for a shift of no whole minute, as in the contract),
        with that place."""
        counter = worker.days_worked
        counter.roll(day.starts[Period.WEEK])
        offset = (date - day.starts[Period.WEEK]).days
        if minutes:
            counter.count |= 1 << offset
        run = consecutive_days(counter.count, offset) if minutes else 0
        return tuple(tuple(r for r in group if r.consecutive in (0, run)) for group in rules), run

    def _count_overtime(
        self,
        worker: _Worker,
        day: _Day,
        rules: tuple[tuple[Earning, ...], ...],
        minutes: int,
        before: dict[Period, int],
        straight: dict[Period, int],
        overtime_from: int,
    ) -> dict[Earning, int]:
        """Where each rule counting overtime starts in this shift, and the shift's overtime counted.

        The shift's overtime is what a limit sentence counts: the minutes from the first start of a
        competing rule above 100% that counts hours (not overtime). A rule `beyond D in a P` of
        overtime applies from the overtime minute at which the period's overtime reaches D; its count
        holds the overtime of the shifts of its kind of day (docs/semantics.md, "Hours of overtime")."""
        competing, premiums = rules
        begins = min(
            (
                r.start(before, straight, overtime_from)
                for r in competing
                if r.rate > Percentage.SCALE and not r.overtime
            ),
            default=NEVER,
        )
        counts = {}
        for kind, period in self.overtime_counts:
            if kind is not None and kind is not day.kind:
                continue
            counter = worker.overtime.setdefault((kind, period), _Counter())
            counter.roll(day.starts[period])
            counts[kind, period] = counter.count
            counter.count += max(0, minutes - begins)
        return {
            r: NEVER if begins >= minutes else begins + max(0, r.threshold - counts[r.day_kind, r.period])
            for r in (*competing, *premiums)
            if r.overtime
        }

    def _shift_steps(
        self,
        started: dt.datetime,
        ended: dt.datetime,
        minutes: int,
        day: _Day,
        paid: dict[Earning, int],
        wage: int,
        run: int = 0,
    ) -> dict[int, list[Step]]:
        """Per article position: the shift, the minutes counted under the article's rules, the rate,
        the wage and the exact amount they earn. `run`: the day's place in its run of days of work,
        said when a rule counts it."""
        consecutive = f", day {run} of a run of consecutive days of work in its week" if run else ""
        shift = Step(
            "shift",
            f"{when(self.local(started))} → {when(self.local(ended))} ({minutes} min, "
            f"{day.kind.value} {self.local(started).date().isoformat()}{consecutive})",
        )
        wage_text = self.ledger.money(wage)
        found: dict[int, list[Step]] = {}
        for rule, counted in sorted(paid.items(), key=lambda item: item[0].order):
            article = self.article_ids[rule.article]
            amount = Fraction(counted * rule.rate * wage, SCALE)
            found.setdefault(rule.article, [shift]).extend(
                [
                    Step(f"minutes under article {article}", f"{counted} of {minutes} min"),
                    Step(
                        "rate",
                        f"an additional {percent(rule.rate)} of the hourly wage {wage_text}, on top of the rate "
                        "in force"
                        if rule.additional
                        else f"{percent(rule.rate)} of the hourly wage {wage_text}",
                    ),
                    Step(
                        "earned",
                        f"{counted} min × {percent(rule.rate)} × {wage_text} / 60 min = "
                        f"{exact(self.ledger.currency, self.digits, amount)}",
                    ),
                ]
            )
        return found

    def _check_limits(self, event: Punch, worker: _Worker, day: _Day, worked: int, overtime: int) -> None:
        employer = worker.employer
        assert employer is not None, "a shift is finished only during an employment"
        for rule, counter in zip(self.limit_rules, worker.limits):
            if rule.day_kind is not None and rule.day_kind is not day.kind:
                continue
            counter.roll(day.starts[rule.period])
            counter.count += overtime if rule.measure is Measure.OVERTIME else worked
            if counter.count > rule.limit and not counter.flagged:
                assert counter.start is not None  # rolled above
                counter.flagged = True
                self.violations.append(
                    Violation(
                        event.index, rule.article, employer, event.employee, period_name(rule.period, counter.start)
                    )
                )

    def _day(self, date: dt.date) -> _Day:
        """Day kind and period starts of a date, cached: a run touches few distinct dates."""
        day = self.days.get(date)
        if day is None:
            if date in self.statute.public_holidays:
                kind = DayKind.PUBLIC_HOLIDAY
            elif date.weekday() in self.statute.rest_days:
                kind = DayKind.REST_DAY
            else:
                kind = DayKind.WORKDAY
            back = (date.weekday() - self.statute.week_start) % 7
            day = self.days[date] = _Day(
                kind,
                {
                    Period.DAY: date,
                    Period.WEEK: date - dt.timedelta(days=back),
                    Period.MONTH: date.replace(day=1),
                    Period.YEAR: year_start(date, self.statute.header.effective),
                    Period.HALF_MONTH: half_month_start(date),
                },
            )
        return day

    # ------------------------------------------------------------ amounts

    def _amounts(self, paid: dict[Earning, int], wage: int) -> list[tuple[int, int]]:
        """Exact amount (× SCALE) per article position, in article order."""
        per_article: dict[int, int] = {}
        for rule, minutes in paid.items():
            exact = minutes * rule.rate * wage
            per_article[rule.article] = per_article.get(rule.article, 0) + exact
        return sorted(per_article.items())

    def _accrue(
        self, worker: _Worker, start: dt.date, amounts: list[tuple[int, int]], steps: dict[int, list[Step]]
    ) -> None:
        bucket = worker.accrued.setdefault(start, {})
        for article, amount in amounts:
            bucket[article] = bucket.get(article, 0) + amount
            if self.explaining:
                worker.accrued_steps.setdefault(start, {}).setdefault(article, []).extend(steps.get(article, ()))

    def _due(self, employee: str, worker: _Worker, now: dt.datetime | None) -> list[_Due]:
        """Remove and return, rounded, the worker's accrued periods that ended by `now` (None: all)."""
        period = self.pay_period
        if period is None or not worker.accrued:
            return []
        ended = [
            start
            for start in worker.accrued
            if now is None or dt.datetime.combine(period_end(period, start), dt.time(), self.tz) <= now
        ]
        due = []
        for start in ended:
            steps = worker.accrued_steps.pop(start, {})
            end = dt.datetime.combine(period_end(period, start), dt.time(), self.tz)
            if now is None:
                why = Step(
                    "due",
                    f"the employment ended during the {period.value} {period_name(period, start)}: "
                    "pay accrued so far falls due when an employment ends",
                )
            else:
                why = Step(
                    "due",
                    f"the {period.value} {period_name(period, start)} ended at {when(end)}: pay under "
                    f"a {period.value}ly schedule waits for the period's end and sums its shifts",
                )
            due += [
                _Due(
                    article,
                    employee,
                    _rounded(amount),
                    start,
                    worker.order,
                    amount,
                    (*steps.get(article, ()), why) if self.explaining else (),
                )
                for article, amount in worker.accrued.pop(start).items()
            ]
        return due

    # ------------------------------------------------------------ money

    def _pot(self, employer: str) -> str:
        return f"wages:{employer}"

    def _queue_all(self, due: list[_Due], index: int) -> None:
        """Payments due at event `index`, in order: each paid at once when its employer's queue is
        empty and the pot covers it, else queued (what paying the heads after queueing all would pay)."""
        for item in sorted(due, key=lambda d: d.key):
            if item.minor == 0:
                continue
            employer = self.workers[item.employee].employer
            assert employer is not None, "pay falls due only during an employment"
            queue = self.queues.setdefault(employer, deque())
            queued = _Queued(
                self.queued,
                index,
                employer,
                item.employee,
                item.minor,
                self.article_ids[item.article],
                item.exact,
                item.steps,
            )
            queue.append(queued)
            self.queued += 1
            if len(queue) == 1:  # nothing waited before it: paid now if the pot covers it
                self._pay_queue(employer, index)
            if self.explaining and queue and queue[-1] is queued:
                queued.why = self._why_waiting(employer, len(queue) - 1, item.minor)

    def _why_waiting(self, employer: str, ahead: int, minor: int) -> str:
        """Why a payment just due waits: the employer's deposit is short, or others wait before it."""
        held = self.ledger.money(self.ledger.pot(self._pot(employer)))
        if ahead:
            return (
                f"{ahead} earlier payment{'s' if ahead > 1 else ''} of the employer still waited as arrears "
                f"(the employer's deposit held {held}), and arrears are paid first in, first out"
            )
        return f"the employer's deposit held {held}, less than the {self.ledger.money(minor)} due"

    def _pay_queue(self, employer: str, index: int) -> None:
        """Pay the employer's queue head first, whole, while the pot covers it."""
        queue = self.queues.get(employer)
        pot = self._pot(employer)
        while queue and self.ledger.pot(pot) >= queue[0].minor:
            head = queue.popleft()
            held = self.ledger.money(self.ledger.pot(pot))
            payment = self.ledger.pay(index, pot, employer, head.employee, head.minor, head.article)
            if self.explaining:
                self.explained(
                    payment,
                    [
                        *self._owed_steps(head),
                        Step(
                            "paid",
                            "at once"
                            if index == head.event
                            else f"at event {index}, after a deposit: the employer's deposit then held {held}, "
                            "enough for it (arrears are paid first in, first out)",
                        ),
                    ],
                )

    def _owed_steps(self, item: _Queued) -> list[Step]:
        """How an amount due was earned and rounded, and, if it could not be paid when due, why."""
        steps = [
            *item.steps,
            rounding(self.ledger.currency, self.digits, Fraction(item.exact, SCALE), self.ledger.money(item.minor)),
        ]
        if item.why:
            steps.append(Step("waited", f"as arrears from event {item.event}: {item.why}"))
        return steps

    def arrears_explained(self) -> list[Explanation]:
        """Why each arrear still owed has its amount and why it waits, in the order of `arrears`."""
        waiting = sorted((item for queue in self.queues.values() for item in queue), key=lambda item: item.seq)
        return [
            Explanation(arrear, (*self._owed_steps(item), Step("owed", "waiting for a deposit that covers it")), True)
            for arrear, item in zip(self.arrears(), waiting)
        ]

    def arrears(self) -> list[Payment]:
        """Payments still queued at the end, oldest first, dated by the event that made them due."""
        waiting = sorted((item for queue in self.queues.values() for item in queue), key=lambda item: item.seq)
        return [
            Payment(item.event, item.employer, item.employee, self.ledger.money(item.minor), item.article)
            for item in waiting
        ]


def _rounded(exact: int) -> int:
    """The one rounding of a payment: `round_half_up(Fraction(exact, SCALE))` for exact >= 0.

    Written in integers because it runs once per payment on the hot path,
    where building fractions costs a fifth of the run; the tests check that
    it agrees with `money.round_half_up`.
    """
    return (2 * exact + SCALE) // (2 * SCALE)


#: This domain's interpreter, as `lawdsl.domains.implementation` finds it.
INTERPRETER = WorkingTimeInterpreter
