// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {DigitalCurrency} from "../DigitalCurrency.sol";
import {PunchBatches} from "../PunchBatches.sol";
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
/// @notice Employers employ (with the worker's signed consent), change wages, end employments (as do
/// workers), grant time off, deposit and withdraw; the authority offers devices, employers accept
/// them, either revokes one (a fresh device replaces it); devices sign punches (their own employer's
/// workers, other employers' workers, replays); a keeper settles and pays arrears in pages; an
/// outsider tries what it has no right to. Each call is checked against the model and against the
/// money before and after it; a breach sets a flag the invariants read.
contract WorkingTimeHandler {
    using WorkingTimeCalls for WorkingTimeStatute;

    struct Worker {
        address employer; // zero: not employed
        uint256 wage; // the wage of the open shift, or of the next one when none is open
        uint256 nextWage; // a change made during an open shift: applies from the next clock-in
        bool wagePending;
        bool clockedIn;
        uint256 lastAt; // last accepted punch (0: none)
        uint256 shiftDay; // local day of the last finished shift
        uint256 minutesInDay; // minutes of the shifts begun on `shiftDay`
        uint256 expected; // what the statute says the accepted shifts earned
    }

    uint256 public constant WORKERS = 4;
    uint256 public constant EMPLOYERS = 2;
    uint256 public constant WALLET = 2_000_000; // each party's starting currency, minor units
    uint256 public constant MAX_SHIFT = 24 hours;

    WorkingTimeStatute public immutable statute;
    DigitalCurrency public immutable currency;
    address public immutable authority;
    address public immutable outsider;
    uint256 private immutable outsiderKey;

    address[] public employers;
    address[] public workers;
    uint256[] private workerKeys;
    // Every device ever accepted, by id: its address, key, employer (index) and whether it was revoked.
    address[] private devices;
    uint256[] private deviceKeys;
    uint256[] private deviceEmployer;
    bool[] private revoked;
    uint256[] private current; // employer i's counting device
    uint256 private offered; // devices offered for the outsider to try to accept
    mapping(address worker => Worker) public model;
    mapping(address worker => mapping(uint256 day => bool)) private timeOffModel;
    mapping(address worker => PunchBatches.Punch) private lastSubmitted;
    mapping(address worker => uint256 device) private lastSubmittedBy;

    /// @notice The contract decided a call otherwise than the statute (accepted, refused, paid).
    bool public ruleBroken;
    /// @notice A due left the arrears without the worker being paid it.
    bool public arrearsVanished;
    /// @notice An outsider's call changed another party's money, or an outsider was let do something.
    bool public outsiderInterfered;
    /// @notice Someone was employed without the worker's consent.
    bool public employedWithoutConsent;
    /// @notice A batch of a revoked device went through, or moved money.
    bool public revokedDevicePaid;
    /// @notice A settle or arrears page did more than the page size it was given.
    bool public pageOverrun;
    /// @notice How many shifts the contract accepted and paid or queued (a run that pays none proves little).
    uint256 public shiftsPaid;

    constructor() {
        (authority,) = account("authority");
        (outsider, outsiderKey) = account("outsider");
        currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        statute = WorkingTimeCalls.deploy(currency, authority);
        VM.warp(20497 days); // 2026-02-13 08:00 +08:00, a Friday before three public holidays
        for (uint256 i = 0; i < EMPLOYERS; ++i) {
            (address employer,) = account(string.concat("employer", _digit(i)));
            employers.push(employer);
            currency.mint(employer, WALLET);
            current.push(_newDevice(i));
        }
        for (uint256 i = 0; i < WORKERS; ++i) {
            (address worker, uint256 key) = account(string.concat("worker", _digit(i)));
            workers.push(worker);
            workerKeys.push(key);
            address employer = employers[i % EMPLOYERS];
            uint256 wage = 1_000 + 1_000 * i; // CNY 10.00 … 40.00 an hour
            if (!statute.employ(employer, worker, key, wage)) revert("employment refused");
            model[worker].employer = employer;
            model[worker].wage = wage;
        }
        currency.mint(outsider, WALLET);
    }

    // ------------------------------------------------------------------ employers and workers

    /// @notice An employer employs a worker with its consent: a new employment when the worker has
    /// none, a wage change when it is the worker's employer already, refused when another employs it.
    function employ(uint256 employerSeed, uint256 workerSeed, uint256 wage) external observed(false) {
        address employer = employers[employerSeed % EMPLOYERS];
        uint256 i = workerSeed % WORKERS;
        Worker storage w = model[workers[i]];
        wage = bound(wage, 0, 50_000);
        bool allowed = w.employer == address(0) || w.employer == employer;
        _expect(statute.employ(employer, workers[i], workerKeys[i], wage) == allowed);
        if (!allowed) return;
        if (w.employer == address(0)) (w.employer, w.wage, w.wagePending) = (employer, wage, false);
        else _changeWage(w, wage);
    }

    function changeWage(uint256 workerSeed, uint256 wage) external observed(false) {
        Worker storage w = model[workers[workerSeed % WORKERS]];
        wage = bound(wage, 0, 50_000);
        address caller = w.employer == address(0) ? employers[0] : w.employer;
        _expect(statute.changeWage(caller, workers[workerSeed % WORKERS], wage) == (w.employer != address(0)));
        if (w.employer != address(0)) _changeWage(w, wage);
    }

    /// @notice The employer, or the worker itself, ends the employment; refused while a shift is open.
    function endEmployment(uint256 workerSeed, bool byWorker) external observed(false) {
        address worker = workers[workerSeed % WORKERS];
        Worker storage w = model[worker];
        address caller = byWorker ? worker : (w.employer == address(0) ? employers[0] : w.employer);
        bool allowed = w.employer != address(0) && !(w.clockedIn && block.timestamp <= w.lastAt + MAX_SHIFT);
        _expect(statute.endEmployment(caller, worker) == allowed);
        if (allowed) (w.employer, w.wagePending) = (address(0), false);
    }

    function grantTimeOff(uint256 workerSeed, uint256 daysAhead) external observed(false) {
        address worker = workers[workerSeed % WORKERS];
        uint256 day = OvertimeModel.day(block.timestamp) + bound(daysAhead, 0, 7);
        address employer = model[worker].employer;
        bool done = statute.grantTimeOff(employer == address(0) ? employers[0] : employer, worker, day);
        _expect(done == (employer != address(0)));
        if (done) timeOffModel[worker][day] = true;
    }

    function deposit(uint256 employerSeed, uint256 amount) external observed(false) {
        address employer = employers[employerSeed % EMPLOYERS];
        amount = bound(amount, 0, currency.balanceOf(employer));
        _expect(statute.deposit(employer, amount));
    }

    /// @notice An employer takes back part of its deposit: refused beyond it, or while it owes arrears.
    function withdraw(uint256 employerSeed, uint256 amount) external observed(false) {
        address employer = employers[employerSeed % EMPLOYERS];
        uint256 held = statute.depositOf(employer);
        amount = bound(amount, 0, held + 1_000);
        bool allowed = statute.queued(employer) == 0 && amount <= held;
        _expect(statute.withdraw(employer, amount) == allowed);
    }

    // ------------------------------------------------------------------ devices and time

    /// @notice Employer `employerSeed`'s device is revoked (by the employer or the authority) and a
    /// fresh one offered and accepted in its place.
    function revokeDevice(uint256 employerSeed, bool byAuthority) external observed(false) {
        uint256 e = employerSeed % EMPLOYERS;
        uint256 id = current[e];
        _expect(statute.revokeDevice(byAuthority ? authority : employers[e], devices[id]));
        revoked[id] = true;
        current[e] = _newDevice(e);
    }

    /// @notice Device `deviceSeed` signs one punch of worker `workerSeed`, `minutesLater` after the last call.
    function punch(uint256 workerSeed, uint256 deviceSeed, bool clockIn, uint256 minutesLater)
        external observed(false)
    {
        VM.warp(block.timestamp + bound(minutesLater, 1, 14 * 60) * 60);
        address worker = workers[workerSeed % WORKERS];
        uint256 device = current[deviceSeed % EMPLOYERS];
        PunchBatches.Punch memory p = WorkingTimeCalls.punch(worker, block.timestamp, clockIn);
        _submit(device, p);
        lastSubmitted[worker] = p;
        lastSubmittedBy[worker] = device;
    }

    /// @notice A whole shift on the device of the worker's employer (employer (i mod 2)'s when it has
    /// none): a clock-in `hoursLater`, a clock-out `minutes_` after it (each punch in its own batch).
    function shift(uint256 workerSeed, uint256 hoursLater, uint256 minutes_) external observed(false) {
        address worker = workers[workerSeed % WORKERS];
        uint256 device = current[model[worker].employer == employers[1] ? 1 : model[worker].employer == employers[0]
            ? 0 : workerSeed % WORKERS % EMPLOYERS];
        VM.warp(block.timestamp + bound(hoursLater, 0, 36) * 1 hours + 60);
        _submit(device, WorkingTimeCalls.punch(worker, block.timestamp, true));
        VM.warp(block.timestamp + bound(minutes_, 1, 16 * 60) * 60);
        PunchBatches.Punch memory p = WorkingTimeCalls.punch(worker, block.timestamp, false);
        _submit(device, p);
        lastSubmitted[worker] = p;
        lastSubmittedBy[worker] = device;
    }

    /// @notice The device sends a worker's last punch again, in a new batch: a duplicate, never paid
    /// (and refused whole if the device was revoked since).
    function replay(uint256 workerSeed) external observed(false) {
        address worker = workers[workerSeed % WORKERS];
        PunchBatches.Punch memory p = lastSubmitted[worker];
        if (p.employee == address(0)) return;
        uint256 expectedBefore = model[worker].expected;
        (uint256 lastAt,) = statute.lastPunch(worker);
        _submit(lastSubmittedBy[worker], p);
        (uint256 lastAtAfter,) = statute.lastPunch(worker);
        if (model[worker].expected != expectedBefore || lastAtAfter != lastAt) ruleBroken = true;
    }

    /// @notice A revoked device signs a punch that would pay (a clock-out of a clocked-in worker, else
    /// a clock-in): the batch must be refused whole and move nobody's money.
    function revokedDeviceSubmits(uint256 deviceSeed, uint256 workerSeed) external observed(false) {
        if (devices.length == EMPLOYERS) return; // none revoked yet
        uint256 id = deviceSeed % devices.length;
        if (!revoked[id]) return;
        VM.warp(block.timestamp + 60);
        address worker = workers[workerSeed % WORKERS];
        PunchBatches.Punch[] memory punches = new PunchBatches.Punch[](1);
        punches[0] = WorkingTimeCalls.punch(worker, block.timestamp, !model[worker].clockedIn);
        uint256 before = earned(worker);
        (bool done,) = statute.submit(outsider, devices[id], deviceKeys[id], punches);
        if (done || earned(worker) != before) revokedDevicePaid = true;
    }

    function advance(uint256 minutesLater) external observed(false) {
        VM.warp(block.timestamp + bound(minutesLater, 1, 3 days / 60) * 60);
    }

    /// @notice Anyone may call the keeper's `settle`, a page of at most `pageSize` employees at a time
    /// (under a clock-out pay schedule it pays nothing): the round's cursor moves by the page, no more.
    function settle(uint256 pageSize) external observed(false) {
        pageSize = bound(pageSize, 1, 3);
        uint256 cursor = statute.settlementCursor();
        uint256 count = statute.employeesListed();
        _expect(statute.settle(outsider, pageSize));
        uint256 expectedCursor = cursor + pageSize >= count ? 0 : cursor + pageSize;
        if (statute.settlementCursor() != expectedCursor) pageOverrun = true;
    }

    /// @notice Anyone pays up to `pageSize` of an employer's arrears: never more than the page.
    function payArrears(uint256 employerSeed, uint256 pageSize) external observed(false) {
        address employer = employers[employerSeed % EMPLOYERS];
        pageSize = bound(pageSize, 1, 3);
        uint256 queued = statute.queued(employer);
        _expect(statute.payArrears(outsider, employer, pageSize));
        if (queued - statute.queued(employer) > pageSize) pageOverrun = true;
    }

    // ------------------------------------------------------------------ the outsider

    /// @notice The outsider employs a worker with a consent it signed itself.
    function outsiderEmploys(uint256 workerSeed, uint256 wage) external observed(true) {
        bool done = statute.employ(outsider, workers[workerSeed % WORKERS], outsiderKey, bound(wage, 0, 50_000));
        if (done) employedWithoutConsent = true;
        _refused(done);
    }

    /// @notice An employer employs a worker with a consent the worker did not sign.
    function employWithForgedConsent(uint256 employerSeed, uint256 workerSeed, uint256 wage)
        external observed(false)
    {
        address employer = employers[employerSeed % EMPLOYERS];
        if (statute.employ(employer, workers[workerSeed % WORKERS], outsiderKey, bound(wage, 0, 50_000))) {
            employedWithoutConsent = true;
        }
    }

    function outsiderChangesWage(uint256 workerSeed, uint256 wage) external observed(true) {
        _refused(statute.changeWage(outsider, workers[workerSeed % WORKERS], bound(wage, 0, 50_000)));
    }

    function outsiderEndsEmployment(uint256 workerSeed) external observed(true) {
        _refused(statute.endEmployment(outsider, workers[workerSeed % WORKERS]));
    }

    function outsiderGrantsTimeOff(uint256 workerSeed) external observed(true) {
        _refused(statute.grantTimeOff(outsider, workers[workerSeed % WORKERS], OvertimeModel.day(block.timestamp)));
    }

    function outsiderRegistersDevice(uint256 employerSeed) external observed(true) {
        _refused(statute.offerDevice(outsider, outsider, employers[employerSeed % EMPLOYERS]));
    }

    /// @notice The authority offers a device to an employer; the outsider tries to accept it.
    function outsiderAcceptsDevice(uint256 employerSeed) external observed(true) {
        (address device,) = account(string(abi.encodePacked("offered", ++offered)));
        _expect(statute.offerDevice(authority, device, employers[employerSeed % EMPLOYERS]));
        _refused(statute.acceptDevice(outsider, device));
    }

    function outsiderRevokesDevice(uint256 employerSeed) external observed(true) {
        _refused(statute.revokeDevice(outsider, devices[current[employerSeed % EMPLOYERS]]));
    }

    /// @notice The outsider signs a batch in a registered device's name.
    function outsiderForgesBatch(uint256 workerSeed, uint256 deviceSeed, bool clockIn) external observed(true) {
        PunchBatches.Punch[] memory punches = new PunchBatches.Punch[](1);
        punches[0] = WorkingTimeCalls.punch(workers[workerSeed % WORKERS], block.timestamp, clockIn);
        (bool done,) = statute.submit(outsider, devices[current[deviceSeed % EMPLOYERS]], outsiderKey, punches);
        _refused(done);
    }

    /// @notice The outsider deposits its own money: allowed, and it moves nobody else's.
    function outsiderDeposits(uint256 amount) external observed(true) {
        _expect(statute.deposit(outsider, bound(amount, 0, currency.balanceOf(outsider))));
    }

    /// @notice The outsider takes back its own deposit (it owes no arrears): allowed up to it.
    function outsiderWithdraws(uint256 amount) external observed(true) {
        uint256 held = statute.depositOf(outsider);
        amount = bound(amount, 0, held + 1_000);
        _expect(statute.withdraw(outsider, amount) == (amount <= held));
    }

    // ------------------------------------------------------------------ what the invariants read

    function workerCount() external pure returns (uint256) {
        return WORKERS;
    }

    function employerCount() external pure returns (uint256) {
        return EMPLOYERS;
    }

    /// @notice What `worker` has been paid plus what every employer's arrears owe it.
    function earned(address worker) public view returns (uint256) {
        return currency.balanceOf(worker) + _owed(worker);
    }

    function expected(address worker) external view returns (uint256) {
        return model[worker].expected;
    }

    function employerOf(address worker) external view returns (address) {
        return model[worker].employer;
    }

    function deposits(address owner) external view returns (uint256) {
        return statute.depositOf(owner);
    }

    // ------------------------------------------------------------------ internals

    /// @dev A device for employer `e`: offered by the authority, accepted by the employer; its id.
    function _newDevice(uint256 e) private returns (uint256 id) {
        (address device, uint256 key) = account(string(abi.encodePacked("device", e, devices.length)));
        if (!statute.registerDevice(authority, device, employers[e])) revert("device registration refused");
        id = devices.length;
        devices.push(device);
        deviceKeys.push(key);
        deviceEmployer.push(e);
        revoked.push(false);
    }

    /// @dev A new wage: at once when no shift is open, else from the next accepted clock-in.
    function _changeWage(Worker storage w, uint256 wage) private {
        if (w.clockedIn) (w.nextWage, w.wagePending) = (wage, true);
        else (w.wage, w.wagePending) = (wage, false);
    }

    function _submit(uint256 device, PunchBatches.Punch memory p) private {
        Worker storage w = model[p.employee];
        bool counts = !revoked[device];
        bool accept = counts && _accepts(deviceEmployer[device], w, p);
        if (accept && p.clockIn && w.wagePending) (w.wage, w.wagePending) = (w.nextWage, false);
        uint256 due = accept && !p.clockIn ? _shiftPremium(p.employee, w, p.at) : 0;
        PunchBatches.Punch[] memory punches = new PunchBatches.Punch[](1);
        punches[0] = p;
        (bool done, uint256 refused) = statute.submit(devices[device], devices[device], deviceKeys[device], punches);
        _expect(done == counts && (!done || (refused == 0) == accept));
        if (!accept) return;
        w.lastAt = p.at;
        w.clockedIn = p.clockIn;
        if (!p.clockIn) {
            w.expected += due;
            if (due > 0) ++shiftsPaid;
        }
    }

    /// @notice The statute's punch rules for this handler's punches (always after the effective
    /// date, from devices that count).
    function _accepts(uint256 employer, Worker storage w, PunchBatches.Punch memory p)
        private view returns (bool)
    {
        if (w.employer == address(0)) return false; // not employed
        if (w.employer != employers[employer]) return false; // a device of another employer
        if (w.lastAt != 0 && p.at <= w.lastAt) return false; // a duplicate, or earlier than the last punch
        uint256 since = p.at - w.lastAt;
        if (p.clockIn) return !(w.clockedIn && since <= MAX_SHIFT); // else already clocked in
        return w.clockedIn && since <= MAX_SHIFT; // else no clock-in, or a shift over 24 hours
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

    function _owed(address worker) private view returns (uint256 total) {
        for (uint256 e = 0; e < EMPLOYERS; ++e) total += statute.owed(employers[e], worker);
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
            money[3 * i + 2] = i >= EMPLOYERS && i < EMPLOYERS + WORKERS ? _owed(party) : 0;
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

    /// @notice The handler pays shifts across a device revocation and a change of employer: a
    /// workday shift with overtime, one on the revoked device's replacement, and a rest-day shift
    /// for the new employer the worker consented to.
    function test_handlerWalksDevicesAndEmployments() public {
        handler.shift(0, 0, 600); // Friday 08:01-18:01: two hours at 150%
        handler.revokeDevice(0, false);
        handler.revokedDeviceSubmits(0, 0); // the revoked device signs a clock-in: refused whole
        handler.shift(0, 3, 600); // the same evening on the replacement device: all overtime
        handler.endEmployment(0, true);
        handler.employ(1, 0, 5_000);
        handler.employWithForgedConsent(0, 1, 100);
        handler.shift(0, 20, 300); // Saturday, a rest day, for employer 1
        handler.settle(1);
        handler.payArrears(0, 1);
        assertEq(handler.shiftsPaid(), 3, "three shifts paid or queued");
        assertTrue(handler.employerOf(handler.workers(0)) == handler.employers(1), "worker 0 moved employer");
        invariant_followsTheStatute();
        invariant_payNeverBelowStatute();
        invariant_noPunchPaidTwice();
        invariant_noEmploymentWithoutConsent();
        invariant_revokedDeviceNeverPaid();
        invariant_pagesBounded();
        invariant_moneyIsConserved();
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

    /// @notice Nobody is employed without its consent: no forged consent is accepted, and every worker's
    /// employer on chain is the one it consented to (or none after an end).
    function invariant_noEmploymentWithoutConsent() public view {
        assertTrue(!handler.employedWithoutConsent(), "employed without the worker's consent");
        WorkingTimeStatute statute = handler.statute();
        for (uint256 i = 0; i < handler.workerCount(); ++i) {
            address worker = handler.workers(i);
            assertTrue(statute.employerOf(worker) == handler.employerOf(worker), "employer as consented");
        }
    }

    /// @notice A revoked device's batch is never accepted and never pays anyone.
    function invariant_revokedDeviceNeverPaid() public view {
        assertTrue(!handler.revokedDevicePaid(), "a revoked device's batch went through");
    }

    /// @notice Settlement and arrears pages do no more than the page size they are given.
    function invariant_pagesBounded() public view {
        assertTrue(!handler.pageOverrun(), "a settle or arrears page went beyond its size");
    }
}
