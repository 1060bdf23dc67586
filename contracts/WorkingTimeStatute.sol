// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CivilCalendar} from "./CivilCalendar.sol";

/// @title Working-time statute (SPEC §4, working time)
/// @notice Shifts from signed attendance punches, premium pay per minute (the
/// highest applicable rate wins), working-time limits, and wages paid from the
/// employer's deposit, first in first out, with arrears when it runs short.
/// @dev A generated contract per statute inherits this one and supplies the
/// statute's constants: its earning and limit rules, public holidays and
/// calendar. The semantics mirror `lawdsl/interpret/working_time.py`, which
/// defines them; chain and interpreter outcomes are compared with `==`.
/// Money: `currency` is the authority's token, fixed at construction. Every state change
/// for a payment (queue, deposit) is made before its transfer, and every entry point that
/// moves money is `nonReentrant` (transient storage), so a batch can pay many clock-outs
/// in one transaction safely.
abstract contract WorkingTimeStatute is AccessControl, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;

    // ------------------------------------------------------------------ types

    enum DayKind { Any, Workday, RestDay, PublicHoliday }
    enum Period { Day, Week, Month }
    enum PaySchedule { ClockOut, EndOfWeek, EndOfMonth }
    enum Measure { Overtime, HoursWorked }

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

    /// @notice `[on a dayKind,] each hour worked [beyond threshold in a period] earns rate [unless time off]`.
    struct EarningRule {
        bytes32 article;
        uint8 position; // the article's position in the statute: payments are ordered by it
        uint64 rate; // millionths of the hourly wage (150% = 1_500_000)
        DayKind dayKind;
        uint32 threshold; // minutes already worked in `period` before this rule applies
        Period period;
        bool unlessTimeOff;
    }

    /// @notice `[on a dayKind,] overtime|hours worked beyond limit in a period is a violation`.
    struct LimitRule {
        bytes32 article;
        Measure measure;
        uint32 limit; // minutes
        Period period;
        DayKind dayKind;
    }

    /// @notice The calendar a statute reads time in.
    struct Calendar {
        uint32 effectiveDay; // day number of the effective date
        int32 timeZoneOffset; // seconds east of UTC
        uint8 restDays; // bit i set: weekday i (Monday = 0) is a rest day
        uint8 weekStart; // 0 = Monday
    }

    /// @notice One attendance record, `ref` = the scenario event (or outbox record) it came from.
    struct Punch {
        address employee;
        uint64 at;
        bool clockIn;
        uint64 ref;
    }

    /// @notice What a device signs (EIP-712): its punches and its next sequence number.
    struct PunchBatch {
        address device;
        uint64 sequence;
        Punch[] punches;
    }

    struct Worker {
        address employer;
        uint32 order; // order of first employment: ties in one settlement
        uint64 clockedIn; // 0: not clocked in
        uint192 wage; // minor units per hour
        uint64 lastAt; // time of the last accepted punch
    }

    /// @notice A running count in the current instance of a period.
    struct Counter {
        uint32 start; // day number of the period's first day
        uint32 count; // minutes
        bool flagged; // a violation was reported for this instance
    }

    /// @notice A payment due and not yet paid (arrears), waiting in its employer's queue.
    struct Due {
        address employee;
        uint96 amount;
        bytes32 article;
    }

    /// @dev A finished shift: its minutes, local date, day kind, and the day/week/month it falls in.
    struct Shift {
        uint256 length; // minutes
        uint256 day;
        DayKind kind;
        uint256[3] starts; // first day of its day, week and month
        uint256[3] before; // minutes already worked in each of them
    }

    /// @dev A payment falling due during one event, before it is queued.
    struct DueItem {
        uint8 position;
        uint32 periodStart;
        uint32 order;
        address employee;
        bytes32 article;
        uint256 amount;
    }

    // ------------------------------------------------------------------ constants

    bytes32 public constant AUTHORITY_ROLE = keccak256("AUTHORITY_ROLE");
    string public constant SIGNING_DOMAIN = "lawdsl working time";
    bytes32 public constant PUNCH_TYPEHASH =
        keccak256("Punch(address employee,uint64 at,bool clockIn,uint64 ref)");
    bytes32 public constant PUNCH_BATCH_TYPEHASH = keccak256(
        "PunchBatch(address device,uint64 sequence,Punch[] punches)Punch(address employee,uint64 at,bool clockIn,uint64 ref)"
    );
    uint64 public constant MAX_SHIFT = 24 hours;
    uint256 private constant RATE_SCALE = 1_000_000;
    /// @dev Exact amounts are minutes × millionths × minor units per hour: over this, one rounding.
    uint256 private constant AMOUNT_SCALE = 60 * RATE_SCALE;

    // ------------------------------------------------------------------ state

    IERC20 public immutable currency;
    PaySchedule public immutable paySchedule;
    uint32 public immutable effectiveDay;
    int32 public immutable timeZoneOffset;
    uint8 public immutable restDays;
    uint8 public immutable weekStart;
    uint256 public immutable effectiveFrom;

    mapping(address device => address employer) public deviceEmployer;
    mapping(address device => uint64) public nextSequence;
    mapping(address employee => Worker) public workers;
    address[] public employees;
    mapping(address employee => mapping(uint256 day => bool)) public timeOff;
    mapping(address owner => uint256) public deposits;

    /// @dev Minutes worked in the current day, week and month (index = Period), each entry
    /// `periodStart << 32 | minutes`: one storage slot, read and written once per shift.
    mapping(address employee => uint64[3]) private _worked;
    mapping(address employee => mapping(uint256 limit => Counter)) private _limitCounters;
    /// @dev (device, kind) → time of the employee's punch it last made: duplicates at `lastAt`.
    mapping(address employee => mapping(bytes32 mark => uint64)) private _marks;

    // Weekly and monthly schedules: exact amounts accrue per period and article until due.
    mapping(address employee => uint32[]) private _accruingPeriods;
    mapping(address employee => uint256) private _firstAccruing;
    mapping(address employee => mapping(uint256 periodStart => mapping(uint256 position => uint256)))
        private _accrued;

    // Arrears: per employer a FIFO queue of due sequence numbers.
    uint256 public dueCount;
    mapping(uint256 seq => Due) private _dues;
    mapping(address employer => uint256[]) private _queues;
    mapping(address employer => uint256) private _queueHeads;

    // ------------------------------------------------------------------ events

    event Employed(address indexed employer, address indexed employee, uint256 hourlyWage);
    event DeviceRegistered(address indexed device, address indexed employer);
    event Deposited(uint64 ref, address indexed owner, uint256 amount);
    event TimeOffGranted(address indexed employer, address indexed employee, uint256 day);
    event Punched(uint64 ref, address indexed device, address indexed employee, uint64 at, bool clockIn);
    event PunchRejected(uint64 ref, address indexed device, address indexed employee, PunchRejection reason);
    /// @notice A payment fell due under `article`; `seq` orders all payments first in first out.
    event WageDue(uint256 indexed seq, uint64 ref, address indexed employer, address indexed employee,
                  bytes32 article, uint256 amount);
    /// @notice Payment `seq` was made from the employer's deposit, during event `ref`.
    event WagePaid(uint256 indexed seq, uint64 ref, address indexed employer, address indexed employee,
                   bytes32 article, uint256 amount);
    /// @notice A limit sentence of `article` was exceeded in the period beginning on day `periodStart`.
    event LimitExceeded(uint64 ref, bytes32 indexed article, address indexed employer,
                        address indexed employee, Period period, uint256 periodStart);
    event Settled(uint64 ref, uint256 at);

    // ------------------------------------------------------------------ errors (named after the rule)

    error BeforeEffectiveDate(uint256 effectiveFrom);
    error EmployedByAnotherEmployer(address employee, address employer);
    error NegativeHourlyWage(int256 wage);
    error DeviceBoundToAnotherEmployer(address device, address employer);
    error NegativeDeposit(int256 amount);
    error DepositExceedsWallet(uint256 amount, uint256 wallet);
    error NotEmployed(address employee);
    error TimeOffNotGrantedByEmployer(address employee, address employer);
    error UnregisteredDevice(address device);
    error InvalidDeviceSignature(address device);
    error BatchOutOfSequence(address device, uint64 expected, uint64 got);

    // ------------------------------------------------------------------ construction

    /// @dev EIP-712 names are at most 31 bytes (OpenZeppelin's ShortStrings), shorter than many
    /// statute titles: the signing domain is `SIGNING_DOMAIN` with the statute's version, and
    /// the contract address (`verifyingContract`) tells statutes apart. Read it with `eip712Domain()`.
    constructor(IERC20 currency_, address authority, string memory version, Calendar memory calendar,
                PaySchedule schedule) EIP712(SIGNING_DOMAIN, version) {
        currency = currency_;
        paySchedule = schedule;
        effectiveDay = calendar.effectiveDay;
        timeZoneOffset = calendar.timeZoneOffset;
        restDays = calendar.restDays;
        weekStart = calendar.weekStart;
        effectiveFrom = CivilCalendar.midnight(calendar.effectiveDay, calendar.timeZoneOffset);
        _grantRole(DEFAULT_ADMIN_ROLE, authority);
        _grantRole(AUTHORITY_ROLE, authority);
    }

    /// @notice Every action is refused before the statute is in force.
    modifier inForce() {
        if (block.timestamp < effectiveFrom) revert BeforeEffectiveDate(effectiveFrom);
        _;
    }

    // ------------------------------------------------------------------ what a statute supplies

    /// @notice The statute's earning rules in article order (earlier wins ties).
    function _earningRules() internal pure virtual returns (EarningRule[] memory);

    /// @notice The statute's limit sentences in article order.
    function _limitRules() internal pure virtual returns (LimitRule[] memory);

    function _isPublicHoliday(uint256 day) internal pure virtual returns (bool);

    // ------------------------------------------------------------------ employers

    /// @notice The caller employs `employee` at `hourlyWage` minor units an hour; again: a new wage.
    function employ(address employee, int256 hourlyWage) external inForce {
        Worker storage worker = workers[employee];
        if (worker.employer != address(0) && worker.employer != msg.sender) {
            revert EmployedByAnotherEmployer(employee, worker.employer);
        }
        if (hourlyWage < 0) revert NegativeHourlyWage(hourlyWage);
        if (worker.employer == address(0)) {
            worker.employer = msg.sender;
            worker.order = SafeCast.toUint32(employees.length);
            employees.push(employee);
        }
        worker.wage = SafeCast.toUint192(uint256(hourlyWage));
        emit Employed(msg.sender, employee, worker.wage);
    }

    /// @notice The employer grants compensatory time off for the shifts starting on `day`.
    function grantTimeOff(address employee, uint256 day) external inForce {
        address employer = workers[employee].employer;
        if (employer == address(0)) revert NotEmployed(employee);
        if (employer != msg.sender) revert TimeOffNotGrantedByEmployer(employee, employer);
        timeOff[employee][day] = true;
        emit TimeOffGranted(msg.sender, employee, day);
    }

    /// @notice Move `amount` of the caller's currency (approved beforehand) into its deposit;
    /// arrears waiting for it are paid first in first out.
    function deposit(int256 amount, uint64 ref) external nonReentrant inForce {
        if (amount < 0) revert NegativeDeposit(amount);
        uint256 value = uint256(amount);
        uint256 wallet = currency.balanceOf(msg.sender);
        if (wallet < value) revert DepositExceedsWallet(value, wallet);
        deposits[msg.sender] += value;
        emit Deposited(ref, msg.sender, value);
        currency.safeTransferFrom(msg.sender, address(this), value);
        _payQueue(msg.sender, ref);
    }

    // ------------------------------------------------------------------ the authority

    /// @notice Bind attendance device `device` (its signing address) to `employer`.
    /// @dev Only the authority registers devices, so an employer cannot forge its own attendance.
    function registerDevice(address device, address employer) external onlyRole(AUTHORITY_ROLE) inForce {
        address bound = deviceEmployer[device];
        if (bound != address(0) && bound != employer) revert DeviceBoundToAnotherEmployer(device, bound);
        deviceEmployer[device] = employer;
        emit DeviceRegistered(device, employer);
    }

    // ------------------------------------------------------------------ devices

    /// @notice Submit a device's signed batch of punches; anyone may relay it.
    /// @dev A bad signature, an unregistered device or a wrong sequence number reverts the batch;
    /// a punch the statute refuses is logged with `PunchRejected` and the batch goes on.
    function submitPunches(PunchBatch calldata batch, bytes calldata signature) external nonReentrant inForce {
        address employer = deviceEmployer[batch.device];
        if (employer == address(0)) revert UnregisteredDevice(batch.device);
        (address signer, ECDSA.RecoverError failure,) = ECDSA.tryRecover(batchDigest(batch), signature);
        if (failure != ECDSA.RecoverError.NoError || signer != batch.device) {
            revert InvalidDeviceSignature(batch.device);
        }
        uint64 expected = nextSequence[batch.device];
        if (batch.sequence != expected) revert BatchOutOfSequence(batch.device, expected, batch.sequence);
        nextSequence[batch.device] = expected + 1;
        for (uint256 i = 0; i < batch.punches.length; ++i) {
            _punch(batch.device, employer, batch.punches[i]);
        }
    }

    /// @notice The EIP-712 digest a device signs for `batch`.
    function batchDigest(PunchBatch calldata batch) public view returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](batch.punches.length);
        for (uint256 i = 0; i < hashes.length; ++i) {
            Punch calldata p = batch.punches[i];
            hashes[i] = keccak256(abi.encode(PUNCH_TYPEHASH, p.employee, p.at, p.clockIn, p.ref));
        }
        return _hashTypedDataV4(keccak256(abi.encode(
            PUNCH_BATCH_TYPEHASH, batch.device, batch.sequence, keccak256(abi.encodePacked(hashes)))));
    }

    // ------------------------------------------------------------------ keeper

    /// @notice Pay every employee's weekly or monthly wages whose period has ended by now.
    function settle(uint64 ref) external nonReentrant inForce {
        emit Settled(ref, block.timestamp);
        if (paySchedule == PaySchedule.ClockOut) return;
        uint256 total;
        for (uint256 i = 0; i < employees.length; ++i) {
            total += _endedPeriodCount(employees[i], block.timestamp);
        }
        DueItem[] memory due = new DueItem[](total * _articleSlots());
        uint256 filled;
        for (uint256 i = 0; i < employees.length; ++i) {
            filled = _collectEnded(employees[i], block.timestamp, due, filled);
        }
        _queueAll(due, filled, ref);
    }

    // ------------------------------------------------------------------ views

    /// @notice Payments waiting in `employer`'s queue (arrears), oldest first.
    function arrears(address employer) external view returns (uint256[] memory seqs, Due[] memory dues) {
        uint256[] storage queue = _queues[employer];
        uint256 head = _queueHeads[employer];
        seqs = new uint256[](queue.length - head);
        dues = new Due[](seqs.length);
        for (uint256 i = 0; i < seqs.length; ++i) {
            seqs[i] = queue[head + i];
            dues[i] = _dues[seqs[i]];
        }
    }

    /// @notice Workday, rest day or public holiday: what `day` is under this statute.
    function dayKind(uint256 day) public view returns (DayKind) {
        if (_isPublicHoliday(day)) return DayKind.PublicHoliday;
        if (restDays & (1 << CivilCalendar.weekday(day)) != 0) return DayKind.RestDay;
        return DayKind.Workday;
    }

    // ------------------------------------------------------------------ punches

    /// @notice Apply one punch of a verified batch: refuse it with a reason, or record it (a
    /// clock-out finishes a shift) and pay weekly/monthly wages whose period it shows has ended.
    function _punch(address device, address employer, Punch calldata p) private {
        Worker storage worker = workers[p.employee];
        PunchRejection reason = _check(device, employer, p, worker);
        if (reason != PunchRejection.None) {
            emit PunchRejected(p.ref, device, p.employee, reason);
            return;
        }
        emit Punched(p.ref, device, p.employee, p.at, p.clockIn);
        if (p.clockIn) {
            worker.clockedIn = p.at;
        } else {
            uint64 started = worker.clockedIn;
            worker.clockedIn = 0;
            _shift(p, worker, started);
        }
        worker.lastAt = p.at;
        _marks[p.employee][_mark(device, p.clockIn)] = p.at;
        if (paySchedule != PaySchedule.ClockOut) {
            DueItem[] memory due = new DueItem[](_endedPeriodCount(p.employee, p.at) * _articleSlots());
            _queueAll(due, _collectEnded(p.employee, p.at, due, 0), p.ref);
        }
    }

    /// @notice The first SPEC §4 rule the punch breaks, in the interpreter's order, or None.
    function _check(address device, address employer, Punch calldata p, Worker storage worker)
        private view returns (PunchRejection)
    {
        if (p.at < effectiveFrom) return PunchRejection.BeforeEffectiveDate;
        if (worker.employer == address(0)) return PunchRejection.NotEmployed;
        if (worker.employer != employer) return PunchRejection.DeviceOfAnotherEmployer;
        if (worker.lastAt != 0) {
            if (p.at == worker.lastAt && _marks[p.employee][_mark(device, p.clockIn)] == p.at) {
                return PunchRejection.DuplicatePunch;
            }
            if (p.at < worker.lastAt) return PunchRejection.EarlierThanLastPunch;
        }
        uint64 openIn = worker.clockedIn;
        if (p.clockIn) {
            if (openIn != 0 && p.at - openIn <= MAX_SHIFT) return PunchRejection.AlreadyClockedIn;
        } else if (openIn == 0) {
            return PunchRejection.ClockOutWithoutClockIn;
        } else if (p.at - openIn > MAX_SHIFT) {
            return PunchRejection.ShiftOver24Hours;
        }
        return PunchRejection.None;
    }

    function _mark(address device, bool clockIn) private pure returns (bytes32) {
        return bytes32((uint256(uint160(device)) << 1) | (clockIn ? 1 : 0));
    }

    // ------------------------------------------------------------------ shifts

    /// @notice Count, check limits and pay (or accrue) a finished shift.
    function _shift(Punch calldata p, Worker storage worker, uint64 started) private {
        Shift memory shift = _countShift(p.employee, started, p.at);
        EarningRule[] memory rules = _earningRules();
        bool granted = timeOff[p.employee][shift.day];
        uint256[] memory paid = _paidMinutes(rules, _applicable(rules, shift.kind, granted), shift);
        _checkLimits(p, worker.employer, shift, _overtime(rules, paid));
        uint256[] memory exact = _exactAmounts(rules, paid, worker.wage);
        if (paySchedule == PaySchedule.ClockOut) {
            _queueShift(p, worker.employer, rules, exact);
        } else {
            _accrue(p.employee, shift.starts[paySchedule == PaySchedule.EndOfWeek ? 1 : 2], exact);
        }
    }

    /// @notice The shift's date, day kind and periods; adds its minutes to the day/week/month counts.
    function _countShift(address employee, uint64 started, uint64 ended) private returns (Shift memory shift) {
        shift.length = (ended - started) / 60;
        shift.day = CivilCalendar.localDay(started, timeZoneOffset);
        shift.kind = dayKind(shift.day);
        shift.starts = _periodStarts(shift.day);
        uint64[3] memory worked = _worked[employee];
        for (uint256 i = 0; i < 3; ++i) {
            bool samePeriod = worked[i] >> 32 == shift.starts[i];
            shift.before[i] = samePeriod ? uint32(worked[i]) : 0;
            worked[i] = uint64(shift.starts[i] << 32 | SafeCast.toUint32(shift.before[i] + shift.length));
        }
        _worked[employee] = worked;
    }

    /// @notice Minutes paid at a rate above 100%: what overtime limits count.
    function _overtime(EarningRule[] memory rules, uint256[] memory paid) private pure returns (uint256 minutes_) {
        for (uint256 i = 0; i < rules.length; ++i) {
            if (rules[i].rate > RATE_SCALE) minutes_ += paid[i];
        }
    }

    function _periodStarts(uint256 day) private view returns (uint256[3] memory) {
        return [day, CivilCalendar.weekStart(day, weekStart), CivilCalendar.monthStart(day)];
    }

    function _roll(Counter storage counter, uint256 start) private {
        if (counter.start != start) {
            counter.start = SafeCast.toUint32(start);
            counter.count = 0;
            counter.flagged = false;
        }
    }

    function _applicable(EarningRule[] memory rules, DayKind kind, bool granted)
        private pure returns (bool[] memory applies)
    {
        applies = new bool[](rules.length);
        for (uint256 i = 0; i < rules.length; ++i) {
            applies[i] = (rules[i].dayKind == DayKind.Any || rules[i].dayKind == kind)
                && !(rules[i].unlessTimeOff && granted);
        }
    }

    /// @notice Minutes of the shift paid under each rule, the highest rate winning each minute.
    /// @dev A rule with threshold T in period P applies from shift minute T - before[P] on, so every
    /// rule covers a suffix of the shift: sorting rules by that start and sweeping once gives the
    /// per-minute result in O(rules²) without visiting minutes.
    function _paidMinutes(EarningRule[] memory rules, bool[] memory applies, Shift memory shift)
        private pure returns (uint256[] memory paid)
    {
        paid = new uint256[](rules.length);
        uint256[] memory order = new uint256[](rules.length);
        uint256[] memory start = new uint256[](rules.length);
        uint256 count;
        for (uint256 i = 0; i < rules.length; ++i) {
            if (!applies[i]) continue;
            uint256 already = shift.before[uint256(rules[i].period)];
            start[i] = rules[i].threshold > already ? rules[i].threshold - already : 0;
            uint256 j = count++;
            for (; j > 0 && start[order[j - 1]] > start[i]; --j) order[j] = order[j - 1];
            order[j] = i;
        }
        uint256 best = type(uint256).max;
        uint256 since;
        for (uint256 k = 0; k < count; ++k) {
            uint256 i = order[k];
            if (start[i] >= shift.length) break;
            if (best == type(uint256).max || _beats(rules, i, best)) {
                if (best != type(uint256).max && start[i] > since) paid[best] += start[i] - since;
                best = i;
                since = start[i];
            }
        }
        if (best != type(uint256).max && shift.length > since) paid[best] += shift.length - since;
    }

    function _beats(EarningRule[] memory rules, uint256 a, uint256 b) private pure returns (bool) {
        return rules[a].rate > rules[b].rate || (rules[a].rate == rules[b].rate && a < b);
    }

    function _checkLimits(Punch calldata p, address employer, Shift memory shift, uint256 overtime) private {
        LimitRule[] memory limits = _limitRules();
        for (uint256 i = 0; i < limits.length; ++i) {
            LimitRule memory rule = limits[i];
            if (rule.dayKind != DayKind.Any && rule.dayKind != shift.kind) continue;
            Counter storage counter = _limitCounters[p.employee][i];
            _roll(counter, shift.starts[uint256(rule.period)]);
            counter.count += SafeCast.toUint32(rule.measure == Measure.Overtime ? overtime : shift.length);
            if (counter.count > rule.limit && !counter.flagged) {
                counter.flagged = true;
                emit LimitExceeded(p.ref, rule.article, employer, p.employee, rule.period, counter.start);
            }
        }
    }

    /// @notice Exact amount (× AMOUNT_SCALE) per article position.
    function _exactAmounts(EarningRule[] memory rules, uint256[] memory paid, uint256 wage)
        private pure returns (uint256[] memory exact)
    {
        exact = new uint256[](_articleSlots(rules));
        for (uint256 i = 0; i < rules.length; ++i) {
            exact[rules[i].position] += paid[i] * rules[i].rate * wage;
        }
    }

    function _articleSlots() private pure returns (uint256) {
        return _articleSlots(_earningRules());
    }

    function _articleSlots(EarningRule[] memory rules) private pure returns (uint256) {
        return rules.length == 0 ? 0 : uint256(rules[rules.length - 1].position) + 1;
    }

    /// @notice The one rounding of a payment: half up, to the minor unit.
    function _rounded(uint256 exact) private pure returns (uint256) {
        return (exact + AMOUNT_SCALE / 2) / AMOUNT_SCALE;
    }

    function _articleOf(EarningRule[] memory rules, uint256 position) private pure returns (bytes32) {
        for (uint256 i = 0; i < rules.length; ++i) {
            if (rules[i].position == position) return rules[i].article;
        }
        return bytes32(0);
    }

    // ------------------------------------------------------------------ payment schedules

    /// @notice Clock-out pay: one payment per article that earned anything, in article order.
    function _queueShift(Punch calldata p, address employer, EarningRule[] memory rules,
                         uint256[] memory exact) private
    {
        for (uint256 position = 0; position < exact.length; ++position) {
            uint256 amount = _rounded(exact[position]);
            if (amount != 0) _payOrEnqueue(employer, p.employee, _articleOf(rules, position), amount, p.ref);
        }
    }

    function _accrue(address employee, uint256 periodStart, uint256[] memory exact) private {
        uint32[] storage periods = _accruingPeriods[employee];
        if (periods.length == _firstAccruing[employee] || periods[periods.length - 1] != periodStart) {
            periods.push(SafeCast.toUint32(periodStart));
        }
        for (uint256 position = 0; position < exact.length; ++position) {
            if (exact[position] != 0) _accrued[employee][periodStart][position] += exact[position];
        }
    }

    /// @notice The first day after the pay period beginning on `start`.
    function _payPeriodEnd(uint256 start) private view returns (uint256) {
        return paySchedule == PaySchedule.EndOfWeek ? start + 7 : CivilCalendar.nextMonthStart(start);
    }

    /// @notice How many of the employee's accruing periods have ended by `at` (they are a prefix).
    function _endedPeriodCount(address employee, uint256 at) private view returns (uint256 count) {
        uint32[] storage periods = _accruingPeriods[employee];
        for (uint256 i = _firstAccruing[employee]; i < periods.length; ++i) {
            if (CivilCalendar.midnight(_payPeriodEnd(periods[i]), timeZoneOffset) > at) break;
            ++count;
        }
    }

    /// @notice Move the employee's ended periods into `due` from index `filled`; returns the new fill.
    function _collectEnded(address employee, uint256 at, DueItem[] memory due, uint256 filled)
        private returns (uint256)
    {
        uint256 ended = _endedPeriodCount(employee, at);
        if (ended == 0) return filled;
        EarningRule[] memory rules = _earningRules();
        uint256 first = _firstAccruing[employee];
        Worker storage worker = workers[employee];
        for (uint256 i = first; i < first + ended; ++i) {
            uint32 periodStart = _accruingPeriods[employee][i];
            for (uint256 position = 0; position < _articleSlots(rules); ++position) {
                uint256 exact = _accrued[employee][periodStart][position];
                if (exact == 0) continue;
                delete _accrued[employee][periodStart][position];
                due[filled++] = DueItem(uint8(position), periodStart, worker.order, employee,
                                        _articleOf(rules, position), _rounded(exact));
            }
        }
        _firstAccruing[employee] = first + ended;
        return filled;
    }

    /// @notice Queue the first `count` items in SPEC order (article, period, employee), then pay.
    function _queueAll(DueItem[] memory due, uint256 count, uint64 ref) private {
        for (uint256 i = 1; i < count; ++i) {
            DueItem memory item = due[i];
            uint256 j = i;
            for (; j > 0 && _after(due[j - 1], item); --j) due[j] = due[j - 1];
            due[j] = item;
        }
        address[] memory touched = new address[](count);
        uint256 employers;
        for (uint256 i = 0; i < count; ++i) {
            if (due[i].amount == 0) continue;
            address employer = workers[due[i].employee].employer;
            _enqueue(employer, due[i].employee, due[i].article, due[i].amount, ref);
            uint256 k;
            while (k < employers && touched[k] != employer) ++k;
            if (k == employers) touched[employers++] = employer;
        }
        for (uint256 k = 0; k < employers; ++k) _payQueue(touched[k], ref);
    }

    function _after(DueItem memory a, DueItem memory b) private pure returns (bool) {
        if (a.position != b.position) return a.position > b.position;
        if (a.periodStart != b.periodStart) return a.periodStart > b.periodStart;
        return a.order > b.order;
    }

    // ------------------------------------------------------------------ money

    /// @notice A payment falls due and waits in its employer's queue.
    function _enqueue(address employer, address employee, bytes32 article, uint256 amount, uint64 ref) private {
        uint256 seq = dueCount++;
        emit WageDue(seq, ref, employer, employee, article, amount);
        _dues[seq] = Due(employee, SafeCast.toUint96(amount), article);
        _queues[employer].push(seq);
    }

    /// @notice A payment falls due and is paid at once when nothing waits before it and the
    /// deposit covers it (the common case, no storage); else it waits in the queue.
    /// @dev Only for payments of one employer within an event: paying one employer's dues before
    /// another's are queued would change the order SPEC §4 gives payments of one event.
    function _payOrEnqueue(address employer, address employee, bytes32 article, uint256 amount, uint64 ref)
        private
    {
        if (_queueHeads[employer] != _queues[employer].length || deposits[employer] < amount) {
            _enqueue(employer, employee, article, amount, ref);
            return;
        }
        uint256 seq = dueCount++;
        deposits[employer] -= amount;
        emit WageDue(seq, ref, employer, employee, article, amount);
        emit WagePaid(seq, ref, employer, employee, article, amount);
        currency.safeTransfer(employee, amount);
    }

    /// @notice Pay the head of the employer's queue, whole, while its deposit covers it.
    /// @dev Checks-effects-interactions per payment: the queue and the deposit are updated
    /// before the transfer, and every entry point is `nonReentrant`.
    function _payQueue(address employer, uint64 ref) private {
        uint256[] storage queue = _queues[employer];
        uint256 head = _queueHeads[employer];
        while (head < queue.length) {
            uint256 seq = queue[head];
            Due memory due = _dues[seq];
            if (deposits[employer] < due.amount) break;
            deposits[employer] -= due.amount;
            _queueHeads[employer] = ++head;
            delete _dues[seq];
            emit WagePaid(seq, ref, employer, due.employee, due.article, due.amount);
            currency.safeTransfer(due.employee, due.amount);
        }
    }
}
