"""A connection to a chain, its accounts, and a private local chain: anvil, or py-evm in process.

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

Where Node (and so anvil) is missing, `InProcessChain` runs the same
contracts on eth-tester + py-evm inside this process, with the same
accounts and the same time rules (see its docstring); `local_chain()`
picks anvil when its binary exists, else the in-process chain
(`LAWDSL_CHAIN=tester` forces it, `LAWDSL_CHAIN=anvil` insists on anvil).
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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.contract import Contract

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ANVIL = PROJECT_ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
HARDHAT = PROJECT_ROOT / "node_modules" / ".bin" / "hardhat"
HARDHAT_CONFIG = PROJECT_ROOT / "chain" / "hardhat" / "hardhat.config.js"
#: The first prefunded account of a fresh anvil or Hardhat node (both derive it from the public
#: "test test … junk" mnemonic): `lawdsl chain --fund` pays from it on the tool's own chain only.
NODE_FAUCET_KEY = bytes.fromhex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
GENESIS_TIME = 946_684_800  # 2000-01-01T00:00:00Z: before every scenario date
AUTHORITY = "@authority"  # label of the statute authority (deployer, registers devices)
GATEWAY = "@gateway"  # label of the oracle gateway that relays signed punch batches
GAS_LIMIT = 15_000_000
MAX_FEE = 100 * 10**9
TIP = 10**9  # wei per gas offered to a live chain's block producer
FUNDING = 10**24  # wei given to every account the chain uses
PR_SET_PDEATHSIG = 1  # prctl option, <linux/prctl.h>
CHAIN_ENV = "LAWDSL_CHAIN"  # "anvil" or "tester": which local chain `local_chain()` starts


#: The errors Solidity itself raises: `require(…, "text")` and a panic (overflow, assert, …).
SOLIDITY_ERRORS = {keccak(text="Error(string)")[:4]: ("Error", ["string"]),
                   keccak(text="Panic(uint256)")[:4]: ("Panic", ["uint256"])}


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
    """A private anvil on loopback (a free port unless `port`); use as a context manager or
    start()/stop(). `timestamp` None: the chain's clock starts now; `state`: a file the chain
    is loaded from if it exists and written to while it runs and at exit."""

    NAME = "anvil"

    def __init__(self, timestamp: int | None = GENESIS_TIME, binary: Path = ANVIL, *, port: int = 0,
                 state: Path | None = None) -> None:
        self.timestamp = timestamp
        self.binary = binary
        self.fixed_port = port
        self.state = state
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._log: IO[bytes] | None = None
        self._error = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        command = [str(self.binary), "--host", "127.0.0.1", "--port", str(self.port), "--silent"]
        if self.timestamp is not None:
            command += ["--timestamp", str(self.timestamp)]
        if self.state is not None:
            command += ["--state", str(self.state), "--state-interval", "1"]
        return command

    def start(self, timeout: float = 20.0, attempts: int = 3) -> str:
        """Start the node and wait until it answers; a free port taken meanwhile is retried on another."""
        if not self.binary.exists():
            raise ChainError(f"{self.NAME} not found at {self.binary}; run `make bootstrap`")
        for _ in range(1 if self.fixed_port else attempts):
            if self._launch(timeout):
                return self.url
        raise ChainError(f"{self.NAME} did not start: {self._error}")

    def _launch(self, timeout: float) -> bool:
        self.port = self.fixed_port or _free_port()
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would stall the node
        self.process = subprocess.Popen(
            self.command(), cwd=PROJECT_ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self._answers():
                return True
            time.sleep(0.05)
        self._log.seek(0)
        self._error = self._log.read().decode(errors="replace").strip()[-500:] or f"no answer within {timeout:.0f} s"
        self.stop()
        return False

    def _answers(self) -> bool:
        """Whether the node answers JSON-RPC (a listening socket alone is not enough for Hardhat)."""
        try:
            return Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 1})).eth.chain_id > 0
        except (OSError, ValueError):
            return False

    def stop(self) -> None:
        """Terminate the node (and only it: it runs in its own process group)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log is not None:
            self._log.close()
        self.process = None

    def __enter__(self) -> "LocalAnvil":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LocalHardhat(LocalAnvil):
    """A private Hardhat 2 node (EDR), the second EVM implementation of the live-path tests. Its
    clock starts now; it keeps no state across restarts."""

    NAME = "hardhat"

    def __init__(self, *, port: int = 0) -> None:
        super().__init__(None, HARDHAT, port=port)

    def command(self) -> list[str]:
        return [str(self.binary), "--config", str(HARDHAT_CONFIG), "node", "--hostname", "127.0.0.1",
                "--port", str(self.port)]

    def start(self, timeout: float = 60.0, attempts: int = 3) -> str:
        return super().start(timeout, attempts)


@dataclass(frozen=True)
class Receipt:
    block: int
    gas_used: int
    logs: list[dict]
    tx_hash: str = ""


class Chain:
    """A web3 connection, one account per label, and transactions sent the fast way."""

    def __init__(self, url: str, *, w3: Web3 | None = None, live: bool = False) -> None:
        """`live`: a node this process did not start (`--rpc`): only standard JSON-RPC methods are
        used on it (no funding by fiat, no time travel, no tracer), and every transaction is tried
        with `eth_estimateGas` first, so a refusal costs no gas and is explained before sending."""
        self.url = url
        self.live = live
        self.w3 = w3 or Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        try:
            self.chain_id = self.w3.eth.chain_id
        except (OSError, ValueError) as error:  # requests' ConnectionError is an OSError
            raise ChainError(f"no Ethereum node answers at {url} ({type(error).__name__}); "
                             "start one (`lawdsl chain`) or check --rpc") from None
        self._accounts: dict[str, LocalAccount] = {}
        self._labels: dict[str, str] = {}  # checksum address -> label
        self._nonces: dict[str, int] = {}
        self._funded: set[str] = set()
        self._time: int | None = None  # pinned block time, see the module docstring
        self._errors: dict[bytes, tuple[str, list[str]]] = dict(SOLIDITY_ERRORS)  # selector -> (name, arg types)
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

    def use(self, label: str, account: LocalAccount) -> None:
        """Act as `label` with `account` (an operator's keystore) instead of the label's dev key."""
        self._accounts[label] = account
        self._labels[account.address] = label

    def fund(self, label: str) -> None:
        """Give a label's account gas money (on a chain this process started, by anvil's fiat;
        once per snapshot epoch). A live chain's accounts are funded by real transfers
        (`transfer_ether`, `lawdsl fund`)."""
        address = self.address(label)
        if not self.live and address not in self._funded:
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
        self._restore(snapshot)
        self._nonces.clear()
        self._funded.clear()
        self._time = None

    def _restore(self, snapshot: str) -> None:
        if not self._rpc("evm_revert", [snapshot]):
            raise ChainError(f"no snapshot {snapshot}")

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
        return Receipt(receipt["blockNumber"], receipt["gasUsed"], receipt["logs"],
                       receipt["transactionHash"].to_0x_hex())

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
        if self.live:
            self._price(account.address, tx)
        self._pin_time()
        raw = account.sign_transaction(tx).raw_transaction
        tx_hash = self.w3.eth.send_raw_transaction(raw)
        self._nonces[account.address] = nonce + 1
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.001)
        if receipt["status"] != 1:
            raise self._decode_revert(tx_hash.to_0x_hex())
        return receipt

    def transfer_ether(self, label: str, to: str, wei: int) -> dict:
        """A plain value transfer from `label`'s account: how a live chain's accounts get gas money."""
        account = self.account(label)
        tx = {"nonce": self.w3.eth.get_transaction_count(account.address), "to": to_checksum_address(to),
              "value": wei, "gas": 21_000, "chainId": self.chain_id, "type": 2,
              "maxFeePerGas": MAX_FEE, "maxPriorityFeePerGas": 1}
        self._fees(tx)
        self._affordable(account.address, tx)
        tx_hash = self.w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
        return self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60)

    def _price(self, sender: str, tx: dict) -> None:
        """A live transaction's gas (estimated: a refusal shows here, before any gas is spent) and fees."""
        call = {"from": sender, "data": tx["data"], **({"to": tx["to"]} if "to" in tx else {})}
        response = self.w3.provider.make_request("eth_estimateGas", [call])
        if "error" in response:
            data = _revert_data(response["error"])
            if data is None:
                raise ChainError(f"the node refused the transaction: {response['error'].get('message')}")
            raise self._reverted(data)
        tx["gas"] = min(int(response["result"], 16) * 6 // 5 + 10_000, GAS_LIMIT)
        self._fees(tx)
        self._affordable(sender, tx)

    def _fees(self, tx: dict) -> None:
        """EIP-1559 fees from the latest block: twice its base fee plus a 1 gwei tip."""
        base = self.w3.eth.get_block("latest").get("baseFeePerGas", 0)
        tx["maxPriorityFeePerGas"] = TIP
        tx["maxFeePerGas"] = 2 * base + TIP

    def _affordable(self, sender: str, tx: dict) -> None:
        needed = tx["gas"] * tx["maxFeePerGas"] + tx.get("value", 0)
        balance = self.w3.eth.get_balance(sender)
        if balance < needed:
            raise ChainError(f"account {sender} has {balance / 1e18:.6f} ETH but this transaction may cost "
                             f"{needed / 1e18:.6f} ETH in gas; send it some (`lawdsl fund {sender} --key FUNDER`)")

    def _pin_time(self) -> None:
        """Before a transaction: its block gets the pinned time again (see the module docstring)."""
        if self._time is not None:
            self._rpc("evm_setNextBlockTimestamp", [self._time])

    def _decode_revert(self, tx_hash: str) -> Reverted:
        """The custom error of a mined, failed transaction: on a live chain by replaying it with
        `eth_call` on the state before its block (standard JSON-RPC), else from anvil's tracer
        (exact even when several transactions share the block, as in scenario replay)."""
        if not self.live:
            trace = self._rpc("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}])
            return self._reverted(bytes.fromhex(trace.get("output", "0x")[2:]))
        tx = self.w3.eth.get_transaction(tx_hash)
        call = {"from": tx["from"], "to": tx["to"], "data": "0x" + bytes(tx["input"]).hex(), "gas": hex(tx["gas"])}
        response = self.w3.provider.make_request("eth_call", [call, hex(tx["blockNumber"] - 1)])
        data = _revert_data(response.get("error", {})) if "error" in response else None
        return self._reverted(data or b"")

    def _reverted(self, data: bytes) -> Reverted:
        """The custom error in a transaction's revert data, decoded by the ABIs deployed so far."""
        if not data:
            return Reverted("a revert without reason", (), data)
        name, types = self._errors.get(data[:4], ("", []))
        if not name:
            return Reverted(f"unknown error 0x{data[:4].hex()}", (), data)
        return Reverted(name, tuple(self.w3.codec.decode(types, data[4:])), data)

    def _rpc(self, method: str, params: list) -> Any:
        response = self.w3.provider.make_request(method, params)
        if "error" in response:
            raise ChainError(f"{method}: {response['error'].get('message')}")
        return response["result"]


def _revert_data(error: dict) -> bytes | None:
    """The revert data in a JSON-RPC error: `data` is the hex string (anvil, geth, Besu) or an
    object holding it (Hardhat); None when the error is not a revert (a node's own refusal)."""
    data = error.get("data")
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    message = str(error.get("message", ""))
    return b"" if "revert" in message.lower() else None


class InProcessChain(Chain):
    """The fallback where Node is missing: eth-tester + py-evm in this process, no node to start.

    Same accounts, contracts and outcome as on anvil; what differs is done here:

    - time: py-evm wants every block strictly later than its parent, which
      the transactions of one event (all at the event's time) cannot meet,
      so the chain runs a Prague VM that also accepts a block at its
      parent's time, and `Chain` sets the time of the block being built
      before every transaction (`time_travel` would mine an empty block and
      refuse the same time twice). Without `set_next_time` a block gets the
      latest block's time: the chain's clock stands still until told, from
      `GENESIS_TIME` on (anvil adds the wall-clock seconds elapsed);
    - funding: a transfer from a genesis account holding `FAUCET_BALANCE`
      (there is no `anvil_setBalance`);
    - snapshots: `take_snapshot` / `revert_to_snapshot` (a snapshot may be
      reverted to more than once);
    - reverts: py-evm hands back the revert data of a failed transaction as
      it runs it, so no trace is needed to decode the custom error.
    """

    def __init__(self, timestamp: int = GENESIS_TIME) -> None:
        from eth_tester import EthereumTester
        from web3 import EthereumTesterProvider

        self.backend = _tester_backend(timestamp)
        self.tester = EthereumTester(self.backend)
        super().__init__("in-process py-evm", w3=Web3(EthereumTesterProvider(self.tester)))
        self._faucet = Account.from_key(_FAUCET_KEY)

    def fund(self, label: str) -> None:
        address = self.address(label)
        if address in self._funded:
            return
        self._funded.add(address)
        nonce = self.w3.eth.get_transaction_count(self._faucet.address)
        tx = {"nonce": nonce, "gas": 21_000, "maxFeePerGas": MAX_FEE, "maxPriorityFeePerGas": 1,
              "chainId": self.chain_id, "to": address, "value": FUNDING, "type": 2}
        self._pin_time()
        self.w3.eth.send_raw_transaction(self._faucet.sign_transaction(tx).raw_transaction)

    def set_next_time(self, when: dt.datetime) -> None:
        at = int(when.timestamp())
        latest = self.w3.eth.get_block("latest")["timestamp"]
        if at < latest:
            raise ChainError(f"set_next_time: {at} is lower than previous block's timestamp {latest}")
        self._time = at

    def snapshot(self) -> str:
        return str(self.tester.take_snapshot())

    def _restore(self, snapshot: str) -> None:
        from eth_tester.exceptions import SnapshotNotFound

        try:
            self.tester.revert_to_snapshot(int(snapshot))
        except SnapshotNotFound as missing:
            raise ChainError(f"no snapshot {snapshot}") from missing

    def _pin_time(self) -> None:
        chain = self.backend.chain
        at = self._time if self._time is not None else self.w3.eth.get_block("latest")["timestamp"]
        chain.header = chain.header.copy(timestamp=at)

    def _decode_revert(self, tx_hash: str) -> Reverted:
        return self._reverted(self.backend.revert_data.get(bytes.fromhex(tx_hash.removeprefix("0x")), b""))


#: The in-process chain's genesis account that funds every other (eth-tester's first default key).
_FAUCET_KEY = (1).to_bytes(32, "big")
FAUCET_BALANCE = 2**200


def _tester_backend(timestamp: int) -> Any:
    """A py-evm backend at `timestamp` that accepts same-time blocks and keeps revert data."""
    from eth.vm.forks import PragueVM
    from eth_tester import PyEVMBackend
    from eth_tester.backends.pyevm.main import get_default_genesis_params

    class SameTimeVM(PragueVM):
        """Prague, but a block may share its parent's timestamp (as on anvil)."""

        @classmethod
        def validate_header(cls, header: Any, parent_header: Any) -> None:
            if parent_header is not None and header.timestamp == parent_header.timestamp:
                parent_header = parent_header.copy(timestamp=header.timestamp - 1)
            super().validate_header(header, parent_header)

    class Backend(PyEVMBackend):
        def __init__(self) -> None:
            faucet = Account.from_key(_FAUCET_KEY).address
            super().__init__(
                genesis_parameters=get_default_genesis_params({"timestamp": timestamp, "gas_limit": 2 * GAS_LIMIT}),
                genesis_state={bytes.fromhex(faucet[2:]): {"balance": FAUCET_BALANCE, "nonce": 0, "code": b"",
                                                           "storage": {}}},
                vm_configuration=((0, SameTimeVM),))
            self.revert_data: dict[bytes, bytes] = {}  # transaction hash -> revert data

        def send_raw_transaction(self, raw_transaction: bytes) -> bytes:
            """As eth-tester's, but keeping the revert data of a failed transaction (no blob transactions)."""
            vm = self.chain.get_vm()
            transaction = vm.get_transaction_builder().decode(raw_transaction)
            _, _, computation = self.chain.apply_transaction(transaction)
            if computation.is_error:
                self.revert_data[transaction.hash] = computation.output
            return transaction.hash

    return Backend()


def runs_in_process() -> bool:
    """Whether `local_chain()` would run in process: forced, or no anvil binary."""
    choice = os.environ.get(CHAIN_ENV, "").strip().lower()
    if choice not in ("", "anvil", "tester"):
        raise ChainError(f"{CHAIN_ENV}={choice!r}: use 'anvil' or 'tester'")
    return choice == "tester" or (choice == "" and not ANVIL.exists())


@contextmanager
def local_chain() -> Iterator[Chain]:
    """A private local chain for the duration of the block: anvil when its binary exists (from
    `make bootstrap`), else py-evm in this process; `LAWDSL_CHAIN=tester|anvil` chooses."""
    if runs_in_process():
        yield InProcessChain()
        return
    with LocalAnvil(binary=ANVIL) as anvil:
        yield Chain(anvil.url)


def abi_type(item: dict) -> str:
    """An ABI input's canonical type, tuples spelled out, as selectors and topics hash it."""
    kind = item["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in item["components"]) + ")" + kind[len("tuple"):]
    return kind
