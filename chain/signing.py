"""EIP-712 punch batches: their digest, their calldata, and who signs them.

Why hand-written
----------------
The gateway computes a digest for every batch and encodes every batch as
`submitPunches` calldata, so both run once per punch. `eth_abi.encode`
validates and dispatches per value and took 45% of the submitter's time;
every field here is one fixed 32-byte word, so the encoding is byte
concatenation, and a punch's four words serve twice: hashed (after its
type hash) for the digest, and copied as-is into the calldata, where the
`Punch` tuple is static and sits inline in the array. Keccak is pysha3's
C function when it is installed (the locked environment has it: 4 µs a hash
against 16 µs through pycryptodome's ctypes wrapper). The tests check both
encodings against eth_abi and the digest against the contract's own
`batchDigest`.

Signing is pluggable: the submitter asks a `BatchSigner` (an `address` and
`sign(digest, sequence, keys)`) per device. `DeviceKey`, the default, signs
with the device's own key and needs only the digest; a reporter quorum
(`oracles.quorum.QuorumSigner`) stands in its place, and its peers need the
batch's sequence number and punch keys to check what they co-sign. A signer
that cannot vouch for a batch raises `BatchNotSigned`: the submitter holds
those punches back and tries again later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from coincurve import PrivateKey
from eth_account import Account

try:
    from sha3 import keccak_256 as _keccak_256

    def keccak(data: bytes) -> bytes:
        """Keccak-256 (Ethereum's, not SHA3-256) of `data`."""
        digest: bytes = _keccak_256(data).digest()
        return digest
except ImportError:  # pragma: no cover - the locked environment has pysha3
    from eth_hash.auto import keccak  # type: ignore[assignment]

DOMAIN_TYPEHASH = keccak(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
PUNCH_TYPE = "Punch(address employee,uint64 at,bool clockIn,uint64 ref)"
PUNCH_TYPEHASH = keccak(PUNCH_TYPE.encode())
PUNCH_BATCH_TYPEHASH = keccak(("PunchBatch(address device,uint64 sequence,Punch[] punches)" + PUNCH_TYPE).encode())
EMPLOYMENT_TYPEHASH = keccak(
    b"Employment(address employer,address employee,int256 hourlyWage,uint256 nonce,uint256 deadline)"
)
#: The function `submit_calldata` encodes for; the submitter holds the contract's ABI against it.
SUBMIT_SIGNATURE = "submitPunches((address,uint64,(address,uint64,bool,uint64)[]),bytes)"
SUBMIT_SELECTOR = keccak(SUBMIT_SIGNATURE.encode())[:4]
_WORD = 32


def address_word(address: str) -> bytes:
    """A 0x-prefixed 20-byte address as an ABI word; `ValueError` for anything else."""
    try:
        raw = bytes.fromhex(address[2:]) if address[:2] in ("0x", "0X") else b""
    except ValueError:  # not hex
        raw = b""
    if len(raw) != 20:
        raise ValueError(f"{address!r} is not a 20-byte 0x address")
    return raw.rjust(_WORD, b"\0")


def uint_word(value: int, bits: int = 256) -> bytes:
    """An unsigned integer of `bits` as an ABI word; `ValueError` when it does not fit."""
    if not 0 <= value < 1 << bits:
        raise ValueError(f"{value} does not fit in uint{bits}")
    return value.to_bytes(_WORD, "big")


@dataclass(frozen=True)
class SignedPunch:
    """One punch as the contract's `Punch` struct; `ref` names the record it came from."""

    employee: str
    at: int  # unix seconds
    clock_in: bool
    ref: int

    def as_tuple(self) -> tuple[str, int, bool, int]:
        return (self.employee, self.at, self.clock_in, self.ref)

    def words(self) -> bytes:
        """The struct's four ABI words: its calldata encoding, and its hash input after the type hash."""
        return (
            address_word(self.employee)
            + uint_word(self.at, 64)
            + (b"\0" * 31 + (b"\1" if self.clock_in else b"\0"))
            + uint_word(self.ref, 64)
        )


@dataclass(frozen=True)
class Domain:
    """The EIP-712 domain of one deployed statute contract."""

    name: str  # the statute title
    version: str  # the statute version, as text
    chain_id: int
    contract: str

    @property
    def separator(self) -> bytes:
        return keccak(
            DOMAIN_TYPEHASH
            + keccak(self.name.encode())
            + keccak(self.version.encode())
            + uint_word(self.chain_id)
            + address_word(self.contract)
        )


def batch_digest_of_words(separator: bytes, device: str, sequence: int, words: Sequence[bytes]) -> bytes:
    """The digest from each punch's `SignedPunch.words()` (the submitter has them for the calldata)."""
    hashes = b"".join(keccak(PUNCH_TYPEHASH + w) for w in words)
    struct_hash = keccak(PUNCH_BATCH_TYPEHASH + address_word(device) + uint_word(sequence, 64) + keccak(hashes))
    return keccak(b"\x19\x01" + separator + struct_hash)


def batch_digest(domain: Domain, device: str, sequence: int, punches: Sequence[SignedPunch]) -> bytes:
    return batch_digest_of_words(domain.separator, device, sequence, [p.words() for p in punches])


def submit_calldata(device: str, sequence: int, words: Sequence[bytes], signature: bytes) -> bytes:
    """`submitPunches(PunchBatch(device, sequence, punches), signature)` calldata, ABI-encoded.

    Layout: the two head words are offsets (the batch tuple is dynamic, so is
    the signature); the tuple is device, sequence, the array's offset within
    the tuple (3 words), then the array: length and 4 inline words per punch;
    then the signature's length and its bytes padded to a word.
    """
    tuple_size = _WORD * (3 + 1 + 4 * len(words))
    padded = signature + b"\0" * (-len(signature) % _WORD)
    return b"".join(
        (
            SUBMIT_SELECTOR,
            uint_word(2 * _WORD),
            uint_word(2 * _WORD + tuple_size),
            address_word(device),
            uint_word(sequence, 64),
            uint_word(3 * _WORD),
            uint_word(len(words)),
            *words,
            uint_word(len(signature)),
            padded,
        )
    )


def sign_digest(key: bytes, digest: bytes) -> bytes:
    """A 65-byte (r, s, v) secp256k1 signature with v = 27 or 28, as ECDSA.recover expects."""
    return _sign(PrivateKey(key), digest)


def _sign(key: PrivateKey, digest: bytes) -> bytes:
    signature = key.sign_recoverable(digest, hasher=None)
    return signature[:64] + bytes([signature[64] + 27])


def sign_batch(key: bytes, domain: Domain, device: str, sequence: int, punches: list[SignedPunch]) -> bytes:
    return sign_digest(key, batch_digest(domain, device, sequence, punches))


def employment_digest(
    domain: Domain, employer: str, employee: str, hourly_wage: int, nonce: int, deadline: int
) -> bytes:
    """What a worker signs to consent to an employment (`Employment.employmentDigest` on chain)."""
    struct_hash = keccak(
        EMPLOYMENT_TYPEHASH
        + address_word(employer)
        + address_word(employee)
        + (hourly_wage % (1 << 256)).to_bytes(_WORD, "big")
        + uint_word(nonce)
        + uint_word(deadline)
    )
    return keccak(b"\x19\x01" + domain.separator + struct_hash)


def sign_employment(
    key: bytes, domain: Domain, employer: str, employee: str, hourly_wage: int, nonce: int, deadline: int
) -> bytes:
    """The worker's consent to be employed by `employer` at `hourly_wage` (minor units an hour): a
    65-byte signature for `employ`, valid until `deadline` (unix time) and for one use (`nonce`)."""
    return sign_digest(key, employment_digest(domain, employer, employee, hourly_wage, nonce, deadline))


class BatchNotSigned(RuntimeError):
    """A `BatchSigner` would not vouch for a batch (a reporter quorum not reached); the message
    says why. Not a fault of the chain: the batch's punches wait and are offered again later."""


class BatchSigner(Protocol):
    """Who vouches for a device's batches: the device address the contract registered, and its
    signature over a batch digest (whatever the contract's signature check accepts).

    `sequence` and `keys` (the batch's sequence number and its punches' dedupe keys, in batch
    order) describe the batch the digest is of: a signer that checks batches against records of
    its own, like a quorum's peer gateways, needs them; a plain key ignores them.
    """

    @property
    def address(self) -> str: ...

    def sign(self, digest: bytes, sequence: int, keys: Sequence[str]) -> bytes: ...


class DeviceKey:
    """The default `BatchSigner`: the device's own secp256k1 key (an EOA registered as the device)."""

    def __init__(self, key: bytes) -> None:
        self._key = PrivateKey(key)  # parsed once: a gateway signs every few milliseconds
        self.address: str = Account.from_key(key).address

    def sign(self, digest: bytes, sequence: int = 0, keys: Sequence[str] = ()) -> bytes:
        """The device key's signature of `digest`; the batch itself needs no checking here."""
        return _sign(self._key, digest)
