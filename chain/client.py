"""A connection to a chain: its accounts, transactions sent raw, custom errors of reverts decoded.

Accounts are deterministic per scenario label (key = keccak256("lawdsl:" +
label)), so a run is reproducible and its addresses map back to labels.
Transactions are signed locally and sent raw with nonces kept here: web3's
convenience path costs an RPC round trip per field.

How anvil treats time (measured with anvil 1.7.1)
-------------------------------------------------
Every transaction is mined in its own block (automine). Scenario events
replay past dates, so the chain starts at `anvil.GENESIS_TIME` (2000-01-01) and
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
contracts on eth-tester + py-evm inside this process (`chain/tester.py`), with
the same accounts and the same time rules (see its docstring); `local.local_chain()`
picks anvil when its binary exists, else the in-process chain
(`LAWDSL_CHAIN=tester` forces it, `LAWDSL_CHAIN=anvil` insists on anvil).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.types import LogReceipt, RPCEndpoint, TxReceipt

from .abi import Abi
from .accounts import AUTHORITY, account_key

GAS_LIMIT = 15_000_000
MAX_FEE = 100 * 10**9
FUNDING = 10**24  # wei given to every account the chain uses


class ChainError(RuntimeError):
    """The chain refused a request (not a contract revert)."""


class Reverted(Exception):
    """A transaction reverted; `error` is the decoded custom error's name, `arguments` its values."""

    def __init__(self, error: str, args: tuple[Any, ...], data: bytes) -> None:
        super().__init__(f"{error}{args}")
        self.error = error
        self.arguments = args
        self.data = data



@dataclass(frozen=True)
class Receipt:
    block: int
    gas_used: int
    logs: list[LogReceipt]


class Chain:
    """A web3 connection, one account per label, and transactions sent the fast way."""

    def __init__(self, url: str, *, w3: Web3 | None = None) -> None:
        self.url = url
        self.w3 = w3 or Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        self.chain_id = self.w3.eth.chain_id
        self._accounts: dict[str, LocalAccount] = {}
        self._labels: dict[str, str] = {}  # checksum address -> label
        self._nonces: dict[str, int] = {}
        self._funded: set[str] = set()
        self._time: int | None = None  # pinned block time, see the module docstring
        self._errors = Abi([])  # the custom errors of every ABI deployed so far, by selector
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
        snapshot: str = self._rpc("evm_snapshot", [])
        return snapshot

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

    def register_errors(self, abi: list[dict[str, Any]]) -> None:
        """Learn the custom errors of an ABI so reverts decode to their names."""
        self._errors.errors.update(Abi(abi).errors)

    def deploy(self, label: str, abi: list[dict[str, Any]], bytecode: str, *args: Any) -> Contract:
        self.register_errors(abi)
        factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        data = factory.constructor(*args).data_in_transaction
        receipt = self.send(label, None, data)
        address = receipt["contractAddress"]
        assert address is not None  # a deployment's receipt names the contract it created
        return self.w3.eth.contract(address=address, abi=abi)

    def transact(self, label: str, call: Any) -> Receipt:
        """Send a contract function call (`contract.functions.f(...)`) from `label`."""
        # web3's own ABI encoder for the call; `build_transaction` would add an eth_estimateGas round trip
        receipt = self.send(label, call.address, call._encode_transaction_data())
        return Receipt(receipt["blockNumber"], receipt["gasUsed"], receipt["logs"])

    def send(self, label: str, to: str | None, data: str) -> TxReceipt:
        """Sign and send a raw transaction; raise `Reverted` with the decoded custom error."""
        account = self.account(label)
        self.fund(label)
        nonce = self._nonces.get(account.address)
        if nonce is None:
            nonce = self.w3.eth.get_transaction_count(account.address)
        tx: dict[str, Any] = {"nonce": nonce, "gas": GAS_LIMIT, "maxFeePerGas": MAX_FEE, "maxPriorityFeePerGas": 1,
              "chainId": self.chain_id, "data": data, "value": 0, "type": 2}
        if to is not None:
            tx["to"] = to
        self._pin_time()
        raw = account.sign_transaction(tx).raw_transaction
        tx_hash = self.w3.eth.send_raw_transaction(raw)
        self._nonces[account.address] = nonce + 1
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.001)
        if receipt["status"] != 1:
            raise self._decode_revert(tx_hash.to_0x_hex())
        return receipt

    def _pin_time(self) -> None:
        """Before a transaction: its block gets the pinned time again (see the module docstring)."""
        if self._time is not None:
            self._rpc("evm_setNextBlockTimestamp", [self._time])

    def _decode_revert(self, tx_hash: str) -> Reverted:
        trace = self._rpc("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}])
        return self._reverted(bytes.fromhex(trace.get("output", "0x")[2:]))

    def _reverted(self, data: bytes) -> Reverted:
        """The custom error in a transaction's revert data, decoded by the ABIs deployed so far."""
        decoded = self._errors.error(data)
        if decoded is None:
            return Reverted(f"unknown error 0x{data[:4].hex()}", (), data)
        return Reverted(*decoded, data)

    def _rpc(self, method: str, params: list[Any]) -> Any:
        response = self.w3.provider.make_request(RPCEndpoint(method), params)
        if "error" in response:
            raise ChainError(f"{method}: {response['error'].get('message')}")
        return response["result"]

