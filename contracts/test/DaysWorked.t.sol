// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {WorkerSlot, WorkerSlots} from "../WorkerSlot.sol";
import {ContractTest, bound} from "./lib/Cheats.sol";

/// @title Fuzz test of the worker slot's days of work (bits 149-154 of the layout in WorkerSlot.sol)
/// @notice The mask here is written from the layout's bit range, independently of the library's constant.
contract DaysWorkedTest is ContractTest {
    uint256 private constant FIELD = ((uint256(1) << 6) - 1) << 149; // bits 149-154

    function testFuzz_daysWorkedChangeTheirBitsOnly(uint256 word, uint256 worked) public pure {
        WorkerSlot w = WorkerSlot.wrap(word);
        worked = bound(worked, 0, (uint256(1) << WorkerSlots.DAYS_WORKED_BITS) - 1);
        WorkerSlot set = w.withDaysWorked(worked);
        assertEq(set.daysWorked(), worked, "days of work read back");
        assertEq((WorkerSlot.unwrap(w) ^ WorkerSlot.unwrap(set)) & ~FIELD, 0, "days of work: bits 149-154 only");
        assertEq(w.daysWorked(), (word & FIELD) >> 149, "days of work read from bits 149-154");
    }
}
