"""Named time zones (`time zone America/Los_Angeles`), read from the pinned `tzdata` package.

Not the machine's own zone files: a statute's days, night windows and holidays must begin at the
same instant on every machine that reads it — the legislator's, the firm's, a citizen's, CI's —
so the database is the one `requirements.lock` pins, and a new release of it is a deliberate
upgrade (its version is part of what a compiled contract was computed from).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from .ast import Header, TimeZone

#: How far ahead a named zone's offsets are checked for a change (daylight saving or a new standard
#: time): a working-time contract in a zone that keeps one offset this long counts at that offset, as
#: for a fixed one; a zone that changes gets a table of its changes (`offset_table`).
HORIZON_YEARS = 50


@functools.cache
def zone_names() -> frozenset[str]:
    """Every zone the database knows (its `zones` index)."""
    text = resources.files("tzdata").joinpath("zones").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The zone `name`; KeyError if the database has no such zone."""
    if name not in zone_names():
        raise KeyError(name)
    path = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    with path.open("rb") as data:
        return ZoneInfo.from_file(data, key=name)


def closest(name: str) -> list[str]:
    """Zones spelt like `name` (case and separators forgiven), best first: for "did you mean"."""
    names = {n.lower().replace("_", " "): n for n in zone_names()}
    found = difflib.get_close_matches(name.lower().replace("_", " "), names, n=3, cutoff=0.75)
    return [names[f] for f in found]


@functools.cache
def fixed_offset_minutes(tz: dt.tzinfo, start: dt.date, years: int = HORIZON_YEARS) -> int | None:
    """Minutes east of UTC if `tz` keeps one offset on the first of every month for `years` years
    from `start`, else None (it observes daylight saving, or changes its standard time)."""
    offsets = {
        dt.datetime(year, month, 1, 12, tzinfo=tz).utcoffset()
        for year in range(start.year, min(start.year + years, 10_000))  # dates end in 9999
        for month in range(1, 13)
    }
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    assert offset is not None  # an aware datetime has an offset
    return int(offset.total_seconds()) // 60


# ---------------------------------------------------------------- working time under daylight saving

#: A working-time contract in a zone whose offset changes carries the zone's offsets as a table: from
#: its effective date to 1 January of the year this many years after the effective year. 30 years of
#: two changes a year is 60 entries of 8 bytes (480 bytes of contract code); from the table's end the
#: contract refuses shifts (docs/language.md, "The header").
TABLE_YEARS = 30
#: The table is found by reading the zone's offset this often, then the instant of each change to
#: the second (changes at least `MIN_CHANGE_GAP` apart are all found).
_PROBE = 6 * 3600
#: Two changes of offset closer than this cannot both fall inside one shift (at most 24 hours), which
#: the contract's and the interpreter's reading of a shift relies on.
MIN_CHANGE_GAP = 2 * 86_400
_DAY = 86_400


@dataclass(frozen=True)
class OffsetTable:
    """A zone's offsets from UTC over a working-time contract's years: `initial` seconds east of UTC
    from `start` (the effective date's first instant), then each change (the instant, in unix seconds,
    and the offset in force from it), until `end` (exclusive)."""

    initial: int
    start: int
    end: int
    changes: tuple[tuple[int, int], ...]


def _offset(tz: dt.tzinfo, at: int) -> int:
    offset = dt.datetime.fromtimestamp(at, tz).utcoffset()
    assert offset is not None  # an aware datetime has an offset
    return int(offset.total_seconds())


def _change_after(tz: dt.tzinfo, low: int, high: int) -> int:
    """The first second in (low, high] whose offset differs from `low`'s (there is one)."""
    before = _offset(tz, low)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(tz, middle) == before:
            low = middle
        else:
            high = middle
    return high


@functools.cache
def offset_table(tz: dt.tzinfo, effective: dt.date, years: int = TABLE_YEARS) -> OffsetTable:
    """The zone's offsets from the effective date's first instant to 1 January `years` years after the
    effective year, read from the pinned tz database."""
    start = int(dt.datetime.combine(effective, dt.time(), tz).timestamp())
    # Dates end in 9999: a statute effective then has a table to the last date a statute can name.
    last = dt.datetime(effective.year + years, 1, 1) if effective.year + years <= 9999 else dt.datetime(9999, 12, 31)
    end = int(last.replace(tzinfo=tz).timestamp())
    changes = []
    at, offset = start, _offset(tz, start)
    while at < end:
        step = min(at + _PROBE, end)
        if _offset(tz, step) != offset:
            at = _change_after(tz, at, step)
            offset = _offset(tz, at)
            changes.append((at, offset))
        else:
            at = step
    return OffsetTable(_offset(tz, start), start, end, tuple(changes))


def table_problem(table: OffsetTable) -> tuple[str, int] | None:
    """Why a contract cannot count days and shifts with this table, or None: two changes within two
    days of each other (`twice`), or a change whose skipped or repeated hour holds a midnight, so
    that a day would begin twice or not at its midnight (`midnight`); with the instant of the change."""
    previous = None
    offset = table.initial
    for instant, after in table.changes:
        if previous is not None and instant - previous < MIN_CHANGE_GAP:
            return "twice", instant
        before_wall, after_wall = instant + offset, instant + after
        low, high = sorted((before_wall, after_wall))
        if (high - 1) // _DAY > low // _DAY and high % _DAY != 0 and low % _DAY != 0:
            return "midnight", instant
        previous, offset = instant, after
    return None


def shift_segments(tz: dt.tzinfo, started: int, minutes: int) -> list[tuple[int, int, int]]:
    """A shift of `minutes` minutes from unix time `started`, cut where the zone's offset changes:
    (first minute, end minute, the clock-in's second of the day as a clock at that part's offset
    would read it). Minute i of a part begins at that second + 60 i on that clock, so a time-of-day
    window counts each part at the offset in force (docs/semantics.md, "Daylight saving time").
    A shift holds at most one change (changes are two days apart: `table_problem`)."""
    first = _offset(tz, started)
    last = _offset(tz, started + 60 * (minutes - 1)) if minutes > 1 else first
    if first == last:
        return [(0, minutes, (started + first) % _DAY)]
    change = _change_after(tz, started, started + 60 * (minutes - 1))
    split = (change - started + 59) // 60  # the minutes that begin before the change
    return [(0, split, (started + first) % _DAY), (split, minutes, (started + last) % _DAY)]


def zone_table(header: Header) -> OffsetTable | None:
    """The offset table a working-time statute's contract carries: None when its zone keeps one
    offset (a fixed offset, or a named zone without changes for `HORIZON_YEARS`), whose contract
    counts at that offset as it always has."""
    zone = header.time_zone
    if not zone.name or fixed_offset_minutes(zone.tzinfo, header.effective) is not None:
        return None
    return offset_table(zone.tzinfo, header.effective)


def table_end(table: OffsetTable, zone: TimeZone) -> dt.date:
    """The first local date the table does not cover."""
    return dt.datetime.fromtimestamp(table.end, zone.tzinfo).date()
