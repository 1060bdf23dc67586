// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {DigitalCurrency} from "../DigitalCurrency.sol";
import {ProcurementStatute} from "../ProcurementStatute.sol";
import {PunchBatches} from "../PunchBatches.sol";
import {VoucherProgram} from "../VoucherProgram.sol";
import {WorkingTimeStatute} from "../WorkingTimeStatute.sol";
import {ContractTest, account, bound} from "./lib/Cheats.sol";
import {ProcurementCalls} from "./lib/ProcurementCalls.sol";
import {VoucherCalls} from "./lib/VoucherCalls.sol";
import {WorkingTimeCalls} from "./lib/WorkingTimeCalls.sol";
import {OvertimeModel} from "./WorkingTime.invariants.t.sol";

/// @title Fuzz tests of the one rounding every amount gets: half up, to the minor unit, once
/// @notice Each amount is compared with the exact ratio rounded half up: floor((2n + d) / 2d).
contract RoundingTest is ContractTest {
    using WorkingTimeCalls for WorkingTimeStatute;
    using VoucherCalls for VoucherProgram;

    address private authority;

    function setUp() public {
        (authority,) = account("authority");
    }

    /// @dev n / d rounded half up, computed apart from the contracts' formulas.
    function halfUp(uint256 n, uint256 d) private pure returns (uint256) {
        return (2 * n + d) / (2 * d);
    }

    /// @notice A shift's premium: rate x minutes x hourly wage / 60, rounded once (workday, rest day, holiday).
    function testFuzz_shiftPremium(uint256 wage, uint256 minutes_, uint256 kind) public {
        wage = bound(wage, 0, 1_000_000);
        minutes_ = bound(minutes_, 1, 24 * 60);
        uint256 day = [uint256(20_500), 20_499, 20_501][bound(kind, 0, 2)]; // Monday, Sunday, a holiday (2026-02)
        DigitalCurrency currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        WorkingTimeStatute statute = WorkingTimeCalls.deploy(currency, authority);
        (address employer,) = account("employer");
        vm.warp(day * 1 days - 8 hours);
        currency.mint(employer, 10 ** 12);
        _hire(statute, employer);
        address worker = _employ(statute, employer, wage);
        assertTrue(statute.deposit(employer, 10 ** 12), "deposited");
        uint256 start = block.timestamp;
        _punch(statute, worker, start, true);
        vm.warp(start + minutes_ * 60);
        _punch(statute, worker, block.timestamp, false);
        assertEq(currency.balanceOf(worker), _premium(bound(kind, 0, 2), minutes_, wage), "premium rounded half up once");
        assertEq(currency.balanceOf(worker), OvertimeModel.premium(day, minutes_, 0, false, wage), "as the model says");
    }

    /// @dev 150% beyond 8 hours on a workday, 200% on a rest day, 300% on a holiday.
    function _premium(uint256 kind, uint256 minutes_, uint256 wage) private pure returns (uint256) {
        if (kind == 0) return minutes_ <= 480 ? 0 : halfUp(1_500_000 * (minutes_ - 480) * wage, 60_000_000);
        return halfUp((kind == 1 ? 2_000_000 : 3_000_000) * minutes_ * wage, 60_000_000);
    }

    function _hire(WorkingTimeStatute statute, address employer) private {
        (address device,) = account("device");
        assertTrue(statute.registerDevice(authority, device, employer), "device registered");
    }

    /// @dev The worker consents (signs) and is employed at `wage`.
    function _employ(WorkingTimeStatute statute, address employer, uint256 wage) private returns (address worker) {
        uint256 key;
        (worker, key) = account("worker");
        assertTrue(statute.employ(employer, worker, key, wage), "employed");
    }

    function _punch(WorkingTimeStatute statute, address worker, uint256 at, bool clockIn) private {
        (address device, uint256 key) = account("device");
        PunchBatches.Punch[] memory punches = new PunchBatches.Punch[](1);
        punches[0] = WorkingTimeCalls.punch(worker, at, clockIn);
        (bool done, uint256 refused) = statute.submit(device, device, key, punches);
        assertTrue(done && refused == 0, "punch accepted");
    }

    /// @notice A split voucher pays the lesser of its value and half the purchase, rounded half up.
    function testFuzz_voucherDiscount(uint256 purchase) public {
        purchase = bound(purchase, 10_000, 10 ** 9);
        DigitalCurrency currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        (address issuer,) = account("issuer");
        VoucherProgram program = VoucherCalls.deploy(currency, authority, issuer);
        (address citizen,) = account("citizen");
        (address merchant,) = account("merchant");
        vm.warp(program.spendingOpens());
        currency.mint(issuer, 20_000);
        assertTrue(program.authorizeAttester(authority, authority), "attester");
        assertTrue(program.attest(authority, citizen, keccak256("low income household")), "attested");
        assertTrue(program.registerMerchant(authority, merchant, keccak256("groceries")), "merchant");
        assertTrue(program.fund(issuer, 20_000), "funded");
        address[] memory recipients = new address[](1);
        recipients[0] = citizen;
        assertTrue(program.issueTo(issuer, recipients), "issued");
        assertTrue(program.spendAt(citizen, merchant, purchase), "spent");
        uint256 half = halfUp(purchase, 2);
        assertEq(currency.balanceOf(merchant), half < 20_000 ? half : 20_000, "discount = min(value, half, half up)");
    }

    /// @notice A bid's deposit (2% of price x quantity) and a delivery's payment (less 0.5% a day begun late).
    function testFuzz_procurementAmounts(uint256 price, uint256 quantity, uint256 secondsLate) public {
        price = bound(price, 1, 310);
        quantity = bound(quantity, 1, 10 ** 12);
        secondsLate = bound(secondsLate, 0, 400 days);
        DigitalCurrency currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        ProcurementStatute statute = ProcurementCalls.deploy(currency, authority, new address[](0));
        assertEq(statute.requiredDeposit(price, quantity), halfUp(price * quantity * 2, 100), "deposit 2%, half up");
        uint256 late = statute.daysLate(1_000_000, 1_000_000 + secondsLate);
        assertEq(late, secondsLate == 0 ? 0 : (secondsLate - 1) / 1 days + 1, "days begun after the deadline");
        uint256 kept = late >= 200 ? 0 : 1_000 - 5 * late; // thousandths of the value kept
        uint256 deduction = statute.lateDeduction(price, quantity, late, type(uint256).max);
        assertEq(statute.deliveryPayment(price, quantity, deduction), halfUp(price * quantity * kept, 1_000),
                 "payment less 0.5% a day, half up");
    }

    /// @notice A capped deduction never exceeds what the cap has left, and never the uncapped one.
    function testFuzz_lateDeductionWithinCap(uint256 price, uint256 quantity, uint256 late, uint256 capLeft) public {
        price = bound(price, 1, 310);
        quantity = bound(quantity, 1, 10 ** 12);
        late = bound(late, 0, 400);
        capLeft = bound(capLeft, 0, price * quantity * 1_000_000);
        DigitalCurrency currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        ProcurementStatute statute = ProcurementCalls.deploy(currency, authority, new address[](0));
        uint256 uncapped = statute.lateDeduction(price, quantity, late, type(uint256).max);
        uint256 capped = statute.lateDeduction(price, quantity, late, capLeft);
        assertLe(capped, capLeft, "within what the cap has left");
        assertEq(capped, uncapped < capLeft ? uncapped : capLeft, "the lesser of the two");
    }
}
