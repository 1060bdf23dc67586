"""What version N+1 of a working-time statute must be told of version N: standing employments and devices.

The design (docs/chain-interfaces.md, "Amendments"): a new version's
contract never reads its predecessor (that would tie every version's
storage to the first's); the authority replays onto it, from the old
contract's logs, each standing employment (`registerEmployment`) and each
accepted, unrevoked device (`registerDevice`, which the firm then accepts as
usual). The logs name the candidates, a page of blocks at a time; the old
contract's state says which still stand and at which wage; the new
contract's state says which are carried already, so running a migration
again registers nothing twice. Deposits are the firms' own: each moves its
own (`firm withdraw` on the old, `firm deposit` on the new).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address
from web3.contract import Contract

from .abi import Abi
from .history import get_logs

#: `deviceStatus` states (the contract's `DeviceState` enum).
NONE, OFFERED, ACCEPTED, REVOKED = range(4)


@dataclass(frozen=True)
class Carry:
    """One registration version N+1 needs: `function(*args)` on the new contract, by its authority."""

    function: str  # "registerEmployment" or "registerDevice"
    args: tuple[Any, ...]
    what: str  # in words, addresses as given by `name`

    def call(self, new: Contract) -> Any:
        return getattr(new.functions, self.function)(*self.args)


@dataclass(frozen=True)
class Plan:
    """What a migration registers, and what it found carried already (so registers no more)."""

    carries: tuple[Carry, ...]
    already: int
    devices_to_accept: tuple[tuple[str, str], ...]  # (device, firm) offered but not yet accepted on the new
    firms: tuple[str, ...]  # every firm with a standing employment or device under version N


def _first_seen(old: Contract, event: str, key: str, from_block: int) -> list[str]:
    """The distinct `key` arguments of the old contract's `event` logs, in order of first appearance."""
    abi = Abi(old.abi)
    query = {"address": old.address, "topics": [abi.topic(event)]}
    seen: dict[str, None] = {}
    for log in get_logs(old.w3, query, from_block):
        decoded = abi.log(log)
        if decoded is not None:
            seen.setdefault(to_checksum_address(decoded[1][key]), None)
    return list(seen)


def plan(old: Contract, new: Contract, from_block: int = 0, name: Any = str) -> Plan:
    """The registrations that carry version N's standing employments and devices to version N+1,
    in the order they were first made (the order settlement pays employees in), minus those the
    new contract has already."""
    carries: list[Carry] = []
    already = 0
    firms: dict[str, None] = {}
    for employee in _first_seen(old, "Employed", "employee", from_block):
        employer, _, wage, _ = old.functions.workers(employee).call()
        if int(employer, 16) == 0:
            continue  # the employment ended
        firms.setdefault(to_checksum_address(employer), None)
        if to_checksum_address(new.functions.employerOf(employee).call()) == to_checksum_address(employer):
            already += 1
            continue
        carries.append(
            Carry(
                "registerEmployment",
                (employer, employee, wage),
                f"employment of {name(employee)} by {name(employer)}",
            )
        )
    to_accept = []
    for device in _first_seen(old, "DeviceRegistered", "device", from_block):
        firm, state = old.functions.deviceStatus(device).call()
        if state != ACCEPTED:
            continue  # revoked since
        firms.setdefault(to_checksum_address(firm), None)
        new_firm, new_state = new.functions.deviceStatus(device).call()
        if new_state != NONE:
            already += 1
            if new_state == OFFERED:
                to_accept.append((device, new_firm))
            continue
        carries.append(Carry("registerDevice", (device, firm), f"device {name(device)} offered to {name(firm)}"))
        to_accept.append((device, firm))
    return Plan(tuple(carries), already, tuple(to_accept), tuple(firms))
