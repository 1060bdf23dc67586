"""`make bench`: speed and gas figures side by side, measured in one run.

Prints two tables (times, then gas per operation on the local chain); copy
them into docs/benchmarks.md with the command that made them. The long
differential runs (1,000 generated scenarios per domain, chain against the
interpreter) are `pytest -m slow tests/chain`; docs/benchmarks.md says so.
`scripts/bench.py --night-work` measures only issue #18's figures (the night-work
statute's parse and check, its interpreter month, gas per punch under it).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chain.anvil import ANVIL  # noqa: E402
from chain.bench import (  # noqa: E402
    award_gas,
    compile_seconds,
    night_gas,
    procurement_gas,
    voucher_gas,
    working_time_gas,
)
from chain.local import local_chain  # noqa: E402
from chain.scale import run_settlement  # noqa: E402
from chain.tester import InProcessChain  # noqa: E402
from compiler.artifacts import compile_statutes  # noqa: E402
from compiler.solc import SOLC_VERSION, SolcJs, backend  # noqa: E402
from lawdsl.ast import Statute  # noqa: E402
from lawdsl.bench import Row, best_of  # noqa: E402
from lawdsl.bench import rows as language_rows  # noqa: E402
from lawdsl.interpret.working_time import WorkingTimeInterpreter  # noqa: E402
from lawdsl.load import load_statute, load_text  # noqa: E402
from lawdsl.workloads import NIGHT_AND_WEEKLY_RULES, NIGHT_WORK_RULES, city_month, night_work_statute  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("overtime.law", "vouchers.law", "procurement.law")
#: The weekly-pay statute whose settlement and arrears pages are measured, and the firm's size.
WEEKLY = "part-time-wages.law"
SETTLEMENT_FIRM = 1_000
#: The statutes with a night premium and weekly overtime whose punches are measured (#18): just those two
#: rules (the issue's target), the Japan Labour Standards Act (a file), and a generated one with as many
#: windows and earning sentences as a contract holds.
NIGHT_STATUTES: dict[str, str | tuple[tuple[str, str], ...]] = {
    "night premium + weekly overtime": NIGHT_AND_WEEKLY_RULES,
    "Japan LSA": "japan-working-hours.law",
    "night-work forms at the bound": NIGHT_WORK_RULES,
}
#: Gas targets from the issues, by the figure names `chain.bench` returns (None: no target set).
GAS_TARGETS = {
    "clock-in (one-punch batch)": None,
    "paying clock-out (one-punch batch)": 60_000,
    "punch in a batch of 100 (amortized)": 20_000,
    "voucher issue (one recipient)": None,
    "voucher spend (part of a voucher)": 60_000,
    "bid (sealed, with its deposit)": None,
    "reveal": None,
    "delivery (partial, paid on inspection)": None,
    # flat in the number of bids beyond one page: the award refunds at most 64 deposits (SETTLE_PAGE)
    "award, 1 revealed bid": None,
    "award, 10 revealed bids": None,
    "award, 100 revealed bids": None,
    "award, 200 revealed bids": None,
    **{f"punch in a batch of 100, {name} (amortized)": 20_000 for name in NIGHT_STATUTES},
}


def speed_rows(statutes: list[Statute]) -> list[Row]:
    rows = language_rows()
    statute = statutes[0]
    events, minted = city_month(10_000)
    punches = sum(1 for e in events if type(e).__name__ == "Punch")
    holders = list(minted) + [f"w{n}" for n in range(10_000)]
    seconds = best_of(1, lambda: WorkingTimeInterpreter(statute, minted, holders).run(tuple(events)))
    rows.append((f"interpret a month for 10,000 employees ({punches:,} punches)", seconds, 10.0))

    solc = f"solc-js {SOLC_VERSION}" if isinstance(backend(), SolcJs) else f"native solc {SOLC_VERSION}"
    cold, cpu, warm = compile_seconds(statutes)
    rows.append((f"compile the 3 example statutes in one call, cold ({solc}, cache bypassed)", cold, 5.0))
    rows.append(("  the same, CPU seconds of the compiler process (all its threads)", cpu, None))
    rows.append(("compile the 3 example statutes, warm (build/solc cache)", warm, 0.3))
    return rows


def gas_figures(statutes: list[Statute]) -> tuple[dict[str, float], str]:
    weekly = load_statute(ROOT / "statutes" / WEEKLY)
    artifacts = compile_statutes([*statutes, weekly])
    overtime, vouchers, procurement = statutes
    night = night_statutes()
    artifacts.update(compile_statutes(night.values()))
    figures: dict[str, float] = {}
    with local_chain() as chain:
        figures.update(night_gas(night, chain, artifacts))
        for measure, statute in (
            (working_time_gas, overtime),
            (voucher_gas, vouchers),
            (procurement_gas, procurement),
            (award_gas, procurement),
        ):
            snapshot = chain.snapshot()
            figures.update(measure(statute, chain, artifacts))
            chain.revert(snapshot)
        snapshot = chain.snapshot()  # a firm's weekly settlement and arrears, in keeper pages
        figures.update(run_settlement(weekly, chain, artifacts, SETTLEMENT_FIRM, page=150).figures())
        chain.revert(snapshot)
        where = "py-evm in process" if isinstance(chain, InProcessChain) else _anvil_version()
    return figures, where


def night_statutes() -> dict[str, Statute]:
    return {
        name: load_statute(ROOT / "statutes" / source)
        if isinstance(source, str)
        else load_text(night_work_statute(0, source, f"Generated Act: {name}"), "night-work.law")
        for name, source in NIGHT_STATUTES.items()
    }


def _anvil_version() -> str:
    done = subprocess.run([str(ANVIL), "--version"], capture_output=True, text=True, check=False)
    first = done.stdout.split("\n")[0]  # "anvil Version: 1.7.1-v1.7.1"
    return first.replace("Version: ", "").split("-")[0].strip() or "anvil"


def print_times(console: Console, rows: list[Row]) -> None:
    load = os.getloadavg()[0]
    table = Table(
        title=f"lawdsl benchmarks: time (load average {load:.1f} on {os.cpu_count()} cores at the start)",
        title_justify="left",
    )
    table.add_column("workload")
    table.add_column("seconds", justify="right")
    table.add_column("target (s)", justify="right")
    table.add_column("target / measured", justify="right")
    for name, measured, target in rows:
        if target is None:
            table.add_row(name, f"{measured:.3f}", "—", "")
        else:
            table.add_row(name, f"{measured:.3f}", f"{target:g}", f"{target / measured:.1f}×")
    console.print(table)


def print_gas(console: Console, figures: dict[str, float], where: str) -> None:
    table = Table(
        title=f"lawdsl benchmarks: gas per operation ({where}, solc {SOLC_VERSION} optimizer 200 runs, "
        "example statutes, steady state)",
        title_justify="left",
    )
    table.add_column("operation")
    table.add_column("gas", justify="right")
    table.add_column("target", justify="right")
    table.add_column("measured / target", justify="right")
    for name, gas in figures.items():
        target = GAS_TARGETS.get(name)
        verdict = "" if target is None else f"{gas / target:.2f}" + (" ✓" if gas <= target else " ✗")
        table.add_row(name, f"{gas:,.0f}", "—" if target is None else f"≤ {target:,}", verdict)
    console.print(table)


def night_work_only(console: Console) -> None:
    """`scripts/bench.py --night-work`: only #18's figures (parse + check, the interpreter, gas per punch)."""
    print_times(console, language_rows())
    night = night_statutes()
    artifacts = compile_statutes(night.values())
    with local_chain() as chain:
        figures = night_gas(night, chain, artifacts)
        where = "py-evm in process" if isinstance(chain, InProcessChain) else _anvil_version()
    print_gas(console, figures, where)


def main() -> None:
    from citizens.portal.bench import feed_timings
    from oracles.throughput import OPERATOR_NODES, gateway_throughput, node_runs

    console = Console()
    if sys.argv[1:] == ["--night-work"]:
        night_work_only(console)
        return
    statutes = [load_statute(ROOT / "statutes" / name) for name in EXAMPLES]
    print_times(console, speed_rows(statutes))
    figures, where = gas_figures(statutes)
    print_gas(console, figures, where)

    table = Table(
        title="lawdsl benchmarks: citizens' portal (payments feed over a 100,000-punch history; "
        "target: under 1 s a page)",
        title_justify="left",
    )
    table.add_column("page")
    table.add_column("seconds", justify="right")
    for name, seconds in feed_timings(100_000).items():
        table.add_row(name, f"{seconds:.4f}")
    console.print(table)

    table = Table(
        title="lawdsl benchmarks: device gateway on one anvil (targets: ≥ 5,000 punches/s and ≥ 2× the raw ceiling)",
        title_justify="left",
    )
    table.add_column("measure")
    table.add_column("figure", justify="right")
    # The raw ceiling is paced (at most 1,000 transfers unmined): anvil stalls with thousands
    # waiting in its pool (oracles/throughput.py says why).
    for name, figure in gateway_throughput().rows():
        table.add_row(name, figure)
    console.print(table)

    table = Table(
        title="lawdsl benchmarks: the gateway on nodes as `lawdsl chain` starts them, 10 consecutive runs "
        "(target: no run below half the median)",
        title_justify="left",
    )
    for column in ("node", "median punches/s", "minimum punches/s", "minimum / median", "runs in order"):
        table.add_column(column, justify="left" if column in ("node", "runs in order") else "right")
    for kind in OPERATOR_NODES:
        runs = node_runs(kind)
        median = statistics.median(runs)
        table.add_row(
            kind,
            f"{median:,.0f}",
            f"{min(runs):,.0f}",
            f"{min(runs) / median:.2f}" + (" ✓" if min(runs) >= median / 2 else " ✗"),
            " / ".join(f"{rate:,.0f}" for rate in runs),
        )
    console.print(table)


if __name__ == "__main__":
    main()
