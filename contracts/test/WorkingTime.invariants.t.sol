// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {DigitalCurrency} from "../DigitalCurrency.sol";
import {WorkingTimeStatute} from "../WorkingTimeStatute.sol";
import {ContractTest, VM, account, bound} from "./lib/Cheats.sol";
import {WorkingTimeCalls} from "./lib/WorkingTimeCalls.sol";

/// @title A simple model of the Working Hours and Overtime Pay Act (statutes/overtime.law)
/// @notice What the statute says a shift earns, written out for this one statute: 150% of the hourly
/// wage for each minute beyond 8 hours on a workday (counting earlier shifts begun that day), 200% for
/// each minute on a rest day (Saturday, Sunday) unless time off was granted for it, 300% on a public
/// holiday; one payment per shift, rounded half up to the minor unit. Days are local (+08:00).
library OvertimeModel {
    uint256 internal constant ZONE = 8 hours;
    uint256 internal constant STANDARD_DAY = 480; // minutes

    function day(uint256 at) internal pure returns (uint256) {
        return (at + ZONE) / 1 days;
    }

    function isHoliday(uint256 d) internal pure returns (bool) {
        // 2026-01-01, 02-17, 02-18, 02-19, 04-05, 05-01, 06-19, 09-25, 10-01, 10-02, 10-03
        return d == 20454 || d == 20501 || d == 20502 || d == 20503 || d == 20548 || d == 20574
            || d == 20623 || d == 20721 || d == 20727 || d == 20728 || d == 20729;
    }

    function isRestDay(uint256 d) internal pure returns (bool) {
        return (d + 3) % 7 >= 5; // 1970-01-01 was a Thursday; Saturday = 5, Sunday = 6
    }

    /// @notice The premium a shift of `length` minutes earns, `before` minutes having been worked in
    /// shifts begun earlier the same day.
    function premium(uint256 d, uint256 length, uint256 before, bool timeOff, uint256 wage)
        internal pure returns (uint256)
    {
        uint256 rate;
        uint256 minutes_;
        if (isHoliday(d)) {
            (rate, minutes_) = (3_000_000, length);
        } else if (isRestDay(d)) {
            (rate, minutes_) = (2_000_000, timeOff ? 0 : length);
        } else {
            uint256 threshold = before >= STANDARD_DAY ? 0 : STANDARD_DAY - before;
            (rate, minutes_) = (1_500_000, length > threshold ? length - threshold : 0);
        }
        return (rate * minutes_ * wage + 30_000_000) / 60_000_000; // minutes x millionths / 60e6, half up
    }
}

/// @title The parties of a working-time statute, acting at random
/// @notice Employers employ, re-wage, grant time off and deposit; devices sign punches (their own
/// employer's workers, other employers' workers, replays); an outsider tries what it has no right
/// to. Each call is checked against the model and against the money before and after it; a breach
/// sets a flag the invariants read.
contract WorkingTimeHandler {
    using WorkingTimeCalls for WorkingTimeStatute;

    struct Worker {
        address employer;
        uint256 wage;
        bool clockedIn;
        uint256 lastAt; // last accepted punch (0: none)
        uint256 shiftDay; // local day of the last finished shift
        uint256 minutesInDay; // minutes of the shifts begun on `shiftDay`
        uint256 expected; // what the statute says the accepted shifts earned
    }

    uint256 public constant WORKERS = 4;
    uint256 public constant EMPLOYERS = 2;
    uint256 public constant WALLET = 2_000_000; // each party's starting currency, minor units

    WorkingTimeStatute public immutable statute;
    DigitalCurrency public immutable currency;
    address public immutable authority;
    address public immutable outsider;
    uint256 private immutable outsiderKey;

    address[] public employers;
    address[] public workers;
    address[] public devices; // device i is bound to employer i
    uint256[] private deviceKeys;
    mapping(address worker => Worker) public model;
    mapping(address worker => mapping(uint256 day => bool)) private timeOffModel;
    mapping(address worker => WorkingTimeStatute.Punch) private lastSubmitted;
    mapping(address worker => uint256 device) private lastSubmittedBy;

    /// @notice The contract decided a call otherwise than the statute (accepted, refused, paid).
    bool public ruleBroken;
    /// @notice A due left the arrears without the worker being paid it.
    bool public arrearsVanished;
    /// @notice An outsider's call changed another party's money, or an outsider was let do something.
    bool public outsiderInterfered;
    /// @notice How many shifts the contract accepted and paid or queued (a run that pays none proves little).
    uint256 public shiftsPaid;

    constructor() {
        (authority,) = account("authority");
        uint256 key;
        (outsider, outsiderKey) = account("outsider");
        currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        statute = WorkingTimeCalls.deploy(currency, authority);
        VM.warp(20497 days); // 2026-02-13 08:00 +08:00, a Friday before three public holidays
        for (uint256 i = 0; i < EMPLOYERS; ++i) {
            (address employer,) = account(string.concat("employer", _digit(i)));
            address device;
            (device, key) = account(string.concat("device", _digit(i)));
            employers.push(employer);
            devices.push(device);
            deviceKeys.push(key);
            currency.mint(employer, WALLET);
            if (!statute.registerDevice(authority, device, employer)) revert("device registration refused");
        }
        for (uint256 i = 0; i < WORKERS; ++i) {
            (address worker,) = account(string.concat("worker", _digit(i)));
            workers.push(worker);
            address employer = employers[i % EMPLOYERS];
            uint256 wage = 1_000 + 1_000 * i; // CNY 10.00 … 40.00 an hour
            if (!statute.employ(employer, worker, wage)) revert("employment refused");
            model[worker].employer = employer;
            model[worker].wage = wage;
        }
        currency.mint(outsider, WALLET);
    }

    // ------------------------------------------------------------------ employers

    function employ(uint256 employerSeed, uint256 workerSeed, uint256 wage) external observed(false) {
        address employer = employers[employerSeed % EMPLOYERS];
        address worker = workers[workerSeed % WORKERS];
        wage = bound(wage, 0, 50_000);
        bool done = statute.employ(employer, worker, wage);
        _expect(done == (model[worker].employer == employer));
        if (done) model[worker].wage = wage;
    }

    function grantTimeOff(uint256 workerSeed, uint256 daysAhead) external observed(false) {
        address worker = workers[workerSeed % WORKERS];
        uint256 day = OvertimeModel.day(block.timestamp) + bound(daysAhead, 0, 7);
        _expect(statute.grantTimeOff(model[worker].employer, worker, day));
        timeOffModel[worker][day] = true;
    }

    function deposit(uint256 employerSeed, uint256 amount) external observed(false) {
        address employer = employers[employerSeed % EMPLOYERS];
        amount = bound(amount, 0, currency.balanceOf(employer));
        _expect(statute.deposit(employer, amount));
    }

    // ------------------------------------------------------------------ devices and time

    /// @notice Device `deviceSeed` signs one punch of worker `workerSeed`, `minutesLater` after the last call.
    function punch(uint256 workerSeed, uint256 deviceSeed, bool clockIn, uint256 minutesLater)
        external observed(false)
    {
        VM.warp(block.timestamp + bound(minutesLater, 1, 14 * 60) * 60);
        address worker = workers[workerSeed % WORKERS];
        uint256 device = deviceSeed % EMPLOYERS;
        WorkingTimeStatute.Punch memory p = WorkingTimeCalls.punch(worker, block.timestamp, clockIn);
        _submit(device, p);
        lastSubmitted[worker] = p;
        lastSubmittedBy[worker] = device;
    }

    /// @notice A whole shift on the worker's own employer's device: a clock-in `hoursLater`, a clock-out
    /// `minutes_` after it (each punch in its own batch).
    function shift(uint256 workerSeed, uint256 hoursLater, uint256 minutes_) external observed(false) {
        address worker = workers[workerSeed % WORKERS];
        uint256 device = workerSeed % WORKERS % EMPLOYERS; // worker i is employer (i mod 2)'s, as its device
        VM.warp(block.timestamp + bound(hoursLater, 0, 36) * 1 hours + 60);
        _submit(device, WorkingTimeCalls.punch(worker, block.timestamp, true));
        VM.warp(block.timestamp + bound(minutes_, 1, 16 * 60) * 60);
        WorkingTimeStatute.Punch memory p = WorkingTimeCalls.punch(worker, block.timestamp, false);
        _submit(device, p);
        lastSubmitted[worker] = p;
        lastSubmittedBy[worker] = device;
    }

    /// @notice The device sends a worker's last punch again, in a new batch: a duplicate, never paid.
    function replay(uint256 workerSeed) external observed(false) {
        address worker = workers[workerSeed % WORKERS];
        WorkingTimeStatute.Punch memory p = lastSubmitted[worker];
        if (p.employee == address(0)) return;
        uint256 expectedBefore = model[worker].expected;
        (uint256 lastAt,) = statute.lastPunch(worker);
        _submit(lastSubmittedBy[worker], p);
        (uint256 lastAtAfter,) = statute.lastPunch(worker);
        if (model[worker].expected != expectedBefore || lastAtAfter != lastAt) ruleBroken = true;
    }

    function advance(uint256 minutesLater) external observed(false) {
        VM.warp(block.timestamp + bound(minutesLater, 1, 3 days / 60) * 60);
    }

    /// @notice Anyone may call the keeper's `settle`; under a clock-out pay schedule it pays nothing.
    function settle() external observed(false) {
        _expect(statute.settle(outsider));
    }

    // ------------------------------------------------------------------ the outsider

    function outsiderEmploys(uint256 workerSeed, uint256 wage) external observed(true) {
        _refused(statute.employ(outsider, workers[workerSeed % WORKERS], bound(wage, 0, 50_000)));
    }

    function outsiderGrantsTimeOff(uint256 workerSeed) external observed(true) {
        _refused(statute.grantTimeOff(outsider, workers[workerSeed % WORKERS], OvertimeModel.day(block.timestamp)));
    }

    function outsiderRegistersDevice(uint256 employerSeed) external observed(true) {
        _refused(statute.registerDevice(outsider, outsider, employers[employerSeed % EMPLOYERS]));
    }

    /// @notice The outsider signs a batch in a registered device's name.
    function outsiderForgesBatch(uint256 workerSeed, uint256 deviceSeed, bool clockIn) external observed(true) {
        WorkingTimeStatute.Punch[] memory punches = new WorkingTimeStatute.Punch[](1);
        punches[0] = WorkingTimeCalls.punch(workers[workerSeed % WORKERS], block.timestamp, clockIn);
        (bool done,) = statute.submit(outsider, devices[deviceSeed % EMPLOYERS], outsiderKey, punches);
        _refused(done);
    }

    /// @notice The outsider deposits its own money: allowed, and it moves nobody else's.
    function outsiderDeposits(uint256 amount) external observed(true) {
        _expect(statute.deposit(outsider, bound(amount, 0, currency.balanceOf(outsider))));
    }

    // ------------------------------------------------------------------ what the invariants read

    function workerCount() external pure returns (uint256) {
        return WORKERS;
    }

    function employerCount() external pure returns (uint256) {
        return EMPLOYERS;
    }

    /// @notice What `worker` has been paid plus what its employer's arrears owe it.
    function earned(address worker) public view returns (uint256) {
        return currency.balanceOf(worker) + statute.owed(model[worker].employer, worker);
    }

    function expected(address worker) external view returns (uint256) {
        return model[worker].expected;
    }

    function deposits(address owner) external view returns (uint256) {
        return statute.depositOf(owner);
    }

    // ------------------------------------------------------------------ internals

    function _submit(uint256 device, WorkingTimeStatute.Punch memory p) private {
        Worker storage w = model[p.employee];
        bool accept = _accepts(device, w, p);
        uint256 due = accept && !p.clockIn ? _shiftPremium(p.employee, w, p.at) : 0;
        WorkingTimeStatute.Punch[] memory punches = new WorkingTimeStatute.Punch[](1);
        punches[0] = p;
        (bool done, uint256 refused) = statute.submit(devices[device], devices[device], deviceKeys[device], punches);
        _expect(done && (refused == 0) == accept);
        if (!accept) return;
        w.lastAt = p.at;
        w.clockedIn = p.clockIn;
        if (!p.clockIn) {
            w.expected += due;
            if (due > 0) ++shiftsPaid;
        }
    }

    /// @notice The statute's punch rules for this handler's punches (always after the effective
    /// date, of employed workers, from registered devices).
    function _accepts(uint256 device, Worker storage w, WorkingTimeStatute.Punch memory p)
        private view returns (bool)
    {
        if (w.employer != employers[device]) return false; // a device of another employer
        if (w.lastAt != 0 && p.at <= w.lastAt) return false; // a duplicate, or earlier than the last punch
        uint256 since = p.at - w.lastAt;
        if (p.clockIn) return !(w.clockedIn && since <= 24 hours); // else already clocked in
        return w.clockedIn && since <= 24 hours; // else no clock-in, or a shift over 24 hours
    }

    /// @notice The premium of the shift from the worker's open clock-in to `end`; counts its minutes.
    function _shiftPremium(address worker, Worker storage w, uint256 end) private returns (uint256) {
        uint256 start = w.lastAt;
        uint256 day = OvertimeModel.day(start);
        uint256 length = (end - start) / 60;
        uint256 before = w.shiftDay == day ? w.minutesInDay : 0;
        w.shiftDay = day;
        w.minutesInDay = before + length;
        return OvertimeModel.premium(day, length, before, timeOffModel[worker][day], w.wage);
    }

    function _expect(bool holds) private {
        if (!holds) ruleBroken = true;
    }

    function _refused(bool done) private {
        if (done) outsiderInterfered = true;
    }

    /// @dev Every party's wallet, deposit and arrears owed to it, before and after the call.
    modifier observed(bool byOutsider) {
        uint256[] memory before = _money();
        _;
        uint256[] memory later = _money();
        _compare(before, later, byOutsider);
    }

    /// @dev Per party (employers, workers, then the outsider): wallet, deposit, arrears owed to it.
    function _money() private view returns (uint256[] memory money) {
        money = new uint256[](3 * (EMPLOYERS + WORKERS + 1));
        for (uint256 i = 0; i < EMPLOYERS + WORKERS + 1; ++i) {
            address party = _party(i);
            money[3 * i] = currency.balanceOf(party);
            money[3 * i + 1] = statute.depositOf(party);
            money[3 * i + 2] = i >= EMPLOYERS && i < EMPLOYERS + WORKERS
                ? statute.owed(model[party].employer, party) : 0;
        }
    }

    function _compare(uint256[] memory before, uint256[] memory later, bool byOutsider) private {
        for (uint256 i = 0; i < EMPLOYERS + WORKERS + 1; ++i) {
            bool worker = i >= EMPLOYERS && i < EMPLOYERS + WORKERS;
            (uint256 wallet, uint256 owed) = (before[3 * i], before[3 * i + 2]);
            (uint256 walletLater, uint256 owedLater) = (later[3 * i], later[3 * i + 2]);
            if (worker && (walletLater < wallet || (owedLater < owed && walletLater - wallet < owed - owedLater))) {
                arrearsVanished = true;
            }
            bool others = i < EMPLOYERS + WORKERS;
            if (byOutsider && others && (walletLater != wallet || later[3 * i + 1] != before[3 * i + 1]
                                         || owedLater != owed)) {
                outsiderInterfered = true;
            }
        }
    }

    function _party(uint256 i) private view returns (address) {
        if (i < EMPLOYERS) return employers[i];
        if (i < EMPLOYERS + WORKERS) return workers[i - EMPLOYERS];
        return outsider;
    }

    function _digit(uint256 i) private pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + i))));
    }
}

/// @title Invariants of the working-time statute under random employers, devices and outsiders
contract WorkingTimeInvariants is ContractTest {
    WorkingTimeHandler private handler;

    function setUp() public {
        handler = new WorkingTimeHandler();
        targetContract(address(handler));
    }

    /// @notice Currency supply = every wallet + the statute's holdings, and the statute holds exactly the deposits.
    function invariant_moneyIsConserved() public view {
        DigitalCurrency currency = handler.currency();
        address statute = address(handler.statute());
        uint256 wallets;
        uint256 deposits = handler.deposits(handler.outsider());
        for (uint256 i = 0; i < handler.employerCount(); ++i) {
            wallets += currency.balanceOf(handler.employers(i));
            deposits += handler.deposits(handler.employers(i));
        }
        for (uint256 i = 0; i < handler.workerCount(); ++i) wallets += currency.balanceOf(handler.workers(i));
        wallets += currency.balanceOf(handler.outsider());
        assertEq(currency.totalSupply(), wallets + currency.balanceOf(statute), "supply = wallets + statute");
        assertEq(currency.balanceOf(statute), deposits, "statute holds the deposits");
    }

    /// @notice No accepted punch is paid twice: paid + owed never exceeds what the statute says.
    function invariant_noPunchPaidTwice() public view {
        for (uint256 i = 0; i < handler.workerCount(); ++i) {
            address worker = handler.workers(i);
            assertLe(handler.earned(worker), handler.expected(worker), "paid + owed <= statute");
        }
    }

    /// @notice A worker's pay (paid + owed) never falls below what the statute says its accepted punches earned.
    function invariant_payNeverBelowStatute() public view {
        for (uint256 i = 0; i < handler.workerCount(); ++i) {
            address worker = handler.workers(i);
            assertTrue(handler.earned(worker) >= handler.expected(worker), "paid + owed >= statute");
        }
    }

    /// @notice The contract accepts, refuses and pays exactly as the statute's rules say.
    function invariant_followsTheStatute() public view {
        assertTrue(!handler.ruleBroken(), "a call was decided otherwise than the statute says");
    }

    /// @notice Arrears only shrink by a payment to the worker they are owed to.
    function invariant_arrearsOnlyShrinkByPayment() public view {
        assertTrue(!handler.arrearsVanished(), "arrears shrank without a payment");
    }

    /// @notice No outsider call changes another party's funds, or is let act for a party.
    function invariant_outsidersMoveNoOnesFunds() public view {
        assertTrue(!handler.outsiderInterfered(), "an outsider's call moved another party's funds");
    }
}
