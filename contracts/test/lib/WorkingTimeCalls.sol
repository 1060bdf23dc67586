// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DigitalCurrency} from "../../DigitalCurrency.sol";
import {WorkingTimeStatute} from "../../WorkingTimeStatute.sol";
import {WorkingHoursAndOvertimePayActV2} from "../../generated/WorkingHoursAndOvertimePayActV2.sol";
import {VM, Vm} from "./Cheats.sol";

/// @title Every external call the tests make on a working-time statute, in one place
/// @notice The contract's external API is being changed (access rules, security work): when it
/// changes, this adapter changes and the handlers and tests above it stay as they are.
/// Calls that may be refused return whether they succeeded instead of reverting.
library WorkingTimeCalls {
    function deploy(DigitalCurrency currency, address authority) internal returns (WorkingTimeStatute) {
        return new WorkingHoursAndOvertimePayActV2(IERC20(address(currency)), authority);
    }

    function employ(WorkingTimeStatute statute, address employer, address worker, uint256 wage)
        internal returns (bool)
    {
        VM.prank(employer);
        try statute.employ(worker, int256(wage)) { return true; } catch { return false; }
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

    function registerDevice(WorkingTimeStatute statute, address caller, address device, address employer)
        internal returns (bool)
    {
        VM.prank(caller);
        try statute.registerDevice(device, employer) { return true; } catch { return false; }
    }

    /// @notice The device's next batch of `punches`, signed with `signingKey` (the device's own key, or
    /// a forger's), relayed by `relayer`: whether the batch went through, and how many of its punches
    /// the statute refused (`PunchRejected` logs).
    function submit(WorkingTimeStatute statute, address relayer, address device, uint256 signingKey,
                    WorkingTimeStatute.Punch[] memory punches) internal returns (bool done, uint256 refused)
    {
        WorkingTimeStatute.PunchBatch memory batch = batchOf(statute, device, punches);
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
    function submitOrRevert(WorkingTimeStatute statute, WorkingTimeStatute.PunchBatch memory batch,
                            bytes memory signature) internal
    {
        statute.submitPunches(batch, signature);
    }

    function batchOf(WorkingTimeStatute statute, address device, WorkingTimeStatute.Punch[] memory punches)
        internal view returns (WorkingTimeStatute.PunchBatch memory)
    {
        return WorkingTimeStatute.PunchBatch(device, statute.nextSequence(device), punches);
    }

    function sign(WorkingTimeStatute statute, WorkingTimeStatute.PunchBatch memory batch, uint256 key)
        internal view returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, statute.batchDigest(batch));
        return abi.encodePacked(r, s, v);
    }

    function punch(address worker, uint256 at, bool clockIn) internal pure returns (WorkingTimeStatute.Punch memory) {
        return WorkingTimeStatute.Punch(worker, uint64(at), clockIn, 0);
    }

    function settle(WorkingTimeStatute statute, address caller) internal returns (bool) {
        VM.prank(caller);
        try statute.settle(0) { return true; } catch { return false; }
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
}
