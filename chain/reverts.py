"""Chain answers in words: a revert's custom error by name, a token amount with its symbol.

For the gateway, which talks to nodes through `Rpc`/`ContractClient` (no
web3): the submitter names the error of a batch the statute reverted and logs
what each batch paid in the statute's currency.
"""
from __future__ import annotations

from dataclasses import dataclass

from eth_abi import decode
from eth_abi.exceptions import DecodingError
from eth_utils import keccak, to_checksum_address

from .abi import abi_type
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


def currency_of(statute: ContractClient) -> Currency:
    """The statute's currency token's symbol and decimals (raw units if the token has none)."""
    token = statute.view("currency")
    try:
        raw_symbol = statute.rpc.call("eth_call", {"to": token, "data": "0x" + keccak(text="symbol()")[:4].hex()},
                                      "latest")
        raw_decimals = statute.rpc.call("eth_call", {"to": token, "data": "0x" + keccak(text="decimals()")[:4].hex()},
                                        "latest")
        return Currency(decode(["string"], bytes.fromhex(raw_symbol[2:]))[0],
                        decode(["uint8"], bytes.fromhex(raw_decimals[2:]))[0])
    except (RpcError, ValueError, DecodingError):
        return Currency("units", 0)


def decode_revert(abi: list, data: str | None) -> tuple[str | None, str | None]:
    """(error name, `Name(arg, …)`) of a revert's return data by the contract's ABI: custom errors,
    `Error(string)` and `Panic(uint256)`; (None, None) for data it cannot read."""
    if not data or len(data) < 10:
        return None, None
    raw = bytes.fromhex(data[2:])
    errors = [item for item in abi if item.get("type") == "error"]
    errors += [{"name": "Error", "inputs": [{"type": "string"}]}, {"name": "Panic", "inputs": [{"type": "uint256"}]}]
    for item in errors:
        types = [abi_type(i) for i in item["inputs"]]
        if keccak(text=f"{item['name']}({','.join(types)})")[:4] == raw[:4]:
            try:
                values = decode(types, raw[4:])
            except DecodingError:
                return item["name"], item["name"]
            shown = ", ".join(to_checksum_address(v) if t == "address" else str(v) for t, v in zip(types, values))
            return item["name"], f"{item['name']}({shown})"
    return None, f"unknown error {data[:10]}"
