"""The authority's admin actions through its timelock (contracts/AuthorityTimelock.sol).

Minting, enacting and every registration on a statute go through an
OpenZeppelin `TimelockController`: the authority's key proposes a call
(`schedule`) and may execute it once the delay has passed, so nobody —
not even the authority — can mint money or register a device, buyer or
issuer without it standing on chain for the delay first. Scenario replay
deploys a zero-delay timelock whose proposer and executor is `@authority`,
so `Authority.call` schedules and executes in one go; a live deployment
sets a real delay and executes later (`propose`, then `execute`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3.contract import Contract

from compiler.artifacts import Artifact

from .abi import Abi
from .accounts import AUTHORITY
from .client import Chain, Receipt
from .history import get_logs

NO_PREDECESSOR = bytes(32)


@dataclass(frozen=True)
class Proposal:
    """A scheduled batch of calls: what `execute` needs to run it once its delay has passed."""

    targets: tuple[str, ...]
    datas: tuple[str, ...]
    salt: bytes


class Authority:
    """The authority acting through its timelock from the `proposer` label's key."""

    def __init__(self, chain: Chain, timelock: Contract, proposer: str = AUTHORITY) -> None:
        self.chain = chain
        self.timelock = timelock
        self.proposer = proposer

    @property
    def address(self) -> str:
        """The address every contract knows as its authority: the timelock's."""
        return str(self.timelock.address)

    @property
    def delay(self) -> int:
        """Seconds a proposal waits on chain before it may be executed."""
        delay: int = self.timelock.functions.getMinDelay().call()
        return delay

    def propose(self, calls: Sequence[Any]) -> Proposal:
        """Schedule `calls` (contract function calls) as one operation, executable after the delay."""
        return self._schedule(calls)[0]

    def _schedule(self, calls: Sequence[Any]) -> tuple[Proposal, Receipt]:
        # A fresh salt: the same calls may be proposed again later (a second mint of the same amount).
        proposal = Proposal(
            tuple(call.address for call in calls),
            tuple(call._encode_transaction_data() for call in calls),
            os.urandom(32),
        )
        receipt = self.chain.transact(
            self.proposer,
            self.timelock.functions.scheduleBatch(
                list(proposal.targets),
                [0] * len(calls),
                list(proposal.datas),
                NO_PREDECESSOR,
                proposal.salt,
                self.delay,
            ),
        )
        return proposal, receipt

    def execute(self, proposal: Proposal) -> Receipt:
        """Run a proposal whose delay has passed; a refused call reverts with its own custom error."""
        return self.chain.transact(
            self.proposer,
            self.timelock.functions.executeBatch(
                list(proposal.targets), [0] * len(proposal.targets), list(proposal.datas), NO_PREDECESSOR, proposal.salt
            ),
        )

    def call(self, *calls: Any) -> Receipt:
        """Propose `calls` as one operation and execute it at once when the timelock has no delay
        (scenario replay; `lawdsl deploy` before it sets `--timelock-delay`). With a delay it only
        proposes: the operation waits on chain for `lawdsl authority execute`, and the receipt is
        the proposal's."""
        proposal, scheduled = self._schedule(calls)
        return scheduled if self.delay else self.execute(proposal)


def deploy_authority(
    chain: Chain, artifacts: dict[str, Artifact], delay: int = 0, proposer: str = AUTHORITY
) -> Authority:
    """A timelock with `delay` seconds whose only proposer, canceller and executor is `proposer`;
    it administers itself (no admin account), so changing its delay or proposers waits out the delay too."""
    timelock = artifacts["AuthorityTimelock"]
    key = chain.address(proposer)
    contract = chain.deploy(proposer, timelock.abi, timelock.bytecode, delay, [key], [key], "0x" + "00" * 20)
    return Authority(chain, contract, proposer)


#: `TimelockController.getOperationState`: an operation never scheduled (or cancelled), waiting out its
#: delay, executable, executed.
OPERATION_STATES = ("unset", "waiting", "ready", "done")


@dataclass(frozen=True)
class Operation:
    """One operation the authority scheduled through its timelock, as the chain's logs and state tell it."""

    id: bytes
    calls: tuple[tuple[str, bytes], ...]  # (target, calldata) in order
    predecessor: bytes
    salt: bytes
    ready_at: int  # Unix time from which it may be executed
    state: str  # "waiting", "ready", "done", or "cancelled" (scheduled once, now unset)
    block: int  # where it was scheduled

    @property
    def batch(self) -> bool:
        """Scheduled with `scheduleBatch` (its id hashes the lists), not `schedule`: executed the same way."""
        if len(self.calls) != 1:
            return True
        ((target, data),) = self.calls
        single = encode(
            ["address", "uint256", "bytes", "bytes32", "bytes32"], [target, 0, data, self.predecessor, self.salt]
        )
        return keccak(single) != self.id

    def execute_call(self, timelock: Contract) -> Any:
        """The timelock call that executes this operation (its delay must have passed)."""
        targets, datas = [t for t, _ in self.calls], [d for _, d in self.calls]
        if self.batch:
            return timelock.functions.executeBatch(targets, [0] * len(targets), datas, self.predecessor, self.salt)
        return timelock.functions.execute(targets[0], 0, datas[0], self.predecessor, self.salt)


def scheduled_operations(chain: Chain, timelock: Contract, from_block: int = 0) -> list[Operation]:
    """Every operation scheduled through `timelock`, oldest first, with its state now.

    Read from the timelock's own logs (`CallScheduled`, one per call, and `CallSalt`) and its
    `getOperationState`, so every operator sees the same list, whoever scheduled and from wherever."""
    codec = Abi(timelock.abi)
    salts: dict[bytes, bytes] = {}
    calls: dict[bytes, list[tuple[str, bytes]]] = {}
    first: dict[bytes, tuple[bytes, int]] = {}  # id -> (predecessor, block)
    query = {"address": timelock.address, "topics": [[codec.topic("CallScheduled"), codec.topic("CallSalt")]]}
    for entry in get_logs(chain.w3, query, from_block):
        decoded = codec.log(entry)
        if decoded is None:
            continue
        name, values = decoded
        if name == "CallSalt":
            salts[values["id"]] = values["salt"]
            continue
        calls.setdefault(values["id"], []).append((values["target"], values["data"]))
        first.setdefault(values["id"], (values["predecessor"], entry["blockNumber"]))
    operations = []
    for op_id, (predecessor, block) in first.items():
        state = OPERATION_STATES[timelock.functions.getOperationState(op_id).call()]
        operations.append(
            Operation(
                op_id,
                tuple(calls[op_id]),
                predecessor,
                salts.get(op_id, NO_PREDECESSOR),
                timelock.functions.getTimestamp(op_id).call(),
                "cancelled" if state == "unset" else state,
                block,
            )
        )
    return operations


def delay_words(seconds: int) -> str:
    """A delay as an operator reads it: "2 d 6 h", "45 s"."""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min"), (seconds, "s")) if n]
    return " ".join(parts) or "0 s"


def utc(timestamp: int) -> str:
    """A block time as an operator reads it, in UTC (the chain's clock knows no time zone)."""
    return f"{dt.datetime.fromtimestamp(timestamp, dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
