"""Which contract a punch goes to when a statute has several versions: the gateway follows the registry.

A statute amended on a live chain has a contract per version in its
registry, each with its effective date (docs/chain-interfaces.md,
"Amendments"). A clock-in goes to the version in force at its time; a
clock-out to the version holding the employee's open shift, the one in
force at the clock-in before it (`lawdsl.amendments`: the same rule as the
interpreter's). That clock-in is read from the outbox, which keeps every
punch, so the choice survives a restart of the gateway.

The registry is read again every `refresh` seconds: a version enacted
while the gateway runs is followed from its effective date. Punches sent to
a new version before the authority has carried the devices over (`lawdsl
authority migrate`) wait in the outbox like those of any unregistered
terminal, and are sent once the firm has accepted its device there.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from chain.contract import ContractClient
from chain.registry import registry_abi
from lawdsl.amendments import Versions

from .devices.records import CanonicalPunch
from .journal import Journal
from .outbox import Outbox

log = logging.getLogger("oracles.routing")


class Router:
    """The versions of the gateway's statute, and the one each punch goes to."""

    def __init__(
        self,
        primary: ContractClient,
        outbox: Outbox,
        registry: str | None = None,
        title: str | None = None,
        refresh: float = 5.0,
    ) -> None:
        """`primary`: the statute the gateway was started for; with `registry` and `title`, every
        version of that title the registry lists is followed, else `primary` alone."""
        self.primary = primary
        self.outbox = outbox
        self.registry = (
            ContractClient(primary.rpc, registry, [dict(item) for item in registry_abi().items]) if registry else None
        )
        self.title = title
        self.refresh_every = refresh
        self.clients: list[ContractClient] = [primary]
        self.versions = Versions([0])
        self._read_at = float("-inf")
        self.journal: Journal | None = None  # where batches were sent (`Submitter` sets it)

    def refresh(self) -> list[ContractClient]:
        """Read the registry again if `refresh` seconds have passed; the versions new to the gateway."""
        if self.registry is None or time.monotonic() - self._read_at < self.refresh_every:
            return []
        self._read_at = time.monotonic()
        history: list[Any] = self.registry.view("history", self.title)
        if not history or all(entry[0].lower() != self.primary.address.lower() for entry in history):
            return []  # the registry does not list the gateway's statute: serve it alone
        known = {client.address.lower(): client for client in self.clients}
        clients = [
            known.get(entry[0].lower()) or ContractClient(self.primary.rpc, entry[0], self.primary.abi)
            for entry in history
        ]
        fresh = [client for client in clients if client.address.lower() not in known]
        if fresh:
            self.clients = clients
            self.versions = Versions([int(entry[3]) for entry in history])
            for client, entry in zip(clients, history):
                if client in fresh:
                    log.info(
                        "following %s version %d at %s, in force from block time %d",
                        self.title,
                        entry[2],
                        client.address,
                        entry[3],
                    )
        return fresh

    def target(self, punch: CanonicalPunch) -> ContractClient:
        """The contract `punch` goes to (the only one while the statute has one version)."""
        if len(self.clients) == 1:
            return self.primary
        clock_in = None
        if punch.kind == "out":
            shift = self.outbox.shift_of(punch)
            if shift is not None:
                clock_in, tx_hash = shift
                sent_to = self.journal.target_of(tx_hash) if self.journal and tx_hash else None
                for client in self.clients:
                    if client.address == sent_to:
                        return client  # the contract that holds the open shift
        return self.clients[self.versions.for_punch(punch.kind, punch.at, clock_in)]
