"""`lawdsl oracle status`: what an outbox holds, read from its tables without a running gateway.

Punches per state, the lag, quarantine reasons, the newest errors (held
batches among them, with the contract's reason), the submitter's journal
and the keeper's calls; `--json` for machines.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.table import Table

from lawdsl import terminal

from .journal import journal_summary, read_table, signing_errors
from .keeper import keeper_calls
from .outbox import ErrorEntry, Outbox

console = terminal.console(stderr=True)


# ---------------------------------------------------------------- status


def cmd_status(args: argparse.Namespace) -> int:
    if not Path(args.outbox).exists():
        console.print(f"no outbox at {args.outbox}")
        return 1
    with Outbox(args.outbox) as outbox:
        counts = outbox.counts()
        lag = outbox.lag()
        errors = newest_errors(outbox, args.outbox)
    reasons = quarantine_reasons(args.outbox)
    journal = journal_summary(args.outbox)
    keeper = keeper_calls(args.outbox)
    if args.json:
        print(
            json.dumps(
                {
                    "counts": counts,
                    "lag_seconds": lag.total_seconds() if lag else None,
                    "quarantine": reasons,
                    "journal": journal,
                    "keeper": keeper,
                    "errors": [
                        {
                            "when": e.when.isoformat(),
                            "source": e.source,
                            "reason": e.reason,
                            "detail": e.detail,
                            "record": e.record,
                            "times": e.times,
                        }
                        for e in errors
                    ],
                },
                indent=2,
            )
        )
        return 0
    out = terminal.console()
    table = Table(title=f"outbox {args.outbox}")
    table.add_column("state")
    table.add_column("punches", justify="right")
    for state, n in counts.items():
        table.add_row(state, f"{n:,}")
    out.print(table)
    out.print(f"lag: {lag or 'none (everything settled)'}")
    out.print(
        f"transactions: {journal['open']} awaiting a receipt, {journal['done']} mined, "
        f"{journal['failed']} reverted; latest block {journal['block'] or '-'}"
    )
    if keeper:
        out.print(
            "keeper calls: "
            + ", ".join(
                f"{name} ({', '.join(f'{n} {KEEPER_STATES[state]}' for state, n in states.items())})"
                for name, states in keeper.items()
            )
        )
    if reasons:
        out.print("quarantined by reason: " + ", ".join(f"{r} {n:,}" for r, n in reasons.items()))
    if errors:
        recent = Table(title="newest errors")
        for column in ("when", "source", "reason", "detail"):
            recent.add_column(column)
        for e in errors:
            recent.add_row(e.when.strftime("%Y-%m-%d %H:%M:%S"), e.source, e.reason, e.detail)
        out.print(recent)
    return 0


KEEPER_STATES = {"open": "awaiting a receipt", "done": "mined", "failed": "reverted"}


def newest_errors(outbox: Outbox, path: str | Path, limit: int = 10) -> list[ErrorEntry]:
    """Quarantined records, rejected punches and held batches, newest first. A held batch's punches
    wait in the outbox: reason `unsigned` (a quorum not reached), `unregistered-device` (the
    terminal is not registered with the statute) or `reverted` (the contract refused the batch;
    the detail names its error)."""
    held = [ErrorEntry(e.when, e.device, e.reason, e.detail, "", e.times) for e in signing_errors(path, limit)]
    return sorted([*outbox.last_errors(limit), *held], key=lambda e: e.when, reverse=True)[:limit]


def quarantine_reasons(path: str | Path) -> dict[str, int]:
    """Records quarantined per reason code (each record counted once, however often re-sent).

    Read from the table directly: `Outbox.counts()` gives only the total.
    """
    query = "SELECT reason, COUNT(*) FROM quarantine GROUP BY reason ORDER BY 2 DESC"
    return dict(read_table(path, "quarantine", query))
