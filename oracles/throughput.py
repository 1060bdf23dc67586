"""End-to-end gateway throughput and gas per punch, measured on a private anvil (`scripts/bench.py`).

Three figures, from one anvil per call so they compare like with like:

- `raw ceiling`: what the node itself takes — pre-signed plain transfers
  (21,000 gas each, one per transaction), sent as batched raw transactions,
  until the last is mined. No gateway could send more transactions.
- `end to end`: punches uploaded as ATTLOG over HTTP to a running `Gateway`
  (receiver, intake checks, outbox, submitter) until every one is confirmed
  in the outbox from its receipt, the contract having executed it. Each
  transaction carries a batch of punches, which is how the gateway beats
  the ceiling.
- `end to end` again with TLS and an explicit per-terminal allow list in
  front of the receiver (a self-signed certificate made with the `openssl`
  command; the terminals verify it), on the same node: what authentication
  costs.
- `gas per punch` at batch sizes 1, 10, 100, 500, steady state (the day
  measured follows a day that filled every storage slot), half clock-ins,
  half paying clock-outs.

The upload pattern is the one throughput matters for: terminals catching up
after an outage, each sending its backlog in ATTLOG uploads of up to 500
records over its own keep-alive connection, all at once. Employees punch at
their home terminal only: terminals upload independently of each other, so
an employee's punches on two terminals could arrive out of time order, which
intake rightly quarantines.

The node, for both measures: anvil 1.7.1, automine, `--order fifo`,
`--prune-history`, a 1e9 block gas limit. Pre-signed transfers, why paced,
why fifo (measured on this machine, 5,000 transfers per run):

- Sent unpaced (batches of 500, no waiting) anvil stops keeping up once
  thousands wait in its pool: after 1,100–1,600 mined it made blocks of one
  or two transactions, then none, at 100% CPU, the rest "ready" in its pool
  until an `evm_mine` took them all at once. So at most `window` (1,000)
  transfers are unmined at any time, which is also how the gateway sends
  (`Submitter.max_in_flight`).
- Paced, the default pool order ("fees") still stalled in 3 of about 12
  runs and took 866–1,704 tx/s; "fifo" took 2,153–3,795 tx/s and stalled
  once in about 14. A stall (no transfer mined for `stall_after` seconds)
  discards the attempt and measures again on a fresh node; the rows say how
  many were discarded.
- Part of the cost is per block and grows with the chain: an empty block
  (`evm_mine`) costs anvil 0.3 ms of CPU near block 100 and 1.0 ms near
  block 900 (1.7 ms without `--prune-history`; `--transaction-block-keeper`
  changes nothing). The raw ceiling is measured on a fresh chain, where it
  is highest; the gateway runs on a chain that already holds the site's
  provisioning (a block per employee).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import ssl
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_utils.address import to_checksum_address

from chain.accounts import AUTHORITY, GATEWAY, account_key
from chain.anvil import NODE_FAUCET_KEY, LocalAnvil, LocalHardhat
from chain.client import MAX_FEE, Chain
from chain.contract import ContractClient
from chain.rpc import Rpc, RpcError
from lawdsl.load import load_statute

from .devices.config import GatewayConfig
from .devices.records import CanonicalPunch, Kind
from .devices.simulator import CLEAN, Simulation, simulate, simulated_config
from .gateway import DEFAULT_LAW, AnvilNode, Gateway, Site, provision
from .http_service import tls_context
from .outbox import Outbox
from .submitter import Submitter
from .uploads import HttpTerminals

#: Batches of 500 punches take ~10M gas: more than anvil's default 30M block leaves room for a few of.
BENCH_GAS_LIMIT = 1_000_000_000
SITE_ZONE = dt.timezone(dt.timedelta(hours=8))
#: Records per ATTLOG upload when a terminal sends its backlog.
UPLOAD_RECORDS = 500
#: Home terminals only (see the module docstring), and no anomalies: every record is a punch to pay.
BACKLOG = dataclasses.replace(CLEAN, other_device_rate=0.0)
#: Raw-ceiling attempts before giving up on a node that keeps stalling.
RAW_ATTEMPTS = 3


class RawStall(RuntimeError):
    """anvil stopped mining the pre-signed transfers (see the module docstring)."""


def bench_node() -> AnvilNode:
    """A fresh anvil as both measures use it; start it with `with`."""
    return AnvilNode(gas_limit=BENCH_GAS_LIMIT, timestamp=int(time.time()), prune_history=True, order="fifo")


@dataclass(frozen=True)
class Throughput:
    punches: int
    seconds: float  # of the median end-to-end run
    raw_transfers: int
    raw_seconds: float
    gas_per_punch: dict[int, float]  # batch size -> gas
    terminals: int = 0
    raw_stalls: int = 0  # raw-ceiling attempts discarded because the node stopped mining
    runs: tuple[float, ...] = ()  # punches/s of each plain end-to-end run, in order
    secure_seconds: float | None = None  # `punches` at the rate of the run with TLS and an allow list

    @property
    def punches_per_second(self) -> float:
        return self.punches / self.seconds

    @property
    def raw_per_second(self) -> float:
        return self.raw_transfers / self.raw_seconds

    def rows(self) -> list[tuple[str, str]]:
        stalls = f"; {self.raw_stalls} stalled attempt(s) discarded" if self.raw_stalls else ""
        rows = [
            (
                f"raw ceiling ({self.raw_transfers:,} plain transfers, batched raw tx{stalls})",
                f"{self.raw_per_second:,.0f} tx/s",
            ),
            (
                f"end to end ({self.punches:,} punches from {self.terminals} terminals, ADMS → confirmed)",
                f"{self.punches_per_second:,.0f} punches/s",
            ),
            ("end to end / raw ceiling", f"{self.punches_per_second / self.raw_per_second:.1f}×"),
        ]
        if len(self.runs) > 1:
            rows.append(
                (
                    f"end to end, {len(self.runs)} consecutive runs: median / minimum",
                    f"{statistics.median(self.runs):,.0f} / {min(self.runs):,.0f} punches/s",
                )
            )
        if self.secure_seconds is not None:
            rows.append(
                (
                    "end to end with TLS and a per-terminal allow list",
                    f"{self.punches / self.secure_seconds:,.0f} punches/s",
                )
            )
        rows += [(f"gas per punch, batch of {size}", f"{gas:,.0f}") for size, gas in self.gas_per_punch.items()]
        return rows


def gateway_throughput(
    employees: int = 2000,
    terminals: int = 4,
    days: int = 7,
    batch_size: int = 200,
    raw_transfers: int = 5000,
    gas_batches: tuple[int, ...] = (1, 10, 100, 500),
    runs: int = 10,
) -> Throughput:
    """Measure on fresh anvils of one kind (`bench_node`): `runs` consecutive plain end-to-end runs
    on one node and one site, each on the next `days` of attendance (a stall shows as a low
    minimum), then one more with TLS and an allow list."""
    raw_seconds, stalls = raw_ceiling_on_fresh_nodes(raw_transfers)
    config = simulated_config(employees=employees, devices=terminals)
    first_day = dt.date.today() - dt.timedelta(days=1 + days * (runs + 1))
    with bench_node() as node, tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        site = provision(Chain(node.url), load_statute(DEFAULT_LAW), config)
        timed = [
            end_to_end(
                node.url, site, config, folder / f"run-{i}", first_day + dt.timedelta(days=days * i), days, batch_size
            )
            for i in range(runs)
        ]
        rates = tuple(count / seconds for count, seconds in timed)
        punches, median_seconds = sorted(timed, key=lambda run: run[0] / run[1])[len(timed) // 2]
        secure_punches, secure = end_to_end(
            node.url,
            site,
            config,
            folder / "secure",
            first_day + dt.timedelta(days=days * runs),
            days,
            batch_size,
            tls=self_signed(folder),
        )
        gas = {size: gas_per_punch(node.url, folder / f"gas-{size}.db", size) for size in gas_batches}
    return Throughput(
        punches,
        median_seconds,
        raw_transfers,
        raw_seconds,
        gas,
        terminals,
        stalls,
        rates,
        secure * punches / secure_punches,
    )


def self_signed(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 (`cert.pem`, `key.pem` in `folder`), by `openssl`."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return folder


def raw_ceiling_on_fresh_nodes(count: int, attempts: int = RAW_ATTEMPTS) -> tuple[float, int]:
    """(seconds, stalled attempts): `raw_ceiling` on a fresh node, again on another after a stall."""
    for stalls in range(attempts):
        with bench_node() as node:
            try:
                return raw_ceiling(node.url, count), stalls
            except RawStall:
                continue
    raise RawStall(f"anvil stopped mining pre-signed transfers in each of {attempts} attempts")


def raw_ceiling(url: str, count: int, per_request: int = 500, window: int = 1000, stall_after: float = 20.0) -> float:
    """Seconds to get `count` pre-signed transfers mined, sent in JSON-RPC batches of `per_request`
    with at most `window` of them not yet mined (see the module docstring)."""
    chain = Chain(url)
    sender = Account.from_key(account_key("bench-sender"))
    chain.fund("bench-sender")
    rpc = Rpc(url)
    nonce = int(rpc.call("eth_getTransactionCount", sender.address, "latest"), 16)
    raws = [
        "0x"
        + bytes(
            sender.sign_transaction(
                {
                    "nonce": nonce + i,
                    "gas": 21_000,
                    "maxFeePerGas": MAX_FEE,
                    "maxPriorityFeePerGas": 1,
                    "chainId": chain.chain_id,
                    "to": to_checksum_address(f"0x{i + 1:040x}"),
                    "value": 1,
                    "data": b"",
                    "type": 2,
                }
            ).raw_transaction
        ).hex()
        for i in range(count)
    ]
    began = progressed = time.perf_counter()
    sent = mined = 0
    while mined < count:
        if sent < count and sent + per_request - mined <= window:
            answers = rpc.batch([("eth_sendRawTransaction", [raw]) for raw in raws[sent : sent + per_request]])
            refused = [a for a in answers if isinstance(a, RpcError)]
            if refused:
                raise refused[0]
            sent += len(answers)
        else:
            time.sleep(0.005)
        try:
            now_mined = int(rpc.call("eth_getTransactionCount", sender.address, "latest"), 16) - nonce
        except RpcError:  # anvil with --prune-history, mining meanwhile: "block height is N but requested was N-1"
            continue
        if now_mined > mined:
            mined, progressed = now_mined, time.perf_counter()
        elif time.perf_counter() - progressed > stall_after:
            raise RawStall(f"{mined} of {count} transfers mined, none for {stall_after:.0f} s")
    return time.perf_counter() - began


def backlog_uploads(simulation: Simulation, per_upload: int = UPLOAD_RECORDS) -> dict[str, list[str]]:
    """Per terminal serial, its records as ATTLOG bodies of at most `per_upload` lines, oldest first."""
    lines: dict[str, list[str]] = {}
    for record in simulation.records:
        lines.setdefault(record.serial, []).append(f"{record.attlog()}\n")
    return {
        serial: ["".join(own[i : i + per_upload]) for i in range(0, len(own), per_upload)]
        for serial, own in lines.items()
    }


def end_to_end(
    url: str,
    site: Site,
    config: GatewayConfig,
    scratch: Path,
    start: dt.date,
    days: int,
    batch_size: int,
    tls: Path | None = None,
) -> tuple[int, float]:
    """(punches, seconds) from the first ATTLOG upload sent to the last punch confirmed in the outbox,
    for `days` of the site's attendance from `start` (later than any run before on this site).

    `tls`: a folder with `cert.pem` and `key.pem` (`self_signed`): the receiver serves TLS, each
    terminal is allowed from 127.0.0.1 only, and the terminals verify the certificate."""
    if tls is not None:
        only_here = (ipaddress.ip_network("127.0.0.1/32"),)
        config = dataclasses.replace(
            config,
            devices={serial: dataclasses.replace(device, allow=only_here) for serial, device in config.devices.items()},
        )
    simulation = simulate(config, start, days, seed=1, profile=BACKLOG)
    uploads = backlog_uploads(simulation)
    scratch.mkdir(parents=True, exist_ok=True)
    outbox_path = scratch / "e2e.db"
    server_tls = tls_context(str(tls / "cert.pem"), str(tls / "key.pem")) if tls else None
    client_tls = ssl.create_default_context(cafile=str(tls / "cert.pem")) if tls else None
    with Gateway(
        config, outbox_path, url, site.address, site.abi, ("127.0.0.1", 0), batch_size=batch_size, tls=server_tls
    ) as gateway:
        gateway_url = f"{'https' if tls else 'http'}://127.0.0.1:{gateway.server.port}"
        began = time.perf_counter()
        _upload_concurrently(gateway_url, uploads, client_tls)
        with Outbox(outbox_path) as outbox:
            admitted = sum(n for state, n in outbox.counts().items() if state != "quarantined")
            submitter = gateway.submitter
            # The submitter's own counters first (reading them costs the gateway nothing), then the outbox.
            while submitter.confirmed + submitter.rejected < admitted:
                time.sleep(0.001)
            while outbox.unsettled():
                time.sleep(0.001)
            seconds = time.perf_counter() - began
            counts = outbox.counts()
    if counts["quarantined"] or counts["confirmed"] + counts["rejected"] != len(simulation.records):
        raise RuntimeError(f"{len(simulation.records)} records uploaded, outbox: {counts}")
    return counts["confirmed"] + counts["rejected"], seconds


def _upload_concurrently(url: str, uploads: Mapping[str, Sequence[str]], tls: ssl.SSLContext | None = None) -> None:
    """Every terminal sends its uploads in order over its own connection, all terminals at once."""
    failures: list[str] = []

    def terminal(serial: str, bodies: Sequence[str]) -> None:
        connection = HttpTerminals(url, tls=tls)
        for body in bodies:
            answer = connection.upload(serial, body)
            if not answer.startswith("OK"):
                failures.append(f"{serial}: {answer}")
                return

    threads = [threading.Thread(target=terminal, args=item, name=f"terminal-{item[0]}") for item in uploads.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"uploads refused: {failures}")


def gas_per_punch(url: str, outbox_path: Path, batch_size: int) -> float:
    """Gas per punch in batches of `batch_size` (half in, half paying out), after a warm-up day."""
    employees = max(1, batch_size // 2)
    config = simulated_config(employees=employees, devices=1)
    site = provision(Chain(url), load_statute(DEFAULT_LAW), config)
    rpc = Rpc(url)
    with Outbox(outbox_path) as outbox:
        submitter = Submitter(
            outbox, rpc, ContractClient(rpc, site.address, site.abi), account_key(GATEWAY), batch_size=batch_size
        )
        submitter.connect()
        monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 7)
        for day in (monday, monday + dt.timedelta(days=1)):  # the first day fills the storage slots
            hours: tuple[tuple[int, Kind], ...] = ((9, "in"), (20, "out"))
            for hour, kind in hours:
                for label in sorted(config.employee_labels):
                    outbox.add(
                        CanonicalPunch(
                            "SIM0001",
                            "gate-1",
                            label,
                            dt.datetime.combine(day, dt.time(hour), SITE_ZONE),
                            kind,
                            "bench",
                        )
                    )
            before_gas, before_punches = submitter.gas_used, submitter.confirmed + submitter.rejected
            submitter.drain()
        punches = submitter.confirmed + submitter.rejected - before_punches
    return (submitter.gas_used - before_gas) / punches


#: `node_runs`: the nodes an operator starts with `lawdsl chain`, in their own default settings.
OPERATOR_NODES = {"anvil": lambda: LocalAnvil(None), "hardhat": LocalHardhat}


def node_runs(
    kind: str,
    runs: int = 10,
    employees: int = 2000,
    terminals: int = 4,
    days: int = 7,
    batch_size: int = 200,
) -> tuple[float, ...]:
    """punches/s of `runs` consecutive end-to-end runs on a node started as `lawdsl chain` starts it
    (plain anvil or Hardhat, clock at now, default block gas limit and pool order), every account
    funded by a real transfer from the node's faucet: what a first deployment meets, where a stall
    shows as a run far below the median (the issue-14 figure)."""
    config = simulated_config(employees=employees, devices=terminals)
    first_day = dt.date.today() - dt.timedelta(days=1 + days * runs)
    with OPERATOR_NODES[kind]() as node, tempfile.TemporaryDirectory() as scratch:
        chain = Chain(node.url, live=True)
        chain.use("@node", Account.from_key(NODE_FAUCET_KEY))
        for label in (AUTHORITY, GATEWAY, "acme"):
            chain.transfer_ether("@node", chain.address(label), 1000 * 10**18)
        site = provision(chain, load_statute(DEFAULT_LAW), config)
        timed = [
            end_to_end(
                node.url,
                site,
                config,
                Path(scratch) / f"run-{i}",
                first_day + dt.timedelta(days=days * i),
                days,
                min(batch_size, _punches_per_block(node.url)),
            )
            for i in range(runs)
        ]
    return tuple(count / seconds for count, seconds in timed)


def _punches_per_block(url: str, gas_per_punch: int = 30_000) -> int:
    """The largest batch whose transaction fits the node's block gas limit, with room to spare
    (a first-day batch writes every slot: about twice the steady 15,600 gas a punch)."""
    limit = int(Chain(url).w3.eth.get_block("latest")["gasLimit"])
    return max(1, limit // 2 // gas_per_punch)
