"""Working time where the clocks change (docs/semantics.md, "Daylight saving time").

Hours worked are the real time elapsed; a minute is inside a night window when the clock on the wall
reads a time inside it at its first second; a shift belongs to the day its clock-in's wall clock
reads. Worked on statutes/night-work-daylight-saving.law (Europe/Berlin: clocks forward on Sunday
29 March 2026 at 02:00 CET, back on Sunday 25 October at 03:00 CEST), and the window arithmetic
against a minute-by-minute reading of the tz database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawdsl.diagnostics import StatuteError
from lawdsl.events import Deposit, Employ, Event, Punch, RegisterDevice
from lawdsl.interpret import interpret
from lawdsl.interpret.pay_rules import window_minutes
from lawdsl.load import load_statute
from lawdsl.money import Money
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario, load_scenario
from lawdsl.zones import offset_table, shift_segments, zone

ROOT = Path(__file__).resolve().parents[2]
STATUTE = load_statute(ROOT / "statutes" / "night-work-daylight-saving.law")
BERLIN = zone("Europe/Berlin")


def at(text: str) -> dt.datetime:
    """A time with its offset from UTC, so the test says which of a repeated hour it means."""
    return dt.datetime.fromisoformat(text)


def run(*shifts: tuple[str, str, str]) -> Outcome:
    """(employee, clock-in, clock-out) shifts at EUR 20.00 an hour, paid at each clock-out."""
    start = at("2026-01-02T00:00:00+01:00")
    events: list[Event] = [
        Employ(0, start, "hospital", "lena", Money.parse("EUR 20.00")),
        Employ(1, start, "hospital", "jonas", Money.parse("EUR 20.00")),
        RegisterDevice(2, start, "clock", "hospital"),
        Deposit(3, start, "hospital", Money.parse("EUR 9000.00")),
    ]
    for employee, clock_in, clock_out in shifts:
        events.append(Punch(len(events), at(clock_in), "clock", employee, "in"))
        events.append(Punch(len(events), at(clock_out), "clock", employee, "out"))
    scenario = Scenario(Path("dst.yaml"), STATUTE, {"hospital": Money.parse("EUR 9000.00")}, tuple(events))
    return interpret(scenario)


def paid(outcome: Outcome) -> dict[str, str]:
    """Article → amount of the last shift's payments."""
    last = outcome.payments[-1].event
    return {p.article: p.amount.amount_text() for p in outcome.payments if p.event == last}


def test_a_night_shift_when_the_clocks_go_forward_is_an_hour_shorter() -> None:
    """22:00 CET to 06:00 CEST: 8 hours on the clocks, 7 worked; night 23:00-02:00 and 03:00-06:00."""
    outcome = run(("lena", "2026-03-28T22:00:00+01:00", "2026-03-29T06:00:00+02:00"))
    assert paid(outcome) == {"1": "140.00", "3": "30.00"}  # 7 h × 20.00; 6 h × 5.00


def test_a_night_shift_when_the_clocks_go_back_is_an_hour_longer() -> None:
    """22:00 CEST to 06:00 CET: 8 hours on the clocks, 9 worked; night 23:00-03:00 CEST and 02:00-06:00 CET."""
    outcome = run(("lena", "2026-10-24T22:00:00+02:00", "2026-10-25T06:00:00+01:00"))
    assert paid(outcome) == {"1": "160.00", "2": "25.00", "3": "40.00"}  # 8 h; the 9th at 125%; 8 night hours


def test_a_night_window_counts_the_repeated_hour_twice() -> None:
    """01:30 CEST to 02:30 CET is two hours, all of them night time."""
    outcome = run(("lena", "2026-10-25T01:30:00+02:00", "2026-10-25T02:30:00+01:00"))
    assert paid(outcome) == {"1": "40.00", "3": "10.00", "4": "20.00"}  # Sunday: +50% for 2 h


def test_a_shift_belongs_to_the_day_its_clock_in_reads() -> None:
    """Monday 00:30 CEST is Sunday 22:30 UTC: Monday's shift, no Sunday premium (at a fixed +01:00 it
    would read Sunday 23:30); Sunday 23:30 CET after the change is Sunday's."""
    monday = run(("jonas", "2026-06-01T00:30:00+02:00", "2026-06-01T06:30:00+02:00"))
    assert paid(monday) == {"1": "120.00", "3": "27.50"}
    sunday = run(("jonas", "2026-10-25T23:30:00+01:00", "2026-10-26T07:30:00+01:00"))
    assert paid(sunday) == {"1": "160.00", "3": "32.50", "4": "80.00"}


@pytest.mark.parametrize(
    ("saturday", "exceeded"),
    [
        (("2026-10-24T22:00:00+02:00", "2026-10-25T06:00:00+01:00"), True),  # 40 + 9 = 49 hours
        (("2026-03-28T22:00:00+01:00", "2026-03-29T07:00:00+02:00"), False),  # 40 + 8 = 48 hours
    ],
)
def test_a_weekly_limit_counts_the_hours_worked_across_the_change(saturday: tuple[str, str], exceeded: bool) -> None:
    """Five 8-hour days and a Saturday night shift of 8 hours on the clocks, against 48 hours a week."""
    monday = dt.date.fromisoformat(saturday[0][:10]) - dt.timedelta(days=5)
    offset = saturday[0][-6:]
    days = [monday + dt.timedelta(days=d) for d in range(5)]
    week = [("lena", f"{day}T08:00:00{offset}", f"{day}T16:00:00{offset}") for day in days]
    outcome = run(*week, ("lena", *saturday))
    periods = [(v.article, v.period) for v in outcome.violations]
    assert periods == ([("6", f"{monday}/P1W")] if exceeded else [])


def test_a_scenario_time_the_clocks_skip_is_an_error(tmp_path: Path) -> None:
    scenario = tmp_path / "skip.yaml"
    scenario.write_text(
        "statute: night-work-daylight-saving.law\n"
        "events:\n"
        "  - employ: {employer: hospital, employee: lena, hourly wage: EUR 20.00}\n"
        "  - register device: {device: clock, employer: hospital}\n"
        "  - punch: {device: clock, employee: lena, at: 2026-03-29T02:30:00, kind: in}\n"
    )
    with pytest.raises(StatuteError) as caught:
        load_scenario(scenario, ROOT / "statutes" / "night-work-daylight-saving.law")
    first_line = str(caught.value).splitlines()[0]
    assert first_line.endswith(
        "skip.yaml:5:48: error: event 2 (punch): field 'at' 2026-03-29T02:30:00 does not exist in Europe/Berlin: "
        "the clocks skip it when they change; write the time with its offset from UTC"
    )


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(["Europe/Berlin", "America/Los_Angeles", "Australia/Sydney", "America/Santiago"]),
    change=st.sampled_from(range(4)),
    before=st.integers(-26 * 3600, 3600),
    length=st.integers(0, 24 * 60),
    start=st.integers(0, 24 * 60),
    window=st.tuples(st.integers(0, 24 * 60 - 1), st.integers(0, 24 * 60 - 1)).filter(lambda w: w[0] != w[1]),
)
def test_window_minutes_read_each_minute_on_the_clock_in_force(zone_name, change, before, length, start, window):
    """The parts of a shift around a clock change, counted in closed form, equal the wall clock minute
    by minute: minute i (its first second) is inside the window as the tz database reads it."""
    tz = zone(zone_name)
    started = offset_table(tz, dt.date(2026, 1, 1)).changes[change][0] + before
    counted = sum(
        window_minutes(clock_in, max(start, lo), min(length, hi), window)
        for lo, hi, clock_in in shift_segments(tz, started, length)
    )
    opens, closes = window
    expected = 0
    for minute in range(start, length):
        wall = dt.datetime.fromtimestamp(started + 60 * minute, tz)
        clock = wall.hour * 60 + wall.minute
        expected += (opens <= clock < closes) if opens < closes else (clock >= opens or clock < closes)
    assert counted == expected


def test_a_scenario_cannot_go_past_the_table_of_clock_changes(tmp_path: Path) -> None:
    """The contract refuses shifts from 1 January 2056; the interpreter would go on: a scenario stops."""
    scenario = tmp_path / "late.yaml"
    scenario.write_text(
        "statute: night-work-daylight-saving.law\n"
        "events:\n"
        "  - employ: {employer: hospital, employee: lena, hourly wage: EUR 20.00}\n"
        "  - punch: {device: clock, employee: lena, at: 2056-01-01T00:00:00, kind: in}\n"
    )
    with pytest.raises(StatuteError) as caught:
        load_scenario(scenario, ROOT / "statutes" / "night-work-daylight-saving.law")
    assert (
        str(caught.value)
        .splitlines()[0]
        .endswith(
            "late.yaml:4:48: error: event 1 (punch): field 'at' 2056-01-01T00:00:00 is after the contract's table of "
            "Europe/Berlin's clock changes, which ends on 2056-01-01: the contract refuses every shift from then on "
            "(a new version of the statute must be in force by then)"
        )
    )
