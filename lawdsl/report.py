"""Human-readable outcome tables (Rich) for `simulate`, `run` and `test`."""

from __future__ import annotations

from rich.console import Console, JustifyMethod
from rich.table import Table

from .outcome import Outcome, Payment


def print_outcome(outcome: Outcome, console: Console) -> None:
    console.print(f"[bold]{outcome.statute}[/bold] (version {outcome.version})")
    _payments(console, "Payments", outcome.payments)
    if outcome.arrears:
        _payments(console, "Arrears (owed, waiting for funds)", outcome.arrears)
    if outcome.violations:
        table = Table(title="Violations", title_justify="left")
        for column in ("event", "article", "employer", "employee", "period"):
            table.add_column(column)
        for v in outcome.violations:
            table.add_row(str(v.event), v.article, v.employer, v.employee, v.period)
        console.print(table)
    if outcome.rejected:
        table = Table(title="Rejected events", title_justify="left")
        table.add_column("event", justify="right")
        table.add_column("reason")
        for r in outcome.rejected:
            table.add_row(str(r.event), r.reason)
        console.print(table)
    table = Table(title="Balances", title_justify="left")
    table.add_column("wallet")
    table.add_column("amount", justify="right")
    for name, amount in outcome.balances.items():
        table.add_row(name, str(amount))
    console.print(table)


def _payments(console: Console, title: str, payments: list[Payment]) -> None:
    table = Table(title=title, title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("event", "right"),
        ("from", "left"),
        ("to", "left"),
        ("amount", "right"),
        ("article", "left"),
    )
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for p in payments:
        table.add_row(str(p.event), p.sender, p.recipient, str(p.amount), p.article)
    if not payments:
        table.add_row("", "(none)", "", "", "")
    console.print(table)
