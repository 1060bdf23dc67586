"""Counts that leave out hours already paid as overtime (docs/semantics.md, "No pyramiding"): worked
amounts on small statutes, and that the clause never pays more than the count of every hour would."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.ast import DayKind, EarningRule, PaySchedule, Period, Statute

from .test_working_time import BEIJING, Script, article, earn, hours, law, paid, pct


def weekly(rate: str = "150%", straight: bool = True, on: DayKind | None = None) -> EarningRule:
    """`each hour worked beyond 40 hours in a week[, not counting hours already paid as overtime,] earns R`."""
    return EarningRule(pct(rate), on, hours(40), Period.WEEK, not_counting_overtime=straight)


def california(straight: bool = True) -> Statute:
    """100%; 150% beyond 8 hours a day; 150% beyond 40 hours a week; 200% beyond 12 hours a day."""
    return law(
        article("204", earn("100%")),
        article("510.1", earn("150%", beyond=hours(8))),
        article("510.2", weekly(straight=straight)),
        article("510.3", earn("200%", beyond=hours(12))),
        pay=PaySchedule.WEEK,
    )


def week_of_ten_hour_days(statute: Statute) -> list[tuple[int, str, str, str]]:
    """Mon 2026-03-02 to Fri, 08:00-18:00 (10 h a day, 50 h), at CNY 20.00; settled the next Monday."""
    s = Script(statute)
    s.employ("maria", "20.00")
    s.device()
    s.deposit("9999.00")
    for day in range(2, 7):
        s.shift("maria", f"2026-03-0{day} 08:00", f"2026-03-0{day} 18:00")
    s.settle("2026-03-09 00:00")
    return paid(s.run())


def test_daily_overtime_is_not_counted_again_toward_the_week():
    # 50 h: 8 h a day regular (40 h × 20 = 800), 2 h a day daily overtime (10 h × 30 = 300); the
    # straight hours reach 40 only at the end of Friday's 8th hour, so no weekly overtime.
    assert week_of_ten_hour_days(california()) == [(13, "maria", "800.00", "204"), (13, "maria", "300.00", "510.1")]


def test_without_the_clause_the_week_counts_every_hour():
    # 40 h are reached at the end of Thursday: Friday's first 8 h are weekly overtime too (8 × 30 =
    # 240), its last 2 daily (the earlier article wins the tie): 32 h regular; US$80 more for the week.
    assert week_of_ten_hour_days(california(straight=False)) == [
        (13, "maria", "640.00", "204"),
        (13, "maria", "300.00", "510.1"),
        (13, "maria", "240.00", "510.2"),
    ]


def test_hours_beyond_the_straight_forty_are_weekly_overtime():
    # Then Saturday 09:00-13:00: 4 h, all beyond the 40 straight hours: 4 × 30 = 120 under 510.2.
    s = Script(california())
    s.employ("maria", "20.00")
    s.device()
    s.deposit("9999.00")
    for day in range(2, 7):
        s.shift("maria", f"2026-03-0{day} 08:00", f"2026-03-0{day} 18:00")
    s.shift("maria", "2026-03-07 09:00", "2026-03-07 13:00")
    s.settle("2026-03-09 00:00")
    assert paid(s.run()) == [
        (15, "maria", "800.00", "204"),
        (15, "maria", "300.00", "510.1"),
        (15, "maria", "120.00", "510.2"),
    ]


def test_the_straight_count_stops_where_the_shift_turns_overtime():
    # 35 straight hours before a 12-hour Friday: 5 more straight hours reach 40 at 13:00, before daily
    # overtime begins at 16:00 (8 h): 13:00-16:00 is weekly overtime, 16:00-20:00 daily (tie: 510.1).
    statute = law(
        article("1", earn("100%")),
        article("510.1", earn("150%", beyond=hours(8))),
        article("510.2", weekly()),
    )
    s = Script(statute)
    s.employ("maria", "20.00")
    s.device()
    s.deposit("9999.00")
    for day in range(2, 7):
        s.shift("maria", f"2026-03-0{day} 08:00", f"2026-03-0{day} 15:00")  # 7 h a day: 35 h
    out = s.shift("maria", "2026-03-07 08:00", "2026-03-07 20:00")
    assert [p for p in paid(s.run()) if p[0] == out] == [
        (out, "maria", "100.00", "1"),
        (out, "maria", "120.00", "510.1"),
        (out, "maria", "90.00", "510.2"),
    ]


def test_holiday_hours_paid_above_100_percent_are_left_out_of_the_count():
    # Rest-day hours earn 200% (overtime): a Sunday of 10 h does not count toward the week's straight 40.
    statute = law(
        article("1", earn("100%")),
        article("2", earn("200%", DayKind.REST_DAY)),
        article("3", weekly()),
        rest=(6,),
        week_start=6,  # weeks begin on Sunday
    )
    s = Script(statute)
    s.employ("maria", "10.00")
    s.device()
    s.deposit("9999.00")
    s.shift("maria", "2026-03-01 08:00", "2026-03-01 18:00")  # Sunday
    for day in range(2, 7):
        s.shift("maria", f"2026-03-0{day} 08:00", f"2026-03-0{day} 16:00")  # 8 h a day: 40 straight
    last = s.shift("maria", "2026-03-07 08:00", "2026-03-07 10:00")  # Saturday: beyond 40
    assert [p for p in paid(s.run()) if p[0] == last] == [(last, "maria", "30.00", "3")]


@settings(max_examples=40, deadline=None)
@given(days=st.lists(st.integers(1, 14 * 60), min_size=1, max_size=7))
def test_leaving_out_overtime_never_pays_more(days):
    """The clause only delays the weekly count: pay with it is at most pay without it."""

    def total(statute: Statute) -> int:
        s = Script(statute)
        s.employ("maria", "23.00")
        s.device()
        s.deposit("99999.00")
        start = dt.datetime(2026, 3, 2, 6, 0, tzinfo=BEIJING.tzinfo)
        for minutes in days:
            s.shift("maria", start.isoformat(), (start + dt.timedelta(minutes=minutes)).isoformat())
            start += dt.timedelta(days=1)
        s.settle("2026-03-30 00:00")
        return sum(p.amount.minor for p in s.run().payments)

    assert total(california()) <= total(california(straight=False))
