"""The calendar a generated working-time contract reads: its time zone (one offset, or the zone's
table of clock changes), rest days, the week's first day and the public holidays as bits of
day-number words.

Apart from the rules' generator (`working_time.py`) because the calendar is the statute's terms,
not its sentences: it is written the same whichever rules the statute has.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from lawdsl.ast import WEEKDAYS, Header, Statute
from lawdsl.zones import OffsetTable, fixed_offset_minutes, table_end, zone_table

from ..dates import day_number


def bit_word(value: int) -> str:
    """A 256-bit word as all 64 hex digits, in groups of 8: solc reads any hex literal of 39 to 41
    digits as an address (and refuses one that is not checksummed), so a word is never written short."""
    digits = f"{value:064x}"
    return "0x" + "_".join(digits[i : i + 8] for i in range(0, 64, 8))


def holidays(statute: Statute) -> list[str]:
    """Public holidays as bits of day-number words (bit i of word w: day FIRST + 256 w + i)."""
    days = sorted(day_number(d) for d in statute.public_holidays)
    if not days:
        return [
            "    function _isPublicHoliday(uint256) internal pure override returns (bool) {",
            "        return false; // the statute names no public holidays",
            "    }",
        ]
    first = days[0]
    words: dict[int, int] = {}
    for day in days:
        words[(day - first) // 256] = words.get((day - first) // 256, 0) | 1 << ((day - first) % 256)
    listed = textwrap.wrap(", ".join(d.isoformat() for d in sorted(statute.public_holidays)) + ".", 90)
    lines = [f"    /// {'@dev Public holidays: ' if i == 0 else ''}{text}" for i, text in enumerate(listed)]
    lines += [f"    uint256 private constant HOLIDAYS_FROM = {first}; // {sorted(statute.public_holidays)[0]}"]
    for index in range(max(words) + 1):
        lines.append(f"    /// @dev Bit i: day HOLIDAYS_FROM + {256 * index} + i is a public holiday.")
        lines.append(f"    uint256 private constant HOLIDAYS_{index} = {bit_word(words.get(index, 0))};")
    lines += [
        "",
        "    function _isPublicHoliday(uint256 day) internal pure override returns (bool) {",
        "        if (day < HOLIDAYS_FROM) return false;",
        "        unchecked { // nothing wraps: day >= HOLIDAYS_FROM, and word i is read only when offset >= 256 i",
        "            uint256 offset = day - HOLIDAYS_FROM;",
    ]
    for index in range(max(words) + 1):
        lines.append(
            f"            if (offset < {256 * (index + 1)}) return (HOLIDAYS_{index} >> "
            f"{'offset' if index == 0 else f'(offset - {256 * index})'}) & 1 == 1;"
        )
    return lines + ["        }", "        return false;", "    }"]


def _offset_minutes(header: Header) -> int:
    """The statute's one offset: a named zone without a table of clock changes keeps one (`zone_table`)."""
    if not header.time_zone.name:
        return header.time_zone.offset_minutes
    minutes = fixed_offset_minutes(header.time_zone.tzinfo, header.effective)
    assert minutes is not None, "a zone whose offset changes has a table of its clock changes"
    return minutes


def calendar(statute: Statute) -> list[str]:
    header = statute.header
    rest = sorted(statute.rest_days)
    mask = " | ".join(f"(1 << {d})" for d in rest) or "0"
    names = ", ".join(WEEKDAYS[d] for d in rest) or "none"
    table = zone_table(header)
    return [
        f"    /// @notice Effective {header.effective.isoformat()}, as a local day number.",
        f"    uint32 public constant EFFECTIVE_DAY = {day_number(header.effective)};",
        *(
            [
                f"    /// @notice Time zone {header.time_zone}, in seconds east of UTC.",
                f"    int32 public constant TIME_ZONE_OFFSET = {_offset_minutes(header) * 60};",
            ]
            if table is None
            else _clock_table(statute, table)
        ),
        f"    /// @notice Rest days: {names} (bit i = weekday i, Monday = 0).",
        f"    uint8 public constant REST_DAYS = {mask};",
        f"    /// @notice Weeks begin on {WEEKDAYS[statute.week_start]} (Monday = 0).",
        f"    uint8 public constant WEEK_START = {statute.week_start};",
    ]


def _clock_table(statute: Statute, table: OffsetTable) -> list[str]:
    """A zone whose clocks change: its offset at the effective date and the table of its changes until
    the table's end, one line per change (`ZonedWorkingTimeStatute`)."""
    zone = statute.header.time_zone
    lines = [
        f"    /// @notice Time zone {zone}: seconds east of UTC at the effective date's first instant; then",
        "    /// the offsets of CLOCK_CHANGES (the pinned tz database's, as the interpreter reads them).",
        f"    int32 public constant TIME_ZONE_OFFSET = {table.initial};",
        f"    /// @dev {zone}'s clock changes until {table_end(table, zone)}: 8 bytes each, the change's unix",
        "    /// time (40 bits) and the offset from it on (24 bits, seconds east of UTC).",
        "    bytes private constant CLOCK_CHANGES =",
    ]
    for index, (instant, offset) in enumerate(table.changes):
        when = dt.datetime.fromtimestamp(instant, dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
        end = ";" if index == len(table.changes) - 1 else ""
        lines.append(f'        hex"{instant:010x}{offset & 0xFFFFFF:06x}"{end} // {when} UTC: {_offset_text(offset)}')
    if not table.changes:
        lines.append('        "";')
    return [
        *lines,
        f"    /// @notice Unix time of {table_end(table, zone)} 00:00 in {zone}, where the table ends: the",
        "    /// contract refuses shifts clocked in from then on (a new version of the statute must be in force).",
        f"    uint256 public constant CLOCK_TABLE_END = {table.end};",
    ]


def _offset_text(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}" + (f":{rest % 60:02d}" if rest % 60 else "")


def clock_table_overrides() -> list[str]:
    return [
        "",
        "    function _clockChanges() internal pure override returns (bytes memory) {",
        "        return CLOCK_CHANGES;",
        "    }",
        "",
        "    function _clockTableEnd() internal pure override returns (uint256) {",
        "        return CLOCK_TABLE_END;",
        "    }",
    ]
