"""Statute AST → one readable Solidity contract, by the statute's domain (`lawdsl.domains`)."""

from __future__ import annotations

from lawdsl.ast import Statute
from lawdsl.domains import implementation

from .solidity import GeneratedContract


def generate(statute: Statute) -> GeneratedContract:
    contract: GeneratedContract = implementation("compiler.domains", statute.header.domain).generate(statute)
    return contract
