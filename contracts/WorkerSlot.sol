// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

/// @dev One employee's whole state in one storage word, so that a punch reads and writes one slot.
/// The layout is drawn here once; everything else reads and writes it through the typed getters and
/// `with…` setters below (each returns the changed word, the caller stores it).
///
///   bits     field                 meaning
///   0–31     employerId            0: not employed
///   32–71    lastAt                time of the last accepted punch (0: none)
///   72       clockedIn             the last accepted punch was a clock-in (at `lastAt`)
///   73       severalAtLast         several punches were accepted at `lastAt` (their marks: a side table)
///   74       timeOffGranted        some compensatory time off was granted (read the time-off table)
///   75–106   lastDevice            id of the device of the last accepted punch
///   107–146  wage                  minor units an hour of the open (or next) shift, < 2^40
///   147      wagePending           a wage change waits for the next clock-in (the new wage: a side table)
///   148      listed                in the employees list (settlement order) since a first employment
///   149–154  daysWorked            days of work in the week of `shiftDay`: bit i, its week's day i (kept
///                                  by statutes with a rule on consecutive days of work only; a week's
///                                  seventh day is never read, as no later day of its week follows)
///   155–178  shiftDay              local day of the last finished shift (0: none yet)
///   179–190  dayMinutes            minutes of shifts started on `shiftDay`
///   191–204  weekMinutes           … in its week
///   205–220  monthMinutes          … in its month
///   221–237  limit 0               the first limit sentence's count (16 bits) and flag (bit 237)
///   238–254  limit 1               the second's count (16 bits) and flag (bit 254)
///
/// Gas (docs/benchmarks.md): with the pinned legacy optimizer, the one-line accessors below are inlined
/// into their callers as a shift and a constant mask, provided that
/// - its masks are built from the offsets with shifts and `~` only: a constant's expression is
///   evaluated where the constant is used, and there a `-` or `+` between typed constants is checked
///   arithmetic, a call at run time on every access, while shifts and `~` fold into one PUSH (hence
///   `~(ONES << n)` for the low n bits, never `(1 << n) - 1`);
/// - each flag accessor spells out its bit: through a shared `_flag(w, bit)` helper they stayed calls.
///
/// The narrow counters cannot overflow: punches of an employee only move forward and shifts (at most
/// 24 hours) never overlap, so the shifts starting in a day, week or month total at most 2, 8 or 32
/// days of minutes (2,880 / 11,520 / 46,080 < 2^12 / 2^14 / 2^16).
type WorkerSlot is uint256;

using WorkerSlots for WorkerSlot global;

library WorkerSlots {
    uint256 private constant EMPLOYER_ID = 0;
    uint256 private constant LAST_AT = 32;
    uint256 private constant CLOCKED_IN = 72;
    uint256 private constant SEVERAL_AT_LAST = 73;
    uint256 private constant TIME_OFF_GRANTED = 74;
    uint256 private constant LAST_DEVICE = 75;
    uint256 private constant WAGE = 107;
    uint256 private constant WAGE_PENDING = 147;
    uint256 private constant LISTED = 148;
    uint256 private constant DAYS_WORKED = 149;
    uint256 private constant SHIFT_DAY = 155;
    uint256 private constant DAY_MINUTES = 179;
    uint256 private constant WEEK_MINUTES = 191;
    uint256 private constant MONTH_MINUTES = 205;
    uint256 private constant FIRST_LIMIT = 221;
    uint256 private constant SECOND_LIMIT = 238;

    uint256 private constant ID_BITS = 32;
    uint256 private constant TIME_BITS = 40;
    uint256 private constant WAGE_BITS = 40;
    uint256 private constant DAY_BITS = 24;
    uint256 private constant LIMIT_COUNT_BITS = 16;
    /// @dev A week's days whose work later days of the week read: all but its seventh.
    uint256 internal constant DAYS_WORKED_BITS = 6;

    /// @dev All bits set: `~(ONES << n)` is the low n bits, `ONES << n` every bit from n up.
    uint256 private constant ONES = type(uint256).max;

    /// @dev The widest time and wage a slot holds (callers check before they store).
    uint256 internal constant MAX_TIME = ~(ONES << TIME_BITS);
    uint256 internal constant MAX_WAGE = ~(ONES << WAGE_BITS);
    uint256 internal constant MAX_DAY = ~(ONES << DAY_BITS);

    /// @dev How many limit sentences keep their counter in the slot (further ones get a slot each).
    uint256 internal constant LIMITS_IN_SLOT = 2;

    /// @dev What a new last punch replaces: its time, its clock-in bit and its device.
    uint256 private constant LAST_PUNCH_BITS =
        (MAX_TIME << LAST_AT) | (1 << CLOCKED_IN) | (ID_MASK << LAST_DEVICE);
    /// @dev What a finished shift replaces: its day and the minutes in its day, week and month.
    uint256 private constant SHIFT_COUNT_BITS = (ONES << SHIFT_DAY) & ~(ONES << FIRST_LIMIT);

    // Masks of each field (constant expressions: every getter and setter below is a shift and a mask
    // the optimizer folds, with no width computed at run time).
    uint256 private constant ID_MASK = ~(ONES << ID_BITS);
    uint256 private constant EMPLOYER_ID_MASK = ID_MASK << EMPLOYER_ID;
    uint256 private constant WAGE_MASK = MAX_WAGE << WAGE;
    uint256 private constant DAY_MINUTES_MASK = (ONES << DAY_MINUTES) & ~(ONES << WEEK_MINUTES); // in place
    uint256 private constant WEEK_MINUTES_MASK = (ONES << WEEK_MINUTES) & ~(ONES << MONTH_MINUTES); // in place
    uint256 private constant MONTH_MINUTES_MASK = (ONES << MONTH_MINUTES) & ~(ONES << FIRST_LIMIT); // in place
    uint256 private constant LIMIT_COUNT_MASK = ~(ONES << LIMIT_COUNT_BITS); // the count, at offset 0
    uint256 private constant LIMIT_MASK = LIMIT_COUNT_MASK | 1 << LIMIT_COUNT_BITS; // count and flag above it
    uint256 private constant DAYS_WORKED_MASK = ~(ONES << DAYS_WORKED_BITS) << DAYS_WORKED; // in place

    function _bit(bool flag) private pure returns (uint256 b) {
        assembly ("memory-safe") { b := flag }
    }

    // ------------------------------------------------------------------ employment

    function employerId(WorkerSlot w) internal pure returns (uint256) {
        return WorkerSlot.unwrap(w) & EMPLOYER_ID_MASK;
    }

    /// @dev `id` < 2^32 (`Employers.MAX_EMPLOYER_ID`).
    function withEmployerId(WorkerSlot w, uint256 id) internal pure returns (WorkerSlot) {
        return WorkerSlot.wrap((WorkerSlot.unwrap(w) & ~EMPLOYER_ID_MASK) | id);
    }

    function wage(WorkerSlot w) internal pure returns (uint256) {
        return (WorkerSlot.unwrap(w) & WAGE_MASK) >> WAGE;
    }

    /// @dev `value` <= MAX_WAGE (`Employment.MAX_HOURLY_WAGE` is below it).
    function withWage(WorkerSlot w, uint256 value) internal pure returns (WorkerSlot) {
        return WorkerSlot.wrap((WorkerSlot.unwrap(w) & ~WAGE_MASK) | value << WAGE);
    }

    function wagePending(WorkerSlot w) internal pure returns (bool) {
        return WorkerSlot.unwrap(w) & 1 << WAGE_PENDING != 0;
    }

    function withWagePending(WorkerSlot w, bool value) internal pure returns (WorkerSlot) {
        return WorkerSlot.wrap((WorkerSlot.unwrap(w) & ~(1 << WAGE_PENDING)) | _bit(value) << WAGE_PENDING);
    }

    function listed(WorkerSlot w) internal pure returns (bool) {
        return WorkerSlot.unwrap(w) & 1 << LISTED != 0;
    }

    function withListed(WorkerSlot w) internal pure returns (WorkerSlot) {
        return WorkerSlot.wrap(WorkerSlot.unwrap(w) | 1 << LISTED);
    }

    function timeOffGranted(WorkerSlot w) internal pure returns (bool) {
        return WorkerSlot.unwrap(w) & 1 << TIME_OFF_GRANTED != 0;
    }

    function withTimeOffGranted(WorkerSlot w) internal pure returns (WorkerSlot) {
        return WorkerSlot.wrap(WorkerSlot.unwrap(w) | 1 << TIME_OFF_GRANTED);
    }

    // ------------------------------------------------------------------ punches

    function lastAt(WorkerSlot w) internal pure returns (uint256) {
        return (WorkerSlot.unwrap(w) >> LAST_AT) & MAX_TIME;
    }

    function clockedIn(WorkerSlot w) internal pure returns (bool) {
        return WorkerSlot.unwrap(w) & 1 << CLOCKED_IN != 0;
    }

    function severalAtLast(WorkerSlot w) internal pure returns (bool) {
        return WorkerSlot.unwrap(w) & 1 << SEVERAL_AT_LAST != 0;
    }

    function withSeveralAtLast(WorkerSlot w, bool value) internal pure returns (WorkerSlot) {
        return WorkerSlot.wrap((WorkerSlot.unwrap(w) & ~(1 << SEVERAL_AT_LAST)) | _bit(value) << SEVERAL_AT_LAST);
    }

    /// @dev The last accepted punch's mark: its device id and kind (what a duplicate repeats).
    function lastMark(WorkerSlot w) internal pure returns (uint256) {
        uint256 word = WorkerSlot.unwrap(w);
        return ((word >> LAST_DEVICE) & ID_MASK) << 1 | (word >> CLOCKED_IN) & 1;
    }

    /// @dev A punch's mark: its device id and kind.
    function mark(uint256 deviceId, bool clockIn) internal pure returns (uint256) {
        return deviceId << 1 | _bit(clockIn);
    }

    /// @dev The slot with `at` (< 2^40: checked by the caller), `clockIn` and `deviceId` as its last punch.
    function withLastPunch(WorkerSlot w, uint256 at, bool clockIn, uint256 deviceId)
        internal pure returns (WorkerSlot)
    {
        return WorkerSlot.wrap((WorkerSlot.unwrap(w) & ~LAST_PUNCH_BITS) | at << LAST_AT
            | _bit(clockIn) << CLOCKED_IN | deviceId << LAST_DEVICE);
    }

    // ------------------------------------------------------------------ shift counts

    function shiftDay(WorkerSlot w) internal pure returns (uint256) {
        return (WorkerSlot.unwrap(w) >> SHIFT_DAY) & MAX_DAY;
    }

    function dayMinutes(WorkerSlot w) internal pure returns (uint256) {
        return (WorkerSlot.unwrap(w) & DAY_MINUTES_MASK) >> DAY_MINUTES;
    }

    function weekMinutes(WorkerSlot w) internal pure returns (uint256) {
        return (WorkerSlot.unwrap(w) & WEEK_MINUTES_MASK) >> WEEK_MINUTES;
    }

    function monthMinutes(WorkerSlot w) internal pure returns (uint256) {
        return (WorkerSlot.unwrap(w) & MONTH_MINUTES_MASK) >> MONTH_MINUTES;
    }

    /// @dev The slot with a finished shift on `day` (< 2^24: checked by the caller) and the minutes
    /// worked so far in that day, week and month (they fit: see the layout).
    function withShiftCounts(WorkerSlot w, uint256 day, uint256 inDay, uint256 inWeek, uint256 inMonth)
        internal pure returns (WorkerSlot)
    {
        return WorkerSlot.wrap((WorkerSlot.unwrap(w) & ~SHIFT_COUNT_BITS) | day << SHIFT_DAY
            | inDay << DAY_MINUTES | inWeek << WEEK_MINUTES | inMonth << MONTH_MINUTES);
    }

    // ------------------------------------------------------------------ days of work

    /// @dev The days of work of the week of `shiftDay` (bit i: its week's day i).
    function daysWorked(WorkerSlot w) internal pure returns (uint256) {
        return (WorkerSlot.unwrap(w) & DAYS_WORKED_MASK) >> DAYS_WORKED;
    }

    /// @dev `worked` < 2^DAYS_WORKED_BITS (the caller keeps only the days it holds).
    function withDaysWorked(WorkerSlot w, uint256 worked) internal pure returns (WorkerSlot) {
        return WorkerSlot.wrap((WorkerSlot.unwrap(w) & ~DAYS_WORKED_MASK) | worked << DAYS_WORKED);
    }

    // ------------------------------------------------------------------ limit counters

    /// @dev Count `added` minutes against limit sentence `index` (< 2) whose period instance starts anew
    /// when `rolled`; `report`: the count now exceeds `limit` for the first time in this instance.
    /// (One function rather than getters and setters: the count and its flag change together, and a
    /// paying clock-out runs this for both in-slot sentences.) Counts fit: see the layout.
    function countLimit(WorkerSlot w, uint256 index, bool rolled, uint256 added, uint256 limit)
        internal pure returns (WorkerSlot, bool report)
    {
        uint256 offset = index == 0 ? FIRST_LIMIT : SECOND_LIMIT;
        uint256 word = WorkerSlot.unwrap(w);
        uint256 state = rolled ? 0 : (word >> offset) & LIMIT_MASK;
        uint256 count;
        unchecked { count = (state & LIMIT_COUNT_MASK) + added; } // at most the period's minutes
        uint256 flag = state >> LIMIT_COUNT_BITS | _bit(count > limit); // set from the first excess on
        report = flag > state >> LIMIT_COUNT_BITS; // set just now
        word = (word & ~(LIMIT_MASK << offset)) | (count | flag << LIMIT_COUNT_BITS) << offset;
        return (WorkerSlot.wrap(word), report);
    }
}
