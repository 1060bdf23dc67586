// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DigitalCurrency} from "../../DigitalCurrency.sol";
import {WorkingTimeStatute} from "../../WorkingTimeStatute.sol";
import {PunchBatches} from "../../PunchBatches.sol";
import {WorkingHoursAndOvertimePayActV2} from "../../generated/WorkingHoursAndOvertimePayActV2.sol";
import {VM, Vm} from "./Cheats.sol";

/// @title Every external call the tests make on a working-time statute, in one place
/// @notice When the contract's external API changes, this adapter changes and the handlers and tests
/// above it stay as they are.
/// Calls that may be refused return whether they succeeded instead of reverting.
library WorkingTimeCalls {
    function deploy(DigitalCurrency currency, address authority) internal returns (WorkingTimeStatute) {
        return new WorkingHoursAndOvertimePayActV2(IERC20(address(currency)), authority);
    }

    /// @notice `employer` employs `worker` at `wage` with the consent signed by `consentKey` (the
    /// worker's own key, or a forger's): EIP-712 `Employment` at the worker's next nonce, valid an hour.
    function employ(WorkingTimeStatute statute, address employer, address worker, uint256 consentKey, uint256 wage)
        internal returns (bool)
    {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = statute.employmentDigest(employer, worker, int256(wage), statute.employmentNonce(worker),
                                                  deadline);
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(consentKey, digest);
        VM.prank(employer);
        try statute.employ(worker, int256(wage), deadline, abi.encodePacked(r, s, v)) { return true; }
        catch { return false; }
    }

    function changeWage(WorkingTimeStatute statute, address caller, address worker, uint256 wage)
        internal returns (bool)
    {
        VM.prank(caller);
        try statute.changeWage(worker, int256(wage)) { return true; } catch { return false; }
    }

    /// @notice `caller` (the employer or the worker itself) ends the worker's employment.
    function endEmployment(WorkingTimeStatute statute, address caller, address worker) internal returns (bool) {
        VM.prank(caller);
        try statute.endEmployment(worker, 0) { return true; } catch { return false; }
    }

    function grantTimeOff(WorkingTimeStatute statute, address employer, address worker, uint256 day)
        internal returns (bool)
    {
        VM.prank(employer);
        try statute.grantTimeOff(worker, day) { return true; } catch { return false; }
    }

    /// @notice `owner` approves and deposits `amount` of its currency.
    function deposit(WorkingTimeStatute statute, address owner, uint256 amount) internal returns (bool) {
        IERC20 currency = statute.currency();
        VM.prank(owner);
        currency.approve(address(statute), amount);
        VM.prank(owner);
        try statute.deposit(int256(amount), 0) { return true; } catch { return false; }
    }

    /// @notice `caller` (the authority) offers `device` to `employer`, which accepts it: it then counts.
    function registerDevice(WorkingTimeStatute statute, address caller, address device, address employer)
        internal returns (bool)
    {
        return offerDevice(statute, caller, device, employer) && acceptDevice(statute, employer, device);
    }

    function offerDevice(WorkingTimeStatute statute, address caller, address device, address employer)
        internal returns (bool)
    {
        VM.prank(caller);
        try statute.registerDevice(device, employer) { return true; } catch { return false; }
    }

    function acceptDevice(WorkingTimeStatute statute, address caller, address device) internal returns (bool) {
        VM.prank(caller);
        try statute.acceptDevice(device) { return true; } catch { return false; }
    }

    function revokeDevice(WorkingTimeStatute statute, address caller, address device) internal returns (bool) {
        VM.prank(caller);
        try statute.revokeDevice(device) { return true; } catch { return false; }
    }

    function withdraw(WorkingTimeStatute statute, address owner, uint256 amount) internal returns (bool) {
        VM.prank(owner);
        try statute.withdraw(amount) { return true; } catch { return false; }
    }

    /// @notice `caller` (anyone: the keeper) pays up to `maxItems` of `employer`'s arrears.
    function payArrears(WorkingTimeStatute statute, address caller, address employer, uint256 maxItems)
        internal returns (bool)
    {
        VM.prank(caller);
        try statute.payArrears(0, employer, maxItems) returns (uint256) { return true; } catch { return false; }
    }

    /// @notice The device's next batch of `punches`, signed with `signingKey` (the device's own key, or
    /// a forger's), relayed by `relayer`: whether the batch went through, and how many of its punches
    /// the statute refused (`PunchRejected` logs).
    function submit(WorkingTimeStatute statute, address relayer, address device, uint256 signingKey,
                    PunchBatches.Punch[] memory punches) internal returns (bool done, uint256 refused)
    {
        PunchBatches.PunchBatch memory batch = batchOf(statute, device, punches);
        bytes memory signature = sign(statute, batch, signingKey);
        VM.recordLogs();
        VM.prank(relayer);
        try statute.submitPunches(batch, signature) { done = true; } catch { return (false, 0); }
        Vm.Log[] memory logs = VM.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == address(statute) && logs[i].topics[0] == WorkingTimeStatute.PunchRejected.selector) {
                ++refused;
            }
        }
    }

    /// @notice The same, unchecked: for gas measurements, where a refusal must fail the test.
    function submitOrRevert(WorkingTimeStatute statute, PunchBatches.PunchBatch memory batch,
                            bytes memory signature) internal
    {
        statute.submitPunches(batch, signature);
    }

    function batchOf(WorkingTimeStatute statute, address device, PunchBatches.Punch[] memory punches)
        internal view returns (PunchBatches.PunchBatch memory)
    {
        return PunchBatches.PunchBatch(device, statute.nextSequence(device), punches);
    }

    function sign(WorkingTimeStatute statute, PunchBatches.PunchBatch memory batch, uint256 key)
        internal view returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, statute.batchDigest(batch));
        return abi.encodePacked(r, s, v);
    }

    function punch(address worker, uint256 at, bool clockIn) internal pure returns (PunchBatches.Punch memory) {
        return PunchBatches.Punch(worker, uint64(at), clockIn, 0);
    }

    /// @notice `caller` (anyone: the keeper) settles the next page of at most `maxEmployees` employees.
    function settle(WorkingTimeStatute statute, address caller, uint256 maxEmployees) internal returns (bool) {
        VM.prank(caller);
        try statute.settle(0, maxEmployees) returns (uint256) { return true; } catch { return false; }
    }

    // ------------------------------------------------------------------ views

    function depositOf(WorkingTimeStatute statute, address owner) internal view returns (uint256) {
        return statute.deposits(owner);
    }

    /// @notice What `employer`'s queue (arrears) owes `worker`.
    function owed(WorkingTimeStatute statute, address employer, address worker) internal view returns (uint256 total) {
        (, WorkingTimeStatute.Due[] memory dues) = statute.arrears(employer);
        for (uint256 i = 0; i < dues.length; ++i) {
            if (dues[i].employee == worker) total += dues[i].amount;
        }
    }

    /// @notice The worker's last accepted punch time and whether it left the worker clocked in.
    function lastPunch(WorkingTimeStatute statute, address worker) internal view returns (uint256 at, bool clockedIn) {
        (, uint64 openedAt,, uint64 lastAt) = statute.workers(worker);
        return (lastAt, openedAt != 0);
    }

    function hourlyWage(WorkingTimeStatute statute, address worker) internal view returns (uint256 hourly) {
        (,, hourly,) = statute.workers(worker);
    }

    function employerOf(WorkingTimeStatute statute, address worker) internal view returns (address) {
        return statute.employerOf(worker);
    }

    function queued(WorkingTimeStatute statute, address employer) internal view returns (uint256) {
        return statute.arrearsCount(employer);
    }

    /// @notice The open settlement round's next employee (0: no round open).
    function settlementCursor(WorkingTimeStatute statute) internal view returns (uint256 cursor) {
        (cursor,) = statute.settlement();
    }

    function employeesListed(WorkingTimeStatute statute) internal view returns (uint256) {
        return statute.employeeCount();
    }
}
