// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CivilCalendar} from "./CivilCalendar.sol";
import {StatuteBase} from "./StatuteBase.sol";

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
abstract contract WorkingTimeStatute is StatuteBase, EIP712 {
    using SafeERC20 for IERC20;

    // ------------------------------------------------------------------ types

    enum DayKind { Any, Workday, RestDay, PublicHoliday }
    enum Period { Day, Week, Month }
    enum PaySchedule { ClockOut, EndOfWeek, EndOfMonth }

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

    /// @notice One employee's whole state, unpacked from its single storage slot (see `_unpack`).
    /// @dev Invariants that make the narrow fields safe: punches of an employee only move forward
    /// and shifts (at most 24 hours) never overlap, so the shifts starting in a day, week or month
    /// total at most 2, 8 or 32 days of minutes (2,880 / 11,520 / 46,080 < 2^16); a clocked-in
    /// employee's clock-in is always its last accepted punch, so one bit says whether it is open.
    struct Worker {
        uint256 employerId; // 32 bits; 0: not employed
        uint256 lastAt; // 40 bits: time of the last accepted punch (0: none)
        bool clockedIn; // the last accepted punch was a clock-in (at `lastAt`)
        bool severalAtLast; // more than one accepted punch at `lastAt`: their marks are in `_marks`
        bool timeOffGranted; // some compensatory time off was granted: read `timeOff`
        uint256 lastDevice; // 32 bits: id of the device of the last accepted punch
        uint256 wage; // 48 bits: minor units per hour
        // Bits 155–254 of the slot, shifted down (see `_unpack`): the local day of the last shift
        // (0: none yet), the minutes in its day, week and month, and the first two limit sentences'
        // counts and flags (a violation was reported for the current period instance).
        uint256 counters;
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

    /// @notice A finished shift and everything a statute's rules read about it, built once per
    /// clock-out; the generated `_applyRules` reads it, `_limit` updates `worker`.
    struct Shift {
        uint64 ref; // the clock-out's event
        address device; // the clock-out's device
        uint256 at; // the clock-out's time
        bool logged; // the clock-out was logged (`PaidAtClockOut` or `Punched`)
        address employee;
        address employer;
        uint256 worker; // the employee's slot as it will be stored (see `_unpack`)
        uint256 length; // minutes
        uint256 day; // the local day the shift started on
        DayKind kind; // what that day is under the statute
        bool timeOff; // compensatory time off was granted for that day
        uint256 previousDay; // the local day of the employee's previous shift (0: none)
        uint256 weekStart; // first day of the shift's week
        uint256 monthStart; // first day of the shift's month
        uint256 beforeDay; // minutes of earlier shifts started in the shift's day
        uint256 beforeWeek; // … in its week
        uint256 beforeMonth; // … in its month
        uint256 accruing; // weekly/monthly pay: first day of the pay period it accrues to (0: paid now)
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

    string public constant SIGNING_DOMAIN = "lawdsl working time";
    bytes32 public constant PUNCH_TYPEHASH =
        keccak256("Punch(address employee,uint64 at,bool clockIn,uint64 ref)");
    bytes32 public constant PUNCH_BATCH_TYPEHASH = keccak256(
        "PunchBatch(address device,uint64 sequence,Punch[] punches)Punch(address employee,uint64 at,bool clockIn,uint64 ref)"
    );
    uint64 public constant MAX_SHIFT = 24 hours;
    /// @dev Exact amounts are minutes × millionths × minor units per hour: over this, one rounding.
    uint256 private constant AMOUNT_SCALE = 60 * MILLIONTHS;
    /// @notice The shift minute from which a rule that does not apply to a shift applies: never.
    uint256 internal constant NEVER = type(uint256).max;

    // ------------------------------------------------------------------ state

    PaySchedule public immutable paySchedule;
    uint32 public immutable effectiveDay;
    int32 public immutable timeZoneOffset;
    uint8 public immutable restDays;
    uint8 public immutable weekStart;

    /// @dev Per device, one slot: employer address (160 bits) | next sequence (32) | employer id (32)
    /// | device id (32). A batch reads and writes only this slot for its device.
    mapping(address device => uint256) private _devices;
    /// @dev Per employee, one slot holding the whole `Worker` (see `_unpack`): a punch reads and writes it once.
    mapping(address employee => uint256) private _workers;
    /// @dev Per employer (or any depositor), one slot: deposit (128 bits) | queue head (64) | queue tail (64).
    mapping(address owner => uint256) private _funds;
    mapping(address employer => uint256) public employerIds;
    mapping(uint256 id => address) private _employerById;
    uint256 private _employerCount;
    uint256 private _deviceCount;
    address[] public employees;
    mapping(address employee => mapping(uint256 day => bool)) public timeOff;

    /// @dev Limit sentences after the first two (which live in the worker's slot), one counter each.
    mapping(address employee => mapping(uint256 limit => Counter)) private _limitCounters;
    /// @dev Only when several punches of an employee were accepted at one instant: (device id, kind)
    /// → that instant, so a copy of any of them is a duplicate. The common case needs none of it.
    mapping(address employee => mapping(uint256 mark => uint256)) private _marks;

    // Weekly and monthly schedules: exact amounts accrue per period and article until due.
    mapping(address employee => uint32[]) private _accruingPeriods;
    mapping(address employee => uint256) private _firstAccruing;
    mapping(address employee => mapping(uint256 periodStart => mapping(uint256 position => uint256)))
        private _accrued;

    // Arrears: per employer a FIFO queue (head and tail in `_funds`) of due sequence numbers.
    /// @notice Payments ever queued; queued payments are numbered from 1 (a payment made at once,
    /// never queued, is logged with `seq` 0).
    uint256 public dueCount;
    mapping(uint256 seq => Due) private _dues;
    mapping(address employer => mapping(uint256 index => uint256 seq)) private _queues;

    uint256 private constant ID_MASK = 0xffffffff;
    /// @dev A device id's bits in its slot; the top bit marks a device that is a contract (ERC-1271,
    /// e.g. a `ReporterQuorum` of gateways), whose signatures are checked by calling it.
    uint256 private constant DEVICE_ID_MASK = 0x7fffffff;
    uint256 private constant CONTRACT_DEVICE = 1 << 255;
    uint256 private constant TIME_MASK = 0xffffffffff; // 40 bits
    uint256 private constant WAGE_MASK = 0xffffffffffff; // 48 bits

    // ------------------------------------------------------------------ events

    event Employed(address indexed employer, address indexed employee, uint256 hourlyWage);
    event DeviceRegistered(address indexed device, address indexed employer);
    event Deposited(uint64 ref, address indexed owner, uint256 amount);
    event TimeOffGranted(address indexed employer, address indexed employee, uint256 day);
    /// @notice A punch of a batch was accepted (the citizens' portal and the gateway's audit read it);
    /// a clock-out paid at once logs `PaidAtClockOut` instead.
    event Punched(uint64 ref, address indexed device, address indexed employee, uint64 at, bool clockIn);
    /// @notice A clock-out was accepted and its shift paid at once from the employer's deposit under
    /// `article`: `Punched` (clockIn false) and `WagePaid` (seq 0) in one log. Further articles the
    /// same shift earned log `WagePaid`; a clock-out that pays nothing at once logs `Punched`.
    event PaidAtClockOut(uint64 ref, address indexed device, address indexed employee, address indexed employer,
                         uint64 at, bytes32 article, uint256 amount);
    /// @notice A punch of a batch was refused, with the first SPEC §4 rule it breaks.
    event PunchRejected(uint64 ref, address indexed device, address indexed employee, PunchRejection reason);
    /// @notice A payment fell due under `article` and waits in its employer's queue (arrears until paid);
    /// `seq` orders all queued payments first in first out. A payment made at once logs only `WagePaid`
    /// (or, the first of a clock-out, `PaidAtClockOut`).
    event WageDue(uint256 indexed seq, uint64 ref, address indexed employer, address indexed employee,
                  bytes32 article, uint256 amount);
    /// @notice A payment was made from the employer's deposit during event `ref`: queued payment
    /// `seq`, or (`seq` 0) a payment that fell due in that event and was paid at once (the first
    /// such payment of a clock-out logs `PaidAtClockOut` instead).
    event WagePaid(uint256 indexed seq, uint64 ref, address indexed employer, address indexed employee,
                   bytes32 article, uint256 amount);
    /// @notice A limit sentence of `article` was exceeded in the period beginning on day `periodStart`.
    event LimitExceeded(uint64 ref, bytes32 indexed article, address indexed employer,
                        address indexed employee, Period period, uint256 periodStart);
    event Settled(uint64 ref, uint256 at);

    // ------------------------------------------------------------------ errors (named after the rule)

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
    /// @notice A punch word is out of its type's range (an address over 160 bits, a time over 64…).
    error MalformedPunch();

    // ------------------------------------------------------------------ construction

    /// @dev EIP-712 names are at most 31 bytes (OpenZeppelin's ShortStrings), shorter than many
    /// statute titles: the signing domain is `SIGNING_DOMAIN` with the statute's version, and
    /// the contract address (`verifyingContract`) tells statutes apart. Read it with `eip712Domain()`.
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

    /// @notice The statute's rules applied to a finished shift: each limit sentence calls `_limit`, in
    /// article order; then `_storeWorker`; then each earning article calls `_earned`, in article order
    /// (so a violation is logged before the shift's pay, and the worker is stored before any transfer).
    function _applyRules(Shift memory shift) internal virtual;

    /// @notice Article positions up to the last earning article, plus one (accrual slots per period).
    function _articleSlots() internal pure virtual returns (uint256);

    function _isPublicHoliday(uint256 day) internal pure virtual returns (bool);

    /// @notice The id of the article at `position` in the statute.
    function _article(uint256 position) internal pure virtual returns (bytes32);

    // ------------------------------------------------------------------ employers

    /// @notice The caller employs `employee` at `hourlyWage` minor units an hour; again: a new wage.
    function employ(address employee, int256 hourlyWage) external inForce {
        uint256 packed = _workers[employee];
        uint256 current = packed & ID_MASK;
        uint256 mine = employerIds[msg.sender];
        if (current != 0 && current != mine) revert EmployedByAnotherEmployer(employee, _employerById[current]);
        if (hourlyWage < 0) revert NegativeHourlyWage(hourlyWage);
        uint256 wage = uint256(hourlyWage);
        if (wage > WAGE_MASK) revert SafeCast.SafeCastOverflowedUintDowncast(48, wage);
        if (current == 0) {
            if (mine == 0) mine = _newEmployerId(msg.sender);
            packed |= mine;
            employees.push(employee);
        }
        _workers[employee] = (packed & ~(WAGE_MASK << WAGE)) | (wage << WAGE);
        emit Employed(msg.sender, employee, wage);
    }

    /// @notice The employer grants compensatory time off for the shifts starting on `day`.
    function grantTimeOff(address employee, uint256 day) external inForce {
        uint256 packed = _workers[employee];
        address employer = _employerById[packed & ID_MASK];
        if (employer == address(0)) revert NotEmployed(employee);
        if (employer != msg.sender) revert TimeOffNotGrantedByEmployer(employee, employer);
        timeOff[employee][day] = true;
        _workers[employee] = packed | TIME_OFF_GRANTED;
        emit TimeOffGranted(msg.sender, employee, day);
    }

    /// @notice Move `amount` of the caller's currency (approved beforehand) into its deposit;
    /// arrears waiting for it are paid first in first out.
    function deposit(int256 amount, uint64 ref) external nonReentrant inForce {
        if (amount < 0) revert NegativeDeposit(amount);
        uint256 value = uint256(amount);
        uint256 wallet = currency.balanceOf(msg.sender);
        if (wallet < value) revert DepositExceedsWallet(value, wallet);
        uint256 funds = _funds[msg.sender];
        _funds[msg.sender] = (funds >> 128 << 128) | SafeCast.toUint128(uint128(funds) + value);
        emit Deposited(ref, msg.sender, value);
        currency.safeTransferFrom(msg.sender, address(this), value);
        _payQueue(msg.sender, ref);
    }

    function _newEmployerId(address employer) private returns (uint256 id) {
        id = ++_employerCount;
        if (id > ID_MASK) revert SafeCast.SafeCastOverflowedUintDowncast(32, id);
        employerIds[employer] = id;
        _employerById[id] = employer;
    }

    // ------------------------------------------------------------------ the authority

    /// @notice Bind attendance device `device` (its signing address, or an ERC-1271 contract such as a
    /// `ReporterQuorum` whose reporters sign for it) to `employer`.
    /// @dev Only the authority registers devices, so an employer cannot forge its own attendance.
    /// Whether the device is a contract is read once here, so a batch does not pay for the check.
    function registerDevice(address device, address employer) external onlyRole(AUTHORITY_ROLE) inForce {
        address bound = address(uint160(_devices[device]));
        if (bound != address(0) && bound != employer) revert DeviceBoundToAnotherEmployer(device, bound);
        if (bound == address(0) && employer != address(0)) {
            uint256 employerId = employerIds[employer];
            if (employerId == 0) employerId = _newEmployerId(employer);
            uint256 deviceId = ++_deviceCount;
            if (deviceId > DEVICE_ID_MASK) revert SafeCast.SafeCastOverflowedUintDowncast(31, deviceId);
            uint256 kind = device.code.length == 0 ? 0 : CONTRACT_DEVICE;
            _devices[device] = uint256(uint160(employer)) | (employerId << 192) | (deviceId << 224) | kind;
        }
        emit DeviceRegistered(device, employer);
    }

    // ------------------------------------------------------------------ devices

    /// @notice Submit a device's signed batch of punches; anyone may relay it.
    /// @dev A bad signature, an unregistered device or a wrong sequence number reverts the batch;
    /// a punch the statute refuses is logged with `PunchRejected` and the batch goes on.
    function submitPunches(PunchBatch calldata batch, bytes calldata signature) external nonReentrant inForce {
        address deviceAddress = batch.device;
        uint64 sequence = batch.sequence;
        Punch[] calldata punches = batch.punches;
        uint256 device = _devices[deviceAddress];
        if (device == 0) revert UnregisteredDevice(deviceAddress);
        if (!_validSignature(device, deviceAddress, _digest(deviceAddress, sequence, punches), signature)) {
            revert InvalidDeviceSignature(deviceAddress);
        }
        uint64 expected = uint64((device >> 160) & ID_MASK);
        if (sequence != expected || expected == ID_MASK) revert BatchOutOfSequence(deviceAddress, expected, sequence);
        unchecked { _devices[deviceAddress] = device + (1 << 160); } // the sequence is below ID_MASK: no carry
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

    /// @dev A device key's own signature (65 bytes r, s, v, or EIP-2098's 64 bytes r, vs: one calldata
    /// word less), or, for a contract device, what the contract says of it.
    function _validSignature(uint256 device, address deviceAddress, bytes32 digest, bytes calldata signature)
        private view returns (bool)
    {
        if (device & CONTRACT_DEVICE != 0) {
            return SignatureChecker.isValidERC1271SignatureNowCalldata(deviceAddress, digest, signature);
        }
        address signer;
        ECDSA.RecoverError failure;
        if (signature.length == 64) { // EIP-2098: r, vs
            bytes32 r;
            bytes32 vs;
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                vs := calldataload(add(signature.offset, 0x20))
            }
            (signer, failure,) = ECDSA.tryRecover(digest, r, vs);
        } else { // r, s, v
            (signer, failure,) = ECDSA.tryRecoverCalldata(digest, signature);
        }
        return failure == ECDSA.RecoverError.NoError && signer == deviceAddress;
    }

    /// @notice The EIP-712 digest a device signs for `batch`.
    /// @dev `PunchBatch(address device,uint64 sequence,Punch[] punches)`: the punches' struct hashes
    /// are computed straight from calldata (a `Punch` is four static words), then hashed together.
    function batchDigest(PunchBatch calldata batch) external view returns (bytes32) {
        return _digest(batch.device, batch.sequence, batch.punches);
    }

    function _digest(address device, uint64 sequence, Punch[] calldata punches) private view returns (bytes32) {
        bytes32 typehash = PUNCH_TYPEHASH;
        bytes32 punchesHash;
        assembly ("memory-safe") {
            let encoded := mload(0x40) // scratch past the free memory pointer, never allocated
            let hashes := add(encoded, 0xa0)
            mstore(encoded, typehash)
            let n := punches.length
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                calldatacopy(add(encoded, 0x20), add(punches.offset, shl(7, i)), 0x80)
                mstore(add(hashes, shl(5, i)), keccak256(encoded, 0xa0))
            }
            punchesHash := keccak256(hashes, shl(5, n))
        }
        return _hashTypedDataV4(keccak256(abi.encode(PUNCH_BATCH_TYPEHASH, device, sequence, punchesHash)));
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
            filled = _collectEnded(employees[i], i, block.timestamp, due, filled);
        }
        _queueAll(due, filled, ref);
    }

    // ------------------------------------------------------------------ views

    /// @notice The employer `device` is bound to (zero: not registered).
    function deviceEmployer(address device) external view returns (address) {
        return address(uint160(_devices[device]));
    }

    /// @notice The sequence number the device's next batch must carry.
    function nextSequence(address device) external view returns (uint64) {
        return uint64((_devices[device] >> 160) & ID_MASK);
    }

    /// @notice The owner's deposit held by this contract.
    function deposits(address owner) external view returns (uint256) {
        return uint128(_funds[owner]);
    }

    /// @notice The employer of `employee` (zero: not employed).
    function employerOf(address employee) public view returns (address) {
        return _employerById[_workers[employee] & ID_MASK];
    }

    /// @notice An employee's employer, open clock-in (0: none), hourly wage and last accepted punch time.
    function workers(address employee)
        external view returns (address employer, uint64 clockedIn, uint256 wage, uint64 lastAt)
    {
        Worker memory worker = _unpack(_workers[employee]);
        employer = _employerById[worker.employerId];
        lastAt = uint64(worker.lastAt);
        clockedIn = worker.clockedIn ? lastAt : 0;
        wage = worker.wage;
    }

    /// @notice Payments waiting in `employer`'s queue (arrears), oldest first.
    function arrears(address employer) external view returns (uint256[] memory seqs, Due[] memory dues) {
        uint256 funds = _funds[employer];
        uint256 head = uint64(funds >> 128);
        seqs = new uint256[]((funds >> 192) - head);
        dues = new Due[](seqs.length);
        for (uint256 i = 0; i < seqs.length; ++i) {
            seqs[i] = _queues[employer][head + i];
            dues[i] = _dues[seqs[i]];
        }
    }

    /// @notice Workday, rest day or public holiday: what `day` is under this statute.
    function dayKind(uint256 day) public view returns (DayKind) {
        if (_isPublicHoliday(day)) return DayKind.PublicHoliday;
        if (restDays & (1 << CivilCalendar.weekday(day)) != 0) return DayKind.RestDay;
        return DayKind.Workday;
    }

    // ------------------------------------------------------------------ the worker slot

    // Bits: employer id 0–31, last punch time 32–71, clocked in 72, several punches at the last
    // instant 73, time off granted 74, last device id 75–106, wage 107–154, last shift day 155–178,
    // minutes in that day 179–190, week 191–204, month 205–220; the first two limit sentences'
    // counts 221–236 and 238–253, their flags 237 and 254. A punch reads and writes the word as is.
    uint256 private constant LAST_AT = 32;
    uint256 private constant CLOCKED_IN = 1 << 72;
    uint256 private constant SEVERAL_AT_LAST = 1 << 73;
    uint256 private constant TIME_OFF_GRANTED = 1 << 74;
    uint256 private constant LAST_DEVICE = 75;
    uint256 private constant WAGE = 107;
    uint256 private constant SHIFT_DAY = 155;
    /// @dev What a new last punch replaces: its time, clocked-in bit and device.
    uint256 private constant LAST_PUNCH_BITS = (TIME_MASK << LAST_AT) | CLOCKED_IN | (ID_MASK << LAST_DEVICE);
    /// @dev What a finished shift replaces: its day and the minutes in its day, week and month.
    uint256 private constant SHIFT_COUNT_BITS = ((1 << 66) - 1) << SHIFT_DAY;
    /// @dev Where the first two limit sentences' counts start (a 16-bit count, then the flag).
    uint256 private constant FIRST_LIMIT = 221;
    uint256 private constant SECOND_LIMIT = 238;

    function _unpack(uint256 packed) private pure returns (Worker memory worker) {
        worker.employerId = packed & ID_MASK;
        worker.lastAt = (packed >> LAST_AT) & TIME_MASK;
        worker.clockedIn = packed & CLOCKED_IN != 0;
        worker.severalAtLast = packed & SEVERAL_AT_LAST != 0;
        worker.timeOffGranted = packed & TIME_OFF_GRANTED != 0;
        worker.lastDevice = (packed >> LAST_DEVICE) & ID_MASK;
        worker.wage = (packed >> WAGE) & WAGE_MASK;
        worker.counters = packed >> SHIFT_DAY;
    }

    /// @dev The last accepted punch's mark: its device id and kind (what a duplicate repeats).
    function _lastMark(uint256 worker) private pure returns (uint256) {
        return ((worker >> LAST_DEVICE) & ID_MASK) << 1 | (worker >> 72) & 1;
    }

    function _bit(bool flag) private pure returns (uint256 b) {
        assembly ("memory-safe") { b := flag }
    }

    // ------------------------------------------------------------------ punches

    /// @notice Apply one punch of a verified batch from `device` (its slot): refuse it with a reason,
    /// or record it (a clock-out finishes a shift) and pay weekly/monthly wages whose period it
    /// shows has ended.
    function _punch(uint256 device, address deviceAddress, Punch calldata p) private {
        (address employee, uint256 at, bool clockIn, uint64 ref) = _read(p);
        uint256 worker = _workers[employee];
        uint256 deviceId = (device >> 224) & DEVICE_ID_MASK;
        uint256 mark = deviceId << 1 | _bit(clockIn);
        PunchRejection reason = _check((device >> 192) & ID_MASK, employee, at, mark, worker);
        if (reason != PunchRejection.None) {
            emit PunchRejected(ref, deviceAddress, employee, reason);
            return;
        }
        if (at > TIME_MASK) revert SafeCast.SafeCastOverflowedUintDowncast(40, at);
        uint256 started = (worker >> LAST_AT) & TIME_MASK; // a clock-out's clock-in: checked by `_check`
        if (at == started) { // another punch accepted at the same instant: remember every mark
            if (worker & SEVERAL_AT_LAST == 0) {
                _marks[employee][_lastMark(worker)] = at;
                worker |= SEVERAL_AT_LAST;
            }
            _marks[employee][mark] = at;
        } else {
            worker &= ~SEVERAL_AT_LAST;
        }
        worker = (worker & ~LAST_PUNCH_BITS) | at << LAST_AT | _bit(clockIn) << 72 | deviceId << LAST_DEVICE;
        if (clockIn) {
            emit Punched(ref, deviceAddress, employee, uint64(at), true);
            _workers[employee] = worker;
        } else {
            _finishShift(ref, deviceAddress, employee, address(uint160(device)), worker, started, at);
        }
        if (paySchedule != PaySchedule.ClockOut) {
            DueItem[] memory due = new DueItem[](_endedPeriodCount(employee, at) * _articleSlots());
            _queueAll(due, _collectEnded(employee, 0, at, due, 0), ref);
        }
    }

    /// @dev A punch's four words, read once and checked together (what ABI decoding would check
    /// field by field): the device signed them as they are, so a word out of its type's range
    /// refuses the whole batch.
    function _read(Punch calldata p) private pure returns (address employee, uint256 at, bool clockIn, uint64 ref) {
        uint256 employeeWord;
        uint256 kindWord;
        uint256 refWord;
        assembly ("memory-safe") {
            employeeWord := calldataload(p)
            at := calldataload(add(p, 0x20))
            kindWord := calldataload(add(p, 0x40))
            refWord := calldataload(add(p, 0x60))
        }
        if ((employeeWord >> 160) | (at >> 64) | (kindWord >> 1) | (refWord >> 64) != 0) revert MalformedPunch();
        (employee, clockIn, ref) = (address(uint160(employeeWord)), kindWord == 1, uint64(refWord));
    }

    /// @notice The first SPEC §4 rule the punch breaks, in the interpreter's order, or None.
    function _check(uint256 employerId, address employee, uint256 at, uint256 mark, uint256 worker)
        private view returns (PunchRejection)
    {
        if (at < effectiveFrom) return PunchRejection.BeforeEffectiveDate;
        uint256 employedBy = worker & ID_MASK;
        if (employedBy == 0) return PunchRejection.NotEmployed;
        if (employedBy != employerId) return PunchRejection.DeviceOfAnotherEmployer;
        uint256 lastAt = (worker >> LAST_AT) & TIME_MASK;
        bool clockedIn = worker & CLOCKED_IN != 0;
        if (lastAt != 0) {
            if (at == lastAt && (mark == _lastMark(worker)
                                 || (worker & SEVERAL_AT_LAST != 0 && _marks[employee][mark] == at))) {
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

    /// @notice Count, check limits and pay (or accrue) a finished shift; stores the worker first.
    /// The clock-out is logged with its first payment made at once, or else last.
    function _finishShift(uint64 ref, address device, address employee, address employer, uint256 worker,
                          uint256 started, uint256 ended) private
    {
        Shift memory shift = _countShift(ref, employee, employer, worker, started, ended);
        shift.device = device;
        shift.at = ended;
        _applyRules(shift);
        if (!shift.logged) emit Punched(ref, device, employee, uint64(ended), false);
    }

    /// @notice The shift's date, day kind and periods; adds its minutes to the day/week/month counts.
    function _countShift(uint64 ref, address employee, address employer, uint256 worker, uint256 started,
                         uint256 ended) private view returns (Shift memory shift)
    {
        uint256 day = CivilCalendar.localDay(started, timeZoneOffset);
        if (day > 0xffffff) revert SafeCast.SafeCastOverflowedUintDowncast(24, day);
        shift.ref = ref;
        shift.employee = employee;
        shift.employer = employer;
        shift.day = day;
        shift.kind = dayKind(day);
        shift.timeOff = worker & TIME_OFF_GRANTED != 0 && timeOff[employee][day];
        shift.weekStart = CivilCalendar.weekStart(day, weekStart);
        shift.monthStart = CivilCalendar.monthStart(day);
        unchecked { shift.length = (ended - started) / 60; } // ended >= started: checked by `_check`
        // Shift days only move forward: the previous shift's day is in this shift's week (month)
        // exactly when it is not before the week's (month's) first day.
        uint256 counts = worker >> SHIFT_DAY;
        uint256 previous = counts & 0xffffff;
        shift.previousDay = previous;
        if (previous == day) shift.beforeDay = (counts >> 24) & 0xfff;
        if (previous != 0 && previous >= shift.weekStart) shift.beforeWeek = (counts >> 36) & 0x3fff;
        if (previous != 0 && previous >= shift.monthStart) shift.beforeMonth = (counts >> 50) & 0xffff;
        uint256 length = shift.length;
        unchecked { // sums fit their fields: see `Worker`
            shift.worker = (worker & ~SHIFT_COUNT_BITS) | (day | (shift.beforeDay + length) << 24
                | (shift.beforeWeek + length) << 36 | (shift.beforeMonth + length) << 50) << SHIFT_DAY;
        }
    }

    /// @notice The first day of the shift's `period`.
    function _periodStart(Shift memory shift, Period period) private pure returns (uint256) {
        if (period == Period.Day) return shift.day;
        return period == Period.Week ? shift.weekStart : shift.monthStart;
    }

    function _roll(Counter storage counter, uint256 start) private {
        if (counter.start != start) {
            counter.start = SafeCast.toUint32(start);
            counter.count = 0;
            counter.flagged = false;
        }
    }

    // ------------------------------------------------------------------ what generated rules call

    /// @notice Store the worker's slot (its limit counters counted) and, weekly/monthly, open the
    /// shift's pay period: the effects of a shift, before any of its payments.
    function _storeWorker(Shift memory shift) internal {
        _workers[shift.employee] = shift.worker;
        if (paySchedule != PaySchedule.ClockOut) {
            shift.accruing = paySchedule == PaySchedule.EndOfWeek ? shift.weekStart : shift.monthStart;
            _openAccrual(shift.employee, shift.accruing);
        }
    }

    /// @notice Minutes of the shift from minute `from` (a rule's start) until `higher` (the earliest
    /// start of a rule paying more) or the shift's end: what the rule starting at `from` pays.
    /// @dev Every rule covers a suffix of the shift (from `threshold - minutes already worked` on), so
    /// a rule wins exactly the minutes from its start until the first start of a rule that beats it
    /// (a higher rate, or an equal one earlier in the statute): each minute at the highest rate.
    function _minutesWon(Shift memory shift, uint256 from, uint256 higher) internal pure returns (uint256) {
        uint256 until = higher < shift.length ? higher : shift.length;
        unchecked { return until > from ? until - from : 0; }
    }

    /// @notice The earlier of two rule starts.
    function _earliest(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @notice The shift minute from which a rule with `threshold` minutes in a period applies, when
    /// `already` minutes of that period were worked before the shift.
    function _beyond(uint256 threshold, uint256 already) internal pure returns (uint256) {
        unchecked { return threshold > already ? threshold - already : 0; }
    }

    /// @notice The shift earned `rateMinutes` (minutes × millionths of the hourly wage) under the article
    /// at `position`: one rounded payment now, or, weekly/monthly, the exact amount accrued.
    function _earned(Shift memory shift, uint256 position, bytes32 article, uint256 rateMinutes) internal {
        uint256 exact;
        unchecked { exact = rateMinutes * ((shift.worker >> WAGE) & WAGE_MASK); } // < 2^83 × 2^48
        if (exact == 0) return;
        if (shift.accruing != 0) {
            _accrued[shift.employee][shift.accruing][position] += exact;
        } else {
            uint256 amount = _rounded(exact);
            if (amount != 0) _payOrEnqueue(shift, article, amount);
        }
    }

    /// @notice Count the shift against limit sentence `index` of `article` (`added` minutes, in
    /// `period`, when the sentence `applies` to the shift's day) and report the first excess over
    /// `limit` in each period instance.
    /// @dev The first two counters live in the worker's slot and roll with it at every shift (shift
    /// dates only move forward, so rolling them when their sentence does not apply changes nothing);
    /// further ones have a slot each and roll when counted, as the interpreter's do.
    function _limit(Shift memory shift, uint256 index, bytes32 article, Period period, bool applies,
                    uint256 limit, uint256 added) internal
    {
        uint256 start = _periodStart(shift, period);
        bool report;
        if (index < 2) {
            uint256 offset = index == 0 ? FIRST_LIMIT : SECOND_LIMIT;
            uint256 worker = shift.worker;
            if (shift.previousDay == 0 || shift.previousDay < start) worker &= ~(uint256(0x1ffff) << offset);
            if (applies) {
                uint256 count;
                unchecked { count = ((worker >> offset) & 0xffff) + added; } // at most the period's minutes
                report = count > limit && (worker >> (offset + 16)) & 1 == 0;
                worker = (worker & ~(uint256(0xffff) << offset)) | count << offset | _bit(report) << (offset + 16);
            }
            shift.worker = worker;
        } else if (applies) {
            Counter storage counter = _limitCounters[shift.employee][index];
            _roll(counter, start);
            counter.count += SafeCast.toUint32(added);
            report = counter.count > limit && !counter.flagged;
            if (report) counter.flagged = true;
        }
        if (report) emit LimitExceeded(shift.ref, article, shift.employer, shift.employee, period, start);
    }

    /// @notice The one rounding of a payment: half up, to the minor unit.
    function _rounded(uint256 exact) private pure returns (uint256) {
        return (exact + AMOUNT_SCALE / 2) / AMOUNT_SCALE;
    }

    // ------------------------------------------------------------------ payment schedules

    /// @notice Weekly/monthly: the shift's pay period joins the employee's accruing periods.
    function _openAccrual(address employee, uint256 periodStart) private {
        uint32[] storage periods = _accruingPeriods[employee];
        if (periods.length == _firstAccruing[employee] || periods[periods.length - 1] != periodStart) {
            periods.push(SafeCast.toUint32(periodStart));
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
    function _collectEnded(address employee, uint256 order, uint256 at, DueItem[] memory due, uint256 filled)
        private returns (uint256)
    {
        uint256 ended = _endedPeriodCount(employee, at);
        if (ended == 0) return filled;
        uint256 slots = _articleSlots();
        uint256 first = _firstAccruing[employee];
        for (uint256 i = first; i < first + ended; ++i) {
            uint32 periodStart = _accruingPeriods[employee][i];
            for (uint256 position = 0; position < slots; ++position) {
                uint256 exact = _accrued[employee][periodStart][position];
                if (exact == 0) continue;
                delete _accrued[employee][periodStart][position];
                due[filled++] = DueItem(uint8(position), periodStart, uint32(order), employee,
                                        _article(position), _rounded(exact));
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
            address employer = employerOf(due[i].employee);
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
        uint256 seq = ++dueCount;
        emit WageDue(seq, ref, employer, employee, article, amount);
        _dues[seq] = Due(employee, SafeCast.toUint96(amount), article);
        uint256 funds = _funds[employer];
        uint256 tail = funds >> 192;
        _queues[employer][tail] = seq;
        _funds[employer] = funds + (1 << 192);
    }

    /// @notice A payment falls due and is paid at once when nothing waits before it and the
    /// deposit covers it (the common case: one slot read and written, no queue entry); else it
    /// waits in the queue.
    /// @dev Only for payments of one employer within an event: paying one employer's dues before
    /// another's are queued would change the order SPEC §4 gives payments of one event.
    /// The shift's clock-out is logged with the first payment made at once (`PaidAtClockOut`).
    function _payOrEnqueue(Shift memory shift, bytes32 article, uint256 amount) private {
        address employer = shift.employer;
        address employee = shift.employee;
        uint256 funds = _funds[employer];
        if (uint64(funds >> 128) != funds >> 192 || uint128(funds) < amount) {
            _enqueue(employer, employee, article, amount, shift.ref);
            return;
        }
        unchecked { _funds[employer] = funds - amount; } // the deposit (low 128 bits) covers it
        if (shift.logged) {
            emit WagePaid(0, shift.ref, employer, employee, article, amount);
        } else {
            emit PaidAtClockOut(shift.ref, shift.device, employee, employer, uint64(shift.at), article, amount);
            shift.logged = true;
        }
        currency.safeTransfer(employee, amount);
    }

    /// @notice Pay the head of the employer's queue, whole, while its deposit covers it.
    /// @dev Checks-effects-interactions per payment: the queue and the deposit are updated
    /// before the transfer, and every entry point is `nonReentrant`.
    function _payQueue(address employer, uint64 ref) private {
        uint256 funds = _funds[employer];
        uint256 head = uint64(funds >> 128);
        while (head < funds >> 192) {
            uint256 seq = _queues[employer][head];
            Due memory due = _dues[seq];
            if (uint128(funds) < due.amount) break;
            ++head;
            funds = (funds >> 192 << 192) | (head << 128) | (uint128(funds) - due.amount);
            _funds[employer] = funds;
            delete _queues[employer][head - 1];
            delete _dues[seq];
            emit WagePaid(seq, ref, employer, due.employee, due.article, due.amount);
            currency.safeTransfer(due.employee, due.amount);
        }
    }
}
