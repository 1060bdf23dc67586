// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {CivilCalendar} from "../CivilCalendar.sol";
import {ContractTest, bound} from "./lib/Cheats.sol";

/// @title Fuzz tests of the calendar every statute keys its periods on
/// @notice Checked against Howard Hinnant's `days_from_civil` (the inverse of what the library computes),
/// the Gregorian leap rule and known dates.
contract CivilCalendarTest is ContractTest {
    uint256 private constant LAST_DAY = 2 ** 40; // far beyond any statute's dates, still exercising eras

    /// @dev Year, month, day of month → day number since 1970-01-01 (years from 1970 on).
    function daysFromCivil(uint256 year, uint256 month, uint256 dayOfMonth) private pure returns (uint256) {
        if (month <= 2) year -= 1;
        uint256 era = year / 400;
        uint256 yearOfEra = year - era * 400;
        uint256 dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + dayOfMonth - 1;
        uint256 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    function testFuzz_civilRoundTrips(uint256 day) public pure {
        day = bound(day, 0, LAST_DAY);
        (uint256 year, uint256 month, uint256 dayOfMonth) = CivilCalendar.civil(day);
        assertTrue(month >= 1 && month <= 12, "month in 1..12");
        assertTrue(dayOfMonth >= 1 && dayOfMonth <= CivilCalendar.daysInMonth(year, month), "day in its month");
        assertEq(daysFromCivil(year, month, dayOfMonth), day, "civil(day) names the same day");
    }

    function testFuzz_monthStartAndNext(uint256 day) public pure {
        day = bound(day, 0, LAST_DAY);
        (uint256 year, uint256 month,) = CivilCalendar.civil(day);
        uint256 first = CivilCalendar.monthStart(day);
        assertEq(first, daysFromCivil(year, month, 1), "the month's first day");
        assertEq(CivilCalendar.nextMonthStart(day), first + CivilCalendar.daysInMonth(year, month), "the next month's");
        (,, uint256 nextDayOfMonth) = CivilCalendar.civil(CivilCalendar.nextMonthStart(day));
        assertEq(nextDayOfMonth, 1, "the next month starts on its 1st");
    }

    function testFuzz_weekStart(uint256 day, uint256 firstWeekday) public pure {
        day = bound(day, 7, LAST_DAY);
        firstWeekday = bound(firstWeekday, 0, 6);
        uint256 start = CivilCalendar.weekStart(day, firstWeekday);
        assertTrue(start <= day && day < start + 7, "the day is in the week");
        assertEq(CivilCalendar.weekday(start), firstWeekday, "the week begins on its first weekday");
    }

    function testFuzz_midnightIsTheLocalDaysFirstSecond(uint256 day, uint256 offsetSeed) public pure {
        day = bound(day, 2, 10_000_000);
        int256 offset = int256(bound(offsetSeed, 0, 2 * 86_399)) - 86_399; // strictly within a day
        uint256 midnight = CivilCalendar.midnight(day, offset);
        assertEq(CivilCalendar.localDay(midnight, offset), day, "midnight is on its day");
        assertEq(CivilCalendar.localDay(midnight - 1, offset), day - 1, "a second before is the day before");
        assertEq(CivilCalendar.localDay(midnight + 86_399, offset), day, "the day's last second");
    }

    function testFuzz_daysFromCivilInvertsCivil(uint256 day) public pure {
        day = bound(day, 0, LAST_DAY);
        (uint256 year, uint256 month, uint256 dayOfMonth) = CivilCalendar.civil(day);
        assertEq(CivilCalendar.daysFromCivil(year, month, dayOfMonth), day, "the library's inverse");
    }

    /// @dev A year beginning on `month`/`dayOfMonth` (any date a statute takes effect on) holds the day,
    /// begins on that month and day (1 March for 29 February in a common year), and is at most 366 days.
    function testFuzz_yearStart(uint256 day, uint256 effective) public pure {
        day = bound(day, 800, LAST_DAY);
        effective = bound(effective, 0, 800);
        (, uint256 month, uint256 dayOfMonth) = CivilCalendar.civil(effective);
        uint256 start = CivilCalendar.yearStart(day, month, dayOfMonth);
        assertTrue(start <= day && day - start < 366, "the day is in its year");
        (uint256 startYear, uint256 startMonth, uint256 startDay) = CivilCalendar.civil(start);
        uint256 next = CivilCalendar.daysFromCivil(startYear + 1, month, dayOfMonth);
        assertTrue(day < next, "the next year has not begun");
        bool shifted = month == 2 && dayOfMonth == 29 && startMonth == 3 && startDay == 1;
        assertTrue(shifted || (startMonth == month && startDay == dayOfMonth), "it begins on the month and day");
    }

    function test_knownDates() public pure {
        assertEq(CivilCalendar.weekday(0), 3, "1970-01-01 was a Thursday");
        assertEq(daysFromCivil(2026, 2, 17), 20_501, "2026-02-17");
        assertEq(CivilCalendar.yearStart(daysFromCivil(2027, 3, 31), 4, 1), daysFromCivil(2026, 4, 1), "FY 2026");
        assertEq(CivilCalendar.yearStart(daysFromCivil(2027, 4, 1), 4, 1), daysFromCivil(2027, 4, 1), "FY 2027");
        assertEq(CivilCalendar.yearStart(daysFromCivil(2029, 2, 28), 2, 29), daysFromCivil(2028, 2, 29), "leap");
        assertEq(CivilCalendar.yearStart(daysFromCivil(2029, 3, 1), 2, 29), daysFromCivil(2029, 3, 1), "1 March");
        assertEq(CivilCalendar.daysInMonth(2000, 2), 29, "2000 is a leap year");
        assertEq(CivilCalendar.daysInMonth(1900, 2), 28, "1900 is not");
        assertEq(CivilCalendar.daysInMonth(2024, 2), 29, "2024 is");
        assertEq(CivilCalendar.daysInMonth(2026, 2), 28, "2026 is not");
        assertEq(CivilCalendar.localDay(1_767_196_800, 28_800), 20_454, "2026-01-01 00:00 +08:00");
    }

    /// @notice Days past the library's range are refused, not wrapped.
    function testFuzz_civilRefusesDaysOutOfRange(uint256 day) public {
        day = bound(day, 2 ** 200, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(CivilCalendar.DayOutOfRange.selector, day));
        this.civilOf(day);
    }

    function civilOf(uint256 day) external pure returns (uint256 year, uint256 month, uint256 dayOfMonth) {
        return CivilCalendar.civil(day);
    }
}
