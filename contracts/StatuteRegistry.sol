// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title Statute registry
/// @notice Where citizens start: statute title → the contract of its current
/// version, the keccak256 of the statute's `.law` source and its effective date.
/// A new version supersedes the old one; older versions stay readable.
contract StatuteRegistry is AccessControl {
    bytes32 public constant LEGISLATOR_ROLE = keccak256("LEGISLATOR_ROLE");

    struct Enactment {
        address statute;
        bytes32 lawSourceHash;
        uint256 version;
        uint64 effectiveFrom; // unix time of the effective date, 00:00 in the statute's time zone
    }

    mapping(bytes32 titleHash => Enactment[]) private _versions;

    event StatuteEnacted(string title, uint256 version, address statute, bytes32 lawSourceHash, uint64 effectiveFrom);

    /// @notice A version must be newer than the title's current one.
    error VersionNotNewer(string title, uint256 version, uint256 current);
    error UnknownStatute(string title);

    constructor(address authority) {
        _grantRole(DEFAULT_ADMIN_ROLE, authority);
        _grantRole(LEGISLATOR_ROLE, authority);
    }

    /// @notice Enact `version` of `title`, superseding the current version.
    function enact(string calldata title, uint256 version, address statute, bytes32 lawSourceHash,
                   uint64 effectiveFrom) external onlyRole(LEGISLATOR_ROLE) {
        Enactment[] storage versions = _versions[keccak256(bytes(title))];
        if (versions.length > 0 && versions[versions.length - 1].version >= version) {
            revert VersionNotNewer(title, version, versions[versions.length - 1].version);
        }
        versions.push(Enactment(statute, lawSourceHash, version, effectiveFrom));
        emit StatuteEnacted(title, version, statute, lawSourceHash, effectiveFrom);
    }

    /// @notice The latest enacted version of `title`.
    function current(string calldata title) external view returns (Enactment memory) {
        Enactment[] storage versions = _versions[keccak256(bytes(title))];
        if (versions.length == 0) revert UnknownStatute(title);
        return versions[versions.length - 1];
    }

    /// @notice Every enacted version of `title`, oldest first.
    function history(string calldata title) external view returns (Enactment[] memory) {
        return _versions[keccak256(bytes(title))];
    }
}
