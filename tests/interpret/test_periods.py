"""Years, half months and counts of overtime hours (docs/semantics.md, "Years and half months",
"Hours of overtime"): worked amounts on small statutes, where a year begins, and that a count of
overtime never pays a minute twice."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.ast import DayKind, EarningRule, Measure, PaySchedule, Period, Statute
from lawdsl.interpret.periods import half_month_end, half_month_start, year_start

from .test_working_time import Script, article, earn, hours, law, limit, paid, pct


def of_overtime(rate: str, beyond: float | None, per: Period = Period.MONTH, on: DayKind | None = None) -> EarningRule:
    """`[on a K,] each hour of overtime [beyond N hours in a P] earns R of the hourly wage`."""
    return EarningRule(
        pct(rate),
        on,
        hours(beyond) if beyond is not None else None,
        per if beyond is not None else None,
        counts_overtime=True,
    )


def proviso(rate: str = "150%", beyond: float = 10) -> Statute:
    """100%; 125% beyond 8 hours a day; `rate` for overtime beyond `beyond` hours in a month."""
    return law(
        article("1", earn("100%")),
        article("2", earn("125%", beyond=hours(8)), of_overtime(rate, beyond)),
    )


def twelve_hour_days(statute: Statute, days: int) -> list[tuple[int, str, str, str]]:
    """Shifts of 12 hours from Monday 2026-03-02 on, at CNY 10.00: 4 h of overtime each."""
    s = Script(statute)
    s.employ("aiko", "10.00")
    s.device()
    s.deposit("9999.00")
    for day in range(days):
        date = dt.date(2026, 3, 2) + dt.timedelta(days=day)
        s.shift("aiko", f"{date} 08:00", f"{date} 20:00")
    return paid(s.run())


def test_overtime_beyond_the_count_earns_the_higher_rate_from_the_minute_it_is_reached():
    # Days 1-2: 4 h overtime each at 125% (count 8 h). Day 3: 2 h at 125% reach 10 h, 2 h at 150%.
    assert twelve_hour_days(proviso(), 3)[-2:] == [(8, "aiko", "80.00", "1"), (8, "aiko", "55.00", "2")]
    # 8 h × 10.00 = 80.00; 2 h × 12.50 + 2 h × 15.00 = 55.00
    assert twelve_hour_days(proviso(), 2)[-1] == (6, "aiko", "50.00", "2")  # 4 h × 12.50


def test_an_overtime_count_without_beyond_pays_every_overtime_minute():
    statute = law(
        article("1", earn("100%")), article("2", earn("125%", beyond=hours(8))), article("3", of_overtime("130%", None))
    )
    # 12 h: 8 h at 100% = 80.00; the 4 overtime hours at 130% (it outbids 125%) = 52.00
    assert twelve_hour_days(statute, 1) == [(4, "aiko", "80.00", "1"), (4, "aiko", "52.00", "3")]


def test_day_off_work_is_not_counted_when_the_count_is_of_workdays():
    # 100%, 125% beyond 8 h on a workday, 135% on the Sunday rest day, 150% for workday overtime beyond 4 h.
    statute = law(
        article("1", earn("100%")),
        article(
            "2",
            earn("125%", DayKind.WORKDAY, hours(8)),
            earn("135%", DayKind.REST_DAY),
            of_overtime("150%", 4, on=DayKind.WORKDAY),
        ),
        rest=(6,),
    )
    s = Script(statute)
    s.employ("aiko", "10.00")
    s.device()
    s.deposit("9999.00")
    s.shift("aiko", "2026-03-01 08:00", "2026-03-01 16:00")  # Sunday: 8 h at 135%, none of it counted
    s.shift("aiko", "2026-03-02 08:00", "2026-03-02 20:00")  # Monday: 4 h of workday overtime
    s.shift("aiko", "2026-03-03 08:00", "2026-03-03 20:00")  # Tuesday: count 4 → all 4 h at 150%
    assert paid(s.run()) == [
        (4, "aiko", "108.00", "2"),  # 8 h × 13.50
        (6, "aiko", "80.00", "1"),
        (6, "aiko", "50.00", "2"),  # 4 h × 12.50
        (8, "aiko", "80.00", "1"),
        (8, "aiko", "60.00", "2"),  # 4 h × 15.00
    ]


def test_the_count_starts_again_each_month():
    s = Script(proviso(beyond=2))
    s.employ("aiko", "10.00")
    s.device()
    s.deposit("9999.00")
    s.shift("aiko", "2026-03-31 08:00", "2026-03-31 20:00")  # 2 h at 125%, 2 h at 150%
    s.shift("aiko", "2026-04-01 08:00", "2026-04-01 20:00")  # a new month: the same again
    assert [amount for _, _, amount, article in paid(s.run()) if article == "2"] == ["55.00", "55.00"]


def test_a_year_limit_counts_from_the_effective_date():
    # Years from 1 April: 2027-03-31 is the last day of the first year, 2027-04-01 the first of the next.
    statute = law(
        article("1", earn("100%")),
        article("2", limit(Measure.HOURS, hours(10), Period.YEAR)),
        effective=dt.date(2026, 4, 1),
    )
    s = Script(statute)
    s.employ("aiko", "10.00", when="2026-04-01 00:00")
    s.device(when="2026-04-01 00:00")
    s.deposit("9999.00", when="2026-04-01 00:00")
    s.shift("aiko", "2026-04-02 08:00", "2026-04-02 16:00")  # 8 h
    s.shift("aiko", "2027-03-31 08:00", "2027-03-31 16:00")  # 16 h > 10: the first year's violation
    s.shift("aiko", "2027-04-01 08:00", "2027-04-01 16:00")  # a new year: 8 h
    s.shift("aiko", "2027-04-02 08:00", "2027-04-02 16:00")  # 16 h > 10: the second year's
    outcome = s.run()
    assert [(v.event, v.period) for v in outcome.violations] == [(6, "2026-04-01/P1Y"), (10, "2027-04-01/P1Y")]


def test_a_statute_effective_on_29_february_begins_its_years_on_1_march_in_common_years():
    leap = dt.date(2028, 2, 29)
    assert year_start(dt.date(2029, 2, 28), leap) == dt.date(2028, 2, 29)
    assert year_start(dt.date(2029, 3, 1), leap) == dt.date(2029, 3, 1)
    assert year_start(dt.date(2032, 2, 29), leap) == dt.date(2032, 2, 29)
    assert year_start(dt.date(2026, 1, 1), dt.date(2020, 1, 1)) == dt.date(2026, 1, 1)


def test_half_months_run_from_the_1st_and_the_16th():
    assert half_month_start(dt.date(2026, 2, 15)) == dt.date(2026, 2, 1)
    assert half_month_start(dt.date(2026, 2, 16)) == dt.date(2026, 2, 16)
    assert half_month_end(dt.date(2026, 2, 1)) == dt.date(2026, 2, 16)
    assert half_month_end(dt.date(2026, 2, 16)) == dt.date(2026, 3, 1)
    assert half_month_end(dt.date(2026, 12, 16)) == dt.date(2027, 1, 1)


def test_half_month_pay_falls_due_on_the_16th_and_the_1st():
    s = Script(law(article("1", earn("100%")), pay=PaySchedule.HALF_MONTH))
    s.employ("aiko", "10.00")
    s.device()
    s.deposit("9999.00")
    s.shift("aiko", "2026-03-15 08:00", "2026-03-15 16:00")  # first half: 80.00
    s.shift("aiko", "2026-03-16 08:00", "2026-03-16 12:00")  # its clock-in pays the first half
    s.settle("2026-03-31 23:59")  # the second half has not ended
    s.settle("2026-04-01 00:00")  # it has: 40.00
    assert paid(s.run()) == [(5, "aiko", "80.00", "1"), (8, "aiko", "40.00", "1")]


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 16 * 60), min_size=1, max_size=7),  # Monday to Sunday: one week
    beyond=st.integers(0, 30 * 60),
    rate=st.integers(126, 300),  # above the daily 125%, so it wins the minutes it applies to
)
def test_a_count_of_overtime_never_pays_a_minute_twice(lengths, beyond, rate):
    """Each minute is paid once: the statute's rules never pay more minutes than were worked, and the
    overtime rule only moves minutes from one rate to another (the same minutes in all)."""
    statute = law(
        article("1", earn("100%")),
        article("2", earn("125%", beyond=hours(8))),
        article("3", EarningRule(pct(f"{rate}%"), beyond=hours(beyond / 60), period=Period.WEEK, counts_overtime=True)),
    )
    s = Script(statute)
    s.employ("aiko", "60.00")  # a minute is CNY 1.00 at 100%
    s.device()
    s.deposit("99999.00")
    start = dt.datetime(2026, 3, 2, 0, 0)
    for day, length in enumerate(lengths):
        begin = start + dt.timedelta(days=day)
        s.shift("aiko", f"{begin:%Y-%m-%d %H:%M}", f"{begin + dt.timedelta(minutes=length):%Y-%m-%d %H:%M}")
    outcome = s.run()
    worked = sum(lengths)
    overtime = sum(max(0, length - 480) for length in lengths)
    counted = max(0, overtime - beyond)  # overtime minutes beyond the count: article 3's
    by_article = {a: sum(p.amount.minor for p in outcome.payments if p.article == a) for a in "123"}
    assert by_article == {"1": (worked - overtime) * 100, "2": (overtime - counted) * 125, "3": counted * rate}
