// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {DigitalCurrency} from "../DigitalCurrency.sol";
import {VoucherProgram} from "../VoucherProgram.sol";
import {ContractTest, VM, account, bound} from "./lib/Cheats.sol";
import {VoucherCalls} from "./lib/VoucherCalls.sol";

/// @title The parties of the Household Consumption Voucher Program (statutes/vouchers.law), acting at random
/// @notice The issuer (named at deployment) funds and issues, the attester attests, citizens spend at
/// merchants, the authority de-lists and re-registers the grocer, anyone reclaims after expiry, an
/// outsider tries what it has no right to (among it: to become the issuer). A model of the statute (face
/// CNY 200.00 to attested low-income households, one each; at registered grocery merchants, purchases
/// of at least CNY 100.00, at most half of a purchase, rounded half up, split across purchases; in
/// March 2026; unspent value back to the issuer from April) predicts every call and every wallet.
contract VoucherHandler {
    using VoucherCalls for VoucherProgram;

    uint256 public constant CITIZENS = 4; // the last is not attested at first
    uint256 public constant MERCHANTS = 2; // the first is a grocery (eligible), the second is not
    uint256 public constant WALLET = 10_000_000;
    uint256 public constant FACE = 20_000;
    uint256 public constant MINIMUM = 10_000;
    uint256 public constant OPENS = 20_513 days - 8 hours; // 2026-03-01 00:00 +08:00
    uint256 public constant CLOSES = 20_544 days - 8 hours; // 2026-04-01 00:00 +08:00: spending closes, reclaim opens
    bytes32 public constant ATTRIBUTE = keccak256("low income household");

    VoucherProgram public immutable program;
    DigitalCurrency public immutable currency;
    address public immutable authority;
    address public immutable attester;
    address public immutable issuer;
    address public immutable outsider;

    address[] public citizens;
    address[] public merchants;
    address[] public parties; // everyone holding money: issuer, merchants, citizens, outsider

    // The model.
    mapping(address party => uint256) public walletModel;
    mapping(address citizen => bool) private attestedModel;
    mapping(address citizen => bool) private issuedModel;
    mapping(address citizen => uint256) private serialOf; // serial + 1 (0: none)
    bool private grocerListed = true;
    uint256[] private remainingModel;
    uint256 private unreservedModel;

    /// @notice The program decided a call otherwise than the statute says.
    bool public ruleBroken;
    /// @notice An outsider's call changed another party's money, or an outsider was let act.
    bool public outsiderInterfered;

    constructor() {
        (authority,) = account("authority");
        (attester,) = account("attester");
        (issuer,) = account("issuer");
        (outsider,) = account("outsider");
        currency = new DigitalCurrency("Digital yuan", "CNY", 2, address(this));
        program = VoucherCalls.deploy(currency, authority, issuer);
        VM.warp(OPENS + 12 hours);
        require(program.authorizeAttester(authority, attester), "attester refused");
        for (uint256 i = 0; i < MERCHANTS; ++i) {
            (address merchant,) = account(string.concat("merchant", _digit(i)));
            merchants.push(merchant);
            require(program.registerMerchant(authority, merchant, i == 0 ? keccak256("groceries") : keccak256("cars")),
                    "merchant refused");
        }
        for (uint256 i = 0; i < CITIZENS; ++i) {
            (address citizen,) = account(string.concat("citizen", _digit(i)));
            citizens.push(citizen);
            if (i + 1 < CITIZENS) _attest(citizen);
        }
        parties.push(issuer);
        for (uint256 i = 0; i < MERCHANTS; ++i) parties.push(merchants[i]);
        for (uint256 i = 0; i < CITIZENS; ++i) parties.push(citizens[i]);
        parties.push(outsider);
        for (uint256 i = 0; i < parties.length; ++i) {
            currency.mint(parties[i], WALLET);
            walletModel[parties[i]] = WALLET;
        }
        _fund(2 * FACE + FACE / 2); // two and a half vouchers: the third is refused until more comes
    }

    // ------------------------------------------------------------------ the issuer and the attester

    function deposit(uint256 amount) external observed(false) {
        _fund(bound(amount, 1, 3 * FACE));
    }

    /// @notice Issue to the citizens whose bits are set in `mask`, in citizen order.
    function issue(uint256 mask) external observed(false) {
        address[] memory recipients = new address[](CITIZENS);
        uint256 n;
        for (uint256 i = 0; i < CITIZENS; ++i) {
            if ((mask >> i) & 1 == 1) recipients[n++] = citizens[i];
        }
        assembly ("memory-safe") { mstore(recipients, n) }
        _expect(program.issueTo(issuer, recipients));
        for (uint256 i = 0; i < n; ++i) {
            address citizen = recipients[i];
            if (!attestedModel[citizen] || issuedModel[citizen] || unreservedModel < FACE) continue;
            issuedModel[citizen] = true;
            unreservedModel -= FACE;
            remainingModel.push(FACE);
            serialOf[citizen] = remainingModel.length;
        }
        _expect(program.count() == remainingModel.length);
    }

    function attest(uint256 citizenSeed) external observed(false) {
        _attest(citizens[citizenSeed % CITIZENS]);
    }

    // ------------------------------------------------------------------ citizens, merchants, time

    function spend(uint256 citizenSeed, uint256 merchantSeed, uint256 purchase, uint256 minutesLater)
        external observed(false)
    {
        VM.warp(block.timestamp + bound(minutesLater, 0, 6 * 60) * 60);
        address citizen = citizens[citizenSeed % CITIZENS];
        address merchant = merchants[merchantSeed % MERCHANTS];
        purchase = bound(purchase, MINIMUM - 100, 100_000);
        uint256 serial = serialOf[citizen];
        bool allowed = block.timestamp >= OPENS && block.timestamp < CLOSES && merchant == merchants[0]
            && grocerListed && purchase >= MINIMUM && serial != 0 && remainingModel[serial - 1] > 0;
        _expect(program.spendAt(citizen, merchant, purchase) == allowed);
        if (!allowed) return;
        uint256 covered = (purchase * 500_000 + 500_000) / 1_000_000; // half of it, rounded half up
        uint256 discount = remainingModel[serial - 1] < covered ? remainingModel[serial - 1] : covered;
        remainingModel[serial - 1] -= discount;
        walletModel[merchant] += discount;
    }

    /// @notice The authority de-lists the grocer (vouchers no longer pay it), or registers it again.
    function toggleGrocer() external observed(false) {
        bool done = grocerListed
            ? program.delistMerchant(authority, merchants[0])
            : program.registerMerchant(authority, merchants[0], keccak256("groceries"));
        _expect(done); // the run starts after the effective date, so the authority is never refused
        grocerListed = !grocerListed;
    }

    function advance(uint256 hoursLater) external observed(false) {
        VM.warp(block.timestamp + bound(hoursLater, 1, 4 days / 1 hours) * 1 hours);
    }

    /// @notice Anyone may reclaim once the validity period is over: unspent value goes to the issuer.
    function reclaim() external observed(false) {
        bool allowed = block.timestamp >= CLOSES;
        _expect(program.reclaimAs(outsider) == allowed);
        if (!allowed) return;
        uint256 back = unreservedModel;
        for (uint256 i = 0; i < remainingModel.length; ++i) {
            back += remainingModel[i];
            remainingModel[i] = 0;
        }
        unreservedModel = 0;
        walletModel[issuer] += back;
    }

    // ------------------------------------------------------------------ the outsider

    function outsiderDeposits(uint256 amount) external observed(true) {
        _refused(program.fund(outsider, bound(amount, 1, FACE)));
    }

    function outsiderIssues(uint256 citizenSeed) external observed(true) {
        address[] memory recipients = new address[](1);
        recipients[0] = citizens[citizenSeed % CITIZENS];
        _refused(program.issueTo(outsider, recipients));
    }

    function outsiderAttests() external observed(true) {
        _refused(program.attest(outsider, outsider, ATTRIBUTE));
    }

    function outsiderRegistersMerchant() external observed(true) {
        _refused(program.registerMerchant(outsider, outsider, keccak256("groceries")));
    }

    /// @notice Nobody but the authority names the issuer: not the outsider, not by depositing.
    function outsiderBecomesIssuer() external observed(true) {
        _refused(program.appointIssuer(outsider, outsider));
    }

    function outsiderDelists() external observed(true) {
        _refused(program.delistMerchant(outsider, merchants[0]));
    }

    function outsiderSpends(uint256 purchase) external observed(true) {
        _refused(program.spendAt(outsider, merchants[0], bound(purchase, MINIMUM, 100_000)));
    }

    function outsiderTransfers(uint256 citizenSeed) external observed(true) {
        _refused(program.transferTo(outsider, citizens[citizenSeed % CITIZENS]));
    }

    // ------------------------------------------------------------------ what the invariants read

    function partyCount() external view returns (uint256) {
        return parties.length;
    }

    function voucherCount() external view returns (uint256) {
        return remainingModel.length;
    }

    // ------------------------------------------------------------------ internals

    function _fund(uint256 amount) private {
        _expect(program.fund(issuer, amount));
        unreservedModel += amount;
        walletModel[issuer] -= amount;
    }

    function _attest(address citizen) private {
        _expect(program.attest(attester, citizen, ATTRIBUTE));
        attestedModel[citizen] = true;
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

/// @title Invariants of the voucher program under a random issuer, citizens, merchants and outsiders
contract VoucherInvariants is ContractTest {
    using VoucherCalls for VoucherProgram;

    VoucherHandler private handler;

    function setUp() public {
        handler = new VoucherHandler();
        targetContract(address(handler));
    }

    /// @notice Currency supply = every wallet + the program's holdings, which are exactly its funds
    /// (the value vouchers still hold + the unreserved deposit).
    function invariant_moneyIsConserved() public view {
        DigitalCurrency currency = handler.currency();
        VoucherProgram program = handler.program();
        uint256 wallets;
        for (uint256 i = 0; i < handler.partyCount(); ++i) wallets += currency.balanceOf(handler.parties(i));
        assertEq(currency.totalSupply(), wallets + currency.balanceOf(address(program)), "supply = wallets + program");
        assertEq(currency.balanceOf(address(program)), program.held(), "program holds its funds");
    }

    /// @notice No voucher's value exceeds its face, and the reserve is exactly the vouchers' values.
    function invariant_voucherValueWithinFace() public view {
        VoucherProgram program = handler.program();
        uint256 total;
        for (uint256 serial = 0; serial < program.count(); ++serial) {
            uint256 value = program.valueOf(serial);
            assertLe(value, program.face(), "voucher value <= face");
            total += value;
        }
        assertEq(program.reservedValue(), total, "reserved = sum of voucher values");
    }

    /// @notice Every issue, spend and reclaim is decided and paid as the statute says (every wallet as modelled).
    function invariant_followsTheStatute() public view {
        assertTrue(!handler.ruleBroken(), "a call was decided or paid otherwise than the statute says");
        assertEq(handler.program().count(), handler.voucherCount(), "vouchers issued as the statute says");
    }

    /// @notice No outsider call changes another party's funds, or is let act for a party; the issuer
    /// stays the one named at deployment (only the authority appoints another).
    function invariant_outsidersMoveNoOnesFunds() public view {
        assertTrue(!handler.outsiderInterfered(), "an outsider's call moved another party's funds");
        assertTrue(handler.program().issuerOf() == handler.issuer(), "the issuer changed without the authority");
    }
}
