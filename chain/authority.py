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

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from web3.contract import Contract

from compiler.artifacts import Artifact

from .accounts import AUTHORITY
from .client import Chain, Receipt

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

    def propose(self, calls: Sequence[Any]) -> Proposal:
        """Schedule `calls` (contract function calls) as one operation, executable after the delay."""
        # A fresh salt: the same calls may be proposed again later (a second mint of the same amount).
        proposal = Proposal(
            tuple(call.address for call in calls),
            tuple(call._encode_transaction_data() for call in calls),
            os.urandom(32),
        )
        delay = self.timelock.functions.getMinDelay().call()
        self.chain.transact(
            self.proposer,
            self.timelock.functions.scheduleBatch(
                list(proposal.targets), [0] * len(calls), list(proposal.datas), NO_PREDECESSOR, proposal.salt, delay
            ),
        )
        return proposal

    def execute(self, proposal: Proposal) -> Receipt:
        """Run a proposal whose delay has passed; a refused call reverts with its own custom error."""
        return self.chain.transact(
            self.proposer,
            self.timelock.functions.executeBatch(
                list(proposal.targets), [0] * len(proposal.targets), list(proposal.datas), NO_PREDECESSOR, proposal.salt
            ),
        )

    def call(self, *calls: Any) -> Receipt:
        """Propose and execute at once: only a zero-delay timelock (scenario replay) allows it."""
        return self.execute(self.propose(calls))


def deploy_authority(
    chain: Chain, artifacts: dict[str, Artifact], delay: int = 0, proposer: str = AUTHORITY
) -> Authority:
    """A timelock with `delay` seconds whose only proposer, canceller and executor is `proposer`;
    it administers itself (no admin account), so changing its delay or proposers waits out the delay too."""
    timelock = artifacts["AuthorityTimelock"]
    key = chain.address(proposer)
    contract = chain.deploy(proposer, timelock.abi, timelock.bytecode, delay, [key], [key], "0x" + "00" * 20)
    return Authority(chain, contract, proposer)
