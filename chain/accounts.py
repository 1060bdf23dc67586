"""Deterministic dev accounts, one per scenario label, and the labels of the chain's roles.

A label's key is keccak256("lawdsl:" + label): a run is reproducible and its
addresses map back to labels. Anyone can derive these keys, so they are for
scenario replay, tests and the demo on a chain the tool started itself —
never for anything that moves real money.
"""

from __future__ import annotations

import functools

from coincurve import PublicKey
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from .signing import BatchSigner, DeviceKey

AUTHORITY = "@authority"  # label of the statute authority (deployer, registers devices)
GATEWAY = "@gateway"  # label of the oracle gateway that relays signed punch batches


def account_key(label: str) -> bytes:
    """The private key of a scenario label: keccak256("lawdsl:" + label)."""
    return keccak(f"lawdsl:{label}".encode())


@functools.lru_cache(maxsize=None)
def label_address(label: str) -> str:
    """The address of a scenario label's deterministic dev key (`account_key`).

    coincurve directly and cached: `Account.from_key` took 0.35 ms a label, and a gateway
    looks up every employee of a site before their first batch.
    """
    public = PublicKey.from_secret(account_key(label)).format(compressed=False)[1:]
    return to_checksum_address(keccak(public)[-20:])


def device_signer(label: str) -> BatchSigner:
    """The default signer of a device's batches: its deterministic dev key (`account_key`),
    the key `lawdsl run` and `provision` register as the device."""
    return DeviceKey(account_key(label))
