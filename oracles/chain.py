"""A connection to a chain, its accounts, and a private local anvil.

Accounts are deterministic per scenario label (key = keccak256("lawdsl:" +
label)), so a run is reproducible and its addresses map back to labels.
Transactions are signed locally and sent raw with nonces kept here: web3's
convenience path costs an RPC round trip per field.

How anvil treats time (measured with anvil 1.7.1)
-------------------------------------------------
Every transaction is mined in its own block (automine). Scenario events
replay past dates, so the chain starts at `GENESIS_TIME` (2000-01-01) and
each event sets its block time with `evm_setNextBlockTimestamp`:

- several blocks may share one timestamp: setting the same time again is
  accepted, so the transactions of one event (approve + deposit) and several
  events with the same `at` all get exactly the event's time;
- but a block mined *without* setting the time gets the last set time plus
  the wall-clock seconds elapsed since (anvil keeps an offset to its clock),
  so a two-transaction event could straddle a second and the next event at
  the same `at` would then be refused. `Chain` therefore pins the time: after
  `set_next_time(t)` every transaction it sends sets `t` again first;
- a time earlier than the latest block's is refused (JSON-RPC error -32602
  "Timestamp error: … is lower than previous block's timestamp");
  `set_next_time` raises `ChainError` rather than mine a wrong time;
- `evm_revert` to a snapshot restores the block number and the time, so a
  shared chain can replay scenarios from 2000 again after each test.
"""
from __future__ import annotations

import ctypes
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.contract import Contract

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ANVIL = PROJECT_ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
GENESIS_TIME = 946_684_800  # 2000-01-01T00:00:00Z: before every scenario date
AUTHORITY = "@authority"  # label of the statute authority (deployer, registers devices)
GATEWAY = "@gateway"  # label of the oracle gateway that relays signed punch batches
GAS_LIMIT = 15_000_000
MAX_FEE = 100 * 10**9
FUNDING = 10**24  # wei given to every account the chain uses
PR_SET_PDEATHSIG = 1  # prctl option, <linux/prctl.h>


class ChainError(RuntimeError):
    """The chain refused a request (not a contract revert)."""


class Reverted(Exception):
    """A transaction reverted; `error` is the decoded custom error's name, `arguments` its values."""

    def __init__(self, error: str, args: tuple, data: bytes) -> None:
        super().__init__(f"{error}{args}")
        self.error = error
        self.arguments = args
        self.data = data


def account_key(label: str) -> bytes:
    """The private key of a scenario label: keccak256("lawdsl:" + label)."""
    return keccak(f"lawdsl:{label}".encode())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: on Linux, get SIGTERM when the starting process dies, so even
    a killed test run or CLI leaves no anvil behind (`stop()` covers every orderly exit)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class LocalAnvil:
    """A private anvil on a free loopback port; use as a context manager or start()/stop()."""

    def __init__(self, timestamp: int = GENESIS_TIME, binary: Path = ANVIL) -> None:
        self.timestamp = timestamp
        self.binary = binary
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._log: IO[bytes] | None = None
        self._error = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0, attempts: int = 3) -> str:
        """Start anvil and wait until it answers; a port taken meanwhile is retried on another."""
        if not self.binary.exists():
            raise ChainError(f"anvil not found at {self.binary}; run `make bootstrap`")
        for _ in range(attempts):
            if self._launch(timeout):
                return self.url
        raise ChainError(f"anvil did not start: {self._error}")

    def _launch(self, timeout: float) -> bool:
        self.port = _free_port()
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would stall anvil
        self.process = subprocess.Popen(
            [str(self.binary), "--host", "127.0.0.1", "--port", str(self.port),
             "--timestamp", str(self.timestamp), "--silent"],
            stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True,
            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.05)
        self._log.seek(0)
        self._error = self._log.read().decode(errors="replace").strip() or f"no answer within {timeout:.0f} s"
        self.stop()
        return False

    def stop(self) -> None:
        """Terminate anvil (and only it: it runs in its own process group)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        self.process = None

    def __enter__(self) -> "LocalAnvil":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass(frozen=True)
class Receipt:
    block: int
    gas_used: int
    logs: list[dict]


class Chain:
    """A web3 connection, one account per label, and transactions sent the fast way."""

    def __init__(self, url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        self.chain_id = self.w3.eth.chain_id
        self._accounts: dict[str, LocalAccount] = {}
        self._labels: dict[str, str] = {}  # checksum address -> label
        self._nonces: dict[str, int] = {}
        self._funded: set[str] = set()
        self._time: int | None = None  # pinned block time, see the module docstring
        self._errors: dict[bytes, tuple[str, list[str]]] = {}  # selector -> (name, arg types)
        self.authority = self.account(AUTHORITY)

    # ------------------------------------------------------------ accounts

    def account(self, label: str) -> LocalAccount:
        account = self._accounts.get(label)
        if account is None:
            account = self._accounts[label] = Account.from_key(account_key(label))
            self._labels[account.address] = label
        return account

    def address(self, label: str) -> str:
        return self.account(label).address

    def label(self, address: str) -> str:
        return self._labels[to_checksum_address(address)]

    def fund(self, label: str) -> None:
        """Give a label's account gas money (anvil only; once per snapshot epoch)."""
        address = self.address(label)
        if address not in self._funded:
            self._rpc("anvil_setBalance", [address, hex(FUNDING)])
            self._funded.add(address)

    # ------------------------------------------------------------ time and state

    def set_next_time(self, when: dt.datetime) -> None:
        """Mine every following transaction at `when` (until the next call)."""
        self._time = int(when.timestamp())
        self._rpc("evm_setNextBlockTimestamp", [self._time])

    def snapshot(self) -> str:
        return self._rpc("evm_snapshot", [])

    def revert(self, snapshot: str) -> None:
        """Back to `snapshot`; nonces are re-read since the transactions after it are gone."""
        if not self._rpc("evm_revert", [snapshot]):
            raise ChainError(f"no snapshot {snapshot}")
        self._nonces.clear()
        self._funded.clear()
        self._time = None

    # ------------------------------------------------------------ contracts

    def register_errors(self, abi: list) -> None:
        """Learn the custom errors of an ABI so reverts decode to their names."""
        for item in abi:
            if item.get("type") == "error":
                types = [abi_type(i) for i in item["inputs"]]
                signature = f"{item['name']}({','.join(types)})"
                self._errors[keccak(text=signature)[:4]] = (item["name"], types)

    def deploy(self, label: str, abi: list, bytecode: str, *args: Any) -> Contract:
        self.register_errors(abi)
        factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        data = factory.constructor(*args).data_in_transaction
        receipt = self.send(label, None, data)
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=abi)

    def transact(self, label: str, call: Any) -> Receipt:
        """Send a contract function call (`contract.functions.f(...)`) from `label`."""
        # web3's own ABI encoder for the call; `build_transaction` would add an eth_estimateGas round trip
        receipt = self.send(label, call.address, call._encode_transaction_data())
        return Receipt(receipt["blockNumber"], receipt["gasUsed"], receipt["logs"])

    def send(self, label: str, to: str | None, data: str) -> dict:
        """Sign and send a raw transaction; raise `Reverted` with the decoded custom error."""
        account = self.account(label)
        self.fund(label)
        nonce = self._nonces.get(account.address)
        if nonce is None:
            nonce = self.w3.eth.get_transaction_count(account.address)
        tx = {"nonce": nonce, "gas": GAS_LIMIT, "maxFeePerGas": MAX_FEE, "maxPriorityFeePerGas": 1,
              "chainId": self.chain_id, "data": data, "value": 0, "type": 2}
        if to is not None:
            tx["to"] = to
        if self._time is not None:
            self._rpc("evm_setNextBlockTimestamp", [self._time])
        raw = account.sign_transaction(tx).raw_transaction
        tx_hash = self.w3.eth.send_raw_transaction(raw)
        self._nonces[account.address] = nonce + 1
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.001)
        if receipt["status"] != 1:
            raise self._decode_revert(tx_hash.to_0x_hex())
        return receipt

    def _decode_revert(self, tx_hash: str) -> Reverted:
        trace = self._rpc("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}])
        data = bytes.fromhex(trace.get("output", "0x")[2:])
        name, types = self._errors.get(data[:4], ("", []))
        if not name:
            return Reverted(f"unknown error 0x{data[:4].hex()}", (), data)
        return Reverted(name, tuple(self.w3.codec.decode(types, data[4:])), data)

    def _rpc(self, method: str, params: list) -> Any:
        response = self.w3.provider.make_request(method, params)
        if "error" in response:
            raise ChainError(f"{method}: {response['error'].get('message')}")
        return response["result"]


def abi_type(item: dict) -> str:
    """An ABI input's canonical type, tuples spelled out, as selectors and topics hash it."""
    kind = item["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in item["components"]) + ")" + kind[len("tuple"):]
    return kind
