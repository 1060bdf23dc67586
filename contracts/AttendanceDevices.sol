// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Employers} from "./Employers.sol";
import {StatuteBase} from "./StatuteBase.sol";

/// @title Attendance devices: offered by the authority, accepted by the employer, revocable by either
/// @notice A device (a signing key, or an ERC-1271 contract such as a `ReporterQuorum`) counts for an
/// employer only when the authority registered it for that employer and the employer accepted it: the
/// authority alone cannot bind a device it controls to an employer (and spend that employer's deposit),
/// and an employer cannot vouch for its own attendance. Either may revoke it; revocation is final
/// and stops the device's batches at once.
/// @dev Per accepted device, one slot that a batch reads and writes (its sequence number): employer
/// address (bits 0–159) | next sequence (160–191) | employer id (192–223) | device id (224–253) | revoked
/// (254) | the device is a contract (255). An offer waits in `_offers` until accepted.
abstract contract AttendanceDevices is StatuteBase, Employers {
    /// @notice What a device is: never registered, offered to an employer, counting, or revoked for good.
    enum DeviceState { None, Offered, Accepted, Revoked }

    uint256 private constant SEQUENCE = 160;
    uint256 private constant EMPLOYER_ID = 192;
    uint256 private constant DEVICE_ID = 224;
    uint256 private constant ID_MASK = 0xffffffff;
    uint256 private constant DEVICE_ID_MASK = 0x3fffffff;
    uint256 private constant REVOKED = 1 << 254;
    uint256 private constant CONTRACT_DEVICE = 1 << 255;

    mapping(address device => uint256) private _devices;
    mapping(address device => address employer) private _offers;
    uint256 private _deviceCount;

    /// @notice The authority offered `device` to `employer`; it counts once the employer accepts it.
    event DeviceOffered(address indexed device, address indexed employer);
    /// @notice `employer` accepted `device`: its signed batches count from now on.
    event DeviceRegistered(address indexed device, address indexed employer);
    /// @notice `device` was revoked by `by` (the authority or the employer): none of its batches counts any more.
    event DeviceRevoked(address indexed device, address indexed employer, address by);

    error DeviceBoundToAnotherEmployer(address device, address employer);
    /// @notice Only the employer the authority offered the device to may accept it.
    error DeviceNotOffered(address device, address caller);
    /// @notice The device was offered but its employer has not accepted it yet.
    error DeviceNotAccepted(address device);
    error RevokedDevice(address device);
    /// @notice Only the authority or the device's employer may revoke it.
    error NotDeviceRevoker(address device, address caller);
    error UnregisteredDevice(address device);
    error BatchOutOfSequence(address device, uint64 expected, uint64 got);

    // ------------------------------------------------------------------ the authority

    /// @notice Offer attendance device `device` (its signing address, or an ERC-1271 contract whose
    /// signers vouch for it) to `employer`; it counts once the employer calls `acceptDevice`.
    /// Offering it again to the same employer changes nothing; to another one is refused.
    function registerDevice(address device, address employer) external onlyRole(AUTHORITY_ROLE) inForce {
        if (employer == address(0)) revert ZeroAddressEmployer();
        uint256 slot = _devices[device];
        if (slot & REVOKED != 0) revert RevokedDevice(device);
        address bound = slot != 0 ? address(uint160(slot)) : _offers[device];
        if (bound != address(0) && bound != employer) revert DeviceBoundToAnotherEmployer(device, bound);
        if (bound == address(0)) {
            _offers[device] = employer;
            emit DeviceOffered(device, employer);
        }
    }

    // ------------------------------------------------------------------ the employer and the authority

    /// @notice Accept `device`, which the authority offered to the caller: its batches count from now on.
    /// @dev Whether the device is a contract is read once here, so a batch does not pay for the check.
    function acceptDevice(address device) external inForce {
        if (_offers[device] != msg.sender) revert DeviceNotOffered(device, msg.sender);
        delete _offers[device];
        uint256 employerId = _employerIdOf(msg.sender);
        uint256 deviceId = ++_deviceCount;
        if (deviceId > DEVICE_ID_MASK) revert SafeCast.SafeCastOverflowedUintDowncast(30, deviceId);
        uint256 kind = device.code.length == 0 ? 0 : CONTRACT_DEVICE;
        _devices[device] = uint256(uint160(msg.sender)) | employerId << EMPLOYER_ID | deviceId << DEVICE_ID | kind;
        emit DeviceRegistered(device, msg.sender);
    }

    /// @notice Revoke `device` for good (the authority, or the employer it is offered to or counts for):
    /// every batch of it submitted from now on is refused, whatever its sequence number or punch times.
    function revokeDevice(address device) external inForce {
        uint256 slot = _devices[device];
        if (slot & REVOKED != 0) revert RevokedDevice(device);
        address employer = slot != 0 ? address(uint160(slot)) : _offers[device];
        if (employer == address(0)) revert UnregisteredDevice(device);
        if (msg.sender != employer && !hasRole(AUTHORITY_ROLE, msg.sender)) {
            revert NotDeviceRevoker(device, msg.sender);
        }
        delete _offers[device];
        _devices[device] = (slot == 0 ? uint256(uint160(employer)) : slot) | REVOKED;
        emit DeviceRevoked(device, employer, msg.sender);
    }

    // ------------------------------------------------------------------ batches

    /// @dev The slot of a device whose batches count: refuses an unregistered, offered or revoked one.
    function _countingDevice(address device) internal view returns (uint256 slot) {
        slot = _devices[device];
        if (slot == 0) {
            if (_offers[device] != address(0)) revert DeviceNotAccepted(device);
            revert UnregisteredDevice(device);
        }
        if (slot & REVOKED != 0) revert RevokedDevice(device);
    }

    /// @dev Take the device's next sequence number: the batch must carry exactly it.
    function _useSequence(address device, uint256 slot, uint64 sequence) internal {
        uint64 expected = uint64((slot >> SEQUENCE) & ID_MASK);
        if (sequence != expected || expected == ID_MASK) revert BatchOutOfSequence(device, expected, sequence);
        unchecked { _devices[device] = slot + (1 << SEQUENCE); } // the sequence is below ID_MASK: no carry
    }

    function _isContractDevice(uint256 slot) internal pure returns (bool) {
        return slot & CONTRACT_DEVICE != 0;
    }

    function _deviceEmployer(uint256 slot) internal pure returns (address) {
        return address(uint160(slot));
    }

    function _deviceEmployerId(uint256 slot) internal pure returns (uint256) {
        return (slot >> EMPLOYER_ID) & ID_MASK;
    }

    function _deviceId(uint256 slot) internal pure returns (uint256) {
        return (slot >> DEVICE_ID) & DEVICE_ID_MASK;
    }

    // ------------------------------------------------------------------ views

    /// @notice The employer whose attendance `device` records (zero unless accepted and not revoked).
    function deviceEmployer(address device) external view returns (address) {
        uint256 slot = _devices[device];
        return slot & REVOKED != 0 ? address(0) : address(uint160(slot));
    }

    /// @notice The device's employer (offered to, counting for, or revoked from) and its state.
    function deviceStatus(address device) external view returns (address employer, DeviceState state) {
        uint256 slot = _devices[device];
        if (slot == 0) {
            employer = _offers[device];
            state = employer == address(0) ? DeviceState.None : DeviceState.Offered;
        } else {
            employer = address(uint160(slot));
            state = slot & REVOKED != 0 ? DeviceState.Revoked : DeviceState.Accepted;
        }
    }

    /// @notice The sequence number the device's next batch must carry.
    function nextSequence(address device) external view returns (uint64) {
        return uint64((_devices[device] >> SEQUENCE) & ID_MASK);
    }
}
