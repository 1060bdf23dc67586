// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @title Reporter quorum: k of n registered gateways vouch for one attendance device
/// @notice Registered as a device of a working-time statute, this contract stands for a terminal whose
/// punches several independent gateways receive. A batch counts as signed by the device when at least
/// `threshold` distinct registered reporters signed its digest, so no single gateway can invent
/// attendance (or pay) on its own.
/// @dev ERC-1271: `isValidSignature(digest, signatures)` where `signatures` is 65-byte (r, s, v)
/// ECDSA signatures over `digest` itself, concatenated in strictly increasing order of signer address.
/// The order makes a duplicate impossible without a set in memory; every signature must be valid and
/// from a registered reporter (one bad signature rejects the lot, so a relayer cannot pad a batch
/// with junk). The statute reads this contract with a static call: nothing here writes state.
contract ReporterQuorum is AccessControl, IERC1271 {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Adds and removes reporters and sets the threshold: the statute's authority.
    bytes32 public constant AUTHORITY_ROLE = keccak256("AUTHORITY_ROLE");

    /// @dev ERC-1271's answers: `isValidSignature.selector` for yes, anything else for no.
    bytes4 private constant REJECTED = 0xffffffff;
    uint256 private constant SIGNATURE_LENGTH = 65;

    EnumerableSet.AddressSet private _reporters;

    /// @notice How many distinct registered reporters must sign a digest.
    uint256 public threshold;

    event ReporterAdded(address indexed reporter);
    event ReporterRemoved(address indexed reporter);
    event ThresholdChanged(uint256 previous, uint256 threshold);

    /// @notice A threshold of 0 would accept a batch nobody signed.
    error ThresholdZero();
    /// @notice A threshold above the number of reporters could never be met.
    error ThresholdAboveReporterCount(uint256 threshold, uint256 reporters);
    error ReporterAlreadyRegistered(address reporter);
    error ReporterNotRegistered(address reporter);
    /// @notice The zero address is what a failed signature recovery yields: never a reporter.
    error ZeroAddressReporter();

    constructor(address authority, address[] memory reporters_, uint256 threshold_) {
        _grantRole(DEFAULT_ADMIN_ROLE, authority);
        _grantRole(AUTHORITY_ROLE, authority);
        for (uint256 i = 0; i < reporters_.length; ++i) _addReporter(reporters_[i]);
        _setThreshold(threshold_);
    }

    // ------------------------------------------------------------------ the authority

    /// @notice Register `reporter` (a gateway's signing address).
    function addReporter(address reporter) external onlyRole(AUTHORITY_ROLE) {
        _addReporter(reporter);
    }

    /// @notice Unregister `reporter`; refused if fewer reporters than the threshold would remain.
    function removeReporter(address reporter) external onlyRole(AUTHORITY_ROLE) {
        if (!_reporters.remove(reporter)) revert ReporterNotRegistered(reporter);
        if (threshold > _reporters.length()) revert ThresholdAboveReporterCount(threshold, _reporters.length());
        emit ReporterRemoved(reporter);
    }

    /// @notice How many distinct reporters must sign: at least 1, at most the reporter count.
    function setThreshold(uint256 threshold_) external onlyRole(AUTHORITY_ROLE) {
        _setThreshold(threshold_);
    }

    function _addReporter(address reporter) private {
        if (reporter == address(0)) revert ZeroAddressReporter();
        if (!_reporters.add(reporter)) revert ReporterAlreadyRegistered(reporter);
        emit ReporterAdded(reporter);
    }

    function _setThreshold(uint256 threshold_) private {
        if (threshold_ == 0) revert ThresholdZero();
        if (threshold_ > _reporters.length()) revert ThresholdAboveReporterCount(threshold_, _reporters.length());
        emit ThresholdChanged(threshold, threshold_);
        threshold = threshold_;
    }

    // ------------------------------------------------------------------ ERC-1271

    /// @notice Yes (the ERC-1271 magic value) exactly when `signatures` holds at least `threshold`
    /// signatures of `digest`, all valid, all by registered reporters, in strictly increasing signer order.
    function isValidSignature(bytes32 digest, bytes calldata signatures) external view returns (bytes4) {
        uint256 count = signatures.length / SIGNATURE_LENGTH;
        if (signatures.length % SIGNATURE_LENGTH != 0 || count < threshold) return REJECTED;
        address previous = address(0);
        for (uint256 i = 0; i < count; ++i) {
            bytes calldata signature = signatures[i * SIGNATURE_LENGTH:(i + 1) * SIGNATURE_LENGTH];
            // slither-disable-next-line unused-return the third value only details `failure`, checked below
            (address signer, ECDSA.RecoverError failure,) = ECDSA.tryRecoverCalldata(digest, signature);
            if (failure != ECDSA.RecoverError.NoError || signer <= previous || !_reporters.contains(signer)) {
                return REJECTED;
            }
            previous = signer;
        }
        return IERC1271.isValidSignature.selector;
    }

    // ------------------------------------------------------------------ views

    function isReporter(address account) external view returns (bool) {
        return _reporters.contains(account);
    }

    /// @notice Every registered reporter (order unspecified).
    function reporters() external view returns (address[] memory) {
        return _reporters.values();
    }

    function reporterCount() external view returns (uint256) {
        return _reporters.length();
    }
}
