"""A firm at scale under weekly pay: settlement and arrears paid page by page, as the keeper does.

Why: settlement and arrears used to loop over every employee (or every queued
payment) in one transaction, which no block holds past a few hundred
employees. Now `settle(ref, maxEmployees)` and `payArrears(ref, employer,
maxItems)` each do a bounded page; this runs a firm of `employees` through two
weeks and measures the pages:

- week 1: the deposit covers the wages, so the settlement pays each employee
  at once (gas per settled employee, the most employees one 30 M gas block
  settles);
- week 2: nothing is left in the deposit, so the settlement queues every
  employee's wage as arrears; a new deposit then pays the queue down, page by
  page (gas per arrears paid).

Every transaction stays under the client's per-transaction cap (15 M gas, half
the 30 M default block), and the outcome is compared with the interpreter's,
employee by employee. The staff are employments on record
(`registerEmployment` by the authority: one transaction each, no signatures to
make), their punches go in device batches of `BATCH` punches.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from eth_utils.crypto import keccak

from compiler.artifacts import Artifact
from lawdsl.ast import Statute
from lawdsl.events import Deposit, Employ, Event, Punch, RegisterDevice, Settle
from lawdsl.interpret import interpret
from lawdsl.money import Money
from lawdsl.scenario import Scenario

from .accounts import AUTHORITY, GATEWAY, account_key
from .client import Chain
from .domains.working_time import WorkingTimeDriver
from .runner import deploy
from .signing import SignedPunch, batch_digest_of_words, sign_digest, submit_calldata

BLOCK_GAS = 30_000_000  # anvil's default block gas limit, and mainnet's of old
BATCH = 400  # punches per device batch while setting up
EMPLOYER = "scale-firm"
DEVICE = "scale-gate"
WAGE = 3_000  # minor units an hour
SHIFT_HOURS = 8


@dataclass
class SettlementRun:
    """What the pages cost, and what each employee was paid on chain and by the interpreter."""

    employees: int
    settle_paid_gas: list[int] = field(default_factory=list)  # week 1 pages: every wage paid at once
    settle_queued_gas: list[int] = field(default_factory=list)  # week 2 pages: every wage queued
    arrears_gas: list[int] = field(default_factory=list)  # the deposit, then payArrears pages
    chain_paid: Counter[str] = field(default_factory=Counter)  # employee label -> minor units received
    law_paid: Counter[str] = field(default_factory=Counter)
    arrears_left: int = -1

    def figures(self) -> dict[str, float]:
        per_settled = sum(self.settle_paid_gas) / self.employees
        per_queued = sum(self.settle_queued_gas) / self.employees
        per_arrears = sum(self.arrears_gas) / self.employees
        return {
            "settle, per employee paid at once (weekly, paged)": per_settled,
            "  employees settled in one 30 M gas block": BLOCK_GAS // per_settled,
            "settle, per employee whose wage is queued": per_queued,
            "arrears paid, per queued payment (deposit + payArrears pages)": per_arrears,
            "  arrears paid in one 30 M gas block": BLOCK_GAS // per_arrears,
        }


def _monday(statute: Statute, weeks: int) -> dt.date:
    effective = statute.header.effective
    return effective + dt.timedelta(days=(7 - effective.weekday()) % 7 + 7 * weeks)


def run_settlement(
    statute: Statute, chain: Chain, artifacts: dict[str, Artifact], employees: int, page: int
) -> SettlementRun:
    """Two weeks of `employees` under `statute` (weekly pay, weeks from Monday, no earning rule beyond
    100% for an 8-hour weekday shift), settled in pages of `page` employees and paying arrears in
    pages of `page` items. Runs on the chain as it is: take a snapshot around it."""
    tz = statute.header.time_zone.tzinfo
    currency = statute.header.currency
    staff = [f"scale-worker-{i}" for i in range(employees)]
    addresses = {label: chain.address(label) for label in staff}
    wages = employees * WAGE * SHIFT_HOURS
    weeks = [_monday(statute, 2), _monday(statute, 3)]
    start = dt.datetime.combine(weeks[0] - dt.timedelta(days=7), dt.time(), tz)

    setup: list[Event] = [
        RegisterDevice(0, start, DEVICE, EMPLOYER),
        Deposit(1, start, EMPLOYER, Money(currency, wages)),
    ]
    setup += [Employ(2 + i, start, EMPLOYER, label, Money(currency, WAGE)) for i, label in enumerate(staff)]
    deployment = deploy(
        Scenario(Path("scale"), statute, {EMPLOYER: Money(currency, 2 * wages)}, tuple(setup)), chain, artifacts
    )
    driver = deployment.driver
    assert isinstance(driver, WorkingTimeDriver) and driver.contract is not None
    fn = driver.contract.functions
    chain.set_next_time(start)
    for event in setup[:2]:
        driver.apply(event)
    employer = chain.address(EMPLOYER)
    chain.send_many(
        AUTHORITY,
        driver.contract.address,
        [fn.registerEmployment(employer, addresses[label], WAGE)._encode_transaction_data() for label in staff],
    )

    events = list(setup)
    run = SettlementRun(employees)
    sequence = 0
    for week, monday in enumerate(weeks):
        clock_in = dt.datetime.combine(monday, dt.time(9), tz)
        clock_out = clock_in + dt.timedelta(hours=SHIFT_HOURS)
        punches = [(label, at, kind) for label in staff for at, kind in ((clock_in, "in"), (clock_out, "out"))]
        events += [Punch(len(events) + i, at, DEVICE, label, kind) for i, (label, at, kind) in enumerate(punches)]
        chain.set_next_time(clock_out)
        for first in range(0, len(punches), BATCH):
            words = [
                SignedPunch(addresses[label], int(at.timestamp()), kind == "in", 0).words()
                for label, at, kind in punches[first : first + BATCH]
            ]
            device = chain.address(DEVICE)
            digest = batch_digest_of_words(driver.domain.separator, device, sequence, words)
            data = submit_calldata(device, sequence, words, sign_digest(account_key(DEVICE), digest))
            chain.send(GATEWAY, driver.contract.address, "0x" + data.hex())
            sequence += 1
        settle = Settle(len(events), dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tz))
        events.append(settle)
        chain.set_next_time(settle.at)
        gas = run.settle_paid_gas if week == 0 else run.settle_queued_gas
        while True:
            gas.append(chain.transact(GATEWAY, fn.settle(settle.index, page)).gas_used)
            if fn.settlement().call()[0] == 0:
                break
    deposit = Deposit(len(events), events[-1].at, EMPLOYER, Money(currency, wages))
    events.append(deposit)
    chain.transact(EMPLOYER, deployment.currency.functions.approve(driver.contract.address, wages))
    run.arrears_gas.append(chain.transact(EMPLOYER, fn.deposit(wages, deposit.index)).gas_used)
    while fn.arrearsCount(employer).call():
        run.arrears_gas.append(chain.transact(GATEWAY, fn.payArrears(deposit.index, employer, page)).gas_used)
    run.arrears_left = fn.arrearsCount(employer).call()

    # `WagePaid(uint256 indexed seq, uint64 ref, address indexed employer, address indexed employee,
    # bytes32 article, uint256 amount)`, read raw: decoding tens of thousands of logs through web3
    # would take longer than the run (weekly pay logs no `PaidAtClockOut`).
    by_topic = {"0x" + address[2:].lower().rjust(64, "0"): label for label, address in addresses.items()}
    wage_paid = "0x" + keccak(text="WagePaid(uint256,uint64,address,address,bytes32,uint256)").hex()
    for log in chain.w3.eth.get_logs({"address": driver.contract.address, "fromBlock": 0, "topics": [wage_paid]}):
        run.chain_paid[by_topic[log["topics"][3].to_0x_hex()]] += int.from_bytes(log["data"][64:96], "big")
    scenario = Scenario(Path("scale"), statute, {EMPLOYER: Money(currency, 2 * wages)}, tuple(events))
    for payment in interpret(scenario).payments:
        run.law_paid[payment.recipient] += payment.amount.minor
    return run
