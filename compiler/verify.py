"""Recompiled code against deployed code: exact match, match, or mismatch (Sourcify's model).

solc appends a CBOR map to every contract's code (the IPFS hash of the
metadata JSON, the compiler version) and stores its length in the last two
bytes. The metadata hash covers every source byte, comments included, so two
builds of the same logic from differently commented sources differ only
there:

- *exact match* — the bytes are equal, metadata included: the deployed
  contract was built from exactly these sources with exactly these settings;
- *match* — equal once the CBOR tail is masked: the same logic, compiled
  with the same compiler and settings, from sources that differ in comments
  or whitespace (Sourcify's "partial match");
- *mismatch* — anything else, with the first differing byte offset.

Two values are masked before comparing, because they are not part of what
was compiled: the immutables the constructor writes into the runtime code
(their offsets come from solc's `immutableReferences`), and the constructor
arguments appended to the creation code. Masking immutables would hide the
statute constants that vouchers and procurement contracts keep in
immutables, so the *creation* code is compared as well: it carries the
generated constructor with those constants, and it determines what the
immutables became. This module only compares bytes; finding the deployed
code and its creation transaction is the chain side's job (citizens/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable

from .artifacts import Artifact


class Status(Enum):
    EXACT = "exact match"
    MATCH = "match"
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class CodeComparison:
    """One comparison of compiled bytes with deployed bytes."""

    status: Status
    offset: int | None = None  # first differing byte, for a mismatch
    expected_length: int = 0
    actual_length: int = 0

    def describe(self) -> str:
        if self.status is not Status.MISMATCH:
            return str(self.status.value)
        sizes = (
            f" (lengths {self.expected_length} and {self.actual_length})"
            if self.expected_length != self.actual_length
            else ""
        )
        return f"mismatch at byte {self.offset}{sizes}"


def metadata_length(code: bytes) -> int:
    """Bytes the CBOR metadata tail takes, its 2-byte length included; 0 when there is none."""
    if len(code) < 2:
        return 0
    length = int.from_bytes(code[-2:], "big") + 2
    if length > len(code) or not code[-length:-2] or code[-length] & 0xE0 != 0xA0:  # a CBOR map
        return 0
    return length


def decode_metadata(code: bytes) -> dict[str, object]:
    """The CBOR map solc appends (`ipfs`, `solc`, …) as a dict; empty if the code has none.

    Only what solc writes is understood: a map of text keys to byte strings,
    text or booleans — enough to read the compiler version of deployed code.
    """
    length = metadata_length(code)
    if not length:
        return {}
    blob = code[-length:-2]
    try:
        value, end = _cbor_item(blob, 0)
    except (IndexError, ValueError):
        return {}
    return value if isinstance(value, dict) and end == len(blob) else {}


def _cbor_argument(blob: bytes, position: int) -> tuple[int, int, int]:
    """(major type, argument, next position) of the CBOR item head at `position`."""
    head = blob[position]
    major, info = head >> 5, head & 0x1F
    if info < 24:
        return major, info, position + 1
    if info > 27:
        raise ValueError("indefinite lengths are not used by solc")
    size = 1 << (info - 24)
    return major, int.from_bytes(blob[position + 1 : position + 1 + size], "big"), position + 1 + size


def _cbor_item(blob: bytes, position: int) -> tuple[object, int]:
    major, argument, position = _cbor_argument(blob, position)
    if major in (2, 3):
        data = blob[position : position + argument]
        return (data if major == 2 else data.decode()), position + argument
    if major == 5:
        items: dict[str, object] = {}
        for _ in range(argument):
            key, position = _cbor_item(blob, position)
            items[str(key)], position = _cbor_item(blob, position)
        return items, position
    if major == 7 and argument in (20, 21):
        return argument == 21, position
    raise ValueError(f"CBOR major type {major} is not part of solc metadata")


def compiler_version(code: bytes) -> str | None:
    """The solc version a release build recorded in the code's metadata (`0.8.30`), if any."""
    version = decode_metadata(code).get("solc")
    if isinstance(version, bytes) and len(version) == 3:
        return ".".join(str(part) for part in version)
    return version if isinstance(version, str) else None


def compare_code(expected: bytes, actual: bytes, masked: Iterable[tuple[int, int]] = ()) -> CodeComparison:
    """Compare `expected` (compiled) with `actual` (deployed), `masked` (start, length) ranges zeroed."""
    codes = bytearray(expected), bytearray(actual)
    for start, length in masked:
        for code in codes:
            if start + length <= len(code):
                code[start : start + length] = bytes(length)
    expected, actual = bytes(codes[0]), bytes(codes[1])
    sizes = {"expected_length": len(expected), "actual_length": len(actual)}
    if expected == actual:
        return CodeComparison(Status.EXACT, **sizes)
    tail = metadata_length(bytes(expected))
    if tail and tail == metadata_length(bytes(actual)) and expected[:-tail] == actual[:-tail]:
        return CodeComparison(Status.MATCH, **sizes)
    offset = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b), min(len(expected), len(actual)))
    return CodeComparison(Status.MISMATCH, offset, **sizes)


@dataclass(frozen=True)
class Verification:
    """The verdict on one deployed statute contract."""

    contract_name: str
    runtime: CodeComparison
    creation: CodeComparison | None  # None: the creation transaction was not found
    constructor_arguments: bytes  # what followed the creation code in the creation transaction
    deployed_compiler: str | None  # from the deployed code's metadata
    settings: dict[str, Any]  # compiler, EVM version and optimizer of the recompile, from its metadata

    @property
    def status(self) -> Status:
        """The weaker of the two verdicts; without the creation code only the runtime speaks."""
        verdicts = [self.runtime.status] + ([self.creation.status] if self.creation else [])
        order = [Status.EXACT, Status.MATCH, Status.MISMATCH]
        return max(verdicts, key=order.index)


def recorded_settings(artifact: Artifact) -> dict[str, Any]:
    """The settings the artifact was compiled with, as its metadata JSON records them."""
    metadata = json.loads(artifact.metadata)
    settings = metadata.get("settings", {})
    return {
        "compiler": metadata.get("compiler", {}).get("version"),
        "evmVersion": settings.get("evmVersion"),
        "optimizer": settings.get("optimizer", {}),
    }


def verify_code(artifact: Artifact, runtime: bytes, creation_input: bytes | None) -> Verification:
    """Compare an artifact with a deployed contract's runtime code and creation transaction input."""
    compiled_runtime = bytes.fromhex(artifact.runtime_bytecode[2:])
    compiled_creation = bytes.fromhex(artifact.bytecode[2:])
    creation = None
    arguments = b""
    if creation_input is not None:
        creation = compare_code(compiled_creation, creation_input[: len(compiled_creation)])
        arguments = creation_input[len(compiled_creation) :]
    return Verification(
        artifact.contract_name,
        compare_code(compiled_runtime, runtime, artifact.immutable_ranges),
        creation,
        arguments,
        compiler_version(runtime),
        recorded_settings(artifact),
    )
