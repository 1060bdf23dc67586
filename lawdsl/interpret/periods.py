"""Years and half months (docs/semantics.md, "Years and half months"): where each begins.

A statute's **year** runs from its effective date's month and day to the day before them a
year later: a statute effective 2026-04-01 counts its years from April to March, as a Japanese
agreement under Art. 36 counts from the starting date it names; one effective on 1 January
counts calendar years. A statute effective on 29 February begins its years on 1 March in a
common year. Each version of a statute counts from its own effective date, as each version
is a contract of its own.

A **half month** is a pay period: the 1st to the 15th, and the 16th to the last day of the
month (California Labor Code §204). The contract's `CivilCalendar.yearStart` and
`WorkingTimeCounts._halfMonthStart` are the same arithmetic.
"""

from __future__ import annotations

import datetime as dt

#: The first day of a month's second half.
SECOND_HALF = 16


def anniversary(year: int, effective: dt.date) -> dt.date:
    """The day a statute effective on `effective` begins its year in calendar year `year`."""
    try:
        return effective.replace(year=year)
    except ValueError:  # 29 February in a common year: the day after the 28th
        return dt.date(year, 3, 1)


def year_start(date: dt.date, effective: dt.date) -> dt.date:
    """The first day of the statute's year holding `date`."""
    this_year = anniversary(date.year, effective)
    return this_year if date >= this_year else anniversary(date.year - 1, effective)


def half_month_start(date: dt.date) -> dt.date:
    """The first day of the half month holding `date`: the 1st or the 16th."""
    return date.replace(day=1 if date.day < SECOND_HALF else SECOND_HALF)


def half_month_end(start: dt.date) -> dt.date:
    """The first day after the half month beginning on `start`."""
    if start.day == 1:
        return start.replace(day=SECOND_HALF)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
