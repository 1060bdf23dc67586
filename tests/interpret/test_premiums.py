"""Night work and other premiums that add to the rate in force (docs/semantics.md, "Premiums").

Worked amounts on small statutes, the window arithmetic against a minute-by-minute reading of the
law, and the properties a legislator relies on: a premium never lowers pay, removing one never
raises it, and the competing rules still pay each minute at most once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.ast import Article, DayKind, EarningRule, LimitRule, Measure, Period, Statute, TimeZone, Window
from lawdsl.interpret.pay_rules import Earning, overtime_start, paid_minutes, premium_minutes, window_minutes

from .test_working_time import BEIJING, Script, article, earn, hours, law, paid, pct

NIGHT = Window(22 * 60, 5 * 60)


def night(rate: str = "25%", on: DayKind | None = None, window: Window = NIGHT, **beyond) -> EarningRule:
    """`[on a K,] each hour worked between 22:00 and 05:00 [beyond …] earns an additional R …`."""
    return EarningRule(pct(rate), on, window=window, additional=True, **beyond)


def japan() -> Statute:
    """The shape of statutes/japan-working-hours.law: 100%, 125% beyond 8 h, 135% on the day off, +25% at night."""
    return law(
        article("24", earn("100%")),
        article("37.1", earn("125%", DayKind.WORKDAY, hours(8)), earn("135%", DayKind.REST_DAY)),
        article("37.4", night()),
        rest=(6,),
    )


def one_shift(statute: Statute, start: str, end: str, wage: str = "100.00") -> list[tuple[int, str, str, str]]:
    s = Script(statute)
    s.employ("alice", wage)
    s.device()
    s.deposit("99999.00")
    s.shift("alice", start, end)
    return paid(s.run())


# ---------------------------------------------------------------- worked amounts


def test_night_overtime_is_paid_150_percent():
    # Fri 14:00 - Sat 02:00, 12 h at CNY 100: 8 h × 100 = 800 (art. 24); 4 h × 125 = 500 (37.1);
    # the same 4 h are 22:00-02:00: + 4 × 25 = 100 (37.4). 22:00-02:00 is paid 150% in all.
    assert one_shift(japan(), "2026-03-06 14:00", "2026-03-07 02:00") == [
        (4, "alice", "800.00", "24"),
        (4, "alice", "500.00", "37.1"),
        (4, "alice", "100.00", "37.4"),
    ]


def test_night_work_on_the_day_off_is_paid_160_percent():
    # Sun 20:00 - 23:30: 3.5 h × 135 = 472.50 (37.1); 22:00-23:30, 1.5 h × 25 = 37.50 (37.4).
    assert one_shift(japan(), "2026-03-08 20:00", "2026-03-08 23:30") == [
        (4, "alice", "472.50", "37.1"),
        (4, "alice", "37.50", "37.4"),
    ]


def test_a_window_counts_the_minutes_that_begin_inside_it():
    # In at 04:59:30: minute 0 begins 04:59:30 (inside), minute 1 at 05:00:30 (outside); 2 minutes
    # worked (the partial third is dropped). 2 × 100/60 = 3.33 (art. 24), 1 × 25/60 = 0.42 (37.4).
    assert one_shift(japan(), "2026-03-03 04:59:30", "2026-03-03 05:02:00") == [
        (4, "alice", "3.33", "24"),
        (4, "alice", "0.42", "37.4"),
    ]


def test_a_premium_with_a_threshold_pays_only_its_suffix_inside_the_window():
    # 30% extra for night hours beyond 2 hours of the day: 21:00-01:00 is 4 h; the premium applies
    # from 23:00 (beyond 2 h) to 01:00, all of it inside 22:00-05:00: 2 h × 30 = 60.
    statute = law(article("1", earn("100%")), article("2", night("30%", beyond=hours(2))))
    assert one_shift(statute, "2026-03-03 21:00", "2026-03-04 01:00") == [
        (4, "alice", "400.00", "1"),
        (4, "alice", "60.00", "2"),
    ]


def test_premiums_stack_with_each_other_and_without_a_competing_rule():
    # No rule pays the hours themselves; two premiums both apply to 22:00-23:00: 10% + 15% of 100.
    statute = law(article("1", night("10%")), article("2", night("15%", window=Window(21 * 60, 23 * 60))))
    assert one_shift(statute, "2026-03-03 21:00", "2026-03-03 23:00") == [
        (4, "alice", "10.00", "1"),
        (4, "alice", "30.00", "2"),
    ]


def test_a_premium_is_not_overtime_for_a_limit():
    limit = LimitRule(Measure.OVERTIME, hours(1), Period.DAY)
    statute = law(article("1", earn("100%")), article("2", night("50%")), article("3", limit))
    s = Script(statute)
    s.employ("alice", "10.00")
    s.device()
    s.deposit("999.00")
    s.shift("alice", "2026-03-03 22:00", "2026-03-04 04:00")  # 6 night hours, none of them overtime
    assert s.run().violations == []


def test_the_window_is_read_in_the_statutes_time_zone():
    # 13:00-15:00 UTC is 22:00-24:00 in Tokyo (+09:00).
    statute = replace(japan(), header=replace(japan().header, time_zone=TimeZone(9 * 60)))
    assert one_shift(statute, "2026-03-03T13:00:00+00:00", "2026-03-03T15:00:00+00:00")[-1] == (
        4,
        "alice",
        "50.00",
        "37.4",
    )


# ---------------------------------------------------------------- the arithmetic against the law, minute by minute

CLOCK = st.integers(0, 24 * 60 - 1)
WINDOWS = st.tuples(CLOCK, CLOCK).filter(lambda w: w[0] != w[1])


def _inside(second_of_day: int, window: tuple[int, int]) -> bool:
    opens, closes = (m * 60 for m in window)
    if opens < closes:
        return opens <= second_of_day < closes
    return second_of_day >= opens or second_of_day < closes


@given(clock_in=st.integers(0, 86_399), start=st.integers(0, 1500), length=st.integers(0, 1440), window=WINDOWS)
def test_window_minutes_equal_the_minute_by_minute_reading(clock_in, start, length, window):
    expected = sum(1 for i in range(start, length) if _inside((clock_in + 60 * i) % 86_400, window))
    assert window_minutes(clock_in, start, length, window) == expected


PREMIUM_RULES = st.lists(
    st.tuples(
        st.integers(0, 4_000_000),
        st.integers(0, 3000),
        st.sampled_from(Period),
        st.booleans(),
        st.none() | WINDOWS,
        st.booleans(),
    ),
    max_size=6,
).map(
    lambda specs: [
        Earning(i, i, rate, None, threshold, period, False, additional, window if additional else None, straight)
        for i, (rate, threshold, period, additional, window, straight) in enumerate(specs)
    ]
)
COUNTS = st.fixed_dictionaries({p: st.integers(0, 3000) for p in Period})


@given(rules=PREMIUM_RULES, clock_in=st.integers(0, 86_399), length=st.integers(0, 1440), before=COUNTS, data=st.data())
def test_each_minute_is_paid_the_winning_rate_plus_every_premium_on_it(rules, clock_in, length, before, data):
    """No minute is paid twice by the competing rules; every premium adds on its own minutes; a rule
    counting straight time only counts the minutes before overtime under the others begins."""
    straight = {p: data.draw(st.integers(0, before[p])) for p in Period}
    competing = [r for r in rules if not r.additional]
    overtime_from = overtime_start(competing, before)
    won = paid_minutes(competing, length, before, straight, overtime_from)
    parts = [(0, length, clock_in)]
    premium = {r: premium_minutes(r, parts, length, before, straight, overtime_from) for r in rules if r.additional}
    # The reading of docs/semantics.md, minute by minute: minute m is paid as overtime when a competing
    # rule above 100% that counts every hour applies to it.
    reference: dict[Earning, int] = {}
    paid_as_overtime = 0  # minutes before m paid as overtime
    for m in range(length):
        applicable = [
            r
            for r in rules
            if (straight[r.period] + m - paid_as_overtime if r.straight else before[r.period] + m) >= r.threshold
        ]
        if any(r.rate > 1_000_000 and not r.straight and not r.additional for r in applicable):
            paid_as_overtime += 1
        contest = [r for r in applicable if not r.additional]
        if contest:
            best = min(contest, key=lambda r: (-r.rate, r.order))
            reference[best] = reference.get(best, 0) + 1
        for r in applicable:
            if r.additional and (r.window is None or _inside((clock_in + 60 * m) % 86_400, r.window)):
                reference[r] = reference.get(r, 0) + 1
    assert {**won, **{r: n for r, n in premium.items() if n}} == reference
    assert sum(won.values()) <= length


# ---------------------------------------------------------------- what a legislator relies on

SHIFTS = st.lists(st.tuples(st.integers(0, 30 * 60), st.integers(1, 14 * 60)), min_size=1, max_size=6)
BASES = st.lists(
    st.tuples(st.sampled_from(["100%", "125%", "150%", "135%"]), st.none() | st.integers(1, 10)), min_size=1, max_size=3
)


def _total(statute: Statute, shifts: list[tuple[int, int]]) -> int:
    s = Script(statute)
    s.employ("alice", "17.00")
    s.device()
    s.deposit("99999.00")
    start = dt.datetime(2026, 3, 2, 0, 0, tzinfo=BEIJING.tzinfo)
    for gap, length in shifts:
        start += dt.timedelta(minutes=gap)
        end = start + dt.timedelta(minutes=length, seconds=30)
        s.shift("alice", start.isoformat(), end.isoformat())
        start = end
    return sum(p.amount.minor for p in s.run().payments)


def _statute(bases: list[tuple[str, int | None]], premiums: list[EarningRule]) -> Statute:
    competing = [earn(rate, beyond=hours(after) if after else None) for rate, after in bases]
    articles = [article(str(i + 1), rule) for i, rule in enumerate([*competing, *premiums])]
    return law(*articles)


@settings(max_examples=60, deadline=None)
@given(bases=BASES, shifts=SHIFTS, window=WINDOWS, rate=st.sampled_from(["10%", "25%", "50%"]))
def test_a_premium_window_never_lowers_pay(bases, shifts, window, rate):
    without = _statute(bases, [])
    with_night = _statute(bases, [night(rate, window=Window(*window))])
    assert _total(with_night, shifts) >= _total(without, shifts)


@settings(max_examples=60, deadline=None)
@given(
    bases=BASES,
    shifts=SHIFTS,
    windows=st.lists(WINDOWS, min_size=1, max_size=3),
    removed=st.integers(0, 2),
)
def test_removing_a_stacked_premium_never_raises_pay(bases, shifts, windows, removed):
    premiums = [night("25%", window=Window(*w)) for w in windows]
    fewer = [p for i, p in enumerate(premiums) if i != removed % len(premiums)]
    assert _total(_statute(bases, fewer), shifts) <= _total(_statute(bases, premiums), shifts)


def test_articles_of_premiums_are_separate_payments():
    # A premium in the same article as a competing rule is summed with it: one payment per article.
    statute = law(Article("1", "Article 1", (earn("100%"), night())))
    assert one_shift(statute, "2026-03-03 21:00", "2026-03-03 23:00") == [(4, "alice", "225.00", "1")]
