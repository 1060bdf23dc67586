"""The one ABI codec: calldata, view results, logs and revert data of a contract, by its ABI.

Every layer that reads or writes a contract's bytes goes through `Abi`: the
drivers and the scenario runner, the gateway's submitter and keeper (raw
JSON-RPC, hex strings), the audit and the portal (web3 logs, bytes). It
uses `eth_abi` directly: web3's contract objects normalise every value and
build an event object per log, which the gateway's hot path and a long
history cannot afford (measured in `chain/contract.py` and the portal).

Decoded values are what `eth_abi` returns, except that every `address` is
checksummed (as web3 returns it), so a decoded address compares equal to
one a caller holds. A `string` or `bytes` argument that is `indexed` is
only its keccak256 in the log; it stays that 32-byte topic.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

#: An ABI item (function, event, error, or one of their inputs) as solc writes it in JSON.
Item = Mapping[str, Any]


def abi_type(item: Item) -> str:
    """An ABI input's canonical type, tuples spelled out, as selectors and topics hash it."""
    kind: str = item["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in item["components"]) + ")" + kind[len("tuple") :]
    return kind


def signature(item: Item) -> str:
    """`name(type,…)` of a function, event or error: what its selector or topic hashes."""
    return f"{item['name']}({','.join(abi_type(i) for i in item['inputs'])})"


def selector(item: Item) -> bytes:
    """The 4-byte selector of a function or custom error."""
    return keccak(text=signature(item))[:4]


def topic(item: Item) -> bytes:
    """topic0 of an event's logs."""
    return keccak(text=signature(item))


def _bytes(value: str | bytes) -> bytes:
    """Raw JSON-RPC answers carry hex strings, web3 answers bytes; both mean the same bytes."""
    return bytes.fromhex(value.removeprefix("0x")) if isinstance(value, str) else bytes(value)


@functools.lru_cache(maxsize=65_536)
def checksum(raw: bytes) -> str:
    """EIP-55 form of a 20-byte address, cached: a chain's history names the same parties again and
    again, and a checksum is a keccak (a fifth of a long log sync when computed per log)."""
    return to_checksum_address(raw)


def address_of(value: str | bytes) -> str:
    """EIP-55 form of a decoded address (hex text or bytes), through `checksum`'s cache."""
    return checksum(_bytes(value))


#: ABI types one 32-byte word holds in place, and how `log` reads such a word without eth_abi.
_WORD = {"address", "bool", "uint8", "uint16", "uint32", "uint64", "uint128", "uint256", "bytes32"}


def _word(kind: str, word: bytes) -> Any:
    if len(word) != 32:
        raise ValueError(f"a log's {kind} field is cut short")
    if kind == "address":
        return checksum(word[12:])
    if kind == "bool":
        return word != bytes(32)
    if kind == "bytes32":
        return word
    return int.from_bytes(word, "big")


def _checksummed(kind: str, value: Any) -> Any:
    """`value` of ABI type `kind` with every address checksummed (eth_abi returns lower case)."""
    if kind == "address":
        return checksum(bytes.fromhex(value[2:]))
    if kind.endswith("]"):
        inner = kind[: kind.rindex("[")]
        return tuple(_checksummed(inner, v) for v in value)
    if kind.startswith("("):
        return tuple(_checksummed(k, v) for k, v in zip(_components(kind), value))
    return value


def _components(kind: str) -> list[str]:
    """The member types of a tuple type `(a,(b,c),d[])`, nested tuples kept whole."""
    parts, depth, start = [], 0, 1
    for position, char in enumerate(kind[1:-1], 1):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(kind[start:position])
            start = position + 1
    parts.append(kind[start : len(kind) - 1])
    return [p for p in parts if p]


def decode_values(types: Sequence[str], data: bytes) -> tuple[Any, ...]:
    """ABI-decode `data` as `types`, addresses checksummed."""
    return tuple(_checksummed(kind, value) for kind, value in zip(types, decode(list(types), data)))


def _is_dynamic(kind: str) -> bool:
    """Whether an indexed argument of this type is stored as its hash, not its value."""
    return kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("(")


class Abi:
    """One contract's ABI, indexed once: functions by name and selector, events by name and topic,
    errors by selector."""

    def __init__(self, abi: Iterable[Item]) -> None:
        self.items = list(abi)
        self.functions = {item["name"]: item for item in self.items if item.get("type") == "function"}
        self._by_selector = {selector(item): item for item in self.functions.values()}
        self.events = {item["name"]: item for item in self.items if item.get("type") == "event"}
        self._by_topic = {topic(item): item for item in self.events.values()}
        self.errors = {selector(item): item for item in self.items if item.get("type") == "error"}

    # ------------------------------------------------------------ functions

    def signature(self, function: str) -> str:
        return signature(self.functions[function])

    def calldata(self, function: str, *args: Any) -> bytes:
        """Selector and ABI-encoded arguments of `function(*args)`."""
        item = self.functions[function]
        return selector(item) + encode([abi_type(i) for i in item["inputs"]], args)

    def result(self, function: str, raw: str | bytes) -> Any:
        """A view's return data: one output bare, several as a tuple."""
        values = decode_values([abi_type(o) for o in self.functions[function]["outputs"]], _bytes(raw))
        return values[0] if len(values) == 1 else values

    def call(self, data: str | bytes) -> tuple[str, dict[str, Any]] | None:
        """(function name, arguments by name) of calldata, or None for no function of this ABI."""
        data = _bytes(data)
        item = self._by_selector.get(data[:4])
        if item is None:
            return None
        values = decode_values([abi_type(i) for i in item["inputs"]], data[4:])
        return item["name"], {i["name"]: v for i, v in zip(item["inputs"], values)}

    # ------------------------------------------------------------ logs

    def topic(self, event: str) -> str:
        """topic0 of `event`, 0x-hex, as `eth_getLogs` filters take it."""
        return "0x" + topic(self.events[event]).hex()

    def log(self, entry: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """(event name, every argument by name) of a log, or None for an event this ABI lacks."""
        topics = [_bytes(t) for t in entry["topics"]]
        item = self._by_topic.get(topics[0]) if topics else None
        if item is None:
            return None
        plain = [i for i in item["inputs"] if not i.get("indexed")]
        data = _bytes(entry["data"])
        if all(abi_type(i) in _WORD for i in plain):  # every statute event: read word by word, 5× faster
            values = iter([_word(abi_type(i), data[32 * n : 32 * n + 32]) for n, i in enumerate(plain)])
        else:
            values = iter(decode_values([abi_type(i) for i in plain], data))
        indexed = iter(topics[1:])
        args: dict[str, Any] = {}
        for argument in item["inputs"]:
            if not argument.get("indexed"):
                args[argument["name"]] = next(values)
                continue
            kind, word = abi_type(argument), next(indexed)
            args[argument["name"]] = (
                word if _is_dynamic(kind) else _word(kind, word) if kind in _WORD else decode_values([kind], word)[0]
            )
        return item["name"], args

    def logs(self, entries: Iterable[Mapping[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        """The logs this ABI declares, decoded, in the given order; others are left out."""
        return [decoded for decoded in map(self.log, entries) if decoded is not None]

    # ------------------------------------------------------------ errors

    def error(self, data: str | bytes) -> tuple[str, tuple[Any, ...]] | None:
        """(custom error name, its arguments) of revert data, or None for an error this ABI lacks."""
        data = _bytes(data)
        item = self.errors.get(data[:4])
        if item is None:
            return None
        return item["name"], decode_values([abi_type(i) for i in item["inputs"]], data[4:])
