// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DigitalCurrency} from "../../DigitalCurrency.sol";
import {ProcurementStatute} from "../../ProcurementStatute.sol";
import {GrainUnifiedPurchaseRegulationV1} from "../../generated/GrainUnifiedPurchaseRegulationV1.sol";
import {VM} from "./Cheats.sol";

/// @title Every external call the tests make on a procurement statute, in one place
/// @notice When the statute's external API changes, this adapter changes and the handlers and tests
/// above it stay as they are. Tenders are kept by number (`tender`), many open at once.
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
        uint256 pending;
    }

    /// @notice The statute with `buyers` registered at deployment (BUYER_ROLE: they alone open tenders).
    function deploy(DigitalCurrency currency, address authority, address[] memory buyers)
        internal
        returns (ProcurementStatute)
    {
        return new GrainUnifiedPurchaseRegulationV1(IERC20(address(currency)), authority, buyers);
    }

    function registerInspector(ProcurementStatute statute, address caller, address inspector, address buyer)
        internal returns (bool)
    {
        VM.prank(caller);
        try statute.registerInspector(inspector, buyer, 0) { return true; } catch { return false; }
    }

    function registerBuyer(ProcurementStatute statute, address caller, address buyer) internal returns (bool) {
        VM.prank(caller);
        try statute.registerBuyer(buyer, 0) { return true; } catch { return false; }
    }

    /// @notice `buyer` approves the escrow (quantity × ceiling) and opens a tender (the next number).
    function open(ProcurementStatute statute, address buyer, uint256 quantity) internal returns (bool) {
        _approve(statute, buyer, quantity * statute.ceilingPerUnit());
        VM.prank(buyer);
        try statute.openTender(quantity, 0) { return true; } catch { return false; }
    }

    /// @notice `supplier` approves `deposit` and commits to `price` with `salt` in tender `number`.
    function commit(
        ProcurementStatute statute,
        uint256 number,
        address supplier,
        uint256 price,
        bytes32 salt,
        uint256 deposit
    ) internal returns (bool) {
        bytes32 commitment = keccak256(abi.encode(price, salt, supplier)); // the documented sealing
        _approve(statute, supplier, deposit);
        VM.prank(supplier);
        try statute.commitBid(number, commitment, deposit, 0) { return true; } catch { return false; }
    }

    function reveal(ProcurementStatute statute, uint256 number, address supplier, uint256 price, bytes32 salt)
        internal returns (bool)
    {
        VM.prank(supplier);
        try statute.revealBid(number, price, salt, 0) { return true; } catch { return false; }
    }

    function awardAs(ProcurementStatute statute, uint256 number, address caller) internal returns (bool) {
        VM.prank(caller);
        try statute.award(number, 0) { return true; } catch { return false; }
    }

    /// @notice `inspector` records and confirms a delivery of `quantity` by `supplier` in one step.
    function confirm(ProcurementStatute statute, uint256 number, address inspector, address supplier, uint256 quantity)
        internal returns (bool)
    {
        VM.prank(inspector);
        try statute.inspectDelivery(number, supplier, quantity, 0) { return true; } catch { return false; }
    }

    /// @notice `caller` (anyone) closes a tender whose winner did not deliver by the deadline plus grace.
    function closeUndelivered(ProcurementStatute statute, uint256 number, address caller) internal returns (bool) {
        VM.prank(caller);
        try statute.closeUndelivered(number, 0) { return true; } catch { return false; }
    }

    // ------------------------------------------------------------------ views

    function count(ProcurementStatute statute) internal view returns (uint256) {
        return statute.tenderCount();
    }

    function tender(ProcurementStatute statute, uint256 number) internal view returns (TenderView memory t) {
        (t.buyer, t.quantity,, t.revealsClose,, t.escrow, t.phase, t.winner, t.delivered, t.pending,) =
            statute.tenders(number);
    }

    function depositHeld(ProcurementStatute statute, uint256 number, address bidder) internal view returns (uint256 held) {
        (, held,,,,,) = statute.bids(number, bidder);
    }

    function closingFrom(ProcurementStatute statute, uint256 number) internal view returns (uint256) {
        return statute.closeableFrom(number);
    }

    function _approve(ProcurementStatute statute, address owner, uint256 amount) private {
        IERC20 currency = statute.currency();
        VM.prank(owner);
        currency.approve(address(statute), amount);
    }
}
