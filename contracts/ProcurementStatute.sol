// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {StatuteBase} from "./StatuteBase.sol";

/// @title Procurement by sealed-bid tender: the hand-written half of every compiled `governs procurement` statute.
/// @notice A buyer opens a tender and escrows quantity × ceiling; suppliers commit sealed bids with a
/// deposit, reveal them, and the lowest revealed price wins (ties: the earliest commitment). The buyer's
/// inspector confirms each delivery, which is paid from the escrow at the awarded price less the late-day
/// penalty. SPEC §4 "Procurement" and the reference interpreter (`lawdsl/interpret/procurement.py`) define
/// the semantics; the checks below run in the interpreter's order so that outcomes are equal.
/// @dev A generated contract inherits this one and passes the statute's constants in `Rules`. The
/// authority named at deployment registers inspectors, each bound to one buyer. Every state-changing call
/// takes `ref`, the oracle record's id (the scenario event index), and every event echoes it.
abstract contract ProcurementStatute is StatuteBase {
    using SafeERC20 for IERC20;

    /// @notice The statute's constants, as the compiler read them from its articles.
    struct Rules {
        uint256 effectiveFrom; // unix time: the effective date, 00:00 in the statute's time zone
        uint256 ceilingPerUnit; // minor units of the currency
        uint256 biddingPeriod; // seconds from the opening
        uint256 revealPeriod; // seconds after the bidding period
        uint256 deliveryPeriod; // seconds after the reveal period: the delivery deadline
        uint256 depositMillionths; // of a bid's value, price × quantity
        uint256 penaltyMillionthsPerDay; // of a delivery's value, per started day late
        bool forfeitsDeposit; // whether a non-revealer forfeits its deposit to the buyer
        bytes32 awardArticle; // article ids, left-aligned text ("3")
        bytes32 paymentArticle;
        bytes32 forfeitArticle;
    }

    enum Phase {
        Bidding, // sealed bids, then reveals, until the award
        Delivery, // awarded: the winner delivers against the escrow
        Closed // fully delivered, or nobody revealed: the next tender may open
    }

    struct Tender {
        address buyer;
        uint256 quantity;
        uint256 bidsClose; // bidding: [opening, bidsClose)
        uint256 revealsClose; // revealing: [bidsClose, revealsClose); the award from then on
        uint256 deadline; // deliveries after it are late
        uint256 escrow; // minor units still held for the buyer
        Phase phase;
        address winner;
        uint256 delivered;
        address[] bidders; // in commitment order: the earliest wins a tie
    }

    struct SealedBid {
        bytes32 commitment; // keccak256(abi.encode(price, salt, bidder))
        uint256 deposit; // minor units held for the bidder
        uint256 price; // known once revealed
        bool revealed;
    }

    uint256 public immutable ceilingPerUnit;
    uint256 public immutable biddingPeriod;
    uint256 public immutable revealPeriod;
    uint256 public immutable deliveryPeriod;
    uint256 public immutable depositMillionths;
    uint256 public immutable penaltyMillionthsPerDay;
    bool public immutable forfeitsDeposit;
    bytes32 public immutable awardArticle;
    bytes32 public immutable paymentArticle;
    bytes32 public immutable forfeitArticle;

    /// @notice Every tender in opening order; bids, reveals, the award and deliveries concern the latest.
    Tender[] public tenders;
    mapping(uint256 tender => mapping(address bidder => SealedBid)) public bids;
    /// @notice The buyer each registered inspector confirms deliveries for.
    mapping(address inspector => address buyer) public inspectorOf;

    /// @notice A transfer under an article of the statute (not an escrow, a deposit or a refund), during event `ref`.
    event Payment(uint64 ref, address indexed payer, address indexed payee, uint256 amount, bytes32 indexed article);
    /// @notice Escrowed or deposited money given back, outside any article.
    event Refund(uint64 ref, address indexed to, uint256 amount);
    event InspectorRegistered(uint64 ref, address indexed inspector, address indexed buyer);
    event TenderOpened(uint64 ref, uint256 indexed tender, address indexed buyer, uint256 quantity, uint256 escrow);
    event BidCommitted(uint64 ref, uint256 indexed tender, address indexed bidder, bytes32 commitment, uint256 deposit);
    event BidRevealed(uint64 ref, uint256 indexed tender, address indexed bidder, uint256 price);
    event TenderAwarded(uint64 ref, uint256 indexed tender, address indexed winner, uint256 price, bytes32 indexed article);
    event DeliveryConfirmed(
        uint64 ref, uint256 indexed tender, address indexed inspector, uint256 quantity, uint256 daysLate
    );
    event TenderClosed(uint64 ref, uint256 indexed tender);

    error InspectorBoundToAnotherBuyer(address inspector, address buyer);
    error QuantityNotPositive();
    error TenderInProgress(uint256 tender);
    error BuyerWalletShort(uint256 escrow, uint256 balance);
    error NoOpenTender();
    error BiddingClosed(uint256 closedAt);
    error EmptyCommitment();
    error AlreadyBid(address bidder);
    error BidderWalletShort(uint256 deposit, uint256 balance);
    error OutsideRevealPeriod(uint256 opens, uint256 closes);
    error NoSealedBid(address bidder);
    error AlreadyRevealed(address bidder);
    error RevealDoesNotMatchCommitment(address bidder);
    error PriceNotPositive();
    error AboveCeiling(uint256 price, uint256 ceiling);
    error DepositShort(uint256 required, uint256 held);
    error RevealPeriodNotOver(uint256 closesAt);
    error NotAwarded();
    error NotAwardedSupplier(address supplier);
    error NotRegisteredInspector(address inspector);
    error BeyondTenderedQuantity(uint256 remaining);

    constructor(IERC20 currency_, address authority, Rules memory rules)
        StatuteBase(currency_, authority, rules.effectiveFrom)
    {
        ceilingPerUnit = rules.ceilingPerUnit;
        biddingPeriod = rules.biddingPeriod;
        revealPeriod = rules.revealPeriod;
        deliveryPeriod = rules.deliveryPeriod;
        depositMillionths = rules.depositMillionths;
        penaltyMillionthsPerDay = rules.penaltyMillionthsPerDay;
        forfeitsDeposit = rules.forfeitsDeposit;
        awardArticle = rules.awardArticle;
        paymentArticle = rules.paymentArticle;
        forfeitArticle = rules.forfeitArticle;
    }

    // ------------------------------------------------------------------ inspectors (the authority)

    /// @notice Bind an inspector to the one buyer whose deliveries it confirms; a buyer cannot register its own.
    function registerInspector(address inspector, address buyer, uint64 ref)
        external
        inForce
        onlyRole(AUTHORITY_ROLE)
    {
        address bound = inspectorOf[inspector];
        if (bound != address(0) && bound != buyer) revert InspectorBoundToAnotherBuyer(inspector, bound);
        inspectorOf[inspector] = buyer;
        emit InspectorRegistered(ref, inspector, buyer);
    }

    // ------------------------------------------------------------------ the tender (the buyer)

    /// @notice Open a tender for `quantity` units, escrowing quantity × ceiling (approved beforehand).
    function openTender(uint256 quantity, uint64 ref) external nonReentrant inForce {
        if (quantity == 0) revert QuantityNotPositive();
        uint256 count = tenders.length;
        if (count > 0 && tenders[count - 1].phase != Phase.Closed) revert TenderInProgress(count - 1);
        uint256 escrow = quantity * ceilingPerUnit;
        uint256 balance = currency.balanceOf(msg.sender);
        if (balance < escrow) revert BuyerWalletShort(escrow, balance);

        Tender storage tender = tenders.push();
        tender.buyer = msg.sender;
        tender.quantity = quantity;
        tender.bidsClose = block.timestamp + biddingPeriod;
        tender.revealsClose = tender.bidsClose + revealPeriod;
        tender.deadline = tender.revealsClose + deliveryPeriod;
        tender.escrow = escrow;
        emit TenderOpened(ref, count, msg.sender, quantity, escrow);
        currency.safeTransferFrom(msg.sender, address(this), escrow);
    }

    // ------------------------------------------------------------------ sealed bids (suppliers)

    /// @notice Commit a sealed bid, `keccak256(abi.encode(price, salt, msg.sender))`, with its deposit
    /// (deposit rate × price × quantity, approved beforehand). The price stays secret until the reveal,
    /// which checks both the commitment and the deposit.
    function commitBid(bytes32 commitment, uint256 deposit, uint64 ref) external nonReentrant inForce {
        (uint256 number, Tender storage tender) = _biddingTender();
        if (block.timestamp >= tender.bidsClose) revert BiddingClosed(tender.bidsClose);
        if (commitment == bytes32(0)) revert EmptyCommitment();
        SealedBid storage bid = bids[number][msg.sender];
        if (bid.commitment != bytes32(0)) revert AlreadyBid(msg.sender);
        uint256 balance = currency.balanceOf(msg.sender);
        if (balance < deposit) revert BidderWalletShort(deposit, balance);

        bid.commitment = commitment;
        bid.deposit = deposit;
        tender.bidders.push(msg.sender);
        emit BidCommitted(ref, number, msg.sender, commitment, deposit);
        currency.safeTransferFrom(msg.sender, address(this), deposit);
    }

    /// @notice Reveal a committed bid during the reveal period. A reveal that does not match its
    /// commitment, is above the ceiling or whose deposit is short is refused and the bid stays unrevealed.
    function revealBid(uint256 price, bytes32 salt, uint64 ref) external inForce {
        (uint256 number, Tender storage tender) = _biddingTender();
        if (block.timestamp < tender.bidsClose || block.timestamp >= tender.revealsClose) {
            revert OutsideRevealPeriod(tender.bidsClose, tender.revealsClose);
        }
        SealedBid storage bid = bids[number][msg.sender];
        if (bid.commitment == bytes32(0)) revert NoSealedBid(msg.sender);
        if (bid.revealed) revert AlreadyRevealed(msg.sender);
        if (bid.commitment != commitmentOf(price, salt, msg.sender)) revert RevealDoesNotMatchCommitment(msg.sender);
        if (price == 0) revert PriceNotPositive();
        if (price > ceilingPerUnit) revert AboveCeiling(price, ceilingPerUnit);
        uint256 required = requiredDeposit(price, tender.quantity);
        if (bid.deposit < required) revert DepositShort(required, bid.deposit);

        bid.price = price;
        bid.revealed = true;
        emit BidRevealed(ref, number, msg.sender, price);
    }

    // ------------------------------------------------------------------ the award (anyone, once it is due)

    /// @notice After the reveal period: the lowest revealed price wins, ties going to the earliest
    /// commitment. Revealed losers get their deposit back; non-revealers forfeit theirs to the buyer
    /// (a payment under the forfeit article) when the statute says so. The winner's deposit stays until
    /// delivery is complete; with no revealed bid the tender closes and the escrow goes back.
    function award(uint64 ref) external nonReentrant inForce {
        (uint256 number, Tender storage tender) = _biddingTender();
        if (block.timestamp < tender.revealsClose) revert RevealPeriodNotOver(tender.revealsClose);
        address winner = _lowestRevealed(number, tender.bidders);
        tender.winner = winner;
        tender.phase = Phase.Delivery;
        if (winner != address(0)) emit TenderAwarded(ref, number, winner, bids[number][winner].price, awardArticle);

        uint256 count = tender.bidders.length;
        for (uint256 i = 0; i < count; ++i) {
            address bidder = tender.bidders[i];
            if (bidder == winner) continue;
            SealedBid storage bid = bids[number][bidder];
            uint256 held = bid.deposit;
            bid.deposit = 0;
            if (held == 0) continue;
            if (bid.revealed || !forfeitsDeposit) {
                emit Refund(ref, bidder, held);
                currency.safeTransfer(bidder, held);
            } else {
                emit Payment(ref, bidder, tender.buyer, held, forfeitArticle);
                currency.safeTransfer(tender.buyer, held);
            }
        }
        if (winner == address(0)) _close(number, tender, ref);
    }

    // ------------------------------------------------------------------ deliveries (the inspector)

    /// @notice The buyer's registered inspector confirms a delivery by the awarded supplier; it is paid
    /// from the escrow at the awarded price, less the late-day penalty (at most all of it), rounded once
    /// half up. Once the tendered quantity is delivered, the winner's deposit and the rest of the escrow
    /// are refunded.
    function confirmDelivery(address supplier, uint256 quantity, uint64 ref) external nonReentrant inForce {
        uint256 count = tenders.length;
        if (count == 0 || tenders[count - 1].winner == address(0)) revert NotAwarded();
        uint256 number = count - 1;
        Tender storage tender = tenders[number];
        if (supplier != tender.winner) revert NotAwardedSupplier(supplier);
        if (inspectorOf[msg.sender] != tender.buyer) revert NotRegisteredInspector(msg.sender);
        if (quantity == 0) revert QuantityNotPositive();
        if (tender.delivered + quantity > tender.quantity) {
            revert BeyondTenderedQuantity(tender.quantity - tender.delivered);
        }
        uint256 late = daysLate(tender.deadline, block.timestamp);
        uint256 amount = deliveryPayment(bids[number][supplier].price, quantity, late);

        tender.delivered += quantity;
        tender.escrow -= amount;
        emit DeliveryConfirmed(ref, number, msg.sender, quantity, late);
        if (amount > 0) {
            emit Payment(ref, tender.buyer, supplier, amount, paymentArticle);
            currency.safeTransfer(supplier, amount);
        }
        if (tender.delivered == tender.quantity) _close(number, tender, ref);
    }

    // ------------------------------------------------------------------ views and the arithmetic

    function commitmentOf(uint256 price, bytes32 salt, address bidder) public pure returns (bytes32) {
        return keccak256(abi.encode(price, salt, bidder));
    }

    /// @notice deposit rate × price × quantity, rounded once half up.
    function requiredDeposit(uint256 price, uint256 quantity) public view returns (uint256) {
        return (price * quantity * depositMillionths + MILLIONTHS / 2) / MILLIONTHS;
    }

    /// @notice Days begun after the deadline: none at the deadline itself, one from its first second on.
    function daysLate(uint256 deadline, uint256 at) public pure returns (uint256) {
        return at > deadline ? (at - deadline + 1 days - 1) / 1 days : 0;
    }

    /// @notice quantity × price × (1 − min(1, days late × penalty)), rounded once half up.
    function deliveryPayment(uint256 price, uint256 quantity, uint256 late) public view returns (uint256) {
        uint256 reduction = late * penaltyMillionthsPerDay;
        if (reduction > MILLIONTHS) reduction = MILLIONTHS;
        return (price * quantity * (MILLIONTHS - reduction) + MILLIONTHS / 2) / MILLIONTHS;
    }

    function tenderCount() external view returns (uint256) {
        return tenders.length;
    }

    // ------------------------------------------------------------------ internals

    /// @dev The latest tender while it takes bids, reveals or its award.
    function _biddingTender() private view returns (uint256 number, Tender storage tender) {
        uint256 count = tenders.length;
        if (count == 0 || tenders[count - 1].phase != Phase.Bidding) revert NoOpenTender();
        number = count - 1;
        tender = tenders[number];
    }

    function _lowestRevealed(uint256 number, address[] storage bidders) private view returns (address winner) {
        uint256 lowest = type(uint256).max;
        for (uint256 i = 0; i < bidders.length; ++i) {
            SealedBid storage bid = bids[number][bidders[i]];
            if (bid.revealed && bid.price < lowest) {
                lowest = bid.price;
                winner = bidders[i];
            }
        }
    }

    /// @dev Give back what the tender still holds: the winner's deposit and the unspent escrow.
    function _close(uint256 number, Tender storage tender, uint64 ref) private {
        tender.phase = Phase.Closed;
        address winner = tender.winner;
        uint256 deposit = winner == address(0) ? 0 : bids[number][winner].deposit;
        if (winner != address(0)) bids[number][winner].deposit = 0;
        uint256 escrow = tender.escrow;
        tender.escrow = 0;
        emit TenderClosed(ref, number);
        if (deposit > 0) {
            emit Refund(ref, winner, deposit);
            currency.safeTransfer(winner, deposit);
        }
        if (escrow > 0) {
            emit Refund(ref, tender.buyer, escrow);
            currency.safeTransfer(tender.buyer, escrow);
        }
    }
}
