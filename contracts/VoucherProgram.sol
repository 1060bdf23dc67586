// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StatuteBase} from "./StatuteBase.sol";

/// @title Voucher program: the hand-written half of every compiled `governs vouchers` statute.
/// @notice An issuing agency deposits digital currency into this program, issues vouchers to attested
/// citizens, and merchants registered in an eligible category are paid what a voucher covers of a purchase.
/// After the validity period, unspent value returns to the issuer. SPEC §4 "Vouchers" and the reference
/// interpreter (`lawdsl/interpret/vouchers.py`) define the semantics; this contract reproduces them check
/// for check, in the same order, so that chain and interpreter outcomes are equal.
/// @dev A generated contract inherits this one and passes the statute's constants in `Rules`; it also
/// says which merchant categories are eligible. The authority named at deployment registers
/// merchants and authorizes attesters. Every state-changing call takes `ref`, the oracle record's id
/// (the scenario event index), and every event echoes it.
abstract contract VoucherProgram is StatuteBase {
    using SafeERC20 for IERC20;

    /// @notice Held by agencies whose attestations of citizens' attributes the program accepts.
    bytes32 public constant ATTESTER_ROLE = keccak256("ATTESTER_ROLE");


    /// @notice The statute's constants, as the compiler read them from its articles.
    struct Rules {
        uint256 effectiveFrom; // unix time: the effective date, 00:00 in the statute's time zone
        uint256 faceValue; // minor units of the currency
        bytes32 requiredAttribute; // keccak256 of the attribute text, or 0 when the issue rule names none
        uint256 minimumPurchase; // minor units; 0 when the statute has no minimum
        uint256 maximumShareMillionths; // MILLIONTHS when the statute has no share rule
        bool splittable;
        bool transferable;
        uint256 spendingOpens; // unix time, inclusive
        uint256 spendingCloses; // unix time, exclusive: the earlier of the when range's and expiry range's end
        bool hasExpiry;
        uint256 reclaimFrom; // unix time: the end of the expiry range
        bytes32 issueArticle; // article ids, left-aligned text ("2")
        bytes32 whereArticle;
        bytes32 expiryArticle;
    }

    /// @notice Why one recipient of an `issue` call was refused; the others are issued all the same.
    enum IssueRefusal {
        LacksAttribute,
        AlreadyIssued,
        BeyondFunds
    }

    struct Voucher {
        address holder;
        uint256 remaining; // minor units still reserved for this voucher in the program
    }

    uint256 public immutable faceValue;
    bytes32 public immutable requiredAttribute;
    uint256 public immutable minimumPurchase;
    uint256 public immutable maximumShareMillionths;
    bool public immutable splittable;
    bool public immutable transferable;
    uint256 public immutable spendingOpens;
    uint256 public immutable spendingCloses;
    bool public immutable hasExpiry;
    uint256 public immutable reclaimFrom;
    bytes32 public immutable issueArticle;
    bytes32 public immutable whereArticle;
    bytes32 public immutable expiryArticle;

    /// @notice The agency that funds the program and issues its vouchers: the first to deposit or issue.
    address public issuer;
    /// @notice Everything the issuer deposited and the program has not yet paid out or refunded.
    /// @dev `funds` and `reserved` share one storage slot: a spend updates both.
    uint128 public funds;
    /// @notice The part of `funds` that issued vouchers still hold.
    uint128 public reserved;
    /// @notice Vouchers in issue order; a voucher's index is its serial.
    Voucher[] public vouchers;
    /// @notice Vouchers with a serial below this were emptied by a reclaim.
    uint256 public reclaimedBelow;

    mapping(address citizen => mapping(bytes32 attribute => bool)) public attested;
    mapping(address citizen => bool) public issued;
    mapping(address merchant => bool) public eligibleMerchant;
    /// @dev Each holder's voucher serials, ascending, so the first with value left is the earliest issued.
    mapping(address holder => uint256[]) private _held;

    /// @notice A transfer under an article of the statute (not a deposit or a refund), during event `ref`.
    event Payment(uint64 ref, address indexed payer, address indexed payee, uint256 amount, bytes32 indexed article);
    /// @notice Deposited money given back, outside any article.
    event Refund(uint64 ref, address indexed to, uint256 amount);
    event Deposited(uint64 ref, address indexed issuer, uint256 amount);
    event AttesterAuthorized(address indexed attester);
    event Attested(uint64 ref, address indexed attester, address indexed citizen, bytes32 indexed attribute);
    event MerchantRegistered(uint64 ref, address indexed merchant, bytes32 indexed category, bool eligible);
    event VoucherIssued(uint64 ref, uint256 indexed serial, address indexed holder, uint256 faceValue, bytes32 indexed article);
    /// @notice One recipient of an `issue` call was refused; the call went on for the others.
    event IssueRefused(uint64 ref, address indexed recipient, IssueRefusal reason, bytes32 indexed article);
    event VoucherSpent(uint64 ref, uint256 indexed serial, address indexed merchant, uint256 purchase, uint256 discount);
    event VoucherTransferred(uint64 ref, uint256 indexed serial, address indexed from, address indexed to);

    error DepositNotPositive();
    error NotIssuer(address issuer);
    error IssuerWalletShort(uint256 needed, uint256 balance);
    error OutsideValidityPeriod(uint256 opens, uint256 closes);
    error MerchantNotEligible(address merchant);
    error BelowMinimumPurchase(uint256 purchase, uint256 minimum);
    error NoVoucherWithValue(address holder);
    error AboveMaximumShare(uint256 faceValue, uint256 purchase);
    error NothingCovered(uint256 purchase);
    error NotTransferable();
    error SelfTransfer();
    error NoExpiryRule();
    error ValidityPeriodNotEnded(uint256 reclaimFrom);

    constructor(IERC20 currency_, address authority, Rules memory rules)
        StatuteBase(currency_, authority, rules.effectiveFrom)
    {
        faceValue = rules.faceValue;
        requiredAttribute = rules.requiredAttribute;
        minimumPurchase = rules.minimumPurchase;
        maximumShareMillionths = rules.maximumShareMillionths;
        splittable = rules.splittable;
        transferable = rules.transferable;
        spendingOpens = rules.spendingOpens;
        spendingCloses = rules.spendingCloses;
        hasExpiry = rules.hasExpiry;
        reclaimFrom = rules.reclaimFrom;
        issueArticle = rules.issueArticle;
        whereArticle = rules.whereArticle;
        expiryArticle = rules.expiryArticle;
    }

    /// @notice Whether a merchant registered in `category` may redeem vouchers (the `where` rule).
    function isEligibleCategory(bytes32 category) public view virtual returns (bool);

    // ------------------------------------------------------------------ registrations (the authority)

    /// @notice The authority records a merchant's category; eligibility is decided here, once.
    function registerMerchant(address merchant, bytes32 category, uint64 ref)
        external
        inForce
        onlyRole(AUTHORITY_ROLE)
    {
        bool eligible = isEligibleCategory(category);
        if (eligible) eligibleMerchant[merchant] = true;
        emit MerchantRegistered(ref, merchant, category, eligible);
    }

    /// @notice The authority accepts an agency's attestations of citizens' attributes.
    function authorizeAttester(address attester) external onlyRole(AUTHORITY_ROLE) {
        _grantRole(ATTESTER_ROLE, attester);
        emit AttesterAuthorized(attester);
    }

    /// @notice An attesting agency records that a citizen holds an attribute.
    function attest(address citizen, bytes32 attribute, uint64 ref) external inForce onlyRole(ATTESTER_ROLE) {
        attested[citizen][attribute] = true;
        emit Attested(ref, msg.sender, citizen, attribute);
    }

    // ------------------------------------------------------------------ funding and issuing (the issuer)

    /// @notice The issuer funds the program; it must have approved `amount` of the currency first.
    function deposit(uint256 amount, uint64 ref) external nonReentrant inForce {
        if (amount == 0) revert DepositNotPositive();
        _checkIssuer();
        uint256 balance = currency.balanceOf(msg.sender);
        if (balance < amount) revert IssuerWalletShort(amount, balance);
        issuer = msg.sender;
        funds += SafeCast.toUint128(amount);
        emit Deposited(ref, msg.sender, amount);
        currency.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Issue one voucher of the face value to each recipient. A refused recipient is logged with
    /// `IssueRefused` and the call goes on: one bad name must not block a whole distribution.
    function issue(address[] calldata recipients, uint64 ref) external inForce {
        _checkIssuer();
        for (uint256 i = 0; i < recipients.length; ++i) {
            address recipient = recipients[i];
            if (requiredAttribute != bytes32(0) && !attested[recipient][requiredAttribute]) {
                emit IssueRefused(ref, recipient, IssueRefusal.LacksAttribute, issueArticle);
            } else if (issued[recipient]) {
                emit IssueRefused(ref, recipient, IssueRefusal.AlreadyIssued, issueArticle);
            } else if (funds - reserved < faceValue) {
                emit IssueRefused(ref, recipient, IssueRefusal.BeyondFunds, issueArticle);
            } else {
                issuer = msg.sender;
                issued[recipient] = true;
                reserved += uint128(faceValue); // at most `funds`, a uint128
                uint256 serial = vouchers.length;
                vouchers.push(Voucher(recipient, faceValue));
                _held[recipient].push(serial); // the newest serial: the list stays ascending
                emit VoucherIssued(ref, serial, recipient, faceValue, issueArticle);
            }
        }
    }

    // ------------------------------------------------------------------ spending (the holder)

    /// @notice The holder pays part of a purchase at a merchant with its earliest-issued voucher; the
    /// merchant is paid the discount from the program under the article of the `where` rule.
    function spend(address merchant, uint256 purchase, uint64 ref) external nonReentrant inForce {
        if (block.timestamp < spendingOpens || block.timestamp >= spendingCloses) {
            revert OutsideValidityPeriod(spendingOpens, spendingCloses);
        }
        if (!eligibleMerchant[merchant]) revert MerchantNotEligible(merchant);
        if (purchase < minimumPurchase) revert BelowMinimumPurchase(purchase, minimumPurchase);
        (bool found, uint256 serial) = _earliestWithValue(msg.sender);
        if (!found) revert NoVoucherWithValue(msg.sender);
        uint256 discount = _discount(vouchers[serial].remaining, purchase);

        vouchers[serial].remaining -= discount;
        reserved -= uint128(discount); // at most the voucher's remaining value, part of `reserved`
        funds -= uint128(discount);
        emit VoucherSpent(ref, serial, merchant, purchase, discount);
        emit Payment(ref, issuer, merchant, discount, whereArticle);
        currency.safeTransfer(merchant, discount);
    }

    /// @notice The holder gives its earliest-issued voucher with value left to another citizen.
    function transferVoucher(address to, uint64 ref) external inForce {
        if (!transferable) revert NotTransferable();
        if (to == msg.sender) revert SelfTransfer();
        (bool found, uint256 serial) = _earliestWithValue(msg.sender);
        if (!found) revert NoVoucherWithValue(msg.sender);
        _removeHeld(msg.sender, serial);
        _insertHeld(to, serial);
        vouchers[serial].holder = to;
        emit VoucherTransferred(ref, serial, msg.sender, to);
    }

    // ------------------------------------------------------------------ expiry (anyone, once it is due)

    /// @notice After the expiry range, every unspent voucher value returns to the issuer (a payment under
    /// the expiry article) and the unreserved rest of the deposit is refunded. A second reclaim finds nothing.
    function reclaim(uint64 ref) external nonReentrant inForce {
        if (!hasExpiry) revert NoExpiryRule();
        if (block.timestamp < reclaimFrom) revert ValidityPeriodNotEnded(reclaimFrom);
        address payee = issuer;
        if (payee == address(0)) return; // nothing was ever deposited or issued
        uint256 unspent = reserved;
        uint256 rest = funds - unspent;
        reserved = 0;
        funds = 0;
        reclaimedBelow = vouchers.length;
        if (unspent > 0) emit Payment(ref, payee, payee, unspent, expiryArticle);
        if (rest > 0) emit Refund(ref, payee, rest);
        if (unspent + rest > 0) currency.safeTransfer(payee, unspent + rest);
    }

    // ------------------------------------------------------------------ views

    /// @notice What a voucher can still pay; zero once spent out or reclaimed.
    function remainingValue(uint256 serial) public view returns (uint256) {
        return serial < reclaimedBelow ? 0 : vouchers[serial].remaining;
    }

    /// @notice A holder's voucher serials in issue order.
    function vouchersHeldBy(address holder) external view returns (uint256[] memory) {
        return _held[holder];
    }

    function voucherCount() external view returns (uint256) {
        return vouchers.length;
    }

    // ------------------------------------------------------------------ internals

    function _checkIssuer() private view {
        if (issuer != address(0) && issuer != msg.sender) revert NotIssuer(issuer);
    }

    /// @dev Whole vouchers pay their face value only if it fits in the share of the purchase (compared
    /// exactly, unrounded); split vouchers pay the lesser of their value and the share, rounded once half up.
    function _discount(uint256 remaining, uint256 purchase) private view returns (uint256) {
        uint256 coveredMillionths = purchase * maximumShareMillionths;
        if (!splittable) {
            if (remaining * MILLIONTHS > coveredMillionths) revert AboveMaximumShare(remaining, purchase);
            return remaining;
        }
        uint256 covered = (coveredMillionths + MILLIONTHS / 2) / MILLIONTHS;
        uint256 discount = remaining < covered ? remaining : covered;
        if (discount == 0) revert NothingCovered(purchase);
        return discount;
    }

    function _earliestWithValue(address holder) private view returns (bool found, uint256 serial) {
        uint256[] storage held = _held[holder];
        for (uint256 i = 0; i < held.length; ++i) {
            if (remainingValue(held[i]) > 0) return (true, held[i]);
        }
        return (false, 0);
    }

    function _removeHeld(address holder, uint256 serial) private {
        uint256[] storage held = _held[holder];
        uint256 i = 0;
        while (held[i] != serial) ++i;
        for (; i + 1 < held.length; ++i) held[i] = held[i + 1];
        held.pop();
    }

    /// @dev A transferred voucher keeps its place in the issue order among the recipient's vouchers.
    function _insertHeld(address holder, uint256 serial) private {
        uint256[] storage held = _held[holder];
        held.push(serial);
        uint256 i = held.length - 1;
        for (; i > 0 && held[i - 1] > serial; --i) held[i] = held[i - 1];
        held[i] = serial;
    }
}
