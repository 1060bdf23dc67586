"""Rules on the Nth consecutive day of work in a week (docs/semantics.md, "Consecutive days of work").

Worked amounts on small statutes (a run of seven days, a day off that breaks it, a run across two
weeks, a shift too short to make a day of work, a night shift), the California statute's seventh
day, and the property that the condition keeps each minute paid once: the total is the winning rate
of every minute, read minute by minute from the law.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.ast import ConsecutiveDay, EarningRule, Period, Statute
from lawdsl.interpret import interpret_explained
from lawdsl.interpret.explain import Step
from lawdsl.interpret.pay_rules import consecutive_days
from lawdsl.scenario import load_scenario

from .test_working_time import Script, article, earn, hours, law, paid, pct

MONDAY = dt.date(2026, 3, 2)
PROJECT = Path(__file__).resolve().parents[2]


def on_day(nth: int, rate: str, **beyond) -> EarningRule:
    """`on the <nth> consecutive day of work in a week, each hour worked [beyond …] earns R …`."""
    return EarningRule(pct(rate), consecutive_day=ConsecutiveDay(nth, Period.WEEK), **beyond)


def seventh_day_law(**calendar) -> Statute:
    """100% for every hour; 150% on the seventh consecutive day, 200% beyond 8 hours on it."""
    return law(
        article("1", earn("100%")),
        article("2", on_day(7, "150%"), on_day(7, "200%", beyond=hours(8))),
        **calendar,
    )


def run_days(
    statute: Statute, days: list[tuple[int, str, str]], wage: str = "60.00"
) -> list[tuple[int, str, str, str]]:
    """Shifts of alice as (day after Monday 2026-03-02, clock-in, clock-out) local times; paid at each clock-out."""
    s = Script(statute)
    s.employ("alice", wage)
    s.device()
    s.deposit("99999.00")
    for offset, start, end in days:
        date = MONDAY + dt.timedelta(days=offset)
        ends = date + dt.timedelta(days=1) if end < start else date
        s.shift("alice", f"{date} {start}", f"{ends} {end}")
    return paid(s.run())


def test_the_run_counts_back_to_the_weeks_first_day():
    assert consecutive_days(0b1111111, 6) == 7
    assert consecutive_days(0b1110111, 6) == 3
    assert consecutive_days(0b0000010, 1) == 1
    assert consecutive_days(0b1111101, 1) == 0  # day 1 was no day of work
    assert consecutive_days(0b0000001, 0) == 1


def test_the_seventh_day_of_a_week_worked_every_day_earns_its_rates():
    # Mon-Sat 1 h a day at 100% (60.00 each); Sunday, the seventh, 10 h: 8 h × 90 = 720 and 2 h × 120 = 240.
    days = [(d, "09:00", "10:00") for d in range(6)] + [(6, "08:00", "18:00")]
    assert run_days(seventh_day_law(), days) == [
        *[(4 + 2 * d, "alice", "60.00", "1") for d in range(6)],
        (16, "alice", "960.00", "2"),
    ]


def test_a_day_off_breaks_the_run():
    # Wednesday off: Sunday is the fourth day of a run (Thu-Sun), not the seventh day of work.
    days = [(d, "09:00", "10:00") for d in (0, 1, 3, 4, 5)] + [(6, "08:00", "18:00")]
    assert run_days(seventh_day_law(), days)[-1] == (14, "alice", "600.00", "1")
    fourth = law(article("1", earn("100%")), article("2", on_day(4, "150%")))
    assert [p[3] for p in run_days(fourth, days)] == ["1", "1", "1", "1", "1", "2"]


def test_the_nth_day_is_exactly_the_nth_of_its_run():
    # Under a rule for the second day, Mon-Wed worked: only Tuesday is the second consecutive day.
    second = law(article("1", earn("100%")), article("2", on_day(2, "150%")))
    assert [p[3] for p in run_days(second, [(d, "09:00", "10:00") for d in range(3)])] == ["1", "2", "1"]


def test_a_run_does_not_cross_into_the_next_week():
    # Thursday 2026-03-05 to Wednesday 2026-03-11: seven days in a row, but four in one week and
    # three in the next (weeks begin on Monday), so no day is the seventh of its week.
    days = [(d, "09:00", "10:00") for d in range(3, 10)]
    assert {p[3] for p in run_days(seventh_day_law(), days)} == {"1"}
    # With weeks beginning on Thursday they are one week, and Wednesday is its seventh day.
    assert run_days(seventh_day_law(week_start=3), days)[-1] == (16, "alice", "90.00", "2")


def test_a_shift_of_no_whole_minute_makes_no_day_of_work():
    # Monday's shift lasts 50 seconds: Sunday is the sixth day of work, not the seventh.
    s = Script(seventh_day_law())
    s.employ("alice", "60.00")
    s.device()
    s.deposit("99999.00")
    s.shift("alice", "2026-03-02 09:00:00", "2026-03-02 09:00:50")
    for d in range(1, 7):
        date = MONDAY + dt.timedelta(days=d)
        s.shift("alice", f"{date} 09:00", f"{date} 10:00")
    assert paid(s.run())[-1] == (16, "alice", "60.00", "1")


def test_two_shifts_make_one_day_and_a_night_shift_belongs_to_its_start():
    # Monday twice; Saturday 22:00 to Sunday 06:00 is Saturday's; Sunday's own shift is the seventh day.
    days = [(0, "06:00", "07:00"), (0, "09:00", "10:00"), *[(d, "09:00", "10:00") for d in range(1, 5)]]
    days += [(5, "22:00", "06:00"), (6, "12:00", "13:00")]
    result = run_days(seventh_day_law(), days)
    assert result[-2] == (16, "alice", "480.00", "1")  # Saturday's night, 8 h at 100%
    assert result[-1] == (18, "alice", "90.00", "2")


# ---------------------------------------------------------------- no minute is paid twice

RATES = st.sampled_from(["100%", "110%", "150%", "175%", "200%"])
RULES = st.lists(st.tuples(st.integers(2, 7), RATES, st.none() | st.integers(1, 8)), min_size=1, max_size=4)
#: Per day of two weeks from Monday 2026-03-02: no shift, or (clock-in minute after 08:00, minutes, seconds).
DAYS = st.lists(
    st.none() | st.tuples(st.integers(0, 5 * 60), st.integers(0, 11 * 60), st.sampled_from([0, 30])),
    min_size=14,
    max_size=14,
)


@settings(max_examples=80, deadline=None)
@given(rules=RULES, days=DAYS)
def test_each_minute_is_paid_once_at_the_rate_that_wins_on_its_day(rules, days):
    """The interpreter's total equals the law read minute by minute: the days of work so far in the
    week, the run that ends on the shift's day, and the highest rate among the rules holding on it."""
    statute = law(
        article("1", earn("100%")),
        *[
            article(str(i + 2), on_day(nth, rate, beyond=hours(after) if after else None))
            for i, (nth, rate, after) in enumerate(rules)
        ],
    )
    s = Script(statute)
    s.employ("alice", "60.00")  # a minute at R% earns R cents: totals are exact
    s.device()
    s.deposit("99999.00")
    expected = 0
    worked: set[dt.date] = set()
    for offset, shift in enumerate(days):
        if shift is None:
            continue
        start_minute, minutes, seconds = shift
        date = MONDAY + dt.timedelta(days=offset)
        start = dt.datetime.combine(date, dt.time(8)) + dt.timedelta(minutes=start_minute)
        s.shift("alice", str(start), str(start + dt.timedelta(minutes=minutes, seconds=seconds)))
        if minutes:
            worked.add(date)
        week_start = date - dt.timedelta(days=date.weekday())
        run, day = 0, date
        while day >= week_start and day in worked:
            run, day = run + 1, day - dt.timedelta(days=1)
        for minute in range(minutes):
            holding = [100] + [
                int(rate.rstrip("%")) for nth, rate, after in rules if nth == run and minute >= 60 * (after or 0)
            ]
            expected += max(holding)
    total = sum(int(amount.replace(".", "")) for _, _, amount, _ in paid(s.run()))
    assert total == expected


def test_the_explanation_says_which_day_of_its_run_a_shift_was():
    scenario = load_scenario(PROJECT / "statutes" / "california-seventh-day.yaml")
    _, explanations = interpret_explained(scenario)
    (seventh,) = [e for e in explanations if e.payment.article == "510.4"]
    assert seventh.steps[0] == Step(
        "shift",
        "2026-02-14 07:00 → 2026-02-14 20:00 (780 min, workday 2026-02-14, day 7 of a run of consecutive days "
        "of work in its week)",
    )
