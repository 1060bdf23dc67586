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
from importlib import resources
from zoneinfo import ZoneInfo

#: How far ahead a statute's offsets are checked for a change (daylight saving or a new standard
#: time): the working-time contract counts days at one fixed offset.
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


def fixed_offset_minutes(tz: dt.tzinfo, start: dt.date, years: int = HORIZON_YEARS) -> int | None:
    """Minutes east of UTC if `tz` keeps one offset on the first of every month for `years` years
    from `start`, else None (it observes daylight saving, or changes its standard time)."""
    offsets = {
        dt.datetime(year, month, 1, 12, tzinfo=tz).utcoffset()
        for year in range(start.year, start.year + years)
        for month in range(1, 13)
    }
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    assert offset is not None  # an aware datetime has an offset
    return int(offset.total_seconds()) // 60
