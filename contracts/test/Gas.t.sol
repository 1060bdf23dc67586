// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {DigitalCurrency} from "../DigitalCurrency.sol";
import {ProcurementStatute} from "../ProcurementStatute.sol";
import {PunchBatches} from "../PunchBatches.sol";
import {VoucherProgram} from "../VoucherProgram.sol";
import {WorkingTimeStatute} from "../WorkingTimeStatute.sol";
import {ContractTest, account} from "./lib/Cheats.sol";
import {ProcurementCalls} from "./lib/ProcurementCalls.sol";
import {VoucherCalls} from "./lib/VoucherCalls.sol";
import {WorkingTimeCalls} from "./lib/WorkingTimeCalls.sol";

// Gas of each operation in the benchmark table (scripts/bench.py, oracles/bench.py), set up as the
// benchmark sets it up: `forge snapshot` records one figure per `test_gas_…` in .gas-snapshot, and
// `make bench` prints the difference against it. A figure is the whole test: the operation's call
// plus the few thousand gas of building and signing it (the benchmark table has the call alone).

/// @notice 50 workers of one employer, each with a first day's shift already paid (every slot written once).
abstract contract WorkingTimeGasSetup is ContractTest {
    using WorkingTimeCalls for WorkingTimeStatute;

    uint256 internal constant MONDAY = 20_472; // 2026-01-19, two weeks after the effective date
    uint256 internal constant WORKERS = 50;

    WorkingTimeStatute internal statute;
    address internal device;
    uint256 internal deviceKey;
    address[] internal workers;

    function setUp() public virtual {
        (address authority,) = account("authority");
        (address employer,) = account("employer");
        (device, deviceKey) = account("device");
        DigitalCurrency currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        statute = WorkingTimeCalls.deploy(currency, authority);
        vm.warp(at(MONDAY, 0));
        currency.mint(employer, 10 ** 12);
        for (uint256 i = 0; i < WORKERS; ++i) {
            (address worker, uint256 key) = account(string.concat("bench-worker-", _number(i)));
            workers.push(worker);
            assertTrue(statute.employ(employer, worker, key, 4_000), "employed");
        }
        assertTrue(statute.registerDevice(authority, device, employer), "device registered");
        assertTrue(statute.deposit(employer, 10 ** 12), "deposited");
        vm.warp(at(MONDAY, 21));
        for (uint256 i = 0; i < WORKERS; i += 10) submit(shifts(MONDAY, i, i + 10));
    }

    /// @notice Unix time of `hour`:00 on local day `day` (+08:00).
    function at(uint256 day, uint256 hour) internal pure returns (uint256) {
        return day * 1 days + hour * 1 hours - 8 hours;
    }

    /// @notice Workers `from` to `to` clock in at 9:00 and out at 20:00 on `day`: 11 hours, 3 paid at 150%.
    function shifts(uint256 day, uint256 from, uint256 to) internal view returns (PunchBatches.Punch[] memory p) {
        p = new PunchBatches.Punch[](2 * (to - from));
        for (uint256 i = from; i < to; ++i) {
            p[2 * (i - from)] = WorkingTimeCalls.punch(workers[i], at(day, 9), true);
            p[2 * (i - from) + 1] = WorkingTimeCalls.punch(workers[i], at(day, 20), false);
        }
    }

    function one(uint256 day, uint256 hour, bool clockIn) internal view returns (PunchBatches.Punch[] memory p) {
        p = new PunchBatches.Punch[](1);
        p[0] = WorkingTimeCalls.punch(workers[0], at(day, hour), clockIn);
    }

    function submit(PunchBatches.Punch[] memory punches) internal {
        (bool done, uint256 refused) = statute.submit(device, device, deviceKey, punches);
        assertTrue(done && refused == 0, "batch accepted whole");
    }

    function _number(uint256 i) private pure returns (string memory) {
        return i < 10 ? string(abi.encodePacked(bytes1(uint8(48 + i))))
                      : string(abi.encodePacked(bytes1(uint8(48 + i / 10)), bytes1(uint8(48 + i % 10))));
    }
}

contract WorkingTimeGas is WorkingTimeGasSetup {
    /// @notice clock-in (one-punch batch)
    function test_gas_clockIn_onePunchBatch() public {
        vm.warp(at(MONDAY + 1, 9));
        submit(one(MONDAY + 1, 9, true));
    }

    /// @notice punch in a batch of 100 (the figure is the whole batch: divide by 100)
    function test_gas_batchOf100Punches() public {
        vm.warp(at(MONDAY + 2, 21));
        submit(shifts(MONDAY + 2, 0, WORKERS));
    }
}

contract WorkingTimeClockOutGas is WorkingTimeGasSetup {
    function setUp() public override {
        super.setUp();
        vm.warp(at(MONDAY + 1, 9));
        submit(one(MONDAY + 1, 9, true));
        vm.warp(at(MONDAY + 1, 20));
    }

    /// @notice paying clock-out (one-punch batch)
    function test_gas_payingClockOut_onePunchBatch() public {
        submit(one(MONDAY + 1, 20, false));
    }
}

/// @notice Funded program, two attested holders, a registered shop; one voucher issued before.
abstract contract VoucherSetup is ContractTest {
    using VoucherCalls for VoucherProgram;

    VoucherProgram internal program;
    address internal issuer;
    address internal shop;
    address internal alice;
    address internal bob;

    function setUp() public virtual {
        (address authority,) = account("authority");
        (issuer,) = account("issuer");
        (shop,) = account("shop");
        (alice,) = account("alice");
        (bob,) = account("bob");
        DigitalCurrency currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        program = VoucherCalls.deploy(currency, authority, issuer);
        vm.warp(program.spendingOpens() + 12 hours);
        currency.mint(issuer, 10 ** 12);
        assertTrue(program.fund(issuer, 100 * program.face()), "funded");
        assertTrue(program.authorizeAttester(authority, authority), "attester");
        assertTrue(program.attest(authority, alice, keccak256("low income household")), "alice attested");
        assertTrue(program.attest(authority, bob, keccak256("low income household")), "bob attested");
        assertTrue(program.registerMerchant(authority, shop, keccak256("groceries")), "shop registered");
        assertTrue(program.issueTo(issuer, one(alice)), "alice issued");
    }

    function one(address who) internal pure returns (address[] memory recipients) {
        recipients = new address[](1);
        recipients[0] = who;
    }
}

contract VoucherIssueGas is VoucherSetup {
    using VoucherCalls for VoucherProgram;

    /// @notice voucher issue (one recipient)
    function test_gas_voucherIssue_oneRecipient() public {
        assertTrue(program.issueTo(issuer, one(bob)), "bob issued");
    }
}

/// @notice Both holders issued, one voucher spent at the shop before.
contract VoucherSpendGas is VoucherSetup {
    using VoucherCalls for VoucherProgram;

    function setUp() public override {
        super.setUp();
        assertTrue(program.issueTo(issuer, one(bob)), "bob issued");
        assertTrue(program.spendAt(alice, shop, program.face()), "alice spent");
    }

    /// @notice voucher spend (part of a voucher)
    function test_gas_voucherSpend_partOfAVoucher() public {
        assertTrue(program.spendAt(bob, shop, program.face()), "bob spent");
    }
}

/// @notice A tender of 1,000 units, two suppliers bidding just under the ceiling; each measured
/// operation is the second of its kind, so the tender's own slots are in use.
abstract contract ProcurementSetup is ContractTest {
    using ProcurementCalls for ProcurementStatute;

    ProcurementStatute internal statute;
    address internal station;
    address internal s1;
    address internal s2;
    uint256 internal opening;

    function setUp() public virtual {
        (address authority,) = account("authority");
        (address buyer,) = account("buyer");
        (station,) = account("station");
        (s1,) = account("s1");
        (s2,) = account("s2");
        DigitalCurrency currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        address[] memory buyers = new address[](1);
        buyers[0] = buyer;
        statute = ProcurementCalls.deploy(currency, authority, buyers);
        opening = statute.effectiveFrom() + 9 hours;
        vm.warp(opening);
        currency.mint(buyer, 10 ** 12);
        currency.mint(s1, 10 ** 12);
        currency.mint(s2, 10 ** 12);
        assertTrue(statute.registerInspector(authority, station, buyer), "inspector");
        assertTrue(statute.open(buyer, 1_000), "opened");
        vm.warp(opening + 1 hours);
        assertTrue(statute.commit(0, s1, 309, "s1", statute.requiredDeposit(309, 1_000)), "s1 bid");
        vm.warp(opening + 2 hours);
    }

}

contract ProcurementBidGas is ProcurementSetup {
    using ProcurementCalls for ProcurementStatute;

    /// @notice bid (sealed, with its deposit)
    function test_gas_bid_sealedWithDeposit() public {
        assertTrue(statute.commit(0, s2, 308, "s2", statute.requiredDeposit(308, 1_000)), "s2 bid");
    }
}

abstract contract ProcurementRevealSetup is ProcurementSetup {
    using ProcurementCalls for ProcurementStatute;

    function setUp() public virtual override {
        super.setUp();
        assertTrue(statute.commit(0, s2, 308, "s2", statute.requiredDeposit(308, 1_000)), "s2 bid");
        vm.warp(opening + 7 days + 1 hours);
        assertTrue(statute.reveal(0, s1, 309, "s1"), "s1 revealed");
    }

}

contract ProcurementRevealGas is ProcurementRevealSetup {
    using ProcurementCalls for ProcurementStatute;

    /// @notice reveal
    function test_gas_reveal() public {
        assertTrue(statute.reveal(0, s2, 308, "s2"), "s2 revealed");
    }
}

contract ProcurementDeliveryGas is ProcurementRevealSetup {
    using ProcurementCalls for ProcurementStatute;

    function setUp() public override {
        super.setUp();
        assertTrue(statute.reveal(0, s2, 308, "s2"), "s2 revealed");
        vm.warp(opening + 9 days + 1 hours);
        assertTrue(statute.awardAs(0, s1), "awarded");
        vm.warp(opening + 10 days + 1 hours);
        assertTrue(statute.confirm(0, station, s2, 300), "first delivery");
    }

    /// @notice delivery (partial, paid on inspection)
    function test_gas_delivery_partialPaidOnInspection() public {
        assertTrue(statute.confirm(0, station, s2, 300), "second delivery");
    }
}
