"""The hand-written EIP-712 digest and `submitPunches` calldata against eth_abi's encoding.

(The digest is also checked against the contract's own `batchDigest` in
tests/chain/test_working_time_chain.py.)
"""

from __future__ import annotations

import pytest
from coincurve import PublicKey
from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from chain.accounts import account_key, label_address
from chain.signing import (
    DOMAIN_TYPEHASH,
    PUNCH_BATCH_TYPEHASH,
    PUNCH_TYPEHASH,
    SUBMIT_SIGNATURE,
    DeviceKey,
    Domain,
    SignedPunch,
    batch_digest,
    submit_calldata,
    uint_word,
)

addresses = st.binary(min_size=20, max_size=20).map(lambda raw: to_checksum_address(raw))
uint64 = st.integers(min_value=0, max_value=2**64 - 1)
punches = st.lists(st.builds(SignedPunch, addresses, uint64, st.booleans(), uint64), max_size=12)
domains = st.builds(Domain, st.text(max_size=40), st.text(max_size=8), st.integers(0, 2**256 - 1), addresses)


def reference_digest(domain: Domain, device: str, sequence: int, batch: list[SignedPunch]) -> bytes:
    """EIP-712 as eth_abi encodes it: what the hand-written digest must equal."""
    separator = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [DOMAIN_TYPEHASH, keccak(text=domain.name), keccak(text=domain.version), domain.chain_id, domain.contract],
        )
    )
    hashes = b"".join(
        keccak(encode(["bytes32", "address", "uint64", "bool", "uint64"], [PUNCH_TYPEHASH, *p.as_tuple()]))
        for p in batch
    )
    struct = keccak(
        encode(["bytes32", "address", "uint64", "bytes32"], [PUNCH_BATCH_TYPEHASH, device, sequence, keccak(hashes)])
    )
    return keccak(b"\x19\x01" + separator + struct)


@given(domains, addresses, uint64, punches)
def test_the_digest_is_eip712_as_eth_abi_encodes_it(
    domain: Domain, device: str, sequence: int, batch: list[SignedPunch]
) -> None:
    assert batch_digest(domain, device, sequence, batch) == reference_digest(domain, device, sequence, batch)


@given(addresses, uint64, punches, st.binary(max_size=200))
def test_the_calldata_is_what_eth_abi_encodes(
    device: str, sequence: int, batch: list[SignedPunch], signature: bytes
) -> None:
    expected = keccak(text=SUBMIT_SIGNATURE)[:4] + encode(
        ["(address,uint64,(address,uint64,bool,uint64)[])", "bytes"],
        [(device, sequence, [p.as_tuple() for p in batch]), signature],
    )
    assert submit_calldata(device, sequence, [p.words() for p in batch], signature) == expected


@pytest.mark.parametrize(
    "punch, message",
    [
        (SignedPunch("0x" + "11" * 20, 2**64, True, 1), "does not fit in uint64"),
        (SignedPunch("0x" + "11" * 20, 1, True, -1), "does not fit in uint64"),
        (SignedPunch("0x1234", 1, False, 1), "is not a 20-byte 0x address"),
        (SignedPunch("11" * 20, 1, False, 1), "is not a 20-byte 0x address"),
        (SignedPunch("0x" + "zz" * 20, 1, False, 1), "is not a 20-byte 0x address"),
    ],
)
def test_values_the_contract_cannot_hold_are_refused_by_name(punch: SignedPunch, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        punch.words()


def test_uint_words_are_big_endian_and_bounded() -> None:
    assert uint_word(1) == b"\0" * 31 + b"\1"
    with pytest.raises(ValueError):
        uint_word(2**256)


def test_a_device_key_signs_as_its_address() -> None:
    """(r, s, v) with v = 27 or 28 that recovers to the device's address, as the contract's ECDSA.recover."""
    signer = DeviceKey(account_key("gate-1"))
    digest = keccak(b"a batch")
    signature = signer.sign(digest)
    assert signer.address == label_address("gate-1") and len(signature) == 65 and signature[64] in (27, 28)
    public = PublicKey.from_signature_and_message(signature[:64] + bytes([signature[64] - 27]), digest, hasher=None)
    assert to_checksum_address(keccak(public.format(compressed=False)[1:])[-20:]) == signer.address
