"""`make bench`: speed (and, once the chain layer lands, gas) figures side by side.

Prints one table; copy it into docs/benchmarks.md with the command that made it.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lawdsl.interpret.working_time import WorkingTimeInterpreter  # noqa: E402
from lawdsl.load import load_statute, load_text  # noqa: E402
from lawdsl.workloads import city_month, large_statute  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - began)
    return best


def main() -> None:
    rows = []
    text = large_statute(5000)
    lines = text.count("\n")
    seconds = best_of(3, lambda: load_text(text, "generated.law"))
    rows.append((f"parse + check a {lines:,}-line statute", seconds, 0.5))

    statute = load_statute(ROOT / "statutes" / "overtime.law")
    events, minted = city_month(10_000)
    punches = sum(1 for e in events if type(e).__name__ == "Punch")
    holders = list(minted) + [f"w{n}" for n in range(10_000)]
    seconds = best_of(1, lambda: WorkingTimeInterpreter(statute, minted, holders).run(tuple(events)))
    rows.append((f"interpret a month for 10,000 employees ({punches:,} punches)", seconds, 10.0))

    table = Table(title="lawdsl benchmarks")
    table.add_column("workload")
    table.add_column("seconds", justify="right")
    table.add_column("target (s)", justify="right")
    table.add_column("target / measured", justify="right")
    for name, measured, target in rows:
        table.add_row(name, f"{measured:.3f}", f"{target:g}", f"{target / measured:.1f}×")
    Console().print(table)


if __name__ == "__main__":
    main()
