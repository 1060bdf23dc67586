// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DigitalCurrency} from "../../DigitalCurrency.sol";
import {VoucherProgram} from "../../VoucherProgram.sol";
import {HouseholdConsumptionVoucherProgramV1} from "../../generated/HouseholdConsumptionVoucherProgramV1.sol";
import {VM} from "./Cheats.sol";

/// @title Every external call the tests make on a voucher program, in one place
/// @notice When the program's external API changes, this adapter changes and the handlers and tests
/// above it stay as they are.
/// Calls that may be refused return whether they succeeded instead of reverting.
library VoucherCalls {
    /// @notice The program with its `issuer` named at deployment (zero: appointed by the authority later).
    function deploy(DigitalCurrency currency, address authority, address issuer) internal returns (VoucherProgram) {
        return new HouseholdConsumptionVoucherProgramV1(IERC20(address(currency)), authority, issuer);
    }

    function appointIssuer(VoucherProgram program, address caller, address issuer) internal returns (bool) {
        VM.prank(caller);
        try program.appointIssuer(issuer, 0) { return true; } catch { return false; }
    }

    /// @notice `caller` (the authority or a guardian) de-lists `merchant` at once.
    function delistMerchant(VoucherProgram program, address caller, address merchant) internal returns (bool) {
        VM.prank(caller);
        try program.delistMerchant(merchant, 0) { return true; } catch { return false; }
    }

    function authorizeAttester(VoucherProgram program, address caller, address attester) internal returns (bool) {
        VM.prank(caller);
        try program.authorizeAttester(attester) { return true; } catch { return false; }
    }

    function attest(VoucherProgram program, address attester, address citizen, bytes32 attribute)
        internal returns (bool)
    {
        VM.prank(attester);
        try program.attest(citizen, attribute, 0) { return true; } catch { return false; }
    }

    function registerMerchant(VoucherProgram program, address caller, address merchant, bytes32 category)
        internal returns (bool)
    {
        VM.prank(caller);
        try program.registerMerchant(merchant, category, 0) { return true; } catch { return false; }
    }

    /// @notice `issuer` approves and deposits `amount` of its currency.
    function fund(VoucherProgram program, address issuer, uint256 amount) internal returns (bool) {
        IERC20 currency = program.currency();
        VM.prank(issuer);
        currency.approve(address(program), amount);
        VM.prank(issuer);
        try program.deposit(amount, 0) { return true; } catch { return false; }
    }

    function issueTo(VoucherProgram program, address issuer, address[] memory recipients) internal returns (bool) {
        VM.prank(issuer);
        try program.issue(recipients, 0) { return true; } catch { return false; }
    }

    function spendAt(VoucherProgram program, address holder, address merchant, uint256 purchase)
        internal returns (bool)
    {
        VM.prank(holder);
        try program.spend(merchant, purchase, 0) { return true; } catch { return false; }
    }

    function transferTo(VoucherProgram program, address holder, address to) internal returns (bool) {
        VM.prank(holder);
        try program.transferVoucher(to, 0) { return true; } catch { return false; }
    }

    function reclaimAs(VoucherProgram program, address caller) internal returns (bool) {
        VM.prank(caller);
        try program.reclaim(0) { return true; } catch { return false; }
    }

    // ------------------------------------------------------------------ views

    function held(VoucherProgram program) internal view returns (uint256) {
        return program.funds();
    }

    function reservedValue(VoucherProgram program) internal view returns (uint256) {
        return program.reserved();
    }

    function count(VoucherProgram program) internal view returns (uint256) {
        return program.voucherCount();
    }

    function valueOf(VoucherProgram program, uint256 serial) internal view returns (uint256) {
        return program.remainingValue(serial);
    }

    function issuerOf(VoucherProgram program) internal view returns (address) {
        return program.issuer();
    }

    function face(VoucherProgram program) internal view returns (uint256) {
        return program.faceValue();
    }
}
