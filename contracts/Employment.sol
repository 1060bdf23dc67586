// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Employers} from "./Employers.sol";
import {StatuteBase} from "./StatuteBase.sol";
import {WorkerSlot, WorkerSlots} from "./WorkerSlot.sol";

/// @title Employment: begun with the worker's consent (or on the authority's record), ended by either side
/// @notice An employer employs a worker who signed its consent (EIP-712 `Employment`), or the authority
/// registers an employment on record. No one employs itself; a wage is at least the statute's minimum
/// and at most `MAX_HOURLY_WAGE`. A wage change applies to shifts whose clock-in is recorded after it:
/// an open shift keeps the wage it started with. Employer or employee may end the employment, not in
/// the middle of a shift.
/// @dev Holds every worker's slot (`WorkerSlot`); the statute's punches read and write it too.
abstract contract Employment is StatuteBase, EIP712, Employers {
    bytes32 public constant EMPLOYMENT_TYPEHASH = keccak256(
        "Employment(address employer,address employee,int256 hourlyWage,uint256 nonce,uint256 deadline)"
    );
    /// @notice The highest hourly wage (minor units) the contract accepts: a sanity bound, not law.
    uint256 public constant MAX_HOURLY_WAGE = 1e12;
    /// @notice A shift lasts at most this long; an older clock-in has lapsed.
    uint64 public constant MAX_SHIFT = 24 hours;

    /// @dev Per employee, its whole state in one word (see `WorkerSlot`).
    mapping(address employee => WorkerSlot) internal _workers;
    /// @dev The wage a change made during an open shift sets for the next clock-in (`wagePending`).
    mapping(address employee => uint256) internal _nextWage;
    /// @notice Everyone ever employed, in order of first employment: the order settlement pays in.
    address[] public employees;
    /// @notice The nonce the employee's next consent must carry (each consent is used once).
    mapping(address employee => uint256) public employmentNonce;

    event Employed(address indexed employer, address indexed employee, uint256 hourlyWage);
    /// @notice The wage of an employment changed; `deferred`: a shift was open and keeps the old wage.
    event WageChanged(address indexed employer, address indexed employee, uint256 hourlyWage, bool deferred);
    event EmploymentEnded(address indexed employer, address indexed employee, address by);

    error SelfEmployment(address account);
    error InvalidEmploymentSignature(address employee);
    error EmploymentConsentExpired(uint256 deadline);
    error EmployedByAnotherEmployer(address employee, address employer);
    error NegativeHourlyWage(int256 wage);
    error HourlyWageBelowMinimum(uint256 wage, uint256 minimum);
    error HourlyWageAboveBound(uint256 wage, uint256 bound);
    error NotEmployed(address employee);
    error NotTheEmployer(address employee, address employer);
    error NotEmployerOrEmployee(address employee, address caller);
    error ShiftInProgress(address employee, uint64 clockedInAt);
    error ZeroAddressEmployee();

    // ------------------------------------------------------------------ what a statute supplies

    /// @dev The statute's minimum hourly wage in minor units (0: it sets none).
    function _minimumHourlyWage() internal pure virtual returns (uint256);

    /// @dev The employment of `employee` ends (its slot still names the employer): pay what it accrued.
    function _beforeEmploymentEnds(address employee, WorkerSlot worker, uint64 ref) internal virtual;

    // ------------------------------------------------------------------ employers and the authority

    /// @notice Employ `employee` at `hourlyWage` minor units an hour, with the consent it signed
    /// (`Employment(employer, employee, hourlyWage, nonce, deadline)`, the caller as employer). Employing
    /// one's own employee again changes its wage, as `changeWage` does.
    function employ(address employee, int256 hourlyWage, uint256 deadline, bytes calldata signature)
        external inForce
    {
        if (block.timestamp > deadline) revert EmploymentConsentExpired(deadline);
        uint256 nonce = employmentNonce[employee]++;
        bytes32 digest = employmentDigest(msg.sender, employee, hourlyWage, nonce, deadline);
        if (!SignatureChecker.isValidSignatureNowCalldata(employee, digest, signature)) {
            revert InvalidEmploymentSignature(employee);
        }
        _employ(msg.sender, employee, hourlyWage);
    }

    /// @notice The authority records that `employer` employs `employee` at `hourlyWage` (no signature:
    /// an employment on record); the same rules as `employ` apply.
    function registerEmployment(address employer, address employee, int256 hourlyWage)
        external onlyRole(AUTHORITY_ROLE) inForce
    {
        _employ(employer, employee, hourlyWage);
    }

    /// @notice The employer sets a new hourly wage for `employee`, for shifts clocked in from now on.
    function changeWage(address employee, int256 hourlyWage) external inForce {
        WorkerSlot worker = _workers[employee];
        address employer = _employerById[worker.employerId()];
        if (employer == address(0)) revert NotEmployed(employee);
        if (employer != msg.sender) revert NotTheEmployer(employee, employer);
        _setWage(employer, employee, worker, _checkedWage(hourlyWage));
    }

    /// @notice End the employment of `employee` (its employer or the employee itself). Pay accrued for a
    /// week or month not yet over falls due now; refused while a shift younger than `MAX_SHIFT` is open.
    function endEmployment(address employee, uint64 ref) external nonReentrant inForce {
        WorkerSlot worker = _workers[employee];
        address employer = _employerById[worker.employerId()];
        if (employer == address(0)) revert NotEmployed(employee);
        if (msg.sender != employer && msg.sender != employee) revert NotEmployerOrEmployee(employee, msg.sender);
        if (worker.clockedIn() && block.timestamp <= worker.lastAt() + MAX_SHIFT) {
            revert ShiftInProgress(employee, uint64(worker.lastAt()));
        }
        _beforeEmploymentEnds(employee, worker, ref);
        // A clock-in left open has lapsed (checked above); it stays the last punch, as any lapsed one does.
        _workers[employee] = _workers[employee].withEmployerId(0).withWagePending(false);
        emit EmploymentEnded(employer, employee, msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @notice The EIP-712 digest a worker signs to consent to an employment.
    function employmentDigest(address employer, address employee, int256 hourlyWage, uint256 nonce,
                              uint256 deadline) public view returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(EMPLOYMENT_TYPEHASH, employer, employee, hourlyWage, nonce,
                                                     deadline)));
    }

    /// @notice The statute's minimum hourly wage in minor units (0: it sets none).
    function minimumHourlyWage() external pure returns (uint256) {
        return _minimumHourlyWage();
    }

    /// @notice The employer of `employee` (zero: not employed).
    function employerOf(address employee) public view returns (address) {
        return _employerById[_workers[employee].employerId()];
    }

    /// @notice How many people were ever employed (the length of `employees`).
    function employeeCount() external view returns (uint256) {
        return employees.length;
    }

    /// @notice An employee's employer, open clock-in (0: none), hourly wage of its next shift and last
    /// accepted punch time.
    function workers(address employee)
        external view returns (address employer, uint64 clockedIn, uint256 wage, uint64 lastAt)
    {
        WorkerSlot worker = _workers[employee];
        employer = _employerById[worker.employerId()];
        lastAt = uint64(worker.lastAt());
        clockedIn = worker.clockedIn() ? lastAt : 0;
        wage = worker.wagePending() ? _nextWage[employee] : worker.wage();
    }

    // ------------------------------------------------------------------ internal

    /// @dev The rules of an employment, in the interpreter's order: no self-employment, one employer at a
    /// time, then the wage's bounds. Employing one's own employee again changes its wage.
    function _employ(address employer, address employee, int256 hourlyWage) private {
        if (employee == address(0)) revert ZeroAddressEmployee();
        if (employer == employee) revert SelfEmployment(employee);
        WorkerSlot worker = _workers[employee];
        uint256 current = worker.employerId();
        if (current != 0 && _employerById[current] != employer) {
            revert EmployedByAnotherEmployer(employee, _employerById[current]);
        }
        uint256 wage = _checkedWage(hourlyWage);
        emit Employed(employer, employee, wage);
        if (current != 0) {
            _setWage(employer, employee, worker, wage);
            return;
        }
        worker = worker.withEmployerId(_employerIdOf(employer)).withWage(wage).withWagePending(false);
        if (!worker.listed()) {
            employees.push(employee);
            worker = worker.withListed();
        }
        _workers[employee] = worker;
    }

    function _checkedWage(int256 hourlyWage) private pure returns (uint256 wage) {
        if (hourlyWage < 0) revert NegativeHourlyWage(hourlyWage);
        wage = uint256(hourlyWage);
        uint256 minimum = _minimumHourlyWage();
        if (wage < minimum) revert HourlyWageBelowMinimum(wage, minimum);
        if (wage > MAX_HOURLY_WAGE) revert HourlyWageAboveBound(wage, MAX_HOURLY_WAGE);
    }

    /// @dev A new wage: at once when no shift is open, else from the next clock-in (`_nextWage`).
    function _setWage(address employer, address employee, WorkerSlot worker, uint256 wage) private {
        bool deferred = worker.clockedIn();
        if (deferred) {
            _nextWage[employee] = wage;
            worker = worker.withWagePending(true);
        } else {
            worker = worker.withWage(wage).withWagePending(false);
        }
        _workers[employee] = worker;
        emit WageChanged(employer, employee, wage, deferred);
    }

    /// @dev At an accepted clock-in: the wage a change during the previous shift set takes effect.
    function _startShiftWage(address employee, WorkerSlot worker) internal view returns (WorkerSlot) {
        if (!worker.wagePending()) return worker;
        return worker.withWage(_nextWage[employee]).withWagePending(false);
    }
}
