"""Reading a deployed contract's past from the chain: its creation, its logs, every call to it.

Citizens hold only the contract's address. Everything else is found from
public chain data a plain JSON-RPC node serves: the creation block by a
binary search on `eth_getCode` at past blocks (needs the node's state
history, which anvil and archive nodes keep), the creation transaction in
that block, the logs by `eth_getLogs` paged over block ranges (public nodes
cap the range and the result size). Calls to the contract come from
`trace_filter` (anvil, Erigon, Reth, Nethermind serve it) or, where the
node lacks it, from a block-by-block scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, cast

from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import Web3Exception
from web3.types import BlockIdentifier, FilterParams, RPCEndpoint

#: Blocks per `eth_getLogs` or `trace_filter` request; halved while the node refuses a range.
LOG_PAGE = 10_000


class NotFound(LookupError):
    """The chain does not hold what was looked for (no code at the address, no creation, …)."""


@dataclass(frozen=True)
class Creation:
    block: int
    transaction: str  # hash, 0x-hex
    sender: str
    input: bytes  # creation code followed by the ABI-encoded constructor arguments


def code_at(w3: Web3, address: str, block: BlockIdentifier = "latest") -> bytes:
    return bytes(w3.eth.get_code(to_checksum_address(address), block_identifier=block))


def creation_block(w3: Web3, address: str) -> int:
    """The block in which the code at `address` appeared (binary search over past states; a node
    that keeps none, a pruned one or an anvil restarted from a saved state, is asked who created it)."""
    latest: int = w3.eth.block_number
    if not code_at(w3, address, latest):
        raise NotFound(f"no contract at {address}")
    low, high = 0, latest  # invariant: no code at low - 1 (or low == 0), code at high
    try:
        while low < high:
            middle = (low + high) // 2
            if code_at(w3, address, middle):
                high = middle
            else:
                low = middle + 1
    except (Web3Exception, ValueError):
        return _creator_block(w3, address)
    return low


def _creator_block(w3: Web3, address: str) -> int:
    """The creation block from the node's `ots_getContractCreator` (anvil, Erigon, Reth serve it)."""
    response = w3.provider.make_request(RPCEndpoint("ots_getContractCreator"), [to_checksum_address(address)])
    found = response.get("result")
    if not found:
        raise NotFound(
            f"the node keeps no past states and does not say who created {address} "
            "(ots_getContractCreator); ask an archive node"
        )
    return int(w3.eth.get_transaction_receipt(found["hash"])["blockNumber"])


def find_creation(w3: Web3, address: str) -> Creation:
    """The transaction that created `address`: a plain deployment in its creation block.

    A contract created by another contract (a factory) has no such
    transaction; `NotFound` then says so, and its creation code is not checked.
    """
    address = to_checksum_address(address)
    block = creation_block(w3, address)
    for tx in w3.eth.get_block(block, full_transactions=True)["transactions"]:
        assert not isinstance(tx, HexBytes)  # full transactions, not their hashes
        if tx.get("to") is None:
            receipt = w3.eth.get_transaction_receipt(tx["hash"])
            if receipt.get("contractAddress") == address:
                return Creation(block, tx["hash"].to_0x_hex(), tx["from"], bytes(tx["input"]))
    raise NotFound(f"{address} was created in block {block} by another contract, not by a transaction")


def paged(fetch: Callable[[int, int], list[Any]], start: int, end: int, page: int = LOG_PAGE) -> Iterator[Any]:
    """Everything `fetch(first, last)` returns for the blocks `start`..`end`, a page of blocks at a
    time; a page the node refuses (range or result too large) is asked again, halved."""
    while start <= end:
        stop = min(start + page - 1, end)
        try:
            items = fetch(start, stop)
        except (Web3Exception, ValueError):
            if page == 1:
                raise
            page //= 2
            continue
        yield from items
        start = stop + 1


def get_logs(w3: Web3, query: dict[str, Any], from_block: int, to_block: int | None = None) -> Iterator[dict[str, Any]]:
    """Every log matching `query` (address, topics) from `from_block` on, in chain order."""
    end = w3.eth.block_number if to_block is None else to_block
    return paged(
        lambda first, last: w3.eth.get_logs(cast(FilterParams, {**query, "fromBlock": first, "toBlock": last})),
        from_block,
        end,
    )


@dataclass(frozen=True)
class ContractCall:
    """A call to a contract: a transaction to it, or a call another contract made to it."""

    transaction: str
    block: int
    sender: str  # the `msg.sender` the contract saw
    input: bytes
    failed: bool  # reverted: it changed nothing
    output: bytes = b""  # of a reverted call: the revert data (the custom error)


def calls_to(w3: Web3, address: str, from_block: int, to_block: int | None = None) -> list[ContractCall]:
    """Every call to `address` from `from_block` on, in chain order, reverted ones included.

    Logs do not suffice: a contract may log nothing for an accepted action (a
    batch of punches is its own record). `trace_filter` finds every call,
    also those relayed by other contracts; a node without it is scanned
    block by block for transactions to the contract.
    """
    address = to_checksum_address(address)
    end = w3.eth.block_number if to_block is None else to_block
    try:
        return list(paged(lambda first, last: _traced_calls(w3, address, first, last), from_block, end))
    except (Web3Exception, ValueError, NotImplementedError):
        return list(paged(lambda first, last: _scanned_calls(w3, address, first, last), from_block, end))


def _traced_calls(w3: Web3, address: str, first: int, last: int) -> list[ContractCall]:
    response = w3.provider.make_request(
        RPCEndpoint("trace_filter"), [{"fromBlock": hex(first), "toBlock": hex(last), "toAddress": [address]}]
    )
    if "error" in response:
        raise NotImplementedError(response["error"].get("message"))
    calls = []
    for trace in response["result"]:
        action = trace["action"]
        if trace["type"] != "call" or action.get("callType") != "call":
            continue  # its creation, or static and delegate calls, which change none of its state
        failed = "error" in trace
        if not failed and trace["traceAddress"]:  # an inner call is undone when its transaction reverts
            failed = w3.eth.get_transaction_receipt(trace["transactionHash"])["status"] != 1
        output = bytes.fromhex(trace.get("result", {}).get("output", "0x")[2:]) if "error" in trace else b""
        calls.append(
            ContractCall(
                trace["transactionHash"],
                trace["blockNumber"],
                to_checksum_address(action["from"]),
                bytes.fromhex(action["input"][2:]),
                failed,
                output,
            )
        )
    return calls


def _scanned_calls(w3: Web3, address: str, first: int, last: int) -> list[ContractCall]:
    calls = []
    for number in range(first, last + 1):
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
            assert not isinstance(tx, HexBytes)  # full transactions, not their hashes
            if tx.get("to") == address:
                failed = w3.eth.get_transaction_receipt(tx["hash"])["status"] != 1
                calls.append(
                    ContractCall(
                        tx["hash"].to_0x_hex(),
                        number,
                        tx["from"],
                        bytes(tx["input"]),
                        failed,
                        _revert_data(w3, tx["hash"].to_0x_hex()) if failed else b"",
                    )
                )
    return calls


def _revert_data(w3: Web3, transaction: str) -> bytes:
    """A reverted transaction's revert data, where the node can trace it (else none)."""
    response = w3.provider.make_request(RPCEndpoint("debug_traceTransaction"), [transaction, {"tracer": "callTracer"}])
    result: dict[str, Any] = response.get("result", {})
    return bytes.fromhex(result.get("output", "0x")[2:])
