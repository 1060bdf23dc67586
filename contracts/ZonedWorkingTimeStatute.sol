// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {CivilCalendar} from "./CivilCalendar.sol";
import {WorkingTimeStatute} from "./WorkingTimeStatute.sol";

/// @title Working-time statute in a time zone whose clocks change
/// @notice Days, weeks, months, rest days, public holidays, night windows and pay periods follow the
/// offset from UTC in force at each instant (daylight saving time), read from the table of the zone's
/// clock changes that the statute's contract carries for its first years. Hours worked are elapsed
/// time: a night shift is an hour longer when the clocks go back, an hour shorter when they go forward.
/// From the table's end the contract refuses shifts: a new version of the statute must be in force.
/// @dev The generated contract supplies the table (`_clockChanges`) and its end (`_clockTableEnd`);
/// its `Calendar.timeZoneOffset` is the offset in force at the effective date's first instant. The
/// checker guarantees that changes are at least two days apart (a shift meets one at most) and that
/// none skips or repeats a midnight (every day begins at its 00:00). The interpreter reads the same
/// changes from the pinned tz database (`lawdsl/zones.py`); docs/semantics.md, "Daylight saving time".
abstract contract ZonedWorkingTimeStatute is WorkingTimeStatute {
    /// @dev Bytes per table entry: the change's unix time (40 bits), then the offset from it on, in
    /// seconds east of UTC (24 bits, signed).
    uint256 private constant ENTRY = 8;
    /// @dev The largest offset from UTC: a local midnight is within this of the UTC one.
    uint256 private constant MAX_OFFSET = 14 hours;

    /// @notice A shift clocked in at `at` begins after the contract's table of clock changes ends
    /// (`tableEnd`): the statute needs a new version.
    error BeyondClockTable(uint256 at, uint256 tableEnd);

    /// @dev `calendar.timeZoneOffset` is the offset in force at the effective date's first instant.
    constructor(IERC20 currency_, address authority, string memory version, Calendar memory calendar,
                PaySchedule schedule)
        WorkingTimeStatute(currency_, authority, version, calendar, schedule)
    {}

    /// @dev The zone's clock changes from the effective date on, in time order (`ENTRY` bytes each).
    function _clockChanges() internal pure virtual returns (bytes memory);

    /// @dev Unix time from which the table no longer covers the zone.
    function _clockTableEnd() internal pure virtual returns (uint256);

    /// @notice The offset from UTC (seconds east) in force at unix time `at`, as the contract reads it.
    function offsetAt(uint256 at) external view returns (int256 offset) {
        (offset,,) = _offsetSegment(at);
    }

    /// @notice Unix time at which local day `day` (days since 1970-01-01, local time) begins.
    function dayStart(uint256 day) external view returns (uint256) {
        return _dayStart(day);
    }

    /// @dev The offset in force at `at`; refused past the table (it reads a clock-in's day).
    function _offsetAt(uint256 at) internal view override returns (int256 offset) {
        uint256 end = _clockTableEnd();
        if (at >= end) revert BeyondClockTable(at, end);
        (offset,,) = _offsetSegment(at);
    }

    /// @dev The offset that puts `CivilCalendar.midnight(day, ·)` at the day's first instant.
    function _midnightOffset(uint256 day) internal view override returns (int256) {
        // forge-lint: disable-next-line(unsafe-typecast)
        return int256(day * 1 days) - int256(_dayStart(day)); // within a day of each other
    }

    /// @dev The first instant of local day `day`. The segment of the table around the UTC midnight
    /// less `MAX_OFFSET` holds the local midnight, or the next one does; where the clocks skip the hour
    /// holding 00:00 (a change at midnight), the day begins at the change.
    function _dayStart(uint256 day) private view returns (uint256) {
        // day >= 1 (1970-01-02 is the first date a statute names): no underflow.
        (int256 offset, uint256 next, int256 nextOffset) = _offsetSegment(day * 1 days - MAX_OFFSET);
        uint256 start = CivilCalendar.midnight(day, offset);
        if (start < next) return start;
        start = CivilCalendar.midnight(day, nextOffset);
        return start > next ? start : next;
    }

    /// @dev Window minutes read at the offset in force at each minute's first second: a change inside
    /// the shift splits it in two parts, each counted by the base on a clock that keeps the part's
    /// offset (the shift's clock-in second and length set for the part, then restored).
    function _windowMinutes(Shift memory shift, uint256 from, uint256 opens, uint256 closes)
        internal view override returns (uint256 total)
    {
        uint256 length = shift.length;
        uint256 clockInSecond = shift.clockInSecond;
        uint256 started = _dayStart(shift.day) + clockInSecond;
        (int256 offset, uint256 next, int256 nextOffset) = _offsetSegment(started);
        uint256 split = length; // the minutes that begin before a change inside the shift
        // Shifts are under a day (2^11 minutes): nothing overflows.
        unchecked {
            if (length != 0 && next <= started + (length - 1) * 60) split = (next - started + 59) / 60;
        }
        shift.clockInSecond = _secondOfDay(started, offset);
        shift.length = split;
        total = super._windowMinutes(shift, from, opens, closes);
        if (split < length) {
            shift.clockInSecond = _secondOfDay(started, nextOffset);
            shift.length = length;
            total += super._windowMinutes(shift, from > split ? from : split, opens, closes);
        }
        (shift.clockInSecond, shift.length) = (clockInSecond, length);
    }

    /// @dev Seconds after local midnight at unix time `at` on a clock `offset` seconds east of UTC.
    function _secondOfDay(uint256 at, int256 offset) private pure returns (uint256) {
        return at - CivilCalendar.midnight(CivilCalendar.localDay(at, offset), offset);
    }

    /// @dev The offset in force at `at`, the next change after `at` (`type(uint256).max`: none in the
    /// table) and the offset from then on. Binary search: at most log2(entries) + 1 reads.
    function _offsetSegment(uint256 at) private view returns (int256 offset, uint256 next, int256 nextOffset) {
        bytes memory changes = _clockChanges();
        uint256 count = changes.length / ENTRY;
        uint256 low = 0; // the first change after `at` is at index low..high
        uint256 high = count;
        while (low < high) {
            uint256 middle = (low + high) / 2;
            (uint256 instant,) = _entry(changes, middle);
            if (instant <= at) low = middle + 1;
            else high = middle;
        }
        offset = timeZoneOffset;
        if (low != 0) (, offset) = _entry(changes, low - 1);
        if (low == count) return (offset, type(uint256).max, offset);
        (next, nextOffset) = _entry(changes, low);
    }

    /// @dev Entry `index` of the table: the change's unix time and the offset from it on.
    function _entry(bytes memory changes, uint256 index) private pure returns (uint256 instant, int256 offset) {
        uint256 word;
        // Reads the 8 bytes at the entry (and whatever memory follows, which the shifts drop).
        assembly ("memory-safe") {
            word := mload(add(add(changes, 32), mul(index, ENTRY)))
        }
        instant = word >> 216;
        // forge-lint: disable-next-line(unsafe-typecast)
        offset = int24(uint24(word >> 192)); // the truncation keeps exactly the entry's 24 bits
    }
}
