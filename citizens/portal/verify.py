"""The verification badge: is the code at a registry's address what its `.law` source compiles to?

Two checks, both needed: the source a citizen holds hashes to what the
registry recorded (so it is the enacted text), and that source, compiled
with the pinned compiler, gives the deployed runtime code (so the contract
does what the text says). `compiler.verify` is used when present (it is the
project's one verifier, see `check`).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Callable, Iterable

from compiler.artifacts import Artifact, compile_statutes, matches_deployed

from .sources import LawSource

if TYPE_CHECKING:
    from web3 import Web3


class Badge(enum.Enum):
    VERIFIED = "verified"
    MISMATCH = "code differs from source"
    NO_SOURCE = "source not supplied"


def check(artifact: Artifact, address: str, code: Callable[[str], bytes], w3: Web3 | None) -> bool:
    """Does the contract at `address` come from `artifact`?

    `compiler.verify.verify_code` (runtime code AND the creation
    transaction, which carries the constants held in immutables) when that
    module is installed, else the runtime byte comparison of `lawdsl verify`.
    Imported lazily, so the portal runs with whichever version is installed.
    """
    try:
        from compiler.verify import Status, verify_code
    except ImportError:
        return matches_deployed(artifact, code(address))
    creation = None
    if w3 is not None:
        try:
            from chain.history import find_creation

            creation = find_creation(w3, address).input
        except Exception:  # no state history on this node, or a factory-made contract: runtime only
            creation = None
    return verify_code(artifact, code(address), creation).status is not Status.MISMATCH


def badges(
    statutes: Iterable[dict[str, Any]],
    sources: dict[bytes, LawSource],
    code: Callable[[str], bytes],
    w3: Web3 | None = None,
) -> dict[str, Badge]:
    """Badge per statute address; every matched source is compiled in ONE solc call."""
    statutes = list(statutes)
    matched = {
        s["address"]: sources[bytes.fromhex(s["law_hash"][2:])]
        for s in statutes
        if bytes.fromhex(s["law_hash"][2:]) in sources
    }
    artifacts = compile_statutes(list({id(src): src.statute for src in matched.values()}.values())) if matched else {}
    result = {}
    for statute in statutes:
        source = matched.get(statute["address"])
        if source is None:
            result[statute["address"]] = Badge.NO_SOURCE
            continue
        artifact = artifacts[source.statute.header.title]
        ok = check(artifact, statute["address"], code, w3)
        result[statute["address"]] = Badge.VERIFIED if ok else Badge.MISMATCH
    return result
