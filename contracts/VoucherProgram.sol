// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StatuteBase} from "./StatuteBase.sol";

/// @title Voucher program: the hand-written half of every compiled `governs vouchers` statute.
/// @notice An issuing agency deposits digital currency into this program, issues vouchers to attested
/// citizens, and merchants registered in an eligible category are paid what a voucher covers of a purchase.
/// After the validity period, unspent value returns to the issuer. A statute may issue each recipient's
/// face value in instalments: one voucher per instalment, each spendable only from its date. docs/semantics.md
/// "Vouchers", docs/semantics.md and the reference interpreter (`lawdsl/interpret/vouchers.py`) define the
/// semantics; this contract reproduces them check for check, in the same order, so that chain and
/// interpreter outcomes are equal.
/// @dev A generated contract inherits this one and passes the statute's constants in `Rules`; it also
/// says which merchant categories are eligible. The authority named at deployment registers (and
/// re-registers) merchants, authorizes attesters and appoints the issuer; it or a guardian de-lists
/// merchants at once. The issuer is named at deployment or appointed by the authority, never taken by
/// a deposit. Every state-changing call takes `ref`, the oracle record's id
/// (the scenario event index), and every event echoes it.
abstract contract VoucherProgram is StatuteBase {
    using SafeERC20 for IERC20;

    /// @notice Held by agencies whose attestations of citizens' attributes the program accepts.
    bytes32 public constant ATTESTER_ROLE = keccak256("ATTESTER_ROLE");
    /// @notice The most vouchers one `issue` call makes (its loop bound): as many recipients when each gets
    /// one voucher, `MAX_ISSUE_BATCH / instalmentCount` when each gets one per instalment.
    uint256 public constant MAX_ISSUE_BATCH = 200;
    /// @notice The most instalments a voucher may come in (a year of monthly parts): it bounds what one
    /// recipient adds to storage at an issue, and the issue loop.
    uint256 public constant MAX_INSTALMENTS = 12;

    /// @notice The statute's constants, as the compiler read them from its articles.
    struct Rules {
        uint256 effectiveFrom; // unix time: the effective date, 00:00 in the statute's time zone
        uint256 faceValue; // minor units of the currency
        uint256 instalmentCount; // vouchers per recipient: 1, or the instalments sentence's parts (`instalment`)
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

    /// @dev One storage slot, so that a spend reads and writes a single slot for its voucher.
    struct Voucher {
        address holder;
        uint64 remaining; // minor units still reserved for this voucher in the program
        uint32 nextHeld; // serial + 1 of the holder's next voucher in issue order; 0 ends the list
    }

    /// @dev One storage slot per citizen: issuing reads and writes it once, a spend reads it once.
    struct Citizen {
        bool issued; // the program issues a citizen at most one voucher
        uint32 firstHeld; // serial + 1 of the citizen's earliest-issued voucher with value left; 0: none
    }

    uint256 public immutable faceValue;
    /// @notice How many vouchers each recipient is issued: one per instalment. Serial `s` is instalment
    /// `s % instalmentCount` of its recipient's (every issue makes this many consecutive serials), so
    /// `instalment(s % instalmentCount)` says from when it may be spent.
    uint256 public immutable instalmentCount;
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

    // Two storage slots: `issuer` and `reserved`, all that a spend touches; then `unreserved`,
    // `voucherCount` and `reclaimedBelow`, which an issue, a deposit and a reclaim update with the first.

    /// @notice The agency that funds the program and issues its vouchers: named at deployment or
    /// appointed by the authority; zero until then.
    address public issuer;
    /// @notice The part of the program's money that issued vouchers still hold.
    uint96 public reserved;
    /// @notice The rest of the issuer's deposit, which no voucher holds.
    /// @dev Kept instead of the whole deposit so that a spend, which leaves it unchanged, does not write it.
    uint96 public unreserved;
    /// @notice Vouchers issued so far; serials run from 0 in issue order.
    uint32 public voucherCount;
    /// @notice Vouchers with a serial below this were emptied by a reclaim.
    uint32 public reclaimedBelow;

    mapping(address citizen => mapping(bytes32 attribute => bool)) public attested;
    mapping(address merchant => bool) public eligibleMerchant;
    mapping(uint256 serial => Voucher) private _vouchers;
    /// @dev Each citizen's vouchers form a list in issue order, linked through `Voucher.nextHeld`: a spend
    /// or transfer takes the first with value left, as docs/semantics.md takes the earliest-issued voucher. A transferred
    /// voucher leaves the list at once; emptied ones (spent out, or reclaimed: `reclaimedBelow`) when a
    /// later spend or transfer passes them, so that spending a voucher out does not write its holder's slot.
    mapping(address citizen => Citizen) private _citizens;

    /// @notice A transfer under an article of the statute (not a deposit or a refund), during event `ref`;
    /// a spend logs `VoucherSpent` instead.
    event Payment(uint64 ref, address indexed payer, address indexed payee, uint256 amount, bytes32 indexed article);
    /// @notice Deposited money given back, outside any article.
    event Refund(uint64 ref, address indexed to, uint256 amount);
    event Deposited(uint64 ref, address indexed issuer, uint256 amount);
    event AttesterAuthorized(address indexed attester);
    event Attested(uint64 ref, address indexed attester, address indexed citizen, bytes32 indexed attribute);
    event MerchantRegistered(uint64 ref, address indexed merchant, bytes32 indexed category, bool eligible);
    event MerchantDelisted(uint64 ref, address indexed merchant);
    event IssuerAppointed(uint64 ref, address indexed previous, address indexed issuer);
    event VoucherIssued(uint64 ref, uint256 indexed serial, address indexed holder, uint256 faceValue, bytes32 indexed article);
    /// @notice One recipient of an `issue` call was refused; the call went on for the others.
    event IssueRefused(uint64 ref, address indexed recipient, IssueRefusal reason, bytes32 indexed article);
    /// @notice Voucher `serial` paid `discount` of a purchase of `purchase` at `merchant`: a payment of the
    /// issuer's money to the merchant under `article`, the `where` rule's. The spend's one log, payment included.
    event VoucherSpent(
        uint64 ref,
        uint256 indexed serial,
        address indexed merchant,
        address issuer,
        uint256 purchase,
        uint256 discount,
        bytes32 indexed article
    );
    event VoucherTransferred(uint64 ref, uint256 indexed serial, address indexed from, address indexed to);

    error DepositNotPositive();
    error NotIssuer(address issuer);
    error ZeroAddressIssuer();
    error NotRegisteredMerchant(address merchant);
    error TooManyRecipients(uint256 count, uint256 max);
    error IssuerWalletShort(uint256 needed, uint256 balance);
    error OutsideValidityPeriod(uint256 opens, uint256 closes);
    error MerchantNotEligible(address merchant);
    error BelowMinimumPurchase(uint256 purchase, uint256 minimum);
    error NoVoucherWithValue(address holder);
    /// @notice The holder's next voucher is an instalment that may be spent only from `opens`.
    error InstalmentNotYetDue(uint256 serial, uint256 opens);
    /// @notice The statute names no instalment `index`.
    error NoSuchInstalment(uint256 index);
    /// @notice The instalments are not 1 to `MAX_INSTALMENTS` parts in date order adding up to the face value,
    /// or several parts are transferable (a transfer would put a later part ahead of an earlier one in the
    /// receiver's spending order); deployment is refused.
    error InvalidInstalments(uint256 count);
    error AboveMaximumShare(uint256 faceValue, uint256 purchase);
    error NothingCovered(uint256 purchase);
    error NotTransferable();
    error SelfTransfer();
    error NoExpiryRule();
    error ValidityPeriodNotEnded(uint256 reclaimFrom);
    /// @notice The issue rule's face value does not fit a voucher's 64-bit value (deployment is refused).
    error FaceValueTooLarge(uint256 faceValue);
    /// @notice Spending must close by the time the expiry rule reclaims (deployment is refused otherwise).
    error SpendingOutlastsExpiry(uint256 spendingCloses, uint256 reclaimFrom);

    /// @param issuer_ The issuing agency, or zero to leave its appointment to the authority.
    constructor(IERC20 currency_, address authority, address issuer_, Rules memory rules)
        StatuteBase(currency_, authority, rules.effectiveFrom)
    {
        issuer = issuer_;
        if (rules.faceValue > type(uint64).max) revert FaceValueTooLarge(rules.faceValue);
        // A spend never meets a reclaimed voucher, so it does not read `reclaimedBelow`.
        if (rules.hasExpiry && rules.spendingCloses > rules.reclaimFrom) {
            revert SpendingOutlastsExpiry(rules.spendingCloses, rules.reclaimFrom);
        }
        faceValue = rules.faceValue;
        instalmentCount = rules.instalmentCount;
        _checkInstalments(rules.instalmentCount, rules.faceValue, rules.transferable);
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

    /// @notice Instalment `index` (from 0) of each recipient's face value: its amount in minor units and the
    /// unix time from which it may be spent. Without instalments, the one part is the face value, from 0.
    /// @dev A statute with an instalments sentence overrides this with its parts.
    function instalment(uint256 index) public view virtual returns (uint256 amount, uint256 opens) {
        if (index != 0) revert NoSuchInstalment(index);
        return (faceValue, 0);
    }

    // ------------------------------------------------------------------ registrations (the authority)

    /// @notice The authority records a merchant's category; eligibility is decided here, at each
    /// registration (a de-listed merchant may be registered again).
    function registerMerchant(address merchant, bytes32 category, uint64 ref)
        external
        inForce
        onlyRole(AUTHORITY_ROLE)
    {
        bool eligible = isEligibleCategory(category);
        if (eligible) eligibleMerchant[merchant] = true;
        emit MerchantRegistered(ref, merchant, category, eligible);
    }

    /// @notice The authority or a guardian de-lists a merchant at once: vouchers can no longer pay it.
    function delistMerchant(address merchant, uint64 ref) external inForce onlyRevoker {
        if (!eligibleMerchant[merchant]) revert NotRegisteredMerchant(merchant);
        eligibleMerchant[merchant] = false;
        emit MerchantDelisted(ref, merchant);
    }

    /// @notice The authority names the issuing agency (or replaces it, as when its key is rotated): the
    /// program's funds stay in the program, and spends and reclaims are booked to the new issuer.
    function appointIssuer(address issuer_, uint64 ref) external inForce onlyRole(AUTHORITY_ROLE) {
        if (issuer_ == address(0)) revert ZeroAddressIssuer();
        emit IssuerAppointed(ref, issuer, issuer_);
        issuer = issuer_;
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
        unreserved += SafeCast.toUint96(amount);
        emit Deposited(ref, msg.sender, amount);
        currency.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Issue the face value to each recipient: one voucher, or one per instalment in date order.
    /// A refused recipient is logged with `IssueRefused` and the call goes on: one bad name must not block a
    /// whole distribution.
    /// @dev At most `MAX_ISSUE_BATCH / instalmentCount` recipients a call (the loop's bound); send a longer
    /// list in pages.
    function issue(address[] calldata recipients, uint64 ref) external inForce {
        _checkIssuer();
        uint256 limit = MAX_ISSUE_BATCH / instalmentCount;
        if (recipients.length > limit) revert TooManyRecipients(recipients.length, limit);
        for (uint256 i = 0; i < recipients.length; ++i) {
            address recipient = recipients[i];
            Citizen storage citizen = _citizens[recipient];
            if (requiredAttribute != bytes32(0) && !attested[recipient][requiredAttribute]) {
                emit IssueRefused(ref, recipient, IssueRefusal.LacksAttribute, issueArticle);
            } else if (citizen.issued) {
                emit IssueRefused(ref, recipient, IssueRefusal.AlreadyIssued, issueArticle);
            } else if (unreserved < faceValue) {
                emit IssueRefused(ref, recipient, IssueRefusal.BeyondFunds, issueArticle);
            } else {
                citizen.issued = true;
                unreserved -= uint96(faceValue); // the face value fits 64 bits (see the constructor)
                reserved += uint96(faceValue);
                _issueInstalments(recipient, citizen, ref);
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
        Citizen storage holder = _citizens[msg.sender];
        uint256 first = holder.firstHeld;
        // Spending closes before a reclaim may run (see the constructor): no reclaimed voucher to skip.
        uint256 link = _withValueFrom(first, 0);
        if (link == 0) revert NoVoucherWithValue(msg.sender);
        if (link != first) holder.firstHeld = uint32(link); // the spent-out vouchers before it leave the list
        uint256 serial = link - 1;
        if (instalmentCount > 1) {
            (, uint256 opens) = instalment(serial % instalmentCount);
            if (block.timestamp < opens) revert InstalmentNotYetDue(serial, opens);
        }
        Voucher storage voucher = _vouchers[serial];
        uint256 value = voucher.remaining;
        uint256 discount = _discount(value, purchase); // at most `value`

        voucher.remaining = uint64(value - discount);
        reserved -= uint96(discount); // part of the voucher's value, which `reserved` holds
        emit VoucherSpent(ref, serial, merchant, issuer, purchase, discount, whereArticle);
        currency.safeTransfer(merchant, discount);
    }

    /// @notice The holder gives its earliest-issued voucher with value left to another citizen.
    function transferVoucher(address to, uint64 ref) external inForce {
        if (!transferable) revert NotTransferable();
        if (to == msg.sender) revert SelfTransfer();
        Citizen storage holder = _citizens[msg.sender];
        uint256 link = _withValueFrom(holder.firstHeld, reclaimedBelow);
        if (link == 0) revert NoVoucherWithValue(msg.sender);
        uint256 serial = link - 1;
        Voucher storage voucher = _vouchers[serial];
        holder.firstHeld = voucher.nextHeld; // the emptied vouchers before it leave the list with it
        voucher.holder = to;
        _insertHeld(_citizens[to], serial);
        emit VoucherTransferred(ref, serial, msg.sender, to);
    }

    // ------------------------------------------------------------------ expiry (anyone, once it is due)

    /// @notice After the expiry range, every unspent voucher value returns to the issuer (a payment under
    /// the expiry article) and the unreserved rest of the deposit is refunded. A second reclaim finds nothing.
    function reclaim(uint64 ref) external nonReentrant inForce {
        if (!hasExpiry) revert NoExpiryRule();
        if (block.timestamp < reclaimFrom) revert ValidityPeriodNotEnded(reclaimFrom);
        address payee = issuer;
        if (payee == address(0)) return; // no issuer, so nothing was ever deposited or issued
        uint256 unspent = reserved;
        uint256 rest = unreserved;
        reserved = 0;
        unreserved = 0;
        reclaimedBelow = voucherCount;
        if (unspent > 0) emit Payment(ref, payee, payee, unspent, expiryArticle);
        if (rest > 0) emit Refund(ref, payee, rest);
        if (unspent + rest > 0) currency.safeTransfer(payee, unspent + rest);
    }

    // ------------------------------------------------------------------ views

    /// @notice Everything the issuer deposited and the program has not yet paid out or refunded.
    function funds() external view returns (uint256) {
        return uint256(reserved) + unreserved;
    }

    /// @notice Whether the program has issued `citizen` its voucher.
    function issued(address citizen) external view returns (bool) {
        return _citizens[citizen].issued;
    }

    /// @notice Who holds a voucher now; the zero address for a serial not issued.
    function holderOf(uint256 serial) external view returns (address) {
        return _vouchers[serial].holder;
    }

    /// @notice What a voucher can still pay; zero once spent out or reclaimed.
    function remainingValue(uint256 serial) public view returns (uint256) {
        return serial < reclaimedBelow ? 0 : _vouchers[serial].remaining;
    }

    /// @notice A holder's vouchers with value left, in issue order: the first is the one a spend uses.
    function vouchersHeldBy(address holder) external view returns (uint256[] memory serials) {
        uint256 first = _citizens[holder].firstHeld;
        uint256 count = 0;
        for (uint256 link = first; link != 0; link = _vouchers[link - 1].nextHeld) {
            if (remainingValue(link - 1) > 0) ++count;
        }
        serials = new uint256[](count);
        uint256 i = 0;
        for (uint256 link = first; link != 0; link = _vouchers[link - 1].nextHeld) {
            if (remainingValue(link - 1) > 0) serials[i++] = link - 1;
        }
    }

    // ------------------------------------------------------------------ internals

    /// @dev One voucher per instalment, on consecutive serials, each taking its place last in the list.
    function _issueInstalments(address recipient, Citizen storage citizen, uint64 ref) private {
        for (uint256 i = 0; i < instalmentCount; ++i) {
            (uint256 amount,) = instalment(i);
            uint256 serial = voucherCount;
            voucherCount = SafeCast.toUint32(serial + 1);
            // An instalment is part of the face value, which fits 64 bits (see the constructor).
            _vouchers[serial] = Voucher({holder: recipient, remaining: uint64(amount), nextHeld: 0});
            _insertHeld(citizen, serial); // the newest serial: it goes last
            emit VoucherIssued(ref, serial, recipient, amount, issueArticle);
        }
    }

    /// @dev The deployment's instalments: 1 to `MAX_INSTALMENTS` positive parts, in date order, adding up
    /// to the face value, so that an issue reserves exactly what its vouchers hold; never transferable
    /// when there are several, so that each holder's list stays in date order.
    function _checkInstalments(uint256 count, uint256 face, bool transferable_) private view {
        if (count == 0 || count > MAX_INSTALMENTS || (count > 1 && transferable_)) {
            revert InvalidInstalments(count);
        }
        uint256 total = 0;
        uint256 previous = 0;
        for (uint256 i = 0; i < count; ++i) {
            (uint256 amount, uint256 opens) = instalment(i);
            if (amount == 0 || (i > 0 && opens <= previous)) revert InvalidInstalments(count);
            total += amount;
            previous = opens;
        }
        if (total != face) revert InvalidInstalments(count);
    }

    function _checkIssuer() private view {
        if (msg.sender != issuer) revert NotIssuer(issuer);
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

    /// @dev The first voucher with value left in a holder's list from `link` on, as serial + 1 (0: none):
    /// it passes spent-out vouchers and those with a serial below `reclaimed`.
    function _withValueFrom(uint256 link, uint256 reclaimed) private view returns (uint256) {
        while (link != 0 && (link - 1 < reclaimed || _vouchers[link - 1].remaining == 0)) {
            link = _vouchers[link - 1].nextHeld;
        }
        return link;
    }

    /// @dev A voucher takes its place in issue order among the citizen's vouchers: a transferred one may
    /// go anywhere, an issued one (the newest serial) goes last.
    function _insertHeld(Citizen storage citizen, uint256 serial) private {
        uint32 link = uint32(serial + 1); // serials are below `voucherCount`, a uint32
        uint32 next = citizen.firstHeld;
        if (next == 0 || next > link) {
            _vouchers[serial].nextHeld = next;
            citizen.firstHeld = link;
            return;
        }
        Voucher storage previous = _vouchers[next - 1];
        while (previous.nextHeld != 0 && previous.nextHeld < link) previous = _vouchers[previous.nextHeld - 1];
        _vouchers[serial].nextHeld = previous.nextHeld;
        previous.nextHeld = link;
    }
}
