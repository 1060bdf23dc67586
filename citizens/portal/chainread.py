"""Reading what the portal shows from a chain: registries, enactments, statute logs.

Logs are decoded with the ABIs of the hand-written base contracts (every
generated statute inherits its domain's events from them), so a statute
whose `.law` source nobody supplied is still readable. Decoding goes through
`eth_abi` directly: web3's per-log event objects cost far more than the
index can afford on a long history.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Iterator

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from chain.abi import abi_type
from citizens.chainlog import get_logs
from lawdsl.ast import Domain

#: Base contract of each domain: the events every statute of the domain emits.
DOMAIN_CONTRACTS = {
    Domain.WORKING_TIME: "WorkingTimeStatute",
    Domain.VOUCHERS: "VoucherProgram",
    Domain.PROCUREMENT: "ProcurementStatute",
}
#: A view function only that domain's contracts have: how a bare address tells its domain.
DOMAIN_PROBES = {
    Domain.WORKING_TIME: "paySchedule()",
    Domain.VOUCHERS: "faceValue()",
    Domain.PROCUREMENT: "ceilingPerUnit()",
}
ENACTED = "StatuteEnacted(string,uint256,address,bytes32,uint64)"


@functools.cache
def base_abis() -> dict[str, list]:
    """ABI of every hand-written contract, by contract name, from one (cached) solc call.

    Uses the compiler's own source set and settings, so the cache entry is
    shared with every other compile of the same contracts.
    """
    from compiler.artifacts import _sources  # the one definition of "every hand-written contract"
    from compiler.cache import cached_compile
    from compiler.solc import compile_standard_json, settings

    input = {"language": "Solidity", "sources": _sources(()), "settings": settings()}
    output = cached_compile(input, compile_standard_json)
    return {name: compiled["abi"] for contracts in output["contracts"].values()
            for name, compiled in contracts.items()}


class LogDecoder:
    """Decodes the logs of one ABI: topic0 → event name and arguments."""

    def __init__(self, abi: list) -> None:
        self.events: dict[bytes, tuple[str, list[dict]]] = {}
        for item in abi:
            if item.get("type") == "event":
                signature = f"{item['name']}({','.join(abi_type(i) for i in item['inputs'])})"
                self.events[keccak(text=signature)] = (item["name"], item["inputs"])

    def decode(self, log: dict) -> tuple[str, dict[str, Any]] | None:
        """(event name, arguments) of a raw log, or None for an event this ABI does not declare."""
        topics = [bytes(t) for t in log["topics"]]
        known = self.events.get(topics[0]) if topics else None
        if known is None:
            return None
        name, inputs = known
        plain = [i for i in inputs if not i["indexed"]]
        values = iter(abi_decode([abi_type(i) for i in plain], bytes(log["data"])))
        indexed = iter(topics[1:])
        args: dict[str, Any] = {}
        for item in inputs:
            if item["indexed"]:
                topic = next(indexed)
                args[item["name"]] = abi_decode([abi_type(item)], topic)[0] if item["type"] in _STATIC else topic
            else:
                args[item["name"]] = next(values)
        return name, args


_STATIC = {"address", "bool", "uint8", "uint64", "uint256", "int256", "bytes32"}


@dataclass(frozen=True)
class Enactment:
    """One `StatuteEnacted` entry of a registry: what the registry says a statute is."""

    registry: str
    title: str
    version: int
    address: str
    law_source_hash: bytes
    effective_from: int  # unix time
    block: int
    tx_hash: str


@dataclass(frozen=True)
class RawEvent:
    """A decoded log with where it sits on the chain."""

    name: str
    args: dict[str, Any]
    block: int
    log_index: int
    tx_hash: str


class ChainReader:
    """Read-only access to a node: nothing here signs or sends a transaction."""

    def __init__(self, url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        self._registry = LogDecoder(base_abis()["StatuteRegistry"])
        self._decoders = {domain: LogDecoder(base_abis()[name]) for domain, name in DOMAIN_CONTRACTS.items()}
        self._times: dict[int, int] = {}

    def latest_block(self) -> int:
        return self.w3.eth.block_number

    def logs(self, address: str | None, topics: list | None, start: int, end: int) -> Iterator[dict]:
        """Raw logs in [start, end], paged as public nodes require."""
        query: dict[str, Any] = {}
        if address is not None:
            query["address"] = to_checksum_address(address)
        if topics is not None:
            query["topics"] = topics
        return get_logs(self.w3, query, start, end)

    def discover_registries(self, end: int) -> list[str]:
        """Every contract that logged a `StatuteEnacted`: on a private chain, the registries.

        A registry named on the command line is a claim a citizen checks; a
        discovered one is only a convenience, and the page says which it is.
        """
        topic = "0x" + keccak(text=ENACTED).hex()
        found = {to_checksum_address(log["address"]) for log in self.logs(None, [topic], 0, end)}
        return sorted(found)

    def enactments(self, registry: str, start: int, end: int) -> list[Enactment]:
        found = []
        for event in self.decoded(self._registry, registry, start, end):
            if event.name == "StatuteEnacted":
                a = event.args
                found.append(Enactment(to_checksum_address(registry), a["title"], a["version"],
                                       to_checksum_address(a["statute"]), bytes(a["lawSourceHash"]),
                                       a["effectiveFrom"], event.block, event.tx_hash))
        return found

    def statute_events(self, domain: Domain, address: str, start: int, end: int) -> Iterator[RawEvent]:
        return self.decoded(self._decoders[domain], address, start, end)

    def decoded(self, decoder: LogDecoder, address: str, start: int, end: int) -> Iterator[RawEvent]:
        for log in self.logs(address, None, start, end):
            decoded = decoder.decode(log)
            if decoded is not None:
                yield RawEvent(decoded[0], decoded[1], log["blockNumber"], log["logIndex"],
                               "0x" + bytes(log["transactionHash"]).hex())

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

    def call(self, address: str, signature: str, *types: str) -> tuple | None:
        """A view call by signature without an ABI; None if the contract has no such function."""
        try:
            raw = self.w3.eth.call({"to": to_checksum_address(address), "data": keccak(text=signature)[:4]})
        except Exception:  # a revert: the function is not there (or not callable now)
            return None
        if not raw or len(raw) < 32 * len(types):
            return None
        return tuple(abi_decode(list(types), bytes(raw)))

    def domain_of(self, address: str) -> Domain | None:
        for domain, probe in DOMAIN_PROBES.items():
            if self.call(address, probe, "uint256") is not None:
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
