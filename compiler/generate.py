"""Statute AST → one readable Solidity contract, dispatched by domain."""
from __future__ import annotations

from dataclasses import dataclass

from lawdsl.ast import Domain, Statute


@dataclass(frozen=True)
class GeneratedContract:
    name: str  # the Solidity contract name
    source: str  # the complete .sol file

    @property
    def path(self) -> str:
        """Where the source lives in the compiler's virtual file system (and `contracts/generated/`)."""
        return f"contracts/generated/{self.name}.sol"


def generate(statute: Statute) -> GeneratedContract:
    if statute.header.domain is Domain.WORKING_TIME:
        from .domains import working_time as domain
    elif statute.header.domain is Domain.VOUCHERS:
        from .domains import vouchers as domain  # type: ignore[no-redef]
    else:
        from .domains import procurement as domain  # type: ignore[no-redef]
    return domain.generate(statute)
