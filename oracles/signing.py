"""EIP-712 punch batches, signed by the device key.

The digest is computed here with plain keccak and ABI encoding (and checked
against the contract's own `batchDigest` in the tests) and signed with
coincurve: eth-account's typed-data path is several times slower, and a
gateway signs a batch for every device on every flush.
"""
from __future__ import annotations

from dataclasses import dataclass

from coincurve import PrivateKey
from eth_abi import encode
from eth_utils import keccak

DOMAIN_TYPEHASH = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
PUNCH_TYPE = "Punch(address employee,uint64 at,bool clockIn,uint64 ref)"
PUNCH_TYPEHASH = keccak(text=PUNCH_TYPE)
PUNCH_BATCH_TYPEHASH = keccak(text="PunchBatch(address device,uint64 sequence,Punch[] punches)" + PUNCH_TYPE)


@dataclass(frozen=True)
class SignedPunch:
    """One punch as the contract's `Punch` struct; `ref` names the record it came from."""

    employee: str
    at: int  # unix seconds
    clock_in: bool
    ref: int

    def as_tuple(self) -> tuple:
        return (self.employee, self.at, self.clock_in, self.ref)


@dataclass(frozen=True)
class Domain:
    """The EIP-712 domain of one deployed statute contract."""

    name: str  # the statute title
    version: str  # the statute version, as text
    chain_id: int
    contract: str

    @property
    def separator(self) -> bytes:
        return keccak(encode(["bytes32", "bytes32", "bytes32", "uint256", "address"],
                             [DOMAIN_TYPEHASH, keccak(text=self.name), keccak(text=self.version),
                              self.chain_id, self.contract]))


def batch_digest(domain: Domain, device: str, sequence: int, punches: list[SignedPunch]) -> bytes:
    hashes = b"".join(
        keccak(encode(["bytes32", "address", "uint64", "bool", "uint64"],
                      [PUNCH_TYPEHASH, p.employee, p.at, p.clock_in, p.ref])) for p in punches)
    struct_hash = keccak(encode(["bytes32", "address", "uint64", "bytes32"],
                                [PUNCH_BATCH_TYPEHASH, device, sequence, keccak(hashes)]))
    return keccak(b"\x19\x01" + domain.separator + struct_hash)


def sign_digest(key: bytes, digest: bytes) -> bytes:
    """A 65-byte (r, s, v) secp256k1 signature with v = 27 or 28, as ECDSA.recover expects."""
    signature = PrivateKey(key).sign_recoverable(digest, hasher=None)
    return signature[:64] + bytes([signature[64] + 27])


def sign_batch(key: bytes, domain: Domain, device: str, sequence: int,
               punches: list[SignedPunch]) -> bytes:
    return sign_digest(key, batch_digest(domain, device, sequence, punches))
