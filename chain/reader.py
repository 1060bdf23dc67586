"""Read-only access for the portal and the open-data export: statutes' logs, block times, probes.

Logs are decoded with the ABIs of the hand-written base contracts (every
generated statute inherits its domain's events from them), so a statute
whose `.law` source nobody supplied is still readable. Decoding goes through
the one codec (`chain/abi.py`, eth_abi directly): web3's per-log event
objects cost far more than the portal's index can afford on a long history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3

from compiler.artifacts import base_abis
from lawdsl.ast import Domain
from lawdsl.domains import DOMAINS

from .abi import Abi, checksum
from .history import get_logs
from .registry import Enactment, discover_registries, enacted


@dataclass(frozen=True)
class RawEvent:
    """A decoded log with where it sits on the chain."""

    name: str
    args: dict[str, Any]
    block: int
    log_index: int
    tx_hash: str
    address: str  # the contract that logged it


class ChainReader:
    """Read-only access to a node: nothing here signs or sends a transaction."""

    def __init__(self, url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        self._abis = {domain: Abi(base_abis()[info.base_contract]) for domain, info in DOMAINS.items()}
        self._times: dict[int, int] = {}

    def latest_block(self) -> int:
        return self.w3.eth.block_number

    def logs(
        self, address: str | list[str] | None, topics: list[Any] | None, start: int, end: int
    ) -> Iterator[dict[str, Any]]:
        """Raw logs in [start, end] of one contract or several (one request for all), paged as public
        nodes require."""
        query: dict[str, Any] = {}
        if isinstance(address, list):
            query["address"] = [to_checksum_address(a) for a in address]
        elif address is not None:
            query["address"] = to_checksum_address(address)
        if topics is not None:
            query["topics"] = topics
        return get_logs(self.w3, query, start, end)

    def discover_registries(self, end: int, start: int = 0) -> list[str]:
        """Contracts that logged a `StatuteEnacted` in [start, end] (`discover_registries` from 0)."""
        if start == 0:
            return discover_registries(self.w3, end)
        return sorted({e.registry for e in enacted(self.w3, start, end)})

    def enactments(self, registry: str, start: int, end: int) -> list[Enactment]:
        return enacted(self.w3, start, end, registry)

    def statute_events(self, statutes: dict[str, Domain], start: int, end: int) -> Iterator[RawEvent]:
        """The logs of every statute in `statutes` (address → domain), in chain order, decoded with
        its domain's base contract ABI; one `eth_getLogs` per page of blocks for all of them."""
        if not statutes:
            return
        abis = {checksum(bytes.fromhex(a[2:])): self._abis[d] for a, d in statutes.items()}
        for log in self.logs(list(abis), None, start, end):
            address = checksum(bytes.fromhex(str(log["address"])[2:]))
            decoded = abis[address].log(log)
            if decoded is not None:
                yield RawEvent(
                    decoded[0],
                    decoded[1],
                    log["blockNumber"],
                    log["logIndex"],
                    "0x" + bytes(log["transactionHash"]).hex(),
                    address,
                )

    def forget(self) -> None:
        """Drop cached block times: the chain behind the URL is not the one they came from."""
        self._times.clear()

    def block_hash(self, number: int) -> str:
        return "0x" + bytes(self.w3.eth.get_block(number)["hash"]).hex()

    def block_time(self, number: int) -> int:
        """A block's timestamp; cached, since many logs share a block."""
        if number not in self._times:
            self._times[number] = self.w3.eth.get_block(number)["timestamp"]
        return self._times[number]

    def call(self, address: str, signature: str, *types: str) -> tuple[Any, ...] | None:
        """A view call by signature without an ABI; None if the contract has no such function."""
        try:
            raw = self.w3.eth.call({"to": to_checksum_address(address), "data": keccak(text=signature)[:4]})
        except Exception:  # a revert: the function is not there (or not callable now)
            return None
        if not raw or len(raw) < 32 * len(types):
            return None
        return tuple(abi_decode(list(types), bytes(raw)))

    def domain_of(self, address: str) -> Domain | None:
        for domain, info in DOMAINS.items():
            if self.call(address, info.probe, "uint256") is not None:
                return domain
        return None

    def currency_of(self, address: str) -> tuple[str, int]:
        """(symbol, minor digits) of the token a statute pays in, read from the token itself."""
        token = self.call(address, "currency()", "address")
        if token is None:
            return ("?", 0)
        symbol = self.call(token[0], "symbol()", "string")
        decimals = self.call(token[0], "decimals()", "uint8")
        return (symbol[0] if symbol else "?", decimals[0] if decimals else 0)

    def code(self, address: str) -> bytes:
        return bytes(self.w3.eth.get_code(to_checksum_address(address)))
