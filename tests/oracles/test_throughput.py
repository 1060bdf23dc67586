"""The gateway benchmark (`make bench`) measures what it says: every uploaded punch confirmed.

Only that it runs and counts right is tested here; its speed is reported by
`scripts/bench.py` (docs/benchmarks.md), never asserted.
"""

from __future__ import annotations

import datetime as dt

import pytest

from oracles.devices.simulator import simulate, simulated_config
from oracles.throughput import BACKLOG, backlog_uploads, gateway_throughput


def test_each_terminal_uploads_its_own_backlog_in_order_in_bounded_uploads() -> None:
    config = simulated_config(employees=30, devices=3)
    simulation = simulate(config, dt.date(2026, 3, 2), 3, seed=2, profile=BACKLOG)
    uploads = backlog_uploads(simulation, per_upload=7)
    assert set(uploads) == set(config.devices)
    for serial, bodies in uploads.items():
        assert all(0 < body.count("\n") <= 7 for body in bodies)
        assert "".join(bodies) == simulation.attlog(serial)


@pytest.mark.chain
def test_the_benchmark_confirms_every_uploaded_punch() -> None:
    config = simulated_config(employees=12, devices=2)
    first = dt.date.today() - dt.timedelta(days=1 + 2 * 3)  # two runs and the TLS run, two days each
    records = [
        len(simulate(config, first + dt.timedelta(days=2 * i), 2, seed=1, profile=BACKLOG).records) for i in range(2)
    ]
    result = gateway_throughput(
        employees=12, terminals=2, days=2, batch_size=10, raw_transfers=200, gas_batches=(10,), runs=2
    )
    assert result.punches in records and min(records) > 0
    assert result.seconds > 0 and result.raw_seconds > 0 and result.raw_transfers == 200
    assert 10_000 < result.gas_per_punch[10] < 100_000
    assert [name for name, _ in result.rows()][:3] == [
        "raw ceiling (200 plain transfers, batched raw tx)",
        f"end to end ({result.punches:,} punches from 2 terminals, ADMS → confirmed)",
        "end to end / raw ceiling",
    ]
    assert len(result.runs) == 2 and result.secure_seconds is not None and result.secure_seconds > 0
    assert [name for name, _ in result.rows()][3:5] == [
        "end to end, 2 consecutive runs: median / minimum",
        "end to end with TLS and a per-terminal allow list",
    ]
