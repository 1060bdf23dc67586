// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {DigitalCurrency} from "../DigitalCurrency.sol";
import {ProcurementStatute} from "../ProcurementStatute.sol";
import {ContractTest, VM, account, bound} from "./lib/Cheats.sol";
import {ProcurementCalls} from "./lib/ProcurementCalls.sol";

/// @title The parties of the Grain Unified Purchase Regulation (statutes/procurement.law), acting at random
/// @notice Registered buyers open tenders (a new one may open while others run), suppliers commit and
/// reveal sealed bids (some short of deposit, some above the ceiling), anyone awards, inspectors
/// confirm deliveries (some late, some beyond the quantity), anyone closes a tender its winner left
/// undelivered, an outsider tries what it has no right to. A model of the statute's latest tender
/// (ceiling CNY 3.10 a kilogram; bidding 7 days, reveals 2 days, delivery 30 days; deposit 2% of a
/// bid's value, at least that of a bid at CNY 0.01; the lowest revealed bid wins, ties to the
/// earliest; non-revealers forfeit their deposit to the buyer; 0.5% less per day begun late, so the
/// grace before closing undelivered is 200 days; every amount rounded once half up) predicts every
/// call and wallet; the tenders before it run on untouched.
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
    uint256 public constant GRACE = 200 days; // until 0.5% a day late takes the whole payment

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
        for (uint256 i = 0; i < BUYERS; ++i) {
            (address b,) = account(string.concat("buyer", _digit(i)));
            (address inspector,) = account(string.concat("inspector", _digit(i)));
            buyers.push(b);
            inspectors.push(inspector);
            parties.push(b);
        }
        statute = ProcurementCalls.deploy(currency, authority, buyers);
        VM.warp(20_605 days + 1 hours); // 2026-06-01 09:00 +08:00, the effective date
        for (uint256 i = 0; i < BUYERS; ++i) {
            require(statute.registerInspector(authority, inspectors[i], buyers[i]), "inspector refused");
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
        bool allowed = walletModel[b] >= amount * CEILING;
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
        uint256 minimum = _required(1, quantity) == 0 ? 1 : _required(1, quantity);
        Bid storage bid = bids[tenders][supplier];
        bool allowed = bidding && block.timestamp < bidsClose && !bid.committed && deposit >= minimum
            && walletModel[supplier] >= deposit;
        _expect(statute.commit(_number(), supplier, price, salt, deposit) == allowed);
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
        _expect(statute.reveal(_number(), supplier, bid.price, bid.salt) == allowed);
        if (allowed) bid.revealed = true;
    }

    // ------------------------------------------------------------------ anyone, inspectors, time

    /// @notice Anyone may award once the reveal period is over.
    function award() public observed(false) {
        bool allowed = bidding && block.timestamp >= revealsClose;
        _expect(statute.awardAs(_number(), outsider) == allowed);
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
        bool allowed = tenderOpen && !bidding && winner != address(0) && supplier == winner
            && inspector == inspectors[_buyerIndex()] && amount > 0 && delivered + amount <= quantity
            && block.timestamp < deadline + GRACE;
        _expect(statute.confirm(_number(), inspector, supplier, amount) == allowed);
        if (!allowed) return;
        uint256 late = block.timestamp > deadline ? (block.timestamp - deadline + 1 days - 1) / 1 days : 0;
        uint256 reduction = late * 5_000 > 1_000_000 ? 1_000_000 : late * 5_000;
        uint256 payment = (bids[tenders][winner].price * amount * (1_000_000 - reduction) + 500_000) / 1_000_000;
        escrow -= payment;
        walletModel[winner] += payment;
        delivered += amount;
        if (delivered == quantity) _close();
    }

    /// @notice Anyone closes the tender once its winner has not delivered by the deadline plus the
    /// grace: the winner's deposit goes to the buyer, the rest of the escrow back to it.
    function closeUndelivered() public observed(false) {
        bool allowed = tenderOpen && !bidding && winner != address(0) && block.timestamp >= deadline + GRACE;
        _expect(statute.closeUndelivered(_number(), outsider) == allowed);
        if (!allowed) return;
        walletModel[buyer] += bids[tenders][winner].deposit;
        bids[tenders][winner].deposit = 0;
        _close();
    }

    function advance(uint256 hoursLater) external observed(false) {
        VM.warp(block.timestamp + bound(hoursLater, 1, 6 days / 1 hours) * 1 hours);
    }

    /// @notice Time moves to the tender's next boundary (bids close, reveals close, the delivery
    /// deadline, the end of the grace), plus up to three days: every phase, late deliveries and
    /// closing undelivered are reached in a short run.
    function nextPhase(uint256 extraHours) public observed(false) {
        uint256 target = block.timestamp;
        if (block.timestamp < bidsClose) target = bidsClose;
        else if (block.timestamp < revealsClose) target = revealsClose;
        else if (block.timestamp < deadline) target = deadline;
        else if (block.timestamp < deadline + GRACE) target = deadline + GRACE;
        VM.warp(target + bound(extraHours, 0, 72) * 1 hours);
    }

    /// @notice A whole tender in one call, so that every short run reaches awards and (late)
    /// deliveries: open, every supplier bids (`seed` picks prices, short deposits and who reveals),
    /// award, then a delivery of half and either the rest `lateHours` after the deadline or, one
    /// time in three, nothing more until the tender is closed undelivered.
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
        if ((seed >> 16) % 3 != 0) return confirmDelivery(_buyerIndex(), 3, quantity - delivered);
        nextPhase(0);
        closeUndelivered();
    }

    // ------------------------------------------------------------------ the outsider

    function outsiderConfirms(uint256 amount) external observed(true) {
        _refused(statute.confirm(_number(), outsider, winner, bound(amount, 1, 1_000)));
    }

    /// @notice Only a buyer the authority registered opens a tender.
    function outsiderOpensTender(uint256 amount) external observed(true) {
        _refused(statute.open(outsider, bound(amount, 1, 1_000)));
    }

    function outsiderRegistersBuyer() external observed(true) {
        _refused(statute.registerBuyer(outsider, outsider));
    }

    function outsiderRegistersInspector() external observed(true) {
        _refused(statute.registerInspector(outsider, outsider, outsider));
    }

    /// @notice The outsider reveals a supplier's bid (price and salt it saw in the supplier's own reveal).
    function outsiderReveals(uint256 supplierSeed) external observed(true) {
        Bid storage bid = bids[tenders][suppliers[supplierSeed % SUPPLIERS]];
        _refused(statute.reveal(_number(), outsider, bid.price, bid.salt));
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

    /// @dev The latest tender's number (0 before any: an unknown tender, refused like a closed one).
    function _number() private view returns (uint256) {
        return tenders == 0 ? 0 : tenders - 1;
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
        handler.advance(50); // 50 hours after the deadline: three days begun late
        handler.confirmDelivery(0, 3, 40);
        handler.confirmDelivery(0, 3, 60);
        ProcurementStatute statute = handler.statute();
        assertTrue(statute.tender(0).phase == ProcurementStatute.Phase.Closed, "the tender closed");
        invariant_followsTheStatute();
        invariant_moneyIsConserved();
    }

    /// @notice A winner that delivers part and then nothing: after the grace anyone closes the tender,
    /// the buyer gets the winner's deposit and its unspent escrow.
    function test_undeliveredTenderCloses() public {
        handler.openTender(1, 100);
        handler.commitBid(2, 300, "c", false);
        handler.nextPhase(0);
        handler.revealBid(2);
        handler.nextPhase(0);
        handler.award();
        handler.confirmDelivery(1, 3, 30);
        handler.closeUndelivered(); // too early: refused, as the model expects
        handler.nextPhase(0);
        handler.nextPhase(0);
        handler.closeUndelivered();
        ProcurementStatute statute = handler.statute();
        assertTrue(statute.tender(0).phase == ProcurementStatute.Phase.Closed, "closed undelivered");
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

    /// @notice A tender always ends: whatever state the run left each tender in, anyone's `award` after
    /// the reveal period and then `closeUndelivered` from `closeableFrom` on close it, and a closed
    /// tender holds nothing (escrow and every deposit paid out).
    function invariant_tenderAlwaysEnds() public {
        ProcurementStatute statute = handler.statute();
        for (uint256 n = 0; n < statute.count(); ++n) {
            uint256 state = vm.snapshotState();
            ProcurementCalls.TenderView memory t = statute.tender(n);
            if (t.phase == ProcurementStatute.Phase.Bidding) {
                if (block.timestamp < t.revealsClose) vm.warp(t.revealsClose);
                assertTrue(statute.awardAs(n, address(this)), "award refused after the reveal period");
                t = statute.tender(n);
            }
            if (t.phase == ProcurementStatute.Phase.Delivery) {
                uint256 from = statute.closingFrom(n);
                if (block.timestamp < from) vm.warp(from);
                assertTrue(statute.closeUndelivered(n, address(this)), "close refused after the grace");
            }
            assertTrue(statute.tender(n).phase == ProcurementStatute.Phase.Closed, "the tender did not end");
            assertEq(statute.tender(n).escrow, 0, "a closed tender holds no escrow");
            for (uint256 i = 0; i < handler.supplierCount(); ++i) {
                assertEq(statute.depositHeld(n, handler.suppliers(i)), 0, "a closed tender holds no deposit");
            }
            vm.revertToState(state);
        }
    }
}
