"""The ABI codec: canonical types of ABI items, as selectors and topics hash them."""
from __future__ import annotations


def abi_type(item: dict) -> str:
    """An ABI input's canonical type, tuples spelled out, as selectors and topics hash it."""
    kind = item["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in item["components"]) + ")" + kind[len("tuple"):]
    return kind
