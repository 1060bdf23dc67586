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
wallet movements outside the statute, so balances are not compared.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable

from eth_utils import keccak, to_checksum_address
from rich.console import Console
from rich.table import Table
from web3 import Web3

from chain.abi import Abi
from chain.domains import driver_class, rebuilder_class
from chain.domains.rebuild import read_calls
from chain.history import creation_block, get_logs
from chain.registry import Enactment, enactments_of
from compiler.artifacts import Artifact, compile_statutes
from lawdsl import events as E
from lawdsl.ast import Statute
from lawdsl.interpret import interpret
from lawdsl.load import load_statute
from lawdsl.money import Money
from lawdsl.outcome import Outcome, Payment, Rejection
from lawdsl.scenario import Scenario

ERC20_BALANCE = [{"type": "function", "name": "balanceOf", "stateMutability": "view",
                  "inputs": [{"name": "owner", "type": "address"}],
                  "outputs": [{"name": "", "type": "uint256"}]}]


@dataclass(frozen=True)
class Discrepancy:
    kind: str  # payment | arrear | violation | rejection | registry
    message: str


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

    @property
    def ok(self) -> bool:
        return not self.discrepancies


# ------------------------------------------------------------------ reading the chain


def wallets(w3: Web3, token: str, owners: list[str], block: int, currency: str) -> dict[str, Money]:
    """Token balances of `owners` at the end of `block`: the wallets the interpreter starts from."""
    contract = w3.eth.contract(address=token, abi=ERC20_BALANCE)
    return {owner: Money(currency, contract.functions.balanceOf(owner).call(block_identifier=block))
            for owner in owners}


def chain_outcome(statute: Statute, artifact: Artifact, decoded: list[tuple[str, dict[str, Any]]],
                  refused: list[Rejection]) -> Outcome:
    """What the contract logged and refused, read by the code that reads a scenario run (`Driver.collect`).

    The driver sees the decoded logs instead of querying the chain itself, is
    told the refusals (reverts) the audit found, and names every party by its
    address (an audit knows no scenario labels).
    """
    class Addresses:
        label = staticmethod(to_checksum_address)

    header = statute.header
    driver = driver_class(header.domain)(Addresses(), Scenario(Path(statute.source_name), statute, {}, ()),
                                         artifact, None)
    driver.recorded = decoded
    driver.refused = refused
    outcome = Outcome(header.title, header.version)
    driver.collect(outcome)
    return outcome


# ------------------------------------------------------------------ comparing


def _grouped(records: Iterable[Any], key: Callable[[Any], Hashable],
             value: Callable[[Any], Any]) -> dict[Hashable, list]:
    groups: dict[Hashable, list] = defaultdict(list)
    for record in records:
        groups[key(record)].append(value(record))
    return groups


def _payment_key(payment: Payment) -> tuple:
    return (payment.event, payment.sender, payment.recipient, payment.article)


def _describe_payment(key: tuple) -> str:
    event, sender, recipient, article = key
    return f"event {event}, {sender} → {recipient}, article {article}"


def differences(kind: str, law: list, chain: list, key: Callable[[Any], Hashable],
                value: Callable[[Any], Any], describe: Callable[[Any], str]) -> list[Discrepancy]:
    """Records of one kind the two outcomes do not share, each named by `describe(key)`.

    Records are matched by `key`; `value` is what must then agree (an amount).
    """
    by_law, by_chain = _grouped(law, key, value), _grouped(chain, key, value)
    found = []
    for item in dict.fromkeys([*by_law, *by_chain]):
        said, done = by_law.get(item, []), by_chain.get(item, [])
        if sorted(map(str, said)) != sorted(map(str, done)):
            law_text = ", ".join(map(str, said)) or "nothing"
            chain_text = ", ".join(map(str, done)) or "nothing"
            found.append(Discrepancy(kind, f"{kind} {describe(item)}: the law says {law_text}; "
                                           f"the chain logged {chain_text}"))
    return found


def compare_outcomes(law: Outcome, chain: Outcome) -> list[Discrepancy]:
    """Every payment, arrear, violation and rejection the law and the chain disagree on."""
    def whole(record: Any) -> Hashable:
        return record

    def present(_: Any) -> str:
        return "it"

    return [*differences("payment", law.payments, chain.payments, _payment_key,
                         lambda p: p.amount, _describe_payment),
            *differences("arrear", law.arrears, chain.arrears, _payment_key, lambda p: p.amount, _describe_payment),
            *differences("violation", law.violations, chain.violations, whole, present,
                         lambda v: f"of article {v.article} by {v.employer} ({v.employee}, {v.period}, "
                                   f"event {v.event})"),
            *differences("rejection", law.rejected, chain.rejected, whole, present,
                         lambda r: f"of event {r.event} ({r.reason})")]


# ------------------------------------------------------------------ the audit


def audit(w3: Web3, file: str | Path, address: str, registry: str | None = None) -> AuditReport:
    """Audit the contract at `address` against the statute in `file`."""
    statute = load_statute(file)
    address = to_checksum_address(address)
    artifacts = compile_statutes([statute])  # the statute's ABI, and the registry's
    artifact = artifacts[statute.header.title]
    start = creation_block(w3, address)
    report = AuditReport(address, statute, [], keccak(Path(file).read_bytes()))
    report.enactments = enactments_of(w3, address, statute.header.title, registry, start)
    report.discrepancies += registry_discrepancies(report.enactments, report.law_source_hash, statute, address)

    calls, report.unreplayed = read_calls(w3, statute, artifact, address, start)
    rebuilder = rebuilder_class(statute.header.domain)(statute, calls)
    replayed = rebuilder.events()
    report.events = [event for event, _ in replayed]
    report.unreplayed += rebuilder.unreplayed
    parties = rebuilder_class(statute.header.domain).parties(w3.eth.contract(address=address, abi=artifact.abi),
                                                             start)
    scenario = Scenario(Path(file), statute, {}, tuple(report.events), **parties)
    before = calls[0].block - 1 if calls else start
    token = w3.eth.contract(address=address, abi=artifact.abi).functions.currency().call()
    minted = wallets(w3, token, scenario.holders(), before, statute.header.currency)
    report.law = interpret(dataclasses.replace(scenario, balances=minted))
    logs = list(get_logs(w3, {"address": address}, start))
    refused = [Rejection(event.index, refusal) for event, refusal in replayed if refusal is not None]
    report.chain = chain_outcome(statute, artifact, Abi(artifact.abi).logs(logs), refused)
    report.discrepancies += compare_outcomes(report.law, report.chain)
    return report


def registry_discrepancies(found: list[Enactment], file_hash: bytes, statute: Statute,
                           address: str) -> list[Discrepancy]:
    """The registry must have enacted this contract under the file's title with the file's hash."""
    if not found:
        return [Discrepancy("registry", f"no statute registry enacts {address} as "
                                        f"\"{statute.header.title}\"")]
    return [Discrepancy("registry", f"registry {e.registry} records law source hash 0x{e.law_source_hash.hex()} "
                                    f"for version {e.version}; the file's keccak256 is 0x{file_hash.hex()}")
            for e in found if e.law_source_hash != file_hash]


def print_enactments(found: list[Enactment], console: Console) -> None:
    """Which registry enacted the contract, as which version, with which law source hash."""
    for enactment in found:
        state = "current" if enactment.current else "superseded"
        console.print(f"registry {enactment.registry}: version {enactment.version} ({state}), "
                      f"law source hash 0x{enactment.law_source_hash.hex()}")


def print_report(report: AuditReport, console: Console) -> None:
    """The Rich summary: one row per kind of record, then every discrepancy."""
    header = report.statute.header
    console.print(f"[bold]{header.title}[/bold], version {header.version}, at {report.address}")
    print_enactments(report.enactments, console)
    console.print(f"{len(report.events)} inputs rebuilt from the chain")
    table = Table(title="Audit: the law's outcome against the chain's logs")
    table.add_column("record")
    for column in ("by the law", "on chain", "differ"):
        table.add_column(column, justify="right")
    if report.law and report.chain:
        kinds = {"payment": "payments", "arrear": "arrears", "violation": "violations", "rejection": "rejected"}
        for kind, attribute in kinds.items():
            differ = sum(1 for d in report.discrepancies if d.kind == kind)
            table.add_row(attribute, str(len(getattr(report.law, attribute))),
                          str(len(getattr(report.chain, attribute))),
                          f"[red]{differ}[/red]" if differ else "[green]0[/green]")
    console.print(table)
    for line in report.unreplayed:
        console.print(f"[yellow]not replayed[/yellow] {line}")
    for discrepancy in report.discrepancies:
        console.print(f"[red]DISCREPANCY[/red] {discrepancy.message}")
    console.print("[green]audit passed[/green]" if report.ok else
                  f"[red]audit failed: {len(report.discrepancies)} discrepancies[/red]")

