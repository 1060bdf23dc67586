"""End-to-end gateway throughput and gas per punch, measured on a private anvil (`scripts/bench.py`).

Three figures, from one anvil per call so they compare like with like:

- `raw ceiling`: what the node itself takes — pre-signed plain transfers
  (21,000 gas each, one per transaction), sent as batched raw transactions,
  until the last is mined. No gateway could send more transactions.
- `end to end`: punches uploaded as ATTLOG over HTTP to a running `Gateway`
  (receiver, intake checks, outbox, submitter) until every one is confirmed
  on chain with the contract executed. Each transaction carries a batch of
  punches, which is how the gateway beats the ceiling.
- `gas per punch` at batch sizes 1, 10, 100, 500, steady state (the day
  measured follows a day that filled every storage slot), half clock-ins,
  half paying clock-outs.
"""
from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_utils import to_checksum_address

from lawdsl.load import load_statute

from .chain import GATEWAY, MAX_FEE, Chain, account_key
from .devices.records import CanonicalPunch
from .devices.simulator import CLEAN, simulate, simulated_config
from .gateway import DEFAULT_LAW, AnvilNode, Gateway, provision
from .oracle_commands import HttpTerminals, attlog_uploads
from .outbox import Outbox
from .submitter import ContractClient, Rpc, RpcError, Submitter

#: Batches of 500 punches take ~25M gas: more than anvil's default 30M block leaves room for.
BENCH_GAS_LIMIT = 1_000_000_000
SITE_ZONE = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Throughput:
    punches: int
    seconds: float
    raw_transfers: int
    raw_seconds: float
    gas_per_punch: dict[int, float]  # batch size -> gas

    @property
    def punches_per_second(self) -> float:
        return self.punches / self.seconds

    @property
    def raw_per_second(self) -> float:
        return self.raw_transfers / self.raw_seconds

    def rows(self) -> list[tuple[str, str]]:
        rows = [("raw ceiling (plain transfers, batched raw tx)", f"{self.raw_per_second:,.0f} tx/s"),
                (f"end to end ({self.punches:,} punches, ADMS → confirmed)", f"{self.punches_per_second:,.0f} punches/s"),
                ("end to end / raw ceiling", f"{self.punches_per_second / self.raw_per_second:.1f}×")]
        rows += [(f"gas per punch, batch of {size}", f"{gas:,.0f}") for size, gas in self.gas_per_punch.items()]
        return rows


def gateway_throughput(employees: int = 1000, days: int = 4, batch_size: int = 200, raw_transfers: int = 5000,
                       gas_batches: tuple[int, ...] = (1, 10, 100, 500)) -> Throughput:
    """Measure on a fresh anvil; takes about a minute."""
    with AnvilNode(gas_limit=BENCH_GAS_LIMIT, timestamp=int(time.time()), prune_history=True) as node, \
            tempfile.TemporaryDirectory() as scratch:
        raw_seconds = raw_ceiling(node.url, raw_transfers)
        punches, seconds = end_to_end(node.url, Path(scratch), employees, days, batch_size)
        gas = {size: gas_per_punch(node.url, Path(scratch) / f"gas-{size}.db", size) for size in gas_batches}
    return Throughput(punches, seconds, raw_transfers, raw_seconds, gas)


def raw_ceiling(url: str, count: int, per_request: int = 500) -> float:
    """Seconds to get `count` pre-signed transfers mined, sent in JSON-RPC batches of `per_request`."""
    chain = Chain(url)
    sender = Account.from_key(account_key("bench-sender"))
    chain.fund("bench-sender")
    nonce = int(Rpc(url).call("eth_getTransactionCount", sender.address, "latest"), 16)
    raws = ["0x" + bytes(sender.sign_transaction({
        "nonce": nonce + i, "gas": 21_000, "maxFeePerGas": MAX_FEE, "maxPriorityFeePerGas": 1,
        "chainId": chain.chain_id, "to": to_checksum_address(f"0x{i + 1:040x}"), "value": 1, "data": b"", "type": 2,
    }).raw_transaction).hex() for i in range(count)]
    rpc = Rpc(url)
    began = time.perf_counter()
    for start in range(0, count, per_request):
        refused = [r for r in rpc.batch([("eth_sendRawTransaction", [raw]) for raw in raws[start:start + per_request]])
                   if isinstance(r, RpcError)]
        if refused:
            raise refused[0]
    deadline = time.monotonic() + 300
    while int(rpc.call("eth_getTransactionCount", sender.address, "latest"), 16) < nonce + count:
        if time.monotonic() > deadline:
            raise TimeoutError("transfers not mined within 300 s")
        time.sleep(0.001)
    return time.perf_counter() - began


def end_to_end(url: str, scratch: Path, employees: int, days: int, batch_size: int) -> tuple[int, float]:
    """(punches, seconds) from the first ATTLOG upload to the last punch confirmed."""
    config = simulated_config(employees=employees, devices=3)
    site = provision(Chain(url), load_statute(DEFAULT_LAW), config)
    simulation = simulate(config, dt.date.today() - dt.timedelta(days=days + 1), days, seed=1, profile=CLEAN)
    uploads = list(attlog_uploads(simulation, per_upload=500))
    outbox_path = scratch / "e2e.db"
    with Gateway(config, outbox_path, url, site.address, site.abi, "127.0.0.1", 0, batch_size=batch_size) as gateway:
        terminals = HttpTerminals(f"http://127.0.0.1:{gateway.server.port}")
        began = time.perf_counter()
        for serial, body in uploads:
            terminals.upload(serial, body)
        with Outbox(outbox_path) as outbox:
            while True:
                counts = outbox.counts()
                if counts["pending"] == counts["sent"] == 0:
                    break
                time.sleep(0.005)
        seconds = time.perf_counter() - began
    return counts["confirmed"] + counts["rejected"], seconds


def gas_per_punch(url: str, outbox_path: Path, batch_size: int) -> float:
    """Gas per punch in batches of `batch_size` (half in, half paying out), after a warm-up day."""
    employees = max(1, batch_size // 2)
    config = simulated_config(employees=employees, devices=1)
    site = provision(Chain(url), load_statute(DEFAULT_LAW), config)
    rpc = Rpc(url)
    with Outbox(outbox_path) as outbox:
        submitter = Submitter(outbox, rpc, ContractClient(rpc, site.address, site.abi), account_key(GATEWAY),
                              batch_size=batch_size)
        submitter.connect()
        monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 7)
        for day in (monday, monday + dt.timedelta(days=1)):  # the first day fills the storage slots
            for hour, kind in ((9, "in"), (20, "out")):
                for label in sorted(config.employee_labels):
                    outbox.add(CanonicalPunch("SIM0001", "gate-1", label,
                                              dt.datetime.combine(day, dt.time(hour), SITE_ZONE), kind, "bench"))
            before_gas, before_punches = submitter.gas_used, submitter.confirmed + submitter.rejected
            submitter.drain()
        punches = submitter.confirmed + submitter.rejected - before_punches
    return (submitter.gas_used - before_gas) / punches
