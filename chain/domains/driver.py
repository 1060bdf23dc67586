"""What every domain driver shares: its contract, log decoding, refused single actions.

A driver never computes pay or checks the law itself: it sends each event as
a transaction and reads the outcome back from the contract's logs. A
single-action call the contract refuses reverts with a custom error; the
driver maps that error to the interpreter's `Reason` text (`refuse`).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from web3.contract import Contract

from compiler.artifacts import Artifact
from lawdsl.events import Event
from lawdsl.money import Money
from lawdsl.outcome import Outcome, Rejection
from lawdsl.scenario import Scenario

from ..abi import Abi
from ..accounts import AUTHORITY
from ..authority import Authority
from ..client import Chain, Receipt, Reverted


class Driver:
    """Subclasses set `REASONS` (custom error name → reason text) and write `deploy_args`,
    `apply` and `collect`."""

    REASONS: dict[str, str] = {}

    def __init__(
        self,
        chain: Chain,
        scenario: Scenario,
        artifact: Artifact,
        currency: Contract,
        authority: Authority | None = None,
    ) -> None:
        self.chain = chain
        self.authority = authority  # the timelock: the currency's and registry's admin (None: an audit)
        self.scenario = scenario
        self.statute = scenario.statute
        self.artifact = artifact
        self.currency = currency
        self.contract: Contract | None = None
        self.deploy_block = 0
        self.refused: list[Rejection] = []
        self.recorded: list[tuple[str, dict[str, Any]]] | None = None  # logs read elsewhere (audit)

    def deploy_args(self) -> tuple[Any, ...]:
        return (self.currency.address, self.chain.address(AUTHORITY))

    def deploy(self) -> Contract:
        self.contract = self.chain.deploy(AUTHORITY, self.artifact.abi, self.artifact.bytecode, *self.deploy_args())
        self.deploy_block = self.chain.w3.eth.block_number
        return self.contract

    def apply(self, event: Event) -> None:
        raise NotImplementedError

    def collect(self, outcome: Outcome) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ helpers

    def send(self, event: Event, label: str, call: Any) -> Receipt | None:
        """Send `call` from `label`; a refusal the statute names becomes a rejection of `event`."""
        return self._refusable(event, lambda: self.chain.transact(label, call))

    def send_as_authority(self, event: Event, call: Any) -> Receipt | None:
        """`send`, by the authority through its timelock (the statute's admin in these domains)."""
        authority = self.authority
        assert authority is not None, "a driver replaying events is given the authority's timelock"
        return self._refusable(event, lambda: authority.call(call))

    def _refusable(self, event: Event, transact: Callable[[], Receipt]) -> Receipt | None:
        try:
            return transact()
        except Reverted as refusal:
            reason = self.REASONS.get(refusal.error)
            if reason is None:
                raise
            self.refused.append(Rejection(event.index, reason))
            return None

    def logs(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(event name, decoded args) of every log the contract emitted, in chain order; an audit
        hands the logs it read itself in `recorded` instead."""
        if self.recorded is not None:
            return iter(self.recorded)
        assert self.contract is not None
        logs = self.chain.w3.eth.get_logs(
            {"address": self.contract.address, "fromBlock": self.deploy_block, "toBlock": "latest"}
        )
        return iter(Abi(self.artifact.abi).logs(logs))

    def money(self, minor: int) -> Money:
        return Money(self.statute.header.currency, minor)


def article_text(article: bytes) -> str:
    """An article id stored as a left-aligned bytes32 (`"44.1"`) back to text."""
    return article.rstrip(b"\0").decode()
