"""What `oracle serve` checks before it takes a terminal's upload: the chain, the statute, the
relayer, the terminals; and that no other gateway sends from the same relayer key.

Each problem is one sentence that says what is wrong and how to fix it. A
problem that would only make every transaction fail (no statute at the
address, a relayer with no funds, another gateway on the key) stops the
gateway before it starts; one that makes some punches wait (a terminal not
registered yet, a statute not yet in force) is a warning, and those punches
wait in the outbox, held with the reason (`oracle status`), until it is fixed.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from chain.contract import ContractClient
from chain.rpc import RpcError, RpcUnavailable
from chain.signing import BatchSigner

from .devices.config import GatewayConfig
from .journal import Journal


class Refused(RuntimeError):
    """The gateway must not start; the message says why and what to do."""


@dataclass
class Findings:
    fatal: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


#: Gas a relayer should hold at least: a few hundred batches at anvil's and most chains' fees.
MIN_BALANCE_WEI = 10**16


def preflight(
    statute: ContractClient, config: GatewayConfig, relayer: str, journal: Journal, signer: Callable[[str], BatchSigner]
) -> Findings:
    """Every check, in the order a user would fix them."""
    rpc = statute.rpc
    found = Findings()
    try:
        if rpc.call("eth_getCode", statute.address, "latest") in ("0x", "0x0", None):
            found.fatal.append(
                f"there is no contract at statute address {statute.address} on {rpc.url}: check "
                "--statute and --rpc (the address `lawdsl deploy` printed, on the chain it used)"
            )
            return found
        try:
            effective = statute.view("effectiveFrom")
        except (RpcError, ValueError) as exc:
            found.fatal.append(
                f"{statute.address} does not answer as a working-time statute ({exc}): check --statute and --law"
            )
            return found
        now = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
        if now < effective:
            found.warnings.append(
                f"statute {statute.address} is not in force until block time {effective} "
                f"(now {now}): batches wait until then"
            )
        balance = int(rpc.call("eth_getBalance", relayer, "latest"), 16)
        if balance == 0:
            found.fatal.append(
                f"the relayer {relayer} has no funds on this chain to pay for gas: send it some "
                "(or give --relayer-key of a funded account)"
            )
        elif balance < MIN_BALANCE_WEI:
            found.warnings.append(f"the relayer {relayer} holds only {balance} wei; top it up before it runs out")
        latest = int(rpc.call("eth_getTransactionCount", relayer, "latest"), 16)
        pending = int(rpc.call("eth_getTransactionCount", relayer, "pending"), 16)
        if pending > latest and journal.open_count() == 0 and journal.next_nonce() < pending:
            found.fatal.append(
                f"the relayer {relayer} has {pending - latest} pending transaction(s) this gateway "
                "did not send: another process uses the key; give each gateway its own --relayer-key"
            )
        for device in sorted(config.devices.values(), key=lambda d: d.label):
            address = signer(device.label).address
            if int(statute.view("deviceEmployer", address), 16) == 0:
                found.warnings.append(
                    f"terminal {device.label} ({device.serial}) signs as {address}, which the "
                    f"statute has not registered: its punches wait in the outbox until the "
                    "authority registers it"
                )
    except RpcUnavailable as exc:
        found.warnings.append(
            f"the chain at {rpc.url} does not answer ({exc}): uploads are taken and wait in the "
            "outbox until it does; start the node or fix --rpc"
        )
    return found


class RelayerLock:
    """An exclusive lock per relayer address on this machine: a second gateway with the same
    relayer key would take the same nonces and make the first one's transactions fail.

    `flock` on a file in the temporary directory: the kernel drops it when the process dies, so
    a `kill -9` leaves no stale lock. Gateways on other machines are caught by the chain-side
    check in `preflight` (pending transactions the journal does not know).
    """

    def __init__(self, relayer: str, folder: str | Path | None = None) -> None:
        self.path = Path(folder or tempfile.gettempdir()) / f"lawdsl-relayer-{relayer.lower()}.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> RelayerLock:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the process's life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise Refused(
                f"another gateway (pid {holder}) already sends from this relayer key ({self.path}): "
                "give each gateway its own --relayer-key"
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
