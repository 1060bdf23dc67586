// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

/// @title Civil calendar arithmetic on day numbers
/// @notice A day number counts days since 1970-01-01 in the statute's time zone;
/// statutes key every period (day, week, month) on it.
/// @dev Proleptic Gregorian calendar, after Howard Hinnant's `civil_from_days`.
library CivilCalendar {
    uint256 internal constant SECONDS_PER_DAY = 86_400;

    error DayOutOfRange(uint256 day);

    /// @notice The local day number of unix time `at` in a zone `offset` seconds east of UTC.
    /// @dev For times below 2^64 and offsets under a day (what statutes pass) the sum cannot
    /// overflow; a local time before 1970 wraps to a day number beyond any the callers accept.
    function localDay(uint256 at, int256 offset) internal pure returns (uint256) {
        // forge-lint: disable-next-line(unsafe-typecast)
        unchecked { return uint256(int256(at) + offset) / SECONDS_PER_DAY; }
    }

    /// @notice Unix time of 00:00 local time on `day`.
    function midnight(uint256 day, int256 offset) internal pure returns (uint256) {
        // Exact for every day from 1970-01-02 on and offsets under a day (statutes pass days below
        // 2^32): the product is far below 2^255 and the difference positive, so unchecked.
        // forge-lint: disable-next-line(unsafe-typecast)
        unchecked { return uint256(int256(day * SECONDS_PER_DAY) - offset); }
    }

    /// @notice 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    function weekday(uint256 day) internal pure returns (uint256) {
        unchecked { return (day + 3) % 7; } // day numbers are far below 2^255
    }

    /// @notice The first day of the week holding `day`, for weeks beginning on `weekStart`.
    /// @dev `firstWeekday` < 7 (statutes pass 0–6): the days back to the week's start never wrap.
    function weekStart(uint256 day, uint256 firstWeekday) internal pure returns (uint256) {
        uint256 back;
        unchecked { back = (weekday(day) + 7 - firstWeekday) % 7; }
        return day - back; // checked: reverts in the first days of 1970
    }

    /// @notice The first day of the month holding `day`.
    function monthStart(uint256 day) internal pure returns (uint256) {
        (,, uint256 dayOfMonth) = civil(day);
        unchecked { return day + 1 - dayOfMonth; } // 1 <= dayOfMonth <= day + 1
    }

    /// @notice The first day of the month after the one holding `day`.
    function nextMonthStart(uint256 day) internal pure returns (uint256) {
        (uint256 year, uint256 month, uint256 dayOfMonth) = civil(day);
        return day + 1 - dayOfMonth + daysInMonth(year, month);
    }

    /// @notice The day number of a civil date (Hinnant's `days_from_civil`); day 29 of February in a
    /// common year is 1 March, as the arithmetic runs on.
    /// @dev For years from 1970 to 2^64 every intermediate is a small non-negative number.
    function daysFromCivil(uint256 year, uint256 month, uint256 dayOfMonth) internal pure returns (uint256) {
        unchecked {
            if (month <= 2) --year;
            uint256 era = year / 400;
            uint256 yearOfEra = year - era * 400;
            uint256 dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + dayOfMonth - 1;
            uint256 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
            return era * 146_097 + dayOfEra - 719_468;
        }
    }

    /// @notice The first day of the year holding `day`, for years that begin on `month`/`dayOfMonth`
    /// (a statute's effective date: docs/semantics.md, "Years and half months").
    function yearStart(uint256 day, uint256 month, uint256 dayOfMonth) internal pure returns (uint256) {
        (uint256 year, uint256 m, uint256 d) = civil(day);
        if (m < month || (m == month && d < dayOfMonth)) --year; // checked: year 0 is never a statute's
        return daysFromCivil(year, month, dayOfMonth);
    }

    function daysInMonth(uint256 year, uint256 month) internal pure returns (uint256) {
        if (month == 2) {
            bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            return leap ? 29 : 28;
        }
        return (month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31;
    }

    /// @notice Year, month (1–12) and day of month (1–31) of a day number.
    /// Unchecked arithmetic: every intermediate is a small non-negative number for any day < 2^200.
    function civil(uint256 day) internal pure returns (uint256 year, uint256 month, uint256 dayOfMonth) {
        if (day >= 2 ** 200) revert DayOutOfRange(day);
        // Hinnant's algorithm divides before it multiplies on purpose: each quotient is a whole number
        // of eras, years or months (the fuzz tests check it against its inverse).
        // slither-disable-start divide-before-multiply
        unchecked {
            uint256 z = day + 719_468;
            uint256 era = z / 146_097;
            uint256 dayOfEra = z - era * 146_097;
            uint256 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
            uint256 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
            uint256 shiftedMonth = (5 * dayOfYear + 2) / 153; // March = 0
            dayOfMonth = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
            month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        }
        // slither-disable-end divide-before-multiply
    }
}
