"""Chain answers in words: a revert's custom error by name, a token amount with its symbol.

For the gateway, which talks to nodes through `Rpc`/`ContractClient` (no
web3): the submitter names the error of a batch the statute reverted and logs
what each batch paid in the statute's currency.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi.exceptions import DecodingError

from .abi import Abi
from .contract import ContractClient
from .rpc import RpcError


@dataclass(frozen=True)
class Currency:
    """A token's symbol and decimals, to write amounts as people read them in the log."""

    symbol: str
    decimals: int

    def format(self, amount: int) -> str:
        whole, fraction = divmod(amount, 10**self.decimals)
        text = f"{whole:,}" + (f".{fraction:0{self.decimals}d}" if self.decimals else "")
        return f"{self.symbol} {text}".strip()


#: What every ERC-20 token with a name answers: enough to write an amount.
_TOKEN = Abi(
    [
        {"type": "function", "name": "symbol", "inputs": [], "outputs": [{"name": "", "type": "string"}]},
        {"type": "function", "name": "decimals", "inputs": [], "outputs": [{"name": "", "type": "uint8"}]},
    ]
)


def currency_of(statute: ContractClient) -> Currency:
    """The statute's currency token's symbol and decimals (raw units if the token has none)."""
    token = statute.view("currency")

    def ask(function: str) -> object:
        raw = statute.rpc.call("eth_call", {"to": token, "data": "0x" + _TOKEN.calldata(function).hex()}, "latest")
        return _TOKEN.result(function, raw)

    try:
        return Currency(str(ask("symbol")), int(ask("decimals")))  # type: ignore[call-overload]
    except (RpcError, ValueError, DecodingError):
        return Currency("units", 0)


#: The two errors Solidity raises without declaring them: `require(…, "text")` and a panic.
_BUILTIN = Abi(
    [
        {"type": "error", "name": "Error", "inputs": [{"name": "message", "type": "string"}]},
        {"type": "error", "name": "Panic", "inputs": [{"name": "code", "type": "uint256"}]},
    ]
)


def decode_revert(contract: ContractClient, data: str | None) -> tuple[str | None, str | None]:
    """(error name, `Name(arg, …)`) of a revert's return data by the contract's ABI (custom errors)
    or Solidity's own `Error(string)` and `Panic(uint256)`; (None, None) without data, (None,
    `unknown error 0x…`) for a selector neither knows."""
    if not data or len(data) < 10:
        return None, None
    try:
        decoded = contract.codec.error(data) or _BUILTIN.error(data)
    except (DecodingError, ValueError):
        return None, f"malformed error data {data[:10]}"
    if decoded is None:
        return None, f"unknown error {data[:10]}"
    name, values = decoded
    return name, f"{name}({', '.join(str(value) for value in values)})"
