"""`lawdsl audit`: replay a deployed statute's history through the reference interpreter.

A citizen holds the statute's `.law` file and the contract's address. The
audit checks that the registry enacted this contract with the file's
keccak256, rebuilds every input the contract received as `lawdsl.events`
objects, runs the interpreter on them — what the law says — and compares
every payment, arrear, violation and rejection with what the contract
logged and refused — what the chain did. The two sides share nothing but
the inputs: the chain side is read from logs by the code that reads a
scenario run (the drivers' `collect`); the law side never looks at a log.
The inputs are rebuilt from every call the contract received by the
domain's decode side (`chain/domains/rebuild.py` says how); a reverted call
is replayed too when its custom error is a refusal under the statute, and
that refusal is then compared with the interpreter's.

What the audit cannot see (docs/citizens.md says more): events that never
reached the chain; refusals for reasons outside the statute (a bad device
signature, a missing role, a reveal not opening its bid), which are listed,
not replayed; texts the contract keeps only as keccak256 (other than the
statute's own); sealed prices never revealed (inferred from the deposit);
balances, since a party's other dealings are none of the statute's business.

Movements of the currency outside the statute — top-ups (mints), transfers
between parties, withdrawals — are read from its `Transfer` logs and
replayed between the calls where the chain had them: a deposit the law
would refuse for an empty wallet is then refused only if the chain wallet
was empty too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable, cast

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from rich.console import Console
from rich.table import Table
from web3 import Web3

from chain.abi import Abi
from chain.domains import driver_class
from chain.history import get_logs
from chain.registry import Enactment, enactments_of
from compiler.artifacts import Artifact
from lawdsl import events as E
from lawdsl.ast import Statute
from lawdsl.interpret.explain import Explanation
from lawdsl.outcome import Outcome, Payment, Rejection
from lawdsl.scenario import Scenario

from .labels import name_of
from .replay import Replay

if TYPE_CHECKING:
    from web3.contract import Contract

    from chain.client import Chain


@dataclass(frozen=True)
class Discrepancy:
    kind: str  # payment | arrear | violation | rejection | registry
    message: str
    event: int | None = None  # the event (its number) the record is about, where there is one
    party: str | None = None  # whom it concerns: the payee, the employee, the refused party
    article: str | None = None
    law: str = ""  # what the law says, and what the chain logged, in short
    chain: str = ""


@dataclass
class AuditReport:
    address: str
    statute: Statute
    enactments: list[Enactment]
    law_source_hash: bytes
    events: list[E.Event] = field(default_factory=list)
    law: Outcome | None = None
    chain: Outcome | None = None
    discrepancies: list[Discrepancy] = field(default_factory=list)
    unreplayed: list[str] = field(default_factory=list)  # calls refused outside the law, or no calls of it
    #: why each payment, then each arrear still owed, of the law has its amount
    explanations: list[Explanation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.discrepancies


# ------------------------------------------------------------------ reading the chain


def chain_outcome(
    statute: Statute, artifact: Artifact, decoded: list[tuple[str, dict[str, Any]]], refused: list[Rejection]
) -> Outcome:
    """What the contract logged and refused, read by the code that reads a scenario run (`Driver.collect`).

    The driver sees the decoded logs instead of querying the chain itself, is
    told the refusals (reverts) the audit found, and names every party by its
    address (an audit knows no scenario labels).
    """

    class Addresses:
        label = staticmethod(to_checksum_address)

    header = statute.header
    # The stand-ins: `collect` reads only the chain's `label`, and an audit has no currency contract.
    driver = driver_class(header.domain)(
        cast("Chain", Addresses()),
        Scenario(Path(statute.source_name), statute, {}, ()),
        artifact,
        cast("Contract", None),
    )
    driver.recorded = decoded
    driver.refused = refused
    outcome = Outcome(header.title, header.version)
    driver.collect(outcome)
    return outcome


# ------------------------------------------------------------------ comparing


def _grouped(
    records: Iterable[Any], key: Callable[[Any], Hashable], value: Callable[[Any], Any]
) -> dict[Hashable, list[Any]]:
    groups: dict[Hashable, list[Any]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(value(record))
    return groups


def _payment_key(payment: Payment) -> tuple[Any, ...]:
    return (payment.event, payment.sender, payment.recipient, payment.article)


def _describe_payment(key: tuple[Any, ...]) -> str:
    event, sender, recipient, article = key
    return f"event {event}, {sender} → {recipient}, article {article}"


def _payment_about(key: tuple[Any, ...]) -> tuple[int | None, str | None, str | None]:
    event, _, recipient, article = key
    return event, recipient, article


def differences(
    kind: str,
    law: list[Any],
    chain: list[Any],
    key: Callable[[Any], Hashable],
    value: Callable[[Any], Any],
    describe: Callable[[Any], str],
    about: Callable[[Any], tuple[int | None, str | None, str | None]],
) -> list[Discrepancy]:
    """Records of one kind the two outcomes do not share, each named by `describe(key)`.

    Records are matched by `key`; `value` is what must then agree (an amount);
    `about(key)` is (event, party, article) for the report's table.
    """
    by_law, by_chain = _grouped(law, key, value), _grouped(chain, key, value)
    found = []
    for item in dict.fromkeys([*by_law, *by_chain]):
        said, done = by_law.get(item, []), by_chain.get(item, [])
        if sorted(map(str, said)) != sorted(map(str, done)):
            law_text = ", ".join(map(str, said)) or "nothing"
            chain_text = ", ".join(map(str, done)) or "nothing"
            found.append(
                Discrepancy(
                    kind,
                    f"{kind} {describe(item)}: the law says {law_text}; the chain logged {chain_text}",
                    *about(item),
                    law_text,
                    chain_text,
                )
            )
    return found


def compare_outcomes(law: Outcome, chain: Outcome) -> list[Discrepancy]:
    """Every payment, arrear, violation and rejection the law and the chain disagree on."""

    def whole(record: Hashable) -> Hashable:
        return record

    def present(_: Any) -> str:
        return "it"

    return [
        *differences(
            "payment", law.payments, chain.payments, _payment_key, lambda p: p.amount, _describe_payment, _payment_about
        ),
        *differences(
            "arrear", law.arrears, chain.arrears, _payment_key, lambda p: p.amount, _describe_payment, _payment_about
        ),
        *differences(
            "violation",
            law.violations,
            chain.violations,
            whole,
            present,
            lambda v: f"of article {v.article} by {v.employer} ({v.employee}, {v.period}, event {v.event})",
            lambda v: (v.event, v.employee, v.article),
        ),
        *differences(
            "rejection",
            law.rejected,
            chain.rejected,
            whole,
            present,
            lambda r: f"of event {r.event} ({r.reason})",
            lambda r: (r.event, None, None),
        ),
    ]


# ------------------------------------------------------------------ the audit


def audit(
    w3: Web3,
    file: str | Path,
    address: str,
    registry: str | None = None,
    step: Callable[[str], None] = lambda what: None,
) -> AuditReport:
    """Audit the contract at `address` against the statute in `file`; `step(what)` hears each stage
    of a long audit as it begins (the command shows it as a progress display)."""
    replay = Replay(w3, file, address)
    statute, address = replay.statute, replay.address
    report = AuditReport(address, statute, [], keccak(Path(file).read_bytes()))
    report.enactments = enactments_of(w3, address, statute.header.title, registry, replay.start)
    report.discrepancies += registry_discrepancies(report.enactments, report.law_source_hash, statute, address)
    replay.update(step)
    report.events, report.unreplayed = replay.events, replay.unreplayed
    report.law, report.explanations = replay.outcome(), [*replay.explanations, *replay.owed()]
    logs = list(get_logs(w3, {"address": address}, replay.start, replay.read_to))
    refused = [Rejection(event.index, refusal) for event, refusal, _ in replay.replayed if refusal is not None]
    step("comparing the law's outcome with the chain's logs")
    report.chain = chain_outcome(statute, replay.artifact, Abi(replay.artifact.abi).logs(logs), refused)
    report.discrepancies += compare_outcomes(report.law, report.chain)
    return report


def registry_discrepancies(
    found: list[Enactment], file_hash: bytes, statute: Statute, address: str
) -> list[Discrepancy]:
    """The registry must have enacted this contract under the file's title with the file's hash."""
    if not found:
        return [Discrepancy("registry", f'no statute registry enacts {address} as "{statute.header.title}"')]
    return [
        Discrepancy(
            "registry",
            f"registry {e.registry} records law source hash 0x{e.law_source_hash.hex()} "
            f"for version {e.version}; the file's keccak256 is 0x{file_hash.hex()}",
        )
        for e in found
        if e.law_source_hash != file_hash
    ]


def print_enactments(found: list[Enactment], console: Console) -> None:
    """Which registry enacted the contract, as which version, with which law source hash."""
    for enactment in found:
        state = "current" if enactment.current else "superseded"
        console.print(
            f"registry {enactment.registry}: version {enactment.version} ({state}), "
            f"law source hash 0x{enactment.law_source_hash.hex()}"
        )


#: Discrepancies shown in the report's table unless `--all` is asked for.
SHOWN = 20


def describe_event(report: AuditReport, index: int | None) -> str:
    """An event as a reader knows it: its kind and its time in the statute's zone, not its number."""
    event = next((e for e in report.events if e.index == index), None)
    if event is None:
        return "—" if index is None else f"event {index}"
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", type(event).__name__).lower()
    if isinstance(event, E.Punch):
        kind = f"punch {event.kind}"
    return f"{kind} {event.at.astimezone(report.statute.header.time_zone.tzinfo):%Y-%m-%d %H:%M}"


def article_name(statute: Statute, article: str | None) -> str:
    """'44.1 "Extended working hours"': an article with its title wherever one is shown."""
    if article is None:
        return "—"
    found = next((a for a in statute.articles if a.id == article), None)
    return f'{article} "{found.title}"' if found is not None and found.title else article


def summary(report: AuditReport) -> dict[str, int]:
    moves = sum(1 for e in report.events if isinstance(e, E.WalletMove))
    return {
        "inputs rebuilt": len(report.events) - moves,
        "wallet movements outside the statute": moves,
        "payments checked": len(report.chain.payments) if report.chain else 0,
        "discrepancies": len(report.discrepancies),
    }


def verdict(report: AuditReport, labels: dict[str, str]) -> str:
    """The report's last line: passed, or failed naming the first discrepancy."""
    if report.ok:
        return "audit passed"
    first = report.discrepancies[0]
    count = len(report.discrepancies)
    named = (
        first.message
        if first.event is None
        else (
            f"{first.kind} of {describe_event(report, first.event)} to {name_of(first.party, labels)} under article "
            f"{article_name(report.statute, first.article)}: the law says {first.law}, the chain logged {first.chain}"
        )
    )
    return f"audit failed: {count} discrepanc{'y' if count == 1 else 'ies'}; first: {named}"


def print_report(
    report: AuditReport, console: Console, labels: dict[str, str] | None = None, shown: int | None = SHOWN
) -> None:
    """Summary first, then the first `shown` discrepancies (None: all) by worker and shift, then the verdict."""
    labels = labels or {}
    header = report.statute.header
    console.print(f"[bold]{header.title}[/bold], version {header.version}, at {report.address}")
    console.print(", ".join(f"{value} {key}" for key, value in summary(report).items()))
    print_enactments(report.enactments, console)
    table = Table(title="Audit: the law's outcome against the chain's logs")
    table.add_column("record")
    for column in ("by the law", "on chain", "differ"):
        table.add_column(column, justify="right")
    if report.law and report.chain:
        kinds = {"payment": "payments", "arrear": "arrears", "violation": "violations", "rejection": "rejected"}
        for kind, attribute in kinds.items():
            differ = sum(1 for d in report.discrepancies if d.kind == kind)
            table.add_row(
                attribute,
                str(len(getattr(report.law, attribute))),
                str(len(getattr(report.chain, attribute))),
                f"[red]{differ}[/red]" if differ else "[green]0[/green]",
            )
    console.print(table)
    for line in report.unreplayed:
        console.print(f"[yellow]not replayed[/yellow] {line}")
    listed = report.discrepancies if shown is None else report.discrepancies[:shown]
    if listed:
        rows = Table(
            title=f"Discrepancies ({len(listed)} of {len(report.discrepancies)}"
            + ("" if len(listed) == len(report.discrepancies) else "; --all shows every one")
            + ")"
        )
        for column in ("worker / party", "event", "record", "article", "the law says", "the chain logged"):
            rows.add_column(column, overflow="fold")
        ordered = sorted(listed, key=lambda d: (name_of(d.party, labels), d.event if d.event is not None else -1))
        for d in ordered:
            if d.event is None and d.party is None:
                rows.add_row("—", "—", d.kind, "—", d.message, "")
            else:
                rows.add_row(
                    name_of(d.party, labels),
                    describe_event(report, d.event),
                    d.kind,
                    article_name(report.statute, d.article),
                    d.law,
                    d.chain,
                )
        console.print(rows)
    console.print(f"[green]{verdict(report, labels)}[/green]" if report.ok else f"[red]{verdict(report, labels)}[/red]")


def report_json(report: AuditReport, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """The report for machines: the summary, every discrepancy with its event's time and kind."""
    labels = labels or {}
    return {
        "statute": report.statute.header.title,
        "version": report.statute.header.version,
        "address": report.address,
        "ok": report.ok,
        "summary": summary(report),
        "not_replayed": report.unreplayed,
        "discrepancies": [
            {
                "kind": d.kind,
                "event": describe_event(report, d.event),
                "party": d.party,
                "label": labels.get(d.party or ""),
                "article": d.article,
                "article_title": article_name(report.statute, d.article),
                "law": d.law,
                "chain": d.chain,
                "message": d.message,
            }
            for d in report.discrepancies
        ],
        "verdict": verdict(report, labels),
    }
