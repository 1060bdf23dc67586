// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DigitalCurrency} from "../DigitalCurrency.sol";
import {CaliforniaLaborCodeSection510DaySWorkAndOvertimeV1 as California} from
    "../generated/CaliforniaLaborCodeSection510DaySWorkAndOvertimeV1.sol";
import {ContractTest, bound} from "./lib/Cheats.sol";

/// @title Fuzz tests of a zone's table of clock changes (statutes/california-overtime.law)
/// @notice Every local day begins at the first instant whose clocks read it, across the table's
/// years; the changes fall where the tz database puts them.
contract ZonedCalendarTest is ContractTest {
    California private statute;
    uint256 private firstDay;
    uint256 private lastDay;

    function setUp() public {
        DigitalCurrency currency = new DigitalCurrency("US dollar", "USD", 2, address(this));
        statute = new California(IERC20(address(currency)), address(this));
        firstDay = statute.EFFECTIVE_DAY();
        lastDay = (statute.CLOCK_TABLE_END() - 8 hours) / 1 days; // the table's last local day
    }

    function localDay(uint256 at) private view returns (uint256) {
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(int256(at) + statute.offsetAt(at)) / 1 days; // times of the table: positive
    }

    function testFuzz_aDayBeginsAtTheFirstInstantItsClocksRead(uint256 day) public view {
        day = bound(day, firstDay + 1, lastDay);
        uint256 start = statute.dayStart(day);
        assertEq(localDay(start), day, "the day's first instant is on the day");
        assertEq(localDay(start - 1), day - 1, "the second before is the day before");
    }

    function test_the2026ChangesAreWherePacificTimeHasThem() public view {
        uint256 spring = 1_772_964_000; // 2026-03-08 10:00 UTC: 02:00 PST becomes 03:00 PDT
        uint256 autumn = 1_793_523_600; // 2026-11-01 09:00 UTC: 02:00 PDT becomes 01:00 PST
        assertTrue(statute.offsetAt(spring - 1) == -8 hours, "standard time before the spring change");
        assertTrue(statute.offsetAt(spring) == -7 hours, "daylight time from it");
        assertTrue(statute.offsetAt(autumn - 1) == -7 hours, "daylight time before the autumn change");
        assertTrue(statute.offsetAt(autumn) == -8 hours, "standard time from it");
        // Sunday 1 November begins at 00:00 PDT (07:00 UTC) and lasts 25 hours.
        assertEq(statute.dayStart(20_758), 1_793_516_400, "2026-11-01 00:00 -07:00");
        assertEq(statute.dayStart(20_759) - statute.dayStart(20_758), 25 hours, "a 25-hour day");
    }
}
