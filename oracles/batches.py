"""Punches into batches: each employee's punches reach the contract in arrival order.

A batch is one device's punches for one transaction; `plan_batches` cuts
the outbox's pending punches so that no punch is mined before an earlier
punch of the same employee from another terminal (the contract refuses an
earlier punch). `signed_punch` is the contract's `Punch` struct of a punch:
the submitter batches it and a quorum's peers rebuild it to check a digest,
so both build it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from chain.signing import SignedPunch

from .devices.records import CanonicalPunch


def key_ref(key: str) -> int:
    """The contract's uint64 `Punch.ref` of a dedupe key: its first 16 hex digits (docs/oracles.md)."""
    return int(key[:16], 16)


def punch_ref(punch: CanonicalPunch) -> int:
    return key_ref(punch.key)


def signed_punch(punch: CanonicalPunch, employee_address: str) -> SignedPunch:
    """The punch as the contract's `Punch` struct: what the submitter batches and a quorum's
    peers rebuild to check a digest, so both must build it the same way."""
    return SignedPunch(employee_address, int(punch.at.timestamp()), punch.kind == "in", punch_ref(punch))


@dataclass
class Batch:
    """Punches of one device for one transaction, in arrival order."""

    device: str
    punches: list[CanonicalPunch] = field(default_factory=list)


def plan_batches(punches: Iterable[CanonicalPunch], size: int) -> list[Batch]:
    """Cut punches (in arrival order) into per-device batches, sent in list order.

    A punch joins its device's latest batch unless that batch is full or comes
    before a batch holding the same employee's previous punch (another
    terminal); then it opens a new batch at the end. So every employee's
    punches are mined in arrival order, whatever terminals they used.
    """
    batches: list[Batch] = []
    current: dict[str, int] = {}  # device -> index of its open batch
    last_of: dict[str, int] = {}  # employee -> index of the batch with their latest punch
    for punch in punches:
        index = current.get(punch.device, -1)
        if index < 0 or index < last_of.get(punch.employee, -1) or len(batches[index].punches) >= size:
            batches.append(Batch(punch.device))
            index = current[punch.device] = len(batches) - 1
        batches[index].punches.append(punch)
        last_of[punch.employee] = index
    return batches
