"""Statutes → deployable artifacts, all in one solc call, cached by source hash.

The hand-written contracts (`DigitalCurrency`, `StatuteRegistry`, the domain
base contracts) are compiled in the same call as every statute: solc-js
costs seconds per call, so one call per session is the budget.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from eth_utils.crypto import keccak

from lawdsl.ast import Statute

from .cache import BUILD_DIR, cached_compile
from .generate import generate
from .solc import PROJECT_ROOT, compile_standard_json, settings
from .solidity import GeneratedContract

CONTRACTS_DIR = PROJECT_ROOT / "contracts"
#: Hand-written contracts deployed beside every statute, by name → source path.
LIBRARY_CONTRACTS = {
    "DigitalCurrency": "contracts/DigitalCurrency.sol",
    "StatuteRegistry": "contracts/StatuteRegistry.sol",
    "ReporterQuorum": "contracts/ReporterQuorum.sol",  # a k-of-n device (oracles/quorum.py)
    "AuthorityTimelock": "contracts/AuthorityTimelock.sol",  # the authority's delayed admin actions
}


@dataclass(frozen=True)
class Artifact:
    contract_name: str
    abi: list[dict[str, Any]]
    bytecode: str  # creation code, 0x-prefixed hex
    runtime_bytecode: str
    metadata: str
    source_map: str
    source: str  # the Solidity source (generated for statutes)
    law_source_hash: bytes  # keccak256 of the .law bytes; 32 zero bytes for hand-written contracts
    #: (start, length) byte ranges of the runtime code that the constructor fills with immutables
    immutable_ranges: tuple[tuple[int, int], ...] = ()
    #: solc's runtime source map, and the number it gives `source`: verify maps a byte to a rule
    runtime_source_map: str = ""
    source_index: int = -1

    def __repr__(self) -> str:  # the full ABI and bytecode would bury test reports
        return f"Artifact({self.contract_name}, {len(self.bytecode) // 2 - 1} bytes)"

    def to_json(self) -> dict[str, Any]:
        return {
            "contractName": self.contract_name,
            "abi": self.abi,
            "bytecode": self.bytecode,
            "deployedBytecode": self.runtime_bytecode,
            "metadata": self.metadata,
            "sourceMap": self.source_map,
            "source": self.source,
            "lawSourceHash": "0x" + self.law_source_hash.hex(),
            "immutableRanges": [list(r) for r in self.immutable_ranges],
        }


def law_source_hash(statute: Statute) -> bytes:
    """keccak256 of the statute's `.law` bytes, as the registry records it (zeros without a file)."""
    path = Path(statute.source_name)
    return keccak(path.read_bytes()) if path.is_file() else bytes(32)


def _sources(generated: Iterable[GeneratedContract]) -> dict[str, dict[str, str]]:
    """Every source solc starts from: all hand-written contracts (so that the cache key covers
    the base contracts the generated ones import) and the generated ones; OpenZeppelin comes in
    by import, pinned by its version in the cache key."""
    sources = {f"contracts/{path.name}": {"content": path.read_text()} for path in sorted(CONTRACTS_DIR.glob("*.sol"))}
    for contract in generated:
        sources[contract.path] = {"content": contract.source}
    return sources


def _artifact(output: dict[str, Any], path: str, name: str, source: str, law_hash: bytes) -> Artifact:
    compiled = output["contracts"][path][name]
    evm = compiled["evm"]
    immutables = evm["deployedBytecode"].get("immutableReferences", {})
    ranges = tuple(sorted((r["start"], r["length"]) for refs in immutables.values() for r in refs))
    return Artifact(
        name,
        compiled["abi"],
        "0x" + evm["bytecode"]["object"],
        "0x" + evm["deployedBytecode"]["object"],
        compiled["metadata"],
        evm["bytecode"].get("sourceMap", ""),
        source,
        law_hash,
        ranges,
        evm["deployedBytecode"].get("sourceMap", ""),
        output.get("sources", {}).get(path, {}).get("id", -1),
    )


def compile_statutes(statutes: Iterable[Statute], build_dir: Path = BUILD_DIR) -> dict[str, Artifact]:
    """Artifacts keyed by statute title, plus each of `LIBRARY_CONTRACTS` by name.

    `build_dir` holds the cache; generated statutes (the property tests) keep theirs apart."""
    statutes = list(statutes)
    generated = [generate(statute) for statute in statutes]
    input: dict[str, Any] = {"language": "Solidity", "sources": _sources(generated), "settings": settings()}
    output = cached_compile(input, compile_standard_json, build_dir)
    artifacts = {
        statute.header.title: _artifact(output, contract.path, contract.name, contract.source, law_source_hash(statute))
        for statute, contract in zip(statutes, generated)
    }
    for name, path in LIBRARY_CONTRACTS.items():
        artifacts[name] = _artifact(output, path, name, input["sources"][path]["content"], bytes(32))
    return artifacts


@functools.cache
def base_abis() -> dict[str, list[dict[str, Any]]]:
    """ABI of every hand-written contract (token, registry, domain bases), by contract name, from one
    cached solc call with the same sources and settings as every other compile.

    Every generated statute inherits its domain's events from a base contract, so these ABIs read
    the logs of a statute whose `.law` source nobody supplied.
    """
    input = {"language": "Solidity", "sources": _sources(()), "settings": settings()}
    output = cached_compile(input, compile_standard_json)
    return {name: compiled["abi"] for contracts in output["contracts"].values() for name, compiled in contracts.items()}


def matches_deployed(artifact: Artifact, deployed: bytes) -> bool:
    """`lawdsl verify`: the deployed runtime code is this artifact's, byte for byte, apart from
    the immutables its constructor wrote (token address, EIP-712 domain cache, calendar)."""
    expected = bytearray.fromhex(artifact.runtime_bytecode[2:])
    if len(expected) != len(deployed):
        return False
    actual = bytearray(deployed)
    for start, length in artifact.immutable_ranges:
        actual[start : start + length] = expected[start : start + length] = bytes(length)
    return actual == expected


def write_artifacts(artifacts: dict[str, Artifact], directory: Path) -> list[Path]:
    """`lawdsl compile -o DIR`: one `<Contract>.sol` and `<Contract>.json` per artifact."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for artifact in artifacts.values():
        sol = directory / f"{artifact.contract_name}.sol"
        sol.write_text(artifact.source)
        info = directory / f"{artifact.contract_name}.json"
        info.write_text(json.dumps(artifact.to_json(), indent=2))
        written += [sol, info]
    return written
