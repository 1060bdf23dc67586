"""How fast the portal's busiest pages are on a long history, for `scripts/bench.py` and the tests.

The index is filled directly with a synthetic history (punches in and out,
one payment per shift) shaped like what `Index.sync` writes: the figure is
the page's own cost (queries and HTML), not the chain's, which the index
exists to keep out of page loads.
"""

from __future__ import annotations

import tempfile
import timeit
from pathlib import Path
from typing import Callable

from eth_account import Account

from chain.accounts import account_key

from . import pages, worker
from .index import LOG_SHIFT, Index, big
from .state import Portal

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
            f"a worker's page ({punches:,} punches)": _seconds(lambda: worker.worker_page(portal, workers[7])),
            f"the statute's page ({punches:,} punches)": _seconds(lambda: pages.statute_page(portal, STATUTE)),
        }
        index.close()
        return timings
