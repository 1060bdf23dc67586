// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DigitalCurrency} from "../../DigitalCurrency.sol";
import {ProcurementStatute} from "../../ProcurementStatute.sol";
import {GrainUnifiedPurchaseRegulationV1} from "../../generated/GrainUnifiedPurchaseRegulationV1.sol";
import {VM} from "./Cheats.sol";

/// @title Every external call the tests make on a procurement statute, in one place
/// @notice The statute's external API is being changed (access rules, how a tender ends): when it
/// changes, this adapter changes and the handlers and tests above it stay as they are.
/// Calls that may be refused return whether they succeeded instead of reverting.
library ProcurementCalls {
    /// @notice A tender as the tests read it.
    struct TenderView {
        address buyer;
        uint256 quantity;
        uint256 revealsClose;
        uint256 escrow;
        ProcurementStatute.Phase phase;
        address winner;
        uint256 delivered;
    }

    function deploy(DigitalCurrency currency, address authority) internal returns (ProcurementStatute) {
        return new GrainUnifiedPurchaseRegulationV1(IERC20(address(currency)), authority);
    }

    function registerInspector(ProcurementStatute statute, address caller, address inspector, address buyer)
        internal returns (bool)
    {
        VM.prank(caller);
        try statute.registerInspector(inspector, buyer, 0) { return true; } catch { return false; }
    }

    /// @notice `buyer` approves the escrow (quantity × ceiling) and opens a tender.
    function open(ProcurementStatute statute, address buyer, uint256 quantity) internal returns (bool) {
        _approve(statute, buyer, quantity * statute.ceilingPerUnit());
        VM.prank(buyer);
        try statute.openTender(quantity, 0) { return true; } catch { return false; }
    }

    /// @notice `supplier` approves `deposit` and commits to `price` with `salt`.
    function commit(ProcurementStatute statute, address supplier, uint256 price, bytes32 salt, uint256 deposit)
        internal returns (bool)
    {
        bytes32 commitment = keccak256(abi.encode(price, salt, supplier)); // the documented sealing
        _approve(statute, supplier, deposit);
        VM.prank(supplier);
        try statute.commitBid(commitment, deposit, 0) { return true; } catch { return false; }
    }

    function reveal(ProcurementStatute statute, address supplier, uint256 price, bytes32 salt) internal returns (bool) {
        VM.prank(supplier);
        try statute.revealBid(price, salt, 0) { return true; } catch { return false; }
    }

    function awardAs(ProcurementStatute statute, address caller) internal returns (bool) {
        VM.prank(caller);
        try statute.award(0) { return true; } catch { return false; }
    }

    function confirm(ProcurementStatute statute, address inspector, address supplier, uint256 quantity)
        internal returns (bool)
    {
        VM.prank(inspector);
        try statute.confirmDelivery(supplier, quantity, 0) { return true; } catch { return false; }
    }

    // ------------------------------------------------------------------ views

    function count(ProcurementStatute statute) internal view returns (uint256) {
        return statute.tenderCount();
    }

    function tender(ProcurementStatute statute, uint256 number) internal view returns (TenderView memory t) {
        (t.buyer, t.quantity,, t.revealsClose,, t.escrow, t.phase, t.winner, t.delivered) = statute.tenders(number);
    }

    function depositHeld(ProcurementStatute statute, uint256 number, address bidder) internal view returns (uint256 held) {
        (, held,,) = statute.bids(number, bidder);
    }

    function _approve(ProcurementStatute statute, address owner, uint256 amount) private {
        IERC20 currency = statute.currency();
        VM.prank(owner);
        currency.approve(address(statute), amount);
    }
}
