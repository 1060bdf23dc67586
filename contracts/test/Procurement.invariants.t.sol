// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {DigitalCurrency} from "../DigitalCurrency.sol";
import {ProcurementStatute} from "../ProcurementStatute.sol";
import {ContractTest, VM, account, bound} from "./lib/Cheats.sol";
import {ProcurementCalls} from "./lib/ProcurementCalls.sol";

/// @title The parties of the Grain Unified Purchase Regulation (statutes/procurement.law), acting at random
/// @notice Buyers open tenders, suppliers commit and reveal sealed bids (some short of deposit, some
/// above the ceiling), anyone awards, inspectors confirm deliveries (some late, some beyond the
/// quantity), an outsider tries what it has no right to. A model of the statute (ceiling CNY 3.10 a
/// kilogram; bidding 7 days, reveals 2 days, delivery 30 days; deposit 2% of a bid's value; the
/// lowest revealed bid wins, ties to the earliest; non-revealers forfeit their deposit to the buyer;
/// 0.5% less per day begun late; every amount rounded once half up) predicts every call and wallet.
contract ProcurementHandler {
    using ProcurementCalls for ProcurementStatute;

    struct Bid {
        bool committed;
        bool revealed;
        uint256 price;
        bytes32 salt;
        uint256 deposit;
    }

    uint256 public constant BUYERS = 2; // inspector i confirms for buyer i
    uint256 public constant SUPPLIERS = 3;
    uint256 public constant WALLET = 10_000_000;
    uint256 public constant CEILING = 310;

    ProcurementStatute public immutable statute;
    DigitalCurrency public immutable currency;
    address public immutable authority;
    address public immutable outsider;

    address[] public buyers;
    address[] public inspectors;
    address[] public suppliers;
    address[] public parties; // everyone holding money: buyers, suppliers, outsider

    // The model of the latest tender.
    mapping(address party => uint256) private walletModel;
    bool private tenderOpen; // a tender exists and is not closed
    bool private bidding;
    address private buyer;
    uint256 private quantity;
    uint256 private bidsClose;
    uint256 private revealsClose;
    uint256 private deadline;
    uint256 private escrow;
    address private winner;
    uint256 private delivered;
    uint256 private tenders;
    address[] private bidders;
    mapping(uint256 tender => mapping(address supplier => Bid)) private bids;

    /// @notice The statute decided a call or paid otherwise than the statute says.
    bool public ruleBroken;
    /// @notice An outsider's call changed another party's money, or an outsider was let act.
    bool public outsiderInterfered;

    constructor() {
        (authority,) = account("authority");
        (outsider,) = account("outsider");
        currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        statute = ProcurementCalls.deploy(currency, authority);
        VM.warp(20_605 days + 1 hours); // 2026-06-01 09:00 +08:00, the effective date
        for (uint256 i = 0; i < BUYERS; ++i) {
            (address b,) = account(string.concat("buyer", _digit(i)));
            (address inspector,) = account(string.concat("inspector", _digit(i)));
            buyers.push(b);
            inspectors.push(inspector);
            parties.push(b);
            require(statute.registerInspector(authority, inspector, b), "inspector refused");
        }
        for (uint256 i = 0; i < SUPPLIERS; ++i) {
            (address supplier,) = account(string.concat("supplier", _digit(i)));
            suppliers.push(supplier);
            parties.push(supplier);
        }
        parties.push(outsider);
        for (uint256 i = 0; i < parties.length; ++i) {
            currency.mint(parties[i], WALLET);
            walletModel[parties[i]] = WALLET;
        }
    }

    // ------------------------------------------------------------------ buyers

    function openTender(uint256 buyerSeed, uint256 amount) public observed(false) {
        address b = buyers[buyerSeed % BUYERS];
        amount = bound(amount, 1, 1_000);
        bool allowed = !tenderOpen && walletModel[b] >= amount * CEILING;
        _expect(statute.open(b, amount) == allowed);
        if (!allowed) return;
        (tenderOpen, bidding, buyer, quantity, escrow, winner, delivered) = (true, true, b, amount, amount * CEILING,
                                                                             address(0), 0);
        bidsClose = block.timestamp + 7 days;
        revealsClose = bidsClose + 2 days;
        deadline = revealsClose + 30 days;
        ++tenders;
        delete bidders;
        walletModel[b] -= escrow;
    }

    // ------------------------------------------------------------------ suppliers

    function commitBid(uint256 supplierSeed, uint256 price, bytes32 salt, bool short) public observed(false) {
        address supplier = suppliers[supplierSeed % SUPPLIERS];
        price = bound(price, 1, CEILING + 20); // some above the ceiling: refused at the reveal
        uint256 deposit = _required(price, quantity);
        if (short && deposit > 0) --deposit;
        Bid storage bid = bids[tenders][supplier];
        bool allowed = bidding && block.timestamp < bidsClose && !bid.committed && walletModel[supplier] >= deposit;
        _expect(statute.commit(supplier, price, salt, deposit) == allowed);
        if (!allowed) return;
        (bid.committed, bid.price, bid.salt, bid.deposit) = (true, price, salt, deposit);
        bidders.push(supplier);
        walletModel[supplier] -= deposit;
    }

    function revealBid(uint256 supplierSeed) public observed(false) {
        address supplier = suppliers[supplierSeed % SUPPLIERS];
        Bid storage bid = bids[tenders][supplier];
        bool allowed = bidding && block.timestamp >= bidsClose && block.timestamp < revealsClose && bid.committed
            && !bid.revealed && bid.price <= CEILING && bid.deposit >= _required(bid.price, quantity);
        _expect(statute.reveal(supplier, bid.price, bid.salt) == allowed);
        if (allowed) bid.revealed = true;
    }

    // ------------------------------------------------------------------ anyone, inspectors, time

    /// @notice Anyone may award once the reveal period is over.
    function award() public observed(false) {
        bool allowed = bidding && block.timestamp >= revealsClose;
        _expect(statute.awardAs(outsider) == allowed);
        if (!allowed) return;
        bidding = false;
        uint256 lowest = type(uint256).max;
        for (uint256 i = 0; i < bidders.length; ++i) {
            Bid storage bid = bids[tenders][bidders[i]];
            if (bid.revealed && bid.price < lowest) (lowest, winner) = (bid.price, bidders[i]);
        }
        for (uint256 i = 0; i < bidders.length; ++i) {
            if (bidders[i] == winner) continue;
            Bid storage bid = bids[tenders][bidders[i]];
            walletModel[bid.revealed ? bidders[i] : buyer] += bid.deposit; // a non-revealer forfeits it
            bid.deposit = 0;
        }
        if (winner == address(0)) _close();
    }

    /// @notice Inspector `inspectorSeed` confirms a delivery by supplier `supplierSeed` (the winner or not).
    function confirmDelivery(uint256 inspectorSeed, uint256 supplierSeed, uint256 amount) public observed(false) {
        address inspector = inspectors[inspectorSeed % BUYERS];
        address supplier = supplierSeed % 4 == 3 ? winner : suppliers[supplierSeed % SUPPLIERS];
        amount = bound(amount, 0, quantity + 10);
        bool allowed = winner != address(0) && supplier == winner && inspector == inspectors[_buyerIndex()]
            && amount > 0 && delivered + amount <= quantity;
        _expect(statute.confirm(inspector, supplier, amount) == allowed);
        if (!allowed) return;
        uint256 late = block.timestamp > deadline ? (block.timestamp - deadline + 1 days - 1) / 1 days : 0;
        uint256 reduction = late * 5_000 > 1_000_000 ? 1_000_000 : late * 5_000;
        uint256 payment = (bids[tenders][winner].price * amount * (1_000_000 - reduction) + 500_000) / 1_000_000;
        escrow -= payment;
        walletModel[winner] += payment;
        delivered += amount;
        if (delivered == quantity) _close();
    }

    function advance(uint256 hoursLater) external observed(false) {
        VM.warp(block.timestamp + bound(hoursLater, 1, 6 days / 1 hours) * 1 hours);
    }

    /// @notice Time moves to the tender's next boundary (bids close, reveals close, the delivery
    /// deadline), plus up to three days: every phase, and late deliveries, are reached in a short run.
    function nextPhase(uint256 extraHours) public observed(false) {
        uint256 target = block.timestamp;
        if (block.timestamp < bidsClose) target = bidsClose;
        else if (block.timestamp < revealsClose) target = revealsClose;
        else if (block.timestamp < deadline) target = deadline;
        VM.warp(target + bound(extraHours, 0, 72) * 1 hours);
    }

    /// @notice A whole tender in one call, so that every short run reaches awards and (late)
    /// deliveries: open, every supplier bids (`seed` picks prices, short deposits and who reveals),
    /// award, then two deliveries, the second `lateHours` after the deadline.
    function tenderRound(uint256 seed, uint256 amount, uint256 lateHours) external {
        openTender(seed, amount);
        for (uint256 i = 0; i < SUPPLIERS; ++i) {
            bytes32 salt = keccak256(abi.encode(seed, i));
            commitBid(i, uint256(salt) % (CEILING + 20), salt, (seed >> i) % 7 == 0);
        }
        nextPhase(0);
        for (uint256 i = 0; i < SUPPLIERS; ++i) if ((seed >> (8 + i)) % 4 != 0) revealBid(i);
        nextPhase(0);
        award();
        confirmDelivery(_buyerIndex(), 3, quantity / 2);
        nextPhase(0);
        VM.warp(block.timestamp + bound(lateHours, 0, 240) * 1 hours);
        confirmDelivery(_buyerIndex(), 3, quantity - delivered);
    }

    // ------------------------------------------------------------------ the outsider

    function outsiderConfirms(uint256 amount) external observed(true) {
        _refused(statute.confirm(outsider, winner, bound(amount, 1, 1_000)));
    }

    function outsiderRegistersInspector() external observed(true) {
        _refused(statute.registerInspector(outsider, outsider, outsider));
    }

    /// @notice The outsider reveals a supplier's bid (price and salt it saw in the supplier's own reveal).
    function outsiderReveals(uint256 supplierSeed) external observed(true) {
        Bid storage bid = bids[tenders][suppliers[supplierSeed % SUPPLIERS]];
        _refused(statute.reveal(outsider, bid.price, bid.salt));
    }

    // ------------------------------------------------------------------ what the invariants read

    function partyCount() external view returns (uint256) {
        return parties.length;
    }

    function supplierCount() external pure returns (uint256) {
        return SUPPLIERS;
    }

    // ------------------------------------------------------------------ internals

    function _close() private {
        tenderOpen = false;
        if (winner != address(0)) {
            walletModel[winner] += bids[tenders][winner].deposit;
            bids[tenders][winner].deposit = 0;
        }
        walletModel[buyer] += escrow;
        escrow = 0;
    }

    function _required(uint256 price, uint256 amount) private pure returns (uint256) {
        return (price * amount * 20_000 + 500_000) / 1_000_000;
    }

    function _buyerIndex() private view returns (uint256) {
        return buyer == buyers[0] ? 0 : 1;
    }

    function _expect(bool holds) private {
        if (!holds) ruleBroken = true;
    }

    function _refused(bool done) private {
        if (done) outsiderInterfered = true;
    }

    /// @dev Every wallet matches the model after every call; an outsider's call moves no other wallet.
    modifier observed(bool byOutsider) {
        uint256[] memory before = new uint256[](parties.length);
        for (uint256 i = 0; i < parties.length; ++i) before[i] = currency.balanceOf(parties[i]);
        _;
        for (uint256 i = 0; i < parties.length; ++i) {
            uint256 wallet = currency.balanceOf(parties[i]);
            if (wallet != walletModel[parties[i]]) ruleBroken = true;
            if (byOutsider && parties[i] != outsider && wallet != before[i]) outsiderInterfered = true;
        }
    }

    function _digit(uint256 i) private pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + i))));
    }
}

/// @title Invariants of the procurement statute under random buyers, suppliers, inspectors and outsiders
contract ProcurementInvariants is ContractTest {
    using ProcurementCalls for ProcurementStatute;

    ProcurementHandler private handler;

    function setUp() public {
        handler = new ProcurementHandler();
        targetContract(address(handler));
    }

    /// @notice The handler can walk a whole tender: open, two bids, reveals, award, a late delivery.
    function test_handlerWalksATender() public {
        handler.openTender(0, 100);
        handler.commitBid(0, 300, "a", false);
        handler.commitBid(1, 290, "b", false);
        handler.nextPhase(0);
        handler.revealBid(0);
        handler.revealBid(1);
        handler.nextPhase(0);
        handler.award();
        handler.nextPhase(0);
        handler.nextPhase(50);
        handler.confirmDelivery(0, 3, 40);
        handler.confirmDelivery(0, 3, 60);
        ProcurementStatute statute = handler.statute();
        assertTrue(statute.tender(0).phase == ProcurementStatute.Phase.Closed, "the tender closed");
        invariant_followsTheStatute();
        invariant_moneyIsConserved();
    }

    /// @notice Currency supply = every wallet + the statute's holdings, which are exactly the escrows
    /// and the bid deposits it still holds.
    function invariant_moneyIsConserved() public view {
        DigitalCurrency currency = handler.currency();
        ProcurementStatute statute = handler.statute();
        uint256 wallets;
        for (uint256 i = 0; i < handler.partyCount(); ++i) wallets += currency.balanceOf(handler.parties(i));
        uint256 held;
        for (uint256 n = 0; n < statute.count(); ++n) {
            held += statute.tender(n).escrow;
            for (uint256 i = 0; i < handler.supplierCount(); ++i) held += statute.depositHeld(n, handler.suppliers(i));
        }
        assertEq(currency.totalSupply(), wallets + currency.balanceOf(address(statute)), "supply = wallets + statute");
        assertEq(currency.balanceOf(address(statute)), held, "statute holds the escrows and deposits");
    }

    /// @notice A tender's escrow never exceeds quantity x ceiling, nor its deliveries its quantity.
    function invariant_escrowWithinTender() public view {
        ProcurementStatute statute = handler.statute();
        for (uint256 n = 0; n < statute.count(); ++n) {
            ProcurementCalls.TenderView memory t = statute.tender(n);
            assertLe(t.escrow, t.quantity * handler.CEILING(), "escrow <= quantity x ceiling");
            assertLe(t.delivered, t.quantity, "delivered <= quantity");
        }
    }

    /// @notice Every call is decided and paid as the statute says (every wallet as modelled).
    function invariant_followsTheStatute() public view {
        assertTrue(!handler.ruleBroken(), "a call was decided or paid otherwise than the statute says");
    }

    /// @notice No outsider call changes another party's funds, or is let act for a party.
    function invariant_outsidersMoveNoOnesFunds() public view {
        assertTrue(!handler.outsiderInterfered(), "an outsider's call moved another party's funds");
    }

    /// @notice Bidding always ends: once the reveal period is over, anyone's award moves the tender on
    /// (to delivery, or closed with the escrow back when nobody revealed).
    /// @dev Delivery does not always end today: a winner that never delivers keeps the escrow and its
    /// deposit locked (docs/contracts.md); this checks what holds.
    function invariant_biddingAlwaysEnds() public {
        ProcurementStatute statute = handler.statute();
        uint256 count = statute.count();
        if (count == 0) return;
        ProcurementCalls.TenderView memory t = statute.tender(count - 1);
        if (t.phase != ProcurementStatute.Phase.Bidding) return;
        uint256 state = vm.snapshotState();
        if (block.timestamp < t.revealsClose) vm.warp(t.revealsClose);
        assertTrue(statute.awardAs(address(this)), "award refused after the reveal period");
        assertTrue(statute.tender(count - 1).phase != ProcurementStatute.Phase.Bidding, "bidding did not end");
        vm.revertToState(state);
    }
}
