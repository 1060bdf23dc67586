"""The portal's first sync of a 100,000-punch chain, fed through the gateway, shows progress and
takes under a minute (slow: `pytest -m slow tests/citizens`)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from citizens.portal.chainread import ChainReader
from citizens.portal.index import Index
from oracles.throughput import bench_node, end_to_end

pytestmark = [pytest.mark.chain, pytest.mark.slow]


def test_first_sync_of_100000_punches_takes_under_a_minute(tmp_path: Path) -> None:
    with bench_node() as node:
        punches, _ = end_to_end(node.url, tmp_path, employees=500, terminals=4, days=100, batch_size=500)
        assert punches >= 100_000
        index = Index(tmp_path / "portal.sqlite")
        seen: list[tuple[int, int]] = []
        began = time.perf_counter()
        index.sync(ChainReader(node.url), lambda done, total: seen.append((done, total)))
        seconds = time.perf_counter() - began
    indexed = index.rows("SELECT COUNT(*) FROM punches")[0][0]
    print(f"first sync: {punches:,} punches, {indexed:,} punch rows, {seconds:.1f} s, {len(seen)} progress steps")
    assert indexed >= punches * 0.9  # refused punches are logged apart
    assert seen and seen[-1][0] == seen[-1][1]  # progress reached its end
    assert seconds < 60
