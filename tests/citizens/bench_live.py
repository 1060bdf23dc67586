"""The portal on a real chain, measured: `python -m tests.citizens.bench_live [sync|follow]`.

Benchmarks, not timed tests (docs/benchmarks.md gives the figures and the
commands). They live beside the tests because they feed the chain through
the device gateway (`oracles`), which the `citizens` package never imports.

- `first_sync_on_anvil`: the index's first sync of a chain holding 100,000
  punches and more, read over JSON-RPC from a real anvil.
- `explain_follow_timings`: what the portal's explanations cost when that
  chain grows by a day: the whole audit again (what the portal did for every
  new block) against the kept `Replay`'s update.

The gateway locks its relayer key machine-wide in the temporary directory:
beside other sessions' gateway tests, run with `TMPDIR=` a folder of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

from web3 import Web3

from chain.client import Chain
from chain.reader import ChainReader
from citizens.audit import audit
from citizens.portal.index import Index
from citizens.replay import Replay
from lawdsl.load import load_statute
from oracles.devices.simulator import simulated_config
from oracles.gateway import DEFAULT_LAW, AnvilNode, provision
from oracles.throughput import BENCH_GAS_LIMIT, end_to_end


class LiveSite:
    """A fresh anvil (as the gateway benchmark runs it) with a site provisioned on it, fed punches
    through the device gateway: ATTLOG uploads, signed batches of 200, a week of attendance per
    round (`oracles.throughput.end_to_end`). Use with `with`."""

    def __init__(self, employees: int = 2000, terminals: int = 4) -> None:
        self.config = simulated_config(employees=employees, devices=terminals)
        self.node = AnvilNode(gas_limit=BENCH_GAS_LIMIT, timestamp=int(time.time()), order="fifo")
        self.scratch = tempfile.TemporaryDirectory()
        self.folder = Path(self.scratch.name)
        self.fed, self.feeding, self.rounds = 0, 0.0, 0
        self.day = dt.date.today() - dt.timedelta(days=120)  # every round's days lie after the last's

    def __enter__(self) -> LiveSite:
        self.node.start()
        self.law = DEFAULT_LAW
        self.site = provision(Chain(self.node.url), load_statute(DEFAULT_LAW), self.config)
        return self

    def feed(self, punches: int, days: int = 7) -> None:
        """Rounds of `days` days of attendance until at least `punches` more punches are on chain."""
        goal = self.fed + punches
        while self.fed < goal:
            count, seconds = end_to_end(
                self.node.url, self.site, self.config, self.folder / f"round-{self.rounds}", self.day, days, 200
            )
            self.fed, self.feeding, self.rounds = self.fed + count, self.feeding + seconds, self.rounds + 1
            self.day += dt.timedelta(days=days)

    def __exit__(self, *exc: object) -> None:
        self.node.stop()
        self.scratch.cleanup()


def first_sync_on_anvil(punches: int = 100_000) -> dict[str, float]:
    """The index's first sync of a real chain: `LiveSite` fed at least `punches` punches, then
    `Index.sync` from block 0 over JSON-RPC with the progress callback `lawdsl portal` shows.
    Feeding is not in the sync's figure."""
    with LiveSite() as live:
        live.feed(punches)
        index = Index(live.folder / "portal.sqlite")
        steps: list[tuple[int, int]] = []
        began = time.perf_counter()
        index.sync(ChainReader(live.node.url), lambda done, total: steps.append((done, total)))
        seconds = time.perf_counter() - began
        indexed = index.rows("SELECT COUNT(*) FROM punches")[0][0]
        paid = index.rows("SELECT COUNT(*) FROM payments")[0][0]
        blocks = int(index.meta("last_block", "-1")) + 1
        index.close()
        return {
            "punches fed (accepted and refused)": live.fed,
            "punches indexed": indexed,
            "payments indexed": paid,
            "blocks": blocks,
            "progress reports": len(steps),
            "feeding through the gateway, seconds": live.feeding,
            "first sync, seconds": seconds,
        }


def explain_follow_timings(punches: int = 20_000) -> dict[str, float]:
    """What the portal's explanations cost when a live chain grows by a day of punches: before (the
    whole audit again, as the portal did per block) and after (the kept `Replay` reads and replays
    only the new blocks). The kept replay must equal a fresh one."""
    with LiveSite() as live:
        live.feed(punches)
        w3 = Web3(Web3.HTTPProvider(live.node.url, request_kwargs={"timeout": 120}))
        kept = Replay(w3, live.law, live.site.address)
        began = time.perf_counter()
        kept.update()
        first = time.perf_counter() - began
        history = live.fed
        live.feed(1, days=1)
        began = time.perf_counter()
        audit(w3, live.law, live.site.address)
        whole = time.perf_counter() - began
        began = time.perf_counter()
        kept.update()
        incremental = time.perf_counter() - began
        fresh = Replay(w3, live.law, live.site.address)
        fresh.update()
        if fresh.explanations != kept.explanations or kept.restarts != 1:
            raise RuntimeError("the kept replay differs from a fresh one")
        return {
            "punches in the history": history,
            "punches added (one day)": live.fed - history,
            "payments explained": len(kept.explanations),
            "first replay, seconds": first,
            "before: the whole audit again, seconds": whole,
            "after: the kept replay's update, seconds": incremental,
        }


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "sync"
    figures = first_sync_on_anvil() if which == "sync" else explain_follow_timings()
    print(json.dumps(figures, indent=1))
