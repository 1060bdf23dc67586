"""Synthetic workloads for benchmarks and scale tests: big statutes, a city's attendance.

They live in the package (not in scripts/) so that tests can check the
generators produce valid input, and benchmarks measure what tests trust.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from . import events as E
from .money import Money


def _word(number: int) -> str:
    """A distinct letters-only word per number (names are made of words, not digits)."""
    letters = "bcdfghjklmnpqrstvwxz"
    word = ""
    while True:
        number, digit = divmod(number, len(letters))
        word += letters[digit]
        if not number:
            return "k" + word


#: The sentences of `night_work_statute`, one article each: as many earning sentences (8) and limits
#: (4) as a working-time statute with time-of-day windows may have (its contract's size bound).
NIGHT_WORK_RULES = (
    ("Ordinary hours", "each hour worked earns 100% of the hourly wage."),
    ("Late-night work", "each hour worked between 22:00 and 05:00 earns an additional 25% of the hourly wage."),
    ("Early-morning work", "each hour worked between 05:00 and 07:00 earns an additional 10% of the hourly wage."),
    ("Evening work", "each hour worked between 19:00 and 22:00 earns an additional 5% of the hourly wage."),
    (
        "Extended hours",
        "on a workday, each hour worked beyond the statutory working day earns 125% of the hourly wage.",
    ),
    (
        "Extended weeks",
        "on a workday, each hour worked beyond the statutory working week in a week, not counting hours already "
        "paid as overtime, earns 125% of the hourly wage.",
    ),
    ("Days off", "on a rest day, each hour worked earns 135% of the hourly wage."),
    ("Public holidays", "on a public holiday, each hour worked earns 135% of the hourly wage."),
    ("Monthly limit", "overtime beyond the monthly extension limit in a month is a violation."),
    ("Weekly limit", "hours worked beyond the weekly hours limit in a week is a violation."),
    ("Daily limit", "hours worked beyond the daily hours limit in a day is a violation."),
    ("Rest-day limit", "on a rest day, hours worked beyond the statutory working day in a day is a violation."),
    ("Minimum wage", "the hourly wage is at least JPY 1000."),
    ("Payment of wages", "the employer pays the employee at the end of each month."),
)

#: Issue #18's gas target names "a statute with night premium and weekly overtime": just those.
NIGHT_AND_WEEKLY_RULES = (
    NIGHT_WORK_RULES[0],
    NIGHT_WORK_RULES[1],
    ("Extended weeks", "each hour worked beyond the statutory working week in a week earns 125% of the hourly wage."),
    NIGHT_WORK_RULES[-1],
)


def night_work_statute(
    lines: int = 5000, rules: tuple[tuple[str, str], ...] = NIGHT_WORK_RULES, title: str = "Generated Night Work Act"
) -> str:
    """A valid working-time statute of about `lines` lines in the forms real labour law needs
    (docs/language.md): night windows paid on top of the rate in force, daily overtime, weekly
    overtime that leaves out hours already paid as overtime, rest days, public holidays, limits.

    A working-time contract holds at most 8 earning sentences and 4 limits, so a long statute is
    long as real ones are: defined terms, and each article's official wording (docstrings).
    `rules`: (title, sentence) of each article, by default as many as a contract holds; `title`
    names the statute (and so its compiled contract).
    """
    head = [
        f'statute "{title}"',
        "  governs working time",
        "  version 1",
        "  effective 2026-01-01",
        "  currency JPY",
        "  time zone +09:00.",
        "",
        "parties:",
        '  "employer" is a firm.',
        '  "employee" is a worker.',
        '  "time recorder" is a device.',
        "",
        "terms:",
        '  "statutory working day" is 8 hours.',
        '  "statutory working week" is 40 hours.',
        '  "monthly extension limit" is 45 hours.',
        '  "weekly hours limit" is 60 hours.',
        '  "daily hours limit" is 13 hours.',
        "  rest days are Sunday.",
        "  weeks begin on Sunday.",
        "  public holidays are 2026-01-01, 2026-02-11, 2026-04-29, 2026-05-03, 2026-11-03.",
    ]
    budget = max(0, lines - len(head) - 4 * len(rules) - 3)
    terms = [f'  "allowance {_word(i)}" is {1 + i % 50}%.' for i in range(budget // 3)]
    wording = (budget - len(terms)) // len(rules)
    body = []
    for number, (title, sentence) in enumerate(rules, 1):
        text = [f"    Paragraph {n + 1} of the article as enacted, word for word." for n in range(wording)]
        body += ["", f'article {number} "{title}":', '  """', *text, '  """', f"  {sentence}"]
    return "\n".join(head + terms + body) + "\n"


def city_month(
    employees: int,
    workdays: int = 22,
    tz_hours: int = 8,
    *,
    first: dt.date = dt.date(2026, 3, 2),
    clock_in: dt.time = dt.time(9),
    shift: dt.timedelta = dt.timedelta(hours=10, minutes=30),
    days_a_week: int = 5,
    currency: str = "CNY",
    settle: bool = False,
) -> tuple[list[E.Event], dict[str, Money]]:
    """A month of attendance: by default each employee works 09:00–19:30 (2.5 h overtime) every
    weekday; `clock_in`, `shift` and `days_a_week` (Monday on) make other patterns, such as
    14:00–23:30 six days a week (night hours, and weekly overtime beyond the daily). `settle`: a
    settlement the day after, which pays a statute that pays at the end of each week or month."""
    tz = dt.timezone(dt.timedelta(hours=tz_hours))
    start = dt.datetime.combine(first, dt.time(0), tz)
    events: list[E.Event] = []

    def add(cls: Callable[..., E.Event], **fields: Any) -> None:
        events.append(cls(index=len(events), at=fields.pop("at", start), **fields))

    add(E.RegisterDevice, device="gate", employer="acme")
    for n in range(employees):
        add(E.Employ, employer="acme", employee=f"w{n}", hourly_wage=Money(currency, 3000 + n % 2000))
    add(E.Deposit, sender="acme", amount=Money(currency, 10**12))
    day, worked = start.date(), 0
    while worked < workdays:
        if day.weekday() < days_a_week:
            began = dt.datetime.combine(day, clock_in, tz)
            for n in range(employees):
                add(E.Punch, at=began, device="gate", employee=f"w{n}", kind="in")
            for n in range(employees):
                add(E.Punch, at=began + shift, device="gate", employee=f"w{n}", kind="out")
            worked += 1
        day += dt.timedelta(days=1)
    if settle:
        add(E.Settle, at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz))
    return events, {"acme": Money(currency, 10**12)}
