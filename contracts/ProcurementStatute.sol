// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StatuteBase} from "./StatuteBase.sol";

/// @title Procurement by sealed-bid tender: the hand-written half of every compiled `governs procurement` statute.
/// @notice A buyer the authority registered opens tenders (many at a time, kept by id) and escrows
/// quantity × ceiling; suppliers commit sealed bids with a deposit, reveal them, and the lowest revealed
/// price wins (ties: the earliest commitment) — or, under a best value award (Directive 2014/24/EU Art. 67),
/// the tender's buyer publishes a quality score for each revealed bid during the evaluation period and the
/// best weighted score of price and quality wins. The winner records each delivery; the buyer's inspector
/// confirms or disputes it within the inspection window (silence accepts it), and it is paid from the
/// escrow at the awarded price less the late-day penalty, lateness counted from the supplier's record,
/// all of a tender's deductions together at most the statute's cap (a share of the contract price).
/// Where the statute asks for a performance security, the award takes it from the winner (approved
/// beforehand) and holds it until the last unit is paid; a winner that cannot lodge it forfeits its
/// bid deposit and the tender closes. A tender whose winner has not delivered by the deadline plus the
/// grace can be closed by anyone: the winner's deposit and security forfeit to the buyer and the escrow
/// returns. Every tender ends. docs/semantics.md ("Procurement")
/// and the reference interpreter (`lawdsl/interpret/procurement.py`) define the
/// semantics; the checks below run in the interpreter's order so that outcomes are equal.
/// @dev A generated contract inherits this one and passes the statute's constants in `Rules`. Every
/// state-changing call takes `ref`, the oracle record's id (the scenario event index), and every event
/// echoes it. Bounds: no call loops over bids except `award`/`settleBids`, which settle at most
/// `SETTLE_PAGE` deposits each; the winner is tracked during the reveals.
abstract contract ProcurementStatute is StatuteBase {
    using SafeERC20 for IERC20;

    /// @notice Opens tenders: a buyer the authority registered.
    bytes32 public constant BUYER_ROLE = keccak256("BUYER_ROLE");
    /// @notice The most losing deposits one `award` or `settleBids` call settles (its loop bound).
    uint256 public constant SETTLE_PAGE = 64;
    /// @notice How long a buyer's inspector has to judge a recorded delivery when the statute has no
    /// inspection sentence (docs/semantics.md).
    uint256 public constant DEFAULT_INSPECTION_WINDOW = 7 days;
    /// @notice A quality score is out of this many points.
    uint8 public constant MAX_QUALITY = 100;
    /// @notice The longest grace after the delivery deadline before an undelivered tender can be closed.
    uint256 public constant MAX_GRACE = 365 days;

    /// @notice The statute's constants, as the compiler read them from its articles.
    struct Rules {
        uint256 effectiveFrom; // unix time: the effective date, 00:00 in the statute's time zone
        uint256 ceilingPerUnit; // minor units of the currency
        uint256 biddingPeriod; // seconds from the opening
        uint256 revealPeriod; // seconds after the bidding period
        uint256 deliveryPeriod; // seconds after the reveal (and evaluation) period: the delivery deadline
        uint256 inspectionWindow; // seconds after a delivery record for the inspector to judge it
        uint256 depositMillionths; // of a bid's value, price × quantity
        uint256 penaltyMillionthsPerDay; // of a delivery's value, per started day late
        uint256 damagesCapMillionths; // of the contract price: all of a tender's deductions, at most
        uint256 securityMillionths; // of the contract price: the performance security; 0 when none
        uint256 qualityWeightMillionths; // best value: quality's weight (price's is the rest); 0: lowest price
        uint256 evaluationPeriod; // seconds after the reveal period for the buyer's quality scores
        bool forfeitsDeposit; // whether a non-revealer forfeits its deposit to the buyer
        bytes32 awardArticle; // article ids, left-aligned text ("3")
        bytes32 paymentArticle;
        bytes32 forfeitArticle;
        bytes32 deliveryArticle; // the delivery deadline's: a defaulting winner forfeits under it
        bytes32 securityArticle; // the performance security's: it forfeits under it
    }

    enum Phase {
        Bidding, // sealed bids, then reveals, until the award
        Delivery, // awarded: the winner delivers against the escrow
        Closed // fully delivered, nobody revealed, or closed undelivered
    }

    enum Judgement {
        None,
        Pending, // recorded by the supplier, awaiting the inspector
        Confirmed, // confirmed, accepted after the window, or inspected in one step: paid
        Disputed // refused by the inspector: its quantity may be recorded again
    }

    struct Tender {
        address buyer;
        uint256 quantity;
        uint256 bidsClose; // bidding: [opening, bidsClose)
        uint256 revealsClose; // revealing: [bidsClose, revealsClose); the award from then on
        uint256 deadline; // deliveries recorded after it are late
        uint256 escrow; // minor units still held for the buyer
        Phase phase;
        address winner; // the lowest revealed bid so far; the winner once awarded
        uint256 delivered; // confirmed units
        uint256 pending; // recorded units awaiting judgement
        uint256 settled; // losing deposits settled, in commitment order
        address[] bidders; // in commitment order: the earliest wins a tie
    }

    struct SealedBid {
        bytes32 commitment; // keccak256(abi.encode(price, salt, bidder))
        uint192 deposit; // minor units held for the bidder
        uint64 order; // commitment order within the tender: in the deposit's slot, so written with it
        uint256 price; // known once revealed
        bool revealed;
        uint8 quality; // best value: the buyer's score, 0 to MAX_QUALITY
        bool scored;
    }

    /// @notice What an awarded tender's performance has cost and holds (apart from `Tender`, whose public
    /// getter stays within the stack).
    struct Performance {
        uint256 damages; // deducted for lateness so far, in millionths of a minor unit (exact)
        uint256 security; // the winner's performance security held, in minor units
    }

    struct Delivery {
        uint256 quantity;
        uint256 recordedAt; // lateness is counted from here
        Judgement judgement;
    }

    uint256 public immutable ceilingPerUnit;
    uint256 public immutable biddingPeriod;
    uint256 public immutable revealPeriod;
    uint256 public immutable deliveryPeriod;
    uint256 public immutable inspectionWindow;
    uint256 public immutable depositMillionths;
    uint256 public immutable penaltyMillionthsPerDay;
    /// @notice All of a tender's late-delivery deductions together are at most this share of its
    /// contract price (awarded price × tendered quantity), in millionths.
    uint256 public immutable damagesCapMillionths;
    /// @notice The performance security, a share of the contract price in millionths; 0 when none.
    uint256 public immutable securityMillionths;
    /// @notice Best value award: quality's weight in millionths (price weighs the rest); 0 awards the lowest price.
    uint256 public immutable qualityWeightMillionths;
    /// @notice Best value award: how long after the reveal period the buyer publishes quality scores.
    uint256 public immutable evaluationPeriod;
    bool public immutable forfeitsDeposit;
    bytes32 public immutable awardArticle;
    bytes32 public immutable paymentArticle;
    bytes32 public immutable forfeitArticle;
    bytes32 public immutable deliveryArticle;
    bytes32 public immutable securityArticle;
    /// @notice Time after the deadline until an undelivered tender can be closed: the days until the
    /// daily penalty alone would take a whole payment (at most MAX_GRACE; a cap does not shorten it), or
    /// the inspection window without a penalty.
    uint256 public immutable closeGrace;

    /// @notice Every tender by id, in opening order.
    Tender[] public tenders;
    mapping(uint256 tender => mapping(address bidder => SealedBid)) public bids;
    mapping(uint256 tender => Delivery[]) private _deliveries;
    /// @notice Best value award: each tender's lowest revealed price, which scores full marks for price.
    mapping(uint256 tender => uint256 price) public lowestPrice;
    /// @notice Each tender's deductions for lateness so far and the performance security it holds.
    mapping(uint256 tender => Performance) public performance;
    /// @notice The buyer each registered inspector confirms deliveries for; zero when none or revoked.
    mapping(address inspector => address buyer) public inspectorOf;

    /// @notice A transfer under an article of the statute (not an escrow, a deposit or a refund), during event `ref`.
    event Payment(uint64 ref, address indexed payer, address indexed payee, uint256 amount, bytes32 indexed article);
    /// @notice Escrowed or deposited money given back, outside any article.
    event Refund(uint64 ref, address indexed to, uint256 amount);
    event BuyerRegistered(uint64 ref, address indexed buyer);
    event BuyerRevoked(uint64 ref, address indexed buyer);
    event InspectorRegistered(uint64 ref, address indexed inspector, address indexed buyer);
    event InspectorRevoked(uint64 ref, address indexed inspector);
    event TenderOpened(uint64 ref, uint256 indexed tender, address indexed buyer, uint256 quantity, uint256 escrow);
    event BidCommitted(uint64 ref, uint256 indexed tender, address indexed bidder, bytes32 commitment, uint256 deposit);
    event BidRevealed(uint64 ref, uint256 indexed tender, address indexed bidder, uint256 price);
    /// @notice The tender's buyer published a revealed bid's quality score (best value award).
    event BidScored(uint64 ref, uint256 indexed tender, address indexed bidder, uint8 quality);
    event TenderAwarded(uint64 ref, uint256 indexed tender, address indexed winner, uint256 price, bytes32 indexed article);
    event DeliveryRecorded(
        uint64 ref, uint256 indexed tender, uint256 indexed delivery, address indexed supplier, uint256 quantity
    );
    event DeliveryConfirmed(
        uint64 ref, uint256 indexed tender, address indexed inspector, uint256 quantity, uint256 daysLate
    );
    event DeliveryDisputed(uint64 ref, uint256 indexed tender, uint256 indexed delivery, address indexed inspector);
    /// @notice The winner did not deliver in time: `forfeited` of its deposit went to the buyer.
    event TenderDefaulted(uint64 ref, uint256 indexed tender, address indexed winner, uint256 forfeited);
    /// @notice The award took the winner's performance security; it is held until the last unit is paid.
    event SecurityLodged(uint64 ref, uint256 indexed tender, address indexed winner, uint256 amount);
    /// @notice The winner's wallet or allowance could not cover its performance security: its bid
    /// deposit forfeited to the buyer and the tender closed.
    event SecurityNotLodged(uint64 ref, uint256 indexed tender, address indexed winner, uint256 required);
    event TenderClosed(uint64 ref, uint256 indexed tender);

    error InspectorBoundToAnotherBuyer(address inspector, address buyer);
    error NotRegistered(address account);
    error QuantityNotPositive();
    error BuyerWalletShort(uint256 escrow, uint256 balance);
    error UnknownTender(uint256 tender);
    error NoOpenTender();
    error BiddingClosed(uint256 closedAt);
    error EmptyCommitment();
    error AlreadyBid(address bidder);
    error DepositBelowMinimum(uint256 minimum, uint256 deposit);
    error BidderWalletShort(uint256 deposit, uint256 balance);
    error OutsideRevealPeriod(uint256 opens, uint256 closes);
    error NoSealedBid(address bidder);
    error AlreadyRevealed(address bidder);
    error RevealDoesNotMatchCommitment(address bidder);
    error PriceNotPositive();
    error AboveCeiling(uint256 price, uint256 ceiling);
    error DepositShort(uint256 required, uint256 held);
    error RevealPeriodNotOver(uint256 closesAt);
    error EvaluationNotOver(uint256 closesAt);
    error NotBestValueAward();
    error NotTenderBuyer(address account);
    error OutsideEvaluation(uint256 opens, uint256 closes);
    error NotRevealed(address bidder);
    error AlreadyScored(address bidder);
    error QualityAboveMaximum(uint256 quality);
    error NothingToSettle(uint256 tender);
    error NotAwarded();
    error NotAwardedSupplier(address supplier);
    error NotRegisteredInspector(address inspector);
    error BeyondTenderedQuantity(uint256 remaining);
    error DeliveryPeriodOver(uint256 closedAt);
    error UnknownDelivery(uint256 delivery);
    error DeliveryAlreadyJudged(uint256 delivery);
    error InspectionWindowOver(uint256 closedAt);
    error InspectionWindowOpen(uint256 closesAt);
    error NotCloseableYet(uint256 closeableFrom);
    error DeliveryPending(uint256 quantity);

    /// @param buyers The buyers registered at deployment; the authority registers others later.
    constructor(IERC20 currency_, address authority, address[] memory buyers, Rules memory rules)
        StatuteBase(currency_, authority, rules.effectiveFrom)
    {
        for (uint256 i = 0; i < buyers.length; ++i) {
            _grantRole(BUYER_ROLE, buyers[i]);
        }
        ceilingPerUnit = rules.ceilingPerUnit;
        biddingPeriod = rules.biddingPeriod;
        revealPeriod = rules.revealPeriod;
        deliveryPeriod = rules.deliveryPeriod;
        inspectionWindow = rules.inspectionWindow;
        depositMillionths = rules.depositMillionths;
        penaltyMillionthsPerDay = rules.penaltyMillionthsPerDay;
        damagesCapMillionths = rules.damagesCapMillionths;
        securityMillionths = rules.securityMillionths;
        qualityWeightMillionths = rules.qualityWeightMillionths;
        evaluationPeriod = rules.evaluationPeriod;
        forfeitsDeposit = rules.forfeitsDeposit;
        awardArticle = rules.awardArticle;
        paymentArticle = rules.paymentArticle;
        forfeitArticle = rules.forfeitArticle;
        deliveryArticle = rules.deliveryArticle;
        securityArticle = rules.securityArticle;
        uint256 grace = rules.inspectionWindow;
        if (rules.penaltyMillionthsPerDay > 0) {
            grace = (MILLIONTHS + rules.penaltyMillionthsPerDay - 1) / rules.penaltyMillionthsPerDay * 1 days;
            if (grace > MAX_GRACE) grace = MAX_GRACE;
        }
        closeGrace = grace;
    }

    // ------------------------------------------------------------------ registrations (the authority)

    /// @notice Let `buyer` open tenders. The authority's action: through its timelock in a live deployment.
    function registerBuyer(address buyer, uint64 ref) external inForce onlyRole(AUTHORITY_ROLE) {
        _grantRole(BUYER_ROLE, buyer);
        emit BuyerRegistered(ref, buyer);
    }

    /// @notice Stop `buyer` opening tenders, at once; its open tenders run to their end.
    function revokeBuyer(address buyer, uint64 ref) external inForce onlyRevoker {
        if (!_revokeRole(BUYER_ROLE, buyer)) revert NotRegistered(buyer);
        emit BuyerRevoked(ref, buyer);
    }

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

    /// @notice Revoke an inspector at once; it may then be registered again, for any buyer.
    function revokeInspector(address inspector, uint64 ref) external inForce onlyRevoker {
        if (inspectorOf[inspector] == address(0)) revert NotRegistered(inspector);
        delete inspectorOf[inspector];
        emit InspectorRevoked(ref, inspector);
    }

    // ------------------------------------------------------------------ the tender (a registered buyer)

    /// @notice Open a tender for `quantity` units, escrowing quantity × ceiling (approved beforehand).
    /// @return number The tender's id: its place in opening order, from 0.
    function openTender(uint256 quantity, uint64 ref)
        external
        nonReentrant
        inForce
        onlyRole(BUYER_ROLE)
        returns (uint256 number)
    {
        if (quantity == 0) revert QuantityNotPositive();
        uint256 escrow = quantity * ceilingPerUnit;
        uint256 balance = currency.balanceOf(msg.sender);
        if (balance < escrow) revert BuyerWalletShort(escrow, balance);

        number = tenders.length;
        Tender storage tender = tenders.push();
        tender.buyer = msg.sender;
        tender.quantity = quantity;
        tender.bidsClose = block.timestamp + biddingPeriod;
        tender.revealsClose = tender.bidsClose + revealPeriod;
        tender.deadline = tender.revealsClose + evaluationPeriod + deliveryPeriod;
        tender.escrow = escrow;
        emit TenderOpened(ref, number, msg.sender, quantity, escrow);
        currency.safeTransferFrom(msg.sender, address(this), escrow);
    }

    // ------------------------------------------------------------------ sealed bids (suppliers)

    /// @notice Commit a sealed bid, `keccak256(abi.encode(price, salt, msg.sender))`, with its deposit
    /// (deposit rate × price × quantity, approved beforehand). The price stays secret until the reveal,
    /// which checks both the commitment and the deposit; a deposit below `minimumDeposit` (that of a
    /// bid at one minor unit a unit) is refused at once, so no bid is free.
    function commitBid(uint256 number, bytes32 commitment, uint256 deposit, uint64 ref) external nonReentrant inForce {
        Tender storage tender = _biddingTender(number);
        if (block.timestamp >= tender.bidsClose) revert BiddingClosed(tender.bidsClose);
        if (commitment == bytes32(0)) revert EmptyCommitment();
        SealedBid storage bid = bids[number][msg.sender];
        if (bid.commitment != bytes32(0)) revert AlreadyBid(msg.sender);
        uint256 minimum = minimumDeposit(number);
        if (deposit < minimum) revert DepositBelowMinimum(minimum, deposit);
        uint256 balance = currency.balanceOf(msg.sender);
        if (balance < deposit) revert BidderWalletShort(deposit, balance);

        bid.commitment = commitment;
        bid.deposit = SafeCast.toUint192(deposit);
        bid.order = SafeCast.toUint64(tender.bidders.length);
        tender.bidders.push(msg.sender);
        emit BidCommitted(ref, number, msg.sender, commitment, deposit);
        currency.safeTransferFrom(msg.sender, address(this), deposit);
    }

    /// @notice Reveal a committed bid during the reveal period. A reveal that does not match its
    /// commitment, is above the ceiling or whose deposit is short is refused and the bid stays unrevealed.
    /// The lowest revealed bid so far (ties: the earliest commitment) is kept, so the award need not search.
    function revealBid(uint256 number, uint256 price, bytes32 salt, uint64 ref) external inForce {
        Tender storage tender = _biddingTender(number);
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
        if (qualityWeightMillionths > 0) {
            uint256 lowest = lowestPrice[number];
            if (lowest == 0 || price < lowest) lowestPrice[number] = price;
            return;
        }
        address leader = tender.winner;
        if (leader == address(0)) {
            tender.winner = msg.sender;
        } else {
            SealedBid storage best = bids[number][leader];
            if (price < best.price || (price == best.price && bid.order < best.order)) tender.winner = msg.sender;
        }
    }

    // ------------------------------------------------------------------ quality scores (the tender's buyer)

    /// @notice Best value award: the tender's buyer publishes the quality score of a revealed bid, once,
    /// during the evaluation period that follows the reveal period. The best weighted score so far
    /// (ties: the earliest commitment) is kept, so the award need not search; an unscored bid cannot win.
    function scoreBid(uint256 number, address bidder, uint8 quality, uint64 ref) external inForce {
        Tender storage tender = _biddingTender(number);
        if (qualityWeightMillionths == 0) revert NotBestValueAward();
        if (msg.sender != tender.buyer) revert NotTenderBuyer(msg.sender);
        uint256 closes = tender.revealsClose + evaluationPeriod;
        if (block.timestamp < tender.revealsClose || block.timestamp >= closes) {
            revert OutsideEvaluation(tender.revealsClose, closes);
        }
        SealedBid storage bid = bids[number][bidder];
        if (!bid.revealed) revert NotRevealed(bidder);
        if (bid.scored) revert AlreadyScored(bidder);
        if (quality > MAX_QUALITY) revert QualityAboveMaximum(quality);
        bid.quality = quality;
        bid.scored = true;
        emit BidScored(ref, number, bidder, quality);
        address leader = tender.winner;
        if (leader == address(0) || _betterValue(number, bid, bids[number][leader])) tender.winner = bidder;
    }

    /// @notice A bid's weighted score in millionths of a point out of 100: price weight × 100 × lowest
    /// price / its price + quality weight × its quality (rounded down; the award compares exactly).
    function valueScore(uint256 number, address bidder) external view returns (uint256) {
        SealedBid storage bid = bids[number][bidder];
        if (!bid.scored) return 0;
        uint256 priceWeight = MILLIONTHS - qualityWeightMillionths;
        return priceWeight * MAX_QUALITY * lowestPrice[number] / bid.price + qualityWeightMillionths * bid.quality;
    }

    // ------------------------------------------------------------------ the award (anyone, once it is due)

    /// @notice After the reveal period (and, under a best value award, the evaluation period): the lowest
    /// revealed bid, or the best scored one, wins (tracked during the reveals or the scoring).
    /// The winner's performance security, when the statute asks for one, is taken from its wallet (approved
    /// beforehand); a winner that cannot lodge it forfeits its bid deposit to the buyer (a payment under
    /// the security article) and the tender closes. Revealed losers get their deposit back; non-revealers
    /// forfeit theirs to the buyer (a payment under the forfeit article) when the statute says so. The
    /// winner's deposit stays until the tender ends; with no revealed bid the tender closes and the
    /// escrow goes back.
    /// @dev Settles at most `SETTLE_PAGE` losing deposits; `settleBids` settles the rest, a page a call.
    function award(uint256 number, uint64 ref) external nonReentrant inForce {
        Tender storage tender = _biddingTender(number);
        if (block.timestamp < tender.revealsClose) revert RevealPeriodNotOver(tender.revealsClose);
        uint256 evaluated = tender.revealsClose + evaluationPeriod;
        if (block.timestamp < evaluated) revert EvaluationNotOver(evaluated);
        address winner = tender.winner;
        tender.phase = Phase.Delivery;
        bool lodged = true;
        if (winner != address(0)) {
            emit TenderAwarded(ref, number, winner, bids[number][winner].price, awardArticle);
            if (securityMillionths > 0) lodged = _lodgeSecurity(number, tender, winner, ref);
        }
        _settlePage(number, tender, ref);
        if (winner == address(0) || !lodged) _close(number, tender, ref);
    }

    /// @notice Settle the next `SETTLE_PAGE` losing deposits of an awarded tender (anyone: the keeper).
    function settleBids(uint256 number, uint64 ref) external nonReentrant {
        Tender storage tender = _tender(number);
        if (tender.phase == Phase.Bidding || tender.settled == tender.bidders.length) revert NothingToSettle(number);
        _settlePage(number, tender, ref);
    }

    // ------------------------------------------------------------------ deliveries

    /// @notice The winner records a delivery of `quantity` units; lateness is counted from now. The
    /// buyer's inspector then confirms or disputes it within the inspection window.
    /// @return delivery The record's id within the tender, from 0.
    function recordDelivery(uint256 number, uint256 quantity, uint64 ref)
        external
        inForce
        returns (uint256 delivery)
    {
        Tender storage tender = _deliveringTender(number, msg.sender);
        _checkQuantity(tender, quantity);
        tender.pending += quantity;
        delivery = _deliveries[number].length;
        _deliveries[number].push(Delivery(quantity, block.timestamp, Judgement.Pending));
        emit DeliveryRecorded(ref, number, delivery, msg.sender, quantity);
    }

    /// @notice The buyer's registered inspector confirms a recorded delivery within the inspection window;
    /// it is paid at the awarded price less the penalty for the days late at its record.
    function confirmDelivery(uint256 number, uint256 delivery, uint64 ref) external nonReentrant inForce {
        (Tender storage tender, Delivery storage record) = _judgeable(number, delivery);
        _payRecord(number, tender, record, ref);
    }

    /// @notice The buyer's registered inspector disputes a recorded delivery within the inspection window:
    /// nothing is paid and its quantity may be recorded again.
    function disputeDelivery(uint256 number, uint256 delivery, uint64 ref) external inForce {
        (Tender storage tender, Delivery storage record) = _judgeable(number, delivery);
        record.judgement = Judgement.Disputed;
        tender.pending -= record.quantity;
        emit DeliveryDisputed(ref, number, delivery, msg.sender);
    }

    /// @notice Anyone, once the inspection window of a recorded delivery has passed with no judgement:
    /// the delivery counts as confirmed and is paid as of its record.
    function acceptDelivery(uint256 number, uint256 delivery, uint64 ref) external nonReentrant inForce {
        Tender storage tender = _tender(number);
        Delivery storage record = _pendingDelivery(number, delivery);
        uint256 closesAt = record.recordedAt + inspectionWindow;
        if (block.timestamp < closesAt) revert InspectionWindowOpen(closesAt);
        _payRecord(number, tender, record, ref);
    }

    /// @notice The buyer's registered inspector records and confirms a delivery by the winner in one step,
    /// lateness counted from now (a supplier who wants its own time counted records the delivery first).
    /// It is paid at once and gets no delivery record number.
    function inspectDelivery(uint256 number, address supplier, uint256 quantity, uint64 ref)
        external
        nonReentrant
        inForce
    {
        Tender storage tender = _deliveringTender(number, supplier);
        if (inspectorOf[msg.sender] != tender.buyer) revert NotRegisteredInspector(msg.sender);
        _checkQuantity(tender, quantity);
        _pay(number, tender, quantity, block.timestamp, ref);
    }

    /// @notice Anyone, once the deadline plus the grace has passed with the tender not fully delivered
    /// and no delivery awaiting judgement: the winner's deposit forfeits to the buyer (a payment under the
    /// delivery article) and the rest of the escrow returns to the buyer.
    function closeUndelivered(uint256 number, uint64 ref) external nonReentrant inForce {
        Tender storage tender = _tender(number);
        if (tender.phase != Phase.Delivery || tender.winner == address(0)) revert NotAwarded();
        uint256 from = tender.deadline + closeGrace;
        if (block.timestamp < from) revert NotCloseableYet(from);
        if (tender.pending > 0) revert DeliveryPending(tender.pending);
        SealedBid storage bid = bids[number][tender.winner];
        uint256 forfeited = bid.deposit;
        bid.deposit = 0;
        uint256 security = performance[number].security;
        performance[number].security = 0;
        emit TenderDefaulted(ref, number, tender.winner, forfeited);
        if (forfeited > 0) {
            emit Payment(ref, tender.winner, tender.buyer, forfeited, deliveryArticle);
            currency.safeTransfer(tender.buyer, forfeited);
        }
        if (security > 0) {
            emit Payment(ref, tender.winner, tender.buyer, security, securityArticle);
            currency.safeTransfer(tender.buyer, security);
        }
        _close(number, tender, ref);
    }

    // ------------------------------------------------------------------ views and the arithmetic

    function commitmentOf(uint256 price, bytes32 salt, address bidder) public pure returns (bytes32) {
        return keccak256(abi.encode(price, salt, bidder));
    }

    /// @notice deposit rate × price × quantity, rounded once half up.
    function requiredDeposit(uint256 price, uint256 quantity) public view returns (uint256) {
        return (price * quantity * depositMillionths + MILLIONTHS / 2) / MILLIONTHS;
    }

    /// @notice The least deposit a sealed bid may carry: that of a bid at one minor unit a unit, and at
    /// least one minor unit when the statute asks for a deposit at all.
    function minimumDeposit(uint256 number) public view returns (uint256) {
        if (depositMillionths == 0) return 0;
        uint256 least = requiredDeposit(1, _tender(number).quantity);
        return least == 0 ? 1 : least;
    }

    /// @notice Days begun after the deadline: none at the deadline itself, one from its first second on.
    function daysLate(uint256 deadline, uint256 at) public pure returns (uint256) {
        return at > deadline ? (at - deadline + 1 days - 1) / 1 days : 0;
    }

    /// @notice The performance security of a contract at `price` a unit for `quantity` units: security
    /// rate × price × quantity, rounded once half up; 0 when the statute asks for none.
    function requiredSecurity(uint256 price, uint256 quantity) public view returns (uint256) {
        return (price * quantity * securityMillionths + MILLIONTHS / 2) / MILLIONTHS;
    }

    /// @notice What lateness takes from a delivery, in millionths of a minor unit (exact): quantity ×
    /// price × min(1, days late × penalty), and at most `capLeft`, what the tender's cap has left.
    function lateDeduction(uint256 price, uint256 quantity, uint256 late, uint256 capLeft)
        public
        view
        returns (uint256)
    {
        uint256 reduction = late * penaltyMillionthsPerDay;
        if (reduction > MILLIONTHS) reduction = MILLIONTHS;
        uint256 deduction = price * quantity * reduction;
        return deduction < capLeft ? deduction : capLeft;
    }

    /// @notice quantity × price less `deduction` (millionths of a minor unit), rounded once half up.
    function deliveryPayment(uint256 price, uint256 quantity, uint256 deduction) public pure returns (uint256) {
        return (price * quantity * MILLIONTHS - deduction + MILLIONTHS / 2) / MILLIONTHS;
    }

    /// @notice What the cap on tender `number`'s late-delivery deductions has left, in millionths of a
    /// minor unit: cap × awarded price × tendered quantity, less what was deducted already.
    function damagesLeft(uint256 number) public view returns (uint256) {
        Tender storage tender = _tender(number);
        if (tender.winner == address(0)) return 0;
        uint256 cap = bids[number][tender.winner].price * tender.quantity * damagesCapMillionths;
        return cap - performance[number].damages;
    }

    /// @notice When anyone may close tender `number` if it is not fully delivered.
    function closeableFrom(uint256 number) external view returns (uint256) {
        return _tender(number).deadline + closeGrace;
    }

    function tenderCount() external view returns (uint256) {
        return tenders.length;
    }

    /// @notice How many losing deposits of an awarded tender `settleBids` has still to settle.
    function unsettledBids(uint256 number) external view returns (uint256) {
        Tender storage tender = _tender(number);
        return tender.phase == Phase.Bidding ? 0 : tender.bidders.length - tender.settled;
    }

    function deliveries(uint256 number, uint256 delivery) external view returns (Delivery memory) {
        if (delivery >= _deliveries[number].length) revert UnknownDelivery(delivery);
        return _deliveries[number][delivery];
    }

    function deliveryCount(uint256 number) external view returns (uint256) {
        return _deliveries[number].length;
    }

    // ------------------------------------------------------------------ internals

    function _tender(uint256 number) private view returns (Tender storage) {
        if (number >= tenders.length) revert UnknownTender(number);
        return tenders[number];
    }

    /// @dev A tender while it takes bids, reveals or its award.
    function _biddingTender(uint256 number) private view returns (Tender storage tender) {
        tender = _tender(number);
        if (tender.phase != Phase.Bidding) revert NoOpenTender();
    }

    /// @dev An awarded tender of `supplier`, its winner, before deadline + grace; a closed one takes no
    /// quantity (`_checkQuantity`).
    function _deliveringTender(uint256 number, address supplier) private view returns (Tender storage tender) {
        tender = _tender(number);
        if (tender.phase == Phase.Bidding || tender.winner == address(0)) revert NotAwarded();
        if (supplier != tender.winner) revert NotAwardedSupplier(supplier);
        uint256 over = tender.deadline + closeGrace;
        if (block.timestamp >= over) revert DeliveryPeriodOver(over);
    }

    function _checkQuantity(Tender storage tender, uint256 quantity) private view {
        if (quantity == 0) revert QuantityNotPositive();
        uint256 taken = tender.delivered + tender.pending;
        if (tender.phase == Phase.Closed) revert BeyondTenderedQuantity(0);
        if (taken + quantity > tender.quantity) revert BeyondTenderedQuantity(tender.quantity - taken);
    }

    function _pendingDelivery(uint256 number, uint256 delivery) private view returns (Delivery storage record) {
        if (delivery >= _deliveries[number].length) revert UnknownDelivery(delivery);
        record = _deliveries[number][delivery];
        if (record.judgement != Judgement.Pending) revert DeliveryAlreadyJudged(delivery);
    }

    /// @dev A pending delivery the caller, the tender buyer's inspector, may still judge.
    function _judgeable(uint256 number, uint256 delivery)
        private
        view
        returns (Tender storage tender, Delivery storage record)
    {
        tender = _tender(number);
        if (inspectorOf[msg.sender] != tender.buyer) revert NotRegisteredInspector(msg.sender);
        record = _pendingDelivery(number, delivery);
        uint256 closesAt = record.recordedAt + inspectionWindow;
        if (block.timestamp >= closesAt) revert InspectionWindowOver(closesAt);
    }

    /// @dev Pay a pending delivery record as of its time, and mark it confirmed.
    function _payRecord(uint256 number, Tender storage tender, Delivery storage record, uint64 ref) private {
        record.judgement = Judgement.Confirmed;
        tender.pending -= record.quantity;
        _pay(number, tender, record.quantity, record.recordedAt, ref);
    }

    /// @dev Pay `quantity` delivered at `at` from the escrow; the last unit closes the tender.
    function _pay(uint256 number, Tender storage tender, uint256 quantity, uint256 at, uint64 ref) private {
        uint256 late = daysLate(tender.deadline, at);
        address supplier = tender.winner;
        uint256 price = bids[number][supplier].price;
        uint256 deduction = late == 0 ? 0 : lateDeduction(price, quantity, late, damagesLeft(number));
        uint256 amount = deliveryPayment(price, quantity, deduction);
        if (deduction > 0) performance[number].damages += deduction;
        tender.delivered += quantity;
        tender.escrow -= amount;
        emit DeliveryConfirmed(ref, number, msg.sender, quantity, late);
        if (amount > 0) {
            emit Payment(ref, tender.buyer, supplier, amount, paymentArticle);
            currency.safeTransfer(supplier, amount);
        }
        if (tender.delivered == tender.quantity) _close(number, tender, ref);
    }

    /// @dev Refund or forfeit the next page of losing deposits, in commitment order.
    function _settlePage(uint256 number, Tender storage tender, uint64 ref) private {
        uint256 count = tender.bidders.length;
        uint256 start = tender.settled;
        uint256 end = start + SETTLE_PAGE < count ? start + SETTLE_PAGE : count;
        tender.settled = end;
        address winner = tender.winner;
        for (uint256 i = start; i < end; ++i) {
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
    }

    /// @dev Whether bid `a` has a better weighted score than `b` (ties: the earlier commitment), compared
    /// exactly: score × price × 100 = price weight × 100 × lowest + quality weight × quality × price.
    function _betterValue(uint256 number, SealedBid storage a, SealedBid storage b) private view returns (bool) {
        uint256 priceTerm = (MILLIONTHS - qualityWeightMillionths) * MAX_QUALITY * lowestPrice[number];
        uint256 left = (priceTerm + qualityWeightMillionths * a.quality * a.price) * b.price;
        uint256 right = (priceTerm + qualityWeightMillionths * b.quality * b.price) * a.price;
        return left > right || (left == right && a.order < b.order);
    }

    /// @dev Take the winner's performance security when its wallet and allowance cover it; else its bid
    /// deposit forfeits to the buyer under the security article. Whether the security was lodged.
    function _lodgeSecurity(uint256 number, Tender storage tender, address winner, uint64 ref)
        private
        returns (bool)
    {
        uint256 security = requiredSecurity(bids[number][winner].price, tender.quantity);
        if (currency.balanceOf(winner) >= security && currency.allowance(winner, address(this)) >= security) {
            performance[number].security = security;
            emit SecurityLodged(ref, number, winner, security);
            currency.safeTransferFrom(winner, address(this), security);
            return true;
        }
        SealedBid storage bid = bids[number][winner];
        uint256 forfeited = bid.deposit;
        bid.deposit = 0;
        emit SecurityNotLodged(ref, number, winner, security);
        if (forfeited > 0) {
            emit Payment(ref, winner, tender.buyer, forfeited, securityArticle);
            currency.safeTransfer(tender.buyer, forfeited);
        }
        return false;
    }

    /// @dev Give back what the tender still holds: the winner's deposit and security, and the unspent escrow.
    function _close(uint256 number, Tender storage tender, uint64 ref) private {
        tender.phase = Phase.Closed;
        address winner = tender.winner;
        uint256 deposit = winner == address(0) ? 0 : bids[number][winner].deposit;
        if (winner != address(0)) bids[number][winner].deposit = 0;
        uint256 held = deposit + performance[number].security;
        performance[number].security = 0;
        uint256 escrow = tender.escrow;
        tender.escrow = 0;
        emit TenderClosed(ref, number);
        if (held > 0) {
            emit Refund(ref, winner, held);
            currency.safeTransfer(winner, held);
        }
        if (escrow > 0) {
            emit Refund(ref, tender.buyer, escrow);
            currency.safeTransfer(tender.buyer, escrow);
        }
    }
}
