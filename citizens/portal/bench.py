"""How fast the portal's busiest pages are on a long history, for `scripts/bench.py` and the tests.

The index is filled directly with a synthetic history (punches in and out,
one payment per shift) shaped like what `Index.sync` writes: the figure is
the page's own cost (queries and HTML), not the chain's, which the index
exists to keep out of page loads.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import timeit
from pathlib import Path
from typing import Callable

from eth_account import Account

from chain.accounts import account_key

from . import pages
from .index import LOG_SHIFT, Index, big
from .pages import Portal

STATUTE = "0x" + "5" * 40
EMPLOYER = Account.from_key(account_key("bench-employer")).address
DAY = 86_400
START = 1_772_323_200  # 2026-03-01T00:00Z


def fill(index: Index, punches: int, employees: int = 1000) -> list[str]:
    """`punches` punches (in/out pairs, one 10-hour shift a day each) and a payment per shift.

    Returns the employees' addresses. One block per punch, as a gateway
    relaying one-punch batches would produce: the worst case for the index.
    """
    workers = [Account.from_key(account_key(f"bench-{n}")).address for n in range(employees)]
    index.db.execute(
        "INSERT OR REPLACE INTO statutes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            STATUTE,
            "0x" + "6" * 40,
            "Working Hours and Overtime Pay Act",
            big(2),
            "0x" + "0" * 64,
            big(START),
            big(1),
            "0x" + "0" * 64,
            "working time",
            "CNY",
            2,
        ),
    )
    punch_rows, pay_rows = [], []
    for n in range(punches):
        shift, clock_in = divmod(n, 2)
        worker = workers[shift % employees]
        day = shift // employees
        at = START + day * DAY + (9 * 3600 if clock_in == 0 else 19 * 3600)
        block = 10 + n
        tx = f"0x{n:064x}"
        punch_rows.append((big(block << LOG_SHIFT), STATUTE, tx, EMPLOYER, worker, big(at), int(clock_in == 0)))
        if clock_in:
            pay_rows.append(
                (big((block << LOG_SHIFT) | 1), STATUTE, tx, big(at), big(n), "44.1", EMPLOYER, worker, big(12_000))
            )
    with index.db:
        index.db.execute("BEGIN")
        index.db.executemany("INSERT INTO punches VALUES (?,?,?,?,?,?,?)", punch_rows)
        index.db.executemany("INSERT INTO payments VALUES (?,?,?,?,?,?,?,?,?)", pay_rows)
    return workers


def _seconds(work: Callable[[], object], runs: int = 3) -> float:
    """Best of `runs`: the page's own cost, without the machine's hiccups."""
    return min(timeit.repeat(work, repeat=runs, number=1))


def feed_timings(punches: int = 100_000, directory: Path | None = None) -> dict[str, float]:
    """Seconds (best of 3) to render the payments feed's first page, a page deep in the history,
    a worker's page and the statute's page, over a `punches`-punch history."""
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        index = Index(Path(tmp) / "bench.sqlite")
        workers = fill(index, punches)
        portal = Portal(index, {}, {})
        middle = index.rows("SELECT pos FROM payments ORDER BY pos LIMIT 1 OFFSET ?", punches // 4)[0][0]
        timings = {
            f"payments feed, newest page ({punches:,} punches)": _seconds(lambda: pages.payments(portal, None)),
            f"payments feed, a page mid-history ({punches:,} punches)": _seconds(
                lambda: pages.payments(portal, middle)
            ),
            f"a worker's page ({punches:,} punches)": _seconds(lambda: pages.worker_page(portal, workers[7])),
            f"the statute's page ({punches:,} punches)": _seconds(lambda: pages.statute_page(portal, STATUTE)),
        }
        index.close()
        return timings



class LiveSite:
    """A fresh anvil (as the gateway benchmark runs it) with a site provisioned on it, fed punches
    through the device gateway: ATTLOG uploads, signed batches of 200, a week of attendance per
    round (`oracles.throughput.end_to_end`). Use with `with`."""

    def __init__(self, employees: int = 2000, terminals: int = 4) -> None:
        from oracles.devices.simulator import simulated_config
        from oracles.gateway import AnvilNode
        from oracles.throughput import BENCH_GAS_LIMIT

        self.config = simulated_config(employees=employees, devices=terminals)
        self.node = AnvilNode(gas_limit=BENCH_GAS_LIMIT, timestamp=int(time.time()), order="fifo")
        self.scratch = tempfile.TemporaryDirectory()
        self.folder = Path(self.scratch.name)
        self.fed, self.feeding, self.rounds = 0, 0.0, 0
        self.day = dt.date.today() - dt.timedelta(days=120)  # every round's days lie after the last's

    def __enter__(self) -> LiveSite:
        from chain.client import Chain
        from lawdsl.load import load_statute
        from oracles.gateway import DEFAULT_LAW, provision

        self.node.start()
        self.law = DEFAULT_LAW
        self.site = provision(Chain(self.node.url), load_statute(DEFAULT_LAW), self.config)
        return self

    def feed(self, punches: int, days: int = 7) -> None:
        """Rounds of `days` days of attendance until at least `punches` more punches are on chain."""
        from oracles.throughput import end_to_end

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
    from chain.reader import ChainReader

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
    from web3 import Web3

    from ..audit import audit
    from ..replay import Replay

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
