"""Which private local chain to start: anvil when its binary exists, else py-evm in process."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from . import anvil
from .client import Chain, ChainError
from .tester import InProcessChain

CHAIN_ENV = "LAWDSL_CHAIN"  # "anvil" or "tester": which local chain `local_chain()` starts


def runs_in_process() -> bool:
    """Whether `local_chain()` would run in process: forced, or no anvil binary."""
    choice = os.environ.get(CHAIN_ENV, "").strip().lower()
    if choice not in ("", "anvil", "tester"):
        raise ChainError(f"{CHAIN_ENV}={choice!r}: use 'anvil' or 'tester'")
    return choice == "tester" or (choice == "" and not anvil.ANVIL.exists())


@contextmanager
def local_chain() -> Iterator[Chain]:
    """A private local chain for the duration of the block: anvil when its binary exists (from
    `make bootstrap`), else py-evm in this process; `LAWDSL_CHAIN=tester|anvil` chooses."""
    if runs_in_process():
        yield InProcessChain()
        return
    with anvil.LocalAnvil(binary=anvil.ANVIL) as node:
        yield Chain(node.url)
