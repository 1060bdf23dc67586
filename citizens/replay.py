"""The law's side of an audit, kept current: a deployed statute's inputs rebuilt from the chain and
run through the interpreter, with every payment's explanation.

`lawdsl audit` and `lawdsl explain` build a `Replay` and read it once; the
portal keeps one per statute and calls `update` as the chain grows. An
update reads only the blocks since the last one (the calls to the statute,
the currency's movements outside it) and feeds only the new events to the
interpreter it kept, so following a live chain costs what the new blocks
cost, not what the whole history costs. It starts over — the result of a
fresh replay, by construction — when what it read no longer holds: another
chain behind the URL (a restarted node, a reorganisation: the block it last
read has another hash), earlier events renumbered by later ones, or a party
whose opening wallet it never read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from eth_typing import ChecksumAddress, HexStr
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3
from web3.exceptions import Web3Exception

from chain.domains import rebuilder_class
from chain.domains.rebuild import Call, read_calls
from chain.history import creation_block, get_logs
from compiler.artifacts import compile_statutes
from lawdsl import events as E
from lawdsl.ast import Statute
from lawdsl.interpret import interpreter_for
from lawdsl.interpret.base import DomainInterpreter
from lawdsl.interpret.explain import Explanation
from lawdsl.load import load_statute
from lawdsl.money import Money
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario

ERC20_BALANCE = [
    {
        "type": "function",
        "name": "balanceOf",
        "stateMutability": "view",
        "inputs": [{"name": "owner", "type": "address"}],
        "outputs": [{"name": "", "type": "uint256"}],
    }
]


TRANSFER = keccak(text="Transfer(address,address,uint256)")
ZERO = "0x" + "00" * 20


@dataclass(frozen=True)
class Movement:
    """An ERC-20 `Transfer` of the statute's currency that did not involve the statute."""

    block: int
    transaction_index: int
    log_index: int
    sender: str | None  # None: minted
    recipient: str | None  # None: burned
    amount: int


def movements(w3: Web3, token: str, statute: str, start: int, end: int | None = None) -> list[Movement]:
    """Every movement of the currency in blocks [`start`, `end`] (None: the head) that neither came
    from nor went to the statute (top-ups, transfers between parties, withdrawals): the chain's own
    record of them."""
    found = []
    for log in get_logs(w3, {"address": token, "topics": ["0x" + TRANSFER.hex()]}, start, end):
        sender = to_checksum_address(bytes(log["topics"][1])[-20:])
        recipient = to_checksum_address(bytes(log["topics"][2])[-20:])
        if statute in (sender, recipient):
            continue  # the statute's own deposits and payments: its calls replay them
        found.append(
            Movement(
                log["blockNumber"],
                log["transactionIndex"],
                log["logIndex"],
                None if sender == ZERO else sender,
                None if recipient == ZERO else recipient,
                int.from_bytes(bytes(log["data"])[:32], "big"),
            )
        )
    return found


def interleave(
    w3: Web3,
    replayed: list[tuple[E.Event, str | None, Call]],
    moved: list[Movement],
    statute: Statute,
    positions: dict[str, int] | None = None,
    times: dict[int, dt.datetime] | None = None,
) -> list[E.Event]:
    """The rebuilt events with the wallet movements between them, in the chain's order.

    A movement is placed before the first call that came after it (by block,
    then position in the block). Movements take negative event numbers, so
    the statute's own numbering (the oracle's refs) is untouched.
    `positions` (transaction → its index in the block) and `times` (block →
    its time) are the caller's caches: a replay kept current asks each once.
    """
    tz, currency = statute.header.time_zone.tzinfo, statute.header.currency
    positions = {} if positions is None else positions

    def position(call: Call) -> tuple[int, int, int]:
        if call.transaction not in positions:
            positions[call.transaction] = w3.eth.get_transaction(HexStr(call.transaction))["transactionIndex"]
        return (call.block, positions[call.transaction], 1 << 30)

    pending = sorted(moved, key=lambda m: (m.block, m.transaction_index, m.log_index))
    times = {} if times is None else times
    events: list[E.Event] = []
    moves = [0]  # movements placed so far

    def flush(upto: tuple[int, int, int] | None) -> None:
        while pending and (
            upto is None or (pending[0].block, pending[0].transaction_index, pending[0].log_index) < upto
        ):
            m = pending.pop(0)
            if m.block not in times:
                times[m.block] = dt.datetime.fromtimestamp(w3.eth.get_block(m.block)["timestamp"], tz)
            events.append(
                E.WalletMove(
                    index=-1 - moves[0],
                    at=times[m.block],
                    sender=m.sender,
                    recipient=m.recipient,
                    amount=Money(currency, m.amount),
                )
            )
            moves[0] += 1

    for event, _, call in replayed:
        if pending and pending[0].block <= call.block:
            flush(position(call))
        events.append(event)
    flush(None)
    return events


def wallets(w3: Web3, token: ChecksumAddress, owners: list[str], block: int, currency: str) -> dict[str, Money]:
    """Token balances of `owners` at the end of `block`: the wallets the interpreter starts from.

    Read from the node's state at `block`; a node that keeps no past states
    (pruned, or an anvil restarted from a saved state) gets the same figures
    from the token's `Transfer` logs up to `block`, since an ERC-20 logs every
    change of a balance (mints and burns as transfers from and to zero).
    """
    contract = w3.eth.contract(address=token, abi=ERC20_BALANCE)
    try:
        minor = {owner: contract.functions.balanceOf(owner).call(block_identifier=block) for owner in owners}
    except (Web3Exception, ValueError):
        minor = dict.fromkeys(owners, 0)
        for log in get_logs(w3, {"address": token, "topics": ["0x" + TRANSFER.hex()]}, 0, block):
            amount = int.from_bytes(bytes(log["data"])[:32], "big")
            for topic, sign in ((log["topics"][1], -1), (log["topics"][2], 1)):
                party = to_checksum_address(bytes(topic)[-20:])
                if party in minor:
                    minor[party] += sign * amount
    return {owner: Money(currency, amount) for owner, amount in minor.items()}


class Replay:
    """One statute's inputs, read up to block `read_to`, and the law's outcome on them."""

    def __init__(self, w3: Web3, file: str | Path, address: str) -> None:
        self.w3 = w3
        self.file = Path(file)
        self.statute = load_statute(file)
        self.address = to_checksum_address(address)
        self.artifact = compile_statutes([self.statute])[self.statute.header.title]  # its ABI
        self.start = creation_block(w3, self.address)
        contract = w3.eth.contract(address=self.address, abi=self.artifact.abi)
        self.token: ChecksumAddress = contract.functions.currency().call()
        self.parties = rebuilder_class(self.statute.header.domain).parties(contract, self.start)
        self.restarts = 0  # replays from the first event: how often an update could not build on the last
        self._forget()

    def _forget(self) -> None:
        """Back to nothing read (a new replay, or another chain behind the URL)."""
        self.read_to, self.read_hash = self.start - 1, ""
        self.calls: list[Call] = []
        self.moved: list[Movement] = []
        self.foreign: list[str] = []  # calls that are no call of the statute, described
        self.positions: dict[str, int] = {}
        self.times: dict[int, dt.datetime] = {}
        self.events: list[E.Event] = []
        self.replayed: list[tuple[E.Event, str | None, Call]] = []
        self.unreplayed: list[str] = []
        self.before = self.start  # the block whose wallets the replay opens with
        self.opening: dict[str, Money] = {}
        self.interpreter: DomainInterpreter | None = None
        self.stale = True  # calls or movements read and not replayed yet (a replay cut short retries)

    @property
    def explanations(self) -> list[Explanation]:
        """Why each payment of the law has its amount, in payment order (the list grows in place)."""
        return self.interpreter.explanations if self.interpreter else []

    def owed(self) -> list[Explanation]:
        """Why each arrear still owed has its amount and why it waits, in the order of the outcome's."""
        return self.interpreter.arrears_explained() if self.interpreter else []

    def outcome(self) -> Outcome:
        """The law's outcome on the inputs read so far."""
        if self.interpreter is None:
            return self._fresh(self._scenario([])).outcome()
        return self.interpreter.outcome()

    def update(self, step: Callable[[str], None] = lambda what: None) -> bool:
        """Read the blocks up to the head not read yet and replay what they add; False: nothing new."""
        head = self.w3.eth.block_number
        if self.read_hash and (head < self.read_to or self._hash(self.read_to) != self.read_hash):
            self._forget()  # another chain: what was read came from blocks it does not have
        if head > self.read_to:
            step("reading the calls to the statute")
            calls, foreign = read_calls(self.w3, self.statute, self.artifact, self.address, self.read_to + 1, head)
            step("reading the currency's movements outside the statute")
            moved = movements(self.w3, self.token, self.address, self.read_to + 1, head)
            self.calls += calls
            self.foreign += foreign
            self.moved += moved
            self.read_to, self.read_hash = head, self._hash(head)
            self.stale = self.stale or bool(calls or moved)
        if not self.stale:
            return False
        step("replaying the inputs through the law")
        self._replay()
        self.stale = False
        return True

    def _hash(self, block: int) -> str:
        return bytes(self.w3.eth.get_block(block)["hash"]).hex()

    def _replay(self) -> None:
        """Rebuild the events from every call read (cheap, local) and feed the interpreter those it
        has not seen; start it over when the events it saw are not the start of the new ones."""
        rebuilder = rebuilder_class(self.statute.header.domain)(self.statute, self.calls)
        self.replayed = rebuilder.events()
        self.unreplayed = self.foreign + rebuilder.unreplayed
        # wallets are read as they stood before the first call; the movements after it are replayed
        before = self.calls[0].block - 1 if self.calls else self.start
        moved = [m for m in self.moved if m.block > before]
        events = interleave(self.w3, self.replayed, moved, self.statute, self.positions, self.times)
        scenario = self._scenario(events)
        seen = len(self.events)
        if (
            self.interpreter is None
            or before != self.before
            or not set(scenario.holders()) <= set(self.opening)
            or events[:seen] != self.events
        ):
            self.before = before
            self.opening = wallets(self.w3, self.token, scenario.holders(), before, self.statute.header.currency)
            self.interpreter = self._fresh(dataclasses.replace(scenario, balances=self.opening))
            self.restarts += 1
            seen = 0
        for event in events[seen:]:
            self.interpreter.apply(event)
        self.events = events

    def _scenario(self, events: list[E.Event]) -> Scenario:
        return Scenario(self.file, self.statute, {}, tuple(events), **self.parties)

    @staticmethod
    def _fresh(scenario: Scenario) -> DomainInterpreter:
        interpreter = interpreter_for(scenario)
        interpreter.explaining = True
        return interpreter
