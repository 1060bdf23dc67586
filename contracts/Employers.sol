// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title Employer ids: a short number per employer, so a worker's and a device's slot can name one.
/// @dev An employer gets its id at its first employment or its first device, and keeps it.
abstract contract Employers {
    /// @dev Ids are 32 bits wide in the worker's and the device's slot.
    uint256 internal constant MAX_EMPLOYER_ID = type(uint32).max;

    /// @notice The id of `employer` (0: none yet).
    mapping(address employer => uint256) public employerIds;
    mapping(uint256 id => address) internal _employerById;
    uint256 private _employerCount;

    /// @notice The zero address cannot be an employer (it is what an unset slot reads as).
    error ZeroAddressEmployer();

    /// @dev The employer's id, given it now if it has none.
    function _employerIdOf(address employer) internal returns (uint256 id) {
        if (employer == address(0)) revert ZeroAddressEmployer();
        id = employerIds[employer];
        if (id == 0) {
            id = ++_employerCount;
            if (id > MAX_EMPLOYER_ID) revert SafeCast.SafeCastOverflowedUintDowncast(32, id);
            employerIds[employer] = id;
            _employerById[id] = employer;
        }
    }
}
