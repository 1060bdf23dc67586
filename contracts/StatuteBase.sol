// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title What every compiled statute shares: its currency, its effective date and its authority.
/// @dev The per-domain bases inherit this; nothing here is specific to a domain. The authority named at
/// deployment (the enacting body) holds AUTHORITY_ROLE: it registers the devices, inspectors, merchants
/// and attesters the statute trusts, so a regulated party can never vouch for itself. In a live
/// deployment that authority is a `TimelockController` (contracts/AuthorityTimelock.sol): every grant
/// waits out its delay in public. GUARDIAN_ROLE (granted by the authority) may only withdraw trust, at
/// once: revoking a registration never waits for the timelock.
abstract contract StatuteBase is AccessControl, ReentrancyGuardTransient {
    /// @notice Registers the parties the statute trusts: the statute's authority.
    bytes32 public constant AUTHORITY_ROLE = keccak256("AUTHORITY_ROLE");

    /// @notice Withdraws trust at once (revokes registrations); it can grant nothing and move no money.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice Shares and rates are exact ratios: millionths of the whole (50% = 500_000).
    uint256 public constant MILLIONTHS = 1_000_000;

    /// @notice The digital currency every amount of this statute is paid in.
    IERC20 public immutable currency;

    /// @notice Unix time of the effective date, 00:00 in the statute's time zone.
    uint256 public immutable effectiveFrom;

    error BeforeEffectiveDate(uint256 effectiveFrom);
    /// @notice Only the authority or a guardian may revoke a registration.
    error NotAuthorityOrGuardian(address account);

    /// @dev Every event is refused before the statute takes effect (docs/semantics.md).
    modifier inForce() {
        if (block.timestamp < effectiveFrom) revert BeforeEffectiveDate(effectiveFrom);
        _;
    }

    /// @dev Revocations: the authority (through its timelock) or a guardian, without delay.
    modifier onlyRevoker() {
        if (!hasRole(AUTHORITY_ROLE, msg.sender) && !hasRole(GUARDIAN_ROLE, msg.sender)) {
            revert NotAuthorityOrGuardian(msg.sender);
        }
        _;
    }

    constructor(IERC20 currency_, address authority, uint256 effectiveFrom_) {
        currency = currency_;
        effectiveFrom = effectiveFrom_;
        _grantRole(DEFAULT_ADMIN_ROLE, authority);
        _grantRole(AUTHORITY_ROLE, authority);
    }
}
