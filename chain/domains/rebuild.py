"""The decode side of every domain: a statute contract's calls on chain back to scenario events.

The inverse of the drivers (`chain/domains/driver.py`): a driver turns
events into calls, a rebuilder turns the calls a contract received back into
`lawdsl.events`, so `lawdsl audit` can replay them through the interpreter.
Each domain's rebuilder sits in its module beside its driver; this module
holds what they share and reads the calls (`read_calls`).

Where the inputs come from: every call to the contract (`trace_filter`, or
a block scan where the node lacks it, `chain/history.py`), accepted or
reverted, its calldata decoded with the contract's ABI. Logs would not do:
an accepted punch logs nothing, a refused call leaves no log. The caller is
the actor; the block time is `at` (a punch carries its own). A reverted call
is replayed too when its custom error is a refusal under the statute.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterable

from eth_abi.exceptions import DecodingError
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract

from compiler.artifacts import Artifact
from lawdsl import events as E
from lawdsl.ast import Domain, Statute
from lawdsl.domains import implementation
from lawdsl.interpret.base import BEFORE_EFFECTIVE
from lawdsl.money import Money

from ..abi import Abi
from ..history import calls_to


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


#: In a `Rebuilder.CALLS` row: the field is who sent the call, not one of its arguments.
SENDER = "<sender>"


class Rebuilder:
    """Calls → events for one domain: a `CALLS` row, or an `on_<function>` method, per contract
    function a party calls.

    A function with neither (approvals go to the token; `authorizeAttester`
    is the authority's bookkeeping, not a scenario event) rebuilds nothing.
    """

    #: The calls that become one event field by field, with nothing to compute: function → (the
    #: event's class, event field → the call argument it is, or `SENDER`). Every such call carries
    #: its scenario number as `ref`. The rest have an `on_<function>` method.
    CALLS: ClassVar[dict[str, tuple[type, dict[str, str]]]] = {}

    def __init__(self, statute: Statute, calls: list[Call]) -> None:
        self.statute = statute
        self.tz = statute.header.time_zone.tzinfo
        self.calls = calls
        self.texts = {keccak(text=text): text for text in statute_texts(statute)}
        self.unreplayed: list[str] = []  # calls refused outside the law, described

    @staticmethod
    def parties(contract: Contract, start: int) -> dict[str, Any]:
        """The parties the contract named at deployment (block `start`), as `Scenario` fields; the
        interpreter starts from them (a voucher program's issuer, a procurement statute's buyers)."""
        return {}

    def money(self, minor: int) -> Money:
        return Money(self.statute.header.currency, minor)

    def text(self, digest: bytes) -> str:
        """The statute's text whose keccak256 the contract stored, else the hash itself."""
        return self.texts.get(bytes(digest), "0x" + bytes(digest).hex())

    def events(self) -> list[tuple[E.Event, str | None, Call]]:
        """The replayed events, each with the law's reason the chain refused it for (None: accepted)
        and the call that carried it (an audit orders other chain facts around it).

        Every call is numbered, since each took a number in the oracle's
        sequence; one refused outside the law (a bad signature, a missing
        role, a reveal that does not open its bid) is not replayed.
        """
        pending = [(item, call) for position, call in enumerate(self.calls) for item in self.rebuild(call, position)]
        replayed = []
        for event, (item, call) in zip(number(item for item, _ in pending), pending):
            refusal = item.refusal or call.refusal
            if call.failed and refusal is None:
                self.unreplayed.append(
                    f"{call.transaction}: {call.function} refused with {call.error}, "
                    f"no refusal under the statute (event {event.index})"
                )
            else:
                replayed.append((event, refusal if call.failed else None, call))
        return replayed

    def rebuild(self, call: Call, position: int) -> list[Pending]:
        """The events one call stands for: its `on_<function>`, else its `CALLS` row, else none."""
        method = getattr(self, f"on_{call.function}", None)
        if method is not None:
            events: list[Pending] = method(call, position)
            return events
        if call.function not in self.CALLS:
            return []
        kind, fields = self.CALLS[call.function]
        values = {field: call.sender if arg == SENDER else call.args[arg] for field, arg in fields.items()}
        return [self.event(kind, call, call.args["ref"], **values)]

    def on_deposit(self, call: Call, _: int) -> list[Pending]:
        """Working time and vouchers both take `deposit(amount, ref)` from the depositor."""
        return [
            self.event(E.Deposit, call, call.args["ref"], sender=call.sender, amount=self.money(call.args["amount"]))
        ]

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


def law_reasons(domain: Domain) -> set[str]:
    """Every reason the interpreter gives: the refusals the audit can check against the law."""
    law = implementation("lawdsl.interpret", domain)
    return {reason.value for reason in law.Reason} | {BEFORE_EFFECTIVE}


def read_calls(
    w3: Web3, statute: Statute, artifact: Artifact, address: str, start: int, end: int | None = None
) -> tuple[list[Call], list[str]]:
    """Every call to the contract in blocks [`start`, `end`] (None: the head), decoded, a refusal
    with the law's reason for its error; and, described, the calls that are no call of the statute."""
    abi = Abi(artifact.abi)
    tz = statute.header.time_zone.tzinfo
    times: dict[int, dt.datetime] = {}
    reasons: dict[str, str] = implementation("chain.domains", statute.header.domain).DRIVER.REASONS
    lawful = law_reasons(statute.header.domain)
    calls, unreplayed = [], []
    for call in calls_to(w3, address, start, end):
        try:
            decoded = abi.call(call.input)
        except DecodingError:
            decoded = None
        if decoded is None:
            unreplayed.append(f"{call.transaction}: input 0x{call.input[:4].hex()}… is no function of the statute")
            continue
        function, args = decoded
        error = (_error_name(abi, call.output) or "0x" + call.output[:4].hex()) if call.failed else None
        refusal = reasons.get(error or "")
        if call.block not in times:
            times[call.block] = dt.datetime.fromtimestamp(w3.eth.get_block(call.block)["timestamp"], tz)
        calls.append(
            Call(
                function,
                args,
                call.sender,
                times[call.block],
                call.block,
                call.transaction,
                call.failed,
                error,
                refusal if refusal in lawful else None,
            )
        )
    return calls, unreplayed


def _error_name(abi: Abi, data: bytes) -> str | None:
    """The name of the ABI's custom error whose selector starts the revert data."""
    try:
        error = abi.error(data)
    except DecodingError:  # the selector matches, the arguments do not: still that error
        item = abi.errors.get(bytes(data[:4]))
        return item["name"] if item else None
    return error[0] if error else None
