"""The gateway process: terminals' uploads in, confirmed punches on chain out.

`Gateway` runs three things over one outbox file: the ADMS receiver (one
thread per terminal connection, its own outbox connection), and one chain
thread that steps the submitter and ticks the keeper. The receiver never
waits for the chain: a chain outage only makes punches wait in the outbox,
and terminals keep getting `OK` for what is durably stored.

Also here, because the tests, the benchmark and `lawdsl oracle` share them:
`provision` (deploy a statute and employ a site's staff on a chain) and
`audit` (read the chain back and compare it with the reference interpreter
on the same punches in arrival order).
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import os
import signal
import socket
import sqlite3
import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils.address import to_checksum_address

from chain.accounts import GATEWAY, account_key, device_signer, label_address
from chain.anvil import ANVIL
from chain.client import Chain
from chain.contract import ContractClient
from chain.domains.driver import article_text
from chain.domains.working_time import PUNCH_REASONS
from chain.rpc import Rpc, RpcError, RpcUnavailable
from chain.runner import deploy
from chain.signing import BatchSigner
from compiler.artifacts import Artifact, compile_statutes
from compiler.solc import PROJECT_ROOT
from lawdsl.ast import Statute
from lawdsl.events import Deposit, Employ, Event, Punch, RegisterDevice
from lawdsl.interpret import interpret
from lawdsl.load import load_statute
from lawdsl.money import Money
from lawdsl.outcome import Payment, Rejection
from lawdsl.scenario import Scenario

from .batches import key_ref
from .devices.config import GatewayConfig
from .devices.intake import Intake
from .devices.zkteco_push import AdmsProtocol, PushServer
from .keeper import Duty, Keeper, Settlement
from .outbox import Outbox
from .preflight import RelayerLock
from .routing import Router
from .submitter import Submitter

log = logging.getLogger("oracles.gateway")

#: Any working-time statute's contract has the same external interface (the generated part adds
#: only internal constants), so its ABI serves every working-time statute address.
DEFAULT_LAW = PROJECT_ROOT / "statutes" / "overtime.law"


def statute_abi(law: str | Path = DEFAULT_LAW) -> list[dict[str, Any]]:
    """The ABI of the working-time contract compiled from `law` (cached by the compiler)."""
    statute = load_statute(law)
    return compile_statutes([statute])[statute.header.title].abi


class Gateway:
    """Receiver + submitter + keeper; `start()` / `stop()` or a context manager."""

    def __init__(
        self,
        config: GatewayConfig,
        outbox: str | Path,
        rpc_url: str,
        statute_address: str,
        abi: list[dict[str, Any]],
        listen: tuple[str, int] = ("127.0.0.1", 8081),
        relayer_key: bytes = account_key(GATEWAY),
        batch_size: int = 200,
        duties: Sequence[Duty] = (),
        signer: Callable[[str], BatchSigner] = device_signer,
        tls: ssl.SSLContext | None = None,
        employee_address: Callable[[str], str] = label_address,
        registry: tuple[str, str] | None = None,
    ) -> None:
        """`duties`: the keeper's steps beside the statute's settlements (voucher reclaim, tender
        award: `oracles.keeper`); their calls share the submitter's nonces and journal. `signer`:
        who signs each terminal's batches (`Submitter`; a reporter quorum for some, `oracle serve
        --quorum`). `tls`: the ADMS receiver's TLS context (`http_service.tls_context`).
        `employee_address`: the account of an employee named in the configuration. `registry`:
        (registry address, statute title) whose versions of the statute the gateway follows
        (`oracles.routing`); without it, the statute alone."""
        self.config = config
        self.outbox = Outbox(outbox)
        self.server = PushServer(AdmsProtocol(Intake(config, self.outbox)), *listen, tls)
        self.rpc = Rpc(rpc_url)
        self.statute = ContractClient(self.rpc, statute_address, abi)
        self.router = Router(self.statute, self.outbox, *(registry or (None, None)))
        # One outbox (one connection) for the receiver and the submitter: they wait on its lock,
        # not on SQLite's busy handler (see `Outbox.reading`).
        self.submitter = Submitter(
            self.outbox,
            self.rpc,
            self.statute,
            relayer_key,
            signer=signer,
            batch_size=batch_size,
            employee_address=employee_address,
            router=self.router,
        )
        self.keeper = Keeper([Settlement(self.statute), *duties], self.submitter.submit_call)
        self._settling = {self.statute.address}  # the versions whose settlements the keeper runs
        self.lock = RelayerLock(self.submitter.relayer.address)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._chain_loop, name="chain", daemon=True)

    def start(self) -> Gateway:
        """Take the relayer's lock (`preflight.Refused` if another gateway holds it), then serve."""
        self.lock.acquire()
        try:
            self.submitter.know(self.config.employee_labels)
        except BaseException:
            self.lock.release()
            raise
        self.server.start()
        self._thread.start()
        return self

    def stop(self, drain: float = 0.0) -> int:
        """Stop taking uploads, give what is in flight up to `drain` seconds to reach the chain,
        stop. Returns how many punches are still pending or sent (they wait in the outbox for the
        next start)."""
        self.server.stop()
        deadline = time.monotonic() + drain
        while time.monotonic() < deadline and self._thread.is_alive() and self._unsettled():
            time.sleep(0.05)
        self._stop.set()
        self._thread.join()
        left = self._unsettled()
        self.outbox.close()
        self.lock.release()
        return left

    def _unsettled(self) -> int:
        counts = self.outbox.counts()
        return counts["pending"] + counts["sent"]

    def __enter__(self) -> Gateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _chain_loop(self) -> None:
        last_tick = 0.0
        connected = False

        def keep_time() -> None:
            nonlocal last_tick, connected
            if not connected:  # (re)connected: calls sent before may be lost with the chain's last blocks
                self.keeper.forget()
                connected = True
            if time.monotonic() - last_tick >= 1.0:
                last_tick = time.monotonic()
                for version in self.router.clients:  # a version the registry added: its settlements too
                    if version.address not in self._settling:
                        self._settling.add(version.address)
                        self.keeper.duties.append(Settlement(version))
                block = self.rpc.call("eth_getBlockByNumber", "latest", False)
                self.keeper.tick(int(block["timestamp"], 16))

        def lost() -> None:
            nonlocal connected
            connected = False

        self.submitter.run(self._stop, after_step=keep_time, on_failure=lost)


# ---------------------------------------------------------------- a node for benchmarks and chaos


class AnvilNode:
    """anvil with what `LocalAnvil` does not offer: a fixed port (a restarted node is found where
    the gateway left it), state persisted across a SIGKILL, a block gas limit.

    Persistence: anvil's own `--state FILE --state-interval N` rewrites the
    file in place, and a SIGKILL during a dump leaves a truncated file that
    anvil then refuses to load (measured: "EOF while parsing", a 12 MB state).
    So this wrapper flushes instead: every `state_interval` seconds it asks
    `anvil_dumpState` and writes the result to a temporary file renamed over
    `state` — atomic, like a node's database — and a restart passes it to
    `--load-state`. A kill loses at most the blocks since the last flush,
    which is what a crashed node without fsync'd blocks loses.
    """

    def __init__(
        self,
        state: Path | None = None,
        state_interval: float = 1.0,
        gas_limit: int | None = None,
        timestamp: int | None = None,
        prune_history: bool = False,
        order: str | None = None,
    ) -> None:
        self.state = state
        self.state_interval = state_interval
        # prune_history: no per-block state snapshots in memory (a benchmark's thousands of blocks
        # otherwise took anvil past 11 GB); receipts and logs stay. order: the pool's ("fees" by
        # default; "fifo" took pre-signed transfers about twice as fast, see oracles/throughput.py).
        self.options = [
            *(["--gas-limit", str(gas_limit)] if gas_limit else []),
            *(["--timestamp", str(timestamp)] if timestamp else []),
            *(["--prune-history"] if prune_history else []),
            *(["--order", order] if order else []),
        ]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None
        self._flusher: threading.Thread | None = None
        self._stop_flushing = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> AnvilNode:
        load = ["--load-state", str(self.state)] if self.state and self.state.exists() else []
        self.process = subprocess.Popen(
            [str(ANVIL), "--host", "127.0.0.1", "--port", str(self.port), "--silent", *self.options, *load],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            self.kill()
            raise RuntimeError(f"anvil did not answer on port {self.port}")
        if self.state is not None:
            self._stop_flushing.clear()
            self._flusher = threading.Thread(target=self._flush_loop, args=(self.process,), daemon=True)
            self._flusher.start()
        return self

    def flush(self) -> None:
        """Write the node's state now (atomically), with mining paused around the dump.

        A dump taken while anvil mined was seen torn: after a reload the
        accounts had the last block's effects (the relayer's nonce past its
        transactions) but the block list lacked that block and its logs. So
        mining is switched off, a block already being mined is let finish, and
        a dump during which the head moved anyway is thrown away (the last good
        file stays). Transactions arriving meanwhile wait in the pool;
        `evm_mine` takes them in once automine is back on.
        """
        assert self.state is not None
        rpc = Rpc(self.url, timeout=30)
        rpc.call("evm_setAutomine", False)
        try:
            time.sleep(0.05)
            head = rpc.call("eth_blockNumber")
            dumped = rpc.call("anvil_dumpState")
            if rpc.call("eth_blockNumber") != head:
                return
        finally:
            rpc.call("evm_setAutomine", True)
            rpc.call("evm_mine")
        partial = self.state.with_suffix(".partial")
        partial.write_bytes(gzip.decompress(bytes.fromhex(dumped[2:])))
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, self.state)

    def _flush_loop(self, process: subprocess.Popen[bytes]) -> None:
        while not self._stop_flushing.wait(self.state_interval) and process.poll() is None:
            try:
                self.flush()
            except (RpcUnavailable, RpcError, OSError):
                pass  # the node is going down; the last good file stays

    def _halt(self, kill: bool) -> None:
        self._stop_flushing.set()
        if self._flusher is not None:
            self._flusher.join()
            self._flusher = None
        if self.process is not None and self.process.poll() is None:
            if kill:
                os.kill(self.process.pid, signal.SIGKILL)
            else:
                self.process.terminate()
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL: no flush at exit, as in a crash."""
        self._halt(kill=True)

    def stop(self) -> None:
        self._halt(kill=False)

    def __enter__(self) -> AnvilNode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------- provisioning and audit


@dataclass(frozen=True)
class Site:
    """A statute deployed for a site: the employer, the staff's wage, the setup events."""

    statute: Statute
    address: str
    abi: list[dict[str, Any]]
    employer: str
    setup: tuple[Event, ...]
    balances: dict[str, Money]


def provision(
    chain: Chain,
    statute: Statute,
    config: GatewayConfig,
    employer: str = "acme",
    hourly_wage: int = 4000,
    deposit: int = 10**13,
    artifacts: dict[str, Artifact] | None = None,
) -> Site:
    """Deploy `statute`, register the site's devices to `employer`, employ all staff, deposit.

    Runs at the chain's own time (a live chain's "now"); the setup events are
    dated at the statute's effective date for the interpreter, which needs
    them before every punch.
    """
    header = statute.header
    at = dt.datetime.combine(header.effective, dt.time(), header.time_zone.tzinfo)
    setup: list[Event] = [
        RegisterDevice(i, at, device.label, employer)
        for i, device in enumerate(sorted(config.devices.values(), key=lambda d: d.label))
    ]
    setup += [
        Employ(len(setup) + i, at, employer, label, Money(header.currency, hourly_wage))
        for i, label in enumerate(sorted(config.employee_labels))
    ]
    setup.append(Deposit(len(setup), at, employer, Money(header.currency, deposit)))
    balances = {employer: Money(header.currency, deposit)}
    deployment = deploy(
        Scenario(Path("site"), statute, balances, tuple(setup)), chain, artifacts or compile_statutes([statute])
    )
    for event in setup:
        deployment.driver.apply(event)
    chain.fund(GATEWAY)
    contract = deployment.driver.contract
    assert contract is not None
    return Site(statute, contract.address, deployment.driver.artifact.abi, employer, tuple(setup), balances)


@dataclass(frozen=True)
class Audit:
    """The chain read back next to the interpreter's outcome for the same punches."""

    chain_payments: list[Payment]  # event = the punch's ref
    expected_payments: list[Payment]
    chain_rejected: list[Rejection]
    expected_rejected: list[Rejection]
    applied: Counter[int]  # ref -> how many times the contract applied or refused it (must be 1)
    punches: int  # accepted punches in the outbox (confirmed or rejected)

    @property
    def exactly_once(self) -> bool:
        return len(self.applied) == self.punches and set(self.applied.values()) <= {1}

    @property
    def total_paid(self) -> int:
        return sum(p.amount.minor for p in self.chain_payments)

    @property
    def matches(self) -> bool:
        return (
            self.exactly_once
            and self.chain_payments == self.expected_payments
            and self.chain_rejected == self.expected_rejected
        )


def audit(site: Site, rpc_url: str, outbox: str | Path) -> Audit:
    """Every settled punch of the outbox, in arrival order, run through the interpreter; the chain's
    `WagePaid`, `PaidAtClockOut`, `Punched` and `PunchRejected` logs read back; both keyed by punch ref."""
    rows = _settled_punches(outbox)
    refs = [key_ref(key) for key, *_ in rows]
    offset = len(site.setup)
    events = site.setup + tuple(
        Punch(offset + i, dt.datetime.fromisoformat(at), device, employee, kind)
        for i, (_, device, employee, at, kind) in enumerate(rows)
    )
    expected = interpret(Scenario(Path("audit"), site.statute, site.balances, events))

    def ref_of(index: int) -> int:
        return refs[index - offset] if index >= offset else -index - 1

    # By ref, stable: payments of one event keep the order the law gives them.
    expected_payments = sorted(
        (Payment(ref_of(p.event), p.sender, p.recipient, p.amount, p.article) for p in expected.payments), key=_by_event
    )
    expected_rejected = sorted((Rejection(ref_of(r.event), r.reason) for r in expected.rejected), key=_by_event)

    client = ContractClient(Rpc(rpc_url), site.address, site.abi)
    labels = {
        label_address(label): label
        for label in {site.employer, *(e.employee for e in site.setup if isinstance(e, Employ))}
    }
    currency = site.statute.header.currency
    paid = []
    applied: Counter[int] = Counter()
    # `PaidAtClockOut` is a clock-out and its first payment in one log; chain order keeps a
    # clock-out's payments in article order.
    payments = [(name, entry) for name in ("WagePaid", "PaidAtClockOut") for entry in client.logs(name)]
    payments.sort(key=lambda item: (int(item[1]["blockNumber"], 16), int(item[1]["logIndex"], 16)))
    for name, entry in payments:
        args = client.decode_log(name, entry)
        parties = [labels[_topic_address(t)] for t in entry["topics"][2:4]]
        employer, employee = parties if name == "WagePaid" else reversed(parties)
        paid.append(
            Payment(args["ref"], employer, employee, Money(currency, args["amount"]), article_text(args["article"]))
        )
        if name == "PaidAtClockOut":
            applied[args["ref"]] += 1
    rejected = []
    for entry in client.logs("Punched"):
        applied[client.decode_log("Punched", entry)["ref"]] += 1
    for entry in client.logs("PunchRejected"):
        args = client.decode_log("PunchRejected", entry)
        applied[args["ref"]] += 1
        rejected.append(Rejection(args["ref"], PUNCH_REASONS[args["reason"]]))
    return Audit(
        sorted(paid, key=_by_event),
        expected_payments,
        sorted(rejected, key=_by_event),
        expected_rejected,
        applied,
        len(rows),
    )


def _by_event(item: Payment | Rejection) -> int:
    return item.event


def _topic_address(topic: str) -> str:
    """An indexed address argument back from its 32-byte topic."""
    return to_checksum_address("0x" + topic[-40:])


def _settled_punches(outbox: str | Path) -> list[tuple[str, str, str, str, str]]:
    """(key, device, employee, at, kind) of every confirmed or rejected punch, in arrival order.

    Read from the table directly: `Outbox` offers per-state queries for the
    submitter, not a listing for audits.
    """
    with sqlite3.connect(outbox) as db:
        return db.execute(
            "SELECT key, device, employee, at, kind FROM punches WHERE state IN ('confirmed', 'rejected') ORDER BY seq"
        ).fetchall()
