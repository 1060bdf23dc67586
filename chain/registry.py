"""Reading the statute registry: which contract is which version of which statute, with which law hash.

One reader for every user: `lawdsl verify` and `lawdsl audit` check that a
registry enacted a contract with the `.law` file's keccak256 (`enactments_of`),
the portal lists every enactment from the registries' `StatuteEnacted` logs
(`enacted`). Logs say what was enacted and when; the registry's state
(`history`) says which version is current. Anyone can deploy a registry, so a
caller always shows which registry answered.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.exceptions import Web3Exception

from compiler.artifacts import base_abis

from .abi import Abi
from .history import NotFound, get_logs


@dataclass(frozen=True)
class Enactment:
    """One version of a statute as a registry records it."""

    registry: str
    title: str
    version: int
    statute: str  # the contract's address
    law_source_hash: bytes
    effective_from: int  # unix time
    block: int | None = None  # of its `StatuteEnacted` log, when read from the log
    tx_hash: str | None = None
    current: bool | None = None  # the title's latest version there, when read from the registry's state


@functools.cache
def registry_abi() -> Abi:
    return Abi(base_abis()["StatuteRegistry"])


def enacted(w3: Web3, start: int, end: int | None = None, registry: str | None = None) -> list[Enactment]:
    """Every `StatuteEnacted` log from `start` to `end` (default: the head), of one registry or of any
    contract that logged one, in chain order."""
    abi = registry_abi()
    query: dict[str, Any] = {"topics": [abi.topic("StatuteEnacted")]}
    if registry is not None:
        query["address"] = to_checksum_address(registry)
    found = []
    for log in get_logs(w3, query, start, end):
        decoded = abi.log(log)
        if decoded is None:
            continue
        args = decoded[1]
        found.append(
            Enactment(
                to_checksum_address(log["address"]),
                args["title"],
                args["version"],
                args["statute"],
                bytes(args["lawSourceHash"]),
                args["effectiveFrom"],
                log["blockNumber"],
                "0x" + bytes(log["transactionHash"]).hex(),
            )
        )
    return found


def discover_registries(w3: Web3, end: int | None = None) -> list[str]:
    """Every contract that logged a `StatuteEnacted`: on a private chain, the registries.

    A registry named by the user is a claim a citizen checks; a discovered one
    is only a convenience, and whoever shows it says which it is.
    """
    return sorted({e.registry for e in enacted(w3, 0, end)})


def history(w3: Web3, registry: str, title: str) -> list[Enactment]:
    """Every version of `title` in the registry's state, oldest first, the last one current."""
    contract = w3.eth.contract(address=to_checksum_address(registry), abi=registry_abi().items)
    try:
        versions = contract.functions.history(title).call()
    except (Web3Exception, ValueError):
        raise NotFound(f"{registry} is not a statute registry") from None
    return [
        Enactment(
            contract.address,
            title,
            version,
            statute,
            bytes(source_hash),
            effective,
            current=position == len(versions) - 1,
        )
        for position, (statute, source_hash, version, effective) in enumerate(versions)
    ]


def enactments_of(
    w3: Web3, statute: str, title: str, registry: str | None = None, from_block: int = 0
) -> list[Enactment]:
    """Every registry entry for the contract `statute` under `title`, read from registry state.

    With `registry`, that registry is read. Without it, registries are the
    ones whose `StatuteEnacted` logs name the contract.
    """
    statute = to_checksum_address(statute)
    if registry is not None:
        candidates: list[str] = [to_checksum_address(registry)]
    else:
        candidates = list(dict.fromkeys(e.registry for e in enacted(w3, from_block) if e.statute == statute))
    return [e for address in candidates for e in history(w3, address, title) if e.statute == statute]


def recorded_source_hashes(w3: Web3, statute: str, from_block: int = 0) -> set[bytes]:
    """The law source hashes that any registry's `StatuteEnacted` logs record for the contract."""
    statute = to_checksum_address(statute)
    return {e.law_source_hash for e in enacted(w3, from_block) if e.statute == statute}
