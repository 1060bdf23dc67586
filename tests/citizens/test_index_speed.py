"""The index's first sync of a 100,000-punch history, timed on the indexer's own work.

The logs are built byte for byte as the working-time contract writes them
(`Punched`, `PaidAtClockOut`: topics and ABI-encoded data, 64-bit refs) and
served by a reader that skips only the HTTP round trips; decoding,
batching, inserting and progress are the portal's real code. 200 punches a
block, as the gateway batches them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from eth_abi import encode
from eth_utils import keccak

from chain.reader import ChainReader
from chain.registry import Enactment
from citizens.portal.index import REPORT_EVERY, Index
from lawdsl.ast import Domain

PUNCHES = 100_000
PER_BLOCK = 200
STATUTE = "0x" + "11" * 20
REGISTRY = "0x" + "22" * 20
DEVICE = bytes(12) + bytes.fromhex("33" * 20)
EMPLOYER = bytes(12) + bytes.fromhex("44" * 20)
PUNCHED = keccak(text="Punched(uint64,address,address,uint64,bool)")
PAID = keccak(text="PaidAtClockOut(uint64,address,address,address,uint64,bytes32,uint256)")


def raw_logs(first: int, last: int) -> Iterator[dict]:
    """The history's logs in blocks [first, last]: clock-ins, then paid clock-outs."""
    for block in range(max(first, 1), min(last, PUNCHES // PER_BLOCK) + 1):
        for i in range(PER_BLOCK):
            n = (block - 1) * PER_BLOCK + i
            employee = bytes(12) + (n % 1000).to_bytes(20, "big")  # 1,000 workers
            ref = (n * 0x9E3779B97F4A7C15) % 2**64  # spread over 64 bits, half above 2**63
            at = 1_780_000_000 + n * 60
            if n % 2 == 0:
                topics, data = [PUNCHED, DEVICE, employee], encode(["uint64", "uint64", "bool"], [ref, at, True])
            else:
                topics = [PAID, DEVICE, employee, EMPLOYER]
                data = encode(["uint64", "uint64", "bytes32", "uint256"], [ref, at, b"44.1".ljust(32, b"\0"), 18_000])
            yield {
                "address": STATUTE,
                "topics": topics,
                "data": data,
                "blockNumber": block,
                "logIndex": i,
                "transactionHash": block.to_bytes(32, "big"),
            }


class ServedReader(ChainReader):
    """The portal's reader with the node's answers served from memory."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9")  # never contacted

    def latest_block(self) -> int:
        return PUNCHES // PER_BLOCK

    def logs(self, address, topics, start: int, end: int) -> Iterator[dict]:  # type: ignore[override]
        return raw_logs(start, end)

    def block_hash(self, number: int) -> str:
        return f"0x{number:064x}"

    def block_time(self, number: int) -> int:
        return 1_780_000_000 + number * 12

    def discover_registries(self, end: int, start: int = 0) -> list[str]:
        return [REGISTRY]

    def enactments(self, registry: str, start: int, end: int) -> list[Enactment]:
        return [Enactment(REGISTRY, "Act", 1, STATUTE, bytes(32), 0, 0, "0x00")] if start == 0 else []

    def domain_of(self, address: str) -> Domain:
        return Domain.WORKING_TIME

    def currency_of(self, address: str) -> tuple[str, int]:
        return ("CNY", 2)


def test_first_sync_of_100000_punches_shows_progress_and_takes_under_a_minute(tmp_path: Path) -> None:
    index = Index(tmp_path / "index.sqlite")
    steps: list[tuple[int, int]] = []
    began = time.perf_counter()
    index.sync(ServedReader(), lambda done, total: steps.append((done, total)))
    seconds = time.perf_counter() - began
    assert index.rows("SELECT COUNT(*) FROM punches")[0][0] == PUNCHES
    refs = [ref for (ref,) in index.rows("SELECT ref FROM payments")]
    assert len(refs) == PUNCHES // 2 and max(refs) >= 2**63
    assert steps[-1] == (PUNCHES // PER_BLOCK + 1, PUNCHES // PER_BLOCK + 1)
    # the whole history is one step of blocks: progress is still reported as its logs are decoded
    assert len(steps) >= PUNCHES // REPORT_EVERY
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    print(f"first sync of {PUNCHES:,} punches: {seconds:.1f} s")
    assert seconds < 60
