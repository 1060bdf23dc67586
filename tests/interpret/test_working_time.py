"""The working-time reference interpreter against docs/semantics.md, on hand-built statutes.

There is no parser in this test: `law()` builds the AST directly, so these
tests pin the semantics independently of the surface language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.ast import (
    Article,
    DayKind,
    Domain,
    Duration,
    EarningRule,
    Header,
    LimitRule,
    Lit,
    Measure,
    Party,
    PartyKind,
    PaySchedule,
    Percentage,
    Period,
    PublicHolidays,
    Ref,
    RestDays,
    Statute,
    Term,
    TimeZone,
    WagePaymentRule,
    Weekday,
    WeekStart,
)
from lawdsl.events import Deposit, Employ, GrantTimeOff, Punch, RegisterDevice, Settle
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.interpret.pay_rules import Earning, paid_minutes
from lawdsl.interpret.working_time import SCALE, Reason, WorkingTimeInterpreter, _rounded
from lawdsl.money import Money, round_half_up
from lawdsl.outcome import Outcome, Payment, Violation

CNY = "CNY"
BEIJING = TimeZone(8 * 60)

# ---------------------------------------------------------------- statute builder


def pct(text: str) -> Lit:
    return Lit(Percentage(int(Fraction(text.rstrip("%")) * 10_000)))


def hours(n: float) -> Lit:
    return Lit(Duration(int(n * 60), "hour"))


def earn(
    rate: str,
    on: DayKind | None = None,
    beyond: Lit | Ref | None = None,
    per: Period | None = None,
    unless: bool = False,
) -> EarningRule:
    return EarningRule(pct(rate), on, beyond, per, unless)


def limit(measure: Measure, over: Lit | Ref, per: Period, on: DayKind | None = None) -> LimitRule:
    return LimitRule(measure, over, per, on)


def article(id: str, *rules) -> Article:
    return Article(id, f"Article {id}", tuple(rules))


def law(
    *articles: Article,
    pay: PaySchedule = PaySchedule.CLOCK_OUT,
    rest: tuple[int, ...] = (),
    holidays: tuple[dt.date, ...] = (),
    week_start: int | None = None,
    tz: TimeZone = BEIJING,
    terms: tuple = (),
    effective: dt.date = dt.date(2026, 1, 1),
) -> Statute:
    """A checked working-time statute; a payment article "50" is appended."""
    sentences = list(terms)
    if rest:
        sentences.append(RestDays(tuple(Weekday(d) for d in rest)))
    if holidays:
        sentences.append(PublicHolidays(holidays))
    if week_start is not None:
        sentences.append(WeekStart(Weekday(week_start)))
    payment = article("50", WagePaymentRule(Ref("employer"), Ref("employee"), pay))
    return Statute(
        Header("Test Act", Domain.WORKING_TIME, 1, effective, CNY, tz),
        (
            Party("employer", PartyKind.FIRM),
            Party("employee", PartyKind.WORKER),
            Party("attendance device", PartyKind.DEVICE),
        ),
        tuple(sentences),
        (*articles, payment),
    )


def overtime_law() -> Statute:
    """examples/overtime.law, built by hand."""
    return law(
        article("44.1", earn("150%", DayKind.WORKDAY, Ref("standard day"))),
        article("44.2", earn("200%", DayKind.REST_DAY, unless=True)),
        article("44.3", earn("300%", DayKind.PUBLIC_HOLIDAY)),
        article(
            "41",
            limit(Measure.OVERTIME, Ref("the daily overtime limit"), Period.DAY, DayKind.WORKDAY),
            limit(Measure.OVERTIME, Ref("Monthly Overtime Limit"), Period.MONTH),
        ),
        rest=(5, 6),
        holidays=tuple(
            dt.date.fromisoformat(d)
            for d in (
                "2026-01-01 2026-02-17 2026-02-18 2026-02-19 2026-04-05 2026-05-01 2026-06-19 "
                "2026-09-25 2026-10-01 2026-10-02 2026-10-03"
            ).split()
        ),
        terms=(
            Term("standard day", Duration(480, "hour")),
            Term("daily overtime limit", Duration(180, "hour")),
            Term("monthly overtime limit", Duration(36 * 60, "hour")),
        ),
    )


# ---------------------------------------------------------------- event builder


def at(text: str) -> dt.datetime:
    """A local Beijing time, `2026-03-02 09:00`, unless an offset is written."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING.tzinfo)


def cny(text: str) -> Money:
    return Money.parse(f"CNY {text}")


@dataclass
class Script:
    """Events with indices assigned in order; an event without a time takes the previous one."""

    statute: Statute
    balances: dict[str, str] = field(default_factory=lambda: {"acme": "100000.00"})
    events: list = field(default_factory=list)

    def _add(self, event_class, when: str | None, **fields) -> int:
        if when is not None:
            moment = at(when)
        elif self.events:
            moment = self.events[-1].at
        else:
            moment = dt.datetime.combine(self.statute.header.effective, dt.time(), self.statute.header.time_zone.tzinfo)
        self.events.append(event_class(index=len(self.events), at=moment, **fields))
        return len(self.events) - 1

    def employ(self, employee: str, wage: str, employer: str = "acme", when: str | None = None):
        return self._add(Employ, when, employer=employer, employee=employee, hourly_wage=cny(wage))

    def device(self, device: str = "gate-1", employer: str = "acme", when: str | None = None):
        return self._add(RegisterDevice, when, device=device, employer=employer)

    def deposit(self, amount: str, sender: str = "acme", when: str | None = None):
        return self._add(Deposit, when, sender=sender, amount=cny(amount))

    def punch(self, employee: str, when: str, kind: str, device: str = "gate-1"):
        return self._add(Punch, when, device=device, employee=employee, kind=kind)

    def shift(self, employee: str, start: str, end: str, device: str = "gate-1") -> int:
        """Both punches; returns the index of the clock-out."""
        self.punch(employee, start, "in", device)
        return self.punch(employee, end, "out", device)

    def time_off(self, employee: str, date: str, employer: str = "acme", when: str | None = None):
        return self._add(GrantTimeOff, when, employer=employer, employee=employee, date=dt.date.fromisoformat(date))

    def settle(self, when: str):
        return self._add(Settle, when)

    def interpreter(self) -> WorkingTimeInterpreter:
        holders = list(self.balances)
        for event in self.events:
            for name in (getattr(event, "employer", None), getattr(event, "employee", None)):
                if isinstance(event, Employ) and name not in holders:
                    holders.append(name)
        minted = {name: cny(amount) for name, amount in self.balances.items()}
        return WorkingTimeInterpreter(self.statute, minted, holders)

    def run(self) -> Outcome:
        return self.interpreter().run(tuple(self.events))


def paid(outcome: Outcome) -> list[tuple[int, str, str, str]]:
    """Payments as (event, recipient, amount, article) for compact assertions."""
    return [(p.event, p.recipient, p.amount.amount_text(), p.article) for p in outcome.payments]


def reasons(outcome: Outcome) -> list[tuple[int, str]]:
    return [(r.event, r.reason) for r in outcome.rejected]


# ---------------------------------------------------------------- the shipped example


def test_overtime_march_example_expect_block():
    s = Script(overtime_law())
    s.employ("alice", "40.00")  # 0
    s.employ("bob", "30.00")  # 1
    s.device("gate-1")  # 2
    s.deposit("5000.00")  # 3
    s.shift("alice", "2026-03-02T09:00:00+08:00", "2026-03-02T20:00:00+08:00")  # 4, 5
    s.shift("alice", "2026-03-03T08:00:00+08:00", "2026-03-03T20:30:00+08:00")  # 6, 7
    s.shift("bob", "2026-03-07T10:00:00+08:00", "2026-03-07T14:00:00+08:00")  # 8, 9
    s.time_off("alice", "2026-03-08")  # 10
    s.shift("alice", "2026-03-08T09:00:00+08:00", "2026-03-08T13:00:00+08:00")  # 11, 12
    s.punch("bob", "2026-03-09T18:00:00+08:00", "out")  # 13
    s.punch("bob", "2026-03-10T09:00:00+08:00", "in", device="gate-9")  # 14
    s.shift("bob", "2026-05-01T09:00:00+08:00", "2026-05-01T12:15:00+08:00")  # 15, 16
    outcome = s.run()
    assert outcome.payments == [
        Payment(5, "acme", "alice", cny("180.00"), "44.1"),
        Payment(7, "acme", "alice", cny("270.00"), "44.1"),
        Payment(9, "acme", "bob", cny("240.00"), "44.2"),
        Payment(16, "acme", "bob", cny("292.50"), "44.3"),
    ]
    assert outcome.violations == [Violation(7, "41", "acme", "alice", "2026-03-03")]
    assert reasons(outcome) == [(13, "clock-out without clock-in"), (14, "unregistered device")]
    assert outcome.balances == {"acme": cny("95000.00"), "alice": cny("450.00"), "bob": cny("532.50")}
    assert outcome.arrears == []


# ---------------------------------------------------------------- shifts and days


def test_shift_across_midnight_belongs_to_its_start_date_and_drops_partial_minutes():
    s = Script(overtime_law())
    s.employ("alice", "60.00")
    s.device()
    s.deposit("1000.00")
    # Friday 20:00 to Saturday 06:00:59 is 600 whole minutes of a workday, not a rest day.
    out = s.shift("alice", "2026-03-06 20:00", "2026-03-07 06:00:59")
    outcome = s.run()
    assert paid(outcome) == [(out, "alice", "180.00", "44.1")]  # 120 min × 150% × 60/h


def test_other_time_zone_reads_dates_locally():
    statute = law(
        article("1", earn("200%", DayKind.REST_DAY)),
        article("2", earn("100%", DayKind.WORKDAY)),
        rest=(5,),
        tz=TimeZone(-5 * 60),
    )
    s = Script(statute)
    s.employ("alice", "30.00")
    s.device()
    s.deposit("1000.00")
    # Sunday 02:00 UTC is Saturday 21:00 at -05:00: a rest day.
    sat = s.shift("alice", "2026-03-08T02:00:00+00:00", "2026-03-08T03:00:00+00:00")
    # Monday 03:00 UTC is Sunday 22:00 at -05:00: a workday (only Saturday rests).
    sun = s.shift("alice", "2026-03-09T03:00:00+00:00", "2026-03-09T04:00:00+00:00")
    assert paid(s.run()) == [(sat, "alice", "60.00", "1"), (sun, "alice", "30.00", "2")]


def test_public_holiday_beats_rest_day():
    s = Script(overtime_law())
    s.employ("alice", "10.00")
    s.device()
    s.deposit("1000.00")
    out = s.shift("alice", "2026-10-03 09:00", "2026-10-03 10:00")  # a Saturday and a holiday
    assert paid(s.run()) == [(out, "alice", "30.00", "44.3")]


# ---------------------------------------------------------------- rates


def test_rates_never_stack():
    statute = law(article("1", earn("100%")), article("2", earn("150%", beyond=hours(8))))
    s = Script(statute)
    s.employ("alice", "10.00")
    s.device()
    s.deposit("1000.00")
    out = s.shift("alice", "2026-03-02 08:00", "2026-03-02 18:00")
    # 480 minutes at 100% under article 1, the last 120 only at 150% under article 2.
    assert paid(s.run()) == [(out, "alice", "80.00", "1"), (out, "alice", "30.00", "2")]


def test_equal_rates_go_to_the_earlier_article():
    statute = law(article("7", earn("150%", beyond=hours(4))), article("3", earn("150%", DayKind.WORKDAY)))
    s = Script(statute)
    s.employ("alice", "10.00")
    s.device()
    s.deposit("1000.00")
    out = s.shift("alice", "2026-03-02 08:00", "2026-03-02 16:00")
    # Minutes 0-239: only article 3. From 240 both apply; article 7 is written first.
    assert paid(s.run()) == [(out, "alice", "60.00", "7"), (out, "alice", "60.00", "3")]


def test_beyond_in_a_week_counts_earlier_shifts_and_splits_a_shift():
    statute = law(article("1", earn("100%")), article("2", earn("150%", beyond=hours(40), per=Period.WEEK)))
    s = Script(statute)
    s.employ("alice", "10.00")
    s.device()
    s.deposit("10000.00")
    outs = [s.shift("alice", f"2026-03-0{d} 08:00", f"2026-03-0{d} 17:00") for d in range(2, 7)]
    nxt = s.shift("alice", "2026-03-09 08:00", "2026-03-09 17:00")  # a new week
    assert paid(s.run()) == [
        *[(o, "alice", "90.00", "1") for o in outs[:4]],
        (outs[4], "alice", "40.00", "1"),  # 2160 worked before: 240 minutes reach 2400
        (outs[4], "alice", "75.00", "2"),  # then 300 minutes at 150%
        (nxt, "alice", "90.00", "1"),
    ]


def test_beyond_counts_unpaid_minutes_too():
    statute = law(article("1", earn("150%", DayKind.WORKDAY, beyond=hours(2))))
    s = Script(statute)
    s.employ("alice", "10.00")
    s.device()
    s.deposit("1000.00")
    first = s.shift("alice", "2026-03-02 08:00", "2026-03-02 09:00")
    second = s.shift("alice", "2026-03-02 10:00", "2026-03-02 12:00")
    # Day minutes 60..179: the last 60 are beyond 2 hours.
    outcome = s.run()
    assert first not in [p.event for p in outcome.payments]
    assert paid(outcome) == [(second, "alice", "15.00", "1")]


def test_weeks_beginning_on_sunday():
    statute = law(
        article("1", earn("100%")),
        article("2", earn("200%", beyond=hours(10), per=Period.WEEK)),
        article("3", limit(Measure.HOURS, hours(12), Period.WEEK)),
        week_start=6,
    )
    s = Script(statute)
    s.employ("alice", "10.00")
    s.device()
    s.deposit("1000.00")
    sat = s.shift("alice", "2026-02-28 08:00", "2026-02-28 16:00")  # Saturday, 8 h
    sun = s.shift("alice", "2026-03-01 08:00", "2026-03-01 16:00")  # Sunday: a new week
    mon = s.shift("alice", "2026-03-02 08:00", "2026-03-02 13:00")  # 13 h in the week
    outcome = s.run()
    assert paid(outcome) == [
        (sat, "alice", "80.00", "1"),
        (sun, "alice", "80.00", "1"),
        (mon, "alice", "20.00", "1"),
        (mon, "alice", "60.00", "2"),
    ]
    assert outcome.violations == [Violation(mon, "3", "acme", "alice", "2026-03-01/P1W")]


# ---------------------------------------------------------------- time off


def test_compensatory_time_off_disables_only_its_date_and_employee():
    statute = law(article("1", earn("200%", DayKind.REST_DAY, unless=True)), article("2", earn("100%")), rest=(5, 6))
    s = Script(statute)
    s.employ("alice", "10.00")
    s.employ("bob", "10.00")
    s.employ("carol", "10.00", employer="other")
    s.device()
    s.deposit("1000.00")
    s.time_off("alice", "2026-03-07")
    refused = s.time_off("carol", "2026-03-07")  # acme is not carol's employer
    stranger = s.time_off("dave", "2026-03-07")
    a1 = s.shift("alice", "2026-03-07 09:00", "2026-03-07 10:00")
    a2 = s.shift("alice", "2026-03-08 09:00", "2026-03-08 10:00")
    b1 = s.shift("bob", "2026-03-07 09:00", "2026-03-07 10:00")
    outcome = s.run()
    assert paid(outcome) == [(a1, "alice", "10.00", "2"), (a2, "alice", "20.00", "1"), (b1, "bob", "20.00", "1")]
    assert reasons(outcome) == [(refused, Reason.NOT_THE_EMPLOYER.value), (stranger, Reason.NOT_EMPLOYED.value)]


# ---------------------------------------------------------------- limits


def test_daily_limit_is_exceeded_strictly_and_reported_once_per_day():
    statute = law(article("1", earn("100%")), article("2", limit(Measure.HOURS, hours(8), Period.DAY)))
    s = Script(statute)
    s.employ("alice", "10.00")
    s.device()
    s.deposit("10000.00")
    s.shift("alice", "2026-03-02 08:00", "2026-03-02 16:00")  # exactly 8 h: no violation
    over = s.shift("alice", "2026-03-03 08:00", "2026-03-03 16:01")
    s.shift("alice", "2026-03-03 17:00", "2026-03-03 18:00")  # same day: not again
    again = s.shift("alice", "2026-03-04 08:00", "2026-03-04 12:00")
    again2 = s.shift("alice", "2026-03-04 13:00", "2026-03-04 18:00")  # 9 h over two shifts
    outcome = s.run()
    assert outcome.violations == [
        Violation(over, "2", "acme", "alice", "2026-03-03"),
        Violation(again2, "2", "acme", "alice", "2026-03-04"),
    ]
    assert again not in [v.event for v in outcome.violations]


def test_weekly_overtime_limit_counts_only_its_day_kind():
    statute = law(
        article("1", earn("150%")),
        article("2", limit(Measure.OVERTIME, hours(2), Period.WEEK, DayKind.REST_DAY)),
        rest=(6,),
    )
    s = Script(statute)
    s.employ("alice", "10.00")
    s.device()
    s.deposit("10000.00")
    s.shift("alice", "2026-03-02 08:00", "2026-03-02 18:00")  # workday overtime: not counted
    s.shift("alice", "2026-03-08 08:00", "2026-03-08 10:00")  # Sunday: exactly 2 h
    s.shift("alice", "2026-03-15 08:00", "2026-03-15 09:00")  # next week: 1 h
    over = s.shift("alice", "2026-03-15 10:00", "2026-03-15 11:01")
    outcome = s.run()
    assert outcome.violations == [Violation(over, "2", "acme", "alice", "2026-03-09/P1W")]


def test_monthly_limit_per_employee_and_month():
    statute = law(
        article("1", earn("100%"), earn("150%", beyond=hours(8))),
        article("2", limit(Measure.OVERTIME, hours(3), Period.MONTH)),
    )
    s = Script(statute)
    s.employ("alice", "10.00")
    s.employ("bob", "10.00")
    s.device()
    s.deposit("10000.00")
    s.shift("alice", "2026-03-02 08:00", "2026-03-02 18:00")  # 2 h overtime
    march = s.shift("alice", "2026-03-03 08:00", "2026-03-03 17:01")  # 3 h 1 min
    s.shift("bob", "2026-03-03 08:00", "2026-03-03 18:00")
    s.shift("alice", "2026-03-30 08:00", "2026-03-30 20:00")  # already reported in March
    april = s.shift("alice", "2026-04-01 06:00", "2026-04-01 19:00")
    outcome = s.run()
    assert outcome.violations == [
        Violation(march, "2", "acme", "alice", "2026-03"),
        Violation(april, "2", "acme", "alice", "2026-04"),
    ]


# ---------------------------------------------------------------- weekly and monthly pay


def weekly_law(pay: PaySchedule = PaySchedule.WEEK) -> Statute:
    return law(article("1", earn("100%")), article("2", earn("150%", beyond=hours(40), per=Period.WEEK)), pay=pay)


def test_weekly_pay_at_settle():
    s = Script(weekly_law())
    s.employ("alice", "10.00")
    s.employ("bob", "20.00")
    s.device()
    s.deposit("10000.00")
    for d in range(2, 7):
        s.shift("alice", f"2026-03-0{d} 08:00", f"2026-03-0{d} 17:00")
    s.shift("bob", "2026-03-04 08:00", "2026-03-04 09:00")
    s.settle("2026-03-08 23:59")  # the week has not ended
    settle = s.settle("2026-03-09 00:00")
    s.settle("2026-03-10 00:00")  # nothing left to pay
    outcome = s.run()
    # Employee by employee (order of first employment), each article by article.
    assert paid(outcome) == [
        (settle, "alice", "400.00", "1"),
        (settle, "alice", "75.00", "2"),
        (settle, "bob", "20.00", "1"),
    ]


def test_weekly_pay_at_the_employees_next_punch_and_shift_over_the_boundary():
    s = Script(weekly_law())
    s.employ("alice", "10.00")
    s.employ("bob", "10.00")
    s.device()
    s.deposit("10000.00")
    s.shift("alice", "2026-03-02 08:00", "2026-03-02 10:00")
    s.shift("bob", "2026-03-08 22:00", "2026-03-08 23:00")
    s.punch("bob", "2026-03-08 23:30", "in")  # Sunday night into Monday
    s.punch("alice", "2026-03-08 23:59", "in")
    nxt = s.punch("alice", "2026-03-09 01:00", "out")  # alice's first punch after the week
    out = s.punch("bob", "2026-03-09 00:30", "out")  # bob's: pays both his shifts (2 h)
    outcome = s.run()
    # alice's Sunday-night shift belongs to the old week and is paid with it.
    assert paid(outcome) == [(nxt, "alice", "30.17", "1"), (out, "bob", "20.00", "1")]


def test_periodic_pay_rounds_once_over_the_period():
    s = Script(law(article("1", earn("100%")), pay=PaySchedule.MONTH))
    s.employ("alice", "0.20")  # one minute earns a third of a fen
    s.device()
    s.deposit("10.00")
    for day in ("02", "03", "04"):
        s.shift("alice", f"2026-03-{day} 08:00", f"2026-03-{day} 08:01")
    settle = s.settle("2026-04-01 00:00")
    assert paid(s.run()) == [(settle, "alice", "0.01", "1")]


def test_wage_change_applies_from_the_next_clock_out():
    s = Script(law(article("1", earn("100%"))))
    s.employ("alice", "10.00")
    s.device()
    s.deposit("100.00")
    first = s.shift("alice", "2026-03-02 08:00", "2026-03-02 09:00")
    s.employ("alice", "12.00")
    second = s.shift("alice", "2026-03-03 08:00", "2026-03-03 09:00")
    other = s.employ("alice", "12.00", employer="rival")
    outcome = s.run()
    assert paid(outcome) == [(first, "alice", "10.00", "1"), (second, "alice", "12.00", "1")]
    assert reasons(outcome) == [(other, Reason.EMPLOYED_ELSEWHERE.value)]


# ---------------------------------------------------------------- money


def test_arrears_wait_in_order_and_a_later_deposit_pays_them_first_in_first_out():
    s = Script(law(article("1", earn("100%"))))
    s.employ("alice", "10.00")
    s.employ("bob", "10.00")
    s.device()
    s.deposit("15.00")
    a = s.shift("alice", "2026-03-02 08:00", "2026-03-02 10:00")  # 20.00: waits
    b = s.shift("bob", "2026-03-02 08:00", "2026-03-02 09:00")  # 10.00: waits behind it
    d1 = s.deposit("5.00")  # pot 20: alice paid whole
    interpreter = s.interpreter()
    outcome = interpreter.run(tuple(s.events))
    assert paid(outcome) == [(d1, "alice", "20.00", "1")]
    assert outcome.arrears == [Payment(b, "acme", "bob", cny("10.00"), "1")]
    assert a < b

    d2 = s.deposit("4.00")  # pot 4: still short
    c = s.shift("alice", "2026-03-03 08:00", "2026-03-03 08:06")  # 1.00 waits behind bob
    d3 = s.deposit("7.00")  # pot 11: bob, then alice
    outcome = s.run()
    assert paid(outcome)[1:] == [(d3, "bob", "10.00", "1"), (d3, "alice", "1.00", "1")]
    assert outcome.arrears == []
    assert d2 < c < d3
    assert outcome.balances["acme"] == cny("99969.00")


def test_deposit_exceeding_the_wallet_is_rejected():
    s = Script(law(article("1", earn("100%"))), balances={"acme": "10.00"})
    ok = s.deposit("10.00")
    too_much = s.deposit("0.01")
    interpreter = s.interpreter()
    outcome = interpreter.run(tuple(s.events))
    assert reasons(outcome) == [(too_much, Reason.DEPOSIT_EXCEEDS_WALLET.value)]
    assert ok == 0 and interpreter.ledger.pot("wages:acme") == 1000


# ---------------------------------------------------------------- punch rejections


def test_punch_rejections():
    s = Script(law(article("1", earn("100%"))))
    s.employ("alice", "10.00")
    s.employ("carol", "10.00", employer="rival")
    s.device("gate-1")
    s.device("rival-gate", employer="rival")
    taken = s.device("gate-1", employer="rival")
    s.deposit("100.00")
    stranger = s.punch("dave", "2026-03-02 08:00", "in")
    foreign = s.punch("alice", "2026-03-02 08:00", "in", device="rival-gate")
    s.punch("alice", "2026-03-02 08:00", "in")
    dup = s.punch("alice", "2026-03-02 08:00", "in")
    again = s.punch("alice", "2026-03-02 08:00", "in", device="gate-2")
    s.device("gate-2")
    twice = s.punch("alice", "2026-03-02 08:01", "in", device="gate-2")
    out = s.punch("alice", "2026-03-02 09:00", "out", device="gate-2")
    dup_out = s.punch("alice", "2026-03-02 09:00", "out", device="gate-2")
    late_copy = s.punch("alice", "2026-03-02 08:00", "in")
    stray = s.punch("alice", "2026-03-02 10:00", "out")
    outcome = s.run()
    assert reasons(outcome) == [
        (taken, Reason.DEVICE_TAKEN.value),
        (stranger, Reason.NOT_EMPLOYED.value),
        (foreign, Reason.FOREIGN_DEVICE.value),
        (dup, Reason.DUPLICATE_PUNCH.value),
        (again, Reason.UNREGISTERED_DEVICE.value),
        (twice, Reason.ALREADY_IN.value),
        (dup_out, Reason.DUPLICATE_PUNCH.value),
        (late_copy, Reason.EARLIER_PUNCH.value),
        (stray, Reason.OUT_WITHOUT_IN.value),
    ]
    assert paid(outcome) == [(out, "alice", "10.00", "1")]


def test_same_instant_punches_that_are_not_duplicates():
    s = Script(law(article("1", earn("100%"))))
    s.employ("alice", "10.00")
    s.device()
    s.deposit("100.00")
    s.punch("alice", "2026-03-02 08:00", "in")
    zero = s.punch("alice", "2026-03-02 08:00", "out")  # a zero-minute shift
    dup = s.punch("alice", "2026-03-02 08:00", "in")  # the same in punch again
    outcome = s.run()
    assert reasons(outcome) == [(dup, Reason.DUPLICATE_PUNCH.value)]
    assert zero not in [p.event for p in outcome.payments]


def test_shift_over_24_hours_is_rejected_and_a_stale_clock_in_lapses():
    s = Script(law(article("1", earn("100%"))))
    s.employ("alice", "1.00")
    s.device()
    s.deposit("100.00")
    s.punch("alice", "2026-03-02 08:00", "in")
    exactly = s.punch("alice", "2026-03-03 08:00", "out")  # 24 h: accepted
    s.punch("alice", "2026-03-04 08:00", "in")
    too_long = s.punch("alice", "2026-03-05 08:00:01", "out")
    s.punch("alice", "2026-03-05 08:00:01", "in")  # the old clock-in lapsed
    out = s.punch("alice", "2026-03-05 09:00:01", "out")
    outcome = s.run()
    assert reasons(outcome) == [(too_long, Reason.SHIFT_TOO_LONG.value)]
    assert paid(outcome) == [(exactly, "alice", "24.00", "1"), (out, "alice", "1.00", "1")]


def test_events_before_the_effective_date_are_rejected():
    s = Script(law(article("1", earn("100%")), effective=dt.date(2026, 3, 1)))
    early = s.employ("alice", "10.00", when="2026-02-28 23:59")
    s.employ("alice", "10.00", when="2026-03-01 00:00")
    s.device()
    outcome = s.run()
    assert reasons(outcome) == [(early, BEFORE_EFFECTIVE)]


# ---------------------------------------------------------------- properties

RULES = st.lists(st.tuples(st.integers(0, 4_000_000), st.integers(0, 3000), st.sampled_from(Period)), max_size=5).map(
    lambda specs: [
        Earning(i, i, rate, None, threshold, period, False) for i, (rate, threshold, period) in enumerate(specs)
    ]
)


@given(
    rules=RULES, length=st.integers(0, 1500), before=st.fixed_dictionaries({p: st.integers(0, 3000) for p in Period})
)
def test_segments_equal_the_per_minute_definition(rules, length, before):
    segmented = paid_minutes(rules, length, before)
    per_minute: dict[Earning, int] = {}
    for m in range(length):
        applicable = [r for r in rules if before[r.period] + m >= r.threshold]
        if applicable:
            best = min(applicable, key=lambda r: (-r.rate, r.order))
            per_minute[best] = per_minute.get(best, 0) + 1
    assert segmented == per_minute
    assert sum(segmented.values()) <= length


@given(st.integers(0, 10**15))
def test_integer_rounding_is_money_round_half_up(exact):
    assert _rounded(exact) == round_half_up(Fraction(exact, SCALE))
    assert _rounded(exact * SCALE + SCALE // 2) == exact + 1  # halves go up


@settings(max_examples=60, deadline=None)
@given(
    earlier=st.lists(st.integers(0, 900), max_size=4),
    last=st.integers(0, 900),
    longer=st.integers(1, 24 * 60 - 900),
    day=st.integers(1, 28),
)
def test_pay_never_decreases_when_a_shift_gets_longer(earlier, last, longer, day):
    def total(extra: int) -> int:
        s = Script(overtime_law())
        s.employ("alice", "37.00")
        s.device()
        s.deposit("99999.00")
        start = dt.datetime(2026, 3, day, 0, 0, tzinfo=BEIJING.tzinfo)
        for minutes in earlier:
            s.shift("alice", start.isoformat(), (start + dt.timedelta(minutes=minutes)).isoformat())
            start += dt.timedelta(minutes=minutes + 1)
        end = start + dt.timedelta(minutes=last + extra)
        s.shift("alice", start.isoformat(), end.isoformat())
        outcome = s.run()
        return sum(p.amount.minor for p in outcome.payments)

    assert total(longer) >= total(0)


PUNCHES = st.lists(
    st.tuples(
        st.sampled_from(["alice", "bob", "carol"]),
        st.integers(0, 20 * 60),
        st.sampled_from(["in", "out"]),
        st.sampled_from(["gate-1", "gate-2"]),
        st.integers(0, 3),
    ),  # 0: a deposit instead of a punch
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(steps=PUNCHES, schedule=st.sampled_from(PaySchedule))
def test_money_is_conserved_and_no_minute_is_paid_twice(steps, schedule):
    statute = law(
        article("1", earn("100%")),
        article("2", earn("150%", beyond=hours(8))),
        article("3", earn("200%", DayKind.REST_DAY)),
        article("4", limit(Measure.HOURS, hours(10), Period.WEEK)),
        pay=schedule,
        rest=(6,),
    )
    s = Script(statute, balances={"acme": "500.00", "rival": "100.00"})
    s.employ("alice", "60.00")
    s.employ("bob", "60.00")
    s.employ("carol", "60.00", employer="rival")
    s.device("gate-1")
    s.device("gate-2", employer="rival")
    moment = at("2026-03-05 00:00")
    for employee, gap, kind, device, action in steps:
        moment += dt.timedelta(minutes=gap)
        if action == 0:
            s.deposit("30.00", sender="acme" if gap % 2 else "rival", when=moment.isoformat())
        else:
            s.punch(employee, moment.isoformat(), kind, device)
    s.settle((moment + dt.timedelta(days=40)).isoformat())
    interpreter = s.interpreter()
    before = interpreter.ledger.total()
    outcome = interpreter.run(tuple(s.events))
    assert interpreter.ledger.total() == before
    owed = sum(p.amount.minor for p in outcome.payments + outcome.arrears)
    # Everything is paid per minute at one rate of at most 200% of CNY 60.00 an hour.
    worked = sum(_worked_minutes(s.events, outcome).values())
    assert owed <= worked * 200
    assert all(p.amount.minor > 0 for p in outcome.payments + outcome.arrears)


def _worked_minutes(events, outcome: Outcome) -> dict[str, int]:
    """Minutes of every accepted shift, recomputed from the accepted punches."""
    refused = {r.event for r in outcome.rejected}
    open_in: dict[str, dt.datetime] = {}
    worked: dict[str, int] = {}
    for event in events:
        if isinstance(event, Punch) and event.index not in refused:
            if event.kind == "in":
                open_in[event.employee] = event.at
            else:
                started = open_in.pop(event.employee)
                worked[event.employee] = worked.get(event.employee, 0) + (event.at - started) // dt.timedelta(minutes=1)
    return worked
