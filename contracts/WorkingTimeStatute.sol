// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AttendanceDevices} from "./AttendanceDevices.sol";
import {CivilCalendar} from "./CivilCalendar.sol";
import {Employment} from "./Employment.sol";
import {PunchBatches} from "./PunchBatches.sol";
import {StatuteBase} from "./StatuteBase.sol";
import {WageQueue} from "./WageQueue.sol";
import {WorkerSlot, WorkerSlots} from "./WorkerSlot.sol";

/// @title Working-time statute
/// @notice Shifts from signed attendance punches, premium pay per minute (the highest applicable rate
/// wins; additional premiums, such as night work, add to it), working-time limits, and wages paid from the employer's deposit, first in first out, with
/// arrears when it runs short. Weekly and monthly pay is settled page by page (`settle`).
/// @dev A generated contract per statute inherits this one and supplies the statute's rules: earning
/// and limit sentences, public holidays, minimum wage. The pieces: `Employment` (consent, wages, end),
/// `AttendanceDevices` (offer, accept, revoke), `PunchBatches` (what devices sign), `WageQueue`
/// (deposits, payments, arrears) and the rules here. The semantics mirror
/// `lawdsl/interpret/working_time.py`; chain and interpreter outcomes are compared with `==`.
abstract contract WorkingTimeStatute is Employment, AttendanceDevices, WageQueue, PunchBatches {
    // ------------------------------------------------------------------ types

    enum DayKind { Any, Workday, RestDay, PublicHoliday }
    enum Period { Day, Week, Month, Year }
    enum PaySchedule { ClockOut, EndOfWeek, EndOfMonth, EndOfHalfMonth }

    /// @notice Why a punch inside a batch was refused; the batch itself goes on.
    enum PunchRejection {
        None,
        BeforeEffectiveDate,
        NotEmployed,
        DeviceOfAnotherEmployer,
        DuplicatePunch,
        EarlierThanLastPunch,
        AlreadyClockedIn,
        ClockOutWithoutClockIn,
        ShiftOver24Hours
    }

    /// @notice The calendar a statute reads time in.
    struct Calendar {
        uint32 effectiveDay; // day number of the effective date
        int32 timeZoneOffset; // seconds east of UTC
        uint8 restDays; // bit i set: weekday i (Monday = 0) is a rest day
        uint8 weekStart; // 0 = Monday
    }

    /// @dev A running count in the current instance of a period (limit sentences past the slot's two).
    struct Counter {
        uint32 start; // day number of the period's first day
        uint32 count; // minutes
        bool flagged; // a violation was reported for this instance
    }

    /// @dev A finished shift and everything a statute's rules read about it, built once per clock-out;
    /// the generated `_applyRules` reads it, `_limit` updates `worker`.
    struct Shift {
        uint64 ref; // the clock-out's event
        address device; // the clock-out's device
        uint256 at; // the clock-out's time
        bool logged; // the clock-out was logged (`PaidAtClockOut` or `Punched`)
        address employee;
        address employer;
        WorkerSlot worker; // the employee's slot as it will be stored
        uint256 length; // minutes
        uint256 day; // the local day the shift started on
        uint256 clockInSecond; // the clock-in's second after that day's first instant (local midnight)
        DayKind kind; // what that day is under the statute
        bool timeOff; // compensatory time off was granted for that day
        uint256 previousDay; // the local day of the employee's previous shift (0: none)
        uint256 weekStart; // first day of the shift's week
        uint256 monthStart; // first day of the shift's month
        uint256 beforeDay; // minutes of earlier shifts started in the shift's day
        uint256 beforeWeek; // … in its week
        uint256 beforeMonth; // … in its month
        uint256 overtimeFrom; // rules counting straight time: the minute overtime begins (`NEVER`: none)
        uint256 straightBeforeDay; // … the minutes of earlier shifts in the day not paid as overtime
        uint256 straightBeforeWeek; // … in the week
        uint256 straightBeforeMonth; // … in the month
        uint256 accruing; // weekly/monthly pay: first day of the pay period it accrues to (0: paid now)
    }

    // ------------------------------------------------------------------ constants

    string public constant SIGNING_DOMAIN = "lawdsl working time";
    /// @dev Exact amounts are minutes × millionths × minor units per hour: over this, one rounding.
    uint256 private constant AMOUNT_SCALE = 60 * MILLIONTHS;
    /// @dev The shift minute from which a rule that does not apply to a shift applies: never.
    uint256 internal constant NEVER = type(uint256).max;
    /// @dev Minutes in a day, for time-of-day windows.
    uint256 private constant MINUTES_PER_DAY = 24 * 60;
    /// @dev The days around a shift on which a time-of-day window can meet it: the one before, its own, the next.
    uint256 private constant WINDOW_DAYS = 3;
    /// @dev One straight-time count of `_straightMinutes` (32 bits each).
    uint256 private constant STRAIGHT_COUNT = type(uint32).max;
    /// @dev Semimonthly pay: the first half of a month is its first 15 days (California Labor Code §204).
    uint256 private constant HALF_MONTH_DAYS = 15;
    /// @dev `_payAccrued` for an ending employment: every accruing period, ended or not.
    uint256 private constant ALL_PERIODS = type(uint256).max;

    // ------------------------------------------------------------------ state

    PaySchedule public immutable paySchedule;
    uint32 public immutable effectiveDay;
    int32 public immutable timeZoneOffset;
    uint8 public immutable restDays;
    uint8 public immutable weekStart;

    mapping(address employee => mapping(uint256 day => bool)) public timeOff;
    /// @dev Limit sentences after the slot's two, one counter each.
    mapping(address employee => mapping(uint256 limit => Counter)) private _limitCounters;
    /// @dev Only when several punches of an employee were accepted at one instant: (device id, kind)
    /// → that instant, so a copy of any of them is a duplicate. The common case needs none of it.
    mapping(address employee => mapping(uint256 mark => uint256)) private _marks;

    /// @dev Weekly and monthly pay: the first day of the pay period an employee's exact amounts accrue
    /// to, plus one (0: nothing accrues), and the amounts per article position. Every accepted punch
    /// pays the periods ended by its time, and a shift accrues to the period of its clock-in, so at most
    /// one period accrues per employee at a time.
    mapping(address employee => uint256) private _accrualPeriod;
    mapping(address employee => mapping(uint256 position => uint256)) private _accrued;

    /// @dev Statutes with a rule `not counting hours already paid as overtime` whose period some other
    /// rule counts in full (see `_countStraightTime`): the minutes of shifts in the day (bits 0–31),
    /// week (32–63) and month (64–95) of the worker's last shift that were not paid as overtime.
    /// Periods roll as the slot's counts do (on `shiftDay`).
    mapping(address employee => uint256) private _straightMinutes;

    /// @dev Settlement in pages: the next employee's index (bits 0–127; 0: no round open) and the time
    /// the open round settles for (128–255).
    uint256 private _settlement;

    // ------------------------------------------------------------------ events

    event TimeOffGranted(address indexed employer, address indexed employee, uint256 day);
    /// @notice A punch of a batch was accepted (the citizens' portal and the gateway's audit read it);
    /// a clock-out paid at once logs `PaidAtClockOut` instead.
    event Punched(uint64 ref, address indexed device, address indexed employee, uint64 at, bool clockIn);
    /// @notice A clock-out was accepted and its shift paid at once from the employer's deposit under
    /// `article`: `Punched` (clockIn false) and `WagePaid` (seq 0) in one log.
    event PaidAtClockOut(uint64 ref, address indexed device, address indexed employee, address indexed employer,
                         uint64 at, bytes32 article, uint256 amount);
    /// @notice A punch of a batch was refused, with the first rule it breaks.
    event PunchRejected(uint64 ref, address indexed device, address indexed employee, PunchRejection reason);
    /// @notice A limit sentence of `article` was exceeded in the period beginning on day `periodStart`.
    event LimitExceeded(uint64 ref, bytes32 indexed article, address indexed employer,
                        address indexed employee, Period period, uint256 periodStart);
    /// @notice A settlement round (every employee's ended pay periods as of `at`) is complete.
    event Settled(uint64 ref, uint256 at);

    error TimeOffNotGrantedByEmployer(address employee, address employer);

    // ------------------------------------------------------------------ construction

    /// @dev EIP-712 names are at most 31 bytes (OpenZeppelin's ShortStrings), shorter than many statute
    /// titles: the signing domain is `SIGNING_DOMAIN` with the statute's version, and the contract
    /// address (`verifyingContract`) tells statutes apart. Read it with `eip712Domain()`.
    constructor(IERC20 currency_, address authority, string memory version, Calendar memory calendar,
                PaySchedule schedule)
        StatuteBase(currency_, authority, CivilCalendar.midnight(calendar.effectiveDay, calendar.timeZoneOffset))
        EIP712(SIGNING_DOMAIN, version)
    {
        paySchedule = schedule;
        effectiveDay = calendar.effectiveDay;
        timeZoneOffset = calendar.timeZoneOffset;
        restDays = calendar.restDays;
        weekStart = calendar.weekStart;
    }

    // ------------------------------------------------------------------ what a statute supplies

    /// @dev The statute's rules applied to a finished shift: each limit sentence calls `_limit`, in
    /// article order; then `_storeWorker`; then each earning article calls `_earned`, in article order
    /// (a violation is logged before the shift's pay, the worker is stored before any transfer).
    function _applyRules(Shift memory shift) internal virtual;

    /// @dev Article positions up to the last earning article, plus one (accrual slots).
    function _articleSlots() internal pure virtual returns (uint256);

    function _isPublicHoliday(uint256 day) internal pure virtual returns (bool);

    /// @dev The id of the article at `position` in the statute.
    function _article(uint256 position) internal pure virtual returns (bytes32);

    // ------------------------------------------------------------------ employers

    /// @notice The employer grants compensatory time off for the shifts starting on local day `day`.
    function grantTimeOff(address employee, uint256 day) external inForce {
        WorkerSlot worker = _workers[employee];
        address employer = _employerById[worker.employerId()];
        if (employer == address(0)) revert NotEmployed(employee);
        if (employer != msg.sender) revert TimeOffNotGrantedByEmployer(employee, employer);
        timeOff[employee][day] = true;
        _workers[employee] = worker.withTimeOffGranted();
        emit TimeOffGranted(msg.sender, employee, day);
    }

    // ------------------------------------------------------------------ devices

    /// @notice Submit an accepted device's signed batch of punches; anyone may relay it.
    /// @dev A bad signature, an unregistered, unaccepted or revoked device, a wrong sequence number, a
    /// malformed or far-future punch reverts the batch; a punch the statute refuses is logged with
    /// `PunchRejected` and the batch goes on. Loop bound: the batch's punches (calldata).
    function submitPunches(PunchBatch calldata batch, bytes calldata signature) external nonReentrant inForce {
        address deviceAddress = batch.device;
        uint64 sequence = batch.sequence; // decoded (and range-checked) once
        Punch[] calldata punches = batch.punches;
        uint256 device = _countingDevice(deviceAddress);
        bytes32 digest = _batchDigest(deviceAddress, sequence, punches);
        if (!_validDeviceSignature(_isContractDevice(device), deviceAddress, digest, signature)) {
            revert InvalidDeviceSignature(deviceAddress);
        }
        _useSequence(deviceAddress, device, sequence);
        // A punch leaves nothing in memory that the next one reads: give its memory back, so that
        // memory (whose price grows with the square of its size) stays small in a large batch.
        uint256 freeMemory;
        assembly { freeMemory := mload(0x40) }
        for (uint256 i = 0; i < punches.length;) {
            _punch(device, deviceAddress, punches[i]);
            assembly { mstore(0x40, freeMemory) }
            unchecked { ++i; }
        }
    }

    // ------------------------------------------------------------------ keeper

    /// @notice Pay weekly or monthly wages whose period has ended, for at most `maxEmployees` employees
    /// (in order of first employment) from where the open round stopped; returns how many employees
    /// the round has left (0: the round is complete and `Settled` logged). A round settles as of the
    /// time of its first call. Anyone may call it; the keeper calls again while employees remain.
    /// @dev Loop bound: `maxEmployees` employees, each paying at most one accruing period × the
    /// statute's earning articles (`_articleSlots`).
    function settle(uint64 ref, uint256 maxEmployees) external nonReentrant inForce returns (uint256 remaining) {
        if (maxEmployees == 0) revert EmptyPage();
        uint256 round = _settlement;
        uint256 cursor = uint128(round);
        uint256 at = cursor == 0 ? block.timestamp : round >> 128;
        uint256 count = employees.length;
        uint256 end = count - cursor > maxEmployees ? cursor + maxEmployees : count;
        if (paySchedule != PaySchedule.ClockOut) {
            for (uint256 i = cursor; i < end; ++i) {
                address employee = employees[i];
                _payAccrued(employee, _employerById[_workers[employee].employerId()], at, ref);
            }
        }
        remaining = count - end;
        if (remaining == 0) {
            delete _settlement;
            emit Settled(ref, at);
        } else {
            _settlement = at << 128 | end;
        }
    }

    /// @notice The open settlement round: the next employee's index (0: no round open) and the time
    /// the round settles for.
    function settlement() external view returns (uint256 cursor, uint256 at) {
        return (uint128(_settlement), _settlement >> 128);
    }

    // ------------------------------------------------------------------ views

    /// @notice Workday, rest day or public holiday: what `day` is under this statute.
    function dayKind(uint256 day) public view returns (DayKind) {
        if (_isPublicHoliday(day)) return DayKind.PublicHoliday;
        if (restDays & (1 << CivilCalendar.weekday(day)) != 0) return DayKind.RestDay;
        return DayKind.Workday;
    }

    // ------------------------------------------------------------------ punches

    /// @dev Apply one punch of a verified batch from `device` (its slot): refuse it with a reason, or
    /// record it (a clock-out finishes a shift) and pay weekly/monthly wages whose period it shows ended.
    function _punch(uint256 device, address deviceAddress, Punch calldata p) private {
        (address employee, uint256 at, bool clockIn, uint64 ref) = _readPunch(p);
        WorkerSlot worker = _workers[employee];
        uint256 deviceId = _deviceId(device);
        uint256 mark = WorkerSlots.mark(deviceId, clockIn);
        PunchRejection reason = _check(_deviceEmployerId(device), employee, at, mark, worker);
        if (reason != PunchRejection.None) {
            emit PunchRejected(ref, deviceAddress, employee, reason);
            return;
        }
        if (at > WorkerSlots.MAX_TIME) revert SafeCast.SafeCastOverflowedUintDowncast(40, at);
        uint256 started = worker.lastAt(); // a clock-out's clock-in: checked by `_check`
        if (at == started) { // another punch accepted at the same instant: remember every mark
            if (!worker.severalAtLast()) {
                _marks[employee][worker.lastMark()] = at;
                worker = worker.withSeveralAtLast(true);
            }
            _marks[employee][mark] = at;
        } else {
            worker = worker.withSeveralAtLast(false);
        }
        worker = worker.withLastPunch(at, clockIn, deviceId);
        address employer = _deviceEmployer(device);
        if (clockIn) {
            emit Punched(ref, deviceAddress, employee, uint64(at), true);
            _workers[employee] = _startShiftWage(employee, worker);
        } else {
            _finishShift(ref, deviceAddress, employee, employer, worker, started, at);
        }
        if (paySchedule != PaySchedule.ClockOut) _payAccrued(employee, employer, at, ref);
    }

    /// @dev The first rule the punch breaks, in the interpreter's order, or None.
    function _check(uint256 employerId, address employee, uint256 at, uint256 mark, WorkerSlot worker)
        private view returns (PunchRejection)
    {
        if (at < effectiveFrom) return PunchRejection.BeforeEffectiveDate;
        uint256 employedBy = worker.employerId();
        if (employedBy == 0) return PunchRejection.NotEmployed;
        if (employedBy != employerId) return PunchRejection.DeviceOfAnotherEmployer;
        uint256 lastAt = worker.lastAt();
        bool clockedIn = worker.clockedIn();
        if (lastAt != 0) {
            if (at == lastAt && (mark == worker.lastMark()
                                 || (worker.severalAtLast() && _marks[employee][mark] == at))) {
                return PunchRejection.DuplicatePunch;
            }
            if (at < lastAt) return PunchRejection.EarlierThanLastPunch;
        }
        uint256 since;
        unchecked { since = at - lastAt; } // at >= lastAt: refused above otherwise
        if (mark & 1 == 1) {
            if (clockedIn && since <= MAX_SHIFT) return PunchRejection.AlreadyClockedIn;
        } else if (!clockedIn) {
            return PunchRejection.ClockOutWithoutClockIn;
        } else if (since > MAX_SHIFT) {
            return PunchRejection.ShiftOver24Hours;
        }
        return PunchRejection.None;
    }

    // ------------------------------------------------------------------ shifts

    /// @dev Count, check limits and pay (or accrue) a finished shift; stores the worker first. The
    /// clock-out is logged with its first payment made at once, or else last.
    function _finishShift(uint64 ref, address device, address employee, address employer, WorkerSlot worker,
                          uint256 started, uint256 ended) private
    {
        Shift memory shift = _countShift(ref, employee, employer, worker, started, ended);
        shift.device = device;
        shift.at = ended;
        _applyRules(shift);
        if (!shift.logged) emit Punched(ref, device, employee, uint64(ended), false);
    }

    /// @dev The shift's date, day kind and periods; adds its minutes to the day/week/month counts.
    function _countShift(uint64 ref, address employee, address employer, WorkerSlot worker, uint256 started,
                         uint256 ended) private view returns (Shift memory shift)
    {
        uint256 day = CivilCalendar.localDay(started, _offsetAt(started));
        if (day > WorkerSlots.MAX_DAY) revert SafeCast.SafeCastOverflowedUintDowncast(24, day);
        shift.ref = ref;
        shift.employee = employee;
        shift.employer = employer;
        shift.day = day;
        shift.clockInSecond = started - CivilCalendar.midnight(day, _midnightOffset(day)); // a day: 23 to 25 hours
        shift.kind = dayKind(day);
        shift.timeOff = worker.timeOffGranted() && timeOff[employee][day];
        shift.weekStart = CivilCalendar.weekStart(day, weekStart);
        shift.monthStart = CivilCalendar.monthStart(day);
        unchecked { shift.length = (ended - started) / 60; } // ended >= started: checked by `_check`
        // Shift days only move forward: the previous shift's day is in this shift's week (month)
        // exactly when it is not before the week's (month's) first day.
        uint256 previous = worker.shiftDay();
        shift.previousDay = previous;
        if (previous == day) shift.beforeDay = worker.dayMinutes();
        if (previous != 0 && previous >= shift.weekStart) shift.beforeWeek = worker.weekMinutes();
        if (previous != 0 && previous >= shift.monthStart) shift.beforeMonth = worker.monthMinutes();
        uint256 length = shift.length;
        unchecked { // sums fit their fields: see `WorkerSlot`
            shift.worker = worker.withShiftCounts(day, shift.beforeDay + length, shift.beforeWeek + length,
                                                  shift.beforeMonth + length);
        }
    }

    /// @dev The first day of the shift's `period`.
    function _periodStart(Shift memory shift, Period period) private pure returns (uint256) {
        if (period == Period.Day) return shift.day;
        return period == Period.Week ? shift.weekStart : shift.monthStart;
    }

    // ------------------------------------------------------------------ what generated rules call

    /// @dev Store the worker's slot (its limit counters counted) and, weekly/monthly, open the shift's
    /// pay period: the effects of a shift, before any of its payments.
    function _storeWorker(Shift memory shift) internal {
        _workers[shift.employee] = shift.worker;
        if (paySchedule != PaySchedule.ClockOut) {
            shift.accruing = paySchedule == PaySchedule.EndOfWeek ? shift.weekStart : shift.monthStart;
            if (paySchedule == PaySchedule.EndOfHalfMonth && shift.day >= shift.monthStart + HALF_MONTH_DAYS) {
                shift.accruing += HALF_MONTH_DAYS; // the 16th: the month's second half
            }
            _accrualPeriod[shift.employee] = shift.accruing + 1;
        }
    }

    /// @dev Minutes of the shift from minute `from` (a rule's start) until `higher` (the earliest start
    /// of a rule paying more) or the shift's end: what the rule starting at `from` pays. Every rule
    /// covers a suffix of the shift, so a rule wins exactly the minutes from its start until the first
    /// start of a rule that beats it (a higher rate, or an equal one earlier in the statute).
    function _minutesWon(Shift memory shift, uint256 from, uint256 higher) internal pure returns (uint256) {
        uint256 until = higher < shift.length ? higher : shift.length;
        unchecked { return until > from ? until - from : 0; }
    }

    /// @dev Minutes of the shift from minute `from` (a premium's start) to its end whose first second
    /// falls inside the local time-of-day window from minute `opens` to minute `closes` after midnight
    /// (crossing midnight when `closes <= opens`): what a premium with a window pays. Minute i begins
    /// `clockInSecond + 60 i` seconds after the shift day's midnight; on a timeline from the midnight
    /// before, a shift of at most a day lies within three days, and the window's occurrences on those
    /// days never overlap. The interpreter's `window_minutes` is the same arithmetic.
    function _windowMinutes(Shift memory shift, uint256 from, uint256 opens, uint256 closes)
        internal view virtual returns (uint256 total)
    {
        uint256 length = shift.length;
        if (from >= length) return 0;
        if (closes <= opens) closes += MINUTES_PER_DAY;
        // Window bounds are minutes of a day and a clock-in second is under a day: nothing overflows.
        unchecked {
            uint256 base = shift.clockInSecond + 1 days;
            for (uint256 day = 0; day < WINDOW_DAYS; ++day) {
                uint256 first = _minutesBefore((opens + day * MINUTES_PER_DAY) * 60, base);
                uint256 last = _minutesBefore((closes + day * MINUTES_PER_DAY) * 60, base);
                if (first < from) first = from;
                if (last > length) last = length;
                if (last > first) total += last - first;
            }
        }
    }

    /// @dev How many minutes beginning at `base + 60 i` (i >= 0) begin before `second`.
    function _minutesBefore(uint256 second, uint256 base) private pure returns (uint256) {
        unchecked { return second > base ? (second - base + 59) / 60 : 0; }
    }

    /// @dev The offset from UTC (seconds east) at which the clocks read unix time `at`: the statute's one
    /// offset (a zone whose clocks change reads its table: `ZonedWorkingTimeStatute`).
    function _offsetAt(uint256) internal view virtual returns (int256) {
        return timeZoneOffset;
    }

    /// @dev The offset from UTC at which local day `day` begins at its 00:00 (`CivilCalendar.midnight`
    /// at it is the day's first instant): the statute's one offset.
    function _midnightOffset(uint256) internal view virtual returns (int256) {
        return timeZoneOffset;
    }

    /// @dev Counts the shift's day as a day of work of its week when the shift works a minute, and returns
    /// which day of its run of consecutive days of work within the week it is (0: the shift works no
    /// minute): one more than the days of work right before it, back to the week's first day
    /// (docs/semantics.md, "Consecutive days of work"). Generated rules call it once, first, and only
    /// under a statute with a rule on consecutive days of work, so no other statute pays for it.
    function _countDayWorked(Shift memory shift) internal pure returns (uint256 run) {
        uint256 previous = shift.previousDay;
        uint256 worked = previous != 0 && previous >= shift.weekStart ? shift.worker.daysWorked() : 0;
        uint256 offset;
        unchecked { offset = shift.day - shift.weekStart; } // a week's first day is not after its days
        if (shift.length != 0) {
            if (offset < WorkerSlots.DAYS_WORKED_BITS) worked |= 1 << offset;
            unchecked { // at most the 6 days before it in its week
                for (run = 1; offset != 0 && (worked >> (offset - 1)) & 1 == 1; --offset) ++run;
            }
        }
        shift.worker = shift.worker.withDaysWorked(worked);
    }

    /// @dev The earlier of two rule starts.
    function _earliest(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @dev The shift minute from which a rule with `threshold` minutes in a period applies, when
    /// `already` minutes of that period were worked before the shift.
    function _beyond(uint256 threshold, uint256 already) internal pure returns (uint256) {
        unchecked { return threshold > already ? threshold - already : 0; }
    }

    /// @dev The shift minute from which a rule counting straight time only (`not counting hours already
    /// paid as overtime`) with `threshold` minutes applies, when `already` straight minutes of its
    /// period were worked before the shift: the count grows until overtime begins (`overtimeFrom`)
    /// and no further, so a threshold beyond that is never reached in this shift.
    function _beyondStraight(uint256 threshold, uint256 already, uint256 overtimeFrom)
        internal pure returns (uint256)
    {
        if (threshold <= already) return 0;
        unchecked {
            uint256 needed = threshold - already;
            return needed <= overtimeFrom ? needed : NEVER;
        }
    }

    /// @dev Straight-time counts for rules `not counting hours already paid as overtime`: set the shift's
    /// straight minutes before it (`straightBefore…`) and count its minutes before `shift.overtimeFrom`.
    /// For a period in `inSlot` (bit `Period`), no rule of the statute counts every hour of that period,
    /// so the worker slot's count for it holds straight time: read it there and add straight minutes
    /// only, at no storage cost. Periods in `inSide`, which other rules count in full, keep theirs in
    /// `_straightMinutes`, rolled as the slot's.
    function _countStraightTime(Shift memory shift, uint256 inSlot, uint256 inSide) internal {
        uint256 straight = shift.overtimeFrom < shift.length ? shift.overtimeFrom : shift.length;
        if (inSide != 0) {
            uint256 packed = _straightMinutes[shift.employee];
            uint256 previous = shift.previousDay;
            if (previous == shift.day) shift.straightBeforeDay = packed & STRAIGHT_COUNT;
            if (previous != 0 && previous >= shift.weekStart) {
                shift.straightBeforeWeek = packed >> 32 & STRAIGHT_COUNT;
            }
            if (previous != 0 && previous >= shift.monthStart) {
                shift.straightBeforeMonth = packed >> 64 & STRAIGHT_COUNT;
            }
            // Each count is at most a month of minutes (< 2^32): see `WorkerSlot`.
            unchecked {
                _straightMinutes[shift.employee] = (shift.straightBeforeDay + straight)
                    | (shift.straightBeforeWeek + straight) << 32 | (shift.straightBeforeMonth + straight) << 64;
            }
        }
        uint256 inDay = shift.length;
        uint256 inWeek = shift.length;
        uint256 inMonth = shift.length;
        if (_inPeriod(inSlot, Period.Day)) (shift.straightBeforeDay, inDay) = (shift.beforeDay, straight);
        if (_inPeriod(inSlot, Period.Week)) (shift.straightBeforeWeek, inWeek) = (shift.beforeWeek, straight);
        if (_inPeriod(inSlot, Period.Month)) (shift.straightBeforeMonth, inMonth) = (shift.beforeMonth, straight);
        unchecked { // sums fit their fields: see `WorkerSlot`
            shift.worker = shift.worker.withShiftCounts(shift.day, shift.beforeDay + inDay,
                                                        shift.beforeWeek + inWeek, shift.beforeMonth + inMonth);
        }
    }

    /// @dev Whether bit `period` is set in a mask of periods.
    function _inPeriod(uint256 mask, Period period) private pure returns (bool) {
        return (mask >> uint256(period)) & 1 == 1;
    }

    /// @dev The shift earned `rateMinutes` (minutes × millionths of the hourly wage) under the article at
    /// `position`: one rounded payment now, or, weekly/monthly, the exact amount accrued.
    function _earned(Shift memory shift, uint256 position, bytes32 article, uint256 rateMinutes) internal {
        uint256 exact;
        unchecked { exact = rateMinutes * shift.worker.wage(); } // < 2^83 × 2^40
        if (exact == 0) return;
        if (shift.accruing != 0) {
            _accrued[shift.employee][position] += exact;
            return;
        }
        uint256 amount = _rounded(exact);
        if (amount == 0) return;
        if (!_takeIfFree(shift.employer, amount)) {
            _enqueue(shift.employer, shift.employee, article, amount, shift.ref);
            return;
        }
        if (shift.logged) {
            emit WagePaid(0, shift.ref, shift.employer, shift.employee, article, amount);
        } else {
            emit PaidAtClockOut(shift.ref, shift.device, shift.employee, shift.employer, uint64(shift.at),
                                article, amount);
            shift.logged = true;
        }
        _transferWage(shift.employee, amount);
    }

    /// @dev Count the shift against limit sentence `index` of `article` (`added` minutes, in `period`,
    /// when the sentence `applies` to the shift's day) and report the first excess over `limit` in each
    /// period instance. The slot's counters roll at every shift (shift dates only move forward, so
    /// rolling them when their sentence does not apply changes nothing); further ones have a slot each
    /// and roll when counted, as the interpreter's do.
    function _limit(Shift memory shift, uint256 index, bytes32 article, Period period, bool applies,
                    uint256 limit, uint256 added) internal
    {
        uint256 start = _periodStart(shift, period);
        bool report;
        if (index < WorkerSlots.LIMITS_IN_SLOT) {
            bool rolled = shift.previousDay == 0 || shift.previousDay < start; // a new period instance
            (shift.worker, report) = shift.worker.countLimit(index, rolled, applies ? added : 0, limit);
        } else if (applies) {
            Counter storage counter = _limitCounters[shift.employee][index];
            if (counter.start != start) {
                counter.start = SafeCast.toUint32(start);
                counter.count = 0;
                counter.flagged = false;
            }
            counter.count += SafeCast.toUint32(added);
            report = counter.count > limit && !counter.flagged;
            if (report) counter.flagged = true;
        }
        if (report) emit LimitExceeded(shift.ref, article, shift.employer, shift.employee, period, start);
    }

    /// @dev The one rounding of a payment: half up, to the minor unit.
    function _rounded(uint256 exact) private pure returns (uint256) {
        // Unchecked, so that `AMOUNT_SCALE`'s product folds into a constant (checked, it is computed at
        // every call); an exact amount is below 2^123 (minutes × millionths × wage), far from overflow.
        unchecked { return (exact + AMOUNT_SCALE / 2) / AMOUNT_SCALE; }
    }

    // ------------------------------------------------------------------ weekly and monthly pay

    /// @dev Pay the employee's accruing period if it ended by `until` (`ALL_PERIODS`: whether or not),
    /// article by article, each paid at once or queued. Loop bound: the statute's earning articles.
    function _payAccrued(address employee, address employer, uint256 until, uint64 ref) private {
        uint256 period = _accrualPeriod[employee];
        if (period == 0) return;
        unchecked { --period; } // stored plus one
        uint256 end = _payPeriodEnd(period);
        if (until != ALL_PERIODS && CivilCalendar.midnight(end, _midnightOffset(end)) > until) return;
        delete _accrualPeriod[employee];
        uint256 slots = _articleSlots();
        for (uint256 position = 0; position < slots; ++position) {
            uint256 exact = _accrued[employee][position];
            if (exact == 0) continue;
            delete _accrued[employee][position];
            uint256 amount = _rounded(exact);
            if (amount != 0) _payOrEnqueue(employer, employee, _article(position), amount, ref);
        }
    }

    /// @dev The first day after the pay period beginning on `start`.
    function _payPeriodEnd(uint256 start) private view returns (uint256) {
        if (paySchedule == PaySchedule.EndOfHalfMonth) {
            // The first half (from the 1st) ends at the 16th; the second runs to the month's end.
            (uint256 year, uint256 month, uint256 dayOfMonth) = CivilCalendar.civil(start);
            if (dayOfMonth == 1) return start + HALF_MONTH_DAYS;
            return start + 1 - dayOfMonth + CivilCalendar.daysInMonth(year, month);
        }
        return paySchedule == PaySchedule.EndOfWeek ? start + 7 : CivilCalendar.nextMonthStart(start);
    }

    /// @dev An employment ends: the pay accrued so far falls due now, from its employer.
    function _beforeEmploymentEnds(address employee, WorkerSlot worker, uint64 ref) internal override {
        _payAccrued(employee, _employerById[worker.employerId()], ALL_PERIODS, ref);
    }
}
