"""`lawdsl audit`: replay a deployed statute's history through the reference interpreter.

A citizen holds the statute's `.law` file and the contract's address. The
audit checks that the registry enacted this contract with the file's
keccak256, rebuilds every input the contract received as `lawdsl.events`
objects, runs the interpreter on them — what the law says — and compares
every payment, arrear, violation and rejection with what the contract
logged and refused — what the chain did. The two sides share nothing but
the inputs: the chain side is read from logs by the code that reads a
scenario run (the drivers' `collect`); the law side never looks at a log.

Where the inputs come from: every call to the contract (`trace_filter`, or
a block scan where the node lacks it), accepted or reverted, its calldata
decoded with the contract's ABI. Logs would not do: an accepted punch logs
nothing, a refused call leaves no log. The caller is the actor; the block
time is `at` (a punch carries its own). A reverted call is replayed too
when its custom error is a refusal under the statute, and that refusal is
then compared with the interpreter's.

What the audit cannot see (docs/citizens.md says more): events that never
reached the chain; refusals for reasons outside the statute (a bad device
signature, a missing role, a reveal not opening its bid), which are listed,
not replayed; texts the contract keeps only as keccak256 (other than the
statute's own); sealed prices never revealed (inferred from the deposit);
wallet movements outside the statute, so balances are not compared.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable

from eth_abi.exceptions import DecodingError
from eth_utils import keccak, to_checksum_address
from rich.console import Console
from rich.table import Table
from web3 import Web3
from web3.exceptions import Web3Exception

from chain.drivers import driver_class
from compiler.artifacts import Artifact, compile_statutes
from compiler.dates import day_date
from lawdsl import events as E
from lawdsl.ast import Domain, Statute
from lawdsl.interpret import interpret
from lawdsl.interpret import procurement as procurement_law
from lawdsl.interpret import vouchers as voucher_law
from lawdsl.interpret import working_time as working_time_law
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.load import load_statute
from lawdsl.money import Money, round_half_up
from lawdsl.outcome import Outcome, Payment, Rejection
from lawdsl.scenario import Scenario

from .chainlog import (
    Enactment,
    calls_to,
    creation_block,
    decode_logs,
    enactments,
    error_name,
    get_logs,
)

ERC20_BALANCE = [{"type": "function", "name": "balanceOf", "stateMutability": "view",
                  "inputs": [{"name": "owner", "type": "address"}],
                  "outputs": [{"name": "", "type": "uint256"}]}]


@dataclass(frozen=True)
class Call:
    """One call to the statute contract, decoded."""

    function: str
    args: dict[str, Any]
    sender: str
    at: dt.datetime  # block time in the statute's time zone
    block: int
    transaction: str
    failed: bool  # reverted: refused, it changed nothing
    error: str | None = None  # of a failed call, the custom error it reverted with
    refusal: str | None = None  # the law's reason for that error, if it is one


@dataclass(frozen=True)
class Pending:
    """An event rebuilt from a call, waiting for its number (`ref` when the call carried one)."""

    ref: int | None
    build: Callable[[int], E.Event]
    refusal: str | None = None  # why the chain refused it, where the call's error alone does not say


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


# ------------------------------------------------------------------ rebuilding the inputs


class Rebuilder:
    """Calls → events for one domain: one `on_<function>` per contract function a party calls.

    A function without a method (approvals go to the token; `authorizeAttester`
    is the authority's bookkeeping, not a scenario event) rebuilds nothing.
    """

    def __init__(self, statute: Statute, calls: list[Call]) -> None:
        self.statute = statute
        self.tz = statute.header.time_zone.tzinfo
        self.calls = calls
        self.texts = {keccak(text=text): text for text in statute_texts(statute)}
        self.unreplayed: list[str] = []  # calls refused outside the law, described

    def money(self, minor: int) -> Money:
        return Money(self.statute.header.currency, minor)

    def text(self, digest: bytes) -> str:
        """The statute's text whose keccak256 the contract stored, else the hash itself."""
        return self.texts.get(bytes(digest), "0x" + bytes(digest).hex())

    def events(self) -> list[tuple[E.Event, str | None]]:
        """The replayed events, each with the law's reason the chain refused it for (None: accepted).

        Every call is numbered, since each took a number in the oracle's
        sequence; one refused outside the law (a bad signature, a missing
        role, a reveal that does not open its bid) is not replayed.
        """
        pending = [(item, call) for position, call in enumerate(self.calls)
                   for item in getattr(self, f"on_{call.function}", lambda *_: [])(call, position)]
        replayed = []
        for event, (item, call) in zip(number(item for item, _ in pending), pending):
            refusal = item.refusal or call.refusal
            if call.failed and refusal is None:
                self.unreplayed.append(f"{call.transaction}: {call.function} refused with {call.error}, "
                                       f"no refusal under the statute (event {event.index})")
            else:
                replayed.append((event, refusal if call.failed else None))
        return replayed

    def on_deposit(self, call: Call, _: int) -> list[Pending]:
        """Working time and vouchers both take `deposit(amount, ref)` from the depositor."""
        return [self.event(E.Deposit, call, call.args["ref"], sender=call.sender,
                           amount=self.money(call.args["amount"]))]

    @staticmethod
    def event(kind: type, call: Call, ref: int | None = None, **fields: Any) -> Pending:
        """An event of `kind` at the call's block time; its index is filled in by `number`."""
        return Pending(ref, lambda index: kind(index=index, at=call.at, **fields))


def number(pending: Iterable[Pending]) -> list[E.Event]:
    """Give every event its scenario number: its `ref`, or the next number no `ref` takes."""
    pending = list(pending)
    taken = {item.ref for item in pending if item.ref is not None}
    events, last = [], -1
    for item in pending:
        index = item.ref
        if index is None:
            index = last + 1
            while index in taken:
                index += 1
        events.append(item.build(index))
        last = index
    return events


def statute_texts(node: Any) -> set[str]:
    """Every text in a statute's AST: the candidates for an attribute or category hash."""
    if isinstance(node, str):
        return {node}
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return set().union(*(statute_texts(getattr(node, f.name)) for f in dataclasses.fields(node)))
    if isinstance(node, (tuple, list, frozenset, set)):
        return set().union(*(statute_texts(item) for item in node))
    return set()


def field_of(value: Any, name: str, position: int) -> Any:
    """A struct member from decoded calldata, whether it came back as a dict or a tuple."""
    return value[name] if isinstance(value, dict) else value[position]


class WorkingTimeRebuilder(Rebuilder):
    def __init__(self, statute: Statute, calls: list[Call]) -> None:
        super().__init__(statute, calls)
        self.employed: set[str] = set()  # by accepted employ calls so far: what the contract knows

    def on_employ(self, call: Call, _: int) -> list[Pending]:
        if not call.failed:
            self.employed.add(call.args["employee"])
        return [self.event(E.Employ, call, employer=call.sender, employee=call.args["employee"],
                           hourly_wage=self.money(call.args["hourlyWage"]))]

    def on_registerDevice(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.RegisterDevice, call, device=call.args["device"], employer=call.args["employer"])]

    def on_grantTimeOff(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.GrantTimeOff, call, employer=call.sender, employee=call.args["employee"],
                           date=day_date(call.args["day"]))]

    def on_settle(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Settle, call, call.args["ref"])]

    def on_submitPunches(self, call: Call, _: int) -> list[Pending]:
        """One event per punch of the batch, at the punch's own time (a batch is relayed later).

        A batch from an unregistered device reverts before any punch is read; each punch is then
        refused for the first reason in SPEC §4's order, as the oracle reports it: "not employed"
        when the contract employs no such person, else "unregistered device".
        """
        batch = call.args["batch"]
        device = to_checksum_address(field_of(batch, "device", 0))
        pending = []
        for punch in field_of(batch, "punches", 2):
            ref = field_of(punch, "ref", 3)
            at = dt.datetime.fromtimestamp(field_of(punch, "at", 1), self.tz)
            employee = to_checksum_address(field_of(punch, "employee", 0))
            fields = {"device": device, "employee": employee, "kind": "in" if field_of(punch, "clockIn", 2) else "out"}
            refusal = None
            if call.error == "UnregisteredDevice":
                refusal = (working_time_law.Reason.UNREGISTERED_DEVICE if employee in self.employed
                           else working_time_law.Reason.NOT_EMPLOYED).value
            pending.append(Pending(ref, lambda index, at=at, fields=fields: E.Punch(index=index, at=at, **fields),
                                   refusal))
        return pending


class VoucherRebuilder(Rebuilder):
    def on_attest(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Attest, call, call.args["ref"], attester=call.sender, citizen=call.args["citizen"],
                           attribute=self.text(call.args["attribute"]))]

    def on_registerMerchant(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.RegisterMerchant, call, call.args["ref"], merchant=call.args["merchant"],
                           category=self.text(call.args["category"]))]

    def on_issue(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Issue, call, call.args["ref"], issuer=call.sender,
                           recipients=tuple(call.args["recipients"]))]

    def on_spend(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Spend, call, call.args["ref"], holder=call.sender, merchant=call.args["merchant"],
                           purchase=self.money(call.args["purchase"]))]

    def on_transferVoucher(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Transfer, call, call.args["ref"], holder=call.sender, recipient=call.args["to"])]

    def on_reclaim(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Reclaim, call, call.args["ref"])]


class ProcurementRebuilder(Rebuilder):
    def __init__(self, statute: Statute, calls: list[Call]) -> None:
        super().__init__(statute, calls)
        self.deposit_rate: Fraction = procurement_law.ProcurementInterpreter(statute, {}, []).deposit_rate
        self.quantity = 0  # of the latest tender opened

    def on_registerInspector(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.RegisterInspector, call, call.args["ref"], inspector=call.args["inspector"],
                           buyer=call.args["buyer"])]

    def on_openTender(self, call: Call, _: int) -> list[Pending]:
        if not call.failed:
            self.quantity = call.args["quantity"]
        return [self.event(E.OpenTender, call, call.args["ref"], buyer=call.sender,
                           quantity=call.args["quantity"])]

    def on_commitBid(self, call: Call, position: int) -> list[Pending]:
        return [self.event(E.Bid, call, call.args["ref"], supplier=call.sender,
                           price=self.money(self.sealed_price(call, position)))]

    def sealed_price(self, commit: Call, position: int) -> int:
        """The price the bid's own reveal opened; unrevealed, the price its deposit stands for."""
        for call in self.calls[position + 1:]:
            if call.failed or call.sender != commit.sender:
                continue
            if call.function == "commitBid":
                break  # a later tender's bid: this one was never revealed
            if call.function == "revealBid":
                return call.args["price"]
        per_unit = self.deposit_rate * self.quantity
        return round_half_up(Fraction(commit.args["deposit"]) / per_unit) if per_unit else 0

    def on_revealBid(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Reveal, call, call.args["ref"], supplier=call.sender)]

    def on_award(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Award, call, call.args["ref"])]

    def on_confirmDelivery(self, call: Call, _: int) -> list[Pending]:
        return [self.event(E.Deliver, call, call.args["ref"], supplier=call.args["supplier"],
                           quantity=call.args["quantity"], inspector=call.sender)]


REBUILDERS: dict[Domain, type[Rebuilder]] = {Domain.WORKING_TIME: WorkingTimeRebuilder,
                                             Domain.VOUCHERS: VoucherRebuilder,
                                             Domain.PROCUREMENT: ProcurementRebuilder}


# ------------------------------------------------------------------ reading the chain


def law_reasons(domain: Domain) -> set[str]:
    """Every reason the interpreter gives: the refusals the audit can check against the law."""
    law = {Domain.WORKING_TIME: working_time_law, Domain.VOUCHERS: voucher_law,
           Domain.PROCUREMENT: procurement_law}[domain]
    return {reason.value for reason in law.Reason} | {BEFORE_EFFECTIVE}


def read_calls(w3: Web3, statute: Statute, artifact: Artifact, address: str,
               start: int) -> tuple[list[Call], list[str]]:
    """Every call to the contract since block `start`, decoded, a refusal with the law's reason
    for its error; and, described, the calls that are no call of the statute."""
    contract = w3.eth.contract(address=address, abi=artifact.abi)
    tz = statute.header.time_zone.tzinfo
    times: dict[int, dt.datetime] = {}
    reasons = driver_class(statute.header.domain).REASONS
    lawful = law_reasons(statute.header.domain)
    calls, unreplayed = [], []
    for call in calls_to(w3, address, start):
        try:
            function, args = contract.decode_function_input(call.input)
        except (ValueError, Web3Exception, DecodingError):
            unreplayed.append(f"{call.transaction}: input 0x{call.input[:4].hex()}… is no function of the statute")
            continue
        error = (error_name(artifact.abi, call.output) or "0x" + call.output[:4].hex()) if call.failed else None
        refusal = reasons.get(error or "")
        if call.block not in times:
            times[call.block] = dt.datetime.fromtimestamp(w3.eth.get_block(call.block)["timestamp"], tz)
        calls.append(Call(function.fn_name, dict(args), call.sender, times[call.block], call.block,
                          call.transaction, call.failed, error, refusal if refusal in lawful else None))
    return calls, unreplayed


def wallets(w3: Web3, token: str, owners: list[str], block: int, currency: str) -> dict[str, Money]:
    """Token balances of `owners` at the end of `block`: the wallets the interpreter starts from."""
    contract = w3.eth.contract(address=token, abi=ERC20_BALANCE)
    return {owner: Money(currency, contract.functions.balanceOf(owner).call(block_identifier=block))
            for owner in owners}


def chain_outcome(statute: Statute, artifact: Artifact, decoded: list[tuple[str, dict, dict]],
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
    driver.logs = lambda: iter([(name, args) for name, args, _ in decoded])  # type: ignore[method-assign]
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
    report.enactments = enactments(w3, artifacts["StatuteRegistry"].abi, address, statute.header.title,
                                   registry, start)
    report.discrepancies += registry_discrepancies(report.enactments, report.law_source_hash, statute, address)

    calls, report.unreplayed = read_calls(w3, statute, artifact, address, start)
    rebuilder = REBUILDERS[statute.header.domain](statute, calls)
    replayed = rebuilder.events()
    report.events = [event for event, _ in replayed]
    report.unreplayed += rebuilder.unreplayed
    scenario = Scenario(Path(file), statute, {}, tuple(report.events))
    before = calls[0].block - 1 if calls else start
    token = w3.eth.contract(address=address, abi=artifact.abi).functions.currency().call()
    minted = wallets(w3, token, scenario.holders(), before, statute.header.currency)
    report.law = interpret(dataclasses.replace(scenario, balances=minted))
    logs = list(get_logs(w3, {"address": address}, start))
    refused = [Rejection(event.index, refusal) for event, refusal in replayed if refusal is not None]
    report.chain = chain_outcome(statute, artifact, decode_logs(w3, artifact.abi, logs), refused)
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

