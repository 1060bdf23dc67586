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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress, HexStr
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.types import LogReceipt, RPCEndpoint, TxReceipt

from .abi import Abi
from .accounts import AUTHORITY, account_key

GAS_LIMIT = 15_000_000
MAX_FEE = 100 * 10**9
TIP = 10**9  # wei per gas offered to a live chain's block producer
FUNDING = 10**24  # wei given to every account the chain uses

#: The errors Solidity itself raises: `require(…, "text")` and a panic (overflow, assert, …).
SOLIDITY_ERRORS = [
    {"type": "error", "name": "Error", "inputs": [{"name": "message", "type": "string"}]},
    {"type": "error", "name": "Panic", "inputs": [{"name": "code", "type": "uint256"}]},
]


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
            raise ChainError(
                f"no Ethereum node answers at {url} ({type(error).__name__}); start one (`lawdsl chain`) or check --rpc"
            ) from None
        self._accounts: dict[str, LocalAccount] = {}
        self._labels: dict[str, str] = {}  # checksum address -> label
        self._nonces: dict[str, int] = {}
        self._funded: set[str] = set()
        self._time: int | None = None  # pinned block time, see the module docstring
        self._errors = Abi(SOLIDITY_ERRORS)  # the custom errors of every ABI deployed so far, by selector
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
        return Receipt(
            receipt["blockNumber"], receipt["gasUsed"], receipt["logs"], receipt["transactionHash"].to_0x_hex()
        )

    def send(self, label: str, to: str | None, data: str) -> TxReceipt:
        """Sign and send a raw transaction; raise `Reverted` with the decoded custom error."""
        account, nonce = self._sender(label)
        tx = self._transaction(nonce, to, data)
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

    def transfer_ether(self, label: str, to: str, wei: int) -> TxReceipt:
        """A plain value transfer from `label`'s account: how a live chain's accounts get gas money."""
        account = self.account(label)
        tx: dict[str, Any] = {
            "nonce": self.w3.eth.get_transaction_count(account.address),
            "to": to_checksum_address(to),
            "value": wei,
            "gas": 21_000,
            "chainId": self.chain_id,
            "type": 2,
        }
        self._fees(tx)
        self._affordable(account.address, tx)
        tx_hash = self.w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
        return self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60)

    def _price(self, sender: ChecksumAddress, tx: dict[str, Any]) -> None:
        """A live transaction's gas (estimated: a refusal shows here, before any gas is spent) and fees."""
        call = {"from": sender, "data": tx["data"], **({"to": tx["to"]} if "to" in tx else {})}
        response = self.w3.provider.make_request(RPCEndpoint("eth_estimateGas"), [call])
        if "error" in response:
            data = _revert_data(response["error"])
            if data is None:
                raise ChainError(f"the node refused the transaction: {response['error'].get('message')}")
            raise self._reverted(data)
        tx["gas"] = min(int(response["result"], 16) * 6 // 5 + 10_000, GAS_LIMIT)
        self._fees(tx)
        self._affordable(sender, tx)

    def _fees(self, tx: dict[str, Any]) -> None:
        """EIP-1559 fees from the latest block: twice its base fee plus a 1 gwei tip."""
        base = self.w3.eth.get_block("latest").get("baseFeePerGas", 0)
        tx["maxPriorityFeePerGas"] = TIP
        tx["maxFeePerGas"] = 2 * base + TIP

    def _affordable(self, sender: ChecksumAddress, tx: dict[str, Any]) -> None:
        needed = tx["gas"] * tx["maxFeePerGas"] + tx.get("value", 0)
        balance = self.w3.eth.get_balance(sender)
        if balance < needed:
            raise ChainError(
                f"account {sender} has {balance / 1e18:.6f} ETH but this transaction may cost "
                f"{needed / 1e18:.6f} ETH in gas; send it some (`lawdsl fund {sender} --key FUNDER`)"
            )

    def send_many(self, label: str, to: str, calldata: list[str], window: int = 200) -> list[TxReceipt]:
        """Send many transactions from `label` to `to`, `window` at a time without waiting between
        them (a node mines them in nonce order), then their receipts; the first failure raises
        `Reverted`. For bulk set-up (thousands of registrations), where a round trip per transaction
        dominates; the window stays small because anvil slows down badly with thousands pending."""
        account, nonce = self._sender(label)
        receipts = []
        self._pin_time()  # the first block; the node dates the next ones from it
        for first in range(0, len(calldata), window):
            hashes = []
            for data in calldata[first : first + window]:
                tx = self._transaction(nonce, to, data)
                hashes.append(self.w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction))
                nonce += 1
                self._nonces[account.address] = nonce
            for tx_hash in hashes:
                receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.001)
                if receipt["status"] != 1:
                    raise self._decode_revert(tx_hash.to_0x_hex())
                receipts.append(receipt)
        return receipts

    def _sender(self, label: str) -> tuple[LocalAccount, int]:
        """`label`'s account, funded with gas money, and its next nonce (kept here once read)."""
        account = self.account(label)
        self.fund(label)
        nonce = self._nonces.get(account.address)
        if nonce is None:
            nonce = self.w3.eth.get_transaction_count(account.address)
        return account, nonce

    def _transaction(self, nonce: int, to: str | None, data: str) -> dict[str, Any]:
        """An EIP-1559 transaction with this chain's fixed gas limit and fee cap (the module docstring)."""
        tx: dict[str, Any] = {
            "nonce": nonce,
            "gas": GAS_LIMIT,
            "maxFeePerGas": MAX_FEE,
            "maxPriorityFeePerGas": 1,
            "chainId": self.chain_id,
            "data": data,
            "value": 0,
            "type": 2,
        }
        if to is not None:
            tx["to"] = to
        return tx

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
        tx = self.w3.eth.get_transaction(HexStr(tx_hash))
        call = {"from": tx["from"], "to": tx["to"], "data": "0x" + bytes(tx["input"]).hex(), "gas": hex(tx["gas"])}
        response = self.w3.provider.make_request(RPCEndpoint("eth_call"), [call, hex(tx["blockNumber"] - 1)])
        data = _revert_data(response.get("error", {})) if "error" in response else None
        return self._reverted(data or b"")

    def _reverted(self, data: bytes) -> Reverted:
        """The custom error in a transaction's revert data, decoded by the ABIs deployed so far."""
        if not data:
            return Reverted("a revert without reason", (), data)
        decoded = self._errors.error(data)
        if decoded is None:
            return Reverted(f"unknown error 0x{data[:4].hex()}", (), data)
        return Reverted(*decoded, data)

    def _rpc(self, method: str, params: list[Any]) -> Any:
        response = self.w3.provider.make_request(RPCEndpoint(method), params)
        if "error" in response:
            raise ChainError(f"{method}: {response['error'].get('message')}")
        return response["result"]


def _revert_data(error: Mapping[str, object]) -> bytes | None:
    """The revert data in a JSON-RPC error: `data` is the hex string (anvil, geth, Besu) or an
    object holding it (Hardhat); None when the error is not a revert (a node's own refusal)."""
    data = error.get("data")
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    message = str(error.get("message", ""))
    return b"" if "revert" in message.lower() else None
