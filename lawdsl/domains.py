"""The table of statute domains, the one place every layer looks a domain up.

A domain is implemented once per layer, in a module of the same name:

| layer | module | what it exports |
|---|---|---|
| interpreter | `lawdsl/interpret/<module>.py` | `INTERPRETER` (a `DomainInterpreter`), `Reason` |
| compiler | `compiler/domains/<module>.py` | `generate(statute) -> GeneratedContract` |
| chain | `chain/domains/<module>.py` | `DRIVER` (encode), `REBUILDER` (decode) |

Each layer finds its module through `implementation(package, domain)`, so a
new domain is one row here plus one module per layer, and no layer keeps its
own list of domains. The modules are imported by name, not here: `lawdsl`
must not import the compiler or the chain (tests/test_architecture.py).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from .ast import Domain


@dataclass(frozen=True)
class DomainInfo:
    domain: Domain
    module: str  # the name of the domain's module in every layer
    base_contract: str  # the hand-written contract in contracts/ every statute of the domain inherits
    probe: str  # a view only this domain's contracts have: how a bare address tells its domain


DOMAINS: dict[Domain, DomainInfo] = {
    info.domain: info
    for info in (
        DomainInfo(Domain.WORKING_TIME, "working_time", "WorkingTimeStatute", "paySchedule()"),
        DomainInfo(Domain.VOUCHERS, "vouchers", "VoucherProgram", "faceValue()"),
        DomainInfo(Domain.PROCUREMENT, "procurement", "ProcurementStatute", "ceilingPerUnit()"),
    )
}


def implementation(package: str, domain: Domain) -> ModuleType:
    """The module implementing `domain` in a layer: `<package>.<module>`, e.g. `chain.domains.vouchers`."""
    return importlib.import_module(f"{package}.{DOMAINS[domain].module}")
