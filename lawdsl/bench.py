"""The language's figures for `make bench` (issue #18's performance targets): parse and check a long
statute in the night-work forms, and interpret a city's month of night shifts.

Here rather than in `scripts/bench.py` so that a test can run each measure at a small size (the
code of a benchmark is tested; its speed is not); the script prints the rows beside the others.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from .check.lint import lint
from .events import Punch
from .interpret.working_time import WorkingTimeInterpreter
from .load import load_text
from .outcome import Outcome
from .workloads import city_month, night_work_statute

#: (what was measured, seconds, target in seconds or None)
Row = tuple[str, float, float | None]

#: The night shift every employee works in `night_month`, Monday to Saturday: 14:00 to 23:30, so each
#: shift has overtime, evening and late-night hours, and each week overtime beyond the day's.
CLOCK_IN, SHIFT, DAYS_A_WEEK = dt.time(14), dt.timedelta(hours=9, minutes=30), 6


def best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - began)
    return best


def parse_and_check(text: str) -> int:
    """What `lawdsl check` does to a statute: parse, check (errors raise), lint; the warnings' count."""
    return len(lint(load_text(text, "generated.law")))


def night_month(employees: int) -> tuple[list[Punch], Callable[[], Outcome]]:
    """A month of night shifts under the generated night-work statute: its punches, and the run."""
    statute = load_text(night_work_statute(0), "night-work.law")
    events, minted = city_month(
        employees, 26, 9, clock_in=CLOCK_IN, shift=SHIFT, days_a_week=DAYS_A_WEEK, currency="JPY", settle=True
    )
    holders = [*minted, *(f"w{n}" for n in range(employees))]
    punches = [e for e in events if isinstance(e, Punch)]
    return punches, lambda: WorkingTimeInterpreter(statute, minted, holders).run(tuple(events))


def rows(lines: int = 5000, employees: int = 10_000, runs: int = 3) -> list[Row]:
    text = night_work_statute(lines)
    parse = best_of(runs, lambda: parse_and_check(text))
    punches, run = night_month(employees)
    began = time.perf_counter()
    outcome = run()
    month = time.perf_counter() - began
    return [
        (
            f"parse + check + lint a {text.count(chr(10)):,}-line statute in the night-work forms "
            "(night windows, premiums, weekly counts without pyramiding, limits)",
            parse,
            0.5,
        ),
        (
            f"interpret a month of night shifts for {employees:,} employees ({len(punches):,} punches, "
            f"{len(outcome.payments):,} payments)",
            month,
            10.0,
        ),
    ]
