// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title Punch batches: what an attendance device signs (EIP-712) and how its signature is checked
/// @notice A device signs a batch of punches with its next sequence number; anyone may relay it.
/// @dev The punches' struct hashes are computed straight from calldata (a `Punch` is four static
/// words) and each punch's words are read once, checked together.
abstract contract PunchBatches is EIP712 {
    /// @notice One attendance record, `ref` = the scenario event (or outbox record) it came from.
    struct Punch {
        address employee;
        uint64 at;
        bool clockIn;
        uint64 ref;
    }

    /// @notice What a device signs (EIP-712): its punches and its next sequence number.
    struct PunchBatch {
        address device;
        uint64 sequence;
        Punch[] punches;
    }

    bytes32 public constant PUNCH_TYPEHASH =
        keccak256("Punch(address employee,uint64 at,bool clockIn,uint64 ref)");
    bytes32 public constant PUNCH_BATCH_TYPEHASH = keccak256(
        "PunchBatch(address device,uint64 sequence,Punch[] punches)Punch(address employee,uint64 at,bool clockIn,uint64 ref)"
    );
    /// @notice How far a punch may lie ahead of the block's time (device clocks drift a little).
    uint256 public constant PUNCH_CLOCK_TOLERANCE = 15 minutes;

    error InvalidDeviceSignature(address device);
    /// @notice A punch word is out of its type's range (an address over 160 bits, a time over 64…).
    error MalformedPunch();
    /// @notice A punch is later than the block's time plus `PUNCH_CLOCK_TOLERANCE`: its device's clock
    /// is wrong (accepted, it would make every real later punch of the worker "earlier than the last").
    error FutureTimestamp(uint64 at, uint256 latest);

    /// @notice The EIP-712 digest a device signs for `batch`.
    function batchDigest(PunchBatch calldata batch) external view returns (bytes32) {
        return _batchDigest(batch.device, batch.sequence, batch.punches);
    }

    /// @dev `PunchBatch(address device,uint64 sequence,Punch[] punches)`, hashed from calldata.
    /// Loop bound: the batch's punches (calldata the relayer paid for).
    function _batchDigest(address device, uint64 sequence, Punch[] calldata punches)
        internal view returns (bytes32)
    {
        bytes32 typehash = PUNCH_TYPEHASH;
        bytes32 punchesHash;
        assembly ("memory-safe") {
            let encoded := mload(0x40) // scratch past the free memory pointer, never allocated
            let hashes := add(encoded, 0xa0)
            mstore(encoded, typehash)
            let n := punches.length
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                calldatacopy(add(encoded, 0x20), add(punches.offset, shl(7, i)), 0x80)
                mstore(add(hashes, shl(5, i)), keccak256(encoded, 0xa0))
            }
            punchesHash := keccak256(hashes, shl(5, n))
        }
        return _hashTypedDataV4(keccak256(abi.encode(PUNCH_BATCH_TYPEHASH, device, sequence, punchesHash)));
    }

    /// @dev A device key's own signature (65 bytes r, s, v, or EIP-2098's 64 bytes r, vs: one calldata
    /// word less), or, for a contract device, what the contract says of it (ERC-1271).
    function _validDeviceSignature(bool isContract, address device, bytes32 digest, bytes calldata signature)
        internal view returns (bool)
    {
        if (isContract) return SignatureChecker.isValidERC1271SignatureNowCalldata(device, digest, signature);
        address signer;
        ECDSA.RecoverError failure;
        if (signature.length == 64) { // EIP-2098: r, vs
            bytes32 r;
            bytes32 vs;
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                vs := calldataload(add(signature.offset, 0x20))
            }
            (signer, failure,) = ECDSA.tryRecover(digest, r, vs);
        } else { // r, s, v
            (signer, failure,) = ECDSA.tryRecoverCalldata(digest, signature);
        }
        return failure == ECDSA.RecoverError.NoError && signer == device;
    }

    /// @dev A punch's four words, read once and checked together (what ABI decoding would check field
    /// by field): the device signed them as they are, so a word out of its type's range, or a time
    /// too far ahead of the block's, refuses the whole batch.
    function _readPunch(Punch calldata p)
        internal view returns (address employee, uint256 at, bool clockIn, uint64 ref)
    {
        uint256 employeeWord;
        uint256 kindWord;
        uint256 refWord;
        assembly ("memory-safe") {
            employeeWord := calldataload(p)
            at := calldataload(add(p, 0x20))
            kindWord := calldataload(add(p, 0x40))
            refWord := calldataload(add(p, 0x60))
        }
        if ((employeeWord >> 160) | (at >> 64) | (kindWord >> 1) | (refWord >> 64) != 0) revert MalformedPunch();
        unchecked { // block time is far below 2^255
            if (at > block.timestamp + PUNCH_CLOCK_TOLERANCE) {
                revert FutureTimestamp(uint64(at), block.timestamp + PUNCH_CLOCK_TOLERANCE);
            }
        }
        (employee, clockIn, ref) = (address(uint160(employeeWord)), kindWord == 1, uint64(refWord));
    }
}
