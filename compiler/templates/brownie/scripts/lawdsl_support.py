"""Deploy the exported statutes and drive a working-time statute, with Brownie only.

Written by `lawdsl export brownie`; the data (titles, contract names, law
hashes) comes from `lawdsl.json` beside `brownie-config.yaml`, so this file
is the same for every export. `scripts/deploy.py` and `tests/` use it.

Roles, as the statute contracts define them:
- the authority deploys, mints the digital currency, enacts statutes in the
  registry and offers attendance devices, which their employer accepts;
- the authority records an employment; the employer approves and deposits wages;
- a device signs punch batches (EIP-712); anyone, here a gateway account,
  relays a signed batch, and the contract pays the employee at clock-out.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brownie import chain, project
from eth_account import Account
from eth_account.messages import encode_typed_data

MANIFEST = Path(__file__).resolve().parent.parent / "lawdsl.json"
WORKING_TIME = "working time"
CLOCK_OUT = 0  # WorkingTimeStatute.PaySchedule.ClockOut
DAY = 86_400
PUNCH_TYPES = {
    "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                     {"name": "chainId", "type": "uint256"},
                     {"name": "verifyingContract", "type": "address"}],
    "PunchBatch": [{"name": "device", "type": "address"}, {"name": "sequence", "type": "uint64"},
                   {"name": "punches", "type": "Punch[]"}],
    "Punch": [{"name": "employee", "type": "address"}, {"name": "at", "type": "uint64"},
              {"name": "clockIn", "type": "bool"}, {"name": "ref", "type": "uint64"}],
}


def manifest() -> dict:
    """`lawdsl.json`: the statutes of this export and the compiler they were built with."""
    return json.loads(MANIFEST.read_text())


def container(name: str) -> Any:
    """The Brownie ContractContainer of a contract of this project, by name."""
    return project.get_loaded_projects()[0][name]


@dataclass
class Deployment:
    """Everything deployed: one token per currency, the registry, the statutes by title."""

    authority: Any
    registry: Any
    tokens: dict[str, Any] = field(default_factory=dict)
    statutes: dict[str, Any] = field(default_factory=dict)
    entries: dict[str, dict] = field(default_factory=dict)

    def token_of(self, title: str) -> Any:
        return self.tokens[self.entries[title]["currency"]]

    def as_json(self) -> dict:
        return {"registry": self.registry.address,
                "tokens": {code: token.address for code, token in self.tokens.items()},
                "statutes": {title: contract.address for title, contract in self.statutes.items()}}


def deploy_all(authority: Any) -> Deployment:
    """Deploy a digital currency per currency, the registry and every statute; enact each."""
    registry = container("StatuteRegistry").deploy(authority, {"from": authority})
    deployment = Deployment(authority, registry)
    for entry in manifest()["statutes"]:
        code = entry["currency"]
        if code not in deployment.tokens:
            deployment.tokens[code] = container("DigitalCurrency").deploy(
                f"Digital {code}", code, entry["currencyDigits"], authority, {"from": authority})
        contract = container(entry["contract"])
        statute = contract.deploy(deployment.tokens[code], authority, *unnamed_parties(contract.abi),
                                  {"from": authority})
        registry.enact(entry["title"], entry["version"], statute, entry["lawSourceHash"],
                       statute.effectiveFrom(), {"from": authority})
        deployment.statutes[entry["title"]] = statute
        deployment.entries[entry["title"]] = entry
    return deployment


def unnamed_parties(abi: list) -> list:
    """The constructor's parties after (currency, authority), left for the authority to name later:
    a voucher program's issuer (zero: `appointIssuer`), a procurement statute's buyers (none:
    `registerBuyer`)."""
    constructor = next((item for item in abi if item.get("type") == "constructor"), {"inputs": []})
    return [[] if party["type"].endswith("[]") else "0x" + "00" * 20 for party in constructor["inputs"][2:]]


def reach_time(timestamp: int) -> None:
    """Mine a block at `timestamp` if the chain is still before it (development networks):
    a statute refuses every action before its effective date."""
    if chain[-1].timestamp < timestamp:
        chain.mine(timestamp=timestamp)


def sign_batch(device: Any, statute: Any, sequence: int, punches: list[tuple]) -> bytes:
    """The device's EIP-712 signature over a punch batch, as an attendance terminal makes it."""
    _, name, version, chain_id, verifying, _, _ = statute.eip712Domain()
    message = {"device": device.address, "sequence": sequence,
               "punches": [{"employee": e, "at": at, "clockIn": clock_in, "ref": ref}
                           for e, at, clock_in, ref in punches]}
    typed = {"types": PUNCH_TYPES, "primaryType": "PunchBatch", "message": message,
             "domain": {"name": name, "version": version, "chainId": chain_id,
                        "verifyingContract": verifying}}
    return bytes(Account.sign_message(encode_typed_data(full_message=typed), device.key).signature)


@dataclass(frozen=True)
class ShiftResult:
    employee: str
    paid: int  # minor units that reached the employee's wallet
    wage_paid_events: int
    transactions: list


def work_one_shift(deployment: Deployment, title: str, employer: Any, employee: Any, gateway: Any,
                   hourly_wage: int = 4_000, hours: int = 12) -> ShiftResult:
    """Employ, fund, register a device and relay one signed batch (clock-in and clock-out of a
    `hours`-long shift on a Tuesday two weeks into the statute), then settle if the statute pays
    weekly or monthly. Returns what the employee received, read from the token."""
    statute, token, authority = deployment.statutes[title], deployment.token_of(title), deployment.authority
    effective = statute.effectiveFrom()
    reach_time(effective)
    deposit = hourly_wage * hours * 4  # enough for any premium rate up to 400 %
    token.mint(employer, deposit, {"from": authority})
    # The authority records the employment (no worker signature needed for one on record).
    txs = [statute.registerEmployment(employer, employee, hourly_wage, {"from": authority}),
           token.approve(statute, deposit, {"from": employer}),
           statute.deposit(deposit, 1, {"from": employer})]

    device = Account.create()  # the terminal's key: it signs, it never sends a transaction
    txs.append(statute.registerDevice(device.address, employer, {"from": authority}))
    txs.append(statute.acceptDevice(device.address, {"from": employer}))  # it counts once accepted
    offset = statute.timeZoneOffset()
    day = statute.effectiveDay() + 14
    day += (1 - dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + day).weekday()) % 7  # a Tuesday
    clock_in = day * DAY - offset + 8 * 3600  # 08:00 local time
    punches = [(employee.address, clock_in, True, 2), (employee.address, clock_in + hours * 3600, False, 3)]
    before = token.balanceOf(employee)
    reach_time(clock_in + hours * 3600)  # a punch may not lie ahead of the chain's time
    sequence = statute.nextSequence(device.address)
    txs.append(statute.submitPunches((device.address, sequence, punches),
                                     sign_batch(device, statute, sequence, punches), {"from": gateway}))
    if statute.paySchedule() != CLOCK_OUT:
        reach_time(clock_in + 40 * DAY)  # past the end of the shift's week and month
        txs.append(statute.settle(4, 100, {"from": gateway}))  # one page: the only employee
    paid_events = [event for tx in txs for name in ("PaidAtClockOut", "WagePaid") if name in tx.events
                   for event in tx.events[name]
                   if event["employee"] == employee.address]
    return ShiftResult(employee.address, token.balanceOf(employee) - before, len(paid_events), txs)


def working_time_titles() -> list[str]:
    return [entry["title"] for entry in manifest()["statutes"] if entry["domain"] == WORKING_TIME]
