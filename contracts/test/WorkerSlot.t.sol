// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {WorkerSlot, WorkerSlots} from "../WorkerSlot.sol";
import {ContractTest, bound} from "./lib/Cheats.sol";

/// @title Fuzz tests of the worker slot's accessors against the layout table in WorkerSlot.sol
/// @notice The masks here are written from the table's bit ranges (`_bits(from, to)`), independently of
/// the library's constants: every setter changes its own field and no other bit, every getter reads
/// back what was set, and a limit counter counts, reports its first excess once and rolls.
contract WorkerSlotTest is ContractTest {
    /// @dev Bits `from` to `to`, both included, set.
    function _bits(uint256 from, uint256 to) private pure returns (uint256) {
        return (type(uint256).max >> (255 - to)) & (type(uint256).max << from);
    }

    function _assertOnlyChanged(WorkerSlot before, WorkerSlot after_, uint256 field, string memory what)
        private pure
    {
        assertEq((WorkerSlot.unwrap(before) ^ WorkerSlot.unwrap(after_)) & ~field, 0, what);
    }

    function testFuzz_settersChangeTheirFieldOnly(uint256 word, uint256 id, uint256 wage, bool flag) public pure {
        WorkerSlot w = WorkerSlot.wrap(word);
        id = bound(id, 0, type(uint32).max);
        wage = bound(wage, 0, WorkerSlots.MAX_WAGE);

        WorkerSlot set = w.withEmployerId(id);
        assertEq(set.employerId(), id, "employer id read back");
        _assertOnlyChanged(w, set, _bits(0, 31), "employer id: bits 0-31 only");

        set = w.withWage(wage);
        assertEq(set.wage(), wage, "wage read back");
        _assertOnlyChanged(w, set, _bits(107, 146), "wage: bits 107-146 only");

        set = w.withWagePending(flag);
        assertTrue(set.wagePending() == flag, "wage pending read back");
        _assertOnlyChanged(w, set, _bits(147, 147), "wage pending: bit 147 only");

        set = w.withSeveralAtLast(flag);
        assertTrue(set.severalAtLast() == flag, "several at last read back");
        _assertOnlyChanged(w, set, _bits(73, 73), "several at last: bit 73 only");

        set = w.withListed();
        assertTrue(set.listed(), "listed read back");
        _assertOnlyChanged(w, set, _bits(148, 148), "listed: bit 148 only");

        set = w.withTimeOffGranted();
        assertTrue(set.timeOffGranted(), "time off read back");
        _assertOnlyChanged(w, set, _bits(74, 74), "time off: bit 74 only");
    }

    function testFuzz_lastPunchAndShiftCounts(
        uint256 word, uint256 at, bool clockIn, uint256 deviceId, uint256 day, uint256 inDay
    ) public pure {
        WorkerSlot w = WorkerSlot.wrap(word);
        at = bound(at, 0, WorkerSlots.MAX_TIME);
        deviceId = bound(deviceId, 0, type(uint32).max);
        day = bound(day, 0, WorkerSlots.MAX_DAY);
        inDay = bound(inDay, 0, 2 * 24 * 60); // what a day holds (see the layout)

        WorkerSlot set = w.withLastPunch(at, clockIn, deviceId);
        assertEq(set.lastAt(), at, "last punch time read back");
        assertTrue(set.clockedIn() == clockIn, "clocked in read back");
        assertEq(set.lastMark(), WorkerSlots.mark(deviceId, clockIn), "the last punch's mark");
        _assertOnlyChanged(w, set, _bits(32, 72) | _bits(75, 106), "last punch: bits 32-72 and 75-106 only");

        set = w.withShiftCounts(day, inDay, 4 * inDay, 16 * inDay);
        assertEq(set.shiftDay(), day, "shift day read back");
        assertEq(set.dayMinutes(), inDay, "minutes in the day read back");
        assertEq(set.weekMinutes(), 4 * inDay, "minutes in the week read back");
        assertEq(set.monthMinutes(), 16 * inDay, "minutes in the month read back");
        _assertOnlyChanged(w, set, _bits(155, 220), "shift counts: bits 155-220 only");
    }

    /// @notice Against a model of one counter: a rolled period starts at zero and unflagged; the count
    /// grows by `added`; `report` exactly when it first exceeds `limit` in the period instance.
    function testFuzz_countLimit(uint256 word, uint256 index, bool rolled, uint256 added, uint256 limit)
        public pure
    {
        index = bound(index, 0, WorkerSlots.LIMITS_IN_SLOT - 1);
        uint256 offset = index == 0 ? 221 : 238;
        word = word & ~_bits(offset, offset + 15) | bound(word >> offset & 0xffff, 0, 45_000) << offset;
        added = bound(added, 0, 1_440); // a count stays below a month of minutes: see the layout
        limit = bound(limit, 0, 50_000);
        WorkerSlot w = WorkerSlot.wrap(word);

        uint256 count = rolled ? 0 : word >> offset & 0xffff;
        bool flagged = !rolled && word >> (offset + 16) & 1 == 1;
        (WorkerSlot set, bool report) = w.countLimit(index, rolled, added, limit);

        count += added;
        assertTrue(report == (count > limit && !flagged), "reported at the first excess only");
        uint256 stored = WorkerSlot.unwrap(set);
        assertEq(stored >> offset & 0xffff, count, "the count");
        assertTrue((stored >> (offset + 16) & 1 == 1) == (flagged || count > limit), "the flag");
        _assertOnlyChanged(w, set, _bits(offset, offset + 16), "this counter's bits only");
    }
}
