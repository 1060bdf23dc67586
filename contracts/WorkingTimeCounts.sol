// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {CivilCalendar} from "./CivilCalendar.sol";
import {WorkingTimeStatute} from "./WorkingTimeStatute.sol";

/// @title Working-time statute with years and counts of overtime
/// @notice What a statute needs when it limits hours in a year (`overtime beyond 360 hours in a year is
/// a violation`) or pays by its hours of overtime (`each hour of overtime beyond 60 hours in a month
/// earns 150% of the hourly wage`): running counts kept outside the worker's slot, a year beginning on
/// the effective date's month and day (docs/semantics.md, "Years and half months", "Hours of overtime").
/// @dev A generated statute inherits this contract instead of `WorkingTimeStatute` only when it uses one
/// of those forms, so every other statute keeps its code and its gas. The interpreter's
/// `WorkingTimeInterpreter._count_overtime` and `lawdsl/interpret/periods.py` are the same arithmetic.
abstract contract WorkingTimeCounts is WorkingTimeStatute {
    /// @dev Limit sentences counted in a year (a year of minutes does not fit the slot's counters).
    mapping(address employee => mapping(uint256 limit => Counter)) private _yearLimits;
    /// @dev Overtime counts per kind of day counted and period, numbered by the generated statute.
    mapping(address employee => mapping(uint256 count => Counter)) private _overtimeCounts;

    /// @dev Bits per field of the packed overtime word (`_overtimeField`).
    uint256 private constant OVERTIME_FIELD_BITS = 32;

    constructor(IERC20 currency_, address authority, string memory version, Calendar memory calendar,
                PaySchedule schedule)
        WorkingTimeStatute(currency_, authority, version, calendar, schedule)
    {}

    /// @dev The month (1–12) and day of month the statute's years begin on: its effective date's.
    function _yearBegins() internal pure virtual returns (uint256 month, uint256 dayOfMonth);

    /// @dev The first day of the statute's year holding the shift's day.
    function _yearStart(Shift memory shift) internal pure returns (uint256) {
        (uint256 month, uint256 dayOfMonth) = _yearBegins();
        return CivilCalendar.yearStart(shift.day, month, dayOfMonth);
    }

    /// @dev Count the shift against limit sentence `index` of `article` counted in a year (`added`
    /// minutes, when the sentence `applies` to the shift's day) and report the first excess over `limit`
    /// in each year, as `_limit` does for the other periods.
    function _yearLimit(Shift memory shift, uint256 index, bytes32 article, bool applies, uint256 limit,
                        uint256 added) internal
    {
        if (!applies) return;
        uint256 start = _yearStart(shift);
        Counter storage counter = _yearLimits[shift.employee][index];
        // A day number is below 2^24 (`WorkerSlots.MAX_DAY`); a year of shifts holds at most 367 days of
        // minutes, far below 2^32.
        if (counter.start != start) {
            // forge-lint: disable-next-line(unsafe-typecast)
            counter.start = uint32(start);
            counter.count = 0;
            counter.flagged = false;
        }
        // forge-lint: disable-next-line(unsafe-typecast)
        counter.count += uint32(added);
        if (counter.count > limit && !counter.flagged) {
            counter.flagged = true;
            emit LimitExceeded(shift.ref, article, shift.employer, shift.employee, Period.Year, start);
        }
    }

    /// @dev Add the shift's `added` minutes of overtime to overtime count `index`, whose period began on
    /// day `start`; returns the overtime of the period's earlier shifts (what the rules reading the
    /// count compare with their thresholds).
    function _countOvertime(Shift memory shift, uint256 index, uint256 start, uint256 added)
        internal returns (uint256 before)
    {
        Counter storage counter = _overtimeCounts[shift.employee][index];
        if (counter.start == start) {
            before = counter.count;
        } else {
            // forge-lint: disable-next-line(unsafe-typecast)
            counter.start = uint32(start); // a day number below 2^24 (`WorkerSlots.MAX_DAY`)
        }
        // A year of shifts holds at most 367 days of minutes, far below 2^32.
        // forge-lint: disable-next-line(unsafe-typecast)
        counter.count = uint32(before + added);
    }

    /// @dev Field `index` (32 bits each) of the word the generated statute packs for its rules counting
    /// overtime: 0, where the shift's overtime begins; 1 + i, overtime count i before the shift.
    function _overtimeField(uint256 overtime, uint256 index) internal pure returns (uint256) {
        return overtime >> (OVERTIME_FIELD_BITS * index) & type(uint32).max;
    }

    /// @dev The shift minute from which a rule of overtime `beyond threshold` applies, when the shift's
    /// overtime begins at minute `begins` (`NEVER`: none) and `before` minutes of overtime were counted
    /// in the period before the shift: the overtime minute at which the count reaches the threshold.
    function _beyondOvertime(uint256 threshold, uint256 before, uint256 begins, uint256 length)
        internal pure returns (uint256)
    {
        if (begins >= length) return NEVER;
        unchecked { return begins + (threshold > before ? threshold - before : 0); } // both below 2^33
    }
}
