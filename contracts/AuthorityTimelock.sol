// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title The authority's timelock: every admin action of the currency, the registry and the statutes.
/// @notice Holds MINTER_ROLE, LEGISLATOR_ROLE and AUTHORITY_ROLE (and their admin roles). The authority's
/// keys (an EOA, a Safe or a k-of-n contract) propose an action with `schedule`; it can be executed
/// only after `getMinDelay()` seconds, during which anyone can read it on chain and a canceller can
/// stop it. Scenario replay uses a zero delay; a live deployment a real one (docs/chain-interfaces.md).
/// @dev OpenZeppelin's TimelockController unchanged; this file only brings it into the compile.
contract AuthorityTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
