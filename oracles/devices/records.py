"""What every device adapter produces: canonical punches, or quarantined records.

Adapters differ in how a clock-in reaches us (an HTTP upload, a LAN pull, a
file); from here on they are one shape, so the outbox, the submitter and
`oracle status` never need to know which device spoke.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Kind = Literal["in", "out"]
KINDS: tuple[Kind, ...] = ("in", "out")


def dedupe_key(serial: str, employee: str, at: dt.datetime, kind: str) -> str:
    """A stable hash naming one physical punch.

    The instant is normalised to UTC first, so the same punch read as
    08:00+08:00 from the terminal and 00:00Z from a CSV export gets one key;
    fields are joined with a unit separator so no field can run into the next.
    """
    instant = at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    text = "\x1f".join((serial, employee, instant, kind))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class CanonicalPunch:
    """One clock-in or clock-out, as the chain side needs it.

    `device` is the device's label (what the statute authority registered on
    chain); `serial` is what the hardware calls itself and is part of the key,
    so two terminals never collide. `at` is aware and keeps the device's zone,
    so a punch reads as local time in reports.
    """

    serial: str
    device: str
    employee: str
    at: dt.datetime
    kind: Kind
    source: str
    key: str = field(init=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"punch time {self.at} has no time zone")
        if self.kind not in KINDS:
            raise ValueError(f"punch kind {self.kind!r} is not 'in' or 'out'")
        object.__setattr__(self, "key", dedupe_key(self.serial, self.employee, self.at, self.kind))

    @classmethod
    def stored(
        cls, key: str, serial: str, device: str, employee: str, at: dt.datetime, kind: Kind, source: str
    ) -> CanonicalPunch:
        """A punch read back from the outbox under the key it was admitted with.

        Not checked or hashed again: it was when admitted, and the submitter
        reads every punch back once (the hash was a sixth of its time per punch).
        """
        punch = object.__new__(cls)
        for name, value in (
            ("serial", serial),
            ("device", device),
            ("employee", employee),
            ("at", at),
            ("kind", kind),
            ("source", source),
            ("key", key),
        ):
            object.__setattr__(punch, name, value)
        return punch


class Reason(StrEnum):
    """Why a device record was quarantined; the codes `oracle status` groups by."""

    MALFORMED = "malformed"
    UNKNOWN_DEVICE = "unknown-device"
    UNKNOWN_EMPLOYEE = "unknown-employee"
    UNKNOWN_STATUS = "unknown-status"
    FUTURE = "future"
    DUPLICATE = "duplicate"
    OUT_OF_ORDER = "out-of-order"


@dataclass(frozen=True)
class Quarantined:
    """A device record that will not be sent, kept verbatim with the reason.

    `record` is the text as the device sent it (an ATTLOG line, a CSV row),
    so an operator can fix the configuration and replay it by hand.
    """

    record: str
    source: str
    reason: Reason
    detail: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}: {self.detail}: {self.record!r}"


@dataclass(frozen=True)
class Redelivered:
    """A record whose punch is already in the outbox.

    Devices deliver at least once (a terminal re-sends a batch whose `OK` it
    never saw; a LAN pull re-reads the whole log), so this is the normal,
    harmless case: the record is acknowledged and nothing is sent twice.
    """

    punch: CanonicalPunch


Admission = CanonicalPunch | Redelivered | Quarantined
