"""Synthetic workloads for benchmarks and scale tests: big statutes, a city's attendance.

They live in the package (not in scripts/) so that tests can check the
generators produce valid input, and benchmarks measure what tests trust.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from . import events as E
from .money import Money


def large_statute(lines: int = 5000) -> str:
    """A valid working-time statute of about `lines` lines: many terms and articles."""
    head = [
        'statute "Generated Working Time Act"',
        "  governs working time",
        "  version 1",
        "  effective 2026-01-01",
        "  currency CNY",
        "  time zone +08:00.",
        "",
        "parties:",
        '  "employer" is a firm.',
        '  "employee" is a worker.',
        '  "attendance device" is a device.',
        "",
        "terms:",
        "  rest days are Saturday and Sunday.",
    ]
    articles = max(1, (lines - len(head)) // 6)
    terms = [f'  "threshold {_word(i)}" is {1 + i % 12} hours.' for i in range(articles)]
    body = []
    for i in range(articles):
        body += [
            "",
            f'article {i + 1} "Generated rule {i + 1}":',
            f"  on a workday, each hour worked beyond the threshold {_word(i)} in a day earns",
            f"    {100 + i % 200}% of the hourly wage.",
            f"  overtime beyond the threshold {_word(i)} in a month is a violation.",
        ]
    body += ["", f'article {articles + 1} "Payment":', "  the employer pays the employee at each clock-out."]
    return "\n".join(head + terms + body) + "\n"


def _word(number: int) -> str:
    """A distinct letters-only word per number (names are made of words, not digits)."""
    letters = "bcdfghjklmnpqrstvwxz"
    word = ""
    while True:
        number, digit = divmod(number, len(letters))
        word += letters[digit]
        if not number:
            return "k" + word


def city_month(employees: int, workdays: int = 22, tz_hours: int = 8) -> tuple[list[E.Event], dict[str, Money]]:
    """A month of attendance: each employee works 09:00–19:30 (2.5 h overtime) every weekday."""
    tz = dt.timezone(dt.timedelta(hours=tz_hours))
    start = dt.datetime(2026, 3, 2, tzinfo=tz)
    events: list[E.Event] = []

    def add(cls: Callable[..., E.Event], **fields: Any) -> None:
        events.append(cls(index=len(events), at=fields.pop("at", start), **fields))

    add(E.RegisterDevice, device="gate", employer="acme")
    for n in range(employees):
        add(E.Employ, employer="acme", employee=f"w{n}", hourly_wage=Money("CNY", 3000 + n % 2000))
    add(E.Deposit, sender="acme", amount=Money("CNY", 10**12))
    day, worked = start.date(), 0
    while worked < workdays:
        if day.weekday() < 5:
            clock_in = dt.datetime.combine(day, dt.time(9), tz)
            clock_out = clock_in + dt.timedelta(hours=10, minutes=30)
            for n in range(employees):
                add(E.Punch, at=clock_in, device="gate", employee=f"w{n}", kind="in")
            for n in range(employees):
                add(E.Punch, at=clock_out, device="gate", employee=f"w{n}", kind="out")
            worked += 1
        day += dt.timedelta(days=1)
    return events, {"acme": Money("CNY", 10**12)}
